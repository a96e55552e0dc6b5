"""Netvisor flow: purchase invoices in (seed 004's "Fetch Purchase Invoices").

The invoices dated in a period (since a date, since the last fetch with a week of overlap, or
the last 30 days) are listed, then read 500 at a time (Netvisor's most), with their attachments
unless told not to; each is kept as a canonical purchase invoice, new or changed, for the ERP to
book. The seed's counters are kept: the day of the last fetch and how many were fetched then.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import islice

from sqlalchemy.orm import Session

from tilisilta.clock import today
from tilisilta.connectors.base import FlowContext
from tilisilta.connectors.netvisor.client.wire import Element
from tilisilta.connectors.netvisor.errors import describe_failure
from tilisilta.connectors.netvisor.flows.connection import open_client
from tilisilta.connectors.netvisor.mapping.purchases import purchase_invoice
from tilisilta.http.errors import RemoteError
from tilisilta.ledger.exchanges import inbound
from tilisilta.ledger.outcomes import State
from tilisilta.listing import Listed
from tilisilta.store import connection_state
from tilisilta.store.documents import PURCHASE_INVOICE, Upsert, upsert_document

FETCH_PURCHASE = "netvisor.fetch_purchase_invoice"
LAST_FETCH = "purchases.last_fetch"
LAST_COUNT = "purchases.last_count"
OVERLAP = timedelta(days=7)
FIRST_PERIOD = timedelta(days=30)
STORED_TOGETHER = 50  # invoices a transaction


@dataclass
class PurchaseFetchReport:
    since: date | None = None
    until: date | None = None
    new: Listed[str] = field(default_factory=Listed)  # "vendor: number"
    changed: Listed[str] = field(default_factory=Listed)
    unchanged: int = 0
    attachments: int = 0
    unreadable: list[str] = field(default_factory=list)
    aborted: str | None = None


def fetch_purchase_invoices(
    context: FlowContext,
    *,
    since: date | None = None,
    until: date | None = None,
    factual_verification_only: bool | None = None,
    attachments: bool | None = None,
) -> PurchaseFetchReport:
    report = PurchaseFetchReport()
    client, options = open_client(context)
    store, connection_id = context.store, context.connection_id
    with store.session() as session:
        last = connection_state.get(session, connection_id, LAST_FETCH)
    configured = date.fromisoformat(options.purchases_since) if options.purchases_since else None
    end = until or today(context.clock)
    start = since or configured
    if start is None:
        start = date.fromisoformat(str(last)) - OVERLAP if last else end - FIRST_PERIOD
    report.since, report.until = start, end
    only_open = (
        options.purchases_in_factual_verification_only
        if factual_verification_only is None
        else factual_verification_only
    )
    with_files = options.purchases_with_attachments if attachments is None else attachments
    try:
        approval = "open" if only_open else None
        with client.purchase_invoice_list(begin=start, end=end, approval=approval) as keys:
            context.planned(keys.count)
            invoices = client.purchase_invoices(keys, attachments=with_files)
            # Stored a few at a time, each few in a transaction of its own: memory stays that
            # of one invoice however many the period holds, and a run cut short keeps what it
            # stored.
            while stored := _store_some(context, invoices, report):
                context.advanced(stored)
    except RemoteError as exc:
        report.aborted = describe_failure(exc, "give the purchase invoices")
        return report
    finally:
        client.close()
    now = context.clock.now()
    with store.session() as session:
        connection_state.put(session, connection_id, LAST_FETCH, end.isoformat(), now)
        fetched = len(report.new) + len(report.changed)
        connection_state.put(session, connection_id, LAST_COUNT, fetched, now)
    return report


def _store_some(
    context: FlowContext, invoices: Iterator[Element], report: PurchaseFetchReport
) -> int:
    """Store the next few invoices in one transaction; how many there were."""
    stored = 0
    with context.store.session() as session:
        for element in islice(invoices, STORED_TOGETHER):
            _store(context, session, element, report)
            stored += 1
    return stored


def _store(
    context: FlowContext, session: Session, element: Element, report: PurchaseFetchReport
) -> None:
    """One purchase invoice read from Netvisor, stored as a document once (and again only when
    it changed there), with its inbound exchange for the log."""
    try:
        invoice = purchase_invoice(element)
    except ValueError as exc:
        report.unreadable.append(str(exc))
        return
    now = context.clock.now()
    label = f"{invoice.vendor.name}: {invoice.number or invoice.source_id}"
    document, outcome = upsert_document(
        session,
        context.company_id,
        PURCHASE_INVOICE,
        f"netvisor:{invoice.source_id}",
        invoice,
        now,
    )
    if outcome is Upsert.UNCHANGED:
        report.unchanged += 1
        return
    (report.new if outcome is Upsert.NEW else report.changed).append(label)
    report.attachments += len(invoice.attachments)
    session.add(
        inbound(
            connection_id=context.connection_id,
            document=document,
            operation=FETCH_PURCHASE,
            state=State.SENT,
            message=f"Purchase invoice {invoice.number} from {invoice.vendor.name}, "
            f"{invoice.total:.2f} {invoice.currency}, dated {invoice.invoice_date}"
            + (f", {len(invoice.attachments)} attachment(s)" if invoice.attachments else ""),
            external_id=invoice.source_id,
            now=now,
        )
    )
