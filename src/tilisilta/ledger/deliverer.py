"""What a connector supplies to the delivery protocol for one kind of document, and what it sees
of one claimed exchange. Connectors never write exchange state themselves."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from tilisilta.ledger.outcomes import DataIssue, Outcome
from tilisilta.store.models import Document


class RunAborted(RuntimeError):
    """A failure that would repeat for every document (credentials refused, the remote company
    is not the hub company): the run stops and nothing counts as an attempt."""


class OnChange(StrEnum):
    """What a deliverer does with a document that changed after it was delivered."""

    DATA_ISSUE = "data_issue"  # the remote copy cannot be changed: a person handles it
    RESEND = "resend"  # the remote takes the new version as a new document
    UPDATE = "update"  # the remote copy is updated in place (``attempt.external_id`` is set)


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
        self.remember(external_id, **progress)
        self._checkpoint(self.external_id, dict(self.progress))

    def remember(self, external_id: str | None = None, **progress: Any) -> None:
        """Note a step that is committed with the outcome: for a step that a reconciliation
        finds out again by reading the remote (a status), so a commit now would buy nothing."""
        if external_id is not None:
            self.external_id = external_id
        self.progress.update(progress)


class Deliverer(Protocol):
    """A connector's part in delivering one kind of document over one connection."""

    operation: str
    local_kind: str
    #: The target in a bookkeeper's words ("Procountor", "Odoo"), for the log.
    remote_name: str
    #: What happens to a document that changed after it was delivered.
    on_change: OnChange
    #: Deliveries with the same key never overlap (Netvisor: one request at a time per
    #: company); None lets the runner work several at once.
    serialization_key: str | None

    def prove_company(self) -> None:
        """Raise :class:`RunAborted` unless the remote books are the hub company's. Called
        before anything is looked up or written in a run."""
        ...

    def find_many(self, documents: Sequence[Document]) -> dict[int, str]:
        """Look documents up remotely by their natural keys, in bulk: document id → external id
        of those the remote already holds (so a fresh hub database sends nothing twice)."""
        ...

    def changed_after_delivery(self, document: Document, external_id: str) -> str:
        """The data issue for a document that changed after delivery (``OnChange.DATA_ISSUE``)."""
        ...

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
