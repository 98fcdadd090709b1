"""Target files and okrdesk.toml as a branch manager types them by hand, with a Chinese
keyboard and a spreadsheet's habits: validate, run as the real ``okrdesk`` command on
files on disk, names each mistake at its file and line with the line to write there,
every mistake of a file in one run where each is its line's alone."""

from __future__ import annotations

import os
import subprocess

import pytest

from okrdesk.app.trust import grant
from sample_workspace import BUDGET, OKRS, ORG, PLAN, WriteWorkspace
from test_validate_written_where import OKRDESK, validate

INLINE_MILESTONES = "milestones = { Q2 = 0.45, Q3 = 0.70, Q4 = 1.0 }\n"
# (file, text as the sample has it, as typed) -> validate's lines, in English and Chinese
CASES = {
    "a figure in 万元 in a table in 万元": (
        "budget.toml", "total = 899", "total = 899万元",
        ['targets/budget.toml:3: TOML syntax: 899万元 is not a TOML number: write total = 899, '
         'in the table\'s unit (unit = "万元" at line 2) (column 12)'],
        ['targets/budget.toml:3: TOML 语法错误：899万元 不是 TOML 的数；请写 total = 899，'
         '用表的单位（第 2 行 unit = "万元"）（第 12 列）'],
    ),
    "a budget line's figure in its budget's unit": (
        "budget.toml", "amount = 380", "amount = 380万",
        ['targets/budget.toml:10: TOML syntax: 380万 is not a TOML number: write amount = 380, '
         'in the budget\'s unit (unit = "万元" at line 2) (column 13)'],
        None,
    ),
    "full-width digits of a figure with its unit": (
        "budget.toml", "amount = 519", "amount = ５１９万元",
        ["targets/budget.toml:18: TOML syntax: found the full-width ５; write 5 (column 10); "
         "519万元 is not a TOML number: write amount = 519, in the budget's unit "
         '(unit = "万元" at line 2) (column 13)'],
        ["targets/budget.toml:18: TOML 语法错误：发现全角字符 ５；请改用半角的 5（第 10 列）；"
         "519万元 不是 TOML 的数；请写 amount = 519，用预算的单位（第 2 行 unit = \"万元\"）"
         "（第 13 列）"],
    ),
    "a quoted figure grouped by four digits, in a table in 万元": (
        "budget.toml", "total = 899", 'total = "899,0000"',
        ["targets/budget.toml:3: budget.total: expected a number, got a string ('899,0000'); "
         "if it means 8990000元, write total = 899, without quotes, in the table's unit "
         '(unit = "万元"); if 8990000万元, write total = 8990000'],
        None,
    ),
    "a quoted figure in 万元": (
        "budget.toml", "total = 899", 'total = "899万元"',
        ["targets/budget.toml:3: budget.total: expected a number, got a string ('899万元'); "
         'write total = 899, without quotes, in the table\'s unit (unit = "万元")'],
        None,
    ),
    "a quoted figure in per mille in a key result in ‰": (
        "okrs.toml", "target = 0.15", 'target = "0.15‰"',
        ["targets/okrs.toml:19: objectives[O1].key_results[KR2].target: expected a number, got "
         "a string ('0.15‰'); write target = 0.15, without quotes, in the table's unit "
         '(unit = "‰")'],
        None,
    ),
    "a threshold quoted in full-width percent": (
        "budget.toml", "expected_revenue = 10000",
        'expected_revenue = 10000\nbreaker_threshold = "１０％"',
        ["targets/budget.toml:5: budget.breaker_threshold: expected a number, got a string "
         "('１０％'); write breaker_threshold = 0.1, without quotes"],
        ["targets/budget.toml:5: budget.breaker_threshold: 应为数，现为文本（'１０％'）；"
         "请写 breaker_threshold = 0.1，不加引号"],
    ),
    "a weight in percent": (
        "okrs.toml", 'unit = "户"', 'unit = "户"\nweight = 30%',
        ["targets/okrs.toml:12: TOML syntax: 30% is not a TOML number: write weight = 0.3 "
         "(column 12)"],
        None,
    ),
    "the first of a list written as a table": (
        "org.toml", "[[people]]", "[people]",
        ["targets/org.toml:13: TOML syntax: [people] is followed by [[people]] at line 18, a "
         "list: write [[people]] here too (each item of the list starts with [[people]])"],
        ["targets/org.toml:13: TOML 语法错误：[people] 后面第 18 行是 [[people]]，是个列表："
         "这里也请写 [[people]]（列表的每一项都以 [[people]] 开头）"],
    ),
    "a member's target with its key result's unit": (
        "okrs.toml", "milestones = { Q2 = 0.45, Q3 = 0.70, Q4 = 1.0 }\n",
        "milestones = { Q2 = 0.45, Q3 = 0.70, Q4 = 1.0 }\n[objectives.key_results.members]\n"
        "li-lei = ２００户\n",
        ["targets/okrs.toml:14: TOML syntax: found the full-width ２; write 2 (column 10); "
         "200户 is not a TOML number: write li-lei = 200, in the key result's unit "
         '(unit = "户" at line 11) (column 13)'],
        None,
    ),
    "a yes in Chinese for true": (
        "budget.toml", "market_activity = true", "market_activity = 是",
        ["targets/budget.toml:12: TOML syntax: true and false are written in lower case, "
         "without quotes: write market_activity = true (column 19)"],
        ["targets/budget.toml:12: TOML 语法错误：真假写作小写的 true 或 false，不加引号："
         "请写 market_activity = true（第 19 列）"],
    ),
    "True as Python writes it": (
        "budget.toml", "market_activity = true", "market_activity = True",
        ["targets/budget.toml:12: TOML syntax: true and false are written in lower case, "
         "without quotes: write market_activity = true (column 19)"],
        None,
    ),
    "a year with 年": (
        "plan.toml", "year = 2026", "year = 2026年",
        ["targets/plan.toml:4: TOML syntax: 2026年 is not a TOML number: write year = 2026 "
         "(column 12)"],
        None,
    ),
    "a tab where = goes, pasted from a spreadsheet": (
        "okrs.toml", "target = 360", "target\t360",
        ["targets/okrs.toml:10: TOML syntax: a key and its value are joined by =: write "
         "target = 360 (column 8)"],
        None,
    ),
    "a header without its closing bracket": (
        "plan.toml", "[plan]", "[plan",
        ["targets/plan.toml:1: TOML syntax: this header is not closed with ]: write [plan]"],
        ["targets/plan.toml:1: TOML 语法错误：此表头没有用 ] 闭合：请写 [plan]"],
    ),
    "a list's header with one closing bracket": (
        "org.toml", "[[people]]", "[[people]",
        ["targets/org.toml:13: TOML syntax: this header is not closed with ]]: write [[people]]"],
        None,
    ),
    "an inline table without its closing brace": (
        "okrs.toml", "Q4 = 1.0 }", "Q4 = 1.0",
        ["targets/okrs.toml:12: TOML syntax: the closing } of this inline table is missing: "
         "write milestones = { Q2 = 0.45, Q3 = 0.70, Q4 = 1.0 }"],
        None,
    ),
    "a key without a value": (
        "okrs.toml", "target = 360", "target = ",
        ["targets/okrs.toml:10: TOML syntax: target has no value after =: write one "
         "(target = ...), or delete the line"],
        None,
    ),
    "a phase written twice inside milestones": (
        "okrs.toml", "Q4 = 1.0 }", "Q4 = 1.0, Q2 = 0.5 }",
        ["targets/okrs.toml:12: TOML syntax: Q2 is written twice in this { ... }: keep the one "
         "you mean and delete the other (column 56)"],
        None,
    ),
    "a calendar in percent below its header": (
        "okrs.toml", 'unit = "‰"\n', 'unit = "‰"\n[objectives.key_results.calendar]\n'
        "2026-06 = 50%\n2026-12 = 100%\n",
        ["targets/okrs.toml:22: TOML syntax: 50% is not a TOML number: write 2026-06 = 0.5 "
         "(column 13)",
         "targets/okrs.toml:23: TOML syntax: 100% is not a TOML number: write 2026-12 = 1.0 "
         "(column 14)"],
        None,
    ),
    "a colon and curly quotes on one line": (
        "plan.toml", 'name = "攻坚"', "name：“攻坚”",
        ["targets/plan.toml:21: TOML syntax: found the full-width ：; write = (column 5); the "
         'whole line, as TOML reads it: name = "攻坚"'],
        ["targets/plan.toml:21: TOML 语法错误：发现全角字符 ：；请改用半角的 =（第 5 列）；"
         '整行应写作：name = "攻坚"'],
    ),
    "a list in full-width brackets, commas and curly quotes": (
        "budget.toml", 'key_results = ["O1.KR1"]', "key_results = ［“O1.KR1”，“O1.KR2”］",
        ["targets/budget.toml:11: TOML syntax: found the full-width ［; write [ (column 15); the "
         'whole line, as TOML reads it: key_results = ["O1.KR1", "O1.KR2"]'],
        None,
    ),
    "a day without its year, in the file of the plan": (
        "plan.toml", "start = 2026-10-01", "start = 10月1日",
        ["targets/plan.toml:28: TOML syntax: 10月1日 is not a TOML date: write the year too, as "
         "year-month-day: 2026-10-01 if it is in the plan's year (year = 2026) (column 11)"],
        None,
    ),
    "a list's header in Chinese": (
        "okrs.toml", '[[objectives.key_results]]\nid = "KR2"', '[[目标.关键结果]]\nid = "KR2"',
        ["targets/okrs.toml:14: TOML syntax: 目标.关键结果 is not a table's name: tables are "
         "named in English; write [[objectives.key_results]]"],
        ["targets/okrs.toml:14: TOML 语法错误：目标.关键结果 不是表名：表名用英文写；"
         "请写 [[objectives.key_results]]"],
    ),
    "a list's header in Chinese, in quotes": (
        "okrs.toml", '[[objectives.key_results]]\nid = "KR2"', '[["目标"."关键结果"]]\nid = "KR2"',
        ["targets/okrs.toml:14: 目标: not a table's name: tables are named in English; write "
         "[[objectives.key_results]]"],
        ["targets/okrs.toml:14: 目标: 不是表名：表名用英文写；请写 [[objectives.key_results]]"],
    ),
    "a table's header in Chinese, in single quotes": (
        "org.toml", '[[people]]\nid = "cm02"', "['人员']\nid = \"cm02\"",
        ["targets/org.toml:18: 人员: not a table's name: tables are named in English; write "
         "[people]"],
        None,
    ),
    "a list's header half in English, half in Chinese": (
        "okrs.toml", '[[objectives.key_results]]\nid = "KR2"',
        '[[objectives.关键结果]]\nid = "KR2"',
        ["targets/okrs.toml:14: TOML syntax: objectives.关键结果 is not a table's name: tables are "
         "named in English; write [[objectives.key_results]]"],
        None,
    ),
    "a key result's members below a header ending in Chinese, in quotes": (
        "okrs.toml", INLINE_MILESTONES, INLINE_MILESTONES + '[objectives.key_results."成员"]\n'
        "cm01 = 200\n",
        ["targets/okrs.toml:13: objectives[O1].key_results[KR1].成员: not a table's name: tables "
         "are named in English; write [objectives.key_results.members]"],
        ["targets/okrs.toml:13: objectives[O1].key_results[KR1].成员: 不是表名：表名用英文写；"
         "请写 [objectives.key_results.members]"],
    ),
    "a table written twice, its name in quotes": (
        "budget.toml", "[budget]", '["budget"]\nunit = "万元"\n[ \'budget\' ]',
        ["targets/budget.toml:3: TOML syntax: [budget] is written twice; the first is at line "
         "1: write these keys under it"],
        ["targets/budget.toml:3: TOML 语法错误：[budget] 写了两次，第一次在第 1 行："
         "请把这些键写在那里"],
    ),
    "a table with a space in its quoted name, written twice": (
        "plan.toml", 'unit = "branch"\n', 'unit = "branch"\n\n[targets."a b"]\nx = 1\n\n'
        '[targets."a b"]\ny = 2\n',
        ['targets/plan.toml:10: TOML syntax: [targets."a b"] is written twice; the first is at '
         "line 7: write these keys under it"],
        None,
    ),
    "the first of a list written as a table, its name in quotes": (
        "org.toml", "[[people]]", '["people"]',
        ["targets/org.toml:13: TOML syntax: [people] is followed by [[people]] at line 18, a "
         "list: write [[people]] here too (each item of the list starts with [[people]])"],
        None,
    ),
    "a space for the underscore of a list's name": (
        "okrs.toml", '[[objectives.key_results]]\nid = "KR2"',
        '[[objectives.key results]]\nid = "KR2"',
        ["targets/okrs.toml:14: TOML syntax: a table's name has no space: write "
         "[[objectives.key_results]]"],
        ["targets/okrs.toml:14: TOML 语法错误：表名里没有空格：请写 [[objectives.key_results]]"],
    ),
    "a name with a space in a header, without quotes": (
        "plan.toml", 'unit = "branch"\n', 'unit = "branch"\n\n[targets.a b]\nx = 1\n',
        ['targets/plan.toml:7: TOML syntax: a name with a space in it is written in quotes in a '
         'header: write [targets."a b"]'],
        ['targets/plan.toml:7: TOML 语法错误：表头里带空格的名字要加引号：请写 [targets."a b"]'],
    ),
    "a key in Chinese below a quoted header": (
        "budget.toml", "[budget]\nunit = \"万元\"\ntotal = 899",
        "[\"budget\"]\nunit = \"万元\"\n预算 = 899",
        ["targets/budget.toml:3: TOML syntax: 预算 is not a key: keys are written in English; "
         "write total = 899 (column 1)"],
        None,
    ),
    "a figure in 万元 below a quoted header in 万元": (
        "budget.toml", "[budget]\nunit = \"万元\"\ntotal = 899",
        "['budget']\nunit = \"万元\"\ntotal = 899万元",
        ["targets/budget.toml:3: TOML syntax: 899万元 is not a TOML number: write total = 899, "
         'in the table\'s unit (unit = "万元" at line 2) (column 12)'],
        None,
    ),
    "a figure with a point and nothing after it": (
        "okrs.toml", "target = 360", "target = 360.",
        ["targets/okrs.toml:10: TOML syntax: 360. is not a TOML number: write target = 360"],
        None,
    ),
    "a fraction without its 0": (
        "okrs.toml", "target = 0.15", "target = .15",
        ["targets/okrs.toml:19: TOML syntax: .15 is not a TOML number: write target = 0.15"],
        None,
    ),
    "digits grouped by a space": (
        "okrs.toml", "target = 360", "target = 1 200",
        ["targets/okrs.toml:10: TOML syntax: 1 200 is not a TOML number: write target = 1200"],
        None,
    ),
    "a yuan sign before a figure in 万": (
        "budget.toml", "total = 899", "total = ¥899万",
        ["targets/budget.toml:3: TOML syntax: ¥899万 is not a TOML number: write total = 899, "
         'in the table\'s unit (unit = "万元" at line 2)'],
        ['targets/budget.toml:3: TOML 语法错误：¥899万 不是 TOML 的数；请写 total = 899，'
         '用表的单位（第 2 行 unit = "万元"）'],
    ),
    # Either 899元, as the sign says, or 899万, as a bare 899 there is: checkin and spend
    # add refuse it by the same rule.
    "a yuan sign before a bare figure, in a table in 万元": (
        "budget.toml", "total = 899", "total = ¥899",
        ["targets/budget.toml:3: TOML syntax: ¥899 is not a TOML number: if 899元 is meant, "
         'write total = 0.0899, in the table\'s unit (unit = "万元" at line 2); if 899 in the '
         "table's unit, write total = 899"],
        ['targets/budget.toml:3: TOML 语法错误：¥899 不是 TOML 的数；若是 899元，请写 '
         'total = 0.0899，用表的单位（第 2 行 unit = "万元"）；若是以表的单位计的 899，请写 '
         "total = 899"],
    ),
    "a yuan sign before a figure with thousands separators": (
        "budget.toml", "total = 899", "total = ¥8,990,000",
        ["targets/budget.toml:3: TOML syntax: ¥8,990,000 is not a TOML number: write total = "
         '899, in the table\'s unit (unit = "万元" at line 2)'],
        ['targets/budget.toml:3: TOML 语法错误：¥8,990,000 不是 TOML 的数；请写 total = 899，'
         '用表的单位（第 2 行 unit = "万元"）'],
    ),
    "a figure in 元 grouped by thousands, in a table in 万元": (
        "budget.toml", "total = 899", "total = 8,990,000",
        ["targets/budget.toml:3: TOML syntax: 8,990,000 is not a TOML number: if it means "
         "8990000元, write total = 899, in the table's unit (unit = \"万元\" at line 2); if "
         "8990000万元, write total = 8990000 (column 10)"],
        ["targets/budget.toml:3: TOML 语法错误：8,990,000 不是 TOML 的数；若是 8990000元，请写 "
         'total = 899，用表的单位（第 2 行 unit = "万元"）；若是 8990000万元，请写 '
         "total = 8990000（第 10 列）"],
    ),
    "a quoted figure grouped by thousands, in a table in 万元": (
        "budget.toml", "total = 899", 'total = "8,990,000"',
        ["targets/budget.toml:3: budget.total: expected a number, got a string ('8,990,000'); "
         "if it means 8990000元, write total = 899, without quotes, in the table's unit "
         '(unit = "万元"); if 8990000万元, write total = 8990000'],
        ["targets/budget.toml:3: budget.total: 应为数，现为文本（'8,990,000'）；若是 8990000元，"
         '请写 total = 899，不加引号，用表的单位（unit = "万元"）；若是 8990000万元，请写 '
         "total = 8990000"],
    ),
    "a yuan sign before a key result's figure counted in 户": (
        "okrs.toml", "target = 360", "target = ¥1,200",
        ["targets/okrs.toml:10: TOML syntax: ¥1,200 is not a TOML number: 1200元 is money, and "
         'the table\'s unit is no money (unit = "户" at line 11): write target = 1200 if '
         "1200户 is meant"],
        ['targets/okrs.toml:10: TOML 语法错误：¥1,200 不是 TOML 的数；1200元 是金额，而表的单位'
         '不是金额（第 11 行 unit = "户"）：若指 1200户，请写 target = 1200'],
    ),
    "a yuan sign before a figure too small for a table in 万元": (
        "budget.toml", "total = 899", "total = ¥30",
        ["targets/budget.toml:3: TOML syntax: ¥30 is not a TOML number: write total = 30 for "
         '30万元, in the table\'s unit (unit = "万元" at line 2); 30元 would be total = 0.003'],
        ['targets/budget.toml:3: TOML 语法错误：¥30 不是 TOML 的数；30万元请写 total = 30，'
         '用表的单位（第 2 行 unit = "万元"）；30元则应写 total = 0.003'],
    ),
    "a budget line's figure in 元, too small for its budget's 万元": (
        "budget.toml", "amount = 380", "amount = 38元",
        ["targets/budget.toml:10: TOML syntax: 38元 is not a TOML number: write amount = 38 "
         'for 38万元, in the budget\'s unit (unit = "万元" at line 2); 38元 would be amount = '
         "0.0038 (column 12)"],
        None,
    ),
    "a quoted figure in 元, too small for a table in 万元": (
        "budget.toml", "total = 899", 'total = "30元"',
        ["targets/budget.toml:3: budget.total: expected a number, got a string ('30元'); write "
         "total = 30, without quotes, for 30万元, in the table's unit (unit = \"万元\"); 30元 "
         "would be total = 0.003"],
        ["targets/budget.toml:3: budget.total: 应为数，现为文本（'30元'）；30万元请写 total = 30，"
         '不加引号，用表的单位（unit = "万元"）；30元则应写 total = 0.003'],
    ),
    "a quoted yuan figure in a key result counted in 户": (
        "okrs.toml", "target = 360", 'target = "¥30"',
        ["targets/okrs.toml:10: objectives[O1].key_results[KR1].target: expected a number, got "
         "a string ('¥30'); 30元 is money, and the table's unit is no money (unit = \"户\"): "
         "write target = 30, without quotes, if 30户 is meant"],
        ["targets/okrs.toml:10: objectives[O1].key_results[KR1].target: 应为数，现为文本（'¥30'）；"
         '30元 是金额，而表的单位不是金额（unit = "户"）：若指 30户，请写 target = 30，不加引号'],
    ),
    "a quoted yuan figure too small for a table in 万元": (
        "budget.toml", "total = 899", 'total = "¥30"',
        ["targets/budget.toml:3: budget.total: expected a number, got a string ('¥30'); write "
         "total = 30, without quotes, for 30万元, in the table's unit (unit = \"万元\"); 30元 "
         "would be total = 0.003"],
        None,
    ),
    "a yuan figure below zero for a budget's total": (
        "budget.toml", "total = 899", "total = -¥30",
        ["targets/budget.toml:3: TOML syntax: -¥30 is not a TOML number: a budget's total is "
         "never below zero; if ¥30 is meant, write total = 30 for 30万元, in the table's unit "
         '(unit = "万元" at line 2); 30元 would be total = 0.003'],
        ["targets/budget.toml:3: TOML 语法错误：-¥30 不是 TOML 的数；预算总额不能为负；若指 ¥30，"
         '30万元请写 total = 30，用表的单位（第 2 行 unit = "万元"）；30元则应写 total = 0.003'],
    ),
    "a yuan figure below zero, quoted, for a budget's total": (
        "budget.toml", "total = 899", 'total = "¥-8,990,000"',
        ["targets/budget.toml:3: budget.total: expected a number, got a string ('¥-8,990,000'); "
         "a budget's total is never below zero; if ¥8,990,000 is meant, write total = 899, "
         'without quotes, in the table\'s unit (unit = "万元")'],
        None,
    ),
    "a yuan figure below zero for a key result whose metric may be": (
        "okrs.toml", 'metric = "new_hnw_clients"\ntarget = 360\nunit = "户"',
        'metric = "fee_revenue"\ntarget = -¥1,200\nunit = "万元"',
        ["targets/okrs.toml:10: TOML syntax: -¥1,200 is not a TOML number: write target = -0.12, "
         'in the table\'s unit (unit = "万元" at line 11)'],
        None,
    ),
    "a yuan figure whose comma is not at thousands": (
        "budget.toml", "total = 899", "total = ¥1,2345",
        ["targets/budget.toml:3: TOML syntax: ¥1,2345 is not a TOML number: 1,2345 is no figure "
         "a reader can trust: its comma is not at thousands, and it is written neither as 12,345 "
         "nor as 1.2345万; if ¥12,345 is meant, write total = 1.2345, in the table's unit "
         '(unit = "万元" at line 2)'],
        ["targets/budget.toml:3: TOML 语法错误：¥1,2345 不是 TOML 的数；1,2345 的逗号不在千位上，"
         "既没有写成 12,345，也没有写成 1.2345万，读者无法确信它是多少；若指 ¥12,345，请写 "
         "total = 1.2345，"
         '用表的单位（第 2 行 unit = "万元"）'],
    ),
    "a yuan figure whose comma is not at thousands, in a key result counted in 户": (
        "okrs.toml", "target = 360", "target = ¥1,2345",
        ["targets/okrs.toml:10: TOML syntax: ¥1,2345 is not a TOML number: 1,2345 is no figure "
         "a reader can trust: its comma is not at thousands, and it is written neither as 12,345 "
         "nor as 1.2345万; 12345元 is money, and the table's unit is no money "
         "(unit = \"户\" at line 11): write target = 12345 if 12345户 is meant"],
        None,
    ),
    "a whole count grouped by thousands": (
        "okrs.toml", "target = 360", "target = 1,200",
        ["targets/okrs.toml:10: TOML syntax: 1,200 is not a TOML number: write target = 1200 (or "
         "1_200), without thousands separators, in the table's unit (unit = \"户\" at line 11) "
         "(column 11)"],
        ["targets/okrs.toml:10: TOML 语法错误：1,200 不是 TOML 的数；请写 target = 1200（或 "
         '1_200），不加千位分隔符，用表的单位（第 11 行 unit = "户"）（第 11 列）'],
    ),
    "a budget line's amount quoted, in its budget's unit": (
        "budget.toml", "amount = 380", 'amount = "30"',
        ["targets/budget.toml:10: budget.lines[salons].amount: expected a number, got a string "
         "('30'); write amount = 30, without quotes, in the budget's unit (unit = \"万元\" at "
         "line 2)"],
        ["targets/budget.toml:10: budget.lines[salons].amount: 应为数，现为文本（'30'）；请写 "
         'amount = 30，不加引号，用预算的单位（第 2 行 unit = "万元"）'],
    ),
    "a budget line's amount quoted in 元 grouped by thousands": (
        "budget.toml", "amount = 380", 'amount = "¥3,800,000"',
        ["targets/budget.toml:10: budget.lines[salons].amount: expected a number, got a string "
         "('¥3,800,000'); write amount = 380, without quotes, in the budget's unit "
         '(unit = "万元" at line 2)'],
        None,
    ),
    "a figure quoted below zero for a budget's total": (
        "budget.toml", "total = 899", 'total = "-30"',
        ["targets/budget.toml:3: budget.total: expected a number, got a string ('-30'); a "
         "budget's total is never below zero; if 30 is meant, write total = 30, without quotes, "
         'in the table\'s unit (unit = "万元")'],
        None,
    ),
    "a member's target quoted with a yuan sign": (
        "okrs.toml", INLINE_MILESTONES,
        f'{INLINE_MILESTONES}[objectives.key_results.members]\nli-lei = "¥30"\n',
        ["targets/okrs.toml:14: objectives[O1].key_results[KR1].members.li-lei: expected a "
         "number, got a string ('¥30') (the member's target); 30元 is money, and the key "
         "result's unit is no money (unit = \"户\"): write li-lei = 30, without quotes, if 30户 "
         "is meant"],
        ["targets/okrs.toml:14: objectives[O1].key_results[KR1].members.li-lei: 应为数，现为文本"
         "（'¥30'）（成员的目标值）；30元 是金额，而关键结果的单位不是金额（unit = \"户\"）："
         "若指 30户，请写 li-lei = 30，不加引号"],
    ),
    "a member's target below zero with a yuan sign": (
        "okrs.toml", INLINE_MILESTONES,
        f"{INLINE_MILESTONES}[objectives.key_results.members]\nli-lei = -¥30\n",
        ["targets/okrs.toml:14: TOML syntax: -¥30 is not a TOML number: a member's target is "
         "never below zero; 30元 is money, and the key result's unit is no money (unit = \"户\" "
         "at line 11): write li-lei = 30 if 30户 is meant"],
        None,
    ),
    "a yuan sign and digits typed full-width": (
        "budget.toml", "total = 899", "total = ￥３０",
        ["targets/budget.toml:3: TOML syntax: found the full-width ３; write 3 (column 10); ¥30 "
         "is not a TOML number: write total = 30 for 30万元, in the table's unit "
         '(unit = "万元" at line 2); 30元 would be total = 0.003'],
        None,
    ),
    "a dollar sign before a figure": (
        "okrs.toml", "target = 360", "target = $360",
        ["targets/okrs.toml:10: TOML syntax: $360 is not a TOML number: write target = 360"],
        None,
    ),
    "a dollar sign before a figure in a table of money": (
        "budget.toml", "total = 899", "total = $899",
        ["targets/budget.toml:3: TOML syntax: $899 is not a TOML number: okrdesk's money is "
         'yuan, written in the table\'s unit (unit = "万元" at line 2): write total = 899 if '
         "899万元 is meant"],
        ["targets/budget.toml:3: TOML 语法错误：$899 不是 TOML 的数；okrdesk 的金额以人民币计，"
         '用表的单位（第 2 行 unit = "万元"）写：如指 899万元，请写 total = 899'],
    ),
    "a date in full-width digits": (
        "plan.toml", "start = 2026-10-01", "start = ２０２６年１０月１日",
        ["targets/plan.toml:28: TOML syntax: found the full-width ２; write 2 (column 9); "
         "2026年10月1日 is not a TOML date: write 2026-10-01 (year-month-day, with two digits "
         "for the month and the day) (column 13)"],
        None,
    ),
    "a growth in percent": (
        "okrs.toml", "target = 360", "growth = 18%",
        ["targets/okrs.toml:10: TOML syntax: 18% is not a TOML number: write growth = 0.18 "
         "(column 12)"],
        None,
    ),
    "a band in per mille in a key result in ‰": (
        "okrs.toml", "target = 0.15", "target = 0.15\nband = 5‰",
        ["targets/okrs.toml:20: TOML syntax: 5‰ is not a TOML number: write band = 5, in the "
         'table\'s unit (unit = "‰" at line 21) (column 9)'],
        None,
    ),
}  # fmt: skip
SAMPLES = {"budget.toml": BUDGET, "okrs.toml": OKRS, "org.toml": ORG, "plan.toml": PLAN}


@pytest.mark.parametrize("name", list(CASES))
def test_a_hand_typed_mistake_is_told_with_the_line_to_write(
    write_workspace: WriteWorkspace, name: str
) -> None:
    file, sample, typed, english, chinese = CASES[name]
    assert sample in SAMPLES[file]
    root = write_workspace({file: SAMPLES[file].replace(sample, typed, 1)})
    assert validate(root) == english
    if chinese is not None:
        assert validate(root, "zh") == chinese


@pytest.mark.parametrize(
    ("typed", "told"),
    [("target = -¥30",
      "TOML syntax: -¥30 is not a TOML number: the metric fee_revenue (Fee revenue) is never "
      "below zero; if ¥30 is meant, write target = 30 for 30万元, in the table's unit "
      '(unit = "万元" at line 11); 30元 would be target = 0.003'),
     ('target = "-¥30"',
      "objectives[O1].key_results[KR1].target: expected a number, got a string ('-¥30'); the "
      "metric fee_revenue (Fee revenue) is never below zero; if ¥30 is meant, write target = "
      '30, without quotes, for 30万元, in the table\'s unit (unit = "万元"); 30元 would be '
      "target = 0.003"),
     ("target = -30",
      "objectives[O1].key_results[KR1].target: must not be negative, got -30: the metric "
      "fee_revenue (Fee revenue) is never below zero"),
     ("baseline = -5\ntarget = 30",
      "objectives[O1].key_results[KR1].baseline: must not be negative, got -5: the metric "
      "fee_revenue (Fee revenue) is never below zero")],
)  # fmt: skip
def test_a_yuan_figure_below_zero_is_told_why_not_where_its_metric_never_is(
    write_workspace: WriteWorkspace, typed: str, told: str
) -> None:
    """The same -¥30 is the line to write where the metric may be below zero (above)."""
    okrs = OKRS.replace('metric = "new_hnw_clients"\ntarget = 360\nunit = "户"',
                        f'metric = "fee_revenue"\n{typed}\nunit = "万元"')  # fmt: skip
    root = write_workspace({"okrs.toml": okrs})
    plugin = root / "plugins" / "test_metrics.py"
    never = plugin.read_text(encoding="utf-8").replace(
        "revenue=True", "revenue=True, never_negative=True"
    )
    assert never != plugin.read_text(encoding="utf-8")
    plugin.write_text(never, encoding="utf-8")
    grant(root)  # the changed plugin is the test's own code too
    assert validate(root) == [f"targets/okrs.toml:10: {told}"]


@pytest.mark.parametrize(
    ("typed", "told"),
    [("plugin_timeout = 5分钟", "5分钟 is not a TOML number: write plugin_timeout = 300, in "
      "seconds (column 19)"),
     ("plugin_timeout = 300s", "300s is not a TOML number: write plugin_timeout = 300, in "
      "seconds (column 21)")],
)  # fmt: skip
def test_a_timeout_written_with_its_unit_is_told_in_seconds(
    write_workspace: WriteWorkspace, typed: str, told: str
) -> None:
    root = write_workspace()
    settings = f'[workspace]\r\nlang = "en"\r\n{typed}\r\n'.encode()
    (root / "okrdesk.toml").write_bytes(b"\xef\xbb\xbf" + settings)  # as Notepad saves it
    assert validate(root) == [f"okrdesk.toml:3: TOML syntax: {told}"]


def test_every_mistake_of_a_file_typed_on_a_chinese_keyboard_is_told_in_one_run(
    write_workspace: WriteWorkspace,
) -> None:
    okrs = (
        OKRS.replace('title = "新增高净值客户"', "title = “新增高净值客户”")
        .replace("target = 360", "target：360")
        .replace("target = 0.15", "target = 0。15")
        .replace("\n", "\r\n")
    )
    assert validate(write_workspace({"okrs.toml": okrs})) == [
        'targets/okrs.toml:8: TOML syntax: found the curly quote “; write " (column 9)',
        "targets/okrs.toml:10: TOML syntax: found the full-width ：; write = (column 7)",
        "targets/okrs.toml:19: TOML syntax: found the full-width 。; write . (column 11)",
    ]


@pytest.mark.parametrize(
    ("typed", "told"),
    [('database = C:\\okr\\okrdesk.db',
      "text is written in quotes, and text with a \\ in single quotes, which keep it as "
      "written: database = 'C:\\okr\\okrdesk.db' (column 12)"),
     ('database = "C:\\okr\\okrdesk.db"',
      "a \\ in double quotes starts an escape (\\n, \\t); write the text in single quotes, "
      "which keep each \\ as written: database = 'C:\\okr\\okrdesk.db', or write / for each "
      "\\ (column 17)")],
)  # fmt: skip
def test_a_windows_path_is_told_in_single_quotes(
    write_workspace: WriteWorkspace, typed: str, told: str
) -> None:
    """The advice reads: "C:\\okr\\okrdesk.db" in double quotes would be the next mistake."""
    root = write_workspace()
    (root / "okrdesk.toml").write_text(f'[workspace]\nlang = "en"\n{typed}\n', encoding="utf-8")
    assert validate(root) == [f"okrdesk.toml:3: TOML syntax: {told}"]
    import tomllib

    advised = told.split(": ", 1)[1].split("database = ", 1)[1].split(",")[0].split(" (")[0]
    assert tomllib.loads(f"database = {advised}")["database"] == "C:\\okr\\okrdesk.db"


def test_a_header_in_chinese_in_okrdesk_toml_names_its_own_tables(
    write_workspace: WriteWorkspace,
) -> None:
    root = write_workspace()
    (root / "okrdesk.toml").write_text('[工作区]\nlang = "en"\n', encoding="utf-8")
    assert validate(root) == [
        "okrdesk.toml:1: TOML syntax: 工作区 is not a table's name: okrdesk.toml's tables are "
        "named in English: [workspace], [sources.<plugin name>], [checkin], [send]"
    ]


def test_a_second_plan_header_with_keys_missing_is_told_as_a_second_plan(
    write_workspace: WriteWorkspace,
) -> None:
    """A [plan] header pasted into a team's file, read before plan.toml: what is wrong is
    that there are two, not only that this one lacks the keys of a whole plan."""
    root = write_workspace({"a-team.toml": '[plan]\nid = "team-a-2026"\n'})
    assert validate(root)[0] == (
        "targets/a-team.toml:1: plan: a second [plan] table; the plan is at targets/plan.toml:1"
    )


def test_a_broken_okrdesk_toml_is_told_in_the_language_it_asks_for(
    write_workspace: WriteWorkspace,
) -> None:
    """lang = "en" above the mistake is honoured: the file does not read, its text does."""
    root = write_workspace()
    (root / "okrdesk.toml").write_text('[workspace]\nlang = "en"\nname：“福田”\n', "utf-8")
    environment = {**os.environ, "OKRDESK_LOAD_PLUGINS": "test_metrics"}
    done = subprocess.run([OKRDESK, "-w", str(root), "validate"], capture_output=True,
                          text=True, encoding="utf-8", env=environment, check=False)  # fmt: skip
    assert done.returncode == 2
    assert done.stdout.startswith(
        "okrdesk.toml:3: TOML syntax: found the full-width ：; write = (column 5); the whole "
        'line, as TOML reads it: name = "福田"\n'
    )


PLAN_ALONE, _, PHASES = PLAN.partition("\n[[phases]]")
PHASES = "[[phases]]" + PHASES


@pytest.mark.parametrize(
    ("plan", "told", "told_zh"),
    [
        pytest.param(
            PLAN_ALONE,
            "2026-03-31 if it is in the plan's year (year = 2026 at targets/plan.toml:4)",
            "若在计划年度（targets/plan.toml:4 的 year = 2026）内，写作 2026-03-31",
            id="the plan in plan.toml",
        ),
        pytest.param(
            PLAN_ALONE.replace('name = "福田营业部 2026"', "name：“福田营业部 2027”").replace(
                "year = 2026", "# the year of the plan\nyear = 2027  # 计划年度"
            ),
            "2027-03-31 if it is in the plan's year (year = 2027 at targets/plan.toml:5)",
            "若在计划年度（targets/plan.toml:5 的 year = 2027）内，写作 2027-03-31",
            id="plan.toml unreadable too, its year read from its text",
        ),
    ],
)
def test_a_day_without_its_year_in_a_file_of_its_own_is_named_in_the_plans_year(
    write_workspace: WriteWorkspace, plan: str, told: str, told_zh: str
) -> None:
    """The phases in a file of their own, the plan in plan.toml: the year the day is
    named in is the one plan.toml writes, read from its text as it stands."""
    phases = PHASES.replace("end = 2026-03-31", "end = 3/31")
    root = write_workspace({"plan.toml": plan, "phases.toml": phases})
    told_en = [line for line in validate(root) if line.startswith("targets/phases.toml")]
    assert told_en == [
        "targets/phases.toml:5: TOML syntax: 3/31 is not a TOML date: write the year too, as "
        f"year-month-day: {told} (column 8)"
    ]
    told_in_chinese = [line for line in validate(root, "zh") if "phases.toml" in line]
    assert told_in_chinese == [
        "targets/phases.toml:5: TOML 语法错误：3/31 不是 TOML 的日期；请连同年份写成 年-月-日："
        f"{told_zh}（第 8 列）"
    ]


def test_a_day_without_its_year_beside_two_plans_of_different_years_names_no_year(
    write_workspace: WriteWorkspace,
) -> None:
    """Two plans (one copied from last year): which year the day is in cannot be told."""
    last_year = PLAN_ALONE.replace("plan-2026", "plan-2025").replace("year = 2026", "year = 2025")
    phases = PHASES.replace("end = 2026-03-31", "end = 3/31")
    root = write_workspace(
        {"plan.toml": PLAN_ALONE, "phases.toml": phases, "last-year.toml": last_year}
    )
    told = [line for line in validate(root) if line.startswith("targets/phases.toml")]
    assert told == [
        "targets/phases.toml:5: TOML syntax: 3/31 is not a TOML date: write the year too, as "
        "year-month-day: YYYY-03-31 (column 8)"
    ]


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("[年度计划]", "[plan]"),
        ("[[季度]]", "[[phases]]"),
        ("[[营业部]]", "[[units]]"),
        ("[[组织架构]]", "[[units]]"),
        ("[[客户经理]]", "[[people]]"),
        ("[[目标.关键成果]]", "[[objectives.key_results]]"),
        ("[[关键结果]]", "[[objectives.key_results]]"),
        ("[目标.关键结果.任务分解]", "[objectives.key_results.members]"),
        ("[里程碑]", "[objectives.key_results.milestones]"),
        ("[目标.关键结果.日历]", "[objectives.key_results.calendar]"),
        ("[费用预算]", "[budget]"),
        ("[[预算明细]]", "[[budget.lines]]"),
        ("[预算.费用明细.支出进度]", "[budget.lines.schedule]"),
        ("[[绩效考核]]", "[[scoring]]"),
        ("[[考核方案.考核项]]", "[[scoring.components]]"),
        ("[[基数表]]", "[[baselines]]"),
    ],
)
def test_a_header_in_the_words_of_a_branch_is_told_with_the_header_to_write(
    write_workspace: WriteWorkspace, typed: str, written: str
) -> None:
    """The tables as a branch names them (its org chart, plan, budget and scoring policy,
    and okrdesk's own Chinese words: 考核项, 基数表); a table written only inside another
    is written with the one it is in."""
    okrs = OKRS.replace('[[objectives.key_results]]\nid = "KR2"', f'{typed}\nid = "KR2"')
    name = typed.strip("[]")
    assert validate(write_workspace({"okrs.toml": okrs})) == [
        f"targets/okrs.toml:14: TOML syntax: {name} is not a table's name: tables are named "
        f"in English; write {written}"
    ]
