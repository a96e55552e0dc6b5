"""`tilisilta`: the command-line interface. Each command is a thin shell over a flow."""

from __future__ import annotations

import importlib
from typing import Annotated

import typer

from tilisilta.cli import (
    companies,
    demo,
    exchanges,
    payments,
    sandbox,
    schedules,
    sending,
    settings_view,
    status,
    workers,
)
from tilisilta.cli.guard import GuardedGroup
from tilisilta.cli.runtime import console, fail, runtime
from tilisilta.connectors.registry import connector, kinds

app = typer.Typer(
    help="Tilisilta moves business documents exactly once between your ERP and "
    "Procountor, Netvisor and Procuros. Exit codes: 0 done, 1 could not run, 2 wrong command "
    "line, 3 finished with documents left for a person.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    cls=GuardedGroup,
)
db = typer.Typer(help="The hub's own database.", no_args_is_help=True)
app.add_typer(db, name="db")
app.add_typer(companies.company_app, name="company")
app.add_typer(companies.connection_app, name="connection")
app.add_typer(companies.secrets_app, name="secrets")
app.add_typer(sending.import_app, name="import")
app.add_typer(sending.send_app, name="send")
app.add_typer(exchanges.exchange_app, name="exchange")
app.add_typer(payments.fetch_app, name="fetch")
app.add_typer(schedules.schedule_app, name="schedule")
for kind in kinds():  # each kind's own commands, as its description names them
    commands = connector(kind).commands
    if commands is not None:
        module, _, attribute = commands.partition(":")
        app.add_typer(getattr(importlib.import_module(module), attribute), name=kind)
app.add_typer(sandbox.sandbox_app, name="sandbox")
app.command("log")(exchanges.show_log)
app.command("status")(status.show_status)
app.command("settings")(settings_view.show_settings)
app.command("demo")(demo.demo)
app.command("run")(schedules.run)
app.command("worker")(workers.worker)


@db.command("upgrade")
def db_upgrade(revision: str = typer.Argument("head")) -> None:
    """Migrate the database (SQLite or PostgreSQL) to the newest schema."""
    from tilisilta.jobs.queue import install_queue_schema
    from tilisilta.store.engine import Store

    rt = runtime()
    store = Store(rt.settings.resolved_database_url())
    store.upgrade(revision)
    if install_queue_schema(store):
        console.print("Job queue (procrastinate) installed for `tilisilta worker`.")
    console.print(
        f"Database at {revision}: {store.engine.url.render_as_string(hide_password=True)}"
    )


@db.command("copy")
def db_copy(
    source: Annotated[str, typer.Argument(help="Database URL to copy from.")],
    target: Annotated[str, typer.Argument(help="Database URL to copy into (empty).")],
) -> None:
    """Copy the whole hub (companies, connections, documents, bindings, history) into another,
    empty database, e.g. from the embedded SQLite to PostgreSQL. Keep the same secret key."""
    from tilisilta.store.copy import CopyRefused, copy_database
    from tilisilta.store.engine import Store

    try:
        report = copy_database(
            Store(source),
            Store(target),
            on_table=lambda table, rows: console.print(f"  {table}: {rows} rows"),
        )
    except CopyRefused as exc:
        raise fail(str(exc)) from exc
    shown = Store(target).engine.url.render_as_string(hide_password=True)
    console.print(f"Copied {report.total} rows into {shown}; point TILISILTA_DATABASE_URL at it.")
