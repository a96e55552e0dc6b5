"""An Odoo connection's runtime state (``store.connection_state``): how far each model's pull
got, and the Odoo version the last connection test saw, as opposed to the options a person sets."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from tilisilta.connectors.odoo.options import Cursor
from tilisilta.store import connection_state

# Keys of the connection's runtime state (store.connection_state).
VERSION = "version"  # as detected by the last `connection test`, e.g. "17.0"


def cursor_key(model: str) -> str:
    return f"cursor:{model}"


def load_cursor(session: Session, connection_id: int, model: str) -> Cursor | None:
    """How far the last pull of ``model`` got; None before the first."""
    stored = connection_state.get(session, connection_id, cursor_key(model))
    return None if stored is None else Cursor.model_validate(stored)


def save_cursor(
    session: Session, connection_id: int, model: str, cursor: Cursor, now: datetime
) -> None:
    """Store how far a pull got, in the same transaction as what it stored."""
    connection_state.put(
        session, connection_id, cursor_key(model), cursor.model_dump(mode="json"), now
    )


def save_version(session: Session, connection_id: int, version: str, now: datetime) -> None:
    """The Odoo version a connection test saw, e.g. "17.0"."""
    connection_state.put(session, connection_id, VERSION, version, now)
