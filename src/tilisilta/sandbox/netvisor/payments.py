"""Sales payments: ``salespayment.nv`` (import) and ``salespaymentlist.nv`` (reading), and the
bank's own payments the admin API seeds (reference netvisor.md §3, §8.1, §8.2 items 10, 14, 17).

Targeting (NVD 77000554172): the invoice must already exist (a payment is never kept to be
targeted later); nothing is targeted to a paid invoice; an unsent invoice takes payments only
with ``expectpartialpayments``; without it the sum must settle the invoice within its cash
discount; full coverage makes the invoice paid. A negative sum is refused on import [assumed:
unknown whether Netvisor takes one], but the bank's negative rows (refunds; seed 004) can be
seeded and are listed. salespaymentlist dates are Finnish ``d.M.yyyy``.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from xml.etree.ElementTree import Element

from . import xmlin
from .context import Ctx
from .errors import PERIOD_LOCK, NetvisorError, invalid
from .invoicelines import cents
from .invoicestatus import settle
from .schema import SALES_PAYMENT
from .state import Company, SalesInvoice, SalesPayment
from .xmlout import add, finnish, money, node

PAYMENT_METHODS = ("alternative", "bankaccount")


def find_target(company: Company, kind: str, value: str) -> SalesInvoice | None:
    for invoice in company.sales_invoices.values():
        if invoice.invoice_type == "invoicedraft":
            continue
        if kind == "netvisor" and str(invoice.key) == value:
            return invoice
        if kind == "invoicenumber" and invoice.number == value:
            return invoice
        if kind == "reference" and invoice.reference and invoice.reference == value:
            return invoice
    return None


def import_payment(ctx: Ctx) -> list[Element]:
    doc = ctx.document(SALES_PAYMENT)
    company = ctx.company
    sum_element = doc.find("sum")
    assert sum_element is not None
    amount = cents(xmlin.decimal(xmlin.value(sum_element) or "", "sum"))
    if amount <= 0:
        raise invalid(f"sum: {amount} must be positive")
    day = xmlin.ansi_date(xmlin.value(doc.find("paymentdate")) or "", "paymentdate")
    if company.locked_until and day <= company.locked_until:
        raise NetvisorError(PERIOD_LOCK, "period", value=day.isoformat())
    method = doc.find("paymentmethod")
    assert method is not None
    if method.get("type") not in PAYMENT_METHODS:
        raise invalid(f'paymentmethod type="{method.get("type")}" is not alternative|bankaccount')
    target = doc.find("targetidentifier")
    assert target is not None
    kind, value = target.get("type", ""), xmlin.value(target) or ""
    invoice = find_target(company, kind, value)
    if invoice is None:
        raise invalid(f"Payment target not found with {kind} identifier: {value}")
    if (target.get("targettype") or "invoice") != (
        "order" if invoice.invoice_type == "order" else "invoice"
    ):
        raise invalid(f"targettype does not match the target {value}")
    if invoice.status == "paid":
        raise invalid(f"invoice {invoice.number or invoice.key} is already paid")
    if invoice.status == "unsent" and not invoice.expects_partial_payments:
        raise invalid(
            f"invoice {invoice.number or invoice.key} is unsent: "
            "payments need expectpartialpayments"
        )
    currency = sum_element.get("currency") or "EUR"
    if currency != invoice.currency:
        raise invalid(
            f"sum currency {currency} differs from the invoice currency {invoice.currency}"
        )
    if not invoice.expects_partial_payments:
        low = invoice.open_sum - _cash_discount(invoice)
        if not low <= amount <= invoice.open_sum:
            raise invalid(
                f"sum {amount} does not settle invoice {invoice.number or invoice.key} "
                f"(open {invoice.open_sum}); partial payments are not expected"
            )
    elif amount > invoice.open_sum:
        raise invalid(f"sum {amount} is more than the open sum {invoice.open_sum}")
    payment = record(
        company,
        invoice,
        amount=amount,
        day=day,
        name=xmlin.value(doc.find("sourcename")) or "",
        now=ctx.now,
        method=xmlin.value(method) or "",
        currency=currency,
    )
    return [node("Replies", children=[node("InsertedDataIdentifier", str(payment.key))])]


def _cash_discount(invoice: SalesInvoice) -> Decimal:
    raw = invoice.header.get("paymenttermcashdiscount")
    if not raw:
        return Decimal(0)
    value = xmlin.decimal(raw, "paymenttermcashdiscount")
    if invoice.attrs.get("paymenttermcashdiscount", {}).get("type") == "sum":
        return value
    return cents(invoice.open_sum * value / 100)


def record(
    company: Company,
    invoice: SalesInvoice | None,
    *,
    amount: Decimal,
    day: date,
    name: str,
    now: datetime,
    method: str = "",
    currency: str = "EUR",
    reference: str | None = None,
    bank_status: str = "OK",
    bank_error: tuple[str, str] | None = None,
) -> SalesPayment:
    """Keep a payment and apply it to its invoice, if any (the bank's and the API's alike)."""
    payment = SalesPayment(
        key=company.next_key("salespayment"),
        name=name,
        payment_date=day,
        amount=amount,
        reference=reference if reference is not None else (invoice.reference if invoice else ""),
        invoice_key=invoice.key if invoice else None,
        invoice_number=(invoice.number or "") if invoice else "",
        currency=currency,
        voucher=company.next_key("voucher"),
        modified=now,
        bank_status=bank_status,
        bank_error=bank_error,
        payment_method=method,
    )
    company.payments[payment.key] = payment
    if invoice is not None:
        settle(invoice, amount, now)
    return payment


def payment_list(ctx: Ctx) -> list[Element]:
    ctx.reading()
    p = ctx.param
    above = xmlin.integer(p("abovenetvisorkey") or "0", "abovenetvisorkey")
    begin, end = ctx.day("begindate"), ctx.day("enddate")
    start, stop = ctx.moment("lastmodifiedstart"), ctx.moment("lastmodifiedend")
    linked = p("limitlinkedpayments")
    if linked not in (None, "0", "1"):
        raise invalid("limitlinkedpayments must be 0 or 1")
    by_type = p("limitbytype")
    if by_type not in (None, "onlycreditloss", "excludecreditloss"):
        raise invalid("limitbytype must be onlycreditloss or excludecreditloss")
    name = (p("searchbyname") or "").lower()
    invoice_key = p("invoicenetvisorkey")

    def wanted(payment: SalesPayment) -> bool:
        modified = ctx.local(payment.modified)
        checks = (
            payment.key > above,
            begin is None or payment.payment_date >= begin,
            end is None or payment.payment_date <= end,
            start is None or modified >= start,
            stop is None or modified <= stop,
            linked != "1" or payment.invoice_key is not None,
            by_type != "onlycreditloss",  # no credit-loss payments are ever made here
            not name or name in payment.name.lower(),
            invoice_key is None or str(payment.invoice_key) == invoice_key,
            p("invoicenumber") is None or payment.invoice_number == p("invoicenumber"),
        )
        return all(checks)

    chosen = sorted((x for x in ctx.company.payments.values() if wanted(x)), key=lambda x: x.key)
    return ctx.listing("SalesPaymentList", [_row(ctx, x) for x in chosen])


def _row(ctx: Ctx, payment: SalesPayment) -> Element:
    row = node("SalesPayment")
    add(row, "NetvisorKey", str(payment.key))
    add(row, "Name", payment.name)
    add(row, "Date", finnish(payment.payment_date))
    add(row, "Sum", money(payment.amount))
    add(row, "ReferenceNumber", payment.reference)
    add(row, "ForeignCurrencyAmount", money(payment.amount) if payment.currency != "EUR" else None)
    add(row, "InvoiceNumber", payment.invoice_number)
    add(row, "VoucherID", str(payment.voucher or ""))
    stamp = ctx.local(payment.modified)
    add(row, "LastModifiedTimestamp", stamp.strftime("%Y-%m-%dT%H:%M:%S"))
    add(row, "PaymentAccountNumber", ctx.company.bank_account)
    add(row, "BankStatus", payment.bank_status)
    if payment.bank_error:
        add(row, "BankStatusErrorDescription", payment.bank_error[1], code=payment.bank_error[0])
    return row
