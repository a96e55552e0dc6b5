"""Sandboxes import nothing of the product but the clock (DESIGN.md, rules of the house): an oracle
must not share the code it checks. Every module under src/tilisilta/sandbox/ is read with ``ast``;
absolute and relative imports and literal ``importlib.import_module`` calls are all resolved."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import tilisilta

PACKAGE_DIR = Path(tilisilta.__file__).parent
SANDBOX_DIR = PACKAGE_DIR / "sandbox"
ALLOWED = ("tilisilta.sandbox", "tilisilta.clock")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(source: str, module: str, *, is_package: bool) -> set[str]:
    """Every module ``source`` (the text of ``module``) imports, as absolute dotted names."""
    package = module if is_package else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                if node.level - 1 >= len(parts):
                    raise ValueError(f"{module}: relative import beyond the top package")
                base = ".".join(parts[: len(parts) - (node.level - 1)])
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            if target == "tilisilta":
                # ``from tilisilta import domain`` imports the module tilisilta.domain.
                found.update(f"{target}.{alias.name}" for alias in node.names)
            else:
                found.add(target)
        elif (
            isinstance(node, ast.Call)
            and _is_dynamic_import(node.func)
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            found.add(str(node.args[0].value))
    return found


def _is_dynamic_import(func: ast.expr) -> bool:
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    return name in ("import_module", "__import__")


def _forbidden(name: str) -> bool:
    if name != "tilisilta" and not name.startswith("tilisilta."):
        return False
    return not any(name == allowed or name.startswith(allowed + ".") for allowed in ALLOWED)


def _violations() -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for path in sorted(SANDBOX_DIR.rglob("*.py")):
        module = _module_name(path)
        names = imported_modules(
            path.read_text(encoding="utf-8"), module, is_package=path.name == "__init__.py"
        )
        found.update((module, name) for name in names if _forbidden(name))
    return found


def test_the_walk_sees_every_sandbox() -> None:
    modules = {_module_name(p) for p in SANDBOX_DIR.rglob("*.py")}
    assert "tilisilta.sandbox.common.references" in modules
    assert "tilisilta.sandbox.procountor.validation" in modules
    assert "tilisilta.sandbox.netvisor.auth" in modules
    assert len(modules) > 20


def test_sandboxes_import_nothing_of_the_product_but_the_clock() -> None:
    violations = sorted(_violations())
    assert not violations, "sandbox modules importing the product:\n" + "\n".join(
        f"  {module} imports {name}" for module, name in violations
    )


@pytest.mark.parametrize(
    ("source", "module", "expected"),
    [
        ("import tilisilta.domain.references", "tilisilta.sandbox.x.y", True),
        ("from tilisilta.domain import references", "tilisilta.sandbox.x.y", True),
        ("from tilisilta import domain", "tilisilta.sandbox.x.y", True),
        ("from ...domain.references import compact", "tilisilta.sandbox.x.y", True),
        ("from .... import settings", "tilisilta.sandbox.odoo.orm.seed", True),
        ("from ....http.client import HttpClient", "tilisilta.sandbox.odoo.orm.seed", True),
        ("def f():\n    from tilisilta.ledger import x\n", "tilisilta.sandbox.x.y", True),
        ("importlib.import_module('tilisilta.store')", "tilisilta.sandbox.x.y", True),
        ("from tilisilta.clock import Clock", "tilisilta.sandbox.x.y", False),
        ("from tilisilta import clock", "tilisilta.sandbox.x.y", False),
        ("from ...clock import ManualClock", "tilisilta.sandbox.x.y", False),
        ("from ..common.faults import FaultPlan", "tilisilta.sandbox.x.y", False),
        ("from . import errors", "tilisilta.sandbox.x.y", False),
        ("from tilisilta.sandbox.common import faults", "tilisilta.sandbox.x.y", False),
        ("import httpx\nfrom starlette import routing", "tilisilta.sandbox.x.y", False),
        ("import tilisilta", "tilisilta.sandbox.x.y", True),
    ],
)
def test_the_check_resolves_imports(source: str, module: str, expected: bool) -> None:
    names = imported_modules(source, module, is_package=False)
    assert any(_forbidden(name) for name in names) is expected, names
