"""The kinds of connection the hub knows, and the one way to reach a connection's flows.

A new connector adds one line to ``connectors/kinds.py``; nothing else in the generic parts
changes.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from functools import cache
from typing import Any

import httpx
from pydantic import ValidationError

from tilisilta.clock import Clock
from tilisilta.connectors.base import (
    Connector,
    FlowContext,
    FlowResult,
    FlowSpec,
    Progress,
    WrongKind,
    a,
    wrong_kind,
)
from tilisilta.connectors.kinds import EXTRA as _EXTRA
from tilisilta.connectors.kinds import MODULES as _MODULES
from tilisilta.connectors.kinds import kinds as kinds
from tilisilta.crypto import SecretBox
from tilisilta.settings import Settings
from tilisilta.store.companies import find_connection
from tilisilta.store.engine import Store


def register(connector: Connector) -> None:
    """Add a kind at run time (a test's example connector, a plug-in)."""
    _EXTRA[connector.kind] = connector


def unregister(kind: str) -> None:
    _EXTRA.pop(kind, None)


@cache
def _builtin(kind: str) -> Connector:
    module = importlib.import_module(_MODULES[kind])
    connector: Connector = module.CONNECTOR
    return connector


def title_of(kind: str) -> str:
    """The kind in a bookkeeper's words ("Procountor"), or the kind itself if unknown."""
    try:
        return connector(kind).title
    except LookupError:
        return kind


def connector(kind: str) -> Connector:
    if kind in _EXTRA:
        return _EXTRA[kind]
    if kind in _MODULES:
        return _builtin(kind)
    raise LookupError(f"no kind of connection {kind!r}; the hub knows {', '.join(kinds())}")


def flow(name: str) -> tuple[Connector, FlowSpec]:
    kind = name.split(".", 1)[0]
    found = connector(kind)
    spec = found.flows.get(name)
    if spec is None:
        raise LookupError(f"no flow {name!r}; {found.title} has {', '.join(sorted(found.flows))}")
    return found, spec


def open_context(
    store: Store,
    box: SecretBox,
    clock: Clock,
    settings: Settings,
    connection_name: str,
    *,
    transport: httpx.BaseTransport | None = None,
    progress: Progress | None = None,
) -> FlowContext:
    """The context of one connection's flows, built once. Raises LookupError when there is no
    such connection, and ValueError when its stored settings no longer fit its kind."""
    with store.session() as session:
        row = find_connection(session, connection_name)
        kind = connector(row.kind)
        try:
            options = kind.options_model.model_validate(row.options)
        except ValidationError as exc:
            raise ValueError(
                f"the settings of connection {row.name} do not fit a {kind.title} connection: "
                f"{_first_error(exc)}"
            ) from None
        return FlowContext(
            store=store,
            box=box,
            clock=clock,
            settings=settings,
            company_id=row.company_id,
            company_name=row.company.name,
            business_id=row.company.business_id,
            connection_id=row.id,
            connection_name=row.name,
            kind=row.kind,
            environment=row.environment,
            base_url=row.base_url,
            options=options,
            transport=transport,
            progress=progress,
        )


def flow_for(context: FlowContext, short_name: str, doing: str) -> FlowSpec:
    """The connection's flow ``<kind>.<short_name>``, or a one-line WrongKind saying which
    kinds can ``doing``."""
    spec = connector(context.kind).flow(short_name)
    if spec is not None:
        return spec
    able = [connector(k).title for k in kinds() if connector(k).flow(short_name) is not None]
    raise WrongKind(
        f"connection {context.connection_name} is {a(connector(context.kind).title)} "
        f"connection, which cannot {doing}; use {a(' or '.join(able) or 'different')} connection"
    )


def run_flow(
    context: FlowContext, name: str, params: Mapping[str, Any] | None = None
) -> FlowResult:
    """Run the flow ``name`` (e.g. "procountor.send_invoices") with JSON-able parameters."""
    found, spec = flow(name)
    if found.kind != context.kind:
        raise wrong_kind(context.connection_name, context.kind, found.kind, f"run {name}")
    return spec(context, params)


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    where = ".".join(str(p) for p in error["loc"]) or "settings"
    return f"{where}: {error['msg']}"
