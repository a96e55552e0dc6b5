"""Netvisor flow: sending selected products (seed 004's "Send Selected Products to Netvisor").

A product is looked up by its code first (Netvisor refuses a second product with one code) and
added only when it is not there, so a repeat, or a repeat after a lost answer, adds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tilisilta.connectors.base import FlowContext
from tilisilta.connectors.netvisor.client.wire import NetvisorRefused
from tilisilta.connectors.netvisor.errors import describe_failure, explain
from tilisilta.connectors.netvisor.flows.connection import books_problem, open_client
from tilisilta.connectors.netvisor.mapping.registers import product
from tilisilta.http.errors import RemoteError
from tilisilta.store.registers import PRODUCT, find, load_product


@dataclass
class ProductSendReport:
    added: dict[str, str] = field(default_factory=dict)  # code → NetvisorKey
    already_there: dict[str, str] = field(default_factory=dict)
    unknown_codes: list[str] = field(default_factory=list)  # no such product in the hub
    refused: dict[str, str] = field(default_factory=dict)  # code → why
    aborted: str | None = None


def send_products(context: FlowContext, *, codes: list[str]) -> ProductSendReport:
    report = ProductSendReport()
    client, options = open_client(context)
    mismatch = books_problem(context, options)
    if mismatch:
        report.aborted = mismatch
        return report
    with context.store.session() as session:
        found = {code: find(session, context.company_id, PRODUCT, code) for code in codes}
        products = {code: load_product(doc) for code, doc in found.items() if doc is not None}
    report.unknown_codes = [code for code in codes if code not in products]
    try:
        report.already_there = client.products_by_code(sorted(products))
        for code, item in products.items():
            if code in report.already_there:
                continue
            try:
                report.added[code] = client.add_product(product(item, options.product_group))
            except NetvisorRefused as exc:
                if exc.code == "AUTHENTICATION_FAILED":
                    raise
                report.refused[code] = explain(exc)
    except RemoteError as exc:
        report.aborted = describe_failure(exc, "take the products")
    finally:
        client.close()
    return report
