"""Odoo flow: booking the purchase invoices the hub fetched from an accounting system (seed 004's
"Fetch Purchase Invoices from Netvisor to Odoo") as Odoo vendor bills, with their files, exactly
once.

Each becomes a bill (``in_invoice``; a negative total an ``in_refund``) of the vendor found or
created in Odoo (``vendors``), in the connection's Odoo company and its purchase journal, left
in draft for a person to check and post unless the connection says ``post_vendor_bills``.

The bill is found again by its Source Document (``invoice_origin``), which holds the hub's
marker ``Tilisilta <ref>``: Odoo stores and searches it, its form shows it read-only (so a person
does not change it by accident), and Odoo itself sets it only on bills it makes from purchase
orders. The vendor's invoice number goes where a person looks for it, the bill's reference
(``ref``), but a person edits that and two vendors may share a number, so it is not the key.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tilisilta.connectors.base import FlowContext
from tilisilta.connectors.common import transport_outcome
from tilisilta.connectors.odoo.client import OdooClient
from tilisilta.connectors.odoo.client.errors import OdooError, OdooFailure, describe
from tilisilta.connectors.odoo.flows.attachments import attach_files
from tilisilta.connectors.odoo.flows.books import prove_books
from tilisilta.connectors.odoo.flows.connection import company_context, open_client
from tilisilta.connectors.odoo.flows.invoices import MOVE_MODEL
from tilisilta.connectors.odoo.flows.vendors import Vendors
from tilisilta.connectors.odoo.mapping.bills import (
    BILL,
    REFUND,
    BillSetup,
    PurchaseTax,
    bill_type,
    bill_values,
    label,
    marker,
    problems,
    rate_key,
)
from tilisilta.connectors.odoo.mapping.records import decimal, m2o_id, parse_date, text
from tilisilta.connectors.odoo.options import OdooOptions
from tilisilta.domain.documents import PurchaseInvoice
from tilisilta.fixes import fix
from tilisilta.http.errors import AuthenticationFailed, RemoteError
from tilisilta.ledger.deliverer import Attempt, OnChange, RunAborted
from tilisilta.ledger.outcomes import DataIssue, Delivered, Outcome, Refused
from tilisilta.ledger.protocol import DeliveryRunner
from tilisilta.ledger.sending import SendSummary, backlog_of, send_backlog
from tilisilta.store.documents import PURCHASE_INVOICE
from tilisilta.store.models import Document

BOOK_PURCHASE = "odoo.book_purchase_invoice"
BATCH = 200  # markers per bulk lookup
BILL_FIELDS = ["name", "state", "move_type", "amount_total", "ref", "invoice_date"]


def load_purchase(document: Document) -> PurchaseInvoice:
    return PurchaseInvoice.model_validate(document.payload)


class BillDeliverer:
    operation = BOOK_PURCHASE
    local_kind = PURCHASE_INVOICE
    remote_name = "Odoo"
    # A purchase invoice changes in the accounting system after booking (its approval, say):
    # the bill is checked against the new version, given any new files, never made again.
    on_change = OnChange.UPDATE
    serialization_key: str | None = None

    def __init__(self, client: OdooClient, options: OdooOptions, *, business_id: str) -> None:
        self.client = client
        self.options = options
        self.business_id = business_id
        self.context = company_context(options)
        self.vendors = Vendors(client, options)
        self.setup: BillSetup | None = None  # read by the flow once the books are proven

    # -- the protocol ---------------------------------------------------------------------
    def prove_company(self) -> None:
        prove_books(self.client, self.options, self.business_id)

    def find_many(self, documents: Sequence[Document]) -> dict[int, str]:
        """Bills already booked, found by their markers in one search per 200."""
        by_marker = {marker(d.ref): d.id for d in documents}
        markers = sorted(by_marker)
        found: dict[int, str] = {}
        for start in range(0, len(markers), BATCH):
            rows = self.client.search_read(
                MOVE_MODEL,
                [
                    ("company_id", "=", self.options.odoo_company_id),
                    ("move_type", "in", [BILL, REFUND]),
                    ("invoice_origin", "in", markers[start : start + BATCH]),
                ],
                ["invoice_origin"],
                context=self.context,
                order="id asc",
            )
            for row in rows:
                doc_id = by_marker.get(str(row.get("invoice_origin")))
                if doc_id is not None:
                    found.setdefault(doc_id, str(row["id"]))  # the first one made, if copied
        return found

    def changed_after_delivery(self, document: Document, external_id: str) -> str:
        return (
            f"changed after it was booked in Odoo (vendor bill id {external_id}); nothing was "
            "changed there: correct the bill by hand in Odoo, then ignore this exchange"
        )

    def check(self, document: Document) -> DataIssue | None:
        return DataIssue.of(problems(load_purchase(document), self._setup()))

    def find_existing(self, attempt: Attempt) -> str | None:
        return self.find_many([attempt.document]).get(attempt.document.id)

    def deliver(self, attempt: Attempt) -> Outcome:
        invoice = load_purchase(attempt.document)
        resumed = attempt.external_id is not None
        if attempt.progress.get("reconciled"):
            how = "found in Odoo by its Source Document after an answer was lost, not made again"
        else:
            how = "made by an earlier attempt"
        if attempt.external_id is None:
            vendor = self.vendors.vendor_for(invoice.vendor)
            values = bill_values(
                invoice, ref=attempt.document.ref, vendor_id=vendor.id, setup=self._setup()
            )
            created = self.client.call(
                MOVE_MODEL, "create", vals_list=[values], context=self.context
            )
            attempt.checkpoint(str(created[0] if isinstance(created, list) else created))
            how = f"vendor {vendor.name} {vendor.how} (partner id {vendor.id})"
        assert attempt.external_id is not None
        move_id = int(attempt.external_id)
        # Read first: a bill deleted in Odoo meanwhile is a MissingError for this one only.
        bill = self._read(move_id)
        attached = attach_files(
            self.client,
            self.context,
            move_id,
            invoice.attachments,
            done=list(attempt.progress.get("attached") or []),
            look_first=resumed,
            checkpoint=lambda done: attempt.checkpoint(attached=done),
        )
        if attempt.progress.get("update"):
            return _checked_again(invoice, bill, move_id, attached)
        total = decimal(bill.get("amount_total"))
        warning = None
        if total != abs(invoice.total):
            warning = (
                f"Odoo computed the bill's total as {total:.2f} {invoice.currency}, but the "
                f"purchase invoice's total is {abs(invoice.total):.2f}: the bill is left in "
                "draft; correct its taxes in Odoo before posting it"
            )
        elif self.options.post_vendor_bills and bill.get("state") == "draft":
            warning = self._post(move_id)
            bill = self._read(move_id)
        files = f"; {attached} file(s) attached" if attached else ""
        return Delivered(
            str(move_id),
            note=f"{label(invoice)}, {invoice.total:.2f} {invoice.currency}: {_named(bill)} "
            f"({bill.get('state')}, id {move_id}) in Odoo; {how}{files}",
            warning=warning,
        )

    def explain(self, error: Exception) -> Outcome:
        if isinstance(error, AuthenticationFailed):
            raise RunAborted(describe(error, "book vendor bills")) from error
        if isinstance(error, OdooError):
            if error.failure is OdooFailure.ACCESS:
                raise RunAborted(describe(error, "book vendor bills")) from error
            return Refused(describe(error, "book the vendor bill"))
        return transport_outcome(error)

    # -- helpers --------------------------------------------------------------------------
    def _setup(self) -> BillSetup:
        if self.setup is None:
            raise RuntimeError("the Odoo company's setup was not read before delivering")
        return self.setup

    def _read(self, move_id: int) -> dict[str, Any]:
        return self.client.read(MOVE_MODEL, [move_id], BILL_FIELDS, context=self.context)[0]

    def _post(self, move_id: int) -> str | None:
        """Post the bill; a refusal leaves it in draft with a warning (the bill stands)."""
        try:
            self.client.call(MOVE_MODEL, "action_post", ids=[move_id], context=self.context)
        except OdooError as exc:
            if exc.failure is not OdooFailure.VALIDATION:
                raise
            return f"Odoo did not post the bill: {exc.message}; check it and post it by hand"
        return None


def _kind(bill: dict[str, Any]) -> str:
    return "vendor credit note" if bill.get("move_type") == REFUND else "vendor bill"


def _named(bill: dict[str, Any]) -> str:
    """The kind and number (``vendor bill BILL/2026/00001``); a draft has no number yet."""
    name = text(bill.get("name"))
    return f"{_kind(bill)} {name}" if name and name != "/" else _kind(bill)


def _checked_again(
    invoice: PurchaseInvoice, bill: dict[str, Any], move_id: int, attached: int
) -> Outcome:
    """A purchase invoice that changed after booking: fine if the bill still shows it."""
    differences = []
    total = decimal(bill.get("amount_total"))
    if total != abs(invoice.total):
        differences.append(f"total {total:.2f} in Odoo, {abs(invoice.total):.2f} now")
    if (text(bill.get("ref")) or "") != invoice.number:
        differences.append(f"number {text(bill.get('ref'))!r} in Odoo, {invoice.number!r} now")
    if parse_date(bill.get("invoice_date")) != invoice.invoice_date:
        differences.append(f"date {bill.get('invoice_date')} in Odoo, {invoice.invoice_date} now")
    if bill.get("move_type") != bill_type(invoice):
        differences.append(f"a {_kind(bill)} in Odoo, now the other way round")
    files = f"; {attached} new file(s) attached" if attached else ""
    if differences:
        return DataIssue(
            f"{label(invoice)} changed after it was booked in Odoo as {_kind(bill)} id "
            f"{move_id}: {'; '.join(differences)}{files}. Nothing else was changed in Odoo: "
            "correct the bill there by hand, then ignore this exchange"
        )
    return Delivered(
        str(move_id),
        note=f"{label(invoice)} changed after it was booked; the {_named(bill)} (id {move_id}) "
        f"in Odoo still shows its number, date and total{files}",
    )


# -- the Odoo company's setup ---------------------------------------------------------------


class _NoJournal(LookupError):
    pass


def read_setup(
    client: OdooClient, options: OdooOptions, invoices: Sequence[PurchaseInvoice]
) -> BillSetup:
    """The purchase journal, purchase taxes by rate, active currencies and accounts by code
    the bills of these invoices need; read once per run."""
    context = company_context(options)
    company = options.odoo_company_id
    return BillSetup(
        company_id=company,
        journal_id=_journal(client, options),
        taxes=_taxes(client, company, context),
        currencies={
            str(row["name"]): int(row["id"])
            for row in client.search_read(
                "res.currency",
                [("name", "in", sorted({i.currency for i in invoices})), ("active", "=", True)],
                ["name"],
                context=context,
            )
        },
        accounts=_accounts(client, company, context, invoices),
    )


def _journal(client: OdooClient, options: OdooOptions) -> int:
    configured = options.journals.get("purchase")
    domain: list[Any] = [
        ("company_id", "=", options.odoo_company_id),
        ("type", "=", "purchase"),
        ("active", "=", True),
    ]
    if configured:
        domain.append(("id", "=", configured))
    rows = client.search_read(
        "account.journal",
        domain,
        ["name"],
        context=company_context(options),
        order="sequence, id",
        limit=1,
    )
    if not rows:
        raise _NoJournal(
            f"Odoo company {options.odoo_company_id} has no active purchase journal"
            + (f" with id {configured}" if configured else "")
            + ", so no vendor bill was made: create one in Odoo, or set the connection's "
            "purchase journal to the id of one with "
            + fix("connection.set", setting="journals.purchase")
        )
    return int(rows[0]["id"])


def _taxes(client: OdooClient, company: int, context: dict[str, Any]) -> dict[Decimal, PurchaseTax]:
    """One purchase tax per rate: the company's default purchase tax for its rate, else the
    first in Odoo's order. Price-included taxes are left out: the bill's prices are net."""
    rows = client.search_read(
        "account.tax",
        [
            ("company_id", "=", company),
            ("type_tax_use", "=", "purchase"),
            ("amount_type", "=", "percent"),
            ("active", "=", True),
        ],
        ["name", "amount", "price_include"],
        context=context,
        order="sequence, id",
    )
    usable = [row for row in rows if not row.get("price_include")]
    taxes: dict[Decimal, PurchaseTax] = {}
    for row in usable:
        taxes.setdefault(rate_key(row["amount"]), PurchaseTax(int(row["id"]), str(row["name"])))
    default = m2o_id(
        client.read("res.company", [company], ["account_purchase_tax_id"], context=context)[0].get(
            "account_purchase_tax_id"
        )
    )
    for row in usable:
        if row["id"] == default:
            taxes[rate_key(row["amount"])] = PurchaseTax(int(row["id"]), str(row["name"]))
    return taxes


def _accounts(
    client: OdooClient,
    company: int,
    context: dict[str, Any],
    invoices: Sequence[PurchaseInvoice],
) -> dict[str, int]:
    """The company's accounts the lines' accounting suggestions name, by code."""
    codes = sorted({line.account for i in invoices for line in i.lines if line.account})
    if not codes:
        return {}
    fields = client.fields_of("account.account")
    # Odoo 18 shares accounts between companies (company_ids); 16-17 give each its own.
    shared = "company_ids" in fields
    domain: list[Any] = [
        ("code", "in", codes),
        ("company_ids", "in", [company]) if shared else ("company_id", "=", company),
    ]
    if "deprecated" in fields:
        domain.append(("deprecated", "=", False))
    if "active" in fields:
        domain.append(("active", "=", True))
    rows = client.search_read("account.account", domain, ["code"], context=context)
    return {str(row["code"]): int(row["id"]) for row in rows}


# -- the flow -------------------------------------------------------------------------------


def purchases_by_ref(session: Session, company_id: int, refs: Sequence[str]) -> list[Document]:
    return list(
        session.scalars(
            select(Document)
            .where(
                Document.company_id == company_id,
                Document.kind == PURCHASE_INVOICE,
                Document.ref.in_(list(refs)),
            )
            .order_by(Document.id)
        )
    )


def push_purchase_invoices(context: FlowContext, *, refs: list[str] | None = None) -> SendSummary:
    """Book as Odoo vendor bills the purchase invoices named (by their refs, e.g.
    ``netvisor:123``), or every one not yet booked on this connection, exactly once each, a
    batch at a time."""
    summary = SendSummary()
    store, connection_id, company_id = context.store, context.connection_id, context.company_id
    backlog = backlog_of(
        store,
        summary,
        connection_id,
        company_id,
        PURCHASE_INVOICE,
        refs,
        lambda session, wanted: purchases_by_ref(session, company_id, wanted),
    )
    if not backlog.total:
        return summary
    client, options = open_client(context)
    deliverer = BillDeliverer(client, options, business_id=context.business_id)
    runner = DeliveryRunner(
        store,
        context.clock,
        connection_id=connection_id,
        deliverer=deliverer,
        lease_seconds=context.settings.send_lease_seconds,
        max_attempts=context.settings.max_attempts,
        stop=context.stop,
    )

    def prepare(batch: list[Document]) -> None:
        deliverer.setup = read_setup(client, options, [load_purchase(d) for d in batch])

    try:
        runner.prove_company()  # before anything of the company is read
        # One at a time: a vendor two invoices share is then looked up (or made) once.
        send_backlog(runner, backlog, summary, progress=context, prepare=prepare)
    except RunAborted as abort:
        summary.aborted = str(abort)
    except _NoJournal as missing:
        summary.aborted = str(missing)
    except RemoteError as exc:
        summary.aborted = describe(exc, "read the company's purchase journal, taxes and currencies")
    finally:
        client.close()
    return summary
