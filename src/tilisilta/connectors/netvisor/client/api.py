"""The Netvisor calls the hub makes, one method each, over the shared HTTP client.

Every attempt is signed afresh (a new transaction id; a replayed one is refused) and holds the
company's lock, so no two requests to one Netvisor company overlap, across threads and
processes (reference §4: overlapping messages cause errors).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import httpx

from tilisilta.clock import Clock
from tilisilta.connectors.netvisor.client.auth import Credentials, signed_headers
from tilisilta.connectors.netvisor.client.wire import (
    TRANSIENT_CODES,
    Element,
    NetvisorRefused,
    NotXml,
    Row,
    T,
    body,
    child,
    date_of,
    decimal_of,
    descend,
    node,
    parse,
    parse_list,
    rows,
    text,
    tree,
)
from tilisilta.http.client import HttpClient
from tilisilta.http.errors import AmbiguousOutcome, TransientFailure
from tilisilta.http.retry import RetryPolicy

PAGE = 500  # rows per list call (reference §4)
FILES_PAGE = 50  # purchase invoices a call when their attachments come along
MAX_CUSTOMER_CODES = 100
MAX_PRODUCT_CODES = 400
READ_TRIES = 3


@dataclass(frozen=True)
class SalesInvoiceRow:
    netvisor_key: str
    number: str | None
    invoice_date: date | None
    status: str | None
    substatus: str | None
    customer_code: str | None
    reference: str | None
    total: Decimal | None
    open_sum: Decimal | None


@dataclass(frozen=True)
class SalesPaymentRow:
    netvisor_key: str
    payment_date: date | None
    amount: Decimal | None
    invoice_number: str | None
    reference: str | None
    name: str | None
    bank_status: str | None


class NetvisorClient:
    def __init__(
        self,
        base_url: str,
        credentials: Credentials,
        *,
        clock: Clock,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 120.0,
        serializer: Callable[[], AbstractContextManager[object]] | None = None,
    ) -> None:
        self.credentials = credentials
        self.clock = clock
        self.http = HttpClient(
            base_url,
            clock=clock,
            transport=transport,
            timeout=timeout,
            policy=RetryPolicy(),
            secrets=lambda: (credentials.customer_key, credentials.partner_key),
            signer=self._sign,
            serializer=serializer,
        )

    def close(self) -> None:
        self.http.close()

    def _sign(self, request: httpx.Request) -> None:
        request.headers.update(signed_headers(self.credentials, str(request.url), self.clock.now()))

    # -- transport ------------------------------------------------------------------------
    def get(self, resource: str, params: dict[str, str] | None = None) -> Element:
        """A read: retried on Netvisor's transient failures, which change nothing."""
        return self._read(resource, params, parse)

    def get_list(
        self, resource: str, params: dict[str, str], path: Sequence[str], take: Callable[[Row], T]
    ) -> list[T]:
        """A read of a list, what ``take`` makes of each row, the rows dropped as they are
        read (:func:`parse_list`); retried as :meth:`get` is."""
        return self._read(resource, params, lambda content: parse_list(content, path, take))

    def _read(self, resource: str, params: dict[str, str] | None, read: Callable[[bytes], T]) -> T:
        for attempt in range(1, READ_TRIES + 1):
            response = self.http.send("GET", f"/{resource}", repeatable=True, params=params)
            try:
                return read(self._content(resource, response))
            except NetvisorRefused as exc:
                if exc.code not in TRANSIENT_CODES or attempt == READ_TRIES:
                    raise
            except NotXml as exc:
                if attempt == READ_TRIES:
                    raise TransientFailure(str(exc)) from None
            self.clock.sleep(attempt)
        raise AssertionError("unreachable")

    def post(self, resource: str, params: dict[str, str], content: bytes | None) -> Element:
        """A write, sent once: a transient failure may or may not have been applied."""
        response = self.http.send(
            "POST",
            f"/{resource}",
            repeatable=False,
            params=params,
            content=content,
            headers={"Content-Type": "text/xml; charset=utf-8"} if content else None,
        )
        try:
            return parse(self._content(resource, response))
        except NetvisorRefused as exc:
            if exc.code in TRANSIENT_CODES:
                raise AmbiguousOutcome(f"POST {resource}: Netvisor answered {exc.message}") from exc
            raise
        except NotXml as exc:
            raise AmbiguousOutcome(f"POST {resource}: {exc}") from None

    @staticmethod
    def _content(resource: str, response: httpx.Response) -> bytes:
        if response.status_code == 404:
            raise NetvisorRefused("NOT_FOUND", f"Netvisor has no resource {resource}")
        if response.status_code >= 500:
            raise NotXml(f"server error {response.status_code}")
        return response.content

    # -- sales invoices -------------------------------------------------------------------
    def sales_invoices(
        self,
        *,
        begin: date | None = None,
        end: date | None = None,
        number: str | None = None,
    ) -> Iterator[SalesInvoiceRow]:
        """The company's sales invoices, ascending by NetvisorKey, a page of 500 at a time."""
        above = "0"
        while True:
            params = {"invoicesabovenetvisorkey": above}
            if begin:
                params["begininvoicedate"] = begin.isoformat()
            if end:
                params["endinvoicedate"] = end.isoformat()
            if number:
                params["invoicenumber"] = number
            page = [
                _invoice_row(r)
                for r in rows(
                    self.get("salesinvoicelist.nv", params), "SalesInvoiceList", "SalesInvoice"
                )
            ]
            yield from page
            if len(page) < PAGE:
                return
            above = max(page, key=lambda r: int(r.netvisor_key)).netvisor_key

    def get_sales_invoice(self, netvisor_key: str) -> Element | None:
        """The invoice, or None when Netvisor has no such key (it answers an empty element)."""
        invoice = child(
            self.get("getsalesinvoice.nv", {"netvisorkey": netvisor_key}), "SalesInvoice"
        )
        return invoice if invoice is not None and len(invoice) else None

    def add_sales_invoice(self, content: bytes) -> str:
        """Add the invoice whose request body (``wire.body``) the caller keeps as sent."""
        return _inserted(self.post("salesinvoice.nv", {"method": "add"}, content))

    def match_credit_note(self, credit_note_key: str, invoice_key: str) -> None:
        match = tree(
            "matchcreditnote",
            [
                node("creditnotenetvisorkey", credit_note_key),
                node("invoicenetvisorkey", invoice_key),
            ],
        )
        self.post("matchcreditnote.nv", {}, body(match))

    # -- customers and products -----------------------------------------------------------
    def customers_by_code(self, codes: Sequence[str]) -> dict[str, str]:
        """Customer code → NetvisorKey for the codes Netvisor has, 100 codes a call."""
        found: dict[str, str] = {}
        for start in range(0, len(codes), MAX_CUSTOMER_CODES):
            chunk = codes[start : start + MAX_CUSTOMER_CODES]
            root = self.get("customerlist.nv", {"customercodelist": ",".join(chunk)})
            for row in rows(root, "Customerlist", "Customer"):
                code, key = row.get("Code"), row.get("Netvisorkey")
                if code and key and code in chunk:
                    found.setdefault(code, key)
        return found

    def add_customer(self, document: Element) -> str:
        return _inserted(self.post("customer.nv", {"method": "add"}, body(document)))

    def products_by_code(self, codes: Sequence[str]) -> dict[str, str]:
        """Product code → NetvisorKey for the codes Netvisor has, 400 codes a call."""
        found: dict[str, str] = {}
        for start in range(0, len(codes), MAX_PRODUCT_CODES):
            chunk = codes[start : start + MAX_PRODUCT_CODES]
            root = self.get("getproduct.nv", {"codelist": ",".join(chunk)})
            for product in root.iter():
                if product.tag.lower() != "product":
                    continue
                base = child(product, "ProductBaseInformation")
                code, key = text(base, "ProductCode"), text(base, "NetvisorKey")
                if code and key and code in chunk:
                    found.setdefault(code, key)
        return found

    def add_product(self, document: Element) -> str:
        return _inserted(self.post("product.nv", {"method": "add"}, body(document)))

    # -- payments -------------------------------------------------------------------------
    def sales_payments(
        self,
        *,
        begin: date | None = None,
        end: date | None = None,
        invoice_number: str | None = None,
    ) -> list[SalesPaymentRow]:
        params: dict[str, str] = {}
        if begin:
            params["begindate"] = begin.isoformat()
        if end:
            params["enddate"] = end.isoformat()
        if invoice_number:
            params["invoicenumber"] = invoice_number
        path = ("SalesPaymentList", "SalesPayment")
        return self.get_list("salespaymentlist.nv", params, path, _payment_row)

    # -- purchase invoices ----------------------------------------------------------------
    def purchase_invoice_keys(
        self, *, begin: date, end: date, approval: str | None = None
    ) -> list[str]:
        """The NetvisorKeys of purchase invoices dated in the period (``approval``: "open" is
        in factual verification, "approved", "accepted")."""
        params = {"begininvoicedate": begin.isoformat(), "endinvoicedate": end.isoformat()}
        if approval:
            params["invoicestatus"] = approval
        path = ("PurchaseInvoiceList", "PurchaseInvoice")
        keys = self.get_list("purchaseinvoicelist.nv", params, path, lambda r: r.get("NetvisorKey"))
        return [k for k in keys if k]

    def purchase_invoices(self, keys: Sequence[str], *, attachments: bool) -> list[Element]:
        """The invoices themselves; unknown keys are left out."""
        pages = self.purchase_invoice_pages(keys, attachments=attachments)
        return [element for page in pages for element in page]

    def purchase_invoice_pages(
        self, keys: Sequence[str], *, attachments: bool
    ) -> Iterator[list[Element]]:
        """The invoices a call at a time (500 keys, or 50 with their files, so that one page's
        attachments stay small in memory); unknown keys are left out."""
        size = FILES_PAGE if attachments else PAGE
        for start in range(0, len(keys), size):
            params = {"netvisorkeylist": ",".join(keys[start : start + size])}
            if not attachments:
                params["omitattachments"] = "true"
            root = self.get("getpurchaseinvoice.nv", params)
            yield [
                e
                for e in root.iter()
                if e.tag.lower() == "purchaseinvoice"
                and child(e, "PurchaseInvoiceNetvisorKey") is not None
            ]


def _inserted(root: Element) -> str:
    key = text(descend(root, "Replies"), "InsertedDataIdentifier")
    if key is None:
        raise NotXml("Netvisor's answer to an add names no InsertedDataIdentifier")
    return key


def _invoice_row(row: Row) -> SalesInvoiceRow:
    return SalesInvoiceRow(
        netvisor_key=row.get("NetvisorKey") or "",
        number=row.get("InvoiceNumber"),
        invoice_date=date_of(row.get("Invoicedate")),
        status=(row.get("InvoiceStatus") or "").lower() or None,
        substatus=row.attribute("InvoiceStatus", "substatus"),
        customer_code=row.get("CustomerCode"),
        reference=row.get("ReferenceNumber"),
        total=decimal_of(row.get("InvoiceSum")),
        open_sum=decimal_of(row.get("OpenSum")),
    )


def _payment_row(row: Row) -> SalesPaymentRow:
    return SalesPaymentRow(
        netvisor_key=row.get("NetvisorKey") or "",
        payment_date=date_of(row.get("Date")),
        amount=decimal_of(row.get("Sum")),
        invoice_number=row.get("InvoiceNumber"),
        reference=row.get("ReferenceNumber"),
        name=row.get("Name"),
        bank_status=row.get("BankStatus"),
    )
