"""Journal entries: invoices and their lines, posting, reconciliation, reversal.

An invoice is kept as Odoo 16+ keeps it: product lines (and section/note lines) as entered,
plus "dynamic" lines the move maintains while in draft - one tax line per tax and one
receivable/payable ("payment term") line per installment. Totals, residuals and the payment
state are stored computed fields, recomputed after every change; writing them is a no-op (the
recomputation restores them), so ``payment_state`` cannot be faked.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from typing import Any

from ...common.references import finnish_reference, rf_reference
from ..exceptions import RedirectWarning, UserError, ValidationError
from .fields import empty_value
from .model import Model, model_class
from .rpc import normalize_ids, rpc
from .sequences import move_prefix, next_move_name
from .taxes import compute_line, fiscal_position_for, is_zero, map_taxes, round_money

SALE_TYPES = ("out_invoice", "out_refund", "out_receipt")
PURCHASE_TYPES = ("in_invoice", "in_refund", "in_receipt")
INVOICE_TYPES = SALE_TYPES + PURCHASE_TYPES
REFUND_TYPES = ("out_refund", "in_refund")
REVERSE_TYPE = {
    "entry": "entry",
    "out_invoice": "out_refund",
    "out_refund": "out_invoice",
    "in_invoice": "in_refund",
    "in_refund": "in_invoice",
    "out_receipt": "out_refund",
    "in_receipt": "in_refund",
}
DRAFT_TYPE_LABEL = {
    "entry": "Draft Entry",
    "out_invoice": "Draft Invoice",
    "out_refund": "Draft Credit Note",
    "in_invoice": "Draft Bill",
    "in_refund": "Draft Vendor Credit Note",
    "out_receipt": "Draft Sales Receipt",
    "in_receipt": "Draft Purchase Receipt",
}
USER_LINE_TYPES = ("product", "line_section", "line_note")
DYNAMIC_LINE_TYPES = ("tax", "payment_term", "rounding", "epd")
#: fields of a posted entry (or its items) that only a reset to draft lets one change
POSTED_MOVE_LOCKED = frozenset(
    {
        "partner_id",
        "invoice_date",
        "date",
        "currency_id",
        "move_type",
        "line_ids",
        "invoice_line_ids",
        "fiscal_position_id",
        "invoice_payment_term_id",
        "company_id",
    }
)
POSTED_LINE_LOCKED = frozenset(
    {
        "account_id",
        "debit",
        "credit",
        "balance",
        "amount_currency",
        "currency_id",
        "price_unit",
        "quantity",
        "discount",
        "tax_ids",
        "product_id",
        "partner_id",
        "move_id",
        "display_type",
    }
)


def direction_sign(move_type: str) -> int:
    """``account.move.direction_sign``: +1 for entries, bills and customer credit notes."""
    return 1 if move_type in ("entry", "in_invoice", "out_refund", "in_receipt") else -1


def is_invoice(move_type: str | None) -> bool:
    return move_type in INVOICE_TYPES


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def end_of_month(day: date) -> date:
    return date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])


def _busy(model: Model) -> set[int]:
    registry = model.env.registry
    busy: set[int] | None = getattr(registry, "_busy_moves", None)
    if busy is None:
        busy = set()
        registry._busy_moves = busy  # type: ignore[attr-defined]
    return busy


@model_class("account.move")
class AccountMove(Model):
    odoo_class = "AccountMove"

    # ---- small helpers ---------------------------------------------------------------------

    def move_type(self, rid: int) -> str:
        return str(self.row(rid).get("move_type") or "entry")

    def lines(self, rid: int, *types: str) -> list[int]:
        index = self.env.registry.o2m_index("account.move.line", "move_id")
        children = index.get(rid, [])
        if not types:
            return list(children)
        rows = self.store.rows("account.move.line")
        return [c for c in children if rows[c].get("display_type") in types]

    def currency_rounding(self, rid: int) -> float:
        currency = self.row(rid).get("currency_id")
        if not currency:
            return 0.01
        return float(self.env.sudo()["res.currency"].row(currency).get("rounding") or 0.01)

    def company_currency(self, rid: int) -> int | None:
        company = self.row(rid).get("company_id")
        if not company:
            return None
        value: int | None = self.env.sudo()["res.company"].row(company).get("currency_id")
        return value

    def rate(self, rid: int) -> float:
        """Units of the move's currency per unit of the company currency."""
        row = self.row(rid)
        if not row.get("currency_id") or row.get("currency_id") == self.company_currency(rid):
            return 1.0
        when = row.get("invoice_date") or row.get("date") or self.env.today
        currencies = self.env.sudo()["res.currency"]
        return currencies.rate_on(row["currency_id"], when, row.get("company_id")) or 1.0  # type: ignore[attr-defined]

    def compute_display_name(self, rid: int) -> str:
        row = self.row(rid)
        name = row.get("name")
        if name and name != "/":
            return str(name)
        return f"{DRAFT_TYPE_LABEL.get(self.move_type(rid), 'Draft Entry')} (* {rid})"

    # ---- create / write ----------------------------------------------------------------------

    def default_journal(self, move_type: str, company_id: int) -> int:
        journal_types = (
            ["sale"]
            if move_type in SALE_TYPES
            else ["purchase"]
            if move_type in PURCHASE_TYPES
            else ["general"]
        )
        journals = self.env.sudo()["account.journal"]
        found = journals.search_ids(
            [("company_id", "=", company_id), ("type", "in", journal_types)], limit=1
        )
        if not found:
            company_name = self.env.sudo()["res.company"].display_name(company_id)
            raise UserError(
                f"No journal could be found in company {company_name} for any of those types: "
                f"{', '.join(journal_types)}"
            )
        return found[0]

    def prepare_create(self, vals: dict[str, Any]) -> dict[str, Any]:
        sudo = self.env.sudo()
        move_type = vals.get("move_type") or "entry"
        company = vals.get("company_id") or None
        journal = vals.get("journal_id")
        if not journal:
            journal = self.default_journal(move_type, company or self.env.company_id)
            vals["journal_id"] = journal
        elif not sudo.store.exists("account.journal", journal):
            self.check_target(self.field("journal_id"), journal)
        journal_row = sudo["account.journal"].row(journal)
        if not company:
            vals["company_id"] = company = journal_row["company_id"]
        if move_type in INVOICE_TYPES:
            expected = "sale" if move_type in SALE_TYPES else "purchase"
            if journal_row.get("type") != expected:
                raise ValidationError(
                    "The chosen journal has a type that is not compatible with your invoice type. "
                    "Sales operations should go to 'sale' journals, and purchase operations to "
                    "'purchase' ones."
                )
        if not vals.get("currency_id"):
            vals["currency_id"] = journal_row.get("currency_id") or sudo["res.company"].row(
                company
            ).get("currency_id")
        partner = vals.get("partner_id") or None
        if move_type in INVOICE_TYPES and partner and sudo.store.exists("res.partner", partner):
            if "fiscal_position_id" not in vals:
                vals["fiscal_position_id"] = (
                    fiscal_position_for(self.env, partner, company) or False
                )
            if "invoice_payment_term_id" not in vals:
                term_field = (
                    "property_payment_term_id"
                    if move_type in SALE_TYPES
                    else "property_supplier_payment_term_id"
                )
                partners = sudo.with_company(company)["res.partner"]
                commercial = partners.get(partner, "commercial_partner_id") or partner
                vals["invoice_payment_term_id"] = partners.get(commercial, term_field) or False
            if move_type in SALE_TYPES and not vals.get("partner_shipping_id"):
                vals["partner_shipping_id"] = partner
        if move_type in INVOICE_TYPES and vals.get("invoice_date"):
            vals["date"] = vals["invoice_date"]
        vals["state"] = "draft"
        vals.pop("payment_state", None)
        return vals

    def prepare_write(self, ids: list[int], vals: dict[str, Any]) -> dict[str, Any]:
        vals.pop("state", None)
        for rid in ids:
            row = self.row(rid)
            if (
                "journal_id" in vals
                and row.get("posted_before")
                and vals["journal_id"] != row.get("journal_id")
            ):
                raise UserError(
                    "You cannot edit the journal of an account move if it has been posted once."
                )
            if row.get("state") == "posted":
                locked = sorted(POSTED_MOVE_LOCKED & set(vals))
                if locked:
                    raise UserError(
                        "You cannot modify the following fields of a posted journal entry: "
                        f"{', '.join(locked)}. Reset it to draft first."
                    )
        if "invoice_date" in vals:
            for rid in ids:
                if is_invoice(self.move_type(rid)) and vals["invoice_date"]:
                    vals["date"] = vals["invoice_date"]
        return vals

    def after_create(self, ids: list[int]) -> None:
        self.recompute(ids)

    def after_write(self, ids: list[int], names: set[str]) -> None:
        self.recompute(ids)

    def recompute(self, ids: list[int]) -> None:
        busy = _busy(self)
        for rid in ids:
            if rid in busy or not self.store.exists(self.name, rid):
                continue
            busy.add(rid)
            try:
                self._recompute_one(rid)
            finally:
                busy.discard(rid)

    def _recompute_one(self, rid: int) -> None:
        row = self.row(rid)
        move_type = self.move_type(rid)
        partners = self.env.sudo()["res.partner"]
        values: dict[str, Any] = {}
        partner = row.get("partner_id")
        values["commercial_partner_id"] = (
            partners.get(partner, "commercial_partner_id") or partner if partner else None
        )
        if is_invoice(move_type) and row.get("state") == "draft":
            self._sync_dynamic_lines(rid, values["commercial_partner_id"])
        else:
            self._sync_entry_lines(rid)
        values.update(self._totals(rid))
        values["invoice_partner_display_name"] = partners.display_name(partner) if partner else None
        name = str(row.get("name") or "/")
        prefix, number = _split_name(name)
        values["sequence_prefix"] = prefix
        values["sequence_number"] = number
        self.set_values(rid, values)
        self.set_values(rid, {"payment_state": self.compute_payment_state(rid)})

    # ---- dynamic lines ---------------------------------------------------------------------

    def _line_amounts(self, rid: int, amount_currency: float) -> dict[str, Any]:
        rate = self.rate(rid)
        balance = round_money(amount_currency / rate, 0.01) if rate != 1.0 else amount_currency
        return {
            "amount_currency": amount_currency,
            "balance": balance,
            "debit": balance if balance > 0 else 0.0,
            "credit": -balance if balance < 0 else 0.0,
        }

    def _sync_entry_lines(self, rid: int) -> None:
        """Non-invoices (and posted invoices): keep debit/credit/balance consistent."""
        lines = self.env.sudo()["account.move.line"]
        for lid in self.lines(rid):
            line = lines.row(lid)
            balance = float(line.get("balance") or 0.0)
            values = {
                "debit": balance if balance > 0 else 0.0,
                "credit": -balance if balance < 0 else 0.0,
            }
            lines.set_values(lid, values, touch=False)

    def _sync_dynamic_lines(self, rid: int, commercial_partner: int | None) -> None:
        env = self.env
        sudo_lines = env.sudo()["account.move.line"]
        row = self.row(rid)
        move_type = self.move_type(rid)
        sign = direction_sign(move_type)
        rounding = self.currency_rounding(rid)
        refund = move_type in REFUND_TYPES
        # product lines
        tax_totals: dict[tuple[int, int | None, int | None], list[float]] = {}
        product_total = 0.0
        for lid in self.lines(rid, "product"):
            line = sudo_lines.row(lid)
            result = compute_line(
                env,
                list(line.get("tax_ids") or []),
                float(line.get("price_unit") or 0.0),
                float(line.get("quantity") or 0.0),
                float(line.get("discount") or 0.0),
                rounding,
            )
            values = {
                "price_subtotal": result.subtotal,
                "price_total": result.total,
                "currency_id": row.get("currency_id"),
                "partner_id": commercial_partner,
                **self._line_amounts(rid, sign * result.subtotal),
            }
            sudo_lines.set_values(lid, values)
            product_total += sign * result.subtotal
            for tax in result.taxes:
                account, repartition = tax_account(env, tax.tax_id, refund=refund)
                key = (tax.tax_id, account, repartition)
                bucket = tax_totals.setdefault(key, [0.0, 0.0])
                bucket[0] += tax.amount
                bucket[1] += tax.base
        for lid in self.lines(rid, "line_section", "line_note"):
            sudo_lines.set_values(
                lid, {"price_subtotal": 0.0, "price_total": 0.0, **self._line_amounts(rid, 0.0)}
            )
        # tax lines: one per (tax, account), zero amounts dropped
        existing = {
            (
                sudo_lines.row(lid).get("tax_line_id"),
                sudo_lines.row(lid).get("account_id"),
                sudo_lines.row(lid).get("tax_repartition_line_id"),
            ): lid
            for lid in self.lines(rid, "tax")
        }
        keep: set[int] = set()
        taxes = env.sudo()["account.tax"]
        tax_total = 0.0
        for (tax_id, account, repartition), (amount, base) in sorted(
            tax_totals.items(), key=lambda item: item[0][0]
        ):
            amount = round_money(amount, rounding)
            if is_zero(amount, rounding):
                continue
            tax_total += sign * amount
            values = {
                "name": taxes.row(tax_id).get("name"),
                "tax_line_id": tax_id,
                "account_id": account,
                "tax_repartition_line_id": repartition,
                "tax_base_amount": round_money(base, rounding),
                "partner_id": commercial_partner,
                "currency_id": row.get("currency_id"),
                "price_subtotal": 0.0,
                "price_total": 0.0,
                "quantity": 1.0,
                **self._line_amounts(rid, sign * amount),
            }
            lid_or_none = existing.get((tax_id, account, repartition))
            if lid_or_none is not None:
                sudo_lines.set_values(lid_or_none, values)
                keep.add(lid_or_none)
            else:
                keep.add(self._create_dynamic_line(rid, "tax", values))
        for lid in self.lines(rid, "tax"):
            if lid not in keep:
                sudo_lines.raw_unlink([lid])
        # payment term lines: the balance of everything else, per installment
        remaining = -(product_total + tax_total)
        has_lines = bool(self.lines(rid, "product"))
        installments = self._installments(rid, remaining, rounding) if has_lines else []
        account = self._term_account(rid, commercial_partner)
        current = self.lines(rid, "payment_term")
        due_dates = [d for d, _ in installments]
        for index, (due, amount) in enumerate(installments):
            values = {
                "name": row.get("payment_reference") or "",
                "account_id": account,
                "partner_id": commercial_partner,
                "currency_id": row.get("currency_id"),
                "date_maturity": due,
                "quantity": 1.0,
                "price_subtotal": 0.0,
                "price_total": 0.0,
                **self._line_amounts(rid, amount),
            }
            if index < len(current):
                sudo_lines.set_values(current[index], values)
            else:
                self._create_dynamic_line(rid, "payment_term", values)
        for lid in current[len(installments) :]:
            sudo_lines.raw_unlink([lid])
        self.set_values(rid, {"invoice_date_due": max(due_dates) if due_dates else None})
        sudo_lines.recompute(self.lines(rid))

    def _create_dynamic_line(self, rid: int, display_type: str, values: dict[str, Any]) -> int:
        env = self.env.sudo()
        lines = env["account.move.line"]
        lid = env.store.next_id("account.move.line")
        row: dict[str, Any] = {"id": lid}
        for field in lines.spec.stored_fields():
            row[field.name] = empty_value(field)
        row.update(values)
        row.update(
            move_id=rid,
            display_type=display_type,
            sequence=10000 if display_type == "payment_term" else 9000,
            create_uid=self.env.uid,
            create_date=self.env.now,
            write_uid=self.env.uid,
            write_date=self.env.now,
        )
        env.store.insert("account.move.line", row)
        return lid

    def _term_account(self, rid: int, partner: int | None) -> int | None:
        row = self.row(rid)
        company = row.get("company_id")
        assert company is not None
        field = (
            "property_account_receivable_id"
            if self.move_type(rid) in SALE_TYPES
            else "property_account_payable_id"
        )
        partners = self.env.sudo().with_company(company)["res.partner"]
        if partner:
            account = partners.get(partner, field)
            if account:
                return int(account)
        default = self.env.registry.property_default("res.partner", field, company)
        return int(default) if default else None

    def _installments(self, rid: int, total: float, rounding: float) -> list[tuple[date, float]]:
        row = self.row(rid)
        start: date = row.get("invoice_date") or row.get("date") or self.env.today
        term = row.get("invoice_payment_term_id")
        if not term:
            due: date = row.get("invoice_date_due") or start
            if row.get("invoice_date") and due < start:
                due = start
            return [(due, round_money(total, rounding))]
        term_lines = self.env.sudo()["account.payment.term.line"]
        lines = [
            term_lines.row(lid)
            for lid in sorted(term_lines.search_ids([("payment_id", "=", term)], active_test=False))
        ]
        if not lines:
            return [(start, round_money(total, rounding))]
        result: list[tuple[date, float]] = []
        left = total
        for index, line in enumerate(lines):
            due = self._term_due(start, line)
            value = line.get("value")
            if index == len(lines) - 1 or value == "balance":
                amount = left
            elif value == "percent":
                amount = round_money(
                    total * float(line.get("value_amount") or 0.0) / 100.0, rounding
                )
            else:
                amount = round_money(
                    float(line.get("value_amount") or 0.0) * (1 if total >= 0 else -1), rounding
                )
            left = round_money(left - amount, rounding)
            result.append((due, round_money(amount, rounding)))
        return result

    def _term_due(self, start: date, line: dict[str, Any]) -> date:
        if self.version <= 16:
            due = add_months(start, int(line.get("months") or 0))
            if line.get("end_month"):
                due = end_of_month(due) + timedelta(days=int(line.get("days_after") or 0))
            return due + timedelta(days=int(line.get("days") or 0))
        days = int(line.get("nb_days") or 0)
        kind = line.get("delay_type") or "days_after"
        if kind == "days_after_end_of_month":
            return end_of_month(start) + timedelta(days=days)
        if kind == "days_after_end_of_next_month":
            return end_of_month(add_months(start, 1)) + timedelta(days=days)
        if kind == "days_end_of_month_on_the":
            base = end_of_month(start + timedelta(days=days)) + timedelta(days=1)
            day = int(str(line.get("days_next_month") or "10") or 10)
            return base.replace(day=min(day, calendar.monthrange(base.year, base.month)[1]))
        return start + timedelta(days=days)

    # ---- totals and payment state ------------------------------------------------------------

    def _totals(self, rid: int) -> dict[str, Any]:
        lines = self.env.sudo()["account.move.line"]
        move_type = self.move_type(rid)
        invoice = is_invoice(move_type)
        untaxed = untaxed_cur = tax = tax_cur = total = total_cur = 0.0
        residual = residual_cur = 0.0
        for lid in self.lines(rid):
            line = lines.row(lid)
            kind = line.get("display_type")
            balance = float(line.get("balance") or 0.0)
            amount_cur = float(line.get("amount_currency") or 0.0)
            if invoice:
                if kind == "tax":
                    tax += balance
                    tax_cur += amount_cur
                    total += balance
                    total_cur += amount_cur
                elif kind in ("product", "rounding"):
                    untaxed += balance
                    untaxed_cur += amount_cur
                    total += balance
                    total_cur += amount_cur
                elif kind == "payment_term":
                    residual += float(line.get("amount_residual") or 0.0)
                    residual_cur += float(line.get("amount_residual_currency") or 0.0)
            else:
                if balance > 0:
                    total += balance
                    total_cur += amount_cur
                account = line.get("account_id")
                if account and self._reconcilable(account):
                    residual += float(line.get("amount_residual") or 0.0)
                    residual_cur += float(line.get("amount_residual_currency") or 0.0)
        sign = direction_sign(move_type)
        r = 0.01

        def m(value: float) -> float:
            return round_money(value, r) + 0.0

        amount_total = m(sign * total_cur) if invoice else m(abs(total_cur))
        return {
            "amount_untaxed": m(sign * untaxed_cur),
            "amount_tax": m(sign * tax_cur),
            "amount_total": amount_total,
            "amount_residual": m(-sign * residual_cur) if invoice else m(abs(residual_cur)),
            "amount_untaxed_signed": m(-untaxed),
            "amount_tax_signed": m(-tax),
            "amount_total_signed": m(abs(total)) if move_type == "entry" else m(-total),
            "amount_residual_signed": m(residual),
            "amount_total_in_currency_signed": amount_total
            if move_type == "entry"
            else m(-(sign * amount_total)),
        }

    def _reconcilable(self, account: int) -> bool:
        return bool(self.env.sudo()["account.account"].row(account).get("reconcile"))

    def compute_payment_state(self, rid: int) -> str:
        row = self.row(rid)
        move_type = self.move_type(rid)
        if row.get("state") != "posted" or not is_invoice(move_type):
            return "not_paid"
        rounding = self.currency_rounding(rid)
        residual = float(row.get("amount_residual") or 0.0)
        total = float(row.get("amount_total") or 0.0)
        if is_zero(residual, rounding):
            counterparts = self.counterpart_moves(rid)
            invoice_types = {
                self.move_type(c) for c in counterparts if is_invoice(self.move_type(c))
            }
            if (
                move_type in ("out_invoice", "out_receipt") and invoice_types == {"out_refund"}
            ) or (move_type in ("in_invoice", "in_receipt") and invoice_types == {"in_refund"}):
                return "reversed"
            payments = self.reconciled_payments(rid)
            payment_model = self.env.sudo()["account.payment"]
            if payments and not all(payment_model.get(p, "is_matched") for p in payments):
                return "in_payment"
            return "paid"
        if not is_zero(residual - total, rounding):
            return "partial"
        return "not_paid"

    def counterpart_lines(self, rid: int) -> list[int]:
        """Items of other entries reconciled with this entry's receivable/payable items."""
        partials = self.env.sudo()["account.partial.reconcile"]
        mine = set(self.lines(rid))
        out: list[int] = []
        for prow in partials.rows().values():
            debit, credit = prow["debit_move_id"], prow["credit_move_id"]
            if debit in mine and credit not in mine:
                out.append(int(credit))
            elif credit in mine and debit not in mine:
                out.append(int(debit))
        return out

    def counterpart_moves(self, rid: int) -> list[int]:
        lines = self.store.rows("account.move.line")
        return list(
            dict.fromkeys(
                lines[lid]["move_id"] for lid in self.counterpart_lines(rid) if lid in lines
            )
        )

    def move_payment(self, rid: int) -> int | None:
        value = self.row(rid).get("payment_id" if self.version <= 17 else "origin_payment_id")
        return int(value) if value else None

    def reconciled_payments(self, rid: int) -> list[int]:
        payments = [self.move_payment(m) for m in self.counterpart_moves(rid)]
        return [p for p in payments if p]

    # ---- posting ------------------------------------------------------------------------------

    def post(self, ids: list[int]) -> None:
        """``_post(soft=False)``: Odoo's checks in Odoo's order, then numbering."""
        for rid in ids:
            row = self.row(rid)
            move_type = self.move_type(rid)
            if is_invoice(move_type):
                if not row.get("partner_id"):
                    if move_type in SALE_TYPES:
                        raise UserError(
                            "The field 'Customer' is required, please complete it to validate "
                            "the Customer Invoice."
                        )
                    raise UserError(
                        "The field 'Vendor' is required, please complete it to validate the "
                        "Vendor Bill."
                    )
                if not row.get("invoice_date") and row.get("state") == "draft":
                    if move_type in SALE_TYPES:
                        self.write_records([rid], {"invoice_date": self.env.today})
                    else:
                        raise UserError(
                            "The Bill/Refund date is required to validate this document."
                        )
                if self.version <= 16 and self._duplicate_bills(rid, ids):
                    raise RedirectWarning(
                        f"Vendor reference {row.get('ref')!r} of this vendor and date is already "
                        "on another posted bill: probably the same bill entered twice."
                    )
        for rid in ids:
            row = self.row(rid)
            if row.get("state") in ("posted", "cancel"):
                raise UserError(f"The entry {row.get('name')} (id {rid}) must be in draft.")
            lines = self.env.sudo()["account.move.line"]
            if not [
                lid
                for lid in self.lines(rid)
                if lines.row(lid).get("display_type") not in ("line_section", "line_note")
            ]:
                raise UserError("You need to add a line before posting.")
            journal = self.env.sudo()["account.journal"].row(row["journal_id"])
            if not journal.get("active", True):
                raise UserError(
                    f"You cannot post an entry in an archived journal ({journal.get('name')})"
                )
            move_type = self.move_type(rid)
            if is_invoice(move_type) and float(row.get("amount_total") or 0.0) < 0:
                raise UserError(
                    "You cannot validate an invoice with a negative total amount. You should "
                    "create a credit note instead. Use the action menu to transform it into a "
                    "credit note or refund."
                )
            self._check_balanced(rid)
            for lid in self.lines(rid):
                line = lines.row(lid)
                if line.get("display_type") not in ("line_section", "line_note") and not line.get(
                    "account_id"
                ):
                    raise UserError(
                        "The account is missing on a journal item. Set an income account on the "
                        "product or a default account on the journal."
                    )
        for rid in ids:
            row = self.row(rid)
            values: dict[str, Any] = {"state": "posted", "posted_before": True}
            if not row.get("name") or row.get("name") == "/":
                journal = self.env.sudo()["account.journal"].row(row["journal_id"])
                move_type = self.move_type(rid)
                prefix = move_prefix(
                    str(journal.get("code")),
                    str(journal.get("type")),
                    row.get("date") or self.env.today,
                    refund=move_type in REFUND_TYPES and bool(journal.get("refund_sequence")),
                    payment=bool(self.move_payment(rid)) and bool(journal.get("payment_sequence")),
                )
                values["name"], _ = next_move_name(self.env, row["journal_id"], prefix, exclude=rid)
            self.set_values(rid, values)
            row = self.row(rid)
            if self.move_type(rid) in SALE_TYPES and not row.get("payment_reference"):
                reference = self._invoice_reference(rid)
                if reference:
                    self.set_values(rid, {"payment_reference": reference})
                    # the receivable items carry the reference as their label
                    lines = self.env.sudo()["account.move.line"]
                    for lid in self.lines(rid, "payment_term"):
                        lines.set_values(lid, {"name": reference})
        self.env.sudo()["account.move.line"].recompute(
            [lid for rid in ids for lid in self.lines(rid)]
        )
        self.recompute(ids)

    def _duplicate_bills(self, rid: int, batch: list[int]) -> list[int]:
        """16.0's ``_check_duplicate_supplier_reference``, checked when posting (17 only warns):
        other bills, posted or posted with this one, of the same type, company, commercial
        partner, vendor reference and bill date."""
        row = self.row(rid)
        if row.get("move_type") not in ("in_invoice", "in_refund") or not row.get("ref"):
            return []

        def key(values: dict[str, Any]) -> tuple[Any, ...]:
            partner = values.get("commercial_partner_id") or values.get("partner_id")
            return (values.get("ref"), values.get("move_type"), values.get("company_id"), partner)

        return [
            other
            for other, values in self.rows().items()
            if other != rid
            and (values.get("state") == "posted" or other in batch)
            and key(values) == key(row)
            and (not row.get("invoice_date") or values.get("invoice_date") == row["invoice_date"])
        ]

    def _check_balanced(self, rid: int) -> None:
        lines = self.env.sudo()["account.move.line"]
        debit = credit = 0.0
        for lid in self.lines(rid):
            line = lines.row(lid)
            debit += float(line.get("debit") or 0.0)
            credit += float(line.get("credit") or 0.0)
        if not is_zero(debit - credit):
            raise UserError(
                "The move is not balanced.\n"
                f"The total of debits equals {round_money(debit):.2f} and the total of credits "
                f"equals {round_money(credit):.2f}."
            )

    def _invoice_reference(self, rid: int) -> str | None:
        row = self.row(rid)
        journal = self.env.sudo()["account.journal"].row(row["journal_id"])
        kind = journal.get("invoice_reference_type") or "invoice"
        model = journal.get("invoice_reference_model") or "odoo"
        name = str(row.get("name") or "")
        if kind == "none":
            return None
        if kind == "partner":
            partner = row.get("commercial_partner_id") or row.get("partner_id") or 0
            base = str(partner)
        else:
            base = "".join(ch for ch in name if ch.isdigit())
        if model in ("fi", "fi_rf") and base:
            national = finnish_reference(int(base))
            return national if model == "fi" else rf_reference(national)
        if kind == "partner":
            return f"CUST/{base}"
        return name

    # ---- public methods ------------------------------------------------------------------------

    @rpc("records")
    def action_post(self, ids: list[int]) -> bool:
        ids = self.check_access(ids, "write")
        payments = [rid for rid in ids if self.move_payment(rid) and self.version <= 17]
        others = [rid for rid in ids if rid not in payments]
        if payments:
            self.env["account.payment"].post_payments(  # type: ignore[attr-defined]
                [p for p in (self.move_payment(rid) for rid in payments) if p]
            )
        if others:
            self.post(others)
        return False

    @rpc("records")
    def button_draft(self, ids: list[int]) -> None:
        ids = self.check_access(ids, "write")
        for rid in ids:
            if self.version >= 17 and self.row(rid).get("state") not in ("posted", "cancel"):
                raise UserError("Only posted/cancelled journal entries can be reset to draft.")
        for rid in ids:
            remove_reconciliation(self.env, self.lines(rid))
            self.set_values(rid, {"state": "draft", "is_move_sent": False})
        self.recompute(ids)
        return None

    @rpc("records")
    def button_cancel(self, ids: list[int]) -> None:
        ids = self.check_access(ids, "write")
        posted = [rid for rid in ids if self.row(rid).get("state") == "posted"]
        if posted:
            self.button_draft(posted)
        for rid in ids:
            if self.row(rid).get("state") != "draft":
                raise UserError("Only draft journal entries can be cancelled.")
        for rid in ids:
            self.set_values(rid, {"state": "cancel", "auto_post": "no"})
        self.recompute(ids)
        return None

    @rpc("records")
    def action_register_payment(self, ids: list[int]) -> dict[str, Any]:
        ids = self.check_access(ids, "read")
        return {
            "name": "Register Payment",
            "res_model": "account.payment.register",
            "view_mode": "form",
            "views": [[False, "form"]],
            "context": {"active_model": "account.move", "active_ids": ids},
            "target": "new",
            "type": "ir.actions.act_window",
        }

    @rpc("records")
    def action_reverse(self, ids: list[int]) -> dict[str, Any]:
        ids = self.check_access(ids, "read")
        name = "Credit Note" if ids and is_invoice(self.move_type(ids[0])) else "Reverse"
        return {
            "name": name,
            "type": "ir.actions.act_window",
            "res_model": "account.move.reversal",
            "view_mode": "form",
            "target": "new",
            "context": {"active_model": "account.move", "active_ids": ids},
        }

    @rpc("records", until=17)
    def action_invoice_sent(self, ids: list[int]) -> dict[str, Any]:
        ids = self.check_access(ids, "write")
        for rid in ids:
            self.set_values(rid, {"is_move_sent": True})
        return {
            "name": "Send Invoice",
            "type": "ir.actions.act_window",
            "res_model": "account.move.send" if self.version >= 17 else "account.invoice.send",
            "view_mode": "form",
            "target": "new",
            "context": {"active_model": "account.move", "active_ids": ids},
        }

    # ---- deletion ------------------------------------------------------------------------------

    def check_unlink(self, ids: list[int]) -> None:
        for rid in ids:
            row = self.row(rid)
            if row.get("state") == "posted":
                raise UserError("You cannot delete an item linked to a posted entry.")
            name = str(row.get("name") or "/")
            if name != "/" and row.get("posted_before"):
                prefix, number = _split_name(name)
                later = [
                    other
                    for other, orow in self.rows().items()
                    if other != rid
                    and orow.get("journal_id") == row.get("journal_id")
                    and _split_name(str(orow.get("name") or "/"))[0] == prefix
                    and (_split_name(str(orow.get("name") or "/"))[1] or 0) > (number or 0)
                ]
                if later:
                    raise UserError(
                        "You cannot delete this entry, as it has already consumed a sequence "
                        "number and is not the last one in the chain. You should probably revert "
                        "it instead."
                    )

    def copy_values(self, rid: int, default: dict[str, Any]) -> dict[str, Any]:
        row = self.row(rid)
        vals: dict[str, Any] = {
            "move_type": row.get("move_type"),
            "partner_id": row.get("partner_id") or False,
            "journal_id": row.get("journal_id"),
            "currency_id": row.get("currency_id"),
            "company_id": row.get("company_id"),
            "fiscal_position_id": row.get("fiscal_position_id") or False,
            "invoice_payment_term_id": row.get("invoice_payment_term_id") or False,
            "ref": row.get("ref") or False,
            "narration": row.get("narration") or False,
        }
        lines = self.env["account.move.line"]
        if is_invoice(self.move_type(rid)):
            vals["invoice_line_ids"] = [
                (0, 0, lines.copy_values(lid, {}))
                for lid in lines.sort(self.lines(rid, *USER_LINE_TYPES), None)
            ]
        else:
            vals["line_ids"] = [
                (0, 0, lines.copy_values(lid, {})) for lid in lines.sort(self.lines(rid), None)
            ]
        vals.update(default)
        return vals


def _split_name(name: str) -> tuple[str | None, int | None]:
    digits = ""
    for ch in reversed(name):
        if ch.isdigit():
            digits = ch + digits
        else:
            break
    if not digits or name == "/":
        return None, None
    return name[: len(name) - len(digits)], int(digits)


def tax_account(env: Any, tax_id: int, *, refund: bool) -> tuple[int | None, int | None]:
    """The account (and repartition line) tax amounts of this tax are booked on."""
    sudo = env.sudo()
    reps = sudo["account.tax.repartition.line"]
    domain: list[Any]
    if env.version <= 16:
        domain = [("refund_tax_id" if refund else "invoice_tax_id", "=", tax_id)]
    else:
        domain = [
            ("tax_id", "=", tax_id),
            ("document_type", "=", "refund" if refund else "invoice"),
        ]
    for rid in reps.search_ids([*domain, ("repartition_type", "=", "tax")]):
        row = reps.row(rid)
        return row.get("account_id"), rid
    return None, None


@model_class("account.move.line")
class AccountMoveLine(Model):
    odoo_class = "AccountMoveLine"

    def compute_display_name(self, rid: int) -> str:
        row = self.row(rid)
        move_name = self.env.sudo()["account.move"].row(row["move_id"]).get("name") or ""
        label = row.get("name") or (
            self.env.sudo()["product.product"].display_name(row["product_id"])
            if row.get("product_id")
            else ""
        )
        return f"{move_name} {label}".strip() if move_name != "/" else str(label)

    def prepare_create(self, vals: dict[str, Any]) -> dict[str, Any]:
        sudo = self.env.sudo()
        move_id = vals.get("move_id")
        if not move_id or not self.store.exists("account.move", move_id):
            return vals
        move = sudo["account.move"].row(move_id)
        if move.get("state") == "posted" and not self.env.context.get("dynamic_lines"):
            raise UserError(
                "You cannot modify the following fields of a posted journal entry: line_ids. "
                "Reset it to draft first."
            )
        move_type = move.get("move_type") or "entry"
        vals.setdefault("currency_id", move.get("currency_id"))
        if vals.get("display_type") in ("line_section", "line_note"):
            vals.setdefault("account_id", False)
            return vals
        product = vals.get("product_id")
        company = move["company_id"]
        if product and self.store.exists("product.product", product):
            products = sudo.with_company(company)["product.product"]
            purchase = move_type in PURCHASE_TYPES
            if not vals.get("name"):
                description = products.get(
                    product, "description_purchase" if purchase else "description_sale"
                )
                name = products.display_name(product)
                vals["name"] = f"{name}\n{description}" if description else name
            if "product_uom_id" not in vals:
                vals["product_uom_id"] = products.get(product, "uom_id")
            if "price_unit" not in vals:
                vals["price_unit"] = float(
                    products.get(product, "standard_price" if purchase else "lst_price") or 0.0
                )
            if "tax_ids" not in vals and move_type in INVOICE_TYPES:
                own = products.get(product, "supplier_taxes_id" if purchase else "taxes_id") or []
                own = [t for t in own if sudo["account.tax"].row(t).get("company_id") == company]
                mapped = map_taxes(self.env, move.get("fiscal_position_id"), own)
                vals["tax_ids"] = [(6, 0, mapped)]
            if not vals.get("account_id"):
                vals["account_id"] = self._product_account(product, company, purchase) or False
        if not vals.get("account_id") and move_type in INVOICE_TYPES:
            journal = sudo["account.journal"].row(move["journal_id"])
            vals["account_id"] = journal.get("default_account_id") or False
        if move_type not in INVOICE_TYPES or vals.get("display_type") != "product":
            if "balance" not in vals and ("debit" in vals or "credit" in vals):
                vals["balance"] = float(vals.get("debit") or 0.0) - float(vals.get("credit") or 0.0)
            if "amount_currency" not in vals and "balance" in vals:
                vals["amount_currency"] = vals["balance"]
        if move.get("partner_id") and "partner_id" not in vals:
            vals["partner_id"] = move.get("commercial_partner_id") or move.get("partner_id")
        return vals

    def _product_account(self, product: int, company: int, purchase: bool) -> int | None:
        sudo = self.env.sudo().with_company(company)
        products = sudo["product.product"]
        own = products.get(
            product, "property_account_expense_id" if purchase else "property_account_income_id"
        )
        if own:
            return int(own)
        category = products.get(product, "categ_id")
        if category:
            account = sudo["product.category"].get(
                category,
                "property_account_expense_categ_id"
                if purchase
                else "property_account_income_categ_id",
            )
            if account:
                return int(account)
        return None

    def prepare_write(self, ids: list[int], vals: dict[str, Any]) -> dict[str, Any]:
        moves = self.env.sudo()["account.move"]
        if not self.env.context.get("dynamic_lines"):
            for lid in ids:
                move = moves.row(self.row(lid)["move_id"])
                if move.get("state") == "posted":
                    locked = sorted(POSTED_LINE_LOCKED & set(vals))
                    if locked:
                        raise UserError(
                            "You cannot modify the following fields of a posted journal item: "
                            f"{', '.join(locked)}. Reset the journal entry to draft first."
                        )
        if "balance" not in vals and ("debit" in vals or "credit" in vals):
            for lid in ids:
                row = self.row(lid)
                debit = float(vals.get("debit", row.get("debit")) or 0.0)
                credit = float(vals.get("credit", row.get("credit")) or 0.0)
                vals["balance"] = debit - credit
                if "amount_currency" not in vals:
                    vals["amount_currency"] = vals["balance"]
        return vals

    def after_create(self, ids: list[int]) -> None:
        self.recompute(ids)
        moves = {self.row(lid)["move_id"] for lid in ids if self.store.exists(self.name, lid)}
        self.env.sudo()["account.move"].recompute(sorted(moves))

    def after_write(self, ids: list[int], names: set[str]) -> None:
        moves = {self.row(lid)["move_id"] for lid in ids if self.store.exists(self.name, lid)}
        self.recompute(ids)
        self.env.sudo()["account.move"].recompute(sorted(moves))

    def check_unlink(self, ids: list[int]) -> None:
        moves = self.env.sudo()["account.move"]
        if self.env.context.get("force_delete") or self.env.context.get("dynamic_lines"):
            return
        for lid in ids:
            if moves.row(self.row(lid)["move_id"]).get("state") == "posted":
                raise UserError("You cannot delete an item linked to a posted entry.")

    def before_unlink(self, ids: list[int]) -> Any:
        return sorted({self.row(lid)["move_id"] for lid in ids})

    def after_unlink(self, ids: list[int], token: Any) -> None:
        self.env.sudo()["account.move"].recompute(
            [m for m in token if self.store.exists("account.move", m)]
        )

    def recompute(self, ids: list[int]) -> None:
        """Residual amounts from partial reconciliations; price fields of entry lines."""
        partials = self.store.rows("account.partial.reconcile")
        accounts = self.env.sudo()["account.account"]
        for lid in ids:
            if not self.store.exists(self.name, lid):
                continue
            row = self.row(lid)
            account = int(row.get("account_id") or 0)
            reconcilable = bool(account) and (
                bool(accounts.row(account).get("reconcile"))
                or accounts.row(account).get("account_type")
                in ("asset_cash", "liability_credit_card")
            )
            values: dict[str, Any] = {}
            if reconcilable:
                balance = float(row.get("balance") or 0.0)
                amount_currency = float(row.get("amount_currency") or 0.0)
                for prow in partials.values():
                    if prow.get("debit_move_id") == lid:
                        balance -= float(prow.get("amount") or 0.0)
                        amount_currency -= float(prow.get("debit_amount_currency") or 0.0)
                    if prow.get("credit_move_id") == lid:
                        balance += float(prow.get("amount") or 0.0)
                        amount_currency += float(prow.get("credit_amount_currency") or 0.0)
                values["amount_residual"] = round_money(balance) + 0.0
                values["amount_residual_currency"] = round_money(amount_currency) + 0.0
                values["reconciled"] = is_zero(balance) and is_zero(amount_currency)
            else:
                values.update(amount_residual=0.0, amount_residual_currency=0.0, reconciled=False)
            self.set_values(lid, values, touch=False)


# ---- reconciliation -------------------------------------------------------------------------


def reconcile(env: Any, debit_line: int, credit_line: int) -> int | None:
    """Match a debit item with a credit item for as much as both allow (in the items' currency
    when they share one); returns the partial reconcile made, None when nothing was left."""
    sudo = env.sudo()
    lines = sudo["account.move.line"]
    lines.recompute([debit_line, credit_line])
    debit_row, credit_row = lines.row(debit_line), lines.row(credit_line)
    d_res = float(debit_row.get("amount_residual") or 0.0)
    c_res = -float(credit_row.get("amount_residual") or 0.0)
    d_cur = float(debit_row.get("amount_residual_currency") or 0.0)
    c_cur = -float(credit_row.get("amount_residual_currency") or 0.0)

    def portion(total: float, total_other: float, part_other: float) -> float:
        if is_zero(total_other):
            return total
        return round_money(total * part_other / total_other)

    if debit_row.get("currency_id") == credit_row.get("currency_id"):
        debit_cur = credit_cur = round_money(min(d_cur, c_cur))
        if debit_cur <= 0:
            return None
        d_amount = d_res if is_zero(debit_cur - d_cur) else portion(d_res, d_cur, debit_cur)
        c_amount = c_res if is_zero(credit_cur - c_cur) else portion(c_res, c_cur, credit_cur)
        available = round_money(min(d_amount, c_amount))
    else:
        available = round_money(min(d_res, c_res))
        if available <= 0:
            return None
        debit_cur = portion(d_cur, d_res, available)
        credit_cur = portion(c_cur, c_res, available)
    moves = sudo["account.move"]
    dates = [
        moves.row(debit_row["move_id"]).get("date"),
        moves.row(credit_row["move_id"]).get("date"),
    ]
    partial = sudo["account.partial.reconcile"].create_records(
        [
            {
                "debit_move_id": debit_line,
                "credit_move_id": credit_line,
                "amount": available,
                "debit_amount_currency": debit_cur,
                "credit_amount_currency": credit_cur,
                "company_id": moves.row(debit_row["move_id"]).get("company_id"),
                "max_date": max(d for d in dates if d) if any(dates) else False,
            }
        ]
    )[0]
    lines.recompute([debit_line, credit_line])
    moves.recompute([debit_row["move_id"], credit_row["move_id"]])
    return int(partial)


def remove_reconciliation(env: Any, line_ids: list[int]) -> None:
    """``remove_move_reconcile``: drop every partial touching these items."""
    sudo = env.sudo()
    partials = sudo["account.partial.reconcile"]
    doomed = set(line_ids)
    touched: set[int] = set()
    for pid, prow in list(partials.rows().items()):
        if prow.get("debit_move_id") in doomed or prow.get("credit_move_id") in doomed:
            touched.update((prow["debit_move_id"], prow["credit_move_id"]))
            partials.raw_unlink([pid])
    if not touched:
        return
    lines = sudo["account.move.line"]
    lines.recompute(sorted(touched))
    moves = sorted(
        {lines.row(lid)["move_id"] for lid in touched if lines.store.exists(lines.name, lid)}
    )
    sudo["account.move"].recompute(moves)
    payments = sudo["account.payment"]
    for mid in moves:
        payment = sudo["account.move"].move_payment(mid)
        if payment:
            payments.recompute([payment])


@model_class("account.account")
class AccountAccount(Model):
    odoo_class = "AccountAccount"

    def compute_display_name(self, rid: int) -> str:
        row = self.row(rid)
        return f"{row.get('code') or ''} {row.get('name') or ''}".strip()

    def name_match_ids(self, operator: str, value: Any) -> set[int]:
        from . import domain as D

        if operator in D.NEGATIVE_OPERATORS:
            return set(self.store.ids(self.name)) - self.name_match_ids(D.NEGATION[operator], value)
        if isinstance(value, str) and operator in ("ilike", "like"):
            domain: list[Any] = ["|", ("code", "=like", f"{value}%"), ("name", operator, value)]
        else:
            domain = ["|", ("code", operator, value), ("name", operator, value)]
        return D.evaluate(self.env, self.name, domain, active_test=False)


# ---- reversal wizard ------------------------------------------------------------------------


@model_class("account.partial.reconcile")
class AccountPartialReconcile(Model):
    odoo_class = "AccountPartialReconcile"

    def compute_display_name(self, rid: int) -> str:
        return f"account.partial.reconcile,{rid}"


@model_class("account.move.reversal")
class AccountMoveReversal(Model):
    odoo_class = "AccountMoveReversal"

    def prepare_create(self, vals: dict[str, Any]) -> dict[str, Any]:
        context = self.env.context
        if not vals.get("move_ids"):
            if context.get("active_model") == "account.move" and context.get("active_ids"):
                move_ids = normalize_ids(context["active_ids"])
            else:
                move_ids = []
            vals["move_ids"] = [(6, 0, move_ids)]
        else:
            move_ids = _ids_of_commands(vals["move_ids"])
        moves = self.env["account.move"]
        move_ids = moves.check_access(move_ids, "read")
        if any(moves.row(m).get("state") != "posted" for m in move_ids):
            raise UserError("You can only reverse posted moves.")
        if move_ids:
            first = moves.row(move_ids[0])
            vals.setdefault("company_id", first.get("company_id"))
            vals.setdefault("currency_id", first.get("currency_id"))
            if not vals.get("journal_id"):
                vals["journal_id"] = first.get("journal_id")
            if self.version <= 16 and "refund_method" not in vals:
                vals["refund_method"] = (
                    "cancel" if len(move_ids) > 1 or first.get("move_type") == "entry" else "refund"
                )
        return vals

    def get_move_type(self, rid: int) -> Any:
        moves = self.env.sudo()["account.move"]
        ids = self.row(rid).get("move_ids") or []
        return moves.row(ids[0]).get("move_type") if len(ids) == 1 else "entry"

    def get_residual(self, rid: int) -> float:
        moves = self.env.sudo()["account.move"]
        ids = self.row(rid).get("move_ids") or []
        return float(moves.row(ids[0]).get("amount_residual") or 0.0) if len(ids) == 1 else 0.0

    def _reverse(self, rid: int, *, cancel: bool, modify: bool) -> dict[str, Any]:
        env = self.env
        wizard = self.row(rid)
        moves = env["account.move"]
        move_ids = moves.check_access(list(wizard.get("move_ids") or []), "read")
        if any(moves.row(m).get("state") != "posted" for m in move_ids):
            raise UserError("You can only reverse posted moves.")
        new_ids: list[int] = []
        redirect: list[int] = []
        for move_id in move_ids:
            move = moves.row(move_id)
            when: date = wizard.get("date") or env.today
            if self.version <= 16 and wizard.get("date_mode") == "entry":
                when = move["date"]
            reason = wizard.get("reason")
            ref = (
                f"Reversal of: {move.get('name')}, {reason}"
                if reason
                else f"Reversal of: {move.get('name')}"
            )
            default = {
                "move_type": REVERSE_TYPE[str(move.get("move_type") or "entry")],
                "ref": ref,
                "date": when,
                "invoice_date": when if is_invoice(move.get("move_type")) else False,
                "journal_id": wizard.get("journal_id") or move.get("journal_id"),
                "invoice_payment_term_id": False,
                "reversed_entry_id": move_id,
                "auto_post": "no",
                "payment_reference": False,
            }
            vals = moves.copy_values(move_id, default)
            if not is_invoice(move.get("move_type")):
                for command in vals.get("line_ids", []):
                    line_vals = command[2]
                    for key in ("balance", "amount_currency"):
                        if key in line_vals:
                            line_vals[key] = -float(line_vals[key] or 0.0)
                    line_vals["debit"], line_vals["credit"] = (
                        line_vals.get("credit", 0.0),
                        line_vals.get("debit", 0.0),
                    )
            new_id = moves.create_records([vals])[0]
            new_ids.append(new_id)
            if cancel:
                moves.post([new_id])  # type: ignore[attr-defined]
                self._reconcile_pair(move_id, new_id)
            redirect.append(new_id)
            if modify:
                copy_vals = moves.copy_values(move_id, {"date": when, "invoice_date": when})
                redirect[-1] = moves.create_records([copy_vals])[0]
        self.write_records([rid], {"new_move_ids": [(6, 0, new_ids)]})
        action: dict[str, Any] = {
            "name": "Reverse Moves",
            "type": "ir.actions.act_window",
            "res_model": "account.move",
        }
        if len(redirect) == 1:
            action.update(
                view_mode="form",
                res_id=redirect[0],
                context={"default_move_type": moves.row(redirect[0]).get("move_type")},
            )
        else:
            action.update(
                view_mode="tree,form" if self.version <= 17 else "list,form",
                domain=[["id", "in", redirect]],
            )
        return action

    def _reconcile_pair(self, original: int, reversal: int) -> None:
        moves = self.env.sudo()["account.move"]
        lines = self.env.sudo()["account.move.line"]
        original_lines = [
            lid
            for lid in moves.lines(original)  # type: ignore[attr-defined]
            if moves._reconcilable(lines.row(lid).get("account_id") or 0)  # type: ignore[attr-defined]
            if lines.row(lid).get("account_id")
        ]
        reversal_lines = [
            lid
            for lid in moves.lines(reversal)  # type: ignore[attr-defined]
            if lines.row(lid).get("account_id")
            and moves._reconcilable(lines.row(lid)["account_id"])  # type: ignore[attr-defined]
        ]
        for a in original_lines:
            for b in reversal_lines:
                if lines.row(a).get("account_id") != lines.row(b).get("account_id"):
                    continue
                debit, credit = (a, b) if float(lines.row(a).get("balance") or 0) > 0 else (b, a)
                reconcile(self.env, debit, credit)

    @rpc("records", until=16, name="reverse_moves")
    def reverse_moves_v16(self, ids: list[int]) -> dict[str, Any]:
        rid = _one(self, ids)
        method = self.row(rid).get("refund_method") or "refund"
        return self._reverse(rid, cancel=method in ("cancel", "modify"), modify=method == "modify")

    @rpc("records", since=17)
    def reverse_moves(self, ids: list[int], is_modify: bool = False) -> dict[str, Any]:
        rid = _one(self, ids)
        entries = self.get_move_type(rid) == "entry"
        return self._reverse(rid, cancel=bool(is_modify) or entries, modify=bool(is_modify))

    @rpc("records", since=17)
    def refund_moves(self, ids: list[int]) -> dict[str, Any]:
        return self.reverse_moves(ids, is_modify=False)

    @rpc("records", since=17)
    def modify_moves(self, ids: list[int]) -> dict[str, Any]:
        return self.reverse_moves(ids, is_modify=True)


def _one(model: Model, ids: list[int]) -> int:
    ids = model.check_access(ids, "write")
    if len(ids) != 1:
        from .messages import recordset_repr

        raise ValidationError(f"Expected singleton: {recordset_repr(model.name, ids)}")
    return ids[0]


def _ids_of_commands(value: Any) -> list[int]:
    """The ids a many2many value sets (enough for wizards' ``(6, 0, ids)`` and links)."""
    if isinstance(value, list | tuple) and value and not isinstance(value[0], list | tuple):
        return normalize_ids(list(value))
    ids: list[int] = []
    for command in value or []:
        if isinstance(command, list | tuple) and command:
            if command[0] == 6 and len(command) > 2:
                ids = normalize_ids(command[2])
            elif command[0] == 4 and len(command) > 1:
                ids.extend(normalize_ids(command[1]))
    return ids
