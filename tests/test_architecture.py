"""The house holds: no import cycle anywhere in core, and no package reaches into another's privates.

`lint-imports` (in the test command) checks the layers declared in pyproject.toml; these tests say
the same two rules in terms a failing run explains: which modules loop, which private name leaked.
"""

from __future__ import annotations

import ast
import sys

import grimp

from tests.conftest import ROOT


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), each a cycle of imports."""
    sys.setrecursionlimit(max(10000, sys.getrecursionlimit()))
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return found


def _with_packages(graph: grimp.ImportGraph) -> grimp.ImportGraph:
    """Importing `core.a.b` runs `core/a/__init__.py` first: Python's edge, which grimp leaves out
    (a package whose __init__ imports a module that imports a sibling of it loops at run time)."""
    for module in list(graph.modules):
        for imported in list(graph.find_modules_directly_imported_by(module)):
            parts = imported.split(".")
            for depth in range(2, len(parts)):
                parent = ".".join(parts[:depth])
                if parent != module and not module.startswith(parent + ".") and parent in graph.modules:
                    graph.add_import(importer=module, imported=parent)
    return graph


def test_no_module_of_core_imports_itself_through_others() -> None:
    graph = _with_packages(grimp.build_graph("core", exclude_type_checking_imports=True))
    assert _cycles(graph) == []


def test_a_package_init_that_imports_back_is_a_cycle() -> None:
    graph = grimp.ImportGraph()
    for a, b in [("p.x", "p.q.base"), ("p.q", "p.q.impl"), ("p.q.impl", "p.x")]:
        graph.add_import(importer=a, imported=b)
    graph.add_module("p.q")
    assert _cycles(_with_packages(graph)) == [["p.q", "p.q.impl", "p.x"]]


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = grimp.ImportGraph()
    for a, b in [("p.a", "p.b"), ("p.b", "p.c"), ("p.c", "p.a"), ("p.c", "p.d")]:
        graph.add_import(importer=a, imported=b)
    assert _cycles(graph) == [["p.a", "p.b", "p.c"]]


def test_nothing_outside_the_studio_package_calls_its_private_helpers() -> None:
    leaks = []
    for path in sorted((ROOT / "core").rglob("*.py")) + sorted((ROOT / "pages").glob("*.py")):
        if (ROOT / "core" / "studio") in path.parents:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
                if isinstance(node.value, ast.Name) and node.value.id == "studio":
                    leaks.append(f"{path.relative_to(ROOT)}:{node.lineno} studio.{node.attr}")
    assert leaks == []


# What a page may not import: it reaches stores, spaces, classes and engines through `core.studio`
# (and the engine registry `core.providers`, never one backend's module).
_AROUND_THE_STUDIO = ("core.storage", "core.people", "core.providers.", "core.offline")


def _page_imports_around_the_studio(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        if any(name.startswith(_AROUND_THE_STUDIO) for name in names):
            found.append(f"{node.lineno}: {names[0] if isinstance(node, ast.ImportFrom) else ', '.join(names)}")
    return found


def test_no_page_opens_stores_spaces_classes_or_engine_backends_itself() -> None:
    around = []
    for path in sorted((ROOT / "pages").glob("*.py")) + [ROOT / "Home.py"]:
        around += [f"{path.relative_to(ROOT)}:{line}" for line in _page_imports_around_the_studio(path.read_text())]
    assert around == []


def test_the_page_import_check_sees_imports_inside_functions_too() -> None:
    source = (
        "from core import providers, studio\n"
        "from core.people.spaces import Person\n"
        "def f():\n"
        "    from core.providers.remote_openai import list_models\n"
        "    import core.storage.store\n"
    )
    assert _page_imports_around_the_studio(source) == [
        "2: core.people.spaces",
        "4: core.providers.remote_openai",
        "5: core.storage.store",
    ]
