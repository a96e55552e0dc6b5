"""Sale and purchase orders: numbering, line prices and taxes, confirmation (which creates the
delivery or receipt), cancellation, locking."""

from __future__ import annotations

from typing import Any

from ..exceptions import UserError
from .model import Model, model_class
from .rpc import rpc
from .sequences import next_by_code
from .taxes import company_taxes, compute_line, fiscal_position_for, map_taxes, round_money


def _order_defaults(model: Model, vals: dict[str, Any], *, purchase: bool) -> dict[str, Any]:
    sudo = model.env.sudo()
    company = vals.get("company_id") or model.env.company_id
    partner = vals.get("partner_id")
    if partner and model.store.exists("res.partner", partner):
        partners = sudo.with_company(company)["res.partner"]
        commercial = partners.get(partner, "commercial_partner_id") or partner
        if "fiscal_position_id" not in vals:
            vals["fiscal_position_id"] = fiscal_position_for(model.env, partner, company) or False
        if "payment_term_id" not in vals:
            field = "property_supplier_payment_term_id" if purchase else "property_payment_term_id"
            vals["payment_term_id"] = partners.get(commercial, field) or False
        if not purchase:
            vals.setdefault("partner_invoice_id", partner)
            vals.setdefault("partner_shipping_id", partner)
    if not vals.get("currency_id"):
        vals["currency_id"] = sudo["res.company"].row(company).get("currency_id")
    return vals


class _OrderLineMixin(Model):
    """Shared by sale and purchase order lines."""

    purchase: bool = False
    qty_field = "product_uom_qty"

    @property
    def uom_field(self) -> str:
        return "product_uom" if self.version <= 18 else "product_uom_id"

    @property
    def tax_field(self) -> str:
        if self.version >= 19:
            return "tax_ids"
        return "taxes_id" if self.purchase else "tax_id"

    @property
    def order_model(self) -> str:
        return "purchase.order" if self.purchase else "sale.order"

    def prepare_create(self, vals: dict[str, Any]) -> dict[str, Any]:
        order_id = vals.get("order_id")
        product = vals.get("product_id")
        if (
            vals.get("display_type")
            or not order_id
            or not self.store.exists(self.order_model, order_id)
        ):
            return vals
        order = self.env.sudo()[self.order_model].row(order_id)
        if order.get("state") in ("cancel",) or (order.get("state") == "done"):
            raise UserError("You cannot add lines to a cancelled or locked order.")
        if product and self.store.exists("product.product", product):
            company = order["company_id"]
            products = self.env.sudo().with_company(company)["product.product"]
            if not vals.get("name"):
                description = products.get(
                    product, "description_purchase" if self.purchase else "description_sale"
                )
                name = products.display_name(product)
                vals["name"] = f"{name}\n{description}" if description else name
            if self.uom_field not in vals:
                uom = products.get(
                    product, "uom_po_id" if self.purchase and self.version <= 18 else "uom_id"
                )
                vals[self.uom_field] = uom
            if "price_unit" not in vals:
                vals["price_unit"] = float(
                    products.get(product, "standard_price" if self.purchase else "lst_price") or 0.0
                )
            if self.tax_field not in vals:
                own = (
                    products.get(product, "supplier_taxes_id" if self.purchase else "taxes_id")
                    or []
                )
                mapped = map_taxes(
                    self.env, order.get("fiscal_position_id"), company_taxes(self.env, own, company)
                )
                vals[self.tax_field] = [(6, 0, mapped)]
        if self.purchase and not vals.get("date_planned"):
            vals["date_planned"] = order.get("date_planned") or order.get("date_order")
        return vals

    def recompute(self, ids: list[int]) -> None:
        orders: set[int] = set()
        for rid in ids:
            if not self.store.exists(self.name, rid):
                continue
            row = self.row(rid)
            qty = float(row.get(self.qty_field) or 0.0)
            if row.get("display_type"):
                values: dict[str, Any] = {
                    "price_subtotal": 0.0,
                    "price_tax": 0.0,
                    "price_total": 0.0,
                }
            else:
                result = compute_line(
                    self.env,
                    list(row.get(self.tax_field) or []),
                    float(row.get("price_unit") or 0.0),
                    qty,
                    float(row.get("discount") or 0.0),
                )
                values = {
                    "price_subtotal": result.subtotal,
                    "price_tax": round_money(result.total - result.subtotal),
                    "price_total": result.total,
                }
            values.update(self.extra_values(rid))
            self.set_values(rid, values)
            orders.add(row["order_id"])
        self.env.sudo()[self.order_model].recompute(sorted(orders))

    def extra_values(self, rid: int) -> dict[str, Any]:
        return {}

    def before_unlink(self, ids: list[int]) -> Any:
        return sorted({self.row(rid)["order_id"] for rid in ids})

    def after_unlink(self, ids: list[int], token: Any) -> None:
        self.env.sudo()[self.order_model].recompute(
            [o for o in token if self.store.exists(self.order_model, o)]
        )


class _OrderMixin(Model):
    line_model = "sale.order.line"

    def recompute(self, ids: list[int]) -> None:
        lines = self.env.sudo()[self.line_model]
        index = self.env.registry.o2m_index(self.line_model, "order_id")
        for rid in ids:
            if not self.store.exists(self.name, rid):
                continue
            untaxed = tax = 0.0
            for lid in index.get(rid, []):
                row = lines.row(lid)
                untaxed += float(row.get("price_subtotal") or 0.0)
                tax += float(row.get("price_tax") or 0.0)
            values = {
                "amount_untaxed": round_money(untaxed),
                "amount_tax": round_money(tax),
                "amount_total": round_money(untaxed + tax),
            }
            values.update(self.extra_values(rid))
            self.set_values(rid, values)

    def extra_values(self, rid: int) -> dict[str, Any]:
        return {}

    def order_lines(self, rid: int) -> list[int]:
        lines = self.env.sudo()[self.line_model]
        return lines.sort(
            list(self.env.registry.o2m_index(self.line_model, "order_id").get(rid, [])), None
        )

    def invoices(self, rid: int) -> list[int]:
        lines = self.env.sudo()["account.move.line"]
        mine = set(self.order_lines(rid))
        out: list[int] = []
        for row in lines.rows().values():
            linked = (
                set(row.get("sale_line_ids") or [])
                if self.line_model == "sale.order.line"
                else {row.get("purchase_line_id")}
            )
            if linked & mine:
                out.append(row["move_id"])
        return sorted(set(out))

    def get_invoice_ids(self, rid: int) -> list[int]:
        return self.invoices(rid)

    def get_invoice_count(self, rid: int) -> int:
        return len(self.invoices(rid))


@model_class("sale.order")
class SaleOrder(_OrderMixin):
    odoo_class = "SaleOrder"
    line_model = "sale.order.line"

    def prepare_create(self, vals: dict[str, Any]) -> dict[str, Any]:
        vals = _order_defaults(self, vals, purchase=False)
        company = vals.get("company_id") or self.env.company_id
        if not vals.get("name") or vals.get("name") == "New":
            vals["name"] = next_by_code(self.env, "sale.order", company)
        if not vals.get("warehouse_id"):
            found = self.env.sudo()["stock.warehouse"].search_ids(
                [("company_id", "=", company)], limit=1
            )
            vals["warehouse_id"] = found[0] if found else False
        vals["state"] = "draft"
        return vals

    def extra_values(self, rid: int) -> dict[str, Any]:
        row = self.row(rid)
        lines = self.env.sudo()["sale.order.line"]
        statuses = {lines.row(lid).get("invoice_status") for lid in self.order_lines(rid)}
        if row.get("state") not in ("sale", "done"):
            status = "no"
        elif "to invoice" in statuses:
            status = "to invoice"
        elif statuses and statuses <= {"invoiced", "no", None}:
            status = "invoiced" if "invoiced" in statuses else "no"
        else:
            status = "no"
        return {"invoice_status": status}

    def get_delivery_count(self, rid: int) -> int:
        return len(self.env.registry.o2m_index("stock.picking", "sale_id").get(rid, []))

    def check_unlink(self, ids: list[int]) -> None:
        for rid in ids:
            if self.row(rid).get("state") not in ("draft", "cancel"):
                raise UserError(
                    "You can not delete a sent quotation or a confirmed sales order. You must "
                    "first cancel it."
                )

    @rpc("records")
    def action_confirm(self, ids: list[int]) -> bool:
        ids = self.check_access(ids, "write")
        for rid in ids:
            state = self.row(rid).get("state")
            if state not in ("draft", "sent"):
                if self.version <= 16:
                    labels = dict(self.spec.fields["state"].selection)
                    raise UserError(
                        "It is not allowed to confirm an order in the following states: "
                        f"{labels.get(str(state), state)}"
                    )
                raise UserError("Some orders are not in a state requiring confirmation.")
        for rid in ids:
            self.set_values(rid, {"state": "sale", "date_order": self.env.now})
            from .stock import create_picking_for_order

            create_picking_for_order(self.env, "sale", rid)
        self.recompute(ids)
        self.env.sudo()["sale.order.line"].recompute(
            [lid for rid in ids for lid in self.order_lines(rid)]
        )
        return True

    @rpc("records")
    def action_cancel(self, ids: list[int]) -> bool:
        ids = self.check_access(ids, "write")
        for rid in ids:
            row = self.row(rid)
            if (self.version >= 17 and row.get("locked")) or row.get("state") == "done":
                raise UserError("You cannot cancel a locked order. Please unlock it first.")
        pickings = self.env.sudo()["stock.picking"]
        for rid in ids:
            for pick in self.env.registry.o2m_index("stock.picking", "sale_id").get(rid, []):
                if pickings.row(pick).get("state") not in ("done", "cancel"):
                    pickings.action_cancel([pick])  # type: ignore[attr-defined]
            self.set_values(rid, {"state": "cancel"})
        self.recompute(ids)
        return True

    @rpc("records")
    def action_draft(self, ids: list[int]) -> bool:
        ids = self.check_access(ids, "write")
        for rid in ids:
            if self.row(rid).get("state") in ("cancel", "sent"):
                self.set_values(rid, {"state": "draft", "signed_by": None})
        return True

    @rpc("records")
    def action_quotation_sent(self, ids: list[int]) -> bool:
        ids = self.check_access(ids, "write")
        for rid in ids:
            if self.row(rid).get("state") == "draft":
                self.set_values(rid, {"state": "sent"})
        return True

    @rpc("records", since=17)
    def action_lock(self, ids: list[int]) -> None:
        ids = self.check_access(ids, "write")
        for rid in ids:
            self.set_values(rid, {"locked": True})
        return None

    @rpc("records", since=17)
    def action_unlock(self, ids: list[int]) -> None:
        ids = self.check_access(ids, "write")
        for rid in ids:
            self.set_values(rid, {"locked": False})
        return None

    @rpc("records", until=16, name="action_done")
    def action_done_v16(self, ids: list[int]) -> bool:
        ids = self.check_access(ids, "write")
        for rid in ids:
            self.set_values(rid, {"state": "done"})
        return True

    @rpc("records", until=16, name="action_unlock")
    def action_unlock_v16(self, ids: list[int]) -> None:
        ids = self.check_access(ids, "write")
        for rid in ids:
            if self.row(rid).get("state") == "done":
                self.set_values(rid, {"state": "sale"})
        return None


@model_class("sale.order.line")
class SaleOrderLine(_OrderLineMixin):
    odoo_class = "SaleOrderLine"
    purchase = False
    qty_field = "product_uom_qty"

    def extra_values(self, rid: int) -> dict[str, Any]:
        row = self.row(rid)
        lines = self.env.sudo()["account.move.line"]
        moves = self.env.sudo()["account.move"]
        invoiced = 0.0
        for lid in row.get("invoice_lines") or []:
            if not self.store.exists("account.move.line", lid):
                continue
            line = lines.row(lid)
            move = moves.row(line["move_id"])
            if move.get("state") == "cancel":
                continue
            qty = float(line.get("quantity") or 0.0)
            invoiced += -qty if move.get("move_type") == "out_refund" else qty
        order_state = self.env.sudo()["sale.order"].row(row["order_id"]).get("state")
        product = row.get("product_id")
        policy = (
            self.env.sudo()["product.product"].get(product, "invoice_policy")
            if product
            else "order"
        )
        base = (
            float(row.get("qty_delivered") or 0.0)
            if policy == "delivery"
            else float(row.get("product_uom_qty") or 0.0)
        )
        to_invoice = base - invoiced if order_state in ("sale", "done") else 0.0
        if row.get("display_type") or order_state not in ("sale", "done"):
            status = "no"
        elif to_invoice > 0:
            status = "to invoice"
        elif invoiced >= float(row.get("product_uom_qty") or 0.0) > 0:
            status = "invoiced"
        else:
            status = "no"
        return {"qty_invoiced": invoiced, "qty_to_invoice": to_invoice, "invoice_status": status}

    def check_unlink(self, ids: list[int]) -> None:
        orders = self.env.sudo()["sale.order"]
        for rid in ids:
            row = self.row(rid)
            if orders.row(row["order_id"]).get("state") in ("sale", "done") and not row.get(
                "display_type"
            ):
                raise UserError(
                    "Once a sales order is confirmed, you can't remove one of its lines (we need "
                    "to track if something gets invoiced or delivered).\nSet the quantity to 0 "
                    "instead."
                )


@model_class("purchase.order")
class PurchaseOrder(_OrderMixin):
    odoo_class = "PurchaseOrder"
    line_model = "purchase.order.line"

    def prepare_create(self, vals: dict[str, Any]) -> dict[str, Any]:
        vals = _order_defaults(self, vals, purchase=True)
        company = vals.get("company_id") or self.env.company_id
        if not vals.get("name") or vals.get("name") == "New":
            vals["name"] = next_by_code(self.env, "purchase.order", company)
        if not vals.get("picking_type_id"):
            found = self.env.sudo()["stock.picking.type"].search_ids(
                [("company_id", "=", company), ("code", "=", "incoming")], limit=1
            )
            vals["picking_type_id"] = found[0] if found else False
        vals["state"] = "draft"
        return vals

    def extra_values(self, rid: int) -> dict[str, Any]:
        row = self.row(rid)
        values: dict[str, Any] = {}
        lines = self.env.sudo()["purchase.order.line"]
        ids = [lid for lid in self.order_lines(rid) if not lines.row(lid).get("display_type")]
        if row.get("state") not in ("purchase", "done"):
            values["invoice_status"] = "no"
        else:
            pending = any(
                float(lines.row(lid).get("qty_invoiced") or 0.0)
                < float(lines.row(lid).get("qty_received") or 0.0)
                for lid in ids
            )
            billed = all(
                float(lines.row(lid).get("qty_invoiced") or 0.0)
                >= float(lines.row(lid).get("product_qty") or 0.0)
                for lid in ids
            )
            values["invoice_status"] = (
                "to invoice" if pending else "invoiced" if ids and billed else "no"
            )
        if self.version >= 17:
            if row.get("state") not in ("purchase", "done"):
                values["receipt_status"] = None
            else:
                received = [
                    float(lines.row(lid).get("qty_received") or 0.0)
                    >= float(lines.row(lid).get("product_qty") or 0.0)
                    for lid in ids
                ]
                any_received = any(
                    float(lines.row(lid).get("qty_received") or 0.0) > 0 for lid in ids
                )
                values["receipt_status"] = (
                    "full"
                    if received and all(received)
                    else "partial"
                    if any_received
                    else "pending"
                )
        return values

    def pickings(self, rid: int) -> list[int]:
        return sorted(
            pid
            for pid, row in self.store.rows("stock.picking").items()
            if row.get("purchase_id") == rid
        )

    def get_picking_ids(self, rid: int) -> list[int]:
        return self.pickings(rid)

    def get_incoming_picking_count(self, rid: int) -> int:
        return len(self.pickings(rid))

    def check_unlink(self, ids: list[int]) -> None:
        for rid in ids:
            if self.row(rid).get("state") not in ("draft", "cancel"):
                raise UserError("In order to delete a purchase order, you must cancel it first.")

    @rpc("records")
    def button_confirm(self, ids: list[int]) -> bool:
        ids = self.check_access(ids, "write")
        for rid in ids:
            if self.row(rid).get("state") not in ("draft", "sent"):
                continue
            self.set_values(rid, {"state": "purchase", "date_approve": self.env.now})
            from .stock import create_picking_for_order

            create_picking_for_order(self.env, "purchase", rid)
        self.recompute(ids)
        return True

    @rpc("records")
    def button_approve(self, ids: list[int], force: bool = False) -> dict[str, Any]:
        ids = self.check_access(ids, "write")
        for rid in ids:
            if self.row(rid).get("state") == "to approve":
                self.set_values(rid, {"state": "purchase", "date_approve": self.env.now})
        return {}

    @rpc("records")
    def button_cancel(self, ids: list[int]) -> None:
        ids = self.check_access(ids, "write")
        moves = self.env.sudo()["account.move"]
        for rid in ids:
            row = self.row(rid)
            if self.version <= 18 and row.get("state") == "done":
                raise UserError(
                    "Unable to cancel purchase order(s): "
                    f"{row.get('name')}. You must first unlock them."
                )
            for invoice in self.invoices(rid):
                if moves.row(invoice).get("state") not in ("cancel", "draft"):
                    raise UserError(
                        "Unable to cancel this purchase order. You must first cancel the related "
                        "vendor bills."
                    )
        pickings = self.env.sudo()["stock.picking"]
        for rid in ids:
            for pick in self.pickings(rid):
                if pickings.row(pick).get("state") not in ("done", "cancel"):
                    pickings.action_cancel([pick])  # type: ignore[attr-defined]
            self.set_values(rid, {"state": "cancel"})
        self.recompute(ids)
        return None

    @rpc("records")
    def button_draft(self, ids: list[int]) -> dict[str, Any]:
        ids = self.check_access(ids, "write")
        for rid in ids:
            self.set_values(rid, {"state": "draft"})
        self.recompute(ids)
        return {}

    @rpc("records", until=18)
    def button_done(self, ids: list[int]) -> None:
        ids = self.check_access(ids, "write")
        for rid in ids:
            self.set_values(rid, {"state": "done", "priority": "0"})
        return None

    @rpc("records")
    def button_unlock(self, ids: list[int]) -> None:
        ids = self.check_access(ids, "write")
        for rid in ids:
            if self.version <= 18:
                self.set_values(rid, {"state": "purchase"})
            else:
                self.set_values(rid, {"locked": False})
        return None

    @rpc("records", since=19)
    def button_lock(self, ids: list[int]) -> None:
        ids = self.check_access(ids, "write")
        for rid in ids:
            self.set_values(rid, {"locked": True})
        return None


@model_class("purchase.order.line")
class PurchaseOrderLine(_OrderLineMixin):
    odoo_class = "PurchaseOrderLine"
    purchase = True
    qty_field = "product_qty"

    def extra_values(self, rid: int) -> dict[str, Any]:
        row = self.row(rid)
        invoiced = 0.0
        lines = self.env.sudo()["account.move.line"]
        moves = self.env.sudo()["account.move"]
        for lid in self.env.registry.o2m_index("account.move.line", "purchase_line_id").get(
            rid, []
        ):
            line = lines.row(lid)
            move = moves.row(line["move_id"])
            if move.get("state") == "cancel":
                continue
            qty = float(line.get("quantity") or 0.0)
            invoiced += -qty if move.get("move_type") == "in_refund" else qty
        return {"qty_invoiced": invoiced, "product_uom_qty": float(row.get("product_qty") or 0.0)}
