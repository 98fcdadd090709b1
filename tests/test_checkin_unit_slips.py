"""A check-in of an amount or a count typed in another unit than its key result's (元 for
万, 亿 for 万, 户 for 万户): stored, and said back with the figure most likely meant and
the command that withdraws it; an honest small figure (a flow's first weeks) is not."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from okrdesk.cli import cli
from okrdesk.store import Store
from sample_workspace import WriteWorkspace
from test_report import AS_OF


def run(root: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, [*args, "-w", str(root)])


@pytest.fixture
def demo(copy_of_the_demo: Callable[[str], Path]) -> Path:
    return copy_of_the_demo("unit-slips")


def _said(done: Result) -> str:
    assert done.exit_code == 0, done.output
    return " ".join(done.output.split())


def test_a_stock_in_wan_typed_in_yi_or_in_yuan_says_the_figure_meant(demo: Path) -> None:
    """The demo's 家族信托单均规模, 3,500万 in 万元: 0.32 (its 0.32亿) was stored as 0.32万
    without a word, and 35000000 (its yuan) as 35,000,000万 with no figure meant."""
    said = _said(run(demo, "checkin", "O1.KR3b", "0.32", "--date", AS_OF, "--lang", "zh"))
    assert said.endswith(
        "3,200元 不到目标 3,500万 的千分之一，多半是单位写错了：如果本意是 3,200万，请撤回"
        "（okrdesk checkin --withdraw 45 --reason 理由），再以 3200 打卡。"
    ), said
    said = _said(run(demo, "checkin", "O1.KR3b", "0.33", "--date", AS_OF, "--lang", "en"))
    assert said.endswith(
        "CNY 3.3k is under a thousandth of the target of CNY 35m, most likely typed in "
        "another unit: if CNY 33m was meant, withdraw it (okrdesk checkin --withdraw 46 "
        "--reason TEXT) and check in 3300."
    ), said
    said = _said(run(demo, "checkin", "O1.KR3b", "35000000", "--date", AS_OF, "--lang", "en"))
    assert said.endswith(
        "That is 10,000 times the target of CNY 35m, most likely typed in another unit: if "
        "CNY 35m was meant, withdraw it (okrdesk checkin --withdraw 47 --reason TEXT) and "
        "check in 3500."
    ), said
    said = _said(run(demo, "checkin", "O1.KR3b", "35000000", "--date", AS_OF, "--again"))
    assert "该数值是目标 3,500万 的 10,000 倍，多半是单位写错了：如果本意是 3,500万" in said
    # Stored as typed, all of them: a warning, not a refusal.
    with Store.open(demo / "okrdesk.db") as store:
        kept = [c.value for c in store.checkins("O1.KR3b") if c.id >= 45]
    assert kept == [3_200, 3_300, 350_000_000_000, 350_000_000_000]
    # A figure as a branch writes it, or one short of the target, is nothing to ask about.
    for value in ("3380", "0.32亿", "3,210万"):
        said = _said(run(demo, "checkin", "O1.KR3b", value, "--date", AS_OF, "--lang", "en"))
        assert "another unit" not in said and "times the target" not in said, said


FLOWS = """\
[[objectives]]
id = "F"
title = "开户与收入"
owner = "branch"

[[objectives.key_results]]
id = "ACCOUNTS"
title = "新增有效户 1.84万户"
target = 18400
unit = "户"

[[objectives.key_results]]
id = "FEES"
title = "权益产品尾随收入 2,250万元"
target = 2250
unit = "万元"

[[objectives.key_results]]
id = "COST"
title = "获客成本 ≤ 50万元"
direction = "at_most"
target = 50
unit = "万元"
"""


def test_a_flows_first_weeks_are_measured_against_what_is_due_by_then(
    write_workspace: WriteWorkspace,
) -> None:
    """12 accounts in the year's first days is a thousandth of 1.84万户 and honest; so is
    3万 of fees. A figure under a thousandth of what is due by its day is not."""
    root = write_workspace({"flows.toml": FLOWS})
    for kr, value in (("F.ACCOUNTS", "12"), ("F.FEES", "3"), ("F.COST", "0.01")):
        said = _said(run(root, "checkin", kr, value, "--date", "2026-01-05", "--lang", "en"))
        assert "another unit" not in said, said
    said = _said(run(root, "checkin", "F.FEES", "0.01", "--date", "2026-01-10", "--lang", "en"))
    assert said.endswith(
        "CNY 100 is under a thousandth of the target of CNY 22.5m, most likely typed in "
        "another unit: if CNY 1m was meant, withdraw it (okrdesk checkin --withdraw 4 "
        "--reason TEXT) and check in 100."
    ), said
    said = _said(run(root, "checkin", "F.ACCOUNTS", "2", "--date", "2026-11-20", "--lang", "zh"))
    assert said.endswith(
        "2户 不到目标 18,400户 的千分之一，多半是单位写错了：如果本意是 20,000户，请撤回"
        "（okrdesk checkin --withdraw 5 --reason 理由），再以 20000 打卡。"
    ), said
