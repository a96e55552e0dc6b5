"""The connection's sending option decides where the invoice ends in Procountor."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.factories import invoice
from tests.hub import TestHub


@pytest.mark.parametrize(
    ("option", "status"),
    [("unfinished", "UNFINISHED"), ("approve", "NOT_SENT"), ("approve_and_send", "SENT")],
)
def test_sending_option(  # type: ignore[no-untyped-def]
    sqlite_store, box, clock, settings, procountor, tmp_path: Path, option: str, status: str
) -> None:
    hub = TestHub(sqlite_store, box, clock, settings).connect_procountor(procountor, sending=option)
    hub.import_invoices([invoice("1001")], tmp_path)
    summary = hub.send()
    assert summary.lines[0].state == "sent"
    [remote] = procountor.invoices()
    assert remote["status"] == status


def test_no_sending_channel_is_approved_straight_to_approved(  # type: ignore[no-untyped-def]
    sqlite_store, box, clock, settings, procountor, tmp_path: Path
) -> None:
    hub = TestHub(sqlite_store, box, clock, settings).connect_procountor(procountor, channel="none")
    hub.import_invoices([invoice("1001")], tmp_path)
    hub.send()
    [remote] = procountor.invoices()
    assert (remote["invoiceChannel"], remote["status"]) == ("NO_SENDING", "APPROVED")
