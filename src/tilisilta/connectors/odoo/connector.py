"""Odoo as the hub's generic parts see it: settings, environments and flows by name."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict

from tilisilta.connectors.base import (
    Connector,
    FlowResult,
    FlowSpec,
    ScheduleSpec,
    flow_at,
    imported,
    result_of,
    sent_result,
)
from tilisilta.connectors.odoo.options import SANDBOX_URL, OdooOptions, OdooSecrets

if TYPE_CHECKING:
    from tilisilta.connectors.odoo.flows.payments import PushReport

PACKAGE = "tilisilta.connectors.odoo.flows"  # its flows, imported when run (``imported``)


def _pushed(report: PushReport) -> FlowResult:
    result = result_of(report.run)
    result.counts["not_from_odoo"] = len(report.not_from_odoo)
    result.detail = report
    return result


class PurchaseRefs(BaseModel):
    model_config = ConfigDict(extra="forbid")
    refs: list[str] | None = None  # e.g. "netvisor:123"; none: every one not yet booked


FLOWS = (
    FlowSpec(
        "odoo.pull_partners",
        "read changed customers",
        flow_at(f"{PACKAGE}.registers:pull_partners"),
    ),
    FlowSpec(
        "odoo.pull_products",
        "read changed products",
        flow_at(f"{PACKAGE}.registers:pull_products"),
    ),
    FlowSpec(
        "odoo.pull_invoices",
        "read changed posted invoices and credit notes",
        flow_at(f"{PACKAGE}.invoices:pull_invoices"),
    ),
    FlowSpec(
        "odoo.check_posted",
        "check that the invoices read before are still posted",
        flow_at(f"{PACKAGE}.reconcile:reconcile_invoices"),
    ),
    FlowSpec(
        "odoo.push_payments",
        "register the payments the hub received on their invoices",
        flow_at(f"{PACKAGE}.payments:push_payments", _pushed),
        writes=True,
    ),
    FlowSpec(
        "odoo.push_purchase_invoices",
        "book the fetched purchase invoices as vendor bills, with their files, exactly once",
        flow_at(f"{PACKAGE}.purchases:push_purchase_invoices", sent_result),
        PurchaseRefs,
        writes=True,
    ),
)

# A pull reads what changed, in the order the hub needs it: customers and products first
# (invoices refer to them), then invoices, then the check that those read before are still posted.
PULL = ("odoo.pull_partners", "odoo.pull_products", "odoo.pull_invoices", "odoo.check_posted")

SCHEDULES = (
    ScheduleSpec("pull", "read what changed in Odoo", PULL, timedelta(minutes=15)),
    ScheduleSpec(
        "push_payments",
        "register the payments the hub received on their invoices",
        ("odoo.push_payments",),
        timedelta(minutes=15),
    ),
    ScheduleSpec(
        "push_purchase_invoices",
        "book fetched purchase invoices as vendor bills",
        ("odoo.push_purchase_invoices",),
        timedelta(hours=1),
    ),
)

CONNECTOR = Connector(
    kind="odoo",
    title="Odoo",
    options_model=OdooOptions,
    secrets_model=OdooSecrets,
    base_urls={"sandbox": SANDBOX_URL},
    default_environment="production",
    test_connection=imported(f"{PACKAGE}.connection:test_connection"),
    flows={flow.name: flow for flow in FLOWS},
    schedules=SCHEDULES,
    commands="tilisilta.cli.odoo:odoo_app",
)
