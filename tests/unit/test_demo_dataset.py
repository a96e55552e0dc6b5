"""The demo batch: realistic, importable, and wrong in exactly the five documents meant to be."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from stdnum.eu import vat as eu_vat
from stdnum.fi import ytunnus

from tilisilta.connectors.files.mapping.invoices import parse_invoice_file, parse_invoices_json
from tilisilta.demo import demo_invoice_file, demo_invoices
from tilisilta.demo.dataset import DEMO_SELLER, INVALID_NOTE_PREFIX
from tilisilta.domain.documents import Invoice, InvoiceKind, Seller, VatTreatment
from tilisilta.domain.references import reference_error
from tilisilta.domain.validation import Severity, ValidationContext, validate_invoice

TODAY = date(2026, 11, 22)
# Mid-November, the first days of 2026 (a short window), and a later year.
DAYS = [TODAY, date(2026, 1, 3), date(2027, 3, 1)]


def imported(docs: list[dict[str, Any]]) -> list[Invoice]:
    result = parse_invoices_json(json.dumps({"invoices": docs}), "demo.json")
    assert result.problems == [], [str(p) for p in result.problems]
    return result.invoices


@pytest.fixture(scope="module")
def docs() -> list[dict[str, Any]]:
    return demo_invoices(TODAY)


@pytest.fixture(scope="module")
def invoices(docs: list[dict[str, Any]]) -> list[Invoice]:
    return imported(docs)


def is_invalid(doc: dict[str, Any]) -> bool:
    return str(doc.get("notes", "")).startswith(INVALID_NOTE_PREFIX)


def meant_valid(invoice: Invoice) -> bool:
    return not (invoice.notes or "").startswith(INVALID_NOTE_PREFIX)


def test_the_batch_imports_without_a_single_problem(
    docs: list[dict[str, Any]], invoices: list[Invoice]
) -> None:
    assert len(docs) >= 56
    assert len(invoices) == len(docs)


def test_amounts_are_strings_never_floats(docs: list[dict[str, Any]]) -> None:
    def walk(value: Any) -> None:
        assert not isinstance(value, float)
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(docs)
    assert all(isinstance(line["unit_price"], str) for doc in docs for line in doc["lines"])


def test_the_same_day_and_seed_give_the_same_batch() -> None:
    assert demo_invoices(TODAY, seed=3) == demo_invoices(TODAY, seed=3)
    assert demo_invoices(TODAY, seed=3) != demo_invoices(TODAY, seed=4)


def test_numbers_run_in_date_order_within_the_last_sixty_days(invoices: list[Invoice]) -> None:
    numbers = [int(i.number) for i in invoices]
    assert numbers == list(range(10001, 10001 + len(invoices)))
    assert all(len(i.number) <= 20 for i in invoices)
    dates = [i.invoice_date for i in invoices]
    assert dates == sorted(dates)
    assert TODAY - timedelta(days=60) <= dates[0] and dates[-1] <= TODAY
    assert all(i.line_supply_date(line).year == 2026 for i in invoices for line in i.lines)


def test_all_four_rates_and_the_zero_rated_treatments_are_used(invoices: list[Invoice]) -> None:
    lines = [line for i in invoices for line in i.lines]
    assert {Decimal("25.5"), Decimal("13.5"), Decimal("10"), Decimal("0")} <= {
        line.vat_rate for line in lines
    }
    treatments = Counter(line.vat_treatment for line in lines)
    for treatment in (VatTreatment.EU_GOODS, VatTreatment.EU_SERVICES, VatTreatment.EXPORT):
        assert treatments[treatment] > 0
    assert all(line.vat_exemption_reason for line in lines if line.vat_rate == 0)
    assert any(line.discount_percent > 0 for line in lines)
    assert {len(i.lines) for i in invoices} <= set(range(1, 7))


def test_customers_are_real_looking_with_valid_identifiers(invoices: list[Invoice]) -> None:
    customers = {i.customer.ref: i.customer for i in invoices if meant_valid(i)}
    assert len(customers) >= 10
    countries = {c.address.country for c in customers.values()}
    assert {"FI", "SE", "DE", "EE", "NL", "US", "AX"} <= countries
    for customer in customers.values():
        address = customer.address
        assert address.street and address.postal_code and address.city, customer.name
        if customer.business_id:
            assert ytunnus.is_valid(customer.business_id), customer.business_id
        if customer.vat_number:
            assert eu_vat.is_valid(customer.vat_number), customer.vat_number


def test_credit_notes_credit_earlier_invoices_of_the_batch(invoices: list[Invoice]) -> None:
    by_number = {i.number: i for i in invoices}
    credits = [i for i in invoices if i.kind is InvoiceKind.CREDIT_NOTE]
    assert len(credits) >= 3
    for credit in credits:
        original = by_number[credit.credited_invoice_number or ""]
        assert original.kind is InvoiceKind.SALES_INVOICE
        assert int(original.number) < int(credit.number)
        assert credit.credited_invoice_date == original.invoice_date
        assert credit.customer == original.customer
        assert all(line.quantity < 0 for line in credit.lines)
        assert 0 < -credit.gross_total <= original.gross_total


def test_most_payment_references_are_left_to_the_hub(invoices: list[Invoice]) -> None:
    given = [i.payment_reference for i in invoices if i.payment_reference and meant_valid(i)]
    assert 2 <= len(given) < len(invoices) // 4
    assert all(reference_error(ref) is None for ref in given)
    assert any(ref.startswith("RF") for ref in given)


def test_exactly_five_documents_are_marked_invalid(docs: list[dict[str, Any]]) -> None:
    assert sum(is_invalid(doc) for doc in docs) == 5


@pytest.mark.parametrize("seed", [7, 1, 2024])
@pytest.mark.parametrize("today", DAYS)
def test_the_domain_rules_reject_exactly_the_invalid_five(today: date, seed: int) -> None:
    docs = demo_invoices(today, seed)
    invoices = imported(docs)
    known = {i.number: i.gross_total for i in invoices if i.kind is InvoiceKind.SALES_INVOICE}
    context = ValidationContext(today=today, seller=Seller(**DEMO_SELLER), known_invoices=known)

    rules: list[str] = []
    for doc, invoice in zip(docs, invoices, strict=True):
        problems = validate_invoice(invoice, context)
        errors = [p for p in problems if p.severity is Severity.ERROR]
        if is_invalid(doc):
            assert len(errors) == 1, (doc["notes"], [str(p) for p in problems])
            rules.append(errors[0].rule)
        else:
            # Not even a warning: the demo shows clean documents going through.
            assert problems == [], [str(p) for p in problems]
    assert sorted(rules) == sorted(
        [
            "customer_business_id",
            "vat_rate_on_supply_date",
            "customer_vat_number_missing",
            "due_date_before_invoice_date",
            "payment_reference",
        ]
    )


def test_the_demo_file_is_the_wrapped_json_format(tmp_path: Path) -> None:
    path = demo_invoice_file(TODAY, tmp_path / "demo.json")
    assert list(json.loads(path.read_text(encoding="utf-8"))) == ["invoices"]
    result = parse_invoice_file(path)
    assert result.problems == []
    assert result.seen == len(demo_invoices(TODAY))


def test_the_batch_needs_the_2026_rates() -> None:
    with pytest.raises(ValueError, match="2026"):
        demo_invoices(date(2025, 12, 31))
