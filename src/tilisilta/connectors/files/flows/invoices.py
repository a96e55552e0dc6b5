"""Importing invoices from a file into the hub: parse, check against the domain rules, store."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from tilisilta.clock import Clock, today
from tilisilta.connectors.files.mapping.invoices import ImportResult, parse_invoice_file
from tilisilta.domain.documents import Invoice
from tilisilta.domain.validation import (
    Problem,
    Severity,
    ValidationContext,
    document_label,
    validate_invoice,
)
from tilisilta.store.companies import find_company, seller_of
from tilisilta.store.documents import Upsert, credited_totals, upsert_invoice
from tilisilta.store.engine import Store


@dataclass
class ImportReport:
    source: str
    seen: int = 0
    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    refused: list[Problem] = field(default_factory=list)  # could not be read: not stored
    held: list[Problem] = field(default_factory=list)  # rule findings on stored documents


def import_invoices(store: Store, clock: Clock, *, company: str, path: Path) -> ImportReport:
    """Every document is checked; readable ones are stored (a new version when changed), and the
    domain rules' findings are reported now so nobody waits for the send to learn of them.

    A document the rules cannot even compute with (a number beyond the hub's arithmetic that
    slipped past the reading limits) is refused and not stored; the file's other documents are
    still imported."""
    parsed: ImportResult = parse_invoice_file(path)
    report = ImportReport(
        source=str(path),
        seen=parsed.seen,
        refused=[p for p in parsed.problems if p.severity is Severity.ERROR],
        held=[p for p in parsed.problems if p.severity is Severity.WARNING],
    )
    now = clock.now()
    with store.session() as session:
        owner = find_company(session, company)
        known = credited_totals(session, owner.id, parsed.invoices)
        computable: list[Invoice] = []
        for invoice in parsed.invoices:
            try:
                known[invoice.number] = invoice.total
            except ArithmeticError as exc:
                report.refused.append(_not_computable(invoice, exc))
            else:
                computable.append(invoice)
        context = ValidationContext(
            today=today(clock),
            seller=seller_of(owner),
            known_invoices=known,
        )
        for invoice in computable:
            try:
                findings = validate_invoice(invoice, context)
            except ArithmeticError as exc:
                report.refused.append(_not_computable(invoice, exc))
                continue
            _doc, status = upsert_invoice(session, owner.id, invoice, now)
            {Upsert.NEW: report.new, Upsert.CHANGED: report.changed}.get(
                status, report.unchanged
            ).append(invoice.number)
            report.held.extend(findings)
    return report


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
