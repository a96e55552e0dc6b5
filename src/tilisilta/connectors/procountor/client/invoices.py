"""Procountor's sales invoices: create, read, find by our number, list by date, approve, send."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from tilisilta.connectors.procountor.client.base import PAGE_SIZE, Calls, results


class InvoiceCalls(Calls):
    def create_invoice(self, payload: dict[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = self.call("POST", "/invoices", repeatable=False, json_body=payload)
        return result

    def get_invoice(self, invoice_id: str | int) -> dict[str, Any]:
        result: dict[str, Any] = self.call("GET", f"/invoices/{invoice_id}", repeatable=True)
        return result

    def find_sales_invoices(self, original_number: str) -> list[dict[str, Any]]:
        """Invoices whose ``originalInvoiceNumber`` is ours: the natural key for reconciling."""
        body = self.call(
            "GET",
            "/invoices",
            repeatable=True,
            params={
                "originalInvoiceNumber": original_number,
                "types": "SALES_INVOICE",
                "size": PAGE_SIZE,
                "orderById": "ASC",
            },
        )
        return [r for r in results(body) if r.get("originalInvoiceNumber") == original_number]

    def sales_invoices_between(self, start: date, end: date) -> Iterator[dict[str, Any]]:
        """Every sales invoice and credit note dated ``start``..``end``, 200 a page, by id."""
        previous: int | None = None
        while True:
            params: dict[str, Any] = {
                "types": "SALES_INVOICE",
                "startDate": start.isoformat(),
                "endDate": end.isoformat(),
                "size": PAGE_SIZE,
                "orderById": "ASC",
            }
            if previous is not None:
                params["previousId"] = previous
            rows = results(self.call("GET", "/invoices", repeatable=True, params=params))
            yield from rows
            if len(rows) < PAGE_SIZE:
                return
            previous = int(rows[-1]["id"])

    def approve_invoice(self, invoice_id: str | int) -> None:
        self.call("PUT", f"/invoices/{invoice_id}/approve", repeatable=False, json_body={})

    def send_invoice(self, invoice_id: str | int) -> None:
        self.call("PUT", f"/invoices/{invoice_id}/send", repeatable=False, json_body={})
