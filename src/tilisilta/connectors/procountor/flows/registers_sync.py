"""Keeping Procountor's customer and product registers up to date while sending invoices.

:class:`ProcountorRegisters` is the ``RegisterSync`` of ``invoices.send_invoices``: before an
invoice goes, it creates or updates the invoice's customer and products in Procountor (as the
connection's options say) and returns their ids for the invoice to link to.

Procountor has no idempotency: a customer is always searched for by customer number, and a
product by code, before one is created. What was last sent is remembered as a hash on the binding,
so an unchanged customer costs no call at all. Like ``invoices``, this module touches the store;
the HTTP calls are in ``client.registers``, what is sent in ``mapping.registers``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from tilisilta.clock import Clock
from tilisilta.connectors.base import FlowContext
from tilisilta.connectors.procountor.client import ProcountorClient
from tilisilta.connectors.procountor.client.registers import RegisterClient
from tilisilta.connectors.procountor.errors import RegisterRefused
from tilisilta.connectors.procountor.mapping.invoices import RegisterLinks
from tilisilta.connectors.procountor.mapping.posting_products import (
    DEFAULT_GROUP,
    POSTING_PRODUCT,
    PostingProduct,
    missing_accounts,
    posting_of,
)
from tilisilta.connectors.procountor.mapping.register_matching import name_key, plain_key
from tilisilta.connectors.procountor.mapping.registers import (
    partner_body,
    partner_change,
    payload_digest,
    product_body,
    product_change,
    product_fields,
)
from tilisilta.connectors.procountor.options import ProcountorOptions
from tilisilta.domain.documents import Invoice, InvoiceLine, Party, Product
from tilisilta.domain.validation import Problem, document_label
from tilisilta.fixes import fix
from tilisilta.http.errors import ApiError, AuthenticationFailed
from tilisilta.ledger.binder import bind, binding_of, ref_bound_to, remember_sent
from tilisilta.store.documents import upsert_document
from tilisilta.store.engine import Store
from tilisilta.store.registers import (
    PARTY,
    PRODUCT,
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


def product_group_failed(name: str, detail: str, option: str = "product_group") -> str:
    return (
        f"The product group {name} does not exist/could not be created in Procountor: {detail}. "
        "Create the group by hand in Procountor's product register, or change the connection's "
        f"{option} option. Then send the invoice again."
    )


def posting_failed(posting: PostingProduct, detail: str) -> str:
    return (
        f"The posting product for account {posting.account}, VAT status {posting.vat_status} "
        f"and rate {posting.vat_rate} % (code {posting.code}) could not be created in "
        f"Procountor: {detail}. Check that the account exists and is active, then send the "
        "invoice again"
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
        self._group_ids: dict[str, int] = {}

    @classmethod
    def prepare(
        cls, context: FlowContext, client: ProcountorClient, options: ProcountorOptions
    ) -> ProcountorRegisters:
        """Bring the parties and products up to date with the stored invoices, and read them."""
        store, clock, company_id = context.store, context.clock, context.company_id
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
            connection_id=context.connection_id,
            connection_name=context.connection_name,
            company_id=company_id,
            parties=parties,
            products=products,
        )

    # -- RegisterSync --------------------------------------------------------------------------
    def problems(self, invoice: Invoice) -> list[Problem]:
        """Data issues found before any call: a customer to create needs a customer number, and
        posting products need an account on every row."""
        found = (
            missing_accounts(document_label(invoice), invoice.lines)
            if self.options.posting_products
            else []
        )
        return found + self._customer_problems(invoice)

    def _customer_problems(self, invoice: Invoice) -> list[Problem]:
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
        row_product_ids: dict[int, int] = {}
        if self.options.posting_products:
            for index, line in enumerate(invoice.lines):
                posting = posting_of(line, invoice.currency, self.options.vat_statuses)
                if posting is not None:
                    row_product_ids[index] = self._posting_product(posting)
        elif self.options.create_products:
            for line in invoice.lines:
                code = line.product_code
                if code and code.strip() and code not in product_ids:
                    product_ids[code] = self._product(self._product_record(line, invoice))
        return RegisterLinks(
            partner_id=partner_id, product_ids=product_ids, row_product_ids=row_product_ids
        )

    # -- posting products -----------------------------------------------------------------------
    def _posting_product(self, posting: PostingProduct) -> int:
        code = posting.code
        with self._lock(POSTING_PRODUCT, code):
            with self.store.session() as session:
                doc, _ = upsert_document(
                    session, self.company_id, POSTING_PRODUCT, code, posting, self.clock.now()
                )
                document_id = doc.id
            bound = self._binding(POSTING_PRODUCT, document_id)
            if bound is not None:
                return int(bound.external_id)

            def describe(said: str) -> str:
                return posting_failed(posting, said)

            with _refused_as(describe):
                found = [
                    r for r in self.registers.sales_products_by_code(code) if r.get("code") == code
                ]
            if found:  # made by an earlier run whose answer was lost, or bound elsewhere
                external = str(found[0]["id"])
            else:
                group_id = self._product_group_id(
                    self.options.posting_product_group.strip() or DEFAULT_GROUP,
                    option="posting_product_group",
                )
                with _refused_as(describe):
                    external = str(self.registers.create_product(posting.body(group_id))["id"])
            self._bind(POSTING_PRODUCT, document_id, external, posting.content_hash(), 1)
            return int(external)

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
                if plain_key((r.get("invoicingInfo") or {}).get("customerNumber")) == number
            ]
        if len(found) > 1:
            ids = ", ".join(str(f["id"]) for f in found)
            raise RegisterRefused(
                409,
                customer_failed(
                    party,
                    "created",
                    f"Procountor already has several customers with customer number {number} "
                    f"(ids {ids}); bind the right one with "
                    + fix(
                        "procountor.bind_customer", connection=self.connection_name, ref=party.ref
                    ),
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
                        + fix(
                            "procountor.bind_customer",
                            connection=self.connection_name,
                            ref=party.ref,
                        )
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
                    f"{ids}); bind the right one with "
                    + fix(
                        "procountor.bind_product",
                        connection=self.connection_name,
                        code=product.code,
                    ),
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
        name = (self.options.product_group or "").strip()
        group_id = self._product_group_id(name) if name else None
        with _refused_as(lambda said: product_failed(product, "created", said)):
            created = self.registers.create_product(product_body(fields, product, group_id))
        external = str(created["id"])
        self._bind(PRODUCT, record.document_id, external, digest, record.version)
        return int(external)

    def _product_group_id(self, name: str, option: str = "product_group") -> int:
        """The sales product group of that name, created when Procountor has none."""
        with self._lock("group", name):
            if name not in self._group_ids:
                with _refused_as(lambda said: product_group_failed(name, said, option)):
                    same = [
                        g
                        for g in self.registers.sales_product_groups()
                        if name_key(g.get("name")) == name_key(name)
                        and g.get("type", "SALES") == "SALES"
                    ]
                    group = same[0] if same else self.registers.create_product_group(name)
                self._group_ids[name] = int(group["id"])
            return self._group_ids[name]

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
            row = binding_of(session, self.connection_id, kind, local_id)
            return _Bound(row.id, row.external_id, row.sent_hash) if row else None

    def _holder(self, kind: str, external_id: str) -> str | None:
        """The ref of the local record bound to ``external_id``, if any."""
        with self.store.session() as session:
            return ref_bound_to(session, self.connection_id, kind, external_id)

    def _bind(
        self,
        kind: str,
        local_id: int,
        external_id: str,
        sent_hash: str | None,
        sent_version: int | None,
    ) -> None:
        with self.store.session() as session:
            bind(
                session,
                self.connection_id,
                kind,
                local_id,
                external_id,
                self.clock.now(),
                sent_hash=sent_hash,
                sent_version=sent_version,
            )

    def _remember(self, binding_id: int, digest: str, version: int) -> None:
        with self.store.session() as session:
            remember_sent(session, binding_id, digest, version)


def _stale_version(error: ApiError) -> bool:
    """A 400 on the ``version`` field: someone saved the record after we read it."""
    if error.status != 400 or not isinstance(error.body, dict):
        return False
    errors = error.body.get("errors")
    return isinstance(errors, list) and any(
        isinstance(e, dict) and e.get("field") == "version" for e in errors
    )
