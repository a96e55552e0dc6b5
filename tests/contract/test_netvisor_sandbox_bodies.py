"""Request bodies (reference netvisor.md §1, §4, §8.1, §8.2 items 6 and 7): syntax, encodings,
case-insensitive names, decimals, DTD order, required and non-empty elements, enumerations."""

from __future__ import annotations

import pytest
from netvisor_sandbox_support import Env, invoice_xml, make_env, product_line


@pytest.fixture
def env() -> Env:
    return make_env()


def add(env: Env, body: str | bytes, **options: object) -> object:
    return env.post("/salesinvoice.nv?method=add", body, **options)  # type: ignore[arg-type]


def refusal(env: Env, body: str | bytes, **options: object) -> str:
    answer = env.post("/salesinvoice.nv?method=add", body, **options)  # type: ignore[arg-type]
    assert answer.code == "INVALID_DATA", answer.statuses
    return answer.text


def test_a_declaration_or_cdata_is_refused_by_default(env: Env) -> None:
    declared = '<?xml version="1.0" encoding="utf-8"?>' + invoice_xml()
    assert "declaration" in refusal(env, declared)
    cdata = invoice_xml(
        after_status="<salesinvoiceourreference><![CDATA[x]]></salesinvoiceourreference>"
    )
    assert "CDATA" in refusal(env, cdata)
    env.sb.switches.update({"refuse_xml_declaration": False})
    assert env.post("/salesinvoice.nv?method=add", declared).ok


def test_the_body_must_be_xml_under_root(env: Env) -> None:
    assert "well-formed" in refusal(env, "salesinvoicedate=2026-03-02")
    assert "<root>" in refusal(env, invoice_xml().replace("root>", "document>"))
    assert "no XML body" in refusal(env, "")


def test_names_are_case_insensitive(env: Env) -> None:
    body = (
        invoice_xml()
        .replace("salesinvoicedate", "SalesInvoiceDate")
        .replace('type="customer"', 'TYPE="customer"')
    )
    body = body.replace("<root>", "<Root>").replace("</root>", "</ROOT>")
    assert env.post("/salesinvoice.nv?method=add", body).ok


def test_latin_9_and_utf8_bodies(env: Env) -> None:
    text = invoice_xml(after_status="<salesinvoiceourreference>Päivi €</salesinvoiceourreference>")
    latin = env.post(
        "/salesinvoice.nv?method=add", text.encode("iso-8859-15"), content_type="text/plain"
    )
    declared = env.post(
        "/salesinvoice.nv?method=add",
        text.encode("iso-8859-15"),
        content_type="text/xml; charset=ISO-8859-15",
    )
    utf8 = env.post("/salesinvoice.nv?method=add", text)
    for answer in (latin, declared, utf8):
        assert answer.ok, answer.statuses
        assert (
            env.company.sales_invoices[answer.inserted].header["salesinvoiceourreference"]
            == "Päivi €"
        )


def test_comma_and_dot_decimals(env: Env) -> None:
    comma = add(env, invoice_xml(lines=product_line(price="10,50")))
    dot = add(env, invoice_xml(lines=product_line(price="10.50")))
    invoices = env.company.sales_invoices
    assert invoices[comma.inserted].amount == invoices[dot.inserted].amount  # type: ignore[attr-defined]
    assert "not a number" in refusal(env, invoice_xml(lines=product_line(price="10,50 €")))


def test_elements_must_be_in_dtd_order(env: Env) -> None:
    """KIS 2024-08-14: the due date must follow the event date."""
    body = invoice_xml(
        extra_header=(
            '<salesinvoiceduedate format="ansi">2026-03-20</salesinvoiceduedate>'
            '<salesinvoiceeventdate format="ansi">2026-03-01</salesinvoiceeventdate>'
        )
    )
    assert "out of order" in refusal(env, body)
    line = product_line(
        extra="<productunitname>kpl</productunitname><salesinvoiceproductlinefreetext>x</salesinvoiceproductlinefreetext>"
    )
    assert "out of order" in refusal(env, invoice_xml(lines=line))


def test_required_elements_must_be_present_and_not_empty(env: Env) -> None:
    assert "<salesinvoicestatus>" in refusal(
        env,
        invoice_xml().replace(
            '<salesinvoicestatus type="netvisor">unsent</salesinvoicestatus>', ""
        ),
    )
    assert "is empty" in refusal(env, invoice_xml(status=""))
    assert "is empty" in refusal(env, invoice_xml(lines=product_line(quantity="")))
    assert "<invoiceline>" in refusal(env, invoice_xml(lines=" "))


def test_an_empty_or_zero_total_is_the_one_allowed_empty_mandatory_element(env: Env) -> None:
    for amount in ("", "0", "0,00"):
        answer = add(env, invoice_xml(amount=amount))
        assert answer.ok  # type: ignore[attr-defined]


def test_unknown_elements_are_refused(env: Env) -> None:
    assert "unknown element <salesinvoicecolour>" in refusal(
        env, invoice_xml(after_status="<salesinvoicecolour>red</salesinvoicecolour>")
    )
    assert "only once" in refusal(
        env,
        invoice_xml(
            after_status="<salesinvoiceourreference>a</salesinvoiceourreference>"
            "<salesinvoiceourreference>b</salesinvoiceourreference>"
        ),
    )


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (invoice_xml(lines=product_line().replace('vatcode="KOMY"', 'vatcode="ALV24"')), "vatcode"),
        (invoice_xml(lines=product_line(kind="sku")), "type"),
        (invoice_xml(lines=product_line(price_type="brutto")), "type"),
        (invoice_xml().replace('type="customer">C-1', 'type="code">C-1'), "type"),
        (invoice_xml().replace('iso4217currencycode="EUR"', 'pricetype="gross"'), "pricetype"),
        (invoice_xml(status="paid"), "salesinvoicestatus"),
        (invoice_xml(status="unsent", invoice_type="order"), "salesinvoicestatus"),
        (invoice_xml(invoice_type="creditnote"), "invoicetype"),
        (invoice_xml().replace('type="customer">C-1', ">C-1"), "needs the attribute type"),
    ],
)
def test_enumerations_are_enforced(env: Env, body: str, says: str) -> None:
    assert says in refusal(env, body)


def test_statuses_depend_on_the_invoice_type(env: Env) -> None:
    assert add(env, invoice_xml(status="delivered", invoice_type="order")).ok  # type: ignore[attr-defined]
    assert add(env, invoice_xml(status="open", invoice_type="invoice")).ok  # type: ignore[attr-defined]


def test_the_country_code_type_is_not_checked(env: Env) -> None:
    """§8.2 item 7: the vendor example itself writes ``type="ISO-3316"``."""
    body = invoice_xml(
        before_lines='<invoicingcustomercountrycode type="ISO-3316">FI'
        "</invoicingcustomercountrycode>"
        "<paymenttermnetdays>14</paymenttermnetdays>"
    )
    assert add(env, body).ok  # type: ignore[attr-defined]
