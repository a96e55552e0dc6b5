"""Benchmark: sending invoices to Procountor as fast as its rate limit allows, and no faster.

The Procountor sandbox is served over HTTP in a subprocess (`tilisilta sandbox serve procountor`),
limited to 20 calls a second per client id and answering each call after 100 ms. Then, in one run:

1. **One company, 2,000 invoices** sent by the hub's send flow (`procountor.send_invoice`, the
   default 4 sending threads, the rate limit in the hub's database): invoices a second against
   the ceiling the limit allows for the calls each invoice needs, and the share of calls
   answered 429.
2. **A sequential client** like the seed add-ons: a plain loop doing the same calls per invoice
   (POST /invoices, PUT approve), one at a time, on other invoices of another company; the hub's
   rate against it.
3. **Ten companies** with invoices to send, in 1, 2 and 4 worker processes (each sending for its
   share of the companies through the connector flow, one company after another, as
   `tilisilta send invoices --all-unsent` does): once on **one client id** (they must keep to its
   20 calls a second together, in fair shares) and once on **ten client ids** (the total may grow
   with the workers, up to ten times).

    python benchmarks/bench_send_throughput.py [--invoices 2000] [--sequential-invoices 2000]
        [--companies 10] [--per-company 30] [--threads 4] [--processes 1,2,4]
        [--parts 0,1,2,3a,3b] [--rate 20] [--database-url postgresql://…/empty_db]

--rate sets a lower limit than Procountor's 20 calls a second per client id (in the sandbox and
the hub's connections alike): on a machine with few cores, ten client ids at 20 a second need
more CPU than it has, and a lower limit shows whether the hub's sending still grows with the
workers as the limits allow.

Part 0 is the limiter's own cost: a slot taken in the hub's database, from one thread and from
four at once on one account.

The hub's database is a SQLite file unless --database-url names an empty PostgreSQL database;
every process of a run shares it. Times are wall-clock seconds (the hub and the sandbox run on
the system clock here). The script exits with status 1 if a goal is missed: the hub under 95 %
of the ceiling, more than 1 % of its calls answered 429, slower than the sequential client, or
the one-client-id runs refused or above 20 calls a second over the run. A --smoke run (small
sizes, as the slow test suite makes one) holds the counts and the limit, not the speed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from cryptography.fernet import Fernet
from goals import Goals, add_smoke_option  # type: ignore[import-not-found]

from tilisilta.clock import SystemClock, today
from tilisilta.connectors.procountor.flows.invoices import send_invoices
from tilisilta.connectors.procountor.mapping.invoices import to_procountor_invoice
from tilisilta.connectors.procountor.options import ProcountorOptions
from tilisilta.connectors.registry import open_context
from tilisilta.crypto import SecretBox
from tilisilta.domain.documents import Invoice
from tilisilta.http.jsonwire import encode_json
from tilisilta.settings import Settings
from tilisilta.store import companies as repo
from tilisilta.store.documents import upsert_invoice
from tilisilta.store.engine import Store

RATE = 20.0
RESULTS = "results: "  # the line a worker process reports on
LATENCY = 0.1
SECRET = "bench-client-secret"
REDIRECT = "http://bench.example/callback"
CALLS_PER_INVOICE = ("POST /api/invoices", "PUT /api/invoices/{id}/approve")


# -- the sandbox --------------------------------------------------------------------------------
@contextmanager
def served_sandbox(log: Path) -> Iterator[str]:
    """`tilisilta sandbox serve procountor` on a free port, limited and slowed as above."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "tilisilta", "sandbox", "serve", "procountor"]
    with log.open("w") as out:
        proc = subprocess.Popen([*command, "--port", str(port)], stdout=out, stderr=out)
        SANDBOX["pid"] = proc.pid
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    if httpx.get(f"{url}/_sandbox/faults", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the sandbox did not start: {log.read_text()}")
                time.sleep(0.1)
            httpx.put(f"{url}/_sandbox/faults", json={"latency": LATENCY}).raise_for_status()
            yield url
        finally:
            proc.terminate()
            proc.wait(10)


SANDBOX: dict[str, int] = {}  # the served sandbox's process id


def sandbox_cpu() -> float:
    """CPU seconds the sandbox process has used (Linux; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{SANDBOX['pid']}/stat").read_text().rsplit(")", 1)[1].split()
    except (KeyError, OSError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_busy() -> tuple[float, float]:
    """(busy, total) CPU time of the whole machine so far (Linux; zeros elsewhere)."""
    try:
        ticks = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    except OSError:
        return 0.0, 0.0
    idle = ticks[3] + ticks[4]  # idle and iowait
    return float(sum(ticks) - idle), float(sum(ticks))


class BusySampler:
    """Samples the machine's CPU time every quarter second in a thread, so that the share of
    it in use can be told for any window afterwards."""

    def __init__(self) -> None:
        import threading

        self.samples: list[tuple[float, float, float]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.samples.append((time.time(), *machine_busy()))
            self._stop.wait(0.25)

    def share(self, start: float, end: float) -> float:
        self._stop.set()
        self._thread.join()
        inside = [s for s in self.samples if start <= s[0] <= end]
        if len(inside) < 2 or inside[-1][2] == inside[0][2]:
            return 0.0
        return (inside[-1][1] - inside[0][1]) / (inside[-1][2] - inside[0][2])


def reset_counts(url: str) -> None:
    """A fresh limit (and its counts) and a fresh request log."""
    httpx.put(f"{url}/_sandbox/rate_limit", json={"per_second": RATE}).raise_for_status()
    httpx.delete(f"{url}/_sandbox/requests").raise_for_status()


def sandbox_calls(url: str) -> dict[str, int]:
    counts: dict[str, int] = httpx.get(f"{url}/_sandbox/requests", timeout=30).json()
    return counts


def limit_stats(url: str) -> dict[str, dict[str, Any]]:
    clients: dict[str, dict[str, Any]] = httpx.get(f"{url}/_sandbox/rate_limit").json()["clients"]
    return clients


def sandbox_company(url: str, name: str, business_id: str, client_id: str) -> dict[str, Any]:
    created: dict[str, Any] = httpx.post(
        f"{url}/_sandbox/companies",
        json={
            "name": name,
            "business_id": business_id,
            "client_id": client_id,
            "client_secret": SECRET,
            "redirect_uri": REDIRECT,
        },
    ).json()
    return created


# -- the hub ------------------------------------------------------------------------------------
def business_ids(count: int) -> list[str]:
    """Valid Finnish business IDs (7 digits and the check digit), none of the sandbox's own."""
    found: list[str] = []
    body = 2_300_000
    while len(found) < count:
        body += 1
        digits = f"{body:07d}"
        remainder = sum(int(d) * w for d, w in zip(digits, (7, 9, 10, 5, 8, 4, 2), strict=True))
        remainder %= 11
        if remainder == 1:
            continue
        found.append(f"{digits}-{0 if remainder == 0 else 11 - remainder}")
    return found


def invoices(first: int, count: int, day: date) -> list[Invoice]:
    """``count`` domestic invoices numbered from ``first``, dated ``day``, of one line each."""
    customer = {
        "ref": "C-1",
        "name": "Rakennus Virtanen Oy",
        "business_id": "0112038-9",
        "address": {"street": "Mannerheimintie 1", "postal_code": "00100", "city": "Helsinki"},
        "email": "laskut@virtanen.example",
    }
    line = {"description": "Asennustyö", "quantity": "3", "unit": "HUR", "unit_price": "85.00"}
    return [
        Invoice.model_validate(
            {
                "number": str(number),
                "invoice_date": day.isoformat(),
                "due_date": (day + timedelta(days=14)).isoformat(),
                "customer": customer,
                "lines": [{**line, "vat_rate": "25.5"}],
            }
        )
        for number in range(first, first + count)
    ]


@dataclass
class Hub:
    settings: Settings
    store: Store
    box: SecretBox

    @classmethod
    def open(cls, home: Path, database_url: str, keys: str) -> Hub:
        settings = Settings(home=home, database_url=database_url, secret_keys=keys)
        store = Store(settings.resolved_database_url())
        return cls(settings, store, SecretBox.from_settings(settings))

    def connect(self, name: str, business_id: str, url: str, creds: dict[str, Any]) -> None:
        now = datetime.now(UTC)
        options = ProcountorOptions(
            client_id=creds["client_id"], redirect_uri=REDIRECT, rate_limit_per_second=RATE
        )
        with self.store.session() as session:
            company = repo.create_company(session, f"Yritys {name} Oy", business_id, now)
            repo.add_connection(
                session,
                self.box,
                company=company,
                name=name,
                kind="procountor",
                environment="sandbox",
                base_url=f"{url}/api",
                options=options.model_dump(mode="json"),
                secrets={"client_secret": SECRET, "api_key": creds["api_key"]},
                now=now,
            )

    def add_invoices(self, business_id: str, documents: list[Invoice]) -> None:
        now = datetime.now(UTC)
        with self.store.session() as session:
            company = repo.find_company(session, business_id)
            for document in documents:
                upsert_invoice(session, company.id, document, now)

    def send(self, connection: str, threads: int) -> dict[str, Any]:
        context = open_context(self.store, self.box, SystemClock(), self.settings, connection)
        started, cpu = time.time(), time.process_time()
        summary = send_invoices(context, workers=threads)
        ended = time.time()
        states = [line.state for line in summary.lines]
        return {
            "connection": connection,
            "started": started,
            "ended": ended,
            "cpu": time.process_time() - cpu,
            "sent": states.count("sent"),
            "other": len(states) - states.count("sent"),
            "aborted": summary.aborted,
        }


# -- 0. the limiter's own cost -------------------------------------------------------------------
def limiter_cost(store: Store, calls: int = 1000) -> dict[str, float]:
    """Milliseconds a slot costs in the hub's database (one locked read and write, no wait: the
    ceiling is far above the calls), from one thread and from four at once on one account."""
    from concurrent.futures import ThreadPoolExecutor

    from tilisilta.store.rate_limits import StoreLimiter

    limiter = StoreLimiter(store, "bench:cost", 1e9, SystemClock())
    limiter.acquire()  # the row exists from here on
    tick = time.perf_counter()
    for _ in range(calls):
        limiter.acquire()
    alone = (time.perf_counter() - tick) / calls * 1000

    def take(_: int) -> None:
        limiter.acquire()

    tick = time.perf_counter()
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(take, range(calls)))
    together = (time.perf_counter() - tick) / calls * 1000
    return {"alone_ms": alone, "four_threads_ms": together}


# -- 1. the hub, one company ----------------------------------------------------------------------
def one_company(hub: Hub, url: str, business_id: str, count: int, threads: int) -> dict[str, Any]:
    creds = sandbox_company(url, "Yksi Oy", business_id, "bench-single")
    hub.connect("single", business_id, url, creds)
    hub.add_invoices(business_id, invoices(100_000, count, today(SystemClock())))
    reset_counts(url)
    sandbox_before = sandbox_cpu()
    result = hub.send("single", threads)
    result["sandbox_cpu"] = sandbox_cpu() - sandbox_before
    calls = sandbox_calls(url)
    stats = limit_stats(url)["bench-single"]
    per_invoice = sum(calls.get(label, 0) for label in CALLS_PER_INVOICE) / count
    seconds = result["ended"] - result["started"]
    ceiling = RATE / per_invoice
    answered = stats["admitted"] + stats["refused"]
    return {
        **result,
        "invoices": count,
        "seconds": seconds,
        "per_second": count / seconds,
        "calls_per_invoice": per_invoice,
        "ceiling": ceiling,
        "share_of_ceiling": count / seconds / ceiling,
        "calls": sum(calls.values()),
        "answered": answered,
        "refused": stats["refused"],
        "refused_share": stats["refused"] / answered,
        "peak_per_second": stats["peak_per_second"],
        "mean_calls_per_second": stats["mean_per_second"],
    }


# -- 2. the sequential client -------------------------------------------------------------------
def sequential(url: str, business_id: str, count: int) -> dict[str, Any]:
    """One invoice after the other, each call waiting for the last: as the seed add-ons do."""
    creds = sandbox_company(url, "Peräkkäin Oy", business_id, "bench-sequential")
    options = ProcountorOptions(client_id=creds["client_id"], redirect_uri=REDIRECT)
    documents = invoices(200_000, count, today(SystemClock()))
    reset_counts(url)
    started = time.time()
    with httpx.Client(base_url=f"{url}/api", timeout=60) as client:
        token = client.post(
            "/oauth/token",
            data={
                "grant_type": "client_credentials",
                "client_id": creds["client_id"],
                "client_secret": SECRET,
                "redirect_uri": REDIRECT,
                "api_key": creds["api_key"],
            },
        ).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        for document in documents:
            body = encode_json(to_procountor_invoice(document, options, bank_account=creds["iban"]))
            created = client.post("/invoices", content=body, headers=headers)
            created.raise_for_status()
            approved = client.put(f"/invoices/{created.json()['id']}/approve", headers=headers)
            approved.raise_for_status()
    seconds = time.time() - started
    stats = limit_stats(url)["bench-sequential"]
    return {
        "invoices": count,
        "seconds": seconds,
        "per_second": count / seconds,
        "refused": stats["refused"],
    }


# -- 3. ten companies, worker processes -----------------------------------------------------------
def worker(args: argparse.Namespace) -> None:
    """One worker process: its share of the connections, one after the other."""
    hub = Hub.open(Path(args.home), args.database_url, args.keys)
    time.sleep(max(0.0, args.start - time.time()))  # all workers begin together
    results = [hub.send(name, args.threads) for name in args.connections.split(",")]
    print(RESULTS + json.dumps(results))


def many_companies(
    hub: Hub,
    url: str,
    ids: list[str],
    *,
    per_company: int,
    threads: int,
    shared_client: bool,
    tag: str,
    first_invoice: int,
    process_counts: list[int],
) -> list[dict[str, Any]]:
    """Connect a company for each business ID (on one client id, or one each), then for each
    number of processes: give each company ``per_company`` new invoices and send them all."""
    companies = len(ids)
    names = []
    for n, business_id in enumerate(ids):
        client_id = "bench-shared" if shared_client else f"bench-{tag}-{n}"
        creds = sandbox_company(url, f"{tag} {n} Oy", business_id, client_id)
        name = f"{tag}-{n}"
        hub.connect(name, business_id, url, creds)
        names.append(name)
    rows = []
    number = first_invoice
    for processes in process_counts:
        day = today(SystemClock())
        for business_id in ids:
            hub.add_invoices(business_id, invoices(number, per_company, day))
            number += per_company
        reset_counts(url)
        sandbox_before, sampler = sandbox_cpu(), BusySampler()
        shares = [names[p::processes] for p in range(processes)]
        keys = hub.settings.secret_keys.get_secret_value() if hub.settings.secret_keys else ""
        start = time.time() + 3.0  # time for the processes to start
        script = Path(__file__).resolve()
        procs = [
            subprocess.Popen(
                [
                    sys.executable, str(script), "--worker",
                    "--home", str(hub.settings.home), f"--keys={keys}",
                    "--connections", ",".join(share), "--threads", str(threads),
                    "--start", str(start), "--database-url", hub.store.url,
                ],
                stdout=subprocess.PIPE,
                text=True,
                cwd=script.parent,
            )
            for share in shares
        ]  # fmt: skip
        results: list[dict[str, Any]] = []
        for proc in procs:
            out, _ = proc.communicate(timeout=3600)
            if proc.returncode != 0:
                raise RuntimeError(f"a worker failed ({proc.returncode})")
            [line] = [x for x in out.splitlines() if x.startswith(RESULTS)]
            mine = json.loads(line[len(RESULTS) :])
            mine[0]["first"] = True  # its first company started with every other process's
            results += mine
        # From the first send to the last (a worker slow to start on a busy machine is its own
        # cost, not the limiter's).
        first, last = min(r["started"] for r in results), max(r["ended"] for r in results)
        seconds = last - first
        sandbox_used = sandbox_cpu() - sandbox_before
        sent = sum(r["sent"] for r in results)
        stats = limit_stats(url)
        calls = sum(sandbox_calls(url).values())
        # The companies sent at the same time, from the start: each process's first one.
        durations = [r["ended"] - r["started"] for r in results if r.get("first")]
        rows.append(
            {
                "processes": processes,
                "seconds": seconds,
                "sent": sent,
                "not_sent": sum(r["other"] for r in results) + companies * per_company - sent,
                "per_second": sent / seconds,
                "calls_per_second": calls / seconds,
                "refused": sum(s["refused"] for s in stats.values()),
                "hub_cpu": sum(r["cpu"] for r in results),
                "sandbox_cpu": sandbox_used,
                "machine_busy": sampler.share(first, last),
                "peak_per_client": max(s["peak_per_second"] for s in stats.values()),
                "company_seconds_min": min(durations),
                "company_seconds_max": max(durations),
            }
        )
    return rows


# -- the report ---------------------------------------------------------------------------------
def report_one(one: dict[str, Any], goals: Goals) -> None:
    print()
    print(f"1. the hub, one company: {one['sent']} of {one['invoices']} invoices sent")
    print(
        f"   {one['seconds']:.1f} s, {one['per_second']:.2f} invoices/s; "
        f"{one['calls_per_invoice']:.2f} calls an invoice → ceiling "
        f"{one['ceiling']:.2f} invoices/s; reached {one['share_of_ceiling']:.1%}"
    )
    print(
        f"   calls: {one['calls']} ({one['mean_calls_per_second']:.2f}/s, at most "
        f"{one['peak_per_second']} in any second), 429: {one['refused']} "
        f"({one['refused_share']:.2%})"
    )
    print(
        f"   CPU: the hub {one['cpu']:.1f} s ({one['cpu'] / one['invoices'] * 1000:.1f} ms an "
        f"invoice), the sandbox {one['sandbox_cpu']:.1f} s"
    )
    if one["share_of_ceiling"] < 0.95:
        goals.too_slow("the hub reached less than 95 % of the ceiling")
    if one["refused_share"] > 0.01:
        goals.missed("more than 1 % of the hub's calls were answered 429")
    if one["sent"] != one["invoices"] or one["aborted"]:
        goals.missed(f"the hub did not send everything: {one['aborted']}")


def report_sequential(seq: dict[str, Any], one: dict[str, Any] | None, goals: Goals) -> None:
    print()
    print(
        f"2. a sequential client: {seq['invoices']} invoices in {seq['seconds']:.1f} s, "
        f"{seq['per_second']:.2f} invoices/s (429: {seq['refused']})"
        + (f"; the hub is {one['per_second'] / seq['per_second']:.2f} × as fast" if one else "")
    )
    if one is not None and one["per_second"] <= seq["per_second"]:
        goals.too_slow("the hub is not faster than the sequential client")


def report_many(
    rows: list[dict[str, Any]], args: argparse.Namespace, shared: bool, goals: Goals
) -> None:
    print()
    print(
        f"3{'a' if shared else 'b'}. {args.companies} companies on "
        f"{'one client id' if shared else f'{args.companies} client ids'}, "
        f"{args.per_company} invoices each, {args.threads} threads a process"
    )
    print(
        f"   {'processes':>9} {'seconds':>8} {'invoices/s':>10} {'calls/s':>8} "
        f"{'429':>5} {'max/s a client':>14} {'first companies: min–max s':>27} "
        f"{'CPU s: hub + sandbox':>21} {'machine busy':>12}"
    )
    base = rows[0]["per_second"]
    for row in rows:
        print(
            f"   {row['processes']:>9} {row['seconds']:>8.1f} "
            f"{row['per_second']:>10.2f} {row['calls_per_second']:>8.2f} "
            f"{row['refused']:>5} {row['peak_per_client']:>14} "
            f"{row['company_seconds_min']:>16.1f}–{row['company_seconds_max']:<5.1f}"
            f" {row['hub_cpu']:>12.1f} + {row['sandbox_cpu']:<5.1f} {row['machine_busy']:>8.0%}"
            f"  ({row['per_second'] / base:.2f} × the first row)"
        )
        if row["not_sent"]:
            goals.missed(f"{row['not_sent']} invoices not sent")
        # The hub's slots are 1/20 s apart; where a call leaves late (a busy machine) and the
        # next on time, the server sees 21 or 22 in some second: its bucket, like Procountor's
        # "20 a second", allows that, so what counts is no refusal and no more than 20 a second
        # over the run.
        if shared and (row["refused"] or row["calls_per_second"] > RATE):
            goals.missed("the companies on one client id went above its limit")


def main() -> None:
    global RATE
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--invoices", type=int, default=2000)
    parser.add_argument("--sequential-invoices", type=int, default=2000)
    parser.add_argument("--companies", type=int, default=10)
    parser.add_argument("--per-company", type=int, default=30)
    parser.add_argument("--threads", type=int, default=4, help="sending threads per process")
    parser.add_argument("--processes", default="1,2,4", help="worker processes to try, in turn")
    parser.add_argument("--parts", default="0,1,2,3a,3b", help="which parts to run")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument(
        "--rate",
        type=float,
        default=RATE,
        help="calls a second per client id, in the sandbox and in the hub's connections "
        "(default: Procountor's documented 20)",
    )
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--home", help=argparse.SUPPRESS)
    parser.add_argument("--keys", help=argparse.SUPPRESS)
    parser.add_argument("--connections", help=argparse.SUPPRESS)
    parser.add_argument("--start", type=float, help=argparse.SUPPRESS)
    add_smoke_option(parser)
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return
    RATE = args.rate  # the whole run's limit: the sandbox's, the connections', the goals'
    parts = set(args.parts.split(","))

    print(
        f"machine: {platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} cores, {platform.system()} {platform.machine()}; "
        f"{datetime.now(UTC):%Y-%m-%d}"
    )
    print(f"database: {'PostgreSQL' if args.database_url else 'SQLite (file)'}")
    print(
        f"sandbox: served over HTTP, {RATE:g} calls/s per client id, {LATENCY * 1000:g} ms a call"
    )
    goals = Goals(args.smoke)
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        database_url = args.database_url or f"sqlite:///{home}/bench.db"
        hub = Hub.open(home, database_url, Fernet.generate_key().decode())
        hub.store.upgrade()
        ids = business_ids(2 + 2 * args.companies)
        if "0" in parts:
            cost = limiter_cost(hub.store)
            print(
                f"0. a slot in the database: {cost['alone_ms']:.2f} ms from one thread, "
                f"{cost['four_threads_ms']:.2f} ms a slot with four threads taking them at once"
            )
        with served_sandbox(Path(tmp) / "sandbox.log") as url:
            one = None
            if "1" in parts:
                one = one_company(hub, url, ids[0], args.invoices, args.threads)
                report_one(one, goals)
            if "2" in parts:
                seq = sequential(url, ids[1], args.sequential_invoices)
                report_sequential(seq, one, goals)
            groups = ((True, "3a", 300_000), (False, "3b", 400_000))
            for n, (shared, part, first) in enumerate(groups):
                if part not in parts:
                    continue
                rows = many_companies(
                    hub,
                    url,
                    ids[2 + n * args.companies : 2 + (n + 1) * args.companies],
                    per_company=args.per_company,
                    threads=args.threads,
                    shared_client=shared,
                    tag="one" if shared else "ten",
                    first_invoice=first,
                    process_counts=[int(count) for count in args.processes.split(",")],
                )
                report_many(rows, args, shared, goals)
        hub.store.dispose()
    print()
    goals.exit()


if __name__ == "__main__":
    main()
