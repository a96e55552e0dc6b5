"""The business partner register (``/businesspartners``): create, replace (PUT, the whole record,
with ``version``), patch (PATCH, only name/type/address/invoicingInfo/paymentInfo, with
``version``), batch GET and the search with its header filters. Products live in ``products``."""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

from starlette.datastructures import QueryParams

from . import checks as c
from . import enums, paging
from . import errors as e
from .errors import ApiError, ValidationErrors
from .known_fields import unknown_partner_fields
from .state import SandboxCompany, next_version
from .validation import check_address

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
#: What PATCH may change; ``id`` and ``version`` may also appear in its body.
_PATCHABLE = ("name", "type", "address", "invoicingInfo", "paymentInfo")
_PATCH_ALSO_ALLOWED = ("id", "version")
#: Managed by Procountor (``/attachments``), never taken from a partner payload.
_SERVER_FIELDS = ("id", "attachments", "version")
_ADDITIONAL_INFO_LIMITS = {
    "defaultAdditionalInformation": 500,
    "group": 80,
    "parentCompanyId": 20,
    "auxiliaryCompanyName": 80,
    "formerCompanyName": 80,
    "sector": 80,
    "webAddress": 100,
    "comments1": 100,
    "comments2": 100,
    "invoicePeriod": 40,
    "withholdingRegisterMarking": 20,
}
_REGISTRY_LIMITS = {
    "phone": 40,
    "mobilePhone": 40,
    "fax": 40,
    "section": 80,
    "homeMunicipality": 40,
}


def _validate_partner(payload: dict[str, Any], company: SandboxCompany) -> ValidationErrors:
    errs = ValidationErrors()
    unknown_partner_fields(errs, payload)
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
    _payment_info(errs, payload)
    _invoicing_info(errs, payload, company)
    registry = c.obj(errs, payload, "registryInfo", "")
    if registry is not None:
        c.boolean(errs, registry, "active", "registryInfo")
        for key, limit in _REGISTRY_LIMITS.items():
            c.string(errs, registry, key, "registryInfo", max_len=limit)
    additional = c.obj(errs, payload, "additionalInfo", "")
    if additional is not None:
        for key, limit in _ADDITIONAL_INFO_LIMITS.items():
            c.string(errs, additional, key, "additionalInfo", max_len=limit)
    _contact_persons(errs, payload)
    c.windows_1252(errs, payload)
    return errs


def _payment_info(errs: ValidationErrors, payload: dict[str, Any]) -> None:
    payment = c.obj(errs, payload, "paymentInfo", "", required=True)
    if payment is None:
        return
    path = "paymentInfo"
    c.enum(errs, payment, "paymentMethod", path, enums.PARTNER_PAYMENT_METHODS, required=True)
    c.enum(errs, payment, "currency", path, enums.CURRENCIES)
    for key in ("bankAccount", "paymentTermDays", "bic", "clearingCode"):
        c.string(errs, payment, key, path)


def _invoicing_info(
    errs: ValidationErrors, payload: dict[str, Any], company: SandboxCompany
) -> None:
    invoicing = c.obj(errs, payload, "invoicingInfo", "")
    if invoicing is None:
        return
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


def _contact_persons(errs: ValidationErrors, payload: dict[str, Any]) -> None:
    persons = payload.get("contactPersons")
    if persons is None:
        return
    if not isinstance(persons, list):
        errs.add("contactPersons", e.INVALID_TYPE)
        return
    for index, person in enumerate(persons):
        path = f"contactPersons[{index}]"
        if not isinstance(person, dict):
            errs.add(path, e.INVALID_TYPE)
            continue
        c.string(errs, person, "name", path, max_len=80)
        c.string(errs, person, "email", path, max_len=80)
        c.string(errs, person, "phone", path, max_len=40)


def _store_partner(
    company: SandboxCompany,
    partner_id: int,
    data: dict[str, Any],
    now: datetime,
    previous: dict[str, Any] | None,
) -> dict[str, Any]:
    partner = {
        k: copy.deepcopy(data[k])
        for k in _PARTNER_FIELDS
        if data.get(k) is not None and k not in _SERVER_FIELDS
    }
    partner["id"] = partner_id
    partner["attachments"] = copy.deepcopy(previous["attachments"]) if previous else []
    registry = partner.setdefault("registryInfo", {})
    registry.setdefault("active", True)
    partner["version"] = next_version(previous["version"] if previous else None, now)
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
    """PUT replaces the whole record (omitted fields are cleared); ``version`` must be current."""
    stored = find_partner(company, partner_id)
    if not isinstance(payload, dict):
        raise ApiError(400, e.INVALID_JSON)
    _check_version(payload.get("version"), stored)
    _validate_partner(payload, company).raise_if_any()
    return _store_partner(company, partner_id, payload, now, stored)


def patch_partner(
    company: SandboxCompany, partner_id: int, payload: Any, version: str | None, now: datetime
) -> dict[str, Any]:
    """PATCH changes name, type, address, invoicingInfo and paymentInfo (objects are merged
    key by key); ``version`` comes in the body or the query. Any other field is refused."""
    stored = find_partner(company, partner_id)
    if not isinstance(payload, dict):
        raise ApiError(400, e.INVALID_JSON)
    _check_version(payload.get("version", version), stored)
    errs = ValidationErrors()
    for key in payload:
        if key not in _PATCHABLE and key not in _PATCH_ALSO_ALLOWED:
            errs.add(key, e.FIELD_NOT_PATCHABLE)
    if payload.get("id") not in (None, partner_id):
        errs.add("id", e.INVALID_VALUE)
    # A nested object sent is a whole BusinessPartnerPaymentInfo, whose paymentMethod is
    # required (26.04 spec and the third-party yaml); merging it would hide a partial one.
    payment = payload.get("paymentInfo")
    if payment is not None and (not isinstance(payment, dict) or "paymentMethod" not in payment):
        errs.add("paymentInfo.paymentMethod", e.REQUIRED)
    if company.patch_schema_literal:
        for key in ("name", "type"):
            if key not in payload:
                errs.add(key, e.REQUIRED)
        if payment is None:
            errs.add("paymentInfo.paymentMethod", e.REQUIRED)
    errs.raise_if_any()
    merged = copy.deepcopy(stored)
    for key in _PATCHABLE:
        if key in payload:
            if isinstance(payload[key], dict) and isinstance(merged.get(key), dict):
                merged[key] = {**merged[key], **payload[key]}
            else:
                merged[key] = payload[key]
    _validate_partner(merged, company).raise_if_any()
    return _store_partner(company, partner_id, merged, now, stored)


def _check_version(given: Any, stored: dict[str, Any]) -> None:
    if given is None:
        raise ApiError(400, e.REQUIRED, field="version")
    if given != stored["version"]:
        raise ApiError(400, e.STALE_VERSION, field="version")


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


def search_partners(
    company: SandboxCompany, query: QueryParams, name: str | None, identifier: str | None
) -> dict[str, Any]:
    """``GET /businesspartners``. ``name`` (substring, any case) and ``identifier`` (exact) come
    from HTTP headers; ``mainGroup``/``partnerGroup`` are not supported and are ignored."""
    kind = query.get("type")
    if kind is not None and kind not in enums.PARTNER_TYPES:
        raise ApiError(400, e.INVALID_VALUE, field="type")
    customer_number = query.get("customerNumber")
    identifier_type = query.get("identifierType")
    active = paging.bool_param(query, "active", True)
    v_start = paging.datetime_param(query, "versionStartDate")
    v_end = paging.datetime_param(query, "versionEndDate")

    def wanted(p: dict[str, Any]) -> bool:
        invoicing = p.get("invoicingInfo", {})
        checks = (
            kind is None or p["type"] == kind,
            customer_number is None or invoicing.get("customerNumber") == customer_number,
            identifier_type is None or invoicing.get("identifierType") == identifier_type,
            p["registryInfo"]["active"] == active,
            name is None or name.lower() in p["name"].lower(),
            identifier is None or invoicing.get("identifier") == identifier,
            v_start is None or p["version"] >= v_start,
            v_end is None or p["version"] <= v_end,
        )
        return all(checks)

    return paging.paginate(
        [p for p in company.partners.values() if wanted(p)],
        query,
        {"orderById": lambda p: p["id"], "orderByVersion": lambda p: p["version"]},
        lambda p: int(p["id"]),
        partner_basic_info,
    )
