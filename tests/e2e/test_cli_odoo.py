"""The Odoo commands against an Odoo sandbox served on loopback, as a user would use them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from tests.e2e.conftest import add_procountor, serving
from tilisilta.cli.main import app
from tilisilta.domain.documents import Payment
from tilisilta.sandbox.odoo import OdooSandbox
from tilisilta.sandbox.odoo.orm.scenarios import make_invoice
from tilisilta.sandbox.odoo.sandbox import DemoCredentials
from tilisilta.sandbox.procountor import ProcountorSandbox
from tilisilta.settings import Settings
from tilisilta.store.engine import Store
from tilisilta.store.payments import upsert_payment


@pytest.fixture
def served() -> Iterator[tuple[str, OdooSandbox, DemoCredentials]]:
    sandbox, creds = OdooSandbox.with_demo_company(version=18, seed=7)
    with serving(sandbox.app) as url:
        yield url, sandbox, creds


def add_odoo(runner: CliRunner, name: str, url: str, creds: DemoCredentials, key: str) -> None:
    added = runner.invoke(
        app,
        [
            "connection",
            "add-odoo",
            name,
            "--company",
            "2077474-0",
            "--url",
            url,
            "--database",
            creds.database,
            "--login",
            creds.login,
            "--odoo-company",
            str(creds.company_id),
            "--environment",
            "sandbox",
        ],
        input=f"{key}\n",
    )
    assert added.exit_code == 0, added.output
    assert key not in added.output


def test_connect_pull_and_write_payments_back_from_the_command_line(
    served: tuple[str, OdooSandbox, DemoCredentials], env: dict[str, str]
) -> None:
    url, sandbox, creds = served
    runner = CliRunner()
    assert runner.invoke(app, ["company", "create", "Demo Oy", "2077474-0"]).exit_code == 0
    add_odoo(runner, "erp", url, creds, creds.api_key)

    tested = runner.invoke(app, ["connection", "test", "erp"])
    assert tested.exit_code == 0, tested.output
    assert "Odoo 18.0" in tested.output and "Connection works" in tested.output

    setup = runner.invoke(app, ["odoo", "setup", "erp"], env={"COLUMNS": "200"})
    assert setup.exit_code == 0, setup.output
    assert "eu_goods" in setup.output and "not mapped" in setup.output
    assert "Weight, 1000 × kg" in setup.output and "TNE" in setup.output  # Odoo 18's "t"

    reg, seed = sandbox.registry, creds.seed
    moves = [make_invoice(reg, seed, seed.customers["aalto"], [("coffee", n)]) for n in (1, 2)]
    pulled = runner.invoke(app, ["odoo", "pull", "erp"], env={"COLUMNS": "200"})
    assert pulled.exit_code == 0, pulled.output
    assert "Invoices and credit notes: 2 new" in pulled.output
    assert (
        "Checked that the 2 invoices read from Odoo are still posted there: 0 no" in pulled.output
    )
    shown = runner.invoke(app, ["connection", "show", "erp"], env={"COLUMNS": "200"})
    assert "state version: 18.0" in shown.output, shown.output
    assert "state cursor:account.move: {" in shown.output, shown.output

    total = Decimal(
        str(reg.call("account.move", "read", [moves[0]], ["amount_total"])[0]["amount_total"])
    )
    settings = Settings()
    store = Store(settings.resolved_database_url())
    with store.session() as session:
        payment = Payment(
            external_id="1",
            invoice_number="INV/2026/00001",
            amount=total,
            payment_date=date(2026, 6, 20),
        )
        upsert_payment(session, 1, "procountor:9:1", payment, sandbox.clock.now())
    store.dispose()
    pushed = runner.invoke(app, ["odoo", "push-payments", "erp"])
    assert pushed.exit_code == 0, pushed.output
    assert "Payments registered in Odoo: 1" in pushed.output
    state = reg.call("account.move", "read", [moves[0]], ["payment_state"])[0]["payment_state"]
    assert state in ("paid", "in_payment")
    again = runner.invoke(app, ["odoo", "push-payments", "erp"])
    assert "Payments registered in Odoo: 0" in again.output


def test_a_wrong_api_key_is_said_plainly_and_never_printed(
    served: tuple[str, OdooSandbox, DemoCredentials], env: dict[str, str]
) -> None:
    url, _sandbox, creds = served
    runner = CliRunner()
    assert runner.invoke(app, ["company", "create", "Demo Oy", "2077474-0"]).exit_code == 0
    wrong = "0123456789abcdef" * 2
    add_odoo(runner, "erp", url, creds, wrong)
    tested = runner.invoke(app, ["connection", "test", "erp"])
    assert tested.exit_code == 1
    flat = " ".join(tested.output.split())
    assert "API key is wrong, expired or revoked" in flat
    assert "Preferences → Account Security" in flat
    assert wrong not in tested.output
    shown = runner.invoke(app, ["connection", "show", "erp"])
    assert wrong not in shown.output and wrong[-4:] in shown.output


def test_the_whole_cycle_from_the_command_line_against_both_sandboxes(
    served: tuple[str, OdooSandbox, DemoCredentials], env: dict[str, str]
) -> None:
    url, sandbox, creds = served
    books, books_creds = ProcountorSandbox.with_demo_company(seed=11)
    runner = CliRunner()
    assert runner.invoke(app, ["company", "create", "Demo Oy", "2077474-0"]).exit_code == 0
    add_odoo(runner, "erp", url, creds, creds.api_key)
    reg, seed = sandbox.registry, creds.seed
    make_invoice(reg, seed, seed.customers["aalto"], [("coffee", 3)])
    with serving(books.app) as books_url:
        added = add_procountor(runner, books_url, books_creds)
        assert added.exit_code == 0, added.output
        first = runner.invoke(app, ["odoo", "cycle", "erp", "--books", "pc"])
        again = runner.invoke(app, ["odoo", "cycle", "erp", "--books", "pc"])
    assert first.exit_code == 0, first.output
    flat = " ".join(first.output.split())
    assert "Invoices and credit notes: 1 new" in flat
    assert "Summary: 1 sent" in flat and "Payments registered in Odoo: 0" in flat
    assert again.exit_code == 0, again.output
    assert "Summary: 0 sent" in " ".join(again.output.split())
    assert len(books.invoices(int(books_creds["company_id"]))) == 1


def test_tax_and_unit_maps_take_only_what_the_odoo_company_has(
    served: tuple[str, OdooSandbox, DemoCredentials], env: dict[str, str]
) -> None:
    url, sandbox, creds = served
    runner = CliRunner()
    assert runner.invoke(app, ["company", "create", "Demo Oy", "2077474-0"]).exit_code == 0
    add_odoo(runner, "erp", url, creds, creds.api_key)
    tax = creds.seed.taxes["sale_0"]
    no_tax = runner.invoke(app, ["odoo", "tax-map", "erp", "999999", "exempt"])
    assert no_tax.exit_code == 1
    assert "has no sales tax with id 999999" in " ".join(no_tax.output.split())
    mapped = runner.invoke(app, ["odoo", "tax-map", "erp", str(tax), "exempt"])
    assert mapped.exit_code == 0, mapped.output
    assert f"Odoo tax {tax}" in mapped.output and "exempt" in mapped.output
    no_unit = runner.invoke(app, ["odoo", "unit-map", "erp", "Tonni", "TNE"])
    assert no_unit.exit_code == 1 and "has no unit named 'Tonni'" in no_unit.output
    unit = sandbox.registry.call("uom.uom", "search_read", [], ["name"], limit=1)[0]["name"]
    assert runner.invoke(app, ["odoo", "unit-map", "erp", unit, "C62"]).exit_code == 0
