"""Routes of the Odoo sandbox: ``/jsonrpc``, ``/xmlrpc/2/<service>``, ``/json/2/<model>/<method>``
(19+), ``/web/version``, the common admin routes under ``/_sandbox`` and ``records/<model>``.

Each transport is strict the way Odoo is: JSON routes want a JSON ``Content-Type``, a body that
is not JSON is refused before any call, and every failure inside a call comes back in the
protocol's own error envelope (see ``envelopes``).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import MutableMapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tilisilta.sandbox.common.faults import ASGIApp, Message, Receive, Send
from tilisilta.sandbox.common.recording import note_label

from . import services
from .envelopes import (
    BadRequest,
    NotFound,
    Unauthorized,
    json2_error,
    jsonrpc_error,
    jsonrpc_result,
    nginx_page,
    werkzeug_page,
    xmlrpc_fault,
)
from .exceptions import AccessDenied, OdooError
from .xmlrpc import dump_fault, dump_result, parse_call

if TYPE_CHECKING:
    from .sandbox import OdooSandbox

_log = logging.getLogger(__name__)

JSONRPC_MIMETYPES = ("application/json", "application/json-rpc")
JSON2_MIMETYPES = ("application/json",)
_BEARER = re.compile(r"^bearer\s+(.+)$", re.IGNORECASE)
_ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]


def build_app(sb: OdooSandbox) -> Starlette:
    handlers = Handlers(sb)
    return sb.assemble_app(
        handlers.routes(),
        admin=admin_routes(sb),
        middleware=[Middleware(ProxyPages)],
        fault_label=call_label,
        exception_handlers={HTTPException: handlers.http_error},
    )


# --- responses -------------------------------------------------------------------------------


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, bytes):
        return value.decode()
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    body = json.dumps(data, ensure_ascii=False, default=_json_default)
    return Response(body, status, headers, media_type="application/json")


def html_response(status: int, description: str, headers: dict[str, str] | None = None) -> Response:
    return Response(werkzeug_page(status, description), status, headers, media_type="text/html")


def _mimetype(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


def _positional(args: Any) -> list[Any]:
    """The positional arguments of an RPC call, unpacked as Python's ``*args`` would."""
    if isinstance(args, list | tuple | dict | str):
        return list(args)
    raise TypeError(f"argument after * must be an iterable, not {type(args).__name__}")


def jsonrpc(service: Any, method: Any, args: Any) -> tuple[Any, Any, Any]:
    """The signature of Odoo's ``/jsonrpc`` endpoint: its params are passed by name, extra ones
    are ignored and a missing one is a TypeError."""
    return service, method, args


def _rpc_label(service: Any, method: Any, args: list[Any]) -> str:
    if service == "object" and method in ("execute", "execute_kw") and len(args) > 4:
        model, name = args[3], args[4]
        if isinstance(model, str) and isinstance(name, str):
            return f"{model}.{name}"
    return f"{service}.{method}"


def call_label(path: str, body: bytes) -> str:
    """``model.method`` (or ``service.method``) of the call a request carries; "" if unclear.
    Lets a fault plan's ``only`` pick one Odoo method on the shared RPC endpoints."""
    try:
        if path == "/jsonrpc":
            params = json.loads(body).get("params") or {}
            return _rpc_label(params.get("service"), params.get("method"), list(params["args"]))
        if path.startswith("/xmlrpc/2/"):
            method, args = parse_call(body)
            return _rpc_label(path.rsplit("/", 1)[-1], method, args)
        if path.startswith("/json/2/"):
            return ".".join(path.split("/")[3:5])
    except Exception:
        return ""
    return ""


def _log_unexpected(exc: Exception) -> None:
    if not isinstance(exc, OdooError):
        _log.info("odoo sandbox call failed with %r", exc, exc_info=exc)


# --- the API ---------------------------------------------------------------------------------


class Handlers:
    def __init__(self, sb: OdooSandbox) -> None:
        self.sb = sb

    @property
    def version(self) -> int:
        return self.sb.registry.version

    def routes(self) -> list[Route]:
        return [
            Route("/jsonrpc", self.jsonrpc, methods=["GET", "POST"]),
            Route("/xmlrpc/2/{service}", self.xmlrpc, methods=["POST"]),
            Route("/json/2/{model}/{method}", self.json2, methods=["POST"]),
            Route("/json/2", self.json2_elsewhere, methods=_ALL_METHODS),
            Route("/json/2/{subpath:path}", self.json2_elsewhere, methods=_ALL_METHODS),
            Route("/web/version", self.web_version, methods=["GET"]),
        ]

    # --- errors outside any route ----------------------------------------------------------

    async def http_error(self, request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        if exc.status_code == 404:
            return self.not_found(request)
        return html_response(exc.status_code, exc.detail, dict(exc.headers or {}))

    def not_found(self, request: Request) -> Response:
        """No route: a JSON request gets a JSON-RPC error with code 404, others an HTML page."""
        description = "The requested URL was not found on the server."
        if _mimetype(request) in JSONRPC_MIMETYPES:
            body = jsonrpc_error(NotFound(description), None, self.version)
            return json_response(body, 404)
        return html_response(404, description)

    def wrong_media_type(
        self, request: Request, route_type: str, accept: tuple[str, ...]
    ) -> Response:
        """Odoo refuses a request whose Content-Type does not fit the route's type: 400 up to 18.0
        (``Request._set_request_dispatcher`` raises BadRequest), 415 with an ``Accept`` header
        in 19."""
        description = (
            f"Request inferred type is compatible with ['http'] but {request.url.path!r} "
            f"is type={route_type!r}."
        )
        if self.version < 19:
            return html_response(400, description)
        description += "\n\nPlease verify the Content-Type request header and try again."
        return html_response(415, description, {"Accept": ", ".join(accept)})

    # --- JSON-RPC --------------------------------------------------------------------------

    async def jsonrpc(self, request: Request) -> Response:
        if _mimetype(request) not in JSONRPC_MIMETYPES:
            # ``JsonRPCDispatcher.routing_type``: "json" in 16.0-18.0, renamed after 18.0
            route_type = "json" if self.version < 19 else "jsonrpc"
            return self.wrong_media_type(request, route_type, JSONRPC_MIMETYPES)
        try:
            payload = json.loads(await request.body())
        except ValueError:
            return Response("Invalid JSON data", 400, media_type="text/html")
        if not isinstance(payload, dict):
            return Response("Invalid JSON-RPC data", 400, media_type="text/html")
        request_id = payload.get("id")
        try:
            params = dict(payload.get("params", {}))
            wanted = {k: v for k, v in params.items() if k in ("service", "method", "args")}
            service, method, args = jsonrpc(**wanted)
            note_label(request.scope, f"{service}.{method}")
            positional = _positional(args)
            note_label(request.scope, _rpc_label(service, method, positional))
            result = services.dispatch(self.sb, service, method, positional)
        except Exception as exc:
            _log_unexpected(exc)
            return json_response(jsonrpc_error(exc, request_id, self.version))
        return json_response(jsonrpc_result(request_id, result))

    # --- XML-RPC ---------------------------------------------------------------------------

    async def xmlrpc(self, request: Request) -> Response:
        service = request.path_params["service"]
        body = await request.body()
        where = "xmlrpc"
        try:
            method, params = parse_call(body)
            note_label(request.scope, _rpc_label(service, method, params))
            where = "object"
            result = services.dispatch(self.sb, service, method, params)
            where = "marshal"
            payload = dump_result(result)
        except Exception as exc:
            _log_unexpected(exc)
            payload = dump_fault(xmlrpc_fault(exc, where))
        return Response(payload, 200, media_type="text/xml")

    # --- JSON-2 ----------------------------------------------------------------------------

    async def json2(self, request: Request) -> Response:
        if self.version < 19:
            return self.not_found(request)
        database = request.headers.get("x-odoo-database")
        if database is not None and database != self.sb.database:
            return html_response(404, "The requested URL was not found on the server.")
        body = await request.body()
        if body and _mimetype(request) not in JSON2_MIMETYPES:
            return self.wrong_media_type(request, "json2", JSON2_MIMETYPES)
        model, method = request.path_params["model"], request.path_params["method"]
        note_label(request.scope, f"{model}.{method}")
        try:
            uid = self._bearer_uid(request)
            params = _json2_params(body)
            if model not in self.sb.registry.specs:
                raise NotFound(f"the model {model!r} does not exist")
            result = self.sb.registry.execute_json2(uid, model, method, params)
        except Exception as exc:
            _log_unexpected(exc)
            status, error, headers = json2_error(exc)
            return json_response(error, status, headers)
        return json_response(result)

    def _bearer_uid(self, request: Request) -> int:
        match = _BEARER.match(request.headers.get("authorization", ""))
        token = match.group(1).strip() if match else ""
        if not token:
            raise Unauthorized(
                "User not authenticated, use an API Key with a Bearer Authorization header."
            )
        try:
            return self.sb.registry.uid_for_api_key(token)
        except AccessDenied:
            raise Unauthorized("Invalid apikey") from None

    async def json2_elsewhere(self, request: Request) -> Response:
        if self.version < 19:
            return self.not_found(request)
        status, error, headers = json2_error(
            NotFound("Did you mean POST /json/2/<model>/<method>?")
        )
        return json_response(error, status, headers)

    async def web_version(self, request: Request) -> Response:
        registry = self.sb.registry
        return json_response(
            {
                "version_info": services.version_info(registry.version),
                "version": registry.server_version,
            }
        )


def _json2_params(body: bytes) -> dict[str, Any]:
    if not body:
        return {}
    try:
        params = json.loads(body)
    except ValueError as exc:
        raise BadRequest(f"could not parse the body as json: {exc.args[0]}") from None
    if not isinstance(params, dict):
        raise BadRequest("could not parse the body, expecting a json object")
    return params


# --- the reverse proxy's pages for injected faults -------------------------------------------


class ProxyPages:
    """Gives the injected 429s and 5xxs (which ``FaultMiddleware`` sends without a body) the
    HTML page of the nginx in front of Odoo. The app's own responses always have a type."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: MutableMapping[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        held: Message | None = None

        async def paging_send(message: Message) -> None:
            nonlocal held
            if message["type"] == "http.response.start" and _is_bare_failure(message):
                held = message
                return
            if message["type"] == "http.response.body" and held is not None:
                start, held = held, None
                page = nginx_page(int(start["status"])).encode()
                headers = [
                    (k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"
                ]
                headers += [
                    (b"content-type", b"text/html"),
                    (b"content-length", str(len(page)).encode()),
                    (b"server", b"nginx"),
                ]
                await send({**start, "headers": headers})
                await send({"type": "http.response.body", "body": page})
                return
            await send(message)

        await self.app(scope, receive, paging_send)


def _is_bare_failure(start: Message) -> bool:
    status = int(start["status"])
    headers = start.get("headers", [])
    bare = not any(k.lower() == b"content-type" for k, _ in headers)
    return bare and (status == 429 or status >= 500)


# --- admin -----------------------------------------------------------------------------------


def admin_routes(sb: OdooSandbox) -> list[Route]:
    """The Odoo sandbox's own admin endpoint (no auth; never faulted or recorded); the common
    ones (faults, requests, clock) come from ``sandbox.common.admin``."""

    async def records(request: Request) -> Response:
        model = request.path_params["model"]
        fields = [f for f in request.query_params.get("fields", "").split(",") if f]
        try:
            rows = sb.registry.call(
                model, "search_read", [], fields, context={"active_test": False}
            )
        except OdooError as problem:
            return json_response({"error": problem.message}, 404)
        return json_response(rows)

    return [
        Route("/_sandbox/records/{model}", records, methods=["GET"]),
    ]
