"""Customers and products in Netvisor: found by code in bulk, created when missing.

Netvisor names an invoice's customer and each row's product by code and refuses an invoice
whose product it does not know ("Product not found"). So before an invoice is added its customer
and products are made sure of: looked up once per run in bulk, and just before adding one that
was missing, looked up again, so an add whose answer was lost is never repeated.
"""

from __future__ import annotations

from collections.abc import Iterable

from tilisilta.connectors.netvisor.client.api import NetvisorClient
from tilisilta.connectors.netvisor.mapping import registers as build
from tilisilta.connectors.netvisor.mapping.invoices import customer_code, product_code
from tilisilta.connectors.netvisor.options import NetvisorOptions, ProductIdentification
from tilisilta.domain.documents import Invoice, Product


class NetvisorRegisters:
    def __init__(self, client: NetvisorClient, options: NetvisorOptions) -> None:
        self.client = client
        self.options = options
        self.customers: dict[str, str] = {}  # code → NetvisorKey
        self.products: dict[str, str] = {}
        self._asked: set[tuple[str, str]] = set()  # ("c" customer | "p" product, code) asked
        self.created_customers = 0
        self.created_products = 0

    def prepare(self, invoices: Iterable[Invoice]) -> None:
        """One bulk look-up of the customers and products the invoices name that the run has
        not looked up yet (a backlog comes a batch at a time; each code is asked once)."""
        chosen = list(invoices)
        customers = sorted(
            {customer_code(i.customer) for i in chosen} - {c for k, c in self._asked if k == "c"}
        )
        products = sorted(
            {code for i in chosen for line in i.lines if (code := product_code(line, self.options))}
            - {c for k, c in self._asked if k == "p"}
        )
        self._asked.update([("c", c) for c in customers] + [("p", p) for p in products])
        if customers:
            self.customers.update(self.client.customers_by_code(customers))
        if products:
            self.products.update(self.client.products_by_code(products))

    def ensure(self, invoice: Invoice) -> None:
        code = customer_code(invoice.customer)
        if self.options.create_customers and code not in self.customers:
            found = self.client.customers_by_code([code])
            if code not in found:
                found[code] = self.client.add_customer(build.customer(invoice.customer))
                self.created_customers += 1
            self.customers.update(found)
        if not self.options.create_products:
            return
        if self.options.product_identification is ProductIdentification.GENERIC:
            return  # the generic product is the company's own, never made by the hub
        for line in invoice.lines:
            if line.product_code is None or line.product_code in self.products:
                continue
            found = self.client.products_by_code([line.product_code])
            if line.product_code not in found:
                product = Product.from_line(line, invoice.currency)
                found[line.product_code] = self.client.add_product(
                    build.product(product, self.options.product_group)
                )
                self.created_products += 1
            self.products.update(found)
