"""binding.inbound_version and connection_state: runtime state apart from what a person set

Before this, ``binding.remote_status`` held two things: a Procountor invoice's payment status
(PAID, PARTLY_PAID…) and, for Odoo, the write_date of the move version the hub stored. The
latter moves to ``binding.inbound_version``. And ``connection.options`` held, beside a person's
settings, state written by flows: the Odoo pull cursors (``cursors``) and detected version
(``version``), and Procountor's fetched VAT defaults (``vat_settings``). Those move to
``connection_state`` rows (``cursor:<model>``, ``version``, ``vat_settings``). The downgrade
puts everything back where it was.

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import tilisilta.store.types

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
CURSOR = "cursor:"

# The tables as this migration sees them: only the columns it reads or writes.
connection = sa.table(
    "connection", sa.column("id", sa.Integer()), sa.column("kind"), sa.column("options", JSON)
)
binding = sa.table(
    "binding",
    sa.column("connection_id", sa.Integer()),
    sa.column("remote_status"),
    sa.column("inbound_version"),
)
connection_state = sa.table(
    "connection_state",
    sa.column("connection_id", sa.Integer()),
    sa.column("key"),
    sa.column("value", JSON),
    sa.column("updated_at", tilisilta.store.types.UTCDateTime(timezone=True)),
)
odoo_bindings = binding.c.connection_id.in_(
    sa.select(connection.c.id).where(connection.c.kind == "odoo")
)


def _state_of(kind: str, options: dict[str, Any]) -> dict[str, Any]:
    """The runtime keys taken out of ``options`` (which loses them), as state rows' values."""
    state: dict[str, Any] = {}
    if kind == "odoo":
        for model, cursor in (options.pop("cursors", None) or {}).items():
            state[CURSOR + model] = cursor
        version = options.pop("version", None)
        if version is not None:
            state["version"] = version
    elif kind == "procountor":
        vat_settings = options.pop("vat_settings", None)
        if vat_settings is not None:
            state["vat_settings"] = vat_settings
    return state


def _options_of(kind: str, state: dict[str, Any]) -> dict[str, Any]:
    """The options keys the old code kept the state in."""
    if kind == "odoo":
        cursors = {k[len(CURSOR) :]: v for k, v in state.items() if k.startswith(CURSOR)}
        restored: dict[str, Any] = {"cursors": cursors} if cursors else {}
        if "version" in state:
            restored["version"] = state["version"]
        return restored
    if kind == "procountor" and "vat_settings" in state:
        return {"vat_settings": state["vat_settings"]}
    return {}


def upgrade() -> None:
    with op.batch_alter_table("binding", schema=None) as batch_op:
        batch_op.add_column(sa.Column("inbound_version", sa.String(length=64), nullable=True))
    op.create_table(
        "connection_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("connection_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("value", JSON, nullable=False),
        sa.Column("updated_at", tilisilta.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["connection.id"],
            name=op.f("fk_connection_state_connection_id_connection"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_connection_state")),
        sa.UniqueConstraint(
            "connection_id", "key", name=op.f("uq_connection_state_connection_id_key")
        ),
    )

    db = op.get_bind()
    # An Odoo binding's remote_status was the write_date of the version stored.
    db.execute(
        binding.update()
        .where(odoo_bindings, binding.c.remote_status.is_not(None))
        .values(inbound_version=binding.c.remote_status, remote_status=None)
    )
    now = datetime.now(UTC)
    rows: list[dict[str, Any]] = []
    for connection_id, kind, stored in db.execute(
        sa.select(connection.c.id, connection.c.kind, connection.c.options)
    ).all():
        options = dict(stored or {})
        state = _state_of(kind, options)
        if options == (stored or {}):
            continue
        db.execute(
            connection.update().where(connection.c.id == connection_id).values(options=options)
        )
        rows += [
            {"connection_id": connection_id, "key": key, "value": value, "updated_at": now}
            for key, value in state.items()
        ]
    if rows:
        op.bulk_insert(connection_state, rows)


def downgrade() -> None:
    db = op.get_bind()
    states: dict[int, dict[str, Any]] = {}
    for connection_id, key, value in db.execute(
        sa.select(
            connection_state.c.connection_id, connection_state.c.key, connection_state.c.value
        )
    ).all():
        states.setdefault(connection_id, {})[key] = value
    for connection_id, kind, stored in db.execute(
        sa.select(connection.c.id, connection.c.kind, connection.c.options).where(
            connection.c.id.in_(list(states))
        )
    ).all():
        restored = _options_of(kind, states[connection_id])
        if restored:
            db.execute(
                connection.update()
                .where(connection.c.id == connection_id)
                .values(options={**(stored or {}), **restored})
            )
    db.execute(
        binding.update()
        .where(odoo_bindings, binding.c.inbound_version.is_not(None))
        .values(remote_status=binding.c.inbound_version)
    )

    op.drop_table("connection_state")
    with op.batch_alter_table("binding", schema=None) as batch_op:
        batch_op.drop_column("inbound_version")
