"""Secrets at rest: Fernet encryption with rotatable keys, and how secrets are shown."""

from __future__ import annotations

import json
import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from tilisilta.settings import Settings


class SecretKeyError(RuntimeError):
    pass


def _load_keys(settings: Settings) -> list[bytes]:
    if settings.secret_keys is not None:
        raw = settings.secret_keys.get_secret_value()
        return [k.strip().encode() for k in raw.split(",") if k.strip()]
    path = settings.key_file
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(Fernet.generate_key() + b"\n")
    return [line.strip() for line in path.read_bytes().splitlines() if line.strip()]


class SecretBox:
    """Encrypts a dict of secrets as one token; decrypts with any known key (newest first)."""

    def __init__(self, keys: list[bytes]) -> None:
        if not keys:
            raise SecretKeyError("no secret key configured (TILISILTA_SECRET_KEYS is empty)")
        try:
            self._fernet = MultiFernet([Fernet(k) for k in keys])
        except ValueError as exc:
            raise SecretKeyError(
                "a key in TILISILTA_SECRET_KEYS is not a valid Fernet key "
                "(32 url-safe base64-encoded bytes)"
            ) from exc

    @classmethod
    def from_settings(cls, settings: Settings) -> SecretBox:
        return cls(_load_keys(settings))

    def seal(self, secrets: dict[str, str]) -> str:
        return self._fernet.encrypt(json.dumps(secrets, sort_keys=True).encode()).decode()

    def open(self, token: str) -> dict[str, str]:
        try:
            data: dict[str, str] = json.loads(self._fernet.decrypt(token.encode()))
        except InvalidToken as exc:
            raise SecretKeyError(
                "stored secrets cannot be decrypted with the configured keys; "
                "add the old key after the new one in TILISILTA_SECRET_KEYS"
            ) from exc
        return data

    def rotate(self, token: str) -> str:
        """Re-encrypt with the newest key."""
        return self._fernet.rotate(token.encode()).decode()


def add_key_to_file(path: Path) -> None:
    """Put a new key first in the key file, keeping the old ones for decryption."""
    old = path.read_bytes() if path.exists() else b""
    path.write_bytes(Fernet.generate_key() + b"\n" + old)
    path.chmod(0o600)


def mask(secret: str | None) -> str:
    """Show only the last four characters, as the UI does."""
    if not secret:
        return "(not set)"
    return "…" + secret[-4:] if len(secret) > 8 else "…"
