"""What `okrdesk report` imports on the demo workspace: only what the text report uses.

Measured as a user runs it, in a process of its own, on the workspace `okrdesk
demo` builds with the reference plugin installed (issue 15: the demo report
within 10× a bare `python -c pass`; metric declarations load without
importing a plugin's computation).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from okrdesk import __version__
from okrdesk.plugins.manager import BUILTIN_PLUGINS, FROM_SETTINGS_ONLY, PluginHost

ENV = {**os.environ, "OKRDESK_LOAD_PLUGINS": "brokerage"}
"""Completed by the ``demo`` fixture with a cache folder of the tests' own."""

NOT_FOR_A_TEXT_REPORT = {
    # the other formats (their declarations too: a built-in format is its module alone)
    # and other commands
    "okrdesk.report.formats.markdown", "okrdesk.report.formats.html",
    "okrdesk.report.formats.json", "okrdesk.report.formats.xlsx",
    "jinja2", "okrdesk.report.templates", "xlsxwriter", "okrdesk.delivery",
    "okrdesk.app.collect", "okrdesk.plugins.runner", "multiprocessing", "tempfile",
    # the store's schema upgrades, what a collect changed, and its other backend
    "sqlite_utils", "okrdesk.store.changes", "psycopg",
    # the built-in SQL source, which the demo does not configure
    "okrdesk.plugins.sql_metrics", "okrdesk.plugins.sql_files",
    "okrdesk.plugins.sql_warehouse", "duckdb", "sqlglot",
    # the reference plugin's collecting side: declaring its metrics needs none of it
    "okrdesk_brokerage.collect", "okrdesk_brokerage.engine", "okrdesk_brokerage.reading",
    # reading installed plugins' entry points needs none of these
    "importlib.metadata", "email", "zipfile",
    # windows and growth targets, which the demo's key results do not ask for
    "okrdesk.engine.windows", "okrdesk.engine.growth",
    # --as-of is read without strptime (its locale's date patterns compiled first)
    "_strptime",
    # the plan, kept in the user's cache, is read without parsing or checking its files,
    # and its key hashed without OpenSSL
    "okrdesk.targets.schema", "okrdesk.targets.checks", "hashlib", "_hashlib",
    # nor the advice for a mistake in one
    "okrdesk.targets.syntax_habits",
    # okrdesk.toml, kept as data, is read without it
    "tomllib",
}  # fmt: skip

SCRIPT = """
import sys
from okrdesk.cli import cli
try:
    cli.main(sys.argv[1:], prog_name="okrdesk")
except SystemExit as stop:
    code = stop.code
print()
print(code)
print(",".join(sorted(sys.modules)))
"""


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("imports")
    ENV["XDG_CACHE_HOME"] = str(folder / "cache")
    root = folder / "demo"
    done = subprocess.run(
        [sys.executable, "-m", "okrdesk", "demo", str(root), "--as-of", "2026-06-30"],
        capture_output=True, text=True, env=ENV,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return root


def modules_after(*argv: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, *argv], capture_output=True, text=True, env=ENV
    )
    *_, code, modules = done.stdout.strip().splitlines()
    assert code in ("0", "None"), done.stdout + done.stderr
    return set(modules.split(","))


def test_the_demo_text_report_imports_nothing_it_does_not_use(demo: Path) -> None:
    modules_after("report", "-w", str(demo), "--as-of", "2026-06-30")  # keeps its plan
    modules = modules_after("report", "-w", str(demo), "--as-of", "2026-06-30")
    assert {"okrdesk.report.build", "okrdesk_brokerage.metrics"} <= modules
    assert sorted(NOT_FOR_A_TEXT_REPORT & modules) == []


def test_the_sql_source_is_listed_but_imported_only_with_its_settings(demo: Path) -> None:
    assert set(BUILTIN_PLUGINS) >= FROM_SETTINGS_ONLY
    host = PluginHost(entry_points=False).load()
    for name in FROM_SETTINGS_ONLY:
        record = host.records[name]
        assert (record.plugin, record.location, record.errors) == (None, BUILTIN_PLUGINS[name], [])
        assert record.how == ("module", BUILTIN_PLUGINS[name])
    configured = PluginHost(entry_points=False, sources={"sql": {"metrics": []}}).load()
    assert configured.records["sql"].plugin is not None
    listed = modules_after("plugins", "-w", str(demo))
    assert "okrdesk.plugins.sql_metrics" not in listed
    shown = subprocess.run(
        [sys.executable, "-m", "okrdesk", "plugins", "-w", str(demo)],
        capture_output=True, text=True, env=ENV, check=True,
    ).stdout  # fmt: skip
    assert f"sql {__version__}  （内置：okrdesk.plugins.sql_metrics）" in shown.splitlines()


def test_a_plan_read_afresh_is_kept_and_the_next_report_reads_it_kept(
    demo: Path, tmp_path: Path
) -> None:
    env = {**ENV, "XDG_CACHE_HOME": str(tmp_path / "cache")}

    def report() -> subprocess.CompletedProcess[str]:
        script = SCRIPT.replace("print()", "print('@@')", 1)
        argv = ["report", "-w", str(demo), "--as-of", "2026-06-30"]
        return subprocess.run([sys.executable, "-c", script, *argv], capture_output=True,
                              text=True, env=env, check=True)  # fmt: skip

    first = report()
    assert "okrdesk.targets.checks" in first.stdout.splitlines()[-1].split(",")
    assert len(list((tmp_path / "cache" / "okrdesk" / "plans").glob("*.json"))) == 1
    again = report()
    assert "okrdesk.targets.checks" not in again.stdout.splitlines()[-1].split(",")
    assert again.stdout.split("@@")[0] == first.stdout.split("@@")[0]
    assert "深圳福田营业部" in again.stdout
