"""What one delivery attempt can end in. Connectors return these; only the protocol acts on them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # only named here: the log and the status need the states without the rules
    from tilisilta.domain.validation import Problem


class State(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    DATA_ISSUE = "data_issue"
    RESPONSE_ERROR = "response_error"
    IGNORED = "ignored"


class Category(StrEnum):
    """The log categories people read, as in the source documents."""

    INFO = "info"
    WARNING = "warning"  # delivered, but something beside it failed (e.g. the PDF copy)
    DATA_ISSUE = "data_issue"
    RESPONSE_ERROR = "response_error"


@dataclass(frozen=True)
class Delivered:
    """The remote holds the document under ``external_id``."""

    external_id: str
    note: str | None = None
    warning: str | None = None  # the document stands, but a person should look at this


@dataclass(frozen=True)
class DataIssue:
    """Our data is wrong or unmapped: a person fixes it; never retried automatically."""

    message: str
    problems: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def of(cls, problems: Sequence[Problem]) -> DataIssue | None:
        """The data issue of these problems, one line each; None when there are none."""
        if not problems:
            return None
        return cls(
            message="\n".join(str(p) for p in problems),
            problems=[p.model_dump(mode="json") for p in problems],
        )


@dataclass(frozen=True)
class Refused:
    """The remote refused for good: shown, retried only when a person asks."""

    message: str


@dataclass(frozen=True)
class RetryLater:
    """A transient failure where nothing was applied remotely (or the call is repeatable)."""

    message: str
    after_seconds: float | None = None


@dataclass(frozen=True)
class Unknown:
    """The remote may or may not have applied it: reconcile before anything is resent."""

    message: str


Outcome = Delivered | DataIssue | Refused | RetryLater | Unknown
