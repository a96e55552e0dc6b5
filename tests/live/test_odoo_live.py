"""Against a real Odoo, when one is at hand (skipped otherwise; CI has none).

Set TILISILTA_ODOO_LIVE_URL, _DATABASE, _LOGIN, _API_KEY and _COMPANY_ID (the Odoo company id).
The tests only read: they test the connection and pull invoices, customers and products into a
throw-away hub database.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from tilisilta.clock import SystemClock
from tilisilta.connectors.odoo.connection import test_connection as check_connection
from tilisilta.connectors.odoo.invoices import pull_invoices
from tilisilta.connectors.odoo.options import OdooOptions
from tilisilta.connectors.odoo.registers import pull_partners, pull_products
from tilisilta.crypto import SecretBox
from tilisilta.settings import Settings
from tilisilta.store import companies as repo
from tilisilta.store.engine import Store

PREFIX = "TILISILTA_ODOO_LIVE_"
NEEDED = ("URL", "DATABASE", "LOGIN", "API_KEY", "COMPANY_ID")
missing = [name for name in NEEDED if not os.environ.get(PREFIX + name)]
pytestmark = pytest.mark.skipif(
    bool(missing), reason=f"no live Odoo ({', '.join(PREFIX + m for m in missing)} unset)"
)


@pytest.fixture
def live(tmp_path: Path) -> tuple[Store, SecretBox]:
    env = {name: os.environ[PREFIX + name] for name in NEEDED}
    settings = Settings(
        home=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'live.db'}",
        secret_keys=Fernet.generate_key().decode(),
    )
    store = Store(settings.resolved_database_url())
    store.upgrade()
    box = SecretBox.from_settings(settings)
    clock = SystemClock()
    with store.session() as session:
        company = repo.create_company(session, "Live Oy", "2077474-0", clock.now())
        repo.add_connection(
            session,
            box,
            company=company,
            name="live",
            kind="odoo",
            environment="test",
            base_url=env["URL"],
            options=OdooOptions(
                database=env["DATABASE"],
                login=env["LOGIN"],
                odoo_company_id=int(env["COMPANY_ID"]),
            ).model_dump(mode="json"),
            secrets={"api_key": env["API_KEY"]},
            now=clock.now(),
        )
    return store, box


def test_a_real_odoo_answers_and_its_records_map(live: tuple[Store, SecretBox]) -> None:
    store, box = live
    clock = SystemClock()
    check = check_connection(store, box, clock, "live")
    assert check.lines and check.lines[0].startswith("Odoo ")
    for flow in (pull_partners, pull_products):
        assert flow(store, box, clock, "live").aborted is None
    report = pull_invoices(store, box, clock, "live")
    assert report.aborted is None, report.aborted
