"""Reading the ledger (the log people read) and the two things a person may do: ignore, retry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tilisilta.ledger.outcomes import Category, State
from tilisilta.store.models import Connection, Document, Exchange


@dataclass(frozen=True)
class LogEntry:
    id: int
    when: datetime
    connection: str
    document: str
    operation: str
    state: str
    category: str | None
    attempts: int
    external_id: str | None
    error: str | None


def list_log(
    session: Session,
    *,
    category: Category | None = None,
    connection: str | None = None,
    limit: int = 50,
) -> list[LogEntry]:
    stmt = (
        select(Exchange, Connection.name, Document.kind, Document.ref)
        .join(Connection, Connection.id == Exchange.connection_id)
        .join(Document, Document.id == Exchange.document_id)
        .order_by(Exchange.updated_at.desc(), Exchange.id.desc())
        .limit(limit)
    )
    if category is not None:
        stmt = stmt.where(Exchange.category == category.value)
    if connection is not None:
        stmt = stmt.where(Connection.name == connection)
    return [
        LogEntry(
            id=ex.id,
            when=ex.updated_at,
            connection=conn_name,
            document=f"{kind} {ref} v{ex.document_version}",
            operation=ex.operation,
            state=ex.state,
            category=ex.category,
            attempts=ex.attempts,
            external_id=ex.external_id,
            error=ex.error,
        )
        for ex, conn_name, kind, ref in session.execute(stmt).all()
    ]


class NotAllowed(ValueError):
    pass


def ignore(session: Session, exchange_id: int, now: datetime) -> Exchange:
    row = session.get(Exchange, exchange_id)
    if row is None:
        raise LookupError(f"no exchange {exchange_id}")
    if row.state in (State.SENT, State.SENDING):
        raise NotAllowed(
            f"exchange {exchange_id} is {row.state}; only unfinished ones can be ignored"
        )
    row.state = State.IGNORED
    row.next_attempt_at = None
    row.updated_at = now
    return row


def retry(session: Session, exchange_id: int, now: datetime) -> Exchange:
    """Back to pending; an exchange with a remote id or an uncertain outcome reconciles first."""
    row = session.get(Exchange, exchange_id)
    if row is None:
        raise LookupError(f"no exchange {exchange_id}")
    if row.state not in (State.DATA_ISSUE, State.RESPONSE_ERROR, State.IGNORED, State.PENDING):
        raise NotAllowed(f"exchange {exchange_id} is {row.state}; it cannot be retried")
    row.state = State.PENDING
    row.attempts = 0
    row.next_attempt_at = None
    row.updated_at = now
    return row
