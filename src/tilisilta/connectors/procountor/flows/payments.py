"""Procountor flow: fetching the payments of the sales invoices the hub sent.

Payment events are read in bulk (200 invoices a call). Only positive events are taken: reversals
and corrections come as negative events and are left to a person, as in the ERP connectors this
replaces. Each event is recorded once, as a canonical payment keyed by its Procountor id, and
logged as an inbound exchange. An invoice whose recorded payments reach its total is marked paid
on its binding and is not read again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tilisilta.clock import Clock
from tilisilta.connectors.base import FlowContext
from tilisilta.connectors.procountor.client.payments import MAX_INVOICE_IDS, PaymentEventReader
from tilisilta.connectors.procountor.errors import describe_failure, explain_refusal
from tilisilta.connectors.procountor.flows.connection import open_client
from tilisilta.connectors.procountor.flows.invoices import SEND_INVOICE
from tilisilta.domain.documents import InvoiceKind, JournalType, Payment
from tilisilta.http.errors import ApiError, AuthenticationFailed, RemoteError
from tilisilta.ledger.binder import bound_documents, set_remote_status
from tilisilta.ledger.exchanges import inbound, sent_progress
from tilisilta.ledger.outcomes import State
from tilisilta.store.documents import INVOICE, load_invoice
from tilisilta.store.engine import Store
from tilisilta.store.models import Document, Exchange
from tilisilta.store.payments import recorded_payment_refs, upsert_payment

FETCH_PAYMENT = "procountor.fetch_payment"
PAID = "PAID"
PARTLY_PAID = "PARTLY_PAID"


# -- what a run reports ---------------------------------------------------------------------
@dataclass
class PaymentLine:
    """One invoice whose payments were read."""

    invoice: str
    external_id: str
    currency: str
    total: Decimal
    paid: Decimal = Decimal(0)  # the sum of its recorded positive payments
    new_payments: int = 0
    new_amount: Decimal = Decimal(0)
    status: str | None = None  # PAID, PARTLY_PAID, or None while nothing is paid
    status_before: str | None = None


@dataclass
class PaymentFetchReport:
    lines: list[PaymentLine] = field(default_factory=list)
    unknown_numbers: list[str] = field(default_factory=list)  # no such invoice in the hub
    not_sent: list[str] = field(default_factory=list)  # not sent over this connection
    already_paid: list[str] = field(default_factory=list)  # asked for by number, paid already
    credit_notes: list[str] = field(default_factory=list)  # the customer pays none of them
    skipped_non_positive: int = 0  # reversals, corrections and zero events: not taken
    unreadable: list[str] = field(default_factory=list)  # events we could not make sense of
    calls: int = 0  # calls to the payment event endpoint
    aborted: str | None = None

    @property
    def new_payments(self) -> int:
        return sum(line.new_payments for line in self.lines)

    @property
    def new_amount(self) -> Decimal:
        return sum((line.new_amount for line in self.lines), Decimal(0))

    def count(self, status: str) -> int:
        return sum(1 for line in self.lines if line.status == status)


# -- the flow -------------------------------------------------------------------------------
@dataclass
class _Candidate:
    binding_id: int
    document: Document
    external_id: str
    status: str | None
    total: Decimal  # of the version that was sent, as Procountor computed it


def fetch_payments(context: FlowContext, *, numbers: list[str] | None = None) -> PaymentFetchReport:
    """Record the new positive payments of the named invoices, or of every invoice sent over the
    connection and not yet paid (the scheduled run). Stops at the first failure with a plain
    message; what was recorded before it stays, nothing is recorded halfway."""
    report = PaymentFetchReport()
    store, clock = context.store, context.clock
    company_id, connection_id = context.company_id, context.connection_id
    client, options = open_client(context)
    with store.session() as session:
        candidates = _candidates(session, company_id, connection_id, numbers, report)
    journals = {kind.upper(): journal for kind, journal in options.payment_journals.items()}
    reader = PaymentEventReader(client)
    try:
        for start in range(0, len(candidates), MAX_INVOICE_IDS):
            chunk = candidates[start : start + MAX_INVOICE_IDS]
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
            report.lines += _record_chunk(
                store, clock, company_id, connection_id, chunk, events, journals, report
            )
    finally:
        report.calls = reader.calls
        client.close()
    return report


def _refused(error: ApiError) -> str:
    if error.status == 403:  # a read is refused only for want of rights
        return (
            "Procountor refused to give the payment events: the API user needs the right to "
            f"read sales invoices and their payments (Procountor said: {error.message})"
        )
    return explain_refusal(error, "give the payment events")


def _candidates(
    session: Session,
    company_id: int,
    connection_id: int,
    numbers: list[str] | None,
    report: PaymentFetchReport,
) -> list[_Candidate]:
    rows = bound_documents(
        session,
        connection_id,
        INVOICE,
        company_id,
        refs=list(dict.fromkeys(numbers)) if numbers else None,
        except_status=None if numbers else PAID,
    )
    chosen: list[_Candidate] = []
    sent = sent_progress(
        session,
        connection_id,
        SEND_INVOICE,
        {doc.id: binding.sent_version for binding, doc in rows if binding.sent_version},
    )
    for binding, document in rows:
        if document.payload.get("kind") == InvoiceKind.CREDIT_NOTE:
            report.credit_notes.append(document.ref)
        elif binding.remote_status == PAID:
            report.already_paid.append(document.ref)
        else:
            total = sent.get(document.id, {}).get("total")
            chosen.append(
                _Candidate(
                    binding.id,
                    document,
                    binding.external_id,
                    binding.remote_status,
                    # A version changed after sending is not what the customer pays.
                    Decimal(total) if total is not None else load_invoice(document).total,
                )
            )
    if numbers:
        bound = {c.document.ref for c in chosen} | set(report.credit_notes)
        bound |= set(report.already_paid)
        known = set(
            session.scalars(
                select(Document.ref).where(
                    Document.company_id == company_id,
                    Document.kind == INVOICE,
                    Document.ref.in_(numbers),
                )
            )
        )
        for number in dict.fromkeys(numbers):
            if number not in known:
                report.unknown_numbers.append(number)
            elif number not in bound:
                report.not_sent.append(number)
    return chosen


def _record_chunk(
    store: Store,
    clock: Clock,
    company_id: int,
    connection_id: int,
    chunk: Sequence[_Candidate],
    events: list[dict[str, Any]],
    journals: dict[str, JournalType],
    report: PaymentFetchReport,
) -> list[PaymentLine]:
    """Record one chunk's events in one transaction, so a failure leaves nothing half-done."""
    by_remote_id = {c.external_id: c for c in chunk}
    taken: dict[str, list[tuple[str, Payment, str]]] = {}  # remote invoice id → payments
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
        ref = f"procountor:{connection_id}:{payment.external_id}"
        taken.setdefault(candidate.external_id, []).append((ref, payment, kind))
    # A run started at the same time may record the same event first; the second try sees it.
    for last_try in (False, True):
        try:
            return _store_chunk(store, clock, company_id, connection_id, chunk, taken)
        except IntegrityError:
            if last_try:
                raise
    raise AssertionError("unreachable")


def _store_chunk(
    store: Store,
    clock: Clock,
    company_id: int,
    connection_id: int,
    chunk: Sequence[_Candidate],
    taken: dict[str, list[tuple[str, Payment, str]]],
) -> list[PaymentLine]:
    now = clock.now()
    lines: list[PaymentLine] = []
    entries: list[Exchange] = []
    changed: dict[str, list[int]] = {}  # new status → bindings
    with store.session() as session:
        refs = [ref for payments in taken.values() for ref, _, _ in payments]
        recorded = recorded_payment_refs(session, company_id, refs)
        for candidate in chunk:
            invoice = load_invoice(candidate.document)
            line = PaymentLine(
                invoice=invoice.number,
                external_id=candidate.external_id,
                currency=invoice.currency,
                total=candidate.total,
                status=candidate.status,
                status_before=candidate.status,
            )
            lines.append(line)
            payments = taken.get(candidate.external_id, [])
            for ref, payment, kind in payments:
                # Every positive event of the invoice is recorded by the end of this
                # transaction, so the sum of the events read is the sum recorded.
                line.paid += payment.amount
                if ref in recorded:
                    continue
                document, new = upsert_payment(session, company_id, ref, payment, now)
                if not new:
                    continue
                recorded.add(ref)
                line.new_payments += 1
                line.new_amount += payment.amount
                entries.append(_log_entry(connection_id, document, payment, kind, candidate, now))
            if not payments:
                continue
            line.status = PAID if line.paid >= line.total else PARTLY_PAID
            if line.status != candidate.status:
                changed.setdefault(line.status, []).append(candidate.binding_id)
        # Added last and in bulk: one flush instead of one per payment.
        session.add_all(entries)
        for status, binding_ids in changed.items():
            set_remote_status(session, binding_ids, status)
    return lines


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


def _log_entry(
    connection_id: int,
    document: Document,
    payment: Payment,
    kind: str,
    candidate: _Candidate,
    now: datetime,
) -> Exchange:
    note = (
        f"Payment {payment.amount:.2f} {payment.currency} on {payment.payment_date.isoformat()} "
        f"({kind or 'unknown type'}) for invoice {payment.invoice_number}, "
        f"{payment.journal.value} journal"
    )
    return inbound(
        connection_id=connection_id,
        document=document,
        operation=FETCH_PAYMENT,
        state=State.SENT,
        message=note,
        external_id=payment.external_id,
        now=now,
        progress={"invoice_external_id": candidate.external_id, "type": kind},
    )
