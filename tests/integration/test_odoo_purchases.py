"""Purchase invoices booked as Odoo vendor bills (the sandbox, Odoo 16-19): the vendor found or
made, the lines with their purchase taxes, the files, exactly once."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from tests.hub import Odoo, TestHub, open_odoo
from tilisilta.clock import ManualClock
from tilisilta.connectors.odoo.flows.purchases import BOOK_PURCHASE, push_purchase_invoices
from tilisilta.crypto import SecretBox
from tilisilta.domain.documents import Address, FileCopy, Party, PurchaseInvoice, PurchaseLine
from tilisilta.ledger.sending import SendSummary
from tilisilta.settings import Settings
from tilisilta.store.documents import PURCHASE_INVOICE, upsert_document
from tilisilta.store.engine import Store
from tilisilta.store.models import Exchange

VERSIONS = (16, 17, 18, 19)
PDF = base64.b64encode(b"%PDF-1.4 the vendor's invoice").decode()


@pytest.fixture(params=VERSIONS, ids=[f"odoo{v}" for v in VERSIONS])
def odoo(request: pytest.FixtureRequest, clock: ManualClock) -> Iterator[Odoo]:
    odoo = open_odoo(clock, version=request.param)
    yield odoo
    odoo.sandbox.close()


@pytest.fixture
def hub(
    store: Store, box: SecretBox, clock: ManualClock, settings: Settings, odoo: Odoo
) -> TestHub:
    return TestHub(store, box, clock, settings).connect_odoo(odoo)


def vendor_of(odoo: Odoo, key: str = "nieminen") -> Party:
    """A seeded Odoo vendor as the accounting system names it: by business ID only."""
    row = odoo.read("res.partner", [odoo.seed.vendors[key]], ["name", "company_registry"])[0]
    return Party(
        ref=f"netvisor-vendor:{row['company_registry']}",
        name=f"{row['name']} (as Netvisor spells it)",
        business_id=str(row["company_registry"]),
        address=Address(country="FI"),
    )


NEW_VENDOR = Party(
    ref="netvisor-vendor:0112038-9",
    name="Uusi Toimittaja Oy",
    business_id="0112038-9",
    customer_number="UT-1",
    address=Address(street="Tehtaankatu 5", postal_code="00140", city="Helsinki", country="FI"),
)


def purchase(
    vendor: Party,
    number: str = "V-2026-77",
    *,
    lines: list[PurchaseLine] | None = None,
    attachments: list[FileCopy] | None = None,
) -> PurchaseInvoice:
    """By default two lines (25.5 % and 10 %) and one PDF."""
    lines = lines or [
        PurchaseLine(
            description="Toimistopaperi",
            quantity=Decimal(4),
            unit_price=Decimal("12.50"),
            vat_rate=Decimal("25.5"),
            net_amount=Decimal("50.00"),
            gross_amount=Decimal("62.75"),
            account="4100",
        ),
        PurchaseLine(
            description="Kirjat",
            quantity=Decimal(3),
            unit_price=Decimal("3.3333"),
            vat_rate=Decimal(10),
            net_amount=Decimal("10.00"),
            gross_amount=Decimal("11.00"),
        ),
    ]
    total = sum((line.gross_amount for line in lines), Decimal(0))
    return PurchaseInvoice(
        source_id=number,
        number=number,
        invoice_date=date(2026, 6, 1),
        due_date=date(2026, 6, 30),
        total=total,
        vendor=vendor,
        payment_reference="1232",
        lines=lines,
        attachments=[FileCopy(name="lasku.pdf", content_base64=PDF)]
        if attachments is None
        else attachments,
    )


def keep(hub: TestHub, invoice: PurchaseInvoice, key: str | None = None) -> str:
    """Store it as the Netvisor fetch does; its ref."""
    ref = f"netvisor:{key or invoice.source_id}"
    with hub.store.session() as session:
        upsert_document(session, 1, PURCHASE_INVOICE, ref, invoice, hub.clock.now())
    return ref


def book(hub: TestHub, **params: Any) -> SendSummary:
    return hub.run(hub.odoo_connection, push_purchase_invoices, **params)


def bills(odoo: Odoo) -> list[dict[str, Any]]:
    reg = odoo.sandbox.registry
    ids = reg.call("account.move", "search", [("move_type", "in", ["in_invoice", "in_refund"])])
    fields = [
        "move_type",
        "state",
        "partner_id",
        "ref",
        "invoice_origin",
        "invoice_date",
        "invoice_date_due",
        "payment_reference",
        "amount_untaxed",
        "amount_total",
        "journal_id",
        "company_id",
    ]
    return list(reg.call("account.move", "read", ids, fields))


def bill_lines(odoo: Odoo, move_id: int) -> list[dict[str, Any]]:
    reg = odoo.sandbox.registry
    ids = reg.call(
        "account.move.line",
        "search",
        [("move_id", "=", move_id), ("display_type", "=", "product")],
        order="id",
    )
    fields = ["name", "quantity", "price_unit", "price_subtotal", "tax_ids", "account_id"]
    return list(reg.call("account.move.line", "read", ids, fields))


def files_of(odoo: Odoo, move_id: int) -> list[dict[str, Any]]:
    reg = odoo.sandbox.registry
    ids = reg.call(
        "ir.attachment", "search", [("res_model", "=", "account.move"), ("res_id", "=", move_id)]
    )
    return list(reg.call("ir.attachment", "read", ids, ["name", "datas", "company_id"]))


def partners_named(odoo: Odoo, name: str) -> list[dict[str, Any]]:
    reg = odoo.sandbox.registry
    ids = reg.call("res.partner", "search", [("name", "=", name)])
    fields = ["supplier_rank", "company_registry", "vat", "ref", "company_id", "is_company"]
    return list(reg.call("res.partner", "read", ids, fields))


def exchange_texts(hub: TestHub) -> list[str]:
    with hub.store.session() as session:
        return [
            e.error or ""
            for e in session.scalars(
                select(Exchange).where(Exchange.operation == BOOK_PURCHASE).order_by(Exchange.id)
            )
        ]


# -- booking -------------------------------------------------------------------------------------


def test_a_purchase_invoice_becomes_one_draft_bill_of_the_vendor_found_by_business_id(
    hub: TestHub, odoo: Odoo
) -> None:
    ref = keep(hub, purchase(vendor_of(odoo)))
    summary = book(hub)
    assert summary.aborted is None, summary.aborted
    assert [(line.number, line.state) for line in summary.lines] == [(ref, "sent")]
    [bill] = bills(odoo)
    seed = odoo.seed
    assert bill["move_type"] == "in_invoice" and bill["state"] == "draft"
    assert bill["partner_id"][0] == seed.vendors["nieminen"]
    assert bill["company_id"][0] == seed.company_id
    assert bill["journal_id"][0] == seed.journals["purchase"]
    assert bill["ref"] == "V-2026-77" and bill["payment_reference"] == "1232"
    assert bill["invoice_origin"] == f"Tilisilta {ref}"
    assert str(bill["invoice_date"]) == "2026-06-01"
    assert str(bill["invoice_date_due"]) == "2026-06-30"  # the vendor's, not the payment term's
    assert Decimal(str(bill["amount_untaxed"])) == Decimal("60.00")
    assert Decimal(str(bill["amount_total"])) == Decimal("73.75")
    first, second = bill_lines(odoo, bill["id"])
    assert (first["name"], first["quantity"], first["price_unit"]) == ("Toimistopaperi", 4, 12.5)
    assert first["tax_ids"] == [seed.taxes["purchase_25_5"]]
    assert first["account_id"][0] == seed.accounts["purchases_services"]  # its suggestion
    assert second["account_id"][0] == seed.accounts["purchases"]  # the journal's default
    # 3 × 3.3333 would not make 10.00 at Odoo's two decimals: the net is booked as one.
    assert (second["quantity"], second["price_unit"]) == (1, 10.0)
    assert second["name"] == "Kirjat (3 × 3.3333)"
    assert second["tax_ids"] == [seed.taxes["purchase_10"]]
    assert [Decimal(str(line["price_subtotal"])) for line in (first, second)] == [
        Decimal("50.00"),
        Decimal("10.00"),
    ]
    [attached] = files_of(odoo, bill["id"])
    assert attached["name"] == "lasku.pdf" and attached["datas"] == PDF
    assert attached["company_id"][0] == seed.company_id
    [note] = exchange_texts(hub)
    assert "found by business ID" in note and "1 file(s) attached" in note


def test_a_vendor_odoo_does_not_have_is_created_once_for_all_its_invoices(
    hub: TestHub, odoo: Odoo
) -> None:
    keep(hub, purchase(NEW_VENDOR, "A-1"))
    keep(hub, purchase(NEW_VENDOR, "A-2"))
    summary = book(hub)
    assert summary.count("sent") == 2, summary.lines
    [vendor] = partners_named(odoo, "Uusi Toimittaja Oy")
    assert vendor["supplier_rank"] == 1 and vendor["is_company"] is True
    assert vendor["company_registry"] == "0112038-9" and vendor["vat"] == "FI01120389"
    assert vendor["ref"] == "UT-1" and vendor["company_id"][0] == odoo.seed.company_id
    assert {bill["partner_id"][0] for bill in bills(odoo)} == {vendor["id"]}
    # A later invoice of the same vendor, in another run: found by its business ID.
    keep(hub, purchase(NEW_VENDOR, "A-3"))
    assert book(hub).count("sent") == 1
    assert len(partners_named(odoo, "Uusi Toimittaja Oy")) == 1
    assert "found by business ID 0112038-9" in exchange_texts(hub)[-1]


def test_a_vendor_without_business_id_is_found_by_code_and_not_by_another_companys_name(
    hub: TestHub, odoo: Odoo
) -> None:
    reg = odoo.sandbox.registry
    coded = reg.call("res.partner", "write", [odoo.seed.vendors["lahtinen"]], {"ref": "LAH"})
    assert coded
    by_code = Party(ref="netvisor-vendor:LAH", name="Lahtinen", customer_number="LAH")
    # Named like a seeded vendor, but with another business ID: not that vendor.
    lookalike = Party(
        ref="netvisor-vendor:x",
        name=str(odoo.read("res.partner", [odoo.seed.vendors["nieminen"]], ["name"])[0]["name"]),
        business_id="0112038-9",
    )
    keep(hub, purchase(by_code, "B-1"))
    keep(hub, purchase(lookalike, "B-2"))
    assert book(hub).count("sent") == 2
    partner_of = {bill["ref"]: bill["partner_id"][0] for bill in bills(odoo)}
    assert partner_of["B-1"] == odoo.seed.vendors["lahtinen"]
    assert partner_of["B-2"] not in odoo.seed.vendors.values()


def test_a_negative_total_becomes_a_vendor_credit_note_with_positive_amounts(
    hub: TestHub, odoo: Odoo
) -> None:
    credit = purchase(
        vendor_of(odoo),
        "HYV-1",
        lines=[
            PurchaseLine(
                description="Palautus",
                quantity=Decimal(-2),
                unit_price=Decimal("10.00"),
                vat_rate=Decimal("25.5"),
                net_amount=Decimal("-20.00"),
                gross_amount=Decimal("-25.10"),
            )
        ],
        attachments=[],
    )
    keep(hub, credit)
    assert book(hub).count("sent") == 1
    [bill] = bills(odoo)
    assert bill["move_type"] == "in_refund"
    assert Decimal(str(bill["amount_total"])) == Decimal("25.10")
    [line] = bill_lines(odoo, bill["id"])
    assert (line["quantity"], line["price_unit"]) == (2, 10.0)


def test_bills_are_posted_when_the_connection_says_so(hub: TestHub, odoo: Odoo) -> None:
    hub.set_options(hub.odoo_connection, post_vendor_bills=True)
    keep(hub, purchase(vendor_of(odoo)))
    assert book(hub).count("sent") == 1
    [bill] = bills(odoo)
    assert bill["state"] == "posted"
    assert "(posted, id" in exchange_texts(hub)[0]


def test_a_total_odoo_computes_otherwise_is_booked_in_draft_with_a_warning(
    hub: TestHub, odoo: Odoo
) -> None:
    hub.set_options(hub.odoo_connection, post_vendor_bills=True)
    invoice = purchase(vendor_of(odoo))
    # The vendor rounded its VAT otherwise: one cent more than Odoo makes of the lines.
    keep(hub, invoice.model_copy(update={"total": invoice.total + Decimal("0.01")}))
    summary = book(hub)
    assert summary.count("sent") == 1
    [bill] = bills(odoo)
    assert bill["state"] == "draft"  # not posted: a person corrects the taxes first
    with hub.store.session() as session:
        exchange = session.scalars(select(Exchange)).one()
        assert exchange.category == "warning"
        assert "Odoo computed the bill's total as 73.75 EUR" in (exchange.error or "")
        assert "73.76" in (exchange.error or "")


# -- exactly once ----------------------------------------------------------------------------------


def test_booking_again_makes_nothing_new(hub: TestHub, odoo: Odoo) -> None:
    keep(hub, purchase(vendor_of(odoo)))
    assert book(hub).count("sent") == 1
    calls = len(odoo.sandbox.request_log)
    again = book(hub)
    assert again.lines == [] and again.aborted is None
    assert len(odoo.sandbox.request_log) == calls  # nothing to do: Odoo is not even asked
    assert len(bills(odoo)) == 1 and len(files_of(odoo, bills(odoo)[0]["id"])) == 1


def test_a_fresh_hub_database_finds_the_bills_in_bulk_and_makes_nothing_new(
    hub: TestHub, odoo: Odoo, box: SecretBox, clock: ManualClock, settings: Settings, tmp_path: Any
) -> None:
    invoices = [purchase(vendor_of(odoo), f"C-{n}") for n in range(3)]
    for invoice in invoices:
        keep(hub, invoice)
    assert book(hub).count("sent") == 3
    fresh_store = Store(f"sqlite:///{tmp_path / 'fresh.db'}")
    fresh_store.upgrade()
    try:
        fresh = TestHub(fresh_store, box, clock, settings).connect_odoo(odoo)
        for invoice in invoices:
            keep(fresh, invoice)
        odoo.sandbox.request_log.clear()
        summary = book(fresh)
        assert summary.count("sent") == 3 and summary.aborted is None
        assert all("found there" in text for text in exchange_texts(fresh))
        labels = [entry.label for entry in odoo.sandbox.request_log]
        assert labels.count("account.move.search_read") == 1  # one bulk lookup
        assert not any(label.endswith(".create") for label in labels)
    finally:
        fresh_store.dispose()
    assert len(bills(odoo)) == 3


def test_a_lost_answer_to_the_create_makes_one_bill_with_its_file_once(
    hub: TestHub, odoo: Odoo
) -> None:
    keep(hub, purchase(vendor_of(odoo)))
    # Odoo makes the bill, and the answer is lost, every time it is asked.
    odoo.sandbox.faults.update({"drop_after_commit": 1.0, "only": r"account\.move\.create"})
    summary = book(hub)
    assert odoo.sandbox.faults.injected["drop_after_commit"] == 1
    assert summary.count("sent") == 1, summary.lines
    [bill] = bills(odoo)
    assert len(files_of(odoo, bill["id"])) == 1
    with hub.store.session() as session:
        exchange = session.scalars(select(Exchange)).one()
        assert exchange.attempts == 2 and exchange.external_id == str(bill["id"])
        assert "after an answer was lost" in (exchange.error or "")


def test_a_lost_answer_to_an_attachment_does_not_attach_it_twice(hub: TestHub, odoo: Odoo) -> None:
    two = [
        FileCopy(name="lasku.pdf", content_base64=PDF),
        FileCopy(name="liite.txt", content_base64=base64.b64encode(b"rivit").decode()),
    ]
    keep(hub, purchase(vendor_of(odoo), attachments=two))
    odoo.sandbox.faults.update({"drop_after_commit": 1.0, "only": r"ir\.attachment\.create"})
    summary = book(hub)
    assert summary.count("sent") == 1, summary.lines
    [bill] = bills(odoo)
    assert sorted(f["name"] for f in files_of(odoo, bill["id"])) == ["lasku.pdf", "liite.txt"]


# -- stopped before any write --------------------------------------------------------------------


def test_a_rate_odoo_has_no_purchase_tax_for_is_a_data_issue_before_any_write(
    hub: TestHub, odoo: Odoo
) -> None:
    odd = purchase(
        vendor_of(odoo),
        "D-1",
        lines=[
            PurchaseLine(
                description="Ruoka",
                quantity=Decimal(1),
                unit_price=Decimal("100.00"),
                vat_rate=Decimal(14),
                net_amount=Decimal("100.00"),
                gross_amount=Decimal("114.00"),
            )
        ],
    )
    keep(hub, odd)
    summary = book(hub)
    assert [line.state for line in summary.lines] == ["data_issue"]
    message = summary.lines[0].message or ""
    assert "Purchase invoice D-1 from" in message and "lines[1].vat_rate = '14'" in message
    assert "no purchase tax of 14 %" in message and "Ruoka" in message
    assert bills(odoo) == [] and partners_named(odoo, odd.vendor.name) == []
    writes = [e.label for e in odoo.sandbox.request_log if e.label.endswith(".create")]
    assert writes == []


def test_the_wrong_odoo_company_gets_nothing_written(hub: TestHub, odoo: Odoo) -> None:
    keep(hub, purchase(NEW_VENDOR))
    odoo.sandbox.registry.call(
        "res.company",
        "write",
        [odoo.credentials.company_id],
        {"vat": "FI16180333", "company_registry": "1618033-3"},
    )
    summary = book(hub)
    assert summary.aborted is not None
    assert "1618033-3" in summary.aborted and "nothing is written" in summary.aborted
    assert bills(odoo) == [] and partners_named(odoo, NEW_VENDOR.name) == []
    with hub.store.session() as session:
        assert session.scalars(select(Exchange)).all() == []


def test_refs_name_the_invoices_to_book(hub: TestHub, odoo: Odoo) -> None:
    wanted = keep(hub, purchase(vendor_of(odoo), "E-1"))
    keep(hub, purchase(vendor_of(odoo), "E-2"))
    summary = book(hub, refs=[wanted, "netvisor:nope"])
    assert [line.number for line in summary.lines] == [wanted]
    assert summary.unknown_numbers == ["netvisor:nope"]
    assert [bill["ref"] for bill in bills(odoo)] == ["E-1"]


def test_a_bill_odoo_will_not_post_stays_in_draft_with_a_warning(hub: TestHub, odoo: Odoo) -> None:
    hub.set_options(hub.odoo_connection, post_vendor_bills=True)
    vendor = vendor_of(odoo)
    keep(hub, purchase(vendor), key="1")
    keep(hub, purchase(vendor), key="2")  # the same vendor number and date, entered twice
    summary = book(hub)
    assert summary.count("sent") == 2, summary.lines
    states = sorted(bill["state"] for bill in bills(odoo))
    if odoo.sandbox.version == 16:  # 16 refuses to post a second bill with that reference
        assert states == ["draft", "posted"]
        assert "Odoo did not post the bill" in exchange_texts(hub)[1]
    else:
        assert states == ["posted", "posted"]


# -- changed after booking -----------------------------------------------------------------------


def test_a_purchase_invoice_changed_after_booking_is_checked_against_its_bill(
    hub: TestHub, odoo: Odoo
) -> None:
    invoice = purchase(vendor_of(odoo))
    keep(hub, invoice)
    assert book(hub).count("sent") == 1
    [bill] = bills(odoo)
    # Approved in the accounting system, and a second file came with it: nothing to correct.
    extra = FileCopy(name="kuitti.txt", content_base64=base64.b64encode(b"kuitti").decode())
    approved = invoice.model_copy(
        update={"approval": "approved", "attachments": [*invoice.attachments, extra]}
    )
    keep(hub, approved)
    summary = book(hub)
    assert [line.state for line in summary.lines] == ["sent"]
    assert "still shows its number, date and total; 1 new file(s) attached" in (
        summary.lines[0].message or ""
    )
    assert len(bills(odoo)) == 1
    assert sorted(f["name"] for f in files_of(odoo, bill["id"])) == ["kuitti.txt", "lasku.pdf"]
    # Its total changed: a person corrects the bill; no second bill is made.
    keep(hub, approved.model_copy(update={"total": Decimal("80.00")}))
    summary = book(hub)
    assert [line.state for line in summary.lines] == ["data_issue"]
    assert "total 73.75 in Odoo, 80.00 now" in (summary.lines[0].message or "")
    assert len(bills(odoo)) == 1


def test_a_bill_deleted_in_odoo_is_said_so_and_the_others_go_on(hub: TestHub, odoo: Odoo) -> None:
    invoice = purchase(vendor_of(odoo), "F-1")
    keep(hub, invoice)
    assert book(hub).count("sent") == 1
    [bill] = bills(odoo)
    odoo.sandbox.registry.call("account.move", "unlink", [bill["id"]])  # a draft may be deleted
    extra = FileCopy(name="kuitti.txt", content_base64=base64.b64encode(b"kuitti").decode())
    keep(hub, invoice.model_copy(update={"attachments": [*invoice.attachments, extra]}))
    keep(hub, purchase(vendor_of(odoo), "F-2"))
    summary = book(hub)
    assert summary.aborted is None
    assert sorted(line.state for line in summary.lines) == ["response_error", "sent"]
    refused = next(line for line in summary.lines if line.state == "response_error")
    assert "deleted in Odoo" in (refused.message or "")
    assert [b["ref"] for b in bills(odoo)] == ["F-2"]
