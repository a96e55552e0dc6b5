"""Bindings: "local document X is record Y on connection C", looked up either way. Connector
code asks here instead of querying the ``binding`` table itself."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import ColumnElement, Table, bindparam, func, or_, select, update
from sqlalchemy import Connection as SqlConnection
from sqlalchemy.orm import Session

from tilisilta.store.models import Binding, Connection, Document


def binding_of(session: Session, connection_id: int, kind: str, local_id: int) -> Binding | None:
    return session.scalar(
        select(Binding).where(
            Binding.connection_id == connection_id,
            Binding.local_kind == kind,
            Binding.local_id == local_id,
        )
    )


def bindings_of(
    session: Session, connection_id: int, kind: str, local_ids: Iterable[int] | None = None
) -> dict[int, Binding]:
    """Local id → binding, for the given local ids (all of the kind when None)."""
    query = select(Binding).where(
        Binding.connection_id == connection_id, Binding.local_kind == kind
    )
    if local_ids is not None:
        query = query.where(Binding.local_id.in_(list(local_ids)))
    return {b.local_id: b for b in session.scalars(query)}


def local_ids_of(
    session: Session, connection_id: int, kind: str, external_ids: Iterable[str] | None = None
) -> dict[str, int]:
    """External id → local id, for those bound on the connection (all of the kind when None)."""
    query = select(Binding.external_id, Binding.local_id).where(
        Binding.connection_id == connection_id, Binding.local_kind == kind
    )
    if external_ids is not None:
        query = query.where(Binding.external_id.in_(list(external_ids)))
    return {str(ext): int(local) for ext, local in session.execute(query).all()}


def bind_sent(
    session: Session | SqlConnection,
    connection_id: int,
    kind: str,
    document: Document,
    external_id: str,
    now: datetime,
) -> None:
    """Bind ``document`` to what the remote holds as ``external_id``, as delivered now: one
    statement when it was never bound (the common case), two otherwise."""
    values = {
        "c": connection_id,
        "k": kind,
        "l": document.id,
        "v_external_id": external_id,
        "v_sent_hash": document.content_hash,
        "v_sent_version": document.version,
    }
    if session.execute(_RESEND, values).rowcount == 0:  # type: ignore[attr-defined]
        session.execute(_FIRST_SEND, {**values, "v_created_at": now})


_TABLE = cast(Table, Binding.__table__)
_SENT: dict[str, Any] = {
    name: bindparam(f"v_{name}") for name in ("external_id", "sent_hash", "sent_version")
}
# Built once: a send's binding is written on the hot path of every delivery.
_RESEND = (
    _TABLE.update()
    .where(
        _TABLE.c.connection_id == bindparam("c"),
        _TABLE.c.local_kind == bindparam("k"),
        _TABLE.c.local_id == bindparam("l"),
    )
    .values(**_SENT)
)
_FIRST_SEND = _TABLE.insert().values(
    connection_id=bindparam("c"),
    local_kind=bindparam("k"),
    local_id=bindparam("l"),
    created_at=bindparam("v_created_at"),
    **_SENT,
)


def bind(
    session: Session,
    connection_id: int,
    kind: str,
    local_id: int,
    external_id: str,
    now: datetime,
    *,
    sent_hash: str | None = None,
    sent_version: int | None = None,
    inbound_version: str | None = None,
) -> Binding:
    """A new binding (the caller knows neither side is bound yet)."""
    binding = Binding(
        connection_id=connection_id,
        local_kind=kind,
        local_id=local_id,
        external_id=external_id,
        sent_hash=sent_hash,
        sent_version=sent_version,
        inbound_version=inbound_version,
        created_at=now,
    )
    session.add(binding)
    return binding


def bind_unless_taken(
    session: Session, connection_id: int, kind: str, local_id: int, external_id: str, now: datetime
) -> bool:
    """Bind unless either side is bound on the connection already (by a send running
    meanwhile, say): the binding there is kept. Whether a binding was made."""
    if bindings_touching(session, connection_id, kind, local_id, external_id):
        return False
    bind(session, connection_id, kind, local_id, external_id, now)
    return True


def bindings_touching(
    session: Session, connection_id: int, kind: str, local_id: int, external_id: str
) -> list[Binding]:
    """The bindings of ``local_id`` or of ``external_id`` on the connection."""
    return list(
        session.scalars(
            select(Binding).where(
                Binding.connection_id == connection_id,
                Binding.local_kind == kind,
                (Binding.local_id == local_id) | (Binding.external_id == external_id),
            )
        ).all()
    )


def binding_to(session: Session, connection_id: int, kind: str, external_id: str) -> Binding | None:
    """The binding of the remote record ``external_id``, if any."""
    return session.scalar(
        select(Binding).where(
            Binding.connection_id == connection_id,
            Binding.local_kind == kind,
            Binding.external_id == external_id,
        )
    )


def ref_bound_to(session: Session, connection_id: int, kind: str, external_id: str) -> str | None:
    """The ref of the local document bound to ``external_id``, if any."""
    return session.scalar(
        select(Document.ref)
        .join(Binding, Binding.local_id == Document.id)
        .where(
            Binding.connection_id == connection_id,
            Binding.local_kind == kind,
            Binding.external_id == external_id,
        )
    )


def inbound_versions(
    session: Session, connection_id: int, kind: str, external_ids: Sequence[str]
) -> dict[str, str]:
    """External id → the remote version last stored (``inbound_version``), for those bound
    with one."""
    rows = session.execute(
        select(Binding.external_id, Binding.inbound_version).where(
            Binding.connection_id == connection_id,
            Binding.local_kind == kind,
            Binding.external_id.in_(list(external_ids)),
        )
    ).all()
    return {external: version for external, version in rows if version}


def bound_documents(
    session: Session,
    connection_id: int,
    kind: str,
    company_id: int,
    *,
    refs: Sequence[str] | None = None,
    except_status: str | None = None,
    except_payload_kind: str | None = None,
    after_id: int = 0,
    limit: int | None = None,
) -> list[tuple[Binding, Document]]:
    """The company's documents of ``kind`` bound on the connection, with their bindings, by
    document id: those with the given refs, or those whose remote status is not
    ``except_status`` (and whose own kind, an invoice's "credit_note" say, is not
    ``except_payload_kind``); the first ``limit`` after document ``after_id``."""
    stmt = (
        select(Binding, Document)
        .join(Document, Document.id == Binding.local_id)
        .where(
            *_bound(connection_id, kind, company_id, except_status, except_payload_kind),
            Document.id > after_id,
        )
        .order_by(Document.id)
        .limit(limit)
    )
    if refs is not None:
        stmt = stmt.where(Document.ref.in_(list(refs)))
    return [(binding, document) for binding, document in session.execute(stmt).all()]


def earliest_bound(
    session: Session,
    connection_id: int,
    kind: str,
    company_id: int,
    field: str,
    *,
    except_status: str | None = None,
    except_payload_kind: str | None = None,
) -> str | None:
    """The least value of a document field (an ISO date, say) among the documents
    :func:`bound_documents` would give, read by the database."""
    least = func.min(Document.payload[field].as_string())
    stmt = (
        select(least)
        .join(Binding, Binding.local_id == Document.id)
        .where(*_bound(connection_id, kind, company_id, except_status, except_payload_kind))
    )
    return session.scalar(stmt)


def _bound(
    connection_id: int,
    kind: str,
    company_id: int,
    except_status: str | None,
    except_payload_kind: str | None,
) -> list[ColumnElement[bool]]:
    """Which documents are bound on the connection, for :func:`bound_documents` and
    :func:`earliest_bound`."""
    where: list[ColumnElement[bool]] = [
        Binding.connection_id == connection_id,
        Binding.local_kind == kind,
        Document.company_id == company_id,
        Document.kind == kind,
    ]
    if except_status is not None:
        where.append(or_(Binding.remote_status.is_(None), Binding.remote_status != except_status))
    if except_payload_kind is not None:
        own_kind = Document.payload["kind"].as_string()
        where.append(or_(own_kind.is_(None), own_kind != except_payload_kind))
    return where


def refs_and_external_ids(session: Session, connection_id: int, kind: str) -> list[tuple[str, str]]:
    """(document ref, external id) of every document of ``kind`` bound on the connection."""
    rows = session.execute(
        select(Document.ref, Binding.external_id)
        .join(Binding, Binding.local_id == Document.id)
        .where(
            Binding.connection_id == connection_id,
            Binding.local_kind == kind,
            Document.kind == kind,
        )
    ).all()
    return [(ref, external) for ref, external in rows]


def bound_elsewhere(
    session: Session, kind: str, local_id: int, except_connection_id: int
) -> list[tuple[str, str]]:
    """(connection name, external id) of the document's bindings on other connections."""
    rows = session.execute(
        select(Connection.name, Binding.external_id)
        .join(Binding, Binding.connection_id == Connection.id)
        .where(
            Binding.local_kind == kind,
            Binding.local_id == local_id,
            Binding.connection_id != except_connection_id,
        )
    ).all()
    return [(name, external) for name, external in rows]


def remember_sent(session: Session, binding_id: int, sent_hash: str, sent_version: int) -> None:
    """What was last sent for an existing binding (e.g. a customer updated remotely)."""
    row = session.get_one(Binding, binding_id)
    row.sent_hash = sent_hash
    row.sent_version = sent_version


def set_remote_payment(session: Session, moved: Mapping[int, tuple[str, Decimal]]) -> None:
    """What the bound invoices' payments came to (binding id → the remote's status, e.g.
    PARTLY_PAID or PAID, and the sum of the payments recorded), in one statement."""
    if moved:
        session.execute(
            update(Binding),
            [
                {"id": binding_id, "remote_status": status, "remote_paid": str(paid)}
                for binding_id, (status, paid) in moved.items()
            ],
        )
