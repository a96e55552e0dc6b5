"""Field checks shared by the sandbox's validators. Each check records problems in a
:class:`ValidationErrors` under the field's JSON path and returns the parsed value (or None)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from . import errors as e
from .errors import ValidationErrors
from .state import local_now


def join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def _typed(
    errs: ValidationErrors,
    parent: dict[str, Any],
    key: str,
    path: str,
    required: bool,
    accept: type | tuple[type, ...],
) -> tuple[Any, str]:
    """The value at ``key`` if present and of an accepted type (bool never passes for a number);
    otherwise None, with REQUIRED or INVALID_TYPE recorded."""
    value = parent.get(key)
    where = join(path, key)
    if value is None:
        if required:
            errs.add(where, e.REQUIRED)
        return None, where
    if (isinstance(value, bool) and bool not in _as_tuple(accept)) or not isinstance(value, accept):
        errs.add(where, e.INVALID_TYPE)
        return None, where
    return value, where


def _as_tuple(accept: type | tuple[type, ...]) -> tuple[type, ...]:
    return accept if isinstance(accept, tuple) else (accept,)


def obj(
    errs: ValidationErrors, parent: dict[str, Any], key: str, path: str, required: bool = False
) -> dict[str, Any] | None:
    value, _where = _typed(errs, parent, key, path, required, dict)
    return value  # type: ignore[no-any-return]


def string(
    errs: ValidationErrors,
    parent: dict[str, Any],
    key: str,
    path: str,
    *,
    required: bool = False,
    max_len: int | None = None,
    min_len: int = 0,
    blank_is_missing: bool = False,
) -> str | None:
    value = parent.get(key)
    where = join(path, key)
    if value is None or (blank_is_missing and isinstance(value, str) and not value.strip()):
        if required:
            errs.add(where, e.REQUIRED)
        return None
    if not isinstance(value, str):
        errs.add(where, e.INVALID_TYPE)
        return None
    if len(value) < min_len:
        errs.add(where, e.TOO_SHORT)
    elif max_len is not None and len(value) > max_len:
        errs.add(where, e.TOO_LONG)
    return value


def enum(
    errs: ValidationErrors,
    parent: dict[str, Any],
    key: str,
    path: str,
    allowed: Collection[str],
    *,
    required: bool = False,
) -> str | None:
    value = parent.get(key)
    where = join(path, key)
    if value is None:
        if required:
            errs.add(where, e.REQUIRED)
        return None
    if not isinstance(value, str) or value not in allowed:
        errs.add(where, e.INVALID_VALUE)
        return None
    return value


def number(
    errs: ValidationErrors,
    parent: dict[str, Any],
    key: str,
    path: str,
    *,
    required: bool = False,
    minimum: Decimal | None = None,
    maximum: Decimal | None = None,
    exclusive_minimum: bool = False,
) -> Decimal | None:
    """JSON numbers only: strings and booleans are refused (send numbers, not "10")."""
    value, where = _typed(errs, parent, key, path, required, (int, Decimal))
    if value is None:
        return None
    amount = Decimal(value)
    if not amount.is_finite():
        errs.add(where, e.INVALID_VALUE)
        return None
    too_low = minimum is not None and (amount <= minimum if exclusive_minimum else amount < minimum)
    if too_low or (maximum is not None and amount > maximum):
        errs.add(where, e.VALUE_OUT_OF_RANGE)
        return None
    return amount


def integer(
    errs: ValidationErrors, parent: dict[str, Any], key: str, path: str, *, required: bool = False
) -> int | None:
    value, _where = _typed(errs, parent, key, path, required, int)
    return value  # type: ignore[no-any-return]


def boolean(
    errs: ValidationErrors, parent: dict[str, Any], key: str, path: str, *, required: bool = False
) -> bool | None:
    value, _where = _typed(errs, parent, key, path, required, bool)
    return value  # type: ignore[no-any-return]


def day(
    errs: ValidationErrors, parent: dict[str, Any], key: str, path: str, *, required: bool = False
) -> date | None:
    value = parent.get(key)
    where = join(path, key)
    if value is None:
        if required:
            errs.add(where, e.REQUIRED)
        return None
    parsed = parse_date(value)
    if parsed is None:
        errs.add(where, e.INVALID_VALUE)
    return parsed


def parse_date(value: Any) -> date | None:
    """Procountor dates are exactly ``YYYY-MM-DD``."""
    if not isinstance(value, str) or len(value) != 10:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def parse_datetime(value: str) -> datetime | None:
    """A query datetime like ``2026-03-02T09:00:00`` (Finnish local time, no zone)."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is not None:
        return local_now(parsed)
    return parsed


def windows_1252(errs: ValidationErrors, value: Any, path: str = "") -> None:
    """Procountor accepts UTF-8 on the wire but only characters that exist in Windows-1252."""
    if isinstance(value, str):
        try:
            value.encode("cp1252")
        except UnicodeEncodeError:
            errs.add(path or None, e.INVALID_CHARACTERS)
    elif isinstance(value, dict):
        for key, item in value.items():
            windows_1252(errs, item, join(path, str(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            windows_1252(errs, item, join(path, index))
