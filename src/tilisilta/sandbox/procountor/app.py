"""Routes of the Procountor sandbox under ``/api``, assembled with the admin routes (the common
ones and those from ``admin``) on the shared sandbox base.

Handlers are thin: authenticate, read the body, then do the work under the sandbox lock (state is
shared by every event loop that calls the app, e.g. several in-process clients).
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tilisilta.sandbox.common.recording import route_label

from . import enums, invoices, ledger, paging
from . import errors as e
from .admin import admin_routes
from .attachment_api import AttachmentApi
from .auth import token_endpoint
from .errors import ApiError
from .handlers import Handlers
from .jsonio import JSONResponse
from .payment_api import PaymentApi
from .register_api import RegisterApi
from .state import SandboxCompany

if TYPE_CHECKING:
    from .sandbox import ProcountorSandbox


def fault_error_body(status: int) -> dict[str, Any]:
    return {"errors": [{"status": status, "message": e.UNABLE_TO_GET_CONNECTION}]}


def fault_refusal_body(status: int, reason: str) -> dict[str, Any]:
    return {"errors": [{"status": status, "field": None, "message": reason}]}


THROTTLE_BODY = {"errors": [{"status": 429, "message": e.TOO_MANY_REQUESTS}]}


def build_app(sb: ProcountorSandbox) -> Starlette:
    routes = (
        ProcountorApi(sb).routes()
        + RegisterApi(sb).routes()
        + PaymentApi(sb).routes()
        + AttachmentApi(sb).routes()
    )
    return sb.assemble_app(
        routes,
        admin=admin_routes(sb),
        request_label=route_label,
        error_body=fault_error_body,
        throttle_body=THROTTLE_BODY,
        refusal_body=fault_refusal_body,
        exception_handlers={ApiError: _api_error, HTTPException: _http_error},
    )


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return exc.response()


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    message = e.NOT_FOUND if exc.status_code == 404 else (exc.detail or "ERROR")
    return ApiError(exc.status_code, message).response()


class ProcountorApi(Handlers):
    """Authentication, company data, invoices and ledger receipts."""

    def routes(self) -> list[Route]:
        r = Route
        return [
            r("/api/oauth/token", self.token, methods=["POST"]),
            r("/api/company", self.company, methods=["GET"]),
            r("/api/sessioninfo", self.session_info, methods=["GET"]),
            r("/api/bankaccounts", self.bank_accounts, methods=["GET"]),
            r("/api/vats/default", self.vats, methods=["GET"]),
            r("/api/coa", self.coa, methods=["GET"]),
            r("/api/currencies", self.currencies, methods=["GET"]),
            r("/api/fiscalyears", self.fiscal_years, methods=["GET"]),
            r("/api/invoices", self.search_invoices, methods=["GET"]),
            r("/api/invoices", self.create_invoice, methods=["POST"]),
            r("/api/invoices/{ids}", self.get_invoices, methods=["GET"]),
            r("/api/invoices/{id}", self.update_invoice, methods=["PUT"]),
            r("/api/invoices/{id}/approve", self.approve, methods=["PUT"]),
            r("/api/invoices/{id}/send", self.send, methods=["PUT"]),
            r("/api/invoices/{id}/invalidate", self.invalidate, methods=["PUT"]),
            r("/api/invoices/{id}/unfinished", self.unfinished, methods=["PUT"]),
            r("/api/invoices/{id}/notes", self.notes, methods=["PUT"]),
            r("/api/ledgerreceipts/{ids}", self.get_receipts, methods=["GET"]),
            r("/api/ledgerreceipts/{id}", self.update_receipt, methods=["PUT"]),
        ]

    # --- auth and company data -------------------------------------------------------------

    async def token(self, request: Request) -> Response:
        return await token_endpoint(self.sb, request)

    async def company(self, request: Request) -> Response:
        c = self._caller(request).company
        address = {"street": "Sandboxinkatu 1", "zip": "00100", "city": "Helsinki"}
        return JSONResponse(
            {
                "id": c.company_id,
                "name": c.name,
                "country": c.country,
                "productVersion": "FINANCIALS_PLUS",
                "operationType": "DEMONSTRATION",
                "accountingOfficeName": "",
                "accountingOfficeId": 0,
                "companyAddress": {**address, "country": c.country},
                "billingAddress": {**address, "country": c.country},
                "mva": False,
                "inTradeRegister": True,
                "businessIdentifier": {"brnType": "FI", "code": c.business_id},
                "companyCurrency": c.currency,
            }
        )

    async def session_info(self, request: Request) -> Response:
        caller = self._caller(request)
        c = caller.company
        return JSONResponse(
            {
                "companyId": c.company_id,
                "name": c.name,
                "country": c.country,
                "productVersion": "FINANCIALS_PLUS",
                "userId": 1,
                "userName": f"API user ({caller.client_id})",
                "companySettings": {"invoiceDiscussionEnabled": False},
            }
        )

    async def bank_accounts(self, request: Request) -> Response:
        c = self._caller(request).company
        with self.sb.lock:
            body = paging.paginate(
                c.bank_accounts,
                request.query_params,
                {"orderById": lambda a: a["id"], "orderByOrderNo": lambda a: a["orderNo"]},
                lambda a: int(a["id"]),
                copy.deepcopy,
            )
        return JSONResponse(body)

    async def vats(self, request: Request) -> Response:
        c = self._caller(request).company
        percentages = [{"vatPercent": p, "sales": True, "purchase": True} for p in c.vat_percents]
        statuses = [
            {
                "vatStatus": s.code,
                "description": s.description,
                "sales": s.sales,
                "purchase": s.purchase,
            }
            for s in c.vat_statuses.values()
        ]
        return JSONResponse(
            {
                "vatInformation": [{"country": "Finland", "percentages": percentages}],
                "vatStatuses": statuses,
            }
        )

    async def coa(self, request: Request) -> Response:
        c = self._caller(request).company
        accounts = [
            {"ledgerAccountCode": a.code, "name": a.name, "active": a.active}
            for a in c.accounts.values()
        ]
        return JSONResponse({"ledgerAccounts": accounts})

    async def currencies(self, request: Request) -> Response:
        self._caller(request)
        return JSONResponse({"currencies": ["EUR", "SEK", "NOK", "DKK", "USD", "GBP"]})

    async def fiscal_years(self, request: Request) -> Response:
        c = self._caller(request).company
        with self.sb.lock:
            years = [y.as_json() for y in c.fiscal_years]
        return JSONResponse({"fiscalYears": years})

    # --- invoices --------------------------------------------------------------------------

    async def create_invoice(self, request: Request) -> Response:
        c = self._caller(request).company
        payload = await self._json(request)
        with self.sb.lock:
            return JSONResponse(invoices.create_invoice(c, payload, self.sb.clock.now()))

    async def get_invoices(self, request: Request) -> Response:
        c = self._caller(request).company
        with self.sb.lock:
            body = paging.batch_get(
                request.path_params["ids"], c.invoices.get, lambda i: invoices.read(c, i["id"])
            )
        return JSONResponse(body)

    async def update_invoice(self, request: Request) -> Response:
        c = self._caller(request).company
        invoice_id = self._id(request)
        payload = await self._json(request)
        with self.sb.lock:
            body = invoices.update_invoice(c, invoice_id, payload, self.sb.clock.now())
        return JSONResponse(body)

    async def _action(self, request: Request, action: Any) -> Response:
        c = self._caller(request).company
        invoice_id = self._id(request)
        await request.body()  # approve may carry a comment; it is ignored for sales invoices
        with self.sb.lock:
            return JSONResponse(action(c, invoice_id, self.sb.clock.now()))

    async def approve(self, request: Request) -> Response:
        return await self._action(request, invoices.approve)

    async def send(self, request: Request) -> Response:
        return await self._action(request, invoices.send)

    async def invalidate(self, request: Request) -> Response:
        return await self._action(request, invoices.invalidate)

    async def unfinished(self, request: Request) -> Response:
        return await self._action(request, invoices.mark_unfinished)

    async def notes(self, request: Request) -> Response:
        c = self._caller(request).company
        invoice_id = self._id(request)
        payload = await self._json(request)
        with self.sb.lock:
            return JSONResponse(invoices.set_notes(c, invoice_id, payload, self.sb.clock.now()))

    async def search_invoices(self, request: Request) -> Response:
        c = self._caller(request).company
        with self.sb.lock:
            body = _search_invoices(c, request)
        return JSONResponse(body)

    # --- ledger receipts -------------------------------------------------------------------

    async def get_receipts(self, request: Request) -> Response:
        c = self._caller(request).company
        with self.sb.lock:
            body = paging.batch_get(
                request.path_params["ids"], c.ledger_receipts.get, copy.deepcopy
            )
        return JSONResponse(body)

    async def update_receipt(self, request: Request) -> Response:
        c = self._caller(request).company
        receipt_id = self._id(request)
        reconcile = paging.bool_param(request.query_params, "createReconciliation", False)
        payload = await self._json(request)
        with self.sb.lock:
            receipt = ledger.update_receipt(c, receipt_id, payload, self.sb.clock.now(), reconcile)
            return JSONResponse(copy.deepcopy(receipt))


def _search_invoices(c: SandboxCompany, request: Request) -> dict[str, Any]:
    query = request.query_params
    statuses = set(paging.list_param(query, "status", enums.INVOICE_STATUSES))
    types = set(paging.list_param(query, "types", enums.INVOICE_TYPES))
    channels = set(paging.list_param(query, "invoiceChannel", enums.INVOICE_CHANNELS))
    original = query.get("originalInvoiceNumber")
    number = paging.int_param(query, "invoiceNumber")
    partner = paging.int_param(query, "businessPartnerId")
    start, end = paging.date_param(query, "startDate"), paging.date_param(query, "endDate")
    due_start = paging.date_param(query, "dueStartDate")
    due_end = paging.date_param(query, "dueEndDate")
    v_start = paging.datetime_param(query, "versionStartDate")
    v_end = paging.datetime_param(query, "versionEndDate")
    c_start = paging.datetime_param(query, "createdStartDate")
    c_end = paging.datetime_param(query, "createdEndDate")

    def wanted(invoice: dict[str, Any]) -> bool:
        created = c.invoice_created[invoice["id"]]
        checks = (
            not statuses or invoice["status"] in statuses,
            not types or invoice["type"] in types,
            not channels or invoice["invoiceChannel"] in channels,
            original is None or invoice.get("originalInvoiceNumber") == original,
            number is None or invoice["invoiceNumber"] == number,
            partner is None or invoice.get("partnerId") == partner,
            start is None or invoice["date"] >= start,
            end is None or invoice["date"] <= end,
            due_start is None or invoice["paymentInfo"]["dueDate"] >= due_start,
            due_end is None or invoice["paymentInfo"]["dueDate"] <= due_end,
            v_start is None or invoice["version"] >= v_start,
            v_end is None or invoice["version"] <= v_end,
            c_start is None or created >= c_start,
            c_end is None or created <= c_end,
        )
        return all(checks)

    return paging.paginate(
        [i for i in c.invoices.values() if wanted(i)],
        query,
        {
            "orderById": lambda i: i["id"],
            "orderByDate": lambda i: i["date"],
            "orderByCreated": lambda i: c.invoice_created[i["id"]],
            "orderByVersion": lambda i: i["version"],
        },
        lambda i: int(i["id"]),
        lambda i: invoices.basic_info(c, i),
    )
