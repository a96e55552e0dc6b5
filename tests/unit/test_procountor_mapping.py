"""The pure mapping from the canonical invoice to Procountor's, checked against golden payloads."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tests.factories import credit_note, invoice
from tilisilta.cli.fixes import shown
from tilisilta.connectors.procountor.errors import explain_refusal
from tilisilta.connectors.procountor.mapping.invoices import (
    check_invoice,
    payment_reference,
    to_procountor_invoice,
)
from tilisilta.connectors.procountor.options import ProcountorOptions
from tilisilta.domain.documents import Invoice
from tilisilta.http.errors import ApiError
from tilisilta.http.jsonwire import decode_json, encode_json

GOLDEN = Path(__file__).parent.parent / "golden"
IBAN = "FI4950009420028730"
OPTIONS = ProcountorOptions(client_id="c", redirect_uri="http://x")


def _eu_goods() -> dict[str, Any]:
    data = invoice("1003")
    data["customer"] = {
        "ref": "C-SE",
        "name": "Svensk Handel AB",
        "vat_number": "SE556703748501",
        "address": {
            "street": "Storgatan 1",
            "postal_code": "11122",
            "city": "Stockholm",
            "country": "SE",
        },
        "language": "sv",
    }
    data["lines"] = [
        {
            "description": "Akkuporakone",
            "quantity": "4",
            "unit": "H87",
            "unit_price": "229.00",
            "vat_rate": "0",
            "vat_treatment": "eu_goods",
            "vat_exemption_reason": "Yhteisömyynti, AVL 72 a §",
        },
    ]
    return data


CASES = {
    "domestic": invoice("1001"),
    "credit_note": credit_note("1002", credits="1001", credited_invoice_date="2026-06-01"),
    "eu_goods": _eu_goods(),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_mapping_matches_the_golden_payload(name: str) -> None:
    payload = to_procountor_invoice(Invoice.model_validate(CASES[name]), OPTIONS, bank_account=IBAN)
    wire = decode_json(encode_json(payload))
    path = GOLDEN / f"procountor_invoice_{name}.json"
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_bytes(encode_json(wire, indent=2) + b"\n")
    assert wire == decode_json(path.read_text())


def test_the_mapped_invoice_has_every_field_procountor_requires() -> None:
    payload = to_procountor_invoice(
        Invoice.model_validate(invoice("1001")), OPTIONS, bank_account=IBAN
    )
    for field in (
        "type",
        "date",
        "counterParty",
        "paymentInfo",
        "extraInfo",
        "discountPercent",
        "invoiceRows",
        "invoiceChannel",
        "vatStatus",
        "language",
    ):
        assert field in payload
    assert payload["originalInvoiceNumber"] == "1001"
    assert payload["paymentInfo"]["bankAccount"] == {"accountNumber": IBAN}


def test_references_are_kept_made_from_the_number_or_left_to_procountor() -> None:
    assert payment_reference(Invoice.model_validate(invoice("1001"))) == ("10016", "FI")
    own = Invoice.model_validate(invoice("1001", payment_reference="RF18 5390 0754 7034"))
    assert payment_reference(own) == ("RF18539007547034", "RF")
    assert payment_reference(Invoice.model_validate(invoice("INV-7"))) == ("", None)


def test_unmapped_treatment_unit_and_missing_channel_fields_are_data_issues() -> None:
    data = invoice("1001")
    data["lines"][0]["vat_treatment"] = "eu_services"
    data["lines"][0]["vat_rate"] = "0"
    data["lines"][1]["unit"] = "XYZ"
    data["customer"]["email"] = None
    options = OPTIONS.model_copy(update={"channel": "email"})
    problems = check_invoice(Invoice.model_validate(data), options)
    by_rule = {p.rule: p for p in problems}
    assert "EU service sale" in by_rule["procountor_vat_status"].message
    assert "connection vat-status <connection> eu_services" in shown(
        by_rule["procountor_vat_status"].fix
    )
    assert by_rule["procountor_unit"].value == "XYZ"
    assert by_rule["procountor_channel_email"].field == "customer.email"


def test_the_channel_follows_what_the_customer_can_receive() -> None:
    def channel(**customer: Any) -> str:
        data = invoice("1001")
        data["customer"] = {**data["customer"], **customer}
        return str(
            to_procountor_invoice(Invoice.model_validate(data), OPTIONS, bank_account=IBAN)[
                "invoiceChannel"
            ]
        )

    assert channel() == "EMAIL"
    assert channel(einvoice_address="003701120389", einvoice_operator="003723327487") == (
        "ELECTRONIC_INVOICE"
    )
    assert channel(email=None) == "MAIL"
    assert channel(email=None, address={"country": "FI"}) == "NO_SENDING"


def test_a_rate_the_company_does_not_use_is_named_with_the_rates_in_use() -> None:
    from decimal import Decimal

    from tilisilta.connectors.procountor.mapping.vat_settings import VatSettings

    vat = VatSettings(sales_percentages=[Decimal("25.5"), Decimal(0)])
    problems = check_invoice(Invoice.model_validate(invoice("1001")), OPTIONS, vat=vat)
    [rate] = [p for p in problems if p.rule == "procountor_vat_rate"]
    assert rate.field == "lines[2].vat_rate"
    assert "13.5 % is not in use" in rate.message and "0, 25.5" in rate.message


def test_procountors_field_paths_are_said_in_our_line_numbers() -> None:
    refused = ApiError(
        400,
        "invoiceRows[1].discountPercent: INVALID_VALUE; counterParty.address.street: TOO_LONG",
    )
    said = explain_refusal(refused, "take the invoice")
    assert "line 2 discount: INVALID_VALUE" in said
    assert "customer address street: TOO_LONG" in said
    assert "invoiceRows" not in said and "counterParty" not in said
