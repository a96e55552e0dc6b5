"""Flow: fetch the company's VAT defaults from Procountor into the connection's state."""

from __future__ import annotations

from dataclasses import dataclass, field

from tilisilta.connectors.base import FlowContext
from tilisilta.connectors.procountor.flows.connection import open_client
from tilisilta.connectors.procountor.mapping.vat_settings import (
    VatSettings,
    parse_vat_defaults,
    suggest_statuses,
)
from tilisilta.connectors.procountor.options import ProcountorOptions
from tilisilta.connectors.procountor.state import save_vat_settings
from tilisilta.store.models import Connection


@dataclass
class VatFetch:
    settings: VatSettings
    mapped: dict[str, int] = field(default_factory=dict)  # newly mapped from the descriptions
    kept: dict[str, int] = field(default_factory=dict)  # mapped before, left as they were


def fetch_vat_settings(context: FlowContext) -> VatFetch:
    """Store the VAT percentages and statuses in the connection's state; map treatments that
    have no status yet by the statuses' descriptions. A mapping a person made is never
    overwritten."""
    client, _options = open_client(context)
    try:
        settings = parse_vat_defaults(client.vat_defaults())
    finally:
        client.close()
    suggested = suggest_statuses(settings)
    now = context.clock.now()
    with context.store.session() as session:
        # The mapping is the person's option: read and written under the row's lock, and only
        # the mapping, so a setting changed meanwhile is not undone.
        connection = session.get_one(Connection, context.connection_id, with_for_update=True)
        save_vat_settings(session, connection.id, settings, now)
        kept = dict(ProcountorOptions.model_validate(connection.options).vat_statuses)
        mapped = {t: s for t, s in suggested.items() if t not in kept}
        if mapped:
            connection.options = {**connection.options, "vat_statuses": {**mapped, **kept}}
            connection.updated_at = now
    return VatFetch(settings=settings, mapped=mapped, kept=kept)
