"""`tilisilta log` and `tilisilta status` cost what they show, not the history: on SQLite (never
ANALYZEd, as a hub's database is) their queries search indexes and sort nothing, and with ten
thousand more exchanges of the past they do exactly the same work (counted in SQLite's virtual
machine steps, never timed). The unsent count they show is the planner's, through every change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import event, func, insert, select
from sqlalchemy.orm import Session

from tests.factories import invoice
from tests.hub import Procountor, TestHub
from tilisilta.clock import ManualClock
from tilisilta.crypto import SecretBox
from tilisilta.ledger.exchanges import list_log
from tilisilta.ledger.outcomes import Category
from tilisilta.ledger.planning import unsent_ids, unsent_query
from tilisilta.ledger.status import hub_status, unsent_count
from tilisilta.settings import Settings
from tilisilta.store.documents import INVOICE
from tilisilta.store.engine import Store, alembic_config
from tilisilta.store.models import Binding, Connection, Document, Exchange

LOGS: dict[str, dict[str, Any]] = {  # what a person asks for → the index that answers it
    "ix_exchange_log": {},
    "ix_exchange_log_category": {"category": Category.DATA_ISSUE},
    "ix_exchange_log_connection": {"connection": "pc"},
    "ix_exchange_log_connection_category": {"category": Category.INFO, "connection": "pc"},
}


def _broken(number: str) -> dict[str, Any]:
    bad = invoice(number)
    bad["customer"]["business_id"] = "1234567-8"  # the check digit is wrong: a data issue
    return bad


@pytest.fixture
def busy(
    sqlite_store: Store,
    box: SecretBox,
    clock: ManualClock,
    settings: Settings,
    procountor: Any,
    tmp_path: Path,
) -> TestHub:
    """A SQLite hub whose Procountor connection sent 60 invoices, 6 of them data issues."""
    return _sent(
        TestHub(sqlite_store, box, clock, settings).connect_procountor(procountor), tmp_path
    )


def _sent(hub: TestHub, tmp_path: Path) -> TestHub:
    numbers = [str(1001 + n) for n in range(60)]
    hub.import_invoices([_broken(n) if n.endswith("7") else invoice(n) for n in numbers], tmp_path)
    hub.send()
    return hub


def _since(hub: TestHub) -> datetime:
    return datetime.combine(hub.clock.now().date(), time(), tzinfo=UTC)


def _status(session: Session, hub: TestHub) -> list[Any]:
    return hub_status(session, _since(hub), lambda kind: kind == "procountor")


def _add_history(hub: TestHub, count: int) -> None:
    """``count`` payments fetched a year ago (documents and inbound exchanges) and as many
    outbound exchanges of the sent invoices' older versions, straight into the tables."""
    long_ago = hub.clock.now() - timedelta(days=365)
    with hub.store.session() as session:
        pc = session.scalar(select(Connection).where(Connection.name == "pc"))
        assert pc is not None
        invoices = list(session.scalars(select(Document.id).where(Document.kind == INVOICE)))
        start = session.scalar(select(func.max(Document.id))) or 0
        done = session.scalar(select(func.count()).where(Document.kind == "payment")) or 0
        session.execute(
            insert(Document),
            [
                {
                    "id": start + 1 + n,
                    "company_id": pc.company_id,
                    "kind": "payment",
                    "ref": f"procountor:history:{done + n}",
                    "version": 1,
                    "content_hash": f"{done + n:064d}",
                    "payload": {},
                    "created_at": long_ago,
                    "updated_at": long_ago,
                }
                for n in range(count)
            ],
        )
        row = {"connection_id": pc.id, "attempts": 1, "progress": {}, "problems": {}}
        session.execute(
            insert(Exchange),
            [
                row
                | {
                    "document_id": start + 1 + n,
                    "operation": "procountor.fetch_payment",
                    "document_version": 1,
                    "direction": "in",
                    "state": "sent",
                    "category": "info",
                    "created_at": long_ago,
                    "updated_at": long_ago,
                }
                for n in range(count)
            ]
            + [
                row
                | {
                    "document_id": invoices[n % len(invoices)],
                    "operation": "procountor.send_invoice",
                    "document_version": 1000 + done + n,  # older versions: ignored or sent
                    "direction": "out",
                    "state": "sent" if n % 2 else "ignored",  # superseded, never tried
                    "category": "info" if n % 2 else None,
                    "created_at": long_ago,
                    "updated_at": long_ago + timedelta(seconds=n),
                }
                for n in range(count)
            ],
        )


@contextmanager
def _statements(store: Store) -> Iterator[list[tuple[str, Any]]]:
    seen: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        seen.append((statement, parameters))

    event.listen(store.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(store.engine, "before_cursor_execute", record)


def _plans(session: Session, statements: list[tuple[str, Any]]) -> list[list[str]]:
    raw = session.connection().connection.driver_connection
    assert raw is not None
    return [
        [row[3] for row in raw.execute(f"EXPLAIN QUERY PLAN {sql}", parameters)]
        for sql, parameters in statements
    ]


def _steps(session: Session, work: Callable[[], object]) -> int:
    """SQLite virtual machine steps ``work`` takes: the rows it reads, without timing it."""
    raw = session.connection().connection.driver_connection
    assert raw is not None
    steps = 0

    def count() -> int:
        nonlocal steps
        steps += 1
        return 0

    raw.set_progress_handler(count, 1)
    try:
        work()
    finally:
        raw.set_progress_handler(None, 1)
    return steps


@pytest.mark.parametrize("index", list(LOGS))
def test_the_log_walks_an_index_newest_first_and_sorts_nothing(busy: TestHub, index: str) -> None:
    with busy.store.session() as session, _statements(busy.store) as seen:
        assert list_log(session, **LOGS[index])
        [plan] = _plans(session, [s for s in seen if "FROM exchange" in s[0]])
    [exchange] = [line for line in plan if " exchange " in line]
    assert exchange.endswith(f"exchange USING INDEX {index}") or f" {index} (" in exchange, plan
    assert not any("TEMP B-TREE" in line for line in plan), plan


@pytest.mark.postgres
@pytest.mark.parametrize("index", list(LOGS))
def test_postgresql_reads_the_log_backwards_from_its_index_too(
    pg_store: Store, box: SecretBox, clock: ManualClock, settings: Settings, procountor: Any,
    tmp_path: Path, index: str,
) -> None:  # fmt: skip
    hub = _sent(TestHub(pg_store, box, clock, settings).connect_procountor(procountor), tmp_path)
    _add_history(hub, 5000)
    with pg_store.engine.begin() as conn:  # as autovacuum would have, for a store grown so
        conn.exec_driver_sql("ANALYZE")
    with pg_store.session() as session, _statements(pg_store) as seen:
        assert list_log(session, **LOGS[index])
        [(sql, parameters)] = [s for s in seen if "FROM exchange" in s[0]]
        plan = [
            row[0] for row in session.connection().exec_driver_sql(f"EXPLAIN {sql}", parameters)
        ]
    # Its choice of index follows what it knows (here one connection holds every exchange).
    assert "Index Scan Backward using ix_exchange_log" in "\n".join(plan), plan
    assert not any("Sort" in line for line in plan), plan


@pytest.mark.postgres
def test_postgresql_never_analyzed_looks_records_up_by_key_as_before_these_indexes(
    pg_store: Store, box: SecretBox, clock: ManualClock, settings: Settings, procountor: Any,
    tmp_path: Path,
) -> None:  # fmt: skip
    """A new hub filling up: PostgreSQL knows nothing of its tables yet. The indexes of the log
    and the status (partial where they would otherwise match a key's first columns) change no
    plan of the hub's lookups by key: an index matching fewer columns would read every row of a
    connection or a company for each record."""
    hub = _sent(TestHub(pg_store, box, clock, settings).connect_procountor(procountor), tmp_path)
    _add_history(hub, 5000)
    with pg_store.session() as session:
        pc = session.scalar(select(Connection).where(Connection.name == "pc"))
        doc = session.scalar(select(Document).where(Document.ref == "1033"))
        assert pc is not None and doc is not None
        session.execute(
            insert(Binding),
            [
                {
                    "connection_id": pc.id,
                    "local_kind": "payment",
                    "local_id": payment,
                    "external_id": f"event-{payment}",
                    "sent_version": 1,
                    "created_at": hub.clock.now(),
                }
                for payment in session.scalars(
                    select(Document.id).where(Document.kind == "payment")
                )
            ],
        )
    # A binding's columns as revision 0005 has them (0008 added remote_paid).
    binding = [column for column in Binding.__table__.c if column.name != "remote_paid"]
    lookups = [
        select(*binding).where(
            Binding.connection_id == pc.id,
            Binding.local_kind == INVOICE,
            Binding.local_id == doc.id,
        ),
        select(*binding).where(
            Binding.connection_id == pc.id,
            Binding.local_kind == INVOICE,
            Binding.external_id.in_(["1", "2"]),
        ),
        select(Document).where(
            Document.company_id == pc.company_id, Document.kind == INVOICE, Document.ref == "1007"
        ),
        select(Exchange).where(
            Exchange.connection_id == pc.id,
            Exchange.document_id == doc.id,
            Exchange.operation == "procountor.send_invoice",
            Exchange.document_version == 1,
        ),
    ]

    def plans() -> list[str]:
        with pg_store.session() as session:
            explained = []
            for lookup in lookups:
                literal = {"literal_binds": True}
                compiled = lookup.compile(
                    dialect=session.get_bind().dialect, compile_kwargs=literal
                )
                rows = session.connection().exec_driver_sql(f"EXPLAIN (COSTS OFF) {compiled}")
                explained.append("\n".join(row[0] for row in rows))
        return explained

    now = plans()
    command.downgrade(alembic_config(pg_store), "0005")
    assert plans() == now


def test_the_status_searches_indexes_and_reads_no_whole_table(busy: TestHub) -> None:
    with busy.store.session() as session, _statements(busy.store) as seen:
        _status(session, busy)
        plans = _plans(session, seen)
    for plan in plans:
        for line in plan:
            assert not line.startswith(("SCAN exchange", "SCAN document", "SCAN binding")), plan
    lines = [line for plan in plans for line in plan]  # the invoices and the sent bindings:
    assert any(line.startswith("SEARCH document USING COVERING INDEX") for line in lines)
    assert "SEARCH binding USING COVERING INDEX ix_binding_sent_first" in " ".join(lines)
    assert "SEARCH document USING INDEX ix_document_changed" in " ".join(lines)  # the changed


def test_log_and_status_read_the_same_with_ten_thousand_more_exchanges_of_the_past(
    busy: TestHub,
) -> None:
    def work() -> dict[str, int]:
        with busy.store.session() as session:
            steps = {
                index: _steps(session, lambda asked=asked: list_log(session, **asked))
                for index, asked in LOGS.items()
            }
            steps["status"] = _steps(session, lambda: _status(session, busy))
        return steps

    def shown() -> tuple[Any, ...]:
        with busy.store.session() as session:
            return (
                *(list_log(session, **asked) for asked in LOGS.values()),
                _status(session, busy),
            )

    _add_history(busy, 10)  # a little history already: its indexes' ranges have neighbours
    before, seen = work(), shown()
    _add_history(busy, 5000)
    with busy.store.session() as session:
        assert session.scalar(select(func.count()).select_from(Exchange)) > 10_000
    assert work() == before
    assert shown() == seen


def _unsent(session: Session, name: str) -> tuple[int, int]:
    """The connection's unsent invoices as the status counts them, and as the planner sees them
    (a sending run reads their ids from indexes: the same ones)."""
    connection = session.scalar(select(Connection).where(Connection.name == name))
    assert connection is not None
    planned = unsent_query(connection.id, connection.company_id, INVOICE)
    ids = unsent_ids(session, connection.id, connection.company_id, INVOICE)
    assert ids == list(
        session.scalars(planned.with_only_columns(Document.id).order_by(Document.id))
    )
    return (
        unsent_count(session, connection.id, connection.company_id, INVOICE),
        session.scalar(select(func.count()).select_from(planned.subquery())) or 0,
    )


def test_unsent_is_what_the_planner_would_send_through_every_change(
    hub: TestHub, procountor: Procountor, tmp_path: Path
) -> None:
    second = hub.add_second_company().hub

    def unsent() -> dict[str, int]:
        with hub.store.session() as session:
            counted = {name: _unsent(session, name) for name in ("pc", "pc2")}
            shown = {c.name: c.unsent for s in _status(session, hub) for c in s.connections}
        for name, (status, planner) in counted.items():
            assert status == planner == shown[name], (name, status, planner, shown[name])
        return {name: status for name, (status, _planner) in counted.items()}

    hub.import_invoices([*(invoice(str(n)) for n in range(1001, 1005)), _broken("1005")], tmp_path)
    second.import_invoices([invoice("2001"), invoice("2002")], tmp_path)
    assert unsent() == {"pc": 5, "pc2": 2}
    hub.send(numbers=["1001", "1002", "1005"])  # 1005: a data issue, not sent
    assert unsent() == {"pc": 3, "pc2": 2}
    changed = {"due_date": "2026-06-30"}
    hub.import_invoices([invoice("1002", **changed), invoice("1003", **changed)], tmp_path)
    assert unsent() == {"pc": 4, "pc2": 2}  # 1002 changed after sending, 1003 before
    hub.send(numbers=["1002", "1003"])  # 1002 left for a person; 1003 sent at its version 2
    assert unsent() == {"pc": 3, "pc2": 2}
    second.send()
    assert unsent() == {"pc": 3, "pc2": 0}
    hub.import_invoices([invoice("1003", due_date="2026-07-15")], tmp_path)
    assert unsent() == {"pc": 4, "pc2": 0}  # changed again after its second version was sent
