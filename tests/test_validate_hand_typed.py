"""Target files and okrdesk.toml as a branch manager types them by hand, with a Chinese
keyboard and a spreadsheet's habits: validate, run as the real ``okrdesk`` command on
files on disk, names each mistake at its file and line with the line to write there,
every mistake of a file in one run where each is its line's alone."""

from __future__ import annotations

import pytest

from sample_workspace import BUDGET, OKRS, ORG, WriteWorkspace
from test_validate_written_where import validate

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
         'in the table\'s unit (unit = "万元" at line 2) (column 13)'],
        None,
    ),
    "full-width digits of a figure with its unit": (
        "budget.toml", "amount = 519", "amount = ５１９万元",
        ["targets/budget.toml:18: TOML syntax: found the full-width ５; write 5 (column 10); "
         "519万元 is not a TOML number: write amount = 519, in the table's unit "
         '(unit = "万元" at line 2) (column 13)'],
        ["targets/budget.toml:18: TOML 语法错误：发现全角字符 ５；请改用半角的 5（第 10 列）；"
         "519万元 不是 TOML 的数；请写 amount = 519，用表的单位（第 2 行 unit = \"万元\"）"
         "（第 13 列）"],
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
}  # fmt: skip
SAMPLES = {"budget.toml": BUDGET, "okrs.toml": OKRS, "org.toml": ORG}


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
