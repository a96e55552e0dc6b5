"""The MAC of a Netvisor request, against the published test vector (reference §2, §8.2)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tilisilta.connectors.netvisor.client.auth import Credentials, mac, signed_headers
from tilisilta.connectors.netvisor.options import MacScheme

URL = "http://integrationdemo.netvisor.fi/accounting.nv"
TIMESTAMP = "2009-01-12 15:49:12.221"


def credentials(scheme: MacScheme) -> Credentials:
    return Credentials(
        sender="Testiclient",
        customer_id="Integraatiokayttajan tunnus",
        partner_id="unused: the partner id is not in the MAC",
        organisation_id="1967543-8",
        language="FI",
        customer_key="7cd680e89e880553358bc07cd28b0ee2",
        partner_key="07f94228d149a96b2f25e3edad55096e",
        scheme=scheme,
    )


@pytest.mark.parametrize(
    ("scheme", "unix", "start", "end"),
    [
        (MacScheme.MD5, None, "6b2783906969630c1b6649bf5b0e6620", ""),
        (
            MacScheme.SHA256,
            None,
            "cd39e4566936ffd41e67cc8a819bf314a5f1016ca0159854d0f2dd447a86db8e",
            "",
        ),
        (MacScheme.HMACSHA256, "1231775352", "f473c842", "a690"),
    ],
)
def test_the_published_vector(scheme: MacScheme, unix: str | None, start: str, end: str) -> None:
    digest = mac(credentials(scheme), URL, TIMESTAMP, "123456", unix)
    assert digest.startswith(start) and digest.endswith(end)


def test_every_request_gets_its_own_transaction_id_and_legacy_md5_names_no_algorithm() -> None:
    now = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
    first = signed_headers(credentials(MacScheme.HMACSHA256), URL, now)
    second = signed_headers(credentials(MacScheme.HMACSHA256), URL, now)
    tx = "X-Netvisor-Authentication-TransactionId"
    assert first[tx] != second[tx]
    assert first["X-Netvisor-Authentication-TimestampUnix"] == str(int(now.timestamp()))
    legacy = signed_headers(credentials(MacScheme.MD5), URL, now)
    assert "X-Netvisor-Authentication-MACHashCalculationAlgorithm" not in legacy
    assert "7cd680e89e880553358bc07cd28b0ee2" not in " ".join(first.values())
