"""Odoo units of measure → UN/ECE Rec 20 codes, by what Odoo says a unit *is*, not by its name.

Odoo 16-18 put every unit in a category (Weight, Working Time, ...) with a ratio to the
category's reference unit; 19 has no categories, but every unit names the unit it is a multiple
of, up to a root. Either way a unit is measured against an *anchor* the hub knows: the category's
reference unit (16-18) or the unit's root (19), recognised by the external id Odoo ships it with
(``uom.product_uom_kgm``) or else by its English name. Its size in the base unit of its kind then
picks the code: 1000 × kg is TNE whatever the unit is called (Odoo's "t" is the tonne, while
Finnish ERPs print "t" for hours). Only when Odoo's facts give no code is the name read, and then
only for a code of the kind Odoo says the unit is: a unit in Weight is never an hour.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from tilisilta.domain.units import unit_code

Kind = Literal["count", "mass", "time", "length", "area", "volume", "energy"]

# A ratio Odoo stores is rounded (lb is 1/2.20462 kg): sizes within this relative distance match.
TOLERANCE = Decimal("0.00001")

# (code, kind, size in the kind's base unit: one, kg, hour, m, m², L, kWh). The first code of a
# size is the one Odoo's facts give; the others are taken only when the unit's name says them.
SIZES: tuple[tuple[str, Kind, Decimal], ...] = (
    ("C62", "count", Decimal(1)),
    ("H87", "count", Decimal(1)),
    ("EA", "count", Decimal(1)),
    ("PR", "count", Decimal(2)),
    ("DZN", "count", Decimal(12)),
    ("MGM", "mass", Decimal("0.000001")),
    ("GRM", "mass", Decimal("0.001")),
    ("HGM", "mass", Decimal("0.1")),
    ("KGM", "mass", Decimal(1)),
    ("DTN", "mass", Decimal(100)),
    ("TNE", "mass", Decimal(1000)),
    ("LBR", "mass", Decimal("0.45359237")),
    ("ONZ", "mass", Decimal("0.028349523125")),
    ("SEC", "time", Decimal(1) / Decimal(3600)),
    ("MIN", "time", Decimal(1) / Decimal(60)),
    ("HUR", "time", Decimal(1)),
    ("DAY", "time", Decimal(8)),  # Odoo's day (Working Time) is an 8-hour working day
    ("MMT", "length", Decimal("0.001")),
    ("CMT", "length", Decimal("0.01")),
    ("DMT", "length", Decimal("0.1")),
    ("MTR", "length", Decimal(1)),
    ("LM", "length", Decimal(1)),
    ("KMT", "length", Decimal(1000)),
    ("INH", "length", Decimal("0.0254")),
    ("FOT", "length", Decimal("0.3048")),
    ("YRD", "length", Decimal("0.9144")),
    ("SMI", "length", Decimal("1609.344")),
    ("CMK", "area", Decimal("0.0001")),
    ("DMK", "area", Decimal("0.01")),
    ("MTK", "area", Decimal(1)),
    ("KMK", "area", Decimal(1000000)),
    ("FTK", "area", Decimal("0.09290304")),
    ("MLT", "volume", Decimal("0.001")),
    ("CMQ", "volume", Decimal("0.001")),
    ("CLT", "volume", Decimal("0.01")),
    ("DLT", "volume", Decimal("0.1")),
    ("LTR", "volume", Decimal(1)),
    ("DMQ", "volume", Decimal(1)),
    ("HLT", "volume", Decimal(100)),
    ("MTQ", "volume", Decimal(1000)),
    ("OZA", "volume", Decimal("0.0295735295625")),
    ("GLL", "volume", Decimal("3.785411784")),
    ("INQ", "volume", Decimal("0.016387064")),
    ("FTQ", "volume", Decimal("28.316846592")),
    ("WHR", "energy", Decimal("0.001")),
    ("KWH", "energy", Decimal(1)),
    ("MWH", "energy", Decimal(1000)),
    ("GWH", "energy", Decimal(1000000)),
)
_SIZE_OF = {code: (kind, size) for code, kind, size in SIZES}
# Counted things without a size of their own (sets, packages, services): kind "count".
_COUNTED = frozenset({"SET", "NAR", "NMP", "LS", "E48"})

# The units Odoo ships (uom/data/uom_data.xml, 16-19), as anchors: by external id, then by
# English name (19 renames the tonne "Ton").
SHIPPED_BY_XML_ID: dict[str, str] = {
    "uom.product_uom_unit": "C62",
    "uom.product_uom_dozen": "DZN",
    "uom.product_uom_hour": "HUR",
    "uom.product_uom_day": "DAY",
    "uom.product_uom_minute": "MIN",
    "uom.product_uom_gram": "GRM",
    "uom.product_uom_kgm": "KGM",
    "uom.product_uom_ton": "TNE",
    "uom.product_uom_lb": "LBR",
    "uom.product_uom_oz": "ONZ",
    "uom.product_uom_millimeter": "MMT",
    "uom.product_uom_cm": "CMT",
    "uom.product_uom_meter": "MTR",
    "uom.product_uom_km": "KMT",
    "uom.product_uom_inch": "INH",
    "uom.product_uom_foot": "FOT",
    "uom.product_uom_yard": "YRD",
    "uom.product_uom_mile": "SMI",
    "uom.uom_square_meter": "MTK",  # 16-18
    "uom.product_uom_square_meter": "MTK",  # 19
    "uom.uom_square_foot": "FTK",
    "uom.product_uom_square_foot": "FTK",
    "uom.product_uom_milliliter": "MLT",
    "uom.product_uom_litre": "LTR",
    "uom.product_uom_cubic_meter": "MTQ",
    "uom.product_uom_floz": "OZA",
    "uom.product_uom_gal": "GLL",
    "uom.product_uom_cubic_inch": "INQ",
    "uom.product_uom_cubic_foot": "FTQ",
    "uom.product_uom_kwh": "KWH",
}
SHIPPED_BY_NAME: dict[str, str] = {
    "Units": "C62",
    "Dozens": "DZN",
    "Hours": "HUR",
    "Days": "DAY",
    "Minutes": "MIN",
    "g": "GRM",
    "kg": "KGM",
    "t": "TNE",
    "Ton": "TNE",
    "lb": "LBR",
    "oz": "ONZ",
    "mm": "MMT",
    "cm": "CMT",
    "m": "MTR",
    "km": "KMT",
    "in": "INH",
    "ft": "FOT",
    "yd": "YRD",
    "mi": "SMI",
    "m²": "MTK",
    "ft²": "FTK",
    "ml": "MLT",
    "L": "LTR",
    "m³": "MTQ",
    "fl oz (US)": "OZA",
    "gal (US)": "GLL",
    "in³": "INQ",
    "ft³": "FTQ",
    "KWH": "KWH",
}
# 16-18 categories: what their units measure.
CATEGORY_BY_XML_ID: dict[str, Kind] = {
    "uom.product_uom_categ_unit": "count",
    "uom.product_uom_categ_kgm": "mass",
    "uom.uom_categ_wtime": "time",
    "uom.uom_categ_length": "length",
    "uom.uom_categ_surface": "area",
    "uom.product_uom_categ_vol": "volume",
}
CATEGORY_BY_NAME: dict[str, Kind] = {
    "Unit": "count",
    "Weight": "mass",
    "Working Time": "time",
    "Length / Distance": "length",
    "Surface": "area",
    "Volume": "volume",
}

#: (model, record id) → external id ("uom.product_uom_kgm"), for the records that have one
XmlIds = Mapping[tuple[str, int], str]


@dataclass(frozen=True)
class OdooUnit:
    """What Odoo says a unit is: its kind and size when its anchor is known."""

    id: int
    name: str
    kind: Kind | None = None
    size: Decimal | None = None  # in the kind's base unit
    says: str = ""  # e.g. "Weight, 1000 × kg", for the person mapping it


def kind_of(code: str) -> Kind | None:
    if code in _SIZE_OF:
        return _SIZE_OF[code][0]
    return "count" if code in _COUNTED or code.startswith("X") else None


def rec20_code(unit: OdooUnit) -> str | None:
    """The unit's Rec 20 code, or None when neither Odoo's facts nor its name give one."""
    named = unit_code(unit.name)
    if unit.kind is not None and unit.size is not None:
        for code, _, _ in SIZES:
            if not _measures(code, unit.kind, unit.size):
                continue
            # A name that says the same size more precisely ("kpl": H87) is kept, and so is one
            # that says what one counted unit is when that has no size ("sarja": SET, "kk": MON).
            if named and _measures(named, unit.kind, unit.size):
                return named
            return named if named and code == "C62" and named not in _SIZE_OF else code
    if named is None or unit.kind is None:
        return named
    if kind_of(named) != unit.kind or (unit.size is not None and named in _SIZE_OF):
        return None  # the name says another kind, or another size, than Odoo does
    return named


def _measures(code: str, kind: Kind, size: Decimal) -> bool:
    known = _SIZE_OF.get(code)
    return known is not None and known[0] == kind and abs(known[1] - size) <= size * TOLERANCE


def units_from_rows(rows: Sequence[Mapping[str, Any]], xml_ids: XmlIds) -> dict[int, OdooUnit]:
    """Every read ``uom.uom`` row as an OdooUnit. The rows must hold each unit's anchor: the
    reference units of their categories (16-18) or their ancestors (19)."""
    if any("relative_factor" in row for row in rows):
        return _by_tree(rows, xml_ids)
    return _by_category(rows, xml_ids)


def _anchor(row: Mapping[str, Any] | None, xml_ids: XmlIds) -> tuple[Kind, Decimal] | None:
    if row is None:
        return None
    code = SHIPPED_BY_XML_ID.get(xml_ids.get(("uom.uom", int(row["id"]))) or "")
    code = code or SHIPPED_BY_NAME.get(str(row.get("name") or "").strip())
    return _SIZE_OF[code] if code else None


def _by_category(rows: Sequence[Mapping[str, Any]], xml_ids: XmlIds) -> dict[int, OdooUnit]:
    references = {_m2o(r.get("category_id")): r for r in rows if r.get("uom_type") == "reference"}
    units: dict[int, OdooUnit] = {}
    for row in rows:
        category_id = _m2o(row.get("category_id"))
        category = _m2o_name(row.get("category_id")) or "no category"
        kind = CATEGORY_BY_XML_ID.get(xml_ids.get(("uom.category", category_id)) or "")
        kind = kind or CATEGORY_BY_NAME.get(category)
        reference = references.get(category_id)
        factor = _decimal(row.get("factor"))
        relative = Decimal(1) / factor if factor else None  # size in reference units
        anchor = _anchor(reference, xml_ids)
        size = None
        if anchor is not None and relative is not None and kind in (None, anchor[0]):
            kind, size = anchor[0], anchor[1] * relative
        if row.get("uom_type") == "reference" or reference is None or relative is None:
            says = f"{category}, reference unit"
        else:
            says = f"{category}, {_number(relative)} × {reference.get('name')}"
        units[int(row["id"])] = OdooUnit(
            int(row["id"]), str(row.get("name") or ""), kind, size, says
        )
    return units


def _by_tree(rows: Sequence[Mapping[str, Any]], xml_ids: XmlIds) -> dict[int, OdooUnit]:
    by_id = {int(r["id"]): r for r in rows}
    units: dict[int, OdooUnit] = {}
    for unit_id, row in by_id.items():
        absolute = Decimal(1)
        node: Mapping[str, Any] | None = row
        root: Mapping[str, Any] | None = None
        seen: set[int] = set()
        while node is not None and int(node["id"]) not in seen:
            seen.add(int(node["id"]))
            absolute *= _decimal(node.get("relative_factor")) or Decimal(1)
            parent = _m2o(node.get("relative_uom_id"))
            if not parent:
                root = node
            node = by_id.get(parent) if parent else None
        anchor = _anchor(root, xml_ids)
        kind: Kind | None = None
        size = None
        if root is not None and anchor is not None:
            kind = anchor[0]
            size = anchor[1] * absolute / (_decimal(root.get("relative_factor")) or Decimal(1))
        reference = _m2o_name(row.get("relative_uom_id"))
        says = (
            f"{_number(_decimal(row.get('relative_factor')))} × {reference}"
            if reference
            else "reference unit"
        )
        units[unit_id] = OdooUnit(unit_id, str(row.get("name") or ""), kind, size, says)
    return units


def _m2o(value: Any) -> int:
    if isinstance(value, list | tuple) and value:
        return int(value[0])
    return 0


def _m2o_name(value: Any) -> str | None:
    return str(value[1]) if isinstance(value, list | tuple) and len(value) > 1 else None


def _decimal(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return Decimal(0)  # Odoo reads an empty number as False
    return Decimal(str(value))  # the client reads JSON numbers as Decimal, tests give floats


def _number(value: Decimal) -> str:
    return f"{float(value):.6f}".rstrip("0").rstrip(".")
