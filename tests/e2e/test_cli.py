"""The command line against a Procountor sandbox served on loopback, as a user would use it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from tests.factories import batch, invoice
from tilisilta.cli.main import app
from tilisilta.settings import Settings
from tilisilta.store.engine import Store
from tilisilta.store.models import Connection, ExchangeCall


def _setup(runner: CliRunner, url: str, creds: dict[str, str], tmp_path: Path) -> None:
    assert runner.invoke(app, ["company", "create", "Demo Oy", "2077474-0"]).exit_code == 0
    added = runner.invoke(
        app,
        [
            "connection",
            "add-procountor",
            "pc",
            "--company",
            "2077474-0",
            "--environment",
            "sandbox",
            "--base-url",
            f"{url}/api",
            "--client-id",
            creds["client_id"],
            "--redirect-uri",
            creds["redirect_uri"],
        ],
        input=f"{creds['client_secret']}\n{creds['api_key']}\n",
    )
    assert added.exit_code == 0, added.output
    data = tmp_path / "invoices.json"
    bad = invoice("3003", due_date="2026-01-01")
    data.write_text(json.dumps({"invoices": [*batch(2, start=3001), bad]}))
    imported = runner.invoke(app, ["import", "invoices", str(data), "--company", "2077474-0"])
    assert imported.exit_code == 0, imported.output


def test_connect_import_send_and_read_the_log(served, env, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    url, _sandbox, creds = served
    runner = CliRunner()
    _setup(runner, url, creds, tmp_path)

    tested = runner.invoke(app, ["connection", "test", "pc"])
    assert tested.exit_code == 0, tested.output
    assert "Connection works" in tested.output

    sent = runner.invoke(app, ["send", "invoices", "--connection", "pc", "--all-unsent"])
    assert sent.exit_code == 3, sent.output  # finished, with a data issue left for a person
    assert "Summary: 2 sent, 1 data issues" in sent.output
    assert "due date" in sent.output.lower()

    log = runner.invoke(app, ["log", "--category", "data_issue"])
    assert "invoice 3003" in log.output and "3001" not in log.output

    shown = runner.invoke(app, ["exchange", "show", "1"])
    assert shown.exit_code == 0
    assert "POST" in shown.output and "/api/invoices" in shown.output


def test_a_known_secret_never_appears_in_output_logs_or_payloads(  # type: ignore[no-untyped-def]
    served, env, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    url, _sandbox, creds = served
    runner = CliRunner()
    _setup(runner, url, creds, tmp_path)
    outputs = [
        runner.invoke(app, args).output
        for args in (
            ["connection", "test", "pc"],
            ["send", "invoices", "--connection", "pc", "--all-unsent"],
            ["connection", "show", "pc"],
            ["connection", "list"],
            ["log"],
            *(["exchange", "show", str(n)] for n in (1, 2, 3)),
        )
    ]
    store = Store(Settings().resolved_database_url())
    with store.session() as session:
        calls = session.scalars(select(ExchangeCall)).all()
        stored = [c.request_body or "" for c in calls] + [c.response_body or "" for c in calls]
        stored += [c.url for c in calls]
        connection_row = session.scalar(select(Connection))
        assert connection_row is not None
        stored.append(json.dumps(connection_row.options) + connection_row.secrets)
    store.dispose()
    assert any("oauth/token" in c for c in stored) or calls  # the token call was recorded
    everything = "\n".join(outputs + stored + [caplog.text])
    for secret in (creds["client_secret"], creds["api_key"]):
        assert secret not in everything
    assert "…" + creds["api_key"][-4:] in outputs[2]  # shown by its last four characters


def test_connection_test_names_the_wrong_credential(served, env, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    url, _sandbox, creds = served
    runner = CliRunner()
    _setup(runner, url, creds, tmp_path)
    replaced = runner.invoke(app, ["connection", "set-api-key", "pc"], input="wrong-key\n")
    assert replaced.exit_code == 0
    result = runner.invoke(app, ["connection", "test", "pc"])
    assert result.exit_code == 1
    assert "did not accept the credentials" in result.output
    assert "API key" in result.output
    assert "wrong-key" not in result.output
    assert "salesOrGroupInvoices" in result.output  # the rights the API user needs


def test_sending_needs_a_connection_and_a_choice(env) -> None:  # type: ignore[no-untyped-def]
    runner = CliRunner()
    result = runner.invoke(app, ["send", "invoices", "--all-unsent"])
    assert result.exit_code == 1
    assert "--connection" in result.output
    result = runner.invoke(app, ["send", "invoices", "--connection", "nope", "--all-unsent"])
    assert result.exit_code == 1
    assert "no connection 'nope'" in result.output
