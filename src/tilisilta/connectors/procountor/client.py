"""Procountor REST API over HTTP: endpoints, tokens and error bodies; nothing of the ledger."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

import httpx

from tilisilta.clock import Clock
from tilisilta.http.client import HttpClient
from tilisilta.http.errors import ApiError, AuthenticationFailed
from tilisilta.http.jsonwire import decode_json
from tilisilta.http.ratelimit import LIMITERS
from tilisilta.http.retry import RetryPolicy

RENEW_BEFORE = timedelta(seconds=120)
PAGE_SIZE = 200  # the largest page Procountor serves


def error_text(response: httpx.Response) -> str:
    """Procountor's ``{"errors":[{status, field, message}]}``, or whatever else came back."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:500] or f"HTTP {response.status_code}"
    if isinstance(body, dict):
        errors = body.get("errors")
        if isinstance(errors, list) and errors:
            parts = []
            for err in errors:
                if isinstance(err, dict):
                    field = err.get("field")
                    message = err.get("message", "")
                    parts.append(f"{field}: {message}" if field else str(message))
            return "; ".join(parts)
        for key in ("error_description", "message", "error"):
            if body.get(key):
                return str(body[key])
    return str(body)[:500]


class ProcountorClient:
    def __init__(
        self,
        base_url: str,
        *,
        client_id: str,
        client_secret: str,
        redirect_uri: str,
        api_key: str,
        clock: Clock,
        transport: httpx.BaseTransport | None = None,
        rate_limit_per_second: float = 10.0,
        timeout: float = 120.0,
        policy: RetryPolicy | None = None,
        seed: int | None = None,
    ) -> None:
        self.clock = clock
        self._credentials = {
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": client_secret,
            "redirect_uri": redirect_uri,
            "api_key": api_key,
        }
        self._token: str | None = None
        self._token_expires: datetime | None = None
        self._token_lock = threading.Lock()
        self.http = HttpClient(
            base_url,
            clock=clock,
            transport=transport,
            timeout=timeout,
            limiter=LIMITERS.bucket(f"procountor:{client_id}", rate_limit_per_second, clock),
            policy=policy,
            secrets=self._secret_values,
            seed=seed,
        )

    def _secret_values(self) -> list[str]:
        values = [self._credentials["client_secret"], self._credentials["api_key"]]
        if self._token:
            values.append(self._token)
        return values

    def close(self) -> None:
        self.http.close()

    # -- authentication -----------------------------------------------------------------
    def _current_token(self) -> str:
        with self._token_lock:
            now = self.clock.now()
            if self._token is None or self._token_expires is None or now >= self._token_expires:
                self._token, lifetime = self._mint_token()
                self._token_expires = now + timedelta(seconds=lifetime) - RENEW_BEFORE
            return self._token

    def _mint_token(self) -> tuple[str, float]:
        # Credentials go in the form body only; Procountor refuses them in the query string,
        # and refuses a charset parameter on the content type.
        response = self.http.send("POST", "/oauth/token", repeatable=True, form=self._credentials)
        if response.status_code in (400, 401, 403):
            raise AuthenticationFailed(response.status_code, error_text(response))
        if response.status_code != 200:
            raise ApiError(response.status_code, error_text(response))
        body = response.json()
        return str(body["access_token"]), float(body.get("expires_in", 3600))

    def _forget_token(self, token: str) -> None:
        with self._token_lock:
            if self._token == token:
                self._token = None

    def call(
        self,
        method: str,
        path: str,
        *,
        repeatable: bool,
        json_body: Any = None,
        params: dict[str, Any] | None = None,
        content: bytes | None = None,
        content_type: str | None = None,
    ) -> Any:
        """An authenticated call; a 401 is retried once with a fresh token."""
        for fresh_try in (False, True):
            token = self._current_token()
            headers = {"Authorization": f"Bearer {token}"}
            if content_type:
                headers["Content-Type"] = content_type
            response = self.http.send(
                method,
                path,
                repeatable=repeatable,
                json_body=json_body,
                params=params,
                headers=headers,
                content=content,
            )
            if response.status_code == 401 and not fresh_try:
                self._forget_token(token)
                continue
            if response.status_code == 401:
                raise AuthenticationFailed(401, error_text(response))
            if response.status_code >= 400:
                raise ApiError(response.status_code, error_text(response), _json_or_none(response))
            return _json_or_none(response)
        raise AssertionError("unreachable")

    # -- endpoints ------------------------------------------------------------------------
    def company(self) -> dict[str, Any]:
        result: dict[str, Any] = self.call("GET", "/company", repeatable=True)
        return result

    def bank_accounts(self) -> list[dict[str, Any]]:
        body = self.call("GET", "/bankaccounts", repeatable=True)
        return _results(body)

    def vat_defaults(self) -> dict[str, Any]:
        result: dict[str, Any] = self.call("GET", "/vats/default", repeatable=True)
        return result

    def create_invoice(self, payload: dict[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = self.call("POST", "/invoices", repeatable=False, json_body=payload)
        return result

    def get_invoice(self, invoice_id: str | int) -> dict[str, Any]:
        result: dict[str, Any] = self.call("GET", f"/invoices/{invoice_id}", repeatable=True)
        return result

    def find_sales_invoices(self, original_number: str) -> list[dict[str, Any]]:
        """Invoices whose ``originalInvoiceNumber`` is ours: the natural key for reconciling."""
        body = self.call(
            "GET",
            "/invoices",
            repeatable=True,
            params={
                "originalInvoiceNumber": original_number,
                "types": "SALES_INVOICE",
                "size": PAGE_SIZE,
                "orderById": "ASC",
            },
        )
        return [r for r in _results(body) if r.get("originalInvoiceNumber") == original_number]

    def sales_invoices_between(self, start: date, end: date) -> Iterator[dict[str, Any]]:
        """Every sales invoice and credit note dated ``start``..``end``, 200 a page, by id."""
        previous: int | None = None
        while True:
            params: dict[str, Any] = {
                "types": "SALES_INVOICE",
                "startDate": start.isoformat(),
                "endDate": end.isoformat(),
                "size": PAGE_SIZE,
                "orderById": "ASC",
            }
            if previous is not None:
                params["previousId"] = previous
            rows = _results(self.call("GET", "/invoices", repeatable=True, params=params))
            yield from rows
            if len(rows) < PAGE_SIZE:
                return
            previous = int(rows[-1]["id"])

    def approve_invoice(self, invoice_id: str | int) -> None:
        self.call("PUT", f"/invoices/{invoice_id}/approve", repeatable=False, json_body={})

    def send_invoice(self, invoice_id: str | int) -> None:
        self.call("PUT", f"/invoices/{invoice_id}/send", repeatable=False, json_body={})


def _json_or_none(response: httpx.Response) -> Any:
    if not response.content:
        return None
    try:
        return decode_json(response.content)
    except ValueError:
        return response.text


def _results(body: Any) -> list[dict[str, Any]]:
    if isinstance(body, list):
        return body
    if isinstance(body, dict) and isinstance(body.get("results"), list):
        return list(body["results"])
    return []
