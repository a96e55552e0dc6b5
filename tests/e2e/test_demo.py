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


def test_demo_sends_the_valid_documents_and_explains_the_refused_ones(
    runner: CliRunner, tmp_path: Path
) -> None:
    folder = tmp_path / "tilisilta-demo"
    first = runner.invoke(app, ["demo", "--dir", str(folder)])
    assert first.exit_code == 0, first.output
    out = first.output
    assert "61 documents read; 61 new" in out
    assert "Summary: 56 sent, 5 data issues, 0 refused, 0 waiting to retry." in out
    assert "The Procountor sandbox holds 56 invoices for 56 sent documents" in out
    # The refused ones say why, naming the value and the fix.
    assert "24 %" in out and "25.5" in out
    assert (folder / "tilisilta.db").exists()
    # Procountor then paid some invoices: in full, in part, and one payment reversed.
    assert "16 new payments" in out and "10 now paid, 6 partly paid" in out
    assert "1 negative or zero events left for a person" in out
    # Procountor already had customers and products made by hand: they are matched first, the
    # ambiguous customer is bound by hand, and the others are created while sending, once each.
    flat = " ".join(out.split())  # the console wraps long lines
    assert (
        "Procountor customers: 6 read, 3 matched and bound, 1 ambiguous, 1 matching nothing here"
        in flat
    )
    assert "bound by hand: C-1004 Saariston Kirjakauppa Oy" in flat
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
    # 12 customers with sendable invoices, 4 of them already in Procountor; 18 products, 3 there.
    assert created.groups() == ("8", "15")
    # The sandbox holds what was there plus exactly those: nothing was created twice.
    assert held.groups() == ("14", "6", "8", "19", "4", "15")

    second = runner.invoke(app, ["demo", "--dir", str(folder)])
    assert second.exit_code == 0, second.output
    assert "Summary: 0 sent, 5 data issues" in second.output
    assert "Created in Procountor while sending: 0 customers and 0 products" in " ".join(
        second.output.split()
    )
    assert "Nothing was sent twice: 56 documents were already in Procountor" in second.output
