"""Sending a backlog a batch at a time: every document once, progress document by document,
and the target's invoices of a date read once a run however many batches ask about it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.factories import invoice
from tests.hub import Procountor, TestHub, Told
from tilisilta.clock import ManualClock
from tilisilta.connectors.procountor.flows.invoices import send_invoices
from tilisilta.crypto import SecretBox
from tilisilta.ledger import sending
from tilisilta.settings import Settings
from tilisilta.store.engine import Store

NUMBERS = [str(n) for n in range(2001, 2011)]


def _listings(procountor: Procountor) -> int:
    """Requests that list the company's invoices (the bulk look-up before a first send)."""
    return sum(
        1
        for method, path, _status in procountor.sandbox.request_log
        if method == "GET" and path.rstrip("/").endswith("/invoices")
    )


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sending, "BATCH", 3)


@pytest.mark.usefixtures("small_batches")
def test_a_backlog_goes_in_batches_each_invoice_once_with_progress_per_invoice(
    hub: TestHub, procountor: Procountor, tmp_path: Path
) -> None:
    hub.import_invoices([invoice(n) for n in NUMBERS], tmp_path)
    planned: list[int] = []
    remote_when_told: list[int] = []
    told = Told(
        on_planned=planned.append,
        on_advanced=lambda _count: remote_when_told.append(len(procountor.invoices())),
    )

    summary = hub.run(hub.connection, send_invoices, progress=told, workers=1)

    assert [(line.number, line.state) for line in summary.lines] == [(n, "sent") for n in NUMBERS]
    assert sorted(i["originalInvoiceNumber"] for i in procountor.invoices()) == NUMBERS
    assert planned == [10]
    # Told as each invoice is done, not when its batch is.
    assert remote_when_told == list(range(1, 11))
    # All are dated alike: four batches, one listing of that date.
    assert _listings(procountor) == 1
    assert hub.send().sent_before == 10


@pytest.mark.usefixtures("small_batches")
def test_a_brand_new_database_binds_a_backlog_procountor_holds_and_sends_nothing_twice(
    hub: TestHub,
    procountor: Procountor,
    box: SecretBox,
    clock: ManualClock,
    settings: Settings,
    tmp_path: Path,
) -> None:
    hub.import_invoices([invoice(n) for n in NUMBERS[:7]], tmp_path)
    hub.send()
    before = len(procountor.sandbox.request_log)
    fresh = Store(f"sqlite:///{tmp_path / 'fresh.db'}")
    fresh.upgrade()
    again = TestHub(fresh, box, clock, settings).connect_procountor(procountor)
    again.import_invoices([invoice(n) for n in NUMBERS], tmp_path)

    summary = again.send()

    states = {line.number: (line.state, line.message or "") for line in summary.lines}
    assert all(
        state == "sent" and "found there by its number" in message
        for number, (state, message) in states.items()
        if number in NUMBERS[:7]
    ), states
    assert sorted(i["originalInvoiceNumber"] for i in procountor.invoices()) == NUMBERS
    # Four batches asked about one date: Procountor was asked once.
    calls = procountor.sandbox.request_log[before:]
    assert sum(1 for m, p, _ in calls if m == "GET" and p.rstrip("/").endswith("/invoices")) == 1
    fresh.dispose()
