"""What to do with one response or transport error: a value, tested on its own."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from enum import StrEnum

import httpx

# Errors raised before any byte of the request can have reached the server.
NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
RETRYABLE_STATUS = frozenset({500, 502, 503, 504})


class Action(StrEnum):
    RETURN = "return"  # hand the response to the caller
    RETRY = "retry"  # safe to send again after ``delay``
    AMBIGUOUS = "ambiguous"  # may have been applied: the caller must reconcile


@dataclass(frozen=True)
class Decision:
    action: Action
    delay: float = 0.0
    reason: str = ""


@dataclass(frozen=True)
class RetryPolicy:
    max_tries: int = 5
    base_seconds: float = 0.5
    cap_seconds: float = 30.0

    def backoff(self, attempt: int, rng: random.Random) -> float:
        """Full jitter: a random wait up to an exponentially growing ceiling."""
        ceiling = min(self.cap_seconds, self.base_seconds * 2 ** (attempt - 1))
        return rng.uniform(0, ceiling)


def retry_after_seconds(response: httpx.Response, now: datetime | None = None) -> float | None:
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:  # the asctime form has no zone: HTTP dates are always GMT
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - (now or datetime.now(UTC))).total_seconds())


def decide(
    *,
    repeatable: bool,
    response: httpx.Response | None,
    error: Exception | None,
    attempt: int,
    policy: RetryPolicy,
    rng: random.Random,
    now: datetime | None = None,
) -> Decision:
    """``attempt`` counts from 1. Repeatable requests (reads, idempotent writes) retry on any
    transient failure; others retry only when the request surely never took effect."""
    if error is not None:
        if isinstance(error, NOT_SENT):
            return Decision(Action.RETRY, policy.backoff(attempt, rng), f"not connected: {error}")
        if repeatable:
            return Decision(Action.RETRY, policy.backoff(attempt, rng), f"transport: {error}")
        return Decision(Action.AMBIGUOUS, 0.0, f"no answer ({type(error).__name__}: {error})")
    assert response is not None
    if response.status_code == 429:
        wait = retry_after_seconds(response, now)
        return Decision(
            Action.RETRY,
            wait if wait is not None else policy.backoff(attempt, rng),
            "too many calls (429)",
        )
    if response.status_code in RETRYABLE_STATUS:
        reason = f"server error {response.status_code}"
        if repeatable:
            return Decision(Action.RETRY, policy.backoff(attempt, rng), reason)
        return Decision(Action.AMBIGUOUS, 0.0, reason)
    return Decision(Action.RETURN)
