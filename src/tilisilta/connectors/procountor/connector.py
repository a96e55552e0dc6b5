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
    flow_at,
    imported,
    send_unsent,
    sent_result,
)
from tilisilta.connectors.procountor.options import BASE_URLS, ProcountorOptions, ProcountorSecrets

PACKAGE = "tilisilta.connectors.procountor.flows"  # its flows, imported when run (``imported``)


class RegisterParams(BaseModel):
    """Whether to bind what matches (False: only report what would be bound)."""

    model_config = ConfigDict(extra="forbid")
    bind: bool = True


FLOWS = (
    FlowSpec(
        "procountor.send_invoices",
        "send sales invoices and credit notes, exactly once",
        flow_at(f"{PACKAGE}.invoices:send_invoices", sent_result),
        SendParams,
        writes=True,
    ),
    FlowSpec(
        "procountor.fetch_payments",
        "fetch the payments of sent invoices",
        flow_at(f"{PACKAGE}.payments:fetch_payments"),
        Selection,
    ),
    FlowSpec(
        "procountor.fetch_vat_settings",
        "fetch the company's VAT rates and statuses",
        flow_at(f"{PACKAGE}.vat_settings:fetch_vat_settings"),
    ),
    FlowSpec(
        "procountor.fetch_customers",
        "fetch and match Procountor's customers",
        flow_at(f"{PACKAGE}.registers:fetch_customers"),
        RegisterParams,
    ),
    FlowSpec(
        "procountor.fetch_products",
        "fetch and match Procountor's products",
        flow_at(f"{PACKAGE}.registers:fetch_products"),
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
    test_connection=imported(f"{PACKAGE}.connection:test_connection"),
    flows={flow.name: flow for flow in FLOWS},
    schedules=SCHEDULES,
    commands="tilisilta.cli.registers:procountor_app",
)
