"""Getting payments in: `tilisilta fetch payments`."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from tilisilta.cli.guard import COULD_NOT_RUN, LEFT_FOR_A_PERSON
from tilisilta.cli.runtime import Runtime, console, fail, flow_of, open_connection, runtime
from tilisilta.ledger.payments_in import PAID, PARTLY_PAID, PaymentFetchReport

fetch_app = typer.Typer(help="Read documents from a connection.", no_args_is_help=True)

STATUS_LABEL = {
    PAID: "[green]paid[/green]",
    PARTLY_PAID: "[yellow]partly paid[/yellow]",
    None: "unpaid",
}


@fetch_app.callback()
def fetch() -> None:
    """Read documents from a connection."""
    # A callback keeps this a group, so the command is `fetch payments` even while it is the
    # only one.


@fetch_app.command("payments")
def fetch_payments_command(
    numbers: Annotated[list[str] | None, typer.Argument(help="Invoice numbers.")] = None,
    connection: Annotated[str, typer.Option(help="The connection to read from.")] = "",
) -> None:
    """Fetch the payments of the named invoices, or of every sent invoice not yet paid."""
    if not connection:
        raise fail("name the connection: --connection NAME (see `tilisilta connection list`)")
    report = run_fetch(runtime(), connection, numbers or None)
    if report.aborted:
        raise typer.Exit(COULD_NOT_RUN)
    if report.unknown_numbers or report.not_sent or report.unreadable:
        raise typer.Exit(LEFT_FOR_A_PERSON)


def run_fetch(rt: Runtime, connection: str, numbers: list[str] | None) -> PaymentFetchReport:
    context = open_connection(rt, connection)
    fetch = flow_of(context, "fetch_payments", "fetch payments")
    with console.status("Fetching payments"):
        report: PaymentFetchReport = fetch(context, {"numbers": numbers}).detail
    print_fetch_report(report, selected=bool(numbers))
    return report


def print_fetch_report(report: PaymentFetchReport, *, selected: bool) -> None:
    for number in report.unknown_numbers:
        console.print(f"[red]No invoice {number} in the hub[/red]")
    for number in report.not_sent:
        console.print(f"[yellow]Invoice {number} was not sent over this connection[/yellow]")
    if selected:
        for number in report.already_paid:
            console.print(f"Invoice {number} is paid already: nothing more is fetched for it")
        for number in report.credit_notes:
            console.print(f"Invoice {number} is a credit note: it gets no payments")
    # Named invoices are all shown; a scheduled run shows only the ones that got money.
    shown = [line for line in report.lines if selected or line.new_payments]
    if shown:
        table = Table("invoice", "new payments", "amount", "paid so far", "status")
        for line in shown:
            table.add_row(
                line.invoice,
                str(line.new_payments),
                f"{line.new_amount:.2f} {line.currency}",
                f"{line.paid:.2f} / {line.total:.2f} {line.currency}",
                STATUS_LABEL.get(line.status, line.status or ""),
            )
        console.print(table)
    if report.more:
        console.print(f"… and {report.more:,} more invoices, not listed: the summary counts all")
    for problem in report.unreadable:
        console.print(f"[yellow]Not taken[/yellow] {problem}")
    if report.aborted:
        console.print(f"[red]Stopped:[/red] {report.aborted}")
    skipped = (
        f"; {report.skipped_non_positive} negative or zero events left for a person"
        if report.skipped_non_positive
        else ""
    )
    console.print(
        f"Summary: {report.read} invoice(s) read in {report.calls} call(s), "
        f"{report.new_payments} new payments ({report.new_amount:.2f}), "
        f"{report.now_paid} now paid, {report.partly_paid} partly paid{skipped}."
    )
