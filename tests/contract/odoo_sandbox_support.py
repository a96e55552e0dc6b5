"""Helpers for the Odoo sandbox contract tests: a sandbox with the demo company and a bare
client speaking each protocol by hand (there is no Odoo connector in these tests on purpose)."""

from __future__ import annotations

import xmlrpc.client
from dataclasses import dataclass
from typing import Any

import httpx

from tilisilta.clock import ManualClock
from tilisilta.sandbox.odoo import DemoCredentials, OdooSandbox

VERSIONS = (16, 17, 18, 19)


@dataclass
class Env:
    sb: OdooSandbox
    creds: DemoCredentials
    clock: ManualClock
    http: httpx.Client

    @property
    def version(self) -> int:
        return self.sb.version

    # --- JSON-RPC --------------------------------------------------------------------------

    def jsonrpc(self, service: str, method: str, *args: Any, request_id: Any = 1) -> httpx.Response:
        body = {
            "jsonrpc": "2.0",
            "method": "call",
            "params": {"service": service, "method": method, "args": list(args)},
            "id": request_id,
        }
        return self.http.post("/jsonrpc", json=body)

    def jsonrpc_ok(self, service: str, method: str, *args: Any) -> Any:
        response = self.jsonrpc(service, method, *args)
        assert response.status_code == 200, response.text
        body = response.json()
        assert "error" not in body, body["error"]["data"]["debug"]
        return body.get("result")

    def jsonrpc_error(self, service: str, method: str, *args: Any) -> dict[str, Any]:
        response = self.jsonrpc(service, method, *args)
        assert response.status_code == 200, response.text
        body = response.json()
        assert "result" not in body, body
        error: dict[str, Any] = body["error"]
        return error

    def execute_kw(
        self, model: str, method: str, args: list[Any], kwargs: dict[str, Any] | None = None
    ) -> httpx.Response:
        c = self.creds
        params: list[Any] = [c.database, c.uid, c.api_key, model, method, args]
        if kwargs is not None:
            params.append(kwargs)
        return self.jsonrpc("object", "execute_kw", *params)

    # --- XML-RPC ---------------------------------------------------------------------------

    def xmlrpc(self, service: str, method: str, *args: Any) -> Any:
        """The call's value; raises xmlrpc.client.Fault for a fault."""
        body = xmlrpc.client.dumps(args, methodname=method, allow_none=False).encode()
        response = self.http.post(
            f"/xmlrpc/2/{service}", content=body, headers={"Content-Type": "text/xml"}
        )
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("text/xml")
        params, _ = xmlrpc.client.loads(response.content)
        return params[0]

    def xmlrpc_fault(self, service: str, method: str, *args: Any) -> xmlrpc.client.Fault:
        try:
            value = self.xmlrpc(service, method, *args)
        except xmlrpc.client.Fault as fault:
            return fault
        raise AssertionError(f"expected a fault, got {value!r}")

    def xmlrpc_kw(
        self, model: str, method: str, args: list[Any], kwargs: dict[str, Any] | None = None
    ) -> Any:
        c = self.creds
        extra = [kwargs] if kwargs is not None else []
        return self.xmlrpc(
            "object", "execute_kw", c.database, c.uid, c.api_key, model, method, args, *extra
        )

    # --- JSON-2 ----------------------------------------------------------------------------

    def json2(
        self,
        model: str,
        method: str,
        params: dict[str, Any] | None = None,
        *,
        key: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        sent = {"Authorization": f"bearer {self.creds.api_key if key is None else key}"}
        sent.update(headers or {})
        return self.http.post(f"/json/2/{model}/{method}", json=params or {}, headers=sent)


def make_env(version: int = 17, seed: int = 0) -> Env:
    clock = ManualClock()
    sb, creds = OdooSandbox.with_demo_company(version=version, clock=clock, seed=seed)
    http = httpx.Client(transport=sb.transport(), base_url=sb.base_url)
    return Env(sb, creds, clock, http)
