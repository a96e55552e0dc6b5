"""The store on SQLite and PostgreSQL: migrations match the models; documents version."""

from __future__ import annotations

from decimal import Decimal

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, inspect, text
from sqlalchemy.exc import IntegrityError

from tilisilta.clock import ManualClock
from tilisilta.crypto import SecretBox
from tilisilta.domain.documents import Invoice
from tilisilta.store import companies as repo
from tilisilta.store.documents import Upsert, load_invoice, upsert_invoice
from tilisilta.store.engine import Store, alembic_config
from tilisilta.store.models import Base, Binding


def test_upgrade_head_on_an_empty_database_matches_the_models(store: Store) -> None:
    with store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_every_migration_goes_down_to_nothing_and_up_again(store: Store) -> None:
    config = alembic_config(store)
    command.downgrade(config, "base")
    with store.engine.connect() as conn:
        left = set(inspect(conn).get_table_names()) - {"alembic_version"}
    assert left == set(), left
    command.upgrade(config, "head")
    with store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def _invoice(price: str = "100.00") -> Invoice:
    return Invoice.model_validate(
        {
            "number": "1001",
            "invoice_date": "2026-06-01",
            "due_date": "2026-06-15",
            "customer": {"ref": "c1", "name": "Asiakas Oy"},
            "lines": [
                {"description": "Työ", "quantity": "2", "unit_price": price, "vat_rate": "25.5"}
            ],
        }
    )


def test_a_document_gets_a_new_version_only_when_its_content_changes(
    store: Store, clock: ManualClock
) -> None:
    with store.session() as session:
        company = repo.create_company(session, "Demo Oy", "2077474-0", clock.now())
        doc, status = upsert_invoice(session, company.id, _invoice(), clock.now())
        assert (status, doc.version) == (Upsert.NEW, 1)
        _, status = upsert_invoice(session, company.id, _invoice(), clock.now())
        assert status is Upsert.UNCHANGED
        doc, status = upsert_invoice(session, company.id, _invoice("120.00"), clock.now())
        assert (status, doc.version) == (Upsert.CHANGED, 2)
        assert load_invoice(doc).lines[0].unit_price == Decimal("120.00")


def test_money_survives_the_round_trip_exactly(store: Store, clock: ManualClock) -> None:
    with store.session() as session:
        company = repo.create_company(session, "Demo Oy", "2077474-0", clock.now())
        doc, _ = upsert_invoice(session, company.id, _invoice("0.10"), clock.now())
        doc_id = doc.id
    with store.session() as session:
        from tilisilta.store.models import Document

        again = load_invoice(session.get_one(Document, doc_id))
        assert again.lines[0].computed_net == Decimal("0.20")
        assert again.gross_total == Decimal("0.25")


def test_a_binding_is_unique_both_ways(store: Store, clock: ManualClock, box: SecretBox) -> None:
    with store.session() as session:
        company = repo.create_company(session, "Demo Oy", "2077474-0", clock.now())
        conn = repo.add_connection(
            session,
            box,
            company=company,
            name="pc",
            kind="procountor",
            environment="sandbox",
            base_url="http://x/api",
            options={},
            secrets={"api_key": "k"},
            now=clock.now(),
        )
        session.add(
            Binding(
                connection_id=conn.id,
                local_kind="invoice",
                local_id=1,
                external_id="10",
                created_at=clock.now(),
            )
        )
    with pytest.raises(IntegrityError), store.session() as session:
        session.add(
            Binding(
                connection_id=conn.id,
                local_kind="invoice",
                local_id=2,
                external_id="10",
                created_at=clock.now(),
            )
        )


def test_companies_refuse_a_bad_or_repeated_business_id(store: Store, clock: ManualClock) -> None:
    with store.session() as session:
        with pytest.raises(ValueError, match="2077474-1"):
            repo.create_company(session, "Bad Oy", "2077474-1", clock.now())
        repo.create_company(session, "Demo Oy", "2077474-0", clock.now())
        with pytest.raises(repo.Conflict, match="already exists"):
            repo.create_company(session, "Again Oy", "2077474-0", clock.now())


def _synchronous(conn: Connection) -> str:
    if conn.dialect.name == "sqlite":
        return {1: "normal", 2: "full"}[conn.exec_driver_sql("PRAGMA synchronous").scalar_one()]
    return (
        "normal"
        if conn.exec_driver_sql("SHOW synchronous_commit").scalar_one() == "off"
        else "full"
    )


def test_only_a_unit_of_work_that_may_be_rebuilt_commits_without_waiting_for_the_disk(
    store: Store,
) -> None:
    """An exchange's outcome may be forgotten in a power cut (it is looked up again); a claim
    before a remote call may not: its commit waits for the disk, and so does every commit on a
    pooled connection after a relaxed one."""
    with store.session() as session:
        assert _synchronous(session.connection()) == "full"
    with store.session(durable=False) as session:
        assert _synchronous(session.connection()) == "normal"
        session.execute(text("UPDATE company SET name = name"))
    with store.connection(durable=False) as conn:
        assert _synchronous(conn) == "normal"
    for _ in range(3):  # whichever pooled connection comes next
        with store.session() as session:
            assert _synchronous(session.connection()) == "full"
        with store.connection() as conn:
            assert _synchronous(conn) == "full"
