"""Accounting by row: each invoice row's account and dimension items, written onto the invoice's
ledger receipt (accounts and dimensions live only there in Procountor).

The recipe: create the invoice with ``accountingByRow``, read its ledger receipt, set the account
and dimension items on the ENTRY rows, and write it back with the version read. A stale version
means someone else changed the receipt in between: read it again and retry once.
"""

from __future__ import annotations

from typing import Any

from tilisilta.connectors.procountor.client import ProcountorClient
from tilisilta.connectors.procountor.errors import AccountingFailed
from tilisilta.connectors.procountor.mapping.accounting import (
    DIMENSION_FIX,
    AccountingCatalog,
    Dimension,
    catalog_from,
    dimension_missing,
)
from tilisilta.domain.documents import Invoice
from tilisilta.http.errors import ApiError, TooManyCalls, TransientFailure


def coding_failed(number: str, *, reading: bool, detail: str, retried: bool = False) -> str:
    """The ledger receipt could not be read (``reading``) or written back."""
    what = (
        f"retrieve account coding for invoice {number} from"
        if reading
        else f"update account coding for invoice {number} in"
    )
    then = (
        "the hub tries again by itself a few times; after that, retry the exchange"
        if retried
        else "retry the exchange"
    )
    return (
        f"Could not {what} Procountor ({detail}). The invoice is in Procountor, unfinished, "
        "without its rows' accounts and dimensions (a retry does not create it again): "
        f"{then}, or set the accounts and dimensions by hand on the invoice's ledger receipt in "
        "Procountor"
    )


def read_catalog(client: ProcountorClient) -> AccountingCatalog:
    return catalog_from(client.chart_of_accounts(), client.dimensions())


def apply_row_accounting(
    client: ProcountorClient,
    invoice: Invoice,
    receipt_id: int | str,
    catalog: AccountingCatalog,
) -> None:
    """Write each row's account and dimension items onto the ledger receipt."""
    number = invoice.number
    for attempt in (1, 2):
        try:
            receipt = client.ledger_receipt(receipt_id)
        except ApiError as exc:
            raise AccountingFailed(
                exc.status, coding_failed(number, reading=True, detail=exc.message)
            ) from exc
        except TooManyCalls:
            raise  # its own message says what to do
        except TransientFailure as exc:
            raise TransientFailure(
                coding_failed(number, reading=True, detail=str(exc), retried=True), exc.retry_after
            ) from exc
        _code_entries(client, invoice, receipt, catalog)
        try:
            client.update_ledger_receipt(receipt_id, receipt)
            return
        except ApiError as exc:
            stale = exc.status == 400 and "version" in exc.message.lower()
            if stale and attempt == 1:
                continue  # changed since we read it: read again and retry once
            detail = (
                f"someone else changed it at the same time: {exc.message}" if stale else exc.message
            )
            raise AccountingFailed(
                exc.status, coding_failed(number, reading=False, detail=detail)
            ) from exc
        except TooManyCalls:
            raise
        except TransientFailure as exc:
            raise TransientFailure(
                coding_failed(number, reading=False, detail=str(exc), retried=True), exc.retry_after
            ) from exc


def _code_entries(
    client: ProcountorClient,
    invoice: Invoice,
    receipt: dict[str, Any],
    catalog: AccountingCatalog,
) -> None:
    entries = [t for t in receipt.get("transactions", []) if t.get("transactionType") == "ENTRY"]
    if len(entries) != len(invoice.lines):
        rows = f"the ledger receipt has {len(entries)} rows for {len(invoice.lines)} invoice rows"
        raise AccountingFailed(409, coding_failed(invoice.number, reading=True, detail=rows))
    for line, entry in zip(invoice.lines, entries, strict=True):
        if line.account:
            entry["account"] = line.account
        values = []
        for name, item in line.dimensions.items():
            dimension = catalog.dimension(name)
            if dimension is None:  # checked before sending; a dimension removed since then
                raise AccountingFailed(
                    400, f"{dimension_missing(name)}: {DIMENSION_FIX}; then retry the exchange"
                )
            values.append(
                {
                    "dimensionId": dimension.id,
                    "itemId": _item_id(client, dimension, item),
                    "value": entry["accountingValue"],
                }
            )
        if values:
            entry["dimensionItemValues"] = values


def _item_id(client: ProcountorClient, dimension: Dimension, code: str) -> int:
    known = dimension.items.get(code.lower())
    if known is not None:
        return known
    try:
        created = client.create_dimension_item(dimension.id, code)
        item_id = int(created["id"])
    except ApiError:
        # Perhaps created by an earlier attempt whose answer was lost: look before giving up.
        fresh = read_catalog(client).dimension(dimension.name)
        if fresh is None or code.lower() not in fresh.items:
            raise
        item_id = fresh.items[code.lower()]
    dimension.items[code.lower()] = item_id
    return item_id
