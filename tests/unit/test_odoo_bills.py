"""Purchase invoices → Odoo vendor bill values (pure): the lines' figures, the vendor's
identifiers, the problems that stop a bill before any write."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tilisilta.connectors.odoo.mapping.bills import (
    BillSetup,
    PurchaseTax,
    bill_values,
    identifiers,
    priced,
    problems,
    rate_key,
)
from tilisilta.domain.documents import FileCopy, Party, PurchaseInvoice, PurchaseLine

SETUP = BillSetup(
    company_id=1,
    journal_id=7,
    taxes={rate_key("25.5"): PurchaseTax(11, "25,5 % osto"), rate_key(0): PurchaseTax(12, "0 %")},
    currencies={"EUR": 1},
    accounts={"4000": 40},
)


def line(
    net: str, quantity: str = "1", unit: str | None = None, rate: str = "25.5"
) -> PurchaseLine:
    return PurchaseLine(
        description="Rivi",
        quantity=Decimal(quantity),
        unit_price=Decimal(unit) if unit else None,
        vat_rate=Decimal(rate),
        net_amount=Decimal(net),
        gross_amount=Decimal(net),
    )


@pytest.mark.parametrize(
    ("item", "sign", "expected"),
    [
        (line("50.00", "4", "12.50"), 1, (Decimal(4), Decimal("12.50"), "Rivi")),
        (line("10.00", "3", "3.3333"), 1, (Decimal(1), Decimal("10.00"), "Rivi (3 × 3.3333)")),
        (line("10.00", "0.333"), 1, (Decimal(1), Decimal("10.00"), "Rivi (0.333)")),
        (line("-20.00", "-2", "10.00"), -1, (Decimal(2), Decimal("10.00"), "Rivi")),
        (line("-5.00", "1", "-5.00"), 1, (Decimal(1), Decimal("-5.00"), "Rivi")),  # a discount
        (line("0.00", "0"), 1, (Decimal(1), Decimal(0), "Rivi")),
    ],
)
def test_a_bill_line_nets_what_the_purchase_line_nets(
    item: PurchaseLine, sign: int, expected: tuple[Decimal, Decimal, str]
) -> None:
    quantity, unit, name = priced(item, sign, 1)
    assert (quantity, unit, name) == expected
    assert (quantity * unit).quantize(Decimal("0.01")) == sign * item.net_amount


def test_the_vendors_identifiers_as_odoo_keeps_them() -> None:
    assert identifiers(Party(ref="v", name="V", business_id="0112038-9")) == (
        "0112038-9",
        "FI01120389",
    )
    assert identifiers(Party(ref="v", name="V", business_id="112038-9")) == (
        "0112038-9",
        "FI01120389",
    )
    assert identifiers(Party(ref="v", name="V", business_id="SE556677889901")) == (
        None,
        "SE556677889901",
    )
    assert identifiers(Party(ref="v", name="V", business_id="12-345")) == ("12-345", None)
    assert identifiers(Party(ref="v", name="V")) == (None, None)


def invoice(**changes: object) -> PurchaseInvoice:
    base = PurchaseInvoice(
        source_id="9",
        number="V-9",
        invoice_date=date(2026, 6, 1),
        total=Decimal("125.50"),
        vendor=Party(ref="v", name="Toimittaja Oy"),
        lines=[line("100.00")],
    )
    return base.model_copy(update=changes)


def test_what_stops_a_bill_names_the_invoice_the_field_and_the_value() -> None:
    assert problems(invoice(), SETUP) == []
    found = problems(
        invoice(
            currency="SEK",
            lines=[line("100.00"), line("10.00", rate="14")],
            attachments=[FileCopy(name="a.pdf", content_base64="not base64!")],
        ),
        SETUP,
    )
    assert [(p.field, p.value) for p in found] == [
        ("currency", "SEK"),
        ("lines[2].vat_rate", "14"),
        ("attachments[1]", "a.pdf"),
    ]
    assert all(p.document == "Purchase invoice V-9 from Toimittaja Oy" for p in found)
    assert [p.field for p in problems(invoice(lines=[]), SETUP)] == ["lines"]


def test_a_negative_total_is_a_vendor_credit_note_with_positive_lines() -> None:
    values = bill_values(
        invoice(total=Decimal("-125.50"), lines=[line("-100.00", "-1", "100.00")], due_date=None),
        ref="netvisor:9",
        vendor_id=5,
        setup=SETUP,
    )
    assert values["move_type"] == "in_refund" and values["invoice_origin"] == "Tilisilta netvisor:9"
    assert "invoice_date_due" not in values and "invoice_payment_term_id" not in values
    [(_, _, row)] = values["invoice_line_ids"]
    assert (row["quantity"], row["price_unit"], row["tax_ids"]) == (1.0, 100.0, [(6, 0, [11])])
