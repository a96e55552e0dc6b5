"""Collects the HTTP calls made on behalf of one exchange attempt.

The HTTP layer reports every call to the recorder in the current context; the protocol stores what
was collected together with the attempt's outcome. Bodies arrive already redacted.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class CallRecord:
    method: str
    url: str
    request_body: str | None
    status: int | None
    response_body: str | None
    error: str | None
    started_at: datetime
    duration_ms: int


@dataclass
class CallRecorder:
    calls: list[CallRecord] = field(default_factory=list)

    def add(self, record: CallRecord) -> None:
        self.calls.append(record)


current_recorder: ContextVar[CallRecorder | None] = ContextVar("current_recorder", default=None)


def recording() -> bool:
    """Whether a recorder collects calls here: without one, a call's record is not built."""
    return current_recorder.get() is not None


def record_call(record: CallRecord) -> None:
    recorder = current_recorder.get()
    if recorder is not None:
        recorder.add(record)
