"""The lines of a ``salesinvoice.nv`` body: products resolved, sums computed and rounded
(reference netvisor.md §3 salesinvoice.nv, §8.1, §8.2 items 8, 9 and 11).

* A product is found by ``productidentifier@type`` (NetvisorKey, product code, EAN codes); an
  unknown one is refused with "Product not found: <code>" (seed 004), never created, no TEMP
  fallback.
* ``productunitprice@type``: net or gross; ``netvisor`` takes the product's own price.
* The unit price is positive even on a credit note: the quantity carries the sign (NVD FI).
* Line VAT sum and line sum are used only as a pair; either alone is ignored (RAN).
* Lines are rounded to 2 decimals (NVD 77000554152).
* An ``accountingaccountsuggestion`` must name an account of the chart [assumed; seed 004:
  "Netvisor has to have the Accounts and Taxes already created"].
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from xml.etree.ElementTree import Element

from .errors import invalid
from .state import Company, InvoiceLine, Product
from .xmlin import decimal, value

CENT = Decimal("0.01")


def cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def read_lines(company: Company, lines: Element) -> list[InvoiceLine]:
    out: list[InvoiceLine] = []
    for line in lines:
        kind = line[0]
        if kind.tag == "salesinvoicecommentline":
            out.append(InvoiceLine(product_key=None, comment=value(kind.find("comment")) or ""))
        else:
            out.append(_product_line(company, kind))
    return out


def _text(element: Element, name: str) -> str:
    return value(element.find(name)) or ""


def _product_line(company: Company, line: Element) -> InvoiceLine:
    identifier = line.find("productidentifier")
    assert identifier is not None  # the schema requires it
    kind = identifier.get("type", "")
    code = value(identifier) or ""
    product = company.product_by(kind, code)
    if product is None:
        raise invalid(f"Product not found: {code}")
    price_element = line.find("productunitprice")
    assert price_element is not None
    price_type = price_element.get("type", "net")
    price = decimal(value(price_element) or "", "productunitprice")
    if price_type == "netvisor":
        price, price_type = _register_price(product)
    if price < 0:
        raise invalid(
            "productunitprice: a unit price cannot be negative; a credit note has a negative "
            "quantity"
        )
    vat_element = line.find("productvatpercentage")
    assert vat_element is not None
    vat_percent = decimal(value(vat_element) or "", "productvatpercentage")
    quantity = decimal(_text(line, "salesinvoiceproductlinequantity"), "quantity")
    raw_discount = _text(line, "salesinvoiceproductlinediscountpercentage")
    discount = decimal(raw_discount, "discountpercentage") if raw_discount else Decimal(0)
    net, vat = _sums(price, price_type, quantity, discount, vat_percent)
    given_vat = _text(line, "salesinvoiceproductlinevatsum")
    given_sum = _text(line, "salesinvoiceproductlinesum")
    if given_vat and given_sum:  # only as a pair (RAN)
        gross = cents(decimal(given_sum, "salesinvoiceproductlinesum"))
        vat = cents(decimal(given_vat, "salesinvoiceproductlinevatsum"))
        if gross and quantity and (gross < 0) != (quantity < 0):
            raise invalid(
                f"salesinvoiceproductlinesum {given_sum}: a line sum has the sign of its quantity"
            )
        net = gross - vat
    account = _text(line, "accountingaccountsuggestion")
    if account and account not in company.accounts:
        raise invalid(f"accountingaccountsuggestion: account {account} not found")
    dimensions = [
        (_text(d, "dimensionname"), _text(d, "dimensionitem")) for d in line.findall("dimension")
    ]
    return InvoiceLine(
        product_key=product.key,
        identifier=code,
        identifier_type=kind,
        name=_text(line, "productname")[:200],
        unit_price=price,
        price_type=price_type,
        vat_percent=vat_percent,
        vat_code=vat_element.get("vatcode", ""),
        quantity=quantity,
        discount=discount,
        free_text=_text(line, "salesinvoiceproductlinefreetext"),
        net=net,
        vat=vat,
        account=account,
        dimensions=dimensions,
        unit_name=_text(line, "productunitname"),
    )


def _register_price(product: Product) -> tuple[Decimal, str]:
    raw = product.get("unitprice") or "0"
    kind = product.fields.get("productbaseinformation/unitprice@type", "net")
    return Decimal(raw.replace(",", ".")), kind


def _sums(
    price: Decimal, price_type: str, quantity: Decimal, discount: Decimal, vat_percent: Decimal
) -> tuple[Decimal, Decimal]:
    """(net, VAT) of a line, each rounded to cents."""
    factor = (100 - discount) / 100
    if price_type == "gross":
        gross = cents(price * quantity * factor)
        net = cents(gross / (1 + vat_percent / 100))
        return net, gross - net
    net = cents(price * quantity * factor)
    return net, cents(net * vat_percent / 100)


def total(lines: list[InvoiceLine]) -> Decimal:
    return cents(sum((line.gross for line in lines if line.product_key is not None), Decimal(0)))
