"""Procountor as the hub's generic parts see it: settings, environments and flows by name."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from tilisilta.connectors.base import Connector, FlowContext, FlowResult, FlowSpec, result_of
from tilisilta.connectors.common import ConnectionCheck
from tilisilta.connectors.procountor.flows.connection import test_connection
from tilisilta.connectors.procountor.flows.invoices import send_invoices
from tilisilta.connectors.procountor.flows.payments import fetch_payments
from tilisilta.connectors.procountor.flows.registers import fetch_customers, fetch_products
from tilisilta.connectors.procountor.flows.vat_settings import fetch_vat_settings
from tilisilta.connectors.procountor.options import BASE_URLS, ProcountorOptions, ProcountorSecrets


class Selection(BaseModel):
    """Which invoices: the numbers given, or (with none) every one not yet done."""

    model_config = ConfigDict(extra="forbid")
    numbers: list[str] | None = None


class SendParams(Selection):
    workers: int = Field(default=4, ge=1, le=16)  # invoices sent at once


def _test(ctx: FlowContext) -> ConnectionCheck:
    return test_connection(
        ctx.store, ctx.box, ctx.clock, ctx.connection_name, transport=ctx.transport
    )


def _send_invoices(ctx: FlowContext, params: SendParams) -> FlowResult:
    summary = send_invoices(
        ctx.store,
        ctx.box,
        ctx.clock,
        ctx.settings,
        connection_name=ctx.connection_name,
        numbers=params.numbers,
        all_unsent=not params.numbers,
        transport=ctx.transport,
        workers=params.workers,
        on_planned=ctx.planned,
        on_done=lambda _exchange, _state: ctx.advanced(),
    )
    result = result_of(summary)
    result.counts.update({state: summary.count(state) for state in ("sent", "data_issue")})
    return result


def _fetch_payments(ctx: FlowContext, params: Selection) -> FlowResult:
    return result_of(
        fetch_payments(
            ctx.store,
            ctx.box,
            ctx.clock,
            ctx.settings,
            connection_name=ctx.connection_name,
            numbers=params.numbers,
            transport=ctx.transport,
        )
    )


def _fetch_vat_settings(ctx: FlowContext, _params: BaseModel) -> FlowResult:
    fetched = fetch_vat_settings(
        ctx.store, ctx.box, ctx.clock, ctx.connection_name, transport=ctx.transport
    )
    return result_of(fetched)


def _fetch_customers(ctx: FlowContext, _params: BaseModel) -> FlowResult:
    return result_of(
        fetch_customers(
            ctx.store,
            ctx.box,
            ctx.clock,
            connection_name=ctx.connection_name,
            transport=ctx.transport,
        )
    )


def _fetch_products(ctx: FlowContext, _params: BaseModel) -> FlowResult:
    return result_of(
        fetch_products(
            ctx.store,
            ctx.box,
            ctx.clock,
            connection_name=ctx.connection_name,
            transport=ctx.transport,
        )
    )


FLOWS = (
    FlowSpec(
        "procountor.send_invoices",
        "send sales invoices and credit notes, exactly once",
        _send_invoices,
        SendParams,
        writes=True,
    ),
    FlowSpec(
        "procountor.fetch_payments",
        "fetch the payments of sent invoices",
        _fetch_payments,
        Selection,
    ),
    FlowSpec(
        "procountor.fetch_vat_settings",
        "fetch the company's VAT rates and statuses",
        _fetch_vat_settings,
    ),
    FlowSpec(
        "procountor.fetch_customers",
        "fetch and match Procountor's customers",
        _fetch_customers,
    ),
    FlowSpec(
        "procountor.fetch_products",
        "fetch and match Procountor's products",
        _fetch_products,
    ),
)

CONNECTOR = Connector(
    kind="procountor",
    title="Procountor",
    options_model=ProcountorOptions,
    secrets_model=ProcountorSecrets,
    base_urls=BASE_URLS,
    default_environment="test",
    test_connection=_test,
    flows={flow.name: flow for flow in FLOWS},
    commands="tilisilta.cli.registers:procountor_app",
)
