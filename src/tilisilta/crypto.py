"""Secrets at rest: Fernet encryption with rotatable keys, and how secrets are shown."""

from __future__ import annotations

import json
import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from tilisilta.settings import Settings


class SecretKeyError(RuntimeError):
    """The secrets cannot be sealed or opened; the message names the key source in use."""


def key_source(settings: Settings) -> str:
    """Where the keys come from, in words: the variable, or the key file's path."""
    if settings.secret_keys is not None:
        return "TILISILTA_SECRET_KEYS"
    return f"the key file {settings.key_file}"


def _load_keys(settings: Settings, *, may_create: bool) -> list[bytes]:
    if settings.secret_keys is not None:
        raw = settings.secret_keys.get_secret_value()
        return [k.strip().encode() for k in raw.split(",") if k.strip()]
    path = settings.key_file
    if not path.exists():
        if not may_create:
            raise SecretKeyError(
                f"the key file {path} is missing, but the database holds secrets encrypted with "
                "it: put the file back from your backup (or give its key in "
                "TILISILTA_SECRET_KEYS). A new key would make those secrets unreadable, so none "
                "was made"
            )
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(Fernet.generate_key() + b"\n")
    try:
        return [line.strip() for line in path.read_bytes().splitlines() if line.strip()]
    except OSError as exc:
        raise SecretKeyError(f"the key file {path} cannot be read: {exc.strerror}") from None


class SecretBox:
    """Encrypts a dict of secrets as one token; decrypts with any known key (newest first)."""

    def __init__(self, keys: list[bytes], source: str = "TILISILTA_SECRET_KEYS") -> None:
        self.source = source
        if not keys:
            raise SecretKeyError(f"{source} holds no key: give at least one Fernet key")
        try:
            self._fernet = MultiFernet([Fernet(k) for k in keys])
        except ValueError:
            raise SecretKeyError(
                f"{source} holds something that is not a Fernet key (each key is 32 url-safe "
                "base64-encoded bytes, one a line or comma-separated): put back the key file or "
                "value from your backup"
            ) from None

    @classmethod
    def from_settings(cls, settings: Settings, *, may_create: bool = True) -> SecretBox:
        """The box of the configured keys. A missing key file is made only when
        ``may_create``: never while encrypted secrets exist."""
        return cls(_load_keys(settings, may_create=may_create), key_source(settings))

    def seal(self, secrets: dict[str, str]) -> str:
        return self._fernet.encrypt(json.dumps(secrets, sort_keys=True).encode()).decode()

    def open(self, token: str) -> dict[str, str]:
        try:
            data: dict[str, str] = json.loads(self._fernet.decrypt(token.encode()))
        except InvalidToken:
            raise SecretKeyError(
                f"the stored secrets were not encrypted with {self.source}: put back the key "
                "they were encrypted with (after a rotation, keep the old key after the new one)"
            ) from None
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
