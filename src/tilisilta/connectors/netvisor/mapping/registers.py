"""Canonical customer and product → Netvisor ``customer`` and ``product`` (DTD order). Pure."""

from __future__ import annotations

from tilisilta.connectors.netvisor.client.wire import Element, node, optional, tree
from tilisilta.connectors.netvisor.mapping.invoices import customer_code
from tilisilta.domain.documents import Party, Product

PRODUCT_NAME_LENGTH = 200


def customer(party: Party) -> Element:
    """A customer to add, found later by its code (``internalidentifier``)."""
    address = party.address
    base = tree(
        "customerbaseinformation",
        [
            node("internalidentifier", customer_code(party)),
            optional("externalidentifier", party.business_id),
            node("name", party.name),
            optional("streetaddress", address.street),
            optional("city", address.city),
            optional("postnumber", address.postal_code),
            node("country", address.country.upper(), type="ISO-3166"),
            optional("email", party.email),
            node("isactive", 1),
        ],
    )
    einvoice = (
        tree(
            "customerfinvoicedetails",
            [
                node("finvoiceaddress", party.einvoice_address),
                optional("finvoiceroutercode", party.einvoice_operator),
            ],
        )
        if party.einvoice_address
        else None
    )
    return tree("customer", [base, einvoice])


def product(item: Product, group: str) -> Element:
    """A sales product to add, found later by its code."""
    base = tree(
        "productbaseinformation",
        [
            node("productcode", item.code),
            node("productgroup", group),
            node("name", item.name[:PRODUCT_NAME_LENGTH]),
            node("unitprice", item.unit_price, type="net"),
            node("isactive", 1),
            node("issalesproduct", 1),
        ],
    )
    bookkeeping = (
        tree("productbookkeepingdetails", [node("defaultvatpercentage", item.vat_rate.normalize())])
        if item.vat_rate is not None
        else None
    )
    return tree("product", [base, bookkeeping])
