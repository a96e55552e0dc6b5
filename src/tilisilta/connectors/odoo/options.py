"""An Odoo connection's settings: what is stored in ``connection.options`` and its secrets."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from tilisilta.connectors.odoo.client import RpcProtocol
from tilisilta.domain.documents import VatTreatment

SECRET_FIELDS = ("api_key",)
SANDBOX_URL = "http://127.0.0.1:8069"
# Keys older options held that are runtime state now (see store.connection_state).
RUNTIME_KEYS = frozenset({"cursors", "version"})


class Cursor(BaseModel):
    """How far an incremental pull got: the last (write_date, id) it stored."""

    model_config = ConfigDict(extra="forbid")

    write_date: str  # Odoo's naive UTC "YYYY-MM-DD HH:MM:SS"
    id: int
    # True while a pull is part-way: the next one resumes right here (its overlap window was
    # already read from), instead of starting the window again.
    resume: bool = False


class OdooOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    database: str
    login: str
    # The one Odoo company this connection reads and writes for; records of any other company
    # are never read, so they are never sent anywhere.
    odoo_company_id: int
    protocol: RpcProtocol = RpcProtocol.AUTO
    page_size: int = Field(default=200, ge=1, le=1000)
    # Each pull re-reads this much before its cursor: a long Odoo transaction can commit records
    # whose write_date is older than what the previous pull saw.
    overlap_seconds: int = Field(default=600, ge=0)
    # "bank"/"cash" (payments) and "purchase" (vendor bills) → journal id
    journals: dict[str, int] = Field(default_factory=dict)
    tax_treatments: dict[str, VatTreatment] = Field(default_factory=dict)  # tax id → treatment
    units: dict[str, str] = Field(default_factory=dict)  # Odoo unit name → UN/ECE Rec 20 code
    attach_pdf: bool = True  # read the invoice's PDF attachment when Odoo has one
    # Vendor bills made from purchase invoices are left in draft for a person to check and post,
    # unless this says to post them (only ever one whose total is the purchase invoice's).
    post_vendor_bills: bool = False
    rate_limit_per_second: float = Field(default=20.0, gt=0)
    timeout_seconds: float = Field(default=120.0, gt=0)

    @model_validator(mode="before")
    @classmethod
    def _without_state(cls, data: Any) -> Any:
        """Options stored before migration 0003 also held runtime state (the pull cursors and
        the detected version); that now lives in ``connection_state``, so it is left out here."""
        if isinstance(data, dict) and RUNTIME_KEYS & data.keys():
            return {k: v for k, v in data.items() if k not in RUNTIME_KEYS}
        return data


class OdooSecrets(BaseModel):
    model_config = ConfigDict(extra="forbid")

    api_key: str
