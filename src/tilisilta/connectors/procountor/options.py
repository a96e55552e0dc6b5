"""A Procountor connection's settings: what is stored in ``connection.options`` and its secrets."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from tilisilta.connectors.procountor.client.api import DOCUMENTED_RATE_LIMIT
from tilisilta.connectors.procountor.mapping.posting_products import DEFAULT_GROUP
from tilisilta.domain.documents import JournalType, VatTreatment

BASE_URLS = {
    "production": "https://api.procountor.com/api",
    "test": "https://pts-api.procountor.com/api",
    "sandbox": "http://127.0.0.1:8765/api",
}
SECRET_FIELDS = ("client_secret", "api_key")
# Keys older options held that are runtime state now: the VAT defaults fetched from Procountor
# (see flows.vat_settings and store.connection_state).
RUNTIME_KEYS = frozenset({"vat_settings"})


class SendingOption(StrEnum):
    """What happens to an invoice in Procountor after it is created."""

    UNFINISHED = "unfinished"  # leave it for a person to check and approve
    APPROVE = "approve"
    APPROVE_AND_SEND = "approve_and_send"


class ChannelChoice(StrEnum):
    AUTO = "auto"  # e-invoice if the customer has an address, else email, else mail
    EMAIL = "email"
    MAIL = "mail"
    EINVOICE = "einvoice"
    NONE = "none"


def default_vat_statuses() -> dict[str, int]:
    # The four statuses Procountor itself documents; the others are per company (GET /vats/default).
    return {
        VatTreatment.DOMESTIC: 1,
        VatTreatment.EXPORT: 3,
        VatTreatment.EU_GOODS: 5,
        VatTreatment.NO_VAT: 12,
    }


def default_payment_journals() -> dict[str, JournalType]:
    # Procountor payment event type → the ERP journal a fetched payment is booked in; a type not
    # listed goes to the bank journal.
    return {"CASH": JournalType.CASH}


class ProcountorOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    client_id: str
    redirect_uri: str
    sending: SendingOption = SendingOption.APPROVE
    channel: ChannelChoice = ChannelChoice.AUTO
    bank_account: str | None = None  # IBAN; None: the company's default account for invoices
    vat_statuses: dict[str, int] = Field(default_factory=default_vat_statuses)
    payment_journals: dict[str, JournalType] = Field(default_factory=default_payment_journals)
    create_dimension_items: bool = False  # add a missing item to an existing dimension
    attach_pdf: bool = True  # attach the invoice's PDF copy when it has one
    pdf_send_with_invoice: bool = False  # Procountor sends the PDF along with the invoice
    shrink_pdf: bool = False  # compress the PDF before attaching it
    # Calls a second per client id, shared by every company and process using it: Procountor's
    # documented limit. The hub slows down by itself on a 429 and climbs back to this.
    rate_limit_per_second: float = Field(default=DOCUMENTED_RATE_LIMIT, gt=0)
    timeout_seconds: float = 120.0
    # Registers: before an invoice, create or update its customer (found by customer number)
    # and its rows' products (by code) in Procountor, and link the invoice to them.
    create_customers: bool = False
    create_products: bool = False
    product_group: str | None = None  # group of the products the hub creates; made if absent
    # Posting products (seed 003): link each row to a product standing for its account, VAT
    # status, VAT rate and dimension items, made once in this group and reused.
    posting_products: bool = False
    posting_product_group: str = DEFAULT_GROUP

    @model_validator(mode="before")
    @classmethod
    def _without_state(cls, data: Any) -> Any:
        """Options stored before migration 0003 also held the fetched VAT defaults; they now
        live in ``connection_state``, so they are left out here."""
        if isinstance(data, dict) and RUNTIME_KEYS & data.keys():
            return {k: v for k, v in data.items() if k not in RUNTIME_KEYS}
        return data


class ProcountorSecrets(BaseModel):
    client_secret: str
    api_key: str
