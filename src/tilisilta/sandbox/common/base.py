"""What every sandbox is built on: its clock, its seed, one lock over its state, a fault plan, a
request log, the common admin routes, and how its ASGI app is assembled.

A sandbox subclasses :class:`SandboxBase`, sets up its own state, then builds ``app`` with
:meth:`SandboxBase.assemble_app` from its routes and its own admin routes. The app is, from the
outside in: the request recorder, the sandbox's own middleware (if any), the fault middleware,
then the routes (the sandbox's, the common admin routes, the sandbox's admin routes).
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Generic

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import BaseRoute
from starlette.types import ExceptionHandler

from tilisilta.clock import Clock, SystemClock

from .admin import common_admin_routes
from .faults import FaultMiddleware, FaultPlan
from .recording import E, EntryFactory, RequestLog, RequestRecorder, Scope


class SandboxBase(Generic[E]):
    """The shared parts of a sandbox. ``entry`` builds the request log's entries from
    (method, path, label, status); :class:`~.recording.LoggedRequest` unless a sandbox keeps a
    shape of its own."""

    #: The sandbox's ASGI app, built by the subclass with :meth:`assemble_app`.
    app: Starlette

    def __init__(self, *, clock: Clock | None, seed: int, entry: EntryFactory[E]) -> None:
        self.clock: Clock = clock or SystemClock()
        self.seed = seed
        self.lock = threading.RLock()
        self.faults = FaultPlan(seed=seed)
        self.requests: RequestLog[E] = RequestLog(self.lock, entry)
        #: The recorded requests, in order (the log's own list: clearing empties it in place).
        self.request_log: list[E] = self.requests.entries
        #: Requests per label (the log's own counter).
        self.request_counts: Counter[str] = self.requests.counts

    def assemble_app(
        self,
        routes: Sequence[BaseRoute],
        *,
        admin: Sequence[BaseRoute] = (),
        middleware: Sequence[Middleware] = (),
        request_label: Callable[[Scope], str] | None = None,
        fault_label: Callable[[str, bytes], str] | None = None,
        error_body: Any = None,
        throttle_body: Any = None,
        refusal_body: Callable[[int, str], Any] | None = None,
        exception_handlers: Mapping[Any, ExceptionHandler] | None = None,
    ) -> Starlette:
        """The sandbox's ASGI app. ``request_label`` names a request for the counts (a handler
        may name it instead with :func:`~.recording.note_label`); ``fault_label``,
        ``error_body``, ``throttle_body`` and ``refusal_body`` go to
        :class:`~.faults.FaultMiddleware`; ``middleware`` sits between the recorder and the
        faults."""
        return Starlette(
            routes=[*routes, *common_admin_routes(self), *admin],
            middleware=[
                Middleware(RequestRecorder, log=self.requests, label=request_label),
                *middleware,
                Middleware(
                    FaultMiddleware,
                    plan=self.faults,
                    error_body=error_body,
                    throttle_body=throttle_body,
                    refusal_body=refusal_body,
                    label=fault_label,
                ),
            ],
            exception_handlers=dict(exception_handlers or {}),
        )
