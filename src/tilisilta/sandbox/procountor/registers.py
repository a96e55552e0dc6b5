"""Business partner and product registers: just enough for invoices to reference ``partnerId``
and ``productId``, with Procountor's required fields and search filters."""

from __future__ import annotations

import copy
from datetime import datetime
from decimal import Decimal
from typing import Any

from . import checks as c
from . import enums
from . import errors as e
from .errors import ApiError, ValidationErrors
from .state import SandboxCompany, next_version
from .validation import check_address, check_vat_status

# --- business partners ----------------------------------------------------------------------

_PARTNER_FIELDS = [
    "id",
    "name",
    "type",
    "address",
    "billingAddress",
    "deliveryAddress",
    "invoicingInfo",
    "attachments",
    "contactPersons",
    "additionalInfo",
    "paymentInfo",
    "registryInfo",
    "version",
]
_PATCHABLE = ("name", "type", "address", "invoicingInfo", "paymentInfo")


def _validate_partner(payload: dict[str, Any], company: SandboxCompany) -> ValidationErrors:
    errs = ValidationErrors()
    c.string(errs, payload, "name", "", required=True, min_len=1, max_len=80)
    kind = c.enum(errs, payload, "type", "", enums.PARTNER_TYPES, required=True)
    if kind is not None and kind not in enums.PARTNER_TYPES_WRITABLE:
        errs.add("type", e.INVALID_VALUE)
    address = c.obj(errs, payload, "address", "", required=kind == "CUSTOMER")
    if address is not None:
        check_address(errs, address, "address", name_required=True)
    for key in ("billingAddress", "deliveryAddress"):
        other = c.obj(errs, payload, key, "")
        if other:
            check_address(errs, other, key, name_required=True)
    payment = c.obj(errs, payload, "paymentInfo", "", required=True)
    if payment is not None:
        c.enum(
            errs,
            payment,
            "paymentMethod",
            "paymentInfo",
            enums.PARTNER_PAYMENT_METHODS,
            required=True,
        )
        c.enum(errs, payment, "currency", "paymentInfo", enums.CURRENCIES)
        for key in ("bankAccount", "paymentTermDays", "bic", "clearingCode"):
            c.string(errs, payment, key, "paymentInfo")
    invoicing = c.obj(errs, payload, "invoicingInfo", "")
    if invoicing is not None:
        path = "invoicingInfo"
        for key in ("customerNumber", "identifier", "identifierType", "ovt", "email"):
            c.string(errs, invoicing, key, path)
        c.string(errs, invoicing, "contactPerson", path, max_len=80)
        c.enum(errs, invoicing, "invoiceChannel", path, enums.INVOICE_CHANNELS)
        c.enum(errs, invoicing, "language", path, enums.LANGUAGES)
        c.string(errs, invoicing, "einvoiceAddress", path)
        c.string(errs, invoicing, "einvoiceOperator", path)
        if invoicing.get("ovt") and company.country != "FINLAND":
            errs.add("invoicingInfo.ovt", e.OVT_NOT_ALLOWED)
    registry = c.obj(errs, payload, "registryInfo", "")
    if registry is not None:
        c.boolean(errs, registry, "active", "registryInfo")
    c.windows_1252(errs, payload)
    return errs


def _store_partner(
    company: SandboxCompany,
    partner_id: int,
    data: dict[str, Any],
    now: datetime,
    previous: str | None,
) -> dict[str, Any]:
    partner = {k: copy.deepcopy(data[k]) for k in _PARTNER_FIELDS if data.get(k) is not None}
    partner["id"] = partner_id
    partner.setdefault("attachments", [])
    registry = partner.setdefault("registryInfo", {})
    registry.setdefault("active", True)
    partner["version"] = next_version(previous, now)
    ordered = {k: partner[k] for k in _PARTNER_FIELDS if k in partner}
    company.partners[partner_id] = ordered
    return copy.deepcopy(ordered)


def create_partner(company: SandboxCompany, payload: Any, now: datetime) -> dict[str, Any]:
    if not isinstance(payload, dict):
        raise ApiError(400, e.INVALID_JSON)
    _validate_partner(payload, company).raise_if_any()
    return _store_partner(company, company.next_id("partner"), payload, now, None)


def replace_partner(
    company: SandboxCompany, partner_id: int, payload: Any, now: datetime
) -> dict[str, Any]:
    """PUT replaces the whole record; a given version must be current."""
    stored = find_partner(company, partner_id)
    if not isinstance(payload, dict):
        raise ApiError(400, e.INVALID_JSON)
    if payload.get("version") not in (None, stored["version"]):
        raise ApiError(400, e.STALE_VERSION, field="version")
    _validate_partner(payload, company).raise_if_any()
    return _store_partner(company, partner_id, payload, now, stored["version"])


def patch_partner(
    company: SandboxCompany, partner_id: int, payload: Any, version: str | None, now: datetime
) -> dict[str, Any]:
    """PATCH changes name, type, address, invoicingInfo and paymentInfo; needs ``version``
    in the body or the query. Other fields are ignored."""
    stored = find_partner(company, partner_id)
    if not isinstance(payload, dict):
        raise ApiError(400, e.INVALID_JSON)
    given = payload.get("version", version)
    if given is None:
        raise ApiError(400, e.REQUIRED, field="version")
    if given != stored["version"]:
        raise ApiError(400, e.STALE_VERSION, field="version")
    merged = copy.deepcopy(stored)
    for key in _PATCHABLE:
        if key in payload:
            if isinstance(payload[key], dict) and isinstance(merged.get(key), dict):
                merged[key] = {**merged[key], **payload[key]}
            else:
                merged[key] = payload[key]
    _validate_partner(merged, company).raise_if_any()
    return _store_partner(company, partner_id, merged, now, stored["version"])


def find_partner(company: SandboxCompany, partner_id: int) -> dict[str, Any]:
    partner = company.partners.get(partner_id)
    if partner is None:
        raise ApiError(404, e.NOT_FOUND)
    return partner


def partner_basic_info(partner: dict[str, Any]) -> dict[str, Any]:
    invoicing = partner.get("invoicingInfo", {})
    return {
        "id": partner["id"],
        "name": partner["name"],
        "billingAddress": copy.deepcopy(
            partner.get("billingAddress") or partner.get("address") or {}
        ),
        "invoicingInfo": {
            k: invoicing[k]
            for k in ("customerNumber", "identifier", "identifierType")
            if k in invoicing
        },
        "registryInfo": {"active": partner["registryInfo"]["active"]},
        "type": partner["type"],
        "version": partner["version"],
    }


# --- products -------------------------------------------------------------------------------

_PRODUCT_FIELDS = [
    "id",
    "type",
    "name",
    "code",
    "unit",
    "discount",
    "price",
    "vat",
    "active",
    "defaultAccount",
    "vatStatus",
    "currency",
    "productLocalizations",
    "productGroupId",
    "startDate",
    "endDate",
]


def _validate_product(payload: dict[str, Any], company: SandboxCompany) -> ValidationErrors:
    errs = ValidationErrors()
    c.enum(errs, payload, "type", "", enums.PRODUCT_TYPES, required=True)
    c.string(errs, payload, "name", "", required=True, min_len=1, max_len=100)
    c.string(errs, payload, "code", "", max_len=40)
    c.enum(errs, payload, "unit", "", enums.UNITS)
    c.number(errs, payload, "discount", "", required=True, minimum=Decimal(0), maximum=Decimal(100))
    c.number(errs, payload, "price", "", required=True)
    vat = c.number(errs, payload, "vat", "")
    if vat is not None and not company.vat_percent_in_use(vat):
        errs.add("vat", e.VAT_PERCENT_NOT_IN_USE)
    c.boolean(errs, payload, "active", "", required=True)
    account = c.string(errs, payload, "defaultAccount", "")
    if account is not None and account not in company.accounts:
        errs.add("defaultAccount", e.ACCOUNT_NOT_FOUND)
    status = c.integer(errs, payload, "vatStatus", "")
    if status is not None:
        check_vat_status(errs, company, status, "vatStatus", payload.get("type") != "PURCHASE")
    c.enum(errs, payload, "currency", "", enums.CURRENCIES, required=True)
    c.windows_1252(errs, payload)
    return errs


def create_product(company: SandboxCompany, payload: Any) -> dict[str, Any]:
    if not isinstance(payload, dict):
        raise ApiError(400, e.INVALID_JSON)
    _validate_product(payload, company).raise_if_any()
    product_id = company.next_id("product")
    product = {k: copy.deepcopy(payload[k]) for k in _PRODUCT_FIELDS if payload.get(k) is not None}
    product["id"] = product_id
    ordered = {k: product[k] for k in _PRODUCT_FIELDS if k in product}
    company.products[product_id] = ordered
    return copy.deepcopy(ordered)
