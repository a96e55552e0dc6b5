"""Money rounding, tax computation and fiscal position mapping, shared by invoices and orders.

Rounding is half-up at the currency's precision, per line (the default
``tax_calculation_rounding_method`` of a company, ``round_per_line``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .env import Env


def round_money(value: float, rounding: float = 0.01) -> float:
    """Half-up rounding to the currency's precision, as Odoo's ``float_round`` does it: the value
    is divided by the step and nudged away from zero by 2**(log2|v| - 53) before rounding, so a
    product such as 33 × 20.805 (686.5649999… in binary) rounds as the tie it stands for, up to
    686.57. Returned as the float Odoo stores (its numeric column holds the rounded decimal)."""
    if value == 0 or rounding == 0:
        return 0.0
    normalized = value / rounding
    normalized += math.copysign(2 ** (math.log2(abs(normalized)) - 53), normalized)
    whole = math.floor(abs(normalized) + 0.5)  # half away from zero
    return float(Decimal(int(math.copysign(whole, normalized))) * Decimal(str(rounding)))


def is_zero(value: float, rounding: float = 0.01) -> bool:
    return round_money(value, rounding) == 0.0


@dataclass(frozen=True)
class TaxAmount:
    tax_id: int
    amount: float
    base: float


@dataclass(frozen=True)
class LineTaxes:
    subtotal: float
    total: float
    taxes: tuple[TaxAmount, ...]

    @property
    def tax(self) -> float:
        return round(self.total - self.subtotal, 6)


def _flatten(env: Env, tax_ids: list[int]) -> list[dict[str, Any]]:
    taxes = env.sudo()["account.tax"]
    out: list[dict[str, Any]] = []
    for tax_id in tax_ids:
        row = taxes.row(tax_id)
        if row.get("amount_type") == "group":
            out.extend(_flatten(env, list(row.get("children_tax_ids") or [])))
        else:
            out.append({**row, "price_include": bool(taxes.get(tax_id, "price_include"))})
    out.sort(key=lambda r: (r.get("sequence") or 0, r["id"]))
    return out


def compute_line(
    env: Env,
    tax_ids: list[int],
    price_unit: float,
    quantity: float,
    discount: float = 0.0,
    rounding: float = 0.01,
) -> LineTaxes:
    """Subtotal (untaxed), total and per-tax amounts of one line."""
    unit = price_unit * (1 - (discount or 0.0) / 100.0)
    gross = unit * (quantity or 0.0)
    taxes = _flatten(env, tax_ids)
    included_rate = sum(
        float(t.get("amount") or 0.0)
        for t in taxes
        if t["price_include"] and t.get("amount_type") == "percent"
    )
    included_fixed = sum(
        float(t.get("amount") or 0.0) * (quantity or 0.0)
        for t in taxes
        if t["price_include"] and t.get("amount_type") == "fixed"
    )
    base = (
        (gross - included_fixed) / (1 + included_rate / 100.0)
        if included_rate or included_fixed
        else gross
    )
    subtotal = round_money(base, rounding)
    amounts: list[TaxAmount] = []
    for tax in taxes:
        rate = float(tax.get("amount") or 0.0)
        kind = tax.get("amount_type")
        if kind == "fixed":
            amount = rate * (quantity or 0.0)
        elif kind == "division":
            amount = base / (1 - rate / 100.0) - base if rate != 100 else 0.0
        else:
            amount = base * rate / 100.0
        amounts.append(TaxAmount(tax["id"], round_money(amount, rounding), subtotal))
    total = round_money(subtotal + sum(a.amount for a in amounts), rounding)
    return LineTaxes(subtotal, total, tuple(amounts))


def fiscal_position_for(env: Env, partner_id: int | None, company_id: int) -> int | None:
    """``_get_fiscal_position``: the partner's own fiscal position for the company, else the
    first automatic one matching the partner's country (and VAT number when required)."""
    if not partner_id:
        return None
    sudo = env.sudo()
    partners = sudo.with_company(company_id)["res.partner"]
    commercial = partners.get(partner_id, "commercial_partner_id") or partner_id
    forced = partners.get(commercial, "property_account_position_id")
    if forced:
        return int(forced)
    country = partners.get(commercial, "country_id")
    vat = partners.get(commercial, "vat")
    positions = sudo["account.fiscal.position"]
    candidates = positions.search_ids(
        [("company_id", "=", company_id), ("auto_apply", "=", True)], order="sequence, id"
    )
    groups = sudo["res.country.group"]
    if not country:
        return None

    def first(vat_required: bool, stage: str) -> int | None:
        for pid in candidates:
            row = positions.row(pid)
            if bool(row.get("vat_required")) != vat_required:
                continue
            if stage == "country" and row.get("country_id") == country:
                return pid
            if (
                stage == "group"
                and not row.get("country_id")
                and row.get("country_group_id")
                and country in (groups.row(row["country_group_id"]).get("country_ids") or [])
            ):
                return pid
            if stage == "none" and not row.get("country_id") and not row.get("country_group_id"):
                return pid
        return None

    # _get_fpos_by_region: VAT-requiring positions first when the partner has a VAT number,
    # then the country, the country group, and positions without either
    for vat_required in (True, False) if vat else (False,):
        for stage in ("country", "group", "none"):
            found = first(vat_required, stage)
            if found is not None:
                return found
    return None


def map_taxes(env: Env, position_id: int | None, tax_ids: list[int]) -> list[int]:
    """``account.fiscal.position.map_tax``: replace source taxes by their destinations (19:
    taxes whose ``original_tax_ids`` hold the source and whose fiscal positions hold it)."""
    if not position_id:
        return list(tax_ids)
    sudo = env.sudo()
    result: list[int] = []
    if env.version <= 18:
        mapping = sudo["account.fiscal.position.tax"]
        rows = [
            mapping.row(m)
            for m in mapping.search_ids([("position_id", "=", position_id)], active_test=False)
        ]
        for tax in tax_ids:
            found = [r for r in rows if r.get("tax_src_id") == tax]
            if not found:
                result.append(tax)
            for hit in found:
                if hit.get("tax_dest_id"):
                    result.append(hit["tax_dest_id"])
    else:
        taxes = sudo["account.tax"]
        replacements = [
            taxes.row(t) for t in taxes.search_ids([("fiscal_position_ids", "in", [position_id])])
        ]
        for tax in tax_ids:
            hits: list[int] = [
                int(r["id"]) for r in replacements if tax in (r.get("original_tax_ids") or [])
            ]
            result.extend(hits or [tax])
    return list(dict.fromkeys(result))


def company_taxes(env: Env, tax_ids: list[int], company_id: int) -> list[int]:
    """The product's taxes that belong to the company (a product may carry several companies'
    taxes)."""
    taxes = env.sudo()["account.tax"]
    return [t for t in tax_ids if taxes.row(t).get("company_id") == company_id]
