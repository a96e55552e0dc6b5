"""`tilisilta run` and `tilisilta worker` as a user runs them, against the Procountor sandbox
served on loopback: a SIGTERM stops cleanly with nothing half-sent, a SIGKILL loses nothing, and
on PostgreSQL a killed worker's job is taken up by another worker. Every invoice ends in
Procountor exactly once."""

from __future__ import annotations

import signal
import sqlite3
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from tests.conftest import _postgres_database
from tests.reliability.processes import Hub, served, wait_until
from tilisilta.store.engine import Store

pytestmark = pytest.mark.slow
COUNT = 150


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[str]:
    with served("procountor", tmp_path / "sandbox.log") as url:
        yield url


def sent_numbers(invoices_url: str) -> Counter[str]:
    return Counter(i["originalInvoiceNumber"] for i in httpx.get(invoices_url).json())


def test_sigterm_stops_cleanly_and_sigkill_loses_nothing(sandbox: str, tmp_path: Path) -> None:
    hub = Hub(tmp_path / "home", TILISILTA_SCHEDULE_LEASE_SECONDS="30")
    invoices = hub.procountor_company(sandbox, tmp_path, COUNT)
    hub.must("connection", "test", "pc")
    httpx.put(f"{sandbox}/_sandbox/faults", json={"latency": 0.02}).raise_for_status()

    runner = hub.start("run", log=tmp_path / "run1.log")
    wait_until(lambda: sum(sent_numbers(invoices).values()) >= 20, timeout=120)
    runner.send_signal(signal.SIGTERM)
    assert runner.wait(60) == 0
    said = (tmp_path / "run1.log").read_text()
    assert "Stopped." in said and "Traceback" not in said
    at_stop = sum(sent_numbers(invoices).values())
    assert 20 <= at_stop < COUNT, "the stop did not land mid-batch"
    with sqlite3.connect(tmp_path / "home" / "tilisilta.db") as db:
        states = dict(db.execute("SELECT state, count(*) FROM exchange GROUP BY state").fetchall())
    assert states.get("sending", 0) == 0, "a clean stop leaves nothing half-sent"
    assert states["sent"] == at_stop

    killed = hub.start("run", log=tmp_path / "run2.log")
    wait_until(lambda: sum(sent_numbers(invoices).values()) >= at_stop + 20, timeout=120)
    killed.send_signal(signal.SIGKILL)
    killed.wait(10)
    assert sum(sent_numbers(invoices).values()) < COUNT, "the kill did not land mid-batch"

    httpx.put(f"{sandbox}/_sandbox/faults", json={"latency": 0}).raise_for_status()
    again = hub.run("run", "--once")  # at once: the killed runner's claims are seen to be dead
    assert again.returncode == 0, again.stdout + again.stderr
    numbers = sent_numbers(invoices)
    assert len(numbers) == COUNT, "an invoice is missing"
    assert set(numbers.values()) == {1}, "an invoice was sent twice"
    said = again.stdout + again.stderr + "".join(p.read_text() for p in tmp_path.glob("*.log"))
    for secret in (hub.env["TILISILTA_API_KEY"], hub.env["TILISILTA_CLIENT_SECRET"]):
        assert secret not in said


@pytest.fixture
def postgres_url() -> Iterator[str]:
    yield from _postgres_database()


@pytest.mark.postgres
def test_a_killed_workers_job_is_taken_up_by_another_worker(
    sandbox: str, tmp_path: Path, postgres_url: str
) -> None:
    hub = Hub(
        tmp_path / "home",
        TILISILTA_DATABASE_URL=postgres_url,
        TILISILTA_SCHEDULE_LEASE_SECONDS="9",
        TILISILTA_STALLED_WORKER_SECONDS="3",
    )
    assert "Job queue (procrastinate) installed" in hub.must("db", "upgrade")
    invoices = hub.procountor_company(sandbox, tmp_path, COUNT)
    hub.must("connection", "test", "pc")
    httpx.put(f"{sandbox}/_sandbox/faults", json={"latency": 0.02}).raise_for_status()

    scheduler = hub.start("run", "--no-worker", log=tmp_path / "scheduler.log")
    first = hub.start("worker", log=tmp_path / "worker1.log")
    try:
        wait_until(lambda: sum(sent_numbers(invoices).values()) >= 20, timeout=120)
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        assert sum(sent_numbers(invoices).values()) < COUNT, "the kill did not land mid-batch"
        second = hub.start("worker", log=tmp_path / "worker2.log")
        try:
            wait_until(lambda: sum(sent_numbers(invoices).values()) >= COUNT, timeout=180)
        finally:
            second.send_signal(signal.SIGTERM)
            assert second.wait(60) == 0
    finally:
        scheduler.send_signal(signal.SIGTERM)
        assert scheduler.wait(60) == 0
    numbers = sent_numbers(invoices)
    assert len(numbers) == COUNT and set(numbers.values()) == {1}
    store = Store(postgres_url)
    with store.engine.connect() as conn:
        found = conn.execute(text("SELECT state, count(*) FROM exchange GROUP BY state"))
        states = {state: count for state, count in found}
    store.dispose()
    assert states == {"sent": COUNT}
    said = "".join(p.read_text() for p in tmp_path.glob("*.log"))
    assert "Traceback" not in said
    for secret in (hub.env["TILISILTA_API_KEY"], hub.env["TILISILTA_CLIENT_SECRET"]):
        assert secret not in said
