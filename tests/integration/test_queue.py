"""Scale-out on PostgreSQL: schedules queued as procrastinate jobs in the same transaction as
their claim, run by workers once each, serialized per connection (per Netvisor company), and
stalled jobs handed back."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from tests.factories import batch
from tests.hub import TestHub, open_netvisor
from tilisilta.clock import ManualClock
from tilisilta.connectors import registry
from tilisilta.crypto import SecretBox
from tilisilta.jobs import queue
from tilisilta.jobs.queue import Scheduler, WorkerEnvironment, run_worker
from tilisilta.settings import Settings
from tilisilta.store.engine import Store
from tilisilta.store.models import Schedule

pytestmark = pytest.mark.postgres


@pytest.fixture
def qhub(
    pg_store: Store, box: SecretBox, clock: ManualClock, settings: Settings, procountor: Any
) -> TestHub:
    hub = TestHub(pg_store, box, clock, settings).connect_procountor(procountor)
    check = registry.connector("procountor").test_connection(hub.context("pc"))
    assert check.ok
    return hub


def jobs(store: Store) -> list[dict[str, Any]]:
    with store.engine.connect() as conn:
        rows = conn.execute(
            text("SELECT id, status, lock, queueing_lock, args FROM procrastinate_jobs ORDER BY id")
        ).mappings()
        return [dict(r) for r in rows]


def scheduler(hub: TestHub) -> Scheduler:
    return Scheduler(hub.store, hub.clock, lambda name: hub.context(name))


def environment(hub: TestHub, **kwargs: Any) -> WorkerEnvironment:
    return WorkerEnvironment(
        hub.store, hub.clock, lambda name: hub.context(name), hub.settings.schedule_lease, **kwargs
    )


def test_due_schedules_are_queued_once_with_the_connections_lock(qhub: TestHub) -> None:
    queued = scheduler(qhub).run_once()
    assert sorted(c.name for c in queued) == ["fetch_payments", "send_unsent"]
    found = jobs(qhub.store)
    assert [j["status"] for j in found] == ["todo", "todo"]
    assert {j["lock"] for j in found} == {f"connection:{queued[0].connection_id}"}
    assert {j["queueing_lock"] for j in found} == {f"schedule:{c.schedule_id}" for c in queued}
    # a job names its schedule and nothing else: no document, setting or secret
    assert sorted(j["args"]["schedule_id"] for j in found) == sorted(c.schedule_id for c in queued)
    assert all(list(j["args"]) == ["schedule_id"] for j in found)
    with qhub.store.session() as session:
        assert set(session.scalars(select(Schedule.claimed_by))) == {queue.QUEUED}
    # a second scheduler, or the next tick, queues nothing more for the same period
    assert scheduler(qhub).run_once() == [] and len(jobs(qhub.store)) == 2
    # a queued claim that lapsed while its job still waits: the claim is renewed, no new job
    with qhub.store.session() as session:
        for row in session.scalars(select(Schedule)):
            row.claimed_until = qhub.clock.now() - timedelta(seconds=1)
    assert len(scheduler(qhub).run_once()) == 2 and len(jobs(qhub.store)) == 2


def test_workers_run_the_queued_schedules_and_record_them(qhub: TestHub, tmp_path: Path) -> None:
    qhub.import_invoices(batch(5), tmp_path)
    scheduler(qhub).run_once()
    run_worker(environment(qhub), concurrency=2, until_empty=True)
    assert qhub.procountor is not None and len(qhub.procountor.invoices()) == 5
    assert [j["status"] for j in jobs(qhub.store)] == ["succeeded", "succeeded"]
    with qhub.store.session() as session:
        rows = session.scalars(select(Schedule)).all()
    assert {(r.name, r.last_outcome, r.runs, r.claimed_by) for r in rows} == {
        ("send_unsent", "ok", 1, None),
        ("fetch_payments", "ok", 1, None),
    }


def test_the_same_job_delivered_twice_at_once_runs_once(qhub: TestHub, tmp_path: Path) -> None:
    qhub.import_invoices(batch(3), tmp_path)
    scheduler(qhub).run_once()
    with qhub.store.session() as session:
        send_id = session.scalar(select(Schedule.id).where(Schedule.name == "send_unsent"))
    assert send_id is not None
    queue._environment = environment(qhub)
    start = threading.Barrier(2)

    def deliver() -> None:
        start.wait()
        queue.run_schedule(send_id)

    twice = [threading.Thread(target=deliver) for _ in range(2)]
    for t in twice:
        t.start()
    for t in twice:
        t.join()
    with qhub.store.session() as session:
        assert session.get_one(Schedule, send_id).runs == 1
    assert qhub.procountor is not None and len(qhub.procountor.invoices()) == 3


def test_a_stalled_job_goes_back_to_the_queue_and_runs(qhub: TestHub, tmp_path: Path) -> None:
    qhub.import_invoices(batch(2), tmp_path)
    scheduler(qhub).run_once()
    with qhub.store.engine.begin() as conn:  # a worker took a job, then died without a trace
        dead = conn.execute(
            text(
                "INSERT INTO procrastinate_workers (last_heartbeat) "
                "VALUES (NOW() - INTERVAL '10 minutes') RETURNING id"
            )
        ).scalar_one()
        conn.execute(
            text(
                "UPDATE procrastinate_jobs SET status = 'doing', worker_id = :w "
                "WHERE id = (SELECT min(id) FROM procrastinate_jobs)"
            ),
            {"w": dead},
        )
    assert [j["status"] for j in jobs(qhub.store)] == ["doing", "todo"]
    # its connection's other job cannot start: the lock is held by the dead worker's job
    run_worker(environment(qhub), concurrency=2, until_empty=True)
    assert qhub.procountor is not None and qhub.procountor.invoices() == []
    tick = scheduler(qhub)
    with tick.app.open():
        assert tick.retry_stalled() == 1
    assert {j["status"] for j in jobs(qhub.store)} == {"todo"}
    run_worker(environment(qhub), concurrency=2, until_empty=True)
    assert qhub.procountor is not None and len(qhub.procountor.invoices()) == 2


def test_a_netvisor_companys_jobs_share_one_lock_across_connections(
    pg_store: Store, box: SecretBox, clock: ManualClock, settings: Settings
) -> None:
    netvisor = open_netvisor(clock)
    hub = TestHub(pg_store, box, clock, settings).connect_netvisor(netvisor, name="nv")
    hub.connect_netvisor(netvisor, name="nv-copy")  # a second connection to the same company
    for name in ("nv", "nv-copy"):
        assert registry.connector("netvisor").test_connection(hub.context(name)).ok
    scheduler(hub).run_once()
    locks = {j["lock"] for j in jobs(pg_store)}
    assert len(jobs(pg_store)) == 6 and len(locks) == 1
    assert locks.pop().startswith("netvisor:")


@pytest.fixture
def no_environment() -> Iterator[None]:
    yield
    queue._environment = None
