"""Accounting by row, the pure part: the company's chart of accounts and dimensions as read,
and what stops a row's account or dimension items before anything is sent."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tilisilta.domain.documents import Invoice
from tilisilta.domain.validation import Problem, document_label


@dataclass(frozen=True)
class Dimension:
    id: int
    name: str
    items: dict[str, int]  # active items: code name (lower case) -> id


@dataclass(frozen=True)
class AccountingCatalog:
    """The chart of accounts and dimensions of the company, read once per run."""

    accounts: frozenset[str] = frozenset()
    dimensions: dict[str, Dimension] = field(default_factory=dict)  # lower-case name -> dimension

    def dimension(self, name: str) -> Dimension | None:
        return self.dimensions.get(name.strip().lower())


# -- messages (the wording of the Procountor error table people already know) ---------------
DIMENSION_FIX = (
    "create the dimension in Procountor with the same name (dimensions cannot be created "
    "through the API)"
)


def dimension_missing(name: str) -> str:
    return f"The dimension {name} does not exist in Procountor"


def catalog_from(coa: dict[str, Any], dimensions: list[dict[str, Any]]) -> AccountingCatalog:
    """The catalog from Procountor's chart of accounts and dimensions, as read."""
    accounts = frozenset(
        str(a["ledgerAccountCode"]) for a in coa.get("ledgerAccounts", []) if a.get("active", True)
    )
    by_name = {}
    for dim in dimensions:
        items = {
            str(i["codeName"]).lower(): int(i["id"])
            for i in dim.get("items", [])
            if not i.get("status")  # "P" marks an inactive item
        }
        by_name[str(dim["name"]).strip().lower()] = Dimension(
            int(dim["id"]), str(dim["name"]), items
        )
    return AccountingCatalog(accounts, by_name)


def accounting_problems(
    invoice: Invoice, catalog: AccountingCatalog, *, create_items: bool
) -> list[Problem]:
    """What stops the rows' accounting before anything is sent, in the words bookkeepers know."""
    label = document_label(invoice)
    problems: list[Problem] = []
    for i, line in enumerate(invoice.lines, start=1):
        if line.account and line.account not in catalog.accounts:
            problems.append(
                Problem(
                    document=label,
                    field=f"lines[{i}].account",
                    value=line.account,
                    message=f"No {line.account} account in Procountor",
                    fix="check the accounts available in Procountor and use one of them, or "
                    "add the account to Procountor's chart of accounts",
                    rule="procountor_account",
                )
            )
        for name, item in line.dimensions.items():
            dimension = catalog.dimension(name)
            if dimension is None:
                problems.append(
                    Problem(
                        document=label,
                        field=f"lines[{i}].dimensions",
                        value=name,
                        message=dimension_missing(name),
                        fix=DIMENSION_FIX,
                        rule="procountor_dimension",
                    )
                )
            elif item.lower() not in dimension.items and not create_items:
                problems.append(
                    Problem(
                        document=label,
                        field=f"lines[{i}].dimensions.{name}",
                        value=item,
                        message=f"Dimension {dimension.name} has no item {item} in Procountor",
                        fix="add the item in Procountor, or let the connection create missing "
                        "items (create_dimension_items)",
                        rule="procountor_dimension_item",
                    )
                )
    return problems
