"""Odoo flow: the company's sales taxes, fiscal positions and units, and how the hub reads them.

Read whole each time (they are few); shown before anything is pulled so that a person maps what
the hub cannot tell by itself, instead of meeting it as a data issue on the first invoice.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tilisilta.connectors.base import FlowContext
from tilisilta.connectors.odoo.flows.connection import company_context, open_client
from tilisilta.connectors.odoo.flows.invoices import read_catalog
from tilisilta.connectors.odoo.flows.units import UnitReader
from tilisilta.connectors.odoo.mapping.records import m2o_name, tax_treatment
from tilisilta.connectors.odoo.mapping.units import rec20_code


@dataclass(frozen=True)
class SetupLine:
    odoo_id: int
    name: str
    detail: str  # rate, country, a unit's category and ratio, …
    reads_as: str | None  # the hub's treatment or unit code; None when it cannot tell


@dataclass
class OdooSetup:
    taxes: list[SetupLine] = field(default_factory=list)
    fiscal_positions: list[SetupLine] = field(default_factory=list)
    units: list[SetupLine] = field(default_factory=list)

    @property
    def unmapped(self) -> list[SetupLine]:
        return [line for line in self.taxes + self.units if line.reads_as is None]


def read_setup(context: FlowContext) -> OdooSetup:
    """Raises RemoteError when Odoo cannot be read (the caller says it in plain words)."""
    client, options = open_client(context)
    odoo_context = company_context(options)
    setup = OdooSetup()
    try:
        catalog = read_catalog(client, options)
        for tax_id, tax in sorted(catalog.taxes.items()):
            try:
                reads_as: str | None = tax_treatment(tax, catalog.tax_treatments).value
            except ValueError:
                reads_as = None
            setup.taxes.append(
                SetupLine(tax_id, str(tax.get("name")), f"{tax.get('amount')} %", reads_as)
            )
        positions = client.search_read(
            "account.fiscal.position",
            [("company_id", "=", options.odoo_company_id)],
            client.available("account.fiscal.position", ("name", "auto_apply", "country_id")),
            context=odoo_context,
        )
        for position in positions:
            where = m2o_name(position.get("country_id")) or "any country"
            auto = "applied automatically" if position.get("auto_apply") else "set by hand"
            setup.fiscal_positions.append(
                SetupLine(int(position["id"]), str(position["name"]), f"{where}, {auto}", None)
            )
        for unit_id, unit in UnitReader(client, odoo_context).read_all().items():
            code = options.units.get(unit.name) or rec20_code(unit)
            setup.units.append(SetupLine(unit_id, unit.name, unit.says, code))
    finally:
        client.close()
    return setup
