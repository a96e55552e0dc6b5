"""Incremental reads by ``(write_date, id)``: every record changed since the cursor, once.

Odoo stores ``write_date`` with microseconds (one value for a whole transaction) but sends it
cut to whole seconds, and 16-18 compare a datetime in a domain exactly while 19 compares it to
the whole second. So nothing here ever compares a write_date with ``=`` or ``>``: a cursor
``(S, id)`` means "every second before S is read, and in second S every id up to ``id``".

A pull finishes the cursor's second by id, in the half-open window ``S <= write_date < S+1``
(the same on every version), then reads the next page from ``S+1`` on in ``write_date, id``
order. In a full page every second before the last row's is complete (the order is by the true
value); a count of the last second's window tells whether it is complete too. If it is not
(many records of one transaction), the rows before it are kept and the last second is read by
id in its own window: however many records share one second, each is read once and the pull
ends.

Each pull starts ``overlap`` before the stored cursor, because Odoo stamps write_date at the
start of a transaction that may commit later; the records read again are recognised by their
content and change nothing. A pull that stops part-way leaves its cursor marked ``resume``, and
the next one carries on from there.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from tilisilta.connectors.odoo.options import Cursor

ODOO_DATETIME = "%Y-%m-%d %H:%M:%S"


def _shift(stamp: str, seconds: int) -> str:
    moment = datetime.strptime(stamp[:19], ODOO_DATETIME) + timedelta(seconds=seconds)
    return moment.strftime(ODOO_DATETIME)


def second_window(cursor: Cursor) -> list[Any]:
    """The records of the cursor's second not read yet."""
    return [
        ("write_date", ">=", cursor.write_date),
        ("write_date", "<", _shift(cursor.write_date, 1)),
        ("id", ">", cursor.id),
    ]


def after_second(cursor: Cursor | None) -> list[Any]:
    """The records of every second after the cursor's."""
    if cursor is None:
        return []
    return [("write_date", ">=", _shift(cursor.write_date, 1))]


def rewind(cursor: Cursor | None, overlap_seconds: int) -> Cursor | None:
    """Where a pull starts: the cursor moved back by the overlap window (to id 0), or the cursor
    itself when the previous pull stopped part-way there."""
    if cursor is None or cursor.resume or overlap_seconds <= 0:
        return cursor
    return Cursor(write_date=_shift(cursor.write_date, -overlap_seconds), id=0)
