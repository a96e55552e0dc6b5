"""Canonical documents as received from the ERP, versioned when their content changes."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import Select, String, Subquery, cast, func, insert, select, true, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session, aliased

from tilisilta.domain.documents import Document as Canonical
from tilisilta.domain.documents import Invoice
from tilisilta.store.models import Document

INVOICE = "invoice"
PURCHASE_INVOICE = "purchase_invoice"  # a vendor's invoice, from the accounting system


class Upsert(StrEnum):
    NEW = "new"
    CHANGED = "changed"
    UNCHANGED = "unchanged"


def upsert_document(
    session: Session, company_id: int, kind: str, ref: str, record: Canonical, now: datetime
) -> tuple[Document, Upsert]:
    """Store a canonical record under (company, kind, ref); a new version only when it changed."""
    digest = record.content_hash()
    existing = session.scalar(
        select(Document).where(
            Document.company_id == company_id, Document.kind == kind, Document.ref == ref
        )
    )
    payload = record.model_dump(mode="json")
    if existing is None:
        doc = Document(
            company_id=company_id,
            kind=kind,
            ref=ref,
            version=1,
            content_hash=digest,
            payload=payload,
            created_at=now,
            updated_at=now,
        )
        session.add(doc)
        session.flush()
        return doc, Upsert.NEW
    if existing.content_hash == digest:
        return existing, Upsert.UNCHANGED
    existing.version += 1
    existing.content_hash = digest
    existing.payload = payload
    existing.updated_at = now
    return existing, Upsert.CHANGED


@dataclass(frozen=True)
class Stored:
    """What tells whether a document changed, without its payload."""

    id: int
    version: int
    content_hash: str


_PER_QUERY = 500  # refs in one IN (...): well within SQLite's and PostgreSQL's parameter limits


def stored_versions(
    session: Session, company_id: int, kind: str, refs: Collection[str]
) -> dict[str, Stored]:
    """Ref -> id, version and hash of those of these documents that are stored, read by ref
    through the (company, kind, ref) unique index, 500 at a time; payloads stay unread."""
    wanted = sorted(set(refs))
    found: dict[str, Stored] = {}
    for start in range(0, len(wanted), _PER_QUERY):
        stored = _by_ref(
            session,
            select(Document.ref, Document.id, Document.version, Document.content_hash),
            company_id,
            kind,
            wanted[start : start + _PER_QUERY],
        )
        rows = session.execute(select(stored))
        found.update({ref: Stored(id_, version, digest) for ref, id_, version, digest in rows})
    return found


def _by_ref(
    session: Session,
    query: Select[*tuple[Any, ...]],
    company_id: int,
    kind: str,
    refs: list[str],
) -> Subquery:
    """The rows of ``query`` (on the document table) for these refs, as a subquery.

    On PostgreSQL each ref is looked up on its own through the unique index (a lateral join
    over the list): with `ref IN (...)` a table never analyzed, such as that of a new hub
    filling up in one big import, is planned as one scan of the company's documents per
    query, which makes an import of N documents cost N². SQLite plans `IN` as index lookups."""
    where = (Document.company_id == company_id, Document.kind == kind)
    if session.get_bind().dialect.name != "postgresql":
        return query.where(*where, Document.ref.in_(refs)).subquery("stored")
    wanted = func.unnest(cast(refs, ARRAY(String))).table_valued("ref").render_derived("wanted")
    one = query.where(*where, Document.ref == wanted.c.ref).limit(1).lateral("stored")
    return select(one).select_from(wanted).join(one, true()).subquery("stored")


def save_documents(
    session: Session,
    company_id: int,
    kind: str,
    documents: Sequence[tuple[str, Canonical, str]],
    stored: Mapping[str, Stored],
    now: datetime,
) -> list[Upsert]:
    """Store (ref, record, content hash) triples in bulk, given what `stored_versions` found:
    a new document is inserted, a changed one gets a new version, an unchanged one is left
    alone. Returns what became of each, in order."""
    inserted: list[dict[str, Any]] = []
    updated: list[dict[str, Any]] = []
    outcome: list[Upsert] = []
    for ref, record, digest in documents:
        known = stored.get(ref)
        if known is None:
            inserted.append(
                {
                    "company_id": company_id,
                    "kind": kind,
                    "ref": ref,
                    "version": 1,
                    "content_hash": digest,
                    "payload": record.model_dump(mode="json"),
                    "created_at": now,
                    "updated_at": now,
                }
            )
            outcome.append(Upsert.NEW)
        elif known.content_hash == digest:
            outcome.append(Upsert.UNCHANGED)
        else:
            updated.append(
                {
                    "id": known.id,
                    "version": known.version + 1,
                    "content_hash": digest,
                    "payload": record.model_dump(mode="json"),
                    "updated_at": now,
                }
            )
            outcome.append(Upsert.CHANGED)
    if inserted:
        session.execute(insert(Document), inserted)
    if updated:
        session.execute(update(Document), updated)
    return outcome


def upsert_invoice(
    session: Session, company_id: int, invoice: Invoice, now: datetime
) -> tuple[Document, Upsert]:
    return upsert_document(session, company_id, INVOICE, invoice.number, invoice, now)


def load_invoice(document: Document) -> Invoice:
    return Invoice.model_validate(document.payload)


def invoices_by_number(session: Session, company_id: int, numbers: list[str]) -> list[Document]:
    stored = _by_ref(session, select(Document), company_id, INVOICE, numbers)
    return list(session.scalars(select(aliased(Document, stored))))


def invoice_totals(documents: Iterable[Document]) -> dict[str, Decimal]:
    """Invoice number -> total, for checking what a credit note credits."""
    return {inv.number: inv.total for inv in map(load_invoice, documents)}


def credited_totals(
    session: Session, company_id: int, invoices: Iterable[Invoice | Document]
) -> dict[str, Decimal]:
    """The totals of the invoices these credit notes credit, read by number: checking a credit
    note needs its original, not the whole store."""
    numbers = set()
    for item in invoices:
        credited = (
            item.payload.get("credited_invoice_number")
            if isinstance(item, Document)
            else item.credited_invoice_number
        )
        if credited:
            numbers.add(str(credited))
    if not numbers:
        return {}
    return invoice_totals(invoices_by_number(session, company_id, sorted(numbers)))


def all_invoices(session: Session, company_id: int) -> list[Document]:
    """Every invoice of the company (for reports and tests; a run reads only what it needs)."""
    return list(
        session.scalars(
            select(Document)
            .where(Document.company_id == company_id, Document.kind == INVOICE)
            .order_by(Document.id)
        )
    )
