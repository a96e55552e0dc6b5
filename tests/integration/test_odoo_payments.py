"""Payments written back to Odoo (the sandbox): through the wizard, exactly once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.hub import Odoo, TestHub, open_odoo
from tilisilta.clock import ManualClock
from tilisilta.connectors.odoo.flows.payments import REGISTER_PAYMENT
from tilisilta.crypto import SecretBox
from tilisilta.domain.documents import JournalType, Payment
from tilisilta.settings import Settings
from tilisilta.store.engine import Store
from tilisilta.store.models import Exchange
from tilisilta.store.payments import upsert_payment


@pytest.fixture
def odoo(clock: ManualClock) -> Iterator[Odoo]:
    odoo = open_odoo(clock)
    yield odoo
    odoo.sandbox.close()


@pytest.fixture
def hub(
    store: Store, box: SecretBox, clock: ManualClock, settings: Settings, odoo: Odoo
) -> TestHub:
    return TestHub(store, box, clock, settings).connect_odoo(odoo)


def receive(
    hub: TestHub,
    event: int,
    number: str,
    amount: str,
    journal: JournalType = JournalType.BANK,
) -> None:
    """A payment as the accounting system's payment fetch records it."""
    payment = Payment(
        external_id=str(event),
        invoice_number=number,
        amount=Decimal(amount),
        payment_date=date(2026, 6, 20),
        journal=journal,
    )
    with hub.store.session() as session:
        upsert_payment(session, 1, f"procountor:9:{event}", payment, hub.clock.now())


def odoo_payments(odoo: Odoo) -> list[dict[str, object]]:
    reg = odoo.sandbox.registry
    ids = reg.call("account.payment", "search", [])
    return list(reg.call("account.payment", "read", ids, ["amount", "journal_id", "ref"]))


def total(odoo: Odoo, move_id: int) -> Decimal:
    return Decimal(str(odoo.move(move_id)["amount_total"]))


def test_partial_then_full_payment_makes_the_invoice_paid_once(hub: TestHub, odoo: Odoo) -> None:
    move_id = odoo.invoice("aalto", [("coffee", 10)])
    number = hub.pull().new[0]
    amount = total(odoo, move_id)
    half = (amount / 2).quantize(Decimal("0.01"))
    receive(hub, 501, number, str(half))
    first = hub.push()
    assert len(first.run.sent) == 1 and first.run.aborted is None
    after_first = odoo.move(move_id)
    assert after_first["payment_state"] == "partial"
    assert Decimal(str(after_first["amount_residual"])) == amount - half
    receive(hub, 502, number, str(amount - half), JournalType.CASH)
    second = hub.push()
    assert len(second.run.sent) == 1
    assert odoo.move(move_id)["payment_state"] in ("paid", "in_payment")
    assert odoo.move(move_id)["amount_residual"] == 0
    # Written back twice: registered once.
    third = hub.push()
    assert third.run.sent == [] and third.run.refused == []
    payments = odoo_payments(odoo)
    assert len(payments) == 2
    assert {p["ref"] for p in payments} == {
        "Tilisilta procountor:9:501",
        "Tilisilta procountor:9:502",
    }
    journals = {str(p["journal_id"][1]) for p in payments}  # type: ignore[index]
    assert len(journals) == 2  # a bank and a cash journal


def test_a_lost_answer_is_looked_up_before_anything_is_registered_again(
    hub: TestHub, odoo: Odoo
) -> None:
    move_id = odoo.invoice("aalto", [("coffee", 2)])
    number = hub.pull().new[0]
    receive(hub, 601, number, str(total(odoo, move_id)))
    # Odoo registers the payment, and the answer is lost, every time it is asked.
    odoo.sandbox.faults.update({"drop_after_commit": 1.0, "only": "action_create_payments$"})
    report = hub.push()
    assert odoo.sandbox.faults.injected["drop_after_commit"] == 1
    assert len(report.run.sent) == 1, report
    assert len(odoo_payments(odoo)) == 1
    assert odoo.move(move_id)["payment_state"] in ("paid", "in_payment")
    with hub.store.session() as session:
        exchange = session.scalars(
            select(Exchange).where(Exchange.operation == REGISTER_PAYMENT)
        ).one()
        assert exchange.state == "sent" and exchange.attempts == 2


def test_an_invoice_already_paid_in_odoo_is_reported_not_overpaid(hub: TestHub, odoo: Odoo) -> None:
    from tilisilta.sandbox.odoo.orm.scenarios import register_payment

    move_id = odoo.invoice("aalto", [("coffee", 1)])
    number = hub.pull().new[0]
    register_payment(odoo.sandbox.registry, odoo.seed, move_id)  # booked by hand in Odoo
    receive(hub, 701, number, str(total(odoo, move_id)))
    report = hub.push()
    assert len(report.run.refused) == 1
    with hub.store.session() as session:
        error = session.scalar(select(Exchange.error).where(Exchange.operation == REGISTER_PAYMENT))
    assert error is not None and "nothing left to pay" in error and number in error
    assert len(odoo_payments(odoo)) == 1


def test_payments_for_invoices_not_from_odoo_are_left_alone(hub: TestHub, odoo: Odoo) -> None:
    receive(hub, 801, "JSON-1001", "10.00")
    report = hub.push()
    assert report.not_from_odoo == ["JSON-1001"]
    assert report.run.sent == [] and odoo_payments(odoo) == []


def test_a_revoked_key_stops_the_run_with_plain_words(
    store: Store, box: SecretBox, clock: ManualClock, settings: Settings, odoo: Odoo
) -> None:
    hub = TestHub(store, box, clock, settings).connect_odoo(odoo)
    move_id = odoo.invoice("aalto")
    number = hub.pull().new[0]
    receive(hub, 901, number, str(total(odoo, move_id)))
    with store.session() as session:
        from tilisilta.store import companies as repo

        connection = repo.find_connection(session, "odoo")
        connection.secrets = box.seal({"api_key": "f" * 40})
    report = hub.push()
    assert report.run.aborted is not None
    assert "API key is wrong, expired or revoked" in report.run.aborted
    assert odoo_payments(odoo) == []


def test_an_invoice_deleted_in_odoo_is_said_so(hub: TestHub, odoo: Odoo) -> None:
    move_id = odoo.invoice("aalto")
    number = hub.pull().new[0]
    reg = odoo.sandbox.registry
    reg.call("account.move", "button_draft", [move_id])
    reg.call("account.move", "unlink", [move_id])
    receive(hub, 902, number, "10.00")
    report = hub.push()
    assert len(report.run.refused) == 1
    with hub.store.session() as session:
        error = session.scalar(select(Exchange.error).where(Exchange.operation == REGISTER_PAYMENT))
    assert error is not None and "deleted in Odoo" in error


def test_a_journal_that_is_not_there_stops_the_run_and_says_how_to_fix_it(
    store: Store, box: SecretBox, clock: ManualClock, settings: Settings, odoo: Odoo
) -> None:
    hub = TestHub(store, box, clock, settings).connect_odoo(odoo, journals={"cash": 999})
    move_id = odoo.invoice("aalto")
    number = hub.pull().new[0]
    receive(hub, 903, number, str(total(odoo, move_id)), JournalType.CASH)
    report = hub.push()
    assert report.run.aborted is not None
    assert f"Odoo company {odoo.credentials.company_id} has no cash journal with id 999" in (
        report.run.aborted
    )
    assert odoo_payments(odoo) == []
    # Fixed: the payment goes on the next run.
    with store.session() as session:
        from tilisilta.store import companies as repo

        connection = repo.find_connection(session, "odoo")
        connection.options = {**connection.options, "journals": {}}
    assert len(hub.push().run.sent) == 1
    assert len(odoo_payments(odoo)) == 1


def test_the_api_key_never_reaches_the_exchange_log(hub: TestHub, odoo: Odoo) -> None:
    from tilisilta.store.models import ExchangeCall

    move_id = odoo.invoice("aalto")
    number = hub.pull().new[0]
    receive(hub, 904, number, str(total(odoo, move_id)))
    assert len(hub.push().run.sent) == 1
    with hub.store.session() as session:
        bodies = [
            (call.request_body or "") + (call.response_body or "") + call.url
            for call in session.scalars(select(ExchangeCall))
        ]
    assert any("action_create_payments" in body for body in bodies)
    assert not any(odoo.credentials.api_key in body for body in bodies)
