"""Odoo flow: noticing invoices that left the posted state after the hub read them.

A ``write_date`` poll sees changes, but not a record that stops matching its domain (reset to
draft, cancelled) or disappears (deleted). This compares the hub's set of Odoo invoices with
Odoo's, in bulk, and files what left as a data issue, naming where the invoice was sent, since
that copy now needs a person. An invoice posted again later settles its issue.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from tilisilta.connectors.base import FlowContext
from tilisilta.connectors.odoo.client.errors import describe
from tilisilta.connectors.odoo.flows.connection import company_context, open_client
from tilisilta.connectors.odoo.flows.invoices import MOVE_MODEL
from tilisilta.http.errors import RemoteError
from tilisilta.ledger.binder import bound_elsewhere, local_ids_of
from tilisilta.ledger.exchanges import inbound, last_exchange, settle_issues
from tilisilta.ledger.outcomes import Category, State
from tilisilta.store.documents import INVOICE
from tilisilta.store.models import Document

RECONCILE_INVOICE = "odoo.reconcile_invoice"
CHUNK = 500


@dataclass
class ReconcileReport:
    checked: int = 0
    left: list[str] = field(default_factory=list)  # newly noticed, in plain words
    back: list[str] = field(default_factory=list)  # posted again: their issues settled
    aborted: str | None = None


def reconcile_invoices(context: FlowContext) -> ReconcileReport:
    """File as a data issue each invoice read before that is no longer posted in Odoo."""
    store, connection_id = context.store, context.connection_id
    client, options = open_client(context)
    with store.session() as session:
        bound = local_ids_of(session, connection_id, INVOICE)
    report = ReconcileReport(checked=len(bound))
    states: dict[str, str] = {}
    try:
        ids = sorted(int(move_id) for move_id in bound)
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            for row in client.search_read(
                MOVE_MODEL, [("id", "in", chunk)], ["state"], context=company_context(options)
            ):
                states[str(row["id"])] = str(row["state"])
    except RemoteError as exc:
        report.aborted = describe(exc, "check the invoices still in Odoo")
        return report
    finally:
        client.close()
    now = context.clock.now()
    with store.session() as session:
        for move_id, document_id in bound.items():
            state = states.get(move_id)
            document = session.get_one(Document, document_id)
            if state == "posted":
                settled = settle_issues(
                    session,
                    connection_id=connection_id,
                    document_id=document_id,
                    operation=RECONCILE_INVOICE,
                    note="posted in Odoo again",
                    now=now,
                )
                if settled:
                    report.back.append(document.ref)
                continue
            what = (
                "was deleted in Odoo" if state is None else f"is {state} in Odoo, no longer posted"
            )
            message = f"Invoice {document.ref} (Odoo id {move_id}) {what}" + _where_sent(
                session, connection_id, document_id
            )
            if _file(session, connection_id, document, move_id, message, now):
                report.left.append(message)
    return report


def _where_sent(session: Session, odoo_connection_id: int, document_id: int) -> str:
    sent = bound_elsewhere(session, INVOICE, document_id, odoo_connection_id)
    if not sent:
        return "; it was not sent anywhere, so nothing else needs doing"
    where = ", ".join(f"{name} (remote id {external})" for name, external in sent)
    return (
        f", after it was sent to {where}: cancel it there or issue a credit note, then ignore "
        "this exchange"
    )


def _file(
    session: Session,
    connection_id: int,
    document: Document,
    move_id: str,
    message: str,
    now: datetime,
) -> bool:
    """A data issue, once while one is open; a settled one of the same version is reopened
    (an exchange is unique per document version)."""
    last = last_exchange(session, connection_id, document.id, RECONCILE_INVOICE)
    if last is not None and last.state == State.DATA_ISSUE:
        return False
    if last is not None and last.document_version == document.version:
        last.state = State.DATA_ISSUE
        last.category = Category.DATA_ISSUE
        last.error = message
        last.updated_at = now
        return True
    session.add(
        inbound(
            connection_id=connection_id,
            document=document,
            operation=RECONCILE_INVOICE,
            state=State.DATA_ISSUE,
            message=message,
            external_id=move_id,
            now=now,
        )
    )
    return True
