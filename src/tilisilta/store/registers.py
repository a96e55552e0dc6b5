"""A company's customers and products, stored as Documents (kind ``party``/``product``).

They come from a master the ERP sends, or, when it sends none, from what the stored invoices
carry: their customers and their rows' product codes. Bindings to external records use the
document's id, which stays the same when a new version of the party or product is stored.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tilisilta.domain.documents import Invoice, Party, Product
from tilisilta.store.documents import INVOICE, Upsert, upsert_document
from tilisilta.store.models import Document

PARTY = "party"
PRODUCT = "product"


def upsert_party(
    session: Session, company_id: int, party: Party, now: datetime
) -> tuple[Document, Upsert]:
    return upsert_document(session, company_id, PARTY, party.ref, party, now)


def upsert_product(
    session: Session, company_id: int, product: Product, now: datetime
) -> tuple[Document, Upsert]:
    return upsert_document(session, company_id, PRODUCT, product.code, product, now)


def load_party(document: Document) -> Party:
    return Party.model_validate(document.payload)


def load_product(document: Document) -> Product:
    return Product.model_validate(document.payload)


def find(session: Session, company_id: int, kind: str, ref: str) -> Document | None:
    return session.scalar(
        select(Document).where(
            Document.company_id == company_id, Document.kind == kind, Document.ref == ref
        )
    )


def all_of_kind(session: Session, company_id: int, kind: str) -> list[Document]:
    return list(
        session.scalars(
            select(Document)
            .where(Document.company_id == company_id, Document.kind == kind)
            .order_by(Document.id)
        )
    )


def _invoices_newest_first(session: Session, company_id: int) -> Iterable[Document]:
    return session.scalars(
        select(Document)
        .where(Document.company_id == company_id, Document.kind == INVOICE)
        .order_by(Document.updated_at.desc(), Document.id.desc())
    )


def parties_from_invoices(session: Session, company_id: int, now: datetime) -> list[str]:
    """Store the customers of the stored invoices as parties; the refs that were new or changed.

    The newest information the hub received wins: a party is rewritten from the most recently
    stored invoice of that customer only when that invoice arrived after the party was last
    stored, so a party master imported later is not overwritten by older invoices.
    """
    stored = {d.ref: d for d in all_of_kind(session, company_id, PARTY)}
    seen: set[str] = set()
    touched: list[str] = []
    for doc in _invoices_newest_first(session, company_id):
        customer = Invoice.model_validate(doc.payload).customer
        if customer.ref in seen:
            continue
        seen.add(customer.ref)
        party = stored.get(customer.ref)
        if party is not None and party.updated_at >= doc.updated_at:
            continue
        _doc, status = upsert_party(session, company_id, customer, now)
        if status is not Upsert.UNCHANGED:
            touched.append(customer.ref)
    return touched


def products_from_invoices(session: Session, company_id: int, now: datetime) -> list[str]:
    """Store the product codes on invoice rows that no product exists for yet; the new codes.

    Only missing products are made: a row's price and text belong to that sale (a discount, a
    customer's own wording), so they never overwrite a product once it exists.
    """
    known = {d.ref for d in all_of_kind(session, company_id, PRODUCT)}
    added: list[str] = []
    for doc in _invoices_newest_first(session, company_id):
        invoice = Invoice.model_validate(doc.payload)
        for line in invoice.lines:
            code = (line.product_code or "").strip()
            if not code or code in known:
                continue
            known.add(code)
            upsert_product(session, company_id, Product.from_line(line, invoice.currency), now)
            added.append(code)
    return added
