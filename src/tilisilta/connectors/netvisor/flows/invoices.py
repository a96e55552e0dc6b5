"""Netvisor flow: sending sales invoices and credit notes, exactly once.

Netvisor takes the same invoice twice without complaint, so the natural key matters: the hub
sends its own invoice number as ``salesinvoicenumber`` and, before a first send or after a lost
answer, looks the number up in Netvisor's sales invoice list. Requests to one Netvisor company
never overlap (the serialization key, and a machine-wide lock in the client).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from tilisilta.clock import today
from tilisilta.connectors.base import FlowContext
from tilisilta.connectors.common import RemoteNumbers, transport_outcome
from tilisilta.connectors.netvisor.client.api import NetvisorClient
from tilisilta.connectors.netvisor.client.wire import (
    NetvisorAuthFailed,
    NetvisorRefused,
    body,
    decimal_of,
    text,
)
from tilisilta.connectors.netvisor.errors import describe_failure, explain
from tilisilta.connectors.netvisor.flows.connection import books_problem, open_client, serial_key
from tilisilta.connectors.netvisor.flows.registers import NetvisorRegisters
from tilisilta.connectors.netvisor.mapping.invoices import check_invoice, sales_invoice
from tilisilta.connectors.netvisor.options import InvoiceStatus, NetvisorOptions
from tilisilta.domain.documents import InvoiceKind
from tilisilta.domain.validation import Severity, ValidationContext, validate_invoice
from tilisilta.http.errors import RemoteError
from tilisilta.ledger.deliverer import Attempt, OnChange, RunAborted
from tilisilta.ledger.outcomes import DataIssue, Delivered, Outcome, Refused, Unknown
from tilisilta.ledger.protocol import DeliveryRunner
from tilisilta.ledger.sending import SendSummary, backlog_of, send_backlog
from tilisilta.store.companies import seller_of
from tilisilta.store.documents import (
    INVOICE,
    credited_totals,
    invoices_by_number,
    load_invoice,
)
from tilisilta.store.models import Company, Document

SEND_INVOICE = "netvisor.send_invoice"


class InvoiceDeliverer:
    operation = SEND_INVOICE
    local_kind = INVOICE
    remote_name = "Netvisor"
    on_change = OnChange.DATA_ISSUE  # a booked Netvisor invoice is corrected there

    def __init__(
        self,
        context: FlowContext,
        client: NetvisorClient,
        options: NetvisorOptions,
        validation: ValidationContext,
        registers: NetvisorRegisters,
    ) -> None:
        self.context = context
        self.client = client
        self.options = options
        self.validation = validation
        self.registers = registers
        self.serialization_key: str | None = serial_key(context, options)
        self.remote = RemoteNumbers(self._read_numbers)

    def check(self, document: Document) -> DataIssue | None:
        invoice = load_invoice(document)
        problems = [
            p for p in validate_invoice(invoice, self.validation) if p.severity is Severity.ERROR
        ]
        problems += check_invoice(invoice, self.options, self.context.connection_name)
        return DataIssue.of(problems)

    def prove_company(self) -> None:
        mismatch = books_problem(self.context, self.options)
        if mismatch:
            raise RunAborted(mismatch)

    def prepare(self, batch: list[Document]) -> None:
        """What checking a batch needs: the totals of the invoices its credit notes credit."""
        with self.context.store.session() as session:
            known = credited_totals(session, self.context.company_id, batch)
        self.validation = replace(self.validation, known_invoices=known)

    def find_many(self, documents: Sequence[Document]) -> dict[int, str]:
        """Netvisor's sales invoices of the documents' dates (500 a page, each date read once
        a run)."""
        invoices = [load_invoice(d) for d in documents]
        begin = min(i.invoice_date for i in invoices)
        end = max(i.invoice_date for i in invoices)
        found = self.remote.find({d.ref: d.id for d in documents}, begin, end)
        self.registers.prepare(invoices)
        return found

    def _read_numbers(self, begin: date, end: date) -> Iterator[tuple[str, str]]:
        for row in self.client.sales_invoices(begin=begin, end=end):
            if row.number:
                yield row.number, row.netvisor_key

    def changed_after_delivery(self, document: Document, external_id: str) -> str:
        return (
            f"changed after it was sent (Netvisor invoice key {external_id}); nothing was resent: "
            "correct it in Netvisor or issue a credit note"
        )

    def find_existing(self, attempt: Attempt) -> str | None:
        found = [r.netvisor_key for r in self.client.sales_invoices(number=attempt.document.ref)]
        return min(found, key=int) if found else None

    def deliver(self, attempt: Attempt) -> Outcome:
        invoice = load_invoice(attempt.document)
        if attempt.external_id is None:
            self.registers.ensure(invoice)
            content = body(sales_invoice(invoice, self.options))
            key = self.client.add_sales_invoice(content)
            # The exact body transferred, to download later (seed 004's "Netvisor data").
            attempt.checkpoint(
                key, xml=content.decode(), sent_at=self.context.clock.now().isoformat()
            )
        assert attempt.external_id is not None
        if "number" not in attempt.progress:
            remote = self.client.get_sales_invoice(attempt.external_id)
            attempt.remember(  # read again if this attempt is cut short
                number=text(remote, "SalesInvoiceNumber"),
                reference=text(remote, "SalesInvoiceReferencenumber"),
                total=_plain(decimal_of(text(remote, "SalesInvoiceAmount"))),
            )
        warning = None
        credit = invoice.kind is InvoiceKind.CREDIT_NOTE and invoice.credited_invoice_number
        if credit and "matched" not in attempt.progress:
            warning = self._match(attempt, str(invoice.credited_invoice_number))
        number = attempt.progress.get("number") or "?"
        return Delivered(
            attempt.external_id,
            note=f"{attempt.document.ref} is Netvisor invoice {number} "
            f"(key {attempt.external_id}), reference {attempt.progress.get('reference') or '-'}",
            warning=warning,
        )

    def _match(self, attempt: Attempt, credited: str) -> str | None:
        """Credit notes are not matched by themselves (reference §3): match it to the original,
        which Netvisor allows once both are booked (status open)."""
        assert attempt.external_id is not None
        if self.options.invoice_status is InvoiceStatus.UNSENT:
            attempt.checkpoint(matched="left: unsent invoices are not booked yet")
            return (
                f"credit note {attempt.document.ref} is not matched to invoice {credited}: "
                "Netvisor matches them once both are booked; match it there"
            )
        originals = [r.netvisor_key for r in self.client.sales_invoices(number=credited)]
        if not originals:
            attempt.checkpoint(matched="original not in Netvisor")
            return f"invoice {credited}, which the credit note credits, is not in Netvisor"
        self.client.match_credit_note(attempt.external_id, min(originals, key=int))
        attempt.checkpoint(matched=min(originals, key=int))
        return None

    def explain(self, error: Exception) -> Outcome:
        if isinstance(error, NetvisorAuthFailed):
            raise RunAborted(describe_failure(error, "take the invoice")) from error
        if isinstance(error, NetvisorRefused):
            if error.code == "DUPLICATE_DATA":  # the number is there: look it up, then bind
                return Unknown(f"{explain(error)}; the hub looks it up before anything else")
            return Refused(explain(error))
        return transport_outcome(error)


def _plain(amount: Decimal | None) -> str | None:
    """A total as the ledger keeps it: a plain decimal, whatever Netvisor wrote."""
    return str(amount) if amount is not None else None


@dataclass
class NetvisorSendSummary(SendSummary):
    customers_created: int = 0
    products_created: int = 0


def send_invoices(
    context: FlowContext, *, numbers: list[str] | None = None, workers: int = 1
) -> NetvisorSendSummary:
    """Send the named invoices, or all unsent ones, one request at a time, each exactly once,
    a batch at a time."""
    summary = NetvisorSendSummary()
    store = context.store
    client, options = open_client(context)
    with store.session() as session:
        seller = seller_of(session.get_one(Company, context.company_id))
    backlog = backlog_of(
        store,
        summary,
        context.connection_id,
        context.company_id,
        INVOICE,
        numbers,
        lambda session, wanted: invoices_by_number(session, context.company_id, list(wanted)),
    )
    validation = ValidationContext(today=today(context.clock), seller=seller)
    registers = NetvisorRegisters(client, options)
    deliverer = InvoiceDeliverer(context, client, options, validation, registers)
    runner = DeliveryRunner(
        store,
        context.clock,
        connection_id=context.connection_id,
        deliverer=deliverer,
        lease_seconds=context.settings.send_lease_seconds,
        max_attempts=context.settings.max_attempts,
        stop=context.stop,
    )
    try:
        send_backlog(
            runner,
            backlog,
            summary,
            progress=context,
            workers=workers,
            prepare=deliverer.prepare,
        )
    except RemoteError as exc:
        summary.aborted = describe_failure(exc, "list the sales invoices already there")
    finally:
        client.close()
    summary.customers_created = registers.created_customers
    summary.products_created = registers.created_products
    return summary
