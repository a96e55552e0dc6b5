"""Fixtures shared by the contract tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from odoo_sandbox_support import VERSIONS, Env, make_env


@pytest.fixture(params=VERSIONS, ids=[f"v{v}" for v in VERSIONS])
def env(request: pytest.FixtureRequest) -> Iterator[Env]:
    """The Odoo sandbox of each version in turn (a module may define its own ``env``)."""
    e = make_env(version=request.param)
    yield e
    e.http.close()
    e.sb.close()
