"""A line of members' shares that names three of a unit's key results counts the rest.

On the demo as of 31 March 机构业务部 had 7 shares of 4 key results needing attention; the
line named three, each with its own count of shares, and ended in a bare 等: "INST.FEE
胡斌（应完成的 54.6%）等 2 个等", a count said twice, the fourth key result unsaid. As of
28 February 财富管理二部 has 10 shares of 4 key results needing attention.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from test_report import okrdesk


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("zh", "WM2.NEWACC 马丽（应完成的 63.4%）等 3 个，另有 1 项关键结果；--unit wm2 逐个列出"),
        ("en", "WM2.NEWACC 马丽 (63.4% of pace) and 2 more, plus 1 other key result; --unit wm2 "
               "lists them"),
    ],
)  # fmt: skip
def test_the_key_results_a_line_leaves_unnamed_are_counted(
    copy_of_the_demo: Callable[[str], Path], lang: str, said: str
) -> None:
    demo = copy_of_the_demo(f"alert-counts-{lang}")
    done = okrdesk("report", "-w", str(demo), "--as-of", "2026-02-28", "--lang", lang,
                   env={"COLUMNS": "1000"})  # fmt: skip
    assert done.returncode == 0, done.stderr
    (line,) = [line for line in done.stdout.splitlines() if "WM2.NEWACC 马丽" in line]
    assert line.endswith(said), line
    assert "个等" not in done.stdout
