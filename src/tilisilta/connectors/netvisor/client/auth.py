"""Signing a Netvisor request: the authentication headers and the MAC over them.

Every request carries the sender, API user, partner, timestamp, language, company and a
transaction id used once; the MAC covers them, the URL exactly as sent and the two keys, which
are never sent themselves (reference netvisor.md §2, §8.2 item 1).
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from dataclasses import dataclass
from datetime import datetime

from tilisilta.connectors.netvisor.options import MacScheme


@dataclass(frozen=True)
class Credentials:
    sender: str
    customer_id: str
    partner_id: str
    organisation_id: str
    language: str
    customer_key: str
    partner_key: str
    scheme: MacScheme


def mac(
    credentials: Credentials,
    url: str,
    timestamp: str,
    transaction_id: str,
    timestamp_unix: str | None = None,
) -> str:
    """The lower-case hex MAC of one request. HMACSHA256 also covers ``timestamp_unix``."""
    c = credentials
    fields = [url, c.sender, c.customer_id, timestamp, c.language, c.organisation_id]
    fields.append(transaction_id)
    if c.scheme is MacScheme.HMACSHA256:
        fields.append(timestamp_unix or "")
    fields += [c.customer_key, c.partner_key]
    message = "&".join(fields).encode("latin-1", errors="replace")
    if c.scheme is MacScheme.HMACSHA256:
        key = f"{c.customer_key}&{c.partner_key}".encode("latin-1", errors="replace")
        return hmac.new(key, message, hashlib.sha256).hexdigest()
    if c.scheme is MacScheme.SHA256:
        return hashlib.sha256(message).hexdigest()
    return hashlib.md5(message, usedforsecurity=False).hexdigest()


def signed_headers(credentials: Credentials, url: str, now: datetime) -> dict[str, str]:
    """The headers of one request to ``url`` (scheme, host, path and query, as sent)."""
    c = credentials
    timestamp = now.strftime("%Y-%m-%d %H:%M:%S.") + f"{now.microsecond // 1000:03d}"
    unix = str(int(now.timestamp()))
    transaction = uuid.uuid4().hex  # never reused: a repeat is refused as REQUEST_NOT_UNIQUE
    headers = {
        "X-Netvisor-Authentication-Sender": c.sender,
        "X-Netvisor-Authentication-CustomerId": c.customer_id,
        "X-Netvisor-Authentication-PartnerId": c.partner_id,
        "X-Netvisor-Authentication-Timestamp": timestamp,
        "X-Netvisor-Authentication-TransactionId": transaction,
        "X-Netvisor-Interface-Language": c.language,
        "X-Netvisor-Organisation-ID": c.organisation_id,
        "X-Netvisor-Authentication-MAC": mac(c, url, timestamp, transaction, unix),
    }
    if c.scheme is not MacScheme.MD5:
        headers["X-Netvisor-Authentication-MACHashCalculationAlgorithm"] = c.scheme.value
    if c.scheme is MacScheme.HMACSHA256:
        headers["X-Netvisor-Authentication-TimestampUnix"] = unix
    return headers
