"""Companies, connections and secrets."""

from __future__ import annotations

import json
import os
import sys
from typing import Annotated

import typer
from pydantic import BaseModel
from rich.table import Table

from tilisilta.cli.runtime import console, fail, open_connection, runtime
from tilisilta.connectors.base import require_kind, title_of
from tilisilta.connectors.procountor.options import (
    BASE_URLS,
    ChannelChoice,
    ProcountorOptions,
    SendingOption,
)
from tilisilta.connectors.procountor.state import load_vat_settings
from tilisilta.connectors.settings_edit import (
    SettingError,
    setting_lines,
    settings_from,
    with_setting,
)
from tilisilta.crypto import add_key_to_file, mask
from tilisilta.domain.documents import VatTreatment
from tilisilta.store import companies as repo
from tilisilta.store import connection_state

company_app = typer.Typer(help="Companies (tenants), one per business ID.", no_args_is_help=True)
connection_app = typer.Typer(help="Links of a company to external systems.", no_args_is_help=True)
secrets_app = typer.Typer(help="Encryption of stored credentials.", no_args_is_help=True)


@company_app.command("create")
def company_create(name: str, business_id: str) -> None:
    """Add a company by its name and Finnish business ID (Y-tunnus)."""
    rt = runtime()
    try:
        with rt.store.session() as session:
            company = repo.create_company(session, name, business_id, rt.clock.now())
            console.print(f"Company {company.id}: {company.name} ({company.business_id})")
    except ValueError as exc:
        raise fail(str(exc)) from exc


@company_app.command("list")
def company_list() -> None:
    rt = runtime()
    table = Table("id", "name", "business ID", "connections")
    with rt.store.session() as session:
        for company in repo.list_companies(session):
            names = ", ".join(c.name for c in company.connections) or "-"
            table.add_row(str(company.id), company.name, company.business_id, names)
    console.print(table)


@connection_app.command("add-procountor")
def add_procountor(
    name: str,
    company: Annotated[str, typer.Option(help="Business ID, id or name of the company.")],
    client_id: Annotated[str, typer.Option(help="Your integration's client id.")],
    redirect_uri: Annotated[str, typer.Option(help="The redirect URI registered with it.")],
    client_secret: Annotated[
        str, typer.Option(prompt=True, hide_input=True, envvar="TILISILTA_CLIENT_SECRET")
    ],
    api_key: Annotated[str, typer.Option(prompt=True, hide_input=True, envvar="TILISILTA_API_KEY")],
    environment: Annotated[str, typer.Option(help="sandbox, test or production.")] = "test",
    base_url: Annotated[str | None, typer.Option(help="Overrides the environment's URL.")] = None,
    sending: SendingOption = SendingOption.APPROVE,
    channel: ChannelChoice = ChannelChoice.AUTO,
    bank_account: Annotated[str | None, typer.Option(help="IBAN; default: Procountor's.")] = None,
) -> None:
    """Connect a company to Procountor. Secrets are asked for (or read from the environment)
    and stored encrypted."""
    if environment not in BASE_URLS:
        raise fail(f"environment must be one of {', '.join(BASE_URLS)}, not {environment!r}")
    options = ProcountorOptions(
        client_id=client_id,
        redirect_uri=redirect_uri,
        sending=sending,
        channel=channel,
        bank_account=bank_account,
    )
    secrets = {"client_secret": client_secret, "api_key": api_key}
    _save_connection("procountor", name, company, environment, base_url, options, secrets)


@connection_app.command("add-odoo")
def add_odoo(
    name: str,
    company: Annotated[str, typer.Option(help="Business ID, id or name of the company.")],
    url: Annotated[str, typer.Option(help="Odoo's address, e.g. https://erp.example.fi")],
    database: Annotated[str, typer.Option(help="The Odoo database.")],
    login: Annotated[str, typer.Option(help="The Odoo user the hub logs in as.")],
    odoo_company: Annotated[int, typer.Option(help="Id of the Odoo company this serves.")],
    api_key: Annotated[str, typer.Option(prompt=True, hide_input=True, envvar="TILISILTA_API_KEY")],
    environment: Annotated[str, typer.Option(help="sandbox, test or production.")] = "production",
) -> None:
    """Connect a company to its Odoo company. Only records of that Odoo company are ever read.
    The API key is asked for (or read from the environment) and stored encrypted."""
    from tilisilta.connectors.odoo.options import OdooOptions

    options = OdooOptions(database=database, login=login, odoo_company_id=odoo_company)
    _save_connection("odoo", name, company, environment, url, options, {"api_key": api_key})


@connection_app.command("add")
def connection_add(
    kind: Annotated[str, typer.Argument(help="procountor or odoo.")],
    name: str,
    company: Annotated[str, typer.Option(help="Business ID, id or name of the company.")],
    setting: Annotated[
        list[str] | None,
        typer.Option("--set", help="A setting as NAME=VALUE (repeat); see `connection show`."),
    ] = None,
    environment: Annotated[str | None, typer.Option(help="sandbox, test or production.")] = None,
    url: Annotated[str | None, typer.Option(help="Overrides the environment's URL.")] = None,
) -> None:
    """Connect a company to an external system of any kind. Secrets are read from the
    environment (TILISILTA_API_KEY, TILISILTA_CLIENT_SECRET…) or asked for, and stored
    encrypted."""
    from tilisilta.connectors.registry import connector

    try:
        kind_of = connector(kind)
    except LookupError as exc:
        raise fail(str(exc)) from exc
    env = environment or kind_of.default_environment
    if url is None and env not in kind_of.base_urls:
        raise fail(f"give the {kind_of.title} address with --url (e.g. https://erp.example.fi)")
    values: dict[str, str] = {}
    for item in setting or []:
        key, sep, raw = item.partition("=")
        if not sep:
            raise fail(f"--set takes NAME=VALUE, not {item!r}")
        values[key.strip()] = raw
    try:
        options = settings_from(kind_of.options_model, values)
    except SettingError as exc:
        raise fail(
            f"{exc} (a {kind_of.title} connection; give settings as --set NAME=VALUE)"
        ) from exc
    secrets = {field: _secret(field) for field in kind_of.secrets_model.model_fields}
    _save_connection(kind_of.kind, name, company, env, url, options, secrets)


def _save_connection(
    kind: str,
    name: str,
    company: str,
    environment: str,
    base_url: str | None,
    options: BaseModel,
    secrets: dict[str, str],
) -> None:
    from tilisilta.connectors.registry import connector

    kind_of = connector(kind)
    url = base_url or kind_of.base_urls.get(environment)
    if url is None:
        raise fail(f"give the {kind_of.title} address with --url (e.g. https://erp.example.fi)")
    rt = runtime()
    try:
        with rt.store.session() as session:
            owner = repo.find_company(session, company)
            added = repo.add_connection(
                session,
                rt.box,
                company=owner,
                name=name,
                kind=kind,
                environment=environment,
                base_url=url,
                options=options.model_dump(mode="json"),
                secrets=secrets,
                now=rt.clock.now(),
            )
            console.print(
                f"Connection {added.name} ({kind_of.title}) added for {owner.name} "
                f"({added.base_url}); check it with `tilisilta connection test {name}`"
            )
    except (LookupError, ValueError) as exc:
        raise fail(str(exc)) from exc


def _secret(field: str) -> str:
    """A secret from TILISILTA_<FIELD>, else asked for without echo."""
    variable = f"TILISILTA_{field.upper()}"
    value = os.environ.get(variable)
    if value:
        return value
    if not sys.stdin.isatty():
        raise fail(f"set {variable} (the secret is never given on the command line)")
    entered: str = typer.prompt(field.replace("_", " "), hide_input=True)
    return entered


@connection_app.command("list")
def connection_list() -> None:
    rt = runtime()
    table = Table("name", "company", "kind", "environment", "state", "URL")
    with rt.store.session() as session:
        for c in repo.list_connections(session):
            table.add_row(c.name, c.company.name, c.kind, c.environment, c.state, c.base_url)
    console.print(table)


@connection_app.command("show")
def connection_show(name: str) -> None:
    """Every setting of a connection, defaults included; secrets by their last four characters."""
    rt = runtime()
    context = open_connection(rt, name)
    with rt.store.session() as session:
        c = repo.find_connection(session, name)
        secrets = rt.box.open(c.secrets)
        console.print(f"[bold]{c.name}[/bold] ({title_of(c.kind)}, {c.environment}, {c.state})")
        console.print(f"company: {c.company.name} ({c.company.business_id})")
        console.print(f"url: {c.base_url}")
        state = connection_state.read_all(session, c.id)
    for key, value in setting_lines(context.options):
        console.print(f"{key}: {value}")
    # What the hub keeps while working (pull cursors, detected version, fetched VAT defaults).
    for key, value in state.items():
        shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        console.print(f"state {key}: {shown}")
    for key, value in sorted(secrets.items()):
        console.print(f"{key}: {mask(value)}")


@connection_app.command("set")
def connection_set(
    name: str,
    setting: Annotated[str, typer.Argument(help="A setting, e.g. sending or journals.bank.")],
    value: Annotated[str, typer.Argument(help="Its new value (text, a number, true/false).")],
) -> None:
    """Change one setting of a connection (all settings: `connection show NAME`). The URL and
    environment are set as `url` and `environment`."""
    from tilisilta.connectors.registry import connector

    rt = runtime()
    context = open_connection(rt, name)
    try:
        with rt.store.session() as session:
            c = repo.find_connection(session, name)
            if setting in ("url", "environment"):
                shown = value
                if setting == "url":
                    c.base_url = value
                else:
                    c.environment = value
            else:
                changed = with_setting(
                    connector(c.kind).options_model, dict(c.options), setting, value
                )
                c.options = changed.model_dump(mode="json")
                shown = dict(setting_lines(changed)).get(setting.partition(".")[0], value)
            c.updated_at = rt.clock.now()
    except SettingError as exc:
        raise fail(str(exc)) from exc
    console.print(f"{context.connection_name}: {setting} = {shown}")


@connection_app.command("test")
def connection_test(name: str) -> None:
    """Log in and read the company: tells plainly which credential is wrong, and whether the
    remote books are this company's."""
    from tilisilta.connectors.registry import connector

    rt = runtime()
    context = open_connection(rt, name)
    check = connector(context.kind).test_connection(context)
    for line in check.lines:
        console.print(line)
    if not check.ok:
        raise typer.Exit(1)
    console.print("[green]Connection works.[/green]")


@connection_app.command("duplicate")
def connection_duplicate(
    source: str,
    new_name: str,
    company: Annotated[str | None, typer.Option(help="Company of the copy.")] = None,
) -> None:
    """Copy a connection, e.g. for another company; then set its own API key."""
    rt = runtime()
    try:
        with rt.store.session() as session:
            original = repo.find_connection(session, source)
            owner = repo.find_company(session, company) if company else original.company
            copy = repo.duplicate_connection(
                session, original, name=new_name, company=owner, now=rt.clock.now()
            )
            console.print(f"Connection {copy.name} created for {owner.name} (state draft)")
    except (LookupError, ValueError) as exc:
        raise fail(str(exc)) from exc


@connection_app.command("set-api-key")
def connection_set_api_key(
    name: str,
    api_key: Annotated[str, typer.Option(prompt=True, hide_input=True, envvar="TILISILTA_API_KEY")],
) -> None:
    """Replace the API key (e.g. of a duplicated connection)."""
    rt = runtime()
    try:
        with rt.store.session() as session:
            c = repo.find_connection(session, name)
            secrets = rt.box.open(c.secrets)
            secrets["api_key"] = api_key
            c.secrets = rt.box.seal(secrets)
            c.state = "draft"
            console.print(f"API key of {name} replaced ({mask(api_key)})")
    except LookupError as exc:
        raise fail(str(exc)) from exc


@connection_app.command("vat-status")
def connection_vat_status(name: str, treatment: VatTreatment, status: int) -> None:
    """Map a VAT treatment to the company's Procountor VAT status (vat_N → N)."""
    rt = runtime()
    try:
        with rt.store.session() as session:
            c = repo.find_connection(session, name)
            require_kind(c, "procountor", "map VAT statuses")
            known = load_vat_settings(session, c.id)
            if known is None:
                raise fail(
                    f"the VAT statuses of {name}'s Procountor company are not known yet: read "
                    f"them with `tilisilta connection fetch-vat {name}`, then map"
                )
            if all(s.status != status for s in known.statuses):
                have = ", ".join(known.describe(s.status) for s in known.statuses)
                raise fail(
                    f"VAT status {status} is not one of the company's in Procountor ({have}); "
                    f"if it was added since, read them again with "
                    f"`tilisilta connection fetch-vat {name}`"
                )
            options = ProcountorOptions.model_validate(c.options)
            options.vat_statuses[treatment.value] = status
            c.options = options.model_dump(mode="json")
            console.print(f"{name}: {treatment.value} → VAT status {status}")
    except LookupError as exc:
        raise fail(str(exc)) from exc


@connection_app.command("fetch-vat")
def connection_fetch_vat(name: str) -> None:
    """Fetch the company's VAT defaults from Procountor and map what is still unmapped."""
    from tilisilta.connectors.procountor.flows.vat_settings import fetch_vat_settings
    from tilisilta.http.errors import RemoteError

    context = open_connection(runtime(), name)
    try:
        fetched = fetch_vat_settings(context)
    except (LookupError, RemoteError) as exc:
        raise fail(str(exc)) from exc
    rates = ", ".join(f"{r.normalize():f} %" for r in fetched.settings.sales_percentages)
    console.print(f"VAT rates in use for sales: {rates or 'none'}")
    for treatment, status in sorted(fetched.mapped.items()):
        console.print(f"mapped {treatment} → {fetched.settings.describe(status)}")
    _print_vat_mapping(name)


@connection_app.command("vat")
def connection_vat(name: str) -> None:
    """Show how VAT treatments map to the company's Procountor VAT statuses."""
    _print_vat_mapping(name)


def _print_vat_mapping(name: str) -> None:
    rt = runtime()
    try:
        with rt.store.session() as session:
            c = repo.find_connection(session, name)
            require_kind(c, "procountor", "show a VAT status mapping")
            options = ProcountorOptions.model_validate(c.options)
            settings = load_vat_settings(session, c.id)
    except LookupError as exc:
        raise fail(str(exc)) from exc
    table = Table("treatment", "Procountor VAT status", "enabled for sales")
    for treatment in VatTreatment:
        status = options.vat_statuses.get(treatment.value)
        if status is None:
            table.add_row(treatment.value, "[yellow]not mapped[/yellow]", "-")
            continue
        described = settings.describe(status) if settings else str(status)
        enabled = "?" if settings is None else ("yes" if settings.sales_status(status) else "no")
        table.add_row(treatment.value, described, enabled)
    console.print(table)
    if settings is None:
        console.print(f"Fetch the company's statuses with `tilisilta connection fetch-vat {name}`.")


@secrets_app.command("rotate")
def secrets_rotate() -> None:
    """Re-encrypt all stored secrets with the newest key.

    With a key file, a new key is added first; with TILISILTA_SECRET_KEYS, put the new key first
    and keep the old ones after it, run this, then drop the old ones."""
    rt = runtime()
    if rt.settings.secret_keys is None:
        add_key_to_file(rt.settings.key_file)
    from tilisilta.crypto import SecretBox

    box = SecretBox.from_settings(rt.settings)
    with rt.store.session() as session:
        count = repo.rotate_secrets(session, box)
    console.print(f"Re-encrypted the secrets of {count} connection(s) with the newest key.")
