"""A plan tracked by check-ins alone (the one `okrdesk init` writes): its score's change
over the week read ``±0`` in December after check-ins dated June, as if the week had
stood still, where nothing had come in since; a plan with collected metrics said so
(``其后无新数据``) already. A check-in dated in the week, of the same figure, is a
still week, and reads ``±0``. A real workspace, store and command line."""

from __future__ import annotations

from pathlib import Path

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
