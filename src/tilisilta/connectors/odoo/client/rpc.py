"""Odoo's external API over HTTP: JSON-RPC (16–18) or JSON-2 (19+); nothing of the ledger.

Every call is made with named parameters, which both protocols accept: JSON-RPC passes them as
``execute_kw`` keyword arguments (record ids first, positionally), JSON-2 as the JSON body. So the
rest of the connector never knows which protocol is in use. The one exception is ``create``:
Odoo's RPC dispatch reads its first positional argument after creating the records (to answer
an id or a list), so over JSON-RPC its values must go positionally or Odoo fails and rolls back.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Any

import httpx

from tilisilta.clock import Clock
from tilisilta.connectors.odoo.client.errors import (
    TRANSIENT_NAMES,
    OdooCredentialsRefused,
    OdooError,
    OdooFailure,
)
from tilisilta.http.client import HttpClient
from tilisilta.http.errors import ApiError, TransientFailure
from tilisilta.http.jsonwire import decode_json
from tilisilta.http.ratelimit import LIMITERS, Limiter
from tilisilta.http.retry import RetryPolicy

# Methods that change nothing: safe to send again after a dropped answer.
READ_METHODS = frozenset(
    {
        "search",
        "search_read",
        "search_count",
        "read",
        "fields_get",
        "name_search",
        "context_get",
        "check_access_rights",
        "default_get",
    }
)


class RpcProtocol(StrEnum):
    AUTO = "auto"  # JSON-2 from Odoo 19, JSON-RPC before
    JSONRPC = "jsonrpc"
    JSON2 = "json2"


def limit_key(base_url: str, database: str) -> str:
    """The account an Odoo rate limit counts calls in: one database of one server."""
    return f"odoo:{base_url.rstrip('/')}:{database}"


class OdooClient:
    def __init__(
        self,
        base_url: str,
        *,
        database: str,
        login: str,
        api_key: str,
        clock: Clock,
        transport: httpx.BaseTransport | None = None,
        protocol: RpcProtocol = RpcProtocol.AUTO,
        rate_limit_per_second: float = 20.0,
        limiter: Limiter | None = None,
        timeout: float = 120.0,
        policy: RetryPolicy | None = None,
    ) -> None:
        self.database = database
        self.login = login
        self._api_key = api_key
        self._protocol = protocol
        self._uid: int | None = None
        self._version: tuple[int, int] | None = None
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._fields: dict[str, dict[str, Any]] = {}
        self.http = HttpClient(
            base_url,
            clock=clock,
            transport=transport,
            timeout=timeout,
            limiter=limiter
            or LIMITERS.limiter(limit_key(base_url, database), rate_limit_per_second, clock),
            policy=policy,
            secrets=lambda: [self._api_key],
        )

    def close(self) -> None:
        self.http.close()

    # -- session -----------------------------------------------------------------------------
    def server_version(self) -> dict[str, Any]:
        result = self._jsonrpc("common", "version", [], repeatable=True)
        if not isinstance(result, dict):
            raise ApiError(200, f"unexpected answer to version(): {result!r}")
        return result

    @property
    def version(self) -> tuple[int, int]:
        """(major, minor) of the server, e.g. (17, 0); read once."""
        if self._version is None:
            info = self.server_version()
            parts = list(info.get("server_version_info") or [])
            if len(parts) < 2:
                raise ApiError(200, f"Odoo reported no version: {info!r}")
            major, minor = parts[0], parts[1]
            # saas versions report e.g. "saas~17.2" as major
            if isinstance(major, str):
                major = int(major.split("~")[-1].split(".")[0])
            self._version = (int(major), int(minor))
        return self._version

    @property
    def uses_json2(self) -> bool:
        if self._protocol is RpcProtocol.AUTO:
            return self.version[0] >= 19
        return self._protocol is RpcProtocol.JSON2

    @property
    def uid(self) -> int:
        with self._lock:
            if self._uid is None:
                self._uid = self._authenticate()
            return self._uid

    def _authenticate(self) -> int:
        if self.uses_json2:
            context = self._json2("res.users", "context_get", {}, repeatable=True)
            if not isinstance(context, dict) or not isinstance(context.get("uid"), int):
                raise ApiError(200, f"unexpected answer to context_get: {context!r}")
            return int(context["uid"])
        uid = self._jsonrpc(
            "common",
            "authenticate",
            [self.database, self.login, self._api_key, {}],
            repeatable=True,
        )
        if not uid:
            raise OdooCredentialsRefused(
                401,
                f"login {self.login!r} with this API key was refused by database {self.database!r}",
            )
        return int(uid)

    # -- calls -------------------------------------------------------------------------------
    def call(
        self,
        model: str,
        method: str,
        *,
        ids: Sequence[int] | None = None,
        context: Mapping[str, Any] | None = None,
        repeatable: bool | None = None,
        **params: Any,
    ) -> Any:
        """Call ``model.method`` with named parameters (and ``ids`` for record methods).
        Reads are sent again after a lost answer; anything else only when ``repeatable`` says
        a repeat is harmless (e.g. creating a wizard that is thrown away)."""
        if repeatable is None:
            repeatable = method in READ_METHODS
        if self.uses_json2:
            body: dict[str, Any] = dict(params)
            if ids is not None:
                body["ids"] = list(ids)
            if context:
                body["context"] = dict(context)
            return self._json2(model, method, body, repeatable=repeatable)
        kwargs = dict(params)
        if context:
            kwargs["context"] = dict(context)
        args: list[Any] = [list(ids)] if ids is not None else []
        if method == "create" and "vals_list" in kwargs:
            args.append(kwargs.pop("vals_list"))
        uid = self.uid
        return self._jsonrpc(
            "object",
            "execute_kw",
            [self.database, uid, self._api_key, model, method, args, kwargs],
            repeatable=repeatable,
        )

    def search_count(
        self, model: str, domain: Sequence[Any], *, context: Mapping[str, Any] | None = None
    ) -> int:
        return int(self.call(model, "search_count", context=context, domain=list(domain)))

    def search_read(
        self,
        model: str,
        domain: Sequence[Any],
        fields: Sequence[str],
        *,
        context: Mapping[str, Any] | None = None,
        order: str | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[dict[str, Any]]:
        params: dict[str, Any] = {"domain": list(domain), "fields": list(fields)}
        if order:
            params["order"] = order
        if limit is not None:
            params["limit"] = limit
        if offset:
            params["offset"] = offset
        result = self.call(model, "search_read", context=context, **params)
        return list(result or [])

    def read(
        self,
        model: str,
        ids: Sequence[int],
        fields: Sequence[str],
        *,
        context: Mapping[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        if not ids:
            return []
        return list(self.call(model, "read", ids=ids, fields=list(fields), context=context))

    def fields_of(self, model: str) -> dict[str, Any]:
        """The model's fields (name → type, relation), read once per client."""
        if model not in self._fields:
            self._fields[model] = dict(
                self.call(model, "fields_get", attributes=["type", "relation", "string"])
            )
        return self._fields[model]

    def available(self, model: str, wanted: Sequence[str]) -> list[str]:
        """The wanted fields this Odoo version has (the renames of 16–19 drop out)."""
        fields = self.fields_of(model)
        return [name for name in wanted if name in fields]

    # -- transports ----------------------------------------------------------------------------
    def _jsonrpc(self, service: str, method: str, args: list[Any], *, repeatable: bool) -> Any:
        body = {
            "jsonrpc": "2.0",
            "method": "call",
            "params": {"service": service, "method": method, "args": args},
            "id": next(self._ids),
        }
        response = self.http.send("POST", "/jsonrpc", repeatable=repeatable, json_body=body)
        if response.status_code != 200:
            raise _status_error(response)
        payload = decode_json(response.content)
        if not isinstance(payload, dict):
            raise ApiError(response.status_code, f"not a JSON-RPC answer: {response.text[:200]}")
        if "error" in payload:
            raise _from_error(200, payload["error"].get("data") or {}, payload["error"])
        return payload.get("result")

    def _json2(self, model: str, method: str, body: dict[str, Any], *, repeatable: bool) -> Any:
        response = self.http.send(
            "POST",
            f"/json/2/{model}/{method}",
            repeatable=repeatable,
            json_body=body,
            headers={
                "Authorization": f"bearer {self._api_key}",
                "X-Odoo-Database": self.database,
            },
        )
        if response.status_code == 200:
            return decode_json(response.content)
        if response.status_code == 401:
            raise OdooCredentialsRefused(401, _json2_message(response))
        raise _status_error(response)


def _json2_message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:300] or f"HTTP {response.status_code}"
    if isinstance(body, dict):
        return str(body.get("message") or body)
    return str(body)[:300]


def _status_error(response: httpx.Response) -> Exception:
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and "name" in body:
        return _from_error(response.status_code, body, body)
    return ApiError(
        response.status_code, f"HTTP {response.status_code}: {response.text[:300].strip()}"
    )


def _from_error(status: int, data: Mapping[str, Any], whole: Any) -> Exception:
    name = str(data.get("name") or "")
    message = str(data.get("message") or "").strip() or str(whole)[:300]
    if any(marker in name or marker in message for marker in TRANSIENT_NAMES):
        return TransientFailure(f"Odoo was busy with a concurrent update: {message}")
    error = OdooError(status, name, message, whole)
    if error.failure is OdooFailure.CREDENTIALS:
        return OdooCredentialsRefused(status, message, whole)
    return error
