"""Funnels in the SQL source: a conversion rate from two event queries.

    [[sources.sql.metrics]]
    name = "open_to_fund_7d"
    label_zh = "开户 7 日内入金率"
    unit = "%"
    [sources.sql.metrics.funnel]
    entered = "SELECT account_id AS entity, cm_id AS subject, open_date AS day FROM accounts"
    converted = "SELECT account_id AS entity, fund_date AS day FROM fundings"
    within_days = 7
    entered_label = "开户"           # optional: the stages' names in the report
    converted_label = "7 日内入金"
    entered_label_en = "opened"     # optional: in an English report (else the above)
    converted_label_en = "funded within 7 days"

Each row of ``entered`` is one entity entering (an account opened), credited
to its ``subject`` (the customer manager who opened it) in the period of its
``day``; it converts when ``converted`` has a row for the same entity from
that day to ``within_days`` days after it (day 7 in, day 8 out) and on or
before the day collected through. The metric is a ratio of converted over
entered, so it rolls up as Σ converted / Σ entered at every level. The two
queries are written into one SELECT run by the same engine as any SQL metric
(DuckDB over files, or SQLite).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from okrdesk.model import FunnelStages
from okrdesk.plugins.sql_settings import SqlMetricError, keyed

LABELS = ("entered_label", "converted_label", "entered_label_en", "converted_label_en")
FUNNEL_KEYS = {"entered", "converted", "within_days", *LABELS}
MAX_DAYS = 3660


def is_funnel(raw: object) -> bool:
    return isinstance(raw, Mapping) and "funnel" in raw


def expanded(index: int, raw: Mapping[str, Any], duckdb_sql: bool) -> dict[str, Any]:
    """The metric definition with its funnel written as one ratio query; SqlMetricError
    naming ``sources.sql.metrics[N].funnel.<key>`` when the funnel is not sound."""
    where = f"sources.sql.metrics[{index}]"
    funnel = raw["funnel"]
    if not isinstance(funnel, Mapping):
        raise SqlMetricError(f"{where}.funnel: expected a table", f"{where}.funnel: 应为表")
    if "query" in raw:
        raise SqlMetricError(
            f"{where}: give either query or funnel; a funnel writes its query",
            f"{where}: query 和 funnel 只能写一个；漏斗会自己写出查询",
        )
    unknown = set(funnel) - FUNNEL_KEYS
    if unknown:
        keys = ", ".join(sorted(unknown))
        raise SqlMetricError(f"{where}.funnel: unknown keys {keys}",
                             f"{where}.funnel: 未知的键 {keys}")  # fmt: skip
    for key in ("entered", "converted"):
        if not isinstance(funnel.get(key), str) or not funnel[key].strip():
            raise SqlMetricError(f"{where}.funnel.{key}: missing; expected a SELECT query",
                                 f"{where}.funnel.{key}: 缺少；应为一条 SELECT 查询")  # fmt: skip
    days = funnel.get("within_days")
    if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= MAX_DAYS:
        raise SqlMetricError(
            f"{where}.funnel.within_days: expected a whole number of days from 0 to "
            f"{MAX_DAYS}, got {days!r}",
            f"{where}.funnel.within_days: 应为 0 到 {MAX_DAYS} 之间的整天数，现为 {days!r}",
        )
    if raw.get("kind", "ratio") != "ratio":
        raise SqlMetricError(f"{where}.kind: a funnel is a ratio (converted / entered)",
                             f"{where}.kind: 漏斗是比率（转化数 / 进入数）")  # fmt: skip
    from okrdesk.plugins.sql_dialect import sqlite_advice
    from okrdesk.plugins.sql_metrics import check_query, for_sqlite

    for key in ("entered", "converted"):
        try:
            check_query(funnel[key])
        except SqlMetricError as error:
            raise SqlMetricError(*keyed(f"{where}.funnel.{key}", error.said)) from None
        # Said of the query the user wrote, not of the one the funnel writes from it,
        # whose key (query) okrdesk.toml does not have.
        advice = sqlite_advice(funnel[key]) if duckdb_sql else []
        if advice:
            name = raw.get("name")
            shown = f"{where}.funnel.{key}" + (f" ({name})" if isinstance(name, str) else "")
            raise SqlMetricError(*keyed(shown, for_sqlite(advice)))
    definition = {k: v for k, v in raw.items() if k != "funnel"}
    definition.setdefault("kind", "ratio")
    definition.setdefault("description", _description(funnel))
    definition.setdefault("settles_after_days", days)  # the last entrants still converting
    definition["query"] = funnel_query(funnel["entered"], funnel["converted"], days, duckdb_sql)
    return definition


def stages(index: int, raw: Mapping[str, Any]) -> FunnelStages:
    """The stages' names a funnel gives, else "" for each; English ones where it gives
    any (``entered_label_en``, ``converted_label_en``), else the same in both. A name that
    is not text (``entered_label = 7``, a table, an array) is a SqlMetricError at its key,
    ``sources.sql.metrics[N].funnel.entered_label``: written into the report as Python
    writes it (``{'zh': '开户'}``), it was shown as the stage's name, and nothing said."""
    funnel = raw.get("funnel")
    if not isinstance(funnel, Mapping):
        return FunnelStages(("", ""))
    for key in LABELS:
        label = funnel.get(key, "")
        if not isinstance(label, str):
            where = f"sources.sql.metrics[{index}].funnel.{key}"
            raise SqlMetricError(
                f'{where}: expected the stage\'s name as text, in quotes ({key} = "开户"), '
                f"not {_shown(label)}",
                f'{where}: 应为阶段的名称，写成带引号的文本（{key} = "开户"），'
                f"不能是{_shown(label, 'zh')}",
            )
    entered, converted, entered_en, converted_en = (str(funnel.get(key, "")) for key in LABELS)
    english = (entered_en, converted_en) if entered_en or converted_en else None
    return FunnelStages((entered, converted), english)


def _shown(value: object, lang: str = "en") -> str:
    """A setting's value as okrdesk.toml writes it, for a message: 7, true, 2026-01-05,
    an array or a table (named so, not written out); in Chinese a value written out
    stands a space apart, a table or an array is named in Chinese."""
    if isinstance(value, Mapping):
        return "a table" if lang == "en" else "表"
    if isinstance(value, list):
        return "an array" if lang == "en" else "数组"
    written = ("true" if value else "false") if isinstance(value, bool) else str(value)[:40]
    return written if lang == "en" else f" {written}"


def _description(funnel: Mapping[str, Any]) -> str:
    return (f"funnel: entities entered, and those converted within {funnel['within_days']} "
            "days of entering, credited to the subject of the entering event")  # fmt: skip


def _body(query: str) -> str:
    from okrdesk.plugins.sql_dialect import statement_body

    return statement_body(query).strip()


def funnel_query(entered: str, converted: str, within_days: int, duckdb_sql: bool) -> str:
    """One SELECT: per entering row, its subject and day, 1 entered and 1 or 0 converted."""
    if duckdb_sql:
        gap = "CAST(c.day AS DATE) - CAST(e.day AS DATE)"
        by_through = "CAST(c.day AS DATE) <= CAST(:through AS DATE)"
    else:
        gap = "julianday(date(c.day)) - julianday(date(e.day))"
        by_through = "date(c.day) <= date(:through)"
    return (
        f"WITH entered AS ({_body(entered)}\n),\n"  # a last -- note ends at its line
        f"converted AS ({_body(converted)}\n)\n"
        "SELECT e.subject AS subject, e.day AS day, 1 AS denominator,\n"
        "  CASE WHEN EXISTS (SELECT 1 FROM converted AS c WHERE c.entity = e.entity\n"
        f"    AND {gap} BETWEEN 0 AND {int(within_days)} AND {by_through})\n"
        "  THEN 1 ELSE 0 END AS numerator\n"
        "FROM entered AS e"
    )
