"""The Odoo sandbox's transports (reference odoo.md §1.1-1.3): JSON-RPC, XML-RPC and JSON-2 with
Odoo's exact request and error shapes, across Odoo 16-19."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from odoo_sandbox_support import Env, make_env

from tilisilta.sandbox.odoo.orm import make_invoice

MISSING_ID = 987_654


@pytest.fixture
def env17() -> Iterator[Env]:
    e = make_env(version=17)
    yield e
    e.http.close()
    e.sb.close()


@pytest.fixture
def env19() -> Iterator[Env]:
    e = make_env(version=19)
    yield e
    e.http.close()
    e.sb.close()


def version_of(v: int) -> dict[str, Any]:
    return {
        "server_version": f"{v}.0",
        "server_version_info": [v, 0, 0, "final", 0, ""],
        "server_serie": f"{v}.0",
        "protocol_version": 1,
    }


# --- common: version, login, authenticate ---------------------------------------------------


def test_version_over_jsonrpc_and_xmlrpc(env: Env) -> None:
    assert env.jsonrpc_ok("common", "version") == version_of(env.version)
    assert env.xmlrpc("common", "version") == version_of(env.version)


def test_web_version_on_every_version(env: Env) -> None:
    response = env.http.get("/web/version")
    assert response.status_code == 200
    assert response.json() == {
        "version_info": [env.version, 0, 0, "final", 0, ""],
        "version": f"{env.version}.0",
    }


def test_authenticate_and_login_give_the_uid_or_false(env: Env) -> None:
    c = env.creds
    assert env.jsonrpc_ok("common", "authenticate", c.database, c.login, c.api_key, {}) == c.uid
    assert env.jsonrpc_ok("common", "login", c.database, c.login, c.api_key) == c.uid
    assert env.xmlrpc("common", "authenticate", c.database, c.login, c.api_key, {}) == c.uid
    assert env.xmlrpc("common", "login", c.database, c.login, c.api_key) == c.uid
    # Bad credentials are not faults here: the answer is False.
    assert env.jsonrpc_ok("common", "authenticate", c.database, c.login, "wrong", {}) is False
    assert env.jsonrpc_ok("common", "login", c.database, "nobody", c.api_key) is False
    assert env.xmlrpc("common", "authenticate", c.database, c.login, "wrong", {}) is False


def test_unknown_database_is_a_database_error(env17: Env) -> None:
    c = env17.creds
    error = env17.jsonrpc_error("common", "authenticate", "nope", c.login, c.api_key, {})
    assert error["data"]["name"] == "psycopg2.OperationalError"
    assert 'database "nope" does not exist' in error["data"]["message"]
    fault = env17.xmlrpc_fault("common", "login", "nope", c.login, c.api_key)
    assert fault.faultCode == 1 and 'database "nope" does not exist' in fault.faultString
    error = env17.jsonrpc_error(
        "object", "execute_kw", "nope", c.uid, c.api_key, "res.partner", "search_read", [[]]
    )
    assert error["data"]["name"] == "psycopg2.OperationalError"


def test_wrong_argument_counts_fail_like_python(env17: Env) -> None:
    error = env17.jsonrpc_error("common", "login", "tilisilta", "x")
    assert error["data"]["name"] == "builtins.TypeError"
    assert error["data"]["message"] == (
        "exp_login() missing 1 required positional argument: 'password'"
    )
    c = env17.creds
    error = env17.jsonrpc_error(
        "object", "execute_kw", c.database, c.uid, c.api_key, "res.partner", "read", [], {}, {}
    )
    assert error["data"]["message"] == (
        "execute_kw() takes from 5 to 6 positional arguments but 7 were given"
    )
    fault = env17.xmlrpc_fault("common", "nonsense")
    assert fault.faultCode == 1 and fault.faultString.endswith(
        "Exception: Method not found: nonsense\n"
    )
    fault = env17.xmlrpc_fault("nosuchservice", "version")
    assert fault.faultCode == 1 and fault.faultString.endswith("KeyError: 'nosuchservice'\n")


# --- object: execute_kw and execute ---------------------------------------------------------


def test_execute_kw_round_trip_over_both_transports(env: Env) -> None:
    response = env.execute_kw("res.partner", "search_read", [[]], {"fields": ["name"]})
    body = response.json()
    assert body["jsonrpc"] == "2.0" and body["id"] == 1
    names = {row["name"] for row in body["result"]}
    assert names and all(set(row) == {"id", "name"} for row in body["result"])
    over_xml = env.xmlrpc_kw("res.partner", "search_read", [[]], {"fields": ["name"]})
    assert over_xml == body["result"]
    c = env.creds
    over_execute = env.jsonrpc_ok(
        "object",
        "execute",
        c.database,
        c.uid,
        c.api_key,
        "res.partner",
        "search_read",
        [],
        ["name"],
    )
    assert over_execute == body["result"]


def test_credentials_are_checked_on_every_object_call(env: Env) -> None:
    c = env.creds
    bad = [
        (c.database, c.uid, "wrong-key"),
        (c.database, c.uid + 1000, c.api_key),
        (c.database, False, c.api_key),  # what a failed authenticate leaves a careless client
    ]
    for db, uid, password in bad:
        error = env.jsonrpc_error(
            "object", "execute_kw", db, uid, password, "res.partner", "search_read", [[]]
        )
        assert error["data"]["name"] == "odoo.exceptions.AccessDenied"
        assert error["data"]["message"] == "Access Denied"
        fault = env.xmlrpc_fault(
            "object", "execute_kw", db, uid, password, "res.partner", "search_read", [[]]
        )
        assert (fault.faultCode, fault.faultString) == (3, "Access Denied")


def test_jsonrpc_request_id_is_echoed(env17: Env) -> None:
    body = env17.jsonrpc("common", "version", request_id="abc-7").json()
    assert body["id"] == "abc-7"
    body = env17.jsonrpc("common", "version", request_id=None).json()
    assert body["id"] is None and "result" in body


# --- error envelopes ------------------------------------------------------------------------

#: How to make the ORM raise each error: (model, method, args, kwargs).
TRIGGERS: dict[str, tuple[str, str, list[Any], dict[str, Any]]] = {
    # a mandatory field left out (Odoo turns the NOT NULL violation into a ValidationError)
    "ValidationError": ("res.partner.bank", "create", [{}], {}),
    "AccessError": ("res.partner", "_compute_display_name", [[1]], {}),
    "MissingError": ("res.partner", "read", [[MISSING_ID]], {"fields": ["name"]}),
    "UserError": ("no.such.model", "search_read", [[]], {}),
}


@pytest.mark.parametrize("kind", sorted(TRIGGERS))
def test_jsonrpc_error_envelope_names_the_exception(env: Env, kind: str) -> None:
    model, method, args, kwargs = TRIGGERS[kind]
    response = env.execute_kw(model, method, args, kwargs)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"jsonrpc", "id", "error"} and body["id"] == 1
    error = body["error"]
    assert error["code"] == (0 if env.version >= 19 else 200)
    assert error["message"] == "Odoo Server Error"
    data = error["data"]
    assert set(data) == {"name", "message", "arguments", "context", "debug"}
    assert data["name"] == f"odoo.exceptions.{kind}"
    assert data["arguments"] == [data["message"]] and data["context"] == {}
    assert data["debug"].startswith("Traceback (most recent call last):")
    last = f"odoo.exceptions.{kind}: {data['message']}"
    assert data["debug"].rstrip().endswith(last.rstrip())


def test_jsonrpc_access_denied_envelope(env: Env) -> None:
    c = env.creds
    error = env.jsonrpc_error(
        "object", "execute_kw", c.database, c.uid, "nope", "res.partner", "read", [[1]]
    )
    assert error["code"] == (0 if env.version >= 19 else 200)
    assert error["data"]["name"] == "odoo.exceptions.AccessDenied"
    assert error["data"]["arguments"] == ["Access Denied"]
    assert "Traceback" not in error["data"]["debug"]  # Odoo suppresses it


@pytest.mark.parametrize(
    ("kind", "code"),
    [("ValidationError", 2), ("MissingError", 2), ("UserError", 2), ("AccessError", 4)],
)
def test_xmlrpc_fault_codes_carry_the_message(env: Env, kind: str, code: int) -> None:
    model, method, args, kwargs = TRIGGERS[kind]
    message = env.execute_kw(model, method, args, kwargs).json()["error"]["data"]["message"]
    c = env.creds
    fault = env.xmlrpc_fault(
        "object", "execute_kw", c.database, c.uid, c.api_key, model, method, args, kwargs
    )
    assert (fault.faultCode, fault.faultString) == (code, message)


def test_xmlrpc_fault_1_is_a_traceback_ending_with_the_message(env17: Env) -> None:
    c = env17.creds
    fault = env17.xmlrpc_fault(
        "object", "execute_kw", c.database, c.uid, c.api_key, "res.partner", "read", 5
    )
    assert fault.faultCode == 1
    assert fault.faultString.startswith("Traceback (most recent call last):\n")
    assert fault.faultString.rstrip().endswith(
        "TypeError: odoo.service.model.execute() argument after * must be an iterable, not int"
    )
    fault = env17.xmlrpc_fault("object", "execute_kw", c.database, c.uid, "nope", "x", "y", [])
    assert (fault.faultCode, fault.faultString) == (3, "Access Denied")


# --- a method returning None ----------------------------------------------------------------


def move_state(env: Env, move_id: int) -> str:
    state: str = env.sb.registry.call("account.move", "read", [move_id], ["state"])[0]["state"]
    return state


def test_none_result_is_an_xmlrpc_fault_although_the_action_ran(env: Env) -> None:
    # account.move.button_draft has no return statement: it answers None.
    c = env.creds
    move_id = make_invoice(env.sb.registry, c.seed, c.seed.customers["virtanen"])
    assert move_state(env, move_id) == "posted"
    fault = env.xmlrpc_fault(
        "object", "execute_kw", c.database, c.uid, c.api_key, "account.move", "button_draft",
        [[move_id]],
    )  # fmt: skip
    assert fault.faultCode == 1
    assert fault.faultString.rstrip().endswith(
        "TypeError: cannot marshal None unless allow_none is enabled"
    )
    assert move_state(env, move_id) == "draft"  # committed although the caller saw a fault
    # JSON-RPC answers such a call without a "result" member.
    env.sb.registry.call("account.move", "action_post", [move_id])
    body = env.execute_kw("account.move", "button_draft", [[move_id]]).json()
    assert body == {"jsonrpc": "2.0", "id": 1}
    assert move_state(env, move_id) == "draft"


# --- JSON-2 (19+) ----------------------------------------------------------------------------


def json2_error_body(response: Any, status: int, name: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    assert set(body) == {"name", "message", "arguments", "context", "debug"}
    assert body["name"] == name
    return body


def test_json2_success_is_the_bare_result(env19: Env) -> None:
    response = env19.json2("res.partner", "search_read", {"domain": [], "fields": ["name"]})
    assert response.status_code == 200
    expected = env19.execute_kw("res.partner", "search_read", [[]], {"fields": ["name"]})
    assert response.json() == expected.json()["result"]
    # The scheme is case-insensitive and the database header may be given.
    again = env19.json2(
        "res.partner",
        "search_read",
        {"domain": [], "fields": ["name"]},
        key=None,
        headers={
            "Authorization": f"Bearer {env19.creds.api_key}",
            "X-Odoo-Database": env19.creds.database,
        },
    )
    assert again.status_code == 200 and again.json() == response.json()


def test_json2_401_without_or_with_a_bad_key(env19: Env) -> None:
    body = json2_error_body(
        env19.json2("res.partner", "search_read", key="0" * 40),
        401,
        "werkzeug.exceptions.Unauthorized",
    )
    assert body["message"] == "Invalid apikey" and body["arguments"] == ["Invalid apikey", 401]
    response = env19.http.post("/json/2/res.partner/search_read", json={})
    body = json2_error_body(response, 401, "werkzeug.exceptions.Unauthorized")
    assert "Bearer Authorization header" in body["message"]
    assert response.headers["www-authenticate"].lower().startswith("bearer")
    # The password does not work as a bearer token; nor does a password-style header.
    basic = env19.json2("res.partner", "search_read", headers={"Authorization": "Basic eDp5"})
    assert basic.status_code == 401


def test_json2_422_for_unknown_keyword_arguments(env19: Env) -> None:
    body = json2_error_body(
        env19.json2("res.partner", "search_read", {"domain": [], "nonsense": 1}),
        422,
        "werkzeug.exceptions.UnprocessableEntity",
    )
    assert "nonsense" in body["message"]
    assert body["arguments"] == [body["message"], 422]


def test_json2_403_for_an_access_error_and_404_for_a_missing_record(env19: Env) -> None:
    json2_error_body(
        env19.json2("res.partner", "_compute_display_name", {"ids": [1]}),
        403,
        "odoo.exceptions.AccessError",
    )
    body = json2_error_body(
        env19.json2("res.partner", "read", {"ids": [MISSING_ID], "fields": ["name"]}),
        404,
        "odoo.exceptions.MissingError",
    )
    assert body["arguments"] == [body["message"]]
    json2_error_body(
        env19.json2("res.partner.bank", "create", {"vals_list": [{}]}),
        422,
        "odoo.exceptions.ValidationError",
    )
    body = json2_error_body(
        env19.json2("no.such.model", "search_read", {}), 404, "werkzeug.exceptions.NotFound"
    )
    assert body["message"] == "the model 'no.such.model' does not exist"
    body = json2_error_body(
        env19.json2("res.partner", "no_such_method", {}), 404, "werkzeug.exceptions.NotFound"
    )
    assert "no_such_method" in body["message"]


def test_json2_refuses_bodies_that_are_not_json_objects(env19: Env) -> None:
    headers = {"Authorization": f"bearer {env19.creds.api_key}", "Content-Type": "application/json"}
    for raw, fragment in ((b"{oops", "could not parse the body as json"), (b"[1]", "json object")):
        response = env19.http.post("/json/2/res.partner/search_read", content=raw, headers=headers)
        body = json2_error_body(response, 400, "werkzeug.exceptions.BadRequest")
        assert fragment in body["message"]
    response = env19.http.post(
        "/json/2/res.partner/search_read",
        content=b"domain=[]",
        headers={**headers, "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 415 and response.headers["accept"] == "application/json"


def test_json2_other_paths_and_databases(env19: Env) -> None:
    body = json2_error_body(
        env19.http.get("/json/2/res.partner/search_read"), 404, "werkzeug.exceptions.NotFound"
    )
    assert body["message"] == "Did you mean POST /json/2/<model>/<method>?"
    other_db = env19.json2("res.partner", "search_read", headers={"X-Odoo-Database": "other"})
    assert other_db.status_code == 404


@pytest.mark.parametrize("version", [16, 17, 18])
def test_json2_does_not_exist_before_19(version: int) -> None:
    e = make_env(version=version)
    try:
        response = e.json2("res.partner", "search_read", {"domain": []})
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("application/json")  # a JSON request
        assert response.json()["error"]["code"] == 404
        assert e.http.get("/json/2/res.partner/search_read").status_code == 404
    finally:
        e.http.close()
        e.sb.close()
