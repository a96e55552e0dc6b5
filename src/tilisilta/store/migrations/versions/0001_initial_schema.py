"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-22 03:36:23.699329
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import tilisilta.store.types

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "company",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("business_id", sa.String(length=20), nullable=False),
        sa.Column("created_at", tilisilta.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_company")),
        sa.UniqueConstraint("business_id", name=op.f("uq_company_business_id")),
    )
    op.create_table(
        "connection",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("environment", sa.String(length=20), nullable=False),
        sa.Column("base_url", sa.String(length=500), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column(
            "options",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("secrets", sa.Text(), nullable=False),
        sa.Column("created_at", tilisilta.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", tilisilta.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"], ["company.id"], name=op.f("fk_connection_company_id_company")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_connection")),
        sa.UniqueConstraint("name", name=op.f("uq_connection_name")),
    )
    with op.batch_alter_table("connection", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_connection_company_id"), ["company_id"], unique=False)

    op.create_table(
        "document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("ref", sa.String(length=100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column(
            "payload",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", tilisilta.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", tilisilta.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"], ["company.id"], name=op.f("fk_document_company_id_company")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document")),
        sa.UniqueConstraint(
            "company_id", "kind", "ref", name=op.f("uq_document_company_id_kind_ref")
        ),
    )
    op.create_table(
        "binding",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("connection_id", sa.Integer(), nullable=False),
        sa.Column("local_kind", sa.String(length=30), nullable=False),
        sa.Column("local_id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=100), nullable=False),
        sa.Column("sent_hash", sa.String(length=64), nullable=True),
        sa.Column("sent_version", sa.Integer(), nullable=True),
        sa.Column("created_at", tilisilta.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["connection_id"], ["connection.id"], name=op.f("fk_binding_connection_id_connection")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_binding")),
        sa.UniqueConstraint(
            "connection_id",
            "local_kind",
            "external_id",
            name=op.f("uq_binding_connection_id_local_kind_external_id"),
        ),
        sa.UniqueConstraint(
            "connection_id",
            "local_kind",
            "local_id",
            name=op.f("uq_binding_connection_id_local_kind_local_id"),
        ),
    )
    op.create_table(
        "exchange",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("connection_id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("operation", sa.String(length=60), nullable=False),
        sa.Column("document_version", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(length=3), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("lease_owner", sa.String(length=200), nullable=True),
        sa.Column(
            "lease_expires_at", tilisilta.store.types.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column(
            "next_attempt_at", tilisilta.store.types.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("reconcile_required", sa.Boolean(), nullable=False),
        sa.Column("external_id", sa.String(length=100), nullable=True),
        sa.Column(
            "progress",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column(
            "problems",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", tilisilta.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", tilisilta.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["connection_id"], ["connection.id"], name=op.f("fk_exchange_connection_id_connection")
        ),
        sa.ForeignKeyConstraint(
            ["document_id"], ["document.id"], name=op.f("fk_exchange_document_id_document")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange")),
        sa.UniqueConstraint(
            "connection_id",
            "document_id",
            "operation",
            "document_version",
            name=op.f("uq_exchange_connection_id_document_id_operation_document_version"),
        ),
    )
    with op.batch_alter_table("exchange", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_exchange_document_id"), ["document_id"], unique=False)
        batch_op.create_index(
            "ix_exchange_due", ["connection_id", "state", "next_attempt_at"], unique=False
        )

    op.create_table(
        "exchange_call",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("exchange_id", sa.Integer(), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=10), nullable=False),
        sa.Column("url", sa.String(length=1000), nullable=False),
        sa.Column("request_body", sa.Text(), nullable=True),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("response_body", sa.Text(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("started_at", tilisilta.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["exchange_id"], ["exchange.id"], name=op.f("fk_exchange_call_exchange_id_exchange")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_call")),
    )
    with op.batch_alter_table("exchange_call", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_exchange_call_exchange_id"), ["exchange_id"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("exchange_call", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exchange_call_exchange_id"))

    op.drop_table("exchange_call")
    with op.batch_alter_table("exchange", schema=None) as batch_op:
        batch_op.drop_index("ix_exchange_due")
        batch_op.drop_index(batch_op.f("ix_exchange_document_id"))

    op.drop_table("exchange")
    op.drop_table("binding")
    op.drop_table("document")
    with op.batch_alter_table("connection", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_connection_company_id"))

    op.drop_table("connection")
    op.drop_table("company")
