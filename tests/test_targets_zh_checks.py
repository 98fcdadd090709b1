"""The problems of checks.py and window_keys.py in Chinese, beside the unchanged English.

Each case writes a broken target file into the sample workspace and asserts both
wordings of the one problem (or warning) it causes, at its key.
"""

from __future__ import annotations

import pytest

from okrdesk.errors import Problem
from okrdesk.model import Direction, MetricKind, MetricSpec
from okrdesk.targets import load_plan
from okrdesk.units import UNITS
from sample_workspace import BUDGET, OKRS, ORG, PLAN, WriteWorkspace

CATALOG = {
    "new_hnw_clients": MetricSpec(
        "new_hnw_clients", "New HNW clients", "新增高净值客户", MetricKind.FLOW, UNITS["户"]
    ),
    "complaint_rate": MetricSpec(
        "complaint_rate", "Complaint rate", "投诉率", MetricKind.RATIO, UNITS["‰"],
        direction=Direction.AT_MOST,
    ),
    "aum": MetricSpec("aum", "AUM", "客户资产规模", MetricKind.STOCK, UNITS["元"]),
    "fee_revenue": MetricSpec(
        "fee_revenue", "Fee revenue", "佣金收入", MetricKind.FLOW, UNITS["元"], revenue=True
    ),
}  # fmt: skip

MONTHLY = PLAN.replace('unit = "branch"\n', 'unit = "branch"\ngrain = "month"\n', 1)
KR1 = 'target = 360\nunit = "户"'
"""Where a key is added to O1.KR1."""
AUM_GROWTH = """
[[objectives.key_results]]
id = "AUM"
title = "客户资产"
metric = "aum"
growth = 0.1
unit = "亿元"
"""
MONTH_13 = """
[[baselines]]
metric = "fee_revenue"
subject = "branch"
unit = "元"
values = { "2025-13" = 1 }
"""

# A case: the files replaced, the problem's key, its English and its Chinese.
CASES: dict[str, tuple[dict[str, str], str, str, str]] = {
    "org tree cycle": (
        {"org.toml": ORG.replace('level = "branch"', 'level = "branch"\nparent = "team-a"')},
        "units[branch].parent",
        "the org tree has a cycle: branch → team-a → branch",
        "组织树有循环：branch → team-a → branch",
    ),
    "the owner among its own members": (
        {
            "okrs.toml": OKRS.replace(
                "Q4 = 1.0 }\n",
                "Q4 = 1.0 }\n[objectives.key_results.members]\nteam-a = 300\nbranch = 60\n",
            )
        },
        "objectives[O1].key_results[KR1].members.branch",
        '"branch" is the owner itself: write its own target as target = ..., above the members\' '
        "table, which gives those below it theirs",
        '"branch" 就是负责方本身：它自己的目标值请写作 target = ...，写在成员表之上；'
        "成员表只写其下属的目标值",
    ),
    "phases all in another year": (
        {"plan.toml": PLAN.replace("2026-", "2025-")},
        "plan.year",
        "the plan's year is 2026, but every phase is in 2025 (2025-01-01 to 2025-12-31): write "
        "year = 2025, or the phases' dates in 2026",
        "计划年份为 2026，但所有阶段都在 2025 年（2025-01-01 至 2025-12-31）：请写 year = 2025，"
        "或把各阶段的日期改到 2026 年",
    ),
    "duplicate id": (
        {"team-b.toml": '[[people]]\nid = "cm01"\nname = "又一个王芳"\nunit = "team-a"\n'},
        "people[cm01].id",
        'duplicate id "cm01"; already defined at targets/org.toml:13: give one of the two an '
        "id of its own, or delete the copy",
        'id "cm01" 重复；已在 targets/org.toml:13 定义：请给其中一个另取 id，或删除重复的那一份',
    ),
    "unknown owner": (
        {"okrs.toml": OKRS.replace('owner = "branch"', 'owner = "brnach"')},
        "objectives[O1].owner",
        'no unit or person "brnach" (did you mean "branch"?)',
        '没有单位或人员 "brnach"（是不是“branch”？）',
    ),
    "member not below the owner": (
        {"okrs.toml": OKRS + "\n[objectives.key_results.members]\ncm01 = 2\ntem-a = 3\n"},
        "objectives[O1].key_results[KR2].members.tem-a",
        '"tem-a" is not a unit or person below "branch" (did you mean "team-a"?)',
        '"tem-a" 不是 "branch" 下属的单位或人员（是不是“team-a”？）',
    ),
    "phases leave a gap": (
        {"plan.toml": PLAN.replace("start = 2026-07-01", "start = 2026-07-03")},
        "phases[Q3].start",
        "the days from 2026-07-01 to 2026-07-02 belong to no phase; "
        "phase Q3 should start 2026-07-01, or phase Q2 end 2026-07-02",
        "2026-07-01 至 2026-07-02 这几天不属于任何阶段；阶段 Q3 应从 2026-07-01 开始，"
        "或阶段 Q2 到 2026-07-02 结束",
    ),
    "milestones decrease": (
        {"okrs.toml": OKRS.replace("Q3 = 0.70", "Q3 = 0.40")},
        "objectives[O1].key_results[KR1].milestones.Q3",
        "0.40 is less than 0.45 at Q2; milestones are cumulative and must not decrease",
        "0.40 小于 Q2 的 0.45；里程碑是累计值，不能减少",
    ),
    "unit that does not fit the metric": (
        {"okrs.toml": OKRS.replace('unit = "户"', 'unit = "亿元"')},
        "objectives[O1].key_results[KR1].unit",
        'unit "亿元" does not fit metric "new_hnw_clients", which is measured in count; '
        "use one of: 户, 人, 单, 场, 个, 笔, 次, 家, count, 万户, 万人",
        '计量单位 "亿元" 与指标 "new_hnw_clients" 不符，该指标以计数计量；'
        "可用：户, 人, 单, 场, 个, 笔, 次, 家, count, 万户, 万人",
    ),
    "budget lines above the total": (
        {"budget.toml": BUDGET.replace("total = 899", "total = 800")},
        "budget.total",
        "the budget lines add up to CNY 8,990k, more than the total of CNY 8,000k",
        "各预算项合计 899万元，超过预算总额 800万元",
    ),
    "unknown window": (
        {"okrs.toml": OKRS.replace(KR1, KR1 + '\nwindow = "last_week"')},
        "objectives[O1].key_results[KR1].window",
        'unknown window "last_week"; expected one of wtd, mtd, qtd, ytd, last_N_weeks, '
        "last_N_months (N from 1 to 99: last_4_weeks, last_3_months)",
        '未知的时间窗 "last_week"；可用：wtd、mtd、qtd、ytd、last_N_weeks、last_N_months'
        "（N 为 1 到 99，如 last_4_weeks、last_3_months）",
    ),
    "a week window in a monthly plan": (
        {"plan.toml": MONTHLY, "okrs.toml": OKRS.replace(KR1, KR1 + '\nwindow = "wtd"')},
        "objectives[O1].key_results[KR1].window",
        "a plan measured by month cannot give a week window (wtd); its periods are longer",
        "按月计量的计划给不出按周的时间窗（wtd）；计划的周期更长",
    ),
    "growth written as a percentage without %": (
        {"okrs.toml": OKRS.replace("target = 360\n", "growth = 18\n")},
        "objectives[O1].key_results[KR1].growth",
        '18 would be +1800%; for 18% write 0.18 or "18%"',
        '18 意味着 +1800%；若指 18%，请写 0.18 或 "18%"',
    ),
    "growth on a stock": (
        {"okrs.toml": OKRS + AUM_GROWTH},
        "objectives[O1].key_results[AUM].growth",
        'a growth target is for a flow (added up over time); "aum" is a stock: '
        "set its target with target = ...",
        '增长目标只适用于流量（随时间累加）；"aum" 是存量：请用 target = ... 设定目标值',
    ),
    "a baseline for a month that is not": (
        {"baselines.toml": MONTH_13},
        "baselines[0].values.2025-13",
        "there is no month 13",
        "没有 13 月",
    ),
    "key results in a file with no objective": (
        {
            "team-a.toml": '[[objectives.key_results]]\nid = "X"\ntitle = "t"\nunit = "户"\n'
            "target = 1\n[objectives.key_results.members]\ncm01 = 1\n"
        },
        "objectives.key_results",
        "[[objectives.key_results]] belongs to no objective: a key result belongs to the "
        "[[objectives]] written last above it in the same file, and this file has none; "
        "write the objective's [[objectives]] table above it",
        "[[objectives.key_results]] 不属于任何目标：关键结果属于同一文件中写在它上面最近的 "
        "[[objectives]]，而本文件没有；请在它上面写出目标的 [[objectives]] 表",
    ),
    "components in a file with no scoring policy": (
        {
            "scoring.toml": '[[scoring.components]]\nmetric = "aum"\nweight = 1\nstandard = 1\n'
            'unit = "亿元"\n'
        },
        "scoring.components",
        "[[scoring.components]] belongs to no scoring policy: a component belongs to the "
        "[[scoring]] written last above it in the same file, and this file has none; "
        "write the scoring policy's [[scoring]] table above it",
        "[[scoring.components]] 不属于任何考核方案：考核项属于同一文件中写在它上面最近的 "
        "[[scoring]]，而本文件没有；请在它上面写出考核方案的 [[scoring]] 表",
    ),
    "a key result's own key below its members header": (
        {"okrs.toml": OKRS + "[objectives.key_results.members]\ncm01 = 0.1\nweight = 2\n"},
        "objectives[O1].key_results[KR2].members.weight",
        '"weight" is not a unit or person below "branch"; "weight" is a key of the key result '
        "itself: write it above the [objectives.key_results.members] header (every key below "
        "that header is a member's target)",
        '"weight" 不是 "branch" 下属的单位或人员；"weight" 是关键结果本身的键：请写在 '
        "[objectives.key_results.members] 表头之上（该表头之下的键都是成员的目标值）",
    ),
    "a key result's own text below its members header": (
        {"okrs.toml": OKRS + '[objectives.key_results.members]\ncm01 = 0.1\ntitle = "t"\n'},
        "objectives[O1].key_results[KR2].members.title",
        "expected a number, got a string ('t') (the member's target); \"title\" is a key of "
        "the key result itself: write it above the [objectives.key_results.members] header "
        "(every key below that header is a member's target)",
        "应为数，现为文本（'t'）（成员的目标值）；\"title\" 是关键结果本身的键：请写在 "
        "[objectives.key_results.members] 表头之上（该表头之下的键都是成员的目标值）",
    ),
    "a person's name for a member": (
        {"okrs.toml": OKRS + '[objectives.key_results.members]\n"王芳" = 0.1\n'},
        "objectives[O1].key_results[KR2].members.王芳",
        '"王芳" is not a unit or person below "branch"; "王芳" is the name of "cm01": '
        'write its id, "cm01"',
        '"王芳" 不是 "branch" 下属的单位或人员；"王芳" 是 "cm01" 的名字：请写它的 id "cm01"',
    ),
    "a person's name for a lead": (
        {"org.toml": ORG.replace('lead = "cm01"', 'lead = "王芳"')},
        "units[team-a].lead",
        'no person "王芳"; "王芳" is the name of "cm01": write its id, "cm01"',
        '没有人员 "王芳"；"王芳" 是 "cm01" 的名字：请写它的 id "cm01"',
    ),
    "a unit's name for an owner": (
        {"okrs.toml": OKRS.replace('owner = "branch"', 'owner = "福田营业部"')},
        "objectives[O1].owner",
        'no unit or person "福田营业部"; "福田营业部" is the name of "branch": '
        'write its id, "branch"',
        '没有单位或人员 "福田营业部"；"福田营业部" 是 "branch" 的名字：请写它的 id "branch"',
    ),
    "a name two people share": (
        {
            "org.toml": ORG.replace('lead = "cm01"', 'lead = "王芳"')
            + '\n[[people]]\nid = "cm03"\nname = "王芳"\nunit = "team-a"\n'
        },
        "units[team-a].lead",
        'no person "王芳"; "王芳" is the name of "cm01", "cm03": write the id of the one you mean',
        '没有人员 "王芳"；"王芳" 是 "cm01"、"cm03" 的名字：请写所指那一个的 id',
    ),
    "a phase's name in milestones": (
        {"okrs.toml": OKRS.replace("Q2 = 0.45", '"深耕" = 0.45')},
        "objectives[O1].key_results[KR1].milestones.深耕",
        'no phase "深耕"; "深耕" is the name of "Q2": write its id, "Q2"',
        '没有阶段 "深耕"；"深耕" 是 "Q2" 的名字：请写它的 id "Q2"',
    ),
    "a phase the plan does not have, its phases named": (
        {"okrs.toml": OKRS.replace("Q2 = 0.45", "H1 = 0.45")},
        "objectives[O1].key_results[KR1].milestones.H1",
        'no phase "H1"; the plan\'s phases are Q1, Q2, Q3, Q4',
        '没有阶段 "H1"；计划的阶段为 Q1、Q2、Q3、Q4',
    ),
}


def only_problem(found: tuple[Problem, ...]) -> Problem:
    assert len(found) == 1, "\n".join(map(str, found))
    return found[0]


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_each_problem_is_said_in_chinese_too(write_workspace: WriteWorkspace, case: str) -> None:
    files, key, english, chinese = CASES[case]
    problem = only_problem(load_plan(write_workspace(files), CATALOG).problems)
    assert problem.key == key
    assert problem.message == english
    assert problem.zh == chinese
    assert problem.text("zh").endswith(f"{key}: {chinese}")
    assert str(problem).endswith(f"{key}: {english}")


def test_a_warning_is_said_in_chinese_too(write_workspace: WriteWorkspace) -> None:
    unallocated = BUDGET.replace("total = 899", "total = 999")
    result = load_plan(write_workspace({"budget.toml": unallocated}), CATALOG)
    assert result.problems == ()
    warning = next(w for w in result.warnings if w.key == "budget.total")
    assert warning.message == "CNY 1,000k of the CNY 9,990k total is not allocated to any line"
    assert warning.zh == "预算总额 999万元 中有 100万元 未分配到任何预算项"


CONVERSION = MetricSpec(
    "conversion", "Open-to-purchase rate", "开户首购转化率", MetricKind.RATIO, UNITS["%"]
)
RATE_GOAL = """
[[objectives]]
id = "F"
title = "转化"
owner = "branch"

[[objectives.key_results]]
id = "FUNNEL"
title = "开户→首购转化率提升到 16%"
metric = "conversion"
target = 16
unit = "%"
"""


def goal_warnings(write: WriteWorkspace, goals: str, spec: MetricSpec) -> list[Problem]:
    """The warnings at the target of the key result F.FUNNEL in ``goals``, measured by
    ``spec``'s metric; the file has no problem."""
    result = load_plan(write({"goals.toml": goals}), {**CATALOG, spec.name: spec})
    assert result.problems == ()
    return [w for w in result.warnings if w.key == "objectives[F].key_results[FUNNEL].target"]


@pytest.mark.parametrize(
    ("written", "warned"),
    [("", True), ("baseline = 0\n", False), ("baseline = 11\n", False),
     ("guardrail = true\n", False)],
)  # fmt: skip
def test_a_rate_to_raise_with_no_baseline_is_warned_of(
    write_workspace: WriteWorkspace, written: str, warned: bool
) -> None:
    # Paced from 0, a conversion rate of 16% had 8% due halfway through the year: a
    # branch at 9% read on track. A baseline written, even 0, or a guardrail, is meant.
    rate = RATE_GOAL.replace('unit = "%"\n', f'unit = "%"\n{written}')
    found = goal_warnings(write_workspace, rate, CONVERSION)
    if not warned:
        assert found == []
        return
    (warning,) = found
    assert warning.message.startswith(
        "a rate paced up from 0 (no baseline): what is due builds up from 0 to 16% by its "
        "milestones (else evenly over the plan)"
    )
    assert "or `guardrail = true` to hold 16% all year" in warning.message
    assert warning.zh.startswith(
        "比率从 0 起按进度推进（未写 baseline）：应完成值按里程碑（没有则全年均匀）从 0 涨到 16%"
    )
    assert warning.line == rate.splitlines().index("target = 16") + 1


AUM = MetricSpec("aum", "Client assets", "客户资产规模", MetricKind.STOCK, UNITS["元"])


@pytest.mark.parametrize(("written", "warned"), [("", True), ("baseline = 72\n", False)])
def test_a_level_to_raise_with_no_baseline_is_warned_of(
    write_workspace: WriteWorkspace, written: str, warned: bool
) -> None:
    """Client assets to 100亿 with no baseline were paced from 0: on 1 February 8.77亿 was
    due and the branch's 55亿 read on track, its score 55%."""
    level = RATE_GOAL.replace('metric = "conversion"', 'metric = "aum"').replace(
        'target = 16\nunit = "%"\n', f'target = 100\nunit = "亿元"\n{written}'
    )
    found = goal_warnings(write_workspace, level, AUM)
    if not warned:
        assert found == []
        return
    (warning,) = found
    assert warning.message == (
        "a level paced up from 0 (no baseline): what is due builds up from 0 to CNY 10,000m by "
        "its milestones (else evenly over the plan), as a sum's would, so a level well below "
        "CNY 10,000m reads on track before then; write `baseline` as the level at the plan's "
        "start (where last year ended), or `guardrail = true` to hold CNY 10,000m all year"
    )
    assert warning.zh.startswith(
        "存量从 0 起按进度推进（未写 baseline）：应完成值按里程碑（没有则全年均匀）从 0 涨到 100亿"
    )
    assert "请把 baseline 写成计划开始时的存量（如去年年末的）" in warning.zh
    assert warning.line == level.splitlines().index("target = 100") + 1
