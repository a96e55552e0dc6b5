"""The Odoo sandbox: an in-memory Odoo (16-19) behind its RPC transports, plus the controls tests
and demos use."""

from __future__ import annotations

import random
from dataclasses import dataclass

import httpx
from starlette.applications import Starlette

from tilisilta.clock import Clock
from tilisilta.sandbox.common.base import SandboxBase
from tilisilta.sandbox.common.recording import LoggedRequest
from tilisilta.sandbox.common.transport import SyncASGITransport

from .app import build_app
from .orm import Registry, SeedInfo, seed_finnish_company

DEMO_COMPANY_NAME = "Tilisilta Demo Oy"
DEMO_COMPANY_VAT = "FI20774740"
DEMO_LOGIN = "tilisilta-bot"


@dataclass(frozen=True)
class DemoCredentials:
    """What a connector needs to reach the demo company (the key is a sandbox-only secret)."""

    url: str
    database: str
    login: str
    api_key: str
    uid: int
    company_id: int
    seed: SeedInfo


class OdooSandbox(SandboxBase[LoggedRequest]):
    """A strict in-memory Odoo. ``app`` serves ``/jsonrpc``, ``/xmlrpc/2/*``, ``/json/2/*`` (19+)
    and ``/web/version``; ``transport()`` reaches it in-process. ``request_counts`` counts the
    requests per RPC call: ``model.method`` for ORM calls, ``service.method`` otherwise."""

    base_url = "http://odoo.sandbox"

    def __init__(
        self,
        version: int = 17,
        clock: Clock | None = None,
        seed: int = 0,
        database: str = "tilisilta",
    ) -> None:
        super().__init__(clock=clock, seed=seed, entry=LoggedRequest)
        self.database = database
        self._rng = random.Random(seed)
        self.registry = Registry(version=version, clock=self.clock)
        self._transports: list[SyncASGITransport] = []
        self.app: Starlette = build_app(self)

    @property
    def version(self) -> int:
        return self.registry.version

    # --- setup -----------------------------------------------------------------------------

    def new_secret(self) -> str:
        """40 hex characters, like an Odoo API key; from the seeded generator."""
        with self.lock:
            return f"{self._rng.getrandbits(160):040x}"

    def add_bot_user(
        self, login: str, company_ids: list[int], *, name: str | None = None
    ) -> tuple[int, str]:
        """An internal user for an integration, with a random password and API key.
        Returns (uid, api_key); the key works as the RPC password and as the JSON-2 bearer."""
        api_key = self.new_secret()
        uid = self.registry.add_user(
            login,
            password=self.new_secret(),
            api_key=api_key,
            company_ids=list(company_ids),
            name=name or login,
        )
        return uid, api_key

    @classmethod
    def with_demo_company(
        cls,
        version: int = 17,
        clock: Clock | None = None,
        seed: int = 0,
        *,
        database: str = "tilisilta",
    ) -> tuple[OdooSandbox, DemoCredentials]:
        """A sandbox with one seeded Finnish company and a bot user of that company."""
        sb = cls(version=version, clock=clock, seed=seed, database=database)
        info = seed_finnish_company(sb.registry, name=DEMO_COMPANY_NAME, vat=DEMO_COMPANY_VAT)
        uid, api_key = sb.add_bot_user(DEMO_LOGIN, [info.company_id], name="Tilisilta integration")
        creds = DemoCredentials(
            url=sb.base_url,
            database=sb.database,
            login=DEMO_LOGIN,
            api_key=api_key,
            uid=uid,
            company_id=info.company_id,
            seed=info,
        )
        return sb, creds

    # --- clients ---------------------------------------------------------------------------

    def transport(self) -> httpx.BaseTransport:
        """A new in-process transport to ``app`` (closed by :meth:`close` if not before)."""
        transport = SyncASGITransport(self.app)
        with self.lock:
            self._transports.append(transport)
        return transport

    def close(self) -> None:
        with self.lock:
            transports, self._transports = self._transports, []
        for transport in transports:
            transport.close()
