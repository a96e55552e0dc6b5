"""Accounting by row: accounts and dimension items written to the invoice's ledger receipt."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.factories import invoice
from tests.hub import TestHub
from tilisilta.store.companies import find_connection


def _coded(number: str, **line_changes: Any) -> dict[str, Any]:
    doc = invoice(number)
    doc["lines"][0].update(
        {"account": "3010", "dimensions": {"Kustannuspaikka": "HKI", "Projekti": "P100"}}
    )
    doc["lines"][1].update({"account": "3000", "dimensions": {"Kustannuspaikka": "TRE"}})
    doc["lines"][0].update(line_changes)
    return doc


def _receipt(hub: TestHub) -> dict[str, Any]:
    [sent] = hub.procountor.invoices()
    [receipt] = [
        r
        for r in hub.procountor.sandbox.ledger_receipts(hub.procountor.company_id)
        if r["id"] == sent["ledgerReceiptId"]
    ]
    return receipt


def _entries(receipt: dict[str, Any]) -> list[tuple[str, Decimal, list[tuple[int, int]]]]:
    return [
        (
            t["account"],
            Decimal(str(t["accountingValue"])),
            sorted((v["dimensionId"], v["itemId"]) for v in t["dimensionItemValues"]),
        )
        for t in receipt["transactions"]
        if t["transactionType"] == "ENTRY"
    ]


def test_rows_get_their_accounts_and_dimension_items(hub: TestHub, tmp_path: Path) -> None:
    hub.import_invoices([_coded("1001")], tmp_path)
    [line] = hub.send().lines
    assert line.state == "sent", line.message
    [sent] = hub.procountor.invoices()
    assert sent["extraInfo"]["accountingByRow"] is True
    # Kustannuspaikka 4001 (HKI 5001, TRE 5002), Projekti 4002 (P100 5101).
    assert _entries(_receipt(hub)) == [
        ("3010", Decimal("-255.00"), [(4001, 5001), (4002, 5101)]),
        ("3000", Decimal("-39.42"), [(4001, 5002)]),
    ]


def test_an_account_missing_from_procountor_is_a_data_issue(hub: TestHub, tmp_path: Path) -> None:
    hub.import_invoices([_coded("1001", account="9999")], tmp_path)
    [line] = hub.send().lines
    assert line.state == "data_issue"
    assert "No 9999 account in Procountor" in (line.message or "")
    assert hub.procountor.invoices() == []


def test_a_missing_dimension_is_a_data_issue(hub: TestHub, tmp_path: Path) -> None:
    hub.import_invoices([_coded("1001", dimensions={"Tulosyksikkö": "A1"})], tmp_path)
    [line] = hub.send().lines
    assert line.state == "data_issue"
    assert "The dimension Tulosyksikkö does not exist in Procountor" in (line.message or "")
    assert hub.procountor.invoices() == []


def test_a_missing_item_is_created_only_when_the_connection_allows(
    hub: TestHub, tmp_path: Path
) -> None:
    hub.import_invoices([_coded("1001", dimensions={"Projekti": "P300"})], tmp_path)
    [line] = hub.send().lines
    assert line.state == "data_issue"
    assert "Dimension Projekti has no item P300" in (line.message or "")

    with hub.store.session() as session:
        conn = find_connection(session, "pc")
        conn.options = {**conn.options, "create_dimension_items": True}
    from tilisilta.ledger import exchanges as ledger
    from tilisilta.store.models import Exchange

    with hub.store.session() as session:
        for exchange in session.query(Exchange).all():
            ledger.retry(session, exchange.id, hub.clock.now())
    [line] = hub.send().lines
    assert line.state == "sent", line.message
    [entry, _] = _entries(_receipt(hub))
    [(dimension_id, item_id)] = entry[2]
    assert dimension_id == 4002 and item_id not in (5101, 5102)


class _Interfering(httpx.BaseTransport):
    """Someone else edits the ledger receipt just before each of our first ``times`` writes."""

    def __init__(self, hub: TestHub, times: int) -> None:
        self.hub, self.times = hub, times
        self.inner = hub.procountor.transport

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "PUT" and "/ledgerreceipts/" in request.url.path and self.times:
            self.times -= 1
            company = self.hub.procountor.sandbox.companies[self.hub.procountor.company_id]
            receipt_id = int(request.url.path.rsplit("/", 1)[1])
            company.ledger_receipts[receipt_id]["version"] = f"2026-06-15T11:00:0{self.times}"
        return self.inner.handle_request(request)


@pytest.mark.parametrize(("interferences", "state"), [(1, "sent"), (2, "response_error")])
def test_a_stale_receipt_version_is_read_again_or_reported(
    hub: TestHub, tmp_path: Path, interferences: int, state: str
) -> None:
    hub.transports[hub.connection] = _Interfering(hub, interferences)
    hub.import_invoices([_coded("1001")], tmp_path)
    [line] = hub.send().lines
    assert line.state == state, line.message
    if state == "sent":
        assert _entries(_receipt(hub))[0][0] == "3010"
    else:
        assert "Could not update account coding for invoice 1001 in Procountor" in (
            line.message or ""
        )
        assert "someone else changed it" in (line.message or "")
