"""Secrets never leave the process: every stored or printed payload passes through here."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

REDACTED = "[redacted]"
SECRET_KEYS = re.compile(
    r"(secret|password|api_?key|token|authorization|credential)", re.IGNORECASE
)


def _redact_obj(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: (REDACTED if SECRET_KEYS.search(str(k)) and v not in (None, "") else _redact_obj(v))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_redact_obj(v) for v in value]
    return value


def redact_text(text: str, secrets: Iterable[str]) -> str:
    """Replace every known secret value, then mask secret-looking fields in JSON or forms."""
    for secret in sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        try:
            return json.dumps(_redact_obj(json.loads(text)), ensure_ascii=False)
        except ValueError:
            return text
    return re.sub(
        r"((?:client_secret|api_key|access_token|password)=)[^&\s]*",
        lambda m: m.group(1) + REDACTED,
        text,
    )


def redact_url(url: str, secrets: Iterable[str]) -> str:
    return redact_text(url, secrets)
