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
