"""Benchmark: pulling many posted invoices from Odoo (the sandbox, in-process) into the hub.

Posts N invoices (two rows each, five customers, every tenth with its PDF) in the Odoo sandbox,
then pulls them into a fresh hub database three times: the first pull, a second one right after
(inside the overlap window: every move is listed again, but only by id and write_date), and a
third one after 2 % more were posted an hour later. It prints the calls per Odoo model and
method, next to what a client reading one invoice at a time would need, and the wall time.

    python benchmarks/bench_odoo_pull.py [--invoices 5000] [--page-size 200] [--database-url URL]

Seeding goes straight to the sandbox's ORM, not through HTTP, so only the pull is timed.
"""

from __future__ import annotations

import argparse
import platform
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet

from tilisilta.clock import ManualClock
from tilisilta.connectors.odoo.flows.invoices import pull_invoices
from tilisilta.connectors.odoo.options import OdooOptions
from tilisilta.connectors.registry import open_context
from tilisilta.crypto import SecretBox
from tilisilta.sandbox.odoo import OdooSandbox
from tilisilta.sandbox.odoo.orm.scenarios import attach_invoice_pdf, make_invoice
from tilisilta.settings import Settings
from tilisilta.store import companies as repo
from tilisilta.store.engine import Store

START = datetime(2026, 6, 15, 7, 0, tzinfo=UTC)
CUSTOMERS = ("virtanen", "aalto", "korhonen", "eu_sweden", "export_norway")


def seed(sandbox: OdooSandbox, seed_info: Any, count: int, clock: ManualClock) -> None:
    reg = sandbox.registry
    for n in range(count):
        customer = seed_info.customers[CUSTOMERS[n % len(CUSTOMERS)]]
        position = {3: "eu", 4: "export"}.get(n % len(CUSTOMERS))
        extra = {"fiscal_position_id": seed_info.fiscal_positions[position]} if position else {}
        move = make_invoice(
            reg, seed_info, customer, [("coffee", 1 + n % 7), ("consulting", 2)], **extra
        )
        if n % 10 == 0:
            attach_invoice_pdf(reg, move)
        if n % 50 == 0:
            clock.advance(1)  # 50 invoices to a second: plenty of write_date ties


def run(count: int, page_size: int, database_url: str | None) -> dict[str, Any]:
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
        sandbox, creds = OdooSandbox.with_demo_company(version=17, clock=clock, seed=3)
        tick = time.perf_counter()
        seed(sandbox, creds.seed, count, clock)
        seeded = time.perf_counter() - tick
        with store.session() as session:
            company = repo.create_company(session, "Demo Oy", "2077474-0", clock.now())
            repo.add_connection(
                session,
                box,
                company=company,
                name="odoo",
                kind="odoo",
                environment="sandbox",
                base_url=sandbox.base_url,
                options=OdooOptions(
                    database=creds.database,
                    login=creds.login,
                    odoo_company_id=creds.company_id,
                    page_size=page_size,
                ).model_dump(mode="json"),
                secrets={"api_key": creds.api_key},
                now=clock.now(),
            )
        transport = sandbox.transport()
        runs = []
        later = max(count // 50, 1)
        for label, advance in (
            ("first", 0),
            ("again at once (inside the overlap window)", 60),
            (f"{later} more posted an hour later", 3600),
        ):
            clock.advance(advance)
            if advance == 3600:
                seed(sandbox, creds.seed, later, clock)
            before = Counter(sandbox.request_counts)
            tick = time.perf_counter()
            report = pull_invoices(
                open_context(store, box, clock, settings, "odoo", transport=transport)
            )
            wall = time.perf_counter() - tick
            calls = Counter(sandbox.request_counts)
            calls.subtract(before)
            runs.append(
                {
                    "run": label,
                    "new": len(report.new),
                    "unchanged": report.unchanged,
                    "issues": len(report.data_issues),
                    "aborted": report.aborted,
                    "calls": {k: v for k, v in sorted(calls.items()) if v},
                    "wall": wall,
                }
            )
        sandbox.close()
        store.dispose()
    return {"count": count, "page_size": page_size, "seeded": seeded, "runs": runs}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=5000)
    parser.add_argument("--page-size", type=int, default=200)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    result = run(args.invoices, args.page_size, args.database_url)
    count = result["count"]
    print(
        f"{count} posted invoices, page size {result['page_size']} "
        f"(seeded in {result['seeded']:.1f} s); {platform.python_implementation()} "
        f"{platform.python_version()}, {platform.system()} {platform.machine()}"
    )
    ok = True
    for run_ in result["runs"]:
        total = sum(run_["calls"].values())
        print(
            f"\n{run_['run']}: {run_['new']} new, {run_['unchanged']} unchanged, "
            f"{run_['issues']} data issues, {total} calls, {run_['wall']:.1f} s"
        )
        for name, n in run_["calls"].items():
            print(f"  {n:6d}  {name}")
        ok = ok and run_["aborted"] is None
    first = result["runs"][0]
    print(
        f"\nA client reading one invoice at a time needs at least {3 * count} calls "
        f"(the move, its rows, its customer) against {sum(first['calls'].values())} here."
    )
    ok = ok and first["new"] == count and result["runs"][1]["unchanged"] == count
    ok = ok and result["runs"][2]["new"] == max(count // 50, 1)

    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
