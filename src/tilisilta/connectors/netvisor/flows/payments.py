"""Netvisor flow: the payments of sent sales invoices (seed 004's "Fetch Sales Invoices Status").

One read of Netvisor's sales payment list covers a period (since the last fetch, a week of
overlap, or the dates given); "update status" for named invoices reads each one's payments.
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
from tilisilta.domain.documents import Payment
from tilisilta.http.errors import RemoteError
from tilisilta.ledger.payments_in import (
    Candidate,
    PaymentFetchReport,
    Received,
    Recorder,
    candidates,
)
from tilisilta.store import connection_state

FETCH_PAYMENT = "netvisor.fetch_payment"
LAST_FETCH = "payments.last_fetch"  # the day of the last fetch (seed: "Last ... Fetch Date")
LAST_COUNT = "payments.last_count"  # invoices whose status changed then (seed's counter)
OVERLAP = timedelta(days=7)  # payments booked late, with an earlier date, are still read


def fetch_payments(
    context: FlowContext,
    *,
    numbers: list[str] | None = None,
    begin: date | None = None,
    end: date | None = None,
) -> PaymentFetchReport:
    """Record the new positive payments of the named invoices, or of every sent invoice not
    yet paid, and mark those whose payments reach the sent total as paid."""
    report = PaymentFetchReport()
    store, connection_id = context.store, context.connection_id
    with store.session() as session:
        chosen = candidates(
            session, context.company_id, connection_id, SEND_INVOICE, numbers, report
        )
        last = connection_state.get(session, connection_id, LAST_FETCH)
    if not chosen:
        return report
    first = min(date.fromisoformat(str(c.document.payload["invoice_date"])) for c in chosen)
    since = begin or (date.fromisoformat(str(last)) - OVERLAP if last else first)
    until = end or today(context.clock)
    client, _options = open_client(context)
    try:
        if numbers:
            rows = [
                row for c in chosen for row in client.sales_payments(invoice_number=c.document.ref)
            ]
            report.calls = len(chosen)
        else:
            rows = client.sales_payments(begin=since, end=until)
            report.calls = 1
    except RemoteError as exc:
        report.aborted = describe_failure(exc, "give the sales payments")
        return report
    finally:
        client.close()
    by_ref = {c.document.ref: c for c in chosen}
    taken: dict[str, list[Received]] = {}
    for row in rows:
        candidate = by_ref.get(row.invoice_number or "")
        if candidate is None:
            continue  # another invoice's money (not sent by the hub, or paid already)
        received = _received(row, candidate, connection_id, report)
        if received is not None:
            taken.setdefault(candidate.external_id, []).append(received)
    now = context.clock.now()
    recorder = Recorder(store, context.company_id, connection_id, FETCH_PAYMENT)
    report.lines = recorder.record(now, chosen, taken)
    with store.session() as session:
        connection_state.put(session, connection_id, LAST_FETCH, until.isoformat(), now)
        changed = sum(1 for line in report.lines if line.status != line.status_before)
        connection_state.put(session, connection_id, LAST_COUNT, changed, now)
    return report


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
