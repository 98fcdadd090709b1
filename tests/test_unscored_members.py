"""A unit with no targets of its own, and no share of one set above, has no score: the
report on it says so and what it shows instead, and a ranking above it gives it no place
among the units that were scored."""

from __future__ import annotations

import datetime as dt
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
      "“—”：没有自己的目标，上级也未给其分解目标，因此没有综合得分，不参与排名"),
     ("md", "en", "| — | 零售业务部 (team-b) | — | — |",
      "—: no targets of its own and no share of one set above: no score, so no rank"),
     ("html", "zh", '<td class="n">—</td>',
      "“—”：没有自己的目标，上级也未给其分解目标，因此没有综合得分，不参与排名")],
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


def test_a_team_with_no_targets_says_so_rather_than_all_clear(workspace: Path) -> None:
    """Its score is — because it has no targets, and the report says that, and what it
    shows in their place; nothing needing attention is not told as if it were judged."""
    zh = report(workspace, "--unit", "team-b")
    lines = zh.splitlines()
    assert "综合得分 —：没有自己的目标，上级也未给其分解目标" in lines
    # Said once, on the first screen and under the heading at the end.
    assert "需要关注：暂无（没有自己的目标可判断）" in lines
    assert lines[lines.index("需要关注") + 1] == "暂无（没有自己的目标可判断）"
    story = "".join(zh.split("详情")[1].split("成员排名")[0].split()).strip("─")
    assert story == ("零售业务部没有自己的目标，上级也未给其分解目标，因此没有综合得分，"
                     "也没有自己的进度可判断。本报告只列出：其成员的得分与排名、"
                     "需要关注的事项")  # fmt: skip
    en = report(workspace, "--unit", "team-b", "--lang", "en", "--format", "md")
    assert ("零售业务部 has no targets of its own and no share of one set above: it has no "
            "score, and no progress of its own to judge. Shown instead: its members ranked "
            "by score and what needs attention") in en  # fmt: skip
    assert "**Needs attention: none (no targets of its own to judge)**" in en
    assert "### Needs attention\n\nNone (no targets of its own to judge)\n" in en
    html = report(workspace, "--unit", "team-b", "--format", "html")
    assert '<p class="meta no-targets">零售业务部没有自己的目标' in html
    # A team with targets says none of it.
    assert "没有自己的目标" not in report(workspace, "--unit", "team-a")


@pytest.mark.parametrize(
    ("fmt", "lang", "first", "last"),
    [("text", "zh", "需要关注：暂无\n", "\n需要关注\n暂无\n"),
     ("text", "en", "Needs attention: none\n", "\nNeeds attention\nNone\n"),
     ("md", "zh", "**需要关注：暂无**", "### 需要关注\n\n暂无\n"),
     ("md", "en", "**Needs attention: none**", "### Needs attention\n\nNone\n"),
     ("html", "zh", "<h3>需要关注：暂无</h3>", "<h2>需要关注</h2>\n<p>暂无</p>"),
     ("html", "en", "<h3>Needs attention: none</h3>", "<h2>Needs attention</h2>\n<p>None</p>")],
    ids=["text-zh", "text-en", "md-zh", "md-en", "html-zh", "html-en"],
)  # fmt: skip
def test_nothing_needing_attention_is_said_once(
    workspace: Path, fmt: str, lang: str, first: str, last: str
) -> None:
    """财富管理一部 has targets and nothing needing attention: the first screen says so in
    one line, and the section at the end says it under its heading without repeating it
    ("需要关注" over "暂无需要关注的事项" said it twice)."""
    shown = report(workspace, "--unit", "team-a", "--format", fmt, "--lang", lang)
    assert first in shown and last in shown
    assert "需要关注的事项" not in shown and "Nothing needs attention" not in shown


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_chat_message_with_nothing_needing_attention_says_it_once(
    workspace: Path, lang: str
) -> None:
    from okrdesk.app.report import make_report
    from okrdesk.app.session import open_session
    from okrdesk.delivery.summary import summary_lines

    built = make_report(open_session(workspace), "team-a", dt.date(2026, 6, 30), None, lang)
    lines = summary_lines(built)
    heading = "**需要关注**" if lang == "zh" else "**Needs attention**"
    assert lines[lines.index(heading) + 1] == ("暂无" if lang == "zh" else "None")
    assert "需要关注的事项" not in "\n".join(lines)


def test_a_team_with_no_targets_is_told_of_its_members_shares_falling_behind(
    write_workspace: WriteWorkspace,
) -> None:
    """赵六 carries 300 of the branch's HNW clients, far behind: the branch's report says
    so, and so does the report on 零售业务部, his team, which sets no target of its own."""
    behind = SHARED.replace("cm03 = 100", "cm03 = 300")
    root = write_workspace({"org.toml": TWO_TEAMS, "okrs.toml": behind})
    done = CliRunner().invoke(cli, ["collect", "--through", AS_OF, "-w", str(root)])
    assert done.exit_code == 0, done.output
    told = "O1.KR1 新增高净值客户：赵六的分解目标落后，仅达应完成进度的 60.0%"
    assert told in report(root)
    team = report(root, "--unit", "team-b")
    assert f"  提醒    {told}" in team.splitlines()
    assert "需要关注：共 1 项" in team
    english = report(root, "--unit", "team-b", "--lang", "en")
    assert "赵六's share off track, at 60.0% of the pace due" in english
    # 财富管理一部 holds a share of its own: its people's shares of the branch's are not its.
    assert "赵六" not in report(root, "--unit", "team-a")


@pytest.mark.parametrize(
    ("fmt", "lang", "why"),
    [("text", "zh", "“—”：其关键结果目前无法测量（已加载的插件都不提供指标 new_hnw_clients），"
                    "没有综合得分，不参与排名"),
     ("md", "en", "—: its key results cannot be measured now (no loaded plugin provides "
                  "new_hnw_clients): no score, so no rank"),
     ("html", "zh", "“—”：其关键结果目前无法测量（已加载的插件都不提供指标 new_hnw_clients），"
                    "没有综合得分，不参与排名")],
)  # fmt: skip
def test_a_member_whose_targets_cannot_be_measured_now_is_not_said_to_have_none(
    workspace: Path, fmt: str, lang: str, why: str
) -> None:
    """The plugin that provides new_hnw_clients left out (OKRDESK_LOAD_PLUGINS): 财富管理一部
    and 赵六 hold shares of the branch's HNW clients, and the ranking's note said they had
    no targets of their own and no share of one set above, which would send a manager to
    the target files for nothing. It says the true reason, and the metric; 零售业务部,
    which has no targets, is still told so."""
    done = CliRunner().invoke(
        cli, ["report", "--as-of", AS_OF, "-w", str(workspace), "--format", fmt, "--lang", lang],
        env={"COLUMNS": "200", "OKRDESK_LOAD_PLUGINS": "no_such_plugin"},
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    shown = "".join(done.stdout.split()) if fmt == "text" else done.stdout
    assert ("".join(why.split()) if fmt == "text" else why) in shown
    members = {m["id"]: m for m in json.loads(CliRunner().invoke(
        cli, ["report", "--as-of", AS_OF, "-w", str(workspace), "--format", "json"],
        env={"OKRDESK_LOAD_PLUGINS": "no_such_plugin"}).stdout)["members"]}  # fmt: skip
    assert members["team-a"]["unmeasured"] == ["new_hnw_clients"]
    assert members["cm03"]["unmeasured"] == ["new_hnw_clients"]
    assert "unmeasured" not in members["team-b"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_metrics_no_loaded_plugin_provides_are_one_line_of_the_first_screen(
    workspace: Path, lang: str
) -> None:
    """The plugin left out, each of its metrics was a line of its own at the top of what
    needs attention (a real plugin's ten filled the first screen's five before anything
    behind); they are one line naming them all, and check's JSON counts them in its
    subjects. A single metric is told as before, with the key results it leaves out."""
    env = {"COLUMNS": "200", "OKRDESK_LOAD_PLUGINS": "no_such_plugin"}
    done = CliRunner().invoke(cli, ["check", "--as-of", AS_OF, "--lang", lang,
                                    "-w", str(workspace)], env=env)  # fmt: skip
    lines = done.stdout.splitlines()
    said = {"zh": "2 项指标：已加载的插件都不提供：complaint_rate、new_hnw_clients；"
                  "用到它们的关键结果无法测量",
            "en": "2 metrics: no loaded plugin provides them: complaint_rate, new_hnw_clients; "
                  "the key results on them cannot be measured"}[lang]  # fmt: skip
    assert [line for line in lines if said in line], lines
    assert not [line for line in lines if line.split()[1:2] in (["指标"], ["metric"])], lines
    asked = ["check", "--as-of", AS_OF, "--format", "json", "-w", str(workspace)]
    found = json.loads(CliRunner().invoke(cli, asked, env=env).stdout)
    (alert,) = [a for a in found["alerts"] if a["kind"] == "missing"]
    assert alert["subjects"] == ["complaint_rate", "new_hnw_clients"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_in_a_teams_check_metrics_used_outside_it_join_the_one_line(
    workspace: Path, lang: str
) -> None:
    """A team's check, the plugin left out: a metric only the branch's key results use
    (complaint_rate) was a line of its own ("metric complaint_rate: no loaded plugin
    provides it") beside the line of the team's own, so a real plugin's seven such
    metrics filled a team's first screen with one cause; they are one line, as in the
    branch's check. One alone is told as before."""
    env = {"COLUMNS": "200", "OKRDESK_LOAD_PLUGINS": "no_such_plugin"}
    asked = ["check", "--as-of", AS_OF, "--unit", "team-b", "--lang", lang, "-w", str(workspace)]
    lines = CliRunner().invoke(cli, asked, env=env).stdout.splitlines()
    said = {
        "zh": "2 项指标：已加载的插件都不提供：complaint_rate、new_hnw_clients",
        "en": "2 metrics: no loaded plugin provides them: complaint_rate, new_hnw_clients",
    }
    assert [line for line in lines if said[lang] in line], lines
    assert not [line for line in lines if line.split()[1:2] in (["指标"], ["metric"])], lines
    found = json.loads(CliRunner().invoke(cli, [*asked, "--format", "json"], env=env).stdout)
    (alert,) = [a for a in found["alerts"] if a["kind"] == "missing"]
    assert alert["subjects"] == ["complaint_rate", "new_hnw_clients"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_workbooks_members_sheet_says_why_a_member_has_no_rank(
    workspace: Path, tmp_path: Path, lang: str
) -> None:
    """The text and JSON reports say why a member has no rank (no targets; key results
    that cannot be measured now); the workbook's members sheet showed an empty rank and
    nothing else. Each unranked member's row says why, in the report's language."""
    import openpyxl

    out = tmp_path / f"report.{lang}.xlsx"
    done = CliRunner().invoke(
        cli, ["report", "--as-of", AS_OF, "-w", str(workspace), "--format", "xlsx",
              "--lang", lang, "-o", str(out)],
        env={"OKRDESK_LOAD_PLUGINS": "no_such_plugin"},
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    sheet = openpyxl.load_workbook(out).worksheets[2]
    head = [cell.value for cell in sheet[1]]
    assert head[-1] == {"zh": "未排名原因", "en": "Why no rank"}[lang]
    why = {row[1]: row[-1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    said = {
        "zh": ("没有自己的目标，上级也未给其分解目标，因此没有综合得分",
               "其关键结果目前无法测量（已加载的插件都不提供指标 new_hnw_clients），没有综合得分"),
        "en": ("no targets of its own and no share of one set above: no score",
               "its key results cannot be measured now (no loaded plugin provides "
               "new_hnw_clients): no score"),
    }[lang]  # fmt: skip
    assert why["team-b"] == said[0], why
    assert why["team-a"] == why["cm03"] == said[1], why


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_missing_metric_no_key_result_of_the_unit_reads_is_in_the_same_line(
    write_workspace: WriteWorkspace, lang: str
) -> None:
    """The plugin left out, 财富管理一部's check told its share's new_hnw_clients in a line,
    and the branch's complaint_rate and 零售业务部's fee_revenue, which no key result of
    财富管理一部 reads, in a line each beside it: three lines of one cause. They are named
    in the same line, after the one that leaves the unit's key results unmeasured."""
    extra = """
[[objectives]]
id = "T"
title = "零售"
owner = "team-b"

[[objectives.key_results]]
id = "EFF"
title = "佣金收入"
metric = "fee_revenue"
target = 100
unit = "万元"
"""
    root = write_workspace({"org.toml": TWO_TEAMS, "okrs.toml": SHARED + extra})
    done = CliRunner().invoke(cli, ["collect", "--through", AS_OF, "-w", str(root)])
    assert done.exit_code == 0, done.output
    env = {"COLUMNS": "200", "OKRDESK_LOAD_PLUGINS": "no_such_plugin"}
    asked = ["check", "--as-of", AS_OF, "--unit", "team-a", "-w", str(root)]
    done = CliRunner().invoke(cli, [*asked, "--lang", lang], env=env)
    assert done.exit_code == 1, done.output
    lines = [line for line in done.stdout.splitlines() if "fee_revenue" in line]
    said = {"zh": "3 项指标：已加载的插件都不提供：new_hnw_clients、complaint_rate、"
                  "fee_revenue；用到它们的关键结果无法测量",
            "en": "3 metrics: no loaded plugin provides them: new_hnw_clients, "
                  "complaint_rate, fee_revenue; the key results on them cannot be "
                  "measured"}[lang]  # fmt: skip
    assert len(lines) == 1 and said in lines[0], done.stdout
    found = json.loads(CliRunner().invoke(cli, [*asked, "--format", "json"], env=env).stdout)
    (alert,) = [a for a in found["alerts"] if a["kind"] == "missing"]
    assert alert["subjects"][-1] == "fee_revenue", alert
