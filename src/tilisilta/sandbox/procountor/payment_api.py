"""Routes of payment events and webhooks. A new payment event is pushed to the company's
``INVOICE_PAYMENT_CREATED`` webhooks after the sandbox lock is released."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from . import payments, webhooks
from .handlers import Handlers
from .jsonio import JSONResponse


class PaymentApi(Handlers):
    def routes(self) -> list[Route]:
        r = Route
        return [
            r("/api/invoices/{id}/paymentevents", self.invoice_events, methods=["GET"]),
            r("/api/invoices/{id}/paymentevents/markpaid", self.mark_paid, methods=["PUT"]),
            r("/api/invoices/{id}/paymentevents/{event}", self.invoice_event, methods=["GET"]),
            r("/api/payments/paymentevents", self.search_events, methods=["GET"]),
            r("/api/webhooks", self.search_webhooks, methods=["GET"]),
            r("/api/webhooks", self.create_webhook, methods=["POST"]),
            r("/api/webhooks/{uuid}", self.delete_webhook, methods=["DELETE"]),
        ]

    async def invoice_events(self, request: Request) -> Response:
        c = self._caller(request).company
        invoice_id = self._id(request)
        with self.sb.lock:
            body = payments.invoice_events(c, invoice_id, request.query_params)
        return JSONResponse(body)

    async def invoice_event(self, request: Request) -> Response:
        c = self._caller(request).company
        invoice_id = self._id(request)
        event_id = self._id(request, "event")
        with self.sb.lock:
            return JSONResponse(payments.invoice_event(c, invoice_id, event_id))

    async def search_events(self, request: Request) -> Response:
        c = self._caller(request).company
        with self.sb.lock:
            body = payments.search(c, request.query_params)
        return JSONResponse(body)

    async def mark_paid(self, request: Request) -> Response:
        c = self._caller(request).company
        invoice_id = self._id(request)
        payload = await self._json(request)
        with self.sb.lock:
            now = self.sb.clock.now()
            event = payments.mark_paid(c, invoice_id, payload, now)
            deliveries = webhooks.payment_created(c, event, now)
        self.sb.deliver(deliveries)
        return JSONResponse(event)

    async def search_webhooks(self, request: Request) -> Response:
        c = self._caller(request).company
        with self.sb.lock:
            return JSONResponse(webhooks.search(c, request.query_params))

    async def create_webhook(self, request: Request) -> Response:
        c = self._caller(request).company
        payload = await self._json(request)
        with self.sb.lock:
            return JSONResponse(webhooks.create(c, payload, self.sb.new_uuid))

    async def delete_webhook(self, request: Request) -> Response:
        c = self._caller(request).company
        with self.sb.lock:
            webhooks.delete(c, request.path_params["uuid"])
        return Response(status_code=204)
