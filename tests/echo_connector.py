"""A small example connector, written the way docs/architecture.md says a connector is added:
an "echo" service that keeps the invoices it is sent. Its sandbox, its client and deliverer,
its description and a registry entry; it passes the same conformance suite as Procountor and
Odoo (tests/conformance/test_conformance.py) without any change to the ledger, the store, the
services or the generic commands.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tilisilta.clock import Clock, today
from tilisilta.connectors.base import (
    Connector,
    FlowContext,
    FlowResult,
    FlowSpec,
    NoParams,
    require_kind_of,
    result_of,
)
from tilisilta.connectors.common import ConnectionCheck, books_mismatch, transport_outcome
from tilisilta.domain.validation import Severity, ValidationContext, validate_invoice
from tilisilta.http.client import HttpClient
from tilisilta.http.errors import ApiError, AuthenticationFailed
from tilisilta.ledger.deliverer import Attempt, OnChange, RunAborted
from tilisilta.ledger.outcomes import DataIssue, Delivered, Outcome, Refused
from tilisilta.ledger.protocol import DeliveryRunner, RunReport
from tilisilta.sandbox.common.base import SandboxBase
from tilisilta.sandbox.common.recording import LoggedRequest, route_label
from tilisilta.store.companies import seller_of
from tilisilta.store.documents import INVOICE, all_invoices, load_invoice
from tilisilta.store.models import Company, Document

KIND = "echo"
SEND = "echo.send_invoice"

# -- the sandbox: the remote service -----------------------------------------------------------


@dataclass
class EchoBooks:
    business_id: str
    invoices: dict[int, dict[str, Any]] = field(default_factory=dict)


class EchoSandbox(SandboxBase[LoggedRequest]):
    """Keeps invoices per company (per API key); answers in bulk by number. The shared base gives
    it faults, a request log counted per route, a clock and the ``/_sandbox`` admin routes."""

    def __init__(self, seed: int = 0, clock: Clock | None = None) -> None:
        super().__init__(clock=clock, seed=seed, entry=LoggedRequest)
        self.books: dict[str, EchoBooks] = {}
        self._ids = itertools.count(1)
        self.app: Starlette = self.assemble_app(
            [
                Route("/company", self._company, methods=["GET"]),
                Route("/invoices", self._list, methods=["GET"]),
                Route("/invoices", self._create, methods=["POST"]),
            ],
            request_label=route_label,
        )

    def add_company(self, api_key: str, business_id: str) -> EchoBooks:
        self.books[api_key] = EchoBooks(business_id)
        return self.books[api_key]

    def _caller(self, request: Request) -> EchoBooks | None:
        return self.books.get(request.headers.get("x-api-key", ""))

    async def _company(self, request: Request) -> Response:
        books = self._caller(request)
        if books is None:
            return JSONResponse({"error": "unknown API key"}, status_code=401)
        return JSONResponse({"business_id": books.business_id})

    async def _list(self, request: Request) -> Response:
        books = self._caller(request)
        if books is None:
            return JSONResponse({"error": "unknown API key"}, status_code=401)
        wanted = set(request.query_params.get("numbers", "").split(","))
        found = [
            {"id": i, "number": inv["number"]}
            for i, inv in sorted(books.invoices.items())
            if inv["number"] in wanted
        ]
        return JSONResponse(found)

    async def _create(self, request: Request) -> Response:
        books = self._caller(request)
        if books is None:
            return JSONResponse({"error": "unknown API key"}, status_code=401)
        body = json.loads(await request.body())
        if not body.get("number") or not isinstance(body.get("total"), str):
            return JSONResponse({"error": "number and total are required"}, status_code=400)
        new_id = next(self._ids)
        books.invoices[new_id] = body  # like Procountor, it takes the same number twice
        return JSONResponse({"id": new_id}, status_code=201)


# -- the connector: settings, client, deliverer, flow, description ----------------------------


class EchoOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    rate_limit_per_second: float = 50.0


class EchoSecrets(BaseModel):
    api_key: str


class EchoClient:
    def __init__(self, base_url: str, api_key: str, clock: Clock, transport: Any) -> None:
        self.http = HttpClient(
            base_url, clock=clock, transport=transport, secrets=lambda: [api_key], seed=0
        )
        self.headers = {"X-Api-Key": api_key}

    def call(self, method: str, path: str, *, repeatable: bool, **kw: Any) -> Any:
        response = self.http.send(method, path, repeatable=repeatable, headers=self.headers, **kw)
        if response.status_code == 401:
            raise AuthenticationFailed(401, "the echo service did not accept the API key")
        if response.status_code >= 400:
            raise ApiError(response.status_code, response.text)
        return response.json()


class EchoDeliverer:
    operation = SEND
    local_kind = INVOICE
    remote_name = "Echo"
    on_change = OnChange.DATA_ISSUE
    serialization_key: str | None = None

    def __init__(self, client: EchoClient, business_id: str, context: ValidationContext) -> None:
        self.client, self.business_id, self.context = client, business_id, context

    def prove_company(self) -> None:
        remote_id = str(self.client.call("GET", "/company", repeatable=True)["business_id"])
        mismatch = books_mismatch("Echo", "of this API key", remote_id, self.business_id, "")
        if mismatch:
            raise RunAborted(mismatch)

    def find_many(self, documents: Sequence[Document]) -> dict[int, str]:
        by_number = {d.ref: d.id for d in documents}
        rows = self.client.call(
            "GET", "/invoices", repeatable=True, params={"numbers": ",".join(by_number)}
        )
        found: dict[int, str] = {}
        for row in rows:
            found.setdefault(by_number[row["number"]], str(row["id"]))
        return found

    def changed_after_delivery(self, document: Document, external_id: str) -> str:
        return f"changed after it was sent (echo id {external_id}); nothing was resent"

    def check(self, document: Document) -> DataIssue | None:
        invoice = load_invoice(document)
        problems = [
            p for p in validate_invoice(invoice, self.context) if p.severity is Severity.ERROR
        ]
        if not problems:
            return None
        return DataIssue("\n".join(str(p) for p in problems))

    def find_existing(self, attempt: Attempt) -> str | None:
        return self.find_many([attempt.document]).get(attempt.document.id)

    def deliver(self, attempt: Attempt) -> Outcome:
        invoice = load_invoice(attempt.document)
        body = {"number": invoice.number, "total": str(invoice.gross_total)}
        if attempt.external_id is None:
            created = self.client.call("POST", "/invoices", repeatable=False, json_body=body)
            attempt.checkpoint(str(created["id"]))
        assert attempt.external_id is not None
        return Delivered(attempt.external_id, note=f"echo id {attempt.external_id}")

    def explain(self, error: Exception) -> Outcome:
        if isinstance(error, AuthenticationFailed):
            raise RunAborted(f"the echo service refused the credentials: {error.message}")
        if isinstance(error, ApiError):
            return Refused(f"the echo service refused it: {error.message}")
        return transport_outcome(error)


def send_invoices(ctx: FlowContext, _params: BaseModel) -> FlowResult:
    require_kind_of(ctx, KIND, "send to the echo service")
    secrets = EchoSecrets.model_validate(ctx.secrets())
    client = EchoClient(ctx.base_url, secrets.api_key, ctx.clock, ctx.transport)
    with ctx.store.session() as session:
        company = session.get_one(Company, ctx.company_id)
        documents = all_invoices(session, ctx.company_id)
        context = ValidationContext(today=today(ctx.clock), seller=seller_of(company))
    runner = DeliveryRunner(
        ctx.store,
        ctx.clock,
        connection_id=ctx.connection_id,
        deliverer=EchoDeliverer(client, ctx.business_id, context),
        max_attempts=ctx.settings.max_attempts,
    )
    report = RunReport()
    try:
        report = runner.run(runner.plan(documents), workers=2)
    except RunAborted as abort:
        report.aborted = str(abort)
    finally:
        client.http.close()
    return result_of(report)


def _test(ctx: FlowContext) -> ConnectionCheck:
    return ConnectionCheck(ok=True, lines=["echo answers"])


CONNECTOR = Connector(
    kind=KIND,
    title="Echo",
    options_model=EchoOptions,
    secrets_model=EchoSecrets,
    base_urls={"sandbox": "http://echo.test"},
    default_environment="sandbox",
    test_connection=_test,
    flows={
        "echo.send_invoices": FlowSpec(
            "echo.send_invoices", "send invoices", send_invoices, NoParams, writes=True
        )
    },
)
