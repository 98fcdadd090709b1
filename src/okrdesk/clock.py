"""The machine's today, read through one name: the last day a collect may run through,
a check-in be of, and a report, check or explanation be as of. The test suite sets it to
a day of its own, to play out a plan's end on a day before it."""

from __future__ import annotations

import datetime as dt

from okrdesk.errors import BadInput, Said


def today() -> dt.date:
    return dt.date.today()


def refuse_after_today(
    day: dt.date | None, option: str = "--as-of", now: dt.date | None = None
) -> None:
    """Refuses ``day``, given as ``option``, when it is after today, as a collect and a
    check-in refuse it: a year's report as of 31 December, run on the 7th, told every key
    result it had missed. None (today) passes. ``now``: the day a demo is built as of;
    else the machine's today."""
    now = now or today()
    if day is None or day <= now:
        return
    raise BadInput(Said(
        f"{option} {day} is after today ({now}): the figures and check-ins run only "
        "through today, and a day that has not come would be judged on them as though it "
        "had (a key result on pace would read as behind). Give today or an earlier day, "
        f"or leave out {option} for today",
        f"{option} {day} 晚于今天（{now}）：数字和打卡只到今天，按尚未到来的日子判定，"
        f"进度正常的关键结果也会显得落后。请写今天或更早的日期，或不写 {option}（即今天）",
    ))  # fmt: skip
