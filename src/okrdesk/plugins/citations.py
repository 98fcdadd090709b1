"""A figure's source, shown in the reader's language when it cites rows in the form
okrdesk reads: ``assets.csv rows 818-821, 830`` is ``assets.csv 第 818–821、830 行``.

A plugin gives each figure's source as text (``emit(..., source=...)``). Text written
in the form docs/plugins.md describes ("Citing the rows behind a figure") is read here
and said again in Chinese; any other text is shown as the plugin wrote it, in either
language, since prose cannot be translated safely. Nothing stored changes: a store's
old runs keep their text and are read by the same rules. English shows every source as
written: the form is English.
"""

from __future__ import annotations

import re
from functools import lru_cache

_COUNT = r"[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+"
"""How many rows: ``12``, ``1234`` or ``1,234``."""
_RUN = rf"[0-9]+(?:-[0-9]+)?(?: \((?:{_COUNT}) rows?\))?"
"""One row or a range of rows, saying how many of its rows count when not all of them
do: ``7``, ``818-821``, ``2-40 (12 rows)``."""
_CITATION = re.compile(
    rf"(?P<file>[^;\x00-\x1f]+?) (?P<word>rows?|rowids?) "
    rf"(?P<runs>{_RUN}(?:, ?{_RUN})*)(?:, … \((?P<all>{_COUNT}) rows in all\))?"
)
"""``FILE rows RUNS``: the rows of one file; the file is the shortest name that leaves a
list of rows after it, so a name holding " rows " still reads."""
_ONE_RUN = re.compile(
    rf"(?P<first>[0-9]+)(?:-(?P<last>[0-9]+))?(?: \((?P<count>{_COUNT}) rows?\))?"
)
_TABLE = re.compile(r"(?P<database>.+?) table (?P<table>.+)")
"""``crm.sqlite table trades``: a database table, whose rows are cited by rowid."""

# The built-in sources' own words around their citations (sql_collect.py, store/base.py).
_SQL_ROWS = re.compile(r"SQL metric (?P<metric>\S+): (?P<rows>.+)")
_SQL_FILES = re.compile(r"SQL metric (?P<metric>\S+) on (?P<files>.+)")
_SQL_NO_ROWS = re.compile(r"SQL metric (?P<metric>\S+): no rows, so none \(no_rows_means_zero\)")
"""A zero the SQL source gives a flow's subject and period its query had no row for."""
_NONE_COUNTED = re.compile(r"no row of (?P<file>[^;\x00-\x1f]+?) counts, so 0(?:; (?P<rows>.+))?")
"""A zero a plugin gives a flow's subject and period with no row in its file (``FILE``),
citing the rows it looked among: ``no row of funding.csv counts, so 0; clients.csv rows
2-9``."""
_NOTHING_READ = {"no file": "未读任何文件", "no table": "未读任何表"}
"""What the SQL source writes for a query that reads no file (``SELECT 1``), or no table."""
_SLICES = re.compile(r"sum of (?P<count>[0-9]+) slices?")


def source_text(source: str, lang: str) -> str:
    """``source`` as the reader of ``lang`` reads it: rows cited in the form okrdesk
    reads, said in that language; anything else as written."""
    if lang != "zh" or not source:
        return source
    return _in_chinese(source)


@lru_cache(maxsize=4096)
def _in_chinese(source: str) -> str:
    sql = _SQL_NO_ROWS.fullmatch(source)
    if sql is not None:
        return f"SQL 指标 {sql['metric']}：查询没有数据行，按 0 计（no_rows_means_zero）"
    sql = _SQL_ROWS.fullmatch(source)
    if sql is not None:
        rows = _rows_in_chinese(sql["rows"])
        return source if rows is None else f"SQL 指标 {sql['metric']}：{rows}"
    sql = _SQL_FILES.fullmatch(source)
    if sql is not None:
        files = _NOTHING_READ.get(sql["files"])
        return f"SQL 指标 {sql['metric']}，{files or '读自 ' + sql['files']}"
    none = _NONE_COUNTED.fullmatch(source)
    if none is not None:
        said = f"{none['file']} 中没有计入的行，按 0 计"
        if none["rows"] is None:
            return said
        rows = _rows_in_chinese(none["rows"])
        return source if rows is None else f"{said}；{rows}"
    slices = _SLICES.fullmatch(source)
    if slices is not None:
        return f"{slices['count']} 个切片之和"
    rows = _rows_in_chinese(source)
    return source if rows is None else rows


def may_be_worded_zero(source: str) -> bool:
    """Whether ``source`` may be one ``worded_zero`` reads as a zero for no rows: a
    quick look, for the path that takes plainly sound figures by the thousand."""
    return source.startswith("no row of ") or source.endswith("(no_rows_means_zero)")


def worded_zero(metric: str, source: str) -> bool:
    """Whether ``source`` words a zero of ``metric`` as one for no rows, as okrdesk read
    them before ``emit(..., no_rows=True)`` said so: a plugin's ``no row of FILE counts,
    so 0``, or the SQL source's ``no_rows_means_zero`` zero. A plugin written to the
    earlier docs still has its zeros marked by these words, and a store upgraded from
    before the mark has its zeros marked by them (store/migrations.py)."""
    if _NONE_COUNTED.fullmatch(source) is not None:
        return True
    sql = _SQL_NO_ROWS.fullmatch(source)
    return sql is not None and sql["metric"] == metric


def _rows_in_chinese(text: str) -> str | None:
    """``FILE rows RUNS; FILE rows RUNS``, each file's rows in Chinese; None unless every
    part of ``text`` is in that form."""
    said = []
    for part in text.split("; "):
        cited = _CITATION.fullmatch(part)
        if cited is None:
            return None
        said.append(_citation_in_chinese(cited))
    return "；".join(said)


def _citation_in_chinese(cited: re.Match[str]) -> str:
    runs = []
    # Each run in turn (a count's own comma, "(1,333 rows)", is inside its run).
    for run in _ONE_RUN.finditer(cited["runs"]):
        first, last = run["first"], run["last"]
        runs.append((first if last is None or last == first else f"{first}–{last}", run["count"]))
    if cited["word"].startswith("rowid"):
        table = _TABLE.fullmatch(cited["file"])
        where = cited["file"] if table is None else f"{table['database']} 表 {table['table']}"
        listed = "、".join(span if count is None else f"{span}（其中 {count} 行）"
                          for span, count in runs)  # fmt: skip
        text = f"{where} 的 rowid {listed}"
    elif all(count is None for _, count in runs):
        text = f"{cited['file']} 第 {'、'.join(span for span, _ in runs)} 行"
    else:
        # A range of which only some rows count is a phrase of its own: 第 2–40 行中的 12 行.
        listed = "、".join(f"第 {span} 行" if count is None else f"第 {span} 行中的 {count} 行"
                          for span, count in runs)  # fmt: skip
        text = f"{cited['file']} {listed}"
    return text if cited["all"] is None else f"{text}等，共 {cited['all']} 行"
