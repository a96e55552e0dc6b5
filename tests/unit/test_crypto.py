"""Secrets at rest: encrypted, rotatable, masked."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from tilisilta.crypto import SecretBox, SecretKeyError, add_key_to_file, mask
from tilisilta.settings import Settings


def test_sealed_secrets_do_not_contain_the_plain_value() -> None:
    box = SecretBox([Fernet.generate_key()])
    token = box.seal({"api_key": "very-secret-api-key"})
    assert "very-secret-api-key" not in token
    assert box.open(token) == {"api_key": "very-secret-api-key"}


def test_rotation_keeps_old_tokens_readable_and_moves_them_to_the_new_key() -> None:
    old, new = Fernet.generate_key(), Fernet.generate_key()
    token = SecretBox([old]).seal({"client_secret": "s3cret"})
    both = SecretBox([new, old])
    rotated = both.rotate(token)
    assert SecretBox([new]).open(rotated) == {"client_secret": "s3cret"}
    with pytest.raises(SecretKeyError, match="were not encrypted with"):
        SecretBox([new]).open(token)


def test_key_file_is_created_private_and_rotation_adds_a_key_first(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, secret_keys=None)
    token = SecretBox.from_settings(settings).seal({"a": "b"})
    assert settings.key_file.stat().st_mode & 0o777 == 0o600
    add_key_to_file(settings.key_file)
    assert len(settings.key_file.read_bytes().split()) == 2
    assert SecretBox.from_settings(settings).open(token) == {"a": "b"}


def test_a_malformed_key_is_reported_plainly() -> None:
    with pytest.raises(SecretKeyError, match="is not a Fernet key"):
        SecretBox([b"short"])


def test_secrets_are_shown_by_their_last_four_characters() -> None:
    assert mask("abcdefghijkl") == "…ijkl"
    assert mask("short") == "…"
    assert mask(None) == "(not set)"
