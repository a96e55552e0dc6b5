"""Rate limits shared through the hub's database (tilisilta.store.rate_limits), on SQLite and
PostgreSQL: two limiters on two separate Store objects over one database (two processes) never
exceed the rate together; a Retry-After pauses everyone on the account; a throttled account
does not slow another; the rate is halved and climbs back in the shared row; and, through the
send flow, two companies on one Procountor client id get fair shares (the one with a few
invoices finishes early), a Procountor that allows less than documented costs a few 429s and no
stall, and the default is Procountor's documented limit.

Threads wait on a :class:`~tests.simclock.SimClock`, so every wait is exact and nothing sleeps
for real. The same across real processes: tests/reliability/test_rate_limit_processes.py."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command

from tests.factories import batch
from tests.hub import TestHub, open_procountor
from tests.integration.test_store_migrations import company, connection
from tests.simclock import SimClock
from tests.unit.test_rate_limiter import most_in_a_window
from tilisilta.clock import ManualClock
from tilisilta.connectors.procountor.client.api import DOCUMENTED_RATE_LIMIT, limit_key
from tilisilta.connectors.procountor.options import ProcountorOptions
from tilisilta.crypto import SecretBox
from tilisilta.http.ratelimit import reserve
from tilisilta.settings import Settings
from tilisilta.store.engine import Store, alembic_config
from tilisilta.store.rate_limits import StoreLimiter, read_all


@pytest.fixture
def sim() -> SimClock:
    return SimClock(datetime.fromisoformat("2026-06-15T07:00:00+00:00"))


@pytest.fixture
def two_stores(database_url: str) -> Iterator[tuple[Store, Store]]:
    """Two Store objects (two engines, two connection pools) over one database: what two
    processes, or two machines, see."""
    first = Store(database_url)
    first.upgrade()
    second = Store(database_url)
    yield first, second
    first.dispose()
    second.dispose()


def run_together(clock: SimClock, *work: Callable[[], Any]) -> list[Any]:
    """Run each function in its own thread on the simulated clock, starting together."""
    results: list[Any] = [None] * len(work)
    errors: list[BaseException] = []
    ready = threading.Barrier(len(work))

    def run(index: int, job: Callable[[], Any]) -> None:
        with clock.participant():
            ready.wait()
            try:
                results[index] = job()
            except BaseException as problem:  # reported in the test's thread
                errors.append(problem)

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(work)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    return results


def pair(
    stores: tuple[Store, Store], clock: SimClock, key: str, other_key: str = "", rate: float = 20.0
) -> tuple[StoreLimiter, StoreLimiter]:
    """A limiter in each of the two "processes": on one account, or on ``key`` and
    ``other_key``."""
    return (
        StoreLimiter(stores[0], key, rate, clock),
        StoreLimiter(stores[1], other_key or key, rate, clock),
    )


def _seconds(moments: list[datetime], start: datetime) -> list[float]:
    return [(m - start).total_seconds() for m in moments]


# --- two processes, one account ----------------------------------------------------------------


def test_two_limiters_on_two_stores_never_exceed_the_rate_together(
    two_stores: tuple[Store, Store], sim: SimClock
) -> None:
    start = sim.now()

    def calls(store: Store) -> Callable[[], list[datetime]]:
        def go() -> list[datetime]:
            limiter = StoreLimiter(store, "procountor:shared", 10.0, sim)
            granted = []
            for _ in range(30):
                limiter.acquire()
                granted.append(sim.now())
            return granted

        return go

    first, second = run_together(sim, calls(two_stores[0]), calls(two_stores[1]))
    seconds = _seconds(first + second, start)
    assert most_in_a_window(seconds, 1.0) <= 10
    assert most_in_a_window(seconds, 0.1) <= 1
    assert max(seconds) == pytest.approx(5.9)  # 60 calls at 10 a second, shared
    assert 2.4 < max(_seconds(first, start)) < 5.95  # both advanced side by side
    assert 2.4 < max(_seconds(second, start)) < 5.95
    [state] = read_all(two_stores[0]).values()
    assert state.calls == 60 and state.throttled == 0


def test_reservations_from_many_threads_of_two_stores_never_share_a_slot(
    two_stores: tuple[Store, Store],
) -> None:
    """16 threads (8 per store) reserve 5 slots each at the same instant: 80 distinct slots
    exactly 1/rate apart (the row is locked while each is taken)."""
    clock = ManualClock()  # nobody waits: only the reservations are looked at
    slots: list[float] = []
    lock = threading.Lock()

    def reserve_five(store: Store) -> None:
        limiter = StoreLimiter(store, "procountor:shared", 20.0, clock)
        for _ in range(5):
            slot = limiter._change(lambda state, now: reserve(state, now, 20.0))
            with lock:
                slots.append(slot)

    threads = [threading.Thread(target=reserve_five, args=(two_stores[i % 2],)) for i in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    first = clock.now().timestamp()
    assert sorted(s - first for s in slots) == pytest.approx([n / 20 for n in range(80)], abs=1e-6)


def test_retry_after_pauses_everyone_on_the_account(
    two_stores: tuple[Store, Store], sim: SimClock
) -> None:
    one, other = pair(two_stores, sim, "procountor:shared")
    start = sim.now()
    one.acquire()
    one.throttled(30.0)  # one process got a 429 with Retry-After: 30
    other.acquire()  # another process's next call waits it out
    assert (sim.now() - start).total_seconds() == pytest.approx(30.0)


def test_a_caller_waiting_for_its_slot_when_the_429_comes_waits_out_the_pause(
    two_stores: tuple[Store, Store], sim: SimClock
) -> None:
    """Process A holds a slot 0.5 s away; meanwhile process B gets a 429 asking for 10 s. A's
    slot now falls inside the pause: it reserves again after it instead of calling."""
    start = sim.now()
    waiter, refused = pair(two_stores, sim, "procountor:shared", rate=2.0)
    waiter.acquire()
    called: list[datetime] = []

    def a() -> None:
        waiter.acquire()
        called.append(sim.now())

    def b() -> None:
        refused.throttled(10.0)  # at once, while A is asleep until its slot

    run_together(sim, a, b)
    assert (called[0] - start).total_seconds() >= 10.0


def test_a_throttled_account_does_not_slow_another(
    two_stores: tuple[Store, Store], sim: SimClock
) -> None:
    busy, quiet = pair(two_stores, sim, "procountor:busy", "procountor:quiet")
    busy.acquire()
    busy.throttled(60.0)
    start = sim.now()
    for _ in range(20):
        quiet.acquire()
    assert (sim.now() - start).total_seconds() == pytest.approx(0.95)  # its own full rate
    states = read_all(two_stores[0])
    assert states["procountor:quiet"].rate == 20.0 and states["procountor:quiet"].throttled == 0
    assert states["procountor:busy"].rate == 10.0


def test_the_shared_rate_halves_on_a_429_and_climbs_back_with_successes(
    two_stores: tuple[Store, Store], sim: SimClock
) -> None:
    key = "odoo:https://erp.example.fi:prod"
    one, other = pair(two_stores, sim, key)
    one.acquire()
    one.throttled(None)
    other.throttled(None)  # the same burst of 429s: halved once
    assert read_all(two_stores[0])[key].rate == 10.0
    start = sim.now()
    while read_all(two_stores[1])[key].rate < 20.0:
        for limiter in (one, other):  # both processes' calls succeed
            limiter.acquire()
            limiter.succeeded()
        assert (sim.now() - start).total_seconds() < 60
    climbed = (sim.now() - start).total_seconds()
    assert 15 < climbed < 35  # gradually: 2 % of the ceiling a second, from half
    state = read_all(two_stores[0])[key]
    assert state.throttled == 2 and state.ceiling == 20.0


# --- through the send flow ---------------------------------------------------------------------


def test_two_companies_on_one_client_id_get_fair_shares(
    two_stores: tuple[Store, Store],
    sim: SimClock,
    box: SecretBox,
    settings: Settings,
    tmp_path: Path,
) -> None:
    """Company A has 30 invoices to send, company B 3, on one client id at 20 calls a second,
    each sending from its own process (Store). B is done long before A: A's backlog does not
    queue ahead of it. Together they keep to the limit (no 429)."""
    procountor = open_procountor(sim)  # type: ignore[arg-type]
    try:
        hub_a = TestHub(two_stores[0], box, sim, settings).connect_procountor(procountor)
        added = hub_a.add_second_company()
        hub_b = replace(added.hub, store=two_stores[1])
        hub_a.import_invoices(batch(30), tmp_path)
        hub_b.import_invoices(batch(3, start=9001), tmp_path)
        start = sim.now()

        def send(hub: TestHub) -> Callable[[], tuple[list[str], float]]:
            def go() -> tuple[list[str], float]:
                summary = hub.send(workers=1)
                return [line.state for line in summary.lines], (sim.now() - start).total_seconds()

            return go

        (states_a, done_a), (states_b, done_b) = run_together(sim, send(hub_a), send(hub_b))
        assert states_a == ["sent"] * 30 and states_b == ["sent"] * 3
        assert done_b < done_a / 3, (done_a, done_b)
        calls = procountor.sandbox.rate_limiter.calls[procountor.credentials["client_id"]]
        assert calls.refused == 0
        assert calls.peak() <= DOCUMENTED_RATE_LIMIT
    finally:
        procountor.transport.close()


def test_a_procountor_allowing_less_than_documented_costs_a_few_429s_and_no_stall(
    hub: TestHub, clock: ManualClock, tmp_path: Path
) -> None:
    """The sandbox allows 10 calls a second, the connection says 20: the hub slows down on the
    first 429s and settles below the real limit; every invoice is sent, few calls are refused,
    and the run takes little longer than the real limit needs."""
    assert hub.procountor is not None
    sandbox = hub.procountor.sandbox
    sandbox.set_rate_limit(10)
    hub.import_invoices(batch(120), tmp_path)
    start = clock.now()
    summary = hub.send(workers=1)
    elapsed = (clock.now() - start).total_seconds()
    assert [line.state for line in summary.lines] == ["sent"] * 120
    calls = sandbox.rate_limiter.calls[hub.procountor.credentials["client_id"]]
    answered = len(calls.admitted) + calls.refused
    assert calls.refused <= max(5, answered // 50), (calls.refused, answered)
    assert elapsed < 1.6 * len(calls.admitted) / 10, elapsed
    state = read_all(hub.store)[limit_key(hub.procountor.credentials["client_id"])]
    assert state.throttled == calls.refused and state.rate < 20.0


def test_the_default_is_procountors_documented_limit(hub: TestHub, tmp_path: Path) -> None:
    """20 calls a second per client id (shared/reference/procountor.md §4, "max 20
    requests/second per client"), not half of it; the flow's limiter uses it."""
    assert DOCUMENTED_RATE_LIMIT == 20.0
    assert ProcountorOptions(client_id="c", redirect_uri="r").rate_limit_per_second == 20.0
    hub.import_invoices(batch(2), tmp_path)
    hub.send()
    assert hub.procountor is not None
    key = limit_key(hub.procountor.credentials["client_id"])
    state = read_all(hub.store)[key]
    assert state.ceiling == 20.0 and state.rate == 20.0 and state.calls >= 6


# --- the migration -----------------------------------------------------------------------------


def test_0005_gives_procountor_connections_on_the_old_default_the_documented_limit(
    database_url: str,
) -> None:
    store = Store(database_url)
    try:
        store.upgrade("0004")
        when = datetime.fromisoformat("2026-06-15T07:00:00+00:00")
        old = {
            1: ("procountor", {"client_id": "a", "redirect_uri": "r", "rate_limit_per_second": 10}),
            2: ("procountor", {"client_id": "b", "redirect_uri": "r", "rate_limit_per_second": 5}),
            3: ("odoo", {"database": "db", "login": "bot", "rate_limit_per_second": 10.0}),
        }
        with store.engine.begin() as conn:
            conn.execute(
                company.insert().values(
                    id=1, name="Demo Oy", business_id="2077474-0", created_at=when
                )
            )
            for cid, (kind, options) in old.items():
                conn.execute(
                    connection.insert().values(
                        id=cid,
                        company_id=1,
                        name=f"c{cid}",
                        kind=kind,
                        environment="sandbox",
                        base_url="http://127.0.0.1/api",
                        state="validated",
                        options=options,
                        secrets="sealed",
                        created_at=when,
                        updated_at=when,
                    )
                )
        store.upgrade()
        with store.engine.connect() as conn:
            rows = conn.execute(sa.select(connection.c.id, connection.c.options)).all()
            assert sa.inspect(conn).has_table("rate_limit")
        rates = {cid: options["rate_limit_per_second"] for cid, options in rows}
        assert rates == {1: 20.0, 2: 5, 3: 10.0}
        command.downgrade(alembic_config(store), "0004")
        with store.engine.connect() as conn:
            assert not sa.inspect(conn).has_table("rate_limit")
    finally:
        store.dispose()
