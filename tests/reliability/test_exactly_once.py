"""Exactly once under faults: dropped responses, server errors and throttling."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from sqlalchemy import select

from tests.factories import batch
from tests.hub import TestHub
from tilisilta.store.models import Binding

MAX_RUNS = 8


def _send_until_settled(hub: TestHub) -> int:
    """Send, then send again (as the scheduler would) while anything waits for a retry."""
    for run in range(1, MAX_RUNS + 1):
        summary = hub.send(workers=4)
        assert summary.aborted is None
        assert len(hub.procountor.invoices()) <= 200  # never more than one per document
        if summary.count("pending") == 0:
            return run
        hub.clock.advance(3600)
    raise AssertionError(f"still waiting after {MAX_RUNS} runs")


def test_200_invoices_end_as_exactly_200_procountor_invoices(hub: TestHub, tmp_path: Path) -> None:
    hub.import_invoices(batch(200), tmp_path)
    faults = hub.procountor.sandbox.faults
    faults.drop_after_commit = 0.2
    faults.error_5xx = 0.1
    faults.error_429 = 0.05
    faults.only = r"^(POST|PUT|GET) /api/invoices"

    _send_until_settled(hub)

    remote = hub.procountor.invoices()
    numbers = Counter(inv["originalInvoiceNumber"] for inv in remote)
    assert len(remote) == 200
    assert set(numbers.values()) == {1}, "a document reached Procountor twice"
    assert faults.injected["drop_after_commit"] >= 20  # the faults really happened
    with hub.store.session() as session:
        bound = set(session.scalars(select(Binding.external_id)))
    assert bound == {str(inv["id"]) for inv in remote}
