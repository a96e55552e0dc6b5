"""Procountor's "20 requests per second per client": a token bucket per client_id on the sandbox
clock. Over the limit the sandbox answers 429 with Retry-After, or, when the fault plan sets
``suspension_seconds``, suspends the client (503 for that long), as Procountor warns it may.

It also keeps, per client, when each call was let through and how many were refused, so that a
test or benchmark in another process can see whether its clients kept to the limit
(``GET /_sandbox/rate_limit``: the most calls let through in any one second)."""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta

from tilisilta.clock import Clock
from tilisilta.sandbox.common.faults import FaultPlan, retry_after_seconds

from . import errors as e
from .errors import ApiError

#: Moments kept per client for the statistics (the oldest are forgotten beyond this).
KEPT_MOMENTS = 200_000


@dataclass
class _Bucket:
    tokens: float
    updated: datetime


@dataclass
class ClientCalls:
    """What the limiter saw of one client: when it let each call through, and refusals."""

    admitted: deque[float]
    refused: int = 0

    def peak(self, window: float = 1.0) -> int:
        """The most calls let through in any ``window`` seconds (a half-open interval)."""
        moments, most, first = list(self.admitted), 0, 0
        for last, moment in enumerate(moments):
            while moment - moments[first] >= window:
                first += 1
            most = max(most, last - first + 1)
        return most

    def summary(self) -> dict[str, float | int]:
        span = self.admitted[-1] - self.admitted[0] if len(self.admitted) > 1 else 0.0
        return {
            "admitted": len(self.admitted),
            "refused": self.refused,
            "peak_per_second": self.peak(),
            "first": self.admitted[0] if self.admitted else 0.0,
            "last": self.admitted[-1] if self.admitted else 0.0,
            "mean_per_second": (len(self.admitted) - 1) / span if span > 0 else 0.0,
        }


class RateLimiter:
    def __init__(self, clock: Clock, plan: FaultPlan, per_second: float = 20.0) -> None:
        self.clock = clock
        self.plan = plan
        self.per_second = per_second
        self._buckets: dict[str, _Bucket] = {}
        self._suspended_until: dict[str, datetime] = {}
        self.calls: dict[str, ClientCalls] = {}
        self._lock = threading.Lock()

    def set_rate(self, per_second: float) -> None:
        if per_second <= 0:
            raise ValueError("the rate limit must be positive")
        with self._lock:
            self.per_second = per_second
            self._buckets.clear()
            self.calls.clear()

    def statistics(self) -> dict[str, object]:
        """The limit and, per client id, the calls let through and refused."""
        with self._lock:
            clients = {cid: calls.summary() for cid, calls in sorted(self.calls.items())}
        return {"per_second": self.per_second, "clients": clients}

    def _seen(self, client_id: str) -> ClientCalls:
        calls = self.calls.get(client_id)
        if calls is None:
            calls = self.calls[client_id] = ClientCalls(deque(maxlen=KEPT_MOMENTS))
        return calls

    def check(self, client_id: str) -> None:
        """Take one token for ``client_id`` or raise the 429/503 the client should see."""
        now = self.clock.now()
        with self._lock:
            seen = self._seen(client_id)
            until = self._suspended_until.get(client_id)
            if until is not None and now < until:
                seen.refused += 1
                raise _suspended(until - now)
            capacity = max(self.per_second, 1.0)
            bucket = self._buckets.get(client_id)
            if bucket is None:
                bucket = self._buckets[client_id] = _Bucket(capacity, now)
            elapsed = max((now - bucket.updated).total_seconds(), 0.0)
            bucket.tokens = min(capacity, bucket.tokens + elapsed * self.per_second)
            bucket.updated = now
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                seen.admitted.append(now.timestamp())
                return
            seen.refused += 1
            if self.plan.suspension_seconds > 0:
                wait = timedelta(seconds=self.plan.suspension_seconds)
                self._suspended_until[client_id] = now + wait
                raise _suspended(wait)
            wait_seconds = (1.0 - bucket.tokens) / self.per_second
        raise ApiError(
            429, e.TOO_MANY_REQUESTS, headers={"Retry-After": retry_after_seconds(wait_seconds)}
        )


def _suspended(remaining: timedelta) -> ApiError:
    return ApiError(
        503,
        e.CLIENT_SUSPENDED,
        headers={"Retry-After": retry_after_seconds(remaining.total_seconds())},
    )
