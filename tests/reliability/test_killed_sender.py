"""A sender killed with SIGKILL mid-batch: the rerun completes with no duplicate and none missing.

Everything runs as a user would run it: the Procountor sandbox served on loopback by
`tilisilta sandbox serve procountor`, and `tilisilta send invoices` as a separate process.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from cryptography.fernet import Fernet

from tests.factories import batch
from tests.reliability.processes import cli, served, wait_until

pytestmark = pytest.mark.slow
COUNT = 120


@pytest.fixture
def served_sandbox(tmp_path: Path) -> Iterator[str]:
    with served("procountor", tmp_path / "sandbox.log") as url:
        yield url


def test_rerun_after_sigkill_sends_each_invoice_exactly_once(
    served_sandbox: str, tmp_path: Path
) -> None:
    url = served_sandbox
    creds = httpx.post(
        f"{url}/_sandbox/companies", json={"name": "Demo Oy", "business_id": "2077474-0"}
    ).json()
    env = {
        **os.environ,
        "TILISILTA_HOME": str(tmp_path / "home"),
        "TILISILTA_SECRET_KEYS": Fernet.generate_key().decode(),
        "TILISILTA_CLIENT_SECRET": creds["client_secret"],
        "TILISILTA_API_KEY": creds["api_key"],
    }
    env.pop("TILISILTA_DATABASE_URL", None)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(cli(*args), env=env, capture_output=True, text=True, timeout=300)

    assert run("company", "create", "Demo Oy", "2077474-0").returncode == 0
    added = run(
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
    )
    assert added.returncode == 0, added.stderr
    data = tmp_path / "batch.json"
    data.write_text(json.dumps({"invoices": batch(COUNT)}))
    assert run("import", "invoices", str(data), "--company", "2077474-0").returncode == 0
    # Slow each call a little so the kill lands mid-batch.
    httpx.put(f"{url}/_sandbox/faults", json={"latency": 0.02}).raise_for_status()

    company_invoices = f"{url}/_sandbox/companies/{creds['company_id']}/invoices"
    sender = subprocess.Popen(
        cli("send", "invoices", "--connection", "pc", "--all-unsent"),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_until(lambda: len(httpx.get(company_invoices).json()) >= 30, timeout=120)
    sender.send_signal(signal.SIGKILL)
    sender.wait(10)
    at_kill = len(httpx.get(company_invoices).json())
    assert 30 <= at_kill < COUNT, "the kill did not land mid-batch"

    httpx.put(f"{url}/_sandbox/faults", json={"latency": 0}).raise_for_status()
    rerun = run("send", "invoices", "--connection", "pc", "--all-unsent")
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr

    remote = httpx.get(company_invoices).json()
    numbers = Counter(inv["originalInvoiceNumber"] for inv in remote)
    assert len(numbers) == COUNT, "an invoice is missing"
    assert set(numbers.values()) == {1}, "an invoice was sent twice"
    assert "0 waiting to retry" in rerun.stdout
