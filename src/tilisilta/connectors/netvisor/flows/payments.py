"""Netvisor flow: the payments of sent sales invoices (seed 004's "Fetch Sales Invoices Status").

One read of Netvisor's sales payment list covers a period (since the last fetch with a week of
overlap, the dates given, or, the first time, the earliest unpaid invoice's date), matched by
invoice number against the unpaid invoices a batch at a time; "update status" for named invoices
reads each one's payments and leaves the period where it was.
Negative payments (refunds, corrections) are never recorded, as the ERP add-on did not either.
"""

from __future__ import annotations

from datetime import date, timedelta

from tilisilta.clock import today
from tilisilta.connectors.base import FlowContext
from tilisilta.connectors.netvisor.client.api import SalesPaymentRow
from tilisilta.connectors.netvisor.errors import describe_failure
from tilisilta.connectors.netvisor.flows.connection import open_client
from tilisilta.connectors.netvisor.flows.invoices import SEND_INVOICE
from tilisilta.connectors.netvisor.flows.period_payments import PeriodPayments
from tilisilta.domain.documents import Payment
from tilisilta.http.errors import RemoteError
from tilisilta.ledger.payments_in import (
    Candidate,
    PaymentFetchReport,
    Received,
    Recorder,
    candidate_batches,
    candidates,
    earliest_unpaid,
)
from tilisilta.store import connection_state

FETCH_PAYMENT = "netvisor.fetch_payment"
LAST_FETCH = "payments.last_fetch"  # the day of the last fetch (seed: "Last ... Fetch Date")
LAST_COUNT = "payments.last_count"  # invoices whose status changed then (seed's counter)
OVERLAP = timedelta(days=7)  # payments booked late, with an earlier date, are still read
BATCH = 500  # unpaid invoices read from the store and recorded at a time


def fetch_payments(
    context: FlowContext,
    *,
    numbers: list[str] | None = None,
    begin: date | None = None,
    end: date | None = None,
) -> PaymentFetchReport:
    """Record the new positive payments of the named invoices, or of every sent invoice not
    yet paid, and mark those whose payments reach the sent total as paid. The period's payments
    are kept on disk by invoice number (:class:`PeriodPayments`), and the unpaid invoices come
    from the store `BATCH` at a time, each batch recorded in a transaction of its own, so a run
    holds one batch of invoices and their payments, however long the period."""
    report = PaymentFetchReport()
    store, company_id, connection_id = context.store, context.company_id, context.connection_id
    if numbers:
        return _fetch_named(context, numbers, report)
    with store.session() as session:
        last = connection_state.get(session, connection_id, LAST_FETCH)
        first = earliest_unpaid(session, company_id, connection_id)
    if first is None:
        return report
    since = begin or (date.fromisoformat(str(last)) - OVERLAP if last else first)
    until = end or today(context.clock)
    client, _options = open_client(context)
    try:
        with client.sales_payment_list(begin=since, end=until) as rows:
            report.calls = 1
            period = PeriodPayments(rows)
    except RemoteError as exc:
        report.aborted = describe_failure(exc, "give the sales payments")
        return report
    finally:
        client.close()
    with period:
        batches = candidate_batches(
            store, company_id, connection_id, SEND_INVOICE, None, report, size=BATCH
        )
        for batch in batches:
            paid = period.of([candidate.document.ref for candidate in batch])
            _record(context, batch, paid, report, list_all=False)
    now = context.clock.now()
    with store.session() as session:
        connection_state.put(session, connection_id, LAST_FETCH, until.isoformat(), now)
        connection_state.put(session, connection_id, LAST_COUNT, report.status_changed, now)
    return report


def _fetch_named(
    context: FlowContext, numbers: list[str], report: PaymentFetchReport
) -> PaymentFetchReport:
    """ "Update status" for the named invoices: each one's payments, read by its number."""
    with context.store.session() as session:
        chosen = candidates(
            session, context.company_id, context.connection_id, SEND_INVOICE, numbers, report
        )
    if not chosen:
        return report
    client, _options = open_client(context)
    by_number: dict[str, list[SalesPaymentRow]] = {}
    try:
        for candidate in chosen:
            number = candidate.document.ref
            by_number[number] = client.sales_payments(invoice_number=number)
            report.calls += 1
    except RemoteError as exc:
        report.aborted = describe_failure(exc, "give the sales payments")
        return report
    finally:
        client.close()
    _record(context, chosen, by_number, report, list_all=True)
    return report


def _record(
    context: FlowContext,
    chosen: list[Candidate],
    by_number: dict[str, list[SalesPaymentRow]],
    report: PaymentFetchReport,
    *,
    list_all: bool,
) -> None:
    """Record the payments read for these invoices in one transaction."""
    taken: dict[str, list[Received]] = {}
    for candidate in chosen:
        for row in by_number.get(candidate.document.ref, ()):
            received = _received(row, candidate, context.connection_id, report)
            if received is not None:
                taken.setdefault(candidate.external_id, []).append(received)
    recorder = Recorder(context.store, context.company_id, context.connection_id, FETCH_PAYMENT)
    report.add(recorder.record(context.clock.now(), chosen, taken), list_all=list_all)


def _received(
    row: SalesPaymentRow, candidate: Candidate, connection_id: int, report: PaymentFetchReport
) -> Received | None:
    if row.amount is None or row.payment_date is None or not row.netvisor_key:
        report.unreadable.append(f"payment {row.netvisor_key or '?'}: no sum or date")
        return None
    if row.amount <= 0 or (row.bank_status or "").upper() == "FAILED":
        report.skipped_non_positive += 1
        return None
    currency = str(candidate.document.payload.get("currency") or "EUR")
    payment = Payment(
        external_id=row.netvisor_key,
        invoice_number=candidate.document.ref,
        amount=row.amount,
        currency=currency,
        payment_date=row.payment_date,
        description=row.name,
    )
    note = (
        f"Payment {row.amount:.2f} {currency} on {row.payment_date.isoformat()} for invoice "
        f"{candidate.document.ref}" + (f" from {row.name}" if row.name else "")
    )
    return Received(f"netvisor:{connection_id}:{row.netvisor_key}", payment, note, {})
