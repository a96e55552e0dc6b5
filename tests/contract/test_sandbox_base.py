"""The admin routes every sandbox shares (sandbox/common/admin.py), run against each sandbox:
the fault plan set and read back, the request log listed, filtered and cleared, and the clock of
a sandbox built with a ManualClock read, set and advanced."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from tilisilta.clock import Clock, ManualClock
from tilisilta.sandbox.common.base import SandboxBase
from tilisilta.sandbox.common.transport import SyncASGITransport
from tilisilta.sandbox.odoo import OdooSandbox
from tilisilta.sandbox.procountor import ProcountorSandbox

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Kind:
    """How to build one sandbox and make one API call it records under ``label``."""

    name: str
    build: Callable[[Clock | None], SandboxBase[Any]]
    call: Callable[[httpx.Client], httpx.Response]
    path: str
    label: str


def _odoo_call(http: httpx.Client) -> httpx.Response:
    body = {"jsonrpc": "2.0", "method": "call", "id": 1}
    body["params"] = {"service": "common", "method": "version", "args": []}
    return http.post("/jsonrpc", json=body)


KINDS = [
    Kind(
        "procountor",
        lambda clock: ProcountorSandbox(clock=clock),
        lambda http: http.get("/api/company"),  # no token: 401, recorded all the same
        "/api/company",
        "GET /api/company",
    ),
    Kind(
        "odoo",
        lambda clock: OdooSandbox(clock=clock),
        _odoo_call,
        "/jsonrpc",
        "common.version",
    ),
]


@dataclass
class Env:
    kind: Kind
    sb: SandboxBase[Any]
    http: httpx.Client
    clock: ManualClock | None


def _env(kind: Kind, clock: ManualClock | None) -> Iterator[Env]:
    sb = kind.build(clock)
    http = httpx.Client(transport=SyncASGITransport(sb.app), base_url="http://sandbox")
    yield Env(kind, sb, http, clock)
    http.close()


@pytest.fixture(params=KINDS, ids=[k.name for k in KINDS])
def env(request: pytest.FixtureRequest) -> Iterator[Env]:
    yield from _env(request.param, ManualClock(START))


@pytest.fixture(params=KINDS, ids=[k.name for k in KINDS])
def system_clock_env(request: pytest.FixtureRequest) -> Iterator[Env]:
    yield from _env(request.param, None)


# --- faults ----------------------------------------------------------------------------------


def test_faults_are_set_and_read_back(env: Env) -> None:
    assert env.http.get("/_sandbox/faults").json() == env.sb.faults.to_dict()
    changes = {"error_5xx": 1.0, "status_5xx": 502, "retry_after": None, "only": "^GET "}
    response = env.http.put("/_sandbox/faults", json=changes)
    assert response.status_code == 200
    assert {k: response.json()[k] for k in changes} == changes
    assert {k: env.http.get("/_sandbox/faults").json()[k] for k in changes} == changes
    assert env.sb.faults.error_5xx == 1.0 and env.sb.faults.only == "^GET "


def test_faults_set_over_http_apply_to_the_api_but_never_to_admin(env: Env) -> None:
    env.http.put("/_sandbox/faults", json={"error_5xx": 1.0, "status_5xx": 502})
    assert env.kind.call(env.http).status_code == 502
    assert env.http.get("/_sandbox/faults").json()["injected"]["error_5xx"] == 1
    reset = env.http.put("/_sandbox/faults", json={"error_5xx": 0, "injected": {}})
    assert reset.json()["injected"]["error_5xx"] == 0
    assert env.kind.call(env.http).status_code != 502


@pytest.mark.parametrize(
    "body",
    [{"error_5xx": 2}, {"bogus": 1}, {"only": "("}, {"status_5xx": 404}, [1], "x"],
    ids=["probability", "unknown", "regex", "status", "list", "string"],
)
def test_bad_fault_plans_are_refused_and_change_nothing(env: Env, body: Any) -> None:
    before = env.http.get("/_sandbox/faults").json()
    response = env.http.put("/_sandbox/faults", json=body)
    assert response.status_code == 400 and response.json()["error"]
    assert env.http.get("/_sandbox/faults").json() == before


# --- the request log -------------------------------------------------------------------------


def test_the_request_log_is_listed_filtered_and_cleared(env: Env) -> None:
    kind = env.kind
    log = env.sb.request_log  # the list tests hold on to: cleared in place, never replaced
    for _ in range(3):
        kind.call(env.http)
    env.http.get("/nowhere")
    env.http.get("/_sandbox/faults")  # admin calls are not recorded

    listed = env.http.get("/_sandbox/requests/log").json()
    assert [(e["method"], e["path"]) for e in listed] == [
        *[(e.method, e.path) for e in log[:3]],
        ("GET", "/nowhere"),
    ]
    assert [e["status"] for e in listed] == [e.status for e in log]
    assert len(listed) == len(log) == 4
    assert all(e["path"] == kind.path for e in listed[:3])

    only = env.http.get("/_sandbox/requests/log", params={"match": "nowhere"}).json()
    assert [e["path"] for e in only] == ["/nowhere"]
    last = env.http.get("/_sandbox/requests/log", params={"limit": 2}).json()
    assert last == listed[-2:]
    assert env.http.get("/_sandbox/requests/log", params={"limit": 0}).json() == []

    counts = env.http.get("/_sandbox/requests").json()
    assert counts[kind.label] == 3 and counts == dict(sorted(env.sb.request_counts.items()))
    matched = env.http.get("/_sandbox/requests", params={"match": kind.label}).json()
    assert matched == {kind.label: 3}

    assert env.http.delete("/_sandbox/requests").json() == {"cleared": 4}
    assert env.sb.request_log is log and log == []
    assert env.http.get("/_sandbox/requests").json() == {}
    assert env.http.get("/_sandbox/requests/log").json() == []
    kind.call(env.http)
    assert len(log) == 1 and env.sb.request_counts[kind.label] == 1


@pytest.mark.parametrize(
    "params", [{"limit": "-1"}, {"limit": "many"}, {"match": "("}], ids=["neg", "word", "regex"]
)
def test_bad_log_queries_are_refused(env: Env, params: dict[str, str]) -> None:
    assert env.http.get("/_sandbox/requests/log", params=params).status_code == 400


# --- the clock -------------------------------------------------------------------------------


def test_a_manual_clock_is_read_set_and_advanced(env: Env) -> None:
    assert env.http.get("/_sandbox/clock").json() == {"now": START.isoformat(), "manual": True}
    later = "2026-03-05T12:30:00+02:00"
    response = env.http.put("/_sandbox/clock", json={"now": later})
    assert response.json() == {"now": "2026-03-05T10:30:00+00:00"}  # a clock tells UTC
    assert env.sb.clock.now() == datetime.fromisoformat(later)
    assert env.clock is not None and env.clock.now() == datetime.fromisoformat(later)
    advanced = env.http.post("/_sandbox/clock/advance", json={"seconds": 90}).json()
    assert advanced == {"now": "2026-03-05T10:31:30+00:00"}
    assert env.http.get("/_sandbox/clock").json()["now"] == advanced["now"]


@pytest.mark.parametrize(
    "body",
    [{"now": "2026-03-01T09:00:00+00:00"}, {"now": "2026-03-05T12:00:00"}, {"now": "soon"}, {}],
    ids=["backwards", "naive", "garbage", "missing"],
)
def test_bad_clock_settings_are_refused(env: Env, body: dict[str, Any]) -> None:
    assert env.http.put("/_sandbox/clock", json=body).status_code == 400
    assert env.sb.clock.now() == START


@pytest.mark.parametrize("seconds", [-1, True, "60", None])
def test_bad_advances_are_refused(env: Env, seconds: Any) -> None:
    assert env.http.post("/_sandbox/clock/advance", json={"seconds": seconds}).status_code == 400
    assert env.sb.clock.now() == START


def test_a_system_clock_is_read_but_never_moved(system_clock_env: Env) -> None:
    http = system_clock_env.http
    shown = http.get("/_sandbox/clock").json()
    assert shown["manual"] is False and datetime.fromisoformat(shown["now"]).tzinfo is not None
    assert http.put("/_sandbox/clock", json={"now": "2030-01-01T00:00:00+00:00"}).status_code == 409
    assert http.post("/_sandbox/clock/advance", json={"seconds": 1}).status_code == 409


def test_a_caller_killed_mid_request_is_dropped_and_logged_as_lost() -> None:
    """A process killed while sending its request body leaves the sandbox nothing to answer:
    it drops the request, as a real server does, instead of failing with a traceback."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    from tilisilta.sandbox.common.recording import LOST, RequestLog, RequestRecorder

    async def approve(request: Request) -> Response:
        await request.body()
        return Response("approved")

    log: RequestLog[tuple[str, str, str, int]] = RequestLog(
        threading.RLock(), lambda method, path, label, status: (method, path, label, status)
    )
    app = RequestRecorder(Starlette(routes=[Route("/approve", approve, methods=["PUT"])]), log)
    sent: list[dict[str, Any]] = []

    async def gone() -> dict[str, Any]:
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": "PUT",
        "path": "/approve",
        "raw_path": b"/approve",
        "query_string": b"",
        "headers": [(b"content-length", b"20")],
        "scheme": "http",
        "server": ("sandbox", 80),
        "http_version": "1.1",
    }
    asyncio.run(app(scope, gone, send))  # type: ignore[arg-type]  # no ClientDisconnect raised

    assert log.entries == [("PUT", "/approve", "", LOST)]
