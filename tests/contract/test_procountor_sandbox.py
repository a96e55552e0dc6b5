"""Contract tests of the Procountor sandbox against shared/reference/procountor.md §7 (items 1–11,
17): auth, company-scoped ids, invoices, validation, references, lifecycle, fiscal years, ledger
receipts, search, batch GETs, duplicates and seed data."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

import httpx
import pytest
from stdnum import iban as stdnum_iban
from test_procountor_sandbox_support import (
    Env,
    errors_of,
    invoice_payload,
    make_env,
    request_token,
)

from tilisilta.domain.references import finnish_reference_error, rf_reference_error
from tilisilta.sandbox.procountor.jsonio import loads

VERSION = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$")


@pytest.fixture
def env() -> Env:
    return make_env()


# --- §7.1 authentication --------------------------------------------------------------------


def test_token_is_issued_for_form_credentials_in_the_body(env: Env) -> None:
    response = request_token(env.http, env.creds)
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 3600
    assert body["access_token"]
    assert env.ok("GET", "/company")["id"] == env.company_id


def test_token_refused_when_credentials_are_in_the_query_string(env: Env) -> None:
    response = env.http.post(
        "/api/oauth/token",
        params={"client_id": env.creds["client_id"], "api_key": env.creds["api_key"]},
        data={
            "grant_type": "client_credentials",
            "client_id": env.creds["client_id"],
            "client_secret": env.creds["client_secret"],
            "redirect_uri": env.creds["redirect_uri"],
            "api_key": env.creds["api_key"],
        },
    )
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_request"


def test_token_refused_when_content_type_has_a_charset(env: Env) -> None:
    form = httpx.QueryParams(
        {
            "grant_type": "client_credentials",
            "client_id": env.creds["client_id"],
            "client_secret": env.creds["client_secret"],
            "redirect_uri": env.creds["redirect_uri"],
            "api_key": env.creds["api_key"],
        }
    )
    response = env.http.post(
        "/api/oauth/token",
        content=str(form).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"},
    )
    assert response.status_code == 400
    assert "charset" in response.json()["error_description"]


def test_token_refused_as_json(env: Env) -> None:
    response = env.http.post("/api/oauth/token", json=dict(env.creds))
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("override", "error", "says"),
    [
        ({"client_secret": "wrong"}, "invalid_client", "client_secret"),
        ({"client_id": "nobody"}, "invalid_client", "client_id"),
        ({"api_key": "not-a-key"}, "invalid_grant", "api_key"),
        ({"redirect_uri": "http://evil.example/cb"}, "invalid_grant", "redirect_uri"),
    ],
)
def test_token_refused_with_bad_credentials(
    env: Env, override: dict[str, str], error: str, says: str
) -> None:
    response = request_token(env.http, env.creds, **override)
    assert response.status_code == 401
    body = response.json()
    assert body["error"] == error
    assert says in body["error_description"]


def test_token_refused_with_missing_field_or_other_grant(env: Env) -> None:
    assert request_token(env.http, env.creds, api_key="").status_code == 400
    response = request_token(env.http, env.creds, grant_type="authorization_code")
    assert response.status_code == 400
    assert response.json()["error"] == "unsupported_grant_type"


def test_revoked_or_foreign_api_key_is_refused(env: Env) -> None:
    env.sb.revoke_api_key(env.creds["api_key"])
    response = request_token(env.http, env.creds)
    assert response.status_code == 401
    assert "revoked" in response.json()["error_description"]

    other = env.sb.register_client("other-app", "s3cret", "http://localhost/cb")
    key = env.sb.issue_api_key(env.company_id, other.client_id)
    response = request_token(env.http, env.creds, api_key=key)
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_grant"


def test_token_expires_on_the_sandbox_clock(env: Env) -> None:
    assert env.call("GET", "/company").status_code == 200
    env.clock.advance(3599)
    assert env.call("GET", "/company").status_code == 200
    env.clock.advance(1)
    response = env.call("GET", "/company")
    assert response.status_code == 401
    assert errors_of(response) == {(None, "INVALID_TOKEN")}
    assert "Bearer" in response.headers["www-authenticate"]


def test_unknown_or_missing_bearer_is_401(env: Env) -> None:
    assert env.http.get("/api/company").status_code == 401
    response = env.http.get("/api/company", headers={"Authorization": "Bearer made-up"})
    assert response.status_code == 401


def test_get_with_a_body_is_refused_like_the_pts_gateway(env: Env) -> None:
    response = env.http.request(
        "GET",
        "/api/invoices",
        content=b"{}",
        headers={"Authorization": f"Bearer {env.token()}", "Content-Type": "application/json"},
    )
    assert response.status_code == 403


# --- §7.2 ids are scoped per company ---------------------------------------------------------


def test_ids_are_counted_per_company_and_companies_never_see_each_other(env: Env) -> None:
    admin = env.http.post(
        "/_sandbox/companies",
        json={"name": "Toinen Oy", "business_id": "1572860-0", "client_id": env.creds["client_id"]},
    )
    assert admin.status_code == 201
    other = {**env.creds, **{k: str(v) for k, v in admin.json().items()}}

    mine = env.create_invoice(originalInvoiceNumber="A-1")
    theirs = env.ok(
        "POST",
        "/invoices",
        invoice_payload(other["iban"], originalInvoiceNumber="B-1"),
        creds=other,
    )
    assert mine["id"] == theirs["id"]
    assert mine["invoiceNumber"] == theirs["invoiceNumber"] == 1
    assert mine["ledgerReceiptId"] == theirs["ledgerReceiptId"]
    assert env.ok("GET", f"/invoices/{mine['id']}")["originalInvoiceNumber"] == "A-1"
    got = env.ok("GET", f"/invoices/{mine['id']}", creds=other)
    assert got["originalInvoiceNumber"] == "B-1"

    second = env.ok(
        "POST",
        "/invoices",
        invoice_payload(other["iban"], originalInvoiceNumber="B-2"),
        creds=other,
    )
    assert env.call("GET", f"/invoices/{second['id']}").status_code == 404
    search = env.ok("GET", "/invoices", params={"originalInvoiceNumber": "B-1"})
    assert search["results"] == []


# --- §7.3 creating an invoice ----------------------------------------------------------------


def test_post_invoice_forces_unfinished_and_sets_server_fields(env: Env) -> None:
    first = env.create_invoice(status="SENT", id=99, invoiceNumber=77)
    second = env.create_invoice()
    assert first["status"] == "UNFINISHED"
    assert first["id"] != 99 and first["invoiceNumber"] == 1
    assert second["id"] == first["id"] + 1 and second["invoiceNumber"] == 2
    assert VERSION.match(first["version"])
    assert first["version"] == "2026-03-02T11:00:00"  # Helsinki time of the sandbox clock
    assert first["ledgerReceiptId"] != second["ledgerReceiptId"]
    assert [r["id"] for r in first["invoiceRows"]] and all(r["id"] for r in first["invoiceRows"])
    assert first["billingAddress"] == first["counterParty"]["counterPartyAddress"]


def test_invoice_sums_are_exact_decimals_rounded_half_up(env: Env) -> None:
    response = env.call("POST", "/invoices", invoice_payload(env.iban))
    invoice = loads(response.content)
    # 2 x 10.00 at 25.5 % = 20.00 + 5.10; 99.99 - 10 % = 89.991 -> 89.99 at 13.5 % -> 12.15
    assert invoice["invoiceSumInfo"] == [
        {
            "currency": "EUR",
            "inAccountingCurrency": True,
            "excludingVatTotal": Decimal("109.99"),
            "vatSumTotal": Decimal("17.25"),
            "invoiceSumTotal": Decimal("127.24"),
        }
    ]
    assert b'"invoiceSumTotal":127.24' in response.content


def test_sums_with_vat_included_prices_and_header_discount(env: Env) -> None:
    rows = [
        {
            "product": "Kirja",
            "quantity": 1,
            "unit": "PIECE",
            "unitPrice": Decimal("12.55"),
            "discountPercent": 0,
            "vatPercent": Decimal("25.5"),
        },
        {
            "product": "Lehti",
            "quantity": 3,
            "unit": "PIECE",
            "unitPrice": Decimal("3.33"),
            "discountPercent": 0,
            "vatPercent": Decimal("10"),
        },
    ]
    invoice = loads(
        env.call(
            "POST",
            "/invoices",
            invoice_payload(
                env.iban,
                invoiceRows=rows,
                discountPercent=50,
                extraInfo={"accountingByRow": False, "unitPricesIncludeVat": True},
            ),
        ).content
    )
    # gross 6.275 -> 6.28: net 5.00, vat 1.28; gross 4.995 -> 5.00: net 4.55, vat 0.45
    total = invoice["invoiceSumInfo"][0]
    assert total["excludingVatTotal"] == Decimal("9.55")
    assert total["vatSumTotal"] == Decimal("1.73")
    assert total["invoiceSumTotal"] == Decimal("11.28")


def test_foreign_currency_invoice_has_sums_in_both_currencies(env: Env) -> None:
    payment = invoice_payload(env.iban)["paymentInfo"] | {
        "currency": "USD",
        "currencyRate": Decimal("1.25"),
    }
    invoice = loads(
        env.call("POST", "/invoices", invoice_payload(env.iban, paymentInfo=payment)).content
    )
    usd, eur = invoice["invoiceSumInfo"]
    assert (usd["currency"], usd["inAccountingCurrency"]) == ("USD", False)
    assert (eur["currency"], eur["inAccountingCurrency"]) == ("EUR", True)
    assert usd["invoiceSumTotal"] == Decimal("127.24")
    assert eur["excludingVatTotal"] == Decimal("87.99")  # 16.00 + 71.99


# --- §7.4 validation -------------------------------------------------------------------------


def test_every_validation_error_is_listed_at_once(env: Env) -> None:
    payload = invoice_payload(env.iban)
    del payload["date"]
    del payload["language"]
    payload["counterParty"]["counterPartyAddress"]["name"] = "x" * 81
    payload["paymentInfo"]["dueDate"] = "2026-03-01"
    payload["discountPercent"] = 101
    payload["invoiceRows"][0]["vatPercent"] = 14
    payload["invoiceRows"][1]["unit"] = "PCS"
    payload["originalInvoiceNumber"] = "N" * 41
    response = env.call("POST", "/invoices", payload)
    assert response.status_code == 400
    assert errors_of(response) == {
        ("date", "REQUIRED"),
        ("language", "REQUIRED"),
        ("counterParty.counterPartyAddress.name", "TOO_LONG"),
        ("discountPercent", "VALUE_OUT_OF_RANGE"),
        ("invoiceRows[0].vatPercent", "VAT_PERCENT_NOT_IN_USE"),
        ("invoiceRows[1].unit", "INVALID_VALUE"),
        ("originalInvoiceNumber", "TOO_LONG"),
    }
    assert env.sb.invoices(env.company_id) == []


def test_required_fields_of_an_empty_invoice(env: Env) -> None:
    response = env.call("POST", "/invoices", {})
    fields = {field for field, _ in errors_of(response)}
    assert {
        "type",
        "date",
        "counterParty",
        "paymentInfo",
        "extraInfo",
        "discountPercent",
        "invoiceRows",
        "invoiceChannel",
        "vatStatus",
        "language",
    } <= fields


def test_nested_required_fields(env: Env) -> None:
    payload = invoice_payload(
        env.iban,
        counterParty={"counterPartyAddress": {}},
        paymentInfo={},
        extraInfo={},
        invoiceRows=[{}],
    )
    assert {
        ("counterParty.counterPartyAddress.name", "REQUIRED"),
        ("paymentInfo.paymentMethod", "REQUIRED"),
        ("paymentInfo.currency", "REQUIRED"),
        ("paymentInfo.dueDate", "REQUIRED"),
        ("paymentInfo.currencyRate", "REQUIRED"),
        ("extraInfo.accountingByRow", "REQUIRED"),
        ("extraInfo.unitPricesIncludeVat", "REQUIRED"),
        ("invoiceRows[0].product", "REQUIRED"),
        ("invoiceRows[0].quantity", "REQUIRED"),
        ("invoiceRows[0].unit", "REQUIRED"),
        ("invoiceRows[0].unitPrice", "REQUIRED"),
        ("invoiceRows[0].discountPercent", "REQUIRED"),
        ("invoiceRows[0].vatPercent", "REQUIRED"),
    } <= errors_of(env.call("POST", "/invoices", payload))
    empty_rows = env.call("POST", "/invoices", invoice_payload(env.iban, invoiceRows=[]))
    assert errors_of(empty_rows) == {("invoiceRows", "AT_LEAST_ONE_ROW_REQUIRED")}


@pytest.mark.parametrize("percent", [14, 24, Decimal("25.50001"), 5])
def test_vat_percent_not_in_use_is_refused(env: Env, percent: Any) -> None:
    payload = invoice_payload(env.iban)
    payload["invoiceRows"][0]["vatPercent"] = percent
    response = env.call("POST", "/invoices", payload)
    assert errors_of(response) == {("invoiceRows[0].vatPercent", "VAT_PERCENT_NOT_IN_USE")}


@pytest.mark.parametrize("percent", [Decimal("25.5"), Decimal("13.5"), 10, 0, Decimal("25.50")])
def test_vat_percents_in_use_are_accepted(env: Env, percent: Any) -> None:
    payload = invoice_payload(env.iban)
    payload["invoiceRows"][0]["vatPercent"] = percent
    assert env.call("POST", "/invoices", payload).status_code == 200


def test_vat_status_missing_or_not_enabled_for_sales(env: Env) -> None:
    payload = invoice_payload(env.iban, vatStatus=6)  # purchase-only
    payload["invoiceRows"][1]["vatStatus"] = 99
    assert errors_of(env.call("POST", "/invoices", payload)) == {
        ("vatStatus", "VAT_STATUS_NOT_ALLOWED"),
        ("invoiceRows[1].vatStatus", "VAT_STATUS_NOT_ALLOWED"),
    }
    missing = invoice_payload(env.iban)
    del missing["vatStatus"]
    assert errors_of(env.call("POST", "/invoices", missing)) == {("vatStatus", "REQUIRED")}
    for status in (1, 3, 5, 12):
        assert (
            env.call("POST", "/invoices", invoice_payload(env.iban, vatStatus=status)).status_code
            == 200
        )


def test_due_date_rules(env: Env) -> None:
    before = invoice_payload(env.iban)
    before["paymentInfo"]["dueDate"] = "2026-03-01"
    assert errors_of(env.call("POST", "/invoices", before)) == {
        ("paymentInfo.dueDate", "DUE_DATE_BEFORE_BILL_DATE")
    }
    too_long = invoice_payload(env.iban)
    too_long["paymentInfo"]["dueDate"] = "2028-11-26"  # 1000 days
    assert errors_of(env.call("POST", "/invoices", too_long)) == {
        ("paymentInfo.dueDate", "PAYMENT_TERM_TOO_LONG")
    }
    longest = invoice_payload(env.iban)
    longest["paymentInfo"]["dueDate"] = "2028-11-25"  # 999 days
    assert env.call("POST", "/invoices", longest).status_code == 200


@pytest.mark.parametrize(
    ("path", "limit"),
    [
        (("originalInvoiceNumber",), 40),
        (("orderReference",), 70),
        (("buyerReferenceIdentifier",), 70),
        (("additionalInformation",), 10_000),
        (("notes",), 10_000),
        (("invoiceRows", 0, "comment"), 512),
        (("invoiceRows", 0, "headerText"), 512),
        (("invoiceRows", 0, "explanationText"), 512),
        (("counterParty", "counterPartyAddress", "name"), 80),
        (("counterParty", "counterPartyAddress", "street"), 80),
        (("counterParty", "counterPartyAddress", "zip"), 20),
        (("counterParty", "counterPartyAddress", "city"), 40),
    ],
)
def test_length_limits(env: Env, path: tuple[Any, ...], limit: int) -> None:
    field = ".".join(str(p) for p in path).replace(".0.", "[0].")
    for length, accepted in ((limit, True), (limit + 1, False)):
        payload = invoice_payload(env.iban)
        target: Any = payload
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = "a" * length
        response = env.call("POST", "/invoices", payload)
        if accepted:
            assert response.status_code == 200, response.text
        else:
            assert errors_of(response) == {(field, "TOO_LONG")}


def test_bank_account_must_be_the_companys_and_bic_is_refused(env: Env) -> None:
    payload = invoice_payload(env.iban)
    payload["paymentInfo"]["bankAccount"] = {
        "accountNumber": "FI2112345600000785",
        "bic": "NDEAFIHH",
    }
    assert errors_of(env.call("POST", "/invoices", payload)) == {
        ("paymentInfo.bankAccount.accountNumber", "BANK_ACCOUNT_NOT_FOUND"),
        ("paymentInfo.bankAccount.bic", "BIC_NOT_ALLOWED"),
    }
    spaced = invoice_payload(env.iban)
    spaced["paymentInfo"]["bankAccount"]["accountNumber"] = " ".join(
        env.iban[i : i + 4] for i in range(0, len(env.iban), 4)
    )
    assert errors_of(env.call("POST", "/invoices", spaced)) == {
        ("paymentInfo.bankAccount.accountNumber", "BANK_ACCOUNT_NOT_FOUND")
    }


@pytest.mark.parametrize("channel", ["EDIFACT", "PAPER_INVOICE"])
def test_read_only_channels_are_refused(env: Env, channel: str) -> None:
    response = env.call("POST", "/invoices", invoice_payload(env.iban, invoiceChannel=channel))
    assert errors_of(response) == {("invoiceChannel", "INVOICE_CHANNEL_NOT_ALLOWED")}


def test_email_channel_needs_an_email(env: Env) -> None:
    payload = invoice_payload(env.iban)
    del payload["counterParty"]["email"]
    assert errors_of(env.call("POST", "/invoices", payload)) == {
        ("counterParty.email", "REQUIRED_FOR_INVOICE_CHANNEL")
    }


def test_mail_channel_needs_a_postal_address(env: Env) -> None:
    payload = invoice_payload(env.iban, invoiceChannel="MAIL", billingAddress={})
    address = payload["counterParty"]["counterPartyAddress"]
    del address["street"], address["city"]
    assert errors_of(env.call("POST", "/invoices", payload)) == {
        ("counterParty.counterPartyAddress.street", "REQUIRED_FOR_INVOICE_CHANNEL"),
        ("counterParty.counterPartyAddress.city", "REQUIRED_FOR_INVOICE_CHANNEL"),
    }
    # The billing address may carry what the counterparty address lacks.
    payload["billingAddress"] = {"name": "Asiakas Oy", "street": "PL 1", "city": "Espoo"}
    assert env.call("POST", "/invoices", payload).status_code == 200


def test_electronic_invoice_channel_rules(env: Env) -> None:
    payload = invoice_payload(env.iban, invoiceChannel="ELECTRONIC_INVOICE", billingAddress={})
    assert errors_of(env.call("POST", "/invoices", payload)) == {
        ("billingAddress.street", "REQUIRED_FOR_INVOICE_CHANNEL"),
        ("billingAddress.zip", "REQUIRED_FOR_INVOICE_CHANNEL"),
        ("billingAddress.city", "REQUIRED_FOR_INVOICE_CHANNEL"),
        ("counterParty.einvoiceAddress.address", "REQUIRED_FOR_INVOICE_CHANNEL"),
        ("counterParty.einvoiceAddress.operator", "REQUIRED_FOR_INVOICE_CHANNEL"),
    }
    payload = invoice_payload(env.iban, invoiceChannel="ELECTRONIC_INVOICE")
    payload["counterParty"]["einvoiceAddress"] = {
        "address": "003701120389",
        "operator": "003721291126",
    }
    assert env.call("POST", "/invoices", payload).status_code == 200
    # No operator is needed for a buyer outside Finland.
    payload["counterParty"]["einvoiceAddress"] = {"address": "0007:5560360793"}
    payload["counterParty"]["counterPartyAddress"]["country"] = "SWEDEN"
    assert env.call("POST", "/invoices", payload).status_code == 200


def test_edi_id_is_refused_in_a_non_finnish_company(env: Env) -> None:
    company = env.sb.add_company("Svensk AB", "556036-0793", country="SWEDEN")
    key = env.sb.issue_api_key(company.company_id, env.creds["client_id"])
    swedish = {**env.creds, "api_key": key}
    payload = invoice_payload(company.iban)
    payload["counterParty"]["einvoiceAddress"] = {"address": "x", "ediId": "003701120389"}
    response = env.call("POST", "/invoices", payload, creds=swedish)
    assert ("counterParty.einvoiceAddress.ediId", "OVT_NOT_ALLOWED") in errors_of(response)
    finnish = invoice_payload(env.iban)
    finnish["counterParty"]["einvoiceAddress"] = {"address": "x", "ediId": "003701120389"}
    assert env.call("POST", "/invoices", finnish).status_code == 200


def test_enum_values_are_checked(env: Env) -> None:
    payload = invoice_payload(env.iban, language="fi", type="SALES_INVOCE")
    payload["counterParty"]["counterPartyAddress"]["country"] = "FI"
    payload["paymentInfo"]["paymentMethod"] = "DIRECT_DEBIT"
    payload["paymentInfo"]["currency"] = "EURO"
    assert errors_of(env.call("POST", "/invoices", payload)) == {
        ("language", "INVALID_VALUE"),
        ("type", "INVALID_VALUE"),
        ("counterParty.counterPartyAddress.country", "INVALID_VALUE"),
        ("paymentInfo.paymentMethod", "PAYMENT_METHOD_NOT_ALLOWED"),
        ("paymentInfo.currency", "INVALID_VALUE"),
    }


def test_numbers_must_be_json_numbers(env: Env) -> None:
    payload = invoice_payload(env.iban, vatStatus="1")
    payload["invoiceRows"][0]["unitPrice"] = "10.00"
    payload["extraInfo"]["accountingByRow"] = "false"
    assert errors_of(env.call("POST", "/invoices", payload)) == {
        ("vatStatus", "INVALID_TYPE"),
        ("invoiceRows[0].unitPrice", "INVALID_TYPE"),
        ("extraInfo.accountingByRow", "INVALID_TYPE"),
    }


def test_product_name_needs_a_character_and_references_must_exist(env: Env) -> None:
    payload = invoice_payload(env.iban, partnerId=123)
    payload["invoiceRows"][0]["product"] = ""
    payload["invoiceRows"][1]["productId"] = 456
    assert errors_of(env.call("POST", "/invoices", payload)) == {
        ("invoiceRows[0].product", "TOO_SHORT"),
        ("partnerId", "PARTNER_NOT_FOUND"),
        ("invoiceRows[1].productId", "PRODUCT_NOT_FOUND"),
    }


def test_only_windows_1252_characters_are_accepted(env: Env) -> None:
    payload = invoice_payload(env.iban, notes="Hinta 5 € – kiitos, Åsa")
    assert env.call("POST", "/invoices", payload).status_code == 200
    payload = invoice_payload(env.iban, notes="Łódź ✓")
    payload["invoiceRows"][1]["product"] = "Ruoka 🍕"
    assert errors_of(env.call("POST", "/invoices", payload)) == {
        ("notes", "INVALID_CHARACTERS"),
        ("invoiceRows[1].product", "INVALID_CHARACTERS"),
    }


def test_home_currency_rate_must_be_one(env: Env) -> None:
    payload = invoice_payload(env.iban)
    payload["paymentInfo"]["currencyRate"] = Decimal("1.1")
    assert errors_of(env.call("POST", "/invoices", payload)) == {
        ("paymentInfo.currencyRate", "CURRENCY_RATE_MUST_BE_ONE")
    }


def test_unsupported_types_and_malformed_bodies(env: Env) -> None:
    response = env.call("POST", "/invoices", invoice_payload(env.iban, type="PURCHASE_INVOICE"))
    assert ("type", "INVOICE_TYPE_NOT_SUPPORTED") in errors_of(response)
    bad = env.http.post(
        "/api/invoices",
        content=b"{not json",
        headers={"Authorization": f"Bearer {env.token()}", "Content-Type": "application/json"},
    )
    assert bad.status_code == 400
    assert env.call("POST", "/invoices", [1, 2]).status_code == 400


# --- §7.5 payment references -----------------------------------------------------------------


def test_empty_reference_is_generated_valid_and_unique(env: Env) -> None:
    first = env.create_invoice()["paymentInfo"]["bankReferenceCode"]
    second = env.create_invoice()["paymentInfo"]["bankReferenceCode"]
    assert first != second
    assert finnish_reference_error(first) is None
    assert finnish_reference_error(second) is None


def test_given_reference_must_have_a_valid_check_digit(env: Env) -> None:
    payload = invoice_payload(env.iban)
    payload["paymentInfo"]["bankReferenceCode"] = "12345"
    assert errors_of(env.call("POST", "/invoices", payload)) == {
        ("paymentInfo.bankReferenceCode", "INVALID_BANK_REFERENCE_CODE")
    }
    payload["paymentInfo"]["bankReferenceCode"] = "RF18539007547034"
    assert env.call("POST", "/invoices", payload).status_code == 200
    payload["paymentInfo"]["bankReferenceCode"] = "RF19539007547034"
    assert env.call("POST", "/invoices", payload).status_code == 400
    payload["paymentInfo"]["bankReferenceCode"] = "1232"
    invoice = env.ok("POST", "/invoices", payload)
    assert invoice["paymentInfo"]["bankReferenceCode"] == "1232"


def test_absent_or_null_reference_means_none(env: Env) -> None:
    for value in ("absent", None):
        payload = invoice_payload(env.iban)
        if value == "absent":
            del payload["paymentInfo"]["bankReferenceCode"]
        else:
            payload["paymentInfo"]["bankReferenceCode"] = None
        invoice = env.ok("POST", "/invoices", payload)
        assert "bankReferenceCode" not in invoice["paymentInfo"]


def test_reference_type_must_suit_the_country(env: Env) -> None:
    payload = invoice_payload(env.iban)
    payload["paymentInfo"]["bankReferenceCodeType"] = "OCR"
    assert errors_of(env.call("POST", "/invoices", payload)) == {
        ("paymentInfo.bankReferenceCodeType", "BANK_REFERENCE_CODE_TYPE_NOT_ALLOWED")
    }
    payload["paymentInfo"]["bankReferenceCodeType"] = "RF"
    generated = env.ok("POST", "/invoices", payload)["paymentInfo"]["bankReferenceCode"]
    assert generated.startswith("RF") and rf_reference_error(generated) is None


# --- §7.6 lifecycle and optimistic locking ---------------------------------------------------


def test_approve_and_send_state_machine(env: Env) -> None:
    invoice = env.create_invoice()
    path = f"/invoices/{invoice['id']}"
    assert env.call("PUT", f"{path}/send", {}).status_code == 403  # UNFINISHED cannot be sent
    approved = env.ok("PUT", f"{path}/approve", {})
    assert set(approved) == {"message"}
    assert env.ok("GET", path)["status"] == "NOT_SENT"
    response = env.call("PUT", f"{path}/approve", {})
    assert response.status_code == 403
    assert errors_of(response) == {(None, "INVALID_INVOICE_STATUS")}
    env.ok("PUT", f"{path}/send")
    assert env.ok("GET", path)["status"] == "SENT"
    env.ok("PUT", f"{path}/send")  # SENT -> SENT is allowed (resend)
    assert env.call("PUT", f"{path}/unfinished").status_code == 403  # a SENT invoice is frozen
    assert env.sb.ledger_receipts(env.company_id)[0]["status"] == "SENT"


def test_no_sending_invoices_are_approved_and_cannot_be_sent(env: Env) -> None:
    invoice = env.create_invoice(invoiceChannel="NO_SENDING")
    path = f"/invoices/{invoice['id']}"
    env.ok("PUT", f"{path}/approve")
    assert env.ok("GET", path)["status"] == "APPROVED"
    assert env.call("PUT", f"{path}/send").status_code == 403


def test_invalidate_and_back_to_unfinished(env: Env) -> None:
    invoice = env.create_invoice()
    path = f"/invoices/{invoice['id']}"
    env.ok("PUT", f"{path}/invalidate")
    assert env.ok("GET", path)["status"] == "INVALIDATED"
    assert env.call("PUT", f"{path}/invalidate").status_code == 403
    assert env.call("PUT", f"{path}/approve").status_code == 403
    env.ok("PUT", f"{path}/unfinished")
    assert env.ok("GET", path)["status"] == "UNFINISHED"
    assert env.call("PUT", f"{path}/unfinished").status_code == 403
    assert env.call("PUT", "/invoices/42/approve").status_code == 404


def test_actions_in_a_closed_period_are_403(env: Env) -> None:
    invoice = env.create_invoice()
    path = f"/invoices/{invoice['id']}"
    env.ok("PUT", f"{path}/approve")
    env.sb.close_period(env.company_id, date(2026, 3, 15))
    for action in ("invalidate", "unfinished"):
        response = env.call("PUT", f"{path}/{action}")
        assert response.status_code == 403
        assert errors_of(response) == {(None, "CLOSED_FISCAL_PERIOD")}
    years = env.ok("GET", "/fiscalyears")["fiscalYears"]
    march = [p for p in years[0]["trackingPeriods"] if p["startDate"] == "2026-03-01"]
    assert march[0]["status"] == "CLOSED"


def test_put_needs_the_current_version_and_unfinished_status(env: Env) -> None:
    invoice = env.create_invoice()
    path = f"/invoices/{invoice['id']}"
    changed = invoice_payload(env.iban, notes="päivitetty", version=invoice["version"])
    updated = env.ok("PUT", path, changed)
    assert updated["notes"] == "päivitetty"
    assert updated["version"] > invoice["version"]  # even though the clock did not move
    assert updated["status"] == "UNFINISHED"
    assert updated["ledgerReceiptId"] == invoice["ledgerReceiptId"]  # no accounting change
    stale = env.call("PUT", path, changed)
    assert stale.status_code == 400
    assert errors_of(stale) == {("version", "STALE_VERSION")}
    missing = invoice_payload(env.iban)
    assert errors_of(env.call("PUT", path, missing)) == {("version", "REQUIRED")}
    env.ok("PUT", f"{path}/approve")
    current = env.ok("GET", path)["version"]
    wrong_state = env.call("PUT", path, invoice_payload(env.iban, version=current))
    assert wrong_state.status_code == 403


def test_put_validates_like_post_and_partner_is_not_editable(env: Env) -> None:
    partner = env.ok("POST", "/businesspartners", partner_payload())
    invoice = env.create_invoice(partnerId=partner["id"])
    path = f"/invoices/{invoice['id']}"
    payload = invoice_payload(env.iban, version=invoice["version"], partnerId=partner["id"] + 1)
    payload["invoiceRows"][0]["vatPercent"] = 24
    assert errors_of(env.call("PUT", path, payload)) >= {
        ("invoiceRows[0].vatPercent", "VAT_PERCENT_NOT_IN_USE"),
        ("partnerId", "NOT_EDITABLE"),
    }
    kept = env.ok("PUT", path, invoice_payload(env.iban, version=invoice["version"]))
    assert kept["partnerId"] == partner["id"]


def test_changing_rows_recreates_the_ledger_receipt(env: Env) -> None:
    invoice = env.create_invoice()
    payload = invoice_payload(env.iban, version=invoice["version"])
    payload["invoiceRows"] = payload["invoiceRows"][:1]
    updated = env.ok("PUT", f"/invoices/{invoice['id']}", payload)
    assert updated["ledgerReceiptId"] != invoice["ledgerReceiptId"]
    assert env.call("GET", f"/ledgerreceipts/{invoice['ledgerReceiptId']}").status_code == 404
    receipt = env.ok("GET", f"/ledgerreceipts/{updated['ledgerReceiptId']}")
    assert receipt["invoiceId"] == invoice["id"]
    assert updated["invoiceSumInfo"][0]["invoiceSumTotal"] == Decimal("25.10")
    assert (
        updated["paymentInfo"]["bankReferenceCode"] == invoice["paymentInfo"]["bankReferenceCode"]
    )


# --- §7.7 fiscal years -----------------------------------------------------------------------


def test_fiscal_years_are_seeded_with_a_closed_previous_year(env: Env) -> None:
    years = env.ok("GET", "/fiscalyears")["fiscalYears"]
    assert [(y["startDate"], y["endDate"], y["isOpen"]) for y in years] == [
        ("2026-01-01", "2026-12-31", True),
        ("2025-01-01", "2025-12-31", False),
    ]
    current, previous = years
    assert [p["startDate"] for p in current["trackingPeriods"]][:2] == ["2026-01-01", "2026-02-01"]
    assert {p["status"] for p in current["trackingPeriods"]} == {"OPEN"}
    assert {p["status"] for p in previous["trackingPeriods"]} == {"CLOSED"}
    assert set(current["trackingPeriods"][0]) == {
        "id",
        "startDate",
        "endDate",
        "status",
        "modified",
    }


def test_dates_in_closed_periods_are_refused(env: Env) -> None:
    payload = invoice_payload(env.iban, date="2025-12-31")
    assert errors_of(env.call("POST", "/invoices", payload)) == {("date", "DATE_IN_CLOSED_PERIOD")}
    env.sb.close_period(env.company_id, date(2026, 3, 2))
    payload = invoice_payload(env.iban)
    assert errors_of(env.call("POST", "/invoices", payload)) == {("date", "DATE_IN_CLOSED_PERIOD")}
    payload = invoice_payload(env.iban, date="2024-06-01")
    payload["paymentInfo"]["dueDate"] = "2024-06-30"
    assert errors_of(env.call("POST", "/invoices", payload)) == {
        ("date", "DATE_NOT_IN_FISCAL_YEAR")
    }


# --- §7.8 ledger receipts --------------------------------------------------------------------


def test_every_invoice_gets_a_balanced_ledger_receipt(env: Env) -> None:
    invoice = env.create_invoice()
    receipt = env.ok("GET", f"/ledgerreceipts/{invoice['ledgerReceiptId']}")
    assert receipt["type"] == "SALES_INVOICE" and receipt["invoiceId"] == invoice["id"]
    assert receipt["status"] == "UNFINISHED" and receipt["receiptDate"] == "2026-03-02"
    kinds = [t["transactionType"] for t in receipt["transactions"]]
    assert kinds == ["REVERSING_ENTRY", "ENTRY", "ENTRY"]
    reversing, first, second = receipt["transactions"]
    assert (reversing["account"], reversing["accountingValue"]) == ("1700", Decimal("127.24"))
    assert reversing["vatPercent"] == 0 and "vatStatus" not in reversing
    assert (first["account"], first["accountingValue"], first["vatPercent"]) == (
        "3000",
        Decimal("-20.00"),
        Decimal("25.5"),
    )
    assert second["accountingValue"] == Decimal("-89.99")


def test_product_account_applies_with_accounting_by_row(env: Env) -> None:
    product = env.ok("POST", "/products", product_payload(defaultAccount="3010"))
    for by_row, account in ((True, "3010"), (False, "3000")):
        payload = invoice_payload(
            env.iban, extraInfo={"accountingByRow": by_row, "unitPricesIncludeVat": False}
        )
        payload["invoiceRows"][0]["productId"] = product["id"]
        invoice = env.create_invoice(**payload)
        receipt = env.ok("GET", f"/ledgerreceipts/{invoice['ledgerReceiptId']}")
        assert receipt["transactions"][1]["account"] == account


def test_ledger_receipt_put_rules(env: Env) -> None:
    invoice = env.create_invoice()
    path = f"/ledgerreceipts/{invoice['ledgerReceiptId']}"
    receipt = env.ok("GET", path)
    entry = receipt["transactions"][1]
    entry["account"] = "3010"
    entry["dimensionItemValues"] = [
        {"dimensionId": 4001, "itemId": 5001, "value": Decimal("-12.00")},
        {"dimensionId": 4001, "itemId": 5002, "value": Decimal("-8.00")},
        {"dimensionId": 4002, "itemId": 5101, "value": Decimal("-20.00")},
    ]
    updated = env.ok("PUT", path, receipt)
    assert updated["transactions"][1]["account"] == "3010"
    assert updated["version"] > receipt["version"]
    assert errors_of(env.call("PUT", path, receipt)) == {("version", "STALE_VERSION")}

    def attempt(change: Any) -> set[tuple[str | None, str]]:
        current = env.ok("GET", path)
        change(current)
        return errors_of(env.call("PUT", path, current))

    def unknown_account(r: dict[str, Any]) -> None:
        r["transactions"][1]["account"] = "9999"

    def two_reversing(r: dict[str, Any]) -> None:
        r["transactions"][2]["transactionType"] = "REVERSING_ENTRY"
        r["transactions"][2]["vatPercent"] = 0

    def unbalanced(r: dict[str, Any]) -> None:
        r["transactions"][0]["accountingValue"] = Decimal("127.25")

    def dimension_sum(r: dict[str, Any]) -> None:
        r["transactions"][1]["dimensionItemValues"][0]["value"] = Decimal("-11.00")

    def duplicate_pair(r: dict[str, Any]) -> None:
        r["transactions"][1]["dimensionItemValues"][1]["itemId"] = 5001

    def closed_date(r: dict[str, Any]) -> None:
        r["receiptDate"] = "2025-06-30"

    assert attempt(unknown_account) == {("transactions[1].account", "ACCOUNT_NOT_FOUND")}
    assert ("transactions", "TOO_MANY_REVERSING_ENTRIES") in attempt(two_reversing)
    assert attempt(unbalanced) == {("transactions", "RECEIPT_NOT_BALANCED")}
    assert attempt(dimension_sum) == {
        ("transactions[1].dimensionItemValues", "DIMENSION_VALUES_DO_NOT_MATCH")
    }
    assert ("transactions[1].dimensionItemValues[1]", "DUPLICATE_DIMENSION_ITEM") in attempt(
        duplicate_pair
    )
    assert attempt(closed_date) == {("receiptDate", "DATE_IN_CLOSED_PERIOD")}

    current = env.ok("GET", path)
    unbalanced(current)
    reconciled = env.ok("PUT", path, current, params={"createReconciliation": "true"})
    last = reconciled["transactions"][-1]
    assert last["transactionType"] == "RECONCILIATION_ENTRY"
    assert last["accountingValue"] == Decimal("-0.01")


# --- §7.9 search, §7.11 duplicates -----------------------------------------------------------


def test_search_by_original_invoice_number_finds_duplicates(env: Env) -> None:
    first = env.create_invoice(originalInvoiceNumber="ERP-7")
    second = env.create_invoice(originalInvoiceNumber="ERP-7")
    env.create_invoice(originalInvoiceNumber="ERP-70")
    found = env.ok(
        "GET", "/invoices", params={"originalInvoiceNumber": "ERP-7", "types": "SALES_INVOICE"}
    )
    assert [r["id"] for r in found["results"]] == [second["id"], first["id"]]  # id DESC
    assert found["meta"] == {"pageNumber": 0, "pageSize": 50, "resultCount": 2}
    info = found["results"][0]
    assert set(info) == {
        "id",
        "type",
        "status",
        "invoiceNumber",
        "originalInvoiceNumber",
        "invoiceChannel",
        "date",
        "dueDate",
        "created",
        "version",
        "invoiceSumInfo",
    }
    assert info["invoiceSumInfo"][0]["invoiceSumTotal"] == Decimal("127.24")


def test_search_filters_order_and_pages(env: Env) -> None:
    ids = [env.create_invoice(originalInvoiceNumber=f"N{i}")["id"] for i in range(5)]
    env.ok("PUT", f"/invoices/{ids[0]}/approve")
    assert [
        r["id"] for r in env.ok("GET", "/invoices", params={"status": "NOT_SENT"})["results"]
    ] == [ids[0]]
    asc = env.ok("GET", "/invoices", params={"orderById": "ASC", "size": 2, "page": 1})
    assert [r["id"] for r in asc["results"]] == ids[2:4]
    assert asc["meta"] == {"pageNumber": 1, "pageSize": 2, "resultCount": 2}
    desc = env.ok("GET", "/invoices", params={"size": 2})
    assert [r["id"] for r in desc["results"]] == [ids[4], ids[3]]
    assert env.ok("GET", "/invoices", params={"types": "SALES_ORDER"})["results"] == []
    assert env.call("GET", "/invoices", params={"size": 201}).status_code == 400
    assert env.call("GET", "/invoices", params={"size": 200}).status_code == 200
    assert env.call("GET", "/invoices", params={"types": "BOGUS"}).status_code == 400


def test_search_by_version_start_date(env: Env) -> None:
    old = env.create_invoice()
    env.clock.advance(1200)
    new = env.create_invoice()
    found = env.ok("GET", "/invoices", params={"versionStartDate": "2026-03-02T11:10:00"})
    assert [r["id"] for r in found["results"]] == [new["id"]]
    env.clock.advance(1200)
    env.ok("PUT", f"/invoices/{old['id']}/approve")  # an action bumps the version
    found = env.ok(
        "GET",
        "/invoices",
        params={"versionStartDate": "2026-03-02T11:30:00", "orderByVersion": "ASC"},
    )
    assert [r["id"] for r in found["results"]] == [old["id"]]


# --- §7.10 batch GET -------------------------------------------------------------------------


def test_batch_get_rules(env: Env) -> None:
    a, b = env.create_invoice()["id"], env.create_invoice()["id"]
    single = env.ok("GET", f"/invoices/{a}")
    assert isinstance(single, dict) and single["id"] == a
    both = env.ok("GET", f"/invoices/{b},{a},999")
    assert [i["id"] for i in both] == [a, b]
    one_valid = env.ok("GET", f"/invoices/999,{b}")
    assert isinstance(one_valid, list) and [i["id"] for i in one_valid] == [b]
    assert env.call("GET", "/invoices/998,999").status_code == 404
    assert env.call("GET", "/invoices/999").status_code == 404
    too_many = ",".join(str(i) for i in range(1, 202))
    assert env.call("GET", f"/invoices/{too_many}").status_code == 400
    exactly = ",".join([str(a), *(str(i) for i in range(1, 200))])
    assert env.call("GET", f"/invoices/{exactly}").status_code == 200


# --- business partners and products ----------------------------------------------------------


def partner_payload(**overrides: Any) -> dict[str, Any]:
    return {
        "name": "Asiakas Oy",
        "type": "CUSTOMER",
        "address": {
            "name": "Asiakas Oy",
            "street": "Katu 1",
            "zip": "00100",
            "city": "Helsinki",
            "country": "FINLAND",
        },
        "invoicingInfo": {"customerNumber": "C-100", "identifier": "0112038-9"},
        "paymentInfo": {"paymentMethod": "BANK_TRANSFER", "currency": "EUR"},
        **overrides,
    }


def product_payload(**overrides: Any) -> dict[str, Any]:
    return {
        "type": "SALES",
        "name": "Konsultointi tunti",
        "code": "KONS-1",
        "unit": "HOUR",
        "discount": 0,
        "price": Decimal("95.00"),
        "vat": Decimal("25.5"),
        "active": True,
        "currency": "EUR",
        **overrides,
    }


def test_business_partner_required_fields(env: Env) -> None:
    response = env.call("POST", "/businesspartners", {"type": "CUSTOMER", "paymentInfo": {}})
    assert errors_of(response) == {
        ("name", "REQUIRED"),
        ("address", "REQUIRED"),
        ("paymentInfo.paymentMethod", "REQUIRED"),
    }
    assert errors_of(env.call("POST", "/businesspartners", partner_payload(name=""))) == {
        ("name", "TOO_SHORT")
    }
    supplier = partner_payload(type="SUPPLIER")
    del supplier["address"]
    assert env.call("POST", "/businesspartners", supplier).status_code == 200


def test_business_partner_search_patch_and_batch(env: Env) -> None:
    created = env.ok("POST", "/businesspartners", partner_payload())
    other = env.ok(
        "POST",
        "/businesspartners",
        partner_payload(name="Toinen Ky", invoicingInfo={"customerNumber": "C-200"}),
    )
    assert created["id"] != other["id"] and created["registryInfo"]["active"] is True
    by_number = env.ok("GET", "/businesspartners", params={"customerNumber": "C-100"})
    assert [p["id"] for p in by_number["results"]] == [created["id"]]
    assert set(by_number["results"][0]) == {
        "id",
        "name",
        "billingAddress",
        "invoicingInfo",
        "registryInfo",
        "type",
        "version",
    }
    by_name = env.ok("GET", "/businesspartners", headers={"name": "toinen"})
    assert [p["id"] for p in by_name["results"]] == [other["id"]]
    by_identifier = env.ok("GET", "/businesspartners", headers={"identifier": "0112038-9"})
    assert {p["id"] for p in by_identifier["results"]} == {created["id"]}
    ignored_query = env.ok("GET", "/businesspartners", params={"name": "toinen"})
    assert len(ignored_query["results"]) == 2  # name is a header filter, not a query one

    path = f"/businesspartners/{created['id']}"
    assert errors_of(env.call("PATCH", path, {"name": "Uusi nimi"})) == {("version", "REQUIRED")}
    patched = env.ok("PATCH", path, {"name": "Uusi nimi", "version": created["version"]})
    assert patched["name"] == "Uusi nimi" and patched["invoicingInfo"]["customerNumber"] == "C-100"
    stale = env.call("PATCH", path, {"name": "X"}, params={"version": created["version"]})
    assert errors_of(stale) == {("version", "STALE_VERSION")}
    batch = env.ok("GET", f"/businesspartners/{other['id']},{created['id']}")
    assert [p["id"] for p in batch] == sorted([created["id"], other["id"]])


def test_products_create_and_search(env: Env) -> None:
    product = env.ok("POST", "/products", product_payload())
    env.ok("POST", "/products", product_payload(name="Matkakulut", code="MATKA"))
    found = env.ok("GET", "/products", params={"name": "tunti"})
    assert [p["id"] for p in found["results"]] == [product["id"]]
    assert [p["code"] for p in env.ok("GET", "/products", params={"code": "matk"})["results"]] == [
        "MATKA"
    ]
    response = env.call("POST", "/products", product_payload(vat=24, unit="PCS", discount=101))
    assert errors_of(response) == {
        ("vat", "VAT_PERCENT_NOT_IN_USE"),
        ("unit", "INVALID_VALUE"),
        ("discount", "VALUE_OUT_OF_RANGE"),
    }
    assert env.ok("GET", f"/products/{product['id']}")["name"] == "Konsultointi tunti"


# --- §7.17 seed data -------------------------------------------------------------------------


def test_seed_data(env: Env) -> None:
    company = env.ok("GET", "/company")
    assert company["businessIdentifier"]["code"] == "2077474-0"
    assert company["companyCurrency"] == "EUR" and company["country"] == "FINLAND"
    accounts = env.ok("GET", "/bankaccounts")["results"]
    assert len(accounts) == 1 and accounts[0]["iban"] == env.iban
    assert accounts[0]["currency"] == "EUR" and accounts[0]["defaultForInvoice"] is True
    assert stdnum_iban.is_valid(env.iban) and env.iban.startswith("FI")
    vats = env.ok("GET", "/vats/default")
    percents = {p["vatPercent"] for p in vats["vatInformation"][0]["percentages"]}
    assert percents == {Decimal("25.5"), Decimal("13.5"), 10, 0}
    sales_statuses = {s["vatStatus"] for s in vats["vatStatuses"] if s["sales"]}
    assert sales_statuses == {1, 3, 5, 7, 9, 12}
    codes = {a["ledgerAccountCode"] for a in env.ok("GET", "/coa")["ledgerAccounts"]}
    assert {"1700", "2939", "3000"} <= codes
    dimensions = env.ok("GET", "/dimensions")
    assert len(dimensions) == 2 and all(d["items"] for d in dimensions)
    assert env.ok("GET", "/currencies")["currencies"][0] == "EUR"


def test_cash_discount_options_after_the_third_are_ignored_not_refused(env: Env) -> None:
    # 26.04 spec, PaymentInfo.cashDiscount.optionList: "Up to three … Any additional values
    # entered will be ignored".
    options = [{"numberOfDays": n, "discountPercentage": 1} for n in (5, 7, 10, 14)]
    payload = invoice_payload(env.iban)
    payload["paymentInfo"]["cashDiscount"] = {
        "cashDiscountsTermType": "FROM_INV_DATE",
        "optionList": options,
    }
    created = env.call("POST", "/invoices", payload)
    assert created.status_code == 200, created.text
    kept = loads(created.content)["paymentInfo"]["cashDiscount"]["optionList"]
    assert [o["numberOfDays"] for o in kept] == [5, 7, 10]


def test_a_field_the_invoice_model_does_not_have_is_refused(env: Env) -> None:
    # Procountor's invoice model (its specs' property lists): anything else is refused by path,
    # so a client's misspelt or invented field is never silently dropped.
    payload = invoice_payload(env.iban)
    payload["invoiceRow"] = []  # misspelt
    payload["invoiceRows"][0]["vatCode"] = "KOMY"  # another service's field
    payload["paymentInfo"]["iban"] = env.iban
    refused = env.call("POST", "/invoices", payload)
    assert refused.status_code == 400
    assert errors_of(refused) == {
        ("invoiceRow", "UNKNOWN_FIELD"),
        ("invoiceRows[0].vatCode", "UNKNOWN_FIELD"),
        ("paymentInfo.iban", "UNKNOWN_FIELD"),
    }
    # Read-only fields echoed back are in the model: ignored, not refused.
    echoed = invoice_payload(env.iban, id=1, status="PAID", invoiceSumInfo=[], version="x")
    assert env.call("POST", "/invoices", echoed).status_code == 200
