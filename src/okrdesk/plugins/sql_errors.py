"""What DuckDB or SQLite said of a metric's query that failed, in the reader's words.

The engines speak English ("Binder Error: Referenced column "client" not found in FROM
clause!"), which put English into the middle of a Chinese collect, and okrdesk kept
only their first line, so DuckDB's own hint on the next ("Candidate bindings:
"clients", "cm"") was lost. The mistakes an analyst makes most often writing a query
(a column, table or function misspelt, a column left out of GROUP BY, text compared
with a number, a syntax error) are told in okrdesk's own words, in English as in
Chinese ("Catalog Error: Table with name visit does not exist! Did you mean ..." is
``no table named "visit" (did you mean "visits"?)``), with the names the engine gave and
its hint; any other error in the engine's own words, in both languages.
"""

from __future__ import annotations

import re

from okrdesk.errors import Said, printable

MOST_SAID = 300
"""The longest an engine's words are kept, in characters: a query is not repeated whole."""

_HINTS = (r"Candidate bindings: (.+)", r"Candidate tables: (.+)", r'Did you mean (".+")\?')

_WORDS: tuple[tuple[str, str, str], ...] = (
    # DuckDB
    (r'Binder Error: Referenced column "(.+?)" not found in FROM clause!', 'no column "{0}"',
     '没有列 "{0}"'),
    (r'Binder Error: Referenced table "(.+?)" not found!', 'no table or alias "{0}"',
     '没有表或别名 "{0}"'),
    (r"Catalog Error: Table with name (\S+) does not exist!", 'no table named "{0}"',
     '没有名为 "{0}" 的表'),
    (r"Catalog Error: (?:Scalar|Aggregate|Table) Function with name (\S+) does not exist!",
     'no function named "{0}"', '没有名为 "{0}" 的函数'),
    (r'Binder Error: column "(.+?)" must appear in the GROUP BY clause or must be part of '
     r"an aggregate function\.",
     'column "{0}" must be written into GROUP BY, or put inside an aggregate function such '
     "as sum or max", '列 "{0}" 须写进 GROUP BY，或放进 sum、max 等聚合函数'),
    (r"Binder Error: Cannot compare values of type (\S+) and type (\S+)",
     "cannot compare values of type {0} and {1} directly; CAST one of them to the other's "
     "type", "不能直接比较 {0} 与 {1} 类型的值，请用 CAST 把一方转换成另一方的类型"),
    (r'Parser Error: syntax error at or near "(.+?)"', 'SQL syntax error at or near "{0}"',
     'SQL 语法错误，在 "{0}" 附近'),
    (r"Parser Error: syntax error at end of input",
     "SQL syntax error: the statement is not finished", "SQL 语法错误：语句没有写完"),
    (r"Binder Error: No function matches the given name and argument types "
     r"'(\w+)\([^)]*VARCHAR[^)]*\)'", "", "{0} 用不了文本列"),
    # SQLite
    (r"no such column: (\S+)", 'no column "{0}"', '没有列 "{0}"'),
    (r"no such table: (\S+)", 'no table named "{0}"', '没有名为 "{0}" 的表'),
    (r"no such function: (\S+)", 'no function named "{0}"', '没有名为 "{0}" 的函数'),
    (r'near "(.+?)": syntax error', 'SQL syntax error at or near "{0}"',
     'SQL 语法错误，在 "{0}" 附近'),
    (r"incomplete input", "SQL syntax error: the statement is not finished",
     "SQL 语法错误：语句没有写完"),
    (r"file is not a database", "not an SQLite database file", "不是 SQLite 数据库文件"),
    (r"You did not supply a value for binding parameter :(\w+)\.",
     "the query uses :{0}; the only parameters there are :start, :end and :through",
     "查询用了 :{0}；可用的参数只有 :start、:end 和 :through"),
)  # fmt: skip
"""Each mistake okrdesk knows by the engine's first line: the pattern, then what it is
in English and in Chinese, the names the engine gave in them. An English of "" keeps
the engine's words (a text column given to ``sum``, whose advice follows them)."""


_TEXT_COLUMN = re.compile(r"Binder Error: No function matches .*\(.*VARCHAR.*\)")
_TEXT_COLUMN_ADVICE = Said(
    "; a column it reads is text: one cell such as N/A makes a file's column text; give "
    'such cells in the table\'s null (null = ["N/A"]), or TRY_CAST the column AS DOUBLE',
    '：文件里一格 N/A 就让整列成了文本；请把这类格写进这张表的 null（null = ["N/A"]），'
    "或用 TRY_CAST(列 AS DOUBLE)",
)
"""Why a function such as ``sum`` gets text from a file: an analyst's first doubt."""


def engine_said(error: Exception) -> Said:
    """``error`` of DuckDB or SQLite as okrdesk tells it: where okrdesk knows the mistake,
    in its own words in English and in Chinese, with the engine's hint; otherwise the
    engine's first line and its hint, in both."""
    lines = [line.strip() for line in str(error).strip().splitlines() if line.strip()]
    first = lines[0] if lines else type(error).__name__
    hint = next((found for line in lines[1:3] for pattern in _HINTS
                 if (found := re.fullmatch(pattern, line))), None)  # fmt: skip
    english = f"{first} {hint[0]}" if hint else first
    zh = english
    for pattern, en_words, zh_words in _WORDS:
        if found := re.match(pattern, first):
            zh = zh_words.format(*found.groups())
            if en_words:
                english = en_words.format(*found.groups())
                english += f" ({_hint_en(hint)})" if hint else ""
            if hint:
                zh += f"（{_hint_zh(hint)}）"
            break
    said = Said(printable(english)[:MOST_SAID], printable(zh)[:MOST_SAID])
    if _TEXT_COLUMN.match(first):
        en = said.en.rstrip(".")
        said = Said(en + _TEXT_COLUMN_ADVICE.en, said.zh + _TEXT_COLUMN_ADVICE.zh)
    return said


def _hint_en(hint: re.Match[str]) -> str:
    names = ", ".join(name.strip() for name in hint[1].split(","))
    if hint.re.pattern.startswith("Did you mean"):
        return f"did you mean {names}?"
    return f"similar: {names}"


def _hint_zh(hint: re.Match[str]) -> str:
    names = "、".join(name.strip() for name in hint[1].split(","))
    if hint.re.pattern.startswith("Did you mean"):
        return f"是不是 {names}？"
    return f"相近的：{names}"
