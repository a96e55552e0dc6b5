"""Every XML body the Netvisor connector sends is valid against Netvisor's DTDs (2024)."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from tests.factories import credit_note, invoice
from tilisilta.connectors.netvisor.client.wire import body, node, tree
from tilisilta.connectors.netvisor.mapping import registers
from tilisilta.connectors.netvisor.mapping.invoices import sales_invoice
from tilisilta.connectors.netvisor.options import (
    InvoiceStatus,
    NetvisorOptions,
    ProductIdentification,
)
from tilisilta.domain.documents import Invoice, Party, Product

DTDS = Path(__file__).parent.parent / "data" / "netvisor" / "dtd"


def dtd(name: str) -> etree.DTD:
    text = (DTDS / f"{name}.dtd").read_text()
    inner = text[text.index("[") + 1 : text.rindex("]")]  # the files wrap it in <!DOCTYPE root [
    return etree.DTD(io.StringIO(inner))


def assert_valid(name: str, content: bytes) -> None:
    schema = dtd(name)
    document = etree.fromstring(content)
    assert schema.validate(document), schema.error_log.filter_from_errors()
    assert not content.startswith(b"<?xml")  # Netvisor refuses a declaration


def options(**changes: Any) -> NetvisorOptions:
    base = {"customer_id": "c", "partner_id": "p", "organisation_id": "0112038-9"}
    return NetvisorOptions.model_validate({**base, **changes})


def domestic() -> dict[str, Any]:
    data = invoice("1001", order_reference="PO-7", buyer_reference="Matti", notes="Kiitos!")
    data["lines"][0] |= {
        "product_code": "ASENNUS",
        "account": "3000",
        "dimensions": {"Projekti": "P1"},
    }
    data["lines"][1]["product_code"] = "KAHVI"
    return data


CASES = {
    "domestic": domestic(),
    "credit note": credit_note(
        "1002",
        "1001",
        lines=[
            {
                "description": "Hyvitys",
                "product_code": "ASENNUS",
                "quantity": "-1",
                "unit": "HUR",
                "unit_price": "85.00",
                "vat_rate": "25.5",
            }
        ],
    ),
    "foreign currency, EU goods": invoice(
        "1003",
        currency="SEK",
        exchange_rate="11.2",
        customer={
            "ref": "C-9",
            "name": "Svensk AB",
            "vat_number": "SE556677889901",
            "address": {"country": "SE"},
        },
        lines=[
            {
                "description": "Kaffe",
                "product_code": "KAHVI",
                "quantity": "10",
                "unit": "KGM",
                "unit_price": "20",
                "vat_rate": "0",
                "vat_treatment": "eu_goods",
            }
        ],
    ),
}


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("status", list(InvoiceStatus))
def test_sales_invoices_are_valid(case: str, status: InvoiceStatus) -> None:
    document = Invoice.model_validate(CASES[case])
    assert_valid("salesinvoice", body(sales_invoice(document, options(invoice_status=status))))


def test_a_generic_product_invoice_is_valid() -> None:
    document = Invoice.model_validate(invoice("1004"))
    generic = options(product_identification=ProductIdentification.GENERIC)
    assert_valid("salesinvoice", body(sales_invoice(document, generic)))


def test_customers_and_products_are_valid() -> None:
    party = Party.model_validate(
        {
            "ref": "odoo:7",
            "name": "Rakennus Virtanen Oy",
            "business_id": "0112038-9",
            "customer_number": "1001",
            "email": "a@b.example",
            "einvoice_address": "003701120389",
            "einvoice_operator": "003721291126",
            "address": {"street": "Katu 1", "postal_code": "00100", "city": "Helsinki"},
        }
    )
    assert_valid("customer", body(registers.customer(party)))
    bare = Party.model_validate({"ref": "odoo:8", "name": "Matti"})
    assert_valid("customer", body(registers.customer(bare)))
    product = Product(
        code="KAHVI", name="Kahvi 1 kg", unit_price=Decimal("21.90"), vat_rate=Decimal("13.5")
    )
    assert_valid("product", body(registers.product(product, "Tuotteet")))
    assert_valid(
        "product", body(registers.product(Product(code="X", name="Ilman veroa"), "Tuotteet"))
    )


def test_a_dtd_violation_is_caught_here() -> None:
    # The check itself can fail: a body with elements out of DTD order is invalid.
    wrong = tree(
        "product",
        [
            tree(
                "productbaseinformation",
                [
                    node("name", "x"),
                    node("productgroup", "g"),
                    node("unitprice", "1", type="net"),
                    node("isactive", 1),
                    node("issalesproduct", 1),
                ],
            )
        ],
    )
    schema = dtd("product")
    assert not schema.validate(etree.fromstring(body(wrong)))
