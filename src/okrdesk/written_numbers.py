"""Numbers as people write them, read one way for every reader.

A figure typed on the command line (``units.parse_number``, behind check-ins, spend and
splits), a cell of the SQL source's tables and a money cell of the reference brokerage
plugin's export are all read by the rules here: thousands separators as Excel writes
them, full-width characters as a Chinese input method writes them, and a suffix of
``SCALES`` (``12.5万``, ``12.5%``). Each rule a table's cells need is given twice, in
Python and as SQL for DuckDB, which types a table's columns; the two read a cell alike
(tests/test_written_numbers.py).

Where the readers differ, on purpose:

- A command-line figure knows its key result's unit, so ``units.parse_quantity`` takes
  every unit of it (``1.2万户``, ``3分``); a cell has no unit, so only ``SCALES`` is read
  there and ``12.5万人`` is no number.
- Excel's accounting format (``(1,234.50)`` for a negative amount) is what a spreadsheet
  saves, not what a person types: cells take it, the command line takes a sign
  (``-1234.5元``). A yuan sign before an amount (``¥1,234.50``, ``￥120万``) is both: cells
  and the command line take it.
- A cell may be read with a decimal comma (a table's ``decimal`` setting); a figure typed
  is always written with a decimal point.
- ``1e5`` is a number in a cell (DuckDB reads it so) and on the command line alike.

No reader takes an underscore in a number (``1_5`` could be 15 or 1.5; Python and DuckDB
would both read 15), a digit of another script than ours (``٣``), or a comma that is no
thousands separator.

A number Excel formats with
thousands separators is saved as ``1,234.50`` (quoted in a comma-separated file, bare
in a tab- or semicolon-separated one): a comma before every group of three digits, a
decimal point after them, never the other way round, so it is read as 1234.50. A comma
that may be a decimal mark (``1,5``, ``1.234,50``, as Excel writes where the decimal
mark is a comma; ``1,2345``) says no one number and is read as none: ``decimal_comma``
gives what the user may have meant, for a message that names the cell.

One number says nothing of the kind: ``1,234`` is 1234 where the decimal mark is a point,
and 1.234 where it is a comma, as in a file of semicolons, which is how Excel saves CSV
there (``ambiguous``). A reader that does not know how a file writes numbers refuses it
in such a file; told (a table's ``decimal`` setting, ``","`` or ``"."``), it reads every
number as the file writes them: ``ungrouped(text, ",")`` reads ``1.234,50`` as 1234.50 and
``1,234`` as 1.234.

A scaled number is readied as a number with an exponent (``12.5万`` as ``12.5e4``,
``12.5%`` as ``12.5e-2``): DuckDB's cast of that text is the correctly rounded double,
where multiplying would not always be.
"""

from __future__ import annotations

import re

from okrdesk.sql_text import literal

_LEAD = "[1-9][0-9]{0,2}"
"""The digits before a number's first thousands separator: never a leading zero, which
Excel writes for no number (``0,125`` is 0.125 written with a decimal comma, ``0.125`` is
0.125 with a decimal point, never 125)."""

GROUPED = rf"[+-]?{_LEAD}(,[0-9]{{3}})+(\.[0-9]*)?"
"""A number written with thousands separators, as Excel writes it: ``1,234.5``,
``-12,345``, ``1,234,567.00``."""

_AMOUNT = rf"({_LEAD}(,[0-9]{{3}})+|[0-9]+)(\.[0-9]*)?"
_YUAN = "[¥￥]"


def _formats(amount: str, plain: str) -> str:
    """A pattern of ``plain`` (an amount, signed) and of ``amount`` in Excel's currency and
    accounting formats."""
    return (
        rf"{plain}"  # 1,234.50, -12,345
        rf"|[+-]?{_YUAN}{amount}|{_YUAN}[+-]{amount}"  # ¥1,234.50, -¥1,234.50, ¥-1,234.50
        rf"|{_YUAN}?\({_YUAN}?{amount}\)"  # (1,234.50), (¥1,234.50), ¥(1,234.50): negative
    )


WRITTEN = _formats(_AMOUNT, GROUPED)
"""A number Excel writes with thousands separators (``GROUPED``), in a currency format
(``¥1,234.50``, ``¥-1,234.50`` as Chinese Excel writes a negative one, ``-¥1,234.50``,
``￥500``) or an accounting one, whose negatives are in brackets (``(1,234.50)``,
``(¥1,234.50)``)."""

_COMMA_AMOUNT = rf"({_LEAD}(\.[0-9]{{3}})+|[0-9]+)(,[0-9]*)?"
WRITTEN_COMMA = _formats(_COMMA_AMOUNT, rf"[+-]?{_COMMA_AMOUNT}")
"""A number as Excel writes it where the decimal mark is a comma: ``1.234,50``, ``1,5``,
``-12.345``, ``1,234`` (1.234), in the formats of ``WRITTEN`` too (``¥1.234,50``,
``(1.234,50)``)."""

_ONE_GROUP = rf"{_LEAD},[0-9]{{3}}"
AMBIGUOUS = _formats(_ONE_GROUP, rf"[+-]?{_ONE_GROUP}")
"""A number whose one separator is a comma before three digits (``1,234``, ``-12,345``,
``¥1,234``, ``(1,234)``): 1234 where the decimal mark is a point, 1.234 where it is a
comma."""

DECIMAL_MARKS = (".", ",")
"""What a table's ``decimal`` setting may say a file's decimal mark is."""

_WRITTEN = re.compile(WRITTEN)
_WRITTEN_COMMA = re.compile(WRITTEN_COMMA)
_AMBIGUOUS = re.compile(AMBIGUOUS)
_DECIMAL_COMMA = re.compile(r"[+-]?[0-9]{1,3}(\.[0-9]{3})*,[0-9]+|[+-]?[0-9]+,[0-9]+")
_MARKS = re.compile(r"[,()¥￥]")
_COMMA_MARKS = re.compile(r"[.()¥￥]")


def ungrouped(text: str, decimal: str = ".") -> str | None:
    """``text``, a number written as ``WRITTEN`` says, as a plain number (``"1,234.50"`` is
    ``"1234.50"``, ``"¥-1,234.50"`` and ``"(¥1,234.50)"`` are ``"-1234.50"``); None for any
    other text. ``decimal`` ``","``: a number written as ``WRITTEN_COMMA`` says (``"1.234,50"``
    is ``"1234.50"``, ``"1,234"`` is ``"1.234"``, ``"12.345"`` is ``"12345"``), which a
    reader must try before reading the text as a plain number."""
    if decimal == ",":
        if not any(mark in text for mark in ",.(¥￥") or _WRITTEN_COMMA.fullmatch(text) is None:
            return None
        plain = _COMMA_MARKS.sub("", text).replace(",", ".")
    else:
        if not any(mark in text for mark in ",(¥￥") or _WRITTEN.fullmatch(text) is None:
            return None
        plain = _MARKS.sub("", text)
    return f"-{plain}" if text.startswith(("(", "¥(", "￥(")) else plain


def ungrouped_sql(cell: str, decimal: str = ".") -> str:
    """SQL for the text ``cell`` (an SQL expression) ready to cast to a number: as a plain
    number where it is one written as ``WRITTEN`` (``decimal`` ``","``: ``WRITTEN_COMMA``)
    says, as it is otherwise."""
    plain = (
        f"replace(regexp_replace({cell}, '[.()¥￥]', '', 'g'), ',', '.')"
        if decimal == ","
        else f"regexp_replace({cell}, '[,()¥￥]', '', 'g')"
    )
    return (
        f"CASE WHEN {written_sql(cell, decimal)} "
        f"THEN (CASE WHEN regexp_matches({cell}, '^[¥￥]?\\(') THEN '-' ELSE '' END) "
        f"|| {plain} ELSE {cell} END"
    )


def written_sql(cell: str, decimal: str = ".") -> str:
    """SQL true for the text ``cell`` (an SQL expression) where ``ungrouped(cell, decimal)``
    reads a number: one written as ``WRITTEN`` says (``decimal`` ``","``:
    ``WRITTEN_COMMA``)."""
    pattern = (WRITTEN_COMMA if decimal == "," else WRITTEN).replace("'", "''")
    marks = ",.(¥￥" if decimal == "," else ",(¥￥"
    found = " OR ".join(f"contains({cell}, '{mark}')" for mark in marks)
    return f"(({found}) AND regexp_full_match({cell}, '{pattern}'))"


def ambiguous(text: str) -> bool:
    """Whether ``text`` is a number whose one separator is a comma before three digits
    (``AMBIGUOUS``: ``1,234``), which says a different number for each decimal mark."""
    return "," in text and _AMBIGUOUS.fullmatch(text) is not None


def ambiguous_sql(cell: str) -> str:
    """SQL true for the text ``cell`` (an SQL expression) where ``ambiguous`` is."""
    pattern = AMBIGUOUS.replace("'", "''")
    return f"(contains({cell}, ',') AND regexp_full_match({cell}, '{pattern}'))"


def decimal_comma_sql(cell: str) -> str:
    """SQL true for the text ``cell`` (an SQL expression) where ``decimal_comma`` reads it:
    a number whose comma may be a decimal mark and is no thousands separator."""
    pattern, written = (p.replace("'", "''") for p in (_DECIMAL_COMMA.pattern, WRITTEN))
    return (
        f"(contains({cell}, ',') AND regexp_full_match({cell}, '{pattern}') "
        f"AND NOT regexp_full_match({cell}, '{written}'))"
    )


def decimal_comma(text: str) -> str | None:
    """``text`` written with its comma as a decimal point where it may be one, and is no
    number with thousands separators: ``"1,5"`` and ``"1234,5"`` give ``"1.5"`` and
    ``"1234.5"``, ``"1.234,50"`` gives ``"1234.50"`` (its points taken for thousands
    separators); None for any other text."""
    if _DECIMAL_COMMA.fullmatch(text) is None or _WRITTEN.fullmatch(text) is not None:
        return None
    whole, _, fraction = text.partition(",")
    return f"{whole.replace('.', '')}.{fraction}"


FULL_WIDTH = "０１２３４５６７８９．，－＋％（）￥"
"""Characters a Chinese input method writes at full width, in the order of ``HALF_WIDTH``."""
HALF_WIDTH = "0123456789.,-+%()¥"
_WIDTH = str.maketrans(FULL_WIDTH, HALF_WIDTH)


def half_width(text: str) -> str:
    """``text`` with the full-width characters of ``FULL_WIDTH`` written plain
    (``１２．５％`` is ``12.5%``)."""
    return text.translate(_WIDTH)


def half_width_sql(cell: str) -> str:
    """SQL for the text ``cell`` as ``half_width`` gives it."""
    return f"translate({cell}, {literal(FULL_WIDTH)}, {literal(HALF_WIDTH)})"


SCALES = {"万元": "e4", "亿元": "e8", "万": "e4", "亿": "e8", "元": "", "%": "e-2", "‰": "e-3"}
"""What a number cell may end in, and the exponent it stands for: ``12.5万`` is 125000,
``12.5%`` is 0.125, as Excel holds a percentage. Each is a unit of ``units.UNITS`` (万 and
亿 for 万元 and 亿元) of the same factor, as a figure typed is read."""
_SPACES_SQL = "' \u3000'"
"""The spaces, full-width too, between a number and its suffix, as an SQL string."""
_SCALED = re.compile("(.*?)[ \u3000]*(万元|亿元|万|亿|元|%|‰)")


def number_ready_sql(cell: str, decimal: str = ".") -> str:
    """SQL for the text ``cell`` ready to cast to a number: ``ungrouped_sql``'s reading,
    after full-width characters are made plain and a suffix of ``SCALES`` an exponent. A
    cell DuckDB reads as a number already (most cells, where ``decimal`` is ``"."``) is as
    it is, unless it holds an underscore, which makes it none. The rest is read in
    lambdas, so that each step's SQL is written once: DuckDB plans an expression written
    out again at each use far more slowly than it reads the cells."""
    plain = f"rtrim({half_width_sql(cell)}, {_SPACES_SQL})"
    split = f"{{'whole': p, 'number': {_without_suffix('p')}}}"
    read = f"({ungrouped_sql('q.number', decimal)}) || ({_exponent('q.whole')})"
    lambdas = f"list_transform(list_transform([{plain}], lambda p: {split}), lambda q: {read})[1]"
    # DuckDB reads 1_5 as 15, as Python does; a person may have meant 1.5.
    underscore = f"WHEN contains({cell}, '_') THEN NULL"
    if decimal == ",":
        return f"CASE {underscore} ELSE {lambdas} END"  # 12.345 is 12345 there
    return (
        f"CASE {underscore} WHEN TRY_CAST({cell} AS DOUBLE) IS NOT NULL THEN {cell} "
        f"ELSE {lambdas} END"
    )


def _without_suffix(text: str) -> str:
    """SQL for the text ``text`` without a suffix of ``SCALES`` and the spaces before it."""
    by_length: dict[int, list[str]] = {}
    for suffix in SCALES:
        by_length.setdefault(len(suffix), []).append(suffix)
    cut = " ".join(
        f"WHEN {' OR '.join(f'ends_with({text}, {literal(s)})' for s in suffixes)} THEN {n}"
        for n, suffixes in sorted(by_length.items(), reverse=True)
    )
    return f"rtrim(substr({text}, 1, length({text}) - (CASE {cut} ELSE 0 END)), {_SPACES_SQL})"


def _exponent(text: str) -> str:
    """SQL for the exponent the suffix of ``text`` (``SCALES``) stands for, else ''."""
    cases = " ".join(
        f"WHEN ends_with({text}, {literal(s)}) THEN {literal(e)}" for s, e in SCALES.items() if e
    )
    return f"CASE {cases} ELSE '' END"


def scaled(text: str) -> tuple[str, str]:
    """``text`` (plain, ``half_width``) as the number before a suffix of ``SCALES`` and the
    exponent the suffix stands for (``12.5 万`` is ``("12.5", "e4")``); ``(text, "")`` when
    it ends in none."""
    found = _SCALED.fullmatch(text)
    if found is None:
        return text, ""
    return found.group(1), SCALES[found.group(2)]


def written_number(text: str) -> float | None:
    """``text`` read as ``number_ready_sql`` reads it (with a decimal point); None where it
    is no number so written."""
    if "_" in text:
        return None
    plain, exponent = scaled(half_width(text).strip())
    if not plain or plain[-1] in "eE" or _foreign_digit(plain):
        return None
    number = ungrouped(plain) or plain
    try:
        return float(number + exponent)
    except ValueError:
        return None


def _foreign_digit(text: str) -> bool:
    """Whether ``text`` holds a digit of another script (``٣``), which Python reads and
    DuckDB does not."""
    return not text.isascii() and any(c.isdigit() and not c.isascii() for c in text)
