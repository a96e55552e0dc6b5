"""`tilisilta db`: the hub's own database."""

from __future__ import annotations

from typing import Annotated

import typer

from tilisilta.cli.runtime import console, fail, runtime

db_app = typer.Typer(help="The hub's own database.", no_args_is_help=True)


@db_app.command("upgrade")
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


@db_app.command("copy")
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
