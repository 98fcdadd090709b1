"""Read TOML text that may be broken or hostile, without trusting tomllib with it.

``tomllib`` cannot say where an unclosed string or array began (it reports
the end of the file, or the next statement), recurses without limit on deep
nesting, and refuses integers of more than 4,300 digits with a bare
ValueError. This scanner tracks strings, comments and brackets by itself so
that each of these becomes a problem at the line a person has to fix.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

import attrs

from okrdesk.records import shared_methods
from okrdesk.targets.toml_text import (
    FULL_WIDTH,
    MAX_DEPTH,
    dotted_key,
    header_of,
    line_at,
    line_text,
    matching_end,
    offset_of_line,
    outside_strings,
    table_of_line,
    toml_lines,
    walk,
    without_comment,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from okrdesk.errors import Said
    from okrdesk.model import MetricSpec
    from okrdesk.targets.placed_advice import WrittenUnit
    from okrdesk.targets.plan_year import PlanYear

MAX_DIGITS = 1000
"""A number written with more digits than this is refused."""

_DIGITS = re.compile(r"[+-]?[0-9][0-9_]*")
_ASCII_DIGITS = frozenset("0123456789")
_STATEMENT = re.compile(r"\s*(?:[A-Za-z0-9_\"'-][^=\n]*=|\[)")
_AOT_HEADER = re.compile(r"\s*\[\[\s*([A-Za-z0-9_.\"' -]+?)\s*\]\]")
_LONG_RUN = re.compile(f"(?<![0-9_])[0-9_]{{{MAX_DIGITS + 1}}}")  # each run tried once


# A line holding only a table header (``[[people]]``, ``[plan]``), maybe a comment,
# and no quote: its brackets are balanced and open at most two levels, whether
# it is a header, an array written on a line of its own, or text inside a string.
_HEADER_LINE = re.compile(
    r"""^[ \t]*(?:\[\[[^\[\]{}\n"'#]*\]\]|\[[^\[\]{}\n"'#]*\])[ \t\r]*(?:#[^\n"']*)?$""",
    re.MULTILINE,
)


def _may_hold_hazards(text: str) -> bool:
    """Whether ``text`` could nest deeper than MAX_DEPTH or hold a number longer than
    MAX_DIGITS (a run of that many digits and underscores): most files can do
    neither, and need no scan.

    Nesting that deep needs that many opening brackets; header lines open at most
    two levels and close them again, so a firm's thousands of ``[[people]]``
    headers count for two, not for thousands.
    """
    rest = _HEADER_LINE.sub("", text)
    brackets = rest.count("[") + rest.count("{") + 2
    return brackets > MAX_DEPTH or _LONG_RUN.search(text) is not None


@attrs.frozen
@shared_methods
class Hazard:
    line: int
    message: str
    zh: str = ""
    """The message in Chinese."""


def _blank(text: str, start: int, end: int) -> str:
    """The text with [start, end) replaced by a 0 and blanks, newlines kept."""
    kept = "".join("\n" if c == "\n" else " " for c in text[start + 1 : end])
    return text[:start] + "0" + kept + text[end:]


def neutralise(text: str) -> tuple[str, list[Hazard]]:
    """Replace values too deep or too long to read with 0, keeping every line where it was."""
    hazards: list[Hazard] = []
    if not _may_hold_hazards(text):
        return text, hazards
    _, deep = walk(text)
    for start, end in reversed(deep):
        hazards.append(
            Hazard(
                line_at(text, start),
                f"nested more than {MAX_DEPTH} levels deep; not read",
                f"嵌套超过 {MAX_DEPTH} 层；未读取",
            )
        )
        text = _blank(text, start, end)
    for match in reversed(list(_long_numbers(text))):
        digits = sum(c in _ASCII_DIGITS for c in match.group())
        hazards.append(
            Hazard(
                line_at(text, match.start()),
                f"a number of {digits:,} digits; nothing in a plan is that large",
                f"一个 {digits:,} 位的数；计划里没有这么大的数",
            )
        )
        text = _blank(text, match.start(), match.end())
    return text, sorted(hazards, key=lambda h: h.line)


_CONFLICT = re.compile(r"^(<{7}|={7}|>{7})(?:[ \t].*)?\r?$", re.MULTILINE)


def merge_conflicts(text: str) -> list[Hazard]:
    """Each unresolved git merge conflict (``<<<<<<<`` to ``>>>>>>>``), at its first line:
    TOML would only say "invalid statement" there."""
    if "<<<<<<<" not in text:
        return []
    found, opened = [], None
    for marker in _CONFLICT.finditer(text):
        line = line_at(text, marker.start())
        if marker.group(1)[0] == "<":
            opened = line
        elif marker.group(1)[0] == ">" and opened is not None:
            found.append(Hazard(
                opened,
                f"an unresolved git merge conflict (lines {opened} to {line}): keep the lines "
                "you want and delete the <<<<<<<, ======= and >>>>>>> lines",
                f"有未解决的 git 合并冲突（第 {opened} 至 {line} 行）：保留需要的内容，"
                "删除 <<<<<<<、=======、>>>>>>> 这几行",
            ))  # fmt: skip
            opened = None
    return found


def _long_numbers(text: str) -> list[re.Match[str]]:
    found, resume = [], 0
    for i in outside_strings(text):
        if i < resume:
            continue
        # TOML numbers are ASCII: "²".isdigit() is true, but it is no digit here.
        ch = text[i]
        if ch in _ASCII_DIGITS or (ch in "+-" and text[i + 1 : i + 2] in _ASCII_DIGITS):
            match = _DIGITS.match(text, i)
            assert match is not None
            resume = match.end()
            if sum(c in _ASCII_DIGITS for c in match.group()) > MAX_DIGITS:
                found.append(match)
    return found


def opening_line(
    text: str,
    error_line: int,
    message: str,
    *,
    settings: bool = False,
    plan_year: Callable[[], PlanYear | None] | None = None,
    metrics: Mapping[str, MetricSpec] | None = None,
) -> tuple[int, Said] | None:
    """For an error tomllib places after the mistake, the line where it really is;
    ``settings``: ``text`` is okrdesk.toml, not a target file; ``plan_year``: the year of
    the plan the workspace's other files write, asked for only where ``text`` has no
    ``[plan]`` and a day is written without its year; ``metrics``: the plugins' metrics,
    whose figures may or may not be below zero.

    Returns (line, explanation in English and Chinese) for an unclosed string or
    array, or an array of tables whose header is misspelt; None when tomllib's line
    is right.
    """
    from okrdesk.errors import Said

    upto = len(text) if "end of document" in message else offset_of_line(text, error_line)
    wide = full_width_on(line_text(text, error_line))
    if wide is not None and "at end of document" not in message:
        from okrdesk.targets.placed_advice import wide_figure

        return error_line, wide_figure(text, error_line, wide, metrics)
    column = re.search(r"column (\d+)\)", message)
    said = None
    if column:
        year = re.search(r"^\s*year\s*=\s*(\d{4})\s*(?:#.*)?\r?$", text, re.MULTILINE)
        own_year = int(year[1]) if year and "[plan]" in text else None
        said = _date_said(line_text(text, error_line), int(column[1]), own_year, plan_year)
        stopped, at_column = line_text(text, error_line), int(column[1])
        from okrdesk.targets.placed_advice import fraction_asked, odd_figure, written_unit

        fraction_of = fraction_asked(stopped, at_column, table_of_line(text, error_line))
        unit = written_unit(text, error_line)
        said = said or spoken_figure(stopped, at_column, fraction_of, unit)
        if said is None and not message.startswith("Unescaped"):
            said = odd_figure(text, error_line, metrics)
        if said is None and message.startswith("Unescaped '\\'"):
            said = _backslash_said(stopped, at_column)
        if said is None and message.startswith("Invalid value"):
            said = _text_without_quotes(line_text(text, error_line), int(column[1]))
        if said is None:
            from okrdesk.targets.syntax_habits import habit_said

            spread = _inline_table_spread(text, error_line)
            table = table_of_line(text, error_line)
            said = habit_said(
                line_text(text, error_line), int(column[1]), message, spread, table, settings
            )
    if said is not None:
        return error_line, said
    state, _ = walk(text, upto)
    if state.string_line is not None and "end of document" in message:
        return state.string_line, Said("this string is never closed", "此文本的引号没有闭合")
    if state.brackets:
        bracket, line, _ = state.brackets[-1]
        at_statement = _STATEMENT.match(line_text(text, error_line)) is not None
        if line < error_line and ("end of document" in message or at_statement):
            kind = "array" if bracket == "[" else "inline table"
            kind_zh = "数组" if bracket == "[" else "内联表"
            closer = "]" if bracket == "[" else "}"
            return line, Said(f"this {kind} is never closed (a '{closer}' is missing)",
                              f"此{kind_zh}没有闭合（缺少 '{closer}'）")  # fmt: skip
    if message.startswith(("Cannot declare", "Cannot mutate immutable namespace")):
        from okrdesk.targets.inline_added_to import inline_added_to

        added_to = inline_added_to(text, error_line)
        if added_to is not None or message.startswith("Cannot mutate"):
            return added_to
        return _declared_twice(text, error_line, message)
    if message.startswith("Cannot overwrite a value"):
        return (
            _written_twice(text, error_line)
            or _listed_after_table(text, error_line)
            or _misspelt_header(text, error_line)
        )
    if message.startswith("Illegal character '\\n'") and _opens_a_string(
        line_text(text, error_line)
    ):
        return error_line, Said(
            "this string is never closed: its closing quote is missing on this line",
            "此文本的引号没有闭合：这一行缺少结尾的引号",
        )
    return None


def _date_said(
    line: str, column: int, own_year: int | None, plan_year: Callable[[], PlanYear | None] | None
) -> Said | None:
    """``date_as_spoken``'s advice, a day without its year named in the plan's: the year
    ``text`` writes itself, else the one another file writes (``plan_year``)."""
    from okrdesk.targets.spoken_dates import date_as_spoken

    said = date_as_spoken(line, column, own_year)
    if said is None or own_year is not None or plan_year is None or "YYYY-" not in said.en:
        return said
    elsewhere = plan_year()
    if elsewhere is None:
        return said
    return date_as_spoken(line, column, elsewhere.year, elsewhere.where) or said


_WHOLE_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"|\'[^\']*\'')


_KEY_THEN_EQUALS = re.compile(r'([A-Za-z0-9_-]+|"[^"]*")\s*=\s*$')


def _text_without_quotes(line: str, column: int) -> Said | None:
    """``title = 做大高净值客户``, ``roles = [cm]``: text written without its quotes, and
    how to write it."""
    from okrdesk.errors import Said

    at = column - 1
    if not 0 <= at < len(line) or not (line[at].isalpha() or line[at] == "_"):
        return None  # text starts with a letter; (70) or -- is something else
    before = line[:at]
    key = _KEY_THEN_EQUALS.search(before)
    if key is None and not re.search(r"[\[,]\s*$", before):
        return None
    opened = before.count("{") + before.count("[")
    inside = opened > before.count("}") + before.count("]")
    ends = re.search(r"[,}\]#]" if inside else "#", line[at:])
    value = (line[at : at + ends.start()] if ends else line[at:]).rstrip()
    if not value or '"' in value:
        return None
    truth = _TRUTH.get(value.lower())
    flag = (key is not None and key.group(1) in _FLAGS) or value.lower() in ("true", "false")
    if truth is not None and key is not None and flag:
        return Said(f"true and false are written in lower case, without quotes: write "
                    f"{key.group(1)} = {truth} (column {column})",
                    f"真假写作小写的 true 或 false，不加引号：请写 {key.group(1)} = {truth}"
                    f"（第 {column} 列）")  # fmt: skip
    # A Windows path: in double quotes each \ would start an escape; single quotes keep it.
    quoted = f"'{value}'" if "\\" in value and "'" not in value else f'"{value}"'
    written = f"{key.group(1)} = {quoted}" if key else quoted
    if quoted.startswith("'"):
        return Said(f"text is written in quotes, and text with a \\ in single quotes, which "
                    f"keep it as written: {written} (column {column})",
                    f"文本要加引号，含 \\ 的文本加单引号（单引号里的 \\ 原样保留）：{written}"
                    f"（第 {column} 列）")  # fmt: skip
    if key is not None and key.group(1) in _TEXT_KEYS:
        return Said(f"text is written in double quotes: {written} (column {column})",
                    f"文本要加双引号：{written}（第 {column} 列）")  # fmt: skip
    # Which keys take a number is the schema's to say, after the file reads: both ways
    # out are named, so that weight = two is not sent to weight = "two" and back.
    return Said(f"text is written in double quotes: {written} (column {column}); a number, "
                "in digits (2, 0.7)",
                f"文本要加双引号：{written}（第 {column} 列）；数则写成数字（2、0.7）")  # fmt: skip


_TEXT_KEYS = (
    "id", "title", "name", "metric", "owner", "unit", "lead", "parent", "role", "level",
    "direction", "cadence", "grain", "by", "database", "lang", "revenue_metric",
)  # fmt: skip
"""Keys that take only text: no number is meant where one is written without quotes."""
_TRUTH = {
    "true": "true", "yes": "true", "y": "true", "是": "true", "对": "true", "真": "true",
    "false": "false", "no": "false", "n": "false", "否": "false", "错": "false", "假": "false",
}  # fmt: skip
"""A yes or no as people write it, and the TOML it is written as."""
_FLAGS = ("market_activity", "dual_signoff", "guardrail")
"""The keys of the target files that take true or false."""


def _backslash_said(line: str, column: int) -> Said | None:
    """``database = "C:\\okr\\okrdesk.db"``: a Windows path in double quotes, where each
    ``\\`` starts an escape; the line with the path in single quotes, which keep it."""
    from okrdesk.errors import Said

    for found in re.finditer(r'"((?:[^"\\\n]|\\.)*)"', line):
        if found.start() < column <= found.end() and "'" not in found[1]:
            written = (line[: found.start()] + f"'{found[1]}'" + line[found.end() :]).strip()
            written = _without_comment_of(written)
            return Said(f"a \\ in double quotes starts an escape (\\n, \\t); write the text in "
                        f"single quotes, which keep each \\ as written: {written}, or write / for "
                        f"each \\ (column {column})",
                        f"双引号里的 \\ 表示转义（\\n、\\t）；请把文本改用单引号，单引号里的 \\ "
                        f"原样保留：{written}，或把每个 \\ 写成 /（第 {column} 列）")  # fmt: skip
    return None


def _without_comment_of(line: str) -> str:

    return without_comment(line).rstrip()


def _opens_a_string(line: str) -> bool:
    """Whether ``line`` opens a one-line string it does not close (before a comment)."""
    rest = _WHOLE_STRINGS.sub("", line).split("#", 1)[0]
    return '"' in rest or "'" in rest


_KEY_AT_START = re.compile(r'\s*([A-Za-z0-9_-]+|"[^"]*")\s*=')
_TABLE_HEADER = re.compile(r"\s*\[")


def _written_twice(text: str, error_line: int) -> tuple[int, Said] | None:
    """A key written a second time in the same table: where the first one is."""
    from okrdesk.errors import Said

    found = _KEY_AT_START.match(line_text(text, error_line))
    if found is None:
        return None
    key, lines = found.group(1), toml_lines(text)
    for index in range(error_line - 2, -1, -1):
        line = lines[index]
        if _TABLE_HEADER.match(line):
            return None
        other = _KEY_AT_START.match(line)
        if other is not None and other.group(1) == key:
            return error_line, Said(
                f"{key} is written twice in this table; the first is at line {index + 1}",
                f"{key} 在这张表里写了两次；第一次在第 {index + 1} 行",
            )
    return None


def tomllib_key(message: str) -> str | None:
    """The key tomllib names as a Python tuple, ``('objectives', 'key_results')``, dotted
    as a header writes it (``dotted_key``: ``targets."a b"``)."""
    found = re.search(r"\(((?:'[^']*'|\"[^\"]*\")(?:, (?:'[^']*'|\"[^\"]*\"))*),?\)", message)
    return None if found is None else dotted_key([p[1:-1] for p in re.findall(
        r"'[^']*'|\"[^\"]*\"", found.group(1))])  # fmt: skip


def _declared_twice(text: str, error_line: int, message: str) -> tuple[int, Said] | None:
    """``[phases]`` below ``[[phases]]``, or ``[budget]`` written twice: where the first
    one is, and what to write."""
    from okrdesk.errors import Said

    name = tomllib_key(message)
    here = header_of(line_text(text, error_line))
    if name is None or here is None or here[1] != name:
        return None
    listed = first = None
    for index, line in enumerate(toml_lines(text)[: error_line - 1]):
        earlier = header_of(line)
        if earlier is not None and earlier[1] == name and not here[0]:
            if earlier[0]:
                listed = index + 1  # the last one above
            else:
                first = first or index + 1
    if listed is not None:
        return error_line, Said(
            f"[{name}] cannot follow the [[{name}]] at line {listed}: write [[{name}]] to add "
            "one more to the list",
            f"[{name}] 不能接在第 {listed} 行的 [[{name}]] 之后：要在列表里再加一项，"
            f"请写 [[{name}]]",
        )
    if first is not None:
        return error_line, Said(
            f"[{name}] is written twice; the first is at line {first}: write these keys under it",
            f"[{name}] 写了两次，第一次在第 {first} 行：请把这些键写在那里",
        )
    return None


def _listed_after_table(text: str, error_line: int) -> tuple[int, Said] | None:
    """``[[phases]]`` below a ``[phases]`` (the first one written with one bracket): that
    one, told what to write there."""
    from okrdesk.errors import Said

    here = header_of(line_text(text, error_line))
    if here is None or not here[0]:
        return None
    name = here[1]
    for index, line in enumerate(toml_lines(text)[: error_line - 1]):
        if header_of(line) == (False, name):
            return index + 1, Said(
                f"[{name}] is followed by [[{name}]] at line {error_line}, a list: write "
                f"[[{name}]] here too (each item of the list starts with [[{name}]])",
                f"[{name}] 后面第 {error_line} 行是 [[{name}]]，是个列表：这里也请写 "
                f"[[{name}]]（列表的每一项都以 [[{name}]] 开头）",
            )
    return None


_CURLY = {"“": '"', "”": '"', "‘": "'", "’": "'", "„": '"', "«": '"', "»": '"'}


def full_width_on(line: str) -> Said | None:
    """The first curly quote or full-width character a Chinese keyboard puts where TOML
    needs ASCII, outside strings and comments: "found the full-width ，; write ,", in
    English and Chinese."""
    from okrdesk.errors import Said

    for i in outside_strings(line):
        ch = line[i]
        if ch == "\u00a0" or unicodedata.category(ch) == "Cf":  # pasted from a web page
            named = "a no-break space" if ch == "\u00a0" else f"an invisible U+{ord(ch):04X}"
            named_zh = "不换行空格" if ch == "\u00a0" else f"看不见的字符 U+{ord(ch):04X}"
            fix, fix_zh = ("write a plain space", "请改用普通空格") if ch == "\u00a0" else (
                "delete it", "请删除它")  # fmt: skip
            return Said(f"found {named}; {fix} (column {i + 1})",
                        f"发现{named_zh}；{fix_zh}（第 {i + 1} 列）")  # fmt: skip
        ascii_form = _CURLY.get(ch) or FULL_WIDTH.get(ch)
        if ascii_form is None:
            continue
        kind = "curly quote" if ch in _CURLY else "full-width"
        shown = "the full-width space" if ch == "\u3000" else f"the {kind} {ch}"
        if ch == "\u3000":
            shown_zh, ascii_zh = "全角空格", "普通空格"
        else:
            kind_zh = "弯引号" if ch in _CURLY else "全角字符"
            shown_zh, ascii_zh = f"{kind_zh} {ch}", f"半角的 {ascii_form}"
        return Said(f"found {shown}; write {ascii_form} (column {i + 1})",
                    f"发现{shown_zh}；请改用{ascii_zh}（第 {i + 1} 列）")  # fmt: skip
    return None


_NUMBER_ENDING = re.compile(r"[+-]?[0-9][0-9_]*(?:\.[0-9_]+)?(?:[eE][+-]?[0-9]+)?\s*$")
_THOUSANDS = re.compile(r"(?:,[0-9]{3})+(?:\.[0-9]+)?(?![0-9,])")
# Groups of four digits, as 万 and 亿 group a figure: 45,0000 is 45万.
_MYRIADS = re.compile(r"(?:,[0-9]{4})+(?:\.[0-9]+)?(?![0-9,])")


def figure_as_spoken(line: str, column: int) -> str | None:
    """``spoken_figure``'s advice in English."""
    said = spoken_figure(line, column)
    return None if said is None else said.en


def spoken_figure(
    line: str,
    column: int,
    fraction_of: str | None = None,
    unit: WrittenUnit | None = None,
) -> Said | None:
    """Where TOML stopped at ``column`` (from 1) right after a number: the figure written
    as a person says it, which TOML does not read, and how to write it (``15亿``: 15 for
    亿元, 150000 for 万元, ...; ``70%``: 0.7 for a fraction; ``3,000``: 3000), in English
    and Chinese; where the place takes only a fraction, the key ``fraction_of`` with
    the fraction to write (``Q2 = 0.45``); for a key in its table's ``unit`` (its symbol
    and line), the figure in that unit (``total = 899``). None when that is not what
    stopped it."""
    from okrdesk.errors import Said

    number = _NUMBER_ENDING.search(line[: column - 1])
    if number is None or (number.start() and line[number.start() - 1] not in " =[{,\t"):
        return None
    figure, rest = number.group().rstrip(), line[column - 1 :]
    grouped = _THOUSANDS.match(rest)
    if grouped is None and figure == number.group():
        myriads = _MYRIADS.match(rest)
        if myriads is not None and "." not in figure and len(figure.lstrip("+-")) <= 4:
            return _commas_said(figure + myriads.group(), column, line[: number.start()], unit)
    if grouped and figure == number.group():
        figure += grouped.group()
        rest = rest[grouped.end() :]
    # A unit after the number, not a second figure after a space (``15 15%``).
    token = re.match(r"[^\s,\]}#0-9.+-][^\s,\]}#]*", rest)
    # NFKC: a unit typed on a Chinese keyboard, 21％, is the 21% it reads as
    from okrdesk.targets.placed_advice import in_unit, percent_as_fraction, seconds_said

    spoken = unicodedata.normalize("NFKC", figure + token.group()) if token else ""
    said = plain_advice(spoken) if token else None
    if token is not None and said is None:
        return seconds_said(line[: number.start()], figure, token.group(), column)
    if token is not None and said is not None:
        written = number.group() + (grouped.group() if grouped else "") + token.group()
        fraction = percent_as_fraction(spoken) if fraction_of else None
        if fraction is not None:
            return Said(f"{written} is not a TOML number: write {fraction_of} = {fraction} "
                        f"(column {column})",
                        f"{written} 不是 TOML 的数；请写 {fraction_of} = {fraction}"
                        f"（第 {column} 列）")  # fmt: skip
        unit_said = in_unit(line[: number.start()], spoken, unit)
        if unit_said is not None:
            return Said(f"{written} is not a TOML number: {unit_said.en} (column {column})",
                        f"{written} 不是 TOML 的数；{unit_said.zh}（第 {column} 列）")  # fmt: skip
        return Said(f"{written} is not a TOML number: {said.en} (column {column})",
                    f"{written} 不是 TOML 的数；{said.zh}（第 {column} 列）")  # fmt: skip
    if grouped and figure != number.group():
        plain = figure.replace(",", "")
        from okrdesk.targets.placed_advice import grouped_in_unit

        either = grouped_in_unit(line[: number.start()], plain, unit)
        if either is not None:
            return Said(f"{figure} is not a TOML number: {either.en} (column {column})",
                        f"{figure} 不是 TOML 的数；{either.zh}（第 {column} 列）")  # fmt: skip
        return _commas_said(figure, column, line[: number.start()], unit, thousands=True)
    return None


def _commas_said(
    figure: str,
    column: int,
    before: str,
    unit: WrittenUnit | None,
    *,
    thousands: bool = False,
) -> Said:
    """A figure grouped by four digits, 45,0000, or by ``thousands``, 1,200, which TOML does
    not read: the line to write where ``before`` is its key (``target = ``), in its
    table's ``unit`` where the key takes it."""
    from okrdesk.errors import Said
    from okrdesk.targets.placed_advice import in_unit_said

    plain, underscored = figure.replace(",", ""), figure.replace(",", "_")
    key = re.fullmatch(r"""\s*([A-Za-z0-9_-]+|"[^"]*")\s*=\s*""", before)
    written = f"{key[1]} = {plain}" if key else plain
    commas, commas_zh = ("thousands separators", "千位分隔符") if thousands else ("commas", "逗号")
    where, write_zh = in_unit_said(before, unit), "请写" if key else "写作"
    return Said(f"{figure} is not a TOML number: write {written} (or {underscored}), "
                f"without {commas}{where.en} (column {column})",
                f"{figure} 不是 TOML 的数；{write_zh} {written}（或 {underscored}），"
                f"不加{commas_zh}{where.zh}（第 {column} 列）")  # fmt: skip


def plain_advice(written: str, *, quoted: bool = False) -> Said | None:
    """How to write ``written``, a figure with its unit the way a person says it, as the
    plain number a target file takes (``units.plain_figures``), in English and Chinese;
    None for anything else. ``quoted``: it was written as a string."""
    from okrdesk.errors import Said
    from okrdesk.units import plain_figures

    figures = plain_figures(written)
    if figures is None:
        return None
    plainly = "a plain number, without quotes," if quoted else "a plain number"
    plainly_zh = "不带引号的纯数字" if quoted else "纯数字"
    if figures[0][1] == "a fraction":
        (fraction, _), *rates = figures
        where = ", ".join(f"{number} where the unit is {unit}" for number, unit in rates)
        where_zh = "，".join(f"单位为 {unit} 时写 {number}" for number, unit in rates)
        return Said(
            f"write {fraction}{' without quotes' if quoted else ''} where a fraction is "
            f"asked (milestones, schedule, a threshold), {where}",
            f"要求小数的地方（里程碑、进度安排、阈值）写 {fraction}{'，不加引号' if quoted else ''}"
            f"，{where_zh}",
        )
    choices = ", ".join(f"{number} for {unit}" for number, unit in figures)
    choices_zh = "，".join(f"{_unit_zh(unit)}写 {number}" for number, unit in figures)
    return Said(
        f"write {plainly} in the unit its key result or table is written in: {choices}",
        f"请按所在关键结果或表的单位写{plainly_zh}：{choices_zh}",
    )


def _unit_zh(unit: str) -> str:
    """``units.plain_figures``'s unit for a Chinese sentence: 万元 or 万户 as 万元或万户."""
    return unit.replace(" or ", "或")


def _misspelt_header(text: str, error_line: int) -> tuple[int, Said] | None:
    import difflib

    from okrdesk.errors import Said

    lines = toml_lines(text)
    found = _AOT_HEADER.match(lines[error_line - 1]) if error_line <= len(lines) else None
    if found is None:
        return None
    name = found.group(1)
    for index, line in enumerate(lines[: error_line - 1]):
        header = _AOT_HEADER.match(line)
        other = header.group(1) if header else None
        if other and other != name and "." not in other:
            close = difflib.get_close_matches(other, [name], n=1, cutoff=0.75)
            if close:
                return index + 1, Said(
                    f"[[{other}]] looks like a misspelling of [[{name}]]; the [[{name}]] "
                    f"at line {error_line} cannot follow it",
                    f"[[{other}]] 像是 [[{name}]] 的拼写错误；第 {error_line} 行的 "
                    f"[[{name}]] 不能接在它后面",
                )
    return None


def _inline_table_spread(text: str, line: int) -> str | None:
    """For an inline table open at the end of ``line`` and closed on a later line, as
    TOML 1.0 does not allow (one never closed is not), the dotted name of the table it
    would be written as ("" where that cannot be told); else None."""
    state, _ = walk(text, offset_of_line(text, line + 1))
    if not state.brackets or state.brackets[-1][0] != "{":
        return None
    brace = state.brackets[-1][2]
    end = matching_end(text, brace)
    if text[end - 1 : end] != "}" or line_at(text, end) <= line:
        return None
    key = re.search(r"([A-Za-z0-9_-]+)\s*=\s*$", text[text.rfind("\n", 0, brace) + 1 : brace])
    if key is None or len(state.brackets) > 1:
        return ""
    table = table_of_line(text, line_at(text, brace) + 1)
    return f"{table}.{key.group(1)}" if table else key.group(1)


MOST_SYNTAX_PROBLEMS = 20
"""Mistakes of syntax told for one file before the rest of it is left unread."""


def past_line_mistake(text: str, line: int) -> str | None:
    """The text with ``line`` blanked, so that tomllib may read on and find the next
    mistake of the same run, where the mistake on that line is the line's alone: a key
    and value (``目标 = 360``, ``start = 2026 年 10 月 1 日``, a key given twice) between
    complete statements, which opens nothing the lines after it would be read inside.
    None where blanking it could change how a later line reads: a table header (the keys
    below would join the table above), or a line inside, or opening, a string, an array
    or an inline table."""
    start = offset_of_line(text, line)
    newline = text.find("\n", start)
    end = len(text) if newline < 0 else newline
    if start >= len(text) or text[start:end].lstrip()[:1] in ("[", "【", "［"):
        return None
    # Nothing is open where the line starts, so the line read alone says what it leaves open.
    for upto, scanned in ((start, text), (end - start, text[start:end])):
        state, _ = walk(scanned, upto)
        if state.string_line is not None or state.brackets:
            return None
    return text[:start] + text[end:]
