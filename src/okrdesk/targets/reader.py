"""Typed reads from parsed TOML that findings problems instead of raising.

A ``Table`` wraps one TOML table with its location. Each accessor checks the
type, reports a located ``Problem`` when it is wrong, and returns None, so one
pass over a file finds every mistake in it.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Collection, Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from okrdesk.errors import Problem, Said
from okrdesk.near_words import close_matches
from okrdesk.records import shared_methods
from okrdesk.targets.locate import KeyLocator, KeyPath

if TYPE_CHECKING:
    from okrdesk.model import MetricSpec
    from okrdesk.targets.quoted_figures import TableUnit

T = TypeVar("T")


NOT_SAID = Said("", "")
ID_DOTS = ".．。｡"
"""A dot as typed, and as a Chinese input method types it (full-width, ideographic)."""


@attrs.define
class Findings:
    """Problems (which fail validation) and warnings (which do not), in one place."""

    problems: list[Problem] = attrs.Factory(list)
    warnings: list[Problem] = attrs.Factory(list)


# A command makes only a few of each class here: declared without __slots__, which attrs
# adds by building the class a second time (as report/document.py explains).
@attrs.frozen(slots=False)
@shared_methods
class SourceFile:
    path: Path
    display: str
    locator: KeyLocator
    data: dict[str, Any]


@attrs.frozen(slots=False)
@shared_methods
class Where:
    """A key path inside one file, and how to show it to a person."""

    file: SourceFile
    path: KeyPath = ()
    label: str = ""

    @property
    def line(self) -> int:
        return self.file.locator.line_of(self.path) if self.path else 0

    def key(self, key: str) -> Where:
        return Where(self.file, (*self.path, key), f"{self.label}.{key}" if self.label else key)

    def item(self, index: int, name: object) -> Where:
        shown = name if isinstance(name, str) and name else index
        return Where(self.file, (*self.path, index), f"{self.label}[{shown}]")

    def header_above(self, keys: list[str]) -> str | None:
        """How a table of ``keys`` is written: below a header of its own, that header,
        ``[a.b.c]``; with dotted keys one a line (``milestones.Q2 = 0.45``), its key and a
        dot, ``milestones.``; inline, on the table's own line, None."""
        lines = {self.key(key).line for key in keys}
        if lines == {self.line}:
            return None
        if self.line in lines:
            return f"{self.path[-1]}."
        return "[" + ".".join(p for p in self.path if isinstance(p, str)) + "]"

    def problem(self, message: str, zh: str) -> Problem:
        """A problem at this key: ``message`` in English, ``zh`` in Chinese."""
        return Problem(self.file.display, self.line, self.label, message, zh)

    def said(self, said: Said) -> Problem:
        return self.problem(*said)


def as_typed(written: str) -> str:
    """An id as a person types it back: no invisible characters (a zero-width space),
    half-width letters and digits (ｃｍ01 → cm01), no spaces around it."""
    visible = "".join(c for c in written if unicodedata.category(c) != "Cf")
    return unicodedata.normalize("NFKC", visible).strip()


def where_for(source: SourceFile, path: KeyPath) -> Where:
    """The Where of a key path, naming array items by their id where they have one."""
    where: Where = Where(source)
    data: Any = source.data
    for part in path:
        if isinstance(part, int):
            item = data[part] if isinstance(data, list) and part < len(data) else None
            where, data = where.item(part, _id_of(item)), item
        else:
            where = where.key(part)
            data = data.get(part) if isinstance(data, dict) else None
    return where


def describe(value: object, lang: str = "en") -> str:
    """How a TOML value's type reads in a message (in Chinese with ``lang="zh"``)."""
    zh = lang == "zh"
    if isinstance(value, bool):
        return f"布尔值（{str(value).lower()}）" if zh else f"a boolean ({str(value).lower()})"
    if isinstance(value, int | Decimal | float):
        return f"数（{value}）" if zh else f"a number ({value})"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"文本（{shown!r}）" if zh else f"a string ({shown!r})"
    if isinstance(value, dt.datetime):
        return f"日期时间（{value.isoformat()}）" if zh else f"a date-time ({value.isoformat()})"
    if isinstance(value, dt.date):
        return f"日期（{value.isoformat()}）" if zh else f"a date ({value.isoformat()})"
    if isinstance(value, dt.time):
        return f"时刻（{value.isoformat()}）" if zh else f"a time ({value.isoformat()})"
    if isinstance(value, dict):
        return "表" if zh else "a table"
    if isinstance(value, list):
        return "数组" if zh else "an array"
    return type(value).__name__


def described(value: object) -> Said:
    """``describe(value)`` in both languages."""
    return Said(describe(value), describe(value, "zh"))


MAX_MAGNITUDE = Decimal("1e15")
"""No figure in a plan comes near this in any unit; larger is a typo or an attack."""


def plain_number(raw: object) -> tuple[Decimal | None, Said]:
    """A TOML value as a finite Decimal of sane size, or None and why not."""
    if isinstance(raw, bool) or not isinstance(raw, int | Decimal):
        hint = _how_to_write(raw)
        return None, Said(f"expected a number, got {describe(raw)}{hint.en}",
                          f"应为数，现为{describe(raw, 'zh')}{hint.zh}")  # fmt: skip
    number = Decimal(raw)
    if not number.is_finite():
        return None, Said(f"expected a finite number, got {raw}", f"应为有限的数，现为 {raw}")
    if abs(number) >= MAX_MAGNITUDE:
        return None, Said(f"{number:.3g} is too large for any figure in a plan",
                          f"{number:.3g} 太大，计划里没有这样的数")  # fmt: skip
    return number, NOT_SAID


def _how_to_write(raw: object) -> Said:
    """For a figure quoted as text, how to write it as a number: ``"15亿"`` as 15 for
    亿元, 150000 for 万元, ...; ``"45"`` as 45 (``syntax.plain_advice``)."""
    import re

    from okrdesk.targets.syntax import plain_advice
    from okrdesk.units import TOML_NUMBER, without_myriad_commas, without_separators

    if not isinstance(raw, str):
        return NOT_SAID
    raw = unicodedata.normalize("NFKC", raw)  # full-width "１２３" and "２１％" as 123 and 21%
    said = plain_advice(raw, quoted=True)
    if said is not None:
        return Said(f"; {said.en}", f"；{said.zh}")
    if re.fullmatch(TOML_NUMBER, raw.strip()):
        return Said(f"; write {raw.strip()} without quotes", f"；写作 {raw.strip()}，不加引号")
    if year := re.fullmatch(r"(\d{4})\s*年", raw.strip()):
        return Said(f"; write {year[1]} without quotes", f"；写作 {year[1]}，不加引号")
    plain = without_separators(raw)
    if not plain:
        plain = without_myriad_commas(raw)
        if plain is None:
            return NOT_SAID
        return Said(f"; write {plain} without quotes or commas",
                    f"；写作 {plain}，不加引号，也不加逗号")  # fmt: skip
    return Said(f"; write {plain} without quotes or thousands separators",
                f"；写作 {plain}，不加引号，也不加千位分隔符")  # fmt: skip


def _how_to_date(raw: object) -> Said:
    """For a date written as text or as a number, the date to write (``spoken_dates``)."""
    from okrdesk.targets.spoken_dates import toml_date_for

    if isinstance(raw, dt.datetime):
        return Said(f"; write {raw.date()} without the time", f"；请写作 {raw.date()}，不写时间")
    said = toml_date_for(raw)
    return NOT_SAID if said is None else Said(f"; {said.en}", f"；{said.zh}")


def suggest(word: str, choices: Collection[str], lang: str = "en") -> str:
    """' (did you mean "x"?)' when a close match exists, else ''; in Chinese
    '（是不是“x”？）'. Case and width do not count against a match: ``o1.kr1``
    suggests ``O1.KR1``. Where several are as near (``wm`` of ``wm1`` and ``wm2``), every
    one is named: ' (did you mean "wm1" or "wm2"?)'."""
    close = close_matches(word, choices)
    if not close:
        return ""
    if lang == "zh":
        quoted = [f"“{c}”" for c in close]
        named = "、".join(quoted[:-1]) + "或" + quoted[-1] if len(quoted) > 1 else quoted[0]
        return f"（是不是{named}？）"
    quoted = [f'"{c}"' for c in close]
    named = ", ".join(quoted[:-1]) + " or " + quoted[-1] if len(quoted) > 1 else quoted[0]
    return f" (did you mean {named}?)"


def closest(word: str, choices: Collection[str]) -> str | None:
    """The choice nearest ``word`` (``close_matches``), the first of those as near."""
    close = close_matches(word, choices)
    return close[0] if close else None


def no_such(
    what: str, word: str, choices: Collection[str], hint: str = "", lang: str = "en"
) -> str:
    """The message for an id a command does not know, the same in every command:
    ``no person "nobdy" (did you mean "nobody"?)``, then ``hint`` after a semicolon; in
    Chinese ``没有人员 "nobdy"（是不是“nobody”？）`` (the hint given in Chinese too)."""
    if lang == "zh":
        said = f'没有{_NOUNS_ZH.get(what, what)} "{word}"{suggest(word, choices, lang)}'
        return said + (f"；{hint}" if hint else "")
    return f'no {what} "{word}"{suggest(word, choices)}' + (f"; {hint}" if hint else "")


_NOUNS_ZH = {
    "objective": "目标", "objective or budget line": "目标或预算项", "key result": "关键结果",
    "person": "人员", "unit": "单位", "unit or person": "单位或人员",
    "budget line": "预算项", "metric": "指标", "plugin": "插件", "report format": "报告格式",
}  # fmt: skip


class Table:
    """One TOML table, read key by key with type checks."""

    def __init__(
        self,
        where: Where,
        data: dict[str, Any],
        findings: Findings,
        known: Collection[str],
        required: Collection[str] = (),
        elsewhere: Mapping[str, Said] | None = None,
        outer_unit: TableUnit | None = None,
    ) -> None:
        """``elsewhere``: keys of another table often written in this one by mistake
        (an objective's ``owner`` below its key result), each with where it belongs;
        ``outer_unit``: the unit its figures are in where it writes none (a budget
        line's, its budget's)."""
        self.where = where
        self.outer_unit = outer_unit
        self.metric: MetricSpec | None = None
        """The metric the table's figures are of, where it is known: a figure below zero
        is advised as one only where the metric can be."""
        self.data = data
        self.findings = findings
        self.known = known
        self.ok = True
        self.misspelt: set[str] = set()
        """Known keys an unknown key looks like a misspelling of (``ownr``, ``目标``): one
        left out is not also "missing"."""
        for key in data:
            if key not in known and elsewhere and key in elsewhere:
                self.fail(where.key(key), *elsewhere[key])
            elif key not in known and (header := self._header_in_chinese(key)) is not None:
                self.fail(where.key(key), *header)
            elif key not in known:
                from okrdesk.targets.syntax_habits import english_key  # for a mistake only

                meant = english_key(key, tuple(known)) or closest(key, known)
                hint = Said(f' (did you mean "{meant}"?)', f"（是不是“{meant}”？）")
                if meant is not None:
                    self.misspelt.add(meant)
                self.fail(
                    where.key(key),
                    f"unknown key{hint.en if meant else ''}; expected one of: {', '.join(known)}",
                    f"未知的键{hint.zh if meant else ''}；可用的键：{'、'.join(known)}",
                )
        for key in required:
            if key not in data and key not in self.misspelt:
                self.fail(where.key(key), "missing; this key is required", "缺少；此键必填")

    def _header_in_chinese(self, key: str) -> Said | None:
        """For a table named in Chinese in a quoted header (``["团队"]``), which reads as
        TOML where ``[团队]`` does not, the same advice: the header to write."""
        value = self.data[key]
        tables = isinstance(value, list) and value and all(isinstance(v, dict) for v in value)
        if not (isinstance(value, dict) or tables) or key.isascii():
            return None
        from okrdesk.targets.syntax_habits import header_in_english, table_name_said

        at = self.where.key(key)
        found = header_in_english(at.file.locator.text_of_line(at.line))
        return None if found is None else table_name_said(found[1])

    def fail(self, where: Where, message: str, zh: str) -> None:
        """A problem at ``where``: ``message`` in English, ``zh`` in Chinese."""
        self.ok = False
        self.findings.problems.append(where.problem(message, zh))

    def _get(self, key: str, kinds: tuple[type, ...], expected: Said) -> Any:
        if key not in self.data:
            return None
        value = self.data[key]
        wrong_bool = isinstance(value, bool) and bool not in kinds
        if not isinstance(value, kinds) or wrong_bool or _is_datetime_for_date(value, kinds):
            hint = self._how_to_write(key, value) if int in kinds else NOT_SAID
            if dt.date in kinds:
                hint = _how_to_date(value)
            self.fail(
                self.where.key(key),
                f"expected {expected.en}, got {describe(value)}{hint.en}",
                f"应为{expected.zh}，现为{describe(value, 'zh')}{hint.zh}",
            )
            return None
        return value

    def _how_to_write(self, key: str, value: object) -> Said:
        """For a figure quoted as text, the line to write where its key says which
        (``breaker_threshold = 0.1`` for "10%", ``total = 899`` for "899万元" in a table
        whose unit is 万元, ``total = 30`` for "30元" there, which no one meant, and for
        "¥30"; a budget line's ``amount = 30`` for "30" in its budget's 万元); else
        ``_how_to_write``'s advice."""
        from okrdesk.targets.placed_advice import FRACTION_KEYS, IN_TABLE_UNIT, percent_as_fraction

        if not isinstance(value, str):
            return _how_to_write(value)
        plain = unicodedata.normalize("NFKC", value).strip()
        fraction = percent_as_fraction(plain) if key in FRACTION_KEYS else None
        if fraction is not None:
            return Said(f"; write {key} = {fraction}, without quotes",
                        f"；请写 {key} = {fraction}，不加引号")  # fmt: skip
        if key not in IN_TABLE_UNIT:
            return _how_to_write(value)
        table = ".".join(p for p in self.where.path if isinstance(p, str))
        said = self.figure_said(key, plain, table, self.unit_of_figures())
        return _how_to_write(value) if said is None else Said(f"; {said.en}", f"；{said.zh}")

    def figure_said(self, key: str, plain: str, table: str, unit: TableUnit | None) -> Said | None:
        """The line to write for ``plain``, a figure quoted as ``key``'s value in ``table``
        (dotted), in ``unit`` (``quoted_figures``); below zero, or with a yuan sign, as
        ``yuan_figures`` tells it. None where that is nothing to say."""
        from okrdesk.targets.quoted_figures import in_table_unit
        from okrdesk.targets.yuan_figures import (
            YuanFigure,
            below_zero_refused,
            yuan_figure,
            yuan_said,
        )

        refused = below_zero_refused(table, key, self.metric)
        found = yuan_figure(plain)
        if found is None and refused is not None and re.match(r"-\s*[0-9]", plain):
            unsigned = plain[1:].strip()
            found = YuanFigure(True, unsigned, unsigned, sign="")
        if found is None:
            return in_table_unit(key, plain, unit)
        return yuan_said(found, lambda figure: in_table_unit(key, figure, unit), refused)

    def unit_of_figures(self) -> TableUnit | None:
        """The unit this table's figures are in, where one is written: its own ``unit``,
        else ``outer_unit``."""
        from okrdesk.targets.quoted_figures import own_unit

        unit = self.data.get("unit")
        return own_unit(unit) if isinstance(unit, str) else self.outer_unit

    def text(self, key: str) -> str | None:
        value: str | None = self._get(key, (str,), Said("a string", "文本"))
        if value is not None and not value.strip():
            self.fail(self.where.key(key), "must not be empty", "不能为空")
            return None
        return value

    def ident(self, dotless: Callable[[str], tuple[str, Said]] | None = None) -> str | None:
        """``id``, as text a person can type back where they refer to it. One written with
        a space around it, in full-width letters (ｃｍ01) or holding an invisible character
        is a problem naming the id to write, and is read as that id, so that what refers
        to it is not reported too. Where ``dotless`` is given the id may hold no dot, as
        typed (.) or as a Chinese input method types it (． 。): ``dotless`` gives the id to
        write instead and why, and that is the one problem, its suggestion one that reads."""
        value = self.text("id")
        if value is None:
            return None
        unseen = [c for c in value if unicodedata.category(c) == "Cf"]  # zero-width space
        typed = as_typed(value)
        dots = "".join(dict.fromkeys(c for c in value if c in ID_DOTS)) if dotless else ""
        if (typed == value or not typed) and not dots:
            return value
        odd = _oddity(value, typed, unseen, dots)
        if dotless is not None and dots:
            typed, why = dotless(typed.replace("。", "."))
            if not typed:  # dots alone: no id is left to suggest
                self.fail(self.where.key("id"),
                          f"must not contain '{dots}'; write an id of letters and digits, "
                          "as O1 or KR1",
                          f"不能包含 '{dots}'；请写由字母和数字组成的 id，如 O1、KR1")  # fmt: skip
                return None
            said = Said(f"must not contain '{dots}'; {why.en}", f"不能包含 '{dots}'；{why.zh}")
            if odd is not None:
                said = Said(f'"{value}" {odd.en} and {said.en}', f'"{value}" {odd.zh}，且{said.zh}')
            self.findings.problems.append(self.where.key("id").said(said))
            return typed
        assert odd is not None
        self.findings.problems.append(self.where.key("id").problem(
            f'"{value}" {odd.en}, which nobody types when naming it; write "{typed}"',
            f'"{value}" {odd.zh}，引用它时很难写对；请写作 "{typed}"',
        ))  # fmt: skip
        return typed

    def number(self, key: str) -> Decimal | None:
        value = self._get(key, (int, Decimal), Said("a number", "数"))
        if value is None:
            return None
        number, why = plain_number(value)
        if number is None:
            self.fail(self.where.key(key), *why)
        return number

    def integer(self, key: str) -> int | None:
        value: int | None = self._get(key, (int,), Said("a whole number", "整数"))
        return value

    def flag(self, key: str) -> bool | None:
        value: bool | None = self._get(key, (bool,), Said("true or false", "布尔值 true 或 false"))
        return value

    def date(self, key: str) -> dt.date | None:
        value: dt.date | None = self._get(
            key, (dt.date,), Said("a date such as 2026-03-31", "日期，例如 2026-03-31")
        )
        return value

    def choice(self, key: str, choices: Collection[str]) -> str | None:
        value = self.text(key)
        if value is not None and value not in choices:
            meant = _IN_CHINESE.get(value.strip())
            hint = Said(suggest(value, choices), suggest(value, choices, "zh"))
            if meant in choices:
                hint = Said(f' (did you mean "{meant}"?)', f"（是不是“{meant}”？）")
            self.fail(
                self.where.key(key),
                f'"{value}" is not allowed{hint.en}; expected one of: {", ".join(choices)}',
                f'不能是 "{value}"{hint.zh}；可选：{", ".join(choices)}',
            )
            return None
        return value

    def strings(self, key: str) -> list[str] | None:
        value: list[Any] | None = self._get(key, (list,), Said("an array of strings", "文本数组"))
        if value is None:
            return None
        good: list[str] = []
        for index, item in enumerate(value):
            if isinstance(item, str):
                good.append(item)
            else:
                self.fail(
                    self.where.key(key).item(index, None),
                    f"expected a string, got {describe(item)}",
                    f"应为文本，现为{describe(item, 'zh')}",
                )
        return good

    def table(self, key: str) -> tuple[Where, dict[str, Any]] | None:
        written = self.data.get(key)
        if isinstance(written, list) and written and all(isinstance(t, dict) for t in written):
            dotted = ".".join([p for p in self.where.path if isinstance(p, str)] + [key])
            self.fail(self.where.key(key),
                      f"expected a table, got an array of tables: write [{dotted}], with "
                      "single brackets, once",
                      f"应为表，现为表数组：请写 [{dotted}]，用单层方括号，只写一次")  # fmt: skip
            return None
        value: dict[str, Any] | None = self._get(key, (dict,), Said("a table", "表"))
        return None if value is None else (self.where.key(key), value)

    def tables(self, key: str) -> Iterator[tuple[Where, dict[str, Any]]]:
        """The items of an array of tables, each with its location."""
        dotted = ".".join([p for p in self.where.path if isinstance(p, str)] + [key])
        expected = Said(f"an array of tables ([[{dotted}]])", f"表数组（[[{dotted}]]）")
        value: list[Any] | None = self._get(key, (list,), expected)
        for index, item in enumerate(value or ()):
            where = self.where.key(key).item(index, _id_of(item))
            if isinstance(item, dict):
                yield where, item
            else:
                self.fail(where, f"expected a table, got {describe(item)}",
                          f"应为表，现为{describe(item, 'zh')}")  # fmt: skip


_IN_CHINESE = {
    "周": "week", "每周": "week", "按周": "week", "周度": "week",
    "月": "month", "每月": "month", "按月": "month", "月度": "month",
    "季": "quarter", "季度": "quarter", "每季": "quarter", "每季度": "quarter", "按季": "quarter",
    "至少": "at_least", "不少于": "at_least", "不低于": "at_least", "≥": "at_least",
    "至多": "at_most", "不超过": "at_most", "不高于": "at_most", "≤": "at_most",
    "区间": "within", "范围内": "within", "之内": "within",
    "中文": "zh", "汉语": "zh", "英文": "en", "英语": "en",
}  # fmt: skip
"""A choice written in Chinese (grain = "月"), and the word the file takes for it."""


def _oddity(value: str, typed: str, unseen: list[str], dots: str) -> Said | None:
    """What makes ``value`` hard to type back, besides the dots in it (None: nothing)."""
    if unseen:
        return Said("holds an invisible character", "含有看不见的字符")
    if value.strip() != value:
        return Said("begins or ends with a space", "首尾有空格")
    plain = value
    for dot in dots:
        plain = plain.replace(dot, ".")
    if unicodedata.normalize("NFKC", plain) != plain:
        return Said("is written with full-width characters", "含有全角字符")
    return None


def _id_of(item: object) -> object:
    return item.get("id") if isinstance(item, dict) else None


def _is_datetime_for_date(value: object, kinds: tuple[type, ...]) -> bool:
    return isinstance(value, dt.datetime) and dt.date in kinds and dt.datetime not in kinds
