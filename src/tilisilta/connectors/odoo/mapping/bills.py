"""Canonical purchase invoices → Odoo vendor bills (and their vendors). Pure: the flow reads the
Odoo company's journal, taxes, currencies and accounts once; this says what a bill holds.

A negative total makes a vendor credit note (``in_refund``) with the amounts turned positive, as
Odoo keeps them. Each purchase line becomes one bill line whose net is the canonical net to the
cent: the quantity and a unit price of at most two decimals (Odoo's default precision for both)
when they give that net exactly, else quantity 1 at the net, the original figures kept in the
label.
"""

from __future__ import annotations

import base64
import binascii
import html
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from tilisilta.domain.documents import Party, PurchaseInvoice, PurchaseLine
from tilisilta.domain.identifiers import (
    business_id_error,
    normalize_business_id,
    vat_number_for_business_id,
)
from tilisilta.domain.validation import Problem

BILL, REFUND = "in_invoice", "in_refund"
CENT = Decimal("0.01")
RATE = Decimal("0.0001")


def marker(ref: str) -> str:
    """What the bill's Source Document (``invoice_origin``) says, so it can be found again."""
    return f"Tilisilta {ref}"


def rate_key(rate: Decimal | float | str) -> Decimal:
    """A VAT rate as a key: 24, 24.0 and 24.00 are one rate."""
    return Decimal(str(rate)).quantize(RATE)


@dataclass(frozen=True)
class PurchaseTax:
    id: int
    name: str


@dataclass(frozen=True)
class BillSetup:
    """What the Odoo company offers the bills, read once per run."""

    company_id: int
    journal_id: int
    taxes: Mapping[Decimal, PurchaseTax]  # rate_key(rate) → the purchase tax used for it
    currencies: Mapping[str, int]  # active currencies, ISO code → id
    accounts: Mapping[str, int] = field(default_factory=dict)  # account code → id


def sign_of(invoice: PurchaseInvoice) -> int:
    return -1 if invoice.total < 0 else 1


def bill_type(invoice: PurchaseInvoice) -> str:
    return REFUND if invoice.total < 0 else BILL


def label(invoice: PurchaseInvoice) -> str:
    noun = "Purchase credit note" if invoice.total < 0 else "Purchase invoice"
    return f"{noun} {invoice.number or invoice.source_id} from {invoice.vendor.name}"


def problems(invoice: PurchaseInvoice, setup: BillSetup) -> list[Problem]:
    """What stops this invoice before anything is written into Odoo."""
    found: list[Problem] = []
    document = label(invoice)

    def problem(where: str, value: str | None, message: str, how: str, rule: str) -> None:
        found.append(
            Problem(
                document=document, field=where, value=value, message=message, fix=how, rule=rule
            )
        )

    if not invoice.lines:
        problem(
            "lines",
            None,
            "it has no lines, so its VAT cannot be booked.",
            "book it by hand in Odoo, then ignore this exchange.",
            "odoo.bill_lines",
        )
    if invoice.currency not in setup.currencies:
        problem(
            "currency",
            invoice.currency,
            f"the currency is not active in Odoo company {setup.company_id}.",
            "activate it in Odoo (Accounting → Configuration → Currencies), then retry this "
            "exchange.",
            "odoo.currency",
        )
    for position, line in enumerate(invoice.lines, start=1):
        if rate_key(line.vat_rate) not in setup.taxes:
            problem(
                f"lines[{position}].vat_rate",
                f"{line.vat_rate:g}",
                f"Odoo company {setup.company_id} has no purchase tax of {line.vat_rate:g} % "
                f"(line {position}, {line.description or line.product_code or 'no description'}).",
                f"create a {line.vat_rate:g} % purchase tax (percentage, not included in price) in "
                "Odoo, then retry this exchange.",
                "odoo.purchase_tax",
            )
    for position, copy in enumerate(invoice.attachments, start=1):
        try:
            base64.b64decode(copy.content_base64, validate=True)
        except (binascii.Error, ValueError):
            problem(
                f"attachments[{position}]",
                copy.name,
                "the file's content is not valid base64.",
                "fetch the purchase invoice again from the accounting system.",
                "odoo.attachment",
            )
    return found


def priced(line: PurchaseLine, sign: int, position: int) -> tuple[Decimal, Decimal, str]:
    """(quantity, unit price, label) of the bill line whose net is the line's net."""
    net = sign * line.net_amount
    name = line.description or line.product_code or f"Row {position}"
    quantity = abs(line.quantity)
    if net == 0:
        return quantity or Decimal(1), Decimal(0), name
    if quantity and quantity == quantity.quantize(CENT):
        unit = net / quantity
        if unit == unit.quantize(CENT):
            return quantity, unit.quantize(CENT), name
    # Odoo would round a longer unit price and miss the net: book the net, keep the figures.
    price = f" × {line.unit_price:f}" if line.unit_price is not None else ""
    return Decimal(1), net, f"{name} ({line.quantity:f}{price})"


def line_values(line: PurchaseLine, sign: int, position: int, setup: BillSetup) -> dict[str, Any]:
    quantity, unit, name = priced(line, sign, position)
    values: dict[str, Any] = {
        "name": name,
        "quantity": float(quantity),
        "price_unit": float(unit),
        "tax_ids": [(6, 0, [setup.taxes[rate_key(line.vat_rate)].id])],
    }
    account = setup.accounts.get(line.account or "")
    if account is not None:
        values["account_id"] = account  # the accounting suggestion; else the journal's default
    return values


def bill_values(
    invoice: PurchaseInvoice, *, ref: str, vendor_id: int, setup: BillSetup
) -> dict[str, Any]:
    """The ``account.move`` to create for the purchase invoice stored under ``ref``."""
    sign = sign_of(invoice)
    values: dict[str, Any] = {
        "move_type": bill_type(invoice),
        "partner_id": vendor_id,
        "journal_id": setup.journal_id,
        "currency_id": setup.currencies[invoice.currency],
        "invoice_date": invoice.invoice_date.isoformat(),
        "ref": invoice.number or False,
        "payment_reference": invoice.payment_reference or False,
        "invoice_origin": marker(ref),
        "invoice_line_ids": [
            (0, 0, line_values(line, sign, position, setup))
            for position, line in enumerate(invoice.lines, start=1)
        ],
    }
    if invoice.due_date is not None:
        # The vendor's due date stands: no payment term to recompute it from the vendor's.
        values["invoice_date_due"] = invoice.due_date.isoformat()
        values["invoice_payment_term_id"] = False
    if invoice.description:
        values["narration"] = f"<p>{html.escape(invoice.description)}</p>"
    return values


def business_id_of(party: Party) -> str | None:
    """The vendor's Finnish business ID, normalised; None when it has no valid one."""
    if party.business_id and business_id_error(party.business_id) is None:
        return normalize_business_id(party.business_id)
    return None


def identifiers(party: Party) -> tuple[str | None, str | None]:
    """(company registry, VAT number) as Odoo keeps them for this vendor: a Finnish business ID
    gives both; a foreign identifier that looks like a VAT number is the VAT, else the
    registry."""
    finnish = business_id_of(party)
    if finnish:
        return finnish, party.vat_number or vat_number_for_business_id(finnish)
    raw = (party.business_id or "").strip() or None
    if raw and raw[:2].isalpha() and raw[2:].replace(" ", "").isalnum():
        return None, party.vat_number or raw.replace(" ", "").upper()
    return raw, party.vat_number


def vendor_values(party: Party, *, company_id: int, country_id: int | None) -> dict[str, Any]:
    """A new vendor (a company of the connection's Odoo company) for this party."""
    registry, vat = identifiers(party)
    address = party.address
    values: dict[str, Any] = {
        "name": party.name,
        "is_company": True,
        "supplier_rank": 1,
        "company_id": company_id,
        "company_registry": registry or False,
        "vat": vat or False,
        "ref": party.customer_number or False,
        "street": address.street or False,
        "zip": address.postal_code or False,
        "city": address.city or False,
        "email": party.email or False,
    }
    if country_id is not None:
        values["country_id"] = country_id
    return values
