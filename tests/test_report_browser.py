"""The HTML report in a real headless Chromium: it renders, logs nothing, runs no script."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from okrdesk.cli import cli
from sample_workspace import OKRS, ORG, WriteWorkspace

HOSTILE = "<script>alert(1)</script>"
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--enable-logging=stderr", "--v=0",
]  # fmt: skip


def chromium(page: Path, profile: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    binary = shutil.which("chromium")
    if binary is None:
        pytest.fail("chromium is not installed; `make test` installs Debian's chromium package")
    return subprocess.run(
        [binary, *FLAGS, f"--user-data-dir={profile}", *extra, page.as_uri()],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def console_messages(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if ":CONSOLE" in line]


@pytest.fixture
def hostile_report(write_workspace: WriteWorkspace, tmp_path: Path) -> Path:
    org = ORG.replace('name = "财富管理一部"', f'name = "{HOSTILE}"')
    okrs = OKRS.replace('title = "直营 AUM 净增"', f'title = "{HOSTILE}"')
    root = write_workspace({"org.toml": org, "okrs.toml": okrs})
    runner = CliRunner()
    assert (
        runner.invoke(cli, ["collect", "--through", "2026-03-15", "-w", str(root)]).exit_code == 0
    )
    for line, amount in (("salons", "70万"), ("training", "20万")):
        runner.invoke(cli, ["spend", "add", line, amount, "--signed-by", "王芳", "--signed-by",
                            "李强", "--date", "2026-03-10", "-w", str(root)])  # fmt: skip
    out = tmp_path / "report.html"
    result = runner.invoke(
        cli, ["report", "--as-of", "2026-03-15", "--unit", "branch", "--format", "html",
              "--out", str(out), "-w", str(root)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return out


def test_the_console_check_can_see_an_error(tmp_path: Path) -> None:
    page = tmp_path / "bad.html"
    page.write_text('<!DOCTYPE html><p>x</p><script>console.error("boom")</script>')
    done = chromium(page, tmp_path / "profile", "--dump-dom")
    assert any("boom" in line for line in console_messages(done.stderr))


def test_the_report_renders_without_console_errors_and_is_not_blank(
    hostile_report: Path, tmp_path: Path
) -> None:
    shot = tmp_path / "report.png"
    done = chromium(hostile_report, tmp_path / "profile", "--window-size=1280,1600",
                    f"--screenshot={shot}")  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert console_messages(done.stderr) == []
    image = Image.open(shot).convert("RGB")
    assert image.size == (1280, 1600)
    colours = image.getcolors(maxcolors=1_000_000) or []
    assert len(colours) > 50, "the screenshot is (nearly) blank"
    white = sum(count for count, rgb in colours if rgb == (255, 255, 255))
    assert white < 0.98 * image.size[0] * image.size[1]


def test_hostile_names_are_text_and_no_script_runs(hostile_report: Path, tmp_path: Path) -> None:
    done = chromium(hostile_report, tmp_path / "profile", "--dump-dom")
    dom = done.stdout
    assert "<script" not in dom.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom
    assert dom.count("&lt;script&gt;") >= 2  # the objective's title and the team's name
    assert console_messages(done.stderr) == []
    assert "<svg" in dom and 'class="burnup"' in dom
