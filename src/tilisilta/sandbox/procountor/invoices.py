"""Invoices: create, update, the sales lifecycle, and how an invoice reads back."""

from __future__ import annotations

import copy
from datetime import date, datetime
from typing import Any

from ..common.references import compact, finnish_reference, rf_reference
from . import errors as e
from . import ledger
from .errors import ApiError
from .money import sum_info
from .state import SandboxCompany, next_version, timestamp
from .validation import validate_invoice

# The order in which fields appear in an invoice as read back.
_FIELD_ORDER = [
    "id",
    "partnerId",
    "type",
    "status",
    "date",
    "paymentDate",
    "counterParty",
    "billingAddress",
    "deliveryAddress",
    "paymentInfo",
    "deliveryTermsInfo",
    "extraInfo",
    "discountPercent",
    "orderReference",
    "invoiceRows",
    "invoiceNumber",
    "vatStatus",
    "originalInvoiceNumber",
    "deliveryStartDate",
    "deliveryEndDate",
    "deliveryMethod",
    "deliveryInstructions",
    "invoiceChannel",
    "penaltyPercent",
    "language",
    "invoiceTemplateId",
    "additionalInformation",
    "vatCountry",
    "ledgerReceiptId",
    "notes",
    "orderNumber",
    "agreementNumber",
    "accountingCode",
    "deliverySite",
    "tenderReference",
    "buyerReferenceIdentifier",
    "attachments",
    "version",
    "invoiceSumInfo",
]
_CLIENT_FIELDS = frozenset(_FIELD_ORDER) - {
    "id",
    "status",
    "paymentDate",
    "invoiceNumber",
    "ledgerReceiptId",
    "attachments",
    "version",
    "invoiceSumInfo",
}
# Changing any of these re-creates the ledger receipt under a new id, as Procountor does.
_ACCOUNTING_FIELDS = ("invoiceRows", "discountPercent", "extraInfo", "vatStatus")
_ACCOUNTING_PAYMENT_FIELDS = ("currency", "currencyRate")

SENDABLE = frozenset({"NOT_SENT", "SENT"})
INVALIDATABLE = frozenset({"UNFINISHED", "NOT_SENT", "APPROVED", "SENT"})
RESTORABLE = frozenset({"NOT_SENT", "APPROVED", "INVALIDATED"})


def create_invoice(company: SandboxCompany, payload: Any, now: datetime) -> dict[str, Any]:
    if not isinstance(payload, dict):
        raise ApiError(400, e.INVALID_JSON)
    validate_invoice(payload, company).raise_if_any()
    invoice = _build(company, payload, previous=None)
    invoice_id = company.next_id("invoice")
    invoice["id"] = invoice_id
    invoice["status"] = "UNFINISHED"
    invoice["invoiceNumber"] = company.next_id("invoice_number")
    invoice["attachments"] = []
    invoice["version"] = next_version(None, now)
    invoice["invoiceSumInfo"] = sum_info(invoice, company.currency)
    invoice["ledgerReceiptId"] = 0  # set just below; the receipt needs the invoice first
    company.invoices[invoice_id] = invoice
    company.invoice_created[invoice_id] = timestamp(now)
    invoice["ledgerReceiptId"] = ledger.generate_receipt(company, invoice, now)["id"]
    return _ordered(invoice)


def update_invoice(
    company: SandboxCompany, invoice_id: int, payload: Any, now: datetime
) -> dict[str, Any]:
    stored = find(company, invoice_id)
    if not isinstance(payload, dict):
        raise ApiError(400, e.INVALID_JSON)
    version = payload.get("version")
    if version is None:
        raise ApiError(400, e.REQUIRED, field="version")
    if stored["status"] != "UNFINISHED":
        raise ApiError(403, e.INVALID_STATUS)
    if version != stored["version"]:
        raise ApiError(400, e.STALE_VERSION, field="version")
    errs = validate_invoice(payload, company)
    if "partnerId" in payload and payload["partnerId"] != stored.get("partnerId"):
        errs.add("partnerId", e.NOT_EDITABLE)
    if payload.get("type") not in (None, stored["type"]):
        errs.add("type", e.NOT_EDITABLE)
    errs.raise_if_any()

    invoice = _build(company, payload, previous=stored)
    for key in ("id", "partnerId", "status", "invoiceNumber", "attachments", "paymentDate"):
        if key in stored:
            invoice[key] = stored[key]
    invoice["invoiceSumInfo"] = sum_info(invoice, company.currency)
    invoice["version"] = next_version(stored["version"], now)
    invoice["ledgerReceiptId"] = stored["ledgerReceiptId"]
    company.invoices[invoice_id] = invoice
    if _accounting_changed(stored, invoice):
        company.ledger_receipts.pop(stored["ledgerReceiptId"], None)
        invoice["ledgerReceiptId"] = ledger.generate_receipt(company, invoice, now)["id"]
    else:
        ledger.sync_with_invoice(company, invoice, now)
    return _ordered(invoice)


def _accounting_changed(before: dict[str, Any], after: dict[str, Any]) -> bool:
    if any(_strip_ids(before.get(k)) != _strip_ids(after.get(k)) for k in _ACCOUNTING_FIELDS):
        return True
    return any(
        before["paymentInfo"].get(k) != after["paymentInfo"].get(k)
        for k in _ACCOUNTING_PAYMENT_FIELDS
    )


def _strip_ids(value: Any) -> Any:
    if isinstance(value, list):
        return [{k: v for k, v in r.items() if k != "id"} for r in value if isinstance(r, dict)]
    return value


def _build(
    company: SandboxCompany, payload: dict[str, Any], previous: dict[str, Any] | None
) -> dict[str, Any]:
    invoice = {k: copy.deepcopy(v) for k, v in payload.items() if k in _CLIENT_FIELDS}
    invoice = {k: v for k, v in invoice.items() if v is not None}
    address = invoice["counterParty"]["counterPartyAddress"]
    for key in ("billingAddress", "deliveryAddress"):
        if key not in invoice:
            invoice[key] = copy.deepcopy(address)  # omitted: same as the counterparty
    for row in invoice["invoiceRows"]:
        row["id"] = company.next_id("invoice_row")
    payment = invoice["paymentInfo"]
    discount = payment.get("cashDiscount")
    if isinstance(discount, dict) and isinstance(discount.get("optionList"), list):
        discount["optionList"] = discount["optionList"][:3]  # 26.04 spec: the rest ignored
    if "bankAccount" not in payment and payment["paymentMethod"] != "CASH":
        payment["bankAccount"] = {"accountNumber": _default_iban(company)}
    _assign_reference(company, payment, previous)
    return invoice


def _default_iban(company: SandboxCompany) -> str:
    for account in company.bank_accounts:
        if account.get("defaultForInvoice"):
            return str(account["iban"])
    return company.iban


def _assign_reference(
    company: SandboxCompany, payment: dict[str, Any], previous: dict[str, Any] | None
) -> None:
    """``""`` generates a reference (kept on later updates); absent or null means none."""
    code = payment.get("bankReferenceCode")
    if code is None:
        payment.pop("bankReferenceCode", None)
        return
    if code == "":
        old = (previous or {}).get("paymentInfo", {}).get("bankReferenceCode")
        payment["bankReferenceCode"] = old or _generate_reference(
            company, payment.get("bankReferenceCodeType")
        )
    else:
        payment["bankReferenceCode"] = compact(code)
    company.references.add(payment["bankReferenceCode"])


def _generate_reference(company: SandboxCompany, ref_type: str | None) -> str:
    while True:
        base = company.next_id("reference")
        finnish = finnish_reference(base)
        reference = rf_reference(finnish) if ref_type == "RF" else finnish
        if reference not in company.references:
            return reference


def _ordered(invoice: dict[str, Any]) -> dict[str, Any]:
    return {k: copy.deepcopy(invoice[k]) for k in _FIELD_ORDER if k in invoice}


def find(company: SandboxCompany, invoice_id: int) -> dict[str, Any]:
    invoice = company.invoices.get(invoice_id)
    if invoice is None:
        raise ApiError(404, e.NOT_FOUND)
    return invoice


def read(company: SandboxCompany, invoice_id: int) -> dict[str, Any]:
    return _ordered(find(company, invoice_id))


def basic_info(company: SandboxCompany, invoice: dict[str, Any]) -> dict[str, Any]:
    info: dict[str, Any] = {"id": invoice["id"]}
    if "partnerId" in invoice:
        info["partnerId"] = invoice["partnerId"]
    info.update(
        {
            "type": invoice["type"],
            "status": invoice["status"],
            "invoiceNumber": invoice["invoiceNumber"],
        }
    )
    if "originalInvoiceNumber" in invoice:
        info["originalInvoiceNumber"] = invoice["originalInvoiceNumber"]
    info.update(
        {
            "invoiceChannel": invoice["invoiceChannel"],
            "date": invoice["date"],
            "dueDate": invoice["paymentInfo"]["dueDate"],
            "created": company.invoice_created[invoice["id"]],
            "version": invoice["version"],
            "invoiceSumInfo": copy.deepcopy(invoice["invoiceSumInfo"]),
        }
    )
    return info


# --- the sales lifecycle -------------------------------------------------------------------


def _transition(
    company: SandboxCompany, invoice_id: int, now: datetime, status: str
) -> dict[str, str]:
    invoice = company.invoices[invoice_id]
    invoice["status"] = status
    invoice["version"] = next_version(invoice["version"], now)
    ledger.sync_with_invoice(company, invoice, now)
    return {"message": f"Invoice {invoice_id} status changed to {status}."}


def _require_sales_invoice(invoice: dict[str, Any]) -> None:
    if invoice["type"] != "SALES_INVOICE":
        raise ApiError(403, e.INVALID_STATUS)


def _require_open_period(company: SandboxCompany, invoice: dict[str, Any]) -> None:
    period = company.period_for(date.fromisoformat(invoice["date"]))
    if period is None or period.status == "CLOSED":
        raise ApiError(403, e.CLOSED_FISCAL_PERIOD)


def approve(company: SandboxCompany, invoice_id: int, now: datetime) -> dict[str, str]:
    invoice = find(company, invoice_id)
    if invoice["status"] != "UNFINISHED":
        raise ApiError(403, e.INVALID_STATUS)
    _require_open_period(company, invoice)
    target = "APPROVED" if invoice["invoiceChannel"] == "NO_SENDING" else "NOT_SENT"
    return _transition(company, invoice_id, now, target)


def send(company: SandboxCompany, invoice_id: int, now: datetime) -> dict[str, str]:
    invoice = find(company, invoice_id)
    _require_sales_invoice(invoice)
    if invoice["status"] not in SENDABLE:
        raise ApiError(403, e.INVALID_STATUS)
    return _transition(company, invoice_id, now, "SENT")


def invalidate(company: SandboxCompany, invoice_id: int, now: datetime) -> dict[str, str]:
    invoice = find(company, invoice_id)
    if invoice["status"] not in INVALIDATABLE:
        raise ApiError(403, e.INVALID_STATUS)
    _require_open_period(company, invoice)
    return _transition(company, invoice_id, now, "INVALIDATED")


def mark_unfinished(company: SandboxCompany, invoice_id: int, now: datetime) -> dict[str, str]:
    """Back to UNFINISHED for correction. A SENT invoice is frozen (use a credit note)."""
    invoice = find(company, invoice_id)
    if invoice["status"] not in RESTORABLE:
        raise ApiError(403, e.INVALID_STATUS)
    _require_open_period(company, invoice)
    return _transition(company, invoice_id, now, "UNFINISHED")


def set_notes(
    company: SandboxCompany, invoice_id: int, payload: Any, now: datetime
) -> dict[str, str]:
    """``PUT /invoices/{id}/notes`` works in any status."""
    invoice = find(company, invoice_id)
    notes = payload.get("notes") if isinstance(payload, dict) else None
    if not isinstance(notes, str):
        raise ApiError(400, e.REQUIRED, field="notes")
    if len(notes) > 10_000:
        raise ApiError(400, e.TOO_LONG, field="notes")
    try:
        notes.encode("cp1252")
    except UnicodeEncodeError:
        raise ApiError(400, e.INVALID_CHARACTERS, field="notes") from None
    invoice["notes"] = notes
    invoice["version"] = next_version(invoice["version"], now)
    ledger.sync_with_invoice(company, invoice, now)
    return {"message": "Invoice notes updated."}
