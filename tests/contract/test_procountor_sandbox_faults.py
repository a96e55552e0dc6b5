"""Procountor sandbox §7 items 15–16: rate limiting and fault injection; plus the admin endpoints,
the request log, ``serve`` and the connector's code tables."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import uvicorn
from test_procountor_sandbox_support import (
    BASE_URL,
    START,
    Env,
    errors_of,
    invoice_payload,
    make_env,
    request_token,
)

from tilisilta.clock import ManualClock
from tilisilta.connectors.procountor.mapping.codes import COUNTRY_BY_ISO, UNIT_BY_CODE
from tilisilta.sandbox.common.faults import FaultMiddleware, FaultPlan
from tilisilta.sandbox.common.transport import SyncASGITransport
from tilisilta.sandbox.procountor import ProcountorSandbox, serve
from tilisilta.sandbox.procountor.enums import COUNTRIES, UNITS
from tilisilta.sandbox.procountor.jsonio import dumps

UNABLE = {"errors": [{"status": 503, "message": "UNABLE_TO_GET_CONNECTION"}]}


@pytest.fixture
def env() -> Env:
    return make_env()


def post_invoice(env: Env, number: str = "ERP-1") -> httpx.Response:
    return env.call("POST", "/invoices", invoice_payload(env.iban, originalInvoiceNumber=number))


# --- §7.16 faults ----------------------------------------------------------------------------


def test_error_5xx_happens_before_processing(env: Env) -> None:
    env.token()
    env.sb.faults.error_5xx = 1.0
    response = post_invoice(env)
    assert response.status_code == 503
    assert response.json() == UNABLE
    assert env.sb.invoices(env.company_id) == []
    assert env.sb.faults.injected["error_5xx"] == 1


def test_error_5xx_after_commit_commits_then_fails(env: Env) -> None:
    env.token()
    env.sb.faults.error_5xx_after_commit = 1.0
    response = post_invoice(env)
    assert response.status_code == 503 and response.json() == UNABLE
    assert [i["originalInvoiceNumber"] for i in env.sb.invoices(env.company_id)] == ["ERP-1"]
    # Reads are not mutating: the after-commit faults never touch them.
    assert env.call("GET", "/company").status_code == 200


def test_drop_after_commit_commits_yet_the_client_gets_a_protocol_error(env: Env) -> None:
    env.token()
    env.sb.faults.drop_after_commit = 1.0
    with pytest.raises(httpx.RemoteProtocolError):
        post_invoice(env, "ERP-9")
    invoices = env.sb.invoices(env.company_id)
    assert [i["originalInvoiceNumber"] for i in invoices] == ["ERP-9"]
    assert env.sb.faults.injected["drop_after_commit"] == 1
    assert env.sb.request_log[-1] == ("POST", "/api/invoices", 0)  # 0: the response was lost
    # Reconcile before resending: the natural key finds the committed invoice.
    env.sb.faults.drop_after_commit = 0.0
    found = env.ok("GET", "/invoices", params={"originalInvoiceNumber": "ERP-9"})
    assert [r["id"] for r in found["results"]] == [invoices[0]["id"]]


def test_timeout_after_commit_raises_read_timeout(env: Env) -> None:
    env.token()
    env.sb.faults.timeout_after_commit = 1.0
    with pytest.raises(httpx.ReadTimeout):
        post_invoice(env)
    assert len(env.sb.invoices(env.company_id)) == 1


def test_error_429_with_and_without_retry_after(env: Env) -> None:
    env.token()
    env.sb.faults.update({"error_429": 1.0, "retry_after": 7})
    response = env.call("GET", "/company")
    assert response.status_code == 429 and response.headers["retry-after"] == "7"
    assert errors_of(response) == {(None, "TOO_MANY_REQUESTS")}
    env.sb.faults.retry_after = None
    response = env.call("GET", "/company")
    assert response.status_code == 429 and "retry-after" not in response.headers


def test_only_targets_matching_requests(env: Env) -> None:
    env.sb.faults.update({"error_5xx": 1.0, "only": r"^POST /api/invoices$"})
    assert request_token(env.http, env.creds).status_code == 200
    assert env.call("GET", "/company").status_code == 200
    assert env.call("GET", "/invoices").status_code == 200
    assert post_invoice(env).status_code == 503


def test_faults_are_seeded_and_counted() -> None:
    def draws(seed: int) -> list[str | None]:
        plan = FaultPlan(seed=seed, error_5xx=0.3, drop_after_commit=0.3)
        return [plan.draw("POST") for _ in range(50)]

    assert draws(1) == draws(1)
    assert draws(1) != draws(2)
    assert {"error_5xx", "drop_after_commit", None} == set(draws(1))
    plan = FaultPlan(seed=3, drop_after_commit=1.0)
    assert [plan.draw("GET") for _ in range(5)] == [None] * 5  # only mutating requests


def test_fault_plan_rejects_bad_values() -> None:
    plan = FaultPlan()
    for bad in ({"error_5xx": 1.5}, {"nonsense": 1}, {"only": "("}, {"retry_after": "soon"}):
        with pytest.raises(ValueError):
            plan.update(bad)
    assert plan.error_5xx == 0.0


def test_latency_is_awaited_on_matching_requests() -> None:
    slept: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        slept.append(seconds)

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    plan = FaultPlan(latency=31.0, only="^GET /slow")
    wrapped = FaultMiddleware(app, plan, sleep=fake_sleep)
    with httpx.Client(transport=SyncASGITransport(wrapped), base_url=BASE_URL) as client:
        assert client.get("/slow").status_code == 204
        assert client.get("/fast").status_code == 204
    assert slept == [31.0]
    assert plan.injected["latency"] == 1


def test_admin_endpoints_are_never_faulted(env: Env) -> None:
    response = env.http.put("/_sandbox/faults", json={"error_5xx": 1.0, "status_5xx": 502})
    assert response.status_code == 200 and response.json()["error_5xx"] == 1.0
    assert env.http.get("/_sandbox/faults").status_code == 200
    assert request_token(env.http, env.creds).status_code == 502
    assert env.http.put("/_sandbox/faults", json={"error_5xx": 2}).status_code == 400
    assert env.http.put("/_sandbox/faults", json={"bogus": 1}).status_code == 400
    reset = env.http.put("/_sandbox/faults", json={"error_5xx": 0, "injected": {}})
    assert reset.json()["injected"]["error_5xx"] == 0


# --- §7.15 rate limiting ---------------------------------------------------------------------


def test_default_rate_limit_is_20_per_second_per_client() -> None:
    env = make_env()
    env.sb.set_rate_limit(20)
    env.token()  # the token request counts too
    statuses = [env.call("GET", "/company").status_code for _ in range(20)]
    assert statuses == [200] * 19 + [429]
    assert ProcountorSandbox().rate_limiter.per_second == 20


def test_rate_limit_answers_429_with_retry_after_on_the_clock(env: Env) -> None:
    env.token()
    env.sb.set_rate_limit(2)
    assert env.call("GET", "/company").status_code == 200
    assert env.call("GET", "/company").status_code == 200
    limited = env.call("GET", "/company")
    assert limited.status_code == 429
    assert limited.headers["retry-after"] == "1"
    assert errors_of(limited) == {(None, "TOO_MANY_REQUESTS")}
    env.clock.advance(0.5)
    assert env.call("GET", "/company").status_code == 200
    assert env.call("GET", "/company").status_code == 429

    other = env.sb.register_client("other", "secret", "http://localhost/cb")
    key = env.sb.issue_api_key(env.company_id, other.client_id)
    creds = {
        "client_id": "other",
        "client_secret": "secret",
        "redirect_uri": "http://localhost/cb",
        "api_key": key,
    }
    assert env.call("GET", "/company", creds=creds).status_code == 200  # its own bucket


def test_suspension_mode_answers_503_for_the_configured_time(env: Env) -> None:
    env.token()
    env.sb.set_rate_limit(1)
    env.sb.faults.suspension_seconds = 30
    assert env.call("GET", "/company").status_code == 200
    suspended = env.call("GET", "/company")
    assert suspended.status_code == 503
    assert suspended.headers["retry-after"] == "30"
    assert errors_of(suspended) == {(None, "CLIENT_SUSPENDED")}
    env.clock.advance(29)
    assert env.call("GET", "/company").status_code == 503
    env.clock.advance(1)
    assert env.call("GET", "/company").status_code == 200


# --- admin endpoints and the request log -----------------------------------------------------


def test_admin_creates_companies_with_working_credentials(env: Env) -> None:
    response = env.http.post(
        "/_sandbox/companies", json={"name": "Uusi Oy", "business_id": "1572860-0"}
    )
    assert response.status_code == 201
    created = response.json()
    assert set(created) == {
        "company_id",
        "client_id",
        "client_secret",
        "redirect_uri",
        "api_key",
        "iban",
    }
    creds = {k: str(v) for k, v in created.items()}
    assert env.ok("GET", "/company", creds=creds)["name"] == "Uusi Oy"
    same_client = env.http.post(
        "/_sandbox/companies",
        json={
            "name": "Kolmas Oy",
            "business_id": "0112038-9",
            "client_id": created["client_id"],
            "client_secret": "different",
        },
    )
    assert same_client.status_code == 409
    assert env.http.post("/_sandbox/companies", json={"name": "X"}).status_code == 400


def test_admin_clock_and_invoice_listing(env: Env) -> None:
    response = env.http.post("/_sandbox/clock/advance", json={"seconds": 90})
    assert response.status_code == 200
    assert env.clock.now().isoformat() == response.json()["now"] == "2026-03-02T09:01:30+00:00"
    invoice = env.create_invoice()
    listed = env.http.get(f"/_sandbox/companies/{env.company_id}/invoices").json()
    assert [i["id"] for i in listed] == [invoice["id"]]
    assert listed[0]["invoiceSumInfo"][0]["invoiceSumTotal"] == 127.24
    assert env.http.get("/_sandbox/companies/1/invoices").status_code == 404
    system = ProcountorSandbox()
    with httpx.Client(transport=SyncASGITransport(system.app), base_url=BASE_URL) as client:
        assert client.post("/_sandbox/clock/advance", json={"seconds": 1}).status_code == 409


def test_request_log_and_counts(env: Env) -> None:
    env.create_invoice()
    env.create_invoice()
    env.ok("GET", "/invoices/100001")
    env.call("GET", "/invoices/1")
    env.http.get("/_sandbox/faults")
    counts = env.http.get("/_sandbox/requests").json()
    assert counts == {
        "GET /api/invoices/{ids}": 2,
        "POST /api/invoices": 2,
        "POST /api/oauth/token": 1,
    }
    assert env.sb.request_log[-1] == ("GET", "/api/invoices/1", 404)
    assert [m for m, _, _ in env.sb.request_log].count("POST") == 3


def test_unknown_routes_answer_in_procountor_shape(env: Env) -> None:
    response = env.call("GET", "/nothing-here")
    assert response.status_code == 404 and errors_of(response) == {(None, "NOT_FOUND")}


# --- running under uvicorn -------------------------------------------------------------------


@pytest.fixture
def served() -> Iterator[tuple[ProcountorSandbox, dict[str, str], str]]:
    sb, creds = ProcountorSandbox.with_demo_company(clock=ManualClock(START))
    config = uvicorn.Config(sb.app, host="127.0.0.1", port=0, log_level="critical")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield sb, creds, f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def test_drop_after_commit_aborts_the_connection_under_uvicorn(
    served: tuple[ProcountorSandbox, dict[str, str], str],
) -> None:
    sb, creds, base = served
    with httpx.Client(base_url=base, timeout=5) as client:
        token = request_token(client, creds).json()["access_token"]
        sb.faults.drop_after_commit = 1.0
        with pytest.raises(httpx.RemoteProtocolError):
            client.post(
                "/api/invoices",
                content=dumps(invoice_payload(creds["iban"])).encode(),
                headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            )
    assert len(sb.invoices(int(creds["company_id"]))) == 1


def test_serve_prints_credentials_and_runs_uvicorn(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(
        "tilisilta.sandbox.procountor.server.uvicorn.run",
        lambda app, **kwargs: calls.append(kwargs),
    )
    serve(port=9999, seed=5)
    out = capsys.readouterr().out
    for label in ("client_id", "client_secret", "redirect_uri", "company_id", "api_key"):
        assert label in out
    assert "sandbox-only" in out
    assert calls == [{"host": "127.0.0.1", "port": 9999, "log_level": "warning"}]


# --- the connector's code tables -------------------------------------------------------------


def test_country_codes_map_onto_the_procountor_enum() -> None:
    assert set(COUNTRY_BY_ISO.values()) == COUNTRIES  # every enum value reachable
    assert len(set(COUNTRY_BY_ISO.values())) == len(COUNTRY_BY_ISO)  # one code per country
    assert COUNTRY_BY_ISO["FI"] == "FINLAND"
    assert COUNTRY_BY_ISO["US"] == "UNITED_STATES_OF_AMERICA"
    assert COUNTRY_BY_ISO["GB"] == "UNITED_KINGDOM_OF_GREAT_BRITAIN_AND_NORTHERN_IRELAND"
    assert COUNTRY_BY_ISO["AX"] == "ALAND_ISLANDS"
    assert all(len(code) == 2 and code.isupper() for code in COUNTRY_BY_ISO)


def test_unit_codes_map_onto_the_procountor_enum() -> None:
    assert set(UNIT_BY_CODE.values()) <= UNITS
    expected = {
        "C62": "PIECE",
        "H87": "PIECE",
        "EA": "PIECE",
        "KGM": "KILOGRAM",
        "LTR": "LITER",
        "MTR": "METER",
        "HUR": "HOUR",
        "DAY": "DAY",
        "MON": "MONTH",
        "MTK": "SQUARE_METER",
        "MTQ": "CUBIC_METER",
        "KWH": "KILOWATT_HOUR",
        "SET": "SET",
        "PR": "PAIR",
    }
    assert {code: UNIT_BY_CODE[code] for code in expected} == expected
