from __future__ import annotations

import pytest

from tilisilta.domain.references import (
    finnish_check_digit,
    format_finnish_reference,
    make_finnish_reference,
    make_rf_reference,
    reference_error,
)


@pytest.mark.parametrize(("base", "reference"), [("123", "1232"), ("1234567890", "12345678907")])
def test_finnish_reference_gets_the_7_3_1_check_digit(base: str, reference: str) -> None:
    assert make_finnish_reference(base) == reference
    assert reference_error(reference) is None


def test_finnish_check_digit_weights_from_the_right() -> None:
    # 1*1 + 2*3 + 3*7 = 28 -> 2; a left-to-right weighting would give 4.
    assert finnish_check_digit("321") == "4"
    assert finnish_check_digit("123") == "2"


def test_finnish_reference_with_wrong_check_digit_names_the_right_one() -> None:
    assert reference_error("1233") == (
        "payment reference '1233' is not valid (check digit should be 2)"
    )


@pytest.mark.parametrize("reference", ["123", "1" * 21, "12A4"])
def test_finnish_reference_must_be_4_to_20_digits(reference: str) -> None:
    error = reference_error(reference)
    assert error is not None and "4 to 20 digits" in error


def test_finnish_reference_accepts_printed_groups() -> None:
    assert reference_error("1 23456 78907") is None
    assert format_finnish_reference("12345678907") == "1 23456 78907"


def test_rf_reference_from_a_finnish_one() -> None:
    assert make_rf_reference("1232") == "RF111232"
    assert reference_error("RF111232") is None


def test_rf_reference_known_good_and_bad_check_digits() -> None:
    assert reference_error("RF18539007547034") is None
    assert reference_error("RF18 5390 0754 7034") is None
    error = reference_error("RF19539007547034")
    assert error is not None and "check digits" in error


def test_rf_reference_shape_is_checked() -> None:
    error = reference_error("RF1")
    assert error is not None and "RF reference 'RF1'" in error
