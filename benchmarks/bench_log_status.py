"""Benchmark: `tilisilta log` and `tilisilta status` on a store grown to N exchanges.

Builds two hub stores with the same three companies and five connections (Odoo ERPs feeding
Procountor and Netvisor books, one company importing from files): a big one holding N exchanges
(default 1,000,000) with the documents, bindings and schedules that go with them, and an empty
one without any document or exchange. Then runs, as the user would, each of

    tilisilta log
    tilisilta log --category data_issue
    tilisilta status
    tilisilta status --json

as a process of its own against each store (TILISILTA_DATABASE_URL, TILISILTA_HOME and
TILISILTA_SECRET_KEYS set), a warm-up run and then five measured ones, and prints the median
wall time and the highest peak resident set size of each side by side, with `tilisilta --help`
(no database at all) for the start-up alone.

    python benchmarks/bench_log_status.py [--exchanges 1000000] [--database-url URL]

The stores are built by bulk inserts straight into the tables (companies and connections through
the store's own functions), not through the flows, in a process of their own; they are kept in
the stores' folder under --keep DIR for a second run (--reuse DIR). On SQLite (the default) the
store is a file, never ANALYZEd (as a hub's is); with --database-url postgresql://user@host/db
the script makes two databases of its own on that server, VACUUM ANALYZEs them (as autovacuum
would have done for a store grown over time: statistics, and the visibility map that lets a
count read an index alone) and drops them at the end.

The exchanges are those of some N / 2.3 invoices over two years, 45 %, 35 % and 20 % of them of
the three companies: each sent to the books (97 % sent, 1 % data issues, 0.5 % refused, 1.5 %
ignored; one sent invoice in 300 changed in the ERP afterwards, a data issue at its version 2;
the last nine hours' not sent yet, half of them waiting), pulled from Odoo first where the
company has an ERP, and half of the sent ones paid two weeks later (a payment document and its
inbound exchange). Each invoice and payment is a document; each pulled or sent invoice has its
binding.

Each command's wall time is measured from its start to its end (the whole first screen, which
is all these commands print), and its peak RSS is the child's own ru_maxrss from os.wait4. Linux
carries a parent's high-water mark over to its child through fork and exec, so the measuring
process imports nothing but the standard library (it stays far below any child) and the stores
are built by another process.

Goals (the script exits 1 when one is missed): each command's first screen within 1 s, and on
the big store within 20 % of the empty store's, in time and in peak memory. A --smoke run (small
sizes, as the slow test suite makes one) shows them and does not hold them.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench_import import machine  # the machine, as every benchmark prints it
from goals import Goals, add_smoke_option  # type: ignore[import-not-found]

GOAL_SECONDS = 1.0
GOAL_SAME_STORE = 1.20
RUNS = 5
COMMANDS = (
    ("--help",),
    ("log",),
    ("log", "--category", "data_issue"),
    ("status",),
    ("status", "--json"),
)


# --- Building a store (in a process of its own: --build) ---

LAYOUT = (  # company, business ID, its ERP connection (None: it imports files), its books
    ("Demo Oy", "2077474-0", "erp-demo", ("procountor", "pc-demo")),
    ("Esimerkki Oy", "0112038-9", "erp-esimerkki", ("netvisor", "nv-esimerkki")),
    ("Kolmas Oy", "1572860-0", None, ("procountor", "pc-kolmas")),
)
SHARES = (0.45, 0.35, 0.20)  # of the invoices, per company
OPTIONS = {
    "procountor": {"client_id": "hub", "redirect_uri": "https://example.com/callback"},
    "netvisor": {"customer_id": "C", "partner_id": "P", "organisation_id": "0112038-9"},
    "odoo": {"database": "prod", "login": "hub-bot", "odoo_company_id": 1},
}
PAYLOAD = {
    "invoice_date": "2026-01-01",
    "customer": {"ref": "C-1", "name": "Rakennus Virtanen Oy", "business_id": "0112038-9"},
    "lines": [{"description": "Asennustyö", "quantity": "3", "unit_price": "85.00"}],
}
TABLES = ("document", "binding", "exchange")


class Filler:
    """Rows for the document, binding and exchange tables as a store grown over two years
    would hold them, inserted in bulk."""

    def __init__(self, store: Any, now: Any) -> None:
        from tilisilta.store.models import Binding, Document, Exchange

        self.store, self.now = store, now
        self.models = dict(zip(TABLES, (Document, Binding, Exchange), strict=True))
        self.rows: dict[str, list[dict[str, Any]]] = {table: [] for table in TABLES}
        self.counts = dict.fromkeys(TABLES, 0)

    def add(self, table: str, **row: Any) -> int:
        self.counts[table] += 1
        self.rows[table].append(row | {"id": self.counts[table]})
        return self.counts[table]

    def flush(self, at_least: int = 0) -> None:
        """Insert the rows held, once there are ``at_least`` exchanges among them."""
        from sqlalchemy import insert

        if len(self.rows["exchange"]) < at_least:
            return
        with self.store.session() as session:
            for table in TABLES:
                if self.rows[table]:
                    session.execute(insert(self.models[table]), self.rows[table])
                    self.rows[table].clear()

    def document(self, company: int, kind: str, ref: str, at: Any, **payload: Any) -> int:
        import hashlib

        digest = hashlib.sha256(f"{kind}:{ref}:{payload}".encode()).hexdigest()
        return self.add(
            "document", company_id=company, kind=kind, ref=ref, version=1, content_hash=digest,
            payload=payload, created_at=at, updated_at=at,
        )  # fmt: skip

    def binding(self, connection: int, document: int, remote: str, at: Any, sent: bool) -> None:
        digest = self.rows["document"][-1]["content_hash"] if sent else None
        assert not sent or self.rows["document"][-1]["id"] == document
        self.add(
            "binding", connection_id=connection, local_kind="invoice", local_id=document,
            external_id=remote, sent_hash=digest, sent_version=1 if sent else None,
            inbound_version=None, remote_status=None, created_at=at,
        )  # fmt: skip

    def exchange(
        self, connection: int, document: int, operation: str, state: str, at: Any, **rest: Any
    ) -> None:
        """An exchange row: outbound at version 1 unless ``rest`` says otherwise."""
        row = {
            "direction": "out", "category": None, "external_id": None, "error": None,
            "document_version": 1,
        } | rest  # fmt: skip
        self.add(
            "exchange", connection_id=connection, document_id=document, operation=operation,
            state=state, attempts=0 if state == "pending" else 1, lease_owner=None,
            lease_expires_at=None, next_attempt_at=None, reconcile_required=False, progress={},
            problems={}, created_at=at, updated_at=at, **row,
        )  # fmt: skip


def build(url: str, exchanges: int) -> dict[str, int]:
    """Migrate the database at ``url`` and fill it: companies and connections, then some
    ``exchanges`` exchanges with their documents and bindings. Returns the row counts."""
    import random
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import text

    from tilisilta.store.engine import Store

    now = datetime.now(UTC).replace(microsecond=0)
    first = now - timedelta(days=730)
    store = Store(url)
    store.upgrade()
    plan = _connections(store, first, now)
    fill = Filler(store, now)
    rng = random.Random(7)
    # Per invoice some 2.3 exchanges: 0.8 pulls from Odoo, a send, 0.5 payments.
    invoices = max(1, int(exchanges / 2.3))
    n = -1
    while fill.counts["exchange"] < exchanges:
        fill.flush(at_least=20_000)
        n += 1
        pick = rng.random()
        which = 0 if pick < SHARES[0] else 1 if pick < SHARES[0] + SHARES[1] else 2
        company, erp, books, kind = plan[which]
        at = min(first + (now - first) * (n / invoices), now)
        number = str(100_000 + n)
        doc = fill.document(company, "invoice", number, at, number=number, **PAYLOAD)
        if erp is not None:
            fill.binding(erp, doc, str(n + 1), at, sent=False)
            fill.exchange(erp, doc, "odoo.pull_invoice", "sent", at, direction="in",
                          category="info", external_id=str(n + 1),
                          error=f"received invoice {number} from Odoo")  # fmt: skip
        _send(fill, rng, books, kind, doc, number, at, newest=n >= invoices * 0.9995)
    fill.flush()
    if store.engine.dialect.name == "postgresql":  # ids were given: move the sequences on
        with store.engine.begin() as conn:
            for table, last in fill.counts.items():
                sequence = f"pg_get_serial_sequence('{table}', 'id')"
                conn.execute(text(f"SELECT setval({sequence}, {max(last, 1)}, {last > 0})"))
        with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))  # as autovacuum does for a table filling up
    store.dispose()
    return fill.counts


def _connections(store: Any, first: Any, now: Any) -> list[tuple[int, int | None, int, str]]:
    """The companies and their connections (and schedules); per company: its id, its ERP
    connection's, its books' and the books' kind."""
    from tilisilta.crypto import SecretBox
    from tilisilta.jobs import schedules
    from tilisilta.store import companies

    box = SecretBox([base64.urlsafe_b64encode(b"b" * 32)])
    plan = []
    with store.session() as session:
        for name, business_id, erp, (kind, books) in LAYOUT:
            company = companies.create_company(session, name, business_id, first)
            ids: dict[str, int | None] = {"erp": None}
            for role, conn, conn_kind in (("erp", erp, "odoo"), ("books", books, kind)):
                if conn is None:
                    continue
                row = companies.add_connection(
                    session, box, company=company, name=conn, kind=conn_kind,
                    environment="test", base_url=f"https://{conn}.example.com",
                    options=OPTIONS[conn_kind], secrets={"secret": "s3cret"}, now=first,
                )  # fmt: skip
                row.state = "validated"
                session.flush()
                ids[role] = row.id
            books_id = ids["books"]
            assert books_id is not None
            plan.append((company.id, ids["erp"], books_id, kind))
        schedules.ensure(session, now)
    return plan


def _send(
    fill: Filler, rng: Any, books: int, kind: str, doc: int, number: str, at: Any, newest: bool
) -> None:
    """What became of sending the invoice: 97 % sent (and half of those paid two weeks later,
    one in 300 changed in the ERP afterwards), 1 % data issues, 0.5 % refused, 1.5 % ignored;
    the newest (the last nine hours): half waiting, half never tried."""
    from datetime import timedelta

    send = f"{kind}.send_invoice"
    if newest:
        if rng.random() < 0.5:
            fill.exchange(books, doc, send, "pending", at)
        return
    sent_at = at + timedelta(minutes=5)
    roll = rng.random()
    if roll < 0.97:
        remote = f"{kind[0].upper()}-{doc}"
        fill.binding(books, doc, remote, sent_at, sent=True)
        fill.exchange(books, doc, send, "sent", sent_at, category="info", external_id=remote)
        if rng.random() < 1 / 300:
            _changed_after_sending(fill, books, send, doc, number, sent_at)
        paid_at = sent_at + timedelta(days=14)
        if rng.random() < 0.5 and paid_at <= fill.now:
            company = fill.rows["document"][-1]["company_id"]
            payment = fill.document(company, "payment", f"{kind}:{remote}:1", paid_at,
                                    invoice=number, amount="255.00")  # fmt: skip
            fill.exchange(books, payment, f"{kind}.fetch_payment", "sent", paid_at,
                          direction="in", category="info", external_id=remote,
                          error=f"payment of 255.00 for invoice {number}")  # fmt: skip
    elif roll < 0.98:
        wrong = (
            f"invoice {number}: customer.business_id 1234567-8 is not a valid business ID "
            "(its check digit is wrong); fix it in the ERP and send again"
        )
        fill.exchange(books, doc, send, "data_issue", sent_at, category="data_issue", error=wrong)
    elif roll < 0.985:
        refused = "the books refused the invoice: the product code is unknown"
        fill.exchange(books, doc, send, "response_error", sent_at, category="response_error",
                      error=refused)  # fmt: skip
    else:
        fill.exchange(books, doc, send, "ignored", sent_at, category="data_issue",
                      error="ignored by a person")  # fmt: skip


def _changed_after_sending(
    fill: Filler, books: int, send: str, doc: int, number: str, sent_at: Any
) -> None:
    """The invoice changed in the ERP after it was sent: version 2, left for a person."""
    row = fill.rows["document"][-1]
    assert row["id"] == doc
    row.update(version=2, content_hash=row["content_hash"][::-1], updated_at=sent_at)
    changed = f"invoice {number} changed after it was sent; correct it by hand in the books"
    fill.exchange(books, doc, send, "data_issue", sent_at, document_version=2,
                  category="data_issue", error=changed)  # fmt: skip


# --- Measuring (this process imports the standard library only) ---


def tilisilta() -> list[str]:
    script = Path(sys.executable).with_name("tilisilta")
    return [str(script)] if script.exists() else [sys.executable, "-m", "tilisilta"]


def run_once(command: tuple[str, ...], env: dict[str, str], out: Path) -> tuple[float, int, int]:
    """One run: wall seconds, the child's peak RSS in KiB (ru_maxrss), its exit status."""
    with out.open("wb") as sink:
        tick = time.perf_counter()
        child = subprocess.Popen([*tilisilta(), *command], env=env, stdout=sink)
        _pid, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - tick
    child.returncode = os.waitstatus_to_exitcode(status)
    return seconds, usage.ru_maxrss, child.returncode


def measure(url: str, home: Path, key: str, folder: Path) -> dict[str, dict[str, Any]]:
    env = os.environ | {
        "TILISILTA_DATABASE_URL": url,
        "TILISILTA_HOME": str(home),
        "TILISILTA_SECRET_KEYS": key,
        "COLUMNS": "160",
    }
    results: dict[str, dict[str, Any]] = {}
    for command in COMMANDS:
        name = " ".join(command)
        out = folder / "out.txt"
        runs = [run_once(command, env, out) for _ in range(RUNS + 1)][1:]  # a warm-up first
        if any(code != 0 for _s, _kb, code in runs):
            raise SystemExit(f"`tilisilta {name}` failed:\n{out.read_text()[-2000:]}")
        results[name] = {
            "seconds": statistics.median(s for s, _kb, _c in runs),
            "peak_kb": max(kb for _s, kb, _c in runs),
            "lines": len(out.read_text(encoding="utf-8").splitlines()),
        }
    return results


def make_store(
    database_url: str | None, folder: Path, name: str, exchanges: int, created: list[str]
) -> tuple[str, dict[str, Any]]:
    """A store built by a child process; its URL and row counts."""
    url = f"sqlite:///{folder / name}.db"
    if database_url:
        database = f"bench_log_status_{name}_{os.getpid()}"
        for statement in ("DROP DATABASE IF EXISTS", "CREATE DATABASE"):
            _again("--sql", database_url, f'{statement} "{database}"')
        created.append(database)
        url = f"{database_url.rsplit('/', 1)[0]}/{database}"
    tick = time.perf_counter()
    counts: dict[str, Any] = json.loads(_again("--build", url, str(exchanges)))
    counts["build_seconds"] = time.perf_counter() - tick
    return url, counts


def _again(*args: str) -> str:
    """This script run again with ``args`` in a process of its own: what it printed last."""
    done = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args[:2])} failed:\n{done.stderr}")
    return done.stdout.strip().rpartition("\n")[2]


def sql(database_url: str, statement: str) -> None:
    """One statement outside a transaction (CREATE and DROP DATABASE) on that server."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    url = make_url(database_url).set(drivername="postgresql+psycopg")
    with create_engine(url, isolation_level="AUTOCOMMIT").connect() as conn:
        conn.execute(text(statement))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--exchanges", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--keep", type=Path, help="build the SQLite stores in DIR and keep them")
    parser.add_argument("--reuse", type=Path, help="measure the SQLite stores kept in DIR")
    parser.add_argument("--build", nargs=2, metavar=("URL", "N"), help=argparse.SUPPRESS)
    parser.add_argument("--sql", nargs=2, metavar=("URL", "STATEMENT"), help=argparse.SUPPRESS)
    add_smoke_option(parser)
    args = parser.parse_args()
    if args.build:
        print(json.dumps(build(args.build[0], int(args.build[1]))))
        return
    if args.sql:
        sql(*args.sql)
        return

    print(f"machine: {machine()}")
    print(f"database: {'PostgreSQL' if args.database_url else 'SQLite (file)'}")
    key = base64.urlsafe_b64encode(os.urandom(32)).decode()
    created: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.reuse or args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        try:
            stores: dict[str, tuple[str, dict[str, Any]]] = {}
            for name, size in (("big", args.exchanges), ("empty", 0)):
                if args.reuse:
                    stores[name] = (f"sqlite:///{folder / name}.db", {"build_seconds": 0.0})
                else:
                    stores[name] = make_store(args.database_url, folder, name, size, created)
            big = stores["big"][1]
            if not args.reuse:
                print(
                    f"big store: {big['exchange']:,} exchanges, {big['document']:,} documents, "
                    f"{big['binding']:,} bindings, built in {big['build_seconds']:.0f} s"
                )
            print(f"each command: the median of {RUNS} runs after a warm-up; the highest peak")
            print()
            results = {
                name: measure(url, folder / f"home-{name}", key, folder)
                for name, (url, _counts) in stores.items()
            }
        finally:
            for database in created:
                _again(
                    "--sql", args.database_url, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'
                )
            if args.keep is None and args.reuse is None:
                shutil.rmtree(folder, ignore_errors=True)
    print_table(results)
    print(f"(the measuring process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss} KiB)")
    goals = Goals(args.smoke)
    for miss in goals_missed(results):
        goals.too_slow(miss)
    goals.exit()


def print_table(results: dict[str, dict[str, dict[str, Any]]]) -> None:
    print(f"{'':38}{'big store':>20}{'empty store':>20}{'big / empty':>14}")
    for command in results["big"]:
        big, empty = results["big"][command], results["empty"][command]
        cells = [
            f"{r['seconds']:.3f} s {r['peak_kb'] / 1024:5.1f} MB".rjust(20) for r in (big, empty)
        ]
        ratios = (
            f"{big['seconds'] / empty['seconds']:.2f} / {big['peak_kb'] / empty['peak_kb']:.2f}"
        )
        print(f"{'tilisilta ' + command:38}{''.join(cells)}{ratios:>14}")


def goals_missed(results: dict[str, dict[str, dict[str, Any]]]) -> list[str]:
    missed: list[str] = []
    for command, big in results["big"].items():
        empty = results["empty"][command]
        if big["seconds"] > GOAL_SECONDS:
            missed.append(f"`{command}` took {big['seconds']:.2f} s on the big store")
        for key, label in (("seconds", "time"), ("peak_kb", "peak memory")):
            if big[key] > empty[key] * GOAL_SAME_STORE:
                missed.append(
                    f"`{command}`: {label} {big[key] / empty[key]:.2f}x the empty store's"
                )
    return missed


if __name__ == "__main__":
    main()
