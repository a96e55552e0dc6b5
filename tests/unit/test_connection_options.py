"""Connection options hold what a person set; runtime state kept there before migration 0003
(pull cursors, the detected version, fetched VAT defaults) is left out when they are read."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from tilisilta.connectors.odoo.options import OdooOptions
from tilisilta.connectors.procountor.options import ProcountorOptions

ODOO = {"database": "db", "login": "bot", "odoo_company_id": 1}
PROCOUNTOR = {"client_id": "hub", "redirect_uri": "http://localhost/cb"}


def test_odoo_options_stored_with_cursors_and_version_still_load_without_them() -> None:
    stored = {
        **ODOO,
        "page_size": 50,
        "version": "17.0",
        "cursors": {"account.move": {"write_date": "2026-06-15 07:00:00", "id": 3}},
    }
    options = OdooOptions.model_validate(stored)
    assert options.page_size == 50
    dumped = options.model_dump(mode="json")
    assert "cursors" not in dumped and "version" not in dumped


def test_procountor_options_stored_with_vat_settings_still_load_without_them() -> None:
    stored = {**PROCOUNTOR, "vat_statuses": {"domestic": 1}, "vat_settings": {"statuses": []}}
    options = ProcountorOptions.model_validate(stored)
    assert options.vat_statuses == {"domestic": 1}  # a person's mapping stays an option
    assert "vat_settings" not in options.model_dump(mode="json")


@pytest.mark.parametrize(
    ("model", "stored"), [(OdooOptions, ODOO), (ProcountorOptions, PROCOUNTOR)]
)
def test_any_other_unknown_setting_is_still_refused(model: type, stored: dict[str, str]) -> None:
    with pytest.raises(ValidationError, match="cursor"):
        model.model_validate({**stored, "cursor": "typo"})
