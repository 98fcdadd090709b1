"""Metrics defined in okrdesk.toml as one SQL SELECT over data files, SQLite or a warehouse.

For managers who do not write Python::

    [sources.sql]
    tables = { salons = "data/salons.csv" }   # each file becomes a table
    # database = "data/crm.sqlite"            # or query an SQLite file, read-only

    [sources.sql.tables.trades]                # a file that needs saying how to read it
    path = "data/trades.csv.gz"
    delimiter = ";"
    encoding = "gbk"

    [sources.sql.views]                        # shared by every metric's query
    won = "SELECT * FROM trades WHERE status = 'won'"

    [[sources.sql.metrics]]
    name = "salon_attendees"
    label_en = "Salon attendees"
    label_zh = "沙龙参会人数"
    kind = "flow"
    unit = "人"
    query = "SELECT cm_id AS subject, date AS day, attendees AS value FROM salons"

Or name a warehouse, ``connection`` (a URL without a password) or
``connection_env`` (a variable holding the URL): the query is then run on
the server, grouped by subject and period there (sql_warehouse.py).

A query returns ``subject`` and either ``period`` (an id such as 2026-W03)
or ``day`` (YYYY-MM-DD, which okrdesk puts into periods), and ``value`` or
``numerator`` and ``denominator``. It may use the parameters ``:start``,
``:end`` and ``:through``. Anything but one SELECT is refused.

Files (``tables``) are read by DuckDB (sql_files.py) and queried in DuckDB's
SQL, on a connection that can no longer open any file once the tables are
loaded; an SQLite ``database`` is queried by SQLite itself, read-only and
immutable, so nothing, not even a ``-wal`` or ``-shm`` file, is written
beside it. Every file named must lie inside the workspace, after following
symbolic links, unless it lies inside a folder listed in
``allow_outside_workspace``. One broken metric fails alone, named with its
table, row and column; a row whose value is empty or text, or that is dated
outside the plan, is left out with a counted warning. Messages never quote
the files' contents.

This module is what okrdesk imports to learn the metrics' names: it reads the
definitions and nothing else. The collecting side (sql_collect.py: DuckDB, sqlglot,
the file reader, its cache and the warehouse code) is imported only by
``okrdesk_collect``.
"""

from __future__ import annotations

import difflib
import functools
import re
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

import attrs

from okrdesk.errors import Said, printable
from okrdesk.model import (
    DIMENSION_NAME,
    DimensionLabels,
    Direction,
    MetricKind,
    MetricSpec,
    OverTime,
)
from okrdesk.plugins import sql_funnels
from okrdesk.plugins.failures import DeclaredInPart
from okrdesk.plugins.hookspecs import CollectRequest, Emit, SettingsProblem, hookimpl
from okrdesk.plugins.settings_checks import settings_problems
from okrdesk.plugins.sql_dialect import sqlite_advice, to_duckdb
from okrdesk.plugins.sql_errors import engine_said
from okrdesk.plugins.sql_metric_rules import MetricRules
from okrdesk.plugins.sql_settings import (
    ALLOW_OUTSIDE,
    TABLE_NAME,
    SqlMetricError,
    allowed_folders,
    check_settings,
    has_connection,
    keyed,
    kind_problems,
    listed,
)  # fmt: skip
from okrdesk.units import UNITS, Dimension, UnitOfMeasure, did_you_mean_unit

__all__ = ["SqlMetricError", "check_query", "okrdesk_collect", "okrdesk_metrics"]

_METRIC_KEYS = {
    "name", "label_en", "label_zh", "kind", "unit", "direction", "description", "query",
    "numerator_over_time", "denominator_over_time", "revenue", "never_negative", "dimensions",
    "dimension_labels", "settles_after_days", "numerator_unit", "denominator_unit", "values_in",
    "no_rows_means_zero", "split_credit", "numerator_times", "rolling",
}  # fmt: skip
_LABEL_KEYS = {"zh", "en", "values_zh", "values_en"}
_SETTINGS_KEYS = {
    "tables", "database", "metrics", "views", ALLOW_OUTSIDE,
    "connection", "connection_env", "timeout",
}  # fmt: skip
_LEADING_COMMENTS = re.compile(r"^(\s+|--[^\n]*\n?|/\*.*?\*/)*", re.DOTALL)


def check_query(query: str) -> None:
    """Refuse anything that is not a single SELECT (or WITH ... SELECT)."""
    body = _LEADING_COMMENTS.sub("", query, count=1)
    first = body.split(None, 1)[0].upper() if body.strip() else ""
    if first not in {"SELECT", "WITH"}:
        raise SqlMetricError(
            f"only a SELECT query is allowed, not {first or 'an empty query'}",
            f"只能写 SELECT 查询，不能是{f' {first}' if first else '空查询'}",
        )
    if not sqlite3.complete_statement(body.rstrip().rstrip(";") + "\n;"):  # after a -- note
        raise SqlMetricError(
            "the query is not a complete SQL statement", "查询不是一条完整的 SQL 语句"
        )


T = TypeVar("T")


class _Mistakes(SqlMetricError):
    """Every mistake of one definition, each a message at its key."""

    def __init__(self, messages: list[Said]) -> None:
        super().__init__(*listed(messages))
        self.messages = messages


def _definition(index: int, raw: object, duckdb_sql: bool, files: bool = False) -> MetricSpec:
    """The metric ``raw`` defines; else ``_Mistakes``, with every mistake in it (``files``:
    its source is table files, not a database or a warehouse)."""
    where = f"sources.sql.metrics[{index}]"
    if not isinstance(raw, Mapping):
        raise SqlMetricError(f"{where}: expected a table", f"{where}: 应为表")
    problems: list[Said] = []

    def checked(check: Callable[[], T]) -> T | None:
        try:
            return check()
        except SqlMetricError as error:
            problems.append(error.said)
            return None

    unknown = sorted(set(raw) - _METRIC_KEYS)
    if unknown:
        keys, closest = ", ".join(unknown), _closest(unknown)
        problems.append(Said(f"{where}: unknown keys {keys}{closest.en}",
                             f"{where}: 未知的键 {keys}{closest.zh}"))  # fmt: skip
    missing = [key for key in ("name", "kind", "unit", "query")
               if not isinstance(raw.get(key), str) or not raw[key].strip()]  # fmt: skip
    problems += [
        Said(f"{where}.{key}: missing; expected a string", f"{where}.{key}: 缺少；应为文本")
        for key in missing
    ]
    name = "" if "name" in missing else str(raw["name"])
    kind = (
        None
        if "kind" in missing
        else checked(lambda: _choice(MetricKind, raw, "kind", None, where))
    )
    direction = checked(lambda: _choice(Direction, raw, "direction", "at_least", where))
    over = [checked(functools.partial(_choice, OverTime, raw, f"{part}_over_time", "sum", where))
            for part in ("numerator", "denominator")]  # fmt: skip
    if kind is not None and kind is not MetricKind.RATIO:
        problems += [
            _idle_over_time(where, key, kind, name) for key in _OVER_TIME_KEYS if key in raw
        ]
    if "unit" not in missing and raw["unit"] not in UNITS:
        written = raw["unit"]
        meant = did_you_mean_unit(str(written), list(UNITS))  # 万 for 万元, 万户 or 万人
        problems.append(Said(f"{where}.unit: unknown unit {written!r}{meant[0]}",
                             f"{where}.unit: 未知的计量单位 {written!r}{meant[1]}"))  # fmt: skip
    elif (
        "unit" not in missing
        and kind not in (None, MetricKind.RATIO)
        and UNITS[raw["unit"]].dimension is Dimension.FRACTION
    ):
        unit = raw["unit"]
        problems.append(Said(
            f"{where}.unit: a {kind} metric cannot be in {unit}: its figures add up across "
            f'people, and a sum of rates means nothing; write kind = "ratio" and a query '
            "returning numerator and denominator columns",
            f"{where}.unit: {kind} 指标的单位不能是 {unit}：其数值按人员相加，比率相加没有意义；"
            '请写 kind = "ratio"，并让查询返回 numerator 和 denominator 两列',
        ))  # fmt: skip
    revenue, never_negative, split_credit = (
        checked(functools.partial(_flag, raw, where, key))
        for key in ("revenue", "never_negative", "split_credit")
    )
    if split_credit and "unit" not in missing and raw["unit"] in UNITS:
        checked(lambda: _shared_count(raw, where))
    if revenue and "unit" not in missing and raw["unit"] in UNITS:
        checked(lambda: _money_earned(raw, where))
    dimensions = raw.get("dimensions", [])
    if not isinstance(dimensions, list) or not all(
        isinstance(d, str) and DIMENSION_NAME.match(d) for d in dimensions
    ):
        problems.append(Said(
            f"{where}.dimensions: expected an array of column names (lowercase letters, "
            "digits and _)",
            f"{where}.dimensions: 应为列名的数组（小写字母、数字和 _）",
        ))  # fmt: skip
        dimensions = []
    labels = checked(
        lambda: _labels(f"{where}.dimension_labels", raw.get("dimension_labels", {}), dimensions)
    )
    settles = checked(
        lambda: _settles_after_days(raw.get("settles_after_days", 0), where, kind, name)
    )
    numerator_unit, denominator_unit = (
        checked(functools.partial(_part_unit, raw, f"{part}_unit", kind, where))
        for part in ("numerator", "denominator")
    )
    times = checked(lambda: _numerator_times(raw.get("numerator_times", 1), kind, where))
    if "values_in" in raw and "unit" not in missing and raw["unit"] in UNITS:
        checked(lambda: values_in(raw, kind, where))
    if "no_rows_means_zero" in raw:
        checked(lambda: no_rows_means_zero(raw, kind, where))
    if "rolling" in raw:
        checked(lambda: rolling_rows(raw, where, files))
    if "query" not in missing:
        shown = f"{where}.query ({name})" if name else f"{where}.query"
        try:
            check_query(raw["query"])
        except SqlMetricError as error:
            problems.append(keyed(shown, error.said))
        else:
            advice = sqlite_advice(raw["query"]) if duckdb_sql else []
            if advice:
                problems.append(keyed(shown, for_sqlite(advice)))
    if problems:
        raise _Mistakes(problems)
    assert kind and direction and over[0] and over[1] and labels is not None
    return MetricSpec(
        name=name,
        label_en=str(raw.get("label_en", name)),
        label_zh=str(raw.get("label_zh", name)),
        kind=kind,
        unit=UNITS[raw["unit"]],
        direction=direction,
        description=str(raw.get("description", "")) or f"SQL: {' '.join(raw['query'].split())}",
        numerator_over_time=over[0],
        denominator_over_time=over[1],
        revenue=bool(revenue),
        dimensions=dimensions,
        dimension_labels=labels,
        never_negative=bool(never_negative),
        split_credit=bool(split_credit),
        settles_after_days=settles,
        numerator_unit=numerator_unit,
        denominator_unit=denominator_unit,
        numerator_times=times or 1,
    )


def values_in(raw: Mapping[str, Any], kind: MetricKind | None, where: str) -> Decimal:
    """How many of the metric's base unit (元, one) a figure its query returns is: 10000
    for ``values_in = "万元"``, a ledger kept in 万元; 1 where the key is not given."""
    found = raw.get("values_in")
    if found is None:
        return Decimal(1)
    unit = UNITS[raw["unit"]]
    if not isinstance(found, str) or found not in UNITS:
        kin = [symbol for symbol, u in UNITS.items() if u.dimension is unit.dimension]
        meant = did_you_mean_unit(str(found), kin)
        raise SqlMetricError(f"{where}.values_in: unknown unit {found!r}{meant[0]}",
                             f"{where}.values_in: 未知的计量单位 {found!r}{meant[1]}")  # fmt: skip
    given = UNITS[found]
    if kind is MetricKind.RATIO or given.dimension is Dimension.FRACTION:
        raise SqlMetricError(
            f"{where}.values_in: only an amount or a count (a stock or a flow) is returned in "
            "a unit of its own; a ratio's parts are divided, so their unit cancels out",
            f"{where}.values_in: 只有金额或数量（stock 或 flow 指标）才能以自己的单位返回；"
            "比率的分子分母相除，单位互相抵消",
        )
    if given.dimension is not unit.dimension:
        raise SqlMetricError(
            f"{where}.values_in: {found} is not a unit of the metric's {unit.symbol}: a "
            f"figure in {found} cannot be read as {unit.symbol}",
            f"{where}.values_in: {found} 与指标的单位 {unit.symbol} 不是同一类：以 {found} "
            f"计的数无法读作 {unit.symbol}",
        )
    counted = (given.symbol.removeprefix("万"), unit.symbol.removeprefix("万"))
    if given.dimension is Dimension.COUNT and "count" not in counted and len(set(counted)) > 1:
        raise SqlMetricError(
            f"{where}.values_in: {found} counts in {counted[0]}, the metric in {counted[1]}: "
            f'write values_in = "万{counted[1]}" for a figure in ten thousands',
            f"{where}.values_in: {found} 以{counted[0]}计数，指标以{counted[1]}计数：以万为单位的"
            f'数请写 values_in = "万{counted[1]}"',
        )
    return given.factor


def no_rows_means_zero(raw: Mapping[str, Any], kind: MetricKind | None, where: str) -> bool:
    """Whether a subject and period the query gives no row for is a zero: a flow's
    ``no_rows_means_zero``, false when left out."""
    zero = _flag(raw, where, "no_rows_means_zero")
    if zero and kind is not None and kind is not MetricKind.FLOW:
        raise SqlMetricError(
            f"{where}.no_rows_means_zero: only a flow (a count of what happened) reads no "
            f"rows as zero; a {kind} with no rows has no figure",
            f"{where}.no_rows_means_zero: 只有 flow 指标（发生了多少）才把没有数据行读作 0；"
            f"{kind} 指标没有数据行就是没有数字",
        )
    if zero and raw.get("dimensions"):
        raise SqlMetricError(
            f"{where}.no_rows_means_zero: not for a metric with dimensions, whose zero would "
            "belong to no slice; emit its zeros from the query instead",
            f"{where}.no_rows_means_zero: 不能用于带维度的指标（其 0 不属于任何切片）；"
            "请在查询里给出 0",
        )
    return zero


_TABLE_COLUMN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*$")


def rolling_rows(raw: Mapping[str, Any], where: str, files: bool) -> bool | str:
    """Whether the metric's source holds only some days (a database or warehouse table of
    a CRM's last 30 days): ``true``, those from the first to the last day its query's
    rows give; ``"table.column"``, those from that column's first day to its last; false
    when left out. A source of table files says it of the table."""
    found = raw.get("rolling", False)
    if not isinstance(found, bool) and not (isinstance(found, str) and _TABLE_COLUMN.match(found)):
        shown = printable(repr(found))[:40]
        raise SqlMetricError(
            f"{where}.rolling: expected true (its source holds the days from the first to "
            'the last day of the rows its query gives), "<table>.<day column>" (from that '
            f"column's first day to its last) or false, not {shown}",
            f"{where}.rolling: 应为 true（数据源只有查询所得各行中最早到最晚的日期）、"
            f'"<表>.<日期列>"（该列最早到最晚的日期）或 false，不能是 {shown}',
        )
    if found and files:
        raise SqlMetricError(
            f"{where}.rolling: a metric reading files says so of the file, in its table's "
            'entry, naming the column of each row\'s day: rolling = "trade_day" under '
            "[sources.sql.tables.<name>]",
            f"{where}.rolling: 读文件的指标在该文件的表条目里注明，写出记录每行日期的列："
            '在 [sources.sql.tables.<表名>] 下写 rolling = "trade_day"',
        )
    return found


def _shared_count(raw: Mapping[str, Any], where: str) -> None:
    """``split_credit`` is said of a count alone, as ``MetricSpec`` requires."""
    unit = raw["unit"]
    if UNITS[unit].dimension is not Dimension.COUNT:
        raise SqlMetricError(
            f"{where}.split_credit: only a count (户, 人, 单…) has credit two people may "
            f"share; a figure in {unit} is no count",
            f"{where}.split_credit: 只有计数（户、人、单等）的业绩才能由两人分享；"
            f"以 {unit} 计的数不是计数",
        )


def _money_earned(raw: Mapping[str, Any], where: str) -> None:
    """``revenue`` is said of money alone, as ``MetricSpec`` requires."""
    unit = raw["unit"]
    if UNITS[unit].dimension is not Dimension.MONEY:
        raise SqlMetricError(
            f"{where}.revenue: only money earned (commission, fees, interest) is revenue, "
            f"which a budget line's ROI counts; a figure in {unit} is no money",
            f"{where}.revenue: 只有挣到的钱（佣金、费用、利息）才是收入，预算项的 ROI 只计它；"
            f"以 {unit} 计的数不是金额",
        )


def metric_rules(spec: MetricSpec, raw: Mapping[str, Any], where: str) -> MetricRules:
    """The rules of a sound definition (``values_in``, ``no_rows_means_zero``,
    ``rolling``): what a collect does to its figures beyond running its query. A whole
    count returned in a unit of its own is made whole again after scaling
    (``MetricRules.whole``)."""
    scale = values_in(raw, spec.kind, where)
    zero = no_rows_means_zero(raw, spec.kind, where)
    rolling = rolling_rows(raw, where, files=False)
    return MetricRules(scale, zero, whole=scale != 1 and spec.whole_counts, rolling=rolling)


def _part_unit(
    raw: Mapping[str, Any], key: str, kind: MetricKind | None, where: str
) -> UnitOfMeasure | None:
    """A ratio's ``numerator_unit`` or ``denominator_unit``: an amount's or a count's unit
    (元, 户), which ``explain`` writes its parts in; None where it is not given."""
    found = raw.get(key)
    if found is None:
        return None
    if not isinstance(found, str) or found not in UNITS:
        meant = did_you_mean_unit(str(found), list(UNITS))
        raise SqlMetricError(f"{where}.{key}: unknown unit {found!r}{meant[0]}",
                             f"{where}.{key}: 未知的计量单位 {found!r}{meant[1]}")  # fmt: skip
    if UNITS[found].dimension is Dimension.FRACTION:
        raise SqlMetricError(
            f"{where}.{key}: a ratio's part is an amount or a count (元, 户), not a rate ({found})",
            f"{where}.{key}: 比率的分子、分母是金额或数量（元、户），不能是比率（{found}）",
        )
    if kind is not None and kind is not MetricKind.RATIO:
        raise SqlMetricError(f"{where}.{key}: only a ratio has parts; this is a {kind}",
                             f"{where}.{key}: 只有比率才有分子分母；此指标为 {kind}")  # fmt: skip
    return UNITS[found]


def for_sqlite(advice: list[Said]) -> Said:
    """A query written in SQLite's SQL, which DuckDB cannot run: what to change."""
    said = listed(advice)
    return Said(f"written for SQLite; DuckDB, which reads the tables, cannot run it: {said.en}",
                f"这是按 SQLite 写的；读这些表的 DuckDB 运行不了：{said.zh}")  # fmt: skip


def _closest(unknown: list[str]) -> Said:
    """' (did you mean "query" for querry?)' for each misspelt key that is close to a known
    one: two slips in one block (value_in, no_rows_mean_zero) are each said."""
    meant = [
        (key, close[0])
        for key in unknown
        if (close := difflib.get_close_matches(key, sorted(_METRIC_KEYS), n=1, cutoff=0.75))
    ]
    if not meant:
        return Said("", "")
    en = "; ".join(f'"{known}" for {key}' for key, known in meant)
    zh = "；".join(f"{key} 是不是“{known}”" for key, known in meant)
    return Said(f" (did you mean {en}?)", f"（{zh}？）")


def _numerator_times(found: object, kind: MetricKind | None, where: str) -> int:
    """A ratio's ``numerator_times``: the whole number of times what it counts its
    numerator column holds (100 for an NPS written (promoters − detractors) × 100)."""
    key = f"{where}.numerator_times"
    if isinstance(found, bool) or not isinstance(found, int) or found < 1:
        raise SqlMetricError(
            f"{key}: expected a whole number from 1, got {found!r}",
            f"{key}: 应为从 1 起的整数，现为 {found!r}",
        )
    if found != 1 and kind is not None and kind is not MetricKind.RATIO:
        raise SqlMetricError(
            f"{key}: only a ratio has a numerator; this is a {kind}",
            f"{key}: 只有比率才有分子；此指标为 {kind}",
        )
    return found


def _settles_after_days(
    found: object, where: str, kind: MetricKind | None, name: str = ""
) -> int | None:
    """A metric's ``settles_after_days``: whole days from 0, or "never"; for a cohort (a
    flow or a ratio), not a stock's level at a date (the metric ``name``'s)."""
    if found != 0 and kind is MetricKind.STOCK:
        key = f"{where}.settles_after_days" + (f" ({name})" if name else "")
        raise SqlMetricError(
            f"{key}: for a cohort whose figure goes on changing after "
            "its period (a flow or a ratio); a stock is a level at a date, which does not, "
            "and with it a restatement of a past level would go untold: leave it out",
            f"{key}: 用于周期结束后数字仍会变动的批次（flow 或比率）；"
            "stock 是某一天的水平，不会这样变动，写了它，过去水平的重述反而不会被告知：请去掉它",
        )
    if found == "never":
        return None
    if isinstance(found, bool) or not isinstance(found, int) or found < 0:
        raise SqlMetricError(f"{where}.settles_after_days: expected a whole number of days "
                             f'from 0, or "never", got {found!r}',
                             f'{where}.settles_after_days: 应为从 0 起的整天数，或 "never"，'
                             f"现为 {found!r}")  # fmt: skip
    return found


_OVER_TIME_KEYS = ("numerator_over_time", "denominator_over_time")


def _idle_over_time(where: str, key: str, kind: MetricKind, name: str) -> Said:
    """What is said of a ratio's way over time given to a stock or a flow (the metric
    ``name``)."""
    key = f"{where}.{key}" + (f" ({name})" if name else "")
    return Said(
        f"{key}: says how a ratio's part carries over time; a {kind} has no parts: "
        'leave it out, or write kind = "ratio" and a query returning numerator and '
        "denominator columns",
        f"{key}: 说的是比率的分子或分母如何跨周期延续；{kind} 指标没有分子分母："
        '请去掉它，或写 kind = "ratio"，并让查询返回 numerator 和 denominator 两列',
    )


E = TypeVar("E", bound=StrEnum)


def _choice(kind: type[E], raw: Mapping[str, Any], key: str, default: str | None, where: str) -> E:
    """A metric's key that takes one of the values of ``kind``."""
    found = raw.get(key, default)
    try:
        return kind(found)
    except ValueError:
        choices = [member.value for member in kind]
        raise SqlMetricError(
            f"{where}.{key}: {found!r} is not one of {', '.join(choices)}",
            f"{where}.{key}: {found!r} 不是 {'、'.join(choices)} 之一",
        ) from None


def _flag(raw: Mapping[str, Any], where: str, key: str) -> bool:
    """A metric's ``true``/``false`` key, false when left out."""
    found = raw.get(key, False)
    if not isinstance(found, bool):
        raise SqlMetricError(f"{where}.{key}: expected true or false, got {found!r}",
                             f"{where}.{key}: 应为 true 或 false，现为 {found!r}")  # fmt: skip
    return found


def _labels(where: str, raw: object, dimensions: list[str]) -> dict[str, DimensionLabels]:
    """``dimension_labels``: for each dimension, its words in the report (``zh``, ``en``)
    and, optionally, words for its values (``values_zh``, ``values_en``)."""
    if not isinstance(raw, Mapping):
        raise SqlMetricError(f"{where}: expected a table of dimension = {{ zh, en }}",
                             f"{where}: 应为“维度 = {{ zh, en }}”的表")  # fmt: skip
    found = {}
    for name, words in raw.items():
        if name not in dimensions:
            raise SqlMetricError(f"{where}.{name}: not one of the metric's dimensions "
                                 f"({', '.join(dimensions) or 'it has none'})",
                                 f"{where}.{name}: 不是这个指标的维度"
                                 f"（{'、'.join(dimensions) or '它没有维度'}）")  # fmt: skip
        if not isinstance(words, Mapping):
            raise SqlMetricError(f'{where}.{name}: expected a table, e.g. {{ zh = "渠道", '
                                 'en = "channel" }',
                                 f'{where}.{name}: 应为表，例如 {{ zh = "渠道", '
                                 'en = "channel" }')  # fmt: skip
        unknown = set(words) - _LABEL_KEYS
        if unknown:
            keys, known = sorted(unknown), sorted(_LABEL_KEYS)
            raise SqlMetricError(
                f"{where}.{name}: unknown keys {', '.join(keys)}; expected {', '.join(known)}",
                f"{where}.{name}: 未知的键 {'、'.join(keys)}；可用的键：{'、'.join(known)}",
            )
        for key in ("zh", "en"):
            if not isinstance(words.get(key, name), str):
                raise SqlMetricError(f"{where}.{name}.{key}: expected a string",
                                     f"{where}.{name}.{key}: 应为文本")  # fmt: skip
        values = {key: words.get(key, {}) for key in ("values_zh", "values_en")}
        for key, table in values.items():
            if not isinstance(table, Mapping) or not all(
                isinstance(v, str) for v in table.values()
            ):
                raise SqlMetricError(f'{where}.{name}.{key}: expected a table of value = "word"',
                                     f'{where}.{name}.{key}: 应为“值 = "文字"”的表')  # fmt: skip
        found[name] = DimensionLabels(words.get("zh", name), words.get("en", name),
                                      values_zh=values["values_zh"],
                                      values_en=values["values_en"])  # fmt: skip
    return found


def _definitions(settings: Mapping[str, Any]) -> tuple[list[tuple[MetricSpec, str]], list[Said]]:
    """The sound metric definitions, and a message for each broken one: one broken
    definition never takes the others with it."""
    found, broken, _ = ruled_definitions(settings)
    return found, broken


def ruled_definitions(
    settings: Mapping[str, Any],
) -> tuple[list[tuple[MetricSpec, str]], list[Said], dict[str, MetricRules]]:
    """``_definitions``, and the rules of each sound one that has any (``metric_rules``),
    by name: those of the definition collected, never of another given its name."""
    unknown = set(settings) - _SETTINGS_KEYS
    if unknown:
        keys = ", ".join(sorted(unknown))
        raise SqlMetricError(f"sources.sql: unknown keys {keys}", f"sources.sql: 未知的键 {keys}")
    raw = settings.get("metrics", [])
    if not isinstance(raw, list):
        raise SqlMetricError(
            "sources.sql.metrics: expected an array of tables [[sources.sql.metrics]]",
            "sources.sql.metrics: 应为表数组 [[sources.sql.metrics]]",
        )
    if has_connection(settings):
        check_settings(settings)
    found: list[tuple[MetricSpec, str]] = []
    broken: list[Said] = [
        keyed(f"sources.sql.views.{name}", why) for name, why in _views(settings)[1].items()
    ]
    duckdb_sql = settings.get("database") is None
    files = duckdb_sql and not has_connection(settings)
    first: dict[str, int] = {}
    rules: dict[str, MetricRules] = {}
    for index, item in enumerate(raw):
        try:
            if sql_funnels.is_funnel(item):  # a funnel writes its own ratio query
                stages, item = (
                    sql_funnels.stages(index, item),
                    sql_funnels.expanded(index, item, duckdb_sql),
                )
                spec = attrs.evolve(_definition(index, item, duckdb_sql, files), stages=stages)
            else:
                spec = _definition(index, item, duckdb_sql, files)
            if spec.name in first:
                where, other = f"sources.sql.metrics[{index}].name ({spec.name})", first[spec.name]
                raise SqlMetricError(
                    f"{where}: already the name of sources.sql.metrics[{other}]; give each "
                    "metric its own name",
                    f"{where}: sources.sql.metrics[{other}] 已用了这个名字；每个指标的名字不能相同",
                )
            first[spec.name] = index
            found.append((spec, item["query"]))
            if (rule := metric_rules(spec, item, f"sources.sql.metrics[{index}]")) != (
                MetricRules()
            ):
                rules[spec.name] = rule
        except _Mistakes as mistakes:
            broken.extend(mistakes.messages)
        except SqlMetricError as error:
            broken.append(error.said)
    return found, broken, rules


@hookimpl
def okrdesk_metrics(register: Callable[[MetricSpec], None], settings: Mapping[str, Any]) -> None:
    found, broken = _definitions(settings)
    for spec, _ in found:
        register(spec)
    if not broken:
        return
    named = [_named(item) for item in settings.get("metrics", [])]
    if None not in named:  # each definition names its metric: no other is ours
        declared = {spec.name for spec, _ in found}
        undeclared = frozenset(n for n in named if n is not None and n not in declared)
        raise BrokenDefinitions(listed(broken), undeclared, broken)
    raise SqlMetricError(*listed(broken))


class BrokenDefinitions(SqlMetricError, DeclaredInPart):
    """Some of ``[sources.sql]``'s definitions are broken; ``metrics`` are theirs, and
    ``keyed`` what is wrong with each, its words beginning with its key
    (``sources.sql.metrics[1].query (salon_leads): …``), which a collect tells at its
    line of okrdesk.toml."""

    def __init__(self, said: Said, metrics: frozenset[str], keyed: Sequence[Said] = ()) -> None:
        DeclaredInPart.__init__(self, said.en, metrics)
        self.said = said
        self.keyed = tuple(keyed)


def query_key(settings: Mapping[str, Any], metric: str) -> str:
    """The key of okrdesk.toml where ``metric``'s query is written, for a collect's error
    to name (``sources.sql.metrics[2].query``; a funnel's, which writes its own query,
    ``sources.sql.metrics[2].funnel``): the first definition of that name, as a collect
    runs it."""
    raw = settings.get("metrics", [])
    items = raw if isinstance(raw, list) else []
    index = next((i for i, item in enumerate(items) if _named(item) == metric), None)
    if index is None:
        return "sources.sql.metrics"
    part = "funnel" if sql_funnels.is_funnel(items[index]) else "query"
    return f"sources.sql.metrics[{index}].{part}"


def _named(item: object) -> str | None:
    """The metric a definition names, whatever else is wrong with it."""
    name = item.get("name") if isinstance(item, Mapping) else None
    return name if isinstance(name, str) and name.strip() else None


@hookimpl
def okrdesk_check_settings(settings: Mapping[str, Any], workspace: Path) -> list[SettingsProblem]:
    """Every broken definition of ``[sources.sql]`` and every table whose options cannot
    be read, each at its key, for ``okrdesk validate`` (a table's file that is not on
    this machine a warning); each option of a table that cannot be read at its key
    (``sql_files.TableProblems``).
    Then each sound query is run against the workspace's tables without reading their
    rows (sql_validate.py)."""
    try:
        found, broken = _definitions(settings)
    except SqlMetricError as error:
        return settings_problems("sql", [error.said])
    broken += kind_problems(settings)
    unread = _unparsed(settings, dict((spec.name, query) for spec, query in found))
    tables = _table_problems(settings, workspace)
    # A table whose options cannot be read leaves unrun only the queries that read it (as
    # a collect fails their metrics alone); a mistake of the source as a whole (database
    # beside tables, a folder allowed that is not one) leaves every query unrun.
    if any(not p.about_this_machine and not p.key.startswith("tables.") for p in tables):
        return settings_problems("sql", broken + unread) + tables
    from okrdesk.plugins.sql_validate import query_problems

    unrun = query_problems(settings, workspace, found)
    return settings_problems("sql", broken + unread + unrun) + tables


def _unparsed(settings: Mapping[str, Any], queries: Mapping[str, str]) -> list[Said]:
    """Each sound definition's query (``queries``, by metric) and each view that DuckDB
    cannot read as SQL, as a collect would find: at its key, in DuckDB's words, with a
    word on a table named by an SQL keyword (``FROM order``). Only where DuckDB reads
    the tables; a database's or a warehouse's queries are in their own dialect."""
    if settings.get("database") is not None or has_connection(settings):
        return []
    import duckdb

    sound_views = _views(settings)[0]
    named = {str(name) for name in settings.get("tables", {})} | set(sound_views)
    said: list[Said] = []
    with duckdb.connect() as connection:
        keywords = {word for (word,) in connection.execute(
            "SELECT keyword_name FROM duckdb_keywords() WHERE keyword_category <> 'unreserved'"
        ).fetchall()}  # fmt: skip
        quoted = sorted(name for name in named if name.lower() in keywords)

        def unreadable(query: str) -> Said | None:
            try:
                connection.extract_statements(to_duckdb(query))
            except duckdb.Error as error:
                engine = engine_said(error)
                words = engine.en.removeprefix("Parser Error: ")
                words_zh = engine.zh.removeprefix("Parser Error: ")
                keywords = [name for name in quoted if f'"{name}"' in words]
                hint = "".join(f'; {name} is a word of SQL: write it "{name}", in double quotes'
                               for name in keywords)  # fmt: skip
                hint_zh = "".join(f'；{name} 是 SQL 的保留字：要写成 "{name}"，加上双引号'
                                  for name in keywords)  # fmt: skip
                return Said(f"DuckDB cannot read it: {words}{hint}",
                            f"DuckDB 读不懂这条查询：{words_zh}{hint_zh}")  # fmt: skip
            return None

        for index, item in enumerate(settings.get("metrics", [])):
            name = _named(item)
            if name is not None and name in queries and (why := unreadable(queries[name])):
                said.append(keyed(f"sources.sql.metrics[{index}].query ({name})", why))
        for view, query in sound_views.items():
            if why := unreadable(query):
                said.append(keyed(f"sources.sql.views.{view}", why))
    return said


def table_option_problems(settings: Mapping[str, Any], workspace: Path) -> list[SettingsProblem]:
    """Each of ``sources.sql.tables`` whose options cannot be read, at its key, as
    ``validate`` tells it, for ``okrdesk plugins`` to list under the plugin; a file not on
    this machine is left to validate and collect, and no query is run."""
    return [p for p in _table_problems(settings, workspace) if not p.about_this_machine]


def _table_problems(settings: Mapping[str, Any], workspace: Path) -> list[SettingsProblem]:
    """What is wrong with each of ``sources.sql.tables``, read as a collect reads it (its
    file looked for, never read)."""
    from okrdesk.plugins.sql_files import NoSuchFile, table_file

    tables = settings.get("tables", {})
    if not isinstance(tables, Mapping) or not tables:
        return _database_problems(settings, workspace)
    if settings.get("database") is not None:  # as a collect refuses it
        return settings_problems("sql", [Said(
            "sources.sql.database: give either database or tables, not both",
            "sources.sql.database: database 和 tables 只能写一个",
        )])  # fmt: skip
    try:
        allowed = allowed_folders(settings, workspace)
    except SqlMetricError as error:
        return settings_problems("sql", [error.said])
    broken: list[Said] = []
    missing: list[SettingsProblem] = []
    for name, raw in tables.items():
        try:
            table_file(str(name), raw, workspace, allowed)
        except NoSuchFile as error:
            missing.append(_not_on_this_machine(error))
        except SqlMetricError as error:
            broken.extend(getattr(error, "each", (error.said,)))
    return settings_problems("sql", broken) + missing


def _database_problems(settings: Mapping[str, Any], workspace: Path) -> list[SettingsProblem]:
    """What is wrong with ``sources.sql.database``, as a collect would refuse it: a file
    outside the workspace and the folders it allows, or (a warning: it may be there
    where the collect runs) not on this machine."""
    from okrdesk.plugins.sql_files import NoSuchFile, confined

    database = settings.get("database")
    if not isinstance(database, str) or not database:
        return []  # none, or no path (``kind_problems``)
    try:
        confined(workspace, str(database), "sources.sql.database",
                 allowed_folders(settings, workspace))  # fmt: skip
    except NoSuchFile as error:
        return [_not_on_this_machine(error)]
    except SqlMetricError as error:
        return settings_problems("sql", [error.said])
    return []


def _not_on_this_machine(error: SqlMetricError) -> SettingsProblem:
    """A file the settings name that is not here: a warning, as the collect may run where
    it is."""
    (found,) = settings_problems("sql", [error.said])
    return attrs.evolve(found, about_this_machine=True)


def _views(settings: Mapping[str, Any]) -> tuple[dict[str, str], dict[str, Said]]:
    """``[sources.sql.views]``: the sound views (name → SELECT) and why each other one
    cannot be used."""
    raw = settings.get("views", {})
    if not isinstance(raw, Mapping):
        raise SqlMetricError('sources.sql.views: expected a table of name = "SELECT …"',
                             'sources.sql.views: 应为“名字 = "SELECT …"”的表')  # fmt: skip
    sound: dict[str, str] = {}
    broken: dict[str, Said] = {}
    for name, query in raw.items():
        try:
            if not TABLE_NAME.match(str(name)):
                shown = printable(str(name))[:80]
                raise SqlMetricError(f"{shown!r} is not a usable view name",
                                     f"{shown!r} 不能用作视图的名字")  # fmt: skip
            if not isinstance(query, str):
                raise SqlMetricError('expected a query: name = "SELECT …"',
                                     '应为查询：名字 = "SELECT …"')  # fmt: skip
            check_query(query)
            if settings.get("database") is not None or has_connection(settings):
                raise SqlMetricError("views are for tables read from files, not a database",
                                     "视图只用于从文件读进来的表，不用于数据库")  # fmt: skip
            if to_duckdb(query) != query:
                raise SqlMetricError(
                    "a view cannot use :start, :end or :through; use them in the metric's query",
                    "视图里不能用 :start、:end 或 :through；请在指标的查询里用",
                )
            if advice := sqlite_advice(query):  # as a metric's query is refused
                raise SqlMetricError(*for_sqlite(advice))
            sound[str(name)] = query
        except SqlMetricError as error:
            broken[str(name)] = error.said
    return sound, broken


@hookimpl
def okrdesk_collect(request: CollectRequest, emit: Emit) -> None:
    from okrdesk.plugins import sql_collect  # DuckDB and sqlglot: only when collecting

    sql_collect.collect(request, emit)
