"""No traceback reaches a user (issue 10), as a property: whatever JSON or CSV an ERP writes,
`import_invoices` ends in a report (imported, refused, held findings) or a one-line refusal, and
the valid documents of the same file are kept.

The files mix valid invoices with broken ones: fields replaced by huge, odd or non-finite
numbers, wrong types, unicode, markup-like text, keys missing or unknown, and whole documents of
random JSON. Runs are deterministic (derandomize) and kept to a few seconds each.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from tilisilta.cli.main import app
from tilisilta.clock import ManualClock
from tilisilta.connectors.files.flows.invoices import ImportReport, import_invoices
from tilisilta.settings import Settings
from tilisilta.store import companies
from tilisilta.store.documents import all_invoices, load_invoice
from tilisilta.store.engine import Store

COMPANY = "2077474-0"
START = datetime(2026, 6, 15, 7, 0, tzinfo=UTC)
PROPERTY = settings(
    max_examples=400,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# --- What goes into the files ---

TEXT = st.text(st.characters(codec="utf-8"), max_size=12)
ODD_STRINGS = st.sampled_from(
    [
        "1e400",
        "1e30",
        "-1E+30",
        "9" * 400,
        "1e-400",
        "0.000000000000000000000001",
        "NaN",
        "sNaN",
        "Infinity",
        "-inf",
        "-0",
        "1_000",
        "12,50",
        "1 080,50",
        "25,5 %",
        "",
        " ",
        "٣",
        "[/b]",
        "[red]x",
        ":smile:",
        "\x00",
        "\ud7ff",
        "😀",
        "漢字",
        "x" * 5000,
        "0E+1000",
        "9999-12-31",
        "0001-01-01",
        "2026-02-30",
        "1.3.2026",
    ]
)
ODD_NUMBERS = st.one_of(
    st.integers(min_value=-(10**40), max_value=10**40),
    st.integers(min_value=10**14, max_value=10**600),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=False, allow_infinity=False).map(float),
)
JSON_LEAVES = st.one_of(st.none(), st.booleans(), ODD_NUMBERS, TEXT, ODD_STRINGS)
JSON_VALUES = st.recursive(
    JSON_LEAVES,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(TEXT, inner, max_size=4)),
    max_leaves=12,
)
ODD_VALUES = st.one_of(ODD_STRINGS, ODD_NUMBERS, JSON_VALUES)

AMOUNT = st.decimals(min_value=Decimal("-1000"), max_value=Decimal("100000"), places=2)
PRICE = st.decimals(min_value=Decimal(0), max_value=Decimal("100000"), places=2)
RATE = st.sampled_from(["25.5", "24", "14", "13.5", "10", "0"])
DAY = st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31))
NAME = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30).filter(
    str.strip
)


def as_json_number(draw: st.DrawFn, amount: Decimal) -> Any:
    """The same amount as a JSON string, a JSON number, or (for whole ones) an integer."""
    style = draw(st.sampled_from(["text", "number"]))
    if style == "text":
        return str(amount)
    return int(amount) if amount == amount.to_integral_value() else float(amount)


@st.composite
def valid_line(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "description": draw(NAME),
        "quantity": as_json_number(draw, draw(AMOUNT)),
        "unit_price": as_json_number(draw, draw(PRICE)),
        "vat_rate": draw(RATE),
    }


@st.composite
def valid_invoice(draw: st.DrawFn, number: str) -> dict[str, Any]:
    day = draw(DAY)
    return {
        "number": number,
        "invoice_date": day.isoformat(),
        "due_date": draw(st.dates(min_value=day, max_value=date(2028, 1, 1))).isoformat(),
        "customer": {"ref": draw(NAME), "name": draw(NAME)},
        "lines": draw(st.lists(valid_line(), min_size=1, max_size=3)),
        **draw(st.fixed_dictionaries({}, optional={"notes": TEXT, "order_reference": NAME})),
    }


PATHS = [
    ("number",),
    ("kind",),
    ("invoice_date",),
    ("due_date",),
    ("supply_date",),
    ("currency",),
    ("exchange_rate",),
    ("stated_total",),
    ("stated_vat",),
    ("customer",),
    ("customer", "name"),
    ("customer", "business_id"),
    ("customer", "address"),
    ("lines",),
    ("lines", 0),
    ("lines", 0, "quantity"),
    ("lines", 0, "unit_price"),
    ("lines", 0, "discount_percent"),
    ("lines", 0, "vat_rate"),
    ("lines", 0, "net_amount"),
    ("lines", 0, "description"),
    ("lines", 0, "supply_date"),
    ("lines", 0, "dimensions"),
    ("lines", 0, "vat_trement"),
    ("notes",),
    ("pdf",),
    ("numbr",),
]


@st.composite
def broken_invoice(draw: st.DrawFn, position: int) -> Any:
    """A valid invoice with some fields broken, or random JSON in its place. Its number, if it
    has one, can never be a valid document's: two documents of one number are both refused."""
    if draw(st.integers(0, 4)) == 0:
        junk = draw(JSON_VALUES)
        if isinstance(junk, dict) and "number" in junk:
            junk["number"] = f"BAD-{position}"
        return junk
    doc = draw(valid_invoice(f"BAD-{position}"))
    for path in draw(st.lists(st.sampled_from(PATHS), min_size=1, max_size=3)):
        *parents, last = path
        target: Any = doc
        for part in parents:
            target = child(target, part)
        if isinstance(target, dict) and draw(st.booleans()):
            target.pop(str(last), None)  # a key missing
            continue
        value = draw(ODD_VALUES)
        if last == "number" and isinstance(value, str):
            value = f"BAD-{value}"
        if isinstance(target, dict):
            target[str(last)] = value
        elif isinstance(target, list) and target and last == 0:
            target[0] = value
    return doc


def child(target: Any, part: str | int) -> Any:
    if isinstance(target, dict):
        return target.get(part)
    if isinstance(target, list) and isinstance(part, int) and part < len(target):
        return target[part]
    return None


@st.composite
def json_file(draw: st.DrawFn) -> tuple[str | bytes, list[str]]:
    """(file content, numbers of its valid invoices)"""
    if draw(st.integers(0, 9)) == 0:  # a whole file of something else
        junk = draw(st.one_of(JSON_VALUES.map(lambda v: json.dumps(v)), TEXT, st.binary()))
        return junk, []
    valid = [draw(valid_invoice(f"V{i}")) for i in range(draw(st.integers(0, 3)))]
    broken = [draw(broken_invoice(i)) for i in range(draw(st.integers(0, 4)))]
    documents = draw(st.permutations([*valid, *broken]))
    body: Any = {"invoices": documents} if draw(st.booleans()) else documents
    text = json.dumps(body, ensure_ascii=draw(st.booleans()))
    return text, [str(doc["number"]) for doc in valid]


CSV_COLUMNS = [
    "invoice_number",
    "invoice_date",
    "due_date",
    "customer_ref",
    "customer_name",
    "line_description",
    "quantity",
    "unit_price",
    "vat_rate",
    "discount_percent",
    "currency",
]


@st.composite
def csv_rows_of(draw: st.DrawFn, number: str) -> list[list[str]]:
    day = draw(DAY)
    finnish = draw(st.booleans())
    cells = {
        "invoice_number": number,
        "invoice_date": f"{day.day}.{day.month}.{day.year}" if finnish else day.isoformat(),
        "due_date": (day.isoformat()),
        "customer_ref": draw(NAME),
        "customer_name": draw(NAME),
        "currency": "",
        "discount_percent": "",
    }
    rows = []
    for _ in range(draw(st.integers(1, 3))):
        line = {
            "line_description": draw(NAME),
            "quantity": str(draw(AMOUNT)).replace(".", "," if finnish else "."),
            "unit_price": str(draw(PRICE)),
            "vat_rate": draw(RATE),
        }
        rows.append([(cells | line)[column] for column in CSV_COLUMNS])
    return rows


@st.composite
def broken_csv_row(draw: st.DrawFn, position: int) -> list[str]:
    (row, *_) = draw(csv_rows_of(f"BAD-{position}"))
    for _ in range(draw(st.integers(1, 3))):
        index = draw(st.integers(0, len(CSV_COLUMNS) - 1))
        value = draw(st.one_of(ODD_STRINGS, TEXT, ODD_NUMBERS.map(str)))
        row[index] = f"BAD-{value}" if index == 0 and value else value
    if draw(st.integers(0, 5)) == 0:
        row = row[: draw(st.integers(0, len(row)))]  # a short row
    return row


@st.composite
def csv_file(draw: st.DrawFn) -> tuple[str | bytes, list[str]]:
    if draw(st.integers(0, 9)) == 0:
        return draw(st.one_of(TEXT, st.binary())), []
    valid_numbers = [f"V{i}" for i in range(draw(st.integers(0, 3)))]
    rows = [row for number in valid_numbers for row in draw(csv_rows_of(number))]
    rows += [draw(broken_csv_row(i)) for i in range(draw(st.integers(0, 4)))]
    rows = draw(st.permutations(rows))
    out = io.StringIO()
    csv.writer(
        out, delimiter=draw(st.sampled_from([";", ",", "\t"])), lineterminator="\r\n"
    ).writerows([CSV_COLUMNS, *rows])
    return out.getvalue(), valid_numbers


# --- The hub they are thrown at ---


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, Path]]:
    folder = tmp_path_factory.mktemp("property")
    store = Store(f"sqlite:///{folder / 'store.db'}")
    store.upgrade()
    with store.session() as session:
        companies.create_company(session, "Demo Oy", COMPANY, START)
    yield store, folder
    store.dispose()


def run(hub: tuple[Store, Path], content: str | bytes, suffix: str) -> ImportReport:
    store, folder = hub
    path = folder / f"drop{suffix}"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", errors="surrogatepass")
    return import_invoices(store, ManualClock(START), company=COMPANY, path=path)


def assert_a_report(report: ImportReport, valid: list[str], store: Store) -> None:
    with store.session() as session:
        imported = {d.ref for d in all_invoices(session, 1)}
    assert report.new + report.changed + report.unchanged >= len(set(valid))
    event(f"valid documents in the file: {min(len(valid), 2)}+")
    event(f"documents refused: {bool(report.refused)}")
    refused = [str(p) for p in report.refused]
    assert set(valid) <= imported, refused
    assert not any(number.startswith("BAD-") and number in valid for number in imported)
    assert report.seen or report.refused or report.held, "a run must say what it found"
    for problem in report.refused:
        assert problem.document and problem.message and problem.fix
        assert problem.value is None or len(problem.value) <= 41, problem.value
        assert len(problem.field) <= 100, problem.field
        assert "\n" not in problem.document


@PROPERTY
@given(json_file())
def test_any_json_file_ends_in_a_report_and_keeps_its_valid_invoices(
    hub: tuple[Store, Path], file: tuple[str | bytes, list[str]]
) -> None:
    content, valid = file
    assert_a_report(run(hub, content, ".json"), valid, hub[0])


@PROPERTY
@given(csv_file())
def test_any_csv_file_ends_in_a_report_and_keeps_its_valid_invoices(
    hub: tuple[Store, Path], file: tuple[str | bytes, list[str]]
) -> None:
    content, valid = file
    assert_a_report(run(hub, content, ".csv"), valid, hub[0])


# --- A few through the command line, as a user runs it ---


@pytest.fixture(scope="module")
def cli_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    home = tmp_path_factory.mktemp("cli") / "home"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TILISILTA_HOME", str(home))
        patch.setenv("TILISILTA_SECRET_KEYS", Fernet.generate_key().decode())
        patch.delenv("TILISILTA_DATABASE_URL", raising=False)
        created = CliRunner().invoke(app, ["company", "create", "Demo Oy", COMPANY])
        assert created.exit_code == 0, created.output
        yield home


def stored_numbers() -> set[str]:
    store = Store(Settings().resolved_database_url())
    try:
        with store.session() as session:
            return {load_invoice(doc).number for doc in all_invoices(session, 1)}
    finally:
        store.dispose()


@settings(PROPERTY, max_examples=25)
@given(st.one_of(json_file().map(lambda f: (*f, ".json")), csv_file().map(lambda f: (*f, ".csv"))))
def test_the_command_ends_in_a_report_or_one_line_and_an_exit_code(
    cli_home: Path, file: tuple[str | bytes, list[str], str]
) -> None:
    content, valid, suffix = file
    path = cli_home.parent / f"drop{suffix}"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", errors="surrogatepass")
    result = CliRunner().invoke(app, ["import", "invoices", str(path), "--company", COMPANY])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code in (0, 3), result.output
    assert "unexpected" not in result.output and "Traceback" not in result.output
    assert result.output.strip()
    assert set(valid) <= stored_numbers()
