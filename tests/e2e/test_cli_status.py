"""`tilisilta status`: what waits and what moved, per company and connection."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from tests.e2e.conftest import add_procountor
from tests.factories import invoice
from tilisilta.cli.main import app
from tilisilta.sandbox.procountor import ProcountorSandbox

Served = tuple[str, ProcountorSandbox, dict[str, str]]


def test_status_counts_unsent_sent_and_data_issues(
    served: Served, env: dict[str, str], tmp_path: Path
) -> None:
    url, _sandbox, creds = served
    runner = CliRunner()
    assert runner.invoke(app, ["status"]).exit_code == 0  # nothing yet: said so, no error
    assert runner.invoke(app, ["company", "create", "Demo Oy", "2077474-0"]).exit_code == 0
    assert add_procountor(runner, url, creds).exit_code == 0
    bad = invoice("1003")
    bad["customer"]["business_id"] = "1234567-8"  # the check digit is wrong
    batch = tmp_path / "batch.json"
    batch.write_text(json.dumps({"invoices": [invoice("1001"), invoice("1002"), bad]}))
    runner.invoke(app, ["import", "invoices", str(batch), "--company", "2077474-0"])

    before = json.loads(runner.invoke(app, ["status", "--json"]).output)
    [company] = before
    [pc] = company["connections"]
    assert (pc["name"], pc["unsent"], pc["sent_today"], pc["data_issues"]) == ("pc", 3, 0, 0)

    runner.invoke(app, ["send", "invoices", "--connection", "pc", "--all-unsent"])
    [company] = json.loads(runner.invoke(app, ["status", "--json"]).output)
    [pc] = company["connections"]
    assert (pc["unsent"], pc["sent_today"], pc["data_issues"], pc["waiting"]) == (1, 2, 1, 0)
    shown = runner.invoke(app, ["status"])
    assert shown.exit_code == 0 and "Demo Oy (2077474-0)" in shown.output
