"""The Procountor sandbox: state, the ASGI app, and the controls tests and demos use."""

from __future__ import annotations

import copy
import random
import uuid
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any, NamedTuple

from starlette.applications import Starlette

from tilisilta.clock import Clock
from tilisilta.sandbox.common.base import SandboxBase

from . import payments, webhooks
from . import products as product_register
from . import registers as partner_register
from .app import build_app
from .attachments import metas as attachment_metas
from .errors import ApiError
from .invoices import read
from .ratelimit import RateLimiter
from .state import AccessToken, ApiKey, SandboxClient, SandboxCompany, new_company, timestamp
from .webhooks import Delivery

WebhookSender = Callable[[str, dict[str, Any]], None]

DEFAULT_RATE_PER_SECOND = 20.0
DEMO_REDIRECT_URI = "http://localhost:8080/procountor/callback"


class LoggedRequest(NamedTuple):
    """A request in ``request_log``: three fields (tests unpack them), counted in
    ``request_counts`` under ``METHOD /route/{template}``."""

    method: str
    path: str
    status: int


def _entry(method: str, path: str, label: str, status: int) -> LoggedRequest:
    return LoggedRequest(method, path, status)


class ProcountorSandbox(SandboxBase[LoggedRequest]):
    """A strict in-memory Procountor. ``app`` serves the API under ``/api``."""

    def __init__(self, clock: Clock | None = None, seed: int = 0) -> None:
        super().__init__(clock=clock, seed=seed, entry=_entry)
        self._rng = random.Random(seed)
        self.clients: dict[str, SandboxClient] = {}
        self.api_keys: dict[str, ApiKey] = {}
        self.tokens: dict[str, AccessToken] = {}
        self.companies: dict[int, SandboxCompany] = {}
        self._next_company_id = 10_001
        self.rate_limiter = RateLimiter(self.clock, self.faults, DEFAULT_RATE_PER_SECOND)
        #: Webhook pushes land here unless ``webhook_sender`` is replaced (no network by default).
        self.webhook_outbox: list[tuple[str, dict[str, Any]]] = []
        #: Pushes whose sender raised: (url, body, the exception's repr).
        self.webhook_errors: list[tuple[str, dict[str, Any], str]] = []
        self.webhook_sender: WebhookSender = self._collect_webhook
        self.app: Starlette = build_app(self)

    # --- setup -----------------------------------------------------------------------------

    def new_secret(self) -> str:
        with self.lock:
            return f"{self._rng.getrandbits(160):040x}"

    def new_uuid(self) -> str:
        with self.lock:
            return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))

    def new_boundary(self) -> str:
        with self.lock:
            return f"procountor-sandbox-{self._rng.getrandbits(96):024x}"

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

    def add_partner(self, company_id: int, payload: dict[str, Any]) -> dict[str, Any]:
        """A business partner someone made in Procountor by hand, checked as
        ``POST /businesspartners`` checks it (raises the API's error when it would refuse)."""
        with self.lock:
            company, now = self.companies[company_id], self.clock.now()
            return partner_register.create_partner(company, copy.deepcopy(payload), now)

    def add_product(self, company_id: int, payload: dict[str, Any]) -> dict[str, Any]:
        """A product someone made in Procountor by hand, checked as ``POST /products`` checks it."""
        with self.lock:
            return product_register.create(self.companies[company_id], copy.deepcopy(payload))

    # --- payments (what only the bank or Procountor itself can cause) -------------------------

    def allocate_payment(
        self,
        company_id: int,
        invoice_id: int,
        amount: Decimal,
        day: date,
        *,
        type: str = "REFERENCEPAYMENT",
    ) -> dict[str, Any]:
        """A bank allocation of ``amount`` (invoice currency) to an approved sales invoice: a PAID
        payment event; the invoice becomes PARTLY_PAID, or PAID once fully paid. Pushes
        ``INVOICE_PAYMENT_CREATED``. Raises KeyError for an unknown company or invoice and
        ValueError when Procountor would not allow it (status, amount, closed period)."""
        amount = _decimal(amount)
        return self._payment_hook(
            company_id,
            invoice_id,
            lambda c, now: payments.allocate(c, invoice_id, amount, day, type, now),
        )

    def reverse_payment(
        self, company_id: int, invoice_id: int, amount: Decimal, day: date
    ) -> dict[str, Any]:
        """Undo ``amount`` (positive, at most what was paid): a negative CORRECTION event; the
        invoice goes back to PARTLY_PAID, or to the status it had before it was paid (NOT_SENT,
        APPROVED or SENT). Pushes ``INVOICE_PAYMENT_CREATED``. Raises like allocate_payment."""
        amount = _decimal(amount)
        return self._payment_hook(
            company_id,
            invoice_id,
            lambda c, now: payments.reverse(c, invoice_id, amount, day, now),
        )

    def _payment_hook(
        self,
        company_id: int,
        invoice_id: int,
        action: Callable[[SandboxCompany, datetime], dict[str, Any]],
    ) -> dict[str, Any]:
        with self.lock:
            company = self.companies.get(company_id)
            if company is None:
                raise KeyError(f"no company {company_id}")
            now = self.clock.now()
            try:
                event = action(company, now)
            except ApiError as refused:
                if refused.status == 404:
                    raise KeyError(f"no invoice {invoice_id} in company {company_id}") from None
                problems = ", ".join(
                    f"{item.get('field') or 'invoice'}: {item['message']}"
                    for item in refused.errors
                )
                raise ValueError(problems) from None
            deliveries = webhooks.payment_created(company, event, now)
        self.deliver(deliveries)
        return event

    # --- webhooks --------------------------------------------------------------------------

    def _collect_webhook(self, url: str, body: dict[str, Any]) -> None:
        with self.lock:
            self.webhook_outbox.append((url, body))

    def deliver(self, deliveries: list[Delivery]) -> None:
        """Hand pushes to ``webhook_sender``, outside the sandbox lock. A failing sender is
        recorded in ``webhook_errors``; the API call that caused the push still succeeds."""
        for url, body in deliveries:
            try:
                self.webhook_sender(url, copy.deepcopy(body))
            except Exception as problem:
                with self.lock:
                    self.webhook_errors.append((url, body, repr(problem)))

    # --- inspection ------------------------------------------------------------------------

    def invoices(self, company_id: int) -> list[dict[str, Any]]:
        """Every invoice of a company as ``GET /api/invoices/{id}`` returns it, by id."""
        with self.lock:
            company = self.companies[company_id]
            return [read(company, i) for i in sorted(company.invoices)]

    def partners(self, company_id: int) -> list[dict[str, Any]]:
        """Every business partner of a company, by id."""
        with self.lock:
            held = self.companies[company_id].partners
            return [copy.deepcopy(held[i]) for i in sorted(held)]

    def products(self, company_id: int) -> list[dict[str, Any]]:
        """Every product of a company, by id."""
        with self.lock:
            held = self.companies[company_id].products
            return [copy.deepcopy(held[i]) for i in sorted(held)]

    def ledger_receipts(self, company_id: int) -> list[dict[str, Any]]:
        with self.lock:
            company = self.companies[company_id]
            return [
                copy.deepcopy(company.ledger_receipts[i]) for i in sorted(company.ledger_receipts)
            ]

    def payment_events(self, company_id: int) -> list[dict[str, Any]]:
        """Every payment event of a company, by id."""
        with self.lock:
            company = self.companies[company_id]
            events = company.payment_events
            return [payments.render(events[i]) for i in sorted(events)]

    def attachments(self, company_id: int) -> list[dict[str, Any]]:
        """The metadata of every attachment of a company, by id."""
        with self.lock:
            return attachment_metas(self.companies[company_id])


def _decimal(amount: Any) -> Decimal:
    """Money for the hooks: a Decimal, an int or a decimal string, never a float."""
    if isinstance(amount, bool | float):
        raise TypeError("amount must be a Decimal (or an int or a decimal string), not a float")
    if not isinstance(amount, Decimal | int | str):
        raise TypeError(f"amount must be a Decimal, not {type(amount).__name__}")
    try:
        value = Decimal(amount)
    except ArithmeticError:
        raise ValueError(f"amount {amount!r} is not a number") from None
    if not value.is_finite():
        raise ValueError(f"amount {amount!r} is not a finite number")
    return value
