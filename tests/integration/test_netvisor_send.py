"""Sending sales invoices to the Netvisor sandbox: customers and products first, credit notes
matched, exactly once by invoice number, one request at a time."""

from __future__ import annotations

import contextlib
import threading
from contextlib import nullcontext
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.factories import credit_note, invoice
from tests.hub import Netvisor, TestHub
from tilisilta.clock import ManualClock
from tilisilta.connectors.netvisor.flows import payments as payments_flow
from tilisilta.connectors.netvisor.flows.connection import open_client
from tilisilta.connectors.netvisor.flows.invoices import send_invoices
from tilisilta.connectors.netvisor.flows.payments import fetch_payments
from tilisilta.crypto import SecretBox
from tilisilta.http.serial import OneAtATime
from tilisilta.settings import Settings
from tilisilta.store.engine import Store


@pytest.fixture
def nv(
    store: Store, box: SecretBox, clock: ManualClock, settings: Settings, netvisor: Netvisor
) -> TestHub:
    return TestHub(store, box, clock, settings).connect_netvisor(netvisor)


def coded(number: str, **changes: Any) -> dict[str, Any]:
    """The factory invoice with product codes on its rows, as Netvisor needs them."""
    data = invoice(number, **changes)
    data["lines"][0]["product_code"] = "ASENNUS"
    data["lines"][1]["product_code"] = "KAHVI-1KG"
    return data


def send(hub: TestHub, **kwargs: Any) -> Any:
    return hub.run("nv", send_invoices, **kwargs)


def test_an_invoice_goes_with_its_new_customer_and_product_and_reads_back(
    nv: TestHub, netvisor: Netvisor, tmp_path: Path
) -> None:
    nv.import_invoices([coded("1001")], tmp_path)

    summary = send(nv)

    [line] = summary.lines
    assert line.state == "sent", line.message
    [remote] = netvisor.company.sales_invoices.values()
    assert remote.number == "1001" and remote.status == "open" and remote.voucher is not None
    assert remote.amount == Decimal("364.77")
    # The customer (by customer number) and the missing product were made first, once.
    assert netvisor.company.customer_by("customer", "1001") is not None
    assert netvisor.company.product_by("customer", "KAHVI-1KG") is not None
    assert summary.customers_created == 1 and summary.products_created == 1
    assert "is Netvisor invoice 1001" in (line.message or "")


def test_a_second_run_and_a_fresh_hub_send_nothing_twice(
    nv: TestHub,
    netvisor: Netvisor,
    tmp_path: Path,
    box: SecretBox,
    clock: ManualClock,
    settings: Settings,
) -> None:
    nv.import_invoices([coded("1001"), coded("1002")], tmp_path)
    assert {line.state for line in send(nv).lines} == {"sent"}
    assert send(nv).lines == []

    fresh_store = Store(f"sqlite:///{tmp_path / 'fresh.db'}")
    fresh_store.upgrade()
    fresh = TestHub(fresh_store, box, clock, settings).connect_netvisor(netvisor)
    fresh.import_invoices([coded("1001"), coded("1002")], tmp_path)
    again = send(fresh)
    fresh_store.dispose()

    assert sorted(netvisor.invoice_numbers()) == ["1001", "1002"]
    assert {line.state for line in again.lines} == {"sent"}  # bound, not sent again


def test_a_dropped_answer_is_looked_up_before_anything_is_sent_again(
    nv: TestHub, netvisor: Netvisor, tmp_path: Path
) -> None:
    nv.import_invoices([coded("1001")], tmp_path)
    # Netvisor adds the invoice, then the answer is lost: twice.
    netvisor.sandbox.faults.update({"drop_after_commit": 1.0, "only": "POST /salesinvoice.nv"})
    first = send(nv)
    netvisor.sandbox.faults.update({"drop_after_commit": 0.0})
    second = send(nv, numbers=["1001"])

    assert netvisor.sandbox.faults.injected["drop_after_commit"] >= 1
    assert netvisor.invoice_numbers() == ["1001"]
    # Found by its number and bound within the run; a second run has nothing to do.
    assert first.lines[0].state == "sent", first.lines[0].message
    assert second.lines == [] and second.already_sent == ["1001"]


def test_a_credit_note_is_matched_to_its_invoice(
    nv: TestHub, netvisor: Netvisor, tmp_path: Path
) -> None:
    note = credit_note("1002", "1001")
    note["lines"][0]["product_code"] = "ASENNUS"
    nv.import_invoices([coded("1001"), note], tmp_path)

    summary = send(nv)

    assert {line.state for line in summary.lines} == {"sent"}, summary.lines
    by_number = {i.number: i for i in netvisor.company.sales_invoices.values()}
    assert by_number["1002"].amount < 0
    assert (
        by_number["1002"].key in by_number["1001"].matched
        or by_number["1001"].key in by_number["1002"].matched
    )


def test_invoices_netvisor_cannot_take_are_stopped_before_any_call(
    nv: TestHub, netvisor: Netvisor, tmp_path: Path
) -> None:
    zero = coded("1001")
    zero["lines"] = [{**zero["lines"][0], "unit_price": "0"}]
    no_code = invoice("1002")
    wrong_code = coded("1003")
    wrong_code["lines"][0]["vat_rate"] = "0"  # KOMY is for taxed sales only
    nv.import_invoices([zero, no_code, wrong_code], tmp_path)
    netvisor.sandbox.request_log.clear()

    lines = {line.number: line for line in send(nv).lines}

    assert {line.state for line in lines.values()} == {"data_issue"}
    assert "zero" in (lines["1001"].message or "")
    assert "lines[1].product_code" in (lines["1002"].message or "")
    assert "KOMY" in (lines["1003"].message or "")
    writes = [r for r in netvisor.sandbox.request_log if r.method == "POST"]
    assert writes == [] and netvisor.invoice_numbers() == []


def test_the_wrong_company_is_never_written(
    nv: TestHub, netvisor: Netvisor, tmp_path: Path
) -> None:
    nv.set_options("nv", organisation_id="0112038-9")
    nv.import_invoices([coded("1001")], tmp_path)

    summary = send(nv)

    assert summary.aborted and "0112038-9" in summary.aborted
    assert netvisor.invoice_numbers() == []


def test_payments_make_an_invoice_paid_and_negative_ones_are_left(
    nv: TestHub, netvisor: Netvisor, tmp_path: Path, clock: ManualClock
) -> None:
    nv.import_invoices([coded("1001"), coded("1002")], tmp_path)
    assert {line.state for line in send(nv).lines} == {"sent"}
    day = clock.now().date()
    bid = netvisor.credentials["organisation_id"]
    netvisor.sandbox.add_bank_payment(bid, Decimal("364.77"), day, invoice_number="1001")
    netvisor.sandbox.add_bank_payment(bid, Decimal("100.00"), day, invoice_number="1002")
    netvisor.sandbox.add_bank_payment(bid, Decimal("-20.00"), day, invoice_number="1002")

    report = nv.run("nv", fetch_payments)

    status = {line.invoice: line.status for line in report.lines}
    assert status == {"1001": "PAID", "1002": "PARTLY_PAID"}
    assert report.new_payments == 2 and report.skipped_non_positive == 1
    assert report.calls == 1
    again = nv.run("nv", fetch_payments)
    assert again.new_payments == 0


def test_a_scheduled_fetch_reads_the_unpaid_invoices_a_batch_at_a_time(
    nv: TestHub,
    netvisor: Netvisor,
    tmp_path: Path,
    clock: ManualClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Five unpaid invoices read two at a time from the store, all matched against one read of
    the period, which begins at the earliest of their dates; the report counts the five and
    lists the two that moved. Asking for one invoice by number does not move the period on."""
    monkeypatch.setattr(payments_flow, "BATCH", 2)
    documents = [coded(str(1001 + n)) for n in range(5)]
    documents[3]["invoice_date"] = "2026-05-02"
    nv.import_invoices(documents, tmp_path)
    assert {line.state for line in send(nv).lines} == {"sent"}
    bid = netvisor.credentials["organisation_id"]
    netvisor.sandbox.add_bank_payment(
        bid, Decimal("364.77"), date(2026, 5, 3), invoice_number="1004"
    )
    named = nv.run("nv", fetch_payments, numbers=["1001"])
    assert named.read == 1 and [line.invoice for line in named.lines] == ["1001"]
    clock.advance(60 * 86400)
    netvisor.sandbox.add_bank_payment(
        bid, Decimal("100.00"), date(2026, 6, 11), invoice_number="1002"
    )

    report = nv.run("nv", fetch_payments)

    assert report.calls == 1 and report.read == 5
    assert [(line.invoice, line.status) for line in report.lines] == [
        ("1002", "PARTLY_PAID"),
        ("1004", "PAID"),
    ]
    assert (report.now_paid, report.partly_paid, report.new_payments) == (1, 1, 2)
    assert report.new_amount == Decimal("464.77")
    assert nv.run("nv", fetch_payments).read == 4  # the paid one is not asked about again


def test_an_invoice_paid_in_parts_weeks_apart_becomes_paid(
    nv: TestHub, netvisor: Netvisor, tmp_path: Path, clock: ManualClock
) -> None:
    """A scheduled fetch reads only the days since the last one; what an invoice has been paid
    is every payment recorded for it, not only those of the days read."""
    nv.import_invoices([coded("1001")], tmp_path)
    assert {line.state for line in send(nv).lines} == {"sent"}
    bid = netvisor.credentials["organisation_id"]
    netvisor.sandbox.add_bank_payment(
        bid, Decimal("100.00"), clock.now().date(), invoice_number="1001"
    )
    first = nv.run("nv", fetch_payments)
    assert [(line.invoice, line.status) for line in first.lines] == [("1001", "PARTLY_PAID")]
    clock.advance(30 * 86400)
    assert nv.run("nv", fetch_payments).new_payments == 0
    clock.advance(30 * 86400)
    netvisor.sandbox.add_bank_payment(
        bid, Decimal("264.77"), clock.now().date(), invoice_number="1001"
    )

    last = nv.run("nv", fetch_payments)

    assert [(line.invoice, line.status) for line in last.lines] == [("1001", "PAID")]
    assert last.new_payments == 1 and last.now_paid == 1
    assert last.lines[0].paid == Decimal("364.77")


def _count_overlaps(netvisor: Netvisor) -> list[str]:
    """Every request the sandbox turned away because another to the company was in flight."""
    refused: list[str] = []
    original = netvisor.sandbox.failure

    def counting(refusal: Any, language: str, use_codes: bool) -> Any:
        if refusal.code == "TECHNICAL_ERROR":
            refused.append(refusal.code)
        return original(refusal, language, use_codes)

    netvisor.sandbox.failure = counting  # type: ignore[method-assign]
    return refused


def test_two_runs_at_once_never_have_two_requests_in_flight(
    nv: TestHub, netvisor: Netvisor, tmp_path: Path
) -> None:
    nv.import_invoices([coded(str(1001 + n)) for n in range(6)], tmp_path)
    netvisor.sandbox.faults.update({"latency": 0.02})
    refused = _count_overlaps(netvisor)
    results: list[Any] = []
    runs = [threading.Thread(target=lambda: results.append(send(nv))) for _ in range(2)]
    for run in runs:
        run.start()
    for run in runs:
        run.join()

    assert refused == []  # the sandbox never saw two requests to the company at once
    assert sorted(netvisor.invoice_numbers()) == [str(1001 + n) for n in range(6)]
    assert all(s.aborted is None for s in results) and len(results) == 2


def test_without_the_lock_the_sandbox_does_refuse_overlap(
    nv: TestHub, netvisor: Netvisor, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The control: the same two readers with the machine-wide lock taken away collide.
    monkeypatch.setattr(OneAtATime, "held", lambda self: nullcontext())
    netvisor.sandbox.faults.update({"latency": 0.05})
    refused = _count_overlaps(netvisor)
    clients = [open_client(nv.context("nv"))[0] for _ in range(2)]

    def read(client: Any) -> None:
        with contextlib.suppress(Exception):
            for _ in range(3):
                list(client.sales_invoices())

    readers = [threading.Thread(target=read, args=(c,)) for c in clients]
    for reader in readers:
        reader.start()
    for reader in readers:
        reader.join()
    for client in clients:
        client.close()
    assert refused


def test_a_backlog_in_batches_asks_netvisor_about_each_customer_product_and_date_once(
    nv: TestHub, netvisor: Netvisor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tilisilta.ledger import sending

    monkeypatch.setattr(sending, "BATCH", 3)
    numbers = [str(n) for n in range(1001, 1008)]
    nv.import_invoices([coded(n) for n in numbers], tmp_path)  # one customer, two products
    netvisor.sandbox.request_log.clear()

    summary = send(nv)

    assert [(line.number, line.state) for line in summary.lines] == [(n, "sent") for n in numbers]
    asked = [r.path.rsplit("/", 1)[-1] for r in netvisor.sandbox.request_log]
    # Three batches, and what they share asked about once: the invoices of their date listed,
    # the customer and the products looked up in bulk, the new customer and product looked up
    # once more just before each is added; then each invoice added and read back.
    first_batch = [
        "salesinvoicelist.nv",
        "customerlist.nv",
        "getproduct.nv",
        "customerlist.nv",
        "customer.nv",
        "getproduct.nv",
        "product.nv",
    ]
    assert asked == first_batch + ["salesinvoice.nv", "getsalesinvoice.nv"] * len(numbers)
