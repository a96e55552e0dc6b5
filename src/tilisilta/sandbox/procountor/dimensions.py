"""Dimensions and their items (``/dimensions``). An active item has no ``status``; an inactive one
has ``"P"``, as Procountor shows them."""

from __future__ import annotations

import dataclasses
from typing import Any

from . import checks as c
from . import errors as e
from .errors import ApiError, ValidationErrors
from .state import Dimension, DimensionItem, SandboxCompany

INACTIVE = "P"


def render_item(item: DimensionItem) -> dict[str, Any]:
    rendered: dict[str, Any] = {"id": item.id, "codeName": item.code_name}
    if not item.active:
        rendered["status"] = INACTIVE
    rendered["description"] = item.description
    return rendered


def render(dimension: Dimension, code_name: str = "") -> dict[str, Any]:
    items = [render_item(i) for i in dimension.items if code_name in i.code_name.lower()]
    return {"id": dimension.id, "name": dimension.name, "items": items}


def search(company: SandboxCompany, name: str, code_name: str) -> list[dict[str, Any]]:
    """``GET /dimensions?name=&codeName=`` (partial, case-insensitive matches)."""
    return [
        render(d, code_name.lower())
        for d in company.dimensions.values()
        if name.lower() in d.name.lower()
    ]


def find(company: SandboxCompany, dimension_id: int) -> Dimension:
    dimension = company.dimensions.get(dimension_id)
    if dimension is None:
        raise ApiError(404, e.NOT_FOUND)
    return dimension


def add_item(company: SandboxCompany, dimension_id: int, payload: Any) -> dict[str, Any]:
    """``POST /dimensions/{id}/items`` ``{codeName, description, status?}``; ``codeName`` is
    unique within the dimension."""
    dimension = find(company, dimension_id)
    if not isinstance(payload, dict):
        raise ApiError(400, e.INVALID_JSON)
    errs = ValidationErrors()
    code_name = c.string(errs, payload, "codeName", "", required=True, blank_is_missing=True)
    if code_name is not None and any(i.code_name == code_name for i in dimension.items):
        errs.add("codeName", e.DUPLICATE_VALUE)
    description = c.string(errs, payload, "description", "")
    status = payload.get("status")
    if status is not None and status != INACTIVE:
        errs.add("status", e.INVALID_VALUE)
    c.windows_1252(errs, payload)
    errs.raise_if_any()
    assert code_name is not None
    item = DimensionItem(
        company.next_id("dimension_item"), code_name, description or "", active=status is None
    )
    company.dimensions[dimension_id] = dataclasses.replace(
        dimension, items=(*dimension.items, item)
    )
    return render_item(item)
