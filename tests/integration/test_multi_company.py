"""Two companies in one hub, each with its own Procountor company: nothing mixes."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from tests.factories import invoice
from tests.hub import Procountor, TestHub
from tilisilta.clock import ManualClock
from tilisilta.connectors.procountor.options import ProcountorOptions
from tilisilta.crypto import SecretBox
from tilisilta.settings import Settings
from tilisilta.store.engine import Store
from tilisilta.store.models import Binding, Connection


def test_same_numbers_in_two_companies_go_to_their_own_procountor_company(
    hub: TestHub,
    procountor: Procountor,
    store: Store,
    box: SecretBox,
    clock: ManualClock,
    settings: Settings,
    tmp_path: Path,
) -> None:
    sandbox = procountor.sandbox
    added = hub.add_second_company()
    second, other = added.hub, added.remote
    with store.session() as session:
        copy = session.get_one(Connection, added.connection_id)
        assert (
            ProcountorOptions.model_validate(copy.options).client_id
            == (procountor.credentials["client_id"])
        )
    hub.import_invoices([invoice("1001"), invoice("1002")], tmp_path)
    second.import_invoices([invoice("1001", due_date="2026-06-30")], tmp_path)
    assert [line.state for line in hub.send().lines] == ["sent", "sent"]
    assert [line.state for line in second.send().lines] == ["sent"]

    mine = sandbox.invoices(procountor.company_id)
    theirs = sandbox.invoices(other.company_id)
    assert sorted(i["originalInvoiceNumber"] for i in mine) == ["1001", "1002"]
    assert [(i["originalInvoiceNumber"], i["paymentInfo"]["dueDate"]) for i in theirs] == [
        ("1001", "2026-06-30")
    ]
    # Procountor ids are per company: the same id means different invoices in each.
    assert {i["id"] for i in theirs} <= {i["id"] for i in mine}
    with store.session() as session:
        rows = session.execute(
            select(Connection.name, Binding.external_id).join(
                Connection, Connection.id == Binding.connection_id
            )
        ).all()
    assert sorted(rows) == sorted(
        [("pc", str(i["id"])) for i in mine] + [("pc2", str(i["id"])) for i in theirs]
    )
