"""Sandbox-only admin endpoints under ``/_sandbox`` (no auth), for tests and demos driving a
sandbox in another process. They are never faulted, rate limited or recorded."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tilisilta.clock import ManualClock

from .checks import parse_date
from .jsonio import JSONResponse, loads

if TYPE_CHECKING:
    from .sandbox import ProcountorSandbox


def admin_routes(sb: ProcountorSandbox) -> list[Route]:
    async def read_json(request: Request) -> dict[str, Any]:
        try:
            body = json.loads(await request.body() or b"{}")
        except ValueError:
            raise _BadRequest("the body must be a JSON object") from None
        if not isinstance(body, dict):
            raise _BadRequest("the body must be a JSON object")
        return body

    async def create_company(request: Request) -> Response:
        try:
            body = await read_json(request)
            result = sb.admin_create_company(body)
        except (_BadRequest, ValueError) as problem:
            return _error(400, str(problem))
        except PermissionError as problem:
            return _error(409, str(problem))
        return JSONResponse(result, status_code=201)

    async def get_faults(request: Request) -> Response:
        return JSONResponse(sb.faults.to_dict())

    async def put_faults(request: Request) -> Response:
        try:
            body = await read_json(request)
            with sb.lock:
                sb.faults.update(body)
        except (_BadRequest, ValueError, TypeError) as problem:
            return _error(400, str(problem))
        return JSONResponse(sb.faults.to_dict())

    async def advance_clock(request: Request) -> Response:
        if not isinstance(sb.clock, ManualClock):
            return _error(409, "the sandbox runs on the system clock; it cannot be advanced")
        try:
            body = await read_json(request)
        except _BadRequest as problem:
            return _error(400, str(problem))
        seconds = body.get("seconds")
        if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds < 0:
            return _error(400, "seconds must be a non-negative number")
        now = sb.clock.advance(seconds)
        return JSONResponse({"now": now.isoformat()})

    async def company_invoices(request: Request) -> Response:
        raw = request.path_params["company_id"]
        if not raw.isdigit() or int(raw) not in sb.companies:
            return _error(404, "no such company")
        return JSONResponse(sb.invoices(int(raw)))

    async def payment_request(request: Request) -> tuple[int, int, Decimal, date, dict[str, Any]]:
        """Company id, invoice id, amount and date of a payment/reversal body (JSON numbers are
        read as exact decimals; a decimal string is accepted too)."""
        cid, iid = request.path_params["company_id"], request.path_params["invoice_id"]
        if not (cid.isdigit() and iid.isdigit()):
            raise KeyError("no such company or invoice")
        try:
            body = loads(await request.body() or b"{}")
        except ValueError:
            raise _BadRequest("the body must be a JSON object") from None
        if not isinstance(body, dict):
            raise _BadRequest("the body must be a JSON object")
        amount = body.get("amount")
        if isinstance(amount, bool) or not isinstance(amount, int | Decimal | str):
            raise _BadRequest("amount must be a number")
        try:
            value = Decimal(amount)
        except ArithmeticError:
            raise _BadRequest("amount must be a number") from None
        day = parse_date(body.get("date"))
        if day is None:
            raise _BadRequest("date must be YYYY-MM-DD")
        return int(cid), int(iid), value, day, body

    async def add_payment(request: Request) -> Response:
        try:
            cid, iid, amount, day, body = await payment_request(request)
            kind = body.get("type", "REFERENCEPAYMENT")
            if not isinstance(kind, str):
                raise _BadRequest("type must be a payment event type")
            event = sb.allocate_payment(cid, iid, amount, day, type=kind)
        except _BadRequest as problem:
            return _error(400, str(problem))
        except KeyError as problem:
            return _error(404, str(problem.args[0]) if problem.args else "not found")
        except ValueError as problem:
            return _error(409, str(problem))
        return JSONResponse(event, status_code=201)

    async def add_reversal(request: Request) -> Response:
        try:
            cid, iid, amount, day, _body = await payment_request(request)
            event = sb.reverse_payment(cid, iid, amount, day)
        except _BadRequest as problem:
            return _error(400, str(problem))
        except KeyError as problem:
            return _error(404, str(problem.args[0]) if problem.args else "not found")
        except ValueError as problem:
            return _error(409, str(problem))
        return JSONResponse(event, status_code=201)

    async def webhook_outbox(request: Request) -> Response:
        with sb.lock:
            pushes = [{"url": url, "body": body} for url, body in sb.webhook_outbox]
        return JSONResponse(pushes)

    async def request_counts(request: Request) -> Response:
        with sb.lock:
            counts = dict(sorted(sb.request_counts.items()))
        return JSONResponse(counts)

    return [
        Route("/_sandbox/companies", create_company, methods=["POST"]),
        Route("/_sandbox/faults", get_faults, methods=["GET"]),
        Route("/_sandbox/faults", put_faults, methods=["PUT"]),
        Route("/_sandbox/clock/advance", advance_clock, methods=["POST"]),
        Route("/_sandbox/companies/{company_id}/invoices", company_invoices, methods=["GET"]),
        Route(
            "/_sandbox/companies/{company_id}/invoices/{invoice_id}/payments",
            add_payment,
            methods=["POST"],
        ),
        Route(
            "/_sandbox/companies/{company_id}/invoices/{invoice_id}/reversals",
            add_reversal,
            methods=["POST"],
        ),
        Route("/_sandbox/webhooks/outbox", webhook_outbox, methods=["GET"]),
        Route("/_sandbox/requests", request_counts, methods=["GET"]),
    ]


class _BadRequest(Exception):
    pass


def _error(status: int, message: str) -> Response:
    return JSONResponse({"error": message}, status_code=status)
