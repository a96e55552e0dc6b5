"""The Odoo sandbox's domain evaluator on its own, over a small in-memory data set: syntax and
normal form, every operator, SQL NULL semantics as Odoo writes them, negation, dotted paths,
any / not any, child_of / parent_of, active_test and per-version rules."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from tilisilta.sandbox.odoo.exceptions import ServerValueError
from tilisilta.sandbox.odoo.orm import domain as D
from tilisilta.sandbox.odoo.orm import fields as F
from tilisilta.sandbox.odoo.orm.fields import Field


def _fields(**fields: Field) -> dict[str, Field]:
    named = {name: f.with_name(name) for name, f in fields.items()}
    named["id"] = F.integer("ID").with_name("id")
    return named


SCHEMA: dict[str, dict[str, Field]] = {
    "partner": _fields(
        name=F.char("Name"),
        ref=F.char("Reference"),
        active=F.boolean("Active"),
        parent_id=F.many2one("partner", "Parent"),
        child_ids=F.one2many("partner", "parent_id", "Children"),
        country_id=F.many2one("country", "Country"),
        tag_ids=F.many2many("tag", "Tags"),
        amount=F.float_("Amount"),
        color=F.integer("Color"),
        day=F.date_("Day"),
        moment=F.datetime_("Moment"),
        state=F.selection([("draft", "Draft"), ("done", "Done")], "State"),
        label=F.computed("char", "Label", store=False),
        country_code=F.related("char", "country_id.code", "Country code"),
    ),
    "country": _fields(name=F.char("Name"), code=F.char("Code")),
    "tag": _fields(name=F.char("Name"), active=F.boolean("Active")),
}
PARENTS = {"partner": "parent_id"}

ROWS: dict[str, dict[int, dict[str, Any]]] = {
    "country": {
        1: {"name": "Finland", "code": "FI"},
        2: {"name": "Sweden", "code": "SE"},
    },
    "tag": {
        1: {"name": "VIP", "active": True},
        2: {"name": "Wholesale", "active": True},
        3: {"name": "Old tag", "active": False},
    },
    "partner": {
        1: {
            "name": "Aalto Oy",
            "ref": "C100",
            "active": True,
            "parent_id": None,
            "country_id": 1,
            "tag_ids": [1, 2],
            "amount": 100.0,
            "color": 3,
            "day": date(2026, 3, 1),
            "moment": datetime(2026, 3, 1, 12, 0, 0),
            "state": "done",
        },
        2: {
            "name": "Maija Aalto",
            "ref": None,
            "active": True,
            "parent_id": 1,
            "country_id": 1,
            "tag_ids": [],
            "amount": 5.5,
            "color": 0,
            "day": date(2026, 3, 2),
            "moment": datetime(2026, 3, 2, 0, 0, 0),
            "state": "draft",
        },
        3: {
            "name": "Svensk AB",
            "ref": "C_2",
            "active": True,
            "parent_id": None,
            "country_id": 2,
            "tag_ids": [3],
            "amount": None,
            "color": 7,
            "day": None,
            "moment": datetime(2026, 3, 2, 23, 59, 59),
            "state": None,
        },
        4: {
            "name": "Vanha Oy",
            "ref": "C100X",
            "active": False,
            "parent_id": None,
            "country_id": None,
            "tag_ids": [2],
            "amount": 50.0,
            "color": 1,
            "day": date(2025, 12, 31),
            "moment": None,
            "state": "done",
        },
        5: {
            "name": "Pekka Aalto",
            "ref": None,
            "active": True,
            "parent_id": 2,
            "country_id": None,
            "tag_ids": [],
            "amount": 0.0,
            "color": 0,
            "day": None,
            "moment": None,
            "state": "draft",
        },
    },
}


class FakeSource:
    """A DomainSource over ROWS."""

    def __init__(self, *, version: int = 17, active_test: bool = True) -> None:
        self._version = version
        self._active_test = active_test

    @property
    def version(self) -> int:
        return self._version

    @property
    def active_test(self) -> bool:
        return self._active_test

    def field(self, model: str, name: str) -> Field | None:
        return SCHEMA[model].get(name)

    def all_ids(self, model: str) -> set[int]:
        return set(ROWS[model])

    def value(self, model: str, rid: int, field: Field) -> Any:
        if field.name == "id":
            return rid
        if field.type == "one2many":
            assert field.relation and field.inverse_name
            return [
                cid
                for cid, row in sorted(ROWS[field.relation].items())
                if row.get(field.inverse_name) == rid
            ]
        value = ROWS[model][rid].get(field.name)
        if field.type == "many2many":
            return list(value or [])
        if field.type == "boolean":
            return bool(value)
        return value

    def name_search_ids(self, model: str, operator: str, value: Any) -> set[int]:
        return D.evaluate(self, model, [("name", operator, value)], active_test=False)

    def parent_field(self, model: str) -> str | None:
        return PARENTS.get(model)

    def has_active(self, model: str) -> bool:
        return "active" in SCHEMA[model]

    def custom_search(self, model: str, field: Field, operator: str, value: Any) -> list[Any]:
        raise ServerValueError(f"Non-stored field {model}.{field.name} cannot be searched.")


def ids(
    domain: Any, *, version: int = 17, active_test: bool = True, model: str = "partner"
) -> list[int]:
    return sorted(D.evaluate(FakeSource(version=version, active_test=active_test), model, domain))


def everything(domain: Any, **kw: Any) -> list[int]:
    return ids(domain, active_test=False, **kw)


# ---- syntax ------------------------------------------------------------------------------------


def test_empty_domain_is_the_true_leaf() -> None:
    assert D.normalize([]) == [D.TRUE_LEAF]
    assert D.normalize(None) == [D.TRUE_LEAF]


def test_implicit_and_is_made_explicit() -> None:
    assert D.normalize([("a", "=", 1), ("b", "=", 2), ("c", "=", 3)]) == [
        "&",
        "&",
        ("a", "=", 1),
        ("b", "=", 2),
        ("c", "=", 3),
    ]
    assert D.normalize(["|", ("a", "=", 1), ("b", "=", 2), ("c", "=", 3)]) == [
        "&",
        "|",
        ("a", "=", 1),
        ("b", "=", 2),
        ("c", "=", 3),
    ]


def test_list_leaves_become_tuples_and_operators_are_lowercased() -> None:
    assert D.normalize([["name", "ILIKE", "x"]]) == [("name", "ilike", "x")]
    assert D.normalize([("name", "<>", "x")]) == [("name", "!=", "x")]
    assert D.normalize([("name", "==", "x")]) == [("name", "=", "x")]


@pytest.mark.parametrize(
    "domain",
    [
        [("name", "=")],
        [("name", "~", "x")],
        [("", "=", "x")],
        ["&", ("name", "=", "x")],
        [("name", "=", "x"), "|"],
        "not a list",
        [42],
    ],
)
def test_malformed_domains_are_refused(domain: Any) -> None:
    with pytest.raises(ServerValueError):
        D.normalize(domain)


def test_any_is_an_odoo_17_operator() -> None:
    assert D.normalize([("tag_ids", "any", [("name", "=", "VIP")])], 17)
    with pytest.raises(ServerValueError, match="Invalid leaf"):
        D.normalize([("tag_ids", "any", [("name", "=", "VIP")])], 16)


def test_true_and_false_leaves() -> None:
    assert everything([(1, "=", 1)]) == [1, 2, 3, 4, 5]
    assert everything([(0, "=", 1)]) == []
    assert everything(["|", (0, "=", 1), ("name", "=", "Svensk AB")]) == [3]
    assert everything(["!", (0, "=", 1)]) == [1, 2, 3, 4, 5]


def test_unknown_field_is_refused_with_odoo_wording() -> None:
    with pytest.raises(ServerValueError, match="Invalid field 'nope' in leaf"):
        ids([("nope", "=", 1)])
    with pytest.raises(ServerValueError, match="Invalid field 'nope' in leaf"):
        ids([("country_id.nope", "=", 1)])


def test_dotted_path_through_a_scalar_is_refused() -> None:
    with pytest.raises(ServerValueError, match="Invalid field 'name'"):
        ids([("name.length", "=", 1)])


# ---- equality, NULL semantics ------------------------------------------------------------------


def test_equality_and_inequality_include_nulls_like_odoo() -> None:
    assert everything([("state", "=", "done")]) == [1, 4]
    # != also matches the rows where the field is empty (NULL)
    assert everything([("state", "!=", "done")]) == [2, 3, 5]
    assert everything([("ref", "=", False)]) == [2, 5]
    assert everything([("ref", "!=", False)]) == [1, 3, 4]


def test_boolean_false_matches_unset() -> None:
    assert everything([("active", "=", False)]) == [4]
    assert everything([("active", "!=", True)]) == [4]


def test_in_and_not_in_with_and_without_false() -> None:
    assert everything([("state", "in", ["done", "draft"])]) == [1, 2, 4, 5]
    assert everything([("state", "in", ["done", False])]) == [1, 3, 4]
    # not in keeps empty values unless False is in the list
    assert everything([("state", "not in", ["done"])]) == [2, 3, 5]
    assert everything([("state", "not in", ["done", False])]) == [2, 5]


def test_in_needs_a_list() -> None:
    with pytest.raises(ServerValueError, match="Invalid domain term"):
        everything([("state", "in", "done")])


def test_equal_or_unset_operator() -> None:
    assert everything([("state", "=?", "done")]) == [1, 4]
    assert everything([("state", "=?", False)]) == [1, 2, 3, 4, 5]


def test_comparisons_never_match_null() -> None:
    assert everything([("amount", ">", 10)]) == [1, 4]
    assert everything([("amount", ">=", 50)]) == [1, 4]
    assert everything([("amount", "<", 50)]) == [2, 5]
    assert everything([("amount", "<=", 5.5)]) == [2, 5]
    assert everything([("color", ">", 2)]) == [1, 3]


def test_comparing_with_false_matches_nothing() -> None:
    assert everything([("amount", ">", False)]) == []


# ---- like ---------------------------------------------------------------------------------


def test_like_is_case_sensitive_ilike_is_not() -> None:
    assert everything([("name", "like", "aalto")]) == []
    assert everything([("name", "like", "Aalto")]) == [1, 2, 5]
    assert everything([("name", "ilike", "aalto")]) == [1, 2, 5]
    assert everything([("name", "not ilike", "aalto")]) == [3, 4]


def test_not_like_includes_nulls() -> None:
    assert everything([("ref", "not like", "C1")]) == [2, 3, 5]


def test_equal_like_uses_the_pattern_as_given() -> None:
    assert everything([("ref", "=like", "C100")]) == [1]
    assert everything([("ref", "=like", "C1%")]) == [1, 4]
    assert everything([("ref", "=ilike", "c1%")]) == [1, 4]
    # '_' is a one-character wildcard in LIKE patterns (Odoo does not escape it)
    assert everything([("ref", "=like", "C_2")]) == [3]
    assert everything([("ref", "like", "_")]) == [1, 3, 4]


def test_like_on_non_text_fields_compares_their_text() -> None:
    assert everything([("day", "like", "2026-03")]) == [1, 2]


# ---- dates --------------------------------------------------------------------------------


def test_date_fields_accept_date_strings() -> None:
    assert everything([("day", "=", "2026-03-02")]) == [2]
    assert everything([("day", ">=", "2026-01-01")]) == [1, 2]
    assert everything([("day", "<", "2026-01-01")]) == [4]


def test_datetime_compared_with_a_bare_date_uses_day_bounds() -> None:
    # '>' and '<=' use 23:59:59, '<' and '>=' use 00:00:00 (Odoo's expression rules)
    assert everything([("moment", "<=", "2026-03-02")]) == [1, 2, 3]
    assert everything([("moment", ">", "2026-03-01")]) == [2, 3]
    assert everything([("moment", ">", "2026-03-02")]) == []
    assert everything([("moment", ">=", "2026-03-02")]) == [2, 3]
    assert everything([("moment", "<", "2026-03-02")]) == [1]
    assert everything([("moment", ">", "2026-03-02 00:00:00")]) == [3]


def test_datetime_equality_is_to_the_second() -> None:
    assert everything([("moment", "=", "2026-03-02 23:59:59")]) == [3]


def test_bad_date_is_refused() -> None:
    with pytest.raises(ServerValueError):
        everything([("day", "=", "2026-13-45")])


# ---- prefix operators and negation -----------------------------------------------------------


def test_or_and_not() -> None:
    assert everything(["|", ("state", "=", "done"), ("country_id", "=", 2)]) == [1, 3, 4]
    assert everything(["!", ("state", "=", "done")]) == [2, 3, 5]
    assert everything(
        ["&", "|", ("state", "=", "done"), ("country_id", "=", 2), ("active", "=", True)]
    ) == [1, 3]


def test_negation_is_pushed_into_the_leaf() -> None:
    # !(amount > 10) is amount <= 10, which does not match NULL amounts (distribute_not)
    assert everything(["!", ("amount", ">", 10)]) == [2, 5]
    # De Morgan over '|'
    assert everything(["!", "|", ("state", "=", "done"), ("color", "=", 0)]) == [3]
    # double negation
    assert everything(["!", "!", ("state", "=", "done")]) == [1, 4]


def test_negated_child_of_is_the_complement() -> None:
    assert everything(["!", ("id", "child_of", 1)]) == [3, 4]


# ---- active_test --------------------------------------------------------------------------------


def test_archived_rows_are_hidden_unless_active_is_mentioned() -> None:
    assert ids([]) == [1, 2, 3, 5]
    assert ids([("active", "=", False)]) == [4]
    assert ids([("active", "in", [True, False])]) == [1, 2, 3, 4, 5]
    assert ids([], active_test=False) == [1, 2, 3, 4, 5]


# ---- relational fields -------------------------------------------------------------------------


def test_many2one_by_id_and_by_name() -> None:
    assert everything([("country_id", "=", 1)]) == [1, 2]
    assert everything([("country_id", "in", [1, 2])]) == [1, 2, 3]
    assert everything([("country_id", "=", False)]) == [4, 5]
    # a string is a name search on the comodel
    assert everything([("country_id", "ilike", "swe")]) == [3]
    assert everything([("country_id", "=", "Finland")]) == [1, 2]
    # a negative name criterion keeps rows without a country
    assert everything([("country_id", "not ilike", "swe")]) == [1, 2, 4, 5]
    assert everything([("country_id", "in", ["Finland", "Sweden"])]) == [1, 2, 3]


def test_many2one_not_in_includes_nulls() -> None:
    assert everything([("country_id", "not in", [1])]) == [3, 4, 5]
    assert everything([("country_id", "!=", 1)]) == [3, 4, 5]


def test_dotted_path_through_many2one() -> None:
    assert everything([("country_id.code", "=", "FI")]) == [1, 2]
    # "some related record matches": rows without a country never match, even negated
    assert everything([("country_id.code", "!=", "FI")]) == [3]
    assert everything([("parent_id.parent_id.name", "=", "Aalto Oy")]) == [5]


def test_related_field_is_searched_through_its_path() -> None:
    assert everything([("country_code", "=", "SE")]) == [3]


def test_x2many_direct_comparisons() -> None:
    assert everything([("tag_ids", "=", False)]) == [2, 5]
    assert everything([("tag_ids", "!=", False)]) == [1, 3, 4]
    assert everything([("tag_ids", "in", [2])]) == [1, 4]
    assert everything([("tag_ids", "not in", [2])]) == [2, 3, 5]
    assert everything([("tag_ids", "=", 1)]) == [1]
    assert everything([("tag_ids", "ilike", "whole")]) == [1, 4]
    assert everything([("tag_ids", "not ilike", "whole")]) == [2, 3, 5]


def test_one2many_is_searchable() -> None:
    assert everything([("child_ids", "!=", False)]) == [1, 2]
    assert everything([("child_ids.name", "ilike", "maija")]) == [1]


def test_x2many_path_honours_active_test() -> None:
    # tag 3 is archived: with active_test the path does not see it
    assert ids([("tag_ids.name", "=", "Old tag")]) == []
    assert ids([("tag_ids.name", "=", "Old tag")], active_test=False) == [3]
    assert ids([("tag_ids", "!=", False)]) == [1]


def test_many2one_path_ignores_active() -> None:
    # partner 4 is archived; a many2one path to it still matches
    ROWS["partner"][5]["parent_id"], saved = 4, ROWS["partner"][5]["parent_id"]
    try:
        assert everything([("parent_id.name", "=", "Vanha Oy")]) == [5]
    finally:
        ROWS["partner"][5]["parent_id"] = saved


def test_any_and_not_any() -> None:
    assert everything([("tag_ids", "any", [("name", "=", "VIP")])]) == [1]
    assert everything([("tag_ids", "not any", [("name", "=", "VIP")])]) == [2, 3, 4, 5]
    assert everything([("country_id", "any", [("code", "=", "SE")])]) == [3]
    # not any on a many2one keeps rows without a value
    assert everything([("country_id", "not any", [("code", "=", "SE")])]) == [1, 2, 4, 5]
    # nested
    assert everything(
        [("child_ids", "any", [("child_ids", "any", [("name", "ilike", "pekka")])])]
    ) == [1]


def test_any_needs_a_relational_field() -> None:
    with pytest.raises(ServerValueError):
        everything([("name", "any", [("id", "=", 1)])])


def test_child_of_and_parent_of() -> None:
    assert everything([("id", "child_of", 1)]) == [1, 2, 5]
    assert everything([("id", "child_of", [2])]) == [2, 5]
    assert everything([("id", "parent_of", 5)]) == [1, 2, 5]
    assert everything([("parent_id", "child_of", 1)]) == [2, 5]
    assert everything([("id", "child_of", "Aalto Oy")]) == [1, 2, 5]


# ---- non-stored fields per version --------------------------------------------------------


def test_non_stored_field_is_ignored_up_to_17_and_refused_from_18() -> None:
    assert everything([("label", "=", "x")], version=17) == [1, 2, 3, 4, 5]
    assert everything([("label", "=", "x")], version=16) == [1, 2, 3, 4, 5]
    with pytest.raises(ServerValueError, match="cannot be searched"):
        everything([("label", "=", "x")], version=18)


def test_like_regex_helper() -> None:
    assert D.like_regex("a%b_", wrap=False, ignore_case=False).match("aXXbY")
    assert not D.like_regex("a%b_", wrap=False, ignore_case=False).match("aXXb")
    assert D.like_regex("a.b", wrap=True, ignore_case=True).match("xA.Bx")
    assert not D.like_regex("a.b", wrap=True, ignore_case=True).match("aXb")
