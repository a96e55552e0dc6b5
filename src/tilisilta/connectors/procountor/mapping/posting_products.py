"""Posting products (seed 003's transport-system export): one Procountor product per unique
combination of account, VAT status, VAT rate and dimension items, created once in a product group
of their own and reused, so that each invoice row carries its posting through its product.

The combination is a document of kind ``posting_product`` keyed by a short digest of it (which is
also the product's code in Procountor); its binding is the Procountor product. Before creating
one, the hub looks the code up in Procountor, so a product created by a run whose answer was lost
is found rather than made twice.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from tilisilta.domain.documents import Document as Canonical
from tilisilta.domain.documents import InvoiceLine
from tilisilta.domain.validation import Problem

POSTING_PRODUCT = "posting_product"
DEFAULT_GROUP = "Tilisilta"


class PostingProduct(Canonical):
    """The posting a product stands for."""

    account: str
    vat_status: int
    vat_rate: Decimal
    dimensions: dict[str, str]
    currency: str = "EUR"

    @property
    def code(self) -> str:
        """Stable for the combination: the same posting always finds the same product."""
        key = json.dumps(
            [
                self.account,
                self.vat_status,
                format(self.vat_rate.normalize(), "f"),
                sorted(self.dimensions.items()),
                self.currency,
            ],
            separators=(",", ":"),
        )
        return "TS-" + hashlib.sha256(key.encode()).hexdigest()[:16].upper()

    @property
    def name(self) -> str:
        rate = format(self.vat_rate.normalize(), "f")
        parts = [f"Tili {self.account}", f"ALV {rate} % (tila {self.vat_status})"]
        parts += [f"{dimension}: {item}" for dimension, item in sorted(self.dimensions.items())]
        return " / ".join(parts)[:100]

    def body(self, group_id: int | None) -> dict[str, Any]:
        """POST /products: the account, VAT status and rate are what the product carries."""
        body: dict[str, Any] = {
            "type": "SALES",
            "code": self.code,
            "name": self.name,
            "unit": "NO_UNIT",
            "price": Decimal(0),
            "discount": Decimal(0),
            "vat": self.vat_rate,
            "vatStatus": self.vat_status,
            "defaultAccount": self.account,
            "active": True,
            "currency": self.currency,
        }
        if group_id is not None:
            body["productGroupId"] = group_id
        return body


def posting_of(
    line: InvoiceLine, currency: str, vat_statuses: Mapping[str, int]
) -> PostingProduct | None:
    """The posting of a row; None when it has no account or its VAT treatment is unmapped
    (``missing_accounts`` and the VAT checks report those before sending)."""
    status = vat_statuses.get(line.vat_treatment.value)
    if not line.account or status is None:
        return None
    return PostingProduct(
        account=line.account.strip(),
        vat_status=status,
        vat_rate=line.vat_rate,
        dimensions=dict(line.dimensions),
        currency=currency,
    )


def missing_accounts(invoice_label: str, lines: list[InvoiceLine]) -> list[Problem]:
    """In posting-products mode every row's posting is its account: a row without one is a data
    issue before anything is sent."""
    return [
        Problem(
            document=invoice_label,
            field=f"lines[{position}].account",
            value=None,
            message="The row has no account, and the connection sends postings as products "
            "(posting products): each row needs the revenue account it is booked to.",
            fix="give the row its account in the ERP and import again, or turn posting products "
            "off for the connection",
            rule="procountor_posting_account",
        )
        for position, line in enumerate(lines, start=1)
        if not (line.account or "").strip()
    ]
