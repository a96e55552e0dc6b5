"""Starting the command line costs what the command needs: `tilisilta --help` lists every command
with its own help without importing any, the entry module imports no command and no connector,
`tilisilta log` on a database at the newest schema imports neither Alembic nor a connector, and
each kind's own commands are still there. Counted in fresh interpreters, never timed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from typer.testing import CliRunner

from tilisilta.cli import main
from tilisilta.cli.main import COMMANDS, KIND_HELP, LazyGroup, app
from tilisilta.connectors.kinds import MODULES

CONNECTORS = tuple(MODULES.values())
COMMAND_MODULES = sorted({lazy.target.partition(":")[0] for lazy in COMMANDS.values()})


def _modules_after(code: str, env: dict[str, str] | None = None) -> set[str]:
    """The modules loaded once ``code`` ran in a fresh interpreter (a command's exit included)."""
    script = (
        "import json, sys\ntry:\n"
        + "".join(f"    {line}\n" for line in code.splitlines())
        + "except SystemExit as exc:\n    assert not exc.code, exc.code\n"
        "print(json.dumps(sorted(sys.modules)), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=False,
        env=(os.environ | env) if env else None,
    )
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


def _loaded(modules: set[str], names: tuple[str, ...] | list[str]) -> list[str]:
    return sorted(n for n in names if n in modules)


def _help(width: int = 200) -> str:
    shown = CliRunner().invoke(app, ["--help"], terminal_width=width)
    assert shown.exit_code == 0, shown.output
    return shown.output


def test_help_lists_every_command_with_the_help_the_command_itself_has(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    listed = _help()
    for name in [*COMMANDS, *MODULES]:
        assert f" {name} " in listed, name
    # The same help with every command loaded for real: the lines kept in cli/main.py are the
    # commands' own (a docstring or a group's help changed there must be changed here too).
    loaded = {name: main.load(name) for name in [*COMMANDS, *MODULES]}
    monkeypatch.setattr(
        LazyGroup, "get_command", lambda self, ctx, name: loaded.get(name), raising=True
    )
    assert _help() == listed


def test_every_built_in_kind_has_its_commands_help_line() -> None:
    assert set(KIND_HELP) == set(MODULES)


@pytest.mark.parametrize(
    ("kind", "commands"),
    [
        ("procountor", ("customers", "products")),
        ("odoo", ("pull", "push-payments")),
        ("netvisor", ("purchases",)),
    ],
)
def test_each_kind_still_mounts_its_own_commands(kind: str, commands: tuple[str, ...]) -> None:
    shown = CliRunner().invoke(app, [kind, "--help"], terminal_width=200)
    assert shown.exit_code == 0, shown.output
    for command in commands:
        assert f" {command} " in shown.output


def test_a_mistyped_command_is_answered_with_the_one_meant() -> None:
    wrong = CliRunner().invoke(app, ["stauts"])
    assert wrong.exit_code == 2
    assert "Did you mean 'status'?" in wrong.output


def test_importing_the_entry_module_imports_no_command_and_no_connector() -> None:
    modules = _modules_after("import tilisilta.cli.main")
    assert _loaded(modules, [*COMMAND_MODULES, *CONNECTORS]) == []
    assert _loaded(modules, ["alembic", "sqlalchemy", "httpx", "tilisilta.connectors.base"]) == []


def test_help_imports_no_command_and_no_connector() -> None:
    modules = _modules_after("from tilisilta.cli.main import app\napp(['--help'])")
    assert _loaded(modules, [*COMMAND_MODULES, *CONNECTORS]) == []
    assert _loaded(modules, ["alembic", "sqlalchemy"]) == []


def test_log_on_a_database_at_the_newest_schema_imports_neither_alembic_nor_a_connector(
    tmp_path: Path,
) -> None:
    env = {
        "TILISILTA_HOME": str(tmp_path / "home"),
        "TILISILTA_SECRET_KEYS": Fernet.generate_key().decode(),
        "TILISILTA_DATABASE_URL": f"sqlite:///{tmp_path / 'hub.db'}",
    }
    log = "from tilisilta.cli.main import app\napp(['log'])"
    first = _modules_after(log, env)  # a new database: migrated, which needs Alembic
    assert "alembic" in first
    again = _modules_after(log, env)
    assert _loaded(again, ["alembic", "alembic.script", "alembic.runtime.migration"]) == []
    assert _loaded(again, [*CONNECTORS, "tilisilta.connectors.base", "httpx"]) == []
    assert _loaded(again, ["tilisilta.cli.exchanges"]) == ["tilisilta.cli.exchanges"]
