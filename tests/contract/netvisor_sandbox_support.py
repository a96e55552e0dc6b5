"""Helpers for the Netvisor sandbox contract tests (no tests here): an in-process client that
signs its requests itself (independently of the sandbox's own MAC code) and reads answers."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

from tilisilta.clock import ManualClock
from tilisilta.sandbox.common.transport import SyncASGITransport
from tilisilta.sandbox.netvisor import NetvisorSandbox

BASE_URL = "http://netvisor.test"
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # 11:00 in Helsinki
_counter = itertools.count(1)


def sign(
    scheme: str,
    url: str,
    headers: dict[str, str],
    customer_key: str,
    partner_key: str,
) -> str:
    """The MAC as reference netvisor.md §2 describes it, written here a second time."""
    parts = [
        url,
        headers["X-Netvisor-Authentication-Sender"],
        headers["X-Netvisor-Authentication-CustomerId"],
        headers["X-Netvisor-Authentication-Timestamp"],
        headers["X-Netvisor-Interface-Language"],
        headers["X-Netvisor-Organisation-ID"],
        headers["X-Netvisor-Authentication-TransactionId"],
    ]
    if scheme == "HMACSHA256":
        parts.append(headers["X-Netvisor-Authentication-TimestampUnix"])
    parts += [customer_key, partner_key]
    message = "&".join(parts).encode("latin-1")
    if scheme == "HMACSHA256":
        key = f"{customer_key}&{partner_key}".encode("latin-1")
        return hmac.new(key, message, hashlib.sha256).hexdigest()
    if scheme == "SHA256":
        return hashlib.sha256(message).hexdigest()
    return hashlib.md5(message).hexdigest()


@dataclass
class Answer:
    response: httpx.Response
    root: ET.Element

    @property
    def ok(self) -> bool:
        return [s.text for s in self.root.iter("Status")][:1] == ["OK"]

    @property
    def statuses(self) -> list[str]:
        return [s.text or "" for s in self.root.iter("Status")]

    @property
    def code(self) -> str | None:
        statuses = self.statuses
        if statuses[:1] != ["FAILED"]:
            return None
        return statuses[1].split(" :: ", 1)[0]

    @property
    def text(self) -> str:
        return self.statuses[1].split(" :: ", 1)[1]

    def find(self, path: str) -> ET.Element | None:
        return self.root.find(path)

    def value(self, path: str) -> str | None:
        found = self.root.find(path)
        return None if found is None else (found.text or "")

    @property
    def inserted(self) -> int:
        key = self.value("Replies/InsertedDataIdentifier")
        assert key, self.response.text
        return int(key)


@dataclass
class Env:
    sb: NetvisorSandbox
    clock: ManualClock
    http: httpx.Client
    creds: dict[str, str]
    sent: list[str] = field(default_factory=list)

    @property
    def company(self) -> Any:
        return self.sb.companies[self.creds["organisation_id"]]

    def headers(
        self,
        url: str,
        *,
        scheme: str = "HMACSHA256",
        language: str = "EN",
        transaction: str | None = None,
        creds: dict[str, str] | None = None,
        unix: int | None = None,
        signed_headers: dict[str, str] | None = None,
        upper_mac: bool = False,
    ) -> dict[str, str]:
        """Signed headers; ``signed_headers`` replace values before signing."""
        c = creds or self.creds
        now = self.clock.now()
        headers = {
            "X-Netvisor-Authentication-Sender": "Tilisilta tests",
            "X-Netvisor-Authentication-CustomerId": c["customer_id"],
            "X-Netvisor-Authentication-PartnerId": c["partner_id"],
            "X-Netvisor-Authentication-Timestamp": now.strftime("%Y-%m-%d %H:%M:%S.000"),
            "X-Netvisor-Authentication-TransactionId": transaction or f"tx-{next(_counter)}",
            "X-Netvisor-Interface-Language": language,
            "X-Netvisor-Organisation-ID": c["organisation_id"],
        }
        if scheme == "HMACSHA256":
            stamp = int(now.timestamp()) if unix is None else unix
            headers["X-Netvisor-Authentication-TimestampUnix"] = str(stamp)
        if scheme != "MD5":
            headers["X-Netvisor-Authentication-MACHashCalculationAlgorithm"] = scheme
        headers.update(signed_headers or {})
        mac = sign(scheme, url, headers, c["customer_key"], c["partner_key"])
        headers["X-Netvisor-Authentication-MAC"] = mac.upper() if upper_mac else mac
        return headers

    def call(
        self,
        method: str,
        target: str,
        body: str | bytes | None = None,
        *,
        sign_url: str | None = None,
        extra: dict[str, str] | None = None,
        drop: tuple[str, ...] = (),
        content_type: str = "text/plain; charset=utf-8",
        **options: Any,
    ) -> Answer:
        """``target`` is the path and query exactly as sent (e.g. ``/getproduct.nv?id=1``)."""
        url = BASE_URL + target
        headers = self.headers(sign_url or url, **options)
        for name in drop:
            headers.pop(name)
        headers.update(extra or {})
        content = body.encode("utf-8") if isinstance(body, str) else body
        if content is not None:
            headers["Content-Type"] = content_type
        request = self.http.build_request(method, url, headers=headers, content=content)
        self.sent.append(str(request.url))
        response = self.http.send(request)
        return Answer(response, ET.fromstring(response.content))

    def get(self, target: str, **options: Any) -> Answer:
        return self.call("GET", target, **options)

    def post(self, target: str, body: str | bytes | None, **options: Any) -> Answer:
        return self.call("POST", target, body, **options)


def make_env(**switches: Any) -> Env:
    clock = ManualClock(START)
    sb, creds = NetvisorSandbox.with_demo_company(clock=clock)
    sb.switches.update(switches)
    http = httpx.Client(transport=SyncASGITransport(sb.app), base_url=BASE_URL)
    return Env(sb, clock, http, creds)


def invoice_xml(
    *,
    number: str | None = None,
    amount: str = "",
    status: str = "unsent",
    customer: str = "C-1",
    lines: str | None = None,
    extra_header: str = "",
    invoice_type: str | None = None,
    date: str = "2026-03-02",
    after_status: str = "",
    before_lines: str = "<paymenttermnetdays>14</paymenttermnetdays>",
) -> str:
    lines = lines or product_line()
    parts = ["<root><salesinvoice>"]
    if number is not None:
        parts.append(f"<salesinvoicenumber>{number}</salesinvoicenumber>")
    parts.append(f'<salesinvoicedate format="ansi">{date}</salesinvoicedate>')
    parts.append(extra_header)
    parts.append(f'<salesinvoiceamount iso4217currencycode="EUR">{amount}</salesinvoiceamount>')
    if invoice_type:
        parts.append(f"<invoicetype>{invoice_type}</invoicetype>")
    parts.append(f'<salesinvoicestatus type="netvisor">{status}</salesinvoicestatus>')
    parts.append(after_status)
    parts.append(
        f'<invoicingcustomeridentifier type="customer">{customer}</invoicingcustomeridentifier>'
    )
    parts.append(before_lines)
    parts.append(f"<invoicelines>{lines}</invoicelines>")
    parts.append("</salesinvoice></root>")
    return "".join(parts)


def product_line(
    code: str = "KAHVI",
    price: str = "10,00",
    quantity: str = "2",
    vat: str = "25,5",
    extra: str = "",
    price_type: str = "net",
    kind: str = "customer",
) -> str:
    return (
        "<invoiceline><salesinvoiceproductline>"
        f'<productidentifier type="{kind}">{code}</productidentifier>'
        f"<productname>Tuote {code}</productname>"
        f'<productunitprice type="{price_type}">{price}</productunitprice>'
        f'<productvatpercentage vatcode="KOMY">{vat}</productvatpercentage>'
        f"<salesinvoiceproductlinequantity>{quantity}</salesinvoiceproductlinequantity>"
        f"{extra}"
        "</salesinvoiceproductline></invoiceline>"
    )
