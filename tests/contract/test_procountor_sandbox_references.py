"""The Procountor sandbox's own payment references (sandbox/procountor/references.py): known-good
and known-bad examples worked out from shared/reference/domain.md §2, then a cross-check against
the hub's implementation (tilisilta.domain.references) on a few thousand random inputs. The test
may import both; the sandbox may not import the hub's."""

from __future__ import annotations

import random
import string

import pytest

from tilisilta.domain.references import (
    finnish_reference_error,
    make_finnish_reference,
    make_rf_reference,
    rf_reference_error,
)
from tilisilta.sandbox.common.references import (
    compact,
    finnish_reference,
    is_finnish_reference,
    is_rf_reference,
    rf_reference,
)

# --- Finnish references (7-3-1) ---------------------------------------------------------------

# Worked by hand: weights 7, 3, 1 from the rightmost base digit, check = (10 - sum mod 10) mod 10.
GOOD_FINNISH = [
    "1232",  # 3*7 + 2*3 + 1*1 = 28 -> 2 (domain.md's example)
    "12345678907",  # domain.md's example
    "10003",  # 0*7 + 0*3 + 0*1 + 1*7 = 7 -> 3: the sandbox's first generated reference
    "10016",  # 1*7 + 0 + 0 + 1*7 = 14 -> 6
    "1009",  # 0*7 + 0*3 + 1*1 = 1 -> 9
    "0000",  # sum 0 -> 0; four digits is the shortest
    "12345678901234567894",  # 20 digits, the longest: sum 336 -> 4
    "12345 67890 7",  # printed in groups of five
    " 1232 ",
]
BAD_FINNISH = [
    "1233",  # wrong check digit
    "1231",
    "12345678906",
    "21345678907",  # two digits swapped
    "123",  # too short even though 12 -> 3 would check (2*7 + 1*3 = 17 -> 3)
    "",
    "   ",
    "12a2",
    "1232-",
    "1232\n",
    "1\t232",  # only spaces are for reading
    "RF111232",
    "١٢٣٢",  # 1232 in Arabic-Indic digits: only ASCII digits count
    "１２３２",  # fullwidth
]


@pytest.mark.parametrize("code", GOOD_FINNISH)
def test_valid_finnish_references_pass(code: str) -> None:
    assert is_finnish_reference(code)


@pytest.mark.parametrize("code", BAD_FINNISH)
def test_invalid_finnish_references_fail(code: str) -> None:
    assert not is_finnish_reference(code)


def test_a_finnish_reference_has_at_most_twenty_digits() -> None:
    base = "12345678901234567890"  # 20 digits of base: 21 with any check digit
    assert not any(is_finnish_reference(base + str(d)) for d in range(10))
    assert sum(is_finnish_reference(base[:-1] + str(d)) for d in range(10)) == 1


def test_each_base_has_exactly_one_check_digit() -> None:
    for base in ("123", "000", "987654321", "1000000000000000000"):
        assert sum(is_finnish_reference(base + str(d)) for d in range(10)) == 1


@pytest.mark.parametrize(
    ("serial", "reference"),
    [
        (123, "1232"),
        (1234567890, "12345678907"),
        (1000, "10003"),
        (1001, "10016"),
        (100, "1009"),
        (1, "0013"),  # padded to three digits: 1*7 = 7 -> 3
        (0, "0000"),
        (1234567890123456789, "12345678901234567894"),
    ],
)
def test_finnish_references_are_generated_with_the_check_digit(serial: int, reference: str) -> None:
    assert finnish_reference(serial) == reference


@pytest.mark.parametrize("serial", [-1, 10**19])
def test_no_finnish_reference_outside_the_range(serial: int) -> None:
    with pytest.raises(ValueError):
        finnish_reference(serial)


# --- RF creditor references (ISO 11649) -------------------------------------------------------

GOOD_RF = [
    "RF18539007547034",  # ISO 11649's example
    "RF18 5390 0754 7034",
    "rf18539007547034",
    "RF111232",  # domain.md: the Finnish 1232 as an RF body
    "RF25A",  # A RF 00 reads 10271500; that mod 97 is 73; 98 - 73 = 25
    "RF7312345678901234567890A",  # a body of 21, the longest
]
BAD_RF = [
    "RF19539007547034",  # check digits off by one
    "RF18539007547035",  # body changed
    "RF18539007547043",  # two body characters swapped
    "RF81539007547034",  # check digits swapped
    "RF18",  # no body
    "RF",
    "",
    "RF1A539007547034",  # check digits must be digits
    "RX18539007547034",
    "18539007547034",
    "RF18-539007547034",
    "RF18539007547034Ä",
    "RF１８539007547034",  # fullwidth check digits
    "RF111232\n",
]


@pytest.mark.parametrize("code", GOOD_RF)
def test_valid_rf_references_pass(code: str) -> None:
    assert is_rf_reference(code)


@pytest.mark.parametrize("code", BAD_RF)
def test_invalid_rf_references_fail(code: str) -> None:
    assert not is_rf_reference(code)


def test_an_rf_body_has_at_most_21_characters() -> None:
    body = "1" * 22
    assert not any(is_rf_reference(f"RF{check:02d}{body}") for check in range(100))
    assert any(is_rf_reference(f"RF{check:02d}{body[:-1]}") for check in range(100))


@pytest.mark.parametrize(
    ("body", "reference"),
    [
        ("1232", "RF111232"),
        ("539007547034", "RF18539007547034"),
        ("5390 0754 7034", "RF18539007547034"),
        ("a", "RF25A"),
    ],
)
def test_rf_references_are_generated_with_their_check_digits(body: str, reference: str) -> None:
    assert rf_reference(body) == reference


@pytest.mark.parametrize("body", ["", "1" * 22, "12-3", "Å"])
def test_no_rf_reference_on_a_body_iso_11649_does_not_allow(body: str) -> None:
    with pytest.raises(ValueError):
        rf_reference(body)


def test_compact_drops_spaces_and_upper_cases() -> None:
    assert compact(" rf18 5390 0754 7034 ") == "RF18539007547034"
    assert compact("12345 67890 7") == "12345678907"


# --- the cross-check against the hub's implementation ----------------------------------------

RANDOM_ROUNDS = 3000
_NOISE = string.digits + string.ascii_letters + "  -."


def _mutations(rng: random.Random, valid: str) -> list[str]:
    """A valid reference, then the same with one of the typing mistakes a check should catch."""
    i = rng.randrange(len(valid))
    j = rng.randrange(len(valid) - 1)
    swapped = valid[:j] + valid[j + 1] + valid[j] + valid[j + 2 :]
    spaced = valid[:i] + " " + valid[i:]
    return [
        valid,
        valid.lower(),
        spaced,
        valid[:i] + rng.choice(string.digits) + valid[i + 1 :],
        valid[:i] + rng.choice(string.ascii_uppercase) + valid[i + 1 :],
        swapped,
        valid[:i] + valid[i + 1 :],
        valid[:i] + rng.choice(string.digits) + valid[i:],
    ]


def _random_noise(rng: random.Random) -> list[str]:
    digits = "".join(rng.choices(string.digits, k=rng.randint(0, 23)))
    alnum = "".join(rng.choices(string.digits + string.ascii_uppercase, k=rng.randint(0, 24)))
    return [
        digits,
        "RF" + digits,
        "RF" + alnum,
        "rf" + alnum.lower(),
        "".join(rng.choices(_NOISE, k=rng.randint(0, 26))),
    ]


def _candidates(rng: random.Random) -> list[str]:
    serial = rng.randrange(10 ** rng.randint(1, 19))
    finnish = make_finnish_reference(serial)
    body = "".join(rng.choices(string.digits + string.ascii_uppercase, k=rng.randint(1, 21)))
    return [
        *_mutations(rng, finnish),
        *_mutations(rng, make_rf_reference(finnish)),
        *_mutations(rng, make_rf_reference(body)),
        *_random_noise(rng),
    ]


def test_the_sandbox_and_the_hub_agree_on_which_references_are_valid() -> None:
    rng = random.Random(11649)
    seen = {"finnish": [0, 0], "rf": [0, 0]}  # [valid, invalid]
    for _ in range(RANDOM_ROUNDS):
        for code in _candidates(rng):
            finnish = is_finnish_reference(code)
            assert finnish == (finnish_reference_error(code) is None), code
            seen["finnish"][0 if finnish else 1] += 1
            rf = is_rf_reference(code)
            assert rf == (rf_reference_error(code) is None), code
            seen["rf"][0 if rf else 1] += 1
    # Both sides of each check were exercised many times, so a disagreement could not hide.
    for valid, invalid in seen.values():
        assert valid > RANDOM_ROUNDS and invalid > RANDOM_ROUNDS


def test_the_sandbox_and_the_hub_generate_the_same_references() -> None:
    rng = random.Random(7_3_1)
    for _ in range(RANDOM_ROUNDS):
        serial = rng.randrange(10 ** rng.randint(1, 19))
        finnish = finnish_reference(serial)
        assert finnish == make_finnish_reference(serial), serial
        assert rf_reference(finnish) == make_rf_reference(finnish), finnish
        body = "".join(rng.choices(string.digits + string.ascii_letters, k=rng.randint(1, 21)))
        assert rf_reference(body) == make_rf_reference(body), body
