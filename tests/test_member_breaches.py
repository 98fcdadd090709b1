"""A member's share of a guardrail past its limit is told at the unit that set it, even
when the unit's own figure keeps within its limit: a firm whose complaint rate is fine
overall still hears which branch's is not (a real workspace, collect and commands)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from okrdesk.cli import cli
from okrdesk.messages import display_width
from sample_workspace import OKRS, WriteWorkspace

# 王芳 has no complaints (0‰), 李强 one in a thousand (1‰): the team's 0.5‰ keeps within
# its 0.8‰, and so does 王芳's share; 李强's is past its 0.8‰.
GUARDRAIL = """
[[objectives]]
id = "T1"
title = "财富管理一部"
owner = "team-a"

[[objectives.key_results]]
id = "CPL"
title = "团队投诉率"
metric = "complaint_rate"
direction = "at_most"
target = 0.8
unit = "‰"

[objectives.key_results.members]
cm01 = 0.8
cm02 = 0.8
"""


def run(root: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, [*args, "-w", str(root)])


def member_alerts(root: Path, lang: str) -> list[dict[str, str]]:
    done = run(root, "report", "--as-of", "2026-06-17", "--unit", "team-a",
               "--format", "json", "--lang", lang)  # fmt: skip
    assert done.exit_code == 0, done.output
    return [a for a in json.loads(done.stdout)["alerts"] if "T1.CPL" in a["message"]]


def test_a_members_share_past_its_limit_is_told(write_workspace: WriteWorkspace) -> None:
    root = write_workspace({"okrs.toml": OKRS + GUARDRAIL})
    assert run(root, "collect", "--through", "2026-06-17").exit_code == 0
    assert [(a["kind"], a["level"], a["message"]) for a in member_alerts(root, "zh")] == [
        ("member_off_track", "warning", "T1.CPL 团队投诉率：李强的分解目标超限（1‰，上限 0.8‰）")
    ]
    assert [a["message"] for a in member_alerts(root, "en")] == [
        "T1.CPL 团队投诉率: 李强's share breached (1‰ against a limit of 0.8‰)"
    ]


# A floor (say, of a rate of visits) of 1‰ for the team, 0.5‰ for 王芳 and 1.5‰ for 李强:
# both shares fall short of theirs, hers further (none of 0.5‰) than his (1‰ of 1.5‰).
FLOOR = GUARDRAIL.replace('"at_most"', '"at_least"\nguardrail = true')
FLOOR = FLOOR.replace("target = 0.8", "target = 1")
FLOOR = FLOOR.replace("cm01 = 0.8\ncm02 = 0.8", "cm01 = 0.5\ncm02 = 1.5")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_members_past_their_limits_make_one_alert(
    write_workspace: WriteWorkspace, lang: str
) -> None:
    root = write_workspace({"okrs.toml": OKRS + FLOOR})
    assert run(root, "collect", "--through", "2026-06-17").exit_code == 0
    said = {
        "zh": "T1.CPL 团队投诉率：2 个分解目标超限，超得最多的是 "
        "王芳（0‰，下限 0.5‰）、李强（1‰，下限 1.5‰）",
        "en": "T1.CPL 团队投诉率: 2 shares breached, the furthest out 王芳 (0‰ against a "
        "floor of 0.5‰), 李强 (1‰ against a floor of 1.5‰)",
    }
    kinds = [(a["kind"], a["message"]) for a in member_alerts(root, lang)]
    assert kinds[-1] == ("member_off_track", said[lang])


def test_check_keeps_its_messages_in_one_column_past_a_long_kind(
    write_workspace: WriteWorkspace,
) -> None:
    """MEMBER TARGETS is wider than check's first column: every message of the run starts
    where that one's does, so a cron mail reads as a table in English as in Chinese."""
    # The team's 0.5‰ past a limit of 0.4‰ too: a short kind (BREACHED) above the long one.
    tighter = GUARDRAIL.replace("0.8", "0.4")
    root = write_workspace({"okrs.toml": OKRS + tighter})
    assert run(root, "collect", "--through", "2026-06-17").exit_code == 0
    # A share past its limit is not called off track (成员落后) but a member's target.
    for lang, kind in (("en", "MEMBER TARGETS"), ("zh", "分解目标")):
        done = run(root, "check", "--as-of", "2026-06-17", "--unit", "team-a", "--lang", lang)
        assert done.exit_code == 1, done.stdout
        lines = done.stdout.splitlines()[:-1]  # the last line counts them
        assert len(lines) == 2 and lines[1].startswith(kind), lines
        # Where each message starts, in the columns a terminal shows (成 takes two).
        starts = {display_width(line[: line.index("T1.CPL")]) for line in lines}
        assert starts == {max(11, display_width(kind) + 1)}, lines


def test_check_for_one_unit_lists_what_its_report_lists(write_workspace: WriteWorkspace) -> None:
    """A head office's cron runs one check a branch: --unit lists what that unit's report
    needs attention for, such as a share the team set; the whole plan's check says it too
    (it said nothing of it, and exited 0 where the team's check exited 1)."""
    root = write_workspace({"okrs.toml": OKRS + GUARDRAIL})
    assert run(root, "collect", "--through", "2026-06-17").exit_code == 0
    whole = run(root, "check", "--as-of", "2026-06-17", "--lang", "en")
    team = run(root, "check", "--as-of", "2026-06-17", "--unit", "team-a", "--lang", "en")
    share = "T1.CPL 团队投诉率: 李强's share breached (1‰ against a limit of 0.8‰)"
    assert team.exit_code == 1 and share in team.stdout, team.stdout
    assert whole.exit_code == 1 and share in whole.stdout, whole.stdout
    assert "O1.KR2" in whole.stdout and "O1.KR2" not in team.stdout  # the branch's own
    assert [a["message"] for a in member_alerts(root, "en")] == [share]
