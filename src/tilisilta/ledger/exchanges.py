"""Reading the ledger (the log people read), the two things a person may do (ignore, retry),
and the rows of inbound records: what a pull or fetch received, or found wrong, is logged here
as an exchange that is already final."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

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
    """The newest ``limit`` exchanges (of a category, of a connection), newest first: read from
    an index on (…, updated_at, id) backwards, so only the rows shown are read, whatever the
    ledger holds (``ix_exchange_log*``). The connection is looked up by name first: filtered by
    id, PostgreSQL reads its index in order instead of sorting all of its exchanges."""
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
        connection_id = session.scalar(select(Connection.id).where(Connection.name == connection))
        if connection_id is None:
            return []
        stmt = stmt.where(Exchange.connection_id == connection_id)
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


def inbound(
    *,
    connection_id: int,
    document: Document,
    operation: str,
    state: State,
    message: str,
    external_id: str,
    now: datetime,
    progress: dict[str, Any] | None = None,
) -> Exchange:
    """The log row of a received record (``sent``: Info) or one found wrong (``data_issue``),
    for the caller to add to its session (one by one or in bulk)."""
    return Exchange(
        connection_id=connection_id,
        document_id=document.id,
        operation=operation,
        document_version=document.version,
        direction="in",
        state=state,
        category=Category.INFO if state == State.SENT else Category.DATA_ISSUE,
        attempts=1,
        external_id=external_id,
        progress=progress or {},
        problems={},
        error=message,
        created_at=now,
        updated_at=now,
    )


def settle_issues(
    session: Session,
    *,
    connection_id: int,
    document_id: int,
    operation: str,
    note: str,
    now: datetime,
) -> bool:
    """Mark a record's open data issues settled (ignored, with ``note`` added) once its cause
    was fixed at the source; True when there were any."""
    issues = session.scalars(
        select(Exchange).where(
            Exchange.connection_id == connection_id,
            Exchange.document_id == document_id,
            Exchange.operation == operation,
            Exchange.state == State.DATA_ISSUE,
        )
    ).all()
    for issue in issues:
        issue.state = State.IGNORED
        issue.error = f"{issue.error} — {note}"
        issue.updated_at = now
    return bool(issues)


def exchanges_with_refs(
    session: Session, exchange_ids: Sequence[int]
) -> list[tuple[Exchange, str]]:
    """These exchanges, by id, each with its document's ref."""
    rows = session.execute(
        select(Exchange, Document.ref)
        .join(Document, Document.id == Exchange.document_id)
        .where(Exchange.id.in_(list(exchange_ids)))
        .order_by(Exchange.id)
    ).all()
    return [(exchange, ref) for exchange, ref in rows]


def logged(session: Session, connection_id: int, document: Document, operation: str) -> bool:
    """Whether this version of the document has an exchange of ``operation`` already."""
    found = session.scalar(
        select(Exchange.id).where(
            Exchange.connection_id == connection_id,
            Exchange.document_id == document.id,
            Exchange.operation == operation,
            Exchange.document_version == document.version,
        )
    )
    return found is not None


def last_exchange(
    session: Session, connection_id: int, document_id: int, operation: str
) -> Exchange | None:
    """The document's latest exchange of ``operation`` on the connection, any version."""
    return session.scalars(
        select(Exchange)
        .where(
            Exchange.connection_id == connection_id,
            Exchange.document_id == document_id,
            Exchange.operation == operation,
        )
        .order_by(Exchange.id.desc())
        .limit(1)
    ).first()


def sent_progress(
    session: Session, connection_id: int, operation: str, versions: Mapping[int, int]
) -> dict[int, dict[str, Any]]:
    """Document id -> the progress of the exchange that sent the given version of it (what a
    deliverer kept about the remote copy, e.g. the total it computed)."""
    if not versions:
        return {}
    rows = session.execute(
        select(Exchange.document_id, Exchange.document_version, Exchange.progress).where(
            Exchange.connection_id == connection_id,
            Exchange.operation == operation,
            Exchange.state == State.SENT,
            Exchange.document_id.in_(list(versions)),
        )
    ).all()
    return {doc: dict(progress) for doc, version, progress in rows if versions[doc] == version}
