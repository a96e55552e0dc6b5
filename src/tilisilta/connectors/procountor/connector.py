"""Procountor as the hub's generic parts see it: settings, environments and flows by name."""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel, ConfigDict

from tilisilta.connectors.base import (
    Connector,
    FlowSpec,
    ScheduleSpec,
    Selection,
    SendParams,
    reporting,
    send_unsent,
    sent_result,
)
from tilisilta.connectors.procountor.flows.connection import test_connection
from tilisilta.connectors.procountor.flows.invoices import send_invoices
from tilisilta.connectors.procountor.flows.payments import fetch_payments
from tilisilta.connectors.procountor.flows.registers import fetch_customers, fetch_products
from tilisilta.connectors.procountor.flows.vat_settings import fetch_vat_settings
from tilisilta.connectors.procountor.options import BASE_URLS, ProcountorOptions, ProcountorSecrets


class RegisterParams(BaseModel):
    """Whether to bind what matches (False: only report what would be bound)."""

    model_config = ConfigDict(extra="forbid")
    bind: bool = True


FLOWS = (
    FlowSpec(
        "procountor.send_invoices",
        "send sales invoices and credit notes, exactly once",
        reporting(send_invoices, sent_result),
        SendParams,
        writes=True,
    ),
    FlowSpec(
        "procountor.fetch_payments",
        "fetch the payments of sent invoices",
        reporting(fetch_payments),
        Selection,
    ),
    FlowSpec(
        "procountor.fetch_vat_settings",
        "fetch the company's VAT rates and statuses",
        reporting(fetch_vat_settings),
    ),
    FlowSpec(
        "procountor.fetch_customers",
        "fetch and match Procountor's customers",
        reporting(fetch_customers),
        RegisterParams,
    ),
    FlowSpec(
        "procountor.fetch_products",
        "fetch and match Procountor's products",
        reporting(fetch_products),
        RegisterParams,
    ),
)

# The seed's scheduled action (fetch payments), and sending what is unsent.
SCHEDULES = (
    send_unsent("procountor"),
    ScheduleSpec(
        "fetch_payments",
        "fetch the payments of sent invoices not yet paid",
        ("procountor.fetch_payments",),
        timedelta(hours=1),
    ),
)

CONNECTOR = Connector(
    kind="procountor",
    title="Procountor",
    options_model=ProcountorOptions,
    secrets_model=ProcountorSecrets,
    base_urls=BASE_URLS,
    default_environment="test",
    test_connection=test_connection,
    flows={flow.name: flow for flow in FLOWS},
    schedules=SCHEDULES,
    commands="tilisilta.cli.registers:procountor_app",
)
