"""Whose books an Odoo connection writes into: the mapped Odoo company must have the hub
company's business ID (in its company registry, or as its Finnish VAT number)."""

from __future__ import annotations

from tilisilta.connectors.common import books_mismatch
from tilisilta.connectors.odoo.client import OdooClient
from tilisilta.connectors.odoo.flows.connection import company_context
from tilisilta.connectors.odoo.mapping.records import business_id_from, text
from tilisilta.connectors.odoo.options import OdooOptions
from tilisilta.ledger.deliverer import RunAborted

WRONG_COMPANY = "Map the connection to the Odoo company that keeps these books."


def prove_books(client: OdooClient, options: OdooOptions, business_id: str) -> None:
    """Raise :class:`RunAborted` unless the connection's Odoo company is the hub company."""
    company = options.odoo_company_id
    remote = client.read(
        "res.company",
        [company],
        ["name", "vat", "company_registry"],
        context=company_context(options),
    )[0]
    remote_id = business_id_from(text(remote.get("company_registry")), text(remote.get("vat")))
    mismatch = books_mismatch(
        "Odoo", f"{remote.get('name')} (id {company})", remote_id, business_id, WRONG_COMPANY
    )
    if mismatch:
        raise RunAborted(mismatch)
