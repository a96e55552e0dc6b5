"""Procountor's customer and product registers for people: fetch a whole register and bind it
to the company's parties and products, or bind one by hand.

* ``fetch_customers``/``fetch_products`` read the whole register and bind it to the company's
  parties and products (by business ID, customer number, then name; by code, then name).
* ``bind_party``/``bind_product`` bind one by hand.

Like ``invoices``, this module touches the store; the matching is in
``mapping.register_matching`` and the HTTP calls in ``client.registers``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from tilisilta.clock import Clock
from tilisilta.connectors.base import FlowContext
from tilisilta.connectors.procountor.client import ProcountorClient
from tilisilta.connectors.procountor.client.registers import RegisterClient
from tilisilta.connectors.procountor.flows.connection import open_client
from tilisilta.connectors.procountor.mapping.register_matching import (
    Keyed,
    MatchLine,
    RegisterReport,
    customer_keys,
    match_register,
    product_keys,
)
from tilisilta.http.errors import ApiError, AuthenticationFailed
from tilisilta.ledger.binder import bind, bind_unless_taken, bindings_of, bindings_touching
from tilisilta.store.companies import NotFound
from tilisilta.store.engine import Store
from tilisilta.store.models import Document
from tilisilta.store.registers import (
    PARTY,
    PRODUCT,
    all_of_kind,
    find,
    load_party,
    load_product,
    parties_from_invoices,
    products_from_invoices,
)


def _bindings(store: Store, connection_id: int, kind: str) -> dict[int, str]:
    with store.session() as session:
        bound = bindings_of(session, connection_id, kind)
    return {local_id: binding.external_id for local_id, binding in bound.items()}


def _write_bindings(
    store: Store, clock: Clock, connection_id: int, kind: str, lines: Iterable[MatchLine]
) -> None:
    now = clock.now()
    with store.session() as session:
        for line in lines:
            # A send running meanwhile may have bound either side already: keep its binding.
            bind_unless_taken(session, connection_id, kind, line.document_id, line.external_id, now)


# -- flows for people: fetch and bind -------------------------------------------------------
def _open(context: FlowContext) -> ProcountorClient:
    client, _options = open_client(context)
    now = context.clock.now()
    with context.store.session() as session:
        parties_from_invoices(session, context.company_id, now)
        products_from_invoices(session, context.company_id, now)
    return client


def _fetch(
    context: FlowContext,
    *,
    kind: str,
    register: str,
    read: Callable[[RegisterClient], Iterable[dict[str, Any]]],
    remote_keys: Callable[[dict[str, Any]], Keyed],
    local_keys: Callable[[Document], Keyed],
    order: Sequence[str],
    bind: bool,
) -> RegisterReport:
    client = _open(context)
    store = context.store
    with store.session() as session:
        locals_ = [(d.id, local_keys(d)) for d in all_of_kind(session, context.company_id, kind)]
    try:
        remotes = [remote_keys(r) for r in read(RegisterClient(client))]
    finally:
        client.close()
    bound = _bindings(store, context.connection_id, kind)
    report = match_register(register, locals_, remotes, order, bound, bind=bind)
    if bind and report.matched:
        _write_bindings(store, context.clock, context.connection_id, kind, report.matched)
    return report


def _remote_customer(record: dict[str, Any]) -> Keyed:
    invoicing = record.get("invoicingInfo") or {}
    name = str(record.get("name") or "")
    keys = customer_keys(invoicing.get("identifier"), invoicing.get("customerNumber"), name)
    return Keyed(str(record["id"]), name, keys)


def _local_party(document: Document) -> Keyed:
    party = load_party(document)
    keys = customer_keys(party.business_id, party.customer_number, party.name)
    return Keyed(party.ref, party.name, keys)


def _remote_product(record: dict[str, Any]) -> Keyed:
    name = str(record.get("name") or "")
    return Keyed(str(record["id"]), name, product_keys(record.get("code"), name))


def _local_product(document: Document) -> Keyed:
    product = load_product(document)
    return Keyed(product.code, product.name, product_keys(product.code, product.name))


def fetch_customers(context: FlowContext, *, bind: bool = True) -> RegisterReport:
    """Read every Procountor customer and bind the company's parties to them: by business ID,
    then customer number, then name. Ambiguous ones are left for a person to bind by hand."""
    return _fetch(
        context,
        kind=PARTY,
        register="customers",
        read=RegisterClient.customers,
        remote_keys=_remote_customer,
        local_keys=_local_party,
        order=("business ID", "customer number", "name"),
        bind=bind,
    )


def fetch_products(context: FlowContext, *, bind: bool = True) -> RegisterReport:
    """Read every Procountor sales product and bind the company's products: by code, then name."""
    return _fetch(
        context,
        kind=PRODUCT,
        register="products",
        read=RegisterClient.sales_products,
        remote_keys=_remote_product,
        local_keys=_local_product,
        order=("code", "name"),
        bind=bind,
    )


class BindRefused(ValueError):
    """A binding by hand that cannot be made as asked."""


@dataclass(frozen=True)
class BindResult:
    local_ref: str
    local_name: str
    external_id: str
    external_name: str
    replaced: str | None = None  # the Procountor id the local record was bound to before
    released: str | None = None  # the local record that was bound to this Procountor id before


def _bind_by_hand(
    context: FlowContext,
    *,
    kind: str,
    ref: str,
    external_id: int,
    read: Callable[[RegisterClient, int], dict[str, Any]],
    check: Callable[[dict[str, Any]], str | None],
    noun: str,
) -> BindResult:
    client = _open(context)
    store = context.store
    try:
        with store.session() as session:
            doc = find(session, context.company_id, kind, ref)
        if doc is None:
            raise NotFound(
                f"no {noun} {ref!r} in the hub for this connection's company: import invoices "
                f"(or the {noun} master) that carry it first"
            )
        try:
            remote = read(RegisterClient(client), external_id)
        except AuthenticationFailed:
            raise
        except ApiError as exc:
            if exc.status == 404:
                raise NotFound(f"Procountor has no {noun} {external_id} in this company") from exc
            raise
    finally:
        client.close()
    wrong = check(remote)
    if wrong:
        raise BindRefused(f"Procountor record {external_id} {wrong}")
    external = str(external_id)
    now = context.clock.now()
    with store.session() as session:
        rows = bindings_touching(session, context.connection_id, kind, doc.id, external)
        replaced = released = None
        for row in rows:
            if row.local_id == doc.id and row.external_id == external:
                continue
            # A person binding by hand corrects whatever was bound before, on either side.
            if row.local_id == doc.id:
                replaced = row.external_id
            else:
                released = session.get_one(Document, row.local_id).ref
            session.delete(row)
        session.flush()
        if not any(r.local_id == doc.id and r.external_id == external for r in rows):
            bind(session, context.connection_id, kind, doc.id, external, now)
    local_name = str(doc.payload.get("name") or ref)
    return BindResult(ref, local_name, external, str(remote.get("name") or ""), replaced, released)


def bind_party(context: FlowContext, *, party_ref: str, procountor_id: int) -> BindResult:
    """Bind a party (by its ERP ref) to a Procountor customer, replacing earlier bindings."""

    def check(remote: dict[str, Any]) -> str | None:
        kind = remote.get("type")
        return None if kind == "CUSTOMER" else f"is a {kind or 'business partner'}, not a customer"

    return _bind_by_hand(
        context,
        kind=PARTY,
        ref=party_ref,
        external_id=procountor_id,
        read=RegisterClient.partner,
        check=check,
        noun="party",
    )


def bind_product(context: FlowContext, *, product_code: str, procountor_id: int) -> BindResult:
    """Bind a product (by its code) to a Procountor sales product, replacing earlier bindings."""

    def check(remote: dict[str, Any]) -> str | None:
        kind = remote.get("type")
        return None if kind == "SALES" else f"is a {kind or 'non-sales'} product, not a sales one"

    return _bind_by_hand(
        context,
        kind=PRODUCT,
        ref=product_code,
        external_id=procountor_id,
        read=RegisterClient.product,
        check=check,
        noun="product",
    )
