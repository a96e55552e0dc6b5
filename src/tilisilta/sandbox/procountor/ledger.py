"""Ledger receipts: the accounting side of every invoice.

A generated receipt has one REVERSING_ENTRY on the receivables account (gross, positive) and one
ENTRY per invoice row (net, negative for sales) carrying the row's VAT percent. A receipt balances
when the transaction values plus the VAT each one implies sum to zero.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from datetime import datetime
from decimal import Decimal
from typing import Any

from . import checks as c
from . import enums
from . import errors as e
from .errors import ApiError, ValidationErrors
from .money import invoice_rows_amounts, round2, to_accounting, vat_of
from .state import (
    DEFAULT_SALES_ACCOUNT,
    RECEIVABLES_ACCOUNT,
    ROUNDING_ACCOUNT,
    SandboxCompany,
    next_version,
    timestamp,
)
from .validation import check_posting_date, check_vat_status

ZERO = Decimal("0.00")


def transaction_vat(transaction: dict[str, Any]) -> Decimal:
    return vat_of(Decimal(transaction["accountingValue"]), Decimal(transaction["vatPercent"]))


def imbalance(transactions: list[dict[str, Any]]) -> Decimal:
    return sum((Decimal(t["accountingValue"]) + transaction_vat(t) for t in transactions), ZERO)


def generate_receipt(
    company: SandboxCompany, invoice: dict[str, Any], now: datetime
) -> dict[str, Any]:
    """A fresh receipt (new id) for an invoice, as Procountor creates it on POST."""
    receipt_id = company.next_id("ledger_receipt")
    rate = Decimal(invoice["paymentInfo"]["currencyRate"])
    by_row = bool(invoice["extraInfo"]["accountingByRow"])
    entries = []
    for row, amounts in zip(invoice["invoiceRows"], invoice_rows_amounts(invoice), strict=True):
        net = to_accounting(amounts.net, rate)
        entry: dict[str, Any] = {
            "id": company.next_id("transaction"),
            "transactionType": "ENTRY",
            "account": _row_account(company, row, by_row),
            "accountingValue": -net,
            "vatPercent": amounts.vat_percent,
            "vatType": "SALES",
            "vatStatus": row.get("vatStatus", invoice["vatStatus"]),
            "description": row["product"][:255],
            "dimensionItemValues": [],
        }
        entries.append(entry)
    home_total = next(s for s in invoice["invoiceSumInfo"] if s["inAccountingCurrency"])
    reversing = {
        "id": company.next_id("transaction"),
        "transactionType": "REVERSING_ENTRY",
        "account": RECEIVABLES_ACCOUNT,
        "accountingValue": home_total["invoiceSumTotal"],
        "vatPercent": Decimal(0),
        "vatType": "SALES",
        "description": invoice["counterParty"]["counterPartyAddress"]["name"][:255],
        "dimensionItemValues": [],
    }
    transactions = [reversing, *entries]
    remainder = imbalance(transactions)
    if remainder:
        # VAT-inclusive prices can leave a cent between the row VATs and the receipt's VAT.
        transactions.append(_reconciliation(company, -remainder))
    receipt = {
        "id": receipt_id,
        "type": invoice["type"],
        "status": invoice["status"],
        "name": invoice["counterParty"]["counterPartyAddress"]["name"][:80],
        "receiptDate": invoice["date"],
        "vatType": "SALES",
        "vatStatus": invoice["vatStatus"],
        "invoiceId": invoice["id"],
        "receiptNumber": company.next_id("receipt_number"),
        "invoiceNotes": invoice.get("notes", ""),
        "invoiceNumber": invoice["invoiceNumber"],
        "version": next_version(None, now),
        "transactions": transactions,
        "attachments": [],
    }
    company.ledger_receipts[receipt_id] = receipt
    company.ledger_created[receipt_id] = timestamp(now)
    return receipt


def _row_account(company: SandboxCompany, row: dict[str, Any], by_row: bool) -> str:
    """Product accounts apply only with accountingByRow=true."""
    product = company.products.get(row.get("productId", -1)) if by_row else None
    account = (product or {}).get("defaultAccount")
    return str(account) if account else DEFAULT_SALES_ACCOUNT


def _reconciliation(company: SandboxCompany, value: Decimal) -> dict[str, Any]:
    return {
        "id": company.next_id("transaction"),
        "transactionType": "RECONCILIATION_ENTRY",
        "account": ROUNDING_ACCOUNT,
        "accountingValue": value,
        "vatPercent": Decimal(0),
        "vatType": "SALES",
        "description": "Rounding",
        "dimensionItemValues": [],
    }


def sync_with_invoice(company: SandboxCompany, invoice: dict[str, Any], now: datetime) -> None:
    """Keep the receipt's copies of invoice fields (status, date, number) in step."""
    receipt = company.ledger_receipts.get(invoice["ledgerReceiptId"])
    if receipt is None:
        return
    receipt["status"] = invoice["status"]
    receipt["receiptDate"] = invoice["date"]
    receipt["invoiceNumber"] = invoice["invoiceNumber"]
    receipt["invoiceNotes"] = invoice.get("notes", "")
    receipt["version"] = next_version(receipt["version"], now)


def update_receipt(
    company: SandboxCompany,
    receipt_id: int,
    payload: Any,
    now: datetime,
    create_reconciliation: bool,
) -> dict[str, Any]:
    receipt = company.ledger_receipts.get(receipt_id)
    if receipt is None:
        raise ApiError(404, e.NOT_FOUND)
    if not isinstance(payload, dict):
        raise ApiError(400, e.INVALID_JSON)
    version = payload.get("version")
    if version is None:
        raise ApiError(400, e.REQUIRED, field="version")
    if version != receipt["version"]:
        raise ApiError(400, e.STALE_VERSION, field="version")
    if receipt["type"] not in enums.LEDGER_RECEIPT_PUT_TYPES:
        raise ApiError(403, e.INVALID_STATUS)
    if receipt["status"] == "INVALIDATED":
        raise ApiError(403, e.INVALID_STATUS)

    errs = ValidationErrors()
    kind = c.enum(errs, payload, "type", "", enums.LEDGER_RECEIPT_PUT_TYPES, required=True)
    if kind is not None and kind != receipt["type"]:
        errs.add("type", e.NOT_EDITABLE)
    c.string(errs, payload, "name", "", required=True, max_len=80)
    receipt_date = c.day(errs, payload, "receiptDate", "", required=True)
    if receipt_date is not None:
        check_posting_date(errs, company, receipt_date, "receiptDate")
    c.enum(errs, payload, "vatType", "", enums.VAT_TYPES, required=True)
    sales = payload.get("vatType", "SALES") == "SALES"
    vat_status = c.integer(errs, payload, "vatStatus", "", required=True)
    if vat_status is not None:
        check_vat_status(errs, company, vat_status, "vatStatus", sales)
    for key in ("accountantsNotes", "transactionDescription"):
        c.string(errs, payload, key, "", max_len=255)
    c.string(errs, payload, "invoiceNotes", "", max_len=10_000)
    transactions = _transactions(errs, payload, company, sales)
    c.windows_1252(errs, payload)
    errs.raise_if_any()

    assert transactions is not None
    remainder = imbalance(transactions)
    if remainder:
        if not create_reconciliation:
            raise ApiError(400, e.RECEIPT_NOT_BALANCED, field="transactions")
        existing = [t for t in transactions if t["transactionType"] == "RECONCILIATION_ENTRY"]
        if existing:
            existing[0]["accountingValue"] = round2(
                Decimal(existing[0]["accountingValue"]) - remainder
            )
        else:
            transactions.append(_reconciliation(company, -remainder))

    known_ids = {t["id"] for t in receipt["transactions"]}
    for transaction in transactions:
        if transaction.get("id") not in known_ids:
            transaction["id"] = company.next_id("transaction")
    receipt["transactions"] = transactions
    receipt["name"] = payload["name"]
    receipt["receiptDate"] = payload["receiptDate"]
    receipt["vatStatus"] = payload["vatStatus"]
    for key in ("accountantsNotes", "transactionDescription", "invoiceNotes"):
        if key in payload:
            receipt[key] = payload[key]
    receipt["version"] = next_version(receipt["version"], now)
    return receipt


def _transactions(
    errs: ValidationErrors, payload: dict[str, Any], company: SandboxCompany, sales: bool
) -> list[dict[str, Any]] | None:
    raw = payload.get("transactions")
    if raw is None:
        errs.add("transactions", e.REQUIRED)
        return None
    if not isinstance(raw, list) or not raw:
        errs.add("transactions", e.INVALID_VALUE if isinstance(raw, list) else e.INVALID_TYPE)
        return None
    counts: dict[str, int] = defaultdict(int)
    result: list[dict[str, Any]] = []
    for index, item in enumerate(raw):
        path = f"transactions[{index}]"
        if not isinstance(item, dict):
            errs.add(path, e.INVALID_TYPE)
            continue
        kind = c.enum(errs, item, "transactionType", path, enums.TRANSACTION_TYPES, required=True)
        account = c.string(errs, item, "account", path, required=True)
        if account is not None:
            known = company.accounts.get(account)
            if known is None:
                errs.add(f"{path}.account", e.ACCOUNT_NOT_FOUND)
            elif not known.active:
                errs.add(f"{path}.account", e.ACCOUNT_INACTIVE)
        value = c.number(errs, item, "accountingValue", path, required=True)
        if value is not None and value != round2(value):
            errs.add(f"{path}.accountingValue", e.INVALID_VALUE)  # scale 2
        percent = c.number(errs, item, "vatPercent", path, required=True)
        if percent is not None and not company.vat_percent_in_use(percent):
            errs.add(f"{path}.vatPercent", e.VAT_PERCENT_NOT_IN_USE)
        c.enum(errs, item, "vatType", path, enums.VAT_TYPES)
        status = c.integer(errs, item, "vatStatus", path)
        if kind in ("REVERSING_ENTRY", "RECONCILIATION_ENTRY"):
            counts[kind] += 1
            if percent is not None and percent != 0:
                errs.add(f"{path}.vatPercent", e.INVALID_VALUE)
            if "vatStatus" in item and item["vatStatus"] is not None:
                errs.add(f"{path}.vatStatus", e.INVALID_VALUE)
        elif status is not None:
            check_vat_status(errs, company, status, f"{path}.vatStatus", sales)
        c.string(errs, item, "description", path, max_len=255)
        dims = _dimension_values(errs, item, path, company, value)
        if kind and account and value is not None and percent is not None and dims is not None:
            entry = copy.deepcopy(item)
            entry["accountingValue"] = value
            entry["vatPercent"] = percent
            entry["dimensionItemValues"] = dims
            result.append(entry)
    if counts["REVERSING_ENTRY"] > 1:
        errs.add("transactions", e.TOO_MANY_REVERSING_ENTRIES)
    if counts["RECONCILIATION_ENTRY"] > 1:
        errs.add("transactions", e.TOO_MANY_RECONCILIATION_ENTRIES)
    return result


def _dimension_values(
    errs: ValidationErrors,
    item: dict[str, Any],
    path: str,
    company: SandboxCompany,
    value: Decimal | None,
) -> list[dict[str, Any]] | None:
    raw = item.get("dimensionItemValues")
    if raw is None:
        return []
    where = f"{path}.dimensionItemValues"
    if not isinstance(raw, list):
        errs.add(where, e.INVALID_TYPE)
        return None
    seen: set[tuple[int, int]] = set()
    totals: dict[int, Decimal] = defaultdict(Decimal)
    ok = True
    for index, dim_value in enumerate(raw):
        at = f"{where}[{index}]"
        if not isinstance(dim_value, dict):
            errs.add(at, e.INVALID_TYPE)
            ok = False
            continue
        dimension_id = c.integer(errs, dim_value, "dimensionId", at, required=True)
        item_id = c.integer(errs, dim_value, "itemId", at, required=True)
        amount = c.number(errs, dim_value, "value", at, required=True)
        if dimension_id is None or item_id is None or amount is None:
            ok = False
            continue
        dimension = company.dimensions.get(dimension_id)
        if dimension is None:
            errs.add(f"{at}.dimensionId", e.DIMENSION_NOT_FOUND)
            ok = False
            continue
        if not any(i.id == item_id and i.active for i in dimension.items):
            errs.add(f"{at}.itemId", e.DIMENSION_ITEM_NOT_FOUND)
            ok = False
        if (dimension_id, item_id) in seen:
            errs.add(at, e.DUPLICATE_DIMENSION_ITEM)
            ok = False
        seen.add((dimension_id, item_id))
        totals[dimension_id] += amount
    if ok and value is not None:
        for total in totals.values():
            if total != value:
                errs.add(where, e.DIMENSION_VALUES_DO_NOT_MATCH)
                ok = False
                break
    return list(raw) if ok else None
