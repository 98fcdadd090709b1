"""The okrdesk the plugin's pyproject.toml pins has every piece of okrdesk it imports."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import okrdesk
from packaging.requirements import Requirement
from packaging.version import Version

PLUGIN = Path(__file__).parents[1]

FIRST_IN = {
    "okrdesk.plugins.text_encoding": Version("0.2"),
    "okrdesk.plugins.failures": Version("0.2"),
    "okrdesk.written_numbers": Version("0.3"),
    "okrdesk.written_dates": Version("0.3"),
    "okrdesk.files.READ_AS_A_PATTERN": Version("0.3"),
}
"""okrdesk's modules the plugin reads, and the first okrdesk with them as it reads them
(the shared reader of GBK and UTF-16 exports, ``utf8_copy``, ``NotWide``,
``SettingsMistake``): an okrdesk 0.1 has none of them, and the plugin failed to import
there, after pip had said ``okrdesk>=0.1`` was enough. (0.3: numbers and dates as people
write them, read one way with the SQL source, and a ratio's ``numerator_unit``; and
``READ_AS_A_PATTERN``, what DuckDB reads in a path as a pattern, said once with it.)"""


def _imported() -> set[str]:
    found: set[str] = set()
    for path in (PLUGIN / "src").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                found.add(node.module)
                found.update(f"{node.module}.{alias.name}" for alias in node.names)
            elif isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
    return {name for name in found if name.split(".")[0] == "okrdesk"}


def test_the_pinned_okrdesk_has_what_the_plugin_imports() -> None:
    project = tomllib.loads((PLUGIN / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    (pin,) = [Requirement(d) for d in project["dependencies"] if Requirement(d).name == "okrdesk"]
    imported = _imported()
    assert "okrdesk.plugins.text_encoding" in imported  # what the table below is about
    needed = [first for module, first in FIRST_IN.items() if module in imported]
    for first in needed:
        # Every okrdesk the pin lets pip install has the module: none before ``first``.
        older = Version(f"{first.major}.{first.minor - 1}.99")
        assert older not in pin.specifier, (first, str(pin))
    assert max(needed) in pin.specifier
    # And the okrdesk beside it (this checkout) is one the pin takes.
    assert Version(okrdesk.__version__) in pin.specifier
