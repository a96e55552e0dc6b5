"""Field profiles of sales, purchase, stock and delivery models per Odoo version (16-19)."""

from __future__ import annotations

from . import fields as F
from .profiles_base import default_company, default_currency, default_now, default_uid
from .spec import ModelSpec

LINE_DISPLAY_TYPES = [("line_section", "Section"), ("line_note", "Note")]


def sale_order(v: int) -> ModelSpec:
    states = [("draft", "Quotation"), ("sent", "Quotation Sent"), ("sale", "Sales Order")]
    if v <= 16:
        states.append(("done", "Locked"))
    states.append(("cancel", "Cancelled"))
    fields: dict[str, F.Field] = {
        "name": F.char("Order Reference", required=True, default="New", copy=False),
        "origin": F.char("Source Document"),
        "client_order_ref": F.char("Customer Reference", copy=False),
        "reference": F.char("Payment Ref.", copy=False),
        "state": F.selection(states, "Status", default="draft", copy=False, readonly=True),
        "date_order": F.datetime_("Order Date", required=True, default=default_now, copy=False),
        "validity_date": F.date_("Expiration"),
        "commitment_date": F.datetime_("Delivery Date", copy=False),
        "user_id": F.many2one("res.users", "Salesperson", default=default_uid),
        "partner_id": F.many2one("res.partner", "Customer", required=True, check_company=True),
        "partner_invoice_id": F.many2one(
            "res.partner", "Invoice Address", required=True, check_company=True
        ),
        "partner_shipping_id": F.many2one(
            "res.partner", "Delivery Address", required=True, check_company=True
        ),
        "company_id": F.many2one("res.company", "Company", required=True, default=default_company),
        "currency_id": F.many2one("res.currency", "Currency", default=default_currency),
        "order_line": F.one2many("sale.order.line", "order_id", "Order Lines", copy=True),
        "note": F.html("Terms and conditions"),
        "amount_untaxed": F.computed("monetary", "Untaxed Amount"),
        "amount_tax": F.computed("monetary", "Taxes"),
        "amount_total": F.computed("monetary", "Total"),
        "payment_term_id": F.many2one("account.payment.term", "Payment Terms", check_company=True),
        "fiscal_position_id": F.many2one(
            "account.fiscal.position", "Fiscal Position", check_company=True
        ),
        "invoice_status": F.computed(
            "selection",
            "Invoice Status",
            selection=(
                ("upselling", "Upselling Opportunity"),
                ("invoiced", "Fully Invoiced"),
                ("to invoice", "To Invoice"),
                ("no", "Nothing to Invoice"),
            ),
        ),
        "invoice_ids": F.computed("many2many", "Invoices", store=False, relation="account.move"),
        "invoice_count": F.computed("integer", "Invoice Count", store=False),
        "picking_ids": F.one2many("stock.picking", "sale_id", "Transfers"),
        "delivery_count": F.computed("integer", "Delivery Orders", store=False),
        "warehouse_id": F.many2one("stock.warehouse", "Warehouse", check_company=True),
        "picking_policy": F.selection(
            [("direct", "As soon as possible"), ("one", "When all products are ready")],
            "Shipping Policy",
            default="direct",
            required=True,
        ),
        "carrier_id": F.many2one("delivery.carrier", "Delivery Method", check_company=True),
        "signed_by": F.char("Signed By", copy=False),
    }
    if v >= 17:
        fields["locked"] = F.boolean("Locked", copy=False)
    return ModelSpec(
        "sale.order",
        "Sales Order",
        fields,
        order="date_order desc, id desc",
        company_rule="strict",
    )


def sale_order_line(v: int) -> ModelSpec:
    fields: dict[str, F.Field] = {
        "order_id": F.many2one("sale.order", "Order Reference", required=True, ondelete="cascade"),
        "sequence": F.integer("Sequence", default=10),
        "name": F.text("Description"),
        "display_type": F.selection(LINE_DISPLAY_TYPES, "Display Type"),
        "product_id": F.many2one("product.product", "Product", check_company=True),
        "product_template_id": F.related(
            "many2one",
            "product_id.product_tmpl_id",
            "Product Template",
            relation="product.template",
        ),
        "product_uom_qty": F.float_("Quantity", default=1.0),
        "price_unit": F.float_("Unit Price"),
        "discount": F.float_("Discount (%)"),
        "price_subtotal": F.computed("monetary", "Subtotal"),
        "price_tax": F.computed("float", "Total Tax"),
        "price_total": F.computed("monetary", "Total"),
        "qty_delivered": F.float_("Delivery Quantity", copy=False),
        "qty_invoiced": F.computed("float", "Invoiced Quantity"),
        "qty_to_invoice": F.computed("float", "Quantity To Invoice"),
        "invoice_lines": F.many2many("account.move.line", "Invoice Lines", copy=False),
        "invoice_status": F.computed(
            "selection",
            "Invoice Status",
            selection=(
                ("upselling", "Upselling Opportunity"),
                ("invoiced", "Fully Invoiced"),
                ("to invoice", "To Invoice"),
                ("no", "Nothing to Invoice"),
            ),
        ),
        "move_ids": F.one2many("stock.move", "sale_line_id", "Stock Moves"),
        "state": F.related(
            "selection",
            "order_id.state",
            "Order Status",
            selection=tuple(sale_order(v).fields["state"].selection),
        ),
        "company_id": F.related(
            "many2one", "order_id.company_id", "Company", relation="res.company"
        ),
        "currency_id": F.related(
            "many2one", "order_id.currency_id", "Currency", relation="res.currency"
        ),
        "order_partner_id": F.related(
            "many2one", "order_id.partner_id", "Customer", relation="res.partner"
        ),
        "customer_lead": F.float_("Lead Time", default=0.0),
    }
    if v <= 18:
        fields["product_uom"] = F.many2one("uom.uom", "Unit of Measure")
        fields["tax_id"] = F.many2many("account.tax", "Taxes", check_company=True)
    else:
        fields["product_uom_id"] = F.many2one("uom.uom", "Unit")
        fields["tax_ids"] = F.many2many("account.tax", "Taxes", check_company=True)
    return ModelSpec(
        "sale.order.line",
        "Sales Order Line",
        fields,
        order="order_id, sequence, id",
        company_rule="strict",
    )


def purchase_order(v: int) -> ModelSpec:
    states = [
        ("draft", "RFQ"),
        ("sent", "RFQ Sent"),
        ("to approve", "To Approve"),
        ("purchase", "Purchase Order"),
    ]
    if v <= 18:
        states.append(("done", "Locked"))
    states.append(("cancel", "Cancelled"))
    fields: dict[str, F.Field] = {
        "name": F.char("Order Reference", required=True, default="New", copy=False),
        "priority": F.selection([("0", "Normal"), ("1", "Urgent")], "Priority", default="0"),
        "origin": F.char("Source Document", copy=False),
        "partner_ref": F.char("Vendor Reference", copy=False),
        "date_order": F.datetime_("Order Deadline", required=True, default=default_now, copy=False),
        "date_approve": F.datetime_("Confirmation Date", readonly=True, copy=False),
        "date_planned": F.datetime_("Expected Arrival", copy=False),
        "partner_id": F.many2one("res.partner", "Vendor", required=True, check_company=True),
        "currency_id": F.many2one(
            "res.currency", "Currency", required=True, default=default_currency
        ),
        "state": F.selection(states, "Status", default="draft", readonly=True, copy=False),
        "order_line": F.one2many("purchase.order.line", "order_id", "Order Lines", copy=True),
        "notes": F.html("Terms and Conditions"),
        "amount_untaxed": F.computed("monetary", "Untaxed Amount"),
        "amount_tax": F.computed("monetary", "Taxes"),
        "amount_total": F.computed("monetary", "Total"),
        "fiscal_position_id": F.many2one(
            "account.fiscal.position", "Fiscal Position", check_company=True
        ),
        "payment_term_id": F.many2one("account.payment.term", "Payment Terms", check_company=True),
        "user_id": F.many2one("res.users", "Buyer", default=default_uid),
        "company_id": F.many2one("res.company", "Company", required=True, default=default_company),
        "invoice_ids": F.computed("many2many", "Bills", store=False, relation="account.move"),
        "invoice_count": F.computed("integer", "Bill Count", store=False),
        "invoice_status": F.computed(
            "selection",
            "Billing Status",
            selection=(
                ("no", "Nothing to Bill"),
                ("to invoice", "Waiting Bills"),
                ("invoiced", "Fully Billed"),
            ),
        ),
        "picking_ids": F.computed("many2many", "Receptions", store=False, relation="stock.picking"),
        "picking_type_id": F.many2one(
            "stock.picking.type", "Deliver To", required=True, check_company=True
        ),
        "incoming_picking_count": F.computed("integer", "Incoming Shipment count", store=False),
    }
    if v >= 17:
        fields["receipt_status"] = F.computed(
            "selection",
            "Receipt Status",
            selection=(
                ("pending", "Not Received"),
                ("partial", "Partially Received"),
                ("full", "Fully Received"),
            ),
        )
    if v >= 19:
        fields["locked"] = F.boolean("Locked", copy=False)
    return ModelSpec(
        "purchase.order",
        "Purchase Order",
        fields,
        order="priority desc, id desc",
        company_rule="strict",
    )


def purchase_order_line(v: int) -> ModelSpec:
    fields: dict[str, F.Field] = {
        "order_id": F.many2one(
            "purchase.order", "Order Reference", required=True, ondelete="cascade"
        ),
        "sequence": F.integer("Sequence", default=10),
        "name": F.text("Description"),
        "display_type": F.selection(LINE_DISPLAY_TYPES, "Display Type"),
        "product_id": F.many2one("product.product", "Product", check_company=True),
        "product_qty": F.float_("Quantity", default=1.0),
        "product_uom_qty": F.computed("float", "Total Quantity"),
        "date_planned": F.datetime_("Expected Arrival"),
        "price_unit": F.float_("Unit Price"),
        "discount": F.float_("Discount (%)"),
        "price_subtotal": F.computed("monetary", "Subtotal"),
        "price_tax": F.computed("float", "Tax"),
        "price_total": F.computed("monetary", "Total"),
        "qty_received": F.float_("Received Qty", copy=False),
        "qty_invoiced": F.computed("float", "Billed Qty"),
        "move_ids": F.one2many("stock.move", "purchase_line_id", "Reservation"),
        "invoice_lines": F.one2many("account.move.line", "purchase_line_id", "Bill Lines"),
        "state": F.related(
            "selection",
            "order_id.state",
            "Status",
            selection=tuple(purchase_order(v).fields["state"].selection),
        ),
        "company_id": F.related(
            "many2one", "order_id.company_id", "Company", relation="res.company"
        ),
        "currency_id": F.related(
            "many2one", "order_id.currency_id", "Currency", relation="res.currency"
        ),
        "partner_id": F.related(
            "many2one", "order_id.partner_id", "Partner", relation="res.partner"
        ),
    }
    if v <= 18:
        fields["product_uom"] = F.many2one("uom.uom", "Unit of Measure")
        fields["taxes_id"] = F.many2many("account.tax", "Taxes", check_company=True)
    else:
        fields["product_uom_id"] = F.many2one("uom.uom", "Unit")
        fields["tax_ids"] = F.many2many("account.tax", "Taxes", check_company=True)
    return ModelSpec(
        "purchase.order.line",
        "Purchase Order Line",
        fields,
        order="order_id, sequence, id",
        company_rule="strict",
    )


def stock_warehouse(v: int) -> ModelSpec:
    return ModelSpec(
        "stock.warehouse",
        "Warehouse",
        {
            "name": F.char("Warehouse", required=True),
            "code": F.char("Short Name", required=True),
            "active": F.boolean("Active", default=True),
            "company_id": F.many2one(
                "res.company", "Company", required=True, default=default_company
            ),
            "partner_id": F.many2one("res.partner", "Address"),
            "lot_stock_id": F.many2one("stock.location", "Location Stock"),
            "in_type_id": F.many2one("stock.picking.type", "In Type"),
            "out_type_id": F.many2one("stock.picking.type", "Out Type"),
            "sequence": F.integer("Sequence", default=10),
        },
        order="sequence,id",
        company_rule="strict",
    )


def stock_location(v: int) -> ModelSpec:
    return ModelSpec(
        "stock.location",
        "Inventory Locations",
        {
            "name": F.char("Location Name", required=True),
            "complete_name": F.computed("char", "Full Location Name"),
            "active": F.boolean("Active", default=True),
            "usage": F.selection(
                [
                    ("supplier", "Vendor Location"),
                    ("view", "View"),
                    ("internal", "Internal Location"),
                    ("customer", "Customer Location"),
                    ("inventory", "Inventory Loss"),
                    ("production", "Production"),
                    ("transit", "Transit Location"),
                ],
                "Location Type",
                default="internal",
                required=True,
            ),
            "location_id": F.many2one("stock.location", "Parent Location", ondelete="cascade"),
            "child_ids": F.one2many("stock.location", "location_id", "Contains"),
            "company_id": F.many2one("res.company", "Company"),
            "warehouse_id": F.many2one("stock.warehouse", "Warehouse"),
        },
        order="complete_name, id",
        rec_name="complete_name",
        parent_name="location_id",
        company_rule="shared",
    )


def stock_picking_type(v: int) -> ModelSpec:
    return ModelSpec(
        "stock.picking.type",
        "Picking Type",
        {
            "name": F.char("Operation Type", required=True, translate=True),
            "code": F.selection(
                [
                    ("incoming", "Receipt"),
                    ("outgoing", "Delivery"),
                    ("internal", "Internal Transfer"),
                ],
                "Type of Operation",
                required=True,
            ),
            "sequence_code": F.char("Sequence Prefix", required=True),
            "sequence": F.integer("Sequence", default=10),
            "active": F.boolean("Active", default=True),
            "warehouse_id": F.many2one("stock.warehouse", "Warehouse", ondelete="cascade"),
            "company_id": F.many2one(
                "res.company", "Company", required=True, default=default_company
            ),
            "default_location_src_id": F.many2one("stock.location", "Default Source Location"),
            "default_location_dest_id": F.many2one(
                "stock.location", "Default Destination Location"
            ),
        },
        order="sequence, id",
        company_rule="strict",
    )


def stock_picking(v: int) -> ModelSpec:
    fields: dict[str, F.Field] = {
        "name": F.char("Reference", default="/", copy=False),
        "origin": F.char("Source Document"),
        "note": F.html("Notes"),
        "backorder_id": F.many2one("stock.picking", "Back Order of", copy=False),
        "backorder_ids": F.one2many("stock.picking", "backorder_id", "Back Orders"),
        "move_type": F.selection(
            [("direct", "As soon as possible"), ("one", "When all products are ready")],
            "Shipping Policy",
            default="direct",
            required=True,
        ),
        "state": F.selection(
            [
                ("draft", "Draft"),
                ("waiting", "Waiting Another Operation"),
                ("confirmed", "Waiting"),
                ("assigned", "Ready"),
                ("done", "Done"),
                ("cancel", "Cancelled"),
            ],
            "Status",
            default="draft",
            readonly=True,
            copy=False,
        ),
        "priority": F.selection([("0", "Normal"), ("1", "Urgent")], "Priority", default="0"),
        "scheduled_date": F.datetime_("Scheduled Date", default=default_now),
        "date_deadline": F.datetime_("Deadline"),
        "date_done": F.datetime_("Date of Transfer", copy=False, readonly=True),
        "location_id": F.many2one(
            "stock.location", "Source Location", required=True, check_company=True
        ),
        "location_dest_id": F.many2one(
            "stock.location", "Destination Location", required=True, check_company=True
        ),
        "move_ids": F.one2many("stock.move", "picking_id", "Stock Moves", copy=True),
        "move_line_ids": F.one2many("stock.move.line", "picking_id", "Operations"),
        "picking_type_id": F.many2one(
            "stock.picking.type", "Operation Type", required=True, check_company=True
        ),
        "picking_type_code": F.related(
            "selection",
            "picking_type_id.code",
            "Type of Operation",
            selection=(
                ("incoming", "Receipt"),
                ("outgoing", "Delivery"),
                ("internal", "Internal Transfer"),
            ),
        ),
        "partner_id": F.many2one("res.partner", "Contact", check_company=True),
        "company_id": F.many2one("res.company", "Company", required=True, default=default_company),
        "user_id": F.many2one("res.users", "Responsible", default=default_uid),
        "sale_id": F.many2one("sale.order", "Sales Order"),
        "purchase_id": F.many2one("purchase.order", "Purchase Orders"),
        "carrier_id": F.many2one("delivery.carrier", "Carrier", check_company=True),
        "carrier_tracking_ref": F.char("Tracking Reference", copy=False),
        "carrier_tracking_url": F.computed("char", "Tracking URL", store=False),
        "weight": F.computed("float", "Weight"),
    }
    if v <= 16:
        fields["immediate_transfer"] = F.boolean("Immediate Transfer")
    return ModelSpec(
        "stock.picking",
        "Transfer",
        fields,
        order="priority desc, scheduled_date asc, id desc",
        company_rule="strict",
    )


def stock_move(v: int) -> ModelSpec:
    fields: dict[str, F.Field] = {
        "name": F.char("Description", required=True),
        "sequence": F.integer("Sequence", default=10),
        "reference": F.computed("char", "Reference"),
        "origin": F.char("Source Document"),
        "product_id": F.many2one("product.product", "Product", required=True, check_company=True),
        "product_uom_qty": F.float_("Demand", default=1.0, required=True),
        "product_uom": F.many2one("uom.uom", "UoM", required=True),
        "product_qty": F.computed("float", "Real Quantity"),
        "location_id": F.many2one(
            "stock.location", "Source Location", required=True, check_company=True
        ),
        "location_dest_id": F.many2one(
            "stock.location", "Destination Location", required=True, check_company=True
        ),
        "partner_id": F.many2one("res.partner", "Destination Address"),
        "picking_id": F.many2one("stock.picking", "Transfer", check_company=True),
        "picking_type_id": F.many2one("stock.picking.type", "Operation Type", check_company=True),
        "state": F.selection(
            [
                ("draft", "New"),
                ("waiting", "Waiting Another Move"),
                ("confirmed", "Waiting Availability"),
                ("partially_available", "Partially Available"),
                ("assigned", "Available"),
                ("done", "Done"),
                ("cancel", "Cancelled"),
            ],
            "Status",
            default="draft",
            readonly=True,
            copy=False,
        ),
        "date": F.datetime_("Date Scheduled", required=True, default=default_now),
        "date_deadline": F.datetime_("Deadline"),
        "company_id": F.many2one("res.company", "Company", required=True, default=default_company),
        "sale_line_id": F.many2one("sale.order.line", "Sale Line"),
        "purchase_line_id": F.many2one("purchase.order.line", "Purchase Order Line"),
        "move_line_ids": F.one2many("stock.move.line", "move_id", "Move Lines"),
        "price_unit": F.float_("Unit Price"),
    }
    if v <= 16:
        fields["quantity_done"] = F.computed("float", "Quantity Done", inverse=True)
        fields["reserved_availability"] = F.computed("float", "Quantity Reserved")
    else:
        fields["quantity"] = F.computed("float", "Quantity", inverse=True)
        fields["picked"] = F.boolean("Picked")
    if v >= 18:
        fields["location_final_id"] = F.many2one("stock.location", "Final Location")
    return ModelSpec(
        "stock.move",
        "Stock Move",
        fields,
        order="sequence, id",
        company_rule="strict",
    )


def stock_move_line(v: int) -> ModelSpec:
    fields: dict[str, F.Field] = {
        "move_id": F.many2one("stock.move", "Stock Operation", check_company=True),
        "picking_id": F.many2one("stock.picking", "Transfer", check_company=True),
        "product_id": F.many2one("product.product", "Product", check_company=True),
        "product_uom_id": F.many2one("uom.uom", "Unit of Measure", required=True),
        "lot_id": F.many2one("stock.lot", "Lot/Serial Number", check_company=True),
        "lot_name": F.char("Lot/Serial Number Name"),
        "package_id": F.many2one("stock.quant.package", "Source Package"),
        "result_package_id": F.many2one("stock.quant.package", "Destination Package"),
        "location_id": F.many2one("stock.location", "From", required=True, check_company=True),
        "location_dest_id": F.many2one("stock.location", "To", required=True, check_company=True),
        "state": F.related(
            "selection",
            "move_id.state",
            "Status",
            selection=tuple(stock_move(v).fields["state"].selection),
        ),
        "date": F.datetime_("Date", required=True, default=default_now),
        "reference": F.related("char", "move_id.reference", "Reference"),
        "company_id": F.many2one("res.company", "Company", required=True, default=default_company),
    }
    if v <= 16:
        fields["qty_done"] = F.float_("Done", copy=False)
        fields["reserved_uom_qty"] = F.float_("Reserved", copy=False)
        fields["reserved_qty"] = F.computed("float", "Real Reserved Quantity")
    else:
        fields["quantity"] = F.float_("Quantity", copy=False)
        fields["picked"] = F.boolean("Picked")
    return ModelSpec(
        "stock.move.line",
        "Product Moves (Stock Move Line)",
        fields,
        order="result_package_id desc, id",
        rec_name=None,
        company_rule="strict",
    )


def stock_lot(v: int) -> ModelSpec:
    return ModelSpec(
        "stock.lot",
        "Lot/Serial",
        {
            "name": F.char("Lot/Serial Number", required=True),
            "product_id": F.many2one(
                "product.product", "Product", required=True, check_company=True
            ),
            "company_id": F.many2one(
                "res.company", "Company", required=True, default=default_company
            ),
            "ref": F.char("Internal Reference"),
        },
        order="name, id",
        company_rule="strict",
    )


def stock_quant_package(v: int) -> ModelSpec:
    return ModelSpec(
        "stock.quant.package",
        "Packages",
        {
            "name": F.char("Package Reference", required=True, default="PACK"),
            "company_id": F.many2one("res.company", "Company"),
        },
        order="name",
        company_rule="shared",
    )


def _transfer_wizard(model: str, title: str) -> ModelSpec:
    """The pickings' validation wizards hold the same two fields."""
    return ModelSpec(
        model,
        title,
        {
            "pick_ids": F.many2many("stock.picking", "Transfers"),
            "show_transfers": F.boolean("Show Transfers"),
        },
        rec_name=None,
        transient=True,
    )


def stock_immediate_transfer(v: int) -> ModelSpec:
    return _transfer_wizard("stock.immediate.transfer", "Immediate Transfer")


def stock_backorder_confirmation(v: int) -> ModelSpec:
    return _transfer_wizard("stock.backorder.confirmation", "Backorder Confirmation")


def delivery_carrier(v: int) -> ModelSpec:
    return ModelSpec(
        "delivery.carrier",
        "Shipping Methods",
        {
            "name": F.char("Delivery Method", required=True, translate=True),
            "active": F.boolean("Active", default=True),
            "sequence": F.integer("Sequence", default=10),
            "delivery_type": F.selection(
                [("base_on_rule", "Based on Rules"), ("fixed", "Fixed Price")],
                "Provider",
                default="fixed",
                required=True,
            ),
            "product_id": F.many2one(
                "product.product", "Delivery Product", required=True, ondelete="restrict"
            ),
            "fixed_price": F.float_("Fixed Price"),
            "company_id": F.many2one("res.company", "Company"),
            "tracking_url": F.char("Tracking Link"),
        },
        order="sequence, id",
        company_rule="shared",
    )


def ir_sequence(v: int) -> ModelSpec:
    return ModelSpec(
        "ir.sequence",
        "Sequence",
        {
            "name": F.char("Name", required=True),
            "code": F.char("Sequence Code"),
            "prefix": F.char("Prefix"),
            "padding": F.integer("Sequence Size", default=0, required=True),
            "number_next": F.integer("Next Number", default=1, required=True),
            "number_increment": F.integer("Step", default=1, required=True),
            "active": F.boolean("Active", default=True),
            "company_id": F.many2one("res.company", "Company"),
        },
        order="name",
        company_rule="shared",
    )
