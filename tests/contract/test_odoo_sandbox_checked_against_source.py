"""Sandbox behaviours corrected after checking them against Odoo's own source (docs/odoo.md,
"Checked against Odoo's source"): each test names the Odoo file and function it follows."""

from __future__ import annotations

import html
from typing import Any

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


@pytest.mark.parametrize("version", [16, 17, 18, 19])
def test_units_of_measure_are_those_odoo_ships(version: int) -> None:
    """addons/uom/data/uom_data.xml and models/uom_uom.py: 16-18 group units in categories with
    a reference unit (the tonne "t" is Weight, bigger, ``factor_inv`` 1000; Hours are 8 to the
    Days reference); 19 keeps a tree (``relative_factor`` to ``relative_uom_id``, stored absolute
    ``factor``, ``_parent_store`` on ``relative_uom_id``), names the tonne "Ton" and archives
    the units most companies do not use. The external ids are module ``uom``'s."""
    registry = Registry(version)
    context = {"active_test": False}
    xml_ids = registry.call(
        "ir.model.data", "search_read", [("module", "=", "uom")], ["name", "model", "res_id"]
    )
    ids = {row["name"]: row["res_id"] for row in xml_ids if row["model"] == "uom.uom"}

    def unit(xml_id: str, fields: list[str]) -> Any:
        return registry.call("uom.uom", "read", [ids[xml_id]], fields, context=context)[0]

    if version <= 18:
        fields = ["name", "category_id", "uom_type", "factor", "ratio"]
        ton, hours = unit("product_uom_ton", fields), unit("product_uom_hour", fields)
        assert (ton["name"], ton["category_id"][1], ton["uom_type"]) == ("t", "Weight", "bigger")
        assert (ton["factor"], ton["ratio"]) == (0.001, 1000.0)
        assert hours["category_id"][1] == "Working Time" and hours["factor"] == 8.0
        assert unit("product_uom_day", fields)["uom_type"] == "reference"
        categories = {row["name"] for row in xml_ids if row["model"] == "uom.category"}
        assert {"product_uom_categ_kgm", "product_uom_categ_unit", "uom_categ_wtime"} <= categories
        return
    fields = ["name", "relative_factor", "relative_uom_id", "factor", "parent_path", "active"]
    ton = unit("product_uom_ton", fields)
    assert (ton["name"], ton["relative_factor"], ton["factor"]) == ("Ton", 1000.0, 1000000.0)
    assert ton["relative_uom_id"] == [ids["product_uom_kgm"], "kg"]
    path = [ids["product_uom_gram"], ids["product_uom_kgm"], ids["product_uom_ton"]]
    assert ton["parent_path"] == "".join(f"{i}/" for i in path)
    assert unit("product_uom_gram", fields)["relative_uom_id"] is False
    assert unit("product_uom_day", fields)["relative_factor"] == 8.0
    assert unit("product_uom_dozen", fields)["active"] is False
    ancestors = registry.call(
        "uom.uom", "search", [("id", "parent_of", [ids["product_uom_ton"]])], context=context
    )
    assert sorted(ancestors) == sorted(path)
    assert registry.call("uom.uom", "search", [("name", "=", "Dozens")]) == []  # archived
