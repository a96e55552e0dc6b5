"""Which model methods may be called over RPC, and how arguments are bound to them.

A method is callable remotely only when decorated with ``@rpc``; the decorator says whether it
works on records (``ids`` come first, like Odoo's record methods) or on the model
(``@api.model``), and in which versions it exists. Binding reproduces Python's ``TypeError``
wording, which is what Odoo answers for wrong arguments.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from ..exceptions import ServerTypeError

Kind = Literal["model", "records", "create"]
Fn = TypeVar("Fn", bound=Callable[..., Any])


@dataclass(frozen=True)
class RpcInfo:
    kind: Kind
    name: str
    since: int
    until: int
    #: the class Odoo defines the method on, for error messages ("BaseModel.write()")
    owner: str | None


def rpc(
    kind: Kind = "records",
    *,
    name: str | None = None,
    since: int = 16,
    until: int = 99,
    owner: str | None = None,
) -> Callable[[Fn], Fn]:
    """Expose a method over RPC, as ``name`` (default: the function name) in versions
    ``since``..``until``."""

    def decorate(fn: Fn) -> Fn:
        fn.__dict__["_rpc"] = RpcInfo(kind, name or fn.__name__, since, until, owner)
        return fn

    return decorate


@dataclass(frozen=True)
class Records:
    """A recordset returned by a method: the transports answer it as its ids."""

    model: str
    ids: tuple[int, ...]


def rpc_table(cls: type, version: int) -> dict[str, tuple[str, RpcInfo]]:
    """Exposed name -> (attribute name, info) for the methods of ``cls`` in ``version``."""
    table: dict[str, tuple[str, RpcInfo]] = {}
    for klass in reversed(cls.__mro__):
        for attr, value in vars(klass).items():
            info = getattr(value, "_rpc", None)
            if isinstance(info, RpcInfo) and info.since <= version <= info.until:
                table[info.name] = (attr, info)
    return table


def normalize_ids(value: Any) -> list[int]:
    """The ``ids`` argument of a record method: an id or a list of ids."""
    if isinstance(value, bool):
        raise ServerTypeError(f"expected a list of ids, got {value!r}")
    if isinstance(value, int):
        return [value]
    if value is None or value is False:
        return []
    if isinstance(value, list | tuple):
        out: list[int] = []
        for item in value:
            if isinstance(item, bool) or not isinstance(item, int):
                raise ServerTypeError(f"expected a list of ids, got {list(value)!r}")
            out.append(item)
        return out
    raise ServerTypeError(f"expected a list of ids, got {value!r}")


def bind(
    fn: Callable[..., Any],
    qualname: str,
    args: list[Any],
    kwargs: dict[str, Any],
    *,
    records: bool,
) -> None:
    """Raise ServerTypeError worded like Python's when ``fn`` cannot take these arguments.

    For record methods the ids stand where Odoo's ``self`` is; model methods get one more
    positional slot counted for ``self``, as Python counts it."""
    signature = inspect.signature(fn)
    try:
        signature.bind(*args, **kwargs)
    except TypeError as exc:
        extra = 0 if records else 1
        message = _python_wording(qualname, signature, len(args) + extra, extra, str(exc))
        raise ServerTypeError(message) from None


def _python_wording(
    qualname: str, signature: inspect.Signature, given: int, extra: int, message: str
) -> str:
    params = [
        p
        for p in signature.parameters.values()
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]
    if message.startswith("missing a required argument"):
        name = message.split(":", 1)[1].strip()
        return f"{qualname}() missing 1 required positional argument: {name}"
    if message.startswith("too many positional arguments"):
        required = [p for p in params if p.default is p.empty]
        total = len(params) + extra
        if len(required) == len(params):
            noun = "argument" if total == 1 else "arguments"
            verb = "was" if given == 1 else "were"
            return f"{qualname}() takes {total} positional {noun} but {given} {verb} given"
        low = len(required) + extra
        return (
            f"{qualname}() takes from {low} to {total} positional arguments but {given} were given"
        )
    if message.startswith("got an unexpected keyword argument"):
        return f"{qualname}() {message}"
    if message.startswith("multiple values for argument"):
        return f"{qualname}() got {message}"
    return f"{qualname}() {message}"
