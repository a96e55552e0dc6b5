"""Contract tests of the Odoo sandbox's ORM core (no HTTP): CRUD and read formats, errors worded
like Odoo, field profiles per version, domains over RPC, paging and order, x2many commands,
write_date ties, transactions, JSON-2 calls. Reference: shared/reference/odoo.md §1.2-1.4, §2."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from test_odoo_sandbox_orm_support import VERSIONS, World, fails, make_world

from tilisilta.sandbox.odoo.exceptions import (
    AccessDenied,
    AccessError,
    MissingError,
    ServerAttributeError,
    ServerTypeError,
    ServerValueError,
    UserError,
    ValidationError,
)
from tilisilta.sandbox.odoo.orm import SUPERUSER_ID, Command, Registry


@pytest.fixture(params=VERSIONS, ids=lambda v: f"odoo{v}")
def world(request: pytest.FixtureRequest) -> World:
    return make_world(request.param)


@pytest.fixture
def w17() -> World:
    return make_world(17)


# ---- identity and authentication ------------------------------------------------------------


def test_version_strings(world: World) -> None:
    assert world.reg.server_version == f"{world.version}.0"


def test_authenticate_with_password_or_api_key(world: World) -> None:
    reg = world.reg
    assert reg.authenticate("bot-a", "pw-a") == world.uid_a
    assert reg.authenticate("bot-a", "key-a") == world.uid_a
    assert reg.authenticate("admin", "admin") == 2
    assert reg.uid_for_api_key("key-ab") == world.uid_ab
    for login, password in (
        ("bot-a", "wrong"),
        ("nobody", "pw-a"),
        ("bot-a", "key-ab"),
        ("bot-a", ""),
    ):
        fails(AccessDenied, reg.authenticate, login, password, match="^Access Denied$")
    fails(AccessDenied, reg.uid_for_api_key, "nope")


def test_archived_user_cannot_log_in_nor_call(world: World) -> None:
    world.reg.call("res.users", "write", [world.uid_a], {"active": False})
    fails(AccessDenied, world.reg.authenticate, "bot-a", "pw-a")
    fails(AccessDenied, world.rpc, "res.partner", "search", [])


def test_the_superuser_cannot_log_in(world: World) -> None:
    fails(AccessDenied, world.reg.authenticate, "__system__", "admin")


def test_context_get_gives_the_uid(world: World) -> None:
    context = world.rpc("res.users", "context_get")
    assert context == {"lang": "en_US", "tz": "Europe/Helsinki", "uid": world.uid_a}


def test_add_user_refuses_a_duplicate_login(world: World) -> None:
    fails(
        ValidationError,
        world.reg.add_user,
        "bot-a",
        password="x",
        api_key=None,
        company_ids=[world.a.company_id],
    )


# ---- reads ------------------------------------------------------------------------------------


def test_read_formats_values_like_odoo(world: World) -> None:
    partner = world.a.contacts["aalto_maija"]
    row = world.read1(
        "res.partner",
        partner,
        [
            "name",
            "parent_id",
            "country_id",
            "child_ids",
            "ref",
            "color",
            "is_company",
            "create_date",
            "display_name",
            "bank_ids",
        ],
    )
    assert row["id"] == partner
    assert row["name"] == "Maija Mäkinen"
    assert row["parent_id"] == [world.a.customers["aalto"], "Kahvila Aalto Oy"]
    assert row["country_id"] is False  # empty many2one reads as False
    assert row["ref"] is False  # empty char reads as False
    assert row["child_ids"] == []
    assert row["color"] == 0
    assert row["is_company"] is False
    assert row["create_date"] == "2026-03-02 09:00:00"
    assert row["display_name"] == "Kahvila Aalto Oy, Maija Mäkinen"


def test_read_of_dates_floats_and_x2many(world: World) -> None:
    template = world.a.templates["coffee"]
    row = world.read1(
        "product.template", template, ["list_price", "taxes_id", "product_variant_ids", "uom_id"]
    )
    assert row["list_price"] == 8.9 and isinstance(row["list_price"], float)
    assert row["taxes_id"] == [world.a.taxes["sale_13_5"]]
    assert row["product_variant_ids"] == [world.a.products["coffee"]]
    assert row["uom_id"][0] == world.a.uoms["units"]


def test_read_without_fields_returns_every_field(world: World) -> None:
    row = world.read1("res.country", world.a.country_id, [])
    assert {"id", "name", "code", "display_name", "write_date"} <= set(row)
    assert row["code"] == "FI"


def test_read_load_none_gives_bare_ids(world: World) -> None:
    rows = world.rpc(
        "res.partner", "read", [world.a.contacts["aalto_maija"]], ["parent_id"], load=None
    )
    assert rows[0]["parent_id"] == world.a.customers["aalto"]


def test_read_of_a_missing_record(world: World) -> None:
    error = fails(MissingError, world.rpc, "account.move", "read", [4242], ["name"])
    assert error.message == (
        "Record does not exist or has been deleted.\n"
        f"(Record: account.move(4242,), User: {world.uid_a})"
    )


def test_display_names(world: World) -> None:
    a = world.a
    assert world.read1("product.product", a.products["coffee"], ["display_name"])[
        "display_name"
    ] == ("[KAHVI-500] Kahvipaketti 500 g")
    account = world.read1("account.account", a.accounts["receivable"], ["display_name"])
    assert account["display_name"] == "1701 Myyntisaamiset"


def test_product_variant_reads_template_fields(world: World) -> None:
    row = world.read1(
        "product.product",
        world.a.products["coffee"],
        ["name", "list_price", "lst_price", "default_code", "barcode", "product_tmpl_id", "type"],
    )
    assert row["name"] == "Kahvipaketti 500 g"
    assert row["lst_price"] == row["list_price"] == 8.9
    assert row["default_code"] == "KAHVI-500"
    assert row["product_tmpl_id"][0] == world.a.templates["coffee"]
    assert row["type"] == "consu"
    # writing a template field through the variant writes the template
    world.rpc("product.product", "write", [world.a.products["coffee"]], {"list_price": 9.5})
    assert (
        world.read1("product.template", world.a.templates["coffee"], ["list_price"])["list_price"]
        == 9.5
    )


def test_seeded_identifiers_are_valid(world: World) -> None:
    from stdnum import ean
    from stdnum.fi import ytunnus

    for key in ("virtanen", "aalto", "korhonen"):
        row = world.read1("res.partner", world.a.customers[key], ["company_registry", "vat"])
        assert ytunnus.is_valid(row["company_registry"])
        assert row["vat"] == "FI" + row["company_registry"].replace("-", "")
    for key in ("coffee", "coffee_maker", "newspaper"):
        barcode = world.read1("product.product", world.a.products[key], ["barcode"])["barcode"]
        assert ean.is_valid(barcode) and len(barcode) == 13


# ---- create / write / unlink -----------------------------------------------------------------


def test_create_returns_an_id_for_a_dict_and_ids_for_a_list(world: World) -> None:
    one = world.rpc("res.partner", "create", {"name": "Yksi Oy"})
    assert isinstance(one, int)
    many = world.rpc("res.partner", "create", [{"name": "Kaksi Oy"}, {"name": "Kolme Oy"}])
    assert many == [one + 1, one + 2]
    rows = world.rpc("res.partner", "read", many, ["name", "company_id", "create_uid"])
    assert [r["name"] for r in rows] == ["Kaksi Oy", "Kolme Oy"]
    assert rows[0]["create_uid"][0] == world.uid_a


def test_write_returns_true_and_updates_write_date_and_uid(world: World) -> None:
    partner = world.a.customers["aalto"]
    world.clock.advance(90)
    assert world.rpc("res.partner", "write", [partner], {"phone": "+358 50 1"}) is True
    row = world.read1("res.partner", partner, ["phone", "write_date", "write_uid", "create_date"])
    assert row["phone"] == "+358 50 1"
    assert row["write_date"] == "2026-03-02 09:01:30"
    assert row["create_date"] == "2026-03-02 09:00:00"
    assert row["write_uid"][0] == world.uid_a


def test_write_of_a_missing_record(world: World) -> None:
    fails(MissingError, world.rpc, "res.partner", "write", [999999], {"name": "x"})


def test_unlink(world: World) -> None:
    partner = world.rpc("res.partner", "create", {"name": "Poistettava Oy"})
    assert world.rpc("res.partner", "unlink", [partner]) is True
    fails(MissingError, world.rpc, "res.partner", "read", [partner], ["name"])
    # unlinking what is already gone is not an error
    assert world.rpc("res.partner", "unlink", [partner]) is True


def test_unlink_refused_when_another_record_requires_it(world: World) -> None:
    from tilisilta.sandbox.odoo.orm import make_invoice

    invoice = make_invoice(world.reg, world.a, world.a.customers["aalto"], post=False)
    error = fails(ValidationError, world.rpc, "res.partner", "unlink", [world.a.customers["aalto"]])
    assert "another model requires the record being deleted" in error.message
    assert world.read1("account.move", invoice, ["partner_id"])["partner_id"]


def test_required_field_missing(world: World) -> None:
    error = fails(ValidationError, world.rpc, "res.country", "create", {"code": "XX"})
    assert "a mandatory field is not set" in error.message
    assert "Model: Country (res.country)" in error.message
    assert "Field: Country Name (name)" in error.message


def test_many2one_to_a_missing_record(world: World) -> None:
    error = fails(
        ValidationError, world.rpc, "res.partner", "create", {"name": "X", "country_id": 9999}
    )
    assert "res_partner_country_id_fkey" in error.message


def test_wrong_selection_value(world: World) -> None:
    fails(
        ServerValueError,
        world.rpc,
        "res.partner",
        "create",
        {"name": "X", "type": "nonsense"},
        match=r"^Wrong value for res\.partner\.type: 'nonsense'$",
    )


def test_partner_type_private_exists_only_in_16(world: World) -> None:
    call = (world.rpc, "res.partner", "create", {"name": "Private", "type": "private"})
    if world.version == 16:
        assert isinstance(call[0](*call[1:]), int)
    else:
        fails(ServerValueError, *call, match="Wrong value for res.partner.type")


def test_wrong_date(world: World) -> None:
    fails(
        ServerValueError,
        world.rpc,
        "res.currency.rate",
        "create",
        {"currency_id": world.a.currencies["SEK"], "name": "02.03.2026", "rate": 11.2},
        match="does not match format",
    )


def test_copy(world: World) -> None:
    new = world.rpc("res.partner", "copy", [world.a.customers["korhonen"]], {"name": "Kopio Oy"})
    if world.version <= 17:
        assert isinstance(new, int)
    else:
        assert isinstance(new, list) and len(new) == 1
        new = new[0]
    row = world.read1("res.partner", new, ["name", "city", "vat"])
    assert row["name"] == "Kopio Oy" and row["city"] == "Espoo"


def test_default_get_honours_context_defaults(world: World) -> None:
    values = world.rpc(
        "res.partner",
        "default_get",
        ["type", "lang", "active"],
        context=world.ctx(default_lang="fi_FI"),
    )
    assert values == {"type": "contact", "lang": "fi_FI", "active": True}


def test_context_defaults_leak_into_created_records(world: World) -> None:
    partner = world.rpc(
        "res.partner", "create", {"name": "Oletus Oy"}, context=world.ctx(default_city="Oulu")
    )
    assert world.read1("res.partner", partner, ["city"])["city"] == "Oulu"


# ---- errors of the RPC layer ------------------------------------------------------------------


def test_private_methods_are_refused(world: World) -> None:
    error = fails(AccessError, world.rpc, "account.move", "_reverse_moves", [1])
    assert error.message == "Private methods (such as _reverse_moves) cannot be called remotely."


def test_unknown_model(world: World) -> None:
    fails(
        UserError,
        world.rpc,
        "no.such.model",
        "search",
        [],
        match="^Object no.such.model doesn't exist$",
    )


def test_unknown_method(world: World) -> None:
    error = fails(ServerAttributeError, world.rpc, "res.partner", "frobnicate", [1])
    assert error.message == "The method 'frobnicate' does not exist on the model 'res.partner'"


def test_name_get_is_gone_from_18(world: World) -> None:
    partner = world.a.customers["aalto"]
    if world.version <= 17:
        assert world.rpc("res.partner", "name_get", [partner]) == [[partner, "Kahvila Aalto Oy"]]
    else:
        error = fails(ServerAttributeError, world.rpc, "res.partner", "name_get", [partner])
        assert error.message == "The method 'name_get' does not exist on the model 'res.partner'"


def test_wrong_arguments(world: World) -> None:
    error = fails(ServerTypeError, world.rpc, "res.partner", "write", [1])
    assert error.message == "BaseModel.write() missing 1 required positional argument: 'vals'"
    error = fails(ServerTypeError, world.rpc, "res.partner", "search_read", [], bogus=1)
    assert "unexpected keyword argument 'bogus'" in error.message
    fails(ServerTypeError, world.rpc, "res.partner", "read", "not ids")


def test_search_count_argument_only_in_16(world: World) -> None:
    if world.version == 16:
        assert world.rpc("res.country", "search", [("code", "=", "FI")], count=True) == 1
    else:
        error = fails(ServerTypeError, world.rpc, "res.country", "search", [], count=True)
        assert "unexpected keyword argument 'count'" in error.message
        assert world.rpc("res.country", "search_count", [], limit=3) == 3


# ---- field profiles per version -----------------------------------------------------------

RENAMES: list[tuple[str, str, set[int]]] = [
    ("account.move", "reversal_move_id", {16, 17}),
    ("account.move", "reversal_move_ids", {18, 19}),
    ("account.move", "payment_id", {16, 17}),
    ("account.move", "origin_payment_id", {18, 19}),
    ("account.move", "to_check", {16, 17}),
    ("account.move", "checked", {18, 19}),
    ("account.move", "matched_payment_ids", {18, 19}),
    ("account.payment", "ref", {16, 17}),
    ("account.payment", "memo", {18, 19}),
    ("account.payment", "invoice_ids", {18, 19}),
    ("account.tax", "invoice_label", {17, 18, 19}),
    ("account.tax", "price_include_override", {18, 19}),
    ("account.account", "company_id", {16, 17}),
    ("account.account", "company_ids", {18, 19}),
    ("product.template", "detailed_type", {16, 17}),
    ("product.template", "is_storable", {18, 19}),
    ("product.template", "uom_po_id", {16, 17, 18}),
    ("res.partner", "mobile", {16, 17, 18}),
    ("res.partner", "complete_name", {17, 18, 19}),
    ("sale.order", "locked", {17, 18, 19}),
    ("sale.order.line", "product_uom", {16, 17, 18}),
    ("sale.order.line", "product_uom_id", {19}),
    ("sale.order.line", "tax_id", {16, 17, 18}),
    ("sale.order.line", "tax_ids", {19}),
    ("purchase.order.line", "product_uom", {16, 17, 18}),
    ("purchase.order.line", "product_uom_id", {19}),
    ("purchase.order.line", "taxes_id", {16, 17, 18}),
    ("purchase.order.line", "tax_ids", {19}),
    ("stock.move", "quantity_done", {16}),
    ("stock.move", "quantity", {17, 18, 19}),
    ("stock.move", "picked", {17, 18, 19}),
    ("stock.move", "location_final_id", {18, 19}),
    ("stock.move.line", "qty_done", {16}),
    ("stock.move.line", "quantity", {17, 18, 19}),
    ("uom.uom", "category_id", {16, 17, 18}),
    ("uom.uom", "relative_factor", {19}),
    ("account.journal", "type", {16, 17, 18, 19}),
]


@pytest.mark.parametrize(("model", "field", "versions"), RENAMES, ids=lambda x: str(x))
@pytest.mark.parametrize("version", VERSIONS)
def test_field_exists_only_in_its_versions(
    version: int, model: str, field: str, versions: set[int]
) -> None:
    reg = Registry(version=version)
    fields = reg.call(model, "fields_get", attributes=["type"])
    assert (field in fields) == (version in versions)
    if version in versions:
        assert reg.call(model, "search_read", [], [field], limit=1) is not None
    else:
        fails(
            ServerValueError,
            reg.call,
            model,
            "search_read",
            [],
            [field],
            match=f"^Invalid field '{field}' on model '{model}'$",
        )
        fails(ServerValueError, reg.call, model, "search", [(field, "=", 1)], match="Invalid field")


@pytest.mark.parametrize(
    ("model", "versions"),
    [
        ("account.fiscal.position.tax", {16, 17, 18}),
        ("uom.category", {16, 17, 18}),
        ("stock.immediate.transfer", {16}),
        ("account.payment.register", {16, 17, 18, 19}),
    ],
)
@pytest.mark.parametrize("version", VERSIONS)
def test_model_exists_only_in_its_versions(version: int, model: str, versions: set[int]) -> None:
    reg = Registry(version=version)
    if version in versions:
        assert isinstance(reg.call(model, "search", []), list)
    else:
        fails(UserError, reg.call, model, "search", [], match=f"^Object {model} doesn't exist$")


def test_selection_values_follow_the_version(world: World) -> None:
    fields = world.rpc("account.move", "fields_get", ["payment_state"], ["selection"])
    states = [key for key, _ in fields["payment_state"]["selection"]]
    assert ("blocked" in states) == (world.version >= 18)
    fields = world.rpc("product.template", "fields_get", ["type"], ["selection"])
    types = [key for key, _ in fields["type"]["selection"]]
    assert types == (
        ["consu", "service", "product"] if world.version <= 17 else ["consu", "service", "combo"]
    )
    fields = world.rpc("sale.order", "fields_get", ["state"], ["selection"])
    assert ("done" in [k for k, _ in fields["state"]["selection"]]) == (world.version == 16)


def test_invalid_field_everywhere(world: World) -> None:
    message = "^Invalid field 'nope' on model 'res.partner'$"
    fails(ServerValueError, world.rpc, "res.partner", "read", [1], ["nope"], match=message)
    fails(ServerValueError, world.rpc, "res.partner", "write", [1], {"nope": 1}, match=message)
    fails(
        ServerValueError,
        world.rpc,
        "res.partner",
        "create",
        {"name": "x", "nope": 1},
        match=message,
    )
    fails(
        ServerValueError, world.rpc, "res.partner", "search", [], order="nope desc", match=message
    )
    fails(
        ServerValueError,
        world.rpc,
        "res.partner",
        "search",
        [("nope", "=", 1)],
        match="Invalid field 'nope'",
    )


def test_fields_get_respects_attributes(world: World) -> None:
    fields = world.rpc("account.move", "fields_get", attributes=["type", "string", "relation"])
    assert fields["partner_id"] == {
        "type": "many2one",
        "string": "Partner",
        "relation": "res.partner",
    }
    assert fields["invoice_line_ids"]["type"] == "one2many"
    assert set(fields["state"]) == {"type", "string"}
    full = world.rpc("account.move", "fields_get", ["state", "journal_id"])
    assert set(full) == {"state", "journal_id"}
    assert full["journal_id"]["required"] is True
    assert full["state"]["selection"][0] == ["draft", "Draft"]
    assert full["state"]["readonly"] is True


# ---- search: domains, paging, order -----------------------------------------------------------


def test_search_read_with_dotted_paths(world: World) -> None:
    found = world.rpc(
        "res.partner",
        "search_read",
        [("country_id.code", "=", "SE")],
        ["name"],
    )
    assert [r["name"] for r in found] == ["Svensk Handel AB"]
    found = world.rpc(
        "res.partner",
        "search",
        ["|", ("city", "=", "Tampere"), ("parent_id.name", "ilike", "aalto")],
    )
    assert sorted(found) == sorted([world.a.customers["aalto"], world.a.contacts["aalto_maija"]])


def test_any_operator_over_rpc_from_17(world: World) -> None:
    domain = [("bank_ids", "any", [("allow_out_payment", "=", True)]), ("supplier_rank", ">", 0)]
    if world.version == 16:
        fails(ServerValueError, world.rpc, "res.partner", "search", domain, match="Invalid leaf")
    else:
        assert sorted(world.rpc("res.partner", "search", domain)) == sorted(world.a.vendor_ids)


def test_paging_and_order(world: World) -> None:
    domain = [("customer_rank", ">", 0)]
    names = [
        r["name"]
        for r in world.rpc("res.partner", "search_read", domain, ["name"], order="name desc")
    ]
    assert names == sorted(names, reverse=True)
    assert len(names) == 5  # the archived customer is hidden
    page1 = world.rpc("res.partner", "search_read", domain, ["name"], 0, 2, "name asc")
    page2 = world.rpc(
        "res.partner", "search_read", domain, ["name"], offset=2, limit=2, order="name asc"
    )
    page3 = world.rpc(
        "res.partner", "search_read", domain, ["name"], offset=4, limit=2, order="name asc"
    )
    assert [r["name"] for r in page1 + page2 + page3] == sorted(names)
    assert world.rpc("res.partner", "search_count", domain) == 5


def test_default_order_of_partners_is_by_name(world: World) -> None:
    found = world.rpc("res.partner", "search_read", [("supplier_rank", ">", 0)], ["name"])
    assert [r["name"] for r in found] == ["Paperi Lahtinen Oy", "Tukku Nieminen Oy"]


def test_order_must_be_well_formed(world: World) -> None:
    fails(ServerValueError, world.rpc, "res.partner", "search", [], order="name; drop table")


def test_active_test(world: World) -> None:
    archived = world.a.archived_partner_id
    assert archived not in world.rpc("res.partner", "search", [("customer_rank", ">", 0)])
    assert archived in world.rpc(
        "res.partner",
        "search",
        [("customer_rank", ">", 0)],
        context=world.ctx(active_test=False),
    )
    assert world.rpc(
        "res.partner", "search", [("active", "=", False), ("customer_rank", ">", 0)]
    ) == [archived]
    # read does not filter archived records
    assert world.read1("res.partner", archived, ["active"])["active"] is False


def test_name_search(world: World) -> None:
    if world.version <= 17:
        result = world.rpc("res.partner", "name_search", "aalto", args=[("is_company", "=", True)])
    else:
        result = world.rpc(
            "res.partner", "name_search", "aalto", domain=[("is_company", "=", True)]
        )
    assert result == [[world.a.customers["aalto"], "Kahvila Aalto Oy"]]
    found = world.rpc("product.product", "name_search", "KAHVI-500")
    assert [r[0] for r in found] == [world.a.products["coffee"]]


# ---- x2many commands ---------------------------------------------------------------------------


def test_one2many_commands(world: World) -> None:
    vendor = world.a.vendors["lahtinen"]
    banks = world.read1("res.partner", vendor, ["bank_ids"])["bank_ids"]
    assert len(banks) == 1
    world.rpc(
        "res.partner",
        "write",
        [vendor],
        {
            "bank_ids": [
                (0, 0, {"acc_number": "FI21 1234 5600 0007 85"}),
                [0, 0, {"acc_number": "FI79 4006 0010 0011 11"}],
            ]
        },
    )
    banks = world.read1("res.partner", vendor, ["bank_ids"])["bank_ids"]
    assert len(banks) == 3
    world.rpc(
        "res.partner",
        "write",
        [vendor],
        {"bank_ids": [(1, banks[1], {"acc_holder_name": "Lahtinen"})]},
    )
    assert (
        world.read1("res.partner.bank", banks[1], ["acc_holder_name"])["acc_holder_name"]
        == "Lahtinen"
    )
    world.rpc("res.partner", "write", [vendor], {"bank_ids": [(2, banks[2])]})
    fails(MissingError, world.rpc, "res.partner.bank", "read", [banks[2]], ["acc_number"])
    # (3, id) on a one2many whose inverse is required deletes the line
    world.rpc("res.partner", "write", [vendor], {"bank_ids": [(3, banks[1], 0)]})
    assert world.rpc("res.partner.bank", "search", [("id", "=", banks[1])]) == []
    assert world.read1("res.partner", vendor, ["bank_ids"])["bank_ids"] == [banks[0]]


def test_one2many_link_and_replace_on_an_optional_inverse(world: World) -> None:
    parent = world.a.customers["korhonen"]
    c1 = world.rpc("res.partner", "create", {"name": "Kalle"})
    c2 = world.rpc("res.partner", "create", {"name": "Ville"})
    world.rpc("res.partner", "write", [parent], {"child_ids": [(4, c1), (4, c2)]})
    assert world.read1("res.partner", parent, ["child_ids"])["child_ids"] == [c1, c2]
    world.rpc("res.partner", "write", [parent], {"child_ids": [(6, 0, [c2])]})
    assert world.read1("res.partner", parent, ["child_ids"])["child_ids"] == [c2]
    # unlinked children survive: the inverse is only cleared
    assert world.read1("res.partner", c1, ["parent_id"])["parent_id"] is False
    world.rpc("res.partner", "write", [parent], {"child_ids": [(5,)]})
    assert world.read1("res.partner", parent, ["child_ids"])["child_ids"] == []


def test_many2many_commands(world: World) -> None:
    a = world.a
    template = a.templates["consulting"]
    t1, t2, t3 = a.taxes["sale_25_5"], a.taxes["sale_13_5"], a.taxes["sale_10"]

    def taxes() -> list[int]:
        value: list[int] = world.read1("product.template", template, ["taxes_id"])["taxes_id"]
        return value

    world.rpc("product.template", "write", [template], {"taxes_id": [(4, t2)]})
    assert taxes() == [t1, t2]
    world.rpc("product.template", "write", [template], {"taxes_id": [(3, t1)]})
    assert taxes() == [t2]
    world.rpc("product.template", "write", [template], {"taxes_id": [Command.set([t3, t1])]})
    assert sorted(taxes()) == sorted([t3, t1])
    world.rpc("product.template", "write", [template], {"taxes_id": [(5, 0, 0)]})
    assert taxes() == []
    # a bare list of ids replaces, like (6, 0, ids)
    world.rpc("product.template", "write", [template], {"taxes_id": [t1, t2]})
    assert taxes() == [t1, t2]
    world.rpc("product.template", "write", [template], {"taxes_id": False})
    assert taxes() == []
    # the tax records themselves are untouched
    assert world.rpc("account.tax", "search_count", [("id", "in", [t1, t2, t3])]) == 3


def test_bad_x2many_command(world: World) -> None:
    fails(
        ServerValueError,
        world.rpc,
        "product.template",
        "write",
        [world.a.templates["coffee"]],
        {"taxes_id": [(9, 0, 0)]},
        match="Wrong value for product.template.taxes_id",
    )
    fails(
        ValidationError,
        world.rpc,
        "product.template",
        "write",
        [world.a.templates["coffee"]],
        {"taxes_id": [(4, 99999)]},
    )


# ---- timestamps, incremental sync, transactions ----------------------------------------------


def test_records_written_in_one_second_share_a_write_date(world: World) -> None:
    world.clock.set(datetime(2026, 3, 2, 10, 0, 0, 250000, tzinfo=UTC))
    first = world.rpc("res.partner", "create", {"name": "Eka Oy"})
    world.clock.advance(0.5)
    second = world.rpc("res.partner", "create", {"name": "Toka Oy"})
    world.clock.advance(0.2)
    third = world.rpc("res.partner", "create", {"name": "Kolmas Oy"})
    world.clock.advance(0.1)  # 10:00:01.050
    fourth = world.rpc("res.partner", "create", {"name": "Neljäs Oy"})
    rows = world.rpc("res.partner", "read", [first, second, third, fourth], ["write_date"])
    assert [r["write_date"] for r in rows] == ["2026-03-02 10:00:00"] * 3 + ["2026-03-02 10:00:01"]


def test_write_date_cursor_recipe_does_not_skip_ties(world: World) -> None:
    world.clock.set(datetime(2026, 3, 2, 11, 0, 0, tzinfo=UTC))
    made = world.rpc("res.partner", "create", [{"name": f"Asiakas {i}"} for i in range(5)])
    world.clock.advance(1)
    later = world.rpc("res.partner", "create", {"name": "Myöhempi"})
    seen: list[int] = []
    cursor = ("2026-03-02 11:00:00", 0)
    # page by two, ordered by (write_date, id), resuming after the last row seen
    for _ in range(5):
        stamp, last_id = cursor
        page = world.rpc(
            "res.partner",
            "search_read",
            [
                "|",
                ("write_date", ">", stamp),
                "&",
                ("write_date", "=", stamp),
                ("id", ">", last_id),
            ],
            ["write_date"],
            limit=2,
            order="write_date asc, id asc",
        )
        if not page:
            break
        seen.extend(r["id"] for r in page)
        cursor = (page[-1]["write_date"], page[-1]["id"])
    assert seen == [*made, later]
    # strict '>' on the timestamp alone would have skipped the ties
    strict = world.rpc("res.partner", "search", [("write_date", ">", "2026-03-02 11:00:00")])
    assert strict == [later]


def test_a_failed_call_leaves_nothing_behind(world: World) -> None:
    before = world.rpc("res.partner", "search_count", [])
    fails(
        ServerValueError,
        world.rpc,
        "res.partner",
        "create",
        [{"name": "Hyvä Oy"}, {"name": "Huono Oy", "type": "bad"}],
    )
    assert world.rpc("res.partner", "search_count", []) == before
    assert world.rpc("res.partner", "search", [("name", "=", "Hyvä Oy")]) == []


def test_superuser_direct_access(world: World) -> None:
    everything = world.reg.call("res.partner", "search", [("customer_rank", ">", 0)])
    assert set(world.a.customer_ids) | set(world.b.customer_ids) <= set(everything)
    rows = world.reg.records("res.company")
    assert [r["id"] for r in rows] == [world.a.company_id, world.b.company_id]
    assert world.reg.records("res.users")[0]["login"] == "__system__"
    fails(UserError, world.reg.records, "nope.model")


def test_registry_call_defaults_to_the_superuser() -> None:
    reg = Registry(version=17)
    created = reg.call("res.partner", "create", {"name": "Root"})
    assert (
        reg.call("res.partner", "read", [created], ["create_uid"])[0]["create_uid"][0]
        == SUPERUSER_ID
    )


# ---- JSON-2 -------------------------------------------------------------------------------------


def test_json2_named_parameters(world: World) -> None:
    reg = world.reg
    uid = reg.uid_for_api_key("key-a")
    ids = reg.execute_json2(
        uid,
        "res.partner",
        "search",
        {"domain": [("supplier_rank", ">", 0)], "context": world.ctx()},
    )
    assert sorted(ids) == sorted(world.a.vendor_ids)
    rows = reg.execute_json2(
        uid, "res.partner", "read", {"ids": ids, "fields": ["name"], "context": world.ctx()}
    )
    assert {r["name"] for r in rows} == {"Tukku Nieminen Oy", "Paperi Lahtinen Oy"}
    # create always answers a list of ids on JSON-2
    created = reg.execute_json2(uid, "res.partner", "create", {"vals_list": {"name": "Json Oy"}})
    assert isinstance(created, list) and len(created) == 1
    fails(
        ServerTypeError, reg.execute_json2, uid, "res.partner", "search", {"domain": [], "bogus": 1}
    )
    fails(
        ServerTypeError, reg.execute_json2, uid, "res.partner", "search", {"ids": [1], "domain": []}
    )
    fails(AccessError, reg.execute_json2, uid, "res.partner", "_read", {})


def test_calls_are_serialized_by_the_lock(w17: World) -> None:
    import threading

    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            for i in range(20):
                w17.rpc("res.partner", "create", {"name": f"T{n}-{i}"})
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert w17.rpc("res.partner", "search_count", [("name", "=like", "T%-%")]) == 80


def test_wrong_arguments_to_a_business_method(world: World) -> None:
    error = fails(ServerTypeError, world.rpc, "account.move", "action_post", [1], "extra")
    assert error.message == "AccountMove.action_post() takes 1 positional argument but 2 were given"
    error = fails(ServerTypeError, world.rpc, "res.partner", "search_count")
    assert (
        error.message == "BaseModel.search_count() missing 1 required positional argument: 'domain'"
    )
