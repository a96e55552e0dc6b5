"""The embedded runner: schedules and their work in one process, on SQLite or PostgreSQL,
with no broker: the runner of the embedded database.

Each tick claims the due schedules (one run per period however many runners share the
database), runs them on a few threads, one at a time per connection, and keeps their claims
while they run. On a stop request it claims nothing more, lets the sending flows finish the
document under way, and returns; a killed runner's claims lapse and its documents are
reconciled by the delivery protocol on the next run.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta

from tilisilta.clock import Clock
from tilisilta.jobs import schedules
from tilisilta.jobs.execute import ContextOpener, RunOutcome, execute
from tilisilta.jobs.schedules import Claim
from tilisilta.ledger.leases import current_owner
from tilisilta.store.engine import Store

OnRun = Callable[[Claim, RunOutcome], None]


@dataclass
class Runner:
    store: Store
    clock: Clock
    open_context: ContextOpener
    threads: int = 4
    lease: timedelta = timedelta(seconds=60)
    tick_seconds: float = 1.0
    on_run: OnRun | None = None
    owner: str = field(default_factory=current_owner)
    stop: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self._running: dict[int, Future[RunOutcome]] = {}  # connection id → its run

    def run_once(self) -> list[tuple[Claim, RunOutcome]]:
        """Run everything due now, wait for it, and return what ran."""
        done: list[tuple[Claim, RunOutcome]] = []
        with ThreadPoolExecutor(max_workers=self.threads, thread_name_prefix="run") as pool:
            while not self.stop.is_set():
                claims = self._claim()
                if not claims:
                    break
                futures = [(c, pool.submit(self._execute, c)) for c in claims]
                done += [(c, f.result()) for c, f in futures]
        return done

    def run_until_stopped(self) -> None:
        """Tick until ``stop`` is set, then finish the runs under way."""
        with ThreadPoolExecutor(max_workers=self.threads, thread_name_prefix="run") as pool:
            while not self.stop.is_set():
                self._forget_finished()
                for claim in self._claim():
                    self._running[claim.connection_id] = pool.submit(self._execute, claim)
                self.stop.wait(self.tick_seconds)
            for future in list(self._running.values()):
                future.result()

    def _claim(self) -> list[Claim]:
        self._forget_finished()
        free = self.threads - len(self._running)
        if free <= 0:
            return []
        return schedules.claim_due(
            self.store,
            self.owner,
            self.clock.now(),
            self.lease,
            limit=free,
            busy=list(self._running),
        )

    def _forget_finished(self) -> None:
        for connection_id in [c for c, f in self._running.items() if f.done()]:
            del self._running[connection_id]

    def _execute(self, claim: Claim) -> RunOutcome:
        outcome = execute(
            claim,
            self.open_context,
            self.store,
            self.clock,
            self.owner,
            lease=self.lease,
            stop=self.stop,
        )
        if self.on_run is not None:
            self.on_run(claim, outcome)
        return outcome
