"""`tilisilta schedule …` (see, change, run now) and `tilisilta run` (the runner)."""

from __future__ import annotations

import signal
import threading
from datetime import datetime
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from tilisilta.cli.guard import COULD_NOT_RUN
from tilisilta.cli.runtime import Runtime, console, err, fail, runtime
from tilisilta.connectors.base import FlowContext
from tilisilta.http.jsonwire import encode_json
from tilisilta.jobs import schedules
from tilisilta.jobs.execute import ContextOpener, RunOutcome
from tilisilta.jobs.schedules import Claim
from tilisilta.jobs.timing import TimingError, check_cron, parse_every
from tilisilta.store.companies import NotFound

schedule_app = typer.Typer(
    help="Scheduled actions of each connection: see them, change them, run one now.",
    no_args_is_help=True,
)


def opener(rt: Runtime) -> ContextOpener:
    from tilisilta.connectors.registry import open_context

    def open_named(name: str) -> FlowContext:
        return open_context(rt.store, rt.box, rt.clock, rt.settings, name, transport=rt.transport)

    return open_named


def _when(moment: datetime | None) -> str:
    return "-" if moment is None else moment.strftime("%Y-%m-%d %H:%M:%S")


def _last(view: schedules.ScheduleView) -> str:
    if view.last_outcome is None:
        return "never run"
    counts = ", ".join(f"{k} {v}" for k, v in view.last_counts.items() if v)
    text = f"{view.last_outcome} at {_when(view.last_finished_at)}"
    if counts:
        text += f" ({counts})"
    if view.last_error:
        text += f": {view.last_error}"
    return text


def _next(view: schedules.ScheduleView) -> str:
    if not view.enabled:
        return "disabled" + (" (run now asked)" if view.run_requested else "")
    if not view.ready:
        return "waits for a connection test"
    if view.running:
        return f"running since {_when(view.last_started_at)}"
    return _when(view.next_run_at) + (" (run now asked)" if view.run_requested else "")


@schedule_app.command("list")
def schedule_list(
    connection: Annotated[str | None, typer.Option(help="Only this connection.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="For scripts: the same as JSON.")] = False,
) -> None:
    """Every connection's scheduled actions: timing, next run (UTC), last run and its result."""
    rt = runtime()
    try:
        with rt.store.session() as session:
            shown = schedules.views(session, rt.clock.now(), connection)
    except NotFound as exc:
        raise fail(str(exc)) from exc
    if as_json:
        print(encode_json([v.as_json() for v in shown], indent=2).decode())
        return
    if not shown:
        console.print("No schedules: add a connection first (`tilisilta connection list`).")
        return
    print_schedules(shown)


def print_schedules(shown: list[schedules.ScheduleView], title: str | None = None) -> None:
    table = Table("connection", "schedule", "timing", "next run (UTC)", "last run", title=title)
    for v in shown:
        table.add_row(v.connection, v.name, v.timing, _next(v), escape(_last(v)))
    console.print(table)
    untested = sorted({v.connection for v in shown if not v.ready})
    for name in untested:
        console.print(
            f"Connection {name} runs no schedule until it works: "
            f"`tilisilta connection test {name}`."
        )


@schedule_app.command("set")
def schedule_set(
    connection: str,
    name: Annotated[str, typer.Argument(help="The schedule, e.g. fetch_payments.")],
    every: Annotated[
        str | None, typer.Option(help="Run every so long: 90s, 15m, 2h or 1d.")
    ] = None,
    cron: Annotated[
        str | None,
        typer.Option(help="Run by a cron expression in Finnish time, e.g. '0 6 * * 1-5'."),
    ] = None,
    enabled: Annotated[
        bool | None, typer.Option("--enable/--disable", help="Turn the schedule on or off.")
    ] = None,
) -> None:
    """Change when a scheduled action runs, or turn it on or off."""
    if every is None and cron is None and enabled is None:
        raise fail("say what to change: --every, --cron, --enable or --disable", code=2)
    if every is not None and cron is not None:
        raise fail("give --every or --cron, not both", code=2)
    try:
        interval = parse_every(every) if every is not None else None
        expression = check_cron(cron) if cron is not None else None
    except TimingError as exc:
        raise fail(str(exc), code=2) from exc
    rt = runtime()
    now = rt.clock.now()
    try:
        with rt.store.session() as session:
            row = schedules.find(session, connection, name, now)
            schedules.change(row, now, enabled=enabled, interval_seconds=interval, cron=expression)
            view = next(v for v in schedules.views(session, now, connection) if v.name == name)
    except NotFound as exc:
        raise fail(str(exc)) from exc
    state = "enabled" if view.enabled else "disabled"
    console.print(f"{connection} {name}: {state}, {view.timing}; next run {_next(view)}")


@schedule_app.command("run")
def schedule_run(
    connection: str,
    name: Annotated[str, typer.Argument(help="The schedule, e.g. fetch_payments.")],
    background: Annotated[
        bool,
        typer.Option(
            "--in-background", help="Ask the running runner (`tilisilta run`) to run it soon."
        ),
    ] = False,
) -> None:
    """Run a scheduled action now, here (or, with --in-background, by the runner). It runs
    even when disabled; a run already under way elsewhere is not started twice."""
    from tilisilta.jobs.execute import execute
    from tilisilta.ledger.leases import current_owner

    rt = runtime()
    now = rt.clock.now()
    try:
        with rt.store.session() as session:
            row = schedules.find(session, connection, name, now)
            row.run_requested = True
            schedule_id = row.id
    except NotFound as exc:
        raise fail(str(exc)) from exc
    if background:
        console.print(f"{connection} {name}: asked; the runner starts it within a few seconds.")
        return
    owner = current_owner()
    lease = rt.settings.schedule_lease
    claim = schedules.take(rt.store, schedule_id, owner, rt.clock.now(), lease)
    if claim is None:
        raise fail(
            f"{connection} {name} is running already (see `tilisilta schedule list`); "
            "it was not started twice"
        )
    outcome = execute(claim, opener(rt), rt.store, rt.clock, owner, lease=lease)
    print_run(claim, outcome)
    if outcome.outcome != "ok":
        raise typer.Exit(COULD_NOT_RUN)


def print_run(claim: Claim, outcome: RunOutcome) -> None:
    counts = ", ".join(f"{k} {v}" for k, v in outcome.counts.items() if v)
    colour = {"ok": "green", "stopped": "yellow"}.get(outcome.outcome, "red")
    line = f"{claim.connection} {claim.name}: [{colour}]{outcome.outcome}[/{colour}]"
    if counts:
        line += f" ({counts})"
    if outcome.error:
        line += f": {escape(outcome.error)}"
    console.print(line)


def run(
    once: Annotated[
        bool, typer.Option("--once", help="Run what is due now, then stop (for cron).")
    ] = False,
    no_worker: Annotated[
        bool,
        typer.Option(
            "--no-worker",
            help="Only schedule: leave the work to `tilisilta worker` processes (PostgreSQL).",
        ),
    ] = False,
    threads: Annotated[int, typer.Option(min=1, max=32, help="Schedules run at once.")] = 4,
) -> None:
    """Run the schedules unattended until stopped (Ctrl+C or SIGTERM): on the embedded
    database, in this one process; on PostgreSQL, as jobs for workers."""
    rt = runtime()
    if rt.store.engine.dialect.name != "postgresql":
        if no_worker:
            raise fail(
                "--no-worker hands the work to `tilisilta worker` processes, which need "
                "PostgreSQL: set TILISILTA_DATABASE_URL (docs/running.md)",
                code=2,
            )
        _run_embedded(rt, once=once, threads=threads)
        return
    from tilisilta.cli.workers import run_queued

    run_queued(rt, once=once, with_worker=not no_worker, threads=threads)


def _run_embedded(rt: Runtime, *, once: bool, threads: int) -> None:
    from tilisilta.jobs.embedded import Runner

    runner = Runner(
        rt.store,
        rt.clock,
        opener(rt),
        threads=threads,
        lease=rt.settings.schedule_lease,
        on_run=print_run,
    )
    if once:
        ran = runner.run_once()
        if not ran:
            console.print("Nothing was due.")
        if any(o.outcome != "ok" for _, o in ran):
            raise typer.Exit(COULD_NOT_RUN)
        return
    stop_on_signals(runner.stop)
    where = rt.store.engine.url.render_as_string(hide_password=True)
    console.print(f"Running the schedules on {where}; Ctrl+C or SIGTERM stops cleanly.")
    runner.run_until_stopped()
    console.print("Stopped.")


def stop_on_signals(stop: threading.Event) -> None:
    """The first SIGTERM or Ctrl+C asks for a clean stop; a second one stops at once (safe:
    what was under way is reconciled by the next run)."""

    def handle(signum: int, _frame: object) -> None:
        if stop.is_set():
            err.print("Stopping at once.")
            raise SystemExit(COULD_NOT_RUN)
        err.print("Stopping: finishing the documents under way (again to stop at once)…")
        stop.set()

    signal.signal(signal.SIGTERM, handle)
    signal.signal(signal.SIGINT, handle)
