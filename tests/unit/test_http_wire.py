"""JSON on the wire keeps decimals exact; secrets are redacted from what is stored."""

from __future__ import annotations

import json
from decimal import Decimal

from tilisilta.http.jsonwire import decode_json, encode_json
from tilisilta.http.redaction import REDACTED, redact_text


def test_decimals_are_written_as_exact_json_numbers() -> None:
    body = encode_json({"unitPrice": Decimal("25.50"), "q": [Decimal("-1"), Decimal("0.1")]})
    assert body == b'{"unitPrice":25.50,"q":[-1,0.1]}'
    assert decode_json(body)["unitPrice"] == Decimal("25.50")


def test_strings_that_look_like_markers_are_left_alone() -> None:
    assert json.loads(encode_json({"text": "dec:12"})) == {"text": "dec:12"}


def test_known_secret_values_and_secret_fields_are_redacted() -> None:
    form = "grant_type=client_credentials&client_secret=abc123xyz&api_key=KEY-9876"
    text = redact_text(form, ["abc123xyz"])
    assert "abc123xyz" not in text and "KEY-9876" not in text
    body = json.loads(redact_text('{"access_token": "tok-1", "name": "Oy"}', []))
    assert body == {"access_token": REDACTED, "name": "Oy"}
