"""Credentials that stop working in the middle of a batch: Procountor's token expiring (the hub
logs in again and goes on), and Netvisor's key changed in Netvisor (the run stops in plain words,
nothing is half-sent, and once the new key is set the rest goes, each document once)."""

from __future__ import annotations

import dataclasses
import threading
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import httpx
from sqlalchemy import select

from tests.factories import batch
from tests.hub import TestHub, open_netvisor
from tilisilta.clock import ManualClock
from tilisilta.connectors.netvisor.flows.invoices import send_invoices as netvisor_send
from tilisilta.connectors.procountor.flows.invoices import send_invoices as procountor_send
from tilisilta.crypto import SecretBox
from tilisilta.settings import Settings
from tilisilta.store import companies as repo
from tilisilta.store.engine import Store
from tilisilta.store.models import Exchange


class AtRequest(httpx.BaseTransport):
    """Calls ``event`` just before the requests numbered in ``at`` reach the target (counting
    only those whose path ends with ``only``, if given)."""

    def __init__(
        self,
        inner: httpx.BaseTransport,
        at: set[int],
        event: Callable[[], None],
        only: str = "",
    ) -> None:
        self.inner, self.at, self.event, self.only = inner, at, event, only
        self.seen = 0
        self._lock = threading.Lock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            if request.url.path.lower().endswith(self.only):
                self.seen += 1
                if self.seen in self.at:
                    self.event()
        return self.inner.handle_request(request)


def out_states(store: Store) -> Counter[str]:
    with store.session() as session:
        return Counter(session.scalars(select(Exchange.state).where(Exchange.direction == "out")))


def test_procountor_tokens_expiring_mid_batch_cost_nothing(hub: TestHub, tmp_path: Path) -> None:
    hub.import_invoices(batch(60), tmp_path)
    assert hub.procountor is not None
    sandbox = hub.procountor.sandbox
    expiring = AtRequest(hub.transports["pc"], {40, 100}, sandbox.tokens.clear)
    summary = procountor_send(dataclasses.replace(hub.context("pc"), transport=expiring), workers=4)
    assert summary.aborted is None and summary.count("sent") == 60
    assert expiring.seen > 100, "the tokens did not expire mid-batch"
    numbers = Counter(i["originalInvoiceNumber"] for i in hub.procountor.invoices())
    assert len(numbers) == 60 and set(numbers.values()) == {1}


def test_a_netvisor_key_changed_mid_batch_stops_plainly_and_loses_nothing(
    store: Store, box: SecretBox, clock: ManualClock, settings: Settings, tmp_path: Path
) -> None:
    netvisor = open_netvisor(clock)
    hub = TestHub(store, box, clock, settings).connect_netvisor(netvisor)
    invoices = batch(30)
    for data in invoices:  # Netvisor names every row's product
        for n, line in enumerate(data["lines"], start=1):
            line["product_code"] = f"P-{n}"
    hub.import_invoices(invoices, tmp_path)
    user = netvisor.sandbox.users[netvisor.credentials["customer_id"]]
    new_key = "0123456789abcdef0123456789abcdef"

    def rotate() -> None:  # someone makes a new key in Netvisor
        user.customer_key = new_key

    rotating = AtRequest(hub.transports["nv"], {12}, rotate, only="salesinvoice.nv")
    summary = netvisor_send(dataclasses.replace(hub.context("nv"), transport=rotating))
    assert summary.aborted is not None and "\n" not in summary.aborted
    assert "key" in summary.aborted.lower()
    assert new_key not in summary.aborted and netvisor.credentials["customer_key"] not in (
        summary.aborted
    )
    sent_before = len(netvisor.invoice_numbers())
    assert 0 < sent_before < 30, "the key did not change mid-batch"
    assert out_states(store)["sending"] == 0, "nothing is left half-sent"

    with store.session() as session:  # the person sets the new key
        connection = repo.find_connection(session, "nv")
        connection.secrets = box.seal({**box.open(connection.secrets), "customer_key": new_key})
    again = netvisor_send(hub.context("nv"))
    assert again.aborted is None
    numbers = Counter(netvisor.invoice_numbers())
    assert len(numbers) == 30 and set(numbers.values()) == {1}
    assert out_states(store) == Counter({"sent": 30})
