"""Injected time: every component asks a clock, so tests control time and never sleep."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""
        ...

    def sleep(self, seconds: float) -> None:
        """Wait; a manual clock advances instead."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    def sleep(self, seconds: float) -> None:
        import time

        if seconds > 0:
            time.sleep(seconds)


class ManualClock:
    """A clock that moves only when told to (or when something sleeps on it)."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
        if self._now.tzinfo is None:
            raise ValueError("ManualClock needs a timezone-aware start")
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> datetime:
        with self._lock:
            self._now += timedelta(seconds=seconds)
            return self._now

    def set(self, moment: datetime) -> None:
        with self._lock:
            self._now = moment

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            self.advance(seconds)


def today(clock: Clock) -> date:
    """The calendar date in Finland (Europe/Helsinki), where the books are kept."""
    return finnish_time(clock).date()


def finnish_time(clock: Clock) -> datetime:
    """The time in Finland, without its zone: how Finnish services (Netvisor's ``lastmodified``
    bounds) write a moment."""
    from zoneinfo import ZoneInfo

    return clock.now().astimezone(ZoneInfo("Europe/Helsinki")).replace(tzinfo=None)
