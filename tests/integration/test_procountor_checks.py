"""Checks against the Procountor company before sending: VAT settings, periods, bank account."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

from tests.factories import invoice
from tests.hub import TestHub
from tilisilta.clock import ManualClock
from tilisilta.connectors.procountor.flows.vat_settings import fetch_vat_settings
from tilisilta.connectors.procountor.options import ProcountorOptions
from tilisilta.connectors.procountor.state import load_vat_settings
from tilisilta.store.companies import find_connection
from tilisilta.store.models import Connection


def _options(hub: TestHub) -> ProcountorOptions:
    with hub.store.session() as session:
        return ProcountorOptions.model_validate(find_connection(session, "pc").options)


def _set_options(hub: TestHub, **changes: object) -> None:
    with hub.store.session() as session:
        conn = find_connection(session, "pc")
        conn.options = {**conn.options, **changes}


def test_fetching_vat_settings_maps_what_is_unmapped_by_description(hub: TestHub) -> None:
    _set_options(hub, vat_statuses={"domestic": 1})
    fetched = hub.run("pc", fetch_vat_settings)
    options = _options(hub)
    with hub.store.session() as session:
        vat = load_vat_settings(session, find_connection(session, "pc").id)
        assert "vat_settings" not in find_connection(session, "pc").options
    assert vat is not None
    assert [f"{r:f}" for r in vat.sales_percentages] == ["0", "10", "13.5", "25.5"]
    assert fetched.kept == {"domestic": 1}
    assert options.vat_statuses["eu_services"] == 7  # "EU community sales (services)"
    assert options.vat_statuses["eu_goods"] == 5
    assert options.vat_statuses["export"] == 3
    assert options.vat_statuses["domestic_reverse_charge"] == 9
    assert options.vat_statuses["no_vat"] == 12


def test_a_mapping_made_by_hand_is_never_overwritten(hub: TestHub) -> None:
    _set_options(hub, vat_statuses={"domestic": 1, "eu_goods": 6})
    hub.run("pc", fetch_vat_settings)
    assert _options(hub).vat_statuses["eu_goods"] == 6


def test_a_status_not_enabled_for_sales_is_a_data_issue(hub: TestHub, tmp_path: Path) -> None:
    _set_options(hub, vat_statuses={"domestic": 6})  # 6 is purchase-only in this company
    hub.run("pc", fetch_vat_settings)
    hub.import_invoices([invoice("1001")], tmp_path)
    [line] = hub.send().lines
    assert line.state == "data_issue"
    assert "VAT status 6 ('EU community purchases (goods)')" in (line.message or "")
    assert "not enabled for sales" in (line.message or "")
    assert hub.procountor.invoices() == []


def test_an_invoice_dated_in_a_closed_period_is_stopped_before_sending(
    hub: TestHub, tmp_path: Path
) -> None:
    hub.procountor.sandbox.close_period(hub.procountor.company_id, date(2026, 6, 10))
    hub.import_invoices([invoice("1001")], tmp_path)
    [line] = hub.send().lines
    assert line.state == "data_issue"
    assert "the period for date 2026-06-10 is closed in Procountor" in (line.message or "")
    assert hub.procountor.invoices() == []


def test_a_bank_account_that_is_not_the_companys_stops_the_run(
    sqlite_store,
    box,
    clock: ManualClock,
    settings,
    procountor,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    hub = TestHub(sqlite_store, box, clock, settings).connect_procountor(
        procountor, bank_account="FI21 1234 5600 0007 85"
    )
    hub.import_invoices([invoice("1001")], tmp_path)
    summary = hub.send()
    assert summary.aborted is not None
    assert "FI21 1234 5600 0007 85 is not one of the Procountor company's accounts" in (
        summary.aborted
    )
    assert procountor.credentials["iban"] in summary.aborted
    assert procountor.invoices() == []


def test_mail_needs_a_street_address(hub: TestHub, tmp_path: Path) -> None:
    doc = invoice("1001", channel="mail")
    doc["customer"]["address"] = {"city": "Helsinki", "country": "FI"}
    hub.import_invoices([doc], tmp_path)
    [line] = hub.send().lines
    assert line.state == "data_issue"
    assert "street, postal code and city" in (line.message or "")
    with hub.store.session() as session:
        assert session.scalar(select(Connection.state)) == "draft"


def test_texts_procountor_would_refuse_are_data_issues_naming_line_and_field(
    hub: TestHub, tmp_path: Path
) -> None:
    data = invoice("1001", order_reference="T" * 71)
    data["lines"][1]["description"] = "Kahvi 咖啡 1 kg 🙂"
    data["customer"]["address"]["city"] = "Helsinki " + "x" * 40
    hub.import_invoices([data], tmp_path)

    [line] = hub.send().lines

    assert line.state == "data_issue"
    message = line.message or ""
    # Each finding names our field (line numbers from 1), the limit and Procountor's field.
    assert "order_reference" in message and "at most 70 in orderReference" in message
    assert "customer.address.city" in message and "at most 40" in message
    assert "lines[2].description" in message
    assert "U+5496" in message and "U+1F642" in message
    # A long value is quoted by its first 40 characters only.
    assert "T" * 41 not in message and "T" * 40 + "…" in message


def _buttons(*, vat: str, total: str) -> dict[str, object]:
    """Three rows of 0.10 at 25.5 %, with the ERP's own VAT and total."""
    data = invoice("1001", stated_vat={"25.5": vat}, stated_total=total)
    row = {"description": "Nappi", "quantity": "1", "unit": "C62", "unit_price": "0.10"}
    data["lines"] = [{**row, "vat_rate": "25.5"} for _ in range(3)]
    return data


def test_an_erp_total_procountor_would_not_reproduce_stops_the_invoice(
    hub: TestHub, tmp_path: Path
) -> None:
    # Three rows of 0.10 at 25.5 %: the ERP rounds VAT per rate (0.08), Procountor per row
    # (3 × 0.03): the totals would be 0.38 and 0.39.
    hub.import_invoices([_buttons(vat="0.08", total="0.38")], tmp_path)

    [line] = hub.send().lines

    assert line.state == "data_issue"
    assert "The ERP's total is 0.38 EUR but Procountor" in (line.message or "")
    assert "would total 0.39 EUR" in (line.message or "")
    assert hub.procountor.invoices() == []


def test_an_erp_rounding_vat_per_line_agrees_with_procountor_and_is_sent(
    hub: TestHub, tmp_path: Path
) -> None:
    hub.import_invoices([_buttons(vat="0.09", total="0.39")], tmp_path)

    [line] = hub.send().lines

    assert line.state == "sent", line.message
    [sent] = hub.procountor.invoices()
    assert Decimal(str(sent["invoiceSumInfo"][0]["invoiceSumTotal"])) == Decimal("0.39")
