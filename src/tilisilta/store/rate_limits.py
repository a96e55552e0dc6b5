"""External accounts' rate limits in the hub's database, so that every thread, process and
machine using one database shares each account's limit (a Procountor client id is one limit
for all its companies, whichever worker sends for them).

The algorithm is ``tilisilta.http.ratelimit``'s, unchanged: each change reads the account's row
under a lock (``BEGIN IMMEDIATE`` on SQLite, ``SELECT … FOR UPDATE`` on PostgreSQL), applies the
pure function and writes the row back, in one short transaction; the caller waits for its slot
outside it. On PostgreSQL the transaction commits without waiting for the disk (a crash of the
database may forget the last few milliseconds of slots, which costs at most a 429).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, fields
from typing import Any, TypeVar, cast

from sqlalchemy import Connection, Executable, Row, Table, select, update
from sqlalchemy.dialects import postgresql, sqlite

from tilisilta.clock import Clock
from tilisilta.http.ratelimit import ADAPTATION, AccountLimiter, Adaptation, LimitState, fresh
from tilisilta.store.engine import Store
from tilisilta.store.models import RateLimit

T = TypeVar("T")
TABLE = cast(Table, RateLimit.__table__)
STATE_FIELDS = tuple(f.name for f in fields(LimitState))


class StoreLimiter(AccountLimiter):
    """One account's limiter over the store: ``key`` names the account (e.g.
    ``procountor:<client id>``), ``ceiling`` is the configured limit in calls a second."""

    def __init__(
        self,
        store: Store,
        key: str,
        ceiling: float,
        clock: Clock,
        policy: Adaptation = ADAPTATION,
    ) -> None:
        super().__init__(key, ceiling, clock, policy)
        self.store = store
        self._dialect = store.engine.dialect.name

    def _change(self, change: Callable[[LimitState, float], tuple[LimitState, T]]) -> T:
        with self.store.engine.connect() as conn:
            self._begin(conn)
            row = self._locked_row(conn)
            now = self._now()  # read once the lock is held: slots follow the lock's order
            if row is None:
                state = fresh(self.ceiling, now)
                conn.execute(self._insert(state))
                row = self._locked_row(conn)
                assert row is not None
            state, result = change(_state_of(row), now)
            conn.execute(
                update(TABLE)
                .where(TABLE.c.key == self.key)
                .values(**asdict(state), updated_at=self.clock.now())
            )
            conn.commit()
        return result

    def _state(self) -> LimitState | None:
        with self.store.engine.connect() as conn:
            row = conn.execute(select(TABLE).where(TABLE.c.key == self.key)).one_or_none()
        return None if row is None else _state_of(row)

    def _begin(self, conn: Connection) -> None:
        if self._dialect == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")  # the write lock first: no lost update
        elif self._dialect == "postgresql":
            conn.exec_driver_sql("SET LOCAL synchronous_commit TO OFF")

    def _locked_row(self, conn: Connection) -> Row[Any] | None:
        query = select(TABLE).where(TABLE.c.key == self.key).with_for_update()
        return conn.execute(query).one_or_none()

    def _insert(self, state: LimitState) -> Executable:
        values = {"key": self.key, **asdict(state), "updated_at": self.clock.now()}
        if self._dialect == "postgresql":
            return postgresql.insert(TABLE).values(values).on_conflict_do_nothing()
        if self._dialect == "sqlite":
            return sqlite.insert(TABLE).values(values).on_conflict_do_nothing()
        raise NotImplementedError(f"rate limits on {self._dialect}")


def _state_of(row: Row[Any]) -> LimitState:
    mapping = row._mapping
    return LimitState(**{name: mapping[name] for name in STATE_FIELDS})


def read_all(store: Store) -> dict[str, LimitState]:
    """Every account's state, by key (for showing how the limits are used)."""
    with store.engine.connect() as conn:
        rows = conn.execute(select(TABLE).order_by(TABLE.c.key)).all()
    return {row._mapping["key"]: _state_of(row) for row in rows}
