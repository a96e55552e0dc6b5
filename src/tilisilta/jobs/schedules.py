"""The schedule rows: made from what each kind declares, changed by a person, claimed and
finished by runners.

A claim is a conditional UPDATE on the row with a lease (``claimed_until``): of any number of
runners, one gets each period, and the claim of a runner that died lapses, so the schedule is
due again. A run that asked for ``run now`` clears the request when it finishes.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from tilisilta.connectors.base import ScheduleSpec
from tilisilta.connectors.registry import connector
from tilisilta.fixes import fix
from tilisilta.jobs.timing import describe, next_run
from tilisilta.ledger.leases import owner_is_gone
from tilisilta.store.companies import NotFound, find_connection
from tilisilta.store.engine import Store
from tilisilta.store.models import Company, Connection, Schedule

QUEUED = "queued"  # claimed_by of a schedule whose job waits in the queue for a worker
READY = "validated"  # schedules run for connections a person tested (`connection test`)


def declared(kind: str) -> dict[str, ScheduleSpec]:
    try:
        return {spec.name: spec for spec in connector(kind).schedules}
    except LookupError:
        return {}


def ensure(session: Session, now: datetime) -> None:
    """A row for every schedule each connection's kind declares, with its defaults; the first
    run is due at once (it waits for the connection to be tested)."""
    have = {(c, n) for c, n in session.execute(select(Schedule.connection_id, Schedule.name))}
    for connection_id, kind in session.execute(select(Connection.id, Connection.kind)):
        for spec in declared(kind).values():
            if (connection_id, spec.name) not in have:
                session.add(
                    Schedule(
                        connection_id=connection_id,
                        name=spec.name,
                        enabled=spec.enabled,
                        interval_seconds=int(spec.every.total_seconds()),
                        next_run_at=now,
                        last_counts={},
                        runs=0,
                        failures=0,
                        created_at=now,
                        updated_at=now,
                    )
                )
    session.flush()


@dataclass(frozen=True)
class ScheduleView:
    """One schedule as a person reads it."""

    connection: str
    kind: str
    company: str
    name: str
    summary: str
    enabled: bool
    timing: str
    ready: bool  # the connection was tested; until then nothing runs
    running: bool
    next_run_at: datetime | None
    last_started_at: datetime | None
    last_finished_at: datetime | None
    last_outcome: str | None
    last_error: str | None
    last_counts: dict[str, Any]
    runs: int
    failures: int
    run_requested: bool

    def as_json(self) -> dict[str, Any]:
        """For scripts: times as ISO 8601 (UTC)."""
        return {
            key: value.isoformat() if isinstance(value, datetime) else value
            for key, value in dataclasses.asdict(self).items()
        }


def views(session: Session, now: datetime, connection: str | None = None) -> list[ScheduleView]:
    ensure(session, now)
    query = (
        select(Schedule, Connection, Company)
        .join(Connection, Connection.id == Schedule.connection_id)
        .join(Company, Company.id == Connection.company_id)
        .order_by(Company.name, Connection.name, Schedule.id)
    )
    if connection is not None:
        query = query.where(Connection.id == find_connection(session, connection).id)
    shown: list[ScheduleView] = []
    for row, conn, company in session.execute(query).all():
        spec = declared(conn.kind).get(row.name)
        if spec is None:  # a schedule the kind no longer offers
            continue
        shown.append(
            ScheduleView(
                connection=conn.name,
                kind=conn.kind,
                company=company.name,
                name=row.name,
                summary=spec.summary,
                enabled=row.enabled,
                timing=describe(row.interval_seconds, row.cron),
                ready=conn.state == READY,
                running=_held(row, now),
                next_run_at=row.next_run_at if row.enabled else None,
                last_started_at=row.last_started_at,
                last_finished_at=row.last_finished_at,
                last_outcome=row.last_outcome,
                last_error=row.last_error,
                last_counts=dict(row.last_counts or {}),
                runs=row.runs,
                failures=row.failures,
                run_requested=row.run_requested,
            )
        )
    return shown


def _held(row: Schedule, now: datetime) -> bool:
    return row.claimed_by is not None and row.claimed_until is not None and row.claimed_until > now


def find(session: Session, connection: str, name: str, now: datetime) -> Schedule:
    """The schedule ``name`` of ``connection``, or NotFound naming the ones it has."""
    conn = find_connection(session, connection)
    ensure(session, now)
    offered = declared(conn.kind)
    row = session.scalar(
        select(Schedule).where(Schedule.connection_id == conn.id, Schedule.name == name)
    )
    if row is None or name not in offered:
        names = ", ".join(offered) or "none"
        raise NotFound(
            f"connection {conn.name} has no schedule {name!r}; its schedules: {names} "
            f"(see {fix('schedule.list')})"
        )
    return row


def change(
    row: Schedule,
    now: datetime,
    *,
    enabled: bool | None = None,
    interval_seconds: int | None = None,
    cron: str | None = None,
) -> None:
    """A person's change; a new timing counts from now."""
    if enabled is not None:
        row.enabled = enabled
    if interval_seconds is not None:
        row.interval_seconds, row.cron = interval_seconds, None
    if cron is not None:
        row.cron = cron
    if interval_seconds is not None or cron is not None or (enabled and row.next_run_at is None):
        row.next_run_at = next_run(row.interval_seconds, row.cron, now)
    row.updated_at = now


@dataclass(frozen=True)
class Claim:
    """A schedule a runner now holds: what to run, and for whom."""

    schedule_id: int
    connection_id: int
    connection: str
    kind: str
    name: str
    flows: tuple[str, ...]


def due(now: datetime) -> Any:
    """Unheld, and enabled and past its time, or asked to run now."""
    free = or_(Schedule.claimed_until.is_(None), Schedule.claimed_until < now)
    wanted = or_(
        and_(Schedule.enabled.is_(True), Schedule.next_run_at <= now),
        Schedule.run_requested.is_(True),
    )
    return and_(free, wanted)


def release_the_dead(session: Session, now: datetime) -> None:
    """Free at once the claims of runners on this machine that no longer exist (killed), so a
    restart need not wait for their leases to lapse."""
    held = session.execute(
        select(Schedule.id, Schedule.claimed_by).where(
            Schedule.claimed_by.is_not(None),
            Schedule.claimed_by != QUEUED,
            Schedule.claimed_until > now,
        )
    ).all()
    for schedule_id, owner in held:
        if owner_is_gone(owner):
            session.execute(
                update(Schedule)
                .where(Schedule.id == schedule_id, Schedule.claimed_by == owner)
                .values(claimed_by=None, claimed_until=None)
            )


def due_claims(
    session: Session, now: datetime, *, busy: Sequence[int] = (), for_update: bool = False
) -> list[Claim]:
    """The due schedules of tested connections not in ``busy``, each as the claim it would be:
    those asked to run now first, then by their time. ``for_update`` locks the rows, skipping
    those another scheduler holds."""
    ensure(session, now)
    release_the_dead(session, now)
    query = (
        select(Schedule.id, Connection.id, Connection.name, Connection.kind, Schedule.name)
        .join(Connection, Connection.id == Schedule.connection_id)
        .where(due(now), Connection.state == READY, Connection.id.not_in(list(busy)))
        .order_by(Schedule.run_requested.desc(), Schedule.next_run_at)
    )
    if for_update:
        query = query.with_for_update(of=Schedule, skip_locked=True)
    found = (_claim_of(*row) for row in session.execute(query).all())
    return [claim for claim in found if claim is not None]


def _claim_of(
    schedule_id: int, connection_id: int, connection: str, kind: str, name: str
) -> Claim | None:
    """The claim of a schedule row, or None for one its kind no longer offers."""
    spec = declared(kind).get(name)
    if spec is None:
        return None
    return Claim(schedule_id, connection_id, connection, kind, name, spec.flows)


def claim_due(
    store: Store,
    owner: str,
    now: datetime,
    lease: timedelta,
    *,
    limit: int,
    busy: Sequence[int] = (),
) -> list[Claim]:
    """Claim up to ``limit`` due schedules of tested connections not in ``busy`` (connection
    ids this runner is working for), at most one per connection, one short transaction each."""
    with store.session() as session:
        candidates = due_claims(session, now, busy=busy)
    claims: list[Claim] = []
    for claim in candidates:
        if len(claims) >= limit or claim.connection_id in {c.connection_id for c in claims}:
            continue
        with store.session() as session:
            got = session.execute(
                update(Schedule)
                .where(Schedule.id == claim.schedule_id, due(now))
                .values(claimed_by=owner, claimed_until=now + lease, last_started_at=now)
            ).rowcount  # type: ignore[attr-defined]
        if got:
            claims.append(claim)
    return claims


def take(
    store: Store, schedule_id: int, owner: str, now: datetime, lease: timedelta
) -> Claim | None:
    """Claim one schedule whatever its timing (run now; a worker's job): when it is free,
    queued for a worker, or held by a process that died. None when a live process holds it
    (the same job delivered twice, or a run already under way)."""
    with store.session() as session:
        release_the_dead(session, now)
    with store.session() as session:
        got = session.execute(
            update(Schedule)
            .where(
                Schedule.id == schedule_id,
                or_(
                    Schedule.claimed_by == QUEUED,
                    Schedule.claimed_until.is_(None),
                    Schedule.claimed_until < now,
                ),
            )
            .values(claimed_by=owner, claimed_until=now + lease, last_started_at=now)
        ).rowcount  # type: ignore[attr-defined]
        if not got:
            return None
        row = session.get_one(Schedule, schedule_id)
        conn = session.get_one(Connection, row.connection_id)
        claim = _claim_of(schedule_id, conn.id, conn.name, conn.kind, row.name)
        # a schedule its kind no longer offers runs nothing, and is recorded as having run
        return claim or Claim(schedule_id, conn.id, conn.name, conn.kind, row.name, ())


def renew(store: Store, schedule_ids: Sequence[int], owner: str, until: datetime) -> None:
    """Keep the claims of the runs under way (their runner is alive)."""
    if not schedule_ids:
        return
    with store.session() as session:
        session.execute(
            update(Schedule)
            .where(Schedule.id.in_(list(schedule_ids)), Schedule.claimed_by == owner)
            .values(claimed_until=until)
        )


def finish(
    store: Store,
    schedule_id: int,
    owner: str,
    now: datetime,
    *,
    outcome: str,
    counts: dict[str, int],
    error: str | None,
    again_now: bool = False,
) -> None:
    """Record the run and set the next one: from the start of this run, never in the past; or
    at once when the run was cut short by a shutdown (``again_now``)."""
    with store.session() as session:
        row = session.get(Schedule, schedule_id, with_for_update=True)
        if row is None:  # the connection was removed meanwhile
            return
        started = row.last_started_at or now
        following = next_run(row.interval_seconds, row.cron, started)
        if following <= now:
            following = next_run(row.interval_seconds, row.cron, now)
        row.next_run_at = now if again_now else following
        row.last_finished_at = now
        row.last_outcome = outcome
        row.last_error = error
        row.last_counts = counts
        row.runs += 1
        row.failures += outcome != "ok"
        row.run_requested = False
        if row.claimed_by == owner:
            row.claimed_by, row.claimed_until = None, None
        row.updated_at = now
