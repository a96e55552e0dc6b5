"""Incremental reads by ``(write_date, id)``: every record changed since the cursor, once.

Strictly ``write_date > T`` would skip records written in the same second as the last one read;
the domain below takes ``write_date = T and id > last_id`` too, and pages in ``write_date, id``
order so the cursor only ever moves forward. Each pull starts ``overlap`` before the stored
cursor, because Odoo stamps write_date at the start of a transaction that may commit later;
the records read again are recognised by their content and change nothing. A pull that stops
part-way leaves its cursor marked ``resume``, and the next one carries on from there.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from tilisilta.connectors.odoo.client import OdooClient
from tilisilta.connectors.odoo.options import Cursor

ODOO_DATETIME = "%Y-%m-%d %H:%M:%S"


def since_domain(cursor: Cursor | None) -> list[Any]:
    if cursor is None:
        return []
    stamp = cursor.write_date
    return [
        "|",
        ("write_date", ">", stamp),
        "&",
        ("write_date", "=", stamp),
        ("id", ">", cursor.id),
    ]


def rewind(cursor: Cursor | None, overlap_seconds: int) -> Cursor | None:
    """Where a pull starts: the cursor moved back by the overlap window (to id 0), or the cursor
    itself when the previous pull stopped part-way there."""
    if cursor is None or cursor.resume or overlap_seconds <= 0:
        return cursor
    moment = datetime.strptime(cursor.write_date, ODOO_DATETIME) - timedelta(
        seconds=overlap_seconds
    )
    return Cursor(write_date=moment.strftime(ODOO_DATETIME), id=0)


def changed_pages(
    client: OdooClient,
    model: str,
    domain: Sequence[Any],
    fields: Sequence[str],
    *,
    cursor: Cursor | None,
    page_size: int,
    context: Mapping[str, Any],
) -> Iterator[tuple[list[dict[str, Any]], Cursor]]:
    """Pages of records changed after ``cursor``, each with the cursor to store once it is kept."""
    wanted = list(dict.fromkeys([*fields, "id", "write_date"]))
    position = cursor
    while True:
        rows = client.search_read(
            model,
            [*domain, *since_domain(position)],
            wanted,
            context=context,
            order="write_date asc, id asc",
            limit=page_size,
        )
        if not rows:
            return
        last = rows[-1]
        position = Cursor(write_date=str(last["write_date"]), id=int(last["id"]))
        yield rows, position
        if len(rows) < page_size:
            return
