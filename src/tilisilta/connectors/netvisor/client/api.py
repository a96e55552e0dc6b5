"""The Netvisor calls the hub makes, one method each, over the shared HTTP client.

Every attempt is signed afresh (a new transaction id; a replayed one is refused) and holds the
company's lock, so no two requests to one Netvisor company overlap, across threads and
processes (reference §4: overlapping messages cause errors).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import partial
from itertools import islice
from typing import IO, Generic, TypeVar

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
    Wanted,
    at_path,
    body,
    child,
    count,
    date_of,
    decimal_of,
    descend,
    elements,
    node,
    parse,
    rows,
    text,
    tree,
)
from tilisilta.http.client import HttpClient
from tilisilta.http.errors import AmbiguousOutcome, TransientFailure
from tilisilta.http.retry import RetryPolicy

PAGE = 500  # rows per list call, keys per read of a list of keys (reference §4)
MAX_CUSTOMER_CODES = 100
MAX_PRODUCT_CODES = 400
READ_TRIES = 3
V = TypeVar("V")


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
        return self._read(resource, params, lambda answer: parse(answer.read()))

    def _read(
        self, resource: str, params: dict[str, str] | None, read: Callable[[IO[bytes]], T]
    ) -> T:
        with self._answer(resource, params, read) as (value, _answer):
            return value

    @contextmanager
    def _listed(
        self,
        resource: str,
        params: dict[str, str],
        wanted: Wanted,
        take: Callable[[Element], T],
    ) -> Iterator[ListAnswer[T]]:
        """A list answer, received into a file and read through once (so that it is known to
        be whole, and how many rows it has), its rows then read from the file as they are used,
        within the block: a list of any length costs one row's memory."""
        checked = partial(count, wanted=wanted)
        with self._answer(resource, params, checked) as (found, answer):
            yield ListAnswer(found, answer, wanted, take)

    @contextmanager
    def _answer(
        self, resource: str, params: dict[str, str] | None, read: Callable[[IO[bytes]], T]
    ) -> Iterator[tuple[T, IO[bytes]]]:
        """The answer, received into a file, and what ``read`` made of it; the read is retried
        on Netvisor's transient failures, which change nothing. The file is open for the block
        (to be read again, as a stream), closed after it."""
        for attempt in range(1, READ_TRIES + 1):
            with self.http.receive(f"/{resource}", params=params) as received:
                try:
                    _check_status(resource, received.response)
                    value = read(received.body)
                except NetvisorRefused as exc:
                    if exc.code not in TRANSIENT_CODES or attempt == READ_TRIES:
                        raise
                except NotXml as exc:
                    if attempt == READ_TRIES:
                        raise TransientFailure(str(exc)) from None
                else:
                    yield value, received.body
                    return
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
            _check_status(resource, response)
            return parse(response.content)
        except NetvisorRefused as exc:
            if exc.code in TRANSIENT_CODES:
                raise AmbiguousOutcome(f"POST {resource}: Netvisor answered {exc.message}") from exc
            raise
        except NotXml as exc:
            raise AmbiguousOutcome(f"POST {resource}: {exc}") from None

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
        with self.sales_payment_list(begin=begin, end=end, invoice_number=invoice_number) as rows:
            return list(rows)

    @contextmanager
    def sales_payment_list(
        self,
        *,
        begin: date | None = None,
        end: date | None = None,
        invoice_number: str | None = None,
    ) -> Iterator[ListAnswer[SalesPaymentRow]]:
        """The sales payments of a period (or of one invoice), one call, read from the received
        answer as they are used, within the block."""
        params: dict[str, str] = {}
        if begin:
            params["begindate"] = begin.isoformat()
        if end:
            params["enddate"] = end.isoformat()
        if invoice_number:
            params["invoicenumber"] = invoice_number
        wanted = at_path("SalesPaymentList", "SalesPayment")
        with self._listed("salespaymentlist.nv", params, wanted, _payment_row) as rows:
            yield rows

    # -- purchase invoices ----------------------------------------------------------------
    @contextmanager
    def purchase_invoice_list(
        self,
        *,
        begin: date,
        end: date,
        approval: str | None = None,
        modified_since: datetime | None = None,
    ) -> Iterator[ListAnswer[str]]:
        """The NetvisorKeys of purchase invoices dated in the period (``approval``: "open" is
        in factual verification, "approved", "accepted"; ``modified_since``: only those changed
        in Netvisor since then, Finnish time), read from the received answer as they are used,
        within the block."""
        params = {"begininvoicedate": begin.isoformat(), "endinvoicedate": end.isoformat()}
        if approval:
            params["invoicestatus"] = approval
        if modified_since:
            params["lastmodifiedstart"] = modified_since.isoformat(timespec="seconds")
        with self._listed("purchaseinvoicelist.nv", params, _keyed_row, _key) as keys:
            yield keys

    def purchase_invoices(self, keys: Iterable[str], *, attachments: bool) -> Iterator[Element]:
        """The invoices, 500 keys a call (Netvisor's most), with their files unless told not
        to. Each answer is received into a file, read through once to know it is whole, then
        handed out one invoice at a time: memory holds one invoice and its files, however many
        a call brings. Unknown keys are left out."""
        ahead = iter(keys)
        while chunk := list(islice(ahead, PAGE)):
            params = {"netvisorkeylist": ",".join(chunk)}
            if not attachments:
                params["omitattachments"] = "true"
            with self._listed("getpurchaseinvoice.nv", params, _purchase_invoice, _as_is) as read:
                yield from read


@dataclass(frozen=True)
class ListAnswer(Generic[T]):
    """The rows of a received list answer: how many, and each, as ``take`` makes it, read from
    the answer in turn."""

    count: int
    answer: IO[bytes]
    wanted: Wanted
    take: Callable[[Element], T]

    def __iter__(self) -> Iterator[T]:
        for row in elements(self.answer, self.wanted):
            yield self.take(row)


_purchase_invoice_row = at_path("PurchaseInvoiceList", "PurchaseInvoice")


def _as_is(element: Element) -> Element:
    return element


def _key(row: Element) -> str:
    return text(row, "NetvisorKey") or ""


def _keyed_row(ancestors: Sequence[Element], element: Element) -> bool:
    return _purchase_invoice_row(ancestors, element) and text(element, "NetvisorKey") is not None


def _purchase_invoice(ancestors: Sequence[Element], element: Element) -> bool:
    return (
        element.tag.lower() == "purchaseinvoice"
        and child(element, "PurchaseInvoiceNetvisorKey") is not None
    )


def _check_status(resource: str, response: httpx.Response) -> None:
    """Netvisor answers in XML with status 200; a 404 or a server error comes from in front."""
    if response.status_code == 404:
        raise NetvisorRefused("NOT_FOUND", f"Netvisor has no resource {resource}")
    if response.status_code >= 500:
        raise NotXml(f"server error {response.status_code}")


def _inserted(root: Element) -> str:
    key = text(descend(root, "Replies"), "InsertedDataIdentifier")
    if key is None:
        raise NotXml("Netvisor's answer to an add names no InsertedDataIdentifier")
    return key


def _unless_unreadable(read: Callable[[str | None], V | None], value: str | None) -> V | None:
    try:
        return read(value)
    except ValueError:
        return None


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


def _payment_row(element: Element) -> SalesPaymentRow:
    """A payment row; a sum or date that cannot be read is None, for the flow to report."""
    row = Row(element)
    return SalesPaymentRow(
        netvisor_key=row.get("NetvisorKey") or "",
        payment_date=_unless_unreadable(date_of, row.get("Date")),
        amount=_unless_unreadable(decimal_of, row.get("Sum")),
        invoice_number=row.get("InvoiceNumber"),
        reference=row.get("ReferenceNumber"),
        name=row.get("Name"),
        bank_status=row.get("BankStatus"),
    )
