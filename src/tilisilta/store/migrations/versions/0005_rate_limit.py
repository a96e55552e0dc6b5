"""rate_limit: each external account's rate limit, shared by every process and machine

One row per account key ("procountor:<client id>", "odoo:<url>:<database>"): the next free call
slot (GCRA), the adaptive rate and its ceiling, the pause a Retry-After asked for, when the rate
was last lowered, and counters of calls and 429s. Times are epoch seconds (floats), so the row
means the same on every database and in every time zone.

Procountor connections still holding the old default of 10 calls a second (half of what
Procountor documents) get the documented 20; the limiter now finds a lower real limit itself.
The downgrade leaves that setting as it is (20 is valid there too).

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import tilisilta.store.types

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
OLD_DEFAULT, DOCUMENTED = 10.0, 20.0

# The table as this migration sees it: only the columns it reads or writes.
connection = sa.table(
    "connection", sa.column("id", sa.Integer()), sa.column("kind"), sa.column("options", JSON)
)


def upgrade() -> None:
    op.create_table(
        "rate_limit",
        sa.Column("key", sa.String(length=600), nullable=False),
        sa.Column("next_slot", sa.Double(), nullable=False),
        sa.Column("rate", sa.Double(), nullable=False),
        sa.Column("ceiling", sa.Double(), nullable=False),
        sa.Column("paused_until", sa.Double(), nullable=False),
        sa.Column("decreased_at", sa.Double(), nullable=False),
        sa.Column("stamp", sa.Double(), nullable=False),
        sa.Column("calls", sa.BigInteger(), nullable=False),
        sa.Column("throttled", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", tilisilta.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_rate_limit")),
    )
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(connection.c.id, connection.c.options).where(connection.c.kind == "procountor")
    ).all()
    for connection_id, options in rows:
        if isinstance(options, dict) and options.get("rate_limit_per_second") == OLD_DEFAULT:
            bind.execute(
                connection.update()
                .where(connection.c.id == connection_id)
                .values(options={**options, "rate_limit_per_second": DOCUMENTED})
            )


def downgrade() -> None:
    op.drop_table("rate_limit")
