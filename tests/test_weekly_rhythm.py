"""The weekly rhythm: the first screen, check-ins with their story, cadence and
who owes, scores month by month."""

from __future__ import annotations

import datetime as dt
import fcntl
import itertools
import json
import os
import pty
import re
import select
import shutil
import sqlite3
import struct
import subprocess
import sys
import termios
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import sqlite_utils
from click.testing import CliRunner, Result

from okrdesk.cli import cli
from okrdesk.engine.cadence import owed
from okrdesk.model import Checkin
from okrdesk.report.text_layout import cell_width
from okrdesk.store import MIGRATIONS, Store
from okrdesk.targets.load import load_plan
from sample_workspace import ORG, WriteWorkspace
from test_report import AS_OF, okrdesk

RHYTHM_OKRS = """\
[[objectives]]
id = "O1"
title = "收入"
owner = "team-a"

[[objectives.key_results]]
id = "KR1"
title = "新增高净值客户"
metric = "new_hnw_clients"
target = 360
unit = "户"

[[objectives.key_results]]
id = "REV"
title = "营业收入"
target = 5.5
unit = "亿元"
cadence = "month"

[[objectives.key_results]]
id = "ENPS"
title = "员工 eNPS"
target = 50
unit = "分"

[[objectives]]
id = "O2"
title = "合规"
owner = "branch"
cadence = "quarter"

[[objectives.key_results]]
id = "ZERO"
title = "合规事故为零"
direction = "at_most"
target = 0
unit = "次"
"""


def run(root: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, [*args, "-w", str(root)], env=env)


def rhythm(write_workspace: WriteWorkspace) -> Path:
    return write_workspace({"okrs.toml": RHYTHM_OKRS})


# ------------------------------------------------------------------ cadence


def test_cadence_is_read_from_the_objective_and_the_key_result(
    write_workspace: WriteWorkspace,
) -> None:
    loaded = load_plan(rhythm(write_workspace), None)
    assert loaded.plan is not None, loaded.problems
    cadences = {kr.id: kr.cadence.value for kr in loaded.plan.key_results_by_id.values()}
    assert cadences["O1.REV"] == "month"
    assert cadences["O1.ENPS"] == "week"  # the default
    assert cadences["O2.ZERO"] == "quarter"  # from its objective


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('cadence = "month"', 'cadence = "daily"', 'cadence: "daily" is not allowed'),
        ('unit = "亿元"\ncadence = "month"', 'unit = "亿元"\ncadence = "month"\nmetric = "x"',
         "cadence: is for key results tracked by check-ins"),
    ],
)  # fmt: skip
def test_a_bad_cadence_names_file_line_and_key(
    write_workspace: WriteWorkspace, old: str, new: str, message: str
) -> None:
    root = write_workspace({"okrs.toml": RHYTHM_OKRS.replace(old, new)})
    done = run(root, "validate", "--lang", "en")
    assert done.exit_code == 2, done.output
    assert re.search(r"targets/okrs\.toml:\d+: objectives\[O1\]\.key_results\[REV\]\.", done.output)
    assert message in done.output


def test_who_owes_what_since_when_by_hand(write_workspace: WriteWorkspace) -> None:
    root = rhythm(write_workspace)
    # ENPS weekly: in on Wednesday 4 March (2026-W10). REV monthly: in on 31 March.
    assert run(root, "checkin", "O1.ENPS", "40", "--date", "2026-03-04").exit_code == 0
    assert run(root, "checkin", "O1.REV", "1.2", "--date", "2026-03-31").exit_code == 0
    plan = load_plan(root, None).plan
    assert plan is not None
    with Store.open(root / "okrdesk.db") as store:
        on_sunday = owed(plan, store, dt.date(2026, 3, 8))
        later = owed(plan, store, dt.date(2026, 3, 20))
        in_may = owed(plan, store, dt.date(2026, 5, 2))
        only_branch = owed(plan, store, dt.date(2026, 3, 20), within="cm02")
    # Sunday of W10: ENPS is settled for the week; REV owes March (none yet), ZERO Q1.
    assert [(o.key_result, o.since, o.periods) for o in on_sunday] == [
        ("O1.REV", dt.date(2026, 1, 1), 3),
        ("O2.ZERO", dt.date(2026, 1, 1), 1),
    ]
    by_kr = {o.key_result: o for o in later}
    enps = by_kr["O1.ENPS"]
    # Friday of W12: W11 (from Monday 9 March) and W12 have none; owed by team-a's lead.
    assert (enps.since, enps.last, enps.periods, enps.overdue) == (
        dt.date(2026, 3, 9),
        dt.date(2026, 3, 4),
        2,
        True,
    )
    assert (enps.person, enps.name) == ("cm01", "王芳")
    # Due by the Sunday of W12; late, since W11 went by whole.
    assert (enps.due, enps.late) == (dt.date(2026, 3, 22), True)
    # ZERO owes Q1 only, the quarter holding the date: owed, due by 31 March, not late.
    assert (by_kr["O2.ZERO"].due, by_kr["O2.ZERO"].late) == (dt.date(2026, 3, 31), False)
    # The branch has no lead: its check-ins are owed by the unit, named.
    assert (by_kr["O2.ZERO"].person, by_kr["O2.ZERO"].name) == (None, "福田营业部")
    # REV, checked in on 31 March: owes April from 1 April, and May too on 2 May.
    rev = {o.key_result: o for o in in_may}["O1.REV"]
    assert (rev.since, rev.periods, rev.overdue) == (dt.date(2026, 4, 1), 2, True)
    assert only_branch == []


def test_okrdesk_due_lists_them_by_person(write_workspace: WriteWorkspace) -> None:
    """No key result is owed by two people: each is a line under who owes it."""
    root = rhythm(write_workspace)
    assert run(root, "checkin", "O1.ENPS", "40", "--date", "2026-03-04").exit_code == 0
    wide = {"COLUMNS": "200"}
    done = run(root, "due", "--as-of", "2026-03-20", "--lang", "en", env=wide)
    assert done.exit_code == 0, done.output
    lines = done.output.splitlines()
    # The branch with no lead is no person.
    assert lines[0] == "Check-ins owed on 2026-03-20: 3, by 1 person and 1 unit with no lead."
    # Who owes what as the report's first screen says it.
    # What both of hers say alike (the unit they are for) is said once, on her line.
    assert "王芳: 2, 2 late (owed since 2026-01-01); each: 财富管理一部" in lines
    assert (
        "  O1.ENPS 员工 eNPS (every week, owed since 2026-03-09, last 2026-03-04, 1 week missed)"
    ) in lines
    # The periods gone by whole, as the reminder counts them: January and February.
    # Never checked in: said once (none since the plan began), not "owed since…, none yet".
    assert ("  O1.REV 营业收入 (every month, none since 2026-01-01, 2 months missed)") in lines
    assert "福田营业部 (no lead in the plan): 1, due by 2026-03-31" in lines
    assert (
        "  O2.ZERO 合规事故为零 (福田营业部, every quarter, due by 2026-03-31, none yet)"
    ) in lines
    # In Chinese, the language of a workspace that names none.
    lines = run(root, "due", "--as-of", "2026-03-20", env=wide).output.splitlines()
    assert lines[0] == "2026-03-20 待打卡：3 项，1 人及 1 个未设负责人的单位。"
    assert "王芳：2 项，逾期 2 项（自 2026-01-01 起未打卡）；均为财富管理一部" in lines
    assert (
        "  O1.ENPS 员工 eNPS（每周一次，自 2026-03-09 起未打卡，上次 2026-03-04，已缺 1 周）"
    ) in lines
    assert "福田营业部（未设负责人）：1 项，2026-03-31 前完成" in lines
    never = "  O1.REV 营业收入（每月一次，自 2026-01-01 起尚无打卡，已缺 2 个月）"
    assert never in lines
    assert run(root, "due", "--unit", "nowhere").exit_code == 2
    # A person's: what they owe, a unit's they lead as much as their own.
    wangfang = run(root, "due", "--as-of", "2026-03-20", "--unit", "cm01", "--lang", "en")
    assert wangfang.output.splitlines()[:2] == [
        "Check-ins owed on 2026-03-20: 2, by 1 person.",
        "王芳: 2, 2 late (owed since 2026-01-01); each: 财富管理一部",
    ]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_okrdesk_due_folds_a_key_results_line_under_its_title(
    write_workspace: WriteWorkspace, lang: str
) -> None:
    """At 36 columns a key result's line goes on under its title, not at the margin, and
    every word of it is kept."""
    root = rhythm(write_workspace)
    narrow = run(root, "due", "--as-of", "2026-03-20", "--lang", lang, env={"COLUMNS": "36"})
    wide = run(root, "due", "--as-of", "2026-03-20", "--lang", lang, env={"COLUMNS": "200"})
    lines = narrow.output.splitlines()
    assert max(cell_width(line) for line in lines) <= 36
    assert len(lines) > len(wide.output.splitlines())
    folds = [
        (line.split(" ")[2], after)
        for line, after in itertools.pairwise(lines)
        if line.startswith("  O") and after.startswith("   ")
    ]
    assert folds, lines
    for kr, after in folds:
        indent = len(f"  {kr} ")
        assert after.startswith(" " * indent) and after[indent] != " ", (kr, after)
    assert "".join(line.strip() for line in lines).replace(" ", "") == "".join(
        line.strip() for line in wide.output.splitlines()
    ).replace(" ", "")


def test_the_first_screen_tells_this_periods_check_ins_from_late_ones(
    write_workspace: WriteWorkspace,
) -> None:
    root = rhythm(write_workspace)
    for kr, value in (("O1.ENPS", "40"), ("O1.REV", "1.2"), ("O2.ZERO", "0")):
        assert run(root, "checkin", kr, value, "--date", "2026-03-31").exit_code == 0
    # 1 April (W14, as 31 March): REV owes April and ZERO Q2, neither late yet.
    on_time = run(root, "report", "--brief", "--as-of", "2026-04-01", "--lang", "en").output
    assert "Check-ins owed: 2, all this period's, the first due 2026-04-30" in on_time
    assert "王芳 (财富管理一部): 1, due by 2026-04-30" in on_time
    # The branch has no lead: said so, as `due` says it, not as though it were a person.
    assert "福田营业部 (no lead in the plan): 1, due by 2026-06-30" in on_time
    due = run(root, "due", "--as-of", "2026-04-01", "--lang", "en", env={"COLUMNS": "200"})
    owed = "  O1.REV 营业收入 (财富管理一部, every month, due by 2026-04-30, last 2026-03-31)"
    assert owed in due.output.splitlines()
    # 15 April: ENPS missed W15 whole; REV and ZERO are still this period's.
    later = run(root, "report", "--brief", "--as-of", "2026-04-15", "--lang", "zh").output
    assert "待打卡：3 项，其中逾期 1 项" in later
    assert "王芳（财富管理一部）：2 项，逾期 1 项（自 2026-04-06 起未打卡）" in later


QUARTER_PLAN = """\
[plan]
id = "plan-2026q2"
name = "福田营业部 2026 二季度"
year = 2026
start = 2026-04-01
end = 2026-06-30
unit = "branch"

[[phases]]
id = "Q2"
name = "深耕"
start = 2026-04-01
end = 2026-06-30
"""

APRIL_LEADS = """\

[[objectives.key_results]]
id = "LEADS"
title = "4 月底前储备潜在客户"
target = 180
unit = "户"
calendar = { "2026-04" = 1.0 }
"""


def test_the_last_check_in_is_due_by_the_plans_end_not_its_weeks_end(
    write_workspace: WriteWorkspace,
) -> None:
    """A quarter's plan ends on Tuesday 30 June, in the week to Sunday 5 July: a check-in
    dated after 30 June is refused, so that week's is due by 30 June; a checkpoint's
    (LEADS, all due by Thursday 30 April) by its own last day."""
    okrs = RHYTHM_OKRS.split('[[objectives]]\nid = "O2"')[0] + APRIL_LEADS
    root = write_workspace({"plan.toml": QUARTER_PLAN, "budget.toml": None, "okrs.toml": okrs})
    for kr in ("O1.ENPS", "O1.REV", "O1.LEADS"):
        assert run(root, "checkin", kr, "4", "--date", "2026-04-21").exit_code == 0
    for kr in ("O1.ENPS", "O1.REV"):
        assert run(root, "checkin", kr, "4", "--date", "2026-06-24").exit_code == 0
    wide = {"COLUMNS": "200"}
    done = run(root, "due", "--as-of", "2026-06-30", "--lang", "en", env=wide)
    assert done.exit_code == 0, done.output
    assert done.output.splitlines()[1:] == [
        "王芳: 1, due by 2026-06-30",
        "  O1.ENPS 员工 eNPS (财富管理一部, every week, due by 2026-06-30, last 2026-06-24)",
    ]
    brief = run(root, "report", "--brief", "--as-of", "2026-06-30", "--lang", "en").output
    assert "Check-ins owed: 1, all this period's, the first due 2026-06-30" in brief
    assert "2026-07-05" not in done.output + brief
    plan = load_plan(root, None).plan
    assert plan is not None
    with Store.open(root / "okrdesk.db") as store:
        in_april = {o.key_result: o for o in owed(plan, store, dt.date(2026, 4, 28))}
    assert in_april["O1.ENPS"].due == dt.date(2026, 5, 3)
    assert in_april["O1.LEADS"].due == dt.date(2026, 4, 30)


def test_the_stale_alert_follows_the_cadence(write_workspace: WriteWorkspace) -> None:
    root = rhythm(write_workspace)
    for kr, value, day in (("O1.ENPS", "40", "2026-03-31"), ("O1.REV", "1.2", "2026-03-31"),
                           ("O2.ZERO", "0", "2026-03-31")):  # fmt: skip
        assert run(root, "checkin", kr, value, "--date", day).exit_code == 0
    # 15 April: ENPS (weekly) missed W14 whole; REV (monthly) owes April only: not stale.
    done = run(root, "check", "--as-of", "2026-04-15", "--lang", "en")
    stale = [line for line in done.output.splitlines() if "no check-in for a whole" in line]
    assert len(stale) == 1 and "O1.ENPS" in stale[0] and "a whole week" in stale[0], stale
    # 2 May: REV missed April whole; ENPS W15 to W17, counted; ZERO (quarterly) still
    # only owes Q2.
    done = run(root, "check", "--as-of", "2026-05-02", "--lang", "en")
    stale = {line.split()[1]: line for line in done.output.splitlines() if "no check-in" in line}
    assert stale.keys() == {"O1.ENPS", "O1.REV"}
    assert "no check-in since 2026-03-31, 3 weeks missed" in stale["O1.ENPS"]
    assert "no check-in for a whole month since 2026-03-31" in stale["O1.REV"]


SHARED_OUT = """\
[[objectives]]
id = "T"
title = "一部个人目标"
owner = "team-a"

[[objectives.key_results]]
id = "HNW"
title = "新增高净值客户"
unit = "户"
members = { cm01 = 20, cm02 = 15 }
"""


def test_the_stale_alert_says_whose_check_in_is_old_when_another_members_is_not(
    write_workspace: WriteWorkspace,
) -> None:
    """王芳 checks in every Friday, 李强 stopped after 3 April: the key result's latest
    check-in is 王芳's, so the alert names 李强 rather than say the key result's latest
    was on 3 April."""
    root = write_workspace({"okrs.toml": RHYTHM_OKRS + "\n" + SHARED_OUT})

    def checked_in(person: str, day: str) -> None:
        done = run(root, "checkin", "T.HNW", "3", "--person", person, "--date", day)
        assert done.exit_code == 0, done.output

    checked_in("cm02", "2026-04-03")
    for day in ("2026-04-03", "2026-04-10", "2026-04-17", "2026-04-24"):
        checked_in("cm01", day)
    said = {}
    for lang in ("en", "zh"):
        done = run(root, "check", "--as-of", "2026-04-24", "--lang", lang, env={"COLUMNS": "200"})
        (said[lang],) = [
            line for line in done.output.splitlines() if line.startswith(("STALE", "数据过期"))
        ]
    assert said["en"].endswith("T.HNW 新增高净值客户: no check-in for 李强 since 2026-04-03, "
                               "2 weeks missed"), said  # fmt: skip
    assert said["zh"].endswith("T.HNW 新增高净值客户：李强最近一次打卡在 2026-04-03，"
                               "已 2 周未打卡"), said  # fmt: skip
    # Both behind since the same day: the key result's latest is that day, said as before.
    checked_in("cm02", "2026-04-24")
    done = run(root, "check", "--as-of", "2026-05-06", "--lang", "en", env={"COLUMNS": "200"})
    (line,) = [line for line in done.output.splitlines() if line.startswith(("STALE", "数据过期"))]
    whole_week = "T.HNW 新增高净值客户: no check-in for a whole week since 2026-04-24"
    assert line.endswith(whole_week), line


def test_a_member_with_no_check_in_yet_is_stale_when_others_have_some(
    write_workspace: WriteWorkspace,
) -> None:
    """王芳 checks in every week from 2 January, 李强 never: `okrdesk due` has him two weeks
    late on 14 January, and so does `okrdesk check`, which fails on it."""
    root = write_workspace({"okrs.toml": RHYTHM_OKRS + "\n" + SHARED_OUT})
    for day in ("2026-01-02", "2026-01-09", "2026-01-13"):
        done = run(root, "checkin", "T.HNW", "3", "--person", "cm01", "--date", day)
        assert done.exit_code == 0, done.output
    said = {}
    for lang in ("en", "zh"):
        done = run(root, "check", "--as-of", "2026-01-14", "--lang", lang, env={"COLUMNS": "200"})
        assert done.exit_code == 1, done.output
        (said[lang],) = [line for line in done.output.splitlines() if "T.HNW 新增" in line]
    assert said["en"].endswith("T.HNW 新增高净值客户: no check-in yet for 李强, 2 weeks missed")
    assert said["zh"].endswith("T.HNW 新增高净值客户：李强尚无打卡，已缺 2 周")
    due = run(root, "due", "--as-of", "2026-01-14", "--lang", "en", env={"COLUMNS": "200"})
    assert "none since 2026-01-01, 2 weeks missed" in due.output, due.output


# ------------------------------------------------------- check-ins' story


def test_checkin_by_and_its_defaults(write_workspace: WriteWorkspace) -> None:
    root = rhythm(write_workspace)
    given = run(root, "checkin", "O1.ENPS", "40", "--date", "2026-03-02", "--by", "李强",
                "--lang", "en")  # fmt: skip
    from_env = run(root, "checkin", "O1.ENPS", "41", "--date", "2026-03-03",
                   env={"OKRDESK_USER": "zhang"})  # fmt: skip
    (root / "okrdesk.toml").write_text('[checkin]\nby = "王芳"\n', encoding="utf-8")
    from_settings = run(root, "checkin", "O1.ENPS", "42", "--date", "2026-03-04",
                        env={"OKRDESK_USER": "zhang"})  # fmt: skip
    empty = run(root, "checkin", "O1.ENPS", "43", "--date", "2026-03-05", "--by", " ")
    assert [r.exit_code for r in (given, from_env, from_settings, empty)] == [0, 0, 0, 2]
    assert "by 李强 (check-in 1" in given.output
    with Store.open(root / "okrdesk.db") as store:
        assert [c.author for c in store.checkins("O1.ENPS")] == ["李强", "zhang", "王芳"]
    (root / "okrdesk.toml").write_text("[checkin]\nby = 3\n", encoding="utf-8")
    bad = run(root, "checkin", "O1.ENPS", "44", "--date", "2026-03-06")
    assert bad.exit_code == 2 and "okrdesk.toml:2: checkin.by" in bad.output, bad.output


def test_a_person_s_id_given_as_who_checks_in_is_kept_as_their_name(
    write_workspace: WriteWorkspace,
) -> None:
    """``--by cm02`` (or a login name that is a person's id) is 李强 in the plan: kept and
    shown as the name, as the report and history show a check-in's author."""
    root = rhythm(write_workspace)
    given = run(root, "checkin", "O1.ENPS", "40", "--date", "2026-03-02", "--by", "cm02",
                "--lang", "en")  # fmt: skip
    from_env = run(root, "checkin", "O1.ENPS", "41", "--date", "2026-03-03",
                   env={"OKRDESK_USER": "cm01"})  # fmt: skip
    assert [r.exit_code for r in (given, from_env)] == [0, 0]
    assert "by 李强 (check-in 1" in given.output
    withdrawn = run(root, "checkin", "--withdraw", "1", "--reason", "typo", "--by", "cm01")
    assert withdrawn.exit_code == 0, withdrawn.output
    with Store.open(root / "okrdesk.db") as store:
        kept = store.checkins("O1.ENPS", withdrawn=True)
    assert [(c.author, c.withdrawn_by) for c in kept] == [("李强", "王芳"), ("王芳", "")]
    assert "cm0" not in run(root, "history", "O1.ENPS").output


def test_a_checkin_for_someone_outside_the_owner_is_refused(
    write_workspace: WriteWorkspace,
) -> None:
    """O1 is 财富管理一部's: the branch above it has no figure of O1.ENPS to count a
    check-in in, so one for the branch is refused, in both languages, and nothing stored."""
    root = rhythm(write_workspace)
    said = {
        "en": "O1.ENPS belongs to 财富管理一部 (team-a), and 福田营业部 (branch) is outside it: "
              "a check-in for them would count in no figure of O1.ENPS. Check in for team-a "
              "or a unit or person in it (--unit, --person). Nothing was stored.",
        "zh": "O1.ENPS 属于财富管理一部（team-a），福田营业部（branch）不在其范围内：为其打卡"
              "不会计入 O1.ENPS 的任何数字。请为 team-a 或其下的单位、人员打卡（--unit、"
              "--person）。未记录任何打卡。",
    }  # fmt: skip
    for lang, message in said.items():
        done = run(root, "checkin", "O1.ENPS", "40", "--unit", "branch", "--lang", lang,
                   "--date", "2026-03-04")  # fmt: skip
        assert done.exit_code == 2, done.output
        assert message in " ".join(done.output.split()), done.output
    assert "branch" not in run(root, "checkin", "--list", "O1.ENPS").output
    # Its own people are in it.
    done = run(root, "checkin", "O1.ENPS", "40", "--person", "cm02", "--date", "2026-03-04")
    assert done.exit_code == 0, done.output


def test_withdrawing_a_units_own_check_in_says_its_members_sum_counts_again(
    write_workspace: WriteWorkspace,
) -> None:
    """财富管理一部's own revenue check-in withdrawn, 李强's stays: the team's figure is
    李强's again, not "no figure until the next one"."""
    root = rhythm(write_workspace)
    mine = run(root, "checkin", "O1.REV", "0.5", "--person", "cm02", "--date", "2026-03-10")
    assert mine.exit_code == 0, mine.output
    team = run(root, "checkin", "O1.REV", "1.2", "--date", "2026-03-20", "--lang", "en")
    assert team.exit_code == 0, team.output
    (team_id,) = re.findall(r"id (\d+)\)", team.output)
    done = run(root, "checkin", "--withdraw", team_id, "--reason", "口径不对", "--lang", "en")
    assert done.exit_code == 0, done.output
    said = " ".join(done.output.split())
    assert said.endswith("team-a has no check-in of its own left: its figure is what the "
                         "check-ins of those in it add up to again."), said  # fmt: skip
    assert "no figure" not in said
    explained = run(root, "explain", "O1.REV", "--as-of", "2026-03-21", "--lang", "en")
    assert "= CNY 50m" in explained.output.splitlines(), explained.output


def test_a_check_in_that_counts_for_nothing_in_a_units_figure_does_not_settle_it(
    write_workspace: WriteWorkspace,
) -> None:
    """财富管理一部 checked in its revenue in March; in April only 李强 did. The team's
    figure is still its own March one (a check-in of its own stands for those in it), so
    April's is still owed by the team, not settled by 李强's."""
    root = rhythm(write_workspace)
    for args in (("O1.REV", "1.2", "--date", "2026-03-10"),
                 ("O1.REV", "0.5", "--person", "cm02", "--date", "2026-04-10")):  # fmt: skip
        done = run(root, "checkin", *args)
        assert done.exit_code == 0, done.output
    explained = run(root, "explain", "O1.REV", "--as-of", "2026-04-20", "--lang", "en")
    assert "= CNY 120m" in explained.output.splitlines(), explained.output
    due = run(root, "due", "--as-of", "2026-04-20", "--lang", "en", env={"COLUMNS": "200"})
    assert "  O1.REV 营业收入 (every month, due by 2026-04-30, last 2026-03-10)" in (
        due.output.splitlines()
    ), due.output


def test_a_checkin_ten_times_its_target_says_how_to_withdraw_it(
    write_workspace: WriteWorkspace,
) -> None:
    # 55 for 5.5亿 (a digit too many) was stored and said back as any other figure.
    root = rhythm(write_workspace)
    slip = run(root, "checkin", "O1.REV", "55", "--date", "2026-03-02", "--lang", "en")
    assert slip.exit_code == 0, slip.output
    assert slip.output.rstrip().endswith(
        "That is 10 times the target of CNY 550m: if it is a slip (a unit, a digit), withdraw "
        "it: okrdesk checkin --withdraw 1 --reason TEXT."
    ), slip.output
    chinese = run(root, "checkin", "O1.ENPS", "5000", "--date", "2026-03-02", "--lang", "zh")
    assert "该数值是目标 50分 的 100 倍：如果录错了（单位或位数），请撤回：okrdesk checkin " in (
        chinese.output
    )
    assert "--withdraw 2 --reason 理由。" in chinese.output
    # -55 is not "10 times" 5.5亿: it is as far off in size, of the other sign.
    sign = run(root, "checkin", "O1.REV", "-55", "--date", "2026-03-02", "--lang", "en")
    assert sign.output.rstrip().endswith(
        "That is of the other sign from the target of CNY 550m, and 10 times it in size: if it "
        "is a slip (a sign, a unit, a digit), withdraw it: okrdesk checkin --withdraw 3 "
        "--reason TEXT."
    ), sign.output
    # The same check-in again, said in Chinese: another on purpose (--again).
    sign = run(root, "checkin", "O1.REV", "-55", "--date", "2026-03-02", "--lang", "zh", "--again")
    assert (
        "该数值与目标 5.5亿 正负号相反，绝对值是它的 10 倍：如果录错了（正负号、" in sign.output
    ), sign.output
    # Ahead of the target, or a target of zero, is nothing to ask about.
    for kr, value in (("O1.REV", "6.1"), ("O2.ZERO", "3")):
        done = run(root, "checkin", kr, value, "--date", "2026-03-03", "--lang", "en")
        assert done.exit_code == 0 and "times the target" not in done.output, done.output


RATES = """\
[[objectives]]
id = "R"
title = "客户留存与转化"
owner = "branch"

[[objectives.key_results]]
id = "RETAIN"
title = "资产留存率 92% ± 1"
direction = "within"
target = 92
band = 1
unit = "%"

[[objectives.key_results]]
id = "CONV"
title = "开户首购转化率 11% → 16%"
baseline = 11
target = 16
unit = "%"

[[objectives.key_results]]
id = "SHARE"
title = "权益产品占比，从零做起"
target = 20
unit = "%"
"""


def test_a_rate_checked_in_as_a_fraction_says_how_to_withdraw_it(
    write_workspace: WriteWorkspace,
) -> None:
    """0.915 typed for a retention of 91.5% (as a spreadsheet holds it) is stored as 0.915%
    and said back with the figure it may have meant and how to withdraw it."""
    root = write_workspace({"rates.toml": RATES})
    slip = run(root, "checkin", "R.RETAIN", "0.915", "--date", "2026-03-02")
    assert slip.exit_code == 0, slip.output
    assert slip.output.rstrip().endswith(
        "该数值不到范围下限 91% 的十分之一：如果 0.915 是按小数写的 91.5%，请撤回"
        "（okrdesk checkin --withdraw 1 --reason 理由），再以 91.5 打卡。"
    ), slip.output
    slip = run(root, "checkin", "R.CONV", "0.12", "--date", "2026-03-02", "--lang", "en")
    assert slip.output.rstrip().endswith(
        "That is under a tenth of its baseline, 11%: if 0.12 was meant as a fraction, 12%, "
        "withdraw it (okrdesk checkin --withdraw 2 --reason TEXT) and check in 12."
    ), slip.output
    with Store.open(root / "okrdesk.db") as store:
        assert [c.value for c in store.checkins()] == [pytest.approx(0.00915), 0.0012]
    # Typed with its %, or in range: nothing to ask about. Rising from nothing, a bare
    # 0.5 is asked about against the target (0.92 for a retention of 92% was not); 0.5%
    # says what it is.
    for kr, value in (("R.RETAIN", "0.915%"), ("R.RETAIN", "91.5"), ("R.CONV", "12"),
                      ("R.SHARE", "0.5%")):  # fmt: skip
        done = run(root, "checkin", kr, value, "--date", "2026-03-03", "--lang", "en")
        assert done.exit_code == 0 and "fraction" not in done.output, done.output


def test_history_of_a_measured_result_with_no_checkins_points_to_explain(
    write_workspace: WriteWorkspace,
) -> None:
    root = write_workspace()
    done = run(root, "history", "O1.KR1")
    assert done.exit_code == 2
    assert done.output == (
        "O1.KR1 由指标 new_hnw_clients 计量，没有打卡；`okrdesk explain O1.KR1` 列出其数字\n"
    )
    english = run(root, "history", "O1.KR1", "--lang", "en")
    assert english.output == (
        "O1.KR1 is measured by the metric new_hnw_clients, not by check-ins; "
        "`okrdesk explain O1.KR1` shows its numbers\n"
    )


def test_history_lists_every_checkin_with_its_story(write_workspace: WriteWorkspace) -> None:
    root = rhythm(write_workspace)
    assert run(root, "checkin", "O1.REV", "1.2", "--date", "2026-03-31", "--by", "王芳",
               "--confidence", "0.8", "--note", "Q1 报表").exit_code == 0  # fmt: skip
    wrong = run(root, "checkin", "O1.REV", "12", "--date", "2026-04-30", "--by", "李强")
    assert wrong.exit_code == 0
    assert run(root, "checkin", "--withdraw", "2", "--reason", "多写一个 0").exit_code == 0
    done = run(root, "history", "O1.REV", "--lang", "en")
    assert done.exit_code == 0, done.output
    lines = done.output.splitlines()
    assert lines[:2] == ["O1.REV 营业收入", "tracked by check-ins, one owed every month"]
    assert lines[2].split() == ["id", "date", "value", "for", "by", "confidence", "note"]
    assert lines[3].split() == ["1", "2026-03-31", "CNY", "120m", "team-a", "王芳", "80%", "Q1",
                                "报表"]  # fmt: skip
    assert lines[4].split()[:7] == ["2", "2026-04-30", "CNY", "1,200m", "team-a", "李强", "—"]
    assert "[withdrawn " in lines[4] and ": 多写一个 0]" in lines[4]
    assert lines[5] == "1 withdrawn: kept in the history, they count for nothing."
    # In Chinese, the language of a workspace that names none.
    lines = run(root, "history", "O1.REV").output.splitlines()
    assert lines[:2] == ["O1.REV 营业收入", "按打卡跟踪，每月一次"]
    assert lines[2].split() == ["编号", "日期", "数值", "对象", "填报人", "信心", "说明"]
    assert lines[3].split() == ["1", "2026-03-31", "1.2亿", "team-a", "王芳", "80%", "Q1", "报表"]
    assert lines[4].split()[:6] == ["2", "2026-04-30", "12亿", "team-a", "李强", "—"]
    assert lines[4].endswith("撤回：多写一个 0]") and "[" in lines[4]
    assert lines[5] == "已撤回 1 条：留在历史中，不计入。"
    measured = run(root, "history", "O1.KR1")
    assert measured.exit_code == 2 and "okrdesk explain O1.KR1" in measured.output


def test_checkins_from_before_a_key_result_had_a_metric_are_still_listed(
    write_workspace: WriteWorkspace,
) -> None:
    """A key result given a metric after it was checked in: its check-ins count for
    nothing, but `history` and `checkin --list` still list them with their ids, so a
    wrong one can be withdrawn."""
    root = rhythm(write_workspace)
    assert run(root, "checkin", "O1.ENPS", "40", "--date", "2026-03-02").exit_code == 0
    measured = RHYTHM_OKRS.replace('title = "员工 eNPS"\ntarget = 50\nunit = "分"',
                                   'title = "员工 eNPS"\nmetric = "new_hnw_clients"\n'
                                   'target = 50\nunit = "户"')  # fmt: skip
    assert measured != RHYTHM_OKRS
    (root / "targets" / "okrs.toml").write_text(measured, encoding="utf-8")
    done = run(root, "history", "O1.ENPS")
    assert done.exit_code == 0, done.output
    lines = done.output.splitlines()
    assert lines[1].startswith("由指标 new_hnw_clients 计量：以下为改用指标前的打卡，不计入")
    assert lines[3].split()[:3] == ["1", "2026-03-02", "40户"]
    listed = run(root, "checkin", "--list", "O1.ENPS", "--lang", "en").output.splitlines()
    assert listed[1].startswith("measured by the metric new_hnw_clients: these check-ins")
    assert listed[3].split()[:4] == ["1", "2026-03-02", "40", "accts"]
    never = run(root, "history", "O1.KR1")
    assert never.exit_code == 2 and "okrdesk explain O1.KR1" in never.output


def test_the_report_and_explain_show_the_latest_checkins_story(
    write_workspace: WriteWorkspace,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLUMNS", "1000")  # explain's rows whole: what it says, not how it folds
    root = rhythm(write_workspace)
    assert run(root, "checkin", "O1.REV", "1.2", "--date", "2026-03-31", "--by", "王芳",
               "--confidence", "0.8", "--note", "Q1 报表").exit_code == 0  # fmt: skip
    assert run(root, "collect", "--through", "2026-04-10").exit_code == 0
    text = run(root, "report", "--as-of", "2026-04-10", "--unit", "team-a",
               env={"COLUMNS": "160"})  # fmt: skip
    assert "最近打卡 2026-03-31 · 王芳 · 信心 80% · Q1 报表" in text.output, text.output
    data = json.loads(run(root, "report", "--as-of", "2026-04-10", "--unit", "team-a",
                          "--format", "json").output)  # fmt: skip
    rev = next(kr for o in data["objectives"] for kr in o["key_results"] if kr["id"] == "O1.REV")
    assert rev["latest_checkin"] == {"date": "2026-03-31", "value": 120000000, "author": "王芳",
                                     "confidence": 0.8, "note": "Q1 报表", "of": ""}  # fmt: skip
    explained = run(root, "explain", "O1.REV", "--as-of", "2026-04-10")
    assert "· 王芳 · 信心 80%  Q1 报表  ← 计入" in explained.output


LEVELS = """\
[[objectives]]
id = "C"
title = "客户"
owner = "branch"

[[objectives.key_results]]
id = "NPS"
title = "客户 NPS ≥ 62"
target = 62
unit = "分"
guardrail = true

[[objectives.key_results]]
id = "DEALS"
title = "家族信托 20 单"
target = 20
unit = "单"
"""


def test_check_ins_of_a_score_below_a_unit_are_not_added_up_for_it(
    write_workspace: WriteWorkspace,
) -> None:
    """Two customer managers' NPS of 60 and 58 is no team's or branch's NPS of 118 (nor
    their mean: a ratio never is): a unit has only its own; a count still adds up."""
    root = write_workspace({"levels.toml": LEVELS})
    for kr, value, person in (("C.NPS", "60", "cm01"), ("C.NPS", "58", "cm02"),
                              ("C.DEALS", "3", "cm01"), ("C.DEALS", "4", "cm02")):  # fmt: skip
        done = run(root, "checkin", kr, value, "--person", person, "--date", "2026-03-02")
        assert done.exit_code == 0, done.output

    def actual(kr_id: str, unit: str) -> object:
        done = run(root, "report", "--as-of", "2026-03-04", "--unit", unit, "--format", "json")
        assert done.exit_code == 0, done.output
        found = json.loads(done.output)["objectives"]
        return next(kr["actual"] for o in found for kr in o["key_results"] if kr["id"] == kr_id)

    assert actual("C.NPS", "branch") is None
    team = run(root, "explain", "C.NPS", "--unit", "team-a", "--as-of", "2026-03-04")
    assert team.output.splitlines()[2] == "= 无数据", team.output
    own = run(root, "explain", "C.NPS", "--person", "cm01", "--as-of", "2026-03-04")
    assert own.output.splitlines()[2] == "= 60分", own.output
    assert actual("C.DEALS", "branch") == 7
    explained = run(root, "explain", "C.NPS", "--as-of", "2026-03-04")
    assert explained.output.splitlines()[2] == "= 无数据", explained.output
    assert "← 计入" not in explained.output
    # The branch's own is still owed: its people's do not make its figure.
    due = run(root, "due", "--as-of", "2026-03-04", env={"COLUMNS": "200"})
    owed = "  C.NPS 客户 NPS ≥ 62（福田营业部，每周一次，自 2026-01-01 起尚无打卡，已缺 9 周）"
    assert owed in due.output.splitlines(), due.output
    assert "C.DEALS" not in due.output


def test_a_score_checked_in_below_its_owner_alone_is_still_told_missing(
    write_workspace: WriteWorkspace,
) -> None:
    """A customer manager's NPS makes no branch figure: the branch's has none yet, and
    check and the report say so, as due says the branch owes it, rather than fall
    silent on a guardrail no one measures; a count's check-ins below its owner make its
    figure, and it is not missing."""
    root = write_workspace({"levels.toml": LEVELS})
    for kr, value in (("C.NPS", "60"), ("C.DEALS", "3")):
        done = run(root, "checkin", kr, value, "--person", "cm01", "--date", "2026-03-02")
        assert done.exit_code == 0, done.output
    checked = run(root, "check", "--as-of", "2026-03-04", "--format", "json")
    assert checked.exit_code == 1, checked.output
    alerts = json.loads(checked.output)["alerts"]
    missing = [a["subject"] for a in alerts if a["kind"] == "missing"]
    assert "C.NPS" in missing and "C.DEALS" not in missing, alerts
    report = run(root, "report", "--as-of", "2026-03-04", "--brief", "--lang", "en")
    assert "C.NPS 客户 NPS ≥ 62: no check-in yet" in report.output, report.output


def test_a_score_checked_in_for_someone_without_a_target_of_it_says_so(
    write_workspace: WriteWorkspace,
) -> None:
    """`--person cm01` on the branch's NPS stores a figure no report shows and the
    branch's does not count: checkin says so, with how to make it the branch's. A count's,
    which adds up, and the owner's own are stored as ever, with no such word."""
    root = write_workspace({"levels.toml": LEVELS})
    nowhere = run(root, "checkin", "C.NPS", "60", "--person", "cm01", "--date", "2026-03-02")
    assert nowhere.exit_code == 0, nowhere.output
    assert ("本次打卡不计入 branch 的数值：C.NPS 以 分 计，各人、各单位的数值不相加；cm01 又没有"
            "它的分解目标，报告里不会出现这个数值。要记为 branch 的数值，请撤回本条（okrdesk "
            "checkin --withdraw 1 --reason 理由），去掉 --person 或 --unit 重新打卡。"
            ) in nowhere.output  # fmt: skip
    english = run(root, "checkin", "C.NPS", "61", "--unit", "team-a", "--lang", "en")
    assert ("It does not count towards branch's figure: C.NPS, in pts, does not add up "
            "across people and units; and team-a has no target of it, so no report shows "
            "it.") in english.output  # fmt: skip
    for args in (["C.DEALS", "3", "--person", "cm01"], ["C.NPS", "60"]):
        done = run(root, "checkin", *args, "--date", "2026-03-02")
        assert done.exit_code == 0, done.output
        assert "不计入" not in done.output, done.output
    shared = write_workspace({"score.toml": SHARED_SCORE.format(target="target = 62")})
    own = run(shared, "checkin", "S.NPS", "60", "--person", "cm01", "--date", "2026-03-02")
    assert own.exit_code == 0 and "不计入" not in own.output, own.output


def test_a_check_in_made_again_the_same_day_is_no_point_of_the_trend(
    write_workspace: WriteWorkspace,
) -> None:
    """200 typed for 12 and checked in again that day, not withdrawn: the figure is the
    day's last, 12, and so are the trend and the forecast drawn from it, which read 200
    as a point and forecast thousands for an eNPS of 50."""
    root = write_workspace({"okrs.toml": RHYTHM_OKRS})
    for day, value in (("2026-03-01", "5"), ("2026-03-15", "10"), ("2026-03-20", "200"),
                       ("2026-03-20", "12")):  # fmt: skip
        done = run(root, "checkin", "O1.ENPS", value, "--date", day, "--unit", "team-a")
        assert done.exit_code == 0, done.output
    done = run(root, "report", "--as-of", "2026-03-20", "--unit", "team-a", "--format", "json")
    assert done.exit_code == 0, done.output
    (kr,) = [k for o in json.loads(done.output)["objectives"] for k in o["key_results"]
             if k["id"] == "O1.ENPS"]  # fmt: skip
    assert kr["actual"] == 12
    assert [(p["date"], p["value"]) for p in kr["trend"]] == [
        ("2026-03-01", 5),
        ("2026-03-15", 10),
        ("2026-03-20", 12),
    ]
    assert kr["forecast"] is None or kr["forecast"] < 1000, kr["forecast"]


SHARED_SCORE = """\
[[objectives]]
id = "S"
title = "满意度"
owner = "team-a"

[[objectives.key_results]]
id = "NPS"
title = "客户 NPS ≥ 62"
unit = "分"
guardrail = true
{target}
[objectives.key_results.members]
cm01 = 62
cm02 = 62
"""


def test_a_score_shared_out_is_owed_by_its_owner_too(write_workspace: WriteWorkspace) -> None:
    """Each customer manager checks in their own NPS; the team's is none of their sums,
    so its lead owes the team's own as well."""
    root = write_workspace({"score.toml": SHARED_SCORE.format(target="target = 62")})
    done = run(root, "checkin", "S.NPS", "60", "--person", "cm01", "--date", "2026-03-02")
    assert done.exit_code == 0, done.output
    due = run(root, "due", "--as-of", "2026-03-04", "--lang", "en", env={"COLUMNS": "200"})
    lines = due.output.splitlines()
    assert lines[0] == "Check-ins owed on 2026-03-04: 2, by 2 people.", due.output
    # 李强 his own; 王芳, who checked in hers, the team's, as its lead.
    assert lines[1:] == [
        "S.NPS 客户 NPS ≥ 62: every week, 2 owed",
        "  none since 2026-01-01, 9 weeks missed (2): 李强, 王芳 (财富管理一部)",
    ]


def test_a_score_s_owner_checked_in_as_a_whole_settles_its_members_dues_too(
    write_workspace: WriteWorkspace,
) -> None:
    """The team checks in its own NPS for the week: that period is reported, and neither
    customer manager is chased for theirs besides (docs/targets.md, Cadence), although
    the team's figure makes neither of theirs."""
    root = write_workspace({"score.toml": SHARED_SCORE.format(target="target = 62")})
    done = run(root, "checkin", "S.NPS", "61", "--date", "2026-03-02")
    assert done.exit_code == 0, done.output
    due = run(root, "due", "--as-of", "2026-03-04", "--lang", "en", env={"COLUMNS": "200"})
    assert due.output.splitlines()[0] == "No check-ins owed on 2026-03-04.", due.output
    later = run(root, "due", "--as-of", "2026-03-11", "--lang", "en", env={"COLUMNS": "200"})
    assert later.output.splitlines()[0] == "Check-ins owed on 2026-03-11: 3, by 2 people."


@pytest.mark.parametrize("target", ["", "target = 62"])
def test_members_targets_of_a_score_do_not_add_up_to_the_owners(
    write_workspace: WriteWorkspace, target: str
) -> None:
    """Each customer manager's NPS of 62 is the team's 62, not 124: with no target of its
    own the team is held to 62, and its own 62 is no "members' targets are 62 more"."""
    root = write_workspace({"score.toml": SHARED_SCORE.format(target=target)})
    for day, value in (("02", "60"), ("03", "61")):
        done = run(root, "checkin", "S.NPS", value, "--date", f"2026-03-{day}")
        assert done.exit_code == 0, done.output
    done = run(root, "report", "--as-of", "2026-03-04", "--unit", "team-a", "--format", "json")
    assert done.exit_code == 0, done.output
    data = json.loads(done.output)
    [nps] = [kr for o in data["objectives"] for kr in o["key_results"] if kr["id"] == "S.NPS"]
    assert nps["target"] == 62
    checked = run(root, "check", "--as-of", "2026-03-04", "--format", "json")
    kinds = [alert["kind"] for alert in json.loads(checked.output)["alerts"]]
    assert "target_mismatch" not in kinds, checked.output


def test_members_targets_of_a_score_that_differ_from_the_owners_are_not_called_a_sum(
    write_workspace: WriteWorkspace,
) -> None:
    """Members held to 60 and 64 come to 62 together (a mean): told against the team's
    65 as 成员目标折合 62分, never 成员目标合计, which read as a sum of 124."""
    shared = SHARED_SCORE.format(target="target = 65").replace("cm01 = 62", "cm01 = 60")
    root = write_workspace({"score.toml": shared.replace("cm02 = 62", "cm02 = 64")})
    done = run(root, "checkin", "S.NPS", "60", "--date", "2026-03-02")
    assert done.exit_code == 0, done.output
    checked = run(root, "check", "--as-of", "2026-03-04", "--format", "json")
    [told] = [a["message"] for a in json.loads(checked.output)["alerts"]
              if a["kind"] == "target_mismatch"]  # fmt: skip
    assert told == "S.NPS：成员目标折合 62分，比 team-a 的目标 65分 少 3分"
    english = run(root, "check", "--as-of", "2026-03-04", "--lang", "en")
    assert "S.NPS: the members' targets come to 62 pts together, 3 pts less than the 65 pts" in (
        english.output
    )


def test_the_first_screen_says_a_unit_owing_check_ins_has_no_lead(
    write_workspace: WriteWorkspace,
) -> None:
    """A team with no lead owes its share's check-ins under its own name; the branch's
    first screen said so as 财富管理一部（财富管理一部）, where due says 未设负责人."""
    shared = RHYTHM_OKRS.replace(
        'target = 0\nunit = "次"', 'unit = "次"\n[objectives.key_results.members]\nteam-a = 0'
    )
    root = write_workspace({"okrs.toml": shared, "org.toml": ORG.replace('lead = "cm01"\n', "")})
    for kr, value in (("O1.REV", "1.2"), ("O1.ENPS", "40")):  # the team's own, this period's
        assert run(root, "checkin", kr, value, "--date", "2026-03-20").exit_code == 0
    for lang, line in (
        ("zh", "  财富管理一部（未设负责人）：1 项，2026-03-31 前完成"),
        ("en", "  财富管理一部 (no lead in the plan): 1, due by 2026-03-31"),
    ):
        brief = run(root, "report", "--brief", "--as-of", "2026-03-20", "--lang", lang)
        assert brief.exit_code == 0, brief.output
        assert line in brief.output.splitlines(), brief.output
    due = run(root, "due", "--as-of", "2026-03-20", env={"COLUMNS": "200"})
    assert "财富管理一部（未设负责人）：1 项，2026-03-31 前完成" in due.output.splitlines()


def test_the_report_shows_the_check_in_its_figure_is_from_not_a_later_one_below(
    write_workspace: WriteWorkspace,
) -> None:
    """The branch's own check-in is its figure; a team's or a person's made later counts
    for nothing there (explain marks which counts), so the report's note under the
    branch's row is the branch's own, not the later one of a figure it does not show."""
    root = rhythm(write_workspace)
    checkins = [
        ("O2.ZERO", "02", "0"),
        ("O2.ZERO", "04", "1", "--unit", "team-a"),
        ("O2.ZERO", "05", "2", "--person", "cm01"),
        ("O1.ENPS", "02", "40"),
        ("O1.ENPS", "04", "45", "--person", "cm01"),
    ]
    for kr, day, *args in checkins:
        assert run(root, "checkin", kr, *args, "--date", f"2026-03-{day}").exit_code == 0

    def latest(kr_id: str, unit: str) -> dict[str, object]:
        done = run(root, "report", "--as-of", "2026-03-10", "--unit", unit, "--format", "json")
        assert done.exit_code == 0, done.output
        data = json.loads(done.output)
        [kr] = [kr for o in data["objectives"] for kr in o["key_results"] if kr["id"] == kr_id]
        assert isinstance(kr["latest_checkin"], dict)
        return {k: kr["latest_checkin"][k] for k in ("date", "value", "of")}

    assert latest("O2.ZERO", "branch") == {"date": "2026-03-02", "value": 0, "of": ""}
    # The team's own check-in stands for its people: 王芳's later one is not the team's.
    assert latest("O1.ENPS", "team-a") == {"date": "2026-03-02", "value": 40, "of": ""}
    explained = run(root, "explain", "O2.ZERO", "--as-of", "2026-03-10")
    [counted] = [line for line in explained.output.splitlines() if "← 计入" in line]
    assert "2026-03-02" in counted


def test_a_database_of_schema_6_gets_authors(tmp_path: Path) -> None:
    path = tmp_path / "okrdesk.db"
    with sqlite3.connect(path) as connection:
        for migration in MIGRATIONS[:6]:
            migration(sqlite_utils.Database(connection))
        connection.execute("PRAGMA user_version = 6")
        connection.execute(
            "INSERT INTO checkins (key_result, subject, day, value, note, recorded) "
            "VALUES ('O1.REV', 'branch', '2026-03-31', 1.2e8, 'old', 't')"
        )
    with Store.open(path) as store:
        assert store.schema_version >= 7
        [old] = store.checkins("O1.REV")
        assert isinstance(old, Checkin) and old.author == ""
        store.add_checkin("O1.REV", "branch", dt.date(2026, 4, 30), 2e8, author="王芳")
        assert [c.author for c in store.checkins("O1.REV")] == ["", "王芳"]


# ------------------------------------------------------------ first screen


@pytest.fixture(scope="module")
def demo(copy_of_the_demo: Callable[[str], Path]) -> Path:
    return copy_of_the_demo("rhythm")


def in_a_terminal(
    *args: str, columns: int = 80, lines: int = 24, status: int = 0, plugins: str = "brokerage"
) -> list[str]:
    """What `okrdesk ARGS` shows in a real pseudo-terminal of ``columns`` × ``lines``,
    exiting with ``status``."""
    controller, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
    env = {**os.environ, "OKRDESK_LOAD_PLUGINS": plugins, "COLUMNS": str(columns),
           "LINES": str(lines), "TERM": "xterm-256color"}  # fmt: skip
    env.pop("NO_COLOR", None)
    process = subprocess.Popen([sys.executable, "-m", "okrdesk", *args], stdin=terminal,
                               stdout=terminal, stderr=terminal, env=env)  # fmt: skip
    os.close(terminal)
    output = b""
    while True:
        ready, _, _ = select.select([controller], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # the terminal closed: the process is done
            break
        if not chunk:
            break
        output += chunk
    process.wait(timeout=60)
    os.close(controller)
    assert process.returncode == status, output.decode(errors="replace")
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07", "", output.decode())
    return plain.replace("\r\n", "\n").split("\n")


@pytest.mark.parametrize(
    ("lang", "words"),
    [("zh", ["综合得分 ", "阶段 Q4 收官", "剩余 41 天", "上周末", "变化最大", "熔断已触发",
             "需要关注：共", "待打卡：", "陈建国："]),
     ("en", ["Score ", "Phase Q4 收官", "41 days left", "end of last week", "Moved most",
             "BREAKER TRIPPED", "Needs attention: ", "Check-ins owed: ", "陈建国: "])],
)  # fmt: skip
def test_the_first_screen_at_80_by_24_says_it_all(demo: Path, lang: str, words: list[str]) -> None:
    shown = in_a_terminal("report", "-w", str(demo), "--as-of", AS_OF, "--lang", lang)
    screen = "\n".join(shown[:24])
    for word in words:
        assert word in screen, f"{word!r} is not on the first screen:\n{screen}"
    assert all(len(line) <= 80 for line in shown[:24])
    # The details follow, and --brief stops before them.
    assert len(shown) > 100
    brief = in_a_terminal("report", "-w", str(demo), "--as-of", AS_OF, "--lang", lang, "--brief")
    assert [line for line in brief if line.strip()] == [
        line for line in shown[: len(brief)] if line.strip()
    ]
    assert len(brief) <= 24


OWING = (
    "liangchen",
    "songya",
    "liming",
    "liuyang",
    "huangting",
    "zhoujie",
    "wumin",
    "gaopeng",
    "wangfang",
    "xujing",
    "sunhao",
    "mali",
    "zhuqiang",
    "luolin",
    "zhaolei",
)
"""Fifteen of the sample plan's people, each given a share of a key result tracked by
weekly check-ins that nobody has made."""


@pytest.fixture(scope="module")
def crowded(demo: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo on 20 November with a second tripped breaker (experts, overspent with an
    override) and 15 people owing a check-in beside 陈建国: the busiest first screen."""
    root = tmp_path_factory.mktemp("crowded") / "demo"
    shutil.copytree(demo, root)
    members = ", ".join(f"{person} = 4" for person in OWING)
    (root / "targets" / "visits.toml").write_text(
        f'[[objectives]]\nid = "V"\ntitle = "客户拜访"\nowner = "szft"\n\n'
        f'[[objectives.key_results]]\nid = "VISITS"\ntitle = "每周客户拜访"\ntarget = 60\n'
        f'unit = "次"\nmembers = {{ {members} }}\n',
        encoding="utf-8",
    )
    spent = okrdesk("spend", "add", "experts", "80万", "--signed-by", "陈建国", "--signed-by",
                    "梁晨", "--date", "2026-11-19", "--override", "--reason", "专家年费",
                    "-w", str(root))  # fmt: skip
    assert spent.returncode == 0, spent.stderr
    return root


FIGURE = re.compile(r"[+\-−±]?\d[\d.,]*(?:%|‰|万|亿)?")
"""A figure as the first screen writes one: a count, an amount, a share, a day's parts."""


@pytest.mark.parametrize(
    ("lang", "attention", "owing", "rule", "more"),
    [("zh", "需要关注：共 9 项（其中熔断 2 项，见上）", "待打卡：36 项，其中逾期 15 项", "详情",
      re.compile(r"^  (\S+(?:、\S+)*)，另有 (\d+) 人$")),
     ("en", "Needs attention: 9 (2 breakers above)", "Check-ins owed: 36, 15 of them late",
      "Details", re.compile(r"^  (\S+(?:, \S+)*), and (\d+) more$"))],
)  # fmt: skip
def test_two_breakers_and_many_people_owing_still_fit_one_screen(
    crowded: Path, lang: str, attention: str, owing: str, rule: str, more: re.Pattern[str]
) -> None:
    """With two breakers tripped and 16 people owing check-ins, the first screen ran to 23
    rows and the details' rule to the 25th: past a terminal of 24. Who owes is named in
    one line where a line each does not fit; nothing a manager must see is left out."""
    shown = in_a_terminal("report", "-w", str(crowded), "--as-of", AS_OF, "--lang", lang)
    ruled = next(n for n, line in enumerate(shown) if rule in line and "─" in line)
    assert ruled < 24, "\n".join(shown[: ruled + 1])  # the first table starts below it
    screen = shown[:ruled]
    assert all(cell_width(line) <= 80 for line in screen)
    full = okrdesk("report", "-w", str(crowded), "--as-of", AS_OF, "--format", "json",
                   "--lang", lang).stdout  # fmt: skip
    alerts = json.loads(full)["alerts"]
    breakers = [a["message"] for a in alerts if a["kind"] == "breaker"]
    assert len(breakers) == 2
    joined = "".join("".join(screen).split())
    assert all("".join(message.split()) in joined for message in breakers)
    assert any(line.startswith(attention) for line in screen), "\n".join(screen)
    # Every alert the heading promises, and every figure of each.
    listed = [a for a in alerts if a["kind"] != "breaker" and a["level"] != "info"][:5]
    assert len(listed) == 5
    # Under the heading: what moved most, above it, may name the same key result.
    under = screen[next(n for n, line in enumerate(screen) if line.startswith(attention)) :]
    for alert in listed:
        # Its line on the screen (by the first key result it names): words give way at
        # 80 columns, never its first figure (a team's shares: the first key result's)
        # nor the day it was judged on.
        named = re.search(r"[A-Z][A-Z0-9]*\.[A-Z0-9_]+", alert["message"])
        assert named is not None, alert["message"]
        lines = [line for line in under if named[0] in line]
        assert len(lines) == 1, (named[0], alert["message"], screen)
        (line,) = lines
        if alert["title"]:
            finding = alert["message"].split(alert["title"], 1)[1]
            if finding in line:
                continue
            assert set(FIGURE.findall(finding)) <= set(FIGURE.findall(line)), (finding, line)
        else:  # a team's shares (3 of 3 key results): its first, with its figure
            first = re.search(r"[（(](?:应完成的 )?([\d.]+%)", alert["message"])
            assert first is not None and first[1] in line, (alert["message"], line)
    names = more.match(screen[screen.index(owing) + 1])
    assert names is not None, screen
    people = re.split("、" if lang == "zh" else ", ", names[1])
    assert len(people) >= 3 and len(people) + int(names[2]) == len(OWING) + 1
    brief = in_a_terminal("report", "-w", str(crowded), "--as-of", AS_OF, "--lang", lang,
                          "--brief")  # fmt: skip
    assert [line for line in brief if line] == [line for line in screen if line]


@pytest.mark.parametrize(
    ("lang", "columns", "moved", "alerts"), [("zh", 32, 1, 5), ("en", 40, 1, 5), ("en", 32, 1, 3)]
)
def test_on_a_narrow_terminal_what_moved_gives_way_before_the_alerts(
    crowded: Path, lang: str, columns: int, moved: int, alerts: int
) -> None:
    """Narrower, each breaker takes three rows or more: fewer of what moved most are
    listed, then, only when that is not enough, fewer alerts."""
    shown = okrdesk("report", "-w", str(crowded), "--as-of", AS_OF, "--lang", lang, "--brief",
                    env={"COLUMNS": str(columns)}).stdout.splitlines()  # fmt: skip
    assert len(shown) <= 22, "\n".join(shown)
    level = "  提醒    " if lang == "zh" else "  WARNING "
    assert len([line for line in shown if line.startswith(level)]) == alerts
    assert len([line for line in shown if line.startswith(("  +", "  -"))]) == moved
    assert sum(line.startswith("⚠") for line in shown) == 2


def test_what_moved_most_leaves_out_a_change_written_as_none(
    write_workspace: WriteWorkspace,
) -> None:
    # eNPS moved by a thousandth of a point this week: the change column writes ±0, and a
    # "moved most" line of ±0 would say it moved. Revenue moved by 3,000万.
    root = rhythm(write_workspace)
    for kr, value, day in [
        ("O1.ENPS", "40", "2026-03-01"),
        ("O1.ENPS", "40.001", "2026-03-03"),
        ("O1.REV", "1.1", "2026-03-01"),
        ("O1.REV", "1.4", "2026-03-03"),
    ]:
        assert run(root, "checkin", kr, value, "--date", day, "--by", "王芳").exit_code == 0
    shown = run(root, "report", "--as-of", "2026-03-04", "--unit", "team-a", "--brief").output
    shown = shown.splitlines()
    heading = shown.index("变化最大（周变化）")
    moved = shown[heading + 1 : next(i for i, line in enumerate(shown) if "需要关注" in line)]
    assert moved == ["  +3,000万  O1.REV 营业收入"]


@pytest.mark.parametrize(
    ("lang", "branch", "team"),
    [
        ("zh", ["  +3次（变差）  O2.ZERO 合规事故为零"],
         ["  -10分（变差）  O1.ENPS 员工 eNPS", "  +3,000万  O1.REV 营业收入"]),
        ("en", ["  +3 times (worse)  O2.ZERO 合规事故为零"],
         ["  -10 pts (worse)  O1.ENPS 员工 eNPS", "  +¥30m  O1.REV 营业收入"]),
    ],
)  # fmt: skip
def test_what_moved_most_away_from_its_target_says_so(
    write_workspace: WriteWorkspace, lang: str, branch: list[str], team: list[str]
) -> None:
    # Incidents are to stay at none and rose to 3; eNPS fell; revenue rose. Beside the
    # title alone, "+3次" (or "+1.9百分点" of an empty-account rate) reads as progress.
    root = rhythm(write_workspace)
    for kr, value, day in [
        ("O2.ZERO", "0", "2026-03-01"),
        ("O2.ZERO", "3", "2026-03-03"),
        ("O1.ENPS", "40", "2026-03-01"),
        ("O1.ENPS", "30", "2026-03-03"),
        ("O1.REV", "1.1", "2026-03-01"),
        ("O1.REV", "1.4", "2026-03-03"),
    ]:
        assert run(root, "checkin", kr, value, "--date", day, "--by", "王芳").exit_code == 0
    for unit, lines in [("branch", branch), ("team-a", team)]:
        asked = ("report", "--as-of", "2026-03-04", "--unit", unit, "--lang", lang)
        shown = run(root, *asked, "--brief").output.splitlines()
        heading = next(i for i, line in enumerate(shown) if line.startswith(("变化最大", "Moved")))
        assert shown[heading + 1 : heading + 1 + len(lines)] == lines
        assert not shown[heading + 1 + len(lines)].startswith(("  +", "  -"))
        markdown = run(root, *asked, "--format", "md").output
        for line in lines:
            moved, title = line.strip().split("  ", 1)
            moved = moved.replace("¥", "CNY ")  # ¥ in the English text report alone
            assert f"- **{moved}** {title}" in markdown


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_check_on_a_terminal_keeps_its_messages_in_their_column(demo: Path, lang: str) -> None:
    """A terminal wrapped each long line of check back to its margin, under the kinds;
    now the rest of a message goes on under the message. With no terminal (cron), an
    alert stays one line."""
    shown = in_a_terminal("check", "-w", str(demo), "--as-of", AS_OF, "--lang", lang,
                          status=1)  # fmt: skip
    piped = subprocess.run(
        [sys.executable, "-m", "okrdesk", "check", "-w", str(demo), "--as-of", AS_OF,
         "--lang", lang],
        stdin=subprocess.DEVNULL, capture_output=True, text=True,
        env={**os.environ, "OKRDESK_LOAD_PLUGINS": "brokerage"},
    )  # fmt: skip
    assert piped.returncode == 1
    heading = "仅供参考" if lang == "zh" else "For information only"  # above the info lines
    alerts = [line for line in piped.stdout.splitlines()[:-1] if line != heading]
    starts = [{cell_width(a[:n]) for n in range(1, len(a)) if a[n - 1] == " " != a[n]}
              for a in alerts]  # fmt: skip
    column = min(set.intersection(*starts))  # where every message begins
    assert any(cell_width(line) > 80 for line in alerts)
    lines = [line.rstrip() for line in shown if line.strip() and line.rstrip() != heading]
    assert all(cell_width(line) <= 80 for line in lines)
    # Each alert's lines, joined again, are that alert; its lines after the first start
    # at the messages' column.
    told: list[str] = []
    for line in lines[:-1]:
        if line.startswith(" "):
            assert len(line) - len(line.lstrip()) == column, line
            told[-1] += line
        else:
            told.append(line)
    assert len(told) == len(alerts)
    assert ["".join(a.split()) for a in told] == ["".join(a.split()) for a in alerts]
    assert lines[-1] == piped.stdout.splitlines()[-1]


def test_brief_is_for_text_only(demo: Path) -> None:
    done = okrdesk("report", "-w", str(demo), "--brief", "--format", "json", "--lang", "en")
    assert done.returncode == 2 and "--brief is the text report's first screen" in done.stderr
    zh = okrdesk("report", "-w", str(demo), "--brief", "--format", "json")
    assert (
        zh.returncode == 2 and "--brief 是文本报告的首屏；--format json 总是完整报告" in zh.stderr
    )


def test_columns_left_out_are_named_and_ids_never_broken(demo: Path) -> None:
    done = okrdesk("report", "-w", str(demo), "--as-of", AS_OF, env={"COLUMNS": "80"})
    assert "年末预测、趋势 因宽度省略" in done.stdout
    assert "O3.PRODUCTIVITY" in done.stdout
    # No id is split over two lines (it was "O3.PRODUCTIVIT" above "Y"), at any width.
    for width in ("80", "90", "100"):
        shown = okrdesk("report", "-w", str(demo), "--as-of", AS_OF, env={"COLUMNS": width})
        pieces = [line for line in shown.stdout.splitlines() if "O3.PRODUCTIV" in line]
        assert pieces and all("O3.PRODUCTIVITY" in line for line in pieces), (width, pieces)
    en = okrdesk("report", "-w", str(demo), "--as-of", AS_OF, "--lang", "en",
                 env={"COLUMNS": "80"})  # fmt: skip
    assert "Forecast, Trend left out for width" in en.stdout


# ------------------------------------------------------------------ scores


def test_scores_month_by_month_with_the_trend(demo: Path) -> None:
    data = json.loads(okrdesk("report", "-w", str(demo), "--as-of", AS_OF, "--format",
                              "json").stdout)  # fmt: skip
    first = data["scores"][0]
    months = [p["period"] for p in first["history"]]
    assert months == [f"2026-{m:02d}" for m in range(1, 11)]  # every complete month
    assert first["history"][-1]["score"] == first["score"]
    assert first["history"][-1]["period"] == first["period"] == "2026-10"
    text = okrdesk("report", "-w", str(demo), "--as-of", AS_OF, env={"COLUMNS": "80"}).stdout
    table = text[text.index("月度考核") :]
    header = table.splitlines()[2]
    assert "10月" in header and "11月至今" in header and "趋势" in header
    shown = [m for m in range(1, 11) if f" {m}月 " in header]
    assert 2 <= len(shown) <= 6 and shown[-1] == 10
    # The trend mark compares September with October, by hand from the JSON.
    row = next(line for line in table.splitlines() if f"({first['person']})" in line)
    sep, oct_ = first["history"][-2]["score"], first["history"][-1]["score"]
    assert ("↗" if oct_ > sep else "↘" if oct_ < sep else "→") in row
    wide = okrdesk("report", "-w", str(demo), "--as-of", AS_OF, env={"COLUMNS": "200"}).stdout
    assert all(f" {m}月 " in wide[wide.index("月度考核") :].splitlines()[2] for m in range(5, 11))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_scores_change_is_the_difference_of_the_scores_shown(demo: Path, lang: str) -> None:
    """88.7% a week after 84.5% is +4.2 points on the first screen, whatever the
    unrounded scores' difference (4.15) would round to."""
    done = okrdesk("report", "-w", str(demo), "--as-of", AS_OF, "--lang", lang, "--brief")
    pattern = (
        r"(\d+(?:\.\d+)?)%(?:（上周末| \(end of last week) (\d+(?:\.\d+)?)%(?:，|, )"
        r"(±0|[+-]\d+(?:\.\d+)?)"
    )
    found = re.search(pattern, done.stdout)
    assert found, done.stdout
    now, then, change = (Decimal(found[i].lstrip("±")) for i in (1, 2, 3))
    assert change == now - then, found[0]


@pytest.mark.parametrize(
    ("now", "then", "said"),
    [(0.690, 0.680, "+1.0百分点"), (0.6952, 0.6868, "+0.8百分点"), (0.68, 0.69, "-1.0百分点"),
     (1.0, 0.995, "+0.5百分点")],
)  # fmt: skip
def test_the_scores_change_keeps_the_decimals_of_the_scores(
    now: float, then: float, said: str
) -> None:
    """69.0% a week after 68.0% is +1.0 points, written as the scores are, beside +0.8."""
    import attrs

    from okrdesk.report.document import Report
    from okrdesk.report.terminal import _score_line

    fields = {f.name: None for f in attrs.fields(Report) if f.default is attrs.NOTHING}
    report = attrs.evolve(Report(**fields), score=now, previous_score=then, grain="week")
    assert _score_line(report, "zh").plain.endswith(f"，{said}）")


def test_a_past_day_inside_a_stored_week_counts_none_of_that_week(
    demo: Path, tmp_path: Path
) -> None:
    """The demo is collected through 20 November, so 2026-W27 is stored whole: a report
    as of Wednesday 1 July counts none of it (its figure holds 2 to 5 July too), says so
    in every format, and names the day its score is compared with."""
    day = ("--as-of", "2026-07-01")
    lines = okrdesk("report", "-w", str(demo), *day, "--brief").stdout.splitlines()
    assert lines[2] == "数据截至 2026-06-28：2026-W27 含 2026-07-01 之后的日子，不计入"
    assert re.match(r"综合得分 [\d.]+%（2026-06-21 [\d.]+%，", lines[4]), lines[4]
    english = okrdesk("report", "-w", str(demo), *day, "--lang", "en").stdout
    assert "Figures through 2026-06-28: 2026-W27 holds days after 2026-07-01" in english
    assert " (on 2026-06-21 " in english
    checked = okrdesk("check", "-w", str(demo), *day).stdout.splitlines()
    assert checked[0] == "数据截至 2026-06-28：2026-W27 含 2026-07-01 之后的日子，不计入"
    md = okrdesk("report", "-w", str(demo), *day, "--format", "md").stdout
    assert "> 数据截至 2026-06-28：2026-W27 含 2026-07-01 之后的日子，不计入" in md
    html = okrdesk("report", "-w", str(demo), *day, "--format", "html").stdout
    assert "数据截至 2026-06-28：2026-W27 含 2026-07-01 之后的日子，不计入" in html
    book = tmp_path / "report.xlsx"
    okrdesk("report", "-w", str(demo), *day, "--format", "xlsx", "--out", str(book))
    about = {row[0]: row[1] for row in
             openpyxl.load_workbook(book)["概览"].iter_rows(values_only=True)}  # fmt: skip
    assert about["数据"] == "数据截至 2026-06-28：2026-W27 含 2026-07-01 之后的日子，不计入"
    assert "综合得分 2026-06-21" in about
    cut = json.loads(okrdesk("report", "-w", str(demo), *day, "--format", "json").stdout)
    assert (cut["figures_through"], cut["cut_period"], cut["change_from"]) == (
        "2026-06-28", "2026-W27", "2026-06-21")  # fmt: skip
    # Its figures are those of the report on Sunday 28 June, to the last digit.
    sunday = json.loads(
        okrdesk("report", "-w", str(demo), "--as-of", "2026-06-28", "--format", "json").stdout
    )
    assert sunday["figures_through"] is None and sunday["change_from"] == "2026-06-21"

    def actuals(report: dict[str, object]) -> dict[str, object]:
        return {kr["id"]: kr["actual"] for o in report["objectives"]  # type: ignore[attr-defined]
                for kr in o["key_results"] if kr["closed"] is None}  # fmt: skip

    # (The Q2 checkpoints, open on 28 June, closed on 30 June: judged apart.)
    assert len(actuals(cut)) > 20 and actuals(cut).items() <= actuals(sunday).items()
    # A past day of the plan's first week, stored whole: nothing counted yet, and no key
    # result is said to have no data for it.
    first = json.loads(
        okrdesk("report", "-w", str(demo), "--as-of", "2026-01-02", "--format", "json").stdout
    )
    assert first["figures_through"] == "2025-12-31"
    assert not [a for a in first["alerts"] if a["kind"] == "no_data"]
    # On the day of the last collect its week is stored in part, through that day: it
    # counts, and nothing is said.
    live = json.loads(
        okrdesk("report", "-w", str(demo), "--as-of", AS_OF, "--format", "json").stdout
    )
    assert (live["figures_through"], live["change_from"]) == (None, "2026-11-15")


def test_every_format_names_what_no_member_with_a_share_brings(demo: Path, tmp_path: Path) -> None:
    """财富管理一部's net new assets are shared out to four of its people; a trainee with
    no share brings the rest of the team's figure, and every format says so, as it says
    which day a closed checkpoint's figures run through."""
    said = "来自没有分解目标的人员（高鹏）"
    for fmt in ("text", "md", "html"):
        out = okrdesk("report", "-w", str(demo), "--as-of", AS_OF, "--unit", "wm1",
                      "--format", fmt).stdout  # fmt: skip
        assert said in out, fmt
        branch = okrdesk("report", "-w", str(demo), "--as-of", AS_OF, "--format", fmt).stdout
        assert "检查点按截至 2026-06-28 的数据判定" in branch, fmt
    book = tmp_path / "wm1.xlsx"
    okrdesk("report", "-w", str(demo), "--as-of", AS_OF, "--unit", "wm1", "--format", "xlsx",
            "--out", str(book))  # fmt: skip
    notes = [
        row[-1] for row in openpyxl.load_workbook(book)["关键结果"].iter_rows(values_only=True)
    ]
    assert any(said in (note or "") for note in notes)


def test_a_phases_last_day_is_called_so(demo: Path) -> None:
    """30 September ends Q3: not "剩余 0 天", which reads as over."""
    zh = okrdesk("report", "-w", str(demo), "--as-of", "2026-09-30", "--brief").stdout
    assert "阶段 Q3 攻坚：2026-07-01 – 2026-09-30，最后一天" in zh
    en = okrdesk("report", "-w", str(demo), "--as-of", "2026-09-30", "--lang", "en").stdout
    assert "Phase Q3 攻坚: 2026-07-01 – 2026-09-30, last day" in en
    day_before = okrdesk("report", "-w", str(demo), "--as-of", "2026-09-29", "--brief").stdout
    assert "2026-07-01 – 2026-09-30，剩余 1 天" in day_before


def test_a_chat_message_tells_a_tripped_breaker_once(demo: Path, tmp_path: Path) -> None:
    """The events line's breaker is the message's callout; the list of what needs
    attention below it does not say it again, as the report's first screen does not."""
    root = tmp_path / "demo"
    shutil.copytree(demo, root)
    with (root / "okrdesk.toml").open("a", encoding="utf-8") as settings:
        settings.write('\n[send]\n[[send.channels]]\nname = "group"\nkind = "wecom"\n'
                       'url_env = "W"\n')  # fmt: skip
    for lang, tripped in (
        ("zh", "已用预算 112.6%，超支 12.6%"),
        ("en", "has spent 112.6% of its amount, 12.6% over"),
    ):
        done = okrdesk("send", "--dry-run", "-w", str(root), "--lang", lang, "--as-of", AS_OF,
                       env={"W": "http://127.0.0.1:9/x"})  # fmt: skip
        assert done.returncode == 0, done.stderr
        content = json.loads(done.stdout[done.stdout.index("{") :])["markdown"]["content"]
        assert content.count(tripped) == 1, content
        assert "O2.NPS" in content.split(tripped)[1]
        # The plan's name says the branch already; a team's message names the team.
        assert content.startswith("## 深圳福田营业部 2026 年度经营计划\n"), content
    team = okrdesk("send", "--dry-run", "-w", str(root), "--unit", "wm1", "--as-of", AS_OF,
                   env={"W": "http://127.0.0.1:9/x"})  # fmt: skip
    assert "## 深圳福田营业部 2026 年度经营计划 · 财富管理一部\n" in team.stdout.replace(
        "\\n", "\n"
    )


def test_a_check_in_takes_its_day_as_as_of_too(write_workspace: WriteWorkspace) -> None:
    """Every command that reads takes the day as --as-of; a manager who typed it for a
    check-in was told there is no such option and offered --reason."""
    root = rhythm(write_workspace)
    done = run(root, "checkin", "O1.ENPS", "40", "--as-of", "2026-03-02", "--lang", "en")
    assert done.exit_code == 0, done.output
    assert "as of 2026-03-02" in done.output


def test_the_readmes_content_line_trips_about_where_it_says(demo: Path, tmp_path: Path) -> None:
    """README: the content line "may run 10 points ahead of them, so about 5.7万 more trips
    its breaker". It used to say that any further entry would trip it."""
    root = tmp_path / "demo"
    shutil.copytree(demo, root)
    signed = ["--signed-by", "陈建国", "--signed-by", "梁晨", "--date", AS_OF, "-w", str(root)]
    refused = okrdesk("spend", "add", "content", "5.8万", *signed)
    assert refused.returncode == 1 and "已拒绝（熔断）" in refused.stderr + refused.stdout
    kept = okrdesk("spend", "add", "content", "5.7万", *signed)
    assert kept.returncode == 0, kept.stderr


def test_a_channel_with_a_unit_gets_that_units_message(demo: Path, tmp_path: Path) -> None:
    """A head office sends each branch's (here each team's) report to that branch's own
    group in one run: a channel's `unit` picks its report; the others get --unit's."""
    root = tmp_path / "demo"
    shutil.copytree(demo, root)
    with (root / "okrdesk.toml").open("a", encoding="utf-8") as settings:
        settings.write('\n[send]\n[[send.channels]]\nname = "group"\nkind = "wecom"\n'
                       'url_env = "W"\n\n[[send.channels]]\nname = "wm1-group"\n'
                       'kind = "wecom"\nurl_env = "W"\nunit = "wm1"\n')  # fmt: skip
    done = okrdesk("send", "--dry-run", "-w", str(root), "--as-of", AS_OF,
                   env={"W": "http://127.0.0.1:9/x"})  # fmt: skip
    assert done.returncode == 0, done.stderr
    headings = [line for line in done.stdout.replace("\\n", "\n").splitlines()
                if "## 深圳福田营业部" in line]  # fmt: skip
    assert [h.split('"content": "')[-1] for h in headings] == [
        "## 深圳福田营业部 2026 年度经营计划",
        "## 深圳福田营业部 2026 年度经营计划 · 财富管理一部",
    ]
    assert done.stdout.index("group（wecom）") < done.stdout.index("wm1-group（wecom）")
    with (root / "okrdesk.toml").open("a", encoding="utf-8") as settings:
        settings.write('\n[[send.channels]]\nname = "typo"\nkind = "wecom"\nurl_env = "W"\n'
                       'unit = "wm-1"\n')  # fmt: skip
    wrong = okrdesk("send", "--dry-run", "-w", str(root), "--as-of", AS_OF, "--lang", "en",
                    env={"W": "http://127.0.0.1:9/x"})  # fmt: skip
    assert wrong.returncode == 2, wrong.stdout
    assert 'okrdesk.toml: [[send.channels]] typo: unit: no unit or person "wm-1"' in wrong.stderr
    assert "Traceback" not in wrong.stderr
    # okrdesk validate finds it first, at its line, before a Monday's send would.
    checked = okrdesk("validate", "-w", str(root), "--lang", "en")
    assert checked.returncode == 2, checked.stdout
    assert re.search(r'okrdesk.toml:\d+: send.channels\[2\].unit: no unit or person "wm-1"',
                     checked.stdout), checked.stdout  # fmt: skip


@pytest.mark.parametrize(
    ("grain", "zh", "en"),
    [("week", "周报", "weekly report"), ("month", "月报", "monthly report"),
     ("quarter", "季报", "quarterly report")],
)  # fmt: skip
def test_a_messages_title_names_the_plans_grain(
    write_workspace: WriteWorkspace, grain: str, zh: str, en: str
) -> None:
    """A branch that reviews by the month got "2026-06-30 周报" in its group's title."""
    from sample_workspace import PLAN

    plan = PLAN.replace('unit = "branch"\n', f'unit = "branch"\ngrain = "{grain}"\n', 1)
    root = write_workspace({"plan.toml": plan})
    with (root / "okrdesk.toml").open("a", encoding="utf-8") as settings:
        settings.write('\n[send]\n[[send.channels]]\nname = "g"\nkind = "feishu"\n'
                       'url_env = "W"\n')  # fmt: skip
    assert run(root, "collect", "--through", "2026-06-30").exit_code == 0
    for lang, word in (("zh", zh), ("en", en)):
        done = run(root, "send", "--dry-run", "--as-of", "2026-06-30", "--lang", lang,
                   env={"W": "http://127.0.0.1:9/x"})  # fmt: skip
        assert done.exit_code == 0, done.output
        assert f'"title": "福田营业部 2026 · 2026-06-30 {word}"' in done.output, done.output


def _a_quiet_week(write_workspace: WriteWorkspace, lang: str) -> tuple[Path, tuple[str, ...]]:
    """The rhythm workspace after a quiet week: revenue checked in again 400 yuan up (1.1亿
    both weeks as written), eNPS 0.01 of a point up; and the report of team-a that week,
    in ``lang``, as asked on the command line."""
    root = rhythm(write_workspace)
    for kr, value, day in [
        ("O1.REV", "1.1", "2026-03-01"),
        ("O1.REV", "1.100004", "2026-03-03"),
        ("O1.ENPS", "40", "2026-03-01"),
        ("O1.ENPS", "40.01", "2026-03-03"),
    ]:
        assert run(root, "checkin", kr, value, "--date", day, "--by", "王芳").exit_code == 0
    return root, ("report", "--as-of", "2026-03-04", "--unit", "team-a", "--lang", lang)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_what_moved_most_lists_only_moves_its_figure_shows(
    write_workspace: WriteWorkspace, lang: str
) -> None:
    """A quiet week: revenue checked in again 400 yuan up, eNPS 0.01 of a point up. The
    first screen listed "+400元 O1.REV 营业收入" as what moved most, beside a figure that
    read 1.1亿 both weeks: a manager doubts a list of non-moves. A move is listed only
    where the figure, as the report writes it, reads otherwise than a week before; with
    none, the section is left out, in every format."""
    root, asked = _a_quiet_week(write_workspace, lang)
    shown = run(root, *asked, "--brief").output.splitlines()
    heading = next(i for i, line in enumerate(shown) if line.startswith(("变化最大", "Moved")))
    # eNPS, 40.01分 a week after 40分, moved as it reads; revenue, 1.1亿 both weeks, did not.
    moved = shown[heading + 1 : heading + 3]
    assert moved[0] == ("  +0.01分  O1.ENPS 员工 eNPS" if lang == "zh"
                        else "  +0.01 pts  O1.ENPS 员工 eNPS"), shown  # fmt: skip
    assert not moved[1].startswith(("  +", "  -")), shown
    assert "O1.REV" not in "\n".join(shown[: heading + 3])
    named = "变化最大" if lang == "zh" else "Moved most"
    assert all(named in run(root, *asked, "--format", f).output for f in ("md", "html"))

    assert (
        run(root, "checkin", "O1.ENPS", "40", "--date", "2026-03-03", "--by", "王芳").exit_code == 0
    )
    for format_ in ("text", "md", "html"):
        told = run(root, *asked, "--format", format_).output
        assert named not in told, (format_, told[:1500])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_change_finer_than_its_figure_is_written_is_no_change(
    write_workspace: WriteWorkspace, lang: str
) -> None:
    """Revenue checked in again 400 yuan up: the details' change column wrote +400元
    (+CNY 400) beside a figure that read 1.1亿 (CNY 110m) both weeks, a move finer than
    the figure is written. It is ±0 there, as two counts or rates shown alike are, in text
    and Markdown; eNPS, 40分 → 40.01分, still moved by +0.01分 as it reads."""
    root, asked = _a_quiet_week(write_workspace, lang)
    text = run(root, *asked, env={"COLUMNS": "140"}).output
    lines = text.splitlines()
    heading = next(line for line in lines if line.startswith("┃ ")).split("┃")
    at = [cell.strip() for cell in heading].index("周变化" if lang == "zh" else "Week Δ")
    changes = {line.split()[1]: line.split("│")[at].strip() for line in lines
               if line.startswith("│ O1.")}  # fmt: skip
    assert changes["O1.REV"] == "±0", changes
    assert changes["O1.ENPS"] == ("+0.01分" if lang == "zh" else "+0.01 pts"), changes
    markdown = run(root, *asked, "--format", "md").output
    assert "+400" not in text + markdown and "+CNY 400" not in text + markdown
    revenue = next(line for line in markdown.splitlines() if "O1.REV" in line and "|" in line)
    assert "| ±0 |" in revenue, revenue
