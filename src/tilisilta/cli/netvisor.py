"""`tilisilta netvisor …`: what only a Netvisor connection does (seed 004's buttons)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from tilisilta.cli.guard import COULD_NOT_RUN, LEFT_FOR_A_PERSON
from tilisilta.cli.payments import print_fetch_report
from tilisilta.cli.runtime import (
    console,
    fail,
    flow_of,
    open_connection,
    print_unlisted,
    runtime,
)
from tilisilta.connectors.netvisor.flows.invoices import SEND_INVOICE
from tilisilta.connectors.netvisor.flows.products import ProductSendReport
from tilisilta.connectors.netvisor.flows.purchases import PurchaseFetchReport
from tilisilta.connectors.netvisor.options import NetvisorOptions
from tilisilta.ledger.binder import binding_of
from tilisilta.ledger.exchanges import sent_progress
from tilisilta.ledger.payments_in import PaymentFetchReport
from tilisilta.store.documents import INVOICE, invoices_by_number

netvisor_app = typer.Typer(
    help="Netvisor: purchase invoices, products, sent invoices.", no_args_is_help=True
)

Connection = Annotated[str, typer.Option("--connection", help="The Netvisor connection.")]
Day = Annotated[date | None, typer.Option(formats=["%Y-%m-%d"], help="A date, 2026-12-31.")]


@netvisor_app.command("purchases")
def purchases(
    connection: Connection,
    since: Day = None,
    until: Day = None,
    factual_only: Annotated[
        bool | None,
        typer.Option(
            "--factual-only/--any-state",
            help="Only those in factual verification (default: the connection's).",
        ),
    ] = None,
    attachments: Annotated[
        bool | None,
        typer.Option(
            "--attachments/--no-attachments",
            help="Fetch their attachments too (default: the connection's).",
        ),
    ] = None,
) -> None:
    """Fetch purchase invoices dated since a date (default: those changed since the last fetch)."""
    context = open_connection(runtime(), connection)
    flow = flow_of(context, "fetch_purchase_invoices", "fetch purchase invoices")
    params = {
        "since": since,
        "until": until,
        "factual_verification_only": factual_only,
        "attachments": attachments,
    }
    with console.status("Fetching purchase invoices"):
        report: PurchaseFetchReport = flow(context, params).detail
    if report.aborted:
        console.print(f"[red]Stopped:[/red] {report.aborted}")
        raise typer.Exit(COULD_NOT_RUN)
    for what, labels in (("new", report.new), ("changed", report.changed)):
        for label in labels:
            console.print(f"  {what}: {escape(label)}")
        print_unlisted(labels.more, what)
    for problem in report.unreadable:
        console.print(f"[yellow]Not taken[/yellow] {escape(problem)}")
    changed_since = (
        f", changed in Netvisor since {report.modified_since:%Y-%m-%d %H:%M} (Finnish time)"
        if report.modified_since
        else ""
    )
    console.print(
        f"Purchase invoices dated {report.since} to {report.until}{changed_since}: "
        f"{len(report.new)} new, "
        f"{len(report.changed)} changed, {report.unchanged} unchanged, "
        f"{report.attachments} attachment(s)."
    )
    if report.unreadable:
        raise typer.Exit(LEFT_FOR_A_PERSON)


@netvisor_app.command("payments")
def payments(
    connection: Connection,
    numbers: Annotated[list[str] | None, typer.Argument(help="Invoice numbers.")] = None,
    since: Day = None,
    until: Day = None,
) -> None:
    """Fetch the payments of sent invoices for a period, or update the named invoices."""
    context = open_connection(runtime(), connection)
    flow = flow_of(context, "fetch_payments", "fetch payments")
    with console.status("Fetching payments"):
        params = {"numbers": numbers or None, "begin": since, "end": until}
        report: PaymentFetchReport = flow(context, params).detail
    print_fetch_report(report, selected=bool(numbers))
    if report.aborted:
        raise typer.Exit(COULD_NOT_RUN)
    if report.unknown_numbers or report.not_sent or report.unreadable:
        raise typer.Exit(LEFT_FOR_A_PERSON)


@netvisor_app.command("products")
def products(
    connection: Connection,
    codes: Annotated[list[str], typer.Argument(help="Product codes, as the hub has them.")],
) -> None:
    """Send the named products to Netvisor; those already there are left as they are."""
    context = open_connection(runtime(), connection)
    flow = flow_of(context, "send_products", "send products")
    report: ProductSendReport = flow(context, {"codes": codes}).detail
    if report.aborted:
        console.print(f"[red]Stopped:[/red] {report.aborted}")
        raise typer.Exit(COULD_NOT_RUN)
    for code, key in report.added.items():
        console.print(f"  added: {escape(code)} (Netvisor key {key})")
    for code, key in report.already_there.items():
        console.print(f"  already in Netvisor: {escape(code)} (key {key})")
    for code in report.unknown_codes:
        console.print(f"[red]No product {escape(code)} in the hub[/red]: pull it from the ERP")
    for code, why in report.refused.items():
        console.print(f"[red]Refused[/red] {escape(code)}: {escape(why)}")
    if report.unknown_codes or report.refused:
        raise typer.Exit(LEFT_FOR_A_PERSON)


@netvisor_app.command("invoice")
def invoice(
    connection: Connection,
    number: Annotated[str, typer.Argument(help="The invoice number.")],
    xml: Annotated[
        Path | None, typer.Option(help="Write the XML sent to Netvisor to this file.")
    ] = None,
) -> None:
    """What the hub sent to Netvisor for an invoice: when, its Netvisor key, number and
    reference, and the exact XML transferred."""
    context = open_connection(runtime(), connection)
    with context.store.session() as session:
        found = invoices_by_number(session, context.company_id, [number])
        document = found[0] if found else None
        binding = (
            binding_of(session, context.connection_id, INVOICE, document.id)
            if document is not None
            else None
        )
        sent = (
            sent_progress(
                session,
                context.connection_id,
                SEND_INVOICE,
                {document.id: binding.sent_version or 0},
            )
            if document is not None and binding is not None
            else {}
        )
    if document is None:
        raise fail(f"no invoice {number} in the hub")
    progress = sent.get(document.id)
    if binding is None or progress is None:
        raise fail(f"invoice {number} has not been sent over {connection}", LEFT_FOR_A_PERSON)
    console.print(
        f"Invoice {escape(number)}: sent to Netvisor at {progress.get('sent_at', '?')}, "
        f"Netvisor key {binding.external_id}, number {progress.get('number') or '?'}, "
        f"reference {progress.get('reference') or '-'}."
    )
    link = context.options_as("netvisor", NetvisorOptions).invoice_link
    if link:
        console.print(f"Open in Netvisor: {link.replace('{key}', binding.external_id)}")
    else:
        console.print(
            "To show a link that opens it in Netvisor, set the connection's invoice_link to the "
            "address of an invoice in Netvisor's web app with {key} for its key."
        )
    if xml is not None:
        xml.write_text(str(progress.get("xml", "")), encoding="utf-8")
        console.print(f"The XML sent is in {xml}.")
