"""Invoices, posting, payment registration and reversal in the Odoo sandbox's ORM, per version
(shared/reference/odoo.md §2: account.move, account.payment, the payment register wizard)."""

from __future__ import annotations

from typing import Any

import pytest
from test_odoo_sandbox_orm_support import VERSIONS, World, fails, make_world

from tilisilta.domain.references import finnish_reference_error
from tilisilta.sandbox.odoo.exceptions import ServerValueError, UserError, ValidationError
from tilisilta.sandbox.odoo.orm import (
    attach_invoice_pdf,
    make_invoice,
    mark_payment_matched,
    register_payment,
)


@pytest.fixture(params=VERSIONS, ids=lambda v: f"odoo{v}")
def world(request: pytest.FixtureRequest) -> World:
    return make_world(request.param)


def invoice_vals(world: World, **extra: Any) -> dict[str, Any]:
    a = world.a
    return {
        "move_type": "out_invoice",
        "partner_id": a.customers["aalto"],
        "invoice_date": "2026-03-02",
        "invoice_line_ids": [
            (0, 0, {"product_id": a.products["coffee"], "quantity": 10}),
            (
                0,
                0,
                {
                    "product_id": a.products["coffee_maker"],
                    "quantity": 1,
                    "price_unit": 200.0,
                    "discount": 10,
                },
            ),
            (0, 0, {"product_id": a.products["newspaper"], "quantity": 4}),
            (0, 0, {"display_type": "line_section", "name": "Palvelut"}),
            (0, 0, {"product_id": a.products["consulting"], "quantity": 1.5}),
        ],
        **extra,
    }


MOVE_FIELDS = [
    "name",
    "state",
    "payment_state",
    "amount_untaxed",
    "amount_tax",
    "amount_total",
    "amount_residual",
    "amount_total_signed",
    "amount_residual_signed",
    "payment_reference",
    "invoice_date",
    "invoice_date_due",
    "display_name",
]


# ---- creation and totals ------------------------------------------------------------------------


def test_invoice_totals_from_lines_and_taxes(world: World) -> None:
    move = world.rpc("account.move", "create", invoice_vals(world))
    row = world.read1("account.move", move, [*MOVE_FIELDS, "invoice_line_ids", "line_ids"])
    # 10 x 8.90 @13.5 %, 1 x 200 -10 % @25.5 %, 4 x 3.50 @10 %, 1.5 h x 120 @25.5 %
    assert row["amount_untaxed"] == 89.0 + 180.0 + 14.0 + 180.0
    assert row["amount_tax"] == round(12.02 + 45.9 + 1.4 + 45.9, 2)
    assert row["amount_total"] == round(row["amount_untaxed"] + row["amount_tax"], 2)
    assert row["amount_residual"] == row["amount_total"]
    assert row["name"] == "/"
    assert row["state"] == "draft"
    assert row["payment_state"] == "not_paid"
    assert row["display_name"] == f"Draft Invoice (* {move})"
    assert len(row["invoice_line_ids"]) == 5  # product and section lines
    lines = world.rpc(
        "account.move.line",
        "search_read",
        [("move_id", "=", move)],
        ["display_type", "balance", "price_subtotal", "price_total", "account_id", "tax_ids"],
    )
    by_type: dict[str, list[dict[str, Any]]] = {}
    for line in lines:
        by_type.setdefault(line["display_type"], []).append(line)
    assert len(by_type["tax"]) == 3  # one per tax rate
    assert len(by_type["payment_term"]) == 1
    assert by_type["payment_term"][0]["balance"] == row["amount_total"]
    assert by_type["payment_term"][0]["account_id"][0] == world.a.accounts["receivable"]
    assert round(sum(line["balance"] for line in lines), 2) == 0.0
    maker = next(line for line in by_type["product"] if line["price_subtotal"] == 180.0)
    assert maker["price_total"] == 225.9
    assert maker["tax_ids"] == [world.a.taxes["sale_25_5"]]
    consulting = [
        line
        for line in by_type["product"]
        if line["account_id"][0] == world.a.accounts["sales_services"]
    ]
    assert len(consulting) == 1


def test_a_binary_half_cent_rounds_up_as_odoos_float_round_does(world: World) -> None:
    # 33 x 21.90 - 5 % is 686.565, held in binary as 686.56499999…; float_round nudges it by an
    # epsilon scaled to its magnitude and rounds half away from zero: 686.57, not 686.56.
    line = {"product_id": world.a.products["coffee"], "quantity": 33, "price_unit": 21.9}
    move = world.rpc(
        "account.move",
        "create",
        {**invoice_vals(world), "invoice_line_ids": [(0, 0, {**line, "discount": 5})]},
    )
    row = world.read1("account.move", move, ["amount_untaxed"])
    assert row["amount_untaxed"] == 686.57


def test_signed_amounts_per_move_type(world: World) -> None:
    a = world.a
    lines = [("consulting", 1, 100.0)]
    refund = make_invoice(
        world.reg, a, a.customers["aalto"], lines, move_type="out_refund", post=False
    )
    bill = make_invoice(
        world.reg, a, a.vendors["nieminen"], lines, move_type="in_invoice", post=False
    )
    vendor_refund = make_invoice(
        world.reg, a, a.vendors["nieminen"], lines, move_type="in_refund", post=False
    )
    for move, sign in ((refund, -1), (bill, -1), (vendor_refund, 1)):
        row = world.read1(
            "account.move", move, ["amount_total", "amount_total_signed", "amount_untaxed_signed"]
        )
        assert row["amount_total"] == 125.5
        assert row["amount_total_signed"] == sign * 125.5
        assert row["amount_untaxed_signed"] == sign * 100.0


def test_fiscal_positions_map_taxes(world: World) -> None:
    a = world.a
    cases = {
        "eu_sweden": ("eu", a.taxes["eu_goods"]),
        "export_norway": ("export", a.taxes["export"]),
        "virtanen": ("construction_reverse_charge", a.taxes["reverse_charge_construction"]),
        "aalto": ("domestic", a.taxes["sale_25_5"]),
    }
    for customer, (position, tax) in cases.items():
        move = make_invoice(world.reg, a, a.customers[customer], [("coffee_maker", 1)], post=False)
        row = world.read1(
            "account.move", move, ["fiscal_position_id", "amount_tax", "amount_total"]
        )
        assert row["fiscal_position_id"][0] == a.fiscal_positions[position], customer
        line = world.rpc(
            "account.move.line",
            "search_read",
            [("move_id", "=", move), ("display_type", "=", "product")],
            ["tax_ids"],
        )[0]
        assert line["tax_ids"] == [tax], customer
        assert row["amount_tax"] == (48.2 if position == "domestic" else 0.0)


def test_payment_terms_give_the_due_date(world: World) -> None:
    a = world.a
    move = make_invoice(
        world.reg, a, a.customers["korhonen"], invoice_date="2026-03-10", post=False
    )
    row = world.read1("account.move", move, ["invoice_payment_term_id", "invoice_date_due"])
    assert row["invoice_payment_term_id"][0] == a.payment_terms["net30"]
    assert row["invoice_date_due"] == "2026-04-09"


def test_child_line_write_updates_the_line_and_the_move(world: World) -> None:
    move = make_invoice(world.reg, world.a, world.a.customers["aalto"], [("coffee", 1)], post=False)
    line = world.read1("account.move", move, ["invoice_line_ids"])["invoice_line_ids"][0]
    world.clock.advance(61)
    world.rpc("account.move", "write", [move], {"invoice_line_ids": [(1, line, {"quantity": 3})]})
    line_row = world.read1("account.move.line", line, ["write_date", "price_subtotal"])
    move_row = world.read1("account.move", move, ["write_date", "amount_untaxed"])
    assert line_row["write_date"] == move_row["write_date"] == "2026-03-02 09:01:01"
    assert move_row["amount_untaxed"] == 26.7
    hits = world.rpc(
        "account.move", "search", [("invoice_line_ids.write_date", ">", "2026-03-02 09:00:30")]
    )
    assert hits == [move]


# ---- posting ---------------------------------------------------------------------------------


def test_posting_numbers_the_invoice(world: World) -> None:
    move = world.rpc("account.move", "create", invoice_vals(world))
    world.clock.advance(5)
    assert world.rpc("account.move", "action_post", [move]) is False
    row = world.read1("account.move", move, [*MOVE_FIELDS, "write_date"])
    assert row["name"] == "INV/2026/00001"
    assert row["display_name"] == "INV/2026/00001"
    assert row["state"] == "posted"
    assert row["payment_state"] == "not_paid"
    assert row["write_date"] == "2026-03-02 09:00:05"
    assert finnish_reference_error(row["payment_reference"]) is None
    second = make_invoice(world.reg, world.a, world.a.customers["korhonen"])
    assert world.read1("account.move", second, ["name"])["name"] == "INV/2026/00002"
    refund = make_invoice(world.reg, world.a, world.a.customers["korhonen"], move_type="out_refund")
    assert world.read1("account.move", refund, ["name"])["name"] == "RINV/2026/00001"
    bill = make_invoice(world.reg, world.a, world.a.vendors["nieminen"], move_type="in_invoice")
    assert world.read1("account.move", bill, ["name"])["name"] == "BILL/2026/03/0001"
    # company B numbers on its own
    other = make_invoice(world.reg, world.b, world.b.customers["aalto"])
    assert world.reg.call("account.move", "read", [other], ["name"])[0]["name"] == "INV/2026/00001"


def test_posting_sets_the_invoice_date_to_today(world: World) -> None:
    move = world.rpc("account.move", "create", invoice_vals(world, invoice_date=False))
    world.rpc("account.move", "action_post", [move])
    assert world.read1("account.move", move, ["invoice_date"])["invoice_date"] == "2026-03-02"


def test_posting_errors_worded_like_odoo(world: World) -> None:
    a = world.a
    no_partner = world.rpc("account.move", "create", invoice_vals(world, partner_id=False))
    fails(
        UserError,
        world.rpc,
        "account.move",
        "action_post",
        [no_partner],
        match=r"^The field 'Customer' is required, please complete it to validate the Customer "
        r"Invoice\.$",
    )
    no_lines = world.rpc(
        "account.move", "create", {"move_type": "out_invoice", "partner_id": a.customers["aalto"]}
    )
    fails(
        UserError,
        world.rpc,
        "account.move",
        "action_post",
        [no_lines],
        match=r"^You need to add a line before posting\.$",
    )
    bill = world.rpc(
        "account.move",
        "create",
        {
            "move_type": "in_invoice",
            "partner_id": a.vendors["nieminen"],
            "invoice_line_ids": [(0, 0, {"product_id": a.products["coffee"]})],
        },
    )
    fails(
        UserError,
        world.rpc,
        "account.move",
        "action_post",
        [bill],
        match=r"^The Bill/Refund date is required to validate this document\.$",
    )
    posted = make_invoice(world.reg, a, a.customers["aalto"])
    fails(
        UserError,
        world.rpc,
        "account.move",
        "action_post",
        [posted],
        match=rf"^The entry INV/2026/00001 \(id {posted}\) must be in draft\.$",
    )


def test_a_posted_entry_is_protected(world: World) -> None:
    move = make_invoice(world.reg, world.a, world.a.customers["aalto"])
    fails(
        UserError,
        world.rpc,
        "account.move",
        "write",
        [move],
        {"partner_id": world.a.customers["korhonen"]},
    )
    fails(
        UserError,
        world.rpc,
        "account.move",
        "unlink",
        [move],
        match=r"^You cannot delete an item linked to a posted entry\.$",
    )
    assert world.rpc("account.move", "write", [move], {"ref": "PO-77"}) is True


def test_payment_state_cannot_be_faked_by_writing_it(world: World) -> None:
    move = make_invoice(world.reg, world.a, world.a.customers["aalto"])
    assert (
        world.rpc("account.move", "write", [move], {"payment_state": "paid", "amount_residual": 0})
        is True
    )
    row = world.read1("account.move", move, ["payment_state", "amount_residual", "amount_total"])
    assert row["payment_state"] == "not_paid"
    assert row["amount_residual"] == row["amount_total"]


def test_reset_to_draft_and_cancel_return_none(world: World) -> None:
    move = make_invoice(world.reg, world.a, world.a.customers["aalto"])
    assert world.rpc("account.move", "button_draft", [move]) is None
    row = world.read1("account.move", move, ["state", "name"])
    assert row == {"id": move, "state": "draft", "name": "INV/2026/00001"}
    assert world.rpc("account.move", "button_cancel", [move]) is None
    assert world.read1("account.move", move, ["state"])["state"] == "cancel"
    fails(
        UserError,
        world.rpc,
        "account.move",
        "button_cancel",
        [move],
        match="Only draft journal entries can be cancelled.",
    )


# ---- payments -----------------------------------------------------------------------------------


def register(world: World, move: int, **vals: Any) -> Any:
    context = world.ctx(active_model="account.move", active_ids=[move])
    wizard = world.rpc("account.payment.register", "create", vals, context=context)
    return world.rpc(
        "account.payment.register", "action_create_payments", [wizard], context=context
    )


def test_register_payment_partial_then_full(world: World) -> None:
    a = world.a
    move = make_invoice(world.reg, a, a.customers["aalto"], [("coffee_maker", 1, 200.0)])
    total = world.read1("account.move", move, ["amount_total"])["amount_total"]
    assert total == 251.0
    action = register(
        world,
        move,
        amount=100.0,
        journal_id=a.journals["bank"],
        payment_method_line_id=a.payment_method_lines["bank_in"],
        payment_date="2026-03-05",
        communication="Osamaksu 1",
        payment_difference_handling="open",
    )
    assert action["type"] == "ir.actions.act_window"
    assert action["res_model"] == "account.payment"
    first = action["res_id"]
    row = world.read1(
        "account.move", move, ["payment_state", "amount_residual", "amount_residual_signed"]
    )
    assert row["payment_state"] == "partial"
    assert row["amount_residual"] == row["amount_residual_signed"] == 151.0
    memo = "ref" if world.version <= 17 else "memo"
    payment = world.read1(
        "account.payment",
        first,
        [
            "amount",
            memo,
            "journal_id",
            "partner_id",
            "date",
            "state",
            "name",
            "reconciled_invoice_ids",
            "payment_type",
        ],
    )
    assert payment["amount"] == 100.0
    assert payment[memo] == "Osamaksu 1"
    assert payment["journal_id"][0] == a.journals["bank"]
    assert payment["partner_id"][0] == a.customers["aalto"]
    assert payment["date"] == "2026-03-05"
    assert payment["payment_type"] == "inbound"
    assert payment["name"] == "PBNK1/2026/00001"
    assert payment["reconciled_invoice_ids"] == [move]
    assert payment["state"] == ("posted" if world.version <= 17 else "in_process")
    # the rest: amount defaults to what is left
    second = register(world, move, journal_id=a.journals["bank"])["res_id"]
    assert world.read1("account.payment", second, ["amount"])["amount"] == 151.0
    row = world.read1("account.move", move, ["payment_state", "amount_residual"])
    assert row == {"id": move, "payment_state": "in_payment", "amount_residual": 0.0}
    if world.version >= 18:
        assert world.read1("account.payment", second, ["invoice_ids"])["invoice_ids"] == [move]
        matched = world.read1("account.move", move, ["matched_payment_ids"])["matched_payment_ids"]
        assert matched == [first, second]
    # the bank statement arrives
    mark_payment_matched(world.reg, first)
    mark_payment_matched(world.reg, second)
    assert world.read1("account.move", move, ["payment_state"])["payment_state"] == "paid"
    if world.version >= 18:
        assert world.read1("account.payment", second, ["state"])["state"] == "paid"


def test_nothing_left_to_pay(world: World) -> None:
    move = make_invoice(world.reg, world.a, world.a.customers["aalto"])
    register(world, move, journal_id=world.a.journals["cash"])
    assert world.read1("account.move", move, ["payment_state"])["payment_state"] == "paid"
    fails(
        UserError,
        register,
        world,
        move,
        match=r"^You can't register a payment because there is nothing left to pay on the "
        r"selected journal items\.$",
    )


def test_register_payment_needs_a_posted_invoice(world: World) -> None:
    move = make_invoice(world.reg, world.a, world.a.customers["aalto"], post=False)
    fails(
        UserError,
        register,
        world,
        move,
        match=r"^You can only register payment for posted journal entries\.$",
    )


def test_register_payment_needs_an_active_model(world: World) -> None:
    fails(
        UserError,
        world.rpc,
        "account.payment.register",
        "create",
        {"amount": 1.0},
        match="should only be called on account.move or account.move.line records",
    )


def test_register_payment_refuses_a_method_of_another_journal(world: World) -> None:
    move = make_invoice(world.reg, world.a, world.a.customers["aalto"])
    fails(
        UserError,
        register,
        world,
        move,
        journal_id=world.a.journals["bank"],
        payment_method_line_id=world.a.payment_method_lines["cash_in"],
        match="The selected payment method is not available",
    )


def test_dont_redirect_to_payments_returns_true(world: World) -> None:
    move = make_invoice(world.reg, world.a, world.a.customers["aalto"])
    context = world.ctx(
        active_model="account.move", active_ids=[move], dont_redirect_to_payments=True
    )
    wizard = world.rpc("account.payment.register", "create", {}, context=context)
    assert (
        world.rpc("account.payment.register", "action_create_payments", [wizard], context=context)
        is True
    )


def test_payment_difference_written_off(world: World) -> None:
    a = world.a
    move = make_invoice(world.reg, a, a.customers["aalto"], [("consulting", 1, 100.0)])
    register(
        world,
        move,
        amount=125.0,
        payment_difference_handling="reconcile",
        writeoff_account_id=a.accounts["writeoff"],
        journal_id=a.journals["cash"],
    )
    row = world.read1("account.move", move, ["payment_state", "amount_residual"])
    assert row == {"id": move, "payment_state": "paid", "amount_residual": 0.0}
    writeoff = world.reg.call(
        "account.move.line",
        "search_read",
        [("account_id", "=", a.accounts["writeoff"])],
        ["balance"],
    )
    assert [line["balance"] for line in writeoff] == [0.5]


def test_vendor_bill_payment_goes_out(world: World) -> None:
    a = world.a
    bill = make_invoice(
        world.reg, a, a.vendors["nieminen"], [("coffee", 10, 4.0)], move_type="in_invoice"
    )
    payment = register_payment(world.reg, a, bill, journal="bank")
    row = world.reg.call(
        "account.payment", "read", [payment], ["payment_type", "partner_type", "amount"]
    )[0]
    assert row["payment_type"] == "outbound" and row["partner_type"] == "supplier"
    assert row["amount"] == 45.4
    assert world.read1("account.move", bill, ["payment_state"])["payment_state"] == "in_payment"


def test_draft_after_payment_unreconciles(world: World) -> None:
    move = make_invoice(world.reg, world.a, world.a.customers["aalto"])
    register(world, move, journal_id=world.a.journals["cash"])
    world.rpc("account.move", "button_draft", [move])
    row = world.read1(
        "account.move", move, ["payment_state", "amount_residual", "amount_total", "state"]
    )
    assert row["state"] == "draft"
    assert row["payment_state"] == "not_paid"
    assert row["amount_residual"] == row["amount_total"]


# ---- reversal ----------------------------------------------------------------------------------


def test_reversal_wizard(world: World) -> None:
    move = make_invoice(world.reg, world.a, world.a.customers["aalto"], [("coffee_maker", 1)])
    context = world.ctx(active_model="account.move", active_ids=[move])
    wizard = world.rpc(
        "account.move.reversal",
        "create",
        {"reason": "Väärä hinta", "date": "2026-03-03"},
        context=context,
    )
    method = "reverse_moves" if world.version == 16 else "refund_moves"
    action = world.rpc("account.move.reversal", method, [wizard], context=context)
    refund = action["res_id"]
    assert action["res_model"] == "account.move"
    row = world.read1(
        "account.move",
        refund,
        ["move_type", "state", "reversed_entry_id", "ref", "amount_total", "invoice_date"],
    )
    assert row["move_type"] == "out_refund"
    assert row["state"] == "draft"
    assert row["reversed_entry_id"][0] == move
    assert row["ref"] == "Reversal of: INV/2026/00001, Väärä hinta"
    assert row["amount_total"] == 237.2
    assert row["invoice_date"] == "2026-03-03"
    link = "reversal_move_id" if world.version <= 17 else "reversal_move_ids"
    assert world.read1("account.move", move, [link])[link] == [refund]
    world.rpc("account.move", "action_post", [refund])
    assert world.read1("account.move", refund, ["name"])["name"] == "RINV/2026/00001"


def test_full_reversal_marks_the_invoice_reversed(world: World) -> None:
    move = make_invoice(world.reg, world.a, world.a.customers["aalto"])
    context = world.ctx(active_model="account.move", active_ids=[move])
    if world.version == 16:
        wizard = world.rpc(
            "account.move.reversal", "create", {"refund_method": "cancel"}, context=context
        )
        action = world.rpc("account.move.reversal", "reverse_moves", [wizard], context=context)
    else:
        wizard = world.rpc("account.move.reversal", "create", {}, context=context)
        action = world.rpc("account.move.reversal", "modify_moves", [wizard], context=context)
    original = world.read1("account.move", move, ["payment_state", "amount_residual"])
    assert original == {"id": move, "payment_state": "reversed", "amount_residual": 0.0}
    refunds = world.rpc("account.move", "search", [("reversed_entry_id", "=", move)])
    assert (
        world.read1("account.move", refunds[0], ["state", "payment_state"])["payment_state"]
        == "paid"
    )
    if world.version >= 17:
        # modify: a new draft copy to correct
        new = world.read1("account.move", action["res_id"], ["state", "move_type", "partner_id"])
        assert new["state"] == "draft" and new["move_type"] == "out_invoice"


def test_only_posted_moves_can_be_reversed(world: World) -> None:
    move = make_invoice(world.reg, world.a, world.a.customers["aalto"], post=False)
    context = world.ctx(active_model="account.move", active_ids=[move])
    fails(
        UserError,
        world.rpc,
        "account.move.reversal",
        "create",
        {},
        context=context,
        match=r"^You can only reverse posted moves\.$",
    )


def test_refund_and_modify_methods_exist_from_17(world: World) -> None:
    fields = world.rpc("account.move.reversal", "fields_get", attributes=["type"])
    assert ("refund_method" in fields) == (world.version == 16)


# ---- attachments ----------------------------------------------------------------------------


def test_invoice_pdf_attachment(world: World) -> None:
    import base64

    move = make_invoice(world.reg, world.a, world.a.customers["aalto"])
    attachment = attach_invoice_pdf(world.reg, move)
    found = world.rpc(
        "ir.attachment",
        "search_read",
        [("res_model", "=", "account.move"), ("res_id", "=", move)],
        ["name", "mimetype", "datas", "file_size"],
    )
    assert [r["id"] for r in found] == [attachment]
    assert found[0]["name"] == "INV_2026_00001.pdf"
    assert found[0]["mimetype"] == "application/pdf"
    raw = base64.b64decode(found[0]["datas"])
    assert raw.startswith(b"%PDF-") and found[0]["file_size"] == len(raw)


# ---- wizards' defaults, currencies, versions --------------------------------------------------


def test_wizard_default_get_reads_the_context(world: World) -> None:
    a = world.a
    move = make_invoice(world.reg, a, a.customers["aalto"], [("consulting", 1, 100.0)])
    context = world.ctx(active_model="account.move", active_ids=[move])
    defaults = world.rpc(
        "account.payment.register",
        "default_get",
        ["amount", "journal_id", "payment_method_line_id", "communication", "partner_id"],
        context=context,
    )
    reference = world.read1("account.move", move, ["payment_reference"])["payment_reference"]
    assert defaults == {
        "amount": 125.5,
        "journal_id": a.journals["bank"],
        "payment_method_line_id": a.payment_method_lines["bank_in"],
        "communication": reference,
        "partner_id": a.customers["aalto"],
    }
    reversal = world.rpc(
        "account.move.reversal", "default_get", ["move_ids", "journal_id"], context=context
    )
    assert reversal == {"move_ids": [[6, 0, [move]]], "journal_id": a.journals["sale"]}
    draft = make_invoice(world.reg, a, a.customers["aalto"], post=False)
    fails(
        UserError,
        world.rpc,
        "account.payment.register",
        "default_get",
        ["amount"],
        context=world.ctx(active_model="account.move", active_ids=[draft]),
        match="You can only register payment for posted journal entries.",
    )


def test_invoice_in_a_foreign_currency(world: World) -> None:
    a = world.a
    move = make_invoice(
        world.reg,
        a,
        a.customers["eu_sweden"],
        [("consulting", 10, 1130.0)],
        currency_id=a.currencies["SEK"],
    )
    row = world.read1(
        "account.move", move, ["amount_total", "amount_total_signed", "amount_residual_signed"]
    )
    # SEK 11,300 at 11.3 SEK/EUR is EUR 1,000 in the company currency (EU services: 0 % VAT)
    assert row["amount_total"] == 11300.0
    assert row["amount_total_signed"] == row["amount_residual_signed"] == 1000.0
    register_payment(world.reg, a, move, 5650.0)
    row = world.read1(
        "account.move", move, ["payment_state", "amount_residual", "amount_residual_signed"]
    )
    assert row == {
        "id": move,
        "payment_state": "partial",
        "amount_residual": 5650.0,
        "amount_residual_signed": 500.0,
    }


def test_last_update_exists_only_in_16(world: World) -> None:
    partner = world.a.customers["aalto"]
    if world.version == 16:
        assert (
            world.read1("res.partner", partner, ["__last_update"])["__last_update"]
            == "2026-03-02 09:00:00"
        )
    else:
        fails(
            ServerValueError,
            world.rpc,
            "res.partner",
            "read",
            [partner],
            ["__last_update"],
            match="Invalid field '__last_update'",
        )


def test_a_failed_create_leaves_no_lines_behind(world: World) -> None:
    a = world.a
    counts = [world.reg.call(m, "search_count", []) for m in ("account.move", "account.move.line")]
    bad = invoice_vals(
        world,
        invoice_line_ids=[
            (0, 0, {"product_id": a.products["coffee"]}),
            (0, 0, {"product_id": 999999}),
        ],
    )
    fails(ValidationError, world.rpc, "account.move", "create", bad)
    after = [world.reg.call(m, "search_count", []) for m in ("account.move", "account.move.line")]
    assert after == counts
    move = world.rpc("account.move", "create", invoice_vals(world))
    lines = world.read1("account.move", move, ["invoice_line_ids", "line_ids"])
    assert len(lines["invoice_line_ids"]) == 5
    assert len(lines["line_ids"]) == 5 + 3 + 1  # 4 products and a section, 3 taxes, 1 receivable
