"""Behaviour of the base models: companies, partners, users, currencies, units, products,
attachments."""

from __future__ import annotations

import base64
import binascii
import hashlib
import mimetypes
from typing import Any

from ..exceptions import (
    AccessError,
    ServerBase64Error,
    ServerValueError,
    UserError,
    ValidationError,
)
from . import domain as D
from .model import Model, model_class
from .rpc import rpc


@model_class("res.company")
class ResCompany(Model):
    odoo_class = "Company"

    def prepare_create(self, vals: dict[str, Any]) -> dict[str, Any]:
        if not vals.get("partner_id"):
            partner_vals = {"name": vals.get("name") or False, "is_company": True}
            for key in ("street", "street2", "zip", "city", "country_id", "email", "phone", "vat"):
                if vals.get(key):
                    partner_vals[key] = vals[key]
            vals["partner_id"] = self.env.sudo()["res.partner"].create_records([partner_vals])[0]
        if not vals.get("currency_id"):
            euro = self.env.sudo()["res.currency"].search_ids(
                [("name", "=", "EUR")], limit=1, active_test=False
            )
            vals["currency_id"] = euro[0] if euro else False
        return vals

    def after_create(self, ids: list[int]) -> None:
        env = self.env
        for rid in ids:
            partner = self.row(rid)["partner_id"]
            env.sudo()["res.partner"].write_records([partner], {"company_id": rid})
            # the creating user (and the superuser) may use the new company
            for uid in {env.uid, 1}:
                if env.store.exists("res.users", uid):
                    env.sudo()["res.users"].write_records([uid], {"company_ids": [(4, rid)]})


@model_class("res.partner")
class ResPartner(Model):
    odoo_class = "Partner"

    def recompute(self, ids: list[int]) -> None:
        pending = set(ids)
        # children follow their parent (commercial partner, display name)
        frontier = set(ids)
        while frontier:
            children = {
                c
                for p in frontier
                for c in self.env.registry.o2m_index("res.partner", "parent_id").get(p, [])
            }
            frontier = children - pending
            pending |= children
        for rid in sorted(pending):
            if not self.store.exists(self.name, rid):
                continue
            values: dict[str, Any] = {"commercial_partner_id": self._commercial(rid)}
            name_field = "display_name" if self.version <= 16 else "complete_name"
            values[name_field] = self._full_name(rid)
            self.set_values(rid, values, touch=False)

    def _commercial(self, rid: int) -> int:
        seen: set[int] = set()
        current = rid
        while True:
            row = self.row(current)
            if row.get("is_company") or not row.get("parent_id") or current in seen:
                return current
            seen.add(current)
            current = row["parent_id"]

    def _full_name(self, rid: int) -> str:
        row = self.row(rid)
        name = row.get("name") or ""
        if row.get("parent_id") and not row.get("is_company"):
            parent = self.row(row["parent_id"])
            if not name and row.get("type") not in (None, "contact"):
                labels = dict(self.spec.fields["type"].selection)
                name = labels.get(row["type"], "")
            return f"{parent.get('name') or ''}, {name}" if name else str(parent.get("name") or "")
        return str(name)

    def compute_display_name(self, rid: int) -> str:
        return self._full_name(rid)

    def get_company_type(self, rid: int) -> str:
        return "company" if self.row(rid).get("is_company") else "person"

    def set_company_type(self, rid: int, value: Any) -> None:
        if value not in ("person", "company", False, None):
            raise ServerValueError(f"Wrong value for res.partner.company_type: {value!r}")
        self.store.update(self.name, rid, {"is_company": value == "company"})
        self.recompute([rid])

    def name_match_ids(self, operator: str, value: Any) -> set[int]:
        name_field = "display_name" if self.version <= 16 else "complete_name"
        if operator in D.NEGATIVE_OPERATORS:
            return set(self.store.ids(self.name)) - self.name_match_ids(D.NEGATION[operator], value)
        domain: list[Any] = [
            "|",
            "|",
            "|",
            (name_field, operator, value),
            ("email", operator, value),
            ("ref", operator, value),
            ("vat", operator, value),
        ]
        return D.evaluate(self.env, self.name, domain, active_test=False)

    def check_unlink(self, ids: list[int]) -> None:
        users = self.env.sudo()["res.users"].search_ids(
            [("partner_id", "in", ids)], active_test=False
        )
        if users:
            raise ValidationError(
                "You cannot delete contacts linked to an active user."
                if self.version >= 17
                else "You cannot delete a contact linked to a user."
            )


@model_class("res.users")
class ResUsers(Model):
    odoo_class = "Users"

    def get_password(self, rid: int) -> str:
        return ""

    def set_password(self, rid: int, value: Any) -> None:
        if value:
            self.env.registry.set_password(rid, str(value))

    def get_share(self, rid: int) -> bool:
        return False

    def prepare_create(self, vals: dict[str, Any]) -> dict[str, Any]:
        company = vals.get("company_id")
        if company and not vals.get("company_ids"):
            vals["company_ids"] = [(6, 0, [company])]
        return vals

    def after_create(self, ids: list[int]) -> None:
        for rid in ids:
            partner = self.row(rid)["partner_id"]
            company = self.row(rid).get("company_id")
            self.env.sudo()["res.partner"].write_records([partner], {"company_id": company})
        self._check_companies(ids)

    def after_write(self, ids: list[int], names: set[str]) -> None:
        if names & {"company_id", "company_ids"}:
            self._check_companies(ids)

    def _check_companies(self, ids: list[int]) -> None:
        companies = self.env.sudo()["res.company"]
        for rid in ids:
            row = self.row(rid)
            if row.get("company_id") and row["company_id"] not in (row.get("company_ids") or []):
                raise ValidationError(
                    f"Company {companies.display_name(row['company_id'])} is not in the allowed "
                    f"companies for user {self.display_name(rid)} "
                    f"({', '.join(companies.display_name(c) for c in row.get('company_ids') or [])}"
                    ")."
                )

    def compute_display_name(self, rid: int) -> str:
        return str(self.get(rid, "name") or "")

    @rpc("model", owner="Users")
    def context_get(self) -> dict[str, Any]:
        row = self.env.user
        partner = self.env.sudo()["res.partner"]
        lang = partner.get(row["partner_id"], "lang") or "en_US"
        tz = partner.get(row["partner_id"], "tz") or False
        return {"lang": lang, "tz": tz, "uid": self.env.uid}


@model_class("res.currency")
class ResCurrency(Model):
    odoo_class = "Currency"

    def get_rate(self, rid: int) -> float:
        return self.rate_on(rid, self.env.today, self.env.company_id)

    def rate_on(self, rid: int, when: Any, company_id: int | None) -> float:
        """Units of this currency per one unit of the company currency on a date."""
        rates = self.env.sudo()["res.currency.rate"]
        best: tuple[Any, float] | None = None
        for row in rates.rows().values():
            if row.get("currency_id") != rid or (row.get("name") and row["name"] > when):
                continue
            if row.get("company_id") not in (None, company_id):
                continue
            if best is None or row["name"] > best[0]:
                best = (row["name"], float(row.get("rate") or 1.0))
        return best[1] if best else 1.0

    def get_decimal_places(self, rid: int) -> int:
        rounding = float(self.row(rid).get("rounding") or 0.01)
        places = 0
        while rounding < 1 and places < 6:
            rounding *= 10
            places += 1
        return places


@model_class("res.partner.bank")
class ResPartnerBank(Model):
    odoo_class = "ResPartnerBank"

    def recompute(self, ids: list[int]) -> None:
        for rid in ids:
            number = self.row(rid).get("acc_number") or ""
            self.set_values(
                rid, {"sanitized_acc_number": "".join(number.split()).upper()}, touch=False
            )


@model_class("uom.uom")
class UomUom(Model):
    odoo_class = "UoM"

    def get_factor_inv(self, rid: int) -> float:
        factor = float(self.row(rid).get("factor") or 1.0)
        return 1.0 / factor if factor else 0.0

    def get_ratio(self, rid: int) -> float:
        """16-18: the ratio as the form shows it, always >= 1 for the shipped units."""
        row = self.row(rid)
        if row.get("uom_type") == "reference":
            return 1.0
        return self.get_factor_inv(rid) if row.get("uom_type") == "bigger" else float(row["factor"])

    def prepare_create(self, vals: dict[str, Any]) -> dict[str, Any]:
        return self._factor_from_inverse(vals)

    def prepare_write(self, ids: list[int], vals: dict[str, Any]) -> dict[str, Any]:
        return self._factor_from_inverse(vals)

    def _factor_from_inverse(self, vals: dict[str, Any]) -> dict[str, Any]:
        # 16-18 take a bigger unit's size as factor_inv and store its inverse
        if self.version <= 18 and "factor_inv" in vals:
            inverse = float(vals.pop("factor_inv") or 0.0)
            vals["factor"] = 1.0 / inverse if inverse else 0.0
        return vals

    def recompute(self, ids: list[int]) -> None:
        if self.version < 19:
            return
        # 19: factor is the absolute quantity (the relative factors multiplied up to the root),
        # so a changed unit changes every unit below it too
        todo = set(ids)
        index = self.env.registry.o2m_index(self.name, "relative_uom_id")
        frontier = set(ids)
        while frontier:
            frontier = {c for p in frontier for c in index.get(p, [])} - todo
            todo |= frontier
        for rid in sorted(todo):
            factor = 1.0
            path: list[int] = []
            current: int | None = rid
            while current is not None and current not in path:
                path.insert(0, current)
                row = self.row(current)
                factor *= float(row.get("relative_factor") or 1.0)
                current = row.get("relative_uom_id")
            values = {
                "factor": factor,
                "rounding": 0.01,
                "parent_path": "".join(f"{node}/" for node in path),
            }
            self.set_values(rid, values, touch=False)


@model_class("product.category")
class ProductCategory(Model):
    odoo_class = "ProductCategory"

    def recompute(self, ids: list[int]) -> None:
        todo = set(ids)
        index = self.env.registry.o2m_index(self.name, "parent_id")
        frontier = set(ids)
        while frontier:
            frontier = {c for p in frontier for c in index.get(p, [])} - todo
            todo |= frontier
        for rid in sorted(todo):
            names: list[str] = []
            current: int | None = rid
            seen: set[int] = set()
            while current is not None and current not in seen:
                seen.add(current)
                row = self.row(current)
                names.insert(0, str(row.get("name") or ""))
                current = row.get("parent_id")
            self.set_values(rid, {"complete_name": " / ".join(names)}, touch=False)


_TYPE_FROM_DETAILED = {"consu": "consu", "service": "service", "product": "product"}


@model_class("product.template")
class ProductTemplate(Model):
    odoo_class = "ProductTemplate"

    def prepare_create(self, vals: dict[str, Any]) -> dict[str, Any]:
        if self.version <= 17:
            if "detailed_type" in vals and "type" not in vals:
                vals["type"] = _TYPE_FROM_DETAILED.get(vals["detailed_type"], vals["detailed_type"])
            elif "type" in vals and vals.get("detailed_type") in (None, False, "consu"):
                vals["detailed_type"] = vals["type"]
        if self.version <= 18 and vals.get("uom_id") and not vals.get("uom_po_id"):
            vals["uom_po_id"] = vals["uom_id"]
        if self.version >= 18 and vals.get("type") != "consu":
            vals["is_storable"] = False
        return vals

    def _create_variant(self, rid: int, **extra: Any) -> int:
        values: dict[str, Any] = {
            "product_tmpl_id": rid,
            "default_code": self.row(rid).get("default_code") or False,
            **extra,
        }
        return self.env["product.product"].create_records([values])[0]

    def after_create(self, ids: list[int]) -> None:
        if self.env.context.get("create_product_product"):
            return
        for rid in ids:
            if not self._variants(rid):
                self._create_variant(rid)

    def prepare_write(self, ids: list[int], vals: dict[str, Any]) -> dict[str, Any]:
        if self.version <= 17:
            if "detailed_type" in vals and "type" not in vals:
                vals["type"] = _TYPE_FROM_DETAILED.get(vals["detailed_type"], vals["detailed_type"])
            elif "type" in vals and "detailed_type" not in vals:
                vals["detailed_type"] = vals["type"]
        return vals

    def after_write(self, ids: list[int], names: set[str]) -> None:
        if "default_code" in names:
            for rid in ids:
                variants = self._variants(rid)
                if len(variants) == 1:
                    self.env["product.product"].set_values(
                        variants[0], {"default_code": self.row(rid).get("default_code")}
                    )

    def _variants(self, rid: int) -> list[int]:
        return list(self.env.registry.o2m_index("product.product", "product_tmpl_id").get(rid, []))

    def get_product_variant_id(self, rid: int) -> int | None:
        variants = [
            v for v in self._variants(rid) if self.store.rows("product.product")[v].get("active")
        ]
        return variants[0] if variants else None

    def get_product_variant_count(self, rid: int) -> int:
        return len(self._variants(rid))

    def get_barcode(self, rid: int) -> Any:
        variants = self._variants(rid)
        if len(variants) == 1:
            return self.store.rows("product.product")[variants[0]].get("barcode")
        return None

    def set_barcode(self, rid: int, value: Any) -> None:
        variants = self._variants(rid)
        if not variants and not self.env.context.get("create_product_product"):
            self._create_variant(rid, barcode=value)
        elif len(variants) == 1:
            self.env["product.product"].write_records([variants[0]], {"barcode": value})

    def compute_display_name(self, rid: int) -> str:
        row = self.row(rid)
        code = row.get("default_code")
        return f"[{code}] {row.get('name')}" if code else str(row.get("name") or "")


@model_class("product.product")
class ProductProduct(Model):
    odoo_class = "ProductProduct"

    def compute_display_name(self, rid: int) -> str:
        name = self.get(rid, "name") or ""
        code = self.row(rid).get("default_code")
        return f"[{code}] {name}" if code else str(name)

    def prepare_create(self, vals: dict[str, Any]) -> dict[str, Any]:
        if not vals.get("product_tmpl_id"):
            template_vals = {
                k: vals.pop(k)
                for k in list(vals)
                if self.spec.fields[k].inherited_from == "product.template"
            }
            if vals.get("default_code"):
                template_vals["default_code"] = vals["default_code"]
            env = self.env.with_context(create_product_product=True)
            vals["product_tmpl_id"] = env["product.template"].create_records([template_vals])[0]
        return vals

    def get_lst_price(self, rid: int) -> float:
        return float(self.get(rid, "list_price") or 0.0)

    def set_lst_price(self, rid: int, value: Any) -> None:
        template = self.row(rid)["product_tmpl_id"]
        self.env["product.template"].write_records([template], {"list_price": value})

    def get_code(self, rid: int) -> Any:
        return self.row(rid).get("default_code")

    def get_partner_ref(self, rid: int) -> str:
        return self.compute_display_name(rid)

    def name_match_ids(self, operator: str, value: Any) -> set[int]:
        if operator in D.NEGATIVE_OPERATORS:
            return set(self.store.ids(self.name)) - self.name_match_ids(D.NEGATION[operator], value)
        domain: list[Any] = [
            "|",
            "|",
            ("default_code", operator, value),
            ("barcode", operator, value),
            ("name", operator, value),
        ]
        return D.evaluate(self.env, self.name, domain, active_test=False)

    def after_create(self, ids: list[int]) -> None:
        self._check_barcodes(ids)
        templates = self.env["product.template"]
        for rid in ids:
            row = self.row(rid)
            template = row["product_tmpl_id"]
            if row.get("default_code") and not templates.row(template).get("default_code"):
                templates.set_values(template, {"default_code": row["default_code"]}, touch=False)

    def after_write(self, ids: list[int], names: set[str]) -> None:
        if "barcode" in names:
            self._check_barcodes(ids)
        if "default_code" in names:
            templates = self.env["product.template"]
            for rid in ids:
                row = self.row(rid)
                templates.set_values(
                    row["product_tmpl_id"], {"default_code": row.get("default_code")}
                )

    def _check_barcodes(self, ids: list[int]) -> None:
        rows = self.rows()
        for rid in ids:
            barcode = rows[rid].get("barcode")
            if not barcode:
                continue
            clashes = [
                other
                for other, row in rows.items()
                if other != rid and row.get("barcode") == barcode and row.get("active", True)
            ]
            if clashes:
                if self.version <= 16:
                    raise ValidationError("A barcode can only be assigned to one product !")
                names = ", ".join(self.compute_display_name(c) for c in clashes)
                raise ValidationError(
                    f'Barcode(s) already assigned:\n\n- Barcode "{barcode}" already assigned to '
                    f"product(s): {names}"
                )

    def check_unlink(self, ids: list[int]) -> None:
        moves = self.env.sudo()["account.move.line"].search_ids(
            [("product_id", "in", ids)], limit=1, active_test=False
        )
        if moves:
            raise UserError(
                "You cannot delete this product because it is used in journal items; "
                "archive it instead."
            )


@model_class("ir.attachment")
class IrAttachment(Model):
    odoo_class = "IrAttachment"

    def prepare_create(self, vals: dict[str, Any]) -> dict[str, Any]:
        _decoded(vals.get("datas"))
        self._check_linked(vals.get("res_model"), vals.get("res_id"))
        if not vals.get("mimetype") and vals.get("name"):
            guessed, _ = mimetypes.guess_type(str(vals["name"]))
            vals["mimetype"] = guessed or "application/octet-stream"
        return vals

    def prepare_write(self, ids: list[int], vals: dict[str, Any]) -> dict[str, Any]:
        _decoded(vals.get("datas"))
        if vals.get("res_model") or vals.get("res_id"):
            for rid in ids:
                row = self.row(rid)
                model = vals.get("res_model", row.get("res_model"))
                self._check_linked(model, vals.get("res_id", row.get("res_id")))
        return vals

    def _check_linked(self, model: Any, res_id: Any) -> None:
        """ir_attachment.py ``create``/``write`` with ``_inaccessible_comodel_records``: a file
        goes on a record the user may write, so a record of a company outside the allowed ones
        is refused. A record that does not exist is refused too: 19 does, 16 let it pass (the
        stricter one is imitated)."""
        if self.env.su or not model or not res_id:
            return
        allowed = model in self.env.registry.specs
        if allowed:
            target = self.env[str(model)]
            allowed = bool(target.exists_ids([int(res_id)])) and target.rule_allows(int(res_id))
        if not allowed:
            raise AccessError(
                f"You may not attach a file to {model} record {res_id}: it does not exist or "
                f"belongs to a company you may not use (operation: write, user: {self.env.uid})"
            )

    def search_ids(
        self,
        domain: Any = None,
        offset: int = 0,
        limit: int | None = None,
        order: str | None = None,
        *,
        active_test: bool | None = None,
    ) -> list[int]:
        """ir_attachment.py ``_search``: the files of binary fields (``res_field`` set) are left
        out unless the domain names ``id`` or ``res_field``."""
        terms = list(domain or [])
        named = {t[0] for t in terms if isinstance(t, list | tuple) and t}
        if not named & {"id", "res_field"} and not self.env.context.get("skip_res_field_check"):
            terms.append(("res_field", "=", False))
        return super().search_ids(terms, offset, limit, order, active_test=active_test)

    def recompute(self, ids: list[int]) -> None:
        for rid in ids:
            datas = self.row(rid).get("datas")
            raw = _decoded(datas)
            self.set_values(
                rid,
                {
                    "file_size": len(raw),
                    "checksum": hashlib.sha1(raw).hexdigest() if datas else None,
                },
                touch=False,
            )

    def get_res_name(self, rid: int) -> Any:
        row = self.row(rid)
        model, res_id = row.get("res_model"), row.get("res_id")
        if model in self.env.registry.specs and res_id and self.store.exists(model, res_id):
            return self.env.sudo()[model].display_name(res_id)
        return None


def _decoded(datas: Any) -> bytes:
    """A binary value as Odoo decodes it (``base64.b64decode``: stray characters dropped, wrong
    padding refused)."""
    if not datas:
        return b""
    try:
        return base64.b64decode(datas)
    except (binascii.Error, TypeError, ValueError) as exc:
        raise ServerBase64Error(str(exc)) from None
