"""Benchmark: importing invoices from JSON and CSV files (`tilisilta import invoices`).

Measures, in one run and side by side:

(a) importing one file of 100,000 invoices (JSON, then CSV) into a fresh database: invoices per
    second and the peak memory of the importing process; then the same file imported again,
    which finds every document unchanged.
(b) importing 1,000 more invoices into a store that already holds N (default 100,000) against
    importing the same 1,000 into an empty one: time and peak memory should be within 20 %.
    Three files of 1,000 new invoices are imported into each store in turn; the table shows
    the median time and the highest peak.

    python benchmarks/bench_import.py [--invoices 100000] [--store-size 100000]
                                      [--more 1000] [--database-url URL] [--only a|b]

With --database-url postgresql://user@host/postgres it measures on that PostgreSQL server, in
databases of its own that it creates and drops (the default is a SQLite file per measurement).

The files are written by a seeded generator (1 to 5 lines an invoice from a catalogue of
products at 25.5, 13.5 and 10 %, 40 customers, one document in 20 a credit note of an earlier
invoice). Each import runs in its own Python process (`--child`), which reports the wall time of
the import itself and its own peak resident set size (VmHWM from /proc/self/status, read at the
end of that process): the interpreter and the imported libraries are included, and their size
before the import started is shown apart. The store in (b) is filled with bulk inserts, not
through the import, so only the 1,000 are measured.

Goals (the script exits 1 when one is missed): (a) at least 5,000 invoices/s and a peak below
150 MB for both formats, and the second import finding every document unchanged (it checks and
writes none; its time is that of reading the file); (b) the import into the big store within
20 % of the one into the empty store, in time and in peak memory. A --smoke run (small sizes, as
the slow test suite makes one) holds the counts, not the speed and memory.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from collections import deque
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from goals import Goals, add_smoke_option  # type: ignore[import-not-found]

START = datetime(2026, 6, 15, 7, 0, tzinfo=UTC)
BUSINESS_ID = "2077474-0"
GOAL_RATE = 5000  # invoices per second
GOAL_PEAK_MB = 150
GOAL_SAME_STORE = 1.20  # a big store may cost at most 20 % more
ROUNDS = 3  # (b) imports ROUNDS files of new invoices into each store: the median time counts

# --- The generator ---

PRODUCTS = [
    # code, description, unit, unit price, VAT rate
    ("KON-01", "Integraatiokonsultointi", "HUR", "118.00", "25.5"),
    ("KON-02", "Projektinhallinta", "HUR", "96.50", "25.5"),
    ("ASE-10", "Asennustyö", "HUR", "85.00", "25.5"),
    ("MAT-11", "Kaapeli MMJ 3x2,5 (100 m)", "H87", "149.90", "25.5"),
    ("MAT-12", "Kytkinrasia", "H87", "4.35", "25.5"),
    ("MAT-13", "LED-valaisin 36 W", "H87", "62.00", "25.5"),
    ("LIS-20", "Ohjelmistolisenssi, kuukausi", "MON", "39.00", "25.5"),
    ("LIS-21", "Tukipalvelu, kuukausi", "MON", "120.00", "25.5"),
    ("KUL-30", "Kilometrikorvaus", "KMT", "0.57", "25.5"),
    ("EL-2001", "Kahvi, luomu tumma paahto 1 kg", "KGM", "21.90", "13.5"),
    ("EL-2002", "Tee, vihreä 250 g", "H87", "7.40", "13.5"),
    ("EL-2003", "Pullat, 12 kpl", "H87", "14.20", "13.5"),
    ("EL-2004", "Lounasbuffet", "H87", "13.70", "13.5"),
    ("KIR-40", "Käsikirja, painettu", "H87", "34.00", "10"),
    ("KIR-41", "Koulutus: e-kirja", "H87", "19.00", "10"),
    ("MAJ-50", "Majoitus, vuorokausi", "DAY", "89.00", "10"),
]
STREETS = ["Mannerheimintie", "Hämeenkatu", "Aleksanterinkatu", "Kauppakatu", "Satamatie"]
CITIES = [("00100", "Helsinki"), ("33100", "Tampere"), ("20100", "Turku"), ("90100", "Oulu")]
FIRST_INVOICE_DATE = date(2026, 1, 2)


def business_id(seven_digits: int) -> str | None:
    """A Finnish business ID with its check digit, or None when the digits have none."""
    digits = f"{seven_digits:07d}"
    remainder = sum(int(d) * w for d, w in zip(digits, (7, 9, 10, 5, 8, 4, 2), strict=True)) % 11
    if remainder == 1:
        return None
    return f"{digits}-{0 if remainder == 0 else 11 - remainder}"


def customers(rng: random.Random, count: int = 40) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    while len(out) < count:
        found = business_id(rng.randrange(1_000_000, 9_999_999))
        if found is None:
            continue
        postal_code, city = rng.choice(CITIES)
        n = len(out) + 1
        out.append(
            {
                "ref": f"C-{n:03d}",
                "name": f"Asiakas {n} Oy",
                "business_id": found,
                "address": {
                    "street": f"{rng.choice(STREETS)} {rng.randrange(1, 80)}",
                    "postal_code": postal_code,
                    "city": city,
                    "country": "FI",
                },
                "email": f"laskut{n}@asiakas.example",
            }
        )
    return out


class Generator:
    """Invoices and credit notes in the import format, the same for the same seed.

    ``credit_from`` lists invoices (number, its lines) a credit note may credit besides the ones
    generated before it; the generator keeps the last 2,000 of its own, so it needs no memory
    that grows with the count."""

    def __init__(
        self, seed: int, credit_from: list[tuple[str, list[dict[str, Any]], str]] | None = None
    ) -> None:
        self.rng = random.Random(seed)
        self.customers = customers(self.rng)
        self.recent: deque[tuple[str, list[dict[str, Any]], str]] = deque(maxlen=2000)
        self.recent.extend(credit_from or [])

    def documents(self, count: int, first_number: int) -> Iterator[dict[str, Any]]:
        rng = self.rng
        for i in range(count):
            number = str(first_number + i)
            day = FIRST_INVOICE_DATE + timedelta(days=rng.randrange(0, 160))
            if self.recent and rng.randrange(20) == 0:
                yield self.credit_note(number, day)
                continue
            customer = rng.choice(self.customers)
            lines = [self.line() for _ in range(rng.randint(1, 5))]
            self.recent.append((number, lines, customer["ref"]))
            yield {
                "number": number,
                "invoice_date": day.isoformat(),
                "due_date": (day + timedelta(days=rng.choice((7, 14, 30)))).isoformat(),
                "customer": customer,
                "lines": lines,
            }

    def line(self) -> dict[str, Any]:
        code, description, unit, price, rate = self.rng.choice(PRODUCTS)
        line = {
            "description": description,
            "product_code": code,
            "quantity": str(self.rng.randint(1, 40)),
            "unit": unit,
            "unit_price": price,
            "vat_rate": rate,
        }
        if self.rng.randrange(6) == 0:
            line["discount_percent"] = str(self.rng.choice((5, 10, 15)))
        return line

    def credit_note(self, number: str, day: date) -> dict[str, Any]:
        credited, lines, customer_ref = self.rng.choice(self.recent)
        customer = next(c for c in self.customers if c["ref"] == customer_ref)
        credited_lines = [
            dict(line, quantity=str(-self.rng.randint(1, int(line["quantity"]))))
            for line in self.rng.sample(lines, self.rng.randint(1, len(lines)))
        ]
        return {
            "number": number,
            "kind": "credit_note",
            "invoice_date": day.isoformat(),
            "due_date": day.isoformat(),
            "credited_invoice_number": credited,
            "customer": customer,
            "lines": credited_lines,
        }


# CSV column -> where its value is in the JSON document ("customer.ref"); line columns have
# the line's field. docs/import-format.md lists them.
_CSV_INVOICE_SPEC = """
    invoice_number=number  kind=kind  invoice_date=invoice_date  due_date=due_date
    customer_ref=customer.ref  customer_name=customer.name
    customer_business_id=customer.business_id  customer_street=customer.address.street
    customer_postal_code=customer.address.postal_code  customer_city=customer.address.city
    customer_country=customer.address.country  customer_email=customer.email
    credited_invoice_number=credited_invoice_number
"""
CSV_INVOICE_COLUMNS = dict(pair.split("=") for pair in _CSV_INVOICE_SPEC.split())
CSV_LINE_COLUMNS = {
    "line_description": "description",
    **{name: name for name in ("product_code", "quantity", "unit", "unit_price")},
    **{name: name for name in ("discount_percent", "vat_rate")},
}


def _at(document: dict[str, Any], path: str) -> str:
    value: Any = document
    for key in path.split("."):
        value = value.get(key, "") if isinstance(value, dict) else ""
    return str(value)


def write_file(path: Path, documents: Iterator[dict[str, Any]]) -> int:
    """Write the documents as JSON (`{"invoices": [...]}`) or CSV (semicolons, decimal commas,
    Finnish dates), by the file's extension, one document at a time; returns how many."""
    count = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        if path.suffix == ".json":
            out.write('{"invoices": [\n')
            for document in documents:
                out.write(("" if count == 0 else ",\n") + json.dumps(document, ensure_ascii=False))
                count += 1
            out.write("\n]}\n")
            return count
        writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
        writer.writerow([*CSV_INVOICE_COLUMNS, *CSV_LINE_COLUMNS])
        for document in documents:
            head = [
                _csv_cell(column, _at(document, p)) for column, p in CSV_INVOICE_COLUMNS.items()
            ]
            for i, line in enumerate(document["lines"]):
                cells = [_csv_cell(c, str(line.get(f, ""))) for c, f in CSV_LINE_COLUMNS.items()]
                writer.writerow([*(head if i == 0 else [head[0]] + [""] * (len(head) - 1)), *cells])
            count += 1
    return count


def _csv_cell(column: str, value: str) -> str:
    if column in {"quantity", "unit_price", "vat_rate", "discount_percent"}:
        return value.replace(".", ",")
    if column in {"invoice_date", "due_date"} and value:
        year, month, day = value.split("-")
        return f"{int(day)}.{int(month)}.{year}"
    return value


# --- The store ---


CREATED: list[tuple[str, str]] = []  # (server URL, database) made on a PostgreSQL server


def fresh_store(database_url: str | None, folder: Path, name: str) -> str:
    """A new, migrated database with the company; its URL. On PostgreSQL, ``database_url``
    names the server (any database on it): a database of its own is created there for each
    measurement, and dropped at the end."""
    from tilisilta.store import companies
    from tilisilta.store.engine import Store

    url = f"sqlite:///{folder / name}.db"
    if database_url:
        from sqlalchemy import create_engine, text
        from sqlalchemy.engine import make_url

        server = make_url(database_url).set(drivername="postgresql+psycopg")
        database = f"bench_import_{name.replace('-', '_')}_{os.getpid()}"
        admin = create_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{database}"'))
            conn.execute(text(f'CREATE DATABASE "{database}"'))
        admin.dispose()
        CREATED.append((server.render_as_string(hide_password=False), database))
        url = server.set(database=database).render_as_string(hide_password=False)
    store = Store(url)
    store.upgrade()
    with store.session() as session:
        companies.create_company(session, "Demo Oy", BUSINESS_ID, START)
    store.dispose()
    return url


def drop_created() -> None:
    from sqlalchemy import create_engine, text

    for server, database in CREATED:
        admin = create_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        admin.dispose()
    CREATED.clear()


def fill_store(url: str, documents: Iterator[dict[str, Any]], batch: int = 5000) -> int:
    """Store the documents straight into the document table, as an import would have."""
    from sqlalchemy import insert

    from tilisilta.domain.documents import Invoice
    from tilisilta.store import companies
    from tilisilta.store.documents import INVOICE
    from tilisilta.store.engine import Store
    from tilisilta.store.models import Document

    store = Store(url)
    with store.session() as session:
        company_id = companies.find_company(session, BUSINESS_ID).id
    count = 0
    rows: list[dict[str, Any]] = []

    def flush() -> None:
        with store.session() as session:
            session.execute(insert(Document), rows)
        rows.clear()

    for raw in documents:
        invoice = Invoice.model_validate(raw)
        rows.append(
            {
                "company_id": company_id,
                "kind": INVOICE,
                "ref": invoice.number,
                "version": 1,
                "content_hash": invoice.content_hash(),
                "payload": invoice.model_dump(mode="json"),
                "created_at": START,
                "updated_at": START,
            }
        )
        count += 1
        if len(rows) >= batch:
            flush()
    if rows:
        flush()
    store.dispose()
    return count


# --- One import, in its own process ---


def child(url: str, path: Path) -> None:
    """Import one file and print what it cost as JSON (run by the parent with --child)."""
    baseline_kb = _status_kb("VmRSS")
    from tilisilta.clock import ManualClock
    from tilisilta.connectors.files.flows.invoices import import_invoices
    from tilisilta.store.engine import Store

    store = Store(url)
    with store.session() as session:  # connect (and load the dialect) before the clock starts
        session.connection()
    imported_kb = _status_kb("VmRSS")
    tick = time.perf_counter()
    report = import_invoices(store, ManualClock(START), company=BUSINESS_ID, path=path)
    seconds = time.perf_counter() - tick
    store.dispose()
    print(
        json.dumps(
            {
                "seconds": seconds,
                "peak_kb": _status_kb("VmHWM"),
                "python_kb": baseline_kb,
                "before_import_kb": imported_kb,
                "seen": report.seen,
                "new": report.new,
                "changed": report.changed,
                "unchanged": report.unchanged,
                "refused": len(report.refused),
                "held": len(report.held),
            }
        )
    )


def _status_kb(name: str) -> int:
    """VmRSS (resident now) or VmHWM (the most resident so far) of this process, in KiB. Not
    ru_maxrss: Linux carries that over from the parent through fork and exec, so a child of a
    big parent would report the parent's size."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(f"{name}:"):
                return int(line.split()[1])
    return 0


def measure(url: str, path: Path) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", url, str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"the import of {path.name} failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    result["rate"] = result["seen"] / result["seconds"] if result["seconds"] else 0.0
    result["file_mb"] = path.stat().st_size / 1e6
    return result


# --- The runs ---


def run_files(count: int, database_url: str | None, folder: Path) -> dict[str, dict[str, Any]]:
    """(a): one big file per format, imported into a fresh store, then again."""
    results: dict[str, dict[str, Any]] = {}
    for fmt in ("json", "csv"):
        path = folder / f"invoices-{count}.{fmt}"
        write_file(path, Generator(seed=7).documents(count, first_number=100_000))
        url = fresh_store(database_url, folder, f"files-{fmt}")
        results[f"{fmt} first"] = measure(url, path)
        results[f"{fmt} again"] = measure(url, path)
    return results


def run_store_sizes(
    store_size: int, more: int, database_url: str | None, folder: Path
) -> dict[str, dict[str, Any]]:
    """(b): 1,000 new invoices into an empty store and into one that holds ``store_size``.

    The 1,000 include credit notes of invoices already stored; the empty store holds just
    those originals, so both imports do the same work."""
    history = Generator(seed=11)
    big = fresh_store(database_url, folder, "big")
    tick = time.perf_counter()
    last: list[tuple[str, list[dict[str, Any]], str]] = []

    def remembered(documents: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        for document in documents:
            if document.get("kind") != "credit_note":
                last.append((document["number"], document["lines"], document["customer"]["ref"]))
                del last[:-200]
            yield document

    fill_store(big, remembered(history.documents(store_size, first_number=1_000_000)))
    fill_seconds = time.perf_counter() - tick
    originals = {number for number, _, _ in last}
    paths = [folder / f"more-{more}-{n}.json" for n in range(ROUNDS)]
    for n, path in enumerate(paths):
        first = 5_000_000 + n * more
        write_file(path, Generator(seed=13 + n, credit_from=last).documents(more, first))
    credited = {
        str(d.get("credited_invoice_number"))
        for path in paths
        for d in json.loads(path.read_text(encoding="utf-8"))["invoices"]
    } & originals
    small = fresh_store(database_url, folder, "small")
    fill_store(
        small,
        (
            d
            for d in Generator(seed=11).documents(store_size, first_number=1_000_000)
            if d["number"] in credited
        ),
    )
    runs: dict[str, list[dict[str, Any]]] = {
        f"{more} into {store_size:,}": [],
        f"{more} into empty": [],
    }
    for path in paths:  # in turns, so that a busy moment of the machine falls on both
        for url, name in zip((big, small), runs, strict=True):
            runs[name].append(measure(url, path))
    results: dict[str, dict[str, Any]] = {}
    for name, measured in runs.items():
        middle = sorted(measured, key=lambda r: r["seconds"])[len(measured) // 2]
        results[name] = middle | {"peak_kb": max(r["peak_kb"] for r in measured)}
    results["setup"] = {"fill_seconds": fill_seconds, "originals_credited": len(credited)}
    return results


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            cpu = next(
                line.split(":", 1)[1].strip() for line in info if line.startswith("model name")
            )
    except (OSError, StopIteration):
        pass
    return (
        f"{os.cpu_count()} cores, {cpu}; {platform.python_implementation()} "
        f"{platform.python_version()}, {platform.system()} {platform.machine()}; "
        f"{date.today().isoformat()}"
    )


def print_table(title: str, results: dict[str, dict[str, Any]]) -> None:
    names = [n for n in results if n != "setup"]
    width = max(14, *(len(n) + 2 for n in names))
    print(title)
    print(f"{'':30}" + "".join(f"{n:>{width}}" for n in names))
    rows = [
        ("documents read", "seen", "{:,}"),
        ("new / unchanged", None, ""),
        ("file size (MB)", "file_mb", "{:.1f}"),
        ("import time (s)", "seconds", "{:.2f}"),
        ("invoices/s", "rate", "{:,.0f}"),
        ("peak RSS (MB)", "peak_kb", "mb"),
        ("  of which before import (MB)", "before_import_kb", "mb"),
    ]
    for label, key, fmt in rows:
        cells = []
        for name in names:
            r = results[name]
            if key is None:
                cell = f"{r['new']:,} / {r['unchanged']:,}"
            elif fmt == "mb":
                cell = f"{r[key] / 1024:.0f}"
            else:
                cell = fmt.format(r[key])
            cells.append(f"{cell:>{width}}")
        print(f"{label:30}" + "".join(cells))
    print()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--invoices", type=int, default=100_000, help="documents in (a)'s files")
    parser.add_argument("--store-size", type=int, default=100_000, help="invoices stored in (b)")
    parser.add_argument("--more", type=int, default=1000, help="invoices imported in (b)")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--only", choices=("a", "b"))
    parser.add_argument("--child", nargs=2, metavar=("URL", "FILE"), help=argparse.SUPPRESS)
    add_smoke_option(parser)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]))
        return

    print(f"machine: {machine()}")
    print(f"database: {'PostgreSQL' if args.database_url else 'SQLite (file)'}")
    print()
    goals = Goals(args.smoke)
    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as cleanup:
        cleanup.callback(drop_created)
        folder = Path(tmp)
        if args.only != "b":
            files = run_files(args.invoices, args.database_url, folder)
            print_table(f"(a) one file of {args.invoices:,} invoices, imported twice", files)
            for fmt in ("json", "csv"):
                first, again = files[f"{fmt} first"], files[f"{fmt} again"]
                if first["new"] != args.invoices or again["unchanged"] != args.invoices:
                    goals.missed(f"{fmt}: not every invoice imported, or not unchanged again")
                if first["rate"] < GOAL_RATE:
                    goals.too_slow(f"{fmt}: {first['rate']:,.0f} invoices/s < {GOAL_RATE:,}")
                for run in (first, again):
                    if run["peak_kb"] / 1024 >= GOAL_PEAK_MB:
                        goals.too_slow(f"{fmt}: peak {run['peak_kb'] / 1024:.0f} MB")
        if args.only != "a":
            sizes = run_store_sizes(args.store_size, args.more, args.database_url, folder)
            setup = sizes["setup"]
            print_table(
                f"(b) {args.more:,} invoices into a store of {args.store_size:,} and into an "
                f"empty one (store filled in {setup['fill_seconds']:.0f} s; "
                f"{setup['originals_credited']} credited originals in both)",
                sizes,
            )
            big, small = (sizes[n] for n in sizes if n != "setup")
            for key, label in (("seconds", "time"), ("peak_kb", "peak memory")):
                if big[key] > small[key] * GOAL_SAME_STORE:
                    goals.too_slow(
                        f"{label} into a big store is {big[key] / small[key]:.2f}x the empty one"
                    )
    goals.exit()


if __name__ == "__main__":
    main()
