"""Purchase invoices: ``purchaseinvoicelist.nv``, ``getpurchaseinvoice.nv``, ``getattachments.nv``
and ``purchaseinvoicepostingdata.nv`` (reference netvisor.md §3 "Purchase invoices", §8.2 items
12, 16, 17 and 18). Purchase invoices arrive from vendors; here they are seeded (admin API).

* Approval states: open (new, in factual verification), approved, accepted; the list filter
  ``invoicestatus`` takes those three (NVD 77000554199 FI). ``InvoiceStatus`` is localized text
  (``Avoin``; TAW normalizes to open, dueforpayment, paid).
* getpurchaseinvoice: ``netvisorkey`` or ``netvisorkeylist`` (≤500); attachments inline
  (``AttachmentBase64Data, FileName, ContentType, Comment``) unless ``omitattachments``; an
  unknown key is answered OK with an empty ``<PurchaseInvoice/>``.
* purchaseinvoicepostingdata: only for an invoice still open, and its line sums must equal the
  invoice total (NVD 769762).
"""

from __future__ import annotations

from decimal import Decimal
from xml.etree.ElementTree import Element

from . import xmlin
from .context import Ctx
from .errors import PERIOD_LOCK, NetvisorError, invalid
from .schema import POSTING_DATA
from .state import PurchaseInvoice
from .xmlout import add, ansi, money, node, number

APPROVALS = ("open", "approved", "accepted")
MAX_KEYS = 500
_STATUS_TEXT = {
    "open": ("Avoin", "Open", "Öppen"),
    "dueforpayment": ("Maksuvalmis", "Due for payment", "Klar för betalning"),
    "paid": ("Maksettu", "Paid", "Betald"),
}
_LANG = {"FI": 0, "EN": 1, "SE": 2}
_TRUE = ("1", "true")


def _payment_state(invoice: PurchaseInvoice) -> str:
    if invoice.amount and invoice.open_sum == 0:
        return "paid"
    return "dueforpayment" if invoice.approval == "accepted" else "open"


def purchase_invoice_list(ctx: Ctx) -> list[Element]:
    ctx.reading()
    p = ctx.param
    status = p("invoicestatus")
    if status is not None and status not in APPROVALS:
        raise invalid(f"invoicestatus: '{status}' is not one of {'|'.join(APPROVALS)}")
    paying = p("paymentstatus")
    if paying not in (None, "unpaid", "paid"):
        raise invalid("paymentstatus must be unpaid or paid")
    begin, end = ctx.day("begininvoicedate"), ctx.day("endinvoicedate")
    start, stop = ctx.moment("lastmodifiedstart"), ctx.moment("lastmodifiedend")

    def wanted(i: PurchaseInvoice) -> bool:
        modified = ctx.local(i.modified)
        checks = (
            begin is None or i.invoice_date >= begin,
            end is None or i.invoice_date <= end,
            p("invoicenumber") is None or i.number == p("invoicenumber"),
            status is None or i.approval == status,
            paying is None or (paying == "paid") == (_payment_state(i) == "paid"),
            start is None or modified >= start,
            stop is None or modified <= stop,
            p("purchaseinvoicebatchid") is None,  # no batches are ever made here
        )
        return all(checks)

    rows = []
    for invoice in sorted(ctx.company.purchase_invoices.values(), key=lambda i: i.key):
        if not wanted(invoice):
            continue
        row = node("PurchaseInvoice")
        add(row, "NetvisorKey", str(invoice.key))
        add(row, "InvoiceNumber", invoice.number)
        add(row, "InvoiceDate", ansi(invoice.invoice_date), format="ansi")
        add(row, "Vendor", invoice.vendor_name)
        add(row, "VendorOrganizationIdentifier", invoice.vendor_business_id)
        add(row, "Sum", number(invoice.amount))
        add(row, "Payments", number(invoice.paid))
        add(row, "OpenSum", number(invoice.open_sum))
        add(row, "Uri", f"{ctx.base}/getpurchaseinvoice.nv?netvisorkey={invoice.key}")
        rows.append(row)
    return ctx.listing("PurchaseInvoiceList", rows)


def get_purchase_invoice(ctx: Ctx) -> list[Element]:
    ctx.reading()
    include = (ctx.param("omitattachments") or "").lower() not in _TRUE
    if ctx.param("version") not in (None, "1", "2"):
        raise invalid("version must be 1 or 2")
    held = ctx.company.purchase_invoices
    if "netvisorkeylist" in ctx.params:
        found = [held.get(k) for k in ctx.keys("netvisorkeylist", MAX_KEYS)]
        rows = [render(ctx, i, include) for i in found if i is not None]
        return [node("PurchaseInvoices", children=rows)]
    invoice = held.get(xmlin.integer(ctx.param("netvisorkey") or "", "netvisorkey"))
    return [render(ctx, invoice, include) if invoice else node("PurchaseInvoice")]


def render(ctx: Ctx, i: PurchaseInvoice, attachments: bool) -> Element:
    """As HEL ``GetPurchaseInvoice.xml``; attachments as RAN and TAW read them."""
    language = _LANG.get(ctx.language, 0)
    out = node("PurchaseInvoice")
    add(out, "PurchaseInvoiceNetvisorKey", str(i.key))
    add(out, "PurchaseInvoiceNumber", i.number)
    add(out, "PurchaseInvoiceDate", ansi(i.invoice_date), format="ansi")
    add(out, "PurchaseInvoiceDueDate", ansi(i.due_date), format="ansi")
    add(out, "PurchaseInvoiceReferencenumber", i.reference)
    add(out, "PurchaseInvoiceVendorBankAccountNumber", i.vendor_bank_account)
    add(out, "IsPurchaseInvoiceVendorBankAccountDeleted", "False")
    add(out, "IsPurchaseInvoiceVendorBankAccountFromSEPARegion", "True")
    add(out, "PurchaseInvoiceAmount", money(i.amount))
    add(out, "PurchaseInvoicePaidAmount", money(i.paid))
    add(out, "ForeignCurrencyAmount", number(i.amount))
    add(out, "ForeignCurrencyNameID", i.currency)
    add(out, "InvoiceStatus", _STATUS_TEXT[_payment_state(i)][language])
    add(out, "ApprovalStatus", i.approval)
    add(out, "PurchaseInvoiceOurReference", "")
    add(out, "PurchaseInvoiceYourReference", "")
    add(out, "PurchaseInvoiceDescription", i.description)
    add(out, "VendorOrganizationIdentifier", i.vendor_business_id)
    add(out, "VendorCode", i.vendor_code)
    add(out, "VendorName", i.vendor_name)
    street, post, town, country = i.vendor_address
    add(out, "VendorAddressline", street)
    add(out, "VendorPostnumber", post)
    add(out, "VendorTown", town)
    add(out, "VendorCountry", country)
    add(out, "VendorBankAccountNumber", i.vendor_bank_account)
    add(out, "VoucherID", str(i.voucher or ""))
    add(out, "IsAccounted", "True" if i.voucher else "False")
    lines = add(out, "InvoiceLines")
    for line in i.lines:
        row = add(lines, "PurchaseInvoiceLine")
        add(row, "NetvisorKey", str(line.key))
        add(row, "LineSum", money(line.line_sum))
        add(row, "LineNetSum", money(line.net, 4))
        add(row, "UnitPrice", money(line.unit_price, 12))
        add(row, "VatPercent", number(line.vat_percent))
        add(row, "VatCode", line.vat_code)
        add(row, "Description", line.description)
        add(row, "Unit", "kpl")
        add(row, "OrderedAmount", number(line.quantity))
        add(row, "DeliveredAmount", number(line.quantity))
        add(row, "ProductCode", line.product_code)
        add(row, "ProductName", line.product_name)
        add(row, "AccountingSuggestionBookkeepingAccount", line.account)
    if attachments and i.attachments:
        held = add(out, "Attachments")
        for attachment in i.attachments:
            row = add(held, "Attachment")
            add(row, "AttachmentBase64Data", attachment.data_base64)
            add(row, "FileName", attachment.file_name)
            add(row, "ContentType", attachment.content_type)
            add(row, "Comment", attachment.comment)
    return out


def get_attachments(ctx: Ctx) -> list[Element]:
    """``getattachments.nv?attachmentsource=purchaseinvoice&netvisorkey=`` (NVD 77000554201)."""
    ctx.reading()
    if ctx.param("attachmentsource") != "purchaseinvoice":
        raise invalid("attachmentsource must be purchaseinvoice")
    if ctx.param("convertpdfstoimages") not in (None, "0", "1"):
        raise invalid("convertpdfstoimages must be 0 or 1")
    key = xmlin.integer(ctx.param("netvisorkey") or "", "netvisorkey")
    invoice = ctx.company.purchase_invoices.get(key)
    rows = []
    for attachment in invoice.attachments if invoice else []:
        row = node("Attachment")
        add(row, "AttachmentNetvisorKey", str(attachment.key))
        add(row, "AttachmentPageNumber", "1")
        add(row, "FileName", attachment.file_name)
        add(row, "FileType", attachment.content_type)
        add(row, "Content", attachment.data_base64)
        rows.append(row)
    return [node("Attachments", children=rows)]


def posting_data(ctx: Ctx) -> list[Element]:
    doc = ctx.document(POSTING_DATA)
    key = xmlin.integer(xmlin.value(doc.find("purchaseinvoicenetvisorkey")) or "", "key")
    invoice = ctx.company.purchase_invoices.get(key)
    if invoice is None:
        raise invalid(f"Purchase invoice not found with Netvisor identifier: {key}")
    if invoice.approval != "open":
        raise invalid(f"purchase invoice {key} is {invoice.approval}, not open")
    lines = doc.findall("purchaseinvoicepostingline")
    if lines:
        total = sum(
            (xmlin.decimal(xmlin.value(x.find("linesum")) or "", "linesum") for x in lines),
            Decimal(0),
        )
        if total != invoice.amount:
            raise invalid(f"the line sums {total} differ from the invoice total {invoice.amount}")
    status = xmlin.value(doc.find("status")) or "approved"
    if status not in ("approved", "accepted"):
        raise invalid(f"status: '{status}' is not one of approved|accepted")  # [assumed] values
    ready = xmlin.flag(xmlin.value(doc.find("isreadyforaccounting")) or "", "isreadyforaccounting")
    if ready and invoice.voucher is None:
        locked = ctx.company.locked_until
        if locked and invoice.invoice_date <= locked:
            raise NetvisorError(PERIOD_LOCK, "period", value=invoice.invoice_date.isoformat())
        invoice.voucher = ctx.company.next_key("voucher")
    invoice.approval, invoice.modified = status, ctx.now
    return []
