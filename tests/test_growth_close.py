"""A growth target closes where its window does: a quarter's (``window = "qtd"``) short
of its target on the quarter's last day is missed (未达成), not off track (落后) with the
plan running on, and is judged so while the report's window is still that quarter's,
never paced again. Before that day it is paced, and the year's (``ytd``) runs on to the
year's end. Judged on a real SQLite store, and in a workspace through report, check and
explain."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from click.testing import CliRunner

from okrdesk.cli import cli
from okrdesk.engine.pace import Status
from okrdesk.engine.progress import Engine
from okrdesk.model import KeyResult, Observation
from okrdesk.periods import Grain, periods_between
from okrdesk.report.build import build_report
from okrdesk.store import Store
from okrdesk.units import UNITS
from sample_workspace import WriteWorkspace
from test_growth_ahead import SPECS, converting_store, net_flows_collected
from test_levels_ahead import table_row
from test_windows import plan_of


def fees_growth(window: str) -> KeyResult:
    """李强's fees +150% 同比: 10 a month in 2025, 20 in 2026, short of 25 a month."""
    return KeyResult("O1.G", "O1", "手续费同比 +150%", UNITS["元"], None, "fees",
                     growth=Decimal("1.5"), window=window)  # fmt: skip


def test_a_quarters_growth_short_on_its_last_day_is_missed(tmp_path: Path) -> None:
    with converting_store(tmp_path) as store:
        quarter, year = fees_growth("qtd"), fees_growth("ytd")

        def judged(kr: KeyResult, day: dt.date) -> tuple[Status, float | None]:
            p = Engine(plan_of(Grain.MONTH, kr), store, day, SPECS).key_result(kr, "br")
            assert p is not None and p.target.value is not None
            return p.status, p.margin

        # 40 of the 50 due on the 29th (two months of three): paced, at risk.
        assert judged(quarter, dt.date(2026, 9, 29)) == (Status.AT_RISK, None)
        # 60 of 75 on the quarter's last day: its figure is final, 15 short of it.
        assert judged(quarter, dt.date(2026, 9, 30)) == (Status.MISSED, -15.0)
        # The year's runs on: 180 of the 225 due, paced.
        assert judged(year, dt.date(2026, 9, 30))[0] is Status.AT_RISK


def weekly_fees_2027(path: Path) -> Store:
    """李强's fees a week, 10 in 2026 and 20 in 2027, collected through 2027."""
    store = Store.open(path / "okrdesk.db")
    weeks = [*periods_between(dt.date(2026, 1, 1), dt.date(2027, 12, 31), Grain.WEEK)]
    run = store.start_run("collect", dt.date(2027, 12, 31))
    store.replace_observations(
        run, {"fees": "t"}, weeks,
        [Observation("fees", "p2", w.id, 10.0 if w.start.year == 2026 else 20.0)
         for w in weeks],
        dt.date(2027, 12, 31),
    )  # fmt: skip
    return store


def test_a_quarters_growth_closes_with_its_last_week(tmp_path: Path) -> None:
    """2027's third quarter ends on Thursday 30 September, in the week to 3 October that
    is its own (by its Thursday): until that week is in, the quarter's figure is not
    final and it is paced; on the 3rd it is missed, its shortfall dated that day."""
    kr = fees_growth("qtd")
    plan = attrs.evolve(plan_of(Grain.WEEK, kr), year=2027, start=dt.date(2027, 1, 1),
                        end=dt.date(2027, 12, 31))  # fmt: skip
    with weekly_fees_2027(tmp_path) as store:

        def judged(day: dt.date) -> tuple[Status, float, dt.date | None]:
            p = Engine(plan, store, day, SPECS).key_result(kr, "br")
            assert p is not None and p.actual.value is not None
            return p.status, p.actual.value, p.closed

        # Through 26 September, 13 of its 14 weeks: 260 of the 325 due, at risk.
        assert judged(dt.date(2027, 10, 2)) == (Status.AT_RISK, 260.0, None)
        # All 14 on the 3rd: 280 of 350, missed.
        assert judged(dt.date(2027, 10, 3)) == (Status.MISSED, 280.0, dt.date(2027, 10, 3))


def test_a_quarters_growth_is_forecast_to_the_day_it_closes(tmp_path: Path) -> None:
    """The forecast of 2027's third quarter is of its figure on 3 October, when its last
    week is in and it closes, not on the 30th, three days short of that week: at 20 a
    week it reaches all 14 weeks' 280, not 271.43; the report writes it to 10-03."""
    kr = fees_growth("qtd")
    plan = attrs.evolve(plan_of(Grain.WEEK, kr), year=2027, start=dt.date(2027, 1, 1),
                        end=dt.date(2027, 12, 31))  # fmt: skip
    with weekly_fees_2027(tmp_path) as store:
        engine = Engine(plan, store, dt.date(2027, 9, 26), SPECS)
        p = engine.key_result(kr, "br")
        assert p is not None and p.forecast.value is not None
        assert (p.actual.value, p.forecast.value) == (260.0, pytest.approx(280.0))
        report = build_report(plan, SPECS, store, "br", dt.date(2027, 9, 26), "en")
        (result,) = [r for o in report.objectives for r in o.key_results]
        assert (result.forecast, result.forecast_to) == (pytest.approx(280.0), dt.date(2027, 10, 3))


QUARTER = """
[[objectives]]
id = "G"
title = "资产同比"
owner = "team-a"

[[objectives.key_results]]
id = "NNA"
title = "客户资产净增季度同比 +600%"
metric = "net_new_aum"
growth = "600%"
unit = "亿元"
window = "qtd"
"""


def test_report_check_and_explain_tell_a_quarters_growth_missed_on_its_last_day(
    write_workspace: WriteWorkspace, plans_over: dt.date
) -> None:
    """The team's first quarter: 1.7亿 of net new assets against 2025's 0.26亿 × 7 =
    1.82亿."""
    root = net_flows_collected(write_workspace, QUARTER)
    runner = CliRunner()

    def status(day: str, lang: str) -> str:
        args = ["--as-of", day, "--unit", "team-a", "-w", str(root), "--lang", lang]
        done = runner.invoke(cli, ["report", *args, "--format", "json"])
        (nna,) = [r for o in json.loads(done.stdout)["objectives"] for r in o["key_results"]
                  if r["id"] == "G.NNA"]  # fmt: skip
        return str(nna["status"])

    def said(command: str, lang: str) -> str:
        args = [*command.split(), "--as-of", "2026-03-31", "--unit", "team-a", "-w", str(root)]
        done = runner.invoke(cli, [*args, "--lang", lang], env={"COLUMNS": "200"})
        assert done.exit_code in (0, 1), done.output
        return str(done.stdout)

    for lang in ("zh", "en"):
        # The day before: 1.7亿 of the 1.82亿 due, paced.
        assert status("2026-03-30", lang) == "at_risk"
        assert status("2026-03-31", lang) == "missed"
        # The next day the quarter to date is the second's, no figure in it yet.
        assert status("2026-04-01", lang) == "no_data"
    assert "未达成 (Q1)" in table_row(said("report", "zh"), "G.NNA")
    assert "missed (Q1)" in table_row(said("report", "en"), "G.NNA")
    for lang, missed in (
        ("zh", "G.NNA 客户资产净增季度同比 +600%：2026-03-31 截止未达成，差 1,200万"),
        ("en", "G.NNA 客户资产净增季度同比 +600%: missed 2026-03-31 by CNY 12m"),
    ):
        assert missed in said("check", lang), said("check", lang)
        # The text report writes the yuan as it writes every figure of its own.
        shown = missed.replace("CNY ", "¥")
        assert shown in said("report", lang), said("report", lang)
    explained = said("explain G.NNA", "zh")
    assert "目标 1.82亿 = 去年 2,600万 × (1 + 600%)" in explained, explained
    assert "target CNY 182m = last year CNY 26m × (1 + 600%)" in said("explain G.NNA", "en")
