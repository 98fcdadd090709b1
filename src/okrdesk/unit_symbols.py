"""The symbols managers write units in, with each one's dimension and how many base units
it is: the one list ``okrdesk.units`` makes its units of measure from, and the text
layout keeps whole on a line (百分点, 亿元, 个/户). Plain data, so that ``okrdesk --help``,
which folds its lines with that layout, imports neither units nor attrs."""

from __future__ import annotations

SYMBOLS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("money", "1", ("元", "yuan", "CNY")),
    ("money", "1e4", ("万元", "wan_yuan", "10k_CNY")),
    ("money", "1e8", ("亿元", "yi_yuan", "100m_CNY")),
    ("count", "1", ("户", "人", "单", "场", "个", "笔", "次", "家", "count")),
    ("count", "1e4", ("万户", "万人")),
    ("fraction", "1", ("ratio", "fraction")),
    ("fraction", "0.01", ("%", "percent", "pct", "百分点")),
    ("fraction", "0.001", ("‰", "permille")),
    ("score", "1", ("分", "points")),
    ("multiple", "1", ("倍", "x", "个/户", "per_client")),
)
"""Each (dimension, base units in one, symbols): the dimension a ``units.Dimension``'s
value, the base units written as a Decimal reads them."""

POINTS = ("pct", "百分点")
"""The symbols of a rate's change written in percentage points, not of the rate itself."""

ONE_CHARACTER = tuple(
    symbol
    for _, _, symbols in SYMBOLS
    for symbol in symbols
    if len(symbol) == 1 and not (symbol.isascii() and symbol.isalpha())
)
"""The symbols of one character written straight after a figure (60户, 3单, 1.2%, 0.15‰,
2.5倍): ``x`` is not one, a letter that may begin a word."""

WRITTEN_WITH = frozenset(
    char
    for _, _, symbols in SYMBOLS
    for symbol in symbols
    if not symbol.isascii()
    for char in symbol
)
"""Every character of the symbols not written in ASCII (万元, 百分点, 个/户, 户, ‰): what a
figure with its unit after it holds beside its digits."""

AFTER_TEN_THOUSAND = frozenset(
    symbol[1:]
    for _, _, symbols in SYMBOLS
    for symbol in symbols
    if len(symbol) == 2 and symbol[0] in "万亿"
)
"""What follows 万 or 亿 in a symbol: 元 of 万元 and 亿元, 户 of 万户, 人 of 万人."""
