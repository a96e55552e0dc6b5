"""Odoo units of measure read by what Odoo says they are (category and ratio, or the 19 tree)."""

from __future__ import annotations

from typing import Any

import pytest

from tilisilta.connectors.odoo.client.errors import OdooError
from tilisilta.connectors.odoo.flows.units import UnitReader
from tilisilta.connectors.odoo.mapping.records import Catalog, to_line
from tilisilta.connectors.odoo.mapping.units import OdooUnit, rec20_code, units_from_rows
from tilisilta.fixes import fix

WEIGHT, UNIT, TIME = [2, "Weight"], [1, "Unit"], [3, "Working Time"]


def uom(rid: int, name: str, category: list[Any], kind: str, factor: float) -> dict[str, Any]:
    """A 16-18 ``uom.uom`` row as read."""
    return {"id": rid, "name": name, "category_id": category, "uom_type": kind, "factor": factor}


ROWS_16 = [
    uom(1, "Units", UNIT, "reference", 1.0),
    uom(2, "Dozens", UNIT, "bigger", 1 / 12),
    uom(3, "Days", TIME, "reference", 1.0),
    uom(4, "Hours", TIME, "smaller", 8.0),
    uom(5, "kg", WEIGHT, "reference", 1.0),
    uom(6, "g", WEIGHT, "smaller", 1000.0),
    uom(7, "t", WEIGHT, "bigger", 0.001),
    uom(8, "lb", WEIGHT, "smaller", 2.20462),
    uom(9, "oz", WEIGHT, "smaller", 35.274),
    uom(10, "Box of 6", UNIT, "bigger", 1 / 6),
]


def codes(units: dict[int, OdooUnit]) -> dict[str, str | None]:
    return {unit.name: rec20_code(unit) for unit in units.values()}


def test_16_to_18_units_are_read_by_category_and_ratio() -> None:
    assert codes(units_from_rows(ROWS_16, {})) == {
        "Units": "C62",
        "Dozens": "DZN",
        "Days": "DAY",
        "Hours": "HUR",
        "kg": "KGM",
        "g": "GRM",
        "t": "TNE",  # the tonne: by name it would be the Finnish "tunti" (HUR)
        "lb": "LBR",
        "oz": "ONZ",
        "Box of 6": None,
    }
    units = units_from_rows(ROWS_16, {})
    assert units[7].says == "Weight, 1000 × kg"
    assert units[4].says == "Working Time, 0.125 × Days"


def test_the_units_own_names_do_not_matter_when_odoo_says_what_they_are() -> None:
    # A Finnish company renamed its units; the categories' external ids and ratios still tell.
    rows = [
        uom(1, "kpl", [1, "Yksikkö"], "reference", 1.0),
        uom(3, "pv", [3, "Työaika"], "reference", 1.0),
        uom(4, "t", [3, "Työaika"], "smaller", 8.0),  # here "t" is tunti: an hour
        uom(5, "kilo", [2, "Paino"], "reference", 1.0),
        uom(7, "h", [2, "Paino"], "bigger", 0.001),  # a weight, whatever its name says
    ]
    xml_ids = {
        ("uom.category", 1): "uom.product_uom_categ_unit",
        ("uom.category", 2): "uom.product_uom_categ_kgm",
        ("uom.category", 3): "uom.uom_categ_wtime",
        ("uom.uom", 1): "uom.product_uom_unit",
        ("uom.uom", 3): "uom.product_uom_day",
        ("uom.uom", 5): "uom.product_uom_kgm",
    }
    found = codes(units_from_rows(rows, xml_ids))
    # kpl says piece, the same size as Odoo's unit: the more precise code is kept
    assert found == {"kpl": "H87", "pv": "DAY", "t": "HUR", "kilo": "KGM", "h": "TNE"}


def test_a_name_is_never_read_against_what_the_category_says() -> None:
    # An unknown reference unit: the ratio says nothing, the category still does.
    rows = [
        uom(5, "Säkki", WEIGHT, "reference", 1.0),
        uom(7, "t", WEIGHT, "bigger", 0.01),
        uom(8, "tonni", WEIGHT, "bigger", 0.001),
    ]
    found = codes(units_from_rows(rows, {}))
    assert found == {"Säkki": None, "t": None, "tonni": "TNE"}
    # A known reference but a size no code has: a name with another size is refused too.
    rows = [uom(5, "kg", WEIGHT, "reference", 1.0), uom(7, "tn", WEIGHT, "bigger", 0.002)]
    assert codes(units_from_rows(rows, {}))["tn"] is None
    # One counted thing: a name that says what it is without a size of its own is kept, one
    # that gives it another kind is not.
    rows = [
        uom(1, "Units", UNIT, "reference", 1.0),
        uom(2, "sarja", UNIT, "bigger", 1.0),
        uom(3, "kk", UNIT, "bigger", 1.0),
        uom(4, "t", UNIT, "bigger", 1.0),
    ]
    assert codes(units_from_rows(rows, {})) == {
        "Units": "C62",
        "sarja": "SET",
        "kk": "MON",
        "t": "C62",
    }
    # A package code has no size of its own: a box of six units is a box.
    rows = [uom(1, "Units", UNIT, "reference", 1.0), uom(2, "Box", UNIT, "bigger", 1 / 6)]
    assert codes(units_from_rows(rows, {}))["Box"] == "XBX"


def tree(rid: int, name: str, factor: float, parent: list[Any] | None = None) -> dict[str, Any]:
    """A 19 ``uom.uom`` row as read."""
    return {"id": rid, "name": name, "relative_factor": factor, "relative_uom_id": parent or False}


def test_19_units_are_read_by_their_reference_units_up_to_the_root() -> None:
    rows = [
        tree(1, "Units", 1.0),
        tree(2, "Pack of 6", 6.0, [1, "Units"]),
        tree(3, "Dozens", 12.0, [1, "Units"]),
        tree(4, "Hours", 1.0),
        tree(5, "Days", 8.0, [4, "Hours"]),
        tree(6, "Minutes", 0.0166667, [4, "Hours"]),
        tree(7, "g", 1.0),
        tree(8, "kg", 1000.0, [7, "g"]),
        tree(9, "Ton", 1000.0, [8, "kg"]),
        tree(10, "t", 1000.0, [8, "kg"]),
        tree(11, "mm", 1.0),
        tree(12, "cm", 10.0, [11, "mm"]),
        tree(13, "m", 100.0, [12, "cm"]),
        tree(14, "ml", 1.0),
        tree(15, "L", 1000.0, [14, "ml"]),
        tree(16, "m³", 1000.0, [15, "L"]),
    ]
    units = units_from_rows(rows, {})
    assert codes(units) == {
        "Units": "C62",
        "Pack of 6": None,
        "Dozens": "DZN",
        "Hours": "HUR",
        "Days": "DAY",
        "Minutes": "MIN",
        "g": "GRM",
        "kg": "KGM",
        "Ton": "TNE",
        "t": "TNE",
        "mm": "MMT",
        "cm": "CMT",
        "m": "MTR",
        "ml": "MLT",
        "L": "LTR",
        "m³": "MTQ",
    }
    assert units[9].says == "1000 × kg" and units[4].says == "reference unit"


def test_19_a_root_known_by_its_external_id_whatever_its_name() -> None:
    rows = [tree(7, "gramma", 1.0), tree(10, "t", 1000000.0, [7, "gramma"])]
    units = units_from_rows(rows, {("uom.uom", 7): "uom.product_uom_gram"})
    assert rec20_code(units[10]) == "TNE"
    assert rec20_code(units_from_rows(rows, {})[10]) == "HUR"  # Odoo told nothing: the name


@pytest.mark.parametrize(
    ("line_unit", "user_map", "expected"),
    [
        ([7, "t"], {}, "TNE"),
        ([4, "Hours"], {}, "HUR"),
        ([3, "Days"], {}, "DAY"),
        ([7, "t"], {"t": "KGM"}, "KGM"),  # the person's mapping wins
        ([10, "Box of 6"], {"Box of 6": "XBX"}, "XBX"),
        ([10, "Box of 6"], {}, None),
    ],
)
def test_an_invoice_line_takes_the_mapping_then_odoos_facts(
    line_unit: list[Any], user_map: dict[str, str], expected: str | None
) -> None:
    tax = {"id": 1, "name": "25,5 %", "amount": 25.5, "amount_type": "percent"}
    catalog = Catalog(
        taxes={1: tax}, countries={}, units=user_map, odoo_units=units_from_rows(ROWS_16, {})
    )
    line = {"name": "Rivi", "quantity": 2, "product_uom_id": line_unit, "tax_ids": [1]}
    mapped, problems = to_line(line, 1, catalog, 1)
    if expected is None:
        assert mapped is None
        assert problems == [
            "line 1: unit 'Box of 6' (Unit, 6 × Units) has no UN/ECE code; map it with "
            + fix("odoo.unit_map", unit="Box of 6")
        ]
    else:
        assert mapped is not None and mapped.unit == expected and problems == []


class FakeClient:
    """Answers ``uom.uom`` reads with ROWS_16; ``ir.model.data`` is refused (a user without the
    right), so names and ratios must tell."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, list[Any]]] = []

    def available(self, model: str, wanted: Any) -> list[str]:
        return [f for f in wanted if f not in ("relative_factor", "relative_uom_id")]

    def search_read(self, model: str, domain: list[Any], fields: Any, **_: Any) -> list[Any]:
        self.calls.append((model, domain))
        if model == "ir.model.data":
            raise OdooError(200, "odoo.exceptions.AccessError", "no access")
        return ROWS_16


def test_the_reader_reads_a_pages_units_in_one_call_and_the_external_ids_once() -> None:
    client = FakeClient()
    reader = UnitReader(client, {"active_test": False})  # type: ignore[arg-type]
    first = reader.read([7, 7, 4, 0])
    second = reader.read([3])
    assert reader.read([]) == {}
    assert {i: rec20_code(u) for i, u in first.items()} == {4: "HUR", 7: "TNE"}
    assert rec20_code(second[3]) == "DAY"
    assert client.calls == [
        ("uom.uom", ["|", ("id", "in", [4, 7]), ("uom_type", "=", "reference")]),
        ("ir.model.data", [("module", "=", "uom"), ("model", "in", ["uom.uom", "uom.category"])]),
        ("uom.uom", ["|", ("id", "in", [3]), ("uom_type", "=", "reference")]),
    ]
