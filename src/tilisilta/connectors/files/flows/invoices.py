"""Importing invoices from a file into the hub: parse, check against the domain rules, store.

What an import costs follows the file, not the store. The file is read through once for what
concerns it whole (nothing is written when it is not UTF-8, not JSON, or its CSV header is
wrong), then document by document; every 500 documents are looked up by number (id, version and
content hash only, through the unique index), checked and written in one transaction. A document
whose content is stored already costs its reading and that lookup: it is not checked against the
rules again, and not written. A credit note's original is read by number. The report counts
what was imported and lists what a person must look at, the first 1,000 problems of each kind:
what an import holds does not grow with the file.
"""

from __future__ import annotations

import dataclasses
import heapq
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy.orm import Session

from tilisilta.clock import Clock, today
from tilisilta.connectors.files.mapping.invoices import (
    InvoiceFile,
    ReadDocument,
    open_invoice_file,
)
from tilisilta.domain.documents import Invoice, InvoiceKind, Seller
from tilisilta.domain.validation import (
    Problem,
    Severity,
    ValidationContext,
    document_label,
    validate_invoice,
)
from tilisilta.listing import LISTED
from tilisilta.store.companies import find_company, seller_of
from tilisilta.store.documents import (
    INVOICE,
    Upsert,
    invoice_totals,
    invoices_by_number,
    save_documents,
    stored_versions,
)
from tilisilta.store.engine import Store

if TYPE_CHECKING:  # the connector seam's modules (HTTP, ledger) are not needed to import a file
    from tilisilta.connectors.base import Progress

BATCH = 500  # documents looked up, checked and written in one transaction


@dataclass
class ImportReport:
    """What an import did. The documents are counted, not listed, so an import's memory does
    not grow with the file; the ones a person must look at are listed with why, in file order,
    the first `LISTED` of each kind, and the rest counted (``refused_more``, ``held_more``).
    A problem with the company's own details is listed once, of the company, not of each
    document it concerns."""

    source: str
    seen: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    refused: list[Problem] = field(default_factory=list)  # could not be read: not stored
    held: list[Problem] = field(default_factory=list)  # rule findings on stored documents
    refused_more: int = 0  # refused beyond those listed
    held_more: int = 0  # findings beyond those listed


def import_invoices(
    store: Store, clock: Clock, *, company: str, path: Path, progress: Progress | None = None
) -> ImportReport:
    """Every document is read; readable ones are stored (a new version when changed), and the
    domain rules' findings on new and changed ones are reported now so nobody waits for the send
    to learn of them (an unchanged one was checked when it was imported, and is at each send).

    A document the rules cannot even compute with (a number beyond the hub's arithmetic that
    slipped past the reading limits) is refused and not stored; the file's other documents are
    still imported. Each batch is committed on its own: an import stopped halfway (killed, the
    database gone) keeps the batches written, and importing the file again adds the rest."""
    file = open_invoice_file(path)
    with store.session() as session:
        owner = find_company(session, company)
        company_id, seller = owner.id, seller_of(owner)
    run = _Run(store, company_id, seller, clock, file)
    if progress is not None:
        progress.planned(file.expected)
    for batch in _batches(file.documents(), BATCH):
        run.read(batch)
        if progress is not None:
            progress.advanced(len(batch))
        batch.clear()  # gone before the next batch is read, not after
    return run.finish(str(path))


T = TypeVar("T")


def _batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


class _FirstFew:
    """The first `LISTED` problems by their place, and how many were added in all."""

    def __init__(self) -> None:
        self.count = 0
        self._kept: list[tuple[int, int, Problem]] = []  # places negated: the furthest on top

    def add(self, problem: Problem, place: int | None = None) -> None:
        """Keep ``problem`` if it is among the first; ``place`` in the file, else as added."""
        self.count += 1
        item = (-(self.count if place is None else place), -self.count, problem)
        if len(self._kept) < LISTED:
            heapq.heappush(self._kept, item)
        elif item > self._kept[0]:
            heapq.heapreplace(self._kept, item)

    def listed(self) -> list[Problem]:
        return [problem for _, _, problem in sorted(self._kept, reverse=True)]


def _listed(*parts: list[Problem] | _FirstFew) -> tuple[list[Problem], int]:
    """The first `LISTED` of these problems, in order, and how many more there are."""
    listed: list[Problem] = []
    total = 0
    for part in parts:
        problems = part if isinstance(part, list) else part.listed()
        total += len(problems) if isinstance(part, list) else part.count
        listed += problems[: LISTED - len(listed)]
    return listed, total - len(listed)


class _Run:
    """One import: the documents so far, what they gave, and the credit notes that wait for an
    original further on in the file."""

    def __init__(
        self, store: Store, company_id: int, seller: Seller | None, clock: Clock, file: InvoiceFile
    ) -> None:
        self.store, self.company_id, self.file = store, company_id, file
        self.now = clock.now()
        # The company's details are checked once, here, and told once, of the company.
        self.context = ValidationContext(today=today(clock), seller=seller, company_told_apart=True)
        self.report = ImportReport(source=file.source)
        self.read_errors, self.read_warnings = _FirstFew(), _FirstFew()  # by place in the file
        self.not_computable = _FirstFew()
        self.findings = _FirstFew()
        self.company_seller = False  # whether a document checked has the company as its seller
        self.waiting: list[Invoice] = []  # credit notes whose original comes later in the file

    def read(self, batch: list[ReadDocument]) -> None:
        for document in batch:
            for problem in document.problems:
                error = problem.severity is Severity.ERROR
                (self.read_errors if error else self.read_warnings).add(problem, document.order)
        self._store([d.invoice for d in batch if d.invoice is not None], may_wait=True)

    def finish(self, source: str) -> ImportReport:
        for batch in _batches(self.waiting, BATCH):
            self._store(batch, may_wait=False)
        report = self.report
        report.source, report.seen = source, self.file.seen
        errors = [p for p in self.file.problems if p.severity is Severity.ERROR]
        warnings = [p for p in self.file.problems if p.severity is Severity.WARNING]
        company = self.context.company_problems() if self.company_seller else []
        report.refused, report.refused_more = _listed(errors, self.read_errors, self.not_computable)
        report.held, report.held_more = _listed(
            warnings, self.read_warnings, company, self.findings
        )
        return report

    def _store(self, invoices: list[Invoice], *, may_wait: bool) -> None:
        """Look the batch up, check what changed, write it: one transaction."""
        digests = {invoice.number: invoice.content_hash() for invoice in invoices}
        with self.store.session() as session:
            stored = stored_versions(session, self.company_id, INVOICE, digests)
            changed: list[Invoice] = []
            for invoice in invoices:
                known = stored.get(invoice.number)
                if known is not None and known.content_hash == digests[invoice.number]:
                    self.report.unchanged += 1
                else:
                    changed.append(invoice)
            totals = self._totals(session, invoices, changed)
            checked = self._checked(changed, totals, may_wait=may_wait)
            outcome = save_documents(
                session,
                self.company_id,
                INVOICE,
                [(invoice.number, invoice, digests[invoice.number]) for invoice in checked],
                stored,
                self.now,
            )
        made = sum(1 for status in outcome if status is Upsert.NEW)
        self.report.new += made
        self.report.changed += len(outcome) - made

    def _totals(
        self, session: Session, batch: list[Invoice], changed: list[Invoice]
    ) -> dict[str, Decimal]:
        """The totals the changed credit notes are checked with: their originals' (from this
        batch, else from the store, read by number) and their own, as the rules expect every
        document of the file to be known."""
        notes = [invoice for invoice in changed if _credited(invoice)]
        if not notes:
            return {}
        here = {invoice.number: invoice for invoice in batch}
        originals = {_credited(note) for note in notes}
        totals: dict[str, Decimal] = {}
        for number in (originals | {note.number for note in notes}) & here.keys():
            try:
                totals[number] = here[number].total
            except ArithmeticError:
                continue  # not computable: refused when it is checked itself
        elsewhere = sorted(originals - here.keys())
        if elsewhere:
            found = invoices_by_number(session, self.company_id, elsewhere)
            totals = invoice_totals(found) | totals
        return totals

    def _checked(
        self, invoices: list[Invoice], totals: dict[str, Decimal], *, may_wait: bool
    ) -> list[Invoice]:
        """The invoices to store, their findings reported. A credit note whose original is
        neither stored nor in this batch but named in the file (so further on, or refused)
        waits until the end of the file, and is checked then."""
        context = dataclasses.replace(self.context, known_invoices=totals)
        checked: list[Invoice] = []
        for invoice in invoices:
            credited = _credited(invoice)
            if may_wait and credited and credited not in totals and self.file.may_hold(credited):
                self.waiting.append(invoice)
                continue
            try:
                findings = validate_invoice(invoice, context)
            except ArithmeticError as exc:
                self.not_computable.add(_not_computable(invoice, exc))
                continue
            for finding in findings:
                self.findings.add(finding)
            self.company_seller = self.company_seller or invoice.seller is None
            checked.append(invoice)
        return checked


def _credited(invoice: Invoice) -> str:
    if invoice.kind is not InvoiceKind.CREDIT_NOTE:
        return ""
    return (invoice.credited_invoice_number or "").strip()


def _not_computable(invoice: Invoice, exc: ArithmeticError) -> Problem:
    return Problem(
        document=document_label(invoice),
        field="document",
        value=None,
        message=f"The document's amounts cannot be computed ({type(exc).__name__}); "
        "it was not imported.",
        fix="check its quantities, prices, discounts and rates for typing or unit errors.",
        rule="import.not_computable",
    )
