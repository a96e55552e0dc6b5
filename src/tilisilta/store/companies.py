"""Companies and their connections."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tilisilta.crypto import SecretBox
from tilisilta.domain.documents import Seller
from tilisilta.domain.identifiers import (
    business_id_error,
    normalize_business_id,
    vat_number_for_business_id,
)
from tilisilta.fixes import fix
from tilisilta.store.models import Company, Connection


class NotFound(LookupError):
    pass


class Conflict(ValueError):
    pass


def create_company(session: Session, name: str, business_id: str, now: datetime) -> Company:
    error = business_id_error(business_id)
    if error:
        raise ValueError(f"company {name!r}: {error}")
    business_id = normalize_business_id(business_id)
    if session.scalar(select(Company).where(Company.business_id == business_id)):
        raise Conflict(f"a company with business ID {business_id} already exists")
    company = Company(name=name.strip(), business_id=business_id, created_at=now)
    session.add(company)
    session.flush()
    return company


def find_company(session: Session, key: str) -> Company:
    """By business ID, numeric id or exact name."""
    stmt = select(Company)
    if key.isdigit():
        found = session.get(Company, int(key))
    else:
        found = session.scalar(stmt.where(Company.business_id == key)) or session.scalar(
            stmt.where(Company.name == key)
        )
    if found is None:
        raise NotFound(f"no company {key!r}; the companies are listed by {fix('company.list')}")
    return found


def seller_of(company: Company) -> Seller:
    """The company as the seller printed on its invoices."""
    return Seller(
        name=company.name,
        business_id=company.business_id,
        vat_number=vat_number_for_business_id(company.business_id),
    )


def list_companies(session: Session) -> list[Company]:
    return list(session.scalars(select(Company).order_by(Company.id)))


def add_connection(
    session: Session,
    box: SecretBox,
    *,
    company: Company,
    name: str,
    kind: str,
    environment: str,
    base_url: str,
    options: dict[str, Any],
    secrets: dict[str, str],
    now: datetime,
) -> Connection:
    if session.scalar(select(Connection).where(Connection.name == name)):
        raise Conflict(f"a connection named {name!r} already exists")
    connection = Connection(
        company_id=company.id,
        name=name,
        kind=kind,
        environment=environment,
        base_url=base_url.rstrip("/"),
        state="draft",
        options=options,
        secrets=box.seal(secrets),
        created_at=now,
        updated_at=now,
    )
    session.add(connection)
    session.flush()
    return connection


def find_connection(session: Session, name: str) -> Connection:
    found = session.scalar(select(Connection).where(Connection.name == name))
    if found is None:
        raise NotFound(
            f"no connection {name!r}; the connections are listed by {fix('connection.list')}"
        )
    return found


def list_connections(session: Session) -> list[Connection]:
    return list(session.scalars(select(Connection).order_by(Connection.id)))


def duplicate_connection(
    session: Session, source: Connection, *, name: str, company: Company, now: datetime
) -> Connection:
    """A copy for another company (or a second account): same settings, state back to draft."""
    if session.scalar(select(Connection).where(Connection.name == name)):
        raise Conflict(f"a connection named {name!r} already exists")
    copy = Connection(
        company_id=company.id,
        name=name,
        kind=source.kind,
        environment=source.environment,
        base_url=source.base_url,
        state="draft",
        options=dict(source.options),
        secrets=source.secrets,
        created_at=now,
        updated_at=now,
    )
    session.add(copy)
    session.flush()
    return copy


def rotate_secrets(session: Session, box: SecretBox) -> int:
    """Re-encrypt every connection's secrets with the newest key."""
    count = 0
    for connection in session.scalars(select(Connection)):
        connection.secrets = box.rotate(connection.secrets)
        count += 1
    return count
