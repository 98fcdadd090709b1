"""A plugin reading a rolling export (a CRM that exports its last 30 days) says the days
it holds with ``emit.covers``. A collect a month later deleted every week the export no
longer reached (a plugin that gives zeros for no rows overwrote them with zeros), and
called them changed. Now the weeks it does not hold whole keep what is stored, and the
collect says so; a restatement inside the days it holds still replaces."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from installed_package import installed_package, okrdesk
from okrdesk.model import MetricSpec, Person
from okrdesk.plugins import hookimpl
from okrdesk.plugins.hookspecs import CollectRequest, Emit
from okrdesk.plugins.testing import check_plugin
from okrdesk.units import UNITS
from sample_workspace import WriteWorkspace

PLUGIN = """\
import csv
import datetime as dt

from okrdesk.model import MetricSpec
from okrdesk.plugins import hookimpl
from okrdesk.units import UNITS


@hookimpl
def okrdesk_metrics(register):
    register(MetricSpec("salon_leads", "Salon leads", "沙龙线索", "flow", UNITS["户"]))
    register(MetricSpec("salon_members", "Salon members", "沙龙会员", "stock", UNITS["户"]))


@hookimpl
def okrdesk_collect(request, emit):
    settings = request.settings
    path = request.workspace / "data" / "leads.csv"
    with path.open(encoding="utf-8") as opened:
        rows = [(dt.date.fromisoformat(r["day"]), r["cm"], int(r["leads"]), n)
                for n, r in enumerate(csv.DictReader(opened), start=2)]
    days = [row[0] for row in rows]
    mistake = settings.get("mistake", "")
    if mistake == "text":
        emit.covers(min(days).isoformat(), max(days))
    elif mistake == "reversed":
        emit.covers(max(days), min(days))
    elif mistake == "unasked":
        emit.covers(min(days), max(days), "salon_lead")
    elif settings.get("says_covers", True) and mistake != "after":
        emit.covers(min(days), max(days))
    wanted = {spec.name for spec in request.metrics}
    totals, levels = {}, {}
    for day, cm, leads, number in rows:
        for period in request.periods:
            if period.start <= day <= period.end and day <= request.through:
                totals.setdefault((cm, period.id), []).append((leads, number))
                levels[(cm, period.id)] = (leads, number)
    for person in request.people:
        for period in request.periods:
            given = totals.get((person.id, period.id))
            if "salon_leads" in wanted and given is not None:
                emit("salon_leads", person.id, period.id, value=sum(g[0] for g in given),
                     source="leads.csv rows " + ",".join(str(g[1]) for g in given))
            elif "salon_leads" in wanted and settings.get("zero_fill"):
                emit("salon_leads", person.id, period.id, value=0, no_rows=True)
            level = levels.get((person.id, period.id))
            if "salon_members" in wanted and level is not None:
                emit("salon_members", person.id, period.id, value=10 * level[0],
                     source=f"leads.csv row {level[1]}")
    if mistake == "after":
        emit.finished("salon_leads")
        emit.covers(min(days), max(days), "salon_leads")
"""

KEY_RESULTS = """\
[[objectives]]
id = "O9"
title = "沙龙"
owner = "branch"

[[objectives.key_results]]
id = "KR1"
title = "沙龙线索"
metric = "salon_leads"
target = 60
unit = "户"

[[objectives.key_results]]
id = "KR2"
title = "沙龙会员"
metric = "salon_members"
target = 600
unit = "户"
"""

MONDAYS = [dt.date(2026, 1, 5) + dt.timedelta(weeks=n) for n in range(10)]  # W02 to W11
CRM = sorted(
    [(monday, "cm01", 3) for monday in MONDAYS]
    + [(monday + dt.timedelta(days=2), "cm02", 2) for monday in MONDAYS]
    + [(dt.date(2026, 2, 14), "cm01", 1), (dt.date(2026, 2, 14), "cm02", 1)]
    + [(dt.date(2026, 3, 15), "cm02", 5)]
)
"""What the CRM holds: a Monday's leads of cm01 and a Wednesday's of cm02 each week from
2026-W02 to W11, a Saturday's of each in W07 and a Sunday's in W11."""

FIRST_DAY = dt.date(2026, 2, 14)
"""The first day the export a month later holds: it reaches back 30 days."""


def _export(root: Path, first: dt.date, last: dt.date, rows: list[tuple[dt.date, str, int]] = CRM
            ) -> None:  # fmt: skip
    lines = [f"{day},{cm},{leads}\n" for day, cm, leads in rows if first <= day <= last]
    (root / "data" / "leads.csv").write_text("day,cm,leads\n" + "".join(lines), "utf-8")


def _stored(root: Path, metric: str = "salon_leads") -> dict[tuple[str, str], float]:
    with sqlite3.connect(root / "okrdesk.db") as connection:
        rows = connection.execute(
            "SELECT subject, period, value FROM observations WHERE metric = ? AND slice = ''",
            (metric,),
        ).fetchall()
    return {(subject, period): value for subject, period, value in rows}


@pytest.fixture
def rolling(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> Iterator[tuple[Path, dict[str, str]]]:
    root = write_workspace({"salons.toml": KEY_RESULTS})
    (root / "data").mkdir()
    with installed_package(tmp_path / "site", "rolling", PLUGIN) as env:
        yield root, env


def _settings(root: Path, text: str) -> None:
    (root / "okrdesk.toml").write_text(f"[sources.rolling]\n{text}\n", "utf-8")


def _collect(env: dict[str, str], root: Path, through: str, lang: str = "en") -> tuple[int, str]:
    done = okrdesk(env, "collect", "--lang", lang, "--through", through, "-w", str(root))
    return done.returncode, done.stdout + done.stderr


@pytest.mark.parametrize("zero_fill", [False, True])
def test_a_rolling_export_a_month_later_keeps_the_weeks_it_no_longer_reaches(
    rolling: tuple[Path, dict[str, str]], zero_fill: bool
) -> None:
    root, env = rolling
    _settings(root, f"zero_fill = {str(zero_fill).lower()}")
    _export(root, dt.date(2026, 1, 1), dt.date(2026, 2, 15))
    code, told = _collect(env, root, "2026-02-15")
    assert code == 0, told
    first = _stored(root)
    assert first[("cm01", "2026-W07")] == 4 and first[("cm02", "2026-W07")] == 3, first
    members = _stored(root, "salon_members")

    _export(root, FIRST_DAY, dt.date(2026, 3, 15))
    code, told = _collect(env, root, "2026-03-15")
    assert code == 0, told
    now = _stored(root)
    # The weeks before 2026-02-14, and W07, of which the export holds a Saturday alone.
    assert {key: now[key] for key in first} == first, told
    assert now[("cm01", "2026-W08")] == 3 and now[("cm02", "2026-W11")] == 7, now
    assert "deleted" not in told, told
    assert (
        "salon_leads: its source reaches back only to 2026-02-14: 6 periods before it "
        "(2026-W02 to 2026-W07) kept as stored, not changed"
    ) in told, told
    # W01 (1 to 4 January) had no figure: part of a week is not stored as the week.
    assert "1 period before it with no figure stored (2026-W01) left without one" in told, told
    assert ("cm01", "2026-W01") not in now
    # A stock needs only its period's last day: W07's is held, so its level is read.
    levels = _stored(root, "salon_members")
    assert levels[("cm02", "2026-W02")] == members[("cm02", "2026-W02")] == 20, levels
    assert levels[("cm01", "2026-W07")] == 10, levels  # 2026-02-14's level, W07's last row
    assert "salon_members: its source reaches back only to 2026-02-14: 5 periods" in told

    code, told = _collect(env, root, "2026-03-15", "zh")
    assert code == 0, told
    assert (
        "salon_leads：数据源只追溯到 2026-02-14：此前的 6 个周期（2026-W02 至 2026-W07）照原样保留"
        in told
    )


def test_a_plugin_that_says_nothing_is_as_before(rolling: tuple[Path, dict[str, str]]) -> None:
    """Without emit.covers, rows are all a collect has to go by: the weeks no longer
    given are gone, as a restatement that removed them would be."""
    root, env = rolling
    _settings(root, "says_covers = false")
    _export(root, dt.date(2026, 1, 1), dt.date(2026, 2, 15))
    assert _collect(env, root, "2026-02-15")[0] == 0
    _export(root, FIRST_DAY, dt.date(2026, 3, 15))
    code, told = _collect(env, root, "2026-03-15")
    assert code == 0, told
    now = _stored(root)
    assert ("cm02", "2026-W02") not in now and now[("cm01", "2026-W07")] == 1, now
    assert "no longer reported, deleted" in told and "reaches back" not in told, told


def test_a_restatement_inside_the_days_held_replaces(
    rolling: tuple[Path, dict[str, str]],
) -> None:
    root, env = rolling
    _settings(root, "")
    _export(root, dt.date(2026, 1, 1), dt.date(2026, 2, 15))
    assert _collect(env, root, "2026-02-15")[0] == 0
    first = _stored(root)
    _export(root, FIRST_DAY, dt.date(2026, 3, 15))
    assert _collect(env, root, "2026-03-15")[0] == 0
    # The CRM restated W09: cm01's lead was 4, cm02's was entered in error.
    week_nine = dt.date(2026, 2, 23)
    restated = [
        (day, cm, 4 if day == week_nine else leads)
        for day, cm, leads in CRM
        if not (cm == "cm02" and day == week_nine + dt.timedelta(days=2))
    ]
    _export(root, FIRST_DAY, dt.date(2026, 3, 15), restated)
    code, told = _collect(env, root, "2026-03-15")
    assert code == 0, told
    now = _stored(root)
    assert now[("cm01", "2026-W09")] == 4 and ("cm02", "2026-W09") not in now, now
    assert "2 no longer reported, deleted" in told, told  # cm02's W09 leads and level
    assert "Revised: salon_leads, 2 figures of complete periods (2026-W09) changed" in told
    assert {key: now[key] for key in first} == first


@pytest.mark.parametrize(
    ("mistake", "en", "zh"),
    [
        ("text", "emit.covers: first_day must be a day (datetime.date), not str",
         "emit.covers：first_day 必须是日期（datetime.date），不能是 str"),
        ("reversed", "emit.covers: first_day 2026-03-15 is after last_day 2026-02-14",
         "emit.covers：first_day 2026-03-15 晚于 last_day 2026-02-14"),
        ("unasked", "error: plugin rolling metric salon_lead: emit.covers for a metric this "
         "plugin was not asked for", "对没有向此插件要的指标调用了 emit.covers"),
        ("after", "emit.covers after emit.finished for this metric, which a plugin must not do",
         "在此指标的 emit.finished 之后（插件不得如此）调用 emit.covers"),
    ],
)  # fmt: skip
def test_emit_covers_given_wrongly_is_told_and_keeps_what_is_stored(
    rolling: tuple[Path, dict[str, str]], mistake: str, en: str, zh: str
) -> None:
    root, env = rolling
    _settings(root, "")
    _export(root, dt.date(2026, 1, 1), dt.date(2026, 2, 15))
    assert _collect(env, root, "2026-02-15")[0] == 0
    first = _stored(root)
    _settings(root, f'mistake = "{mistake}"')
    _export(root, FIRST_DAY, dt.date(2026, 3, 15))
    for lang, words in (("en", en), ("zh", zh)):
        code, told = _collect(env, root, "2026-03-15", lang)
        assert code == 1, told
        assert words in told and "Traceback" not in told, told
        now = _stored(root)
        assert {key: now[key] for key in first} == first, told


class _RollingInProcess:
    """A plugin as a plugin author's test hands it to check_plugin: an object."""

    @hookimpl
    def okrdesk_metrics(self, register: Callable[[MetricSpec], None]) -> None:
        register(MetricSpec("salon_leads", "Salon leads", "沙龙线索", "flow", UNITS["户"]))
        register(MetricSpec("salon_members", "Salon members", "沙龙会员", "stock", UNITS["户"]))

    @hookimpl
    def okrdesk_collect(self, request: CollectRequest, emit: Emit) -> None:
        emit.covers(dt.date(2026, 2, 14), dt.date(2026, 3, 15))
        emit.covers(dt.date(2026, 2, 16), dt.date(2026, 3, 31), "salon_members")
        for person in request.people:
            emit("salon_leads", person.id, request.periods[-1].id, value=1)


def test_check_plugin_tells_an_author_the_days_said() -> None:
    people = [Person("cm01", "王芳", "team-a")]
    check = check_plugin(
        _RollingInProcess(), people=people, start=dt.date(2026, 1, 1),
        through=dt.date(2026, 3, 15),
    )  # fmt: skip
    check.assert_valid()
    leads, members = check.days_held["salon_leads"], check.days_held["salon_members"]
    assert (leads.first, leads.last) == (dt.date(2026, 2, 14), dt.date(2026, 3, 15))
    # Said twice, the days both hold; a stock needs only the day it is read at.
    assert (members.first, members.last, members.summed) == (
        dt.date(2026, 2, 16), dt.date(2026, 3, 15), False,
    )  # fmt: skip


MONTHLY = """\
[[scoring]]
id = "cm-monthly"
name = "客户经理月度考核"
roles = ["cm"]
period = "month"

[[scoring.components]]
metric = "salon_leads"
weight = 1
standard = 5
unit = "户"
"""
"""A policy that has salon_leads collected by the month too, beside the plan's weeks."""


def test_a_metric_read_by_the_week_and_the_month_says_each_grains_periods_apart(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    """Both grains' periods were told as one run sorted as text, "7 periods before it
    (2026-02 to 2026-W07)": a month first, then the weeks, counted together."""
    root = write_workspace({"salons.toml": KEY_RESULTS, "scoring.toml": MONTHLY})
    (root / "data").mkdir()
    with installed_package(tmp_path / "site", "rolling", PLUGIN) as env:
        _settings(root, "")
        _export(root, dt.date(2026, 1, 1), dt.date(2026, 2, 15))
        assert _collect(env, root, "2026-02-15")[0] == 0
        _export(root, FIRST_DAY, dt.date(2026, 3, 15))
        code, told = _collect(env, root, "2026-03-15")
        assert code == 0, told
        assert (
            "salon_leads: its source reaches back only to 2026-02-14: 6 weeks before it "
            "(2026-W02 to 2026-W07) and 1 month (2026-02) kept as stored, not changed; "
            "1 week before it with no figure stored (2026-W01) and 1 month (2026-01) left "
            "without one"
        ) in told, told
        code, told = _collect(env, root, "2026-03-15", "zh")
        assert code == 0, told
        assert (
            "salon_leads：数据源只追溯到 2026-02-14：此前的 6 周（2026-W02 至 2026-W07）和 "
            "1 个月（2026-02）照原样保留，未作变动；此前尚无数字的 1 周（2026-W01）和 1 个月"
            "（2026-01）不填数字"
        ) in told, told


GROWTH = """\
[[objectives]]
id = "O8"
title = "沙龙增长"
owner = "branch"

[[objectives.key_results]]
id = "KR9"
title = "沙龙线索同比 +10%"
metric = "salon_leads"
growth = "10%"
unit = "户"
"""


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_last_years_periods_the_source_lacks_are_not_told_as_this_years(
    write_workspace: WriteWorkspace, tmp_path: Path, lang: str
) -> None:
    """A growth target has a collect read last year's weeks. An export reaching back to
    Wednesday 2025-12-24 holds no week of 2025 whole: the summary said "52 periods before
    it with no figure stored (2025-W01 to 2025-W52) left without one", as if this year
    lacked them, and the line of last year's read that W52 had a figure, which was not
    stored."""
    root = write_workspace({"salons.toml": KEY_RESULTS, "growth.toml": GROWTH})
    (root / "data").mkdir()
    with installed_package(tmp_path / "site", "rolling", PLUGIN) as env:
        _settings(root, "")
        christmas_eve = [(dt.date(2025, 12, 24), "cm01", 2)]
        _export(root, dt.date(2025, 12, 24), dt.date(2026, 2, 15), christmas_eve + CRM)
        code, told = _collect(env, root, "2026-02-15", lang)
    assert code == 0, told
    assert ("cm01", "2025-W52") not in _stored(root), told
    assert "2025-W" not in told.replace("2025-W01 to 2025-W53", "").replace(
        "2025-W01 至 2025-W53", ""), told  # fmt: skip
    if lang == "en":
        assert "salon_leads has none (its source has no rows of them" in told, told
        assert "salon_leads: its source reaches back" not in told, told
    else:
        assert "salon_leads 没有数字（数据源中没有这些周期的行" in told, told
        assert "salon_leads：数据源只追溯到" not in told, told
