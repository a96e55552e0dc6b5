"""Helpers for tests and demos: make invoices and orders, pay, attach a PDF, let the bank
statement arrive. They go through the same methods as RPC (as the superuser, in the seeded
company) so what they make is what a client would have made."""

from __future__ import annotations

import base64
from datetime import date
from typing import TYPE_CHECKING, Any

from .env import SUPERUSER_ID
from .seed import SeedInfo

if TYPE_CHECKING:
    from .registry import Registry


def _ctx(seed: SeedInfo) -> dict[str, Any]:
    return {"allowed_company_ids": [seed.company_id]}


def _line(
    reg: Registry, seed: SeedInfo, spec: dict[str, Any] | tuple[Any, ...] | str
) -> dict[str, Any]:
    """A line spec: a product key of the seed, ``(product key, quantity)``,
    ``(product key, quantity, price)`` or a dict of line values (``product`` may be a key)."""
    if isinstance(spec, str):
        return {"product_id": seed.products[spec]}
    if isinstance(spec, tuple):
        vals: dict[str, Any] = {"product_id": seed.products[spec[0]], "quantity": spec[1]}
        if len(spec) > 2:
            vals["price_unit"] = spec[2]
        return vals
    vals = dict(spec)
    if "product" in vals:
        vals["product_id"] = seed.products[vals.pop("product")]
    return vals


def make_invoice(
    reg: Registry,
    seed: SeedInfo,
    partner_id: int,
    lines: list[Any] | None = None,
    *,
    move_type: str = "out_invoice",
    post: bool = True,
    invoice_date: date | str | None = None,
    uid: int = SUPERUSER_ID,
    **extra: Any,
) -> int:
    """An invoice (or bill / credit note) with product lines, posted unless ``post=False``."""
    lines = lines if lines is not None else [("coffee", 10)]
    line_vals = [_line(reg, seed, spec) for spec in lines]
    vals: dict[str, Any] = {
        "move_type": move_type,
        "partner_id": partner_id,
        "company_id": seed.company_id,
        "invoice_line_ids": [(0, 0, v) for v in line_vals],
        **extra,
    }
    if invoice_date is not None:
        vals["invoice_date"] = (
            invoice_date.isoformat() if isinstance(invoice_date, date) else invoice_date
        )
    elif move_type.startswith("in_"):
        vals["invoice_date"] = reg.env().today.isoformat()
    move_id: int = reg.call("account.move", "create", vals, uid=uid, context=_ctx(seed))
    if post:
        reg.call("account.move", "action_post", [move_id], uid=uid, context=_ctx(seed))
    return move_id


def register_payment(
    reg: Registry,
    seed: SeedInfo,
    move_id: int,
    amount: float | None = None,
    *,
    journal: str = "bank",
    payment_date: date | str | None = None,
    communication: str | None = None,
    uid: int = SUPERUSER_ID,
) -> int:
    """Pay an invoice through the register-payment wizard; returns the payment id."""
    context = {**_ctx(seed), "active_model": "account.move", "active_ids": [move_id]}
    move_type = reg.call(
        "account.move", "read", [move_id], ["move_type"], uid=uid, context=_ctx(seed)
    )[0]["move_type"]
    direction = "in" if move_type in ("out_invoice", "in_refund", "out_receipt") else "out"
    vals: dict[str, Any] = {
        "journal_id": seed.journals[journal],
        "payment_method_line_id": seed.payment_method_lines[f"{journal}_{direction}"],
    }
    if amount is not None:
        vals["amount"] = amount
    if payment_date is not None:
        vals["payment_date"] = (
            payment_date.isoformat() if isinstance(payment_date, date) else payment_date
        )
    if communication is not None:
        vals["communication"] = communication
    wizard = reg.call("account.payment.register", "create", vals, uid=uid, context=context)
    action = reg.call(
        "account.payment.register", "action_create_payments", [wizard], uid=uid, context=context
    )
    return int(action["res_id"])


def mark_payment_matched(reg: Registry, payment_id: int) -> None:
    """The bank statement line arrived and was matched: the payment is matched, the invoices
    it pays go from ``in_payment`` to ``paid`` (18+: the payment from in_process to paid)."""
    with reg.transaction():
        env = reg.env()
        payments = env["account.payment"]
        payments.set_values(payment_id, {"is_matched": True})
        payments.recompute([payment_id])
        move = payments.row(payment_id).get("move_id")
        if move:
            moves = env["account.move"]
            moves.recompute(moves.counterpart_moves(move))  # type: ignore[attr-defined]


#: a one-page PDF saying "Invoice", small enough to embed
_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R"
    b"/Resources<</Font<</F1 5 0 R>>>>>>endobj\n"
    b"4 0 obj<</Length 44>>stream\nBT /F1 24 Tf 72 760 Td (Invoice) Tj ET\nendstream endobj\n"
    b"5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def attach_invoice_pdf(reg: Registry, move_id: int, *, content: bytes | None = None) -> int:
    """An ``ir.attachment`` holding the invoice's PDF, as printing the invoice makes."""
    name = reg.call("account.move", "read", [move_id], ["name"])[0]["name"]
    attachment: int = reg.call(
        "ir.attachment",
        "create",
        {
            "name": f"{str(name).replace('/', '_')}.pdf",
            "res_model": "account.move",
            "res_id": move_id,
            "mimetype": "application/pdf",
            "datas": base64.b64encode(content or _PDF).decode("ascii"),
        },
    )
    return attachment


def make_sale_order(
    reg: Registry,
    seed: SeedInfo,
    partner_id: int,
    lines: list[Any] | None = None,
    *,
    confirm: bool = True,
    uid: int = SUPERUSER_ID,
    **extra: Any,
) -> int:
    """A sale order (confirmed unless ``confirm=False``: the delivery is then created)."""
    return _make_order(
        reg,
        seed,
        partner_id,
        [("coffee", 5)] if lines is None else lines,
        uid,
        extra,
        model="sale.order",
        quantity="product_uom_qty",
        confirm="action_confirm" if confirm else None,
    )


def make_purchase_order(
    reg: Registry,
    seed: SeedInfo,
    partner_id: int,
    lines: list[Any] | None = None,
    *,
    confirm: bool = True,
    uid: int = SUPERUSER_ID,
    **extra: Any,
) -> int:
    """A purchase order (confirmed unless ``confirm=False``: the receipt is then created)."""
    return _make_order(
        reg,
        seed,
        partner_id,
        [("coffee", 20)] if lines is None else lines,
        uid,
        extra,
        model="purchase.order",
        quantity="product_qty",
        confirm="button_confirm" if confirm else None,
    )


def _make_order(
    reg: Registry,
    seed: SeedInfo,
    partner_id: int,
    lines: list[Any],
    uid: int,
    extra: dict[str, Any],
    *,
    model: str,
    quantity: str,
    confirm: str | None,
) -> int:
    order_lines = []
    for spec in lines:
        vals = _line(reg, seed, spec)
        if "quantity" in vals:
            vals[quantity] = vals.pop("quantity")
        order_lines.append((0, 0, vals))
    values = {"partner_id": partner_id, "company_id": seed.company_id, "order_line": order_lines}
    order: int = reg.call(model, "create", {**values, **extra}, uid=uid, context=_ctx(seed))
    if confirm:
        reg.call(model, confirm, [order], uid=uid, context=_ctx(seed))
    return order
