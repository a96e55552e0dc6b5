"""The seam every connector plugs into: its description, the one context its flows run in, and
the one result they return.

A connector is described once (:class:`Connector`): its kind, settings and secrets models,
environments, how to test a connection, and its flows by name. Callers (the CLI, the demo, a
job queue, a web button) look a flow up by name in :mod:`tilisilta.connectors.registry`, build
a :class:`FlowContext` from the connection once, and call it with JSON-able parameters.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Protocol, TypeVar

import httpx
from pydantic import BaseModel, ConfigDict, Field

from tilisilta.clock import Clock
from tilisilta.connectors.common import ConnectionCheck
from tilisilta.crypto import SecretBox
from tilisilta.fixes import Fix
from tilisilta.listing import Listed
from tilisilta.settings import Settings
from tilisilta.store.engine import Store
from tilisilta.store.models import Connection

M = TypeVar("M", bound=BaseModel)


class WrongKind(LookupError):
    """A connection of one kind asked to do what only another kind does."""


def require_kind(connection: Connection, kind: str, doing: str | None = None) -> None:
    """Refuse, in one line, to use ``connection`` as a connection of ``kind``."""
    if connection.kind != kind:
        raise wrong_kind(connection.name, connection.kind, kind, doing)


def wrong_kind(name: str, actual: str, wanted: str, doing: str | None = None) -> WrongKind:
    what = doing or f"act as {a(title_of(wanted))} connection"
    return WrongKind(
        f"connection {name} is {a(title_of(actual))} connection, which cannot {what}: "
        f"use {a(title_of(wanted))} connection"
    )


def a(noun: str) -> str:
    """The noun with its indefinite article: "a Procountor", "an Odoo"."""
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


def title_of(kind: str) -> str:
    # Imported when called: the registry imports this module (the seam's types), and which kinds
    # exist, with their titles, is the registry's to know.
    from tilisilta.connectors.registry import title_of as registered_title

    return registered_title(kind)


@dataclass(frozen=True)
class FlowContext:
    """Everything a flow needs, built once from the connection (``registry.open_context``)."""

    store: Store
    box: SecretBox
    clock: Clock
    settings: Settings
    company_id: int
    company_name: str
    business_id: str
    connection_id: int
    connection_name: str
    kind: str
    environment: str
    base_url: str
    options: BaseModel
    # Tests inject a transport to reach a sandbox in-process; None means real HTTP.
    transport: httpx.BaseTransport | None = None
    progress: Progress | None = None  # told how much work there is and how it goes
    # Set when the process running the flow is asked to stop: sending begins no new document.
    stop: threading.Event | None = None

    def options_as(self, kind: str, model: type[M]) -> M:
        """The connection's settings as ``kind``'s model (``open_context`` validated them), or a
        one-line WrongKind for a connection of another kind."""
        require_kind_of(self, kind)
        if not isinstance(self.options, model):
            raise TypeError(f"the settings of connection {self.connection_name} are not {model}")
        return self.options

    def secrets(self) -> dict[str, str]:
        """The connection's secrets, opened now (never kept in the context)."""
        with self.store.session() as session:
            sealed = session.get_one(Connection, self.connection_id).secrets
        return self.box.open(sealed)

    def planned(self, total: int) -> None:
        if self.progress is not None:
            self.progress.planned(total)

    def advanced(self, count: int = 1) -> None:
        if self.progress is not None:
            self.progress.advanced(count)


class Progress(Protocol):
    """Where a long flow reports how far it got (a progress bar, a job's status)."""

    def planned(self, total: int) -> None: ...

    def advanced(self, count: int) -> None: ...


class NoParams(BaseModel):
    model_config = ConfigDict(extra="forbid")


@dataclass
class FlowResult:
    """What any flow reports: counts by name, lines for a person, fixes, and whether the run
    stopped before its end. ``detail`` keeps the flow's own report for richer rendering."""

    counts: dict[str, int] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)
    fixes: list[Fix] = field(default_factory=list)
    aborted: str | None = None
    detail: Any = None

    @property
    def ok(self) -> bool:
        return self.aborted is None


@dataclass(frozen=True)
class FlowSpec:
    """One named flow: ``run(context, params)`` with ``params`` validated by ``params_model``."""

    name: str
    summary: str
    run: Callable[[FlowContext, Any], FlowResult]
    params_model: type[BaseModel] = NoParams
    writes: bool = False  # writes into the remote system (so it proves whose books first)

    def __call__(self, context: FlowContext, params: Mapping[str, Any] | None = None) -> FlowResult:
        return self.run(context, self.params_model.model_validate(dict(params or {})))


@dataclass(frozen=True)
class ScheduleSpec:
    """One scheduled action a kind of connection offers, as its seed's scheduled actions do:
    its flows run in order (the first that stops the run ends it) every ``every`` by default.
    A person may disable it, or set another interval or a cron expression, per connection."""

    name: str  # unique within the kind, e.g. "fetch_payments"
    summary: str  # in a bookkeeper's words
    flows: tuple[str, ...]
    every: timedelta
    enabled: bool = True


def send_unsent(kind: str, every: timedelta = timedelta(minutes=5)) -> ScheduleSpec:
    """The schedule every kind with a ``send_invoices`` flow offers: send what is unsent."""
    return ScheduleSpec(
        "send_unsent",
        "send the invoices and credit notes not yet sent",
        (f"{kind}.send_invoices",),
        every,
    )


@dataclass(frozen=True)
class Connector:
    """One kind of external system, as the hub's generic parts see it."""

    kind: str
    title: str  # in a bookkeeper's words: "Procountor", "Odoo"
    options_model: type[BaseModel]
    secrets_model: type[BaseModel]
    #: environment → base URL; an environment missing here needs the URL given.
    base_urls: Mapping[str, str]
    default_environment: str
    test_connection: Callable[[FlowContext], ConnectionCheck]
    flows: Mapping[str, FlowSpec]
    #: Its own commands, as "module:attribute" of a typer app mounted as `tilisilta <kind>`
    #: (named, not imported, so that nothing below cli/ depends on the CLI).
    commands: str | None = None
    #: Its scheduled actions (the runner reads them; a new kind adds its own here).
    schedules: tuple[ScheduleSpec, ...] = ()
    #: The key under which its work runs one job at a time across every process and machine
    #: (a remote that takes one request at a time per account); None: one per connection.
    job_lock: Callable[[FlowContext], str] | None = None

    def flow(self, short_name: str) -> FlowSpec | None:
        return self.flows.get(f"{self.kind}.{short_name}")


def result_of(report: Any, aborted: str | None = None) -> FlowResult:
    """A flow's own report (a dataclass) as a :class:`FlowResult`: its lists and numbers as
    counts, its ``aborted`` as the result's."""
    counts: dict[str, int] = {}
    for name, value in vars(report).items():
        if isinstance(value, bool):
            continue
        if isinstance(value, int):
            counts[name] = value
        elif isinstance(value, list | tuple | set | dict | Listed):
            counts[name] = len(value)
    stopped = aborted if aborted is not None else getattr(report, "aborted", None)
    return FlowResult(counts=counts, aborted=stopped, detail=report)


def sent_result(summary: Any) -> FlowResult:
    """A sending flow's summary (``count(state)``), with the sent and data-issue counts."""
    result = result_of(summary)
    result.counts.update({state: summary.count(state) for state in ("sent", "data_issue")})
    return result


class Selection(BaseModel):
    """Which documents: the numbers given, or (with none) every one not yet done."""

    model_config = ConfigDict(extra="forbid")
    numbers: list[str] | None = None


class SendParams(Selection):
    # Documents sent at once; a target that takes one request at a time (its deliverer's
    # serialization key) gets them one by one whatever this says.
    workers: int = Field(default=4, ge=1, le=16)


def imported(target: str) -> Callable[..., Any]:
    """The function ``"module:name"``, imported when first called. A kind's description names
    its flows and its connection test this way, so that reading it (for its title, its flows'
    names, its schedules: the status, the list of schedules) imports none of the flows and of
    the clients, mappings and ledger they import. ``tests/unit/test_connector_descriptions.py``
    resolves every one (``target``)."""
    module, _, name = target.partition(":")
    found: list[Callable[..., Any]] = []

    def call(*args: Any, **kwargs: Any) -> Any:
        if not found:
            found.append(getattr(importlib.import_module(module), name))
        return found[0](*args, **kwargs)

    call.__qualname__ = call.__name__ = name
    call.target = target  # type: ignore[attr-defined]
    return call


def reporting(
    flow: Callable[..., Any], to_result: Callable[[Any], FlowResult] = result_of
) -> Callable[[FlowContext, BaseModel], FlowResult]:
    """A flow that returns its own report, as a :class:`FlowSpec`'s ``run``: the parameters go
    in as keywords, the report comes back as a :class:`FlowResult` (``result_of`` by default)."""

    def run(context: FlowContext, params: BaseModel) -> FlowResult:
        return to_result(flow(context, **params.model_dump()))

    run.flow = flow  # type: ignore[attr-defined]
    return run


def flow_at(
    target: str, to_result: Callable[[Any], FlowResult] = result_of
) -> Callable[[FlowContext, BaseModel], FlowResult]:
    """The flow ``"module:function"`` as a :class:`FlowSpec`'s ``run`` (``reporting``), the
    module imported when the flow first runs (``imported``)."""
    return reporting(imported(target), to_result)


def require_kind_of(context: FlowContext, kind: str, doing: str | None = None) -> None:
    """Refuse, in one line, to ``doing`` with a connection of another kind."""
    if context.kind != kind:
        raise wrong_kind(context.connection_name, context.kind, kind, doing)
