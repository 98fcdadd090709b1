"""A unit's key result tracked by check-ins, with none of its own, reads its members'
sum: its trend (the JSON's points, the sparkline, the forecast drawn from them) is that
sum on each day one of them checked in, as its figure is, not the unit's own check-ins,
of which it has none. Once the unit checks in for itself, its own counts from that day,
in the figure and the trend alike (a real workspace, check-ins and commands)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from okrdesk.cli import cli
from sample_workspace import OKRS, WriteWorkspace
from test_dimensions import ORG as TWO_TEAMS  # team-a: cm01, cm02; team-b: cm03

TRUSTS_CHECKED_IN = """
[[objectives]]
id = "T4"
title = "财富管理一部家族信托"
owner = "team-a"

[[objectives.key_results]]
id = "TRUST"
title = "家族信托签约 30 单"
target = 30
unit = "单"
"""
"""A team's key result it checks in, set no members' shares."""

TRUSTS = (
    TRUSTS_CHECKED_IN
    + """
[objectives.key_results.members]
cm01 = 15
cm02 = 15
"""
)

# 王芳's and 李强's deals to date, as each checked them in: the team's sum is 3 on
# 31 January, 6 on 28 February, 9 on 15 March and 12 on 31 March.
CHECKINS = (
    ("cm01", "2026-01-31", "2"),
    ("cm02", "2026-01-31", "1"),
    ("cm01", "2026-02-28", "5"),
    ("cm02", "2026-03-15", "4"),
    ("cm01", "2026-03-31", "8"),
)


def run(root: Path, *args: str) -> Result:
    done = CliRunner().invoke(cli, [*args, "-w", str(root)])
    assert done.exit_code in (0, 1), done.output
    return done


def team_row(root: Path, as_of: str, lang: str) -> dict[str, Any]:
    done = run(root, "report", "--as-of", as_of, "--unit", "team-a", "--format", "json",
               "--lang", lang)  # fmt: skip
    (found,) = [r for o in json.loads(done.stdout)["objectives"] for r in o["key_results"]
                if r["id"] == "T4.TRUST"]  # fmt: skip
    return found  # type: ignore[no-any-return]


def test_a_units_trend_of_check_ins_is_the_sum_its_figure_is(
    write_workspace: WriteWorkspace,
) -> None:
    root = write_workspace({"okrs.toml": OKRS + TRUSTS})
    for person, day, value in CHECKINS:
        done = run(root, "checkin", "T4.TRUST", value, "--person", person, "--date", day,
                   "--by", "陈建国")  # fmt: skip
        assert done.exit_code == 0, done.output
    for lang in ("zh", "en"):
        row = team_row(root, "2026-04-05", lang)
        assert row["actual"] == 12, row
        assert [(p["date"], p["value"]) for p in row["trend"]] == [
            ("2026-01-31", 3), ("2026-02-28", 6), ("2026-03-15", 9), ("2026-03-31", 12),
        ], row  # fmt: skip
        # Drawn from the sum, 9 more in the two months since 31 January, its forecast
        # runs on at about that pace to the year's end.
        assert 50 <= row["forecast"] <= 60, row
    text = CliRunner().invoke(cli, ["report", "--as-of", "2026-04-05", "--unit", "team-a",
                                    "-w", str(root)], env={"COLUMNS": "250"}).stdout  # fmt: skip
    (line,) = [line for line in text.splitlines() if line.startswith("│ T4.TRUST")]
    assert "▁▃▆█" in line, text
    # 王芳's own trend is her own check-ins still.
    done = run(root, "report", "--as-of", "2026-04-05", "--unit", "cm01", "--format", "json")
    (own,) = [r for o in json.loads(done.stdout)["objectives"] for r in o["key_results"]
              if r["id"] == "T4.TRUST"]  # fmt: skip
    assert [p["value"] for p in own["trend"]] == [2, 5, 8], own
    # The team checks in for itself: from that day its own figure is the one it reads.
    done = run(root, "checkin", "T4.TRUST", "10", "--unit", "team-a", "--date", "2026-04-10",
               "--by", "陈建国")  # fmt: skip
    assert done.exit_code == 0, done.output
    # 李强's check-in after it counts in no figure of the team's, nor in its trend.
    done = run(root, "checkin", "T4.TRUST", "6", "--person", "cm02", "--date", "2026-04-12",
               "--by", "陈建国")  # fmt: skip
    assert done.exit_code == 0, done.output
    row = team_row(root, "2026-04-15", "zh")
    assert row["actual"] == 10, row
    assert [(p["date"], p["value"]) for p in row["trend"]][-2:] == [
        ("2026-03-31", 12), ("2026-04-10", 10),
    ], row  # fmt: skip
    assert len(row["trend"]) == 5, row


BRANCH_CHECKED_IN = """
[[objectives]]
id = "B1"
title = "营业部家族信托"
owner = "branch"

[[objectives.key_results]]
id = "TRUST"
title = "家族信托签约 40 单"
target = 40
unit = "单"
"""


def test_a_unit_with_its_own_check_in_stands_for_its_members_in_the_trend_above_it(
    write_workspace: WriteWorkspace,
) -> None:
    """The branch's figure adds up its teams'; a team that checked in for itself reads its
    own, and a member's check-in after it moves neither the branch's figure nor its trend,
    on that day or on a later one another team moves it."""
    root = write_workspace({"org.toml": TWO_TEAMS, "okrs.toml": OKRS + BRANCH_CHECKED_IN})
    for subject, day, value in [
        ("cm01", "2026-01-31", "2"), ("cm03", "2026-01-31", "1"), ("team-a", "2026-02-10", "10"),
        ("cm02", "2026-02-12", "6"), ("cm03", "2026-02-20", "4"),
    ]:  # fmt: skip
        flag = "--unit" if subject.startswith("team") else "--person"
        done = run(root, "checkin", "B1.TRUST", value, flag, subject, "--date", day,
                   "--by", "陈建国")  # fmt: skip
        assert done.exit_code == 0, done.output
    done = run(root, "report", "--as-of", "2026-03-01", "--unit", "branch", "--format", "json")
    (row,) = [r for o in json.loads(done.stdout)["objectives"] for r in o["key_results"]
              if r["id"] == "B1.TRUST"]  # fmt: skip
    assert row["actual"] == 14, row  # team-a's own 10 and cm03's 4, not 李强's 6
    assert [(p["date"], p["value"]) for p in row["trend"]] == [
        ("2026-01-31", 3), ("2026-02-10", 11), ("2026-02-20", 14),
    ], row  # fmt: skip
