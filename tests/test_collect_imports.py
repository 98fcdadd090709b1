"""`okrdesk collect` lists the built-in report formats without importing them: only a
command that lists or renders formats imports their modules."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from okrdesk.plugins.manager import BUILTIN_PLUGINS, FORMATS_ONLY, PluginHost
from sample_workspace import WriteWorkspace

SCRIPT = """
import json, sys
from okrdesk.cli import cli
try:
    cli.main(sys.argv[1:], prog_name="okrdesk")
except SystemExit as stop:
    assert not stop.code, stop.code
print()
print(json.dumps(sorted(m for m in sys.modules if m.startswith("okrdesk.report.formats."))))
"""


def _formats_imported(*argv: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, *argv], capture_output=True, text=True,
        env={**os.environ, "OKRDESK_LOAD_PLUGINS": "test_metrics"},
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return list(json.loads(done.stdout.strip().splitlines()[-1]))


def test_collect_imports_no_report_format(write_workspace: WriteWorkspace) -> None:
    root = write_workspace()
    assert _formats_imported("collect", "-w", str(root), "--through", "2026-03-15") == []
    rendered = _formats_imported("report", "-w", str(root), "--as-of", "2026-03-15")
    assert "okrdesk.report.formats.text" in rendered


def test_the_formats_are_listed_at_once_and_declared_when_asked_for() -> None:
    host = PluginHost(entry_points=False).load()
    for name in FORMATS_ONLY:
        record = host.records[name]
        assert (record.plugin, record.location, record.errors) == (None, BUILTIN_PLUGINS[name], [])
    assert sorted(host.formats) == ["html", "json", "md", "text", "xlsx"]
    assert all(host.records[name].plugin is not None for name in FORMATS_ONLY)
    assert [host.records[name].formats for name in ("text", "md")] == [["text"], ["md"]]
