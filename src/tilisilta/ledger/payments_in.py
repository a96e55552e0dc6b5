"""Payments received for sent invoices, the part every accounting connector shares: which sent
invoices to ask about, recording each payment once, and the invoice's status after it.

An invoice is paid when its recorded payments reach the total of the version that was sent, as
the accounting system computed it (kept with the sending exchange), never a later version's. What
is recorded is summed on the invoice's binding as it is recorded, so that a fetch reading only the
days since the last one (Netvisor) still knows what earlier fetches recorded.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tilisilta.domain.documents import InvoiceKind, Payment
from tilisilta.ledger.binder import bound_documents, earliest_bound, set_remote_payment
from tilisilta.ledger.exchanges import inbound, sent_progress
from tilisilta.ledger.outcomes import State
from tilisilta.listing import LISTED
from tilisilta.store.documents import INVOICE, load_invoice
from tilisilta.store.engine import Store
from tilisilta.store.models import Binding, Document, Exchange
from tilisilta.store.payments import recorded_payment_refs, upsert_payment

PAID = "PAID"
PARTLY_PAID = "PARTLY_PAID"


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
    """What a fetch did. The invoices read are counted; listed are the ones a person wants to
    see: every invoice named, or, in a run over all unpaid invoices, those that got money or
    changed status; the first `LISTED` of them, the rest counted (``more``), so that neither a
    scheduled run over 100,000 unpaid invoices nor one that finds 100,000 payments grows."""

    lines: list[PaymentLine] = field(default_factory=list)
    more: int = 0  # invoices that would be listed, beyond the first `LISTED`
    read: int = 0  # invoices whose payments were read
    new_payments: int = 0
    new_amount: Decimal = Decimal(0)
    now_paid: int = 0  # paid by this fetch
    partly_paid: int = 0  # of those read, partly paid after this fetch
    status_changed: int = 0  # unpaid to partly paid, or to paid
    unknown_numbers: list[str] = field(default_factory=list)  # no such invoice in the hub
    not_sent: list[str] = field(default_factory=list)  # not sent over this connection
    already_paid: list[str] = field(default_factory=list)  # asked for by number, paid already
    credit_notes: list[str] = field(default_factory=list)  # the customer pays none of them
    skipped_non_positive: int = 0  # reversals, corrections and zero events: not taken
    unreadable: list[str] = field(default_factory=list)  # records we could not make sense of
    calls: int = 0  # calls made to read payments
    aborted: str | None = None

    def add(self, lines: Sequence[PaymentLine], *, list_all: bool) -> None:
        """Count a recorded chunk's invoices; list them all (``list_all``: they were named),
        or only those with new payments or a new status."""
        for line in lines:
            changed = line.status != line.status_before
            self.read += 1
            self.new_payments += line.new_payments
            self.new_amount += line.new_amount
            self.now_paid += line.status == PAID and changed
            self.partly_paid += line.status == PARTLY_PAID
            self.status_changed += changed
            if list_all or line.new_payments or changed:
                if len(self.lines) < LISTED:
                    self.lines.append(line)
                else:
                    self.more += 1


@dataclass
class Candidate:
    """A sent invoice whose payments are asked about."""

    binding_id: int
    document: Document
    external_id: str
    status: str | None
    total: Decimal  # of the version that was sent, as the accounting system computed it
    paid: Decimal | None = None  # the payments recorded so far; None: none, or not yet summed


@dataclass(frozen=True)
class Received:
    """One payment read for a candidate: its log note and progress beside the payment."""

    ref: str  # unique per company: "<kind>:<connection id>:<remote payment id>"
    payment: Payment
    note: str
    progress: dict[str, str]


def candidates(
    session: Session,
    company_id: int,
    connection_id: int,
    send_operation: str,
    numbers: list[str] | None,
    report: PaymentFetchReport,
) -> list[Candidate]:
    """The named invoices, or every invoice sent over the connection and not yet paid; what
    cannot be asked about is noted in ``report``."""
    rows = bound_documents(
        session,
        connection_id,
        INVOICE,
        company_id,
        refs=list(dict.fromkeys(numbers)) if numbers else None,
        except_status=None if numbers else PAID,
        # Unnamed, a credit note is not asked about (nobody pays one) nor read every run.
        except_payload_kind=None if numbers else InvoiceKind.CREDIT_NOTE.value,
    )
    chosen = _chosen(session, connection_id, send_operation, rows, report)
    if numbers:
        _note_unasked(session, company_id, numbers, chosen, report)
    return chosen


def candidate_batches(
    store: Store,
    company_id: int,
    connection_id: int,
    send_operation: str,
    numbers: list[str] | None,
    report: PaymentFetchReport,
    *,
    size: int,
) -> Iterator[list[Candidate]]:
    """:func:`candidates` ``size`` at a time, each batch read in a session of its own when its
    turn comes: a run over every unpaid invoice holds one batch, not all of them."""
    if numbers:
        with store.session() as session:
            chosen = candidates(session, company_id, connection_id, send_operation, numbers, report)
        if chosen:
            yield chosen
        return
    after = 0
    while True:
        with store.session() as session:
            rows = bound_documents(
                session,
                connection_id,
                INVOICE,
                company_id,
                except_status=PAID,
                except_payload_kind=InvoiceKind.CREDIT_NOTE.value,
                after_id=after,
                limit=size,
            )
            if not rows:
                return
            after = rows[-1][1].id
            chosen = _chosen(session, connection_id, send_operation, rows, report)
        if chosen:
            yield chosen


def earliest_unpaid(session: Session, company_id: int, connection_id: int) -> date | None:
    """The earliest invoice date of the invoices sent over the connection and not yet paid
    (credit notes left out), read by the database: where a first fetch of a period begins."""
    earliest = earliest_bound(
        session,
        connection_id,
        INVOICE,
        company_id,
        "invoice_date",
        except_status=PAID,
        except_payload_kind=InvoiceKind.CREDIT_NOTE.value,
    )
    return date.fromisoformat(earliest) if earliest else None


def _chosen(
    session: Session,
    connection_id: int,
    send_operation: str,
    rows: list[tuple[Binding, Document]],
    report: PaymentFetchReport,
) -> list[Candidate]:
    sent = sent_progress(
        session,
        connection_id,
        send_operation,
        {doc.id: binding.sent_version for binding, doc in rows if binding.sent_version},
    )
    chosen: list[Candidate] = []
    for binding, document in rows:
        if document.payload.get("kind") == InvoiceKind.CREDIT_NOTE:
            report.credit_notes.append(document.ref)
        elif binding.remote_status == PAID:
            report.already_paid.append(document.ref)
        else:
            total = sent.get(document.id, {}).get("total")
            chosen.append(
                Candidate(
                    binding.id,
                    document,
                    binding.external_id,
                    binding.remote_status,
                    # A version changed after sending is not what the customer pays.
                    Decimal(str(total)) if total is not None else load_invoice(document).total,
                    Decimal(binding.remote_paid) if binding.remote_paid is not None else None,
                )
            )
    return chosen


def _note_unasked(
    session: Session,
    company_id: int,
    numbers: list[str],
    chosen: list[Candidate],
    report: PaymentFetchReport,
) -> None:
    bound = {c.document.ref for c in chosen} | set(report.credit_notes) | set(report.already_paid)
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


@dataclass(frozen=True)
class Recorder:
    """Records received payments for one connection of one company."""

    store: Store
    company_id: int
    connection_id: int
    operation: str  # of the inbound log rows, e.g. "netvisor.fetch_payment"

    def record(
        self, now: datetime, chunk: Sequence[Candidate], taken: dict[str, list[Received]]
    ) -> list[PaymentLine]:
        """Record the chunk's payments (``taken``: candidate external id → payments) in one
        transaction, so a failure leaves nothing half-done; a run started at the same time
        may record the same payment first, and the second try sees it."""
        for last_try in (False, True):
            try:
                return self._record(now, chunk, taken)
            except IntegrityError:
                if last_try:
                    raise
        raise AssertionError("unreachable")

    def _record(
        self, now: datetime, chunk: Sequence[Candidate], taken: dict[str, list[Received]]
    ) -> list[PaymentLine]:
        company_id, connection_id = self.company_id, self.connection_id
        lines: list[PaymentLine] = []
        entries: list[Exchange] = []
        moved: dict[int, tuple[str, Decimal]] = {}  # binding → its new status and sum paid
        with self.store.session() as session:
            refs = [r.ref for received in taken.values() for r in received]
            recorded = recorded_payment_refs(session, company_id, refs)
            for candidate in chunk:
                line = PaymentLine(
                    invoice=candidate.document.ref,
                    external_id=candidate.external_id,
                    currency=str(candidate.document.payload.get("currency") or "EUR"),
                    total=candidate.total,
                    status=candidate.status,
                    status_before=candidate.status,
                )
                lines.append(line)
                received = taken.get(candidate.external_id, [])
                read = Decimal(0)
                for item in received:
                    read += item.payment.amount
                    if item.ref in recorded:
                        continue
                    document, new = upsert_payment(session, company_id, item.ref, item.payment, now)
                    if not new:
                        continue
                    recorded.add(item.ref)
                    line.new_payments += 1
                    line.new_amount += item.payment.amount
                    entries.append(
                        inbound(
                            connection_id=connection_id,
                            document=document,
                            operation=self.operation,
                            state=State.SENT,
                            message=item.note,
                            external_id=item.payment.external_id,
                            now=now,
                            progress={
                                "invoice_external_id": candidate.external_id,
                                **item.progress,
                            },
                        )
                    )
                if not received:
                    line.paid = candidate.paid or Decimal(0)
                    continue
                # What was recorded before and now; where nothing was summed before (a binding
                # from before the sum was kept), at least what this fetch read, all recorded.
                line.paid = max(read, (candidate.paid or Decimal(0)) + line.new_amount)
                line.status = PAID if line.paid >= line.total else PARTLY_PAID
                if (line.status, line.paid) != (candidate.status, candidate.paid):
                    moved[candidate.binding_id] = (line.status, line.paid)
            # Added last and in bulk: one flush instead of one per payment.
            session.add_all(entries)
            set_remote_payment(session, moved)
        return lines
