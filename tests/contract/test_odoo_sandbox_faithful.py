"""Two behaviours of real Odoo the sandbox once hid (odoo/api.py ``_call_kw_model_create``; the
transaction timestamp and each version's domain engine), checked over the wire."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from odoo_sandbox_support import Env, make_env

from tilisilta.sandbox.odoo.orm import make_invoice

RPC_VERSIONS = (16, 17, 18)


def partner_count(env: Env, name: str) -> int:
    return len(env.sb.registry.call("res.partner", "search", [("name", "=", name)]))


# --- create over JSON-RPC --------------------------------------------------------------------


@pytest.mark.parametrize("version", RPC_VERSIONS)
def test_create_given_its_values_by_keyword_only_fails_after_the_create_and_rolls_back(
    version: int,
) -> None:
    env = make_env(version=version)
    response = env.execute_kw("res.partner", "create", [], {"vals_list": [{"name": "Kw Oy"}]})
    body = response.json()
    assert body["error"]["data"]["name"] == "builtins.IndexError"
    assert partner_count(env, "Kw Oy") == 0  # the transaction was rolled back


def test_create_with_positional_values_answers_an_id_for_a_dict_and_ids_for_a_list(
    env: Env,
) -> None:
    one = env.jsonrpc_ok(
        "object", "execute_kw", *_auth(env), "res.partner", "create", [{"name": "Yksi Oy"}]
    )
    many = env.jsonrpc_ok(
        "object",
        "execute_kw",
        *_auth(env),
        "res.partner",
        "create",
        [[{"name": "Kaksi Oy"}, {"name": "Kolme Oy"}]],
    )
    assert isinstance(one, int)
    assert isinstance(many, list) and len(many) == 2


def test_json2_create_takes_its_values_by_name() -> None:
    env = make_env(version=19)
    response = env.json2("res.partner", "create", {"vals_list": [{"name": "Json Oy"}]})
    assert response.status_code == 200, response.text
    assert partner_count(env, "Json Oy") == 1


def _auth(env: Env) -> list[object]:
    c = env.creds
    return [c.database, c.uid, c.api_key]


# --- write_date: microseconds kept, whole seconds sent, compared per version -------------------


def _write_two_in_one_transaction(env: Env) -> tuple[list[int], str]:
    env.clock.set(datetime(2026, 6, 15, 7, 0, 0, 123456, tzinfo=UTC))
    ids = env.sb.registry.call(
        "res.partner", "create", [{"name": "Sama 1 Oy"}, {"name": "Sama 2 Oy"}]
    )
    rows = env.sb.registry.call("res.partner", "read", ids, ["write_date"])
    return list(ids), rows[0]["write_date"]


def _ids(env: Env, domain: list[object], ids: list[int]) -> set[int]:
    found = env.sb.registry.call("res.partner", "search", [("id", "in", ids), *domain])
    return set(found)


def test_write_date_is_sent_in_whole_seconds_and_one_transaction_shares_it(env: Env) -> None:
    ids, stamp = _write_two_in_one_transaction(env)
    assert stamp == "2026-06-15 07:00:00"
    rows = env.sb.registry.call("res.partner", "read", ids, ["write_date"])
    assert {r["write_date"] for r in rows} == {stamp}
    stored = {r["write_date"] for r in env.sb.registry.records("res.partner") if r["id"] in ids}
    assert stored == {datetime(2026, 6, 15, 7, 0, 0, 123456)}


def test_a_datetime_domain_compares_exactly_on_16_to_18_and_by_whole_second_on_19(
    env: Env,
) -> None:
    ids, stamp = _write_two_in_one_transaction(env)
    both = set(ids)
    if env.version < 19:
        assert _ids(env, [("write_date", "=", stamp)], ids) == set()
        assert _ids(env, [("write_date", ">", stamp)], ids) == both
        assert _ids(env, [("write_date", "<=", stamp)], ids) == set()
    else:
        assert _ids(env, [("write_date", "=", stamp)], ids) == both
        assert _ids(env, [("write_date", ">", stamp)], ids) == set()
        assert _ids(env, [("write_date", "<=", stamp)], ids) == both
    # The half-open window of the second is the same on every version.
    window = [("write_date", ">=", stamp), ("write_date", "<", "2026-06-15 07:00:01")]
    assert _ids(env, window, ids) == both


def test_records_are_ordered_by_the_full_write_date_not_the_second_sent(env: Env) -> None:
    env.clock.set(datetime(2026, 6, 15, 7, 0, 0, 900000, tzinfo=UTC))
    early = env.sb.registry.call("res.partner", "create", {"name": "Aiempi Oy"})
    env.clock.set(datetime(2026, 6, 15, 7, 0, 0, 100000, tzinfo=UTC))
    # A later id with an earlier stamp: a transaction that started first and committed last.
    late = env.sb.registry.call("res.partner", "create", {"name": "Myohempi Oy"})
    found = env.sb.registry.call(
        "res.partner",
        "search",
        [("id", "in", [early, late])],
        order="write_date asc, id asc",
    )
    assert found == [late, early]


# --- ordering by a many2one --------------------------------------------------------------------


def test_ordering_by_a_many2one_follows_the_comodels_whole_order_and_its_directions(
    env: Env,
) -> None:
    reg, seed = env.sb.registry, env.creds.seed
    customer = seed.customers["aalto"]
    older = make_invoice(reg, seed, customer, invoice_date="2026-03-01")
    newer = make_invoice(reg, seed, customer, invoice_date="2026-04-01")

    def first_move(order: str) -> int:
        lines = reg.call(
            "account.move.line",
            "search_read",
            [("move_id", "in", [older, newer]), ("display_type", "=", "product")],
            ["move_id"],
            order=order,
        )
        return int(lines[0]["move_id"][0])

    # account.move's order is "date desc, name desc, id desc": the newer invoice comes first.
    assert first_move("move_id, id") == newer
    assert first_move("move_id desc, id") == older
