"""A named pipe where a workspace file should be (a tar archive someone sent keeps them):
reading one would wait for a writer for ever, so every command refuses it at once,
naming it, and reads the rest."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from sample_workspace import WriteWorkspace

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")

HANG_GUARD = 300
"""Seconds after which a command still waiting on a pipe is taken to wait for ever: not a
bound on its speed, which any loaded machine meets by far."""


def okrdesk(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "okrdesk", *args, "-w", str(root)],
        capture_output=True,
        text=True,
        timeout=HANG_GUARD,
        env={**os.environ, "OKRDESK_LOAD_PLUGINS": "test_metrics"},
    )


@pytest.mark.parametrize("command", [["validate"], ["report"], ["check"]])
def test_a_named_pipe_as_the_settings_is_refused_naming_it(
    write_workspace: WriteWorkspace, command: list[str]
) -> None:
    root = write_workspace()
    os.mkfifo(root / "okrdesk.toml")
    done = okrdesk(root, *command, "--lang", "en")
    assert done.returncode == 2, done.stderr
    said = done.stdout + done.stderr
    assert "okrdesk.toml: is a named pipe (FIFO), not a file" in said
    assert "Traceback" not in said
    chinese = okrdesk(root, *command, "--lang", "zh")
    assert chinese.returncode == 2
    assert "okrdesk.toml: 是命名管道（FIFO），不是文件" in chinese.stdout + chinese.stderr


@pytest.mark.parametrize("command", [["validate"], ["report"]])
def test_a_named_pipe_among_the_target_files_is_refused_naming_it(
    write_workspace: WriteWorkspace, command: list[str]
) -> None:
    root = write_workspace()
    os.mkfifo(root / "targets" / "team-b.toml")
    done = okrdesk(root, *command, "--lang", "en")
    assert done.returncode == 2, done.stderr
    said = done.stdout + done.stderr
    assert "targets/team-b.toml: is a named pipe (FIFO), not a file" in said
    assert "Traceback" not in said


def test_a_plan_read_once_is_not_taken_from_the_cache_once_a_pipe_joins_it(
    write_workspace: WriteWorkspace,
) -> None:
    root = write_workspace()
    assert okrdesk(root, "validate").returncode == 0  # kept in the user's cache
    os.mkfifo(root / "targets" / "team-b.toml")
    done = okrdesk(root, "validate", "--lang", "en")
    assert done.returncode == 2
    assert "targets/team-b.toml: is a named pipe" in done.stdout + done.stderr


def test_a_named_pipe_among_the_workspace_s_plugins_is_named_and_not_run(
    write_workspace: WriteWorkspace,
) -> None:
    # Not counted as the workspace's code (it is no file), so trust in the workspace's
    # plugins stood, and the command then waited for ever importing it.
    root = write_workspace()
    os.mkfifo(root / "plugins" / "salons.py")
    for command in (["validate"], ["collect", "--through", "2026-03-15"], ["report"]):
        done = subprocess.run(
            [sys.executable, "-m", "okrdesk", *command, "--lang", "en", "-w", str(root)],
            capture_output=True, text=True, timeout=HANG_GUARD,
            env={**os.environ, "OKRDESK_LOAD_PLUGINS": "test_metrics,salons"},
        )  # fmt: skip
        said = " ".join((done.stdout + done.stderr).split())
        assert "plugin salons: not run: it is no file (a named pipe" in said, (command, said)
        assert "Traceback" not in said
