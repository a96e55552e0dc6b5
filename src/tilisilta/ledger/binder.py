"""Bindings: "local document X is record Y on connection C", looked up either way. Connector
code asks here instead of querying the ``binding`` table itself."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tilisilta.store.models import Binding, Document


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
    session: Session, connection_id: int, kind: str, external_ids: Iterable[str]
) -> dict[str, int]:
    """External id → local id, for those bound on the connection."""
    rows = session.execute(
        select(Binding.external_id, Binding.local_id).where(
            Binding.connection_id == connection_id,
            Binding.local_kind == kind,
            Binding.external_id.in_(list(external_ids)),
        )
    ).all()
    return {str(ext): int(local) for ext, local in rows}


def bind_sent(
    session: Session,
    connection_id: int,
    kind: str,
    document: Document,
    external_id: str,
    now: datetime,
) -> Binding:
    """Bind ``document`` to what the remote holds as ``external_id``, as delivered now."""
    binding = binding_of(session, connection_id, kind, document.id)
    if binding is None:
        binding = Binding(
            connection_id=connection_id,
            local_kind=kind,
            local_id=document.id,
            external_id=external_id,
            created_at=now,
        )
        session.add(binding)
    binding.external_id = external_id
    binding.sent_hash = document.content_hash
    binding.sent_version = document.version
    return binding
