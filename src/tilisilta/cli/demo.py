"""`tilisilta demo`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from tilisilta.demo.netvisor_books import NetvisorDemo

from tilisilta.cli.odoo import (
    print_posted_check,
    print_pull_report,
    print_push_report,
    print_register_pull,
)
from tilisilta.cli.payments import print_fetch_report
from tilisilta.cli.runtime import console
from tilisilta.cli.sending import print_send_summary
from tilisilta.connectors.procountor.mapping.register_matching import RegisterReport


def _print_matches(report: RegisterReport, local: str) -> None:
    before = f", {len(report.already_bound)} bound before" if report.already_bound else ""
    console.print(
        f"Procountor {report.register}: {report.fetched} read, {len(report.matched)} matched "
        f"and bound{before}, {len(report.ambiguous)} ambiguous, "
        f"{len(report.unmatched_remote)} matching nothing here; {len(report.unmatched_local)} "
        f"{local} without a match (created in Procountor when an invoice needs them)."
    )


def demo(
    folder: Annotated[Path, typer.Option("--dir", help="Where the demo keeps its data.")] = Path(
        "tilisilta-demo"
    ),
    faults: Annotated[bool, typer.Option(help="Drop some sandbox responses on purpose.")] = True,
) -> None:
    """Run the main job on the embedded default: SQLite plus the Odoo and Procountor sandboxes."""
    from tilisilta.demo.runner import CONNECTION, ODOO_CONNECTION, ODOO_VERSION, run_demo

    console.rule("Tilisilta demo")
    console.print(
        f"Data folder: {folder.resolve()} (SQLite); Odoo {ODOO_VERSION} and Procountor: "
        "in-process sandboxes"
    )
    result = run_demo(folder, faults=faults)
    console.rule("1. Procountor VAT settings")
    for treatment, status in sorted({**result.vat.kept, **result.vat.mapped}.items()):
        console.print(f"{treatment} → VAT status {result.vat.settings.describe(status)}")
    console.rule("2. From Odoo")
    erp = result.erp
    console.print(f"{erp.posted} invoices and credit notes posted in Odoo.")
    print_register_pull("Customers", erp.customers)
    print_register_pull("Products", erp.products)
    print_pull_report(erp.invoices)
    print_posted_check(erp.still_posted)
    console.rule("3. Customers and products already in Procountor")
    registers = result.registers
    _print_matches(registers.customers, "parties")
    for bound in registers.bound_by_hand:
        console.print(
            f"  bound by hand: {bound.local_ref} {bound.local_name} → Procountor "
            f"{bound.external_id} (`tilisilta procountor customers bind`)"
        )
    _print_matches(registers.products, "products")
    console.rule("4. Send to Procountor")
    print_send_summary(result.sent, "Procountor")
    customers, products = registers.customers_sent, registers.products_sent
    console.print(
        f"Created in Procountor while sending: {customers.created} customers and "
        f"{products.created} products; the matched ones were updated where they differed from "
        "the ERP's data."
    )
    console.rule("5. Payments from Procountor")
    print_fetch_report(result.paid, selected=False)
    console.rule("6. Payments back to Odoo")
    print_push_report(result.written_back)
    states = ", ".join(f"{n} {state}" for state, n in sorted(result.odoo_payment_states.items()))
    console.print(f"Odoo's invoices by payment state: {states}")
    console.rule("7. Check")
    sent = result.sent.count("sent")
    if result.first_run:
        console.print(
            f"The Procountor sandbox holds {result.sandbox_invoices} invoices for {sent} sent "
            f"documents, though it dropped {result.dropped_responses} responses after "
            "committing: each was looked up before anything was resent."
        )
        console.print(
            f"It holds {customers.held_after} customers ({customers.held_before} made by hand "
            f"before the hub, {customers.held_after - customers.held_before} since) and "
            f"{products.held_after} products ({products.held_before} by hand, "
            f"{products.held_after - products.held_before} since)."
        )
    else:
        console.print(
            f"Nothing was sent twice: {result.sent.sent_before} documents were already in "
            f"Procountor from an earlier run and {sent} were sent now."
        )
    totals = result.totals
    if totals.disagreeing:
        console.print(
            f"[red]Totals differ[/red] for {len(totals.disagreeing)} of {totals.compared} "
            "invoices sent in this run:"
        )
        for line in totals.disagreeing:
            console.print(f"  {line}")
    else:
        console.print(
            f"All {totals.compared} invoices sent in this run total the same to the cent in "
            "Odoo, in the hub and in Procountor."
        )
    _print_netvisor(result.netvisor)
    home = f"TILISILTA_HOME={folder}"
    console.print(
        f"\nLook around: `{home} tilisilta log`, `{home} tilisilta log --category data_issue`, "
        f"`{home} tilisilta exchange show 1`, `{home} tilisilta connection show {CONNECTION}`, "
        f"`{home} tilisilta connection show {ODOO_CONNECTION}`."
    )


def _print_netvisor(second: NetvisorDemo) -> None:
    from tilisilta.demo.netvisor_books import COMPANY_NAME

    console.rule(f"8. A second company, {COMPANY_NAME}: books in Netvisor")
    console.print(f"Invoices read from its Odoo company: {second.pulled} new.")
    print_send_summary(second.sent, "Netvisor")
    if second.sent.count("sent"):
        console.print(
            f"Created in Netvisor while sending: {second.sent.customers_created} customers and "
            f"{second.sent.products_created} products; Netvisor holds {second.held} sales "
            "invoices, each once."
        )
    else:
        console.print(
            f"Nothing was sent twice: {second.sent.sent_before} documents were already "
            "in Netvisor from an earlier run."
        )
    print_fetch_report(second.paid, selected=False)
    print_push_report(second.written_back)
    purchases = second.purchases
    console.print(
        f"Purchase invoices fetched from Netvisor: {len(purchases.new)} new, "
        f"{purchases.unchanged} already here, {purchases.attachments} attachment(s)."
    )
    bills = second.bills
    console.print(
        f"Vendor bills made in Odoo (draft, for a person to check): {bills.count('sent')}; "
        f"{bills.sent_before} booked before; data issues: {bills.count('data_issue')}."
    )
