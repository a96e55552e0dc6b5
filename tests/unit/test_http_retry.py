"""Retry decisions, one by one: what may be sent again and what must be reconciled."""

from __future__ import annotations

import random

import httpx
import pytest

from tilisilta.http.retry import Action, RetryPolicy, decide

POLICY = RetryPolicy(max_tries=5, base_seconds=1, cap_seconds=8)


def _decide(
    repeatable: bool,
    status: int | None = None,
    error: Exception | None = None,
    headers: dict[str, str] | None = None,
):  # type: ignore[no-untyped-def]
    response = httpx.Response(status, headers=headers) if status is not None else None
    return decide(
        repeatable=repeatable,
        response=response,
        error=error,
        attempt=1,
        policy=POLICY,
        rng=random.Random(1),
    )


@pytest.mark.parametrize("repeatable", [True, False])
def test_a_request_that_never_connected_is_always_retried(repeatable: bool) -> None:
    assert _decide(repeatable, error=httpx.ConnectError("refused")).action is Action.RETRY


def test_a_lost_answer_to_a_create_is_ambiguous_but_a_read_is_retried() -> None:
    lost = httpx.RemoteProtocolError("dropped")
    assert _decide(False, error=lost).action is Action.AMBIGUOUS
    assert _decide(True, error=lost).action is Action.RETRY
    assert _decide(False, error=httpx.ReadTimeout("slow")).action is Action.AMBIGUOUS


def test_server_errors_are_retried_only_for_repeatable_requests() -> None:
    assert _decide(True, 503).action is Action.RETRY
    assert _decide(False, 502).action is Action.AMBIGUOUS


def test_429_is_retried_after_the_time_the_server_asks_for() -> None:
    decision = _decide(False, 429, headers={"Retry-After": "7"})
    assert decision.action is Action.RETRY
    assert decision.delay == 7


def test_429_without_retry_after_backs_off_within_the_policy() -> None:
    decision = _decide(True, 429)
    assert decision.action is Action.RETRY
    assert 0 <= decision.delay <= POLICY.base_seconds


@pytest.mark.parametrize("status", [200, 400, 401, 403, 404, 409])
def test_other_statuses_go_back_to_the_caller(status: int) -> None:
    assert _decide(False, status).action is Action.RETURN


def test_backoff_grows_but_stays_under_the_cap() -> None:
    rng = random.Random(5)
    ceilings = [min(8, 2 ** (n - 1)) for n in range(1, 8)]
    for attempt, ceiling in enumerate(ceilings, start=1):
        assert 0 <= POLICY.backoff(attempt, rng) <= ceiling
