"""Netvisor's refusals in a bookkeeper's words: what happened and what to do."""

from __future__ import annotations

from tilisilta.connectors.netvisor.client.wire import NetvisorRefused
from tilisilta.http.errors import AmbiguousOutcome, RemoteError, TransientFailure

ADVICE = {
    "AUTHENTICATION_FAILED": (
        "Netvisor refused the connection's credentials: check its customer_id, partner_id, "
        "customer key and partner key, and that the API user may use the company named by "
        "organisation_id"
    ),
    "SERVICE_ACCESS_ERROR": (
        "the API user lacks the right to this part of Netvisor: grant it in Netvisor "
        "(Company, API identifiers)"
    ),
    "PERIOD_LOCK": (
        "the accounting period of the document's date is locked in Netvisor: open the period "
        "there, or correct the date in the ERP"
    ),
    "INVALID_DATA": "Netvisor refused the data",
    "INVALID_DATA_SIZE": "Netvisor refused the request as too large",
    "DUPLICATE_DATA": "Netvisor already has it",
    "REQUEST_NOT_UNIQUE": "Netvisor saw the same request twice; the hub tries again",
    "SYSTEM_MAINTANANCE": "Netvisor is down for maintenance; the hub tries again later",
    "TECHNICAL_ERROR": "Netvisor had a technical error; the hub tries again later",
}


def explain(error: NetvisorRefused) -> str:
    advice = ADVICE.get(error.code, "Netvisor refused it")
    said = f" (Netvisor said: {error.code} :: {error.text})" if error.text else f" ({error.code})"
    return advice + said


def describe_failure(error: RemoteError, doing: str) -> str:
    """One line for a failure while Netvisor was to ``doing``."""
    if isinstance(error, NetvisorRefused):
        return f"Netvisor did not {doing}: {explain(error)}"
    if isinstance(error, AmbiguousOutcome | TransientFailure):
        return f"Netvisor did not {doing}: no usable answer ({error}); try again later"
    return f"Netvisor did not {doing}: {error}"
