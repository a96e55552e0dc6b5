"""Procountor's customer and product registers: matching, binding, and keeping them up to date.

* ``fetch_customers``/``fetch_products`` read the whole register and bind it to the company's
  parties and products (by business ID, customer number, then name; by code, then name).
* ``bind_party``/``bind_product`` bind one by hand.
* :class:`ProcountorRegisters` is the ``RegisterSync`` of ``flows.send_invoices``: before an
  invoice goes, it creates or updates the invoice's customer and products in Procountor (as the
  connection's options say) and returns their ids for the invoice to link to.

Procountor has no idempotency: a customer is always searched for by customer number, and a
product by code, before one is created. What was last sent is remembered as a hash on the binding,
so an unchanged customer costs no call at all. Like ``flows.py``, this module touches the store;
the HTTP calls are in ``registers_client``.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Generic, TypeVar

import httpx
from sqlalchemy import select

from tilisilta.clock import Clock
from tilisilta.connectors.procountor.client import ProcountorClient
from tilisilta.connectors.procountor.codes import COUNTRY_BY_ISO, UNIT_BY_CODE
from tilisilta.connectors.procountor.flows import RegisterRefused, open_client
from tilisilta.connectors.procountor.mapping import LANGUAGES, RegisterLinks
from tilisilta.connectors.procountor.options import ProcountorOptions
from tilisilta.connectors.procountor.registers_client import RegisterClient
from tilisilta.crypto import SecretBox
from tilisilta.domain.documents import Invoice, InvoiceLine, Party
from tilisilta.domain.identifiers import business_id_error, normalize_business_id
from tilisilta.domain.units import unit_code
from tilisilta.domain.validation import Problem, document_label
from tilisilta.http.errors import ApiError, AuthenticationFailed
from tilisilta.store.companies import NotFound, find_connection
from tilisilta.store.engine import Store
from tilisilta.store.models import Binding, Connection, Document
from tilisilta.store.registers import (
    PARTY,
    PRODUCT,
    Product,
    all_of_kind,
    find,
    load_party,
    load_product,
    parties_from_invoices,
    products_from_invoices,
    upsert_party,
    upsert_product,
)

T = TypeVar("T")


# -- messages (the wording of the Procountor error table people already know) ---------------
def missing_customer_number(party: Party) -> str:
    return f"Customer number missing for customer {party.name} (customer code: {party.ref})"


def customer_failed(party: Party, verb: str, detail: str) -> str:
    doing = {"created": "creating", "updated": "updating"}[verb]
    return (
        f"The customer {party.name} could not be {verb} in Procountor (customer code: "
        f"{party.ref}, customer no.: {party.customer_number}): {detail}. You can try {doing} "
        f"the customer by hand in Procountor; its customer number must stay "
        f"{party.customer_number}, as in the ERP, for the hub to find it. Then send the invoice "
        "again."
    )


def product_failed(product: Product, verb: str, detail: str) -> str:
    doing = {"created": "creating", "updated": "updating"}[verb]
    return (
        f"The product {product.name} could not be {verb} in Procountor (product code: "
        f"{product.code}): {detail}. You can try {doing} the product by hand in Procountor with "
        f"product code {product.code}, as in the ERP. Then send the invoice again."
    )


def product_group_failed(name: str, detail: str) -> str:
    return (
        f"The product group {name} does not exist/could not be created in Procountor: {detail}. "
        "Create the group by hand in Procountor's product register, or change the connection's "
        "product_group option. Then send the invoice again."
    )


def _said(error: ApiError) -> str:
    return f"Procountor said: {error.message} (HTTP {error.status})"


@contextmanager
def _refused_as(describe: Callable[[str], str]) -> Iterator[None]:
    """Procountor's refusal in our words, as :class:`RegisterRefused`; refused credentials and
    transport failures pass unchanged (they abort the run or are retried)."""
    try:
        yield
    except (AuthenticationFailed, RegisterRefused):
        raise
    except ApiError as exc:
        raise RegisterRefused(exc.status, describe(_said(exc))) from exc


# -- what is sent (pure) --------------------------------------------------------------------
#: The partner fields the hub keeps equal to the ERP's; others are left as people set them.
PARTNER_MANAGED = {
    "address": ("name", "street", "zip", "city", "country"),
    "invoicingInfo": (
        "customerNumber",
        "identifier",
        "email",
        "einvoiceAddress",
        "einvoiceOperator",
        "language",
    ),
}


def partner_body(party: Party) -> dict[str, Any]:
    """POST /businesspartners for a customer."""
    address: dict[str, Any] = {"name": party.name[:80]}
    where = party.address
    for key, value in (("street", where.street), ("zip", where.postal_code), ("city", where.city)):
        if value:
            address[key] = value
    country = COUNTRY_BY_ISO.get(where.country.upper())
    if country:
        address["country"] = country
    invoicing: dict[str, Any] = {}
    for key, value in (
        ("customerNumber", party.customer_number),
        ("identifier", party.business_id),
        ("email", party.email),
        ("einvoiceAddress", party.einvoice_address),
        ("einvoiceOperator", party.einvoice_operator),
        ("language", LANGUAGES.get(party.language)),
    ):
        if value:
            invoicing[key] = value
    return {
        "name": party.name[:80],
        "type": "CUSTOMER",
        "address": address,
        "paymentInfo": {"paymentMethod": "BANK_TRANSFER"},
        "invoicingInfo": invoicing,
    }


def partner_change(remote: Mapping[str, Any], body: Mapping[str, Any]) -> tuple[str, Any] | None:
    """How to bring the ``remote`` partner to ``body``: None when it already is;
    ``("PATCH", fields)``; or ``("PUT", record)`` when a value must be removed, which a PATCH
    (it merges) cannot do."""
    patch: dict[str, Any] = {}
    removes = False
    if remote.get("name") != body["name"]:
        patch["name"] = body["name"]
    for section, keys in PARTNER_MANAGED.items():
        current = dict(remote.get(section) or {})
        wanted = body[section]
        merged = {**current, **wanted}
        for key in keys:
            if key not in wanted and current.get(key) not in (None, ""):
                del merged[key]
                removes = True
        if merged != current:
            patch[section] = merged
    if not patch:
        return None
    if not removes:
        return "PATCH", patch
    record = {k: v for k, v in remote.items() if k != "attachments"}
    return "PUT", {**record, **patch}


def product_fields(product: Product, options: ProcountorOptions) -> dict[str, Any]:
    """The product fields the hub keeps equal to the ERP's, as Procountor names them. The code
    is the key and never changes; discount, accounts and group stay as people set them."""
    fields: dict[str, Any] = {"name": product.name[:100], "price": product.unit_price}
    unit = UNIT_BY_CODE.get(unit_code(product.unit) or product.unit)
    if unit:
        fields["unit"] = unit
    if product.vat_rate is not None:
        fields["vat"] = product.vat_rate
    status = options.vat_statuses.get(product.vat_treatment.value)
    if status is not None:
        fields["vatStatus"] = status
    return fields


def product_body(
    fields: Mapping[str, Any], product: Product, group_id: int | None
) -> dict[str, Any]:
    """POST /products: the managed fields plus what only a new product needs."""
    body: dict[str, Any] = {
        "type": "SALES",
        "code": product.code,
        **fields,
        "discount": Decimal(0),
        "active": True,
        "currency": product.currency,
    }
    if group_id is not None:
        body["productGroupId"] = group_id
    return body


def product_change(remote: Mapping[str, Any], fields: Mapping[str, Any]) -> dict[str, Any] | None:
    """The whole record to PUT (products have no PATCH), or None when nothing differs."""
    if all(remote.get(k) == v for k, v in fields.items()):
        return None
    return {**remote, **fields}


def payload_digest(payload: Mapping[str, Any]) -> str:
    """A stable fingerprint of what is sent; 85.0 and 85.00 are the same price."""

    def plain(value: Any) -> Any:
        if isinstance(value, Decimal):
            return format(value.normalize(), "f")
        raise TypeError(f"{type(value).__name__} is not JSON serialisable")

    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=plain)
    return hashlib.sha256(text.encode()).hexdigest()


# -- matching (pure) ------------------------------------------------------------------------
def name_key(value: object) -> str:
    return " ".join(str(value or "").split()).casefold()


def business_id_key(value: object) -> str:
    text = "".join(str(value or "").split()).upper()
    return normalize_business_id(text) if text and business_id_error(text) is None else text


def _plain_key(value: object) -> str:
    return str(value or "").strip()


@dataclass(frozen=True)
class Keyed:
    """A local or remote record reduced to what matching needs."""

    id: str  # local: the ref; remote: the Procountor id
    name: str
    keys: Mapping[str, str]  # e.g. {"business ID": "0112038-9", "name": "virtanen oy"}


def customer_keys(business_id: object, customer_number: object, name: object) -> dict[str, str]:
    return {
        "business ID": business_id_key(business_id),
        "customer number": _plain_key(customer_number),
        "name": name_key(name),
    }


def product_keys(code: object, name: object) -> dict[str, str]:
    return {"code": name_key(code), "name": name_key(name)}


@dataclass(frozen=True)
class Found:
    remote: Keyed
    by: str


def match_one(local: Keyed, remotes: Sequence[Keyed], order: Sequence[str]) -> Found | list[Keyed]:
    """The remote record ``local`` is, trying the keys in ``order``. A key that several remotes
    share narrows the field for the next keys. Returns the candidates left when no key decides
    (none: unmatched; several: ambiguous)."""
    pool: list[Keyed] | None = None
    for key in order:
        wanted = local.keys.get(key)
        if not wanted:
            continue
        hits = [r for r in (remotes if pool is None else pool) if r.keys.get(key) == wanted]
        if len(hits) == 1:
            return Found(hits[0], key)
        if len(hits) > 1:
            pool = hits
    return pool or []


@dataclass(frozen=True)
class MatchLine:
    local_ref: str
    local_name: str
    external_id: str
    external_name: str
    by: str  # the key that decided, or "binding"
    document_id: int = 0


@dataclass(frozen=True)
class AmbiguousLine:
    local_ref: str
    local_name: str
    candidates: tuple[tuple[str, str], ...]  # (Procountor id, name)
    reason: str


@dataclass
class RegisterReport:
    """What fetching a register found; ``matched`` were bound unless it was a dry run."""

    register: str  # "customers" or "products"
    bound: bool
    fetched: int = 0
    matched: list[MatchLine] = field(default_factory=list)
    already_bound: list[MatchLine] = field(default_factory=list)
    ambiguous: list[AmbiguousLine] = field(default_factory=list)
    unmatched_local: list[tuple[str, str]] = field(default_factory=list)  # (ref, name)
    unmatched_remote: list[tuple[str, str]] = field(default_factory=list)  # (id, name)


def match_register(
    register: str,
    locals_: Sequence[tuple[int, Keyed]],
    remotes: Sequence[Keyed],
    order: Sequence[str],
    bound: Mapping[int, str],
    *,
    bind: bool,
) -> RegisterReport:
    """Match every unbound local record (document id, keys) to the remote ones. A remote record
    wanted by two locals, or already bound to another, binds neither: people decide."""
    report = RegisterReport(register=register, bound=bind, fetched=len(remotes))
    by_id = {r.id: r for r in remotes}
    holder = {ext: doc_id for doc_id, ext in bound.items()}
    names = {doc_id: local for doc_id, local in locals_}
    found: dict[int, Found] = {}
    for doc_id, local in locals_:
        if doc_id in bound:
            ext = bound[doc_id]
            remote = by_id.get(ext)
            remote_name = remote.name if remote else "(not among the active records)"
            report.already_bound.append(
                MatchLine(local.id, local.name, ext, remote_name, "binding", doc_id)
            )
            continue
        result = match_one(local, remotes, order)
        if isinstance(result, Found):
            found[doc_id] = result
        elif result:
            report.ambiguous.append(
                AmbiguousLine(
                    local.id,
                    local.name,
                    tuple((r.id, r.name) for r in result),
                    f"{len(result)} Procountor {register} match equally",
                )
            )
        else:
            report.unmatched_local.append((local.id, local.name))
    wanted_by: dict[str, list[int]] = {}
    for doc_id, hit in found.items():
        wanted_by.setdefault(hit.remote.id, []).append(doc_id)
    for doc_id, hit in found.items():
        local = names[doc_id]
        rivals = [names[d].id for d in wanted_by[hit.remote.id] if d != doc_id]
        owner = holder.get(hit.remote.id)
        if rivals or owner is not None:
            others = rivals + ([names[owner].id] if owner in names else [])
            reason = (
                f"Procountor {hit.remote.id} ({hit.remote.name}) also matches {', '.join(others)}"
                if rivals
                else f"Procountor {hit.remote.id} is already bound to {', '.join(others)}"
            )
            report.ambiguous.append(
                AmbiguousLine(local.id, local.name, ((hit.remote.id, hit.remote.name),), reason)
            )
            continue
        report.matched.append(
            MatchLine(local.id, local.name, hit.remote.id, hit.remote.name, hit.by, doc_id)
        )
    taken = set(holder) | {line.external_id for line in report.matched}
    considered = taken | {c for line in report.ambiguous for c, _ in line.candidates}
    report.unmatched_remote = [(r.id, r.name) for r in remotes if r.id not in considered]
    return report


# -- the store side -------------------------------------------------------------------------
@dataclass(frozen=True)
class _Local(Generic[T]):
    document_id: int
    version: int
    data: T


@dataclass(frozen=True)
class _Bound:
    binding_id: int
    external_id: str
    sent_hash: str | None


def _bindings(store: Store, connection_id: int, kind: str) -> dict[int, str]:
    with store.session() as session:
        rows = session.execute(
            select(Binding.local_id, Binding.external_id).where(
                Binding.connection_id == connection_id, Binding.local_kind == kind
            )
        ).all()
    return {local_id: ext for local_id, ext in rows}


def _write_bindings(
    store: Store, clock: Clock, connection_id: int, kind: str, lines: Iterable[MatchLine]
) -> None:
    now = clock.now()
    with store.session() as session:
        for line in lines:
            # A send running meanwhile may have bound either side already: keep its binding.
            clash = session.scalar(
                select(Binding.id).where(
                    Binding.connection_id == connection_id,
                    Binding.local_kind == kind,
                    (Binding.local_id == line.document_id)
                    | (Binding.external_id == line.external_id),
                )
            )
            if clash is None:
                session.add(
                    Binding(
                        connection_id=connection_id,
                        local_kind=kind,
                        local_id=line.document_id,
                        external_id=line.external_id,
                        created_at=now,
                    )
                )


# -- RegisterSync for sending invoices -------------------------------------------------------
class ProcountorRegisters:
    """Makes sure the customer and the products an invoice refers to are in Procountor.

    One per send run, shared by its worker threads: each customer and product is handled under
    its own lock, so ten invoices of one new customer search and create it once.
    """

    def __init__(
        self,
        store: Store,
        clock: Clock,
        client: ProcountorClient,
        options: ProcountorOptions,
        *,
        connection_id: int,
        connection_name: str,
        company_id: int,
        parties: dict[str, _Local[Party]],
        products: dict[str, _Local[Product]],
    ) -> None:
        self.store = store
        self.clock = clock
        self.options = options
        self.registers = RegisterClient(client)
        self.connection_id = connection_id
        self.connection_name = connection_name
        self.company_id = company_id
        self._parties = parties
        self._products = products
        self._locks: dict[tuple[str, str], threading.Lock] = {}
        self._locks_guard = threading.Lock()
        self._group_id: int | None = None

    @classmethod
    def prepare(
        cls,
        store: Store,
        clock: Clock,
        client: ProcountorClient,
        options: ProcountorOptions,
        *,
        connection_id: int,
        connection_name: str,
        company_id: int,
    ) -> ProcountorRegisters:
        """Bring the parties and products up to date with the stored invoices, and read them."""
        now = clock.now()
        with store.session() as session:
            parties_from_invoices(session, company_id, now)
            products_from_invoices(session, company_id, now)
            parties = {
                d.ref: _Local(d.id, d.version, load_party(d))
                for d in all_of_kind(session, company_id, PARTY)
            }
            products = {
                d.ref: _Local(d.id, d.version, load_product(d))
                for d in all_of_kind(session, company_id, PRODUCT)
            }
        return cls(
            store,
            clock,
            client,
            options,
            connection_id=connection_id,
            connection_name=connection_name,
            company_id=company_id,
            parties=parties,
            products=products,
        )

    # -- RegisterSync --------------------------------------------------------------------------
    def problems(self, invoice: Invoice) -> list[Problem]:
        """Data issues found before any call: a customer to create needs a customer number."""
        if not self.options.create_customers:
            return []
        known = self._parties.get(invoice.customer.ref)
        party = known.data if known else invoice.customer
        if (party.customer_number or "").strip():
            return []
        return [
            Problem(
                document=document_label(invoice),
                field="customer.customer_number",
                value=None,
                message=missing_customer_number(party),
                fix="give the customer its customer number (sales ledger number) in the ERP "
                "and import again: Procountor's customers are found and created by it. Then "
                "send the invoice again",
                rule="procountor_customer_number",
            )
        ]

    def links_for(self, invoice: Invoice) -> RegisterLinks:
        partner_id = self._customer(invoice) if self.options.create_customers else None
        product_ids: dict[str, int] = {}
        if self.options.create_products:
            for line in invoice.lines:
                code = line.product_code
                if code and code.strip() and code not in product_ids:
                    product_ids[code] = self._product(self._product_record(line, invoice))
        return RegisterLinks(partner_id=partner_id, product_ids=product_ids)

    # -- customers ------------------------------------------------------------------------------
    def _customer(self, invoice: Invoice) -> int:
        record = self._party_record(invoice)
        party = record.data
        if not (party.customer_number or "").strip():
            # check() stops such invoices first; this guards against a party changed meanwhile.
            raise RegisterRefused(400, missing_customer_number(party))
        body = partner_body(party)
        digest = payload_digest(body)
        with self._lock(PARTY, party.ref):
            bound = self._binding(PARTY, record.document_id)
            if bound is None:
                created = self._find_or_create_customer(record, body, digest)
                if created is not None:
                    return created
                bound = self._binding(PARTY, record.document_id)
                assert bound is not None
            partner_id = int(bound.external_id)
            if bound.sent_hash != digest:
                self._update_customer(party, partner_id, body)
                self._remember(bound.binding_id, digest, record.version)
            return partner_id

    def _find_or_create_customer(
        self, record: _Local[Party], body: dict[str, Any], digest: str
    ) -> int | None:
        """The id of a customer created now; None when an existing one was bound instead."""
        party = record.data
        number = (party.customer_number or "").strip()
        with _refused_as(lambda said: customer_failed(party, "created", said)):
            found = [
                r
                for r in self.registers.customers_by_number(number)
                if _plain_key((r.get("invoicingInfo") or {}).get("customerNumber")) == number
            ]
        if len(found) > 1:
            ids = ", ".join(str(f["id"]) for f in found)
            raise RegisterRefused(
                409,
                customer_failed(
                    party,
                    "created",
                    f"Procountor already has several customers with customer number {number} "
                    f"(ids {ids}); bind the right one with `tilisilta procountor customers bind "
                    f"--connection {self.connection_name} {party.ref} <id>`",
                ),
            )
        if found:
            external = str(found[0]["id"])
            owner = self._holder(PARTY, external)
            if owner is not None:
                raise RegisterRefused(
                    409,
                    customer_failed(
                        party,
                        "created",
                        f"Procountor customer {external} with customer number {number} is "
                        f"already bound to customer code {owner}: give each customer its own "
                        "customer number in the ERP",
                    ),
                )
            self._bind(PARTY, record.document_id, external, None, None)
            return None
        with _refused_as(lambda said: customer_failed(party, "created", said)):
            created = self.registers.create_partner(body)
        external = str(created["id"])
        self._bind(PARTY, record.document_id, external, digest, record.version)
        return int(external)

    def _update_customer(self, party: Party, partner_id: int, body: dict[str, Any]) -> None:
        for attempt in (1, 2):
            try:
                remote = self.registers.partner(partner_id)
                change = partner_change(remote, body)
                if change is None:
                    return
                method, payload = change
                if method == "PATCH":
                    self.registers.patch_partner(partner_id, payload, str(remote.get("version")))
                else:
                    self.registers.replace_partner(partner_id, payload)
                return
            except AuthenticationFailed:
                raise
            except ApiError as exc:
                if _stale_version(exc) and attempt == 1:
                    continue  # saved in Procountor between our read and write: read again
                if _stale_version(exc):
                    detail = "it was being changed in Procountor at the same time; try again"
                elif exc.status == 404:
                    detail = (
                        f"Procountor no longer has customer {partner_id}; bind the right one with "
                        f"`tilisilta procountor customers bind --connection "
                        f"{self.connection_name} {party.ref} <id>`"
                    )
                else:
                    detail = _said(exc)
                raise RegisterRefused(
                    exc.status, customer_failed(party, "updated", detail)
                ) from exc

    def _party_record(self, invoice: Invoice) -> _Local[Party]:
        ref = invoice.customer.ref
        record = self._parties.get(ref)
        if record is None:  # an invoice stored after this run began
            with self.store.session() as session:
                doc, _ = upsert_party(session, self.company_id, invoice.customer, self.clock.now())
                record = _Local(doc.id, doc.version, load_party(doc))
            self._parties[ref] = record
        return record

    # -- products -------------------------------------------------------------------------------
    def _product(self, record: _Local[Product]) -> int:
        product = record.data
        fields = product_fields(product, self.options)
        digest = payload_digest(fields)
        with self._lock(PRODUCT, product.code):
            bound = self._binding(PRODUCT, record.document_id)
            if bound is None:
                created = self._find_or_create_product(record, fields, digest)
                if created is not None:
                    return created
                bound = self._binding(PRODUCT, record.document_id)
                assert bound is not None
            product_id = int(bound.external_id)
            if bound.sent_hash != digest:
                with _refused_as(lambda said: product_failed(product, "updated", said)):
                    changed = product_change(self.registers.product(product_id), fields)
                    if changed is not None:
                        self.registers.replace_product(product_id, changed)
                self._remember(bound.binding_id, digest, record.version)
            return product_id

    def _find_or_create_product(
        self, record: _Local[Product], fields: dict[str, Any], digest: str
    ) -> int | None:
        product = record.data
        with _refused_as(lambda said: product_failed(product, "created", said)):
            # The same comparison as fetching uses: the whole code, in any case.
            found = [
                r
                for r in self.registers.sales_products_by_code(product.code)
                if name_key(r.get("code")) == name_key(product.code)
            ]
        if len(found) > 1:
            ids = ", ".join(str(f["id"]) for f in found)
            raise RegisterRefused(
                409,
                product_failed(
                    product,
                    "created",
                    f"Procountor already has several products with code {product.code} (ids "
                    f"{ids}); bind the right one with `tilisilta procountor products bind "
                    f"--connection {self.connection_name} {product.code} <id>`",
                ),
            )
        if found:
            external = str(found[0]["id"])
            owner = self._holder(PRODUCT, external)
            if owner is not None:
                raise RegisterRefused(
                    409,
                    product_failed(
                        product,
                        "created",
                        f"Procountor product {external} with that code is already bound to "
                        f"product {owner}",
                    ),
                )
            self._bind(PRODUCT, record.document_id, external, None, None)
            return None
        group_id = self._product_group_id()
        with _refused_as(lambda said: product_failed(product, "created", said)):
            created = self.registers.create_product(product_body(fields, product, group_id))
        external = str(created["id"])
        self._bind(PRODUCT, record.document_id, external, digest, record.version)
        return int(external)

    def _product_group_id(self) -> int | None:
        name = (self.options.product_group or "").strip()
        if not name:
            return None
        with self._lock("group", name):
            if self._group_id is None:
                with _refused_as(lambda said: product_group_failed(name, said)):
                    same = [
                        g
                        for g in self.registers.sales_product_groups()
                        if name_key(g.get("name")) == name_key(name)
                        and g.get("type", "SALES") == "SALES"
                    ]
                    group = same[0] if same else self.registers.create_product_group(name)
                self._group_id = int(group["id"])
            return self._group_id

    def _product_record(self, line: InvoiceLine, invoice: Invoice) -> _Local[Product]:
        assert line.product_code
        code = line.product_code.strip()
        record = self._products.get(code)
        if record is None:  # an invoice stored after this run began
            with self.store.session() as session:
                doc = find(session, self.company_id, PRODUCT, code)
                if doc is None:
                    product = Product.from_line(line, invoice.currency)
                    doc, _ = upsert_product(session, self.company_id, product, self.clock.now())
                record = _Local(doc.id, doc.version, load_product(doc))
            self._products[code] = record
        return record

    # -- bindings --------------------------------------------------------------------------------
    def _lock(self, kind: str, key: str) -> threading.Lock:
        with self._locks_guard:
            return self._locks.setdefault((kind, key), threading.Lock())

    def _binding(self, kind: str, local_id: int) -> _Bound | None:
        with self.store.session() as session:
            row = session.scalar(
                select(Binding).where(
                    Binding.connection_id == self.connection_id,
                    Binding.local_kind == kind,
                    Binding.local_id == local_id,
                )
            )
            return _Bound(row.id, row.external_id, row.sent_hash) if row else None

    def _holder(self, kind: str, external_id: str) -> str | None:
        """The ref of the local record bound to ``external_id``, if any."""
        with self.store.session() as session:
            return session.scalar(
                select(Document.ref)
                .join(Binding, Binding.local_id == Document.id)
                .where(
                    Binding.connection_id == self.connection_id,
                    Binding.local_kind == kind,
                    Binding.external_id == external_id,
                )
            )

    def _bind(
        self,
        kind: str,
        local_id: int,
        external_id: str,
        sent_hash: str | None,
        sent_version: int | None,
    ) -> None:
        with self.store.session() as session:
            session.add(
                Binding(
                    connection_id=self.connection_id,
                    local_kind=kind,
                    local_id=local_id,
                    external_id=external_id,
                    sent_hash=sent_hash,
                    sent_version=sent_version,
                    created_at=self.clock.now(),
                )
            )

    def _remember(self, binding_id: int, digest: str, version: int) -> None:
        with self.store.session() as session:
            row = session.get_one(Binding, binding_id)
            row.sent_hash = digest
            row.sent_version = version


def _stale_version(error: ApiError) -> bool:
    """A 400 on the ``version`` field: someone saved the record after we read it."""
    if error.status != 400 or not isinstance(error.body, dict):
        return False
    errors = error.body.get("errors")
    return isinstance(errors, list) and any(
        isinstance(e, dict) and e.get("field") == "version" for e in errors
    )


# -- flows for people: fetch and bind -------------------------------------------------------
@dataclass(frozen=True)
class _Context:
    connection_id: int
    company_id: int


def _open(
    store: Store,
    box: SecretBox,
    clock: Clock,
    connection_name: str,
    transport: httpx.BaseTransport | None,
) -> tuple[_Context, ProcountorClient]:
    with store.session() as session:
        connection: Connection = find_connection(session, connection_name)
        if connection.kind != "procountor":
            raise NotFound(f"connection {connection_name!r} is not a Procountor connection")
        context = _Context(connection.id, connection.company_id)
        now = clock.now()
        parties_from_invoices(session, context.company_id, now)
        products_from_invoices(session, context.company_id, now)
        client, _options = open_client(connection, box, clock, transport)
    return context, client


def _fetch(
    store: Store,
    box: SecretBox,
    clock: Clock,
    *,
    connection_name: str,
    kind: str,
    register: str,
    read: Callable[[RegisterClient], Iterable[dict[str, Any]]],
    remote_keys: Callable[[dict[str, Any]], Keyed],
    local_keys: Callable[[Document], Keyed],
    order: Sequence[str],
    bind: bool,
    transport: httpx.BaseTransport | None,
) -> RegisterReport:
    context, client = _open(store, box, clock, connection_name, transport)
    with store.session() as session:
        locals_ = [(d.id, local_keys(d)) for d in all_of_kind(session, context.company_id, kind)]
    try:
        remotes = [remote_keys(r) for r in read(RegisterClient(client))]
    finally:
        client.close()
    bound = _bindings(store, context.connection_id, kind)
    report = match_register(register, locals_, remotes, order, bound, bind=bind)
    if bind and report.matched:
        _write_bindings(store, clock, context.connection_id, kind, report.matched)
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


def fetch_customers(
    store: Store,
    box: SecretBox,
    clock: Clock,
    *,
    connection_name: str,
    bind: bool = True,
    transport: httpx.BaseTransport | None = None,
) -> RegisterReport:
    """Read every Procountor customer and bind the company's parties to them: by business ID,
    then customer number, then name. Ambiguous ones are left for a person to bind by hand."""
    return _fetch(
        store,
        box,
        clock,
        connection_name=connection_name,
        kind=PARTY,
        register="customers",
        read=RegisterClient.customers,
        remote_keys=_remote_customer,
        local_keys=_local_party,
        order=("business ID", "customer number", "name"),
        bind=bind,
        transport=transport,
    )


def fetch_products(
    store: Store,
    box: SecretBox,
    clock: Clock,
    *,
    connection_name: str,
    bind: bool = True,
    transport: httpx.BaseTransport | None = None,
) -> RegisterReport:
    """Read every Procountor sales product and bind the company's products: by code, then name."""
    return _fetch(
        store,
        box,
        clock,
        connection_name=connection_name,
        kind=PRODUCT,
        register="products",
        read=RegisterClient.sales_products,
        remote_keys=_remote_product,
        local_keys=_local_product,
        order=("code", "name"),
        bind=bind,
        transport=transport,
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
    store: Store,
    box: SecretBox,
    clock: Clock,
    *,
    connection_name: str,
    kind: str,
    ref: str,
    external_id: int,
    read: Callable[[RegisterClient, int], dict[str, Any]],
    check: Callable[[dict[str, Any]], str | None],
    noun: str,
    transport: httpx.BaseTransport | None,
) -> BindResult:
    context, client = _open(store, box, clock, connection_name, transport)
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
    now = clock.now()
    with store.session() as session:
        rows = session.scalars(
            select(Binding).where(
                Binding.connection_id == context.connection_id,
                Binding.local_kind == kind,
                (Binding.local_id == doc.id) | (Binding.external_id == external),
            )
        ).all()
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
            session.add(
                Binding(
                    connection_id=context.connection_id,
                    local_kind=kind,
                    local_id=doc.id,
                    external_id=external,
                    created_at=now,
                )
            )
    local_name = str(doc.payload.get("name") or ref)
    return BindResult(ref, local_name, external, str(remote.get("name") or ""), replaced, released)


def bind_party(
    store: Store,
    box: SecretBox,
    clock: Clock,
    *,
    connection_name: str,
    party_ref: str,
    procountor_id: int,
    transport: httpx.BaseTransport | None = None,
) -> BindResult:
    """Bind a party (by its ERP ref) to a Procountor customer, replacing earlier bindings."""

    def check(remote: dict[str, Any]) -> str | None:
        kind = remote.get("type")
        return None if kind == "CUSTOMER" else f"is a {kind or 'business partner'}, not a customer"

    return _bind_by_hand(
        store,
        box,
        clock,
        connection_name=connection_name,
        kind=PARTY,
        ref=party_ref,
        external_id=procountor_id,
        read=RegisterClient.partner,
        check=check,
        noun="party",
        transport=transport,
    )


def bind_product(
    store: Store,
    box: SecretBox,
    clock: Clock,
    *,
    connection_name: str,
    product_code: str,
    procountor_id: int,
    transport: httpx.BaseTransport | None = None,
) -> BindResult:
    """Bind a product (by its code) to a Procountor sales product, replacing earlier bindings."""

    def check(remote: dict[str, Any]) -> str | None:
        kind = remote.get("type")
        return None if kind == "SALES" else f"is a {kind or 'non-sales'} product, not a sales one"

    return _bind_by_hand(
        store,
        box,
        clock,
        connection_name=connection_name,
        kind=PRODUCT,
        ref=product_code,
        external_id=procountor_id,
        read=RegisterClient.product,
        check=check,
        noun="product",
        transport=transport,
    )
