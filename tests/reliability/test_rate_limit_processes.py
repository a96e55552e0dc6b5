"""Three `tilisilta send invoices` processes, each for its own company but all on one Procountor
client id, against the sandbox served on loopback by `tilisilta sandbox serve procountor`,
limited to 10 calls a second per client id as the connections are set: together they keep to
the client id's limit (the hub's database holds the one limit they share), and every invoice is
sent once. On SQLite and on PostgreSQL."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import httpx
import pytest

from tests.factories import batch
from tests.reliability.processes import Hub, served

pytestmark = pytest.mark.slow

RATE = 10
COMPANIES = {"2077474-0": "Demo Oy", "0112038-9": "Toinen Oy", "1572860-0": "Kolmas Oy"}
INVOICES = 8
CLIENT = {"client_id": "shared-client", "client_secret": "s3cret", "redirect_uri": "http://cb"}


def test_processes_sharing_a_client_id_keep_to_its_limit_together(
    database_url: str, tmp_path: Path
) -> None:
    with served("procountor", tmp_path / "sandbox.log") as url:
        httpx.put(f"{url}/_sandbox/rate_limit", json={"per_second": RATE}).raise_for_status()
        httpx.put(f"{url}/_sandbox/faults", json={"latency": 0.02}).raise_for_status()
        hub = Hub(
            tmp_path / "home",
            TILISILTA_DATABASE_URL=database_url,
            TILISILTA_CLIENT_SECRET=CLIENT["client_secret"],
        )
        hub.must("db", "upgrade")
        remote_ids = {}
        for n, (business_id, name) in enumerate(COMPANIES.items()):
            created = httpx.post(
                f"{url}/_sandbox/companies",
                json={"name": name, "business_id": business_id, **CLIENT},
            ).json()
            remote_ids[business_id] = created["company_id"]
            hub.env["TILISILTA_API_KEY"] = created["api_key"]
            hub.must("company", "create", name, business_id)
            hub.must(
                "connection", "add-procountor", f"pc{n}", "--company", business_id,
                "--environment", "sandbox", "--base-url", f"{url}/api",
                "--client-id", CLIENT["client_id"], "--redirect-uri", CLIENT["redirect_uri"],
            )  # fmt: skip
            hub.must("connection", "set", f"pc{n}", "rate_limit_per_second", str(RATE))
            data = tmp_path / f"batch-{n}.json"
            data.write_text(json.dumps({"invoices": batch(INVOICES, start=1000 * (n + 1))}))
            hub.must("import", "invoices", str(data), "--company", business_id)

        logs = [tmp_path / f"send-{n}.log" for n in range(len(COMPANIES))]
        senders = [
            hub.start("send", "invoices", "--connection", f"pc{n}", "--all-unsent", log=log)
            for n, log in enumerate(logs)
        ]
        for sender, log in zip(senders, logs, strict=True):
            assert sender.wait(timeout=300) == 0, log.read_text()

        seen = httpx.get(f"{url}/_sandbox/rate_limit").json()["clients"][CLIENT["client_id"]]
        assert seen["refused"] == 0, seen
        assert seen["peak_per_second"] <= RATE + 2, seen  # a late call or two on a busy machine
        assert seen["mean_per_second"] <= RATE * 1.02, seen
        calls_per_process = 2 * INVOICES + 5  # create and approve; token, company and setup
        assert seen["admitted"] >= len(COMPANIES) * calls_per_process
        for business_id, company_id in remote_ids.items():
            remote = httpx.get(f"{url}/_sandbox/companies/{company_id}/invoices").json()
            numbers = Counter(inv["originalInvoiceNumber"] for inv in remote)
            assert len(numbers) == INVOICES and set(numbers.values()) == {1}, business_id
