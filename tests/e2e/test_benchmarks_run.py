"""Every benchmark under benchmarks/ still runs, at a small size: the numbers in
docs/benchmarks.md come from these scripts, so they must not rot between measurements. A smoke
run holds what each script checks (everything sent once, the counts, the transactions and calls
of a document) and shows, without holding, its speed and memory, which say little at a small
size on a busy machine."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"

# script → the arguments of a small run
SMALL = {
    "bench_import.py": ["--smoke", "--invoices", "2000", "--store-size", "2000", "--more", "200"],
    "bench_log_status.py": ["--smoke", "--exchanges", "5000"],
    "bench_netvisor_parallel.py": ["--smoke", "--companies", "2", "--per-company", "5"],
    "bench_netvisor_payment_fetch.py": ["--invoices", "300"],
    "bench_odoo_pull.py": ["--invoices", "200"],
    "bench_payment_fetch.py": ["--invoices", "300"],
    "bench_purchase_fetch.py": ["--invoices", "60", "120"],
    "bench_send_overhead.py": [
        "--smoke",
        "--invoices",
        "200",
        "--store-size",
        "5000",
        "--more",
        "100",
        "--backlog",
        "1200",
        "--backlog-sent",
        "300",
    ],
    "bench_send_throughput.py": [
        "--smoke",
        "--invoices",
        "60",
        "--sequential-invoices",
        "20",
        "--companies",
        "3",
        "--per-company",
        "10",
        "--processes",
        "1,2",
    ],
}


def test_every_benchmark_has_a_small_run() -> None:
    assert {p.name for p in BENCHMARKS.glob("bench_*.py")} == set(SMALL)


@pytest.mark.parametrize("script", sorted(SMALL))
def test_the_benchmark_runs_and_its_checks_hold(script: str) -> None:
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / script), *SMALL[script]],
        capture_output=True,
        text=True,
        timeout=600,
    )
    said = done.stdout[-3000:] + done.stderr[-3000:]
    assert done.returncode == 0, said
    assert "Traceback" not in done.stderr, said
