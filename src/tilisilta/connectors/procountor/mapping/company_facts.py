"""What the hub must know of the Procountor company before sending: its bank accounts and which
accounting periods are open. Read once per run (``flows.invoices.read_company_facts``), checked
for every invoice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    open: bool


@dataclass(frozen=True)
class CompanyFacts:
    ibans: tuple[str, ...]
    default_iban: str | None
    periods: tuple[Period, ...]

    def period_problem(self, day: date) -> str | None:
        """None when ``day`` lies in an open period of an open fiscal year."""
        for period in self.periods:
            if period.start <= day <= period.end:
                return None if period.open else f"the period for date {day} is closed in Procountor"
        return f"no fiscal year in Procountor covers the date {day}"


def _periods(body: Any) -> tuple[Period, ...]:
    years = body.get("fiscalYears", []) if isinstance(body, dict) else []
    periods: list[Period] = []
    for year in years:
        tracking = year.get("trackingPeriods") or []
        year_open = bool(year.get("isOpen", True))
        if not tracking:
            tracking = [
                {"startDate": year["startDate"], "endDate": year["endDate"], "status": "OPEN"}
            ]
        for p in tracking:
            periods.append(
                Period(
                    start=date.fromisoformat(p["startDate"]),
                    end=date.fromisoformat(p["endDate"]),
                    open=year_open and p.get("status", "OPEN") != "CLOSED",
                )
            )
    return tuple(periods)


def company_facts(accounts: list[dict[str, Any]], fiscal: Any) -> CompanyFacts:
    """The facts from Procountor's bank accounts and fiscal years, as read."""
    ibans = tuple(str(a.get("iban") or a.get("accountNumber")).replace(" ", "") for a in accounts)
    preferred = [a for a in accounts if a.get("defaultForInvoice")] or accounts
    default = (
        str(preferred[0].get("iban") or preferred[0].get("accountNumber")) if preferred else None
    )
    return CompanyFacts(ibans=ibans, default_iban=default, periods=_periods(fiscal))
