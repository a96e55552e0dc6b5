"""The request log every sandbox keeps, and the middleware that fills it, so tests can count calls.

:class:`RequestRecorder` is the outermost middleware: requests that a fault spoiled are recorded
too, and a response that was lost (dropped or timed out after commit) is recorded with status 0.
Admin paths (``/_sandbox``) are not recorded.

Each request is counted under a label: what a handler named with :func:`note_label` (an RPC
call's ``model.method``, since the path says little), else what the recorder's ``label`` function
makes of the request before it is handled (e.g. :func:`route_label`: ``POST /api/invoices/{id}``).
A request with no label is logged but not counted.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Callable, MutableMapping
from typing import Any, Generic, NamedTuple, Protocol, TypeVar

from starlette.requests import ClientDisconnect
from starlette.routing import Match

from .faults import ASGIApp, Message, Receive, Send

Scope = MutableMapping[str, Any]

LOST = 0
_LABEL_KEY = "tilisilta.sandbox.label"


class LoggedRequest(NamedTuple):
    method: str
    path: str
    #: What the request was counted as (e.g. ``model.method`` of an RPC call); "" if unnamed.
    label: str
    status: int


class Logged(Protocol):
    """What the log needs of an entry: a named tuple with at least these fields."""

    @property
    def method(self) -> str: ...

    @property
    def path(self) -> str: ...

    @property
    def status(self) -> int: ...

    def _asdict(self) -> dict[str, Any]: ...


E = TypeVar("E", bound=Logged)
#: Builds an entry from (method, path, label, status).
EntryFactory = Callable[[str, str, str, int], E]


class RequestLog(Generic[E]):
    """Every recorded request in order (``entries``) and how many there were per label
    (``counts``). Both are mutated in place, never replaced, so references to them stay live."""

    def __init__(self, lock: threading.RLock, entry: EntryFactory[E]) -> None:
        self.lock = lock
        self.entries: list[E] = []
        self.counts: Counter[str] = Counter()
        self._entry = entry

    def record(self, method: str, path: str, label: str, status: int) -> None:
        entry = self._entry(method, path, label, status)
        with self.lock:
            self.entries.append(entry)
            if label:
                self.counts[label] += 1

    def clear(self) -> int:
        """Forget every entry and count; returns how many entries there were."""
        with self.lock:
            cleared = len(self.entries)
            self.entries.clear()
            self.counts.clear()
        return cleared

    def select(self, match: str | None = None, limit: int | None = None) -> list[E]:
        """Entries whose "METHOD /path" (followed by " label" when the entry has one) matches the
        regex ``match``; the last ``limit`` of them, oldest first."""
        pattern = re.compile(match) if match is not None else None
        with self.lock:
            chosen = [e for e in self.entries if pattern is None or pattern.search(_target(e))]
        if limit is not None:
            chosen = chosen[len(chosen) - limit :] if limit else []
        return chosen

    def counted(self, match: str | None = None) -> dict[str, int]:
        """Counts per label, sorted by label; only labels matching the regex ``match``."""
        pattern = re.compile(match) if match is not None else None
        with self.lock:
            items = sorted(self.counts.items())
        return {k: n for k, n in items if pattern is None or pattern.search(k)}


def _target(entry: Logged) -> str:
    label = getattr(entry, "label", "")
    return f"{entry.method} {entry.path} {label}" if label else f"{entry.method} {entry.path}"


def note_label(scope: Scope, label: str) -> None:
    """Name the request being handled (the last name noted wins)."""
    holder = scope.get(_LABEL_KEY)
    if isinstance(holder, list):
        holder.append(label)


def route_label(scope: Scope) -> str:
    """``METHOD template``: the matching route's path template (``/api/invoices/{ids}``), or
    the raw path if no route matches."""
    app = scope.get("app")
    router = getattr(app, "router", None)
    partial = None
    for route in getattr(router, "routes", []):
        match, _ = route.matches(dict(scope))
        if match is Match.FULL:
            return f"{scope['method']} {route.path}"
        if match is Match.PARTIAL and partial is None:
            partial = str(route.path)
    return f"{scope['method']} {partial or scope['path']}"


class RequestRecorder:
    """ASGI middleware recording every request outside ``exempt_prefixes`` into ``log``."""

    def __init__(
        self,
        app: ASGIApp,
        log: RequestLog[Any],
        label: Callable[[Scope], str] | None = None,
        exempt_prefixes: tuple[str, ...] = ("/_sandbox",),
    ) -> None:
        self.app = app
        self.log = log
        self.label = label
        self.exempt_prefixes = exempt_prefixes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(self.exempt_prefixes):
            await self.app(scope, receive, send)
            return
        method: str = scope["method"]
        path: str = scope["path"]
        fallback = self.label(scope) if self.label is not None else ""
        noted: list[str] = []
        scope[_LABEL_KEY] = noted
        status = LOST

        async def recording_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, recording_send)
        except ClientDisconnect:
            # The caller went away before its request was read (a killed process): there is
            # no one to answer, and a real server only drops the connection.
            status = LOST
        except Exception:
            status = LOST
            raise
        finally:
            self.log.record(method, path, noted[-1] if noted else fallback, status)
