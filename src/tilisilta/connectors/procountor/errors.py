"""Procountor's refusals in plain words, each with what a person can do about it."""

from __future__ import annotations

import re

from tilisilta.http.errors import ApiError, AuthenticationFailed, RemoteError

# Error codes Procountor (and our sandbox) put in ``errors[].message``.
CODES = {
    "DUE_DATE_BEFORE_BILL_DATE": "the due date is before the invoice date",
    "OVT_NOT_ALLOWED": "an OVT (EDI) id is not allowed for this company",
    "INVALID_OVT": "the e-invoice address (OVT) is not valid",
    "UNABLE_TO_GET_CONNECTION": "Procountor was overloaded; it will be tried again",
}
RIGHTS = (
    "the API user needs the rights salesOrGroupInvoices, salesInvoiceSearch, approval, "
    "customerRegister, productRegister and basicAccountingInfo (ALL_RIGHTS)"
)


def credentials_refused(detail: str) -> str:
    """Which credential is wrong, as far as the answer tells."""
    lowered = detail.lower()
    if "secret" in lowered or ("invalid_client" in lowered and "redirect" not in lowered):
        which = "the client secret (or client id) is wrong"
    elif "redirect" in lowered:
        which = "the redirect URI does not match the one registered for the client id"
    elif ("api" in lowered and "key" in lowered) or "invalid_grant" in lowered:
        which = (
            "the API key is wrong, revoked, or made for another client id: create a new one in "
            "Procountor under Basics → API client keys"
        )
    else:
        which = "check the client id, client secret, redirect URI and API key"
    return (
        f"Procountor did not accept the credentials: {which} (Procountor said: {detail}). "
        f"Once they are accepted, {RIGHTS}"
    )


def explain_refusal(error: ApiError, action: str) -> str:
    detail = error.message
    known = [text for code, text in CODES.items() if code in detail]
    if error.status == 403:
        return (
            f"Procountor refused to {action}: the invoice is not in a state that allows it, "
            f"its period is closed, or {RIGHTS} (Procountor said: {detail})"
        )
    if error.status == 404:
        return f"Procountor could not find what we asked for while trying to {action} ({detail})"
    closed = re.search(r"CLOSED_PERIOD|PERIOD_CLOSED|closed period", detail, re.IGNORECASE)
    if closed:
        known.append(
            "the invoice date is in a closed period or outside an open fiscal year: open the "
            "period in Procountor or change the invoice date"
        )
    summary = "; ".join(known) if known else "see the details"
    return f"Procountor refused to {action}: {summary} (Procountor said: {detail})"


def describe_failure(error: RemoteError, action: str) -> str:
    """Any failure talking to Procountor, in plain words: credentials, a refusal, or no answer."""
    if isinstance(error, AuthenticationFailed):
        return credentials_refused(error.message)
    if isinstance(error, ApiError):
        return explain_refusal(error, action)
    return f"Procountor could not be reached: {error}"
