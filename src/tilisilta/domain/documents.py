"""The canonical documents: what every connector maps to and from. Pure data, Decimal money.

Sign convention: a credit note carries negative quantities (its totals are negative), as in
Finvoice and Procountor; unit prices stay positive.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from tilisilta.domain.money import HUNDRED, round_money, vat_of

NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class Document(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    def content_hash(self) -> str:
        """A stable fingerprint of the content, to notice a document that changed after sending.
        Fields left at their defaults are not part of it, so adding an optional field to a
        model never makes every stored document look changed."""
        content = self.model_dump(mode="json", exclude_defaults=True)
        canonical = json.dumps(content, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()


class VatTreatment(StrEnum):
    """How VAT applies to a line; decides the code each target system needs."""

    DOMESTIC = "domestic"  # EN 16931 S
    DOMESTIC_REVERSE_CHARGE = "domestic_reverse_charge"  # AE, construction / scrap (AVL 8 c–d §)
    EU_GOODS = "eu_goods"  # K, intra-Community supply (AVL 72 a §)
    EU_SERVICES = "eu_services"  # AE, general rule (AVL 65 §)
    EXPORT = "export"  # G, outside the EU, Åland included
    OUTSIDE_SCOPE = "outside_scope"  # O
    EXEMPT = "exempt"  # E
    NO_VAT = "no_vat"  # no VAT handling at all

    @property
    def zero_rated(self) -> bool:
        return self is not VatTreatment.DOMESTIC

    @property
    def needs_buyer_vat_number(self) -> bool:
        return self in {
            VatTreatment.EU_GOODS,
            VatTreatment.EU_SERVICES,
            VatTreatment.DOMESTIC_REVERSE_CHARGE,
        }


class Address(Document):
    street: str | None = None
    postal_code: str | None = None
    city: str | None = None
    country: str = "FI"  # ISO 3166 alpha-2


class Party(Document):
    """A customer or supplier as the ERP knows it."""

    ref: NonEmpty  # the ERP's own key for the party
    name: NonEmpty
    business_id: str | None = None  # Y-tunnus for Finnish companies
    vat_number: str | None = None
    customer_number: str | None = None
    address: Address = Field(default_factory=Address)
    email: str | None = None
    einvoice_address: str | None = None
    einvoice_operator: str | None = None
    language: str = "fi"  # ISO 639-1


class Seller(Document):
    """The invoicing company, as printed on the invoice."""

    name: NonEmpty
    business_id: str
    vat_number: str | None = None
    iban: str | None = None
    bic: str | None = None


class InvoiceKind(StrEnum):
    SALES_INVOICE = "sales_invoice"
    CREDIT_NOTE = "credit_note"


class DeliveryChannel(StrEnum):
    EMAIL = "email"
    MAIL = "mail"
    EINVOICE = "einvoice"
    NONE = "none"


class InvoiceLine(Document):
    description: NonEmpty
    product_code: str | None = None
    quantity: Decimal
    unit: str = "C62"  # UN/ECE Rec 20
    unit_price: Decimal  # excluding VAT
    discount_percent: Decimal = Decimal(0)
    vat_rate: Decimal  # percent, e.g. 25.5
    vat_treatment: VatTreatment = VatTreatment.DOMESTIC
    vat_exemption_reason: str | None = None  # basis text or VATEX code, for 0 % lines
    supply_date: date | None = None  # defaults to the invoice's
    net_amount: Decimal | None = None  # as the ERP computed it; checked against the arithmetic
    account: str | None = None  # revenue account, when the ERP codes rows itself
    dimensions: dict[str, str] = Field(default_factory=dict)  # dimension name -> item code

    @property
    def coded(self) -> bool:
        """Whether the row carries its own accounting (account or dimension items)."""
        return bool(self.account or self.dimensions)

    @property
    def computed_net(self) -> Decimal:
        return round_money(
            self.quantity * self.unit_price * (HUNDRED - self.discount_percent) / HUNDRED
        )


class Product(Document):
    """A product as the ERP knows it; ``code`` is its key."""

    code: NonEmpty
    name: NonEmpty
    unit: str = "C62"  # UN/ECE Rec 20
    unit_price: Decimal = Decimal(0)  # excluding VAT
    vat_rate: Decimal | None = None  # percent
    vat_treatment: VatTreatment = VatTreatment.DOMESTIC
    currency: str = "EUR"

    @classmethod
    def from_line(cls, line: InvoiceLine, currency: str) -> Product:
        """The product an invoice row names by its product code, as the row describes it."""
        assert line.product_code
        return cls(
            code=line.product_code,
            name=line.description,
            unit=line.unit,
            unit_price=line.unit_price,
            vat_rate=line.vat_rate,
            vat_treatment=line.vat_treatment,
            currency=currency,
        )


class FileCopy(Document):
    """A file that travels with a document, e.g. the invoice as a PDF."""

    name: NonEmpty
    content_base64: str


class VatSummary(Document):
    rate: Decimal
    net: Decimal
    vat: Decimal


class Invoice(Document):
    """A sales invoice or credit note."""

    number: NonEmpty
    kind: InvoiceKind = InvoiceKind.SALES_INVOICE
    invoice_date: date
    supply_date: date | None = None
    due_date: date
    currency: str = "EUR"
    exchange_rate: Decimal | None = None  # units of currency per euro, for non-EUR invoices
    seller: Seller | None = None  # filled from the company when the ERP leaves it out
    customer: Party
    lines: list[InvoiceLine] = Field(min_length=1)
    payment_reference: str | None = None  # Finnish or RF; generated when absent
    credited_invoice_number: str | None = None
    credited_invoice_date: date | None = None
    order_reference: str | None = None
    buyer_reference: str | None = None
    notes: str | None = None
    channel: DeliveryChannel | None = None  # None: the connection's default
    stated_vat: dict[Decimal, Decimal] | None = None  # VAT per rate as the ERP computed it
    stated_total: Decimal | None = None  # gross total as the ERP computed it
    pdf: FileCopy | None = None  # the invoice as printed, to attach in the accounting system

    def line_supply_date(self, line: InvoiceLine) -> date:
        return line.supply_date or self.supply_date or self.invoice_date

    def vat_breakdown(self) -> list[VatSummary]:
        """VAT per rate from the summed line nets, rounded half-up (EN 16931 BR-CO-17)."""
        return [VatSummary(rate=rate, net=net, vat=vat) for rate, net, vat in self._per_rate()]

    def _per_rate(self) -> list[tuple[Decimal, Decimal, Decimal]]:
        """(rate, net, VAT) per rate, highest rate first: `vat_breakdown` without the models,
        for the totals, which every check of every invoice needs."""
        nets: dict[Decimal, Decimal] = {}
        for line in self.lines:
            key = Decimal(format(line.vat_rate.normalize(), "f"))  # 10, not 1E+1
            nets[key] = nets.get(key, Decimal(0)) + line.computed_net
        return [(rate, net, vat_of(net, rate)) for rate, net in sorted(nets.items(), reverse=True)]

    @property
    def net_total(self) -> Decimal:
        return sum((net for _, net, _ in self._per_rate()), Decimal(0))

    @property
    def vat_total(self) -> Decimal:
        return sum((vat for _, _, vat in self._per_rate()), Decimal(0))

    @property
    def gross_total(self) -> Decimal:
        """The total computed per VAT rate (EN 16931), whatever the ERP stated."""
        return sum((net + vat for _, net, vat in self._per_rate()), Decimal(0))

    @property
    def total(self) -> Decimal:
        """The invoice's total as the hub keeps it: the ERP's own figure when it gave one (so
        the hub agrees with the ERP to the cent), else the one computed per VAT rate."""
        return self.stated_total if self.stated_total is not None else self.gross_total

    def vat_rounded_per_line(self) -> dict[Decimal, Decimal]:
        """VAT per rate as an ERP or accounting system that rounds each line's VAT computes it
        (Odoo's default, and Procountor)."""
        vat: dict[Decimal, Decimal] = {}
        for line in self.lines:
            key = Decimal(format(line.vat_rate.normalize(), "f"))
            vat[key] = vat.get(key, Decimal(0)) + vat_of(line.computed_net, line.vat_rate)
        return vat


class JournalType(StrEnum):
    BANK = "bank"
    CASH = "cash"


class Payment(Document):
    """A payment received against a sales invoice, to be written back to the ERP."""

    external_id: NonEmpty  # the accounting system's id for the payment event
    invoice_number: NonEmpty
    amount: Decimal
    currency: str = "EUR"
    payment_date: date
    journal: JournalType = JournalType.BANK
    description: str | None = None


class PurchaseLine(Document):
    description: str = ""
    product_code: str | None = None
    quantity: Decimal = Decimal(1)
    unit_price: Decimal | None = None  # excluding VAT, as the vendor priced it
    vat_rate: Decimal = Decimal(0)  # percent
    vat_code: str | None = None  # the accounting system's own code (Netvisor: KOOS, EUOS…)
    net_amount: Decimal  # excluding VAT
    gross_amount: Decimal  # including VAT
    account: str | None = None  # the accounting suggestion, e.g. "4000"


class PurchaseInvoice(Document):
    """A vendor's invoice as the accounting system received it, to be booked in the ERP."""

    source_id: NonEmpty  # the accounting system's key for it
    number: str = ""  # the vendor's invoice number
    invoice_date: date
    due_date: date | None = None
    currency: str = "EUR"
    total: Decimal  # including VAT
    vendor: Party
    payment_reference: str | None = None
    vendor_iban: str | None = None
    description: str | None = None
    approval: str | None = None  # e.g. "open" (in factual verification), "approved", "accepted"
    lines: list[PurchaseLine] = Field(default_factory=list)
    attachments: list[FileCopy] = Field(default_factory=list)
