"""Against a real Odoo, when one is at hand (skipped otherwise; CI has none).

Set TILISILTA_ODOO_LIVE_URL, _DATABASE, _LOGIN, _API_KEY and _COMPANY_ID (the Odoo company id).
The first test only reads: it tests the connection and pulls invoices, customers and products
into a throw-away hub database. With TILISILTA_ODOO_LIVE_WRITE=1 too (a test company only), two
more write: a throw-away invoice posted and paid through the hub's payment write-back, and a bulk
of customers created in one transaction (so sharing one write_date), pulled in small pages and
then deleted again. Both take a minute and confirm what the sandbox can only imitate.
"""

from __future__ import annotations

import os
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet

from tests.hub import TestHub
from tilisilta.clock import SystemClock
from tilisilta.connectors.odoo.flows.connection import company_context, open_client
from tilisilta.connectors.odoo.flows.connection import test_connection as check_connection
from tilisilta.connectors.odoo.flows.invoices import pull_invoices
from tilisilta.connectors.odoo.flows.payments import push_payments
from tilisilta.connectors.odoo.flows.registers import pull_partners, pull_products
from tilisilta.connectors.odoo.options import OdooOptions
from tilisilta.crypto import SecretBox
from tilisilta.domain.documents import JournalType, Payment
from tilisilta.settings import Settings
from tilisilta.store import companies as repo
from tilisilta.store.engine import Store
from tilisilta.store.payments import upsert_payment
from tilisilta.store.registers import PARTY, all_of_kind

PREFIX = "TILISILTA_ODOO_LIVE_"
NEEDED = ("URL", "DATABASE", "LOGIN", "API_KEY", "COMPANY_ID")
missing = [name for name in NEEDED if not os.environ.get(PREFIX + name)]
pytestmark = pytest.mark.skipif(
    bool(missing), reason=f"no live Odoo ({', '.join(PREFIX + m for m in missing)} unset)"
)
writes = pytest.mark.skipif(
    os.environ.get(PREFIX + "WRITE") != "1",
    reason=f"{PREFIX}WRITE=1 not set (these tests write into the Odoo company)",
)
BULK = 250
PAGE = 50


@pytest.fixture
def live(tmp_path: Path) -> TestHub:
    return _hub(tmp_path, page_size=200)


def _hub(tmp_path: Path, *, page_size: int) -> TestHub:
    """A throw-away hub whose connection "live" reaches the real Odoo over real HTTP."""
    env = {name: os.environ[PREFIX + name] for name in NEEDED}
    settings = Settings(
        home=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'live.db'}",
        secret_keys=Fernet.generate_key().decode(),
    )
    store = Store(settings.resolved_database_url())
    store.upgrade()
    hub = TestHub(store, SecretBox.from_settings(settings), SystemClock(), settings)
    return hub.connect(
        "live",
        "odoo",
        transport=None,
        base_url=env["URL"],
        options=OdooOptions(
            database=env["DATABASE"],
            login=env["LOGIN"],
            odoo_company_id=int(env["COMPANY_ID"]),
            page_size=page_size,
        ).model_dump(mode="json"),
        secrets={"api_key": env["API_KEY"]},
        company_name="Live Oy",
        environment="test",
    )


def test_a_real_odoo_answers_and_its_records_map(live: TestHub) -> None:
    hub = live
    check = hub.run("live", check_connection)
    assert check.lines and check.lines[0].startswith("Odoo ")
    for flow in (pull_partners, pull_products):
        assert hub.run("live", flow).aborted is None
    report = hub.run("live", pull_invoices)
    assert report.aborted is None, report.aborted


def _odoo(hub: TestHub) -> Any:
    client, options = open_client(hub.context("live"))
    return client, company_context(options), int(options.odoo_company_id)


@writes
def test_a_payment_is_written_back_to_a_throw_away_invoice_once(tmp_path: Path) -> None:
    hub = _hub(tmp_path, page_size=200)
    store, clock = hub.store, hub.clock
    client, context, company = _odoo(hub)
    try:
        partner = client.call(
            "res.partner",
            "create",
            vals_list=[{"name": "Tilisilta live test", "customer_rank": 1}],
            context=context,
        )
        partner_id = int(partner[0] if isinstance(partner, list) else partner)
        taxes = client.search_read(
            "account.tax",
            [("type_tax_use", "=", "sale"), ("company_id", "=", company), ("amount", ">", 0)],
            ["id"],
            context=context,
            order="amount desc",
            limit=1,
        )
        line = {
            "name": "Tilisilta live test row",
            "quantity": 1,
            "price_unit": 10.0,
            "tax_ids": [(6, 0, [int(taxes[0]["id"])])],
        }
        move = client.call(
            "account.move",
            "create",
            vals_list=[
                {
                    "move_type": "out_invoice",
                    "partner_id": partner_id,
                    "company_id": company,
                    "invoice_line_ids": [(0, 0, line)],
                }
            ],
            context=context,
        )
        move_id = int(move[0] if isinstance(move, list) else move)
        client.call("account.move", "action_post", ids=[move_id], context=context)
        read = client.read("account.move", [move_id], ["name", "amount_total"], context=context)
    finally:
        client.close()
    number, amount = str(read[0]["name"]), Decimal(str(read[0]["amount_total"]))
    pulled = hub.run("live", pull_invoices)
    assert number in pulled.new, pulled
    payment = Payment(
        external_id="live-1",
        invoice_number=number,
        amount=amount,
        payment_date=date.today(),
        journal=JournalType.BANK,
    )
    with store.session() as session:
        company_row = repo.find_company(session, "2077474-0")
        upsert_payment(session, company_row.id, "live:1", payment, clock.now())
    first = hub.run("live", push_payments)
    assert first.run.aborted is None and len(first.run.sent) == 1, first
    again = hub.run("live", push_payments)
    assert again.run.sent == []
    client, context, _ = _odoo(hub)
    try:
        state = client.read("account.move", [move_id], ["payment_state"], context=context)
    finally:
        client.close()
    assert state[0]["payment_state"] in ("paid", "in_payment")


@writes
def test_a_bulk_of_one_transaction_is_pulled_in_full_in_small_pages(tmp_path: Path) -> None:
    hub = _hub(tmp_path, page_size=PAGE)
    store = hub.store
    client, context, _ = _odoo(hub)
    names = [f"Tilisilta live bulk {n:03d}" for n in range(BULK)]
    created: list[int] = []
    try:
        values = [{"name": name, "customer_rank": 1} for name in names]
        created = list(client.call("res.partner", "create", vals_list=values, context=context))
        report = hub.run("live", pull_partners)
        assert report.aborted is None, report.aborted
        with store.session() as session:
            kept = {doc.payload.get("name") for doc in all_of_kind(session, 1, PARTY)}
        assert set(names) <= kept
    finally:
        if created:
            client.call("res.partner", "unlink", ids=created, context=context)
        client.close()
