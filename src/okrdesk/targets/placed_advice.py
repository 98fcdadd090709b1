"""Advice on a line that depends on where it is written: the unit its table writes
(``total = 899万元`` below ``unit = "万元"``: ``total = 899``), a place that takes only a
fraction (``Q2 = 45%`` in milestones: ``Q2 = 0.45``), a key in seconds, a figure TOML
does not read for a sign or a point (``¥899万``, ``360.``), and a line typed on a Chinese
keyboard, shown whole as TOML reads it."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple

from okrdesk.errors import Said
from okrdesk.targets.syntax import spoken_figure
from okrdesk.targets.toml_text import (
    FULL_WIDTH,
    header_of,
    line_text,
    table_of_line,
    toml_lines,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

    from okrdesk.model import MetricSpec


def wide_figure(
    text: str, line: int, wide: Said, metrics: Mapping[str, MetricSpec] | None = None
) -> Said:
    """``wide``, and where the full-width digits are of a figure written with its unit
    (``amount = ５１９万元``), after a yuan sign (``total = ￥３０``, ``odd_figure``; its
    metric one of ``metrics``) or of a date (``２０２６年１０月１日``), how to write that
    too: typing 519 would only bring the next mistake."""

    written = line_text(text, line)
    first = re.search(r"[０-９]", written)
    plain = unicodedata.normalize("NFKC", written)
    if first is None or len(plain) != len(written):
        return _wide_line(written, wide)
    digits = re.match(r"[0-9][0-9_.]*", plain[first.start() :])
    assert digits is not None
    column = first.start() + len(digits.group()) + 1
    from okrdesk.targets.spoken_dates import date_as_spoken

    fraction_of = fraction_asked(plain, column, table_of_line(text, line))
    figure = date_as_spoken(plain, column) or spoken_figure(
        plain, column, fraction_of, written_unit(text, line)
    )
    if figure is None:
        lines = toml_lines(text)
        figure = odd_figure("\n".join([*lines[: line - 1], plain, *lines[line:]]), line, metrics)
    if figure is None:
        return _wide_line(written, wide)
    return Said(f"{wide.en}; {figure.en}", f"{wide.zh}；{figure.zh}")


_ODD_FIGURE = re.compile(r"(\s*[A-Za-z0-9_-]+\s*=\s*)([^\s#\[{\"'][^#]*?)\s*(?:#.*)?$")


def odd_figure(
    text: str, line: int, metrics: Mapping[str, MetricSpec] | None = None
) -> Said | None:
    """A figure written as no TOML number is, on a line of its own key: a currency sign
    before it (``¥899万``, ``¥8,990,000``, ``-¥30``), a point with nothing after it
    (``360.``) or before it (``.5``), digits grouped by spaces (``1 200``). The line to
    write, with its unit's advice where one follows (``spoken_figure``); for ``-¥30``
    where the key is never below zero, and ``¥1,2345``, whose comma no reader can trust,
    why not as written (``yuan_figures``): a key result's figure is never below zero
    where its metric, one of ``metrics``, never is."""
    from okrdesk.targets.yuan_figures import below_zero_refused, yuan_figure, yuan_said
    from okrdesk.units import without_separators

    found = _ODD_FIGURE.match(line_text(text, line))
    if found is None:
        return None
    key, value = found[1], found[2]
    yuan = yuan_figure(unicodedata.normalize("NFKC", value))
    if yuan is not None:
        metric = (metrics or {}).get(written_metric(text, line) or "")
        refused = below_zero_refused(table_of_line(text, line), key.strip(" \t="), metric)
        said = yuan_said(yuan, lambda figure: _figure_advice(text, line, key, figure), refused)
        return None if said is None else Said(f"{value} is not a TOML number: {said.en}",
                                              f"{value} 不是 TOML 的数；{said.zh}")  # fmt: skip
    dollars = re.match(r"\$\s*", value)
    figure = value[dollars.end() :] if dollars else value
    grouped = re.match(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\d,])", figure)
    if grouped is not None:  # 8,990,000: the figure in its key's unit, not the commas alone
        figure = (without_separators(grouped[0]) or grouped[0]) + figure[grouped.end() :]
    figure = re.sub(r"(?<=\d) (?=\d{3}(?!\d))", "", figure)
    figure = re.sub(r"^([+-]?)\.(\d)", r"\g<1>0.\2", figure)
    figure = re.sub(r"(\d)\.(?!\d)", r"\1", figure)
    if figure == value:
        return None
    said = _figure_advice(text, line, key, figure)
    if said is not None and dollars is not None:
        said = _not_dollars(text, line, key, figure, said)
    return None if said is None else Said(f"{value} is not a TOML number: {said.en}",
                                          f"{value} 不是 TOML 的数；{said.zh}")  # fmt: skip


def _not_dollars(text: str, line: int, key: str, figure: str, said: Said) -> Said:
    """``said`` for a figure written after a dollar sign (``total = $30``) where its key
    takes its table's unit of money: okrdesk's money is yuan, so the figure to write is
    the one meant in that unit, which a dollar sign does not say."""
    from okrdesk.units import UNITS, Dimension

    unit = written_unit(text, line)
    name = key_in_unit(key, unit)
    known = UNITS.get(unit.symbol) if unit is not None else None
    plain = re.fullmatch(r"[+-]?\d+(?:\.\d+)?", figure)
    if unit is None or name is None or known is None or not plain:
        return said
    if known.dimension is not Dimension.MONEY:
        return said
    where = unit.said_at()
    return Said(
        f"okrdesk's money is yuan, written {where.en}: write {name} = {figure} if "
        f"{figure}{unit.symbol} is meant",
        f"okrdesk 的金额以人民币计，{where.zh}写：如指 {figure}{unit.symbol}，"
        f"请写 {name} = {figure}",
    )


def _figure_advice(text: str, line: int, key: str, figure: str) -> Said | None:
    """What to write on ``line`` for ``figure`` (``899万``, ``1200元``, ``360``) after
    ``key`` (``total = ``): the figure itself where it is a plain number, else
    ``spoken_figure``'s advice for it in its key's unit."""

    if re.fullmatch(r"[+-]?\d+(?:\.\d+)?", figure):
        written = f"{key.strip()} {figure}"
        return Said(f"write {written}", f"请写 {written}")
    number = re.match(r"[+-]?\d+(?:\.\d+)?", figure)
    if number is None:
        return None
    plain = key + figure
    column = len(key) + number.end() + 1
    fraction_of = fraction_asked(plain, column, table_of_line(text, line))
    said = spoken_figure(plain, column, fraction_of, written_unit(text, line))
    if said is None:
        return None
    advice = re.sub(r" \(column \d+\)$", "", said.en).split(": ", 1)[-1]
    advice_zh = re.sub(r"（第 \d+ 列）$", "", said.zh).split("；", 1)[-1]
    return Said(advice, advice_zh)


def _wide_line(line: str, wide: Said) -> Said:
    """``wide``, and where the line holds more than one such character (``name：“攻坚”``),
    the whole line as TOML reads it: fixing the first would only bring the next."""

    fixed, changed, i = [], 0, 0
    while i < len(line):
        ch = line[i]
        if ch == "#":
            fixed.append(line[i:])
            break
        close = {'"': '"', "'": "'", "“": "”", "‘": "’"}.get(ch)
        if close is not None:
            end = line.find(close, i + 1)
            end = len(line) if end < 0 else end
            quote = "'" if ch == "'" else '"'
            fixed.append(quote + line[i + 1 : end] + quote)
            changed += ch != quote or (end < len(line) and line[end] != quote)  # a pair is one
            i = end + 1
            continue
        ascii_form = FULL_WIDTH.get(ch)
        if ascii_form is not None:
            spaced = {"=": " = ", ",": ", "}.get(ascii_form)
            if spaced is not None and fixed:
                fixed[-1] = fixed[-1].rstrip(" ")
            fixed.append(" " if ch == "\u3000" else spaced or ascii_form)
            while spaced is not None and line[i + 1 : i + 2] == " ":
                i += 1
            changed += 1
        else:
            fixed.append(ch)
        i += 1
    if changed < 2:
        return wide
    whole = "".join(fixed).strip()
    return Said(f"{wide.en}; the whole line, as TOML reads it: {whole}",
                f"{wide.zh}；整行应写作：{whole}")  # fmt: skip


_CURVES = ("milestones", "schedule", "calendar")
FRACTION_KEYS = ("breaker_threshold", "expense_ratio_max", "weight", "growth")
"""Keys whose figure is a fraction: 0.3 for 30%."""
_KEY_OF_VALUE = re.compile(r'([A-Za-z0-9_-]+|"[^"\n]*")\s*=\s*[^=]*$')
_OPEN_CURVE = re.compile(r"([A-Za-z0-9_-]+)\s*=\s*\{[^{}]*$")


def fraction_asked(line: str, column: int, table: str) -> str | None:
    """The key of the value at ``column`` (from 1) of ``line``, in ``table``, where that
    value can only be a fraction: a phase's or period's figure in milestones, a schedule
    or a calendar, written inline or below their header, or a budget's threshold."""
    before = line[: column - 1]
    key = _KEY_OF_VALUE.search(before)
    if key is None:
        return None
    inline = _OPEN_CURVE.search(before)
    if inline is not None:
        return key[1] if inline[1] in _CURVES else None
    if "{" in before or "[" in before:
        return None
    if table.rsplit(".", 1)[-1] in _CURVES or key[1] in FRACTION_KEYS:
        return key[1]
    return None


IN_TABLE_UNIT = ("target", "baseline", "band", "total", "expected_revenue", "amount")
"""Keys whose figure is in the unit written in their table (``unit = "万元"``)."""
_UNIT = re.compile(r"""\s*unit\s*=\s*"([^"\n]*)"\s*(?:#.*)?$""")


class WrittenUnit(NamedTuple):
    """The ``unit`` a figure's line takes, and where and whose it is."""

    symbol: str
    line: int
    for_members: bool
    """The figure's line is below a ``members`` header, whose every key takes the unit."""
    whose: Said
    """``the table's``, ``the budget's`` (a budget line without one of its own), ``the key
    result's`` (a member's target)."""

    def said_at(self) -> Said:
        """``in the budget's unit (unit = "万元" at line 2)``."""
        said = f'unit = "{self.symbol}"'
        return Said(f"in {self.whose.en} unit ({said} at line {self.line})",
                    f"用{self.whose.zh}单位（第 {self.line} 行 {said}）")  # fmt: skip


_WHOSE = {
    "members": Said("the key result's", "关键结果的"),
    "budget": Said("the budget's", "预算的"),
}


def written_unit(text: str, line: int) -> WrittenUnit | None:
    """The ``unit`` written in the table ``line`` is in (a budget line's, else its
    budget's; a member's target's, its key result's); None where none is written."""
    lines = toml_lines(text)
    table = table_of_line(text, line)
    own = table.removesuffix(".members")
    for wanted in (own, "budget") if own == "budget.lines" else (own,):
        start = line - 1
        while start > 0 and (header_of(lines[start - 1]) or (False, ""))[1] != wanted:
            start -= 1
        if start == 0 and wanted:
            return None
        for index in range(start, len(lines)):
            if index > start and header_of(lines[index]) is not None:
                break
            found = _UNIT.match(lines[index])
            if found is not None:
                members = own != table
                whose = "members" if members else wanted if wanted != own else ""
                return WrittenUnit(found[1], index + 1, members,
                                   _WHOSE.get(whose, Said("the table's", "表的")))  # fmt: skip
    return None


_METRIC = re.compile(r"""\s*metric\s*=\s*"([^"\n]*)"\s*(?:#.*)?$""")


def written_metric(text: str, line: int) -> str | None:
    """The ``metric`` written in the key result ``line`` is in (below its ``members``
    header, the key result above it); None where none is written."""
    lines = toml_lines(text)
    own = table_of_line(text, line).removesuffix(".members")
    start = line - 1
    while start > 0 and (header_of(lines[start - 1]) or (False, ""))[1] != own:
        start -= 1
    for index in range(start, len(lines)):
        if index > start and header_of(lines[index]) is not None:
            break
        found = _METRIC.match(lines[index])
        if found is not None:
            return found[1]
    return None


_SECONDS_KEYS = ("plugin_timeout",)
_SECONDS_IN = {"s": 1, "sec": 1, "秒": 1, "秒钟": 1, "m": 60, "min": 60, "分": 60, "分钟": 60,
               "h": 3600, "小时": 3600}  # fmt: skip


def seconds_said(before: str, figure: str, unit: str, column: int) -> Said | None:
    """``plugin_timeout = 5分钟``: a key in seconds written with a unit of time, and the
    number of seconds to write; ``year = 2026年``, the year."""

    key = re.fullmatch(r"\s*([A-Za-z_]+)\s*=\s*", before)
    if key is not None and key[1] == "year" and unit.strip() == "年" and figure.isdigit():
        written = f"{figure}{unit}"
        return Said(f"{written} is not a TOML number: write year = {figure} (column {column})",
                    f"{written} 不是 TOML 的数；请写 year = {figure}"
                    f"（第 {column} 列）")  # fmt: skip
    factor = _SECONDS_IN.get(unicodedata.normalize("NFKC", unit).strip().lower())
    if key is None or key[1] not in _SECONDS_KEYS or factor is None or "," in figure:
        return None
    seconds = format((Decimal(figure.replace("_", "")) * factor).normalize(), "f")
    return Said(f"{figure}{unit} is not a TOML number: write {key[1]} = {seconds}, in seconds "
                f"(column {column})",
                f"{figure}{unit} 不是 TOML 的数；请写 {key[1]} = {seconds}，以秒计"
                f"（第 {column} 列）")  # fmt: skip


def key_in_unit(before: str, unit: WrittenUnit | None) -> str | None:
    """The key ``before`` names (``total = ``), where its figure is written in ``unit``,
    its table's: a key of ``IN_TABLE_UNIT``, or any member's target; else None."""
    key = re.fullmatch(r"""\s*([A-Za-z0-9_-]+|"[^"]*")\s*=\s*""", before)
    if unit is None or key is None or not (unit.for_members or key[1] in IN_TABLE_UNIT):
        return None
    return key[1]


def in_unit(before: str, spoken: str, unit: WrittenUnit | None) -> Said | None:
    """``total = 899`` for ``total = 899万元`` in a table whose unit is 万元 (a member's
    ``li-lei = 200`` for ``200户`` in a key result in 户): the line to write, with where
    that unit is said; None where the key does not take its table's unit, or the figure
    cannot be written in it."""
    from okrdesk.units import plain_figures

    key = key_in_unit(before, unit)
    if unit is None or key is None:
        return None
    figures = plain_figures(spoken) or []
    for number, units in figures:
        if unit.symbol in units.split(" or "):
            line, where = f"{key} = {number}", unit.said_at()
            return Said(f"write {line}, {where.en}", f"请写 {line}，{where.zh}")
    small = too_small_for(figures, unit.symbol)
    if small is None:
        # Money only where it was written as money (¥1,200, 1200元), not 15亿 of 户.
        if "元" not in spoken:
            return None
        said = f'unit = "{unit.symbol}"'
        told = Said(f"{said} at line {unit.line}", f"第 {unit.line} 行 {said}")
        return money_for_no_money(key, figures, unit.symbol, unit.whose, told)
    number, written, exact = small
    meant, line, tiny = f"{number}{unit.symbol}", f"{key} = {number}", f"{key} = {exact}"
    where = unit.said_at()
    return Said(f"write {line} for {meant}, {where.en}; {number}{written} would be {tiny}",
                f"{meant}请写 {line}，{where.zh}；{number}{written}则应写 {tiny}")  # fmt: skip


def money_for_no_money(
    key: str,
    figures: list[tuple[str, str]],
    symbol: str,
    whose: Said,
    said: Said,
    *,
    quoted: bool = False,
) -> Said | None:
    """``target = ¥1,200`` where the key result counts 户 (its unit ``symbol``, told as
    ``said``): money typed for a figure that is no money, told as such, with the line to
    write if the number is what was meant (``quoted``: without its quotes)."""
    from okrdesk.units import UNITS, Dimension

    measured = UNITS.get(symbol)
    yuan = next((number for number, units in figures if "元" in units.split(" or ")), None)
    if measured is None or measured.dimension is Dimension.MONEY or yuan is None:
        return None
    line = f"{key} = {yuan}"
    how, how_zh = (", without quotes,", "，不加引号") if quoted else ("", "")
    return Said(
        f"{yuan}元 is money, and {whose.en} unit is no money ({said.en}): write {line}{how} "
        f"if {yuan}{symbol} is meant",
        f"{yuan}元 是金额，而{whose.zh}单位不是金额（{said.zh}）：若指 {yuan}{symbol}，"
        f"请写 {line}{how_zh}",
    )


def in_unit_said(before: str, unit: WrittenUnit | None) -> Said:
    """``, in the table's unit (unit = "户" at line 11)`` where ``before`` (``target = ``)
    is a key whose figure is in its table's ``unit``; else nothing."""
    if unit is None or key_in_unit(before, unit) is None:
        return Said("", "")
    where = unit.said_at()
    return Said(f", {where.en}", f"，{where.zh}")


def grouped_in_unit(before: str, plain: str, unit: WrittenUnit | None) -> Said | None:
    """``total = 8,990,000`` in a table in 万元 (``before`` is ``total = ``, ``plain`` the
    figure without its commas): ``read_as_yuan``'s advice, where the key takes its
    table's unit."""
    key = key_in_unit(before, unit)
    if unit is None or key is None:
        return None
    return read_as_yuan(key, plain, unit.symbol, unit.said_at())


def read_as_yuan(key: str, plain: str, symbol: str, where: Said) -> Said | None:
    """A figure grouped by thousands the way an amount in 元 is written (8,990,000), for
    ``key`` in a table in ``symbol``, 万元 or 亿元, where 8990000 would make it 899亿元:
    the line to write if it is in 元 (``total = 899``, ``where`` that unit is said), then
    if it is in the table's unit. None where ``symbol`` is no unit of money above 元."""
    from okrdesk.units import Dimension, lookup

    larger = lookup(symbol)
    if larger is None or larger.dimension is not Dimension.MONEY or larger.factor <= 1:
        return None
    in_yuan = f"{(Decimal(plain) / larger.factor).normalize():f}"
    return Said(f"if it means {plain}元, write {key} = {in_yuan}, {where.en}; if "
                f"{plain}{symbol}, write {key} = {plain}",
                f"若是 {plain}元，请写 {key} = {in_yuan}，{where.zh}；"
                f"若是 {plain}{symbol}，请写 {key} = {plain}")  # fmt: skip


def too_small_for(figures: list[tuple[str, str]], symbol: str) -> tuple[str, str, str] | None:
    """Where ``figures`` (``units.plain_figures``) cannot be written in ``symbol``, a
    larger unit of money or of a count, because the figure is too small for it: the
    figure, its unit, and what it is in ``symbol`` all the same. ``¥30`` in a table in
    万元 is 30元, 0.003万元, which no branch writes: the 30万元 its writer meant is 30."""
    from okrdesk.units import Dimension, lookup

    larger = lookup(symbol)
    if not figures or larger is None or larger.dimension not in (Dimension.MONEY,
                                                                 Dimension.COUNT):  # fmt: skip
        return None
    number, units = figures[-1]
    for written in units.split(" or "):
        own = lookup(written)
        if own is not None and own.dimension is larger.dimension and own.factor < larger.factor:
            exact = Decimal(number) * own.factor / larger.factor
            return number, written, f"{exact.normalize():f}"
    return None


def percent_as_fraction(spoken: str) -> str | None:
    """``45%`` as 0.45, ``5‰`` as 0.005: the fraction a percent or per mille figure is."""
    from okrdesk.units import plain_figures

    figures = plain_figures(spoken)
    if not figures or figures[0][1] != "a fraction":
        return None
    return "1.0" if figures[0][0] == "1" else figures[0][0]
