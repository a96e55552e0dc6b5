"""indexes for the log and the status: their cost follows what they show, not the history

The log reads the newest exchanges first, of all, of one category, of one connection or of
both: each an index on (…, updated_at, id) walked backwards, so the first 50 rows shown are the
first 50 read.
The status counts a connection's unsent invoices from two counts of index entries (the company's
invoices; the connection's bindings sent at the first version, a partial index) and a look at
the invoices changed since they were first stored (a partial index of the documents at a
version above 1), instead of joining every invoice with its binding.

On a big store, building the indexes reads the exchange, document and binding tables once.

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = (
    ("ix_exchange_log", "exchange", ["updated_at", "id"], None),
    ("ix_exchange_log_category", "exchange", ["category", "updated_at", "id"], None),
    ("ix_exchange_log_connection", "exchange", ["connection_id", "updated_at", "id"], None),
    (
        "ix_exchange_log_connection_category",
        "exchange",
        ["connection_id", "category", "updated_at", "id"],
        None,
    ),
    # Partial, so that a planner knowing nothing of the tables (PostgreSQL before its first
    # ANALYZE) never takes them for a lookup by key: the documents changed since first stored,
    # the bindings sent at a document's first version.
    ("ix_document_changed", "document", ["company_id", "kind"], "version > 1"),
    (
        "ix_binding_sent",
        "binding",
        ["connection_id", "local_kind", "sent_version"],
        "sent_version = 1",
    ),
)


def upgrade() -> None:
    for name, table, columns, where in INDEXES:
        only = sa.text(where) if where else None
        op.create_index(name, table, columns, sqlite_where=only, postgresql_where=only)


def downgrade() -> None:
    for name, table, _columns, _where in reversed(INDEXES):
        op.drop_index(name, table_name=table)
