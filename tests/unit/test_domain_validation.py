"""One broken document per §6 rule; the good documents come from conftest.py."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from tilisilta.domain.documents import (
    Address,
    DeliveryChannel,
    Invoice,
    InvoiceKind,
    Seller,
    VatTreatment,
)
from tilisilta.domain.validation import (
    Problem,
    Severity,
    ValidationContext,
    blocks_sending,
    document_label,
    validate_invoice,
)

D = Decimal


def with_line(invoice: Invoice, index: int = 0, **changes: Any) -> Invoice:
    lines = list(invoice.lines)
    lines[index] = lines[index].model_copy(update=changes)
    return invoice.model_copy(update={"lines": lines})


def with_customer(invoice: Invoice, **changes: Any) -> Invoice:
    return invoice.model_copy(update={"customer": invoice.customer.model_copy(update=changes)})


def with_address(invoice: Invoice, **changes: Any) -> Invoice:
    return with_customer(invoice, address=invoice.customer.address.model_copy(update=changes))


def with_seller(invoice: Invoice, **changes: Any) -> Invoice:
    assert invoice.seller is not None
    return invoice.model_copy(update={"seller": invoice.seller.model_copy(update=changes)})


def the(problems: list[Problem], rule: str) -> Problem:
    """The one problem of ``rule``; fails if there is none or more than one."""
    matching = [p for p in problems if p.rule == rule]
    assert len(matching) == 1, [str(p) for p in problems]
    return matching[0]


def rules(problems: list[Problem]) -> list[str]:
    return [p.rule for p in problems]


# --- the good documents -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fixture", ["invoice", "eu_goods_invoice", "export_invoice", "credit_note"]
)
def test_good_documents_have_no_problems(
    fixture: str, request: pytest.FixtureRequest, context: ValidationContext
) -> None:
    document = request.getfixturevalue(fixture)
    assert validate_invoice(document, context) == []


def test_document_label(invoice: Invoice, credit_note: Invoice) -> None:
    assert document_label(invoice) == "Invoice 1001"
    assert document_label(credit_note) == "Credit note 1004"


def test_problem_str_names_document_field_value_and_fix(
    invoice: Invoice, context: ValidationContext
) -> None:
    bad = with_line(invoice, vat_rate=D("24"), supply_date=date(2025, 2, 1))
    problem = the(validate_invoice(bad, context), "vat_rate_on_supply_date")
    assert str(problem) == (
        "Invoice 1001, lines[1].vat_rate = '24': 24 % is not valid for supply date 2025-02-01. "
        "Fix: use 25.5 %."
    )


def test_only_errors_block_sending(invoice: Invoice, context: ValidationContext) -> None:
    warned = with_line(invoice, description="x" * 101)
    problems = validate_invoice(warned, context)
    assert rules(problems) == ["line_description_length"]
    assert not blocks_sending(problems)
    assert blocks_sending(validate_invoice(invoice.model_copy(update={"number": ""}), context))


# --- §6.1 number -----------------------------------------------------------------------------


def test_number_missing(invoice: Invoice, context: ValidationContext) -> None:
    problem = the(
        validate_invoice(invoice.model_copy(update={"number": " "}), context), "number_missing"
    )
    assert problem.field == "number" and problem.value is None
    assert problem.document == "Invoice (no number)"
    assert problem.message == "Invoice number is missing."


def test_number_too_long(invoice: Invoice, context: ValidationContext) -> None:
    ok = invoice.model_copy(update={"number": "N" * 20})
    assert validate_invoice(ok, context) == []
    bad = invoice.model_copy(update={"number": "N" * 21})
    problem = the(validate_invoice(bad, context), "number_too_long")
    assert problem.field == "number" and problem.value == "N" * 21
    assert "is 21 characters; at most 20" in problem.message


# --- §6.3, §6.4, §6.19 dates ---------------------------------------------------------------


def test_invoice_date_in_future(invoice: Invoice, context: ValidationContext) -> None:
    today = invoice.model_copy(update={"invoice_date": context.today})
    assert validate_invoice(today, context) == []
    bad = invoice.model_copy(update={"invoice_date": date(2025, 3, 21)})
    problem = the(validate_invoice(bad, context), "invoice_date_in_future")
    assert problem.field == "invoice_date" and problem.value == "2025-03-21"
    assert problem.message == "Invoice date 2025-03-21 is in the future (today is 2025-03-20)."


def test_missing_supply_date_defaults_to_the_invoice_date(
    invoice: Invoice, context: ValidationContext
) -> None:
    assert validate_invoice(invoice.model_copy(update={"supply_date": None}), context) == []


def test_supply_date_far_from_invoice_date_is_a_warning(
    invoice: Invoice, context: ValidationContext
) -> None:
    bad = with_line(invoice, supply_date=date(2052, 3, 10))
    problem = the(validate_invoice(bad, context), "supply_date_far_from_invoice_date")
    assert problem.severity is Severity.WARNING
    assert problem.field == "lines[1].supply_date" and problem.value == "2052-03-10"
    assert "days after the invoice date 2025-03-14" in problem.message
    assert "year" in problem.fix


def test_due_date_before_invoice_date(invoice: Invoice, context: ValidationContext) -> None:
    bad = invoice.model_copy(update={"due_date": date(2025, 3, 13)})
    problem = the(validate_invoice(bad, context), "due_date_before_invoice_date")
    assert problem.field == "due_date" and problem.value == "2025-03-13"
    assert problem.message == "Due date 2025-03-13 is before invoice date 2025-03-14."


# --- §6.5, §6.18 seller ---------------------------------------------------------------------


def test_seller_business_id(invoice: Invoice, context: ValidationContext) -> None:
    bad = with_seller(invoice, business_id="2077474-1")
    problem = the(validate_invoice(bad, context), "seller_business_id")
    assert problem.field == "seller.business_id" and problem.value == "2077474-1"
    assert (
        problem.message == "Seller business ID '2077474-1' is not valid (check digit should be 0)."
    )


def test_seller_vat_number_must_match_business_id(
    invoice: Invoice, context: ValidationContext
) -> None:
    assert validate_invoice(with_seller(invoice, vat_number="FI 2077474-0"), context) == []
    bad = with_seller(invoice, vat_number="FI12345671")
    problem = the(validate_invoice(bad, context), "seller_vat_number")
    assert problem.field == "seller.vat_number" and problem.value == "FI12345671"
    assert problem.message == "Seller VAT number must be FI20774740 to match business ID 2077474-0."
    assert problem.fix == "change the seller's VAT number to FI20774740."


def test_seller_comes_from_the_context_when_the_invoice_has_none(
    invoice: Invoice, context: ValidationContext
) -> None:
    without = invoice.model_copy(update={"seller": None})
    problem = the(validate_invoice(without, context), "seller_missing")
    assert problem.field == "seller"
    company = Seller(name="Tilisilta Demo Oy", business_id="2077474-1")
    with_company = dataclasses.replace(context, seller=company)
    assert rules(validate_invoice(without, with_company)) == ["seller_business_id"]


def test_the_company_is_checked_once_and_told_once_when_the_caller_says_so(
    invoice: Invoice, context: ValidationContext
) -> None:
    """An import tells the company's problems once (`company_problems`), of the company, with
    the very message and fix each document would otherwise carry."""
    without = invoice.model_copy(update={"seller": None})
    company = Seller(name="Tilisilta Demo Oy", business_id="2077474-1", iban="FI21 1234 5600 0786")
    each = dataclasses.replace(context, seller=company)
    per_document = [p for p in validate_invoice(without, each) if p.rule.startswith("seller")]
    assert rules(per_document) == ["seller_business_id", "seller_iban"]

    apart = dataclasses.replace(each, company_told_apart=True)
    assert validate_invoice(without, apart) == validate_invoice(without, context)[1:]
    told = apart.company_problems()
    assert [p.document for p in told] == ["Company Tilisilta Demo Oy"] * 2
    for once, on_document in zip(told, per_document, strict=True):
        assert once.model_dump(exclude={"document"}) == on_document.model_dump(exclude={"document"})
    # A document that names its own seller answers for it, told apart or not.
    own = the(
        validate_invoice(with_seller(invoice, business_id="2077474-1"), apart), "seller_business_id"
    )
    assert own.document == "Invoice 1001"
    assert ValidationContext(today=context.today, seller=None).company_problems()[0].rule == (
        "seller_missing"
    )


def test_seller_iban(invoice: Invoice, context: ValidationContext) -> None:
    bad = with_seller(invoice, iban="FI21 1234 5600 0786")
    problem = the(validate_invoice(bad, context), "seller_iban")
    assert problem.field == "seller.iban" and problem.value == "FI21 1234 5600 0786"
    assert problem.message.startswith(
        "Seller bank account 'FI21 1234 5600 0786' is not a valid IBAN"
    )


def test_seller_bic(invoice: Invoice, context: ValidationContext) -> None:
    bad = with_seller(invoice, bic="NDEAXXHH")
    problem = the(validate_invoice(bad, context), "seller_bic")
    assert problem.field == "seller.bic" and problem.value == "NDEAXXHH"
    assert "unknown country code (XX)" in problem.message


# --- §6.6, §6.7, §6.8 customer identifiers --------------------------------------------------


def test_customer_business_id(invoice: Invoice, context: ValidationContext) -> None:
    bad = with_customer(invoice, business_id="123456-7")
    problem = the(validate_invoice(bad, context), "customer_business_id")
    assert problem.field == "customer.business_id" and problem.value == "123456-7"
    assert (
        problem.message == "Customer business ID '123456-7' is not valid (check digit should be 2)."
    )


def test_foreign_customer_registry_number_is_not_a_business_id(
    eu_goods_invoice: Invoice, context: ValidationContext
) -> None:
    foreign = with_customer(eu_goods_invoice, business_id="556703-7485")
    assert validate_invoice(foreign, context) == []


def test_customer_vat_number_missing_for_eu_sale(
    eu_goods_invoice: Invoice, context: ValidationContext
) -> None:
    bad = with_customer(eu_goods_invoice, vat_number=None)
    problem = the(validate_invoice(bad, context), "customer_vat_number_missing")
    assert problem.field == "customer.vat_number" and problem.value is None
    assert problem.message == "Customer VAT number is required for an EU goods sale."


def test_customer_vat_number_invalid(eu_goods_invoice: Invoice, context: ValidationContext) -> None:
    bad = with_address(with_customer(eu_goods_invoice, vat_number="DE12345"), country="DE")
    problem = the(validate_invoice(bad, context), "customer_vat_number_invalid")
    assert problem.severity is Severity.ERROR
    assert problem.field == "customer.vat_number" and problem.value == "DE12345"
    assert problem.message.startswith("Customer VAT number 'DE12345'")


def test_optional_customer_vat_number_that_is_wrong_only_warns(
    invoice: Invoice, context: ValidationContext
) -> None:
    problem = the(
        validate_invoice(with_customer(invoice, vat_number="FI12345670"), context),
        "customer_vat_number_invalid",
    )
    assert problem.severity is Severity.WARNING


def test_eu_sale_with_finnish_vat_number(
    eu_goods_invoice: Invoice, context: ValidationContext
) -> None:
    bad = with_customer(eu_goods_invoice, vat_number="FI20774740")
    problem = the(validate_invoice(bad, context), "eu_vat_country")
    assert problem.field == "customer.vat_number" and problem.value == "FI20774740"
    assert problem.message == (
        "EU sale: customer VAT number must be from the customer's EU country, not FI."
    )
    assert problem.fix == "use the customer's SE VAT number."


def test_eu_sale_vat_number_from_another_country(
    eu_goods_invoice: Invoice, context: ValidationContext
) -> None:
    bad = with_customer(eu_goods_invoice, vat_number="DE136695976")
    problem = the(validate_invoice(bad, context), "eu_vat_country")
    assert "is from DE, but the customer is in SE" in problem.message


def test_eu_sale_to_greece_uses_el(eu_goods_invoice: Invoice, context: ValidationContext) -> None:
    greek = with_address(with_customer(eu_goods_invoice, vat_number="EL094259216"), country="GR")
    assert validate_invoice(greek, context) == []


def test_eu_sale_customer_outside_the_eu(
    eu_goods_invoice: Invoice, context: ValidationContext
) -> None:
    bad = with_address(eu_goods_invoice, country="US")
    problem = the(validate_invoice(bad, context), "eu_sale_customer_country")
    assert problem.field == "customer.address.country" and problem.value == "US"
    assert "customer's country is 'US'" in problem.message


def test_eu_sale_to_a_finnish_customer_is_refused_even_without_vat_number(
    eu_goods_invoice: Invoice, context: ValidationContext
) -> None:
    bad = with_address(with_customer(eu_goods_invoice, vat_number=None), country="FI")
    problems = validate_invoice(bad, context)
    assert the(problems, "eu_sale_customer_country").value == "FI"
    assert the(problems, "customer_vat_number_missing").field == "customer.vat_number"


def test_construction_reverse_charge_needs_finnish_vat_number(
    invoice: Invoice, context: ValidationContext
) -> None:
    reverse = with_line(
        invoice,
        vat_rate=D("0"),
        vat_treatment=VatTreatment.DOMESTIC_REVERSE_CHARGE,
        vat_exemption_reason="Käännetty verovelvollisuus, AVL 8 c §",
    ).model_copy(update={"stated_vat": None, "stated_total": None})
    assert validate_invoice(reverse, context) == []
    bad = with_customer(reverse, vat_number="SE556703748501")
    problem = the(validate_invoice(bad, context), "reverse_charge_fi_vat")
    assert problem.field == "customer.vat_number" and problem.value == "SE556703748501"
    assert problem.message.startswith(
        "Construction reverse charge needs a Finnish VAT-registered customer"
    )


# --- §6.9, §6.10, §6.11 rates ---------------------------------------------------------------


def test_vat_rate_on_supply_date(invoice: Invoice, context: ValidationContext) -> None:
    bad = with_line(invoice, vat_rate=D("24"))
    problem = the(validate_invoice(bad, context), "vat_rate_on_supply_date")
    assert problem.field == "lines[1].vat_rate" and problem.value == "24"
    # the invoice's supply date (2025-03-10) decides, not its invoice date
    assert problem.message == "24 % is not valid for supply date 2025-03-10."
    assert problem.fix == "use 25.5 %."


def test_line_supply_date_before_the_change_keeps_the_old_rate(
    invoice: Invoice, context: ValidationContext
) -> None:
    old = with_line(invoice, vat_rate=D("24"), supply_date=date(2024, 8, 31))
    assert "vat_rate_on_supply_date" not in rules(validate_invoice(old, context))


def test_credit_note_with_old_rate_is_told_about_the_supply_date(
    credit_note: Invoice, context: ValidationContext
) -> None:
    bad = with_line(credit_note, vat_rate=D("24"))
    problem = the(validate_invoice(bad, context), "vat_rate_on_supply_date")
    assert "set the line's supply date to that delivery date" in problem.fix


def test_unknown_vat_rate_lists_the_valid_ones(
    invoice: Invoice, context: ValidationContext
) -> None:
    bad = with_line(invoice, vat_rate=D("23"))
    problem = the(validate_invoice(bad, context), "vat_rate_on_supply_date")
    assert problem.message == "23 % is not a Finnish VAT rate on supply date 2025-03-10."
    assert problem.fix == "use one of 25.5 %, 14 %, 10 %, 0 %."


def test_zero_rated_treatment_with_vat(
    eu_goods_invoice: Invoice, context: ValidationContext
) -> None:
    bad = with_line(eu_goods_invoice, vat_rate=D("25.5"))
    problem = the(validate_invoice(bad, context), "vat_rate_for_treatment")
    assert problem.field == "lines[1].vat_rate" and problem.value == "25.5"
    assert problem.message == "An EU goods sale must have 0 % VAT, but the rate is 25.5 %."


def test_domestic_line_at_zero(invoice: Invoice, context: ValidationContext) -> None:
    bad = with_line(invoice, 1, vat_rate=D("0"))
    problem = the(validate_invoice(bad, context), "vat_rate_for_treatment")
    assert problem.field == "lines[2].vat_rate" and problem.value == "0"
    assert problem.message == "A domestic sale must have VAT above 0 %, but the rate is 0 %."


def test_zero_rate_needs_a_basis(eu_goods_invoice: Invoice, context: ValidationContext) -> None:
    bad = with_line(eu_goods_invoice, vat_exemption_reason="  ")
    problem = the(validate_invoice(bad, context), "zero_rate_basis")
    assert problem.field == "lines[1].vat_exemption_reason" and problem.value is None
    assert problem.message == "The line is an EU goods sale at 0 % VAT but gives no reason."
    assert "VATEX-EU-IC" in problem.fix


# --- §6.12 Åland ------------------------------------------------------------------------------


def test_aland_customer_by_country(invoice: Invoice, context: ValidationContext) -> None:
    bad = with_address(invoice, country="AX", postal_code="22100", city="Mariehamn")
    problem = the(validate_invoice(bad, context), "aland_customer")
    assert problem.severity is Severity.WARNING
    assert problem.field == "customer.address.country" and problem.value == "AX"
    assert problem.message.startswith(
        "Customer is in Åland (country AX): use export (0 %), not domestic"
    )


def test_aland_customer_by_postal_code(invoice: Invoice, context: ValidationContext) -> None:
    bad = with_address(invoice, postal_code="22100", city="Maarianhamina")
    problem = the(validate_invoice(bad, context), "aland_customer")
    assert problem.field == "customer.address.postal_code" and problem.value == "22100"
    assert "(postal code 22100)" in problem.message
    assert validate_invoice(with_address(invoice, postal_code="02100"), context) == []


# --- §6.13–6.15 arithmetic --------------------------------------------------------------------


def test_line_net_amount(invoice: Invoice, context: ValidationContext) -> None:
    within_a_cent = with_line(invoice, 1, net_amount=D("33.74"))
    assert validate_invoice(within_a_cent, context) == []
    bad = with_line(invoice, 1, net_amount=D("33.73"))
    problem = the(validate_invoice(bad, context), "line_net_amount")
    assert problem.field == "lines[2].net_amount" and problem.value == "33.73"
    assert problem.message == "Line total 33.73 ≠ quantity × price − discount (33.75)."


def test_vat_per_rate(invoice: Invoice, context: ValidationContext) -> None:
    stated = {D("25.5"): D("255.01"), D("14"): D("4.73")}
    ok = invoice.model_copy(update={"stated_vat": stated, "stated_total": D("1293.49")})
    assert validate_invoice(ok, context) == []
    stated = {D("25.50"): D("255.02"), D("14"): D("4.73")}
    bad = invoice.model_copy(update={"stated_vat": stated, "stated_total": D("1293.50")})
    problem = the(validate_invoice(bad, context), "vat_per_rate")
    assert problem.field == "stated_vat[25.5]" and problem.value == "255.02"
    assert problem.message == "VAT at 25.5 % is 255.02 in the ERP but 255.00 from the lines."


def test_vat_per_rate_missing_rate(invoice: Invoice, context: ValidationContext) -> None:
    bad = invoice.model_copy(update={"stated_vat": {D("25.5"): D("255.00")}})
    problem = the(validate_invoice(bad, context), "vat_per_rate")
    assert problem.field == "stated_vat[14]" and problem.value is None


def test_total_mismatch(invoice: Invoice, context: ValidationContext) -> None:
    bad = invoice.model_copy(update={"stated_total": D("1293.50")})
    problem = the(validate_invoice(bad, context), "total_mismatch")
    assert problem.field == "stated_total" and problem.value == "1293.50"
    assert problem.message == "Invoice total does not add up (1033.75 + 259.73 ≠ 1293.50)."


def test_amounts_have_two_decimals(invoice: Invoice, context: ValidationContext) -> None:
    bad = invoice.model_copy(update={"stated_total": D("1293.481")})
    problem = the(validate_invoice(bad, context), "amount_decimals")
    assert problem.field == "stated_total" and problem.value == "1293.481"
    trailing_zero = invoice.model_copy(update={"stated_total": D("1293.4800")})
    assert validate_invoice(trailing_zero, context) == []


def test_unit_price_at_most_five_decimals(invoice: Invoice, context: ValidationContext) -> None:
    five = with_line(invoice, unit_price=D("100.00001"), net_amount=None)
    assert validate_invoice(five.model_copy(update={"stated_total": None}), context) == []
    bad = with_line(invoice, unit_price=D("100.000001"), net_amount=None)
    problem = the(validate_invoice(bad, context), "unit_price_decimals")
    assert problem.field == "lines[1].unit_price" and problem.value == "100.000001"


# --- §6.16 currency ---------------------------------------------------------------------------


def test_currency_code(invoice: Invoice, context: ValidationContext) -> None:
    bad = invoice.model_copy(update={"currency": "EUROS"})
    problem = the(validate_invoice(bad, context), "currency_code")
    assert problem.field == "currency" and problem.value == "EUROS"
    assert problem.message == "Currency 'EUROS' is not an ISO 4217 currency code."
    lower = the(
        validate_invoice(invoice.model_copy(update={"currency": "eur"}), context), "currency_code"
    )
    assert lower.fix == "use 'EUR'."


def test_foreign_currency_needs_exchange_rate(
    export_invoice: Invoice, context: ValidationContext
) -> None:
    bad = export_invoice.model_copy(update={"exchange_rate": None})
    problem = the(validate_invoice(bad, context), "exchange_rate")
    assert problem.field == "exchange_rate" and problem.value is None
    assert problem.message == (
        "USD invoice must also state VAT in euros, but the exchange rate is missing."
    )


# --- §6.17 payment reference ------------------------------------------------------------------


def test_payment_reference(invoice: Invoice, context: ValidationContext) -> None:
    bad = invoice.model_copy(update={"payment_reference": "1233"})
    problem = the(validate_invoice(bad, context), "payment_reference")
    assert problem.field == "payment_reference" and problem.value == "1233"
    assert problem.message == "Payment reference '1233' is not valid (check digit should be 2)."
    rf = invoice.model_copy(update={"payment_reference": "RF18539007547034"})
    assert validate_invoice(rf, context) == []


# --- §6.20, §6.21 credit notes ----------------------------------------------------------------


def test_credit_note_must_name_the_credited_invoice(
    credit_note: Invoice, context: ValidationContext
) -> None:
    bad = credit_note.model_copy(update={"credited_invoice_number": None})
    problem = the(validate_invoice(bad, context), "credited_invoice_missing")
    assert problem.document == "Credit note 1004"
    assert problem.field == "credited_invoice_number" and problem.value is None
    assert problem.message == "Credit note must name the invoice it credits (missing)."


def test_credit_note_for_unknown_invoice(credit_note: Invoice, context: ValidationContext) -> None:
    bad = credit_note.model_copy(update={"credited_invoice_number": "999"})
    problem = the(validate_invoice(bad, context), "credited_invoice_unknown")
    assert problem.field == "credited_invoice_number" and problem.value == "999"
    assert "'999' is unknown" in problem.message
    nothing_known = dataclasses.replace(context, known_invoices={})
    assert validate_invoice(bad, nothing_known) == []


def test_credit_note_dated_before_the_invoice_it_credits(
    credit_note: Invoice, context: ValidationContext
) -> None:
    bad = credit_note.model_copy(update={"credited_invoice_date": date(2025, 3, 19)})
    problem = the(validate_invoice(bad, context), "credited_invoice_date")
    assert problem.value == "2025-03-19"


def test_credit_note_must_be_negative(credit_note: Invoice, context: ValidationContext) -> None:
    bad = with_line(credit_note, quantity=D("2"), net_amount=D("200.00")).model_copy(
        update={"stated_vat": None, "stated_total": None}
    )
    problem = the(validate_invoice(bad, context), "credit_note_not_negative")
    assert problem.severity is Severity.WARNING
    assert problem.field == "gross_total" and problem.value == "251.00"
    assert "must be negative" in problem.message


def test_credit_note_larger_than_the_original(
    credit_note: Invoice, context: ValidationContext
) -> None:
    small_original = dataclasses.replace(context, known_invoices={"1001": D("250.00")})
    problem = the(validate_invoice(credit_note, small_original), "credit_note_exceeds_original")
    assert problem.severity is Severity.WARNING
    assert (
        problem.message == "Credit note (-251.00) is larger than the invoice it credits (250.00)."
    )
    same_size = dataclasses.replace(context, known_invoices={"1001": D("251.00")})
    assert validate_invoice(credit_note, same_size) == []


def test_negative_sales_invoice_should_be_a_credit_note(
    credit_note: Invoice, context: ValidationContext
) -> None:
    bad = credit_note.model_copy(update={"kind": InvoiceKind.SALES_INVOICE})
    problem = the(validate_invoice(bad, context), "sales_invoice_negative")
    assert problem.severity is Severity.ERROR
    assert problem.document == "Invoice 1004"
    assert problem.message == "Sales invoice total is negative (-251.00)."
    assert "credit note" in problem.fix


# --- §6.22 customer address -------------------------------------------------------------------


def test_customer_address_incomplete(invoice: Invoice, context: ValidationContext) -> None:
    bad = with_address(invoice, postal_code=None)
    problem = the(validate_invoice(bad, context), "customer_address")
    assert problem.field == "customer.address.postal_code" and problem.value is None
    assert problem.message == "Customer address is incomplete: postal code missing."


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"street": ""}, "customer.address.street"),
        ({"city": None}, "customer.address.city"),
        ({"country": ""}, "customer.address.country"),
        ({"country": "Finland"}, "customer.address.country"),
    ],
)
def test_customer_address_parts(
    changes: dict[str, Any], field: str, invoice: Invoice, context: ValidationContext
) -> None:
    problem = the(validate_invoice(with_address(invoice, **changes), context), "customer_address")
    assert problem.field == field


def test_customer_name_missing(export_invoice: Invoice, context: ValidationContext) -> None:
    problem = the(
        validate_invoice(with_customer(export_invoice, name=""), context), "customer_address"
    )
    assert problem.field == "customer.name" and problem.message == "Customer name is missing."


# --- §6.23 e-invoice --------------------------------------------------------------------------


def test_einvoice_address_invalid(invoice: Invoice, context: ValidationContext) -> None:
    bad = with_customer(invoice, einvoice_address="0037123")
    problem = the(validate_invoice(bad, context), "einvoice_address")
    assert problem.field == "customer.einvoice_address" and problem.value == "0037123"
    assert problem.message.startswith("E-invoice address '0037123' has 7 characters")


def test_einvoice_channel_needs_an_address(invoice: Invoice, context: ValidationContext) -> None:
    bad = with_customer(invoice, einvoice_address=None)
    problem = the(validate_invoice(bad, context), "einvoice_address")
    assert problem.value is None and "is missing" in problem.message
    by_mail = bad.model_copy(update={"channel": DeliveryChannel.MAIL})
    assert validate_invoice(by_mail, context) == []


def test_einvoice_operator_missing(invoice: Invoice, context: ValidationContext) -> None:
    problem = the(
        validate_invoice(with_customer(invoice, einvoice_operator=None), context),
        "einvoice_operator",
    )
    assert problem.field == "customer.einvoice_operator" and problem.value is None


def test_einvoice_operator_unknown(invoice: Invoice, context: ValidationContext) -> None:
    bad = with_customer(invoice, einvoice_operator="XYZ")
    problem = the(validate_invoice(bad, context), "einvoice_operator_unknown")
    assert problem.field == "customer.einvoice_operator" and problem.value == "XYZ"
    assert problem.message == "Operator 'XYZ' is unknown."
    unchecked = dataclasses.replace(context, known_operators=None)
    assert validate_invoice(bad, unchecked) == []


# --- §6.24 units ------------------------------------------------------------------------------


def test_pce_unit_is_refused(invoice: Invoice, context: ValidationContext) -> None:
    bad = with_line(invoice, 1, unit="PCE")
    problem = the(validate_invoice(bad, context), "unit_code")
    assert problem.field == "lines[2].unit" and problem.value == "PCE"
    assert problem.fix == "use H87 (piece) or C62 (one)."


def test_unknown_unit(invoice: Invoice, context: ValidationContext) -> None:
    bad = with_line(invoice, unit="tölkki")
    problem = the(validate_invoice(bad, context), "unit_code")
    assert problem.message == "Unit 'tölkki' has no UN/ECE Rec 20 code in the hub's unit mapping."
    assert "unit mapping" in problem.fix


# --- §6.27 text lengths -----------------------------------------------------------------------


def test_long_line_description_will_be_cut(invoice: Invoice, context: ValidationContext) -> None:
    assert validate_invoice(with_line(invoice, description="x" * 100), context) == []
    bad = with_line(invoice, description="x" * 140)
    problem = the(validate_invoice(bad, context), "line_description_length")
    assert problem.severity is Severity.WARNING
    assert problem.field == "lines[1].description"
    assert problem.message == "Line description is 140 characters; it will be cut to 100."


@pytest.mark.parametrize(("name", "fragment"), [("N" * 71, "cut to 70"), ("N", "at least 2")])
def test_customer_name_length(
    name: str, fragment: str, invoice: Invoice, context: ValidationContext
) -> None:
    assert validate_invoice(with_customer(invoice, name="N" * 70), context) == []
    problem = the(validate_invoice(with_customer(invoice, name=name), context), "name_length")
    assert problem.severity is Severity.WARNING
    assert problem.field == "customer.name" and fragment in problem.message


def test_address_model_default_country_counts_as_present() -> None:
    # Address() defaults to FI, so rule 22 can only catch a country the ERP blanked.
    assert Address().country == "FI"


# -- nonsense that must not leave the hub (issue 10, item 2) -------------------------------------
def _line_problems(invoice: Invoice, context: ValidationContext, **changes: Any) -> list[Problem]:
    return validate_invoice(with_line(invoice, **changes), context)


def test_a_discount_over_100_percent_is_refused_naming_the_line(
    invoice: Invoice, context: ValidationContext
) -> None:
    problem = the(_line_problems(invoice, context, discount_percent=D("150")), "discount_range")
    assert problem.field == "lines[1].discount_percent" and problem.value == "150"
    assert "between 0 and 100" in problem.message


def test_a_zero_quantity_line_with_an_amount_is_refused(
    invoice: Invoice, context: ValidationContext
) -> None:
    problems = _line_problems(invoice, context, quantity=D(0), net_amount=D("10.00"))
    problem = the(problems, "zero_quantity_amount")
    assert problem.field == "lines[1].quantity" and "total of 10.00" in problem.message


def test_an_absurd_price_is_refused_in_plain_notation(
    invoice: Invoice, context: ValidationContext
) -> None:
    price = D("99999999999999999999999.99")
    problem = the(_line_problems(invoice, context, unit_price=price), "amount_magnitude")
    assert problem.value == "99999999999999999999999.99"
    assert "not a sensible amount" in problem.message


def test_a_long_text_is_quoted_by_its_first_40_characters_only(
    invoice: Invoice, context: ValidationContext
) -> None:
    problems = _line_problems(invoice, context, description="x" * 20_000)
    problem = the(problems, "line_description_length")
    assert problem.value == "x" * 40 + "…"
    assert len(str(problem)) < 400


def test_a_date_before_finnish_vat_is_a_wrong_date_not_a_wrong_rate(
    invoice: Invoice, context: ValidationContext
) -> None:
    old = invoice.model_copy(
        update={"invoice_date": date(1900, 1, 1), "due_date": date(1900, 1, 14)}
    )
    problems = validate_invoice(old, context)
    assert the(problems, "invoice_date_implausible").value == "1900-01-01"
    assert "vat_rate_on_supply_date" not in rules(problems)
