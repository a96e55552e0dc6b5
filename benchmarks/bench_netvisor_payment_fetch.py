"""Benchmark: fetching Netvisor payments for many sent, unpaid invoices.

Puts N sent invoices into the Netvisor sandbox and binds them in a fresh hub database, lets the
bank pay a realistic share of them (and some invoices the hub does not know), serves the sandbox
from a process of its own (forked, so it answers from the state just set up), then runs the
Netvisor connector's scheduled payment fetch, `netvisor.fetch_payment`, over HTTP twice: the
first run reads the period from the earliest unpaid invoice's date to today, the second (a week
of overlap) finds nothing new. Prints, per size, the payments listed, the calls made, the time,
and the fetch's peak memory (traced by tracemalloc in a run of its own, since tracing slows
Python down): the hub's alone, since the sandbox answers from the other process.

    python benchmarks/bench_netvisor_payment_fetch.py [--invoices 1000 10000] [--database-url URL]

Setup goes straight to the sandbox's state and the store (not through HTTP), so only the fetch is
measured. The first invoice of each customer goes through the sandbox's own `salesinvoice.nv`
handler, from the body the connector would send; the others are copies of it with their own
number, key, reference and voucher (the handler looks through every invoice for a clashing
number, which would make setting up N invoices take N² steps). Payments are the bank's, kept
with the sandbox's own `payments.record` on the invoice in hand (what `add_bank_payment` does
after looking the invoice up by number, again through every invoice).
"""

from __future__ import annotations

import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from bench_payment_fetch import (  # type: ignore[import-not-found]
    bind_sent,
    sample_invoice,
)
from netvisor_bench import (  # type: ignore[import-not-found]
    arguments,
    free_port,
    netvisor_hub,
    served,
)

from tilisilta.clock import ManualClock
from tilisilta.connectors.netvisor.client.wire import body
from tilisilta.connectors.netvisor.flows.payments import fetch_payments
from tilisilta.connectors.netvisor.mapping.invoices import customer_code, sales_invoice
from tilisilta.connectors.netvisor.options import NetvisorOptions
from tilisilta.domain.documents import Invoice
from tilisilta.sandbox.common.references import finnish_reference
from tilisilta.sandbox.netvisor import NetvisorSandbox
from tilisilta.sandbox.netvisor import payments as sandbox_payments
from tilisilta.sandbox.netvisor import salesinvoices as sandbox_invoices
from tilisilta.sandbox.netvisor.context import Ctx
from tilisilta.sandbox.netvisor.state import Company, SalesInvoice

START = datetime(2026, 6, 15, 7, 0, tzinfo=UTC)  # today: 2026-06-15, the first period's end
INVOICE_DATE = date(2026, 6, 10)  # every invoice's: the first period's beginning
PAID_ON = date(2026, 6, 12)
PAID_LATER = date(2026, 6, 14)  # second instalments and corrections
FIRST_NUMBER = 100_000
OTHER_NUMBER = 900_000  # invoices made in Netvisor itself, which the hub does not know
CUSTOMERS = 97


def coded_invoice(number: int) -> Invoice:
    """Procountor's benchmark invoice (364.77 EUR, dated INVOICE_DATE, one of CUSTOMERS
    customers), with the product codes Netvisor needs on its rows."""
    invoice = sample_invoice(number)
    coded = [
        line.model_copy(update={"product_code": code})
        for line, code in zip(invoice.lines, ("ASENNUS", "KAHVI"), strict=True)
    ]
    return invoice.model_copy(update={"lines": coded})


def put_sales_invoices(
    sandbox: NetvisorSandbox, business_id: str, documents: list[Invoice], options: NetvisorOptions
) -> list[SalesInvoice]:
    """The documents as sent, open (booked) invoices of the sandbox company, in their order."""
    company = sandbox.companies[business_id]
    for code in sorted({customer_code(doc.customer) for doc in documents}):
        if company.customer_by("customer", code) is None:
            sandbox.add_customer(
                business_id, {"name": "Rakennus Virtanen Oy", "code": code, "city": "Helsinki"}
            )
    now = sandbox.clock.now()
    made: list[SalesInvoice] = []
    first_of: dict[str, SalesInvoice] = {}  # customer code → its invoice made by the handler
    with sandbox.lock:
        for doc in documents:
            code = customer_code(doc.customer)
            like = first_of.get(code)
            if like is None:
                invoice = handled(sandbox, company, doc, options)
                if invoice.amount != doc.total:
                    raise RuntimeError(f"the sandbox made {invoice.amount} of {doc.total}")
                first_of[code] = invoice
            else:
                invoice = replace(
                    like,
                    key=company.next_key("salesinvoice"),
                    header={**like.header, "salesinvoicenumber": doc.number},
                    number=doc.number,
                    reference=finnish_reference(int(doc.number)),
                    voucher=company.next_key("voucher"),
                    created=now,
                    modified=now,
                )
                company.sales_invoices[invoice.key] = invoice
            made.append(invoice)
    return made


def handled(
    sandbox: NetvisorSandbox, company: Company, doc: Invoice, options: NetvisorOptions
) -> SalesInvoice:
    """The invoice made by the sandbox's ``salesinvoice.nv?method=add`` handler."""
    ctx = Ctx(
        sb=sandbox,
        company=company,
        language="FI",
        params={"method": "add"},
        method="POST",
        body=body(sales_invoice(doc, options)),
        content_type="text/xml",
        now=sandbox.clock.now(),
        resource="salesinvoice.nv",
    )
    [reply] = sandbox_invoices.handle(ctx)
    return company.sales_invoices[int(reply.findtext("InsertedDataIdentifier") or "")]


def pay_a_share(
    sandbox: NetvisorSandbox,
    business_id: str,
    invoices: list[SalesInvoice],
    total: Decimal,
    options: NetvisorOptions,
) -> dict[str, int]:
    """30 % paid in full (every other one of those in two instalments), 10 % in part, 1 % paid
    and then corrected with a negative payment (which the fetch must not take); and, which the
    fetch must leave alone, one in 20 as many invoices the hub does not know paid in full and one
    in 100 as many payments targeted to no invoice."""
    company = sandbox.companies[business_id]
    now = sandbox.clock.now()
    counts = dict.fromkeys(
        ("paid in full", "paid in part", "corrected", "positive", "negative", "other"), 0
    )

    def pay(invoice: SalesInvoice | None, amount: Decimal, day: date, name: str) -> None:
        sandbox_payments.record(company, invoice, amount=amount, day=day, name=name, now=now)

    with sandbox.lock:
        for i, invoice in enumerate(invoices):
            share = i % 100
            payer = f"Rakennus Virtanen Oy {i % CUSTOMERS}"
            if share < 30:
                if share % 2:
                    first = Decimal("100.00")
                    pay(invoice, first, PAID_ON, payer)
                    pay(invoice, total - first, PAID_LATER, payer)
                    counts["positive"] += 2
                else:
                    pay(invoice, total, PAID_ON, payer)
                    counts["positive"] += 1
                counts["paid in full"] += 1
            elif share < 40:
                pay(invoice, Decimal("50.00"), PAID_ON, payer)
                counts["paid in part"] += 1
                counts["positive"] += 1
            elif share == 40:
                pay(invoice, Decimal("80.00"), PAID_ON, payer)
                pay(invoice, Decimal("-80.00"), PAID_LATER, payer)
                counts["corrected"] += 1
                counts["positive"] += 1
                counts["negative"] += 1
        others = [coded_invoice(OTHER_NUMBER + n) for n in range(len(invoices) // 20)]
        for invoice in put_sales_invoices(sandbox, business_id, others, options):
            pay(invoice, total, PAID_ON, "Muu Asiakas Oy")
            counts["other"] += 1
        for n in range(len(invoices) // 100):
            pay(None, Decimal("12.40") + n % 7, PAID_ON, "Tuntematon maksaja")
            counts["other"] += 1
    return counts


def payments_in_period(sandbox: NetvisorSandbox, business_id: str, end: date) -> int:
    listed = sandbox.companies[business_id].payments.values()
    return sum(1 for p in listed if INVOICE_DATE <= p.payment_date <= end)


def fetch_once(count: int, database_url: str | None, traced: bool) -> dict[str, Any]:
    clock = ManualClock(START)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    sandbox, creds = NetvisorSandbox.with_demo_company(clock=clock, seed=1, public_base_url=url)
    business_id = creds["organisation_id"]
    options = NetvisorOptions(
        customer_id=creds["customer_id"],
        partner_id=creds["partner_id"],
        organisation_id=business_id,
    )
    tick = time.perf_counter()
    documents = [coded_invoice(FIRST_NUMBER + i) for i in range(count)]
    remote = put_sales_invoices(sandbox, business_id, documents, options)
    paid = pay_a_share(sandbox, business_id, remote, documents[0].total, options)
    listed = payments_in_period(sandbox, business_id, clock.now().date())
    sandbox_seconds = time.perf_counter() - tick
    with (
        tempfile.TemporaryDirectory() as home,
        served(sandbox.app, port),
        netvisor_hub(home, database_url, url, creds, options, clock) as hub,
    ):
        tick = time.perf_counter()
        sent = [(doc, str(invoice.key)) for doc, invoice in zip(documents, remote, strict=True)]
        bind_sent(hub.store, business_id, "nv", sent, clock.now())
        hub_seconds = time.perf_counter() - tick
        del documents, remote  # the hub's run holds neither
        results: dict[str, Any] = {
            "listed": listed,
            "sandbox_seconds": sandbox_seconds,
            "hub_seconds": hub_seconds,
            **paid,
        }
        for run in ("first", "again"):
            report, measured = hub.measure(fetch_payments, traced)
            if report.aborted:
                raise SystemExit(f"ABORTED ({run} run, {count} invoices): {report.aborted}")
            results[run] = {
                **measured,
                "read": report.read,
                "new": report.new_payments,
                "now_paid": report.now_paid,
                "partly_paid": report.partly_paid,
                "skipped": report.skipped_non_positive,
            }
    return results


def main() -> None:
    args = arguments(__doc__)
    print(
        f"period of the first run: {INVOICE_DATE} to {START.date()}; "
        "30 % paid in full, 10 % in part, 1 % corrected"
    )
    print()
    header = (
        "invoices", "payments", "setup s", "calls", "seconds", "inv/s", "peak MB",
        "2nd calls", "2nd s", "2nd MB", "recorded", "now paid",
    )  # fmt: skip
    print("".join(f"{h:>10}" for h in header))
    notes = []
    for count in args.invoices:
        timed = fetch_once(count, args.database_url, traced=False)
        traced = fetch_once(count, args.database_url, traced=True)
        first, again = timed["first"], timed["again"]
        row = (
            count,
            timed["listed"],
            f"{timed['sandbox_seconds'] + timed['hub_seconds']:.1f}",
            first["calls"],
            f"{first['seconds']:.2f}",
            f"{count / first['seconds']:.0f}",
            f"{traced['first']['peak_mb']:.1f}",
            again["calls"],
            f"{again['seconds']:.2f}",
            f"{traced['again']['peak_mb']:.1f}",
            first["new"],
            first["now_paid"],
        )
        print("".join(f"{v:>10}" for v in row), flush=True)
        notes.append(
            f"{count}: setup {timed['sandbox_seconds']:.1f} s sandbox + "
            f"{timed['hub_seconds']:.1f} s hub store; {timed['paid in full']} paid in full, "
            f"{timed['paid in part']} in part, {timed['corrected']} corrected "
            f"({timed['positive']} positive and {timed['negative']} negative payments for the "
            f"hub's invoices, {timed['other']} for others); read {first['read']} then "
            f"{again['read']} invoices, {first['partly_paid']} partly paid"
        )
        wrong = []
        if first["new"] != timed["positive"]:
            wrong.append(f"{first['new']} payments recorded of {timed['positive']}")
        if first["now_paid"] != timed["paid in full"]:
            wrong.append(f"{first['now_paid']} invoices paid of {timed['paid in full']}")
        if first["skipped"] != timed["negative"]:
            wrong.append(f"{first['skipped']} negative payments left of {timed['negative']}")
        if again["new"] != 0:
            wrong.append(f"{again['new']} payments recorded again")
        if wrong:
            print(f"FAILED at {count} invoices: {'; '.join(wrong)}")
            sys.exit(1)
    print()
    for note in notes:
        print(note)


if __name__ == "__main__":
    main()
