"""Sales invoices (reference netvisor.md §3, §8.1, §8.2 items 8-11, 17, 19 and 21)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from netvisor_sandbox_support import Env, invoice_xml, make_env, product_line

from tilisilta.sandbox.common.references import is_finnish_reference


@pytest.fixture
def env() -> Env:
    return make_env()


def add(env: Env, body: str) -> int:
    answer = env.post("/salesinvoice.nv?method=add", body)
    assert answer.ok, answer.statuses
    return answer.inserted


def refused(
    env: Env, body: str, code: str = "INVALID_DATA", target: str = "/salesinvoice.nv?method=add"
) -> str:
    answer = env.post(target, body)
    assert answer.code == code, answer.statuses
    return answer.text


# --- identifiers (§8.2 item 8) -----------------------------------------------------------------


def test_products_are_found_by_each_identifier_type(env: Env) -> None:
    company = env.company
    kahvi = company.product_by("customer", "KAHVI")
    kahvi.fields["productbaseinformation/primaryeancode"] = "6412345678901"
    for kind, code in (
        ("customer", "KAHVI"),
        ("netvisor", str(kahvi.key)),
        ("primaryeancode", "6412345678901"),
    ):
        key = add(env, invoice_xml(lines=product_line(code=code, kind=kind)))
        assert company.sales_invoices[key].lines[0].product_key == kahvi.key


def test_an_unknown_product_is_refused_and_never_created(env: Env) -> None:
    """Seed 004: "Product not found: temp"; no TEMP product is seeded."""
    before = dict(env.company.products)
    text = refused(env, invoice_xml(lines=product_line(code="TEMP")))
    assert "Product not found: TEMP" in text
    assert env.company.products == before
    assert env.get("/getproduct.nv?code=TEMP").find("Product") is not None
    assert len(env.get("/getproduct.nv?code=TEMP").find("Product")) == 0  # type: ignore[arg-type]


def test_customers_are_found_by_identifier_type_and_temp_exists(env: Env) -> None:
    assert add(env, invoice_xml(customer="TEMP"))  # AVA: the Temporary customer
    key = env.company.customer_by("customer", "C-1").key
    body = invoice_xml().replace('type="customer">C-1', f'type="netvisor">{key}')
    assert env.company.sales_invoices[add(env, body)].customer_key == key
    assert "Customer not found" in refused(env, invoice_xml(customer="NOPE"))


def test_an_unknown_account_suggestion_is_refused(env: Env) -> None:
    line = product_line(extra="<accountingaccountsuggestion>9999</accountingaccountsuggestion>")
    assert "9999" in refused(env, invoice_xml(lines=line))


def test_the_address_is_copied_only_when_none_is_sent(env: Env) -> None:
    copied = env.company.sales_invoices[add(env, invoice_xml())]
    assert copied.header["invoicingcustomertown"] == "Helsinki"
    sent = invoice_xml(
        before_lines="<invoicingcustomername>Toinen nimi</invoicingcustomername>"
        "<paymenttermnetdays>14</paymenttermnetdays>"
    )
    own = env.company.sales_invoices[add(env, sent)]
    assert own.header["invoicingcustomername"] == "Toinen nimi"
    assert "invoicingcustomertown" not in own.header


# --- creation (§8.2 items 9, 10, 21) -------------------------------------------------------------


def test_keys_and_numbers_are_sequential_per_series(env: Env) -> None:
    first, second = add(env, invoice_xml()), add(env, invoice_xml())
    assert second == first + 1
    invoices = env.company.sales_invoices
    assert (invoices[first].number, invoices[second].number) == ("1", "2")
    assert invoices[add(env, invoice_xml(number="100"))].number == "100"
    assert invoices[add(env, invoice_xml())].number == "101"  # next highest free
    series = invoice_xml(
        before_lines="<paymenttermnetdays>14</paymenttermnetdays>"
        '<secondname type="netvisor">2</secondname>'
    )
    assert invoices[add(env, series)].number == "1"  # its own series


def test_a_second_identical_add_makes_a_second_invoice(env: Env) -> None:
    """§8.2 item 21: no implicit dedupe."""
    body = invoice_xml(amount="25,10")
    assert add(env, body) != add(env, body)
    assert len(env.company.sales_invoices) == 2


def test_a_repeated_explicit_number_is_refused_unless_switched(env: Env) -> None:
    add(env, invoice_xml(number="5000"))
    assert "5000" in refused(env, invoice_xml(number="5000"), "DUPLICATE_DATA")
    env.sb.switches.update({"duplicate_number": "accept"})
    add(env, invoice_xml(number="5000"))
    assert [i.number for i in env.company.sales_invoices.values()] == ["5000", "5000"]


def test_references_are_kept_or_generated_with_a_check_digit(env: Env) -> None:
    given = invoice_xml(
        extra_header="<salesinvoicereferencenumber>1232</salesinvoicereferencenumber>"
    )
    assert env.company.sales_invoices[add(env, given)].reference == "1232"
    made = env.company.sales_invoices[add(env, invoice_xml(number="4711"))].reference
    assert made.startswith("4711") and is_finnish_reference(made)


def test_totals_are_kept_or_computed_and_rounded(env: Env) -> None:
    invoices = env.company.sales_invoices
    kept = invoices[add(env, invoice_xml(amount="99,999"))]
    assert kept.amount == Decimal("100.00")  # given, kept though the lines say 25.10; rounded
    computed = invoices[add(env, invoice_xml(amount="0"))]
    assert computed.amount == Decimal("25.10")  # 2 × 10.00 + 25.5 % VAT
    gross = invoices[
        add(env, invoice_xml(lines=product_line(price="12,55", price_type="gross", quantity="3")))
    ]
    assert gross.amount == Decimal("37.65") and gross.lines[0].net == Decimal("30.00")


def test_a_line_sum_counts_only_with_its_vat_sum(env: Env) -> None:
    invoices = env.company.sales_invoices
    lone = product_line(extra="<salesinvoiceproductlinesum>99,00</salesinvoiceproductlinesum>")
    assert invoices[add(env, invoice_xml(lines=lone))].amount == Decimal("25.10")
    pair = product_line(
        extra="<salesinvoiceproductlinevatsum>5,00</salesinvoiceproductlinevatsum>"
        "<salesinvoiceproductlinesum>25,00</salesinvoiceproductlinesum>"
    )
    assert invoices[add(env, invoice_xml(lines=pair))].amount == Decimal("25.00")


def test_open_is_vouchered_at_import_and_unsent_is_not(env: Env) -> None:
    invoices = env.company.sales_invoices
    assert invoices[add(env, invoice_xml(status="open"))].voucher is not None
    unsent = add(env, invoice_xml(status="unsent"))
    assert invoices[unsent].voucher is None
    env.post(f"/updatesalesinvoicestatus.nv?netvisorkey={unsent}&status=open", None)
    assert invoices[unsent].voucher is not None  # leaving unsent makes the voucher


def test_drafts_take_no_number_no_voucher_lines_and_are_hidden(env: Env) -> None:
    draft = add(env, invoice_xml(number="77", invoice_type="invoicedraft", status="open"))
    invoice = env.company.sales_invoices[draft]
    assert invoice.number is None and invoice.voucher is None
    assert env.get("/salesinvoicelist.nv").find("SalesInvoiceList/SalesInvoice") is None
    listed = env.get("/salesinvoicelist.nv?listtype=draftandinvoice")
    assert listed.value("SalesInvoiceList/SalesInvoice/NetvisorKey") == str(draft)
    voucher = (
        '<invoicevoucherlines><voucherline><linesum type="net">10</linesum>'
        '<accountnumber>3000</accountnumber><vatpercent vatcode="KOMY">25,5</vatpercent>'
        "</voucherline></invoicevoucherlines>"
    )
    body = invoice_xml(invoice_type="invoicedraft").replace(
        "</invoicelines>", "</invoicelines>" + voucher
    )
    assert "draft" in refused(env, body)
    env.post(f"/salesinvoice.nv?method=edit&id={draft}", invoice_xml(status="unsent"))
    assert invoice.number is None or env.company.sales_invoices[draft].number == "1"


def test_orders_are_listed_only_as_preinvoices(env: Env) -> None:
    order = add(env, invoice_xml(invoice_type="order", status="undelivered"))
    assert env.get("/salesinvoicelist.nv").find("SalesInvoiceList/SalesInvoice") is None
    assert env.get("/salesinvoicelist.nv?listtype=preinvoice").value(
        "SalesInvoiceList/SalesInvoice/NetvisorKey"
    ) == str(order)


# --- credit notes (§8.2 item 11) -------------------------------------------------------------


def credit_note(env: Env, status: str = "open", currency: str = "EUR") -> int:
    body = invoice_xml(status=status, amount="-25,10", lines=product_line(quantity="-2"))
    return add(env, body.replace('iso4217currencycode="EUR"', f'iso4217currencycode="{currency}"'))


def test_a_credit_note_has_a_negative_quantity_and_a_positive_price(env: Env) -> None:
    note = env.company.sales_invoices[credit_note(env)]
    assert note.amount == Decimal("-25.10") and note.lines[0].net == Decimal("-20.00")
    assert "negative" in refused(
        env, invoice_xml(lines=product_line(price="-10,00", quantity="-2"))
    )
    wrong_sign = product_line(
        quantity="-2",
        extra="<salesinvoiceproductlinevatsum>-5,10</salesinvoiceproductlinevatsum>"
        "<salesinvoiceproductlinesum>25,10</salesinvoiceproductlinesum>",
    )
    assert "sign" in refused(env, invoice_xml(lines=wrong_sign))


def match(env: Env, credit: int, invoice: int) -> object:
    body = (
        f"<root><matchcreditnote><creditnotenetvisorkey>{credit}</creditnotenetvisorkey>"
        f"<invoicenetvisorkey>{invoice}</invoicenetvisorkey></matchcreditnote></root>"
    )
    return env.post("/matchcreditnote.nv", body)


def test_a_credit_note_is_matched_only_on_request(env: Env) -> None:
    invoice = add(env, invoice_xml(status="open"))
    note = credit_note(env)
    held = env.company.sales_invoices
    assert held[invoice].open_sum == Decimal("25.10")  # never auto-matched
    assert match(env, note, invoice).ok  # type: ignore[attr-defined]
    assert held[invoice].status == "paid" and held[note].open_sum == 0
    assert match(env, note, invoice).code == "INVALID_DATA"  # type: ignore[attr-defined]


def test_matching_needs_sent_vouchered_invoices_in_one_currency(env: Env) -> None:
    unsent = add(env, invoice_xml(status="unsent"))
    assert match(env, credit_note(env), unsent).code == "INVALID_DATA"  # type: ignore[attr-defined]
    invoice = add(env, invoice_xml(status="open"))
    assert match(env, credit_note(env, "unsent"), invoice).code == "INVALID_DATA"  # type: ignore[attr-defined]
    assert match(env, credit_note(env, currency="SEK"), invoice).code == "INVALID_DATA"  # type: ignore[attr-defined]
    assert match(env, invoice, credit_note(env)).code == "INVALID_DATA"  # type: ignore[attr-defined]


# --- edits (§8.2 item 19) and locked periods (§8.2 item 17) ----------------------------------


def test_an_edit_clears_empty_elements_and_keeps_omitted_ones(env: Env) -> None:
    key = add(
        env,
        invoice_xml(
            after_status="<salesinvoiceourreference>Ours</salesinvoiceourreference><salesinvoiceyourreference>Yours</salesinvoiceyourreference>"
        ),
    )
    edit = invoice_xml(after_status="<salesinvoiceourreference></salesinvoiceourreference>")
    assert env.post(f"/salesinvoice.nv?method=edit&id={key}", edit).ok
    header = env.company.sales_invoices[key].header
    assert "salesinvoiceourreference" not in header
    assert header["salesinvoiceyourreference"] == "Yours"
    assert env.company.sales_invoices[key].number == "1"  # kept


def test_an_edit_of_an_unknown_invoice_or_without_method_is_refused(env: Env) -> None:
    assert "999" in refused(env, invoice_xml(), target="/salesinvoice.nv?method=edit&id=999")
    assert "method" in refused(env, invoice_xml(), target="/salesinvoice.nv")


def test_a_locked_period_refuses_documents_dated_in_it(env: Env) -> None:
    env.sb.lock_period(env.creds["organisation_id"], date(2026, 2, 28))
    assert refused(env, invoice_xml(date="2026-02-28"), "PERIOD_LOCK")
    assert add(env, invoice_xml(date="2026-03-01"))
