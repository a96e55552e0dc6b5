"""Odoo flow: pulling posted customer invoices and credit notes into the hub.

Each page of changed moves is read with everything its mapping needs in a few bulk calls (rows,
partners, products, units, credited invoices, PDFs), stored as canonical invoices bound to their
Odoo ids, and committed together with the cursor: a pull that stops half-way resumes where it was.
A move that cannot be mapped is kept as it was read, with a data issue saying what to fix in Odoo.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tilisilta.connectors.base import FlowContext
from tilisilta.connectors.odoo.client import OdooClient
from tilisilta.connectors.odoo.client.errors import describe
from tilisilta.connectors.odoo.flows.connection import company_context, open_client
from tilisilta.connectors.odoo.flows.pulling import pull_changes
from tilisilta.connectors.odoo.flows.units import UnitReader
from tilisilta.connectors.odoo.mapping.raw import RawRecord
from tilisilta.connectors.odoo.mapping.records import (
    INVOICE_TYPES,
    Catalog,
    MappingFailed,
    MoveRecords,
    m2o_id,
    move_label,
    to_invoice,
)
from tilisilta.connectors.odoo.options import OdooOptions
from tilisilta.http.errors import RemoteError
from tilisilta.ledger.binder import bind, binding_of, binding_to, inbound_versions
from tilisilta.ledger.exchanges import inbound, logged, settle_issues
from tilisilta.ledger.outcomes import State
from tilisilta.listing import Listed
from tilisilta.store.documents import INVOICE, Upsert, upsert_document, upsert_invoice
from tilisilta.store.engine import Store
from tilisilta.store.models import Document

PULL_INVOICE = "odoo.pull_invoice"
RAW_MOVE = "odoo_move"  # a move kept as read, when it could not be mapped
MOVE_MODEL = "account.move"

# What the mapping reads, and no more.
MOVE_FIELDS = (
    "name",
    "move_type",
    "company_id",
    "commercial_partner_id",
    "invoice_date",
    "invoice_date_due",
    "currency_id",
    "payment_reference",
    "ref",
    "invoice_origin",
    "reversed_entry_id",
    "amount_total",
    "write_date",
)
LINE_FIELDS = (
    "move_id",
    "name",
    "display_type",
    "product_id",
    "quantity",
    "product_uom_id",
    "price_unit",
    "discount",
    "tax_ids",
    "price_subtotal",
)
PARTNER_FIELDS = (
    "name",
    "ref",
    "vat",
    "company_registry",
    "street",
    "street2",
    "zip",
    "city",
    "country_id",
    "email",
    "lang",
)
TAX_FIELDS = ("name", "amount", "amount_type", "type_tax_use", "description", "invoice_label")


@dataclass
class PullReport:
    """What a pull did; of each list, the first `LISTED` kept and the rest counted, so that a
    first pull of a long history does not grow with it."""

    new: Listed[str] = field(default_factory=Listed)  # invoice numbers stored for the first time
    changed: Listed[str] = field(default_factory=Listed)  # stored again with new content
    unchanged: int = 0  # read again (overlap window) and found the same
    data_issues: Listed[str] = field(default_factory=Listed)  # not mapped, and why
    other_company: int = 0  # records of a company this connection does not serve: dropped
    aborted: str | None = None


def pull_invoices(context: FlowContext) -> PullReport:
    """Store every posted customer invoice and credit note changed since the last pull. Each
    page kept advances the context's progress by the invoices on it."""
    store, clock = context.store, context.clock
    connection_id, company_id = context.connection_id, context.company_id
    client, options = open_client(context)
    report = PullReport()
    odoo_context = company_context(options)
    domain = [
        ("company_id", "=", options.odoo_company_id),
        ("move_type", "in", list(INVOICE_TYPES)),
        ("state", "=", "posted"),
    ]
    try:
        catalog = read_catalog(client, options)
        units = UnitReader(client, odoo_context)
        fields = client.available(MOVE_MODEL, MOVE_FIELDS)

        def prepare(stamps: list[dict[str, Any]]) -> tuple[list[MoveRecords], Catalog]:
            ours = [m for m in stamps if m2o_id(m.get("company_id")) == options.odoo_company_id]
            report.other_company += len(stamps) - len(ours)
            # Moves already stored as they are now (read again inside the overlap window) are
            # not read in full: their write_date says they did not change.
            seen = _seen_versions(store, connection_id, [str(m["id"]) for m in ours])
            fresh = [int(m["id"]) for m in ours if seen.get(str(m["id"])) != m["write_date"]]
            report.unchanged += len(ours) - len(fresh)
            moves = client.read(MOVE_MODEL, fresh, fields, context=odoo_context)
            bundles, products = read_bundles(client, options, moves, odoo_context)
            uom_ids = [m2o_id(line.get("product_uom_id")) or 0 for b in bundles for line in b.lines]
            return bundles, replace(catalog, products=products, odoo_units=units.read(uom_ids))

        def keep(session: Session, page: tuple[list[MoveRecords], Catalog]) -> None:
            bundles, page_catalog = page
            for bundle in bundles:
                _keep(session, connection_id, company_id, bundle, page_catalog, report, clock.now())

        pull_changes(
            context,
            client,
            options,
            MOVE_MODEL,
            domain,
            ["company_id"],
            prepare=prepare,
            keep=keep,
            report_pages=True,
        )
    except RemoteError as exc:
        report.aborted = describe(exc, "read invoices")
    finally:
        client.close()
    return report


def read_catalog(client: OdooClient, options: OdooOptions) -> Catalog:
    context = company_context(options)
    taxes = client.search_read(
        "account.tax",
        [("company_id", "=", options.odoo_company_id), ("type_tax_use", "=", "sale")],
        client.available("account.tax", TAX_FIELDS),
        context=context,
    )
    countries = client.search_read("res.country", [], ["code"], context=context)
    return Catalog(
        taxes={int(t["id"]): t for t in taxes},
        countries={int(c["id"]): str(c["code"]) for c in countries},
        tax_treatments=options.tax_treatments,
        units=options.units,
    )


def read_bundles(
    client: OdooClient,
    options: OdooOptions,
    moves: Sequence[dict[str, Any]],
    context: Mapping[str, Any],
) -> tuple[list[MoveRecords], dict[int, dict[str, Any]]]:
    """Everything the mapping needs for a page of moves, in one call per model."""
    if not moves:
        return [], {}
    ids = [int(m["id"]) for m in moves]
    lines = client.search_read(
        "account.move.line",
        [("move_id", "in", ids), ("display_type", "not in", ["tax", "payment_term", "rounding"])],
        client.available("account.move.line", LINE_FIELDS),
        context=context,
        order="move_id, sequence, id",
    )
    by_move: dict[int, list[dict[str, Any]]] = {}
    for line in lines:
        by_move.setdefault(m2o_id(line.get("move_id")) or 0, []).append(line)
    partner_ids = sorted({m2o_id(m.get("commercial_partner_id")) or 0 for m in moves} - {0})
    partners = {
        int(p["id"]): p
        for p in client.read(
            "res.partner",
            partner_ids,
            client.available("res.partner", PARTNER_FIELDS),
            context=context,
        )
    }
    product_ids = sorted({m2o_id(line.get("product_id")) or 0 for line in lines} - {0})
    products = {
        int(p["id"]): p
        for p in client.read(
            "product.product", product_ids, ["default_code", "name"], context=context
        )
    }
    credited_ids = sorted({m2o_id(m.get("reversed_entry_id")) or 0 for m in moves} - {0})
    credited = {
        int(c["id"]): c
        for c in client.read(MOVE_MODEL, credited_ids, ["name", "invoice_date"], context=context)
    }
    pdfs: dict[int, dict[str, Any]] = {}
    if options.attach_pdf:
        for attachment in client.search_read(
            "ir.attachment",
            [
                ("res_model", "=", MOVE_MODEL),
                ("res_id", "in", ids),
                ("mimetype", "=", "application/pdf"),
            ],
            ["res_id", "name", "datas"],
            context=context,
            order="id desc",
        ):
            pdfs.setdefault(int(attachment["res_id"]), attachment)
    bundles = []
    for move in moves:
        move_id = int(move["id"])
        partner_id = m2o_id(move.get("commercial_partner_id")) or 0
        credited_id = m2o_id(move.get("reversed_entry_id"))
        bundles.append(
            MoveRecords(
                move=move,
                lines=by_move.get(move_id, []),
                partner=partners.get(partner_id, {"id": partner_id}),
                credited=credited.get(credited_id) if credited_id else None,
                pdf=pdfs.get(move_id),
            )
        )
    return bundles, products


def _keep(
    session: Session,
    connection_id: int,
    company_id: int,
    bundle: MoveRecords,
    catalog: Catalog,
    report: PullReport,
    now: datetime,
) -> None:
    """Store one move: as a canonical invoice bound to its Odoo id, or as read, with its issue."""
    move_id = str(bundle.move["id"])
    raw_ref = f"{connection_id}:{move_id}"
    try:
        invoice = to_invoice(bundle, catalog)
    except MappingFailed as failed:
        raw = {
            "move": dict(bundle.move),
            "lines": [dict(line) for line in bundle.lines],
            "partner": dict(bundle.partner),
        }
        document, _ = upsert_document(
            session, company_id, RAW_MOVE, raw_ref, RawRecord(content=raw), now
        )
        message = f"{failed.label} was not taken from Odoo: " + "; ".join(failed.problems)
        if _log(session, connection_id, document, move_id, State.DATA_ISSUE, message, now):
            report.data_issues.append(message)
        return
    document, change = upsert_invoice(session, company_id, invoice, now)
    _bind(session, connection_id, document.id, move_id, str(bundle.move["write_date"]), now)
    _settle_raw(session, connection_id, company_id, raw_ref, invoice.number, now)
    if change is Upsert.UNCHANGED:
        report.unchanged += 1
        return
    (report.new if change is Upsert.NEW else report.changed).append(invoice.number)
    _log(
        session,
        connection_id,
        document,
        move_id,
        State.SENT,
        f"{move_label(bundle.move)} received from Odoo"
        + (" (changed since it was last read)" if change is Upsert.CHANGED else ""),
        now,
    )


def _log(
    session: Session,
    connection_id: int,
    document: Document,
    move_id: str,
    state: State,
    message: str,
    now: datetime,
) -> bool:
    """One inbound exchange per version of a document; False when this version was logged."""
    if logged(session, connection_id, document, PULL_INVOICE):
        return False
    session.add(
        inbound(
            connection_id=connection_id,
            document=document,
            operation=PULL_INVOICE,
            state=state,
            message=message,
            external_id=move_id,
            now=now,
        )
    )
    session.flush()
    return True


def _bind(
    session: Session,
    connection_id: int,
    document_id: int,
    move_id: str,
    write_date: str,
    now: datetime,
) -> None:
    """Bind the invoice to its move, noting the move's write_date as the version stored."""
    existing = binding_to(session, connection_id, INVOICE, move_id)
    if existing is not None:
        existing.local_id = document_id  # renumbered in Odoo: the move is the same record
        existing.inbound_version = write_date
        return
    earlier = binding_of(session, connection_id, INVOICE, document_id)
    if earlier is not None:
        # The number now belongs to another Odoo record (an Odoo database restored or set up
        # again): payments go to the record that has the number now.
        earlier.external_id = move_id
        earlier.inbound_version = write_date
        return
    bind(session, connection_id, INVOICE, document_id, move_id, now, inbound_version=write_date)
    session.flush()


def _seen_versions(store: Store, connection_id: int, move_ids: list[str]) -> dict[str, str]:
    """Move id → the write_date of the version the hub stored, for the moves it has."""
    if not move_ids:
        return {}
    with store.session() as session:
        return inbound_versions(session, connection_id, INVOICE, move_ids)


def _settle_raw(
    session: Session, connection_id: int, company_id: int, raw_ref: str, number: str, now: datetime
) -> None:
    """A move that once failed to map and now maps: its open data issues are settled."""
    raw_id = session.scalar(
        select(Document.id).where(
            Document.company_id == company_id, Document.kind == RAW_MOVE, Document.ref == raw_ref
        )
    )
    if raw_id is not None:
        settle_issues(
            session,
            connection_id=connection_id,
            document_id=raw_id,
            operation=PULL_INVOICE,
            note=f"fixed in Odoo, received as {number}",
            now=now,
        )
