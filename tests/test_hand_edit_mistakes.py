"""Mistakes a branch manager makes editing target files by hand, in a Chinese editor and
with Excel habits, run through the real ``okrdesk`` command: validate names each at its
file, line and key, says what to write instead, and the commands that read the plan
refuse the same workspace with the same message and exit code 2, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from okrdesk.errors import Problem
from okrdesk.targets.load import load_plan
from sample_workspace import BUDGET, OKRS, ORG, PLAN, WriteWorkspace

OKRDESK = str(Path(sys.executable).with_name("okrdesk"))
READERS = (["report"], ["collect", "--through", "2026-03-15"], ["check"])


def okrdesk(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        "OKRDESK_LOAD_PLUGINS": "test_metrics",
        "PYTHONIOENCODING": "utf-8",
    }
    return subprocess.run([OKRDESK, "-w", str(root), *args], capture_output=True, text=True,
                          encoding="utf-8", env=environment, check=False)  # fmt: skip


def problems(root: Path, lang: str = "en") -> list[str]:
    """validate's problem lines (not the source lines and carets below them, not the count),
    after checking that it failed as it must."""
    done = okrdesk(root, "validate", "--lang", lang)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    lines = done.stdout.rstrip("\n").split("\n")
    return [line for line in lines[:-1] if not line.startswith((" ", "warning: ", "警告："))]


def refused_alike(root: Path) -> None:
    """report, collect and check stop on the plan, each printing what validate printed."""
    found = problems(root)
    for command in READERS:
        done = okrdesk(root, *command, "--lang", "en")
        both = done.stdout + done.stderr
        assert done.returncode == 2, (command, both)
        assert "Traceback" not in both
        for line in found:
            assert line in both, (command, line, both)


def test_a_loop_of_links_in_targets_is_one_problem_per_link(
    write_workspace: WriteWorkspace,
) -> None:
    root = write_workspace({"okrs.toml": None})
    targets = root / "targets"
    (targets / "okrs.toml").symlink_to("team.toml")
    (targets / "team.toml").symlink_to("okrs.toml")
    (targets / "self.toml").symlink_to("self.toml")
    found = problems(root)
    assert found == [
        "targets/okrs.toml: links to team.toml, which leads round a loop of links and never "
        "to a file; point the link at the file or remove it",
        "targets/self.toml: links to self.toml, which leads round a loop of links and never "
        "to a file; point the link at the file or remove it",
        "targets/team.toml: links to okrs.toml, which leads round a loop of links and never "
        "to a file; point the link at the file or remove it",
    ]
    assert problems(root, "zh")[0] == (
        "targets/okrs.toml: 链接到 team.toml，但这些链接绕成了一个圈，找不到文件；"
        "请让链接指向该文件，或删除此链接"
    )
    refused_alike(root)


@pytest.fixture(autouse=True)
def _no_stray_workspace(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OKRDESK_WORKSPACE", raising=False)


def only_problem(root: Path) -> Problem:
    found = load_plan(root, None).problems
    assert len(found) == 1, "\n".join(map(str, found))
    return found[0]


# The end of phase Q1 (plan.toml line 11) written the ways people write a date.
DATES = {
    "2026/3/31": ("TOML syntax: 2026/3/31 is not a TOML date: write 2026-03-31 (year-month-"
                  "day, with two digits for the month and the day) (column 11)",
                  "TOML 语法错误：2026/3/31 不是 TOML 的日期；请写作 2026-03-31（年-月-日，"
                  "月和日都写两位）（第 11 列）"),
    "2026.3.31": ("TOML syntax: 2026.3.31 is not a TOML date: write 2026-03-31 (year-month-"
                  "day, with two digits for the month and the day) (column 13)", ""),
    "2026-3-31": ("TOML syntax: 2026-3-31 is not a TOML date: write 2026-03-31 (year-month-"
                  "day, with two digits for the month and the day) (column 11)", ""),
    "2026年3月31日": ("TOML syntax: 2026年3月31日 is not a TOML date: write 2026-03-31 (year-"
                      "month-day, with two digits for the month and the day) (column 11)", ""),
    "3/31": ("TOML syntax: 3/31 is not a TOML date: write the year too, as year-month-day: "
             "2026-03-31 if it is in the plan's year (year = 2026) (column 8)",
             "TOML 语法错误：3/31 不是 TOML 的日期；请连同年份写成 年-月-日：若在计划年度"
             "（year = 2026）内，写作 2026-03-31（第 8 列）"),
    "2026/2/30": ("TOML syntax: 2026/2/30 is not a TOML date: there is no 2026-02-30 in the "
                  "calendar; write a real day as year-month-day (column 11)",
                  "TOML 语法错误：2026/2/30 不是 TOML 的日期；日历上没有 2026-02-30 这一天；"
                  "请写一个真实的日期，格式为 年-月-日（第 11 列）"),
    '"2026年3月31日"': ("phases[Q1].end: expected a date such as 2026-03-31, got a string "
                        "('2026年3月31日'); write 2026-03-31 (year-month-day, with two digits "
                        "for the month and the day) without quotes",
                        "phases[Q1].end: 应为日期，例如 2026-03-31，现为文本（'2026年3月31日'）；"
                        "请写作 2026-03-31（年-月-日，月和日都写两位），不加引号"),
    '"2026-03-31"': ("phases[Q1].end: expected a date such as 2026-03-31, got a string "
                     "('2026-03-31'); write 2026-03-31 (year-month-day, with two digits for the "
                     "month and the day) without quotes", ""),
    "46112": ("phases[Q1].end: expected a date such as 2026-03-31, got a number (46112); if "
              "46112 is a date copied from Excel (its serial number for 2026-03-31), write "
              "2026-03-31",
              "phases[Q1].end: 应为日期，例如 2026-03-31，现为数（46112）；如果 46112 是从 Excel "
              "复制来的日期（Excel 用它表示 2026-03-31），请写作 2026-03-31"),
    "20260331": ("phases[Q1].end: expected a date such as 2026-03-31, got a number (20260331); "
                 "write 2026-03-31 (year-month-day, with two digits for the month and the day)",
                 ""),
}  # fmt: skip


@pytest.mark.parametrize("written", list(DATES))
def test_a_date_written_another_way_is_named_with_the_date_to_write(
    write_workspace: WriteWorkspace, written: str
) -> None:
    root = write_workspace({"plan.toml": PLAN.replace("end = 2026-03-31", f"end = {written}")})
    problem = only_problem(root)
    english, chinese = DATES[written]
    assert (problem.file, problem.line) == ("targets/plan.toml", 11)
    assert str(problem).removeprefix("targets/plan.toml:11: ") == english
    if chinese:
        assert problem.text("zh").removeprefix("targets/plan.toml:11: ") == chinese


def test_a_fraction_written_with_a_slash_is_not_taken_for_a_date(
    write_workspace: WriteWorkspace,
) -> None:
    root = write_workspace({"okrs.toml": OKRS.replace("Q2 = 0.45", "Q2 = 1/2")})
    assert "date" not in str(only_problem(root))


def test_a_date_written_another_way_stops_every_command_alike(
    write_workspace: WriteWorkspace,
) -> None:
    root = write_workspace({"plan.toml": PLAN.replace("end = 2026-03-31", "end = 2026/3/31")})
    refused_alike(root)


@pytest.mark.parametrize(
    ("written", "english", "chinese"),
    [
        ("45,0000", "TOML syntax: 45,0000 is not a TOML number: write target = 450000 (or "
         "45_0000), without commas, in the table's unit (unit = \"户\" at line 11) (column 12)",
         "TOML 语法错误：45,0000 不是 TOML 的数；请写 target = 450000（或 45_0000），不加逗号，"
         "用表的单位（第 11 行 unit = \"户\"）（第 12 列）"),
        ('"45,0000"', "objectives[O1].key_results[KR1].target: expected a number, got a string "
         "('45,0000'); write target = 450000, without quotes or commas, in the table's unit "
         '(unit = "户")',
         "objectives[O1].key_results[KR1].target: 应为数，现为文本（'45,0000'）；请写 target = "
         '450000，不加引号，也不加逗号，用表的单位（unit = "户"）'),
        ("1,2000,0000", "TOML syntax: 1,2000,0000 is not a TOML number: write target = "
         "120000000 (or 1_2000_0000), without commas, in the table's unit (unit = \"户\" at "
         "line 11) (column 11)", ""),
    ],
)  # fmt: skip
def test_a_figure_grouped_by_four_digits_is_named_with_the_number_to_write(
    write_workspace: WriteWorkspace, written: str, english: str, chinese: str
) -> None:
    root = write_workspace({"okrs.toml": OKRS.replace("target = 360", f"target = {written}")})
    problem = only_problem(root)
    assert (problem.file, problem.line) == ("targets/okrs.toml", 10)
    assert str(problem).removeprefix("targets/okrs.toml:10: ") == english
    if chinese:
        assert problem.text("zh").removeprefix("targets/okrs.toml:10: ") == chinese


def test_a_table_header_where_the_list_has_double_brackets_says_to_write_them(
    write_workspace: WriteWorkspace,
) -> None:
    fourth = '[[phases]]\nid = "Q4"'
    root = write_workspace({"plan.toml": PLAN.replace(fourth, '[phases]\nid = "Q4"')})
    problem = only_problem(root)
    assert str(problem) == (
        "targets/plan.toml:25: TOML syntax: [phases] cannot follow the [[phases]] at line 19: "
        "write [[phases]] to add one more to the list"
    )
    assert problem.text("zh") == (
        "targets/plan.toml:25: TOML 语法错误：[phases] 不能接在第 19 行的 [[phases]] 之后："
        "要在列表里再加一项，请写 [[phases]]"
    )


def test_a_table_written_twice_names_the_first(write_workspace: WriteWorkspace) -> None:
    root = write_workspace({"budget.toml": BUDGET + '\n[budget]\nrevenue_metric = "fee_revenue"\n'})
    assert str(only_problem(root)) == (
        "targets/budget.toml:20: TOML syntax: [budget] is written twice; the first is at "
        "line 1: write these keys under it"
    )


def test_tomllib_never_names_a_key_as_a_python_tuple(write_workspace: WriteWorkspace) -> None:
    okrs = OKRS.replace('unit = "‰"\n', 'unit = "‰"\nmembers.cm01 = 1\n')
    root = write_workspace({"okrs.toml": okrs + "[objectives.key_results.members]\ncm02 = 1\n"})
    problem = only_problem(root)
    assert "('" not in problem.text("en") + problem.text("zh"), problem
    assert "[objectives.key_results.members]" in str(problem)


def test_an_excel_workbook_renamed_to_toml_is_named_for_what_it_is(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    book = tmp_path / "目标.xlsx"
    with zipfile.ZipFile(book, "w") as workbook:  # the parts every .xlsx holds
        workbook.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        workbook.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook/>')
    root = write_workspace({"team-b.toml": book.read_bytes()})
    problem = only_problem(root)
    assert str(problem) == (
        "targets/team-b.toml: is a zip file, such as an Excel workbook (.xlsx), not text: a "
        "target file is TOML text; write the figures in a text editor, as the other target "
        "files do"
    )
    assert problem.text("zh") == (
        "targets/team-b.toml: 是 zip 文件（例如 Excel 工作簿 .xlsx），不是文本：目标文件是 "
        "TOML 文本；请用文本编辑器，按其他目标文件的写法填写"
    )
    refused_alike(root)


def test_milestones_written_as_each_phases_own_share_are_one_problem(
    write_workspace: WriteWorkspace,
) -> None:
    quarters = "Q1 = 0.25, Q2 = 0.25, Q3 = 0.25, Q4 = 0.25"
    root = write_workspace({"okrs.toml": OKRS.replace("Q2 = 0.45, Q3 = 0.70, Q4 = 1.0", quarters)})
    result = load_plan(root, None)
    assert [str(p) for p in result.problems] == [
        "targets/okrs.toml:12: objectives[O1].key_results[KR1].milestones: the fractions add "
        "up to 1, as each phase's own share would; but milestones count the share done by the "
        "end of each phase, so only 25% of the whole would be due by the end of Q4; write "
        "{ Q1 = 0.25, Q2 = 0.5, Q3 = 0.75, Q4 = 1.0 }"
    ]
    assert (
        result.problems[0]
        .text("zh")
        .endswith(
            "这些比例合计为 1，像是每个阶段各自的份额；但里程碑写的是截至每个阶段结束时累计完成的"
            "份额，这样写到 Q4 结束时只要求完成 25%；"
            "请写 { Q1 = 0.25, Q2 = 0.5, Q3 = 0.75, Q4 = 1.0 }"
        )
    )
    assert not result.warnings  # not also "the whole target is never due"


def test_a_schedule_written_as_each_phases_own_share_is_a_problem(
    write_workspace: WriteWorkspace,
) -> None:
    spread = "amount = 380\nschedule = { Q1 = 0.3, Q2 = 0.3, Q3 = 0.2, Q4 = 0.2 }\n"
    root = write_workspace({"budget.toml": BUDGET.replace("amount = 380\n", spread)})
    assert [str(p) for p in load_plan(root, None).problems] == [
        "targets/budget.toml:11: budget.lines[salons].schedule: the fractions add up to 1, as "
        "each phase's own share would; but a schedule counts the share done by the end of each "
        "phase, so only 20% of the whole would be due by the end of Q4; write "
        "{ Q1 = 0.3, Q2 = 0.6, Q3 = 0.8, Q4 = 1.0 }"
    ]


def test_a_calendar_of_each_months_own_share_is_one_problem_not_one_a_month(
    write_workspace: WriteWorkspace,
) -> None:
    months = ", ".join(f"2026-{m:02d} = {'0.09' if m % 3 == 0 else '0.08'}" for m in range(1, 13))
    okrs = OKRS.replace(
        "milestones = { Q2 = 0.45, Q3 = 0.70, Q4 = 1.0 }", f"calendar = {{ {months} }}"
    )
    problem = only_problem(write_workspace({"okrs.toml": okrs}))
    assert str(problem).startswith(
        "targets/okrs.toml:12: objectives[O1].key_results[KR1].calendar: the fractions add up "
        "to 1, as each period's own share would; but a calendar counts the share done by the "
        "end of each period, so only 9% of the whole would be due by the end of 2026-12; write "
        "{ 2026-01 = 0.08, 2026-02 = 0.16, 2026-03 = 0.25, 2026-04 = 0.33, "
    )
    assert str(problem).endswith("2026-11 = 0.91, 2026-12 = 1.0 }")


def test_milestones_that_reach_the_whole_are_not_taken_for_shares(
    write_workspace: WriteWorkspace,
) -> None:
    for curve in ("Q4 = 1.0", "Q2 = 0.5, Q4 = 1.0", "Q2 = 0.45, Q4 = 0.8"):
        root = write_workspace({"okrs.toml": OKRS.replace("Q2 = 0.45, Q3 = 0.70, Q4 = 1.0", curve)})
        assert not load_plan(root, None).problems, curve


def test_a_calendar_written_in_percent_says_the_fraction_to_write(
    write_workspace: WriteWorkspace,
) -> None:
    okrs = OKRS.replace(
        "Q3 = 0.70, Q4 = 1.0 }", "Q3 = 0.70, Q4 = 1.0 }\ncalendar = { 2026-03 = 25 }"
    )
    assert str(only_problem(write_workspace({"okrs.toml": okrs}))) == (
        "targets/okrs.toml:13: objectives[O1].key_results[KR1].calendar.2026-03: expected a "
        "fraction between 0 and 1, got 25 (write 0.25 for 25%)"
    )


@pytest.mark.parametrize(
    ("written", "how", "how_zh"),
    [
        ("cm02 ", "begins or ends with a space", "首尾有空格"),
        ("ｃｍ02", "is written with full-width characters", "含有全角字符"),
    ],
)
def test_an_id_no_one_can_type_back_is_one_problem_where_it_is_defined(
    write_workspace: WriteWorkspace, written: str, how: str, how_zh: str
) -> None:
    org = ORG.replace('id = "cm02"', f'id = "{written}"')
    okrs = OKRS.replace("target = 360\n", "")
    okrs = okrs.replace('unit = "户"\n', 'unit = "户"\nmembers = { cm01 = 200, cm02 = 160 }\n')
    problem = only_problem(write_workspace({"org.toml": org, "okrs.toml": okrs}))
    assert str(problem) == (
        f'targets/org.toml:19: people[{written}].id: "{written}" {how}, which nobody types when '
        'naming it; write "cm02"'
    )
    assert problem.text("zh").endswith(f'"{written}" {how_zh}，引用它时很难写对；请写作 "cm02"')


def test_a_bare_key_in_full_width_letters_says_which_letter_to_write(
    write_workspace: WriteWorkspace,
) -> None:
    okrs = OKRS.replace("target = 360\n", "").replace(
        'unit = "户"\n', 'unit = "户"\nmembers = { ｃｍ01 = 200, cm02 = 160 }\n'
    )
    assert str(only_problem(write_workspace({"okrs.toml": okrs}))) == (
        "targets/okrs.toml:11: TOML syntax: found the full-width ｃ; write c (column 13); the "
        "whole line, as TOML reads it: members = { cm01 = 200, cm02 = 160 }"
    )


def test_a_cycle_in_the_org_tree_is_not_also_a_member_counted_twice(
    write_workspace: WriteWorkspace,
) -> None:
    org = ORG.replace('level = "branch"\n', 'level = "branch"\nparent = "team-a"\n', 1)
    org += '\n[[units]]\nid = "team-b"\nname = "财富管理二部"\nlevel = "team"\nparent = "branch"\n'
    okrs = OKRS.replace("target = 360\n", "").replace(
        'unit = "户"\n', 'unit = "户"\nmembers = { team-a = 200, team-b = 150, team-c = 10 }\n'
    )
    result = load_plan(write_workspace({"org.toml": org, "okrs.toml": okrs}), None)
    assert [str(p) for p in result.problems] == [
        "targets/okrs.toml:11: objectives[O1].key_results[KR1].members.team-c: no unit or person "
        '"team-c" (did you mean "team-a" or "team-b"?)',
        "targets/org.toml:5: units[branch].parent: the org tree has a cycle: branch → team-a "
        "→ branch",
    ]


def test_members_written_as_an_array_of_tables_is_that_one_problem(
    write_workspace: WriteWorkspace,
) -> None:
    okrs = OKRS.replace("target = 360\n", "").replace(
        'unit = "户"\n', 'unit = "户"\n[[objectives.key_results.members]]\ncm01 = 200\n', 1
    )
    assert str(only_problem(write_workspace({"okrs.toml": okrs}))) == (
        "targets/okrs.toml:11: objectives[O1].key_results[KR1].members: expected a table, got "
        "an array of tables: write [objectives.key_results.members], with single brackets, once"
    )


def test_an_empty_members_table_and_no_target_is_still_a_missing_target(
    write_workspace: WriteWorkspace,
) -> None:
    okrs = OKRS.replace("target = 360\n", "").replace(
        'unit = "户"\n', 'unit = "户"\nmembers = {}\n', 1
    )
    assert str(only_problem(write_workspace({"okrs.toml": okrs}))) == (
        "targets/okrs.toml:6: objectives[O1].key_results[KR1].target: missing; give a target "
        "or a [members] table of targets"
    )


NNA = """
[[objectives.key_results]]
id = "NNA"
title = "净新增资产"
target = 45e8
unit = "{unit}"
"""


def test_a_figure_in_yuan_written_in_a_key_result_in_yi_is_refused(
    write_workspace: WriteWorkspace,
) -> None:
    nna = NNA.format(unit="亿元")
    problem = only_problem(write_workspace({"okrs.toml": OKRS + nna}))
    assert str(problem) == (
        "targets/okrs.toml:25: objectives[O1].key_results[NNA].target: 4500000000 亿元 is more "
        "money than China's whole stock market is worth; if 4500000000 is in 元, write 45"
    )
    assert problem.text("zh").endswith(
        "4500000000 亿元 比整个 A 股市值还多；若 4500000000 是以元计的数，请写 45"
    )


def test_the_same_figure_in_yuan_is_a_target(write_workspace: WriteWorkspace) -> None:
    nna = NNA.format(unit="元")
    assert load_plan(write_workspace({"okrs.toml": OKRS + nna}), None).problems == ()


def test_a_figure_quoted_in_full_width_digits_is_named_with_the_number_to_write(
    write_workspace: WriteWorkspace,
) -> None:
    okrs = OKRS.replace("target = 360", 'target = "３６０"')
    assert str(only_problem(write_workspace({"okrs.toml": okrs}))) == (
        "targets/okrs.toml:10: objectives[O1].key_results[KR1].target: expected a number, got "
        "a string ('３６０'); write target = 360, without quotes, in the table's unit "
        '(unit = "户")'
    )


TEAM_B = """
[[units]]
id = "team-b"
name = "财富管理二部"
level = "team"
parent = "branch"

[[people]]
id = "cm03"
name = "赵敏"
unit = "team-b"
"""


@pytest.mark.parametrize(
    ("right", "wrong", "line"),
    [("[[units]]", "[[unit]]", 23), ("[[people]]", "[[peple]]", 29)],
)
def test_a_misspelt_section_is_one_problem_not_one_per_id_it_defines(
    write_workspace: WriteWorkspace, right: str, wrong: str, line: int
) -> None:
    org = ORG + TEAM_B.replace(right, wrong)
    okrs = OKRS.replace("target = 360\n", "").replace(
        'unit = "户"\n', 'unit = "户"\nmembers = { team-a = 200, cm03 = 160 }\n'
    )
    found = load_plan(write_workspace({"org.toml": org, "okrs.toml": okrs}), None).problems
    assert [(p.file, p.line, p.key) for p in found] == [("targets/org.toml", line, wrong[2:-2])]


def test_every_mistake_in_every_file_is_listed_in_one_run_in_file_and_line_order(
    write_workspace: WriteWorkspace,
) -> None:
    root = write_workspace(
        {
            "okrs.toml": OKRS.replace('owner = "branch"', 'owner = "branch"\nweigth = 2'),
            "plan.toml": PLAN.replace("start = 2026-07-01", "start = 2026-07-15"),
            "budget.toml": BUDGET.replace("amount = 519", 'amount = "519万"'),
            "team.toml": '[[objectives]]\nid = "A1"\ntitle = "一部"，\nowner = "team-a"\n',
        }
    )
    done = okrdesk(root, "validate", "--lang", "en")
    assert done.returncode == 2
    lines = done.stdout.rstrip("\n").split("\n")
    assert lines[0::3][:-1] == [
        "targets/budget.toml:18: budget.lines[training].amount: expected a number, got a string "
        "('519万'); write amount = 519, without quotes, in the budget's unit (unit = \"万元\" "
        "at line 2)",
        'targets/okrs.toml:5: objectives[O1].weigth: unknown key (did you mean "weight"?); '
        "expected one of: id, title, owner, weight, cadence, key_results",
        "targets/plan.toml:22: phases[Q3].start: the days from 2026-07-01 to 2026-07-14 belong "
        "to no phase; phase Q3 should start 2026-07-01, or phase Q2 end 2026-07-14",
        "targets/team.toml:3: TOML syntax: found the full-width ，; write , (column 13)",
    ]
    # Each problem is followed by its line of the file and a caret under the mistake.
    assert lines[1::3][:4] == [
        '    amount = "519万"',
        "    weigth = 2",
        "    start = 2026-07-15",
        '    title = "一部"，',
    ]
    assert lines[2::3][:4] == [
        "    ^",
        "    ^",
        "    ^",
        " " * 18 + "^",
    ]  # 一部 is four columns wide
    assert lines[-1] == "5 files checked, 4 problems."
    chinese = okrdesk(root, "validate").stdout.rstrip("\n").split("\n")
    assert chinese[-1] == "已检查 5 个文件，共 4 处问题。"
    assert (
        chinese[9]
        == "targets/team.toml:3: TOML 语法错误：发现全角字符 ，；请改用半角的 ,（第 13 列）"
    )
    refused_alike(root)


@pytest.mark.parametrize(
    ("written", "key"),
    [('year = "2026年"', "plan.year"), ('grain = "月"', "plan.grain"), ("[plna]", "plna")],
)
def test_a_plan_with_a_mistake_is_not_also_a_missing_plan(
    write_workspace: WriteWorkspace, written: str, key: str
) -> None:
    wrong = written.split(" = ")[0] if " = " in written else "[plan]"
    right = {"year": "year = 2026", "grain": 'unit = "branch"', "[plan]": "[plan]"}[wrong]
    plan = PLAN.replace(right, written if wrong != "grain" else f"{right}\n{written}")
    problem = only_problem(write_workspace({"plan.toml": plan}))
    assert (problem.file, problem.key) == ("targets/plan.toml", key)


def test_a_date_with_a_time_of_day_says_to_write_the_date_alone(
    write_workspace: WriteWorkspace,
) -> None:
    plan = PLAN.replace("end = 2026-03-31", "end = 2026-03-31 00:00:00")
    assert str(only_problem(write_workspace({"plan.toml": plan}))) == (
        "targets/plan.toml:11: phases[Q1].end: expected a date such as 2026-03-31, got a "
        "date-time (2026-03-31T00:00:00); write 2026-03-31 without the time"
    )


def test_a_target_file_saved_as_toml_txt_is_warned_of_not_dropped_unseen(
    write_workspace: WriteWorkspace,
) -> None:
    team = '[[objectives]]\nid = "A1"\ntitle = "一部"\nowner = "team-a"\n'
    root = write_workspace({"team.toml.txt": team, "TEAM-B.TOML": team.replace("A1", "B1")})
    done = okrdesk(root, "validate", "--lang", "en")
    assert done.returncode == 0, done.stdout
    assert done.stdout.splitlines()[:2] == [
        "warning: targets/TEAM-B.TOML: is not read: only files ending in .toml are; if it "
        "belongs to the plan, rename it TEAM-B.toml",
        "warning: targets/team.toml.txt: is not read: only files ending in .toml are; if it "
        "belongs to the plan, rename it team.toml",
    ]
    again = okrdesk(root, "validate", "--lang", "en")  # now from the plan kept in the cache
    (root / "targets" / "notes.toml.txt").write_text("# 备忘\n", encoding="utf-8")
    assert "notes.toml.txt" in okrdesk(root, "validate", "--lang", "en").stdout
    assert "team.toml.txt" in again.stdout


@pytest.mark.parametrize(
    ("make", "said"),
    [
        (lambda path: path.symlink_to("../shared/okrdesk.toml"),
         "okrdesk.toml: links to ../shared/okrdesk.toml, which does not exist; restore that file "
         "or remove the link"),
        (lambda path: path.symlink_to("okrdesk.toml"),
         "okrdesk.toml: links to okrdesk.toml, which leads round a loop of links and never to a "
         "file; point the link at the file or remove it"),
        (lambda path: path.mkdir(), "okrdesk.toml: cannot be read: Is a directory"),
    ],
)  # fmt: skip
def test_settings_that_cannot_be_read_are_a_problem_not_silently_the_defaults(
    write_workspace: WriteWorkspace, make: Callable[[Path], None], said: str
) -> None:
    root = write_workspace()
    make(root / "okrdesk.toml")
    assert problems(root) == [said]
    refused_alike(root)


def test_a_percentage_with_the_full_width_percent_sign_says_what_to_write(
    write_workspace: WriteWorkspace,
) -> None:
    okrs = OKRS.replace("Q2 = 0.45,", "Q2 = 45％,")
    assert str(only_problem(write_workspace({"okrs.toml": okrs}))) == (
        "targets/okrs.toml:12: TOML syntax: 45％ is not a TOML number: write Q2 = 0.45 (column 23)"
    )


def test_an_unresolved_git_merge_conflict_is_named_as_one_at_each_conflict(
    write_workspace: WriteWorkspace,
) -> None:
    ours_theirs = "<<<<<<< HEAD\ntarget = 360\n=======\ntarget = 400\n>>>>>>> wm1-update\n"
    okrs = OKRS.replace("target = 360\n", ours_theirs)
    okrs = okrs.replace("target = 0.15\n", "<<<<<<< HEAD\ntarget = 0.15\n=======\n>>>>>>> b\n")
    root = write_workspace({"okrs.toml": okrs})
    assert problems(root) == [
        "targets/okrs.toml:10: an unresolved git merge conflict (lines 10 to 14): keep the lines "
        "you want and delete the <<<<<<<, ======= and >>>>>>> lines",
        "targets/okrs.toml:23: an unresolved git merge conflict (lines 23 to 26): keep the lines "
        "you want and delete the <<<<<<<, ======= and >>>>>>> lines",
    ]
    assert problems(root, "zh")[0] == (
        "targets/okrs.toml:10: 有未解决的 git 合并冲突（第 10 至 14 行）：保留需要的内容，"
        "删除 <<<<<<<、=======、>>>>>>> 这几行"
    )
    refused_alike(root)


@pytest.mark.parametrize(
    ("old", "new", "said"),
    [
        ('unit = "branch"', 'unit = "branch"\ngrain = "月"', 'plan.grain: "月" is not allowed '
         '(did you mean "month"?); expected one of: week, month, quarter'),
        ("year = 2026", 'year = "2026年"', "plan.year: expected a whole number, got a string "
         "('2026年'); write 2026 without quotes"),
    ],
)  # fmt: skip
def test_a_plan_key_written_in_chinese_words_says_what_to_write(
    write_workspace: WriteWorkspace, old: str, new: str, said: str
) -> None:
    problem = only_problem(write_workspace({"plan.toml": PLAN.replace(old, new)}))
    assert str(problem).split(": ", 1)[1] == said


def test_a_direction_written_in_chinese_suggests_the_word_to_write(
    write_workspace: WriteWorkspace,
) -> None:
    okrs = OKRS.replace('direction = "at_most"', 'direction = "不超过"')
    problem = only_problem(write_workspace({"okrs.toml": okrs}))
    assert problem.text("zh").endswith(
        '不能是 "不超过"（是不是“at_most”？）；可选：at_least, at_most, within'
    )


@pytest.mark.parametrize(
    ("pasted", "said"),
    [
        ("\u00a0", "found a no-break space; write a plain space (column 7)"),
        ("\u200b", "found an invisible U+200B; delete it (column 7)"),
    ],
)
def test_a_character_pasted_from_a_web_page_is_named(
    write_workspace: WriteWorkspace, pasted: str, said: str
) -> None:
    okrs = OKRS.replace("target = 360", f"target{pasted}= 360")
    assert str(only_problem(write_workspace({"okrs.toml": okrs}))) == (
        f"targets/okrs.toml:10: TOML syntax: {said}"
    )


def test_an_id_with_an_invisible_character_names_the_id_to_write(
    write_workspace: WriteWorkspace,
) -> None:
    org = ORG.replace('id = "cm02"', 'id = "cm02\u200b"')
    assert str(only_problem(write_workspace({"org.toml": org}))) == (
        'targets/org.toml:19: people[cm02\\u200b].id: "cm02\\u200b" holds an invisible '
        'character, which nobody types when naming it; write "cm02"'
    )


def test_shares_adding_up_to_one_before_the_plan_ends_are_a_curve_that_rises_after(
    write_workspace: WriteWorkspace,
) -> None:
    """After its last point a curve rises to 1.0 at the plan's end: { Q2 = 0.45, Q3 =
    0.55 } is a valid curve, whichever way it was meant."""
    okrs = OKRS.replace("Q2 = 0.45, Q3 = 0.70, Q4 = 1.0", "Q2 = 0.45, Q3 = 0.55")
    okrs = okrs.replace(
        'unit = "户"\n', 'unit = "户"\ncalendar = { 2026-03 = 0.4, 2026-06 = 0.6 }\n'
    )
    result = load_plan(write_workspace({"okrs.toml": okrs}), None)
    assert result.problems == ()


def test_a_file_that_does_not_read_hides_only_what_it_defines(
    write_workspace: WriteWorkspace,
) -> None:
    """A syntax error in one file used to silence every "no such id" in the others: a
    misspelt owner elsewhere waited for the next run. Ids the broken file writes are
    taken as defined; the rest are checked."""
    team = '[[units]]\nid = "team-b"\nname = "二部"\nlevel = "team"\nparent = "branch"，\n'
    okrs = OKRS.replace("target = 360\n", "").replace(
        'unit = "户"\n', 'unit = "户"\nmembers = { team-b = 160 }\n'
    )
    okrs += '\n[[objectives]]\nid = "O2"\ntitle = "二部"\nowner = "team-b"\n'
    okrs += '\n[[objectives]]\nid = "O3"\ntitle = "三部"\nowner = "team-c"\n'
    root = write_workspace({"team-b.toml": team, "okrs.toml": okrs})
    assert [p.text("en") for p in load_plan(root, None).problems] == [
        'targets/okrs.toml:30: objectives[O3].owner: no unit or person "team-c" (did you mean '
        '"team-a"?)',
        "targets/team-b.toml:5: TOML syntax: found the full-width ，; write , (column 18)",
    ]


SCORING = """
[[scoring]]
id = "cm-monthly"
name = "客户经理月度考核"
roles = [{roles}]

  [[scoring.components]]
  metric = "new_hnw_clients"
  weight = 1
  standard = 5
  unit = "户"
"""


def test_a_scoring_role_misspelt_is_a_problem_not_a_policy_that_scores_nobody(
    write_workspace: WriteWorkspace,
) -> None:
    root = write_workspace({"scoring.toml": SCORING.format(roles='"CM"')})
    assert str(only_problem(root)) == (
        'targets/scoring.toml:5: scoring[cm-monthly].roles[0]: no person has the role "CM" '
        '(did you mean "cm"?); as written, the policy scores none of the people whose role '
        'is "cm"'
    )


def test_a_scoring_role_is_checked_while_another_file_does_not_read(
    write_workspace: WriteWorkspace,
) -> None:
    # team-b.toml stops at its full-width comma; its people's roles are taken from its text.
    team = (
        '[[units]]\nid = "team-b"\nname = "二部"\nlevel = "team"\nparent = "branch"，\n'
        '[[people]]\nid = "wangwu"\nname = "王五"\nunit = "team-b"\nrole = "ia"\n'
    )
    scoring = SCORING.format(roles='"CM", "ia"')
    root = write_workspace({"team-b.toml": team, "scoring.toml": scoring})
    result = load_plan(root, None)
    assert [p.text("en") for p in result.problems] == [
        'targets/scoring.toml:5: scoring[cm-monthly].roles[0]: no person has the role "CM" '
        '(did you mean "cm"?); as written, the policy scores none of the people whose role '
        'is "cm"',
        "targets/team-b.toml:5: TOML syntax: found the full-width ，; write , (column 18)",
    ]
    assert result.warnings == ()


def test_a_scoring_role_nobody_has_yet_is_a_warning(write_workspace: WriteWorkspace) -> None:
    root = write_workspace({"scoring.toml": SCORING.format(roles='"cm", "客户经理助理"')})
    result = load_plan(root, None)
    assert result.problems == ()
    assert [w.text("zh") for w in result.warnings] == [
        'targets/scoring.toml:5: scoring[cm-monthly].roles[1]: 没有人员的角色是 "客户经理助理"；'
        "这个考核方案不会按它考核任何人"
    ]


def test_a_figure_in_brackets_is_not_taken_for_text(write_workspace: WriteWorkspace) -> None:
    problem = only_problem(write_workspace({"okrs.toml": OKRS.replace("360", "(360)")}))
    assert "double quotes" not in str(problem)


@pytest.mark.parametrize(
    ("old", "new", "line", "said"),
    [
        ('title = "直营 AUM 净增"', "title = 做大高净值客户  # 年度", 3,
         'title = "做大高净值客户" (column 9)'),
        ('unit = "户"', "unit = 户", 11, 'unit = "户" (column 8)'),
        ('milestones = { Q2 = 0.45,', "milestones = { Q2 = 0.45, Q3 = 七成,", 12,
         'Q3 = "七成" (column 32); a number, in digits (2, 0.7)'),
        ('metric = "new_hnw_clients"', "metric = [new_hnw_clients]", 9,
         '"new_hnw_clients" (column 11); a number, in digits (2, 0.7)'),
    ],
)  # fmt: skip
def test_text_written_without_quotes_is_shown_with_them(
    write_workspace: WriteWorkspace, old: str, new: str, line: int, said: str
) -> None:
    problem = only_problem(write_workspace({"okrs.toml": OKRS.replace(old, new)}))
    assert (
        str(problem)
        == f"targets/okrs.toml:{line}: TOML syntax: text is written in double quotes: {said}"
    )


@pytest.mark.parametrize(
    ("written", "dot", "fixed"),
    [("O1．KR1", "．", "KR1"), ("O1。KR1", "。", "KR1"), ("O1.KR1", ".", "KR1"),
     ("KR1．b", "．", "KR1-b")],
)  # fmt: skip
def test_a_dot_in_a_key_result_id_is_one_problem_whose_id_reads(
    write_workspace: WriteWorkspace, written: str, dot: str, fixed: str
) -> None:
    """A Chinese input method types the dot of O1.KR1 as ． or 。: that was three problems,
    one suggesting "O1.KR1", which the next run refused for its dot."""
    okrs = OKRS.replace('id = "KR1"', f'id = "{written}"')
    budget = BUDGET.replace('["O1.KR1"]', f'["O1.{fixed}"]')
    root = write_workspace({"okrs.toml": okrs, "budget.toml": budget})
    assert problems(root) == [
        f"targets/okrs.toml:7: objectives[O1].key_results[{written}].id: must not contain "
        f"'{dot}'; the full id is <objective>.<id>; write \"{fixed}\", and its full id is "
        f"O1.{fixed}"
    ]
    assert problems(root, "zh") == [
        f"targets/okrs.toml:7: objectives[O1].key_results[{written}].id: 不能包含 '{dot}'；"
        f'完整的 id 是 <objective>.<id>；请写作 "{fixed}"，其完整 id 即为 O1.{fixed}'
    ]
    (root / "targets" / "okrs.toml").write_text(okrs.replace(written, fixed), encoding="utf-8")
    done = okrdesk(root, "validate", "--lang", "en")
    assert done.returncode == 0, done.stdout


def test_a_dot_in_an_id_written_in_full_width_letters_too_is_still_one_problem(
    write_workspace: WriteWorkspace,
) -> None:
    root = write_workspace({"okrs.toml": OKRS.replace('id = "O1"', 'id = "Ｏ1．2"')})
    assert [p.text("en") for p in load_plan(root, None).problems] == [
        'targets/budget.toml:11: budget.lines[salons].key_results[0]: no key result "O1.KR1" '
        '(did you mean "O1-2.KR1"?)',
        'targets/okrs.toml:2: objectives[Ｏ1．2].id: "Ｏ1．2" is written with full-width '
        "characters and must not contain '．'; key results are named <objective>.<id>; write "
        '"O1-2"',
    ]


@pytest.mark.parametrize(("old", "written"), [('id = "KR1"', "."), ('id = "O1"', "。")])
def test_an_id_of_dots_alone_is_a_problem_asking_for_letters_and_digits(
    write_workspace: WriteWorkspace, old: str, written: str
) -> None:
    """Its dots taken out, nothing was left: a key result's stopped validate with a
    traceback, an objective's suggested the id "" to write."""
    root = write_workspace({"okrs.toml": OKRS.replace(old, f'id = "{written}"', 1)})
    found = [line for line in problems(root) if ".id: " in line]
    assert len(found) == 1
    assert found[0].endswith(
        f"must not contain '{written}'; write an id of letters and digits, as O1 or KR1"
    )
    found_zh = [line for line in problems(root, "zh") if ".id: " in line]
    assert found_zh[0].endswith(f"不能包含 '{written}'；请写由字母和数字组成的 id，如 O1、KR1")


def test_a_calendar_written_in_percent_is_one_problem_at_its_first_month(
    write_workspace: WriteWorkspace,
) -> None:
    """A calendar split over the months in percent was twelve problems, one a month."""
    months = "\n".join(f"2026-{m:02d} = {m * 25 // 3}" for m in range(1, 12)) + "\n2026-12 = 100"
    okrs = OKRS + f"\n[objectives.key_results.calendar]\n{months}\n"
    root = write_workspace({"okrs.toml": okrs})
    fractions = ", ".join(f"2026-{m:02d} = {m * 25 // 3 / 100:g}" for m in range(1, 12))
    assert problems(root) == [
        "targets/okrs.toml:23: objectives[O1].key_results[KR2].calendar: written in percent "
        "(8, 16, 25, 33, 41, 50, 58, 66, 75, 83, 91, 100), but a calendar holds fractions of the "
        f"whole, between 0 and 1; write {fractions} and 2026-12 = 1.0, one a line below "
        "[objectives.key_results.calendar]"
    ]
    fixed = OKRS + f"\ncalendar = {{ {fractions}, 2026-12 = 1.0 }}\n"
    (root / "targets" / "okrs.toml").write_text(fixed, encoding="utf-8")
    assert okrdesk(root, "validate", "--lang", "en").returncode == 0


@pytest.mark.parametrize(
    ("written", "meant"),
    [("Q2 = 45, Q3 = 70, Q4 = 100", "Q2 = 0.45, Q3 = 0.7, Q4 = 1.0"),
     ("Q2 = 45, Q3 = 70, Q4 = 1.0", "Q2 = 0.45, Q3 = 0.7, Q4 = 1.0")],
)  # fmt: skip
def test_milestones_written_in_percent_are_one_problem_naming_the_fractions(
    write_workspace: WriteWorkspace, written: str, meant: str
) -> None:
    okrs = OKRS.replace("Q2 = 0.45, Q3 = 0.70, Q4 = 1.0", written)
    problem = only_problem(write_workspace({"okrs.toml": okrs}))
    figures = written.replace("Q2 = ", "").replace("Q3 = ", "").replace("Q4 = ", "")
    assert str(problem) == (
        f"targets/okrs.toml:12: objectives[O1].key_results[KR1].milestones: written in percent "
        f"({figures}), but milestones hold fractions of the whole, between 0 and 1; write "
        f"{{ {meant} }}"
    )
    assert problem.text("zh").endswith(
        f"milestones: 写成了百分数（{figures.replace(', ', '、')}），但里程碑写的是占全部的比例，"
        f"为 0 到 1 之间的小数；请写 {{ {meant} }}"
    )


def test_a_schedule_in_percent_below_its_own_header_is_told_at_its_first_phase(
    write_workspace: WriteWorkspace,
) -> None:
    schedule = "[budget.lines.schedule]\nQ1 = 30\nQ2 = 60\nQ3 = 80\nQ4 = 100\n"
    budget = BUDGET.replace("market_activity = true\n", f"market_activity = true\n{schedule}")
    assert str(only_problem(write_workspace({"budget.toml": budget}))) == (
        "targets/budget.toml:14: budget.lines[salons].schedule: written in percent (30, 60, 80, "
        "100), but a schedule holds fractions of the whole, between 0 and 1; write "
        "Q1 = 0.3, Q2 = 0.6, Q3 = 0.8 and Q4 = 1.0, one a line below [budget.lines.schedule]"
    )


def test_a_key_result_key_below_milestones_in_percent_is_not_one_of_its_fractions(
    write_workspace: WriteWorkspace,
) -> None:
    header = "[objectives.key_results.milestones]\nQ2 = 45\nQ3 = 70\nQ4 = 100\nweight = 2\n"
    okrs = OKRS.replace("milestones = { Q2 = 0.45, Q3 = 0.70, Q4 = 1.0 }\n", header)
    assert [str(p) for p in load_plan(write_workspace({"okrs.toml": okrs}), None).problems] == [
        "targets/okrs.toml:13: objectives[O1].key_results[KR1].milestones: written in percent "
        "(45, 70, 100), but milestones hold fractions of the whole, between 0 and 1; write "
        "Q2 = 0.45, Q3 = 0.7 and Q4 = 1.0, one a line below [objectives.key_results.milestones]",
        'targets/okrs.toml:16: objectives[O1].key_results[KR1].milestones.weight: "weight" is a '
        "key of the key result itself: write it above the [objectives.key_results.milestones] "
        "header (every key below that header is a phase)",
    ]


def test_a_folder_named_like_a_target_file_is_a_problem_naming_what_it_holds(
    write_workspace: WriteWorkspace,
) -> None:
    """A team's file unpacked into a folder of its own name was skipped without a word:
    the plan lacked the team's targets and nobody knew."""
    root = write_workspace()
    assert okrdesk(root, "validate", "--lang", "en").returncode == 0  # the plan is now cached
    folder = root / "targets" / "team-b.toml"
    folder.mkdir()
    (folder / "team-b.toml").write_text('[[objectives]]\nid = "B1"\n', encoding="utf-8")
    (root / "targets" / "old.toml").mkdir()
    (root / "targets" / "old.toml" / "older.toml").mkdir()  # a folder in it is no file
    assert problems(root) == [
        "targets/old.toml: is a folder, not a file, and holds no .toml file: a folder named "
        "like a target file is not read; rename it without .toml or remove it",
        "targets/team-b.toml: is a folder, not a file: only the .toml files directly inside "
        "targets/ are read, so the team-b.toml in it is not; move it up into targets/ and "
        "remove the folder",
    ]
    assert problems(root, "zh")[1] == (
        "targets/team-b.toml: 是文件夹，不是文件：只读取 targets/ 下直接存放的 .toml 文件，"
        "其中的 team-b.toml 不会被读取；请移到 targets/ 下，并删除这个文件夹"
    )
    refused_alike(root)


TEAM_B_LED = TEAM_B.replace('parent = "branch"\n', 'parent = "branch"\nlead = "{lead}"\n')


def test_a_lead_copied_with_a_sibling_teams_block_is_warned_of_at_the_lead(
    write_workspace: WriteWorkspace,
) -> None:
    """One person leading two teams, sitting in one of them, is how small branches work
    (兼任), so it is valid; but it is also what a copied [[units]] block whose lead was
    left as it was looks like, so validate says which it may be."""
    root = write_workspace({"org.toml": ORG + TEAM_B_LED.format(lead="cm01")})
    done = okrdesk(root, "validate", "--lang", "en")
    assert done.returncode == 0, done.stdout
    assert done.stdout.splitlines()[0] == (
        'warning: targets/org.toml:28: units[team-b].lead: "cm01" is the lead of "team-a", a '
        'member there, not of "team-b" or a unit above or below it: if this block was copied '
        "from team-a's, write team-b's own lead; if cm01 leads both, this is right"
    )
    root = write_workspace({"org.toml": ORG + TEAM_B_LED.format(lead="cm02")})
    assert [w.text("zh") for w in load_plan(root, None).warnings] == [
        'targets/org.toml:28: units[team-b].lead: "cm02" 是 "team-a" 的成员，不属于 "team-b"，'
        "也不属于它的上级或下级单位：如果 cm02 确实从那里负责 team-b，这样写没错；"
        "否则请写 team-b 自己的负责人"
    ]


def test_a_lead_from_above_or_below_the_unit_is_no_warning(
    write_workspace: WriteWorkspace,
) -> None:
    """The branch manager, a member of the branch, acting lead of a team; a team's lead
    who also leads the branch (the branch's lead sits in a team below it)."""
    manager = '\n[[people]]\nid = "bm"\nname = "周总"\nunit = "branch"\n'
    org = ORG.replace('level = "branch"\n', 'level = "branch"\nlead = "cm01"\n', 1)
    root = write_workspace({"org.toml": org + TEAM_B_LED.format(lead="bm") + manager})
    result = load_plan(root, None)
    assert (result.problems, result.warnings) == ((), ())


@pytest.mark.parametrize("written", ["cm05", "cm05  # 孙五"])
def test_a_member_whose_id_is_the_mistake_that_stops_its_file_reading_waits_for_it(
    write_workspace: WriteWorkspace, written: str
) -> None:
    """id = cm05, without quotes: the file does not read, and cm05's member target in
    another file was said to name nobody, a second problem the fix of the first undoes."""
    team_b = '[[units]]\nid = "team-b"\nname = "二部"\nlevel = "team"\nparent = "branch"\n'
    team_b += f'\n[[people]]\nid = {written}\nname = "孙五"\nunit = "team-b"\n'
    okrs = OKRS.replace('unit = "户"\n', 'unit = "户"\nmembers = { cm05 = 3 }\n', 1)
    root = write_workspace({"team-b.toml": team_b, "okrs.toml": okrs})
    found = problems(root)
    assert len(found) == 1 and found[0].startswith("targets/team-b.toml:8: "), found


def test_a_file_that_does_not_read_leaves_the_other_member_targets_checked(
    write_workspace: WriteWorkspace,
) -> None:
    """A syntax error in one file used to stop every member target being checked against
    the tree, so a misspelt member waited for the next run. Members the broken file may
    define, or whose place in the tree runs through a unit nobody read, wait for it."""
    team_b = '[[units]]\nid = "team-b"\nname = "二部"\nlevel = "team"\nparent = "branch"，\n'
    team_b += '\n[[people]]\nid = "cm05"\nname = "孙五"\nunit = "team-b"\n'
    org = ORG + '\n[[people]]\nid = "cm06"\nname = "钱六"\nunit = "team-c"\n'
    org += '\n[[units]]\nid = "team-d"\nname = "四部"\nlevel = "team"\nparent = "branch"\n'
    org += '\n[[people]]\nid = "cm07"\nname = "周七"\nunit = "team-d"\n'
    okrs = OKRS.replace("target = 360\n", "").replace(
        'unit = "户"\n', 'unit = "户"\nmembers = { team-b = 160, taem-a = 5, cm05 = 3, cm06 = 4 }\n'
    )
    okrs += '\n[[objectives]]\nid = "O2"\ntitle = "一部"\nowner = "team-a"\n'
    okrs += '\n[[objectives.key_results]]\nid = "KR1"\ntitle = "开户"\nunit = "户"\n'
    okrs += "members = { cm02 = 3, cm05 = 2, cm07 = 1 }\n"
    root = write_workspace({"team-b.toml": team_b, "okrs.toml": okrs, "org.toml": org})
    assert problems(root) == [
        'targets/okrs.toml:11: objectives[O1].key_results[KR1].members.taem-a: "taem-a" is not '
        'a unit or person below "branch" (did you mean "team-a"?)',
        'targets/okrs.toml:31: objectives[O2].key_results[KR1].members.cm07: "cm07" is not a '
        'unit or person below "team-a" (did you mean "cm01" or "cm02"?)',
        'targets/org.toml:26: people[cm06].unit: no unit "team-c" (did you mean "team-a" or '
        '"team-d"?)',
        "targets/team-b.toml:5: TOML syntax: found the full-width ，; write , (column 18)",
    ]


MOVED = OKRS.replace(
    '[[objectives.key_results]]\nid = "KR2"',
    '[[objectives]]\nid = "O2"\ntitle = "服务质量"\nowner = "branch"\n\n'
    '[[objectives.key_results]]\nid = "KR2"',
)
MOVED = MOVED.replace(
    '[[objectives.key_results]]\nid = "KR1"',
    '[[objectives.key_results]]\nid = "KR0"\ntitle = "开户"\ntarget = 5\nunit = "户"\n\n'
    '[[objectives]]\nid = "O3"\ntitle = "高净值"\nowner = "branch"\n\n'
    '[[objectives.key_results]]\nid = "KR1"',
)

# A manager's first edits of the target files, each one mistake, and all that validate
# says of it (validate --lang en, problem lines only): one problem where the mistake is,
# with what to write.
FIRST_EDITS = {
    "a key written in Chinese": (
        {"okrs.toml": OKRS.replace("target = 360", "目标 = 360")},
        ["targets/okrs.toml:10: TOML syntax: 目标 is not a key: keys are written in English; "
         "write target = 360 (column 1)"],
    ),
    "a key written in Chinese, with a comment after it": (
        {"okrs.toml": OKRS.replace("target = 360", "目标 = 360  # 全年")},
        ["targets/okrs.toml:10: TOML syntax: 目标 is not a key: keys are written in English; "
         "write target = 360 (column 1)"],
    ),
    "a key written in Chinese below a comment pasted with a line separator (U+2028)": (
        {"okrs.toml": "# 全年\u2028（微信粘贴）\n" + OKRS.replace("target = 360", "目标 = 360")},
        ["targets/okrs.toml:11: TOML syntax: 目标 is not a key: keys are written in English; "
         "write target = 360 (column 1)"],
    ),
    "a key written in Chinese, its value not yet written": (
        {"okrs.toml": OKRS.replace("target = 360", "目标 =   # 待定")},
        ["targets/okrs.toml:10: TOML syntax: 目标 is not a key: keys are written in English; "
         "write target, and its value after = (column 1)"],
    ),
    "budget written in Chinese for the budget's total and a line's amount": (
        {"budget.toml": BUDGET.replace("total = 899", "预算 = 899").replace(
            "amount = 519", "预算 = 519")},
        ["targets/budget.toml:3: TOML syntax: 预算 is not a key: keys are written in English; "
         "write total = 899 (column 1)",
         "targets/budget.toml:18: TOML syntax: 预算 is not a key: keys are written in English; "
         "write amount = 519 (column 1)"],
    ),
    "a member's name as its key, without quotes": (
        {"okrs.toml": OKRS.replace("target = 360\n",
                                   "target = 360\n[objectives.key_results.members]\n李雷 = 20\n")},
        ["targets/okrs.toml:12: TOML syntax: 李雷 is not a key TOML reads without quotes: a "
         "member is written by its id, and an id that is not plain letters, digits, - and _ is "
         'quoted: "李雷" = ... (column 1)'],
    ),
    "a key result's key in Chinese below its members' header": (
        {"okrs.toml": OKRS.replace("target = 360\n",
                                   "[objectives.key_results.members]\n目标 = 360\n")},
        ["targets/okrs.toml:11: TOML syntax: 目标 is not a key: keys are written in English; "
         "write target = 360, above the [objectives.key_results.members] header (every key "
         "below it is a member) (column 1)"],
    ),
    "the budget's breaker written in Chinese": (
        {"budget.toml": BUDGET.replace("total = 899", "total = 899\n熔断 = 0.1")},
        ["targets/budget.toml:4: TOML syntax: 熔断 is not a key: keys are written in English; "
         "write breaker_threshold = 0.1 (column 1)"],
    ),
    "a key written in Chinese, in quotes": (
        {"okrs.toml": OKRS.replace("target = 360", '"目标" = 360')},
        ['targets/okrs.toml:10: objectives[O1].key_results[KR1].目标: unknown key (did you mean '
         '"target"?); expected one of: id, title, metric, direction, baseline, target, unit, '
         "band, weight, milestones, scope, members, member_baselines, calendar, guardrail, "
         "level, cadence, window, compare, growth, where, breakdown"],
    ),
    "a comma after the last milestone, as JSON and Python allow": (
        {"okrs.toml": OKRS.replace("Q4 = 1.0 }", "Q4 = 1.0, }")},
        ["targets/okrs.toml:12: TOML syntax: a comma after the last item of { ... }, which TOML "
         "does not allow; delete it (column 46)"],
    ),
    "milestones by the phases' names, as the branch calls them": (
        {"okrs.toml": OKRS.replace("{ Q2 = 0.45, Q3 = 0.70", "{ 深耕 = 0.45, 攻坚 = 0.70")},
        ["targets/okrs.toml:12: TOML syntax: 深耕 is not a key TOML reads without quotes: in "
         "milestones, each phase is named by its id (the id of its [[phases]] table, such as "
         "Q2), not by its name (column 16)"],
    ),
    "a member's name as a key inside { ... }": (
        {"okrs.toml": OKRS.replace("target = 360", 'target = 360\nmembers = { 王芳 = 360 }')},
        ["targets/okrs.toml:11: TOML syntax: 王芳 is not a key TOML reads without quotes: a "
         "member is written by its id, and an id that is not plain letters, digits, - and _ is "
         'quoted: "王芳" = ... (column 13)'],
    ),
    "milestones spread over several lines to read them better": (
        {"okrs.toml": OKRS.replace("{ Q2 = 0.45, Q3 = 0.70, Q4 = 1.0 }",
                                   "{\n    Q2 = 0.45,\n    Q3 = 0.70,\n    Q4 = 1.0\n}")},
        ["targets/okrs.toml:12: TOML syntax: an inline table, { ... }, is written on one line in "
         "TOML: join its lines into one, or write it as a table of its own: "
         "[objectives.key_results.milestones], then one key a line"],
    ),
    "a colon for the equals sign, as YAML writes it": (
        {"okrs.toml": OKRS.replace("target = 360", "target: 360")},
        ["targets/okrs.toml:10: TOML syntax: a key and its value are joined by =, not by ':'; "
         "write target = 360 (column 7)"],
    ),
    "a required key misspelt": (
        {"okrs.toml": OKRS.replace('owner = "branch"', 'ownr = "branch"')},
        ['targets/okrs.toml:4: objectives[O1].ownr: unknown key (did you mean "owner"?); '
         "expected one of: id, title, owner, weight, cadence, key_results"],
    ),
    "the objective's owner written below its key results": (
        {"okrs.toml": OKRS.replace('owner = "branch"\n', "").replace(
            'unit = "‰"', 'unit = "‰"\nowner = "branch"')},
        ["targets/okrs.toml:20: objectives[O1].key_results[KR2].owner: is a key of the "
         "objective, not of a key result: write it in the [[objectives]] table, above its "
         "first [[objectives.key_results]]"],
    ),
    "a budget line's key written below its schedule": (
        {"budget.toml": BUDGET.replace(
            'key_results = ["O1.KR1"]\n',
            '[budget.lines.schedule]\nQ1 = 0.3\nQ4 = 1.0\nkey_results = ["O1.KR1"]\n')},
        ['targets/budget.toml:14: budget.lines[salons].schedule.key_results: "key_results" is '
         "a key of the budget line itself: write it above the [budget.lines.schedule] header "
         "(every key below that header is a phase)",
         'targets/budget.toml:15: budget.lines[salons].schedule.market_activity: '
         '"market_activity" is a key of the budget line itself: write it above the '
         "[budget.lines.schedule] header (every key below that header is a phase)"],
    ),
    "a team's file copied from another, its objective's id left as it was": (
        {"team-b.toml": OKRS.replace('owner = "branch"', 'owner = "team-a"')},
        ['targets/team-b.toml:2: objectives[O1].id: duplicate id "O1"; already defined at '
         "targets/okrs.toml:1: give one of the two an id of its own (its key results' full "
         "ids follow it), or delete the copy"],
    ),
    "a key result moved to another objective, the budget line still naming it by the old": (
        {"okrs.toml": MOVED},
        ['targets/budget.toml:11: budget.lines[salons].key_results[0]: no key result "O1.KR1" '
         '(did you mean "O1.KR0" or "O3.KR1"?)'],
    ),
    "a phase's end mistyped, leaving a gap": (
        {"plan.toml": PLAN.replace("end = 2026-03-31", "end = 2026-01-31")},
        ["targets/plan.toml:16: phases[Q2].start: the days from 2026-02-01 to 2026-03-31 belong "
         "to no phase; phase Q2 should start 2026-02-01, or phase Q1 end 2026-03-31"],
    ),
    "a day that is not in the calendar": (
        {"plan.toml": PLAN.replace("end = 2026-06-30", "end = 2026-06-31")},
        ["targets/plan.toml:17: TOML syntax: 2026-06-31 is not a TOML date: there is no "
         "2026-06-31 in the calendar; write a real day as year-month-day (column 7)"],
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", list(FIRST_EDITS))
def test_a_first_edit_mistake_is_told_where_it_is_with_what_to_write(
    write_workspace: WriteWorkspace, case: str
) -> None:
    files, said = FIRST_EDITS[case]
    root = write_workspace(files)
    assert problems(root) == said
    assert len(problems(root, "zh")) == len(said)


def test_a_title_wrapped_over_lines_with_tabs_is_warned_of_with_the_line_to_write(
    write_workspace: WriteWorkspace,
) -> None:
    title = 'title = """新增\n\t高净值客户\n\t(年度)"""'
    root = write_workspace({"okrs.toml": OKRS.replace('title = "新增高净值客户"', title)})
    done = okrdesk(root, "validate", "--lang", "en")
    assert done.returncode == 0, done.stdout
    assert done.stdout.splitlines()[0] == (
        "warning: targets/okrs.toml:8: objectives[O1].key_results[KR1].title: is written over "
        "several lines, shown as escapes: 新增\\n\\t高净值客户\\n\\t(年度); a title is shown on "
        'one line: write title = "新增高净值客户 (年度)"'
    )


def test_a_file_saved_by_notepad_with_a_bom_and_crlf_is_told_at_its_lines(
    write_workspace: WriteWorkspace,
) -> None:
    okrs = OKRS.replace("target = 360", "target = 三百六").replace("\n", "\r\n")
    root = write_workspace({"okrs.toml": b"\xef\xbb\xbf" + okrs.encode()})
    done = okrdesk(root, "validate", "--lang", "en")
    assert done.returncode == 2
    assert "\r" not in done.stdout
    assert done.stdout.splitlines()[:4] == [
        'targets/okrs.toml:10: TOML syntax: text is written in double quotes: target = "三百六" '
        "(column 10); a number, in digits (2, 0.7)",
        "    target = 三百六",
        "             ^",
        "warning: targets/okrs.toml:1: the file starts with a byte-order mark (BOM); it was "
        "ignored",
    ]


def test_a_team_file_saved_in_gbk_is_told_at_its_first_chinese_line_and_hides_nothing_else(
    write_workspace: WriteWorkspace,
) -> None:
    team = '[[objectives]]\nid = "B1"\ntitle = "二部开户"\nowner = "team-a"\n'
    okrs = OKRS.replace('owner = "branch"', 'owner = "brnach"')
    root = write_workspace({"team-b.toml": team.encode("gbk"), "okrs.toml": okrs})
    assert problems(root) == [
        'targets/okrs.toml:4: objectives[O1].owner: no unit or person "brnach" (did you mean '
        '"branch"?)',
        "targets/team-b.toml:3: not UTF-8 text (byte 0xb6): it seems to be GBK (GB18030); save "
        "the file as UTF-8",
    ]


def test_weights_that_do_not_add_up_to_one_are_read_as_shares_of_their_sum(
    write_workspace: WriteWorkspace,
) -> None:
    """Weights 0.6 and 0.3 (a 0.1 left over), or 40 and 30, are relative: docs/targets.md
    says they need not add up, so they are neither a problem nor a warning."""
    okrs = OKRS.replace('unit = "户"\n', 'unit = "户"\nweight = 40\n')
    okrs = okrs.replace('unit = "‰"\n', 'unit = "‰"\nweight = 30\n')
    okrs = okrs.replace('owner = "branch"\n', 'owner = "branch"\nweight = 0.6\n')
    okrs += '\n[[objectives]]\nid = "O2"\ntitle = "开户"\nowner = "branch"\nweight = 0.3\n'
    okrs += '\n[[objectives.key_results]]\nid = "KR1"\ntitle = "新开户"\ntarget = 60\nunit = "户"\n'
    result = load_plan(write_workspace({"okrs.toml": okrs}), None)
    assert (result.problems, result.warnings) == ((), ())
    assert result.plan is not None
    weights = {o.id: o.weight for o in result.plan.objectives}
    assert weights == {"O1": Decimal("0.6"), "O2": Decimal("0.3")}


@pytest.mark.parametrize(
    ("files", "said"),
    [({"okrs.toml": OKRS.replace("Q2 = 0.45, Q3 = 0.70, Q4 = 1.0", "Q2 = 160, Q3 = 250, Q4 = 360")},
      "targets/okrs.toml:12: objectives[O1].key_results[KR1].milestones: written as figures of "
      "the target (160, 250, 360, of target = 360), but milestones hold fractions of the whole, "
      "between 0 and 1; write { Q2 = 0.44, Q3 = 0.69, Q4 = 1.0 }"),
     ({"budget.toml": BUDGET.replace(
         "amount = 380\n", "amount = 380\nschedule = { Q1 = 100, Q2 = 200, Q4 = 380 }\n")},
      "targets/budget.toml:11: budget.lines[salons].schedule: written as figures of the amount "
      "(100, 200, 380, of amount = 380), but a schedule holds fractions of the whole, between 0 "
      "and 1; write { Q1 = 0.26, Q2 = 0.53, Q4 = 1.0 }")],
)  # fmt: skip
def test_milestones_written_in_figures_of_the_target_are_not_taken_for_percent(
    write_workspace: WriteWorkspace, files: dict[str, str], said: str
) -> None:
    """{ Q2 = 160, Q3 = 250, Q4 = 360 } for a target of 360 is 户 due, not percent: the
    fractions are of the target (a target of 70 written { Q1 = 20, Q2 = 50, Q4 = 70 }
    would read as 0.2, 0.5, 0.7 in percent, which is not what was meant)."""
    assert str(only_problem(write_workspace(files))) == said


@pytest.mark.parametrize(
    ("baseline", "written", "said"),
    [("baseline = 200", "Q2 = 280, Q4 = 360",
      "written as figures on the way from baseline to target (280, 360; baseline = 200, "
      "target = 360), but milestones hold fractions of the whole, between 0 and 1; write "
      "{ Q2 = 0.5, Q4 = 1.0 }"),
     ('direction = "at_most"\nbaseline = 380', "Q2 = 370, Q3 = 365, Q4 = 360",
      "written as figures on the way from baseline to target (370, 365, 360; baseline = 380, "
      "target = 360), but milestones hold fractions of the whole, between 0 and 1; write "
      "{ Q2 = 0.5, Q3 = 0.75, Q4 = 1.0 }")],
)  # fmt: skip
def test_milestones_written_in_figures_are_fractions_of_the_way_from_the_baseline(
    write_workspace: WriteWorkspace, baseline: str, written: str, said: str
) -> None:
    """A milestone is a share of the way from baseline to target: 280 of a way from 200 to
    360 is half of it, where 280 / 360 (0.78) was suggested, a curve far ahead of the one
    meant; from 380 down to 360, 370 and 365 read as percent (0.37, 0.365)."""
    okrs = OKRS.replace("Q2 = 0.45, Q3 = 0.70, Q4 = 1.0", written).replace(
        "target = 360\n", f"{baseline}\ntarget = 360\n", 1
    )
    problem = only_problem(write_workspace({"okrs.toml": okrs}))
    line = 12 + baseline.count("\n") + 1
    assert (
        str(problem)
        == f"targets/okrs.toml:{line}: objectives[O1].key_results[KR1].milestones: {said}"
    )
    assert "从基线到目标值之间的数值" in problem.text("zh")
    assert problem.text("zh").endswith(said.rsplit("write ", 1)[1])


def test_a_phase_start_mistyped_into_the_year_before_is_one_problem_at_it(
    write_workspace: WriteWorkspace,
) -> None:
    """Q4 from 2026-01-10 (for 2026-10-01) overlapped every phase: read in the order of
    their starts it was four problems, one of them a milestone said to decrease."""
    root = write_workspace({"plan.toml": PLAN.replace("start = 2026-10-01", "start = 2026-01-10")})
    assert problems(root) == [
        "targets/plan.toml:28: phases[Q4].start: phase Q4 starts 2026-01-10, before phase Q3 "
        "ends (2026-09-30); phases must not overlap: phase Q4 should start 2026-10-01"
    ]
    assert problems(root, "zh") == [
        "targets/plan.toml:28: phases[Q4].start: 阶段 Q4 从 2026-01-10 开始，早于阶段 Q3 结束"
        "（2026-09-30）；阶段不能重叠：阶段 Q4 应从 2026-10-01 开始"
    ]


def test_a_phase_end_mistyped_to_the_next_ones_never_says_to_start_that_one_after_its_end(
    write_workspace: WriteWorkspace,
) -> None:
    """Q3 ending 2026-12-31 as Q4 does: Q4 was told to start 2027-01-01, after its own end
    and the plan's; only Q3's end can move."""
    root = write_workspace({"plan.toml": PLAN.replace("end = 2026-09-30", "end = 2026-12-31")})
    assert problems(root) == [
        "targets/plan.toml:28: phases[Q4].start: phase Q4 starts 2026-10-01, before phase Q3 "
        "ends (2026-12-31); phases must not overlap: phase Q3 should end 2026-09-30"
    ]
    assert problems(root, "zh") == [
        "targets/plan.toml:28: phases[Q4].start: 阶段 Q4 从 2026-10-01 开始，早于阶段 Q3 结束"
        "（2026-12-31）；阶段不能重叠：阶段 Q3 应到 2026-09-30 结束"
    ]


def test_phases_that_overlap_by_a_fortnight_name_both_ends_to_move(
    write_workspace: WriteWorkspace,
) -> None:
    root = write_workspace({"plan.toml": PLAN.replace("start = 2026-07-01", "start = 2026-06-15")})
    assert problems(root) == [
        "targets/plan.toml:22: phases[Q3].start: phase Q3 starts 2026-06-15, before phase Q2 "
        "ends (2026-06-30); phases must not overlap: phase Q3 should start 2026-07-01, or "
        "phase Q2 end 2026-06-14"
    ]


def test_every_mistake_of_syntax_in_a_file_is_listed_in_one_run(
    write_workspace: WriteWorkspace,
) -> None:
    # Names as member keys, a key in Chinese, a date with spaces: each its line's alone.
    members = "[objectives.key_results.members]\n李雷 = 200\n韩梅 = 160\n"
    root = write_workspace(
        {
            "okrs.toml": OKRS.replace("Q4 = 1.0 }\n", "Q4 = 1.0 }\n" + members).replace(
                "target = 0.15", "目标 = 0.15"
            ),
            "plan.toml": PLAN.replace("end = 2026-03-31", "end = 2026 年 3 月 31 日"),
        }
    )
    assert problems(root) == [
        "targets/okrs.toml:14: TOML syntax: 李雷 is not a key TOML reads without quotes: a "
        "member is written by its id, and an id that is not plain letters, digits, - and _ is "
        'quoted: "李雷" = ... (column 1)',
        "targets/okrs.toml:15: TOML syntax: 韩梅 is not a key TOML reads without quotes: a "
        "member is written by its id, and an id that is not plain letters, digits, - and _ is "
        'quoted: "韩梅" = ... (column 1)',
        "targets/okrs.toml:22: TOML syntax: 目标 is not a key: keys are written in English; "
        "write target = 0.15 (column 1)",
        "targets/plan.toml:11: TOML syntax: 2026 年 3 月 31 日 is not a TOML date: write "
        "2026-03-31 (year-month-day, with two digits for the month and the day) (column 12)",
    ]
    refused_alike(root)


def test_a_mistake_whose_line_opens_a_list_is_the_last_told_in_its_file(
    write_workspace: WriteWorkspace,
) -> None:
    # Left out, the lines after an unclosed [ would read as something they are not.
    opened = OKRS.replace("Q4 = 1.0 }", "Q4 = 1.0 }\nshares = [0.1, 0.2,").replace(
        "target = 0.15", "目标 = 0.15"
    )
    problem = only_problem(write_workspace({"okrs.toml": opened}))
    assert problem.line >= 13


def test_mistakes_of_syntax_are_told_up_to_a_limit(write_workspace: WriteWorkspace) -> None:
    many = "[[objectives]]\n" + "".join(f"目标 = {n}\n" for n in range(30))
    found = load_plan(write_workspace({"okrs.toml": many}), None).problems
    told = [problem for problem in found if problem.file == "targets/okrs.toml"]
    assert [problem.line for problem in told] == [*range(2, 22), 22]
    assert told[-1].message == (
        "TOML syntax: more mistakes of syntax follow from this line; the first 20 are listed "
        "above: fix them and validate again"
    )
