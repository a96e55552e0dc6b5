"""Payments and status changes (reference netvisor.md §3, §8.1, §8.2 items 10, 14, 15, 17)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from netvisor_sandbox_support import Env, invoice_xml, make_env


@pytest.fixture
def env() -> Env:
    return make_env()


def add(env: Env, body: str) -> int:
    answer = env.post("/salesinvoice.nv?method=add", body)
    assert answer.ok, answer.statuses
    return answer.inserted


def pay(
    env: Env, target: str, amount: str, kind: str = "invoicenumber", day: str = "2026-03-02"
) -> object:
    return env.post(
        "/salespayment.nv",
        f'<root><salespayment><sum currency="EUR">{amount}</sum><paymentdate>{day}</paymentdate>'
        f'<targetidentifier type="{kind}" targettype="invoice">{target}</targetidentifier>'
        "<sourcename>Asiakas Oy</sourcename>"
        '<paymentmethod type="bankaccount">FI2112345600000785</paymentmethod>'
        "</salespayment></root>",
    )


PARTIAL = (
    "<paymenttermnetdays>14</paymenttermnetdays><expectpartialpayments>1</expectpartialpayments>"
)


def test_a_payment_needs_an_existing_target(env: Env) -> None:
    assert pay(env, "1", "25,10").code == "INVALID_DATA"  # type: ignore[attr-defined]
    add(env, invoice_xml(status="open"))
    assert pay(env, "1", "25,10").ok  # type: ignore[attr-defined]  # never kept for later


def test_full_coverage_pays_and_a_paid_invoice_takes_nothing(env: Env) -> None:
    key = add(env, invoice_xml(status="open"))
    invoice = env.company.sales_invoices[key]
    assert pay(env, invoice.reference, "25,10", "reference").ok  # type: ignore[attr-defined]
    assert invoice.status == "paid" and invoice.open_sum == 0
    assert pay(env, "1", "1,00").code == "INVALID_DATA"  # type: ignore[attr-defined]


def test_without_partial_payments_the_sum_must_settle(env: Env) -> None:
    add(env, invoice_xml(status="open"))
    assert pay(env, "1", "10,00").code == "INVALID_DATA"  # type: ignore[attr-defined]
    assert pay(env, "1", "30,00").code == "INVALID_DATA"  # type: ignore[attr-defined]
    discount = (
        "<paymenttermnetdays>14</paymenttermnetdays><paymenttermcashdiscountdays>7"
        "</paymenttermcashdiscountdays>"
        '<paymenttermcashdiscount type="percentage">2</paymenttermcashdiscount>'
    )
    add(env, invoice_xml(status="open", before_lines=discount))
    assert pay(env, "2", "24,60").ok  # type: ignore[attr-defined]  # within the 2 % discount


def test_partial_payments_and_unsent_invoices(env: Env) -> None:
    add(env, invoice_xml(status="unsent"))
    assert pay(env, "1", "25,10").code == "INVALID_DATA"  # type: ignore[attr-defined]  # unsent
    key = add(env, invoice_xml(status="unsent", before_lines=PARTIAL))
    assert pay(env, "2", "10,00").ok  # type: ignore[attr-defined]
    row = env.get("/salesinvoicelist.nv?invoicenumber=2")
    assert row.value("SalesInvoiceList/SalesInvoice/OpenSum") == "15,10"
    assert pay(env, "2", "15,10").ok  # type: ignore[attr-defined]
    assert env.company.sales_invoices[key].status == "paid"


def test_negative_or_locked_payments_are_refused(env: Env) -> None:
    add(env, invoice_xml(status="open"))
    assert pay(env, "1", "-5,00").code == "INVALID_DATA"  # type: ignore[attr-defined]
    env.sb.lock_period(env.creds["organisation_id"], date(2026, 3, 1))
    assert pay(env, "1", "25,10", day="2026-02-28").code == "PERIOD_LOCK"  # type: ignore[attr-defined]


def test_the_payment_list_has_finnish_dates_and_negative_rows(env: Env) -> None:
    add(env, invoice_xml(status="open", number="7"))
    assert pay(env, "7", "25,10", day="2026-03-02").ok  # type: ignore[attr-defined]
    env.clock.advance(3600)
    env.sb.add_bank_payment(
        env.creds["organisation_id"],
        Decimal("-5.00"),
        date(2026, 3, 2),
        invoice_number="7",
        name="Palautus",
    )
    rows = env.get("/salespaymentlist.nv?begindate=2026-03-02&enddate=2026-03-02")
    assert [e.text for e in rows.root.iter("Sum")] == ["25,10", "-5,00"]
    assert [e.text for e in rows.root.iter("Date")] == ["2.3.2026", "2.3.2026"]
    assert env.company.sales_invoices[1].status == "open"  # the refund reopened it
    for bound in ("2026-03-02T11:30:00", "2026-03-02 11:30:00"):
        later = env.get(f"/salespaymentlist.nv?lastmodifiedstart={bound.replace(' ', '%20')}")
        assert [e.text for e in later.root.iter("Sum")] == ["-5,00"], bound
    assert (
        len(
            env.get("/salespaymentlist.nv?lastmodifiedstart=2026-03-02").root.findall(
                ".//SalesPayment"
            )
        )
        == 2
    )
    assert env.get("/salespaymentlist.nv?invoicenumber=8").find("SalesPaymentList") is not None


def test_status_updates(env: Env) -> None:
    key = add(env, invoice_xml(status="unsent"))
    target = f"/updatesalesinvoicestatus.nv?netvisorkey={key}"
    assert env.post(target + "&status=sent", None).code == "INVALID_DATA"
    assert env.post(target + "&status=paid", "<root/>").code == "INVALID_DATA"  # bodyless
    assert env.get(target + "&status=paid").code == "INVALID_DATA"  # a POST
    assert (
        env.post("/updatesalesinvoicestatus.nv?netvisorkey=999&status=paid", None).code
        == "INVALID_DATA"
    )
    many = ",".join(str(key) for _ in range(101))
    assert (
        env.post(f"/updatesalesinvoicestatus.nv?netvisorkeylist={many}&status=open", None).code
        == "INVALID_DATA_SIZE"
    )
    assert env.post(target + "&status=reminded", None).ok
    invoice = env.company.sales_invoices[key]
    assert (invoice.status, invoice.substatus) == ("open", "reminded") and invoice.voucher


def test_leaving_unsent_in_a_locked_period_is_refused(env: Env) -> None:
    key = add(env, invoice_xml(status="unsent", date="2026-02-15"))
    env.sb.lock_period(env.creds["organisation_id"], date(2026, 2, 28))
    answer = env.post(f"/updatesalesinvoicestatus.nv?netvisorkey={key}&status=open", None)
    assert answer.code == "PERIOD_LOCK"
    assert env.company.sales_invoices[key].voucher is None
