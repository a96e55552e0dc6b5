"""Fixtures of the command-line tests: a Procountor sandbox served on loopback, and a fresh
hub home with its own secret key."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from cryptography.fernet import Fernet
from typer.testing import CliRunner, Result

from tilisilta.cli.main import app
from tilisilta.cli.runtime import console, err
from tilisilta.sandbox.procountor import ProcountorSandbox


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """An ASGI app served on a free loopback port, for commands that really use HTTP."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)  # waiting for a real server thread to bind
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(5)


@pytest.fixture
def served() -> Iterator[tuple[str, ProcountorSandbox, dict[str, str]]]:
    sandbox, creds = ProcountorSandbox.with_demo_company(seed=5)
    with serving(sandbox.app) as url:
        yield url, sandbox, {k: str(v) for k, v in creds.items()}


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    values = {
        "TILISILTA_HOME": str(tmp_path / "home"),
        "TILISILTA_SECRET_KEYS": Fernet.generate_key().decode(),
    }
    monkeypatch.delenv("TILISILTA_DATABASE_URL", raising=False)
    for key, value in values.items():
        monkeypatch.setenv(key, value)
    return values


@pytest.fixture(autouse=True)
def wide_console() -> Iterator[None]:
    """Tables as a person sees them in a wide terminal, so assertions see whole cells."""
    before = console.width, err.width
    console.width = err.width = 250
    yield
    console.width, err.width = before


def add_procountor(
    runner: CliRunner, url: str, creds: Mapping[str, object], *settings: str
) -> Result:
    """`connection add procountor pc` for Demo Oy against a sandbox served at ``url``, the
    secrets from the environment as a script would give them."""
    command = ["connection", "add", "procountor", "pc", "--company", "2077474-0"]
    command += ["--environment", "sandbox", "--url", f"{url}/api"]
    for setting in (
        f"client_id={creds['client_id']}",
        f"redirect_uri={creds['redirect_uri']}",
        *settings,
    ):
        command += ["--set", setting]
    secrets = {
        "TILISILTA_CLIENT_SECRET": str(creds["client_secret"]),
        "TILISILTA_API_KEY": str(creds["api_key"]),
    }
    return runner.invoke(app, command, env=secrets)
