"""Netvisor purchase invoices are fetched 500 a call with their files (the fewest calls Netvisor
allows), each answer received into a file and checked whole before any invoice of it is stored,
a few invoices a transaction: a fetch cut short keeps what it stored, and an answer cut short is
asked again without storing anything twice."""

from __future__ import annotations

import base64
from datetime import date
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from tests.hub import TestHub, open_netvisor
from tilisilta import listing
from tilisilta.clock import ManualClock
from tilisilta.connectors.netvisor.client.api import PAGE
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


def hold(netvisor: Any, count: int) -> int:
    """Give the sandbox company ``count`` purchase invoices with a file each; how many it holds."""
    business_id = netvisor.credentials["organisation_id"]
    for n in range(count):
        data: dict[str, Any] = {
            "number": f"V-{n}", "date": "2026-06-01", "vendor": "Paperi Oy",
            "lines": [{"name": "Paperi", "unit_price": "10.00", "line_sum": "12.55"}],
            "attachments": [{"file_name": f"V-{n}.pdf", "data_base64": PDF}],
        }  # fmt: skip
        netvisor.sandbox.add_purchase_invoice(business_id, data)
    return len(netvisor.company.purchase_invoices)


class Counting(httpx.BaseTransport):
    """Counts the calls of each Netvisor resource; the first ``cut`` reads of purchase invoices
    answer only the first half of their XML, as a connection dropped mid-answer would."""

    def __init__(self, inner: httpx.BaseTransport, cut: int = 0) -> None:
        self.inner, self.cut = inner, cut
        self.calls: dict[str, int] = {}

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        resource = request.url.path.rsplit("/", 1)[-1].lower()
        self.calls[resource] = self.calls.get(resource, 0) + 1
        response = self.inner.handle_request(request)
        if resource == "getpurchaseinvoice.nv" and self.cut:
            self.cut -= 1
            content = response.read()
            return httpx.Response(200, content=content[: len(content) // 2])
        return response


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
    held = hold(netvisor, 2 * PAGE + 10)
    monkeypatch.setattr(listing, "LISTED", 20)  # what a report keeps of each kind, the rest counted
    hub = TestHub(store, box, clock, settings).connect_netvisor(
        netvisor, purchases_since="2026-01-01", purchases_in_factual_verification_only=False
    )
    cut = FailingAt(netvisor.transport, nth=2)
    first = hub.run("nv", fetch_purchase_invoices, transport=cut)
    assert first.aborted is not None and "\n" not in first.aborted
    assert stored(store) == PAGE == len(first.new)  # the first page stayed

    again = hub.run("nv", fetch_purchase_invoices)
    assert again.aborted is None
    assert stored(store) == held
    assert len(again.new) == held - PAGE and again.unchanged == PAGE
    kept = list(again.new)
    assert len(set(kept)) == 20 and all(": V-" in label for label in kept)
    assert again.new.more == held - PAGE - 20


def test_purchase_invoices_come_500_a_call_with_their_files(
    store: Store, box: SecretBox, clock: ManualClock, settings: Settings
) -> None:
    netvisor = open_netvisor(clock)
    held = hold(netvisor, 2 * PAGE + 10)
    hub = TestHub(store, box, clock, settings).connect_netvisor(
        netvisor, purchases_since="2026-01-01", purchases_in_factual_verification_only=False
    )
    counting = Counting(netvisor.transport)
    report = hub.run("nv", fetch_purchase_invoices, transport=counting)
    assert report.aborted is None and len(report.new) == held == stored(store)
    files = sum(len(i.attachments) for i in netvisor.company.purchase_invoices.values())
    assert report.attachments == files > 2 * PAGE
    pages = -(-held // PAGE)
    assert counting.calls == {"purchaseinvoicelist.nv": 1, "getpurchaseinvoice.nv": pages}


def test_an_answer_cut_short_is_asked_again_and_nothing_is_stored_twice(
    store: Store, box: SecretBox, clock: ManualClock, settings: Settings
) -> None:
    netvisor = open_netvisor(clock)
    held = hold(netvisor, PAGE + 10)
    hub = TestHub(store, box, clock, settings).connect_netvisor(
        netvisor, purchases_since="2026-01-01", purchases_in_factual_verification_only=False
    )
    counting = Counting(netvisor.transport, cut=1)
    report = hub.run("nv", fetch_purchase_invoices, transport=counting)
    assert report.aborted is None
    assert len(report.new) == held == stored(store) and report.unchanged == 0
    assert counting.calls["getpurchaseinvoice.nv"] == 3  # the first page asked twice


def test_a_scheduled_fetch_reads_only_what_changed_in_netvisor_since_the_last(
    store: Store, box: SecretBox, clock: ManualClock, settings: Settings
) -> None:
    netvisor = open_netvisor(clock)
    held = hold(netvisor, 30)
    clock.advance(2 * 3600)
    hub = TestHub(store, box, clock, settings).connect_netvisor(
        netvisor, purchases_in_factual_verification_only=False
    )
    first = hub.run("nv", fetch_purchase_invoices)
    assert first.modified_since is None and len(first.new) == held

    clock.advance(3600)
    counting = Counting(netvisor.transport)
    quiet = hub.run("nv", fetch_purchase_invoices, transport=counting)
    assert counting.calls == {"purchaseinvoicelist.nv": 1}  # nothing changed: no invoice read
    assert (len(quiet.new), len(quiet.changed), quiet.unchanged) == (0, 0, 0)
    assert quiet.modified_since is not None

    changed = netvisor.company.purchase_invoices[min(netvisor.company.purchase_invoices)]
    changed.approval, changed.modified = "accepted", clock.now()
    hold(netvisor, 1)
    clock.advance(3600)
    counting = Counting(netvisor.transport)
    moved = hub.run("nv", fetch_purchase_invoices, transport=counting)
    assert (len(moved.new), len(moved.changed)) == (1, 1)
    assert counting.calls == {"purchaseinvoicelist.nv": 1, "getpurchaseinvoice.nv": 1}

    whole = hub.run("nv", fetch_purchase_invoices, since=date(2026, 1, 1))
    assert whole.modified_since is None and whole.unchanged == held + 1
    clock.advance(3600)
    assert hub.run("nv", fetch_purchase_invoices).modified_since is not None  # still as before


def test_a_scheduled_fetch_reads_its_period_whole_again_when_it_asks_for_more(
    store: Store, box: SecretBox, clock: ManualClock, settings: Settings
) -> None:
    """An earlier day to fetch from, all approval states instead of those in factual
    verification, or the files after a fetch without them: the last fetch did not read those."""
    netvisor = open_netvisor(clock)
    held = hold(netvisor, 3)
    clock.advance(2 * 3600)
    hub = TestHub(store, box, clock, settings).connect_netvisor(
        netvisor, purchases_in_factual_verification_only=False, purchases_with_attachments=False
    )
    hub.run("nv", fetch_purchase_invoices)
    clock.advance(3600)
    with_files = hub.run("nv", fetch_purchase_invoices, attachments=True)
    files = [i for i in netvisor.company.purchase_invoices.values() if i.attachments]
    assert with_files.modified_since is None and len(with_files.changed) == len(files) >= 3
    clock.advance(3600)
    assert hub.run("nv", fetch_purchase_invoices, attachments=True).modified_since is not None
    hub.set_options("nv", purchases_since="2025-01-01")
    clock.advance(3600)
    earlier = hub.run("nv", fetch_purchase_invoices, attachments=True)
    assert earlier.modified_since is None and earlier.unchanged == held
