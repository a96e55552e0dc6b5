"""Writing answers as Netvisor does (reference netvisor.md §3, §8.2 items 4 and 18).

``Root/ResponseStatus/{Status, TimeStamp}`` with the ``d.M.yyyy H:mm:ss`` Finnish timestamp;
failures carry two ``Status`` elements, ``FAILED`` then ``CODE :: text``. Tag names are spelled
by the callers exactly as Netvisor spells them (``Customerlist``, ``Netvisorkey``, …); money is
written with a decimal comma, document dates ANSI with ``format="ansi"``, list dates Finnish.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from xml.etree.ElementTree import Element, SubElement, tostring
from zoneinfo import ZoneInfo

from starlette.responses import Response

HELSINKI = ZoneInfo("Europe/Helsinki")
DECLARATION = b'<?xml version="1.0" encoding="utf-8" standalone="yes"?>\n'
CONTENT_TYPE = "text/xml; charset=utf-8"  # undocumented (§8.2 "still unknown")

_YES_NO = {"FI": ("Kyllä", "Ei"), "EN": ("Yes", "No"), "SE": ("Ja", "Nej")}


def node(
    tag: str,
    text: str | None = None,
    attrs: dict[str, str] | None = None,
    children: Iterable[Element] = (),
) -> Element:
    element = Element(tag, attrs or {})
    if text is not None:
        element.text = text
    element.extend(children)
    return element


def add(parent: Element, tag: str, text: str | None = None, **attrs: str) -> Element:
    element = SubElement(parent, tag, attrs)
    if text is not None:
        element.text = text
    return element


def money(amount: Decimal | None, places: int = 2) -> str:
    """``123,45``: Netvisor's decimal comma (§3)."""
    if amount is None:
        return ""
    quantum = Decimal(1).scaleb(-places)
    return str(amount.quantize(quantum, rounding=ROUND_HALF_UP)).replace(".", ",")


def number(amount: Decimal | None) -> str:
    """A quantity or percentage, comma decimal, no trailing zeros (``22``, ``1,5``)."""
    if amount is None:
        return ""
    text = format(amount.normalize(), "f")
    return text.replace(".", ",")


def ansi(day: date | None) -> str:
    return day.isoformat() if day else ""


def finnish(day: date | None) -> str:
    """``7.2.2014`` (salespaymentlist, accountingledger; §3)."""
    return f"{day.day}.{day.month}.{day.year}" if day else ""


def stamp(moment: datetime) -> str:
    """``d.M.yyyy H:mm:ss`` in Finnish time (§3)."""
    local = moment.astimezone(HELSINKI)
    return f"{local.day}.{local.month}.{local.year} {local.hour}:{local:%M:%S}"


def yes_no(flag: bool, language: str) -> str:
    """Localized booleans (HEL README: ``Yes/No`` vs ``Kyllä/Ei``; §8.2 item 18)."""
    yes, no = _YES_NO.get(language, _YES_NO["FI"])
    return yes if flag else no


def envelope(
    now: datetime,
    content: Iterable[Element] = (),
    *,
    failure: str | None = None,
    with_status: bool = True,
    with_declaration: bool = True,
) -> bytes:
    """The whole answer. ``failure`` is ``CODE :: text``; ``with_status=False`` leaves out
    ResponseStatus (RAN 46f8369: some answers lack it; a switchable quirk, §8.2 item 20)."""
    root = Element("Root")
    if with_status or failure:
        status = add(root, "ResponseStatus")
        add(status, "Status", "FAILED" if failure else "OK")
        if failure:
            add(status, "Status", failure)
        add(status, "TimeStamp", stamp(now))
    root.extend(content)
    body = tostring(root, encoding="unicode").encode("utf-8")
    return (DECLARATION if with_declaration else b"") + body


def xml_response(body: bytes, status: int = 200) -> Response:
    return Response(body, status_code=status, media_type=CONTENT_TYPE)
