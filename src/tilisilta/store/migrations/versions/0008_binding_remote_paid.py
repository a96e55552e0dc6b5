"""binding.remote_paid: the sum of the payments recorded for a bound invoice

An invoice is paid when its recorded payments reach its total. A fetch that reads only the days
since the last one (Netvisor's) must add what it records to what earlier fetches recorded, so the
sum is kept on the invoice's binding. Filled here from the payments recorded so far: a payment's
ref is ``<kind>:<connection id>:<remote id>`` and its payload names the invoice, so each binding
of an invoice that has a payment status gets the sum of its connection's positive payments for
that invoice's number.

On a big store this reads every recorded payment once.

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
document = sa.table(
    "document",
    sa.column("id", sa.Integer),
    sa.column("company_id", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("ref", sa.String),
    sa.column("payload", JSON),
)
binding = sa.table(
    "binding",
    sa.column("id", sa.Integer),
    sa.column("connection_id", sa.Integer),
    sa.column("local_kind", sa.String),
    sa.column("local_id", sa.Integer),
    sa.column("remote_status", sa.String),
    sa.column("remote_paid", sa.String),
)
PAYMENT_STATUSES = ("PAID", "PARTLY_PAID")


def upgrade() -> None:
    with op.batch_alter_table("binding", schema=None) as batch_op:
        batch_op.add_column(sa.Column("remote_paid", sa.String(length=40), nullable=True))
    bind = op.get_bind()
    paid = _recorded_sums(bind)
    if not paid:
        return
    bindings = bind.execute(
        sa.select(binding.c.id, binding.c.connection_id, document.c.ref)
        .join(document, document.c.id == binding.c.local_id)
        .where(binding.c.local_kind == "invoice", binding.c.remote_status.in_(PAYMENT_STATUSES))
    )
    updates = [
        {"binding_id": binding_id, "paid": str(paid[(connection_id, ref)])}
        for binding_id, connection_id, ref in bindings
        if (connection_id, ref) in paid
    ]
    if updates:
        bind.execute(
            binding.update()
            .where(binding.c.id == sa.bindparam("binding_id"))
            .values(remote_paid=sa.bindparam("paid")),
            updates,
        )


def _recorded_sums(bind: sa.Connection) -> dict[tuple[int, str], Decimal]:
    """(connection id, invoice number) → the sum of the positive payments recorded for it."""
    sums: dict[tuple[int, str], Decimal] = {}
    payments = sa.select(document.c.ref, document.c.payload).where(document.c.kind == "payment")
    rows = bind.execute(payments.execution_options(yield_per=1000))
    for ref, payload in rows:
        parts = str(ref).split(":")
        data: dict[str, Any] = payload if isinstance(payload, dict) else {}
        try:
            connection_id = int(parts[1])
            amount = Decimal(str(data["amount"]))
            number = str(data["invoice_number"])
        except (IndexError, KeyError, ValueError, InvalidOperation):
            continue  # not a payment this hub recorded from a connection
        if amount > 0:
            key = (connection_id, number)
            sums[key] = sums.get(key, Decimal(0)) + amount
    return sums


def downgrade() -> None:
    with op.batch_alter_table("binding", schema=None) as batch_op:
        batch_op.drop_column("remote_paid")
