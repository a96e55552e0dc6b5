"""Changing a sales invoice's state: ``updatesalesinvoicestatus.nv`` and ``matchcreditnote.nv``,
and the one place an invoice's paid sum moves (reference netvisor.md §3, §8.1, §8.2 items 10,
11, 13, 15 and 17).

* updatesalesinvoicestatus: a POST without a body; ``netvisorkey`` or ``netvisorkeylist`` (≤100);
  ``status`` one of open, overdue, reminded, requested, collected, paid, creditloss. Leaving
  ``unsent`` creates the sales voucher (NVD 77000554158), so a locked period refuses it.
* matchcreditnote: never automatic; only when both the credit note and the invoice are sent and
  vouchered and share a currency (NVD 77000554165).
* Paid: the open sum reaches 0 (§3 "Paid = status paid / OpenSum 0").
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from xml.etree.ElementTree import Element

from . import xmlin
from .context import Ctx
from .errors import PERIOD_LOCK, NetvisorError, invalid
from .schema import MATCH_CREDIT_NOTE
from .state import Company, SalesInvoice

STATUS_VALUES = ("open", "overdue", "reminded", "requested", "collected", "paid", "creditloss")
SUBSTATUSES = ("overdue", "reminded", "requested", "collected")
MAX_STATUS_KEYS = 100


def settle(invoice: SalesInvoice, amount: Decimal, now: datetime) -> None:
    """Add a payment (negative: a refund) to an invoice; paid when nothing is left open."""
    invoice.paid += amount
    invoice.payments_modified = now
    if invoice.open_sum == 0 and invoice.amount != 0:
        invoice.status, invoice.substatus = "paid", ""
    elif invoice.status == "paid":
        invoice.status = "open"


def create_voucher(company: Company, invoice: SalesInvoice) -> None:
    if invoice.voucher is not None:
        return
    if company.locked_until and invoice.invoice_date <= company.locked_until:
        raise NetvisorError(PERIOD_LOCK, "period", value=invoice.invoice_date.isoformat())
    invoice.voucher = company.next_key("voucher")


def update_status(ctx: Ctx) -> list[Element]:
    if ctx.method != "POST":
        raise invalid("updatesalesinvoicestatus is a POST")
    if ctx.body.strip():
        raise invalid("updatesalesinvoicestatus takes no body")  # bodyless POST (§3)
    keys = ctx.keys("netvisorkeylist", MAX_STATUS_KEYS) if "netvisorkeylist" in ctx.params else []
    if ctx.param("netvisorkey"):
        keys.append(xmlin.integer(ctx.param("netvisorkey") or "", "netvisorkey"))
    if not keys:
        raise invalid("netvisorkey or netvisorkeylist is required")
    status = ctx.param("status") or ""
    if status not in STATUS_VALUES:
        raise invalid(f"status: '{status}' is not one of {'|'.join(STATUS_VALUES)}")
    invoices = []
    for key in keys:
        invoice = ctx.company.sales_invoices.get(key)
        if invoice is None or invoice.invoice_type != "invoice":
            raise invalid(f"Sales invoice not found with Netvisor identifier: {key}")
        locked = ctx.company.locked_until
        if invoice.status == "unsent" and locked and invoice.invoice_date <= locked:
            raise NetvisorError(PERIOD_LOCK, "period", value=invoice.invoice_date.isoformat())
        invoices.append(invoice)
    for invoice in invoices:  # all checked first: nothing changes unless everything can
        create_voucher(ctx.company, invoice)
        if status in SUBSTATUSES:
            invoice.status, invoice.substatus = "open", status
        else:
            invoice.status, invoice.substatus = status, ""
        invoice.modified = ctx.now
    return []


def match_credit_note(ctx: Ctx) -> list[Element]:
    doc = ctx.document(MATCH_CREDIT_NOTE)
    credit_key = xmlin.integer(xmlin.value(doc.find("creditnotenetvisorkey")) or "", "key")
    invoice_key = xmlin.integer(xmlin.value(doc.find("invoicenetvisorkey")) or "", "key")
    credit = ctx.company.sales_invoices.get(credit_key)
    invoice = ctx.company.sales_invoices.get(invoice_key)
    if credit is None or invoice is None:
        missing = credit_key if credit is None else invoice_key
        raise invalid(f"Sales invoice not found with Netvisor identifier: {missing}")
    if not credit.is_credit_note or invoice.is_credit_note:
        raise invalid(
            "creditnotenetvisorkey must name a credit note and invoicenetvisorkey an invoice"
        )
    for document in (credit, invoice):
        if document.invoice_type != "invoice" or document.voucher is None:
            raise invalid(f"invoice {document.key} is not sent: it has no voucher yet")
    if credit.currency != invoice.currency:
        raise invalid("the credit note and the invoice are in different currencies")
    if credit.open_sum == 0 or credit_key in invoice.matched:
        raise invalid(f"credit note {credit_key} is already matched")
    used = min(-credit.open_sum, invoice.open_sum)
    if used <= 0:
        raise invalid(f"invoice {invoice_key} has nothing open to match")
    settle(invoice, used, ctx.now)
    settle(credit, -used, ctx.now)
    invoice.matched.append(credit_key)
    credit.matched.append(invoice_key)
    return []
