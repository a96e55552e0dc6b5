"""Authentication, replays, access and the envelope (reference netvisor.md §2, §3, §8.1 and
§8.2 items 1-5): each test would fail against a sandbox that let the request through."""

from __future__ import annotations

import re

import pytest
from netvisor_sandbox_support import BASE_URL, Env, make_env

from tilisilta.sandbox.netvisor import compute_mac

VECTOR = dict(
    url="http://integrationdemo.netvisor.fi/accounting.nv",
    sender="Testiclient",
    customer_id="Integraatiokayttajan tunnus",
    timestamp="2009-01-12 15:49:12.221",
    language="FI",
    organisation_id="1967543-8",
    transaction_id="123456",
    customer_key="7cd680e89e880553358bc07cd28b0ee2",
    partner_key="07f94228d149a96b2f25e3edad55096e",
)


@pytest.fixture
def env() -> Env:
    return make_env()


def test_the_published_vectors_pass() -> None:
    """§2 (FM tests/test_auth.py) and §8.2 item 1."""
    assert compute_mac("MD5", **VECTOR) == "6b2783906969630c1b6649bf5b0e6620"
    assert (
        compute_mac("SHA256", **VECTOR)
        == "cd39e4566936ffd41e67cc8a819bf314a5f1016ca0159854d0f2dd447a86db8e"
    )
    hmac_mac = compute_mac("HMACSHA256", **VECTOR, timestamp_unix="1231775352")
    assert hmac_mac.startswith("f473c842") and hmac_mac.endswith("a690")


@pytest.mark.parametrize("scheme", ["HMACSHA256", "SHA256", "MD5"])
def test_each_scheme_is_accepted(env: Env, scheme: str) -> None:
    assert env.get("/salesinvoicelist.nv", scheme=scheme).ok


def test_hex_is_compared_without_case(env: Env) -> None:
    assert env.get("/salesinvoicelist.nv", scheme="SHA256", upper_mac=True).ok  # VIS: "X2"


def test_a_scheme_mismatch_is_refused(env: Env) -> None:
    """An MD5 MAC sent as SHA256 (no algorithm header means MD5)."""
    url = BASE_URL + "/salesinvoicelist.nv"
    md5 = env.headers(url, scheme="MD5")["X-Netvisor-Authentication-MAC"]
    answer = env.get(
        "/salesinvoicelist.nv",
        scheme="SHA256",
        extra={"X-Netvisor-Authentication-MAC": md5},
    )
    assert answer.code == "AUTHENTICATION_FAILED"


@pytest.mark.parametrize(
    "header",
    [
        "X-Netvisor-Authentication-Sender",
        "X-Netvisor-Authentication-CustomerId",
        "X-Netvisor-Authentication-PartnerId",
        "X-Netvisor-Authentication-Timestamp",
        "X-Netvisor-Authentication-TransactionId",
        "X-Netvisor-Interface-Language",
        "X-Netvisor-Organisation-ID",
        "X-Netvisor-Authentication-MAC",
        "X-Netvisor-Authentication-TimestampUnix",
    ],
)
def test_a_missing_header_is_refused(env: Env, header: str) -> None:
    answer = env.get("/salesinvoicelist.nv", drop=(header,))
    assert answer.code == "AUTHENTICATION_FAILED"


def test_unknown_keys_and_bad_macs_are_refused_in_the_callers_language(env: Env) -> None:
    stranger = {**env.creds, "partner_id": "NOBODY"}
    assert env.get("/salesinvoicelist.nv", creds=stranger).code == "AUTHENTICATION_FAILED"
    wrong = {**env.creds, "customer_key": "0" * 32}
    en = env.get("/salesinvoicelist.nv", creds=wrong, language="EN")
    fi = env.get("/salesinvoicelist.nv", creds=wrong, language="FI")
    se = env.get("/salesinvoicelist.nv", creds=wrong, language="SE")
    assert en.statuses[1] == (
        "AUTHENTICATION_FAILED :: Integration keys are not valid. "
        "Please check the keys specific to the user and partner."
    )  # NVD 77000500440
    assert fi.text == "Integraatiokumppania ei löydy, katso dokumentaatio"  # HEL fixture
    assert se.code == "AUTHENTICATION_FAILED" and se.text not in (en.text, fi.text)


def test_the_timestamp_is_not_parsed_but_timestamp_unix_is_checked(env: Env) -> None:
    odd = {"X-Netvisor-Authentication-Timestamp": "2.3.2026 klo 11.00"}
    assert env.get("/salesinvoicelist.nv", scheme="MD5", signed_headers=odd).ok  # §8.1
    now = int(env.clock.now().timestamp())
    assert env.get("/salesinvoicelist.nv", unix=now - 299).ok
    assert env.get("/salesinvoicelist.nv", unix=now - 301).code == "AUTHENTICATION_FAILED"
    env.sb.switches.update({"max_clock_skew_s": 600})
    assert env.get("/salesinvoicelist.nv", unix=now - 301).ok


def test_a_replayed_transaction_id_is_refused(env: Env) -> None:
    assert env.get("/salesinvoicelist.nv", transaction="t-1").ok
    again = env.get("/salesinvoicelist.nv", transaction="t-1")
    assert again.code == "REQUEST_NOT_UNIQUE"
    env.clock.advance(86400 * 30)  # no expiry
    assert env.get("/salesinvoicelist.nv", transaction="t-1").code == "REQUEST_NOT_UNIQUE"


def test_a_failed_request_does_not_use_up_its_transaction_id(env: Env) -> None:
    wrong = {**env.creds, "customer_key": "0" * 32}
    assert env.get("/salesinvoicelist.nv", creds=wrong, transaction="t-2").code
    assert env.get("/salesinvoicelist.nv", transaction="t-2").ok


def test_transaction_ids_are_unique_per_partner(env: Env) -> None:
    other = env.sb.add_user([env.creds["organisation_id"]])
    second = {**env.creds, "customer_id": other.customer_id, "customer_key": other.customer_key}
    assert env.get("/salesinvoicelist.nv", transaction="t-3").ok
    answer = env.get("/salesinvoicelist.nv", transaction="t-3", creds=second)
    assert answer.code == "REQUEST_NOT_UNIQUE"
    env.sb.switches.update({"replay_scope": "user"})
    assert env.get("/salesinvoicelist.nv", transaction="t-4").ok
    assert env.get("/salesinvoicelist.nv", transaction="t-4", creds=second).ok


def test_the_url_is_signed_exactly_as_sent(env: Env) -> None:
    """§8.1/§8.2 item 1: no re-encoding, no reordering, original case."""
    target = "/GetProduct.nv?CodeList=KAHVI,KIRJA&x=1"
    assert env.get(target).ok  # mixed-case resource and parameter names
    for signed in (
        BASE_URL + "/getproduct.nv?codelist=KAHVI,KIRJA&x=1",  # case changed
        BASE_URL + "/GetProduct.nv?CodeList=KAHVI%2CKIRJA&x=1",  # re-encoded
        BASE_URL + "/GetProduct.nv?x=1&CodeList=KAHVI,KIRJA",  # reordered
        "https://netvisor.test" + target,  # another scheme
    ):
        assert env.get(target, sign_url=signed).code == "AUTHENTICATION_FAILED", signed


def test_a_configured_public_base_url_is_what_clients_sign(env: Env) -> None:
    env.sb.public_base_url = "https://isvapi.netvisor.fi"
    target = "/salesinvoicelist.nv"
    assert env.get(target).code == "AUTHENTICATION_FAILED"
    assert env.get(target, sign_url="https://isvapi.netvisor.fi" + target).ok


def test_the_organisation_must_be_the_users(env: Env) -> None:
    env.sb.add_company("0112038-9", "Toinen Oy")
    other = {**env.creds, "organisation_id": "0112038-9"}
    answer = env.get("/salesinvoicelist.nv", creds=other)
    assert answer.code == "AUTHENTICATION_FAILED" and "0112038-9" in answer.text


def test_resources_must_be_granted_and_identifiers_not_expired(env: Env) -> None:
    user = env.sb.users[env.creds["customer_id"]]
    user.resources = {"salesinvoicelist.nv"}
    assert env.get("/salesinvoicelist.nv").ok
    assert env.get("/getproduct.nv?id=1").code == "SERVICE_ACCESS_ERROR"
    user.expired = True
    assert env.get("/salesinvoicelist.nv").code == "AUTHENTICATION_FAILED"


def test_the_failure_envelope(env: Env) -> None:
    answer = env.get("/getcustomer.nv?id=999")
    assert answer.response.status_code == 200
    assert answer.statuses[0] == "FAILED"
    assert re.fullmatch(r"[A-Z_]+ :: .+", answer.statuses[1])
    assert re.fullmatch(
        r"\d{1,2}\.\d{1,2}\.\d{4} \d{1,2}:\d{2}:\d{2}",
        answer.value("ResponseStatus/TimeStamp") or "",
    )
    assert answer.value("ResponseStatus/TimeStamp") == "2.3.2026 11:00:00"  # Finnish time


def test_http_status_codes_on_request(env: Env) -> None:
    codes = {"X-Netvisor-Authentication-UseHTTPResponseStatusCodes": "1"}
    refused = env.get("/getcustomer.nv?id=999", extra=codes)
    assert refused.response.status_code == 400 and refused.code == "INVALID_DATA"
    wrong = {**env.creds, "customer_key": "0" * 32}
    assert env.get("/salesinvoicelist.nv", creds=wrong, extra=codes).response.status_code == 401
    assert env.get("/salesinvoicelist.nv", extra=codes).response.status_code == 200


def test_an_unknown_resource_is_404(env: Env) -> None:
    response = env.http.get("/companybasicinfo.nv")
    assert response.status_code == 404
    assert env.http.get("/nothing").status_code == 404
