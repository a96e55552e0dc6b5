"""List conventions of the Procountor API: ``size`` (default 50, max 200), 0-based ``page``,
``previousId``, ``orderBy*`` (ASC|DESC, default id DESC), and batch GETs of comma-separated ids."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from starlette.datastructures import QueryParams

from . import enums
from . import errors as e
from .checks import parse_date, parse_datetime
from .errors import ApiError

T = TypeVar("T")

DEFAULT_SIZE = 50
MAX_SIZE = 200
MAX_BATCH_IDS = 200


def int_param(query: QueryParams, name: str, default: int | None = None) -> int | None:
    raw = query.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ApiError(400, e.INVALID_VALUE, field=name) from None


def list_param(query: QueryParams, name: str, allowed: Iterable[str] | None = None) -> list[str]:
    """Repeated (``?types=A&types=B``) or comma-separated (``?types=A,B``)."""
    values = [v.strip() for raw in query.getlist(name) for v in raw.split(",") if v.strip()]
    if allowed is not None:
        allowed_set = set(allowed)
        for value in values:
            if value not in allowed_set:
                raise ApiError(400, e.INVALID_VALUE, field=name)
    return values


def bool_param(query: QueryParams, name: str, default: bool) -> bool:
    raw = query.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in ("true", "false"):
        return raw.lower() == "true"
    raise ApiError(400, e.INVALID_VALUE, field=name)


def date_param(query: QueryParams, name: str) -> str | None:
    """A ``YYYY-MM-DD`` filter as an ISO string (comparable with stored dates)."""
    raw = query.get(name)
    if raw is None:
        return None
    parsed = parse_date(raw)
    if parsed is None:
        raise ApiError(400, e.INVALID_VALUE, field=name)
    return parsed.isoformat()


def datetime_param(query: QueryParams, name: str) -> str | None:
    """A ``versionStartDate``-style filter as ``YYYY-MM-DDTHH:MM:SS`` (comparable with versions)."""
    raw = query.get(name)
    if raw is None:
        return None
    parsed = parse_datetime(raw)
    if parsed is None:
        raise ApiError(400, e.INVALID_VALUE, field=name)
    return parsed.replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%S")


def page_params(query: QueryParams) -> tuple[int, int]:
    size = int_param(query, "size", DEFAULT_SIZE)
    page = int_param(query, "page", 0)
    assert size is not None and page is not None
    if not 1 <= size <= MAX_SIZE:
        raise ApiError(400, e.VALUE_OUT_OF_RANGE, field="size")
    if page < 0:
        raise ApiError(400, e.VALUE_OUT_OF_RANGE, field="page")
    return size, page


def order(
    query: QueryParams,
    keys: Mapping[str, Callable[[T], Any]],
    id_of: Callable[[T], int],
    default_descending: bool = True,
) -> tuple[Callable[[T], Any], bool]:
    """The first ``orderBy*`` parameter present wins; ties and the default go by id (DESC unless
    the endpoint says otherwise)."""
    for name, value in query.multi_items():
        if name in keys:
            if value not in enums.ORDER:
                raise ApiError(400, e.INVALID_VALUE, field=name)
            return _then_by_id(keys[name], id_of), value == "DESC"
    return id_of, default_descending


def _then_by_id(key: Callable[[T], Any], id_of: Callable[[T], int]) -> Callable[[T], Any]:
    return lambda item: (key(item), id_of(item))


def paginate(
    items: list[T],
    query: QueryParams,
    keys: Mapping[str, Callable[[T], Any]],
    id_of: Callable[[T], int],
    render: Callable[[T], dict[str, Any]],
    default_descending: bool = True,
) -> dict[str, Any]:
    size, page = page_params(query)
    sort_key, descending = order(query, keys, id_of, default_descending)
    previous = int_param(query, "previousId")
    ordered = sorted(items, key=sort_key, reverse=descending)
    if previous is not None:
        default = "DESC" if default_descending else "ASC"
        id_desc = dict(query).get("orderById", default) == "DESC"
        ordered = [i for i in ordered if (id_of(i) < previous if id_desc else id_of(i) > previous)]
    chunk = ordered[page * size : (page + 1) * size]
    # Procountor often leaves totalCount out; the sandbox always does, so clients cannot rely on it.
    return {
        "results": [render(i) for i in chunk],
        "meta": {"pageNumber": page, "pageSize": size, "resultCount": len(chunk)},
    }


def batch_ids(raw: str) -> tuple[list[int], bool]:
    """Parse ``{id}`` or ``{id1,id2,...}``; returns the ids and whether it was a batch."""
    parts = raw.split(",")
    if len(parts) > MAX_BATCH_IDS:
        raise ApiError(400, e.TOO_MANY_IDS)
    ids = []
    for part in parts:
        part = part.strip()
        if part.isdigit():
            ids.append(int(part))
    return ids, len(parts) > 1


def batch_get(
    raw: str, lookup: Callable[[int], T | None], render: Callable[[T], dict[str, Any]]
) -> dict[str, Any] | list[dict[str, Any]]:
    """One id: the object. Several: the valid ones, sorted by id, always as a list. None: 404."""
    ids, is_batch = batch_ids(raw)
    found = sorted({i for i in ids if lookup(i) is not None})
    if not found:
        raise ApiError(404, e.NOT_FOUND)
    items = [render(lookup_ok) for lookup_ok in (lookup(i) for i in found) if lookup_ok is not None]
    return items if is_batch else items[0]
