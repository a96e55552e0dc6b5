"""What Procountor refuses in an invoice's texts, checked before anything is sent.

Every text the hub puts into ``POST /invoices`` is listed here once, with Procountor's length
limit and where it comes from. Nothing is cut: a shortened customer name, address or reference
would print wrong on the invoice, so each over-long text is a data issue to fix in the ERP. The
same goes for characters outside Windows-1252 (emoji, CJK, most symbols), which Procountor
refuses with ``INVALID_CHARACTERS``. docs/procountor.md has the table.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from tilisilta.domain.documents import Invoice, InvoiceLine


@dataclass(frozen=True)
class TextField:
    """One text of ours that Procountor receives, and what Procountor allows in it."""

    field: str  # our field path; "lines[N]" is filled in per line
    procountor: str  # the field Procountor receives it in
    max_length: int | None  # None: no documented limit
    source: str
    value: Callable[[Invoice], str | None] | None = None
    line_value: Callable[[InvoiceLine], str | None] | None = None


INVOICE_TEXTS: tuple[TextField, ...] = (
    TextField("number", "originalInvoiceNumber", 40, "26.04 spec", value=lambda i: i.number),
    TextField(
        "customer.name",
        "counterPartyAddress.name",
        80,
        "26.04 spec, InvoiceCounterpartyAddress",
        value=lambda i: i.customer.name,
    ),
    TextField(
        "customer.address.street",
        "counterPartyAddress.street",
        80,
        "26.04 spec, InvoiceCounterpartyAddress",
        value=lambda i: i.customer.address.street,
    ),
    TextField(
        "customer.address.postal_code",
        "counterPartyAddress.zip",
        20,
        "26.04 spec, InvoiceCounterpartyAddress",
        value=lambda i: i.customer.address.postal_code,
    ),
    TextField(
        "customer.address.city",
        "counterPartyAddress.city",
        40,
        "26.04 spec, InvoiceCounterpartyAddress",
        value=lambda i: i.customer.address.city,
    ),
    TextField(
        "customer.business_id",
        "counterParty.identifier",
        None,
        "26.04 spec",
        value=lambda i: i.customer.business_id,
    ),
    TextField(
        "customer.vat_number",
        "counterParty.taxCode",
        None,
        "26.04 spec",
        value=lambda i: i.customer.vat_number,
    ),
    TextField(
        "customer.customer_number",
        "counterParty.customerNumber",
        None,
        "26.04 spec",
        value=lambda i: i.customer.customer_number,
    ),
    TextField(
        "customer.email",
        "counterParty.email",
        None,
        "26.04 spec",
        value=lambda i: i.customer.email,
    ),
    TextField(
        "customer.einvoice_address",
        "einvoiceAddress.address",
        None,
        "26.04 spec",
        value=lambda i: i.customer.einvoice_address,
    ),
    TextField(
        "order_reference",
        "orderReference",
        70,
        "26.04 spec, Invoice",
        value=lambda i: i.order_reference,
    ),
    TextField(
        "buyer_reference",
        "buyerReferenceIdentifier",
        70,
        "26.04 spec, Invoice",
        value=lambda i: i.buyer_reference,
    ),
    TextField(
        "lines[N].description",
        "invoiceRows.product",
        None,
        "26.04 spec (min 1, no maximum)",
        line_value=lambda line: line.description,
    ),
    TextField(
        "lines[N].product_code",
        "invoiceRows.productCode",
        40,
        "26.04 spec, InvoiceRow",
        line_value=lambda line: line.product_code,
    ),
    TextField(
        "lines[N].vat_exemption_reason",
        "additionalInformation",
        None,
        "26.04 spec (additionalInformation ≤ 10000 in all)",
        line_value=lambda line: line.vat_exemption_reason,
    ),
)
ADDITIONAL_INFORMATION_LIMIT = 10_000  # 26.04 spec, Invoice.additionalInformation


@dataclass(frozen=True)
class TextIssue:
    field: str
    value: str
    kind: str  # "length" or "characters"
    detail: str
    limit: TextField


def text_issues(invoice: Invoice) -> Iterator[TextIssue]:
    """Each text of the invoice that Procountor would refuse: too long, or with characters
    outside Windows-1252 (reference §1, from Procountor's API request rules)."""
    for spec in INVOICE_TEXTS:
        if spec.value is not None:
            yield from _check(spec, spec.field, spec.value(invoice))
        if spec.line_value is not None:
            for number, line in enumerate(invoice.lines, start=1):
                field = spec.field.replace("[N]", f"[{number}]")
                yield from _check(spec, field, spec.line_value(line))


def _check(spec: TextField, field: str, value: str | None) -> Iterator[TextIssue]:
    if not value:
        return
    if spec.max_length is not None and len(value) > spec.max_length:
        yield TextIssue(field, value, "length", f"{len(value)} characters", spec)
    refused = outside_windows_1252(value)
    if refused:
        yield TextIssue(field, value, "characters", refused, spec)


def outside_windows_1252(text: str) -> str:
    """The distinct characters of ``text`` that Windows-1252 lacks, named: "'☃' (U+2603
    SNOWMAN)". Empty when every character is allowed."""
    seen: dict[str, None] = {}
    for char in text:
        if char in seen:
            continue
        try:
            char.encode("cp1252")
        except UnicodeEncodeError:
            seen[char] = None
    return ", ".join(
        f"'{c}' (U+{ord(c):04X} {unicodedata.name(c, 'unnamed character')})" for c in seen
    )
