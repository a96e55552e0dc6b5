"""binding.remote_status: what the hub last learned of a bound record (payments)

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Batch mode: SQLite cannot alter tables in place; on PostgreSQL it is a plain ALTER TABLE.
    with op.batch_alter_table("binding", schema=None) as batch_op:
        batch_op.add_column(sa.Column("remote_status", sa.String(length=30), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("binding", schema=None) as batch_op:
        batch_op.drop_column("remote_status")
