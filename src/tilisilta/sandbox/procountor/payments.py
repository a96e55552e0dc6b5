"""Payment events of sales invoices: reading them, marking an invoice paid, and the bank-side
test hooks (an allocation, a reversal) that only Procountor itself can cause.

Amounts follow Procountor's PaymentEvent: ``paidAmount``/``paidCurrency`` are in the invoice's
currency, ``amount``/``currency`` in the company's accounting currency (converted with the
invoice's ``currencyRate``). The invoice status follows the sum of ``paidAmount`` against the
invoice total: PARTLY_PAID below it, PAID (bank allocation) or MARKED_PAID (manual) at or above
it, and back to the status it had before its first payment when the sum returns to zero.
Every change bumps the invoice ``version`` (and syncs its ledger receipt's status).
"""

from __future__ import annotations

import copy
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from starlette.datastructures import QueryParams

from . import checks as c
from . import enums, ledger, paging
from . import errors as e
from .errors import ApiError, ValidationErrors
from .invoices import find
from .money import round2, to_accounting
from .state import SandboxCompany, next_version
from .validation import check_posting_date

#: Statuses in which an invoice accepts a payment (it has been approved and is not settled).
PAYABLE = frozenset({"NOT_SENT", "APPROVED", "SENT", "PARTLY_PAID"})
SETTLED = frozenset({"PAID", "MARKED_PAID"})
#: Invoice types the sandbox takes payments for (it holds sales documents only, and orders are
#: not paid).
PAYABLE_TYPES = frozenset({"SALES_INVOICE"})
MAX_DESCRIPTION = 140

_EVENT_FIELDS = (
    "id",
    "invoiceId",
    "type",
    "paymentDate",
    "status",
    "amount",
    "currency",
    "paidAmount",
    "paidCurrency",
    "description",
)


def render(event: dict[str, Any]) -> dict[str, Any]:
    return {k: copy.deepcopy(event[k]) for k in _EVENT_FIELDS}


def _event_id(event: dict[str, Any]) -> int:
    return int(event["id"])


def _page(events: list[dict[str, Any]], query: QueryParams) -> dict[str, Any]:
    """Standard paging, ordered by event id ascending unless ``orderById`` says otherwise."""
    return paging.paginate(
        events, query, {"orderById": _event_id}, _event_id, render, default_descending=False
    )


# --- reading -------------------------------------------------------------------------------


def events_of(company: SandboxCompany, invoice_id: int) -> list[dict[str, Any]]:
    return [ev for ev in company.payment_events.values() if ev["invoiceId"] == invoice_id]


def invoice_events(company: SandboxCompany, invoice_id: int, query: QueryParams) -> dict[str, Any]:
    """``GET /invoices/{id}/paymentevents``."""
    find(company, invoice_id)
    return _page(events_of(company, invoice_id), query)


def invoice_event(company: SandboxCompany, invoice_id: int, event_id: int) -> dict[str, Any]:
    """``GET /invoices/{id}/paymentevents/{eventId}``."""
    find(company, invoice_id)
    event = company.payment_events.get(event_id)
    if event is None or event["invoiceId"] != invoice_id:
        raise ApiError(404, e.NOT_FOUND)
    return render(event)


#: What the bulk read answers: basic payment transactions, with no type, currency or
#: description (26.04 spec, GET /payments/paymentevents → PaymentSearchResult of
#: BasicPaymentTransactionData; COMPARISON.md §10).
_BASIC_FIELDS = ("id", "invoiceId", "paymentDate", "amount", "status", "paidAmount", "paidCurrency")


def _basic(event: dict[str, Any]) -> dict[str, Any]:
    basic = {k: copy.deepcopy(event[k]) for k in _BASIC_FIELDS}
    basic.update(receiverName=event.get("receiverName", ""), serviceCharge="0.00")
    return basic


def search(company: SandboxCompany, query: QueryParams) -> dict[str, Any]:
    """``GET /payments/paymentevents?invoiceId=a,b,...``: the payments of up to 200 invoices,
    as basic payment transactions. Ids the company does not have simply match nothing."""
    raw = [part.strip() for value in query.getlist("invoiceId") for part in value.split(",")]
    raw = [part for part in raw if part]
    if not raw:
        raise ApiError(400, e.REQUIRED, field="invoiceId")
    if len(raw) > paging.MAX_BATCH_IDS:
        raise ApiError(400, e.TOO_MANY_IDS, field="invoiceId")
    if not all(part.isdigit() for part in raw):
        raise ApiError(400, e.INVALID_VALUE, field="invoiceId")
    wanted = {int(part) for part in raw}
    events = [ev for ev in company.payment_events.values() if ev["invoiceId"] in wanted]
    return paging.paginate(
        events, query, {"orderById": _event_id}, _event_id, _basic, default_descending=False
    )


def paid_sum(company: SandboxCompany, invoice_id: int) -> Decimal:
    return sum((Decimal(ev["paidAmount"]) for ev in events_of(company, invoice_id)), Decimal("0"))


def invoice_total(invoice: dict[str, Any]) -> Decimal:
    """The gross total in the invoice's own currency (the first ``invoiceSumInfo`` entry)."""
    return Decimal(invoice["invoiceSumInfo"][0]["invoiceSumTotal"])


# --- writing -------------------------------------------------------------------------------


def mark_paid(
    company: SandboxCompany, invoice_id: int, payload: Any, now: datetime
) -> dict[str, Any]:
    """``PUT /invoices/{id}/paymentevents/markpaid``: a MARKED_PAID event."""
    invoice = _payable(company, invoice_id)
    if not isinstance(payload, dict):
        raise ApiError(400, e.INVALID_JSON)
    errs = ValidationErrors()
    day = c.day(errs, payload, "paymentDate", "", required=True)
    if day is not None:
        check_posting_date(errs, company, day, "paymentDate")
    amount = c.number(errs, payload, "amount", "", required=True)
    if amount is not None:
        _check_amount(errs, company, invoice, amount, "amount")
    currency = c.enum(errs, payload, "currency", "", enums.CURRENCIES, required=True)
    if currency is not None and currency != invoice["paymentInfo"]["currency"]:
        errs.add("currency", e.CURRENCY_MISMATCH)
    description = c.string(errs, payload, "description", "", max_len=MAX_DESCRIPTION)
    method = c.enum(
        errs, payload, "paymentMethodType", "", enums.MARK_PAID_METHOD_EVENT_TYPES.keys()
    )
    c.windows_1252(errs, payload)
    errs.raise_if_any()
    assert day is not None and amount is not None
    kind = enums.MARK_PAID_METHOD_EVENT_TYPES.get(method or "", enums.MARK_PAID_DEFAULT_EVENT_TYPE)
    return _record(
        company,
        invoice,
        kind=kind,
        status="MARKED_PAID",
        paid_amount=amount,
        day=day,
        description=description or "",
        settled_status="MARKED_PAID",
        now=now,
    )


def allocate(
    company: SandboxCompany,
    invoice_id: int,
    amount: Decimal,
    day: date,
    kind: str,
    now: datetime,
) -> dict[str, Any]:
    """A bank allocation (reference payment, bank statement...): a PAID event."""
    invoice = _payable(company, invoice_id)
    errs = ValidationErrors()
    if kind not in enums.PAYMENT_EVENT_TYPES:
        errs.add("type", e.INVALID_VALUE)
    _check_amount(errs, company, invoice, amount, "amount")
    check_posting_date(errs, company, day, "date")
    errs.raise_if_any()
    return _record(
        company,
        invoice,
        kind=kind,
        status="PAID",
        paid_amount=amount,
        day=day,
        description="",
        settled_status="PAID",
        now=now,
    )


def reverse(
    company: SandboxCompany, invoice_id: int, amount: Decimal, day: date, now: datetime
) -> dict[str, Any]:
    """Undo ``amount`` (a positive magnitude) of what was paid: a negative CORRECTION event."""
    invoice = find(company, invoice_id)
    paid = paid_sum(company, invoice_id)
    if paid == 0:
        raise ApiError(403, e.INVALID_STATUS)
    errs = ValidationErrors()
    if amount != round2(amount) or amount <= 0 or amount > abs(paid):
        errs.add("amount", e.VALUE_OUT_OF_RANGE)
    check_posting_date(errs, company, day, "date")
    errs.raise_if_any()
    signed = -amount if paid > 0 else amount
    settled = invoice["status"] if invoice["status"] in SETTLED else "PAID"
    return _record(
        company,
        invoice,
        kind="CORRECTION",
        status="PAID",
        paid_amount=signed,
        day=day,
        description="",
        settled_status=settled,
        now=now,
    )


def _payable(company: SandboxCompany, invoice_id: int) -> dict[str, Any]:
    invoice = find(company, invoice_id)
    if invoice["status"] not in PAYABLE:
        raise ApiError(403, e.INVALID_STATUS)
    if invoice["type"] not in PAYABLE_TYPES:
        raise ApiError(400, e.INVOICE_TYPE_NOT_SUPPORTED, field="type")
    return invoice


def _check_amount(
    errs: ValidationErrors,
    company: SandboxCompany,
    invoice: dict[str, Any],
    amount: Decimal,
    field: str,
) -> None:
    """Cents at most, the sign of the invoice (a credit note is paid back negatively), and no
    more than is still open: an overpayment is refused [assumed: the spec is silent; refusing
    is the strict reading, so a client never counts on money an invoice cannot take]."""
    total = invoice_total(invoice)
    if amount != round2(amount):
        errs.add(field, e.INVALID_VALUE)
    elif amount == 0 or total == 0 or (amount > 0) != (total > 0):
        errs.add(field, e.VALUE_OUT_OF_RANGE)
    elif abs(paid_sum(company, int(invoice["id"])) + amount) > abs(total):
        errs.add(field, e.AMOUNT_EXCEEDS_OPEN_SUM)


def _covers(paid: Decimal, total: Decimal) -> bool:
    return paid >= total if total > 0 else paid <= total


def _record(
    company: SandboxCompany,
    invoice: dict[str, Any],
    *,
    kind: str,
    status: str,
    paid_amount: Decimal,
    day: date,
    description: str,
    settled_status: str,
    now: datetime,
) -> dict[str, Any]:
    invoice_id = int(invoice["id"])
    rate = Decimal(invoice["paymentInfo"]["currencyRate"])
    event = {
        "id": company.next_id("payment_event"),
        "invoiceId": invoice_id,
        "type": kind,
        "paymentDate": day.isoformat(),
        "status": status,
        "amount": to_accounting(paid_amount, rate),
        "currency": company.currency,
        "paidAmount": round2(paid_amount),
        "paidCurrency": invoice["paymentInfo"]["currency"],
        "description": description,
    }
    company.payment_events[event["id"]] = event
    company.unpaid_status.setdefault(invoice_id, invoice["status"])
    paid = paid_sum(company, invoice_id)
    if paid == 0:
        invoice["status"] = company.unpaid_status.pop(invoice_id)
        invoice.pop("paymentDate", None)
    elif _covers(paid, invoice_total(invoice)):
        invoice["status"] = settled_status
        invoice["paymentDate"] = event["paymentDate"]
    else:
        invoice["status"] = "PARTLY_PAID"
        invoice.pop("paymentDate", None)
    invoice["version"] = next_version(invoice["version"], now)
    ledger.sync_with_invoice(company, invoice, now)
    return render(event)
