"""Importing simple invoices from CSV: one row per line, grouped into invoices by number."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from tilisilta.connectors.files.mapping.invoices import (
    ImportResult,
    parse_invoice_file,
    parse_invoices_csv,
)
from tilisilta.domain.documents import InvoiceKind, VatTreatment
from tilisilta.domain.validation import Problem

HEADER = (
    "invoice_number,invoice_date,due_date,customer_ref,customer_name,customer_postal_code,"
    "line_description,quantity,unit,unit_price,discount_percent,vat_rate"
)


def csv(*rows: str, header: str = HEADER) -> str:
    return "\n".join((header, *rows)) + "\n"


def only_problem(result: ImportResult) -> Problem:
    assert len(result.problems) == 1, [str(p) for p in result.problems]
    return result.problems[0]


def test_rows_are_grouped_into_invoices_with_exact_amounts() -> None:
    text = csv(
        "10001,2026-03-02,2026-03-16,C-1,Kahvila Aamurusko Oy,00120,Kahvi 1 kg,3,KGM,21.90,,13.5",
        "10001,2026-03-02,2026-03-16,C-1,Kahvila Aamurusko Oy,00120,Työ,7.5,HUR,118,10,25.5",
        "10002,2026-03-03,2026-03-17,C-2,Pohjolan Tukku Oy,90100,Lehti,1,,189.00,,10",
    )
    result = parse_invoices_csv(text, "erp.csv")

    assert result.problems == []
    assert result.seen == 2
    first, second = result.invoices
    assert first.number == "10001"
    assert [line.description for line in first.lines] == ["Kahvi 1 kg", "Työ"]
    assert first.lines[0].unit_price == Decimal("21.90")
    assert first.lines[1].quantity == Decimal("7.5")
    assert first.lines[1].discount_percent == Decimal("10")
    assert first.customer.address.postal_code == "00120"  # text: leading zeros kept
    assert first.net_total == Decimal("65.70") + Decimal("796.50")
    assert second.lines[0].unit == "C62"  # an empty cell takes the default


def test_semicolons_decimal_commas_and_finnish_spellings() -> None:
    text = csv(
        '10001;1.3.2026;15.3.2026;C-1;Asiakas Oy;00100;"Kahvi; tumma paahto";1,5;KGM;1 080,50;'
        "10 %;25,5 %",
        header=HEADER.replace(",", ";"),
    )
    result = parse_invoices_csv(("\ufeff" + text).encode("utf-8"), "excel.csv")

    assert result.problems == []
    (invoice,) = result.invoices
    line = invoice.lines[0]
    assert invoice.invoice_date == date(2026, 3, 1)
    assert invoice.due_date == date(2026, 3, 15)
    assert line.description == "Kahvi; tumma paahto"
    assert (line.quantity, line.unit_price) == (Decimal("1.5"), Decimal("1080.50"))
    assert (line.discount_percent, line.vat_rate) == (Decimal("10"), Decimal("25.5"))


def test_optional_columns_may_be_left_out() -> None:
    header = (
        "invoice_number,invoice_date,due_date,customer_ref,customer_name,line_description,"
        "quantity,unit_price,vat_rate"
    )
    result = parse_invoices_csv(
        csv("1,2026-03-02,2026-03-16,C,N,Työ,1,100,25.5", header=header), "a.csv"
    )
    (invoice,) = result.invoices
    assert invoice.kind is InvoiceKind.SALES_INVOICE
    assert invoice.currency == "EUR"
    assert invoice.lines[0].vat_treatment is VatTreatment.DOMESTIC


def test_every_documented_column_is_read() -> None:
    header = (
        "invoice_number,kind,invoice_date,due_date,supply_date,currency,customer_ref,customer_name,"
        "customer_business_id,customer_vat_number,customer_street,customer_postal_code,"
        "customer_city,customer_country,customer_email,payment_reference,credited_invoice_number,"
        "line_description,product_code,quantity,unit,unit_price,discount_percent,vat_rate,"
        "vat_treatment,vat_exemption_reason"
    )
    row = (
        "10009,credit_note,2026-03-05,2026-03-05,2026-03-01,EUR,C-2002,"
        "Berliner Werkzeughandel GmbH,,DE812456719,Friedrichstraße 120,10117,Berlin,DE,"
        "rechnung@example.com,,10001,"
        'Akkuporakone,TL-2040,-2,H87,229.00,,0,eu_goods,"Yhteisömyynti, AVL 72 a §"'
    )
    result = parse_invoices_csv(csv(row, header=header), "full.csv")
    assert result.problems == []
    (credit,) = result.invoices
    assert credit.kind is InvoiceKind.CREDIT_NOTE
    assert credit.credited_invoice_number == "10001"
    assert credit.supply_date == date(2026, 3, 1)
    assert credit.customer.vat_number == "DE812456719"
    assert credit.customer.address.country == "DE"
    assert credit.customer.email == "rechnung@example.com"
    line = credit.lines[0]
    assert (line.product_code, line.quantity) == ("TL-2040", Decimal("-2"))
    assert line.vat_treatment is VatTreatment.EU_GOODS
    assert line.vat_exemption_reason == "Yhteisömyynti, AVL 72 a §"


def test_later_rows_may_leave_invoice_columns_empty() -> None:
    text = csv(
        "10001,2026-03-02,2026-03-16,C-1,Asiakas Oy,00100,Kahvi,1,,10,,13.5",
        "10001,,,,,,Tee,2,,5,,13.5",
    )
    result = parse_invoices_csv(text, "a.csv")
    assert result.problems == []
    assert len(result.invoices[0].lines) == 2


def test_invoice_columns_that_disagree_are_reported_by_row() -> None:
    text = csv(
        "10001,2026-03-02,2026-03-16,C-1,Asiakas Oy,00100,Kahvi,1,,10,,13.5",
        "10001,2026-03-02,2026-03-31,C-1,Asiakas Oy,00100,Tee,2,,5,,13.5",
        "10002,2026-03-02,2026-03-16,C-2,Toinen Oy,00100,Kahvi,1,,10,,13.5",
    )
    result = parse_invoices_csv(text, "a.csv")
    assert [i.number for i in result.invoices] == ["10002"]
    problem = only_problem(result)
    assert (problem.document, problem.field, problem.value) == (
        "Invoice 10001",
        "due_date",
        "2026-03-31",
    )
    assert problem.message.startswith("Row 3:")
    assert "2026-03-16" in problem.message and "row 2" in problem.message


def test_the_same_date_in_two_spellings_is_not_a_disagreement() -> None:
    text = csv(
        "10001,2026-03-02,2026-03-16,C-1,Asiakas Oy,00100,Kahvi,1,,10,,13.5",
        "10001,2.3.2026,16.3.2026,C-1,Asiakas Oy,00100,Tee,2,,5,,13.5",
    )
    assert parse_invoices_csv(text, "a.csv").problems == []


def test_a_bad_cell_is_reported_with_its_row_column_and_value() -> None:
    text = csv(
        "10001,2026-03-02,2026-03-16,C-1,Asiakas Oy,00100,Kahvi,1,,10,,13.5",
        "10001,2026-03-02,2026-03-16,C-1,Asiakas Oy,00100,Tee,kaksi,,5,,13.5",
        "10002,2026-03-02,2026/03/16,C-2,Toinen Oy,00100,Kahvi,1,,10,,13.5",
        "10003,2026-03-02,2026-03-16,C-3,Kolmas Oy,00100,Kahvi,1,,10,,13.5",
    )
    result = parse_invoices_csv(text, "a.csv")
    assert [i.number for i in result.invoices] == ["10003"]
    quantity, due = result.problems
    assert (quantity.document, quantity.field, quantity.value) == (
        "Invoice 10001",
        "quantity",
        "kaksi",
    )
    assert quantity.message == 'Row 3: quantity "kaksi" is not a number.'
    assert "12,50" in quantity.fix
    assert (due.field, due.value) == ("due_date", "2026/03/16")
    assert due.message.startswith("Row 4:") and "not a date" in due.message


def test_an_empty_required_cell_is_missing() -> None:
    text = csv("10001,2026-03-02,2026-03-16,C-1,,00100,Kahvi,1,,10,,13.5")
    problem = only_problem(parse_invoices_csv(text, "a.csv"))
    assert (problem.field, problem.value) == ("customer_name", None)
    assert problem.message == "Row 2: customer_name is missing."


def test_an_unknown_column_stops_the_file_and_suggests_the_right_name() -> None:
    text = csv(
        "10001,2026-03-02,2026-03-16,C-1,N,00100,Kahvi,1,,10,5,13.5",
        header=HEADER.replace("discount_percent", "discount_pct"),
    )
    result = parse_invoices_csv(text, "a.csv")
    problem = only_problem(result)
    assert result.invoices == []
    assert (problem.document, problem.field) == ("File a.csv", "discount_pct")
    assert '"discount_percent"' in problem.fix


def test_a_missing_required_column_is_named() -> None:
    header = HEADER.replace(",vat_rate", "")
    problem = only_problem(
        parse_invoices_csv(csv("1,2026-03-02,2026-03-16,C,N,1,K,1,,10,", header=header), "a.csv")
    )
    assert (problem.field, problem.rule) == ("vat_rate", "import.missing_column")


def test_an_unquoted_decimal_comma_in_a_comma_file_is_caught() -> None:
    text = csv(
        "10001,2026-03-02,2026-03-16,C-1,Asiakas Oy,00100,Kahvi,1,,12,50,,13.5",
        "10002,2026-03-02,2026-03-16,C-2,Toinen Oy,00100,Kahvi,1,,10,,13.5",
    )
    result = parse_invoices_csv(text, "a.csv")
    assert [i.number for i in result.invoices] == ["10002"]
    problem = only_problem(result)
    assert problem.document == "Invoice 10001"
    assert problem.message == "Row 2 has 13 cells but the header has 12."


def test_a_row_without_an_invoice_number_is_reported() -> None:
    text = csv(",2026-03-02,2026-03-16,C-1,Asiakas Oy,00100,Kahvi,1,,10,,13.5")
    result = parse_invoices_csv(text, "a.csv")
    problem = only_problem(result)
    assert result.seen == 1
    assert (problem.document, problem.field) == ("Row 2 in a.csv", "invoice_number")


def test_rows_are_numbered_as_lines_of_the_file() -> None:
    text = csv(
        '10001,2026-03-02,2026-03-16,C-1,Asiakas Oy,00100,"Kahvi\nkaksirivinen",1,,10,,13.5',
        "",
        "10002,2026-03-02,2026-03-16,C-2,Toinen Oy,00100,Tee,x,,5,,13.5",
    )
    problem = only_problem(parse_invoices_csv(text, "a.csv"))
    assert problem.message.startswith("Row 5:")


def test_a_file_that_is_not_utf8_is_one_problem() -> None:
    text = csv("10001,2026-03-02,2026-03-16,C-1,Mäkinen Oy,00100,Kahvi,1,,10,,13.5")
    result = parse_invoices_csv(text.encode("latin-1"), "ansi.csv")
    assert result.invoices == []
    assert "UTF-8" in only_problem(result).fix


def test_csv_files_are_read_by_extension(tmp_path: Path) -> None:
    path = tmp_path / "invoices.csv"
    path.write_text(
        csv("10001,2026-03-02,2026-03-16,C-1,N,00100,Kahvi,1,,10,,13.5"), encoding="utf-8"
    )
    result = parse_invoice_file(path)
    assert [i.number for i in result.invoices] == ["10001"]


def test_a_bad_cell_is_quoted_as_written() -> None:
    text = csv('10001,2026-03-02,2026-03-16,C-1,N,00100,Kahvi,1,,"12,5x",,13.5')
    problem = only_problem(parse_invoices_csv(text, "a.csv"))
    assert problem.value == "12,5x"
    assert problem.message == 'Row 2: unit_price "12,5x" is not a number.'
