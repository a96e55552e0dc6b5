"""The Odoo sandbox around the calls: malformed requests refused as Odoo refuses them, injected
faults (429 with Retry-After, 5xx, commit-then-drop), the request log, the admin routes and
``serve``."""

from __future__ import annotations

import html
import xmlrpc.client
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from odoo_sandbox_support import Env, make_env
from typer.testing import CliRunner

from tilisilta.cli.main import app as cli
from tilisilta.sandbox.odoo import LoggedRequest, serve


@pytest.fixture
def env() -> Iterator[Env]:
    e = make_env(version=17)
    yield e
    e.http.close()
    e.sb.close()


def search_body(env: Env) -> dict[str, Any]:
    c = env.creds
    return {
        "jsonrpc": "2.0",
        "method": "call",
        "params": {
            "service": "object",
            "method": "execute_kw",
            "args": [c.database, c.uid, c.api_key, "res.partner", "search_read", [[]]],
        },
        "id": 3,
    }


def create_partner(env: Env, name: str) -> httpx.Response:
    return env.execute_kw("res.partner", "create", [{"name": name}])


def partner_names(env: Env) -> list[str]:
    rows = env.sb.registry.call("res.partner", "search_read", [], ["name"])
    return [row["name"] for row in rows]


# --- malformed requests ----------------------------------------------------------------------


def test_jsonrpc_body_that_is_not_json_is_a_400(env: Env) -> None:
    headers = {"Content-Type": "application/json"}
    for raw, text in ((b"{not json", "Invalid JSON data"), (b"", "Invalid JSON data")):
        response = env.http.post("/jsonrpc", content=raw, headers=headers)
        assert (response.status_code, response.text) == (400, text)
    for raw in (b"[1, 2]", b'"call"', b"null"):
        response = env.http.post("/jsonrpc", content=raw, headers=headers)
        assert (response.status_code, response.text) == (400, "Invalid JSON-RPC data")


def test_jsonrpc_missing_or_bad_params_are_errors_in_the_envelope(env: Env) -> None:
    body = {"jsonrpc": "2.0", "method": "call", "params": {"service": "common"}, "id": 9}
    error = env.http.post("/jsonrpc", json=body).json()["error"]
    assert error["data"]["name"] == "builtins.TypeError"
    assert error["data"]["message"] == (
        "jsonrpc() missing 2 required positional arguments: 'method' and 'args'"
    )
    body["params"] = [1, 2]
    error = env.http.post("/jsonrpc", json=body).json()["error"]
    assert error["data"]["name"] == "builtins.TypeError"
    body["params"] = {"service": "common", "method": "version", "args": None}
    error = env.http.post("/jsonrpc", json=body).json()["error"]
    assert "must be an iterable, not NoneType" in error["data"]["message"]


@pytest.mark.parametrize(("version", "status"), [(16, 400), (17, 400), (18, 400), (19, 415)])
def test_jsonrpc_wants_a_json_content_type(version: int, status: int) -> None:
    e = make_env(version=version)
    try:
        response = e.http.post(
            "/jsonrpc", content=b'{"params": {}}', headers={"Content-Type": "text/plain"}
        )
        assert response.status_code == status
        assert "Request inferred type is compatible with ['http']" in html.unescape(response.text)
        if status == 415:
            assert response.headers["accept"] == "application/json, application/json-rpc"
        ok = e.http.post(
            "/jsonrpc",
            json=search_body(e),
            headers={"Content-Type": "application/json-rpc; charset=utf-8"},
        )
        assert "result" in ok.json()
    finally:
        e.http.close()
        e.sb.close()


def test_xmlrpc_malformed_bodies_are_fault_1(env: Env) -> None:
    for raw in (b"", b"<methodCall><methodName>version"):
        response = env.http.post("/xmlrpc/2/common", content=raw)
        assert response.status_code == 200
        with pytest.raises(xmlrpc.client.Fault) as caught:
            xmlrpc.client.loads(response.content)
        assert caught.value.faultCode == 1
        assert "ExpatError" in caught.value.faultString


def test_xmlrpc_refuses_entity_declarations_before_parsing(env: Env) -> None:
    bomb = (
        '<?xml version="1.0"?>\n<!DOCTYPE m [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n'
        "<methodCall><methodName>version</methodName><params><param><value>&b;</value>"
        "</param></params></methodCall>"
    )
    for raw in (bomb.encode(), bomb.encode("utf-16")):
        response = env.http.post("/xmlrpc/2/common", content=raw)
        with pytest.raises(xmlrpc.client.Fault) as caught:
            xmlrpc.client.loads(response.content)
        assert caught.value.faultCode == 1
        assert "DOCTYPE" in caught.value.faultString
        assert "aaaaaaaaaa" not in caught.value.faultString


def test_unknown_routes_and_methods(env: Env) -> None:
    assert env.http.post("/xmlrpc/2").status_code == 404
    assert env.http.get("/nothing").status_code == 404
    assert env.http.get("/nothing").headers["content-type"].startswith("text/html")
    as_json = env.http.post("/web/dataset/nothing", json={})
    assert as_json.status_code == 404
    assert as_json.json()["error"] == {
        "code": 404,
        "message": "404: Not Found",
        "data": as_json.json()["error"]["data"],
    }
    assert as_json.json()["error"]["data"]["name"] == "werkzeug.exceptions.NotFound"
    assert env.http.get("/xmlrpc/2/common").status_code == 405


def test_db_service(env: Env) -> None:
    assert env.jsonrpc_ok("db", "list") == ["tilisilta"]
    assert env.xmlrpc("db", "list") == ["tilisilta"]
    assert env.xmlrpc("db", "server_version") == "17.0"
    assert env.xmlrpc("db", "db_exist", "tilisilta") is True
    assert env.xmlrpc("db", "db_exist", "other") is False
    fault = env.xmlrpc_fault("db", "drop", "admin", "tilisilta")
    assert (fault.faultCode, fault.faultString) == (3, "Access Denied")


def test_xmlrpc_dates_go_in_as_odoo_strings(env: Env) -> None:
    from datetime import datetime

    c = env.creds
    fault = env.xmlrpc_fault(
        "object", "execute_kw", c.database, c.uid, c.api_key, "res.partner", "read",
        [[987_654]], {"context": {"moment": datetime(2026, 3, 2, 9, 0)}},
    )  # fmt: skip
    assert fault.faultCode == 2  # the datetime was accepted; the record is missing


# --- faults ----------------------------------------------------------------------------------


def test_429_with_retry_after_and_an_html_body(env: Env) -> None:
    env.sb.faults.update({"error_429": 1.0, "retry_after": 7})
    response = env.http.post("/jsonrpc", json=search_body(env))
    assert response.status_code == 429
    assert response.headers["retry-after"] == "7"
    assert response.headers["content-type"].startswith("text/html")
    assert "429 Too Many Requests" in response.text
    env.sb.faults.retry_after = None
    response = env.http.post("/xmlrpc/2/common", content=b"")
    assert response.status_code == 429 and "retry-after" not in response.headers
    assert env.sb.faults.injected["error_429"] == 2


def test_5xx_before_processing_changes_nothing(env: Env) -> None:
    env.sb.faults.update({"error_5xx": 1.0, "status_5xx": 502})
    before = partner_names(env)
    response = create_partner(env, "Never Oy")
    assert response.status_code == 502 and "502 Bad Gateway" in response.text
    assert partner_names(env) == before


def test_5xx_after_commit_and_dropped_responses_commit(env: Env) -> None:
    env.sb.faults.error_5xx_after_commit = 1.0
    response = create_partner(env, "Committed Oy")
    assert response.status_code == 503 and "503" in response.text
    assert "Committed Oy" in partner_names(env)
    env.sb.faults.update({"error_5xx_after_commit": 0.0, "drop_after_commit": 1.0})
    with pytest.raises(httpx.RemoteProtocolError):
        create_partner(env, "Dropped Oy")
    assert "Dropped Oy" in partner_names(env)
    assert env.sb.request_log[-1] == LoggedRequest("POST", "/jsonrpc", "res.partner.create", 0)


def test_faults_can_target_one_path(env: Env) -> None:
    env.sb.faults.update({"error_5xx": 1.0, "only": "^POST /xmlrpc/"})
    assert env.jsonrpc("common", "version").status_code == 200
    assert env.http.post("/xmlrpc/2/common", content=b"").status_code == 503


# --- the request log -------------------------------------------------------------------------


def test_request_log_names_each_call(env: Env) -> None:
    c = env.creds
    env.jsonrpc_ok("common", "version")
    env.execute_kw("res.partner", "search_read", [[]])
    env.xmlrpc_kw("res.partner", "search_read", [[]])
    env.xmlrpc("common", "authenticate", c.database, c.login, c.api_key, {})
    env.http.get("/web/version")
    env.http.get("/_sandbox/faults")
    assert env.sb.request_log == [
        LoggedRequest("POST", "/jsonrpc", "common.version", 200),
        LoggedRequest("POST", "/jsonrpc", "res.partner.search_read", 200),
        LoggedRequest("POST", "/xmlrpc/2/object", "res.partner.search_read", 200),
        LoggedRequest("POST", "/xmlrpc/2/common", "common.authenticate", 200),
        LoggedRequest("GET", "/web/version", "", 200),
    ]
    assert env.sb.request_counts["res.partner.search_read"] == 2
    assert env.http.get("/_sandbox/requests").json() == {
        "common.authenticate": 1,
        "common.version": 1,
        "res.partner.search_read": 2,
    }


# --- admin -----------------------------------------------------------------------------------


def test_admin_faults_and_records(env: Env) -> None:
    response = env.http.put("/_sandbox/faults", json={"error_429": 1.0})
    assert response.status_code == 200 and response.json()["error_429"] == 1.0
    assert env.http.get("/_sandbox/records/res.partner").status_code == 200  # never faulted
    assert env.jsonrpc("common", "version").status_code == 429
    assert env.http.put("/_sandbox/faults", json={"error_429": 3}).status_code == 400
    env.http.put("/_sandbox/faults", json={"error_429": 0})
    rows = env.http.get("/_sandbox/records/res.partner", params={"fields": "name"}).json()
    assert {"name", "id"} <= set(rows[0])
    assert env.http.get("/_sandbox/records/no.such.model").status_code == 404


# --- serving ---------------------------------------------------------------------------------


def test_serve_prints_credentials_and_runs_uvicorn(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(
        "tilisilta.sandbox.odoo.server.uvicorn.run", lambda app, **kwargs: calls.append(kwargs)
    )
    serve(port=9999, version=19, seed=5)
    out = capsys.readouterr().out
    for label in ("database", "login", "uid", "company_id", "api_key", "/json/2/"):
        assert label in out
    assert "sandbox-only" in out
    assert calls == [{"host": "127.0.0.1", "port": 9999, "log_level": "warning"}]


def test_cli_serves_the_odoo_sandbox(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[dict[str, Any]] = []
    monkeypatch.setattr("tilisilta.sandbox.odoo.serve", lambda **kwargs: seen.append(kwargs))
    result = CliRunner().invoke(cli, ["sandbox", "serve", "odoo", "--version", "18"])
    assert result.exit_code == 0, result.output
    assert seen == [{"host": "127.0.0.1", "port": 8069, "version": 18, "seed": 0}]
    refused = CliRunner().invoke(cli, ["sandbox", "serve", "odoo", "--version", "15"])
    assert refused.exit_code != 0
