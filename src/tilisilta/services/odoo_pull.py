"""``odoo.pull``: everything that changed in Odoo, in the order the hub needs it.

Customers, then products (invoices refer to both), then posted invoices and credit notes, then
the check that the invoices read before are still posted there. A step that stops ends the
pull; what the earlier steps stored stays, and the next pull carries on from there. Each step
is a flow run by name, so this works over any transport the context carries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tilisilta.connectors.base import FlowContext, FlowResult, require_kind_of
from tilisilta.connectors.registry import run_flow

STEPS = (
    ("customers", "odoo.pull_partners"),
    ("products", "odoo.pull_products"),
    ("invoices", "odoo.pull_invoices"),
    ("posted", "odoo.check_posted"),
)


@dataclass
class OdooPull:
    """Each step's result (its ``detail`` is the flow's own report), None if it did not run."""

    customers: FlowResult | None = None
    products: FlowResult | None = None
    invoices: FlowResult | None = None
    posted: FlowResult | None = None

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
    on_step: Callable[[str, FlowResult], None] | None = None,
) -> OdooPull:
    """Run the pull's steps in order; ``on_step(name, result)`` after each, for progress.
    Pages of invoices are reported to the context's progress as they are read."""
    require_kind_of(context, "odoo", "pull from Odoo")
    result = OdooPull()
    for name, flow in STEPS:
        if not registers and name in ("customers", "products"):
            continue
        step = run_flow(context, flow)
        setattr(result, name, step)
        if on_step is not None:
            on_step(name, step)
        if step.aborted:
            break
    return result
