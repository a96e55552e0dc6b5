"""``salesinvoice.nv``: adding and editing sales invoices, orders and drafts (reference
netvisor.md §3 salesinvoice.nv, §8.1, §8.2 items 8-11, 17, 19 and 21).

* One invoice per request; ``?method=add`` or ``?method=edit&id=<NetvisorKey>``.
* Customer by ``invoicingcustomeridentifier@type``; unknown → INVALID_DATA. The billing address is
  copied from the customer register only when no billing-address element is sent.
* Number: given, or the next highest free number in the series of the ``secondname``; a given
  number already used in its series → DUPLICATE_DATA (switch). Drafts take no number and no
  voucher lines. Reference: given, or made from the number with a Finnish check digit.
* Total: a given non-zero total is kept even when it differs from the lines (NVD 77000578212);
  empty or 0 → computed from the lines. Rounded to 2 decimals.
* Status at import: ``open`` creates the sales voucher at once; ``unsent`` does not.
* No implicit dedupe: a second identical ``add`` makes a second invoice.
* Edit: an element sent empty clears the stored value; an element left out keeps it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from xml.etree.ElementTree import Element

from tilisilta.sandbox.common.references import finnish_reference

from . import invoicelines, xmlin
from .context import Ctx
from .errors import DUPLICATE_DATA, PERIOD_LOCK, NetvisorError, invalid
from .schema import SALES_INVOICE
from .state import Company, InvoiceLine, SalesInvoice
from .validate import one_of
from .xmlout import node

INVOICE_TYPES = ("invoice", "order", "invoicedraft")
STATUSES_BY_TYPE = {
    "invoice": ("open", "unsent"),
    "invoicedraft": ("open", "unsent"),
    "order": ("delivered", "undelivered"),
}
BILLING_ADDRESS = (
    "invoicingcustomername",
    "invoicingcustomernameextension",
    "invoicingcustomeraddressline",
    "invoicingcustomeradditionaladdressline",
    "invoicingcustomerpostnumber",
    "invoicingcustomertown",
    "invoicingcustomercountrycode",
)
_FROM_REGISTER = {
    "invoicingcustomername": "name",
    "invoicingcustomernameextension": "nameextension",
    "invoicingcustomeraddressline": "streetaddress",
    "invoicingcustomeradditionaladdressline": "additionaladdressline",
    "invoicingcustomerpostnumber": "postnumber",
    "invoicingcustomertown": "city",
    "invoicingcustomercountrycode": "country",
}


def handle(ctx: Ctx) -> list[Element]:
    method = (ctx.param("method") or "").lower()
    if method == "add":
        doc = ctx.document(SALES_INVOICE)
        invoice = _build(ctx, doc, None)
        ctx.company.sales_invoices[invoice.key] = invoice
        return [node("Replies", children=[node("InsertedDataIdentifier", str(invoice.key))])]
    if method == "edit":
        key = xmlin.integer(ctx.param("id") or "", "id")
        existing = ctx.company.sales_invoices.get(key)
        if existing is None:
            raise invalid(f"Sales invoice not found with Netvisor identifier: {key}")
        doc = ctx.document(SALES_INVOICE)
        ctx.company.sales_invoices[key] = _build(ctx, doc, existing)
        return []
    raise invalid("method must be add or edit")


def _merge(
    doc: Element, existing: SalesInvoice | None
) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """Header values and attributes: given ones replace, empty ones clear, omitted ones stay."""
    header = dict(existing.header) if existing else {}
    attrs = {k: dict(v) for k, v in existing.attrs.items()} if existing else {}
    for child in doc:
        if SALES_INVOICE.is_leaf(child.tag):
            text = xmlin.value(child) or ""
            if text:
                header[child.tag] = text
            else:
                header.pop(child.tag, None)
            attrs[child.tag] = dict(child.attrib)
    return header, attrs


def _build(ctx: Ctx, doc: Element, existing: SalesInvoice | None) -> SalesInvoice:
    company = ctx.company
    header, attrs = _merge(doc, existing)
    given_type = header.get("invoicetype")
    if existing is not None and existing.invoice_type == "invoicedraft" and given_type is None:
        given_type = "invoice"  # "edit turns it into an invoice" (§3)
    invoice_type = one_of(given_type or "invoice", INVOICE_TYPES, "invoicetype")
    status = one_of(
        header.get("salesinvoicestatus", ""), STATUSES_BY_TYPE[invoice_type], "salesinvoicestatus"
    )
    invoice_date = xmlin.ansi_date(header["salesinvoicedate"], "salesinvoicedate")
    for name in ("salesinvoiceeventdate", "salesinvoicevaluedate", "salesinvoicedeliverydate"):
        if name in header:
            xmlin.ansi_date(header[name], name)
    due_date = _due_date(header, invoice_date)
    if company.locked_until and invoice_date <= company.locked_until:
        raise NetvisorError(PERIOD_LOCK, "period", value=invoice_date.isoformat())
    customer_key = _customer(company, doc, existing)
    if not any(name in header for name in BILLING_ADDRESS) and existing is None:
        customer = company.customers[customer_key]
        for name, source in _FROM_REGISTER.items():
            if customer.get(source):
                header[name] = customer.get(source)
    lines_element = doc.find("invoicelines")
    assert lines_element is not None  # required by the schema
    lines = invoicelines.read_lines(company, lines_element)
    if invoice_type == "invoicedraft" and doc.find("invoicevoucherlines") is not None:
        raise invalid("invoicevoucherlines: a draft takes no voucher lines")
    _check_attachments(doc)
    for name in ("paymenttermnetdays", "paymenttermcashdiscountdays"):
        if name in header:
            xmlin.integer(header[name], name)
    amount_attrs = attrs.get("salesinvoiceamount", {})
    amount = _amount(header.get("salesinvoiceamount", ""), lines)
    number = _number(ctx, header, invoice_type, existing)
    reference = header.get("salesinvoicereferencenumber") or _reference(number, existing)
    voucher = existing.voucher if existing else None
    if voucher is None and status == "open" and invoice_type == "invoice":
        voucher = company.next_key("voucher")  # open at import: the voucher at once (§8.1)
    key = existing.key if existing else company.next_key("salesinvoice")
    invoice = SalesInvoice(
        key=key,
        header=header,
        attrs=attrs,
        lines=lines,
        number=number,
        reference=reference,
        invoice_type=invoice_type,
        status=status,
        substatus="",
        amount=amount,
        currency=amount_attrs.get("iso4217currencycode") or "EUR",
        customer_key=customer_key,
        invoice_date=invoice_date,
        due_date=due_date,
        voucher=voucher,
        created=existing.created if existing else ctx.now,
        modified=ctx.now,
        attachments=_attachments(doc),
    )
    if existing is not None:  # payments stay with the invoice
        invoice = replace(
            invoice,
            paid=existing.paid,
            payments_modified=existing.payments_modified,
            matched=existing.matched,
        )
    return invoice


def _due_date(header: dict[str, str], invoice_date: date) -> date:
    """The due date given, or the date plus the net days; one of them is required (NVD
    77000554152)."""
    if "salesinvoiceduedate" in header:
        return xmlin.ansi_date(header["salesinvoiceduedate"], "salesinvoiceduedate")
    if "paymenttermnetdays" in header:
        days = xmlin.integer(header["paymenttermnetdays"], "paymenttermnetdays")
        return invoice_date + timedelta(days=days)
    raise invalid("salesinvoiceduedate or paymenttermnetdays is required")


def _customer(company: Company, doc: Element, existing: SalesInvoice | None) -> int:
    element = doc.find("invoicingcustomeridentifier")
    assert element is not None
    kind, code = element.get("type", ""), xmlin.value(element) or ""
    customer = company.customer_by(kind, code)
    if customer is None:
        raise invalid(f"Customer not found with {kind} identifier: {code}")
    return customer.key


def _amount(raw: str, lines: list[InvoiceLine]) -> Decimal:
    given = xmlin.decimal(raw, "salesinvoiceamount") if raw else Decimal(0)
    if given == 0:
        return invoicelines.total(lines)  # empty or 0: Netvisor computes it (§8.1)
    return invoicelines.cents(given)


def _number(
    ctx: Ctx, header: dict[str, str], invoice_type: str, existing: SalesInvoice | None
) -> str | None:
    if invoice_type == "invoicedraft":
        header.pop("salesinvoicenumber", None)
        return None
    company = ctx.company
    series = header.get("secondname", "")
    series_key = f"{invoice_type}:{series}"
    given = header.get("salesinvoicenumber")
    if given:
        clash = [
            i
            for i in company.sales_invoices.values()
            if i.number == given
            and i.invoice_type == invoice_type
            and i.header.get("secondname", "") == series
            and (existing is None or i.key != existing.key)
        ]
        if clash and ctx.sb.switches.duplicate_number == "reject":
            raise NetvisorError(DUPLICATE_DATA, "duplicate", what="Invoice number", value=given)
        return given
    if existing is not None and existing.number:
        return existing.number
    if ctx.numbering is not None and series_key in ctx.numbering:
        return ctx.numbering[series_key]  # the number seen before waiting (racy switch)
    return next_number(company, invoice_type, series)


def next_number(company: Company, invoice_type: str, series: str) -> str:
    numbers = [
        int(i.number)
        for i in company.sales_invoices.values()
        if i.number
        and i.number.isdigit()
        and i.invoice_type == invoice_type
        and i.header.get("secondname", "") == series
    ]
    return str(max(numbers, default=0) + 1)


def _reference(number: str | None, existing: SalesInvoice | None) -> str:
    if existing is not None and existing.reference:
        return existing.reference
    if number and number.isdigit():
        return finnish_reference(int(number))
    return ""


def _check_attachments(doc: Element) -> None:
    for attachment in doc.iter("salesinvoiceattachment"):
        data = attachment.find("documentdata")
        if (
            data is not None
            and data.get("type") == "finvoice"
            and attachment.find("printbydefault") is not None
        ):
            raise invalid("printbydefault is not allowed with a finvoice attachment")


def _attachments(doc: Element) -> list[dict[str, str]]:
    return [
        {child.tag: xmlin.value(child) or "" for child in attachment}
        for attachment in doc.iter("salesinvoiceattachment")
    ]
