"""Conformance kits: each registered connector's writing flow against its sandbox, in one shape
the suite can drive. A new connector adds one ``make_*`` function and one line in ``KITS``."""

from __future__ import annotations

import json
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from tests import echo_connector
from tests.factories import invoice
from tests.hub import (
    HUB_COMPANY,
    Netvisor,
    Procountor,
    TestHub,
    open_netvisor,
    open_odoo,
    open_procountor,
)
from tilisilta.clock import ManualClock
from tilisilta.connectors import registry
from tilisilta.connectors.base import FlowContext, FlowResult
from tilisilta.connectors.files.flows.invoices import import_invoices
from tilisilta.crypto import SecretBox
from tilisilta.domain.documents import (
    FileCopy,
    JournalType,
    Party,
    Payment,
    PurchaseInvoice,
    PurchaseLine,
)
from tilisilta.ledger.outcomes import State
from tilisilta.sandbox.common.faults import FaultPlan
from tilisilta.sandbox.common.transport import SyncASGITransport
from tilisilta.settings import Settings
from tilisilta.store import companies as repo
from tilisilta.store.documents import PURCHASE_INVOICE, upsert_document
from tilisilta.store.engine import Store
from tilisilta.store.models import Exchange
from tilisilta.store.payments import upsert_payment

OTHER_BOOKS = "1618033-3"  # another company's business ID


@dataclass
class Kit:
    """One connector's writing flow, the hub that runs it and the sandbox it writes into."""

    flow: str  # e.g. "procountor.send_invoices"
    hub: TestHub
    connection: str
    faults: FaultPlan
    add_documents: Callable[[int], list[str]]  # n good documents, ready: their natural keys
    add_bad_document: Callable[[], str]  # one the connector must stop before any call
    remote_keys: Callable[[], list[str]]  # natural keys of what the target holds, repeats kept
    remote_calls: Callable[[], int]  # requests the sandbox has seen
    secrets: list[str]  # known secret values, never to be shown
    use_other_books: Callable[[], None]  # credentials now open another company's books
    refuse_credentials: Callable[[], None]
    #: the same sandbox seen from a brand-new hub database (documents imported again)
    fresh_hub: Callable[[Store], Kit]
    keys_added: list[str] = field(default_factory=list)

    @property
    def store(self) -> Store:
        return self.hub.store

    @property
    def box(self) -> SecretBox:
        return self.hub.box

    @property
    def clock(self) -> ManualClock:
        assert isinstance(self.hub.clock, ManualClock)
        return self.hub.clock

    def context(self) -> FlowContext:
        return self.hub.context(self.connection)

    def run(self) -> FlowResult:
        return registry.run_flow(self.context(), self.flow)

    def set_secret(self, key: str, value: str) -> None:
        with self.store.session() as session:
            connection = repo.find_connection(session, self.connection)
            connection.secrets = self.box.seal({**self.box.open(connection.secrets), key: value})


def _import(store: Store, clock: ManualClock, docs: list[dict[str, Any]], tmp: Path) -> None:
    path = tmp / f"batch-{uuid.uuid4().hex[:8]}.json"
    path.write_text(json.dumps({"invoices": docs}))
    report = import_invoices(store, clock, company=HUB_COMPANY, path=path)
    assert not report.refused, report.refused


def _invoice_adders(
    store: Store,
    clock: ManualClock,
    tmp: Path,
    imported: list[dict[str, Any]],
    *,
    product_codes: bool = False,
) -> tuple[Callable[[int], list[str]], Callable[[], str]]:
    """Adding good invoices to the hub (kept in ``imported`` for a fresh hub), and a bad one:
    its customer's business ID fails the check digit."""
    taken: list[str] = [str(d["number"]) for d in imported]

    def make(number: str) -> dict[str, Any]:
        data = invoice(number)
        if product_codes:
            for n, line in enumerate(data["lines"], start=1):
                line["product_code"] = f"P-{n}"
        return data

    def add(count: int) -> list[str]:
        docs = [make(n) for n in _numbers(count, taken)]
        imported.extend(docs)
        _import(store, clock, docs, tmp)
        return [str(d["number"]) for d in docs]

    def add_bad() -> str:
        number = _numbers(1, taken)[0]
        bad = make(number)
        bad["customer"] = {**bad["customer"], "business_id": "1234567-8"}
        _import(store, clock, [bad], tmp)
        return number

    return add, add_bad


def _numbers(count: int, taken: list[str]) -> list[str]:
    start = 7001 + len(taken)
    numbers = [str(start + n) for n in range(count)]
    taken.extend(numbers)
    return numbers


# -- Procountor: sales invoices ----------------------------------------------------------------


def make_procountor(
    store: Store, box: SecretBox, clock: ManualClock, settings: Settings, tmp: Path
) -> Kit:
    return _procountor_kit(store, box, clock, settings, tmp, open_procountor(clock), [])


def _procountor_kit(
    store: Store,
    box: SecretBox,
    clock: ManualClock,
    settings: Settings,
    tmp: Path,
    procountor: Procountor,
    imported: list[dict[str, Any]],
) -> Kit:
    hub = TestHub(store, box, clock, settings).connect_procountor(procountor)
    if imported:
        _import(store, clock, imported, tmp)
    sandbox = procountor.sandbox
    add, add_bad = _invoice_adders(store, clock, tmp, imported)

    def other_books() -> None:
        other = sandbox.add_company(name="Toinen Oy", business_id=OTHER_BOOKS)
        kit.set_secret("api_key", sandbox.issue_api_key(other.company_id, credentials["client_id"]))

    credentials = procountor.credentials
    kit = Kit(
        flow="procountor.send_invoices",
        hub=hub,
        connection=hub.connection,
        faults=sandbox.faults,
        add_documents=add,
        add_bad_document=add_bad,
        remote_keys=lambda: [str(i["originalInvoiceNumber"]) for i in procountor.invoices()],
        remote_calls=lambda: len(sandbox.request_log),
        secrets=[credentials["client_secret"], credentials["api_key"]],
        use_other_books=other_books,
        refuse_credentials=lambda: kit.set_secret("api_key", "not-a-valid-key"),
        fresh_hub=lambda fresh: _procountor_kit(
            fresh, box, clock, settings, tmp, procountor, list(imported)
        ),
    )
    return kit


# -- Odoo: payments written back ---------------------------------------------------------------


def make_odoo(
    store: Store, box: SecretBox, clock: ManualClock, settings: Settings, tmp: Path
) -> Kit:
    odoo = open_odoo(clock)
    return _odoo_kit(store, box, clock, settings, odoo, {})


def _odoo_kit(
    store: Store,
    box: SecretBox,
    clock: ManualClock,
    settings: Settings,
    odoo: Any,
    received: dict[str, Payment],
) -> Kit:
    hub = TestHub(store, box, clock, settings).connect_odoo(odoo)
    reg = odoo.sandbox.registry

    def receive(payment: Payment) -> None:
        with store.session() as session:
            company = repo.find_company(session, HUB_COMPANY)
            upsert_payment(session, company.id, f"bank:{payment.external_id}", payment, clock.now())

    def settle() -> None:
        for payment in received.values():
            receive(payment)

    if received:
        hub.pull()
        settle()

    def add(count: int) -> list[str]:
        moves = [odoo.invoice("aalto", [("coffee", 1 + n)]) for n in range(count)]
        pulled = hub.pull()
        assert pulled.aborted is None
        keys = []
        for move_id in moves:
            move = odoo.move(move_id)
            event = str(1000 + len(received))
            payment = Payment(
                external_id=event,
                invoice_number=str(move["name"]),
                amount=Decimal(str(move["amount_total"])),
                payment_date=date(2026, 6, 20),
                journal=JournalType.BANK,
            )
            received[event] = payment
            receive(payment)
            keys.append(f"Tilisilta bank:{event}")
        return keys

    def add_bad() -> str:
        move = odoo.move(odoo.invoice("aalto", [("coffee", 1)]))
        assert hub.pull().aborted is None
        payment = Payment(
            external_id="9999",
            invoice_number=str(move["name"]),
            amount=Decimal(str(move["amount_total"])) * 10,
            payment_date=date(2026, 6, 20),
            journal=JournalType.BANK,
        )
        # Ten times the invoice: the connector stops it before any call to register it.
        receive(payment)
        return "Tilisilta bank:9999"

    def memos() -> list[str]:
        fields = reg.call("account.payment", "fields_get", attributes=["type"])
        memo = "memo" if "memo" in fields else "ref"
        ids = reg.call("account.payment", "search", [])
        return [str(p[memo]) for p in reg.call("account.payment", "read", ids, [memo])]

    def other_books() -> None:
        reg.call(
            "res.company",
            "write",
            [odoo.credentials.company_id],
            {"vat": "FI16180333", "company_registry": OTHER_BOOKS},
        )

    kit = Kit(
        flow="odoo.push_payments",
        hub=hub,
        connection=hub.odoo_connection,
        faults=odoo.sandbox.faults,
        add_documents=add,
        add_bad_document=add_bad,
        remote_keys=memos,
        remote_calls=lambda: len(odoo.sandbox.request_log),
        secrets=[odoo.credentials.api_key],
        use_other_books=other_books,
        refuse_credentials=lambda: kit.set_secret("api_key", "0" * 40),
        fresh_hub=lambda fresh: _odoo_kit(fresh, box, clock, settings, odoo, received),
    )
    return kit


# -- Odoo: purchase invoices booked as vendor bills -------------------------------------------


def make_odoo_purchases(
    store: Store, box: SecretBox, clock: ManualClock, settings: Settings, tmp: Path
) -> Kit:
    return _odoo_purchases_kit(store, box, clock, settings, open_odoo(clock), [])


def _odoo_purchases_kit(
    store: Store,
    box: SecretBox,
    clock: ManualClock,
    settings: Settings,
    odoo: Any,
    fetched: list[tuple[str, PurchaseInvoice]],
) -> Kit:
    hub = TestHub(store, box, clock, settings).connect_odoo(odoo)
    reg = odoo.sandbox.registry
    vendor_id = odoo.seed.vendors["nieminen"]
    registry_id = reg.call("res.partner", "read", [vendor_id], ["company_registry"])[0]

    def keep(ref: str, document: PurchaseInvoice) -> None:
        with store.session() as session:
            company = repo.find_company(session, HUB_COMPANY)
            upsert_document(session, company.id, PURCHASE_INVOICE, ref, document, clock.now())

    for ref, document in fetched:
        keep(ref, document)

    def make(number: str, rate: str) -> PurchaseInvoice:
        line = PurchaseLine(
            description="Paperi",
            quantity=Decimal(2),
            unit_price=Decimal("10.00"),
            vat_rate=Decimal(rate),
            net_amount=Decimal("20.00"),
            gross_amount=(Decimal(20) * (100 + Decimal(rate)) / 100).quantize(Decimal("0.01")),
        )
        return PurchaseInvoice(
            source_id=number,
            number=number,
            invoice_date=date(2026, 6, 1),
            total=line.gross_amount,
            vendor=Party(
                ref="netvisor-vendor:x",
                name="Nieminen",
                business_id=str(registry_id["company_registry"]),
            ),
            lines=[line],
            attachments=[FileCopy(name=f"{number}.pdf", content_base64="JVBERi0xLjQ=")],
        )

    def add(count: int) -> list[str]:
        refs = []
        for _ in range(count):
            number = str(9001 + len(fetched))
            ref = f"netvisor:{number}"
            fetched.append((ref, make(number, "25.5")))
            keep(*fetched[-1])
            refs.append(f"Tilisilta {ref}")
        return refs

    def add_bad() -> str:
        # No purchase tax of 14 % in Odoo: stopped before any call to book it.
        keep("netvisor:bad", make("bad", "14"))
        return "Tilisilta netvisor:bad"

    def markers() -> list[str]:
        ids = reg.call("account.move", "search", [("move_type", "in", ["in_invoice", "in_refund"])])
        return [
            str(m["invoice_origin"])
            for m in reg.call("account.move", "read", ids, ["invoice_origin"])
        ]

    def other_books() -> None:
        reg.call(
            "res.company",
            "write",
            [odoo.credentials.company_id],
            {"vat": "FI16180333", "company_registry": OTHER_BOOKS},
        )

    kit = Kit(
        flow="odoo.push_purchase_invoices",
        hub=hub,
        connection=hub.odoo_connection,
        faults=odoo.sandbox.faults,
        add_documents=add,
        add_bad_document=add_bad,
        remote_keys=markers,
        remote_calls=lambda: len(odoo.sandbox.request_log),
        secrets=[odoo.credentials.api_key],
        use_other_books=other_books,
        refuse_credentials=lambda: kit.set_secret("api_key", "0" * 40),
        fresh_hub=lambda fresh: _odoo_purchases_kit(fresh, box, clock, settings, odoo, fetched),
    )
    return kit


# -- Netvisor: sales invoices ------------------------------------------------------------------


def make_netvisor(
    store: Store, box: SecretBox, clock: ManualClock, settings: Settings, tmp: Path
) -> Kit:
    return _netvisor_kit(store, box, clock, settings, tmp, open_netvisor(clock), [])


def _netvisor_kit(
    store: Store,
    box: SecretBox,
    clock: ManualClock,
    settings: Settings,
    tmp: Path,
    netvisor: Netvisor,
    imported: list[dict[str, Any]],
) -> Kit:
    hub = TestHub(store, box, clock, settings).connect_netvisor(netvisor)
    if imported:
        _import(store, clock, imported, tmp)
    # Netvisor names every row's product: the invoices carry product codes.
    add, add_bad = _invoice_adders(store, clock, tmp, imported, product_codes=True)
    sandbox = netvisor.sandbox

    def other_books() -> None:
        sandbox.add_company(OTHER_BOOKS, "Toinen Oy")
        sandbox.users[netvisor.credentials["customer_id"]].companies.add(OTHER_BOOKS)
        hub.set_options(hub.connection, organisation_id=OTHER_BOOKS)

    kit = Kit(
        flow="netvisor.send_invoices",
        hub=hub,
        connection=hub.connection,
        faults=sandbox.faults,
        add_documents=add,
        add_bad_document=add_bad,
        remote_keys=netvisor.invoice_numbers,
        remote_calls=lambda: len(sandbox.request_log),
        secrets=[netvisor.credentials["customer_key"], netvisor.credentials["partner_key"]],
        use_other_books=other_books,
        refuse_credentials=lambda: kit.set_secret("customer_key", "not-the-key"),
        fresh_hub=lambda fresh: _netvisor_kit(
            fresh, box, clock, settings, tmp, netvisor, list(imported)
        ),
    )
    return kit


# -- the example echo connector ----------------------------------------------------------------


def make_echo(
    store: Store, box: SecretBox, clock: ManualClock, settings: Settings, tmp: Path
) -> Kit:
    sandbox = echo_connector.EchoSandbox(seed=5)
    sandbox.add_company("echo-key-1234567890", HUB_COMPANY)
    return _echo_kit(store, box, clock, settings, tmp, sandbox, [])


def _echo_kit(
    store: Store,
    box: SecretBox,
    clock: ManualClock,
    settings: Settings,
    tmp: Path,
    sandbox: echo_connector.EchoSandbox,
    imported: list[dict[str, Any]],
) -> Kit:
    requests: list[int] = [0]
    hub = TestHub(store, box, clock, settings).connect(
        "echo",
        "echo",
        transport=_Counting(SyncASGITransport(sandbox.app), requests),
        base_url="http://echo.test",
        options={},
        secrets={"api_key": "echo-key-1234567890"},
    )
    if imported:
        _import(store, clock, imported, tmp)
    add, add_bad = _invoice_adders(store, clock, tmp, imported)

    def other_books() -> None:
        sandbox.add_company("echo-other-books", OTHER_BOOKS)
        kit.set_secret("api_key", "echo-other-books")

    kit = Kit(
        flow="echo.send_invoices",
        hub=hub,
        connection="echo",
        faults=sandbox.faults,
        add_documents=add,
        add_bad_document=add_bad,
        remote_keys=lambda: [
            str(i["number"]) for books in sandbox.books.values() for i in books.invoices.values()
        ],
        remote_calls=lambda: requests[0],
        secrets=["echo-key-1234567890"],
        use_other_books=other_books,
        refuse_credentials=lambda: kit.set_secret("api_key", "no-such-key"),
        fresh_hub=lambda fresh: _echo_kit(fresh, box, clock, settings, tmp, sandbox, imported),
    )
    return kit


class _Counting(httpx.BaseTransport):
    def __init__(self, inner: httpx.BaseTransport, counter: list[int]) -> None:
        self.inner, self.counter = inner, counter

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.counter[0] += 1
        return self.inner.handle_request(request)


@contextmanager
def echo_registered() -> Iterator[None]:
    registry.register(echo_connector.CONNECTOR)
    try:
        yield
    finally:
        registry.unregister(echo_connector.KIND)


KITS: dict[str, Callable[[Store, SecretBox, ManualClock, Settings, Path], Kit]] = {
    "procountor": make_procountor,
    "odoo": make_odoo,
    "odoo_purchases": make_odoo_purchases,
    "netvisor": make_netvisor,
    "echo": make_echo,
}


# -- what the suites share: a kit per registered connector, and running one until it settles --
MAX_RUNS = 10


@pytest.fixture(params=sorted(KITS))
def kit(
    request: pytest.FixtureRequest,
    store: Store,
    box: SecretBox,
    clock: ManualClock,
    settings: Settings,
    tmp_path: Path,
) -> Iterator[Kit]:
    with echo_registered():
        yield KITS[request.param](store, box, clock, settings, tmp_path)


def run_until_settled(kit: Kit) -> FlowResult:
    """Run, then again (as a schedule would) while anything waits for a retry."""
    for _ in range(MAX_RUNS):
        result = kit.run()
        assert result.aborted is None, result.aborted
        with kit.store.session() as session:
            waiting = session.scalar(
                select(func.count()).select_from(Exchange).where(Exchange.state == State.PENDING)
            )
        if not waiting:
            return result
        kit.clock.advance(3600)
    raise AssertionError(f"still waiting after {MAX_RUNS} runs")


def states(kit: Kit) -> Counter[str]:
    """The states of the deliveries out of the hub (pulls log inbound exchanges too)."""
    with kit.store.session() as session:
        return Counter(session.scalars(select(Exchange.state).where(Exchange.direction == "out")))
