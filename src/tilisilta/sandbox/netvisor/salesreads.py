"""Reading sales invoices: ``getsalesinvoice.nv`` and ``salesinvoicelist.nv`` (reference
netvisor.md §3, §4, §8.1, §8.2 items 12, 13 and 18).

* getsalesinvoice: ``netvisorkey`` or ``netvisorkeylist`` (≤500, wrapped in ``SalesInvoices``);
  an unknown key is answered OK with an empty ``<SalesInvoice />``. Shape, casing and formats as
  HEL ``GetSalesInvoice.xml`` (``SalesInvoiceReferencenumber``, lower-case
  ``productidentifier``, the total with a dot, prices with four decimals, localized texts).
* salesinvoicelist: ≤500 rows ascending by NetvisorKey above ``invoicesabovenetvisorkey``;
  drafts only with ``listtype=draftandinvoice``, orders only with ``preinvoice``; both date
  bounds inclusive; ``invoicestatus`` matches the status or the substatus; ``lastmodified*``
  take a date or a date and time, and with ``includemodifiedpayments=1`` an invoice whose
  payments changed in the window is listed too.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element

from . import xmlin
from .context import Ctx
from .errors import invalid
from .state import SalesInvoice
from .xmlout import add, ansi, money, node, number, yes_no

MAX_KEYS = 500
PAGE = 500
LIST_STATUSES = [
    "open",
    "paid",
    "unsent",
    "creditloss",
    "rejected",
    "archived",
    "undelivered",
    "delivered",
    "billed",
    "overdue",
    "reminded",
    "requested",
    "collected",
]
LIST_TYPES = ("", "preinvoice", "draftandinvoice")

_STATUS_TEXT = {
    "open": ("Avoin", "Open", "Öppen"),
    "unsent": ("Lähettämätön", "Unsent", "Oskickad"),
    "paid": ("Maksettu", "Paid", "Betald"),
    "creditloss": ("Luottotappio", "Credit loss", "Kreditförlust"),
    "delivered": ("Toimitettu", "Delivered", "Levererad"),
    "undelivered": ("Toimittamaton", "Undelivered", "Ej levererad"),
    "draft": ("Luonnos", "Draft", "Utkast"),
}
_COUNTRIES = {
    "FI": ("Suomi", "Finland", "Finland"),
    "SE": ("Ruotsi", "Sweden", "Sverige"),
    "EE": ("Viro", "Estonia", "Estland"),
    "DE": ("Saksa", "Germany", "Tyskland"),
}
_LANG = {"FI": 0, "EN": 1, "SE": 2}


def substatus(ctx: Ctx, invoice: SalesInvoice) -> str:
    """The stored substatus, else ``overdue`` for an open invoice past its due date."""
    if invoice.substatus:
        return invoice.substatus
    if invoice.status == "open" and invoice.due_date and invoice.due_date < ctx.today:
        return "overdue"
    return ""


def get_sales_invoice(ctx: Ctx) -> list[Element]:
    ctx.reading()
    if "netvisorkeylist" in ctx.params:
        keys = ctx.keys("netvisorkeylist", MAX_KEYS)
        found = [ctx.company.sales_invoices.get(k) for k in keys]
        rows = [render(ctx, i) for i in found if i is not None]
        return [node("SalesInvoices", children=rows)]
    key = xmlin.integer(ctx.param("netvisorkey") or "", "netvisorkey")
    invoice = ctx.company.sales_invoices.get(key)
    return [render(ctx, invoice) if invoice else node("SalesInvoice")]


def render(ctx: Ctx, invoice: SalesInvoice) -> Element:
    h = invoice.header
    language = _LANG.get(ctx.language, 0)
    out = node("SalesInvoice")
    add(out, "SalesInvoiceNumber", invoice.number or "")
    add(out, "SalesInvoiceDate", ansi(invoice.invoice_date), format="ansi")
    for tag, name in (
        ("SalesInvoiceEventDate", "salesinvoiceeventdate"),
        ("SalesInvoiceDueDate", "salesinvoiceduedate"),
        ("SalesInvoiceValueDate", "salesinvoicevaluedate"),
        ("SalesInvoiceDeliveryDate", "salesinvoicedeliverydate"),
    ):
        day = h.get(name)
        if name == "salesinvoiceduedate":
            day = ansi(invoice.due_date)
        if day:
            add(out, tag, ansi(xmlin.ansi_date(day, name)), format="ansi")
    add(out, "SalesInvoiceReferencenumber", invoice.reference)
    rate = invoice.attrs.get("salesinvoiceamount", {}).get("currencyrate") or "1"
    amount = add(out, "SalesInvoiceAmount", money(invoice.amount).replace(",", "."))
    amount.set("iso4217currencycode", invoice.currency)
    amount.set("currencyrate", rate)
    if h.get("sellername") or h.get("selleridentifier"):
        add(out, "SellerIdentifier", h.get("sellername") or h.get("selleridentifier"), type="name")
    shown = "draft" if invoice.invoice_type == "invoicedraft" else invoice.status
    add(out, "InvoiceStatus", _STATUS_TEXT[shown][language], status=shown)
    for tag in (
        "FreeTextBeforeLines",
        "FreeTextAfterLines",
        "OurReference",
        "YourReference",
        "PrivateComment",
    ):
        add(out, f"SalesInvoice{tag}", h.get(f"salesinvoice{tag.lower()}", ""))
    add(out, "InvoicingCustomerName", h.get("invoicingcustomername", ""))
    add(out, "InvoicingCustomerAddressline", h.get("invoicingcustomeraddressline", ""))
    add(out, "InvoicingCustomerPostnumber", h.get("invoicingcustomerpostnumber", ""))
    add(out, "InvoicingCustomerTown", h.get("invoicingcustomertown", ""))
    country = h.get("invoicingcustomercountrycode", "FI")
    names = _COUNTRIES.get(country.upper())
    country_element = add(
        out, "InvoicingCustomerCountryCode", names[language] if names else country
    )
    country_element.set("ISO-3166", country)
    add(
        out, "MatchPartialPaymentsByDefault", yes_no(invoice.expects_partial_payments, ctx.language)
    )
    add(out, "DeliveryAddressName", h.get("deliveryaddressname", ""))
    add(out, "DeliveryAddressLine", h.get("deliveryaddressline", ""))
    add(out, "DeliveryAddressPostnumber", h.get("deliveryaddresspostnumber", ""))
    add(out, "DeliveryAddressTown", h.get("deliveryaddresstown", ""))
    delivery_country = h.get("deliveryaddresscountrycode", "")
    delivery_names = _COUNTRIES.get(delivery_country.upper())
    add(out, "DeliveryAddressCountryCode", delivery_names[1].upper() if delivery_names else "")
    add(out, "DeliveryMethod", h.get("deliverymethod", ""))
    add(out, "DeliveryTerm", h.get("deliveryterm", ""))
    if "paymenttermnetdays" in h:
        add(out, "PaymentTermNetDays", h["paymenttermnetdays"])
    if "paymenttermcashdiscountdays" in h:
        add(out, "PaymentTermCashDiscountDays", h["paymenttermcashdiscountdays"])
    if "paymenttermcashdiscount" in h:
        kind = invoice.attrs.get("paymenttermcashdiscount", {}).get("type", "percentage")
        add(out, "PaymentTermCashDiscount", h["paymenttermcashdiscount"], type=kind)
    out.append(_lines(ctx, invoice))
    return out


def _lines(ctx: Ctx, invoice: SalesInvoice) -> Element:
    lines = node("InvoiceLines")
    holder = add(lines, "InvoiceLine")  # HEL: every line inside one InvoiceLine
    comments = ctx.param("showcommentlines") == "1"
    for line in invoice.lines:
        if line.product_key is None:
            if comments:
                comment = add(holder, "SalesInvoiceCommentLine")
                add(comment, "Comment", line.comment)
            continue
        row = add(holder, "SalesInvoiceProductLine")
        add(row, "productidentifier", line.identifier, type=line.identifier_type)
        add(row, "ProductName", line.name)
        add(row, "ProductUnitPrice", money(line.unit_price, 4))
        vat = add(row, "ProductVatPercentage", number(line.vat_percent))
        if line.vat_code:
            vat.set("vatcode", line.vat_code)
        add(row, "SalesInvoiceProductLineQuantity", number(line.quantity))
        add(row, "SalesInvoiceProductLineDiscountPercentage", number(line.discount))
        add(row, "SalesInvoiceProductLineFreeText", line.free_text)
        add(row, "SalesInvoiceProductLineVatSum", money(line.vat))
        add(row, "SalesInvoiceProductLineSum", money(line.gross))
        add(row, "AccountingAccountSuggestion", line.account)
    return lines


def sales_invoice_list(ctx: Ctx) -> list[Element]:
    ctx.reading()
    p = ctx.param
    list_type = (p("listtype") or "").lower()
    if list_type not in LIST_TYPES:
        raise invalid(f"listtype: '{list_type}' is not one of preinvoice|draftandinvoice")
    status = p("invoicestatus")
    if status is not None and status not in LIST_STATUSES:
        raise invalid(f"invoicestatus: '{status}' is not one of {'|'.join(LIST_STATUSES)}")
    if p("replyoption") not in (None, "1", "2", "3"):
        raise invalid("replyoption must be 1, 2 or 3")
    above = xmlin.integer(p("invoicesabovenetvisorkey") or "0", "invoicesabovenetvisorkey")
    begin, end = ctx.day("begininvoicedate"), ctx.day("endinvoicedate")
    start, stop = ctx.moment("lastmodifiedstart"), ctx.moment("lastmodifiedend")
    with_payments = p("includemodifiedpayments") == "1"
    customer_key = p("customernetvisorkey")
    customers = ctx.company.customers

    def in_window(moment: object) -> bool:
        if moment is None:
            return False
        local = ctx.local(moment)  # type: ignore[arg-type]
        return (start is None or local >= start) and (stop is None or local <= stop)

    def wanted(i: SalesInvoice) -> bool:
        kinds = {"": ("invoice",), "preinvoice": ("order",)}.get(
            list_type, ("invoice", "invoicedraft")
        )
        customer = customers.get(i.customer_key)
        checks = (
            i.key > above,
            i.invoice_type in kinds,
            begin is None or i.invoice_date >= begin,
            end is None or i.invoice_date <= end,
            p("invoicenumber") is None or i.number == p("invoicenumber"),
            status is None or status in (i.status, substatus(ctx, i)),
            (start is None and stop is None)
            or in_window(i.modified)
            or (with_payments and in_window(i.payments_modified)),
            p("customercode") is None
            or (customer is not None and customer.code == p("customercode")),
            customer_key is None or str(i.customer_key) == customer_key,
            p("secondname") is None or i.header.get("secondname") == p("secondname"),
            p("secondnamenetvisorkey") is None
            or i.header.get("secondname") == p("secondnamenetvisorkey"),
            p("invoicingcustomercountrycode") is None
            or i.header.get("invoicingcustomercountrycode") == p("invoicingcustomercountrycode"),
            p("salesinvoicebatchid") is None,  # no batches are ever made here
        )
        return all(checks)

    chosen = sorted(
        (i for i in ctx.company.sales_invoices.values() if wanted(i)), key=lambda i: i.key
    )
    return ctx.listing("SalesInvoiceList", [_row(ctx, i) for i in chosen[:PAGE]])


def _row(ctx: Ctx, invoice: SalesInvoice) -> Element:
    customer = ctx.company.customers.get(invoice.customer_key)
    row = node("SalesInvoice")
    add(row, "NetvisorKey", str(invoice.key))
    add(row, "InvoiceNumber", invoice.number or "")
    add(row, "Invoicedate", ansi(invoice.invoice_date), format="ansi")
    add(row, "InvoiceDueDate", ansi(invoice.due_date), format="ansi")
    status = add(row, "InvoiceStatus", invoice.status)
    sub = substatus(ctx, invoice)
    if sub:
        status.set("substatus", sub)
    if sub == "collected":
        status.set("isincollection", "1")
    add(row, "CustomerNetvisorKey", str(invoice.customer_key))
    add(row, "CustomerCode", customer.code if customer else "")
    add(
        row,
        "CustomerName",
        invoice.header.get("invoicingcustomername") or (customer.name if customer else ""),
    )
    add(row, "ReferenceNumber", invoice.reference)
    add(row, "InvoiceSum", money(invoice.amount))
    add(row, "OpenSum", money(invoice.open_sum))
    add(row, "Uri", f"{ctx.base}/getsalesinvoice.nv?netvisorkey={invoice.key}")
    return row
