"""A period's sales payments, kept on disk by invoice number for the fetch that reads them.

Netvisor answers a period's payments in one list, and a first fetch's period may be long (it
begins at the earliest unpaid invoice's date). The rows go, as they are read from the received
answer, into a private temporary SQLite database (on disk but for a 2 MB page cache), and
each batch of unpaid invoices takes its own rows from there: a fetch holds one batch's payments,
however many the period has.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from types import TracebackType

from tilisilta.connectors.netvisor.client.api import SalesPaymentRow

_PER_QUERY = 500  # numbers in one IN (...), well within SQLite's parameter limit
_COLUMNS = "number, netvisor_key, payment_date, amount, reference, name, bank_status"


class PeriodPayments:
    """The payments of a period that name an invoice, by its number, in the answer's order."""

    def __init__(self, rows: Iterable[SalesPaymentRow]) -> None:
        # An empty name: SQLite's private temporary database, deleted when it is closed.
        self._db = sqlite3.connect("")
        # What of it stays in memory: SQLite's page cache, 2 MB (its default, said here).
        self._db.execute("PRAGMA cache_size = -2048")
        self._db.execute(f"CREATE TABLE payment ({_COLUMNS})")
        self._db.executemany(
            "INSERT INTO payment VALUES (?, ?, ?, ?, ?, ?, ?)",
            (_stored(row) for row in rows if row.invoice_number),
        )
        self._db.execute("CREATE INDEX payment_number ON payment (number)")

    def of(self, numbers: Sequence[str]) -> dict[str, list[SalesPaymentRow]]:
        """Invoice number → its payments, for those of these numbers that have any."""
        found: dict[str, list[SalesPaymentRow]] = {}
        for start in range(0, len(numbers), _PER_QUERY):
            chunk = list(numbers[start : start + _PER_QUERY])
            marks = ", ".join("?" * len(chunk))
            query = f"SELECT {_COLUMNS} FROM payment WHERE number IN ({marks}) ORDER BY rowid"
            for stored in self._db.execute(query, chunk):
                found.setdefault(stored[0], []).append(_row(stored))
        return found

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> PeriodPayments:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def _stored(row: SalesPaymentRow) -> tuple[str | None, ...]:
    return (
        row.invoice_number,
        row.netvisor_key,
        row.payment_date.isoformat() if row.payment_date else None,
        str(row.amount) if row.amount is not None else None,
        row.reference,
        row.name,
        row.bank_status,
    )


def _row(stored: tuple[str | None, ...]) -> SalesPaymentRow:
    number, key, day, amount, reference, name, bank_status = stored
    return SalesPaymentRow(
        netvisor_key=key or "",
        payment_date=date.fromisoformat(day) if day else None,
        amount=Decimal(amount) if amount is not None else None,
        invoice_number=number,
        reference=reference,
        name=name,
        bank_status=bank_status,
    )
