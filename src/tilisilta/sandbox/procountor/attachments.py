"""Invoice attachments: ``POST /attachments`` (multipart ``meta`` + ``file``), ``GET`` (multipart/
mixed: the meta as JSON, then the file) and ``DELETE``.

Strictness beyond Procountor's documentation, all our choices: the ``meta`` part must be sent as
``application/json`` (a Spring server refuses a JSON part without that type), the name must carry
a file extension, an empty file is refused, and only ``referenceType: INVOICE`` is stored.
Adding or deleting an attachment does not change the invoice ``version`` [unverified].
"""

from __future__ import annotations

import copy
import mimetypes
from collections.abc import Callable
from typing import Any

from . import checks as c
from . import enums
from . import errors as e
from .errors import ApiError, ValidationErrors
from .jsonio import dumps, loads
from .multipart import MultipartError, Part, boundary_of, mixed, parse_form_data, parse_header_value
from .state import SandboxCompany, StoredAttachment

MAX_FILE_BYTES = 10_000_000
#: Room for the meta part and multipart framing on top of the largest file.
MAX_BODY_BYTES = MAX_FILE_BYTES + 65_536
MAX_NAME = 255


def create(company: SandboxCompany, content_type: str, body: bytes) -> dict[str, Any]:
    meta_part, file_part = _parts(content_type, body)
    meta = _meta(meta_part)
    errs = ValidationErrors()
    name = c.string(errs, meta, "name", "", required=True, min_len=1, max_len=MAX_NAME)
    if name is not None and not _has_extension(name):
        errs.add("name", e.INVALID_VALUE)
    ref_type = c.enum(
        errs, meta, "referenceType", "", enums.ATTACHMENT_REFERENCE_TYPES, required=True
    )
    if ref_type is not None and ref_type not in enums.SANDBOX_ATTACHMENT_REFERENCE_TYPES:
        errs.add("referenceType", e.REFERENCE_TYPE_NOT_SUPPORTED)
    ref_id = c.integer(errs, meta, "referenceId", "", required=True)
    invoice = company.invoices.get(ref_id) if ref_id is not None else None
    if ref_id is not None and ref_type == "INVOICE" and invoice is None:
        errs.add("referenceId", e.REFERENCE_NOT_FOUND)
    mime_type = c.string(errs, meta, "mimeType", "", min_len=1, max_len=MAX_NAME)
    send = c.boolean(errs, meta, "sendWithInvoice", "", required=True)
    if send and invoice is not None and invoice["type"] not in enums.SEND_WITH_INVOICE_TYPES:
        errs.add("sendWithInvoice", e.SEND_WITH_INVOICE_NOT_ALLOWED)
    c.windows_1252(errs, meta)
    if len(file_part.data) > MAX_FILE_BYTES:
        errs.add("file", e.FILE_TOO_LARGE)
    elif not file_part.data:
        errs.add("file", e.FILE_EMPTY)
    errs.raise_if_any()
    assert name is not None and invoice is not None and send is not None

    stored: dict[str, Any] = {
        "id": company.next_id("attachment"),
        "name": name,
        "referenceType": ref_type,
        "referenceId": ref_id,
        "mimeType": mime_type or mimetypes.guess_type(name)[0] or "application/octet-stream",
        "sendWithInvoice": send,
    }
    company.attachments[stored["id"]] = StoredAttachment(stored, file_part.data)
    invoice.setdefault("attachments", []).append(copy.deepcopy(stored))
    return copy.deepcopy(stored)


def _parts(content_type: str, body: bytes) -> tuple[Part, Part]:
    if len(body) > MAX_BODY_BYTES:
        raise ApiError(400, e.FILE_TOO_LARGE, field="file")
    media_type, _params = parse_header_value(content_type)
    if media_type != "multipart/form-data":
        raise ApiError(415, e.UNSUPPORTED_MEDIA_TYPE)
    try:
        parts = parse_form_data(body, boundary_of(content_type))
    except MultipartError:
        raise ApiError(400, e.INVALID_MULTIPART) from None
    found: dict[str, Part] = {}
    errs = ValidationErrors()
    for part in parts:
        if part.name in ("meta", "file"):
            if part.name in found:
                errs.add(part.name, e.DUPLICATE_VALUE)
            found[part.name] = part
    for name in ("meta", "file"):
        if name not in found:
            errs.add(name, e.REQUIRED)
    errs.raise_if_any()
    return found["meta"], found["file"]


def _meta(part: Part) -> dict[str, Any]:
    media_type, params = parse_header_value(part.content_type or "")
    if media_type != "application/json":
        raise ApiError(415, e.UNSUPPORTED_MEDIA_TYPE, field="meta")
    try:
        meta = loads(part.data.decode(params.get("charset", "utf-8")))
    except (ValueError, LookupError):
        raise ApiError(400, e.INVALID_JSON, field="meta") from None
    if not isinstance(meta, dict):
        raise ApiError(400, e.INVALID_JSON, field="meta")
    return meta


def _has_extension(name: str) -> bool:
    stem, dot, extension = name.rpartition(".")
    return bool(dot and stem and extension and " " not in extension)


def find(company: SandboxCompany, attachment_id: int) -> StoredAttachment:
    stored = company.attachments.get(attachment_id)
    if stored is None:
        raise ApiError(404, e.NOT_FOUND)
    return stored


def read(
    company: SandboxCompany, attachment_id: int, new_boundary: Callable[[], str]
) -> tuple[bytes, str]:
    """The ``multipart/mixed`` body and its boundary: the meta (JSON), then the file."""
    stored = find(company, attachment_id)
    boundary = new_boundary()
    while boundary.encode() in stored.content:
        boundary = new_boundary()
    name = str(stored.meta["name"]).replace("\\", "\\\\").replace('"', '\\"')
    body = mixed(
        [
            ({"Content-Type": "application/json"}, dumps(stored.meta).encode("utf-8")),
            (
                {
                    "Content-Type": str(stored.meta["mimeType"]),
                    "Content-Disposition": f'attachment; filename="{name}"',
                },
                stored.content,
            ),
        ],
        boundary,
    )
    return body, boundary


def delete(company: SandboxCompany, attachment_id: int) -> None:
    stored = find(company, attachment_id)
    del company.attachments[attachment_id]
    invoice = company.invoices.get(int(stored.meta["referenceId"]))
    if invoice is not None:
        invoice["attachments"] = [a for a in invoice["attachments"] if a["id"] != attachment_id]


def metas(company: SandboxCompany) -> list[dict[str, Any]]:
    return [copy.deepcopy(company.attachments[i].meta) for i in sorted(company.attachments)]
