"""What every group of Procountor endpoints builds on: one authenticated call, the page size,
and reading Procountor's answers (results lists, error bodies)."""

from __future__ import annotations

from typing import Any

import httpx

from tilisilta.http.jsonwire import decode_json

PAGE_SIZE = 200  # the largest page Procountor serves


class Calls:
    """The authenticated call the endpoint groups are written against (``api.ProcountorClient``
    makes it)."""

    def call(
        self,
        method: str,
        path: str,
        *,
        repeatable: bool,
        json_body: Any = None,
        params: dict[str, Any] | None = None,
        content: bytes | None = None,
        content_type: str | None = None,
    ) -> Any:
        raise NotImplementedError


def error_text(response: httpx.Response) -> str:
    """Procountor's ``{"errors":[{status, field, message}]}``, or whatever else came back."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:500] or f"HTTP {response.status_code}"
    if isinstance(body, dict):
        errors = body.get("errors")
        if isinstance(errors, list) and errors:
            parts = []
            for err in errors:
                if isinstance(err, dict):
                    field = err.get("field")
                    message = err.get("message", "")
                    parts.append(f"{field}: {message}" if field else str(message))
            return "; ".join(parts)
        for key in ("error_description", "message", "error"):
            if body.get(key):
                return str(body[key])
    return str(body)[:500]


def json_or_none(response: httpx.Response) -> Any:
    if not response.content:
        return None
    try:
        return decode_json(response.content)
    except ValueError:
        return response.text


def results(body: Any) -> list[dict[str, Any]]:
    if isinstance(body, list):
        return body
    if isinstance(body, dict) and isinstance(body.get("results"), list):
        return list(body["results"])
    return []
