"""A budget is its plan's year. A workspace goes on from year to year with one store
(last year's plan copied, its year changed), and the ledger keeps every year's
entries under the same line ids: on 5 January the new year's `training` line showed
last year's 500万 as spent, its breaker tripping on the first spend of the year. A plan's
budget, breaker, `spend list` and reversals now take the entries dated within its days."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from okrdesk.cli import cli
from sample_workspace import PLAN, WriteWorkspace


def run(root: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, [*args, "-w", str(root)])


@pytest.fixture
def next_year(write_workspace: WriteWorkspace) -> Path:
    """2025's plan spent 500万 of training's 519万 on 10 December; the plan is 2026's now."""
    root = write_workspace({"plan.toml": PLAN.replace("2026", "2025")})
    spent = run(root, "spend", "add", "training", "500", "--date", "2025-12-10",
                "--signed-by", "cm01")  # fmt: skip
    assert spent.exit_code == 0, spent.output
    (root / "targets" / "plan.toml").write_text(PLAN, encoding="utf-8")
    return root


def test_last_years_spending_is_not_this_years(next_year: Path) -> None:
    done = run(next_year, "report", "--as-of", "2026-01-05", "--format", "json")
    assert done.exit_code == 0, done.output
    training = next(x for x in json.loads(done.output)["budget"]["lines"] if x["id"] == "training")
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
