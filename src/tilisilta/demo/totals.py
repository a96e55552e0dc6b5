"""The demo's last check: every sent invoice totals the same, to the cent, in Odoo, in the hub
and in Procountor."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from tilisilta.store.documents import INVOICE, load_invoice
from tilisilta.store.engine import Store
from tilisilta.store.models import Document


@dataclass
class TotalsCheck:
    compared: int = 0
    disagreeing: list[str] = field(default_factory=list)  # one line per invoice that differs


def compare_totals(
    erp: Mapping[str, Decimal], hub: Mapping[str, Decimal], remote: Mapping[str, Decimal]
) -> TotalsCheck:
    """Compare the invoices all three hold (the sent ones); credit notes count negative."""
    check = TotalsCheck()
    for number in sorted(set(erp) & set(hub) & set(remote)):
        check.compared += 1
        figures = (erp[number], hub[number], remote[number])
        if len(set(figures)) > 1:
            check.disagreeing.append(
                f"{number}: Odoo {figures[0]:.2f}, hub {figures[1]:.2f}, "
                f"Procountor {figures[2]:.2f}"
            )
    return check


def odoo_totals(moves: Iterable[Mapping[str, Any]]) -> dict[str, Decimal]:
    """Number → signed total of Odoo ``account.move`` records read with name, move_type and
    amount_total."""
    return {
        str(m["name"]): Decimal(str(m["amount_total"]))
        * (-1 if m["move_type"] == "out_refund" else 1)
        for m in moves
    }


def hub_totals(store: Store, company_id: int) -> dict[str, Decimal]:
    with store.session() as session:
        documents = session.scalars(
            select(Document).where(Document.company_id == company_id, Document.kind == INVOICE)
        )
        return {doc.ref: load_invoice(doc).total for doc in documents}


def procountor_totals(invoices: Iterable[Mapping[str, Any]]) -> dict[str, Decimal]:
    """Our number → the total Procountor computed (``invoiceSumInfo``, invoice currency)."""
    totals: dict[str, Decimal] = {}
    for inv in invoices:
        currency = inv["paymentInfo"]["currency"]
        for entry in inv.get("invoiceSumInfo") or []:
            if entry["currency"] == currency:
                totals[str(inv.get("originalInvoiceNumber"))] = Decimal(
                    str(entry["invoiceSumTotal"])
                )
    return totals
