"""Opening the database and migrating it.

Alembic is imported only to migrate: a command on a database already at the newest schema
learns that from one SELECT on ``alembic_version`` and the migration files themselves
(:func:`head_revision`), which costs a few milliseconds against the fifth of a second that
importing Alembic's machinery takes at every start.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
_REVISION = re.compile(r"^(down_revision|revision)\b[^=\n]*=\s*(None|[\"']([^\"']+)[\"'])", re.M)


@cache
def head_revision() -> str | None:
    """The newest migration's revision id, read from the migration files (the revision no other
    revises), as Alembic would find it; None when the files do not name exactly one."""
    revisions: set[str] = set()
    revised: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        found = dict((m[1], m[3]) for m in _REVISION.finditer(path.read_text(encoding="utf-8")))
        if found.get("revision"):
            revisions.add(found["revision"])
            if found.get("down_revision"):
                revised.add(found["down_revision"])
    heads = revisions - revised
    return heads.pop() if len(heads) == 1 else None


def _normalise_url(url: str) -> str:
    """Plain postgresql:// URLs mean psycopg 3, the driver we ship."""
    parsed = make_url(url)
    if parsed.drivername in {"postgresql", "postgres"}:
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_durable_again(dbapi_connection: Any, record: Any) -> None:
    """A connection back in the pool syncs every commit to disk again (see Store.session)."""
    if record.info.pop(RELAXED, False):
        dbapi_connection.execute("PRAGMA synchronous=FULL")


RELAXED = "tilisilta_relaxed"  # the pooled connection's commits do not wait for the disk


def make_engine(url: str) -> Engine:
    url = _normalise_url(url)
    parsed = make_url(url)
    if parsed.drivername.startswith("sqlite"):
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "checkin", _sqlite_durable_again)
        return engine
    return create_engine(url, pool_pre_ping=True)


class Store:
    """The database: an engine plus a session factory. Every unit of work commits on its own."""

    def __init__(self, url: str) -> None:
        self.url = _normalise_url(url)
        self.engine = make_engine(self.url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self, *, durable: bool = True) -> Iterator[Session]:
        """A unit of work, committed at the end of the block.

        ``durable=False`` lets the commit return before the disk has it (SQLite's
        ``synchronous=NORMAL`` in WAL mode, PostgreSQL's ``synchronous_commit=off``): a killed
        process loses nothing, but a power cut may forget the last moments' commits. Only for
        what the hub can rebuild (an outcome or a step of an exchange claimed ``sending``, which
        is looked up remotely again); the next durable commit takes them to disk as well."""
        with self._sessions() as session, session.begin():
            if not durable:
                relax_commit(session.connection())
            yield session

    @contextmanager
    def connection(self, *, durable: bool = True) -> Iterator[Connection]:
        """A unit of work in SQL statements alone (no ORM session: cheaper on hot paths),
        committed at the end of the block; ``durable`` as for :meth:`session`."""
        with self.engine.begin() as conn:
            if not durable:
                relax_commit(conn)
            yield conn

    def at_head(self) -> bool:
        """Whether the database is at the newest schema: one SELECT, no Alembic import."""
        head = head_revision()
        if head is None:
            return False
        try:
            with self.engine.connect() as conn:
                found = conn.execute(text("SELECT version_num FROM alembic_version")).all()
        except DBAPIError:  # no alembic_version table: a database never migrated
            return False
        return [row[0] for row in found] == [head]

    def upgrade(self, revision: str = "head") -> None:
        # Imported here: Alembic's machinery is needed only to migrate (see the module's doc).
        from alembic import command

        command.upgrade(alembic_config(self), revision)

    def dispose(self) -> None:
        self.engine.dispose()


def relax_commit(conn: Connection) -> None:
    """This transaction's commit does not wait for the disk (see Store.session)."""
    dialect = conn.dialect.name
    if dialect == "sqlite":
        # Allowed only outside a transaction: Python's sqlite3 begins one at the first write.
        conn.exec_driver_sql("PRAGMA synchronous=NORMAL")
        conn.info[RELAXED] = True
    elif dialect == "postgresql":
        conn.exec_driver_sql("SET LOCAL synchronous_commit TO OFF")


def alembic_config(store: Store) -> Config:
    # Imported here: Alembic's machinery is needed only to migrate (see the module's doc).
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = store.engine
    return config
