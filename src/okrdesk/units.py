"""Units of measure as managers write them, converted exactly to base values.

Every figure okrdesk stores is in a base unit: money in 元, counts as plain
numbers, rates as fractions (27% is 0.27), scores as points. A target file
writes ``target = 15`` with ``unit = "亿元"``; the model holds 1,500,000,000 元
as a Decimal, so no rounding ever shows.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

import attrs

from okrdesk.records import shared_methods
from okrdesk.unit_symbols import POINTS, SYMBOLS


class Dimension(StrEnum):
    MONEY = "money"
    COUNT = "count"
    FRACTION = "fraction"
    SCORE = "score"
    MULTIPLE = "multiple"


ADDITIVE = frozenset({Dimension.MONEY, Dimension.COUNT})
"""The dimensions whose figures add up (a team's amount or count is its members' sum);
a rate's, a score's or a multiple's do not (two teams' NPS of 60 is no branch's 120)."""


@attrs.frozen
@shared_methods
class UnitOfMeasure:
    symbol: str
    dimension: Dimension
    factor: Decimal
    """How many base units one of this unit is (1 万元 = 10,000 元)."""

    def to_base(self, amount: Decimal) -> Decimal:
        return amount * self.factor

    def from_base(self, amount: Decimal) -> Decimal:
        return amount / self.factor


def _units() -> dict[str, UnitOfMeasure]:
    units: dict[str, UnitOfMeasure] = {}
    for dimension, factor, symbols in SYMBOLS:
        for symbol in symbols:
            units[symbol] = UnitOfMeasure(symbol, Dimension(dimension), Decimal(factor))
    return units


def close_units(written: str, symbols: Sequence[str]) -> list[str]:
    """The units an author who wrote ``written`` likely meant, in ``symbols``' order:
    the unit itself where only spaces or case set it apart (``"元 "``, ``"Yuan"``), else
    those beginning with it (``"万"`` → 万元, 万户, 万人; ``"wan"`` → wan_yuan) and every one
    as near as the nearest, by the rule ids are suggested by (``near_words``)."""
    from okrdesk.near_words import close_matches  # only for a unit okrdesk does not know

    bare = written.strip()
    if bare in symbols:
        return [bare]
    alike = [s for s in symbols if s.casefold() == bare.casefold()]
    if alike:
        return alike
    shown = [s for s in symbols if _shown_in_english(s, bare.casefold())]
    if shown:  # the word an English report writes it with, copied from a listing
        return shown
    near = set(close_matches(bare, symbols))
    return [s for s in symbols if s in near or (bare and s.startswith(bare))]


def _shown_in_english(symbol: str, word: str) -> bool:
    """Whether okrdesk writes a figure in ``symbol`` with ``word`` in English (户 as
    "accts" or "acct", 分 as "pts"): the word a plugin's author reads in ``okrdesk
    plugins --lang en`` and may write as the unit, which is no unit's name."""
    count = _EN_COUNTS.get(symbol, "")
    if count and word in (count, _EN_ONE.get(count)):
        return True
    return _EN_OTHER.get(symbol, "") == word and word != symbol.casefold()


def did_you_mean_unit(written: str, symbols: Sequence[str]) -> tuple[str, str]:
    """`` (did you mean '万元', '万户' or '万人'?)`` in English and in Chinese, or two
    empty strings where no unit is written like ``written``."""
    return you_meant_units(close_units(written, symbols))


def you_meant_units(symbols: Sequence[str]) -> tuple[str, str]:
    """`` (did you mean '万元', '万户' or '万人'?)`` of ``symbols``, in English and in
    Chinese; two empty strings for none."""
    close = [repr(s) for s in symbols]
    if not close:
        return "", ""
    if len(close) == 1:
        return f" (did you mean {close[0]}?)", f"（是不是 {close[0]}？）"
    en = f"{', '.join(close[:-1])} or {close[-1]}"
    zh = f"{'、'.join(close[:-1])} 或 {close[-1]}"
    return f" (did you mean {en}?)", f"（是不是 {zh}？）"


class NoSuchUnit(KeyError):
    """``UNITS[symbol]`` of a symbol okrdesk does not know: a plugin's ``MetricSpec``
    fails at it, and its author is told the symbols there are, not a bare ``'accounts'``."""

    def __init__(self, symbol: str, symbols: Sequence[str] = ()) -> None:
        from okrdesk.errors import Said

        super().__init__(symbol)
        mean, mean_zh = did_you_mean_unit(symbol, symbols)
        self.said = Said(
            f"okrdesk.units.UNITS has no unit {symbol!r}{mean}; its units are {', '.join(symbols)}",
            f"okrdesk.units.UNITS 中没有计量单位 {symbol!r}{mean_zh}；"
            f"可用的有 {'、'.join(symbols)}",
        )

    def __str__(self) -> str:
        return self.said.en


class UnitTable(dict[str, UnitOfMeasure]):
    """The units by symbol: a dict, whose lookup of a symbol it lacks says which it has."""

    def __missing__(self, symbol: str) -> UnitOfMeasure:
        raise NoSuchUnit(str(symbol), list(self))


UNITS: dict[str, UnitOfMeasure] = UnitTable(_units())


def lookup(symbol: str) -> UnitOfMeasure | None:
    return UNITS.get(symbol)


def base_unit(dimension: Dimension) -> UnitOfMeasure:
    """The unit values of a dimension are stored in."""
    return next(u for u in UNITS.values() if u.dimension is dimension and u.factor == 1)


_SHORT_MONEY = {"万": "万元", "亿": "亿元"}

LARGEST_NUMBER = Decimal("1e15")
"""The largest figure okrdesk accepts from a command line, in base units: a
thousand trillion (千万亿) is beyond any branch, and far inside what a float
holds exactly enough to store."""

SMALLEST_STEP = Decimal("1e-12")

MOST_MONEY = 1e15
MOST_COUNT = 1e10
"""The largest figure a plugin may emit, in base units: money (元) at most 1e15 in one
figure, a count (and any part of a ratio but an amount of money) at most 1e10.

No brokerage's figure comes near: 1e15 元 is a thousand trillion yuan (千万亿), several
times China's yearly output and far above the client assets of the whole industry; 1e10
is ten billion, more people than are alive, so no count of clients, accounts or deals
can reach it. A figure past them is a plugin's mistake (a unit read as 分 for 元, a
column of ids summed), and stored it would roll up into every total above it."""


def most_in_one_figure(dimension: Dimension) -> float | None:
    """The bound (``MOST_MONEY``, ``MOST_COUNT``) on one figure of ``dimension``; None
    for a rate, a score or a multiple, which have none."""
    if dimension is Dimension.MONEY:
        return MOST_MONEY
    if dimension is Dimension.COUNT:
        return MOST_COUNT
    return None


class UnreadableFigure(ValueError):
    """A figure typed on the command line that okrdesk cannot take, and why; ``str()`` in
    English, ``said(lang)`` in the reader's language."""

    def __init__(self, why: str, **params: str) -> None:
        self.why, self.params = why, params
        super().__init__(self.said("en"))

    @staticmethod
    def in_language(error: ValueError, lang: str) -> str:
        """Why ``error`` refused a figure, in ``lang`` where it can say so."""
        return error.said(lang) if isinstance(error, UnreadableFigure) else str(error)

    def said(self, lang: str) -> str:
        words = _UNREADABLE[lang]
        params = dict(self.params)
        if "unit" in params:  # how to write a figure in the unit, in the same language
            params["say"] = words[f"say_{params['kind']}"].format(unit=params["unit"])
        return words[self.why].format(**params)


_UNREADABLE = {
    "en": {
        "commas": "{name}: commas only separate thousands, in groups of three (1,234,567); "
                  "write the number without them",
        "underscores": "{name}: underscores are not part of a number (1_5 could be 15 or "
                       "1.5); write the number without them",
        "not_number": "{name} is not a number",
        "not_number_in": "{name}: {written} is not a number",
        "not_finite": "{name} is not a finite number",
        "too_fine": "{name} is finer than okrdesk keeps ({step} in base units)",
        "too_large": "{name} is too large: okrdesk accepts figures up to {largest} in base "
                     "units (元, or a plain count)",
        "say_money_unit": "{name}: say the unit, for example 12万, 1.2亿 or 3500元",
        "wan_yi": "{name}: okrdesk writes no 万亿; write it in 亿 ({yi}亿)",
        "mismatch": "{name}: {symbol} does not go with {unit}; {say}",
        "not_money": "{name}: {symbol} is not money; use 元, 万 or 亿",
        "which_yuan": "{name}: this is kept in {kept}, where a bare {number} is "
                      "{number}{larger}, and the yuan sign says {number}元; say which: "
                      "{number} or {number}{larger} for {number}{larger}, {number}元 for "
                      "{number}元",
        "fraction": "{name}: a count has no fraction; write whole {symbol}",
        "other_count": "{name}: {symbol} counts something other than {own}; write it in "
                       "{own}",
        "say_money": "write it in {unit}, or as 12万, 1.2亿 or 3500元",
        "say_fraction": "write it in {unit}, or with % or ‰",
        "say_other": "write it in {unit}",
    },
    "zh": {
        "commas": "{name}：逗号只用来分隔千位，每三位一组（1,234,567）；请去掉逗号再写",
        "underscores": "{name}：数字中不能有下划线（1_5 可读作 15，也可读作 1.5）；请去掉再写",
        "not_number": "{name} 不是数字",
        "not_number_in": "{name}：{written} 不是数字",
        "not_finite": "{name} 不是有限的数",
        "too_fine": "{name} 比 okrdesk 保留的精度还细（以基本单位计 {step}）",
        "too_large": "{name} 太大：okrdesk 接受的数以基本单位（元，或纯计数）计最大 {largest}",
        "say_money_unit": "{name}：请写上单位，例如 12万、1.2亿 或 3500元",
        "wan_yi": "{name}：okrdesk 不用“万亿”；请以亿写（{yi}亿）",
        "mismatch": "{name}：{symbol} 与 {unit} 不是同一类单位；{say}",
        "not_money": "{name}：{symbol} 不是金额单位；请用 元、万 或 亿",
        "which_yuan": "{name}：此处以 {kept} 计，不带单位的 {number} 是 {number}{larger}，"
                      "而 ¥ 表示 {number}元，无法确定是哪一个：若是 {number}{larger}，请写 "
                      "{number} 或 {number}{larger}；若是 {number}元，请写 {number}元",
        "fraction": "{name}：{symbol} 是计数，不能有小数；请写整数",
        "other_count": "{name}：{symbol} 与 {own} 计的不是同一种对象；请以 {own} 写",
        "say_money": "请以 {unit} 写，或写成 12万、1.2亿、3500元",
        "say_fraction": "请以 {unit} 写，或用 % 或 ‰",
        "say_other": "请以 {unit} 写",
    },
}  # fmt: skip
"""Why a typed figure was refused, in each language (``UnreadableFigure``)."""


def parse_number(text: str, *, shown: str | None = None) -> Decimal:
    """A number as a person writes it: ``4.72``, ``1,234,567``, ``-3``, ``１２．５`` (full
    width, as a Chinese input method writes it), read by the rules a table's cells are
    (``okrdesk.written_numbers``). Commas only separate thousands (groups of three, the
    first without a leading zero), so ``1,2,3``, ``1,5`` or ``0,125`` is refused rather
    than read as 123, 15 or 125, and so is ``1_5`` (an underscore, which Python would
    drop) and a digit of another script; NaN and infinities are refused too. Messages
    name ``shown`` (the whole argument as typed), or else ``text``."""
    from decimal import InvalidOperation

    # Imported here: a report, which reads no figure typed, need not compile its patterns.
    from okrdesk.written_numbers import GROUPED, half_width

    name = _named(text if shown is None else shown)
    written = half_width(text).strip()
    if "_" in written:  # Decimal would read 1_5 as 15
        raise UnreadableFigure("underscores", name=name)
    if "," in written:
        if not re.fullmatch(GROUPED, written):
            raise UnreadableFigure("commas", name=name)
        written = written.replace(",", "")
    try:
        if not written.isascii():  # Decimal reads the digits of every script
            raise InvalidOperation
        number = Decimal(written)
    except InvalidOperation:
        if shown is None or shown.strip() == written:
            raise UnreadableFigure("not_number", name=name) from None
        raise UnreadableFigure("not_number_in", name=name, written=repr(written)) from None
    if not number.is_finite():
        raise UnreadableFigure("not_finite", name=name)
    return number


def _named(text: str) -> str:
    """The input as a message quotes it; a 400-digit argument is shortened."""
    if len(text) <= 40:
        return repr(text)
    return f"{text[:12]!r}…{text[-6:]!r} ({len(text)} characters)"


def parse_in(unit: UnitOfMeasure, text: str, *, shown: str | None = None) -> Decimal:
    """``text``, a number written in ``unit``, as a base value no larger than
    ``LARGEST_NUMBER`` and no finer than ``SMALLEST_STEP``."""
    number = parse_number(text, shown=shown)
    name = _named(text if shown is None else shown)
    # Judged on the exponent before any arithmetic: 1e999999999 overflows a Decimal product.
    if number != 0 and number.adjusted() > LARGEST_NUMBER.adjusted() + 8:
        raise _too_large(name)
    if number != 0 and number.adjusted() < SMALLEST_STEP.adjusted() - 8:
        raise _too_fine(name)
    base = unit.to_base(number)
    if abs(base) > LARGEST_NUMBER:
        raise _too_large(name)
    if base != 0 and abs(base) < SMALLEST_STEP:
        raise _too_fine(name)
    return base


def _too_fine(name: str) -> ValueError:
    return UnreadableFigure("too_fine", name=name, step=f"{SMALLEST_STEP:f}")


def _too_large(name: str) -> ValueError:
    return UnreadableFigure("too_large", name=name, largest=f"{LARGEST_NUMBER:,.0f}")


def parse_money(text: str) -> Decimal:
    """``12万``, ``12.5万元``, ``1.2亿``, ``3500元`` → 元, exactly. A bare number is refused,
    so nobody records 12元 while meaning 12万."""
    return parse_quantity(None, text)


_SUFFIXES = sorted((*(s for s in UNITS if s != "x"), *_SHORT_MONEY), key=len, reverse=True)
_SCALES = {"万": Decimal(10**4), "亿": Decimal(10**8)}


def _suffix_of(text: str) -> tuple[str | None, str]:
    """The unit written after the number, if any, and the number before it."""
    for symbol in _SUFFIXES:
        number = text[: -len(symbol)].strip()
        if text.endswith(symbol) and number:
            return symbol, number
    return None, text


TOML_NUMBER = (  # compiled by re when first used: only mistaken target files need it
    r"[+-]?(?:0|[1-9](?:_?[0-9])*)(?:\.[0-9](?:_?[0-9])*)?(?:[eE][+-]?[0-9](?:_?[0-9])*)?"
)
"""A decimal number as TOML writes one (no leading zeros, an underscore only between
digits)."""


def without_separators(text: str) -> str | None:
    """``text``, a number written with thousands separators (``1,234.5``), without them;
    None for anything else."""
    from okrdesk.written_numbers import GROUPED

    written = text.strip()
    plain = written.replace(",", "")
    grouped = re.fullmatch(GROUPED, written) and re.fullmatch(TOML_NUMBER, plain)
    return plain if grouped else None


def without_myriad_commas(text: str) -> str | None:
    """``text``, a number grouped by four digits the way 万 and 亿 group a figure
    (``45,0000`` is 45万), without its commas; None for anything else."""
    written = text.strip()
    if re.fullmatch(r"[+-]?[1-9]\d{0,3}(?:,\d{4})+(?:\.\d+)?", written) is None:
        return None
    return written.replace(",", "")


def plain_figures(text: str) -> list[tuple[str, str]] | None:
    """For a figure written with its unit the way a person says it (``15亿``, ``27%``,
    ``1.2万户``), the plain numbers a target file takes instead, for each unit of its kind
    it may be written in there, largest first: ``15亿`` is 15 for 亿元, 150000 for 万元
    and 1500000000 for 元; ``5000万`` (money or a count) 0.5 for 亿元, 5000 for 万元 or
    万户, 50000000 for 元 or 户; ``70%`` 0.7 for a fraction, 70 for % and 700 for ‰.
    Thousands separators are taken (``1,500万``), and full-width characters as a Chinese
    input method types them (``１５亿``, ``７０％``). None when ``text`` is anything else."""
    from okrdesk.written_numbers import half_width

    symbol, number = _suffix_of(half_width(text).strip())
    number = without_separators(number) or number
    if symbol is None or not re.fullmatch(TOML_NUMBER, number):
        return None
    own = _SCALES.get(symbol) or UNITS[symbol].factor
    base = Decimal(number.replace("_", "")) * own
    if symbol == "万":  # alone: money, or a count of clients
        kinds = [("亿元", _SCALES["亿"]), ("万元 or 万户", own), ("元 or 户", Decimal(1))]
    elif symbol == "亿" or UNITS[symbol].dimension is Dimension.MONEY:
        kinds = [(u, UNITS[u].factor) for u in ("亿元", "万元", "元")]
    elif UNITS[symbol].dimension is Dimension.FRACTION:
        kinds = [("a fraction", Decimal(1)), ("%", Decimal("0.01")), ("‰", Decimal("0.001"))]
    elif UNITS[symbol].dimension is Dimension.COUNT:
        one = symbol.removeprefix("万")
        kinds = [(f"万{one}", _SCALES["万"]), (one, Decimal(1))]
    else:
        kinds = [(symbol, own)]
    return [
        (_plain(base / factor), unit)
        for unit, factor in kinds
        # 0.0004亿元 is no way to write 4万: a unit that needs the figure that small is left
        # out (the one it was written in, and a fraction, never).
        if factor == own or unit == "a fraction" or abs(base / factor) >= Decimal("0.01")
    ]


def _plain(value: Decimal) -> str:
    """``value`` as a plain TOML number: no exponent, no trailing zeros."""
    return f"{value.normalize():f}"


def parse_quantity(unit: UnitOfMeasure | None, text: str) -> Decimal:
    """The one parser for a figure a person types on the command line, as a base value.

    A bare number is in ``unit`` (a key result's own unit: 4.72 on a 亿元 result is
    4.72亿元). A unit written after it is converted when it measures the same thing:
    ``2.2亿``, ``3500元`` or ``12万`` for money, ``27%`` or ``0.15‰`` for a rate,
    ``1.2万户`` for a count; 万 and 亿 also scale a count (``1.2万`` 户 is 12,000 户).
    ``unit`` None means money whose unit must be written. Money may be written after
    ``¥`` or ``￥`` as a branch writes it (``￥120万``; ``¥3,500`` alone is in 元, grouped by
    thousands as yuan are written; ``¥12`` for a ``unit`` of 万元 or 亿元, where a bare 12
    is 12万, is refused as either 12元 or 12万, as a target file refuses it). A count
    takes its own word alone (``7户`` or ``1.2万户`` for 户, never ``7人``: people are not
    households). Thousands separators and negative numbers are taken; a count has no
    fraction. Raises ValueError with the message to show.
    """
    from okrdesk.written_numbers import half_width

    name = _named(text)
    yuan, written = _after_yuan(half_width(text).strip())
    symbol, number = _suffix_of(written)
    # 1.64亿户 and 1,200万单, as the report writes a large count: 亿 or 万 before its word.
    scale = Decimal(1)
    counted = UNITS.get(symbol or "")
    one_word = counted is not None and counted.dimension is Dimension.COUNT and counted.factor == 1
    if one_word and number[-1:] in _SCALES and number[:-1].strip():
        scale, number = _SCALES[number[-1]], number[:-1].strip()
    if yuan:
        if unit is not None and unit.dimension is not Dimension.MONEY:
            raise _mismatch(name, "¥", unit)
        if symbol is None and unit is not None and unit.factor > 1 and "," not in number:
            # ¥12 where a bare 12 is 12万: the sign says 元, the manager most likely 万.
            larger = unit.symbol.removesuffix("元")
            raise UnreadableFigure("which_yuan", name=name, number=number.strip(),
                                   kept=unit.symbol, larger=larger)  # fmt: skip
        if symbol is None:
            symbol = "元"
        elif _SHORT_MONEY.get(symbol, symbol) not in UNITS or (
            UNITS[_SHORT_MONEY.get(symbol, symbol)].dimension is not Dimension.MONEY
        ):
            raise UnreadableFigure("not_money", name=name, symbol=symbol)
    if symbol in ("亿", "亿元") and number.endswith("万"):
        # 3.5万亿, read as 亿 of "3.5万", was told only that 3.5万 is no number.
        try:
            yi = parse_number(number[:-1].strip()) * 10_000
        except ValueError:
            yi = None
        if yi is not None:
            raise UnreadableFigure("wan_yi", name=name, yi=f"{yi.normalize():,f}")
    if symbol is None:
        if unit is None:
            raise UnreadableFigure("say_money_unit", name=name)
        written_in = unit
    elif unit is not None and unit.dimension is not Dimension.MONEY and symbol in _SCALES:
        if unit.dimension is not Dimension.COUNT:
            raise _mismatch(name, symbol, unit)
        # 1.2万 is 12,000 of what is counted, on a 万户 key result too (not 1.2亿户).
        one = UNITS.get(_counted(unit), unit) if unit.symbol.startswith("万") else unit
        written_in = UnitOfMeasure(one.symbol, one.dimension, one.factor * _SCALES[symbol])
    else:
        written_in = UNITS[_SHORT_MONEY.get(symbol, symbol)]
        if unit is None and written_in.dimension is not Dimension.MONEY:
            raise UnreadableFigure("not_money", name=name, symbol=symbol)
        if unit is not None and written_in.dimension is not unit.dimension:
            raise _mismatch(name, symbol, unit)
        if (
            unit is not None
            and unit.dimension is Dimension.COUNT
            and (_counted(written_in) != _counted(unit))
        ):
            raise UnreadableFigure("other_count", name=name, symbol=symbol, own=unit.symbol)
        written_in = UnitOfMeasure(written_in.symbol, written_in.dimension,
                                   written_in.factor * scale)  # fmt: skip
    base = parse_in(written_in, number, shown=text)
    if written_in.dimension is Dimension.COUNT and base != base.to_integral_value():
        raise UnreadableFigure("fraction", name=name, symbol=written_in.symbol)
    return base


def read_as_yuan(unit: UnitOfMeasure, text: str, base: Decimal, lang: str) -> str:
    """What to say of ``text`` typed after ``¥`` alone on a figure in 万元 or 亿元, which
    ``parse_quantity`` read as yuan, ``base`` (¥3,500 is 3,500元, where a bare 3500 is
    3,500万), so that the reading is not missed; "" for any other figure."""
    from okrdesk.written_numbers import half_width

    yuan, written = _after_yuan(half_width(text).strip())
    if not yuan or unit.dimension is not Dimension.MONEY or unit.factor <= 1:
        return ""
    if _suffix_of(written)[0] is not None:
        return ""
    typed, bare = text.strip(), _plain(base)
    yuan_places = 0 if base == base.to_integral_value() else 2
    in_yuan = figure(base, yuan_places, keep=yuan_places)
    if lang == "en":
        return (f" {typed} is read as yuan: CNY {in_yuan} = {en_money(base)}; {bare} alone "
                f"is {en_money(base * unit.factor)} here.")  # fmt: skip
    # Exact, as typed: 3,500.5元 = 0.35005万, and a bare 3500.5 is 3,500.5万, not 3,501万.
    larger = unit.symbol.removesuffix("元")
    return (f"{typed} 按元计：{in_yuan}元 = {figure(base / ZH_WAN, _places_of(base / ZH_WAN))}"
            f"万；只写 {bare} 则是 {figure(base, _places_of(base))}{larger}。")  # fmt: skip


def _places_of(value: Decimal) -> int:
    """The decimals ``value`` has, as far as the sixth."""
    exponent = value.normalize().as_tuple().exponent
    return min(6, max(0, -exponent)) if isinstance(exponent, int) else 0


def _after_yuan(text: str) -> tuple[bool, str]:
    """Whether ``text`` is written after ``¥`` (``¥120万``, ``-¥30``, ``¥-30``), and the
    figure without it."""
    sign, rest = (text[0], text[1:]) if text[:2] in ("-¥", "+¥") else ("", text)
    if not rest.startswith("¥"):
        return False, text
    return True, sign + rest[1:].strip()


def _counted(unit: UnitOfMeasure) -> str:
    """What a count counts: 户 for 户 and 万户 alike."""
    return unit.symbol.removeprefix("万")


def _mismatch(name: str, symbol: str, unit: UnitOfMeasure) -> UnreadableFigure:
    """A unit typed that does not measure what ``unit`` does, with how to write it."""
    kind = {Dimension.MONEY: "money", Dimension.FRACTION: "fraction"}.get(unit.dimension, "other")
    return UnreadableFigure("mismatch", name=name, symbol=symbol, unit=unit.symbol, kind=kind)


def format_in(unit: UnitOfMeasure, base_value: float | Decimal | None, digits: int = 2) -> str:
    """A base value shown in ``unit``: 1.5e9 in 亿元 → '15 亿元'; half-up, at most ``digits``
    decimals."""
    if base_value is None:
        return "no data"
    shown = half_up(Decimal(str(base_value)) / unit.factor, digits)
    text = _grouped(shown)
    return f"{text}{unit.symbol}" if unit.symbol in ("%", "‰") else f"{text} {unit.symbol}"


# ---------------------------------------------------------------- display rule
# One rule for every figure a person reads (docs/report.md, "Digits and rounding"):
# round half-up on the exact decimal value, keeping four significant digits but
# never more than two decimals, and drop the zeros a manager would not write.
# What is written depends on the figure's value alone (``typed``: a float and a
# Decimal are kept apart), so each figure is written once per process: a report
# writes the same figures again as it measures its tables. ``figure`` itself keeps
# nothing: it is given Decimals made for it (an amount in 万), whose hash costs as
# much as writing them.

SIGNIFICANT = 4
MAX_PLACES = 2


def exact(value: float | Decimal) -> Decimal:
    """The decimal a float stands for as Python prints it (0.1 → 0.1, not 0.1000…0555)."""
    return value if isinstance(value, Decimal) else Decimal(repr(float(value)))


def half_up(value: float | Decimal, places: int) -> Decimal:
    """``value`` rounded half-up to ``places`` decimals (2.345 → 2.35, never 2.34)."""
    step = _STEPS.get(places)
    if step is None:
        step = _STEPS[places] = Decimal(1).scaleb(-places)
    # The rounding passed by position: by keyword, every figure's rounding builds a dict.
    return exact(value).quantize(step, ROUND_HALF_UP)


_STEPS: dict[int, Decimal] = {}
"""What ``half_up`` rounds to, by its places (0.01 for 2), made once each, not for every
figure: a report rounds a thousand."""


def places_for(value: float | Decimal) -> int:
    """How many decimals keep four significant digits, at most two: 5.882 → 2, 108.68 → 1."""
    magnitude = abs(exact(value))
    if magnitude >= 1000:
        return 0
    if magnitude >= 100:
        return 1
    return MAX_PLACES


def _grouped(value: Decimal, keep: int = 0) -> str:
    """Thousands separators; trailing zeros dropped down to ``keep`` decimals; never -0."""
    text = f"{value:,f}"
    if "." in text:
        whole, fraction = text.split(".")
        fraction = fraction.rstrip("0").ljust(keep, "0")
        text = f"{whole}.{fraction}" if fraction else whole
    if text.lstrip("-").strip("0.,") == "":
        text = text.lstrip("-")
    return text


def figure(value: float | Decimal, places: int | None = None, keep: int = 0) -> str:
    """A plain number by the display rule: 1,234 · 108.7 · 56.25 · 5.88 · 0.15.

    ``places`` fixes the decimals (0 for whole counts); ``keep`` is the fewest shown
    (1 for attainment, so 80.0% says it was computed, not typed).
    """
    chosen = places_for(value) if places is None else places
    return _grouped(half_up(value, chosen), min(keep, chosen))


@functools.lru_cache(maxsize=4096, typed=True)
def percentage(fraction: float | Decimal, keep: int = 1, *, exact_share: bool = True) -> str:
    """A fraction as a percentage by the display rule: 0.5625 → 56.25%, 0.8 → 80.0%,
    0.72549 → 72.5%, 0.05882 → 5.88%.

    ``exact_share=False`` for an average such as a score, which is never a share of
    counts: three significant digits always (0.9125 → 91.3%, beside 91.4% in a
    ranking), where a share exact in two decimals would keep them.
    """
    value = exact(fraction) * 100
    places = _percent_places(value, exact_share=exact_share)
    return figure(value, max(keep, places), keep=keep) + "%"


def shown_places(fraction: float | Decimal, keep: int = 1) -> int:
    """The decimals ``percentage`` writes ``fraction`` with (0.72549 → 1, for 72.5%)."""
    return max(keep, _percent_places(exact(fraction) * 100))


@functools.lru_cache(maxsize=4096, typed=True)
def in_percent(value: float | Decimal) -> str:
    """A figure already in percent (or points of percent) by the percentage rule. One
    rounded keeps its last decimal, so it reads as computed (0.71014 → 71.0, not 71 as
    if typed); one exact drops its zeros (71)."""
    shown = exact(value)
    places = _percent_places(shown)
    return figure(shown, places, keep=places if half_up(shown, places) != shown else 0)


def _percent_places(value: Decimal, *, exact_share: bool = True) -> int:
    """Three significant digits, at most two decimals; but a share that is exact in
    two decimals or fewer (18 of 32 is 56.25%) is shown exactly."""
    settled = half_up(value, 9).normalize()
    decimals = max(0, -int(settled.as_tuple().exponent))
    # Not from 1,000% up, where two decimals would make six digits: 2,325.29% beside
    # 2,327.6% in one column; a manager writes 2,325.3%.
    if decimals <= MAX_PLACES and (exact_share or decimals <= 1) and abs(value) < 1000:
        return decimals
    if abs(value) >= 10:
        return 1
    if half_up(value, MAX_PLACES) or not value:
        return MAX_PLACES
    # A rate too small for two decimals is no 0: a limit of 0.001‰ reads 0.001‰, not
    # 0.00‰, with the two digits that tell it apart (as money falls back to 元).
    return min(SMALLEST_PLACES, 1 - settled.adjusted())


SMALLEST_PLACES = 6
"""The most decimals a percentage (or ‰) takes, for a rate too small for two."""


_EN_COUNTS = {
    "户": "accts", "人": "people", "单": "deals", "场": "events", "个": "items", "笔": "txns",
    "次": "times", "家": "firms", "count": "", "万户": "accts", "万人": "people",
}  # fmt: skip
_EN_ONE = {"accts": "acct", "people": "person", "deals": "deal", "events": "event",
           "items": "item", "txns": "txn", "times": "time", "firms": "firm"}  # fmt: skip
_EN_OTHER = {"分": "pts", "points": "pts", "倍": "x", "x": "x", "个/户": "per client",
             "per_client": "per client"}  # fmt: skip


def in_points(unit: UnitOfMeasure) -> bool:
    """A change of a rate written in percentage points (百分点, pct), not the rate itself."""
    return unit.symbol in POINTS


def is_percent(unit: UnitOfMeasure) -> bool:
    """A rate written in percent (or in points of percent), whose changes are points."""
    return unit.dimension is Dimension.FRACTION and not _permille(unit)


def _permille(unit: UnitOfMeasure) -> bool:
    return unit.factor == Decimal("0.001")


_SHORT_ENGLISH: ContextVar[bool] = ContextVar("short_english", default=False)


@contextmanager
def short_english_figures() -> Iterator[None]:
    """Within it, English figures are written in the short forms the English text report
    writes, as a branch reads them beside 40.27亿 and 1.65个/户 in the Chinese one: the
    yuan as ¥ (¥4,027m for CNY 4,027m, -¥478k, under ¥0.01; a cost of so much a yuan
    "per yuan", not "per CNY"), a count per client as /client (1.65/client for 1.65 per
    client). English unit words are wider than Chinese ones, and at 80 columns the long
    forms cost the demo's tables a column their Chinese ones show. Every writer of an
    English figure here asks for them (``yuan``); the other formats, ``explain`` and the
    messages, written outside it, keep CNY."""
    token = _SHORT_ENGLISH.set(True)
    try:
        yield
    finally:
        _SHORT_ENGLISH.reset(token)


def yuan(amount: str) -> str:
    """``amount``, a figure of yuan written in English (``4,027m``, ``0.01``), with the
    yuan's mark: ``CNY 4,027m``, or ``¥4,027m`` in ``short_english_figures``."""
    return f"¥{amount}" if _SHORT_ENGLISH.get() else f"CNY {amount}"


def written(
    unit: UnitOfMeasure,
    base: float | Decimal | None,
    lang: str,
    *,
    whole: bool = False,
    points: bool = False,
) -> str:
    """A base value (元, count, fraction) as a manager writes it in ``unit`` for ``lang``.

    Money: in zh in the unit's own scale without 元 after 万/亿 (45亿, 2,018万, 5,914元),
    but an amount under 1亿 of a unit in 亿 in 万 (9,306万, not 0.93亿), and one of 1万
    or more of a unit in 元 in 万 or 亿 (2.17亿, not 217,262,978元);
    in en "CNY 784.6m" for a unit of 万元 or 亿元, but as ``money`` under CNY 1m (CNY
    10k, not CNY 0.01m) and for 元; as ``money`` too an amount that would read 0 in the
    unit's scale (9万, not 0亿), and a zero, which has no scale (0元, CNY 0; a count's,
    0户, not 0万户). Counts carry their
    unit in both languages and, with ``whole``, are rounded half-up to whole ones;
    without, they keep the hundredths they need (82.5人, 1,234.5人: a split credit's
    half, which four significant digits would round away), in 万户 the display rule's.
    ``points``: the value is a difference of two rates, in 百分点 / pp.
    """
    short = lang == "en" and _SHORT_ENGLISH.get()
    return _written(unit, base, lang, whole, points, short)


@functools.lru_cache(maxsize=4096, typed=True)
def _written(
    unit: UnitOfMeasure,
    base: float | Decimal | None,
    lang: str,
    whole: bool,
    points: bool,
    short: bool,
) -> str:
    """``written``, kept for each figure and each form of English (``short``: in
    ``short_english_figures``, which the text report writes in)."""
    if base is None:
        return "—"
    value = exact(base)
    if unit.dimension is Dimension.MONEY:
        return _money_in(unit, value, lang)
    shown = in_written_scale(unit, value)
    if unit.dimension is Dimension.FRACTION:
        if points or unit.symbol in POINTS:
            return f"{in_percent(shown)}百分点" if lang == "zh" else f"{in_percent(shown)} pp"
        return f"{in_percent(shown)}{'‰' if _permille(unit) else '%'}"
    if unit.dimension is Dimension.COUNT:
        # A target in 万户 keeps its own scale in Chinese; English has no such unit.
        if abs(value) >= COUNT_IN_FULL_BELOW and (unit.factor == 1 or lang == "en"):
            return _large_count(unit, value, lang)
        if lang == "en":
            text = figure(value, 0 if whole else MAX_PLACES)
            label = _EN_COUNTS.get(unit.symbol, "")
            label = _EN_ONE.get(label, label) if text in ("1", "-1") else label
            return f"{text} {label}".strip()
        # In 万户 a count is rounded as a large one is (1.50万户 beside 1.33万户).
        text = (figure(shown, 0 if whole else MAX_PLACES) if unit.factor == 1
                else rounded_figure(shown)) + _zh_count_word(unit)  # fmt: skip
        single = UNITS.get(unit.symbol.removeprefix("万"))
        if (
            unit.factor != 1
            and not shows_a_digit(text)
            and single is not None
            and single.factor == 1
        ):
            return written(single, value, lang, whole=whole)  # 45户 of 万户, not 0万户; 0户
        return text
    if lang == "en":
        label = _EN_OTHER.get(unit.symbol, unit.symbol)
        if short and label == "per client":
            return f"{figure(shown)}/client"
        return f"{figure(shown)}{label}" if label == "x" else f"{figure(shown)} {label}"
    return figure(shown) + unit.symbol


def in_written_scale(unit: UnitOfMeasure, value: Decimal) -> Decimal:
    """A base value in the scale ``written`` shows it in, money and large counts aside:
    a rate of ``ratio`` or ``fraction`` in percent, anything else in its unit's own."""
    if unit.dimension is Dimension.FRACTION and unit.symbol in ("ratio", "fraction"):
        return value * 100
    return value / unit.factor


def shown_rate(unit: UnitOfMeasure, base: float | Decimal) -> Decimal:
    """A rate as ``written`` rounds it, back in the base (a fraction): 0.0016452 in ‰ is
    shown 1.65‰, so 0.00165."""
    scale = in_written_scale(unit, Decimal(1))
    shown = in_written_scale(unit, exact(base))
    return half_up(shown, _percent_places(shown)) / scale


COUNT_IN_FULL_BELOW = Decimal(10**6)
"""From a million up a count is written as a head office writes it, in 万 or 亿 (1,638万户,
1.64亿户; 16.38m accts), not 16,375,452户: a branch's counts stay whole and in full."""


def _large_count(unit: UnitOfMeasure, value: Decimal, lang: str) -> str:
    """A count of a million or more in 万 or 亿 (millions in English), rounded as an
    amount of money is: 16.40m accts beside 16.38m accts, 2.5m accts as set."""
    if lang == "en":
        label = _EN_COUNTS.get(unit.symbol, "")
        return f"{rounded_figure(value / EN_MILLION)}m {label}".strip()
    wan = rounded_figure(value / ZH_WAN)
    if abs(value) >= ZH_YI or _reaches_ten_thousand(wan):
        return f"{rounded_figure(value / ZH_YI)}亿{_zh_count_word(unit)}"
    return f"{wan}万{_zh_count_word(unit)}"


def count_word(unit: UnitOfMeasure, lang: str) -> str:
    """What follows a count of several in ones of ``unit``, as ``written`` writes it:
    户 for 户 and 万户 alike, " accts"; nothing for a plain ``count``."""
    if lang == "en":
        label = _EN_COUNTS.get(unit.symbol, "")
        return f" {label}" if label else ""
    return _zh_count_word(UNITS.get(unit.symbol.removeprefix("万"), unit))


def _zh_count_word(unit: UnitOfMeasure) -> str:
    """户, 人, 单 after a count in Chinese; nothing for a plain ``count`` (12, not 12count)."""
    return "" if unit.symbol == "count" else unit.symbol


def said_back(unit: UnitOfMeasure, base_value: float | Decimal, lang: str) -> str:
    """A figure a command tells a person it wrote or will hold them to (a share a split
    writes, a target a warning names), in the report's words: in Chinese in ``unit``'s
    own scale to the 0.01 the file keeps, or to the 0.0001 where it keeps one (a share of
    0.6667万户, 6,667 clients), so that a split's shares add up as written to its total,
    with the unit the way the report writes it after a figure (4.3亿, 0.2亿, 3,705.37万,
    34户, 60分), never the target file's ``4.3 亿元`` or ``34 户``, and a zero as the report
    writes one (0元, not 0亿); in English as the report gives figures (CNY 430m, 34 accts,
    0.1 pp), not 亿元, 户 or 百分点."""
    if lang == "zh" and base_value:
        value = exact(base_value) / unit.factor
        exponent = value.normalize().as_tuple().exponent
        places = min(max(-exponent if isinstance(exponent, int) else 0, 2), 4)
        shown = _grouped(half_up(value, places))
        return f"{shown}{_zh_after_figure(unit)}"
    return written(unit, base_value, lang, whole=unit.dimension is Dimension.COUNT)


def _zh_after_figure(unit: UnitOfMeasure) -> str:
    """What the report writes after a figure in ``unit``: 亿 and 万 without 元, a count's
    word (户; nothing for a plain count), else the unit's symbol."""
    if unit.dimension is Dimension.MONEY and unit.symbol in ("万元", "亿元"):
        return unit.symbol[0]
    if unit.dimension is Dimension.COUNT:
        return _zh_count_word(unit)
    return unit.symbol


def per_one(unit: UnitOfMeasure) -> str:
    """One of ``unit`` in English, as a cost per result names it after "per": in the
    words the unit's figures carry, in the singular (CNY 100m, acct, 10k accts, pp, pt),
    never the target file's symbol (万户, 分)."""
    if unit.dimension is Dimension.MONEY:
        if unit.factor == 1:  # a cost of so much a yuan: per CNY, per yuan where ¥ is
            return "yuan" if _SHORT_ENGLISH.get() else "CNY"
        return yuan({10**4: "10k", 10**8: "100m"}[int(unit.factor)])
    if unit.dimension is Dimension.COUNT:
        word = _EN_COUNTS.get(unit.symbol, "") or "items"
        return f"10k {word}" if unit.factor == 10**4 else _EN_ONE.get(word, word)
    if unit.dimension is Dimension.FRACTION:
        return "‰" if _permille(unit) else "pp" if unit.factor == Decimal("0.01") else "100 pp"
    if unit.dimension is Dimension.SCORE:
        return "pt"
    return f"1{written(unit, 1, 'en').removeprefix('1')}"  # 1x, 1 per client


def cost_written(amount: float | Decimal, unit: UnitOfMeasure, lang: str) -> str:
    """What one of ``unit`` cost, ``amount`` yuan, as a cost per result is written:
    ``9.26万/亿元``, ``CNY 5.07k per acct`` (``¥5.07k per acct`` in the text report)."""
    shown = money(amount, lang)
    return f"{shown}/{unit.symbol}" if lang == "zh" else f"{shown} per {per_one(unit)}"


def unit_word(unit: UnitOfMeasure, lang: str) -> str:
    """The unit on its own, as a column of figures names it: in Chinese as the target
    files write it (亿元, 户, 百分点); in English the word the figures carry (CNY, accts,
    %, pp, pts, per client)."""
    if lang == "zh":
        return unit.symbol
    if unit.dimension is Dimension.MONEY:
        return "CNY"
    if unit.dimension is Dimension.FRACTION:
        return "pp" if unit.symbol in POINTS else "‰" if _permille(unit) else "%"
    if unit.dimension is Dimension.COUNT:
        return _EN_COUNTS.get(unit.symbol, "") or "count"
    return _EN_OTHER.get(unit.symbol, unit.symbol)


def _money_in(unit: UnitOfMeasure, value: Decimal, lang: str) -> str:
    if not value:
        # Nothing is no amount in 亿 or millions: a target of none reads 0元, CNY 0, as a
        # branch writes it, not 0亿 or CNY 0m, which read as a figure rounded away.
        return money(value, lang)
    if lang == "en":
        if unit.factor == 1 or (value and abs(value) < EN_MILLION):
            return en_money(value)  # CNY 10k, not "CNY 0.01m", as 9,306万 in Chinese
        text = yuan(f"{rounded_figure(abs(value) / EN_MILLION)}m")
        return f"-{text}" if value < 0 else text
    if unit.factor == ZH_YI and value and abs(value) < ZH_YI:
        # Under 1亿 a branch writes 万: 9,306万 beside 9,260万, not 0.93亿 twice.
        return money(value, lang)
    if unit.factor == 1 and (abs(value) >= ZH_WAN or _reaches_ten_thousand(figure(value))):
        # A target set in 元 does not make 2.17亿 read as 217,262,978元: from 1万 up a
        # branch writes 万 and 亿, as English writes CNY 217.3m for the same row.
        return money(value, lang)
    suffix = {Decimal(1): "元", Decimal(10**4): "万", Decimal(10**8): "亿"}[unit.factor]
    shown = value / unit.factor
    # From 100元 up a branch writes whole yuan (888元, as CNY 888), not 887.7元.
    whole = unit.factor == 1 and abs(shown) >= 100
    text = rounded_figure(shown, 0 if whole else None) + suffix
    # An amount too small for the unit's two decimals is no 0: 40万, not "0亿".
    return money(value, lang) if value and not shows_a_digit(text) else text


def rounded_figure(value: Decimal, places: int | None = None) -> str:
    """A figure in the scale it is written in (an amount in 亿, 万, millions, thousands or
    yuan; a count in 万, 亿 or millions; a finer step of ``figures_apart``), by the display
    rule (``places`` where given), as a branch writes money: one rounded to its places
    keeps them, a zero too (¥84.70m beside ¥83.29m, ¥535.0m beside ¥532.6m, 1.50亿 beside
    1.33亿, 16.40m accts beside 16.38m accts), so that the computed figures of a row or a
    column end on the same digit; one exact in fewer is written as it is (a target of
    4.5亿, ¥100m, 12.5元, 2.5m accts), as a percentage is (``in_percent``)."""
    chosen = places_for(value) if places is None else places
    rounded = half_up(value, chosen)
    if places is None and places_for(rounded) < chosen:  # 99.996 is 100.0, four digits
        chosen = places_for(rounded)
        rounded = half_up(value, chosen)
    exact_in_fewer = rounded == half_up(value, 9)  # a float sum's dust is no rounding
    return _grouped(rounded, 0 if exact_in_fewer else chosen)


def shows_a_digit(text: str) -> bool:
    """Whether a written figure shows a digit other than 0."""
    return any(c in "123456789" for c in text)


ZH_YI = Decimal(10**8)
ZH_WAN = Decimal(10**4)
EN_MILLION = Decimal(10**6)
EN_THOUSAND = Decimal(10**3)


def money(base: float | Decimal | None, lang: str) -> str:
    """An amount on its own (a budget line, a cost): the form documented for ``lang``.

    zh: 亿 from 1亿 up, 万 from 1万 up, 元 below (899万, 21.09亿, 5,914元), to the fen
    under 100元 (0.88元) and never 0元 for an amount that is not (不到 0.01元);
    en: CNY millions from CNY 1m up, thousands from CNY 1k up, yuan below (CNY 8.99m,
    CNY 600k, CNY 5.91k, CNY 800, CNY 0.88).
    """
    if base is None:
        return "—"
    value = exact(base)
    if lang == "en":
        return en_money(value)
    if abs(value) >= ZH_YI:
        return f"{rounded_figure(value / ZH_YI)}亿"
    if abs(value) >= ZH_WAN:
        wan = rounded_figure(value / ZH_WAN)
        # Rounded up to 10,000万 is 1亿: the scale is chosen as the figure is written.
        return f"{rounded_figure(value / ZH_YI)}亿" if _reaches_ten_thousand(wan) else f"{wan}万"
    yuan = _yuan(value)
    if _reaches_ten_thousand(yuan):
        return f"{rounded_figure(value / ZH_WAN)}万"
    return f"{yuan}元" if shows_a_digit(yuan) or not value else "不到 0.01元"


def money_exactly(amount: Decimal, lang: str) -> str:
    """An amount as it is kept, every digit of it, in the scales ``money`` writes: in
    Chinese 亿 from 1亿 up, 万 from 1万 up, 元 below; in English CNY millions, thousands,
    yuan. A scale is taken only where the amount is written in it with two decimals at
    most, else the next one down: 35,005,000元 is 3,500.5万 and CNY 35,005k, never the
    3,501万 or CNY 35.01m ``money`` rounds it to; 3,500元 is 3,500元, not 0.35万; yuan
    keep their fen (3,500.50元). What a person is told a command stored (a check-in, a
    ledger entry), so that what they check is what was stored."""
    size, sign = abs(amount), "-" if amount < 0 else ""
    english = lang == "en"
    scales = ((EN_MILLION, "m"), (EN_THOUSAND, "k")) if english else ((ZH_YI, "亿"), (ZH_WAN, "万"))
    for scale, mark in scales:
        scaled = size / scale
        if size >= scale and scaled == half_up(scaled, MAX_PLACES):
            places = next(p for p in (0, 1, 2) if scaled == round(scaled, p))
            shown = figure(scaled, places) + mark
            break
    else:
        fen = 0 if size == size.to_integral_value() else max(MAX_PLACES, _places_of(size))
        shown = figure(size, fen, keep=fen) + ("" if english else "元")
    return f"{sign}CNY {shown}" if english else f"{sign}{shown}"


def ledger(base: float | Decimal | None, lang: str) -> str:
    """An amount in a budget table, where a line's amount, spent and left are read
    together and should add up as written, in one unit however large: in Chinese in
    万 to the hundred yuan from 1万 up (427.76万, 12,345.68万), in English in whole
    thousands from CNY 500 up (CNY 4,278k); in yuan below.

    ``money``'s four significant digits would write 4,277,600 as 427.8万 beside an
    amount of 380万 and -47.76万 left; the hundred yuan keeps 427.76万."""
    if base is None:
        return "—"
    value = ledger_amount(base, lang)
    if lang == "en":
        size = abs(value)
        text = yuan(f"{figure(size / EN_THOUSAND, 0)}k" if size >= EN_THOUSAND else figure(size, 0))
        return f"-{text}" if value < 0 else text
    if abs(value) < ZH_WAN:
        return f"{figure(value, 0)}元"
    wan = value / ZH_WAN  # to the hundred yuan: two places, 59.60万 beside 427.76万
    return f"{figure(wan, 2, keep=0 if wan == wan.to_integral_value() else 2)}万"


def ledger_amount(base: float | Decimal, lang: str) -> Decimal:
    """The amount ``ledger`` writes, in yuan: ``base`` rounded half-up to the hundred
    yuan (Chinese, from 1万 up) or the thousand (English, from CNY 500 up), else to the
    yuan. The written figures of a table can thus be added up as a reader would."""
    value = exact(base)
    if lang == "en":
        thousands = half_up(abs(value) / EN_THOUSAND, 0)
        size = thousands * EN_THOUSAND if thousands else half_up(abs(value), 0)
        return -size if value < 0 else size
    yuan = half_up(value, 0)
    if abs(yuan) < ZH_WAN:
        return yuan
    return half_up(value / ZH_WAN, 2) * ZH_WAN


def _yuan(value: Decimal) -> str:
    """An amount under 1万 in yuan: whole from 100元 up (888元), to the fen below (0.88元,
    12.5元), as a key result's row writes it; a cost of 0.88元 per 万元 is not 1元."""
    whole = abs(half_up(value, MAX_PLACES)) >= 100  # 99.996元 is 100元
    return rounded_figure(value, 0 if whole else MAX_PLACES)


def _reaches_ten_thousand(written: str) -> bool:
    """Whether a figure as written (``10,000``) is 10,000 or more: the next scale's 1."""
    return _written_at_least(written, 10_000)


def _written_at_least(written: str, bound: int) -> bool:
    return abs(Decimal(written.replace(",", ""))) >= bound


def en_money(value: Decimal) -> str:
    """CNY millions, thousands or yuan by size; a minus sign goes first: -CNY 709.9k."""
    size = abs(value)
    # The scale as the figure is written: 999,999 rounds to 1,000k, which is CNY 1.00m.
    thousands, ones = rounded_figure(size / EN_THOUSAND), _yuan(size)
    if size >= EN_MILLION or _written_at_least(thousands, 1000):
        text = yuan(f"{rounded_figure(size / EN_MILLION)}m")
    elif size >= EN_THOUSAND or _written_at_least(ones, 1000):
        text = yuan(f"{thousands}k")
    elif shows_a_digit(ones) or not size:
        text = yuan(ones)
    else:
        return f"under {yuan('0.01')}"
    return f"-{text}" if value < 0 and shows_a_digit(text) else text


@attrs.frozen
@shared_methods
class LedgerAmount:
    """An amount of money handed to a message (what a ledger holds), written as a budget
    table writes it (``ledger``) in the message's language when it is shown: 427.76万,
    CNY 4,278k, ¥4,278k in the text report (``short_english_figures``)."""

    base: Decimal

    def text(self, lang: str) -> str:
        return ledger(self.base, lang)
