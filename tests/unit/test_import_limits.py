"""Files a real company's ERP may write, and what the import makes of them (issue 10): numbers
beyond any invoice, empty files and lists, other delimiters and encodings, nesting no invoice has.

A document that cannot be read is refused with its name, field, value (at most 40 characters)
and a fix; every other document of the file is still imported; nothing ends in a traceback.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pytest

from tests.factories import minimal_invoice
from tilisilta.clock import ManualClock
from tilisilta.connectors.files.flows import invoices as flow
from tilisilta.connectors.files.flows.invoices import ImportReport, import_invoices
from tilisilta.connectors.files.mapping.invoices import (
    ImportResult,
    parse_invoices_csv,
    parse_invoices_json,
)
from tilisilta.domain.validation import Problem, Severity
from tilisilta.store import companies
from tilisilta.store.documents import all_invoices, load_invoice
from tilisilta.store.engine import Store

COMPANY = "2077474-0"
HEADER = (
    "invoice_number;invoice_date;due_date;customer_ref;customer_name;line_description;"
    "quantity;unit_price;vat_rate"
)

Importer = Callable[[str | bytes, str], ImportReport]


document = minimal_invoice


def with_raw_quantity(raw: str) -> str:
    """A file of two invoices, the second with `raw` written as is (any JSON) as its quantity."""
    bad = json.dumps(document("1002", quantity="@")).replace('"@"', raw)
    return f"[{json.dumps(document('1001'))}, {bad}]"


def csv_rows(*rows: str) -> str:
    return "\n".join([HEADER, *rows]) + "\n"


def csv_row(number: str, quantity: str = "2", unit_price: str = "21,90") -> str:
    return f"{number};2.3.2026;16.3.2026;C-1;Kahvila Oy;Kahvi;{quantity};{unit_price};13,5"


@pytest.fixture
def run_import(sqlite_store: Store, clock: ManualClock, tmp_path: Path) -> Importer:
    with sqlite_store.session() as session:
        companies.create_company(session, "Demo Oy", COMPANY, clock.now())
    count = 0

    def run(content: str | bytes, suffix: str) -> ImportReport:
        nonlocal count
        count += 1
        path = tmp_path / f"batch-{count}{suffix}"
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        report = import_invoices(sqlite_store, clock, company=COMPANY, path=path)
        with sqlite_store.session() as session:
            _STORED[id(report)] = sorted(d.ref for d in all_invoices(session, 1))
        return report

    return run


# The invoices the store holds after each import (the report counts them, it does not list them).
_STORED: dict[int, list[str]] = {}


def imported(report: ImportReport) -> list[str]:
    """The invoices stored once the import that gave ``report`` was over."""
    return _STORED[id(report)]


def the_refusal(report: ImportReport) -> Problem:
    assert len(report.refused) == 1, [str(p) for p in report.refused]
    return report.refused[0]


def assert_quoted_briefly(problem: Problem) -> None:
    """The value is quoted by at most 40 characters (and "…"), in the value and the message."""
    assert problem.value is not None
    assert len(problem.value) <= 41
    assert "9" * 41 not in problem.message and "0" * 41 not in problem.message


# --- Numbers no invoice has ---


@pytest.mark.parametrize(
    "raw",
    [
        "1e400",  # beyond a float: Decimal takes it
        "1e30",
        "1.5e400",
        '"1e30"',
        '"1e400"',
        "-1E+30",
        "9" * 400,  # a 400-digit integer
        "9" * 5000,  # beyond Python's 4,300-digit int conversion
        '"' + "9" * 400 + '"',
        "12345678901234567.5",  # 17 digits before the point
    ],
)
def test_a_number_beyond_any_invoice_refuses_its_document_and_keeps_the_others(
    run_import: Importer, raw: str
) -> None:
    report = run_import(with_raw_quantity(raw), ".json")
    assert imported(report) == ["1001"]
    problem = the_refusal(report)
    assert (problem.document, problem.field) == ("Invoice 1002", "lines[1].quantity")
    assert problem.rule == "import.number_too_large"
    assert "at most 15 digits before the decimal point" in problem.message
    assert problem.fix.startswith("correct the number")
    assert_quoted_briefly(problem)


@pytest.mark.parametrize("raw", ["NaN", "Infinity", "-Infinity", '"NaN"', '"sNaN"', '"inf"'])
def test_not_a_number_refuses_its_document_and_keeps_the_others(
    run_import: Importer, raw: str
) -> None:
    report = run_import(with_raw_quantity(raw), ".json")
    assert imported(report) == ["1001"]
    problem = the_refusal(report)
    assert (problem.document, problem.field, problem.rule) == (
        "Invoice 1002",
        "lines[1].quantity",
        "import.not_a_number",
    )


@pytest.mark.parametrize(
    "field", ["unit_price", "discount_percent", "vat_rate", "net_amount"], ids=str
)
def test_every_number_of_a_line_has_the_limit(run_import: Importer, field: str) -> None:
    bad = document("1002", **{field: "1e30"})
    report = run_import(json.dumps([document("1001"), bad]), ".json")
    assert imported(report) == ["1001"]
    problem = the_refusal(report)
    assert (problem.field, problem.value) == (f"lines[1].{field}", "1e30")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"stated_total": "1e400"}, "stated_total"),
        ({"stated_vat": {"13.5": "1e30"}}, "stated_vat[13.5]"),
        ({"stated_vat": {"1e30": "5.91"}}, "stated_vat[1e30]"),
        ({"currency": "SEK", "exchange_rate": 1e300}, "exchange_rate"),
    ],
)
def test_the_invoice_numbers_have_the_limit_too(
    run_import: Importer, changes: dict[str, Any], field: str
) -> None:
    report = run_import(json.dumps([document("1001"), document("1002") | changes]), ".json")
    assert imported(report) == ["1001"]
    assert the_refusal(report).field == field


def test_numbers_within_the_limits_that_multiply_beyond_the_arithmetic_are_refused(
    run_import: Importer,
) -> None:
    """Each below 10^15, but 10^14 × 10^14 has no cents the hub can compute."""
    huge = "99999999999999"
    bad = document("1002", quantity=huge, unit_price=huge)
    report = run_import(json.dumps([document("1001"), bad]), ".json")
    assert imported(report) == ["1001"]
    problem = the_refusal(report)
    assert (problem.document, problem.field, problem.rule) == (
        "Invoice 1002",
        "lines[1].quantity",
        "import.amount_too_large",
    )
    assert "too large to compute" in problem.message


def test_more_than_twenty_decimals_is_no_amount(run_import: Importer) -> None:
    report = run_import(with_raw_quantity("1e-400"), ".json")
    assert imported(report) == ["1001"]
    problem = the_refusal(report)
    assert (problem.field, problem.rule) == ("lines[1].quantity", "import.too_many_decimals")


def test_a_number_in_exponent_notation_within_the_limits_is_read_in_plain_notation(
    run_import: Importer, sqlite_store: Store
) -> None:
    report = run_import(with_raw_quantity("1.5e1"), ".json")
    assert sorted(imported(report)) == ["1001", "1002"] and not report.refused
    with sqlite_store.session() as session:
        stored = {i.number: i for i in map(load_invoice, all_invoices(session, 1))}
    quantity = stored["1002"].lines[0].quantity
    assert quantity == Decimal(15) and str(quantity) == "15"  # not 1.5E+1


@pytest.mark.parametrize("cell", ["1e400", "1e30", "1,5e30", "9" * 400, "-1E+20"])
def test_a_csv_cell_beyond_any_invoice_refuses_its_invoice_and_keeps_the_others(
    run_import: Importer, cell: str
) -> None:
    report = run_import(csv_rows(csv_row("1001"), csv_row("1002", quantity=cell)), ".csv")
    assert imported(report) == ["1001"]
    problem = the_refusal(report)
    assert (problem.document, problem.field, problem.rule) == (
        "Invoice 1002",
        "quantity",
        "import.number_too_large",
    )
    assert problem.message.startswith("Row 3: quantity")
    assert problem.value == (cell if len(cell) <= 40 else cell[:40] + "…")


def test_a_csv_line_too_large_to_compute_is_refused(run_import: Importer) -> None:
    row = csv_row("1002", quantity="99999999999999", unit_price="99999999999999")
    report = run_import(csv_rows(csv_row("1001"), row), ".csv")
    assert imported(report) == ["1001"]
    assert the_refusal(report).rule == "import.amount_too_large"


def test_a_long_value_is_quoted_by_its_first_forty_characters() -> None:
    result = parse_invoices_json(json.dumps([document("1001", quantity="x" * 500)]), "b.json")
    (problem,) = result.problems
    assert problem.value == "x" * 40 + "…"
    assert "x" * 41 not in problem.message


# --- Nesting no invoice has ---


def test_a_file_nested_thousands_of_levels_deep_is_one_problem() -> None:
    result = parse_invoices_json("[" * 100_000, "deep.json")
    (problem,) = result.problems
    assert (problem.document, problem.rule) == ("File deep.json", "import.too_deep")


def test_a_document_nested_deeply_is_refused_and_the_others_kept(run_import: Importer) -> None:
    nested = "[" * 200 + "1" + "]" * 200
    bad = json.dumps(document("1002") | {"notes": "@"}).replace('"@"', nested)
    report = run_import(f"[{json.dumps(document('1001'))}, {bad}]", ".json")
    assert imported(report) == ["1001"]
    problem = the_refusal(report)
    assert (problem.document, problem.rule) == ("Invoice 1002", "import.too_deep")


# --- Empty input ---


@pytest.mark.parametrize("content", ["[]", '{"invoices": []}', "[ ]\n"])
def test_an_empty_list_says_the_file_holds_no_invoices(run_import: Importer, content: str) -> None:
    report = run_import(content, ".json")
    assert not report.refused and not imported(report) and report.seen == 0
    (notice,) = report.held
    assert (notice.severity, notice.rule) == (Severity.WARNING, "import.no_documents")
    assert "holds no invoices (an empty list)" in notice.message


def test_a_csv_with_only_a_header_says_the_file_holds_no_invoices(run_import: Importer) -> None:
    report = run_import(HEADER + "\n", ".csv")
    assert not report.refused and report.seen == 0
    (notice,) = report.held
    assert (notice.severity, notice.rule) == (Severity.WARNING, "import.no_documents")
    assert "holds no invoices (only a header row)" in notice.message


@pytest.mark.parametrize("content", ["", "   \n\t\n", "\ufeff"], ids=["0 bytes", "blank", "bom"])
@pytest.mark.parametrize("suffix", [".json", ".csv"])
def test_an_empty_file_is_called_empty(run_import: Importer, content: str, suffix: str) -> None:
    report = run_import(content, suffix)
    problem = the_refusal(report)
    assert (problem.document, problem.rule) == (f"File batch-1{suffix}", "import.empty_file")
    assert "is empty" in problem.message
    assert "not valid JSON" not in problem.message and "comma" not in problem.fix


# --- Delimiters ---


def test_a_tab_separated_csv_is_read(run_import: Importer) -> None:
    text = csv_rows(csv_row("1001"), csv_row("1002")).replace(";", "\t")
    report = run_import(text, ".csv")
    assert sorted(imported(report)) == ["1001", "1002"] and not report.refused


def test_a_header_split_by_another_character_names_it() -> None:
    text = csv_rows(csv_row("1001")).replace(";", "|")
    (problem,) = parse_invoices_csv(text, "pipes.csv").problems
    assert (problem.document, problem.rule) == ("File pipes.csv", "import.no_known_columns")
    assert "read with semicolons" in problem.message
    assert 'separated by "|"' in problem.fix and "semicolons, commas or tabs" in problem.fix
    assert problem.value is not None and len(problem.value) <= 41


def test_a_file_without_a_header_row_says_what_the_first_row_must_be() -> None:
    (problem,) = parse_invoices_csv(csv_row("1001") + "\n", "rows.csv").problems
    assert problem.rule == "import.no_known_columns"
    assert "the first row must be the header" in problem.fix


# --- Encodings ---

LATIN_1_CSV = csv_rows(csv_row("1001"), csv_row("1002").replace("Kahvila", "Näkki")).encode(
    "cp1252"
)


@pytest.mark.parametrize("parse", [parse_invoices_csv, parse_invoices_json])
def test_windows_1252_text_is_named_with_its_line_and_character(
    parse: Callable[[bytes, str], ImportResult],
) -> None:
    (problem,) = parse(LATIN_1_CSV, "excel.csv").problems
    assert problem.rule == "import.encoding"
    assert "byte 0xe4 on line 3" in problem.message
    assert 'Windows-1252 (Latin-1) text, in which it is "ä"' in problem.message
    assert "Näkki" in (problem.value or "")
    assert "UTF-8" in problem.fix


def test_windows_1252_json_is_refused_in_one_line(run_import: Importer) -> None:
    text = json.dumps([document("1001") | {"notes": "Hyvää päivää"}], ensure_ascii=False)
    report = run_import(text.encode("cp1252"), ".json")
    problem = the_refusal(report)
    assert problem.rule == "import.encoding" and "Windows-1252" in problem.message


def test_utf16_text_is_named() -> None:
    data = csv_rows(csv_row("1001")).encode("utf-16")
    (problem,) = parse_invoices_csv(data, "unicode.csv").problems
    assert problem.rule == "import.encoding" and "is UTF-16 text" in problem.message


def test_a_document_the_rules_cannot_compute_with_is_refused_and_the_others_kept(
    run_import: Importer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The last line of defence, should a number pass the reading limits and still break the
    rules' arithmetic: that document is refused and not stored, the others are imported."""
    checked = flow.validate_invoice

    def fragile(invoice: Any, context: Any) -> list[Problem]:
        if invoice.number == "1002":
            raise InvalidOperation
        return checked(invoice, context)

    monkeypatch.setattr(flow, "validate_invoice", fragile)
    report = run_import(json.dumps([document("1001"), document("1002")]), ".json")
    assert imported(report) == ["1001"]
    problem = the_refusal(report)
    assert (problem.document, problem.rule) == ("Invoice 1002", "import.not_computable")
