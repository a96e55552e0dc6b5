"""Flow: fetch the company's VAT defaults from Procountor into the connection's state."""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx

from tilisilta.clock import Clock
from tilisilta.connectors.procountor.flows.connection import open_client
from tilisilta.connectors.procountor.mapping.vat_settings import (
    VatSettings,
    parse_vat_defaults,
    suggest_statuses,
)
from tilisilta.connectors.procountor.options import ProcountorOptions
from tilisilta.connectors.procountor.state import save_vat_settings
from tilisilta.crypto import SecretBox
from tilisilta.store.companies import find_connection
from tilisilta.store.engine import Store


@dataclass
class VatFetch:
    settings: VatSettings
    mapped: dict[str, int] = field(default_factory=dict)  # newly mapped from the descriptions
    kept: dict[str, int] = field(default_factory=dict)  # mapped before, left as they were


def fetch_vat_settings(
    store: Store,
    box: SecretBox,
    clock: Clock,
    name: str,
    *,
    transport: httpx.BaseTransport | None = None,
) -> VatFetch:
    """Store the VAT percentages and statuses in the connection's state; map treatments that
    have no status yet by the statuses' descriptions. A mapping a person made is never
    overwritten."""
    with store.session() as session:
        connection = find_connection(session, name)
        client, _options = open_client(connection, box, clock, transport)
    try:
        settings = parse_vat_defaults(client.vat_defaults())
    finally:
        client.close()
    suggested = suggest_statuses(settings)
    with store.session() as session:
        connection = find_connection(session, name)
        # The mapping is the person's option: read and written under the row's lock, and only
        # the mapping, so a setting changed meanwhile is not undone.
        session.refresh(connection, with_for_update=True)
        save_vat_settings(session, connection.id, settings, clock.now())
        kept = dict(ProcountorOptions.model_validate(connection.options).vat_statuses)
        mapped = {t: s for t, s in suggested.items() if t not in kept}
        if mapped:
            connection.options = {**connection.options, "vat_statuses": {**mapped, **kept}}
            connection.updated_at = clock.now()
    return VatFetch(settings=settings, mapped=mapped, kept=kept)
