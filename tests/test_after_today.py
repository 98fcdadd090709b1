"""Days after today: a collect stores no week that has not come, and a check-in of a
figure for a day that has not come is refused, each naming the day and today."""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
from pathlib import Path

from click.testing import CliRunner, Result

from okrdesk.cli import cli
from sample_workspace import BASE_FILES, WriteWorkspace


def run(root: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, [*args, "-w", str(root)])


def plan_of(year: int) -> dict[str, str | bytes | None]:
    """The sample workspace's files, its plan moved to ``year``."""
    return {name: text.replace("2026", str(year)) for name, text in BASE_FILES.items()}


def stored_periods(root: Path) -> list[str]:
    database = root / "okrdesk.db"
    if not database.exists():
        return []
    with contextlib.closing(sqlite3.connect(database)) as connection:
        found = connection.execute("SELECT DISTINCT period FROM observations ORDER BY period")
        return [period for (period,) in found]


def test_a_collect_through_a_day_after_today_is_refused_and_stores_nothing(
    write_workspace: WriteWorkspace,
) -> None:
    today = dt.date.today()
    year = today.year + 1  # a plan wholly ahead: every week of it is yet to come
    root = write_workspace(plan_of(year))
    done = run(root, "collect", "--through", f"{year}-03-31", "--lang", "en")
    assert done.exit_code == 2, done.output
    assert (
        f"--through {year}-03-31 is after today ({today}): a collect stores only the days "
        "that have come"
    ) in done.output
    assert "Leave out --through to collect through today. Nothing was collected" in done.output
    assert "Traceback" not in done.output
    assert stored_periods(root) == []
    chinese = run(root, "collect", "--through", f"{year}-03-31")
    assert chinese.exit_code == 2
    assert f"--through {year}-03-31 晚于今天（{today}）：采集只存已经到来的日子" in chinese.output
    assert "不写 --through 即采集到今天为止。未采集任何数据" in chinese.output
    assert stored_periods(root) == []


def test_a_collect_through_today_stores_the_weeks_up_to_today_alone(
    write_workspace: WriteWorkspace,
) -> None:
    today = dt.date.today()
    root = write_workspace(plan_of(today.year))
    done = run(root, "collect", "--through", today.isoformat(), "--lang", "en")
    assert done.exit_code == 0, done.output
    week = today.isocalendar()
    # The week holding today, partial; cut at the year's edge it is W00 or W53 of its year.
    last = stored_periods(root)[-1]
    assert last.startswith(f"{today.year}-W")
    assert int(last[-2:]) in {week.week, 0, 53}


CHECKED_IN = """
[[objectives.key_results]]
id = "KR3"
title = "员工流失率"
direction = "at_most"
target = 8
unit = "%"
"""


def checkins(root: Path) -> list[tuple[object, ...]]:
    with contextlib.closing(sqlite3.connect(root / "okrdesk.db")) as connection:
        return connection.execute("SELECT key_result, day, value FROM checkins").fetchall()


def test_a_check_in_dated_after_today_is_refused_as_a_slip(
    write_workspace: WriteWorkspace,
) -> None:
    today = dt.date.today()
    ahead = today + dt.timedelta(days=1)
    files = plan_of(ahead.year)
    files["okrs.toml"] = str(files["okrs.toml"]) + CHECKED_IN.replace("2026", str(ahead.year))
    root = write_workspace(files)
    done = run(root, "checkin", "O1.KR3", "5%", "--date", ahead.isoformat(), "--lang", "en")
    assert done.exit_code == 2, done.output
    assert f"--date {ahead} is after today ({today}): a check-in is a figure as it stood" in (
        done.output
    )
    assert "leave out --date for today. Nothing was stored." in done.output
    chinese = run(root, "checkin", "O1.KR3", "5%", "--date", ahead.isoformat())
    assert chinese.exit_code == 2
    assert f"--date {ahead} 晚于今天（{today}）：打卡记的是已经到来的某一天的数字" in chinese.output
    assert "未记录任何打卡。" in chinese.output
    assert not (root / "okrdesk.db").exists() or checkins(root) == []


def test_a_spend_dated_after_today_is_recorded_as_committed_and_says_so(
    write_workspace: WriteWorkspace,
) -> None:
    today = dt.date.today()
    ahead = today + dt.timedelta(days=1)
    root = write_workspace(plan_of(ahead.year))
    args = ["spend", "add", "training", "1万", "--signed-by", "王芳", "--date", ahead.isoformat()]
    done = run(root, *args, "--lang", "en")
    assert done.exit_code == 0, done.output
    assert (
        f"Dated after today ({today}): money committed, judged by the breaker as if spent "
        f"today; the report counts it from {ahead}."
    ) in done.output
    chinese = run(root, *args, "--again")
    assert chinese.exit_code == 0, chinese.output
    said = f"支出日期晚于今天（{today}）：按已承诺的支出，熔断按今天已支出判断；报告自 {ahead} 起"
    assert said in chinese.output
    if ahead.year == today.year:  # dated today (a day of the plan): no word of it
        plain = run(root, "spend", "add", "training", "1万", "--signed-by", "王芳", "--lang", "en")
        assert plain.exit_code == 0, plain.output
        assert "after today" not in plain.output
