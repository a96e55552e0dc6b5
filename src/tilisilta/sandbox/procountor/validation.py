"""Validation of ``POST/PUT /invoices`` payloads, as strict as Procountor and listing every problem
at once. Field paths follow the JSON: ``invoiceRows[1].vatPercent``."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from ..common.references import compact, is_finnish_reference, is_rf_reference
from . import checks as c
from . import enums
from . import errors as e
from .errors import ValidationErrors
from .known_fields import unknown_invoice_fields
from .state import SandboxCompany

ZERO = Decimal(0)
HUNDRED = Decimal(100)
MAX_PAYMENT_TERM_DAYS = 999
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def validate_invoice(payload: dict[str, Any], company: SandboxCompany) -> ValidationErrors:
    errs = ValidationErrors()
    unknown_invoice_fields(errs, payload)
    kind = c.enum(errs, payload, "type", "", enums.INVOICE_TYPES, required=True)
    if kind is not None and kind not in enums.SANDBOX_INVOICE_TYPES:
        errs.add("type", e.INVOICE_TYPE_NOT_SUPPORTED)
    sales = kind in enums.SALES_TYPES or kind is None

    partner_id = c.integer(errs, payload, "partnerId", "")
    if partner_id is not None and partner_id not in company.partners:
        errs.add("partnerId", e.PARTNER_NOT_FOUND)

    bill_date = c.day(errs, payload, "date", "", required=True)
    if bill_date is not None:
        check_posting_date(errs, company, bill_date, "date")

    counter_party = c.obj(errs, payload, "counterParty", "", required=True)
    cp_address = None
    if counter_party is not None:
        cp_address = _counter_party(errs, counter_party, company)
    billing = _optional_address(errs, payload, "billingAddress")
    _optional_address(errs, payload, "deliveryAddress")

    payment = c.obj(errs, payload, "paymentInfo", "", required=True)
    due_date = None
    if payment is not None:
        due_date = _payment_info(errs, payment, company, sales)
    if bill_date is not None and due_date is not None:
        if due_date < bill_date:
            errs.add("paymentInfo.dueDate", e.DUE_DATE_BEFORE_BILL_DATE)
        elif (due_date - bill_date).days > MAX_PAYMENT_TERM_DAYS:
            errs.add("paymentInfo.dueDate", e.PAYMENT_TERM_TOO_LONG)

    extra = c.obj(errs, payload, "extraInfo", "", required=True)
    if extra is not None:
        c.boolean(errs, extra, "accountingByRow", "extraInfo", required=True)
        c.boolean(errs, extra, "unitPricesIncludeVat", "extraInfo", required=True)

    c.number(errs, payload, "discountPercent", "", required=True, minimum=ZERO, maximum=HUNDRED)
    _rows(errs, payload, company)

    channel = c.enum(errs, payload, "invoiceChannel", "", enums.INVOICE_CHANNELS, required=True)
    if channel in enums.INVOICE_CHANNELS_READ_ONLY:
        errs.add("invoiceChannel", e.INVOICE_CHANNEL_NOT_ALLOWED)
        channel = None
    vat_status = c.integer(errs, payload, "vatStatus", "", required=True)
    if vat_status is not None:
        check_vat_status(errs, company, vat_status, "vatStatus")
    c.enum(errs, payload, "language", "", enums.LANGUAGES, required=sales)

    _simple_fields(errs, payload, sales)
    if counter_party is not None and cp_address is not None and channel is not None:
        _channel_rules(errs, channel, counter_party, cp_address, billing, payload, company)
    c.windows_1252(errs, payload)
    return errs


def check_posting_date(
    errs: ValidationErrors, company: SandboxCompany, day: date, field: str
) -> None:
    period = company.period_for(day)
    if period is None:
        errs.add(field, e.DATE_NOT_IN_FISCAL_YEAR)
    elif period.status == "CLOSED":
        # Our code: Procountor refuses such a date with 400 but its code is undocumented.
        errs.add(field, e.DATE_IN_CLOSED_PERIOD)


def check_vat_status(
    errs: ValidationErrors, company: SandboxCompany, code: int, field: str, sales: bool = True
) -> None:
    status = company.vat_statuses.get(code)
    if status is None or not (status.sales if sales else status.purchase):
        errs.add(field, e.VAT_STATUS_NOT_ALLOWED)


def check_address(
    errs: ValidationErrors, address: dict[str, Any], path: str, name_required: bool
) -> None:
    c.string(errs, address, "name", path, required=name_required, max_len=80, blank_is_missing=True)
    c.string(errs, address, "specifier", path, max_len=80)
    c.string(errs, address, "street", path, max_len=80)
    c.string(errs, address, "zip", path, max_len=20)
    c.string(errs, address, "city", path, max_len=40)
    c.string(errs, address, "subdivision", path, max_len=35)
    c.enum(errs, address, "country", path, enums.COUNTRIES)


def _counter_party(
    errs: ValidationErrors, counter_party: dict[str, Any], company: SandboxCompany
) -> dict[str, Any] | None:
    path = "counterParty"
    c.string(errs, counter_party, "contactPersonName", path, max_len=28)
    c.string(errs, counter_party, "identifier", path)
    c.string(errs, counter_party, "taxCode", path)
    c.string(errs, counter_party, "customerNumber", path)
    email = c.string(errs, counter_party, "email", path)
    if email and not _EMAIL.match(email):
        errs.add("counterParty.email", e.INVALID_EMAIL)
    c.obj(errs, counter_party, "bankAccount", path)
    einvoice = c.obj(errs, counter_party, "einvoiceAddress", path)
    if einvoice is not None:
        where = "counterParty.einvoiceAddress"
        c.string(errs, einvoice, "operator", where)
        c.string(errs, einvoice, "address", where)
        edi_id = c.string(errs, einvoice, "ediId", where)
        if edi_id and company.country != "FINLAND":
            errs.add(f"{where}.ediId", e.OVT_NOT_ALLOWED)
    address = c.obj(errs, counter_party, "counterPartyAddress", path, required=True)
    if address is not None:
        check_address(errs, address, "counterParty.counterPartyAddress", name_required=True)
    return address


def _optional_address(
    errs: ValidationErrors, payload: dict[str, Any], key: str
) -> dict[str, Any] | None:
    """Omitted: defaults to the counterparty address. ``{}``: explicitly none."""
    if key not in payload:
        return None
    address = c.obj(errs, payload, key, "")
    if address:
        check_address(errs, address, key, name_required=True)
    return address


def _payment_info(
    errs: ValidationErrors, payment: dict[str, Any], company: SandboxCompany, sales: bool
) -> date | None:
    path = "paymentInfo"
    method = payment.get("paymentMethod")
    if method == "DIRECT_DEBIT" or method in enums.INVOICE_PAYMENT_METHODS_READ_ONLY:
        errs.add("paymentInfo.paymentMethod", e.PAYMENT_METHOD_NOT_ALLOWED)
    else:
        c.enum(errs, payment, "paymentMethod", path, enums.INVOICE_PAYMENT_METHODS, required=True)
    currency = c.enum(errs, payment, "currency", path, enums.CURRENCIES, required=True)
    due_date = c.day(errs, payment, "dueDate", path, required=True)
    rate = c.number(
        errs,
        payment,
        "currencyRate",
        path,
        required=True,
        minimum=ZERO,
        exclusive_minimum=True,
        maximum=Decimal(1_000_000),
    )
    if rate is not None and currency == company.currency and rate != 1:
        errs.add("paymentInfo.currencyRate", e.CURRENCY_RATE_MUST_BE_ONE)
    c.number(errs, payment, "paymentTermPercentage", path, minimum=ZERO, maximum=HUNDRED)
    c.string(errs, payment, "clearingCode", path, max_len=50)
    bank_account = c.obj(errs, payment, "bankAccount", path)
    if bank_account is not None:
        where = "paymentInfo.bankAccount"
        number = c.string(errs, bank_account, "accountNumber", where)
        if number is not None and number not in company.ibans:
            errs.add(f"{where}.accountNumber", e.BANK_ACCOUNT_NOT_FOUND)
        bic = c.string(errs, bank_account, "bic", where)
        if bic and sales:
            errs.add(f"{where}.bic", e.BIC_NOT_ALLOWED)
    cash_discount = c.obj(errs, payment, "cashDiscount", path)
    if cash_discount is not None:
        options = cash_discount.get("optionList")
        # 26.04 spec: "Up to three … any additional values entered will be ignored" (the
        # invoice keeps the first three), so more is no error.
        if options is not None and not isinstance(options, list):
            errs.add("paymentInfo.cashDiscount.optionList", e.INVALID_VALUE)
    _bank_reference(errs, payment, company)
    return due_date


def _bank_reference(
    errs: ValidationErrors, payment: dict[str, Any], company: SandboxCompany
) -> None:
    path = "paymentInfo"
    ref_type = c.enum(errs, payment, "bankReferenceCodeType", path, enums.BANK_REFERENCE_CODE_TYPES)
    allowed = enums.BANK_REFERENCE_CODE_TYPES_BY_COUNTRY.get(company.country, frozenset({"RF"}))
    if ref_type is not None and ref_type not in allowed:
        errs.add("paymentInfo.bankReferenceCodeType", e.BANK_REFERENCE_CODE_TYPE_NOT_ALLOWED)
        return
    code = c.string(errs, payment, "bankReferenceCode", path)
    if not code:
        return  # absent: no reference; "": one is generated
    where = "paymentInfo.bankReferenceCode"
    if ref_type == "RF" or (ref_type is None and compact(code).startswith("RF")):
        valid = is_rf_reference(code)
    elif ref_type in (None, "FI"):
        valid = is_finnish_reference(code)
    else:
        valid = True  # other national schemes are not checked here
    if not valid:
        errs.add(where, e.INVALID_BANK_REFERENCE_CODE)


def _rows(errs: ValidationErrors, payload: dict[str, Any], company: SandboxCompany) -> None:
    rows = payload.get("invoiceRows")
    if rows is None:
        errs.add("invoiceRows", e.REQUIRED)
        return
    if not isinstance(rows, list):
        errs.add("invoiceRows", e.INVALID_TYPE)
        return
    if not rows:
        errs.add("invoiceRows", e.AT_LEAST_ONE_ROW_REQUIRED)
    for index, row in enumerate(rows):
        path = f"invoiceRows[{index}]"
        if not isinstance(row, dict):
            errs.add(path, e.INVALID_TYPE)
            continue
        product_id = c.integer(errs, row, "productId", path)
        if product_id is not None and product_id not in company.products:
            errs.add(f"{path}.productId", e.PRODUCT_NOT_FOUND)
        c.string(errs, row, "product", path, required=True, min_len=1)
        c.string(errs, row, "productCode", path, max_len=40)
        c.number(errs, row, "quantity", path, required=True)
        c.enum(errs, row, "unit", path, enums.UNITS, required=True)
        c.number(errs, row, "unitPrice", path, required=True)
        c.number(errs, row, "discountPercent", path, required=True, minimum=ZERO, maximum=HUNDRED)
        percent = c.number(errs, row, "vatPercent", path, required=True)
        if percent is not None and not company.vat_percent_in_use(percent):
            errs.add(f"{path}.vatPercent", e.VAT_PERCENT_NOT_IN_USE)
        status = c.integer(errs, row, "vatStatus", path)
        if status is not None:
            check_vat_status(errs, company, status, f"{path}.vatStatus")
        for key in ("comment", "headerText", "explanationText"):
            c.string(errs, row, key, path, max_len=512)
        c.day(errs, row, "startDate", path)
        c.day(errs, row, "endDate", path)


def _simple_fields(errs: ValidationErrors, payload: dict[str, Any], sales: bool) -> None:
    c.string(errs, payload, "orderReference", "", max_len=70)
    c.string(errs, payload, "originalInvoiceNumber", "", max_len=40)
    c.string(errs, payload, "buyerReferenceIdentifier", "", max_len=70)
    c.string(errs, payload, "additionalInformation", "", max_len=10_000)
    c.string(errs, payload, "notes", "", max_len=10_000)
    c.string(errs, payload, "deliveryInstructions", "", max_len=255)
    for key in ("orderNumber", "agreementNumber", "accountingCode", "deliverySite"):
        c.string(errs, payload, key, "")
    c.string(errs, payload, "tenderReference", "")
    method = c.enum(errs, payload, "deliveryMethod", "", enums.DELIVERY_METHODS)
    if method == "OTHER" and sales:
        errs.add("deliveryMethod", e.INVALID_VALUE)  # sales documents do not support OTHER
    c.day(errs, payload, "deliveryStartDate", "")
    c.day(errs, payload, "deliveryEndDate", "")
    c.number(errs, payload, "penaltyPercent", "", minimum=ZERO)
    c.integer(errs, payload, "invoiceTemplateId", "")
    c.enum(errs, payload, "vatCountry", "", enums.COUNTRIES)


def _has(address: dict[str, Any] | None, key: str) -> bool:
    value = (address or {}).get(key)
    return isinstance(value, str) and bool(value.strip())


def _channel_rules(
    errs: ValidationErrors,
    channel: str,
    counter_party: dict[str, Any],
    cp_address: dict[str, Any],
    billing: dict[str, Any] | None,
    payload: dict[str, Any],
    company: SandboxCompany,
) -> None:
    cp_path = "counterParty.counterPartyAddress"
    # An omitted billingAddress defaults to the counterparty address; {} means none.
    billing_address = cp_address if "billingAddress" not in payload else billing
    if channel == "EMAIL" and not _has(counter_party, "email"):
        errs.add("counterParty.email", e.REQUIRED_FOR_INVOICE_CHANNEL)
    elif channel == "MAIL":
        for key in ("street", "zip", "city"):
            if not (_has(billing_address, key) or _has(cp_address, key)):
                errs.add(f"{cp_path}.{key}", e.REQUIRED_FOR_INVOICE_CHANNEL)
    elif channel == "ELECTRONIC_INVOICE":
        for key in ("street", "zip", "city"):
            if not _has(cp_address, key):
                errs.add(f"{cp_path}.{key}", e.REQUIRED_FOR_INVOICE_CHANNEL)
            if not _has(billing_address, key):
                errs.add(f"billingAddress.{key}", e.REQUIRED_FOR_INVOICE_CHANNEL)
        einvoice = counter_party.get("einvoiceAddress")
        einvoice = einvoice if isinstance(einvoice, dict) else {}
        where = "counterParty.einvoiceAddress"
        if not _has(einvoice, "address"):
            errs.add(f"{where}.address", e.REQUIRED_FOR_INVOICE_CHANNEL)
        country = cp_address.get("country") or company.country
        if country == "FINLAND" and not _has(einvoice, "operator"):
            errs.add(f"{where}.operator", e.REQUIRED_FOR_INVOICE_CHANNEL)
