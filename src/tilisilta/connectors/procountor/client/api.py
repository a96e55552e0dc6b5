"""The Procountor client: the shared HTTP stack (rate limit per client id, retries, redaction),
the token, and one authenticated call under every endpoint group.

Procountor's limit is per client id, shared by every company using it: the flows hand in the
limiter the hub's database shares between processes; without one, the client id's limit is
shared within this process only."""

from __future__ import annotations

from typing import Any

import httpx

from tilisilta.clock import Clock
from tilisilta.connectors.procountor.client.accounting import AccountingCalls
from tilisilta.connectors.procountor.client.attachments import AttachmentCalls
from tilisilta.connectors.procountor.client.auth import TokenSource
from tilisilta.connectors.procountor.client.base import error_text, json_or_none
from tilisilta.connectors.procountor.client.company import CompanyCalls
from tilisilta.connectors.procountor.client.invoices import InvoiceCalls
from tilisilta.http.client import HttpClient
from tilisilta.http.errors import ApiError, AuthenticationFailed
from tilisilta.http.ratelimit import LIMITERS, Limiter
from tilisilta.http.retry import RetryPolicy

#: "max 20 requests/second per client (test and production)" (dev.procountor.com, API requests).
DOCUMENTED_RATE_LIMIT = 20.0


def limit_key(client_id: str) -> str:
    """The account Procountor's rate limit counts calls in: the client id."""
    return f"procountor:{client_id}"


class ProcountorClient(CompanyCalls, InvoiceCalls, AccountingCalls, AttachmentCalls):
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
        rate_limit_per_second: float = DOCUMENTED_RATE_LIMIT,
        limiter: Limiter | None = None,
        timeout: float = 120.0,
        policy: RetryPolicy | None = None,
        seed: int | None = None,
    ) -> None:
        self.clock = clock
        self.http = HttpClient(
            base_url,
            clock=clock,
            transport=transport,
            timeout=timeout,
            limiter=limiter or LIMITERS.limiter(limit_key(client_id), rate_limit_per_second, clock),
            policy=policy,
            secrets=lambda: self.tokens.secrets(),
            seed=seed,
        )
        self.tokens = TokenSource(
            self.http,
            clock,
            client_id=client_id,
            client_secret=client_secret,
            redirect_uri=redirect_uri,
            api_key=api_key,
        )

    def close(self) -> None:
        self.http.close()

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
            token = self.tokens.current()
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
                self.tokens.forget(token)
                continue
            if response.status_code == 401:
                raise AuthenticationFailed(401, error_text(response))
            if response.status_code >= 400:
                raise ApiError(response.status_code, error_text(response), json_or_none(response))
            return json_or_none(response)
        raise AssertionError("unreachable")
