"""External accounts' rate limits in the hub's database, so that every thread, process and
machine using one database shares each account's limit (a Procountor client id is one limit
for all its companies, whichever worker sends for them).

The algorithm is ``tilisilta.http.ratelimit``'s, unchanged: each change reads the account's row
under a lock (``BEGIN IMMEDIATE`` on SQLite, ``SELECT … FOR UPDATE`` on PostgreSQL), applies the
pure function and writes the row back, in one short transaction; the caller waits for its slot
outside it. The transaction commits without waiting for the disk (a power cut may forget the
last few milliseconds of slots, which costs at most a 429).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, fields
from typing import Any, TypeVar, cast

from sqlalchemy import Connection, Executable, Row, Table, bindparam, select
from sqlalchemy.dialects import postgresql, sqlite

from tilisilta.clock import Clock
from tilisilta.http.ratelimit import ADAPTATION, AccountLimiter, Adaptation, LimitState, fresh
from tilisilta.store.engine import Store, relax_commit
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
            conn.execute(WRITE, {"k": self.key, "v_updated_at": self.clock.now(), **_values(state)})
            conn.commit()
        return result

    def _state(self) -> LimitState | None:
        with self.store.engine.connect() as conn:
            row = conn.execute(READ, {"k": self.key}).one_or_none()
        return None if row is None else _state_of(row)

    def _begin(self, conn: Connection) -> None:
        relax_commit(conn)  # a slot forgotten in a power cut costs at most a 429
        if self._dialect == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")  # the write lock first: no lost update

    def _locked_row(self, conn: Connection) -> Row[Any] | None:
        return conn.execute(READ_LOCKED, {"k": self.key}).one_or_none()

    def _insert(self, state: LimitState) -> Executable:
        values = {"key": self.key, **asdict(state), "updated_at": self.clock.now()}
        if self._dialect == "postgresql":
            return postgresql.insert(TABLE).values(values).on_conflict_do_nothing()
        if self._dialect == "sqlite":
            return sqlite.insert(TABLE).values(values).on_conflict_do_nothing()
        raise NotImplementedError(f"rate limits on {self._dialect}")


# Built once: a slot is taken before every call to a limited remote.
READ = select(TABLE).where(TABLE.c.key == bindparam("k"))
READ_LOCKED = READ.with_for_update()
WRITE = (
    TABLE.update()
    .where(TABLE.c.key == bindparam("k"))
    .values({name: bindparam(f"v_{name}") for name in (*STATE_FIELDS, "updated_at")})
)


def _values(state: LimitState) -> dict[str, Any]:
    return {f"v_{name}": value for name, value in asdict(state).items()}


def _state_of(row: Row[Any]) -> LimitState:
    mapping = row._mapping
    return LimitState(**{name: mapping[name] for name in STATE_FIELDS})


def read_all(store: Store) -> dict[str, LimitState]:
    """Every account's state, by key (for showing how the limits are used)."""
    with store.engine.connect() as conn:
        rows = conn.execute(select(TABLE).order_by(TABLE.c.key)).all()
    return {row._mapping["key"]: _state_of(row) for row in rows}
