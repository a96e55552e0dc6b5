"""Moving the hub between databases (`tilisilta db copy`): SQLite to PostgreSQL and back, with
every company, connection, document, binding, exchange and call kept as it was."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from tests.conftest import _postgres_database
from tilisilta.cli.main import app
from tilisilta.clock import ManualClock
from tilisilta.crypto import SecretBox
from tilisilta.domain.documents import JournalType, Payment
from tilisilta.ledger.binder import bind_sent
from tilisilta.store import companies as repo
from tilisilta.store import connection_state
from tilisilta.store.copy import CopyRefused, copy_database
from tilisilta.store.engine import Store
from tilisilta.store.models import Base, Exchange, ExchangeCall
from tilisilta.store.payments import upsert_payment


@pytest.fixture
def postgres_url() -> Iterator[str]:
    yield from _postgres_database()


def fill(store: Store, box: SecretBox, clock: ManualClock) -> None:
    """A hub with history: a company, a connection with state, a payment sent and bound, an
    exchange with its recorded call."""
    now = clock.now()
    with store.session() as session:
        company = repo.create_company(session, "Demo Oy", "2077474-0", now)
        connection = repo.add_connection(
            session,
            box,
            company=company,
            name="pc",
            kind="procountor",
            environment="sandbox",
            base_url="http://127.0.0.1:8765/api",
            options={"client_id": "c", "redirect_uri": "https://r.example/cb"},
            secrets={"client_secret": "s" * 20, "api_key": "a" * 20},
            now=now,
        )
        connection_state.put(session, connection.id, "cursor:account.move", {"id": 7}, now)
        payment = Payment(
            external_id="1",
            invoice_number="1001",
            amount=Decimal("12.34"),
            payment_date=datetime(2026, 6, 20).date(),
            journal=JournalType.BANK,
        )
        document, _ = upsert_payment(session, company.id, "procountor:1:1", payment, now)
        exchange = Exchange(
            connection_id=connection.id,
            document_id=document.id,
            operation="odoo.register_payment",
            document_version=1,
            state="sent",
            attempts=1,
            external_id="55",
            progress={"step": "done"},
            problems={},
            created_at=now,
            updated_at=now,
        )
        session.add(exchange)
        session.flush()
        session.add(
            ExchangeCall(
                exchange_id=exchange.id,
                attempt=1,
                method="POST",
                url="/json/2/account.payment.register/create",
                status=200,
                started_at=now,
            )
        )
        bind_sent(session, connection.id, "payment", document, "55", now)


def contents(store: Store) -> dict[str, list[dict[str, Any]]]:
    with store.engine.connect() as conn:
        return {
            table.name: [
                dict(row)
                for row in conn.execute(
                    select(table).order_by(*table.primary_key.columns)
                ).mappings()
            ]
            for table in Base.metadata.sorted_tables
        }


@pytest.mark.postgres
def test_sqlite_to_postgresql_and_back_keeps_every_row(
    tmp_path: Path, postgres_url: str, box: SecretBox, clock: ManualClock
) -> None:
    embedded = Store(f"sqlite:///{tmp_path / 'hub.db'}")
    embedded.upgrade()
    fill(embedded, box, clock)
    shared = Store(postgres_url)
    report = copy_database(embedded, shared)
    assert report.rows["exchange"] == 1 and report.rows["binding"] == 1
    assert contents(shared) == contents(embedded)
    # The copy is in use: a new row gets a new id, not one of the copied ones.
    with shared.session() as session:
        company = repo.create_company(session, "Toinen Oy", "1618033-3", clock.now())
        assert company.id == 2
    back = Store(f"sqlite:///{tmp_path / 'back.db'}")
    copy_database(shared, back)
    assert contents(back) == contents(shared)
    with back.session() as session:
        connection = repo.find_connection(session, "pc")
        assert box.open(connection.secrets)["api_key"] == "a" * 20
    for store in (embedded, shared, back):
        store.dispose()


def test_a_copy_into_a_database_that_holds_data_is_refused(
    tmp_path: Path, box: SecretBox, clock: ManualClock
) -> None:
    first = Store(f"sqlite:///{tmp_path / 'a.db'}")
    first.upgrade()
    fill(first, box, clock)
    second = Store(f"sqlite:///{tmp_path / 'b.db'}")
    second.upgrade()
    fill(second, box, clock)
    with pytest.raises(CopyRefused, match="already holds data"):
        copy_database(first, second)


def test_the_command_copies_and_says_where(
    tmp_path: Path, box: SecretBox, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TILISILTA_HOME", str(tmp_path))
    source = Store(f"sqlite:///{tmp_path / 'a.db'}")
    source.upgrade()
    fill(source, box, clock)
    result = CliRunner().invoke(
        app, ["db", "copy", f"sqlite:///{tmp_path / 'a.db'}", f"sqlite:///{tmp_path / 'c.db'}"]
    )
    assert result.exit_code == 0, result.output
    assert "exchange: 1 rows" in result.output and "Copied" in result.output
    again = CliRunner().invoke(
        app, ["db", "copy", f"sqlite:///{tmp_path / 'a.db'}", f"sqlite:///{tmp_path / 'c.db'}"]
    )
    assert again.exit_code == 1 and "already holds data" in " ".join(again.output.split())
