"""Who is calling: the authentication headers, the MAC in its three schemes, the clock skew of
``TimestampUnix``, replayed transaction ids, and the company and resource the caller may use
(reference netvisor.md §2, §8.1, §8.2 items 1, 2, 3 and 5).

The MAC is computed over ``URL&Sender&CustomerId&Timestamp&Language&OrganisationId&TransactionId
[&TimestampUnix]&CustomerKey&PartnerKey`` in latin-1 bytes: MD5 when no algorithm header is sent,
plain SHA-256 for ``SHA256``, HMAC-SHA256 keyed ``CustomerKey&PartnerKey`` for ``HMACSHA256``.
The URL is the public base URL plus the request target exactly as received. Hex is compared
without regard to case (VIS prints upper case). ``Timestamp`` is never parsed (§8.1).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from .errors import (
    AUTHENTICATION_FAILED,
    LANGUAGES,
    REQUEST_NOT_UNIQUE,
    SERVICE_ACCESS_ERROR,
    NetvisorError,
)
from .state import ApiUser, Company, Partner

if TYPE_CHECKING:
    from .sandbox import NetvisorSandbox

H = "X-Netvisor-Authentication-"
SENDER = H + "Sender"
CUSTOMER_ID = H + "CustomerId"
PARTNER_ID = H + "PartnerId"
TIMESTAMP = H + "Timestamp"
TIMESTAMP_UNIX = H + "TimestampUnix"
TRANSACTION_ID = H + "TransactionId"
MAC = H + "MAC"
ALGORITHM = H + "MACHashCalculationAlgorithm"
HTTP_CODES = H + "UseHTTPResponseStatusCodes"
LANGUAGE = "X-Netvisor-Interface-Language"
ORGANISATION = "X-Netvisor-Organisation-ID"  # header names are case-insensitive (HEL sends -Id)

REQUIRED = (SENDER, CUSTOMER_ID, PARTNER_ID, TIMESTAMP, TRANSACTION_ID, LANGUAGE, ORGANISATION, MAC)
SCHEMES = ("MD5", "SHA256", "HMACSHA256")


@dataclass(frozen=True)
class Caller:
    partner: Partner
    user: ApiUser
    company: Company
    language: str
    transaction_id: str


def compute_mac(
    scheme: str,
    url: str,
    sender: str,
    customer_id: str,
    timestamp: str,
    language: str,
    organisation_id: str,
    transaction_id: str,
    customer_key: str,
    partner_key: str,
    timestamp_unix: str | None = None,
) -> str:
    """The lower-case hex MAC of one request under ``scheme`` (MD5, SHA256 or HMACSHA256)."""
    fields = [url, sender, customer_id, timestamp, language, organisation_id, transaction_id]
    if scheme == "HMACSHA256":
        fields.append(timestamp_unix or "")
    fields += [customer_key, partner_key]
    message = "&".join(fields).encode("latin-1", errors="replace")
    if scheme == "HMACSHA256":
        key = f"{customer_key}&{partner_key}".encode("latin-1", errors="replace")
        return hmac.new(key, message, hashlib.sha256).hexdigest()
    if scheme == "SHA256":
        return hashlib.sha256(message).hexdigest()
    if scheme == "MD5":
        return hashlib.md5(message, usedforsecurity=False).hexdigest()
    raise ValueError(f"unknown MAC scheme {scheme!r}")


def language_of(headers: Mapping[str, str]) -> str:
    """The interface language for the answer: the header's when it is one we know, else FI."""
    value = (headers.get(LANGUAGE) or "").strip().upper()
    return value if value in LANGUAGES else "FI"


def authenticate(
    sb: NetvisorSandbox, headers: Mapping[str, str], url: str, resource: str, now: datetime
) -> Caller:
    """The caller of a request, or the refusal Netvisor gives it. Call under the sandbox lock:
    a transaction id is recorded only once the request has passed every check (§8.2 item 3)."""
    for name in REQUIRED:
        if not (headers.get(name) or "").strip():
            raise NetvisorError(AUTHENTICATION_FAILED, "header", name=name)
    language = headers[LANGUAGE].strip()
    if language.upper() not in LANGUAGES:
        raise NetvisorError(AUTHENTICATION_FAILED, "language", value=language)
    scheme = (headers.get(ALGORITHM) or "MD5").strip().upper()
    if scheme not in SCHEMES:
        raise NetvisorError(AUTHENTICATION_FAILED, "algorithm", value=scheme)
    partner = sb.partners.get(headers[PARTNER_ID])
    user = sb.users.get(headers[CUSTOMER_ID])
    if partner is None or user is None:
        raise NetvisorError(AUTHENTICATION_FAILED, "keys")
    unix = headers.get(TIMESTAMP_UNIX)
    if scheme == "HMACSHA256":
        if not (unix or "").strip():
            raise NetvisorError(AUTHENTICATION_FAILED, "header", name=TIMESTAMP_UNIX)
        _check_skew(unix or "", now, sb.switches.max_clock_skew_s)
    expected = compute_mac(
        scheme,
        url,
        headers[SENDER],
        headers[CUSTOMER_ID],
        headers[TIMESTAMP],
        headers[LANGUAGE],
        headers[ORGANISATION],
        headers[TRANSACTION_ID],
        user.customer_key,
        partner.partner_key,
        unix,
    )
    if not hmac.compare_digest(expected, headers[MAC].strip().lower()):
        raise NetvisorError(AUTHENTICATION_FAILED, "keys")
    if user.expired:
        raise NetvisorError(AUTHENTICATION_FAILED, "expired")
    organisation = headers[ORGANISATION]
    company = sb.companies.get(organisation)
    if company is None or organisation not in user.companies:
        raise NetvisorError(AUTHENTICATION_FAILED, "organisation", value=organisation)
    transaction = headers[TRANSACTION_ID]
    seen = (_scope(sb.switches.replay_scope, partner, user, organisation), transaction)
    if seen in sb.transactions:
        raise NetvisorError(REQUEST_NOT_UNIQUE, "replay", value=transaction)
    if user.resources is not None and resource not in user.resources:
        raise NetvisorError(SERVICE_ACCESS_ERROR, "access", value=resource)
    sb.transactions.add(seen)
    return Caller(partner, user, company, language.upper(), transaction)


def _scope(scope: str, partner: Partner, user: ApiUser, organisation: str) -> str:
    """Where a transaction id must be unique: per PartnerId by default (§8.2 item 3)."""
    if scope == "partner":
        return f"partner:{partner.partner_id}"
    if scope == "user":
        return f"user:{user.customer_id}"
    if scope == "company":
        return f"company:{organisation}"
    return "global"


def _check_skew(unix: str, now: datetime, tolerance: float) -> None:
    """Only ``TimestampUnix`` can be checked for freshness (§8.1); 300 s by default [assumed]."""
    try:
        sent = int(unix.strip())
    except ValueError:
        raise NetvisorError(AUTHENTICATION_FAILED, "skew", value=unix) from None
    if abs(now.timestamp() - sent) > tolerance:
        raise NetvisorError(AUTHENTICATION_FAILED, "skew", value=unix)
