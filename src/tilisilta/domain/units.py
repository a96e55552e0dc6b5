"""Units of measure: the UN/ECE Rec 20 codes the hub accepts, and the ERP spellings it maps.

EN 16931 (and Finvoice's ``QuantityUnitCodeUN``) take Rec 20 codes, plus Rec 21 package codes with
an ``X`` prefix. Only codes that are active in Rec 20 are listed; an unknown unit is refused
rather than guessed, so a person adds it to the mapping.

Choice: "kpl", "pcs", "pc", "piece" map to H87 (piece), which is literally what they say; C62
("one") stays accepted for ERPs that send it, and is the canonical default for a bare count.
"""

from __future__ import annotations

REC20_CODES: frozenset[str] = frozenset(
    {
        # count
        "C62",  # one
        "H87",  # piece
        "EA",  # each
        "SET",  # set
        "PR",  # pair
        "DZN",  # dozen
        "NAR",  # number of articles
        "NMP",  # number of packs
        "LS",  # lump sum
        "E48",  # service unit
        "ZZ",  # mutually defined
        "P1",  # percent
        # mass
        "MGM",
        "GRM",
        "HGM",
        "KGM",
        "DTN",
        "TNE",
        "LBR",  # pound
        "ONZ",  # ounce
        # length
        "MMT",
        "CMT",
        "DMT",
        "MTR",
        "KMT",
        "LM",  # linear metre
        "INH",  # inch
        "FOT",  # foot
        "YRD",  # yard
        "SMI",  # mile (statute mile)
        # area and volume
        "CMK",
        "DMK",
        "MTK",
        "KMK",
        "FTK",  # square foot
        "MLT",
        "CLT",
        "DLT",
        "LTR",
        "HLT",
        "CMQ",
        "DMQ",
        "MTQ",
        "INQ",  # cubic inch
        "FTQ",  # cubic foot
        "OZA",  # fluid ounce (US)
        "GLL",  # gallon (US)
        # energy and power
        "WHR",
        "KWH",
        "MWH",
        "GWH",
        "WTT",
        "KWT",
        # time
        "SEC",
        "MIN",
        "HUR",
        "DAY",
        "WEE",
        "MON",
        "QAN",  # quarter of a year
        "SAN",  # half year
        "ANN",  # year
        # information
        "AD",  # byte
        "4L",  # megabyte
        "E34",  # gigabyte
        "E35",  # terabyte
    }
)

# Rec 21 package types, used as units with an X prefix.
REC21_PACKAGE_CODES: frozenset[str] = frozenset(
    {
        "XBX",  # box
        "XPK",  # package
        "XPA",  # packet
        "XCT",  # carton
        "XCS",  # case
        "XBG",  # bag
        "XSA",  # sack
        "XBE",  # bundle
        "XRO",  # roll
        "XRL",  # reel
        "XPX",  # pallet
        "XBO",  # bottle
        "XCR",  # crate
        "XDR",  # drum
        "XTU",  # tube
        "XKG",  # keg
        "XJR",  # jar
        "XEN",  # envelope
    }
)

ACCEPTED_CODES: frozenset[str] = REC20_CODES | REC21_PACKAGE_CODES

# Common ERP spellings (matched case-insensitively). "t" is the Finnish "tunti" (hour), not a
# tonne: Finnish ERPs print "t" on hourly work; tonnes are "tn" or "tonni".
ALIASES: dict[str, str] = {
    **dict.fromkeys(("pcs", "pc", "piece", "pieces", "kpl", "kappale", "stk"), "H87"),
    **dict.fromkeys(("unit", "units", "yks", "yksikkö"), "C62"),
    **dict.fromkeys(("each",), "EA"),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours", "t", "tunti", "tuntia"), "HUR"),
    **dict.fromkeys(("minute", "minutes", "minuutti"), "MIN"),
    **dict.fromkeys(("d", "day", "days", "pv", "päivä", "vrk"), "DAY"),
    **dict.fromkeys(("wk", "week", "weeks", "vk", "viikko"), "WEE"),
    **dict.fromkeys(("mo", "month", "months", "kk", "kuukausi", "kuukautta"), "MON"),
    **dict.fromkeys(("year", "years", "vuosi", "vuotta"), "ANN"),
    **dict.fromkeys(("g", "gram", "gramma"), "GRM"),
    **dict.fromkeys(("kg", "kilo", "kilogram", "kilogramma"), "KGM"),
    **dict.fromkeys(("tn", "tonne", "tonni"), "TNE"),
    **dict.fromkeys(("l", "ltr", "litre", "liter", "litra"), "LTR"),
    **dict.fromkeys(("ml",), "MLT"),
    **dict.fromkeys(("m", "metre", "meter", "metri"), "MTR"),
    **dict.fromkeys(("jm", "juoksumetri"), "LM"),  # linear metre
    **dict.fromkeys(("cm",), "CMT"),
    **dict.fromkeys(("mm",), "MMT"),
    **dict.fromkeys(("km", "ktm"), "KMT"),  # KTM is a deleted Rec 20 code for kilometre
    **dict.fromkeys(("m2", "m²", "neliö", "neliömetri"), "MTK"),
    **dict.fromkeys(("m3", "m³", "kuutio"), "MTQ"),
    **dict.fromkeys(("sarja",), "SET"),
    **dict.fromkeys(("pair", "pari"), "PR"),
    **dict.fromkeys(("box", "laatikko", "ltk"), "XBX"),
    **dict.fromkeys(("pkt", "paketti", "pack", "pakkaus"), "XPK"),
    **dict.fromkeys(("pallet", "lava"), "XPX"),
}

# Codes people believe are Rec 20 but are not, with what to use instead.
NOT_REC20: dict[str, str] = {"PCE": "H87 (piece) or C62 (one)"}


def unit_code(value: str) -> str | None:
    """The Rec 20/21 code for an ERP unit, or None when it has no known code."""
    text = value.strip()
    if not text or text.upper() in NOT_REC20:
        return None
    alias = ALIASES.get(text.lower())
    if alias:
        return alias
    code = text.upper()
    return code if code in ACCEPTED_CODES else None


def unit_error(value: str) -> str | None:
    """None when the unit maps to a code; otherwise what is wrong, with a hint where we have one."""
    if unit_code(value) is not None:
        return None
    if not value.strip():
        return "unit is empty"
    hint = NOT_REC20.get(value.strip().upper())
    if hint:
        return f"unit {value!r} is not a UN/ECE Rec 20 code (EN 16931 refuses it); use {hint}"
    return f"unit {value!r} has no UN/ECE Rec 20 code in the hub's unit mapping"
