"""Posting products: one Procountor product per account, VAT status, rate and dimension items,
made once in its own product group and reused by every row with that posting."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.factories import invoice
from tests.hub import Procountor, TestHub
from tilisilta.clock import ManualClock
from tilisilta.crypto import SecretBox
from tilisilta.settings import Settings
from tilisilta.store.engine import Store


@pytest.fixture
def posting_hub(
    store: Store, box: SecretBox, clock: ManualClock, settings: Settings, procountor: Procountor
) -> TestHub:
    return TestHub(store, box, clock, settings).connect_procountor(
        procountor, posting_products=True
    )


def coded(number: str, first: dict[str, Any], second: dict[str, Any]) -> dict[str, Any]:
    doc = invoice(number)
    doc["lines"][0].update(first)
    doc["lines"][1].update(second)
    return doc


HKI = {"account": "3000", "dimensions": {"Kustannuspaikka": "HKI"}}
TRE = {"account": "3000", "dimensions": {"Kustannuspaikka": "TRE"}}
OTHER_ACCOUNT = {"account": "3010", "dimensions": {"Kustannuspaikka": "HKI"}}


def posting_products(hub: TestHub) -> list[dict[str, Any]]:
    sandbox = hub.procountor.sandbox
    company = hub.procountor.company_id
    groups = {g["id"]: g["name"] for g in sandbox.companies[company].product_groups.values()}
    return [
        p for p in sandbox.products(company) if groups.get(p.get("productGroupId")) == "Tilisilta"
    ]


def test_each_posting_gets_one_product_and_rows_are_linked_to_it(
    posting_hub: TestHub, tmp_path: Path
) -> None:
    hub = posting_hub
    # Lines 25.5 % and 13.5 %: four distinct postings over three invoices.
    hub.import_invoices(
        [
            coded("1001", HKI, HKI),
            coded("1002", HKI, TRE),
            coded("1003", OTHER_ACCOUNT, HKI),
        ],
        tmp_path,
    )
    summary = hub.send()
    assert summary.count("sent") == 3, [line.message for line in summary.lines]
    products = posting_products(hub)
    postings = sorted((p["defaultAccount"], str(p["vat"]), p["name"]) for p in products)
    assert len(products) == 4, postings
    assert all(p["code"].startswith("TS-") and p["vatStatus"] == 1 for p in products)
    by_id = {p["id"]: p for p in products}
    for sent in hub.procountor.invoices():
        rows = sent["invoiceRows"]
        linked = [by_id[row["productId"]] for row in rows]
        assert [str(p["vat"]) for p in linked] == [str(row["vatPercent"]) for row in rows]
    # The same postings in a later run reuse the products.
    hub.import_invoices([coded("1004", HKI, TRE)], tmp_path)
    assert hub.send().count("sent") == 1
    assert len(posting_products(hub)) == 4


def test_a_row_without_an_account_is_a_data_issue(posting_hub: TestHub, tmp_path: Path) -> None:
    hub = posting_hub
    hub.import_invoices([coded("1001", HKI, {"account": None})], tmp_path)
    [line] = hub.send().lines
    assert line.state == "data_issue"
    message = line.message or ""
    assert "lines[2].account" in message and "posting products" in message
    assert hub.procountor.invoices() == [] and posting_products(hub) == []


def test_a_product_found_in_procountor_is_reused_not_made_twice(
    posting_hub: TestHub, tmp_path: Path
) -> None:
    hub = posting_hub
    hub.import_invoices([coded("1001", HKI, HKI)], tmp_path)
    assert hub.send().count("sent") == 1
    made = posting_products(hub)
    # The hub forgets its bindings (a restored backup, say): it finds the products by code.
    from sqlalchemy import delete

    from tilisilta.store.models import Binding

    with hub.store.session() as session:
        session.execute(delete(Binding).where(Binding.local_kind == "posting_product"))
    hub.import_invoices([coded("1002", HKI, HKI)], tmp_path)
    assert hub.send().count("sent") == 1
    assert posting_products(hub) == made


def test_a_product_group_that_cannot_be_made_is_said_so(
    store: Store,
    box: SecretBox,
    clock: ManualClock,
    settings: Settings,
    procountor: Procountor,
    tmp_path: Path,
) -> None:
    name = "Tilisillan kirjaustuotteet " * 4  # longer than the 80 characters Procountor allows
    hub = TestHub(store, box, clock, settings).connect_procountor(
        procountor, posting_products=True, posting_product_group=name
    )
    hub.import_invoices([coded("1001", HKI, HKI)], tmp_path)
    [line] = hub.send().lines
    assert line.state == "response_error" and line.message
    assert line.message.startswith(
        f"The product group {name.strip()} does not exist/could not be created in Procountor"
    )
    assert "posting_product_group option" in line.message
    assert hub.procountor.invoices() == []
