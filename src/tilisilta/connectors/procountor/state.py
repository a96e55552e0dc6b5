"""A Procountor connection's runtime state (``store.connection_state``): what is fetched from
Procountor and kept between runs, as opposed to the options a person sets."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from tilisilta.connectors.procountor.mapping.vat_settings import VatSettings
from tilisilta.store import connection_state

VAT_SETTINGS = "vat_settings"  # the company's VAT defaults (GET /vats/default), once fetched


def load_vat_settings(session: Session, connection_id: int) -> VatSettings | None:
    stored = connection_state.get(session, connection_id, VAT_SETTINGS)
    return None if stored is None else VatSettings.model_validate(stored)


def save_vat_settings(
    session: Session, connection_id: int, settings: VatSettings, now: datetime
) -> None:
    connection_state.put(
        session, connection_id, VAT_SETTINGS, settings.model_dump(mode="json"), now
    )
