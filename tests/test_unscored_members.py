"""A unit with no targets of its own, and no share of one set above, has no score: the
report on it says so and what it shows instead, and a ranking above it gives it no place
among the units that were scored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from okrdesk.cli import cli
from sample_workspace import OKRS, ORG, WriteWorkspace

AS_OF = "2026-06-30"

# A second team, 零售业务部, with a person in it, and no target of its own: the branch
# shares its HNW clients out to 财富管理一部 and to 赵六 of 零售业务部.
TWO_TEAMS = (
    ORG
    + """
[[units]]
id = "team-b"
name = "零售业务部"
level = "team"
parent = "branch"

[[people]]
id = "cm03"
name = "赵六"
unit = "team-b"
"""
)
SHARED = OKRS.replace(
    "milestones = { Q2 = 0.45, Q3 = 0.70, Q4 = 1.0 }",
    "milestones = { Q2 = 0.45, Q3 = 0.70, Q4 = 1.0 }\nmembers = { team-a = 200, cm03 = 100 }",
)


@pytest.fixture
def workspace(write_workspace: WriteWorkspace) -> Path:
    root = write_workspace({"org.toml": TWO_TEAMS, "okrs.toml": SHARED})
    done = CliRunner().invoke(cli, ["collect", "--through", AS_OF, "-w", str(root)])
    assert done.exit_code == 0, done.output
    return root


def report(root: Path, *args: str) -> str:
    done = CliRunner().invoke(cli, ["report", "--as-of", AS_OF, "-w", str(root), *args],
                              env={"COLUMNS": "80"})  # fmt: skip
    assert done.exit_code == 0, done.output
    return done.output


def test_a_team_with_no_score_is_not_ranked_among_those_scored(workspace: Path) -> None:
    members = json.loads(report(workspace, "--format", "json"))["members"]
    units = {m["id"]: (m["rank"], m["score"], m["key_results"]) for m in members
             if m["kind"] == "unit"}  # fmt: skip
    assert units["team-a"][0] == 1 and units["team-a"][1] is not None
    assert units["team-b"] == (None, None, 0)
    # --depth ranks again among those shown, and still leaves it out.
    shallow = json.loads(report(workspace, "--format", "json", "--depth", "1"))["members"]
    assert [(m["id"], m["rank"]) for m in shallow] == [("team-a", 1), ("team-b", None)]


@pytest.mark.parametrize(
    ("fmt", "lang", "row", "why"),
    [("text", "zh", "│    — │ 零售业务部 (team-b)   │        — │      — │",
      "“—”：没有自己的目标，上级也未分解目标给它，因此没有综合得分，不参与排名"),
     ("md", "en", "| — | 零售业务部 (team-b) | — | — |",
      "—: no targets of its own and no share of one set above: no score, so no rank"),
     ("html", "zh", '<td class="n">—</td>',
      "“—”：没有自己的目标，上级也未分解目标给它，因此没有综合得分，不参与排名")],
)  # fmt: skip
def test_an_unranked_member_is_shown_with_a_dash_and_why(
    workspace: Path, fmt: str, lang: str, row: str, why: str
) -> None:
    shown = report(workspace, "--format", fmt, "--lang", lang)
    assert row in shown
    assert why in shown
    # The scored team keeps its place, and the people's ranking still opens after the units.
    assert ("1 │ 财富管理一部" in shown) if fmt == "text" else ("财富管理一部" in shown)
    people = "人员排名" if lang == "zh" else "People, ranked"
    assert shown.index(people) > shown.index("零售业务部")
