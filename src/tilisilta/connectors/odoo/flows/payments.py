"""Odoo flow: registering the payments the hub received as Odoo payments on their invoices.

Payments go through Odoo's own payment register wizard on a bank or cash journal, as a person
would register them, never by writing ``payment_state``. Each is delivered through the ledger:
bound once registered, and looked up in Odoo by its marker (the payment's memo) before anything
is registered again, so a lost answer never registers a payment twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from tilisilta.connectors.base import FlowContext
from tilisilta.connectors.common import transport_outcome
from tilisilta.connectors.odoo.client import OdooClient
from tilisilta.connectors.odoo.client.errors import OdooError, OdooFailure, describe
from tilisilta.connectors.odoo.flows.books import prove_books
from tilisilta.connectors.odoo.flows.connection import company_context, open_client
from tilisilta.connectors.odoo.flows.invoices import MOVE_MODEL
from tilisilta.connectors.odoo.mapping.records import (
    decimal,
    m2o_id,
    m2o_name,
)
from tilisilta.connectors.odoo.options import OdooOptions
from tilisilta.domain.documents import Invoice, Payment
from tilisilta.fixes import fix
from tilisilta.http.errors import AuthenticationFailed
from tilisilta.ledger.binder import refs_and_external_ids
from tilisilta.ledger.deliverer import Attempt, OnChange, RunAborted
from tilisilta.ledger.outcomes import DataIssue, Delivered, Outcome, Refused
from tilisilta.ledger.protocol import DeliveryRunner, RunReport
from tilisilta.store.documents import INVOICE, invoices_by_number, load_invoice
from tilisilta.store.models import Document
from tilisilta.store.payments import PAYMENT, all_payments, load_payment

REGISTER_PAYMENT = "odoo.register_payment"
PAID_STATES = frozenset({"paid", "in_payment"})


def marker(document: Document) -> str:
    """What the Odoo payment's memo says, so the payment can be found again by it."""
    return f"Tilisilta {document.ref}"


class PaymentDeliverer:
    operation = REGISTER_PAYMENT
    local_kind = PAYMENT
    remote_name = "Odoo"
    on_change = OnChange.DATA_ISSUE  # a registered payment is reconciled: a person changes it
    serialization_key: str | None = None

    def __init__(
        self,
        client: OdooClient,
        options: OdooOptions,
        targets: dict[str, int],
        *,
        business_id: str,
        invoices: dict[str, Invoice] | None = None,
    ) -> None:
        self.business_id = business_id
        self.invoices = invoices or {}  # invoice number → the invoice the hub read
        self.client = client
        self.options = options
        self.targets = targets  # invoice number → its Odoo move id
        self.context = company_context(options)
        self._journals: dict[str, tuple[int, int | None, str]] = {}

    # -- the protocol ---------------------------------------------------------------------
    def check(self, document: Document) -> DataIssue | None:
        payment = load_payment(document)
        if payment.invoice_number not in self.targets:
            return DataIssue(
                f"Payment {payment.external_id} ({payment.amount:.2f} {payment.currency}) is for "
                f"invoice {payment.invoice_number}, which was not read from this Odoo connection: "
                "register it by hand in Odoo, then ignore this exchange"
            )
        invoice = self.invoices.get(payment.invoice_number)
        if invoice is None:
            return None
        label = f"Payment {payment.external_id} of {payment.payment_date}"
        if payment.currency != invoice.currency:
            return DataIssue(
                f"{label} is in {payment.currency}, but invoice {invoice.number} is in "
                f"{invoice.currency}: register it by hand in Odoo, then ignore this exchange"
            )
        # The invoice's total is Odoo's own figure, to the cent.
        if payment.amount > invoice.total:
            return DataIssue(
                f"{label} ({payment.amount:.2f} {payment.currency}) is more than the whole of "
                f"invoice {invoice.number} ({invoice.total:.2f} {invoice.currency}): "
                "check where the money belongs and register it by hand in Odoo, then ignore "
                "this exchange"
            )
        return None

    def prove_company(self) -> None:
        prove_books(self.client, self.options, self.business_id)

    def find_many(self, documents: Sequence[Document]) -> dict[int, str]:
        """Payments already registered, found by their memos in one search per 200."""
        by_marker = {marker(d): d.id for d in documents}
        memo = self._memo_field()
        found: dict[int, str] = {}
        markers = sorted(by_marker)
        for start in range(0, len(markers), 200):
            rows = self.client.search_read(
                "account.payment",
                [
                    ("company_id", "=", self.options.odoo_company_id),
                    (memo, "in", markers[start : start + 200]),
                ],
                ["id", memo],
                context=self.context,
                order="id asc",
            )
            for row in rows:
                doc_id = by_marker.get(str(row.get(memo)))
                if doc_id is not None:
                    found.setdefault(doc_id, str(row["id"]))
        return found

    def changed_after_delivery(self, document: Document, external_id: str) -> str:
        return (
            f"changed after it was registered in Odoo (payment id {external_id}); nothing was "
            "registered again: correct the payment by hand in Odoo"
        )

    def find_existing(self, attempt: Attempt) -> str | None:
        found = self.find_many([attempt.document])
        return found.get(attempt.document.id)

    def deliver(self, attempt: Attempt) -> Outcome:
        document = attempt.document
        payment = load_payment(document)
        number = payment.invoice_number
        move_id = self.targets[number]
        if attempt.external_id is not None:
            # Registered by an earlier attempt whose answer was lost, and found by its memo.
            return Delivered(
                attempt.external_id,
                note=f"Payment {payment.amount:.2f} {payment.currency} of {payment.payment_date} "
                f"was already registered in Odoo on invoice {number} (payment id "
                f"{attempt.external_id}); found by its memo, not registered again",
            )
        moves = self.client.read(
            MOVE_MODEL,
            [move_id],
            ["name", "state", "amount_residual", "payment_state", "currency_id"],
            context=self.context,
        )
        move = moves[0]
        if move.get("state") != "posted":
            return Refused(
                f"Invoice {number} is {move.get('state')} in Odoo, not posted: the payment "
                f"{payment.amount:.2f} {payment.currency} was not registered; post the invoice in "
                "Odoo and retry the exchange"
            )
        residual = decimal(move.get("amount_residual"))
        if residual <= 0 or move.get("payment_state") in PAID_STATES:
            return Refused(
                f"Invoice {number} has nothing left to pay in Odoo (payment state "
                f"{move.get('payment_state')}): the payment {payment.amount:.2f} "
                f"{payment.currency} of {payment.payment_date} was not registered. Check whether "
                "it was booked by hand in Odoo, then ignore this exchange"
            )
        if m2o_name(move.get("currency_id")) not in (None, payment.currency):
            return Refused(
                f"Payment {payment.external_id} is in {payment.currency} but invoice "
                f"{number} is in {m2o_name(move.get('currency_id'))} in Odoo: register it "
                "by hand"
            )
        journal_id, method_line_id, journal_name = self._journal(payment)
        values: dict[str, Any] = {
            "payment_date": payment.payment_date.isoformat(),
            "journal_id": journal_id,
            "amount": float(payment.amount),
            "communication": marker(document),
            "payment_difference_handling": "open",
        }
        currency_id = m2o_id(move.get("currency_id"))
        if currency_id:
            values["currency_id"] = currency_id
        if method_line_id:
            values["payment_method_line_id"] = method_line_id
        wizard_context = {
            **self.context,
            "active_model": MOVE_MODEL,
            "active_ids": [move_id],
            "active_id": move_id,
        }
        # A wizard is a transient record that registers nothing until its action runs, so a
        # lost answer to its creation may simply be asked again.
        wizard = self.client.call(
            "account.payment.register",
            "create",
            vals_list=[values],
            context=wizard_context,
            repeatable=True,
        )
        wizard_id = int(wizard[0] if isinstance(wizard, list) else wizard)
        result = self.client.call(
            "account.payment.register",
            "action_create_payments",
            ids=[wizard_id],
            context=wizard_context,
        )
        payment_id = _created_payment(result) or self.find_existing(attempt)
        if payment_id is None:
            return Refused(
                f"Odoo registered no payment for invoice {number} (it answered "
                f"{result!r}); check the invoice in Odoo"
            )
        # What is left is told from the invoice as read before: reading it again would cost
        # a call a payment for a line in the log.
        left = max(residual - payment.amount, Decimal(0))
        return Delivered(
            str(payment_id),
            note=(
                f"Payment {payment.amount:.2f} {payment.currency} of {payment.payment_date} "
                f"registered in Odoo on invoice {number} ({journal_name}, payment id "
                f"{payment_id}); {residual:.2f} was left to pay before it, {left:.2f} after"
            ),
        )

    def explain(self, error: Exception) -> Outcome:
        if isinstance(error, AuthenticationFailed):
            raise RunAborted(describe(error, "register payments")) from error
        if isinstance(error, OdooError):
            if error.failure is OdooFailure.ACCESS:
                raise RunAborted(describe(error, "register payments")) from error
            return Refused(describe(error, "register the payment"))
        if isinstance(error, _NoJournal):
            raise RunAborted(str(error)) from error
        return transport_outcome(error)

    # -- lookups --------------------------------------------------------------------------
    def _memo_field(self) -> str:
        return "memo" if "memo" in self.client.fields_of("account.payment") else "ref"

    def _journal(self, payment: Payment) -> tuple[int, int | None, str]:
        kind = payment.journal.value
        if kind not in self._journals:
            configured = self.options.journals.get(kind)
            domain: list[Any] = [
                ("company_id", "=", self.options.odoo_company_id),
                ("type", "=", kind),
            ]
            if configured:
                domain.append(("id", "=", configured))
            journals = self.client.search_read(
                "account.journal",
                domain,
                ["name", "inbound_payment_method_line_ids"],
                context=self.context,
                order="sequence, id",
                limit=1,
            )
            if not journals:
                raise _NoJournal(
                    f"Odoo company {self.options.odoo_company_id} has no {kind} journal"
                    + (f" with id {configured}" if configured else "")
                    + f": create one in Odoo, or set the connection's {kind} journal to the id "
                    f"of one with {fix('connection.set', setting=f'journals.{kind}')}"
                )
            journal = journals[0]
            lines = list(journal.get("inbound_payment_method_line_ids") or [])
            self._journals[kind] = (
                int(journal["id"]),
                lines[0] if lines else None,
                journal["name"],
            )
        return self._journals[kind]


class _NoJournal(LookupError):
    pass


def _created_payment(result: Any) -> str | None:
    """The payment id from the wizard's answer: an act_window with ``res_id`` or a domain."""
    if not isinstance(result, dict):
        return None
    if result.get("res_id"):
        return str(result["res_id"])
    for leaf in result.get("domain") or []:
        if isinstance(leaf, list | tuple) and len(leaf) == 3 and leaf[0] == "id":
            ids = leaf[2] if isinstance(leaf[2], list) else [leaf[2]]
            if len(ids) == 1:
                return str(ids[0])
    return None


@dataclass
class PushReport:
    run: RunReport = field(default_factory=RunReport)
    # invoices of payments the hub holds that did not come from this connection: left alone
    not_from_odoo: list[str] = field(default_factory=list)


def push_payments(context: FlowContext) -> PushReport:
    """Register in Odoo every payment the hub holds for invoices read from this connection."""
    connection_id, company_id = context.connection_id, context.company_id
    client, options = open_client(context)
    with context.store.session() as session:
        bound = refs_and_external_ids(session, connection_id, INVOICE)
        targets = {ref: int(move_id) for ref, move_id in bound}
        invoices = {
            doc.ref: load_invoice(doc)
            for doc in invoices_by_number(session, company_id, list(targets))
        }
        payments = []
        report = PushReport()
        for document in all_payments(session, company_id):
            number = load_payment(document).invoice_number
            if number in targets:
                payments.append(document)
            else:
                report.not_from_odoo.append(number)
    deliverer = PaymentDeliverer(
        client, options, targets, business_id=context.business_id, invoices=invoices
    )
    runner = DeliveryRunner(
        context.store,
        context.clock,
        connection_id=connection_id,
        deliverer=deliverer,
        lease_seconds=context.settings.send_lease_seconds,
        max_attempts=context.settings.max_attempts,
        stop=context.stop,
    )
    try:
        ids = runner.plan(payments)
        report.run = runner.run(ids)
    except RunAborted as abort:
        report.run.aborted = str(abort)
    finally:
        client.close()
    return report
