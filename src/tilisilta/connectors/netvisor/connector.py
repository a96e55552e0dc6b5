"""Netvisor as the hub's generic parts see it: settings, environments and flows by name."""

from __future__ import annotations

from datetime import date, timedelta

from pydantic import BaseModel, ConfigDict

from tilisilta.connectors.base import (
    Connector,
    FlowContext,
    FlowSpec,
    ScheduleSpec,
    Selection,
    SendParams,
    flow_at,
    imported,
    send_unsent,
    sent_result,
)
from tilisilta.connectors.netvisor.options import BASE_URLS, NetvisorOptions, NetvisorSecrets

PACKAGE = "tilisilta.connectors.netvisor.flows"  # its flows, imported when run (``imported``)


class PaymentParams(Selection):
    begin: date | None = None  # the period to read (default: since the last fetch)
    end: date | None = None


class PurchaseParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    since: date | None = None  # default: since the last fetch, or the last 30 days
    until: date | None = None
    factual_verification_only: bool | None = None  # None: the connection's setting
    attachments: bool | None = None


class ProductParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    codes: list[str]


FLOWS = (
    FlowSpec(
        "netvisor.send_invoices",
        "send sales invoices and credit notes, exactly once",
        flow_at(f"{PACKAGE}.invoices:send_invoices", sent_result),
        SendParams,
        writes=True,
    ),
    FlowSpec(
        "netvisor.send_products",
        "send selected products",
        flow_at(f"{PACKAGE}.products:send_products"),
        ProductParams,
        writes=True,
    ),
    FlowSpec(
        "netvisor.fetch_purchase_invoices",
        "fetch purchase invoices, with their attachments",
        flow_at(f"{PACKAGE}.purchases:fetch_purchase_invoices"),
        PurchaseParams,
    ),
    FlowSpec(
        "netvisor.fetch_payments",
        "fetch the payments of sent invoices",
        flow_at(f"{PACKAGE}.payments:fetch_payments"),
        PaymentParams,
    ),
)

# The seed's scheduled actions (purchase invoices, sales invoice status), and sending.
SCHEDULES = (
    send_unsent("netvisor"),
    ScheduleSpec(
        "fetch_purchase_invoices",
        "fetch new purchase invoices, with their attachments",
        ("netvisor.fetch_purchase_invoices",),
        timedelta(hours=1),
    ),
    ScheduleSpec(
        "fetch_invoice_status",
        "fetch the payments of sent sales invoices (their status)",
        ("netvisor.fetch_payments",),
        timedelta(hours=1),
    ),
)


serial_key = imported(f"{PACKAGE}.connection:serial_key")


def job_lock(context: FlowContext) -> str:
    """Netvisor takes one request at a time per company, whichever connection or machine."""
    key: str = serial_key(context, context.options_as("netvisor", NetvisorOptions))
    return key


CONNECTOR = Connector(
    kind="netvisor",
    title="Netvisor",
    options_model=NetvisorOptions,
    secrets_model=NetvisorSecrets,
    base_urls=BASE_URLS,
    default_environment="test",
    test_connection=imported(f"{PACKAGE}.connection:test_connection"),
    flows={flow.name: flow for flow in FLOWS},
    schedules=SCHEDULES,
    job_lock=job_lock,
    commands="tilisilta.cli.netvisor:netvisor_app",
)
