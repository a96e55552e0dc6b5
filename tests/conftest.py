"""Shared fixtures: a clock, a store on SQLite and on PostgreSQL, the Procountor sandbox and a
test hub connected to it."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.hub import Netvisor, Procountor, TestHub, open_netvisor, open_procountor
from tilisilta.clock import ManualClock
from tilisilta.crypto import SecretBox
from tilisilta.settings import Settings
from tilisilta.store.engine import Store

POSTGRES_URL = os.environ.get("TILISILTA_TEST_POSTGRES_URL")
START = datetime(2026, 6, 15, 7, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        home=tmp_path / "home",
        database_url=f"sqlite:///{tmp_path / 'home' / 'tilisilta.db'}",
        secret_keys=Fernet.generate_key().decode(),
    )


@pytest.fixture
def box(settings: Settings) -> SecretBox:
    return SecretBox.from_settings(settings)


def _postgres_database() -> Iterator[str]:
    if not POSTGRES_URL:
        if os.environ.get("CI"):
            pytest.fail("CI must test PostgreSQL: TILISILTA_TEST_POSTGRES_URL is not set")
        pytest.skip("no PostgreSQL (set TILISILTA_TEST_POSTGRES_URL)")
    admin_url = make_url(POSTGRES_URL).set(drivername="postgresql+psycopg")
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
    else:
        yield from _postgres_database()


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    store = Store(database_url)
    store.upgrade()
    yield store
    store.dispose()


@pytest.fixture
def pg_store() -> Iterator[Store]:
    """A fresh PostgreSQL database, migrated, with the job queue installed."""
    from tilisilta.jobs.queue import install_queue_schema

    for url in _postgres_database():
        store = Store(url)
        store.upgrade()
        install_queue_schema(store)
        yield store
        store.dispose()


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[Store]:
    store = Store(f"sqlite:///{tmp_path / 'store.db'}")
    store.upgrade()
    yield store
    store.dispose()


@pytest.fixture
def procountor(clock: ManualClock) -> Iterator[Procountor]:
    procountor = open_procountor(clock)
    yield procountor
    procountor.transport.close()


@pytest.fixture
def netvisor(clock: ManualClock) -> Iterator[Netvisor]:
    netvisor = open_netvisor(clock)
    yield netvisor
    netvisor.transport.close()


@pytest.fixture
def hub(
    store: Store, box: SecretBox, clock: ManualClock, settings: Settings, procountor: Procountor
) -> TestHub:
    """A hub company connected (as "pc") to the Procountor sandbox's company."""
    return TestHub(store, box, clock, settings).connect_procountor(procountor)
