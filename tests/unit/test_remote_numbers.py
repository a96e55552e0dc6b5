"""A run's bulk look-ups by invoice date read each date from the target once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from tilisilta.connectors.common import RemoteNumbers

HELD = {  # invoice date → (number, remote id) the target holds
    date(2026, 6, 1): [("1", "10")],
    date(2026, 6, 2): [("2", "20"), ("2", "7")],  # a copy made by hand: 7 came first
    date(2026, 6, 5): [("5", "50")],
}


def test_each_date_is_read_once_and_the_first_made_of_copies_is_the_original() -> None:
    read: list[tuple[date, date]] = []

    def listing(begin: date, end: date) -> Iterator[tuple[str, str]]:
        read.append((begin, end))
        for day, rows in HELD.items():
            if begin <= day <= end:
                yield from rows

    remote = RemoteNumbers(listing)
    assert remote.find({"2": 102, "9": 109}, date(2026, 6, 2), date(2026, 6, 3)) == {102: "7"}
    assert remote.find({"1": 101, "5": 105}, date(2026, 6, 1), date(2026, 6, 5)) == {
        101: "10",
        105: "50",
    }
    assert remote.find({"2": 102}, date(2026, 6, 2), date(2026, 6, 2)) == {102: "7"}
    assert read == [
        (date(2026, 6, 2), date(2026, 6, 3)),
        (date(2026, 6, 1), date(2026, 6, 1)),
        (date(2026, 6, 4), date(2026, 6, 5)),
    ]
