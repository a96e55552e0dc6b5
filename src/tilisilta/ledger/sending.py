"""Sending a backlog, the same for every target: the documents are planned and sent a batch at
a time, each batch read in a transaction of its own, so a run's first call and its memory do not
wait for (or grow with) the backlog; and what the run reports: one line per document handled."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tilisilta.ledger.deliverer import RunAborted
from tilisilta.ledger.exchanges import exchanges_with_refs
from tilisilta.ledger.planning import unsent_ids
from tilisilta.ledger.protocol import DeliveryRunner
from tilisilta.store.engine import Store
from tilisilta.store.models import Document

#: Documents planned and sent together: one bulk look-up in the target and a few queries each.
BATCH = 500


@dataclass
class SendLine:
    number: str
    state: str
    external_id: str | None
    message: str | None


@dataclass
class SendSummary:
    lines: list[SendLine] = field(default_factory=list)
    unknown_numbers: list[str] = field(default_factory=list)
    #: the documents named that were sent before as they are
    already_sent: list[str] = field(default_factory=list)
    #: with none named: how many of the company's documents were sent before as they are
    unchanged: int = 0
    aborted: str | None = None

    def count(self, state: str) -> int:
        return sum(1 for line in self.lines if line.state == state)

    @property
    def sent_before(self) -> int:
        return len(self.already_sent) + self.unchanged

    def collect(
        self, store: Store, exchange_ids: Sequence[int], chosen: Sequence[Document]
    ) -> None:
        """One line per exchange worked; the chosen documents without one were sent before."""
        with store.session() as session:
            handled = set()
            for exchange, ref in exchanges_with_refs(session, exchange_ids):
                handled.add(exchange.document_id)
                line = SendLine(ref, exchange.state, exchange.external_id, exchange.error)
                self.lines.append(line)
        self.already_sent.extend(d.ref for d in chosen if d.id not in handled)


@dataclass
class Backlog:
    """The documents a sending run works through, in batches: the named ones, or every one
    the connection has not sent as it is now."""

    batches: Iterator[list[Document]]
    total: int  # for the progress shown


def backlog_of(
    store: Store,
    summary: SendSummary,
    connection_id: int,
    company_id: int,
    kind: str,
    numbers: Sequence[str] | None,
    find: Callable[[Session, Sequence[str]], list[Document]],
) -> Backlog:
    """The documents named (``find`` reads them by number), or with none named every one not
    sent as it is now."""
    if numbers:
        return named_backlog(store, summary, numbers, find)
    return unsent_backlog(store, summary, connection_id, company_id, kind)


def unsent_backlog(
    store: Store,
    summary: SendSummary,
    connection_id: int,
    company_id: int,
    kind: str,
    *,
    size: int | None = None,
) -> Backlog:
    """Every document of ``kind`` not sent over the connection as it is now, in the order they
    came, ``size`` (:data:`BATCH`) at a time; the summary learns how many were sent before
    (counted, not listed). Which ones is asked once (their ids: the store is read once however
    many batches follow, and what is held grows with the backlog, not the store); each batch's
    documents are read when its turn comes."""
    size = size or BATCH
    with store.session() as session:
        ids = unsent_ids(session, connection_id, company_id, kind)
        documents = session.scalar(
            select(func.count())
            .select_from(Document)
            .where(Document.company_id == company_id, Document.kind == kind)
        )
    summary.unchanged = (documents or 0) - len(ids)

    def batches() -> Iterator[list[Document]]:
        for start in range(0, len(ids), size):
            chunk = ids[start : start + size]
            with store.session() as session:
                batch = list(
                    session.scalars(
                        select(Document).where(Document.id.in_(chunk)).order_by(Document.id)
                    )
                )
            if batch:
                yield batch

    return Backlog(batches(), len(ids))


def named_backlog(
    store: Store,
    summary: SendSummary,
    numbers: Sequence[str],
    find: Callable[[Session, Sequence[str]], list[Document]],
) -> Backlog:
    """The documents named (``find`` reads them by number), as one batch; the summary learns
    the numbers not found."""
    with store.session() as session:
        chosen = find(session, numbers)
    found = {d.ref for d in chosen}
    summary.unknown_numbers = [n for n in numbers if n not in found]
    return Backlog(iter([chosen] if chosen else []), len(chosen))


class Watcher(Protocol):
    """Who is told how far a run got (a flow's context passes it on to a progress bar or a
    job's status)."""

    def planned(self, total: int) -> None: ...

    def advanced(self, count: int) -> None: ...


def send_backlog(
    runner: DeliveryRunner,
    backlog: Backlog,
    summary: SendSummary,
    *,
    progress: Watcher | None = None,
    workers: int = 1,
    prepare: Callable[[list[Document]], None] | None = None,
) -> None:
    """Plan and send each batch in turn (``prepare`` first reads what the batch needs), until
    the backlog is done or the run is aborted; the summary gets a line per document handled.
    Raises what ``prepare`` or the target's bulk look-up raise, with the batches before kept."""
    if progress is not None:
        progress.planned(backlog.total)
    for batch in backlog.batches:
        if prepare is not None:
            prepare(batch)
        try:
            exchange_ids = runner.plan(batch)
        except RunAborted as abort:
            summary.aborted = str(abort)
            return
        finished = 0

        def done(_exchange: int, _state: str) -> None:
            nonlocal finished
            finished += 1
            if progress is not None:
                progress.advanced(1)

        report = runner.run(exchange_ids, workers=workers, on_done=done)
        if progress is not None and len(batch) > finished:
            progress.advanced(len(batch) - finished)  # bound without a send, or left waiting
        summary.collect(runner.store, exchange_ids, batch)
        if report.aborted:
            summary.aborted = report.aborted
            return
