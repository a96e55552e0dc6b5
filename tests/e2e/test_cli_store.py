"""The database commands and what a person can do with an exchange."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from tests.factories import invoice
from tests.hub import TestHub
from tilisilta.cli.main import app
from tilisilta.store.models import Exchange


def test_db_upgrade_migrates_the_configured_database(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not database_url.startswith("sqlite"):
        # The test server trusts any password; this one must never be shown.
        database_url = (
            make_url(database_url)
            .set(password="pw-not-shown")
            .render_as_string(hide_password=False)
        )
    monkeypatch.setenv("TILISILTA_DATABASE_URL", database_url)
    monkeypatch.setenv("TILISILTA_HOME", str(tmp_path))
    monkeypatch.setenv("TILISILTA_SECRET_KEYS", Fernet.generate_key().decode())
    runner = CliRunner()
    if not database_url.startswith("sqlite"):
        # A shared PostgreSQL is never migrated behind anyone's back.
        refused = runner.invoke(app, ["company", "list"])
        assert refused.exit_code == 1
        assert "tilisilta db upgrade" in refused.output
    upgraded = runner.invoke(app, ["db", "upgrade"])
    assert upgraded.exit_code == 0, upgraded.output
    assert "pw-not-shown" not in upgraded.output
    created = runner.invoke(app, ["company", "create", "Demo Oy", "2077474-0"])
    assert created.exit_code == 0, created.output
    listed = runner.invoke(app, ["company", "list"])
    assert "2077474-0" in listed.output


def test_an_ignored_data_issue_stays_put_and_a_retry_sends_it_once_fixed(
    hub: TestHub, tmp_path: Path
) -> None:
    from tilisilta.ledger import exchanges as ledger

    hub.import_invoices([invoice("1001", due_date="2026-06-01")], tmp_path)
    [line] = hub.send().lines
    assert line.state == "data_issue"
    with hub.store.session() as session:
        exchange_id = session.scalars(select(Exchange.id)).one()
        ledger.ignore(session, exchange_id, hub.clock.now())
    assert hub.send().lines[0].state == "ignored"
    assert hub.procountor.invoices() == []

    with hub.store.session() as session:
        ledger.retry(session, exchange_id, hub.clock.now())
    assert hub.send().lines[0].state == "data_issue"  # still wrong: checked again, not sent

    hub.import_invoices([invoice("1001")], tmp_path)  # fixed in the ERP: a new version
    summary = hub.send()
    assert [line.state for line in summary.lines] == ["sent"]
    assert len(hub.procountor.invoices()) == 1


def test_a_sent_exchange_cannot_be_ignored(hub: TestHub, tmp_path: Path) -> None:
    from tilisilta.ledger import exchanges as ledger

    hub.import_invoices([invoice("1001")], tmp_path)
    hub.send()
    with pytest.raises(ledger.NotAllowed, match="sent"), hub.store.session() as session:
        ledger.ignore(session, session.scalars(select(Exchange.id)).one(), hub.clock.now())
