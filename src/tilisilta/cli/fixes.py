"""How the CLI shows a fix: as the command to type."""

from __future__ import annotations

from tilisilta.fixes import Fix, render

COMMANDS = {
    "company.list": "tilisilta company list",
    "connection.list": "tilisilta connection list",
    "connection.test": "tilisilta connection test {connection}",
    "connection.set": "tilisilta connection set {connection} {setting} {value}",
    "connection.set_api_key": "tilisilta connection set-api-key {connection}",
    "connection.vat_status": "tilisilta connection vat-status {connection} {treatment} <status>",
    "connection.fetch_vat": "tilisilta connection fetch-vat {connection}",
    "exchange.retry": "tilisilta exchange retry {exchange}",
    "log": "tilisilta log",
    "schedule.list": "tilisilta schedule list",
    "schedule.set": "tilisilta schedule set {connection} {schedule} {option}",
    "run": "tilisilta run",
    "odoo.tax_map": "tilisilta odoo tax-map {connection} {tax} <treatment>",
    "odoo.unit_map": "tilisilta odoo unit-map {connection} {unit} <code>",
    "procountor.bind_customer": (
        "tilisilta procountor customers bind --connection {connection} {ref} <Procountor id>"
    ),
    "procountor.bind_product": (
        "tilisilta procountor products bind --connection {connection} {code} <Procountor id>"
    ),
}


class _Placeholders(dict[str, str]):
    """What a fix does not know (e.g. the connection) is shown as ``<connection>``."""

    def __missing__(self, key: str) -> str:
        return f"<{key}>"


def command(fix: Fix) -> str:
    template = COMMANDS.get(fix.action)
    if template is None:
        return fix.action
    params = _Placeholders(
        {key: value if " " not in value else repr(value) for key, value in fix.params.items()}
    )
    return "`" + template.format_map(params) + "`"


def shown(text: str) -> str:
    """A message with its fixes as commands."""
    return render(text, command)
