"""The admin endpoints every sandbox has under ``/_sandbox`` (no auth; never faulted, rate
limited or recorded), for tests and demos driving a sandbox in another process:

* ``GET /_sandbox/faults`` – the fault plan; ``PUT`` applies a partial update (400 if invalid);
* ``GET /_sandbox/requests`` – requests counted per label, ``{label: n}`` sorted by label;
  ``?match=<regex>`` keeps the labels it finds;
* ``GET /_sandbox/requests/log`` – the recorded requests, oldest first, as objects;
  ``?match=<regex>`` searched in "METHOD /path label", ``?limit=N`` keeps the last N;
* ``DELETE /_sandbox/requests`` – forgets the log and the counts: ``{"cleared": n}``;
* ``GET /_sandbox/clock`` – ``{"now", "manual"}``; ``PUT {"now": ISO 8601 with offset}`` sets a
  manual clock (in UTC, never backwards) and ``POST /_sandbox/clock/advance {"seconds"}`` moves
  it on; both are 409 on a sandbox running on the system clock.

A sandbox adds its own admin routes next to these; :func:`read_object` and :func:`error` give them
the same body handling and error shape (``{"error": message}``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tilisilta.clock import ManualClock

if TYPE_CHECKING:
    from .base import SandboxBase


class BadRequest(Exception):
    """An admin request the sandbox cannot read: answered 400 with the message."""


async def read_object(
    request: Request, loads: Callable[[bytes], Any] = json.loads
) -> dict[str, Any]:
    """The JSON object in the body (an empty body is ``{}``); BadRequest otherwise."""
    try:
        body = loads(await request.body() or b"{}")
    except ValueError:
        raise BadRequest("the body must be a JSON object") from None
    if not isinstance(body, dict):
        raise BadRequest("the body must be a JSON object")
    return body


def error(status: int, message: str) -> Response:
    return JSONResponse({"error": message}, status_code=status)


def common_admin_routes(sb: SandboxBase[Any]) -> list[Route]:
    async def get_faults(request: Request) -> Response:
        return JSONResponse(sb.faults.to_dict())

    async def put_faults(request: Request) -> Response:
        try:
            body = await read_object(request)
            with sb.lock:
                sb.faults.update(body)
        except (BadRequest, ValueError, TypeError) as problem:
            return error(400, str(problem))
        return JSONResponse(sb.faults.to_dict())

    async def request_counts(request: Request) -> Response:
        try:
            return JSONResponse(sb.requests.counted(_match(request)))
        except BadRequest as problem:
            return error(400, str(problem))

    async def request_log(request: Request) -> Response:
        try:
            entries = sb.requests.select(_match(request), _limit(request))
        except BadRequest as problem:
            return error(400, str(problem))
        return JSONResponse([entry._asdict() for entry in entries])

    async def clear_requests(request: Request) -> Response:
        return JSONResponse({"cleared": sb.requests.clear()})

    async def get_clock(request: Request) -> Response:
        return JSONResponse(
            {"now": sb.clock.now().isoformat(), "manual": isinstance(sb.clock, ManualClock)}
        )

    async def move_clock(request: Request, move: ClockMove) -> Response:
        clock = sb.clock
        if not isinstance(clock, ManualClock):
            return error(409, _SYSTEM_CLOCK)
        try:
            body = await read_object(request)
            with sb.lock:
                now = move(clock, body)
        except BadRequest as problem:
            return error(400, str(problem))
        return JSONResponse({"now": now.isoformat()})

    async def put_clock(request: Request) -> Response:
        return await move_clock(request, _set_clock)

    async def advance_clock(request: Request) -> Response:
        return await move_clock(request, _advance_clock)

    return [
        Route("/_sandbox/faults", get_faults, methods=["GET"]),
        Route("/_sandbox/faults", put_faults, methods=["PUT"]),
        Route("/_sandbox/requests", request_counts, methods=["GET"]),
        Route("/_sandbox/requests", clear_requests, methods=["DELETE"]),
        Route("/_sandbox/requests/log", request_log, methods=["GET"]),
        Route("/_sandbox/clock", get_clock, methods=["GET"]),
        Route("/_sandbox/clock", put_clock, methods=["PUT"]),
        Route("/_sandbox/clock/advance", advance_clock, methods=["POST"]),
    ]


_SYSTEM_CLOCK = "the sandbox runs on the system clock; it cannot be advanced"
ClockMove = Callable[[ManualClock, dict[str, Any]], datetime]


def _set_clock(clock: ManualClock, body: dict[str, Any]) -> datetime:
    moment = _moment(body.get("now"))
    if moment < clock.now():
        raise BadRequest("the clock cannot be set back")
    clock.set(moment)
    return moment


def _advance_clock(clock: ManualClock, body: dict[str, Any]) -> datetime:
    seconds = body.get("seconds")
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds < 0:
        raise BadRequest("seconds must be a non-negative number")
    return clock.advance(seconds)


def _match(request: Request) -> str | None:
    match = request.query_params.get("match")
    if match is not None:
        try:
            re.compile(match)
        except re.error as problem:
            raise BadRequest(f"match is not a valid regular expression: {problem}") from None
    return match


def _limit(request: Request) -> int | None:
    raw = request.query_params.get("limit")
    if raw is None:
        return None
    if not raw.isdigit():
        raise BadRequest("limit must be a non-negative integer")
    return int(raw)


def _moment(value: Any) -> datetime:
    if not isinstance(value, str):
        raise BadRequest("now must be an ISO 8601 date and time with an offset")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise BadRequest("now must be an ISO 8601 date and time with an offset") from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise BadRequest("now must carry an offset (e.g. +00:00)")
    return moment.astimezone(UTC)  # a Clock tells UTC
