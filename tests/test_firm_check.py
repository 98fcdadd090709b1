"""A head office's check says what each branch's says: the shares of a branch's own key
results that its people hold and are behind on were told by ``check --unit BRANCH`` and
not by the firm's ``check``, which printed nothing and exited 0. Now each branch with
such shares is one line of the firm's check (a single share as the branch's check says
it), so thirty branches are thirty lines and the report's first screen still fits a
terminal of 80 × 24. A real workspace: target files, a SQLite store, the commands."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from okrdesk.cli import cli
from okrdesk.messages import display_width
from okrdesk.store import Store
from sample_workspace import PLAN, WriteWorkspace

BRANCHES = 30
DAY = "2026-06-17"
PLAN_TEXT = PLAN.replace('unit = "branch"', 'unit = "firm"').replace("福田营业部", "示例证券")


def firm_files() -> dict[str, str | None]:
    """A firm of ``BRANCHES`` branches of two people each; every branch owns two key
    results tracked by check-ins, split between its people (the last branch one only)."""
    org = ['[[units]]\nid = "firm"\nname = "示例证券"\nlevel = "firm"\n']
    okrs = []
    for b in range(1, BRANCHES + 1):
        branch = f"b{b:02d}"
        org.append(f'[[units]]\nid = "{branch}"\nname = "第{b}营业部"\nlevel = "branch"\n'
                   f'parent = "firm"\n')  # fmt: skip
        org += [f'[[people]]\nid = "{branch}p{p}"\nname = "经理{b}-{p}"\nunit = "{branch}"\n'
                for p in (1, 2)]  # fmt: skip
        okrs.append(f'[[objectives]]\nid = "B{b:02d}"\ntitle = "第{b}营业部目标"\n'
                    f'owner = "{branch}"\n')  # fmt: skip
        for key in ("VISITS", "CALLS")[: 1 if b == BRANCHES else 2]:
            shares = f"{{ {branch}p1 = 100, {branch}p2 = 100 }}"
            okrs.append(f'[[objectives.key_results]]\nid = "{key}"\ntitle = "客户{key}"\n'
                        f'unit = "次"\nmembers = {shares}\n')  # fmt: skip
    return {"org.toml": "\n".join(org), "plan.toml": PLAN_TEXT, "okrs.toml": "\n".join(okrs),
            "budget.toml": None}  # fmt: skip


def checked_in(root: Path, second: float) -> Path:
    """This week's check-ins: on every key result the first person 10 of 100 by
    mid-June, far behind, the second ``second``."""
    day = dt.date.fromisoformat(DAY) - dt.timedelta(days=2)
    with Store.open(root / "okrdesk.db") as store:
        for b in range(1, BRANCHES + 1):
            for key in ("VISITS", "CALLS")[: 1 if b == BRANCHES else 2]:
                for p, value in ((1, 10.0), (2, second)):
                    store.add_checkin(f"B{b:02d}.{key}", f"b{b:02d}p{p}", day, value,
                                      author=f"经理{b}-{p}")  # fmt: skip
    return root


@pytest.fixture
def firm(write_workspace: WriteWorkspace) -> Path:
    """The firm, with this week's check-ins: on every key result the first person far
    behind on their share (10 of 100 by mid-June), the second ahead (90), so the branch's
    own figure is on pace."""
    return checked_in(write_workspace(firm_files(), plugin=False), 90.0)


def run(root: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, [*args, "--as-of", DAY, "-w", str(root)])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_firms_check_says_what_each_branchs_says(firm: Path, lang: str) -> None:
    whole = run(firm, "check", "--lang", lang)
    assert whole.exit_code == 1, whole.output
    lines = whole.stdout.splitlines()[:-1]  # the last counts them
    members = [line for line in lines if line.startswith(("分解目标", "MEMBER TARGETS"))]
    # One line a branch, not one a key result: 30, where the branches' checks say 59.
    assert not [line for line in lines if line.startswith(("落后", "OFF TRACK"))]
    assert len(members) == BRANCHES, lines
    said = 0
    for b in range(1, BRANCHES + 1):
        branch = run(firm, "check", "--unit", f"b{b:02d}", "--lang", lang)
        assert branch.exit_code == 1, branch.output
        told = [line for line in branch.stdout.splitlines()[:-1]
                if line.startswith(("分解目标", "MEMBER TARGETS"))]  # fmt: skip
        said += len(told)
        if len(told) == 1:  # a single share's line, as the branch says it
            assert told[0] in lines
            continue
        (line,) = [line for line in members if f"--unit b{b:02d} " in line]
        # Its key results, each with its furthest behind share, as the branch's lines.
        for key in ("VISITS", "CALLS"):
            furthest = f"B{b:02d}.{key} 经理{b}-1" + (
                " (22.0% of pace)" if lang == "en" else "（应完成的 22.0%）"
            )
            assert furthest in line, line
        assert (f"第{b}营业部：2 个分解目标需要关注（2 项关键结果）" if lang == "zh"
                else f"第{b}营业部: 2 shares of 2 key results need attention") in line  # fmt: skip
    assert said == 2 * BRANCHES - 1


def test_thirty_branches_leave_the_firms_first_screen_readable(firm: Path) -> None:
    """The first screen counts the branches' lines, lists the five with the most shares
    behind, and fits 80 × 24. Each line, judged on check-ins of two days before, keeps
    the branch, the first key result with the pace of its share furthest behind, said as
    pace, and the day: the person's name and the words between give way (it was cut
    inside its words' bracket, "需要关注…1-1…", a name's digits left for a figure), and
    how many shares with them, whole: "第1营业部：2…" left a bare 2 no one could read."""
    brief = CliRunner().invoke(cli, ["report", "--brief", "--as-of", DAY, "-w", str(firm)],
                               env={"COLUMNS": "80"})  # fmt: skip
    assert brief.exit_code == 0, brief.output
    screen = brief.stdout.splitlines()
    assert len(screen) <= 22 and all(display_width(line) <= 80 for line in screen), screen
    assert "需要关注：共 30 项，最重要的 5 项" in screen
    listed = [line for line in screen if line.startswith("  提醒")]
    assert len(listed) == 5
    kept = r"  提醒    第\d+营业部：…B\d\d\.CALLS…（应完成的 22\.0%）…（按截至 2026-06-15 的数字）"
    kept += "$"
    assert all(re.match(kept, line) for line in listed), listed
    report = run(firm, "report", "--format", "json")
    kinds = [a["kind"] for a in json.loads(report.stdout)["alerts"]]
    assert kinds.count("member_off_track") == BRANCHES


def test_a_firms_first_screen_never_leaves_a_count_without_what_it_counts(firm: Path) -> None:
    """Cut to keep each branch's pace and day, the words before them gave way down to a
    bare count: "第1营业部：2…" at 80 columns, "第1营业部: 2…" at 84 and "2 shares of
    2…" at 92; the count goes with its words."""
    for lang in ("zh", "en"):
        for width in range(80, 124, 2):
            brief = CliRunner().invoke(
                cli, ["report", "--brief", "--as-of", DAY, "--lang", lang, "-w", str(firm)],
                env={"COLUMNS": str(width)},
            )  # fmt: skip
            listed = [line for line in brief.stdout.splitlines() if "营业部" in line]
            assert len(listed) == 5, brief.stdout
            for line in listed:
                assert not re.search(r"(?<![\w.-])\d+…", line), (width, line)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_branchs_key_results_behind_are_one_line_of_the_firms_check(
    write_workspace: WriteWorkspace, lang: str
) -> None:
    """Both people behind, so each branch's own key results are behind too: the firm's
    check listed every one of them, two lines a branch (ten for a branch with ten); they
    are one line a branch, the furthest behind named, as its shares are."""
    root = checked_in(write_workspace(firm_files(), plugin=False), 10.0)
    with Store.open(root / "okrdesk.db") as store:  # the 7th the furthest behind
        store.add_checkin("B07.CALLS", "b07p2", dt.date.fromisoformat(DAY), 0.0)
    whole = run(root, "check", "--lang", lang)
    assert whole.exit_code == 1, whole.output
    lines = whole.stdout.splitlines()[:-1]
    behind = [line for line in lines if line.startswith(("落后", "OFF TRACK"))]
    shares = [line for line in lines if line.startswith(("分解目标", "MEMBER TARGETS"))]
    assert len(behind) == len(shares) == BRANCHES, lines
    # As far behind as each other: by id. Judged on check-ins of the 15th, as the due
    # column says: that day, once.
    first = {"zh": "落后       第1营业部：2 项关键结果落后，最落后的是 "
                   "B01.CALLS（应完成的 22.0%）、B01.VISITS（应完成的 22.0%）"
                   "（按截至 2026-06-15 的数字）；--unit b01 逐个列出",
             "en": "OFF TRACK      第1营业部: 2 key results off track, the furthest behind "
                   "B01.CALLS (22.0% of pace), B01.VISITS (22.0% of pace) "
                   "(on figures as of 2026-06-15); --unit b01 lists them"}  # fmt: skip
    assert first[lang] in behind, behind
    # Of branches with as many behind, the one furthest behind first.
    assert "第7营业部" in behind[0] and "B07.CALLS" in behind[0], behind
    # The last branch's one key result, as its own check says it.
    (last,) = [line for line in behind if "B30." in line]
    own = run(root, "check", "--unit", "b30", "--lang", lang).stdout.splitlines()
    assert last in own, own


def test_check_as_json_lists_what_the_text_does_for_a_monitoring_system(firm: Path) -> None:
    """A head office's monitoring reads check's alerts with their level and kind, in the
    language asked, with the counts the exit status follows; all clear is JSON too."""
    text = run(firm, "check", "--lang", "en")
    found = run(firm, "check", "--lang", "en", "--format", "json")
    assert found.exit_code == text.exit_code == 1
    shown = json.loads(found.output)
    assert shown["schema"] == "okrdesk.check/1"
    assert (shown["as_of"], shown["unit"], shown["lang"]) == (DAY, "firm", "en")
    assert shown["figures_through"] is None
    lines = text.output.splitlines()
    assert shown["needs_attention"] + shown["info"] == len(shown["alerts"]) == len(lines) - 1
    # The text gives each line's hint (--unit b01 lists them) after its message.
    assert [a["message"] + a["hint"] for a in shown["alerts"]] == [
        line.split(None, 2)[-1] if line.startswith("MEMBER TARGETS") else line.split(None, 1)[1]
        for line in lines[:-1]
    ]  # fmt: skip
    assert {a["kind"] for a in shown["alerts"]} == {"member_off_track"}
    assert {a["level"] for a in shown["alerts"]} == {"warning"}
    assert shown["alerts"][0]["title"] == ""
    branch = json.loads(run(firm, "check", "--unit", "b01", "--format", "json").output)
    assert branch["unit"] == "b01" and branch["lang"] == "zh"
    assert all("经理1-1" in a["message"] for a in branch["alerts"])

    clear = checked_in(firm, 90.0)  # the first people catch up: nothing needs attention
    with Store.open(clear / "okrdesk.db") as store:
        for checkin in store.checkins():
            if checkin.value == 10.0:
                store.withdraw_checkin(checkin.id, "test", "caught up")
                # Their figure corrected, not left with none: a share with no check-in
                # in 24 weeks is late, as `okrdesk due` says.
                store.add_checkin(checkin.key_result, checkin.subject, checkin.day, 90.0)
    calm = run(clear, "check", "--format", "json")
    assert calm.exit_code == 0, calm.output
    assert json.loads(calm.output)["alerts"] == []


def test_shares_judged_on_old_figures_say_their_day_in_the_firms_check(firm: Path) -> None:
    """A fortnight on, no check-in since the 15th: each branch's line of shares says they
    were judged on figures of that day, as the branch's own check says of each share; the
    firm's monitoring reads which key results each line is about."""
    late = "2026-06-30"
    said = {"zh": "（按截至 2026-06-15 的数字）", "en": " (on figures as of 2026-06-15)"}
    for lang, old in said.items():
        whole = CliRunner().invoke(cli, ["check", "--as-of", late, "--lang", lang, "-w", str(firm)])
        lines = [line for line in whole.stdout.splitlines()
                 if line.startswith(("分解目标", "MEMBER TARGETS"))]  # fmt: skip
        assert len(lines) == BRANCHES, whole.output
        assert all(old in line for line in lines), lines
        # Once a line when all its key results were, not after each of them.
        assert all(line.count(old) == 1 for line in lines), lines
    shown = json.loads(CliRunner().invoke(
        cli, ["check", "--as-of", late, "--format", "json", "-w", str(firm)]).stdout)  # fmt: skip
    # The check-ins owed since the 15th, one line naming all fifty-nine key results.
    (owed,) = [a for a in shown["alerts"] if a["kind"] == "stale"]
    assert len(owed["subjects"]) == 2 * BRANCHES - 1 and owed["subject"] == owed["subjects"][0]
    grouped = [a for a in shown["alerts"] if a["subject"] == "b01"]
    assert [(a["kind"], a["subjects"]) for a in grouped] == [
        ("member_off_track", ["B01.CALLS", "B01.VISITS"])
    ]


def below_files() -> dict[str, str | None]:
    """The firm, every branch also with two checkpoints of Q1 of its own (the last branch
    one only) and targets for its key results its people's shares do not add up to."""
    files = firm_files()
    okrs = str(files["okrs.toml"]).replace('"次"\nmembers', '"次"\ntarget = 250\nmembers')
    for b in range(1, BRANCHES + 1):
        checkpoints = "".join(
            f'[[objectives.key_results]]\nid = "{key}"\ntitle = "一季度{key}"\n'
            f'unit = "次"\ntarget = 100\nmilestones = {{ Q1 = 1.0 }}\n\n'
            for key in ("LEADS", "SIGNUPS")[: 1 if b == BRANCHES else 2]
        )  # fmt: skip
        head = f'id = "B{b:02d}"\ntitle = "第{b}营业部目标"\nowner = "b{b:02d}"\n'
        okrs = okrs.replace(head, head + "\n" + checkpoints)
    return {**files, "okrs.toml": okrs}


def short_of_checkpoints(root: Path) -> Path:
    """Each branch 80 of 100 on LEADS and 60 of 100 on SIGNUPS by the end of March."""
    with Store.open(root / "okrdesk.db") as store:
        for b in range(1, BRANCHES + 1):
            for key, value in (("LEADS", 80.0), ("SIGNUPS", 60.0))[: 1 if b == BRANCHES else 2]:
                store.add_checkin(f"B{b:02d}.{key}", f"b{b:02d}", dt.date(2026, 3, 30), value)
    return root


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_branchs_checkpoints_missed_are_one_line_of_the_firms_check(
    write_workspace: WriteWorkspace, lang: str
) -> None:
    """Thirty branches with two checkpoints missed each were fifty-nine lines of the firm's
    check, and as many of members' targets not adding up: they are one line a branch and
    kind, the furthest short named, with the --unit that lists them; a branch with one
    says it as its own check does. The first screen at 80 columns stays readable."""
    root = short_of_checkpoints(checked_in(write_workspace(below_files(), plugin=False), 90.0))
    whole = run(root, "check", "--lang", lang)
    assert whole.exit_code == 1, whole.output
    lines = whole.stdout.splitlines()[:-1]
    missed = [line for line in lines if line.startswith(("未达成", "MISSED"))]
    differ = [line for line in lines if line.startswith(("目标不符", "TARGET"))]
    assert len(missed) == BRANCHES, lines
    first = {"zh": "第1营业部：2 项关键结果截止未达成，差得最多的是 B01.SIGNUPS（差 40次）、"
                   "B01.LEADS（差 20次）；--unit b01 逐个列出",
             "en": "第1营业部: 2 key results closed short of their targets, the furthest short "
                   "B01.SIGNUPS (40 times short), B01.LEADS (20 times short); --unit b01 "
                   "lists them"}  # fmt: skip
    assert any(line.endswith(first[lang]) for line in missed), missed
    (last,) = [line for line in missed if "B30." in line]
    assert last in run(root, "check", "--unit", "b30", "--lang", lang).stdout.splitlines()
    kinds = [a["kind"] for a in json.loads(run(root, "check", "--format", "json").stdout)["alerts"]]
    assert kinds.count("target_mismatch") == BRANCHES, kinds
    assert kinds.count("missed") == BRANCHES
    assert len(differ) == BRANCHES, differ
    assert any(
        line.endswith(
            (
                "第2营业部：2 项关键结果的成员目标合计与其目标不符，差得最多的是 "
                "B02.CALLS（少 50次）、B02.VISITS（少 50次）；--unit b02 逐个列出",
                "第2营业部: 2 key results whose members' targets add up to something "
                "else, the furthest off B02.CALLS (50 times less), B02.VISITS (50 "
                "times less); --unit b02 lists them",
            )
        )
        for line in differ
    ), differ
    # Q3: the checkpoints no longer press, and are told for information, a line a branch.
    later = CliRunner().invoke(cli, ["check", "--as-of", "2026-08-05", "--format", "json",
                                     "-w", str(root)])  # fmt: skip
    told = [a for a in json.loads(later.stdout)["alerts"] if a["kind"] == "missed"]
    assert len(told) == BRANCHES and {a["level"] for a in told} == {"info"}, told
    assert told[0]["subjects"] == ["B01.SIGNUPS", "B01.LEADS"]
    brief = CliRunner().invoke(cli, ["report", "--brief", "--as-of", DAY, "-w", str(root)],
                               env={"COLUMNS": "80"})  # fmt: skip
    assert brief.exit_code == 0, brief.output
    screen = brief.stdout.splitlines()
    assert len(screen) <= 22 and all(display_width(line) <= 80 for line in screen), screen


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_check_as_json_answers_a_refusal_in_json(
    write_workspace: WriteWorkspace, firm: Path, lang: str
) -> None:
    """A monitoring job that reads check's JSON got text on stderr and nothing on stdout
    for a --unit the plan does not have or target files it refuses: it gets an error
    object of the same schema, with the same exit status (2), and no alerts to be taken
    for all clear; the text is still said on stderr."""
    wrong = run(firm, "check", "--unit", "b99", "--format", "json", "--lang", lang)
    assert wrong.exit_code == 2, wrong.output
    shown = json.loads(wrong.stdout)
    assert (shown["schema"], shown["unit"], shown["lang"], shown["as_of"]) == (
        "okrdesk.check/1", "b99", lang, DAY)  # fmt: skip
    assert "alerts" not in shown and shown["error"]["exit_code"] == 2
    assert shown["error"]["message"].startswith("--unit") and "b99" in shown["error"]["message"]
    assert shown["error"]["message"] in wrong.stderr
    broken = write_workspace({"okrs.toml": 'objectives = "not a table"\n', "budget.toml": None},
                             root=firm.parent / "broken", plugin=False)  # fmt: skip
    refused = run(broken, "check", "--format", "json", "--lang", lang)
    assert refused.exit_code == 2, refused.output
    error = json.loads(refused.stdout)["error"]
    (problem,) = error["problems"]
    assert problem["file"].endswith("okrs.toml") and problem["line"] == 1
    assert problem["key"] == "objectives"
    assert ("共 1 处问题。" if lang == "zh" else "1 problem found.") in error["message"]
    assert problem["message"] in refused.stderr


def test_a_branchs_line_says_which_of_its_key_results_were_judged_on_old_figures(
    write_workspace: WriteWorkspace,
) -> None:
    """Both of a branch's key results behind, one checked in again this week, the other
    not since the 15th: its line says the day of each in its brackets (the 29th's is not
    the report's day either, and its due column says so), where a day after the last
    one's brackets read as the whole list's; another branch, with both old, says the day
    once, at the end of its list. Never the earlier day for both (both read as of the
    15th)."""
    root = checked_in(write_workspace(firm_files(), plugin=False), 10.0)
    with Store.open(root / "okrdesk.db") as store:
        for p in (1, 2):
            store.add_checkin("B01.VISITS", f"b01p{p}", dt.date(2026, 6, 29), 12.0)
    done = CliRunner().invoke(cli, ["check", "--as-of", "2026-06-30", "--lang", "zh",
                                    "-w", str(root)])  # fmt: skip
    behind = [line for line in done.stdout.splitlines() if line.startswith("落后")]
    (first,) = [line for line in behind if "第1营业部" in line]
    old = "（按截至 2026-06-15 的数字）"
    each = "B01.CALLS（应完成的 22.0%，按截至 2026-06-15 的数字）、"
    each += "B01.VISITS（应完成的 24.3%，按截至 2026-06-29 的数字）；"
    assert each in first and old not in first, first
    (second,) = [line for line in behind if "第2营业部" in line]
    assert second.endswith(f"B02.VISITS（应完成的 22.0%）{old}；--unit b02 逐个列出"), second


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_branchs_line_of_shares_of_one_key_result_is_worded_for_one(
    firm: Path, lang: str
) -> None:
    """Two of a branch's alerts about the same key result's shares (one share behind, one
    missed, as two kinds are) make the firm's one line of that branch: it counts one key
    result, and in English says so as one ("of 1 key result"), never "1 key results"."""
    from okrdesk.app.session import open_session
    from okrdesk.engine.attention import Alert, Level, _below_alerts, _Told
    from okrdesk.errors import Said

    plan = open_session(firm).plan
    worst = Said("经理30-1 (21.7% of pace)", "经理30-1（应完成的 21.7%）")
    told = [
        _Told(Alert(Level.WARNING, "member_off_track", "B30.VISITS", "kr.member_off_track",
                    {"kr": "B30.VISITS", "title": "客户VISITS", "member": "经理30-1",
                     "pace": 0.217, "count": 1, "worst": worst, "old": Said("", "")}),
              0.217, None),
        _Told(Alert(Level.WARNING, "member_off_track", "B30.VISITS", "kr.member_off_track",
                    {"kr": "B30.VISITS", "title": "客户VISITS", "member": "经理30-2",
                     "pace": 0.5, "count": 1, "worst": worst, "old": Said("", "")}),
              0.5, None),
    ]  # fmt: skip
    (line,) = _below_alerts(plan, {"b30": told})
    said = line.text(lang)
    assert said.startswith("第30营业部：2 个分解目标需要关注（1 项关键结果）：B30.VISITS"
                           if lang == "zh"
                           else "第30营业部: 2 shares of 1 key result need attention: B30.VISITS"
                           ), said  # fmt: skip
    assert "1 key results" not in said


def test_the_reports_json_says_what_each_alert_is_about_as_check_does(firm: Path) -> None:
    """A firm's program that reads the report's JSON (okrdesk.report/1) is told what each
    alert is about, as one that reads ``check --format json`` is: its ``subject`` (the
    branch a line gathers) and the ``subjects`` it counts; the same alerts, field by
    field (check's with a tripped line's ``overrides`` after them, which the report's
    JSON gives under its budget line)."""
    report = json.loads(run(firm, "report", "--format", "json", "--lang", "en").stdout)
    checked = json.loads(run(firm, "check", "--format", "json", "--lang", "en").stdout)
    assert report["alerts"] == [
        {name: value for name, value in alert.items() if name != "overrides"}
        for alert in checked["alerts"]
    ]
    first = report["alerts"][0]
    assert first["subject"] == "b01"
    assert first["subjects"] == ["B01.CALLS", "B01.VISITS"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_branchs_checkpoints_missed_on_old_figures_say_their_day_in_the_firms_line(
    write_workspace: WriteWorkspace, lang: str
) -> None:
    """A branch's checkpoint missed on check-ins of mid-January, two months before its
    date, says whose figures its shortfall is of, in the branch's own check; several of
    them in the firm's one line of that branch said no day, and read as the final
    shortfalls. It says their day there too: once, where all of them were of one day."""
    root = checked_in(write_workspace(below_files(), plugin=False), 90.0)
    with Store.open(root / "okrdesk.db") as store:
        for b in range(1, BRANCHES + 1):
            for key, value in (("LEADS", 80.0), ("SIGNUPS", 60.0))[: 1 if b == BRANCHES else 2]:
                store.add_checkin(f"B{b:02d}.{key}", f"b{b:02d}", dt.date(2026, 1, 15), value)
    lines = run(root, "check", "--lang", lang).stdout.splitlines()
    (own,) = [line for line in run(root, "check", "--unit", "b30", "--lang", lang).stdout
              .splitlines() if "B30.LEADS" in line]  # fmt: skip
    old = {"zh": "（按截至 2026-01-15 的数字）", "en": " (on figures as of 2026-01-15)"}[lang]
    assert own.endswith(old), own
    (first,) = [line for line in lines if "第1营业部" in line and "B01.LEADS" in line]
    # All of them on figures of one day: that day once, at the end of the list.
    said = {
        "zh": "B01.SIGNUPS（差 40次）、B01.LEADS（差 20次）（按截至 2026-01-15 的数字）；",
        "en": "B01.SIGNUPS (40 times short), B01.LEADS (20 times short) "
        "(on figures as of 2026-01-15);",
    }
    assert said[lang] in first, first
    assert first.count("2026-01-15") == 1, first


def test_a_branchs_line_of_checkpoints_missed_names_the_largest_shortfall_first(
    write_workspace: WriteWorkspace,
) -> None:
    """220 leads of 300 (80 short, 73%) and 60 sign-ups of 100 (40 short, 60%), both in
    次: the line named the sign-ups first under "差得最多的是", the smaller shortfall
    before the larger. In one unit, by the shortfall it names."""
    files = below_files()
    lead = 'id = "LEADS"\ntitle = "一季度LEADS"\nunit = "次"\ntarget = '
    okrs = str(files["okrs.toml"]).replace(lead + "100", lead + "300")
    root = checked_in(write_workspace({**files, "okrs.toml": okrs}, plugin=False), 90.0)
    with Store.open(root / "okrdesk.db") as store:
        for key, value in (("LEADS", 220.0), ("SIGNUPS", 60.0)):
            store.add_checkin(f"B01.{key}", "b01", dt.date(2026, 3, 30), value)
    lines = run(root, "check", "--lang", "zh").stdout.splitlines()
    (first,) = [line for line in lines if "第1营业部" in line and "截止未达成" in line]
    assert "差得最多的是 B01.LEADS（差 80次）、B01.SIGNUPS（差 40次）；" in first, first


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_branchs_line_in_different_units_says_it_is_ordered_by_share_of_target(
    write_workspace: WriteWorkspace, lang: str
) -> None:
    """220 leads (户) of 300 (80 short, 73%) and 60 sign-ups (次) of 100 (40 short, 60%):
    amounts in 户 and 次 do not compare, so the line is ordered by the shortfall as a
    share of each target, and said "差得最多的是" (the most) of the sign-ups, 40 before
    80. It says what the order is; so does the line of members' targets off the branch's
    own in different units. Of one unit, the words stay as they were."""
    files = below_files()
    lead = 'id = "LEADS"\ntitle = "一季度LEADS"\nunit = "次"\ntarget = '
    okrs = str(files["okrs.toml"]).replace(lead + "100", lead.replace("次", "户") + "300", 1)
    # The first branch's visits in 户 too (its calls stay in 次): targets off in two units.
    okrs = okrs.replace('unit = "次"\ntarget = 250\nmembers = { b01p1', 'unit = "户"\ntarget = '
                        "250\nmembers = { b01p1", 1)  # fmt: skip
    root = checked_in(write_workspace({**files, "okrs.toml": okrs}, plugin=False), 90.0)
    with Store.open(root / "okrdesk.db") as store:
        for key, value in (("LEADS", 220.0), ("SIGNUPS", 60.0)):
            store.add_checkin(f"B01.{key}", "b01", dt.date(2026, 3, 30), value)
    lines = " ".join(run(root, "check", "--lang", lang).stdout.split())
    said = {
        "zh": ("第1营业部：2 项关键结果截止未达成，按差距占目标的比例，差得最多的是 "
               "B01.SIGNUPS（差 40次）、B01.LEADS（差 80户）；",
               "第1营业部：2 项关键结果的成员目标合计与其目标不符，按差距占目标的比例，"
               "差得最多的是 B01.CALLS（少 50次）、B01.VISITS（少 50户）；",
               "第2营业部：2 项关键结果的成员目标合计与其目标不符，差得最多的是 B02"),
        "en": ("第1营业部: 2 key results closed short of their targets, the furthest short as "
               "a share of its target B01.SIGNUPS (40 times short), B01.LEADS (80 accts short);",
               "第1营业部: 2 key results whose members' targets add up to something else, the "
               "furthest off as a share of its target B01.CALLS (50 times less), B01.VISITS "
               "(50 accts less);",
               "第2营业部: 2 key results whose members' targets add up to something else, the "
               "furthest off B02"),
    }  # fmt: skip
    for each in said[lang]:
        assert each in lines, lines


def test_a_share_named_with_its_own_day_in_a_branchs_line_says_it_once(
    write_workspace: WriteWorkspace,
) -> None:
    """A branch's people behind on their visits, one checked in on the 15th and one on
    the 16th, and on calls on the 15th: the firm's line names each key result's furthest
    behind share with its day, in its brackets; one already said with its own day was
    dated again (``（11.0%，按截至 2026-06-16 的数字，按截至 2026-06-16 的数字）``)."""
    root = checked_in(write_workspace(firm_files(), plugin=False), 90.0)
    with Store.open(root / "okrdesk.db") as store:
        store.add_checkin("B01.VISITS", "b01p2", dt.date(2026, 6, 16), 10.0)
    done = run(root, "check", "--lang", "zh")
    (line,) = [each for each in done.stdout.splitlines() if "第1营业部" in each]
    assert "按截至 2026-06-16 的数字" in line, line
    for day in ("2026-06-15", "2026-06-16"):
        assert line.count(f"按截至 {day} 的数字") <= 1, line
