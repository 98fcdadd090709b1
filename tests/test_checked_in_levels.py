"""An amount checked in that is a level, not a running total (人均管理客户资产), says so
with ``level = true``: its members' check-ins and targets do not add up to its team's,
each member starts from the baseline written, and past its target before its close it is
ahead, not met. validate refuses it beside a metric and asks of a title reading as an
average checked in without it (a real workspace, check-ins and commands)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from okrdesk.cli import cli
from sample_workspace import OKRS, WriteWorkspace


def per_head(level: str) -> str:
    return f"""
[[objectives]]
id = "T3"
title = "财富管理一部产能"
owner = "team-a"

[[objectives.key_results]]
id = "AUMPER"
title = "人均管理客户资产 ≥ 5.5亿元"
baseline = 4.6
unit = "亿元"
{level}

[objectives.key_results.members]
cm01 = 5.5
cm02 = 5.5
"""


def run(root: Path, *args: str) -> Result:
    done = CliRunner().invoke(cli, [*args, "-w", str(root)])
    assert done.exit_code in (0, 1), done.output
    return done


def row(root: Path, unit: str, lang: str) -> dict[str, Any]:
    done = run(root, "report", "--as-of", "2026-06-05", "--unit", unit, "--format", "json",
               "--lang", lang)  # fmt: skip
    document = json.loads(done.stdout)
    (found,) = [r for o in document["objectives"] for r in o["key_results"]
                if r["id"] == "T3.AUMPER"]  # fmt: skip
    return found  # type: ignore[no-any-return]


def test_a_level_checked_in_is_no_sum_of_its_members_and_reads_ahead_past_its_target(
    write_workspace: WriteWorkspace,
) -> None:
    root = write_workspace({"okrs.toml": OKRS + per_head("level = true")})
    for who, value in (("--person", "cm01"), ("--person", "cm02")):
        figure = "5.6" if value == "cm01" else "5.2"
        checked = run(root, "checkin", "T3.AUMPER", figure, who, value, "--date", "2026-05-31",
                      "--by", "陈建国")  # fmt: skip
        assert checked.exit_code == 0, checked.output
    for lang in ("zh", "en"):
        # The team has no check-in of its own: no figure, not its members' 10.8亿; its
        # target is their 5.5亿 each, not 11亿.
        team = row(root, "team-a", lang)
        assert (team["actual"], team["target"], team["status"]) == (None, 550_000_000, "no_data")
        # 王芳's 5.6亿 is past her 5.5亿 from the baseline of 4.6亿, and can fall back.
        own = row(root, "cm01", lang)
        assert (own["status"], round(own["attainment"], 4)) == ("ahead", 1.1111), own
    assert run(root, "checkin", "T3.AUMPER", "5.4", "--unit", "team-a", "--date", "2026-05-31",
               "--by", "陈建国").exit_code == 0  # fmt: skip
    team = row(root, "team-a", "zh")
    assert (team["actual"], team["members_met"], team["members_on_pace"]) == (540_000_000, 0, 2)
    zh = run(root, "report", "--as-of", "2026-06-05", "--unit", "team-a", "--lang", "zh").stdout
    (line,) = [line for line in zh.splitlines() if line.startswith("│ T3.AUMPER")]
    assert "5.4亿" in line and "5.5亿" in line and "10.8亿" not in line, zh
    assert "成员达标 0/2（0.0%），进度正常 2/2" in zh, zh
    own = run(root, "report", "--as-of", "2026-06-05", "--unit", "cm01", "--lang", "en").stdout
    (line,) = [line for line in own.splitlines() if line.startswith("│ T3.AUMPER")]
    assert " ahead " in line and " met " not in line, own
    said = run(root, "explain", "T3.AUMPER", "--person", "cm01", "--as-of", "2026-06-05",
               "--lang", "zh").stdout  # fmt: skip
    assert "领先，尚未达标：5.6亿 已达到目标 5.5亿" in said, said
    said = run(root, "explain", "T3.AUMPER", "--unit", "team-a", "--as-of", "2026-06-05",
               "--lang", "en").stdout  # fmt: skip
    assert "= CNY 540m" in said, said


def test_validate_asks_of_an_average_and_refuses_level_beside_a_metric(
    write_workspace: WriteWorkspace,
) -> None:
    root = write_workspace({"okrs.toml": OKRS + per_head("")})
    done = run(root, "validate", "--lang", "zh")
    assert done.exit_code == 0, done.output
    assert (
        "警告：targets/okrs.toml:29: objectives[T3].key_results[AUMPER].title: 看起来是平均数"
        "（“人均”），但按可相加的金额或数量打卡"
    ) in done.output, done.output
    done = run(root, "validate", "--lang", "en")
    assert 'objectives[T3].key_results[AUMPER].title: reads as an average ("人均")' in done.output
    assert "If it is a level, write level = true" in done.output, done.output
    # Said either way, nothing is asked.
    root = write_workspace({"okrs.toml": OKRS + per_head("level = false")})
    assert "平均数" not in run(root, "validate", "--lang", "zh").output
    # Beside a metric, the metric's kind decides: refused at the key, in both languages.
    with_metric = OKRS.replace('unit = "户"\nmilestones', 'unit = "户"\nlevel = true\nmilestones')
    root = write_workspace({"okrs.toml": with_metric})
    done = CliRunner().invoke(cli, ["validate", "-w", str(root), "--lang", "en"])
    assert done.exit_code == 2, done.output
    assert (
        "targets/okrs.toml:12: objectives[O1].key_results[KR1].level: is for key results "
        "tracked by check-ins; this one has a metric (new_hnw_clients)"
    ) in done.output, done.output
    done = CliRunner().invoke(cli, ["validate", "-w", str(root), "--lang", "zh"])
    assert "objectives[O1].key_results[KR1].level: 只用于靠打卡跟踪的关键结果" in done.output
