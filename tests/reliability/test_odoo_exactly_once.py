"""Odoo under faults: a pull that is cut off misses nothing, and payments written back while
Odoo drops answers, fails and throttles are registered exactly once each."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.hub import Odoo, TestHub, open_odoo
from tilisilta.clock import ManualClock
from tilisilta.crypto import SecretBox
from tilisilta.domain.documents import JournalType, Payment
from tilisilta.settings import Settings
from tilisilta.store.documents import all_invoices
from tilisilta.store.engine import Store
from tilisilta.store.models import Binding, Exchange
from tilisilta.store.payments import upsert_payment

INVOICES = 60
MAX_RUNS = 8


@pytest.fixture
def odoo(clock: ManualClock) -> Iterator[Odoo]:
    odoo = open_odoo(clock)
    yield odoo
    odoo.sandbox.close()


@pytest.fixture
def hub(
    store: Store, box: SecretBox, clock: ManualClock, settings: Settings, odoo: Odoo
) -> TestHub:
    return TestHub(store, box, clock, settings).connect_odoo(odoo, page_size=7)


def test_a_pull_cut_off_by_failures_resumes_and_misses_nothing(hub: TestHub, odoo: Odoo) -> None:
    for n in range(INVOICES):
        odoo.invoice(("aalto", "virtanen", "korhonen")[n % 3], [("coffee", n + 1)])
        if n % 4 == 0:
            hub.clock.advance(1)  # some in the same second, some not
    # Odoo fails hard now and then: retries run out and the pull stops part-way.
    odoo.sandbox.faults.update({"error_5xx": 0.6, "status_5xx": 503})
    runs = 0
    while True:
        runs += 1
        assert runs <= 80, "the pull never finished"
        report = hub.pull()
        if report.aborted is None:
            break
    odoo.sandbox.faults.update({"error_5xx": 0.0})
    assert runs > 1  # it was cut off at least once, and resumed from its cursor
    with hub.store.session() as session:
        numbers = [doc.ref for doc in all_invoices(session, 1)]
    assert len(numbers) == len(set(numbers)) == INVOICES


def test_payments_written_back_under_faults_are_registered_exactly_once(
    hub: TestHub, odoo: Odoo
) -> None:
    moves = [odoo.invoice("aalto", [("coffee", n + 1)]) for n in range(INVOICES)]
    assert len(hub.pull().new) == INVOICES
    totals = {m: Decimal(str(odoo.move(m)["amount_total"])) for m in moves}
    names = {m: odoo.move(m)["name"] for m in moves}
    with hub.store.session() as session:
        for event, move_id in enumerate(moves, start=1):
            # Every invoice is paid in two parts, the second in cash.
            half = (totals[move_id] / 2).quantize(Decimal("0.01"))
            for part, (amount, journal) in enumerate(
                [(half, JournalType.BANK), (totals[move_id] - half, JournalType.CASH)]
            ):
                payment = Payment(
                    external_id=f"{event}-{part}",
                    invoice_number=names[move_id],
                    amount=amount,
                    payment_date=date(2026, 6, 20),
                    journal=journal,
                )
                upsert_payment(session, 1, f"procountor:1:{event}-{part}", payment, hub.clock.now())
    odoo.sandbox.faults.update(
        {
            "drop_after_commit": 0.15,
            "error_5xx": 0.05,
            "error_429": 0.05,
            "retry_after": 1,
            "only": "account.payment",  # the wizard, its action and the memo lookups
        }
    )
    for _ in range(MAX_RUNS):
        report = hub.push()
        with hub.store.session() as session:
            errors = [session.get_one(Exchange, i).error for i in report.run.refused]
        assert report.run.refused == [] and report.run.aborted is None, errors
        if not report.run.waiting:
            break
        hub.clock.advance(3600)
    assert odoo.sandbox.faults.injected["drop_after_commit"] > 5
    reg = odoo.sandbox.registry
    memos = Counter(
        p["ref"]
        for p in reg.call(
            "account.payment", "read", reg.call("account.payment", "search", []), ["ref"]
        )
    )
    assert len(memos) == 2 * INVOICES and set(memos.values()) == {1}
    assert all(odoo.move(m)["payment_state"] in ("paid", "in_payment") for m in moves)
    with hub.store.session() as session:
        bound = session.scalars(select(Binding).where(Binding.local_kind == "payment")).all()
    assert len(bound) == 2 * INVOICES
