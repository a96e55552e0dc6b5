"""`tilisilta odoo …`: pulling from Odoo, writing payments back, booking purchase invoices as
vendor bills, and the tax and unit maps."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from tilisilta.cli.guard import LEFT_FOR_A_PERSON
from tilisilta.cli.runtime import (
    console,
    fail,
    flow_of,
    open_connection,
    print_unlisted,
    runtime,
)
from tilisilta.connectors.base import FlowResult
from tilisilta.connectors.odoo.flows.invoices import PullReport
from tilisilta.connectors.odoo.flows.payments import PushReport
from tilisilta.connectors.odoo.flows.reconcile import ReconcileReport
from tilisilta.connectors.odoo.flows.registers import RegisterPull
from tilisilta.connectors.odoo.flows.setup import OdooSetup
from tilisilta.domain.documents import VatTreatment
from tilisilta.domain.units import unit_error
from tilisilta.ledger.sending import SendSummary
from tilisilta.store import companies as repo

odoo_app = typer.Typer(
    help="Odoo as the ERP: pull invoices, push payments, book purchase invoices.",
    no_args_is_help=True,
)


@odoo_app.command("pull")
def pull(
    name: str,
    registers: Annotated[
        bool, typer.Option(help="Also pull customers and products (before invoices).")
    ] = True,
) -> None:
    """Read what changed in Odoo since the last pull: customers, products, posted invoices and
    credit notes; then check that the invoices read before are still posted there (reset,
    cancelled or deleted ones become data issues). Safe to run any number of times."""
    from tilisilta.services.odoo_pull import pull as odoo_pull

    rt = runtime()
    context = open_connection(rt, name, progress=PagesRead())

    try:
        result = odoo_pull(context, registers=registers, on_step=print_step)
    except LookupError as exc:
        raise fail(str(exc)) from exc
    if result.aborted:
        raise fail(result.aborted)
    if left_for_a_person(result.invoices, result.posted):
        raise typer.Exit(LEFT_FOR_A_PERSON)


def print_step(done: str, result: FlowResult) -> None:
    """One step of a pull or a cycle, as its own report prints it."""
    report = result.detail
    if isinstance(report, RegisterPull):
        print_register_pull(done.capitalize(), report)
    elif isinstance(report, PullReport):
        print_pull_report(report)
    elif isinstance(report, ReconcileReport):
        print_posted_check(report)
    elif isinstance(report, PushReport):
        print_push_report(report)


class PagesRead:
    """The invoice pages of a pull, one line each."""

    def __init__(self) -> None:
        self.pages = 0

    def planned(self, total: int) -> None:
        pass

    def advanced(self, count: int) -> None:
        self.pages += 1
        console.print(f"  read page {self.pages} ({count} invoices)")


def print_posted_check(checked: ReconcileReport) -> None:
    if checked.aborted:
        return
    console.print(
        f"Checked that the {checked.checked} invoices read from Odoo are still posted there: "
        f"{len(checked.left)} no longer are, {len(checked.back)} posted again"
    )
    for left in checked.left:
        console.print(f"  [yellow]data issue:[/yellow] {left}")


def print_register_pull(label: str, result: RegisterPull) -> None:
    console.print(
        f"{label}: {result.new} new, {result.changed} changed, {result.unchanged} unchanged"
    )
    for skipped in result.skipped:
        console.print(f"  [yellow]left out:[/yellow] {skipped}")


def print_pull_report(report: PullReport) -> None:
    console.print(
        f"Invoices and credit notes: {len(report.new)} new, {len(report.changed)} changed, "
        f"{report.unchanged} unchanged, {len(report.data_issues)} with data issues"
    )
    for issue in report.data_issues:
        console.print(f"  [yellow]data issue:[/yellow] {issue}")
    print_unlisted(report.data_issues.more, "data issues")


def print_push_report(report: PushReport) -> None:
    run = report.run
    console.print(
        f"Payments registered in Odoo: {len(run.sent)}; refused: {len(run.refused)}; "
        f"data issues: {len(run.data_issues)}; waiting to retry: {len(run.waiting)}"
    )
    if report.not_from_odoo:
        console.print(
            f"{len(report.not_from_odoo)} payment(s) are for invoices that did not come from "
            "this Odoo connection and were left alone"
        )


@odoo_app.command("push-payments")
def push_payments_command(name: str) -> None:
    """Register in Odoo the payments the hub received for invoices read from Odoo."""
    rt = runtime()
    context = open_connection(rt, name)
    push = flow_of(context, "push_payments", "register payments in Odoo")
    result = push(context)
    print_push_report(result.detail)
    if result.aborted:
        raise fail(result.aborted)
    if left_for_a_person(result):
        raise typer.Exit(LEFT_FOR_A_PERSON)


@odoo_app.command("push-purchases")
def push_purchases_command(
    name: str,
    refs: Annotated[
        list[str] | None,
        typer.Argument(help="Purchase invoices by ref, e.g. netvisor:123 (default: all unbooked)."),
    ] = None,
) -> None:
    """Book in Odoo, as vendor bills with their files, the purchase invoices the hub fetched from
    the accounting system (vendors found or created); each exactly once, left in draft unless
    the connection's post_vendor_bills says otherwise."""
    from tilisilta.cli.fixes import shown
    from tilisilta.cli.sending import STATE_LABEL

    rt = runtime()
    context = open_connection(rt, name)
    push = flow_of(context, "push_purchase_invoices", "book purchase invoices in Odoo")
    result = push(context, {"refs": refs or None})
    summary: SendSummary = result.detail
    for ref in summary.unknown_numbers:
        console.print(f"[red]No purchase invoice {escape(ref)} in the hub[/red]: fetch it first")
    for line in summary.lines:
        bill = f"Odoo id {line.external_id}" if line.external_id else "no bill"
        state = STATE_LABEL.get(line.state, line.state)
        console.print(
            f"{escape(line.number)}: {state}, {bill}: {escape(shown(line.message or ''))}"
        )
    console.print(
        f"Purchase invoices booked in Odoo: {summary.count('sent')}; data issues: "
        f"{summary.count('data_issue')}; refused: {summary.count('response_error')}; waiting "
        f"to retry: {summary.count('pending')}; booked before: {summary.sent_before}"
    )
    if result.aborted:
        raise fail(escape(shown(result.aborted)))
    if summary.unknown_numbers or any(line.state != "sent" for line in summary.lines):
        raise typer.Exit(LEFT_FOR_A_PERSON)


def left_for_a_person(*results: FlowResult | None) -> bool:
    """Whether any of these runs left documents for a person (data issues, refusals, waits)."""
    keys = ("data_issues", "refused", "waiting", "unknown_numbers", "left", "data_issue")
    return any(r is not None and any(r.counts.get(k) for k in keys) for r in results)


@odoo_app.command("setup")
def setup(name: str) -> None:
    """The company's Odoo sales taxes, fiscal positions and units, and how the hub reads each."""
    found = _read_setup(name)
    unmapped = "[yellow]not mapped[/yellow]"
    taxes = Table("Odoo id", "sales tax", "rate", "sent as")
    for line in found.taxes:
        taxes.add_row(str(line.odoo_id), line.name, line.detail, line.reads_as or unmapped)
    console.print(taxes)
    positions = Table("Odoo id", "fiscal position", "where")
    for line in found.fiscal_positions:
        positions.add_row(str(line.odoo_id), line.name, line.detail)
    console.print(positions)
    units = Table("Odoo id", "unit", "what it is in Odoo", "UN/ECE code")
    for line in found.units:
        units.add_row(str(line.odoo_id), line.name, line.detail, line.reads_as or unmapped)
    console.print(units)
    if found.unmapped:
        console.print(
            f"Map what is not mapped with `tilisilta odoo tax-map {name} <Odoo id> <treatment>` "
            f"and `tilisilta odoo unit-map {name} <unit> <code>`; invoices using them are held "
            "back as data issues until then."
        )


def _read_setup(name: str) -> OdooSetup:
    """What the connection's Odoo company has, or a one-line error."""
    from tilisilta.connectors.odoo.client.errors import describe
    from tilisilta.connectors.odoo.flows.setup import read_setup
    from tilisilta.http.errors import RemoteError

    context = open_connection(runtime(), name)
    try:
        return read_setup(context)
    except LookupError as exc:
        raise fail(str(exc)) from exc
    except RemoteError as exc:
        raise fail(describe(exc, "read the taxes, fiscal positions and units")) from exc


@odoo_app.command("tax-map")
def tax_map(name: str, tax_id: int, treatment: VatTreatment) -> None:
    """Say which VAT treatment an Odoo sales tax stands for (one the Odoo company has)."""
    taxes = {line.odoo_id: line for line in _read_setup(name).taxes}
    if tax_id not in taxes:
        have = ", ".join(f"{i} {line.name}" for i, line in sorted(taxes.items()))
        raise fail(
            f"the Odoo company of {name} has no sales tax with id {tax_id} (it has: {have}); "
            f"`tilisilta odoo setup {name}` lists them"
        )
    rt = runtime()
    with rt.store.session() as session:
        connection = repo.find_connection(session, name)
        mapped = dict(connection.options.get("tax_treatments") or {})
        mapped[str(tax_id)] = treatment.value
        connection.options = {**connection.options, "tax_treatments": mapped}
    console.print(f"{name}: Odoo tax {tax_id} ({taxes[tax_id].name}) → {treatment.value}")


@odoo_app.command("unit-map")
def unit_map(name: str, unit: str, code: str) -> None:
    """Map an Odoo unit of measure (by name, one the Odoo company has) to a UN/ECE Rec 20 code."""
    problem = unit_error(code)
    if problem:
        raise fail(f"{problem}; pick a code such as C62 (one), H87 (piece), HUR (hour)")
    units = {line.name for line in _read_setup(name).units}
    if unit not in units:
        raise fail(
            f"the Odoo company of {name} has no unit named {unit!r} (it has: "
            f"{', '.join(sorted(units))}); the name must match Odoo's exactly"
        )
    rt = runtime()
    with rt.store.session() as session:
        connection = repo.find_connection(session, name)
        mapped = dict(connection.options.get("units") or {})
        mapped[unit] = code.upper()
        connection.options = {**connection.options, "units": mapped}
    console.print(f"{name}: Odoo unit {unit!r} → {code.upper()}")


@odoo_app.command("cycle")
def cycle(
    name: str,
    books: Annotated[str, typer.Option(help="The accounting connection, e.g. Procountor's.")],
) -> None:
    """One round of the whole job: pull from Odoo, send what is unsent to the books, fetch the
    payments recorded there and register them in Odoo. Safe to run any number of times."""
    from tilisilta.cli.payments import print_fetch_report
    from tilisilta.cli.sending import print_send_summary
    from tilisilta.connectors.registry import title_of
    from tilisilta.services.cycle import odoo_cycle

    rt = runtime()
    erp = open_connection(rt, name, progress=PagesRead())
    accounts = open_connection(rt, books)

    def step(done: str, result: FlowResult) -> None:
        if done == "sent":
            print_send_summary(result.detail, title_of(accounts.kind))
        elif done == "paid":
            print_fetch_report(result.detail, selected=False)
        else:
            print_step(done, result)

    try:
        result = odoo_cycle(erp, accounts, on_step=step)
    except (LookupError, ValueError) as exc:
        raise fail(str(exc)) from exc
    if result.aborted:
        raise fail(result.aborted)
    pulled = result.pulled
    if left_for_a_person(pulled.invoices, pulled.posted, result.sent, result.written_back):
        raise typer.Exit(LEFT_FOR_A_PERSON)
