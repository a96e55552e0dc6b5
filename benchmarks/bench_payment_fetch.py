"""Benchmark: fetching Procountor payments for many sent, unpaid invoices.

Creates N sent invoices in the Procountor sandbox (in-process) and binds them in a fresh hub
database, lets the sandbox pay a realistic share of them, then runs the scheduled payment fetch
twice and prints the calls made to the payment-event endpoints against the calls a client reading
one invoice at a time would need.

    python benchmarks/bench_payment_fetch.py [--invoices 5000] [--database-url URL]

Setup goes straight to the sandbox's state and the store (not through HTTP), so only the fetch is
measured. The hub's rate limiter runs on a manual clock: wall time is our own work plus the
sandbox's, and the time the 20 requests/s limit would add against the real Procountor is shown
apart.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet

from tilisilta.clock import ManualClock
from tilisilta.connectors.procountor.flows.payments import fetch_payments
from tilisilta.connectors.procountor.mapping.invoices import to_procountor_invoice
from tilisilta.connectors.procountor.options import ProcountorOptions
from tilisilta.connectors.registry import open_context
from tilisilta.crypto import SecretBox
from tilisilta.domain.documents import Invoice
from tilisilta.http.jsonwire import encode_json
from tilisilta.sandbox.common.transport import SyncASGITransport
from tilisilta.sandbox.procountor import ProcountorSandbox
from tilisilta.sandbox.procountor import invoices as sandbox_invoices
from tilisilta.sandbox.procountor.jsonio import loads
from tilisilta.settings import Settings
from tilisilta.store import companies as repo
from tilisilta.store.documents import INVOICE, upsert_invoice
from tilisilta.store.engine import Store
from tilisilta.store.models import Binding

START = datetime(2026, 6, 15, 7, 0, tzinfo=UTC)
PAID_ON = date(2026, 6, 12)
BUSINESS_ID = "2077474-0"


def sample_invoice(number: int) -> Invoice:
    """A domestic invoice of two lines (25.5 % and 13.5 %), 364.77 EUR gross."""
    return Invoice.model_validate(
        {
            "number": str(number),
            "invoice_date": "2026-06-10",
            "due_date": "2026-06-24",
            "customer": {
                "ref": f"C-{number % 97}",
                "name": "Rakennus Virtanen Oy",
                "business_id": "0112038-9",
                "address": {
                    "street": "Mannerheimintie 1",
                    "postal_code": "00100",
                    "city": "Helsinki",
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
    )


def seed(
    sandbox: ProcountorSandbox,
    company_id: int,
    store: Store,
    connection: str,
    count: int,
    clock: ManualClock,
) -> dict[int, int]:
    """``count`` sent invoices in the sandbox, each bound in the hub; number → Procountor id."""
    company = sandbox.companies[company_id]
    options = ProcountorOptions(client_id="bench", redirect_uri="bench")
    now = clock.now()
    documents = [sample_invoice(100_000 + i) for i in range(count)]
    remote: dict[int, int] = {}
    with sandbox.lock:
        for doc in documents:
            payload = loads(
                encode_json(to_procountor_invoice(doc, options, bank_account=company.iban))
            )
            created = sandbox_invoices.create_invoice(company, payload, now)
            sandbox_invoices.approve(company, created["id"], now)
            sandbox_invoices.send(company, created["id"], now)
            remote[int(doc.number)] = int(created["id"])
    sent = [(doc, str(remote[int(doc.number)])) for doc in documents]
    bind_sent(store, BUSINESS_ID, connection, sent, now)
    return remote


def bind_sent(
    store: Store,
    business_id: str,
    connection: str,
    sent: list[tuple[Invoice, str]],
    now: datetime,
) -> None:
    """The documents in the hub, each bound to its remote id as a send leaves it; a transaction
    per 1,000, as a session holding every document slows down as it grows."""
    with store.session() as session:
        owner_id = repo.find_company(session, business_id).id
        connection_id = repo.find_connection(session, connection).id
    for start in range(0, len(sent), 1000):
        with store.session() as session:
            for doc, external_id in sent[start : start + 1000]:
                row, _ = upsert_invoice(session, owner_id, doc, now)
                session.add(
                    Binding(
                        connection_id=connection_id,
                        local_kind=INVOICE,
                        local_id=row.id,
                        external_id=external_id,
                        sent_hash=row.content_hash,
                        sent_version=row.version,
                        created_at=now,
                    )
                )


def pay_a_share(
    sandbox: ProcountorSandbox, company_id: int, remote: dict[int, int]
) -> dict[str, int]:
    """30 % paid in full (every other one of those in two instalments, some in cash), 10 % in
    part, and 1 % paid and then reversed (a negative correction the fetch must not take)."""
    total = sample_invoice(1).gross_total
    counts = {"paid in full": 0, "paid in part": 0, "reversed": 0, "events": 0}
    for i, invoice_id in enumerate(remote.values()):
        share = i % 100
        if share < 30:
            kind = "CASH" if share == 0 else "REFERENCEPAYMENT"
            if share % 2:
                first = Decimal("100.00")
                sandbox.allocate_payment(company_id, invoice_id, first, PAID_ON, type=kind)
                sandbox.allocate_payment(company_id, invoice_id, total - first, PAID_ON, type=kind)
                counts["events"] += 2
            else:
                sandbox.allocate_payment(company_id, invoice_id, total, PAID_ON, type=kind)
                counts["events"] += 1
            counts["paid in full"] += 1
        elif share < 40:
            sandbox.allocate_payment(company_id, invoice_id, Decimal("50.00"), PAID_ON)
            counts["paid in part"] += 1
            counts["events"] += 1
        elif share == 40:
            sandbox.allocate_payment(company_id, invoice_id, Decimal("80.00"), PAID_ON)
            sandbox.reverse_payment(company_id, invoice_id, Decimal("80.00"), PAID_ON)
            counts["reversed"] += 1
            counts["events"] += 2
    return counts


def event_calls(sandbox: ProcountorSandbox) -> int:
    return sum(1 for r in sandbox.request_log if r.path.endswith("/paymentevents"))


def run(
    count: int, database_url: str | None, journals: str = "bank", memory: bool = False
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            home=Path(tmp),
            database_url=database_url or f"sqlite:///{tmp}/bench.db",
            secret_keys=Fernet.generate_key().decode(),
        )
        clock = ManualClock(START)
        box = SecretBox.from_settings(settings)
        store = Store(settings.resolved_database_url())
        store.upgrade()
        sandbox, creds = ProcountorSandbox.with_demo_company(clock=clock, seed=11)
        transport = SyncASGITransport(sandbox.app)
        company_id = int(creds["company_id"])
        with store.session() as session:
            company = repo.create_company(session, "Demo Oy", BUSINESS_ID, clock.now())
            repo.add_connection(
                session,
                box,
                company=company,
                name="pc",
                kind="procountor",
                environment="sandbox",
                base_url="http://procountor.test/api",
                options=ProcountorOptions(
                    client_id=creds["client_id"],
                    redirect_uri=creds["redirect_uri"],
                    # "bank": every payment to the bank journal, so no payment's type is asked;
                    # "default": cash payments to the cash journal, which needs each new
                    # payment's type (the bulk answer of Procountor 26.04 does not carry it).
                    **({"payment_journals": {}} if journals == "bank" else {}),
                ).model_dump(mode="json"),
                secrets={"client_secret": creds["client_secret"], "api_key": creds["api_key"]},
                now=clock.now(),
            )
        tick = time.perf_counter()
        remote = seed(sandbox, company_id, store, "pc", count, clock)
        paid = pay_a_share(sandbox, company_id, remote)
        setup_seconds = time.perf_counter() - tick

        results: dict[str, Any] = {"invoices": count, "setup_seconds": setup_seconds, **paid}
        for run_name in ("first", "second"):
            calls_before = event_calls(sandbox)
            requests_before = len(sandbox.request_log)
            clock_before = clock.now()
            if memory:  # tracemalloc slows Python down: times are taken without it
                tracemalloc.start()
            tick = time.perf_counter()
            report = fetch_payments(
                open_context(store, box, clock, settings, "pc", transport=transport)
            )
            wall = time.perf_counter() - tick
            peak = tracemalloc.get_traced_memory()[1] if memory else float("nan")
            tracemalloc.stop()
            results[run_name] = {
                "wall_seconds": wall,
                "peak_mb": peak / 1e6,
                "rate_limit_seconds": (clock.now() - clock_before).total_seconds(),
                "event_calls": event_calls(sandbox) - calls_before,
                "all_requests": len(sandbox.request_log) - requests_before,
                "invoices_read": report.read,
                "new_payments": report.new_payments,
                "new_amount": report.new_amount,
                "now_paid": report.now_paid,
                "partly_paid": report.partly_paid,
                "skipped_non_positive": report.skipped_non_positive,
                "aborted": report.aborted,
            }
        transport.close()
        store.dispose()
        return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--invoices", type=int, default=5000)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--journals", choices=("bank", "default"), default="bank")
    parser.add_argument(
        "--memory", action="store_true", help="measure the fetch's peak memory (slower)"
    )
    args = parser.parse_args()
    result = run(args.invoices, args.database_url, args.journals, args.memory)
    first, second = result["first"], result["second"]
    print(
        f"machine: {platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} cores, {platform.system()} {platform.machine()}"
    )
    print(f"database: {'PostgreSQL' if args.database_url else 'SQLite (file)'}")
    print(
        f"sent, unpaid invoices: {result['invoices']} "
        f"(set up in {result['setup_seconds']:.1f} s; sandbox paid {result['paid in full']} in "
        f"full, {result['paid in part']} in part, {result['reversed']} paid and reversed; "
        f"{result['events']} payment events)"
    )
    print()
    print(f"{'':34}{'first run':>12}{'second run':>12}")
    rows = [
        ("payment-event calls", "event_calls", "{}"),
        ("all requests (incl. token)", "all_requests", "{}"),
        ("invoices read", "invoices_read", "{}"),
        ("payments recorded", "new_payments", "{}"),
        ("amount recorded (EUR)", "new_amount", "{:.2f}"),
        ("invoices now paid", "now_paid", "{}"),
        ("invoices partly paid", "partly_paid", "{}"),
        ("negative events not taken", "skipped_non_positive", "{}"),
        ("wall time (s)", "wall_seconds", "{:.2f}"),
        ("peak memory allocated (MB)", "peak_mb", "{:.1f}"),
        ("rate-limit wait at 20/s (s)", "rate_limit_seconds", "{:.1f}"),
    ]
    for label, key, fmt in rows:
        print(f"{label:34}{fmt.format(first[key]):>12}{fmt.format(second[key]):>12}")
    print()
    print(
        f"a client reading one invoice per call would need: {result['invoices']} calls "
        f"on the first run, {first['invoices_read'] - first['now_paid']} on the second"
    )
    failed = first["aborted"] or second["aborted"]
    if failed:
        print(f"ABORTED: {failed}")
        sys.exit(1)
    # One bulk read per 200 invoices, plus a read per further page of events (see the docs).
    bulk_goal = 2 * -(-result["invoices"] // 200) + 5
    if args.journals == "bank" and first["event_calls"] > bulk_goal:
        print(f"FAILED: more than {bulk_goal} payment-event calls")
        sys.exit(1)
    if second["new_payments"] != 0:
        print("FAILED: payments recorded twice")
        sys.exit(1)


if __name__ == "__main__":
    main()
