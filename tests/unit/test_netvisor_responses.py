"""The Netvisor client reads the published response examples right, field by field."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from tilisilta.clock import ManualClock
from tilisilta.connectors.netvisor.client.api import NetvisorClient
from tilisilta.connectors.netvisor.client.auth import Credentials
from tilisilta.connectors.netvisor.client.wire import (
    NetvisorAuthFailed,
    NetvisorRefused,
    NotXml,
    at_path,
    body,
    descend,
    elements,
    node,
    parse,
    rows,
    text,
    tree,
)
from tilisilta.connectors.netvisor.mapping.purchases import purchase_invoice
from tilisilta.connectors.netvisor.options import MacScheme

RESPONSES = Path(__file__).parent.parent / "data" / "netvisor" / "heltti" / "responses"


@pytest.fixture
def served() -> Iterator[dict[str, str]]:
    """Resource → the example file it answers with; the requests seen are kept too."""
    answers: dict[str, str] = {}
    yield answers


def client(answers: dict[str, str], seen: list[httpx.Request] | None = None) -> NetvisorClient:
    def handle(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen.append(request)
        name = answers[request.url.path.strip("/")]
        return httpx.Response(200, content=(RESPONSES / name).read_bytes())

    credentials = Credentials(
        "Tilisilta", "c", "p", "0112038-9", "FI", "ck", "pk", MacScheme.HMACSHA256
    )
    return NetvisorClient(
        "https://isvapi.netvisor.fi",
        credentials,
        clock=ManualClock(),
        transport=httpx.MockTransport(handle),
    )


def test_the_sales_invoice_list(served: dict[str, str]) -> None:
    served["salesinvoicelist.nv"] = "SalesInvoiceList.xml"
    first, second = client(served).sales_invoices()
    assert first.netvisor_key == "165" and first.number == "5"
    assert first.invoice_date == date(2013, 11, 9)
    assert (first.status, first.substatus) == ("open", "overdue")
    assert first.customer_code == "MM" and first.reference == "1070"
    assert (first.total, first.open_sum) == (Decimal("123.45"), Decimal("45.67"))
    assert second.status == "unsent" and second.substatus is None
    assert second.customer_code is None  # <CustomerCode/>


def test_an_empty_list_and_an_unknown_invoice(served: dict[str, str]) -> None:
    served["salesinvoicelist.nv"] = "SalesInvoiceListEmpty.xml"
    served["getsalesinvoice.nv"] = "GetSalesInvoiceNotFound.xml"
    netvisor = client(served)
    assert list(netvisor.sales_invoices()) == []
    assert netvisor.get_sales_invoice("123") is None


def test_a_sales_invoice(served: dict[str, str]) -> None:
    served["getsalesinvoice.nv"] = "GetSalesInvoice.xml"
    invoice = client(served).get_sales_invoice("165")
    assert text(invoice, "SalesInvoiceNumber") == "3"
    assert text(invoice, "salesinvoicereferencenumber") == "1070"  # sent as ...Referencenumber
    assert text(invoice, "SalesInvoiceAmount") == "244.12"


def test_the_sales_payment_list(served: dict[str, str]) -> None:
    served["salespaymentlist.nv"] = "SalesPaymentList.xml"
    failed, ok = client(served).sales_payments()
    assert failed.netvisor_key == "165" and failed.payment_date == date(2014, 2, 7)
    assert failed.amount == Decimal("249.90") and failed.bank_status == "FAILED"
    assert (ok.invoice_number, ok.amount, ok.name) == ("2", Decimal("200"), "Assi Asiakas")
    assert ok.payment_date == date(2014, 3, 10) and ok.reference == "1106"


def test_customers_and_products_by_code(served: dict[str, str]) -> None:
    served["customerlist.nv"] = "CustomerList.xml"
    served["getproduct.nv"] = "GetProduct.xml"
    netvisor = client(served)
    # Only the codes asked for count: Netvisor's keyword search may answer more.
    assert netvisor.customers_by_code(["AA", "ZZ"]) == {"AA": "165"}
    assert netvisor.products_by_code(["CC"]) == {"CC": "165"}
    served["getproduct.nv"] = "GetProductNotFound.xml"
    assert netvisor.products_by_code(["CC"]) == {}


def test_an_add_answers_the_new_key(served: dict[str, str]) -> None:
    served["salesinvoice.nv"] = "SalesInvoiceCreate.xml"
    added = client(served).add_sales_invoice(body(tree("salesinvoice", [node("x", 1)])))
    assert added == "8"


def test_refusals_name_their_code(served: dict[str, str]) -> None:
    served["getcustomer.nv"] = "GetCustomerNotFound.xml"
    served["customerlist.nv"] = "AuthenticationFailed.xml"
    netvisor = client(served)
    with pytest.raises(NetvisorRefused) as refused:
        netvisor.get("getcustomer.nv", {"id": "123"})
    assert refused.value.code == "INVALID_DATA"
    assert refused.value.text.endswith("Customer not found with Netvisor identifier: 123")
    with pytest.raises(NetvisorAuthFailed) as auth:
        netvisor.customers_by_code(["AA"])
    assert auth.value.text == "Integraatiokumppania ei löydy, katso dokumentaatio"


LISTS = [
    ("SalesPaymentList.xml", ("SalesPaymentList", "SalesPayment")),
    ("PurchaseInvoiceList.xml", ("PurchaseInvoiceList", "PurchaseInvoice")),
    ("SalesInvoiceList.xml", ("SalesInvoiceList", "SalesInvoice")),
    ("CustomerList.xml", ("Customerlist", "Customer")),
]


@pytest.mark.parametrize(("name", "path"), LISTS)
def test_a_list_read_as_it_streams_is_the_list_read_whole(name: str, path: tuple[str, str]) -> None:
    content = (RESPONSES / name).read_bytes()
    whole = [ET.tostring(row.element) for row in rows(parse(content), *path)]
    assert whole
    streamed = [ET.tostring(e) for e in elements(io.BytesIO(content), at_path(*path))]
    assert streamed == whole


def test_a_list_answered_failed_or_not_xml_is_refused_as_a_whole_answer_is(
    served: dict[str, str],
) -> None:
    served["salespaymentlist.nv"] = "AuthenticationFailed.xml"
    with pytest.raises(NetvisorAuthFailed):
        client(served).sales_payments()
    path = ("PurchaseInvoiceList", "PurchaseInvoice")
    cut = (RESPONSES / "PurchaseInvoiceList.xml").read_bytes()[:-40]
    with pytest.raises(NotXml, match="not XML"):
        list(elements(io.BytesIO(cut), at_path(*path)))


def test_each_request_is_signed_over_the_url_as_sent(served: dict[str, str]) -> None:
    served["salesinvoicelist.nv"] = "SalesInvoiceListEmpty.xml"
    seen: list[httpx.Request] = []
    list(client(served, seen).sales_invoices(number="A/1"))
    list(client(served, seen).sales_invoices(number="A/1"))
    first, second = seen
    assert first.url.params["invoicenumber"] == "A/1"
    tx = "X-Netvisor-Authentication-TransactionId"
    assert first.headers[tx] != second.headers[tx]
    assert first.headers["X-Netvisor-Organisation-ID"] == "0112038-9"


def test_purchase_invoices_are_read_whole(served: dict[str, str]) -> None:
    served["purchaseinvoicelist.nv"] = "PurchaseInvoiceList.xml"
    served["getpurchaseinvoice.nv"] = "GetPurchaseInvoice.xml"
    netvisor = client(served)
    with netvisor.purchase_invoice_list(begin=date(2017, 1, 1), end=date(2017, 12, 31)) as keys:
        assert list(keys)[:2] == ["1", "2"] and keys.count == len(list(keys))
    [element] = netvisor.purchase_invoices(["1025"], attachments=True)
    invoice = purchase_invoice(element)
    assert (invoice.source_id, invoice.number) == ("1025", "152212")
    assert invoice.invoice_date == date(2018, 1, 2) and invoice.due_date == date(2018, 1, 31)
    assert invoice.total == Decimal("100.00") and invoice.currency == "EUR"
    assert invoice.approval == "open" and invoice.payment_reference == "011234"
    assert invoice.vendor.name == "Vendor Oy Ab" and invoice.vendor.business_id == "123456-7"
    assert invoice.vendor.customer_number == "12345"
    assert invoice.vendor.address.city == "Lappeenranta"
    first = invoice.lines[0]
    assert (first.gross_amount, first.net_amount) == (Decimal("125.25"), Decimal("102.66"))
    assert (first.vat_rate, first.vat_code, first.account) == (Decimal(22), "KOOS", "4000")
    assert first.product_code == "15243" and first.quantity == Decimal(10)
    served["getpurchaseinvoice.nv"] = "GetPurchaseInvoiceNotFound.xml"
    assert list(netvisor.purchase_invoices(["9"], attachments=False)) == []
    served["purchaseinvoicelist.nv"] = "PurchaseInvoiceListEmpty.xml"
    with netvisor.purchase_invoice_list(begin=date(2017, 1, 1), end=date(2017, 1, 2)) as keys:
        assert keys.count == 0 and list(keys) == []


@pytest.mark.parametrize(
    ("name", "path", "field", "value"),
    [
        ("AccountList.xml", ("AccountList", "CompanyDefaultAccounts"), "TradePayables", "2871"),
        ("AccountingLedger.xml", ("Vouchers", "Voucher"), "VoucherDate", "1.1.2000"),
        ("DimensionList.xml", ("DimensionNameList", "DimensionName"), "Name", "Hinnastoryhmä"),
        ("GetCustomer.xml", ("Customer", "CustomerBaseInformation"), "InternalIdentifier", "MM"),
        ("ProductList.xml", ("ProductList", "Product"), "ProductCode", "TT"),
        (
            "SalesInvoiceListPreinvoice.xml",
            ("SalesInvoiceList", "SalesInvoice"),
            "OpenSum",
            "45,67",
        ),
        ("GetSalesInvoiceList.xml", ("SalesInvoices", "SalesInvoice"), "SalesInvoiceNumber", "3"),
    ],
)
def test_every_other_example_reads(
    name: str, path: tuple[str, ...], field: str, value: str
) -> None:
    root = parse((RESPONSES / name).read_bytes())
    first = next(rows(root, *path))
    assert first.get(field) == value


@pytest.mark.parametrize("name", ["SalesInvoiceEdit.xml", "SalesInvoiceStatusUpdate.xml"])
def test_an_edit_answers_only_ok(name: str) -> None:
    root = parse((RESPONSES / name).read_bytes())
    assert text(descend(root, "ResponseStatus"), "Status") == "OK"


def test_every_example_is_covered() -> None:
    covered = {
        "AccountList.xml", "AccountingLedger.xml", "AuthenticationFailed.xml",
        "CustomerList.xml", "DimensionList.xml", "GetCustomer.xml", "GetCustomerNotFound.xml",
        "GetProduct.xml", "GetProductNotFound.xml", "GetPurchaseInvoice.xml",
        "GetPurchaseInvoiceNotFound.xml", "GetSalesInvoice.xml", "GetSalesInvoiceList.xml",
        "GetSalesInvoiceNotFound.xml", "ProductList.xml", "PurchaseInvoiceList.xml",
        "PurchaseInvoiceListEmpty.xml", "SalesInvoiceCreate.xml", "SalesInvoiceEdit.xml",
        "SalesInvoiceList.xml", "SalesInvoiceListEmpty.xml", "SalesInvoiceListPreinvoice.xml",
        "SalesInvoiceStatusUpdate.xml", "SalesPaymentList.xml",
    }  # fmt: skip
    assert {p.name for p in RESPONSES.iterdir()} == covered
