"""Contract tests of the Procountor sandbox's payments (shared/reference/procountor.md §3.8, §3.9,
§7.12): payment events per invoice and in bulk, markpaid, the bank allocation and reversal hooks
(Python and admin), invoice status and version, and INVOICE_PAYMENT_CREATED webhooks."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from test_procountor_sandbox_support import Env, errors_of, invoice_payload, make_env

from tilisilta.sandbox.procountor.jsonio import loads

TOTAL = Decimal("127.24")  # invoice_payload(): 20.00 + 25.5 % and 89.99 + 13.5 %
DAY = date(2026, 3, 10)
EVENT_KEYS = [
    "id",
    "invoiceId",
    "type",
    "paymentDate",
    "status",
    "amount",
    "currency",
    "paidAmount",
    "paidCurrency",
    "description",
]


@pytest.fixture
def env() -> Env:
    return make_env()


def approved(env: Env, **overrides: Any) -> dict[str, Any]:
    invoice = env.create_invoice(**overrides)
    env.ok("PUT", f"/invoices/{invoice['id']}/approve")
    result: dict[str, Any] = env.ok("GET", f"/invoices/{invoice['id']}")
    return result


def sent(env: Env, **overrides: Any) -> dict[str, Any]:
    invoice = approved(env, **overrides)
    env.ok("PUT", f"/invoices/{invoice['id']}/send")
    result: dict[str, Any] = env.ok("GET", f"/invoices/{invoice['id']}")
    return result


def markpaid_body(**overrides: Any) -> dict[str, Any]:
    body = {
        "paymentDate": "2026-03-10",
        "amount": Decimal("27.24"),
        "currency": "EUR",
        "description": "Maksettu käteisellä",
        "paymentMethodType": "CASH",
    }
    body.update(overrides)
    return body


def events_of(env: Env, invoice_id: int, **params: Any) -> dict[str, Any]:
    result: dict[str, Any] = env.ok("GET", f"/invoices/{invoice_id}/paymentevents", params=params)
    return result


# --- markpaid -------------------------------------------------------------------------------


def test_markpaid_is_refused_while_unfinished(env: Env) -> None:
    invoice = env.create_invoice()
    response = env.call("PUT", f"/invoices/{invoice['id']}/paymentevents/markpaid", markpaid_body())
    assert response.status_code == 403
    assert events_of(env, invoice["id"])["results"] == []
    assert env.ok("GET", f"/invoices/{invoice['id']}")["version"] == invoice["version"]


def test_markpaid_partial_then_full(env: Env) -> None:
    invoice = sent(env)
    path = f"/invoices/{invoice['id']}/paymentevents/markpaid"
    first = env.ok("PUT", path, markpaid_body())
    assert list(first) == EVENT_KEYS
    assert first["invoiceId"] == invoice["id"]
    assert (first["type"], first["status"]) == ("CASH", "MARKED_PAID")
    assert first["paymentDate"] == "2026-03-10"
    assert first["amount"] == first["paidAmount"] == Decimal("27.24")
    assert first["currency"] == first["paidCurrency"] == "EUR"
    assert first["description"] == "Maksettu käteisellä"
    partly = env.ok("GET", f"/invoices/{invoice['id']}")
    assert partly["status"] == "PARTLY_PAID"
    assert partly["version"] > invoice["version"]

    rest = env.ok(
        "PUT", path, markpaid_body(amount=TOTAL - Decimal("27.24"), paymentMethodType=None)
    )
    assert rest["type"] == "BANKTRANSFERELSEWHERE"  # no paymentMethodType: paid elsewhere
    paid = env.ok("GET", f"/invoices/{invoice['id']}")
    assert paid["status"] == "MARKED_PAID"
    assert paid["paymentDate"] == "2026-03-10"
    assert paid["version"] > partly["version"]
    receipt = env.ok("GET", f"/ledgerreceipts/{paid['ledgerReceiptId']}")
    assert receipt["status"] == "MARKED_PAID"
    # A settled invoice takes no more payments.
    assert env.call("PUT", path, markpaid_body()).status_code == 403


def test_markpaid_validation_lists_every_problem(env: Env) -> None:
    invoice = approved(env)
    path = f"/invoices/{invoice['id']}/paymentevents/markpaid"
    assert errors_of(env.call("PUT", path, {})) == {
        ("paymentDate", "REQUIRED"),
        ("amount", "REQUIRED"),
        ("currency", "REQUIRED"),
    }
    bad = markpaid_body(
        paymentDate="2025-12-31",  # the previous fiscal year is closed
        amount=Decimal("1.005"),
        currency="SEK",
        description="x" * 141,
        paymentMethodType="CHEQUE",
    )
    assert errors_of(env.call("PUT", path, bad)) == {
        ("paymentDate", "DATE_IN_CLOSED_PERIOD"),
        ("amount", "INVALID_VALUE"),
        ("currency", "CURRENCY_MISMATCH"),
        ("description", "TOO_LONG"),
        ("paymentMethodType", "INVALID_VALUE"),
    }
    assert errors_of(env.call("PUT", path, markpaid_body(amount=0))) == {
        ("amount", "VALUE_OUT_OF_RANGE")
    }
    assert errors_of(env.call("PUT", path, markpaid_body(amount="27.24"))) == {
        ("amount", "INVALID_TYPE")
    }
    assert events_of(env, invoice["id"])["results"] == []
    assert env.call("PUT", "/invoices/999/paymentevents/markpaid", markpaid_body()).status_code == (
        404
    )


def test_markpaid_on_a_closed_period_day_after_closing_a_month(env: Env) -> None:
    invoice = approved(env)
    env.sb.close_period(env.company_id, date(2026, 3, 1))
    path = f"/invoices/{invoice['id']}/paymentevents/markpaid"
    assert errors_of(env.call("PUT", path, markpaid_body())) == {
        ("paymentDate", "DATE_IN_CLOSED_PERIOD")
    }


def test_foreign_currency_payment_is_converted_to_the_accounting_currency(env: Env) -> None:
    payload = invoice_payload(env.iban)
    payload["paymentInfo"].update({"currency": "SEK", "currencyRate": Decimal("11.5")})
    invoice = env.ok("POST", "/invoices", payload)
    env.ok("PUT", f"/invoices/{invoice['id']}/approve")
    path = f"/invoices/{invoice['id']}/paymentevents/markpaid"
    assert errors_of(env.call("PUT", path, markpaid_body())) == {("currency", "CURRENCY_MISMATCH")}
    event = env.ok("PUT", path, markpaid_body(amount=Decimal("115.00"), currency="SEK"))
    assert (event["paidAmount"], event["paidCurrency"]) == (Decimal("115.00"), "SEK")
    assert (event["amount"], event["currency"]) == (Decimal("10.00"), "EUR")


# --- bank allocation and reversal hooks -----------------------------------------------------


def test_bank_allocation_partial_then_full_bumps_the_version(env: Env) -> None:
    invoice = sent(env)
    event = env.sb.allocate_payment(env.company_id, invoice["id"], Decimal("100.00"), DAY)
    assert list(event) == EVENT_KEYS
    assert (event["type"], event["status"]) == ("REFERENCEPAYMENT", "PAID")
    assert event["amount"] == Decimal("100.00") and event["paymentDate"] == "2026-03-10"
    partly = env.ok("GET", f"/invoices/{invoice['id']}")
    assert partly["status"] == "PARTLY_PAID" and "paymentDate" not in partly
    assert partly["version"] > invoice["version"]

    env.clock.advance(60)
    env.sb.allocate_payment(
        env.company_id, invoice["id"], Decimal("27.24"), DAY, type="BANKSTATEMENT_TO_INVOICE"
    )
    paid = env.ok("GET", f"/invoices/{invoice['id']}")
    assert paid["status"] == "PAID" and paid["paymentDate"] == "2026-03-10"
    assert paid["version"] > partly["version"]
    # Polling recipe of the reference: a payment shows up in a versionStartDate search.
    changed = env.ok(
        "GET",
        "/invoices",
        params={"types": "SALES_INVOICE", "versionStartDate": partly["version"]},
    )
    assert [r["id"] for r in changed["results"]] == [invoice["id"]]
    assert [e["type"] for e in events_of(env, invoice["id"])["results"]] == [
        "REFERENCEPAYMENT",
        "BANKSTATEMENT_TO_INVOICE",
    ]


def test_allocation_is_allowed_only_on_approved_unsettled_sales_invoices(env: Env) -> None:
    unfinished = env.create_invoice()
    with pytest.raises(ValueError, match="INVALID_INVOICE_STATUS"):
        env.sb.allocate_payment(env.company_id, unfinished["id"], Decimal("1.00"), DAY)
    no_sending = approved(env, invoiceChannel="NO_SENDING")
    assert no_sending["status"] == "APPROVED"
    env.sb.allocate_payment(env.company_id, no_sending["id"], TOTAL, DAY)
    with pytest.raises(ValueError):
        env.sb.allocate_payment(env.company_id, no_sending["id"], Decimal("1.00"), DAY)
    invalidated = approved(env)
    env.ok("PUT", f"/invoices/{invalidated['id']}/invalidate")
    with pytest.raises(ValueError):
        env.sb.allocate_payment(env.company_id, invalidated["id"], Decimal("1.00"), DAY)
    order = approved(env, type="SALES_ORDER")
    with pytest.raises(ValueError, match="INVOICE_TYPE_NOT_SUPPORTED"):
        env.sb.allocate_payment(env.company_id, order["id"], Decimal("1.00"), DAY)


def test_allocation_hook_input_checks(env: Env) -> None:
    invoice = approved(env)
    with pytest.raises(KeyError):
        env.sb.allocate_payment(env.company_id, 999, Decimal("1.00"), DAY)
    with pytest.raises(KeyError):
        env.sb.allocate_payment(12345, invoice["id"], Decimal("1.00"), DAY)
    with pytest.raises(TypeError):
        env.sb.allocate_payment(env.company_id, invoice["id"], 1.5, DAY)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="VALUE_OUT_OF_RANGE"):
        env.sb.allocate_payment(env.company_id, invoice["id"], Decimal("-1.00"), DAY)
    with pytest.raises(ValueError, match="DATE_IN_CLOSED_PERIOD"):
        env.sb.allocate_payment(env.company_id, invoice["id"], Decimal("1.00"), date(2025, 6, 1))
    with pytest.raises(ValueError, match="type"):
        env.sb.allocate_payment(env.company_id, invoice["id"], Decimal("1.00"), DAY, type="GIFT")
    assert env.sb.payment_events(env.company_id) == []
    assert env.ok("GET", f"/invoices/{invoice['id']}")["status"] == "NOT_SENT"


def test_reversal_adds_a_negative_correction_and_restores_the_status(env: Env) -> None:
    invoice = sent(env)
    env.sb.allocate_payment(env.company_id, invoice["id"], TOTAL, DAY)
    assert env.ok("GET", f"/invoices/{invoice['id']}")["status"] == "PAID"

    reversal = env.sb.reverse_payment(env.company_id, invoice["id"], Decimal("27.24"), DAY)
    assert (reversal["type"], reversal["amount"]) == ("CORRECTION", Decimal("-27.24"))
    assert reversal["paidAmount"] == Decimal("-27.24")
    partly = env.ok("GET", f"/invoices/{invoice['id']}")
    assert partly["status"] == "PARTLY_PAID" and "paymentDate" not in partly

    with pytest.raises(ValueError, match="VALUE_OUT_OF_RANGE"):
        env.sb.reverse_payment(env.company_id, invoice["id"], Decimal("100.01"), DAY)
    env.sb.reverse_payment(env.company_id, invoice["id"], Decimal("100.00"), DAY)
    back = env.ok("GET", f"/invoices/{invoice['id']}")
    assert back["status"] == "SENT" and back["version"] > partly["version"]
    with pytest.raises(ValueError):
        env.sb.reverse_payment(env.company_id, invoice["id"], Decimal("1.00"), DAY)
    amounts = [e["paidAmount"] for e in events_of(env, invoice["id"])["results"]]
    assert amounts == [TOTAL, Decimal("-27.24"), Decimal("-100.00")]
    assert sum(amounts) == 0


def test_reversal_of_a_not_sent_invoice_returns_to_not_sent(env: Env) -> None:
    invoice = approved(env)
    env.sb.allocate_payment(env.company_id, invoice["id"], Decimal("10.00"), DAY)
    env.sb.reverse_payment(env.company_id, invoice["id"], Decimal("10.00"), DAY)
    assert env.ok("GET", f"/invoices/{invoice['id']}")["status"] == "NOT_SENT"
    env.ok("PUT", f"/invoices/{invoice['id']}/send")  # back in the normal lifecycle
    env.sb.allocate_payment(env.company_id, invoice["id"], Decimal("10.00"), DAY)
    env.sb.reverse_payment(env.company_id, invoice["id"], Decimal("10.00"), DAY)
    assert env.ok("GET", f"/invoices/{invoice['id']}")["status"] == "SENT"


def test_credit_note_is_paid_back_with_negative_amounts(env: Env) -> None:
    payload = invoice_payload(env.iban)
    for row in payload["invoiceRows"]:
        row["quantity"] = -row["quantity"]
    credit = env.ok("POST", "/invoices", payload)
    env.ok("PUT", f"/invoices/{credit['id']}/approve")
    with pytest.raises(ValueError, match="VALUE_OUT_OF_RANGE"):
        env.sb.allocate_payment(env.company_id, credit["id"], TOTAL, DAY)
    env.sb.allocate_payment(env.company_id, credit["id"], -TOTAL, DAY)
    assert env.ok("GET", f"/invoices/{credit['id']}")["status"] == "PAID"
    env.sb.reverse_payment(env.company_id, credit["id"], TOTAL, DAY)
    assert env.ok("GET", f"/invoices/{credit['id']}")["status"] == "NOT_SENT"


# --- reading events -------------------------------------------------------------------------


def test_invoice_events_are_ordered_paged_and_scoped(env: Env) -> None:
    invoice = sent(env)
    for cents in ("1.00", "2.00", "3.00"):
        env.sb.allocate_payment(env.company_id, invoice["id"], Decimal(cents), DAY)
    body = events_of(env, invoice["id"])
    ids = [e["id"] for e in body["results"]]
    assert ids == sorted(ids)
    assert body["meta"] == {"pageNumber": 0, "pageSize": 50, "resultCount": 3}
    second = events_of(env, invoice["id"], size=2, page=1)
    assert [e["id"] for e in second["results"]] == ids[2:]
    one = env.ok("GET", f"/invoices/{invoice['id']}/paymentevents/{ids[1]}")
    assert one["paidAmount"] == Decimal("2.00")
    other = sent(env)
    assert env.call("GET", f"/invoices/{other['id']}/paymentevents/{ids[1]}").status_code == 404
    assert env.call("GET", "/invoices/999/paymentevents").status_code == 404


def test_bulk_payment_events(env: Env) -> None:
    a, b, untouched = sent(env), sent(env), sent(env)
    env.sb.allocate_payment(env.company_id, b["id"], Decimal("5.00"), DAY)
    env.sb.allocate_payment(env.company_id, a["id"], Decimal("6.00"), DAY)
    env.sb.allocate_payment(env.company_id, b["id"], Decimal("7.00"), DAY)
    env.sb.allocate_payment(env.company_id, untouched["id"], Decimal("8.00"), DAY)

    ids = f"{a['id']},{b['id']},424242"
    body = env.ok("GET", "/payments/paymentevents", params={"invoiceId": ids})
    found = [(e["invoiceId"], e["paidAmount"]) for e in body["results"]]
    assert found == [
        (b["id"], Decimal("5.00")),
        (a["id"], Decimal("6.00")),
        (b["id"], Decimal("7.00")),
    ]
    assert body["meta"] == {"pageNumber": 0, "pageSize": 50, "resultCount": 3}
    paged = env.ok(
        "GET", "/payments/paymentevents", params={"invoiceId": ids, "size": 2, "page": 1}
    )
    assert [e["paidAmount"] for e in paged["results"]] == [Decimal("7.00")]
    none = env.ok("GET", "/payments/paymentevents", params={"invoiceId": "424242"})
    assert none["results"] == []

    too_many = ",".join(str(i) for i in range(1, 202))
    response = env.call("GET", "/payments/paymentevents", params={"invoiceId": too_many})
    assert errors_of(response) == {("invoiceId", "TOO_MANY_IDS")}
    exactly = ",".join([str(a["id"]), *(str(i) for i in range(1, 200))])
    assert env.call("GET", "/payments/paymentevents", params={"invoiceId": exactly}).is_success
    assert errors_of(env.call("GET", "/payments/paymentevents")) == {("invoiceId", "REQUIRED")}
    bad = env.call("GET", "/payments/paymentevents", params={"invoiceId": "1,x"})
    assert errors_of(bad) == {("invoiceId", "INVALID_VALUE")}
    size = env.call("GET", "/payments/paymentevents", params={"invoiceId": ids, "size": 201})
    assert size.status_code == 400


def test_event_ids_are_per_company_and_companies_see_only_their_own(env: Env) -> None:
    other = env.sb.admin_create_company({"name": "Toinen Oy", "business_id": "1572860-0"})
    other_creds = {**env.creds, **{k: str(v) for k, v in other.items()}}
    mine = sent(env)
    theirs = env.ok("POST", "/invoices", invoice_payload(other["iban"]), creds=other_creds)
    env.ok("PUT", f"/invoices/{theirs['id']}/approve", creds=other_creds)
    my_event = env.sb.allocate_payment(env.company_id, mine["id"], Decimal("1.00"), DAY)
    their_event = env.sb.allocate_payment(other["company_id"], theirs["id"], Decimal("2.00"), DAY)
    assert my_event["id"] == their_event["id"] and mine["id"] == theirs["id"]
    body = env.ok("GET", "/payments/paymentevents", params={"invoiceId": str(mine["id"])})
    assert [e["paidAmount"] for e in body["results"]] == [Decimal("1.00")]


# --- admin endpoints ------------------------------------------------------------------------


def test_admin_payment_and_reversal_endpoints(env: Env) -> None:
    invoice = sent(env)
    base = f"/_sandbox/companies/{env.company_id}/invoices/{invoice['id']}"
    paid = env.http.post(f"{base}/payments", json={"amount": 127.24, "date": "2026-03-10"})
    assert paid.status_code == 201, paid.text
    event = loads(paid.content)
    assert event["paidAmount"] == TOTAL and event["status"] == "PAID"
    assert env.ok("GET", f"/invoices/{invoice['id']}")["status"] == "PAID"

    reversed_ = env.http.post(f"{base}/reversals", json={"amount": "100.00", "date": "2026-03-11"})
    assert reversed_.status_code == 201
    assert loads(reversed_.content)["amount"] == Decimal("-100.00")
    assert env.ok("GET", f"/invoices/{invoice['id']}")["status"] == "PARTLY_PAID"

    cash = env.http.post(
        f"{base}/payments", json={"amount": 1, "date": "2026-03-11", "type": "CASH"}
    )
    assert loads(cash.content)["type"] == "CASH"
    missing = f"/_sandbox/companies/{env.company_id}/invoices/999/payments"
    assert env.http.post(missing, json={"amount": 1, "date": "2026-03-10"}).status_code == 404
    assert env.http.post(f"{base}/payments", json={"amount": 1}).status_code == 400
    assert env.http.post(
        f"{base}/payments", json={"amount": True, "date": "2026-03-10"}
    ).status_code == (400)
    too_much = env.http.post(f"{base}/reversals", json={"amount": 1000, "date": "2026-03-10"})
    assert too_much.status_code == 409 and "amount" in too_much.json()["error"]


# --- webhooks -------------------------------------------------------------------------------


def webhook_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "url": "https://hub.example/procountor/webhook",
        "authenticationType": "NONE",
        "subscriptions": ["INVOICE_PAYMENT_CREATED"],
    }
    body.update(overrides)
    return body


def test_webhook_registration_list_and_delete(env: Env) -> None:
    created = env.ok("POST", "/webhooks", webhook_body())
    assert set(created) == {"status", "uuid"}
    listed = env.ok("GET", "/webhooks")
    assert listed["results"] == [
        {
            "uuid": created["uuid"],
            "url": "https://hub.example/procountor/webhook",
            "authenticationType": "NONE",
            "subscriptions": ["INVOICE_PAYMENT_CREATED"],
        }
    ]
    response = env.call("DELETE", f"/webhooks/{created['uuid']}")
    assert response.status_code == 204 and response.content == b""
    assert env.ok("GET", "/webhooks")["results"] == []
    assert env.call("DELETE", f"/webhooks/{created['uuid']}").status_code == 404


def test_webhook_validation(env: Env) -> None:
    assert errors_of(env.call("POST", "/webhooks", {})) == {
        ("url", "REQUIRED"),
        ("authenticationType", "REQUIRED"),
        ("subscriptions", "REQUIRED"),
    }
    bad = webhook_body(
        url="http://hub.example/hook",
        authenticationType="BASIC",
        subscriptions=["INVOICE_PAYMENT_CREATED", "INVOICE_CREATED", "INVOICE_PAYMENT_CREATED"],
    )
    assert errors_of(env.call("POST", "/webhooks", bad)) == {
        ("url", "INVALID_URL"),
        ("authenticationType", "INVALID_VALUE"),
        ("subscriptions[1]", "INVALID_VALUE"),
        ("subscriptions[2]", "DUPLICATE_VALUE"),
    }
    assert errors_of(env.call("POST", "/webhooks", webhook_body(subscriptions=[]))) == {
        ("subscriptions", "REQUIRED")
    }
    local = webhook_body(url="http://127.0.0.1:9000/hook", authenticationType="HMAC")
    assert env.call("POST", "/webhooks", local).status_code == 200


def test_payment_events_are_pushed_to_subscribed_webhooks(env: Env) -> None:
    hook = env.ok("POST", "/webhooks", webhook_body())
    env.ok(
        "POST",
        "/webhooks",
        webhook_body(url="https://other.example/x", subscriptions=["USER_UPDATED"]),
    )
    invoice = sent(env)
    event = env.ok("PUT", f"/invoices/{invoice['id']}/paymentevents/markpaid", markpaid_body())
    allocated = env.sb.allocate_payment(env.company_id, invoice["id"], Decimal("1.00"), DAY)
    reversal = env.sb.reverse_payment(env.company_id, invoice["id"], Decimal("1.00"), DAY)
    assert [url for url, _ in env.sb.webhook_outbox] == [
        "https://hub.example/procountor/webhook"
    ] * 3
    first = env.sb.webhook_outbox[0][1]
    assert first == {
        "eventType": "INVOICE_PAYMENT_CREATED",
        "webhookUuid": hook["uuid"],
        "payload": {
            "companyId": env.company_id,
            "invoiceId": invoice["id"],
            "paymentEventId": event["id"],
        },
        "meta": {"version": "1", "timestamp": "2026-03-02T11:00:00"},
    }
    pushed = [body["payload"]["paymentEventId"] for _, body in env.sb.webhook_outbox]
    assert pushed == [event["id"], allocated["id"], reversal["id"]]
    outbox = env.http.get("/_sandbox/webhooks/outbox").json()
    assert [p["body"]["payload"]["paymentEventId"] for p in outbox] == pushed

    assert env.call("DELETE", f"/webhooks/{hook['uuid']}").status_code == 204
    env.sb.allocate_payment(env.company_id, invoice["id"], Decimal("1.00"), DAY)
    assert len(env.sb.webhook_outbox) == 3


def test_webhook_sender_is_injectable_and_failures_do_not_fail_the_call(env: Env) -> None:
    received: list[tuple[str, dict[str, Any]]] = []
    env.sb.webhook_sender = lambda url, body: received.append((url, body))
    env.ok("POST", "/webhooks", webhook_body())
    invoice = sent(env)
    env.sb.allocate_payment(env.company_id, invoice["id"], Decimal("1.00"), DAY)
    assert len(received) == 1 and env.sb.webhook_outbox == []

    def broken(url: str, body: dict[str, Any]) -> None:
        raise ConnectionError("receiver down")

    env.sb.webhook_sender = broken
    response = env.call("PUT", f"/invoices/{invoice['id']}/paymentevents/markpaid", markpaid_body())
    assert response.status_code == 200
    assert len(env.sb.webhook_errors) == 1
    assert "receiver down" in env.sb.webhook_errors[0][2]


def test_webhooks_are_per_company(env: Env) -> None:
    other = env.sb.admin_create_company({"name": "Toinen Oy", "business_id": "1572860-0"})
    other_creds = {**env.creds, **{k: str(v) for k, v in other.items()}}
    env.ok("POST", "/webhooks", webhook_body(), creds=other_creds)
    assert env.ok("GET", "/webhooks")["results"] == []
    invoice = sent(env)
    env.sb.allocate_payment(env.company_id, invoice["id"], Decimal("1.00"), DAY)
    assert env.sb.webhook_outbox == []


def test_the_bulk_read_answers_basic_payment_transactions(env: Env) -> None:
    # 26.04 spec: GET /payments/paymentevents answers PaymentSearchResult of
    # BasicPaymentTransactionData, with no type, currency or description; the per-invoice read
    # keeps the full payment events.
    invoice = sent(env)
    env.ok("PUT", f"/invoices/{invoice['id']}/paymentevents/markpaid", markpaid_body())
    [basic] = env.ok("GET", "/payments/paymentevents", params={"invoiceId": invoice["id"]})[
        "results"
    ]
    assert set(basic) == {
        "id", "invoiceId", "paymentDate", "amount", "receiverName", "status", "serviceCharge",
        "paidAmount", "paidCurrency",
    }  # fmt: skip
    [full] = events_of(env, invoice["id"])["results"]
    assert full["type"] == "CASH" and full["description"] == "Maksettu käteisellä"
    assert env.call("GET", "/payments/paymentevents").status_code == 400  # invoiceId required


def test_an_overpayment_is_refused(env: Env) -> None:
    invoice = sent(env)
    path = f"/invoices/{invoice['id']}/paymentevents/markpaid"
    env.ok("PUT", path, markpaid_body(amount=TOTAL - Decimal("1.00")))
    refused = env.call("PUT", path, markpaid_body(amount=Decimal("1.01")))
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["message"] == "AMOUNT_EXCEEDS_OPEN_SUM"
    env.ok("PUT", path, markpaid_body(amount=Decimal("1.00")))  # the open sum exactly: fine
