"""Every validation rule, each with a real file on disk that breaks it.

The line a problem must be reported at is marked in the file text with
``# <-``, so the expected line number follows the text.
"""

from __future__ import annotations

import os
import textwrap
from decimal import Decimal
from pathlib import Path

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
        "complaint_rate",
        "Complaint rate",
        "投诉率",
        MetricKind.RATIO,
        UNITS["‰"],
        direction=Direction.AT_MOST,
    ),
    "aum": MetricSpec("aum", "AUM", "客户资产规模", MetricKind.STOCK, UNITS["元"]),
}


def marked_line(text: str) -> int:
    lines = textwrap.dedent(text).splitlines()
    return next(i for i, line in enumerate(lines, 1) if "# <-" in line)


def problems(root: Path) -> list[Problem]:
    return list(load_plan(root, CATALOG).problems)


def only_problem(root: Path) -> Problem:
    found = problems(root)
    assert len(found) == 1, "\n".join(map(str, found))
    return found[0]


def test_the_base_workspace_is_clean(write_workspace: WriteWorkspace) -> None:
    result = load_plan(write_workspace(), CATALOG)
    assert result.problems == ()
    assert result.plan is not None
    assert result.plan.key_results_by_id["O1.KR1"].target == 360
    # 0.15‰ is kept exactly, as a fraction.
    assert str(result.plan.key_results_by_id["O1.KR2"].target) == "0.00015"
    assert result.plan.budget.amount == 8_990_000


# A broken file, the file it is in, the key path and words the message must hold.
CASES = {
    "syntax error": (
        "okrs.toml",
        OKRS + 'broken = "no closing quote  # <-\n',
        "",
        "TOML syntax",
    ),
    "unknown key with a suggestion": (
        "okrs.toml",
        OKRS.replace('title = "投诉率"', 'title = "投诉率"\ntagret = 3  # <-'),
        "objectives[O1].key_results[KR2].tagret",
        'unknown key (did you mean "target"?)',
    ),
    "missing required key": (
        "org.toml",
        ORG.replace('[[people]]\nid = "cm02"\nname = "李强"', '[[people]]  # <-\nid = "cm02"'),
        "people[cm02].name",
        "missing; this key is required",
    ),
    "wrong type": (
        "okrs.toml",
        OKRS.replace("target = 360", 'target = "360"  # <-'),
        "objectives[O1].key_results[KR1].target",
        "expected a number, got a string ('360')",
    ),
    "unknown owner": (
        "okrs.toml",
        OKRS.replace('owner = "branch"', 'owner = "brnach"  # <-'),
        "objectives[O1].owner",
        'no unit or person "brnach" (did you mean "branch"?)',
    ),
    "milestones decrease": (
        "okrs.toml",
        OKRS.replace(
            "milestones = { Q2 = 0.45, Q3 = 0.70, Q4 = 1.0 }",
            "milestones = { Q2 = 0.45, Q3 = 0.40, Q4 = 1.0 }  # <-",
        ),
        "objectives[O1].key_results[KR1].milestones.Q3",
        "0.40 is less than 0.45 at Q2; milestones are cumulative",
    ),
    "a share of the way on a guardrail": (
        "okrs.toml",
        OKRS.replace(
            'target = 0.15\nunit = "‰"',
            'target = 0.15\nunit = "‰"\nmilestones = { Q2 = 0.5, Q4 = 1.0 }  # <-',
        ),
        "objectives[O1].key_results[KR2].milestones",
        "O1.KR2 is a guardrail, a limit held all along, so a milestone of 0.5 at Q2 means "
        "nothing; write { Q4 = 1.0 } alone",
    ),
    "milestone above 1": (
        "okrs.toml",
        OKRS.replace(
            "milestones = { Q2 = 0.45, Q3 = 0.70, Q4 = 1.0 }",
            "milestones = { Q2 = 0.45, Q3 = 0.70, Q4 = 1.05 }  # <-",
        ),
        "objectives[O1].key_results[KR1].milestones.Q4",
        "must be a fraction between 0 and 1, got 1.05",
    ),
    "milestone written as a percentage": (
        "okrs.toml",
        OKRS.replace(
            "milestones = { Q2 = 0.45, Q3 = 0.70, Q4 = 1.0 }",
            "milestones = { Q2 = 45, Q3 = 0.70, Q4 = 1.0 }  # <-",
        ),
        "objectives[O1].key_results[KR1].milestones.Q2",
        "(write 0.45 for 45%)",
    ),
    "milestone names an unknown phase": (
        "okrs.toml",
        OKRS.replace(
            "milestones = { Q2 = 0.45, Q3 = 0.70, Q4 = 1.0 }",
            "milestones = { Q2 = 0.45, Q5 = 0.70, Q4 = 1.0 }  # <-",
        ),
        "objectives[O1].key_results[KR1].milestones.Q5",
        'no phase "Q5"; the plan\'s phases are Q1, Q2, Q3, Q4',
    ),
    "weight of zero": (
        "okrs.toml",
        OKRS.replace('owner = "branch"', 'owner = "branch"\nweight = 0  # <-'),
        "objectives[O1].weight",
        "must be greater than 0, got 0",
    ),
    "negative key result weight": (
        "okrs.toml",
        OKRS.replace("target = 360", "target = 360\nweight = -1  # <-"),
        "objectives[O1].key_results[KR1].weight",
        "must be greater than 0, got -1",
    ),
    "unit that does not fit the metric": (
        "okrs.toml",
        OKRS.replace('unit = "户"', 'unit = "亿元"  # <-'),
        "objectives[O1].key_results[KR1].unit",
        'unit "亿元" does not fit metric "new_hnw_clients", which is measured in count',
    ),
    "unknown unit": (
        "okrs.toml",
        OKRS.replace('unit = "户"', 'unit = "hu"  # <-'),
        "objectives[O1].key_results[KR1].unit",
        '"hu" is not allowed',
    ),
    "unknown metric": (
        "okrs.toml",
        OKRS.replace('metric = "new_hnw_clients"', 'metric = "new_hnw_client"  # <-'),
        "objectives[O1].key_results[KR1].metric",
        'no loaded plugin provides metric "new_hnw_client" (did you mean "new_hnw_clients"?)',
    ),
    "lower-is-better metric without a direction": (
        "okrs.toml",
        OKRS.replace('metric = "complaint_rate"', 'metric = "complaint_rate"  # <-').replace(
            'direction = "at_most"\n', ""
        ),
        "objectives[O1].key_results[KR2].metric",
        'say direction = "at_most"',
    ),
    "within without a band": (
        "okrs.toml",
        OKRS.replace('direction = "at_most"', 'direction = "within"').replace(
            '[[objectives.key_results]]\nid = "KR2"', '[[objectives.key_results]]  # <-\nid = "KR2"'
        ),
        "objectives[O1].key_results[KR2].band",
        "needs a band",
    ),
    "key result without a target": (
        "okrs.toml",
        OKRS.replace("target = 360\n", "").replace(
            '[[objectives.key_results]]\nid = "KR1"', '[[objectives.key_results]]  # <-\nid = "KR1"'
        ),
        "objectives[O1].key_results[KR1].target",
        "give a target or a [members] table",
    ),
    "member not below the owner": (
        "okrs.toml",
        OKRS + "\n[objectives.key_results.members]\ncm01 = 2\ncm99 = 3  # <-\n",
        "objectives[O1].key_results[KR2].members.cm99",
        '"cm99" is not a unit or person below "branch"',
    ),
    "phases overlap": (
        "plan.toml",
        PLAN.replace("start = 2026-04-01", "start = 2026-03-15  # <-"),
        "phases[Q2].start",
        "phases must not overlap",
    ),
    "phases leave a gap": (
        "plan.toml",
        PLAN.replace("start = 2026-07-01", "start = 2026-07-03  # <-"),
        "phases[Q3].start",
        "the days from 2026-07-01 to 2026-07-02 belong to no phase",
    ),
    "phase runs backwards": (
        "plan.toml",
        PLAN.replace(
            "start = 2026-07-01\nend = 2026-09-30", "start = 2026-09-30\nend = 2026-07-01  # <-"
        ),
        "phases[Q3].end",
        "the phase ends (2026-07-01) before it starts (2026-09-30)",
    ),
    "org tree cycle": (
        "org.toml",
        ORG.replace(
            'id = "branch"\nname = "福田营业部"\nlevel = "branch"',
            'id = "branch"\nname = "福田营业部"\nlevel = "branch"\nparent = "team-a"  # <-',
        ),
        "units[branch].parent",
        "the org tree has a cycle: branch → team-a → branch",
    ),
    "duplicate id across files": (
        "team-b.toml",
        '[[people]]\nid = "cm01"  # <-\nname = "又一个王芳"\nunit = "team-a"\n',
        "people[cm01].id",
        'duplicate id "cm01"; already defined at targets/org.toml:13: give one of the two an '
        "id of its own, or delete the copy",
    ),
    "negative budget amount": (
        "budget.toml",
        '[[budget.lines]]\nid = "x"\nname = "x"\nowner = "branch"\namount = -5  # <-\n',
        "budget.lines[x].amount",
        "must be more than 0, got -5: a line is money set aside, never less than none (a "
        "refund is a spend reversed: okrdesk spend reverse)",
    ),
    "zero budget amount": (
        "budget.toml",
        '[[budget.lines]]\nid = "x"\nname = "x"\nowner = "branch"\namount = 0  # <-\n',
        "budget.lines[x].amount",
        "must be more than 0, got 0: a line of 0 could never trip its breaker",
    ),
    "a blank signer": (
        "budget.toml",
        '[budget]\nsigners = ["张总", "\u200b"]  # <-\n',
        "budget.signers[1]",
        "is no name: blank, or invisible characters only",
    ),
    "one signer twice in disguise": (
        "budget.toml",
        '[budget]\nsigners = ["Alice", "Ａｌｉｃｅ"]  # <-\n',
        "budget.signers[1]",
        "is the same person as signers[0]; write each signer once",
    ),
    "budget lines above the total": (
        "budget.toml",
        '[budget]\ntotal = 100  # <-\n[[budget.lines]]\nid = "x"\nname = "x"\n'
        'owner = "branch"\namount = 120\n',
        "budget.total",
        "the budget lines add up to CNY 1,200k, more than the total of CNY 1,000k",
    ),
    "budget line linked to an unknown key result": (
        "budget.toml",
        '[[budget.lines]]\nid = "x"\nname = "x"\nowner = "branch"\namount = 5\n'
        'key_results = ["O1.KR9"]  # <-\n',
        "budget.lines[x].key_results[0]",
        'no key result "O1.KR9" (did you mean',
    ),
    "breaker threshold written as a percentage": (
        "budget.toml",
        "[budget]\nbreaker_threshold = 10  # <-\n",
        "budget.breaker_threshold",
        "must be a fraction between 0 and 1 (0.10 for 10%), got 10",
    ),
    "budget unit that is not money": (
        "budget.toml",
        '[budget]\nunit = "户"  # <-\ntotal = 100\n',
        "budget.unit",
        '"户" is not a money unit; use 元, 万元 or 亿元',
    ),
    "key result listed twice on a budget line": (
        "budget.toml",
        '[[budget.lines]]\nid = "x"\nname = "x"\nowner = "branch"\namount = 5\n'
        'key_results = [\n  "O1.KR1",\n  "O1.KR1",  # <-\n  "O1.KR2",\n]\n',
        "budget.lines[x].key_results[1]",
        '"O1.KR1" is listed twice',
    ),
    "unquoted key result id in a weights table": (
        "budget.toml",
        '[[budget.lines]]\nid = "x"\nname = "x"\nowner = "branch"\namount = 5\n'
        "key_results = { O1.KR1 = 2 }  # <-\n",
        "budget.lines[x].key_results.O1",
        'write the key result id in quotes: "O1.KR1" = ...',
    ),
    "a budget line's ROI from a metric that is not revenue": (
        "budget.toml",
        '[[objectives]]\nid = "O3"\ntitle = "t"\nowner = "branch"\n'
        '[[objectives.key_results]]\nid = "AUM"\ntitle = "客户资产"\nmetric = "aum"\n'
        'target = 10\nunit = "亿元"\n'
        '[[budget.lines]]\nid = "x"\nname = "x"\nowner = "branch"\namount = 5\n'
        'key_results = ["O3.AUM", "O1.KR1"]\nrevenue = ["O3.AUM"]  # <-\n',
        "budget.lines[x].revenue[0]",
        '"O3.AUM" is measured by metric "aum", which its plugin does not declare as revenue '
        "(money earned), so the line's ROI would count it as income",
    ),
    "a count named as a budget line's revenue": (
        "budget.toml",
        '[[budget.lines]]\nid = "x"\nname = "x"\nowner = "branch"\namount = 5\n'
        'key_results = ["O1.KR1"]\nrevenue = ["O1.KR1"]  # <-\n',
        "budget.lines[x].revenue[0]",
        '"O1.KR1" is counted in 户, not money',
    ),
    "revenue that is not among the line's key results": (
        "budget.toml",
        '[[budget.lines]]\nid = "x"\nname = "x"\nowner = "branch"\namount = 5\n'
        'key_results = ["O1.KR1"]\nrevenue = ["O1.KR2"]  # <-\n',
        "budget.lines[x].revenue[0]",
        '"O1.KR2" is not among this line\'s key_results; link it there too',
    ),
    "negative member target": (
        "okrs.toml",
        OKRS + "\n[objectives.key_results.members]\ncm01 = -2  # <-\n",
        "objectives[O1].key_results[KR2].members.cm01",
        "must not be negative, got -2",
    ),
    "a unit and its own member both given targets": (
        "okrs.toml",
        OKRS + "\n[objectives.key_results.members]\nteam-a = 0.1  # <-\ncm01 = 0.1\n",
        "objectives[O1].key_results[KR2].members.team-a",
        '"team-a" already includes cm01, who also has a target here',
    ),
    "objective id with a dot": (
        "okrs.toml",
        OKRS + '\n[[objectives]]\nid = "O2.x"  # <-\ntitle = "t"\nowner = "branch"\n',
        "objectives[O2.x].id",
        "must not contain '.'",
    ),
    "one-day gap between phases": (
        "plan.toml",
        PLAN.replace("start = 2026-07-01", "start = 2026-07-02  # <-"),
        "phases[Q3].start",
        "the day 2026-07-01 belongs to no phase",
    ),
    "scoring policy that applies to nobody": (
        "scoring.toml",
        '[[scoring]]  # <-\nid = "cm"\nname = "月度考核"\n'
        '[[scoring.components]]\nmetric = "aum"\nweight = 1\nstandard = 1\nunit = "亿元"\n',
        "scoring[cm].roles",
        "missing; say which roles or people the policy scores",
    ),
    "second plan table": (
        "team-plan.toml",
        '[plan]  # <-\nid = "x"\nname = "x"\nyear = 2026\nunit = "branch"\n',
        "plan",
        "a second [plan] table; the plan is at targets/plan.toml:1",
    ),
    "key results in a team file with no objective above them": (
        "team-a.toml",
        '# 财富管理一部\n[[objectives.key_results]]  # <-\nid = "X"\ntitle = "t"\n'
        'unit = "户"\ntarget = 1\n',
        "objectives.key_results",
        "[[objectives.key_results]] belongs to no objective: a key result belongs to the "
        "[[objectives]] written last above it in the same file, and this file has none",
    ),
    "scoring floor above cap": (
        "scoring.toml",
        '[[scoring]]\nid = "cm"\nname = "月度考核"\nroles = ["cm"]\ncap = 1.2\nfloor = 1.5  # <-\n'
        '[[scoring.components]]\nmetric = "aum"\nweight = 1\nstandard = 1\nunit = "亿元"\n',
        "scoring[cm].floor",
        "the floor (1.5) is above the cap (1.2)",
    ),
    "scoring cap typed as a percentage": (
        "scoring.toml",
        '[[scoring]]\nid = "cm"\nname = "月度考核"\nroles = ["cm"]\ncap = 120  # <-\n'
        '[[scoring.components]]\nmetric = "aum"\nweight = 1\nstandard = 1\nunit = "亿元"\n',
        "scoring[cm].cap",
        "120 would be 12000%; for 120% write 1.2",
    ),
    "scoring floor typed as a percentage": (
        "scoring.toml",
        '[[scoring]]\nid = "cm"\nname = "月度考核"\nroles = ["cm"]\nfloor = 50  # <-\n'
        '[[scoring.components]]\nmetric = "aum"\nweight = 1\nstandard = 1\nunit = "亿元"\n',
        "scoring[cm].floor",
        "50 would be 5000%; for 50% write 0.5",
    ),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_each_rule_names_file_line_key_and_message(
    write_workspace: WriteWorkspace, case: str
) -> None:
    file, text, key, words = CASES[case]
    root = write_workspace({file: text})
    problem = only_problem(root)
    assert problem.file == f"targets/{file}"
    assert problem.line == marked_line(text)
    assert problem.key == key
    assert words in problem.message


def test_a_budget_unit_that_is_no_unit_is_offered_the_money_units(
    write_workspace: WriteWorkspace,
) -> None:
    root = write_workspace({"budget.toml": '[budget]\nunit = "亿"\ntotal = 100\n'})
    problem = only_problem(root)
    assert problem.key == "budget.unit"
    assert problem.message == (
        '"亿" is not allowed (did you mean "亿元"?); expected one of: 元, yuan, CNY, 万元, '
        "wan_yuan, 10k_CNY, 亿元, yi_yuan, 100m_CNY"
    )


def test_every_problem_is_reported_at_once(write_workspace: WriteWorkspace) -> None:
    broken = (
        OKRS.replace("target = 360", 'target = "lots"')
        .replace('owner = "branch"', 'owner = "nobody"')
        .replace('unit = "‰"', 'unit = "‰"\ncolour = "red"')
    )
    root = write_workspace(
        {"okrs.toml": broken, "plan.toml": PLAN.replace("year = 2026", "year = 'x'")}
    )
    keys = {p.key for p in problems(root)}
    assert {
        "objectives[O1].key_results[KR1].target",
        "objectives[O1].owner",
        "objectives[O1].key_results[KR2].colour",
        "plan.year",
    } <= keys


def test_an_attainment_cap_below_100_percent_is_a_problem(write_workspace: WriteWorkspace) -> None:
    root = write_workspace(
        {"plan.toml": PLAN.replace("year = 2026", "year = 2026\nattainment_cap = 0.8")}
    )
    found = only_problem(root)
    assert (found.key, found.line) == ("plan.attainment_cap", 5)
    assert "0.8 is not between 1 (100%) and 10 (1000%)" in str(found)


def test_problems_print_as_file_line_key_message(write_workspace: WriteWorkspace) -> None:
    root = write_workspace({"okrs.toml": OKRS.replace("target = 360", "target = true")})
    assert str(only_problem(root)) == (
        "targets/okrs.toml:10: objectives[O1].key_results[KR1].target: "
        "expected a number, got a boolean (true)"
    )


def test_member_tables_in_different_files_do_not_mix(write_workspace: WriteWorkspace) -> None:
    # Both tables sit at objectives[0].key_results[0].members, in two files.
    def objective(ident: str, owner: str, members: str) -> str:
        return (
            f'[[objectives]]\nid = "{ident}"\ntitle = "t"\nowner = "{owner}"\n'
            '[[objectives.key_results]]\nid = "KR1"\ntitle = "t"\nunit = "户"\n'
            f"[objectives.key_results.members]\n{members}\n"
        )

    branch = objective("B1", "branch", "team-a = 360")
    team = objective("TA", "team-a", "cm01 = 180\ncm02 = 180")
    files = {"okrs.toml": OKRS, "branch.toml": branch, "team-a.toml": team}
    assert load_plan(write_workspace(files), CATALOG).problems == ()


def test_an_owner_that_is_nobody_is_the_problem_not_each_member_below_it(
    write_workspace: WriteWorkspace,
) -> None:
    members = "\n[objectives.key_results.members]\nteam-a = 200\ncm99 = 160\n"
    okrs = OKRS.replace('owner = "branch"', 'owner = "brnch"').replace(
        "Q4 = 1.0 }\n", "Q4 = 1.0 }\n" + members
    )
    found = problems(write_workspace({"okrs.toml": okrs}))
    assert [(p.key, p.message) for p in found] == [
        ("objectives[O1].owner", 'no unit or person "brnch" (did you mean "branch"?)'),
        # A member that is nobody either is still its own problem.
        ("objectives[O1].key_results[KR1].members.cm99", 'no unit or person "cm99"'),
    ]  # fmt: skip
    assert found[1].zh == '没有单位或人员 "cm99"'


def test_a_plan_file_copied_beside_it_is_its_duplicates_not_phases_overlapping_themselves(
    write_workspace: WriteWorkspace,
) -> None:
    """Windows Explorer names a copy "plan - 副本.toml": each phase in it is defined twice,
    which is the problem, not also a phase Q1 that starts before phase Q1 ends."""
    found = problems(write_workspace({"plan - 副本.toml": PLAN}))
    assert [(p.file, p.key) for p in found] == [
        ("targets/plan.toml", "plan"),
        *(("targets/plan.toml", f"phases[Q{n}].id") for n in range(1, 5)),
    ], "\n".join(map(str, found))
    assert not any("overlap" in p.message for p in found)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        # Last year's plan copied, its year changed and its phases not.
        ("2026-", "2025-", "the plan's year is 2026, but every phase is in 2025 (2025-01-01 to "
         "2025-12-31): write year = 2025, or the phases' dates in 2026"),
        ("year = 2026", "year = 2025", "the plan's year is 2025, but every phase is in 2026 "
         "(2026-01-01 to 2026-12-31): write year = 2026, or the phases' dates in 2025"),
    ],
)  # fmt: skip
def test_a_year_none_of_the_phases_is_in_is_one_problem_at_the_year(
    write_workspace: WriteWorkspace, old: str, new: str, message: str
) -> None:
    found = only_problem(write_workspace({"plan.toml": PLAN.replace(old, new)}))
    assert (found.file, found.line, found.key) == ("targets/plan.toml", 4, "plan.year")
    assert found.message == message


def test_a_count_of_shared_credit_may_have_half_a_client_to_reach(
    write_workspace: WriteWorkspace,
) -> None:
    # A client two managers share counts half to each, so 12.5 is a figure they can reach.
    shared = MetricSpec("shared_clients", "Shared clients", "共同服务客户", MetricKind.STOCK,
                        UNITS["户"], split_credit=True)  # fmt: skip
    okrs = OKRS.replace('metric = "new_hnw_clients"\ntarget = 360',
                        'metric = "shared_clients"\ntarget = 360.5')  # fmt: skip
    result = load_plan(write_workspace({"okrs.toml": okrs}), {**CATALOG, "shared_clients": shared})
    assert result.problems == ()
    assert result.plan is not None
    assert result.plan.key_results_by_id["O1.KR1"].target == Decimal("360.5")
    # The same half client in a count no one shares is a mistake.
    okrs = okrs.replace('metric = "shared_clients"', 'metric = "new_hnw_clients"')
    found = only_problem(write_workspace({"okrs.toml": okrs}))
    assert (found.key, found.message) == (
        "objectives[O1].key_results[KR1].target",
        "360.5 户 is not a whole number: a count is whole; write 360 or 361",
    )


# ------------------------------------------------------------ unreadable files


def test_non_utf8_file_names_its_line(write_workspace: WriteWorkspace) -> None:
    root = write_workspace({"gbk.toml": '[[people]]\nname = "王芳"\n'.encode("gbk")})
    problem = only_problem(root)
    assert (problem.file, problem.line) == ("targets/gbk.toml", 2)
    assert "not UTF-8" in problem.message


def test_a_byte_order_mark_is_ignored_with_a_warning(write_workspace: WriteWorkspace) -> None:
    root = write_workspace({"org.toml": b"\xef\xbb\xbf" + ORG.encode()})
    result = load_plan(root, CATALOG)
    assert result.problems == ()
    assert [w.message for w in result.warnings] == [
        "the file starts with a byte-order mark (BOM); it was ignored"
    ]


def test_an_empty_file_is_a_warning(write_workspace: WriteWorkspace) -> None:
    result = load_plan(write_workspace({"empty.toml": ""}), CATALOG)
    assert result.problems == ()
    assert [str(w) for w in result.warnings] == ["targets/empty.toml: the file is empty"]


def test_a_ten_megabyte_file_is_refused_without_parsing(write_workspace: WriteWorkspace) -> None:
    big = "# padding\n" * 1_100_000
    problem = only_problem(write_workspace({"huge.toml": big}))
    assert problem.file == "targets/huge.toml"
    assert "10.5 MB" in problem.message and "limited to 2 MB" in problem.message


@pytest.mark.parametrize("target", ["/nonexistent/x.toml", "../gone.toml"])
def test_a_link_to_a_missing_target_file_is_a_problem(
    write_workspace: WriteWorkspace, target: str
) -> None:
    root = write_workspace()
    (root / "targets" / "link.toml").symlink_to(target)
    result = load_plan(root, CATALOG)
    assert result.plan is None
    (problem,) = result.problems
    assert (problem.file, problem.line, problem.key) == ("targets/link.toml", 0, "")
    assert problem.message == (
        f"links to {target}, which does not exist; restore that file or remove the link"
    )
    assert problem.zh == f"链接到 {target}，但该文件不存在；请恢复该文件或删除此链接"
    assert "targets/link.toml" in result.files


def test_a_target_file_that_cannot_be_read_is_a_problem(
    write_workspace: WriteWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_workspace()
    refused = root / "targets" / "org.toml"
    import okrdesk.files

    opened = os.open

    def open_(path: object, flags: int, *args: object) -> int:
        if Path(str(path)) == refused:  # chmod 000 would not stop a test run as root
            raise PermissionError(13, "Permission denied")
        return opened(path, flags, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(okrdesk.files.os, "open", open_)
    (problem,) = load_plan(root, CATALOG).problems
    assert str(problem) == "targets/org.toml: cannot be read: Permission denied"
    assert problem.zh == "无法读取：Permission denied"


def test_a_report_refuses_a_plan_whose_target_file_link_broke(
    write_workspace: WriteWorkspace,
) -> None:
    from click.testing import CliRunner

    from okrdesk.cli import cli

    root = write_workspace()
    collect = CliRunner().invoke(cli, ["collect", "-w", str(root), "--through", "2026-03-15"])
    assert collect.exit_code == 0, collect.output
    report = ["report", "-w", str(root), "--as-of", "2026-03-15", "--lang", "en"]
    first = CliRunner().invoke(cli, report)
    assert first.exit_code == 0, first.output  # the plan is kept in the cache
    (root / "targets" / "team-b.toml").symlink_to(root / "gone.toml")
    done = CliRunner().invoke(cli, report)
    assert done.exit_code == 2, done.output
    assert "targets/team-b.toml: links to" in done.output
    assert "Traceback" not in done.output


def test_no_target_files(tmp_path: Path) -> None:
    (tmp_path / "targets").mkdir()
    problem = only_problem(tmp_path)
    assert problem.file == "targets"
    assert "no target files" in problem.message


def test_no_plan_table(write_workspace: WriteWorkspace) -> None:
    phases_only = PLAN[PLAN.index("[[phases]]") :]
    problem = only_problem(write_workspace({"plan.toml": phases_only}))
    assert (problem.key, problem.message) == (
        "plan",
        "missing; one target file needs a [plan] table",
    )


def test_reading_a_target_file_executes_nothing(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    canary = tmp_path / "pwned"
    hostile = OKRS.replace(
        'title = "投诉率"',
        f"title = \"__import__('os').system('touch {canary}') {{{{ 7*7 }}}} $(touch {canary})\"",
    )
    result = load_plan(write_workspace({"okrs.toml": hostile}), CATALOG)
    assert result.plan is not None
    assert "$(touch" in result.plan.key_results_by_id["O1.KR2"].title
    assert not canary.exists()


def test_revenue_metric_set_in_two_files_names_both(write_workspace: WriteWorkspace) -> None:
    root = write_workspace(
        {
            "budget.toml": '[budget]\nrevenue_metric = "aum"\n',
            "more-budget.toml": '[budget]\nexpense_ratio_max = 0.2\nrevenue_metric = "aum"\n',
        }
    )
    problem = only_problem(root)
    assert (problem.file, problem.line, problem.key) == (
        "targets/more-budget.toml",
        3,
        "budget.revenue_metric",
    )
    assert problem.message == "already set at targets/budget.toml:2; set it once"


def test_a_budget_line_named_like_an_objective_is_a_warning(
    write_workspace: WriteWorkspace,
) -> None:
    budget = BUDGET.replace('id = "salons"', 'id = "O1"', 1)
    result = load_plan(write_workspace({"budget.toml": budget}), CATALOG)
    assert result.problems == ()
    (warning,) = [w for w in result.warnings if "objective" in w.message]
    assert warning.message.startswith(
        'budget line "O1" has the id of an objective (targets/okrs.toml:1): '
        "`okrdesk explain O1` explains the objective"
    )
    assert str(warning).startswith("targets/budget.toml:")


# ------------------------------------------------------------ duplicates beside other mistakes

DUPLICATES = {
    "a key result whose first copy has a wrong weight": (
        {
            "okrs.toml": OKRS.replace("target = 360", 'target = 360\nweight = "2"').replace(
                'id = "KR2"', 'id = "KR1"  # <-'
            )
        },
        "okrs.toml",
        "objectives[O1].key_results[KR1].id",
        "O1.KR1",
        "targets/okrs.toml:6",
    ),
    "a person whose first copy has no name": (
        {
            "org.toml": ORG.replace('name = "王芳"\n', ""),
            "team-b.toml": '[[people]]\nid = "cm01"  # <-\nname = "又一个王芳"\nunit = "team-a"\n',
        },
        "team-b.toml",
        "people[cm01].id",
        "cm01",
        "targets/org.toml:13",
    ),
    "an objective whose first copy has an unknown key": (
        {
            "okrs.toml": OKRS.replace('owner = "branch"', 'owner = "branch"\nowenr = "x"'),
            "team-c.toml": '[[objectives]]\nid = "O1"  # <-\ntitle = "又一个"\nowner = "branch"\n',
        },
        "team-c.toml",
        "objectives[O1].id",
        "O1",
        "targets/okrs.toml:1",
    ),
    "a budget line whose first copy has a zero amount": (
        {
            "budget.toml": BUDGET.replace("amount = 380", "amount = 0").replace(
                'id = "training"', 'id = "salons"  # <-'
            )
        },
        "budget.toml",
        "budget.lines[salons].id",
        "salons",
        "targets/budget.toml:6",
    ),
}


@pytest.mark.parametrize("case", DUPLICATES, ids=list(DUPLICATES))
def test_a_duplicate_id_is_reported_whatever_else_is_wrong_with_the_first(
    write_workspace: WriteWorkspace, case: str
) -> None:
    files, file, key, ident, first = DUPLICATES[case]
    found = problems(write_workspace(files))
    assert len(found) == 2, "\n".join(map(str, found))
    (duplicate,) = [p for p in found if "duplicate" in p.message]
    assert (duplicate.file, duplicate.line, duplicate.key) == (
        f"targets/{file}",
        marked_line(files[file]),
        key,
    )
    assert duplicate.message.startswith(f'duplicate id "{ident}"; already defined at {first}: ')
    assert duplicate.zh.startswith(f'id "{ident}" 重复；已在 {first} 定义：')


# ------------------------------------------------------------ valid but surprising

TEAM_KR = """
[[objectives]]
id = "A1"
title = "一部"
owner = "team-a"

[[objectives.key_results]]
id = "HNW"
title = "新增高净值客户"
metric = "new_hnw_clients"
target = {target}  # <-
unit = "户"
[objectives.key_results.members]
cm01 = 36
cm02 = 24
"""
CONVERSION = """
[[objectives.key_results]]
id = "FUNNEL"
title = "开户→首购转化率由 11% 提升到 16%"
baseline = {baseline}
target = {target}  # <-
unit = "{unit}"
"""

SURPRISES = {
    "a target ten times its members'": (
        {"team-a.toml": TEAM_KR.format(target=600)},
        "team-a.toml",
        "objectives[A1].key_results[HNW].target",
        "is 600 accts, 10 times what the members' targets add up to (60 accts); a digit too "
        "many, or a member's target left out? The target written here counts, and reports "
        "show the difference",
        "为 600户，是成员目标合计 60户 的 10 倍；是否多写了一位数，或漏写了成员的目标？"
        "以这里写的 target 为准，报告会显示差额",
    ),
    "a target thousands of times its members'": (
        {"team-a.toml": TEAM_KR.format(target=1_234_567)},
        "team-a.toml",
        "objectives[A1].key_results[HNW].target",
        "is 1.23m accts, 20,576 times what the members' targets add up to (60 accts); a digit "
        "too many, or a member's target left out? The target written here counts, and "
        "reports show the difference",
        "为 123.5万户，是成员目标合计 60户 的 20,576 倍；是否多写了一位数，或漏写了成员的目标？"
        "以这里写的 target 为准，报告会显示差额",
    ),
    "a target millions of times its members'": (
        {"team-a.toml": TEAM_KR.format(target=4_500_000_000)},
        "team-a.toml",
        "objectives[A1].key_results[HNW].target",
        "is 4,500m accts, 75,000,000 times what the members' targets add up to (60 accts); a "
        "digit too many, or a member's target left out? The target written here counts, and "
        "reports show the difference",
        "为 45亿户，是成员目标合计 60户 的 7500万 倍；是否多写了一位数，或漏写了成员的目标？"
        "以这里写的 target 为准，报告会显示差额",
    ),
    "a target a fifth of its members'": (
        {"team-a.toml": TEAM_KR.format(target=12)},
        "team-a.toml",
        "objectives[A1].key_results[HNW].target",
        "is 12 accts, but the members' targets add up to 5 times as much (60 accts); a digit "
        "too few? The target written here counts, and reports show the difference",
        "为 12户，而成员目标合计 60户，是它的 5 倍；是否少写了一位数？"
        "以这里写的 target 为准，报告会显示差额",
    ),
    "a milestone curve that ends short of the target": (
        {
            "okrs.toml": OKRS.replace(
                "milestones = { Q2 = 0.45, Q3 = 0.70, Q4 = 1.0 }",
                "milestones = { Q2 = 0.45, Q3 = 0.70, Q4 = 0.8 }  # <-",
            )
        },
        "okrs.toml",
        "objectives[O1].key_results[KR1].milestones.Q4",
        "0.8 at Q4, the end of the plan: only 80% of the way to the target is ever due, so "
        "O1.KR1 is on track at the plan's end while short of it; write Q4 = 1.0, and lower "
        "the target if less is enough",
        "计划结束时（Q4）只有 0.8：全年只要求完成到目标的 80%，O1.KR1 没达到目标也算按进度"
        "完成；请写 Q4 = 1.0，若要求更低，请调低目标值",
    ),
    "a calendar that ends short of the target": (
        {
            "okrs.toml": OKRS.replace(
                "milestones = { Q2 = 0.45, Q3 = 0.70, Q4 = 1.0 }",
                "milestones = { Q2 = 0.45, Q3 = 0.70, Q4 = 1.0 }\n"
                "calendar = { 2026-11 = 0.85, 2026-12 = 0.9 }  # <-",
            )
        },
        "okrs.toml",
        "objectives[O1].key_results[KR1].calendar.2026-12",
        "0.9 at 2026-12, the end of the plan: only 90% of the way to the target is ever due, "
        "so O1.KR1 is on track at the plan's end while short of it; write 2026-12 = 1.0, and "
        "lower the target if less is enough",
        "计划结束时（2026-12）只有 0.9：全年只要求完成到目标的 90%，O1.KR1 没达到目标也算"
        "按进度完成；请写 2026-12 = 1.0，若要求更低，请调低目标值",
    ),
    "a rate in % written as fractions": (
        {"okrs.toml": OKRS + CONVERSION.format(baseline=0.11, target=0.16, unit="%")},
        "okrs.toml",
        "objectives[O1].key_results[FUNNEL].target",
        '0.16 with unit = "%" means 0.16%, from a baseline of 0.11%; for 16% and 11% write '
        'target = 16 and baseline = 11 (or unit = "ratio" to write fractions)',
        'unit = "%" 时，0.16 表示 0.16%，基线 0.11 表示 0.11%；若指 16% 和 11%，'
        '请写 target = 16、baseline = 11（或写 unit = "ratio"，按小数填写）',
    ),
    "a rate as a fraction written in percent": (
        {"okrs.toml": OKRS + CONVERSION.format(baseline=0.11, target=16, unit="ratio")},
        "okrs.toml",
        "objectives[O1].key_results[FUNNEL].target",
        '16 with unit = "ratio" means 1600%; for 16% write target = 0.16 (or unit = "%" to '
        "write percentages)",
        'unit = "ratio" 时，16 表示 1600%；若指 16%，请写 target = 0.16（或写 unit = "%"，'
        "按百分数填写）",
    ),
}


@pytest.mark.parametrize("case", SURPRISES, ids=list(SURPRISES))
def test_a_valid_but_surprising_plan_is_warned_of(
    write_workspace: WriteWorkspace, case: str
) -> None:
    files, file, key, english, chinese = SURPRISES[case]
    result = load_plan(write_workspace(files), CATALOG)
    assert result.problems == ()
    assert result.plan is not None
    found = [w for w in result.warnings if w.key == key]
    assert len(found) == 1, "\n".join(map(str, result.warnings))
    (warning,) = found
    assert (warning.file, warning.line) == (f"targets/{file}", marked_line(files[file]))
    assert (warning.message, warning.zh) == (english, chinese)


NOT_SURPRISING = {
    "a target a little above its members'": {"team-a.toml": TEAM_KR.format(target=200)},
    "a milestone below 1.0 before the last phase": {
        "okrs.toml": OKRS.replace("Q3 = 0.70, Q4 = 1.0", "Q3 = 0.70")
    },
    "a checkpoint held until the end of June": {
        "okrs.toml": OKRS.replace("Q2 = 0.45, Q3 = 0.70, Q4 = 1.0", "Q2 = 1.0")
    },
    "a rate in % from 11 to 16": {
        "okrs.toml": OKRS + CONVERSION.format(baseline=11, target=16, unit="%")
    },
    "a rate as a fraction from 0.11 to 0.16": {
        "okrs.toml": OKRS + CONVERSION.format(baseline=0.11, target=0.16, unit="ratio")
    },
    "a complaint rate below one percent": {
        "okrs.toml": OKRS.replace('target = 0.15\nunit = "‰"', 'target = 0.5\nunit = "%"')
    },
}


@pytest.mark.parametrize("case", NOT_SURPRISING, ids=list(NOT_SURPRISING))
def test_what_is_meant_is_not_warned_of(write_workspace: WriteWorkspace, case: str) -> None:
    result = load_plan(write_workspace(NOT_SURPRISING[case]), CATALOG)
    assert (result.problems, result.warnings) == ((), ())


def test_validate_passes_a_surprising_plan_with_its_warning(
    write_workspace: WriteWorkspace,
) -> None:
    from click.testing import CliRunner

    from okrdesk.cli import cli

    team = TEAM_KR.format(target=600)
    root = write_workspace({"team-a.toml": team})
    at = f"targets/team-a.toml:{marked_line(team)}: objectives[A1].key_results[HNW].target: "
    for lang, said in (("en", f"warning: {at}is 600 accts"), ("zh", f"警告：{at}为 600户")):
        done = CliRunner().invoke(cli, ["validate", "-w", str(root), "--lang", lang])
        assert done.exit_code == 0, done.output
        assert said in done.output
