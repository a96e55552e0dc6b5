"""The company's VAT defaults in Procountor (GET /vats/default), and mapping our treatments onto
its VAT statuses. Statuses are per company: the texts decide, numbers are only trusted for the
four Procountor documents (1, 3, 5, 12)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, Field

from tilisilta.domain.documents import VatTreatment

# Words in a status description that identify a treatment (English and Finnish UI texts).
_PATTERNS: tuple[tuple[VatTreatment, str], ...] = (
    (VatTreatment.EU_SERVICES, r"\beu\b.*(servic|palvelu)|yhteisömyynti.*palvelu"),
    (VatTreatment.EU_GOODS, r"\beu\b.*(goods|product|tavara)|yhteisömyynti"),
    (VatTreatment.DOMESTIC_REVERSE_CHARGE, r"construction|rakennus|reverse charge|käännetty"),
    (VatTreatment.EXPORT, r"outside (of )?the eu|eu:n ulkopuol|export|vienti"),
    (VatTreatment.NO_VAT, r"no vat|ei alv|veroton"),
    (VatTreatment.DOMESTIC, r"^domestic|^kotimaa"),
)


class VatStatusInfo(BaseModel):
    status: int
    description: str
    sales: bool
    purchase: bool


class VatSettings(BaseModel):
    """As fetched from Procountor, kept in the connection's state (see ``state.py``)."""

    sales_percentages: list[Decimal] = Field(default_factory=list)
    statuses: list[VatStatusInfo] = Field(default_factory=list)

    def sales_status(self, status: int) -> VatStatusInfo | None:
        return next((s for s in self.statuses if s.status == status and s.sales), None)

    def describe(self, status: int) -> str:
        found = next((s for s in self.statuses if s.status == status), None)
        return f"{status} ('{found.description}')" if found else str(status)


def parse_vat_defaults(body: dict[str, Any], country: str = "FINLAND") -> VatSettings:
    infos = body.get("vatInformation", [])
    # Country spellings vary ("FINLAND", "Finland"); with one entry, it is the company's own.
    ours = [i for i in infos if str(i.get("country", "")).upper() == country.upper()] or (
        infos if len(infos) == 1 else []
    )
    percentages = [
        Decimal(str(p["vatPercent"]))
        for info in ours
        for p in info.get("percentages", [])
        if p.get("sales")
    ]
    statuses = [
        VatStatusInfo(
            status=int(s["vatStatus"]),
            description=str(s.get("description", "")),
            sales=bool(s.get("sales")),
            purchase=bool(s.get("purchase")),
        )
        for s in body.get("vatStatuses", [])
    ]
    return VatSettings(sales_percentages=sorted(set(percentages)), statuses=statuses)


def suggest_statuses(settings: VatSettings) -> dict[str, int]:
    """Treatment → status from the descriptions of the statuses enabled for sales."""
    suggested: dict[str, int] = {}
    for treatment, pattern in _PATTERNS:
        for status in settings.statuses:
            if status.sales and re.search(pattern, status.description, re.IGNORECASE):
                suggested.setdefault(treatment.value, status.status)
                break
    return suggested
