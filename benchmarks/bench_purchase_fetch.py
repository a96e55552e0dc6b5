"""Benchmark: fetching many purchase invoices from Netvisor, with their files.

Puts N purchase invoices (two lines each; every tenth with a 20 kB PDF) into the Netvisor
sandbox, serves it from a process of its own (forked, so it answers from the state just set up),
then fetches them into a fresh hub database with the Netvisor connector's
`netvisor.fetch_purchase_invoices` over HTTP, and fetches again an hour later, as the schedule
does (nothing changed in Netvisor: one call, no invoice read again). Prints, per size,
the calls made, the time, and the fetch's peak memory (traced by tracemalloc in a run of its own,
since tracing slows Python down): the hub's alone, since the sandbox answers from the other
process, so that memory can be seen not to grow with N.

    python benchmarks/bench_purchase_fetch.py [--invoices 1000 10000] [--database-url URL]

Setup goes straight to the sandbox's state, so only the fetch is measured.
"""

from __future__ import annotations

import base64
import sys
import tempfile
from datetime import UTC, date, datetime, timedelta
from typing import Any

from netvisor_bench import (  # type: ignore[import-not-found]
    arguments,
    free_port,
    netvisor_hub,
    served,
)

from tilisilta.clock import ManualClock
from tilisilta.connectors.netvisor.flows.purchases import fetch_purchase_invoices
from tilisilta.connectors.netvisor.options import NetvisorOptions
from tilisilta.sandbox.netvisor import NetvisorSandbox

START = datetime(2026, 6, 15, 7, 0, tzinfo=UTC)
PDF = base64.b64encode(b"%PDF-1.4\n" + b"0" * 20_000 + b"\n%%EOF\n").decode()


def put_purchase_invoices(sandbox: NetvisorSandbox, business_id: str, count: int) -> None:
    for n in range(count):
        data: dict[str, Any] = {
            "number": f"V-{100000 + n}",
            "date": (date(2026, 6, 1) + timedelta(days=n % 14)).isoformat(),
            "vendor": f"Toimittaja {n % 50} Oy",
            "lines": [
                {"name": "Paperi A4", "quantity": 4, "unit_price": "4.20", "line_sum": "21.08"},
                {"name": "Kuljetus", "unit_price": "10.00", "line_sum": "12.55"},
            ],
        }
        if n % 10 == 0:
            data["attachments"] = [{"file_name": f"V-{100000 + n}.pdf", "data_base64": PDF}]
        sandbox.add_purchase_invoice(business_id, data)


def fetch_once(count: int, database_url: str | None, traced: bool) -> dict[str, Any]:
    clock = ManualClock(START)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    sandbox, creds = NetvisorSandbox.with_demo_company(clock=clock, seed=1, public_base_url=url)
    business_id = creds["organisation_id"]
    put_purchase_invoices(sandbox, business_id, count)
    # The forked sandbox's clock stands still at START while the hub's moves on by hours.
    sandbox.switches.max_clock_skew_s = 86400
    held = len(sandbox.companies[business_id].purchase_invoices)  # the demo company's own too
    options = NetvisorOptions(
        customer_id=creds["customer_id"],
        partner_id=creds["partner_id"],
        organisation_id=business_id,
        purchases_since="2026-01-01",
        purchases_in_factual_verification_only=False,
    )
    results: dict[str, Any] = {}
    with (
        tempfile.TemporaryDirectory() as home,
        served(sandbox.app, port),
        netvisor_hub(home, database_url, url, creds, options, clock) as hub,
    ):
        clock.advance(2 * 3600)  # the invoices arrived two hours before the first fetch
        for run in ("first", "again"):
            if run == "again":
                clock.advance(3600)  # the next scheduled run, an hour later
            report, measured = hub.measure(fetch_purchase_invoices, traced)
            if report.aborted:
                raise SystemExit(f"ABORTED: {report.aborted}")
            results[run] = {
                **measured,
                "new": len(report.new),
                "unchanged": report.unchanged,
                "attachments": report.attachments,
            }
    results["held"] = held
    return results


def main() -> None:
    args = arguments(__doc__)
    print()
    header = ("invoices", "calls", "calls/invoice", "seconds", "inv/s", "peak MB", "again: calls")
    print("".join(f"{h:>14}" for h in header))
    peaks = []
    for count in args.invoices:
        timed = fetch_once(count, args.database_url, traced=False)
        traced = fetch_once(count, args.database_url, traced=True)
        first, again = timed["first"], timed["again"]
        if first["new"] != timed["held"] or again["new"] != 0 or again["calls"] != 1:
            print(
                f"FAILED: {first['new']} of {timed['held']} stored; again {again['new']} stored"
                f" in {again['calls']} calls (1 expected: nothing changed)"
            )
            sys.exit(1)
        peaks.append(traced["first"]["peak_mb"])
        row = (
            count,
            first["calls"],
            f"{first['calls'] / count:.3f}",
            f"{first['seconds']:.1f}",
            f"{count / first['seconds']:.0f}",
            f"{traced['first']['peak_mb']:.1f}",
            again["calls"],
        )
        print("".join(f"{v:>14}" for v in row))
    if len(peaks) > 1 and peaks[-1] > 2 * peaks[0] + 20:
        print("FAILED: the fetch's memory grows with the number of invoices")
        sys.exit(1)


if __name__ == "__main__":
    main()
