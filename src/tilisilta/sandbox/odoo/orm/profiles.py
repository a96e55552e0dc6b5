"""The models of one Odoo version: every per-version profile assembled, with ``_inherits``
delegation wired and the version-wide magic fields added."""

from __future__ import annotations

from collections.abc import Callable

from . import fields as F
from . import profiles_account as A
from . import profiles_base as B
from . import profiles_trade as T
from .spec import ModelSpec

VERSIONS = (16, 17, 18, 19)

_PROFILES: list[tuple[Callable[[int], ModelSpec], int, int]] = [
    (B.res_country, 16, 99),
    (B.res_country_group, 16, 99),
    (B.res_country_state, 16, 99),
    (B.res_currency, 16, 99),
    (B.res_currency_rate, 16, 99),
    (B.res_company, 16, 99),
    (B.res_partner, 16, 99),
    (B.res_bank, 16, 99),
    (B.res_partner_bank, 16, 99),
    (B.res_users, 16, 99),
    (B.uom_category, 16, 18),
    (B.uom_uom, 16, 99),
    (B.product_category, 16, 99),
    (B.product_template, 16, 99),
    (B.product_product, 16, 99),
    (B.ir_attachment, 16, 99),
    (B.ir_model_data, 16, 99),
    (T.ir_sequence, 16, 99),
    (A.account_account, 16, 99),
    (A.account_tax_group, 16, 99),
    (A.account_tax, 16, 99),
    (A.account_tax_repartition_line, 16, 99),
    (A.account_fiscal_position, 16, 99),
    (A.account_fiscal_position_tax, 16, 18),
    (A.account_journal, 16, 99),
    (A.account_payment_method, 16, 99),
    (A.account_payment_method_line, 16, 99),
    (A.account_payment_term, 16, 99),
    (A.account_payment_term_line, 16, 99),
    (A.account_move, 16, 99),
    (A.account_move_line, 16, 99),
    (A.account_partial_reconcile, 16, 99),
    (A.account_payment, 16, 99),
    (A.account_payment_register, 16, 99),
    (A.account_move_reversal, 16, 99),
    (T.sale_order, 16, 99),
    (T.sale_order_line, 16, 99),
    (T.purchase_order, 16, 99),
    (T.purchase_order_line, 16, 99),
    (T.stock_warehouse, 16, 99),
    (T.stock_location, 16, 99),
    (T.stock_picking_type, 16, 99),
    (T.stock_picking, 16, 99),
    (T.stock_move, 16, 99),
    (T.stock_move_line, 16, 99),
    (T.stock_lot, 16, 99),
    (T.stock_quant_package, 16, 99),
    (T.stock_immediate_transfer, 16, 16),
    (T.stock_backorder_confirmation, 16, 99),
    (T.delivery_carrier, 16, 99),
]

#: (child, parent, link): ``_inherits`` delegations, with the versions they exist in
_INHERITS: list[tuple[str, str, str, int, int]] = [
    ("res.users", "res.partner", "partner_id", 16, 99),
    ("product.product", "product.template", "product_tmpl_id", 16, 99),
    ("account.payment", "account.move", "move_id", 16, 17),
]


def build_specs(version: int) -> dict[str, ModelSpec]:
    if version not in VERSIONS:
        raise ValueError(f"Odoo version {version} is not imitated; choose one of {VERSIONS}")
    specs: dict[str, ModelSpec] = {}
    for build, since, until in _PROFILES:
        if since <= version <= until:
            spec = build(version)
            specs[spec.name] = spec
    for child, parent, link, since, until in _INHERITS:
        if since <= version <= until:
            specs[child].add_inherited(specs[parent], link)
    if version <= 16:
        for spec in specs.values():
            spec.fields["__last_update"] = F.computed(
                "datetime", "Last Modified on", store=False
            ).with_name("__last_update")
    _check(specs)
    return specs


def _check(specs: dict[str, ModelSpec]) -> None:
    """Every relation points at a model of the version and every one2many at a many2one."""
    for spec in specs.values():
        for field in spec.fields.values():
            if field.relation is not None and field.relation not in specs:
                raise RuntimeError(f"{spec.name}.{field.name} points at missing {field.relation}")
            if field.type == "one2many" and field.inverse_name is not None:
                assert field.relation is not None
                inverse = specs[field.relation].fields.get(field.inverse_name)
                if inverse is None or inverse.type != "many2one":
                    raise RuntimeError(
                        f"{spec.name}.{field.name}: no many2one {field.inverse_name} on "
                        f"{field.relation}"
                    )
