"""Against a real Netvisor test company, when one is at hand (skipped otherwise; CI has none).

Set TILISILTA_NETVISOR_LIVE_URL (e.g. https://isvapi.netvisor.fi), _CUSTOMER_ID, _CUSTOMER_KEY,
_PARTNER_ID, _PARTNER_KEY and _ORGANISATION_ID (the company's business ID). Read-only: it tests
the connection (a signed read for the company) and reads the sales invoices, their payments and
the purchase invoices of the last 30 days into a throw-away hub database.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from tests.hub import TestHub
from tilisilta.clock import SystemClock
from tilisilta.connectors.netvisor.flows.connection import open_client
from tilisilta.connectors.netvisor.flows.connection import test_connection as check_connection
from tilisilta.connectors.netvisor.flows.purchases import fetch_purchase_invoices
from tilisilta.connectors.netvisor.options import NetvisorOptions
from tilisilta.crypto import SecretBox
from tilisilta.settings import Settings
from tilisilta.store.engine import Store

PREFIX = "TILISILTA_NETVISOR_LIVE_"
NEEDED = ("URL", "CUSTOMER_ID", "CUSTOMER_KEY", "PARTNER_ID", "PARTNER_KEY", "ORGANISATION_ID")
missing = [name for name in NEEDED if not os.environ.get(PREFIX + name)]
pytestmark = pytest.mark.skipif(
    bool(missing), reason=f"no live Netvisor ({', '.join(PREFIX + m for m in missing)} unset)"
)


@pytest.fixture
def live(tmp_path: Path) -> TestHub:
    env = {name: os.environ[PREFIX + name] for name in NEEDED}
    settings = Settings(
        home=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'live.db'}",
        secret_keys=Fernet.generate_key().decode(),
    )
    store = Store(settings.resolved_database_url())
    store.upgrade()
    hub = TestHub(store, SecretBox.from_settings(settings), SystemClock(), settings)
    options = NetvisorOptions(
        customer_id=env["CUSTOMER_ID"],
        partner_id=env["PARTNER_ID"],
        organisation_id=env["ORGANISATION_ID"],
    )
    return hub.connect(
        "live",
        "netvisor",
        transport=None,
        base_url=env["URL"],
        options=options.model_dump(mode="json"),
        secrets={"customer_key": env["CUSTOMER_KEY"], "partner_key": env["PARTNER_KEY"]},
        company=env["ORGANISATION_ID"],
        company_name="Live Oy",
        environment="test",
    )


def test_a_real_netvisor_answers_and_its_lists_read(live: TestHub) -> None:
    check = live.run("live", check_connection)
    assert check.ok, check.lines
    client, _options = open_client(live.context("live"))
    try:
        assert isinstance(client.sales_payments(), list)
    finally:
        client.close()
    report = live.run("live", fetch_purchase_invoices)
    assert report.aborted is None, report.aborted
