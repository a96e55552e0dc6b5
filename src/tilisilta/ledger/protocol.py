"""The delivery protocol of DESIGN.md, once for every connector.

0. A run that writes first proves the remote books are the hub company's, then looks the
   documents that were never sent up in the target, in bulk, and binds those it finds.
1. An exchange is unique on (connection, document, operation, document version).
2. Before any remote call it is committed as ``sending`` with a lease and an attempt number.
3. After the call the outcome is committed at once.
4. A ``sending`` row whose lease is stale is reconciled (looked up remotely) before any resend.

Connectors supply a :class:`~tilisilta.ledger.deliverer.Deliverer`; they never write exchange
state themselves. Planning lives in :mod:`tilisilta.ledger.planning`.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast

import structlog
from sqlalchemy import Connection, Table, bindparam, func, insert, select
from sqlalchemy.orm import Session

from tilisilta.clock import Clock
from tilisilta.http.recording import CallRecorder, current_recorder
from tilisilta.ledger.binder import bind_sent
from tilisilta.ledger.deliverer import Attempt, Deliverer, RunAborted
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
from tilisilta.ledger.planning import Final, finish, first_sends, plan_exchanges
from tilisilta.store.engine import Store
from tilisilta.store.models import Document, Exchange, ExchangeCall

log = structlog.get_logger(__name__)


# The hot path's statements, built once (SQLAlchemy then reuses their compiled form), on the
# tables themselves: an ORM session and its flush cost more than the statements do.
EXCHANGE = cast(Table, Exchange.__table__)
DOCUMENT = cast(Table, Document.__table__)
DOCUMENT_FIELDS = tuple(column.key for column in DOCUMENT.c)
_ID = EXCHANGE.c.id == bindparam("xid")
CLAIMABLE = (
    select(
        EXCHANGE.c.state,
        EXCHANGE.c.attempts,
        EXCHANGE.c.lease_owner,
        EXCHANGE.c.lease_expires_at,
        EXCHANGE.c.next_attempt_at,
        EXCHANGE.c.reconcile_required,
        EXCHANGE.c.external_id,
        EXCHANGE.c.progress,
        *(column.label(f"document_{column.key}") for column in DOCUMENT.c),
    )
    .join_from(EXCHANGE, DOCUMENT, DOCUMENT.c.id == EXCHANGE.c.document_id)
    .where(_ID)
)
CLAIM = (
    EXCHANGE.update()
    .where(
        _ID,
        # Unchanged since it was read: another runner's claim changes the attempts.
        EXCHANGE.c.state == bindparam("was_state"),
        EXCHANGE.c.attempts == bindparam("was_attempts"),
        func.coalesce(EXCHANGE.c.lease_owner, "") == bindparam("was_owner"),
    )
    .values(
        state=bindparam("v_state"),
        lease_owner=bindparam("v_owner"),
        lease_expires_at=bindparam("v_until"),
        attempts=bindparam("v_attempts"),
        reconcile_required=bindparam("v_reconcile"),
        updated_at=bindparam("v_updated"),
    )
)
CHECKPOINT = (
    EXCHANGE.update()
    .where(_ID)
    .values(
        external_id=bindparam("v_external_id"),
        progress=bindparam("v_progress"),
        lease_expires_at=bindparam("v_until"),
        updated_at=bindparam("v_updated"),
    )
)
OUTCOME = (
    EXCHANGE.update()
    .where(_ID)
    .values(
        lease_owner=None,
        lease_expires_at=None,
        **{name: bindparam(f"v_{name}") for name in Final.COLUMNS},
    )
)

STOPPED = "the hub was asked to stop, so it began no more documents; the rest wait for the next run"


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
        stop: threading.Event | None = None,
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
        self._proven = False
        # Set when the process is asked to stop (SIGTERM): no new document is begun, the ones
        # under way finish, and the rest stay pending for the next run.
        self.stop = stop

    # -- planning -------------------------------------------------------------------------
    def plan(self, documents: Iterable[Document], *, session: Session | None = None) -> list[int]:
        """Exchanges to work on for these documents, created where needed; in ``session`` when
        given (the caller commits), else in a transaction of its own.

        Raises :class:`RunAborted` when the remote books are not the hub company's, or when the
        target cannot be asked which documents it already holds."""
        docs = list(documents)
        self.prove_company()
        with self.store.session() as reading:
            never_sent = first_sends(reading, self.connection_id, self.deliverer, docs)
        found = (
            self._remote(
                lambda: self.deliverer.find_many(never_sent),
                "tell which documents it already holds",
            )
            if never_sent
            else {}
        )
        if session is not None:
            return plan_exchanges(
                session, self.connection_id, self.deliverer, docs, self.clock.now(), found=found
            )
        with self.store.session() as own:
            return plan_exchanges(
                own, self.connection_id, self.deliverer, docs, self.clock.now(), found=found
            )

    def prove_company(self) -> None:
        """Once per runner: the remote books are the hub company's, or RunAborted."""
        if not self._proven:
            self._remote(self.deliverer.prove_company, "tell whose books these are")
            self._proven = True

    def _remote(self, call: Callable[[], Any], doing: str) -> Any:
        """A remote call before any exchange is claimed: any failure aborts the run."""
        try:
            return call()
        except RunAborted:
            raise
        except Exception as exc:
            outcome = self.deliverer.explain(exc)  # raises RunAborted for run-wide failures
            raise RunAborted(
                f"{self.deliverer.remote_name} could not {doing}, so nothing was sent: "
                f"{getattr(outcome, 'message', outcome)}"
            ) from exc

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
        try:
            self.prove_company()
        except RunAborted as abort:
            report.aborted = str(abort)
            self._fill_report(report, exchange_ids)
            return report
        if self.deliverer.serialization_key is not None:
            workers = 1  # one request at a time to this remote
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

    def _work(self, due: list[int], workers: int) -> Iterator[tuple[int, str]]:
        """Each exchange's state as soon as its attempt is over (in order), so that progress
        and a stop are seen document by document, not batch by batch."""
        if workers <= 1:
            for eid in due:
                yield eid, self.attempt(eid)
            return
        with ThreadPoolExecutor(max_workers=workers) as pool:
            yield from zip(due, pool.map(self.attempt, due), strict=True)

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
        if self.stop is not None and self.stop.is_set():
            self._abort_message = STOPPED
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
        self, row: Final, message: str, after: float | None, now: datetime
    ) -> None:
        if row.attempts >= self.max_attempts:
            finish(
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
        with self.store.connection() as session:  # durable: the remote call comes after it
            row = session.execute(CLAIMABLE, {"xid": exchange_id}).one_or_none()
            if row is None:
                return None
            document = Document(
                **{name: row._mapping[f"document_{name}"] for name in DOCUMENT_FIELDS}
            )
            if row.state == State.PENDING:
                if row.next_attempt_at is not None and row.next_attempt_at > now:
                    return None
            elif row.state != State.SENDING or not _lease_stale(
                row.lease_owner, row.lease_expires_at, now, self.owner
            ):
                return None
            reconcile = row.reconcile_required or row.state == State.SENDING
            fresh = row.external_id is None or (row.progress or {}).get("update")
            issue = self.deliverer.check(document) if fresh else None
            result = session.execute(
                CLAIM,
                {
                    "xid": exchange_id,
                    "was_state": row.state,
                    "was_attempts": row.attempts,
                    "was_owner": row.lease_owner or "",
                    "v_state": State.SENDING,
                    "v_owner": self.owner,
                    "v_until": now + self.lease,
                    "v_attempts": row.attempts + 1,
                    "v_reconcile": reconcile,
                    "v_updated": now,
                },
            )
            if result.rowcount != 1:
                return None  # another worker won the race
            attempt = Attempt(
                exchange_id=exchange_id,
                document=document,
                attempt=row.attempts + 1,
                external_id=row.external_id,
                progress=dict(row.progress or {}),
                reconcile_required=reconcile,
                _checkpoint=lambda ext, progress: self._save_checkpoint(
                    exchange_id, row.attempts + 1, ext, progress
                ),
            )
        return attempt, issue

    def _save_checkpoint(
        self, exchange_id: int, attempt: int, external_id: str | None, progress: dict[str, Any]
    ) -> None:
        now = self.clock.now()
        with self.store.connection(durable=False) as session:  # a lost step is looked up again
            session.execute(
                CHECKPOINT,
                {
                    "xid": exchange_id,
                    "v_external_id": external_id,
                    "v_progress": progress,
                    "v_until": now + self.lease,
                    "v_updated": now,
                },
            )
            _store_calls(session, exchange_id, current_recorder.get(), attempt=attempt)

    def _commit(
        self,
        attempt: Attempt,
        outcome: Outcome,
        recorder: CallRecorder,
        *,
        count_attempt: bool = True,
    ) -> str:
        now = self.clock.now()
        row = Final(
            attempts=attempt.attempt if count_attempt else attempt.attempt - 1,
            external_id=attempt.external_id,
            progress=dict(attempt.progress),
            reconcile_required=attempt.reconcile_required,
        )
        match outcome:
            case Delivered(external_id=ext, note=note, warning=warning):
                row.external_id = ext
                category = Category.WARNING if warning else Category.INFO
                text = "; warning: ".join(t for t in (note, warning) if t) or None
                finish(row, State.SENT, category, now, error=text)
            case DataIssue(message=message, problems=problems):
                row.problems = {"problems": problems}
                finish(row, State.DATA_ISSUE, Category.DATA_ISSUE, now, error=message)
            case Refused(message=message):
                finish(row, State.RESPONSE_ERROR, Category.RESPONSE_ERROR, now, error=message)
            case RetryLater(message=message, after_seconds=after):
                self._retry_or_give_up(row, message, after, now)
            case Unknown(message=message):
                row.reconcile_required = True
                self._retry_or_give_up(row, message, None, now)
        # Not durable: a lost outcome leaves the exchange ``sending``, so it is looked up
        # remotely before anything is sent again.
        with self.store.connection(durable=False) as session:
            session.execute(
                OUTCOME,
                {"xid": attempt.exchange_id, **{f"v_{k}": v for k, v in row.values().items()}},
            )
            _store_calls(session, attempt.exchange_id, recorder, attempt=attempt.attempt)
            if row.state == State.SENT and row.external_id is not None:
                bind_sent(
                    session,
                    self.connection_id,
                    self.deliverer.local_kind,
                    attempt.document,
                    row.external_id,
                    now,
                )
        return row.state


def _lease_stale(owner: str | None, until: datetime | None, now: datetime, me: str) -> bool:
    if until is None or until <= now:
        return True
    return owner != me and owner_is_gone(owner)


def _store_calls(
    session: Session | Connection, exchange_id: int, recorder: CallRecorder | None, *, attempt: int
) -> None:
    """The calls the recorder holds, stored with the exchange and taken out of the recorder."""
    if recorder is None or not recorder.calls:
        return
    session.execute(
        insert(ExchangeCall),
        [
            {
                "exchange_id": exchange_id,
                "attempt": attempt,
                "method": call.method,
                "url": call.url,
                "request_body": call.request_body,
                "status": call.status,
                "response_body": call.response_body,
                "error": call.error,
                "started_at": call.started_at,
                "duration_ms": call.duration_ms,
            }
            for call in recorder.calls
        ],
    )
    recorder.calls.clear()
