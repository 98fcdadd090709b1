"""A checkpoint, or a past day's report, on a cohort metric: the accounts opened by
its day go on converting after it, and the stored figure is the one the latest collect
read, later conversions included. The report and explain say so rather than call it the
figure as it stood on the day (real CSV files, an SQL funnel, collect, report and
explain)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from okrdesk.cli import cli
from sample_workspace import WriteWorkspace

AS_OF = "2026-04-15"

ACCOUNTS = """\
account_id,cm_id,open_date
A1,cm01,2026-03-02
A2,cm01,2026-03-09
A3,cm02,2026-03-16
A4,cm02,2026-03-23
"""
FUNDINGS = """\
account_id,fund_date
A1,2026-03-05
A2,2026-04-02
A3,2026-04-10
"""
"""By 31 March one of the four accounts was funded: 25%.
Collected through 15 April, two more were: 75%."""

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

[[sources.sql.metrics]]
name = "opened"
kind = "flow"
unit = "户"
query = "SELECT cm_id AS subject, open_date AS day, 1 AS value FROM accounts"
"""

OKRS = """\
[[objectives]]
id = "Q1"
title = "抢春播"
owner = "branch"

[[objectives.key_results]]
id = "FUND"
title = "3 月底前开户 30 日内入金率 ≥ 50%"
metric = "open_to_fund_30d"
target = 50
unit = "%"
milestones = { Q1 = 1.0 }

[[objectives.key_results]]
id = "OPEN"
title = "3 月底前开户 4 户"
metric = "opened"
target = 4
unit = "户"
milestones = { Q1 = 1.0 }
"""


def run(root: Path, *args: str) -> Result:
    done = CliRunner().invoke(cli, [*args, "-w", str(root)])
    assert done.exit_code == 0, done.output
    return done


@pytest.fixture
def cohorts(write_workspace: WriteWorkspace) -> Path:
    root = write_workspace({"q1.toml": OKRS, "okrs.toml": None, "budget.toml": None}, plugin=False)
    (root / "data").mkdir()
    (root / "data" / "accounts.csv").write_text(ACCOUNTS, encoding="utf-8")
    (root / "data" / "fundings.csv").write_text(FUNDINGS, encoding="utf-8")
    (root / "okrdesk.toml").write_text(SETTINGS, encoding="utf-8")
    run(root, "collect", "--through", AS_OF)
    return root


def reported(root: Path, key_result: str, as_of: str = AS_OF) -> dict[str, object]:
    document = json.loads(run(root, "report", "--as-of", as_of, "--format", "json").stdout)
    return next(
        k for o in document["objectives"] for k in o["key_results"] if k["id"] == key_result
    )


def test_a_cohort_checkpoint_says_its_figure_counts_later_conversions(cohorts: Path) -> None:
    funded = reported(cohorts, "Q1.FUND")
    # No account opened in the week holding 31 March: the figures run through that day.
    assert (funded["closed"], funded["closed_through"]) == ("2026-03-31", None)
    # The figure the store holds: three of four, the April fundings counted.
    assert (funded["numerator"], funded["denominator"]) == (3, 4)
    assert funded["counted_through"] == AS_OF
    # Still settling on 15 April, its settling line says so (a settled one's below).
    text = run(cohorts, "report", "--as-of", AS_OF, "--format", "md").output
    assert (
        "仍会变动，检查点按 2026-04-30 起采集的数字判定达成与否；现为截至 2026-04-15 采集到的数字"
        in (text)
    )
    english = run(cohorts, "report", "--as-of", AS_OF, "--format", "md", "--lang", "en").output
    assert "this is the figure as collected through 2026-04-15" in english
    # A flow is final when its period ends: its checkpoint is the figure as it stood.
    assert reported(cohorts, "Q1.OPEN")["counted_through"] is None


def test_explain_does_not_say_later_figures_are_left_out(
    cohorts: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """It said "之后的数据不计入" (nothing after it counts) over rows whose conversions
    came after the checkpoint."""
    monkeypatch.setenv("COLUMNS", "1000")  # explain's rows whole: what it says, not how it folds
    zh = run(cohorts, "explain", "Q1.FUND", "--as-of", AS_OF).output.splitlines()
    assert zh[2] == (
        "检查点，2026-03-31 截止：取截至当日各周期的数字（报告显示的也是它）；"
        "但这些周期的数字其后仍会变动，已含 2026-03-31 之后至 2026-04-15 的变动"
    )
    assert "之后的数据不计入" not in "\n".join(zh)
    en = run(cohorts, "explain", "Q1.FUND", "--as-of", AS_OF, "--lang", "en").output
    assert (
        "a checkpoint, closed on 2026-03-31: the figures of its periods up to that day, "
        "which the report shows; but they go on changing after their periods end, and "
        "count changes after 2026-03-31 up to 2026-04-15" in en
    )
    settled = run(cohorts, "explain", "Q1.OPEN", "--as-of", AS_OF).output.splitlines()
    assert settled[2].startswith("检查点，2026-03-31 截止：取当日的数字")


def test_a_past_days_report_on_a_cohort_metric_says_so_too(
    cohorts: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As of 20 March, before the checkpoint, the figures run through 15 March (the
    week holding the 20th is stored whole): one of the two accounts opened by then was
    funded that day, but the figure read on 15 April counts both."""
    monkeypatch.setenv("COLUMNS", "1000")  # explain's rows whole: what it says, not how it folds
    funded = reported(cohorts, "Q1.FUND", as_of="2026-03-20")
    assert funded["closed"] is None
    assert (funded["numerator"], funded["denominator"]) == (2, 2)
    # Each account converts within 30 days: those opened by 15 March, by 14 April.
    assert funded["counted_through"] == "2026-04-14"
    text = run(cohorts, "report", "--as-of", "2026-03-20", "--format", "md").output
    assert "这里是截至 2026-04-14 采集到的数字，并非当日的数字" in text
    explained = run(cohorts, "explain", "Q1.FUND", "--as-of", "2026-03-20").output
    assert (
        "此指标各周期的数字在周期结束后仍会变动：下列数字是截至 2026-04-14 采集到的，"
        "含 2026-03-15 之后的变动" in explained
    )
    # A flow is final when its period ends: a past day's figure is that day's.
    assert reported(cohorts, "Q1.OPEN", as_of="2026-03-20")["counted_through"] is None


def test_a_cohort_checkpoint_is_judged_once_its_figures_settle(
    write_workspace: WriteWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Collected on 31 March, one account of four was funded (25%): the checkpoint read
    missed; collected on 15 April, three were (75%): met, with nothing opened since. The
    accounts of 23 March have 30 days to fund, so its figures settle on 30 April: until a
    collect from then it is settling (待结算), never missed nor met, and no alert; then it
    is judged, met at 75% against 50%."""
    monkeypatch.setenv("COLUMNS", "1000")
    root = write_workspace({"q1.toml": OKRS, "okrs.toml": None, "budget.toml": None}, plugin=False)
    (root / "data").mkdir()
    (root / "data" / "accounts.csv").write_text(ACCOUNTS, encoding="utf-8")
    (root / "data" / "fundings.csv").write_text(FUNDINGS, encoding="utf-8")
    (root / "okrdesk.toml").write_text(SETTINGS, encoding="utf-8")
    for through, funded in (("2026-03-31", 1), ("2026-04-15", 3)):
        run(root, "collect", "--through", through)
        as_of = "2026-04-15"
        settling = reported(root, "Q1.FUND", as_of)
        assert (settling["numerator"], settling["status"]) == (funded, "settling"), through
        assert settling["settles_on"] == "2026-04-30"
        text = run(root, "report", "--as-of", as_of, "--format", "md").output
        assert (
            "| 待结算 (Q1) |" in text
            and "尚待结算：此指标各周期的数字在周期结束后 30 天内仍会变动，检查点按 "
            "2026-04-30 起采集的数字判定达成与否"
            in text
        ), text
        english = run(root, "report", "--as-of", as_of, "--format", "md", "--lang", "en")
        assert "| settling (Q1) |" in english.output
        assert (
            "Settles on 2026-04-30: its figures go on changing for 30 days after their "
            "periods end, so the checkpoint is judged met or missed on a collect from that day"
        ) in english.output
        checked = CliRunner().invoke(cli, ["check", "--as-of", as_of, "-w", str(root)])
        assert "Q1.FUND" not in checked.output, checked.output
        said = run(root, "explain", "Q1.FUND", "--as-of", as_of).output.splitlines()
        assert (
            "尚待结算：此指标各周期的数字在周期结束后 30 天内仍会变动，检查点按 "
            "2026-04-30 起采集的数字判定达成与否" in said
        ), said
    # A report of 30 April on figures collected on 15 April: not yet a collect from then.
    assert reported(root, "Q1.FUND", "2026-04-30")["status"] == "settling"
    run(root, "collect", "--through", "2026-04-30")
    settled = reported(root, "Q1.FUND", "2026-04-30")
    assert (settled["status"], settled["settles_on"]) == ("met", None)
    assert "| 达标 (Q1) |" in run(root, "report", "--as-of", "2026-04-30", "--format", "md").output


def test_a_member_s_share_settling_is_not_counted_met(
    write_workspace: WriteWorkspace,
) -> None:
    """Shared out at 50% each, on 15 April 王芳 stands at 100% (two of two funded) and
    李强 at 50%: both past their share's target, both settling until 30 April. The line
    under the row read 成员达标 2/2 of shares later collects may still restate; they are
    counted settling, none met, until a collect from 30 April judges them."""
    shared = OKRS.replace(
        "milestones = { Q1 = 1.0 }\n",
        "milestones = { Q1 = 1.0 }\nmembers = { cm01 = 50, cm02 = 50 }\n",
        1,
    )
    root = write_workspace(
        {"q1.toml": shared, "okrs.toml": None, "budget.toml": None}, plugin=False
    )
    (root / "data").mkdir()
    (root / "data" / "accounts.csv").write_text(ACCOUNTS, encoding="utf-8")
    (root / "data" / "fundings.csv").write_text(FUNDINGS, encoding="utf-8")
    (root / "okrdesk.toml").write_text(SETTINGS, encoding="utf-8")
    run(root, "collect", "--through", AS_OF)
    settling = reported(root, "Q1.FUND")
    assert settling["status"] == "settling"
    assert (settling["members_met"], settling["members_total"]) == (0, 2)
    assert settling["members_settling"] == 2
    zh = run(root, "report", "--as-of", AS_OF, "--format", "md").output
    assert "成员达标 0/2（0.0%），进度正常 0/2，待结算 2" in zh
    en = run(root, "report", "--as-of", AS_OF, "--format", "md", "--lang", "en").output
    assert "0 of 2 members met their target (0.0%), 0 of 2 on track, 2 settling" in en
    run(root, "collect", "--through", "2026-04-30")
    settled = reported(root, "Q1.FUND", "2026-04-30")
    assert settled["status"] == "met"
    assert (settled["members_met"], settled["members_settling"]) == (2, 0)
    assert (
        "成员达标 2/2（100.0%），进度正常 2/2 ·"
        in run(root, "report", "--as-of", "2026-04-30", "--format", "md").output
    )


def test_a_rate_checkpoint_of_the_plan_s_first_phase_says_nothing_of_reading_it_apart(
    cohorts: Path,
) -> None:
    """Q1 starts on the plan's first day: its own rate is the plan's to date, so the line
    a later phase's rate has under its title (only Q2's periods from 2026-W14) said of Q1
    only that it counts every period since 2026-01-01, which adds nothing; it is left
    out, in the report's every format, its JSON and explain."""
    funded = reported(cohorts, "Q1.FUND")
    assert (funded["over_phase"], funded["over_phase_from"], funded["phase_to_come"]) == (
        None,
        None,
        None,
    )
    for lang in ("zh", "en"):
        for form in ("md", "text", "html"):
            shown = run(cohorts, "report", "--as-of", AS_OF, "--format", form, "--lang", lang)
            assert "按 Q1 阶段自身的数字计" not in shown.output, (form, lang)
            assert "Q1's own figure" not in shown.output, (form, lang)
        said = run(cohorts, "explain", "Q1.FUND", "--as-of", AS_OF, "--lang", lang).output
        assert "2026-W01" not in said, said
    # Its figure is the plan's to date all the same: three of four funded.
    assert (funded["numerator"], funded["denominator"]) == (3, 4)
    early = reported(cohorts, "Q1.FUND", "2026-03-20")
    assert (early["over_phase"], early["phase_to_come"]) == (None, None)


def test_a_settling_checkpoint_says_once_that_its_figures_still_change(
    cohorts: Path, tmp_path: Path
) -> None:
    """Under a checkpoint settling, the settling line said its figures go on changing for
    30 days, and the line under it that they go on changing after their periods end:
    twice the same thing. One line says both when it is judged and which collect the
    figure is from, in every format."""
    import openpyxl

    once = (
        "尚待结算：此指标各周期的数字在周期结束后 30 天内仍会变动，检查点按 2026-04-30 "
        "起采集的数字判定达成与否；现为截至 2026-04-15 采集到的数字"
    )
    english = (
        "the checkpoint is judged met or missed on a collect from that day; this is the "
        "figure as collected through 2026-04-15"
    )
    for form in ("md", "html"):
        # The page holds each figure to its unit in a span (<span …>30 天</span>).
        zh = re.sub(r"</?span[^>]*>", "", run(cohorts, "report", "--as-of", AS_OF,
                                              "--format", form).output)  # fmt: skip
        assert once in zh and "这里是截至 2026-04-15 采集到的数字" not in zh, form
        en = run(cohorts, "report", "--as-of", AS_OF, "--format", form, "--lang", "en").output
        assert english in en and "not as it stood then" not in en, form
    text = run(cohorts, "report", "--as-of", AS_OF, "--lang", "en").output
    assert "not as it stood then" not in text and "this is the figure as collected" in text
    workbook = tmp_path / "april.xlsx"
    run(cohorts, "report", "--as-of", AS_OF, "--out", str(workbook))
    cells = [
        str(cell)
        for row in openpyxl.load_workbook(workbook)["关键结果"].iter_rows(values_only=True)
        for cell in row
        if cell
    ]
    assert any(once in cell for cell in cells)
    assert not any("这里是截至 2026-04-15 采集到的数字" in cell for cell in cells)
    # Settled, it is the figure as collected that is said, as of any cohort's.
    run(cohorts, "collect", "--through", "2026-04-30")
    settled = run(cohorts, "report", "--as-of", "2026-04-30", "--format", "md").output
    assert "这里是截至 2026-04-30 采集到的数字，并非当日的数字" in settled
    assert "尚待结算" not in settled
