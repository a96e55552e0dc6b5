"""Odoo → hub → Procountor and back: an invoice posted in Odoo is booked in Procountor, the
customer's payment recorded there comes back to Odoo as a registered payment."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from tests.hub import Odoo, Procountor, TestHub, open_odoo
from tilisilta.clock import ManualClock, today
from tilisilta.connectors.base import WrongKind
from tilisilta.connectors.procountor.flows.payments import fetch_payments
from tilisilta.crypto import SecretBox
from tilisilta.sandbox.odoo.orm import seed_finnish_company
from tilisilta.sandbox.odoo.orm.scenarios import make_invoice
from tilisilta.services.cycle import odoo_cycle
from tilisilta.settings import Settings
from tilisilta.store.engine import Store


@pytest.fixture
def odoo(clock: ManualClock) -> Iterator[Odoo]:
    odoo = open_odoo(clock)
    yield odoo
    odoo.sandbox.close()


def test_an_odoo_invoice_is_booked_in_procountor_and_its_payment_comes_back_paid(
    store: Store,
    box: SecretBox,
    clock: ManualClock,
    settings: Settings,
    procountor: Procountor,
    odoo: Odoo,
) -> None:
    hub = TestHub(store, box, clock, settings)
    hub.connect_procountor(procountor, sending="approve_and_send").connect_odoo(odoo)
    erp = hub
    # A company in the same Odoo that the hub does not serve: its invoices go nowhere.
    reg = odoo.sandbox.registry
    other = seed_finnish_company(reg, name="Toinen Oy", vat="FI01120389")
    reg.call("res.users", "write", [odoo.credentials.uid], {"company_ids": [(4, other.company_id)]})
    make_invoice(reg, other, other.customers["aalto"], [("coffee_maker", 1)])

    paid_in_full = odoo.invoice("aalto", [("coffee", 12), ("consulting", 3)])
    paid_in_part = odoo.invoice("korhonen", [("coffee_beans_kg", 5)])
    assert len(erp.pull().new) == 2

    sent = hub.send()
    assert sent.count("sent") == 2, sent
    remote = {inv["originalInvoiceNumber"]: inv for inv in procountor.invoices()}
    assert sorted(remote) == ["INV/2026/00001", "INV/2026/00002"]  # nothing of Toinen Oy

    company = procountor.company_id
    full = remote["INV/2026/00001"]
    total = Decimal(str(full["invoiceSumInfo"][0]["invoiceSumTotal"]))
    assert total == Decimal(str(odoo.move(paid_in_full)["amount_total"]))
    procountor.sandbox.allocate_payment(company, full["id"], total, today(clock))
    procountor.sandbox.allocate_payment(
        company, remote["INV/2026/00002"]["id"], Decimal("10.00"), today(clock)
    )
    fetched = hub.run("pc", fetch_payments)
    assert fetched.new_payments == 2

    pushed = erp.push()
    assert len(pushed.run.sent) == 2, pushed
    assert odoo.move(paid_in_full)["payment_state"] in ("paid", "in_payment")
    assert odoo.move(paid_in_full)["amount_residual"] == 0
    part = odoo.move(paid_in_part)
    assert part["payment_state"] == "partial"
    assert Decimal(str(part["amount_residual"])) == Decimal(str(part["amount_total"])) - 10
    # Everything again: nothing new anywhere.
    assert not erp.pull().new and hub.send().count("sent") == 0
    assert erp.push().run.sent == []
    assert len(procountor.invoices()) == 2


def test_the_cycle_service_carries_invoices_out_and_payments_back_and_then_changes_nothing(
    store: Store,
    box: SecretBox,
    clock: ManualClock,
    settings: Settings,
    procountor: Procountor,
    odoo: Odoo,
) -> None:
    hub = TestHub(store, box, clock, settings)
    hub.connect_procountor(procountor, sending="approve_and_send").connect_odoo(odoo)
    erp, books = hub.context("odoo"), hub.context("pc")
    paid = odoo.invoice("aalto", [("coffee", 12)])
    odoo.invoice("korhonen", [("coffee_beans_kg", 5)])

    first = odoo_cycle(erp, books)
    assert first.aborted is None
    assert first.sent is not None and first.sent.counts["sent"] == 2
    [full, _part] = sorted(procountor.invoices(), key=lambda i: str(i["originalInvoiceNumber"]))
    total = Decimal(str(full["invoiceSumInfo"][0]["invoiceSumTotal"]))
    procountor.sandbox.allocate_payment(procountor.company_id, full["id"], total, today(clock))

    second = odoo_cycle(erp, books)
    assert second.aborted is None
    assert second.sent is not None and second.sent.counts["sent"] == 0
    assert second.written_back is not None and second.written_back.counts["sent"] == 1
    assert odoo.move(paid)["payment_state"] in ("paid", "in_payment")

    third = odoo_cycle(erp, books)
    assert third.written_back is not None and third.written_back.counts["sent"] == 0
    assert len(procountor.invoices()) == 2


def test_the_cycle_refuses_connections_of_two_companies_or_the_wrong_kinds(
    store: Store,
    box: SecretBox,
    clock: ManualClock,
    settings: Settings,
    procountor: Procountor,
    odoo: Odoo,
) -> None:
    hub = TestHub(store, box, clock, settings).connect_procountor(procountor).connect_odoo(odoo)
    erp, books = hub.context("odoo"), hub.context("pc")
    with pytest.raises(WrongKind):
        odoo_cycle(books, erp)
    second = hub.add_second_company()
    other = hub.context(second.hub.connection)
    with pytest.raises(ValueError, match="different companies"):
        odoo_cycle(erp, other)
