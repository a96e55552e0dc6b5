"""The Odoo connector against every field profile of the sandbox (Odoo 16, 17, 18 and 19)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from tests.conftest import START
from tests.hub import Odoo, TestHub, open_odoo
from tilisilta.cli.fixes import shown
from tilisilta.clock import ManualClock
from tilisilta.connectors.odoo.flows.connection import test_connection as check_connection
from tilisilta.connectors.odoo.flows.registers import pull_partners, pull_products
from tilisilta.crypto import SecretBox
from tilisilta.domain.documents import InvoiceKind, JournalType, Payment
from tilisilta.settings import Settings
from tilisilta.store import companies as repo
from tilisilta.store import connection_state
from tilisilta.store.documents import all_invoices, load_invoice
from tilisilta.store.engine import Store
from tilisilta.store.payments import upsert_payment
from tilisilta.store.registers import PARTY, PRODUCT, all_of_kind, load_product

VERSIONS = (16, 17, 18, 19)


@pytest.fixture(params=VERSIONS, ids=[f"odoo{v}" for v in VERSIONS])
def versioned(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TestHub]:
    clock = ManualClock(START)
    settings = Settings(
        home=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'hub.db'}",
        secret_keys=Fernet.generate_key().decode(),
    )
    store = Store(settings.resolved_database_url())
    store.upgrade()
    odoo: Odoo = open_odoo(clock, version=request.param)
    yield TestHub(store, SecretBox.from_settings(settings), clock, settings).connect_odoo(odoo)
    odoo.sandbox.close()
    store.dispose()


def test_connection_test_names_the_version_and_protocol(versioned: TestHub) -> None:
    hub = versioned
    check = hub.run("odoo", check_connection)
    version = hub.odoo.sandbox.version
    assert check.ok, check.lines
    assert check.lines[0].startswith(f"Odoo {version}.0")
    assert ("JSON-2" if version >= 19 else "JSON-RPC") in check.lines[1]
    with hub.store.session() as session:
        connection = repo.find_connection(session, "odoo")
        assert connection_state.get(session, connection.id, "version") == f"{version}.0"
        assert "version" not in connection.options


def test_registers_invoices_and_payments_round_trip(versioned: TestHub) -> None:
    hub, odoo = versioned, versioned.odoo
    invoice_id = odoo.invoice("virtanen", [("coffee", 4), ("consulting", 1)])
    odoo.invoice("virtanen", [("coffee", 1)], move_type="out_refund", reversed_entry_id=invoice_id)

    partners = hub.run("odoo", pull_partners)
    products = hub.run("odoo", pull_products)
    assert partners.aborted is None and products.aborted is None
    assert partners.new == len(odoo.seed.customers)  # the archived one is not a customer
    assert products.new == len(odoo.seed.products)

    pulled = hub.pull()
    assert pulled.aborted is None and not pulled.data_issues
    assert len(pulled.new) == 2
    with hub.store.session() as session:
        stored = {doc.ref: load_invoice(doc) for doc in all_invoices(session, 1)}
        assert len(all_of_kind(session, 1, PARTY)) == len(odoo.seed.customers)
        assert len(all_of_kind(session, 1, PRODUCT)) == len(odoo.seed.products)
    invoice = stored[pulled.new[0]]
    move = odoo.move(invoice_id)
    assert invoice.gross_total == Decimal(str(move["amount_total"]))
    assert stored[pulled.new[1]].kind is InvoiceKind.CREDIT_NOTE

    payment = Payment(
        external_id="77",
        invoice_number=invoice.number,
        amount=invoice.gross_total,
        payment_date=date(2026, 6, 20),
        journal=JournalType.BANK,
    )
    with hub.store.session() as session:
        upsert_payment(session, 1, "procountor:1:77", payment, hub.clock.now())
    pushed = hub.push()
    assert len(pushed.run.sent) == 1, pushed
    assert odoo.move(invoice_id)["payment_state"] in ("paid", "in_payment")
    assert hub.push().run.sent == []


def test_units_are_read_as_odoo_defines_them_with_one_unit_read_per_page(
    versioned: TestHub,
) -> None:
    hub, odoo = versioned, versioned.odoo
    uoms = odoo.seed.uoms
    # 16-18 ship the tonne (Weight, 1000 × kg) as "t"; 19 as "Ton" (1000 × kg), which a company
    # may well call "t" too. By name "t" is the Finnish hour.
    odoo.sandbox.registry.call("uom.uom", "write", [uoms["t"]], {"name": "t"})
    first = odoo.invoice(
        "virtanen",
        [
            {"product": "coffee_beans_kg", "quantity": 2, "product_uom_id": uoms["t"]},
            {"product": "consulting", "quantity": 3},  # the product's unit: Hours
            {"product": "consulting", "quantity": 1, "product_uom_id": uoms["days"]},
        ],
    )
    odoo.invoice("aalto", [("coffee", 1)])
    odoo.invoice("korhonen", [("coffee_beans_kg", 5)])  # same second: two pages of two and one
    hub.connect_odoo(odoo, name="paged", page_size=2)
    odoo.sandbox.requests.clear()

    pulled = hub.pull()

    assert pulled.aborted is None and not pulled.data_issues and len(pulled.new) == 3
    with hub.store.session() as session:
        stored = {doc.ref: load_invoice(doc) for doc in all_invoices(session, 1)}
    invoice = stored[str(odoo.move(first)["name"])]
    assert [line.unit for line in invoice.lines] == ["TNE", "HUR", "DAY"]
    assert stored[pulled.new[-1]].lines[0].unit == "KGM"
    counts = odoo.sandbox.request_counts
    assert counts["uom.uom.search_read"] == 2 and counts["uom.uom.read"] == 0  # not per line
    assert counts["ir.model.data.search_read"] == 1  # Odoo's own units, once per pull


def test_a_unit_odoo_does_not_say_the_code_of_is_a_data_issue_until_mapped(
    versioned: TestHub,
) -> None:
    hub, odoo = versioned, versioned.odoo
    units = odoo.seed.uoms["units"]
    if odoo.sandbox.version <= 18:
        category = odoo.read("uom.uom", [units], ["category_id"])[0]["category_id"][0]
        vals = {"category_id": category, "uom_type": "bigger", "factor_inv": 6.0}
    else:
        vals = {"relative_factor": 6.0, "relative_uom_id": units}
    box = odoo.sandbox.registry.call("uom.uom", "create", {"name": "Box of 6", **vals})
    odoo.invoice("aalto", [{"product": "newspaper", "quantity": 2, "product_uom_id": box}])

    held = hub.pull()

    [issue] = held.data_issues
    assert "unit 'Box of 6' (" in issue and "6 × Units) has no UN/ECE code" in issue
    assert "odoo unit-map" in shown(issue)
    hub.connect_odoo(odoo, name="mapped", units={"Box of 6": "XBX"})
    mapped = hub.pull()
    assert not mapped.data_issues and len(mapped.new) == 1
    with hub.store.session() as session:
        [invoice] = [load_invoice(doc) for doc in all_invoices(session, 1)]
    assert invoice.lines[0].unit == "XBX"


def test_product_units_are_read_as_odoo_defines_them(versioned: TestHub) -> None:
    hub, odoo = versioned, versioned.odoo
    uoms, reg = odoo.seed.uoms, odoo.sandbox.registry
    reg.call("uom.uom", "write", [uoms["t"]], {"name": "t"})  # 19 ships it as "Ton"
    template = reg.call(
        "product.product", "read", [odoo.seed.products["coffee_beans_kg"]], ["product_tmpl_id"]
    )
    vals = {"uom_id": uoms["t"], **({"uom_po_id": uoms["t"]} if odoo.sandbox.version <= 18 else {})}
    reg.call("product.template", "write", [template[0]["product_tmpl_id"][0]], vals)
    odoo.sandbox.requests.clear()

    pulled = hub.run("odoo", pull_products)

    assert pulled.aborted is None
    with hub.store.session() as session:
        units = {p.code: p.unit for p in map(load_product, all_of_kind(session, 1, PRODUCT))}
    assert units["KAHVI-KG"] == "TNE" and units["KONS-H"] == "HUR" and units["OLJY-L"] == "LTR"
    assert odoo.sandbox.request_counts["uom.uom.search_read"] == 1
