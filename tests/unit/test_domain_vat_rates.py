from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tilisilta.domain.vat_rates import is_valid_rate, rates_on, replacement_for

D = Decimal


def test_rates_on_the_day_before_and_of_the_general_rate_change() -> None:
    assert rates_on(date(2024, 8, 31)) == {D("24"), D("14"), D("10"), D("0")}
    assert rates_on(date(2024, 9, 1)) == {D("25.5"), D("14"), D("10"), D("0")}


def test_rates_on_the_day_before_and_of_the_reduced_rate_change() -> None:
    assert rates_on(date(2025, 12, 31)) == {D("25.5"), D("14"), D("10"), D("0")}
    assert rates_on(date(2026, 1, 1)) == {D("25.5"), D("13.5"), D("10"), D("0")}


@pytest.mark.parametrize(
    ("rate", "day", "valid"),
    [
        ("24", date(2024, 8, 31), True),
        ("24", date(2024, 9, 1), False),
        ("25.5", date(2024, 8, 31), False),
        ("25.50", date(2024, 9, 1), True),  # same rate, other exponent
        ("14", date(2025, 12, 31), True),
        ("14", date(2026, 1, 1), False),
        ("13.5", date(2025, 12, 31), False),
        ("13.5", date(2026, 1, 1), True),
        ("10", date(2020, 1, 1), True),
        ("10", date(2030, 1, 1), True),
        ("0", date(2030, 1, 1), True),
        ("23", date(2012, 6, 1), False),
    ],
)
def test_is_valid_rate(rate: str, day: date, valid: bool) -> None:
    assert is_valid_rate(D(rate), day) is valid


@pytest.mark.parametrize(
    ("rate", "day", "replacement"),
    [
        ("24", date(2024, 9, 1), "25.5"),  # old rate after it expired
        ("24", date(2024, 8, 31), None),  # still valid
        ("25.5", date(2024, 8, 31), "24"),  # new rate before it started
        ("14", date(2026, 1, 1), "13.5"),
        ("14", date(2025, 12, 31), None),
        ("13.5", date(2025, 12, 31), "14"),
        ("23", date(2025, 1, 1), None),  # no known successor
        ("10", date(2025, 1, 1), None),
    ],
)
def test_replacement_for(rate: str, day: date, replacement: str | None) -> None:
    expected = None if replacement is None else D(replacement)
    assert replacement_for(D(rate), day) == expected
