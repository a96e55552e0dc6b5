"""Virtual time for tests with threads: a clock on which several threads sleep at once.

A ManualClock moves by whatever one thread sleeps, so two threads sleeping 0.1 s each move it
0.2 s and see each other's waits. :class:`SimClock` keeps time still while any participating
thread is working and, when every one of them is asleep, jumps to the earliest wake-up: each
thread sees exactly the waits it asked for, in the order they fall, as on a real clock, and
nothing sleeps for real.

    clock = SimClock(START)
    def worker():
        with clock.participant():
            ...  # code that calls clock.now() and clock.sleep()

A thread that is blocked on something other than the clock (a lock held by a sleeping thread)
would stop time for everyone; the code under test waits only outside its locks.
"""

from __future__ import annotations

import heapq
import itertools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta


class SimClock:
    def __init__(self, start: datetime) -> None:
        self._now = start
        self._cond = threading.Condition()
        self._active = 0  # participating threads, asleep or not
        self._asleep = 0
        self._wakeups: list[tuple[datetime, int]] = []
        self._order = itertools.count()
        self._participants: set[int] = set()

    def now(self) -> datetime:
        with self._cond:
            return self._now

    @contextmanager
    def participant(self) -> Iterator[None]:
        ident = threading.get_ident()
        with self._cond:
            self._active += 1
            self._participants.add(ident)
        try:
            yield
        finally:
            with self._cond:
                self._active -= 1
                self._participants.discard(ident)
                self._advance_if_all_asleep()

    def sleep(self, seconds: float) -> None:
        if seconds <= 0:
            return
        with self._cond:
            if threading.get_ident() not in self._participants:
                # One thread alone (the test's own): time is its to move.
                self._now += timedelta(seconds=seconds)
                return
            entry = (self._now + timedelta(seconds=seconds), next(self._order))
            heapq.heappush(self._wakeups, entry)
            self._asleep += 1
            self._advance_if_all_asleep()
            while self._now < entry[0]:
                self._cond.wait()
            self._asleep -= 1
            self._wakeups.remove(entry)
            heapq.heapify(self._wakeups)

    def _advance_if_all_asleep(self) -> None:
        if self._wakeups and self._asleep >= self._active:
            self._now = max(self._now, self._wakeups[0][0])
            self._cond.notify_all()
