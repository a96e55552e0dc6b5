"""Moving the hub's database: every row of every table, ids kept, from one database to another
(SQLite to PostgreSQL when a company outgrows the embedded default, or back).

The target is migrated to the newest schema first and must hold no data, so nothing is ever
merged or overwritten; the source must be at the newest schema too. Rows are copied table by
table in the order of their foreign keys, in batches, in one transaction on the target, and
PostgreSQL's id sequences are moved past the copied ids. Secrets stay encrypted as they are: the
target needs the same key.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import func, insert, select, text

from tilisilta.store.engine import Store, alembic_config
from tilisilta.store.models import Base

BATCH = 1000


class CopyRefused(ValueError):
    pass


@dataclass
class CopyReport:
    rows: dict[str, int] = field(default_factory=dict)  # table → rows copied

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def revision_of(store: Store) -> str | None:
    with store.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def copy_database(
    source: Store, target: Store, *, on_table: Callable[[str, int], None] | None = None
) -> CopyReport:
    head = ScriptDirectory.from_config(alembic_config(source)).get_current_head()
    if revision_of(source) != head:
        raise CopyRefused(
            f"the source database is at revision {revision_of(source) or '(empty)'}, not {head}: "
            "upgrade it first (tilisilta db upgrade with it as TILISILTA_DATABASE_URL)"
        )
    target.upgrade()
    tables = Base.metadata.sorted_tables
    with target.engine.connect() as conn:
        filled = [t.name for t in tables if conn.scalar(select(func.count()).select_from(t))]
    if filled:
        raise CopyRefused(
            f"the target database already holds data ({', '.join(filled)}): copy into an empty "
            "database, so that nothing is merged or overwritten"
        )
    report = CopyReport()
    with source.engine.connect() as reading, target.engine.begin() as writing:
        for table in tables:
            count = 0
            rows = reading.execute(select(table).order_by(*table.primary_key.columns))
            while batch := rows.mappings().fetchmany(BATCH):
                writing.execute(insert(table), [dict(row) for row in batch])
                count += len(batch)
            report.rows[table.name] = count
            if on_table is not None:
                on_table(table.name, count)
        if writing.dialect.name == "postgresql":
            for table in tables:
                if "id" in table.columns:
                    writing.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                            f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
                        )
                    )
    return report
