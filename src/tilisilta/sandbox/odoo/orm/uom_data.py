"""The units of measure a fresh database holds, as the ``uom`` module ships them in each version,
with their external ids (``ir.model.data``, module ``uom``).

16-18 group units in categories: each category has one reference unit (``factor`` 1); a bigger
unit has ``factor`` 1/ratio, a smaller one ``factor`` ratio (so ``t`` is 1000 × kg, ``Hours`` are
1/8 of the ``Days`` reference: Odoo's working day is 8 hours). 19 has no categories: each unit
names the unit it is a multiple of (``relative_uom_id``, ``relative_factor``); the units without
one are the roots (``Units``, ``Hours``, ``mm``, ``m²``, ``ml``, ``g``, ``KWH``), and 19 renames
the tonne ``Ton`` and archives the units most companies do not use.
"""

from __future__ import annotations

from typing import Any

from .env import Env

#: 16-18: (xml id, English name)
CATEGORIES = [
    ("product_uom_categ_unit", "Unit"),
    ("product_uom_categ_kgm", "Weight"),
    ("uom_categ_wtime", "Working Time"),
    ("uom_categ_length", "Length / Distance"),
    ("uom_categ_surface", "Surface"),
    ("product_uom_categ_vol", "Volume"),
]

#: 16-18: (key, xml id, name, category xml id, uom_type, ratio to the category's reference)
UOMS_16 = [
    ("units", "product_uom_unit", "Units", "product_uom_categ_unit", "reference", 1.0),
    ("dozens", "product_uom_dozen", "Dozens", "product_uom_categ_unit", "bigger", 12.0),
    ("days", "product_uom_day", "Days", "uom_categ_wtime", "reference", 1.0),
    ("hours", "product_uom_hour", "Hours", "uom_categ_wtime", "smaller", 8.0),
    ("m", "product_uom_meter", "m", "uom_categ_length", "reference", 1.0),
    ("mm", "product_uom_millimeter", "mm", "uom_categ_length", "smaller", 1000.0),
    ("km", "product_uom_km", "km", "uom_categ_length", "bigger", 1000.0),
    ("cm", "product_uom_cm", "cm", "uom_categ_length", "smaller", 100.0),
    ("m2", "uom_square_meter", "m²", "uom_categ_surface", "reference", 1.0),
    ("litre", "product_uom_litre", "L", "product_uom_categ_vol", "reference", 1.0),
    ("m3", "product_uom_cubic_meter", "m³", "product_uom_categ_vol", "bigger", 1000.0),
    ("kg", "product_uom_kgm", "kg", "product_uom_categ_kgm", "reference", 1.0),
    ("g", "product_uom_gram", "g", "product_uom_categ_kgm", "smaller", 1000.0),
    ("t", "product_uom_ton", "t", "product_uom_categ_kgm", "bigger", 1000.0),
    ("lb", "product_uom_lb", "lb", "product_uom_categ_kgm", "smaller", 2.20462),
    ("oz", "product_uom_oz", "oz", "product_uom_categ_kgm", "smaller", 35.274),
    ("in", "product_uom_inch", "in", "uom_categ_length", "smaller", 39.3701),
    ("ft", "product_uom_foot", "ft", "uom_categ_length", "smaller", 3.28084),
    ("yd", "product_uom_yard", "yd", "uom_categ_length", "smaller", 1.09361),
    ("mi", "product_uom_mile", "mi", "uom_categ_length", "bigger", 1609.34),
    ("ft2", "uom_square_foot", "ft²", "uom_categ_surface", "smaller", 10.76391),
    ("floz", "product_uom_floz", "fl oz (US)", "product_uom_categ_vol", "smaller", 33.814),
    ("qt", "product_uom_qt", "qt (US)", "product_uom_categ_vol", "smaller", 1.05669),
    ("gal", "product_uom_gal", "gal (US)", "product_uom_categ_vol", "bigger", 3.78541),
    ("in3", "product_uom_cubic_inch", "in³", "product_uom_categ_vol", "smaller", 61.0237),
    ("ft3", "product_uom_cubic_foot", "ft³", "product_uom_categ_vol", "bigger", 28.3168),
]

#: 19: (key, xml id, name, relative_factor, key of the relative_uom_id or None, active)
UOMS_19 = [
    ("units", "product_uom_unit", "Units", 1.0, None, True),
    ("pack_6", "product_uom_pack_6", "Pack of 6", 6.0, "units", True),
    ("dozens", "product_uom_dozen", "Dozens", 12.0, "units", False),
    ("hours", "product_uom_hour", "Hours", 1.0, None, True),
    ("days", "product_uom_day", "Days", 8.0, "hours", True),
    ("minutes", "product_uom_minute", "Minutes", 0.0166667, "hours", True),
    ("mm", "product_uom_millimeter", "mm", 1.0, None, True),
    ("cm", "product_uom_cm", "cm", 10.0, "mm", False),
    ("m", "product_uom_meter", "m", 100.0, "cm", True),
    ("km", "product_uom_km", "km", 1000.0, "m", False),
    ("in", "product_uom_inch", "in", 2.54, "cm", False),
    ("ft", "product_uom_foot", "ft", 12.0, "in", False),
    ("yd", "product_uom_yard", "yd", 3.0, "ft", False),
    ("mi", "product_uom_mile", "mi", 1760.0, "yd", False),
    ("m2", "product_uom_square_meter", "m²", 1.0, None, True),
    ("ft2", "product_uom_square_foot", "ft²", 0.092903, "m2", False),
    ("ml", "product_uom_milliliter", "ml", 1.0, None, True),
    ("litre", "product_uom_litre", "L", 1000.0, "ml", True),
    ("m3", "product_uom_cubic_meter", "m³", 1000.0, "litre", False),
    ("floz", "product_uom_floz", "fl oz (US)", 0.0295735, "litre", False),
    ("qt", "product_uom_qt", "qt (US)", 32.0, "floz", False),
    ("gal", "product_uom_gal", "gal (US)", 4.0, "qt", False),
    ("in3", "product_uom_cubic_inch", "in³", 0.0163871, "litre", False),
    ("ft3", "product_uom_cubic_foot", "ft³", 1728.0, "in3", False),
    ("g", "product_uom_gram", "g", 1.0, None, True),
    ("kg", "product_uom_kgm", "kg", 1000.0, "g", True),
    ("t", "product_uom_ton", "Ton", 1000.0, "kg", True),
    ("oz", "product_uom_oz", "oz", 28.3495, "g", False),
    ("lb", "product_uom_lb", "lb", 16.0, "oz", False),
    ("kwh", "product_uom_kwh", "KWH", 1.0, None, True),
]


def install_uoms(env: Env) -> dict[str, int]:
    """Create the version's units (and 16-18 categories) with their external ids; key → id."""
    xml_ids: list[dict[str, Any]] = []
    out: dict[str, int] = {}
    if env.version <= 18:
        categories: dict[str, int] = {}
        for xml_id, name in CATEGORIES:
            categories[xml_id] = env["uom.category"].create_records([{"name": name}])[0]
            xml_ids.append(_xml_id(xml_id, "uom.category", categories[xml_id]))
        for key, xml_id, name, category, kind, ratio in UOMS_16:
            factor = 1.0 if kind == "reference" else ratio if kind == "smaller" else 1.0 / ratio
            vals = {"name": name, "category_id": categories[category], "uom_type": kind}
            out[key] = env["uom.uom"].create_records([{**vals, "factor": factor}])[0]
            xml_ids.append(_xml_id(xml_id, "uom.uom", out[key]))
    else:
        for key, xml_id, name, relative, reference, active in UOMS_19:
            vals = {"name": name, "relative_factor": relative, "active": active}
            if reference is not None:
                vals["relative_uom_id"] = out[reference]
            out[key] = env["uom.uom"].create_records([vals])[0]
            xml_ids.append(_xml_id(xml_id, "uom.uom", out[key]))
    env["ir.model.data"].create_records(xml_ids)
    return out


def uom_ids(env: Env) -> dict[str, int]:
    """Key → id of the shipped units, found by their external ids (a user may rename them)."""
    rows = env["ir.model.data"].search_ids([("module", "=", "uom"), ("model", "=", "uom.uom")])
    by_xml_id = {
        env["ir.model.data"].get(rid, "name"): env["ir.model.data"].get(rid, "res_id")
        for rid in rows
    }
    table = [(key, xml_id) for key, xml_id, *_ in (UOMS_16 if env.version <= 18 else UOMS_19)]
    return {key: int(by_xml_id[xml_id]) for key, xml_id in table if xml_id in by_xml_id}


def _xml_id(name: str, model: str, res_id: int) -> dict[str, Any]:
    return {"module": "uom", "name": name, "model": model, "res_id": res_id, "noupdate": True}
