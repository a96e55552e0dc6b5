"""The generic commands of the connector seam, from the command line against a Procountor
sandbox served on loopback: add, set and show any kind's settings; the wrong kind in one line;
another company's books never written; a fresh hub database sending nothing twice."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.e2e.conftest import add_procountor
from tests.factories import batch
from tilisilta.cli.main import app
from tilisilta.sandbox.procountor import ProcountorSandbox

Served = tuple[str, ProcountorSandbox, dict[str, str]]


def _add_procountor(runner: CliRunner, url: str, creds: dict[str, str]) -> None:
    assert runner.invoke(app, ["company", "create", "Demo Oy", "2077474-0"]).exit_code == 0
    added = add_procountor(runner, url, creds, "sending=unfinished")
    assert added.exit_code == 0, added.output
    assert "Connection pc (Procountor) added for Demo Oy" in added.output


def _import(runner: CliRunner, tmp_path: Path, count: int) -> None:
    data = tmp_path / "invoices.json"
    data.write_text(json.dumps({"invoices": batch(count, start=4001)}))
    imported = runner.invoke(app, ["import", "invoices", str(data), "--company", "2077474-0"])
    assert imported.exit_code == 0, imported.output


def test_any_setting_is_added_set_and_shown(served: Served, env: dict[str, str]) -> None:
    url, _sandbox, creds = served
    runner = CliRunner()
    _add_procountor(runner, url, creds)
    for setting, value in [
        ("create_customers", "true"),
        ("rate_limit_per_second", "15"),
        ("vat_statuses.eu_services", "7"),
        ("product_group", "Myynti"),
    ]:
        changed = runner.invoke(app, ["connection", "set", "pc", setting, value])
        assert changed.exit_code == 0, changed.output
    shown = runner.invoke(app, ["connection", "show", "pc"])
    assert shown.exit_code == 0, shown.output
    for line in (
        "sending: unfinished",
        "create_customers: true",
        "rate_limit_per_second: 15.0",
        '"eu_services": 7',
        "product_group: Myynti",
    ):
        assert line in shown.output
    assert creds["api_key"] not in shown.output and creds["client_secret"] not in shown.output


@pytest.mark.parametrize(
    ("setting", "value", "says"),
    [
        ("sendingg", "approve", "there is no setting 'sendingg'"),
        ("sending", "later", "sending cannot be 'later'"),
        ("rate_limit_per_second", "fast", "rate_limit_per_second cannot be 'fast'"),
    ],
)
def test_a_wrong_setting_is_one_line_naming_it(
    served: Served, env: dict[str, str], setting: str, value: str, says: str
) -> None:
    url, _sandbox, creds = served
    runner = CliRunner()
    _add_procountor(runner, url, creds)
    refused = runner.invoke(app, ["connection", "set", "pc", setting, value])
    assert refused.exit_code == 1
    assert says in refused.output and "Traceback" not in refused.output


def test_a_connection_of_the_wrong_kind_is_refused_in_one_line(
    served: Served, env: dict[str, str]
) -> None:
    url, _sandbox, creds = served
    runner = CliRunner()
    _add_procountor(runner, url, creds)
    added = runner.invoke(
        app,
        [
            "connection",
            "add",
            "odoo",
            "erp",
            "--company",
            "2077474-0",
            "--url",
            "https://erp.example.fi",
            "--set",
            "database=prod",
            "--set",
            "login=hub",
            "--set",
            "odoo_company_id=1",
        ],
        env={"TILISILTA_API_KEY": "k" * 40},
    )
    assert added.exit_code == 0, added.output
    for command in (
        ["send", "invoices", "--connection", "erp", "--all-unsent"],
        ["fetch", "payments", "--connection", "erp"],
        ["connection", "vat", "erp"],
        ["connection", "vat-status", "erp", "domestic", "1"],
        ["odoo", "pull", "pc"],
        ["odoo", "push-payments", "pc"],
        ["odoo", "push-purchases", "pc"],
        ["odoo", "tax-map", "pc", "5", "domestic"],
    ):
        result = runner.invoke(app, command)
        assert result.exit_code == 1, (command, result.output)
        text = " ".join(result.output.split())
        assert "Traceback" not in result.output and "validation error" not in text, command
        assert "Odoo connection" in text or "Procountor connection" in text, (command, text)


def test_a_connection_to_another_companys_books_never_writes(
    served: Served, env: dict[str, str], tmp_path: Path
) -> None:
    url, sandbox, creds = served
    runner = CliRunner()
    _add_procountor(runner, url, creds)
    assert runner.invoke(app, ["company", "create", "Toinen Oy", "1618033-3"]).exit_code == 0
    copied = runner.invoke(
        app, ["connection", "duplicate", "pc", "toinen-pc", "--company", "1618033-3"]
    )
    assert copied.exit_code == 0, copied.output
    data = tmp_path / "toinen.json"
    data.write_text(json.dumps({"invoices": batch(2, start=9001)}))
    assert (
        runner.invoke(app, ["import", "invoices", str(data), "--company", "1618033-3"]).exit_code
        == 0
    )
    tested = runner.invoke(app, ["connection", "test", "toinen-pc"])
    assert tested.exit_code == 1
    sent = runner.invoke(app, ["send", "invoices", "--connection", "toinen-pc", "--all-unsent"])
    text = " ".join(sent.output.split())
    assert sent.exit_code == 1
    assert "business ID 2077474-0" in text and "1618033-3" in text and "nothing" in text
    assert sandbox.invoices(int(creds["company_id"])) == []


def test_a_fresh_hub_database_sends_nothing_twice(
    served: Served, env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, sandbox, creds = served
    runner = CliRunner()
    _add_procountor(runner, url, creds)
    _import(runner, tmp_path, 3)
    first = runner.invoke(app, ["send", "invoices", "--connection", "pc", "--all-unsent"])
    assert first.exit_code == 0, first.output
    assert len(sandbox.invoices(int(creds["company_id"]))) == 3
    # The database is lost: a new home, the same Procountor company.
    monkeypatch.setenv("TILISILTA_HOME", str(tmp_path / "new-home"))
    _add_procountor(runner, url, creds)
    _import(runner, tmp_path, 3)
    again = runner.invoke(app, ["send", "invoices", "--connection", "pc", "--all-unsent"])
    assert again.exit_code == 0, again.output
    assert len(sandbox.invoices(int(creds["company_id"]))) == 3
    assert "found there" in " ".join(again.output.split())


def test_adding_a_connection_without_a_needed_setting_names_it(env: dict[str, str]) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["company", "create", "Demo Oy", "2077474-0"]).exit_code == 0
    added = runner.invoke(
        app,
        ["connection", "add", "odoo", "erp", "--company", "2077474-0", "--url", "https://e.fi"],
        env={"TILISILTA_API_KEY": "k" * 40},
    )
    text = " ".join(added.output.split())
    assert added.exit_code == 1
    assert "database, login, odoo_company_id" in text and "--set NAME=VALUE" in text
    unknown = runner.invoke(app, ["connection", "add", "netsuite", "x", "--company", "2077474-0"])
    assert unknown.exit_code == 1 and "the hub knows echo" not in unknown.output
    assert "no kind of connection 'netsuite'" in " ".join(unknown.output.split())
