"""JSON on the wire with exact decimals: Decimal in, Decimal out, never through a float."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

_MARK = "\x00dec:"
_MARKED = re.compile(r'"\\u0000dec:(-?[0-9.]+(?:E[+-]?[0-9]+)?)"')


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"cannot send {value} as a JSON number")
        return _MARK + format(value, "f")
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def encode_json(value: Any, *, indent: int | None = None) -> bytes:
    """Decimals become JSON numbers written exactly as they are (``Decimal("25.50")`` → 25.50)."""
    separators = (",", ":") if indent is None else (",", ": ")
    text = json.dumps(
        value, default=_default, ensure_ascii=False, separators=separators, indent=indent
    )
    return _MARKED.sub(r"\1", text).encode()


def decode_json(data: bytes | str) -> Any:
    return json.loads(data, parse_float=Decimal)
