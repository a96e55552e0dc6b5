"""The log (exchanges) and what a person can do with one."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from tilisilta.cli.fixes import shown
from tilisilta.cli.runtime import console, fail, runtime
from tilisilta.http.jsonwire import decode_json, encode_json
from tilisilta.ledger import exchanges as ledger
from tilisilta.ledger.outcomes import Category
from tilisilta.store.models import Document, Exchange

exchange_app = typer.Typer(help="One delivery of one document.", no_args_is_help=True)

CATEGORY_LABEL = {
    "info": "Info",
    "warning": "Warning",
    "data_issue": "Data issue",
    "response_error": "Response error",
}


def show_log(
    category: Annotated[Category | None, typer.Option(help="Only this category.")] = None,
    connection: Annotated[str | None, typer.Option(help="Only this connection.")] = None,
    limit: int = 50,
) -> None:
    """The exchanges, newest first, with their error text."""
    rt = runtime()
    table = Table(
        "id", "when (UTC)", "connection", "document", "state", "category", "remote", "text"
    )
    with rt.store.session() as session:
        for e in ledger.list_log(session, category=category, connection=connection, limit=limit):
            table.add_row(
                str(e.id),
                e.when.strftime("%Y-%m-%d %H:%M:%S"),
                e.connection,
                e.document,
                e.state,
                CATEGORY_LABEL.get(e.category or "", "-"),
                e.external_id or "-",
                shown(e.error or ""),
            )
    console.print(table)


def _pretty(body: str | None) -> str:
    if not body:
        return "(empty)"
    try:
        return encode_json(decode_json(body), indent=2).decode()
    except ValueError:
        return body


@exchange_app.command("show")
def exchange_show(exchange_id: int) -> None:
    """An exchange with every call's redacted request and response."""
    rt = runtime()
    with rt.store.session() as session:
        row = session.get(Exchange, exchange_id)
        if row is None:
            raise fail(f"no exchange {exchange_id}; see `tilisilta log`")
        doc = session.get_one(Document, row.document_id)
        console.print(
            f"[bold]Exchange {row.id}[/bold]: {row.operation} of {doc.kind} {doc.ref} "
            f"(version {row.document_version})"
        )
        console.print(
            f"state: {row.state}   category: {CATEGORY_LABEL.get(row.category or '', '-')}"
            f"   attempts: {row.attempts}   remote id: {row.external_id or '-'}"
        )
        if row.error:
            console.print(f"text: {row.error}")
        for call in row.calls:
            status = call.status if call.status is not None else call.error
            console.rule(
                f"attempt {call.attempt}: {call.method} {call.url} → {status} "
                f"({call.duration_ms} ms)"
            )
            console.print("[dim]request[/dim]", _pretty(call.request_body), markup=True)
            console.print("[dim]response[/dim]", _pretty(call.response_body), markup=True)


@exchange_app.command("ignore")
def exchange_ignore(exchange_id: int) -> None:
    """Stop trying to deliver this exchange."""
    rt = runtime()
    try:
        with rt.store.session() as session:
            ledger.ignore(session, exchange_id, rt.clock.now())
    except (LookupError, ValueError) as exc:
        raise fail(str(exc)) from exc
    console.print(f"Exchange {exchange_id} ignored.")


@exchange_app.command("retry")
def exchange_retry(exchange_id: int) -> None:
    """Put the exchange back in the queue; the next `send` delivers it."""
    rt = runtime()
    try:
        with rt.store.session() as session:
            ledger.retry(session, exchange_id, rt.clock.now())
    except (LookupError, ValueError) as exc:
        raise fail(str(exc)) from exc
    console.print(f"Exchange {exchange_id} will be tried again by the next send.")
