"""Running the hub and its sandboxes as separate processes, as a user does."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from cryptography.fernet import Fernet

from tests.factories import batch


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "tilisilta", *args]


def wait_until(predicate: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)  # polling another process: there is no clock of ours to advance
    raise AssertionError("timed out waiting")


@contextmanager
def served(kind: str, log_file: Path) -> Iterator[str]:
    """`tilisilta sandbox serve KIND` on a free port; its URL."""
    port = free_port()
    with log_file.open("w") as log:
        proc = subprocess.Popen(
            cli("sandbox", "serve", kind, "--port", str(port)), stdout=log, stderr=log
        )
        url = f"http://127.0.0.1:{port}"

        def up() -> bool:
            try:
                return httpx.get(f"{url}/_sandbox/faults", timeout=1).status_code == 200
            except httpx.TransportError:
                return False

        try:
            wait_until(up)
            yield url
        finally:
            proc.terminate()
            proc.wait(10)


class Hub:
    """A hub home (its own database and key) driven through the CLI in subprocesses."""

    def __init__(self, home: Path, **env: str) -> None:
        self.env = {
            **os.environ,
            "TILISILTA_HOME": str(home),
            "TILISILTA_SECRET_KEYS": Fernet.generate_key().decode(),
            **env,
        }
        if "TILISILTA_DATABASE_URL" not in env:
            self.env.pop("TILISILTA_DATABASE_URL", None)

    def run(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            cli(*args), env=self.env, capture_output=True, text=True, timeout=timeout
        )

    def start(self, *args: str, log: Path | None = None) -> subprocess.Popen[Any]:
        out = log.open("w") if log is not None else subprocess.DEVNULL
        return subprocess.Popen(cli(*args), env=self.env, stdout=out, stderr=subprocess.STDOUT)

    def must(self, *args: str) -> str:
        done = self.run(*args)
        assert done.returncode == 0, f"{args}: {done.stdout}{done.stderr}"
        return done.stdout

    def procountor_company(self, url: str, tmp: Path, count: int, name: str = "pc") -> str:
        """A company connected to a new Procountor sandbox company holding ``count`` imported
        invoices; the URL of the sandbox's list of that company's invoices."""
        creds = httpx.post(
            f"{url}/_sandbox/companies", json={"name": "Demo Oy", "business_id": "2077474-0"}
        ).json()
        self.env["TILISILTA_CLIENT_SECRET"] = creds["client_secret"]
        self.env["TILISILTA_API_KEY"] = creds["api_key"]
        self.must("company", "create", "Demo Oy", "2077474-0")
        self.must(
            "connection", "add-procountor", name, "--company", "2077474-0",
            "--environment", "sandbox", "--base-url", f"{url}/api",
            "--client-id", creds["client_id"], "--redirect-uri", creds["redirect_uri"],
        )  # fmt: skip
        data = tmp / "batch.json"
        data.write_text(__import__("json").dumps({"invoices": batch(count)}))
        self.must("import", "invoices", str(data), "--company", "2077474-0")
        return f"{url}/_sandbox/companies/{creds['company_id']}/invoices"
