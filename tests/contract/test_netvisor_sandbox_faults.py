"""Concurrency, injected faults, the admin API and serving (reference netvisor.md §4, §8.2
items 18 and 20; DESIGN.md "Sandboxes")."""

from __future__ import annotations

import asyncio
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
import uvicorn
from netvisor_sandbox_support import BASE_URL, START, Answer, Env, invoice_xml, make_env
from typer.testing import CliRunner

from tilisilta.cli.sandbox import sandbox_app
from tilisilta.clock import ManualClock
from tilisilta.sandbox.common.transport import SyncASGITransport
from tilisilta.sandbox.netvisor import NetvisorSandbox, serve


@pytest.fixture
def env() -> Env:
    return make_env()


def answer_of(response: httpx.Response) -> Answer:
    return Answer(response, ET.fromstring(response.content))


# --- one request at a time per company (§4, §8.2 item 20) ----------------------------------------


def test_an_overlapping_request_is_refused_in_process(env: Env) -> None:
    """The first request holds its company while its body is still arriving."""

    async def scenario() -> tuple[httpx.Response, httpx.Response, httpx.Response]:
        release = asyncio.Event()
        body = invoice_xml().encode()

        async def slow_body() -> AsyncIterator[bytes]:
            yield body[:10]
            await release.wait()
            yield body[10:]

        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(env.sb.app), base_url=BASE_URL
        ) as client:
            url = BASE_URL + "/salesinvoice.nv?method=add"
            first = asyncio.ensure_future(
                client.post(url, content=slow_body(), headers=env.headers(url))
            )
            while not env.sb.in_flight:
                await asyncio.sleep(0)
            list_url = BASE_URL + "/salesinvoicelist.nv"
            second = await client.get(list_url, headers=env.headers(list_url))
            release.set()
            done = await first
            third = await client.get(list_url, headers=env.headers(list_url))
            return done, second, third

    first, second, third = asyncio.run(scenario())
    assert answer_of(first).ok
    refused = answer_of(second)
    assert refused.code == "TECHNICAL_ERROR" and "one request at a time" in refused.text
    assert answer_of(third).ok  # free again once the first has answered
    assert not env.sb.in_flight


def test_other_companies_are_not_held_up(env: Env) -> None:
    env.sb.in_flight["0112038-9"] = 1  # another company is busy
    assert env.get("/salesinvoicelist.nv").ok
    env.sb.in_flight[env.creds["organisation_id"]] = 1
    assert env.get("/salesinvoicelist.nv").code == "TECHNICAL_ERROR"
    env.sb.switches.update({"refuse_overlap": False})
    assert env.get("/salesinvoicelist.nv").ok


@pytest.fixture
def served() -> Iterator[tuple[NetvisorSandbox, dict[str, str], str]]:
    sb, creds = NetvisorSandbox.with_demo_company(clock=ManualClock(START))
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


def test_an_overlapping_request_is_refused_when_served(
    served: tuple[NetvisorSandbox, dict[str, str], str],
) -> None:
    sb, creds, base = served
    env = Env(sb, sb.clock, httpx.Client(), creds)  # type: ignore[arg-type]
    release = threading.Event()
    body = invoice_xml().encode()

    def slow_body() -> Iterator[bytes]:
        yield body[:10]
        release.wait(10)
        yield body[10:]

    results: dict[str, httpx.Response] = {}
    url = base + "/salesinvoice.nv?method=add"

    def first() -> None:
        with httpx.Client(timeout=10) as client:
            results["first"] = client.post(url, content=slow_body(), headers=env.headers(url))

    worker = threading.Thread(target=first)
    worker.start()
    deadline = time.monotonic() + 10
    while not sb.in_flight:
        assert time.monotonic() < deadline, "the first request never arrived"
        time.sleep(0.005)
    list_url = base + "/salesinvoicelist.nv"
    with httpx.Client(timeout=10) as client:
        second = client.get(list_url, headers=env.headers(list_url))
    release.set()
    worker.join(10)
    assert answer_of(second).code == "TECHNICAL_ERROR"
    assert answer_of(results["first"]).ok
    assert len(sb.companies[creds["organisation_id"]].sales_invoices) == 1


def test_concurrent_auto_numbered_adds_may_share_a_number(env: Env) -> None:
    """TAW README: Netvisor's numbering under parallel workers (switch; overlap allowed)."""
    env.sb.switches.update({"racy_numbering": True, "refuse_overlap": False})

    async def scenario() -> list[httpx.Response]:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(env.sb.app), base_url=BASE_URL
        ) as client:
            url = BASE_URL + "/salesinvoice.nv?method=add"
            calls = [
                client.post(url, content=invoice_xml(), headers=env.headers(url)) for _ in range(2)
            ]
            return list(await asyncio.gather(*calls))

    for response in asyncio.run(scenario()):
        assert answer_of(response).ok
    assert [i.number for i in env.company.sales_invoices.values()] == ["1", "1"]


# --- injected faults ----------------------------------------------------------------------------


def test_a_5xx_has_no_xml_body_and_changes_nothing(env: Env) -> None:
    env.sb.faults.update({"error_5xx": 1.0})
    url = BASE_URL + "/salesinvoice.nv?method=add"
    response = env.http.post(url, content=invoice_xml(), headers=env.headers(url))
    assert response.status_code == 503 and not response.content.startswith(b"<")
    assert not env.company.sales_invoices


def test_a_dropped_answer_after_commit(env: Env) -> None:
    env.sb.faults.update({"drop_after_commit": 1.0})
    url = BASE_URL + "/salesinvoice.nv?method=add"
    with pytest.raises(httpx.RemoteProtocolError):
        env.http.post(url, content=invoice_xml(), headers=env.headers(url))
    assert len(env.company.sales_invoices) == 1  # committed: a resend would make a second one


def test_latency_beyond_the_client_timeout(env: Env) -> None:
    env.sb.faults.update({"latency": 30.0})
    client = httpx.Client(transport=SyncASGITransport(env.sb.app), base_url=BASE_URL, timeout=0.2)
    url = BASE_URL + "/salesinvoicelist.nv"
    with pytest.raises(httpx.ReadTimeout):
        client.get(url, headers=env.headers(url))
    client.close()


@pytest.mark.parametrize("code", ["SYSTEM_MAINTANANCE", "TECHNICAL_ERROR"])
def test_service_errors(env: Env, code: str) -> None:
    env.sb.switches.update({"service_error_rate": 1.0, "service_error_code": code})
    answer = env.post("/salesinvoice.nv?method=add", invoice_xml())
    assert answer.code == code and not env.company.sales_invoices


def test_answers_without_response_status_or_declaration(env: Env) -> None:
    env.sb.switches.update({"omit_response_status": True, "omit_xml_declaration": True})
    answer = env.get("/customerlist.nv")
    assert answer.find("ResponseStatus") is None and answer.find("Customerlist") is not None
    assert answer.response.content.startswith(b"<Root>")
    assert env.get("/getcustomer.nv?id=999").code == "INVALID_DATA"  # failures keep it


def test_empty_lists_change_shape(env: Env) -> None:
    assert env.get("/salesinvoicelist.nv").find("SalesInvoiceList") is not None
    env.sb.switches.update({"empty_list": "omitted"})
    assert env.get("/salesinvoicelist.nv").find("SalesInvoiceList") is None


# --- admin API, demo and serving ----------------------------------------------------------------


def test_the_admin_api_seeds_and_shows_state(env: Env) -> None:
    admin = env.http
    made = admin.post("/_sandbox/companies", json={"business_id": "0112038-9", "name": "Toinen Oy"})
    assert made.status_code == 201
    creds: dict[str, Any] = made.json()
    company = "/_sandbox/companies/0112038-9"
    assert admin.post(f"{company}/customers", json={"name": "A", "code": "A1"}).status_code == 201
    assert (
        admin.post(
            f"{company}/products", json={"code": "P", "name": "P", "unit_price": "1.00"}
        ).status_code
        == 201
    )
    pi = {
        "number": "X1",
        "date": "2026-03-01",
        "vendor": "V",
        "lines": [{"name": "l", "unit_price": "1", "line_sum": "1.26"}],
    }
    assert admin.post(f"{company}/purchaseinvoices", json=pi).status_code == 201
    assert (
        admin.post(
            f"{company}/payments", json={"amount": "-3.00", "date": "2026-03-01"}
        ).status_code
        == 201
    )
    assert admin.put(f"{company}/lock", json={"until": "2026-02-28"}).json() == {
        "locked_until": "2026-02-28"
    }
    state = admin.get(company).json()
    assert [c["code"] for c in state["customers"]] == ["TEMP", "A1"]
    assert state["payments"][0]["amount"] == "-3.00" and state["locked_until"] == "2026-02-28"
    second = Env(env.sb, env.clock, env.http, creds)
    assert second.get("/customerlist.nv").ok
    assert admin.get("/_sandbox/companies/nobody").status_code == 404
    assert admin.post(f"{company}/customers", json={"code": "x"}).status_code == 400


def test_the_switches_through_the_admin_api(env: Env) -> None:
    assert env.http.get("/_sandbox/switches").json()["duplicate_number"] == "reject"
    changed = env.http.put("/_sandbox/switches", json={"duplicate_number": "accept"})
    assert changed.json()["duplicate_number"] == "accept"
    assert env.http.put("/_sandbox/switches", json={"duplicate_number": "maybe"}).status_code == 400
    assert env.http.put("/_sandbox/switches", json={"nothing": 1}).status_code == 400


def test_requests_are_recorded_per_resource(env: Env) -> None:
    env.get("/SalesInvoiceList.nv")
    env.post("/salesinvoice.nv?method=add", invoice_xml())
    assert env.sb.request_counts == {"GET salesinvoicelist.nv": 1, "POST salesinvoice.nv": 1}


def test_the_demo_company_is_useful() -> None:
    sb, creds = NetvisorSandbox.with_demo_company(clock=ManualClock(START))
    company = sb.companies[creds["organisation_id"]]
    assert company.business_id == "2077474-0"
    assert {p.code for p in company.products.values()} >= {"ASENNUS", "KAHVI"}
    assert company.customer_by("customer", "TEMP") is not None
    assert company.product_by("customer", "TEMP") is None
    assert any(i.attachments for i in company.purchase_invoices.values())


def test_serve_prints_credentials_and_runs_uvicorn(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(
        "tilisilta.sandbox.netvisor.server.uvicorn.run", lambda app, **kw: calls.append(kw)
    )
    serve(port=9999, seed=3)
    out = capsys.readouterr().out
    for label in ("organisation_id", "customer_id", "customer_key", "partner_id", "partner_key"):
        assert label in out
    assert calls == [{"host": "127.0.0.1", "port": 9999, "log_level": "warning"}]


def test_the_cli_serves_netvisor_on_8766(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr("tilisilta.sandbox.netvisor.serve", lambda **kw: calls.append(kw))
    result = CliRunner().invoke(sandbox_app, ["serve", "netvisor"])
    assert result.exit_code == 0, result.output
    assert calls == [{"host": "127.0.0.1", "port": 8766, "seed": 0}]
