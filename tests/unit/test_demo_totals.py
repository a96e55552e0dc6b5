"""The demo's totals check names every invoice whose totals differ anywhere."""

from __future__ import annotations

from decimal import Decimal

from tilisilta.demo.totals import compare_totals, odoo_totals, procountor_totals


def test_a_cent_of_difference_anywhere_is_reported_with_all_three_figures() -> None:
    erp = odoo_totals(
        [
            {"name": "INV/1", "move_type": "out_invoice", "amount_total": 10630.65},
            {"name": "RINV/1", "move_type": "out_refund", "amount_total": 12.5},
        ]
    )
    remote = procountor_totals(
        [
            {
                "originalInvoiceNumber": "INV/1",
                "paymentInfo": {"currency": "EUR"},
                "invoiceSumInfo": [{"currency": "EUR", "invoiceSumTotal": 10630.65}],
            },
            {
                "originalInvoiceNumber": "RINV/1",
                "paymentInfo": {"currency": "EUR"},
                "invoiceSumInfo": [{"currency": "EUR", "invoiceSumTotal": -12.5}],
            },
        ]
    )
    hub = {"INV/1": Decimal("10630.66"), "RINV/1": Decimal("-12.50"), "INV/2": Decimal(1)}

    check = compare_totals(erp, hub, remote)

    assert check.compared == 2  # INV/2 was not sent: nothing to compare
    assert check.disagreeing == ["INV/1: Odoo 10630.65, hub 10630.66, Procountor 10630.65"]
