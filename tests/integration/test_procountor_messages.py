"""The failures of issue 3 item 8 that no other test shows as a person reads them: each message
names the thing (date, account, dimension, invoice, credential) and says what to do.

Covered elsewhere: a customer that cannot be created or updated and a missing customer number
(test_procountor_customers), a product group that cannot be created (test_procountor_products),
a PDF copy not attached (test_procountor_pdf).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from tests.factories import invoice
from tests.hub import TestHub, Told
from tilisilta.ledger import exchanges as ledger
from tilisilta.store.companies import find_connection
from tilisilta.store.models import Exchange


def _coded(number: str, **first_line: Any) -> dict[str, Any]:
    doc = invoice(number)
    doc["lines"][0].update({"account": "3010", "dimensions": {"Kustannuspaikka": "HKI"}})
    doc["lines"][0].update(first_line)
    return doc


def _retry_all(hub: TestHub) -> None:
    with hub.store.session() as session:
        for exchange_id in session.scalars(select(Exchange.id)):
            ledger.retry(session, exchange_id, hub.clock.now())


# -- credentials --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("secret", "names"),
    [
        ("client_secret", "the client secret (or client id) is wrong"),
        ("api_key", "create a new one in Procountor under Basics → API client keys"),
    ],
)
def test_refused_credentials_name_the_credential_and_the_rights_needed(
    hub: TestHub, tmp_path: Path, secret: str, names: str
) -> None:
    with hub.store.session() as session:
        connection = find_connection(session, hub.connection)
        connection.secrets = hub.box.seal({**hub.box.open(connection.secrets), secret: "wrong"})
    hub.import_invoices([invoice("1001")], tmp_path)

    summary = hub.send()

    assert summary.aborted is not None
    assert summary.aborted.startswith("Procountor did not accept the credentials: ")
    assert names in summary.aborted
    assert "salesOrGroupInvoices" in summary.aborted and "ALL_RIGHTS" in summary.aborted
    assert hub.procountor.invoices() == []


# -- the invoice date's period ------------------------------------------------------------------
def test_a_period_closed_before_sending_names_the_date_and_the_fix(
    hub: TestHub, tmp_path: Path
) -> None:
    hub.procountor.sandbox.close_period(hub.procountor.company_id, date(2026, 6, 1))
    hub.import_invoices([invoice("1001")], tmp_path)

    [line] = hub.send().lines

    assert line.state == "data_issue" and line.message
    assert "the period for date 2026-06-10 is closed in Procountor" in line.message
    assert "open the period (or fiscal year) in Procountor, or change the invoice date" in (
        line.message
    )


def test_a_period_closed_while_sending_names_the_date_and_the_fix(
    hub: TestHub, tmp_path: Path
) -> None:
    """The run read the periods open; someone closes June before the invoice goes."""
    hub.import_invoices([invoice("1001")], tmp_path)
    sandbox, company_id = hub.procountor.sandbox, hub.procountor.company_id

    close_june = Told(on_planned=lambda _: sandbox.close_period(company_id, date(2026, 6, 1)))
    [line] = hub.send(progress=close_june).lines

    assert line.state == "response_error" and line.message
    assert line.message.startswith(
        "The period for date 2026-06-10 does not exist or is closed in Procountor: open the "
        "period (or fiscal year) in Procountor, or change the invoice date. Then send the "
        "invoice again"
    )
    assert hub.procountor.invoices() == []


# -- accounts and dimensions --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("first_line", "names", "fix"),
    [
        (
            {"account": "9999"},
            "lines[1].account = '9999': No 9999 account in Procountor",
            "add the account to Procountor's chart of accounts",
        ),
        (
            {"dimensions": {"Tulosyksikkö": "A1"}},
            "The dimension Tulosyksikkö does not exist in Procountor",
            "create the dimension in Procountor with the same name",
        ),
        (
            {"dimensions": {"Kustannuspaikka": "OUL"}},
            "Dimension Kustannuspaikka has no item OUL in Procountor",
            "let the connection create missing items (create_dimension_items)",
        ),
    ],
    ids=["account", "dimension", "dimension item"],
)
def test_a_missing_account_or_dimension_names_it_and_the_fix(
    hub: TestHub, tmp_path: Path, first_line: dict[str, Any], names: str, fix: str
) -> None:
    hub.import_invoices([_coded("1001", **first_line)], tmp_path)

    [line] = hub.send().lines

    assert line.state == "data_issue" and line.message
    assert line.message.startswith("Invoice 1001, ")
    assert names in line.message and fix in line.message
    assert hub.procountor.invoices() == []


# -- the ledger receipt (account coding) --------------------------------------------------------
@pytest.mark.parametrize(
    ("request_", "says"),
    [
        ("GET", "Could not retrieve account coding for invoice 1001 from Procountor"),
        ("PUT", "Could not update account coding for invoice 1001 in Procountor"),
    ],
    ids=["read", "update"],
)
def test_account_coding_that_cannot_be_read_or_updated_says_so_and_a_retry_finishes_it(
    hub: TestHub, tmp_path: Path, request_: str, says: str
) -> None:
    faults = hub.procountor.sandbox.faults
    faults.error_5xx = 1.0
    faults.only = rf"^{request_} /api/ledgerreceipts/"
    hub.import_invoices([_coded("1001")], tmp_path)

    [line] = hub.send().lines

    assert line.state == "response_error" and line.message
    assert says in line.message
    assert "The invoice is in Procountor, unfinished, without its rows' accounts" in line.message
    assert "retry the exchange" in line.message
    assert "by hand on the invoice's ledger receipt in Procountor" in line.message
    [created] = hub.procountor.invoices()
    assert created["status"] == "UNFINISHED"

    faults.update({"error_5xx": 0})
    _retry_all(hub)
    [line] = hub.send().lines

    assert line.state == "sent", line.message
    [sent] = hub.procountor.invoices()
    assert sent["id"] == created["id"]
    [receipt] = [
        r
        for r in hub.procountor.sandbox.ledger_receipts(hub.procountor.company_id)
        if r["id"] == sent["ledgerReceiptId"]
    ]
    entries = [t for t in receipt["transactions"] if t["transactionType"] == "ENTRY"]
    assert entries[0]["account"] == "3010"


# -- too many calls -----------------------------------------------------------------------------
def test_too_many_calls_while_sending_says_so_and_what_to_do(hub: TestHub, tmp_path: Path) -> None:
    faults = hub.procountor.sandbox.faults
    faults.error_429 = 1.0
    faults.only = r"^POST /api/invoices$"
    hub.import_invoices([invoice("1001")], tmp_path)

    [line] = hub.send().lines

    assert line.state == "response_error" and line.message
    assert (
        "Too many calls: Procountor kept answering 429 (too many requests) to POST /invoices"
        in (line.message)
    )
    assert "lower the connection's rate_limit_per_second (now 20 a second)" in line.message
    assert "retry the exchange" in line.message
    assert hub.procountor.invoices() == []

    faults.update({"error_429": 0})
    _retry_all(hub)
    [line] = hub.send().lines
    assert line.state == "sent"
    assert len(hub.procountor.invoices()) == 1


def test_too_many_calls_before_sending_stop_the_run_with_the_remedy(
    hub: TestHub, tmp_path: Path
) -> None:
    faults = hub.procountor.sandbox.faults
    faults.error_429 = 1.0
    faults.only = r"^GET /api/fiscalyears"
    hub.import_invoices([invoice("1001")], tmp_path)

    summary = hub.send()

    assert summary.aborted is not None
    assert summary.aborted.startswith(
        "Too many calls: Procountor kept answering 429 (too many requests) to GET /fiscalyears"
    )
    assert "try again in a while" in summary.aborted
    assert "rate_limit_per_second (now 20 a second)" in summary.aborted
    assert "could not be reached" not in summary.aborted
    assert hub.procountor.invoices() == []
