"""Payment references: the Finnish viitenumero (7-3-1) and the ISO 11649 RF creditor reference."""

from __future__ import annotations

import re

_WEIGHTS = (7, 3, 1)


def finnish_check_digit(base: str) -> str:
    """The check digit for a Finnish reference base of 3–19 digits."""
    if not re.fullmatch(r"[0-9]{3,19}", base):
        raise ValueError(f"a reference base must be 3 to 19 digits, got {base!r}")
    total = sum(int(d) * _WEIGHTS[i % 3] for i, d in enumerate(reversed(base)))
    return str((10 - total % 10) % 10)


def make_finnish_reference(base: str | int) -> str:
    """Append the 7-3-1 check digit: ``make_finnish_reference("123") == "1232"``."""
    digits = str(base).lstrip("0") or "0"
    digits = digits.rjust(3, "0") if len(digits) < 3 else digits
    return digits + finnish_check_digit(digits)


def compact(reference: str) -> str:
    return reference.replace(" ", "").upper()


def finnish_reference_error(reference: str) -> str | None:
    """None when valid, otherwise a sentence saying what is wrong."""
    ref = compact(reference)
    if not re.fullmatch(r"[0-9]{4,20}", ref):
        return f"payment reference {reference!r} must be 4 to 20 digits"
    expected = finnish_check_digit(ref[:-1])
    if ref[-1] != expected:
        return f"payment reference {reference!r} is not valid (check digit should be {expected})"
    return None


def rf_reference_error(reference: str) -> str | None:
    ref = compact(reference)
    if not re.fullmatch(r"RF[0-9]{2}[0-9A-Z]{1,21}", ref):
        return (
            f"RF reference {reference!r} must be RF, two check digits and 1 to 21 letters or digits"
        )
    rearranged = ref[4:] + ref[:4]
    number = int("".join(str(int(c, 36)) for c in rearranged))
    if number % 97 != 1:
        return f"RF reference {reference!r} is not valid (check digits do not match)"
    return None


def reference_error(reference: str) -> str | None:
    """Validate either form: RF references start with 'RF', others are Finnish."""
    if compact(reference).startswith("RF"):
        return rf_reference_error(reference)
    return finnish_reference_error(reference)


def make_rf_reference(body: str) -> str:
    body = compact(body)
    number = int("".join(str(int(c, 36)) for c in body + "RF00"))
    return f"RF{98 - number % 97:02d}{body}"


def format_finnish_reference(reference: str) -> str:
    """Groups of five from the right, as printed on Finnish invoices."""
    ref = compact(reference)
    groups: list[str] = []
    while ref:
        groups.insert(0, ref[-5:])
        ref = ref[:-5]
    return " ".join(groups)
