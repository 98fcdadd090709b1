"""A plan tracked by check-ins alone (the one `okrdesk init` writes): its score's change
over the week read ``±0`` in December after check-ins dated June, as if the week had
stood still, where nothing had come in since; a plan with collected metrics said so
(``其后无新数据``) already. A check-in dated in the week, of the same figure, is a
still week, and reads ``±0``. A real workspace, store and command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from okrdesk.cli import cli

DAY = "2026-12-05"


def first_screen(root: Path, lang: str = "zh") -> list[str]:
    done = CliRunner().invoke(cli, ["report", "--brief", "--as-of", DAY, "--lang", lang,
                                    "-w", str(root)])  # fmt: skip
    assert done.exit_code == 0, done.output
    return done.output.splitlines()


def checked_in(root: Path, kr: str, value: str, day: str) -> None:
    done = CliRunner().invoke(cli, ["checkin", kr, value, "--by", "张伟", "--date", day,
                                    "-w", str(root)])  # fmt: skip
    assert done.exit_code == 0, done.output


def test_a_score_of_check_ins_none_dated_since_says_no_new_figures(tmp_path: Path) -> None:
    root = tmp_path / "branch"
    assert CliRunner().invoke(cli, ["init", str(root), "--lang", "zh"]).exit_code == 0
    checked_in(root, "O1.KR1", "12", "2026-06-30")
    checked_in(root, "O1.KR2", "0.12", "2026-06-30")
    assert first_screen(root)[3] == "综合得分 65.0%（上周末 65.0%，其后无新数据）"
    english = first_screen(root, "en")[3]
    assert english == "Score 65.0% (end of last week 65.0%, no new figures since)"
    checked_in(root, "O1.KR1", "12", "2026-12-02")  # this week, the same figure
    assert first_screen(root)[3] == "综合得分 65.0%（上周末 65.0%，±0）"


def score_of(root: Path, day: str) -> tuple[float | None, float | None]:
    done = CliRunner().invoke(cli, ["report", "--format", "json", "--as-of", day,
                                    "-w", str(root)])  # fmt: skip
    assert done.exit_code in (0, 1), done.output
    report = json.loads(done.output)
    return report["score"], report["previous_score"]


def test_a_key_results_first_figure_moves_the_score_only_as_far_as_it_moved(
    tmp_path: Path,
) -> None:
    """KR2 (the complaint rate, held) checked in, KR1 (new HNW clients, due from January)
    not yet: the score read 100%, KR1 left out. KR1's first check-in in mid-July, 0 new
    clients, nothing moved, took it to 50% in a week. A key result whose way has begun
    counts 0 until its first figure, as a branch's policy counts a component with no
    data: 50% before and after; KR1 at 12 of 40 moves it by what 12 clients are."""
    root = tmp_path / "branch"
    assert CliRunner().invoke(cli, ["init", str(root), "--lang", "zh"]).exit_code == 0
    checked_in(root, "O1.KR2", "0.12", "2026-07-01")
    assert score_of(root, "2026-07-12") == (0.5, 0.5)
    checked_in(root, "O1.KR1", "0", "2026-07-13")
    assert score_of(root, "2026-07-19") == (0.5, 0.5)
    checked_in(root, "O1.KR1", "12", "2026-07-20")
    assert score_of(root, "2026-07-26") == (pytest.approx((1 + 12 / 40) / 2), 0.5)
    # Before the plan's way begins nothing is due, and nothing is counted: no score yet.
    assert score_of(root, "2026-01-01")[0] is None


def test_a_key_result_whose_first_check_in_is_not_due_yet_is_left_out_not_counted_0(
    tmp_path: Path,
) -> None:
    """KR1 checked in once a quarter, its first due by 31 March: in February none yet is
    no shortfall, and the score (KR2's alone) says KR1 is not in it yet, rather than
    holding it down at 0 all quarter; from April, its first check-in late, it counts 0."""
    root = tmp_path / "branch"
    assert CliRunner().invoke(cli, ["init", str(root), "--lang", "zh"]).exit_code == 0
    plan = root / "targets" / "plan.toml"
    text = plan.read_text(encoding="utf-8")
    quarterly = text.replace('  unit = "户"\n', '  unit = "户"\n  cadence = "quarter"\n', 1)
    assert quarterly != text
    plan.write_text(quarterly, encoding="utf-8")
    checked_in(root, "O1.KR2", "0.12", "2026-02-01")
    assert score_of(root, "2026-02-15")[0] == 1.0
    for lang, said in (("en", "Not in the score: O1.KR1"), ("zh", "未计入得分：O1.KR1")):
        done = CliRunner().invoke(cli, ["report", "--as-of", "2026-02-15", "--lang", lang,
                                        "-w", str(root)], env={"COLUMNS": "200"})  # fmt: skip
        assert said in done.output, done.output
    assert score_of(root, "2026-04-10")[0] == 0.5
