"""What every connector's deliverer shares: turning remote failures into ledger outcomes."""

from __future__ import annotations

from dataclasses import dataclass, field

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
