"""What importing a file costs follows the file, not the store, and not the file's size.

Counted, never timed: the statements on the document table, the stored documents loaded whole,
the documents checked against the rules, and the memory one import holds. What a person relies on
stays as it was: a bad document in the middle of a big file is left out and named while the rest
is imported; a file that is wrong as a whole imports nothing; a credit note is checked against
its original wherever in the file that stands. On SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
import re
import tracemalloc
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select

from tests.factories import credit_note, invoice
from tilisilta.clock import ManualClock
from tilisilta.connectors.files.flows import invoices as flow
from tilisilta.connectors.files.flows.invoices import BATCH, ImportReport, import_invoices
from tilisilta.connectors.files.mapping.invoices import FileChanged, open_invoice_file
from tilisilta.domain.documents import Invoice
from tilisilta.store import companies, documents
from tilisilta.store.documents import INVOICE, all_invoices, save_documents
from tilisilta.store.engine import Store
from tilisilta.store.models import Document

COMPANY = "2077474-0"


@dataclass
class Counts:
    selects: int = 0  # statements that read the document table
    writes: int = 0  # statements that insert into it or update it
    loaded: int = 0  # stored documents loaded whole (payload and all)
    checked: int = 0  # documents checked against the domain rules

    def reset(self) -> None:
        self.selects = self.writes = self.loaded = self.checked = 0


@pytest.fixture
def hub(store: Store, clock: ManualClock) -> Store:
    with store.session() as session:
        companies.create_company(session, "Demo Oy", COMPANY, clock.now())
    return store


@pytest.fixture
def counts(hub: Store, monkeypatch: pytest.MonkeyPatch) -> Iterator[Counts]:
    counted = Counts()

    def on_statement(*args: Any) -> None:
        statement = args[2]
        if re.search(r"\bFROM document\b", statement):
            counted.selects += 1
        if re.match(r"\s*(INSERT INTO|UPDATE) document\b", statement):
            counted.writes += 1

    def on_load(*_: Any) -> None:
        counted.loaded += 1

    check = flow.validate_invoice

    def checking(invoice: Invoice, context: Any) -> Any:
        counted.checked += 1
        return check(invoice, context)

    monkeypatch.setattr(flow, "validate_invoice", checking)
    event.listen(hub.engine, "before_cursor_execute", on_statement)
    event.listen(Document, "load", on_load)
    yield counted
    event.remove(Document, "load", on_load)
    event.remove(hub.engine, "before_cursor_execute", on_statement)


def numbered(count: int, start: int = 10_000) -> list[dict[str, Any]]:
    return [invoice(str(start + i)) for i in range(count)]


def write_json(folder: Path, documents: list[Any], name: str = "erp.json") -> Path:
    path = folder / name
    path.write_text(json.dumps({"invoices": documents}), encoding="utf-8")
    return path


def run(store: Store, clock: ManualClock, path: Path) -> ImportReport:
    return import_invoices(store, clock, company=COMPANY, path=path)


def fill(store: Store, clock: ManualClock, documents: list[dict[str, Any]]) -> None:
    """Stored as an earlier import would have stored them, without going through one."""
    with store.session() as session:
        company_id = companies.find_company(session, COMPANY).id
        records = [Invoice.model_validate(d) for d in documents]
        save_documents(
            session,
            company_id,
            INVOICE,
            [(r.number, r, r.content_hash()) for r in records],
            {},
            clock.now(),
        )


# --- What it costs ---


def test_an_unchanged_file_imported_again_is_neither_checked_nor_written(
    hub: Store, clock: ManualClock, tmp_path: Path, counts: Counts
) -> None:
    documents = [*numbered(2 * BATCH + 200), credit_note("90001", "10005")]
    path = write_json(tmp_path, documents)
    first = run(hub, clock, path)
    assert first.new == len(documents) and not first.refused and not first.held
    assert counts.checked == len(documents)
    assert counts.selects <= 3 + 1  # ids and hashes, 500 numbers a query; the credited original
    assert counts.writes <= 3 * 2  # one bulk insert a batch (PostgreSQL may split it in two)

    counts.reset()
    again = run(hub, clock, path)
    assert again.unchanged == len(documents) and again.seen == len(documents)
    assert not again.new and not again.changed and not again.held and not again.refused
    assert counts.checked == 0 and counts.writes == 0 and counts.loaded == 0
    assert counts.selects <= 3


def test_only_the_changed_document_is_checked_and_written(
    hub: Store, clock: ManualClock, tmp_path: Path, counts: Counts
) -> None:
    documents = numbered(50)
    run(hub, clock, write_json(tmp_path, documents, "first.json"))
    documents[7] = invoice("10007", due_date="2026-07-01")
    counts.reset()
    report = run(hub, clock, write_json(tmp_path, documents, "second.json"))
    assert report.changed == 1 and report.unchanged == 49
    assert counts.checked == 1 and counts.writes == 1 and counts.loaded == 0
    with hub.session() as session:
        stored = {d.ref: d for d in all_invoices(session, 1)}
    assert stored["10007"].version == 2 and stored["10008"].version == 1


def test_importing_into_a_big_store_reads_only_what_the_file_names(
    hub: Store, clock: ManualClock, tmp_path: Path, counts: Counts
) -> None:
    """The store's 3,000 invoices are not loaded: the file's numbers are looked up (ids and
    hashes), and the credit note's original is read by its number."""
    fill(hub, clock, numbered(3000, start=1))
    counts.reset()
    documents = [*numbered(40, start=50_000), credit_note("59999", "1234")]
    report = run(hub, clock, write_json(tmp_path, documents))
    assert report.new == 41 and not report.held and not report.refused
    assert counts.loaded == 1  # invoice 1234, to check what its credit note credits
    assert counts.selects == 2
    assert counts.checked == 41


def test_each_batch_is_committed_so_an_interrupted_import_keeps_what_it_wrote(
    hub: Store, clock: ManualClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_json(tmp_path, numbered(2 * BATCH + 100))
    calls = 0

    def failing_second_batch(*args: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise RuntimeError("the database went away")
        return save_documents(*args)

    monkeypatch.setattr(flow, "save_documents", failing_second_batch)
    with pytest.raises(RuntimeError):
        run(hub, clock, path)
    with hub.session() as session:
        assert len(all_invoices(session, 1)) == BATCH
    monkeypatch.undo()
    report = run(hub, clock, path)
    assert report.unchanged == BATCH and report.new == BATCH + 100


@pytest.mark.parametrize("suffix", [".json", ".csv"])
def test_the_memory_an_import_holds_does_not_grow_with_the_file(
    hub: Store, clock: ManualClock, tmp_path: Path, suffix: str, database_url: str
) -> None:
    """Six times the documents, about the same peak: the file is read a document at a time and
    written 500 at a time, and the report counts what it does not need to list. What grows is
    a fingerprint per document number (8 bytes, in a table that doubles)."""
    if not database_url.startswith("sqlite"):
        pytest.skip("memory is the importing process's: one database is enough")

    def peak(count: int, start: int) -> int:
        path = tmp_path / f"{count}{suffix}"
        write = write_json if suffix == ".json" else write_csv
        write(tmp_path, numbered(count, start=start), path.name)
        tracemalloc.start()
        try:
            report = run(hub, clock, path)
            highest = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert report.new == count
        return highest

    run(hub, clock, write_json(tmp_path, numbered(10, start=1), "warm-up.json"))
    small, large = peak(500, 100_000), peak(3000, 200_000)
    assert large - small < 1_000_000, (small, large)  # before streaming: 25 MB more


CSV_HEADER = (
    "invoice_number;invoice_date;due_date;customer_ref;customer_name;customer_business_id;"
    "customer_street;customer_postal_code;customer_city;customer_country;customer_email;"
    "line_description;quantity;unit;unit_price;discount_percent;vat_rate"
)


def csv_rows(document: dict[str, Any]) -> list[str]:
    customer = document["customer"]
    address = customer["address"]
    head = [
        document["number"],
        document["invoice_date"],
        document["due_date"],
        customer["ref"],
        customer["name"],
        customer["business_id"],
        address["street"],
        address["postal_code"],
        address["city"],
        address["country"],
        customer["email"],
    ]
    return [
        ";".join(
            [
                *head,
                line["description"],
                line["quantity"],
                line["unit"],
                line["unit_price"],
                line.get("discount_percent", ""),
                line["vat_rate"],
            ]
        )
        for line in document["lines"]
    ]


def write_csv(folder: Path, documents: list[dict[str, Any]], name: str = "erp.csv") -> Path:
    path = folder / name
    rows = [row for document in documents for row in csv_rows(document)]
    path.write_text("\n".join([CSV_HEADER, *rows]) + "\n", encoding="utf-8")
    return path


# --- What a person relies on, in a file of several batches ---


def test_a_bad_document_in_the_middle_of_a_big_file_is_left_out_and_named(
    hub: Store, clock: ManualClock, tmp_path: Path
) -> None:
    documents = numbered(2 * BATCH + 100)
    documents[BATCH + 50]["lines"][0]["quantity"] = "kaksi"
    report = run(hub, clock, write_json(tmp_path, documents))
    assert report.seen == len(documents) and report.new == len(documents) - 1
    (problem,) = report.refused
    assert (problem.document, problem.field, problem.value) == (
        f"Invoice {10_000 + BATCH + 50}",
        "lines[1].quantity",
        "kaksi",
    )
    assert problem.rule == "import.not_a_number"


@pytest.mark.parametrize(
    ("ending", "rule"),
    [('{"number": }]}', "import.not_json"), ("]} trailing", "import.not_json")],
)
def test_a_file_broken_at_its_end_imports_nothing_at_all(
    hub: Store, clock: ManualClock, tmp_path: Path, ending: str, rule: str
) -> None:
    """Whole-file errors are found before anything is written, however far in they are."""
    text = json.dumps({"invoices": numbered(2 * BATCH)})[: -len("]}")]
    path = tmp_path / "broken.json"
    path.write_text(text + ("," if ending.startswith("{") else "") + ending, encoding="utf-8")
    report = run(hub, clock, path)
    assert not report.new and report.seen == 0
    (problem,) = report.refused
    assert (problem.document, problem.rule) == ("File broken.json", rule)
    with hub.session() as session:
        assert all_invoices(session, 1) == []


def test_one_number_twice_far_apart_refuses_both_and_writes_neither(
    hub: Store, clock: ManualClock, tmp_path: Path
) -> None:
    documents = numbered(2 * BATCH + 100)
    documents[-1] = invoice("10003", notes="the same number again")
    report = run(hub, clock, write_json(tmp_path, documents))
    assert report.new == len(documents) - 2
    assert [p.rule for p in report.refused] == ["import.duplicate_number"] * 2
    assert f"(#4, #{len(documents)})" in report.refused[0].message
    with hub.session() as session:
        assert "10003" not in {d.ref for d in all_invoices(session, 1)}


def test_a_credit_note_is_checked_against_an_original_further_on_in_the_file(
    hub: Store, clock: ManualClock, tmp_path: Path
) -> None:
    """The original is in a later batch: the credit note waits for it, so it is not called
    unknown, and crediting more than the original is found as before."""
    too_much = credit_note("90001", "10900")
    too_much["lines"][0]["quantity"] = "-100"
    unknown = credit_note("90002", "77777")
    documents = [too_much, unknown, *numbered(2 * BATCH)]
    report = run(hub, clock, write_json(tmp_path, documents))
    assert report.new == len(documents) and not report.refused
    found = {(p.document, p.rule) for p in report.held}
    assert found == {
        ("Credit note 90001", "credit_note_exceeds_original"),
        ("Credit note 90002", "credited_invoice_unknown"),
    }


def test_csv_rows_of_one_invoice_far_apart_make_one_invoice(
    hub: Store, clock: ManualClock, tmp_path: Path
) -> None:
    documents = numbered(2 * BATCH + 100)
    path = write_csv(tmp_path, documents)
    lines = path.read_text(encoding="utf-8").splitlines()
    first = lines.pop(1)  # the first row of invoice 10000, moved to the end of the file
    path.write_text("\n".join([*lines, first]) + "\n", encoding="utf-8")
    report = run(hub, clock, path)
    assert report.new == len(documents) and not report.refused
    with hub.session() as session:
        stored = {d.ref: d for d in all_invoices(session, 1)}
    assert len(stored["10000"].payload["lines"]) == 2


def test_a_file_that_changes_between_its_two_readings_is_said_to_have_changed(
    tmp_path: Path,
) -> None:
    path = write_json(tmp_path, numbered(3))
    opened = open_invoice_file(path)
    path.write_text('{"invoices": [', encoding="utf-8")
    with pytest.raises(FileChanged, match="changed while it was being imported"):
        list(opened.documents())


def test_a_long_import_tells_how_many_documents_it_has_read(
    hub: Store, clock: ManualClock, tmp_path: Path
) -> None:
    """What the command's progress bar shows: the file's documents, then each batch read."""

    class Bar:
        def __init__(self) -> None:
            self.totals: list[int] = []
            self.steps: list[int] = []

        def planned(self, total: int) -> None:
            self.totals.append(total)

        def advanced(self, count: int) -> None:
            self.steps.append(count)

    bar = Bar()
    documents = numbered(2 * BATCH + 100)
    import_invoices(hub, clock, company=COMPANY, path=write_json(tmp_path, documents), progress=bar)
    assert bar.totals == [len(documents)]
    assert bar.steps == [BATCH, BATCH, 100]


def test_numbers_are_looked_up_through_the_index_even_in_a_table_never_analyzed(
    hub: Store, clock: ManualClock, database_url: str
) -> None:
    """A new hub filling up in one big import: PostgreSQL has no statistics of the document
    table yet, and `ref IN (...)` would be planned as a scan of all the company's documents
    for every batch (an import of N documents costing N²). Each number is one index lookup."""
    if database_url.startswith("sqlite"):
        pytest.skip("SQLite plans IN (...) on the unique index by itself")
    fill(hub, clock, numbered(2000, start=1))
    with hub.session() as session:
        lookup = select(documents._by_ref(session, select(Document.id), 1, INVOICE, ["5", "7"]))
        compiled = lookup.compile(dialect=session.get_bind().dialect)
        (plan,) = (
            session.connection()
            .exec_driver_sql("EXPLAIN (ANALYZE, FORMAT JSON) " + str(compiled), compiled.params)
            .scalar_one()
        )

    def nodes(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
        yield node
        for child in node.get("Plans", []):
            yield from nodes(child)

    scans = [n for n in nodes(plan["Plan"]) if n.get("Relation Name") == "document"]
    assert scans and all(n["Node Type"] in {"Index Scan", "Index Only Scan"} for n in scans)
    assert sum(n.get("Rows Removed by Filter", 0) for n in scans) == 0
    assert sum(n["Actual Rows"] * n["Actual Loops"] for n in scans) == 2
