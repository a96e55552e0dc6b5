"""Shared setup for the Odoo ORM contract tests: a registry of one version with two seeded
Finnish companies, a manual clock, and users allowed in one company or both."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

from tilisilta.clock import ManualClock
from tilisilta.sandbox.odoo.exceptions import OdooError
from tilisilta.sandbox.odoo.orm import Registry, SeedInfo, seed_finnish_company

VERSIONS = [16, 17, 18, 19]
START = datetime(2026, 3, 2, 9, 0, 0, tzinfo=UTC)


@dataclass
class World:
    reg: Registry
    clock: ManualClock
    a: SeedInfo
    b: SeedInfo
    #: a user of company A only, and one of both companies (A first)
    uid_a: int
    uid_ab: int

    @property
    def version(self) -> int:
        return self.reg.version

    def ctx(self, *companies: int, **extra: Any) -> dict[str, Any]:
        return {"allowed_company_ids": list(companies or (self.a.company_id,)), **extra}

    def rpc(
        self,
        model: str,
        method: str,
        *args: Any,
        uid: int | None = None,
        context: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> Any:
        """``execute_kw`` as the company-A user, with company A in the context by default."""
        kwargs["context"] = context if context is not None else self.ctx()
        return self.reg.execute_kw(
            uid if uid is not None else self.uid_a, model, method, list(args), kwargs
        )

    def read1(self, model: str, rid: int, fields: list[str], **kw: Any) -> dict[str, Any]:
        rows: list[dict[str, Any]] = self.rpc(model, "read", [rid], fields, **kw)
        assert len(rows) == 1
        return rows[0]


def make_world(version: int) -> World:
    clock = ManualClock(START)
    reg = Registry(version=version, clock=clock)
    a = seed_finnish_company(reg, name="Sandbox Oy", vat="FI12345671")
    b = seed_finnish_company(reg, name="Toinen Oy", vat="FI23456780", city="Tampere")
    uid_a = reg.add_user(
        "bot-a", password="pw-a", api_key="key-a", company_ids=[a.company_id], name="Bot A"
    )
    uid_ab = reg.add_user(
        "bot-ab",
        password="pw-ab",
        api_key="key-ab",
        company_ids=[a.company_id, b.company_id],
        name="Bot AB",
    )
    return World(reg, clock, a, b, uid_a, uid_ab)


def fails(
    exc: type[OdooError], fn: Any, *args: Any, match: str | None = None, **kw: Any
) -> OdooError:
    """Call ``fn`` and return the Odoo error it raised (of exactly that class or a subclass)."""
    with pytest.raises(exc, match=match) as info:
        fn(*args, **kw)
    return info.value
