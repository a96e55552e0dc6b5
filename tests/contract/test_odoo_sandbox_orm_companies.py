"""Multi-company behaviour of the Odoo sandbox's ORM: ``allowed_company_ids``, record rules on
search/read/write/create, the superuser bypass, and cross-company links refused
(shared/reference/odoo.md §1.4)."""

from __future__ import annotations

import pytest
from test_odoo_sandbox_orm_support import VERSIONS, World, fails, make_world

from tilisilta.sandbox.odoo.exceptions import AccessError, UserError
from tilisilta.sandbox.odoo.orm import make_invoice


@pytest.fixture(params=VERSIONS, ids=lambda v: f"odoo{v}")
def world(request: pytest.FixtureRequest) -> World:
    return make_world(request.param)


def test_a_user_sees_only_the_records_of_allowed_companies(world: World) -> None:
    a, b = world.a, world.b
    invoice_a = make_invoice(world.reg, a, a.customers["aalto"])
    invoice_b = make_invoice(world.reg, b, b.customers["aalto"])
    found = world.rpc("account.move", "search", [("move_type", "=", "out_invoice")])
    assert found == [invoice_a]
    customers = world.rpc("res.partner", "search", [("customer_rank", ">", 0)])
    assert sorted(customers) == sorted(a.customer_ids)
    assert world.rpc("account.tax", "search_count", [("company_id", "=", b.company_id)]) == 0
    assert invoice_b not in world.rpc("account.move", "search", [], context={})


def test_reading_or_writing_another_companys_record_is_refused(world: World) -> None:
    b = world.b
    invoice_b = make_invoice(world.reg, b, b.customers["aalto"], post=False)
    error = fails(AccessError, world.rpc, "account.move", "read", [invoice_b], ["name"])
    if world.version >= 17:
        assert "doesn't have 'read' access to:\n- Journal Entry (account.move)" in error.message
        assert "Bot A (id=" in error.message
        assert "do not have access to the proper company" in error.message
    else:
        assert "not allowed to access 'Journal Entry' (account.move) records" in error.message
    fails(AccessError, world.rpc, "account.move", "write", [invoice_b], {"ref": "x"})
    fails(AccessError, world.rpc, "res.partner", "write", [b.customers["aalto"]], {"name": "x"})


def test_allowed_company_ids_must_be_the_users(world: World) -> None:
    a, b = world.a, world.b
    for companies in ([b.company_id], [a.company_id, b.company_id], [999]):
        error = fails(
            AccessError,
            world.rpc,
            "res.partner",
            "search",
            [],
            context={"allowed_company_ids": companies},
        )
        assert error.message == "Access to unauthorized or invalid companies."


def test_creating_in_another_company_is_refused(world: World) -> None:
    b = world.b
    fails(
        AccessError,
        world.rpc,
        "res.partner",
        "create",
        {"name": "Väärä Oy", "company_id": b.company_id},
    )
    fails(
        AccessError,
        world.rpc,
        "account.move",
        "create",
        {
            "move_type": "out_invoice",
            "partner_id": world.a.customers["aalto"],
            "company_id": b.company_id,
        },
    )
    # nothing was left behind by the refused calls
    assert world.reg.call("res.partner", "search", [("name", "=", "Väärä Oy")]) == []


def test_the_first_allowed_company_is_the_current_one(world: World) -> None:
    a, b = world.a, world.b
    both = world.ctx(b.company_id, a.company_id)
    partner = world.rpc("account.tax", "search", [], uid=world.uid_ab, context=both)
    assert set(partner) == set(a.taxes.values()) | set(b.taxes.values())
    move = world.rpc(
        "account.move",
        "create",
        {"move_type": "out_invoice", "partner_id": b.customers["korhonen"]},
        uid=world.uid_ab,
        context=both,
    )
    row = world.read1(
        "account.move", move, ["company_id", "journal_id"], uid=world.uid_ab, context=both
    )
    assert row["company_id"][0] == b.company_id
    assert row["journal_id"][0] == b.journals["sale"]
    only_b = world.rpc(
        "account.move", "search", [], uid=world.uid_ab, context=world.ctx(b.company_id)
    )
    assert only_b == [move]


def test_without_context_a_user_sees_all_their_companies(world: World) -> None:
    a, b = world.a, world.b
    journals = world.rpc(
        "account.journal", "search", [("type", "=", "sale")], uid=world.uid_ab, context={}
    )
    assert sorted(journals) == sorted([a.journals["sale"], b.journals["sale"]])
    # but records are created in the user's default company
    partner = world.rpc(
        "res.currency.rate",
        "create",
        {"currency_id": a.currencies["SEK"], "rate": 11.3},
        uid=world.uid_ab,
        context={},
    )
    assert (
        world.read1("res.currency.rate", partner, ["company_id"], uid=world.uid_ab, context={})[
            "company_id"
        ][0]
        == a.company_id
    )


def test_shared_records_are_visible_to_everyone(world: World) -> None:
    shared = world.reg.call("res.partner", "create", {"name": "Yhteinen Oy"})
    assert world.rpc("res.partner", "search", [("name", "=", "Yhteinen Oy")]) == [shared]
    assert world.rpc(
        "res.partner",
        "search",
        [("name", "=", "Yhteinen Oy")],
        uid=world.uid_ab,
        context=world.ctx(world.b.company_id),
    ) == [shared]


def test_the_superuser_bypasses_record_rules(world: World) -> None:
    invoice_b = make_invoice(world.reg, world.b, world.b.customers["aalto"], post=False)
    assert world.reg.call("account.move", "read", [invoice_b], ["company_id"])[0]["company_id"][
        0
    ] == (world.b.company_id)


def test_taxes_of_another_company_are_refused_on_a_move(world: World) -> None:
    a, b = world.a, world.b
    error = fails(
        UserError,
        world.rpc,
        "account.move",
        "create",
        {
            "move_type": "out_invoice",
            "partner_id": a.customers["aalto"],
            "invoice_line_ids": [
                (
                    0,
                    0,
                    {
                        "name": "x",
                        "quantity": 1,
                        "price_unit": 10,
                        "tax_ids": [(6, 0, [b.taxes["sale_25_5"]])],
                    },
                )
            ],
        },
        uid=world.uid_ab,
        context=world.ctx(a.company_id, b.company_id),
    )
    assert error.message.startswith("Incompatible companies on records:")
    assert "'Taxes' (tax_ids: '25,5 %') belongs to another company." in error.message


def test_a_journal_of_another_company_is_refused(world: World) -> None:
    a, b = world.a, world.b
    error = fails(
        UserError,
        world.rpc,
        "account.move",
        "create",
        {
            "move_type": "out_invoice",
            "partner_id": a.customers["aalto"],
            "company_id": a.company_id,
            "journal_id": b.journals["sale"],
        },
        uid=world.uid_ab,
        context=world.ctx(a.company_id, b.company_id),
    )
    assert "'Journal' (journal_id: 'Myyntilaskut') belongs to another company." in error.message


def test_a_customer_of_another_company_is_refused(world: World) -> None:
    a, b = world.a, world.b
    error = fails(
        UserError,
        world.rpc,
        "account.move",
        "create",
        {
            "move_type": "out_invoice",
            "partner_id": b.customers["virtanen"],
            "company_id": a.company_id,
        },
        uid=world.uid_ab,
        context=world.ctx(a.company_id, b.company_id),
    )
    assert (
        "'Partner' (partner_id: 'Rakennus Virtanen Oy') belongs to another company" in error.message
    )
