"""The dated Finnish VAT rate table.

The supply date (delivery of goods, completion of a service) decides which rates apply, not the
invoice date: a credit note issued in 2025 for goods delivered in August 2024 keeps 24 %.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache


@dataclass(frozen=True)
class RatePeriod:
    """One rate and the days it may be charged on; None means open-ended."""

    rate: Decimal
    valid_from: date | None = None
    valid_until: date | None = None

    def covers(self, day: date) -> bool:
        starts_ok = self.valid_from is None or self.valid_from <= day
        ends_ok = self.valid_until is None or day <= self.valid_until
        return starts_ok and ends_ok


GENERAL_RATE_CHANGE = date(2024, 9, 1)
REDUCED_RATE_CHANGE = date(2026, 1, 1)

RATE_TABLE: tuple[RatePeriod, ...] = (
    RatePeriod(Decimal("24"), valid_until=date(2024, 8, 31)),
    RatePeriod(Decimal("25.5"), valid_from=GENERAL_RATE_CHANGE),
    RatePeriod(Decimal("14"), valid_until=date(2025, 12, 31)),
    RatePeriod(Decimal("13.5"), valid_from=REDUCED_RATE_CHANGE),
    RatePeriod(Decimal("10")),
    RatePeriod(Decimal("0")),
)

# (old rate, new rate, first day of the new rate): the rate changes an ERP is likely to get wrong.
_SUCCESSIONS: tuple[tuple[Decimal, Decimal, date], ...] = (
    (Decimal("24"), Decimal("25.5"), GENERAL_RATE_CHANGE),
    (Decimal("14"), Decimal("13.5"), REDUCED_RATE_CHANGE),
)


@lru_cache(maxsize=512)  # the days of an import or a send are few, its lines many
def rates_on(day: date) -> frozenset[Decimal]:
    """The rates that may be charged for a supply made on ``day``."""
    return frozenset(period.rate for period in RATE_TABLE if period.covers(day))


def is_valid_rate(rate: Decimal, day: date) -> bool:
    # Decimal compares by value, so 25.50 and 25.5 are the same rate.
    return rate in rates_on(day)


def replacement_for(rate: Decimal, day: date) -> Decimal | None:
    """The rate that should have been used instead of ``rate`` on ``day``.

    None when ``rate`` is valid on that day, or when it is no Finnish rate we know a successor or
    predecessor for (e.g. 23 %).
    """
    if is_valid_rate(rate, day):
        return None
    for old, new, change in _SUCCESSIONS:
        if rate == old and day >= change:
            return new
        if rate == new and day < change:
            return old
    return None
