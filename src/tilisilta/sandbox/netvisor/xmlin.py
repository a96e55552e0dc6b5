"""Reading a request body and request values the way Netvisor reads them.

* Body (reference netvisor.md §1, §8.1, §8.2 item 6): decoded by the Content-Type charset, else
  UTF-8, else ISO-8859-15; it starts with ``<root>``; an XML declaration or CDATA is refused
  (switchable); element and attribute names are matched case-insensitively, so they are lowered
  here once. Parsed with defusedxml: no DTDs, no entities (DESIGN.md, XML).
* Values: comma or dot decimals (§4, §8.2 item 6); ANSI dates ``YYYY-MM-DD`` (§1; the vendor's own
  example writes ``2018-5-29``, so one-digit months and days are read too).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from .errors import NetvisorError, invalid

_TAG_NAME = re.compile(r"<(/?)([A-Za-z_][\w.-]*)")
_CHARSET = re.compile(r"charset\s*=\s*\"?([A-Za-z0-9._-]+)", re.IGNORECASE)
_DECIMAL = re.compile(r"^-?\d+(?:[.,]\d+)?$")
_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DATETIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})$")


def decode(body: bytes, content_type: str | None) -> str:
    match = _CHARSET.search(content_type or "")
    if match:
        try:
            return body.decode(match.group(1))
        except (LookupError, UnicodeDecodeError):
            raise invalid(f"the body is not in the declared charset {match.group(1)}") from None
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return body.decode("iso-8859-15")  # Nordic letters in Netvisor's own encoding (§1)


def parse_body(
    body: bytes, content_type: str | None, *, refuse_declaration: bool = True
) -> Element:
    """The ``root`` element, every name in lower case; INVALID_DATA when it is not one."""
    text = decode(body, content_type).lstrip("\ufeff \t\r\n")
    if not text:
        raise invalid("the request has no XML body")
    if refuse_declaration and text.startswith("<?xml"):
        raise invalid("the body must start with <root>: no XML declaration")  # §8.1
    if refuse_declaration and "<![CDATA[" in text:
        raise invalid("CDATA sections are not allowed")  # §8.1
    # Names are matched case-insensitively, so <Root>…</root> is one element (RAN's vendor-style
    # payment.xml closes <root> with </Root>; §1): lower every tag name before parsing.
    text = _TAG_NAME.sub(lambda m: "<" + m.group(1) + m.group(2).lower(), text)
    try:
        root: Element = fromstring(text, forbid_dtd=True)
    except (ParseError, DefusedXmlException, ValueError) as problem:
        raise invalid(f"the body is not well-formed XML: {problem}") from None
    for element in root.iter():
        element.attrib = {name.lower(): value for name, value in element.attrib.items()}
    if root.tag != "root":
        raise invalid(f"the body must start with <root>, not <{root.tag}>")
    return root


def value(element: Element | None) -> str | None:
    """The stripped text of an element; None when the element is absent."""
    if element is None:
        return None
    return (element.text or "").strip()


def decimal(raw: str, name: str) -> Decimal:
    if not _DECIMAL.match(raw.strip()):
        raise invalid(f"{name}: '{raw}' is not a number")
    try:
        return Decimal(raw.strip().replace(",", "."))
    except InvalidOperation:
        raise invalid(f"{name}: '{raw}' is not a number") from None


def ansi_date(raw: str, name: str) -> date:
    match = _DATE.match(raw.strip())
    if match:
        try:
            return date(*(int(part) for part in match.groups()))
        except ValueError:
            pass
    raise invalid(f"{name}: '{raw}' is not a date (YYYY-MM-DD)")


def integer(raw: str, name: str) -> int:
    if not raw.strip().isdigit():
        raise invalid(f"{name}: '{raw}' is not a whole number")
    return int(raw.strip())


def flag(raw: str, name: str) -> bool:
    """Request booleans: 1/0 (DTD examples) or true/false."""
    lowered = raw.strip().lower()
    if lowered in ("1", "true"):
        return True
    if lowered in ("0", "false", ""):
        return False
    raise invalid(f"{name}: '{raw}' is not 0 or 1")


def moment(raw: str, name: str) -> datetime:
    """A ``lastmodified*`` bound: ``yyyy-MM-ddTHH:mm:ss``, the same with a space, or a plain date
    (start of day) (§8.2 items 13, 14). Naive: Netvisor's local (Finnish) time."""
    text = raw.strip()
    match = _DATETIME.match(text)
    if match:
        try:
            y, mo, d, h, mi, s = (int(part) for part in match.groups())
            return datetime(y, mo, d, h, mi, s)
        except ValueError:
            pass
    elif _DATE.match(text):
        day = ansi_date(text, name)
        return datetime(day.year, day.month, day.day)
    raise NetvisorError("INVALID_DATA", detail=f"{name}: '{raw}' is not a date or date and time")
