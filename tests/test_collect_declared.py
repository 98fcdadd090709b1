"""What an installed plugin declares is asked of it in a process once, then read from a
JSON file while its code, version and settings stay the same; any change asks again."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from okrdesk.model import DimensionLabels, MetricKind, MetricSpec
from okrdesk.plugins import declared
from okrdesk.units import UNITS, Dimension, UnitOfMeasure

PLUGIN = """\
import os
from okrdesk.model import MetricKind, MetricSpec
from okrdesk.plugins import hookimpl
from okrdesk.units import UNITS

with open(os.environ["IMPORTS"], "a") as marks:
    marks.write("imported\\n")


@hookimpl
def okrdesk_metrics(register, settings):
    register(MetricSpec("calls" + settings.get("suffix", ""), "Calls", "通话",
                        MetricKind.FLOW, UNITS["户"]))
"""

PROBE = """
import json, sys
from okrdesk.plugins.runner import prober

settings = json.loads(sys.argv[1])
probed = prober(60)("fake", ("entry", "fakeplug:plugin"), settings, sys.argv[2])
print(json.dumps([probed.errors, [s.name for s in probed.declared]]))
"""


@pytest.fixture(autouse=True)
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


@pytest.fixture
def installed(tmp_path: Path) -> Path:
    """A plugin package on a folder of its own (imported by the probing process only)."""
    site = tmp_path / "site"
    (site / "fakeplug").mkdir(parents=True)
    (site / "fakeplug" / "__init__.py").write_text(
        "from fakeplug.hooks import *  # noqa\nimport fakeplug.hooks as plugin\n"
    )
    (site / "fakeplug" / "hooks.py").write_text(PLUGIN, encoding="utf-8")
    return site


def _probe(site: Path, settings: str = "{}", version: str = "1.0") -> tuple[str, int]:
    imports = site.parent / "imports.txt"
    env = {**os.environ, "PYTHONPATH": str(site), "IMPORTS": str(imports)}
    done = subprocess.run([sys.executable, "-c", PROBE, settings, version], env=env,
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    count = len(imports.read_text().splitlines()) if imports.exists() else 0
    return done.stdout.strip(), count


def test_a_plugin_is_asked_once_then_again_when_its_code_settings_or_version_change(
    installed: Path,
) -> None:
    declared_calls = '[[], ["calls"]]'
    assert _probe(installed) == (declared_calls, 1)
    assert _probe(installed) == (declared_calls, 1)  # kept: no process imported it
    assert _probe(installed, '{"suffix": "_out"}') == ('[[], ["calls_out"]]', 2)
    assert _probe(installed, version="1.1") == (declared_calls, 3)
    hooks = installed / "fakeplug" / "hooks.py"
    hooks.write_text(PLUGIN.replace('"calls"', '"dials"'), encoding="utf-8")
    assert _probe(installed) == ('[[], ["dials"]]', 4)
    assert _probe(installed) == ('[[], ["dials"]]', 4)
    kept = list(declared.folder().glob("*.json"))
    assert len(kept) == 4
    for path in kept:  # a damaged file is as if there were none: asked again
        path.write_text("{not json", encoding="utf-8")
    assert _probe(installed) == ('[[], ["dials"]]', 5)


def test_a_plugin_that_failed_to_load_is_asked_every_time(installed: Path) -> None:
    hooks = installed / "fakeplug" / "hooks.py"
    hooks.write_text(PLUGIN + "\nprint('hello')\n", encoding="utf-8")
    first, count = _probe(installed)
    assert "printed" in first and count == 1
    assert _probe(installed)[1] == 2
    assert list(declared.folder().glob("*.json")) == []


def test_declarations_read_back_equal_or_are_not_kept(tmp_path: Path) -> None:
    funnel = MetricSpec("funnel", "Funnel", "漏斗", MetricKind.RATIO, UNITS["%"],
                        stages=("entered", ""), formula=None, revenue=True,
                        dimensions=("gender", "tier"),
                        dimension_labels={"gender": DimensionLabels(
                            "性别", "gender", {"female": "女"}, {"female": "F"})})  # fmt: skip
    key = declared.key(("entry", "okrdesk:__version__"), "1", {})
    assert key is not None
    declared.keep(key, "2.0", [funnel])
    assert declared.read(key) == ("2.0", [funnel])
    odd = UnitOfMeasure("no such unit", Dimension.COUNT, UNITS["户"].factor)
    other = declared.key(("entry", "okrdesk:__version__"), "2", {})
    assert other is not None and other != key
    declared.keep(other, "2.0", [MetricSpec("shows", "Shows", "场次", MetricKind.FLOW, odd)])
    assert declared.read(other) is None
    assert declared.key(("file", str(tmp_path / "p.py")), "1", {}) is None
    assert declared.key(("entry", "no_such_package_here:plugin"), "1", {}) is None
