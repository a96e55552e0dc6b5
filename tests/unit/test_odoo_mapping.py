"""Odoo records → canonical invoices: the pure mapping, on records shaped as Odoo reads them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from tilisilta.cli.fixes import shown
from tilisilta.connectors.odoo.mapping.cursor import after_second, rewind, second_window
from tilisilta.connectors.odoo.mapping.records import (
    Catalog,
    MappingFailed,
    MoveRecords,
    tax_treatment,
    to_invoice,
)
from tilisilta.connectors.odoo.options import Cursor
from tilisilta.domain.documents import InvoiceKind, VatTreatment

TAXES: dict[int, dict[str, Any]] = {
    1: {"id": 1, "name": "25.5% Sales", "amount": 25.5, "amount_type": "percent"},
    2: {"id": 2, "name": "0% EU goods (intra-community)", "amount": 0.0, "amount_type": "percent"},
    3: {"id": 3, "name": "0% Sales", "amount": 0.0, "amount_type": "percent"},
    4: {"id": 4, "name": "Eco fee", "amount": 2.0, "amount_type": "fixed"},
}
CATALOG = Catalog(
    taxes=TAXES,
    countries={76: "FI", 205: "SE"},
    products={9: {"id": 9, "default_code": "WIDGET-1", "name": "Widget"}},
)


def partner(**over: Any) -> dict[str, Any]:
    return {
        "id": 7,
        "name": "Asiakas Oy",
        "ref": "C-100",
        "vat": "FI20774740",
        "company_registry": False,
        "street": "Mannerheimintie 1",
        "street2": "B 12",
        "zip": "00100",
        "city": "Helsinki",
        "country_id": [76, "Finland"],
        "email": "laskut@asiakas.fi",
        "lang": "fi_FI",
        **over,
    }


def line(**over: Any) -> dict[str, Any]:
    return {
        "id": 101,
        "name": "Widget, blue",
        "display_type": "product",
        "product_id": [9, "[WIDGET-1] Widget"],
        "quantity": 3.0,
        "product_uom_id": [1, "Units"],
        "price_unit": 12.3,
        "discount": 10.0,
        "tax_ids": [1],
        "price_subtotal": 33.21,
        **over,
    }


def move(**over: Any) -> dict[str, Any]:
    return {
        "id": 42,
        "name": "INV/2026/00007",
        "move_type": "out_invoice",
        "invoice_date": "2026-06-01",
        "invoice_date_due": "2026-06-15",
        "currency_id": [1, "EUR"],
        "payment_reference": "INV/2026/00007",
        "ref": "PO-55",
        "invoice_origin": "S00031",
        "amount_total": 41.68,
        **over,
    }


def test_an_invoice_maps_with_its_rows_customer_and_references() -> None:
    invoice = to_invoice(MoveRecords(move=move(), lines=[line()], partner=partner()), CATALOG)
    assert invoice.number == "INV/2026/00007"
    assert invoice.kind is InvoiceKind.SALES_INVOICE
    assert str(invoice.due_date) == "2026-06-15"
    row = invoice.lines[0]
    assert (row.quantity, row.unit_price, row.discount_percent) == (
        Decimal("3.0"),
        Decimal("12.3"),
        Decimal("10.0"),
    )
    assert row.vat_rate == Decimal("25.5") and row.vat_treatment is VatTreatment.DOMESTIC
    assert row.product_code == "WIDGET-1" and row.unit == "C62"
    assert row.net_amount == Decimal("33.21") == row.computed_net
    customer = invoice.customer
    assert customer.business_id == "2077474-0"  # from the FI VAT number
    assert customer.customer_number == "C-100"
    assert customer.address.street == "Mannerheimintie 1 B 12"
    assert customer.language == "fi"
    # Odoo's default payment reference is the invoice number: not a Finnish reference
    assert invoice.payment_reference is None
    assert invoice.order_reference == "S00031" and invoice.buyer_reference == "PO-55"
    assert invoice.stated_total == Decimal("41.68")


def test_a_credit_note_has_negative_quantities_and_names_what_it_credits() -> None:
    records = MoveRecords(
        move=move(move_type="out_refund", name="RINV/2026/00001", amount_total=41.68),
        lines=[line()],
        partner=partner(),
        credited={"id": 42, "name": "INV/2026/00007", "invoice_date": "2026-06-01"},
    )
    note = to_invoice(records, CATALOG)
    assert note.kind is InvoiceKind.CREDIT_NOTE
    assert note.lines[0].quantity == Decimal("-3.0")
    assert note.lines[0].net_amount == Decimal("-33.21")
    assert note.stated_total == Decimal("-41.68")
    assert note.credited_invoice_number == "INV/2026/00007"


def test_sections_and_notes_are_not_rows_and_a_valid_reference_is_kept() -> None:
    rows = [line(), line(id=102, display_type="line_note", name="Thanks!", tax_ids=[])]
    invoice = to_invoice(
        MoveRecords(move=move(payment_reference="RF18539007547034"), lines=rows, partner=partner()),
        CATALOG,
    )
    assert len(invoice.lines) == 1
    assert invoice.payment_reference == "RF18539007547034"


def test_every_problem_is_named_with_its_fix() -> None:
    rows = [
        line(tax_ids=[1, 3]),
        line(id=102, tax_ids=[3]),
        line(id=103, product_uom_id=[8, "Dozens of crates"]),
        line(id=104, tax_ids=[4]),
    ]
    with pytest.raises(MappingFailed) as caught:
        to_invoice(MoveRecords(move=move(), lines=rows, partner=partner()), CATALOG)
    problems = caught.value.problems
    assert caught.value.label == "Invoice INV/2026/00007 (Odoo id 42)"
    assert "line 1" in problems[0] and "2 taxes" in problems[0] and "exactly one" in problems[0]
    assert "'0% Sales' (id 3)" in problems[1]
    assert "odoo tax-map <connection> 3" in shown(problems[1])
    assert "'Dozens of crates'" in problems[2] and "unit-map" in shown(problems[2])
    assert "fixed tax" in problems[3]


def test_a_mapped_tax_and_unit_are_used() -> None:
    catalog = Catalog(
        taxes=TAXES,
        countries={76: "FI"},
        tax_treatments={"3": VatTreatment.EXEMPT},
        units={"Dozens of crates": "XCR"},
    )
    rows = [line(tax_ids=[3], product_uom_id=[8, "Dozens of crates"], product_id=False)]
    invoice = to_invoice(MoveRecords(move=move(), lines=rows, partner=partner()), catalog)
    assert invoice.lines[0].vat_treatment is VatTreatment.EXEMPT
    assert invoice.lines[0].unit == "XCR"
    assert invoice.lines[0].product_code is None


@pytest.mark.parametrize(
    ("name", "treatment"),
    [
        ("0% EU goods (intra-community)", VatTreatment.EU_GOODS),
        ("0% EU services (reverse charge)", VatTreatment.EU_SERVICES),
        ("0% Export outside EU", VatTreatment.EXPORT),
        ("0% Construction reverse charge", VatTreatment.DOMESTIC_REVERSE_CHARGE),
        ("0% Exempt", VatTreatment.EXEMPT),
    ],
)
def test_zero_rate_taxes_are_told_apart_by_their_names(name: str, treatment: VatTreatment) -> None:
    assert tax_treatment({"id": 5, "name": name, "amount": 0.0}, {}) is treatment


def test_the_cursor_reads_its_second_as_a_half_open_window_by_id_and_never_compares_equal() -> None:
    cursor = Cursor(write_date="2026-06-15 07:00:00", id=17)
    assert second_window(cursor) == [
        ("write_date", ">=", "2026-06-15 07:00:00"),
        ("write_date", "<", "2026-06-15 07:00:01"),
        ("id", ">", 17),
    ]
    assert after_second(cursor) == [("write_date", ">=", "2026-06-15 07:00:01")]
    assert after_second(None) == []
    assert rewind(cursor, 600) == Cursor(write_date="2026-06-15 06:50:00", id=0)
