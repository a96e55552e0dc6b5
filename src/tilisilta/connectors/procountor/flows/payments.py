"""Procountor flow: fetching the payments of the sales invoices the hub sent.

Payment events are read in bulk (200 invoices a call). Only positive events are taken: reversals
and corrections come as negative events and are left to a person, as in the ERP connectors this
replaces. Each event is recorded once, as a canonical payment keyed by its Procountor id, and
logged as an inbound exchange. An invoice whose recorded payments reach its total is marked paid
on its binding and is not read again.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from tilisilta.connectors.base import FlowContext
from tilisilta.connectors.procountor.client.payments import MAX_INVOICE_IDS, PaymentEventReader
from tilisilta.connectors.procountor.errors import describe_failure, explain_refusal
from tilisilta.connectors.procountor.flows.connection import open_client
from tilisilta.connectors.procountor.flows.invoices import SEND_INVOICE
from tilisilta.domain.documents import JournalType, Payment
from tilisilta.http.errors import ApiError, AuthenticationFailed, RemoteError
from tilisilta.ledger.payments_in import (
    Candidate,
    PaymentFetchReport,
    PaymentLine,
    Received,
    Recorder,
    candidate_batches,
)
from tilisilta.store.engine import Store
from tilisilta.store.models import Document
from tilisilta.store.payments import recorded_payment_refs

FETCH_PAYMENT = "procountor.fetch_payment"


# -- the flow -------------------------------------------------------------------------------
def fetch_payments(context: FlowContext, *, numbers: list[str] | None = None) -> PaymentFetchReport:
    """Record the new positive payments of the named invoices, or of every invoice sent over the
    connection and not yet paid (the scheduled run). Stops at the first failure with a plain
    message; what was recorded before it stays, nothing is recorded halfway."""
    report = PaymentFetchReport()
    store, clock = context.store, context.clock
    company_id, connection_id = context.company_id, context.connection_id
    client, options = open_client(context)
    batches = candidate_batches(
        store, company_id, connection_id, SEND_INVOICE, numbers, report, size=MAX_INVOICE_IDS
    )
    journals = {kind.upper(): journal for kind, journal in options.payment_journals.items()}
    reader = PaymentEventReader(client)
    recorder = Recorder(store, company_id, connection_id, FETCH_PAYMENT)
    try:
        for chunk in _chunks(batches):
            try:
                events = reader.events([c.external_id for c in chunk])
            except AuthenticationFailed as exc:
                report.aborted = describe_failure(exc, "give the payment events")
            except ApiError as exc:
                report.aborted = _refused(exc)
            except RemoteError as exc:
                report.aborted = describe_failure(
                    exc, "give the payment events", rate_limit=options.rate_limit_per_second
                )
            if report.aborted:
                break
            try:
                _add_kinds(reader, store, company_id, connection_id, events, journals)
            except RemoteError as exc:
                report.aborted = describe_failure(exc, "give the payment events")
                break
            lines = _record_chunk(recorder, clock.now(), chunk, events, journals, report)
            report.add(lines, list_all=bool(numbers))
    finally:
        report.calls = reader.calls
        client.close()
    return report


def _chunks(batches: Iterable[list[Candidate]]) -> Iterator[list[Candidate]]:
    """The invoices a bulk read at a time; the unpaid ones come a read's worth at a time from
    the store, so a run holds one chunk of them, not all."""
    for batch in batches:
        for start in range(0, len(batch), MAX_INVOICE_IDS):
            yield batch[start : start + MAX_INVOICE_IDS]


def _add_kinds(
    reader: PaymentEventReader,
    store: Store,
    company_id: int,
    connection_id: int,
    events: list[dict[str, Any]],
    journals: dict[str, JournalType],
) -> None:
    """Give the new events their type and description, read per invoice, where the journal
    depends on the type; the fewest calls: none when every type goes to the bank journal, one
    per invoice with new events otherwise, never for events recorded before."""
    if all(journal is JournalType.BANK for journal in journals.values()):
        return
    with store.session() as session:
        refs = [f"procountor:{connection_id}:{e.get('id')}" for e in events]
        recorded = recorded_payment_refs(session, company_id, refs)
    new = [e for e in events if f"procountor:{connection_id}:{e.get('id')}" not in recorded]
    for invoice_id in sorted({str(e.get("invoiceId")) for e in new}):
        full = reader.kinds(invoice_id)
        for event in new:
            if str(event.get("invoiceId")) == invoice_id and str(event.get("id")) in full:
                event.update(
                    {k: v for k, v in full[str(event.get("id"))].items() if k not in event}
                )


def _refused(error: ApiError) -> str:
    if error.status == 403:  # a read is refused only for want of rights
        return (
            "Procountor refused to give the payment events: the API user needs the right to "
            f"read sales invoices and their payments (Procountor said: {error.message})"
        )
    return explain_refusal(error, "give the payment events")


def _record_chunk(
    recorder: Recorder,
    now: datetime,
    chunk: Sequence[Candidate],
    events: list[dict[str, Any]],
    journals: dict[str, JournalType],
    report: PaymentFetchReport,
) -> list[PaymentLine]:
    """Record one chunk's events in one transaction, so a failure leaves nothing half-done."""
    by_remote_id = {c.external_id: c for c in chunk}
    taken: dict[str, list[Received]] = {}  # remote invoice id → payments
    for event in events:
        candidate = by_remote_id.get(str(event.get("invoiceId")))
        if candidate is None:
            continue  # not asked for: never record another invoice's (or company's) money
        try:
            payment, kind = _to_payment(event, candidate.document, journals)
        except (KeyError, TypeError, ValueError, InvalidOperation) as exc:
            report.unreadable.append(f"event {event.get('id')}: {type(exc).__name__}: {exc}")
            continue
        if payment is None:
            report.skipped_non_positive += 1
            continue
        taken.setdefault(candidate.external_id, []).append(
            Received(
                f"procountor:{recorder.connection_id}:{payment.external_id}",
                payment,
                _note(payment, kind),
                {"type": kind},
            )
        )
    return recorder.record(now, chunk, taken)


def _to_payment(
    event: dict[str, Any], invoice: Document, journals: dict[str, JournalType]
) -> tuple[Payment | None, str]:
    """The canonical payment of one event, or None for an event that is not a payment in."""
    kind = str(event.get("type") or "")
    amount, currency = _in_invoice_currency(event, str(invoice.payload.get("currency") or "EUR"))
    if amount <= 0:
        return None, kind
    description = event.get("description")
    return (
        Payment(
            external_id=str(event["id"]),
            invoice_number=invoice.ref,
            amount=amount,
            currency=currency,
            payment_date=_date(event["paymentDate"]),
            journal=journals.get(kind.upper(), JournalType.BANK),
            description=str(description) if description else None,
        ),
        kind,
    )


def _in_invoice_currency(event: dict[str, Any], invoice_currency: str) -> tuple[Decimal, str]:
    """The event's amount in the invoice's currency, which is what settles the invoice.

    An event carries two figures, ``amount``/``currency`` and ``paidAmount``/``paidCurrency``;
    Procountor does not document which one is in the invoice's currency, so take the one that
    says so, preferring ``paidAmount``. They are the same for invoices in the company's currency.
    """
    pairs = [(event.get("paidAmount"), event.get("paidCurrency"))]
    pairs.append((event.get("amount"), event.get("currency")))
    present = [(Decimal(str(a)), str(c or invoice_currency)) for a, c in pairs if a is not None]
    if not present:
        raise ValueError("the event has no amount")
    matching = [pair for pair in present if pair[1] == invoice_currency]
    return (matching or present)[0]


def _date(value: Any) -> date:
    # Procountor writes dates as 2026-06-20; be lenient with a datetime in the same field.
    return date.fromisoformat(str(value)[:10])


def _note(payment: Payment, kind: str) -> str:
    return (
        f"Payment {payment.amount:.2f} {payment.currency} on {payment.payment_date.isoformat()} "
        f"({kind or 'unknown type'}) for invoice {payment.invoice_number}, "
        f"{payment.journal.value} journal"
    )
