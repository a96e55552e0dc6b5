"""Fault injection shared by every sandbox.

A :class:`FaultPlan` says how often each fault happens; :class:`FaultMiddleware` applies it to an
ASGI app. The plan is seeded, so a test run replays the same faults, and it is mutable, so a test
(or ``PUT /_sandbox/faults``) can change it while the sandbox runs.

Faults, decided by one random draw per request that matches ``only``:

* ``error_429`` – answer 429 before processing, with ``Retry-After`` unless ``retry_after`` is None;
* ``error_5xx`` – answer 5xx before processing: nothing is committed;
* ``error_4xx`` – refuse before processing with ``status_4xx`` and ``refusal`` as the reason: the
  service turning a request down for a reason no client can check beforehand;
* ``error_5xx_after_commit`` – mutating requests only: process and commit, then answer 5xx;
* ``drop_after_commit`` – mutating requests only: process and commit, send the response head,
  then raise :class:`httpx.RemoteProtocolError`. Under uvicorn the connection is aborted; through
  httpx's ASGI transport the caller receives the exception, exactly as from a socket;
* ``timeout_after_commit`` – the same, raising :class:`httpx.ReadTimeout`.

``latency`` (seconds) is awaited before every matching request. ``suspension_seconds`` is not
applied here: a sandbox's rate limiter reads it to decide between 429 and a temporary suspension.
"""

from __future__ import annotations

import json
import math
import random
import re
import threading
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from dataclasses import dataclass, field, fields
from typing import Any

import anyio
import httpx

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

MUTATING_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

FAULT_KINDS = (
    "error_429",
    "error_4xx",
    "error_5xx",
    "error_5xx_after_commit",
    "drop_after_commit",
    "timeout_after_commit",
    "latency",
)

_PROBABILITY_FIELDS = (
    "error_429",
    "error_4xx",
    "error_5xx",
    "error_5xx_after_commit",
    "drop_after_commit",
    "timeout_after_commit",
)


@dataclass
class FaultPlan:
    """Probabilities (0..1) per request, plus the knobs the faults need."""

    seed: int = 0
    error_5xx: float = 0.0
    error_5xx_after_commit: float = 0.0
    error_429: float = 0.0
    error_4xx: float = 0.0
    drop_after_commit: float = 0.0
    timeout_after_commit: float = 0.0
    latency: float = 0.0
    #: Value of the Retry-After header on injected 429s; None leaves the header out.
    retry_after: int | None = 1
    #: Status of injected server errors.
    status_5xx: int = 503
    #: Status and reason of injected refusals.
    status_4xx: int = 400
    refusal: str = "INVALID_VALUE"
    #: Regex searched in "METHOD /path"; None matches every request.
    only: str | None = None
    #: Seconds a client stays suspended (503) after exceeding a rate limit; 0 answers 429 instead.
    suspension_seconds: float = 0.0
    injected: Counter[str] = field(default_factory=Counter, compare=False)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)
        self._lock = threading.Lock()
        self._check()

    def _check(self) -> None:
        for name in _PROBABILITY_FIELDS:
            value = getattr(self, name)
            if not 0.0 <= float(value) <= 1.0:
                raise ValueError(f"{name} must be a probability between 0 and 1, got {value!r}")
        if self.latency < 0 or self.suspension_seconds < 0:
            raise ValueError("latency and suspension_seconds cannot be negative")
        if self.retry_after is not None and self.retry_after < 0:
            raise ValueError("retry_after cannot be negative")
        if not 500 <= self.status_5xx <= 599:
            raise ValueError("status_5xx must be a 5xx status")
        if not 400 <= self.status_4xx <= 499 or self.status_4xx == 429:
            raise ValueError("status_4xx must be a 4xx status other than 429")
        if self.only is not None:
            try:
                re.compile(self.only)
            except re.error as problem:
                raise ValueError(f"only is not a valid regular expression: {problem}") from None

    def reseed(self, seed: int) -> None:
        with self._lock:
            self.seed = seed
            self._rng = random.Random(seed)

    def matches(self, method: str, path: str, label: str = "") -> bool:
        """Whether ``only`` matches "METHOD /path", followed by " label" when the sandbox names
        the call inside the body (e.g. an RPC's model and method)."""
        target = f"{method} {path} {label}" if label else f"{method} {path}"
        return self.only is None or re.search(self.only, target) is not None

    def draw(self, method: str) -> str | None:
        """Pick at most one fault for a request: one draw against cumulative probabilities."""
        mutating = method.upper() in MUTATING_METHODS
        bands = [
            ("error_429", self.error_429),
            ("error_4xx", self.error_4xx),
            ("error_5xx", self.error_5xx),
        ]
        if mutating:
            bands += [
                ("error_5xx_after_commit", self.error_5xx_after_commit),
                ("drop_after_commit", self.drop_after_commit),
                ("timeout_after_commit", self.timeout_after_commit),
            ]
        with self._lock:
            roll = self._rng.random()
        edge = 0.0
        for kind, probability in bands:
            edge += probability
            if probability > 0 and roll < edge:
                return kind
        return None

    def count(self, kind: str) -> None:
        with self._lock:
            self.injected[kind] += 1

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            f.name: getattr(self, f.name) for f in fields(self) if f.name != "injected"
        }
        data["injected"] = {kind: self.injected.get(kind, 0) for kind in FAULT_KINDS}
        return data

    def update(self, changes: Mapping[str, Any]) -> None:
        """Apply a partial update (e.g. the JSON of ``PUT /_sandbox/faults``); validates first."""
        known = {f.name: f for f in fields(self) if f.name not in ("injected",)}
        unknown = sorted(set(changes) - set(known) - {"injected"})
        if unknown:
            raise ValueError(f"unknown fault plan fields: {', '.join(unknown)}")
        candidate = FaultPlan(**{**{n: getattr(self, n) for n in known}, **_coerce(changes)})
        for name in known:
            if name != "seed":
                setattr(self, name, getattr(candidate, name))
        if "seed" in changes:
            self.reseed(int(changes["seed"]))
        if changes.get("injected") == {}:
            with self._lock:
                self.injected.clear()


def _coerce(changes: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in changes.items():
        if name == "injected":
            continue
        if name in _PROBABILITY_FIELDS or name in ("latency", "suspension_seconds"):
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"{name} must be a number")
            out[name] = float(value)
        elif name in ("seed", "status_5xx", "status_4xx"):
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"{name} must be an integer")
            out[name] = value
        elif name == "retry_after":
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                raise ValueError("retry_after must be an integer or null")
            out[name] = value
        elif name == "only":
            if value is not None and not isinstance(value, str):
                raise ValueError("only must be a string or null")
            out[name] = value
        elif name == "refusal":
            if not isinstance(value, str) or not value:
                raise ValueError("refusal must be a non-empty string")
            out[name] = value
    return out


Sleeper = Callable[[float], Awaitable[None]]


class FaultMiddleware:
    """ASGI middleware applying a :class:`FaultPlan`.

    ``error_body`` is the JSON body of injected 5xx responses (a value, or a function of the
    status) and ``throttle_body`` that of injected 429s; each sandbox passes the shapes its real
    system uses. Paths starting with one of
    ``exempt_prefixes`` (the sandbox's admin endpoints) are never faulted. ``label`` names the
    call a request's body carries (for RPC endpoints, where the path says little), so ``only``
    can pick e.g. one Odoo method.
    """

    def __init__(
        self,
        app: ASGIApp,
        plan: FaultPlan,
        *,
        error_body: Any = None,
        throttle_body: Any = None,
        refusal_body: Callable[[int, str], Any] | None = None,
        exempt_prefixes: tuple[str, ...] = ("/_sandbox",),
        sleep: Sleeper | None = None,
        label: Callable[[str, bytes], str] | None = None,
    ) -> None:
        self.app = app
        self.label = label
        self.plan = plan
        self.error_body = error_body
        self.throttle_body = throttle_body
        self.refusal_body = refusal_body
        self.exempt_prefixes = exempt_prefixes
        self.sleep: Sleeper = sleep or anyio.sleep

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method: str = scope["method"]
        path: str = scope["path"]
        plan = self.plan
        label = ""
        if self.label is not None and not path.startswith(self.exempt_prefixes):
            # RPC protocols name the call in the body: read it, name it, and hand it on intact.
            body = await _read_body(receive)
            label = self.label(path, body)
            receive = _replay(body)
        if path.startswith(self.exempt_prefixes) or not plan.matches(method, path, label):
            await self.app(scope, receive, send)
            return

        if plan.latency > 0:
            plan.count("latency")
            await self.sleep(plan.latency)

        kind = plan.draw(method)
        if kind is None:
            await self.app(scope, receive, send)
            return
        plan.count(kind)
        if kind == "error_429":
            headers = []
            if plan.retry_after is not None:
                headers.append((b"retry-after", str(plan.retry_after).encode()))
            await _send_json(send, 429, self.throttle_body, headers)
            return
        if kind == "error_5xx":
            await _send_json(send, plan.status_5xx, self._error_body(plan.status_5xx))
            return
        if kind == "error_4xx":
            await _send_json(send, plan.status_4xx, self._refusal_body(plan))
            return

        # The after-commit faults: let the app finish (it commits), then spoil the answer.
        start: Message | None = None

        async def capture(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message

        await self.app(scope, receive, capture)
        if kind == "error_5xx_after_commit":
            await _send_json(send, plan.status_5xx, self._error_body(plan.status_5xx))
            return
        if start is not None:
            await send(start)
        if kind == "drop_after_commit":
            raise httpx.RemoteProtocolError("sandbox dropped the response")
        raise httpx.ReadTimeout("sandbox let the response time out")

    def _error_body(self, status: int) -> Any:
        return self.error_body(status) if callable(self.error_body) else self.error_body

    def _refusal_body(self, plan: FaultPlan) -> Any:
        if callable(self.refusal_body):
            return self.refusal_body(plan.status_4xx, plan.refusal)
        return {"error": plan.refusal}


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


async def _send_json(
    send: Send, status: int, body: Any, extra_headers: list[tuple[bytes, bytes]] | None = None
) -> None:
    payload = b"" if body is None else json.dumps(body).encode()
    headers = [(b"content-length", str(len(payload)).encode())]
    if payload:
        headers.append((b"content-type", b"application/json"))
    headers += extra_headers or []
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


def retry_after_seconds(wait: float) -> str:
    """A Retry-After value (whole seconds, rounded up, at least 1) for a wait in seconds."""
    return str(max(1, math.ceil(wait)))
