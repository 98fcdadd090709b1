"""A table of the SQL source declared ``rolling`` (a CRM export of its last 30 days)
holds the days from its first row's to its last row's: a collect a month later deleted
the weeks it no longer reached (their zeros stored over them, with
``no_rows_means_zero``), and now keeps them as stored. A ``rolling`` that is no column
name, or names a column the file lacks, is told at its line."""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from backends import Backend
from okrdesk.cli import cli
from sample_workspace import WriteWorkspace, trusted
from test_collect_unit_left_out import HEADER, OKRS, _deals
from test_sql_metrics import sql_only_workspace

SETTINGS = """\
[sources.sql.tables.ledger]
path = "data/ledger.csv"
rolling = {rolling}

[[sources.sql.metrics]]
name = "big_deposits"
kind = "flow"
unit = "单"
no_rows_means_zero = true
query = "SELECT cm AS subject, day, 1 AS value FROM ledger WHERE deposits_wan > 1000"
"""

MONDAYS = [dt.date(2026, 1, 5) + dt.timedelta(weeks=n) for n in range(10)]  # W02 to W11
LEDGER = sorted(
    [(monday, "cm01", 1200) for monday in MONDAYS]
    + [(monday + dt.timedelta(days=2), "cm02", 3000) for monday in MONDAYS]
    + [(dt.date(2026, 2, 14), "cm01", 50), (dt.date(2026, 3, 15), "cm02", 80)]
)
"""Each week from W02 to W11 a large deposit of cm01's on Monday and of cm02's on
Wednesday; small ones on 2026-02-14 and 2026-03-15, the days a rolling export a month
later begins and ends on."""


def _workspace(
    write_workspace: WriteWorkspace, rolling: str = '"day"', database: str | None = None
) -> Path:
    settings = SETTINGS.format(rolling=rolling)
    if database is None:
        return sql_only_workspace(write_workspace, OKRS, settings)
    workspace = f'{settings}\n[workspace]\ndatabase = "{database}"\n'
    return trusted(sql_only_workspace(write_workspace, OKRS, workspace))


def _collect(root: Path, first: dt.date, through: str, lang: str = "en") -> Result:
    rows = [f"{day},{cm},{amount}\n" for day, cm, amount in LEDGER
            if first <= day <= dt.date.fromisoformat(through)]  # fmt: skip
    (root / "data" / "ledger.csv").write_text(HEADER + "".join(rows), encoding="utf-8")
    asked = ["collect", "--through", through, "--lang", lang, "-w", str(root)]
    return CliRunner().invoke(cli, asked)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_rolling_table_keeps_the_weeks_it_no_longer_reaches(
    write_workspace: WriteWorkspace, lang: str
) -> None:
    root = _workspace(write_workspace)
    done = _collect(root, dt.date(2026, 1, 1), "2026-02-15")
    assert done.exit_code == 0, done.output
    first = _deals(root)
    assert first[("cm01", "2026-W02")] == 1 and first[("cm02", "2026-W07")] == 1, first

    done = _collect(root, dt.date(2026, 2, 14), "2026-03-15", lang)
    assert done.exit_code == 0, done.output
    now = _deals(root)
    assert {key: now.get(key) for key in first} == first, done.output
    assert now[("cm01", "2026-W08")] == 1 and now[("cm02", "2026-W11")] == 1, now
    if lang == "en":
        assert "deleted" not in done.output
        assert (
            "big_deposits: its source reaches back only to 2026-02-14: 6 periods before it "
            "(2026-W02 to 2026-W07) kept as stored, not changed"
        ) in done.output
    else:
        assert "已删除" not in done.output
        assert "big_deposits：数据源只追溯到 2026-02-14：此前的 6 个周期" in done.output


@pytest.mark.parametrize(
    ("rolling", "en", "zh"),
    [
        ("30", "okrdesk.toml:3: sources.sql.tables.ledger.rolling: expected the name of the "
         'column holding each row\'s day (rolling = "trade_day"), not 30',
         "okrdesk.toml:3: sources.sql.tables.ledger.rolling: 应为记录每行日期的列名"),
        ('"dya"', 'okrdesk.toml:3: sources.sql.tables.ledger.rolling: ledger.csv has no column '
         '"dya" (its columns: day, cm, deposits_wan)',
         'okrdesk.toml:3: sources.sql.tables.ledger.rolling: ledger.csv 没有 "dya" 列'),
        ('"cm"', "okrdesk.toml:3: sources.sql.tables.ledger.rolling: column cm of ledger.csv is "
         "not read as days (its cells read as VARCHAR)",
         "okrdesk.toml:3: sources.sql.tables.ledger.rolling: ledger.csv 的 cm 列读出来不是日期"),
    ],
)  # fmt: skip
def test_a_rolling_key_that_names_no_column_of_days_is_told_at_its_line(
    write_workspace: WriteWorkspace, rolling: str, en: str, zh: str
) -> None:
    root = _workspace(write_workspace)
    assert _collect(root, dt.date(2026, 1, 1), "2026-02-15").exit_code == 0
    first = _deals(root)
    (root / "okrdesk.toml").write_text(SETTINGS.format(rolling=rolling), encoding="utf-8")
    for lang, words in (("en", en), ("zh", zh)):
        validated = CliRunner().invoke(cli, ["validate", "--lang", lang, "-w", str(root)])
        assert validated.exit_code == 2, validated.output
        assert words in validated.output, validated.output
        done = _collect(root, dt.date(2026, 2, 14), "2026-03-15", lang)
        assert done.exit_code == 1, done.output
        assert words in done.output, done.output
        assert _deals(root) == first


def test_either_store_keeps_the_weeks_a_rolling_table_no_longer_reaches(
    backend: Backend, write_workspace: WriteWorkspace
) -> None:
    root = _workspace(write_workspace, database=backend.url)

    def deals() -> dict[tuple[str, str], float]:
        with backend.open(root) as store:
            rows = store.query(
                "SELECT subject, period, value FROM observations "
                "WHERE metric = 'big_deposits' AND slice = ''"
            )
        return {(subject, period): value for subject, period, value in rows if value}

    assert _collect(root, dt.date(2026, 1, 1), "2026-02-15").exit_code == 0
    first = deals()
    done = _collect(root, dt.date(2026, 2, 14), "2026-03-15")
    assert done.exit_code == 0, done.output
    assert {key: deals().get(key) for key in first} == first, done.output
    assert "6 periods before it (2026-W02 to 2026-W07) kept as stored" in done.output


DATABASE_SETTINGS = """\
[sources.sql]
{source}

[[sources.sql.metrics]]
name = "big_deposits"
kind = "flow"
unit = "单"
no_rows_means_zero = true
rolling = {rolling}
query = '''
SELECT cm AS subject, day, CASE WHEN deposits_wan > 1000 THEN 1 ELSE 0 END AS value
FROM ledger
'''
"""
"""Every row of the ledger read, its small deposits counted as none: the days the
rows give are the ledger's."""


WHERE_BIG = "SELECT cm AS subject, day, 1 AS value FROM ledger WHERE deposits_wan > 1000"
"""The big deposits alone read: the days its rows give begin on 2026-02-16, the ledger's
on 2026-02-14."""


def _database_workspace(
    write_workspace: WriteWorkspace, source: str, rolling: str, query: str | None = None
) -> Path:
    settings = DATABASE_SETTINGS.format(
        source={"sqlite": 'database = "data/crm.sqlite"',
                "warehouse": 'connection = "duckdb:data/crm.duckdb"'}[source],
        rolling=rolling,
    )  # fmt: skip
    if query is not None:
        settings = settings.split("query = ")[0] + f'query = "{query}"\n'
    root = sql_only_workspace(write_workspace, OKRS, settings)
    return trusted(root) if source == "warehouse" else root


def _export_to(root: Path, source: str, first: dt.date, through: str) -> None:
    """The ledger's rows from ``first`` to ``through``, as the CRM's database holds them."""
    rows = [(day.isoformat(), cm, amount) for day, cm, amount in LEDGER
            if first <= day <= dt.date.fromisoformat(through)]  # fmt: skip
    if source == "sqlite":
        path = root / "data" / "crm.sqlite"
        path.unlink(missing_ok=True)
        with contextlib.closing(sqlite3.connect(path)) as connection, connection:
            connection.execute("CREATE TABLE ledger (day TEXT, cm TEXT, deposits_wan REAL)")
            connection.executemany("INSERT INTO ledger VALUES (?, ?, ?)", rows)
        return
    import duckdb

    path = root / "data" / "crm.duckdb"
    path.unlink(missing_ok=True)
    with duckdb.connect(str(path)) as connection:
        connection.execute("CREATE TABLE ledger (day DATE, cm TEXT, deposits_wan DOUBLE)")
        connection.executemany("INSERT INTO ledger VALUES (?, ?, ?)", rows)


@pytest.mark.parametrize("source", ["sqlite", "warehouse"])
@pytest.mark.parametrize("declared", [False, True])
def test_a_rolling_database_or_warehouse_keeps_the_weeks_it_no_longer_reaches(
    write_workspace: WriteWorkspace, source: str, declared: bool
) -> None:
    """A metric reading an SQLite database or a warehouse had no way to say its source
    is rolling: the weeks a month-later export no longer reaches were deleted, their
    zeros stored over them. Its query reads every row (true), or the ledger's column of
    days is named ("ledger.day") beside a query that leaves the small deposits out."""
    if declared:
        root = _database_workspace(write_workspace, source, '"ledger.day"', WHERE_BIG)
    else:
        root = _database_workspace(write_workspace, source, "true")
    _export_to(root, source, dt.date(2026, 1, 1), "2026-02-15")
    asked = ["collect", "--through", "2026-02-15", "-w", str(root)]
    done = CliRunner().invoke(cli, asked)
    assert done.exit_code == 0, done.output
    first = _deals(root)
    assert first[("cm01", "2026-W02")] == 1 and first[("cm02", "2026-W07")] == 1, first
    _export_to(root, source, dt.date(2026, 2, 14), "2026-03-15")
    for lang, words in (
        ("en", "big_deposits: its source reaches back only to 2026-02-14: 6 periods before "
               "it (2026-W02 to 2026-W07) kept as stored, not changed"),
        ("zh", "big_deposits：数据源只追溯到 2026-02-14：此前的 6 个周期（2026-W02 至 2026-W07）"
               "照原样保留"),
    ):  # fmt: skip
        asked = ["collect", "--through", "2026-03-15", "--lang", lang, "-w", str(root)]
        done = CliRunner().invoke(cli, asked)
        assert done.exit_code == 0, done.output
        assert words in done.output, done.output
        now = _deals(root)
        assert {key: now.get(key) for key in first} == first, done.output
        assert now[("cm01", "2026-W08")] == 1 and now[("cm02", "2026-W11")] == 1, now


@pytest.mark.parametrize(
    ("source", "rolling", "en", "zh"),
    [
        ("sqlite", '"day"', "okrdesk.toml:9: sources.sql.metrics[0].rolling: expected true (its "
         "source holds the days from the first to the last day of the rows its query gives), "
         '"<table>.<day column>" (from that column\'s first day to its last) or false, not '
         "'day'", "okrdesk.toml:9: sources.sql.metrics[0].rolling: 应为 true"),
        ("warehouse", '"ledger.day; DROP TABLE ledger"', "sources.sql.metrics[0].rolling: "
         "expected true", "sources.sql.metrics[0].rolling: 应为 true"),
        ("files", "true", "okrdesk.toml:9: sources.sql.metrics[0].rolling: a metric reading "
         "files says so of the file, in its table's entry", "okrdesk.toml:9: "
         "sources.sql.metrics[0].rolling: 读文件的指标在该文件的表条目里注明"),
    ],
)  # fmt: skip
def test_a_metrics_rolling_key_written_wrongly_is_told_at_its_line(
    write_workspace: WriteWorkspace, source: str, rolling: str, en: str, zh: str
) -> None:
    if source == "files":
        settings = DATABASE_SETTINGS.format(source='tables = { ledger = "data/ledger.csv" }',
                                            rolling=rolling)  # fmt: skip
        root = sql_only_workspace(write_workspace, OKRS, settings)
        (root / "data" / "ledger.csv").write_text(HEADER, encoding="utf-8")
    else:
        root = _database_workspace(write_workspace, source, rolling)
        _export_to(root, source, dt.date(2026, 1, 1), "2026-02-15")
    for lang, words in (("en", en), ("zh", zh)):
        validated = CliRunner().invoke(cli, ["validate", "--lang", lang, "-w", str(root)])
        assert validated.exit_code == 2, validated.output
        assert words in validated.output, validated.output
        asked = ["collect", "--through", "2026-02-15", "--lang", lang, "-w", str(root)]
        done = CliRunner().invoke(cli, asked)
        assert done.exit_code != 0 and "Traceback" not in done.output, done.output
        assert words in done.output, done.output


def test_a_rolling_query_returning_periods_fails_its_metric_at_its_key(
    write_workspace: WriteWorkspace,
) -> None:
    root = _database_workspace(write_workspace, "sqlite", "true")
    settings = (root / "okrdesk.toml").read_text(encoding="utf-8")
    by_period = "SELECT cm AS subject, '2026-W02' AS period, 1 AS value FROM ledger"
    settings = settings.split("query = ")[0] + f'query = "{by_period}"\n'
    (root / "okrdesk.toml").write_text(settings, encoding="utf-8")
    _export_to(root, "sqlite", dt.date(2026, 1, 1), "2026-02-15")
    for lang, words in (
        ("en", "okrdesk.toml:9: sources.sql.metrics[0].rolling: the query returns period, not "
               "day: its rows give no day to say which days its source holds"),
        ("zh", "okrdesk.toml:9: sources.sql.metrics[0].rolling: 查询返回的是 period 而不是 day"),
    ):  # fmt: skip
        asked = ["collect", "--through", "2026-02-15", "--lang", lang, "-w", str(root)]
        done = CliRunner().invoke(cli, asked)
        assert done.exit_code == 1, done.output
        assert words in done.output and "Traceback" not in done.output, done.output
        assert _deals(root) == {}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_an_export_whose_first_day_had_no_rows_says_why_its_first_week_was_kept(
    write_workspace: WriteWorkspace, lang: str
) -> None:
    """The export a month later begins on Monday 2026-02-16, a holiday with no deposit:
    its days, the rows', begin on the Wednesday, so W08 is held in part and keeps what
    is stored, and the CRM's restatement of it (cm02's deposit taken back) is not
    stored. The summary named W08 among the weeks kept, no more: nothing said why the
    restatement did not land."""
    root = _workspace(write_workspace)
    assert _collect(root, dt.date(2026, 1, 1), "2026-02-22").exit_code == 0
    first = _deals(root)
    assert first[("cm02", "2026-W08")] == 1, first
    holiday, taken_back = dt.date(2026, 2, 16), dt.date(2026, 2, 18)
    rows = [f"{day},{cm},{50 if day == taken_back else amount}\n"
            for day, cm, amount in LEDGER if holiday < day <= dt.date(2026, 3, 15)]  # fmt: skip
    (root / "data" / "ledger.csv").write_text(HEADER + "".join(rows), encoding="utf-8")
    asked = ["collect", "--through", "2026-03-15", "--lang", lang, "-w", str(root)]
    done = CliRunner().invoke(cli, asked)
    assert done.exit_code == 0, done.output
    assert _deals(root)[("cm02", "2026-W08")] == 1, done.output
    said = {
        "en": "big_deposits: its source reaches back only to 2026-02-18: 7 periods before it "
              "(2026-W02 to 2026-W08) kept as stored, not changed; 1 period before it with no "
              "figure stored (2026-W01) left without one, as part of a period is not the whole "
              "of it; 2026-W08, held only from 2026-02-18, is among them: what is stored for "
              "it stays, and a restatement of it is not stored till the source holds it whole",
        "zh": "其中 2026-W08 只从 2026-02-18 起才有数据：它存有的数字不变，对它的重述要等数据源"
              "含有整个周期后才会入库",
    }  # fmt: skip
    assert said[lang] in done.output, done.output


@pytest.mark.parametrize("source", ["sqlite", "warehouse"])
def test_a_declared_column_the_database_lacks_fails_its_metric_at_its_key(
    write_workspace: WriteWorkspace, source: str
) -> None:
    root = _database_workspace(write_workspace, source, '"ledger.dya"', WHERE_BIG)
    _export_to(root, source, dt.date(2026, 1, 1), "2026-02-15")
    told = {"en": "cannot be read in crm.sqlite", "zh": "无法在 crm.sqlite 中读取"}
    for lang, words in told.items():
        words = words if source == "sqlite" else ""
        asked = ["collect", "--through", "2026-02-15", "--lang", lang, "-w", str(root)]
        done = CliRunner().invoke(cli, asked)
        assert done.exit_code == 1, done.output
        assert "okrdesk.toml:9: sources.sql.metrics[0].rolling: " in done.output, done.output
        assert words in done.output and "dya" in done.output, done.output
        assert "Traceback" not in done.output and _deals(root) == {}, done.output
        assert "expected true" not in done.output and "应为 true" not in done.output


def test_a_declared_column_the_warehouse_cannot_read_names_it_and_the_warehouses_answer(
    write_workspace: WriteWorkspace,
) -> None:
    """The query of a declared column's first and last day was told as "the query
    failed", though it is okrdesk's, not the user's: now the column, the table and what
    the warehouse answered are named."""
    root = _database_workspace(write_workspace, "warehouse", '"ledger.dya"', WHERE_BIG)
    _export_to(root, "warehouse", dt.date(2026, 1, 1), "2026-02-15")
    told = {
        "en": "okrdesk.toml:9: sources.sql.metrics[0].rolling: the first and last day of "
              "column dya of table ledger cannot be read on crm.duckdb; it answered: ",
        "zh": "okrdesk.toml:9: sources.sql.metrics[0].rolling: 无法在 crm.duckdb 上读取表 "
              "ledger 的 dya 列的首末日期；它的回答：",
    }  # fmt: skip
    for lang, words in told.items():
        asked = ["collect", "--through", "2026-02-15", "--lang", lang, "-w", str(root)]
        done = CliRunner().invoke(cli, asked)
        assert done.exit_code == 1, done.output
        assert words in done.output and '"dya" not found' in done.output, done.output
        assert "query failed" not in done.output and "查询在" not in done.output, done.output
        assert "Traceback" not in done.output and _deals(root) == {}, done.output


def test_the_run_record_and_explain_say_which_figures_a_later_collect_kept(
    backend: Backend, write_workspace: WriteWorkspace
) -> None:
    """Only collect's printed summary said which periods a rolling source no longer
    reached: read on Monday, `okrdesk explain` listed last month's weeks among the
    figures as if this collect had read them. The run now records what it kept (schema
    31, made by `store upgrade` from a store of schema 30), and explain names the run
    that stored those figures, the one that kept them and the days its source held."""
    from okrdesk.model import KeptUnreached
    from okrdesk.store.migrations import SCHEMA_VERSION

    root = _workspace(write_workspace, database=backend.url)
    backend.of_schema(root, SCHEMA_VERSION - 1)
    location = str(backend.location(root))
    upgraded = CliRunner().invoke(cli, ["store", "upgrade", location, "--lang", "en"])
    assert upgraded.exit_code == 0, upgraded.output
    assert _collect(root, dt.date(2026, 1, 1), "2026-02-15").exit_code == 0
    assert _collect(root, dt.date(2026, 2, 14), "2026-03-15").exit_code == 0
    weeks = tuple(f"2026-W{week:02d}" for week in range(2, 8))
    with backend.open(root) as store:
        first, then = store.runs()
    assert first.kept is None
    assert then.kept == {
        "big_deposits": KeptUnreached(dt.date(2026, 2, 14), dt.date(2026, 3, 15), weeks)
    }
    said = {
        "en": f"  6 periods (2026-W02 … 2026-W07): as collect run {first.id} stored them; run "
              f"{then.id} ({then.started[:10]}) kept them unchanged, as its source held only "
              "2026-02-14 to 2026-03-15, not the whole of them",
        "zh": f"  6 个周期（2026-W02 … 2026-W07）：是第 {first.id} 次采集存下的数字；第 "
              f"{then.id} 次采集（{then.started[:10]}）的数据源只有 2026-02-14 至 2026-03-15 "
              "的数据，不含这些周期的全部日子，所以照原样保留，没有重述",
    }  # fmt: skip
    for lang, words in said.items():
        asked = ["explain", "O9.KR1", "--as-of", "2026-03-15", "--lang", lang, "-w", str(root)]
        explained = CliRunner().invoke(cli, asked, env={"COLUMNS": "200"})
        assert explained.exit_code == 0, explained.output
        assert words in explained.output, explained.output
        assert explained.output.count(words[:12]) == 1, explained.output


@pytest.mark.parametrize(
    ("rolling", "query", "landed"),
    [("true", None, True), ("true", WHERE_BIG, False), ('"ledger.day"', WHERE_BIG, True)],
    ids=["every-row", "where-leaves-days-out", "declared-column"],
)  # fmt: skip
def test_a_rolling_query_whose_where_leaves_out_the_first_days_keeps_their_week(
    write_workspace: WriteWorkspace, rolling: str, query: str | None, landed: bool
) -> None:
    """With rolling = true the days held are those of the rows the query gives: the
    export a month later begins on Monday 2026-02-16 with cm01's deposit taken back to a
    small one, and a WHERE leaving small deposits out begins its rows on the Wednesday,
    so W08 is held in part and keeps what is stored, as docs/plugins-sql.md says. A
    query reading every row, or the table's column named, holds the Monday and the
    restatement is stored."""
    root = _database_workspace(write_workspace, "sqlite", rolling, query)
    _export_to(root, "sqlite", dt.date(2026, 1, 1), "2026-02-22")
    asked = ["collect", "--through", "2026-02-22", "--lang", "en", "-w", str(root)]
    assert CliRunner().invoke(cli, asked).exit_code == 0
    assert _deals(root)[("cm01", "2026-W08")] == 1
    monday = dt.date(2026, 2, 16)
    rows = [(day.isoformat(), cm, 50 if day == monday else amount)
            for day, cm, amount in LEDGER if monday <= day <= dt.date(2026, 3, 15)]  # fmt: skip
    path = root / "data" / "crm.sqlite"
    with contextlib.closing(sqlite3.connect(path)) as connection, connection:
        connection.execute("DELETE FROM ledger")
        connection.executemany("INSERT INTO ledger VALUES (?, ?, ?)", rows)
    asked = ["collect", "--through", "2026-03-15", "--lang", "en", "-w", str(root)]
    done = CliRunner().invoke(cli, asked)
    assert done.exit_code == 0, done.output
    assert (("cm01", "2026-W08") not in _deals(root)) == landed, done.output
    kept = "2026-W08, held only from 2026-02-18, is among them"
    assert (kept in done.output) != landed, done.output
