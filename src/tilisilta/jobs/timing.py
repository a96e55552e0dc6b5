"""When a schedule runs: every so many seconds, or by a cron expression read in Finnish time.

Pure functions: parsing what a person types ("15m", "1h", "0 6 * * 1-5") and the next run.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from croniter import croniter

HELSINKI = ZoneInfo("Europe/Helsinki")  # cron expressions mean the books' local time
SHORTEST = 10  # seconds: a shorter interval would only queue runs behind each other

_UNITS = {"s": 1, "m": 60, "min": 60, "h": 3600, "d": 86400}
_EVERY = re.compile(r"^\s*(\d+)\s*(s|m|min|h|d)\s*$", re.IGNORECASE)


class TimingError(ValueError):
    """What a person typed is not an interval or a cron expression; the message says why."""


def parse_every(text: str) -> int:
    """An interval a person typed (90s, 15m, 2h, 1d) in seconds."""
    found = _EVERY.match(text)
    if found is None:
        raise TimingError(
            f"{text!r} is not an interval: give a number and a unit, e.g. 90s, 15m, 2h or 1d"
        )
    seconds = int(found.group(1)) * _UNITS[found.group(2).lower()]
    if seconds < SHORTEST:
        raise TimingError(f"{text!r} is too short: the shortest interval is {SHORTEST}s")
    return seconds


def check_cron(expression: str) -> str:
    """The expression, tidied, if it is a five-field cron expression."""
    tidy = " ".join(expression.split())
    if len(tidy.split(" ")) != 5 or not croniter.is_valid(tidy):
        raise TimingError(
            f"{expression!r} is not a cron expression: give five fields, minute hour "
            "day-of-month month day-of-week, e.g. '0 6 * * 1-5' for 06:00 on weekdays "
            "(Finnish time)"
        )
    return tidy


def next_run(interval_seconds: int | None, cron: str | None, after: datetime) -> datetime:
    """The first moment after ``after`` (aware) at which the schedule is due."""
    if cron:
        local = after.astimezone(HELSINKI)
        following: datetime = croniter(cron, local).get_next(datetime)
        return following.astimezone(UTC)
    return after + timedelta(seconds=interval_seconds or 3600)


def describe(interval_seconds: int | None, cron: str | None) -> str:
    """In words: "every 15 min", "cron 0 6 * * 1-5 (Finnish time)"."""
    if cron:
        return f"cron {cron} (Finnish time)"
    seconds = interval_seconds or 3600
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds % size == 0:
            return f"every {seconds // size} {unit}"
    return f"every {seconds} s"
