"""A token bucket per remote account, on the injected clock so tests never wait for real.

Written here rather than taken from a library because it must run on our Clock: a ManualClock
advances when the limiter sleeps, which keeps rate-limited tests instant and deterministic.
"""

from __future__ import annotations

import threading

from tilisilta.clock import Clock


class TokenBucket:
    def __init__(self, rate_per_second: float, clock: Clock, burst: float | None = None) -> None:
        if rate_per_second <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate_per_second
        self.capacity = burst if burst is not None else max(1.0, rate_per_second)
        self.clock = clock
        self._tokens = self.capacity
        self._stamp = clock.now()
        self._lock = threading.Lock()

    def _reserve(self) -> float:
        """Take a token; return how long the caller must wait before using it."""
        with self._lock:
            now = self.clock.now()
            # A wall clock stepped back (NTP) adds no tokens, and must not take any either.
            elapsed = max(0.0, (now - self._stamp).total_seconds())
            self._stamp = now
            self._tokens = min(self.capacity, self._tokens + elapsed * self.rate)
            self._tokens -= 1
            return 0.0 if self._tokens >= 0 else -self._tokens / self.rate

    def acquire(self) -> None:
        wait = self._reserve()
        if wait > 0:
            self.clock.sleep(wait)


class RateLimiters:
    """One bucket per key (e.g. a Procountor client id), shared by every tenant using it."""

    def __init__(self) -> None:
        self._buckets: dict[tuple[str, int], TokenBucket] = {}
        self._lock = threading.Lock()

    def bucket(self, key: str, rate_per_second: float, clock: Clock) -> TokenBucket:
        with self._lock:
            slot = (key, id(clock))
            if slot not in self._buckets:
                self._buckets[slot] = TokenBucket(rate_per_second, clock)
            return self._buckets[slot]


LIMITERS = RateLimiters()
