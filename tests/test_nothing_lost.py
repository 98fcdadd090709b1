"""Nothing lost on a bad day: --out never replaces a workspace's own files,
spreadsheet cells cannot run formulas, and a collect through an earlier day
never replaces a complete period with part of it."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from okrdesk.cli import cli
from sample_workspace import WriteWorkspace


def run(root: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, [*args, "-w", str(root)])


def fingerprint(root: Path) -> dict[str, str]:
    """Every file of the workspace (database included), by content."""
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


# ------------------------------------------------------------------ --out


@pytest.fixture
def collected(write_workspace: WriteWorkspace, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("OKRDESK_LOAD_PLUGINS", "test_metrics")
    root = write_workspace()
    assert run(root, "collect", "--through", "2026-01-20").exit_code == 0
    return root


@pytest.mark.parametrize(
    ("out", "said"),
    [
        ("okrdesk.db", "that is the workspace's database"),
        ("targets/../okrdesk.db", "that is the workspace's database"),
        ("okrdesk.db-wal", "that is a file of the workspace's database"),
        ("targets/plan.toml", "that is a target file"),
        ("targets/new-report.toml", "that is a target file"),
        ("okrdesk.toml", "that is the workspace's settings (okrdesk.toml)"),
        ("link-to-db", "that is the workspace's database"),
        ("link-to-plan", "that is a target file"),
        ("plugins/test_metrics.py", "that is a plugin of the workspace"),
    ],
)
@pytest.mark.parametrize("command", [["export"], ["export", "--format", "csv"], ["report"]])
def test_out_refuses_the_workspace_s_own_files(
    collected: Path, monkeypatch: pytest.MonkeyPatch, out: str, said: str, command: list[str]
) -> None:
    root = collected
    (root / "link-to-db").symlink_to(root / "okrdesk.db")
    (root / "link-to-plan").symlink_to(Path("targets") / "plan.toml")
    monkeypatch.chdir(root)
    before = fingerprint(root)
    args = [*command, "--as-of", "2026-01-20"] if command == ["report"] else command
    result = run(root, *args, "--out", out)
    assert result.exit_code == 2, result.output
    assert f"--out {out}: {said}; choose another file. Nothing was written." in result.output
    assert fingerprint(root) == before
    assert run(root, "validate").exit_code == 0


def test_out_still_writes_anywhere_else(collected: Path, tmp_path: Path) -> None:
    out = collected / "reports" / "week.md"
    out.parent.mkdir()
    done = run(collected, "report", "--as-of", "2026-01-20", "--format", "md", "--out", str(out))
    assert done.exit_code == 0, done.output
    assert out.read_text(encoding="utf-8").startswith("#")
    csv = tmp_path / "targets.csv"  # a "targets" name outside the workspace is fine
    assert run(collected, "export", "--format", "csv", "--out", str(csv)).exit_code == 0
    assert csv.read_text(encoding="utf-8").startswith("metric,")
    assert os.stat(csv).st_mode & 0o777 == 0o666 & ~_umask()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
