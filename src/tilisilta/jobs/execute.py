"""Running one claimed schedule: its flows in order, under a kept claim, and its record.

Used alike by the embedded runner, a procrastinate worker and a person's "run now". Nothing
raised by a flow escapes: a failure becomes the schedule's last error, in one line.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta

import structlog

from tilisilta.clock import Clock
from tilisilta.connectors.base import FlowContext
from tilisilta.connectors.registry import run_flow
from tilisilta.jobs import schedules
from tilisilta.jobs.schedules import Claim
from tilisilta.store.engine import Store

log = structlog.get_logger(__name__)

# Opens a connection's flow context by name (the runner's store, secrets, clock, transport).
ContextOpener = Callable[[str], FlowContext]


@dataclass
class RunOutcome:
    """``ok``; ``stopped`` (a flow ended the run: credentials, the wrong books; or the hub was
    asked to stop); ``failed`` (an error the flow did not expect)."""

    outcome: str
    counts: dict[str, int] = field(default_factory=dict)
    error: str | None = None


def run_flows(context: FlowContext, flows: tuple[str, ...]) -> RunOutcome:
    """Each flow in order; the first that stops ends the run. Counts are named by flow when
    there are several ("pull_invoices.stored")."""
    result = RunOutcome("ok")
    for name in flows:
        short = name.split(".", 1)[1]
        try:
            done = run_flow(context, name)
        except Exception as exc:  # a bug or an outage the flow did not explain: kept, not raised
            log.error("flow failed", flow=name, connection=context.connection_name, exc=repr(exc))
            result.outcome = "failed"
            result.error = f"{short}: unexpected {type(exc).__name__}: {exc}"
            return result
        for key, value in done.counts.items():
            result.counts[f"{short}.{key}" if len(flows) > 1 else key] = value
        if done.aborted:
            result.outcome = "stopped"
            result.error = f"{short}: {done.aborted}" if len(flows) > 1 else done.aborted
            return result
    return result


@contextmanager
def kept(
    store: Store, schedule_id: int, owner: str, clock: Clock, lease: timedelta
) -> Iterator[None]:
    """Renew the claim every third of its lease while the run goes on (in real time: the
    claim guards against a dead process, which only real time reveals)."""
    done = threading.Event()

    def renew() -> None:
        while not done.wait(lease.total_seconds() / 3):
            try:
                schedules.renew(store, [schedule_id], owner, clock.now() + lease)
            except Exception as exc:  # the next renewal tries again; the lease is long enough
                log.warning("could not renew a schedule's claim", exc=repr(exc))

    keeper = threading.Thread(target=renew, name=f"claim-{schedule_id}", daemon=True)
    keeper.start()
    try:
        yield
    finally:
        done.set()
        keeper.join()


def execute(
    claim: Claim,
    open_context: ContextOpener,
    store: Store,
    clock: Clock,
    owner: str,
    *,
    lease: timedelta,
    stop: threading.Event | None = None,
) -> RunOutcome:
    """Run a claimed schedule and record how it went; never raises for what a flow does."""
    with kept(store, claim.schedule_id, owner, clock, lease):
        try:
            context = dataclasses.replace(open_context(claim.connection), stop=stop)
        except (LookupError, ValueError) as exc:
            outcome = RunOutcome("failed", error=str(exc))
        else:
            outcome = run_flows(context, claim.flows)
    cut_short = stop is not None and stop.is_set() and outcome.outcome != "ok"
    if cut_short:
        outcome.outcome = "stopped"
    schedules.finish(
        store,
        claim.schedule_id,
        owner,
        clock.now(),
        outcome=outcome.outcome,
        counts=outcome.counts,
        error=outcome.error,
        again_now=cut_short,
    )
    return outcome
