"""``odoo.pull``: everything that changed in Odoo, in the order the hub needs it.

Customers, then products (invoices refer to both), then posted invoices and credit notes, then
the check that the invoices read before are still posted there. A step that stops ends the
pull; what the earlier steps stored stays, and the next pull carries on from there. Each step
is a flow run by name, so this works over any transport the context carries.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from tilisilta.connectors.base import FlowContext, FlowResult, require_kind_of
from tilisilta.connectors.odoo.connector import PULL
from tilisilta.connectors.registry import run_flow

# The report's name of each step of the Odoo connector's pull, in its order.
STEPS = tuple(zip(("customers", "products", "invoices", "posted"), PULL, strict=True))


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
    steps = [
        (name, lambda flow=flow: run_flow(context, flow))
        for name, flow in STEPS
        if registers or name not in ("customers", "products")
    ]
    run_steps(result, steps, on_step)
    return result


def run_steps(
    into: object,
    steps: Iterable[tuple[str, Callable[[], FlowResult]]],
    on_step: Callable[[str, FlowResult], None] | None,
) -> None:
    """Run each step, keep its result as the attribute of ``into`` named by it, report it, and
    stop at the first that stopped its run."""
    for name, run in steps:
        result = run()
        setattr(into, name, result)
        if on_step is not None:
            on_step(name, result)
        if result.aborted:
            return
