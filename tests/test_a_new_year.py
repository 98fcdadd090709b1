"""A new year in the same workspace. A workspace goes on from year to year with one
store (last year's plan copied, its year changed), which keeps every year's check-ins
and ledger entries under the same key result and line ids. On 5 January the new
year's report showed last December's check-in (家族信托 95 of 100, on track) as this
year's figure, and the `training` line last year's 500万 as spent, its breaker tripping
on the first spend of the year. A plan's figures, budget, breakers, `spend list`,
reversals and the check-ins owed now take what is dated within its days."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from okrdesk.cli import cli
from sample_workspace import OKRS, PLAN, WriteWorkspace


def run(root: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, [*args, "-w", str(root)])


TRUSTS = """
[[objectives.key_results]]
id = "TRUSTS"
title = "家族信托"
target = 100
unit = "单"
"""


@pytest.fixture
def next_year(write_workspace: WriteWorkspace) -> Path:
    """2025's plan spent 500万 of training's 519万 on 10 December, and checked in 95 family
    trusts of its 100 on 20 December; the plan is 2026's now, with the same ids."""
    root = write_workspace({"plan.toml": PLAN.replace("2026", "2025"), "okrs.toml": OKRS + TRUSTS})
    spent = run(root, "spend", "add", "training", "500", "--date", "2025-12-10",
                "--signed-by", "cm01")  # fmt: skip
    assert spent.exit_code == 0, spent.output
    checked = run(root, "checkin", "O1.TRUSTS", "95", "--date", "2025-12-20")
    assert checked.exit_code == 0, checked.output
    (root / "targets" / "plan.toml").write_text(PLAN, encoding="utf-8")
    return root


def report(root: Path, as_of: str) -> dict[str, Any]:
    done = run(root, "report", "--as-of", as_of, "--format", "json", "--lang", "en")
    assert done.exit_code == 0, done.output
    return dict(json.loads(done.output))


def test_last_years_check_in_is_no_figure_of_this_year(next_year: Path) -> None:
    january = report(next_year, "2026-01-05")
    trusts = next(kr for o in january["objectives"] for kr in o["key_results"]
                  if kr["id"] == "O1.TRUSTS")  # fmt: skip
    assert (trusts["actual"], trusts["status"]) == (None, "no_data")
    told = run(next_year, "check", "--as-of", "2026-01-05", "--lang", "en").output
    assert "O1.TRUSTS 家族信托: no check-in yet" in told
    # Owed from this plan's first week, not since last December's check-in.
    owed = run(next_year, "report", "--as-of", "2026-01-05", "--lang", "en").output
    assert "1 late (owed since 2026-01-01)" in owed
    explained = run(next_year, "explain", "O1.TRUSTS", "--as-of", "2026-01-05", "--lang", "en")
    assert "2025-12-20" not in explained.output
    assert run(next_year, "checkin", "O1.TRUSTS", "3", "--date", "2026-01-05").exit_code == 0
    trusts = next(kr for o in report(next_year, "2026-01-05")["objectives"]
                  for kr in o["key_results"] if kr["id"] == "O1.TRUSTS")  # fmt: skip
    assert trusts["actual"] == 3


def test_last_years_spending_is_not_this_years(next_year: Path) -> None:
    lines = report(next_year, "2026-01-05")["budget"]["lines"]
    training = next(x for x in lines if x["id"] == "training")
    assert (training["spent"], training["breaker"]["tripped"]) == (0, False)


def test_this_years_first_spend_is_judged_on_this_years_ledger(next_year: Path) -> None:
    # With last year's 500万 the line's 519万 would be overspent: refused, breaker tripped.
    done = run(next_year, "spend", "add", "training", "30", "--date", "2026-01-05",
               "--signed-by", "cm01", "--lang", "en")  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "Spent so far CNY 300k of CNY 5,190k. Ledger entry 2." in done.output


@pytest.mark.parametrize(
    ("lang", "told"),
    [
        ("en", "Not listed: 1 entry dated outside this plan (2026-01-01 to 2026-12-31), which "
               "counts in the budget of the plan whose days hold it."),
        ("zh", "未列出：另有 1 笔的日期不在本计划期内（2026-01-01 至 2026-12-31），"
               "计入其日期所在计划的预算。"),
    ],
)  # fmt: skip
def test_the_list_is_this_plans_and_says_how_many_it_leaves_out(
    next_year: Path, lang: str, told: str
) -> None:
    listed = run(next_year, "spend", "list", "--lang", lang)
    assert listed.exit_code == 0, listed.output
    assert listed.output.splitlines() == [
        "No spending recorded." if lang == "en" else "尚无支出记录。",
        told,
    ]
    assert run(next_year, "spend", "add", "training", "30", "--date", "2026-01-05",
               "--signed-by", "cm01").exit_code == 0  # fmt: skip
    listed = run(next_year, "spend", "list", "--lang", lang).output.splitlines()
    assert listed[1].split()[:3] == ["2", "2026-01-05", "training"]
    assert listed[-1] == told


def test_last_years_entry_is_not_reversed_in_this_years_budget(next_year: Path) -> None:
    done = run(next_year, "spend", "reverse", "1", "--reason", "wrong line", "--signed-by",
               "cm01", "--date", "2026-01-05", "--lang", "en")  # fmt: skip
    assert done.exit_code == 2, done.output
    assert "entry 1 was spent on 2025-12-10, outside this plan (2026-01-01 to 2026-12-31)" \
        in " ".join(done.output.split())  # fmt: skip
    assert "Nothing was recorded." in done.output
    listed = run(next_year, "spend", "list", "--lang", "en").output
    assert listed.startswith("No spending recorded.")


def test_the_years_first_check_in_is_its_first(next_year: Path) -> None:
    done = run(next_year, "checkin", "O1.TRUSTS", "3", "--date", "2026-01-05", "--lang", "en")
    assert done.exit_code == 0, done.output
    assert "(check-in 1 for it, id 2)" in done.output


def test_withdrawing_this_years_only_check_in_leaves_none(next_year: Path) -> None:
    # Last December's 95 is no figure of this plan: the report shows none, and so says this.
    assert run(next_year, "checkin", "O1.TRUSTS", "3", "--date", "2026-01-05").exit_code == 0
    done = run(next_year, "checkin", "--withdraw", "2", "--reason", "typo", "--lang", "en")
    assert done.exit_code == 0, done.output
    assert done.output.split("; ")[1] == (
        "branch has no check-in of it left, so it shows no figure until the next one.\n"
    )


@pytest.mark.parametrize(
    ("lang", "told"),
    [
        ("en", "it is dated outside this plan (2026-01-01 to 2026-12-31), whose figures never "
               "held it.\n"),
        ("zh", "其日期不在本计划期内（2026-01-01 至 2026-12-31），本计划的数字本不含它。\n"),
    ],
)  # fmt: skip
def test_withdrawing_last_years_check_in_says_it_was_never_this_plans(
    next_year: Path, lang: str, told: str
) -> None:
    assert run(next_year, "checkin", "O1.TRUSTS", "3", "--date", "2026-01-05").exit_code == 0
    done = run(next_year, "checkin", "--withdraw", "1", "--reason", "typo", "--lang", lang)
    assert done.exit_code == 0, done.output
    assert done.output.split("；" if lang == "zh" else "; ")[1] == told


def test_before_the_years_first_collect_its_metrics_are_last_years(
    write_workspace: WriteWorkspace,
) -> None:
    """On 2 January, before the new year's first collect, `check` told every key result
    'no data yet for 福田营业部', the words of a unit missing from a source that has this
    plan's numbers (a branch's teams, 'although their metrics have numbers'): the numbers
    were last year's. It says whose numbers the store holds, as it does a week later."""
    root = write_workspace({"plan.toml": PLAN.replace("2026", "2025"), "budget.toml": ""})
    assert run(root, "collect", "--through", "2025-12-31").exit_code == 0
    (root / "targets" / "plan.toml").write_text(PLAN, encoding="utf-8")
    told = run(root, "check", "--as-of", "2026-01-02", "--lang", "en").output
    assert "no data yet" not in told
    assert "2 metrics: latest numbers end 2025-12-31 (weekly): complaint_rate, " \
           "new_hnw_clients" in told  # fmt: skip


@pytest.mark.parametrize(
    ("lang", "mark", "told"),
    [
        ("en", "[not this plan's]",
         "Dated outside this plan (2026-01-01 to 2026-12-31), counting in no figure of it: 1."),
        ("zh", "[不属本计划]",
         "另有 1 条的日期不在本计划期内（2026-01-01 至 2026-12-31），不计入本计划的任何数字。"),
    ],
)  # fmt: skip
def test_the_history_marks_last_years_check_ins(
    next_year: Path, lang: str, mark: str, told: str
) -> None:
    assert run(next_year, "checkin", "O1.TRUSTS", "3", "--date", "2026-01-05").exit_code == 0
    for listed in (run(next_year, "history", "O1.TRUSTS", "--lang", lang),
                   run(next_year, "checkin", "--list", "O1.TRUSTS", "--lang", lang)):  # fmt: skip
        assert listed.exit_code == 0, listed.output
        lines = listed.output.splitlines()
        last_years, this_years = (x for x in lines if x.split()[0] in ("1", "2"))
        assert last_years.split()[1] == "2025-12-20"
        assert last_years.endswith(mark)
        assert mark not in this_years
        assert lines[-1] == told
