"""Test support for Odoo: the sandbox with a seeded company, and a hub connection to it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from tilisilta.clock import ManualClock
from tilisilta.connectors.odoo.flows.invoices import PullReport, pull_invoices
from tilisilta.connectors.odoo.flows.payments import PushReport, push_payments
from tilisilta.connectors.odoo.options import OdooOptions
from tilisilta.crypto import SecretBox
from tilisilta.sandbox.odoo import OdooSandbox
from tilisilta.sandbox.odoo.orm import SeedInfo
from tilisilta.sandbox.odoo.orm.scenarios import make_invoice
from tilisilta.sandbox.odoo.sandbox import DemoCredentials
from tilisilta.settings import Settings
from tilisilta.store import companies as repo
from tilisilta.store.engine import Store

HUB_COMPANY = "2077474-0"  # the sandbox's demo company has VAT FI20774740


@dataclass
class Odoo:
    """An Odoo sandbox with one seeded company and a bot user, reachable in-process."""

    sandbox: OdooSandbox
    credentials: DemoCredentials
    transport: httpx.BaseTransport

    @property
    def seed(self) -> SeedInfo:
        return self.credentials.seed

    def invoice(self, customer: str = "aalto", lines: list[Any] | None = None, **kw: Any) -> int:
        """A posted customer invoice (or ``move_type="out_refund"``) of the seeded company."""
        return make_invoice(
            self.sandbox.registry, self.seed, self.seed.customers[customer], lines, **kw
        )

    def read(self, model: str, ids: list[int], fields: list[str]) -> list[dict[str, Any]]:
        return list(self.sandbox.registry.call(model, "read", ids, fields))

    def move(self, move_id: int) -> dict[str, Any]:
        fields = ["name", "state", "payment_state", "amount_residual", "amount_total"]
        return self.read("account.move", [move_id], fields)[0]


@dataclass
class OdooHub:
    """A hub company with an Odoo connection to the sandbox."""

    store: Store
    box: SecretBox
    clock: ManualClock
    settings: Settings
    odoo: Odoo
    connection: str = "odoo"

    def pull(self) -> PullReport:
        return pull_invoices(
            self.store, self.box, self.clock, self.connection, transport=self.odoo.transport
        )

    def push(self) -> PushReport:
        return push_payments(
            self.store,
            self.box,
            self.clock,
            self.settings,
            self.connection,
            transport=self.odoo.transport,
        )


def open_odoo(clock: ManualClock, version: int = 17) -> Odoo:
    sandbox, credentials = OdooSandbox.with_demo_company(version=version, clock=clock, seed=5)
    return Odoo(sandbox, credentials, sandbox.transport())


def connect_odoo(
    store: Store,
    box: SecretBox,
    clock: ManualClock,
    settings: Settings,
    odoo: Odoo,
    *,
    name: str = "odoo",
    company: str = HUB_COMPANY,
    api_key: str | None = None,
    **options: Any,
) -> OdooHub:
    """Connect a hub company (created when missing) to the sandbox's seeded company."""
    creds = odoo.credentials
    with store.session() as session:
        try:
            owner = repo.find_company(session, company)
        except repo.NotFound:
            owner = repo.create_company(session, "Demo Oy", company, clock.now())
        settings_ = {"odoo_company_id": creds.company_id, **options}
        repo.add_connection(
            session,
            box,
            company=owner,
            name=name,
            kind="odoo",
            environment="sandbox",
            base_url=odoo.sandbox.base_url,
            options=OdooOptions(database=creds.database, login=creds.login, **settings_).model_dump(
                mode="json"
            ),
            secrets={"api_key": api_key or creds.api_key},
            now=clock.now(),
        )
    return OdooHub(store, box, clock, settings, odoo, connection=name)
