"""`tilisilta worker` and `tilisilta run` on PostgreSQL: the work as procrastinate jobs."""

from __future__ import annotations

import threading
from typing import Annotated

import typer

from tilisilta.cli.runtime import Runtime, console, fail, runtime
from tilisilta.cli.schedules import opener, print_run, stop_on_signals


def _queue_ready(rt: Runtime) -> None:
    from tilisilta.jobs.queue import has_queue_schema

    if rt.store.engine.dialect.name != "postgresql":
        raise fail(
            "workers take their jobs from PostgreSQL: set TILISILTA_DATABASE_URL to a "
            "PostgreSQL database (docs/running.md); on the embedded database `tilisilta run` "
            "does the work itself"
        )
    if not has_queue_schema(rt.store):
        raise fail("the job queue is not installed in this database: run `tilisilta db upgrade`")


def run_queued(rt: Runtime, *, once: bool, with_worker: bool, threads: int) -> None:
    """Schedule (and, unless ``with_worker`` is off, work) until stopped."""
    from tilisilta.jobs.queue import Scheduler

    _queue_ready(rt)
    scheduler = Scheduler(
        rt.store, rt.clock, opener(rt), stalled_after=rt.settings.stalled_worker_seconds
    )
    if once:
        queued = scheduler.run_once()
        console.print(f"Queued {len(queued)} scheduled runs.")
        if with_worker:
            _work(rt, threads, scheduler.stop, until_empty=True)
        return
    stop_on_signals(scheduler.stop)
    where = rt.store.engine.url.render_as_string(hide_password=True)
    if not with_worker:
        console.print(f"Scheduling on {where} for `tilisilta worker`; Ctrl+C or SIGTERM stops.")
        scheduler.run_until_stopped()
        console.print("Stopped.")
        return
    console.print(f"Scheduling and working on {where}; Ctrl+C or SIGTERM stops cleanly.")
    beat = threading.Thread(target=scheduler.run_until_stopped, name="scheduler", daemon=True)
    beat.start()
    _work(rt, threads, scheduler.stop)
    beat.join()
    console.print("Stopped.")


def _work(rt: Runtime, threads: int, stop: threading.Event, *, until_empty: bool = False) -> None:
    from tilisilta.jobs.queue import WorkerEnvironment, run_worker

    env = WorkerEnvironment(
        rt.store,
        rt.clock,
        opener(rt),
        rt.settings.schedule_lease,
        stalled_after=rt.settings.stalled_worker_seconds,
        stop=stop,
        on_run=print_run,
    )
    run_worker(env, concurrency=threads, until_empty=until_empty)


def worker(
    threads: Annotated[int, typer.Option(min=1, max=32, help="Jobs run at once.")] = 4,
    until_empty: Annotated[
        bool, typer.Option("--until-empty", help="Stop when no job is left (for scripts).")
    ] = False,
) -> None:
    """Run the scheduled work that `tilisilta run --no-worker` queues in PostgreSQL; start as
    many as you like, on any machines. Ctrl+C or SIGTERM stops after the documents under way."""
    rt = runtime()
    _queue_ready(rt)
    stop = threading.Event()
    if not until_empty:
        stop_on_signals(stop)
        console.print("Working; Ctrl+C or SIGTERM stops cleanly.")
    _work(rt, threads, stop, until_empty=until_empty)
