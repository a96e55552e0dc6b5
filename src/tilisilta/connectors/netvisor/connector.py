"""Netvisor as the hub's generic parts see it: settings, environments and flows by name."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict

from tilisilta.connectors.base import (
    Connector,
    FlowSpec,
    Selection,
    SendParams,
    reporting,
    sent_result,
)
from tilisilta.connectors.netvisor.flows.connection import test_connection
from tilisilta.connectors.netvisor.flows.invoices import send_invoices
from tilisilta.connectors.netvisor.flows.payments import fetch_payments
from tilisilta.connectors.netvisor.flows.products import send_products
from tilisilta.connectors.netvisor.flows.purchases import fetch_purchase_invoices
from tilisilta.connectors.netvisor.options import BASE_URLS, NetvisorOptions, NetvisorSecrets


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
        reporting(send_invoices, sent_result),
        SendParams,
        writes=True,
    ),
    FlowSpec(
        "netvisor.send_products",
        "send selected products",
        reporting(send_products),
        ProductParams,
        writes=True,
    ),
    FlowSpec(
        "netvisor.fetch_purchase_invoices",
        "fetch purchase invoices, with their attachments",
        reporting(fetch_purchase_invoices),
        PurchaseParams,
    ),
    FlowSpec(
        "netvisor.fetch_payments",
        "fetch the payments of sent invoices",
        reporting(fetch_payments),
        PaymentParams,
    ),
)

CONNECTOR = Connector(
    kind="netvisor",
    title="Netvisor",
    options_model=NetvisorOptions,
    secrets_model=NetvisorSecrets,
    base_urls=BASE_URLS,
    default_environment="test",
    test_connection=test_connection,
    flows={flow.name: flow for flow in FLOWS},
    commands="tilisilta.cli.netvisor:netvisor_app",
)
