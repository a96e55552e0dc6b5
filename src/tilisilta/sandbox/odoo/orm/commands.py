"""x2many write commands, as ``fields._RelationalMulti.write_batch`` accepts them.

``(0, 0, vals)`` create, ``(1, id, vals)`` update, ``(2, id)`` delete, ``(3, id)`` unlink,
``(4, id)`` link, ``(5,)`` clear, ``(6, 0, ids)`` replace. Lists and tuples are both fine (JSON
and XML-RPC only have lists; Odoo 17's ``Command`` helpers build the same triples). A bare list
of ids means ``(6, 0, ids)``, ``False`` means ``(5,)`` and a single command may come alone.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from ..exceptions import ServerValueError
from .fields import Field


class Command(IntEnum):
    CREATE = 0
    UPDATE = 1
    DELETE = 2
    UNLINK = 3
    LINK = 4
    CLEAR = 5
    SET = 6

    @classmethod
    def create(cls, values: dict[str, Any]) -> tuple[int, int, dict[str, Any]]:
        return (cls.CREATE, 0, values)

    @classmethod
    def update(cls, rid: int, values: dict[str, Any]) -> tuple[int, int, dict[str, Any]]:
        return (cls.UPDATE, rid, values)

    @classmethod
    def delete(cls, rid: int) -> tuple[int, int, int]:
        return (cls.DELETE, rid, 0)

    @classmethod
    def unlink(cls, rid: int) -> tuple[int, int, int]:
        return (cls.UNLINK, rid, 0)

    @classmethod
    def link(cls, rid: int) -> tuple[int, int, int]:
        return (cls.LINK, rid, 0)

    @classmethod
    def clear(cls) -> tuple[int, int, int]:
        return (cls.CLEAR, 0, 0)

    @classmethod
    def set(cls, ids: list[int]) -> tuple[int, int, list[int]]:
        return (cls.SET, 0, list(ids))


def _wrong(model: str, field: Field, value: Any) -> ServerValueError:
    return ServerValueError(f"Wrong value for {field.qualified(model)}: {value!r}")


def _id(model: str, field: Field, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _wrong(model, field, value)
    return value


def normalize_commands(model: str, field: Field, value: Any) -> list[tuple[Any, ...]]:
    """The commands of an x2many value as ``(code, id, payload)`` tuples, validated."""
    if value is False or value is None:
        return [(Command.CLEAR, 0, None)]
    if isinstance(value, tuple):
        value = [value]
    if not isinstance(value, list):
        raise _wrong(model, field, value)
    if value and not isinstance(value[0], list | tuple):
        return [(Command.SET, 0, [_id(model, field, v) for v in value])]
    commands: list[tuple[Any, ...]] = []
    for command in value:
        if not isinstance(command, list | tuple) or not command:
            continue  # Odoo skips what is not a command
        code = command[0]
        if isinstance(code, bool) or not isinstance(code, int) or not 0 <= code <= 6:
            raise _wrong(model, field, value)
        if code == Command.CREATE:
            vals = command[2] if len(command) > 2 else None
            if not isinstance(vals, dict):
                raise _wrong(model, field, value)
            commands.append((code, 0, vals))
        elif code == Command.UPDATE:
            if len(command) < 3 or not isinstance(command[2], dict):
                raise _wrong(model, field, value)
            commands.append((code, _id(model, field, command[1]), command[2]))
        elif code in (Command.DELETE, Command.UNLINK, Command.LINK):
            if len(command) < 2:
                raise _wrong(model, field, value)
            commands.append((code, _id(model, field, command[1]), None))
        elif code == Command.CLEAR:
            commands.append((code, 0, None))
        else:
            ids = command[2] if len(command) > 2 else None
            if not isinstance(ids, list | tuple):
                raise _wrong(model, field, value)
            commands.append((code, 0, [_id(model, field, i) for i in ids]))
    return commands
