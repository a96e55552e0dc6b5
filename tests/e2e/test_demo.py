"""`tilisilta demo`, as a new user runs it: from nothing, twice."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tilisilta.cli.main import app


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    for name in ("TILISILTA_DATABASE_URL", "TILISILTA_SECRET_KEYS", "TILISILTA_HOME"):
        monkeypatch.delenv(name, raising=False)
    return CliRunner()


@pytest.mark.slow
def test_demo_carries_odoo_invoices_to_procountor_and_payments_back(
    runner: CliRunner, tmp_path: Path
) -> None:
    folder = tmp_path / "tilisilta-demo"
    first = runner.invoke(app, ["demo", "--dir", str(folder)])
    assert first.exit_code == 0, first.output
    out = first.output
    flat = " ".join(out.split())  # the console wraps long lines
    # Odoo is the ERP: the batch is posted there and pulled, one invoice Odoo-side wrong.
    assert "62 invoices and credit notes posted in Odoo." in flat
    assert "Invoices and credit notes: 61 new, 0 changed, 0 unchanged, 1 with data issues" in flat
    assert "has 2 taxes; give it exactly one sales tax in Odoo" in flat
    assert "Summary: 57 sent, 4 data issues, 0 refused, 0 waiting to retry." in flat
    assert "The Procountor sandbox holds 57 invoices for 57 sent documents" in flat
    # Every sent invoice totals the same to the cent in Odoo, the hub and Procountor (Odoo's
    # 686.565 row rounds up as in Odoo's float_round, and the hub keeps Odoo's totals).
    assert (
        "All 57 invoices sent in this run total the same to the cent in Odoo, in the hub and "
        "in Procountor." in flat
    )
    # The refused ones say why, naming the value and the fix.
    assert "24 % is not valid for supply date" in flat and "use 25.5 %" in flat
    assert "Customer business ID '2871046-2' is not valid (check digit should be 9)" in flat
    assert (folder / "tilisilta.db").exists()
    # Procountor then paid some invoices: in full, in part, and one payment reversed.
    assert "16 new payments" in flat and "10 now paid, 6 partly paid" in flat
    assert "1 negative or zero events left for a person" in flat
    # ...and the payments are registered in Odoo, which shows the invoices paid.
    assert "Payments registered in Odoo: 16; refused: 0" in flat
    assert "Odoo's invoices by payment state: 10 in_payment, 40 not_paid, 6 partial" in flat
    # Procountor already had customers and products made by hand: they are matched first, the
    # ambiguous customer is bound by hand, and the others are created while sending, once each.
    assert (
        "Procountor customers: 6 read, 3 matched and bound, 1 ambiguous, 1 matching nothing here"
        in flat
    )
    assert re.search(r"bound by hand: odoo:\d+ Saariston Kirjakauppa Oy", flat)
    assert "Procountor products: 4 read, 3 matched and bound, 0 ambiguous" in flat
    created = re.search(
        r"Created in Procountor while sending: (\d+) customers and (\d+) products", flat
    )
    held = re.search(
        r"It holds (\d+) customers \((\d+) made by hand before the hub, (\d+) since\) and "
        r"(\d+) products \((\d+) by hand, (\d+) since\)",
        flat,
    )
    assert created and held, out
    assert created.groups() == ("8", "15")
    # The sandbox holds what was there plus exactly those: nothing was created twice.
    assert held.groups() == ("14", "6", "8", "19", "4", "15")

    # The second company keeps its books in Netvisor: its Odoo invoices go there, the bank's
    # payments come back to Odoo (a refund left for a person), purchase invoices are fetched.
    assert "8. A second company, Kirjapaino Demo Oy: books in Netvisor" in flat
    assert "Summary: 13 sent, 1 data issues" in flat
    assert "Netvisor holds 13 sales invoices, each once" in flat
    assert "6 new payments" in flat and "5 now paid, 1 partly paid" in flat
    assert "Payments registered in Odoo: 6; refused: 0" in flat
    assert "Purchase invoices fetched from Netvisor: 2 new, 0 already here, 1 attachment(s)" in flat
    assert "Vendor bills made in Odoo (draft, for a person to check): 2; 0 booked before" in flat

    second = runner.invoke(app, ["demo", "--dir", str(folder)])
    assert second.exit_code == 0, second.output
    again = " ".join(second.output.split())
    assert "Invoices and credit notes: 0 new, 0 changed, 61 unchanged" in again
    assert "Summary: 0 sent, 4 data issues" in again
    assert "Created in Procountor while sending: 0 customers and 0 products" in again
    assert "Nothing was sent twice: 57 documents were already in Procountor" in again
    assert "Payments registered in Odoo: 0" in again
    assert "Nothing was sent twice: 13 documents were already in Netvisor" in again
