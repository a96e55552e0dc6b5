"""``odoo.cycle``: one round of the ERP ↔ books cycle, the job the seeds' scheduled actions do.

Pull what changed in Odoo, send what is unsent to the books (Procountor, or any kind with a
``send_invoices`` flow), fetch the payments the books recorded, and register them in Odoo. Each
step is a flow run by name; a step that stops the run (credentials, the wrong books) ends the
round, and the next round carries on. Running it again changes nothing that did not change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tilisilta.connectors.base import FlowContext, FlowResult, require_kind_of
from tilisilta.connectors.registry import flow_for, run_flow
from tilisilta.services.odoo_pull import OdooPull, pull, run_steps


@dataclass
class Cycle:
    pulled: OdooPull
    sent: FlowResult | None = None
    paid: FlowResult | None = None
    written_back: FlowResult | None = None

    @property
    def aborted(self) -> str | None:
        if self.pulled.aborted:
            return self.pulled.aborted
        for step in (self.sent, self.paid, self.written_back):
            if step is not None and step.aborted:
                return step.aborted
        return None


def odoo_cycle(
    erp: FlowContext,
    books: FlowContext,
    *,
    on_step: Callable[[str, FlowResult], None] | None = None,
) -> Cycle:
    """Raises ValueError when the two connections serve different companies, WrongKind when
    ``erp`` is not Odoo or ``books`` cannot take invoices and give payments."""
    require_kind_of(erp, "odoo", "be the ERP of the cycle")
    if erp.company_id != books.company_id:
        raise ValueError(
            f"connections {erp.connection_name} and {books.connection_name} serve different "
            f"companies ({erp.company_name}, {books.company_name}): a cycle runs within one"
        )
    send = flow_for(books, "send_invoices", "take invoices")
    fetch = flow_for(books, "fetch_payments", "give payments")
    cycle = Cycle(pulled=pull(erp, on_step=on_step))
    if cycle.aborted:
        return cycle
    steps: tuple[tuple[str, Callable[[], FlowResult]], ...] = (
        ("sent", lambda: send(books)),
        ("paid", lambda: fetch(books)),
        ("written_back", lambda: run_flow(erp, "odoo.push_payments")),
    )
    run_steps(cycle, steps, on_step)
    return cycle
