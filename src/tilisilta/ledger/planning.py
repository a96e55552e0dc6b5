"""Planning: which exchanges a run works on, created where needed, inside the caller's session
(so a job queue can defer its jobs in the same transaction).

A document already bound is not sent again; one that changed since is handled as its
deliverer's ``on_change`` says. A document found in the target by the bulk natural-key lookup
before its first send is bound and logged as sent, not sent again. Two planners at once agree
on one exchange per (connection, document, operation, version): the loser of the insert race
takes the winner's row.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, literal_column, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tilisilta.ledger.binder import bind_sent, bindings_of, local_ids_of
from tilisilta.ledger.deliverer import Deliverer, OnChange
from tilisilta.ledger.outcomes import Category, State
from tilisilta.store.models import Binding, Document, Exchange

# As the partial indexes say it (literals, not parameters, so that the planners see the index
# answers it): the documents changed since first stored, the bindings sent at version 1.
CHANGED = Document.version > literal_column("1")
SENT_FIRST = Binding.sent_version == literal_column("1")


def unsent_ids(session: Session, connection_id: int, company_id: int, local_kind: str) -> list[int]:
    """The ids of :func:`unsent_query`'s documents, in the order they came, read from indexes.

    A document's hash changes only with its version, and a binding keeps the version it sent
    (as ``ledger/status.unsent_count`` relies on too): a document at its first version was sent
    as it is exactly when its binding says version 1 was sent. So the documents not among the
    local ids of the bindings sent at version 1 (a partial index, read whole into a list) are
    the unsent ones, but for the few changed since first stored (a partial index of their own),
    each of which is unsent when its binding does not hold its hash."""
    sent_first = select(Binding.local_id).where(
        Binding.connection_id == connection_id, Binding.local_kind == local_kind, SENT_FIRST
    )
    ids = set(
        session.scalars(
            select(Document.id).where(_of(company_id, local_kind), Document.id.not_in(sent_first))
        )
    )
    changed = session.execute(
        select(Document.id, Binding.sent_hash == Document.content_hash)
        .outerjoin(Binding, _bound(connection_id, local_kind))
        .where(_of(company_id, local_kind), CHANGED)
    )
    for document_id, as_it_is in changed:
        if as_it_is:
            ids.discard(document_id)
        else:
            ids.add(document_id)
    return sorted(ids)


def unsent_query(connection_id: int, company_id: int, local_kind: str) -> Select[Document]:
    """The documents not sent over the connection as they are now, as a query to run or count."""
    as_sent = Binding.sent_hash == Document.content_hash
    return (
        select(Document)
        .outerjoin(Binding, _bound(connection_id, local_kind))
        .where(
            _of(company_id, local_kind),
            or_(Binding.id.is_(None), Binding.sent_hash.is_(None), ~as_sent),
        )
    )


def _bound(connection_id: int, local_kind: str) -> ColumnElement[bool]:
    return and_(
        Binding.connection_id == connection_id,
        Binding.local_kind == local_kind,
        Binding.local_id == Document.id,
    )


def _of(company_id: int, local_kind: str) -> ColumnElement[bool]:
    return and_(Document.company_id == company_id, Document.kind == local_kind)


def first_sends(
    session: Session, connection_id: int, deliverer: Deliverer, documents: Sequence[Document]
) -> list[Document]:
    """The documents this connection never had an exchange or a binding for: the ones the bulk
    natural-key lookup must ask the target about before anything is sent."""
    ids = [d.id for d in documents]
    bound = bindings_of(session, connection_id, deliverer.local_kind, ids)
    tried = set(
        session.scalars(
            select(Exchange.document_id).where(
                Exchange.connection_id == connection_id,
                Exchange.operation == deliverer.operation,
                Exchange.document_id.in_(ids),
            )
        )
    )
    return [d for d in documents if d.id not in bound and d.id not in tried]


def plan_exchanges(
    session: Session,
    connection_id: int,
    deliverer: Deliverer,
    documents: Sequence[Document],
    now: datetime,
    *,
    found: Mapping[int, str] | None = None,
) -> list[int]:
    """Exchange ids to work on for ``documents``; ``found`` maps documents the target already
    holds (document id → external id) to be bound instead of sent. A few queries for the whole
    batch, not a few per document."""
    found = found or {}
    kind = deliverer.local_kind
    taken = local_ids_of(session, connection_id, kind, found.values())
    bindings = bindings_of(session, connection_id, kind, [d.id for d in documents])
    wanted = [
        d for d in documents if d.id not in bindings or bindings[d.id].sent_hash != d.content_hash
    ]
    exchanges = _exchanges_for(session, connection_id, deliverer.operation, wanted, now)
    ids: list[int] = []
    for doc in wanted:
        exchange, created = exchanges[doc.id]
        ids.append(exchange.id)
        if exchange.state != State.PENDING:
            continue
        binding = bindings.get(doc.id)
        if binding is not None:
            _changed_after_delivery(exchange, deliverer, doc, binding.external_id, now)
            continue
        if created and exchange.external_id is not None:
            # An older version reached the target and changed before its send finished.
            _changed_after_delivery(exchange, deliverer, doc, exchange.external_id, now)
            continue
        external_id = found.get(doc.id)
        if exchange.attempts or external_id is None or taken.get(external_id, doc.id) != doc.id:
            continue
        exchange.external_id = external_id
        bind_sent(session, connection_id, kind, doc, external_id, now)
        finish(
            exchange,
            State.SENT,
            Category.INFO,
            now,
            error=f"already in {deliverer.remote_name} (id {external_id}): found there by its "
            "number before the first send, so it was bound and not sent again",
        )
    return ids


def _exchanges_for(
    session: Session,
    connection_id: int,
    operation: str,
    documents: Sequence[Document],
    now: datetime,
) -> dict[int, tuple[Exchange, bool]]:
    """Document id → the exchange of its current version and whether this call created it:
    one query for those there, one insert for the rest."""
    if not documents:
        return {}
    rows = session.scalars(
        select(Exchange).where(
            Exchange.connection_id == connection_id,
            Exchange.operation == operation,
            Exchange.document_id.in_([d.id for d in documents]),
        )
    ).all()
    current = {(r.document_id, r.document_version): r for r in rows}
    result: dict[int, tuple[Exchange, bool]] = {}
    missing: list[Document] = []
    for doc in documents:
        row = current.get((doc.id, doc.version))
        if row is not None:
            result[doc.id] = (row, False)
        else:
            missing.append(doc)
    new = [_new_exchange(connection_id, operation, doc, now) for doc in missing]
    try:
        with session.begin_nested():
            session.add_all(new)
    except IntegrityError:
        # Another planner inserted some first: take its rows, one document at a time.
        for doc in missing:
            result[doc.id] = _exchange_for(session, connection_id, operation, doc, now)
        return result
    older: dict[int, list[Exchange]] = {}
    for row in rows:
        older.setdefault(row.document_id, []).append(row)
    for doc, exchange in zip(missing, new, strict=True):
        result[doc.id] = (exchange, True)
        if older.get(doc.id):  # only a changed document has older versions to look at
            _inherit_uncertainty(session, exchange)
            _supersede_older(session, exchange, now)
    return result


def _new_exchange(connection_id: int, operation: str, doc: Document, now: datetime) -> Exchange:
    return Exchange(
        connection_id=connection_id,
        document_id=doc.id,
        operation=operation,
        document_version=doc.version,
        state=State.PENDING,
        attempts=0,
        progress={},
        problems={},
        created_at=now,
        updated_at=now,
    )


def _exchange_for(
    session: Session, connection_id: int, operation: str, doc: Document, now: datetime
) -> tuple[Exchange, bool]:
    """The exchange of this document version (and whether this call created it)."""
    key = (
        Exchange.connection_id == connection_id,
        Exchange.document_id == doc.id,
        Exchange.operation == operation,
        Exchange.document_version == doc.version,
    )
    exchange = session.scalar(select(Exchange).where(*key))
    if exchange is not None:
        return exchange, False
    exchange = _new_exchange(connection_id, operation, doc, now)
    try:
        with session.begin_nested():
            session.add(exchange)
    except IntegrityError:
        # Another planner inserted it first: work with its row.
        return session.scalars(select(Exchange).where(*key)).one(), False
    _inherit_uncertainty(session, exchange)
    _supersede_older(session, exchange, now)
    return exchange, True


def _inherit_uncertainty(session: Session, exchange: Exchange) -> None:
    """An older version whose send may have reached the target makes the new one look there
    first; one the target certainly holds (an id was checkpointed) passes its id on."""
    older = session.scalars(
        select(Exchange).where(
            Exchange.connection_id == exchange.connection_id,
            Exchange.document_id == exchange.document_id,
            Exchange.operation == exchange.operation,
            Exchange.document_version < exchange.document_version,
            Exchange.state.in_([State.PENDING, State.SENDING, State.RESPONSE_ERROR]),
        )
    ).all()
    for row in older:
        if row.external_id is not None:
            exchange.external_id = row.external_id
            exchange.reconcile_required = True
        elif row.reconcile_required or row.state == State.SENDING:
            exchange.reconcile_required = True


def _changed_after_delivery(
    exchange: Exchange, deliverer: Deliverer, doc: Document, external_id: str, now: datetime
) -> None:
    if deliverer.on_change is OnChange.DATA_ISSUE:
        message = deliverer.changed_after_delivery(doc, external_id)
        finish(exchange, State.DATA_ISSUE, Category.DATA_ISSUE, now, error=message)
    elif deliverer.on_change is OnChange.UPDATE:
        exchange.external_id = external_id
        exchange.progress = {"update": True}
    # OnChange.RESEND: the new version goes as a new document.


@dataclass
class Final:
    """What an attempt leaves its exchange as, written in one statement."""

    attempts: int
    external_id: str | None
    progress: dict[str, Any]
    reconcile_required: bool
    state: str = State.PENDING
    category: str | None = None
    error: str | None = None
    next_attempt_at: datetime | None = None
    updated_at: datetime | None = None
    problems: dict[str, Any] = field(default_factory=dict)  # a data issue's, one by one

    COLUMNS = (
        "attempts",
        "external_id",
        "progress",
        "reconcile_required",
        "state",
        "category",
        "error",
        "next_attempt_at",
        "updated_at",
        "problems",
    )

    def values(self) -> dict[str, Any]:
        """The columns by name."""
        return {name: getattr(self, name) for name in self.COLUMNS}


def finish(
    row: Exchange | Final, state: State, category: Category, now: datetime, *, error: str | None
) -> None:
    row.state = state
    row.category = category
    row.error = error
    row.next_attempt_at = None
    row.updated_at = now


def _supersede_older(session: Session, exchange: Exchange, now: datetime) -> None:
    """Older versions not yet delivered will never be: the newest version replaces them."""
    session.execute(
        update(Exchange)
        .where(
            Exchange.connection_id == exchange.connection_id,
            Exchange.document_id == exchange.document_id,
            Exchange.operation == exchange.operation,
            Exchange.document_version < exchange.document_version,
            or_(
                Exchange.state == State.PENDING,
                Exchange.state == State.DATA_ISSUE,
                Exchange.state == State.RESPONSE_ERROR,
            ),
            Exchange.external_id.is_(None),
        )
        .values(
            state=State.IGNORED,
            error=f"superseded by version {exchange.document_version}",
            updated_at=now,
        )
        .execution_options(synchronize_session=False)
    )
