"""A rate's checkpoint of a phase ("Q2 深耕：开户→首购转化率提升到 16%", a milestone of 1.0
at Q2) is the phase's own rate, not the year's to its end: the report in every format,
the JSON, `check` and `explain` read it from the phase's first period, say so under the
title, and read the plan to date, saying so, before the phase holds a figure (real CSV
files, an SQL funnel, collect, report, check and explain; the demo's own store)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from okrdesk.cli import cli
from sample_workspace import WriteWorkspace

ACCOUNTS = """\
account_id,cm_id,open_date
A1,cm01,2026-02-02
A2,cm01,2026-02-09
A3,cm02,2026-03-02
A4,cm02,2026-03-09
B1,cm01,2026-04-13
B2,cm01,2026-04-20
B3,cm02,2026-05-04
B4,cm02,2026-05-11
"""
FUNDINGS = """\
account_id,fund_date
A1,2026-02-05
B1,2026-04-15
B2,2026-04-22
B3,2026-05-06
"""
"""In the first quarter one account of four was funded; in the second, three of four:
Q2's own rate is 75% (王芳 2 of 2, 李强 1 of 2), the year's to 30 June 50%."""

SETTINGS = """\
[sources.sql]
tables = { accounts = "data/accounts.csv", fundings = "data/fundings.csv" }

[[sources.sql.metrics]]
name = "open_to_fund_30d"
label_zh = "开户 30 日内入金率"
unit = "%"

[sources.sql.metrics.funnel]
entered = "SELECT account_id AS entity, cm_id AS subject, open_date AS day FROM accounts"
converted = "SELECT account_id AS entity, fund_date AS day FROM fundings"
within_days = 30
"""

OKRS = """\
[[objectives]]
id = "Q2"
title = "深耕"
owner = "branch"

[[objectives.key_results]]
id = "FUND"
title = "Q2 深耕：开户 30 日内入金率提升到 80%"
metric = "open_to_fund_30d"
target = 80
unit = "%"
milestones = { Q2 = 1.0 }
"""

COLLECTED = "2026-07-31"
"""After Q2's last cohorts settle (30 days after 28 June): its checkpoint is judged."""


def run(root: Path, *args: str, code: int = 0) -> Result:
    done = CliRunner().invoke(cli, [*args, "-w", str(root)])
    assert done.exit_code == code, done.output
    return done


@pytest.fixture
def funnel(write_workspace: WriteWorkspace) -> Path:
    return collected(write_workspace, OKRS)


def collected(write_workspace: WriteWorkspace, okrs: str) -> Path:
    """A workspace of the funnel with the key result ``okrs`` sets, collected."""
    root = write_workspace({"q2.toml": okrs, "okrs.toml": None, "budget.toml": None}, plugin=False)
    (root / "data").mkdir()
    (root / "data" / "accounts.csv").write_text(ACCOUNTS, encoding="utf-8")
    (root / "data" / "fundings.csv").write_text(FUNDINGS, encoding="utf-8")
    (root / "okrdesk.toml").write_text(SETTINGS, encoding="utf-8")
    run(root, "collect", "--through", COLLECTED)
    return root


def reported(root: Path, as_of: str, key_result: str = "Q2.FUND") -> dict[str, object]:
    document = json.loads(run(root, "report", "--as-of", as_of, "--format", "json").stdout)
    return next(
        k for o in document["objectives"] for k in o["key_results"] if k["id"] == key_result
    )


def row(root: Path, as_of: str, lang: str, key_result: str = "Q2.FUND") -> str:
    text = run(root, "report", "--as-of", as_of, "--format", "md", "--lang", lang).output
    return next(line for line in text.splitlines() if line.startswith(f"| {key_result} "))


def test_a_rate_checkpoint_of_a_phase_is_the_phase_s_own_rate(funnel: Path) -> None:
    closed = reported(funnel, COLLECTED)
    assert (closed["numerator"], closed["denominator"]) == (3, 4)
    assert closed["actual"] == pytest.approx(0.75)
    assert (closed["over_phase"], closed["over_phase_from"], closed["over_phase_period"]) == (
        "Q2",
        "2026-03-30",
        "2026-W14",
    )
    assert closed["phase_to_come"] is None
    # Its trend starts with the phase's first week with a figure, not in February.
    assert closed["trend"][0]["date"] == "2026-04-19"
    assert "| 75% | 80% |" in row(funnel, COLLECTED, "zh")
    assert "按 Q2 阶段自身的数字计：只计 2026-W14（2026-03-30 起）以来的各周期" in row(
        funnel, COLLECTED, "zh"
    )
    english = row(funnel, COLLECTED, "en")
    assert "| 75% | 80% |" in english
    assert "Q2's own figure: only its periods from 2026-W14 (starting 2026-03-30)" in english
    for form, lang in (("html", "zh"), ("text", "en")):
        shown = run(funnel, "report", "--as-of", COLLECTED, "--format", form, "--lang", lang)
        said = "按 Q2 阶段自身的数字计" if lang == "zh" else "Q2's own figure: only its periods"
        assert said in shown.output, form
    # While the phase runs, the same: three of the four opened since 30 March.
    assert reported(funnel, "2026-05-31")["actual"] == pytest.approx(0.75)


def test_check_and_explain_give_the_report_s_figure(funnel: Path) -> None:
    said = run(funnel, "check", "--as-of", COLLECTED, code=1).output
    assert "2026-06-30 截止未达成，差 5百分点" in said, said
    english = run(funnel, "check", "--as-of", COLLECTED, "--lang", "en", code=1).output
    assert "missed 2026-06-30 by 5 pp" in english, english
    explained = run(funnel, "explain", "Q2.FUND", "--as-of", COLLECTED).output.splitlines()
    assert "按 Q2 阶段自身的数字计：只计 2026-W14（2026-03-30 起）以来的各周期" in explained
    assert "= 75%" in explained
    assert not any("2026-W06" in line for line in explained), "a Q1 row among Q2's"
    members = run(funnel, "explain", "Q2.FUND", "--as-of", COLLECTED, "--unit", "team-a",
                  "--lang", "en").output  # fmt: skip
    assert "Q2's own figure: only its periods from 2026-W14 (starting 2026-03-30)" in members
    assert "= 75%" in members.splitlines()


def test_before_its_phase_has_a_figure_the_plan_to_date_is_read_and_said(funnel: Path) -> None:
    early = reported(funnel, "2026-03-20")
    assert (early["numerator"], early["denominator"]) == (1, 4)
    assert (early["over_phase"], early["phase_to_come"]) == (None, "Q2")
    assert "Q2 阶段尚无数字：暂按计划开始至今的数字计，Q2 有数字后只计 Q2 的" in row(
        funnel, "2026-03-20", "zh"
    )
    assert "Q2 has no figure yet: this is the plan's to date, until Q2 has one" in row(
        funnel, "2026-03-20", "en"
    )
    explained = run(funnel, "explain", "Q2.FUND", "--as-of", "2026-03-20", "--lang", "en")
    assert "Q2 has no figure yet: this is the plan's to date, until Q2 has one" in (
        explained.output.splitlines()
    )


def test_once_its_phase_has_begun_a_subject_with_nothing_in_it_has_no_figure(
    funnel: Path,
) -> None:
    """On 12 April the figures run into Q2, where no account was opened yet: Q2's rate
    has no figure, and the year's 25% is not given for it; on 19 April B1 (funded) is
    Q2's first figure, 100%, new rather than +75百分点 on the year's."""
    empty = reported(funnel, "2026-04-12")
    assert (empty["actual"], empty["over_phase"], empty["phase_to_come"]) == (None, "Q2", None)
    assert "按 Q2 阶段自身的数字计：只计 2026-W14（2026-03-30 起）以来的各周期" in row(
        funnel, "2026-04-12", "zh"
    )
    first = reported(funnel, "2026-04-19")
    assert first["actual"] == pytest.approx(1.0) and first["over_phase"] == "Q2"
    assert (first["change"], first["new"]) == (None, True)
    text = run(funnel, "report", "--as-of", "2026-04-19", "--format", "md").output
    assert "75百分点" not in text


def q2_rate(root: Path, metric: str) -> float:
    """The metric's Q2 rate from the store itself: its weeks 2026-W14 to W26, whole."""
    with sqlite3.connect(root / "okrdesk.db") as db:
        numerator, denominator = db.execute(
            "SELECT sum(numerator), sum(denominator) FROM observations WHERE metric = ? "
            "AND slice = '' AND grain = 'week' AND period BETWEEN '2026-W14' AND '2026-W26'",
            (metric,),
        ).fetchone()
    return float(numerator) / float(denominator)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_demo_s_q2_checkpoints_are_q2_s_own_rates(
    copy_of_the_demo: Callable[[str], Path], lang: str
) -> None:
    from test_report import AS_OF, okrdesk

    root = copy_of_the_demo(f"phase-rates-{lang}")
    document = json.loads(
        okrdesk("report", "-w", str(root), "--as-of", AS_OF, "--format", "json").stdout
    )
    rows = {k["id"]: k for o in document["objectives"] for k in o["key_results"]}
    text = okrdesk("report", "-w", str(root), "--as-of", AS_OF, "--format", "md", "--lang", lang)
    for kr, metric, shown in (("P.FUNNEL", "open_to_purchase_rate", "20.7%"),
                              ("P.EMPTY", "empty_account_rate", "17.0%")):  # fmt: skip
        assert rows[kr]["actual"] == pytest.approx(q2_rate(root, metric))
        assert rows[kr]["over_phase"] == "Q2"
        line = next(line for line in text.stdout.splitlines() if line.startswith(f"| {kr} "))
        assert f"| {shown} |" in line
        explained = okrdesk("explain", kr, "-w", str(root), "--as-of", AS_OF, "--lang", lang)
        assert f"= {shown}" in explained.stdout.splitlines(), explained.stdout


def test_the_phase_s_first_week_is_no_change_on_the_year_to_date(
    copy_of_the_demo: Callable[[str], Path],
) -> None:
    """On 6 April the demo's figures reach Q2's first week (P.FUNNEL 30.4%, P.EMPTY 4.3%
    of its few accounts); a week before they were the year's (21.2%, 23.6%): a change
    of +9.2 or -19.3百分点 between the two is no change of either."""
    from test_report import okrdesk

    root = copy_of_the_demo("phase-rates-first-week")
    as_of = "2026-04-06"
    document = json.loads(
        okrdesk("report", "-w", str(root), "--as-of", as_of, "--format", "json").stdout
    )
    rows = {k["id"]: k for o in document["objectives"] for k in o["key_results"]}
    for kr in ("P.FUNNEL", "P.EMPTY"):
        assert rows[kr]["over_phase"] == "Q2" and rows[kr]["actual"] is not None
        assert (rows[kr]["change"], rows[kr]["new"]) == (None, False), kr
    text = okrdesk("report", "-w", str(root), "--as-of", as_of, "--format", "md").stdout
    # Its row's change (the header's score change names it as newly counted, below).
    assert not any("9.2百分点" in line for line in text.splitlines() if line.startswith("| P."))


REACHED = """\
cm_id,day,channel,converted,reached
cm01,2026-02-04,app,1,10
cm01,2026-04-15,app,6,10
cm02,2026-05-06,outlet,2,10
"""
"""Q1: 1 of 10 by app; Q2: 6 of 10 by app, 2 of 10 at the outlet (8 of 20, 40%)."""

REACH_SETTINGS = """\
[sources.sql]
tables = { reached = "data/reached.csv" }

[[sources.sql.metrics]]
name = "reach_rate"
kind = "ratio"
unit = "%"
dimensions = ["channel"]
query = '''SELECT cm_id AS subject, day, channel, converted AS numerator,
           reached AS denominator FROM reached'''
"""

REACH_OKRS = """\
[[objectives]]
id = "Q2"
title = "深耕"
owner = "branch"

[[objectives.key_results]]
id = "REACH"
title = "Q2 深耕：触达转化率提升到 30%"
metric = "reach_rate"
target = 30
unit = "%"
milestones = { Q2 = 1.0 }
breakdown = "channel"
"""


def test_a_phase_rate_s_breakdown_is_of_the_phase_as_its_figure(
    write_workspace: WriteWorkspace,
) -> None:
    root = write_workspace(
        {"q2.toml": REACH_OKRS, "okrs.toml": None, "budget.toml": None}, plugin=False
    )
    (root / "data").mkdir()
    (root / "data" / "reached.csv").write_text(REACHED, encoding="utf-8")
    (root / "okrdesk.toml").write_text(REACH_SETTINGS, encoding="utf-8")
    run(root, "collect", "--through", COLLECTED)
    reach = reported(root, COLLECTED, "Q2.REACH")
    assert (reach["numerator"], reach["denominator"]) == (8, 20)
    breakdown = reach["breakdown"]
    assert isinstance(breakdown, dict)
    parts = {s["value"]: (s["numerator"], s["denominator"]) for s in breakdown["rows"]}
    assert parts == {"app": (6, 10), "outlet": (2, 10)}


@pytest.fixture
def stepped(write_workspace: WriteWorkspace) -> Path:
    """The same funnel, from a baseline of 20%, half the way due by the end of Q1."""
    okrs = OKRS.replace("target = 80\n", "baseline = 20\ntarget = 80\n").replace(
        "milestones = { Q2 = 1.0 }", "milestones = { Q1 = 0.5, Q2 = 1.0 }"
    )
    return collected(write_workspace, okrs)


def test_explain_says_how_the_due_of_a_phase_s_rate_is_made(
    stepped: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its due runs on the milestones' curve from the plan's first day, whichever figure it
    is held against: on 24 May 0.5 + 0.5 × 54/91 of the way (day 144; Q1 ends on day 90,
    Q2 on 181), 79.7%, so 20% + 60% × 79.7% = 67.8% against Q2's own 75%; on 15 March
    0.5 × 74/90, 41.1%, 44.7% against the plan's 25% to date. explain says so, with the
    figure the report's due column shows."""
    monkeypatch.setenv("COLUMNS", "1000")  # each line whole: what it says, not how it folds
    in_phase = reported(stepped, "2026-05-24")
    assert (in_phase["actual"], in_phase["over_phase"]) == (pytest.approx(0.75), "Q2")
    assert in_phase["expected"] == pytest.approx(0.2 + 0.6 * (0.5 + 0.5 * 54 / 91))
    assert "| 75% | 80% | 91.7% | 67.8% |" in row(stepped, "2026-05-24", "zh")
    said = run(stepped, "explain", "Q2.FUND", "--as-of", "2026-05-24").output.splitlines()
    assert said[-1] == (
        "应完成 67.8% = 20% +（80% − 20%）× 79.7%：截至 2026-05-24 应走完的进度，按里程碑 "
        "{ Q1 = 0.5, Q2 = 1.0 } 自计划首日 2026-01-01 起算（不是从 Q2 开始算）；"
        "比较的是 Q2 阶段自身的数字"
    )
    english = run(stepped, "explain", "Q2.FUND", "--as-of", "2026-05-24", "--lang", "en")
    assert english.output.splitlines()[-1] == (
        "due 67.8% = 20% + (80% − 20%) × 79.7%, the share of the way due by 2026-05-24 on its "
        "milestones { Q1 = 0.5, Q2 = 1.0 }, counted from the plan's first day, 2026-01-01 "
        "(not from Q2's); held against Q2's own figure"
    )
    before = reported(stepped, "2026-03-15")
    assert (before["numerator"], before["denominator"], before["phase_to_come"]) == (1, 4, "Q2")
    assert before["expected"] == pytest.approx(0.2 + 0.6 * 0.5 * 74 / 90)
    said = run(stepped, "explain", "Q2.FUND", "--as-of", "2026-03-15").output.splitlines()
    assert said[-1].startswith("应完成 44.7% = 20% +（80% − 20%）× 41.1%：截至 2026-03-15")
    assert said[-1].endswith("；比较的是计划开始至今的数字（Q2 阶段有数字前）")
    english = run(stepped, "explain", "Q2.FUND", "--as-of", "2026-03-15", "--lang", "en")
    assert english.output.splitlines()[-1].endswith(
        "held against the plan's figure to date until Q2 has figures"
    )
    # Closed, all of it is due: no curve to explain.
    said = run(stepped, "explain", "Q2.FUND", "--as-of", COLLECTED).output
    assert "应完成" not in said


def test_a_phase_s_own_rate_is_due_from_the_phase_s_first_period(
    funnel: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With `{ Q2 = 1.0 }` its due ran from 1 January, so that in Q2's first week, read on
    Q2's own accounts alone, nearly half of the way was due of a rate just begun. It runs
    from Q2's first period (2026-W14, from 30 March: day 89) to 30 June (day 181): on 24
    May (day 144) 56/93 of the way, 48.2% of 80%; before it nothing is due. explain says
    so; the curve the report draws bends there."""
    monkeypatch.setenv("COLUMNS", "1000")
    in_phase = reported(funnel, "2026-05-24")
    assert in_phase["over_phase"] == "Q2"
    assert in_phase["expected"] == pytest.approx(0.8 * 56 / 93)
    curve = {point["date"]: point["value"] for point in in_phase["milestones"]}  # type: ignore[attr-defined]
    assert curve["2026-03-29"] == 0 and curve["2026-06-30"] == pytest.approx(0.8)
    assert reported(funnel, "2026-03-15")["expected"] == 0
    said = run(funnel, "explain", "Q2.FUND", "--as-of", "2026-05-24").output.splitlines()
    assert said[-1] == (
        "应完成 48.2% = 0% +（80% − 0%）× 60.2%：截至 2026-05-24 应走完的进度，按里程碑 "
        "{ Q2 = 1.0 } 自 Q2 的首个周期 2026-W14（2026-03-30 起）起算：Q2 阶段自身的比率在此"
        "之前无应完成进度；比较的是 Q2 阶段自身的数字"
    )
    english = run(funnel, "explain", "Q2.FUND", "--as-of", "2026-05-24", "--lang", "en")
    assert english.output.splitlines()[-1] == (
        "due 48.2% = 0% + (80% − 0%) × 60.2%, the share of the way due by 2026-05-24 on its "
        "milestones { Q2 = 1.0 }, counted from Q2's first period, 2026-W14 (starting "
        "2026-03-30): nothing is due of Q2's own rate before it; held against Q2's own figure"
    )


@pytest.mark.parametrize("milestones", ["{ Q1 = 0.5, Q2 = 1.0 }", "{ Q2 = 1.0 }"])
def test_before_its_phase_a_rate_ahead_of_its_target_is_paced_not_met(
    write_workspace: WriteWorkspace, milestones: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """From 10% to 20% by Q2's own rate: on 15 March the plan's 25% to date (one account
    of four funded in Q1) is past the whole target, but Q2 has no figure yet, so nothing
    of it is met: on track against the Q1 milestone's due of 14.1% (10% + 10% × 0.5 ×
    74/90), as with `{ Q2 = 1.0 }`, where nothing is due yet. It read met with the
    milestone, on track without it."""
    monkeypatch.setenv("COLUMNS", "1000")
    okrs = OKRS.replace("target = 80\n", "baseline = 10\ntarget = 20\n").replace(
        "milestones = { Q2 = 1.0 }", f"milestones = {milestones}"
    )
    root = collected(write_workspace, okrs)
    early = reported(root, "2026-03-15")
    assert (early["actual"], early["phase_to_come"]) == (pytest.approx(0.25), "Q2")
    stepped = milestones.startswith("{ Q1")
    due = 0.1 + 0.1 * 0.5 * 74 / 90 if stepped else 0.1
    assert early["expected"] == pytest.approx(due)
    assert early["status"] == "on_track"
    due_shown = "14.1%" if stepped else "10%"
    assert f"| 25% | 20% | — | {due_shown} | 正常 |" in row(root, "2026-03-15", "zh")
    assert f"| 25% | 20% | — | {due_shown} | on track |" in row(root, "2026-03-15", "en")
    said = run(root, "explain", "Q2.FUND", "--as-of", "2026-03-15").output.splitlines()
    assert said[-1].startswith(f"应完成 {due_shown} = 10% +（20% − 10%）×")
    assert "Q2.FUND" not in run(root, "check", "--as-of", "2026-03-15").output
    # Once Q2 has its own figure (three of four funded, 75%), the whole target is reached:
    # ahead, as a rate can still fall back before Q2 closes on 30 June, not yet met.
    assert reported(root, "2026-05-24")["status"] == "ahead"


def test_before_its_phase_a_rate_s_checkpoint_counts_in_no_score(
    write_workspace: WriteWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its target is Q2's own rate: before Q2 has a figure, the plan's 25% to date attains
    none of it (not 150% of the way from 10% to 20%, counted at the cap), so the
    objective's score is its other key result's alone (the year's rate, 25% of 30%:
    83.3%), and the report, its JSON and explain say why; from Q2's first figure on it
    counts (75%: 650% of the way, at the cap of 120%, as the year's 50% of 30%)."""
    monkeypatch.setenv("COLUMNS", "1000")
    okrs = OKRS.replace("target = 80\n", "baseline = 10\ntarget = 20\n").replace(
        "milestones = { Q2 = 1.0 }", "milestones = { Q1 = 0.5, Q2 = 1.0 }"
    ) + (
        '\n[[objectives.key_results]]\nid = "YEAR"\ntitle = "全年开户 30 日内入金率 30%"\n'
        'metric = "open_to_fund_30d"\ntarget = 30\nunit = "%"\n'
    )
    root = collected(write_workspace, okrs)
    document = json.loads(run(root, "report", "--as-of", "2026-03-15", "--format", "json").stdout)
    objective = document["objectives"][0]
    assert objective["score"] == pytest.approx(0.25 / 0.3)
    assert reported(root, "2026-03-15")["attainment"] is None
    zh = run(root, "report", "--as-of", "2026-03-15", "--format", "md").output
    assert "综合得分 83.3%" in zh
    assert "未计入得分：Q2.FUND（所属阶段尚无数字，阶段有数字后才计）" in zh
    en = run(root, "report", "--as-of", "2026-03-15", "--format", "md", "--lang", "en").output
    assert "Not in the score: Q2.FUND (its phase has no figure yet; counted once it has)" in en
    said = run(root, "explain", "Q2", "--as-of", "2026-03-15").output.splitlines()
    assert said[2].startswith("综合得分 83.3%：")
    assert any("Q2.FUND" in line and "（Q2 阶段尚无数字，有数字后才计）" in line for line in said)
    english = run(root, "explain", "Q2", "--as-of", "2026-03-15", "--lang", "en").output
    assert "(Q2 has no figure yet; counted once it has)" in english
    said = run(root, "explain", "Q2.FUND", "--as-of", "2026-03-15").output.splitlines()
    assert "完成率暂无：目标是 Q2 阶段自身的数字，Q2 尚无数字；有数字前不计入目标得分" in said
    english = run(root, "explain", "Q2.FUND", "--as-of", "2026-03-15", "--lang", "en").output
    assert "no attainment yet: its target is Q2's own figure, and Q2 has none" in english
    in_phase = json.loads(run(root, "report", "--as-of", "2026-05-24", "--format", "json").stdout)
    assert in_phase["objectives"][0]["score"] == pytest.approx(1.2)


def test_before_its_phase_a_rate_s_checkpoint_allows_its_budget_line_nothing(
    write_workspace: WriteWorkspace,
) -> None:
    """A line serving Q2's rate from 10% to 20% is held to its schedule (10% by 31 March)
    before Q2 has a figure, as a line whose results have none: the plan's 25% to date,
    past the whole target, let it spend all of its 10万 in March (`允许 100.0%`), and its
    breaker could be fooled by the accounts of a quarter the campaign excludes."""
    okrs = OKRS.replace("target = 80\n", "baseline = 10\ntarget = 20\n")
    root = collected(write_workspace, okrs)
    (root / "targets" / "budget.toml").write_text(
        '[budget]\nunit = "万元"\ntotal = 10\n\n[[budget.lines]]\nid = "data"\n'
        'name = "数据运营"\nowner = "branch"\namount = 10\nkey_results = ["Q2.FUND"]\n'
        "schedule = { Q1 = 0.1, Q2 = 0.5, Q4 = 1.0 }\n",
        encoding="utf-8",
    )
    signed = ["--signed-by", "王芳", "--signed-by", "李强", "--date", "2026-03-15"]
    refused = run(root, "spend", "add", "data", "5万", *signed, code=1)
    assert "已用预算 50.00%，而支出计划只允许 8.22%：超前 41.78百分点" in refused.output
    english = run(root, "spend", "add", "data", "5万", *signed, "--lang", "en", code=1)
    assert "while its spending schedule allows 8.22%: 41.78 pp ahead" in english.output
    said = run(root, "explain", "data", "--as-of", "2026-03-15").output
    assert "已用预算 0.0%，支出计划允许 8.22%" in said, said


def test_before_its_phase_a_rate_ahead_of_its_target_is_not_forecast_to_reach_it_today(
    write_workspace: WriteWorkspace,
) -> None:
    """From 10% to 20% by Q2's own rate: on 15 March the plan's 25% to date is past the
    target, but its line (no account funded since February, more opened) runs to 8.3% on
    30 June. It gave 15 March as the day the target is reached beside that 8.3%, a
    forecast that gainsaid itself; the plan's figure reaches nothing before Q2 counts,
    and its line misses the target by 30 June, so no day is given."""
    okrs = OKRS.replace("target = 80\n", "baseline = 10\ntarget = 20\n")
    root = collected(write_workspace, okrs)
    early = reported(root, "2026-03-15")
    assert early["phase_to_come"] == "Q2" and early["actual"] == pytest.approx(0.25)
    assert early["forecast"] == pytest.approx(0.083, abs=0.001)
    assert early["forecast_to"] == "2026-06-30"
    assert early["forecast_reach"] is None
    assert "| 8.27% 至06-30 |" in row(root, "2026-03-15", "zh")
    # With a target its line meets on 30 June (from 5% to 8%), the day given is the
    # phase's first at the earliest: no figure of the plan's meets Q2's target before.
    lower = OKRS.replace("target = 80\n", "baseline = 5\ntarget = 8\n")
    (root / "targets" / "q2.toml").write_text(lower, encoding="utf-8")
    met = reported(root, "2026-03-15")
    assert met["forecast"] == pytest.approx(0.083, abs=0.001)
    assert met["forecast_reach"] == "2026-03-30"


def test_the_score_s_change_says_which_key_results_began_counting_in_it(
    copy_of_the_demo: Callable[[str], Path], tmp_path: Path
) -> None:
    """On 6 April the branch's score is 22.0% against 16.1% a week before, +5.9百分点,
    and nothing under it said that P.FUNNEL and P.EMPTY, Q2's rates with their first
    figures, count in it now and did not then: a manager read the jump as the branch's
    week. Every format says so under the score. P.LEADS, its first check-in in, is not
    said: it counted at 0 a week before (due, with no figure yet), and counts its figure
    now, as any key result's figure moves the score."""
    import openpyxl

    from test_report import okrdesk

    root = copy_of_the_demo("phase-rates-began-counting")
    as_of = ["-w", str(root), "--as-of", "2026-04-06"]
    document = json.loads(okrdesk("report", *as_of, "--format", "json").stdout)
    assert document["began_counting"] == ["P.FUNNEL", "P.EMPTY"]
    zh = okrdesk("report", *as_of, "--brief").stdout.splitlines()
    at = next(i for i, line in enumerate(zh) if line.startswith("综合得分 22.0%"))
    assert zh[at + 1] == "  含 P.FUNNEL、P.EMPTY 新计入得分"
    en = okrdesk("report", *as_of, "--brief", "--lang", "en").stdout
    assert "  Includes P.FUNNEL, P.EMPTY, newly counted in the score\n" in en
    md = okrdesk("report", *as_of, "--format", "md").stdout
    assert "（2026-03-29 16.1%，+5.9百分点） · 含 P.FUNNEL、P.EMPTY 新计入得分" in md
    html = okrdesk("report", *as_of, "--format", "html", "--lang", "en").stdout
    assert "Includes P.FUNNEL, P.EMPTY, newly counted in the score" in html
    workbook = tmp_path / "week.xlsx"
    okrdesk("report", *as_of, "--out", str(workbook))
    summary = openpyxl.load_workbook(workbook).worksheets[0]
    rows = {row[0]: row[1] for row in summary.iter_rows(values_only=True)}
    assert rows["得分变化"] == pytest.approx(5.9)  # +5.9百分点, as the md header says
    assert rows["得分变化说明"] == "含 P.FUNNEL、P.EMPTY 新计入得分"
    # A week later every one of them counted a week before too: nothing is said.
    later = json.loads(
        okrdesk("report", "-w", str(root), "--as-of", "2026-04-13", "--format", "json").stdout
    )
    assert later["began_counting"] == []
    assert "新计入得分" not in okrdesk("report", "-w", str(root), "--as-of", "2026-04-13").stdout


def test_a_member_whose_key_results_wait_for_their_phase_is_unranked_for_that_reason(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    """王芳 and 李强 hold shares of Q2's rate alone: in March each has the plan's figure to
    date, which no score counts before Q2 has one. The ranking left them out saying their
    targets had no figures yet, which sent a manager to the collect; it says why."""
    import openpyxl

    shared = OKRS.replace(
        "milestones = { Q2 = 1.0 }\n",
        "milestones = { Q2 = 1.0 }\nmembers = { cm01 = 80, cm02 = 80 }\n",
    )
    root = collected(write_workspace, shared)
    document = json.loads(run(root, "report", "--as-of", "2026-03-20", "--format", "json").stdout)
    people = {m["id"]: m for m in document["members"] if m["kind"] == "person"}
    assert [(m["rank"], m["phases_to_come"]) for m in people.values()] == [(None, ["Q2"])] * 2
    zh = run(root, "report", "--as-of", "2026-03-20").output
    assert "“—”：其关键结果在所属阶段（Q2）有数字后才计入得分，尚无综合得分，不参与排名" in zh
    assert "目标尚无数据" not in zh
    en = run(root, "report", "--as-of", "2026-03-20", "--format", "md", "--lang", "en").output
    assert "—: its key results count in the score once their phase (Q2) has a figure: " in en
    assert "no figures yet for its targets" not in en
    workbook = tmp_path / "march.xlsx"
    run(root, "report", "--as-of", "2026-03-20", "--out", str(workbook))
    sheet = openpyxl.load_workbook(workbook)["成员排名"]
    rows = [row for row in sheet.iter_rows(values_only=True) if row[2] in ("王芳", "李强")]
    assert len(rows) == 2
    assert {row[-1] for row in rows} == {
        "其关键结果在所属阶段（Q2）有数字后才计入得分，尚无综合得分"
    }
    # Once Q2 has its figures, they are ranked on them.
    later = json.loads(run(root, "report", "--as-of", "2026-05-24", "--format", "json").stdout)
    assert all(m["rank"] is not None for m in later["members"] if m["kind"] == "person")


def test_a_member_with_a_key_result_waiting_for_its_phase_and_one_without_data_has_both_told(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    """王芳 holds a share of Q2's rate, which waits for Q2, and a visits target of her own
    that nobody has checked in: the ranking gave the phase's reason for both, so the
    check-in she owes went unasked for. Each key result has its own reason."""
    import openpyxl

    shared = (
        OKRS.replace(
            "milestones = { Q2 = 1.0 }\n",
            "milestones = { Q2 = 1.0 }\nmembers = { cm01 = 80, cm02 = 80 }\n",
        )
        + VISITS
    )
    root = collected(write_workspace, shared)
    document = json.loads(run(root, "report", "--as-of", "2026-03-20", "--format", "json").stdout)
    people = {m["id"]: m for m in document["members"] if m["kind"] == "person"}
    assert (people["cm01"]["phases_to_come"], people["cm01"]["without_data"]) == (
        ["Q2"],
        ["W1.VISIT"],
    )
    assert "without_data" not in people["cm02"]
    zh = run(root, "report", "--as-of", "2026-03-20").output
    # 李强's key result waits for Q2 alone; 王芳's reasons are told apart.
    assert "“—”：其关键结果在所属阶段（Q2）有数字后才计入得分，尚无综合得分，不参与排名" in zh
    assert "“—”：其关键结果有的尚无数据，其余在所属阶段（Q2）有数字后才计入得分" in zh
    en = run(root, "report", "--as-of", "2026-03-20", "--format", "md", "--lang", "en").output
    assert (
        "—: some of its key results have no figures yet, the others count in the score once "
        "their phase (Q2) has a figure: no score yet, so no rank"
    ) in en
    for lang, sheet_name, said in (
        ("zh", "成员排名",
         "其关键结果中 W1.VISIT 尚无数据，其余在所属阶段（Q2）有数字后才计入得分，尚无综合得分"),
        ("en", "Members, ranked",
         "of its key results, W1.VISIT has no figures yet and the others count in the score "
         "once their phase (Q2) has a figure: no score yet"),
    ):  # fmt: skip
        workbook = tmp_path / f"march-{lang}.xlsx"
        run(root, "report", "--as-of", "2026-03-20", "--lang", lang, "--out", str(workbook))
        sheet = openpyxl.load_workbook(workbook)[sheet_name]
        why = {row[1]: row[-1] for row in sheet.iter_rows(values_only=True)}
        assert why["cm01"] == said, why


VISITS = """
[[objectives]]
id = "W1"
title = "王芳的客户拜访"
owner = "cm01"

[[objectives.key_results]]
id = "VISIT"
title = "拜访客户"
target = 100
unit = "户"
"""
