"""A customer update to Procountor passes under both readings of its PATCH (issue 10, item 7)."""

from __future__ import annotations

from typing import Any

from tilisilta.connectors.procountor.mapping.registers import partner_body, partner_change
from tilisilta.domain.documents import Address, Party


def remote_of(body: dict[str, Any]) -> dict[str, Any]:
    """The partner as Procountor holds it after someone set payment terms by hand."""
    return {
        **body,
        "id": 7,
        "version": "2026-06-10T12:00:00",
        "paymentInfo": {"paymentMethod": "BANK_TRANSFER", "paymentTermDays": "21"},
    }


def test_a_patch_always_carries_name_type_and_the_whole_payment_info() -> None:
    party = Party(ref="C-1", name="Virtanen Oy", customer_number="1001", address=Address())
    remote = remote_of(partner_body(party))
    changed = party.model_copy(update={"email": "reskontra@virtanen.example"})

    method, patch = partner_change(remote, partner_body(changed))  # type: ignore[misc]

    assert method == "PATCH"
    assert patch["invoicingInfo"]["email"] == "reskontra@virtanen.example"
    assert patch["name"] == "Virtanen Oy" and patch["type"] == "CUSTOMER"
    # Whole, as Procountor holds it: the terms a person set stay, the method is there.
    assert patch["paymentInfo"] == {"paymentMethod": "BANK_TRANSFER", "paymentTermDays": "21"}


def test_nothing_changed_is_no_call() -> None:
    party = Party(ref="C-1", name="Virtanen Oy", customer_number="1001", address=Address())
    body = partner_body(party)
    assert partner_change(remote_of(body), body) is None
