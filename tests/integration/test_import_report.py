"""What an import tells a person, whatever the file's size: how many documents were new, changed,
unchanged and refused; which ones were refused or hold findings, and why, the first `LISTED` of
each in file order and how many more; and a problem with the company's own details (the seller of
every document that names none) once, of the company, not once for each document. On SQLite and
PostgreSQL.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.factories import invoice
from tilisilta.clock import ManualClock, today
from tilisilta.connectors.files.flows import invoices as flow
from tilisilta.connectors.files.flows.invoices import BATCH, ImportReport, import_invoices
from tilisilta.domain.documents import Seller
from tilisilta.domain.validation import Severity, ValidationContext, validate_invoice
from tilisilta.store import companies
from tilisilta.store.documents import all_invoices, load_invoice
from tilisilta.store.engine import Store

COMPANY = "2077474-0"
LONG_NAME = "Tilisilta Demo Oy, Helsingin toimipiste: talous- ja henkilöstöhallinnon palvelut"


@pytest.fixture
def hub(store: Store, clock: ManualClock) -> Store:
    with store.session() as session:
        companies.create_company(session, "Demo Oy", COMPANY, clock.now())
    return store


def numbered(count: int, start: int = 10_000) -> list[dict[str, Any]]:
    return [invoice(str(start + i)) for i in range(count)]


def run(
    store: Store, clock: ManualClock, documents: list[Any], path: Path, company: str = "Demo Oy"
) -> ImportReport:
    path.write_text(json.dumps({"invoices": documents}), encoding="utf-8")
    return import_invoices(store, clock, company=company, path=path)


def seller_problems(report: ImportReport) -> list[Any]:
    return [p for p in report.held if p.rule.startswith("seller")]


def test_the_report_counts_new_changed_unchanged_and_refused(
    hub: Store, clock: ManualClock, tmp_path: Path
) -> None:
    documents = numbered(BATCH + 10)
    first = run(hub, clock, documents, tmp_path / "first.json")
    assert (first.seen, first.new, first.changed, first.unchanged) == (BATCH + 10, BATCH + 10, 0, 0)
    assert first.refused == [] and first.held == [] and not first.refused_more

    documents[3] = invoice("10003", due_date="2026-07-01")
    documents[7]["lines"][0]["quantity"] = "kaksi"
    again = run(hub, clock, [*documents, invoice("20000")], tmp_path / "again.json")
    assert (again.seen, again.new, again.changed, again.unchanged) == (BATCH + 11, 1, 1, BATCH + 8)
    (refused,) = again.refused
    assert (refused.document, refused.field, refused.value) == (
        "Invoice 10007",
        "lines[1].quantity",
        "kaksi",
    )


def test_a_problem_with_the_company_is_told_once_of_the_company(
    store: Store, clock: ManualClock, tmp_path: Path
) -> None:
    """Every document of the file has the company as its seller, whose name is too long for an
    invoice: the finding is the company's, said once with its fix, not once a document. Sending
    still checks each document on its own, as it always did."""
    with store.session() as session:
        companies.create_company(session, LONG_NAME, COMPANY, clock.now())
    documents = numbered(2 * BATCH + 10)
    report = run(store, clock, documents, tmp_path / "erp.json", company=COMPANY)
    assert report.new == len(documents) and not report.refused
    (problem,) = report.held
    assert (problem.document, problem.field, problem.value) == (
        f"Company {LONG_NAME}",
        "seller.name",
        LONG_NAME[:40] + "…",
    )
    assert problem.severity is Severity.WARNING and problem.rule == "name_length"
    assert problem.message == f"Seller name is {len(LONG_NAME)} characters; it will be cut to 70."
    assert problem.fix == "use a name of at most 70 characters (e.g. without the department)."
    assert not report.held_more

    seller = Seller(name=LONG_NAME, business_id=COMPANY)
    context = ValidationContext(today=today(clock), seller=seller)
    with store.session() as session:
        stored = [load_invoice(d) for d in all_invoices(session, 1)[:3]]
    for document in stored:
        (own,) = validate_invoice(document, context)
        assert own.document == f"Invoice {document.number}"
        assert own.model_dump(exclude={"document"}) == problem.model_dump(exclude={"document"})


def test_a_seller_the_document_names_is_the_documents_to_answer_for(
    hub: Store, clock: ManualClock, tmp_path: Path
) -> None:
    own = invoice("10001", seller={"name": "Toinen Oy", "business_id": "0112038-8"})
    report = run(hub, clock, [invoice("10000"), own], tmp_path / "erp.json")
    (problem,) = seller_problems(report)
    assert (problem.document, problem.field) == ("Invoice 10001", "seller.business_id")


def test_the_company_is_not_told_of_when_no_document_was_checked(
    store: Store, clock: ManualClock, tmp_path: Path
) -> None:
    """An unchanged file is neither checked nor written, as before: it has nothing to say."""
    with store.session() as session:
        companies.create_company(session, LONG_NAME, COMPANY, clock.now())
    documents = numbered(5)
    first = run(store, clock, documents, tmp_path / "first.json", company=COMPANY)
    assert [p.document for p in first.held] == [f"Company {LONG_NAME}"]
    again = run(store, clock, documents, tmp_path / "again.json", company=COMPANY)
    assert again.unchanged == 5 and again.held == []
    changed = run(store, clock, [invoice("10002", notes="x")], tmp_path / "b.json", company=COMPANY)
    assert changed.changed == 1 and [p.document for p in changed.held] == [f"Company {LONG_NAME}"]


def test_a_report_lists_the_first_problems_in_file_order_and_counts_the_rest(
    hub: Store, clock: ManualClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a report holds does not grow with the file, however many documents are bad."""
    monkeypatch.setattr(flow, "LISTED", 3)
    documents = numbered(BATCH + 20)
    bad = [5, 6, 100, BATCH + 1, BATCH + 7]
    for i in bad:
        documents[i]["lines"][0]["quantity"] = "kaksi"
    long_name = "Oy " + "x" * 80
    warned = [0, 1, 2, 3]
    for i in warned:
        documents[i]["customer"]["name"] = long_name
    report = run(hub, clock, documents, tmp_path / "erp.json")
    assert report.new == len(documents) - len(bad)
    assert [p.document for p in report.refused] == [f"Invoice {10_000 + i}" for i in bad[:3]]
    assert report.refused_more == 2
    assert [p.document for p in report.held] == [f"Invoice {10_000 + i}" for i in warned[:3]]
    assert report.held_more == 1
