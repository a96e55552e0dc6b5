"""How each protocol reports a failure, in the shapes Odoo uses.

Everything that goes wrong inside a call is an exception; the transports hand it to one of
these functions:

* JSON-RPC: HTTP 200 and ``error = {code, message: "Odoo Server Error", data}`` where ``data`` is
  ``{name, message, arguments, context, debug}`` and ``code`` is 200 up to 18, 0 from 19;
* XML-RPC (``/xmlrpc/2``): a fault whose faultCode is the exception's family (1 other, 2 user
  errors, 3 access denied, 4 access error) and whose faultString is the message, or for family 1
  the traceback;
* JSON-2: the same ``data`` object as the whole body, with the exception's HTTP status.

Besides the ORM's exceptions (``exceptions``) a call can fail with a plain Python exception
(a wrong number of arguments, an unknown service) or with the few errors below that Odoo's
HTTP layer and database driver raise. ``debug`` and the family-1 faultString imitate a server
traceback; they never show the sandbox's own frames.
"""

from __future__ import annotations

import html
import xmlrpc.client
from typing import Any, ClassVar

from .exceptions import AccessDenied, OdooError, ServerAttributeError, ServerTypeError

ODOO_SERVER_ERROR = "Odoo Server Error"

_ODOO = "/usr/lib/python3/dist-packages/odoo"
_PYTHON = "/usr/lib/python3.12"

#: The frames a server traceback shows, per place where the failure surfaced.
_FRAMES: dict[str, tuple[tuple[str, int, str], ...]] = {
    "jsonrpc": (
        (f"{_ODOO}/http.py", 2150, "_serve_db"),
        (f"{_ODOO}/service/model.py", 152, "retrying"),
        (f"{_ODOO}/http.py", 2192, "_serve_ir_http"),
        (f"{_ODOO}/addons/base/models/ir_http.py", 222, "_dispatch"),
        (f"{_ODOO}/http.py", 754, "route_wrapper"),
        (f"{_ODOO}/addons/base/controllers/rpc.py", 151, "jsonrpc"),
        (f"{_ODOO}/http.py", 398, "dispatch_rpc"),
    ),
    "xmlrpc": (
        (f"{_ODOO}/addons/base/controllers/rpc.py", 127, "xmlrpc_2"),
        (f"{_ODOO}/addons/base/controllers/rpc.py", 104, "_xmlrpc"),
        (f"{_ODOO}/http.py", 398, "dispatch_rpc"),
    ),
    "object": (
        (f"{_ODOO}/service/model.py", 40, "dispatch"),
        (f"{_ODOO}/service/model.py", 63, "execute_kw"),
        (f"{_ODOO}/service/model.py", 85, "execute"),
        (f"{_ODOO}/service/model.py", 135, "retrying"),
        (f"{_ODOO}/service/model.py", 69, "execute_cr"),
        (f"{_ODOO}/api.py", 480, "call_kw"),
    ),
    "json2": (
        (f"{_ODOO}/http.py", 2150, "_serve_db"),
        (f"{_ODOO}/http.py", 2192, "_serve_ir_http"),
        (f"{_ODOO}/addons/base/models/ir_http.py", 222, "_dispatch"),
        (f"{_ODOO}/addons/rpc/controllers/json2.py", 128, "web_json_2_rpc"),
        (f"{_ODOO}/api.py", 480, "call_kw"),
    ),
    "marshal": (
        (f"{_ODOO}/addons/base/controllers/rpc.py", 127, "xmlrpc_2"),
        (f"{_ODOO}/addons/base/controllers/rpc.py", 106, "_xmlrpc"),
        (f"{_PYTHON}/xmlrpc/client.py", 1029, "dumps"),
        (f"{_PYTHON}/xmlrpc/client.py", 511, "dumps"),
        (f"{_PYTHON}/xmlrpc/client.py", 517, "__dump"),
        (f"{_PYTHON}/xmlrpc/client.py", 521, "dump_nil"),
    ),
}


# --- errors raised by Odoo's HTTP layer and database driver ---------------------------------


class DatabaseNotFound(OdooError):
    """What PostgreSQL answers when Odoo opens a database that does not exist."""

    odoo_name = "psycopg2.OperationalError"

    def __init__(self, database: object) -> None:
        super().__init__(
            'connection to server on socket "/var/run/postgresql/.s.PGSQL.5432" failed: '
            f'FATAL:  database "{database}" does not exist\n'
        )


class HTTPError(OdooError):
    """A werkzeug HTTP exception: JSON-2 reports its description and status as arguments."""

    odoo_name = "werkzeug.exceptions.HTTPException"
    headers: ClassVar[tuple[tuple[str, str], ...]] = ()


class BadRequest(HTTPError):
    odoo_name = "werkzeug.exceptions.BadRequest"
    http_status = 400


class Unauthorized(HTTPError):
    odoo_name = "werkzeug.exceptions.Unauthorized"
    http_status = 401
    headers = (("WWW-Authenticate", "Bearer"),)


class NotFound(HTTPError):
    odoo_name = "werkzeug.exceptions.NotFound"
    http_status = 404


class UnprocessableEntity(HTTPError):
    odoo_name = "werkzeug.exceptions.UnprocessableEntity"
    http_status = 422


# --- describing any exception ------------------------------------------------------------------


def error_name(exc: BaseException) -> str:
    """The dotted class name Odoo reports (``odoo.exceptions.UserError``, ``builtins.KeyError``)."""
    if isinstance(exc, OdooError):
        return exc.odoo_name
    cls = type(exc)
    return f"{cls.__module__}.{cls.__qualname__}"


def error_message(exc: BaseException) -> str:
    return exc.message if isinstance(exc, OdooError) else str(exc)


def error_arguments(exc: BaseException) -> list[Any]:
    if isinstance(exc, HTTPError):
        return [exc.message, exc.http_status]
    if isinstance(exc, OdooError):
        return [exc.message]
    return [_jsonable(a) for a in exc.args]


def traceback_text(exc: BaseException, where: str) -> str:
    """A server traceback for ``exc`` as Python prints it, frames chosen by ``where``.

    AccessDenied carries no traceback in Odoo (it is suppressed so as not to help guessing), so
    only its last line is shown.
    """
    name = error_name(exc).removeprefix("builtins.")
    message = error_message(exc)
    last = f"{name}: {message}" if message else name
    if isinstance(exc, AccessDenied):
        return last + "\n"
    lines = ["Traceback (most recent call last):\n"]
    lines += [f'  File "{path}", line {line}, in {func}\n' for path, line, func in _FRAMES[where]]
    lines.append(last if last.endswith("\n") else last + "\n")
    return "".join(lines)


def serialize(exc: BaseException, where: str) -> dict[str, Any]:
    """Odoo's serialized exception: the JSON-RPC ``error.data`` and the JSON-2 error body."""
    return {
        "name": error_name(exc),
        "message": error_message(exc),
        "arguments": error_arguments(exc),
        "context": {},
        "debug": traceback_text(exc, where),
    }


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


# --- per protocol ------------------------------------------------------------------------------


def jsonrpc_result(request_id: Any, result: Any) -> dict[str, Any]:
    """A JSON-RPC success. Odoo leaves ``result`` out when the method returned None."""
    response: dict[str, Any] = {"jsonrpc": "2.0", "id": request_id}
    if result is not None:
        response["result"] = result
    return response


def jsonrpc_error(
    exc: BaseException, request_id: Any, version: int, where: str = "jsonrpc"
) -> dict[str, Any]:
    """A JSON-RPC error (sent with HTTP 200). NotFound has its own code and message."""
    error: dict[str, Any] = {
        "code": 0 if version >= 19 else 200,
        "message": ODOO_SERVER_ERROR,
        "data": serialize(exc, where),
    }
    if isinstance(exc, NotFound):
        error["code"] = 404
        error["message"] = "404: Not Found"
    return {"jsonrpc": "2.0", "id": request_id, "error": error}


def xmlrpc_fault(exc: BaseException, where: str = "object") -> xmlrpc.client.Fault:
    """The ``/xmlrpc/2`` fault: families 2-4 carry the message, family 1 the traceback."""
    code = exc.xmlrpc_fault_code if isinstance(exc, OdooError) else 1
    if code in (2, 3, 4):
        return xmlrpc.client.Fault(code, error_message(exc))
    return xmlrpc.client.Fault(1, traceback_text(exc, where))


def json2_error(exc: BaseException) -> tuple[int, dict[str, Any], dict[str, str]]:
    """Status, body and extra headers of a JSON-2 error.

    JSON-2 checks the named parameters against the method's signature before calling it and
    answers a mismatch with werkzeug's UnprocessableEntity, and an unknown method with NotFound;
    the ORM reports those as TypeError and AttributeError, translated here.
    """
    if isinstance(exc, ServerTypeError):
        exc = UnprocessableEntity(exc.message)
    elif isinstance(exc, ServerAttributeError):
        exc = NotFound(exc.message)
    status = exc.http_status if isinstance(exc, OdooError) else 500
    headers = dict(exc.headers) if isinstance(exc, HTTPError) else {}
    return status, serialize(exc, "json2"), headers


# --- HTML pages (werkzeug's error pages, nginx's for injected faults) --------------------------

_REASONS = {
    400: "Bad Request",
    401: "Unauthorized",
    404: "Not Found",
    405: "Method Not Allowed",
    415: "Unsupported Media Type",
    422: "Unprocessable Entity",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Temporarily Unavailable",
    504: "Gateway Time-out",
}


def reason(status: int) -> str:
    return _REASONS.get(status, "Error")


def werkzeug_page(status: int, description: str) -> str:
    """The small HTML page werkzeug renders for an HTTP exception."""
    title = reason(status)
    return (
        "<!doctype html>\n<html lang=en>\n"
        f"<title>{status} {title}</title>\n<h1>{title}</h1>\n"
        f"<p>{html.escape(description)}</p>\n"
    )


def nginx_page(status: int) -> str:
    """The page the reverse proxy in front of Odoo answers with when it throttles or the
    workers are gone."""
    title = f"{status} {reason(status)}"
    return (
        f"<html>\n<head><title>{title}</title></head>\n<body>\n"
        f"<center><h1>{title}</h1></center>\n<hr><center>nginx</center>\n</body>\n</html>\n"
    )
