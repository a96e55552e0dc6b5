"""Procountor's "20 requests per second per client": a token bucket per client_id on the sandbox
clock. Over the limit the sandbox answers 429 with Retry-After, or, when the fault plan sets
``suspension_seconds``, suspends the client (503 for that long), as Procountor warns it may."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from tilisilta.clock import Clock
from tilisilta.sandbox.common.faults import FaultPlan, retry_after_seconds

from . import errors as e
from .errors import ApiError


@dataclass
class _Bucket:
    tokens: float
    updated: datetime


class RateLimiter:
    def __init__(self, clock: Clock, plan: FaultPlan, per_second: float = 20.0) -> None:
        self.clock = clock
        self.plan = plan
        self.per_second = per_second
        self._buckets: dict[str, _Bucket] = {}
        self._suspended_until: dict[str, datetime] = {}
        self._lock = threading.Lock()

    def set_rate(self, per_second: float) -> None:
        if per_second <= 0:
            raise ValueError("the rate limit must be positive")
        with self._lock:
            self.per_second = per_second
            self._buckets.clear()

    def check(self, client_id: str) -> None:
        """Take one token for ``client_id`` or raise the 429/503 the client should see."""
        now = self.clock.now()
        with self._lock:
            until = self._suspended_until.get(client_id)
            if until is not None and now < until:
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
                return
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
