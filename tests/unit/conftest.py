"""Valid documents for the domain tests; each test breaks one thing with ``model_copy(update=...)``.

``tests`` is not a package, so the factory lives here as fixtures rather than an importable module.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tilisilta.domain.documents import (
    Address,
    DeliveryChannel,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    Party,
    Seller,
    VatTreatment,
)
from tilisilta.domain.validation import ValidationContext

TODAY = date(2025, 3, 20)


def _seller() -> Seller:
    return Seller(
        name="Tilisilta Demo Oy",
        business_id="2077474-0",
        vat_number="FI20774740",
        iban="FI49 5000 9420 0287 30",
        bic="NDEAFIHH",
    )


@pytest.fixture
def invoice() -> Invoice:
    """A domestic e-invoice: 1000.00 at 25.5 % and 33.75 at 14 %, gross 1293.48."""
    return Invoice(
        number="1001",
        invoice_date=date(2025, 3, 14),
        supply_date=date(2025, 3, 10),
        due_date=date(2025, 3, 28),
        seller=_seller(),
        customer=Party(
            ref="C1",
            name="Asiakas Oy",
            business_id="1234567-1",
            vat_number="FI12345671",
            address=Address(
                street="Mannerheimintie 1", postal_code="00100", city="Helsinki", country="FI"
            ),
            einvoice_address="003712345671",
            einvoice_operator="003723327487",
        ),
        lines=[
            InvoiceLine(
                description="Consulting",
                quantity=Decimal("10"),
                unit="HUR",
                unit_price=Decimal("100.00"),
                vat_rate=Decimal("25.5"),
                net_amount=Decimal("1000.00"),
            ),
            InvoiceLine(
                description="Lunch",
                quantity=Decimal("3"),
                unit="kpl",
                unit_price=Decimal("12.50"),
                discount_percent=Decimal("10"),
                vat_rate=Decimal("14"),
                net_amount=Decimal("33.75"),
            ),
        ],
        payment_reference="1232",
        channel=DeliveryChannel.EINVOICE,
        stated_vat={Decimal("25.5"): Decimal("255.00"), Decimal("14"): Decimal("4.73")},
        stated_total=Decimal("1293.48"),
    )


@pytest.fixture
def eu_goods_invoice() -> Invoice:
    """Goods to a Swedish company, intra-Community supply at 0 %."""
    return Invoice(
        number="1002",
        invoice_date=date(2025, 3, 14),
        due_date=date(2025, 4, 13),
        seller=_seller(),
        customer=Party(
            ref="C2",
            name="Kund AB",
            vat_number="SE556703748501",
            address=Address(
                street="Drottninggatan 1", postal_code="111 51", city="Stockholm", country="SE"
            ),
        ),
        lines=[
            InvoiceLine(
                description="Birch plywood",
                quantity=Decimal("100"),
                unit="KGM",
                unit_price=Decimal("2.50"),
                vat_rate=Decimal("0"),
                vat_treatment=VatTreatment.EU_GOODS,
                vat_exemption_reason="Yhteisömyynti, AVL 72 a §",
                net_amount=Decimal("250.00"),
            )
        ],
        channel=DeliveryChannel.EMAIL,
        stated_vat={Decimal("0"): Decimal("0.00")},
        stated_total=Decimal("250.00"),
    )


@pytest.fixture
def export_invoice() -> Invoice:
    """A USD sale to the United States, export at 0 %."""
    return Invoice(
        number="1003",
        invoice_date=date(2025, 3, 14),
        due_date=date(2025, 4, 13),
        currency="USD",
        exchange_rate=Decimal("1.0850"),
        seller=_seller(),
        customer=Party(
            ref="C3",
            name="Customer Inc",
            address=Address(
                street="1 Main Street", postal_code="10001", city="New York", country="US"
            ),
        ),
        lines=[
            InvoiceLine(
                description="Sauna stove",
                quantity=Decimal("1"),
                unit="pcs",
                unit_price=Decimal("500"),
                vat_rate=Decimal("0"),
                vat_treatment=VatTreatment.EXPORT,
                vat_exemption_reason="Vienti, AVL 70 §",
            )
        ],
        channel=DeliveryChannel.MAIL,
    )


@pytest.fixture
def credit_note(invoice: Invoice) -> Invoice:
    """Credits two hours of invoice 1001: -200.00 + -51.00 VAT."""
    line = invoice.lines[0].model_copy(
        update={"quantity": Decimal("-2"), "net_amount": Decimal("-200.00")}
    )
    return invoice.model_copy(
        update={
            "number": "1004",
            "kind": InvoiceKind.CREDIT_NOTE,
            "invoice_date": date(2025, 3, 18),
            "supply_date": None,
            "due_date": date(2025, 3, 18),
            "lines": [line],
            "payment_reference": None,
            "credited_invoice_number": "1001",
            "credited_invoice_date": date(2025, 3, 14),
            "stated_vat": {Decimal("25.5"): Decimal("-51.00")},
            "stated_total": Decimal("-251.00"),
        }
    )


@pytest.fixture
def context() -> ValidationContext:
    return ValidationContext(
        today=TODAY,
        known_invoices={"1001": Decimal("1293.48")},
        known_operators=frozenset({"003723327487", "NDEAFIHH"}),
    )
