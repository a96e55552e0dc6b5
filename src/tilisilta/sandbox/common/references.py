"""Payment references as the sandboxes check and generate them (Procountor; Odoo's Finnish
reference models).

The sandbox is an oracle for the hub, so it has its own implementation instead of importing the
hub's (an oracle must not share the code it checks). Written from shared/reference/domain.md §2:

* Finnish reference (viitenumero): 4 to 20 digits, the last a check digit over the others with
  the weights 7, 3, 1 repeating from the rightmost; check = (10 - sum mod 10) mod 10.
* RF creditor reference (ISO 11649): ``RF``, two check digits, 1 to 21 letters or digits; valid
  when, with the first four characters moved to the end and each letter read as a number
  (A = 10 ... Z = 35), the whole number is 1 modulo 97.

Spaces are for reading only and letters may come in either case. Only ASCII digits and letters
count, as Procountor's own check has it.
"""

from __future__ import annotations

import string
from itertools import cycle

_DIGITS = frozenset(string.digits)
_ALPHANUMERICS = _DIGITS | frozenset(string.ascii_uppercase)

FINNISH_SHORTEST = 4  # three digits of base and the check digit
FINNISH_LONGEST = 20
RF_BODY_LONGEST = 21


def compact(code: str) -> str:
    """Without spaces, in upper case: ``"rf18 5390 0754 7034"`` → ``"RF18539007547034"``."""
    return "".join(code.split(" ")).upper()


def _finnish_check(base: str) -> int:
    """The 7-3-1 check digit of a string of ASCII digits."""
    total = 0
    for digit, weight in zip(reversed(base), cycle((7, 3, 1)), strict=False):
        total += (ord(digit) - ord("0")) * weight
    return -total % 10


def finnish_reference(serial: int) -> str:
    """The Finnish reference for a running number: its digits (at least three, zero-padded on the
    left) and the check digit. ``finnish_reference(123) == "1232"``."""
    if serial < 0:
        raise ValueError(f"a reference number cannot be negative: {serial}")
    base = str(serial).zfill(FINNISH_SHORTEST - 1)
    if len(base) > FINNISH_LONGEST - 1:
        raise ValueError(f"{serial} has more digits than a Finnish reference allows")
    return base + str(_finnish_check(base))


def is_finnish_reference(code: str) -> bool:
    ref = compact(code)
    if not FINNISH_SHORTEST <= len(ref) <= FINNISH_LONGEST or not set(ref) <= _DIGITS:
        return False
    return _finnish_check(ref[:-1]) == ord(ref[-1]) - ord("0")


def _mod97(text: str) -> int:
    """The number that ``text`` reads as (letters are two digits, A = 10), modulo 97."""
    remainder = 0
    for char in text:
        if char in _DIGITS:
            remainder = (remainder * 10 + ord(char) - ord("0")) % 97
        else:
            remainder = (remainder * 100 + ord(char) - ord("A") + 10) % 97
    return remainder


def _rf_body_ok(body: str) -> bool:
    return 1 <= len(body) <= RF_BODY_LONGEST and set(body) <= _ALPHANUMERICS


def rf_reference(body: str) -> str:
    """The RF creditor reference with ``body`` (e.g. a Finnish reference):
    ``rf_reference("1232") == "RF111232"``."""
    body = compact(body)
    if not _rf_body_ok(body):
        raise ValueError(f"an RF reference body must be 1 to 21 letters or digits, got {body!r}")
    check = 98 - _mod97(body + "RF00")
    return f"RF{check:02d}{body}"


def is_rf_reference(code: str) -> bool:
    ref = compact(code)
    head, body = ref[:4], ref[4:]
    if len(head) < 4 or head[:2] != "RF" or not set(head[2:]) <= _DIGITS:
        return False
    if not _rf_body_ok(body):
        return False
    return _mod97(body + head) == 1
