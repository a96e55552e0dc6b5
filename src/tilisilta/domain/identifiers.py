"""Business IDs, VAT numbers, bank accounts and e-invoice addresses, checked with python-stdnum.

The ``*_error`` functions return None for a valid value, otherwise what is wrong in plain words,
naming the value (lower-case start, no full stop, so callers can build sentences around them).
"""

from __future__ import annotations

import re
from functools import lru_cache

from stdnum import bic, iban
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidLength, ValidationError
from stdnum.fi import alv, ytunnus

# VAT prefixes that are not the ISO country code: Greece uses EL; Northern Ireland (GB) uses XI
# for goods under the Windsor Framework.
_VAT_PREFIX_COUNTRY = {"EL": "GR", "XI": "GB"}
_COUNTRY_VAT_PREFIX = {"GR": "EL"}
EU_VAT_PREFIXES = frozenset(
    _COUNTRY_VAT_PREFIX.get(cc.upper(), cc.upper()) for cc in eu_vat.MEMBER_STATES
)
# ISO 3166 codes of the EU VAT area. Åland (AX) is outside it, so it is not here.
EU_COUNTRIES = frozenset(cc.upper() for cc in eu_vat.MEMBER_STATES if cc != "xi")


def _compact(value: str) -> str:
    return re.sub(r"[\s.\-]", "", value).upper()


# --- Finnish business ID (Y-tunnus) -----------------------------------------------------------


def _business_id_digits(value: str) -> str:
    digits = _compact(value)
    # Old six-digit IDs (112038-9) are the same number with a leading zero.
    if len(digits) == 7 and digits.isdigit():
        digits = "0" + digits
    return digits


def _business_id_check_digit(first_seven: str) -> int | None:
    """The check digit for seven digits; None when the remainder is 1 (never issued)."""
    remainder = alv.checksum(first_seven + "0")
    if remainder == 1:
        return None
    return 0 if remainder == 0 else 11 - remainder


@lru_cache(maxsize=1024)  # an import or a send checks the same few values thousands of times
def business_id_error(value: str) -> str | None:
    """None when ``value`` is a valid Finnish business ID (``2077474-0``, or old ``112038-9``)."""
    if not value.strip():
        return "business ID is empty"
    digits = _business_id_digits(value)
    if digits.startswith("FI"):
        return (
            f"business ID {value!r} is a VAT number; a business ID has no FI prefix "
            "and a hyphen before the check digit"
        )
    if not re.fullmatch(r"\d{8}", digits):
        return f"business ID {value!r} must be seven digits, a hyphen and a check digit (NNNNNNN-C)"
    try:
        ytunnus.validate(digits)
    except InvalidChecksum:
        expected = _business_id_check_digit(digits[:7])
        if expected is None:
            return f"business ID {value!r} is not valid (no business ID starts with {digits[:7]})"
        return f"business ID {value!r} is not valid (check digit should be {expected})"
    except ValidationError:
        return f"business ID {value!r} is not valid"
    return None


def is_valid_business_id(value: str) -> bool:
    return business_id_error(value) is None


def normalize_business_id(value: str) -> str:
    """The printed form ``NNNNNNN-C``; raises ValueError for an invalid ID."""
    error = business_id_error(value)
    if error:
        raise ValueError(error)
    return str(ytunnus.format(_business_id_digits(value)))


def vat_number_for_business_id(value: str) -> str:
    """The Finnish VAT number of a business ID: ``FI`` + its eight digits (``FI20774740``)."""
    error = business_id_error(value)
    if error:
        raise ValueError(error)
    return "FI" + _business_id_digits(value)


def ovt_for_business_id(value: str, suffix: str = "") -> str:
    """The OVT e-invoice address derived from a business ID: ``0037`` + digits + suffix."""
    error = business_id_error(value)
    if error:
        raise ValueError(error)
    return "0037" + _business_id_digits(value) + suffix.upper()


# --- VAT numbers ------------------------------------------------------------------------------


def compact_vat_number(value: str) -> str:
    """``fi 2077474-0`` → ``FI20774740``: no spaces, dots or hyphens, upper case."""
    return _compact(value)


def vat_prefix_for_country(country: str) -> str:
    """The VAT prefix a country's numbers carry: the ISO code, except Greece (EL)."""
    return _COUNTRY_VAT_PREFIX.get(country.upper(), country.upper())


def vat_number_country(value: str) -> str | None:
    """The ISO 3166 country of an EU VAT number's prefix (EL → GR), or None without a prefix."""
    number = _compact(value)
    prefix = number[:2]
    if len(number) < 3 or not prefix.isalpha():
        return None
    return _VAT_PREFIX_COUNTRY.get(prefix, prefix)


@lru_cache(maxsize=1024)  # an import or a send checks the same few values thousands of times
def eu_vat_error(value: str) -> str | None:
    """None when ``value`` is a well-formed EU VAT number with a correct check digit.

    Checks format and checksum only; whether the number is registered needs VIES (network).
    """
    number = _compact(value)
    if not number:
        return "VAT number is empty"
    prefix = number[:2]
    if len(number) < 3 or not prefix.isalpha():
        return f"VAT number {value!r} must start with a two-letter country prefix, e.g. DE or SE"
    if prefix == "GR":
        return f"VAT number {value!r} starts with GR, but Greek VAT numbers start with EL"
    if prefix not in EU_VAT_PREFIXES:
        return f"VAT number {value!r} is not an EU VAT number ({prefix} is not an EU VAT prefix)"
    try:
        eu_vat.validate(number)
    except InvalidChecksum:
        return f"VAT number {value!r} is not valid (check digit)"
    except InvalidLength:
        return f"VAT number {value!r} has the wrong number of characters for {prefix}"
    except ValidationError:
        return f"VAT number {value!r} is not in the format {prefix} VAT numbers have"
    return None


# --- Bank accounts ----------------------------------------------------------------------------


@lru_cache(maxsize=1024)  # an import or a send checks the same few values thousands of times
def iban_error(value: str) -> str | None:
    """None when ``value`` is a valid IBAN (mod-97 check digits and the country's BBAN format)."""
    if not value.strip():
        return "bank account is empty"
    try:
        iban.validate(value)
    except InvalidChecksum:
        return (
            f"bank account {value!r} is not a valid IBAN "
            "(its check digits do not match: a digit is wrong or missing)"
        )
    except InvalidLength:
        return f"bank account {value!r} has the wrong length for a {_compact(value)[:2]} IBAN"
    except ValidationError:
        return f"bank account {value!r} is not a valid IBAN (unknown country or account format)"
    return None


def compact_iban(value: str) -> str:
    return str(iban.compact(value))


def bic_error(value: str) -> str | None:
    """None when ``value`` is a well-formed BIC (format and country only; no bank directory)."""
    if not value.strip():
        return "BIC is empty"
    try:
        bic.validate(value)
    except InvalidLength:
        return f"BIC {value!r} must be 8 or 11 characters"
    except InvalidComponent:
        return f"BIC {value!r} has an unknown country code ({_compact(value)[4:6]})"
    except ValidationError:
        return (
            f"BIC {value!r} is not valid: 4 letters for the bank, 2 for the country, "
            "then 2 letters or digits (and an optional 3-character branch)"
        )
    return None


# --- E-invoice addresses ----------------------------------------------------------------------

_OVT_PREFIX = "0037"


def einvoice_address_error(value: str) -> str | None:
    """None for an OVT address (0037 + business ID digits + up to 5 characters) or an IBAN."""
    address = _compact(value)
    if not address:
        return "e-invoice address is empty"
    if address.startswith(_OVT_PREFIX):
        return _ovt_error(value, address)
    if re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]+", address):
        error = iban_error(address)
        return (
            None
            if error is None
            else f"e-invoice address {value!r} looks like an IBAN, but {error}"
        )
    return f"e-invoice address {value!r} is neither an OVT code (0037…) nor an IBAN"


def _ovt_error(value: str, address: str) -> str | None:
    if not 12 <= len(address) <= 17:
        return (
            f"e-invoice address {value!r} has {len(address)} characters; an OVT address is 0037, "
            "an 8-digit business ID and an optional suffix of up to 5 characters (12–17)"
        )
    business_id, suffix = address[4:12], address[12:]
    if not business_id.isdigit() or business_id_error(business_id):
        return (
            f"e-invoice address {value!r} does not contain a valid business ID "
            f"after 0037 ({business_id})"
        )
    if suffix and not suffix.isalnum():
        return f"e-invoice address {value!r} has a suffix {suffix!r} that is not letters or digits"
    return None
