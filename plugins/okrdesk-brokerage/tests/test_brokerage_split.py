"""The metric side never loads the synthetic-data side, so a plugin author can copy it alone.

``okrdesk_brokerage`` may reach ``okrdesk_brokerage_synthetic`` in one place
only: the body of the ``okrdesk_demo_data`` hook in plugin.py, which runs when
``okrdesk demo`` asks for data. The source is checked statically, and a fresh
interpreter checks that declaring and collecting metrics leaves it unloaded.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

TESTS = Path(__file__).parent
METRIC_SIDE = TESTS.parent / "src" / "okrdesk_brokerage"
SYNTHETIC = "okrdesk_brokerage_synthetic"
DEMO_HOOK = ("plugin.py", ("okrdesk_demo_data",))
DYNAMIC_IMPORTERS = {"import_module", "__import__"}


class ImportSite(NamedTuple):
    """Where a module of the metric side names the synthetic package in an import."""

    module: str
    """The file, relative to the package folder."""
    line: int
    scope: tuple[str, ...]
    """The enclosing classes and functions, outermost first; () is the module itself."""
    at_import_time: bool
    """Whether it runs when the module is imported: no function encloses it."""


def _is_synthetic(name: str | None) -> bool:
    return name is not None and name.split(".")[0] == SYNTHETIC


def _imports_synthetic(node: ast.AST) -> bool:
    """An import statement, or ``importlib.import_module``/``__import__`` given the name."""
    if isinstance(node, ast.Import):
        return any(_is_synthetic(alias.name) for alias in node.names)
    if isinstance(node, ast.ImportFrom):
        return node.level == 0 and _is_synthetic(node.module)
    if isinstance(node, ast.Call) and node.args:
        called = node.func
        name = called.attr if isinstance(called, ast.Attribute) else getattr(called, "id", None)
        first = node.args[0]
        return (
            name in DYNAMIC_IMPORTERS
            and isinstance(first, ast.Constant)
            and isinstance(first.value, str)
            and _is_synthetic(first.value)
        )
    return False


class _SiteFinder(ast.NodeVisitor):
    """Walks one module keeping track of which class or function body it is in.

    A function's decorators, defaults and annotations run where the function
    is defined, so only its body counts as inside it.
    """

    def __init__(self, module: str) -> None:
        self.module = module
        self.scope: list[tuple[str, bool]] = []
        self.sites: list[ImportSite] = []

    def generic_visit(self, node: ast.AST) -> None:
        if _imports_synthetic(node):
            in_function = any(is_function for _, is_function in self.scope)
            names = tuple(name for name, _ in self.scope)
            line = getattr(node, "lineno", 0)
            self.sites.append(ImportSite(self.module, line, names, not in_function))
        super().generic_visit(node)

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        for outside in (*node.decorator_list, node.args, node.returns):
            if outside is not None:
                self.visit(outside)
        self._visit_body(node.name, node.body, is_function=True)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        for outside in (*node.decorator_list, *node.bases, *node.keywords):
            self.visit(outside)
        self._visit_body(node.name, node.body, is_function=False)

    def _visit_body(self, name: str, body: list[ast.stmt], *, is_function: bool) -> None:
        self.scope.append((name, is_function))
        for statement in body:
            self.visit(statement)
        self.scope.pop()


def _metric_side_modules() -> list[Path]:
    return sorted(METRIC_SIDE.rglob("*.py"))


def _import_sites() -> list[ImportSite]:
    sites: list[ImportSite] = []
    for path in _metric_side_modules():
        finder = _SiteFinder(path.relative_to(METRIC_SIDE).as_posix())
        finder.visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
        sites.extend(finder.sites)
    return sites


def test_the_scan_covers_the_metric_side() -> None:
    scanned = {path.name for path in _metric_side_modules()}
    assert {"__init__.py", "plugin.py", "collect.py", "metrics.py", "layout.py"} <= scanned
    assert not {"generator.py", "population.py", "simulation.py", "demo.py"} & scanned


def test_no_metric_module_imports_the_synthetic_package_when_imported() -> None:
    assert [site for site in _import_sites() if site.at_import_time] == []


def test_only_the_demo_data_hook_imports_the_synthetic_package() -> None:
    found = {(site.module, site.scope) for site in _import_sites()}
    assert found == {DEMO_HOOK}


CHILD = """
import datetime as dt
import json
import sys
import tempfile
from pathlib import Path

from okrdesk.model import Plan

from okrdesk_brokerage import plugin

from brokerage_helpers import collect, declared


def synthetic_loaded():
    return sorted(name for name in sys.modules if name.split(".")[0] == sys.argv[1])


metrics = len(declared())
observations = len(collect().observations)
after_collect = synthetic_loaded()
plan = Plan("p", "Plan", 2026, dt.date(2026, 1, 1), dt.date(2026, 12, 31), "b")
with tempfile.TemporaryDirectory() as workspace:
    plugin.okrdesk_demo_data(plan=plan, workspace=Path(workspace), through=plan.end)
after_demo = synthetic_loaded()
print(json.dumps([metrics, observations, after_collect, after_demo]))
"""


def test_declaring_and_collecting_leave_the_synthetic_package_unloaded() -> None:
    # A fresh interpreter: this test session has long since imported the generator.
    # With -c the working directory heads sys.path, which makes brokerage_helpers importable.
    child = subprocess.run(
        [sys.executable, "-c", CHILD, SYNTHETIC],
        cwd=TESTS,
        capture_output=True,
        text=True,
        check=False,
    )
    assert child.returncode == 0, child.stderr
    metrics, observations, after_collect, after_demo = json.loads(child.stdout)
    assert metrics > 0
    assert observations > 0
    assert after_collect == []
    # The demo hook does load it, so the check above is looking for the right name.
    assert f"{SYNTHETIC}.demo" in after_demo
