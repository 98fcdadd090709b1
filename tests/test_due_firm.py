"""A head office's `okrdesk due` and `send --due` on a firm of thirty branches whose
managers each owe the same key results: each key result is said once, then who owes it
in each state, by name with the branch, where it was a line a person and a line a key
result (61 lines for 30 managers owing one). Every line fits 80 columns, in Chinese and
English. A real workspace: target files, a SQLite store, the commands."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from okrdesk.cli import cli
from okrdesk.messages import display_width
from okrdesk.store import Store
from sample_workspace import PLAN, WriteWorkspace

DAY = "2026-06-17"
CITIES = ("深圳福田", "广州天河", "上海陆家嘴", "海口国贸", "重庆解放碑", "西安高新", "北京金融街",
          "杭州钱江新城", "南京新街口", "成都天府", "武汉中南", "长沙五一", "厦门思明", "福州五四",
          "济南泉城", "青岛香港中路", "乌鲁木齐新华北路", "昆明北京路", "贵阳中华北路",
          "南宁民族大道", "合肥长江中路", "郑州金水", "太原迎泽", "沈阳青年大街", "大连人民路",
          "哈尔滨中山路", "长春人民大街", "石家庄中山", "天津友谊路", "苏州工业园区")  # fmt: skip
MANAGERS = ("王芳", "李强", "赵敏", "钱伟", "孙丽", "周杰", "吴敏", "郑浩", "冯雪", "陈刚", "褚红",
            "卫东", "蒋涛", "沈静", "韩梅", "杨帆", "朱琳", "秦岭", "尤佳", "许诺", "何亮", "吕萍",
            "施展", "张伟", "孔明", "曹颖", "严冬", "华明", "金鑫", "欧阳晓东")  # fmt: skip
LEADLESS = 17
"""The branch whose manager the plan does not name as its lead: its unit owes."""


def firm_files() -> dict[str, str | None]:
    """The firm's two key results tracked by check-ins, each split among its thirty
    branches: new accounts every month, visits every week (the default)."""
    org = ['[[units]]\nid = "firm"\nname = "华南证券"\nlevel = "firm"\n']
    for b, (city, manager) in enumerate(zip(CITIES, MANAGERS, strict=True), start=1):
        lead = "" if b == LEADLESS else f'lead = "m{b:02d}"\n'
        org.append(f'[[units]]\nid = "b{b:02d}"\nname = "{city}营业部"\nlevel = "branch"\n'
                   f'parent = "firm"\n{lead}')  # fmt: skip
        org.append(f'[[people]]\nid = "m{b:02d}"\nname = "{manager}"\nunit = "b{b:02d}"\n')
    members = "\n".join(f"  b{b:02d} = 1000" for b in range(1, len(CITIES) + 1))
    okrs = f"""
[[objectives]]
id = "F1"
title = "客户数增长"
owner = "firm"

  [[objectives.key_results]]
  id = "KR1"
  title = "新开有效户数（含两融、期权账户，按公司口径）"
  unit = "户"
  cadence = "month"
  [objectives.key_results.members]
{members}

  [[objectives.key_results]]
  id = "KR2"
  title = "高净值客户回访"
  unit = "次"
  [objectives.key_results.members]
{members}
"""
    plan = PLAN.replace('unit = "branch"', 'unit = "firm"').replace("福田营业部", "华南证券")
    return {"org.toml": "\n".join(org), "plan.toml": plan, "okrs.toml": okrs,
            "budget.toml": None}  # fmt: skip


@pytest.fixture
def firm(write_workspace: WriteWorkspace) -> Path:
    """Two branches in three made this week's visit; every fourth branch its new accounts
    of May, on the 20th, the 8th on the 25th; every tenth its June's already."""
    root = write_workspace(firm_files(), plugin=False)
    with Store.open(root / "okrdesk.db") as store:
        for b in range(1, len(CITIES) + 1):
            branch = f"b{b:02d}"
            if b % 3:
                store.add_checkin("F1.KR2", branch, dt.date(2026, 6, 15), 12)
            if b % 4 == 0:
                store.add_checkin("F1.KR1", branch, dt.date(2026, 5, 25 if b == 8 else 20), 300)
            if b % 10 == 0:
                store.add_checkin("F1.KR1", branch, dt.date(2026, 6, 2), 400)
    return root


def run(root: Path, *args: str, columns: int = 80) -> Result:
    done = CliRunner().invoke(cli, [*args, "--as-of", DAY, "-w", str(root)],
                              env={"COLUMNS": str(columns)})  # fmt: skip
    assert done.exit_code == 0, done.output
    return done


NEVER = {"zh": "  自 2026-01-01 起尚无打卡，已缺 5 个月（21 项）：",
         "en": "  none since 2026-01-01, 5 months missed (21):"}  # fmt: skip
NAMED = {"zh": "{manager}（{city}营业部）", "en": "{manager} ({city}营业部)"}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_key_result_owed_by_thirty_managers_is_said_once_with_their_names(
    firm: Path, lang: str
) -> None:
    lines = run(firm, "due", "--lang", lang).stdout.splitlines()
    assert all(display_width(line) <= 80 for line in lines), lines
    assert (
        lines[0]
        == {
            "zh": "2026-06-17 待打卡：37 项，27 人及 1 个未设负责人的单位。",
            "en": "Check-ins owed on 2026-06-17: 37, by 27 people and 1 unit with no lead.",
        }[lang]
    )
    # Each key result once, where it was a line a manager (and a line more for each).
    assert [line for line in lines if line.startswith("F1.")] == [
        {"zh": "F1.KR1 新开有效户数（含两融、期权账户，按公司口径）：每月一次，27 项",
         "en": "F1.KR1 新开有效户数（含两融、期权账户，按公司口径）: every month, 27 owed"}[lang],
        {"zh": "F1.KR2 高净值客户回访：每周一次，10 项",
         "en": "F1.KR2 高净值客户回访: every week, 10 owed"}[lang],
    ]  # fmt: skip
    assert len(lines) < 30
    # Never made: its state once, then the 21 who owe it, each name whole on its line.
    at = lines.index(NEVER[lang])
    listed = []
    for line in lines[at + 1 :]:
        if not line.startswith("    "):
            break
        listed += [name for name in re.split("、|, (?![^(]*\\))", line.strip().rstrip("、,"))]
    never = [b for b in range(1, 31) if b % 4 and b % 10]
    assert listed == [
        {"zh": "乌鲁木齐新华北路营业部（未设负责人）",
         "en": "乌鲁木齐新华北路营业部 (no lead in the plan)"}[lang]
        if b == LEADLESS else NAMED[lang].format(manager=MANAGERS[b - 1], city=CITIES[b - 1])
        for b in never
    ]  # fmt: skip


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_managers_due_this_month_say_each_their_last_check_in(firm: Path, lang: str) -> None:
    """Those who made May's new accounts owe June's by its end: one line for them, each
    with the day of their last, since those differ (the 8th's was the 25th)."""
    shown = run(firm, "due", "--lang", lang, columns=1000).stdout.splitlines()
    due = {"zh": "  2026-06-30 前完成（6 项）：", "en": "  due by 2026-06-30 (6): "}[lang]
    (line,) = [line for line in shown if line.startswith(due)]
    last = {"zh": "钱伟（海口国贸营业部，上次 2026-05-20）、"
                  "郑浩（杭州钱江新城营业部，上次 2026-05-25）",
            "en": "钱伟 (海口国贸营业部, last 2026-05-20), "
                  "郑浩 (杭州钱江新城营业部, last 2026-05-25)"}  # fmt: skip
    assert line.startswith(due + last[lang]), line


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_branch_managers_own_due_is_a_line_a_key_result(firm: Path, lang: str) -> None:
    lines = run(firm, "due", "--unit", "b01", "--lang", lang, columns=200).stdout.splitlines()
    assert lines == {
        "zh": ["2026-06-17 待打卡：1 项，1 人。",
               "王芳：1 项，逾期 1 项（自 2026-01-01 起未打卡）",
               "  F1.KR1 新开有效户数（含两融、期权账户，按公司口径）（深圳福田营业部，每月一次，"
               "自 2026-01-01 起尚无打卡，已缺 5 个月）"],
        "en": ["Check-ins owed on 2026-06-17: 1, by 1 person.",
               "王芳: 1, 1 late (owed since 2026-01-01)",
               "  F1.KR1 新开有效户数（含两融、期权账户，按公司口径） (深圳福田营业部, "
               "every month, none since 2026-01-01, 5 months missed)"],
    }[lang]  # fmt: skip
    narrow = run(firm, "due", "--unit", "b01", "--lang", lang).stdout.splitlines()
    assert len(narrow) == 4 and all(display_width(line) <= 80 for line in narrow), narrow
    assert narrow[3].startswith(" " * len("  F1.KR1 ")) and narrow[3][9] != " "


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_reminder_says_what_due_says(firm: Path, lang: str) -> None:
    """send --due posts the same lines: each key result once, then each state with who
    owes it (the names in lines of ten, so a chat's limit does not cut one short)."""
    (firm / "okrdesk.toml").write_text(
        '[[send.channels]]\nname = "hq"\nkind = "wecom"\nurl_env = "HQ_URL"\n', encoding="utf-8"
    )
    done = CliRunner().invoke(
        cli, ["send", "--due", "--dry-run", "--as-of", DAY, "--lang", lang, "-w", str(firm)],
        env={"HQ_URL": "http://127.0.0.1:9/hook"},
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    posted = done.stdout.replace("\\n", "\n")
    due = run(firm, "due", "--lang", lang, columns=1000).stdout.splitlines()
    for line in due[1:]:
        if line.startswith("F1."):
            head, said = line.split("：" if lang == "zh" else ": ", 1)
            assert f"**{head}**{'：' if lang == 'zh' else ': '}{said}\n" in posted
    state = NEVER[lang].lstrip() + (" " if lang == "en" else "")  # the names on its line
    (said,) = [line for line in posted.splitlines() if line.startswith(f"- {state}")]
    separator = "、" if lang == "zh" else ", "
    first = [NAMED[lang].format(manager=MANAGERS[b - 1], city=CITIES[b - 1])
             for b in (1, 2, 3, 5, 6, 7, 9, 11, 13, 14)]  # fmt: skip
    assert said == f"- {state}{separator.join(first)}{separator.rstrip()}"
    # Each branch owes its share of the firm's figure: checked in without --unit, a value
    # would be the firm's whole, so the reminder says how to check in a share.
    how = {
        "zh": "为分给团队或个人的数值打卡，加 `--unit 单位` 或 `--person 人员`",
        "en": "for a team's or a person's share, add `--unit UNIT` or `--person PERSON`",
    }
    assert any(how[lang] in line for line in posted.splitlines()), posted.splitlines()[-6:]


NAMESAKES = """
[[objectives]]
id = "T1"
title = "客户回访"
owner = "team-a"

  [[objectives.key_results]]
  id = "KR1"
  title = "高净值客户回访"
  unit = "次"
  [objectives.key_results.members]
  cm01 = 40
  cm02 = 40
"""


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_two_people_of_one_name_are_told_apart_by_their_ids(
    write_workspace: WriteWorkspace, lang: str
) -> None:
    """Two client managers both named 王芳 owing the same check-in were listed as
    王芳、王芳: which of them owes it, and which did not, could not be told."""
    from sample_workspace import ORG

    org = ORG.replace('name = "李强"', 'name = "王芳"')
    root = write_workspace({"org.toml": org, "okrs.toml": NAMESAKES, "budget.toml": None},
                           plugin=False)  # fmt: skip
    lines = run(root, "due", "--lang", lang, columns=200).stdout.splitlines()
    said = {"zh": "（2 项）：王芳（cm01）、王芳（cm02）", "en": " (2): 王芳 (cm01), 王芳 (cm02)"}
    assert any(line.endswith(said[lang]) for line in lines), lines
    # Each owing a key result of their own: a line a person, each with the id.
    apart = NAMESAKES.replace("  cm02 = 40\n", "") + NAMESAKES.replace("T1", "T2").replace(
        "  cm01 = 40\n", ""
    )
    (root / "targets" / "okrs.toml").write_text(apart, encoding="utf-8")
    lines = run(root, "due", "--lang", lang, columns=200).stdout.splitlines()
    heads = [line.split("：" if lang == "zh" else ": ")[0] for line in lines[1:]
             if not line.startswith(" ")]  # fmt: skip
    apart_heads = {"zh": ["王芳（cm01）", "王芳（cm02）"], "en": ["王芳 (cm01)", "王芳 (cm02)"]}
    assert heads == apart_heads[lang]


def test_those_owing_longest_come_first_and_numbered_names_in_number_order(
    write_workspace: WriteWorkspace,
) -> None:
    """By person, the longest owed first (as due's help and the JSON's owed[] say), then
    those only due; names with numbers in them in number order (经理2 before 经理10),
    where they went by name as text (经理1, 经理10, 经理2) whoever had owed longest."""
    org = ['[[units]]\nid = "branch"\nname = "深圳福田营业部"\nlevel = "branch"\nlead = "m1"\n']
    okrs = []
    for n in (1, 2, 10):
        org.append(f'[[people]]\nid = "m{n}"\nname = "经理{n}"\nunit = "branch"\n')
        okrs.append(f'[[objectives]]\nid = "P{n}"\ntitle = "经理{n}的目标"\nowner = "m{n}"\n\n'
                    f'  [[objectives.key_results]]\n  id = "KR1"\n  title = "回访"\n'
                    f'  target = 10\n  unit = "次"\n  cadence = "month"\n')  # fmt: skip
    root = write_workspace({"org.toml": "\n".join(org), "okrs.toml": "\n".join(okrs),
                            "budget.toml": None}, plugin=False)  # fmt: skip
    with Store.open(root / "okrdesk.db") as store:
        store.add_checkin("P1.KR1", "m1", dt.date(2026, 4, 20), 3)  # late since May
        store.add_checkin("P2.KR1", "m2", dt.date(2026, 5, 20), 3)  # June's only due
    lines = run(root, "due", "--lang", "en", columns=200).stdout.splitlines()
    heads = [line.split(":")[0] for line in lines[1:] if not line.startswith(" ")]
    assert heads == ["经理10", "经理1", "经理2"], lines
