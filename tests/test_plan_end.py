"""The plan's last day: every goal is due in full, and nothing is left to pace. From the
end of that day (and in any report after it, which is one on that day) a goal reads met
or missed with its margin, as a checkpoint does after its date; never on track or at
risk with a target it did not reach (a real workspace, collect and commands)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from okrdesk.cli import cli
from sample_workspace import OKRS, WriteWorkspace

TEAM = (
    OKRS
    + """
[[objectives]]
id = "T1"
title = "财富管理一部"
owner = "team-a"

[[objectives.key_results]]
id = "HNW"
title = "团队新增高净值客户"
metric = "new_hnw_clients"
target = 220
unit = "户"

[objectives.key_results.members]
cm01 = 100
cm02 = 120
"""
)

pytestmark = pytest.mark.usefixtures("plans_over")  # collects through 2026-12-31


def run(root: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, [*args, "-w", str(root)])


@pytest.fixture
def workspace(write_workspace: WriteWorkspace) -> Path:
    root = write_workspace({"okrs.toml": TEAM})
    assert run(root, "collect", "--through", "2026-12-31").exit_code == 0
    return root


def reported(root: Path, day: str) -> dict[str, object]:
    done = run(root, "report", "--as-of", day, "--format", "json")
    assert done.exit_code == 0, done.output
    return json.loads(done.stdout)


def key_result(document: dict[str, object], kr_id: str) -> dict[str, object]:
    objectives = document["objectives"]
    assert isinstance(objectives, list)
    return next(k for o in objectives for k in o["key_results"] if k["id"] == kr_id)


def test_a_goal_short_of_its_target_at_the_plan_end_is_missed(workspace: Path) -> None:
    # 3 new HNW clients a week, 159 in the plan's 53 weeks, of 360.
    the_day_before = key_result(reported(workspace, "2026-12-30"), "O1.KR1")
    assert the_day_before["status"] == "off_track"
    for day in ("2026-12-31", "2027-01-05"):
        document = reported(workspace, day)
        assert document["as_of"] == "2026-12-31"
        final = key_result(document, "O1.KR1")
        assert (final["actual"], final["target"]) == (159, 360)
        assert (final["status"], final["margin"]) == ("missed", -201)
        assert final["closed"] is None  # no checkpoint: its figures are the plan's own
        said = [a["message"] for a in document["alerts"] if "O1.KR1" in a["message"]]
        assert said == ["O1.KR1 新增高净值客户：2026-12-31 截止未达成，差 201户"]
    # A guardrail is judged as ever, by its limit: 0.5‰ of complaints breaches ≤ 0.15‰.
    for day in ("2026-12-30", "2026-12-31"):
        assert key_result(reported(workspace, day), "O1.KR2")["status"] == "breached"
    text = run(workspace, "report", "--as-of", "2027-01-05", "--lang", "en").output
    assert "O1.KR1 新增高净值客户: missed 2026-12-31 by 201 accts" in text


def test_a_report_asked_for_after_the_plan_says_the_plan_has_ended(workspace: Path) -> None:
    # The report of 5 January is the one of 31 December: on that day itself the phase is
    # in its last day; asked for after it, the plan has ended, in every format.
    on_the_day = reported(workspace, "2026-12-31")
    after = reported(workspace, "2027-01-05")
    assert (on_the_day["plan_ended"], after["plan_ended"]) == (False, True)
    assert (
        "阶段 Q4 收官：2026-10-01 – 2026-12-31，最后一天"
        in run(workspace, "report", "--as-of", "2026-12-31").output
    )
    ended = [("zh", "阶段 Q4 收官：2026-10-01 – 2026-12-31，计划已结束"),
             ("en", "Phase Q4 收官: 2026-10-01 – 2026-12-31, the plan has ended")]  # fmt: skip
    for lang, said in ended:
        text = run(workspace, "report", "--as-of", "2027-01-05", "--lang", lang).output
        assert said in text, text
    markdown = run(workspace, "report", "--as-of", "2027-01-05", "--format", "md").output
    assert "· 阶段 Q4 收官，计划已结束 ·" in markdown


def test_a_members_share_missed_at_the_plan_end_is_told_as_missed(workspace: Path) -> None:
    # 王芳 brings 1 a week (53 of her 100), 李强 2 (106 of his 120): on 30 December
    # she is off track, he at risk; at the end of the plan both fell short.
    def said(day: str) -> list[str]:
        done = run(workspace, "report", "--as-of", day, "--unit", "team-a", "--format", "json")
        assert done.exit_code == 0, done.output
        alerts = json.loads(done.stdout)["alerts"]
        return [a["message"] for a in alerts if a["kind"] in ("member_off_track", "missed")]

    behind = "T1.HNW 团队新增高净值客户：王芳的分解目标落后，仅达应完成进度的 52.6%"
    assert said("2026-12-30") == [behind]
    assert said("2026-12-31") == [
        "T1.HNW 团队新增高净值客户：2026-12-31 截止未达成，差 61户",
        "T1.HNW 团队新增高净值客户：2 个分解目标 2026-12-31 截止未达成，"
        "差得最多的是 王芳（差 47户）、李强（差 14户）",
    ]

    # The ranking counts a share that closed short against its holder, as it counted
    # it while it was off track.
    def flagged(day: str) -> dict[str, int]:
        members = reported(workspace, day)["members"]
        assert isinstance(members, list)
        return {m["id"]: m["off_track"] for m in members if m["kind"] == "person"}

    assert flagged("2026-12-30") == {"cm01": 1, "cm02": 0}
    assert flagged("2026-12-31") == {"cm01": 1, "cm02": 1}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_share_short_by_the_most_is_named_first(
    write_workspace: WriteWorkspace, lang: str
) -> None:
    """王芳 53 of her 100 (47 short, 53%), 李强 106 of his 170 (64 short, 62%): the line
    said "差得最多的是 王芳（差 47户）、李强（差 64户）", the larger shortfall after the
    smaller under words that say "most" (it ordered by the share of each one's target).
    By the shortfall it names, as a manager reads it: 64 of the team's 111 are his."""
    team = TEAM.replace("target = 220", "target = 270").replace("cm02 = 120", "cm02 = 170")
    root = write_workspace({"okrs.toml": team})
    assert run(root, "collect", "--through", "2026-12-31").exit_code == 0
    done = run(root, "check", "--as-of", "2026-12-31", "--unit", "team-a", "--lang", lang)
    said = {
        "zh": "2 个分解目标 2026-12-31 截止未达成，差得最多的是 李强（差 64户）、王芳（差 47户）",
        "en": "2 shares missed 2026-12-31, the furthest short 李强 (64 accts short), "
        "王芳 (47 accts short)",
    }
    assert said[lang] in " ".join(done.stdout.split()), done.stdout
