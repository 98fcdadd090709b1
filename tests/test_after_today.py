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
