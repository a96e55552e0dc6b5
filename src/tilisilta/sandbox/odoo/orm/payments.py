"""Payments and the payment register wizard.

Up to 17 a payment delegates to its journal entry (``_inherits``: its ``name``, ``date``,
``ref``, ``state`` are the entry's); from 18 it stands alone with ``memo`` and the states
draft / in_process / paid / canceled / rejected, and gets its entry when posted.

Bank reconciliation is not imitated: a payment in a cash journal counts as matched at once
(the invoice becomes ``paid``); one in a bank journal stays unmatched (the invoice is
``in_payment``, the 18+ payment ``in_process``) until ``mark_payment_matched`` (in
``scenarios``) says the bank statement arrived.
"""

from __future__ import annotations

from typing import Any

from ..exceptions import UserError
from .accounting import INVOICE_TYPES, PURCHASE_TYPES, SALE_TYPES, _ids_of_commands, reconcile
from .model import Model, model_class
from .rpc import normalize_ids, rpc
from .taxes import is_zero, round_money

PAYMENT_JOURNAL_TYPES = ("bank", "cash", "credit")


@model_class("account.payment")
class AccountPayment(Model):
    odoo_class = "AccountPayment"

    # ---- defaults and lines ----------------------------------------------------------------

    def prepare_create(self, vals: dict[str, Any]) -> dict[str, Any]:
        sudo = self.env.sudo()
        company = vals.get("company_id") or self.env.company_id
        if not vals.get("journal_id"):
            found = sudo["account.journal"].search_ids(
                [("company_id", "=", company), ("type", "in", ["bank", "cash"])], limit=1
            )
            if not found:
                raise UserError(
                    "No journal could be found in company "
                    f"{sudo['res.company'].display_name(company)} "
                    "for any of those types: bank, cash"
                )
            vals["journal_id"] = found[0]
        journal = sudo["account.journal"].row(vals["journal_id"])
        vals.setdefault("company_id", journal["company_id"])
        if self.version <= 17:
            vals.setdefault("move_type", "entry")
        if not vals.get("currency_id"):
            vals["currency_id"] = journal.get("currency_id") or sudo["res.company"].row(
                journal["company_id"]
            ).get("currency_id")
        payment_type = vals.get("payment_type") or "inbound"
        if not vals.get("payment_method_line_id"):
            lines = sudo["account.payment.method.line"].search_ids(
                [("journal_id", "=", vals["journal_id"]), ("payment_type", "=", payment_type)],
                limit=1,
            )
            vals["payment_method_line_id"] = lines[0] if lines else False
        if not vals.get("destination_account_id"):
            field = (
                "property_account_receivable_id"
                if (vals.get("partner_type") or "customer") == "customer"
                else "property_account_payable_id"
            )
            account = None
            if vals.get("partner_id"):
                account = sudo.with_company(journal["company_id"])["res.partner"].get(
                    vals["partner_id"], field
                )
            account = account or self.env.registry.property_default(
                "res.partner", field, journal["company_id"]
            )
            vals["destination_account_id"] = account or False
        if self.version >= 18:
            vals["state"] = "draft"
        return vals

    def journal_type(self, rid: int) -> str:
        journal = self.get(rid, "journal_id")
        return str(self.env.sudo()["account.journal"].row(journal).get("type")) if journal else ""

    def liquidity_account(self, rid: int) -> int | None:
        sudo = self.env.sudo()
        row = self.row(rid)
        method_line = row.get("payment_method_line_id")
        if method_line:
            account = sudo["account.payment.method.line"].row(method_line).get("payment_account_id")
            if account:
                return int(account)
        company = self.get(rid, "company_id")
        field = (
            "account_journal_payment_debit_account_id"
            if row.get("payment_type") == "inbound"
            else "account_journal_payment_credit_account_id"
        )
        value = sudo["res.company"].row(company).get(field) if company else None
        return int(value) if value else None

    def move_of(self, rid: int) -> int | None:
        value = self.row(rid).get("move_id")
        return int(value) if value else None

    def line_values(self, rid: int, writeoff: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        row = self.row(rid)
        amount = float(row.get("amount") or 0.0)
        sign = 1 if row.get("payment_type") == "inbound" else -1
        label = self._label(rid)
        partner = row.get("partner_id") or False
        currency = row.get("currency_id") or False
        rate = self._rate(rid)

        def line(name: str, account: Any, amount_currency: float, **extra: Any) -> dict[str, Any]:
            amount_currency = round_money(amount_currency)
            return {
                "name": name,
                "account_id": account or False,
                "partner_id": partner,
                "currency_id": currency,
                "amount_currency": amount_currency,
                "balance": amount_currency if rate == 1.0 else round_money(amount_currency / rate),
                "display_type": "product",
                **extra,
            }

        when = self.get(rid, "date")
        values = [line(label, self.liquidity_account(rid), sign * amount, date_maturity=when)]
        counterpart = -sign * amount
        if writeoff:
            counterpart -= float(writeoff["balance"])
            values.append(
                line(
                    writeoff.get("name") or "Write-Off", writeoff["account_id"], writeoff["balance"]
                )
            )
        values.append(
            line(label, row.get("destination_account_id"), counterpart, date_maturity=when)
        )
        return values

    def _rate(self, rid: int) -> float:
        row = self.row(rid)
        company = self.get(rid, "company_id")
        company_currency = (
            self.env.sudo()["res.company"].row(company).get("currency_id") if company else None
        )
        if not row.get("currency_id") or row.get("currency_id") == company_currency:
            return 1.0
        currencies = self.env.sudo()["res.currency"]
        when = self.get(rid, "date") or self.env.today
        rate: float = currencies.rate_on(row["currency_id"], when, company)  # type: ignore[attr-defined]
        return rate or 1.0

    def _label(self, rid: int) -> str:
        ref = self.get(rid, "ref" if self.version <= 17 else "memo")
        kind = (
            "Customer Payment"
            if self.row(rid).get("partner_type") == "customer"
            else "Vendor Payment"
        )
        return str(ref) if ref else kind

    def _write_lines(self, rid: int, writeoff: dict[str, Any] | None = None) -> None:
        move = self.move_of(rid)
        if not move:
            return
        moves = self.env.sudo()["account.move"]
        if moves.row(move).get("state") != "draft":
            return
        lines = self.env.sudo().with_context(dynamic_lines=True)["account.move.line"]
        existing = moves.lines(move)  # type: ignore[attr-defined]
        if existing:
            lines.raw_unlink(existing)
        lines.create_records(
            [{**vals, "move_id": move} for vals in self.line_values(rid, writeoff)]
        )

    def after_create(self, ids: list[int]) -> None:
        moves = self.env.sudo()["account.move"]
        for rid in ids:
            move = self.move_of(rid)
            if move and self.version <= 17:
                partner = self.row(rid).get("partner_id")
                moves.set_values(move, {"payment_id": rid, "partner_id": partner}, touch=False)
                self._write_lines(rid)
        self.recompute(ids)

    def after_write(self, ids: list[int], names: set[str]) -> None:
        if names & {
            "amount",
            "payment_type",
            "partner_id",
            "destination_account_id",
            "journal_id",
            "payment_method_line_id",
            "currency_id",
            "date",
            "ref",
        }:
            for rid in ids:
                self._write_lines(rid)
        self.recompute(ids)

    # ---- computed ----------------------------------------------------------------------------

    def recompute(self, ids: list[int]) -> None:
        moves = self.env.sudo()["account.move"]
        lines = self.env.sudo()["account.move.line"]
        for rid in ids:
            if not self.store.exists(self.name, rid):
                continue
            row = self.row(rid)
            move = self.move_of(rid)
            destination = row.get("destination_account_id")
            counterpart = [
                lid
                for lid in (moves.lines(move) if move else [])  # type: ignore[attr-defined]
                if lines.row(lid).get("account_id") == destination
            ]
            reconciled = bool(counterpart) and all(
                lines.row(lid).get("reconciled") for lid in counterpart
            )
            matched = bool(row.get("is_matched")) or self.journal_type(rid) == "cash"
            amount = float(row.get("amount") or 0.0)
            values: dict[str, Any] = {
                "is_reconciled": reconciled,
                "is_matched": matched,
                "outstanding_account_id": self.liquidity_account(rid),
                "amount_company_currency_signed": amount
                if row.get("payment_type") == "inbound"
                else -amount,
            }
            if self.version >= 18 and row.get("state") in ("in_process", "paid"):
                values["state"] = "paid" if matched else "in_process"
            self.set_values(rid, values, touch=False)

    def _reconciled_moves(self, rid: int) -> list[int]:
        move = self.move_of(rid)
        if not move:
            return []
        moves = self.env.sudo()["account.move"]
        return [
            m
            for m in moves.counterpart_moves(move)  # type: ignore[attr-defined]
            if moves.row(m).get("move_type") in INVOICE_TYPES
        ]

    def get_reconciled_invoice_ids(self, rid: int) -> list[int]:
        moves = self.env.sudo()["account.move"]
        return [m for m in self._reconciled_moves(rid) if moves.row(m)["move_type"] in SALE_TYPES]

    def get_reconciled_bill_ids(self, rid: int) -> list[int]:
        moves = self.env.sudo()["account.move"]
        return [
            m for m in self._reconciled_moves(rid) if moves.row(m)["move_type"] in PURCHASE_TYPES
        ]

    def get_reconciled_invoices_count(self, rid: int) -> int:
        return len(self.get_reconciled_invoice_ids(rid))

    def compute_display_name(self, rid: int) -> str:
        name = self.get(rid, "name")
        if name and name != "/":
            return str(name)
        return f"Draft Payment (* {rid})"

    # ---- workflow ----------------------------------------------------------------------------

    def post_payments(
        self, ids: list[int], writeoff: dict[int, dict[str, Any]] | None = None
    ) -> None:
        moves = self.env.sudo()["account.move"]
        for rid in ids:
            row = self.row(rid)
            if not row.get("payment_method_line_id"):
                raise UserError("Please define a payment method line on your payment.")
            if self.version <= 17:
                move = self.move_of(rid)
                assert move is not None
                if moves.row(move).get("state") != "draft":
                    raise UserError(
                        f"The entry {moves.row(move).get('name')} (id {move}) must be in draft."
                    )
                if writeoff and rid in writeoff:
                    self._write_lines(rid, writeoff[rid])
                moves.post([move])  # type: ignore[attr-defined]
            else:
                if row.get("state") != "draft":
                    raise UserError("Only a draft payment can be posted.")
                move = self.move_of(rid)
                if not move:
                    move = moves.create_records(
                        [
                            {
                                "move_type": "entry",
                                "journal_id": row["journal_id"],
                                "company_id": row["company_id"],
                                "date": row.get("date"),
                                "ref": row.get("memo") or False,
                                "currency_id": row.get("currency_id"),
                                "partner_id": row.get("partner_id") or False,
                                "origin_payment_id": rid,
                            }
                        ]
                    )[0]
                    self.set_values(rid, {"move_id": move}, touch=False)
                self._write_lines(rid, (writeoff or {}).get(rid))
                moves.post([move])  # type: ignore[attr-defined]
                self.set_values(rid, {"state": "in_process", "name": moves.row(move).get("name")})
        self.recompute(ids)

    @rpc("records")
    def action_post(self, ids: list[int]) -> None:
        ids = self.check_access(ids, "write")
        self.post_payments(ids)
        return None

    @rpc("records")
    def action_draft(self, ids: list[int]) -> None:
        ids = self.check_access(ids, "write")
        moves = self.env.sudo()["account.move"]
        for rid in ids:
            move = self.move_of(rid)
            if move and moves.row(move).get("state") != "draft":
                moves.button_draft([move])  # type: ignore[attr-defined]
            if self.version >= 18:
                self.set_values(rid, {"state": "draft"})
        self.recompute(ids)
        return None

    @rpc("records")
    def action_cancel(self, ids: list[int]) -> None:
        ids = self.check_access(ids, "write")
        moves = self.env.sudo()["account.move"]
        for rid in ids:
            move = self.move_of(rid)
            if move:
                moves.button_cancel([move])  # type: ignore[attr-defined]
            if self.version >= 18:
                self.set_values(rid, {"state": "canceled"})
        self.recompute(ids)
        return None


@model_class("account.payment.register")
class AccountPaymentRegister(Model):
    odoo_class = "AccountPaymentRegister"

    def _source_lines(self, vals: dict[str, Any]) -> list[int]:
        context = self.env.context
        moves = self.env["account.move"]
        lines = self.env.sudo()["account.move.line"]
        if vals.get("line_ids"):
            return _ids_of_commands(vals["line_ids"])
        active_model = context.get("active_model")
        active_ids = normalize_ids(context.get("active_ids") or [])
        if active_model == "account.move":
            move_ids = moves.check_access(active_ids, "read")
            candidates: list[int] = []
            for move in move_ids:
                for lid in moves.lines(move):  # type: ignore[attr-defined]
                    candidates.append(lid)
        elif active_model == "account.move.line":
            candidates = self.env["account.move.line"].check_access(active_ids, "read")
        else:
            raise UserError(
                "The register payment wizard should only be called on account.move or "
                "account.move.line records."
            )
        available: list[int] = []
        for lid in candidates:
            line = lines.row(lid)
            if moves.sudo().row(line["move_id"]).get("state") != "posted":
                raise UserError("You can only register payment for posted journal entries.")
            if line.get("account_type") not in ("asset_receivable", "liability_payable") and (
                lines.get(lid, "account_type") not in ("asset_receivable", "liability_payable")
            ):
                continue
            if is_zero(float(line.get("amount_residual_currency") or 0.0)) and is_zero(
                float(line.get("amount_residual") or 0.0)
            ):
                continue
            available.append(lid)
        if not available:
            raise UserError(
                "You can't register a payment because there is nothing left to pay on the "
                "selected journal items."
            )
        companies = {lines.get(lid, "company_id") for lid in available}
        if len(companies) > 1:
            raise UserError(
                "You can't create payments for entries belonging to different companies."
            )
        kinds = {lines.get(lid, "account_type") for lid in available}
        if len(kinds) > 1:
            raise UserError(
                "You can't register payments for journal items being either all inbound, either "
                "all outbound."
            )
        return available

    def prepare_create(self, vals: dict[str, Any]) -> dict[str, Any]:
        sudo = self.env.sudo()
        line_ids = self._source_lines(vals)
        vals["line_ids"] = [(6, 0, line_ids)]
        lines = sudo["account.move.line"]
        first = lines.row(line_ids[0])
        company = lines.get(line_ids[0], "company_id")
        receivable = lines.get(line_ids[0], "account_type") == "asset_receivable"
        residual = sum(
            float(lines.row(lid).get("amount_residual_currency") or 0.0) for lid in line_ids
        )
        residual_company = sum(
            float(lines.row(lid).get("amount_residual") or 0.0) for lid in line_ids
        )
        moves = sudo["account.move"]
        move = moves.row(first["move_id"])
        vals.setdefault("company_id", company)
        vals.setdefault(
            "partner_id", move.get("commercial_partner_id") or first.get("partner_id") or False
        )
        vals.setdefault("payment_type", "inbound" if residual > 0 else "outbound")
        vals.setdefault("partner_type", "customer" if receivable else "supplier")
        vals.setdefault("source_currency_id", first.get("currency_id"))
        vals["source_amount_currency"] = abs(residual)
        vals["source_amount"] = abs(residual_company)
        if not vals.get("currency_id"):
            vals["currency_id"] = first.get("currency_id")
        if "amount" not in vals or vals["amount"] is None:
            vals["amount"] = abs(residual)
        if not vals.get("communication"):
            vals["communication"] = " ".join(
                str(
                    moves.row(m).get("payment_reference")
                    or moves.row(m).get("ref")
                    or moves.row(m).get("name")
                )
                for m in dict.fromkeys(lines.row(lid)["move_id"] for lid in line_ids)
            )
        journals = sudo["account.journal"]
        if not vals.get("journal_id"):
            found = journals.search_ids(
                [("company_id", "=", company), ("type", "in", ["bank", "cash"])], limit=1
            )
            if not found:
                raise UserError(
                    "No journal could be found in company "
                    f"{sudo['res.company'].display_name(company)} "
                    "for any of those types: bank, cash"
                )
            vals["journal_id"] = found[0]
        journal = (
            journals.row(vals["journal_id"])
            if self.store.exists("account.journal", vals["journal_id"])
            else None
        )
        if journal is None:
            self.check_target(self.field("journal_id"), vals["journal_id"])
            raise AssertionError  # pragma: no cover
        if journal.get("company_id") != company:
            raise UserError(
                "Incompatible companies on records:\n"
                f"- 'Register Payment' belongs to company "
                f"{sudo['res.company'].display_name(company)!r} and 'Journal' (journal_id: "
                f"{journals.display_name(journal['id'])!r}) belongs to another company."
            )
        allowed_types = PAYMENT_JOURNAL_TYPES if self.version >= 18 else ("bank", "cash")
        if journal.get("type") not in allowed_types:
            raise UserError(
                f"The journal {journal.get('name')!r} cannot be used to register payments: "
                "choose a bank or cash journal."
            )
        method_lines = sudo["account.payment.method.line"]
        if not vals.get("payment_method_line_id"):
            found = method_lines.search_ids(
                [
                    ("journal_id", "=", vals["journal_id"]),
                    ("payment_type", "=", vals["payment_type"]),
                ],
                limit=1,
            )
            vals["payment_method_line_id"] = found[0] if found else False
        elif self.store.exists("account.payment.method.line", vals["payment_method_line_id"]):
            method = method_lines.row(vals["payment_method_line_id"])
            if (
                method.get("journal_id") != vals["journal_id"]
                or method_lines.get(method["id"], "payment_type") != vals["payment_type"]
            ):
                raise UserError(
                    "The selected payment method is not available for this payment, please "
                    "select the payment method again."
                )
        if not vals.get("payment_method_line_id"):
            raise UserError("Please define a payment method line on your payment.")
        return vals

    def get_payment_difference(self, rid: int) -> float:
        row = self.row(rid)
        return round_money(
            float(row.get("source_amount_currency") or 0.0) - float(row.get("amount") or 0.0)
        )

    def get_can_edit_wizard(self, rid: int) -> bool:
        return True

    def get_can_group_payments(self, rid: int) -> bool:
        return False

    @rpc("records")
    def action_create_payments(self, ids: list[int]) -> Any:
        ids = self.check_access(ids, "write")
        env = self.env
        payments_model = env["account.payment"]
        created: list[int] = []
        for rid in ids:
            wizard = self.row(rid)
            amount = float(wizard.get("amount") or 0.0)
            if amount <= 0:
                raise UserError("The payment amount must be strictly positive.")
            line_ids = list(wizard.get("line_ids") or [])
            lines = env.sudo()["account.move.line"]
            destination = lines.row(line_ids[0]).get("account_id")
            ref_field = "ref" if self.version <= 17 else "memo"
            values: dict[str, Any] = {
                "date": wizard.get("payment_date"),
                "amount": amount,
                "payment_type": wizard.get("payment_type"),
                "partner_type": wizard.get("partner_type"),
                ref_field: wizard.get("communication") or False,
                "journal_id": wizard.get("journal_id"),
                "company_id": wizard.get("company_id"),
                "currency_id": wizard.get("currency_id"),
                "partner_id": wizard.get("partner_id") or False,
                "partner_bank_id": wizard.get("partner_bank_id") or False,
                "payment_method_line_id": wizard.get("payment_method_line_id"),
                "destination_account_id": destination,
            }
            difference = self.get_payment_difference(rid)
            writeoff: dict[str, Any] | None = None
            if wizard.get("payment_difference_handling") == "reconcile" and not is_zero(difference):
                if not wizard.get("writeoff_account_id"):
                    raise UserError(
                        "A write-off account is required to mark the invoice as fully paid with "
                        "a payment difference."
                    )
                sign = 1 if wizard.get("payment_type") == "inbound" else -1
                writeoff = {
                    "account_id": wizard["writeoff_account_id"],
                    "name": wizard.get("writeoff_label") or "Write-Off",
                    "balance": sign * difference,
                }
            payment = payments_model.create_records([values])[0]
            payments_model.post_payments([payment], {payment: writeoff} if writeoff else None)  # type: ignore[attr-defined]
            self._reconcile(payment, line_ids)
            created.append(payment)
            if self.version >= 18:
                moves = {lines.row(lid)["move_id"] for lid in line_ids}
                payments_model.write_records([payment], {"invoice_ids": [(6, 0, sorted(moves))]})
                account_moves = env.sudo()["account.move"]
                for move in moves:
                    matched = set(account_moves.row(move).get("matched_payment_ids") or [])
                    account_moves.set_values(
                        move, {"matched_payment_ids": sorted(matched | {payment})}, touch=False
                    )
        if env.context.get("dont_redirect_to_payments"):
            return True
        action: dict[str, Any] = {
            "name": "Payments",
            "type": "ir.actions.act_window",
            "res_model": "account.payment",
            "context": {"create": False},
        }
        if len(created) == 1:
            action.update(view_mode="form", res_id=created[0])
        else:
            action.update(
                view_mode="tree,form" if self.version <= 17 else "list,form",
                domain=[["id", "in", created]],
            )
        return action

    def _reconcile(self, payment: int, invoice_lines: list[int]) -> None:
        sudo = self.env.sudo()
        payments = sudo["account.payment"]
        lines = sudo["account.move.line"]
        move = payments.move_of(payment)  # type: ignore[attr-defined]
        destination = payments.row(payment).get("destination_account_id")
        counterpart = [
            lid
            for lid in sudo["account.move"].lines(move)  # type: ignore[attr-defined]
            if lines.row(lid).get("account_id") == destination
        ]
        ordered = sorted(
            invoice_lines,
            key=lambda lid: (lines.row(lid).get("date_maturity") or lines.get(lid, "date"), lid),
        )
        for mine in counterpart:
            for theirs in ordered:
                mine_balance = float(lines.row(mine).get("balance") or 0.0)
                debit, credit = (theirs, mine) if mine_balance < 0 else (mine, theirs)
                reconcile(self.env, debit, credit)
        payments.recompute([payment])
