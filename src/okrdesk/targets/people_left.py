"""``[plan] people_left``: ids of people who left, said so in the target files.

A person's figures are kept under their id; once their ``[[people]]`` table is gone,
those figures count nowhere, nor in their team's sums. Where someone joined at the same
time, that looks like a rename, and the report tells it for as long as it stays so
(``engine.renamed_people``). ``people_left`` is how a manager says, in files reviewed in
git, that an id went for good: it was no rename.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from okrdesk.targets.reader import Findings, Where, as_typed, describe

KEY = "people_left"


def read_people_left(
    where: Where, data: Mapping[str, Any], findings: Findings
) -> list[tuple[Where, str]]:
    """The ids ``[plan]`` (at ``where``, holding ``data``) says left, each with its place;
    each written as no id, or a second time, is a problem there and left out. Problems are
    told here, not by failing the table: the plan's other keys are still checked."""
    if KEY not in data:
        return []
    at, value = where.key(KEY), data[KEY]
    if not isinstance(value, list):
        example = f'["{value}"]' if isinstance(value, str) else '["liuyang"]'
        findings.problems.append(at.problem(
            f"expected an array of person ids, got {describe(value)}: "
            f"write {KEY} = {example}",
            f"应为人员 id 的数组，现为{describe(value, 'zh')}：请写 {KEY} = {example}",
        ))  # fmt: skip
        return []
    found: list[tuple[Where, str]] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(value):
        item_at = at.item(index, None)
        if not isinstance(item, str):
            findings.problems.append(item_at.problem(
                f"expected a person id (text), got {describe(item)}",
                f"应为人员 id（文本），现为{describe(item, 'zh')}",
            ))  # fmt: skip
            continue
        typed = as_typed(item)
        if not typed:
            findings.problems.append(item_at.problem(
                "is no id: blank, or invisible characters only",
                "不是 id：空白，或只有看不见的字符",
            ))  # fmt: skip
        elif typed != item:
            findings.problems.append(item_at.problem(
                f'is written with a space, full-width letters or an invisible character: '
                f'write "{typed}"',
                f'含有空格、全角字母或看不见的字符：请写 "{typed}"',
            ))  # fmt: skip
        elif item in seen:
            findings.problems.append(item_at.problem(
                f"is the same id as {KEY}[{seen[item]}]; write each id once",
                f"与 {KEY}[{seen[item]}] 是同一个 id；每个 id 只写一次",
            ))  # fmt: skip
        else:
            seen[item] = index
            found.append((item_at, item))
    return found


def check_people_left(
    left: list[tuple[Where, str]], known: Mapping[str, Mapping[str, Where]], findings: Findings
) -> None:
    """An id ``people_left`` names that is a person or unit of the plan (``known``, by
    kind) is a problem at that id, naming where the other is defined."""
    for at, ident in left:
        if ident in known["person"]:
            there = known["person"][ident]
            findings.problems.append(at.problem(
                f'"{ident}" is a person of the plan ({there.file.display}:{there.line}): '
                f"{KEY} names those whose [[people]] table is gone; take it out of one of "
                "the two",
                f'"{ident}" 是本计划的人员（{there.file.display}:{there.line}）：{KEY} 列出的'
                "是 [[people]] 中已删去的人员；请从两处之一删去它",
            ))  # fmt: skip
        elif ident in known["unit"]:
            there = known["unit"][ident]
            findings.problems.append(at.problem(
                f'"{ident}" is a unit of the plan ({there.file.display}:{there.line}): '
                f"{KEY} names people who left, not units",
                f'"{ident}" 是本计划的单位（{there.file.display}:{there.line}）：{KEY} 列出的'
                "是离开的人员，不是单位",
            ))  # fmt: skip
