"""A kind's description names its flows and its connection test without importing them
(``connectors.base.imported``): every name resolves to a function, and reading the descriptions
of every kind imports none of their flows."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tilisilta.connectors.kinds import MODULES
from tilisilta.connectors.registry import connector


def _named(kind: str) -> Iterator[Callable[..., Any]]:
    described = connector(kind)
    yield described.test_connection
    for spec in described.flows.values():
        yield getattr(spec.run, "flow", spec.run)
    module = importlib.import_module(MODULES[kind])
    yield from (value for value in vars(module).values() if hasattr(value, "target"))


@pytest.mark.parametrize("kind", sorted(MODULES))
def test_every_function_a_description_names_is_there(kind: str) -> None:
    named = [function.target for function in _named(kind) if hasattr(function, "target")]
    assert len(named) > len(connector(kind).flows)  # the flows and the connection test at least
    for target in named:
        module, _, name = target.partition(":")
        assert callable(getattr(importlib.import_module(module), name)), target


def test_reading_every_description_imports_no_flow() -> None:
    script = (
        "import json, sys\nfrom tilisilta.connectors.registry import connector, kinds\n"
        "described = [connector(kind).schedules for kind in kinds()]\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    modules = json.loads(done.stdout)
    assert [m for m in modules if ".flows" in m and m.startswith("tilisilta.connectors.")] == []
