"""Members' own baselines (``member_baselines``): a team that started the year lower
than its share of the key result's baseline is judged on its own way."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from okrdesk.cli import cli
from sample_workspace import WriteWorkspace

ASSETS = """\
[[objectives]]
id = "O9"
title = "客户资产"
owner = "branch"

[[objectives.key_results]]
id = "AUM"
title = "管理客户资产"
target = 15
baseline = 10
unit = "亿元"
cadence = "month"
{direction}
  [objectives.key_results.members]
  cm01 = 6
  cm02 = 9

  [objectives.key_results.member_baselines]
{baselines}
"""


def assets(baselines: str, direction: str = "") -> dict[str, str | None]:
    okrs = ASSETS.format(baselines=baselines, direction=direction)
    if direction:  # a figure to bring down from 20 to 15
        okrs = okrs.replace("baseline = 10", "baseline = 20")
    return {"okrs.toml": okrs, "budget.toml": None}


def run(root: Path, *args: str) -> tuple[int, str]:
    done = CliRunner().invoke(cli, [*args, "-w", str(root)])
    return done.exit_code, done.output


def attained(root: Path, person: str) -> float:
    code, shown = run(root, "report", "--unit", person, "--as-of", "2026-06-30",
                      "--format", "json")  # fmt: skip
    assert code == 0, shown
    (kr,) = [kr for o in json.loads(shown)["objectives"] for kr in o["key_results"]]
    return float(kr["attainment"])


def test_a_member_is_judged_from_its_own_baseline(write_workspace: WriteWorkspace) -> None:
    # cm01 held 2亿 at the start and holds 4亿: half its way to 6亿. By a share of the key
    # result's baseline (10亿 × 6 ÷ 15 = 4亿) it read as not started. cm02, left out of the
    # table, starts from its share: 10亿 × 9 ÷ 15 = 6亿, and at 9亿 has come all the way.
    root = write_workspace(assets("  cm01 = 2"))
    assert run(root, "validate")[0] == 0
    for person, value in [("cm01", "4"), ("cm02", "9")]:
        code, said = run(root, "checkin", "O9.AUM", value, "--person", person,
                         "--date", "2026-06-30", "--by", "王芳")  # fmt: skip
        assert code == 0, said
    assert attained(root, "cm01") == pytest.approx(0.5)
    assert attained(root, "cm02") == pytest.approx(1.0)
    code, shown = run(root, "explain", "O9.AUM", "--person", "cm01", "--as-of", "2026-06-30",
                      "--lang", "en")  # fmt: skip
    assert code == 0, shown
    assert "attained 50.0% = (CNY 400m − CNY 200m) ÷ (CNY 600m − CNY 200m)" in shown
    # Without the table, cm01 reads as the share rule has it.
    root = write_workspace(assets(""), root=root)
    assert attained(root, "cm01") == 0.0


@pytest.mark.parametrize(
    ("baselines", "direction", "problem"),
    [
        ("  cm03 = 2", "", "member_baselines.cm03: cm03 has no target in "
         "[objectives.key_results.members]"),
        ("  cm02 = 9", "", "member_baselines.cm02: is 9, not below cm02's target 9: there "
         "is no way to go"),
        ("  cm01 = 5", 'direction = "at_most"', "member_baselines.cm01: is 5, not above "
         "cm01's target 6"),
        ('  cm01 = "两亿"', "", "member_baselines.cm01: expected a number, got a string "
         "('两亿') (the member's baseline)"),
    ],
)  # fmt: skip
def test_a_members_baseline_that_cannot_be_is_named_at_its_line(
    write_workspace: WriteWorkspace, baselines: str, direction: str, problem: str
) -> None:
    root = write_workspace(assets(baselines, direction))
    code, shown = run(root, "validate", "--lang", "en")
    assert code == 2, shown
    assert f"targets/okrs.toml:19: objectives[O9].key_results[AUM].{problem}" in shown


def test_a_split_that_would_strand_a_baseline_is_refused(
    write_workspace: WriteWorkspace,
) -> None:
    # The branch's target split onto its team, not its people: cm01's baseline would be
    # a member's without a target. The file stays as it was.
    root = write_workspace(assets("  cm01 = 2"))
    before = (root / "targets" / "okrs.toml").read_bytes()
    code, shown = run(root, "split", "O9.AUM", "--unit", "branch", "--replace", "--lang", "en")
    assert code == 1, shown
    assert "member_baselines.cm01: cm01 has no target" in shown
    assert (root / "targets" / "okrs.toml").read_bytes() == before
