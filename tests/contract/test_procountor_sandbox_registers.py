"""Contract tests of the Procountor sandbox's registers (shared/reference/procountor.md §3.3–§3.7,
§7.13): business partners (PUT/PATCH/search/paging), products and product groups, dimension
items, and the chart of accounts and VAT defaults the connector reads."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from test_procountor_sandbox_support import Env, errors_of, make_env


@pytest.fixture
def env() -> Env:
    return make_env()


def partner_payload(**overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "name": "Asiakas Oy",
        "type": "CUSTOMER",
        "address": {
            "name": "Asiakas Oy",
            "street": "Katu 1",
            "zip": "00100",
            "city": "Helsinki",
            "country": "FINLAND",
        },
        "invoicingInfo": {
            "customerNumber": "C-100",
            "identifier": "0112038-9",
            "identifierType": "Y_TUNNUS",
            "email": "laskut@asiakas.fi",
        },
        "paymentInfo": {"paymentMethod": "BANK_TRANSFER", "currency": "EUR"},
    }
    payload.update(overrides)
    return payload


def product_payload(**overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "type": "SALES",
        "name": "Konsultointi tunti",
        "code": "KONS-1",
        "unit": "HOUR",
        "discount": 0,
        "price": Decimal("95.00"),
        "vat": Decimal("25.5"),
        "active": True,
        "currency": "EUR",
    }
    payload.update(overrides)
    return payload


# --- business partners ----------------------------------------------------------------------


def test_partner_required_fields_and_writable_types(env: Env) -> None:
    assert errors_of(env.call("POST", "/businesspartners", {})) == {
        ("name", "REQUIRED"),
        ("type", "REQUIRED"),
        ("paymentInfo", "REQUIRED"),
    }
    no_address_name = partner_payload(address={"street": "Katu 1"})
    assert errors_of(env.call("POST", "/businesspartners", no_address_name)) == {
        ("address.name", "REQUIRED")
    }
    long_name = env.call("POST", "/businesspartners", partner_payload(name="x" * 81))
    assert errors_of(long_name) == {("name", "TOO_LONG")}
    person = env.call("POST", "/businesspartners", partner_payload(type="PERSON"))
    assert errors_of(person) == {("type", "INVALID_VALUE")}  # persons are not created here
    bogus = env.call("POST", "/businesspartners", partner_payload(type="VENDOR"))
    assert errors_of(bogus) == {("type", "INVALID_VALUE")}


def test_partner_put_replaces_the_whole_record_and_needs_the_version(env: Env) -> None:
    created = env.ok(
        "POST",
        "/businesspartners",
        partner_payload(contactPersons=[{"name": "Maija", "email": "maija@asiakas.fi"}]),
    )
    path = f"/businesspartners/{created['id']}"
    replacement = partner_payload(name="Uusi Oy", invoicingInfo={"customerNumber": "C-100"})
    assert errors_of(env.call("PUT", path, replacement)) == {("version", "REQUIRED")}
    replaced = env.ok("PUT", path, {**replacement, "version": created["version"]})
    assert replaced["name"] == "Uusi Oy"
    assert replaced["invoicingInfo"] == {"customerNumber": "C-100"}  # identifier cleared
    assert "contactPersons" not in replaced  # omitted means gone
    assert replaced["attachments"] == [] and replaced["version"] > created["version"]
    stale = env.call("PUT", path, {**replacement, "version": created["version"]})
    assert errors_of(stale) == {("version", "STALE_VERSION")}
    invalid = env.call("PUT", path, {"name": "X", "version": replaced["version"]})
    assert ("type", "REQUIRED") in errors_of(invalid)
    assert env.call("PUT", "/businesspartners/999", replacement).status_code == 404


def test_partner_patch_changes_only_the_patchable_fields(env: Env) -> None:
    created = env.ok("POST", "/businesspartners", partner_payload())
    path = f"/businesspartners/{created['id']}"
    refused = env.call(
        "PATCH",
        path,
        {
            "name": "Uusi",
            "billingAddress": {"name": "X"},
            "registryInfo": {"active": False},
            "version": created["version"],
        },
    )
    assert errors_of(refused) == {
        ("billingAddress", "FIELD_NOT_PATCHABLE"),
        ("registryInfo", "FIELD_NOT_PATCHABLE"),
    }
    wrong_id = env.call("PATCH", path, {"id": created["id"] + 1, "version": created["version"]})
    assert errors_of(wrong_id) == {("id", "INVALID_VALUE")}
    patched = env.ok(
        "PATCH",
        path,
        {"id": created["id"], "invoicingInfo": {"customerNumber": "C-101"}, "type": "SUPPLIER"},
        params={"version": created["version"]},
    )
    assert patched["invoicingInfo"]["customerNumber"] == "C-101"
    assert patched["invoicingInfo"]["identifier"] == "0112038-9"  # merged, not replaced
    assert patched["type"] == "SUPPLIER" and patched["name"] == "Asiakas Oy"
    bad = env.call("PATCH", path, {"name": "", "version": patched["version"]})
    assert errors_of(bad) == {("name", "TOO_SHORT")}
    to_person = env.call("PATCH", path, {"type": "PERSON", "version": patched["version"]})
    assert errors_of(to_person) == {("type", "INVALID_VALUE")}


def test_every_page_of_a_large_customer_list_can_be_read(env: Env) -> None:
    created = {
        env.ok(
            "POST",
            "/businesspartners",
            partner_payload(name=f"Asiakas {i}", invoicingInfo={"customerNumber": f"C-{i}"}),
        )["id"]
        for i in range(450)
    }
    seen: list[int] = []
    sizes = []
    for page in range(4):
        body = env.ok(
            "GET", "/businesspartners", params={"type": "CUSTOMER", "size": 200, "page": page}
        )
        assert body["meta"]["pageNumber"] == page and body["meta"]["pageSize"] == 200
        sizes.append(body["meta"]["resultCount"])
        seen += [p["id"] for p in body["results"]]
    assert sizes == [200, 200, 50, 0]
    assert len(seen) == len(set(seen)) and set(seen) == created

    by_previous: list[int] = []
    previous = None
    while True:
        params: dict[str, Any] = {"size": 200, "orderById": "ASC"}
        if previous is not None:
            params["previousId"] = previous
        results = env.ok("GET", "/businesspartners", params=params)["results"]
        if not results:
            break
        by_previous += [p["id"] for p in results]
        previous = results[-1]["id"]
    assert by_previous == sorted(created)
    assert env.call("GET", "/businesspartners", params={"size": 201}).status_code == 400


def test_partner_search_filters(env: Env) -> None:
    customer = env.ok(
        "POST", "/businesspartners", partner_payload(name="Äijälän Kauppa", invoicingInfo={})
    )
    env.clock.advance(600)
    supplier = env.ok(
        "POST",
        "/businesspartners",
        partner_payload(
            name="Toimittaja Ky",
            type="SUPPLIER",
            invoicingInfo={"identifier": "1572860-0", "identifierType": "Y_TUNNUS"},
        ),
    )
    inactive = env.ok(
        "POST",
        "/businesspartners",
        partner_payload(name="Vanha Oy", registryInfo={"active": False}),
    )

    def ids(
        params: dict[str, Any] | None = None, headers: dict[str, str] | None = None
    ) -> set[int]:
        body = env.ok("GET", "/businesspartners", params=params, headers=headers)
        return {p["id"] for p in body["results"]}

    assert ids() == {customer["id"], supplier["id"]}  # active defaults to true
    assert ids({"active": "false"}) == {inactive["id"]}
    assert ids({"type": "SUPPLIER"}) == {supplier["id"]}
    assert ids({"identifierType": "Y_TUNNUS"}) == {supplier["id"]}
    assert ids({"versionStartDate": "2026-03-02T11:05:00"}) == {supplier["id"]}
    assert ids({"versionEndDate": "2026-03-02T11:05:00"}) == {customer["id"]}
    # Header values travel as bytes; a UTF-8 encoded name still matches.
    utf8 = env.http.get(
        "/api/businesspartners",
        headers={"Authorization": f"Bearer {env.token()}", "name": "äijälän".encode()},
    )
    assert [p["id"] for p in utf8.json()["results"]] == [customer["id"]]
    assert ids(headers={"identifier": "1572860-0"}) == {supplier["id"]}
    assert env.call("GET", "/businesspartners", params={"type": "X"}).status_code == 400
    bad_date = env.call("GET", "/businesspartners", params={"versionStartDate": "yesterday"})
    assert errors_of(bad_date) == {("versionStartDate", "INVALID_VALUE")}
    info = env.ok("GET", "/businesspartners", params={"type": "SUPPLIER"})["results"][0]
    assert info == {
        "id": supplier["id"],
        "name": "Toimittaja Ky",
        "billingAddress": supplier["address"],
        "invoicingInfo": {"identifier": "1572860-0", "identifierType": "Y_TUNNUS"},
        "registryInfo": {"active": True},
        "type": "SUPPLIER",
        "version": supplier["version"],
    }


def test_partner_batch_get(env: Env) -> None:
    a = env.ok("POST", "/businesspartners", partner_payload())
    b = env.ok("POST", "/businesspartners", partner_payload(name="B"))
    assert env.ok("GET", f"/businesspartners/{a['id']}")["name"] == "Asiakas Oy"
    batch = env.ok("GET", f"/businesspartners/{b['id']},999,{a['id']}")
    assert [p["id"] for p in batch] == [a["id"], b["id"]]
    assert env.call("GET", "/businesspartners/998,999").status_code == 404
    too_many = ",".join(str(i) for i in range(201))
    assert env.call("GET", f"/businesspartners/{too_many}").status_code == 400


# --- products -------------------------------------------------------------------------------


def test_product_validation(env: Env) -> None:
    assert errors_of(env.call("POST", "/products", {})) == {
        ("type", "REQUIRED"),
        ("name", "REQUIRED"),
        ("discount", "REQUIRED"),
        ("price", "REQUIRED"),
        ("active", "REQUIRED"),
        ("currency", "REQUIRED"),
    }
    bad = product_payload(
        name="x" * 101,
        code="c" * 41,
        unit="kpl",
        vat=Decimal("24"),
        vatStatus=6,  # purchase-only status on a sales product
        defaultAccount="9999",
        productGroupId=424242,
        discount=-1,
        productLocalizations=[{"language": "GERMAN", "productName": "Beratung"}],
    )
    assert errors_of(env.call("POST", "/products", bad)) == {
        ("name", "TOO_LONG"),
        ("code", "TOO_LONG"),
        ("unit", "INVALID_VALUE"),
        ("vat", "VAT_PERCENT_NOT_IN_USE"),
        ("vatStatus", "VAT_STATUS_NOT_ALLOWED"),
        ("defaultAccount", "ACCOUNT_NOT_FOUND"),
        ("productGroupId", "PRODUCT_GROUP_NOT_FOUND"),
        ("discount", "VALUE_OUT_OF_RANGE"),
        ("productLocalizations[0].language", "INVALID_VALUE"),
    }
    inactive_account = env.call("POST", "/products", product_payload(defaultAccount="3900"))
    assert errors_of(inactive_account) == {("defaultAccount", "ACCOUNT_INACTIVE")}
    purchase = product_payload(type="PURCHASE", vatStatus=6, defaultAccount="4000")
    assert env.call("POST", "/products", purchase).status_code == 200


def test_product_put_replaces_and_delete_removes(env: Env) -> None:
    group = env.ok("POST", "/products/groups", {"name": "Palvelut", "type": "SALES"})
    product = env.ok("POST", "/products", product_payload(productGroupId=group["id"]))
    assert product["productGroupId"] == group["id"] and "version" not in product
    path = f"/products/{product['id']}"
    replaced = env.ok("PUT", path, product_payload(name="Konsultointi", code=None, price=100))
    assert replaced["name"] == "Konsultointi" and replaced["price"] == 100
    assert "code" not in replaced and "productGroupId" not in replaced  # whole record
    assert env.ok("GET", path) == replaced
    assert errors_of(env.call("PUT", path, product_payload(type="PURCHASE"))) == {
        ("type", "NOT_EDITABLE")
    }
    assert env.call("PUT", "/products/999", product_payload()).status_code == 404

    response = env.call("DELETE", path)
    assert response.status_code == 204 and response.content == b""
    assert env.call("GET", path).status_code == 404
    assert env.call("DELETE", path).status_code == 404
    travel = env.ok("POST", "/products", product_payload(type="TRAVEL", name="Päiväraha"))
    assert errors_of(env.call("DELETE", f"/products/{travel['id']}")) == {
        (None, "TRAVEL_NOT_REMOVABLE")
    }


def test_product_search_filters_and_batch(env: Env) -> None:
    sales_group = env.ok("POST", "/products/groups", {"name": "Palvelut"})
    other_group = env.ok("POST", "/products/groups", {"name": "Tavarat", "type": "SALES"})
    a = env.ok("POST", "/products", product_payload(productGroupId=sales_group["id"]))
    b = env.ok(
        "POST",
        "/products",
        product_payload(
            name="Ruuvi",
            code="RUUVI-6",
            unit="PIECE",
            productGroupId=other_group["id"],
            productLocalizations=[{"language": "ENGLISH", "productName": "Screw"}],
        ),
    )
    c = env.ok("POST", "/products", product_payload(name="Vanha", active=False))
    d = env.ok("POST", "/products", product_payload(type="PURCHASE", name="Ostettu", vatStatus=6))

    def ids(**params: Any) -> list[int]:
        return [p["id"] for p in env.ok("GET", "/products", params=params)["results"]]

    assert ids() == [d["id"], c["id"], b["id"], a["id"]]  # every product, id DESC
    assert ids(active="true") == [d["id"], b["id"], a["id"]]
    assert ids(active="false") == [c["id"]]
    assert ids(type="PURCHASE") == [d["id"]]
    assert ids(name="RUU") == [b["id"]] and ids(code="uuvi") == [b["id"]]
    assert ids(group=str(sales_group["id"])) == [a["id"]]
    both = f"{sales_group['id']},{other_group['id']}"
    assert ids(group=both, orderById="ASC") == [a["id"], b["id"]]
    assert ids(**{"group[]": str(other_group["id"])}) == [b["id"]]
    assert ids(size=2, page=1) == [b["id"], a["id"]]
    listed = env.ok("GET", "/products", params={"name": "ruuvi"})["results"][0]
    assert "productLocalizations" not in listed
    localized = env.ok("GET", "/products", params={"name": "ruuvi", "includeLocalizations": "true"})
    assert localized["results"][0]["productLocalizations"][0]["productName"] == "Screw"
    assert env.call("GET", "/products", params={"type": "SERVICE"}).status_code == 400
    assert env.call("GET", "/products", params={"group": "x"}).status_code == 400
    batch = env.ok("GET", f"/products/{b['id']},{a['id']}")
    assert [p["id"] for p in batch] == [a["id"], b["id"]]
    assert batch[1]["productLocalizations"][0]["language"] == "ENGLISH"


def test_product_groups(env: Env) -> None:
    sales = env.ok("POST", "/products/groups", {"name": "Palvelut", "type": "SALES"})
    purchase = env.ok("POST", "/products/groups", {"name": "Ostot", "type": "PURCHASE"})
    travel = env.ok("POST", "/products/groups", {"name": "Matkat", "type": "TRAVEL"})
    assert sales == {"id": sales["id"], "name": "Palvelut", "type": "SALES"}
    default = env.ok("GET", "/products/groups")
    assert default == {"productGroups": [sales, purchase]}  # SALES and PURCHASE only
    assert env.ok("GET", "/products/groups", params={"type": "TRAVEL"}) == {
        "productGroups": [travel]
    }
    assert errors_of(env.call("POST", "/products/groups", {"name": "x" * 81})) == {
        ("name", "TOO_LONG")
    }
    assert errors_of(env.call("POST", "/products/groups", {"type": "SALES"})) == {
        ("name", "REQUIRED")
    }
    renamed = env.ok("PUT", f"/products/groups/{sales['id']}", {"name": "Asiantuntijapalvelut"})
    assert renamed["name"] == "Asiantuntijapalvelut" and renamed["type"] == "SALES"
    assert env.call("PUT", "/products/groups/999", {"name": "X"}).status_code == 404

    env.ok("POST", "/products", product_payload(productGroupId=sales["id"]))
    assert env.call("DELETE", f"/products/groups/{sales['id']}").status_code == 409
    assert env.call("DELETE", f"/products/groups/{travel['id']}").status_code == 400
    assert env.call("DELETE", f"/products/groups/{purchase['id']}").status_code == 204
    assert env.ok("GET", "/products/groups") == {"productGroups": [renamed]}


# --- dimensions, chart of accounts, VAT -----------------------------------------------------


def test_dimension_items_can_be_added(env: Env) -> None:
    item = env.ok("POST", "/dimensions/4001/items", {"codeName": "JKL", "description": "Jyväskylä"})
    assert item == {"id": item["id"], "codeName": "JKL", "description": "Jyväskylä"}
    closed = env.ok(
        "POST",
        "/dimensions/4001/items",
        {"codeName": "KUO", "description": "Kuopio", "status": "P"},
    )
    assert closed["status"] == "P"
    dimension = env.ok("GET", "/dimensions/4001")
    assert [i["codeName"] for i in dimension["items"]] == ["HKI", "TRE", "OUL", "JKL", "KUO"]
    assert "status" not in dimension["items"][3]
    listed = env.ok("GET", "/dimensions", params={"codeName": "jk"})
    assert listed[0]["items"] == [item] and listed[1]["items"] == []

    duplicate = env.call("POST", "/dimensions/4001/items", {"codeName": "HKI", "description": "x"})
    assert errors_of(duplicate) == {("codeName", "DUPLICATE_VALUE")}
    # codeName is unique within one dimension only.
    assert env.call("POST", "/dimensions/4002/items", {"codeName": "HKI"}).status_code == 200
    assert errors_of(env.call("POST", "/dimensions/4001/items", {"description": "x"})) == {
        ("codeName", "REQUIRED")
    }
    bad_status = env.call("POST", "/dimensions/4001/items", {"codeName": "X", "status": "A"})
    assert errors_of(bad_status) == {("status", "INVALID_VALUE")}
    assert env.call("POST", "/dimensions/9999/items", {"codeName": "X"}).status_code == 404
    assert env.call("GET", "/dimensions/9999").status_code == 404


def test_new_dimension_items_can_be_used_on_ledger_receipts(env: Env) -> None:
    item = env.ok("POST", "/dimensions/4002/items", {"codeName": "P300", "description": "P 300"})
    invoice = env.create_invoice()
    receipt = env.ok("GET", f"/ledgerreceipts/{invoice['ledgerReceiptId']}")
    entry = receipt["transactions"][1]
    entry["dimensionItemValues"] = [
        {"dimensionId": 4002, "itemId": item["id"], "value": entry["accountingValue"]}
    ]
    assert env.call("PUT", f"/ledgerreceipts/{receipt['id']}", receipt).status_code == 200


def test_chart_of_accounts_shape(env: Env) -> None:
    body = env.ok("GET", "/coa")
    assert set(body) == {"ledgerAccounts"}
    for account in body["ledgerAccounts"]:
        assert set(account) == {"ledgerAccountCode", "name", "active"}
        assert isinstance(account["ledgerAccountCode"], str)
    codes = {a["ledgerAccountCode"]: a["active"] for a in body["ledgerAccounts"]}
    assert codes["1700"] and codes["3000"] and not codes["3900"]


def test_vat_defaults_shape(env: Env) -> None:
    body = env.ok("GET", "/vats/default")
    assert set(body) == {"vatInformation", "vatStatuses"}
    (country,) = body["vatInformation"]
    assert set(country) == {"country", "percentages"}
    for percentage in country["percentages"]:
        assert set(percentage) == {"vatPercent", "sales", "purchase"}
    for status in body["vatStatuses"]:
        assert set(status) == {"vatStatus", "description", "sales", "purchase"}
        assert isinstance(status["vatStatus"], int)
    by_code = {s["vatStatus"]: s for s in body["vatStatuses"]}
    assert by_code[6]["sales"] is False and by_code[6]["purchase"] is True
    assert {1, 3, 5, 12} <= set(by_code)


def test_a_patched_payment_info_is_validated_whole(env: Env) -> None:
    # BusinessPartnerPaymentInfo requires paymentMethod (26.04 spec and the yaml); a partial
    # object is refused, not merged into the stored one.
    created = env.ok("POST", "/businesspartners", partner_payload())
    path = f"/businesspartners/{created['id']}"
    partial = env.call(
        "PATCH", path, {"paymentInfo": {"paymentTermDays": "21"}, "version": created["version"]}
    )
    assert errors_of(partial) == {("paymentInfo.paymentMethod", "REQUIRED")}
    whole = {"paymentMethod": "BANK_TRANSFER", "paymentTermDays": "21"}
    patched = env.ok("PATCH", path, {"paymentInfo": whole, "version": created["version"]})
    assert patched["paymentInfo"]["paymentTermDays"] == "21"


def test_the_literal_schema_reading_needs_name_type_and_payment_method(env: Env) -> None:
    env.sb.companies[env.company_id].patch_schema_literal = True
    created = env.ok("POST", "/businesspartners", partner_payload())
    path = f"/businesspartners/{created['id']}"
    bare = env.call(
        "PATCH", path, {"invoicingInfo": {"email": "a@b.fi"}, "version": created["version"]}
    )
    assert errors_of(bare) == {
        ("name", "REQUIRED"),
        ("type", "REQUIRED"),
        ("paymentInfo.paymentMethod", "REQUIRED"),
    }
    full = {
        "name": created["name"],
        "type": created["type"],
        "paymentInfo": {"paymentMethod": "BANK_TRANSFER"},
        "invoicingInfo": {"email": "a@b.fi"},
        "version": created["version"],
    }
    assert env.ok("PATCH", path, full)["invoicingInfo"]["email"] == "a@b.fi"


def test_a_field_the_partner_model_does_not_have_is_refused(env: Env) -> None:
    payload = partner_payload()
    payload["vatNumber"] = "FI01120389"  # not a BusinessPartner field
    payload["paymentInfo"]["iban"] = "FI21 1234 5600 0007 85"
    refused = env.call("POST", "/businesspartners", payload)
    assert errors_of(refused) == {
        ("vatNumber", "UNKNOWN_FIELD"),
        ("paymentInfo.iban", "UNKNOWN_FIELD"),
    }
    created = env.ok("POST", "/businesspartners", partner_payload())
    inside = env.call(
        "PATCH",
        f"/businesspartners/{created['id']}",
        {"invoicingInfo": {"emial": "a@b.fi"}, "version": created["version"]},
    )
    assert errors_of(inside) == {("invoicingInfo.emial", "UNKNOWN_FIELD")}
