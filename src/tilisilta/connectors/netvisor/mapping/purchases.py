"""Netvisor's ``getpurchaseinvoice`` answer → canonical purchase invoice. Pure.

Read leniently, as every Netvisor answer: tag case varies, decimals have commas, the invoice
status is a localised text ("Avoin") while ``ApprovalStatus`` is a code (open = in factual
verification, approved, accepted; reference §3).
"""

from __future__ import annotations

from decimal import Decimal

from tilisilta.connectors.netvisor.client.wire import (
    Element,
    child,
    children,
    date_of,
    decimal_of,
    text,
)
from tilisilta.domain.documents import Address, FileCopy, Party, PurchaseInvoice, PurchaseLine

ZERO = Decimal(0)


def purchase_invoice(element: Element) -> PurchaseInvoice:
    """Raises ValueError (with the field named) when a required figure is missing."""
    key = _required(element, "PurchaseInvoiceNetvisorKey")
    invoice_date = date_of(_required(element, "PurchaseInvoiceDate"))
    assert invoice_date is not None
    total = decimal_of(_required(element, "PurchaseInvoiceAmount"))
    assert total is not None
    return PurchaseInvoice(
        source_id=key,
        number=text(element, "PurchaseInvoiceNumber") or "",
        invoice_date=invoice_date,
        due_date=date_of(text(element, "PurchaseInvoiceDueDate")),
        currency=text(element, "ForeignCurrencyNameID") or "EUR",
        total=total,
        vendor=vendor(element),
        payment_reference=text(element, "PurchaseInvoiceReferencenumber"),
        vendor_iban=text(element, "PurchaseInvoiceVendorBankAccountNumber"),
        description=text(element, "PurchaseInvoiceDescription"),
        approval=(text(element, "ApprovalStatus") or "").lower() or None,
        lines=[
            _line(line) for line in children(child(element, "InvoiceLines"), "PurchaseInvoiceLine")
        ],
        attachments=[
            FileCopy(
                name=text(a, "FileName") or f"attachment-{n}",
                content_base64="".join((text(a, "AttachmentBase64Data") or "").split()),
            )
            for n, a in enumerate(children(child(element, "Attachments"), "Attachment"), 1)
            if text(a, "AttachmentBase64Data")
        ],
    )


def vendor(element: Element) -> Party:
    """The vendor as the ERP will look it up: by business ID, else code, else name."""
    name = text(element, "VendorName") or "(no name)"
    business_id = text(element, "VendorOrganizationIdentifier")
    code = text(element, "VendorCode")
    return Party(
        ref=f"netvisor-vendor:{business_id or code or name}",
        name=name,
        business_id=business_id,
        customer_number=code,
        address=Address(
            street=text(element, "VendorAddressline"),
            postal_code=text(element, "VendorPostnumber"),
            city=text(element, "VendorTown"),
            country=(text(element, "VendorCountry") or "FI").upper()[:2],
        ),
    )


def _line(element: Element) -> PurchaseLine:
    gross = decimal_of(text(element, "LineSum")) or ZERO
    net = decimal_of(text(element, "LineNetSum"))
    rate = decimal_of(text(element, "VatPercent")) or ZERO
    account = text(element, "AccountingSuggestionBookkeepingAccount")
    return PurchaseLine(
        description=text(element, "Description") or text(element, "ProductName") or "",
        product_code=text(element, "ProductCode"),
        quantity=decimal_of(text(element, "DeliveredAmount") or text(element, "OrderedAmount"))
        or Decimal(1),
        unit_price=decimal_of(text(element, "UnitPrice")),
        vat_rate=rate,
        vat_code=text(element, "VatCode"),
        net_amount=(net if net is not None else gross * 100 / (100 + rate)).quantize(
            Decimal("0.01")
        ),
        gross_amount=gross,
        account=account.split()[0] if account else None,  # "4000 Ostot" → "4000"
    )


def _required(element: Element, name: str) -> str:
    value = text(element, name)
    if value is None:
        raise ValueError(f"the purchase invoice has no {name}")
    return value
