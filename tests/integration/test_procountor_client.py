"""The Procountor client: tokens, 401 recovery, rate limits and throttling, on the sandbox."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.hub import Procountor
from tilisilta.clock import ManualClock
from tilisilta.connectors.procountor.client import ProcountorClient
from tilisilta.http.errors import AuthenticationFailed


@pytest.fixture
def client(procountor: Procountor, clock: ManualClock) -> Iterator[ProcountorClient]:
    creds = procountor.credentials
    client = ProcountorClient(
        "http://procountor.test/api",
        client_id=creds["client_id"],
        client_secret=creds["client_secret"],
        redirect_uri=creds["redirect_uri"],
        api_key=creds["api_key"],
        clock=clock,
        transport=procountor.transport,
        rate_limit_per_second=10,
    )
    yield client
    client.close()


def _count(procountor: Procountor, method: str, fragment: str, status: int | None = None) -> int:
    return sum(
        1
        for m, path, st in procountor.sandbox.request_log
        if m == method and fragment in path and (status is None or st == status)
    )


def test_the_token_is_reused_and_renewed_before_it_expires(
    client: ProcountorClient, procountor: Procountor, clock: ManualClock
) -> None:
    for _ in range(5):
        client.company()
    assert _count(procountor, "POST", "oauth/token") == 1
    clock.advance(3600 - 60)  # inside the last two minutes of the token's hour
    client.company()
    assert _count(procountor, "POST", "oauth/token") == 2
    assert _count(procountor, "GET", "/api/company", 401) == 0


def test_a_401_is_retried_once_with_a_fresh_token(
    client: ProcountorClient, procountor: Procountor, clock: ManualClock
) -> None:
    client.company()
    # The server forgets the token early (its clock runs ahead of ours, or it was revoked).
    procountor.sandbox.tokens.clear()
    info = client.company()
    assert info["name"]
    assert _count(procountor, "GET", "/api/company", 401) == 1
    assert _count(procountor, "POST", "oauth/token") == 2


def test_a_refused_api_key_is_not_retried_forever(
    procountor: Procountor, clock: ManualClock
) -> None:
    creds = procountor.credentials
    client = ProcountorClient(
        "http://procountor.test/api",
        client_id=creds["client_id"],
        client_secret=creds["client_secret"],
        redirect_uri=creds["redirect_uri"],
        api_key="wrong",
        clock=clock,
        transport=procountor.transport,
    )
    with pytest.raises(AuthenticationFailed):
        client.company()
    assert _count(procountor, "POST", "oauth/token") == 1


def test_calls_are_spread_to_the_client_rate_limit(
    client: ProcountorClient, procountor: Procountor, clock: ManualClock
) -> None:
    start = clock.now()
    for _ in range(41):
        client.company()
    elapsed = (clock.now() - start).total_seconds()
    # 42 calls (one token) at 10/s with a burst of 10: at least 3.2 s, and no 429 from Procountor.
    assert elapsed >= 3.1
    assert _count(procountor, "GET", "/api/company", 429) == 0


def test_throttling_is_waited_out_as_procountor_asks(
    procountor: Procountor, clock: ManualClock
) -> None:
    procountor.sandbox.set_rate_limit(1)
    creds = procountor.credentials
    client = ProcountorClient(
        "http://procountor.test/api",
        client_id=creds["client_id"],
        client_secret=creds["client_secret"],
        redirect_uri=creds["redirect_uri"],
        api_key=creds["api_key"],
        clock=clock,
        transport=procountor.transport,
        rate_limit_per_second=50,
    )
    for _ in range(4):
        client.company()
    assert _count(procountor, "GET", "/api/company", 429) >= 1
    assert _count(procountor, "GET", "/api/company", 200) == 4
