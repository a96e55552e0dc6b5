"""The HTTP client every connector builds on: rate limit, retries, recording, redaction."""

from __future__ import annotations

import random
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any

import httpx

from tilisilta.clock import Clock
from tilisilta.http.errors import AmbiguousOutcome, TooManyCalls, TransientFailure
from tilisilta.http.jsonwire import encode_json
from tilisilta.http.ratelimit import Limiter
from tilisilta.http.recording import CallRecord, record_call, recording
from tilisilta.http.redaction import redact_text, redact_url
from tilisilta.http.retry import Action, RetryPolicy, decide, retry_after_seconds

MAX_LOGGED_BODY = 200_000
# A received body up to this size stays in memory (and is logged as any body); a larger one goes
# to a temporary file as it arrives, so a large answer costs disk, not memory.
SPOOLED_IN_MEMORY = MAX_LOGGED_BODY


@dataclass(frozen=True)
class Received:
    """An answer whose body was written to a file as it arrived (see :meth:`HttpClient.receive`);
    ``response`` holds the status and headers. The caller closes it."""

    response: httpx.Response
    body: IO[bytes]

    def close(self) -> None:
        self.body.close()

    def __enter__(self) -> Received:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class HttpClient:
    def __init__(
        self,
        base_url: str,
        *,
        clock: Clock,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 120.0,
        limiter: Limiter | None = None,
        policy: RetryPolicy | None = None,
        secrets: Callable[[], Iterable[str]] = lambda: (),
        seed: int | None = None,
        signer: Callable[[httpx.Request], None] | None = None,
        serializer: Callable[[], AbstractContextManager[object]] | None = None,
    ) -> None:
        self.clock = clock
        # Signs each attempt afresh (Netvisor: a new transaction id and MAC every time).
        self.signer = signer
        # Held around each request where the remote takes one request at a time.
        self.serializer = serializer
        self.limiter = limiter
        self.policy = policy or RetryPolicy()
        self.secrets = secrets
        self.rng = random.Random(seed)
        self._http = httpx.Client(
            base_url=base_url.rstrip("/"),
            # A transport handed in belongs to the caller (a sandbox shared by several clients):
            # closing this client must not close it under the others.
            transport=_Borrowed(transport) if transport is not None else None,
            timeout=httpx.Timeout(timeout, connect=10.0),
            headers={"User-Agent": "tilisilta/0.1", "Accept": "application/json"},
        )

    def close(self) -> None:
        self._http.close()

    def send(
        self,
        method: str,
        path: str,
        *,
        repeatable: bool,
        json_body: Any = None,
        form: Mapping[str, str] | None = None,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        content: bytes | None = None,
    ) -> httpx.Response:
        """Send with retries. Raises TransientFailure when retries run out and AmbiguousOutcome
        when a non-repeatable request may have been applied; otherwise returns the response,
        error statuses included, for the connector to interpret."""
        body = content
        request_headers = dict(headers or {})
        if json_body is not None:
            body = encode_json(json_body)
            request_headers.setdefault("Content-Type", "application/json")
        elif form is not None:
            body = httpx.QueryParams(form).__str__().encode()
            request_headers["Content-Type"] = "application/x-www-form-urlencoded"
        response, _ = self._exchange(method, path, body, params, request_headers, repeatable)
        return response

    def receive(self, path: str, *, params: Mapping[str, Any] | None = None) -> Received:
        """A read (GET, retried as :meth:`send` retries one) whose answer's body is written to a
        temporary file as it arrives, under the serializer: an answer of any size costs memory
        only up to ``SPOOLED_IN_MEMORY``, and the remote is free again once it is received."""
        response, spooled = self._exchange("GET", path, None, params, {}, True, spool=True)
        assert spooled is not None
        return Received(response, spooled)

    def _exchange(
        self,
        method: str,
        path: str,
        body: bytes | None,
        params: Mapping[str, Any] | None,
        headers: Mapping[str, str],
        repeatable: bool,
        *,
        spool: bool = False,
    ) -> tuple[httpx.Response, IO[bytes] | None]:
        attempt = 0
        while True:
            attempt += 1
            if self.limiter is not None:
                self.limiter.acquire()
            response, spooled, error = self._once(method, path, body, params, headers, spool)
            if self.limiter is not None and response is not None:
                self._tell_limiter(self.limiter, response)
            decision = decide(
                repeatable=repeatable,
                response=response,
                error=error,
                attempt=attempt,
                policy=self.policy,
                rng=self.rng,
                now=self.clock.now(),
            )
            if decision.action is Action.RETURN and response is not None:
                return response, spooled
            if spooled is not None:
                spooled.close()
            if decision.action is Action.AMBIGUOUS:
                raise AmbiguousOutcome(f"{method} {path}: {decision.reason}")
            if attempt >= self.policy.max_tries:
                message = f"{method} {path}: {decision.reason}, still failing after {attempt} tries"
                if response is not None and response.status_code == 429:
                    raise TooManyCalls(
                        message,
                        retry_after=decision.delay or None,
                        request=f"{method} {path}",
                        tries=attempt,
                    )
                raise TransientFailure(message, retry_after=decision.delay or None)
            self.clock.sleep(decision.delay)

    def _tell_limiter(self, limiter: Limiter, response: httpx.Response) -> None:
        """The account's limiter learns how the remote took the call: a 429, or a 503 that says
        when to come back (a suspended client), slows everyone on the account and pauses them
        for Retry-After; any other answer below 500 counts towards climbing back."""
        status = response.status_code
        if status == 429 or (status == 503 and "Retry-After" in response.headers):
            limiter.throttled(retry_after_seconds(response, self.clock.now()))
        elif status < 500:
            limiter.succeeded()

    def _once(
        self,
        method: str,
        path: str,
        body: bytes | None,
        params: Mapping[str, Any] | None,
        headers: Mapping[str, str],
        spool: bool,
    ) -> tuple[httpx.Response | None, IO[bytes] | None, Exception | None]:
        started = self.clock.now()
        tick = time.perf_counter()
        request = self._http.build_request(
            method, path, content=body, params=params, headers=headers
        )
        response: httpx.Response | None = None
        spooled: IO[bytes] | None = None
        error: Exception | None = None
        with self.serializer() if self.serializer is not None else nullcontext():
            if self.signer is not None:
                self.signer(request)
            try:
                response = self._http.send(request, stream=spool)
                if spool:
                    spooled = _spooled(response)
            except httpx.TransportError as exc:
                response, error = None, exc
        if recording():
            self._record(request, body, response, spooled, error, started, tick)
        return response, spooled, error

    def _record(
        self,
        request: httpx.Request,
        body: bytes | None,
        response: httpx.Response | None,
        spooled: IO[bytes] | None,
        error: Exception | None,
        started: datetime,
        tick: float,
    ) -> None:
        """The call, redacted, for the recorder collecting this attempt's calls."""
        secrets = list(self.secrets())
        if response is None:
            answer = None
        elif spooled is not None:
            answer = _logged_spooled(spooled, secrets)
        else:
            answer = _logged(response.content, secrets)
        record_call(
            CallRecord(
                method=request.method,
                url=redact_url(str(request.url), secrets),
                request_body=_logged(body, secrets),
                status=response.status_code if response is not None else None,
                response_body=answer,
                error=redact_text(f"{type(error).__name__}: {error}", secrets) if error else None,
                started_at=started,
                duration_ms=int((time.perf_counter() - tick) * 1000),
            )
        )


def _spooled(response: httpx.Response) -> IO[bytes]:
    """The response's body, read as it arrives into a file kept in memory while small."""
    spooled: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=SPOOLED_IN_MEMORY)  # noqa: SIM115
    try:
        for chunk in response.iter_bytes():
            spooled.write(chunk)
    except BaseException:
        spooled.close()
        raise
    finally:
        response.close()
    spooled.seek(0)
    return spooled


def _logged_spooled(spooled: IO[bytes], secrets: list[str]) -> str | None:
    """What the call log keeps of a received body: as of any body while it is small enough to
    be logged, else its size."""
    size = spooled.seek(0, 2)
    spooled.seek(0)
    if size > MAX_LOGGED_BODY:
        return _not_kept(size)
    head = spooled.read()
    spooled.seek(0)
    return _logged(head, secrets)


def _logged(body: bytes | None, secrets: list[str]) -> str | None:
    if not body:
        return None
    if len(body) > MAX_LOGGED_BODY:
        return _not_kept(len(body))
    try:
        text = body.decode()
    except UnicodeDecodeError:
        return f"({len(body)} bytes of binary data)"
    return redact_text(text, secrets)


def _not_kept(size: int) -> str:
    return f"({size} bytes, not kept)"


class _Borrowed(httpx.BaseTransport):
    """A transport used but not owned: closing it is left to its owner."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self.inner.handle_request(request)

    def close(self) -> None:
        pass
