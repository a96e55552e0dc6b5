"""`tilisilta settings`: the settings in effect, where each comes from, and what it means."""

from __future__ import annotations

import os
from typing import Annotated, Any

import typer
from pydantic import SecretStr
from rich.markup import escape

from tilisilta.cli.runtime import console, runtime
from tilisilta.crypto import mask
from tilisilta.http.jsonwire import encode_json
from tilisilta.settings import Settings

PREFIX = "TILISILTA_"


def _shown(value: Any) -> str:
    if isinstance(value, SecretStr):
        keys = value.get_secret_value().split(",")
        return ", ".join(mask(k.strip()) for k in keys)
    if value is None:
        return "-"
    text = str(value)
    if "://" in text and "@" in text:  # a database URL's password, if any, is not shown
        from sqlalchemy.engine import make_url

        return make_url(text).render_as_string(hide_password=True)
    return text


def show_settings(
    as_json: Annotated[bool, typer.Option("--json", help="For scripts: the same as JSON.")] = False,
) -> None:
    """The settings in effect (environment variables TILISILTA_…), each with its source and
    meaning; secret keys by their last four characters. Change one by setting its variable."""
    settings = runtime().settings
    rows = []
    for name, field in Settings.model_fields.items():
        variable = PREFIX + name.upper()
        rows.append(
            {
                "variable": variable,
                "value": _shown(getattr(settings, name)),
                "source": "environment" if variable in os.environ else "default",
                "meaning": field.description or "",
            }
        )
    rows.append(
        {
            "variable": "(database in use)",
            "value": _shown(settings.resolved_database_url()),
            "source": "TILISILTA_DATABASE_URL" if settings.database_url else "TILISILTA_HOME",
            "meaning": "the database the commands open",
        }
    )
    if as_json:
        print(encode_json(rows, indent=2).decode())
        return
    for row in rows:
        console.print(f"[bold]{row['variable']}[/bold] = {escape(row['value'])}  ({row['source']})")
        console.print(f"    {escape(row['meaning'])}", soft_wrap=False)
