"""`tilisilta procountor customers|products …`: fetch a register and bind it, or bind by hand."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import typer
from rich.table import Table

from tilisilta.cli.runtime import Runtime, console, fail, open_connection, runtime
from tilisilta.connectors.base import FlowContext
from tilisilta.connectors.procountor.errors import describe_failure
from tilisilta.connectors.procountor.flows.registers import (
    BindRefused,
    BindResult,
    bind_party,
    bind_product,
    fetch_customers,
    fetch_products,
)
from tilisilta.connectors.procountor.mapping.register_matching import RegisterReport
from tilisilta.http.errors import RemoteError

customers_app = typer.Typer(
    help="Procountor customers: match them to the hub's parties and bind them.",
    no_args_is_help=True,
)
products_app = typer.Typer(
    help="Procountor sales products: match them to the hub's products and bind them.",
    no_args_is_help=True,
)

SHOWN = 20  # unmatched Procountor records listed before "… and N more"

Connection = Annotated[str, typer.Option("--connection", help="The Procountor connection.")]
DryRun = Annotated[bool, typer.Option("--dry-run", help="Show the matches; bind nothing.")]
ShowAll = Annotated[bool, typer.Option("--all", help="List every unmatched Procountor record.")]


def _open(ctx: typer.Context, connection: str) -> FlowContext:
    """The connection's flow context; tests pass a :class:`Runtime` as the click context object
    to reach an in-process sandbox through its transport."""
    rt = ctx.find_object(Runtime) or runtime()
    return open_connection(rt, connection)


def _run(action: str, call: Callable[[], Any]) -> Any:
    try:
        return call()
    except (LookupError, BindRefused) as exc:
        raise fail(str(exc)) from exc
    except RemoteError as exc:
        raise fail(describe_failure(exc, action)) from exc


# -- customers ----------------------------------------------------------------------------------
@customers_app.command("fetch")
def customers_fetch(
    ctx: typer.Context, connection: Connection, dry_run: DryRun = False, show_all: ShowAll = False
) -> None:
    """Read every Procountor customer and bind the hub's parties to them: by business ID, then
    customer number, then name."""
    context = _open(ctx, connection)
    report: RegisterReport = _run(
        "read the customers", lambda: fetch_customers(context, bind=not dry_run)
    )
    _print_report(report, "party", "customers bind", connection, show_all)


@customers_app.command("bind")
def customers_bind(
    ctx: typer.Context,
    party_ref: Annotated[str, typer.Argument(help="The party's key in the ERP (customer code).")],
    procountor_id: Annotated[int, typer.Argument(help="The Procountor business partner id.")],
    connection: Connection,
) -> None:
    """Bind a party to a Procountor customer by hand (replacing an earlier binding)."""
    context = _open(ctx, connection)
    result: BindResult = _run(
        "read the customer",
        lambda: bind_party(context, party_ref=party_ref, procountor_id=procountor_id),
    )
    _print_bind(result, "party")


# -- products -----------------------------------------------------------------------------------
@products_app.command("fetch")
def products_fetch(
    ctx: typer.Context, connection: Connection, dry_run: DryRun = False, show_all: ShowAll = False
) -> None:
    """Read every Procountor sales product and bind the hub's products: by code, then name."""
    context = _open(ctx, connection)
    report: RegisterReport = _run(
        "read the products", lambda: fetch_products(context, bind=not dry_run)
    )
    _print_report(report, "product", "products bind", connection, show_all)


@products_app.command("bind")
def products_bind(
    ctx: typer.Context,
    product_code: Annotated[str, typer.Argument(help="The product's code in the ERP.")],
    procountor_id: Annotated[int, typer.Argument(help="The Procountor product id.")],
    connection: Connection,
) -> None:
    """Bind a product to a Procountor sales product by hand (replacing an earlier binding)."""
    context = _open(ctx, connection)
    result: BindResult = _run(
        "read the product",
        lambda: bind_product(context, product_code=product_code, procountor_id=procountor_id),
    )
    _print_bind(result, "product")


# -- output -------------------------------------------------------------------------------------
def _print_report(
    report: RegisterReport, noun: str, bind_command: str, connection: str, show_all: bool
) -> None:
    verb = "bound" if report.bound else "would be bound (dry run)"
    console.print(
        f"{report.fetched} Procountor {report.register} read: {len(report.matched)} {verb}, "
        f"{len(report.already_bound)} bound before, {len(report.ambiguous)} ambiguous, "
        f"{len(report.unmatched_local)} {noun} records without a match, "
        f"{len(report.unmatched_remote)} Procountor {report.register} matching nothing."
    )
    if report.matched:
        table = Table(noun, "name", "Procountor id", "Procountor name", "matched by")
        for line in report.matched:
            table.add_row(
                line.local_ref, line.local_name, line.external_id, line.external_name, line.by
            )
        console.print(table)
    if report.ambiguous:
        console.print(
            f"[yellow]Ambiguous[/yellow] (bind by hand: `tilisilta procountor {bind_command} "
            f"--connection {connection} REF ID`):"
        )
        for item in report.ambiguous:
            options = ", ".join(f"{cid} {cname}" for cid, cname in item.candidates)
            console.print(f"  {item.local_ref} {item.local_name}: {item.reason} ({options})")
    if report.unmatched_local:
        console.print(
            f"Without a match in Procountor (created there when the connection's create option "
            f"is on): {', '.join(f'{ref} {name}' for ref, name in report.unmatched_local)}"
        )
    if report.unmatched_remote:
        shown = report.unmatched_remote if show_all else report.unmatched_remote[:SHOWN]
        rest = len(report.unmatched_remote) - len(shown)
        more = f" … and {rest} more (--all lists them)" if rest else ""
        listed = ", ".join(f"{rid} {name}" for rid, name in shown)
        console.print(f"Procountor {report.register} matching nothing here: {listed}{more}")


def _print_bind(result: BindResult, noun: str) -> None:
    console.print(
        f"Bound {noun} {result.local_ref} ({result.local_name}) to Procountor "
        f"{result.external_id} ({result.external_name})."
    )
    if result.replaced:
        console.print(f"  It was bound to Procountor {result.replaced} before.")
    if result.released:
        console.print(f"  {noun.capitalize()} {result.released} is no longer bound to it.")


procountor_app = typer.Typer(
    help="Procountor registers: customers and products.", no_args_is_help=True
)
procountor_app.add_typer(customers_app, name="customers")
procountor_app.add_typer(products_app, name="products")
