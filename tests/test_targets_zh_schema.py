"""The Chinese wording of the problems targets/schema.py (and its section modules) finds,
beside the English.

Each case breaks one rule in a real file; the problem at the key must keep its English
message unchanged and carry the Chinese in ``zh`` (``Problem.text("zh")`` shows it).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from okrdesk.errors import Problem
from okrdesk.targets import load_plan
from okrdesk.targets.draft import Draft
from okrdesk.targets.load import parse_toml_file, target_files
from okrdesk.targets.reader import Findings
from okrdesk.targets.schema import read_file
from okrdesk.targets.window_keys import BASELINE_KEYS, WINDOW_KEYS
from sample_workspace import BUDGET, OKRS, PLAN, WriteWorkspace
from test_corpus import CASES as CORPUS_CASES
from test_corpus import build_workspace

SCORING = (
    '[[scoring]]\nid = "cm"\nname = "月度考核"\nroles = ["cm"]\n{extra}\n'
    '[[scoring.components]]\nmetric = "aum"\nweight = 1\nstandard = 1\nunit = "亿元"\n'
)
MILESTONES = "milestones = { Q2 = 0.45, Q3 = 0.70, Q4 = 1.0 }"

# A broken file, the file it is in, the key of the problem, its English and its Chinese.
CASES = {
    "implausible plan year": (
        "plan.toml",
        PLAN.replace("year = 2026", "year = 1800"),
        "plan.year",
        "1800 is not a plausible plan year",
        "1800 不像是计划的年份",
    ),
    "phase ends before it starts": (
        "plan.toml",
        PLAN.replace("end = 2026-03-31", "end = 2025-12-31"),
        "phases[Q1].end",
        "the phase ends (2025-12-31) before it starts (2026-01-01)",
        "阶段的结束日期（2025-12-31）早于开始日期（2026-01-01）",
    ),
    "milestone written as a percentage": (
        "okrs.toml",
        OKRS.replace(MILESTONES, "milestones = { Q2 = 45, Q3 = 0.70, Q4 = 1.0 }"),
        "objectives[O1].key_results[KR1].milestones.Q2",
        "must be a fraction between 0 and 1, got 45 (write 0.45 for 45%)",
        "必须是 0 到 1 之间的小数，现为 45（45% 写作 0.45）",
    ),
    "weight below zero": (
        "okrs.toml",
        OKRS.replace("target = 360", "target = 360\nweight = -1"),
        "objectives[O1].key_results[KR1].weight",
        "must be greater than 0, got -1",
        "必须大于 0，现为 -1",
    ),
    "cadence on a key result with a metric": (
        "okrs.toml",
        OKRS.replace("target = 360", 'target = 360\ncadence = "month"'),
        "objectives[O1].key_results[KR1].cadence",
        "is for key results tracked by check-ins; this one has a metric (new_hnw_clients), "
        "collected by `okrdesk collect`",
        "只用于靠打卡跟踪的关键结果；这个关键结果有指标（new_hnw_clients），"
        "由 `okrdesk collect` 采集",
    ),
    "baseline not below the target": (
        "okrs.toml",
        OKRS.replace("target = 360", "target = 360\nbaseline = 400"),
        "objectives[O1].key_results[KR1].baseline",
        "baseline 400 is not below the target 360: there is no way to go. To hold a figure "
        "at or above a floor all year, write guardrail = true; for lower is better, write "
        'direction = "at_most"',
        "基线 400 不低于目标值 360：没有提升的空间。若要全年把数守在下限以上，请写 "
        'guardrail = true；若越低越好，请写 direction = "at_most"',
    ),
    "calendar month 13": (
        "okrs.toml",
        OKRS.replace(MILESTONES, 'calendar = { "2026-13" = 0.5 }'),
        "objectives[O1].key_results[KR1].calendar.2026-13",
        "there is no month 13",
        "没有 13 月",
    ),
    "calendar fraction written as text": (
        "okrs.toml",
        OKRS.replace(MILESTONES, 'calendar = { "2026-03" = "half" }'),
        "objectives[O1].key_results[KR1].calendar.2026-03",
        "expected a fraction between 0 and 1, got a string ('half')",
        "应为 0 到 1 之间的小数，现为文本（'half'）",
    ),
    "budget in a unit that is not money": (
        "budget.toml",
        BUDGET.replace('unit = "万元"', 'unit = "户"'),
        "budget.unit",
        '"户" is not a money unit; use 元, 万元 or 亿元',
        '"户" 不是金额单位；请用 元、万元 或 亿元',
    ),
    "breaker threshold as a percentage": (
        "budget.toml",
        BUDGET.replace("total = 899", "total = 899\nbreaker_threshold = 10"),
        "budget.breaker_threshold",
        "must be a fraction between 0 and 1 (0.10 for 10%), got 10",
        "必须是 0 到 1 之间的小数（10% 写作 0.10），现为 10",
    ),
    "key result linked twice": (
        "budget.toml",
        BUDGET.replace('key_results = ["O1.KR1"]', 'key_results = ["O1.KR1", "O1.KR1"]'),
        "budget.lines[salons].key_results[1]",
        '"O1.KR1" is listed twice',
        '"O1.KR1" 重复列出',
    ),
    "key result weight of zero": (
        "budget.toml",
        BUDGET.replace('key_results = ["O1.KR1"]', 'key_results = { "O1.KR1" = 0 }'),
        "budget.lines[salons].key_results.O1.KR1",
        "expected a weight greater than 0, got 0",
        "应为大于 0 的权重，现为 0",
    ),
    "scoring floor above cap": (
        "scoring.toml",
        SCORING.format(extra="cap = 1.2\nfloor = 1.5"),
        "scoring[cm].floor",
        "the floor (1.5) is above the cap (1.2)",
        "下限（1.5）高于上限（1.2）",
    ),
    "a count target with a fraction": (
        "okrs.toml",
        OKRS.replace("target = 360", "target = 360.5"),
        "objectives[O1].key_results[KR1].target",
        "360.5 户 is not a whole number: a count is whole; write 360 or 361",
        "360.5户不是整数：户、人、单等计数只能是整数；请写 360 或 361",
    ),
    "a member's count target with a fraction": (
        "okrs.toml",
        OKRS.replace(
            MILESTONES, f"{MILESTONES}\n[objectives.key_results.members]\ncm01 = 200.5\ncm02 = 160"
        ),
        "objectives[O1].key_results[KR1].members.cm01",
        "200.5 户 is not a whole number: a count is whole; write 200 or 201",
        "200.5户不是整数：户、人、单等计数只能是整数；请写 200 或 201",
    ),
    "a count in 万户 that is no whole count": (
        "okrs.toml",
        OKRS.replace('target = 360\nunit = "户"', 'target = 0.03605\nunit = "万户"'),
        "objectives[O1].key_results[KR1].target",
        "0.03605 万户 is 360.5, not a whole number: a count is whole; write 0.036 or 0.0361",
        "0.03605万户 即 360.5，不是整数：户、人、单等计数只能是整数；请写 0.036 或 0.0361",
    ),
    "misspelt section header": (
        "okrs.toml",
        OKRS.replace("[[objectives]]", "[[objective]]"),
        "objective",
        "unknown section: [[objective]] looks like a misspelling of [[objectives]], so the "
        "[[objectives.key_results]] at line 6 belongs to none; fix this header first",
        "未知的表：[[objective]] 像是 [[objectives]] 的笔误，所以它下面的 "
        "[[objectives.key_results]]（第 6 行）不属于任何表；请先改正这个表头",
    ),
}


def problem_at(root: Path, key: str) -> Problem:
    found = [p for p in load_plan(root, None).problems if p.key == key]
    assert len(found) == 1, "\n".join(map(str, load_plan(root, None).problems))
    return found[0]


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_schema_problem_is_worded_in_chinese(name: str, write_workspace: WriteWorkspace) -> None:
    file, text, key, english, chinese = CASES[name]
    problem = problem_at(write_workspace({file: text}), key)
    assert problem.message == english
    assert problem.zh == chinese
    assert problem.text("zh").endswith(f": {key}: {chinese}")
    assert problem.text("en") == str(problem)


def _from_schema(problem: Problem) -> bool:
    """Whether schema.py or a section module (or reader.py, which they read through)
    worded it, rather than window_keys.py, which reads a key result's window keys and
    [[baselines]]."""
    last = problem.key.rpartition(".")[2].partition("[")[0]
    return not problem.key.startswith("baselines") and last not in {
        *WINDOW_KEYS,
        *BASELINE_KEYS,
    }


def test_every_schema_problem_in_the_corpus_has_chinese(tmp_path: Path) -> None:
    """Each corpus case's files, read by schema.py alone (no cross-file checks)."""
    checked = 0
    for case in sorted(p for p in CORPUS_CASES.iterdir() if not p.name.startswith("_")):
        if not case.is_dir():
            continue
        workspace = build_workspace(case, tmp_path / case.name)
        draft, findings = Draft(), Findings()
        for path in target_files(workspace / "targets"):
            source = parse_toml_file(path, workspace, Findings())
            if source is not None:
                read_file(source, draft, findings)
        for problem in [*findings.problems, *findings.warnings]:
            if _from_schema(problem):
                checked += 1
                assert problem.zh, f"{case.name}: {problem}"
    assert checked >= 50


def test_a_value_the_model_refuses_is_a_problem_at_its_key_in_both_languages(
    tmp_path: Path,
) -> None:
    """What the model refuses as a value is made (``model.InvalidValue``) becomes a
    problem at the file, line and key it was read from, in the words it was refused in:
    no table of its messages is kept beside it."""
    from okrdesk import model
    from okrdesk.targets.reader import where_for
    from okrdesk.targets.schema_values import safely
    from okrdesk.units import UNITS

    path = tmp_path / "targets" / "okrs.toml"
    path.parent.mkdir()
    path.write_text('[[objectives]]\nid = "O1"\n\n[[objectives.key_results]]\nid = "KR1"\n',
                    encoding="utf-8")  # fmt: skip
    source = parse_toml_file(path, tmp_path, Findings())
    assert source is not None
    where = where_for(source, ("objectives", 0, "key_results", 0))
    findings = Findings()
    built = safely(where, findings, lambda: model.KeyResult("O1.KR1", "O1", "开户",
                                                             UNITS["户"], None))  # fmt: skip
    assert built is None
    [problem] = findings.problems
    assert problem.text("en") == (
        "targets/okrs.toml:4: objectives[O1].key_results[KR1]: key result O1.KR1: needs a "
        "target or members' targets"
    )
    assert problem.text("zh") == (
        "targets/okrs.toml:4: objectives[O1].key_results[KR1]: 关键结果 O1.KR1：需要 target "
        "或成员的目标值"
    )
