"""Odoo as the hub's generic parts see it: settings, environments and flows by name."""

from __future__ import annotations

from pydantic import BaseModel

from tilisilta.connectors.base import Connector, FlowContext, FlowResult, FlowSpec, result_of
from tilisilta.connectors.common import ConnectionCheck
from tilisilta.connectors.odoo.flows.connection import test_connection
from tilisilta.connectors.odoo.flows.invoices import pull_invoices
from tilisilta.connectors.odoo.flows.payments import push_payments
from tilisilta.connectors.odoo.flows.reconcile import reconcile_invoices
from tilisilta.connectors.odoo.flows.registers import pull_partners, pull_products
from tilisilta.connectors.odoo.options import SANDBOX_URL, OdooOptions, OdooSecrets


def _test(ctx: FlowContext) -> ConnectionCheck:
    return test_connection(
        ctx.store, ctx.box, ctx.clock, ctx.connection_name, transport=ctx.transport
    )


def _pull_partners(ctx: FlowContext, _params: BaseModel) -> FlowResult:
    return result_of(
        pull_partners(ctx.store, ctx.box, ctx.clock, ctx.connection_name, transport=ctx.transport)
    )


def _pull_products(ctx: FlowContext, _params: BaseModel) -> FlowResult:
    return result_of(
        pull_products(ctx.store, ctx.box, ctx.clock, ctx.connection_name, transport=ctx.transport)
    )


def _pull_invoices(ctx: FlowContext, _params: BaseModel) -> FlowResult:
    return result_of(
        pull_invoices(
            ctx.store,
            ctx.box,
            ctx.clock,
            ctx.connection_name,
            transport=ctx.transport,
            on_page=ctx.advanced,
        )
    )


def _check_posted(ctx: FlowContext, _params: BaseModel) -> FlowResult:
    return result_of(
        reconcile_invoices(
            ctx.store, ctx.box, ctx.clock, ctx.connection_name, transport=ctx.transport
        )
    )


def _push_payments(ctx: FlowContext, _params: BaseModel) -> FlowResult:
    report = push_payments(
        ctx.store, ctx.box, ctx.clock, ctx.settings, ctx.connection_name, transport=ctx.transport
    )
    result = result_of(report.run)
    result.counts["not_from_odoo"] = len(report.not_from_odoo)
    result.detail = report
    return result


FLOWS = (
    FlowSpec("odoo.pull_partners", "read changed customers", _pull_partners),
    FlowSpec("odoo.pull_products", "read changed products", _pull_products),
    FlowSpec("odoo.pull_invoices", "read changed posted invoices and credit notes", _pull_invoices),
    FlowSpec(
        "odoo.check_posted",
        "check that the invoices read before are still posted",
        _check_posted,
    ),
    FlowSpec(
        "odoo.push_payments",
        "register the payments the hub received on their invoices",
        _push_payments,
        writes=True,
    ),
)

CONNECTOR = Connector(
    kind="odoo",
    title="Odoo",
    options_model=OdooOptions,
    secrets_model=OdooSecrets,
    base_urls={"sandbox": SANDBOX_URL},
    default_environment="production",
    test_connection=_test,
    flows={flow.name: flow for flow in FLOWS},
    commands="tilisilta.cli.odoo:odoo_app",
)
