"""The hub at a glance, per company and connection: what waits to be sent or retried, what a
person must look at, and what moved today. A handful of queries whose cost follows what they
count, not the history: the open exchanges (through ``ix_exchange_due``), today's (through
``ix_exchange_log``), and for unsent invoices two counts of index entries and a look at the
invoices changed since first stored (``unsent_count``)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from tilisilta.ledger.outcomes import State
from tilisilta.ledger.planning import CHANGED, SENT_FIRST
from tilisilta.store.documents import INVOICE
from tilisilta.store.models import Binding, Company, Connection, Document, Exchange

# The states an exchange is counted in; sent and ignored ones (nearly all of them) are not read.
OPEN = (State.PENDING, State.SENDING, State.DATA_ISSUE, State.RESPONSE_ERROR)


@dataclass
class ConnectionStatus:
    name: str
    kind: str
    state: str  # draft, validated
    unsent: int | None  # invoices not sent as they are; None: the connection sends none
    waiting: int = 0  # deliveries waiting for a retry
    data_issues: int = 0  # open: for a person to fix the data
    response_errors: int = 0  # refused by the remote
    sent_today: int = 0
    received_today: int = 0  # records read in today: invoices, payments, purchase invoices


@dataclass
class CompanyStatus:
    name: str
    business_id: str
    connections: list[ConnectionStatus] = field(default_factory=list)


def hub_status(
    session: Session, since: datetime, sends_invoices: Callable[[str], bool]
) -> list[CompanyStatus]:
    """Every company and connection; ``since`` is the start of today, ``sends_invoices(kind)``
    says whether a kind of connection sends invoices (then its unsent ones are counted)."""
    connection_ids = list(session.scalars(select(Connection.id)))
    by_state: dict[tuple[int, str], int] = {
        (connection_id, state): count
        for connection_id, state, count in session.execute(
            select(Exchange.connection_id, Exchange.state, func.count())
            .where(
                Exchange.connection_id.in_(connection_ids),
                Exchange.state.in_(OPEN),
                Exchange.direction == "out",
            )
            .group_by(Exchange.connection_id, Exchange.state)
        )
    }
    # Counted here, not grouped by the database: SQLite, knowing nothing of the table's sizes,
    # would rather read the whole table in the grouping's order than today's rows and sort them.
    today = Counter(
        (connection_id, direction)
        for connection_id, direction in session.execute(
            select(Exchange.connection_id, Exchange.direction).where(
                Exchange.updated_at >= since, Exchange.state == State.SENT
            )
        )
    )
    companies: list[CompanyStatus] = []
    for company in session.scalars(select(Company).order_by(Company.name)):
        status = CompanyStatus(company.name, company.business_id)
        connections = session.scalars(
            select(Connection).where(Connection.company_id == company.id).order_by(Connection.name)
        )
        for connection in connections:
            cid = connection.id
            status.connections.append(
                ConnectionStatus(
                    name=connection.name,
                    kind=connection.kind,
                    state=connection.state,
                    unsent=(
                        unsent_count(session, cid, company.id, INVOICE)
                        if sends_invoices(connection.kind)
                        else None
                    ),
                    waiting=by_state.get((cid, State.PENDING), 0)
                    + by_state.get((cid, State.SENDING), 0),
                    data_issues=by_state.get((cid, State.DATA_ISSUE), 0),
                    response_errors=by_state.get((cid, State.RESPONSE_ERROR), 0),
                    sent_today=today.get((cid, "out"), 0),
                    received_today=today.get((cid, "in"), 0),
                )
            )
        companies.append(status)
    return companies


def unsent_count(session: Session, connection_id: int, company_id: int, kind: str) -> int:
    """How many of the company's documents of ``kind`` the connection has not sent as they
    are now (never sent, or changed since): the count of ``ledger.planning.unsent_query``,
    without joining every document with its binding.

    A binding of a delivered document keeps the version it sent beside its hash
    (``ledger.binder.bind_sent``), a connection's bindings are of its company's documents, and
    a document's hash changes only with its version (``store.documents``): so a document still
    at its first version was sent as it is exactly when its binding says version 1 was sent.
    What is read: the company's documents of the kind and the connection's bindings sent at
    version 1, counted in their indexes, and only the documents changed since first stored
    (version above 1) with their bindings, compared by hash. ``tests/integration/
    test_log_status_cost.py`` holds it to the planner's count through every kind of change."""
    documents = session.scalar(
        select(func.count())
        .select_from(Document)
        .where(Document.company_id == company_id, Document.kind == kind)
    )
    sent_first = session.scalar(
        select(func.count())
        .select_from(Binding)
        .where(Binding.connection_id == connection_id, Binding.local_kind == kind, SENT_FIRST)
    )

    # Of the documents changed since (few: read through the partial index, each binding looked
    # up by its key), those whose binding says version 1 (counted above, but no longer as they
    # are), and those sent as they are now.
    def bound(column: Any) -> Any:
        return (
            select(column)
            .where(
                Binding.connection_id == connection_id,
                Binding.local_kind == kind,
                Binding.local_id == Document.id,
            )
            .scalar_subquery()
        )

    changed = (
        select(
            bound(Binding.sent_version).label("sent_version"),
            (bound(Binding.sent_hash) == Document.content_hash).label("as_it_is"),
        )
        .where(Document.company_id == company_id, Document.kind == kind, CHANGED)
        .subquery()
    )
    changed_after_first, sent_as_they_are = session.execute(
        select(
            func.count(case((changed.c.sent_version == 1, 1))),
            func.count(case((changed.c.as_it_is, 1))),
        )
    ).one()
    sent = (sent_first or 0) - changed_after_first + sent_as_they_are
    return (documents or 0) - sent
