"""The Netvisor sandbox's ASGI app: every ``<resource>.nv`` behind one route, assembled with the
admin routes on the shared sandbox base (recorder, overlap guard, faults, routes).

A request goes: overlap guard (one request at a time per company, §4, §8.2 item 20) → the
common fault plan (latency, 5xx with a non-XML body, dropped answers after commit) → resource
lookup (case-insensitive, §8.1; unknown → 404, §8.2 item 4) → injected service errors → the
authentication of ``auth`` → the handler, under the sandbox lock → Netvisor's envelope.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from xml.etree.ElementTree import Element

import anyio
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from tilisilta.sandbox.common.faults import Receive, Scope, Send
from tilisilta.sandbox.common.recording import note_label

from . import customers, invoicestatus, payments, products, purchases, salesinvoices, salesreads
from .admin import admin_routes
from .auth import HTTP_CODES, ORGANISATION, authenticate, language_of
from .context import Ctx
from .errors import HTTP_STATUS, TECHNICAL_ERROR, NetvisorError
from .xmlout import envelope, xml_response

if TYPE_CHECKING:
    from .sandbox import NetvisorSandbox

_LANGUAGE = "x-netvisor-interface-language"
Handler = Callable[[Ctx], list[Element]]

RESOURCES: dict[str, Handler] = {
    "salesinvoice.nv": salesinvoices.handle,
    "getsalesinvoice.nv": salesreads.get_sales_invoice,
    "salesinvoicelist.nv": salesreads.sales_invoice_list,
    "updatesalesinvoicestatus.nv": invoicestatus.update_status,
    "matchcreditnote.nv": invoicestatus.match_credit_note,
    "salespayment.nv": payments.import_payment,
    "salespaymentlist.nv": payments.payment_list,
    "customer.nv": customers.handle,
    "customerlist.nv": customers.customer_list,
    "getcustomer.nv": customers.get_customer,
    "product.nv": products.handle,
    "productlist.nv": products.product_list,
    "getproduct.nv": products.get_product,
    "purchaseinvoicelist.nv": purchases.purchase_invoice_list,
    "getpurchaseinvoice.nv": purchases.get_purchase_invoice,
    "getattachments.nv": purchases.get_attachments,
    "purchaseinvoicepostingdata.nv": purchases.posting_data,
}


def build_app(sb: NetvisorSandbox) -> Starlette:
    api = NetvisorApi(sb)
    return sb.assemble_app(
        [Route("/{resource}", api.endpoint, methods=["GET", "POST"])],
        admin=admin_routes(sb),
        middleware=[Middleware(OverlapGuard, sb=sb)],
    )


class OverlapGuard:
    """Refuses a request to a company while another request to it is in flight: Netvisor asks
    for "one message at a time … overlapping messages to the same customer environment cause
    different errors" (NVD 77000500440); the error is TECHNICAL_ERROR [assumed, §8.2 item 20].
    Sits outside the fault plan, so injected latency keeps a request in flight."""

    def __init__(self, app: Any, sb: NetvisorSandbox) -> None:
        self.app = app
        self.sb = sb

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/_sandbox"):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        company = headers.get(ORGANISATION.lower(), "").strip()
        sb = self.sb
        with sb.lock:
            busy = bool(company) and company in sb.in_flight and sb.switches.refuse_overlap
            if not busy and company:
                sb.in_flight[company] = sb.in_flight.get(company, 0) + 1
        if busy:
            language = language_of({"X-Netvisor-Interface-Language": headers.get(_LANGUAGE, "")})
            refusal = NetvisorError(TECHNICAL_ERROR, "busy")
            use_codes = headers.get(HTTP_CODES.lower(), "").strip() == "1"
            response = sb.failure(refusal, language, use_codes)
            await response(scope, receive, send)
            return
        try:
            await self.app(scope, receive, send)
        finally:
            if company:
                with sb.lock:
                    left = sb.in_flight.get(company, 1) - 1
                    if left:
                        sb.in_flight[company] = left
                    else:
                        sb.in_flight.pop(company, None)


class NetvisorApi:
    def __init__(self, sb: NetvisorSandbox) -> None:
        self.sb = sb
        self.rng = random.Random(sb.seed)

    async def endpoint(self, request: Request) -> Response:
        sb = self.sb
        resource = request.path_params["resource"].lower()
        handler = RESOURCES.get(resource)
        if handler is None:
            return PlainTextResponse("404 - File or directory not found.", status_code=404)
        note_label(request.scope, f"{request.method} {resource}")
        body = await request.body()
        headers = request.headers
        language = language_of(headers)
        use_codes = (headers.get(HTTP_CODES) or "").strip() == "1"
        base = sb.public_base_url or f"{request.url.scheme}://{headers.get('host', '')}"
        numbering = None
        if sb.switches.racy_numbering and resource == "salesinvoice.nv":
            with sb.lock:
                numbering = sb.numbering_snapshot(headers.get(ORGANISATION, ""))
            await anyio.sleep(0)  # a concurrent add reads the same numbers (TAW README)
        with sb.lock:
            now = sb.clock.now()
            try:
                self._service_error()
                caller = authenticate(sb, headers, base + _target(request), resource, now)
                ctx = Ctx(
                    sb=sb,
                    company=caller.company,
                    language=caller.language,
                    params={k.lower(): v for k, v in request.query_params.multi_items()},
                    method=request.method,
                    body=body,
                    content_type=headers.get("content-type"),
                    now=now,
                    resource=resource,
                    base=base,
                    numbering=numbering,
                )
                content = handler(ctx)
            except NetvisorError as refusal:
                return sb.failure(refusal, language, use_codes)
            switches = sb.switches
            return xml_response(
                envelope(
                    now,
                    content,
                    with_status=not switches.omit_response_status,
                    with_declaration=not switches.omit_xml_declaration,
                )
            )

    def _service_error(self) -> None:
        switches = self.sb.switches
        if switches.service_error_rate and self.rng.random() < switches.service_error_rate:
            key = "maintenance" if switches.service_error_code != TECHNICAL_ERROR else "technical"
            raise NetvisorError(switches.service_error_code, key)


def _target(request: Request) -> str:
    """The request target exactly as received: raw path and raw query, no re-encoding (§8.1)."""
    scope = request.scope
    raw = scope.get("raw_path") or scope["path"].encode("utf-8")
    path = bytes(raw).decode("latin-1")
    query = bytes(scope.get("query_string") or b"").decode("latin-1")
    return f"{path}?{query}" if query else path


def failure_response(
    now: Any, refusal: NetvisorError, language: str, use_codes: bool, declaration: bool
) -> Response:
    body = envelope(
        now, failure=f"{refusal.code} :: {refusal.message(language)}", with_declaration=declaration
    )
    return xml_response(body, HTTP_STATUS[refusal.code] if use_codes else 200)
