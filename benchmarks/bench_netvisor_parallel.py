"""Benchmark: Netvisor's one request at a time per company, held while companies send in parallel.

Netvisor refuses a request to a company while another to the same company is in flight. The hub
serializes requests per Netvisor company (a lock per company, across threads and processes), not
per hub: companies run side by side. Against the in-process Netvisor sandbox (which refuses
overlap, as Netvisor does) answering each request after 20 ms:

1. **Four companies** with invoices to send, by 1, 2 and 4 workers (threads, each sending for its
   share of the companies through the connector flow, one company after another, as
   `tilisilta send invoices --all-unsent` does): invoices a second, and the requests the sandbox
   refused for overlap. The rate should grow with the workers; nothing is refused.
2. **One company, two workers at once** on the same connection: no faster than one (its requests
   wait for each other), nothing refused, and every invoice sent once.

    python benchmarks/bench_netvisor_parallel.py [--companies 4] [--per-company 40]
        [--workers 1,2,4] [--latency 0.02] [--smoke]

The hub's database is a SQLite file per run. The script exits 1 when a request was refused for
overlap, an invoice was not sent or sent twice, or (unless --smoke) four workers on four
companies are under 2.5 times as fast as one.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench_send_throughput import business_ids  # type: ignore[import-not-found]
from cryptography.fernet import Fernet
from goals import Goals, add_smoke_option  # type: ignore[import-not-found]

from tilisilta.clock import SystemClock
from tilisilta.connectors.netvisor.flows.invoices import send_invoices
from tilisilta.connectors.netvisor.options import NetvisorOptions
from tilisilta.connectors.registry import open_context
from tilisilta.crypto import SecretBox
from tilisilta.sandbox.common.transport import SyncASGITransport
from tilisilta.sandbox.netvisor import NetvisorSandbox
from tilisilta.settings import Settings
from tilisilta.store import companies as repo
from tilisilta.store.documents import upsert_invoice
from tilisilta.store.engine import Store

ROOT = Path(__file__).resolve().parents[1]
URL = "http://netvisor.bench"
PARTNER = "TILISILTA_BENCH"


def coded_invoice(number: int) -> Any:
    """The tests' factory invoice with product codes on its rows, as Netvisor needs them."""
    sys.path.insert(0, str(ROOT))
    from tests.factories import invoice
    from tilisilta.domain.documents import Invoice

    data = invoice(str(number))
    data["lines"][0]["product_code"] = "ASENNUS"
    data["lines"][1]["product_code"] = "KAHVI-1KG"
    return Invoice.model_validate(data)


class Bench:
    """A hub with one Netvisor connection per company, and the sandbox they all reach."""

    def __init__(self, home: Path, companies: list[str], per_company: int, latency: float):
        clock = SystemClock()
        self.clock = clock
        self.settings = Settings(
            home=home,
            database_url=f"sqlite:///{home}/hub.db",
            secret_keys=Fernet.generate_key().decode(),
        )
        self.store = Store(self.settings.resolved_database_url())
        self.store.upgrade()
        self.box = SecretBox.from_settings(self.settings)
        self.sandbox = NetvisorSandbox(clock=clock, seed=5, public_base_url=URL)
        self.sandbox.faults.update({"latency": latency})
        self.transport = SyncASGITransport(self.sandbox.app)
        self.refused: list[str] = []
        original = self.sandbox.failure

        def counting(refusal: Any, language: str, use_codes: bool) -> Any:
            if refusal.code == "TECHNICAL_ERROR":  # "send one request at a time"
                self.refused.append(refusal.code)
            return original(refusal, language, use_codes)

        self.sandbox.failure = counting  # type: ignore[method-assign]
        partner = self.sandbox.add_partner(PARTNER)
        now = clock.now()
        for n, business_id in enumerate(companies):
            self.sandbox.add_company(business_id, f"Yritys {n} Oy")
            user = self.sandbox.add_user([business_id])
            options = NetvisorOptions(
                customer_id=user.customer_id,
                partner_id=partner.partner_id,
                organisation_id=business_id,
            )
            with self.store.session() as session:
                company = repo.create_company(session, f"Yritys {n} Oy", business_id, now)
                repo.add_connection(
                    session,
                    self.box,
                    company=company,
                    name=f"nv{n}",
                    kind="netvisor",
                    environment="sandbox",
                    base_url=URL,
                    options=options.model_dump(mode="json"),
                    secrets={
                        "customer_key": user.customer_key,
                        "partner_key": partner.partner_key,
                    },
                    now=now,
                )
                for i in range(per_company):
                    upsert_invoice(session, company.id, coded_invoice(1000 + i), now)

    def send(self, connection: str) -> Counter[str]:
        context = open_context(
            self.store, self.box, self.clock, self.settings, connection, transport=self.transport
        )
        summary = send_invoices(context)
        states = Counter(line.state for line in summary.lines)
        if summary.aborted:
            states["aborted"] += 1
        return states

    def remote_numbers(self) -> Counter[str]:
        """Invoice number (per company) → how many times Netvisor holds it."""
        return Counter(
            f"{business_id}:{i.number}"
            for business_id, company in self.sandbox.companies.items()
            for i in company.sales_invoices.values()
        )

    def close(self) -> None:
        self.transport.close()
        self.store.dispose()


def in_threads(jobs: list[Callable[[], Counter[str]]]) -> tuple[float, Counter[str]]:
    total: Counter[str] = Counter()
    lock = threading.Lock()

    def run(job: Callable[[], Counter[str]]) -> None:
        states = job()
        with lock:
            total.update(states)

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    tick = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - tick, total


def many_companies(args: argparse.Namespace, workers: int) -> dict[str, Any]:
    companies = business_ids(args.companies)
    with tempfile.TemporaryDirectory() as tmp:
        bench = Bench(Path(tmp), companies, args.per_company, args.latency)
        names = [f"nv{n}" for n in range(len(companies))]
        shares = [names[w::workers] for w in range(workers)]

        def worker(share: list[str]) -> Callable[[], Counter[str]]:
            def run() -> Counter[str]:
                states: Counter[str] = Counter()
                for name in share:
                    states.update(bench.send(name))
                return states

            return run

        seconds, states = in_threads([worker(share) for share in shares if share])
        held = bench.remote_numbers()
        bench.close()
    invoices = args.companies * args.per_company
    return {
        "workers": workers,
        "seconds": seconds,
        "per_second": invoices / seconds,
        "sent": states["sent"],
        "invoices": invoices,
        "refused": len(bench.refused),
        "twice": sum(1 for count in held.values() if count > 1),
        "held": len(held),
    }


def one_company_two_workers(args: argparse.Namespace) -> dict[str, Any]:
    [business_id] = business_ids(1)
    results: dict[str, Any] = {}
    for workers in (1, 2):
        with tempfile.TemporaryDirectory() as tmp:
            bench = Bench(Path(tmp), [business_id], args.per_company, args.latency)
            seconds, states = in_threads([lambda b=bench: b.send("nv0")] * workers)
            held = bench.remote_numbers()
            bench.close()
        results[f"{workers} worker(s)"] = {
            "seconds": seconds,
            "sent": states["sent"],
            "refused": len(bench.refused),
            "twice": sum(1 for count in held.values() if count > 1),
            "held": len(held),
        }
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--companies", type=int, default=4)
    parser.add_argument("--per-company", type=int, default=40)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--latency", type=float, default=0.02)
    add_smoke_option(parser)
    args = parser.parse_args()
    goals = Goals(args.smoke)
    print(
        f"machine: {platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} cores, {platform.system()} {platform.machine()}; "
        f"{datetime.now(UTC):%Y-%m-%d}"
    )
    print(
        f"1. {args.companies} Netvisor companies, {args.per_company} invoices each, "
        f"{args.latency * 1000:g} ms a request"
    )
    print(f"   {'workers':>7} {'seconds':>8} {'invoices/s':>10} {'refused':>8} {'sent':>6}")
    rows = [many_companies(args, int(w)) for w in args.workers.split(",")]
    for row in rows:
        print(
            f"   {row['workers']:>7} {row['seconds']:>8.2f} {row['per_second']:>10.1f} "
            f"{row['refused']:>8} {row['sent']:>6}  "
            f"({row['per_second'] / rows[0]['per_second']:.2f} × one worker)"
        )
        if row["refused"]:
            goals.missed(
                f"{row['refused']} requests refused for overlap ({row['workers']} workers)"
            )
        if row["sent"] != row["invoices"] or row["twice"] or row["held"] != row["invoices"]:
            goals.missed(f"{row['workers']} workers: {row['sent']} of {row['invoices']} sent")
    if len(rows) > 1 and rows[-1]["workers"] >= 4 and args.companies >= 4:
        growth = rows[-1]["per_second"] / rows[0]["per_second"]
        if growth < 2.5:
            goals.too_slow(f"four workers on four companies only {growth:.2f} × one worker")
    print()
    print(f"2. one company, {args.per_company} invoices, one worker and two at once")
    same = one_company_two_workers(args)
    for label, result in same.items():
        print(
            f"   {label}: {result['seconds']:.2f} s, {result['sent']} sent, "
            f"{result['refused']} refused for overlap, {result['twice']} held twice"
        )
        if result["refused"] or result["twice"] or result["held"] != args.per_company:
            goals.missed(f"one company, {label}: refused or not sent exactly once")
    print()
    goals.exit()


if __name__ == "__main__":
    main()
