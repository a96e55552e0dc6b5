"""What every connector's deliverer shares: turning remote failures into ledger outcomes."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

import structlog

from tilisilta.http.errors import AmbiguousOutcome, TransientFailure
from tilisilta.ledger.outcomes import Outcome, RetryLater, Unknown

log = structlog.get_logger(__name__)


def transport_outcome(error: Exception) -> Outcome:
    """The part of the failure taxonomy that is the same for every remote system."""
    if isinstance(error, AmbiguousOutcome):
        return Unknown(f"{error}; will look it up before sending again")
    if isinstance(error, TransientFailure):
        return RetryLater(str(error), error.retry_after)
    # A bug or an unforeseen failure: treat the remote state as unknown, so the next attempt
    # reconciles first instead of risking a duplicate.
    log.error("unexpected delivery error", error=repr(error))
    return Unknown(f"unexpected error: {type(error).__name__}: {error}")


@dataclass
class ConnectionCheck:
    """What `connection test` found, line by line, and whether the connection works."""

    ok: bool
    lines: list[str] = field(default_factory=list)


def books_mismatch(
    system: str, remote_company: str, remote_id: str | None, hub_id: str, fix: str
) -> str | None:
    """Why a connection may not write into these books, or None when they are the hub
    company's: the remote company's business ID must be the hub company's."""
    if not remote_id:
        return (
            f"The {system} company {remote_company} has no business ID, so the hub cannot prove "
            f"it keeps the books of {hub_id}: nothing is written there. {fix}"
        )
    if remote_id != hub_id:
        return (
            f"The {system} company {remote_company} has business ID {remote_id}, but this "
            f"connection's company is {hub_id}: nothing is written into those books. {fix}"
        )
    return None


class RemoteNumbers:
    """A target's invoices by number, read by invoice date range once a run: a run sending a
    backlog in batches asks about each batch's dates, and batches' dates overlap, so each date
    is read from the target once. ``read(begin, end)`` yields (number, id) pairs; of copies
    with one number the lowest id, the first made, is the original."""

    def __init__(self, read: Callable[[date, date], Iterable[tuple[str, str]]]) -> None:
        self._read = read
        self._ids: dict[str, str] = {}
        self._covered: tuple[date, date] | None = None

    def find(self, wanted: Mapping[str, int], begin: date, end: date) -> dict[int, str]:
        """Local id → remote id of the numbers in ``wanted`` (number → local id) the target
        holds, for documents dated ``begin`` to ``end``."""
        for low, high in self._unread(begin, end):
            for number, remote_id in self._read(low, high):
                held = self._ids.get(number)
                if held is None or int(remote_id) < int(held):
                    self._ids[number] = remote_id
        return {local: self._ids[number] for number, local in wanted.items() if number in self._ids}

    def _unread(self, begin: date, end: date) -> list[tuple[date, date]]:
        """The ranges not read yet; what has been read stays one range."""
        if self._covered is None:
            self._covered = (begin, end)
            return [(begin, end)]
        low, high = self._covered
        ranges = []
        if begin < low:
            ranges.append((begin, low - timedelta(days=1)))
        if end > high:
            ranges.append((high + timedelta(days=1), end))
        self._covered = (min(begin, low), max(end, high))
        return ranges
