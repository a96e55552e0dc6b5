"""`tilisilta settings` shows every setting the docs name, where it comes from, and no secret."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tilisilta.cli.main import app

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_every_documented_setting_is_shown_and_no_secret(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    key = "k" * 40 + "Z9YI="
    monkeypatch.setenv("TILISILTA_HOME", str(tmp_path))
    monkeypatch.setenv("TILISILTA_SECRET_KEYS", key)
    monkeypatch.setenv("TILISILTA_DATABASE_URL", "postgresql://hub:hunter2@db.example.fi/hub")
    monkeypatch.setenv("TILISILTA_MAX_ATTEMPTS", "9")
    shown = CliRunner().invoke(app, ["settings", "--json"])
    assert shown.exit_code == 0, shown.output
    rows = {row["variable"]: row for row in json.loads(shown.output)}
    documented = {
        name
        for page in ("configuration.md", "running.md")
        for name in re.findall(r"^\| `(TILISILTA_\w+)`", (DOCS / page).read_text(), re.M)
    }
    assert documented and documented <= set(rows)
    assert rows["TILISILTA_MAX_ATTEMPTS"]["value"] == "9"
    assert rows["TILISILTA_MAX_ATTEMPTS"]["source"] == "environment"
    assert rows["TILISILTA_SEND_LEASE_SECONDS"]["source"] == "default"
    assert "hunter2" not in shown.output and key not in shown.output
    assert rows["TILISILTA_SECRET_KEYS"]["value"].endswith("9YI=")
