"""Canonical party and product → Procountor business partner and product: what is sent, and
how to bring a remote record to it. Pure: no I/O."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from tilisilta.connectors.procountor.mapping.codes import COUNTRY_BY_ISO, UNIT_BY_CODE
from tilisilta.connectors.procountor.mapping.invoices import LANGUAGES
from tilisilta.connectors.procountor.options import ProcountorOptions
from tilisilta.domain.documents import Party, Product
from tilisilta.domain.units import unit_code

#: The partner fields the hub keeps equal to the ERP's; others are left as people set them.
PARTNER_MANAGED = {
    "address": ("name", "street", "zip", "city", "country"),
    "invoicingInfo": (
        "customerNumber",
        "identifier",
        "email",
        "einvoiceAddress",
        "einvoiceOperator",
        "language",
    ),
}


def partner_body(party: Party) -> dict[str, Any]:
    """POST /businesspartners for a customer."""
    address: dict[str, Any] = {"name": party.name[:80]}
    where = party.address
    for key, value in (("street", where.street), ("zip", where.postal_code), ("city", where.city)):
        if value:
            address[key] = value
    country = COUNTRY_BY_ISO.get(where.country.upper())
    if country:
        address["country"] = country
    invoicing: dict[str, Any] = {}
    for key, value in (
        ("customerNumber", party.customer_number),
        ("identifier", party.business_id),
        ("email", party.email),
        ("einvoiceAddress", party.einvoice_address),
        ("einvoiceOperator", party.einvoice_operator),
        ("language", LANGUAGES.get(party.language)),
    ):
        if value:
            invoicing[key] = value
    return {
        "name": party.name[:80],
        "type": "CUSTOMER",
        "address": address,
        "paymentInfo": {"paymentMethod": "BANK_TRANSFER"},
        "invoicingInfo": invoicing,
    }


def partner_change(remote: Mapping[str, Any], body: Mapping[str, Any]) -> tuple[str, Any] | None:
    """How to bring the ``remote`` partner to ``body``: None when it already is;
    ``("PATCH", fields)``; or ``("PUT", record)`` when a value must be removed, which a PATCH
    (it merges) cannot do."""
    patch: dict[str, Any] = {}
    removes = False
    if remote.get("name") != body["name"]:
        patch["name"] = body["name"]
    for section, keys in PARTNER_MANAGED.items():
        current = dict(remote.get(section) or {})
        wanted = body[section]
        merged = {**current, **wanted}
        for key in keys:
            if key not in wanted and current.get(key) not in (None, ""):
                del merged[key]
                removes = True
        if merged != current:
            patch[section] = merged
    if not patch:
        return None
    if not removes:
        # Procountor's prose calls PATCH partial, but both its specs require name, type and
        # paymentInfo.paymentMethod in the body: always send them (paymentInfo whole, as
        # Procountor holds it), so the change passes under either reading.
        payment = {**body["paymentInfo"], **(remote.get("paymentInfo") or {})}
        payment.setdefault("paymentMethod", body["paymentInfo"]["paymentMethod"])
        return "PATCH", {
            "name": body["name"],
            "type": body["type"],
            "paymentInfo": payment,
            **patch,
        }
    record = {k: v for k, v in remote.items() if k != "attachments"}
    return "PUT", {**record, **patch}


def product_fields(product: Product, options: ProcountorOptions) -> dict[str, Any]:
    """The product fields the hub keeps equal to the ERP's, as Procountor names them. The code
    is the key and never changes; discount, accounts and group stay as people set them."""
    fields: dict[str, Any] = {"name": product.name[:100], "price": product.unit_price}
    unit = UNIT_BY_CODE.get(unit_code(product.unit) or product.unit)
    if unit:
        fields["unit"] = unit
    if product.vat_rate is not None:
        fields["vat"] = product.vat_rate
    status = options.vat_statuses.get(product.vat_treatment.value)
    if status is not None:
        fields["vatStatus"] = status
    return fields


def product_body(
    fields: Mapping[str, Any], product: Product, group_id: int | None
) -> dict[str, Any]:
    """POST /products: the managed fields plus what only a new product needs."""
    body: dict[str, Any] = {
        "type": "SALES",
        "code": product.code,
        **fields,
        "discount": Decimal(0),
        "active": True,
        "currency": product.currency,
    }
    if group_id is not None:
        body["productGroupId"] = group_id
    return body


def product_change(remote: Mapping[str, Any], fields: Mapping[str, Any]) -> dict[str, Any] | None:
    """The whole record to PUT (products have no PATCH), or None when nothing differs."""
    if all(remote.get(k) == v for k, v in fields.items()):
        return None
    return {**remote, **fields}


def payload_digest(payload: Mapping[str, Any]) -> str:
    """A stable fingerprint of what is sent; 85.0 and 85.00 are the same price."""

    def plain(value: Any) -> Any:
        if isinstance(value, Decimal):
            return format(value.normalize(), "f")
        raise TypeError(f"{type(value).__name__} is not JSON serialisable")

    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=plain)
    return hashlib.sha256(text.encode()).hexdigest()
