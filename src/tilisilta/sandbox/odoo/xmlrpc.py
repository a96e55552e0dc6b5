"""XML-RPC in and out, with the standard library's marshalling as Odoo uses it.

Requests are unmarshalled by :class:`xmlrpc.client.Unmarshaller` fed by an expat parser that
refuses any document type declaration, entity declaration or external entity reference, so
entity expansion ("billion laughs") and external entities never happen; a plain ``<!DOCTYPE`` or
``<!ENTITY`` is refused before parsing starts. (``defusedxml`` is not a dependency; this is the
same protection.) Responses are marshalled with ``allow_none=False`` like Odoo's ``/xmlrpc/2``:
a method returning None cannot be answered.
"""

from __future__ import annotations

import base64
import re
import xmlrpc.client
from datetime import date, datetime
from typing import Any, NoReturn
from xml.parsers import expat


class ForbiddenXML(ValueError):
    """The request declares a document type or entities, which XML-RPC never needs."""


_DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_FORBIDDEN = "XML-RPC requests may not contain a DOCTYPE, ENTITY or external entity"


def _forbid(*_: Any) -> NoReturn:
    raise ForbiddenXML(_FORBIDDEN)


def _loads(body: bytes) -> tuple[tuple[Any, ...], str | None]:
    target = xmlrpc.client.Unmarshaller(use_datetime=True)
    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = _forbid
    parser.EntityDeclHandler = _forbid
    parser.UnparsedEntityDeclHandler = _forbid
    parser.ExternalEntityRefHandler = _forbid
    parser.StartElementHandler = target.start
    parser.EndElementHandler = target.end
    parser.CharacterDataHandler = target.data
    parser.buffer_text = True
    target.xml("", None)  # no encoding: expat hands over text already decoded
    parser.Parse(body, True)
    return target.close(), target.getmethodname()


def parse_call(body: bytes) -> tuple[str | None, list[Any]]:
    """The method name and the positional parameters of a ``methodCall``.

    dateTime values become Odoo's ``YYYY-MM-DD HH:MM:SS`` strings and base64 values base64
    strings, which is how the ORM takes them over every transport. Raises
    :class:`ForbiddenXML`, :class:`xml.parsers.expat.ExpatError` or
    :class:`xmlrpc.client.ResponseError` for what is not a well-formed call.
    """
    if _DTD.search(body):
        raise ForbiddenXML(_FORBIDDEN)
    params, method = _loads(body)
    return method, [_plain(p) for p in params]


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, xmlrpc.client.Binary):
        return base64.b64encode(value.data).decode("ascii")
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def dump_result(result: Any) -> bytes:
    """A ``methodResponse`` holding ``result``. Raises TypeError for None (anywhere in it)
    and for anything else XML-RPC cannot carry, exactly as the stdlib marshaller does."""
    return xmlrpc.client.dumps(
        (result,), methodresponse=True, allow_none=False, encoding="utf-8"
    ).encode("utf-8")


def dump_fault(fault: xmlrpc.client.Fault) -> bytes:
    return xmlrpc.client.dumps(fault, methodresponse=True, encoding="utf-8").encode("utf-8")


def dump_call(method: str, *params: Any) -> bytes:
    """A ``methodCall`` (for tests and demos talking to the sandbox by hand)."""
    return xmlrpc.client.dumps(params, methodname=method, allow_none=False).encode("utf-8")


def load_response(body: bytes) -> Any:
    """The value of a ``methodResponse``; raises :class:`xmlrpc.client.Fault` for a fault."""
    params, _ = xmlrpc.client.loads(body)
    return params[0]
