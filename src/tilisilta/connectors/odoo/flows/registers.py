"""Odoo flows: pulling partners (customers) and products into the hub's registers.

The same incremental ``(write_date, id)`` reads as invoices. Only companies and people that are
customers (or invoiced) are taken; a product is keyed by its internal reference (default_code),
so one without a reference is counted and left out.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from tilisilta.connectors.base import FlowContext
from tilisilta.connectors.odoo.client import OdooClient
from tilisilta.connectors.odoo.client.errors import describe
from tilisilta.connectors.odoo.flows.connection import company_context, open_client
from tilisilta.connectors.odoo.flows.invoices import PARTNER_FIELDS
from tilisilta.connectors.odoo.flows.pulling import pull_changes
from tilisilta.connectors.odoo.flows.units import UnitReader
from tilisilta.connectors.odoo.mapping.records import decimal, m2o_id, m2o_name, text, to_party
from tilisilta.connectors.odoo.mapping.units import OdooUnit, rec20_code
from tilisilta.connectors.odoo.options import OdooOptions
from tilisilta.domain.documents import Document as Canonical
from tilisilta.domain.documents import Product
from tilisilta.http.errors import RemoteError
from tilisilta.store.documents import Upsert
from tilisilta.store.models import Document
from tilisilta.store.registers import upsert_party, upsert_product

PRODUCT_FIELDS = ("default_code", "name", "lst_price", "uom_id", "taxes_id", "active", "company_id")


@dataclass
class RegisterPull:
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    skipped: list[str] = field(default_factory=list)  # records left out, and why
    aborted: str | None = None


def pull_partners(context: FlowContext) -> RegisterPull:
    """Customer companies (commercial partners) changed since the last pull, as parties."""

    def read(client: OdooClient, options: OdooOptions) -> tuple[str, list[Any], list[str]]:
        domain: list[Any] = [
            ("parent_id", "=", False),
            ("customer_rank", ">", 0),
            ("active", "=", True),
            "|",
            ("company_id", "=", False),
            ("company_id", "=", options.odoo_company_id),
        ]
        return "res.partner", domain, client.available("res.partner", PARTNER_FIELDS)

    return _pull(context, read, lambda row, found: to_party(row, found.countries), upsert_party)


def pull_products(context: FlowContext) -> RegisterPull:
    """Saleable products changed since the last pull, keyed by their internal reference."""

    def read(client: OdooClient, options: OdooOptions) -> tuple[str, list[Any], list[str]]:
        domain: list[Any] = [
            ("sale_ok", "=", True),
            ("active", "=", True),
            "|",
            ("company_id", "=", False),
            ("company_id", "=", options.odoo_company_id),
        ]
        return "product.product", domain, client.available("product.product", PRODUCT_FIELDS)

    def keep(record: Mapping[str, Any], found: Lookups) -> Product:
        code = text(record.get("default_code"))
        if code is None:
            raise LookupError(
                f"product {record.get('name')!r} (Odoo id {record['id']}) has no internal "
                "reference: give it one in Odoo to have it in the hub"
            )
        unit_name = m2o_name(record.get("uom_id")) or "Units"
        unit = found.units.get(m2o_id(record.get("uom_id")) or 0) or OdooUnit(0, unit_name)
        return Product(
            code=code,
            name=text(record.get("name")) or code,
            unit=found.unit_map.get(unit_name) or rec20_code(unit) or "C62",
            unit_price=decimal(record.get("lst_price")),
        )

    return _pull(context, read, keep, upsert_product, unit_field="uom_id")


@dataclass(frozen=True)
class Lookups:
    """What the records of one page are mapped with."""

    countries: Mapping[int, str]  # id → ISO code
    units: Mapping[int, OdooUnit] = field(default_factory=dict)  # the page's units
    unit_map: Mapping[str, str] = field(default_factory=dict)  # the person's unit mapping


Reader = Callable[[OdooClient, OdooOptions], tuple[str, list[Any], list[str]]]
T = TypeVar("T", bound=Canonical)


def _pull(
    context: FlowContext,
    read: Reader,
    keep: Callable[[Mapping[str, Any], Lookups], T],
    upsert: Callable[[Session, int, T, datetime], tuple[Document, Upsert]],
    unit_field: str | None = None,
) -> RegisterPull:
    """With ``unit_field``, each page's units are read in one call for ``keep``."""
    clock, company_id = context.clock, context.company_id
    client, options = open_client(context)
    report = RegisterPull()
    try:
        model, domain, fields = read(client, options)
        countries = {
            int(c["id"]): str(c["code"])
            for c in client.search_read(
                "res.country", [], ["code"], context=company_context(options)
            )
        }
        units = UnitReader(client, company_context(options))

        def prepare(rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], Lookups]:
            if unit_field is None:
                return rows, Lookups(countries)
            ids = [m2o_id(row.get(unit_field)) or 0 for row in rows]
            return rows, Lookups(countries, units.read(ids), options.units)

        def store_page(session: Session, page: tuple[list[dict[str, Any]], Lookups]) -> None:
            rows, found = page
            for row in rows:
                try:
                    record = keep(row, found)
                except LookupError as exc:
                    report.skipped.append(str(exc))
                    continue
                _, change = upsert(session, company_id, record, clock.now())
                if change is Upsert.NEW:
                    report.new += 1
                elif change is Upsert.CHANGED:
                    report.changed += 1
                else:
                    report.unchanged += 1

        pull_changes(
            context,
            client,
            options,
            model,
            domain,
            fields,
            prepare=prepare,
            keep=store_page,
        )
    except RemoteError as exc:
        report.aborted = describe(exc, "read the registers")
    finally:
        client.close()
    return report
