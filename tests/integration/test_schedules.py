"""Schedules: declared by each kind, timed, claimed once per period, run by the embedded runner,
recorded, and stopped cleanly."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from tests.factories import batch
from tests.hub import TestHub
from tilisilta.clock import ManualClock
from tilisilta.connectors import registry
from tilisilta.connectors.base import Connector, FlowContext, FlowResult, FlowSpec, ScheduleSpec
from tilisilta.jobs import schedules
from tilisilta.jobs.embedded import Runner
from tilisilta.jobs.execute import RunOutcome
from tilisilta.jobs.schedules import Claim
from tilisilta.jobs.timing import next_run
from tilisilta.store.models import Connection, Exchange, Schedule

LEASE = timedelta(seconds=60)


def tested(hub: TestHub, name: str = "pc") -> None:
    """`connection test`: a working connection is marked validated, so its schedules run."""
    check = registry.connector("procountor").test_connection(hub.context(name))
    assert check.ok, check.lines


def runner(hub: TestHub, **kwargs: Any) -> Runner:
    return Runner(hub.store, hub.clock, lambda name: hub.context(name), **kwargs)


def view(hub: TestHub, name: str, connection: str = "pc") -> schedules.ScheduleView:
    with hub.store.session() as session:
        found = [v for v in schedules.views(session, hub.clock.now()) if v.name == name]
    return next(v for v in found if v.connection == connection)


def test_each_kind_declares_the_scheduled_actions_of_its_seed() -> None:
    def names(kind: str) -> set[str]:
        return {spec.name for spec in registry.connector(kind).schedules}

    assert names("procountor") == {"send_unsent", "fetch_payments"}
    assert names("netvisor") == {"send_unsent", "fetch_purchase_invoices", "fetch_invoice_status"}
    assert names("odoo") == {"pull", "push_payments", "push_purchase_invoices"}
    for kind in ("procountor", "netvisor", "odoo"):
        for spec in registry.connector(kind).schedules:
            for flow in spec.flows:
                registry.flow(flow)  # every flow a schedule names exists


def test_nothing_runs_for_a_connection_nobody_tested(hub: TestHub, tmp_path: Path) -> None:
    hub.import_invoices(batch(3), tmp_path)
    assert runner(hub).run_once() == []
    assert hub.procountor is not None and hub.procountor.invoices() == []
    assert view(hub, "send_unsent").ready is False


def test_the_runner_sends_fetches_and_records_each_run(hub: TestHub, tmp_path: Path) -> None:
    hub.import_invoices(batch(3), tmp_path)
    tested(hub)
    started = hub.clock.now()
    ran = runner(hub).run_once()
    assert sorted(c.name for c, _ in ran) == ["fetch_payments", "send_unsent"]
    assert all(o.outcome == "ok" for _, o in ran), ran
    assert hub.procountor is not None and len(hub.procountor.invoices()) == 3
    sent = view(hub, "send_unsent")
    assert (sent.last_outcome, sent.runs, sent.last_counts["sent"]) == ("ok", 1, 3)
    assert sent.next_run_at == started + timedelta(minutes=5)
    fetched = view(hub, "fetch_payments")  # claimed when the send ended: it counts from there
    assert fetched.last_started_at is not None and fetched.last_started_at >= started
    assert fetched.next_run_at == fetched.last_started_at + timedelta(hours=1)

    assert runner(hub).run_once() == []  # nothing due until the next period
    hub.import_invoices(batch(1, start=7001), tmp_path)
    assert isinstance(hub.clock, ManualClock)
    hub.clock.advance(5 * 60)
    again = runner(hub).run_once()
    assert [c.name for c, _ in again] == ["send_unsent"]
    assert again[0][1].counts["sent"] == 1 and len(hub.procountor.invoices()) == 4


def test_a_disabled_schedule_does_not_run_but_run_now_does(hub: TestHub, tmp_path: Path) -> None:
    tested(hub)
    with hub.store.session() as session:
        schedules.change(schedules.find(session, "pc", "fetch_payments", hub.clock.now()),
                         hub.clock.now(), enabled=False)  # fmt: skip
    assert [c.name for c, _ in runner(hub).run_once()] == ["send_unsent"]
    with hub.store.session() as session:
        schedules.find(session, "pc", "fetch_payments", hub.clock.now()).run_requested = True
    assert [c.name for c, _ in runner(hub).run_once()] == ["fetch_payments"]
    after = view(hub, "fetch_payments")
    assert (after.enabled, after.run_requested, after.runs) == (False, False, 1)


def test_each_period_is_claimed_once_however_many_runners(hub: TestHub) -> None:
    tested(hub)
    now = hub.clock.now()
    first = schedules.claim_due(hub.store, "a", now, LEASE, limit=10)
    second = schedules.claim_due(hub.store, "b", now, LEASE, limit=10)
    # one schedule per connection per claim: the other waits until the first ends
    assert len(first) == 1 and second[0].schedule_id != first[0].schedule_id
    assert schedules.claim_due(hub.store, "c", now, LEASE, limit=10) == []
    assert schedules.take(hub.store, first[0].schedule_id, "c", now, LEASE) is None


def test_a_dead_runners_claim_lapses_and_the_run_is_taken_up(hub: TestHub) -> None:
    tested(hub)
    now = hub.clock.now()
    [held] = schedules.claim_due(hub.store, "dead", now, LEASE, limit=1)
    assert isinstance(hub.clock, ManualClock)
    hub.clock.advance(30)
    assert held.name not in {c.name for c, _ in runner(hub).run_once()}
    hub.clock.advance(31)  # the dead runner renewed nothing: its lease has lapsed
    assert held.name in {c.name for c, _ in runner(hub).run_once()}


def test_a_runner_asked_to_stop_begins_no_document_and_runs_again_at_once(
    hub: TestHub, tmp_path: Path
) -> None:
    hub.import_invoices(batch(10), tmp_path)
    tested(hub)
    stop = threading.Event()
    sandbox = hub.transports["pc"]

    class SigtermDuringFirstSend(httpx.BaseTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            if request.method == "POST" and request.url.path.endswith("/invoices"):
                stop.set()  # SIGTERM arrives while the first invoices are being sent
            return sandbox.handle_request(request)

    def opener(name: str) -> FlowContext:
        return hub.context(name, transport=SigtermDuringFirstSend())

    worker = Runner(hub.store, hub.clock, opener, threads=1, stop=stop)
    claim = schedules.take(hub.store, _id(hub, "send_unsent"), worker.owner, hub.clock.now(), LEASE)
    assert claim is not None
    outcome = worker._execute(claim)
    assert outcome.outcome == "stopped" and "asked to stop" in (outcome.error or "")
    # the sends under way (one per sending thread) finish; none is begun after the stop
    assert hub.procountor is not None
    sent = len(hub.procountor.invoices())
    assert 1 <= sent <= 4
    with hub.store.session() as session:
        states = sorted(session.scalars(select(Exchange.state)))
    assert states == ["pending"] * (10 - sent) + ["sent"] * sent  # nothing half-sent
    assert view(hub, "send_unsent").next_run_at == hub.clock.now()  # due again on restart


def _id(hub: TestHub, name: str, connection: str = "pc") -> int:
    with hub.store.session() as session:
        return schedules.find(session, connection, name, hub.clock.now()).id


def test_cron_runs_at_the_finnish_time_given(hub: TestHub) -> None:
    tested(hub)
    with hub.store.session() as session:
        row = schedules.find(session, "pc", "fetch_payments", hub.clock.now())
        schedules.change(row, hub.clock.now(), cron="0 6 * * 1-5")
    due = view(hub, "fetch_payments").next_run_at
    assert due is not None
    # The test clock starts on Monday 15 June 2026 at 10:00 in Helsinki: the next run is on
    # Tuesday at 06:00 there, which in summer time is 03:00 UTC.
    assert (due.hour, due.minute, due.weekday()) == (3, 0, 1)
    assert next_run(None, "0 6 * * *", due) == due + timedelta(days=1)


# -- a flow that fails does not stop the others --------------------------------------------------
def _explode(context: FlowContext, params: Any) -> FlowResult:
    raise KeyError("no such field")


BROKEN = Connector(
    kind="broken",
    title="Broken",
    options_model=registry.connector("procountor").options_model,
    secrets_model=registry.connector("procountor").secrets_model,
    base_urls={"sandbox": "http://procountor.test/api"},
    default_environment="sandbox",
    test_connection=registry.connector("procountor").test_connection,
    flows={"broken.explode": FlowSpec("broken.explode", "fails", _explode)},
    schedules=(ScheduleSpec("explode", "fails", ("broken.explode",), timedelta(minutes=1)),),
)


@pytest.fixture
def broken() -> Any:
    registry.register(BROKEN)
    yield BROKEN
    registry.unregister("broken")


def test_a_failing_flow_is_recorded_in_a_line_and_the_rest_run(
    hub: TestHub, broken: Connector, tmp_path: Path
) -> None:
    tested(hub)
    with hub.store.session() as session:
        row = session.scalar(select(Connection).where(Connection.name == "pc"))
        assert row is not None
        session.add(
            Connection(
                company_id=row.company_id, name="bad", kind="broken", environment="sandbox",
                base_url=row.base_url, state="validated", options=row.options,
                secrets=row.secrets, created_at=row.created_at, updated_at=row.updated_at,
            )
        )  # fmt: skip
    hub.transports["bad"] = hub.transports["pc"]
    ran: dict[str, RunOutcome] = {c.name: o for c, o in runner(hub).run_once()}
    assert ran["explode"].outcome == "failed"
    assert ran["explode"].error == "explode: unexpected KeyError: 'no such field'"
    assert ran["send_unsent"].outcome == "ok" and ran["fetch_payments"].outcome == "ok"
    with hub.store.session() as session:
        failed = session.scalar(select(Schedule).where(Schedule.name == "explode"))
        assert failed is not None and (failed.failures, failed.claimed_by) == (1, None)


def test_claims_are_kept_while_a_long_run_goes_on(hub: TestHub) -> None:
    tested(hub)
    claim: Claim | None = schedules.take(hub.store, _id(hub, "fetch_payments"), "me",
                                         hub.clock.now(), LEASE)  # fmt: skip
    assert claim is not None
    later = hub.clock.now() + timedelta(minutes=5)
    schedules.renew(hub.store, [claim.schedule_id], "me", later)
    schedules.renew(hub.store, [claim.schedule_id], "someone else", hub.clock.now())
    with hub.store.session() as session:
        assert session.get_one(Schedule, claim.schedule_id).claimed_until == later
