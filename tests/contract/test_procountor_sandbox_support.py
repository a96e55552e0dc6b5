"""Helpers for the Procountor sandbox contract tests (no tests here)."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx

from tilisilta.clock import ManualClock
from tilisilta.sandbox.common.transport import SyncASGITransport
from tilisilta.sandbox.procountor import ProcountorSandbox
from tilisilta.sandbox.procountor.jsonio import dumps, loads

BASE_URL = "http://procountor.test"
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # 11:00 in Helsinki, fiscal year 2026


@dataclass
class Env:
    sb: ProcountorSandbox
    clock: ManualClock
    http: httpx.Client
    creds: dict[str, str]
    tokens: dict[str, str] = field(default_factory=dict)

    @property
    def company_id(self) -> int:
        return int(self.creds["company_id"])

    @property
    def iban(self) -> str:
        return self.creds["iban"]

    def token(self, creds: dict[str, str] | None = None) -> str:
        creds = creds or self.creds
        key = creds["api_key"]
        if key not in self.tokens:
            response = request_token(self.http, creds)
            assert response.status_code == 200, response.text
            self.tokens[key] = response.json()["access_token"]
        return self.tokens[key]

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        creds: dict[str, str] | None = None,
    ) -> httpx.Response:
        all_headers = {"Authorization": f"Bearer {self.token(creds)}", **(headers or {})}
        content = None
        if body is not None:
            content = dumps(body).encode()
            all_headers["Content-Type"] = "application/json"
        return self.http.request(
            method, f"/api{path}", content=content, params=params, headers=all_headers
        )

    def ok(self, method: str, path: str, body: Any = None, **kwargs: Any) -> Any:
        response = self.call(method, path, body, **kwargs)
        assert response.status_code == 200, response.text
        return loads(response.content)

    def create_invoice(self, **overrides: Any) -> dict[str, Any]:
        result: dict[str, Any] = self.ok(
            "POST", "/invoices", invoice_payload(self.iban, **overrides)
        )
        return result


def make_env(seed: int = 0, rate: float = 1000.0) -> Env:
    clock = ManualClock(START)
    sb, creds = ProcountorSandbox.with_demo_company(clock=clock, seed=seed)
    sb.set_rate_limit(rate)  # most tests are not about the rate limit
    http = httpx.Client(transport=SyncASGITransport(sb.app), base_url=BASE_URL)
    return Env(sb, clock, http, creds)


def request_token(http: httpx.Client, creds: dict[str, str], **overrides: str) -> httpx.Response:
    form = {
        "grant_type": "client_credentials",
        "client_id": creds["client_id"],
        "client_secret": creds["client_secret"],
        "redirect_uri": creds["redirect_uri"],
        "api_key": creds["api_key"],
        **overrides,
    }
    return http.post("/api/oauth/token", data=form)


def invoice_payload(iban: str, **overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "type": "SALES_INVOICE",
        "date": "2026-03-02",
        "counterParty": {
            "identifier": "0112038-9",
            "customerNumber": "C-100",
            "email": "laskut@asiakas.fi",
            "counterPartyAddress": {
                "name": "Asiakas Oy",
                "street": "Mannerheimintie 1",
                "zip": "00100",
                "city": "Helsinki",
                "country": "FINLAND",
            },
        },
        "paymentInfo": {
            "paymentMethod": "BANK_TRANSFER",
            "currency": "EUR",
            "bankAccount": {"accountNumber": iban},
            "dueDate": "2026-03-16",
            "currencyRate": 1,
            "bankReferenceCode": "",
        },
        "extraInfo": {"accountingByRow": False, "unitPricesIncludeVat": False},
        "discountPercent": 0,
        "invoiceRows": [
            {
                "product": "Konsultointi",
                "quantity": 2,
                "unit": "HOUR",
                "unitPrice": Decimal("10.00"),
                "discountPercent": 0,
                "vatPercent": Decimal("25.5"),
            },
            {
                "product": "Tarvikkeet",
                "quantity": 1,
                "unit": "PIECE",
                "unitPrice": Decimal("99.99"),
                "discountPercent": 10,
                "vatPercent": Decimal("13.5"),
            },
        ],
        "invoiceChannel": "EMAIL",
        "vatStatus": 1,
        "language": "FINNISH",
        "originalInvoiceNumber": "ERP-1001",
    }
    for key, value in overrides.items():
        payload[key] = value
    return copy.deepcopy(payload)


def errors_of(response: httpx.Response) -> set[tuple[str | None, str]]:
    body = response.json()
    assert set(body) == {"errors"}, body
    for item in body["errors"]:
        assert item["status"] == response.status_code
        assert set(item) <= {"status", "field", "message"}
    return {(item.get("field"), item["message"]) for item in body["errors"]}
