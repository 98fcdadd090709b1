"""A day after today is refused as the day of a report, check, explanation, due list or
split, as a collect and a check-in refuse it: the figures run only through today, and
pace judged for a day to come read as behind (a year-end report run on 7 December told
every key result it had missed)."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from okrdesk.cli import cli
from sample_workspace import WriteWorkspace

TODAY = dt.date(2026, 6, 30)  # a Tuesday: its week, 2026-W27, runs to Sunday 5 July

REFUSED = {
    "en": "--as-of 2026-07-01 is after today (2026-06-30): the figures and check-ins run "
    "only through today, and a day that has not come would be judged on them as though it "
    "had (a key result on pace would read as behind). Give today or an earlier day, or "
    "leave out --as-of for today\n",
    "zh": "--as-of 2026-07-01 晚于今天（2026-06-30）：数字和打卡只到今天，按尚未到来的日子"
    "判定，进度正常的关键结果也会显得落后。请写今天或更早的日期，或不写 --as-of（即今天）\n",
}


def run(root: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, [*args, "-w", str(root)])


@pytest.fixture
def collected(write_workspace: WriteWorkspace, monkeypatch: pytest.MonkeyPatch) -> Path:
    import okrdesk.clock

    monkeypatch.setattr(okrdesk.clock, "today", lambda: TODAY)
    root = write_workspace()
    assert run(root, "collect").exit_code == 0
    return root


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize(
    "command",
    [
        ("report",),
        ("report", "-p", "2026Q2"),
        ("check",),
        ("explain", "O1.KR1"),
        ("due",),
        ("split", "O1.KR1", "--unit", "branch", "--by", "last-period", "--dry-run"),
    ],
)
def test_a_day_after_today_is_refused_with_nothing_judged(
    collected: Path, command: tuple[str, ...], lang: str
) -> None:
    done = run(collected, *command, "--as-of", "2026-07-01", "--lang", lang)
    assert (done.exit_code, done.output) == (2, REFUSED[lang])
    assert run(collected, *command, "--as-of", "2026-06-30", "--lang", lang).exit_code != 2


def test_this_weeks_report_is_as_of_today_and_next_weeks_is_refused(collected: Path) -> None:
    done = run(collected, "report", "--week", "2026-W27", "--format", "json")
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["as_of"] == "2026-06-30"  # not Sunday 5 July
    done = run(collected, "report", "--week", "2026-W28", "--lang", "en")
    assert (done.exit_code, done.output) == (2, (
        "--week 2026-W28: it starts on 2026-07-06, after today (2026-06-30); there is "
        "nothing to show yet\n"
    ))  # fmt: skip
    done = run(collected, "report", "--week", "2026-W28", "--lang", "zh")
    assert (
        done.output
        == "--week 2026-W28：该周自 2026-07-06 开始，晚于今天（2026-06-30）；尚无可显示的内容\n"
    )


def test_a_demo_built_as_of_a_day_to_come_reports_as_of_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`okrdesk demo --as-of` pretends it is that day: its report is as of it, not
    refused as a day after the machine's today."""
    import okrdesk.clock

    monkeypatch.setattr(okrdesk.clock, "today", lambda: TODAY)
    monkeypatch.delattr(sys, "_called_from_test")  # the installed brokerage plugin, as made
    root = tmp_path / "demo"
    done = CliRunner().invoke(cli, ["demo", str(root), "--as-of", "2026-07-15", "--lang", "en"],
                              env={"OKRDESK_LOAD_PLUGINS": "brokerage"})  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "(szft, branch)  As of 2026-07-15 (2026-W29)" in done.output
