"""Migrations carry existing data over, on SQLite and PostgreSQL; the connection state store."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.dialects import postgresql

from tilisilta.connectors.odoo.options import Cursor, OdooOptions
from tilisilta.connectors.odoo.state import load_cursor
from tilisilta.connectors.procountor.options import ProcountorOptions
from tilisilta.connectors.procountor.state import load_vat_settings
from tilisilta.store import connection_state
from tilisilta.store.engine import Store, alembic_config
from tilisilta.store.types import UTCDateTime

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
WHEN = datetime(2026, 6, 15, 7, 0, tzinfo=UTC)

# The tables as revision 0002 had them (only what the rows below need).
metadata = sa.MetaData()
company = sa.Table(
    "company",
    metadata,
    sa.Column("id", sa.Integer),
    sa.Column("name", sa.String),
    sa.Column("business_id", sa.String),
    sa.Column("created_at", UTCDateTime()),
)
connection = sa.Table(
    "connection",
    metadata,
    sa.Column("id", sa.Integer),
    sa.Column("company_id", sa.Integer),
    sa.Column("name", sa.String),
    sa.Column("kind", sa.String),
    sa.Column("environment", sa.String),
    sa.Column("base_url", sa.String),
    sa.Column("state", sa.String),
    sa.Column("options", JSON),
    sa.Column("secrets", sa.Text),
    sa.Column("created_at", UTCDateTime()),
    sa.Column("updated_at", UTCDateTime()),
)
binding = sa.Table(
    "binding",
    metadata,
    sa.Column("id", sa.Integer),
    sa.Column("connection_id", sa.Integer),
    sa.Column("local_kind", sa.String),
    sa.Column("local_id", sa.Integer),
    sa.Column("external_id", sa.String),
    sa.Column("sent_hash", sa.String),
    sa.Column("sent_version", sa.Integer),
    sa.Column("remote_status", sa.String),
    sa.Column("created_at", UTCDateTime()),
)

VAT_SETTINGS = {
    "sales_percentages": ["0", "10", "13.5", "25.5"],
    "statuses": [
        {"status": 1, "description": "Domestic", "sales": True, "purchase": True},
        {"status": 6, "description": "EU purchases (goods)", "sales": False, "purchase": True},
    ],
}
CURSORS = {
    "account.move": {"write_date": "2026-06-15 06:59:58", "id": 41, "resume": False},
    "res.partner": {"write_date": "2026-06-14 12:00:00", "id": 7, "resume": True},
}
# As the code before revision 0003 wrote them: runtime state inside the options.
OLD_OPTIONS: dict[int, dict[str, Any]] = {
    1: {  # Procountor, VAT defaults fetched
        "client_id": "hub",
        "redirect_uri": "http://localhost/cb",
        "sending": "approve",
        "vat_statuses": {"domestic": 1, "eu_goods": 5},
        "vat_settings": VAT_SETTINGS,
        "create_customers": True,
    },
    2: {  # Odoo, tested and pulled
        "database": "db",
        "login": "bot",
        "odoo_company_id": 1,
        "protocol": "auto",
        "version": "17.0",
        "page_size": 200,
        "tax_treatments": {"12": "exempt"},
        "cursors": CURSORS,
    },
    3: {  # Odoo, added and never tested nor pulled: the old defaults only
        "database": "db2",
        "login": "bot",
        "odoo_company_id": 2,
        "version": None,
        "cursors": {},
    },
    4: {  # Procountor, VAT defaults never fetched
        "client_id": "hub",
        "redirect_uri": "http://localhost/cb",
        "vat_settings": None,
    },
}
KINDS = {1: "procountor", 2: "odoo", 3: "odoo", 4: "procountor"}
# binding id → (connection, remote_status as the old code wrote it)
OLD_BINDINGS = {
    1: (1, "PAID"),  # a Procountor invoice's payment status
    2: (1, None),
    3: (2, "2026-06-15 06:59:58"),  # an Odoo move's write_date, the version the hub stored
    4: (2, None),
}


@pytest.fixture
def old_store(database_url: str) -> Iterator[Store]:
    """A database at revision 0002 holding rows as the code of that time wrote them."""
    store = Store(database_url)
    store.upgrade("0002")
    with store.engine.begin() as conn:
        conn.execute(
            company.insert().values(id=1, name="Demo Oy", business_id="2077474-0", created_at=WHEN)
        )
        for connection_id, options in OLD_OPTIONS.items():
            conn.execute(
                connection.insert().values(
                    id=connection_id,
                    company_id=1,
                    name=f"c{connection_id}",
                    kind=KINDS[connection_id],
                    environment="sandbox",
                    base_url="http://127.0.0.1/api",
                    state="validated",
                    options=options,
                    secrets="sealed",
                    created_at=WHEN,
                    updated_at=WHEN,
                )
            )
        for binding_id, (connection_id, status) in OLD_BINDINGS.items():
            conn.execute(
                binding.insert().values(
                    id=binding_id,
                    connection_id=connection_id,
                    local_kind="invoice",
                    local_id=binding_id,
                    external_id=str(100 + binding_id),
                    sent_hash="h" if KINDS[connection_id] == "procountor" else None,
                    sent_version=1 if KINDS[connection_id] == "procountor" else None,
                    remote_status=status,
                    created_at=WHEN,
                )
            )
    yield store
    store.dispose()


def _options(store: Store) -> dict[int, dict[str, Any]]:
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(connection.c.id, connection.c.options)).all()
    return {connection_id: options for connection_id, options in rows}


def _bindings(store: Store) -> dict[int, tuple[Any, ...]]:
    """Binding id → (remote_status, and inbound_version where the column exists)."""
    columns: list[Any] = [binding.c.id, binding.c.remote_status]
    with store.engine.connect() as conn:
        if any(c["name"] == "inbound_version" for c in sa.inspect(conn).get_columns("binding")):
            columns.append(sa.column("inbound_version"))
        rows = conn.execute(sa.select(*columns).select_from(binding)).all()
    return {row[0]: tuple(row[1:]) for row in rows}


def test_0003_moves_odoo_versions_and_runtime_state_out_and_back(old_store: Store) -> None:
    store = old_store
    store.upgrade()

    # Bindings: an Odoo write_date is the inbound version now; a Procountor status stays.
    assert _bindings(store) == {
        1: ("PAID", None),
        2: (None, None),
        3: (None, "2026-06-15 06:59:58"),
        4: (None, None),
    }

    # Options keep only what a person set; runtime state is in connection_state.
    options = _options(store)
    assert options[1] == {k: v for k, v in OLD_OPTIONS[1].items() if k != "vat_settings"}
    assert options[2] == {
        k: v for k, v in OLD_OPTIONS[2].items() if k not in ("version", "cursors")
    }
    assert options[3] == {"database": "db2", "login": "bot", "odoo_company_id": 2}
    assert options[4] == {"client_id": "hub", "redirect_uri": "http://localhost/cb"}
    with store.session() as session:
        assert connection_state.read_all(session, 1) == {"vat_settings": VAT_SETTINGS}
        assert connection_state.read_all(session, 2) == {
            "cursor:account.move": CURSORS["account.move"],
            "cursor:res.partner": CURSORS["res.partner"],
            "version": "17.0",
        }
        assert connection_state.read_all(session, 3) == {}
        assert connection_state.read_all(session, 4) == {}
        # The code of this revision reads them where they landed, and the options validate
        # against the models, which forbid unknown keys.
        vat = load_vat_settings(session, 1)
        assert vat is not None and vat.sales_status(1) and not vat.sales_status(6)
        assert load_cursor(session, 2, "res.partner") == Cursor(
            write_date="2026-06-14 12:00:00", id=7, resume=True
        )
        assert load_cursor(session, 3, "account.move") is None
    ProcountorOptions.model_validate(options[1])
    OdooOptions.model_validate(options[2])

    command.downgrade(alembic_config(store), "0002")
    assert _bindings(store) == {b: (status,) for b, (_c, status) in OLD_BINDINGS.items()}
    options = _options(store)
    assert options[1] == OLD_OPTIONS[1]
    assert options[2] == OLD_OPTIONS[2]
    # Empty state was never stored: the old defaults it stood for are what the old code reads.
    assert options[3] == {"database": "db2", "login": "bot", "odoo_company_id": 2}
    assert options[4] == {"client_id": "hub", "redirect_uri": "http://localhost/cb"}
    with store.engine.connect() as conn:
        assert "connection_state" not in sa.inspect(conn).get_table_names()

    store.upgrade()  # and up again: the same result
    with store.session() as session:
        assert connection_state.get(session, 2, "version") == "17.0"
    assert _bindings(store)[3] == (None, "2026-06-15 06:59:58")


def test_state_is_put_as_an_upsert_and_read_back(old_store: Store) -> None:
    store = old_store
    store.upgrade()
    with store.session() as session:
        assert connection_state.get(session, 4, "cursor:x") is None
        connection_state.put(session, 4, "cursor:x", {"id": 1}, WHEN)
        connection_state.put(session, 4, "note", "text", WHEN)
    later = WHEN + timedelta(minutes=5)
    with store.session() as session:
        connection_state.put(session, 4, "cursor:x", {"id": 2, "resume": True}, later)
    with store.session() as session:
        assert connection_state.read_all(session, 4) == {
            "cursor:x": {"id": 2, "resume": True},
            "note": "text",
        }
        assert connection_state.read_all(session, 3) == {}
        stamps = session.execute(
            sa.text("SELECT key, updated_at FROM connection_state WHERE connection_id = 4")
        ).all()
    assert len(stamps) == 2  # one row per key, replaced in place


document = sa.Table(
    "document",
    sa.MetaData(),
    sa.Column("id", sa.Integer),
    sa.Column("company_id", sa.Integer),
    sa.Column("kind", sa.String),
    sa.Column("ref", sa.String),
    sa.Column("version", sa.Integer),
    sa.Column("content_hash", sa.String),
    sa.Column("payload", JSON),
    sa.Column("created_at", UTCDateTime()),
    sa.Column("updated_at", UTCDateTime()),
)


def test_0008_sums_the_payments_recorded_for_each_invoice_on_its_binding(
    old_store: Store,
) -> None:
    store = old_store
    store.upgrade("0007")
    rows = [  # (id, kind, ref, payload)
        (1, "invoice", "1001", {"number": "1001"}),  # binding 1: Procountor, PAID
        (2, "invoice", "1002", {"number": "1002"}),  # binding 2: Procountor, nothing paid
        (11, "payment", "procountor:1:ev1", {"invoice_number": "1001", "amount": "100.00"}),
        (12, "payment", "procountor:1:ev2", {"invoice_number": "1001", "amount": "264.77"}),
        (13, "payment", "procountor:1:ev3", {"invoice_number": "1001", "amount": "-20.00"}),
        (14, "payment", "procountor:4:ev9", {"invoice_number": "1001", "amount": "5.00"}),
    ]
    with store.engine.begin() as conn:
        for doc_id, kind, ref, payload in rows:
            conn.execute(
                document.insert().values(
                    id=doc_id, company_id=1, kind=kind, ref=ref, version=1, content_hash="h",
                    payload=payload, created_at=WHEN, updated_at=WHEN,
                )
            )  # fmt: skip
    store.upgrade()

    paid = sa.select(binding.c.id, sa.column("remote_paid")).select_from(binding)
    with store.engine.connect() as conn:
        assert dict(conn.execute(paid).all()) == {1: "364.77", 2: None, 3: None, 4: None}
    command.downgrade(alembic_config(store), "0007")
    with store.engine.connect() as conn:
        columns = {c["name"] for c in sa.inspect(conn).get_columns("binding")}
    assert "remote_paid" not in columns
