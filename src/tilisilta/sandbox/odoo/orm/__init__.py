"""The in-memory ORM behind the Odoo sandbox: models and fields per Odoo version (16-19), the
domain evaluator, CRUD with x2many commands and company rules, and the business methods the hub
calls (posting, payment registration, reversal, order confirmation, transfer validation).

``Registry`` is the database and its RPC entry points (``execute_kw``, ``execute_json2``);
``seed_finnish_company`` fills it with a complete Finnish company; ``scenarios`` has helpers
that make invoices, payments and orders for tests and demos.
"""

from .commands import Command
from .env import SUPERUSER_ID, Env
from .registry import Registry
from .rpc import Records
from .scenarios import (
    attach_invoice_pdf,
    make_invoice,
    make_purchase_order,
    make_sale_order,
    mark_payment_matched,
    register_payment,
)
from .seed import SeedInfo, seed_finnish_company

__all__ = [
    "SUPERUSER_ID",
    "Command",
    "Env",
    "Records",
    "Registry",
    "SeedInfo",
    "attach_invoice_pdf",
    "make_invoice",
    "make_purchase_order",
    "make_sale_order",
    "mark_payment_matched",
    "register_payment",
    "seed_finnish_company",
]
