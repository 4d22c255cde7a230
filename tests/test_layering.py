"""The layers of the package: no two modules import each other (at run time, anywhere in a file), and the
core imports none of the faces (commands, CLI, Typer, rich) nor sympy's modules."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "dlcalc"


def modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        name = ".".join(("dlcalc", *path.relative_to(PACKAGE).with_suffix("").parts)).removesuffix(".__init__")
        found[name] = path
    return found


def imports(path: Path, known: dict[str, Path]) -> set[str]:
    """Every module imported at run time (imports under ``if TYPE_CHECKING:`` left out), submodules resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If) and "TYPE_CHECKING" in
                   ast.unparse(node.test) for n in ast.walk(node)}
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom) and node.module:
            subs = {f"{node.module}.{a.name}" for a in node.names if f"{node.module}.{a.name}" in known}
            found |= subs
            if len(subs) < len(node.names):
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
    return found


def test_no_module_pair_imports_each_other():
    known = modules()
    graph = {name: {m for m in imports(path, known) if m in known and m != name} for name, path in known.items()}
    cycles = []
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in graph:
        if v not in index:
            visit(v)
    assert not cycles


def test_the_core_imports_no_face_and_no_sympy():
    known = modules()
    for name, path in known.items():
        if not name.startswith("dlcalc.core"):
            continue
        found = imports(path, known)
        banned = {m for m in found if m.split(".")[0] in ("typer", "click", "rich", "sympy", "matplotlib") or
                  m.startswith(("dlcalc.commands", "dlcalc.cli", "dlcalc.symbolic", "dlcalc.api"))}
        assert not banned, (name, banned)


def test_modules_stay_small_enough_to_read():
    """A module over about 500 lines must be one coherent thing; none is far past it."""
    sizes = {name: len(path.read_text(encoding="utf-8").splitlines()) for name, path in modules().items()}
    assert max(sizes.values()) <= 650, sorted(sizes.items(), key=lambda item: -item[1])[:3]
