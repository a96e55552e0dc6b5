from __future__ import annotations

import pytest

from tilisilta.domain.identifiers import (
    bic_error,
    business_id_error,
    einvoice_address_error,
    eu_vat_error,
    iban_error,
    normalize_business_id,
    ovt_for_business_id,
    vat_number_country,
    vat_number_for_business_id,
    vat_prefix_for_country,
)
from tilisilta.domain.references import finnish_reference_error, rf_reference_error


@pytest.mark.parametrize("value", ["2077474-0", "20774740", " 2077474-0 ", "112038-9"])
def test_valid_business_ids(value: str) -> None:
    assert business_id_error(value) is None


def test_old_six_digit_business_id_is_left_padded() -> None:
    assert normalize_business_id("112038-9") == "0112038-9"
    assert vat_number_for_business_id("112038-9") == "FI01120389"


def test_business_id_check_digit_error_names_the_right_digit() -> None:
    assert business_id_error("2077474-1") == (
        "business ID '2077474-1' is not valid (check digit should be 0)"
    )
    assert business_id_error("123456-7") == (
        "business ID '123456-7' is not valid (check digit should be 2)"
    )


def test_business_id_whose_remainder_is_one_is_never_valid() -> None:
    # 0000006: 6 × 2 = 12 ≡ 1 (mod 11), so no check digit exists.
    error = business_id_error("0000006-0")
    assert error == "business ID '0000006-0' is not valid (no business ID starts with 0000006)"


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("", "empty"),
        ("207747-40X", "seven digits, a hyphen and a check digit"),
        ("FI20774740", "is a VAT number"),
    ],
)
def test_business_id_shape_errors(value: str, fragment: str) -> None:
    error = business_id_error(value)
    assert error is not None and fragment in error


def test_vat_number_for_business_id() -> None:
    assert vat_number_for_business_id("2077474-0") == "FI20774740"
    with pytest.raises(ValueError, match="check digit should be 0"):
        vat_number_for_business_id("2077474-1")


def test_ovt_for_business_id() -> None:
    assert ovt_for_business_id("2077474-0") == "003720774740"
    assert ovt_for_business_id("2077474-0", "a1") == "003720774740A1"


@pytest.mark.parametrize(
    "value", ["DE136695976", "SE556703748501", "FI20774740", "fi 2077474-0", "EL094259216"]
)
def test_valid_eu_vat_numbers(value: str) -> None:
    assert eu_vat_error(value) is None


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("GR094259216", "Greek VAT numbers start with EL"),
        ("DE12345", "wrong number of characters for DE"),
        ("DE136695977", "check digit"),
        ("20774740", "two-letter country prefix"),
        ("NO123456789", "NO is not an EU VAT prefix"),
        ("GB123456789", "GB is not an EU VAT prefix"),
        ("", "empty"),
    ],
)
def test_eu_vat_errors(value: str, fragment: str) -> None:
    error = eu_vat_error(value)
    assert error is not None and fragment in error
    if value:
        assert repr(value) in error


def test_vat_number_country_maps_el_to_greece() -> None:
    assert vat_number_country("EL094259216") == "GR"
    assert vat_number_country("DE136695976") == "DE"
    assert vat_number_country("20774740") is None
    assert vat_prefix_for_country("GR") == "EL"
    assert vat_prefix_for_country("se") == "SE"


def test_iban() -> None:
    assert iban_error("FI49 5000 9420 0287 30") is None
    assert iban_error("FI4950009420028730") is None
    error = iban_error("FI4950009420028731")
    assert error is not None and "'FI4950009420028731' is not a valid IBAN" in error
    assert iban_error("") == "bank account is empty"


def test_bic() -> None:
    assert bic_error("NDEAFIHH") is None
    assert bic_error("OKOYFIHHXXX") is None
    assert bic_error("NDEAFIHH1") == "BIC 'NDEAFIHH1' must be 8 or 11 characters"
    error = bic_error("NDEAXXHH")
    assert error is not None and "unknown country code (XX)" in error
    error = bic_error("ND3AFIHH")
    assert error is not None and "4 letters for the bank" in error


@pytest.mark.parametrize(
    "value", ["003720774740", "0037 2077 4740", "00372077474012345", "FI4950009420028730"]
)
def test_valid_einvoice_addresses(value: str) -> None:
    assert einvoice_address_error(value) is None


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("0037123", "has 7 characters"),
        ("003720774740123456", "has 18 characters"),
        ("003720774741", "does not contain a valid business ID after 0037 (20774741)"),
        ("003720774740_1", "not letters or digits"),
        ("FI4950009420028731", "looks like an IBAN, but"),
        ("foo@example.com", "neither an OVT code"),
    ],
)
def test_einvoice_address_errors(value: str, fragment: str) -> None:
    error = einvoice_address_error(value)
    assert error is not None and fragment in error


@pytest.mark.parametrize("reference", ["١٢٣2", "RF١٨539007547034", "١٢٣٢"])
def test_only_ascii_digits_make_a_reference(reference: str) -> None:
    # Python's \d matches any script's digits; Procountor and the banks take ASCII only.
    assert finnish_reference_error(reference) is not None
    assert rf_reference_error(reference) is not None
