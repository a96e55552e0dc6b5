"""Odoo vendors for purchase invoices: found by business ID, else by reference (the vendor's
code), else by exact name, and created when none matches.

Only companies (no parent) of the connection's Odoo company, or shared, and active ones are
looked at; a candidate whose business ID or VAT number is another company's is never taken
because its code or name matches. A run remembers each vendor it found or created, so one
vendor is not created twice; a later run (or the next attempt after a lost answer) finds the
one created before by the same rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tilisilta.connectors.odoo.client import OdooClient
from tilisilta.connectors.odoo.flows.connection import company_context
from tilisilta.connectors.odoo.mapping.bills import identifiers, vendor_values
from tilisilta.connectors.odoo.mapping.records import business_id_from, text
from tilisilta.connectors.odoo.options import OdooOptions
from tilisilta.domain.documents import Party

PARTNER = "res.partner"
FIELDS = ["name", "vat", "company_registry", "ref"]


@dataclass(frozen=True)
class Vendor:
    id: int
    name: str
    how: str  # how it was found (or that it was created), for the exchange's note


class Vendors:
    def __init__(self, client: OdooClient, options: OdooOptions) -> None:
        self.client = client
        self.company_id = options.odoo_company_id
        self.context = company_context(options)
        self._known: dict[tuple[str | None, str | None, str], Vendor] = {}
        self._countries: dict[str, int | None] = {}

    def vendor_for(self, party: Party) -> Vendor:
        key = (party.business_id, party.customer_number, party.name)
        if key not in self._known:
            self._known[key] = self._find(party) or self._create(party)
        return self._known[key]

    # -- finding --------------------------------------------------------------------------
    def _find(self, party: Party) -> Vendor | None:
        registry, vat = identifiers(party)
        wanted = _keys(registry, vat)
        if wanted:
            compact = {key.replace("-", "") for key in wanted}
            rows = self._search(
                [
                    "|",
                    ("company_registry", "in", sorted(wanted | compact)),
                    ("vat", "in", sorted(wanted)),
                ]
            )
            for row in rows:
                if wanted & _keys_of(row):
                    return _found(row, f"found by business ID {registry or vat}")
        if party.customer_number:
            match = _first_compatible(self._search([("ref", "=", party.customer_number)]), wanted)
            if match is not None:
                return _found(match, f"found by its code {party.customer_number}")
        match = _first_compatible(self._search([("name", "=", party.name)]), wanted)
        return _found(match, "found by its name") if match is not None else None

    def _search(self, condition: list[Any]) -> list[dict[str, Any]]:
        domain: list[Any] = [
            ("parent_id", "=", False),
            ("active", "=", True),
            "|",
            ("company_id", "=", False),
            ("company_id", "=", self.company_id),
            *condition,
        ]
        return self.client.search_read(
            PARTNER, domain, FIELDS, context=self.context, order="supplier_rank desc, id asc"
        )

    # -- creating -------------------------------------------------------------------------
    def _create(self, party: Party) -> Vendor:
        values = vendor_values(
            party, company_id=self.company_id, country_id=self._country(party.address.country)
        )
        created = self.client.call(PARTNER, "create", vals_list=[values], context=self.context)
        partner_id = int(created[0] if isinstance(created, list) else created)
        return Vendor(partner_id, party.name, "created")

    def _country(self, code: str) -> int | None:
        if code not in self._countries:
            rows = self.client.search_read(
                "res.country", [("code", "=", code.upper())], ["id"], context=self.context, limit=1
            )
            self._countries[code] = int(rows[0]["id"]) if rows else None
        return self._countries[code]


def _keys(registry: str | None, vat: str | None) -> set[str]:
    """The identifiers a vendor is known by: its business ID (printed form) and VAT number."""
    keys = {key.strip().upper() for key in (registry, vat) if key and key.strip()}
    finnish = business_id_from(registry, vat)
    if finnish:
        keys.add(finnish)
    return keys


def _keys_of(row: Mapping[str, Any]) -> set[str]:
    return _keys(text(row.get("company_registry")), text(row.get("vat")))


def _first_compatible(rows: list[dict[str, Any]], wanted: set[str]) -> dict[str, Any] | None:
    """The first row that is not known as another company (by business ID or VAT number)."""
    for row in rows:
        theirs = _keys_of(row)
        if not wanted or not theirs or wanted & theirs:
            return row
    return None


def _found(row: Mapping[str, Any], how: str) -> Vendor:
    return Vendor(int(row["id"]), text(row.get("name")) or f"partner {row['id']}", how)
