"""Procountor's refusals in plain words, each with what a person can do about it."""

from __future__ import annotations

import re
from datetime import date

from tilisilta.http.errors import ApiError, AuthenticationFailed, RemoteError, TooManyCalls

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
PERIOD_FIX = "open the period (or fiscal year) in Procountor, or change the invoice date"
CALLS_PER_SECOND = 20  # Procountor's limit per client id
# How Procountor says a date lies in a closed period or outside every fiscal year.
_PERIOD_REFUSED = re.compile(
    r"CLOSED_PERIOD|PERIOD_CLOSED|CLOSED_FISCAL_PERIOD|NOT_IN_FISCAL_YEAR|closed period",
    re.IGNORECASE,
)


class RegisterRefused(ApiError):
    """A customer or product could not be made right in Procountor; the message says it all."""


class PeriodClosed(ApiError):
    """Procountor refused the invoice for its date; the message names the date and the fix."""


class AccountingFailed(ApiError):
    """The ledger receipt could not be read or written back."""


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


_ROW = re.compile(r"invoiceRows\[(\d+)\](?:\.(\w+))?")
_PARTY = re.compile(r"counterParty(?:\.(\w+))*")
_WORDS = {
    "product": "description",
    "productCode": "product code",
    "quantity": "quantity",
    "unit": "unit",
    "unitPrice": "unit price",
    "discountPercent": "discount",
    "vatPercent": "VAT rate",
    "vatStatus": "VAT status",
    "comment": "comment",
    "startDate": "start date",
    "endDate": "end date",
}


def in_our_words(detail: str) -> str:
    """Procountor's field paths as a bookkeeper reads them: ``invoiceRows[1].discountPercent``
    (counted from 0) is line 2's discount on our invoice."""

    def row(match: re.Match[str]) -> str:
        field = match.group(2)
        where = f"line {int(match.group(1)) + 1}"
        return f"{where} {_WORDS.get(field, field)}" if field else where

    def party(match: re.Match[str]) -> str:
        parts = match.group(0).split(".")[1:]
        return " ".join(["customer", *parts]) if parts else "customer"

    return _PARTY.sub(party, _ROW.sub(row, detail))


def explain_refusal(error: ApiError, action: str) -> str:
    detail = in_our_words(error.message)
    known = [text for code, text in CODES.items() if code in detail]
    if error.status == 403:
        return (
            f"Procountor refused to {action}: the invoice is not in a state that allows it, "
            f"its period is closed, or {RIGHTS} (Procountor said: {detail})"
        )
    if error.status == 404:
        return f"Procountor could not find what we asked for while trying to {action} ({detail})"
    if period_refused(error):
        known.append(f"the date is in a closed period or outside an open fiscal year: {PERIOD_FIX}")
    summary = "; ".join(known) if known else "see the details"
    return f"Procountor refused to {action}: {summary} (Procountor said: {detail})"


def period_refused(error: ApiError) -> bool:
    """Whether Procountor refused because of the date's period or fiscal year."""
    return _PERIOD_REFUSED.search(error.message) is not None


def period_closed(day: date, detail: str) -> str:
    """Procountor refused an invoice for its date (the check before sending saw it open)."""
    return (
        f"The period for date {day} does not exist or is closed in Procountor: {PERIOD_FIX}. "
        f"Then send the invoice again (Procountor said: {detail})"
    )


def too_many_calls(
    error: TooManyCalls, *, rate_limit: float | None = None, then: str = "try again in a while"
) -> str:
    """Procountor kept answering 429 after every retry; ``then`` says what happens next."""
    now = f" (now {rate_limit:g} a second)" if rate_limit else ""
    return (
        f"Too many calls: Procountor kept answering 429 (too many requests) to {error.request}, "
        f"{error.tries} times in a row. Procountor allows {CALLS_PER_SECOND} calls a second per "
        "client id, shared by every company and program using it. Nothing is sent twice: "
        f"{then}. If it keeps happening, lower the connection's rate_limit_per_second{now}, or "
        "stop other programs that use the same client id at the same time"
    )


def describe_failure(error: RemoteError, action: str, *, rate_limit: float | None = None) -> str:
    """Any failure talking to Procountor, in plain words: credentials, a refusal, too many
    calls, or no answer."""
    if isinstance(error, AuthenticationFailed):
        return credentials_refused(error.message)
    if isinstance(error, ApiError):
        return explain_refusal(error, action)
    if isinstance(error, TooManyCalls):
        return too_many_calls(error, rate_limit=rate_limit)
    return f"Procountor could not be reached: {error}"
