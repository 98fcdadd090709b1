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
from sample_workspace import OKRS, WriteWorkspace, trusted

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


def report(root: Path, unit: str, lang: str, as_of: str = AS_OF) -> dict[str, Any]:
    done = run(root, "report", "--as-of", as_of, "--unit", unit, "--format", "json",
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


# 王芳 (cm01) loses 1,000万 of net assets a week, 李强 (cm02) brings 1,000万: the team's
# 2亿 is 李强's alone, and 王芳, given 0 of it, falls short of her 0 from the first week.
NET_FLOWS = """
[[objectives]]
id = "T2"
title = "财富管理一部资产"
owner = "team-a"

[[objectives.key_results]]
id = "NNA"
title = "客户资产净增 2亿元"
metric = "net_new_aum"
target = 2
unit = "亿元"

[objectives.key_results.members]
cm01 = 0
cm02 = 2
"""

NET_PLUGIN = """\
from okrdesk.model import MetricKind, MetricSpec
from okrdesk.plugins import hookimpl
from okrdesk.units import UNITS


@hookimpl
def okrdesk_metrics(register):
    register(MetricSpec("net_new_aum", "Net new AUM", "净新增资产", MetricKind.FLOW,
                        UNITS["元"]))


@hookimpl
def okrdesk_collect(request, emit):
    if not any(spec.name == "net_new_aum" for spec in request.metrics):
        return
    for period in request.periods:
        emit("net_new_aum", "cm01", period.id, value=-10_000_000, source="flows")
        emit("net_new_aum", "cm02", period.id, value=10_000_000, source="flows")
"""


def test_a_share_of_nothing_fallen_short_of_is_behind_everywhere(
    write_workspace: WriteWorkspace,
) -> None:
    root = write_workspace({"okrs.toml": OKRS + NET_FLOWS})
    (root / "plugins" / "net.py").write_text(NET_PLUGIN, encoding="utf-8")
    trusted(root)
    assert run(root, "collect", "--through", "2026-03-08").exit_code == 0
    for lang in ("zh", "en"):
        (own,) = rows(report(root, "cm01", lang, "2026-03-08"), "T2.NNA")
        assert (own["actual"], own["target"]) == (-100_000_000, 0), own
        assert (own["status"], own["attainment"]) == ("off_track", 0.0), own
        (team,) = rows(report(root, "team-a", lang, "2026-03-08"), "T2.NNA")
        assert (team["members_met"], team["members_on_pace"], team["members_total"]) == (
            0, 1, 2,
        ), team  # fmt: skip
    zh = run(root, "report", "--as-of", "2026-03-08", "--unit", "cm01", "--lang", "zh").stdout
    (line,) = [line for line in zh.splitlines() if line.startswith("│ T2.NNA")]
    assert "落后" in line and "正常" not in line, zh
    # A target of none is written as a branch writes it: 0元, not 0亿 (nor is its due).
    assert [cell.strip() for cell in line.split("│")][2:4] == ["-1亿", "0元"], line
    assert "0亿" not in zh, zh
    en = run(root, "report", "--as-of", "2026-03-08", "--unit", "cm01", "--lang", "en").stdout
    (line,) = [line for line in en.splitlines() if line.startswith("│ T2.NNA")]
    assert "off track" in line and "on track" not in line, en
    # The English text report writes the yuan as ¥ (explain, below, as CNY).
    assert [cell.strip() for cell in line.split("│")][2:4] == ["-¥100m", "¥0"], line
    assert "¥0m" not in en and "CNY 0m" not in en, en
    team_zh = run(root, "report", "--as-of", "2026-03-08", "--unit", "team-a", "--lang",
                  "zh").stdout  # fmt: skip
    assert "成员达标 0/2（0.0%），进度正常 1/2，落后 1" in team_zh, team_zh
    # check names her share behind, below where it started, at the team and on her own.
    check = run(root, "check", "--as-of", "2026-03-08", "--lang", "zh").stdout
    assert "T2.NNA 客户资产净增 2亿元：王芳的分解目标落后，低于起点（基线）" in check, check
    check = run(root, "check", "--as-of", "2026-03-08", "--lang", "en").stdout
    assert "T2.NNA 客户资产净增 2亿元: 王芳's share off track, below where it started" in check
    own_check = run(root, "check", "--as-of", "2026-03-08", "--unit", "cm01", "--lang",
                    "en").stdout  # fmt: skip
    assert "T2.NNA 客户资产净增 2亿元: off track, below where it started" in own_check
    # explain says why, with nothing due.
    said = run(root, "explain", "T2.NNA", "--person", "cm01", "--as-of", "2026-03-08",
               "--lang", "zh").stdout  # fmt: skip
    assert "落后：-1亿 不及目标 0元；此目标不高于起点，没有要按进度完成的部分，不及即为落后" in (
        "".join(line.strip() for line in said.splitlines())
    ), said
    said = run(root, "explain", "T2.NNA", "--person", "cm01", "--as-of", "2026-03-08",
               "--lang", "en").stdout  # fmt: skip
    assert (
        "off track: -CNY 100m is short of its target of CNY 0, which asks nothing beyond "
        "where it started: any shortfall is behind, from the first day"
    ) in " ".join(line.strip() for line in said.splitlines()), said
