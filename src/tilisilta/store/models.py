"""The tables. Companies own connections and documents; exchanges are the delivery ledger."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from tilisilta.store.types import JSONType, UTCDateTime

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSONType,
    }


class Company(Base):
    __tablename__ = "company"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    business_id: Mapped[str] = mapped_column(String(20), unique=True)
    created_at: Mapped[datetime]

    connections: Mapped[list[Connection]] = relationship(back_populates="company")


class Connection(Base):
    """A company's link to one external system. Secrets live encrypted in ``secrets``."""

    __tablename__ = "connection"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id"), index=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    environment: Mapped[str] = mapped_column(String(20))
    base_url: Mapped[str] = mapped_column(String(500))
    state: Mapped[str] = mapped_column(String(20), default="draft")
    options: Mapped[dict[str, Any]] = mapped_column(default=dict)
    secrets: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    company: Mapped[Company] = relationship(back_populates="connections")


class Document(Base):
    """A canonical document as last received from the ERP; ``version`` grows when it changes."""

    __tablename__ = "document"
    __table_args__ = (
        UniqueConstraint("company_id", "kind", "ref"),
        # The documents changed since first stored (``ledger/status.unsent_count``): partial,
        # so that no planner takes it for anything else.
        Index(
            "ix_document_changed",
            "company_id",
            "kind",
            sqlite_where=text("version > 1"),
            postgresql_where=text("version > 1"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id"))
    kind: Mapped[str] = mapped_column(String(30))
    ref: Mapped[str] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer, default=1)
    content_hash: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Exchange(Base):
    """One delivery of one document version over one connection: the ledger row."""

    __tablename__ = "exchange"
    __table_args__ = (
        UniqueConstraint("connection_id", "document_id", "operation", "document_version"),
        Index("ix_exchange_due", "connection_id", "state", "next_attempt_at"),
        # The log, newest first: all of it, of one category, of one connection, of both.
        Index("ix_exchange_log", "updated_at", "id"),
        Index("ix_exchange_log_category", "category", "updated_at", "id"),
        Index("ix_exchange_log_connection", "connection_id", "updated_at", "id"),
        Index(
            "ix_exchange_log_connection_category", "connection_id", "category", "updated_at", "id"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    connection_id: Mapped[int] = mapped_column(ForeignKey("connection.id"))
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), index=True)
    operation: Mapped[str] = mapped_column(String(60))
    document_version: Mapped[int] = mapped_column(Integer)
    direction: Mapped[str] = mapped_column(String(3), default="out")
    state: Mapped[str] = mapped_column(String(20), default="pending")
    category: Mapped[str | None] = mapped_column(String(20), default=None)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_owner: Mapped[str | None] = mapped_column(String(200), default=None)
    lease_expires_at: Mapped[datetime | None] = mapped_column(default=None)
    next_attempt_at: Mapped[datetime | None] = mapped_column(default=None)
    reconcile_required: Mapped[bool] = mapped_column(Boolean, default=False)
    external_id: Mapped[str | None] = mapped_column(String(100), default=None)
    progress: Mapped[dict[str, Any]] = mapped_column(default=dict)
    error: Mapped[str | None] = mapped_column(Text, default=None)
    problems: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    calls: Mapped[list[ExchangeCall]] = relationship(
        order_by="ExchangeCall.id", cascade="all, delete-orphan"
    )


class ExchangeCall(Base):
    """One HTTP call made for an exchange, redacted before it is stored."""

    __tablename__ = "exchange_call"

    id: Mapped[int] = mapped_column(primary_key=True)
    exchange_id: Mapped[int] = mapped_column(ForeignKey("exchange.id"), index=True)
    attempt: Mapped[int] = mapped_column(Integer)
    method: Mapped[str] = mapped_column(String(10))
    url: Mapped[str] = mapped_column(String(1000))
    request_body: Mapped[str | None] = mapped_column(Text, default=None)
    status: Mapped[int | None] = mapped_column(Integer, default=None)
    response_body: Mapped[str | None] = mapped_column(Text, default=None)
    error: Mapped[str | None] = mapped_column(Text, default=None)
    started_at: Mapped[datetime]
    duration_ms: Mapped[int] = mapped_column(Integer, default=0)


class Binding(Base):
    """Local document X is external record Y on connection C. Unique both ways."""

    __tablename__ = "binding"
    __table_args__ = (
        UniqueConstraint("connection_id", "local_kind", "local_id"),
        UniqueConstraint("connection_id", "local_kind", "external_id"),
        # The documents sent at their first version: counted by the status
        # (``ledger/status.unsent_count``), their ids read whole by a sending run
        # (``ledger/planning.unsent_ids``). Partial, so that no planner takes it for a lookup by
        # key; sent_version last, so that it covers the condition as well.
        Index(
            "ix_binding_sent_first",
            "connection_id",
            "local_kind",
            "local_id",
            "sent_version",
            sqlite_where=text("sent_version = 1"),
            postgresql_where=text("sent_version = 1"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    connection_id: Mapped[int] = mapped_column(ForeignKey("connection.id"))
    local_kind: Mapped[str] = mapped_column(String(30))
    local_id: Mapped[int] = mapped_column(Integer)
    external_id: Mapped[str] = mapped_column(String(100))
    # What the hub sent: the content hash and the document version it was sent at.
    sent_hash: Mapped[str | None] = mapped_column(String(64), default=None)
    sent_version: Mapped[int | None] = mapped_column(Integer, default=None)
    # The remote record's version the hub last stored (e.g. an Odoo move's write_date), so a pull
    # can tell a record it already has from one changed there.
    inbound_version: Mapped[str | None] = mapped_column(String(64), default=None)
    # The remote record's status as the hub last learned it (e.g. a Procountor invoice's
    # PARTLY_PAID, PAID), so that scheduled reads can leave finished records alone.
    remote_status: Mapped[str | None] = mapped_column(String(30), default=None)
    # The sum of the payments the hub has recorded for the bound invoice, a decimal as text
    # (exact on both databases): what it has been paid, whichever days a fetch reads.
    remote_paid: Mapped[str | None] = mapped_column(String(40), default=None)
    created_at: Mapped[datetime]


class ConnectionState(Base):
    """Runtime state of a connection written by its flows, one row per key (a pull cursor, the
    detected remote version, settings fetched from the remote), apart from the options a person
    sets: a flow updating its state never rewrites, or races with, the connection's options."""

    __tablename__ = "connection_state"
    __table_args__ = (UniqueConstraint("connection_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    connection_id: Mapped[int] = mapped_column(ForeignKey("connection.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(200))
    value: Mapped[Any] = mapped_column(JSONType, nullable=False)
    updated_at: Mapped[datetime]


class Schedule(Base):
    """One scheduled action of a connection (declared by its kind: ``Connector.schedules``): a
    person's choices (enabled, every so many seconds or a cron expression) beside the runner's
    state. ``claimed_by``/``claimed_until`` is the lease of the process running it, so that one
    period runs once however many runners there are, and a killed runner's claim lapses."""

    __tablename__ = "schedule"
    __table_args__ = (UniqueConstraint("connection_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    connection_id: Mapped[int] = mapped_column(ForeignKey("connection.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(60))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    interval_seconds: Mapped[int | None] = mapped_column(Integer, default=None)
    cron: Mapped[str | None] = mapped_column(String(100), default=None)
    next_run_at: Mapped[datetime | None] = mapped_column(default=None, index=True)
    run_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    claimed_by: Mapped[str | None] = mapped_column(String(200), default=None)
    claimed_until: Mapped[datetime | None] = mapped_column(default=None)
    last_started_at: Mapped[datetime | None] = mapped_column(default=None)
    last_finished_at: Mapped[datetime | None] = mapped_column(default=None)
    last_outcome: Mapped[str | None] = mapped_column(String(20), default=None)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    last_counts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    runs: Mapped[int] = mapped_column(Integer, default=0)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class RateLimit(Base):
    """An external account's rate limit (``store/rate_limits.py``), shared by every process on
    every machine using this database: the next free call slot (GCRA), the adaptive rate, the
    pause a Retry-After asked for, and counters. Times are epoch seconds."""

    __tablename__ = "rate_limit"

    key: Mapped[str] = mapped_column(String(600), primary_key=True)  # "procountor:<client id>"
    next_slot: Mapped[float]
    rate: Mapped[float]
    ceiling: Mapped[float]
    paused_until: Mapped[float] = mapped_column(default=0.0)
    decreased_at: Mapped[float] = mapped_column(default=0.0)
    stamp: Mapped[float]
    calls: Mapped[int] = mapped_column(BigInteger, default=0)
    throttled: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[datetime]
