"""Netvisor purchase invoices are fetched a page at a time, each page stored on its own: memory
stays that of a page, and a fetch cut short keeps what it stored."""

from __future__ import annotations

import base64
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from tests.hub import TestHub, open_netvisor
from tilisilta import listing
from tilisilta.clock import ManualClock
from tilisilta.connectors.netvisor.client.api import FILES_PAGE
from tilisilta.connectors.netvisor.flows.purchases import fetch_purchase_invoices
from tilisilta.crypto import SecretBox
from tilisilta.settings import Settings
from tilisilta.store.documents import PURCHASE_INVOICE
from tilisilta.store.engine import Store
from tilisilta.store.models import Document

PDF = base64.b64encode(b"%PDF-1.4\n%%EOF\n").decode()


def stored(store: Store) -> int:
    with store.session() as session:
        count = select(func.count()).where(Document.kind == PURCHASE_INVOICE)
        return session.scalar(count) or 0


class FailingAt(httpx.BaseTransport):
    """From the ``nth`` read of purchase invoices on, Netvisor is down for maintenance."""

    def __init__(self, inner: httpx.BaseTransport, nth: int) -> None:
        self.inner, self.nth, self.reads = inner, nth, 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.lower().endswith("getpurchaseinvoice.nv"):
            self.reads += 1
            if self.reads >= self.nth:
                failed = "<Root><ResponseStatus><Status>FAILED</Status><Status>SYSTEM_MAINTANANCE :: down</Status></ResponseStatus></Root>"  # noqa: E501
                return httpx.Response(200, text=failed)
        return self.inner.handle_request(request)


def test_a_fetch_cut_short_keeps_the_pages_it_stored(
    store: Store,
    box: SecretBox,
    clock: ManualClock,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    netvisor = open_netvisor(clock)
    business_id = netvisor.credentials["organisation_id"]
    for n in range(2 * FILES_PAGE + 10):
        data: dict[str, Any] = {
            "number": f"V-{n}", "date": "2026-06-01", "vendor": "Paperi Oy",
            "lines": [{"name": "Paperi", "unit_price": "10.00", "line_sum": "12.55"}],
            "attachments": [{"file_name": f"V-{n}.pdf", "data_base64": PDF}],
        }  # fmt: skip
        netvisor.sandbox.add_purchase_invoice(business_id, data)
    held = len(netvisor.company.purchase_invoices)
    monkeypatch.setattr(listing, "LISTED", 20)  # what a report keeps of each kind, the rest counted
    hub = TestHub(store, box, clock, settings).connect_netvisor(
        netvisor, purchases_since="2026-01-01", purchases_in_factual_verification_only=False
    )
    cut = FailingAt(netvisor.transport, nth=2)
    first = hub.run("nv", fetch_purchase_invoices, transport=cut)
    assert first.aborted is not None and "\n" not in first.aborted
    assert stored(store) == FILES_PAGE == len(first.new)  # the first page stayed

    again = hub.run("nv", fetch_purchase_invoices)
    assert again.aborted is None
    assert stored(store) == held
    assert len(again.new) == held - FILES_PAGE and again.unchanged == FILES_PAGE
    kept = list(again.new)
    assert len(set(kept)) == 20 and all(": V-" in label for label in kept)
    assert again.new.more == held - FILES_PAGE - 20
