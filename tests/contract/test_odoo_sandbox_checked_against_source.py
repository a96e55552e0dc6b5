"""Sandbox behaviours corrected after checking them against Odoo's own source (docs/odoo.md,
"Checked against Odoo's source"): each test names the Odoo file and function it follows."""

from __future__ import annotations

import html

import pytest
from odoo_sandbox_support import make_env

from tilisilta.sandbox.odoo.orm.registry import Registry


@pytest.mark.parametrize(
    ("version", "status", "route_type"),
    [(16, 400, "json"), (17, 400, "json"), (18, 400, "json"), (19, 415, "jsonrpc")],
)
def test_jsonrpc_with_a_wrong_content_type_is_refused_as_that_version_refuses_it(
    version: int, status: int, route_type: str
) -> None:
    """odoo/http.py ``Request._set_request_dispatcher``: in 16.0-18.0 a BadRequest (400) naming
    the route type ``json`` (``JsonRPCDispatcher.routing_type``); the ``jsonrpc`` name came after
    18.0."""
    e = make_env(version=version)
    try:
        response = e.http.post(
            "/jsonrpc", content=b'{"params": {}}', headers={"Content-Type": "text/plain"}
        )
        assert response.status_code == status
        assert f"'/jsonrpc' is type='{route_type}'" in html.unescape(response.text)
        assert ("accept" in response.headers) is (status == 415)
    finally:
        e.http.close()
        e.sb.close()


@pytest.mark.parametrize("version", [16, 17, 18, 19])
def test_move_line_display_types_are_those_of_the_version(version: int) -> None:
    """addons/account/models/account_move_line.py ``display_type``: ``discount`` from 17,
    ``line_subsection`` and the three non-deductible kinds in 19."""
    registry = Registry(version)
    described = registry.call(
        "account.move.line", "fields_get", ["display_type"], attributes=["selection"]
    )
    values = {value for value, _label in described["display_type"]["selection"]}
    base = {
        "product",
        "cogs",
        "tax",
        "rounding",
        "payment_term",
        "line_section",
        "line_note",
        "epd",
    }
    expected = set(base)
    if version >= 17:
        expected.add("discount")
    if version >= 19:
        expected |= {
            "line_subsection",
            "non_deductible_product_total",
            "non_deductible_product",
            "non_deductible_tax",
        }
    assert values == expected
