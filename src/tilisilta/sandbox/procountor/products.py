"""The product register and product groups (``/products``, ``/products/groups``).

Procountor's Product has no ``version``: PUT replaces the record without optimistic locking.
Product type is not editable by PUT and TRAVEL products and groups cannot be deleted.
"""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

from starlette.datastructures import QueryParams

from . import checks as c
from . import enums, paging
from . import errors as e
from .errors import ApiError, ValidationErrors
from .state import SandboxCompany
from .validation import check_vat_status

_FIELDS = [
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


def _validate(payload: dict[str, Any], company: SandboxCompany) -> ValidationErrors:
    errs = ValidationErrors()
    kind = c.enum(errs, payload, "type", "", enums.PRODUCT_TYPES, required=True)
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
    if account is not None:
        known = company.accounts.get(account)
        if known is None:
            errs.add("defaultAccount", e.ACCOUNT_NOT_FOUND)
        elif not known.active:
            errs.add("defaultAccount", e.ACCOUNT_INACTIVE)
    status = c.integer(errs, payload, "vatStatus", "")
    if status is not None:
        check_vat_status(errs, company, status, "vatStatus", kind != "PURCHASE")
    c.enum(errs, payload, "currency", "", enums.CURRENCIES, required=True)
    group = c.integer(errs, payload, "productGroupId", "")
    if group is not None and group not in company.product_groups:
        errs.add("productGroupId", e.PRODUCT_GROUP_NOT_FOUND)
    _localizations(errs, payload)
    c.day(errs, payload, "startDate", "")
    c.day(errs, payload, "endDate", "")
    c.windows_1252(errs, payload)
    return errs


def _localizations(errs: ValidationErrors, payload: dict[str, Any]) -> None:
    items = payload.get("productLocalizations")
    if items is None:
        return
    if not isinstance(items, list):
        errs.add("productLocalizations", e.INVALID_TYPE)
        return
    for index, item in enumerate(items):
        path = f"productLocalizations[{index}]"
        if not isinstance(item, dict):
            errs.add(path, e.INVALID_TYPE)
            continue
        c.enum(errs, item, "language", path, enums.LANGUAGES)
        c.string(errs, item, "productName", path, max_len=100)


def _store(company: SandboxCompany, product_id: int, payload: dict[str, Any]) -> dict[str, Any]:
    product = {k: copy.deepcopy(payload[k]) for k in _FIELDS if payload.get(k) is not None}
    product["id"] = product_id
    ordered = {k: product[k] for k in _FIELDS if k in product}
    company.products[product_id] = ordered
    return copy.deepcopy(ordered)


def create(company: SandboxCompany, payload: Any) -> dict[str, Any]:
    """``POST /products``."""
    if not isinstance(payload, dict):
        raise ApiError(400, e.INVALID_JSON)
    _validate(payload, company).raise_if_any()
    return _store(company, company.next_id("product"), payload)


def replace(company: SandboxCompany, product_id: int, payload: Any) -> dict[str, Any]:
    """``PUT /products/{id}``: the whole record (omitted optional fields are cleared)."""
    stored = find(company, product_id)
    if not isinstance(payload, dict):
        raise ApiError(400, e.INVALID_JSON)
    errs = _validate(payload, company)
    if payload.get("type") not in (None, stored["type"]):
        errs.add("type", e.NOT_EDITABLE)
    if payload.get("id") not in (None, product_id):
        errs.add("id", e.INVALID_VALUE)
    errs.raise_if_any()
    return _store(company, product_id, payload)


def delete(company: SandboxCompany, product_id: int) -> None:
    """``DELETE /products/{id}``; TRAVEL products are Procountor's own and stay."""
    product = find(company, product_id)
    if product["type"] == "TRAVEL":
        raise ApiError(400, e.TRAVEL_NOT_REMOVABLE)
    del company.products[product_id]


def find(company: SandboxCompany, product_id: int) -> dict[str, Any]:
    product = company.products.get(product_id)
    if product is None:
        raise ApiError(404, e.NOT_FOUND)
    return product


def render(product: dict[str, Any], include_localizations: bool = True) -> dict[str, Any]:
    rendered = copy.deepcopy(product)
    if not include_localizations:
        rendered.pop("productLocalizations", None)
    return rendered


def search(company: SandboxCompany, query: QueryParams) -> dict[str, Any]:
    """``GET /products``: ``name``/``code`` by substring, ``type``, ``group`` (repeated,
    comma-separated or as ``group[]``), ``active`` (absent: both), ``includeLocalizations``."""
    name = (query.get("name") or "").lower()
    code = (query.get("code") or "").lower()
    kind = query.get("type")
    if kind is not None and kind not in enums.PRODUCT_TYPES:
        raise ApiError(400, e.INVALID_VALUE, field="type")
    groups = set()
    for raw in paging.list_param(query, "group") + paging.list_param(query, "group[]"):
        if not raw.isdigit():
            raise ApiError(400, e.INVALID_VALUE, field="group")
        groups.add(int(raw))
    active = None if query.get("active") is None else paging.bool_param(query, "active", True)
    localized = paging.bool_param(query, "includeLocalizations", False)

    def wanted(p: dict[str, Any]) -> bool:
        return (
            name in p["name"].lower()
            and code in str(p.get("code", "")).lower()
            and (kind is None or p["type"] == kind)
            and (not groups or p.get("productGroupId") in groups)
            and (active is None or p["active"] == active)
        )

    return paging.paginate(
        [p for p in company.products.values() if wanted(p)],
        query,
        {"orderById": lambda p: p["id"]},
        lambda p: int(p["id"]),
        lambda p: render(p, localized),
    )


# --- product groups ------------------------------------------------------------------------


def _validate_group(payload: Any) -> None:
    if not isinstance(payload, dict):
        raise ApiError(400, e.INVALID_JSON)
    errs = ValidationErrors()
    c.string(errs, payload, "name", "", required=True, min_len=1, max_len=80)
    c.enum(errs, payload, "type", "", enums.PRODUCT_TYPES)
    c.windows_1252(errs, payload)
    errs.raise_if_any()


def groups(company: SandboxCompany, query: QueryParams) -> dict[str, Any]:
    """``GET /products/groups``: ``{productGroups}``; without ``type``, SALES and PURCHASE."""
    kind = query.get("type")
    if kind is not None and kind not in enums.PRODUCT_TYPES:
        raise ApiError(400, e.INVALID_VALUE, field="type")
    kinds = {kind} if kind else {"SALES", "PURCHASE"}
    found = [
        copy.deepcopy(company.product_groups[i])
        for i in sorted(company.product_groups)
        if company.product_groups[i]["type"] in kinds
    ]
    return {"productGroups": found}


def create_group(company: SandboxCompany, payload: Any) -> dict[str, Any]:
    """``POST /products/groups``; ``type`` defaults to SALES (our choice)."""
    _validate_group(payload)
    group_id = company.next_id("product_group")
    group = {"id": group_id, "name": payload["name"], "type": payload.get("type") or "SALES"}
    company.product_groups[group_id] = group
    return copy.deepcopy(group)


def update_group(company: SandboxCompany, group_id: int, payload: Any) -> dict[str, Any]:
    """``PUT /products/groups/{id}`` renames a group; its type stays."""
    group = _find_group(company, group_id)
    _validate_group(payload)
    if payload.get("type") not in (None, group["type"]):
        raise ApiError(400, e.NOT_EDITABLE, field="type")
    group["name"] = payload["name"]
    return copy.deepcopy(group)


def delete_group(company: SandboxCompany, group_id: int) -> None:
    group = _find_group(company, group_id)
    if group["type"] == "TRAVEL":
        raise ApiError(400, e.TRAVEL_NOT_REMOVABLE)
    if any(p.get("productGroupId") == group_id for p in company.products.values()):
        raise ApiError(409, e.PRODUCT_GROUP_IN_USE)
    del company.product_groups[group_id]


def _find_group(company: SandboxCompany, group_id: int) -> dict[str, Any]:
    group = company.product_groups.get(group_id)
    if group is None:
        raise ApiError(404, e.NOT_FOUND)
    return group
