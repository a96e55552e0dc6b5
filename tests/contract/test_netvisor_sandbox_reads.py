"""Reads (reference netvisor.md §3, §4, §8.1, §8.2 items 12, 13, 16 and 18): unknown keys, id
list caps, salesinvoicelist filters and paging, registers, purchase invoices."""

from __future__ import annotations

from datetime import timedelta

import pytest
from netvisor_sandbox_support import Env, invoice_xml, make_env

from tilisilta.sandbox.netvisor.state import SalesInvoice


@pytest.fixture
def env() -> Env:
    return make_env()


def add(env: Env, body: str | None = None) -> int:
    answer = env.post("/salesinvoice.nv?method=add", body or invoice_xml())
    assert answer.ok, answer.statuses
    return answer.inserted


def keys(answer: object, path: str = "SalesInvoiceList/SalesInvoice/NetvisorKey") -> list[int]:
    return [int(e.text or 0) for e in answer.root.findall(path)]  # type: ignore[attr-defined]


def test_unknown_keys(env: Env) -> None:
    """OK with an empty element, except getcustomer (INVALID_DATA)."""
    for target, tag in (
        ("/getsalesinvoice.nv?netvisorkey=999", "SalesInvoice"),
        ("/getproduct.nv?id=999", "Product"),
        ("/getpurchaseinvoice.nv?netvisorkey=999", "PurchaseInvoice"),
    ):
        answer = env.get(target)
        assert answer.ok and len(answer.find(tag)) == 0, target  # type: ignore[arg-type]
    missing = env.get("/getcustomer.nv?id=123")
    assert missing.statuses[1] == (
        "INVALID_DATA :: Data form incorrect:. Customer not found with Netvisor identifier: 123"
    )  # HEL GetCustomerNotFound.xml
    edit = env.post(
        "/customer.nv?method=edit&id=999",
        "<root><customer><customerbaseinformation><name>X</name></customerbaseinformation></customer></root>",
    )
    assert edit.code == "INVALID_DATA"


@pytest.mark.parametrize(
    ("target", "limit"),
    [
        ("/getsalesinvoice.nv?netvisorkeylist=", 500),
        ("/getcustomer.nv?idlist=", 500),
        ("/getpurchaseinvoice.nv?netvisorkeylist=", 500),
        ("/getproduct.nv?idlist=", 400),
        ("/getproduct.nv?codelist=", 400),
        ("/customerlist.nv?customercodelist=", 100),
    ],
)
def test_id_lists_are_capped(env: Env, target: str, limit: int) -> None:
    assert (
        env.get(target + ",".join(str(i) for i in range(1, limit + 1))).code != "INVALID_DATA_SIZE"
    )
    over = env.get(target + ",".join(str(i) for i in range(1, limit + 2)))
    assert over.code == "INVALID_DATA_SIZE"


def test_the_list_pages_500_rows_by_netvisor_key(env: Env) -> None:
    template = env.company.sales_invoices[add(env)]
    for key in range(2, 1202):  # 1201 invoices in all, made directly for speed
        env.company.sales_invoices[key] = SalesInvoice(
            **{**template.__dict__, "key": key, "number": str(key)}
        )
    first = keys(env.get("/salesinvoicelist.nv"))
    assert len(first) == 500 and first == sorted(first) and first[0] == 1
    second = keys(env.get(f"/salesinvoicelist.nv?invoicesabovenetvisorkey={first[-1]}"))
    assert second[0] == 501 and len(second) == 500  # strictly above the cursor
    third = keys(env.get("/SalesInvoiceList.nv?InvoicesAboveNetvisorKey=1000"))
    assert len(third) == 201


def test_date_bounds_are_inclusive_and_status_matches_substatus(env: Env) -> None:
    early = add(env, invoice_xml(date="2026-01-10", status="open"))
    late = add(env, invoice_xml(date="2026-02-10"))
    got = keys(
        env.get("/salesinvoicelist.nv?begininvoicedate=2026-01-10&endinvoicedate=2026-02-10")
    )
    assert got == [early, late]
    assert keys(env.get("/salesinvoicelist.nv?endinvoicedate=2026-02-09")) == [early]
    # early is open and past its due date: overdue is its substatus
    overdue = env.get("/salesinvoicelist.nv?invoicestatus=overdue")
    assert keys(overdue) == [early]
    assert overdue.find("SalesInvoiceList/SalesInvoice/InvoiceStatus").get("substatus") == "overdue"  # type: ignore[union-attr]
    assert keys(env.get("/salesinvoicelist.nv?invoicestatus=open")) == [early]
    assert keys(env.get("/salesinvoicelist.nv?invoicestatus=unsent")) == [late]
    assert env.get("/salesinvoicelist.nv?invoicestatus=late").code == "INVALID_DATA"


def test_last_modified_takes_a_date_or_a_date_and_time(env: Env) -> None:
    first = add(env)  # 11:00 Finnish time
    env.clock.advance(3600)
    second = add(env)  # 12:00
    assert keys(env.get("/salesinvoicelist.nv?lastmodifiedstart=2026-03-02T11:30:00")) == [second]
    assert keys(env.get("/salesinvoicelist.nv?lastmodifiedstart=2026-03-02%2011:30:00")) == [second]
    assert keys(env.get("/salesinvoicelist.nv?lastmodifiedstart=2026-03-02")) == [first, second]
    assert keys(env.get("/salesinvoicelist.nv?lastmodifiedend=2026-03-02T11:00:00")) == [first]
    assert env.get("/salesinvoicelist.nv?lastmodifiedstart=yesterday").code == "INVALID_DATA"


def test_modified_payments_bring_an_invoice_into_the_window(env: Env) -> None:
    key = add(env, invoice_xml(status="open", number="42"))
    env.clock.advance(86400)
    env.sb.add_bank_payment(
        env.creds["organisation_id"],
        env.company.sales_invoices[key].amount,
        env.clock.now().date(),
        invoice_number="42",
    )
    window = "lastmodifiedstart=2026-03-03"
    assert keys(env.get(f"/salesinvoicelist.nv?{window}")) == []
    listed = env.get(f"/salesinvoicelist.nv?{window}&includemodifiedpayments=1")
    assert keys(listed) == [key]
    assert listed.value("SalesInvoiceList/SalesInvoice/OpenSum") == "0,00"
    assert listed.value("SalesInvoiceList/SalesInvoice/InvoiceStatus") == "paid"


def test_answers_use_netvisors_formats(env: Env) -> None:
    key = add(env, invoice_xml(amount="1234,5"))
    row = env.get("/salesinvoicelist.nv")
    assert row.value("SalesInvoiceList/SalesInvoice/InvoiceSum") == "1234,50"
    assert row.find("SalesInvoiceList/SalesInvoice/Invoicedate").get("format") == "ansi"  # type: ignore[union-attr]
    fi = env.get(f"/getsalesinvoice.nv?netvisorkey={key}", language="FI")
    se = env.get(f"/getsalesinvoice.nv?netvisorkey={key}", language="SE")
    en = env.get(f"/getsalesinvoice.nv?netvisorkey={key}", language="EN")
    assert fi.value("SalesInvoice/InvoiceStatus") == "Lähettämätön"
    assert en.value("SalesInvoice/InvoiceStatus") == "Unsent"
    assert fi.value("SalesInvoice/MatchPartialPaymentsByDefault") == "Ei"
    assert en.value("SalesInvoice/MatchPartialPaymentsByDefault") == "No"
    assert se.value("SalesInvoice/MatchPartialPaymentsByDefault") == "Nej"
    assert en.value("SalesInvoice/SalesInvoiceAmount") == "1234.50"  # the dot, as HEL shows
    assert (
        en.find("SalesInvoice/InvoiceLines/InvoiceLine/SalesInvoiceProductLine/productidentifier")
        is not None
    )


def test_customer_list_and_get(env: Env) -> None:
    rows = env.get("/customerlist.nv?keyword=asiakas")
    assert [e.text for e in rows.root.findall("Customerlist/Customer/Code")] == ["C-1"]
    assert rows.find("Customerlist/Customer/Netvisorkey") is not None
    by_code = env.get("/customerlist.nv?customercodelist=TEMP,C-2")
    assert [e.text for e in by_code.root.findall("Customerlist/Customer/Code")] == ["TEMP", "C-2"]
    added = env.post(
        "/customer.nv?method=add",
        '<root><customer><customerbaseinformation><internalidentifier type="automatic"/>'
        "<name>Uusi Oy</name></customerbaseinformation></customer></root>",
    )
    got = env.get(f"/getcustomer.nv?id={added.inserted}")
    assert got.value("Customer/CustomerBaseInformation/Name") == "Uusi Oy"
    duplicate = env.post(
        "/customer.nv?method=add",
        "<root><customer><customerbaseinformation><internalidentifier>C-1</internalidentifier>"
        "<name>Kopio</name></customerbaseinformation></customer></root>",
    )
    assert duplicate.code == "DUPLICATE_DATA"


def product_body(code: str) -> str:
    return (
        f"<root><product><productbaseinformation><productcode>{code}</productcode>"
        "<productgroup>Kirjat</productgroup><name>Kirja</name>"
        '<unitprice type="net">10,00</unitprice><isactive>1</isactive>'
        "<issalesproduct>1</issalesproduct></productbaseinformation></product></root>"
    )


def test_products_are_never_duplicated_and_are_listed(env: Env) -> None:
    assert env.post("/product.nv?method=add", product_body("UUSI")).ok
    answer = env.post("/product.nv?method=add", product_body("UUSI"))
    assert answer.code == "DUPLICATE_DATA" and "already exists in Netvisor" in answer.text
    codes = [
        e.text for e in env.get("/productlist.nv").root.findall("ProductList/Product/ProductCode")
    ]
    assert codes == ["ASENNUS", "KAHVI", "KIRJA", "UUSI"]
    by_codes = env.get("/getproduct.nv?codelist=KAHVI,NOPE")
    assert [e.text for e in by_codes.root.iter("ProductCode")] == ["KAHVI"]


def test_purchase_invoices_by_approval_state_with_attachments(env: Env) -> None:
    listing = env.get("/purchaseinvoicelist.nv?invoicestatus=open")  # in factual verification
    assert [e.text for e in listing.root.iter("InvoiceNumber")] == ["PI-1001"]
    assert [
        e.text
        for e in env.get("/purchaseinvoicelist.nv?invoicestatus=approved").root.iter(
            "InvoiceNumber"
        )
    ] == ["PI-1002"]
    assert env.get("/purchaseinvoicelist.nv?invoicestatus=new").code == "INVALID_DATA"
    full = env.get("/getpurchaseinvoice.nv?netvisorkey=1", language="FI")
    assert full.value("PurchaseInvoice/InvoiceStatus") == "Avoin"
    assert full.value("PurchaseInvoice/Attachments/Attachment/FileName") == "PI-1001.pdf"
    assert full.value("PurchaseInvoice/Attachments/Attachment/AttachmentBase64Data")
    bare = env.get("/getpurchaseinvoice.nv?netvisorkeylist=1,2,99&omitattachments=true")
    assert len(bare.root.findall("PurchaseInvoices/PurchaseInvoice")) == 2
    assert bare.find("PurchaseInvoices/PurchaseInvoice/Attachments") is None
    files = env.get("/getattachments.nv?attachmentsource=purchaseinvoice&netvisorkey=1")
    assert files.value("Attachments/Attachment/FileName") == "PI-1001.pdf"


def test_posting_data_only_from_open_with_the_right_sum(env: Env) -> None:
    def posting(key: int, line_sum: str) -> object:
        return env.post(
            "/purchaseinvoicepostingdata.nv",
            f"<root><purchaseinvoicepostingdata><purchaseinvoicenetvisorkey>{key}"
            "</purchaseinvoicenetvisorkey><isreadyforaccounting>1</isreadyforaccounting>"
            "<purchaseinvoicepostingline><productname>x</productname>"
            "<deliveredamount>1</deliveredamount><unitprice>1</unitprice>"
            f'<vatpercent>25,5</vatpercent><linesum type="gross">{line_sum}</linesum>'
            "</purchaseinvoicepostingline></purchaseinvoicepostingdata></root>",
        )

    assert posting(1, "100,00").code == "INVALID_DATA"  # type: ignore[attr-defined]  # total 100,40
    assert posting(2, "62,75").code == "INVALID_DATA"  # type: ignore[attr-defined]  # approved
    assert posting(1, "100,40").ok  # type: ignore[attr-defined]
    assert env.company.purchase_invoices[1].approval == "approved"
    assert posting(1, "100,40").code == "INVALID_DATA"  # type: ignore[attr-defined]


def test_invoice_list_filters_by_customer(env: Env) -> None:
    mine = add(env)
    add(env, invoice_xml(customer="C-2"))
    assert keys(env.get("/salesinvoicelist.nv?customercode=C-1")) == [mine]
    customer = env.company.customer_by("customer", "C-1")
    assert keys(env.get(f"/salesinvoicelist.nv?customernetvisorkey={customer.key}")) == [mine]
    assert keys(env.get("/salesinvoicelist.nv?invoicenumber=1")) == [mine]
    env.clock.advance(timedelta(days=1).total_seconds())
