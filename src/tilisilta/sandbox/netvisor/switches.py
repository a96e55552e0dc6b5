"""The sandbox's switches: where the reference leaves Netvisor's behaviour open, a switch picks
one, defaulting to the stricter (DESIGN.md: "be the stricter of the plausible behaviours").
Changed by tests directly or through ``PUT /_sandbox/netvisor/switches``."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

_CHOICES = {
    "duplicate_number": ("reject", "accept"),
    "replay_scope": ("partner", "user", "company", "global"),
    "empty_list": ("self-closing", "omitted"),
    "service_error_code": ("SYSTEM_MAINTANANCE", "TECHNICAL_ERROR"),
}


@dataclass
class Switches:
    #: An explicit invoice number already used in its series: DUPLICATE_DATA or a second
    #: invoice with it (§8.1, §8.2 item 9; unknown, default reject).
    duplicate_number: str = "reject"
    #: Refuse a body with an XML declaration or CDATA (§8.1, §8.2 item 6).
    refuse_xml_declaration: bool = True
    #: Where a transaction id must be unique (§8.2 item 3; default PartnerId).
    replay_scope: str = "partner"
    #: Tolerance of ``TimestampUnix`` against the clock, seconds (§8.2 item 2; [assumed] 300).
    max_clock_skew_s: float = 300.0
    #: Refuse a request to a company while another to it is in flight (§4, §8.2 item 20).
    refuse_overlap: bool = True
    #: Concurrent auto-numbered adds may take the same number (TAW README; §8.2 item 20).
    racy_numbering: bool = False
    #: Answer without ResponseStatus (RAN 46f8369) / without the XML declaration (§8.2 item 18).
    omit_response_status: bool = False
    omit_xml_declaration: bool = False
    #: How an empty list is written: ``<SalesInvoiceList />`` or left out (RAN 2025-11).
    empty_list: str = "self-closing"
    #: Probability (0..1) that a request is answered with ``service_error_code`` before anything
    #: is done (§8.2 item 20: SYSTEM_MAINTANANCE / TECHNICAL_ERROR).
    service_error_rate: float = 0.0
    service_error_code: str = "SYSTEM_MAINTANANCE"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def update(self, changes: dict[str, Any]) -> None:
        """Apply a partial update; validates everything first, changes nothing on error."""
        known = {f.name: f for f in fields(self)}
        unknown = sorted(set(changes) - set(known))
        if unknown:
            raise ValueError(f"unknown switches: {', '.join(unknown)}")
        for name, value in changes.items():
            current = getattr(self, name)
            if isinstance(current, bool):
                if not isinstance(value, bool):
                    raise ValueError(f"{name} must be true or false")
            elif isinstance(current, float):
                if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                    raise ValueError(f"{name} must be a non-negative number")
                if name == "service_error_rate" and value > 1:
                    raise ValueError("service_error_rate is a probability between 0 and 1")
            elif value not in _CHOICES[name]:
                raise ValueError(f"{name} must be one of {', '.join(_CHOICES[name])}")
        for name, value in changes.items():
            current = getattr(self, name)
            setattr(self, name, float(value) if isinstance(current, float) else value)
