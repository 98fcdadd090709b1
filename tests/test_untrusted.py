"""A workspace someone sent you: what of it may run, what may reach your terminal,
and what files it may read."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from sample_workspace import WriteWorkspace

OKRDESK = [sys.executable, "-m", "okrdesk"]
ONLY_TEST_PLUGIN = {"OKRDESK_LOAD_PLUGINS": "test_metrics"}


def run(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, **ONLY_TEST_PLUGIN, **(env or {})}
    return subprocess.run([*OKRDESK, *args], capture_output=True, text=True, cwd=cwd,
                          env=environment, timeout=120)  # fmt: skip


# ------------------------------------------------------------------ templates

ESCAPE = "{{ cycler.__init__.__globals__.os.system('touch PWNED') }}\n"


@pytest.mark.parametrize("name", ["report.md.j2", "report.html.j2"])
def test_a_workspace_template_cannot_run_code(
    write_workspace: WriteWorkspace, tmp_path: Path, name: str
) -> None:
    root = write_workspace()
    (root / "templates").mkdir()
    (root / "templates" / name).write_text(f"Hello\n{ESCAPE}", encoding="utf-8")
    assert run("collect", "--through", "2026-03-15", "-w", str(root)).returncode == 0
    fmt = "md" if name.endswith("md.j2") else "html"
    done = run("report", "--format", fmt, "--as-of", "2026-03-15", "-w", str(root), cwd=tmp_path)
    assert not (tmp_path / "PWNED").exists()
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"{name}:2: template error" in done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""
