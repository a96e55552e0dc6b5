"""Reading Odoo's units of measure for the mapping (``mapping/units.py`` decides their codes).

One ``uom.uom`` read per page of records, for the units the page uses together with what they
are measured against: on 16-18 every category's reference unit, on 19 the units' ancestors
(``parent_of``: 19 keeps units as a tree). The external ids of Odoo's own units and categories
are read once per pull, and only if the user may read them: they survive a renamed unit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from tilisilta.connectors.odoo.client import OdooClient
from tilisilta.connectors.odoo.client.errors import OdooError
from tilisilta.connectors.odoo.mapping.units import OdooUnit, XmlIds, units_from_rows

UOM_MODEL = "uom.uom"
# 16-18 and 19 field names; ``available`` keeps the version's own.
UOM_FIELDS = ("name", "category_id", "factor", "uom_type", "relative_factor", "relative_uom_id")


class UnitReader:
    def __init__(self, client: OdooClient, context: Mapping[str, Any]) -> None:
        self.client = client
        # Unit and category names are translated: the hub recognises the English ones.
        self.context = {**context, "lang": "en_US"}
        self._xml_ids: XmlIds | None = None

    def read(self, ids: Iterable[int]) -> dict[int, OdooUnit]:
        """The units with these ids (0 and unknown ids are left out), in one call."""
        wanted = sorted({i for i in ids if i})
        if not wanted:
            return {}
        fields = self.client.available(UOM_MODEL, UOM_FIELDS)
        if "relative_factor" in fields:
            domain: list[Any] = [("id", "parent_of", wanted)]
        else:
            domain = ["|", ("id", "in", wanted), ("uom_type", "=", "reference")]
        units = self._units(domain, fields)
        return {i: units[i] for i in wanted if i in units}

    def read_all(self) -> dict[int, OdooUnit]:
        """Every unit Odoo has, archived ones too."""
        return self._units([], self.client.available(UOM_MODEL, UOM_FIELDS))

    def _units(self, domain: list[Any], fields: list[str]) -> dict[int, OdooUnit]:
        rows = self.client.search_read(UOM_MODEL, domain, fields, context=self.context, order="id")
        return units_from_rows(rows, self.xml_ids())

    def xml_ids(self) -> XmlIds:
        if self._xml_ids is None:
            try:
                rows = self.client.search_read(
                    "ir.model.data",
                    [("module", "=", "uom"), ("model", "in", [UOM_MODEL, "uom.category"])],
                    ["name", "model", "res_id"],
                    context=self.context,
                )
            except OdooError:  # not readable for this user: names and ratios still tell
                rows = []
            self._xml_ids = {(str(r["model"]), int(r["res_id"])): f"uom.{r['name']}" for r in rows}
        return self._xml_ids
