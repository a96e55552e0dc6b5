"""What the Netvisor fetch benchmarks share: the sandbox served from a forked process, so that
what is traced is the hub's alone; a transport counting the hub's calls to it (the sandbox's own
log is in the other process); a fresh hub with the demo company's Netvisor connection; and one
fetch measured (time, calls, and peak memory when traced)."""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import socket
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import httpx
import uvicorn
from cryptography.fernet import Fernet

from tilisilta.clock import ManualClock
from tilisilta.connectors.base import FlowContext
from tilisilta.connectors.netvisor.options import NetvisorOptions
from tilisilta.connectors.registry import open_context
from tilisilta.crypto import SecretBox
from tilisilta.settings import Settings
from tilisilta.store import companies as repo
from tilisilta.store.engine import Store

R = TypeVar("R")


def arguments(doc: str) -> argparse.Namespace:
    """The sizes and database asked for; the machine and the database said first."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--invoices", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    args = parser.parse_args()
    print(
        f"machine: {platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} cores, {platform.system()} {platform.machine()}"
    )
    print(f"database: {'PostgreSQL' if args.database_url else 'SQLite (file)'}")
    return args


class CountingTransport(httpx.HTTPTransport):
    """Counts the requests sent."""

    calls = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        return super().handle_request(request)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def served(app: Any, port: int) -> Iterator[None]:
    """The sandbox's ``app``, as set up, answering on ``port`` from a forked process."""
    server = multiprocessing.get_context("fork").Process(
        target=uvicorn.run,
        args=(app,),
        kwargs={"host": "127.0.0.1", "port": port, "log_level": "warning"},
        daemon=True,
    )
    server.start()
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline or not server.is_alive():
                    raise RuntimeError("the sandbox did not start") from None
                time.sleep(0.05)
        yield
    finally:
        server.terminate()
        server.join(10)


@dataclass
class Hub:
    """A fresh hub whose company "Demo Oy" has the Netvisor connection "nv"."""

    store: Store
    box: SecretBox
    settings: Settings
    clock: ManualClock
    transport: CountingTransport

    def context(self) -> FlowContext:
        return open_context(
            self.store, self.box, self.clock, self.settings, "nv", transport=self.transport
        )

    def measure(self, fetch: Callable[[FlowContext], R], traced: bool) -> tuple[R, dict[str, Any]]:
        """Run ``fetch`` once: its report, and its seconds, calls and (traced) peak memory."""
        before = self.transport.calls
        if traced:
            tracemalloc.start()
        tick = time.perf_counter()
        report = fetch(self.context())
        seconds = time.perf_counter() - tick
        peak = tracemalloc.get_traced_memory()[1] / 1e6 if traced else float("nan")
        tracemalloc.stop()
        return report, {
            "seconds": seconds,
            "peak_mb": peak,
            "calls": self.transport.calls - before,
        }


@contextmanager
def netvisor_hub(
    home: str,
    database_url: str | None,
    url: str,
    credentials: dict[str, str],
    options: NetvisorOptions,
    clock: ManualClock,
) -> Iterator[Hub]:
    settings = Settings(home=Path(home), secret_keys=Fernet.generate_key().decode())
    store = Store(database_url or f"sqlite:///{home}/hub.db")
    store.upgrade()
    box = SecretBox.from_settings(settings)
    with store.session() as session:
        company = repo.create_company(session, "Demo Oy", options.organisation_id, clock.now())
        repo.add_connection(
            session, box, company=company, name="nv", kind="netvisor",
            environment="sandbox", base_url=url, options=options.model_dump(mode="json"),
            secrets={"customer_key": credentials["customer_key"],
                     "partner_key": credentials["partner_key"]},
            now=clock.now(),
        )  # fmt: skip
    transport = CountingTransport()
    try:
        yield Hub(store, box, settings, clock, transport)
    finally:
        transport.close()
        store.dispose()
