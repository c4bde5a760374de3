"""The package's import graph (every import, lazy and type-checking ones included): no
import cycle between modules or between floors.

The layer order itself is enforced by import-linter (``make lint``); this test catches
what a layers contract does not: cycles inside one floor and between siblings."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"

# Known cycles: none left. Never add one: break the cycle instead (a Protocol for a type,
# the shared piece moved down a floor).
KNOWN_MODULE_CYCLES: list[set[str]] = []
KNOWN_PACKAGE_CYCLES: list[set[str]] = []


def modules(src: Path) -> dict[str, Path]:
    found = {}
    for path in sorted((src / "g287").rglob("*.py")):
        parts = list(path.relative_to(src).with_suffix("").parts)
        if "migrations" in parts:
            continue
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def import_graph(src: Path) -> dict[str, set[str]]:
    mods = modules(src)

    def owner(name: str) -> str | None:
        while name and name not in mods:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {m: set() for m in mods}
    for name, path in mods.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join(up + ([node.module] if node.module else []))
                targets = [f"{base}.{a.name}" for a in node.names] + [base]
            for target in targets:
                if not target.startswith("g287"):
                    continue
                found = owner(target)
                if found and found != name:
                    graph[name].add(found)
                    break
    return graph


def cycles(graph: dict[str, set[str]]) -> list[set[str]]:
    """The strongly connected components with more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = set()
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.add(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(component)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def floor(module: str) -> str:
    """A module's floor: its top-level package (g287.read, ...) or, for g287.errors,
    g287.config and the like, the module itself."""
    parts = module.split(".")
    if len(parts) == 1:
        return module
    top = ".".join(parts[:2])
    return top if (SRC / "g287" / parts[1]).is_dir() else module


def package_graph(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for a, targets in graph.items():
        if a == "g287":  # the public facade re-exports from every floor
            continue
        out.setdefault(floor(a), set())
        for b in targets:
            if b != "g287" and floor(a) != floor(b):
                out[floor(a)].add(floor(b))
    return out


def test_cycles_are_found_where_they_exist():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [{"a", "b", "c"}]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_graph_sees_lazy_and_type_checking_imports(tmp_path):
    pkg = tmp_path / "g287"
    (pkg / "one").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "one" / "__init__.py").write_text("")
    (pkg / "one" / "a.py").write_text("def f():\n    from g287.one import b\n")
    (pkg / "one" / "b.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .a import f\n"
    )
    assert cycles(import_graph(tmp_path)) == [{"g287.one.a", "g287.one.b"}]


def test_no_module_cycle_beyond_the_known_debt():
    found = cycles(import_graph(SRC))
    new = [c for c in found if not any(c <= known for known in KNOWN_MODULE_CYCLES)]
    assert not new, f"new import cycles between modules: {[sorted(c) for c in new]}"


def test_no_package_cycle_beyond_the_known_debt():
    found = cycles(package_graph(import_graph(SRC)))
    new = [c for c in found if not any(c <= known for known in KNOWN_PACKAGE_CYCLES)]
    assert not new, f"new import cycles between floors: {[sorted(c) for c in new]}"


def test_the_vocabulary_imports_nothing_of_g287_but_its_errors():
    graph = import_graph(SRC)
    outside = {
        (m, t)
        for m, targets in graph.items()
        if m.startswith("g287.model")
        for t in targets
        if not t.startswith("g287.model") and t != "g287.errors"
    }
    assert not outside


def test_every_error_class_is_drawn_in_the_one_tree():
    import importlib
    import pkgutil

    import g287
    from g287.errors import G287Error

    for info in pkgutil.walk_packages(g287.__path__, "g287."):
        if ".migrations" not in info.name and not info.name.endswith("__main__"):
            importlib.import_module(info.name)
    seen, todo = set(), [G287Error]
    while todo:
        kind = todo.pop()
        seen.add(kind.__name__)
        todo.extend(kind.__subclasses__())
    tree = importlib.import_module("g287.errors").__doc__ or ""
    missing = sorted(name for name in seen if f" {name} " not in tree and f" {name}\n" not in tree)
    assert not missing, f"error classes missing from the tree in g287/errors.py: {missing}"


MAX_MODULE_LINES = 450


def test_no_module_is_over_the_line_limit():
    """Modules of a few hundred lines, named after what they hold: a module that grows past
    the limit is split along what it holds (as ``app/importer.py`` was), never exempted."""
    long = {
        str(path.relative_to(SRC)): lines
        for path in sorted((SRC / "g287").rglob("*.py"))
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert not long, f"modules over {MAX_MODULE_LINES} lines: {long}"
