"""A model as one Odoo version defines it: its fields, default order, display name field,
parent field, delegation (``_inherits``) and the multi-company record rule that applies."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

from . import fields as F
from .fields import Field

#: how the multi-company record rule reads:
#: ``none`` no rule; ``strict`` company_id in allowed companies; ``shared`` the same or no
#: company; ``company_ids`` one of the record's companies is allowed (accounts in 18+);
#: ``self`` the record is an allowed company (res.company)
CompanyRule = Literal["none", "strict", "shared", "company_ids", "self"]


@dataclass
class ModelSpec:
    name: str
    description: str
    fields: dict[str, Field]
    order: str = "id"
    rec_name: str | None = "name"
    parent_name: str | None = None
    company_rule: CompanyRule = "none"
    transient: bool = False
    #: parent model -> many2one on this model (product.product -> product.template)
    inherits: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        named = {name: f.with_name(name) for name, f in self.fields.items()}
        magic: dict[str, Field] = {
            "id": F.integer("ID", readonly=True, copy=False),
            "display_name": F.computed("char", "Display Name", store=False),
            "create_uid": F.many2one("res.users", "Created by", readonly=True, copy=False),
            "create_date": F.datetime_("Created on", readonly=True, copy=False),
            "write_uid": F.many2one("res.users", "Last Updated by", readonly=True, copy=False),
            "write_date": F.datetime_("Last Updated on", readonly=True, copy=False),
        }
        for name, f in magic.items():
            named.setdefault(name, f.with_name(name))
        self.fields = named

    @property
    def has_active(self) -> bool:
        return "active" in self.fields and self.fields["active"].type == "boolean"

    def add_inherited(self, parent: ModelSpec, link: str) -> None:
        """Delegate every field of ``parent`` this model lacks through the ``link`` many2one."""
        for name, pfield in parent.fields.items():
            if name in self.fields or name in ("id",):
                continue
            self.fields[name] = replace(
                pfield, inherited_from=parent.name, copy=False if pfield.is_x2many else pfield.copy
            )
        self.inherits[parent.name] = link

    def stored_fields(self) -> list[Field]:
        return [f for f in self.fields.values() if f.stored and f.name != "id"]
