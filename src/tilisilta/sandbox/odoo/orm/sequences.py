"""Numbering: ``ir.sequence`` codes (sale orders, purchase orders, pickings) and the journal
sequences of journal entries (``INV/2026/00001``, ``BILL/2026/03/0001``), which Odoo 16+ derives
from the last number used in the journal rather than from a counter."""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING

from ..exceptions import UserError

if TYPE_CHECKING:
    from .env import Env


def next_by_code(env: Env, code: str, company_id: int | None) -> str:
    """``ir.sequence.next_by_code``: the company's sequence first, else a shared one."""
    sequences = env.sudo()["ir.sequence"]
    candidates = [
        rid
        for rid, row in sequences.rows().items()
        if row.get("code") == code
        and row.get("active", True)
        and row.get("company_id") in (company_id, None)
    ]
    if not candidates:
        raise UserError(f"No ir.sequence has been found for code '{code}'.")
    candidates.sort(key=lambda rid: (sequences.row(rid).get("company_id") is None, rid))
    rid = candidates[0]
    row = sequences.row(rid)
    number = int(row.get("number_next") or 1)
    sequences.set_values(
        rid, {"number_next": number + int(row.get("number_increment") or 1)}, touch=False
    )
    prefix = str(row.get("prefix") or "")
    return f"{prefix}{number:0{int(row.get('padding') or 0)}d}"


def move_prefix(
    journal_code: str, journal_type: str, move_date: date, *, refund: bool, payment: bool
) -> str:
    """``_get_starting_sequence`` without its number: yearly for sale/bank/cash journals,
    monthly for the others; ``R`` for dedicated refund sequences, ``P`` for payments."""
    if journal_type in ("sale", "bank", "cash", "credit"):
        prefix = f"{journal_code}/{move_date.year:04d}/"
    else:
        prefix = f"{journal_code}/{move_date.year:04d}/{move_date.month:02d}/"
    if refund:
        prefix = "R" + prefix
    if payment:
        prefix = "P" + prefix
    return prefix


def next_move_name(
    env: Env, journal_id: int, prefix: str, *, exclude: int | None = None
) -> tuple[str, int]:
    """The next name with that prefix in the journal, and its sequence number."""
    moves = env.sudo()["account.move"]
    width = 5 if prefix.count("/") == 2 else 4
    pattern = re.compile(re.escape(prefix) + r"(\d+)$")
    last = 0
    for rid, row in moves.rows().items():
        if rid == exclude or row.get("journal_id") != journal_id:
            continue
        match = pattern.match(str(row.get("name") or ""))
        if match:
            last = max(last, int(match.group(1)))
    number = last + 1
    return f"{prefix}{number:0{width}d}", number
