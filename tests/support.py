"""Test support: the Procountor sandbox handle and a hub wired to it."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tilisilta.clock import ManualClock
from tilisilta.connectors.files.flows.invoices import ImportReport, import_invoices
from tilisilta.connectors.procountor.flows.invoices import SendSummary, send_invoices
from tilisilta.connectors.procountor.options import ProcountorOptions
from tilisilta.crypto import SecretBox
from tilisilta.sandbox.common.transport import SyncASGITransport
from tilisilta.sandbox.procountor import ProcountorSandbox, SandboxCompany
from tilisilta.settings import Settings
from tilisilta.store import companies as repo
from tilisilta.store.engine import Store


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


@dataclass
class Hub:
    """The hub side: a store with a company and a Procountor connection to the sandbox."""

    store: Store
    box: SecretBox
    clock: ManualClock
    settings: Settings
    procountor: Procountor
    connection: str = "pc"
    company: str = "2077474-0"

    def import_invoices(self, invoices: list[dict[str, Any]], tmp: Path) -> ImportReport:
        path = tmp / f"batch-{uuid.uuid4().hex[:6]}.json"
        path.write_text(json.dumps({"invoices": invoices}))
        return import_invoices(self.store, self.clock, company=self.company, path=path)

    def send(self, **kwargs: Any) -> SendSummary:
        kwargs.setdefault("all_unsent", True)
        return send_invoices(
            self.store,
            self.box,
            self.clock,
            self.settings,
            connection_name=self.connection,
            transport=self.procountor.transport,
            **kwargs,
        )


def make_hub(
    store: Store,
    box: SecretBox,
    clock: ManualClock,
    settings: Settings,
    procountor: Procountor,
    **options: Any,
) -> Hub:
    creds = procountor.credentials
    with store.session() as session:
        company = repo.create_company(session, "Demo Oy", "2077474-0", clock.now())
        repo.add_connection(
            session,
            box,
            company=company,
            name="pc",
            kind="procountor",
            environment="sandbox",
            base_url="http://procountor.test/api",
            options=ProcountorOptions(
                client_id=creds["client_id"], redirect_uri=creds["redirect_uri"], **options
            ).model_dump(mode="json"),
            secrets={"client_secret": creds["client_secret"], "api_key": creds["api_key"]},
            now=clock.now(),
        )
    return Hub(store, box, clock, settings, procountor)


@dataclass
class SecondCompany:
    """Another hub company with its own Procountor company, over a copy of the first connection."""

    hub: Hub
    remote: SandboxCompany
    api_key: str
    connection_id: int


def add_second_company(first: Hub, **options: Any) -> SecondCompany:
    sandbox = first.procountor.sandbox
    remote = sandbox.add_company(name="Toinen Oy", business_id="0112038-9")
    api_key = sandbox.issue_api_key(remote.company_id, first.procountor.credentials["client_id"])
    with first.store.session() as session:
        company = repo.create_company(session, "Toinen Oy", "0112038-9", first.clock.now())
        original = repo.find_connection(session, first.connection)
        copy = repo.duplicate_connection(
            session, original, name="pc2", company=company, now=first.clock.now()
        )
        copy.secrets = first.box.seal({**first.box.open(copy.secrets), "api_key": api_key})
        copy.options = {**copy.options, **options}
        connection_id = copy.id
    hub = Hub(
        first.store,
        first.box,
        first.clock,
        first.settings,
        first.procountor,
        connection="pc2",
        company="0112038-9",
    )
    return SecondCompany(hub, remote, api_key, connection_id)
