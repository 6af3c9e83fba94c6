"""Every module of the package imports on its own, whichever is imported first: no import cycle.

Regression: `import recomentor.web.guards` in a fresh process once failed, because importing
`recomentor.api.runtime` ran `recomentor/api/__init__.py`, which imported the app factory and
with it every page module, guards included, half-initialised. The test suite hid it: its
conftests import `recomentor.api` first.
"""

from __future__ import annotations

import ast
import importlib.util
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import networkx as nx

import recomentor

_ROOT = Path(recomentor.__file__).parent


def _module_names() -> dict[str, Path]:
    """The package's modules, as `pkgutil` finds them (so not alembic's migration scripts)."""
    found = pkgutil.walk_packages(recomentor.__path__, "recomentor.")
    names = ["recomentor", *(module.name for module in found)]
    return {name: _source(name) for name in names}


def _source(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    assert spec is not None and spec.origin is not None, name
    return Path(spec.origin)


def _ancestors(name: str) -> list[str]:
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _run_at_import(body: list[ast.stmt]) -> list[ast.stmt]:
    """The statements a module runs when imported: function bodies run later and
    `if TYPE_CHECKING:` blocks never; class bodies, `if`, `try` and `with` run now."""
    found: list[ast.stmt] = []
    for statement in body:
        found.append(statement)
        if isinstance(statement, ast.If):
            if not _is_type_checking(statement.test):
                found += _run_at_import(statement.body)
            found += _run_at_import(statement.orelse)
        elif isinstance(statement, ast.Try):
            for block in (statement.body, statement.orelse, statement.finalbody):
                found += _run_at_import(block)
            for handler in statement.handlers:
                found += _run_at_import(handler.body)
        elif isinstance(statement, (ast.ClassDef, ast.With)):
            found += _run_at_import(statement.body)
    return found


def _imported(statement: ast.stmt) -> list[str]:
    if isinstance(statement, ast.Import):
        return [alias.name for alias in statement.names]
    if isinstance(statement, ast.ImportFrom) and statement.module and not statement.level:
        # `from a.b import c` imports a.b, and a.b.c too when c is a module.
        return [statement.module, *(f"{statement.module}.{a.name}" for a in statement.names)]
    return []


def _import_graph() -> nx.DiGraph:
    """Module -> each package module it runs when imported: the imported module and the
    packages above it (their `__init__` runs first), except the importer's own packages,
    which Python has entered before the importer's first line."""
    modules = _module_names()
    graph = nx.DiGraph()
    graph.add_nodes_from(modules)
    for name, path in modules.items():
        own = set(_ancestors(name))
        for statement in _run_at_import(ast.parse(path.read_text(encoding="utf-8")).body):
            for target in _imported(statement):
                for runs in (*_ancestors(target), target):
                    if runs in modules and runs not in own and runs != name:
                        graph.add_edge(name, runs)
    return graph


def test_the_graph_sees_a_package_init_among_what_an_import_runs() -> None:
    # The bug's first step: any module importing `recomentor.api.X` runs `api/__init__.py`.
    graph = _import_graph()
    assert graph.has_edge("recomentor.web.guards", "recomentor.api.runtime")
    assert graph.has_edge("recomentor.web.guards", "recomentor.api")
    assert not graph.has_edge("recomentor.web.guards", "recomentor.web")


def test_no_module_imports_itself_back_through_others() -> None:
    cycles = sorted(
        sorted(component)
        for component in nx.strongly_connected_components(_import_graph())
        if len(component) > 1
    )
    assert cycles == [], f"import cycles (a module among them may fail imported first): {cycles}"


def test_a_page_guard_then_every_module_in_reverse_order_import_in_a_fresh_interpreter() -> None:
    # The static check above reads import statements; this runs them, in an order the test
    # suite's conftests never take, starting with the module that once failed.
    names = ["recomentor.web.guards", *sorted(_module_names(), reverse=True)]
    program = "import importlib, sys\nfor name in sys.argv[1:]:\n    importlib.import_module(name)"
    # The interpreter imports the package this test imported, not another install of it.
    paths = [str(_ROOT.parent), *filter(None, [os.environ.get("PYTHONPATH")])]
    result = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", program, *names],
        env={**os.environ, "PYTHONPATH": os.pathsep.join(paths)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
