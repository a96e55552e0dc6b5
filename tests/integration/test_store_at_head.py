"""Whether a database is at the newest schema is known from one SELECT and the migration files,
without Alembic's machinery (which commands would otherwise import at every start), and it
agrees with Alembic, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.script import ScriptDirectory

from tilisilta.store.engine import Store, alembic_config, head_revision


def test_the_head_read_from_the_migration_files_is_alembics(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'hub.db'}")
    assert head_revision() == ScriptDirectory.from_config(alembic_config(store)).get_current_head()


def test_a_database_is_at_head_only_at_the_newest_revision(store: Store) -> None:
    assert store.at_head()
    command.downgrade(alembic_config(store), "-1")
    assert not store.at_head()
    store.upgrade()
    assert store.at_head()


def test_a_database_never_migrated_is_not_at_head(database_url: str) -> None:
    store = Store(database_url)
    assert not store.at_head()
    with store.engine.connect() as conn:  # the failed look did not break the connection
        assert conn.exec_driver_sql("SELECT 1").scalar() == 1
    store.dispose()
