"""Rate limits per remote account (a Procountor client id, an Odoo database), on the injected
clock so that tests never wait for real.

One algorithm, written once as pure functions over :class:`LimitState`, used by the in-memory
limiter here (code that has no store) and by the database-backed one that every process and
machine on one hub database shares (``tilisilta.store.rate_limits``):

* **Slots in arrival order** (GCRA, "theoretical arrival time"): a caller reserves the next free
  slot, ``1 / rate`` seconds after the previous one, and waits for it outside any lock. Each
  requester holds one slot at a time, so a company with a backlog of thousands cannot push a
  company sending one invoice further back than one slot per request in flight.
* **Pauses for everyone**: a 429 (or 503) with ``Retry-After`` pauses the whole account, not
  only the request that got it; a caller whose slot falls inside a pause set after it reserved
  reserves again after the pause.
* **Adaptive rate**: a 429 halves the rate (multiplicative decrease; a burst of 429s from the
  requests already in flight counts once); each successful call climbs back a little, a fixed
  share of the ceiling per second of calls (additive increase), up to the configured ceiling.
  So a service that allows less than it documents costs a few 429s, never a stall.

Written here rather than taken from a library because it must run on our Clock (a ManualClock
advances when the limiter sleeps) and because its state must live in the hub's database.
"""

from __future__ import annotations

import math
import threading
import weakref
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Protocol, TypeVar

from tilisilta.clock import Clock

T = TypeVar("T")

#: A clock seen further back than this from the last change was stepped back (a test's manual
#: clock, a wall clock corrected by hand), not merely a little skewed between machines: the
#: account's times move back with it, so that nobody waits for the step.
STEP_BACK_SECONDS = 5.0


@dataclass(frozen=True)
class Adaptation:
    """How the rate follows the remote's answers."""

    #: A 429 multiplies the rate by this.
    decrease: float = 0.5
    #: Share of the ceiling regained per second of successful calls.
    climb_per_second: float = 0.02
    #: The rate never goes below this share of the ceiling (a pause, not the rate, waits out
    #: a remote that refuses everything).
    floor: float = 0.05
    #: 429s within this many seconds of a decrease are the same event: no second decrease.
    decrease_gap: float = 1.0


ADAPTATION = Adaptation()


@dataclass(frozen=True)
class LimitState:
    """An account's shared state; times are epoch seconds (float), on the callers' clocks."""

    next_slot: float  # the earliest moment the next call may go
    rate: float  # calls a second allowed now (adaptive, at most ``ceiling``)
    ceiling: float  # the configured (or documented) limit
    paused_until: float = 0.0  # Retry-After: nobody calls before this (0: never paused)
    decreased_at: float = 0.0  # the last multiplicative decrease (0: never)
    stamp: float = 0.0  # when the state last changed (to notice a clock stepped back)
    calls: int = 0
    throttled: int = 0


def _us(moment: float) -> float:
    """A moment to the whole microsecond: slots add up exactly (a float epoch carries about a
    quarter of a microsecond; adding 1/rate to it again and again would drift)."""
    return round(moment * 1_000_000) / 1_000_000


def spacing(rate: float) -> float:
    """Seconds between two slots at ``rate``, rounded up to the microsecond (never faster)."""
    return math.ceil(1_000_000 / rate - 1e-6) / 1_000_000


def fresh(ceiling: float, now: float) -> LimitState:
    _check(ceiling)
    return LimitState(next_slot=now, rate=ceiling, ceiling=ceiling, stamp=now)


def _check(ceiling: float) -> None:
    if not ceiling > 0:
        raise ValueError("a rate limit must be positive")


def _settle(state: LimitState, now: float, ceiling: float, policy: Adaptation) -> LimitState:
    """The state as seen at ``now`` by a caller configured with ``ceiling``: times moved back
    with a clock stepped back, and the rate within the ceiling. A lower ceiling applies at once;
    a higher one is climbed to (connections sharing an account with different settings are
    held near the lowest)."""
    _check(ceiling)
    if now < state.stamp - STEP_BACK_SECONDS:
        shift = now - state.stamp
        state = replace(
            state,
            next_slot=_us(state.next_slot + shift),
            paused_until=_us(state.paused_until + shift) if state.paused_until else 0.0,
            decreased_at=_us(state.decreased_at + shift) if state.decreased_at else 0.0,
        )
    rate = min(state.rate, ceiling)
    return replace(state, rate=max(rate, ceiling * policy.floor), ceiling=ceiling, stamp=now)


def reserve(
    state: LimitState,
    now: float,
    ceiling: float,
    *,
    successes: int = 0,
    policy: Adaptation = ADAPTATION,
) -> tuple[LimitState, float]:
    """Take the next free slot: the new state and the moment to call (``now`` or later).
    ``successes`` are the caller's successful calls since its last reservation (the additive
    increase, folded in here so that a success costs no write of its own)."""
    state = _settle(state, now, ceiling, policy)
    rate = state.rate
    for _ in range(min(successes, 1000)):
        if rate >= ceiling:
            break
        rate = min(ceiling, rate + policy.climb_per_second * ceiling / rate)
    slot = max(state.next_slot, now, state.paused_until)
    state = replace(state, rate=rate, next_slot=_us(slot + spacing(rate)), calls=state.calls + 1)
    return state, slot


def throttle(
    state: LimitState,
    now: float,
    ceiling: float,
    retry_after: float | None,
    *,
    policy: Adaptation = ADAPTATION,
) -> LimitState:
    """The remote refused a call for its rate: slow down, and pause everyone for
    ``retry_after`` seconds when it said so."""
    state = _settle(state, now, ceiling, policy)
    if not state.decreased_at or now - state.decreased_at >= policy.decrease_gap:
        rate = max(state.rate * policy.decrease, ceiling * policy.floor)
        state = replace(state, rate=rate, decreased_at=now)
    if retry_after:
        state = replace(state, paused_until=max(state.paused_until, _us(now + retry_after)))
    return replace(state, throttled=state.throttled + 1)


def paused(state: LimitState, now: float) -> bool:
    """Whether a call due ``now`` must reserve again: a pause covering it was set meanwhile."""
    return state.paused_until > now


class Limiter(Protocol):
    """What the HTTP client asks before every try, and tells after it."""

    def acquire(self) -> None:
        """Wait (on the clock) until this caller's slot."""
        ...

    def throttled(self, retry_after: float | None) -> None:
        """The remote answered 429 (or 503 with Retry-After)."""
        ...

    def succeeded(self) -> None:
        """The remote answered, and not for its rate."""
        ...


class AccountLimiter(ABC):
    """The waiting and bookkeeping every limiter shares; where the state lives is the
    subclass's: ``_change`` applies a function to the state atomically, ``_state`` reads it."""

    def __init__(
        self, key: str, ceiling: float, clock: Clock, policy: Adaptation = ADAPTATION
    ) -> None:
        _check(ceiling)
        self.key = key
        self.ceiling = ceiling
        self.clock = clock
        self.policy = policy
        self._successes = 0
        self._lock = threading.Lock()

    @abstractmethod
    def _change(self, change: Callable[[LimitState, float], tuple[LimitState, T]]) -> T:
        """Apply ``change(state, now)`` atomically; store its state, return its result."""

    @abstractmethod
    def _state(self) -> LimitState | None:
        """The state as it is now (None before the first call)."""

    def _now(self) -> float:
        return _us(self.clock.now().timestamp())

    def acquire(self) -> None:
        while True:
            with self._lock:
                successes, self._successes = self._successes, 0

            def take(state: LimitState, now: float, n: int = successes) -> tuple[LimitState, float]:
                return reserve(state, now, self.ceiling, successes=n, policy=self.policy)

            slot = self._change(take)
            if not self._wait_until(slot):
                return
            state = self._state()
            if state is None or not paused(state, self._now()):
                return

    def _wait_until(self, slot: float) -> bool:
        """Sleep until ``slot`` (never a microsecond early: a clock may round a wait down);
        whether there was anything to wait for."""
        waited = False
        while (wait := slot - self._now()) > 1e-7:
            self.clock.sleep(max(wait, 1e-6))
            waited = True
        return waited

    def throttled(self, retry_after: float | None) -> None:
        def slow(state: LimitState, now: float) -> tuple[LimitState, None]:
            return throttle(state, now, self.ceiling, retry_after, policy=self.policy), None

        self._change(slow)

    def succeeded(self) -> None:
        with self._lock:
            self._successes += 1

    def state(self) -> LimitState | None:
        return self._state()


class _Account:
    def __init__(self) -> None:
        self.state: LimitState | None = None
        self.lock = threading.Lock()


class MemoryLimiter(AccountLimiter):
    """An account's limiter within one process (for code that has no store)."""

    def __init__(
        self,
        key: str,
        ceiling: float,
        clock: Clock,
        policy: Adaptation = ADAPTATION,
        *,
        account: _Account | None = None,
    ) -> None:
        super().__init__(key, ceiling, clock, policy)
        self._account = account or _Account()

    def _change(self, change: Callable[[LimitState, float], tuple[LimitState, T]]) -> T:
        with self._account.lock:
            now = self._now()
            state = self._account.state or fresh(self.ceiling, now)
            self._account.state, result = change(state, now)
            return result

    def _state(self) -> LimitState | None:
        with self._account.lock:
            return self._account.state


class RateLimiters:
    """In-process accounts, one per key and clock, shared by every tenant using the key."""

    def __init__(self) -> None:
        self._accounts: weakref.WeakKeyDictionary[Clock, dict[str, _Account]] = (
            weakref.WeakKeyDictionary()
        )
        self._lock = threading.Lock()

    def limiter(self, key: str, ceiling: float, clock: Clock) -> MemoryLimiter:
        with self._lock:
            accounts = self._accounts.setdefault(clock, {})
            account = accounts.setdefault(key, _Account())
        return MemoryLimiter(key, ceiling, clock, account=account)


LIMITERS = RateLimiters()
