"""The delivery protocol of DESIGN.md, once for every connector.

1. An exchange is unique on (connection, document, operation, document version).
2. Before any remote call it is committed as ``sending`` with a lease and an attempt number.
3. After the call the outcome is committed at once.
4. A ``sending`` row whose lease is stale is reconciled (looked up remotely) before any resend.

Connectors supply a :class:`Deliverer`; they never write exchange state themselves.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

import structlog
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from tilisilta.clock import Clock
from tilisilta.http.recording import CallRecorder, current_recorder
from tilisilta.ledger.leases import current_owner, owner_is_gone
from tilisilta.ledger.outcomes import (
    Category,
    DataIssue,
    Delivered,
    Outcome,
    Refused,
    RetryLater,
    State,
    Unknown,
)
from tilisilta.store.engine import Store
from tilisilta.store.models import Binding, Document, Exchange, ExchangeCall

log = structlog.get_logger(__name__)


@dataclass
class Attempt:
    """What a deliverer sees of one claimed exchange."""

    exchange_id: int
    document: Document
    attempt: int
    external_id: str | None
    progress: dict[str, Any]
    reconcile_required: bool
    _checkpoint: Callable[[str | None, dict[str, Any]], None]

    def checkpoint(self, external_id: str | None = None, **progress: Any) -> None:
        """Commit a step at once (e.g. "created as 123") so a crash after it never repeats it."""
        if external_id is not None:
            self.external_id = external_id
        self.progress.update(progress)
        self._checkpoint(self.external_id, dict(self.progress))


class Deliverer(Protocol):
    """A connector's part in delivering one kind of document."""

    operation: str
    local_kind: str

    def check(self, document: Document) -> DataIssue | None:
        """Pure pre-send checks; a data issue stops the document before any remote call."""
        ...

    def find_existing(self, attempt: Attempt) -> str | None:
        """Look the document up remotely by its natural key; its external id if it is there."""
        ...

    def deliver(self, attempt: Attempt) -> Outcome:
        """Send (or finish sending, from ``attempt.external_id``/``progress``) the document."""
        ...

    def explain(self, error: Exception) -> Outcome:
        """Turn an exception from ``find_existing``/``deliver`` into an outcome. Raise
        :class:`RunAborted` for failures every other document would meet too."""
        ...


class RunAborted(RuntimeError):
    """A failure that would repeat for every document (e.g. credentials refused)."""


@dataclass
class RunReport:
    sent: list[int] = field(default_factory=list)
    data_issues: list[int] = field(default_factory=list)
    refused: list[int] = field(default_factory=list)
    waiting: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)
    aborted: str | None = None


@dataclass(frozen=True)
class Backoff:
    base_seconds: float = 2.0
    cap_seconds: float = 600.0

    def delay(self, attempt: int, rng: random.Random) -> float:
        ceiling = min(self.cap_seconds, self.base_seconds * 2 ** max(attempt - 1, 0))
        return float(ceiling / 2 + rng.uniform(0, ceiling / 2))


class DeliveryRunner:
    """Drives exchanges of one connection through the protocol."""

    def __init__(
        self,
        store: Store,
        clock: Clock,
        *,
        connection_id: int,
        deliverer: Deliverer,
        lease_seconds: float = 300.0,
        max_attempts: int = 6,
        backoff: Backoff | None = None,
        seed: int | None = None,
    ) -> None:
        self.store = store
        self.clock = clock
        self.connection_id = connection_id
        self.deliverer = deliverer
        self.lease = timedelta(seconds=lease_seconds)
        self.max_attempts = max_attempts
        self.backoff = backoff or Backoff()
        self.rng = random.Random(seed)
        self.owner = current_owner()
        self._abort_message: str | None = None

    # -- planning -------------------------------------------------------------------------
    def plan(self, documents: Iterable[Document]) -> list[int]:
        """Exchanges to work on for these documents, creating them where needed.

        A document already bound is never sent again; if it changed since, that is a data issue
        for a person, because the remote copy cannot be updated.
        """
        ids: list[int] = []
        now = self.clock.now()
        op = self.deliverer.operation
        with self.store.session() as session:
            for doc in documents:
                binding = _binding(session, self.connection_id, self.deliverer.local_kind, doc.id)
                exchange = session.scalar(
                    select(Exchange).where(
                        Exchange.connection_id == self.connection_id,
                        Exchange.document_id == doc.id,
                        Exchange.operation == op,
                        Exchange.document_version == doc.version,
                    )
                )
                if binding is not None and binding.sent_hash == doc.content_hash:
                    continue
                if exchange is None:
                    exchange = Exchange(
                        connection_id=self.connection_id,
                        document_id=doc.id,
                        operation=op,
                        document_version=doc.version,
                        state=State.PENDING,
                        progress={},
                        problems={},
                        created_at=now,
                        updated_at=now,
                    )
                    session.add(exchange)
                    session.flush()
                    _supersede_older(session, exchange, now)
                if binding is not None and exchange.state == State.PENDING:
                    _finish(
                        exchange,
                        State.DATA_ISSUE,
                        Category.DATA_ISSUE,
                        now,
                        error=(
                            f"changed after it was sent (remote id {binding.external_id}); the "
                            "remote copy cannot be updated, so nothing was resent: correct it by "
                            "hand in the remote system or issue a credit note"
                        ),
                    )
                ids.append(exchange.id)
        return ids

    # -- running --------------------------------------------------------------------------
    def run(
        self,
        exchange_ids: Sequence[int],
        *,
        workers: int = 1,
        settle_seconds: float = 30.0,
        on_done: Callable[[int, str], None] | None = None,
    ) -> RunReport:
        """Work the exchanges until each is final or waits longer than ``settle_seconds``."""
        report = RunReport()
        remaining = list(exchange_ids)
        while remaining:
            due, later = self._split_due(remaining, settle_seconds)
            if not due and not later:
                break
            if not due:
                wait = (min(t for _, t in later) - self.clock.now()).total_seconds()
                self.clock.sleep(max(wait, 0.0))
                continue
            results = self._work(due, workers)
            remaining = [eid for eid, _ in later]
            for eid, state in results:
                if state == "aborted":
                    report.aborted = report.aborted or self._abort_message
                    continue
                if state == State.PENDING:
                    remaining.append(eid)
                elif on_done is not None:
                    on_done(eid, state)
            if report.aborted:
                break
        self._fill_report(report, exchange_ids)
        return report

    def _work(self, due: list[int], workers: int) -> list[tuple[int, str]]:
        if workers <= 1:
            return [(eid, self.attempt(eid)) for eid in due]
        with ThreadPoolExecutor(max_workers=workers) as pool:
            return list(zip(due, pool.map(self.attempt, due), strict=True))

    def _split_due(
        self, ids: list[int], settle_seconds: float
    ) -> tuple[list[int], list[tuple[int, datetime]]]:
        now = self.clock.now()
        horizon = now + timedelta(seconds=settle_seconds)
        due: list[int] = []
        later: list[tuple[int, datetime]] = []
        with self.store.session() as session:
            rows = session.execute(
                select(
                    Exchange.id,
                    Exchange.state,
                    Exchange.next_attempt_at,
                    Exchange.lease_owner,
                    Exchange.lease_expires_at,
                ).where(Exchange.id.in_(ids))
            ).all()
        for eid, state, next_at, owner, lease_until in rows:
            if state == State.PENDING:
                if next_at is None or next_at <= now:
                    due.append(eid)
                elif next_at <= horizon:
                    later.append((eid, next_at))
            elif state == State.SENDING and _lease_stale(owner, lease_until, now, self.owner):
                due.append(eid)
        return sorted(due), later

    def attempt(self, exchange_id: int) -> str:
        """One attempt at one exchange; returns the state it was left in."""
        if self._abort_message:
            return "aborted"
        claimed = self._claim(exchange_id)
        if claimed is None:
            return "skipped"
        attempt, issue = claimed
        if issue is not None:
            self._commit(attempt, issue, CallRecorder())
            return State.DATA_ISSUE
        recorder = CallRecorder()
        token = current_recorder.set(recorder)
        try:
            outcome = self._deliver(attempt)
        except Exception as exc:
            try:
                outcome = self.deliverer.explain(exc)
            except RunAborted as abort:
                self._abort_message = str(abort)
                self._commit(attempt, RetryLater(str(abort)), recorder, count_attempt=False)
                return "aborted"
        finally:
            current_recorder.reset(token)
        return self._commit(attempt, outcome, recorder)

    def _retry_or_give_up(
        self, row: Exchange, message: str, after: float | None, now: datetime
    ) -> None:
        if row.attempts >= self.max_attempts:
            _finish(
                row,
                State.RESPONSE_ERROR,
                Category.RESPONSE_ERROR,
                now,
                error=f"gave up after {row.attempts} attempts: {message}",
            )
            return
        delay = after if after is not None else self.backoff.delay(row.attempts, self.rng)
        row.state = State.PENDING
        row.category = Category.RESPONSE_ERROR
        row.error = message
        row.next_attempt_at = now + timedelta(seconds=delay)
        row.updated_at = now

    def _fill_report(self, report: RunReport, exchange_ids: Sequence[int]) -> None:
        buckets = {
            State.SENT: report.sent,
            State.DATA_ISSUE: report.data_issues,
            State.RESPONSE_ERROR: report.refused,
            State.PENDING: report.waiting,
            State.SENDING: report.skipped,
        }
        with self.store.session() as session:
            rows = session.execute(
                select(Exchange.id, Exchange.state).where(Exchange.id.in_(exchange_ids))
            ).all()
        for eid, state in sorted(rows):
            bucket = buckets.get(State(state))
            if bucket is not None:
                bucket.append(eid)

    def _deliver(self, attempt: Attempt) -> Outcome:
        if attempt.reconcile_required and attempt.external_id is None:
            found = self.deliverer.find_existing(attempt)
            if found is not None:
                attempt.checkpoint(found, reconciled=True)
        return self.deliverer.deliver(attempt)

    def _claim(self, exchange_id: int) -> tuple[Attempt, DataIssue | None] | None:
        now = self.clock.now()
        with self.store.session() as session:
            row = session.get(Exchange, exchange_id)
            if row is None:
                return None
            if row.state == State.PENDING:
                if row.next_attempt_at is not None and row.next_attempt_at > now:
                    return None
                condition = Exchange.state == State.PENDING
            elif row.state == State.SENDING and _lease_stale(
                row.lease_owner, row.lease_expires_at, now, self.owner
            ):
                condition = (Exchange.state == State.SENDING) & (
                    Exchange.lease_owner == row.lease_owner
                )
            else:
                return None
            was_sending = row.state == State.SENDING
            document = session.get_one(Document, row.document_id)
            issue = self.deliverer.check(document) if row.external_id is None else None
            result = session.execute(
                update(Exchange)
                .where(Exchange.id == exchange_id, condition, Exchange.attempts == row.attempts)
                .values(
                    state=State.SENDING,
                    lease_owner=self.owner,
                    lease_expires_at=now + self.lease,
                    attempts=row.attempts + 1,
                    reconcile_required=row.reconcile_required or was_sending,
                    updated_at=now,
                )
                .execution_options(synchronize_session=False)
            )
            if result.rowcount != 1:  # type: ignore[attr-defined]
                return None  # another worker won the race
            session.refresh(row)
            attempt = Attempt(
                exchange_id=row.id,
                document=document,
                attempt=row.attempts,
                external_id=row.external_id,
                progress=dict(row.progress or {}),
                reconcile_required=row.reconcile_required,
                _checkpoint=lambda ext, progress: self._save_checkpoint(exchange_id, ext, progress),
            )
        return attempt, issue

    def _save_checkpoint(
        self, exchange_id: int, external_id: str | None, progress: dict[str, Any]
    ) -> None:
        now = self.clock.now()
        with self.store.session() as session:
            row = session.get_one(Exchange, exchange_id)
            row.external_id = external_id
            row.progress = progress
            row.lease_expires_at = now + self.lease
            row.updated_at = now
            _store_calls(session, row, current_recorder.get(), attempt=row.attempts, drain=True)

    def _commit(
        self,
        attempt: Attempt,
        outcome: Outcome,
        recorder: CallRecorder,
        *,
        count_attempt: bool = True,
    ) -> str:
        now = self.clock.now()
        with self.store.session() as session:
            row = session.get_one(Exchange, attempt.exchange_id)
            _store_calls(session, row, recorder, attempt=row.attempts, drain=True)
            row.lease_owner = None
            row.lease_expires_at = None
            if not count_attempt:
                row.attempts -= 1
            match outcome:
                case Delivered(external_id=ext, note=note, warning=warning):
                    row.external_id = ext
                    _bind(session, row, attempt.document, self.deliverer.local_kind, ext, now)
                    category = Category.WARNING if warning else Category.INFO
                    text = "; warning: ".join(t for t in (note, warning) if t) or None
                    _finish(row, State.SENT, category, now, error=text)
                case DataIssue(message=message, problems=problems):
                    row.problems = {"problems": problems}
                    _finish(row, State.DATA_ISSUE, Category.DATA_ISSUE, now, error=message)
                case Refused(message=message):
                    _finish(row, State.RESPONSE_ERROR, Category.RESPONSE_ERROR, now, error=message)
                case RetryLater(message=message, after_seconds=after):
                    self._retry_or_give_up(row, message, after, now)
                case Unknown(message=message):
                    row.reconcile_required = True
                    self._retry_or_give_up(row, message, None, now)
            return row.state


def _lease_stale(owner: str | None, until: datetime | None, now: datetime, me: str) -> bool:
    if until is None or until <= now:
        return True
    return owner != me and owner_is_gone(owner)


def _finish(
    row: Exchange, state: State, category: Category, now: datetime, *, error: str | None
) -> None:
    row.state = state
    row.category = category
    row.error = error
    row.next_attempt_at = None
    row.updated_at = now


def _binding(session: Session, connection_id: int, kind: str, local_id: int) -> Binding | None:
    return session.scalar(
        select(Binding).where(
            Binding.connection_id == connection_id,
            Binding.local_kind == kind,
            Binding.local_id == local_id,
        )
    )


def _bind(
    session: Session, row: Exchange, document: Document, kind: str, ext: str, now: datetime
) -> None:
    binding = _binding(session, row.connection_id, kind, document.id)
    if binding is None:
        binding = Binding(
            connection_id=row.connection_id,
            local_kind=kind,
            local_id=document.id,
            external_id=ext,
            created_at=now,
        )
        session.add(binding)
    binding.external_id = ext
    binding.sent_hash = document.content_hash
    binding.sent_version = document.version


def _supersede_older(session: Session, exchange: Exchange, now: datetime) -> None:
    """Older versions not yet delivered will never be: the newest version replaces them."""
    session.execute(
        update(Exchange)
        .where(
            Exchange.connection_id == exchange.connection_id,
            Exchange.document_id == exchange.document_id,
            Exchange.operation == exchange.operation,
            Exchange.document_version < exchange.document_version,
            or_(
                Exchange.state == State.PENDING,
                Exchange.state == State.DATA_ISSUE,
                Exchange.state == State.RESPONSE_ERROR,
            ),
            Exchange.external_id.is_(None),
        )
        .values(
            state=State.IGNORED,
            error=f"superseded by version {exchange.document_version}",
            updated_at=now,
        )
        .execution_options(synchronize_session=False)
    )


def _store_calls(
    session: Session, row: Exchange, recorder: CallRecorder | None, *, attempt: int, drain: bool
) -> None:
    if recorder is None:
        return
    for call in recorder.calls:
        session.add(
            ExchangeCall(
                exchange_id=row.id,
                attempt=attempt,
                method=call.method,
                url=call.url,
                request_body=call.request_body,
                status=call.status,
                response_body=call.response_body,
                error=call.error,
                started_at=call.started_at,
                duration_ms=call.duration_ms,
            )
        )
    if drain:
        recorder.calls.clear()
