"""A connection's runtime state: what its flows learn and keep between runs, one value per key.

Pull cursors (``cursor:<model>``), the remote's detected version, settings fetched from the
remote. It lives apart from ``connection.options``, which hold what a person chose, so a flow
saving its state never rewrites the options (and never undoes a setting changed meanwhile).
Each :func:`put` is one atomic upsert in the caller's session, committed with the caller's work.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Executable, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from tilisilta.store.models import ConnectionState


def get(session: Session, connection_id: int, key: str) -> Any | None:
    """The value stored under ``key``, or None when there is none."""
    return session.scalar(
        select(ConnectionState.value).where(
            ConnectionState.connection_id == connection_id, ConnectionState.key == key
        )
    )


def read_all(session: Session, connection_id: int) -> dict[str, Any]:
    """Every key of the connection's state and its value."""
    rows = session.execute(
        select(ConnectionState.key, ConnectionState.value)
        .where(ConnectionState.connection_id == connection_id)
        .order_by(ConnectionState.key)
    ).all()
    return {key: value for key, value in rows}


def put(session: Session, connection_id: int, key: str, value: Any, now: datetime) -> None:
    """Store ``value`` (anything JSON can hold) under ``key``: inserted, or replacing the value
    there, in one statement, so two writers of the same key never fail or see half of it."""
    dialect = session.get_bind().dialect.name
    values = {"connection_id": connection_id, "key": key, "value": value, "updated_at": now}
    conflict = [ConnectionState.connection_id, ConnectionState.key]
    if dialect == "postgresql":
        pg = postgresql.insert(ConnectionState).values(values)
        stmt: Executable = pg.on_conflict_do_update(
            index_elements=conflict,
            set_={"value": pg.excluded.value, "updated_at": pg.excluded.updated_at},
        )
    elif dialect == "sqlite":
        lite = sqlite.insert(ConnectionState).values(values)
        stmt = lite.on_conflict_do_update(
            index_elements=conflict,
            set_={"value": lite.excluded.value, "updated_at": lite.excluded.updated_at},
        )
    else:
        raise NotImplementedError(f"connection state on {dialect}")
    session.execute(stmt)
