"""The Procountor company: its details, bank accounts, fiscal years and VAT defaults."""

from __future__ import annotations

from typing import Any

from tilisilta.connectors.procountor.client.base import Calls, results


class CompanyCalls(Calls):
    def company(self) -> dict[str, Any]:
        result: dict[str, Any] = self.call("GET", "/company", repeatable=True)
        return result

    def bank_accounts(self) -> list[dict[str, Any]]:
        body = self.call("GET", "/bankaccounts", repeatable=True)
        return results(body)

    def fiscal_years(self) -> Any:
        """``{"fiscalYears": [...]}`` with each year's tracking periods."""
        return self.call("GET", "/fiscalyears", repeatable=True)

    def vat_defaults(self) -> dict[str, Any]:
        result: dict[str, Any] = self.call("GET", "/vats/default", repeatable=True)
        return result
