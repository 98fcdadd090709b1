"""A key result's figure that is out of date (its metric not collected for weeks, its
latest check-in a quarter old) was judged against what was due on the report's day, as
though it were that day's figure: a key result on pace when last measured read as far
behind, in the report and in ``check``, only for being old. Such a figure is judged
against what was due on its own day, the report says so under the key result, and
``check`` says of one behind that it is behind on figures of that day; the stale alert
tells that they are old, as before. A real workspace: collect, check-ins, commands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from okrdesk.cli import cli
from okrdesk.messages import display_width
from sample_workspace import WriteWorkspace

# Three new clients a week, as the test plugin gives for the two CMs: 75 in the 25 weeks
# to 17 June, where 150 a year is due by then in proportion (69): on pace that day. By
# 30 September 112 are due, and 75 is two thirds of that.
OKRS = """\
[[objectives]]
id = "O1"
title = "客户"
owner = "branch"

[[objectives.key_results]]
id = "HNW"
title = "新增高净值客户"
metric = "new_hnw_clients"
target = 150
unit = "户"

[[objectives.key_results]]
id = "TRUSTS"
title = "家族信托"
target = 100
unit = "单"

[[objectives.key_results]]
id = "VISITS"
title = "客户拜访"
target = 100
unit = "次"

[[objectives.key_results]]
id = "FIRST"
title = "首批高净值客户"
metric = "new_hnw_clients"
target = 50
unit = "户"

[[objectives.key_results]]
id = "CPL"
title = "投诉率"
metric = "complaint_rate"
direction = "at_most"
target = 1
unit = "‰"

[[objectives.key_results]]
id = "CALLS"
title = "客户电话"
unit = "次"
members = { cm01 = 50, cm02 = 50 }
"""

COLLECTED, CHECKED_IN, LATER = "2026-06-17", "2026-06-30", "2026-09-30"


@pytest.fixture
def workspace(write_workspace: WriteWorkspace) -> Path:
    """Collected through 17 June; on 30 June 50 trusts (on pace: 49.6 due), 20 visits
    (behind), and calls: 王芳 5 of her 50 (behind), 李强 25; nothing since."""
    root = write_workspace({"okrs.toml": OKRS, "budget.toml": None})
    assert run(root, "collect", "--through", COLLECTED).exit_code == 0
    for kr, value, *member in (("O1.TRUSTS", "50"), ("O1.VISITS", "20"),
                               ("O1.CALLS", "5", "--person", "cm01"),
                               ("O1.CALLS", "25", "--person", "cm02")):  # fmt: skip
        done = run(root, "checkin", kr, value, *member, "--date", CHECKED_IN, "--by", "王芳")
        assert done.exit_code == 0, done.output
    return root


def run(root: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, [*args, "-w", str(root)])


def key_results(root: Path, day: str, lang: str = "zh") -> dict[str, dict[str, object]]:
    done = run(root, "report", "--as-of", day, "--format", "json", "--lang", lang)
    assert done.exit_code == 0, done.output
    report = json.loads(done.stdout)
    return {kr["id"]: kr for o in report["objectives"] for kr in o["key_results"]}


def test_an_old_figure_is_judged_on_its_own_day(workspace: Path) -> None:
    collected, then = key_results(workspace, COLLECTED), key_results(workspace, CHECKED_IN)
    later = key_results(workspace, LATER)
    assert collected["O1.HNW"]["status"] == "on_track" and collected["O1.HNW"]["old_figure"] is None
    assert then["O1.TRUSTS"]["status"] == "on_track" and then["O1.TRUSTS"]["old_figure"] is None
    # Three months on, nothing new: the same figures, judged as they were, not behind.
    assert later["O1.HNW"]["status"] == "on_track", later["O1.HNW"]
    assert later["O1.HNW"]["old_figure"] == COLLECTED
    assert later["O1.HNW"]["expected"] == pytest.approx(150 * 168 / 365)
    assert later["O1.TRUSTS"]["status"] == "on_track", later["O1.TRUSTS"]
    assert later["O1.TRUSTS"]["old_figure"] == CHECKED_IN
    assert later["O1.VISITS"]["status"] == "off_track"
    # Figures of the week before are current: judged on the day's due, as before; two
    # weeks old, they are the stale alert's, and judged on their own day.
    assert then["O1.HNW"]["old_figure"] == COLLECTED


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_check_and_the_report_say_the_figure_is_old(workspace: Path, lang: str) -> None:
    done = run(workspace, "check", "--as-of", LATER, "--lang", lang)
    assert done.exit_code == 1, done.output
    said = done.stdout
    # Not behind for being old; what is behind is said to be behind on its day's figures.
    assert "O1.HNW" not in said and "O1.TRUSTS 家族信托：落后" not in said
    behind = {
        "zh": "O1.VISITS 客户拜访：按截至 2026-06-30 的数字落后，仅达当日应完成进度的 40.3%",
        "en": "O1.VISITS 客户拜访: off track on its figures as of 2026-06-30, at 40.3% of the "
        "pace due that day",
    }
    assert behind[lang] in said, said
    # A member's share behind on a check-in of that day: behind on its day's due, said so.
    share = {
        "zh": "王芳的分解目标落后，仅达应完成进度的 20.2%（按截至 2026-06-30 的数字）",
        "en": "王芳's share off track, at 20.2% of the pace due (on figures as of 2026-06-30)",
    }
    assert share[lang] in said, said
    # That the figures are old, as the stale alerts said before.
    old = {
        "zh": ("2 项指标的最新数据截至 2026-06-17", "最近一次打卡在 2026-06-30，已 12 周未打卡"),
        "en": (
            "2 metrics: latest numbers end 2026-06-17",
            "no check-in since 2026-06-30, 12 weeks missed",
        ),
    }
    assert all(words in said for words in old[lang]), said
    text = run(workspace, "report", "--as-of", LATER, "--lang", lang).stdout
    text = " ".join(text.split()).replace("│ ", "").replace(" │", "")
    stale = {"zh": "⚠ 数字截至 2026-06-17，已过期", "en": "⚠ Figures as of 2026-06-17, out of date"}
    paced = {"zh": "：按当日应完成的进度判定", "en": ": judged against what was due that day"}
    # New clients, judged on pace; the first 50 of them, met, and the complaint rate, a
    # limit held, where no pace is due: only said to be old.
    assert text.count(stale[lang]) == 3, text
    assert text.count(stale[lang] + paced[lang]) == 1, text


def test_a_growth_target_on_old_figures_is_paced_on_the_months_they_reach(
    tmp_path: Path,
) -> None:
    """Fees collected through October, read on 20 December: this year's ten months were
    held to last year's twelve × 1.18, and a key result 5% ahead read as a quarter
    behind. Held to last year's same ten months, it is on track, and said to be old."""
    import datetime as dt

    from okrdesk.engine.pace import Status
    from okrdesk.engine.progress import Engine
    from okrdesk.model import Observation
    from okrdesk.periods import Grain, periods_between
    from okrdesk.store import Store
    from test_windows import SPECS, growth_kr, plan_of

    october = dt.date(2026, 10, 31)
    months = [*periods_between(dt.date(2025, 1, 1), dt.date(2025, 12, 31), Grain.MONTH),
              *periods_between(dt.date(2026, 1, 1), october, Grain.MONTH)]  # fmt: skip
    kr = growth_kr("0.18")
    plan = plan_of(Grain.MONTH, kr)
    with Store.open(tmp_path / "okrdesk.db") as store:
        rows = [Observation("fees", "p1", p.id, (100.0 if p.start.year == 2026 else 80.0)
                            * p.start.month) for p in months]  # fmt: skip
        rows += [Observation("fees", "p2", p.id, 10.0) for p in months]
        run = store.start_run("collect", october)
        store.replace_observations(run, {"fees": "t"}, months, rows, october)
        p = Engine(plan, store, dt.date(2026, 12, 20), SPECS).key_result(kr, "br")
    assert p is not None and p.actual.value == 5600  # 100 × 55 + 10 × 10
    # January to October 2025: 80 × 55 + 10 × 10 = 4,500, × 1.18 due.
    assert p.expected == pytest.approx(4500 * 1.18)
    assert p.status is Status.ON_TRACK and p.old_figure == october


def test_a_sum_of_check_ins_with_a_fresh_one_is_not_paced_on_the_oldest(
    workspace: Path,
) -> None:
    """The branch's calls add up 王芳's 5 of 30 June and 李强's 60 of 25 September: on 30
    September they were judged against what was due on 30 June (49.6) and read on track,
    under 'figures as of 2026-06-30', where 李强's are a week old and 73.4 was due on
    their day. A sum with a current check-in in it is current, and speaks for the day of
    its latest check-in; 王芳's old one is owed, and says so."""
    done = run(workspace, "checkin", "O1.CALLS", "60", "--person", "cm02",
               "--date", "2026-09-25", "--by", "李强")  # fmt: skip
    assert done.exit_code == 0, done.output
    calls = key_results(workspace, LATER)["O1.CALLS"]
    assert calls["actual"] == 65
    assert calls["old_figure"] is None, calls
    assert calls["expected"] == pytest.approx(100 * 268 / 365)
    assert calls["status"] != "on_track", calls


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_limit_breached_on_an_old_figure_names_its_day(
    write_workspace: WriteWorkspace, lang: str
) -> None:
    """A guardrail past its limit on figures weeks old said only that it was past it, as
    though the figure were today's: now it names the day its figures run through, as an
    off-track alert does. On current figures, nothing is added."""
    tight = OKRS.replace('target = 1\nunit = "‰"', 'target = 0.1\nunit = "‰"')
    root = write_workspace({"okrs.toml": tight, "budget.toml": None})
    assert run(root, "collect", "--through", COLLECTED).exit_code == 0
    line = {"zh": "O1.CPL 投诉率：", "en": "O1.CPL 投诉率: "}[lang]
    limit = {"zh": "，超过上限 0.1‰", "en": ", above its limit of 0.1‰"}[lang]
    day = {"zh": "（按截至 2026-06-17 的数字）", "en": " (on figures as of 2026-06-17)"}[lang]

    def breached(on: str) -> str:
        done = run(root, "check", "--as-of", on, "--lang", lang)
        assert done.exit_code == 1, done.output
        (found,) = [s for s in done.stdout.splitlines() if line in s]
        return found

    assert breached(COLLECTED).endswith(limit), breached(COLLECTED)
    assert breached(LATER).endswith(limit + day), breached(LATER)


@pytest.mark.usefixtures("plans_over")  # as of the plan's end, after today
def test_an_old_figures_forecast_runs_from_its_own_day(workspace: Path) -> None:
    """New clients collected through Wednesday 17 June: read three months on, the trend's
    last point was dated at its week's end (the 21st, days after the figures stop) and
    the year-end forecast moved with it; on the plan's last day the 75 of June was
    given as the year's final figure. The trend ends on the figure's day, and the
    forecast is the one the report of that day made, whenever it is read."""
    then = key_results(workspace, COLLECTED)["O1.HNW"]
    for day in (LATER, "2026-12-31"):
        later = key_results(workspace, day)["O1.HNW"]
        assert later["old_figure"] == COLLECTED
        assert later["trend"][-1] == then["trend"][-1], later["trend"]
        assert later["trend"][-1]["date"] == COLLECTED
        assert (later["forecast"], later["forecast_reach"]) == (
            then["forecast"], then["forecast_reach"]), day  # fmt: skip
    assert then["forecast"] > then["actual"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_due_column_of_an_old_figure_says_its_day(workspace: Path, lang: str) -> None:
    """Three months on, the table's 'Due now' column held what was due on 17 June for new
    clients, under a heading that says now; the note below said which day, the table did
    not. The figure due says its day under it, at 80 columns, and the heading no longer
    says now; a limit, due whole whatever the day, says none."""

    def table(day: str) -> list[str]:
        done = CliRunner().invoke(cli, ["report", "--as-of", day, "--lang", lang,
                                        "-w", str(workspace)], env={"COLUMNS": "80"})  # fmt: skip
        assert done.exit_code == 0, done.output
        lines = done.stdout.splitlines()
        assert all(display_width(line) <= 80 for line in lines), lines
        return lines

    later = table(LATER)
    heading = next(line for line in later if line.startswith(("┃ Key result", "┃ 关键结果")))
    due, on = {"zh": ("应完成", "截至06-17"), "en": ("Due", "by 06-17")}[lang]
    assert f" {due} ┃" in heading and "Due now" not in heading, heading
    (hnw,) = [n for n, line in enumerate(later) if line.startswith("│ O1.HNW")]
    assert f"{on} │" in later[hnw + 1], later[hnw : hnw + 2]
    (cpl,) = [n for n, line in enumerate(later) if line.startswith("│ O1.CPL")]
    assert on not in later[cpl + 1], later[cpl : cpl + 2]
    now = "\n".join(table(COLLECTED))
    assert on not in now and ("Due now" in now if lang == "en" else "应完成" in now)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_explain_says_the_day_an_old_figure_speaks_for(workspace: Path, lang: str) -> None:
    # The report's due column says 截至06-17; explain said the same figure "as of 30
    # September" and nothing of its day.
    later = run(workspace, "explain", "O1.HNW", "--as-of", LATER, "--lang", lang)
    assert later.exit_code == 0, later.output
    said = {
        "zh": "= 75户（数据截至 2026-06-17：库中最新的数字，按这一天判断）",
        "en": "= 75 accts (figures as of 2026-06-17: the latest stored; judged on that day)",
    }
    assert said[lang] in later.output.splitlines(), later.output
    current = run(workspace, "explain", "O1.HNW", "--as-of", COLLECTED, "--lang", lang)
    assert "= 75" in current.output and "2026-06-17：" not in current.output
    assert "figures as of" not in current.output


def test_the_workbooks_due_column_says_due_not_due_now_for_old_figures(
    workspace: Path, tmp_path: Path
) -> None:
    """The workbook's key results sheet headed 'Due now' figures due on 17 and 30 June,
    read in September; its notes say which day, and the heading no longer says now."""
    import openpyxl

    def heading(day: str) -> tuple[object, ...]:
        out = tmp_path / f"{day}.xlsx"
        done = run(workspace, "report", "--as-of", day, "--lang", "en", "-o", str(out))
        assert done.exit_code == 0, done.output
        sheet = openpyxl.load_workbook(out)["Key results"]
        return next(sheet.iter_rows(max_row=1, values_only=True))

    assert "Due" in heading(LATER) and "Due now" not in heading(LATER)
    assert "Due now" in heading(COLLECTED)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_old_figures_forecast_says_the_day_it_is_made_from(workspace: Path, lang: str) -> None:
    """On a terminal wide enough for the forecast, an old figure's forecast says under it
    the day it runs from; a current figure's says nothing more."""

    def rows(day: str) -> list[str]:
        done = CliRunner().invoke(cli, ["report", "--as-of", day, "--lang", lang,
                                        "-w", str(workspace)], env={"COLUMNS": "200"})  # fmt: skip
        assert done.exit_code == 0, done.output
        return done.stdout.splitlines()

    since = {"zh": "自06-17起", "en": "from 06-17"}[lang]
    later = rows(LATER)
    (hnw,) = [n for n, line in enumerate(later) if line.startswith("│ O1.HNW")]
    assert since in later[hnw + 1], later[hnw : hnw + 2]
    assert not any(since in line for line in rows(COLLECTED))


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("fmt", ["md", "html"])
def test_markdown_and_html_say_the_day_of_an_old_figures_due_and_forecast(
    workspace: Path, lang: str, fmt: str
) -> None:
    """The Markdown and HTML reports headed 'Due now' figures due on 17 June, read in
    September, and gave no day for them or for a forecast made from that day; they now say
    what the text report says: 'Due', the day beside the figure due and the forecast, and
    a limit, due whole whatever the day, with none."""
    import re

    def said(day: str) -> str:
        done = run(workspace, "report", "--as-of", day, "--lang", lang, "--format", fmt)
        assert done.exit_code == 0, done.output
        return done.stdout

    due, on, since = {"zh": ("应完成", "截至06-17", "自06-17起"),
                      "en": ("Due", "by 06-17", "from 06-17")}[lang]  # fmt: skip
    later = said(LATER)
    if fmt == "md":
        heading = next(line for line in later.splitlines() if line.startswith("| 关键结果")
                       or line.startswith("| Key result"))  # fmt: skip
        assert f"| {due} |" in heading and "Due now" not in heading, heading
        (hnw,) = [line for line in later.splitlines() if line.startswith("| O1.HNW")]
        cells = [cell.strip() for cell in hnw.split(" | ")]
        assert cells[4].endswith(f" {on}") and cells[7].endswith(f" {since} |"), cells
        (cpl,) = [line for line in later.splitlines() if line.startswith("| O1.CPL")]
        assert on not in cpl
    else:
        assert f"<th>{due}</th>" in later and "Due now" not in later
        row = later[later.index("O1.HNW") :]
        row = row[: row.index("</tr>")]
        assert re.search(rf'<td class="n">[^<]+<br><small class="stale">{on}</small></td>', row)
        assert f'<br><small class="stale">{since}</small></td>' in row
    now = said(COLLECTED)
    assert on not in now and since not in now
    assert "Due now" in now if lang == "en" else "应完成" in now


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_first_screen_keeps_the_day_of_old_figures_at_80_columns(
    write_workspace: WriteWorkspace, lang: str
) -> None:
    """At 80 columns the first screen cut a limit breached and a member's share behind
    at their ends, where they say the day of the figures they were judged on: a breach
    of June read as today's. The day now stays whole, what is before it cut instead:
    the title first, then the words around the figure, which stays."""
    tight = OKRS.replace('target = 1\nunit = "‰"', 'target = 0.1\nunit = "‰"').replace(
        'id = "CPL"', 'id = "COMPLAINTS_OF_OWN_CLIENTS"')  # fmt: skip
    root = write_workspace({"okrs.toml": tight, "budget.toml": None})
    assert run(root, "collect", "--through", COLLECTED).exit_code == 0
    for value, person in (("5", "cm01"), ("25", "cm02")):
        done = run(root, "checkin", "O1.CALLS", value, "--person", person,
                   "--date", CHECKED_IN, "--by", "王芳")  # fmt: skip
        assert done.exit_code == 0, done.output
    brief = CliRunner().invoke(cli, ["report", "--brief", "--as-of", LATER, "--lang", lang,
                                     "-w", str(root)], env={"COLUMNS": "80"})  # fmt: skip
    assert brief.exit_code == 0, brief.output
    screen = brief.stdout.splitlines()
    assert all(display_width(line) <= 80 for line in screen), screen
    said = {"zh": "（按截至 {day} 的数字）", "en": " (on figures as of {day})"}[lang]
    (breach,) = [line for line in screen if "O1.COMPLAINTS_OF_OWN_CLIENTS" in line]
    assert breach.endswith(said.format(day=COLLECTED)), breach
    assert "0.5‰" in breach, breach
    # The share's pace stays too (it was cut to "王芳's share off tra… (on figures…"),
    # the title giving way first, in Chinese as in English, whole after its id where …
    # alone leaves the line too long: "O1.CALLS: 王芳's share off track…", "O1.CALLS：王芳的…".
    lead = {"zh": "  提醒    O1.CALLS：王芳", "en": "  WARNING O1.CALLS: 王芳"}[lang]
    (share,) = [line for line in screen if line.startswith(lead)]
    # Its verdict kept whole too ("off track", 落后), the days without their year where
    # that is what it lacked room for.
    days = (said.format(day=CHECKED_IN), said.format(day=CHECKED_IN[5:]))
    assert share.endswith(tuple("20.2%" + ("…" if lang == "en" else "") + d for d in days))
    assert {"zh": "落后", "en": "off track"}[lang] in share, share


def test_a_due_column_left_out_for_width_is_named_as_it_would_be_headed(
    workspace: Path,
) -> None:
    """At a width that leaves the due column out, the note under the table named it 'Due
    now', though over figures out of date it is headed 'Due': a manager looking for a
    column of what is due now is told of one that is not there."""
    done = CliRunner().invoke(cli, ["report", "--as-of", LATER, "--lang", "en",
                                    "-w", str(workspace)], env={"COLUMNS": "66"})  # fmt: skip
    assert done.exit_code == 0, done.output
    notes = [line.strip() for line in done.stdout.splitlines() if "left out for width" in line]
    assert any(note.startswith("Due,") for note in notes), notes
    assert not any("Due now" in note for note in notes), notes


def test_no_day_passing_without_a_new_figure_moves_a_status(workspace: Path) -> None:
    """A check-in was judged against the report's day's due while it was this period's or
    the last's, then against its own day's once it aged out: 45 trusts of 30 June read off
    track at the end of July and at risk a week later, better with nobody checking in;
    a stored figure the same, the day its metric went stale. Every figure is judged
    against what was due on its own day, current or old, and the due column says that day."""
    done = run(workspace, "checkin", "O1.TRUSTS", "45", "--date", CHECKED_IN, "--by", "王芳")
    assert done.exit_code == 0, done.output
    days = ["2026-06-30", "2026-07-10", "2026-07-31", "2026-08-05", "2026-09-30"]
    trusts = [key_results(workspace, day)["O1.TRUSTS"] for day in days]
    assert [kr["expected"] for kr in trusts] == [pytest.approx(100 * 181 / 365)] * 5, trusts
    assert {kr["status"] for kr in trusts} == {"at_risk"}, trusts
    assert [kr["due_on"] for kr in trusts] == [None, *[CHECKED_IN] * 4], trusts
    clients = [key_results(workspace, day)["O1.HNW"] for day in ("2026-06-19", "2026-07-15")]
    assert [kr["expected"] for kr in clients] == [pytest.approx(150 * 168 / 365)] * 2, clients
    assert [kr["due_on"] for kr in clients] == [COLLECTED, COLLECTED], clients
    text = run(workspace, "report", "--as-of", "2026-07-10", "--lang", "en").stdout
    assert "by 06-30" in text and "Due now" not in text, text


def test_a_growth_targets_pace_does_not_move_on_days_without_new_figures(
    tmp_path: Path,
) -> None:
    """Weekly fees collected through Friday 20 November: read on the 27th, still current,
    they were held to last year's weeks to the 29th, the week of the 27th too, and read
    on 5 December, out of date, to last year's to the 22nd: the pace got better with no
    new figure. They are held to the weeks their figures reach on both days."""
    import datetime as dt

    from okrdesk.engine.progress import Engine
    from okrdesk.model import Observation
    from okrdesk.periods import Grain, periods_between
    from okrdesk.store import Store
    from test_windows import SPECS, growth_kr, plan_of

    friday = dt.date(2026, 11, 20)
    weeks = list({p.id: p for p in periods_between(dt.date(2025, 1, 1), friday,
                                                   Grain.WEEK)}.values())  # fmt: skip
    kr = growth_kr("0.18")
    plan = plan_of(Grain.WEEK, kr)
    with Store.open(tmp_path / "okrdesk.db") as store:
        rows = [Observation("fees", "p1", p.id, 100.0 if p.start.year == 2026 else 80.0)
                for p in weeks]  # fmt: skip
        run = store.start_run("collect", friday)
        store.replace_observations(run, {"fees": "t"}, weeks, rows, friday)
        read = {day: Engine(plan, store, dt.date.fromisoformat(day), SPECS).key_result(kr, "br")
                for day in ("2026-11-20", "2026-11-27", "2026-12-05")}  # fmt: skip
    judged = {day: (p.expected, p.status, p.forecast.value) for day, p in read.items() if p}
    assert len(judged) == 3 and len(set(judged.values())) == 1, judged


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.usefixtures("plans_over")  # as of the plan's end, after today
def test_a_goal_missed_on_figures_that_stop_before_its_date_says_their_day(
    workspace: Path, lang: str
) -> None:
    """On the plan's last day, new clients collected through 17 June are 75 of 150: short,
    but of figures that stop half a year before the date, so it says whose figures the
    shortfall is of; a checkpoint judged on figures that reach its date says no day."""
    said = run(workspace, "check", "--as-of", "2026-12-31", "--lang", lang).stdout
    missed = {
        "zh": "O1.HNW 新增高净值客户：2026-12-31 截止未达成，差 75户（按截至 2026-06-17 的数字）",
        "en": "O1.HNW 新增高净值客户: missed 2026-12-31 by 75 accts (on figures as of 2026-06-17)",
    }
    assert missed[lang] in " ".join(said.split()), said


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_behind_on_a_current_check_in_of_an_earlier_day_says_that_day(
    workspace: Path, lang: str
) -> None:
    """On 10 July the check-ins of 30 June are current (last month's), and are held to
    what was due on the 30th, as the due column says (``截至06-30``); the alert that they
    are behind said so only once they were out of date, and read as behind the pace due
    on the 10th. It says the day whenever it is not the report's, as the column does."""
    said = " ".join(run(workspace, "check", "--as-of", "2026-07-10", "--lang", lang).stdout.split())
    behind = {
        "zh": "O1.VISITS 客户拜访：按截至 2026-06-30 的数字落后，仅达当日应完成进度的 40.3%",
        "en": "O1.VISITS 客户拜访: off track on its figures as of 2026-06-30, at 40.3% of the "
        "pace due that day",
    }
    assert behind[lang] in said, said
    share = {
        "zh": "王芳的分解目标落后，仅达应完成进度的 20.2%（按截至 2026-06-30 的数字）",
        "en": "王芳's share off track, at 20.2% of the pace due (on figures as of 2026-06-30)",
    }
    assert share[lang] in said, said
    visits = key_results(workspace, "2026-07-10", lang)["O1.VISITS"]
    assert visits["due_on"] == CHECKED_IN and visits["old_figure"] is None, visits


def test_shares_behind_on_check_ins_of_different_days_say_each_ones_day(workspace: Path) -> None:
    """王芳's calls checked in on 30 June, 李强's on 5 July, both behind on 10 July: the
    line said the earlier day once at its end, as though both were of 30 June. Each says
    its own day, in its brackets; one day for all is said once, at the end."""
    done = run(workspace, "checkin", "O1.CALLS", "10", "--person", "cm02", "--date",
               "2026-07-05", "--by", "李强")  # fmt: skip
    assert done.exit_code == 0, done.output
    said = " ".join(run(workspace, "check", "--as-of", "2026-07-10").stdout.split())
    (line,) = [part for part in said.split("分解目标 ") if "个分解目标落后" in part]
    assert "王芳（应完成的 20.2%，按截至 2026-06-30 的数字）、李强（应完成的 " in line, line
    assert "，按截至 2026-07-05 的数字）" in line and "）（按截至" not in line, line
    # At 80 columns the first screen keeps the first share's figure and its day whole, the
    # words before it cut (it was cut at "最落后的是 王芳…", neither figure nor day left).
    for lang, kept in (("zh", "（应完成的 20.2%，按截至 2026-06-30 的数字）"),
                       ("en", " (20.2% of pace, on figures as of 2026-06-30)")):  # fmt: skip
        asked = ["report", "--brief", "--as-of", "2026-07-10", "--lang", lang]
        brief = CliRunner().invoke(cli, [*asked, "-w", str(workspace)], env={"COLUMNS": "80"})
        (shares,) = [
            each for each in brief.stdout.splitlines() if "O1.CALLS" in each and kept in each
        ]
        assert display_width(shares) <= 80, shares


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.usefixtures("plans_over")  # as of the plan's end, after today
def test_shares_missed_on_figures_that_stop_before_the_date_say_their_day(
    workspace: Path, lang: str
) -> None:
    """On the plan's last day the calls are short: 王芳's 5 and 李强's 25 of their 50, on
    check-ins of 30 June. The line said only that they were short, as though of figures
    through the 31st; it says their day, once where it is one day for both, and each
    share's own in its brackets where the days differ."""
    said = " ".join(run(workspace, "check", "--as-of", "2026-12-31", "--lang", lang).stdout.split())
    both = {
        "zh": "O1.CALLS 客户电话：2 个分解目标 2026-12-31 截止未达成，差得最多的是 "
        "王芳（差 45次）、李强（差 25次）（按截至 2026-06-30 的数字）",
        "en": "O1.CALLS 客户电话: 2 shares missed 2026-12-31, the furthest short 王芳 (45 "
        "times short), 李强 (25 times short) (on figures as of 2026-06-30)",
    }
    assert both[lang] in said, said
    done = run(workspace, "checkin", "O1.CALLS", "30", "--person", "cm02", "--date",
               "2026-07-05", "--by", "李强")  # fmt: skip
    assert done.exit_code == 0, done.output
    said = " ".join(run(workspace, "check", "--as-of", "2026-12-31", "--lang", lang).stdout.split())
    each = {
        "zh": "差得最多的是 王芳（差 45次，按截至 2026-06-30 的数字）、"
        "李强（差 20次，按截至 2026-07-05 的数字）",
        "en": "the furthest short 王芳 (45 times short, on figures as of 2026-06-30), 李强 (20 "
        "times short, on figures as of 2026-07-05)",
    }
    assert each[lang] in said, said


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_shares_past_their_limits_on_figures_of_different_days_say_each_ones_day(
    write_workspace: WriteWorkspace, lang: str
) -> None:
    """Two members' error rates past their limit, checked in on 30 June and 5 July and
    read in September: the line said the earlier day once at its end, as though both
    were of 30 June. Each says its own day, in its brackets."""
    errors = OKRS + (
        '\n[[objectives.key_results]]\nid = "ERR"\ntitle = "差错率"\ndirection = "at_most"\n'
        'target = 1\nunit = "‰"\nmembers = { cm01 = 1, cm02 = 1 }\n'
    )
    root = write_workspace({"okrs.toml": errors, "budget.toml": None})
    for value, person, day in (("3", "cm01", CHECKED_IN), ("2", "cm02", "2026-07-05")):
        done = run(root, "checkin", "O1.ERR", value, "--person", person, "--date", day,
                   "--by", "王芳")  # fmt: skip
        assert done.exit_code == 0, done.output
    said = " ".join(run(root, "check", "--as-of", LATER, "--lang", lang).stdout.split())
    each = {
        "zh": "O1.ERR 差错率：2 个分解目标超限，超得最多的是 王芳（3‰，上限 1‰，按截至 "
        "2026-06-30 的数字）、李强（2‰，上限 1‰，按截至 2026-07-05 的数字）",
        "en": "O1.ERR 差错率: 2 shares breached, the furthest out 王芳 (3‰ against a limit of "
        "1‰, on figures as of 2026-06-30), 李强 (2‰ against a limit of 1‰, on figures as of "
        "2026-07-05)",
    }
    assert each[lang] in said, said
