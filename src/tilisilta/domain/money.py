"""Money arithmetic: Decimal only, rounded half-up where the rules say."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


def round_money(amount: Decimal) -> Decimal:
    """Round to cents, half-up (0.005 → 0.01), the Finnish invoicing convention."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def vat_of(net: Decimal, rate: Decimal) -> Decimal:
    """VAT on a net amount at a percentage rate, rounded to cents."""
    return round_money(net * rate / HUNDRED)


def net_of_gross(gross: Decimal, rate: Decimal) -> Decimal:
    """The net part of a VAT-inclusive amount: gross - gross × r / (100 + r)."""
    return round_money(gross - gross * rate / (HUNDRED + rate))
