"""Netvisor flow: purchase invoices in (seed 004's "Fetch Purchase Invoices").

The first fetch lists the invoices dated in the last 30 days (or since `purchases_since`); each
later scheduled one lists those dated since that first day which changed in Netvisor since the
last fetch began, with an hour of overlap: an hourly run reads each invoice and its files once,
and one entered late with an earlier date is not missed. A period asked for (since, until) is
listed whole. The listed invoices are read 500 at a time (Netvisor's most), with their
attachments unless told not to, and each is kept as a canonical purchase invoice, new or changed,
for the ERP to book. The seed's counters are kept: the day of the last fetch and how many were
fetched then.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from itertools import islice

from sqlalchemy.orm import Session

from tilisilta.clock import finnish_time, today
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
COVERED = "purchases.covered"  # what the last scheduled fetch read (Covered)
OVERLAP = timedelta(days=7)
FIRST_PERIOD = timedelta(days=30)
# Changes since the last fetch began, and an hour before: the clocks of the hub and Netvisor may
# differ, and an hour repeats when summer time ends.
MODIFIED_OVERLAP = timedelta(hours=1)
STORED_TOGETHER = 50  # invoices a transaction


@dataclass
class PurchaseFetchReport:
    since: date | None = None
    until: date | None = None
    modified_since: datetime | None = None  # only those changed in Netvisor since (Finnish time)
    new: Listed[str] = field(default_factory=Listed)  # "vendor: number"
    changed: Listed[str] = field(default_factory=Listed)
    unchanged: int = 0
    attachments: int = 0
    unreadable: list[str] = field(default_factory=list)
    aborted: str | None = None


@dataclass(frozen=True)
class Covered:
    """What a scheduled fetch read, kept for the next: when it began (Finnish time), from which
    invoice date, whether only those in factual verification, whether with their files."""

    began: str
    since: str
    open_only: bool
    files: bool

    @staticmethod
    def kept(value: object) -> Covered | None:
        """As kept in the connection's state; None when it is not (an older hub's)."""
        if not isinstance(value, dict):
            return None
        try:
            covered = Covered(**value)
            date.fromisoformat(covered.since)
            datetime.fromisoformat(covered.began)
        except (TypeError, ValueError):
            return None
        return covered

    def covers(self, now: Covered) -> bool:
        return (
            self.since <= now.since
            and (now.open_only or not self.open_only)
            and (self.files or not now.files)
        )


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
    began = finnish_time(context.clock)
    with store.session() as session:
        last = connection_state.get(session, connection_id, LAST_FETCH)
        before = Covered.kept(connection_state.get(session, connection_id, COVERED))
    configured = date.fromisoformat(options.purchases_since) if options.purchases_since else None
    end = until or today(context.clock)
    start = since or configured
    if start is None and before is not None:
        start = date.fromisoformat(before.since)  # the first day the scheduled fetches cover
    if start is None:  # the first fetch (or the first since the hub kept what it covered)
        start = date.fromisoformat(str(last)) - OVERLAP if last else end - FIRST_PERIOD
    report.since, report.until = start, end
    only_open = (
        options.purchases_in_factual_verification_only
        if factual_verification_only is None
        else factual_verification_only
    )
    with_files = options.purchases_with_attachments if attachments is None else attachments
    # A period asked for is read whole. A scheduled one reads only what changed in Netvisor since
    # the last one began, if that one read as much (from as early a day, as many approval
    # states, the files): so one entered late with an earlier date is read too, on its own.
    scheduled = since is None and until is None
    covered = Covered(began.isoformat(timespec="seconds"), start.isoformat(), only_open, with_files)
    if scheduled and before is not None and before.covers(covered):
        report.modified_since = datetime.fromisoformat(before.began) - MODIFIED_OVERLAP
    try:
        approval = "open" if only_open else None
        listed = client.purchase_invoice_list(
            begin=start, end=end, approval=approval, modified_since=report.modified_since
        )
        with listed as keys:
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
        if scheduled:
            connection_state.put(session, connection_id, LAST_FETCH, end.isoformat(), now)
            connection_state.put(session, connection_id, COVERED, asdict(covered), now)
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
