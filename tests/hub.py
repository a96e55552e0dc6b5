"""The one test hub for every connector: a store, a secret box, a clock and settings, the
sandboxes it is connected to, and a flow context per connection with that sandbox's transport.

    hub = TestHub(store, box, clock, settings).connect_procountor(procountor).connect_odoo(odoo)
    hub.run("pc", send_invoices, numbers=["1001"])  # a flow of hub.context("pc")

Flows reach the sandboxes through the transport the context carries; nothing is monkeypatched.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

import httpx

from tilisilta.cli.runtime import Runtime
from tilisilta.clock import Clock, ManualClock
from tilisilta.connectors import registry
from tilisilta.connectors.base import FlowContext, Progress
from tilisilta.connectors.files.flows.invoices import ImportReport, import_invoices
from tilisilta.connectors.netvisor.options import NetvisorOptions
from tilisilta.connectors.odoo.flows.invoices import PullReport, pull_invoices
from tilisilta.connectors.odoo.flows.payments import PushReport, push_payments
from tilisilta.connectors.odoo.options import OdooOptions
from tilisilta.connectors.procountor.flows.invoices import send_invoices
from tilisilta.connectors.procountor.options import ProcountorOptions
from tilisilta.crypto import SecretBox
from tilisilta.ledger.sending import SendSummary
from tilisilta.sandbox.common.transport import SyncASGITransport
from tilisilta.sandbox.netvisor import NetvisorSandbox
from tilisilta.sandbox.netvisor.state import Company as NetvisorCompany
from tilisilta.sandbox.odoo import OdooSandbox
from tilisilta.sandbox.odoo.orm import SeedInfo
from tilisilta.sandbox.odoo.orm.scenarios import make_invoice
from tilisilta.sandbox.odoo.sandbox import DemoCredentials
from tilisilta.sandbox.procountor import ProcountorSandbox, SandboxCompany
from tilisilta.settings import Settings
from tilisilta.store import companies as repo
from tilisilta.store.engine import Store

HUB_COMPANY = "2077474-0"  # every sandbox's demo company has this business ID
R = TypeVar("R")


# -- the sandboxes ------------------------------------------------------------------------------
@dataclass
class Procountor:
    """A Procountor sandbox with one company, reachable in-process."""

    sandbox: ProcountorSandbox
    credentials: dict[str, str]
    transport: SyncASGITransport

    @property
    def company_id(self) -> int:
        return int(self.credentials["company_id"])

    def invoices(self) -> list[dict[str, Any]]:
        return self.sandbox.invoices(self.company_id)


def open_procountor(clock: ManualClock, seed: int = 3) -> Procountor:
    sandbox, credentials = ProcountorSandbox.with_demo_company(clock=clock, seed=seed)
    transport = SyncASGITransport(sandbox.app)
    return Procountor(sandbox, {k: str(v) for k, v in credentials.items()}, transport)


@dataclass
class Netvisor:
    """A Netvisor sandbox with its demo company (the hub company's business ID), in-process."""

    sandbox: NetvisorSandbox
    credentials: dict[str, str]
    transport: SyncASGITransport

    @property
    def company(self) -> NetvisorCompany:
        return self.sandbox.companies[self.credentials["organisation_id"]]

    def invoice_numbers(self) -> list[str]:
        """The numbers of the sales invoices Netvisor holds, repeats kept."""
        return [i.number for i in self.company.sales_invoices.values()]


NETVISOR_URL = "http://netvisor.test"


def open_netvisor(clock: ManualClock, seed: int = 3) -> Netvisor:
    sandbox, credentials = NetvisorSandbox.with_demo_company(
        clock=clock, seed=seed, public_base_url=NETVISOR_URL
    )
    return Netvisor(sandbox, credentials, SyncASGITransport(sandbox.app))


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


def open_odoo(clock: ManualClock, version: int = 17) -> Odoo:
    sandbox, credentials = OdooSandbox.with_demo_company(version=version, clock=clock, seed=5)
    return Odoo(sandbox, credentials, sandbox.transport())


# -- the hub ------------------------------------------------------------------------------------
@dataclass
class TestHub:
    """A hub database and its connections, each reaching its sandbox in-process.

    ``connection`` and ``company`` are the Procountor connection and the hub company the
    shortcuts (``send``, ``import_invoices``) use; ``odoo_connection`` the Odoo one (``pull``,
    ``push``)."""

    __test__ = False  # not a test class, whatever pytest makes of its name

    store: Store
    box: SecretBox
    clock: Clock  # a ManualClock but against a real system
    settings: Settings
    procountor: Procountor | None = None  # set by connect_procountor
    netvisor: Netvisor | None = None  # set by connect_netvisor
    odoo: Odoo | None = None  # set by connect_odoo
    connection: str = "pc"
    odoo_connection: str = "odoo"
    company: str = HUB_COMPANY
    #: connection name → the transport its flows reach their sandbox through
    transports: dict[str, httpx.BaseTransport] = field(default_factory=dict)

    # -- connecting -----------------------------------------------------------------------------
    def connect(
        self,
        name: str,
        kind: str,
        *,
        transport: httpx.BaseTransport | None,
        base_url: str,
        options: dict[str, Any],
        secrets: dict[str, str],
        company: str = HUB_COMPANY,
        company_name: str = "Demo Oy",
        environment: str = "sandbox",
    ) -> TestHub:
        """A connection of any kind for the hub company ``company`` (created when missing);
        its flows reach ``transport`` (None: real HTTP)."""
        now = self.clock.now()
        with self.store.session() as session:
            try:
                owner = repo.find_company(session, company)
            except repo.NotFound:
                owner = repo.create_company(session, company_name, company, now)
            repo.add_connection(
                session,
                self.box,
                company=owner,
                name=name,
                kind=kind,
                environment=environment,
                base_url=base_url,
                options=options,
                secrets=secrets,
                now=now,
            )
        if transport is not None:
            self.transports[name] = transport
        return self

    def connect_procountor(
        self, procountor: Procountor, *, name: str = "pc", **options: Any
    ) -> TestHub:
        """Connect the hub company to the sandbox's Procountor company."""
        creds = procountor.credentials
        self.procountor, self.connection = procountor, name
        settings = ProcountorOptions(
            client_id=creds["client_id"], redirect_uri=creds["redirect_uri"], **options
        )
        return self.connect(
            name,
            "procountor",
            transport=procountor.transport,
            base_url="http://procountor.test/api",
            options=settings.model_dump(mode="json"),
            secrets={"client_secret": creds["client_secret"], "api_key": creds["api_key"]},
        )

    def connect_netvisor(self, netvisor: Netvisor, *, name: str = "nv", **options: Any) -> TestHub:
        """Connect the hub company to the sandbox's Netvisor company."""
        creds = netvisor.credentials
        self.netvisor, self.connection = netvisor, name
        settings = NetvisorOptions(
            customer_id=creds["customer_id"],
            partner_id=creds["partner_id"],
            organisation_id=creds["organisation_id"],
            **options,
        )
        return self.connect(
            name,
            "netvisor",
            transport=netvisor.transport,
            base_url=NETVISOR_URL,
            options=settings.model_dump(mode="json"),
            secrets={"customer_key": creds["customer_key"], "partner_key": creds["partner_key"]},
        )

    def connect_odoo(
        self,
        odoo: Odoo,
        *,
        name: str = "odoo",
        company: str = HUB_COMPANY,
        api_key: str | None = None,
        **options: Any,
    ) -> TestHub:
        """Connect a hub company (created when missing) to the sandbox's seeded company."""
        creds = odoo.credentials
        self.odoo, self.odoo_connection = odoo, name
        settings = OdooOptions(
            database=creds.database,
            login=creds.login,
            **{"odoo_company_id": creds.company_id, **options},
        )
        return self.connect(
            name,
            "odoo",
            transport=odoo.transport,
            base_url=odoo.sandbox.base_url,
            options=settings.model_dump(mode="json"),
            secrets={"api_key": api_key or creds.api_key},
            company=company,
        )

    def add_second_company(self, **options: Any) -> SecondCompany:
        """Another hub company with its own Procountor company, over a copy of the first
        connection (``options`` changed in the copy)."""
        assert self.procountor is not None, "connect_procountor first"
        sandbox = self.procountor.sandbox
        remote = sandbox.add_company(name="Toinen Oy", business_id="0112038-9")
        api_key = sandbox.issue_api_key(remote.company_id, self.procountor.credentials["client_id"])
        with self.store.session() as session:
            company = repo.create_company(session, "Toinen Oy", "0112038-9", self.clock.now())
            original = repo.find_connection(session, self.connection)
            copy = repo.duplicate_connection(
                session, original, name="pc2", company=company, now=self.clock.now()
            )
            copy.secrets = self.box.seal({**self.box.open(copy.secrets), "api_key": api_key})
            copy.options = {**copy.options, **options}
            connection_id = copy.id
        self.transports["pc2"] = self.transports[self.connection]
        second = replace(self, connection="pc2", company="0112038-9")
        return SecondCompany(second, remote, api_key, connection_id)

    # -- running flows --------------------------------------------------------------------------
    def context(
        self,
        name: str,
        *,
        transport: httpx.BaseTransport | None = None,
        progress: Progress | None = None,
    ) -> FlowContext:
        """Connection ``name``'s flow context, reaching its sandbox (or ``transport``)."""
        return registry.open_context(
            self.store,
            self.box,
            self.clock,
            self.settings,
            name,
            transport=transport or self.transports.get(name),
            progress=progress,
        )

    def run(
        self,
        name: str,
        flow: Callable[..., R],
        /,
        *,
        transport: httpx.BaseTransport | None = None,
        progress: Progress | None = None,
        **params: Any,
    ) -> R:
        """``flow`` (a flow function) run in connection ``name``'s context, with ``params``."""
        return flow(self.context(name, transport=transport, progress=progress), **params)

    def runtime(self, name: str) -> Runtime:
        """The CLI's runtime over this hub's database, reaching connection ``name``'s sandbox
        (commands take it as the click context object, or through ``cli.runtime.runtime``)."""
        rt = Runtime(settings=self.settings, clock=self.clock, transport=self.transports.get(name))
        rt.store, rt.box = self.store, self.box
        return rt

    # -- shortcuts ------------------------------------------------------------------------------
    def set_options(self, name: str, **changes: Any) -> None:
        """Change some of a connection's settings, as `connection set` does."""
        with self.store.session() as session:
            connection = repo.find_connection(session, name)
            connection.options = {**connection.options, **changes}

    def import_invoices(self, invoices: list[dict[str, Any]], tmp: Path) -> ImportReport:
        path = tmp / f"batch-{uuid.uuid4().hex[:6]}.json"
        path.write_text(json.dumps({"invoices": invoices}))
        return import_invoices(self.store, self.clock, company=self.company, path=path)

    def send(self, **kwargs: Any) -> SendSummary:
        """Procountor: send the numbers given, or every unsent invoice."""
        return self.run(self.connection, send_invoices, **kwargs)

    def pull(self) -> PullReport:
        """Odoo: pull the changed invoices."""
        return self.run(self.odoo_connection, pull_invoices)

    def push(self) -> PushReport:
        """Odoo: register the payments the hub holds."""
        return self.run(self.odoo_connection, push_payments)


def _nothing(_count: int) -> None:
    pass


@dataclass
class Told:
    """A flow's progress (``context.planned``/``context.advanced``) passed on to callbacks."""

    on_planned: Callable[[int], None] = _nothing
    on_advanced: Callable[[int], None] = _nothing

    def planned(self, total: int) -> None:
        self.on_planned(total)

    def advanced(self, count: int) -> None:
        self.on_advanced(count)


@dataclass
class SecondCompany:
    """Another hub company with its own Procountor company, over a copy of the first connection."""

    hub: TestHub
    remote: SandboxCompany
    api_key: str
    connection_id: int
