"""What every command needs: settings, the store (migrated), the secret box, the clock."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

import typer
from pydantic import ValidationError
from rich.console import Console

from tilisilta.cli.fixes import shown
from tilisilta.clock import Clock, SystemClock
from tilisilta.settings import Settings
from tilisilta.store.engine import Store, alembic_config

if TYPE_CHECKING:  # the connectors, httpx and cryptography only for the commands that use them
    import httpx
    from rich.progress import Progress as RichProgress
    from rich.progress import TaskID

    from tilisilta.connectors.base import FlowContext, FlowSpec, Progress
    from tilisilta.crypto import SecretBox


class FixConsole(Console):
    """Prints messages with their fixes shown as the commands to type."""

    def print(self, *objects: Any, **kwargs: Any) -> None:
        super().print(*(shown(o) if isinstance(o, str) else o for o in objects), **kwargs)


console = FixConsole(highlight=False)
err = FixConsole(stderr=True, highlight=False)


def print_unlisted(more: int, what: str) -> None:
    """Say how many of a report's items were counted and not kept (``tilisilta.listing``)."""
    if more:
        console.print(f"  … and {more:,} more {what}, not listed (see `tilisilta log`)")


def fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[red]Error:[/red] {message}")
    return typer.Exit(code)


@dataclass
class Runtime:
    settings: Settings
    clock: Clock
    # Tests reach in-process sandboxes through this; None means real HTTP.
    transport: httpx.BaseTransport | None = None

    @cached_property
    def store(self) -> Store:
        store = Store(self.settings.resolved_database_url())
        _ensure_migrated(store)
        return store

    @cached_property
    def box(self) -> SecretBox:
        from sqlalchemy import func, select

        from tilisilta.crypto import SecretBox
        from tilisilta.store.models import Connection

        with self.store.session() as session:
            sealed = session.scalar(select(func.count()).select_from(Connection)) or 0
        return SecretBox.from_settings(self.settings, may_create=sealed == 0)


def _ensure_migrated(store: Store) -> None:
    """The embedded SQLite database migrates itself; a shared PostgreSQL is migrated on purpose.
    A database at the newest schema costs one SELECT (Alembic is imported only when it is not)."""
    if store.at_head():
        return
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config(store))
    with store.engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
    if current == script.get_current_head():
        return
    if store.engine.dialect.name == "sqlite":
        store.upgrade()
        return
    raise fail(
        f"the database is at revision {current or '(empty)'}, not {script.get_current_head()}: "
        "run `tilisilta db upgrade` first"
    )


def runtime() -> Runtime:
    try:
        settings = Settings()
    except ValidationError as exc:
        problem = exc.errors()[0]
        name = "TILISILTA_" + str(problem["loc"][0]).upper() if problem["loc"] else "a setting"
        raise fail(
            f"{name} = {problem.get('input')!r} is not valid: {problem['msg']} "
            "(settings: docs/configuration.md)"
        ) from None
    return Runtime(settings=settings, clock=SystemClock())


def open_connection(rt: Runtime, name: str, *, progress: Progress | None = None) -> FlowContext:
    """The flow context of connection ``name``, or a one-line error and exit 1."""
    from tilisilta.connectors.registry import open_context

    try:
        return open_context(
            rt.store, rt.box, rt.clock, rt.settings, name, transport=rt.transport, progress=progress
        )
    except (LookupError, ValueError) as exc:
        raise fail(str(exc)) from exc


def flow_of(context: FlowContext, short_name: str, doing: str) -> FlowSpec:
    """The connection's flow for ``doing``, or a one-line error naming the kinds that can."""
    from tilisilta.connectors.registry import flow_for

    try:
        return flow_for(context, short_name, doing)
    except LookupError as exc:
        raise fail(str(exc)) from exc


class BarProgress:
    """A flow's progress on a rich progress bar."""

    def __init__(self, progress: RichProgress, task: TaskID) -> None:
        self.progress, self.task = progress, task

    def planned(self, total: int) -> None:
        self.progress.update(self.task, total=total)

    def advanced(self, count: int) -> None:
        self.progress.advance(self.task, count)
