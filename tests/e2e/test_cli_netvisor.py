"""Netvisor from the command line, as a new user runs it against the sandbox served on loopback."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.e2e.conftest import serving
from tests.factories import credit_note, invoice
from tilisilta.cli.main import app
from tilisilta.sandbox.netvisor import NetvisorSandbox

Served = tuple[str, NetvisorSandbox, dict[str, str]]


@pytest.fixture
def served_netvisor() -> Iterator[Served]:
    sandbox, creds = NetvisorSandbox.with_demo_company(seed=5)
    with serving(sandbox.app) as url:
        yield url, sandbox, creds


def test_connect_send_fetch_and_download_what_was_sent(
    served_netvisor: Served, env: dict[str, str], tmp_path: Path
) -> None:
    url, sandbox, creds = served_netvisor
    runner = CliRunner()
    assert runner.invoke(app, ["company", "create", "Demo Oy", "2077474-0"]).exit_code == 0
    added = runner.invoke(
        app,
        [
            "connection", "add", "netvisor", "nv", "--company", "2077474-0",
            "--environment", "sandbox", "--url", url,
            "--set", f"customer_id={creds['customer_id']}",
            "--set", f"partner_id={creds['partner_id']}",
            "--set", f"organisation_id={creds['organisation_id']}",
        ],
        env={"TILISILTA_CUSTOMER_KEY": creds["customer_key"],
             "TILISILTA_PARTNER_KEY": creds["partner_key"]},
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    tested = runner.invoke(app, ["connection", "test", "nv"])
    assert tested.exit_code == 0 and "Connection works" in tested.output, tested.output

    good = invoice("2001")
    good["lines"][0]["product_code"] = "ASENNUS"
    good["lines"][1]["product_code"] = "KAHVI-1KG"
    note = credit_note("2002", "2001")
    note["lines"][0]["product_code"] = "ASENNUS"
    batch = tmp_path / "batch.json"
    batch.write_text(json.dumps({"invoices": [good, note, invoice("2003")]}))
    assert (
        runner.invoke(app, ["import", "invoices", str(batch), "--company", "2077474-0"]).exit_code
        == 0
    )

    sent = runner.invoke(app, ["send", "invoices", "--connection", "nv", "--all-unsent"])
    assert sent.exit_code == 3, sent.output  # 2003 has no product codes: left for a person
    flat = " ".join(sent.output.split())
    assert "Netvisor id" in flat and "Summary: 2 sent, 1 data issues" in flat
    assert "tilisilta connection set nv product_identification generic" in flat
    company = sandbox.companies[creds["organisation_id"]]
    assert sorted(str(i.number) for i in company.sales_invoices.values()) == ["2001", "2002"]

    xml = tmp_path / "2001.xml"
    shown = runner.invoke(
        app, ["netvisor", "invoice", "2001", "--connection", "nv", "--xml", str(xml)]
    )
    assert shown.exit_code == 0 and "Netvisor key" in shown.output, shown.output
    set_link = ["connection", "set", "nv", "invoice_link", "https://netvisor.example/i?k={key}"]
    assert runner.invoke(app, set_link).exit_code == 0
    linked = runner.invoke(app, ["netvisor", "invoice", "2001", "--connection", "nv"])
    assert "Open in Netvisor: https://netvisor.example/i?k=1" in linked.output, linked.output
    body = xml.read_text()
    assert body.startswith("<root><salesinvoice>") and "<salesinvoicenumber>2001<" in body

    number = next(i for i in company.sales_invoices.values() if i.number == "2001")
    sandbox.add_bank_payment(
        creds["organisation_id"], number.amount, number.invoice_date, invoice_number="2001"
    )
    paid = runner.invoke(app, ["fetch", "payments", "--connection", "nv"])
    assert paid.exit_code == 0, paid.output
    assert "1 now paid" in " ".join(paid.output.split())

    purchases = runner.invoke(app, ["netvisor", "purchases", "--connection", "nv"])
    assert purchases.exit_code == 0, purchases.output
    assert "2 new" in purchases.output and "1 attachment(s)" in purchases.output
    again = runner.invoke(app, ["netvisor", "purchases", "--connection", "nv"])
    said = " ".join(again.output.split())
    assert "0 new, 0 changed, 2 unchanged" in said and "changed in Netvisor since" in said
