"""Procountor's accounting: the chart of accounts, dimensions and their items, and ledger
receipts (where an invoice's rows get their accounts and dimension items)."""

from __future__ import annotations

from typing import Any

from tilisilta.connectors.procountor.client.base import Calls


class AccountingCalls(Calls):
    def chart_of_accounts(self) -> dict[str, Any]:
        """``{"ledgerAccounts": [...]}``; ``{}`` when Procountor answers nothing."""
        return self.call("GET", "/coa", repeatable=True) or {}

    def dimensions(self) -> list[dict[str, Any]]:
        return self.call("GET", "/dimensions", repeatable=True) or []

    def create_dimension_item(self, dimension_id: int, code: str) -> dict[str, Any]:
        result: dict[str, Any] = self.call(
            "POST",
            f"/dimensions/{dimension_id}/items",
            repeatable=False,
            json_body={"codeName": code, "description": code},
        )
        return result

    def ledger_receipt(self, receipt_id: int | str) -> dict[str, Any]:
        result: dict[str, Any] = self.call("GET", f"/ledgerreceipts/{receipt_id}", repeatable=True)
        return result

    def update_ledger_receipt(self, receipt_id: int | str, receipt: dict[str, Any]) -> None:
        self.call("PUT", f"/ledgerreceipts/{receipt_id}", repeatable=True, json_body=receipt)
