"""Vendor bills, their vendors and their files in the Odoo sandbox, per version, as Odoo's own
source has them (each test names the Odoo file it follows)."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import pytest
from test_odoo_sandbox_orm_support import VERSIONS, World, fails, make_world

from tilisilta.sandbox.odoo.exceptions import (
    AccessError,
    RedirectWarning,
    ServerBase64Error,
    ValidationError,
)

PDF = base64.b64encode(b"%PDF-1.4 a vendor's bill").decode()


@pytest.fixture(params=VERSIONS, ids=lambda v: f"odoo{v}")
def world(request: pytest.FixtureRequest) -> World:
    return make_world(request.param)


def bill_vals(world: World, **extra: Any) -> dict[str, Any]:
    a = world.a
    return {
        "move_type": "in_invoice",
        "partner_id": a.vendors["nieminen"],
        "invoice_date": "2026-03-02",
        "invoice_date_due": "2026-03-31",
        "invoice_payment_term_id": False,
        "ref": "V-1",
        "invoice_origin": "Tilisilta netvisor:1",
        "invoice_line_ids": [
            (
                0,
                0,
                {
                    "name": "Paperi",
                    "quantity": 4,
                    "price_unit": 12.5,
                    "tax_ids": [(6, 0, [a.taxes["purchase_25_5"]])],
                },
            ),
            (
                0,
                0,
                {
                    "name": "Kirjat",
                    "quantity": 1,
                    "price_unit": 10.0,
                    "tax_ids": [(6, 0, [a.taxes["purchase_10"]])],
                },
            ),
        ],
        **extra,
    }


def test_a_bill_with_purchase_taxes_is_a_draft_of_the_purchase_journal(world: World) -> None:
    """addons/account/models/account_move.py: the journal of a purchase document is a purchase
    journal; a given due date stands when no payment term is set; the origin is searchable."""
    move = world.rpc("account.move", "create", bill_vals(world))
    row = world.read1(
        "account.move",
        move,
        ["state", "journal_id", "amount_untaxed", "amount_tax", "amount_total", "invoice_date_due"],
    )
    assert row["state"] == "draft" and row["journal_id"][0] == world.a.journals["purchase"]
    assert (row["amount_untaxed"], row["amount_tax"], row["amount_total"]) == (60.0, 13.75, 73.75)
    assert row["invoice_date_due"] == "2026-03-31"
    found = world.rpc(
        "account.move", "search", [("invoice_origin", "in", ["Tilisilta netvisor:1", "x"])]
    )
    assert found == [move]


def test_a_bill_in_a_sales_journal_is_refused(world: World) -> None:
    fails(
        ValidationError,
        world.rpc,
        "account.move",
        "create",
        bill_vals(world, journal_id=world.a.journals["sale"]),
        match="not compatible with your invoice type",
    )


def test_a_vendor_is_made_and_found_by_its_identifiers(world: World) -> None:
    """odoo/addons/base/models/res_partner.py: ``ref``, ``vat``, ``company_registry`` and
    ``supplier_rank`` are plain stored fields."""
    partner = world.rpc(
        "res.partner",
        "create",
        {
            "name": "Uusi Oy",
            "is_company": True,
            "supplier_rank": 1,
            "company_id": world.a.company_id,
            "company_registry": "0112038-9",
            "vat": "FI01120389",
            "ref": "UT-1",
        },
    )
    for leaf in (
        ("company_registry", "in", ["0112038-9"]),
        ("vat", "in", ["FI01120389"]),
        ("ref", "=", "UT-1"),
    ):
        assert world.rpc("res.partner", "search", [("parent_id", "=", False), leaf]) == [partner]
    assert world.read1("res.partner", partner, ["supplier_rank"])["supplier_rank"] == 1


def test_a_file_goes_on_a_bill_the_user_may_write(world: World) -> None:
    """odoo/addons/base/models/ir_attachment.py ``create``: ``datas`` is decoded, the checksum
    is the SHA-1 of the content, and the record the file goes on must be one the user may write
    (``_inaccessible_comodel_records`` with ``write``)."""
    move = world.rpc("account.move", "create", bill_vals(world))
    attachment = world.rpc(
        "ir.attachment",
        "create",
        {"name": "lasku.pdf", "datas": PDF, "res_model": "account.move", "res_id": move},
    )
    row = world.read1("ir.attachment", attachment, ["checksum", "mimetype", "company_id"])
    assert row["checksum"] == hashlib.sha1(base64.b64decode(PDF)).hexdigest()
    assert row["mimetype"] == "application/pdf"
    assert row["company_id"][0] == world.a.company_id
    others = make_bill_of_company_b(world)
    for res_id in (others, 999_999):
        fails(
            AccessError,
            world.rpc,
            "ir.attachment",
            "create",
            {"name": "x.pdf", "datas": PDF, "res_model": "account.move", "res_id": res_id},
        )
    fails(
        ServerBase64Error,
        world.rpc,
        "ir.attachment",
        "create",
        {"name": "x.pdf", "datas": "abc", "res_model": "account.move", "res_id": move},
    )


def make_bill_of_company_b(world: World) -> int:
    b = world.b
    vals = bill_vals(world)
    vals.update(partner_id=b.vendors["nieminen"], invoice_line_ids=[])
    move: int = world.rpc(
        "account.move", "create", vals, uid=world.uid_ab, context=world.ctx(b.company_id)
    )
    return move


def test_files_of_binary_fields_are_left_out_of_searches(world: World) -> None:
    """odoo/addons/base/models/ir_attachment.py ``_search``: ``res_field = False`` is added unless
    the domain names ``id`` or ``res_field``."""
    move = world.rpc("account.move", "create", bill_vals(world))
    plain = world.rpc(
        "ir.attachment",
        "create",
        {"name": "a.pdf", "datas": PDF, "res_model": "account.move", "res_id": move},
    )
    field = world.rpc(
        "ir.attachment",
        "create",
        {
            "name": "b.pdf",
            "datas": PDF,
            "res_model": "account.move",
            "res_id": move,
            "res_field": "invoice_pdf_report_file",
        },
    )
    on_move = [("res_model", "=", "account.move"), ("res_id", "=", move)]
    assert world.rpc("ir.attachment", "search", on_move) == [plain]
    assert sorted(
        world.rpc("ir.attachment", "search", [*on_move, ("res_field", "!=", "x")])
    ) == sorted([plain, field])


def test_the_same_vendor_reference_and_date_blocks_posting_in_16_only(world: World) -> None:
    """16.0 addons/account/models/account_move.py ``_check_duplicate_supplier_reference`` (on
    posting, a RedirectWarning); 17 shows ``duplicated_ref_ids`` as a warning only."""
    first = world.rpc("account.move", "create", bill_vals(world))
    world.rpc("account.move", "action_post", [first])
    second = world.rpc("account.move", "create", bill_vals(world, invoice_origin=False))
    other_date = world.rpc(
        "account.move", "create", bill_vals(world, invoice_date="2026-03-03", invoice_origin=False)
    )
    world.rpc("account.move", "action_post", [other_date])
    if world.version == 16:
        fails(RedirectWarning, world.rpc, "account.move", "action_post", [second])
        assert world.read1("account.move", second, ["state"])["state"] == "draft"
    else:
        world.rpc("account.move", "action_post", [second])
        assert world.read1("account.move", second, ["state"])["state"] == "posted"
