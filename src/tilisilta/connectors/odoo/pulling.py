"""One incremental pull of one Odoo model into the hub, shared by every pull flow.

Each page is read, prepared (any further reads it needs) and kept in one transaction together
with the cursor, marked ``resume``; when the last page is kept, the cursor is marked complete, so
the next pull starts with the overlap window again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from tilisilta.clock import Clock
from tilisilta.connectors.odoo.client import OdooClient
from tilisilta.connectors.odoo.connection import company_context, load_cursor, save_cursor
from tilisilta.connectors.odoo.cursor import changed_pages, rewind
from tilisilta.connectors.odoo.options import OdooOptions
from tilisilta.store.engine import Store

P = TypeVar("P")


def pull_changes(
    store: Store,
    connection_id: int,
    client: OdooClient,
    options: OdooOptions,
    clock: Clock,
    model: str,
    domain: Sequence[Any],
    fields: Sequence[str],
    *,
    prepare: Callable[[list[dict[str, Any]]], P],
    keep: Callable[[Session, P], None],
    on_page: Callable[[int], None] | None = None,
) -> None:
    """Raises RemoteError when Odoo fails; what was kept before stays, with its cursor."""
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
        if on_page is not None:
            on_page(len(rows))
    if reached is not None:
        with store.session() as session:
            done = reached.model_copy(update={"resume": False})
            save_cursor(session, connection_id, model, done, clock.now())
