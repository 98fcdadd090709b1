"""`okrdesk explain` of a key result whose target is shared out among a unit's members
ranks them by attainment, highest first as the report ranks its members, each written as
the report writes it; a member with no share shows no attainment. Units and people are
named as a manager knows them, with the id only where two share a name. The demo
workspace and the `okrdesk` process; a small workspace with two 王芳."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from okrdesk.cli import cli
from okrdesk.report.numbers import attainment_percent
from sample_workspace import WriteWorkspace
from test_explain_members import TWO_TEAMS
from test_report import AS_OF, okrdesk


@pytest.fixture(scope="module")
def demo(copy_of_the_demo: Callable[[str], Path]) -> Path:
    return copy_of_the_demo("explain-ranking")


def ranking(lines: list[str]) -> list[list[str]]:
    """The rows of explain's ranking of members: rank, name, value, share, attainment,
    observations (a row with no rank starts with its name)."""
    start = next(n for n, line in enumerate(lines) if re.match(r"  (名次|rank) ", line))
    rows = []
    for line in lines[start + 1 :]:
        if not line.startswith("   "):
            break
        cells = re.split(r" {2,}", line.strip())
        rows.append(cells if re.fullmatch(r"\d+", cells[0]) else ["", *cells])
    return rows


def reported_attainment(demo: Path, unit: str, key_result: str) -> float | None:
    """The unit's attainment of its share of ``key_result``, as its own report has it."""
    done = okrdesk("report", "--unit", unit, "-w", str(demo), "--as-of", AS_OF, "--format", "json")
    assert done.returncode == 0, done.stderr
    (found,) = [kr["attainment"] for o in json.loads(done.stdout)["objectives"]
                for kr in o["key_results"] if kr["id"] == key_result]  # fmt: skip
    return found


def test_branches_holding_shares_are_ranked_by_attainment_as_the_report_has_it(
    demo: Path,
) -> None:
    teams = {"财富管理一部": "wm1", "财富管理二部": "wm2", "机构业务部": "inst"}
    done = okrdesk("explain", "C1.KR1", "-w", str(demo), "--as-of", AS_OF)
    assert done.returncode == 0, done.stderr
    rows = ranking(done.stdout.splitlines())
    assert sorted(row[1] for row in rows) == sorted(teams)
    attained = [reported_attainment(demo, teams[row[1]], "C1.KR1") for row in rows]
    assert [row[4] for row in rows] == [attainment_percent(a) for a in attained]
    assert attained == sorted(attained, key=lambda a: -(a or 0.0))
    assert [row[0] for row in rows] == ["1", "2", "3"]


def test_people_holding_shares_are_ranked_highest_first(demo: Path) -> None:
    """A team's four customer managers on their shares of its new HNW clients, ranked
    otherwise than the target file lists them (刘洋, 黄婷, 周杰, 吴敏); 高鹏, a trainee
    with clients and no share, has one (a figure with no share, not no data) and is
    listed after them."""
    for lang in ("zh", "en"):
        done = okrdesk("explain", "WM1.HNW", "-w", str(demo), "--as-of", AS_OF, "--lang", lang)
        assert done.returncode == 0, done.stderr
        rows = ranking(done.stdout.splitlines())
        *rows, trainee = rows
        assert trainee[:2] == ["", "高鹏"] and trainee[3] == trainee[4] == "—"
        assert re.fullmatch(r"1(户| acct)", trainee[2]), trainee
        assert [row[1] for row in rows] == ["黄婷", "周杰", "刘洋", "吴敏"]
        # Each one's figure over its share: 33户 of 38户 is 86.8%.
        for row in rows:
            value, share = (int(re.sub(r"\D", "", cell)) for cell in row[2:4])
            assert row[4] == attainment_percent(value / share)


def test_a_member_with_no_share_shows_no_attainment(demo: Path) -> None:
    """高鹏, a trainee, brings in assets but holds no share of the team's 客户资产净增."""
    for lang in ("zh", "en"):
        done = okrdesk("explain", "WM1.NNA", "-w", str(demo), "--as-of", AS_OF, "--lang", lang)
        assert done.returncode == 0, done.stderr
        rows = ranking(done.stdout.splitlines())
        (trainee,) = [row for row in rows if row[1] == "高鹏"]
        assert trainee[0] == "" and trainee[3] == trainee[4] == "—"
        assert rows[-1] == trainee  # after those ranked
        assert all(re.fullmatch(r"\d+\.\d+%", row[4]) for row in rows[:-1])


# test_explain_members' two teams, with a second 王芳 in team-b.
NAMESAKES = TWO_TEAMS.replace('name = "张伟"', 'name = "王芳"')


def test_people_are_named_and_namesakes_told_apart_by_id(
    write_workspace: WriteWorkspace,
) -> None:
    root = write_workspace({"org.toml": NAMESAKES})
    collected = CliRunner().invoke(cli, ["collect", "--through", "2026-01-25", "-w", str(root)])
    assert collected.exit_code == 0, collected.output
    for lang, first, third in (("zh", "王芳（cm01）", "王芳（cm03）"),
                               ("en", "王芳 (cm01)", "王芳 (cm03)")):  # fmt: skip
        done = CliRunner().invoke(cli, ["explain", "O1.KR1", "--as-of", "2026-01-25",
                                        "--lang", lang, "-w", str(root)])  # fmt: skip
        assert done.exit_code == 0, done.output
        week = [re.split(r" {2,}", line.strip())[1] for line in done.output.splitlines()
                if line.startswith("  2026-W01  ")]  # fmt: skip
        assert week == [first, "李强", third]


def test_a_member_explained_alone_says_its_share_of_the_target_as_its_report_has_it(
    demo: Path,
) -> None:
    """``explain C1.KR1 --unit wm1`` gave the team's figure and nothing of the 16亿 of the
    branch's 45亿 it is held to: its share, the owner's target and its attainment are
    under the figure, the attainment the team's own report gives; a person's share of
    a team's key result whose target is its members' added up, in English too."""
    for unit, share in (("wm1", "16亿"), ("wm2", "14亿"), ("inst", "15亿")):
        done = okrdesk("explain", "C1.KR1", "--unit", unit, "-w", str(demo), "--as-of", AS_OF)
        assert done.returncode == 0, done.stderr
        lines = done.stdout.splitlines()
        attained = attainment_percent(reported_attainment(demo, unit, "C1.KR1"))
        assert lines[2].startswith("= ")
        assert lines[3] == f"分解目标 {share}（C1.KR1 的目标为 45亿），完成率 {attained}"
    done = okrdesk("explain", "WM1.HNW", "--person", "wumin", "-w", str(demo),
                   "--as-of", AS_OF, "--lang", "en")  # fmt: skip
    assert done.returncode == 0, done.stderr
    line = done.stdout.splitlines()[3]
    assert re.fullmatch(r"its share of the target: 35 accts \(WM1\.HNW's target is 160 accts\), "
                        r"\d+\.\d% attained", line), line  # fmt: skip
    owner = okrdesk("explain", "C1.KR1", "-w", str(demo), "--as-of", AS_OF)
    assert not any(line.startswith("分解目标") for line in owner.stdout.splitlines())
