"""A bulk of records written in one Odoo transaction (one write_date with microseconds, sent as a
whole second) is pulled in full, each record once, and the pull ends, on every version."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from tests.hub import TestHub, open_odoo
from tilisilta.clock import ManualClock
from tilisilta.connectors.odoo.client import OdooClient
from tilisilta.connectors.odoo.flows.connection import company_context, open_client
from tilisilta.connectors.odoo.flows.pulling import changed_pages
from tilisilta.connectors.odoo.flows.registers import pull_partners
from tilisilta.crypto import SecretBox
from tilisilta.settings import Settings
from tilisilta.store.engine import Store
from tilisilta.store.models import Document
from tilisilta.store.registers import PARTY

BULK = 1_000
PAGE = 200
CALL_LIMIT = 200  # a pull that loops would pass this long before the test times out


class CallLimit(httpx.BaseTransport):
    """Counts the calls and stops a pull that loops instead of hanging the suite."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.calls = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        if self.calls > CALL_LIMIT:
            raise AssertionError(f"the pull made over {CALL_LIMIT} calls: it loops")
        return self.inner.handle_request(request)


def bulk_customers(registry: Any, count: int) -> list[int]:
    """``count`` customer companies created by one call: one transaction, one write_date."""
    values = [{"name": f"Massa {n:04d} Oy", "customer_rank": 1} for n in range(count)]
    return list(registry.call("res.partner", "create", values))


@pytest.fixture
def odd_clock() -> ManualClock:
    # Odoo's transaction timestamp has microseconds; whole seconds would hide the bug.
    return ManualClock(datetime(2026, 6, 15, 7, 0, 0, 482913, tzinfo=UTC))


@pytest.mark.parametrize("version", [16, 17, 18, 19])
def test_a_thousand_records_of_one_transaction_are_each_read_once_and_the_pull_ends(
    version: int, sqlite_store: Store, box: SecretBox, odd_clock: ManualClock, settings: Settings
) -> None:
    odoo = open_odoo(odd_clock, version=version)
    ids = set(bulk_customers(odoo.sandbox.registry, BULK))
    hub = TestHub(sqlite_store, box, odd_clock, settings).connect_odoo(odoo, page_size=PAGE)
    client, options = open_client(hub.context("odoo", transport=CallLimit(odoo.transport)))
    yielded = _read_all(client, company_context(options))
    assert len(yielded) == len(set(yielded)), "a record was read twice"
    assert ids <= set(yielded)


@pytest.mark.parametrize("version", [16, 17, 18, 19])
def test_the_customer_pull_takes_a_bulk_of_one_second_in_full(
    version: int, sqlite_store: Store, box: SecretBox, odd_clock: ManualClock, settings: Settings
) -> None:
    odoo = open_odoo(odd_clock, version=version)
    bulk_customers(odoo.sandbox.registry, BULK)
    hub = TestHub(sqlite_store, box, odd_clock, settings).connect_odoo(odoo, page_size=PAGE)
    limit = CallLimit(odoo.transport)
    first = hub.run("odoo", pull_partners, transport=limit)
    assert first.aborted is None
    assert first.new + len(first.skipped) >= BULK
    with sqlite_store.session() as session:
        kept = session.scalar(
            select(func.count()).select_from(Document).where(Document.kind == PARTY)
        )
    assert kept == first.new >= BULK
    again = hub.run("odoo", pull_partners, transport=limit)
    assert (again.new, again.changed, again.aborted) == (0, 0, None)


def _read_all(client: OdooClient, context: dict[str, Any]) -> list[int]:
    domain = [("customer_rank", ">", 0)]
    seen: list[int] = []
    for rows, _cursor in changed_pages(
        client, "res.partner", domain, ["name"], cursor=None, page_size=PAGE, context=context
    ):
        assert len(rows) <= PAGE
        seen.extend(int(r["id"]) for r in rows)
    return seen
