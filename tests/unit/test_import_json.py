"""Importing invoices from JSON: what an integrator sees for good files and for each mistake."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tilisilta.connectors.files.mapping.invoices import (
    ImportResult,
    UnsupportedFileType,
    parse_invoice_file,
    parse_invoices_csv,
    parse_invoices_json,
)
from tilisilta.domain.documents import Invoice, InvoiceKind, VatTreatment
from tilisilta.domain.validation import Problem, Severity


def invoice(number: str = "10001", **changes: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "number": number,
        "invoice_date": "2026-03-02",
        "due_date": "2026-03-16",
        "customer": {
            "ref": "C-1001",
            "name": "Kahvila Aamurusko Oy",
            "business_id": "2077474-0",
            "address": {
                "street": "Fredrikinkatu 42",
                "postal_code": "00120",
                "city": "Helsinki",
                "country": "FI",
            },
        },
        "lines": [
            {
                "description": "Kahvi 1 kg",
                "quantity": "2",
                "unit_price": "21.90",
                "vat_rate": "13.5",
            }
        ],
    }
    doc.update(changes)
    return doc


def parse(*docs: Any) -> ImportResult:
    return parse_invoices_json(json.dumps({"invoices": list(docs)}), "batch.json")


def only_problem(result: ImportResult) -> Problem:
    assert len(result.problems) == 1, [str(p) for p in result.problems]
    return result.problems[0]


GOOD_FILE = """
[
  {"number": "10001", "invoice_date": "2026-03-02", "supply_date": "2026-03-01",
   "due_date": "2026-03-16", "payment_reference": "",
   "customer": {"ref": "C-1001", "name": "Kahvila Aamurusko Oy",
                "address": {"street": "Fredrikinkatu 42", "postal_code": "00120",
                            "city": "Helsinki"}},
   "lines": [
     {"description": "Kahvi 1 kg", "quantity": 3, "unit": "KGM", "unit_price": 21.9,
      "vat_rate": 13.5},
     {"description": "Konsultointi", "quantity": "7.5", "unit": "HUR", "unit_price": "118.00",
      "discount_percent": 10, "vat_rate": "25.5", "net_amount": 796.50}
   ]},
  {"number": "10002", "kind": "credit_note", "invoice_date": "2026-03-05",
   "due_date": "2026-03-05", "credited_invoice_number": "10001",
   "credited_invoice_date": "2026-03-02",
   "customer": {"ref": "C-1001", "name": "Kahvila Aamurusko Oy"},
   "lines": [{"description": "Kahvi 1 kg", "quantity": -1, "unit_price": 0.1,
              "vat_rate": 13.5}]}
]
"""


def test_a_good_file_imports_every_document_with_exact_decimal_amounts() -> None:
    result = parse_invoices_json(GOOD_FILE.encode(), "erp.json")

    assert result.problems == []
    assert result.seen == 2
    first, credit = result.invoices
    coffee, consulting = first.lines
    assert coffee.unit_price == Decimal("21.9")
    assert str(coffee.unit_price) == "21.9"  # parsed as Decimal, never through a float
    assert consulting.quantity == Decimal("7.5")
    assert consulting.discount_percent == Decimal("10")
    assert consulting.net_amount == Decimal("796.50")
    assert first.supply_date == date(2026, 3, 1)
    assert first.payment_reference is None  # empty means "generate one"
    assert [s.vat for s in first.vat_breakdown()] == [Decimal("203.11"), Decimal("8.87")]
    assert credit.kind is InvoiceKind.CREDIT_NOTE
    assert credit.lines[0].quantity == Decimal("-1")
    assert str(credit.lines[0].unit_price) == "0.1"
    assert credit.credited_invoice_number == "10001"


def test_the_wrapped_form_and_a_byte_order_mark_are_accepted() -> None:
    data = "\ufeff" + json.dumps({"invoices": [invoice()]})
    result = parse_invoices_json(data.encode(), "erp.json")
    assert result.problems == []
    assert [i.number for i in result.invoices] == ["10001"]
    assert result.invoices[0].lines[0].vat_treatment is VatTreatment.DOMESTIC


def test_one_bad_document_does_not_stop_the_others() -> None:
    result = parse(invoice("10001"), invoice("10002", due_date="soon"), invoice("10003"))
    assert [i.number for i in result.invoices] == ["10001", "10003"]
    assert result.seen == 3
    assert only_problem(result).document == "Invoice 10002"


def test_a_missing_field_names_document_and_field() -> None:
    doc = invoice()
    del doc["due_date"]
    problem = only_problem(parse(doc))
    assert (problem.document, problem.field, problem.value) == ("Invoice 10001", "due_date", None)
    assert "missing" in problem.message
    assert "due_date" in problem.fix
    assert problem.severity is Severity.ERROR


def test_a_missing_customer_field_is_named_by_its_path() -> None:
    doc = invoice()
    del doc["customer"]["name"]
    problem = only_problem(parse(doc))
    assert problem.field == "customer.name"


def test_a_value_that_is_not_a_number_is_named_with_its_line_counted_from_one() -> None:
    doc = invoice()
    doc["lines"].append({"description": "Tee", "quantity": "two", "unit_price": "5", "vat_rate": 0})
    problem = only_problem(parse(doc))
    assert (problem.field, problem.value) == ("lines[2].quantity", "two")
    assert problem.message.startswith("Line 2:")
    assert "not a number" in problem.message


@pytest.mark.parametrize("amount", ["12,50", "NaN", "", True])
def test_amounts_in_other_notations_are_refused(amount: Any) -> None:
    doc = invoice()
    doc["lines"][0]["unit_price"] = amount
    problem = only_problem(parse(doc))
    assert problem.field == "lines[1].unit_price"
    # An empty string is "not given", and a price is required.
    assert ("missing" if amount == "" else "not a number") in problem.message


def test_nan_written_as_a_json_constant_is_not_a_number() -> None:
    text = json.dumps([invoice()]).replace('"21.90"', "NaN")
    problem = only_problem(parse_invoices_json(text, "erp.json"))
    assert (problem.field, problem.value) == ("lines[1].unit_price", "NaN")
    assert "not a number" in problem.message


@pytest.mark.parametrize("value", ["2026-02-30", "16.3.2026", "2026-03-16T00:00:00", 1773619200])
def test_dates_must_be_written_year_month_day(value: Any) -> None:
    problem = only_problem(parse(invoice(due_date=value)))
    assert (problem.field, problem.value) == ("due_date", str(value))
    assert "not a date" in problem.message
    assert "YYYY-MM-DD" in problem.fix


def test_a_misspelt_field_is_an_error_that_suggests_the_right_name() -> None:
    doc = invoice()
    doc["lines"][0]["vatrate"] = doc["lines"][0].pop("vat_rate")
    result = parse(doc)
    unknown = next(p for p in result.problems if p.rule == "import.unknown_field")
    assert (unknown.field, unknown.value) == ("lines[1].vatrate", "13.5")
    assert '"vat_rate"' in unknown.fix
    assert result.invoices == []


def test_an_unknown_invoice_field_is_not_silently_dropped() -> None:
    problem = only_problem(parse(invoice(reference_number="1232")))
    assert problem.field == "reference_number"
    assert "Unknown field" in problem.message


def test_an_invoice_without_lines_is_refused() -> None:
    problem = only_problem(parse(invoice(lines=[])))
    assert problem.field == "lines"
    assert "no lines" in problem.message


def test_an_unknown_kind_lists_the_allowed_values() -> None:
    problem = only_problem(parse(invoice(kind="hyvityslasku")))
    assert (problem.field, problem.value) == ("kind", "hyvityslasku")
    assert "credit_note" in problem.fix


def test_an_identifier_written_as_a_number_must_be_text() -> None:
    doc = invoice()
    doc["customer"]["address"]["postal_code"] = 120  # the leading zeros of 00120 are lost
    problem = only_problem(parse(doc))
    assert (problem.field, problem.value) == ("customer.address.postal_code", "120")
    assert "must be text" in problem.message


def test_a_document_without_a_readable_number_is_named_by_its_position() -> None:
    doc = invoice()
    del doc["number"]
    result = parse(invoice("10001"), doc)
    problem = only_problem(result)
    assert problem.document == "Document #2 in batch.json"
    assert problem.field == "number"


def test_a_credit_note_is_named_as_one() -> None:
    problem = only_problem(parse(invoice("10002", kind="credit_note", due_date="x")))
    assert problem.document == "Credit note 10002"


def test_an_item_that_is_not_an_object_is_reported_and_skipped() -> None:
    result = parse(invoice("10001"), "10002")
    assert len(result.invoices) == 1
    assert only_problem(result).document == "Document #2 in batch.json"


def test_two_documents_with_one_number_are_both_refused() -> None:
    result = parse(invoice("10001"), invoice("10001", due_date="2026-03-31"), invoice("10003"))
    assert [i.number for i in result.invoices] == ["10003"]
    assert [p.rule for p in result.problems] == ["import.duplicate_number"] * 2
    assert "#1, #2" in result.problems[0].message


def test_a_file_that_is_not_json_is_one_problem_naming_line_and_column() -> None:
    text = '[\n  {"number": "10001",\n   "due_date" "2026-03-16"}\n]'
    result = parse_invoices_json(text, "broken.json")
    problem = only_problem(result)
    assert result.invoices == [] and result.seen == 0
    assert problem.document == "File broken.json"
    assert "line 3, column 15" in problem.message


def test_a_file_without_an_invoice_list_says_what_shape_is_expected() -> None:
    problem = only_problem(parse_invoices_json(json.dumps(invoice()), "single.json"))
    assert '{"invoices": [' in problem.fix


def test_an_unknown_top_level_field_is_a_warning_and_the_invoices_still_import() -> None:
    data = json.dumps({"invoices": [invoice()], "exported_at": "2026-03-02T10:00:00"})
    result = parse_invoices_json(data, "erp.json")
    assert len(result.invoices) == 1
    problem = only_problem(result)
    assert (problem.field, problem.severity) == ("exported_at", Severity.WARNING)


def test_text_that_is_not_utf8_is_one_problem() -> None:
    result = parse_invoices_json("[]".encode("utf-16"), "erp.json")
    assert "UTF-8" in only_problem(result).message


def test_problems_read_as_one_line() -> None:
    problem = only_problem(parse(invoice(due_date="2026-13-01")))
    assert str(problem).startswith("Invoice 10001, due_date = '2026-13-01': ")


def test_files_are_read_by_their_extension(tmp_path: Path) -> None:
    path = tmp_path / "INVOICES.JSON"
    path.write_text(json.dumps([invoice()]), encoding="utf-8")
    assert [i.number for i in parse_invoice_file(path).invoices] == ["10001"]

    other = tmp_path / "invoices.xlsx"
    other.write_bytes(b"PK")
    with pytest.raises(UnsupportedFileType, match=r"\.xlsx.*\.json or \.csv"):
        parse_invoice_file(other)


DOCS = Path(__file__).parents[2] / "docs" / "import-format.md"


def documented_example(language: str) -> str:
    text = DOCS.read_text(encoding="utf-8")
    return text.split(f"```{language}\n", 1)[1].split("```", 1)[0]


def test_the_documented_example_imports_cleanly() -> None:
    result = parse_invoices_json(documented_example("json"), "import-format.md")
    assert result.problems == []
    invoice, credit = result.invoices
    assert invoice.gross_total == invoice.stated_total == Decimal("1074.18")
    assert credit.kind is InvoiceKind.CREDIT_NOTE
    assert credit.gross_total == Decimal("-24.86")


def test_the_documented_csv_example_gives_the_same_documents_as_the_json_one() -> None:
    from_json = parse_invoices_json(documented_example("json"), "import-format.md").invoices
    from_csv = parse_invoices_csv(documented_example("csv"), "import-format.md")
    assert from_csv.problems == []

    def lines(invoices: list[Invoice]) -> list[list[dict[str, Any]]]:
        # The CSV format has no column for the ERP's own line net.
        return [[line.model_dump(exclude={"net_amount"}) for line in i.lines] for i in invoices]

    assert lines(from_csv.invoices) == lines(from_json)
    assert [i.gross_total for i in from_csv.invoices] == [i.gross_total for i in from_json]
