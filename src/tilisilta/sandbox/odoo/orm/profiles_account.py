"""Field profiles of the accounting models per Odoo version (16-19)."""

from __future__ import annotations

from . import fields as F
from .profiles_base import default_company, default_currency, default_today
from .spec import ModelSpec

ACCOUNT_TYPES = [
    ("asset_receivable", "Receivable"),
    ("asset_cash", "Bank and Cash"),
    ("asset_current", "Current Assets"),
    ("asset_non_current", "Non-current Assets"),
    ("asset_prepayments", "Prepayments"),
    ("asset_fixed", "Fixed Assets"),
    ("liability_payable", "Payable"),
    ("liability_credit_card", "Credit Card"),
    ("liability_current", "Current Liabilities"),
    ("liability_non_current", "Non-current Liabilities"),
    ("equity", "Equity"),
    ("equity_unaffected", "Current Year Earnings"),
    ("income", "Income"),
    ("income_other", "Other Income"),
    ("expense", "Expenses"),
    ("expense_depreciation", "Depreciation"),
    ("expense_direct_cost", "Cost of Revenue"),
    ("off_balance", "Off-Balance Sheet"),
]

MOVE_TYPES = [
    ("entry", "Journal Entry"),
    ("out_invoice", "Customer Invoice"),
    ("out_refund", "Customer Credit Note"),
    ("in_invoice", "Vendor Bill"),
    ("in_refund", "Vendor Credit Note"),
    ("out_receipt", "Sales Receipt"),
    ("in_receipt", "Purchase Receipt"),
]


def _display_types(v: int) -> list[tuple[str, str]]:
    types = [
        ("product", "Product"),
        ("cogs", "Cost of Goods Sold"),
        ("tax", "Tax"),
        ("rounding", "Rounding"),
        ("payment_term", "Payment Term"),
        ("line_section", "Section"),
        ("line_note", "Note"),
        ("epd", "Early Payment Discount"),
    ]
    if v >= 17:
        types.append(("discount", "Discount"))
    if v >= 19:
        types += [
            ("line_subsection", "Subsection"),
            ("non_deductible_product_total", "Non Deductible Products Total"),
            ("non_deductible_product", "Non Deductible Products"),
            ("non_deductible_tax", "Non Deductible Tax"),
        ]
    return types


def payment_states(v: int) -> list[tuple[str, str]]:
    states = [
        ("not_paid", "Not Paid"),
        ("in_payment", "In Payment"),
        ("paid", "Paid"),
        ("partial", "Partially Paid"),
        ("reversed", "Reversed"),
        ("invoicing_legacy", "Invoicing App Legacy"),
    ]
    if v >= 18:
        states.insert(5, ("blocked", "Blocked"))
    return states


def account_account(v: int) -> ModelSpec:
    fields: dict[str, F.Field] = {
        "name": F.char("Account Name", required=True, translate=True),
        "code": F.char("Code", required=True, company_dependent=False),
        "account_type": F.selection(ACCOUNT_TYPES, "Type", required=True),
        "internal_group": F.computed(
            "selection",
            "Internal Group",
            selection=(
                ("equity", "Equity"),
                ("asset", "Asset"),
                ("liability", "Liability"),
                ("income", "Income"),
                ("expense", "Expense"),
                ("off_balance", "Off Balance"),
            ),
        ),
        "reconcile": F.boolean("Allow Reconciliation"),
        "deprecated": F.boolean("Deprecated"),
        "currency_id": F.many2one("res.currency", "Account Currency"),
        "tax_ids": F.many2many("account.tax", "Default Taxes"),
        "note": F.text("Internal Notes"),
        "non_trade": F.boolean("Non-trade"),
    }
    if v <= 17:
        fields["company_id"] = F.many2one(
            "res.company", "Company", required=True, default=default_company
        )
        return ModelSpec(
            "account.account",
            "Account",
            fields,
            order="code, company_id" if v >= 17 else "is_off_balance, code, company_id",
            rec_name="name",
            company_rule="strict",
        )
    fields["company_ids"] = F.many2many("res.company", "Companies", required=True)
    return ModelSpec(
        "account.account",
        "Account",
        fields,
        order="code, id",
        rec_name="name",
        company_rule="company_ids",
    )


def account_tax_group(v: int) -> ModelSpec:
    fields: dict[str, F.Field] = {
        "name": F.char("Name", required=True, translate=True),
        "sequence": F.integer("Sequence", default=10),
        "country_id": F.many2one("res.country", "Country"),
    }
    if v >= 17:
        fields["company_id"] = F.many2one(
            "res.company", "Company", required=True, default=default_company
        )
    return ModelSpec(
        "account.tax.group",
        "Tax Group",
        fields,
        order="sequence asc, id",
        company_rule="strict" if v >= 17 else "none",
    )


def account_tax(v: int) -> ModelSpec:
    fields: dict[str, F.Field] = {
        "name": F.char("Tax Name", required=True, translate=True),
        "type_tax_use": F.selection(
            [("sale", "Sales"), ("purchase", "Purchases"), ("none", "None")],
            "Tax Type",
            required=True,
            default="sale",
        ),
        "tax_scope": F.selection([("service", "Services"), ("consu", "Goods")], "Tax Scope"),
        "amount_type": F.selection(
            [
                ("group", "Group of Taxes"),
                ("fixed", "Fixed"),
                ("percent", "Percentage of Price"),
                ("division", "Percentage of Price Tax Included"),
            ],
            "Tax Computation",
            required=True,
            default="percent",
        ),
        "active": F.boolean("Active", default=True),
        "company_id": F.many2one("res.company", "Company", required=True, default=default_company),
        "children_tax_ids": F.many2many("account.tax", "Children Taxes"),
        "sequence": F.integer("Sequence", default=1, required=True),
        "amount": F.float_("Amount", required=True),
        "description": F.char("Label on Invoices") if v <= 16 else F.html("Description"),
        "include_base_amount": F.boolean("Affect Base of Subsequent Taxes"),
        "is_base_affected": F.boolean("Base Affected by Previous Taxes", default=True),
        "analytic": F.boolean("Include in Analytic Cost"),
        "tax_group_id": F.many2one("account.tax.group", "Tax Group", required=True),
        "tax_exigibility": F.selection(
            [("on_invoice", "Based on Invoice"), ("on_payment", "Based on Payment")],
            "Tax Exigibility",
            default="on_invoice",
        ),
        "country_id": F.many2one("res.country", "Country", required=True),
        "country_code": F.related("char", "country_id.code", "Country Code"),
        "invoice_repartition_line_ids": F.one2many(
            "account.tax.repartition.line",
            "invoice_tax_id" if v <= 16 else "tax_id",
            "Distribution for Invoices",
            copy=True,
            o2m_filter=None if v <= 16 else (lambda r: r.get("document_type") == "invoice"),
        ),
        "refund_repartition_line_ids": F.one2many(
            "account.tax.repartition.line",
            "refund_tax_id" if v <= 16 else "tax_id",
            "Distribution for Refund Invoices",
            copy=True,
            o2m_filter=None if v <= 16 else (lambda r: r.get("document_type") == "refund"),
        ),
    }
    if v <= 17:
        fields["price_include"] = F.boolean("Included in Price")
    else:
        fields["price_include_override"] = F.selection(
            [("tax_included", "Tax Included"), ("tax_excluded", "Tax Excluded")],
            "Included in Price",
        )
        fields["price_include"] = F.computed("boolean", "Included in Price")
    if v >= 17:
        fields["invoice_label"] = F.char("Label on Invoices")
    if v >= 19:
        fields["fiscal_position_ids"] = F.many2many("account.fiscal.position", "Fiscal Positions")
        fields["original_tax_ids"] = F.many2many("account.tax", "Replaces")
    return ModelSpec("account.tax", "Tax", fields, order="sequence,id", company_rule="strict")


def account_tax_repartition_line(v: int) -> ModelSpec:
    fields: dict[str, F.Field] = {
        "factor_percent": F.float_("%", default=100.0, required=True),
        "factor": F.computed("float", "Factor Ratio", store=False),
        "repartition_type": F.selection(
            [("base", "Base"), ("tax", "of tax")], "Based On", required=True, default="tax"
        ),
        "account_id": F.many2one("account.account", "Account", check_company=True),
        "company_id": F.many2one("res.company", "Company", default=default_company),
        "sequence": F.integer("Sequence", default=1),
        "use_in_tax_closing": F.boolean("Tax Closing Entry", default=True),
    }
    if v <= 16:
        fields["invoice_tax_id"] = F.many2one("account.tax", "Invoice Tax", ondelete="cascade")
        fields["refund_tax_id"] = F.many2one("account.tax", "Refund Tax", ondelete="cascade")
    else:
        fields["tax_id"] = F.many2one("account.tax", "Tax", ondelete="cascade")
        fields["document_type"] = F.selection(
            [("invoice", "Invoice"), ("refund", "Refund")], "Related to", required=True
        )
    return ModelSpec(
        "account.tax.repartition.line",
        "Tax Repartition Line",
        fields,
        order="sequence, repartition_type, id",
        rec_name=None,
        company_rule="strict",
    )


def account_fiscal_position(v: int) -> ModelSpec:
    fields: dict[str, F.Field] = {
        "name": F.char("Fiscal Position", required=True, translate=True),
        "sequence": F.integer("Sequence"),
        "active": F.boolean("Active", default=True),
        "company_id": F.many2one("res.company", "Company", required=True, default=default_company),
        "note": F.html("Notes", translate=True),
        "auto_apply": F.boolean("Detect Automatically"),
        "vat_required": F.boolean("VAT required"),
        "country_id": F.many2one("res.country", "Country"),
        "country_group_id": F.many2one("res.country.group", "Country Group"),
        "foreign_vat": F.char("Foreign Tax ID"),
        "zip_from": F.char("Zip Range From"),
        "zip_to": F.char("Zip Range To"),
    }
    if v <= 18:
        fields["tax_ids"] = F.one2many(
            "account.fiscal.position.tax", "position_id", "Tax Mapping", copy=True
        )
    else:
        fields["tax_ids"] = F.computed("many2many", "Taxes", store=False, relation="account.tax")
    return ModelSpec(
        "account.fiscal.position",
        "Fiscal Position",
        fields,
        order="sequence",
        company_rule="strict",
    )


def account_fiscal_position_tax(v: int) -> ModelSpec:
    return ModelSpec(
        "account.fiscal.position.tax",
        "Tax Mapping of Fiscal Position",
        {
            "position_id": F.many2one(
                "account.fiscal.position", "Fiscal Position", required=True, ondelete="cascade"
            ),
            "company_id": F.related(
                "many2one", "position_id.company_id", "Company", relation="res.company"
            ),
            "tax_src_id": F.many2one(
                "account.tax", "Tax on Product", required=True, check_company=True
            ),
            "tax_dest_id": F.many2one("account.tax", "Tax to Apply", check_company=True),
        },
        rec_name="position_id",
        company_rule="strict",
    )


def account_journal(v: int) -> ModelSpec:
    types = [
        ("sale", "Sales"),
        ("purchase", "Purchase"),
        ("cash", "Cash"),
        ("bank", "Bank"),
    ]
    if v >= 18:
        types.append(("credit", "Credit Card"))
    types.append(("general", "Miscellaneous"))
    fields: dict[str, F.Field] = {
        "name": F.char("Journal Name", required=True, translate=True),
        "code": F.char("Short Code", required=True),
        "active": F.boolean("Active", default=True),
        "type": F.selection(types, "Type", required=True),
        "company_id": F.many2one("res.company", "Company", required=True, default=default_company),
        "currency_id": F.many2one("res.currency", "Currency"),
        "default_account_id": F.many2one("account.account", "Default Account", check_company=True),
        "suspense_account_id": F.many2one(
            "account.account", "Suspense Account", check_company=True
        ),
        "sequence": F.integer("Sequence", default=10),
        "refund_sequence": F.boolean("Dedicated Credit Note Sequence"),
        "payment_sequence": F.boolean("Dedicated Payment Sequence"),
        "bank_account_id": F.many2one("res.partner.bank", "Bank Account"),
        "inbound_payment_method_line_ids": F.one2many(
            "account.payment.method.line",
            "journal_id",
            "Inbound Payment Methods",
            o2m_filter=lambda r: r.get("payment_type") == "inbound",
        ),
        "outbound_payment_method_line_ids": F.one2many(
            "account.payment.method.line",
            "journal_id",
            "Outbound Payment Methods",
            o2m_filter=lambda r: r.get("payment_type") == "outbound",
        ),
        "invoice_reference_type": F.selection(
            [("none", "Open"), ("partner", "Based on Customer"), ("invoice", "Based on Invoice")],
            "Communication Type",
            default="invoice",
            required=True,
        ),
        "invoice_reference_model": F.selection(
            [
                ("odoo", "Odoo"),
                ("euro", "European"),
                ("fi", "Finnish Standard Reference"),
                ("fi_rf", "Finnish Creditor Reference (RF)"),
            ],
            "Communication Standard",
            default="odoo",
            required=True,
        ),
    }
    return ModelSpec(
        "account.journal",
        "Journal",
        fields,
        order="sequence, type, code",
        company_rule="strict",
    )


def account_payment_method(v: int) -> ModelSpec:
    return ModelSpec(
        "account.payment.method",
        "Payment Methods",
        {
            "name": F.char("Name", required=True, translate=True),
            "code": F.char("Code", required=True),
            "payment_type": F.selection(
                [("inbound", "Inbound"), ("outbound", "Outbound")], "Type", required=True
            ),
        },
    )


def account_payment_method_line(v: int) -> ModelSpec:
    return ModelSpec(
        "account.payment.method.line",
        "Payment Methods",
        {
            "name": F.char("Name"),
            "sequence": F.integer("Sequence", default=10),
            "payment_method_id": F.many2one(
                "account.payment.method", "Payment Method", required=True, ondelete="cascade"
            ),
            "payment_account_id": F.many2one(
                "account.account", "Outstanding Receipts/Payments Account", check_company=True
            ),
            "journal_id": F.many2one("account.journal", "Journal", ondelete="cascade"),
            "code": F.related("char", "payment_method_id.code", "Code"),
            "payment_type": F.related(
                "selection",
                "payment_method_id.payment_type",
                "Payment Type",
                selection=(("inbound", "Inbound"), ("outbound", "Outbound")),
            ),
            "company_id": F.related(
                "many2one", "journal_id.company_id", "Company", relation="res.company"
            ),
        },
        order="sequence, id",
        company_rule="shared",
    )


def account_payment_term(v: int) -> ModelSpec:
    fields: dict[str, F.Field] = {
        "name": F.char("Payment Terms", required=True, translate=True),
        "active": F.boolean("Active", default=True),
        "note": F.html("Description on the Invoice", translate=True),
        "line_ids": F.one2many("account.payment.term.line", "payment_id", "Terms", copy=True),
        "company_id": F.many2one("res.company", "Company"),
        "sequence": F.integer("Sequence", default=10),
    }
    if v >= 17:
        fields["early_discount"] = F.boolean("Early Discount")
        fields["discount_percentage"] = F.float_("Discount %", default=2.0)
        fields["discount_days"] = F.integer("Discount Days", default=10)
    return ModelSpec(
        "account.payment.term",
        "Payment Terms",
        fields,
        order="sequence, id",
        company_rule="shared",
    )


def account_payment_term_line(v: int) -> ModelSpec:
    fields: dict[str, F.Field] = {
        "payment_id": F.many2one(
            "account.payment.term", "Payments", required=True, ondelete="cascade"
        ),
        "value_amount": F.float_("Value"),
    }
    if v <= 16:
        fields["value"] = F.selection(
            [("balance", "Balance"), ("percent", "Percent"), ("fixed", "Fixed Amount")],
            "Type",
            required=True,
            default="balance",
        )
        fields["days"] = F.integer("Days", required=True, default=0)
        fields["months"] = F.integer("Months", required=True, default=0)
        fields["end_month"] = F.boolean("End of month")
        fields["days_after"] = F.integer("Days after End of month")
    else:
        fields["value"] = F.selection(
            [("percent", "Percent"), ("fixed", "Fixed")], "Type", required=True, default="percent"
        )
        fields["value_amount"] = F.float_("Due", default=100.0)
        fields["nb_days"] = F.integer("Days", default=0)
        delay = [
            ("days_after", "Days after invoice date"),
            ("days_after_end_of_month", "Days after end of month"),
            ("days_after_end_of_next_month", "Days after end of next month"),
        ]
        if v >= 18:
            delay.append(("days_end_of_month_on_the", "Days end of month on the"))
        fields["delay_type"] = F.selection(
            delay, "Due Date Computation", required=True, default="days_after"
        )
        fields["days_next_month"] = F.char("Days on the next month", default="10")
    return ModelSpec(
        "account.payment.term.line",
        "Payment Terms Line",
        fields,
        order="id",
        rec_name=None,
    )


def account_move(v: int) -> ModelSpec:
    fields: dict[str, F.Field] = {
        "name": F.char("Number", default="/", copy=False),
        "ref": F.char("Reference", copy=False),
        "narration": F.html("Terms and Conditions"),
        "date": F.date_("Date", required=True, default=default_today, copy=False),
        "state": F.selection(
            [("draft", "Draft"), ("posted", "Posted"), ("cancel", "Cancelled")],
            "Status",
            required=True,
            default="draft",
            readonly=True,
            copy=False,
        ),
        "move_type": F.selection(MOVE_TYPES, "Type", required=True, default="entry"),
        "journal_id": F.many2one("account.journal", "Journal", required=True, check_company=True),
        "company_id": F.many2one("res.company", "Company", required=True),
        "company_currency_id": F.related(
            "many2one", "company_id.currency_id", "Company Currency", relation="res.currency"
        ),
        "currency_id": F.many2one("res.currency", "Currency", required=True),
        "line_ids": F.one2many("account.move.line", "move_id", "Journal Items", copy=True),
        "invoice_line_ids": F.one2many(
            "account.move.line",
            "move_id",
            "Invoice lines",
            copy=False,
            o2m_filter=lambda r: r.get("display_type") in ("product", "line_section", "line_note"),
        ),
        "partner_id": F.many2one("res.partner", "Partner", check_company=True, ondelete="restrict"),
        "commercial_partner_id": F.computed(
            "many2one", "Commercial Entity", relation="res.partner"
        ),
        "partner_shipping_id": F.many2one("res.partner", "Delivery Address", check_company=True),
        "partner_bank_id": F.many2one("res.partner.bank", "Recipient Bank", check_company=True),
        "fiscal_position_id": F.many2one(
            "account.fiscal.position", "Fiscal Position", check_company=True
        ),
        "invoice_date": F.date_("Invoice/Bill Date", copy=False),
        "invoice_date_due": F.date_("Due Date", copy=False),
        "invoice_payment_term_id": F.many2one(
            "account.payment.term", "Payment Terms", check_company=True
        ),
        "invoice_origin": F.char("Origin", copy=False),
        "invoice_user_id": F.many2one("res.users", "Salesperson", copy=False),
        "payment_reference": F.char("Payment Reference", copy=False),
        "payment_state": F.computed(
            "selection", "Payment Status", selection=tuple(payment_states(v))
        ),
        "amount_untaxed": F.computed("monetary", "Untaxed Amount"),
        "amount_tax": F.computed("monetary", "Tax"),
        "amount_total": F.computed("monetary", "Total"),
        "amount_residual": F.computed("monetary", "Amount Due"),
        "amount_untaxed_signed": F.computed("monetary", "Untaxed Amount Signed"),
        "amount_tax_signed": F.computed("monetary", "Tax Signed"),
        "amount_total_signed": F.computed("monetary", "Total Signed"),
        "amount_total_in_currency_signed": F.computed("monetary", "Total in Currency Signed"),
        "amount_residual_signed": F.computed("monetary", "Amount Due Signed"),
        "reversed_entry_id": F.many2one("account.move", "Reversal of", copy=False),
        "posted_before": F.boolean("Posted Before", copy=False),
        "is_move_sent": F.boolean("Is Move Sent", copy=False),
        "sequence_prefix": F.computed("char", "Sequence Prefix"),
        "sequence_number": F.computed("integer", "Sequence Number"),
        "auto_post": F.selection(
            [
                ("no", "No"),
                ("at_date", "At Date"),
                ("monthly", "Monthly"),
                ("quarterly", "Quarterly"),
                ("yearly", "Yearly"),
            ],
            "Auto-post",
            default="no",
            required=True,
            copy=False,
        ),
        "country_code": F.related("char", "company_id.country_id.code", "Country Code"),
        "invoice_partner_display_name": F.computed("char", "Invoice Partner Display Name"),
        "attachment_ids": F.computed(
            "one2many", "Attachments", store=False, relation="ir.attachment"
        ),
        "statement_line_id": F.many2one("account.move", "Statement Line", copy=False),
    }
    if v <= 17:
        fields["reversal_move_id"] = F.one2many(
            "account.move", "reversed_entry_id", "Reversal Move"
        )
        fields["payment_id"] = F.many2one("account.payment", "Payment", copy=False)
        fields["to_check"] = F.boolean("To Check", copy=False)
    else:
        fields["reversal_move_ids"] = F.one2many(
            "account.move", "reversed_entry_id", "Reversal Moves"
        )
        fields["origin_payment_id"] = F.many2one("account.payment", "Payment", copy=False)
        fields["checked"] = F.boolean("Checked", copy=False)
        fields["matched_payment_ids"] = F.many2many(
            "account.payment", "Matched Payments", copy=False
        )
    return ModelSpec(
        "account.move",
        "Journal Entry",
        fields,
        order="date desc, name desc, id desc"
        if v <= 16
        else "date desc, name desc, invoice_date desc, id desc",
        company_rule="strict",
    )


def account_move_line(v: int) -> ModelSpec:
    fields: dict[str, F.Field] = {
        "move_id": F.many2one("account.move", "Journal Entry", required=True, ondelete="cascade"),
        "move_name": F.related("char", "move_id.name", "Number"),
        "date": F.related("date", "move_id.date", "Date"),
        "ref": F.related("char", "move_id.ref", "Reference"),
        "parent_state": F.related(
            "selection",
            "move_id.state",
            "Status",
            selection=(("draft", "Draft"), ("posted", "Posted"), ("cancel", "Cancelled")),
        ),
        "move_type": F.related(
            "selection", "move_id.move_type", "Type", selection=tuple(MOVE_TYPES)
        ),
        "journal_id": F.related(
            "many2one", "move_id.journal_id", "Journal", relation="account.journal"
        ),
        "company_id": F.related(
            "many2one", "move_id.company_id", "Company", relation="res.company"
        ),
        "company_currency_id": F.related(
            "many2one",
            "move_id.company_id.currency_id",
            "Company Currency",
            relation="res.currency",
        ),
        "currency_id": F.many2one("res.currency", "Currency"),
        "sequence": F.integer("Sequence", default=10),
        "name": F.char("Label"),
        "account_id": F.many2one(
            "account.account", "Account", check_company=True, ondelete="restrict"
        ),
        "partner_id": F.many2one("res.partner", "Partner", ondelete="restrict"),
        "product_id": F.many2one("product.product", "Product", ondelete="restrict"),
        "product_uom_id": F.many2one("uom.uom", "Unit of Measure"),
        "quantity": F.float_("Quantity", default=1.0),
        "price_unit": F.float_("Unit Price"),
        "discount": F.float_("Discount (%)"),
        "tax_ids": F.many2many("account.tax", "Taxes", check_company=True),
        "tax_line_id": F.many2one("account.tax", "Originator Tax", ondelete="restrict"),
        "tax_group_id": F.related(
            "many2one",
            "tax_line_id.tax_group_id",
            "Originator tax group",
            relation="account.tax.group",
        ),
        "tax_base_amount": F.monetary("Base Amount"),
        "tax_repartition_line_id": F.many2one(
            "account.tax.repartition.line", "Originator Tax Distribution Line"
        ),
        "display_type": F.selection(
            _display_types(v), "Display Type", required=True, default="product"
        ),
        "debit": F.monetary("Debit"),
        "credit": F.monetary("Credit"),
        "balance": F.monetary("Balance"),
        "amount_currency": F.monetary("Amount in Currency"),
        "price_subtotal": F.computed("monetary", "Subtotal"),
        "price_total": F.computed("monetary", "Total"),
        "amount_residual": F.computed("monetary", "Residual Amount"),
        "amount_residual_currency": F.computed("monetary", "Residual Amount in Currency"),
        "reconciled": F.computed("boolean", "Reconciled"),
        "date_maturity": F.date_("Due Date"),
        "analytic_distribution": F.json_("Analytic Distribution"),
        "matched_debit_ids": F.one2many(
            "account.partial.reconcile", "credit_move_id", "Matched Debits"
        ),
        "matched_credit_ids": F.one2many(
            "account.partial.reconcile", "debit_move_id", "Matched Credits"
        ),
        "payment_id": F.related(
            "many2one",
            "move_id.payment_id" if v <= 17 else "move_id.origin_payment_id",
            "Originator Payment",
            relation="account.payment",
        ),
        "sale_line_ids": F.many2many("sale.order.line", "Sales Order Lines", copy=False),
        "purchase_line_id": F.many2one("purchase.order.line", "Purchase Order Line"),
        "account_type": F.related(
            "selection",
            "account_id.account_type",
            "Internal Type",
            selection=tuple(ACCOUNT_TYPES),
        ),
    }
    return ModelSpec(
        "account.move.line",
        "Journal Item",
        fields,
        order="date desc, move_name desc, id",
        company_rule="strict",
    )


def account_partial_reconcile(v: int) -> ModelSpec:
    return ModelSpec(
        "account.partial.reconcile",
        "Partial Reconcile",
        {
            "debit_move_id": F.many2one(
                "account.move.line", "Debit line", required=True, ondelete="cascade"
            ),
            "credit_move_id": F.many2one(
                "account.move.line", "Credit line", required=True, ondelete="cascade"
            ),
            "amount": F.monetary("Amount"),
            "debit_amount_currency": F.monetary("Debit amount in currency"),
            "credit_amount_currency": F.monetary("Credit amount in currency"),
            "company_id": F.many2one("res.company", "Company"),
            "max_date": F.date_("Max Date of Matched Lines"),
        },
        rec_name=None,
        company_rule="strict",
    )


def account_payment(v: int) -> ModelSpec:
    fields: dict[str, F.Field] = {
        "payment_type": F.selection(
            [("outbound", "Send"), ("inbound", "Receive")],
            "Payment Type",
            required=True,
            default="inbound",
        ),
        "partner_type": F.selection(
            [("customer", "Customer"), ("supplier", "Vendor")], "Partner Type", default="customer"
        ),
        "partner_id": F.many2one("res.partner", "Customer/Vendor", check_company=True),
        "amount": F.monetary("Amount"),
        "currency_id": F.many2one("res.currency", "Currency", default=default_currency),
        "payment_reference": F.char("Payment Reference", copy=False),
        "payment_method_line_id": F.many2one(
            "account.payment.method.line", "Payment Method", check_company=True
        ),
        "payment_method_id": F.related(
            "many2one",
            "payment_method_line_id.payment_method_id",
            "Method",
            relation="account.payment.method",
        ),
        "partner_bank_id": F.many2one("res.partner.bank", "Recipient Bank Account"),
        "destination_account_id": F.many2one(
            "account.account", "Destination Account", check_company=True
        ),
        "outstanding_account_id": F.computed(
            "many2one", "Outstanding Account", relation="account.account"
        ),
        "is_reconciled": F.computed("boolean", "Is Reconciled"),
        "is_matched": F.computed("boolean", "Is Matched With a Bank Statement"),
        "reconciled_invoice_ids": F.computed(
            "many2many", "Reconciled Invoices", store=False, relation="account.move"
        ),
        "reconciled_invoices_count": F.computed("integer", "# Reconciled Invoices", store=False),
        "reconciled_bill_ids": F.computed(
            "many2many", "Reconciled Bills", store=False, relation="account.move"
        ),
        "amount_company_currency_signed": F.computed("monetary", "Amount Signed"),
    }
    if v <= 17:
        fields["move_id"] = F.many2one(
            "account.move", "Journal Entry", required=True, ondelete="cascade", check_company=True
        )
        fields["is_internal_transfer"] = F.boolean("Internal Transfer")
        return ModelSpec(
            "account.payment",
            "Payments",
            fields,
            order="date desc, name desc",
            company_rule="strict",
            inherits={},
        )
    fields.update(
        {
            "name": F.char("Number", copy=False, readonly=True),
            "date": F.date_("Date", required=True, default=default_today, copy=False),
            "memo": F.char("Memo"),
            "state": F.selection(
                [
                    ("draft", "Draft"),
                    ("in_process", "In Process"),
                    ("paid", "Paid"),
                    ("canceled", "Canceled"),
                    ("rejected", "Rejected"),
                ],
                "Status",
                required=True,
                default="draft",
                readonly=True,
                copy=False,
            ),
            "journal_id": F.many2one(
                "account.journal", "Journal", required=True, check_company=True
            ),
            "company_id": F.many2one(
                "res.company", "Company", required=True, default=default_company
            ),
            "move_id": F.many2one("account.move", "Journal Entry", readonly=True, copy=False),
            "invoice_ids": F.many2many("account.move", "Invoices", copy=False),
            "is_sent": F.boolean("Is Sent"),
        }
    )
    return ModelSpec(
        "account.payment", "Payments", fields, order="date desc, name desc", company_rule="strict"
    )


def account_payment_register(v: int) -> ModelSpec:
    fields: dict[str, F.Field] = {
        "payment_date": F.date_("Payment Date", required=True, default=default_today),
        "amount": F.monetary("Amount"),
        "communication": F.char("Memo"),
        "group_payment": F.boolean("Group Payments"),
        "currency_id": F.many2one("res.currency", "Currency"),
        "journal_id": F.many2one("account.journal", "Journal"),
        "partner_id": F.many2one("res.partner", "Customer/Vendor"),
        "partner_bank_id": F.many2one("res.partner.bank", "Recipient Bank Account"),
        "company_id": F.many2one("res.company", "Company"),
        "payment_type": F.selection(
            [("outbound", "Send Money"), ("inbound", "Receive Money")], "Payment Type"
        ),
        "partner_type": F.selection(
            [("customer", "Customer"), ("supplier", "Vendor")], "Partner Type"
        ),
        "payment_method_line_id": F.many2one("account.payment.method.line", "Payment Method"),
        "payment_difference": F.computed("monetary", "Payment Difference", store=False),
        "payment_difference_handling": F.selection(
            [("open", "Keep open"), ("reconcile", "Mark as fully paid")],
            "Payment Difference Handling",
            default="open",
        ),
        "writeoff_account_id": F.many2one("account.account", "Difference Account"),
        "writeoff_label": F.char("Journal Item Label", default="Write-Off"),
        "line_ids": F.many2many("account.move.line", "Journal items"),
        "source_amount": F.monetary("Amount to Pay (company currency)"),
        "source_amount_currency": F.monetary("Amount to Pay (foreign currency)"),
        "source_currency_id": F.many2one("res.currency", "Source Currency"),
        "can_edit_wizard": F.computed("boolean", "Can Edit Wizard", store=False),
        "can_group_payments": F.computed("boolean", "Can Group Payments", store=False),
    }
    return ModelSpec(
        "account.payment.register",
        "Pay",
        fields,
        rec_name=None,
        transient=True,
    )


def account_move_reversal(v: int) -> ModelSpec:
    fields: dict[str, F.Field] = {
        "move_ids": F.many2many("account.move", "Moves"),
        "new_move_ids": F.many2many("account.move", "New Moves"),
        "date": F.date_("Reversal date", default=default_today),
        "reason": F.char("Reason"),
        "journal_id": F.many2one("account.journal", "Use Specific Journal"),
        "company_id": F.many2one("res.company", "Company"),
        "currency_id": F.many2one("res.currency", "Currency"),
        "move_type": F.computed("char", "Move Type", store=False),
        "residual": F.computed("monetary", "Residual", store=False),
    }
    if v <= 16:
        fields["refund_method"] = F.selection(
            [
                ("refund", "Partial Refund"),
                ("cancel", "Full Refund"),
                ("modify", "Full refund and new draft invoice"),
            ],
            "Credit Method",
            default="refund",
            required=True,
        )
        fields["date_mode"] = F.selection(
            [("custom", "Specific"), ("entry", "Journal Entry Date")],
            "Date Mode",
            default="custom",
            required=True,
        )
    return ModelSpec(
        "account.move.reversal",
        "Account Move Reversal",
        fields,
        rec_name=None,
        transient=True,
    )
