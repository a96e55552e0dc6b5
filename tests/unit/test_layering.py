"""The connectors' layers, read from the source: every connector module imports on its own in a
fresh interpreter, clients know HTTP only, mappings are pure, only flows reach the ledger, and no
tilisilta module takes part in an import cycle.

The import graph is built with ``ast`` from the imports a module runs when it is imported (module
and class level, ``if TYPE_CHECKING:`` blocks left out). An import inside a function is not part
of that graph, so it could hide a cycle: outside ``cli/`` (where commands import lazily to start
fast) and the sandboxes (which import nothing of the product, see
``tests/contract/test_sandbox_independence.py``), each needs a comment saying why, on its line or
the line above.
"""

from __future__ import annotations

import ast
import importlib.util
import pkgutil
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import tilisilta
import tilisilta.connectors

ROOT = Path(tilisilta.__file__).parent
CLIENT = re.compile(r"^tilisilta\.connectors\.\w+\.client(\.|$)")
MAPPING = re.compile(r"^tilisilta\.connectors\.\w+\.mapping(\.|$)")
KIND = re.compile(r"^tilisilta\.connectors\.(?!(base|common|kinds|registry|settings_edit)\.)\w+\.")
FLOWS = re.compile(r"^tilisilta\.connectors\.\w+\.flows(\.|$)")
LAZY_ALLOWED = ("tilisilta.cli", "tilisilta.sandbox")


@dataclass
class Module:
    name: str
    path: Path
    source: list[str]
    eager: set[str] = field(default_factory=set)  # imported when the module is imported
    lazy: list[tuple[int, str]] = field(default_factory=list)  # (line, module) inside functions

    @property
    def is_package(self) -> bool:
        return self.path.name == "__init__.py"

    def imported(self) -> set[str]:
        return self.eager | {name for _, name in self.lazy}


def _module_name(path: Path) -> str:
    parts = ["tilisilta", *path.relative_to(ROOT).with_suffix("").parts]
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _targets(module: Module, node: ast.Import | ast.ImportFrom) -> Iterator[str]:
    """The modules an import statement loads (``from a import b`` loads ``a.b`` if it is one)."""
    if isinstance(node, ast.Import):
        for alias in node.names:
            yield alias.name
        return
    if node.level:
        package = module.name if module.is_package else module.name.rpartition(".")[0]
        for _ in range(node.level - 1):
            package = package.rpartition(".")[0]
        base = f"{package}.{node.module}" if node.module else package
    else:
        base = node.module or ""
    for alias in node.names:
        yield f"{base}:{alias.name}"  # a submodule if there is one, else a name in ``base``


def _collect(module: Module, body: list[ast.stmt], in_function: bool) -> None:
    for node in body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            for target in _targets(module, node):
                if in_function:
                    module.lazy.append((node.lineno, target))
                else:
                    module.eager.add(target)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            _collect(module, node.body, True)
        elif isinstance(node, ast.If) and _is_type_checking(node):
            _collect(module, node.orelse, in_function)
        else:
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.stmt):
                    _collect(module, [child], in_function)
            for name in ("body", "orelse", "finalbody", "handlers"):
                for child in getattr(node, name, []) or []:
                    if isinstance(child, ast.ExceptHandler):
                        _collect(module, child.body, in_function)


def _modules() -> dict[str, Module]:
    modules: dict[str, Module] = {}
    for path in sorted(ROOT.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        module = Module(_module_name(path), path, text.splitlines())
        _collect(module, ast.parse(text, filename=str(path)).body, False)
        modules[module.name] = module
    for module in modules.values():  # keep only tilisilta modules, and third parties by name
        module.eager = {
            _resolve(t, modules) if t.startswith("tilisilta") else t.split(":")[0].split(".")[0]
            for t in module.eager
        } - {"__future__"}
        module.eager = {t for t in module.eager if t in modules or not t.startswith("tilisilta")}
        module.lazy = [(n, r) for n, t in module.lazy if (r := _resolve(t, modules)) in modules]
    return modules


def _resolve(target: str, modules: dict[str, Module]) -> str:
    """``a.b:c`` is module ``a.b.c`` when there is one, else a name in module ``a.b``."""
    base, _, name = target.partition(":")
    if name and f"{base}.{name}" in modules:
        return f"{base}.{name}"
    return base


MODULES = _modules()


def _under(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def _offences(pattern: re.Pattern[str], forbidden: tuple[str, ...]) -> list[str]:
    return sorted(
        f"{module.name} imports {target}"
        for module in MODULES.values()
        if pattern.match(module.name + ".")
        for target in module.imported()
        if any(_under(target, f) for f in forbidden)
    )


def test_every_connector_module_imports_first_in_a_fresh_interpreter() -> None:
    names = [
        info.name
        for info in pkgutil.walk_packages(tilisilta.connectors.__path__, "tilisilta.connectors.")
    ]
    assert len(names) > 40
    for order in (names, names[::-1]):
        script = (
            "import importlib, sys\nfor name in sys.argv[1:]:\n    importlib.import_module(name)"
        )
        done = subprocess.run(
            [sys.executable, "-c", script, *order], capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, done.stderr


def test_the_graph_sees_every_connector_module() -> None:
    for info in pkgutil.walk_packages(tilisilta.connectors.__path__, "tilisilta.connectors."):
        spec = importlib.util.find_spec(info.name)
        assert spec is not None and spec.origin is not None
        assert info.name in MODULES, info.name


def test_clients_know_nothing_of_the_store_or_the_ledger() -> None:
    assert _offences(CLIENT, ("tilisilta.store", "tilisilta.ledger")) == []


def test_mappings_are_pure() -> None:
    forbidden = ("tilisilta.store", "tilisilta.ledger", "tilisilta.http", "httpx")
    assert _offences(MAPPING, forbidden) == []


def test_only_flows_reach_the_ledger() -> None:
    outside = [
        offence
        for offence in _offences(KIND, ("tilisilta.ledger",))
        if not FLOWS.match(offence.split(" ")[0] + ".")
    ]
    assert outside == []


def test_every_connector_has_the_one_folder_shape() -> None:
    for kind in ("procountor", "odoo", "netvisor"):
        folder = ROOT / "connectors" / kind
        for part in ("connector.py", "options.py", "client", "mapping", "flows"):
            assert (folder / part).exists(), f"connectors/{kind}/{part}"
    for part in ("mapping", "flows"):
        assert (ROOT / "connectors" / "files" / part).is_dir()


def _cycles() -> list[list[str]]:
    """The strongly connected components of more than one module, or a module importing itself."""
    graph = {
        name: sorted(t for t in module.eager if t in MODULES and t != name)
        for name, module in MODULES.items()
    }
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(start: str) -> None:  # iterative Tarjan, so deep graphs need no recursion
        nonlocal counter
        work = [(start, iter(graph[start]))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, edges = work[-1]
            for target in edges:
                if target not in index:
                    index[target] = low[target] = counter
                    counter += 1
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(graph[target])))
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))

    for name in graph:
        if name not in index:
            visit(name)
    return found


def test_no_import_cycles_among_tilisilta_modules() -> None:
    assert _cycles() == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    a, b = MODULES["tilisilta.connectors.base"], MODULES["tilisilta.connectors.registry"]
    assert "tilisilta.connectors.base" in b.eager
    a.eager.add("tilisilta.connectors.registry")
    try:
        assert ["tilisilta.connectors.base", "tilisilta.connectors.registry"] in _cycles()
    finally:
        a.eager.discard("tilisilta.connectors.registry")


def test_function_local_imports_say_why() -> None:
    unexplained = []
    for module in MODULES.values():
        if any(_under(module.name, prefix) for prefix in LAZY_ALLOWED):
            continue
        for line, target in module.lazy:
            here = module.source[line - 1]
            above = module.source[line - 2].strip() if line > 1 else ""
            if "#" not in here and not above.startswith("#"):
                unexplained.append(f"{module.name}:{line} imports {target}")
    assert unexplained == []
