"""Odoo's errors, told apart by the class Odoo names, and said in plain words."""

from __future__ import annotations

from enum import StrEnum

from tilisilta.fixes import fix
from tilisilta.http.errors import ApiError, AuthenticationFailed, RemoteError


class OdooFailure(StrEnum):
    """What kind of failure an Odoo error is, which decides what the hub does next."""

    CREDENTIALS = "credentials"  # AccessDenied, 401: every call would fail
    ACCESS = "access"  # AccessError: the user lacks a right or a company
    MISSING = "missing"  # MissingError: the record was deleted
    VALIDATION = "validation"  # ValidationError / UserError: Odoo refused the data
    SERVER = "server"  # anything else


_BY_NAME = {
    "odoo.exceptions.AccessDenied": OdooFailure.CREDENTIALS,
    "odoo.exceptions.AccessError": OdooFailure.ACCESS,
    "odoo.exceptions.MissingError": OdooFailure.MISSING,
    "odoo.exceptions.ValidationError": OdooFailure.VALIDATION,
    "odoo.exceptions.UserError": OdooFailure.VALIDATION,
    "odoo.exceptions.RedirectWarning": OdooFailure.VALIDATION,
}
# Concurrent updates Odoo gave up retrying: safe to try again later.
TRANSIENT_NAMES = ("SerializationFailure", "could not serialize access", "LockNotAvailable")


def failure_of(name: str) -> OdooFailure:
    return _BY_NAME.get(name, OdooFailure.SERVER)


class OdooError(ApiError):
    """Odoo answered a call with an error; ``name`` is the class Odoo reports."""

    def __init__(self, status: int, name: str, message: str, body: object = None) -> None:
        super().__init__(status, message, body)
        self.name = name
        self.failure = failure_of(name)


class OdooCredentialsRefused(AuthenticationFailed):
    """The login or API key was not accepted."""


def describe(error: RemoteError, action: str) -> str:
    """An Odoo failure in words a person can act on."""
    if isinstance(error, AuthenticationFailed):
        return (
            f"Odoo did not accept the credentials while trying to {action}: the API key is wrong, "
            "expired or revoked, or the login or database is wrong. Create a new API key in Odoo "
            "(Preferences → Account Security → New API Key) and store it with "
            f"{fix('connection.set_api_key')}"
        )
    if isinstance(error, OdooError):
        said = f"(Odoo said: {error.message})"
        if error.failure is OdooFailure.ACCESS:
            return (
                f"Odoo refused access while trying to {action}: the connection's user lacks the "
                f"right or may not use the company; give the user access in Odoo (Settings → "
                f"Users → Allowed Companies and Accounting rights) {said}"
            )
        if error.failure is OdooFailure.MISSING:
            return (
                f"Odoo could not find the record while trying to {action}: it was deleted in "
                f"Odoo {said}"
            )
        if error.failure is OdooFailure.VALIDATION:
            return f"Odoo refused to {action}: {error.message}"
        return f"Odoo failed while trying to {action}: {error.name} {said}"
    return f"Odoo could not be reached while trying to {action}: {error}"
