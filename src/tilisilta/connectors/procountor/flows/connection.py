"""Procountor flows: opening a connection's client and testing the connection."""

from __future__ import annotations

from tilisilta.connectors.base import FlowContext
from tilisilta.connectors.common import ConnectionCheck, books_mismatch
from tilisilta.connectors.procountor.client import ProcountorClient
from tilisilta.connectors.procountor.client.api import limit_key
from tilisilta.connectors.procountor.errors import describe_failure
from tilisilta.connectors.procountor.options import ProcountorOptions, ProcountorSecrets
from tilisilta.http.errors import ApiError, RemoteError
from tilisilta.store.models import Connection
from tilisilta.store.rate_limits import StoreLimiter

WRONG_KEY = "Create the API key while logged in to the company's own Procountor environment."


def open_client(context: FlowContext) -> tuple[ProcountorClient, ProcountorOptions]:
    """The connection's client over the context's transport, with its settings. Its calls
    count against the client id's rate limit in the hub's database, shared by every company,
    process and machine using that client id."""
    options = context.options_as("procountor", ProcountorOptions)
    secrets = ProcountorSecrets.model_validate(context.secrets())
    limit = options.rate_limit_per_second
    client = ProcountorClient(
        context.base_url,
        client_id=options.client_id,
        client_secret=secrets.client_secret,
        redirect_uri=options.redirect_uri,
        api_key=secrets.api_key,
        clock=context.clock,
        transport=context.transport,
        rate_limit_per_second=limit,
        limiter=StoreLimiter(context.store, limit_key(options.client_id), limit, context.clock),
        timeout=options.timeout_seconds,
    )
    return client, options


def test_connection(context: FlowContext) -> ConnectionCheck:
    """Obtain a token, read the company and its bank accounts; say plainly what is wrong."""
    client, _options = open_client(context)
    check = ConnectionCheck(ok=False)
    try:
        info = client.company()
        accounts = client.bank_accounts()
    except RemoteError as exc:
        check.lines.append(describe_failure(exc, "read the company information"))
        if not isinstance(exc, ApiError):
            check.lines.append(f"(the connection's URL is {context.base_url})")
        return check
    finally:
        client.close()
    remote_id = business_id_of(info.get("businessIdentifier"))
    check.lines.append(f"Token obtained; company: {info.get('name')} ({remote_id or 'no ID'})")
    mismatch = books_mismatch(
        "Procountor", str(info.get("name")), remote_id, context.business_id, WRONG_KEY
    )
    if mismatch:
        check.lines.append(mismatch)
        return check
    ibans = ", ".join(str(a.get("iban") or a.get("accountNumber")) for a in accounts) or "none"
    check.lines.append(f"Bank accounts: {ibans}")
    check.ok = True
    with context.store.session() as session:
        session.get_one(Connection, context.connection_id).state = "validated"
    return check


def business_id_of(value: object) -> str:
    """Procountor gives ``{"brnType": "FI", "code": "2077474-0"}``; older answers a string."""
    if isinstance(value, dict):
        value = value.get("code")
    return str(value or "")
