"""One incremental pull of one Odoo model into the hub, shared by every pull flow.

Each page is read, prepared (any further reads it needs) and kept in one transaction together
with the cursor, marked ``resume``; when the last page is kept, the cursor is marked complete, so
the next pull starts with the overlap window again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from tilisilta.connectors.base import FlowContext
from tilisilta.connectors.odoo.client import OdooClient
from tilisilta.connectors.odoo.flows.connection import company_context
from tilisilta.connectors.odoo.mapping.cursor import after_second, rewind, second_window
from tilisilta.connectors.odoo.options import Cursor, OdooOptions
from tilisilta.connectors.odoo.state import load_cursor, save_cursor

P = TypeVar("P")


def pull_changes(
    context: FlowContext,
    client: OdooClient,
    options: OdooOptions,
    model: str,
    domain: Sequence[Any],
    fields: Sequence[str],
    *,
    prepare: Callable[[list[dict[str, Any]]], P],
    keep: Callable[[Session, P], None],
    report_pages: bool = False,
) -> None:
    """Raises RemoteError when Odoo fails; what was kept before stays, with its cursor. With
    ``report_pages``, each page kept advances the context's progress by its records."""
    store, clock, connection_id = context.store, context.clock, context.connection_id
    with store.session() as session:
        stored = load_cursor(session, connection_id, model)
    reached = stored
    for rows, position in changed_pages(
        client,
        model,
        domain,
        fields,
        cursor=rewind(stored, options.overlap_seconds),
        page_size=options.page_size,
        context=company_context(options),
    ):
        prepared = prepare(rows)
        reached = position.model_copy(update={"resume": True})
        with store.session() as session:
            keep(session, prepared)
            save_cursor(session, connection_id, model, reached, clock.now())
        if report_pages:
            context.advanced(len(rows))
    if reached is not None:
        with store.session() as session:
            done = reached.model_copy(update={"resume": False})
            save_cursor(session, connection_id, model, done, clock.now())


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

    def read(extra: list[Any], order: str) -> list[dict[str, Any]]:
        return client.search_read(
            model, [*domain, *extra], wanted, context=context, order=order, limit=page_size
        )

    position = cursor
    window_done = False
    while True:
        if position is not None and not window_done:
            while True:  # the rest of the cursor's second, by id
                rows = read(second_window(position), "id asc")
                if rows:
                    position = position.model_copy(update={"id": int(rows[-1]["id"])})
                    yield rows, position
                if len(rows) < page_size:
                    break
        rows = read(after_second(position), "write_date asc, id asc")
        if not rows:
            return
        last_second = str(rows[-1]["write_date"])[:19]
        in_last = [int(r["id"]) for r in rows if str(r["write_date"])[:19] == last_second]
        whole = Cursor(write_date=last_second, id=0)
        if len(rows) < page_size or client.search_count(
            model, [*domain, *second_window(whole)], context=context
        ) == len(in_last):
            position, window_done = whole.model_copy(update={"id": max(in_last)}), True
            yield rows, position
            if len(rows) < page_size:
                return
            continue
        complete = [r for r in rows if str(r["write_date"])[:19] < last_second]
        position, window_done = whole, False
        if complete:
            yield complete, position
