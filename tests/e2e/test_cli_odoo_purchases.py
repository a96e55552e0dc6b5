"""`tilisilta odoo push-purchases` against an Odoo sandbox served on loopback, as a user runs it."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from tests.e2e.conftest import serving
from tests.e2e.test_cli_odoo import add_odoo
from tilisilta.cli.main import app
from tilisilta.domain.documents import FileCopy, Party, PurchaseInvoice, PurchaseLine
from tilisilta.sandbox.odoo import OdooSandbox
from tilisilta.sandbox.odoo.sandbox import DemoCredentials
from tilisilta.settings import Settings
from tilisilta.store.documents import PURCHASE_INVOICE, upsert_document
from tilisilta.store.engine import Store


@pytest.fixture
def served() -> Iterator[tuple[str, OdooSandbox, DemoCredentials]]:
    sandbox, creds = OdooSandbox.with_demo_company(version=18, seed=7)
    with serving(sandbox.app) as url:
        yield url, sandbox, creds


def fetched(number: str, rate: str, sandbox: OdooSandbox) -> None:
    """A purchase invoice in the hub's database, as the Netvisor fetch keeps it."""
    line = PurchaseLine(
        description="Toimistotarvikkeet",
        quantity=Decimal(2),
        unit_price=Decimal("40.00"),
        vat_rate=Decimal(rate),
        net_amount=Decimal("80.00"),
        gross_amount=(Decimal(80) * (100 + Decimal(rate)) / 100).quantize(Decimal("0.01")),
    )
    invoice = PurchaseInvoice(
        source_id=number,
        number=number,
        invoice_date=date(2026, 6, 1),
        total=line.gross_amount,
        vendor=Party(
            ref="netvisor-vendor:0112038-9", name="Uusi Toimittaja Oy", business_id="0112038-9"
        ),
        lines=[line],
        attachments=[
            FileCopy(name="lasku.pdf", content_base64=base64.b64encode(b"%PDF-1.4").decode())
        ],
    )
    store = Store(Settings().resolved_database_url())
    with store.session() as session:
        upsert_document(
            session, 1, PURCHASE_INVOICE, f"netvisor:{number}", invoice, sandbox.clock.now()
        )
    store.dispose()


def test_purchase_invoices_are_booked_as_vendor_bills_from_the_command_line(
    served: tuple[str, OdooSandbox, DemoCredentials], env: dict[str, str]
) -> None:
    url, sandbox, creds = served
    runner = CliRunner()
    assert runner.invoke(app, ["company", "create", "Demo Oy", "2077474-0"]).exit_code == 0
    add_odoo(runner, "erp", url, creds, creds.api_key)
    fetched("77", "25.5", sandbox)

    booked = runner.invoke(app, ["odoo", "push-purchases", "erp"])
    assert booked.exit_code == 0, booked.output
    flat = " ".join(booked.output.split())
    assert "netvisor:77: sent, Odoo id" in flat
    assert "Purchase invoice 77 from Uusi Toimittaja Oy, 100.40 EUR: vendor bill" in flat
    assert "vendor Uusi Toimittaja Oy created" in flat and "1 file(s) attached" in flat
    assert "Purchase invoices booked in Odoo: 1; data issues: 0" in flat
    reg = sandbox.registry
    assert reg.call("account.move", "search_count", [("move_type", "=", "in_invoice")]) == 1

    again = runner.invoke(app, ["odoo", "push-purchases", "erp"])
    assert again.exit_code == 0, again.output
    assert "Purchase invoices booked in Odoo: 0; data issues: 0" in again.output
    assert "booked before: 1" in again.output

    # A rate Odoo has no purchase tax for: left for a person (exit 3), nothing written.
    fetched("78", "14", sandbox)
    held = runner.invoke(app, ["odoo", "push-purchases", "erp", "netvisor:78", "netvisor:79"])
    assert held.exit_code == 3, held.output
    flat = " ".join(held.output.split())
    assert "No purchase invoice netvisor:79 in the hub" in flat
    assert "netvisor:78: data issue, no bill" in flat and "no purchase tax of 14 %" in flat
    assert reg.call("account.move", "search_count", [("move_type", "=", "in_invoice")]) == 1
