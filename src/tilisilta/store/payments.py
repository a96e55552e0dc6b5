"""Payments received from an accounting system, kept as canonical documents of kind "payment"."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tilisilta.domain.documents import Payment
from tilisilta.store.models import Document

PAYMENT = "payment"


def upsert_payment(
    session: Session, company_id: int, ref: str, payment: Payment, now: datetime
) -> tuple[Document, bool]:
    """Record the payment under ``ref`` unless it is already there; True when it was new.

    A recorded payment is kept as it was first recorded: it is a fact the ERP may already have
    booked, so a later read of the same event never rewrites it.
    """
    existing = session.scalar(
        select(Document).where(
            Document.company_id == company_id, Document.kind == PAYMENT, Document.ref == ref
        )
    )
    if existing is not None:
        return existing, False
    doc = Document(
        company_id=company_id,
        kind=PAYMENT,
        ref=ref,
        version=1,
        content_hash=payment.content_hash(),
        payload=payment.model_dump(mode="json"),
        created_at=now,
        updated_at=now,
    )
    session.add(doc)
    session.flush()
    return doc, True


def recorded_payment_refs(session: Session, company_id: int, refs: Iterable[str]) -> set[str]:
    """Which of these refs are already recorded: one query for a whole batch."""
    wanted = list(refs)
    if not wanted:
        return set()
    return set(
        session.scalars(
            select(Document.ref).where(
                Document.company_id == company_id,
                Document.kind == PAYMENT,
                Document.ref.in_(wanted),
            )
        )
    )


def load_payment(document: Document) -> Payment:
    return Payment.model_validate(document.payload)


def all_payments(session: Session, company_id: int) -> list[Document]:
    return list(
        session.scalars(
            select(Document)
            .where(Document.company_id == company_id, Document.kind == PAYMENT)
            .order_by(Document.id)
        )
    )
