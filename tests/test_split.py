"""okrdesk split: shares that add up, written back without disturbing the file."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from okrdesk.app.session import open_session
from okrdesk.cli import cli
from okrdesk.engine.shares import shares
from sample_workspace import ORG, WriteWorkspace

COMMENTED = """\
# 2026 branch objectives. Reviewed by 王经理 on 2026-01-05.

[[objectives]]
id = "O1"   # direct AUM
title = "直营 AUM 净增"
owner = "branch"

  # KR1: the HNW drive. Keep the milestones as agreed in the January review.
  [[objectives.key_results]]
  id = "KR1"
  title = "新增高净值客户"
  metric = "new_hnw_clients"
  target = 100        # 户
  unit = "户"
  milestones = { Q2 = 0.45, Q3 = 0.70, Q4 = 1.0 }

  # KR2 is a guardrail.
  [[objectives.key_results]]
  id = "KR2"
  title = "投诉率"
  metric = "complaint_rate"
  direction = "at_most"
  target = 0.15
  unit = "‰"

# end of file
"""

THREE_TEAMS = (
    ORG
    + """
[[units]]
id = "team-b"
name = "财富管理二部"
level = "team"
parent = "branch"

[[units]]
id = "team-c"
name = "机构业务部"
level = "team"
parent = "branch"
"""
)


def run(root: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, [*args, "-w", str(root)])


def test_split_round_trips_a_commented_file(write_workspace: WriteWorkspace) -> None:
    root = write_workspace({"okrs.toml": COMMENTED, "org.toml": THREE_TEAMS})
    result = run(root, "split", "O1.KR1", "--unit", "branch")
    assert result.exit_code == 0, result.output
    # 100 over three teams in whole clients: 34 + 33 + 33, largest remainder first.
    assert "  team-a  34 户" in result.output and "  total   100 户" in result.output
    after = (root / "targets" / "okrs.toml").read_text(encoding="utf-8")
    added = [
        line[1:]
        for line in difflib.ndiff(COMMENTED.splitlines(), after.splitlines())
        if line.startswith(("+ ", "- "))
    ]
    # The new table sits right under KR1's keys, indented like them; KR2's
    # comment stays right above KR2.
    assert added == [
        "   [objectives.key_results.members]",
        "   team-a = 34",
        "   team-b = 33",
        "   team-c = 33",
        " ",
    ]
    assert "  team-c = 33\n\n  # KR2 is a guardrail.\n  [[objectives.key_results]]" in after
    assert run(root, "validate").exit_code == 0


def test_split_again_replaces_the_shares_in_place(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    root = write_workspace({"okrs.toml": COMMENTED, "org.toml": THREE_TEAMS})
    run(root, "split", "O1.KR1", "--unit", "branch")
    weights = tmp_path / "weights.toml"
    weights.write_text("team-a = 2\nteam-b = 1\nteam-c = 1\n", encoding="utf-8")
    result = run(
        root, "split", "O1.KR1", "--unit", "branch", "--by", "weight", "--weights", str(weights)
    )
    assert result.exit_code == 0, result.output
    text = (root / "targets" / "okrs.toml").read_text(encoding="utf-8")
    assert text.count("[objectives.key_results.members]") == 1
    assert "  team-a = 50\n  team-b = 25\n  team-c = 25\n\n  # KR2 is a guardrail." in text
    plan = open_session(root).plan
    assert dict(plan.key_results_by_id["O1.KR1"].member_targets) == {
        "team-a": 50, "team-b": 25, "team-c": 25,
    }  # fmt: skip


def test_split_over_months_writes_a_calendar_following_the_milestones(
    write_workspace: WriteWorkspace,
) -> None:
    root = write_workspace({"okrs.toml": COMMENTED})
    result = run(root, "split", "O1.KR1", "--unit", "branch", "--over", "months")
    assert result.exit_code == 0, result.output
    plan = open_session(root).plan
    calendar = {p.period: float(p.fraction) for p in plan.key_results_by_id["O1.KR1"].calendar}
    assert len(calendar) == 12
    assert calendar["2026-06"] == pytest.approx(0.45)
    assert calendar["2026-09"] == pytest.approx(0.70)
    assert calendar["2026-12"] == 1.0
    # August ends on day 243: 0.45 + 0.25 × (243 − 181) / 92 = 0.6185
    assert calendar["2026-08"] == pytest.approx(0.6185)


def test_dry_run_changes_nothing(write_workspace: WriteWorkspace) -> None:
    root = write_workspace({"okrs.toml": COMMENTED})
    before = (root / "targets" / "okrs.toml").read_bytes()
    result = run(root, "split", "O1.KR1", "--unit", "branch", "--over", "weeks", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Dry run: targets/okrs.toml was not changed." in result.output
    assert (root / "targets" / "okrs.toml").read_bytes() == before


def test_a_rate_gives_every_member_the_same_target(write_workspace: WriteWorkspace) -> None:
    root = write_workspace({"okrs.toml": COMMENTED})
    result = run(root, "split", "O1.KR2", "--unit", "branch")
    assert result.exit_code == 0, result.output
    assert "team-a = 0.15" in (root / "targets" / "okrs.toml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["O1.KR1", "--unit", "team-a"], "belongs to branch, not team-a"),
        (["O1.KR1", "--unit", "branch", "--by", "weight"], "--by weight needs it"),
        (["O1.KR9", "--unit", "branch"], 'no key result "O1.KR9"'),
        (["O1.KR1", "--unit", "branch", "--by", "last-period"], "no numbers yet"),
    ],
)
def test_split_refuses_what_it_cannot_do(
    write_workspace: WriteWorkspace, args: list[str], message: str
) -> None:
    root = write_workspace({"okrs.toml": COMMENTED})
    before = (root / "targets" / "okrs.toml").read_bytes()
    result = run(root, "split", *args)
    assert result.exit_code == 2
    assert message in result.output
    assert (root / "targets" / "okrs.toml").read_bytes() == before


def test_shares_add_up_exactly() -> None:
    from decimal import Decimal

    parts = shares(Decimal("899"), {"a": 1, "b": 1, "c": 1}, Decimal("0.01"))
    assert sum(parts.values()) == Decimal("899")
    assert sorted(parts.values()) == [Decimal("299.66"), Decimal("299.67"), Decimal("299.67")]
