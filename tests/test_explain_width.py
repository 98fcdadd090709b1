"""Every line `okrdesk explain` prints fits 80 columns piped (to a file, a mail, less)
as on a terminal of 80: a title holding an escape or tabs pasted into a target file is
escaped before it is folded, so the width folded to is the width shown (the `okrdesk`
process, piped and in a real pseudo-terminal)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from okrdesk.cli import cli
from okrdesk.messages import display_width
from sample_workspace import OKRS, WriteWorkspace
from test_report import AS_OF
from test_weekly_rhythm import in_a_terminal

PASTED = OKRS.replace(
    'title = "新增高净值客户"',
    'title = "新增\\u001b[31m高净值客户' + "\\t" * 12 + '（以 CRM 口径\\u001b[0m为准）"',
    1,
)


def piped(root: Path, *args: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-m", "okrdesk", *args, "-w", str(root)], stdin=subprocess.DEVNULL,
        capture_output=True, text=True, env={**os.environ, "OKRDESK_LOAD_PLUGINS": "test_metrics"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


@pytest.fixture
def pasted(write_workspace: WriteWorkspace) -> Path:
    root = write_workspace({"okrs.toml": PASTED})
    done = CliRunner().invoke(cli, ["collect", "--through", "2026-01-31", "-w", str(root)])
    assert done.exit_code == 0, done.output
    return root


def test_a_title_holding_an_escape_and_tabs_is_folded_as_it_is_shown(pasted: Path) -> None:
    args = ("explain", "O1.KR1", "--as-of", "2026-01-31")
    terminal = in_a_terminal(*args, "-w", str(pasted), plugins="test_metrics")
    for shown in (piped(pasted, *args), terminal):
        assert all("\x1b" not in line and "\t" not in line for line in shown)
        assert all(display_width(line) <= 80 for line in shown), shown
        # Nothing lost: the escapes written out, the tabs as spaces, the rest folded under.
        title = [line for line in shown if line.strip()][:2]
        assert title[1].startswith("  （以 CRM 口径"), title
        assert (
            "".join("".join(title).split())
            == "O1.KR1新增\\x1b[31m高净值客户（以CRM口径\\x1b[0m为准）"
        )


@pytest.fixture(scope="module")
def demo(copy_of_the_demo: Callable[[str], Path]) -> Path:
    return copy_of_the_demo("explain-width")


DEMO_DAY = AS_OF  # the day copy_of_the_demo builds the demo on


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_budget_lines_explain_fits_80_columns_piped(demo: Path, lang: str) -> None:
    """A line's spend and its shares of revenue ran to 85-97 columns piped; a line spent
    past its amount read 剩余 -47.76万."""
    env = {**os.environ, "OKRDESK_LOAD_PLUGINS": "brokerage"}
    env.pop("COLUMNS", None)
    said = ""
    for line in ("events", "experts", "ai-signal"):
        done = subprocess.run(
            [sys.executable, "-m", "okrdesk", "explain", line, "--as-of", DEMO_DAY, "--lang",
             lang, "-w", str(demo)], stdin=subprocess.DEVNULL, capture_output=True, text=True,
            env=env,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert all(display_width(row) <= 80 for row in done.stdout.splitlines()), done.stdout
        said += done.stdout
    over = "超支 47.76万" if lang == "zh" else "over by CNY 478k"
    assert over in said and "剩余 -" not in said and "left -" not in said


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_refusal_of_a_key_result_no_plugin_measures_folds_as_explains_lines(
    write_workspace: WriteWorkspace, lang: str
) -> None:
    """Why a key result cannot be measured (its plugin not run in an untrusted workspace)
    ran to about 125 columns in one line, where every other line explain prints folds at
    80 piped: now it folds alike, the lines after its first indented, nothing lost."""
    root = write_workspace(trusted=False)
    env = {**os.environ, "OKRDESK_LOAD_PLUGINS": "test_metrics"}
    env.pop("COLUMNS", None)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "okrdesk", *args, "-w", str(root)],
                              stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              env=env)  # fmt: skip

    assert run("collect", "--through", "2026-03-15").returncode == 1  # its plugin not run
    done = run("explain", "O1.KR1", "--as-of", "2026-03-15", "--lang", lang)
    assert done.returncode == 1, done.stdout + done.stderr
    told = done.stderr.splitlines()
    assert len(told) > 1 and all(display_width(line) <= 80 for line in told), told
    assert all(line.startswith("  ") and not line.startswith("   ") for line in told[1:]), told
    whole = {
        "zh": "O1.KR1 无法测量：已加载的插件都不提供指标 new_hnw_clients；本工作区自带的插件"
        "（plugins/test_metrics.py）未运行：`okrdesk trust` 可允许它们运行",
        "en": "O1.KR1 cannot be measured: no loaded plugin provides metric new_hnw_clients; "
        "the workspace's own plugins (plugins/test_metrics.py) were not run: `okrdesk trust` "
        "allows them",
    }[lang]
    assert "".join(done.stderr.split()) == "".join(whole.split())
