"""No traceback reaches a user, secrets never become unreadable by accident, and exit codes
tell a script what happened (0 done, 1 could not run, 3 documents left for a person)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.e2e.conftest import add_procountor
from tests.factories import invoice
from tilisilta.cli import companies
from tilisilta.cli.main import app
from tilisilta.sandbox.procountor import ProcountorSandbox

Served = tuple[str, ProcountorSandbox, dict[str, str]]


@pytest.fixture
def keyed_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A home with a key file (no TILISILTA_SECRET_KEYS) and one connection's secrets in it."""
    home = tmp_path / "home"
    monkeypatch.setenv("TILISILTA_HOME", str(home))
    for name in ("TILISILTA_SECRET_KEYS", "TILISILTA_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    runner = CliRunner()
    assert runner.invoke(app, ["company", "create", "Demo Oy", "2077474-0"]).exit_code == 0
    added = runner.invoke(
        app,
        [
            "connection",
            "add",
            "procountor",
            "pc",
            "--company",
            "2077474-0",
            "--set",
            "client_id=c",
            "--set",
            "redirect_uri=https://r.example/cb",
        ],
        env={"TILISILTA_CLIENT_SECRET": "s" * 20, "TILISILTA_API_KEY": "a" * 20},
    )
    assert added.exit_code == 0, added.output
    assert (home / "secret.key").exists()
    return home


def one_line(text: str) -> str:
    return " ".join(text.split())


def test_a_missing_key_file_is_never_replaced_while_secrets_exist(keyed_home: Path) -> None:
    (keyed_home / "secret.key").unlink()
    shown = CliRunner().invoke(app, ["connection", "show", "pc"])
    assert shown.exit_code == 1
    said = one_line(shown.output)
    assert f"the key file {keyed_home / 'secret.key'} is missing" in said
    assert "put the file back" in said and "Traceback" not in shown.output
    assert not (keyed_home / "secret.key").exists(), "a new key was made"


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"not a key at all\n", "is not a Fernet key"),
        (b"", "holds no key"),
    ],
    ids=["corrupted", "empty"],
)
def test_a_corrupted_key_file_is_named_with_how_to_recover(
    keyed_home: Path, content: bytes, says: str
) -> None:
    (keyed_home / "secret.key").write_bytes(content)
    shown = CliRunner().invoke(app, ["connection", "show", "pc"])
    said = one_line(shown.output)
    assert shown.exit_code == 1
    assert str(keyed_home / "secret.key") in said and says in said
    assert "TILISILTA_SECRET_KEYS holds" not in said  # the variable is not what is in use


def test_a_different_key_file_names_the_file_in_use(keyed_home: Path) -> None:
    from cryptography.fernet import Fernet

    (keyed_home / "secret.key").write_bytes(Fernet.generate_key() + b"\n")
    shown = CliRunner().invoke(app, ["connection", "show", "pc"])
    said = one_line(shown.output)
    assert shown.exit_code == 1
    assert f"were not encrypted with the key file {keyed_home / 'secret.key'}" in said


def test_a_bad_setting_value_is_one_line_naming_the_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TILISILTA_HOME", str(tmp_path))
    monkeypatch.setenv("TILISILTA_MAX_ATTEMPTS", "abc")
    listed = CliRunner().invoke(app, ["company", "list"])
    said = one_line(listed.output)
    assert listed.exit_code == 1
    assert "TILISILTA_MAX_ATTEMPTS = 'abc' is not valid" in said and "Traceback" not in said


def test_an_unexpected_failure_is_one_line_and_a_log_for_a_bug_report(
    keyed_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(companies.repo, "list_connections", broken)
    listed = CliRunner().invoke(app, ["connection", "list"])
    said = one_line(listed.output)
    assert listed.exit_code == 1
    assert "something unexpected went wrong (ZeroDivisionError)" in said
    assert "Traceback" not in listed.output
    assert "ZeroDivisionError: a bug" in (keyed_home / "errors.log").read_text()


def test_exit_codes_tell_done_from_left_for_a_person(
    served: Served, env: dict[str, str], tmp_path: Path
) -> None:
    url, _sandbox, creds = served
    runner = CliRunner()
    assert runner.invoke(app, ["company", "create", "Demo Oy", "2077474-0"]).exit_code == 0
    added = add_procountor(runner, url, creds)
    assert added.exit_code == 0, added.output
    data = tmp_path / "batch.json"
    data.write_text(json.dumps({"invoices": [invoice("1"), invoice("2", due_date="2026-01-01")]}))
    assert (
        runner.invoke(app, ["import", "invoices", str(data), "--company", "2077474-0"]).exit_code
        == 0
    )
    good = runner.invoke(app, ["send", "invoices", "1", "--connection", "pc"])
    assert good.exit_code == 0, good.output
    with_issue = runner.invoke(app, ["send", "invoices", "--all-unsent", "--connection", "pc"])
    assert with_issue.exit_code == 3, with_issue.output
    unknown = runner.invoke(app, ["send", "invoices", "NOPE-404", "--connection", "pc"])
    assert unknown.exit_code == 3 and "No invoice NOPE-404 in the hub" in unknown.output
    nowhere = runner.invoke(app, ["send", "invoices", "1", "--connection", "nope"])
    assert nowhere.exit_code == 1


def test_a_vat_status_the_company_does_not_have_is_refused(
    served: Served, env: dict[str, str]
) -> None:
    url, _sandbox, creds = served
    runner = CliRunner()
    assert runner.invoke(app, ["company", "create", "Demo Oy", "2077474-0"]).exit_code == 0
    assert add_procountor(runner, url, creds).exit_code == 0
    early = runner.invoke(app, ["connection", "vat-status", "pc", "eu_services", "7"])
    assert early.exit_code == 1 and "fetch-vat pc" in one_line(early.output)
    assert runner.invoke(app, ["connection", "fetch-vat", "pc"]).exit_code == 0
    wrong = runner.invoke(app, ["connection", "vat-status", "pc", "eu_services", "99"])
    assert wrong.exit_code == 1
    assert "VAT status 99 is not one of the company's" in one_line(wrong.output)
    right = runner.invoke(app, ["connection", "vat-status", "pc", "eu_services", "7"])
    assert right.exit_code == 0, right.output
