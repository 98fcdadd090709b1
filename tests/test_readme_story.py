"""The README's "What the demo shows" tells the demo's story as of 20 November in
figures: each must be the figure the demo's report (its Markdown snapshot, which
tests/test_report.py holds to the real report) shows. When the demo changes and the
snapshot is regenerated, this fails until the story is told again."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
SNAPSHOT = (ROOT / "tests" / "snapshots" / "demo.md").read_text(encoding="utf-8")
README = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())

# (what the README says, the row and cells of the report it comes from)
STORY = [
    ("at about 40亿 with 39.95亿 due", "C1.KR1", "| 39.98亿 | 45亿 | 88.8% | 39.95亿 |"),
    ("Client NPS at 60.5 beats the company's 60", "C1.KR3", "| 60.49分 | 60分 |"),
    ("open → first purchase at 20.7% against 16%", "P.FUNNEL", "| 20.7% | 16% |"),
    ("empty accounts at 18.6% against at most 20%", "P.EMPTY", "| 18.6% | 20% |"),
    ("asset attrition at 4.2% stays inside its 8% limit", "O2.KR1", "| 4.2% | 8% |"),
    ("The same NPS of 60.5 is short of the branch's own 62", "O2.NPS", "| 60.49分 | 62分 |"),
    ("271 against 316 due", "O1.KR1", "| 271户 | 360户 | 75.3% | 316户 |"),
    ("spent 113% of its 380万", "events", "已用预算 112.6%"),
]


@pytest.mark.parametrize(("told", "row", "shown"), STORY, ids=[s[1] for s in STORY])
def test_the_readme_tells_the_figures_the_demo_report_shows(
    told: str, row: str, shown: str
) -> None:
    assert told in README, f"the README no longer says {told!r}"
    lines = [line for line in SNAPSHOT.splitlines() if row in line and shown in line]
    assert lines, f"the demo's report no longer shows {shown!r} for {row}: tell the story again"
