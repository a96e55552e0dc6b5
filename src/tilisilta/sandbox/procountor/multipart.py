"""A minimal, strict ``multipart/form-data`` reader (RFC 7578) and a ``multipart/mixed`` writer.

Starlette's ``request.form()`` needs the ``python-multipart`` package, which is not a dependency of
this project; attachments are the only multipart the sandbox reads, so this small reader does it.
It accepts exactly what a well-behaved client sends (httpx, requests, browsers, Spring): a boundary
parameter, CRLF line breaks, a ``Content-Disposition: form-data; name=...`` header on every part,
and a closing delimiter. Anything else is refused rather than guessed at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PARAM = re.compile(r';\s*([^=;\s]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)')
MAX_BOUNDARY = 70


class MultipartError(ValueError):
    """The body is not well-formed multipart."""


@dataclass(frozen=True)
class Part:
    name: str
    filename: str | None
    content_type: str | None
    data: bytes


def parse_header_value(value: str) -> tuple[str, dict[str, str]]:
    """``form-data; name="meta"`` -> ``("form-data", {"name": "meta"})`` (keys lower-cased)."""
    main, _, rest = value.partition(";")
    params: dict[str, str] = {}
    for match in _PARAM.finditer(";" + rest):
        key, raw = match.group(1).lower(), match.group(2).strip()
        if raw.startswith('"'):
            raw = re.sub(r"\\(.)", r"\1", raw[1:-1])
        params[key] = raw
    return main.strip().lower(), params


def boundary_of(content_type: str) -> str:
    media_type, params = parse_header_value(content_type)
    if media_type != "multipart/form-data":
        raise MultipartError("not multipart/form-data")
    boundary = params.get("boundary", "")
    if not 1 <= len(boundary) <= MAX_BOUNDARY:
        raise MultipartError("missing or overlong boundary")
    return boundary


def parse_form_data(body: bytes, boundary: str) -> list[Part]:
    delimiter = b"--" + boundary.encode("latin-1")
    if not body.startswith(delimiter):
        raise MultipartError("the body does not start with the boundary")
    rest = body[len(delimiter) :]
    parts: list[Part] = []
    while True:
        if rest.startswith(b"--"):
            return parts  # the closing delimiter; an epilogue after it is ignored
        if not rest.startswith(b"\r\n"):
            raise MultipartError("a boundary line must end with CRLF")
        rest = rest[2:]
        end = rest.find(b"\r\n" + delimiter)
        if end < 0:
            raise MultipartError("a part is not terminated by the boundary")
        parts.append(_part(rest[:end]))
        rest = rest[end + 2 + len(delimiter) :]


def _part(section: bytes) -> Part:
    head, separator, data = section.partition(b"\r\n\r\n")
    if not separator:
        raise MultipartError("a part has no header/body separator")
    headers: dict[str, str] = {}
    for line in head.split(b"\r\n"):
        name, colon, value = line.partition(b":")
        if not colon or not name.strip():
            raise MultipartError("a malformed part header")
        headers[name.strip().decode("latin-1").lower()] = value.strip().decode("utf-8", "replace")
    disposition, params = parse_header_value(headers.get("content-disposition", ""))
    if disposition != "form-data" or not params.get("name"):
        raise MultipartError("every part needs Content-Disposition: form-data; name=...")
    return Part(params["name"], params.get("filename"), headers.get("content-type"), data)


def mixed(parts: list[tuple[dict[str, str], bytes]], boundary: str) -> bytes:
    """A ``multipart/mixed`` body; ``boundary`` must not occur in any part."""
    delimiter = b"--" + boundary.encode("ascii")
    out = bytearray()
    for headers, data in parts:
        out += delimiter + b"\r\n"
        for name, value in headers.items():
            out += f"{name}: {value}\r\n".encode()
        out += b"\r\n" + data + b"\r\n"
    out += delimiter + b"--\r\n"
    return bytes(out)
