"""How a remote call can fail, in terms the flows can act on."""

from __future__ import annotations

from typing import Any


class RemoteError(Exception):
    """Base of every failure talking to a remote system."""


class ApiError(RemoteError):
    """The remote answered with an error status that retrying will not change."""

    def __init__(self, status: int, message: str, body: Any = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.body = body


class AuthenticationFailed(ApiError):
    """Credentials were refused: every further call would fail the same way."""


class TransientFailure(RemoteError):
    """Retries ran out on a failure that did not change anything remotely: try again later."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class TooManyCalls(TransientFailure):
    """The remote kept answering 429 (too many calls) until the retries ran out."""

    def __init__(
        self, message: str, retry_after: float | None = None, *, request: str, tries: int
    ) -> None:
        super().__init__(message, retry_after)
        self.request = request  # "POST /invoices"
        self.tries = tries


class AmbiguousOutcome(RemoteError):
    """A non-repeatable request may have been applied or not (timeout, dropped response, 5xx)."""
