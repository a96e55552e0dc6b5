"""Invoices in the import format, for tests that go through the whole hub."""

from __future__ import annotations

from typing import Any


def invoice(number: str, **changes: Any) -> dict[str, Any]:
    """A valid domestic invoice of 2026-06-10 with two lines (25.5 % and 13.5 %)."""
    data: dict[str, Any] = {
        "number": number,
        "invoice_date": "2026-06-10",
        "due_date": "2026-06-24",
        "customer": {
            "ref": "C-1",
            "name": "Rakennus Virtanen Oy",
            "business_id": "0112038-9",
            "customer_number": "1001",
            "address": {
                "street": "Mannerheimintie 1",
                "postal_code": "00100",
                "city": "Helsinki",
                "country": "FI",
            },
            "email": "laskut@virtanen.example",
        },
        "lines": [
            {
                "description": "Asennustyö",
                "quantity": "3",
                "unit": "HUR",
                "unit_price": "85.00",
                "vat_rate": "25.5",
            },
            {
                "description": "Kahvi 1 kg",
                "quantity": "2",
                "unit": "KGM",
                "unit_price": "21.90",
                "discount_percent": "10",
                "vat_rate": "13.5",
            },
        ],
    }
    data.update(changes)
    return data


def credit_note(number: str, credits: str, **changes: Any) -> dict[str, Any]:
    data = invoice(number, kind="credit_note", credited_invoice_number=credits)
    data["lines"] = [
        {
            "description": "Hyvitys: asennustyö",
            "quantity": "-1",
            "unit": "HUR",
            "unit_price": "85.00",
            "vat_rate": "25.5",
        }
    ]
    data.update(changes)
    return data


def batch(count: int, start: int = 5001) -> list[dict[str, Any]]:
    return [invoice(str(start + i)) for i in range(count)]


def minimal_invoice(number: str, **line: Any) -> dict[str, Any]:
    """The fewest fields an import takes: one line, its fields overridable."""
    return {
        "number": number,
        "invoice_date": "2026-03-02",
        "due_date": "2026-03-16",
        "customer": {"ref": "C-1", "name": "Kahvila Aamurusko Oy"},
        "lines": [
            {
                "description": "Kahvi 1 kg",
                "quantity": "2",
                "unit_price": "21.90",
                "vat_rate": "13.5",
            }
            | line
        ],
    }
