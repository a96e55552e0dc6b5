"""Sending invoices and credit notes to the Procountor sandbox through the whole hub."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, select

from tests.factories import credit_note, invoice
from tilisilta.domain.references import finnish_reference_error
from tilisilta.store.models import Binding, Exchange


def test_valid_invoices_are_sent_approved_and_bound(hub, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    report = hub.import_invoices([invoice("1001"), invoice("1002")], tmp_path)
    assert report.new == 2 and not report.refused

    summary = hub.send()

    assert [(line.number, line.state) for line in summary.lines] == [
        ("1001", "sent"),
        ("1002", "sent"),
    ]
    remote = {inv["originalInvoiceNumber"]: inv for inv in hub.procountor.invoices()}
    assert set(remote) == {"1001", "1002"}
    assert remote["1001"]["status"] == "NOT_SENT"  # default sending option: approve
    with hub.store.session() as session:
        bound = dict(session.execute(select(Binding.external_id, Binding.local_id)).all())
    assert {str(inv["id"]) for inv in remote.values()} == set(bound)


def test_the_procountor_invoice_carries_what_the_bookkeeper_needs(hub, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    hub.import_invoices([invoice("1001")], tmp_path)
    hub.send()
    [sent] = hub.procountor.invoices()
    assert sent["type"] == "SALES_INVOICE"
    assert sent["counterParty"]["counterPartyAddress"]["country"] == "FINLAND"
    assert sent["counterParty"]["identifier"] == "0112038-9"
    assert sent["invoiceChannel"] == "EMAIL"
    reference = sent["paymentInfo"]["bankReferenceCode"]
    assert reference.startswith("1001") and finnish_reference_error(reference) is None
    rows = sent["invoiceRows"]
    assert [(r["unit"], Decimal(str(r["vatPercent"]))) for r in rows] == [
        ("HOUR", Decimal("25.5")),
        ("KILOGRAM", Decimal("13.5")),
    ]
    [totals] = (
        sent["invoiceSumInfo"]
        if isinstance(sent["invoiceSumInfo"], list)
        else [sent["invoiceSumInfo"]]
    )
    # 255.00 + 39.42 net; VAT 65.03 + 5.32
    assert Decimal(str(totals["invoiceSumTotal"])) == Decimal("364.77")


def test_a_credit_note_is_a_negative_invoice_naming_the_invoice_it_credits(  # type: ignore[no-untyped-def]
    hub, tmp_path: Path
) -> None:
    hub.import_invoices([invoice("1001"), credit_note("1002", credits="1001")], tmp_path)
    summary = hub.send()
    assert {line.state for line in summary.lines} == {"sent"}
    remote = {inv["originalInvoiceNumber"]: inv for inv in hub.procountor.invoices()}
    note = remote["1002"]
    assert Decimal(str(note["invoiceRows"][0]["quantity"])) == Decimal(-1)
    assert "1001" in note["additionalInformation"]
    assert "Hyvityslasku" in note["additionalInformation"]


def test_bad_documents_never_reach_procountor_and_the_good_ones_go(hub, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad_rate = invoice("2002")
    bad_rate["lines"][0]["vat_rate"] = "24"
    docs = [invoice("2001"), bad_rate, invoice("2003", due_date="2026-06-01")]
    hub.import_invoices(docs, tmp_path)

    summary = hub.send()

    states = {line.number: line for line in summary.lines}
    assert states["2001"].state == "sent"
    assert states["2002"].state == "data_issue"
    assert "24 %" in (states["2002"].message or "") and "25.5" in (states["2002"].message or "")
    assert states["2003"].state == "data_issue"
    assert "2026-06-01" in (states["2003"].message or "")
    assert [inv["originalInvoiceNumber"] for inv in hub.procountor.invoices()] == ["2001"]
    posts = [r for r in hub.procountor.sandbox.request_log if r[0] == "POST" and "invoices" in r[1]]
    assert len(posts) == 1


def test_running_again_sends_nothing_twice(hub, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    hub.import_invoices([invoice("1001"), invoice("1002")], tmp_path)
    hub.send()
    again = hub.send()
    assert again.lines == []
    assert len(hub.procountor.invoices()) == 2
    hub.import_invoices([invoice("1001"), invoice("1002")], tmp_path)  # the same file again
    assert hub.send().lines == []
    assert len(hub.procountor.invoices()) == 2


def test_an_invoice_changed_after_sending_is_reported_not_resent(hub, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    hub.import_invoices([invoice("1001")], tmp_path)
    hub.send()
    changed = invoice("1001", due_date="2026-06-30")
    report = hub.import_invoices([changed], tmp_path)
    assert report.changed == 1

    summary = hub.send()

    [line] = summary.lines
    assert line.state == "data_issue"
    assert "changed after it was sent" in (line.message or "")
    assert len(hub.procountor.invoices()) == 1


def test_sending_by_number_sends_only_those_and_names_unknown_ones(hub, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    hub.import_invoices([invoice("1001"), invoice("1002")], tmp_path)
    summary = hub.send(numbers=["1002", "9999"])
    assert [line.number for line in summary.lines] == ["1002"]
    assert summary.unknown_numbers == ["9999"]
    assert [inv["originalInvoiceNumber"] for inv in hub.procountor.invoices()] == ["1002"]


def test_wrong_credentials_stop_the_run_with_a_plain_message(hub, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from tilisilta.store.companies import find_connection

    with hub.store.session() as session:
        conn = find_connection(session, "pc")
        secrets = hub.box.open(conn.secrets)
        conn.secrets = hub.box.seal({**secrets, "api_key": "not-the-key"})
    hub.import_invoices([invoice("1001")], tmp_path)

    summary = hub.send()

    assert summary.aborted is not None
    assert "did not accept the credentials" in summary.aborted
    assert "API key" in summary.aborted
    assert hub.procountor.invoices() == []
    with hub.store.session() as session:
        assert session.scalar(select(func.count()).select_from(Exchange)) in (0, 1)
        states = set(session.scalars(select(Exchange.state)))
    assert states <= {"pending"}  # nothing given up on: it goes once the key is fixed
