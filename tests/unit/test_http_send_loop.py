"""The send loop of the one HTTP client (tilisilta.http.client.HttpClient), driven directly: real
httpx over an ``httpx.MockTransport`` whose server function follows a script, and a ManualClock
that the loop sleeps on, so every wait is measured exactly and nothing sleeps for real.

The rules under test (http/retry.py): a request that surely never reached the server (connect
errors and timeouts, pool timeouts) is sent again; a read that got no answer is sent again, but a
non-repeatable write that got no answer or a 5xx may have been applied and raises AmbiguousOutcome
for the caller to reconcile; 429 is always retried (the server refused before doing anything),
after Retry-After when given; every other status goes back to the caller; tries are limited.
The 401 → fresh token → retry once lives in the Procountor client and is tested there, at the end.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from email.utils import format_datetime
from typing import Any

import httpx
import pytest

from tilisilta.clock import ManualClock
from tilisilta.connectors.procountor.client import ProcountorClient
from tilisilta.http.client import MAX_LOGGED_BODY, HttpClient
from tilisilta.http.errors import (
    AmbiguousOutcome,
    AuthenticationFailed,
    TooManyCalls,
    TransientFailure,
)
from tilisilta.http.ratelimit import MemoryLimiter
from tilisilta.http.recording import CallRecord, CallRecorder, current_recorder
from tilisilta.http.redaction import REDACTED
from tilisilta.http.retry import RetryPolicy

BASE = "https://remote.test/api"
POLICY = RetryPolicy(max_tries=4, base_seconds=1, cap_seconds=3)

Step = httpx.Response | type[httpx.TransportError] | Callable[[httpx.Request], httpx.Response]


class Server:
    """A scripted remote: each request takes the next step (a response, an httpx transport error
    to raise, or a function of the request); it notes every request and the clock time it came."""

    def __init__(self, clock: ManualClock, *steps: Step) -> None:
        self.clock = clock
        self.steps = list(steps)
        self.requests: list[httpx.Request] = []
        self.times: list[datetime] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        self.times.append(self.clock.now())
        if not self.steps:
            raise AssertionError(f"unscripted call {request.method} {request.url}")
        step = self.steps.pop(0)
        if isinstance(step, httpx.Response):
            return step
        if isinstance(step, type):
            raise step(f"scripted {step.__name__}", request=request)
        return step(request)

    @property
    def gaps(self) -> list[float]:
        """Seconds between consecutive calls, on the injected clock."""
        return [(b - a).total_seconds() for a, b in zip(self.times, self.times[1:], strict=False)]


class Ceiling(random.Random):
    """Jitter that always takes the top of its range, so backoff waits are exact."""

    def uniform(self, a: float, b: float) -> float:
        return b


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def recorder() -> Iterator[CallRecorder]:
    recorder = CallRecorder()
    token = current_recorder.set(recorder)
    yield recorder
    current_recorder.reset(token)


def _client(
    clock: ManualClock,
    server: Server,
    *,
    policy: RetryPolicy = POLICY,
    exact_backoff: bool = True,
    **kwargs: Any,
) -> HttpClient:
    client = HttpClient(
        BASE, clock=clock, transport=httpx.MockTransport(server), policy=policy, seed=3, **kwargs
    )
    if exact_backoff:
        client.rng = Ceiling()
    return client


def _429(retry_after: str | None = None) -> httpx.Response:
    headers = {"Retry-After": retry_after} if retry_after is not None else {}
    return httpx.Response(429, headers=headers, json={"message": "too many calls"})


# --- plain answers -----------------------------------------------------------------------------


def test_an_answer_is_returned_after_one_call(clock: ManualClock) -> None:
    server = Server(clock, httpx.Response(200, json={"id": 7}))
    response = _client(clock, server).send("GET", "/invoices/7", repeatable=True)
    assert response.status_code == 200 and response.json() == {"id": 7}
    assert len(server.requests) == 1
    assert str(server.requests[0].url) == "https://remote.test/api/invoices/7"


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 422])
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_client_errors_go_back_to_the_caller_without_a_retry(
    clock: ManualClock, status: int, method: str
) -> None:
    server = Server(clock, httpx.Response(status, json={"errors": []}))
    response = _client(clock, server).send(method, "/x", repeatable=method == "GET")
    assert response.status_code == status
    assert len(server.requests) == 1
    assert clock.now() == server.times[0]  # nobody waited


def test_the_configured_timeouts_reach_the_transport(clock: ManualClock) -> None:
    server = Server(clock, httpx.Response(200))
    _client(clock, server, timeout=45.0).send("GET", "/x", repeatable=True)
    assert server.requests[0].extensions["timeout"] == {
        "connect": 10.0,
        "read": 45.0,
        "write": 45.0,
        "pool": 45.0,
    }


# --- timeouts and lost connections ------------------------------------------------------------


@pytest.mark.parametrize(
    "error", [httpx.ReadTimeout, httpx.WriteTimeout, httpx.RemoteProtocolError, httpx.ReadError]
)
def test_a_read_that_got_no_answer_is_sent_again(
    clock: ManualClock, error: type[httpx.TransportError]
) -> None:
    server = Server(clock, error, httpx.Response(200, json=[]))
    response = _client(clock, server).send("GET", "/invoices", repeatable=True)
    assert response.status_code == 200
    assert len(server.requests) == 2
    assert server.gaps == [1.0]  # the first backoff step


@pytest.mark.parametrize(
    "error", [httpx.ReadTimeout, httpx.WriteTimeout, httpx.RemoteProtocolError, httpx.ReadError]
)
def test_a_create_that_may_have_reached_the_server_is_not_sent_again(
    clock: ManualClock, error: type[httpx.TransportError]
) -> None:
    server = Server(clock, error, httpx.Response(201))  # a resend would succeed: it must not come
    with pytest.raises(AmbiguousOutcome, match=error.__name__):
        _client(clock, server).send("POST", "/invoices", repeatable=False, json_body={"a": 1})
    assert len(server.requests) == 1
    assert clock.now() == server.times[0]


@pytest.mark.parametrize("error", [httpx.ConnectTimeout, httpx.ConnectError, httpx.PoolTimeout])
def test_a_create_that_never_connected_is_sent_again_unchanged(
    clock: ManualClock, error: type[httpx.TransportError]
) -> None:
    server = Server(clock, error, httpx.Response(201, json={"id": 1}))
    response = _client(clock, server).send(
        "POST", "/invoices", repeatable=False, json_body={"number": "1001"}
    )
    assert response.status_code == 201
    assert len(server.requests) == 2
    first, second = server.requests
    assert first.content == second.content == b'{"number":"1001"}'
    assert first.headers["Content-Type"] == second.headers["Content-Type"] == "application/json"
    assert server.gaps == [1.0]


def test_connect_failures_stop_at_the_attempt_limit(clock: ManualClock) -> None:
    server = Server(clock, *[httpx.ConnectTimeout] * POLICY.max_tries)
    with pytest.raises(TransientFailure) as caught:
        _client(clock, server).send("POST", "/invoices", repeatable=False, json_body={})
    assert not isinstance(caught.value, AmbiguousOutcome | TooManyCalls)
    assert len(server.requests) == POLICY.max_tries
    assert "after 4 tries" in str(caught.value)
    assert server.gaps == [1.0, 2.0, 3.0]  # 1, 2, then the 3-second cap; no wait after the last


# --- server errors -----------------------------------------------------------------------------


def test_server_errors_on_a_read_are_retried_with_growing_backoff(clock: ManualClock) -> None:
    server = Server(
        clock,
        httpx.Response(500),
        httpx.Response(502),
        httpx.Response(503),
        httpx.Response(200, json={"ok": True}),
    )
    response = _client(clock, server).send("GET", "/company", repeatable=True)
    assert response.json() == {"ok": True}
    assert server.gaps == [1.0, 2.0, 3.0]  # doubling from 1 s, capped at 3 s


def test_backoff_is_jittered_within_its_ceiling_and_reproducible(clock: ManualClock) -> None:
    policy = RetryPolicy(max_tries=6, base_seconds=1, cap_seconds=30)
    statuses = [503] * 5 + [200]
    server = Server(clock, *[httpx.Response(s) for s in statuses])
    client = _client(clock, server, policy=policy, exact_backoff=False)
    client.send("GET", "/company", repeatable=True)
    replica = random.Random(3)  # the client's seed
    expected = [policy.backoff(attempt, replica) for attempt in range(1, 6)]
    assert server.gaps == pytest.approx(expected, abs=1e-6)
    for attempt, gap in enumerate(server.gaps, start=1):
        assert 0 <= gap <= 2 ** (attempt - 1)


def test_server_errors_on_a_read_stop_at_the_attempt_limit(clock: ManualClock) -> None:
    server = Server(clock, *[httpx.Response(503)] * POLICY.max_tries)
    with pytest.raises(TransientFailure) as caught:
        _client(clock, server).send("GET", "/company", repeatable=True)
    assert type(caught.value) is TransientFailure
    assert "server error 503" in str(caught.value)
    assert caught.value.retry_after == 3.0  # the backoff it would have waited next
    assert len(server.requests) == POLICY.max_tries


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_a_server_error_on_a_create_is_ambiguous_and_not_resent(
    clock: ManualClock, status: int
) -> None:
    server = Server(clock, httpx.Response(status), httpx.Response(201))
    with pytest.raises(AmbiguousOutcome, match=str(status)):
        _client(clock, server).send("POST", "/invoices", repeatable=False, json_body={})
    assert len(server.requests) == 1


def test_an_idempotent_write_is_retried_like_a_read(clock: ManualClock) -> None:
    server = Server(clock, httpx.ReadTimeout, httpx.Response(502), httpx.Response(200))
    response = _client(clock, server).send(
        "PUT", "/ledgerreceipts/5", repeatable=True, json_body={"v": 1}
    )
    assert response.status_code == 200
    assert [r.method for r in server.requests] == ["PUT"] * 3


# --- 429 too many calls --------------------------------------------------------------------------


def test_429_waits_the_seconds_the_server_asks_even_for_a_create(clock: ManualClock) -> None:
    server = Server(clock, _429("7"), httpx.Response(201, json={"id": 9}))
    response = _client(clock, server).send("POST", "/invoices", repeatable=False, json_body={})
    assert response.json() == {"id": 9}
    assert server.gaps == [7.0]  # the server's wait, not the 1-second backoff


def test_429_waits_until_an_http_date(clock: ManualClock) -> None:
    when = format_datetime(clock.now() + timedelta(seconds=30), usegmt=True)
    assert when.endswith("GMT")
    server = Server(clock, _429(when), httpx.Response(200))
    _client(clock, server).send("GET", "/x", repeatable=True)
    assert server.gaps == [30.0]


@pytest.mark.parametrize(
    "when",
    [
        "Mon, 02 Mar 2026 09:00:42 GMT",  # IMF-fixdate (the clock starts at 2026-03-02 09:00 UTC)
        "Monday, 02-Mar-26 09:00:42 GMT",  # obsolete RFC 850 form
        "Mon Mar  2 09:00:42 2026",  # obsolete asctime form, in GMT by definition
    ],
)
def test_429_accepts_all_three_http_date_forms(clock: ManualClock, when: str) -> None:
    # RFC 9110 §5.6.7: a recipient that parses a timestamp MUST accept all three forms.
    server = Server(clock, _429(when), httpx.Response(200))
    response = _client(clock, server).send("GET", "/x", repeatable=True)
    assert response.status_code == 200
    assert server.gaps == [42.0]


def test_429_with_a_date_already_past_retries_at_once(clock: ManualClock) -> None:
    past = format_datetime(clock.now() - timedelta(minutes=5), usegmt=True)
    server = Server(clock, _429(past), httpx.Response(200))
    _client(clock, server).send("GET", "/x", repeatable=True)
    assert server.gaps == [0.0]


@pytest.mark.parametrize("header", [None, "soon", ""])
def test_429_without_a_usable_retry_after_backs_off(clock: ManualClock, header: str | None) -> None:
    server = Server(clock, _429(header), _429(header), httpx.Response(201))
    response = _client(clock, server).send("POST", "/invoices", repeatable=False, json_body={})
    assert response.status_code == 201
    assert server.gaps == [1.0, 2.0]


def test_429_until_the_attempt_limit_raises_too_many_calls(clock: ManualClock) -> None:
    server = Server(clock, *[_429("7")] * POLICY.max_tries)
    with pytest.raises(TooManyCalls) as caught:
        _client(clock, server).send("POST", "/invoices", repeatable=False, json_body={})
    error = caught.value
    assert error.tries == POLICY.max_tries
    assert error.request == "POST /invoices"
    assert error.retry_after == 7.0
    assert len(server.requests) == POLICY.max_tries
    assert server.gaps == [7.0] * (POLICY.max_tries - 1)
    assert clock.now() == server.times[-1]  # no wait after the last try


def test_a_single_try_policy_never_retries(clock: ManualClock) -> None:
    server = Server(clock, httpx.Response(503), httpx.Response(200))
    with pytest.raises(TransientFailure):
        _client(clock, server, policy=RetryPolicy(max_tries=1)).send("GET", "/x", repeatable=True)
    assert len(server.requests) == 1


# --- the rate limiter is asked before every try --------------------------------------------------


class CountingBucket(MemoryLimiter):
    def __init__(self, clock: ManualClock) -> None:
        super().__init__("remote", 1.0, clock)
        self.acquired: list[datetime] = []

    def acquire(self) -> None:
        super().acquire()
        self.acquired.append(self.clock.now())


def test_every_try_takes_a_slot_from_the_limiter(clock: ManualClock) -> None:
    bucket = CountingBucket(clock)
    server = Server(clock, httpx.Response(503), httpx.Response(200), httpx.Response(200))
    client = _client(clock, server, limiter=bucket)
    client.send("GET", "/a", repeatable=True)
    client.send("GET", "/b", repeatable=True)
    assert bucket.acquired == server.times  # a slot right before each of the three calls
    # 1/s: the retry after a 1-second backoff found its slot; the next call waited a second.
    assert server.gaps == [1.0, 1.0]


# --- recording and redaction -------------------------------------------------------------------


SECRET = "s3cr3t-Value-42"
API_KEY = "key-7f3a-9b1c"


def _everything(records: list[CallRecord]) -> str:
    return "\n".join(repr(r) for r in records)


def test_each_try_is_recorded_with_its_outcome(clock: ManualClock, recorder: CallRecorder) -> None:
    server = Server(clock, httpx.ConnectError, httpx.Response(503), httpx.Response(200, text="ok"))
    _client(clock, server).send("GET", "/company", repeatable=True, params={"page": 2})
    first, second, third = recorder.calls
    assert [r.method for r in recorder.calls] == ["GET"] * 3
    assert first.url == "https://remote.test/api/company?page=2"
    assert first.status is None and first.error == "ConnectError: scripted ConnectError"
    assert second.status == 503 and second.error is None
    assert third.status == 200 and third.response_body == "ok"
    assert [r.started_at for r in recorder.calls] == server.times


def test_nothing_is_recorded_without_a_recorder(clock: ManualClock) -> None:
    assert current_recorder.get() is None
    server = Server(clock, httpx.Response(200))
    _client(clock, server).send("GET", "/x", repeatable=True)  # and does not fail


def test_secrets_are_redacted_from_every_recorded_part(
    clock: ManualClock, recorder: CallRecorder
) -> None:
    def echo(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200,
            json={"access_token": "tok-9d8e7f", "seen": SECRET, "name": "Asiakas Oy"},
        )

    def fail(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(f"refused while sending {SECRET}", request=request)

    server = Server(clock, fail, echo)
    client = _client(clock, server, secrets=lambda: [SECRET, API_KEY])
    client.send(
        "POST",
        f"/search/{API_KEY}",
        repeatable=True,
        params={"api_key": API_KEY, "q": "visible"},
        json_body={"clientSecret": "other-value", "note": f"see {SECRET}", "amount": 5},
    )
    logged = _everything(recorder.calls)
    for hidden in (SECRET, API_KEY, "other-value", "tok-9d8e7f"):
        assert hidden not in logged
    assert REDACTED in recorder.calls[0].error  # type: ignore[operator]
    request = json.loads(recorder.calls[1].request_body or "")
    assert request == {"clientSecret": REDACTED, "note": f"see {REDACTED}", "amount": 5}
    response = json.loads(recorder.calls[1].response_body or "")
    assert response == {"access_token": REDACTED, "seen": REDACTED, "name": "Asiakas Oy"}
    assert "q=visible" in recorder.calls[1].url  # only the secrets go


def test_form_secrets_are_redacted_even_when_url_encoded(
    clock: ManualClock, recorder: CallRecorder
) -> None:
    secret = "p@ss/w+rd=1&x"  # form-encoded it no longer reads as itself
    server = Server(clock, httpx.Response(200, json={"expires_in": 3600}))
    client = _client(clock, server, secrets=lambda: [secret])
    client.send(
        "POST",
        "/oauth/token",
        repeatable=True,
        form={"grant_type": "client_credentials", "client_secret": secret, "api_key": "k-123456"},
    )
    (record,) = recorder.calls
    assert server.requests[0].headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert record.request_body is not None
    assert "grant_type=client_credentials" in record.request_body
    assert "p%40ss" not in record.request_body and "k-123456" not in record.request_body
    assert f"client_secret={REDACTED}" in record.request_body


def test_secrets_are_read_at_every_call(clock: ManualClock, recorder: CallRecorder) -> None:
    known: list[str] = []
    server = Server(clock, httpx.Response(200, text="token abcd-1234"), httpx.Response(200))
    client = _client(clock, server, secrets=lambda: list(known))
    client.send("GET", "/one", repeatable=True)
    known.append("abcd-1234")  # e.g. a token minted in the meantime
    client.send("GET", "/two", repeatable=True, params={"t": "abcd-1234"})
    assert recorder.calls[0].response_body == "token abcd-1234"  # not yet a secret then
    assert "abcd-1234" not in recorder.calls[1].url


def test_large_and_binary_bodies_are_not_kept(clock: ManualClock, recorder: CallRecorder) -> None:
    big = b"x" * (MAX_LOGGED_BODY + 1)
    server = Server(clock, httpx.Response(200, content=b"\xff\xfe\x00pdf"))
    _client(clock, server).send("POST", "/attachments", repeatable=False, content=big)
    (record,) = recorder.calls
    assert record.request_body == f"({len(big)} bytes, not kept)"
    assert record.response_body == "(6 bytes of binary data)"


# --- answers received into a file ----------------------------------------------------------------


class CutOff(httpx.SyncByteStream):
    """A body whose connection drops after its first bytes."""

    def __iter__(self) -> Iterator[bytes]:
        yield b"<Root><Rows>"
        raise httpx.ReadError("connection reset mid-body")


def test_a_received_answer_is_read_from_its_file_and_logged_as_any_answer(
    clock: ManualClock, recorder: CallRecorder
) -> None:
    big = b"<r>" + b"x" * MAX_LOGGED_BODY + b"</r>"
    server = Server(
        clock, httpx.Response(200, content=b"<r>small</r>"), httpx.Response(200, content=big)
    )
    client = _client(clock, server)
    small = client.receive("/list", params={"page": "1"})
    large = client.receive("/list", params={"page": "2"})
    assert small.response.status_code == 200 and small.body.read() == b"<r>small</r>"
    assert large.body.read() == big
    small.close()
    large.close()
    assert [r.response_body for r in recorder.calls] == [
        "<r>small</r>",
        f"({len(big)} bytes, not kept)",
    ]
    assert str(server.requests[1].url) == "https://remote.test/api/list?page=2"


def test_a_received_answer_cut_off_mid_body_is_asked_again(
    clock: ManualClock, recorder: CallRecorder
) -> None:
    server = Server(
        clock, httpx.Response(200, stream=CutOff()), httpx.Response(200, content=b"<ok/>")
    )
    received = _client(clock, server).receive("/list")
    assert received.body.read() == b"<ok/>"
    assert len(server.requests) == 2 and server.gaps == [1.0]
    assert recorder.calls[0].error == "ReadError: connection reset mid-body"


# --- 401: a fresh token, once (Procountor's client) ----------------------------------------------


class Procountor:
    """A token endpoint minting tok-1, tok-2, ... and an API answering ``api(request, token)``."""

    def __init__(
        self, clock: ManualClock, api: Callable[[httpx.Request, str], httpx.Response]
    ) -> None:
        self.clock = clock
        self.api = api
        self.minted = 0
        self.calls: list[tuple[str, str, str]] = []  # (method, path, bearer token or "")

    def __call__(self, request: httpx.Request) -> httpx.Response:
        bearer = request.headers.get("Authorization", "").removeprefix("Bearer ")
        self.calls.append((request.method, request.url.path, bearer))
        if request.url.path == "/api/oauth/token":
            self.minted += 1
            return httpx.Response(
                200, json={"access_token": f"tok-{self.minted}-abcdef", "expires_in": 3600}
            )
        return self.api(request, bearer)

    def api_calls(self) -> list[tuple[str, str, str]]:
        return [c for c in self.calls if c[1] != "/api/oauth/token"]


def _procountor(
    clock: ManualClock,
    server: Callable[[httpx.Request], httpx.Response],
    client_id: str = "client-1",
) -> ProcountorClient:
    return ProcountorClient(
        "https://procountor.test/api",
        client_id=client_id,
        client_secret="client-secret-value",
        redirect_uri="https://hub.test/callback",
        api_key="api-key-value",
        clock=clock,
        transport=httpx.MockTransport(server),
        policy=POLICY,
    )


def _unauthorised() -> httpx.Response:
    return httpx.Response(401, json={"errors": [{"status": 401, "message": "token expired"}]})


def test_a_401_gets_a_fresh_token_and_one_retry(clock: ManualClock) -> None:
    def api(request: httpx.Request, token: str) -> httpx.Response:
        return _unauthorised() if token == "tok-1-abcdef" else httpx.Response(200, json={"id": 1})

    server = Procountor(clock, api)
    assert _procountor(clock, server).company() == {"id": 1}
    assert server.minted == 2
    assert server.api_calls() == [
        ("GET", "/api/company", "tok-1-abcdef"),
        ("GET", "/api/company", "tok-2-abcdef"),
    ]


def test_a_create_refused_with_401_is_sent_again_with_the_fresh_token(clock: ManualClock) -> None:
    bodies: list[bytes] = []

    def api(request: httpx.Request, token: str) -> httpx.Response:
        bodies.append(request.content)
        return _unauthorised() if token == "tok-1-abcdef" else httpx.Response(200, json={"id": 5})

    server = Procountor(clock, api)
    created = _procountor(clock, server).create_invoice({"originalInvoiceNumber": "1001"})
    assert created == {"id": 5}
    assert [c[2] for c in server.api_calls()] == ["tok-1-abcdef", "tok-2-abcdef"]
    assert bodies[0] == bodies[1]


def test_a_second_401_is_final(clock: ManualClock) -> None:
    server = Procountor(clock, lambda request, token: _unauthorised())
    with pytest.raises(AuthenticationFailed) as caught:
        _procountor(clock, server).company()
    assert caught.value.status == 401
    assert "token expired" in caught.value.message
    assert server.minted == 2
    assert len(server.api_calls()) == 2


def test_the_token_is_reused_until_shortly_before_it_expires(clock: ManualClock) -> None:
    server = Procountor(clock, lambda request, token: httpx.Response(200, json={}))
    client = _procountor(clock, server)
    client.company()
    clock.advance(3600 - 120 - 1)
    client.company()
    assert server.minted == 1
    clock.advance(1)  # 120 s before the end of its hour: renewed ahead of time
    client.company()
    assert server.minted == 2
    assert [c[2] for c in server.api_calls()] == ["tok-1-abcdef", "tok-1-abcdef", "tok-2-abcdef"]


@pytest.mark.parametrize("status", [400, 401, 403])
def test_refused_credentials_are_not_retried(clock: ManualClock, status: int) -> None:
    def token_refused(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, json={"error": "invalid_client"})

    server = Server(clock, token_refused, token_refused)
    client = _procountor(clock, server, client_id="client-2")
    with pytest.raises(AuthenticationFailed, match="invalid_client"):
        client.company()
    assert len(server.requests) == 1


def test_the_token_exchange_is_recorded_without_credentials_or_tokens(
    clock: ManualClock, recorder: CallRecorder
) -> None:
    def api(request: httpx.Request, token: str) -> httpx.Response:
        # A careless remote echoing the bearer token back.
        return httpx.Response(200, json={"id": 1, "note": f"called with {token}"})

    server = Procountor(clock, api)
    _procountor(clock, server).company()
    logged = _everything(recorder.calls)
    assert len(recorder.calls) == 2
    for hidden in ("client-secret-value", "api-key-value", "tok-1-abcdef"):
        assert hidden not in logged
    assert "client_id=client-1" in (recorder.calls[0].request_body or "")
    assert json.loads(recorder.calls[1].response_body or "") == {
        "id": 1,
        "note": f"called with {REDACTED}",
    }


def test_closing_a_client_leaves_a_transport_it_was_handed_open(clock: ManualClock) -> None:
    # Two senders share one sandbox transport in tests: the first to finish must not close it
    # under the other (seen as a sender waiting forever on a stopped event loop).
    closed: list[bool] = []

    class Shared(httpx.MockTransport):
        def close(self) -> None:
            closed.append(True)

    shared = Shared(lambda request: httpx.Response(200, json={}))
    first = HttpClient("https://x.test", clock=clock, transport=shared)
    second = HttpClient("https://x.test", clock=clock, transport=shared)
    first.send("GET", "/a", repeatable=True)
    first.close()
    assert second.send("GET", "/b", repeatable=True).status_code == 200
    assert closed == []
