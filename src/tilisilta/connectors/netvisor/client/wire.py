"""Netvisor's XML on the wire: request bodies built in DTD order, responses read leniently.

Requests are lower-case elements under ``<root>`` with no XML declaration (Netvisor refuses one;
reference §8.1), decimals with a comma as Netvisor's own examples write them. Responses are read
case-insensitively (their tag casing is irregular: ``Customerlist``, ``Netvisorkey``), with comma
or dot decimals and ANSI or Finnish dates. A failure is ``FAILED`` then ``CODE :: text``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import IO, Any, TypeVar

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException

from tilisilta.http.errors import ApiError, AuthenticationFailed

Element = ET.Element
T = TypeVar("T")


# -- building requests ------------------------------------------------------------------------
def node(tag: str, text: Any = None, /, **attributes: str | None) -> Element:
    element = ET.Element(
        tag, {k: v for k, v in attributes.items() if v is not None}
    )  # None: left out
    if text is not None:
        element.text = wire_text(text)
    return element


def tree(tag: str, children: Iterable[Element | None], /, **attributes: str | None) -> Element:
    """An element with the given children in the given (DTD) order; ``None`` children left out."""
    element = node(tag, **attributes)
    element.extend(child for child in children if child is not None)
    return element


def optional(tag: str, text: Any, /, **attributes: str | None) -> Element | None:
    """An element only when there is something to say: Netvisor blanks a field on an empty
    element in an edit."""
    if text is None or (isinstance(text, str) and not text.strip()):
        return None
    return node(tag, text, **attributes)


def wire_text(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", ",")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def body(root_child: Element) -> bytes:
    """The request body: ``<root>`` and the document, UTF-8, no declaration."""
    root = ET.Element("root")
    root.append(root_child)
    return ET.tostring(root, encoding="unicode").encode("utf-8")


# -- reading responses ------------------------------------------------------------------------
class NetvisorRefused(ApiError):
    """Netvisor answered FAILED with ``CODE :: text``."""

    def __init__(self, code: str, text: str, body: str | None = None) -> None:
        super().__init__(200, f"{code} :: {text}" if text else code, body)
        self.code = code
        self.text = text


class NetvisorAuthFailed(NetvisorRefused, AuthenticationFailed):
    """AUTHENTICATION_FAILED: every further request would fail the same way."""


class NotXml(Exception):
    """A response Netvisor should have written as XML was not XML."""


TRANSIENT_CODES = frozenset({"TECHNICAL_ERROR", "SYSTEM_MAINTANANCE"})


def parse(content: bytes) -> Element:
    """The response's root element, OK or a raised :class:`NetvisorRefused`."""
    try:
        root: Element = SafeET.fromstring(content)
    except (ET.ParseError, DefusedXmlException, ValueError) as exc:
        raise _not_xml(exc, content[:80]) from None
    _check(child(root, "ResponseStatus"), lambda: content)  # some answers lack one (§8.1)
    return root


Wanted = Callable[[Sequence[Element], Element], bool]


def at_path(*path: str) -> Wanted:
    """The elements at ``path`` below the root (the last name the element's own)."""
    wanted = [name.lower() for name in path]

    def at(ancestors: Sequence[Element], element: Element) -> bool:
        if len(ancestors) != len(wanted):
            return False
        names = [e.tag.lower() for e in ancestors[1:]] + [element.tag.lower()]
        return names == wanted

    return at


def elements(answer: IO[bytes], wanted: Wanted) -> Iterator[Element]:
    """The ``wanted`` elements of an answer (given the open elements from the root down, and
    the element, once it is read whole), as the XML streams past from the file: each is dropped
    from the tree once the next is read, so an answer of any length costs one element's memory.
    A FAILED answer raises as :func:`parse` does, an answer that is not XML :class:`NotXml`."""
    answer.seek(0)
    open_elements: list[Element] = []  # from the root down to the element being read
    try:
        for event, element in SafeET.iterparse(answer, events=("start", "end")):
            if event == "start":
                open_elements.append(element)
                continue
            open_elements.pop()
            if len(open_elements) == 1 and element.tag.lower() == "responsestatus":
                _check(element, lambda: _whole(answer))
            elif open_elements and wanted(open_elements, element):
                yield element
                open_elements[-1].remove(element)
    except (ET.ParseError, DefusedXmlException, ValueError) as exc:
        raise _not_xml(exc, _start(answer)) from None


def count(answer: IO[bytes], wanted: Wanted) -> int:
    """How many ``wanted`` elements the answer holds, read through once: so a caller knows the
    answer is whole, and not refused, before it acts on any of them."""
    return sum(1 for _ in elements(answer, wanted))


def _whole(answer: IO[bytes]) -> bytes:
    answer.seek(0)
    return answer.read()


def _start(answer: IO[bytes]) -> bytes:
    answer.seek(0)
    return answer.read(80)


def _not_xml(error: Exception, start: bytes) -> NotXml:
    return NotXml(f"Netvisor's answer is not XML ({error}): {start!r}")


def _check(status: Element | None, content: Callable[[], bytes]) -> None:
    """Raise the refusal a FAILED ``ResponseStatus`` tells of (``content``: the answer, for the
    error's record)."""
    values = [(s.text or "").strip() for s in children(status, "Status")]
    if values and values[0].upper() == "FAILED":
        detail = values[1] if len(values) > 1 else ""
        code, _, text = detail.partition(" :: ")
        code = code.strip() or "FAILED"
        error = NetvisorAuthFailed if code == "AUTHENTICATION_FAILED" else NetvisorRefused
        raise error(code, text.strip(), content().decode("utf-8", errors="replace"))


def children(element: Element | None, name: str) -> list[Element]:
    if element is None:
        return []
    wanted = name.lower()
    return [c for c in element if c.tag.lower() == wanted]


def child(element: Element | None, name: str) -> Element | None:
    found = children(element, name)
    return found[0] if found else None


def descend(element: Element | None, *names: str) -> Element | None:
    for name in names:
        element = child(element, name)
    return element


def text(element: Element | None, name: str) -> str | None:
    """The child's text, stripped; None when missing or empty."""
    found = child(element, name)
    value = (found.text or "").strip() if found is not None else ""
    return value or None


def decimal_of(value: str | None) -> Decimal | None:
    """``123,45``, ``244.12``, ``1 234,50`` → Decimal; None for nothing."""
    if value is None or not value.strip():
        return None
    cleaned = value.strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"not a number: {value!r}") from None


def date_of(value: str | None) -> date | None:
    """``2013-11-09`` (ANSI) or ``7.2.2014`` (Finnish) → date."""
    if value is None or not value.strip():
        return None
    raw = value.strip()[:10]
    if "." in raw:
        day, month, year = (int(part) for part in value.strip().split()[0].split("."))
        return date(year, month, day)
    return date.fromisoformat(raw)


@dataclass(frozen=True)
class Row:
    """One list row read case-insensitively: ``row["netvisorkey"]``."""

    element: Element

    def get(self, name: str) -> str | None:
        return text(self.element, name)

    def attribute(self, name: str, attribute: str) -> str | None:
        found = child(self.element, name)
        if found is None:
            return None
        for key, value in found.attrib.items():
            if key.lower() == attribute.lower():
                return value
        return None


def rows(root: Element, *path: str) -> Iterator[Row]:
    """The rows at ``path`` (the last name is the row element)."""
    *parents, name = path
    for element in children(descend(root, *parents), name):
        yield Row(element)
