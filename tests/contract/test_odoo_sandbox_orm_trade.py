"""Sale orders, purchase orders and transfers in the Odoo sandbox's ORM, per version
(shared/reference/odoo.md §2: sale.order, purchase.order, stock.picking, stock.move)."""

from __future__ import annotations

from typing import Any

import pytest
from test_odoo_sandbox_orm_support import VERSIONS, World, fails, make_world

from tilisilta.sandbox.odoo.exceptions import ServerValueError, UserError
from tilisilta.sandbox.odoo.orm import make_purchase_order, make_sale_order


@pytest.fixture(params=VERSIONS, ids=lambda v: f"odoo{v}")
def world(request: pytest.FixtureRequest) -> World:
    return make_world(request.param)


def line_fields(world: World, purchase: bool = False) -> tuple[str, str]:
    """(unit field, taxes field) of order lines in this version."""
    if world.version >= 19:
        return "product_uom_id", "tax_ids"
    return "product_uom", "taxes_id" if purchase else "tax_id"


def test_sale_order_numbering_prices_and_taxes(world: World) -> None:
    a = world.a
    uom, taxes = line_fields(world)
    order = world.rpc(
        "sale.order",
        "create",
        {
            "partner_id": a.customers["aalto"],
            "client_order_ref": "PO-2026-17",
            "order_line": [
                (0, 0, {"product_id": a.products["coffee"], "product_uom_qty": 10}),
                (
                    0,
                    0,
                    {"product_id": a.products["consulting"], "product_uom_qty": 2, "discount": 50},
                ),
            ],
        },
    )
    row = world.read1(
        "sale.order",
        order,
        [
            "name",
            "state",
            "amount_untaxed",
            "amount_tax",
            "amount_total",
            "partner_invoice_id",
            "partner_shipping_id",
            "order_line",
            "currency_id",
        ],
    )
    assert row["name"] == "S00001"
    assert row["state"] == "draft"
    assert row["amount_untaxed"] == 89.0 + 120.0
    assert row["amount_tax"] == round(12.02 + 30.6, 2)
    assert row["amount_total"] == round(209.0 + 42.62, 2)
    assert row["partner_invoice_id"][0] == row["partner_shipping_id"][0] == a.customers["aalto"]
    lines = world.rpc(
        "sale.order.line", "read", row["order_line"], [uom, taxes, "price_unit", "name"]
    )
    assert lines[0][uom][0] == a.uoms["units"]
    assert lines[1][uom][0] == a.uoms["hours"]
    assert lines[0][taxes] == [a.taxes["sale_13_5"]]
    assert lines[0]["price_unit"] == 8.9
    assert lines[0]["name"] == "[KAHVI-500] Kahvipaketti 500 g"


def test_confirming_a_sale_order_makes_the_delivery(world: World) -> None:
    a = world.a
    order = make_sale_order(
        world.reg,
        a,
        a.customers["korhonen"],
        [("coffee", 3), ("coffee_maker", 1), ("consulting", 2)],
        confirm=False,
    )
    assert world.rpc("sale.order", "action_confirm", [order]) is True
    row = world.read1(
        "sale.order", order, ["state", "picking_ids", "delivery_count", "invoice_status"]
    )
    assert row["state"] == "sale"
    assert row["delivery_count"] == 1
    assert row["invoice_status"] == "to invoice"
    picking = world.read1(
        "stock.picking",
        row["picking_ids"][0],
        [
            "name",
            "state",
            "origin",
            "partner_id",
            "picking_type_code",
            "move_ids",
            "sale_id",
            "location_dest_id",
        ],
    )
    assert picking["name"] == "WH/OUT/00001"
    assert picking["state"] == "assigned"
    assert picking["origin"] == "S00001"
    assert picking["picking_type_code"] == "outgoing"
    assert picking["sale_id"][0] == order
    assert picking["location_dest_id"][0] == a.locations["customers"]
    # services make no stock move
    moves = world.rpc(
        "stock.move",
        "read",
        picking["move_ids"],
        ["product_id", "product_uom_qty", "state", "sale_line_id"],
    )
    assert sorted(m["product_id"][0] for m in moves) == sorted(
        [a.products["coffee"], a.products["coffee_maker"]]
    )
    assert all(m["state"] == "assigned" and m["sale_line_id"] for m in moves)


def test_confirming_twice_is_refused(world: World) -> None:
    order = make_sale_order(world.reg, world.a, world.a.customers["aalto"])
    if world.version == 16:
        fails(
            UserError,
            world.rpc,
            "sale.order",
            "action_confirm",
            [order],
            match="It is not allowed to confirm an order in the following states: Sales Order",
        )
    else:
        fails(
            UserError,
            world.rpc,
            "sale.order",
            "action_confirm",
            [order],
            match="Some orders are not in a state requiring confirmation.",
        )


def test_sale_order_state_done_only_in_16(world: World) -> None:
    order = make_sale_order(world.reg, world.a, world.a.customers["aalto"])
    if world.version == 16:
        assert world.rpc("sale.order", "action_done", [order]) is True
        assert world.read1("sale.order", order, ["state"])["state"] == "done"
    else:
        assert world.rpc("sale.order", "action_lock", [order]) is None
        row = world.read1("sale.order", order, ["state", "locked"])
        assert row == {"id": order, "state": "sale", "locked": True}
        fails(
            UserError,
            world.rpc,
            "sale.order",
            "action_cancel",
            [order],
            match="You cannot cancel a locked order. Please unlock it first.",
        )


def test_cancel_and_delete_sale_orders(world: World) -> None:
    order = make_sale_order(world.reg, world.a, world.a.customers["aalto"])
    fails(
        UserError,
        world.rpc,
        "sale.order",
        "unlink",
        [order],
        match="You can not delete a sent quotation or a confirmed sales order. You must first "
        "cancel it.",
    )
    assert world.rpc("sale.order", "action_cancel", [order]) is True
    row = world.read1("sale.order", order, ["state", "picking_ids"])
    assert row["state"] == "cancel"
    assert world.read1("stock.picking", row["picking_ids"][0], ["state"])["state"] == "cancel"
    assert world.rpc("sale.order", "unlink", [order]) is True


def validate(world: World, picking: int) -> Any:
    """``button_validate`` and, on 16, the immediate-transfer wizard it answers with."""
    result = world.rpc("stock.picking", "button_validate", [picking])
    if world.version == 16:
        assert result["res_model"] == "stock.immediate.transfer"
        result = world.rpc("stock.immediate.transfer", "process", [result["res_id"]])
    return result


def test_validating_the_delivery(world: World) -> None:
    a = world.a
    order = make_sale_order(world.reg, a, a.customers["aalto"], [("coffee", 3)])
    picking = world.read1("sale.order", order, ["picking_ids"])["picking_ids"][0]
    world.clock.advance(3600)
    assert validate(world, picking) is True
    row = world.read1("stock.picking", picking, ["state", "date_done", "move_ids", "move_line_ids"])
    assert row["state"] == "done"
    assert row["date_done"] == "2026-03-02 10:00:00"
    qty = "quantity_done" if world.version == 16 else "quantity"
    move = world.read1("stock.move", row["move_ids"][0], ["state", qty])
    assert move["state"] == "done" and move[qty] == 3.0
    line_qty = "qty_done" if world.version == 16 else "quantity"
    line = world.read1("stock.move.line", row["move_line_ids"][0], [line_qty])
    assert line[line_qty] == 3.0
    if world.version >= 17:
        assert world.read1("stock.move", row["move_ids"][0], ["picked"])["picked"] is True
    delivered = world.rpc(
        "sale.order.line", "search_read", [("order_id", "=", order)], ["qty_delivered"]
    )
    assert delivered[0]["qty_delivered"] == 3.0
    fails(UserError, world.rpc, "stock.picking", "button_validate", [picking])


def test_partial_delivery_asks_about_a_backorder(world: World) -> None:
    a = world.a
    order = make_sale_order(world.reg, a, a.customers["aalto"], [("coffee", 5)])
    picking = world.read1("sale.order", order, ["picking_ids"])["picking_ids"][0]
    move = world.read1("stock.picking", picking, ["move_ids"])["move_ids"][0]
    qty = "quantity_done" if world.version == 16 else "quantity"
    world.rpc("stock.move", "write", [move], {qty: 2.0})
    action = world.rpc("stock.picking", "button_validate", [picking])
    assert action["res_model"] == "stock.backorder.confirmation"
    assert world.rpc("stock.backorder.confirmation", "process", [action["res_id"]]) is True
    assert world.read1("stock.picking", picking, ["state"])["state"] == "done"
    backorders = world.rpc(
        "stock.picking",
        "search_read",
        [("backorder_id", "=", picking)],
        ["state", "move_ids", "name"],
    )
    assert len(backorders) == 1
    assert backorders[0]["name"] == "WH/OUT/00002"
    rest = world.read1("stock.move", backorders[0]["move_ids"][0], ["product_uom_qty"])
    assert rest["product_uom_qty"] == 3.0
    assert (
        world.rpc("sale.order.line", "search_read", [("order_id", "=", order)], ["qty_delivered"])[
            0
        ]["qty_delivered"]
        == 2.0
    )


def test_partial_delivery_without_backorder(world: World) -> None:
    a = world.a
    order = make_sale_order(world.reg, a, a.customers["aalto"], [("coffee", 5)])
    picking = world.read1("sale.order", order, ["picking_ids"])["picking_ids"][0]
    move = world.read1("stock.picking", picking, ["move_ids"])["move_ids"][0]
    world.rpc(
        "stock.move",
        "write",
        [move],
        {("quantity_done" if world.version == 16 else "quantity"): 4.0},
    )
    action = world.rpc("stock.picking", "button_validate", [picking])
    world.rpc("stock.backorder.confirmation", "process_cancel_backorder", [action["res_id"]])
    assert world.rpc("stock.picking", "search", [("backorder_id", "=", picking)]) == []


def test_tracking_reference_and_url(world: World) -> None:
    a = world.a
    order = make_sale_order(world.reg, a, a.customers["aalto"], carrier_id=a.carrier_id)
    picking = world.read1("sale.order", order, ["picking_ids"])["picking_ids"][0]
    world.rpc("stock.picking", "write", [picking], {"carrier_tracking_ref": "JJFI12345"})
    row = world.read1("stock.picking", picking, ["carrier_id", "carrier_tracking_url"])
    assert row["carrier_id"][0] == a.carrier_id
    assert row["carrier_tracking_url"].endswith("/lahetys/JJFI12345")


def test_purchase_order_flow(world: World) -> None:
    a = world.a
    uom, taxes = line_fields(world, purchase=True)
    order = make_purchase_order(
        world.reg, a, a.vendors["nieminen"], [("coffee", 20)], confirm=False
    )
    row = world.read1("purchase.order", order, ["name", "state", "amount_untaxed", "order_line"])
    assert row["name"] == "P00001" and row["state"] == "draft"
    assert row["amount_untaxed"] == 84.0  # 20 x the cost 4.20
    line_id = row["order_line"][0]
    line = world.read1("purchase.order.line", line_id, [uom, taxes, "product_qty"])
    assert line[taxes] == [a.taxes["purchase_13_5"]]
    assert world.rpc("purchase.order", "button_confirm", [order]) is True
    row = world.read1("purchase.order", order, ["state", "picking_ids", "date_approve"])
    assert row["state"] == "purchase"
    assert row["date_approve"] == "2026-03-02 09:00:00"
    receipt = world.read1(
        "stock.picking", row["picking_ids"][0], ["name", "picking_type_code", "purchase_id"]
    )
    assert receipt["name"] == "WH/IN/00001"
    assert receipt["picking_type_code"] == "incoming"
    assert receipt["purchase_id"][0] == order
    validate(world, row["picking_ids"][0])
    received = world.read1("purchase.order.line", line_id, ["qty_received"])
    assert received["qty_received"] == 20.0
    if world.version >= 17:
        assert world.read1("purchase.order", order, ["receipt_status"])["receipt_status"] == "full"


def test_purchase_cancel_returns_none(world: World) -> None:
    order = make_purchase_order(
        world.reg, world.a, world.a.vendors["lahtinen"], [("newspaper", 100)]
    )
    assert world.rpc("purchase.order", "button_cancel", [order]) is None
    assert world.read1("purchase.order", order, ["state"])["state"] == "cancel"
    assert world.rpc("purchase.order", "button_draft", [order]) == {}
    fails(
        UserError,
        world.rpc,
        "purchase.order",
        "unlink",
        [make_purchase_order(world.reg, world.a, world.a.vendors["lahtinen"])],
        match="In order to delete a purchase order, you must cancel it first.",
    )


def test_storable_products_per_version(world: World) -> None:
    a = world.a
    row = world.read1(
        "product.template",
        a.templates["coffee_maker"],
        ["type"] + (["detailed_type"] if world.version <= 17 else ["is_storable"]),
    )
    if world.version <= 17:
        assert row["type"] == row["detailed_type"] == "product"
    else:
        assert row["type"] == "consu" and row["is_storable"] is True
        fails(
            ServerValueError,
            world.rpc,
            "product.template",
            "create",
            {"name": "X", "type": "product"},
            match="Wrong value for product.template.type",
        )


def test_order_lines_in_19_use_the_new_names(world: World) -> None:
    a = world.a
    uom, taxes = line_fields(world)
    order = world.rpc(
        "sale.order",
        "create",
        {
            "partner_id": a.customers["aalto"],
            "order_line": [
                (
                    0,
                    0,
                    {
                        "product_id": a.products["coffee"],
                        uom: a.uoms["units"],
                        taxes: [(6, 0, [a.taxes["sale_25_5"]])],
                    },
                )
            ],
        },
    )
    line = world.read1("sale.order", order, ["order_line"])["order_line"][0]
    assert world.read1("sale.order.line", line, [taxes])[taxes] == [a.taxes["sale_25_5"]]
    old = "product_uom" if world.version >= 19 else "product_uom_id"
    fails(
        ServerValueError,
        world.rpc,
        "sale.order.line",
        "write",
        [line],
        {old: a.uoms["units"]},
        match=f"Invalid field '{old}' on model 'sale.order.line'",
    )
