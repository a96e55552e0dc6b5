"""Opening an Odoo connection's client and testing it: version, credentials, company access."""

from __future__ import annotations

from typing import Any

from tilisilta.connectors.base import FlowContext
from tilisilta.connectors.common import ConnectionCheck
from tilisilta.connectors.odoo.client import OdooClient
from tilisilta.connectors.odoo.client.errors import describe
from tilisilta.connectors.odoo.client.rpc import limit_key
from tilisilta.connectors.odoo.mapping.records import business_id_from, text
from tilisilta.connectors.odoo.options import OdooOptions, OdooSecrets
from tilisilta.connectors.odoo.state import save_version
from tilisilta.http.errors import RemoteError
from tilisilta.store.models import Connection
from tilisilta.store.rate_limits import StoreLimiter

SUPPORTED_VERSIONS = (16, 17, 18, 19)


def open_client(context: FlowContext) -> tuple[OdooClient, OdooOptions]:
    """The connection's client over the context's transport, with its settings. Its calls
    count against the Odoo database's rate limit in the hub's database, shared by every
    connection, process and machine using that database."""
    options = context.options_as("odoo", OdooOptions)
    secrets = OdooSecrets.model_validate(context.secrets())
    limit = options.rate_limit_per_second
    key = limit_key(context.base_url, options.database)
    client = OdooClient(
        context.base_url,
        database=options.database,
        login=options.login,
        api_key=secrets.api_key,
        clock=context.clock,
        transport=context.transport,
        protocol=options.protocol,
        rate_limit_per_second=limit,
        limiter=StoreLimiter(context.store, key, limit, context.clock),
        timeout=options.timeout_seconds,
    )
    return client, options


def company_context(options: OdooOptions) -> dict[str, Any]:
    """Every call names the company explicitly: never the user's default company."""
    return {"allowed_company_ids": [options.odoo_company_id], "active_test": False}


def test_connection(context: FlowContext) -> ConnectionCheck:
    """Read the version, log in, and read the mapped company; say plainly what is wrong."""
    client, options = open_client(context)
    business_id, base_url = context.business_id, context.base_url
    check = ConnectionCheck(ok=False)
    try:
        major, minor = client.version
        check.lines.append(f"Odoo {major}.{minor} at {base_url}, database {options.database!r}")
        if major not in SUPPORTED_VERSIONS:
            check.lines.append(
                f"Odoo {major} is not one of the versions the hub supports "
                f"({', '.join(map(str, SUPPORTED_VERSIONS))})"
            )
            return check
        uid = client.uid
        check.lines.append(
            f"Logged in as {options.login!r} (user id {uid}) over "
            f"{'JSON-2' if client.uses_json2 else 'JSON-RPC'}"
        )
        companies = client.read(
            "res.company",
            [options.odoo_company_id],
            ["name", "vat", "company_registry", "currency_id"],
            context=company_context(options),
        )
    except RemoteError as exc:
        check.lines.append(describe(exc, f"use Odoo company {options.odoo_company_id}"))
        return check
    finally:
        client.close()
    remote = companies[0]
    remote_id = business_id_from(text(remote.get("company_registry")), text(remote.get("vat")))
    check.lines.append(
        f"Company: {remote.get('name')} (Odoo id {options.odoo_company_id}, "
        f"business ID {remote_id or 'not set'})"
    )
    if remote_id and remote_id != business_id:
        check.lines.append(
            f"Odoo company {options.odoo_company_id} has business ID {remote_id}, but this "
            f"connection's company has {business_id}: map the connection to the right Odoo "
            "company with --odoo-company"
        )
        return check
    check.ok = True
    with context.store.session() as session:
        session.get_one(Connection, context.connection_id).state = "validated"
        save_version(session, context.connection_id, f"{major}.{minor}", context.clock.now())
    return check
