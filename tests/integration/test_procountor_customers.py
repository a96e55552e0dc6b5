"""Procountor customers: fetching and matching them, binding by hand, and creating or updating
the customer before an invoice that needs it (option ``create_customers``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from tests.factories import invoice
from tests.hub import Procountor, TestHub
from tilisilta.cli.registers import customers_app
from tilisilta.clock import ManualClock
from tilisilta.connectors.procountor.client import ProcountorClient
from tilisilta.connectors.procountor.flows.invoices import send_invoices
from tilisilta.connectors.procountor.flows.registers import (
    BindRefused,
    bind_party,
    fetch_customers,
)
from tilisilta.crypto import SecretBox
from tilisilta.domain.documents import Party
from tilisilta.settings import Settings
from tilisilta.store import companies as repo
from tilisilta.store.engine import Store
from tilisilta.store.models import Binding, Document, Exchange
from tilisilta.store.registers import PARTY, upsert_party


# -- helpers ------------------------------------------------------------------------------------
def person(
    procountor: Procountor, clock: ManualClock, api_key: str | None = None
) -> ProcountorClient:
    """Someone working in Procountor directly (or another system), through the public API."""
    creds = procountor.credentials
    return ProcountorClient(
        "http://procountor.test/api",
        client_id=creds["client_id"],
        client_secret=creds["client_secret"],
        redirect_uri=creds["redirect_uri"],
        api_key=api_key or creds["api_key"],
        clock=clock,
        transport=procountor.transport,
    )


def add_customer(
    pc: ProcountorClient,
    name: str,
    *,
    number: str | None = None,
    business_id: str | None = None,
    kind: str = "CUSTOMER",
) -> int:
    invoicing = {k: v for k, v in (("customerNumber", number), ("identifier", business_id)) if v}
    body = {
        "name": name,
        "type": kind,
        "address": {"name": name, "country": "FINLAND"},
        "paymentInfo": {"paymentMethod": "BANK_TRANSFER"},
        "invoicingInfo": invoicing,
    }
    return int(pc.call("POST", "/businesspartners", repeatable=False, json_body=body)["id"])


def partner(pc: ProcountorClient, partner_id: int) -> dict[str, Any]:
    result: dict[str, Any] = pc.call("GET", f"/businesspartners/{partner_id}", repeatable=True)
    return result


def set_options(hub: TestHub, **options: Any) -> None:
    with hub.store.session() as session:
        connection = repo.find_connection(session, hub.connection)
        connection.options = {**connection.options, **options}


def calls(procountor: Procountor, method: str, path: str) -> int:
    return procountor.sandbox.request_counts[f"{method} {path}"]


def add_party(hub: TestHub, **fields: Any) -> None:
    with hub.store.session() as session:
        company = repo.find_company(session, hub.company)
        upsert_party(session, company.id, Party(**fields), hub.clock.now())


def party_bindings(store: Store, connection_id: int | None = None) -> dict[str, str]:
    """party ref -> Procountor id."""
    query = (
        select(Document.ref, Binding.external_id)
        .join(Document, Document.id == Binding.local_id)
        .where(Binding.local_kind == PARTY)
    )
    if connection_id is not None:
        query = query.where(Binding.connection_id == connection_id)
    with store.session() as session:
        return {ref: ext for ref, ext in session.execute(query).all()}


def customer(ref: str, name: str, **fields: Any) -> dict[str, Any]:
    base = invoice("x")["customer"]
    return {**base, "ref": ref, "name": name, **fields}


# -- fetching and matching ----------------------------------------------------------------------
def test_fetch_matches_by_business_id_then_customer_number_then_name(
    hub: TestHub, procountor: Procountor, tmp_path: Path
) -> None:
    pc = person(procountor, hub.clock)
    by_id = add_customer(pc, "Virtanen Rakennus", number="9999", business_id="0112038-9")
    by_number = add_customer(pc, "Kahvila Aalto", number="2002")
    by_name = add_customer(pc, "Mäkinen Tmi")
    twins = [add_customer(pc, "Duplicate Oy"), add_customer(pc, "DUPLICATE  OY")]
    stranger = add_customer(pc, "Nobody Here Ay", number="7777")
    add_customer(pc, "Mäkinen Tmi", kind="SUPPLIER")  # suppliers are not customers
    # C-1 arrives on an invoice; the others come from a party master.
    hub.import_invoices([invoice("1001")], tmp_path)
    add_party(hub, ref="C-2", name="Kahvila Aalto Oy", customer_number="2002")
    add_party(hub, ref="C-3", name="  mäkinen   TMI ")
    add_party(hub, ref="C-4", name="Duplicate Oy")
    add_party(hub, ref="C-5", name="Uusi Asiakas Oy", customer_number="3003")

    report = hub.run("pc", fetch_customers)

    assert report.fetched == 6
    assert {(m.local_ref, m.external_id, m.by) for m in report.matched} == {
        ("C-1", str(by_id), "business ID"),
        ("C-2", str(by_number), "customer number"),
        ("C-3", str(by_name), "name"),
    }
    [ambiguous] = report.ambiguous
    assert ambiguous.local_ref == "C-4"
    assert {c for c, _ in ambiguous.candidates} == {str(t) for t in twins}
    assert report.unmatched_local == [("C-5", "Uusi Asiakas Oy")]
    assert report.unmatched_remote == [(str(stranger), "Nobody Here Ay")]
    assert party_bindings(hub.store) == {
        "C-1": str(by_id),
        "C-2": str(by_number),
        "C-3": str(by_name),
    }

    again = hub.run("pc", fetch_customers)
    assert again.matched == [] and {m.local_ref for m in again.already_bound} == {
        "C-1",
        "C-2",
        "C-3",
    }


def test_one_customer_wanted_by_two_parties_binds_neither(
    hub: TestHub, procountor: Procountor
) -> None:
    pc = person(procountor, hub.clock)
    add_customer(pc, "Virtanen Oy", number="1001")
    add_party(hub, ref="A", name="Virtanen Oy", customer_number="1001")
    add_party(hub, ref="B", name="Virtanen Oy (old)", customer_number="1001")

    report = hub.run("pc", fetch_customers)

    assert report.matched == []
    assert sorted(a.local_ref for a in report.ambiguous) == ["A", "B"]
    assert party_bindings(hub.store) == {}


def test_a_dry_run_binds_nothing(hub: TestHub, procountor: Procountor) -> None:
    add_customer(person(procountor, hub.clock), "Virtanen Oy", number="1001")
    add_party(hub, ref="A", name="Virtanen Oy", customer_number="1001")
    report = hub.run("pc", fetch_customers, bind=False)
    assert [m.local_ref for m in report.matched] == ["A"] and not report.bound
    assert party_bindings(hub.store) == {}


def test_fetch_reads_every_page(hub: TestHub, procountor: Procountor) -> None:
    pc = person(procountor, hub.clock)
    ids = [add_customer(pc, f"Asiakas {n:03}", number=str(10_000 + n)) for n in range(450)]
    add_party(hub, ref="LAST", name="Viimeinen", customer_number="10449")
    add_party(hub, ref="FIRST", name="Ensimmäinen", customer_number="10000")

    report = hub.run("pc", fetch_customers)

    assert report.fetched == 450
    assert calls(procountor, "GET", "/api/businesspartners") == 3  # 200 + 200 + 50
    assert party_bindings(hub.store) == {"FIRST": str(ids[0]), "LAST": str(ids[-1])}
    assert len(report.unmatched_remote) == 448


# -- binding by hand ----------------------------------------------------------------------------
def test_bind_by_hand_and_the_invoice_links_to_that_customer(
    hub: TestHub, procountor: Procountor, tmp_path: Path
) -> None:
    pc = person(procountor, hub.clock)
    chosen = add_customer(pc, "Virtanen (Procountor)", number="1001")
    add_customer(pc, "Virtanen, another one", number="1001")  # a search would be ambiguous
    hub.import_invoices([invoice("1001")], tmp_path)

    result = hub.run("pc", bind_party, party_ref="C-1", procountor_id=chosen)
    assert (result.local_name, result.external_name) == (
        "Rakennus Virtanen Oy",
        "Virtanen (Procountor)",
    )
    set_options(hub, create_customers=True)
    [line] = hub.send().lines

    assert line.state == "sent", line.message
    [sent] = procountor.invoices()
    assert sent["partnerId"] == chosen
    assert calls(procountor, "GET", "/api/businesspartners") == 0  # bound: nothing to search
    # Bound by hand, never sent: our data is brought over once.
    assert partner(pc, chosen)["name"] == "Rakennus Virtanen Oy"
    assert partner(pc, chosen)["invoicingInfo"]["email"] == "laskut@virtanen.example"


def test_bind_by_hand_moves_a_binding_and_refuses_what_cannot_be(
    hub: TestHub, procountor: Procountor
) -> None:
    pc = person(procountor, hub.clock)
    customer_id = add_customer(pc, "Virtanen Oy")
    supplier_id = add_customer(pc, "Tukku Oy", kind="SUPPLIER")
    add_party(hub, ref="A", name="Virtanen Oy")
    add_party(hub, ref="B", name="Virtanen Oy")

    def bind(ref: str, procountor_id: int) -> Any:
        return hub.run("pc", bind_party, party_ref=ref, procountor_id=procountor_id)

    bind("A", customer_id)
    moved = bind("B", customer_id)
    assert moved.released == "A"
    assert party_bindings(hub.store) == {"B": str(customer_id)}
    with pytest.raises(BindRefused, match="SUPPLIER"):
        bind("A", supplier_id)
    with pytest.raises(LookupError, match="no party 'NOPE'"):
        bind("NOPE", customer_id)
    with pytest.raises(LookupError, match="Procountor has no party 999999"):
        bind("A", 999_999)
    assert party_bindings(hub.store) == {"B": str(customer_id)}


def test_the_cli_fetches_and_binds(hub: TestHub, procountor: Procountor, tmp_path: Path) -> None:
    pc = person(procountor, hub.clock)
    matched = add_customer(pc, "Rakennus Virtanen Oy", number="1001")
    other = add_customer(pc, "Kahvila Aalto")
    hub.import_invoices([invoice("1001")], tmp_path)
    add_party(hub, ref="C-2", name="Aalto")
    context = hub.runtime("pc")
    runner = CliRunner()

    fetched = runner.invoke(customers_app, ["fetch", "--connection", "pc"], obj=context)
    assert fetched.exit_code == 0, fetched.output
    assert "2 Procountor customers read: 1 bound" in fetched.output
    assert "C-1" in fetched.output and "customer number" in fetched.output
    assert f"{other} Kahvila Aalto" in fetched.output  # matching nothing here

    bound = runner.invoke(
        customers_app, ["bind", "--connection", "pc", "C-2", str(other)], obj=context
    )
    assert bound.exit_code == 0, bound.output
    assert f"Bound party C-2 (Aalto) to Procountor {other} (Kahvila Aalto)" in bound.output
    assert party_bindings(hub.store) == {"C-1": str(matched), "C-2": str(other)}

    missing = runner.invoke(
        customers_app, ["bind", "--connection", "pc", "C-9", str(other)], obj=context
    )
    assert missing.exit_code == 1


# -- creating and updating before an invoice ----------------------------------------------------
def test_the_customer_is_created_before_the_first_invoice_and_reused_after(
    hub: TestHub, procountor: Procountor, tmp_path: Path
) -> None:
    set_options(hub, create_customers=True)
    hub.import_invoices([invoice(str(2001 + n)) for n in range(10)], tmp_path)

    summary = hub.send(workers=4)

    assert [line.state for line in summary.lines] == ["sent"] * 10
    assert calls(procountor, "POST", "/api/businesspartners") == 1
    assert calls(procountor, "GET", "/api/businesspartners") == 1  # searched once, by number
    [created_id] = {inv["partnerId"] for inv in procountor.invoices()}
    created = partner(person(procountor, hub.clock), created_id)
    assert created["type"] == "CUSTOMER"
    assert created["name"] == "Rakennus Virtanen Oy"
    assert created["paymentInfo"]["paymentMethod"] == "BANK_TRANSFER"
    assert created["address"] == {
        "name": "Rakennus Virtanen Oy",
        "street": "Mannerheimintie 1",
        "zip": "00100",
        "city": "Helsinki",
        "country": "FINLAND",
    }
    info = created["invoicingInfo"]
    assert (info["customerNumber"], info["identifier"], info["email"]) == (
        "1001",
        "0112038-9",
        "laskut@virtanen.example",
    )

    hub.import_invoices([invoice("2011")], tmp_path)
    before = sum(procountor.sandbox.request_counts.values())
    assert hub.send().lines[0].state == "sent"
    assert procountor.invoices()[-1]["partnerId"] == created_id
    # Unchanged customer: not a single register call, only the invoice's own.
    register_calls = [
        r for r in procountor.sandbox.request_log[before:] if "businesspartners" in r.path
    ]
    assert register_calls == []


def test_a_lost_answer_to_the_create_finds_the_customer_instead_of_making_another(
    hub: TestHub, procountor: Procountor, tmp_path: Path
) -> None:
    # Procountor creates the customer, but the answer never arrives.
    procountor.sandbox.faults.update(
        {"drop_after_commit": 1.0, "only": "POST /api/businesspartners"}
    )
    set_options(hub, create_customers=True)
    hub.import_invoices([invoice("1001")], tmp_path)

    [line] = hub.send().lines

    assert line.state == "sent", line.message
    assert calls(procountor, "POST", "/api/businesspartners") == 1
    assert calls(procountor, "GET", "/api/businesspartners") == 2  # searched again: found
    [sent] = procountor.invoices()
    assert party_bindings(hub.store) == {"C-1": str(sent["partnerId"])}


def test_an_existing_customer_with_the_number_is_taken_not_duplicated(
    hub: TestHub, procountor: Procountor, tmp_path: Path
) -> None:
    existing = add_customer(person(procountor, hub.clock), "Virtanen", number="1001")
    set_options(hub, create_customers=True)
    hub.import_invoices([invoice("1001")], tmp_path)

    assert hub.send().lines[0].state == "sent"

    assert calls(procountor, "POST", "/api/businesspartners") == 1  # the one added above
    assert procountor.invoices()[0]["partnerId"] == existing
    assert partner(person(procountor, hub.clock), existing)["name"] == "Rakennus Virtanen Oy"


def test_a_changed_customer_is_patched_with_the_current_version(
    hub: TestHub, procountor: Procountor, tmp_path: Path
) -> None:
    pc = person(procountor, hub.clock)
    set_options(hub, create_customers=True)
    hub.import_invoices([invoice("1001")], tmp_path)
    hub.send()
    [partner_id] = [inv["partnerId"] for inv in procountor.invoices()]
    # Someone sets payment terms in Procountor: the version moves on.
    hub.clock.advance(60)
    current = partner(pc, partner_id)
    pc.call(
        "PATCH",
        f"/businesspartners/{partner_id}",
        repeatable=False,
        json_body={
            "paymentInfo": {"paymentMethod": "BANK_TRANSFER", "paymentTermDays": "21"},
            "version": current["version"],
        },
    )
    hub.clock.advance(60)
    changed = customer("C-1", "Rakennus Virtanen Oy", email="reskontra@virtanen.example")
    hub.import_invoices([invoice("1002", customer=changed)], tmp_path)

    assert hub.send().lines[0].state == "sent"

    patches = [r for r in procountor.sandbox.request_log if r.method == "PATCH"]
    assert [r.status for r in patches] == [200, 200]  # theirs, then ours with their version
    after = partner(pc, partner_id)
    assert after["invoicingInfo"]["email"] == "reskontra@virtanen.example"
    assert after["paymentInfo"]["paymentTermDays"] == "21"  # not ours to change
    assert calls(procountor, "POST", "/api/businesspartners") == 1
    assert procountor.invoices()[-1]["partnerId"] == partner_id

    hub.import_invoices([invoice("1003", customer=changed)], tmp_path)
    hub.send()
    assert len([r for r in procountor.sandbox.request_log if r.method == "PATCH"]) == 2


def test_a_removed_value_is_cleared_with_a_whole_record_put(
    hub: TestHub, procountor: Procountor, tmp_path: Path
) -> None:
    pc = person(procountor, hub.clock)
    set_options(hub, create_customers=True, channel="mail")
    hub.import_invoices([invoice("1001")], tmp_path)
    hub.send()
    [partner_id] = [inv["partnerId"] for inv in procountor.invoices()]
    hub.clock.advance(60)
    no_email = customer("C-1", "Rakennus Virtanen Oy", email=None)
    hub.import_invoices([invoice("1002", customer=no_email)], tmp_path)

    assert hub.send().lines[0].state == "sent"

    assert calls(procountor, "PUT", "/api/businesspartners/{id}") == 1
    assert calls(procountor, "PATCH", "/api/businesspartners/{id}") == 0
    after = partner(pc, partner_id)
    assert "email" not in after["invoicingInfo"]
    assert after["invoicingInfo"]["customerNumber"] == "1001"


class EditInProcountorFirst(httpx.BaseTransport):
    """Before each of our first ``times`` PATCHes, someone saves the customer in Procountor."""

    def __init__(self, inner: httpx.BaseTransport, edit: Callable[[], None], times: int) -> None:
        self.inner, self.edit, self.times = inner, edit, times

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "PATCH" and self.times > 0:
            self.times -= 1
            self.edit()
        return self.inner.handle_request(request)


def _send_with(hub: TestHub, transport: httpx.BaseTransport) -> Any:
    return hub.run(hub.connection, send_invoices, transport=transport)


@pytest.mark.parametrize(("edits", "state"), [(1, "sent"), (2, "response_error")])
def test_a_stale_version_is_read_again_and_retried_once(
    hub: TestHub, procountor: Procountor, tmp_path: Path, edits: int, state: str
) -> None:
    pc = person(procountor, hub.clock)
    set_options(hub, create_customers=True)
    hub.import_invoices([invoice("1001")], tmp_path)
    hub.send()
    [partner_id] = [inv["partnerId"] for inv in procountor.invoices()]

    def someone_edits() -> None:
        hub.clock.advance(5)
        version = partner(pc, partner_id)["version"]
        pc.call(
            "PATCH",
            f"/businesspartners/{partner_id}",
            repeatable=False,
            json_body={
                "paymentInfo": {"paymentMethod": "BANK_TRANSFER", "paymentTermDays": "30"},
                "version": version,
            },
        )

    hub.clock.advance(60)
    changed = customer("C-1", "Rakennus Virtanen Oy", email="uusi@virtanen.example")
    hub.import_invoices([invoice("1002", customer=changed)], tmp_path)

    [line] = _send_with(
        hub, EditInProcountorFirst(procountor.transport, someone_edits, edits)
    ).lines

    assert line.state == state
    ours = [r.status for r in procountor.sandbox.request_log if r.method == "PATCH"]
    if state == "sent":
        assert ours == [200, 400, 200]  # theirs, ours stale, ours again after reading anew
        assert partner(pc, partner_id)["invoicingInfo"]["email"] == "uusi@virtanen.example"
    else:
        assert ours == [200, 400, 200, 400]
        assert line.message and line.message.startswith(
            "The customer Rakennus Virtanen Oy could not be updated in Procountor "
            "(customer code: C-1, customer no.: 1001)"
        )
        assert "at the same time" in line.message
        assert len(procountor.invoices()) == 1  # the invoice waited for its customer


def test_a_missing_customer_number_is_a_data_issue_before_any_call(
    hub: TestHub, procountor: Procountor, tmp_path: Path
) -> None:
    set_options(hub, create_customers=True)
    unnumbered = customer("C-1", "Rakennus Virtanen Oy", customer_number=None)
    hub.import_invoices([invoice("1001", customer=unnumbered)], tmp_path)

    [line] = hub.send().lines

    assert line.state == "data_issue" and line.message
    assert (
        "Customer number missing for customer Rakennus Virtanen Oy (customer code: C-1)"
        in line.message
    )
    assert "customer.customer_number" in line.message
    touched = [r for r in procountor.sandbox.request_log if "businesspartners" in r.path]
    assert touched == []
    assert procountor.invoices() == []
    with hub.store.session() as session:
        exchange = session.scalars(select(Exchange)).one()
        assert exchange.category == "data_issue" and exchange.calls == []


def test_a_refused_customer_reads_like_the_error_table(
    hub: TestHub, procountor: Procountor, tmp_path: Path
) -> None:
    set_options(hub, create_customers=True)
    hub.import_invoices([invoice("1001", customer=customer("C-1", "Virtanen Oy"))], tmp_path)
    # Procountor turns the customer down for a reason the hub cannot check beforehand.
    procountor.sandbox.faults.update(
        {"error_4xx": 1.0, "refusal": "OVT_NOT_ALLOWED", "only": "POST /api/businesspartners"}
    )

    [line] = hub.send().lines

    assert line.state == "response_error" and line.message
    assert line.message.startswith(
        "The customer Virtanen Oy could not be created in Procountor "
        "(customer code: C-1, customer no.: 1001)"
    )
    assert "by hand in Procountor" in line.message and "OVT_NOT_ALLOWED" in line.message
    assert procountor.invoices() == []


def test_characters_procountor_refuses_stop_the_invoice_before_any_call(
    hub: TestHub, procountor: Procountor, tmp_path: Path
) -> None:
    set_options(hub, create_customers=True)
    snowman = customer("C-1", "Virtanen \u2603 Oy")
    hub.import_invoices([invoice("1001", customer=snowman)], tmp_path)
    procountor.sandbox.request_log.clear()

    [line] = hub.send().lines

    assert line.state == "data_issue" and line.message
    assert "customer.name" in line.message and "U+2603 SNOWMAN" in line.message
    assert "Windows-1252" in line.message
    writes = [r for r in procountor.sandbox.request_log if "/api/oauth" not in r.path]
    writes = [r for r in writes if r.method != "GET"]
    assert writes == [] and procountor.invoices() == []


def test_two_companies_do_not_mix(
    hub: TestHub,
    procountor: Procountor,
    store: Store,
    box: SecretBox,
    clock: ManualClock,
    settings: Settings,
    tmp_path: Path,
) -> None:
    sandbox = procountor.sandbox
    set_options(hub, create_customers=True)
    added = hub.add_second_company(create_customers=True)
    second, other, other_key = added.hub, added.remote, added.api_key
    with store.session() as session:
        first_id = repo.find_connection(session, "pc").id
    second_id = added.connection_id
    # The same customer code and number in both companies, with different data.
    hub.import_invoices([invoice("1001")], tmp_path)
    theirs = customer("C-1", "Toisen Asiakas Oy", business_id=None)
    second.import_invoices([invoice("1001", customer=theirs)], tmp_path)

    assert hub.send().lines[0].state == "sent"
    assert second.send().lines[0].state == "sent"

    mine_pc, their_pc = person(procountor, clock), person(procountor, clock, other_key)
    [mine] = sandbox.invoices(procountor.company_id)
    [their_invoice] = sandbox.invoices(other.company_id)
    assert partner(mine_pc, mine["partnerId"])["name"] == "Rakennus Virtanen Oy"
    assert partner(their_pc, their_invoice["partnerId"])["name"] == "Toisen Asiakas Oy"
    assert party_bindings(store, first_id) == {"C-1": str(mine["partnerId"])}
    assert party_bindings(store, second_id) == {"C-1": str(their_invoice["partnerId"])}
    with store.session() as session:
        parties = session.scalars(select(Document).where(Document.kind == PARTY)).all()
        names = sorted((d.company_id, d.payload["name"]) for d in parties)
    assert [name for _, name in names] == ["Rakennus Virtanen Oy", "Toisen Asiakas Oy"]
    assert names[0][0] != names[1][0]

    # Fetching for one company binds nothing of the other's.
    report = hub.run("pc2", fetch_customers)
    assert report.fetched == 1 and [m.local_ref for m in report.already_bound] == ["C-1"]


def test_a_customer_update_passes_the_literal_reading_of_patch(
    hub: TestHub, procountor: Procountor, tmp_path: Path
) -> None:
    # Procountor's schema makes name, type and paymentInfo.paymentMethod required in a PATCH
    # body; the hub's updates carry them, so they pass however Procountor reads it.
    procountor.sandbox.companies[procountor.company_id].patch_schema_literal = True
    set_options(hub, create_customers=True)
    hub.import_invoices([invoice("1001")], tmp_path)
    assert hub.send().lines[0].state == "sent"
    hub.clock.advance(60)
    changed = customer("C-1", "Rakennus Virtanen Oy", email="reskontra@virtanen.example")
    hub.import_invoices([invoice("1002", customer=changed)], tmp_path)

    [line] = hub.send().lines

    assert line.state == "sent", line.message
    ours = [r.status for r in procountor.sandbox.request_log if r.method == "PATCH"]
    assert ours == [200]
