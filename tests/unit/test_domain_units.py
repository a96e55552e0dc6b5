from __future__ import annotations

import pytest

from tilisilta.domain.units import ACCEPTED_CODES, unit_code, unit_error


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("pcs", "H87"),
        ("kpl", "H87"),
        ("KPL", "H87"),
        ("pc", "H87"),
        ("piece", "H87"),
        ("h", "HUR"),
        ("hour", "HUR"),
        ("t", "HUR"),  # Finnish "tunti"
        ("kg", "KGM"),
        ("l", "LTR"),
        ("m", "MTR"),
        ("day", "DAY"),
        ("pv", "DAY"),
        ("month", "MON"),
        ("kk", "MON"),
        ("m²", "MTK"),
        ("KTM", "KMT"),  # deleted Rec 20 code, same meaning
    ],
)
def test_erp_spellings_map_to_rec20(value: str, code: str) -> None:
    assert unit_code(value) == code
    assert code in ACCEPTED_CODES


@pytest.mark.parametrize(
    "code", ["C62", "H87", "EA", "KGM", "LTR", "MTR", "HUR", "DAY", "MON", "MTK", "MTQ", "KWH"]
)
def test_rec20_codes_map_to_themselves(code: str) -> None:
    assert unit_code(code) == code
    assert unit_code(f" {code.lower()} ") == code


@pytest.mark.parametrize("code", ["SET", "PR", "GRM", "TNE", "MIN", "WEE", "ANN", "XBX", "XPK"])
def test_more_accepted_codes(code: str) -> None:
    assert unit_code(code) == code


def test_pce_is_refused_with_a_hint() -> None:
    assert unit_code("PCE") is None
    assert unit_code("pce") is None
    error = unit_error("PCE")
    assert error is not None
    assert "not a UN/ECE Rec 20 code" in error and "H87" in error and "C62" in error


def test_unknown_unit_is_refused() -> None:
    assert unit_code("bananas") is None
    assert (
        unit_error("bananas")
        == "unit 'bananas' has no UN/ECE Rec 20 code in the hub's unit mapping"
    )
    assert unit_error("") == "unit is empty"
    assert unit_error("kpl") is None
