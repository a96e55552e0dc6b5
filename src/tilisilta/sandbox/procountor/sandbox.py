"""The Procountor sandbox: state, the ASGI app, and the controls tests and demos use."""

from __future__ import annotations

import copy
import random
import threading
from collections import Counter
from datetime import date
from typing import Any

from starlette.applications import Starlette

from tilisilta.clock import Clock, SystemClock
from tilisilta.sandbox.common.faults import FaultPlan

from .app import build_app
from .invoices import read
from .ratelimit import RateLimiter
from .recording import LoggedRequest
from .state import AccessToken, ApiKey, SandboxClient, SandboxCompany, new_company, timestamp

DEFAULT_RATE_PER_SECOND = 20.0
DEMO_REDIRECT_URI = "http://localhost:8080/procountor/callback"


class ProcountorSandbox:
    """A strict in-memory Procountor. ``app`` serves the API under ``/api``."""

    def __init__(self, clock: Clock | None = None, seed: int = 0) -> None:
        self.clock: Clock = clock or SystemClock()
        self.seed = seed
        self._rng = random.Random(seed)
        self.faults = FaultPlan(seed=seed)
        self.lock = threading.RLock()
        self.clients: dict[str, SandboxClient] = {}
        self.api_keys: dict[str, ApiKey] = {}
        self.tokens: dict[str, AccessToken] = {}
        self.companies: dict[int, SandboxCompany] = {}
        self._next_company_id = 10_001
        self.rate_limiter = RateLimiter(self.clock, self.faults, DEFAULT_RATE_PER_SECOND)
        self.request_log: list[LoggedRequest] = []
        self.request_counts: Counter[str] = Counter()
        self.app: Starlette = build_app(self)

    # --- setup -----------------------------------------------------------------------------

    def new_secret(self) -> str:
        with self.lock:
            return f"{self._rng.getrandbits(160):040x}"

    def register_client(
        self, client_id: str, client_secret: str, redirect_uri: str
    ) -> SandboxClient:
        with self.lock:
            client = SandboxClient(client_id, client_secret, redirect_uri)
            self.clients[client_id] = client
            return client

    def add_company(
        self, name: str = "Demo Oy", business_id: str = "2077474-0", *, country: str = "FINLAND"
    ) -> SandboxCompany:
        """A company seeded like a fresh Finnish environment: EUR, one FI IBAN, VAT 25.5/13.5/10/0,
        VAT statuses, a chart of accounts, two dimensions, the current fiscal year open and the
        previous one closed."""
        with self.lock:
            company_id = self._next_company_id
            self._next_company_id += 1
            company = new_company(company_id, name, business_id, self.clock.now(), country)
            self.companies[company_id] = company
            return company

    def issue_api_key(self, company_id: int, client_id: str) -> str:
        """The key a company user creates in Procountor for our client id."""
        with self.lock:
            if company_id not in self.companies:
                raise KeyError(f"no company {company_id}")
            if client_id not in self.clients:
                raise KeyError(f"no client {client_id!r}")
            key = self.new_secret()
            self.api_keys[key] = ApiKey(key, company_id, client_id)
            return key

    def revoke_api_key(self, api_key: str) -> None:
        with self.lock:
            self.api_keys[api_key].revoked = True

    @classmethod
    def with_demo_company(
        cls, clock: Clock | None = None, seed: int = 0
    ) -> tuple[ProcountorSandbox, dict[str, str]]:
        sb = cls(clock=clock, seed=seed)
        client = sb.register_client("tilisilta-demo", sb.new_secret(), DEMO_REDIRECT_URI)
        company = sb.add_company()
        api_key = sb.issue_api_key(company.company_id, client.client_id)
        return sb, {
            "client_id": client.client_id,
            "client_secret": client.client_secret,
            "redirect_uri": client.redirect_uri,
            "api_key": api_key,
            "company_id": str(company.company_id),
            "iban": company.iban,
        }

    def admin_create_company(self, body: dict[str, Any]) -> dict[str, Any]:
        """``POST /_sandbox/companies``: a company, the client if new, and an API key."""
        for key in ("name", "business_id"):
            if not isinstance(body.get(key), str) or not body[key].strip():
                raise ValueError(f"{key} is required")
        for key in ("client_id", "client_secret", "redirect_uri"):
            if body.get(key) is not None and not isinstance(body[key], str):
                raise ValueError(f"{key} must be a string")
        with self.lock:
            client_id = body.get("client_id") or f"client-{self.new_secret()[:12]}"
            client = self.clients.get(client_id)
            if client is None:
                client = self.register_client(
                    client_id,
                    body.get("client_secret") or self.new_secret(),
                    body.get("redirect_uri") or DEMO_REDIRECT_URI,
                )
            elif body.get("client_secret") not in (None, client.client_secret):
                raise PermissionError("client_id is registered with another client_secret")
            elif body.get("redirect_uri") not in (None, client.redirect_uri):
                raise PermissionError("client_id is registered with another redirect_uri")
            company = self.add_company(body["name"], body["business_id"])
            api_key = self.issue_api_key(company.company_id, client.client_id)
        return {
            "company_id": company.company_id,
            "client_id": client.client_id,
            "client_secret": client.client_secret,
            "redirect_uri": client.redirect_uri,
            "api_key": api_key,
            "iban": company.iban,
        }

    # --- controls --------------------------------------------------------------------------

    def set_rate_limit(self, per_second: float) -> None:
        self.rate_limiter.set_rate(per_second)

    def close_period(self, company_id: int, day: date) -> None:
        """Mark the tracking period containing ``day`` CLOSED."""
        with self.lock:
            company = self.companies[company_id]
            period = company.period_for(day)
            if period is None:
                raise ValueError(f"{day} is in no fiscal year of company {company_id}")
            period.status = "CLOSED"
            period.modified = timestamp(self.clock.now())

    # --- inspection ------------------------------------------------------------------------

    def invoices(self, company_id: int) -> list[dict[str, Any]]:
        """Every invoice of a company as ``GET /api/invoices/{id}`` returns it, by id."""
        with self.lock:
            company = self.companies[company_id]
            return [read(company, i) for i in sorted(company.invoices)]

    def ledger_receipts(self, company_id: int) -> list[dict[str, Any]]:
        with self.lock:
            company = self.companies[company_id]
            return [
                copy.deepcopy(company.ledger_receipts[i]) for i in sorted(company.ledger_receipts)
            ]

    def record(self, entry: LoggedRequest, template: str) -> None:
        with self.lock:
            self.request_log.append(entry)
            self.request_counts[template] += 1
