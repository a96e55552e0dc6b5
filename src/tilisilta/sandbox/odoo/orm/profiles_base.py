"""Field profiles of the base, product and uom models, per Odoo version (16-19).

Each function takes the major version and returns the model as that version defines it; the
renames of ``shared/reference/odoo.md`` §2 are the ``if v ...`` branches.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from . import fields as F
from .spec import ModelSpec

if TYPE_CHECKING:
    from .model import Model


# ---- defaults shared by the profiles ----------------------------------------------------------


def default_company(m: Model) -> int:
    return m.env.company_id


def default_currency(m: Model) -> Any:
    return m.env.sudo()["res.company"].get(m.env.company_id, "currency_id") or False


def default_today(m: Model) -> date:
    return m.env.today


def default_now(m: Model) -> datetime:
    return m.env.now


def default_uid(m: Model) -> int:
    return m.env.uid


LANGS = [("en_US", "English (US)"), ("fi_FI", "Finnish / Suomi"), ("sv_SE", "Swedish / Svenska")]
TIMEZONES = [
    (tz, tz)
    for tz in (
        "Europe/Helsinki",
        "Europe/Stockholm",
        "Europe/Oslo",
        "Europe/Berlin",
        "Europe/Tallinn",
        "Europe/London",
        "America/New_York",
        "UTC",
    )
]


def res_country(v: int) -> ModelSpec:
    return ModelSpec(
        "res.country",
        "Country",
        {
            "name": F.char("Country Name", required=True, translate=True),
            "code": F.char("Country Code", help="The ISO country code in two chars."),
            "phone_code": F.integer("Country Calling Code"),
            "currency_id": F.many2one("res.currency", "Currency"),
            "country_group_ids": F.many2many("res.country.group", "Country Groups"),
            "state_ids": F.one2many("res.country.state", "country_id", "States"),
            "vat_label": F.char("Vat Label"),
        },
        order="name",
    )


def res_country_group(v: int) -> ModelSpec:
    return ModelSpec(
        "res.country.group",
        "Country Group",
        {
            "name": F.char("Name", required=True),
            "country_ids": F.many2many("res.country", "Countries"),
        },
        order="name",
    )


def res_country_state(v: int) -> ModelSpec:
    return ModelSpec(
        "res.country.state",
        "Country state",
        {
            "name": F.char("State Name", required=True),
            "code": F.char("State Code", required=True),
            "country_id": F.many2one("res.country", "Country", required=True),
        },
        order="code",
    )


def res_currency(v: int) -> ModelSpec:
    return ModelSpec(
        "res.currency",
        "Currency",
        {
            "name": F.char("Currency", required=True, help="Currency Code (ISO 4217)"),
            "full_name": F.char("Name"),
            "symbol": F.char("Symbol", required=True),
            "rate": F.computed("float", "Current Rate", store=False),
            "rate_ids": F.one2many("res.currency.rate", "currency_id", "Rates"),
            "rounding": F.float_("Rounding Factor", default=0.01),
            "decimal_places": F.computed("integer", "Decimal Places", store=False),
            "active": F.boolean("Active", default=True),
            "position": F.selection(
                [("after", "After Amount"), ("before", "Before Amount")],
                "Symbol Position",
                default="after",
            ),
            "currency_unit_label": F.char("Currency Unit"),
            "currency_subunit_label": F.char("Currency Subunit"),
        },
        order="active desc, name",
    )


def res_currency_rate(v: int) -> ModelSpec:
    return ModelSpec(
        "res.currency.rate",
        "Currency Rate",
        {
            "name": F.date_("Date", required=True, default=default_today),
            "rate": F.float_("Technical Rate", default=1.0),
            "company_rate": F.computed("float", "Unit per EUR", store=False),
            "inverse_company_rate": F.computed("float", "EUR per Unit", store=False),
            "currency_id": F.many2one(
                "res.currency", "Currency", required=True, ondelete="cascade"
            ),
            "company_id": F.many2one("res.company", "Company", default=default_company),
        },
        order="name desc",
        rec_name="name",
        company_rule="shared",
    )


def res_company(v: int) -> ModelSpec:
    fields: dict[str, F.Field] = {
        "name": F.related("char", "partner_id.name", "Company Name", readonly=False, required=True),
        "partner_id": F.many2one("res.partner", "Partner", required=True),
        "currency_id": F.many2one("res.currency", "Currency", required=True),
        "sequence": F.integer("Sequence", default=10),
        "parent_id": F.many2one("res.company", "Parent Company"),
        "child_ids": F.one2many("res.company", "parent_id", "Branches"),
        "active": F.boolean("Active", default=True),
        "street": F.related("char", "partner_id.street", "Street", readonly=False),
        "street2": F.related("char", "partner_id.street2", "Street2", readonly=False),
        "zip": F.related("char", "partner_id.zip", "Zip", readonly=False),
        "city": F.related("char", "partner_id.city", "City", readonly=False),
        "country_id": F.related(
            "many2one", "partner_id.country_id", "Country", relation="res.country", readonly=False
        ),
        "email": F.related("char", "partner_id.email", "Email", readonly=False),
        "phone": F.related("char", "partner_id.phone", "Phone", readonly=False),
        "website": F.related("char", "partner_id.website", "Website", readonly=False),
        "vat": F.related("char", "partner_id.vat", "Tax ID", readonly=False),
        "bank_ids": F.related(
            "one2many", "partner_id.bank_ids", "Banks", relation="res.partner.bank", readonly=False
        ),
        "account_fiscal_country_id": F.many2one("res.country", "Fiscal Country"),
        "tax_calculation_rounding_method": F.selection(
            [("round_per_line", "Round per Line"), ("round_globally", "Round Globally")],
            "Tax Calculation Rounding Method",
            default="round_per_line",
        ),
        "account_sale_tax_id": F.many2one("account.tax", "Default Sale Tax"),
        "account_purchase_tax_id": F.many2one("account.tax", "Default Purchase Tax"),
        "account_journal_payment_debit_account_id": F.many2one(
            "account.account", "Journal Outstanding Receipts"
        ),
        "account_journal_payment_credit_account_id": F.many2one(
            "account.account", "Journal Outstanding Payments"
        ),
        "default_cash_difference_expense_account_id": F.many2one(
            "account.account", "Cash Difference Expense"
        ),
        "fiscalyear_last_day": F.integer("Fiscal Year Last Day", default=31),
        "fiscalyear_last_month": F.selection(
            [(str(m), str(m)) for m in range(1, 13)], "Fiscal Year Last Month", default="12"
        ),
    }
    if v <= 16:
        fields["company_registry"] = F.char("Company ID")
    else:
        fields["company_registry"] = F.related(
            "char", "partner_id.company_registry", "Company ID", readonly=False
        )
    if v >= 18:
        fields["account_price_include"] = F.selection(
            [("tax_included", "Tax Included"), ("tax_excluded", "Tax Excluded")],
            "Default Sales Price Include",
            default="tax_excluded",
            required=True,
        )
    return ModelSpec(
        "res.company", "Companies", fields, order="sequence, name", company_rule="self"
    )


def res_partner(v: int) -> ModelSpec:
    types = [
        ("contact", "Contact"),
        ("invoice", "Invoice Address"),
        ("delivery", "Delivery Address"),
        ("other", "Other Address"),
    ]
    if v <= 16:
        types.append(("private", "Private Address"))
    fields: dict[str, F.Field] = {
        "name": F.char("Name"),
        "type": F.selection(types, "Address Type", default="contact"),
        "is_company": F.boolean("Is a Company"),
        "company_type": F.computed(
            "selection",
            "Company Type",
            store=False,
            inverse=True,
            selection=(("person", "Individual"), ("company", "Company")),
        ),
        "parent_id": F.many2one("res.partner", "Related Company"),
        "parent_name": F.related("char", "parent_id.name", "Parent name"),
        "child_ids": F.one2many("res.partner", "parent_id", "Contact"),
        "commercial_partner_id": F.computed(
            "many2one", "Commercial Entity", relation="res.partner"
        ),
        "ref": F.char("Reference"),
        "vat": F.char("Tax ID"),
        "company_registry": F.char("Company ID"),
        "street": F.char("Street"),
        "street2": F.char("Street2"),
        "zip": F.char("Zip"),
        "city": F.char("City"),
        "state_id": F.many2one("res.country.state", "State"),
        "country_id": F.many2one("res.country", "Country"),
        "country_code": F.related("char", "country_id.code", "Country Code"),
        "email": F.char("Email"),
        "phone": F.char("Phone"),
        "website": F.char("Website Link"),
        "function": F.char("Job Position"),
        "comment": F.html("Notes"),
        "lang": F.selection(LANGS, "Language", default="en_US"),
        "tz": F.selection(TIMEZONES, "Timezone"),
        "active": F.boolean("Active", default=True),
        "company_id": F.many2one("res.company", "Company"),
        "user_id": F.many2one("res.users", "Salesperson"),
        "user_ids": F.one2many("res.users", "partner_id", "Users"),
        "bank_ids": F.one2many("res.partner.bank", "partner_id", "Banks"),
        "customer_rank": F.integer("Customer Rank", default=0),
        "supplier_rank": F.integer("Supplier Rank", default=0),
        "invoice_ids": F.one2many("account.move", "partner_id", "Invoices"),
        "property_payment_term_id": F.many2one(
            "account.payment.term", "Customer Payment Terms", company_dependent=True
        ),
        "property_supplier_payment_term_id": F.many2one(
            "account.payment.term", "Vendor Payment Terms", company_dependent=True
        ),
        "property_account_position_id": F.many2one(
            "account.fiscal.position", "Fiscal Position", company_dependent=True
        ),
        "property_account_receivable_id": F.many2one(
            "account.account", "Account Receivable", company_dependent=True
        ),
        "property_account_payable_id": F.many2one(
            "account.account", "Account Payable", company_dependent=True
        ),
        "sale_order_ids": F.one2many("sale.order", "partner_id", "Sales Order"),
        "color": F.integer("Color Index", default=0),
    }
    if v <= 18:
        fields["mobile"] = F.char("Mobile")
    if v <= 16:
        fields["display_name"] = F.computed("char", "Display Name", search=True)
    else:
        fields["complete_name"] = F.computed("char", "Complete Name")
    return ModelSpec(
        "res.partner",
        "Contact",
        fields,
        order="display_name ASC, id DESC" if v <= 16 else "complete_name ASC, id DESC",
        rec_name="display_name" if v <= 16 else "complete_name",
        parent_name="parent_id",
        company_rule="shared",
    )


def res_bank(v: int) -> ModelSpec:
    return ModelSpec(
        "res.bank",
        "Bank",
        {
            "name": F.char("Name", required=True),
            "bic": F.char("Bank Identifier Code"),
            "country": F.many2one("res.country", "Country"),
            "active": F.boolean("Active", default=True),
        },
        order="name",
    )


def res_partner_bank(v: int) -> ModelSpec:
    return ModelSpec(
        "res.partner.bank",
        "Bank Accounts",
        {
            "acc_number": F.char("Account Number", required=True),
            "sanitized_acc_number": F.computed("char", "Sanitized Account Number"),
            "acc_holder_name": F.char("Account Holder Name"),
            "partner_id": F.many2one(
                "res.partner", "Account Holder", required=True, ondelete="cascade"
            ),
            "bank_id": F.many2one("res.bank", "Bank"),
            "bank_name": F.related("char", "bank_id.name", "Bank Name"),
            "bank_bic": F.related("char", "bank_id.bic", "Bank Identifier Code"),
            "allow_out_payment": F.boolean("Send Money"),
            "currency_id": F.many2one("res.currency", "Currency"),
            "company_id": F.related(
                "many2one", "partner_id.company_id", "Company", relation="res.company"
            ),
            "active": F.boolean("Active", default=True),
            "sequence": F.integer("Sequence", default=10),
        },
        order="sequence, id",
        rec_name="acc_number",
        company_rule="shared",
    )


def res_users(v: int) -> ModelSpec:
    fields: dict[str, F.Field] = {
        "login": F.char("Login", required=True),
        "password": F.computed("char", "Password", store=False, inverse=True),
        "partner_id": F.many2one(
            "res.partner", "Related Partner", required=True, ondelete="restrict"
        ),
        "active": F.boolean("Active", default=True),
        "company_id": F.many2one("res.company", "Company", required=True, default=default_company),
        "company_ids": F.many2many("res.company", "Companies"),
        "share": F.computed("boolean", "Share User"),
        "login_date": F.datetime_("Latest authentication", readonly=True),
        "signature": F.html("Email Signature"),
    }
    return ModelSpec(
        "res.users",
        "User",
        fields,
        order="name, login",
        rec_name="name",
        inherits={},
    )


def uom_category(v: int) -> ModelSpec:
    return ModelSpec(
        "uom.category",
        "Product UoM Categories",
        {
            "name": F.char("Unit of Measure Category", required=True, translate=True),
            "uom_ids": F.one2many("uom.uom", "category_id", "Units of Measure"),
        },
        order="name",
    )


def uom_uom(v: int) -> ModelSpec:
    fields: dict[str, F.Field] = {
        "name": F.char(
            "Unit of Measure" if v <= 18 else "Unit Name", required=True, translate=True
        ),
        "active": F.boolean("Active", default=True),
        "factor": F.float_("Ratio", default=1.0, required=True),
        "rounding": F.float_("Rounding Precision", default=0.01, required=True),
    }
    if v <= 18:
        fields["category_id"] = F.many2one(
            "uom.category", "Category", required=True, ondelete="restrict"
        )
        fields["factor_inv"] = F.computed("float", "Bigger Ratio", store=False)
        fields["uom_type"] = F.selection(
            [
                ("bigger", "Bigger than the reference Unit of Measure"),
                ("reference", "Reference Unit of Measure for this category"),
                ("smaller", "Smaller than the reference Unit of Measure"),
            ],
            "Type",
            default="reference",
            required=True,
        )
        fields["ratio"] = F.computed("float", "Combined Ratio", store=False)
        return ModelSpec("uom.uom", "Product Unit of Measure", fields, order="factor DESC, id")
    fields["relative_factor"] = F.float_("Contains", default=1.0, required=True)
    fields["relative_uom_id"] = F.many2one("uom.uom", "Reference Unit", ondelete="cascade")
    fields["related_uom_ids"] = F.one2many("uom.uom", "relative_uom_id", "Related UoMs")
    fields["factor"] = F.computed("float", "Absolute Quantity")
    fields["rounding"] = F.computed("float", "Rounding Precision")
    fields["sequence"] = F.integer("Sequence", default=0)
    fields["parent_path"] = F.char("Parent Path")
    return ModelSpec(
        "uom.uom",
        "Product Unit of Measure",
        fields,
        order="sequence, relative_uom_id, id",
        parent_name="relative_uom_id",  # 19 keeps the units as a tree (parent_of works)
    )


def ir_model_data(v: int) -> ModelSpec:
    """External ids; the sandbox holds those of the shipped units (and 16-18 categories)."""
    return ModelSpec(
        "ir.model.data",
        "Model Data",
        {
            "name": F.char("External Identifier", required=True),
            "module": F.char("Module", required=True, default=""),
            "model": F.char("Model Name", required=True),
            "res_id": F.integer("Record ID"),
            "noupdate": F.boolean("Non Updatable", default=False),
        },
        order="module, model, name",
    )


def product_category(v: int) -> ModelSpec:
    return ModelSpec(
        "product.category",
        "Product Category",
        {
            "name": F.char("Name", required=True),
            "complete_name": F.computed("char", "Complete Name"),
            "parent_id": F.many2one("product.category", "Parent Category", ondelete="cascade"),
            "child_id": F.one2many("product.category", "parent_id", "Child Categories"),
            "property_account_income_categ_id": F.many2one(
                "account.account", "Income Account", company_dependent=True
            ),
            "property_account_expense_categ_id": F.many2one(
                "account.account", "Expense Account", company_dependent=True
            ),
        },
        order="complete_name",
        rec_name="complete_name",
        parent_name="parent_id",
    )


def _product_shared(v: int) -> dict[str, F.Field]:
    """Fields of product.template (product.product reads them through its template)."""
    if v <= 17:
        types = [("consu", "Consumable"), ("service", "Service"), ("product", "Storable Product")]
    else:
        types = [("consu", "Goods"), ("service", "Service"), ("combo", "Combo")]
    fields: dict[str, F.Field] = {
        "name": F.char("Name", required=True, translate=True),
        "sequence": F.integer("Sequence", default=1),
        "description": F.html("Description", translate=True),
        "description_sale": F.text("Sales Description", translate=True),
        "description_purchase": F.text("Purchase Description", translate=True),
        "type": F.selection(types, "Product Type", default="consu", required=True),
        "categ_id": F.many2one("product.category", "Product Category", required=True, default=1),
        "list_price": F.float_("Sales Price", default=1.0),
        "standard_price": F.float_("Cost", company_dependent=True),
        "volume": F.float_("Volume"),
        "weight": F.float_("Weight"),
        "sale_ok": F.boolean("Can be Sold", default=True),
        "purchase_ok": F.boolean("Can be Purchased", default=True),
        "uom_id": F.many2one("uom.uom", "Unit of Measure", required=True, default=1),
        "uom_name": F.related("char", "uom_id.name", "Unit of Measure Name"),
        "company_id": F.many2one("res.company", "Company"),
        "active": F.boolean("Active", default=True),
        "color": F.integer("Color Index", default=0),
        "taxes_id": F.many2many("account.tax", "Customer Taxes"),
        "supplier_taxes_id": F.many2many("account.tax", "Vendor Taxes"),
        "property_account_income_id": F.many2one(
            "account.account", "Income Account", company_dependent=True
        ),
        "property_account_expense_id": F.many2one(
            "account.account", "Expense Account", company_dependent=True
        ),
        "invoice_policy": F.selection(
            [("order", "Ordered quantities"), ("delivery", "Delivered quantities")],
            "Invoicing Policy",
            default="order",
        ),
        "purchase_method": F.selection(
            [("purchase", "On ordered quantities"), ("receive", "On received quantities")],
            "Control Policy",
            default="receive",
        ),
    }
    if v <= 17:
        fields["detailed_type"] = F.selection(types, "Product Type", default="consu", required=True)
    else:
        fields["is_storable"] = F.boolean("Track Inventory")
    if v <= 18:
        fields["uom_po_id"] = F.many2one(
            "uom.uom", "Purchase Unit of Measure", required=True, default=1
        )
    if v <= 16:
        fields["priority"] = F.selection(
            [("0", "Normal"), ("1", "Favorite")], "Favorite", default="0"
        )
    else:
        fields["is_favorite"] = F.boolean("Favorite")
    return fields


def product_template(v: int) -> ModelSpec:
    fields = _product_shared(v)
    fields.update(
        {
            "default_code": F.computed("char", "Internal Reference", inverse=True, store=True),
            "barcode": F.computed("char", "Barcode", inverse=True, store=False),
            "product_variant_ids": F.one2many(
                "product.product", "product_tmpl_id", "Products", copy=True
            ),
            "product_variant_id": F.computed(
                "many2one", "Product", store=False, relation="product.product"
            ),
            "product_variant_count": F.computed("integer", "# Product Variants", store=False),
        }
    )
    favorite = "priority desc" if v <= 16 else "is_favorite desc"
    return ModelSpec(
        "product.template",
        "Product",
        fields,
        order=f"{favorite}, name, id",
        company_rule="shared",
    )


def product_product(v: int) -> ModelSpec:
    favorite = "priority desc" if v <= 16 else "is_favorite desc"
    return ModelSpec(
        "product.product",
        "Product Variant",
        {
            "product_tmpl_id": F.many2one(
                "product.template", "Product Template", required=True, ondelete="cascade"
            ),
            "default_code": F.char("Internal Reference"),
            "barcode": F.char("Barcode", copy=False),
            "active": F.boolean("Active", default=True),
            "lst_price": F.computed("float", "Sales Price", store=False, inverse=True),
            "code": F.computed("char", "Reference", store=False),
            "partner_ref": F.computed("char", "Customer Ref", store=False),
            "combination_indices": F.char("Combination Indices"),
        },
        order=f"{favorite}, default_code, name, id",
        company_rule="shared",
    )


def ir_attachment(v: int) -> ModelSpec:
    return ModelSpec(
        "ir.attachment",
        "Attachment",
        {
            "name": F.char("Name", required=True),
            "description": F.text("Description"),
            "res_name": F.computed("char", "Resource Name", store=False),
            "res_model": F.char("Resource Model"),
            "res_field": F.char("Resource Field"),
            "res_id": F.integer("Resource ID"),
            "company_id": F.many2one("res.company", "Company", default=default_company),
            "type": F.selection(
                [("url", "URL"), ("binary", "File")], "Type", default="binary", required=True
            ),
            "url": F.char("Url"),
            "public": F.boolean("Is public document"),
            "access_token": F.char("Access Token"),
            "datas": F.binary("File Content (base64)"),
            "mimetype": F.char("Mime Type"),
            "file_size": F.integer("File Size", readonly=True),
            "checksum": F.char("Checksum/SHA1", readonly=True),
        },
        order="id desc",
        company_rule="shared",
    )
