"""The environment of one call: who calls (uid, superuser or not), the context, the companies
the call may see, and the transaction timestamp (Odoo's ``cr.now()``: taken once per call,
with microseconds, naive UTC)."""

from __future__ import annotations

from datetime import date, datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from ..exceptions import AccessError
from .fields import Field

if TYPE_CHECKING:
    from .model import Model
    from .registry import Registry

SUPERUSER_ID = 1
HELSINKI = ZoneInfo("Europe/Helsinki")


class Env:
    def __init__(
        self,
        registry: Registry,
        uid: int,
        context: dict[str, Any] | None = None,
        *,
        su: bool = False,
        now: datetime | None = None,
    ) -> None:
        self.registry = registry
        self.uid = uid
        self.context: dict[str, Any] = dict(context or {})
        self.su = su
        self.now = now if now is not None else registry.transaction_now()
        self.version = registry.version
        self.store = registry.store

    # ---- derived environments --------------------------------------------------------------

    def __getitem__(self, model: str) -> Model:
        return self.registry.model(self, model)

    def sudo(self) -> Env:
        if self.su:
            return self
        return Env(self.registry, self.uid, self.context, su=True, now=self.now)

    def with_context(self, **updates: Any) -> Env:
        context = {**self.context, **updates}
        return Env(self.registry, self.uid, context, su=self.su, now=self.now)

    def with_company(self, company_id: int) -> Env:
        allowed = [company_id, *[c for c in self.company_ids if c != company_id]]
        return self.with_context(allowed_company_ids=allowed)

    # ---- user and companies ----------------------------------------------------------------

    @cached_property
    def user(self) -> dict[str, Any]:
        row = self.store.get("res.users", self.uid)
        if row is None:  # pragma: no cover - the registry checks uids before building an Env
            raise AccessError("Access Denied")
        return row

    @property
    def user_company_ids(self) -> list[int]:
        return list(self.user.get("company_ids") or [])

    @cached_property
    def company_ids(self) -> list[int]:
        """``env.companies``: the context's ``allowed_company_ids`` (checked against the user's
        companies), or all the user's companies."""
        requested = self.context.get("allowed_company_ids")
        if requested:
            if not isinstance(requested, list | tuple) or not all(
                isinstance(c, int) and not isinstance(c, bool) for c in requested
            ):
                raise AccessError("Access to unauthorized or invalid companies.")
            existing = set(self.store.ids("res.company"))
            allowed = set(self.user_company_ids)
            for company in requested:
                if company not in existing or (not self.su and company not in allowed):
                    raise AccessError("Access to unauthorized or invalid companies.")
            return list(dict.fromkeys(requested))
        return self.user_company_ids

    @property
    def company_id(self) -> int:
        """``env.company``: the first allowed company, else the user's main company."""
        requested = self.context.get("allowed_company_ids")
        if requested:
            return self.company_ids[0]
        company = self.user.get("company_id")
        return int(company) if company else 1

    @property
    def active_test(self) -> bool:
        return bool(self.context.get("active_test", True))

    @property
    def today(self) -> date:
        """``fields.Date.context_today``: the date where the user is (Europe/Helsinki)."""
        from datetime import UTC

        return self.now.replace(tzinfo=UTC).astimezone(HELSINKI).date()

    # ---- DomainSource ----------------------------------------------------------------------

    def field(self, model: str, name: str) -> Field | None:
        spec = self.registry.specs.get(model)
        return spec.fields.get(name) if spec else None

    def all_ids(self, model: str) -> set[int]:
        return set(self.store.ids(model))

    def value(self, model: str, rid: int, field: Field) -> Any:
        return self[model].value(rid, field)

    def name_search_ids(self, model: str, operator: str, value: Any) -> set[int]:
        return self[model].name_match_ids(operator, value)

    def parent_field(self, model: str) -> str | None:
        return self.registry.specs[model].parent_name

    def has_active(self, model: str) -> bool:
        return self.registry.specs[model].has_active

    def custom_search(self, model: str, field: Field, operator: str, value: Any) -> list[Any]:
        return self[model].search_field(field, operator, value)

    def inherits_link(self, model: str, parent: str) -> str:
        return self.registry.specs[model].inherits[parent]
