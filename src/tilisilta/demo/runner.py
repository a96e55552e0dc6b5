"""`tilisilta demo`: the whole first flow on the embedded default, from nothing.

A demo company with two connections: Odoo as its ERP and Procountor for its books, both
in-process sandboxes. A realistic batch of invoices is posted in Odoo and pulled into the hub with
Odoo's customers and products, the company's Procountor customers and products are matched to
them, the invoices sent to an
in-process Procountor sandbox that drops some responses on purpose (creating the customers and
products they need), a check that the sandbox holds each sent invoice exactly once, and the
payments Procountor then records fetched back and registered in Odoo, which shows them paid.
"""

from __future__ import annotations

import secrets
from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from tilisilta.clock import Clock, SystemClock, today
from tilisilta.connectors.odoo.flows.invoices import PullReport
from tilisilta.connectors.odoo.flows.payments import PushReport, push_payments
from tilisilta.connectors.odoo.flows.reconcile import ReconcileReport
from tilisilta.connectors.odoo.flows.registers import RegisterPull
from tilisilta.connectors.odoo.options import OdooOptions
from tilisilta.connectors.procountor.flows.invoices import send_invoices
from tilisilta.connectors.procountor.flows.payments import fetch_payments
from tilisilta.connectors.procountor.flows.registers import (
    BindResult,
    bind_party,
    fetch_customers,
    fetch_products,
)
from tilisilta.connectors.procountor.flows.vat_settings import VatFetch, fetch_vat_settings
from tilisilta.connectors.procountor.mapping.register_matching import RegisterReport
from tilisilta.connectors.procountor.options import ProcountorOptions, SendingOption
from tilisilta.connectors.registry import open_context
from tilisilta.crypto import SecretBox
from tilisilta.demo.dataset import demo_invoices, procountor_registers
from tilisilta.demo.netvisor_books import NetvisorDemo, run_netvisor_company
from tilisilta.demo.odoo_erp import DemoErp
from tilisilta.demo.totals import (
    TotalsCheck,
    compare_totals,
    hub_totals,
    odoo_totals,
    procountor_totals,
)
from tilisilta.ledger.payments_in import PaymentFetchReport
from tilisilta.ledger.sending import SendSummary
from tilisilta.sandbox.common.transport import SyncASGITransport
from tilisilta.sandbox.odoo import OdooSandbox
from tilisilta.sandbox.procountor import ProcountorSandbox
from tilisilta.services.odoo_pull import pull as odoo_pull
from tilisilta.settings import Settings
from tilisilta.store import companies as repo
from tilisilta.store.engine import Store
from tilisilta.store.models import Binding, Connection
from tilisilta.store.registers import PARTY, PRODUCT

COMPANY_NAME = "Tilisilta Demo Oy"
COMPANY_ID = "2077474-0"
CONNECTION = "demo-procountor"
ODOO_CONNECTION = "demo-odoo"
ODOO_VERSION = 17
CLIENT_ID = "tilisilta-demo"
REDIRECT_URI = "http://localhost/tilisilta/callback"
SANDBOX_URL = "http://procountor.sandbox/api"


@dataclass
class RegisterCounts:
    """One Procountor register around the send: the records the hub created (new bindings, as
    the hub sees it) and what the sandbox held before and after (as Procountor sees it)."""

    created: int
    held_before: int
    held_after: int


@dataclass
class DemoRegisters:
    customers: RegisterReport
    products: RegisterReport
    bound_by_hand: list[BindResult]  # the ambiguous customers, bound to the first candidate
    customers_sent: RegisterCounts
    products_sent: RegisterCounts


@dataclass
class ErpPull:
    """What the hub read from Odoo."""

    customers: RegisterPull
    products: RegisterPull
    invoices: PullReport
    still_posted: ReconcileReport  # the check that invoices read before are still posted
    posted: int  # invoices and credit notes posted in the Odoo sandbox


@dataclass
class DemoResult:
    folder: Path
    erp: ErpPull
    vat: VatFetch
    registers: DemoRegisters
    sent: SendSummary
    paid: PaymentFetchReport
    written_back: PushReport
    odoo_payment_states: dict[str, int]  # Odoo invoices by payment state, after the write-back
    sandbox_invoices: int
    dropped_responses: int
    first_run: bool
    totals: TotalsCheck  # Odoo's, the hub's and Procountor's total of each sent invoice
    netvisor: NetvisorDemo  # the second company, whose books are in Netvisor


def run_demo(folder: Path, clock: Clock | None = None, *, faults: bool = True) -> DemoResult:
    clock = clock or SystemClock()
    folder.mkdir(parents=True, exist_ok=True)
    settings = Settings(home=folder, database_url=None, secret_keys=None)
    store = Store(settings.resolved_database_url())
    store.upgrade()
    box = SecretBox.from_settings(settings)

    sandbox = ProcountorSandbox(clock=clock, seed=1)
    with store.session() as session:
        connection = session.scalar(select(Connection).where(Connection.name == CONNECTION))
        first_run = connection is None
        client_secret = (
            secrets.token_urlsafe(24)
            if connection is None
            else box.open(connection.secrets)["client_secret"]
        )
    sandbox.register_client(CLIENT_ID, client_secret, REDIRECT_URI)
    remote_company = sandbox.add_company(name=COMPANY_NAME, business_id=COMPANY_ID)
    api_key = sandbox.issue_api_key(remote_company.company_id, CLIENT_ID)
    odoo, odoo_creds = OdooSandbox.with_demo_company(version=ODOO_VERSION, clock=clock, seed=1)
    odoo_options = OdooOptions(
        database=odoo_creds.database, login=odoo_creds.login, odoo_company_id=odoo_creds.company_id
    )

    with store.session() as session:
        if first_run:
            company = repo.create_company(session, COMPANY_NAME, COMPANY_ID, clock.now())
            options = ProcountorOptions(
                client_id=CLIENT_ID,
                redirect_uri=REDIRECT_URI,
                sending=SendingOption.APPROVE_AND_SEND,
                create_customers=True,
                create_products=True,
                rate_limit_per_second=20,  # what the sandbox allows, as Procountor does
            )
            repo.add_connection(
                session,
                box,
                company=company,
                name=CONNECTION,
                kind="procountor",
                environment="sandbox",
                base_url=SANDBOX_URL,
                options=options.model_dump(mode="json"),
                secrets={"client_secret": client_secret, "api_key": api_key},
                now=clock.now(),
            )
            repo.add_connection(
                session,
                box,
                company=company,
                name=ODOO_CONNECTION,
                kind="odoo",
                environment="sandbox",
                base_url=odoo.base_url,
                options=odoo_options.model_dump(mode="json"),
                secrets={"api_key": odoo_creds.api_key},
                now=clock.now(),
            )
        else:
            # The sandboxes live in this process only: each run their demo companies issue new
            # keys.
            connection = repo.find_connection(session, CONNECTION)
            connection.secrets = box.seal({"client_secret": client_secret, "api_key": api_key})
            erp_connection = repo.find_connection(session, ODOO_CONNECTION)
            erp_connection.secrets = box.seal({"api_key": odoo_creds.api_key})

    transport = SyncASGITransport(sandbox.app)
    odoo_transport = odoo.transport()
    # Beyond Procountor's four documented VAT statuses the numbers are per company: read the
    # company's VAT defaults and map the rest by their descriptions.
    vat = fetch_vat_settings(
        open_context(store, box, clock, settings, CONNECTION, transport=transport)
    )
    # Opened after the VAT statuses were mapped: a context holds the settings as they were.
    books = open_context(store, box, clock, settings, CONNECTION, transport=transport)
    erp_context = open_context(
        store, box, clock, settings, ODOO_CONNECTION, transport=odoo_transport
    )

    # The ERP: the demo batch is posted in Odoo, and the hub pulls it with its customers and
    # products.
    moves = DemoErp(odoo.registry, odoo_creds.seed).enter(demo_invoices(_demo_day(clock)))
    pulled = odoo_pull(erp_context)
    assert pulled.customers and pulled.products and pulled.invoices and pulled.posted
    erp = ErpPull(
        customers=pulled.customers.detail,
        products=pulled.products.detail,
        invoices=pulled.invoices.detail,
        still_posted=pulled.posted.detail,
        posted=len(moves),
    )

    # The company used Procountor by hand before: match its customers and products to the ERP's.
    company_id = remote_company.company_id
    partners, products = procountor_registers()
    for partner in partners:
        sandbox.add_partner(company_id, partner)
    for product in products:
        sandbox.add_product(company_id, product)
    customers_found = fetch_customers(books)
    products_found = fetch_products(books)
    # A person settles each ambiguous customer; the demo takes the first candidate.
    by_hand = [
        bind_party(books, party_ref=line.local_ref, procountor_id=int(line.candidates[0][0]))
        for line in customers_found.ambiguous
    ]

    if faults:
        # Show exactly-once at work: lose some responses after Procountor has committed.
        # Creating an invoice is the step that must never happen twice; approving and sending
        # are checked by state before they are repeated (tests/reliability covers every step).
        sandbox.faults.drop_after_commit = 0.12
        sandbox.faults.error_5xx = 0.03
        sandbox.faults.only = r"^POST /api/invoices$"
    bound_before = _bound(store, PARTY), _bound(store, PRODUCT)
    try:
        sent = send_invoices(books)
        sandbox.faults.update({"drop_after_commit": 0, "error_5xx": 0})
        registers = DemoRegisters(
            customers_found,
            products_found,
            by_hand,
            RegisterCounts(
                _bound(store, PARTY) - bound_before[0],
                len(partners),
                len(sandbox.partners(company_id)),
            ),
            RegisterCounts(
                _bound(store, PRODUCT) - bound_before[1],
                len(products),
                len(sandbox.products(company_id)),
            ),
        )
        _customers_pay(sandbox, company_id, today(clock))
        paid = fetch_payments(books)
        written_back = push_payments(erp_context)
        second = run_netvisor_company(store, box, clock, settings, odoo)
    finally:
        transport.close()
        odoo.close()
    states = odoo.registry.call(
        "account.move",
        "read",
        list(moves.values()),
        ["name", "move_type", "payment_state", "amount_total"],
    )
    payment_states = dict(
        Counter(m["payment_state"] for m in states if m["move_type"] == "out_invoice")
    )
    held = sandbox.invoices(company_id)
    totals = compare_totals(
        odoo_totals(states), hub_totals(store, books.company_id), procountor_totals(held)
    )
    store.dispose()
    return DemoResult(
        folder=folder,
        erp=erp,
        vat=vat,
        registers=registers,
        sent=sent,
        paid=paid,
        written_back=written_back,
        odoo_payment_states=payment_states,
        sandbox_invoices=len(held),
        dropped_responses=sandbox.faults.injected.get("drop_after_commit", 0),
        first_run=first_run,
        totals=totals,
        netvisor=second,
    )


def _bound(store: Store, kind: str) -> int:
    """How many of the company's parties or products the demo connection is bound to."""
    with store.session() as session:
        return (
            session.scalar(
                select(func.count())
                .select_from(Binding)
                .join(Connection, Connection.id == Binding.connection_id)
                .where(Connection.name == CONNECTION, Binding.local_kind == kind)
            )
            or 0
        )


def _customers_pay(sandbox: ProcountorSandbox, company_id: int, day: date) -> None:
    """In Procountor, the bank allocates customers' payments: some in full, some in part, and
    one payment is reversed after it was allocated (a negative correction)."""
    invoices = [
        inv for inv in sandbox.invoices(company_id) if inv["status"] == "SENT" and _total(inv) > 0
    ]
    for n, inv in enumerate(invoices[:16]):
        total = _total(inv)
        amount = total if n < 10 else (total / 2).quantize(Decimal("0.01"))
        sandbox.allocate_payment(company_id, inv["id"], amount, day)
        if n == 15:
            sandbox.reverse_payment(company_id, inv["id"], amount, day)


def _total(remote_invoice: dict[str, Any]) -> Decimal:
    return Decimal(str(remote_invoice["invoiceSumInfo"][0]["invoiceSumTotal"]))


def _demo_day(clock: Clock) -> date:
    return today(clock)
