"""the bindings sent at a document's first version, by local id: finding a backlog reads indexes

A sending run asks once which documents the connection has not sent as they are now. The
documents still at their first version are those not among the local ids of the bindings sent at
version 1, a partial index read whole into a list the documents' own index is then checked
against; no binding is looked up document by document. The status counts the same index.

On a big store, building the index reads the binding table once.

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SENT_FIRST = sa.text("sent_version = 1")


def upgrade() -> None:
    op.drop_index("ix_binding_sent", table_name="binding")
    op.create_index(
        "ix_binding_sent_first",
        "binding",
        # sent_version too, though the condition fixes it: SQLite reads a column it tests from
        # the index only if the index holds it.
        ["connection_id", "local_kind", "local_id", "sent_version"],
        sqlite_where=SENT_FIRST,
        postgresql_where=SENT_FIRST,
    )


def downgrade() -> None:
    op.drop_index("ix_binding_sent_first", table_name="binding")
    op.create_index(
        "ix_binding_sent",
        "binding",
        ["connection_id", "local_kind", "sent_version"],
        sqlite_where=SENT_FIRST,
        postgresql_where=SENT_FIRST,
    )
