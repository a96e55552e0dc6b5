"""Scale-out on PostgreSQL: scheduled runs as procrastinate jobs, for any number of workers.

The scheduler claims a due schedule and defers its job in one transaction (the row says
``queued``; neither happens without the other). A job names only the schedule: the worker
takes the schedule's claim (so the same job delivered twice runs once), runs its flows and
records the run, as the embedded runner does. Jobs of one connection, or of one remote account
that takes one request at a time (Netvisor), share a procrastinate lock and so run one after
another across every machine; a schedule has at most one job waiting (its queueing lock). The
scheduler also hands back to the queue the jobs of workers that stopped sending heartbeats.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import procrastinate
import structlog
from procrastinate import exceptions as queue_errors
from procrastinate import sql as queue_sql
from sqlalchemy import inspect, update
from sqlalchemy.engine import make_url

from tilisilta.clock import Clock
from tilisilta.connectors.registry import connector
from tilisilta.jobs import schedules
from tilisilta.jobs.execute import ContextOpener, RunOutcome, execute
from tilisilta.jobs.schedules import QUEUED, Claim, due_claims
from tilisilta.ledger.leases import current_owner
from tilisilta.store.engine import Store
from tilisilta.store.models import Schedule

log = structlog.get_logger(__name__)

QUEUE = "tilisilta"
TASK = "tilisilta.run_schedule"
QUEUED_FOR = timedelta(hours=1)  # a queued claim lapses (and is queued again) after this


def conninfo(store: Store) -> str:
    """The store's PostgreSQL URL in the form libpq (and so procrastinate) reads."""
    url = make_url(store.url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def has_queue_schema(store: Store) -> bool:
    return "procrastinate_jobs" in inspect(store.engine).get_table_names()


def install_queue_schema(store: Store) -> bool:
    """Create procrastinate's tables and functions if missing (with the database upgrade)."""
    if store.engine.dialect.name != "postgresql" or has_queue_schema(store):
        return False
    schema = procrastinate.schema.SchemaManager.get_schema()
    with store.engine.begin() as conn:
        conn.exec_driver_sql(schema.replace("%", "%%"))
    return True


# -- the worker's side ------------------------------------------------------------------------
@dataclass
class WorkerEnvironment:
    """What a job needs to run a schedule in this process (set before the worker starts)."""

    store: Store
    clock: Clock
    open_context: ContextOpener
    lease: timedelta
    stalled_after: float = 30.0  # seconds of silence after which a worker is taken for dead
    stop: threading.Event = field(default_factory=threading.Event)
    owner: str = field(default_factory=current_owner)
    on_run: Callable[[Claim, RunOutcome], None] | None = None


_environment: WorkerEnvironment | None = None


def run_schedule(schedule_id: int) -> None:
    """The job: run schedule ``schedule_id`` unless a live process holds it already."""
    env = _environment
    if env is None:  # a worker started by other means than the hub's own
        raise RuntimeError("the worker was started without its environment")
    claim = schedules.take(env.store, schedule_id, env.owner, env.clock.now(), env.lease)
    if claim is None:
        log.info("schedule held by another process; this job ends", schedule_id=schedule_id)
        return
    outcome = execute(
        claim, env.open_context, env.store, env.clock, env.owner, lease=env.lease, stop=env.stop
    )
    if env.on_run is not None:
        env.on_run(claim, outcome)


def queue_app(store: Store, *, sync: bool) -> procrastinate.App:
    """The procrastinate app over the store's database, with the one task the hub defers."""
    if sync:
        queue_connector: Any = procrastinate.SyncPsycopgConnector(
            conninfo=conninfo(store), min_size=1, max_size=2
        )
    else:
        queue_connector = procrastinate.PsycopgConnector(conninfo=conninfo(store))
    app = procrastinate.App(connector=queue_connector)
    app.task(name=TASK, queue=QUEUE, pass_context=False)(run_schedule)
    return app


def run_worker(env: WorkerEnvironment, *, concurrency: int, until_empty: bool = False) -> None:
    """Run jobs until ``env.stop`` is set (or, with ``until_empty``, until none is left).
    A stop lets the runs under way finish their document and record themselves."""
    global _environment
    _environment = env
    app = queue_app(env.store, sync=False)

    async def work(wait: bool) -> None:
        async with app.open_async():
            worker = asyncio.create_task(
                app.run_worker_async(
                    queues=[QUEUE],
                    concurrency=concurrency,
                    wait=wait,
                    install_signal_handlers=False,
                    name=env.owner,
                    listen_notify=wait,
                    fetch_job_polling_interval=1.0,
                    update_heartbeat_interval=env.stalled_after / 3,
                    stalled_worker_timeout=env.stalled_after,
                )
            )
            loop = asyncio.get_running_loop()
            finished = threading.Event()

            def cancel_on_stop() -> None:
                while not finished.is_set():
                    if env.stop.wait(0.2):
                        loop.call_soon_threadsafe(worker.cancel)
                        return

            watcher = threading.Thread(target=cancel_on_stop, daemon=True)
            watcher.start()
            try:
                await worker
            except asyncio.CancelledError:
                pass
            finally:
                finished.set()
                watcher.join()

    if not until_empty:
        asyncio.run(work(wait=True))
        return
    # A worker that finds nothing to fetch stops, and a job waiting for its lock is not
    # fetched: go round while a job could run (one whose lock is free).
    while runnable_jobs(env.store) and not env.stop.is_set():
        asyncio.run(work(wait=False))


def runnable_jobs(store: Store) -> int:
    """The hub's jobs waiting to run whose lock no running job holds."""
    with store.engine.connect() as conn:
        found = conn.exec_driver_sql(
            "SELECT count(*) FROM procrastinate_jobs waiting WHERE waiting.queue_name = "
            "%(queue)s AND waiting.status = 'todo' AND NOT EXISTS (SELECT 1 FROM "
            "procrastinate_jobs running WHERE running.status = 'doing' "
            "AND running.lock = waiting.lock)",
            {"queue": QUEUE},
        ).scalar()
    return int(found or 0)


# -- the scheduler's side ---------------------------------------------------------------------
def job_lock(open_context: ContextOpener, claim: Claim) -> str:
    """The lock the job runs under: the kind's own (one remote account) or the connection's."""
    lock = connector(claim.kind).job_lock
    if lock is None:
        return f"connection:{claim.connection_id}"
    return lock(open_context(claim.connection))


@dataclass
class Scheduler:
    """Queues due schedules as jobs, and hands stalled jobs back to the queue."""

    store: Store
    clock: Clock
    open_context: ContextOpener
    stalled_after: float = 30.0  # seconds without a worker's heartbeat
    tick_seconds: float = 1.0
    stop: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self.app = queue_app(self.store, sync=True)
        self._last_stall_check: datetime | None = None

    def run_until_stopped(self) -> None:
        with self.app.open():
            while not self.stop.is_set():
                self.tick()
                self.stop.wait(self.tick_seconds)

    def run_once(self) -> list[Claim]:
        with self.app.open():
            return self.tick()

    def tick(self) -> list[Claim]:
        now = self.clock.now()
        if self._last_stall_check is None or now - self._last_stall_check >= timedelta(
            seconds=self.stalled_after / 2
        ):
            self.retry_stalled()
            self._last_stall_check = now
        return self.queue_due(now)

    def queue_due(self, now: datetime) -> list[Claim]:
        """Each due schedule of a tested connection: claimed as queued and its job deferred,
        in one transaction; rows another scheduler is queueing are skipped, not waited for."""
        queued: list[Claim] = []
        with self.store.session() as session:
            claims = due_claims(session, now, for_update=True)
            raw = session.connection().connection.driver_connection
            assert raw is not None  # a live psycopg connection inside the transaction
            for claim in claims:
                try:
                    lock = job_lock(self.open_context, claim)
                except (LookupError, ValueError) as exc:
                    log.warning("schedule not queued", schedule=claim.name, error=str(exc))
                    continue
                # Its job may wait already (a claim that lapsed in a long queue): then only
                # the claim below is renewed.
                with contextlib.suppress(queue_errors.AlreadyEnqueued), raw.transaction():
                    self.app.configure_task(
                        TASK,
                        lock=lock,
                        queueing_lock=f"schedule:{claim.schedule_id}",
                        connection=raw,
                    ).defer(schedule_id=claim.schedule_id)
                session.execute(
                    update(Schedule)
                    .where(Schedule.id == claim.schedule_id)
                    .values(claimed_by=QUEUED, claimed_until=now + QUEUED_FOR)
                )
                queued.append(claim)
        return queued

    def retry_stalled(self) -> int:
        """Jobs left `doing` by a worker that stopped sending heartbeats go back to the queue
        (a schedule whose job waits already loses the older one: the newer runs it)."""
        sync = self.app.connector.get_sync_connector()
        stalled = sync.execute_query_all(
            query=queue_sql.queries["select_stalled_jobs_by_heartbeat"],
            queue=QUEUE,
            task_name=TASK,
            seconds_since_heartbeat=self.stalled_after,
        )
        for job in stalled:
            try:
                self.app.job_manager.retry_job_by_id(job["id"], retry_at=self.clock.now())
            except queue_errors.ConnectorException:
                sync.execute_query(
                    query=queue_sql.queries["finish_job"],
                    job_id=job["id"],
                    status="failed",
                    delete_job=False,
                )
            log.warning("stalled job handed back", job_id=job["id"], lock=job["lock"])
        return len(stalled)
