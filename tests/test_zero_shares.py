"""A member given a share of 0 of a goal (a team with no new clients asked of it) that
has reached it reads met, on its own line and in its unit's count of members that met
theirs alike: the report, check, explain and the JSON agree (a real workspace, collect
and commands)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from okrdesk.cli import cli
from sample_workspace import OKRS, WriteWorkspace

# 王芳 (cm01) brings one new client a week, 李强 (cm02) two; 王芳 is given none of the
# team's 80: her share of 0 is reached from the first week.
ZERO_SHARE = """
[[objectives]]
id = "T1"
title = "财富管理一部"
owner = "team-a"

[[objectives.key_results]]
id = "HNW"
title = "团队新增高净值客户"
metric = "new_hnw_clients"
unit = "户"

[objectives.key_results.members]
cm01 = 0
cm02 = 80
"""

AS_OF = "2026-06-17"


def run(root: Path, *args: str) -> Result:
    done = CliRunner().invoke(cli, [*args, "-w", str(root)])
    assert done.exit_code in (0, 1), done.output
    return done


def workspace(write_workspace: WriteWorkspace) -> Path:
    root = write_workspace({"okrs.toml": OKRS + ZERO_SHARE})
    assert run(root, "collect", "--through", AS_OF).exit_code == 0
    return root


def report(root: Path, unit: str, lang: str) -> dict[str, Any]:
    done = run(root, "report", "--as-of", AS_OF, "--unit", unit, "--format", "json",
               "--lang", lang)  # fmt: skip
    document: dict[str, Any] = json.loads(done.stdout)
    return document


def rows(document: dict[str, Any], kr: str) -> list[dict[str, Any]]:
    return [r for o in document["objectives"] for r in o["key_results"] if r["id"] == kr]


def test_a_share_of_nothing_reached_is_met_where_it_is_counted_met(
    write_workspace: WriteWorkspace,
) -> None:
    root = workspace(write_workspace)
    for lang in ("zh", "en"):
        (own,) = rows(report(root, "cm01", lang), "T1.HNW")
        assert (own["target"], own["status"], own["attainment"]) == (0, "met", 1.0), own
        (team,) = rows(report(root, "team-a", lang), "T1.HNW")
        assert (team["members_met"], team["members_total"]) == (1, 2), team
    zh = run(root, "report", "--as-of", AS_OF, "--unit", "cm01", "--lang", "zh").stdout
    (line,) = [line for line in zh.splitlines() if line.startswith("│ T1.HNW")]
    assert "达标" in line and "正常" not in line, zh
    en = run(root, "report", "--as-of", AS_OF, "--unit", "cm01", "--lang", "en").stdout
    (line,) = [line for line in en.splitlines() if line.startswith("│ T1.HNW")]
    assert " met " in line and "on track" not in line, en
    team_zh = run(root, "report", "--as-of", AS_OF, "--unit", "team-a", "--lang", "zh").stdout
    assert "成员达标 1/2（50.0%）" in team_zh, team_zh
    team_en = run(root, "report", "--as-of", AS_OF, "--unit", "team-a", "--lang", "en").stdout
    assert "1 of 2 members met their target (50.0%)" in team_en, team_en
    # Nothing of it needs attention: check names no share of T1.HNW.
    for lang in ("zh", "en"):
        check = run(root, "check", "--as-of", AS_OF, "--lang", lang)
        assert "T1.HNW" not in check.stdout, check.stdout
    # explain gives her share and the attainment the report gives it.
    explained = run(root, "explain", "T1.HNW", "--person", "cm01", "--as-of", AS_OF,
                    "--lang", "zh").stdout  # fmt: skip
    assert "分解目标 0户（T1.HNW 的目标为 80户），完成率 100.0%" in explained, explained
    explained = run(root, "explain", "T1.HNW", "--person", "cm01", "--as-of", AS_OF,
                    "--lang", "en").stdout  # fmt: skip
    assert "100.0% attained" in explained, explained
