"""A period's Netvisor payments kept on disk by invoice number: each batch of unpaid invoices
gets exactly the rows Netvisor listed for its numbers, in Netvisor's order, nothing lost or
changed on the way (sums to the cent, dates, unreadable figures as None)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import httpx

from tilisilta.clock import ManualClock
from tilisilta.connectors.netvisor.client.api import NetvisorClient, SalesPaymentRow
from tilisilta.connectors.netvisor.client.auth import Credentials
from tilisilta.connectors.netvisor.flows.period_payments import PeriodPayments
from tilisilta.connectors.netvisor.options import MacScheme


def answering(content: str) -> NetvisorClient:
    credentials = Credentials(
        "Tilisilta", "c", "p", "0112038-9", "FI", "ck", "pk", MacScheme.HMACSHA256
    )
    transport = httpx.MockTransport(lambda request: httpx.Response(200, text=content))
    return NetvisorClient(
        "https://isvapi.netvisor.fi", credentials, clock=ManualClock(), transport=transport
    )


def listing(*payments: tuple[str, str, str, str]) -> str:
    rows = "".join(
        f"<SalesPayment><NetvisorKey>{key}</NetvisorKey><Name>Maksaja</Name><Date>{day}</Date>"
        f"<Sum>{amount}</Sum><InvoiceNumber>{number}</InvoiceNumber><BankStatus>OK</BankStatus>"
        "</SalesPayment>"
        for key, day, amount, number in payments
    )
    status = "<ResponseStatus><Status>OK</Status></ResponseStatus>"
    return f"<Root>{status}<SalesPaymentList>{rows}</SalesPaymentList></Root>"


def test_each_number_gets_its_rows_as_netvisor_listed_them() -> None:
    rows = [
        SalesPaymentRow(
            netvisor_key=str(n),
            payment_date=date(2026, 6, 1 + n % 28) if n % 7 else None,
            amount=Decimal(f"{n}.{n % 100:02d}") if n % 11 else None,
            invoice_number=f"A-{n % 600}",
            reference=f"10{n}" if n % 2 else None,
            name="Öljy-Ässä Oy" if n % 3 else None,
            bank_status="FAILED" if n % 13 == 0 else "OK",
        )
        for n in range(1, 1501)
    ]
    nameless = SalesPaymentRow("9999", date(2026, 6, 1), Decimal(1), None, None, None, None)
    numbers = [f"A-{n}" for n in range(600)] + ["B-1"]
    with PeriodPayments([*rows, nameless]) as period:
        found = period.of(numbers)
    expected: dict[str, list[SalesPaymentRow]] = {}
    for row in rows:
        expected.setdefault(row.invoice_number or "", []).append(row)
    assert found == expected  # the 1,500 rows in their order; none for B-1 nor the nameless
    assert sum(len(r) for r in found.values()) == 1500


def test_a_sum_or_date_netvisor_wrote_unreadably_is_none_for_the_flow_to_report() -> None:
    content = listing(("1", "1.6.2026", "12,50", "100"), ("2", "31.2.2026", "abc", "100"))
    with answering(content).sales_payment_list(begin=date(2026, 6, 1)) as rows:
        assert rows.count == 2
        with PeriodPayments(rows) as period:
            good, bad = period.of(["100"])["100"]
    assert (good.amount, good.payment_date) == (Decimal("12.50"), date(2026, 6, 1))
    assert (bad.netvisor_key, bad.amount, bad.payment_date) == ("2", None, None)
