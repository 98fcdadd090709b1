"""Mistakes a branch manager makes editing target files by hand, in a Chinese editor and
with Excel habits, run through the real ``okrdesk`` command: validate names each at its
file, line and key, says what to write instead, and the commands that read the plan
refuse the same workspace with the same message and exit code 2, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from sample_workspace import WriteWorkspace

OKRDESK = str(Path(sys.executable).with_name("okrdesk"))
READERS = (["report"], ["collect", "--through", "2026-03-15"], ["check"])


def okrdesk(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        "OKRDESK_LOAD_PLUGINS": "test_metrics",
        "PYTHONIOENCODING": "utf-8",
    }
    return subprocess.run([OKRDESK, "-w", str(root), *args], capture_output=True, text=True,
                          encoding="utf-8", env=environment, check=False)  # fmt: skip


def problems(root: Path, lang: str = "en") -> list[str]:
    """validate's problem lines (not the source lines and carets below them, not the count),
    after checking that it failed as it must."""
    done = okrdesk(root, "validate", "--lang", lang)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    lines = done.stdout.rstrip("\n").split("\n")
    return [line for line in lines[:-1] if not line.startswith((" ", "warning: ", "警告："))]


def refused_alike(root: Path) -> None:
    """report, collect and check stop on the plan, each printing what validate printed."""
    found = problems(root)
    for command in READERS:
        done = okrdesk(root, *command, "--lang", "en")
        both = done.stdout + done.stderr
        assert done.returncode == 2, (command, both)
        assert "Traceback" not in both
        for line in found:
            assert line in both, (command, line, both)


def test_a_loop_of_links_in_targets_is_one_problem_per_link(
    write_workspace: WriteWorkspace,
) -> None:
    root = write_workspace({"okrs.toml": None})
    targets = root / "targets"
    (targets / "okrs.toml").symlink_to("team.toml")
    (targets / "team.toml").symlink_to("okrs.toml")
    (targets / "self.toml").symlink_to("self.toml")
    found = problems(root)
    assert found == [
        "targets/okrs.toml: links to team.toml, which leads round a loop of links and never "
        "to a file; point the link at the target file or remove it",
        "targets/self.toml: links to self.toml, which leads round a loop of links and never "
        "to a file; point the link at the target file or remove it",
        "targets/team.toml: links to okrs.toml, which leads round a loop of links and never "
        "to a file; point the link at the target file or remove it",
    ]
    assert problems(root, "zh")[0] == (
        "targets/okrs.toml: 链接到 team.toml，但这些链接绕成了一个圈，找不到文件；"
        "请让链接指向目标文件，或删除此链接"
    )
    refused_alike(root)


@pytest.fixture(autouse=True)
def _no_stray_workspace(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OKRDESK_WORKSPACE", raising=False)
