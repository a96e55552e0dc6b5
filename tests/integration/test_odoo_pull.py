"""Pulling invoices from Odoo (the sandbox) into the hub: incremental, idempotent, per company."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tests.hub import Odoo, Procountor, TestHub, Told, open_odoo
from tilisilta import listing
from tilisilta.cli.fixes import shown
from tilisilta.clock import ManualClock
from tilisilta.connectors.odoo.flows.connection import test_connection as check_connection
from tilisilta.connectors.odoo.flows.invoices import PULL_INVOICE, pull_invoices
from tilisilta.connectors.odoo.state import load_cursor
from tilisilta.crypto import SecretBox
from tilisilta.domain.documents import InvoiceKind, VatTreatment
from tilisilta.sandbox.odoo.orm import seed_finnish_company
from tilisilta.sandbox.odoo.orm.scenarios import attach_invoice_pdf, make_invoice
from tilisilta.settings import Settings
from tilisilta.store.companies import find_connection
from tilisilta.store.documents import all_invoices, load_invoice
from tilisilta.store.engine import Store
from tilisilta.store.models import Binding, Exchange


@pytest.fixture
def odoo(clock: ManualClock) -> Iterator[Odoo]:
    odoo = open_odoo(clock)
    yield odoo
    odoo.sandbox.close()


@pytest.fixture
def hub(
    store: Store, box: SecretBox, clock: ManualClock, settings: Settings, odoo: Odoo
) -> TestHub:
    return TestHub(store, box, clock, settings).connect_odoo(odoo)


def invoices(hub: TestHub) -> dict[str, object]:
    with hub.store.session() as session:
        return {doc.ref: load_invoice(doc) for doc in all_invoices(session, 1)}


def pull_exchanges(hub: TestHub) -> int:
    with hub.store.session() as session:
        return int(
            session.scalar(
                select(func.count()).select_from(Exchange).where(Exchange.operation == PULL_INVOICE)
            )
            or 0
        )


def test_posted_invoices_and_credit_notes_arrive_with_rows_customer_and_pdf(
    hub: TestHub, odoo: Odoo
) -> None:
    first = odoo.invoice("aalto", [("coffee", 3), ("consulting", 2)])
    attach_invoice_pdf(odoo.sandbox.registry, first)
    odoo.invoice(
        "eu_sweden", [("coffee_maker", 1)], fiscal_position_id=odoo.seed.fiscal_positions["eu"]
    )
    odoo.invoice("aalto", [("coffee", 1)], move_type="out_refund", reversed_entry_id=first)
    odoo.invoice("korhonen", [("coffee", 1)], post=False)  # a draft is not taken
    report = hub.pull()
    assert report.aborted is None, report.aborted
    assert list(report.new) == ["INV/2026/00001", "INV/2026/00002", "RINV/2026/00001"]
    got = invoices(hub)
    invoice = got["INV/2026/00001"]
    odoo_total = Decimal(str(odoo.move(first)["amount_total"]))
    assert invoice.gross_total == odoo_total == invoice.stated_total
    assert invoice.customer.name == "Kahvila Aalto Oy"
    assert invoice.customer.business_id is not None and invoice.customer.customer_number
    assert [line.product_code for line in invoice.lines] == ["KAHVI-500", "KONS-H"]
    assert invoice.lines[1].unit == "HUR"
    assert invoice.pdf is not None and invoice.pdf.name.endswith(".pdf")
    eu = got["INV/2026/00002"]
    assert eu.lines[0].vat_treatment is VatTreatment.EU_GOODS and eu.lines[0].vat_rate == 0
    assert eu.customer.address.country == "SE"
    note = got["RINV/2026/00001"]
    assert note.kind is InvoiceKind.CREDIT_NOTE and note.gross_total < 0
    assert note.credited_invoice_number == "INV/2026/00001"
    with hub.store.session() as session:
        bound = session.scalars(select(Binding.external_id).where(Binding.local_kind == "invoice"))
        assert sorted(bound) == sorted(str(i) for i in (first, first + 1, first + 2))


def test_a_second_pull_stores_nothing_new_and_logs_nothing_twice(hub: TestHub, odoo: Odoo) -> None:
    odoo.invoice("aalto")
    odoo.invoice("virtanen")
    assert len(hub.pull().new) == 2
    hub.clock.advance(60)
    again = hub.pull()
    assert (len(again.new), len(again.changed), again.unchanged) == (0, 0, 2)  # the overlap window
    assert pull_exchanges(hub) == 2


def test_a_pull_keeps_its_cursor_as_state_and_never_rewrites_the_options(
    store: Store, box: SecretBox, clock: ManualClock, settings: Settings, odoo: Odoo
) -> None:
    hub = TestHub(store, box, clock, settings).connect_odoo(odoo, page_size=2)
    for _ in range(5):
        odoo.invoice("aalto")
    with store.session() as session:
        connection_id = find_connection(session, "odoo").id

    def a_person_changes_a_setting(_count: int) -> None:  # between two pages of the pull
        with store.session() as session:
            connection = find_connection(session, "odoo")
            connection.options = {**connection.options, "tax_treatments": {"99": "exempt"}}

    pulled = hub.run("odoo", pull_invoices, progress=Told(on_advanced=a_person_changes_a_setting))
    assert len(pulled.new) == 5
    with store.session() as session:
        options = find_connection(session, "odoo").options
        cursor = load_cursor(session, connection_id, "account.move")
        bound = session.execute(
            select(Binding.inbound_version, Binding.remote_status).where(
                Binding.connection_id == connection_id
            )
        ).all()
    assert options["tax_treatments"] == {"99": "exempt"}  # not undone by the cursor's saving
    assert "cursors" not in options
    assert cursor is not None and not cursor.resume
    # Each binding notes the move's write_date as the version stored; there is no status.
    assert len(bound) == 5
    assert all(version and len(version) == 19 and status is None for version, status in bound)


def test_records_written_in_the_same_second_are_neither_missed_nor_repeated(
    store: Store, box: SecretBox, clock: ManualClock, settings: Settings, odoo: Odoo
) -> None:
    # No overlap window: the (write_date, id) cursor alone must get the ties right.
    hub = TestHub(store, box, clock, settings).connect_odoo(odoo, page_size=2, overlap_seconds=0)
    first = [odoo.invoice("aalto") for _ in range(5)]  # all in one second
    assert len(hub.pull().new) == 5
    # More in the very same second, after the pull: ids above the cursor's.
    later = [odoo.invoice("virtanen") for _ in range(3)]
    second = hub.pull()
    assert len(second.new) == 3 and second.unchanged == 0
    clock.advance(1)
    odoo.invoice("korhonen")
    third = hub.pull()
    assert len(third.new) == 1 and third.unchanged == 0
    assert len(invoices(hub)) == len(first) + len(later) + 1
    assert pull_exchanges(hub) == 9


def test_a_late_commit_inside_the_overlap_window_is_still_taken(
    store: Store, box: SecretBox, clock: ManualClock, settings: Settings, odoo: Odoo
) -> None:
    hub = TestHub(store, box, clock, settings).connect_odoo(odoo, overlap_seconds=600)
    odoo.invoice("aalto")
    clock.advance(5)
    odoo.invoice("aalto")
    assert len(hub.pull().new) == 2
    # A transaction that started before the last pull's newest record commits only now: its
    # write_date is older than the cursor.
    clock.set(clock.now() - timedelta(seconds=3))
    late = odoo.invoice("korhonen")
    clock.advance(10)
    report = hub.pull()
    assert [odoo.move(late)["name"]] == list(report.new)


def test_an_unmappable_invoice_is_a_data_issue_until_fixed_in_odoo(
    hub: TestHub, odoo: Odoo
) -> None:
    seed = odoo.seed
    bad = odoo.invoice(
        "aalto",
        [{"product": "coffee", "quantity": 1, "tax_ids": [(6, 0, [seed.taxes["sale_0"]])]}],
    )
    report = hub.pull()
    assert not report.new
    [issue] = report.data_issues
    assert "INV/2026/00001" in issue and "'0 %'" in issue and "odoo tax-map" in shown(issue)
    with hub.store.session() as session:
        states = session.scalars(select(Exchange.state).where(Exchange.operation == PULL_INVOICE))
        assert list(states) == ["data_issue"]
    # Fixed in Odoo: back to draft, the right tax, posted again.
    reg = odoo.sandbox.registry
    reg.call("account.move", "button_draft", [bad])
    [line_id] = odoo.read("account.move", [bad], ["invoice_line_ids"])[0]["invoice_line_ids"]
    reg.call(
        "account.move.line", "write", [line_id], {"tax_ids": [(6, 0, [seed.taxes["sale_25_5"]])]}
    )
    reg.call("account.move", "action_post", [bad])
    hub.clock.advance(60)
    fixed = hub.pull()
    assert list(fixed.new) == ["INV/2026/00001"] and not fixed.data_issues
    with hub.store.session() as session:
        rows = session.execute(
            select(Exchange.state, Exchange.error).where(Exchange.operation == PULL_INVOICE)
        ).all()
    assert sorted(state for state, _ in rows) == ["ignored", "sent"]
    assert any("fixed in Odoo" in (error or "") for _, error in rows)


def test_records_of_another_odoo_company_never_reach_the_hub(
    store: Store, box: SecretBox, clock: ManualClock, settings: Settings, odoo: Odoo
) -> None:
    reg = odoo.sandbox.registry
    other = seed_finnish_company(reg, name="Toinen Oy", vat="FI01120389")
    # The bot may use both companies; the connection serves only the first.
    reg.call("res.users", "write", [odoo.credentials.uid], {"company_ids": [(4, other.company_id)]})
    make_invoice(reg, other, other.customers["aalto"], [("coffee", 2)])
    odoo.invoice("aalto")
    hub = TestHub(store, box, clock, settings).connect_odoo(odoo)
    report = hub.pull()
    assert len(report.new) == 1
    assert [inv.customer.name for inv in invoices(hub).values()] == ["Kahvila Aalto Oy"]
    assert all(
        inv.lines[0].quantity == 10 for inv in invoices(hub).values()
    )  # the default line of the first company's invoice, not the other's 2


def test_connection_test_says_what_is_wrong(
    store: Store, box: SecretBox, clock: ManualClock, settings: Settings, odoo: Odoo
) -> None:
    hub = TestHub(store, box, clock, settings).connect_odoo(odoo)
    ok = hub.run("odoo", check_connection)
    assert ok.ok, ok.lines
    assert ok.lines[0].startswith("Odoo 17.0")
    assert "Tilisilta Demo Oy" in ok.lines[-1]

    hub.connect_odoo(odoo, name="bad-key", api_key="0" * 40)
    bad = hub.run("bad-key", check_connection)
    assert not bad.ok
    assert "API key is wrong, expired or revoked" in bad.lines[-1]
    assert "0" * 40 not in " ".join(bad.lines)

    reg = odoo.sandbox.registry
    other = seed_finnish_company(reg, name="Toinen Oy", vat="FI01120389")
    hub.connect_odoo(odoo, name="other", odoo_company_id=other.company_id)
    refused = hub.run("other", check_connection)
    assert not refused.ok
    assert f"Odoo company {other.company_id}" in refused.lines[-1]
    assert "may not use the company" in refused.lines[-1]


def test_setup_shows_how_each_tax_and_unit_is_read_and_a_mapping_settles_one(
    hub: TestHub, odoo: Odoo
) -> None:
    from tilisilta.connectors.odoo.flows.setup import read_setup
    from tilisilta.store import companies as repo

    def setup() -> dict[str, str | None]:
        found = hub.run("odoo", read_setup)
        assert len(found.fiscal_positions) == len(odoo.seed.fiscal_positions)
        return {line.name: line.reads_as for line in found.taxes + found.units}

    before = setup()
    assert before["25,5 %"] == "domestic"
    assert before["0 % EU tavarat"] == "eu_goods" and before["0 % EU palvelut"] == "eu_services"
    assert before["0 % vienti"] == "export"
    assert before["0 % rakentamispalvelut"] == "domestic_reverse_charge"
    assert before["0 %"] is None  # a plain 0 % tax: the hub cannot tell what it is
    assert before["Hours"] == "HUR" and before["kg"] == "KGM"
    assert before["t"] == "TNE" and before["Days"] == "DAY"  # Odoo's tonne; its 8-hour day
    [tonne] = [line for line in hub.run("odoo", read_setup).units if line.name == "t"]
    assert tonne.detail == "Weight, 1000 × kg"
    with hub.store.session() as session:
        connection = repo.find_connection(session, "odoo")
        tax_id = str(odoo.seed.taxes["sale_0"])
        connection.options = {**connection.options, "tax_treatments": {tax_id: "exempt"}}
    assert setup()["0 %"] == "exempt"


def test_a_busy_odoo_is_waited_for_and_nothing_is_missed(hub: TestHub, odoo: Odoo) -> None:
    for _ in range(6):
        odoo.invoice("aalto")
    # Odoo (or the proxy in front of it) answers every other call 429 or 502.
    odoo.sandbox.faults.update(
        {"error_429": 0.3, "error_5xx": 0.2, "status_5xx": 502, "retry_after": 2}
    )
    report = hub.pull()
    injected = odoo.sandbox.faults.injected
    assert injected["error_429"] > 0 and injected["error_5xx"] > 0
    assert report.aborted is None and len(report.new) == 6


def test_an_invoice_reset_or_deleted_in_odoo_after_it_was_sent_is_a_data_issue(
    store: Store,
    box: SecretBox,
    clock: ManualClock,
    settings: Settings,
    procountor: Procountor,
    odoo: Odoo,
) -> None:
    from tilisilta.connectors.odoo.flows.reconcile import RECONCILE_INVOICE, reconcile_invoices

    hub = TestHub(store, box, clock, settings).connect_procountor(procountor).connect_odoo(odoo)
    erp = hub
    kept, reset, deleted = (odoo.invoice("aalto") for _ in range(3))
    assert len(erp.pull().new) == 3
    assert hub.send().count("sent") == 3
    reg = odoo.sandbox.registry
    reg.call("account.move", "button_draft", [reset])
    reg.call("account.move", "button_draft", [deleted])
    reg.call("account.move", "unlink", [deleted])

    def reconcile() -> list[str]:
        report = hub.run("odoo", reconcile_invoices)
        assert report.aborted is None and report.checked == 3
        return report.left

    left = reconcile()
    assert len(left) == 2
    assert (
        "INV/2026/00002 (Odoo id 2) is draft in Odoo, no longer posted, after it was sent"
        in (left[0])
    )
    assert "INV/2026/00003 (Odoo id 3) was deleted in Odoo" in left[1]
    assert "pc (remote id" in left[1] and "credit note" in left[1]
    assert reconcile() == []  # noticed once
    reg.call("account.move", "action_post", [reset])
    report = hub.run("odoo", reconcile_invoices)
    assert report.back == ["INV/2026/00002"] and report.left == []
    with store.session() as session:
        states = sorted(
            session.scalars(
                select(Exchange.state).where(Exchange.operation == RECONCILE_INVOICE)
            ).all()
        )
    assert states == ["data_issue", "ignored"]
    assert odoo.move(kept)["state"] == "posted"


def test_a_number_now_on_another_odoo_record_is_rebound_not_a_crash(
    hub: TestHub,
    odoo: Odoo,
    store: Store,
    box: SecretBox,
    clock: ManualClock,
    settings: Settings,
) -> None:
    # The hub knew INV/2026/00001 as another Odoo record (an Odoo database set up again): the
    # invoice that has the number now is the one payments go to.
    move = odoo.invoice("aalto", [("coffee", 3)])
    assert list(hub.pull().new) == ["INV/2026/00001"]
    with store.session() as session:
        binding = session.scalars(select(Binding)).one()
        binding.external_id, binding.inbound_version = "99999", None
    with store.session() as session:
        find_connection(session, "odoo").options = {**find_connection(session, "odoo").options}
    clock.advance(5)
    odoo.sandbox.registry.call("account.move", "write", [move], {"ref": "touched"})

    report = hub.pull()

    assert report.aborted is None
    with store.session() as session:
        assert session.scalars(select(Binding.external_id)).all() == [str(move)]


def test_a_long_first_pull_lists_the_first_numbers_and_counts_the_rest(
    hub: TestHub, odoo: Odoo, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(listing, "LISTED", 4)  # what a report keeps of each kind
    numbers = [odoo.move(odoo.invoice("aalto"))["name"] for _ in range(7)]
    pulled = hub.pull()
    assert len(pulled.new) == 7 and pulled.new.more == 3
    assert list(pulled.new) == numbers[:4]
