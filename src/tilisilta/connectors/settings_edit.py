"""Changing one setting of a connection by name, for any kind: ``vat_statuses.domestic = 1``.

A value is read the way a person types it: as text when the setting takes text, else as JSON
(``true``, ``20``, ``["a", "b"]``, ``null``). The whole settings are checked again by the kind's
model, so nothing invalid is ever stored.
"""

from __future__ import annotations

import contextlib
import json
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError


class SettingError(ValueError):
    pass


def with_setting(model: type[BaseModel], current: dict[str, Any], path: str, raw: str) -> BaseModel:
    """The settings with ``path`` (a name, or ``name.key`` inside a mapping) set to ``raw``."""
    name, _, key = path.partition(".")
    if name not in model.model_fields:
        known = ", ".join(sorted(model.model_fields))
        raise SettingError(f"there is no setting {name!r}; the settings are: {known}")
    base = model.model_validate(current).model_dump(mode="json")
    errors: list[str] = []
    for value in _readings(raw):
        candidate = dict(base)
        if key:
            inner = candidate.get(name)
            if not isinstance(inner, dict):
                raise SettingError(f"setting {name!r} has no parts: set it as a whole")
            candidate[name] = {**inner, key: value}
        else:
            candidate[name] = value
        try:
            return model.model_validate(candidate)
        except ValidationError as exc:
            errors.append(_say(exc))
    raise SettingError(f"{path} cannot be {raw!r}: {errors[-1]}")


def settings_from(model: type[BaseModel], values: dict[str, str]) -> BaseModel:
    """New settings from ``NAME=VALUE`` pairs as a person typed them (``name.key`` for a part of
    a mapping); the defaults for the rest. Raises SettingError naming what is wrong or missing."""
    whole: dict[str, Any] = {}
    for name, raw in values.items():
        if "." in name:
            continue
        field = model.model_fields.get(name)
        if field is None:
            known = ", ".join(sorted(model.model_fields))
            raise SettingError(f"there is no setting {name!r}; the settings are: {known}")
        adapter: TypeAdapter[Any] = TypeAdapter(field.annotation or Any)
        reason = ""
        for reading in _readings(raw):
            try:
                whole[name] = adapter.validate_python(reading)
                break
            except ValidationError as exc:
                reason = _say(exc)
        else:
            raise SettingError(f"{name} cannot be {raw!r}: {reason}")
    try:
        settings = model.model_validate(whole)
    except ValidationError as exc:
        missing = [str(e["loc"][0]) for e in exc.errors() if e["type"] == "missing"]
        if missing:
            raise SettingError(f"these settings are needed: {', '.join(missing)}") from None
        raise SettingError(_say(exc)) from None
    for name, raw in values.items():
        if "." in name:
            settings = with_setting(model, settings.model_dump(mode="json"), name, raw)
    return settings


def _readings(raw: str) -> list[Any]:
    """The ways ``raw`` can be meant: as text first, then as JSON."""
    readings: list[Any] = [raw]
    with contextlib.suppress(json.JSONDecodeError):
        readings.append(json.loads(raw))
    return readings


def _say(exc: ValidationError) -> str:
    error = exc.errors()[0]
    return str(error["msg"])


def setting_lines(options: BaseModel) -> list[tuple[str, str]]:
    """Every setting with its value, defaults included, in a stable order."""
    shown = options.model_dump(mode="json")
    return [(name, _text(shown[name])) for name in sorted(shown)]


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
