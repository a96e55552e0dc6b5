"""Transfers: the delivery a confirmed sale order makes, the receipt of a confirmed purchase
order, and validation.

Stock levels are not tracked: every move is reserved in full when its transfer is confirmed
(as if the warehouse always had the goods). Validation follows each version's flow: on 16 a
transfer with nothing done answers the immediate-transfer wizard (``stock.immediate.transfer``,
``process``); from 17 reserved quantities are picked at validation. A quantity below the demand
answers the backorder wizard (``stock.backorder.confirmation``: ``process`` makes the backorder,
``process_cancel_backorder`` drops the rest).
"""

from __future__ import annotations

import re
from typing import Any

from ..exceptions import UserError
from .accounting import _ids_of_commands
from .env import Env
from .model import Model, model_class
from .rpc import rpc


def _qty_field(version: int) -> str:
    return "quantity_done" if version <= 16 else "quantity"


def create_picking_for_order(env: Env, kind: str, order_id: int) -> int | None:
    """The outgoing transfer of a confirmed sale order or the incoming one of a purchase order,
    with a move per goods line (services make none)."""
    sudo = env.sudo()
    purchase = kind == "purchase"
    orders = sudo["purchase.order" if purchase else "sale.order"]
    order = orders.row(order_id)
    company = order["company_id"]
    line_model = "purchase.order.line" if purchase else "sale.order.line"
    lines = sudo[line_model]
    uom_field = "product_uom" if env.version <= 18 else "product_uom_id"
    qty_field = "product_qty" if purchase else "product_uom_qty"
    products = sudo["product.product"]
    goods = []
    for lid in orders.order_lines(order_id):  # type: ignore[attr-defined]
        row = lines.row(lid)
        product = row.get("product_id")
        if row.get("display_type") or not product:
            continue
        if products.get(product, "type") not in ("consu", "product"):
            continue
        goods.append(row)
    if not goods:
        return None
    types = sudo["stock.picking.type"]
    if purchase:
        picking_type = order.get("picking_type_id")
    else:
        warehouse = order.get("warehouse_id")
        found = types.search_ids(
            [("company_id", "=", company), ("code", "=", "outgoing")]
            + ([("warehouse_id", "=", warehouse)] if warehouse else []),
            limit=1,
        )
        picking_type = found[0] if found else None
    if not picking_type:
        return None
    type_row = types.row(picking_type)
    partner = order.get("partner_id") if purchase else order.get("partner_shipping_id")
    when = order.get("date_planned") if purchase else order.get("commitment_date")
    picking_vals: dict[str, Any] = {
        "picking_type_id": picking_type,
        "partner_id": partner or False,
        "origin": order.get("name"),
        "company_id": company,
        "location_id": type_row.get("default_location_src_id"),
        "location_dest_id": type_row.get("default_location_dest_id"),
        "scheduled_date": when or env.now,
        "move_type": "direct",
        "purchase_id" if purchase else "sale_id": order_id,
        "move_ids": [
            (
                0,
                0,
                {
                    "name": str(row.get("name") or products.display_name(row["product_id"])),
                    "product_id": row["product_id"],
                    "product_uom_qty": float(row.get(qty_field) or 0.0),
                    "product_uom": row.get(uom_field) or products.get(row["product_id"], "uom_id"),
                    "purchase_line_id" if purchase else "sale_line_id": row["id"],
                    "origin": order.get("name"),
                    "price_unit": float(row.get("price_unit") or 0.0),
                },
            )
            for row in goods
        ],
    }
    if not purchase and order.get("carrier_id"):
        picking_vals["carrier_id"] = order["carrier_id"]
    pickings = sudo["stock.picking"]
    pick = pickings.create_records([picking_vals])[0]
    pickings.confirm([pick])  # type: ignore[attr-defined]
    return pick


@model_class("stock.picking")
class StockPicking(Model):
    odoo_class = "Picking"

    def prepare_create(self, vals: dict[str, Any]) -> dict[str, Any]:
        sudo = self.env.sudo()
        picking_type = vals.get("picking_type_id")
        if picking_type and self.store.exists("stock.picking.type", picking_type):
            type_row = sudo["stock.picking.type"].row(picking_type)
            if not vals.get("location_id"):
                vals["location_id"] = type_row.get("default_location_src_id") or False
            if not vals.get("location_dest_id"):
                vals["location_dest_id"] = type_row.get("default_location_dest_id") or False
            if not vals.get("name") or vals.get("name") == "/":
                vals["name"] = self._next_name(type_row)
            vals.setdefault("company_id", type_row.get("company_id"))
        vals["state"] = "draft"
        return vals

    def _next_name(self, type_row: dict[str, Any]) -> str:
        warehouse = type_row.get("warehouse_id")
        code = self.env.sudo()["stock.warehouse"].row(warehouse).get("code") if warehouse else None
        prefix = (
            f"{code}/{type_row.get('sequence_code')}/"
            if code
            else f"{type_row.get('sequence_code')}/"
        )
        pattern = re.compile(re.escape(prefix) + r"(\d+)$")
        last = 0
        for row in self.rows().values():
            match = pattern.match(str(row.get("name") or ""))
            if match:
                last = max(last, int(match.group(1)))
        return f"{prefix}{last + 1:05d}"

    def moves(self, rid: int) -> list[int]:
        return list(self.env.registry.o2m_index("stock.move", "picking_id").get(rid, []))

    def after_create(self, ids: list[int]) -> None:
        moves = self.env.sudo()["stock.move"]
        for rid in ids:
            row = self.row(rid)
            for mid in self.moves(rid):
                mrow = moves.row(mid)
                values = {
                    "picking_type_id": row.get("picking_type_id"),
                    "company_id": row.get("company_id"),
                    "partner_id": row.get("partner_id"),
                }
                if not mrow.get("location_id"):
                    values["location_id"] = row.get("location_id")
                if not mrow.get("location_dest_id"):
                    values["location_dest_id"] = row.get("location_dest_id")
                moves.set_values(mid, values, touch=False)

    def get_carrier_tracking_url(self, rid: int) -> Any:
        row = self.row(rid)
        carrier = row.get("carrier_id")
        ref = row.get("carrier_tracking_ref")
        if not carrier or not ref:
            return None
        url = self.env.sudo()["delivery.carrier"].row(carrier).get("tracking_url")
        return str(url).replace("<shipmenttrackingnumber>", str(ref)) if url else None

    def recompute(self, ids: list[int]) -> None:
        moves = self.env.sudo()["stock.move"]
        products = self.env.sudo()["product.product"]
        for rid in ids:
            if not self.store.exists(self.name, rid):
                continue
            weight = 0.0
            for mid in self.moves(rid):
                m = moves.row(mid)
                weight += float(products.get(m["product_id"], "weight") or 0.0) * float(
                    m.get("product_uom_qty") or 0.0
                )
            self.set_values(rid, {"weight": weight}, touch=False)

    # ---- workflow ----------------------------------------------------------------------------

    def confirm(self, ids: list[int]) -> None:
        moves = self.env.sudo()["stock.move"]
        for rid in ids:
            if self.row(rid).get("state") != "draft":
                continue
            for mid in self.moves(rid):
                moves.set_values(mid, {"state": "confirmed"})
            self.set_values(rid, {"state": "confirmed"})
        self.assign(ids)

    def assign(self, ids: list[int]) -> None:
        """Reserve everything (stock is not tracked) and make the move lines."""
        moves = self.env.sudo()["stock.move"]
        move_lines = self.env.sudo()["stock.move.line"]
        version = self.version
        for rid in ids:
            picking = self.row(rid)
            if picking.get("state") not in ("confirmed", "waiting", "assigned"):
                continue
            for mid in self.moves(rid):
                move = moves.row(mid)
                if move.get("state") in ("done", "cancel"):
                    continue
                demand = float(move.get("product_uom_qty") or 0.0)
                existing = moves.get(mid, "move_line_ids")
                if not existing:
                    line_vals: dict[str, Any] = {
                        "move_id": mid,
                        "picking_id": rid,
                        "product_id": move["product_id"],
                        "product_uom_id": move["product_uom"],
                        "location_id": move["location_id"],
                        "location_dest_id": move["location_dest_id"],
                        "company_id": move.get("company_id"),
                    }
                    if version <= 16:
                        line_vals["reserved_uom_qty"] = demand
                    else:
                        line_vals["quantity"] = demand
                    move_lines.create_records([line_vals])
                values: dict[str, Any] = {"state": "assigned"}
                if version <= 16:
                    values["reserved_availability"] = demand
                elif not float(move.get("quantity") or 0.0):
                    values["quantity"] = demand
                moves.set_values(mid, values)
            self.set_values(rid, {"state": "assigned"})

    def _done_quantities(self, rid: int) -> dict[int, float]:
        moves = self.env.sudo()["stock.move"]
        field = _qty_field(self.version)
        out: dict[int, float] = {}
        for mid in self.moves(rid):
            move = moves.row(mid)
            if move.get("state") in ("done", "cancel"):
                continue
            if self.version >= 17 and not move.get("picked") and self._any_picked(rid):
                out[mid] = 0.0
            else:
                out[mid] = float(move.get(field) or 0.0)
        return out

    def _any_picked(self, rid: int) -> bool:
        moves = self.env.sudo()["stock.move"]
        return any(moves.row(m).get("picked") for m in self.moves(rid))

    def validate(self, ids: list[int], *, backorder: bool | None) -> Any:
        """``button_validate``: done, or the wizard Odoo answers with."""
        moves = self.env.sudo()["stock.move"]
        for rid in ids:
            state = self.row(rid).get("state")
            if state == "draft":
                self.confirm([rid])
            elif state in ("done", "cancel"):
                raise UserError(
                    "You cannot validate a transfer that is already done or cancelled."
                    if state == "done"
                    else "You cannot validate a cancelled transfer."
                )
        if self.version <= 16:
            nothing = [rid for rid in ids if not any(self._done_quantities(rid).values())]
            if nothing and backorder is None:
                wizard = self.env["stock.immediate.transfer"].create_records(
                    [{"pick_ids": [(6, 0, ids)], "show_transfers": len(ids) > 1}]
                )[0]
                return _wizard_action(
                    "stock.immediate.transfer", "Immediate Transfer?", wizard, ids
                )
        else:
            for rid in ids:
                if not self._any_picked(rid):
                    for mid in self.moves(rid):
                        if moves.row(mid).get("state") not in ("done", "cancel"):
                            moves.set_values(mid, {"picked": True})
                if not any(self._done_quantities(rid).values()):
                    raise UserError(
                        "You cannot validate a transfer if no quantities are reserved nor done. "
                        "You can use the info button on the transfer to force it."
                    )
        short = [
            rid
            for rid in ids
            if any(
                qty < float(moves.row(mid).get("product_uom_qty") or 0.0)
                for mid, qty in self._done_quantities(rid).items()
            )
        ]
        if short and backorder is None:
            wizard = self.env["stock.backorder.confirmation"].create_records(
                [{"pick_ids": [(6, 0, ids)], "show_transfers": len(ids) > 1}]
            )[0]
            return _wizard_action("stock.backorder.confirmation", "Create Backorder?", wizard, ids)
        for rid in ids:
            self._action_done(rid, backorder=bool(backorder) and rid in short)
        return True

    def _action_done(self, rid: int, *, backorder: bool) -> None:
        env = self.env
        moves = env.sudo()["stock.move"]
        move_lines = env.sudo()["stock.move.line"]
        field = _qty_field(self.version)
        done = self._done_quantities(rid)
        remaining: list[dict[str, Any]] = []
        for mid, qty in done.items():
            move = moves.row(mid)
            demand = float(move.get("product_uom_qty") or 0.0)
            if qty < demand and backorder:
                remaining.append(
                    {
                        "name": move.get("name"),
                        "product_id": move["product_id"],
                        "product_uom_qty": demand - qty,
                        "product_uom": move["product_uom"],
                        "sale_line_id": move.get("sale_line_id") or False,
                        "purchase_line_id": move.get("purchase_line_id") or False,
                        "origin": move.get("origin") or False,
                        "price_unit": move.get("price_unit") or 0.0,
                    }
                )
            if qty <= 0:
                moves.set_values(mid, {"state": "cancel"})
                continue
            values: dict[str, Any] = {"state": "done", field: qty, "date": env.now}
            if qty < demand:
                values["product_uom_qty"] = qty if self.version >= 17 else demand
            moves.set_values(mid, values)
            for lid in moves.get(mid, "move_line_ids"):
                line_values: dict[str, Any] = {"date": env.now}
                if self.version <= 16:
                    line_values["qty_done"] = qty
                else:
                    line_values.update(quantity=qty, picked=True)
                move_lines.set_values(lid, line_values)
            self._update_order_line(move, qty)
        self.set_values(rid, {"state": "done", "date_done": env.now})
        if remaining:
            row = self.row(rid)
            new = self.create_records(
                [
                    {
                        "picking_type_id": row["picking_type_id"],
                        "partner_id": row.get("partner_id") or False,
                        "origin": row.get("origin") or False,
                        "backorder_id": rid,
                        "company_id": row.get("company_id"),
                        "location_id": row.get("location_id"),
                        "location_dest_id": row.get("location_dest_id"),
                        "sale_id": row.get("sale_id") or False,
                        "purchase_id": row.get("purchase_id") or False,
                        "carrier_id": row.get("carrier_id") or False,
                        "move_ids": [(0, 0, vals) for vals in remaining],
                    }
                ]
            )[0]
            self.confirm([new])

    def _update_order_line(self, move: dict[str, Any], qty: float) -> None:
        sudo = self.env.sudo()
        if move.get("sale_line_id"):
            lines = sudo["sale.order.line"]
            line = lines.row(move["sale_line_id"])
            code = (
                sudo["stock.picking.type"].row(move["picking_type_id"]).get("code")
                if move.get("picking_type_id")
                else "outgoing"
            )
            delta = qty if code == "outgoing" else -qty
            lines.set_values(
                line["id"], {"qty_delivered": float(line.get("qty_delivered") or 0.0) + delta}
            )
            lines.recompute([line["id"]])
        if move.get("purchase_line_id"):
            lines = sudo["purchase.order.line"]
            line = lines.row(move["purchase_line_id"])
            lines.set_values(
                line["id"], {"qty_received": float(line.get("qty_received") or 0.0) + qty}
            )
            lines.recompute([line["id"]])

    @rpc("records")
    def action_confirm(self, ids: list[int]) -> bool:
        ids = self.check_access(ids, "write")
        self.confirm(ids)
        return True

    @rpc("records")
    def action_assign(self, ids: list[int]) -> bool:
        ids = self.check_access(ids, "write")
        for rid in ids:
            if self.row(rid).get("state") == "draft":
                self.confirm([rid])
        self.assign(ids)
        return True

    @rpc("records")
    def button_validate(self, ids: list[int]) -> Any:
        ids = self.check_access(ids, "write")
        context = self.env.context
        backorder: bool | None = None
        if context.get("skip_backorder"):
            backorder = not bool(context.get("cancel_backorder"))
        if self.version <= 16 and context.get("skip_immediate") and backorder is None:
            backorder = None
        return self.validate(ids, backorder=backorder)

    @rpc("records")
    def action_cancel(self, ids: list[int]) -> bool:
        ids = self.check_access(ids, "write")
        moves = self.env.sudo()["stock.move"]
        for rid in ids:
            if self.row(rid).get("state") == "done":
                raise UserError("You cannot cancel a transfer that is done.")
            for mid in self.moves(rid):
                if moves.row(mid).get("state") != "done":
                    moves.set_values(mid, {"state": "cancel"})
            self.set_values(rid, {"state": "cancel"})
        return True

    def check_unlink(self, ids: list[int]) -> None:
        for rid in ids:
            if self.row(rid).get("state") == "done":
                raise UserError("You can not delete a done transfer.")


def _wizard_action(model: str, name: str, wizard: int, pickings: list[int]) -> dict[str, Any]:
    return {
        "name": name,
        "type": "ir.actions.act_window",
        "view_mode": "form",
        "res_model": model,
        "views": [[False, "form"]],
        "view_id": False,
        "target": "new",
        "res_id": wizard,
        "context": {
            "button_validate_picking_ids": pickings,
            "default_pick_ids": [[4, p] for p in pickings],
        },
    }


@model_class("stock.immediate.transfer")
class StockImmediateTransfer(Model):
    odoo_class = "StockImmediateTransfer"

    def prepare_create(self, vals: dict[str, Any]) -> dict[str, Any]:
        if not vals.get("pick_ids") and self.env.context.get("button_validate_picking_ids"):
            vals["pick_ids"] = [(6, 0, list(self.env.context["button_validate_picking_ids"]))]
        return vals

    @rpc("records")
    def process(self, ids: list[int]) -> Any:
        ids = self.check_access(ids, "write")
        pickings = self.env["stock.picking"]
        moves = self.env.sudo()["stock.move"]
        result: Any = True
        for rid in ids:
            pick_ids = _ids_of_commands([(6, 0, self.row(rid).get("pick_ids") or [])])
            for pick in pick_ids:
                for mid in pickings.moves(pick):  # type: ignore[attr-defined]
                    move = moves.row(mid)
                    if move.get("state") not in ("done", "cancel"):
                        moves.set_values(
                            mid,
                            {
                                "quantity_done": float(
                                    move.get("reserved_availability")
                                    or move.get("product_uom_qty")
                                    or 0.0
                                )
                            },
                        )
            result = pickings.validate(pick_ids, backorder=None)  # type: ignore[attr-defined]
        return result


@model_class("stock.backorder.confirmation")
class StockBackorderConfirmation(Model):
    odoo_class = "StockBackorderConfirmation"

    def prepare_create(self, vals: dict[str, Any]) -> dict[str, Any]:
        if not vals.get("pick_ids") and self.env.context.get("button_validate_picking_ids"):
            vals["pick_ids"] = [(6, 0, list(self.env.context["button_validate_picking_ids"]))]
        return vals

    def _finish(self, ids: list[int], *, backorder: bool) -> bool:
        ids = self.check_access(ids, "write")
        pickings = self.env["stock.picking"]
        for rid in ids:
            pick_ids = list(self.row(rid).get("pick_ids") or [])
            pickings.validate(pick_ids, backorder=backorder)  # type: ignore[attr-defined]
        return True

    @rpc("records")
    def process(self, ids: list[int]) -> bool:
        return self._finish(ids, backorder=True)

    @rpc("records")
    def process_cancel_backorder(self, ids: list[int]) -> bool:
        return self._finish(ids, backorder=False)


@model_class("stock.move")
class StockMove(Model):
    odoo_class = "StockMove"

    def prepare_create(self, vals: dict[str, Any]) -> dict[str, Any]:
        picking = vals.get("picking_id")
        if picking and self.store.exists("stock.picking", picking):
            row = self.env.sudo()["stock.picking"].row(picking)
            for field, source in (
                ("location_id", "location_id"),
                ("location_dest_id", "location_dest_id"),
                ("picking_type_id", "picking_type_id"),
                ("company_id", "company_id"),
                ("partner_id", "partner_id"),
            ):
                if not vals.get(field) or (field == "company_id" and row.get(source)):
                    vals[field] = row.get(source) or False
        product = vals.get("product_id")
        if (
            not vals.get("product_uom")
            and product
            and self.store.exists("product.product", product)
        ):
            vals["product_uom"] = self.env.sudo()["product.product"].get(product, "uom_id")
        vals["state"] = "draft"
        return vals

    def get_reference(self, rid: int) -> Any:
        row = self.row(rid)
        if row.get("picking_id"):
            return self.env.sudo()["stock.picking"].row(row["picking_id"]).get("name")
        return row.get("name")

    def recompute(self, ids: list[int]) -> None:
        for rid in ids:
            if not self.store.exists(self.name, rid):
                continue
            row = self.row(rid)
            self.set_values(
                rid,
                {
                    "product_qty": float(row.get("product_uom_qty") or 0.0),
                    "reference": self.get_reference(rid),
                },
                touch=False,
            )


@model_class("stock.location")
class StockLocation(Model):
    odoo_class = "Location"

    def recompute(self, ids: list[int]) -> None:
        for rid in ids:
            names: list[str] = []
            current: int | None = rid
            seen: set[int] = set()
            while current is not None and current not in seen:
                seen.add(current)
                row = self.row(current)
                names.insert(0, str(row.get("name") or ""))
                current = row.get("location_id")
            self.set_values(rid, {"complete_name": "/".join(names)}, touch=False)
