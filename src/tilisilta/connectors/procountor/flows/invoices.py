"""Procountor flow: sending sales invoices and credit notes, exactly once."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any, Protocol

from tilisilta.clock import today
from tilisilta.connectors.base import FlowContext
from tilisilta.connectors.common import RemoteNumbers, books_mismatch, transport_outcome
from tilisilta.connectors.procountor.client import ProcountorClient
from tilisilta.connectors.procountor.errors import (
    AccountingFailed,
    PeriodClosed,
    RegisterRefused,
    credentials_refused,
    describe_failure,
    explain_refusal,
    period_closed,
    period_refused,
    too_many_calls,
)
from tilisilta.connectors.procountor.flows.accounting import apply_row_accounting, read_catalog
from tilisilta.connectors.procountor.flows.attachments import attach_pdf
from tilisilta.connectors.procountor.flows.connection import WRONG_KEY, business_id_of, open_client
from tilisilta.connectors.procountor.flows.registers_sync import ProcountorRegisters
from tilisilta.connectors.procountor.mapping.accounting import (
    AccountingCatalog,
    accounting_problems,
)
from tilisilta.connectors.procountor.mapping.company_facts import CompanyFacts, company_facts
from tilisilta.connectors.procountor.mapping.invoices import (
    RegisterLinks,
    check_invoice,
    procountor_total,
    to_procountor_invoice,
)
from tilisilta.connectors.procountor.mapping.vat_settings import VatSettings
from tilisilta.connectors.procountor.options import ProcountorOptions
from tilisilta.connectors.procountor.state import load_vat_settings
from tilisilta.domain.documents import Invoice
from tilisilta.domain.validation import (
    Problem,
    Severity,
    ValidationContext,
    document_label,
    validate_invoice,
)
from tilisilta.fixes import fix
from tilisilta.http.errors import ApiError, AuthenticationFailed, RemoteError, TooManyCalls
from tilisilta.ledger.deliverer import Attempt, OnChange, RunAborted
from tilisilta.ledger.outcomes import DataIssue, Delivered, Outcome, Refused, RetryLater
from tilisilta.ledger.protocol import DeliveryRunner
from tilisilta.ledger.sending import SendSummary, backlog_of, send_backlog
from tilisilta.store.companies import seller_of
from tilisilta.store.documents import (
    INVOICE,
    credited_totals,
    invoices_by_number,
    load_invoice,
)
from tilisilta.store.engine import Store
from tilisilta.store.models import Company, Document

SEND_INVOICE = "procountor.send_invoice"


# -- sending invoices ---------------------------------------------------------------------
class RegisterSync(Protocol):
    """Makes sure Procountor's customer and product registers hold what an invoice refers to."""

    def links_for(self, invoice: Invoice) -> RegisterLinks:
        """Create or update the customer and products as the connection's options say; the ids
        to link the invoice to. Raises ApiError (or a subclass) with a plain message."""
        ...

    def problems(self, invoice: Invoice) -> list[Problem]:
        """Data issues to report before any call (e.g. a customer without a customer number)."""
        ...


@contextmanager
def _dated(day: date) -> Iterator[None]:
    """A refusal because of the invoice date's period, as :class:`PeriodClosed`."""
    try:
        yield
    except AuthenticationFailed:
        raise
    except ApiError as exc:
        if period_refused(exc):
            raise PeriodClosed(exc.status, period_closed(day, exc.message)) from exc
        raise


class InvoiceDeliverer:
    operation = SEND_INVOICE
    local_kind = INVOICE
    remote_name = "Procountor"
    on_change = OnChange.DATA_ISSUE  # a sent Procountor invoice cannot be changed
    serialization_key: str | None = None

    def __init__(
        self,
        client: ProcountorClient,
        options: ProcountorOptions,
        *,
        business_id: str,
        facts: CompanyFacts,
        context: ValidationContext,
        registers: RegisterSync | None = None,
        catalog: AccountingCatalog | None = None,
        vat: VatSettings | None = None,
    ) -> None:
        self.business_id = business_id
        self.catalog = catalog  # read by ``prepare`` for the first batch that needs it
        self.client = client
        self.options = options
        self.facts = facts
        self.bank_account = options.bank_account or facts.default_iban or ""
        self.context = context
        self.registers = registers
        self.vat = vat  # the company's VAT defaults as last fetched (connection state)
        self.remote = RemoteNumbers(self._read_numbers)

    def prepare(self, store: Store, company_id: int, batch: list[Document]) -> None:
        """What checking a batch needs: the totals of the invoices its credit notes credit,
        and the chart of accounts (read once a run) when a row carries its own account."""
        with store.session() as session:
            known = credited_totals(session, company_id, batch)
        self.context = replace(self.context, known_invoices=known)
        if self.catalog is None and _any_coded(batch):
            self.catalog = read_catalog(self.client)

    def check(self, document: Document) -> DataIssue | None:
        invoice = load_invoice(document)
        problems = [
            p for p in validate_invoice(invoice, self.context) if p.severity is Severity.ERROR
        ]
        problems += check_invoice(invoice, self.options, self.facts, vat=self.vat)
        if self.registers is not None:
            problems += self.registers.problems(invoice)
        if any(line.coded for line in invoice.lines):
            problems += accounting_problems(
                invoice,
                self.catalog or AccountingCatalog(),
                create_items=self.options.create_dimension_items,
            )
        return DataIssue.of(problems)

    def prove_company(self) -> None:
        info = self.client.company()
        remote_id = business_id_of(info.get("businessIdentifier"))
        mismatch = books_mismatch(
            "Procountor", str(info.get("name")), remote_id, self.business_id, WRONG_KEY
        )
        if mismatch:
            raise RunAborted(mismatch)

    def find_many(self, documents: Sequence[Document]) -> dict[int, str]:
        """The company's invoices in the documents' date range (200 a page, each date read
        once a run): those whose ``originalInvoiceNumber`` is one of ours are already there."""
        dates = [load_invoice(d).invoice_date for d in documents]
        return self.remote.find({d.ref: d.id for d in documents}, min(dates), max(dates))

    def _read_numbers(self, begin: date, end: date) -> Iterator[tuple[str, str]]:
        for row in self.client.sales_invoices_between(begin, end):
            if row.get("originalInvoiceNumber") is not None:
                yield str(row["originalInvoiceNumber"]), str(row["id"])

    def changed_after_delivery(self, document: Document, external_id: str) -> str:
        return (
            f"changed after it was sent (Procountor invoice id {external_id}); a sent Procountor "
            "invoice cannot be updated, so nothing was resent: correct it by hand in Procountor "
            "or issue a credit note"
        )

    def find_existing(self, attempt: Attempt) -> str | None:
        found = self.client.find_sales_invoices(attempt.document.ref)
        if not found:
            return None
        # Several can exist only if someone created copies by hand; the oldest is the original.
        return str(min(int(f["id"]) for f in found))

    def deliver(self, attempt: Attempt) -> Outcome:
        invoice = load_invoice(attempt.document)
        if attempt.external_id is None:
            links = self.registers.links_for(invoice) if self.registers else RegisterLinks()
            payload = to_procountor_invoice(
                invoice, self.options, bank_account=self.bank_account, links=links
            )
            with _dated(invoice.invoice_date):
                created = self.client.create_invoice(payload)
            attempt.checkpoint(
                str(created["id"]),
                status=created.get("status", "UNFINISHED"),
                number=created.get("invoiceNumber"),
                channel=created.get("invoiceChannel", payload["invoiceChannel"]),
                receipt=created.get("ledgerReceiptId"),
                total=_total_of(created, invoice),
            )
        assert attempt.external_id is not None
        if attempt.reconcile_required or "status" not in attempt.progress:
            remote = self.client.get_invoice(attempt.external_id)
            attempt.remember(
                status=remote.get("status"),
                number=remote.get("invoiceNumber"),
                channel=remote.get("invoiceChannel"),
                receipt=remote.get("ledgerReceiptId"),
                total=_total_of(remote, invoice),
            )
        status = attempt.progress["status"]
        coded = any(line.coded for line in invoice.lines)
        if coded and status == "UNFINISHED" and not attempt.progress.get("accounted"):
            catalog = self.catalog or AccountingCatalog()
            apply_row_accounting(self.client, invoice, attempt.progress["receipt"], catalog)
            attempt.checkpoint(accounted=True)
        if invoice.pdf and self.options.attach_pdf and "pdf" not in attempt.progress:
            warning = attach_pdf(
                self.client,
                invoice,
                attempt.external_id,
                send_with_invoice=self.options.pdf_send_with_invoice,
                shrink=self.options.shrink_pdf,
            )
            # Tried once only: a lost answer may still have attached it, and a copy twice is
            # worse than a warning asking a person to look.
            attempt.checkpoint(pdf=warning or "attached")
        wanted = self.options.sending
        if wanted in ("approve", "approve_and_send") and status == "UNFINISHED":
            with _dated(invoice.invoice_date):
                self.client.approve_invoice(attempt.external_id)
            # Approval leads to APPROVED for invoices Procountor will not send, else NOT_SENT.
            status = "APPROVED" if attempt.progress.get("channel") == "NO_SENDING" else "NOT_SENT"
            # Remembered, not committed: a run cut short here reads the status again first.
            attempt.remember(status=status)
        if wanted == "approve_and_send" and status == "NOT_SENT":
            with _dated(invoice.invoice_date):
                self.client.send_invoice(attempt.external_id)
            status = "SENT"
            attempt.remember(status=status)
        number = attempt.progress.get("number")
        label = document_label(invoice)
        pdf = attempt.progress.get("pdf")
        return Delivered(
            attempt.external_id,
            note=f"{label} is Procountor invoice {number or '?'} (id {attempt.external_id}), "
            f"{status}" + ("; PDF copy attached" if pdf == "attached" else ""),
            warning=pdf if pdf not in (None, "attached") else None,
        )

    def explain(self, error: Exception) -> Outcome:
        if isinstance(error, AuthenticationFailed):
            raise RunAborted(credentials_refused(error.message)) from error
        if isinstance(error, AccountingFailed | RegisterRefused | PeriodClosed):
            return Refused(error.message)
        if isinstance(error, TooManyCalls):
            return RetryLater(
                too_many_calls(
                    error,
                    rate_limit=self.options.rate_limit_per_second,
                    then="the hub tries again by itself a few times; after that, retry the "
                    f"exchange {fix('exchange.retry')} (its id is in {fix('log')})",
                ),
                error.retry_after,
            )
        if isinstance(error, ApiError):
            if error.status == 409:
                return RetryLater(f"Procountor reported a conflict: {error.message}")
            return Refused(explain_refusal(error, "take the invoice"))
        return transport_outcome(error)


def send_invoices(
    context: FlowContext, *, numbers: list[str] | None = None, workers: int = 4
) -> SendSummary:
    """Send the named invoices, or (with none named) all unsent ones, exactly once each, a
    batch at a time. The context's progress is told how many are planned, and each one done."""
    summary = SendSummary()
    store, clock, connection_id = context.store, context.clock, context.connection_id
    client, options = open_client(context)
    with store.session() as session:
        vat = load_vat_settings(session, connection_id)
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
    try:
        try:
            facts = read_company_facts(client)
        except RemoteError as exc:
            summary.aborted = describe_failure(
                exc, "give the company's settings", rate_limit=options.rate_limit_per_second
            )
            return summary
        bank_problem = _bank_account_problem(options, facts)
        if bank_problem:
            summary.aborted = bank_problem
            return summary
        bank_account = options.bank_account or facts.default_iban or ""
        validation = ValidationContext(
            today=today(clock), seller=seller.model_copy(update={"iban": bank_account})
        )
        registers = None
        if options.create_customers or options.create_products or options.posting_products:
            registers = ProcountorRegisters.prepare(context, client, options)
        deliverer = InvoiceDeliverer(
            client,
            options,
            business_id=seller.business_id,
            facts=facts,
            context=validation,
            registers=registers,
            vat=vat,
        )
        runner = DeliveryRunner(
            store,
            clock,
            connection_id=connection_id,
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
                prepare=lambda batch: deliverer.prepare(store, context.company_id, batch),
            )
        except RemoteError as exc:
            summary.aborted = describe_failure(
                exc, "give its chart of accounts", rate_limit=options.rate_limit_per_second
            )
    finally:
        client.close()
    return summary


def _total_of(remote: dict[str, Any], invoice: Invoice) -> str:
    """The total Procountor computed, in the invoice's currency, kept with the sent version so
    that payments are compared with what was sent; the predicted one if Procountor gave none."""
    for entry in remote.get("invoiceSumInfo") or []:
        if isinstance(entry, dict) and entry.get("currency") == invoice.currency:
            total = entry.get("invoiceSumTotal")
            if total is not None:
                return str(Decimal(str(total)))
    return str(procountor_total(invoice))


def read_company_facts(client: ProcountorClient) -> CompanyFacts:
    """The company's bank accounts and accounting periods, read once per run."""
    return company_facts(client.bank_accounts(), client.fiscal_years())


def _any_coded(documents: list[Document]) -> bool:
    """Whether any row carries its own account or dimensions (then the run reads the catalog)."""
    return any(
        line.get("account") or line.get("dimensions")
        for doc in documents
        for line in doc.payload.get("lines", [])
    )


def _bank_account_problem(options: ProcountorOptions, facts: CompanyFacts) -> str | None:
    if not facts.ibans:
        return "the Procountor company has no bank account: add one in Procountor first"
    wanted = (options.bank_account or "").replace(" ", "")
    if wanted and wanted not in facts.ibans:
        return (
            f"bank account {options.bank_account} is not one of the Procountor company's accounts "
            f"({', '.join(facts.ibans)}): correct the connection's bank account"
        )
    return None
