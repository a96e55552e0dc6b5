"""The rate limiter's one algorithm (tilisilta.http.ratelimit), in memory on a ManualClock:
slots 1/rate apart in arrival order (GCRA), never more than the rate allows in any window, a
Retry-After pausing everyone on the account (even a caller that reserved before it came), the
rate halved on a 429 and climbing back on success, fair shares between a requester with a
backlog and one with a few calls, separate accounts independent; and the same through the HTTP
client, seen from the server's side with an ``httpx.MockTransport``. Nothing sleeps for real.

The database-backed limiter shares this algorithm across processes: tests/integration/
test_rate_limits_shared.py."""

from __future__ import annotations

import heapq
import math
import random
import threading
import time
from datetime import datetime, timedelta

import httpx
import pytest

from tilisilta.clock import ManualClock
from tilisilta.http.client import HttpClient
from tilisilta.http.ratelimit import (
    ADAPTATION,
    AccountLimiter,
    LimitState,
    MemoryLimiter,
    RateLimiters,
    fresh,
    reserve,
    throttle,
)
from tilisilta.http.retry import RetryPolicy


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture(autouse=True)
def no_real_sleep(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(seconds: float) -> None:
        raise AssertionError(f"slept {seconds} s for real")

    monkeypatch.setattr(time, "sleep", refuse)


def _acquire(limiter: AccountLimiter, clock: ManualClock, times: int) -> list[datetime]:
    """Take ``times`` slots one after the other; when each was granted."""
    granted = []
    for _ in range(times):
        limiter.acquire()
        granted.append(clock.now())
    return granted


def _seconds(moments: list[datetime], start: datetime) -> list[float]:
    return [(m - start).total_seconds() for m in moments]


def most_in_a_window(seconds: list[float], window: float) -> int:
    """The most calls in any half-open interval of ``window`` seconds."""
    ordered, most, first = sorted(seconds), 0, 0
    for last, t in enumerate(ordered):
        while t - ordered[first] >= window - 1e-9:
            first += 1
        most = max(most, last - first + 1)
    return most


# --- slots -------------------------------------------------------------------------------------


def test_an_idle_account_calls_at_once_then_one_slot_each_1_over_rate(clock: ManualClock) -> None:
    start = clock.now()
    limiter = MemoryLimiter("procountor:x", 4.0, clock)
    granted = _seconds(_acquire(limiter, clock, 6), start)
    assert granted == pytest.approx([0, 0.25, 0.5, 0.75, 1.0, 1.25])


@pytest.mark.parametrize("rate", [20.0, 3.0, 0.5])
def test_never_more_than_the_rate_in_any_window(clock: ManualClock, rate: float) -> None:
    """Random idle gaps between calls: whatever the pattern, a window of T seconds holds at most
    rate × T calls (rounded up), and a long run keeps to the rate."""
    rng = random.Random(int(rate * 100))
    limiter = MemoryLimiter("k", rate, clock)
    start = clock.now()
    granted = []
    for _ in range(400):
        if rng.random() < 0.1:
            clock.advance(rng.uniform(0, 3 / rate))  # now and then the caller is idle for a bit
        limiter.acquire()
        granted.append(clock.now())
    seconds = _seconds(granted, start)
    for window in (0.1, 0.5, 1.0, 2.0, 5.0, 30.0):
        assert most_in_a_window(seconds, window) <= math.ceil(rate * window - 1e-9), window


def test_time_passing_for_other_reasons_counts_towards_the_next_slot(clock: ManualClock) -> None:
    limiter = MemoryLimiter("k", 1.0, clock)
    limiter.acquire()
    clock.advance(0.75)  # the caller did other work meanwhile
    before = clock.now()
    limiter.acquire()
    assert (clock.now() - before).total_seconds() == pytest.approx(0.25)


def test_a_clock_stepping_back_does_not_stall_the_account(clock: ManualClock) -> None:
    """A wall clock can be stepped back (or a test's clock set back): the next call must not
    wait for the step, and the spacing carries on."""
    limiter = MemoryLimiter("k", 1.0, clock)
    limiter.acquire()
    clock.set(clock.now() - timedelta(hours=1))
    before = clock.now()
    limiter.acquire()
    assert (clock.now() - before).total_seconds() <= 1.0
    before = clock.now()
    limiter.acquire()
    assert (clock.now() - before).total_seconds() == pytest.approx(1.0)


def test_concurrent_callers_each_get_their_own_slot(clock: ManualClock) -> None:
    """Reservations are atomic: 40 threads at once get 40 slots 1/rate apart, none shared."""
    state = fresh(10.0, 0.0)
    account_lock = threading.Lock()
    slots: list[float] = []
    barrier = threading.Barrier(40)

    def caller() -> None:
        nonlocal state
        barrier.wait()
        with account_lock:
            state, slot = reserve(state, 0.0, 10.0)
            slots.append(slot)

    threads = [threading.Thread(target=caller) for _ in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(slots) == pytest.approx([n / 10 for n in range(40)])


@pytest.mark.parametrize("rate", [0.0, -1.0])
def test_a_rate_must_be_positive(clock: ManualClock, rate: float) -> None:
    with pytest.raises(ValueError):
        MemoryLimiter("k", rate, clock)


# --- 429s: pause everyone, slow down, climb back -------------------------------------------------


def test_retry_after_pauses_every_caller_on_the_account(clock: ManualClock) -> None:
    limiters = RateLimiters()
    one = limiters.limiter("procountor:shared", 20.0, clock)
    other = limiters.limiter("procountor:shared", 20.0, clock)  # another company, same client id
    one.acquire()
    one.throttled(7.0)
    before = clock.now()
    other.acquire()
    assert (clock.now() - before).total_seconds() == pytest.approx(7.0)


class SleepHook(ManualClock):
    """A manual clock that runs ``hook`` once, the first time something sleeps on it: what
    another caller does while this one waits for its slot."""

    def __init__(self) -> None:
        super().__init__()
        self.hook: list[object] = []

    def sleep(self, seconds: float) -> None:
        while self.hook:
            action = self.hook.pop()
            assert callable(action)
            action()
        super().sleep(seconds)


def test_a_caller_that_reserved_before_the_429_waits_out_the_pause_too() -> None:
    clock = SleepHook()
    limiters = RateLimiters()
    waiting = limiters.limiter("k", 2.0, clock)
    throttled = limiters.limiter("k", 2.0, clock)
    start = clock.now()
    waiting.acquire()  # at once
    # The next slot is half a second away; while it waits, another caller gets a 429 asking
    # for 10 s: the waiting caller's slot falls inside that pause, so it reserves again.
    clock.hook.append(lambda: throttled.throttled(10.0))
    waiting.acquire()
    assert (clock.now() - start).total_seconds() >= 10.0


def test_a_429_halves_the_rate_once_per_burst_and_never_below_the_floor() -> None:
    state = fresh(20.0, 0.0)
    state = throttle(state, 1.0, 20.0, None)
    assert state.rate == 10.0 and state.throttled == 1
    # The other requests in flight get their 429 in the same moment: the same event.
    state = throttle(state, 1.2, 20.0, None)
    assert state.rate == 10.0 and state.throttled == 2
    for moment in range(2, 20):
        state = throttle(state, float(moment), 20.0, None)
    assert state.rate == pytest.approx(20.0 * ADAPTATION.floor)  # slowed, never stopped


def test_the_rate_climbs_back_gradually_to_the_ceiling_and_no_further() -> None:
    """After a 429 at 20/s the rate is 10/s; each success adds 2 % of the ceiling per second of
    calls: back at 20/s after 25 seconds of successful calls, not at once, and never above."""
    state = throttle(fresh(20.0, 0.0), 0.0, 20.0, None)
    now, successes, climbed_at = 0.0, 0, None
    while now < 60:
        state, slot = reserve(state, now, 20.0, successes=successes)
        successes, now = 1, slot  # each call succeeds and the next is reserved at its slot
        if climbed_at is None and state.rate >= 20.0:
            climbed_at = now
        assert state.rate <= 20.0
        if now < 5:
            assert state.rate < 12.5
    assert climbed_at is not None and 20 <= climbed_at <= 30


def test_a_lower_ceiling_applies_at_once_and_a_higher_one_is_climbed_to() -> None:
    state, _ = reserve(fresh(20.0, 0.0), 0.0, 20.0)
    state, _ = reserve(state, 1.0, 5.0)  # a connection configured at 5/s shares the account
    assert state.rate == 5.0 and state.ceiling == 5.0
    state, _ = reserve(state, 2.0, 20.0, successes=1)
    assert 5.0 < state.rate < 6.0


def test_retry_after_moves_the_next_slot_past_the_pause() -> None:
    state = throttle(fresh(10.0, 100.0), 100.0, 10.0, 30.0)
    assert state.paused_until == 130.0
    state, slot = reserve(state, 101.0, 10.0)
    assert slot == 130.0
    state, slot = reserve(state, 101.0, 10.0)
    assert slot == pytest.approx(130.0 + 1 / state.rate)


# --- fairness ----------------------------------------------------------------------------------


def simulate(
    requesters: dict[str, tuple[int, int]], rate: float, latency: float
) -> tuple[dict[str, float], list[float]]:
    """Requesters sharing one account, each with (calls to make, calls in flight at most): each
    in-flight worker reserves a slot, calls at it, and gets its answer ``latency`` later, then
    reserves the next. When each requester finished, and when every call went."""
    state: LimitState = fresh(rate, 0.0)
    left = {name: calls for name, (calls, _) in requesters.items()}
    events: list[tuple[float, int, str]] = []  # (when a worker is free, order, requester)
    order = 0
    for name, (calls, workers) in requesters.items():
        for _ in range(min(calls, workers)):
            heapq.heappush(events, (0.0, order, name))
            order += 1
    finished: dict[str, float] = {}
    sent: list[float] = []
    while events:
        now, _, name = heapq.heappop(events)
        if left[name] == 0:
            finished.setdefault(name, now)
            continue
        left[name] -= 1
        state, slot = reserve(state, now, rate)
        sent.append(slot)
        order += 1
        heapq.heappush(events, (slot + latency, order, name))
    return finished, sent


def test_a_backlog_cannot_starve_a_company_sending_a_few() -> None:
    """One client id, 20 calls a second: a company with 1,000 calls queued (4 in flight) and one
    with 6 calls (1 in flight) starting together. Slots go in arrival order, one per request in
    flight, so the small one is done within a couple of seconds, not after the backlog."""
    finished, sent = simulate({"backlog": (1000, 4), "few": (6, 1)}, rate=20.0, latency=0.1)
    assert finished["few"] < 2.0
    assert finished["backlog"] > 50.0
    assert most_in_a_window(sent, 1.0) <= 20


def test_equal_requesters_get_equal_shares() -> None:
    finished, sent = simulate({"a": (200, 4), "b": (200, 4)}, rate=20.0, latency=0.1)
    assert abs(finished["a"] - finished["b"]) < 0.5
    assert most_in_a_window(sent, 1.0) <= 20


# --- separate accounts -------------------------------------------------------------------------


def test_separate_accounts_do_not_slow_each_other(clock: ManualClock) -> None:
    limiters = RateLimiters()
    busy = limiters.limiter("procountor:busy", 10.0, clock)
    quiet = limiters.limiter("procountor:quiet", 10.0, clock)
    busy.throttled(60.0)  # the busy one is paused for a minute
    now = clock.now()
    _acquire(quiet, clock, 1)
    assert clock.now() == now  # the quiet one goes at once


def test_one_account_per_key_and_clock() -> None:
    limiters = RateLimiters()
    one, other = ManualClock(), ManualClock()
    first = limiters.limiter("procountor:client-1", 10, one)
    first.acquire()
    first.throttled(100.0)
    # Another company on the same client id and clock shares the account (and its pause)...
    assert limiters.limiter("procountor:client-1", 10, one).state() == first.state()
    # ...another client id, or the same one on another clock, is an account of its own.
    assert limiters.limiter("procountor:client-2", 10, one).state() is None
    assert limiters.limiter("procountor:client-1", 10, other).state() is None


# --- through the HTTP client -------------------------------------------------------------------


class Remote:
    """Answers from a script of statuses (then 200), noting when each request came."""

    def __init__(self, clock: ManualClock, *script: tuple[int, dict[str, str]]) -> None:
        self.clock = clock
        self.script = list(script)
        self.arrivals: list[datetime] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.arrivals.append(self.clock.now())
        if self.script:
            status, headers = self.script.pop(0)
            return httpx.Response(status, headers=headers, json={})
        return httpx.Response(200, json={})


def _client(clock: ManualClock, remote: Remote, limiter: AccountLimiter) -> HttpClient:
    return HttpClient(
        "https://remote.test",
        clock=clock,
        transport=httpx.MockTransport(remote),
        limiter=limiter,
        policy=RetryPolicy(max_tries=5, base_seconds=0.1, cap_seconds=0.1),
        seed=1,
    )


def test_the_server_sees_the_calls_spaced_at_the_rate(clock: ManualClock) -> None:
    remote = Remote(clock)
    client = _client(clock, remote, MemoryLimiter("k", 10.0, clock))
    start = clock.now()
    for _ in range(25):
        client.send("GET", "/company", repeatable=True)
    seconds = _seconds(remote.arrivals, start)
    assert seconds == pytest.approx([n / 10 for n in range(25)])
    assert most_in_a_window(seconds, 1.0) <= 10


@pytest.mark.parametrize("status", [429, 503])
def test_a_429_with_retry_after_pauses_the_other_clients_of_the_account(
    clock: ManualClock, status: int
) -> None:
    """A 429 (or a 503 suspension) with Retry-After: 5 to one company's client holds back every
    client of the account for 5 seconds, and halves the account's rate."""
    limiters = RateLimiters()
    first = limiters.limiter("procountor:shared", 20.0, clock)
    second = limiters.limiter("procountor:shared", 20.0, clock)
    refused = Remote(clock, (status, {"Retry-After": "5"}))
    other = Remote(clock)
    start = clock.now()
    _client(clock, refused, first).send("GET", "/a", repeatable=True)
    _client(clock, other, second).send("GET", "/b", repeatable=True)
    assert (refused.arrivals[1] - start).total_seconds() >= 5.0  # the retry waited it out
    assert (other.arrivals[0] - start).total_seconds() >= 5.0  # and so did everyone else
    state = first.state()
    assert state is not None and state.rate == 10.0 and state.throttled == 1


def test_a_server_error_neither_slows_nor_counts_as_a_success(clock: ManualClock) -> None:
    limiter = MemoryLimiter("k", 20.0, clock)
    limiter.throttled(None)
    remote = Remote(clock, (503, {}), (502, {}))
    _client(clock, remote, limiter).send("GET", "/a", repeatable=True)
    limiter.acquire()  # the successes so far are folded in at the next reservation
    state = limiter.state()
    assert state is not None and state.throttled == 1
    assert 10.0 < state.rate < 10.1  # one success climbed a little; the 5xx did nothing
