"""Syntax errors that come from habits of other formats, told with what TOML takes.

tomllib names these by what it expected ("Invalid statement", "Invalid initial
character for a key part"), which says nothing to someone who wrote ``目标 = 360``,
put a comma after the last item of ``{ ... }`` as JSON and Python allow, spread an
inline table over several lines, or wrote ``target: 360`` as YAML does.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from okrdesk.targets.toml_text import without_comment

if TYPE_CHECKING:
    from okrdesk.errors import Said

KEYS_IN_CHINESE: dict[str, tuple[str, ...]] = {
    "目标": ("target",), "目标值": ("target",), "指标值": ("target",),
    "单位": ("unit",), "计量单位": ("unit",), "权重": ("weight",), "比重": ("weight",),
    "名称": ("name", "title"), "名字": ("name",), "标题": ("title", "name"),
    "负责人": ("owner", "lead"), "归属": ("owner",), "牵头人": ("lead", "owner"),
    "指标": ("metric",), "基数": ("baseline",), "基线": ("baseline",), "基准": ("baseline",),
    "里程碑": ("milestones",), "成员": ("members",), "方向": ("direction",),
    "年度": ("year",), "年份": ("year",), "开始": ("start",), "开始日期": ("start",),
    "结束": ("end",), "结束日期": ("end",), "编号": ("id",), "上级": ("parent",),
    "角色": ("role",), "金额": ("amount",), "预算": ("amount", "total"), "总预算": ("total",),
    "总额": ("total", "amount"), "进度": ("schedule",),
    "层级": ("level",), "级别": ("level",), "护栏": ("guardrail",), "容差": ("band",),
    "熔断": ("breaker_threshold",), "熔断线": ("breaker_threshold",),
    "熔断阈值": ("breaker_threshold",),
}  # fmt: skip
"""A key written in Chinese, and the keys of the target files it may mean."""


def english_key(word: str, known: tuple[str, ...] | list[str] | None = None) -> str | None:
    """The key ``word`` (a key written in Chinese) stands for: among ``known`` where
    given, else the likeliest in any table."""
    meant = KEYS_IN_CHINESE.get(word.strip(), ())
    if known is not None:
        meant = tuple(key for key in meant if key in known)
    return meant[0] if meant else None


_BARE_CHINESE_KEY = re.compile(r"\s*([^\x00-\x7f\s=\"'\[#][^=\"'#]*?)\s*=")
_KEY_BEFORE = re.compile(r'([A-Za-z0-9_-]+|"[^"]*")\s*$')


def _keys_of(table: str) -> tuple[str, ...] | None:
    """The keys a table of the target files takes, by its header's dotted name; None
    where it is not one of them (or above every header)."""
    from okrdesk.targets import sections

    return {
        "plan": sections.PLAN_KEYS, "phases": sections.PHASE_KEYS, "units": sections.UNIT_KEYS,
        "people": sections.PERSON_KEYS, "objectives": sections.OBJECTIVE_KEYS,
        "objectives.key_results": sections.KEY_RESULT_KEYS, "budget": sections.BUDGET_KEYS,
        "budget.lines": sections.LINE_KEYS, "scoring": sections.SCORING_KEYS,
        "scoring.components": sections.COMPONENT_KEYS, "baselines": sections.BASELINE_KEYS,
    }.get(table)  # fmt: skip


_NAME_AS_KEY = re.compile(r"[^\x00-\x7f\s=\"'{},\[\]#]+(?=\s*=)")
_INLINE_OF = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*)\s*=\s*\{[^{}]*$")


def _name_inline(line: str, column: int) -> Said | None:
    """A name written bare as a key inside ``{ ... }``: a phase's in milestones or a
    schedule (``{ 深耕 = 0.45 }``), a member's (``{ 刘洋 = 45 }``), which tomllib only
    calls an invalid first character."""
    from okrdesk.errors import Said

    found = _NAME_AS_KEY.match(line, column - 1)
    inside = _INLINE_OF.search(line[: column - 1])
    if found is None or inside is None:
        return None
    word, key = found.group(0), inside.group(1)
    if key in ("milestones", "schedule"):
        return Said(f"{word} is not a key TOML reads without quotes: in {key}, each phase is "
                    f"named by its id (the id of its [[phases]] table, such as Q2), not by its "
                    f"name (column {column})",
                    f"{word} 不加引号不能作键：{key} 中的阶段要写它的 id（[[phases]] 表中 "
                    f"id 的值，如 Q2），不写阶段名（第 {column} 列）")  # fmt: skip
    if key == "members":
        return Said(f"{word} is not a key TOML reads without quotes: a member is written by "
                    "its id, and an id that is not plain letters, digits, - and _ is quoted: "
                    f'"{word}" = ... (column {column})',
                    f"{word} 不加引号不能作键：成员要写它的 id，不是纯字母、数字、- 和 _ "
                    f'的 id 要加引号："{word}" = ...（第 {column} 列）')  # fmt: skip
    return Said(f'{word} is not a key TOML reads without quotes: write "{word}" (column {column})',
                f'{word} 不加引号不能作键：请加引号写作 "{word}"（第 {column} 列）')  # fmt: skip


def habit_said(
    line: str,
    column: int,
    message: str,
    spread_table: str | None,
    table: str = "",
    settings: bool = False,
) -> Said | None:
    """What to write instead where tomllib's ``message`` at ``column`` of ``line`` comes
    from one of these habits; ``spread_table``: the dotted name of an inline table open
    at the end of the line and closed on a later one ("" if it cannot be told), else
    None; ``table``: the dotted name of the table the line is in ("" if none);
    ``settings``: the line is okrdesk.toml's, not a target file's."""
    from okrdesk.errors import Said

    if message.startswith("Invalid statement"):
        found = _BARE_CHINESE_KEY.match(line)
        if found is None:
            return None
        word = found.group(1)
        owner = table.removesuffix(".members")
        if table.endswith(".members") and (of_owner := english_key(word, _keys_of(owner))):
            value = without_comment(line[found.end() :]).strip() or "..."
            return Said(f"{word} is not a key: keys are written in English; write {of_owner} = "
                        f"{value}, above the [{table}] header (every key below it is a "
                        f"member) (column {column})",
                        f"{word} 不是可用的键：键用英文写；请写 {of_owner} = {value}，"
                        f"并写在 [{table}] 表头之上（该表头之下的键都是成员）"
                        f"（第 {column} 列）")  # fmt: skip
        if table.endswith(".members"):
            return Said(f"{word} is not a key TOML reads without quotes: a member is written "
                        "by its id, and an id that is not plain letters, digits, - and _ is "
                        f'quoted: "{word}" = ... (column {column})',
                        f"{word} 不加引号不能作键：成员要写它的 id，不是纯字母、数字、- 和 _ "
                        f'的 id 要加引号："{word}" = ...（第 {column} 列）')  # fmt: skip
        known = _keys_of(table)
        meant = english_key(word, known) or (english_key(word) if known is None else None)
        if meant is not None:
            value = without_comment(line[found.end() :]).strip()
            if not value:
                return Said(f"{word} is not a key: keys are written in English; write "
                            f"{meant}, and its value after = (column {column})",
                            f"{word} 不是可用的键：键用英文写；请改写成 {meant}，"
                            f"并在 = 后写上值（第 {column} 列）")  # fmt: skip
            return Said(f"{word} is not a key: keys are written in English; write "
                        f"{meant} = {value} (column {column})",
                        f"{word} 不是可用的键：键用英文写；请写 {meant} = {value}"
                        f"（第 {column} 列）")  # fmt: skip
        return Said(f"{word} is not a key: keys are written in English, as docs/targets.md "
                    f'lists them for each table; a name or id used as a key is quoted: "{word}" '
                    f"(column {column})",
                    f"{word} 不是可用的键：键用英文写，见 docs/targets.md 中各表的说明；用作键的"
                    f'名字或 id 要加引号："{word}"（第 {column} 列）')  # fmt: skip
    if message.startswith("Invalid initial character for a key part"):
        header = _header_in_chinese(line, settings)
        if header is not None:
            return header
        before = line[: column - 1].rstrip()
        if line[column - 1 : column] == "}" and before.endswith(","):
            comma = len(before)
            return Said(f"a comma after the last item of {{ ... }}, which TOML does not allow; "
                        f"delete it (column {comma})",
                        f"{{ ... }} 的最后一项后面有逗号，TOML 不允许；"
                        f"请删除它（第 {comma} 列）")  # fmt: skip
        named = _name_inline(line, column)
        if named is not None:
            return named
        if spread_table is not None and not line[column - 1 :].split("#", 1)[0].strip():
            table = f"[{spread_table}]" if spread_table else "[its name]"
            return Said("an inline table, { ... }, is written on one line in TOML: join its "
                        f"lines into one, or write it as a table of its own: {table}, then "
                        "one key a line",
                        "TOML 的内联表 { ... } 要写在同一行：请把它合成一行，或改写成单独的表："
                        f"{table}，下面每行一个键")  # fmt: skip
    said = _unfinished_said(line, column, message)
    if said is not None:
        return said
    if message.startswith("Expected '=' after a key") and line[column - 1 : column] == ":":
        before = line[: column - 1]
        key = _KEY_BEFORE.search(before)
        braced = before.count("{") > before.count("}")
        value = re.split(r"[,}#]" if braced else "#", line[column:])[0].strip()
        if key is not None and value:
            written = f"{key.group(1)} = {value}"
            return Said(f"a key and its value are joined by =, not by ':'; write {written} "
                        f"(column {column})",
                        f"键和值之间用 =，不用 ':'；请写 {written}（第 {column} 列）")  # fmt: skip
    return None


_HEADER_OPEN = re.compile(r"\s*(\[\[?)\s*([A-Za-z0-9_.\"' -]*?)\s*\]{0,2}\s*(?:#.*)?$")


def _unfinished_said(line: str, column: int, message: str) -> Said | None:
    """A line left unfinished, told with the line as it is to be written: a header without
    its closing bracket, an inline table without its ``}``, a key without a value, a key
    and value with no = between them (copied from a spreadsheet, a tab between them), a
    key written twice inside ``{ ... }``."""
    from okrdesk.errors import Said

    text = without_comment(line).rstrip()
    if message.startswith(("Expected ']' at the end", "Expected ']]' at the end")):
        header = _HEADER_OPEN.match(line)
        if header is not None and header[2]:
            closer = "]]" if header[1] == "[[" else "]"
            parts = re.findall(r"""[^."']+|"[^"]*"|'[^']*'""", header[2])
            named = ".".join(_quoted_if_spaced(part.strip()) for part in parts)
            written = f"{header[1]}{named}{closer}"
            bare = ".".join(part.strip() for part in parts)
            if named != bare and _keys_of(re.sub(r" +", "_", bare)) is not None:
                written = f"{header[1]}{re.sub(r' +', '_', bare)}{closer}"
                return Said(f"a table's name has no space: write {written}",
                            f"表名里没有空格：请写 {written}")  # fmt: skip
            if named != bare:
                return Said(f"a name with a space in it is written in quotes in a header: "
                            f"write {written}",
                            f"表头里带空格的名字要加引号：请写 {written}")  # fmt: skip
            written = f"{header[1]}{header[2]}{closer}"
            return Said(f"this header is not closed with {closer}: write {written}",
                        f"此表头没有用 {closer} 闭合：请写 {written}")  # fmt: skip
    if message.startswith("Unclosed inline table") and column > len(text):
        written = f"{text.rstrip(',').rstrip()} }}"
        return Said(f"the closing }} of this inline table is missing: write {written.strip()}",
                    f"此内联表缺少结尾的 }}：请写 {written.strip()}")  # fmt: skip
    key = re.match(r'\s*([A-Za-z0-9_-]+|"[^"]*")\s*=\s*$', text)
    if message.startswith("Invalid value") and key is not None:
        name = key[1]
        return Said(f"{name} has no value after =: write one ({name} = ...), or delete the line",
                    f"{name} 的 = 后面没有值：请写上值（{name} = ...），或删除这一行")  # fmt: skip
    pair = re.match(r"\s*([A-Za-z0-9_-]+)[ \t]+([^\s=:][^=]*)$", text)
    if message.startswith("Expected '=' after a key") and pair is not None:
        written = f"{pair[1]} = {pair[2].strip()}"
        return Said(f"a key and its value are joined by =: write {written} (column {column})",
                    f"键和值之间要用 = 连接：请写 {written}（第 {column} 列）")  # fmt: skip
    second = re.match(r'\s*([A-Za-z0-9_-]+|"[^"]*")\s*=', line[column - 1 :])
    if message.startswith("Expected newline or end of document") and second is not None:
        written = without_comment(line[column - 1 :]).strip()
        return Said(f"a second key on this line: write {written} on a line of its own "
                    f"(column {column})",
                    f"这一行写了第二个键：请把 {written} 另起一行（第 {column} 列）")  # fmt: skip
    twice = re.match(r"Duplicate inline table key '([^']*)'", message)
    if twice is not None:
        name = twice[1]
        return Said(f"{name} is written twice in this {{ ... }}: keep the one you mean and "
                    f"delete the other (column {column})",
                    f"{name} 在这个 {{ ... }} 里写了两次：保留要的那个，删除另一个"
                    f"（第 {column} 列）")  # fmt: skip
    return None


def _quoted_if_spaced(part: str) -> str:
    """A header's key as written, in double quotes where a space in it needs them."""
    return f'"{part}"' if " " in part and part[:1] not in "\"'" else part


TABLES_IN_CHINESE = {
    "计划": "plan", "年度计划": "plan", "阶段": "phases", "季度": "phases",
    "组织": "units", "组织架构": "units", "单位": "units", "部门": "units", "团队": "units",
    "营业部": "units", "项目部": "units",
    "人员": "people", "员工": "people", "客户经理": "people", "理财顾问": "people",
    "营销经理": "people",
    "目标": "objectives", "关键结果": "key_results", "关键成果": "key_results",
    "成员": "members", "任务分解": "members", "分解": "members",
    "里程碑": "milestones", "日历": "calendar",
    "预算": "budget", "费用预算": "budget", "预算项": "lines", "费用": "lines",
    "费用项": "lines", "明细": "lines", "预算明细": "lines", "费用明细": "lines",
    "进度": "schedule", "支出进度": "schedule", "费用进度": "schedule",
    "考核": "scoring", "评分": "scoring", "计分": "scoring", "考核方案": "scoring",
    "考核办法": "scoring", "绩效考核": "scoring",
    "考核项": "components", "评分项": "components", "计分项": "components",
    "考核指标": "components",
    "基数": "baselines", "基数表": "baselines", "基线": "baselines",
}  # fmt: skip
"""A table's name, or a part of it, written in Chinese in a header, and its name: the
words a branch's org chart (营业部, 项目部, 客户经理), annual plan, budget and written
scoring policy use, and those okrdesk's own Chinese messages use (考核方案, 考核项,
预算项, 基数表)."""
_WITHIN = {
    "key_results": "objectives", "members": "objectives.key_results",
    "milestones": "objectives.key_results", "calendar": "objectives.key_results",
    "lines": "budget", "schedule": "budget.lines", "components": "scoring",
}  # fmt: skip
"""The tables written only inside another, by the name of the one they are in: a header
that starts with one (``[[关键结果]]``) is written with it (``[[objectives.key_results]]``)."""
_CHINESE_HEADER = re.compile(r"\s*(\[\[?)\s*([^\[\]#=]+?)\s*(\]\]?)\s*(?:#.*)?$")
_TABLES_LISTED = (
    "[plan], [[phases]], [[units]], [[people]], [[objectives]], [[objectives.key_results]], "
    "[budget], [[budget.lines]], [[scoring]]"
)


def header_in_english(line: str) -> tuple[str, str | None] | None:
    """For a header written in Chinese, bare or quoted (``[[目标.关键结果]]``,
    ``["团队"]``), its name as written and the header to write (``[[objectives.key_results]]``,
    ``[units]``), None where a part is no table's name; None for any other line."""
    found = _CHINESE_HEADER.match(line)
    if found is None or found[2].isascii():
        return None
    written = [part.strip().strip("\"'") for part in re.split(r"[.．。]", found[2])]
    named_so = set(TABLES_IN_CHINESE.values())  # [objectives.关键结果] keeps objectives
    parts = [part if part in named_so else TABLES_IN_CHINESE.get(part) for part in written]
    if None in parts:
        return found[2], None
    named = [part for part in parts if part]
    if named and named[0] in _WITHIN:
        named.insert(0, _WITHIN[named[0]])
    closer = "]]" if found[1] == "[[" else "]"
    return found[2], f"{found[1]}{'.'.join(named)}{closer}"


def _header_in_chinese(line: str, settings: bool) -> Said | None:
    """``[[目标.关键结果]]``: a header written in Chinese, and the one to write; in
    okrdesk.toml (``settings``), the tables it takes."""
    from okrdesk.errors import Said

    found = header_in_english(line)
    if found is None:
        return None
    name, written = found
    if settings:
        return Said(f"{name} is not a table's name: okrdesk.toml's tables are named in "
                    "English: [workspace], [sources.<plugin name>], [checkin], [send]",
                    f"{name} 不是表名：okrdesk.toml 的表名用英文写：[workspace]、"
                    "[sources.<插件名>]、[checkin]、[send]")  # fmt: skip
    said = table_name_said(written)
    return Said(f"{name} is {said.en}", f"{name} {said.zh}")


def table_name_said(written: str | None) -> Said:
    """What a header written in Chinese is told, after its name: the header to write
    (``written``), or where none can be told, the tables there are."""
    from okrdesk.errors import Said

    if written is None:
        listed_zh = _TABLES_LISTED.replace(", ", "、")
        return Said(f"not a table's name: tables are named in English, as docs/targets.md "
                    f"lists them ({_TABLES_LISTED})",
                    f"不是表名：表名用英文写，见 docs/targets.md（{listed_zh}）")  # fmt: skip
    return Said(f"not a table's name: tables are named in English; write {written}",
                f"不是表名：表名用英文写；请写 {written}")  # fmt: skip
