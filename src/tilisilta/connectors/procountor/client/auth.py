"""Procountor's client-credentials token: minted on first use, kept until two minutes before it
expires, forgotten when the API answers 401 (the caller then mints a fresh one once)."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

from tilisilta.clock import Clock
from tilisilta.connectors.procountor.client.base import error_text
from tilisilta.http.client import HttpClient
from tilisilta.http.errors import ApiError, AuthenticationFailed

RENEW_BEFORE = timedelta(seconds=120)
TOKEN_PATH = "/oauth/token"


class TokenSource:
    """The bearer token of one client id, shared by the threads of a run."""

    def __init__(
        self,
        http: HttpClient,
        clock: Clock,
        *,
        client_id: str,
        client_secret: str,
        redirect_uri: str,
        api_key: str,
    ) -> None:
        self.http = http
        self.clock = clock
        self._credentials = {
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": client_secret,
            "redirect_uri": redirect_uri,
            "api_key": api_key,
        }
        self._token: str | None = None
        self._expires: datetime | None = None
        self._lock = threading.Lock()

    def secrets(self) -> list[str]:
        """What must never be logged: the client secret, the API key and the current token."""
        values = [self._credentials["client_secret"], self._credentials["api_key"]]
        if self._token:
            values.append(self._token)
        return values

    def current(self) -> str:
        with self._lock:
            now = self.clock.now()
            if self._token is None or self._expires is None or now >= self._expires:
                self._token, lifetime = self._mint()
                self._expires = now + timedelta(seconds=lifetime) - RENEW_BEFORE
            return self._token

    def forget(self, token: str) -> None:
        """The API refused ``token``: the next :meth:`current` mints a fresh one."""
        with self._lock:
            if self._token == token:
                self._token = None

    def _mint(self) -> tuple[str, float]:
        # Credentials go in the form body only; Procountor refuses them in the query string,
        # and refuses a charset parameter on the content type.
        response = self.http.send("POST", TOKEN_PATH, repeatable=True, form=self._credentials)
        if response.status_code in (400, 401, 403):
            raise AuthenticationFailed(response.status_code, error_text(response))
        if response.status_code != 200:
            raise ApiError(response.status_code, error_text(response))
        body = response.json()
        return str(body["access_token"]), float(body.get("expires_in", 3600))
