"""Getting invoices in (import) and out (send)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from tilisilta.cli.fixes import shown
from tilisilta.cli.guard import COULD_NOT_RUN, LEFT_FOR_A_PERSON
from tilisilta.cli.runtime import (
    BarProgress,
    Runtime,
    console,
    fail,
    flow_of,
    open_connection,
    runtime,
)
from tilisilta.connectors.files.flows.invoices import ImportReport, import_invoices
from tilisilta.connectors.files.mapping.invoices import UnsupportedFileType
from tilisilta.connectors.registry import title_of
from tilisilta.domain.validation import Severity
from tilisilta.ledger.sending import SendSummary

import_app = typer.Typer(help="Read documents from files.", no_args_is_help=True)
send_app = typer.Typer(help="Deliver documents to a connection.", no_args_is_help=True)

STATE_LABEL = {
    "sent": "[green]sent[/green]",
    "data_issue": "[yellow]data issue[/yellow]",
    "response_error": "[red]refused[/red]",
    "pending": "[cyan]waiting to retry[/cyan]",
    "sending": "[cyan]in progress elsewhere[/cyan]",
    "ignored": "ignored",
}


@import_app.command("invoices")
def import_invoices_command(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    company: Annotated[str, typer.Option(help="Business ID, id or name of the company.")],
) -> None:
    """Import sales invoices and credit notes from a JSON or CSV file (docs/import-format.md).

    Exits 0 when every document was imported (findings of the rules are listed; a file with no
    invoices says so), 3 when documents or the file were refused, 1 when it could not run."""
    rt = runtime()
    progress, bar = progress_bar("Importing")
    try:
        with progress:  # documents read, of those the file holds
            report = import_invoices(rt.store, rt.clock, company=company, path=file, progress=bar)
    except (UnsupportedFileType, LookupError) as exc:
        raise fail(escape(str(exc))) from exc
    except OSError as exc:
        raise fail(escape(f"cannot read {file}: {exc.strerror or exc}")) from exc
    print_import_report(report)
    if report.refused:
        raise typer.Exit(LEFT_FOR_A_PERSON)


def print_import_report(report: ImportReport) -> None:
    """Every value in a problem comes from the file: printed as text, never as rich markup."""
    if report.seen or report.refused:
        console.print(
            escape(
                f"{report.source}: {report.seen} documents read; {report.new} new, "
                f"{report.changed} changed, {report.unchanged} unchanged, "
                f"{len(report.refused) + report.refused_more} problems kept documents out"
            )
        )
    elif not report.held:
        console.print(escape(f"{report.source}: no documents in the file; nothing was imported."))
    errors = [p for p in report.held if p.severity is Severity.ERROR]
    warnings = [p for p in report.held if p.severity is Severity.WARNING]
    refused_more = (
        f"and {report.refused_more:,} more problems kept documents out: fix the ones above and "
        "import the file again to see the rest."
    )
    held_more = (
        f"and {report.held_more:,} more findings on imported documents, not listed: the errors "
        "among them stop their documents when sent, each shown in the log as a data issue."
    )
    for label, problems, more in (
        ("[red]not imported[/red]", report.refused, refused_more if report.refused_more else ""),
        ("[yellow]will not be sent until fixed[/yellow]", errors, ""),
        ("[dim]warning[/dim]", warnings, held_more if report.held_more else ""),
    ):
        for problem in problems:
            console.print(f"  {label} {escape(str(problem))}", emoji=False)
        if more:
            console.print(f"  … {more}", emoji=False)


@send_app.command("invoices")
def send_invoices_command(
    numbers: Annotated[list[str] | None, typer.Argument(help="Invoice numbers.")] = None,
    connection: Annotated[str, typer.Option(help="The connection to send over.")] = "",
    all_unsent: Annotated[bool, typer.Option("--all-unsent", help="Every unsent one.")] = False,
    workers: Annotated[int, typer.Option(min=1, max=16, help="Parallel sends.")] = 4,
) -> None:
    """Send sales invoices and credit notes, each exactly once."""
    if not connection:
        raise fail("name the connection: --connection NAME (see `tilisilta connection list`)")
    if bool(numbers) == all_unsent:
        raise fail("give invoice numbers or --all-unsent (not both)")
    summary = run_send(runtime(), connection, numbers or None, workers)
    if summary.aborted:
        raise typer.Exit(COULD_NOT_RUN)
    if summary.unknown_numbers or any(line.state != "sent" for line in summary.lines):
        raise typer.Exit(LEFT_FOR_A_PERSON)


def progress_bar(doing: str) -> tuple[Progress, BarProgress]:
    """A bar that counts done of planned (unknown until the flow says), gone when it stops."""
    progress = Progress(
        TextColumn(doing),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )
    return progress, BarProgress(progress, progress.add_task(doing, total=None))


def run_send(rt: Runtime, connection: str, numbers: list[str] | None, workers: int) -> SendSummary:
    progress, bar = progress_bar("Sending")
    context = open_connection(rt, connection, progress=bar)
    send = flow_of(context, "send_invoices", "send invoices")
    with progress:
        result = send(context, {"numbers": numbers, "workers": workers})
    summary: SendSummary = result.detail
    print_send_summary(summary, title_of(context.kind))
    return summary


def print_send_summary(summary: SendSummary, remote: str) -> None:
    if summary.aborted:
        console.print(f"[red]Stopped:[/red] {summary.aborted}")
    for number in summary.unknown_numbers:
        console.print(f"[red]No invoice {number} in the hub[/red]: import it first")
    if summary.lines:
        table = Table("invoice", "result", f"{remote} id", "details")
        for line in summary.lines:
            table.add_row(
                line.number,
                STATE_LABEL.get(line.state, line.state),
                line.external_id or "-",
                shown(line.message or ""),
            )
        console.print(table)
    counts = ", ".join(
        f"{summary.count(state)} {label}"
        for state, label in (
            ("sent", "sent"),
            ("data_issue", "data issues"),
            ("response_error", "refused"),
            ("pending", "waiting to retry"),
        )
    )
    already = f", {summary.sent_before} already sent before" if summary.sent_before else ""
    console.print(f"Summary: {counts}{already}.")
