"""`okrdesk explain` of a unit's figure made of many observations adds them up by the
unit's members, each with its figure and how many observations make it, and says how
to see one member's; a person's, or a few observations, are listed one by one. A
firm's figure of sixty thousand observations is forty lines, not sixty thousand (a
real workspace, collect and commands)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from okrdesk.cli import cli
from sample_workspace import ORG, WriteWorkspace, trusted

# 王芳 brings 1 new HNW client a week, 李强 2, 张伟 3: over the plan's 53 weeks, team-a
# 159 of 106 observations, team-b 159 of 53.
TWO_TEAMS = (
    ORG
    + """
[[units]]
id = "team-b"
name = "财富管理二部"
level = "team"
parent = "branch"

[[people]]
id = "cm03"
name = "张伟"
unit = "team-b"
"""
)

pytestmark = pytest.mark.usefixtures("plans_over")  # collects through 2026-12-31


def run(root: Path, *args: str) -> Result:
    done = CliRunner().invoke(cli, [*args, "-w", str(root)])
    assert done.exit_code == 0, done.output
    return done


@pytest.fixture
def workspace(write_workspace: WriteWorkspace) -> Path:
    root = write_workspace({"org.toml": TWO_TEAMS})
    run(root, "collect", "--through", "2026-12-31")
    return root


def test_a_units_many_observations_are_added_up_by_member(workspace: Path) -> None:
    lines = run(workspace, "explain", "O1.KR1", "--as-of", "2026-12-31").output.splitlines()
    assert lines[2] == "= 318户"
    # Then how the due is made, all of it by the plan's last day.
    assert lines[9].startswith("应完成 360户 = 360户 × 100.0%：截至 2026-12-31 应完成的比例")
    assert lines[4:9] == [
        "159 条观测值，来自第 1 次采集，按成员合计：",
        "  成员           数值  观测值",
        "  财富管理一部  159户     106",
        "  财富管理二部  159户      53",
        "逐条观测值：okrdesk explain O1.KR1 --unit team-a（或其他成员）",
    ]
    english = run(workspace, "explain", "O1.KR1", "--as-of", "2026-12-31", "--lang", "en")
    assert english.output.splitlines()[4:9] == [
        "159 observations, from run 1, added up by member:",
        "  member            value  observations",
        "  财富管理一部  159 accts           106",
        "  财富管理二部  159 accts            53",
        "Each observation: okrdesk explain O1.KR1 --unit team-a (or another member)",
    ]


def test_a_members_people_are_named_with_person(workspace: Path) -> None:
    lines = run(workspace, "explain", "O1.KR1", "--unit", "team-a", "--as-of", "2026-12-31")
    said = lines.output.splitlines()
    assert said[-3:-1] == ["  王芳   53户      53", "  李强  106户      53"]
    assert said[-1] == "逐条观测值：okrdesk explain O1.KR1 --person cm01（或其他成员）"


def test_a_persons_observations_and_a_few_are_listed(workspace: Path) -> None:
    person = run(workspace, "explain", "O1.KR1", "--person", "cm03", "--as-of", "2026-12-31")
    assert sum(line.startswith("  2026-W") for line in person.output.splitlines()) == 53
    a_month = run(workspace, "explain", "O1.KR1", "--as-of", "2026-01-25").output
    assert sum(line.startswith("  2026-W") for line in a_month.splitlines()) == 12


def test_each_members_figure_stands_beside_its_share(write_workspace: WriteWorkspace) -> None:
    """A head office comparing its branches on one key result reads each one's figure
    beside the share the key result set it; a member the shares leave out reads —."""
    from sample_workspace import OKRS

    shares = OKRS.replace(
        "milestones = { Q2 = 0.45, Q3 = 0.70, Q4 = 1.0 }\n",
        "milestones = { Q2 = 0.45, Q3 = 0.70, Q4 = 1.0 }\nmembers = { team-a = 240 }\n",
        1,
    )
    assert shares != OKRS
    root = write_workspace({"org.toml": TWO_TEAMS, "okrs.toml": shares})
    run(root, "collect", "--through", "2026-12-31")
    lines = run(root, "explain", "O1.KR1", "--as-of", "2026-12-31").output.splitlines()
    # Ranked by attainment as the report writes it; no share, no attainment (not 0%).
    assert lines[5:8] == [
        "  名次  成员           数值  分解目标  完成率  观测值",
        "     1  财富管理一部  159户     240户  66.25%     106",
        "        财富管理二部  159户         —       —      53",
    ]
    english = run(root, "explain", "O1.KR1", "--as-of", "2026-12-31", "--lang", "en")
    assert english.output.splitlines()[5:7] == [
        "  rank  member            value     target  attained  observations",
        "     1  财富管理一部  159 accts  240 accts    66.25%           106",
    ]
    # A team's people have no shares of the branch's key result: no column for them; the
    # team's own share is under its figure.
    team = run(root, "explain", "O1.KR1", "--unit", "team-a", "--as-of", "2026-12-31").output
    assert team.splitlines()[2:4] == [
        "= 159户",
        "分解目标 240户（O1.KR1 的目标为 360户），完成率 66.25%",
    ]
    assert "分解目标" not in "".join(team.splitlines()[4:])


def test_what_is_stored_on_the_unit_itself_is_its_own_row_and_listed(
    write_workspace: WriteWorkspace,
) -> None:
    """A branch's own forum, booked to the branch rather than to a team: its row says
    how much (it said nothing), and its few observations are listed, since no member's
    ``--unit`` shows them."""
    from sample_workspace import LOCAL_PLUGIN, trusted

    root = write_workspace({"org.toml": TWO_TEAMS})
    forum = LOCAL_PLUGIN.replace(
        "    for index, period in enumerate(request.periods):\n",
        "    for index, period in enumerate(request.periods):\n"
        "        if 'new_hnw_clients' in wanted and period.id == '2026-W20':\n"
        "            emit('new_hnw_clients', 'branch', period.id, value=31,\n"
        "                 source='forum row 84')\n",
        1,
    )
    assert forum != LOCAL_PLUGIN
    (root / "plugins" / "test_metrics.py").write_text(forum, encoding="utf-8")
    trusted(root)
    run(root, "collect", "--through", "2026-06-30")
    run(root, "collect", "--through", "2026-12-31")
    lines = run(root, "explain", "O1.KR1", "--as-of", "2026-12-31").output.splitlines()
    assert lines[2] == "= 349户"
    assert lines[4:13] == [
        "160 条观测值，来自第 1、2 次采集，按成员合计：",
        "  成员             数值  观测值",
        "  财富管理一部    159户     106",
        "  财富管理二部    159户      53",
        "  福田营业部本身   31户       1",
        "逐条观测值：okrdesk explain O1.KR1 --unit team-a（或其他成员）",
        "福田营业部本身的观测值：",
        "  周期      对象        数值  采集  来源",
        "  2026-W20  福田营业部  31户     1  forum 第 84 行",
    ]
    english = run(root, "explain", "O1.KR1", "--as-of", "2026-12-31", "--lang", "en")
    assert english.output.splitlines()[4] == (
        "160 observations, from runs 1, 2, added up by member:"
    )
    assert english.output.splitlines()[8] == "  福田营业部 itself   31 accts             1"


def test_members_with_no_data_are_told_below_the_table_not_listed_as_measured(
    write_workspace: WriteWorkspace,
) -> None:
    """A team with no one in it yet and a new CM no export names sat in the table as
    rows of their own, `无数据  0`, beside the members measured: now the table lists
    those with figures, and one line below says how many have none, and who."""
    from sample_workspace import LOCAL_PLUGIN, trusted

    org = (
        TWO_TEAMS
        + """
[[units]]
id = "team-c"
name = "机构业务部"
level = "team"
parent = "branch"

[[people]]
id = "cm04"
name = "赵敏"
unit = "team-a"
"""
    )
    root = write_workspace({"org.toml": org})
    skipped = LOCAL_PLUGIN.replace(
        "        for number, person in enumerate(request.people, start=1):\n",
        "        for number, person in enumerate(request.people, start=1):\n"
        "            if person.id == 'cm04':\n"
        "                continue\n",
        1,
    )
    assert skipped != LOCAL_PLUGIN
    (root / "plugins" / "test_metrics.py").write_text(skipped, encoding="utf-8")
    trusted(root)
    run(root, "collect", "--through", "2026-12-31")
    branch = run(root, "explain", "O1.KR1", "--as-of", "2026-12-31").output.splitlines()
    assert branch[5:9] == [
        "  成员           数值  观测值",
        "  财富管理一部  159户     106",
        "  财富管理二部  159户      53",
        "另有 1 个成员无数据：机构业务部",
    ]
    team = run(root, "explain", "O1.KR1", "--unit", "team-a", "--as-of", "2026-12-31")
    assert team.output.splitlines()[5:10] == [
        "  成员   数值  观测值",
        "  王芳   53户      53",
        "  李强  106户      53",
        "另有 1 人无数据：赵敏",
        "逐条观测值：okrdesk explain O1.KR1 --person cm01（或其他成员）",
    ]
    english = run(root, "explain", "O1.KR1", "--unit", "team-a", "--as-of", "2026-12-31",
                  "--lang", "en")  # fmt: skip
    assert english.output.splitlines()[8] == "1 more without data: 赵敏"
    assert "无数据" not in "".join(english.output.splitlines()[5:8])


def test_past_ten_members_with_no_data_the_first_ten_are_named(
    write_workspace: WriteWorkspace,
) -> None:
    """Twelve new CMs no export names yet: one line counts them all, names ten."""
    from sample_workspace import LOCAL_PLUGIN, trusted

    newcomers = [(f"new{n:02d}", f"新人{n:02d}") for n in range(1, 13)]
    org = ORG + "".join(
        f'\n[[people]]\nid = "{pid}"\nname = "{name}"\nunit = "team-a"\n' for pid, name in newcomers
    )
    root = write_workspace({"org.toml": org})
    skipped = LOCAL_PLUGIN.replace(
        "        for number, person in enumerate(request.people, start=1):\n",
        "        for number, person in enumerate(request.people, start=1):\n"
        "            if person.id.startswith('new'):\n"
        "                continue\n",
        1,
    )
    (root / "plugins" / "test_metrics.py").write_text(skipped, encoding="utf-8")
    trusted(root)
    run(root, "collect", "--through", "2026-12-31")
    args = ("explain", "O1.KR1", "--unit", "team-a", "--as-of", "2026-12-31")
    named = [name for _, name in newcomers]

    def lines(*more: str) -> list[str]:  # each line whole, as COLUMNS=1000 keeps it
        done = CliRunner().invoke(cli, [*args, *more, "-w", str(root)], env={"COLUMNS": "1000"})
        assert done.exit_code == 0, done.output
        return done.output.splitlines()

    told = [line for line in lines() if "无数据" in line]
    assert told == ["另有 12 人无数据：" + "、".join(named[:10]) + "等"]
    told = [line for line in lines("--lang", "en") if "without data" in line]
    assert told == ["12 more without data: " + ", ".join(named[:10]) + " and 2 others"]


def test_a_slice_key_results_members_count_the_slices_that_make_their_figures(
    write_workspace: WriteWorkspace,
) -> None:
    """A key result on one slice (new HNW clients who are women) is made of slices alone:
    its members' observations counted whole figures only, so each read 0 beside a figure."""
    from test_dimensions import DIM_PLUGIN, dimensioned

    weekly = DIM_PLUGIN.replace(
        """                emit("new_hnw_clients", person, first, value=count,
                     dimensions={"gender": gender, "tier": tier})""",
        """                for period in request.periods:
                    emit("new_hnw_clients", person, period.id, value=1,
                         dimensions={"gender": gender, "tier": tier})""",
    )
    assert weekly != DIM_PLUGIN
    root = dimensioned(write_workspace, through="2026-06-30")
    (root / "plugins" / "dim_metrics.py").write_text(weekly, encoding="utf-8")
    trusted(root)
    run(root, "collect", "--through", "2026-06-30")
    said = run(root, "explain", "O1.FEMALE", "--as-of", "2026-06-30").output.splitlines()
    rows = [line.split() for line in said if line.startswith("  ") and "户" in line]
    # 27 weeks: 王芳 two slices of women a week and 李强 one (team-a); 张伟 one.
    assert [(row[-2], row[-1]) for row in rows] == [("81户", "81"), ("27户", "27")], said


def test_a_unit_or_person_outside_the_key_result_s_owner_is_refused(
    write_workspace: WriteWorkspace,
) -> None:
    """WM1.HNW --person xujing, of another team, gave her 31户 under wm1's key result as if
    they counted in it, and --unit of the branch above it the whole branch's: neither is
    any part of the figure, which only wm1's people bring."""
    team = (
        '[[objectives]]\nid = "T1"\ntitle = "一部"\nowner = "team-a"\n'
        '[[objectives.key_results]]\nid = "HNW"\ntitle = "新增高净值客户"\n'
        'metric = "new_hnw_clients"\ntarget = 200\nunit = "户"\n'
        "members = { cm01 = 80, cm02 = 120 }\n"
    )
    root = write_workspace({"org.toml": TWO_TEAMS, "team.toml": team})
    run(root, "collect", "--through", "2026-03-31")
    for flag, subject in (("--person", "cm03"), ("--unit", "team-b"), ("--unit", "branch")):
        asked = ["explain", "T1.HNW", flag, subject, "--as-of", "2026-03-31", "-w", str(root)]
        refused = CliRunner().invoke(cli, asked)
        assert (refused.exit_code, refused.output) == (2, (
            f"{subject} 不在 T1.HNW 所属的 team-a 之内，其数字不计入 T1.HNW：请用 --unit "
            "team-a，或 team-a 之内的单位、人员\n"
        ))  # fmt: skip
    english = CliRunner().invoke(cli, [*asked, "--lang", "en"])
    assert english.output == (
        "branch is not inside team-a, which T1.HNW belongs to: no figure of theirs counts in "
        "it; --unit team-a, or a unit or person inside it\n"
    )
    inside = run(root, "explain", "T1.HNW", "--person", "cm02", "--as-of", "2026-03-31")
    assert inside.output.splitlines()[2] == "= 28户"
