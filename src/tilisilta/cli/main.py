"""`tilisilta`: the command-line interface. Each command is a thin shell over a flow.

A command's module is imported when the command runs, not when the program starts: `tilisilta
log` pays for the log and the database, not for every connector, the sandboxes and Alembic. The
group below knows each command's name, where it lives and its one-line help (``COMMANDS``), and
each kind of connection's own commands by the kinds' names (``connectors/kinds.py``) and the
help of the built-in ones (``KIND_HELP``), so `tilisilta --help` imports none of them.
``tests/unit/test_cli_startup.py`` holds the help lines here to the commands' own.
"""

from __future__ import annotations

import importlib
from difflib import get_close_matches
from typing import Any, NamedTuple

import typer
from typer.core import TyperCommand
from typer.exceptions import TyperException

from tilisilta.cli.guard import GuardedGroup
from tilisilta.connectors.kinds import kinds


class Lazy(NamedTuple):
    target: str  # "module:attribute": a typer app (a group of commands) or a command function
    help: str  # the first paragraph of its help, as the command itself has it


COMMANDS = {
    "log": Lazy(
        "tilisilta.cli.exchanges:show_log", "The exchanges, newest first, with their error text."
    ),
    "status": Lazy(
        "tilisilta.cli.status:show_status",
        "What is unsent, what waits for a retry, open data issues and refusals, what was sent\n"
        "and received today, and each schedule's last and next run, per company and connection.",
    ),
    "settings": Lazy(
        "tilisilta.cli.settings_view:show_settings",
        "The settings in effect (environment variables TILISILTA_…), each with its source and\n"
        "meaning; secret keys by their last four characters. Change one by setting its variable.",
    ),
    "demo": Lazy(
        "tilisilta.cli.demo:demo",
        "Run the main job on the embedded default: SQLite plus the Odoo and Procountor sandboxes.",
    ),
    "run": Lazy(
        "tilisilta.cli.schedules:run",
        "Run the schedules unattended until stopped (Ctrl+C or SIGTERM): on the embedded\n"
        "database, in this one process; on PostgreSQL, as jobs for workers.",
    ),
    "worker": Lazy(
        "tilisilta.cli.workers:worker",
        "Run the scheduled work that `tilisilta run --no-worker` queues in PostgreSQL; start as\n"
        "many as you like, on any machines. Ctrl+C or SIGTERM stops after the documents under way.",
    ),
    "db": Lazy("tilisilta.cli.database:db_app", "The hub's own database."),
    "company": Lazy(
        "tilisilta.cli.companies:company_app", "Companies (tenants), one per business ID."
    ),
    "connection": Lazy(
        "tilisilta.cli.companies:connection_app", "Links of a company to external systems."
    ),
    "secrets": Lazy("tilisilta.cli.companies:secrets_app", "Encryption of stored credentials."),
    "import": Lazy("tilisilta.cli.sending:import_app", "Read documents from files."),
    "send": Lazy("tilisilta.cli.sending:send_app", "Deliver documents to a connection."),
    "exchange": Lazy("tilisilta.cli.exchanges:exchange_app", "One delivery of one document."),
    "fetch": Lazy("tilisilta.cli.payments:fetch_app", "Read documents from a connection."),
    "schedule": Lazy(
        "tilisilta.cli.schedules:schedule_app",
        "Scheduled actions of each connection: see them, change them, run one now.",
    ),
    "sandbox": Lazy(
        "tilisilta.cli.sandbox:sandbox_app", "Local imitations of the external systems."
    ),
}

# The help of the built-in kinds' own commands (named by each kind's ``Connector.commands``); a
# kind missing here is imported to be listed.
KIND_HELP = {
    "netvisor": "Netvisor: purchase invoices, products, sent invoices.",
    "odoo": "Odoo as the ERP: pull invoices, push payments, book purchase invoices.",
    "procountor": "Procountor registers: customers and products.",
}


def load(name: str) -> Any:
    """The command ``name`` itself, its module imported now; None when there is none."""
    if name in COMMANDS:
        target: str | None = COMMANDS[name].target
    elif name in kinds():
        from tilisilta.connectors.registry import connector

        target = connector(name).commands
    else:
        return None
    if target is None:
        return None
    module, _, attribute = target.partition(":")
    found = getattr(importlib.import_module(module), attribute)
    if isinstance(found, typer.Typer):
        command: Any = typer.main.get_group(found)
    else:
        single = typer.Typer(add_completion=False)
        single.command(name)(found)
        command = typer.main.get_command(single)
    command.name = name
    return command


class LazyGroup(GuardedGroup):
    """The top-level group: commands listed by name and help, imported when one runs."""

    listing = False  # inside format_help: commands are shown, not run

    def list_commands(self, ctx: Any) -> list[str]:
        return [*COMMANDS, *kinds()]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name in self.commands:
            return self.commands[cmd_name]
        shown = COMMANDS[cmd_name].help if cmd_name in COMMANDS else KIND_HELP.get(cmd_name)
        if self.listing and shown is not None:
            return TyperCommand(cmd_name, help=shown)
        command = load(cmd_name)
        if command is not None:
            self.commands[cmd_name] = command
        return command

    def format_help(self, ctx: Any, formatter: Any) -> None:
        self.listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self.listing = False

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        try:
            return super().resolve_command(ctx, args)
        except TyperException as exc:  # suggest among every command, not only those loaded
            matches = get_close_matches(args[0], self.list_commands(ctx)) if args else []
            if matches and "Did you mean" not in exc.message:
                suggestions = ", ".join(f"{m!r}" for m in matches)
                exc.message = f"{exc.message.rstrip('.')}. Did you mean {suggestions}?"
            raise


app = typer.Typer(
    help="Tilisilta moves business documents exactly once between your ERP and "
    "Procountor, Netvisor and Procuros. Exit codes: 0 done, 1 could not run, 2 wrong command "
    "line, 3 finished with documents left for a person.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    cls=LazyGroup,
)


@app.callback()
def main() -> None:
    """Nothing to do before a command runs (typer needs a callback to make a group of none)."""
