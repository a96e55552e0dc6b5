"""A Netvisor connection's settings (``connection.options``) and its secrets."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from tilisilta.domain.documents import VatTreatment

BASE_URLS = {
    "production": "https://integration.netvisor.fi",
    "test": "https://isvapi.netvisor.fi",
    "sandbox": "http://127.0.0.1:8766",
}
SECRET_FIELDS = ("customer_key", "partner_key")


class MacScheme(StrEnum):
    """How requests are signed (the ``MACHashCalculationAlgorithm`` header)."""

    HMACSHA256 = "HMACSHA256"  # current
    SHA256 = "SHA256"
    MD5 = "MD5"  # legacy: the header is left out


class Language(StrEnum):
    FI = "FI"
    EN = "EN"
    SE = "SE"


class InvoiceStatus(StrEnum):
    """The status an invoice is imported with (seed 004's "Invoice status")."""

    OPEN = "open"  # already sent to the customer by the ERP: booked and payable at once
    UNSENT = "unsent"  # for Netvisor to send; booked when it leaves "unsent"


class ProductIdentification(StrEnum):
    CODE = "code"  # each row names its product by the ERP's product code
    GENERIC = "generic"  # every row names one generic product (``generic_product_code``)


def default_vat_codes() -> dict[str, str]:
    # Treatment → Netvisor VAT code (reference domain.md, the VAT table).
    return {
        VatTreatment.DOMESTIC: "KOMY",
        VatTreatment.DOMESTIC_REVERSE_CHARGE: "RAMY",
        VatTreatment.EU_GOODS: "EUMY",
        VatTreatment.EU_SERVICES: "EUPM312",
        VatTreatment.EXPORT: "EUUM",
        VatTreatment.OUTSIDE_SCOPE: "EUUM",
        VatTreatment.EXEMPT: "MUUL",
        VatTreatment.NO_VAT: "NONE",
    }


class NetvisorOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sender: str = "Tilisilta"  # the integration's name, sent with every request
    customer_id: str  # the API user's identifier (Netvisor: Company > API identifiers)
    partner_id: str  # the software partner's identifier
    organisation_id: str  # the Netvisor company's business ID; must be the hub company's
    language: Language = Language.FI
    mac_scheme: MacScheme = MacScheme.HMACSHA256
    invoice_status: InvoiceStatus = InvoiceStatus.OPEN
    product_identification: ProductIdentification = ProductIdentification.CODE
    generic_product_code: str = "TEMP"
    create_customers: bool = True  # create a missing customer (by customer code) first
    create_products: bool = True  # create a missing product (by product code) first
    product_group: str = "Tuotteet"  # group of the products the hub creates
    vat_codes: dict[str, str] = Field(default_factory=default_vat_codes)
    timeout_seconds: float = 120.0  # Netvisor advises at least 120 s
    # "Open in Netvisor": the web app's address of an invoice, with {key} for its NetvisorKey
    # (copied from the browser once; Netvisor documents no such address).
    invoice_link: str | None = None
    # Purchase invoices in (seed 004's fetching options).
    purchases_since: str | None = None  # ISO date; None: from the last fetch
    purchases_in_factual_verification_only: bool = False
    purchases_with_attachments: bool = True


class NetvisorSecrets(BaseModel):
    customer_key: str
    partner_key: str
