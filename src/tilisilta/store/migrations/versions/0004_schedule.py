"""schedule: each connection's scheduled actions, their timing and their last run

One row per (connection, schedule name), made from what the connection's kind declares
(``Connector.schedules``) the first time the schedules are read. A person's choices (enabled,
interval or cron) live beside the runner's state (next run, the claim of the process running
it, the last run's outcome and counts).

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import tilisilta.store.types

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _when(name: str) -> sa.Column[object]:
    return sa.Column(name, tilisilta.store.types.UTCDateTime(timezone=True), nullable=True)


def upgrade() -> None:
    op.create_table(
        "schedule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("connection_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("interval_seconds", sa.Integer(), nullable=True),
        sa.Column("cron", sa.String(length=100), nullable=True),
        _when("next_run_at"),
        sa.Column("run_requested", sa.Boolean(), nullable=False),
        sa.Column("claimed_by", sa.String(length=200), nullable=True),
        _when("claimed_until"),
        _when("last_started_at"),
        _when("last_finished_at"),
        sa.Column("last_outcome", sa.String(length=20), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("last_counts", JSON, nullable=False),
        sa.Column("runs", sa.Integer(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("created_at", tilisilta.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", tilisilta.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["connection.id"],
            name=op.f("fk_schedule_connection_id_connection"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schedule")),
        sa.UniqueConstraint("connection_id", "name", name=op.f("uq_schedule_connection_id_name")),
    )
    op.create_index(op.f("ix_schedule_next_run_at"), "schedule", ["next_run_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_schedule_next_run_at"), table_name="schedule")
    op.drop_table("schedule")
