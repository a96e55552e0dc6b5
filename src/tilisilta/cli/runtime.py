"""What every command needs: settings, the store (migrated), the secret box, the clock."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import typer
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from rich.console import Console

from tilisilta.clock import Clock, SystemClock
from tilisilta.crypto import SecretBox
from tilisilta.settings import Settings
from tilisilta.store.engine import Store, alembic_config

console = Console(highlight=False)
err = Console(stderr=True, highlight=False)


def fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[red]Error:[/red] {message}")
    return typer.Exit(code)


@dataclass
class Runtime:
    settings: Settings
    clock: Clock

    @cached_property
    def store(self) -> Store:
        store = Store(self.settings.resolved_database_url())
        _ensure_migrated(store)
        return store

    @cached_property
    def box(self) -> SecretBox:
        return SecretBox.from_settings(self.settings)


def _ensure_migrated(store: Store) -> None:
    """The embedded SQLite database migrates itself; a shared PostgreSQL is migrated on purpose."""
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
    return Runtime(settings=Settings(), clock=SystemClock())
