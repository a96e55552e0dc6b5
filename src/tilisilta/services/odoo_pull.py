"""``odoo.pull``: everything that changed in Odoo, in the order the hub needs it.

Customers, then products (invoices refer to both), then posted invoices and credit notes, then
the check that the invoices read before are still posted there. A step that stops ends the
pull; what the earlier steps stored stays, and the next pull carries on from there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tilisilta.connectors.base import FlowContext, require_kind_of
from tilisilta.connectors.odoo.invoices import PullReport, pull_invoices
from tilisilta.connectors.odoo.reconcile import ReconcileReport, reconcile_invoices
from tilisilta.connectors.odoo.registers import RegisterPull, pull_partners, pull_products


@dataclass
class OdooPull:
    customers: RegisterPull | None = None
    products: RegisterPull | None = None
    invoices: PullReport | None = None
    posted: ReconcileReport | None = None

    @property
    def aborted(self) -> str | None:
        for step in (self.customers, self.products, self.invoices, self.posted):
            if step is not None and step.aborted:
                return step.aborted
        return None


def pull(
    context: FlowContext,
    *,
    registers: bool = True,
    on_page: Callable[[int], None] | None = None,
    on_step: Callable[[str, object], None] | None = None,
) -> OdooPull:
    """Run the pull's steps in order; ``on_step(name, report)`` after each, for progress."""
    require_kind_of(context, "odoo", "pull from Odoo")
    args = (context.store, context.box, context.clock, context.connection_name)
    result = OdooPull()

    def done(name: str, report: object) -> bool:
        if on_step is not None:
            on_step(name, report)
        return result.aborted is None

    if registers:
        result.customers = pull_partners(*args, transport=context.transport)
        if not done("customers", result.customers):
            return result
        result.products = pull_products(*args, transport=context.transport)
        if not done("products", result.products):
            return result
    result.invoices = pull_invoices(*args, transport=context.transport, on_page=on_page)
    if not done("invoices", result.invoices):
        return result
    result.posted = reconcile_invoices(*args, transport=context.transport)
    done("posted", result.posted)
    return result
