"""The Procountor sandbox's own admin endpoints under ``/_sandbox`` (no auth): companies,
payments and reversals, the webhook outbox, and the rate limit per client id (``GET
/_sandbox/rate_limit``: the limit and, per client id, the calls let through and refused and the
most in any one second; ``PUT {"per_second": N}`` sets the limit and starts the counts afresh).
The common ones (faults, requests, clock) come from ``sandbox.common.admin``; like them, these
are never faulted, rate limited or recorded."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tilisilta.sandbox.common.admin import BadRequest, error, read_object

from .checks import parse_date
from .jsonio import JSONResponse, loads

if TYPE_CHECKING:
    from .sandbox import ProcountorSandbox


def admin_routes(sb: ProcountorSandbox) -> list[Route]:
    async def create_company(request: Request) -> Response:
        try:
            body = await read_object(request)
            result = sb.admin_create_company(body)
        except (BadRequest, ValueError) as problem:
            return error(400, str(problem))
        except PermissionError as problem:
            return error(409, str(problem))
        return JSONResponse(result, status_code=201)

    async def company_invoices(request: Request) -> Response:
        raw = request.path_params["company_id"]
        if not raw.isdigit() or int(raw) not in sb.companies:
            return error(404, "no such company")
        return JSONResponse(sb.invoices(int(raw)))

    async def payment_request(request: Request) -> tuple[int, int, Decimal, date, dict[str, Any]]:
        """Company id, invoice id, amount and date of a payment/reversal body (JSON numbers are
        read as exact decimals; a decimal string is accepted too)."""
        cid, iid = request.path_params["company_id"], request.path_params["invoice_id"]
        if not (cid.isdigit() and iid.isdigit()):
            raise KeyError("no such company or invoice")
        body = await read_object(request, loads)
        amount = body.get("amount")
        if isinstance(amount, bool) or not isinstance(amount, int | Decimal | str):
            raise BadRequest("amount must be a number")
        try:
            value = Decimal(amount)
        except ArithmeticError:
            raise BadRequest("amount must be a number") from None
        day = parse_date(body.get("date"))
        if day is None:
            raise BadRequest("date must be YYYY-MM-DD")
        return int(cid), int(iid), value, day, body

    async def add_payment(request: Request) -> Response:
        try:
            cid, iid, amount, day, body = await payment_request(request)
            kind = body.get("type", "REFERENCEPAYMENT")
            if not isinstance(kind, str):
                raise BadRequest("type must be a payment event type")
            event = sb.allocate_payment(cid, iid, amount, day, type=kind)
        except BadRequest as problem:
            return error(400, str(problem))
        except KeyError as problem:
            return error(404, str(problem.args[0]) if problem.args else "not found")
        except ValueError as problem:
            return error(409, str(problem))
        return JSONResponse(event, status_code=201)

    async def add_reversal(request: Request) -> Response:
        try:
            cid, iid, amount, day, _body = await payment_request(request)
            event = sb.reverse_payment(cid, iid, amount, day)
        except BadRequest as problem:
            return error(400, str(problem))
        except KeyError as problem:
            return error(404, str(problem.args[0]) if problem.args else "not found")
        except ValueError as problem:
            return error(409, str(problem))
        return JSONResponse(event, status_code=201)

    async def webhook_outbox(request: Request) -> Response:
        with sb.lock:
            pushes = [{"url": url, "body": body} for url, body in sb.webhook_outbox]
        return JSONResponse(pushes)

    async def rate_limit(request: Request) -> Response:
        return JSONResponse(sb.rate_limiter.statistics())

    async def set_rate_limit(request: Request) -> Response:
        try:
            body = await read_object(request)
            rate = body.get("per_second")
            if isinstance(rate, bool) or not isinstance(rate, int | float) or rate <= 0:
                raise BadRequest("per_second must be a positive number")
            sb.set_rate_limit(float(rate))
        except BadRequest as problem:
            return error(400, str(problem))
        return JSONResponse(sb.rate_limiter.statistics())

    return [
        Route("/_sandbox/rate_limit", rate_limit, methods=["GET"]),
        Route("/_sandbox/rate_limit", set_rate_limit, methods=["PUT"]),
        Route("/_sandbox/companies", create_company, methods=["POST"]),
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
    ]
