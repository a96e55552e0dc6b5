"""Invoice arithmetic: row amounts and ``invoiceSumInfo``, in Decimal, rounded half-up to cents.

Each row is rounded on its own and the totals are sums of rounded rows (the way an invoice
printout adds up). Row amount = quantity x unitPrice x (1 - row discount) x (1 - header discount);
with ``unitPricesIncludeVat`` that amount is gross and the net is derived from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


def round2(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def vat_of(net: Decimal, percent: Decimal) -> Decimal:
    return round2(net * percent / HUNDRED)


@dataclass(frozen=True)
class RowAmounts:
    net: Decimal
    vat: Decimal
    vat_percent: Decimal

    @property
    def gross(self) -> Decimal:
        return self.net + self.vat


def row_amounts(
    row: dict[str, Any], header_discount: Decimal, prices_include_vat: bool
) -> RowAmounts:
    quantity = Decimal(row["quantity"])
    price = Decimal(row["unitPrice"])
    discount = Decimal(row["discountPercent"])
    percent = Decimal(row["vatPercent"])
    line = quantity * price * (1 - discount / HUNDRED) * (1 - header_discount / HUNDRED)
    if prices_include_vat:
        gross = round2(line)
        net = round2(gross * HUNDRED / (HUNDRED + percent))
        return RowAmounts(net, gross - net, percent)
    net = round2(line)
    return RowAmounts(net, vat_of(net, percent), percent)


def invoice_rows_amounts(invoice: dict[str, Any]) -> list[RowAmounts]:
    header_discount = Decimal(invoice["discountPercent"])
    include_vat = bool(invoice["extraInfo"]["unitPricesIncludeVat"])
    return [row_amounts(r, header_discount, include_vat) for r in invoice["invoiceRows"]]


def to_accounting(amount: Decimal, rate: Decimal) -> Decimal:
    """``currencyRate`` is how much one unit of the home currency costs in the invoice currency."""
    return round2(amount / rate)


def sum_info(invoice: dict[str, Any], accounting_currency: str) -> list[dict[str, Any]]:
    rows = invoice_rows_amounts(invoice)
    net = sum((r.net for r in rows), Decimal("0.00"))
    vat = sum((r.vat for r in rows), Decimal("0.00"))
    currency = invoice["paymentInfo"]["currency"]
    entry = _sum_entry(currency, currency == accounting_currency, net, vat)
    if currency == accounting_currency:
        return [entry]
    rate = Decimal(invoice["paymentInfo"]["currencyRate"])
    home_net = sum((to_accounting(r.net, rate) for r in rows), Decimal("0.00"))
    home_vat = sum((to_accounting(r.vat, rate) for r in rows), Decimal("0.00"))
    return [entry, _sum_entry(accounting_currency, True, home_net, home_vat)]


def _sum_entry(currency: str, home: bool, net: Decimal, vat: Decimal) -> dict[str, Any]:
    return {
        "currency": currency,
        "inAccountingCurrency": home,
        "excludingVatTotal": net,
        "vatSumTotal": vat,
        "invoiceSumTotal": net + vat,
    }
