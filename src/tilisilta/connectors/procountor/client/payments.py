"""Procountor's payment events over HTTP: the bulk read, paged; nothing of the ledger."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tilisilta.connectors.procountor.client.base import PAGE_SIZE, Calls

EVENTS_PATH = "/payments/paymentevents"
MAX_INVOICE_IDS = 200  # Procountor answers 400 to more ids in one call


class PaymentEventReader:
    """Reads the payment events of many invoices at once and counts the calls it makes."""

    def __init__(self, client: Calls) -> None:
        self.client = client
        self.calls = 0

    def events(self, invoice_ids: Sequence[str]) -> list[dict[str, Any]]:
        """Every payment event of these invoices (at most 200 ids), all pages, each once."""
        if not invoice_ids:
            return []
        if len(invoice_ids) > MAX_INVOICE_IDS:
            raise ValueError(f"at most {MAX_INVOICE_IDS} invoice ids per read")
        joined = ",".join(invoice_ids)
        seen: set[str] = set()
        events: list[dict[str, Any]] = []
        page = 0
        while True:
            self.calls += 1
            body = self.client.call(
                "GET",
                EVENTS_PATH,
                repeatable=True,
                params={"invoiceId": joined, "size": PAGE_SIZE, "page": page},
            )
            results, page_size = _page(body)
            fresh = [r for r in results if str(r.get("id")) not in seen]
            seen.update(str(r.get("id")) for r in fresh)
            events.extend(fresh)
            # A short page is the last one; a full page of nothing new means the server ignores
            # ``page``, and asking again would loop forever.
            if len(results) < page_size or not fresh:
                return events
            page += 1

    def kinds(self, invoice_id: str) -> dict[str, dict[str, Any]]:
        """Event id → the invoice's full payment events (with ``type`` and ``description``,
        which the bulk read leaves out: 26.04 spec, PaymentSearchResult holds basic payment
        transactions)."""
        found: dict[str, dict[str, Any]] = {}
        page = 0
        while True:
            self.calls += 1
            body = self.client.call(
                "GET",
                f"/invoices/{invoice_id}/paymentevents",
                repeatable=True,
                params={"size": PAGE_SIZE, "page": page},
            )
            results, page_size = _page(body)
            fresh = [r for r in results if str(r.get("id")) not in found]
            found.update((str(r.get("id")), r) for r in fresh)
            if len(results) < page_size or not fresh:
                return found
            page += 1


def _page(body: Any) -> tuple[list[dict[str, Any]], int]:
    if isinstance(body, list):  # tolerate a bare list, as some batch reads answer
        return [r for r in body if isinstance(r, dict)], PAGE_SIZE
    if not isinstance(body, dict):
        return [], PAGE_SIZE
    results = [r for r in body.get("results") or [] if isinstance(r, dict)]
    meta = body.get("meta")
    size = meta.get("pageSize") if isinstance(meta, dict) else None
    # The server may serve smaller pages than asked; its own page size tells when to stop.
    return results, int(size) if isinstance(size, int) and size > 0 else PAGE_SIZE
