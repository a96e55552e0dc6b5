"""One request as a resource handler sees it: the company, the language, the query parameters
(names lowered: matched case-insensitively, §8.1), the body, the time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING
from xml.etree.ElementTree import Element

from . import validate, xmlin
from .errors import INVALID_DATA_SIZE, NetvisorError, invalid
from .schema import Schema
from .state import Company
from .xmlout import HELSINKI, node

if TYPE_CHECKING:
    from .sandbox import NetvisorSandbox


@dataclass
class Ctx:
    sb: NetvisorSandbox
    company: Company
    language: str
    params: dict[str, str]
    method: str
    body: bytes
    content_type: str | None
    now: datetime
    resource: str
    #: The public base URL the request was made to (for the ``Uri`` of list rows).
    base: str = ""
    #: Next invoice numbers seen before the request waited (the racy-numbering switch).
    numbering: dict[str, str] | None = None

    @property
    def today(self) -> date:
        return self.now.astimezone(HELSINKI).date()

    @property
    def local_now(self) -> datetime:
        """Netvisor's own (Finnish, naive) time, which ``lastmodified*`` bounds are in."""
        return self.now.astimezone(HELSINKI).replace(tzinfo=None)

    def document(self, schema: Schema) -> Element:
        """The body's checked document element (§8.2 items 6 and 7)."""
        if self.method != "POST":
            raise invalid(f"{self.resource} takes a POST with an XML body")
        root = xmlin.parse_body(
            self.body,
            self.content_type,
            refuse_declaration=self.sb.switches.refuse_xml_declaration,
        )
        return validate.document(root, schema)

    def reading(self) -> None:
        if self.method != "GET":
            raise invalid(f"{self.resource} is read with GET")

    def param(self, name: str) -> str | None:
        raw = self.params.get(name)
        return raw.strip() if raw is not None and raw.strip() else None

    def keys(self, name: str, limit: int) -> list[int]:
        """A comma-separated list of NetvisorKeys, at most ``limit`` (§4; INVALID_DATA_SIZE
        beyond it, [assumed])."""
        raw = self.param(name) or ""
        parts = [part.strip() for part in raw.split(",") if part.strip()]
        if len(parts) > limit:
            raise NetvisorError(INVALID_DATA_SIZE, "size", name=name, count=len(parts), limit=limit)
        return [xmlin.integer(part, name) for part in parts]

    def codes(self, name: str, limit: int) -> list[str]:
        raw = self.param(name) or ""
        parts = [part.strip() for part in raw.split(",") if part.strip()]
        if len(parts) > limit:
            raise NetvisorError(INVALID_DATA_SIZE, "size", name=name, count=len(parts), limit=limit)
        return parts

    def day(self, name: str) -> date | None:
        raw = self.param(name)
        return xmlin.ansi_date(raw, name) if raw else None

    def moment(self, name: str) -> datetime | None:
        raw = self.param(name)
        return xmlin.moment(raw, name) if raw else None

    def listing(self, tag: str, rows: list[Element]) -> list[Element]:
        """A list element; empty as ``<Tag />`` or left out, per the switch (§8.2 item 20)."""
        if not rows and self.sb.switches.empty_list == "omitted":
            return []
        return [node(tag, children=rows)]

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(HELSINKI).replace(tzinfo=None)
