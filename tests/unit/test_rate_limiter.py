"""The token bucket (tilisilta.http.ratelimit) on a ManualClock: bursts up to the capacity, never
more than capacity + rate × T calls in any window of T seconds, waits taken on the injected clock
(nothing sleeps for real), separate buckets independent of each other; and the same, seen from the
server's side, through the HTTP client with an ``httpx.MockTransport``."""

from __future__ import annotations

import math
import random
import threading
import time
from datetime import datetime, timedelta

import httpx
import pytest

from tilisilta.clock import ManualClock
from tilisilta.http.client import HttpClient
from tilisilta.http.ratelimit import RateLimiters, TokenBucket


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture(autouse=True)
def no_real_sleep(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(seconds: float) -> None:
        raise AssertionError(f"slept {seconds} s for real")

    monkeypatch.setattr(time, "sleep", refuse)


def _acquire(bucket: TokenBucket, clock: ManualClock, times: int) -> list[datetime]:
    """Take ``times`` tokens one after the other; when each was granted."""
    granted = []
    for _ in range(times):
        bucket.acquire()
        granted.append(clock.now())
    return granted


def _seconds(moments: list[datetime], start: datetime) -> list[float]:
    return [(m - start).total_seconds() for m in moments]


def _most_in_a_window(moments: list[datetime], window: float) -> int:
    """The most calls in any closed interval of ``window`` seconds."""
    seconds = sorted(_seconds(moments, moments[0]))
    most, first = 0, 0
    for last, t in enumerate(seconds):
        while t - seconds[first] > window + 1e-9:
            first += 1
        most = max(most, last - first + 1)
    return most


def test_a_burst_up_to_the_capacity_goes_at_once(clock: ManualClock) -> None:
    start = clock.now()
    bucket = TokenBucket(2.0, clock, burst=5)
    assert _acquire(bucket, clock, 5) == [start] * 5
    bucket.acquire()  # the sixth waits for a token: half a second at 2/s
    assert clock.now() - start == timedelta(seconds=0.5)


@pytest.mark.parametrize(("rate", "free"), [(10.0, 10), (3.0, 3), (0.5, 1)])
def test_the_default_burst_is_one_second_of_calls_and_at_least_one(
    clock: ManualClock, rate: float, free: int
) -> None:
    start = clock.now()
    bucket = TokenBucket(rate, clock)
    assert _acquire(bucket, clock, free) == [start] * free
    bucket.acquire()
    assert (clock.now() - start).total_seconds() == pytest.approx(1 / rate)


def test_after_the_burst_calls_are_spaced_at_the_rate(clock: ManualClock) -> None:
    start = clock.now()
    bucket = TokenBucket(4.0, clock, burst=2)
    granted = _seconds(_acquire(bucket, clock, 8), start)
    assert granted == pytest.approx([0, 0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5])


@pytest.mark.parametrize(("rate", "burst"), [(10.0, None), (1.0, 1.0), (2.5, 6.0), (50.0, 5.0)])
def test_never_more_than_the_rate_allows_in_any_window(
    clock: ManualClock, rate: float, burst: float | None
) -> None:
    """Random idle gaps between calls: whatever the pattern, a window of T seconds holds at most
    capacity + rate × T calls, and a long run keeps to the rate."""
    rng = random.Random(int(rate * 100))
    bucket = TokenBucket(rate, clock, burst=burst)
    granted = []
    for _ in range(400):
        if rng.random() < 0.1:
            clock.advance(rng.uniform(0, 3 / rate))  # now and then the caller is idle for a bit
        bucket.acquire()
        granted.append(clock.now())
    for window in (0.0, 0.1, 0.5, 1.0, 2.0, 5.0, 30.0):
        assert _most_in_a_window(granted, window) <= math.floor(
            bucket.capacity + rate * window + 1e-9
        ), window
    # Back to back, with no idling, the same bound is reached but not exceeded.
    burst_start = len(granted)
    clock.advance(bucket.capacity / rate)  # a full bucket again
    granted += _acquire(bucket, clock, int(bucket.capacity + rate * 2))
    tight = granted[burst_start:]
    assert _most_in_a_window(tight, 2.0) == int(bucket.capacity + rate * 2)


def test_idle_time_refills_the_bucket_but_never_above_capacity(clock: ManualClock) -> None:
    bucket = TokenBucket(5.0, clock, burst=3)
    _acquire(bucket, clock, 3)
    clock.advance(3600)  # an hour of quiet saves no more than the capacity
    start = clock.now()
    assert _acquire(bucket, clock, 3) == [start] * 3
    bucket.acquire()
    assert clock.now() - start == timedelta(seconds=0.2)


def test_time_passing_for_other_reasons_counts_towards_the_next_token(clock: ManualClock) -> None:
    bucket = TokenBucket(1.0, clock, burst=1)
    bucket.acquire()
    clock.advance(0.75)  # the caller did other work meanwhile
    before = clock.now()
    bucket.acquire()
    assert (clock.now() - before).total_seconds() == pytest.approx(0.25)


def test_waiting_advances_the_injected_clock_and_nothing_else(clock: ManualClock) -> None:
    """``time.sleep`` is refused for the whole module (the autouse fixture): 100 waits at 1 call
    a second cost 99 seconds of the manual clock and no time at all of the test's."""
    start = clock.now()
    tick = time.perf_counter()
    bucket = TokenBucket(1.0, clock, burst=1)
    _acquire(bucket, clock, 100)
    assert clock.now() - start == timedelta(seconds=99)
    assert time.perf_counter() - tick < 5


def test_a_clock_stepping_back_does_not_stall_the_bucket(clock: ManualClock) -> None:
    """A wall clock can be stepped back (NTP); the next call must not wait for the step."""
    bucket = TokenBucket(1.0, clock, burst=1)
    bucket.acquire()
    clock.set(clock.now() - timedelta(hours=1))
    before = clock.now()
    bucket.acquire()
    assert (clock.now() - before).total_seconds() <= 1.0
    before = clock.now()
    bucket.acquire()
    assert (clock.now() - before).total_seconds() == pytest.approx(1.0)


def test_concurrent_callers_each_get_their_own_slot(clock: ManualClock) -> None:
    """Reservations are atomic: 40 threads at once get waits 0 (the burst) and then one slot
    1/rate apart each, with no two sharing a slot."""
    bucket = TokenBucket(10.0, clock, burst=4)
    waits: list[float] = []
    lock = threading.Lock()
    barrier = threading.Barrier(40)

    def caller() -> None:
        barrier.wait()
        wait = bucket._reserve()
        with lock:
            waits.append(wait)

    threads = [threading.Thread(target=caller) for _ in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(waits) == pytest.approx([0.0] * 4 + [n / 10 for n in range(1, 37)])


@pytest.mark.parametrize("rate", [0.0, -1.0])
def test_a_rate_must_be_positive(clock: ManualClock, rate: float) -> None:
    with pytest.raises(ValueError):
        TokenBucket(rate, clock)


# --- separate limiters -------------------------------------------------------------------------


def test_separate_buckets_do_not_slow_each_other(clock: ManualClock) -> None:
    a = TokenBucket(10.0, clock, burst=10)
    b = TokenBucket(10.0, clock, burst=10)
    _acquire(a, clock, 15)  # a is five tokens past its burst: it waited half a second
    now = clock.now()
    assert _acquire(b, clock, 10) == [now] * 10  # b still has its whole burst
    a.acquire()  # and a's next token came on a's own schedule, b took none of it
    assert (clock.now() - now).total_seconds() == pytest.approx(0.1)


def test_one_bucket_per_key_and_clock() -> None:
    limiters = RateLimiters()
    one, other = ManualClock(), ManualClock()
    shared = limiters.bucket("procountor:client-1", 10, one)
    assert limiters.bucket("procountor:client-1", 10, one) is shared  # tenants share an account
    assert limiters.bucket("procountor:client-2", 10, one) is not shared
    assert limiters.bucket("procountor:client-1", 10, other) is not shared


# --- through the HTTP client -------------------------------------------------------------------


class Remote:
    """Answers 200 and notes when each request arrived, on the injected clock."""

    def __init__(self, clock: ManualClock) -> None:
        self.clock = clock
        self.arrivals: list[datetime] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.arrivals.append(self.clock.now())
        return httpx.Response(200, json={})


def _client(clock: ManualClock, remote: Remote, bucket: TokenBucket) -> HttpClient:
    return HttpClient(
        "https://remote.test", clock=clock, transport=httpx.MockTransport(remote), limiter=bucket
    )


def test_the_server_sees_the_burst_then_the_rate(clock: ManualClock) -> None:
    remote = Remote(clock)
    client = _client(clock, remote, TokenBucket(10.0, clock))
    start = clock.now()
    for _ in range(25):
        client.send("GET", "/company", repeatable=True)
    seconds = _seconds(remote.arrivals, start)
    assert seconds[:10] == [0.0] * 10
    assert seconds[10:] == pytest.approx([n / 10 for n in range(1, 16)])
    assert _most_in_a_window(remote.arrivals, 1.0) <= 20


def test_clients_with_separate_limiters_do_not_slow_each_other(clock: ManualClock) -> None:
    busy, quiet = Remote(clock), Remote(clock)
    busy_client = _client(clock, busy, TokenBucket(2.0, clock, burst=2))
    quiet_client = _client(clock, quiet, TokenBucket(2.0, clock, burst=2))
    for _ in range(6):
        busy_client.send("GET", "/x", repeatable=True)
    assert _seconds(busy.arrivals, busy.arrivals[0]) == pytest.approx([0, 0, 0.5, 1.0, 1.5, 2.0])
    now = clock.now()
    quiet_client.send("GET", "/y", repeatable=True)
    quiet_client.send("GET", "/y", repeatable=True)
    assert quiet.arrivals == [now, now]
