"""Hostile text from target files is shown safely in every report format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.cells import cell_len

from okrdesk.cli import cli
from sample_workspace import OKRS, ORG, WriteWorkspace

# As written in TOML: escape sequences that clear the screen and retitle the
# window, a bidi override, markup brackets, HTML and Markdown controls.
HOSTILE_TOML = r"[/] [red]x\u001b[2J\u001b]0;pwned\u0007 \u202eevil <b>|*_`"
LONG = "很长的标题" * 1000


@pytest.fixture
def hostile(write_workspace: WriteWorkspace) -> Path:
    org = ORG.replace('name = "财富管理一部"', f'name = "{HOSTILE_TOML}"')
    okrs = OKRS.replace('title = "直营 AUM 净增"', f'title = "{HOSTILE_TOML}"').replace(
        'title = "投诉率"', f'title = "{LONG}"'
    )
    root = write_workspace({"org.toml": org, "okrs.toml": okrs})
    runner = CliRunner()
    assert (
        runner.invoke(cli, ["collect", "--through", "2026-03-15", "-w", str(root)]).exit_code == 0
    )
    done = runner.invoke(
        cli, ["spend", "add", "salons", "5万", "--signed-by", "王芳", "--signed-by", "李强",
              "--date", "2026-03-10", "--note", "\x1b[31mred\x1b[0m", "-w", str(root)],
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    return root


def report(root: Path, fmt: str, columns: int = 100) -> str:
    result = CliRunner().invoke(
        cli, ["report", "--as-of", "2026-03-15", "--format", fmt, "-w", str(root)],
        env={"COLUMNS": str(columns)},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("fmt", ["text", "md", "html"])
def test_no_control_character_reaches_the_output(hostile: Path, fmt: str) -> None:
    out = report(hostile, fmt)
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    # Shown as an escape, so the reader sees something odd; Markdown escapes the bracket.
    shown = r"\x1b\[2J" if fmt == "md" else r"\x1b[2J"
    assert shown in out
    assert r"\u202eevil" in out


def test_markup_brackets_are_text_not_styles(hostile: Path) -> None:
    out = report(hostile, "text")
    assert "[/] [red]x" in out


@pytest.mark.parametrize("columns", [60, 100])
def test_a_very_long_title_wraps_and_keeps_the_table_shape(hostile: Path, columns: int) -> None:
    lines = report(hostile, "text", columns).splitlines()
    assert max(cell_len(line) for line in lines) <= columns
    assert sum("很长的标题" in line for line in lines) > 10  # wrapped, not cut


def test_json_keeps_the_text_exactly_and_escapes_controls(hostile: Path) -> None:
    out = report(hostile, "json")
    assert "\x1b" not in out and "\\u001b[2J" in out
    data = json.loads(out)
    assert data["objectives"][0]["title"].startswith("[/] [red]x\x1b[2J")


def test_markdown_and_html_escape_their_own_controls(hostile: Path) -> None:
    md = report(hostile, "md")
    assert r"\<b>\|\*\_\`" in md
    html = report(hostile, "html")
    assert "&lt;b&gt;|*_`" in html and "<b>" not in html


def test_a_hostile_title_keeps_the_markdown_table_in_shape(hostile: Path) -> None:
    columns, checked = 0, 0
    for line in report(hostile, "md").splitlines():
        if set(line) <= set("|-:"):
            columns = line.count("|")
        elif line.startswith("|") and "pwned" in line:
            # Every pipe of the title is escaped: as many cell borders as the table's header.
            assert line.count("|") - line.count(r"\|") == columns, line
            checked += 1
    assert checked >= 1


@pytest.mark.parametrize(
    ("title", "shown"),
    [
        ("客户资产净增 ≥ 45亿元(也是“4×100”的新增 AUM 45亿). 2025 年 4.72亿!", None),
        ("NPS ≥ 60 (2025: 58) + 新客 #1, cm_01 & team-a", None),
        ("# 标题", r"\# 标题"),
        ("1. 第一", r"1\. 第一"),
        ("*加粗* _斜体_", r"\*加粗\* \_斜体\_"),
        ("[点我](http://evil)", r"\[点我\](http://evil)"),
        ("a <script> b < c", r"a \<script> b < c"),
        ("催办 <@zhangsan>", r"催办 \<@zhangsan>"),
        ("x|y `code`", r"x\|y \`code\`"),
    ],
)
def test_markdown_escapes_only_what_would_break(title: str, shown: str | None) -> None:
    from okrdesk.report.templates import markdown_text

    assert markdown_text(title) == (title if shown is None else shown)
