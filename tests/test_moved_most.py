"""What moved most, on the first screen: the order a manager trusts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import cast

import pytest

from okrdesk.report.cells import actual, steps_moved
from okrdesk.report.document import Report, ReportKeyResult
from okrdesk.report.notes import moved_most
from test_report import okrdesk


@pytest.fixture
def demo(copy_of_the_demo: Callable[[str], Path]) -> Path:
    return copy_of_the_demo("moved-most")


def moved(demo: Path, as_of: str, lang: str) -> list[str]:
    """The ids the first screen lists under 变化最大 / Moved most, in order."""
    done = okrdesk("report", "-w", str(demo), "--as-of", as_of, "--lang", lang, "--brief")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    at = next(n for n, line in enumerate(lines) if line.startswith(("变化最大", "Moved most")))
    listed = [line for line in lines[at + 1 : at + 4] if line.startswith("  ")]
    return [line.split("  ")[2].split()[0] for line in listed]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_move_by_the_figures_last_digit_never_stands_above_one_of_many(
    demo: Path, lang: str
) -> None:
    """Ranked by their share of the way from baseline to target, an earlier demo's week to
    13 November listed -0.01个/户 (O2.KR2, 1.69 -> 1.68 of a target of 3.5) above +3,039万
    of new assets (C1.KR1), and the week to 24 July +0.04分 of NPS (C1.KR3, 60.59 -> 60.63,
    from 58 towards 60) first, above +1,896万: a manager doubted the order. A move is now
    ranked by its share of the target, and one of the figure's last written digit alone
    (+1户, -0.01个/户) after every move of more."""
    # The week to 10 April brought O1.KR1 one new HNW client: of a target of 60 (not the
    # plan's 360), 1.7% of it, more than NPS's +0.87分 of 62, and still below it.
    branch = demo / "targets" / "branch.toml"
    text = branch.read_text(encoding="utf-8")
    title = text.index('  title = "新增高净值客户 360 户（单户资产 ≥ 800万）"\n')
    target = text.index("  target = 360\n", title)
    branch.write_text(text[:target] + "  target = 60\n" + text[target + 15 :], encoding="utf-8")
    assert moved(demo, "2026-04-10", lang) == ["O2.KR1", "C1.KR3", "O2.NPS"]


def amount(kr_id: str, unit: str, target: float, actual: float, change: float) -> ReportKeyResult:
    """A key result that moved by ``change`` over the week to ``actual``."""
    return ReportKeyResult(
        id=kr_id, title=kr_id, metric="m", unit=unit, direction="at_least", baseline=0.0,
        target=target, target_source="declared", actual=actual, numerator=None,
        denominator=None, attainment=None, due=0.0, expected=0.0, status="on_track",
        margin=None, change=change, new=False, forecast=None, forecast_reach=None,
        forecast_note="", weight=1.0, trend=(), milestones=(),
    )  # fmt: skip


def test_a_move_by_the_last_digit_is_judged_on_the_figure_as_the_reader_reads_it() -> None:
    """The last written digit was judged on the Chinese figure in both languages: a fee
    income of 5,914元 → 5,916元 moved two of Chinese's yuan, but English writes it CNY
    5.91k → CNY 5.92k, one of its last digit, and listed it above a count's move of one
    account worth five times its share of the target. Each language now judges on its
    own figure."""
    fees = amount("O1.FEES", "元", 10_000.0, 5_916.0, 2.0)  # 0.02% of its target
    accounts = amount("O1.ACCTS", "户", 1_000.0, 501.0, 1.0)  # 0.1%, by its last digit
    assert (steps_moved(fees, "zh"), steps_moved(fees, "en")) == (2, 1)
    assert (actual(fees, "zh"), actual(fees, "en")) == ("5,916元", "CNY 5.92k")
    report = cast(
        Report, SimpleNamespace(objectives=[SimpleNamespace(key_results=[fees, accounts])])
    )
    assert [kr.id for kr in moved_most(report, "zh")] == ["O1.FEES", "O1.ACCTS"]
    assert [kr.id for kr in moved_most(report, "en")] == ["O1.ACCTS", "O1.FEES"]
