"""Opening a Netvisor connection, testing it, and proving whose books it writes into.

Netvisor picks the company by the ``Organisation-ID`` header, the company's business ID; the
API user's keys open only the companies it was granted. So a connection proves its books by
that header being the hub company's business ID and Netvisor answering a read for it.
"""

from __future__ import annotations

from datetime import timedelta

from tilisilta.clock import today
from tilisilta.connectors.base import FlowContext
from tilisilta.connectors.common import ConnectionCheck, books_mismatch
from tilisilta.connectors.netvisor.client.api import NetvisorClient
from tilisilta.connectors.netvisor.client.auth import Credentials
from tilisilta.connectors.netvisor.errors import describe_failure
from tilisilta.connectors.netvisor.options import NetvisorOptions, NetvisorSecrets
from tilisilta.domain.identifiers import business_id_error, normalize_business_id
from tilisilta.http.errors import RemoteError
from tilisilta.http.serial import OneAtATime
from tilisilta.store.models import Connection

WRONG_COMPANY = (
    "Set the connection's organisation_id to the business ID of the company whose books it "
    "keeps, and use API keys made in that Netvisor company."
)


def open_client(context: FlowContext) -> tuple[NetvisorClient, NetvisorOptions]:
    """The connection's client: requests to one Netvisor company one at a time, machine-wide."""
    options = context.options_as("netvisor", NetvisorOptions)
    secrets = NetvisorSecrets.model_validate(context.secrets())
    credentials = Credentials(
        sender=options.sender,
        customer_id=options.customer_id,
        partner_id=options.partner_id,
        organisation_id=options.organisation_id,
        language=options.language.value,
        customer_key=secrets.customer_key,
        partner_key=secrets.partner_key,
        scheme=options.mac_scheme,
    )
    lock = OneAtATime(context.settings.home / "locks", serial_key(context, options))
    client = NetvisorClient(
        context.base_url,
        credentials,
        clock=context.clock,
        transport=context.transport,
        timeout=options.timeout_seconds,
        serializer=lock.held,
    )
    return client, options


def serial_key(context: FlowContext, options: NetvisorOptions) -> str:
    """One Netvisor company: the service and the business ID the requests name."""
    return f"netvisor:{context.base_url}:{options.organisation_id.strip()}"


def books_problem(context: FlowContext, options: NetvisorOptions) -> str | None:
    """Why the connection may not write, or None: its company must be the hub company."""
    given = options.organisation_id.strip()
    remote = normalize_business_id(given) if business_id_error(given) is None else given
    return books_mismatch(
        "Netvisor", remote or "(none)", remote, context.business_id, WRONG_COMPANY
    )


def test_connection(context: FlowContext) -> ConnectionCheck:
    """Sign a read for the company; say plainly what is wrong."""
    client, options = open_client(context)
    check = ConnectionCheck(ok=False)
    try:
        mismatch = books_problem(context, options)
        if mismatch:
            check.lines.append(mismatch)
            return check
        since = today(context.clock) - timedelta(days=31)
        invoices = sum(1 for _ in client.sales_invoices(begin=since))
    except RemoteError as exc:
        check.lines.append(describe_failure(exc, "answer a read of the sales invoices"))
        check.lines.append(f"(the connection's URL is {context.base_url})")
        return check
    finally:
        client.close()
    check.lines.append(
        f"Netvisor answered for company {options.organisation_id} ({context.company_name}): "
        f"{invoices} sales invoices dated in the last 31 days."
    )
    check.ok = True
    with context.store.session() as session:
        session.get_one(Connection, context.connection_id).state = "validated"
    return check
