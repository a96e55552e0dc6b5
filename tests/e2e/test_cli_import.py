"""`tilisilta import invoices` with the files of issue 10: every run ends in a report or a
one-line refusal with an exit code a script can trust, never in "something unexpected"."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from tests.factories import minimal_invoice
from tilisilta.cli.main import app
from tilisilta.connectors.files.flows import invoices as flow

HEADER = (
    "invoice_number;invoice_date;due_date;customer_ref;customer_name;line_description;"
    "quantity;unit_price;vat_rate"
)


document = minimal_invoice


@pytest.fixture
def runner(env: dict[str, str]) -> CliRunner:
    runner = CliRunner()
    created = runner.invoke(app, ["company", "create", "Demo Oy", "2077474-0"])
    assert created.exit_code == 0, created.output
    return runner


def import_file(runner: CliRunner, path: Path, content: str | bytes) -> Result:
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return runner.invoke(app, ["import", "invoices", str(path), "--company", "2077474-0"])


def said(result: Result) -> str:
    return " ".join(result.output.split())


def assert_no_bug(result: Result) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "unexpected" not in result.output and "Traceback" not in result.output


def test_a_huge_number_refuses_its_invoice_and_imports_the_others(
    runner: CliRunner, tmp_path: Path
) -> None:
    text = json.dumps([document("1001"), document("1002", quantity="@")])
    result = import_file(runner, tmp_path / "erp.json", text.replace('"@"', "1e400"))
    assert_no_bug(result)
    assert result.exit_code == 3, result.output
    assert "2 documents read; 1 new" in said(result)
    assert "Invoice 1002, lines[1].quantity = '1E+400'" in said(result)
    assert "at most 15 digits before the decimal point" in said(result)


@pytest.mark.parametrize(
    ("name", "content", "what"),
    [
        ("empty.json", "[]", "an empty list"),
        ("wrapped.json", '{"invoices": []}', "an empty list"),
        ("header.csv", HEADER + "\n", "only a header row"),
    ],
)
def test_a_file_without_invoices_says_so_and_exits_0(
    runner: CliRunner, tmp_path: Path, name: str, content: str, what: str
) -> None:
    result = import_file(runner, tmp_path / name, content)
    assert_no_bug(result)
    assert result.exit_code == 0, result.output
    assert f"{name} holds no invoices ({what}); nothing was imported" in said(result)


@pytest.mark.parametrize("name", ["empty.json", "empty.csv"])
def test_an_empty_file_is_called_empty_and_exits_3(
    runner: CliRunner, tmp_path: Path, name: str
) -> None:
    result = import_file(runner, tmp_path / name, "")
    assert_no_bug(result)
    assert result.exit_code == 3, result.output
    assert f"{name} is empty (0 bytes)" in said(result)
    assert "missing comma" not in said(result)


def test_a_value_that_looks_like_markup_is_printed_as_written(
    runner: CliRunner, tmp_path: Path
) -> None:
    """Rich would read "[/b]" as a closing tag and fail; a value from a file is only text."""
    text = json.dumps([document("1001"), document("1002", quantity="[/b]12[b]")])
    result = import_file(runner, tmp_path / "markup.json", text)
    assert_no_bug(result)
    assert result.exit_code == 3, result.output
    assert 'quantity "[/b]12[b]" is not a number' in said(result)


def test_a_windows_1252_csv_is_one_plain_refusal(runner: CliRunner, tmp_path: Path) -> None:
    row = "1001;2.3.2026;16.3.2026;C-1;Näkki Oy;Kahvi;2;21,90;13,5"
    result = import_file(runner, tmp_path / "excel.csv", f"{HEADER}\n{row}\n".encode("cp1252"))
    assert_no_bug(result)
    assert result.exit_code == 3, result.output
    assert "is not UTF-8 text: byte 0xe4 on line 2" in said(result)
    assert "UnicodeDecodeError" not in result.output


def test_a_problem_with_the_company_is_printed_once_not_for_each_invoice(
    runner: CliRunner, tmp_path: Path
) -> None:
    name = "Tilisilta Demo Oy, Helsingin toimipiste: talous- ja henkilöstöhallinnon palvelut"
    created = runner.invoke(app, ["company", "create", name, "0112038-9"])
    assert created.exit_code == 0, created.output
    path = tmp_path / "erp.json"
    path.write_text(json.dumps([document(str(n)) for n in range(1001, 1031)]), encoding="utf-8")
    result = runner.invoke(app, ["import", "invoices", str(path), "--company", "0112038-9"])
    assert_no_bug(result)
    assert result.exit_code == 0, result.output
    assert "30 documents read; 30 new, 0 changed, 0 unchanged" in said(result)
    assert said(result).count("seller.name") == 1
    assert f"warning Company {name}, seller.name = " in said(result)
    assert f"Seller name is {len(name)} characters; it will be cut to 70." in said(result)
    assert "Fix: use a name of at most 70 characters" in said(result)


def test_many_refused_documents_are_listed_first_ones_first_and_the_rest_counted(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(flow, "LISTED", 2)
    documents = [document(str(n), quantity="kaksi" if n % 2 else "2") for n in range(1001, 1011)]
    result = import_file(runner, tmp_path / "erp.json", json.dumps(documents))
    assert_no_bug(result)
    assert result.exit_code == 3, result.output
    assert "10 documents read; 5 new, 0 changed, 0 unchanged, 5 problems kept" in said(result)
    assert "not imported Invoice 1001, lines[1].quantity" in said(result)
    assert "not imported Invoice 1003, lines[1].quantity" in said(result)
    assert "Invoice 1005" not in said(result)
    assert "… and 3 more problems kept documents out: fix the ones above" in said(result)
