"""The demo's second company, whose books are in Netvisor: a second Odoo company's invoices go
to Netvisor, its customers and products made there first; the bank's payments come back and
are registered in Odoo; and Netvisor's purchase invoices are fetched, attachments and all, and
booked in Odoo as draft vendor bills."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from tilisilta.clock import Clock, today
from tilisilta.connectors.netvisor.flows.invoices import NetvisorSendSummary, send_invoices
from tilisilta.connectors.netvisor.flows.payments import fetch_payments
from tilisilta.connectors.netvisor.flows.purchases import (
    PurchaseFetchReport,
    fetch_purchase_invoices,
)
from tilisilta.connectors.netvisor.options import NetvisorOptions
from tilisilta.connectors.odoo.flows.payments import PushReport, push_payments
from tilisilta.connectors.odoo.flows.purchases import push_purchase_invoices
from tilisilta.connectors.odoo.options import OdooOptions
from tilisilta.connectors.registry import open_context
from tilisilta.crypto import SecretBox
from tilisilta.demo.dataset import demo_invoices
from tilisilta.demo.odoo_erp import DemoErp
from tilisilta.ledger.payments_in import PaymentFetchReport
from tilisilta.ledger.sending import SendSummary
from tilisilta.sandbox.common.transport import SyncASGITransport
from tilisilta.sandbox.netvisor import NetvisorSandbox
from tilisilta.sandbox.odoo import OdooSandbox
from tilisilta.sandbox.odoo.orm import seed_finnish_company
from tilisilta.services.odoo_pull import pull as odoo_pull
from tilisilta.settings import Settings
from tilisilta.store import companies as repo
from tilisilta.store.engine import Store
from tilisilta.store.models import Connection

COMPANY_NAME = "Kirjapaino Demo Oy"
COMPANY_ID = "1234567-1"
CONNECTION = "demo-netvisor"
ODOO_CONNECTION = "demo-odoo-2"
NETVISOR_URL = "http://netvisor.demo"
INVOICES = 14  # of the demo batch, for the second company
PDF = b"%PDF-1.4\n% a purchase invoice's image (demo)\n%%EOF\n"


@dataclass
class NetvisorDemo:
    pulled: int  # invoices read from the second Odoo company
    sent: NetvisorSendSummary
    paid: PaymentFetchReport
    written_back: PushReport
    purchases: PurchaseFetchReport
    bills: SendSummary  # the purchase invoices booked in Odoo as vendor bills
    held: int  # sales invoices Netvisor holds


def run_netvisor_company(
    store: Store,
    box: SecretBox,
    clock: Clock,
    settings: Settings,
    odoo: OdooSandbox,
) -> NetvisorDemo:
    netvisor = NetvisorSandbox(clock=clock, seed=2, public_base_url=NETVISOR_URL)
    netvisor.add_company(COMPANY_ID, COMPANY_NAME)
    partner = netvisor.add_partner("TILISILTA_DEMO")
    user = netvisor.add_user([COMPANY_ID], customer_id="TK_DEMO_2")
    _vendor_invoices(netvisor, today(clock))
    info = seed_finnish_company(odoo.registry, name=COMPANY_NAME, vat="FI12345671")
    _uid, odoo_key = odoo.add_bot_user("tilisilta-bot-2", [info.company_id])
    secrets = {"customer_key": user.customer_key, "partner_key": partner.partner_key}
    with store.session() as session:
        existing = session.scalar(select(Connection).where(Connection.name == CONNECTION))
        if existing is None:
            company = repo.create_company(session, COMPANY_NAME, COMPANY_ID, clock.now())
            options = NetvisorOptions(
                customer_id=user.customer_id,
                partner_id=partner.partner_id,
                organisation_id=COMPANY_ID,
            )
            repo.add_connection(
                session, box, company=company, name=CONNECTION, kind="netvisor",
                environment="sandbox", base_url=NETVISOR_URL,
                options=options.model_dump(mode="json"), secrets=secrets, now=clock.now(),
            )  # fmt: skip
            erp_options = OdooOptions(
                database=odoo.database, login="tilisilta-bot-2", odoo_company_id=info.company_id
            )
            repo.add_connection(
                session, box, company=company, name=ODOO_CONNECTION, kind="odoo",
                environment="sandbox", base_url=odoo.base_url,
                options=erp_options.model_dump(mode="json"), secrets={"api_key": odoo_key},
                now=clock.now(),
            )  # fmt: skip
        else:
            # The sandboxes live in this process only: each run they issue new keys.
            existing.secrets = box.seal(secrets)
            erp_connection = repo.find_connection(session, ODOO_CONNECTION)
            erp_connection.secrets = box.seal({"api_key": odoo_key})
    books_transport = SyncASGITransport(netvisor.app)
    erp_transport = odoo.transport()
    try:
        books = open_context(store, box, clock, settings, CONNECTION, transport=books_transport)
        erp = open_context(store, box, clock, settings, ODOO_CONNECTION, transport=erp_transport)
        DemoErp(odoo.registry, info).enter(demo_invoices(today(clock))[:INVOICES])
        pulled = odoo_pull(erp)
        sent = send_invoices(books)
        _bank_pays(netvisor, today(clock))
        paid = fetch_payments(books)
        written_back = push_payments(erp)
        purchases = fetch_purchase_invoices(books)
        bills = push_purchase_invoices(erp)
    finally:
        books_transport.close()
    invoices = pulled.invoices.detail if pulled.invoices else None
    return NetvisorDemo(
        pulled=len(getattr(invoices, "new", []) or []),
        sent=sent,
        paid=paid,
        written_back=written_back,
        purchases=purchases,
        bills=bills,
        held=len(netvisor.companies[COMPANY_ID].sales_invoices),
    )


def _bank_pays(netvisor: NetvisorSandbox, day: date) -> None:
    """The bank brings in payments for the first invoices: in full, one in part, and one
    refund (a negative payment, never recorded by the hub)."""
    company = netvisor.companies[COMPANY_ID]
    invoices = [i for i in company.sales_invoices.values() if i.amount > 0][:6]
    for n, invoice in enumerate(invoices):
        amount = invoice.amount if n < 5 else (invoice.amount / 2).quantize(invoice.amount)
        netvisor.add_bank_payment(COMPANY_ID, amount, day, invoice_number=invoice.number)
    if invoices:
        netvisor.add_bank_payment(
            COMPANY_ID, -invoices[0].amount / 10, day, invoice_number=invoices[0].number
        )


def _vendor_invoices(netvisor: NetvisorSandbox, day: date) -> None:
    vendors: list[dict[str, Any]] = [
        {"number": "V-7001", "vendor": "Paperitukku Oy", "vendor_business_id": "0112038-9",
         "lines": [{"name": "Paperi A4", "quantity": 40, "unit_price": "4.20",
                    "line_sum": "210.84"}],
         "attachments": [{"file_name": "V-7001.pdf",
                          "data_base64": base64.b64encode(PDF).decode()}]},
        {"number": "V-7002", "vendor": "Sähkö Oy", "vendor_business_id": "0101263-6",
         "lines": [{"name": "Sähkö marraskuu", "unit_price": "180.00", "line_sum": "225.90"}]},
    ]  # fmt: skip
    for n, data in enumerate(vendors):
        date_ = (day - timedelta(days=3 - n)).isoformat()
        netvisor.add_purchase_invoice(COMPANY_ID, {**data, "date": date_})
