"""The hub at a glance, per company and connection: what waits to be sent or retried, what a
person must look at, and what moved today. A handful of grouped queries, whatever the size of
the store."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tilisilta.ledger.outcomes import State
from tilisilta.ledger.planning import unsent_query
from tilisilta.store.documents import INVOICE
from tilisilta.store.models import Company, Connection, Exchange


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
    by_state: dict[tuple[int, str], int] = {
        (connection_id, state): count
        for connection_id, state, count in session.execute(
            select(Exchange.connection_id, Exchange.state, func.count())
            .where(Exchange.direction == "out")
            .group_by(Exchange.connection_id, Exchange.state)
        )
    }
    today: dict[tuple[int, str], int] = {
        (connection_id, direction): count
        for connection_id, direction, count in session.execute(
            select(Exchange.connection_id, Exchange.direction, func.count())
            .where(Exchange.state == State.SENT, Exchange.updated_at >= since)
            .group_by(Exchange.connection_id, Exchange.direction)
        )
    }
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
    are now (never sent, or changed since)."""
    query = unsent_query(connection_id, company_id, kind).subquery()
    return session.scalar(select(func.count()).select_from(query)) or 0
