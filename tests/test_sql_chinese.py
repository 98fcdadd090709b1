"""The SQL metric source speaks the workspace's language: every problem validate finds in
``[sources.sql]`` and every error and warning of a collect, in Chinese when the command's
language is zh (file names, keys, SQL, columns and rows as written), in English with
``--lang en``. And no message of the source is raised without its Chinese."""

from __future__ import annotations

import ast
import re
import sqlite3
import textwrap
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from okrdesk.cli import cli
from okrdesk.errors import Said
from okrdesk.plugins import sql_metrics
from okrdesk.plugins.sql_errors import engine_said
from okrdesk.store import Store
from sample_workspace import WriteWorkspace, trusted
from test_sql_metrics import ATTENDEES_DEFINITION, SALONS_OKRS, sql_only_workspace

TABLES = '[sources.sql]\ntables = { salons = "data/salons.csv" }\n\n'


def said(root: Path, *args: str) -> list[str]:
    done = CliRunner().invoke(cli, [*args, "-w", str(root)], env={"COLUMNS": "200"})
    assert "Traceback" not in done.output
    return [line for line in done.output.splitlines() if not line.startswith(" ")]


# ---------------------------------------------------------------------- validate


BROKEN = """\
[sources.sql.tables]
salons = "data/salons.csv"
gone = "data/gone.csv"
trades = { path = "data/salons.csv", encoding = "gbkk" }
typed = { path = "data/salons.csv", delimter = ";" }

[[sources.sql.metrics]]
name = "salon_attendees"
kind = "flows"
unit = "peeps"
querry = "SELECT 1"
query = "SELECT cm_id AS subject, date AS day, attendees AS value FROM salons"

[[sources.sql.metrics]]
name = "leads"
kind = "flow"
unit = "人"
query = "SELECT cm_id AS subject, date AS day, leads AS value FROM salons WHERE"

[[sources.sql.metrics]]
name = "next_day"
kind = "flow"
unit = "人"
query = "SELECT cm_id AS subject, date(date, '+1 day') AS day, leads AS value FROM salons"
"""


def test_validate_says_each_mistake_in_sources_sql_in_chinese(
    write_workspace: WriteWorkspace,
) -> None:
    """A definition's keys, a table's options, a query DuckDB cannot read, one written for
    SQLite, a file not on this machine: each at its line, in the workspace's language."""
    root = sql_only_workspace(write_workspace, SALONS_OKRS, BROKEN)
    zh = said(root, "validate")
    assert said(root, "validate", "--lang", "zh") == zh
    assert zh[:7] == [
        "okrdesk.toml:4: sources.sql.tables.trades.encoding: 未知的编码 'gbkk'",
        "okrdesk.toml:5: sources.sql.tables.typed: 未知的键 delimter",
        "okrdesk.toml:7: sources.sql.metrics[0]: 未知的键 querry（querry 是不是“query”？）",
        "okrdesk.toml:9: sources.sql.metrics[0].kind: 'flows' 不是 stock、flow、ratio 之一",
        "okrdesk.toml:10: sources.sql.metrics[0].unit: 未知的计量单位 'peeps'",
        "okrdesk.toml:18: sources.sql.metrics[1].query: 指标 leads：DuckDB 读不懂这条查询："
        'SQL 语法错误，在 "WHERE" 附近',
        "okrdesk.toml:24: sources.sql.metrics[2].query: 指标 next_day：这是按 SQLite 写的；"
        "读这些表的 DuckDB 运行不了：date(x, 'modifier') 是 SQLite 的写法：DuckDB 里 "
        "'start of month' 请写 date_trunc('month', x)，'+1 day' 请写 x + INTERVAL 1 DAY",
    ]
    assert "警告：okrdesk.toml:3: sources.sql.tables.gone: 没有文件 data/gone.csv" in zh
    en = said(root, "validate", "--lang", "en")
    assert "okrdesk.toml:9: sources.sql.metrics[0].kind: 'flows' is not one of stock, flow, " \
        "ratio" in en  # fmt: skip
    assert "warning: okrdesk.toml:3: sources.sql.tables.gone: no file data/gone.csv" in en


def test_a_broken_definition_is_named_in_chinese_by_plugins_and_check(
    write_workspace: WriteWorkspace,
) -> None:
    """Beside sound ones, a broken definition fails only its metric; okrdesk's words about
    it (its declaring failed) are Chinese through and through."""
    broken = (
        '\n[[sources.sql.metrics]]\nname = "x"\nkind = "flows"\nunit = "人"\nquery = "SELECT 1"\n'
    )
    root = sql_only_workspace(write_workspace, SALONS_OKRS, TABLES + ATTENDEES_DEFINITION + broken)
    listed = CliRunner().invoke(cli, ["plugins", "-w", str(root)]).output
    # At its line, as validate tells it, not as the exception its declaring raised.
    assert ("    错误：okrdesk.toml:12: sources.sql.metrics[1].kind: 'flows' "
            "不是 stock、flow、ratio 之一") in listed.splitlines()  # fmt: skip
    assert "BrokenDefinitions" not in listed


# ----------------------------------------------------------------------- collect


ROWS = """\
date,cm_id,attendees,leads
2026-01-06,cm01,30,4
2026-01-07,cm01,,1
2026-01-08,cm02,thirty,2
2025-06-01,cm01,10,1
"""


def test_collect_warns_of_rows_left_out_and_outside_the_plan_in_chinese(
    write_workspace: WriteWorkspace,
) -> None:
    settings = TABLES + ATTENDEES_DEFINITION
    root = sql_only_workspace(write_workspace, SALONS_OKRS, settings)
    (root / "data" / "salons.csv").write_text(ROWS, encoding="utf-8")
    zh = said(root, "collect", "--through", "2026-01-31")
    assert zh[2:] == [
        "警告：插件 sql 指标 salon_attendees：1 行日期为 2025-06-01，早于计划的第一个周期"
        "（2026-01-01）；不计入",
        "警告：插件 sql 指标 salon_attendees：1 行未计入：value 列为空（NULL）（表 salons："
        "salons.csv 第 3 行）",
        "警告：插件 sql 指标 salon_attendees：1 行未计入：value 列是文本，不是数（表 salons："
        "salons.csv 第 4 行）",
    ]
    en = said(root, "collect", "--through", "2026-01-31", "--lang", "en")
    assert en[-1] == (
        "warning: plugin sql metric salon_attendees: 1 row left out: column value holds "
        "text, not a number (table salons: salons.csv row 4)"
    )


def test_a_unit_written_short_is_told_the_units_it_may_mean(
    write_workspace: WriteWorkspace,
) -> None:
    """unit = "万", as a branch says an amount in 万元, is no unit: validate names the
    ones it may be, as it does for a plugin's metric and a derived one, not only that it
    is unknown."""
    short = ATTENDEES_DEFINITION.replace('unit = "人"', 'unit = "万"')
    root = sql_only_workspace(write_workspace, SALONS_OKRS, TABLES + short)
    zh = said(root, "validate")
    assert ("okrdesk.toml:7: sources.sql.metrics[0].unit: 未知的计量单位 '万'（是不是 '万元'、"
            "'万户' 或 '万人'？）") in zh, zh  # fmt: skip
    en = said(root, "validate", "--lang", "en")
    assert ("okrdesk.toml:7: sources.sql.metrics[0].unit: unknown unit '万' (did you mean "
            "'万元', '万户' or '万人'?)") in en, en  # fmt: skip


WEEKLY = """\
[sources.sql]
tables = { weekly = "data/weekly.csv" }

[[sources.sql.metrics]]
name = "salon_attendees"
kind = "flow"
unit = "人"
query = "SELECT 客户经理 AS subject, 周 AS period, 参会人数 AS value FROM weekly"
"""


@pytest.mark.parametrize(
    ("week", "zh", "en"),
    [
        ("2026-01", "period 列写的是月份，而本计划按周采集（grain = \"week\"）：请返回日期"
         "（day 列），由 okrdesk 归入所在的周，或返回周的 id（如 2026-W01）",
         'column period holds a month, and this plan collects by week (grain = "week"): '
         "return a date as day, put into its week, or the week's id (2026-W01)"),
        ("2026-W54", "period 列不是周期：2026 年没有第 54 周（该年最后一周是 2026-W53）",
         "column period is no period: year 2026 has no week 54 (its last week is 2026-W53)"),
        ("第3周", "period 列不是周期 id：周写作 2026-W03，月写作 2026-03，季度写作 2026-Q1",
         "column period is not a period id: a week is written 2026-W03, a month 2026-03"),
    ],
)  # fmt: skip
def test_a_query_s_periods_outside_the_collect_are_counted_as_its_days_are(
    write_workspace: WriteWorkspace, week: str, zh: str, en: str
) -> None:
    """A CRM's weekly summary holds last year's weeks and this week's, in progress, past
    --through: each is told and left out, as a row dated there is, and the weeks asked
    for are stored; no longer the whole metric failed as "not a period id okrdesk asked
    for". A month in a plan by week, or no period at all, still fails it, saying which."""
    root = sql_only_workspace(write_workspace, SALONS_OKRS, WEEKLY)
    weekly = root / "data" / "weekly.csv"
    weekly.write_text("周,客户经理,参会人数\n2025-W50,cm01,9\n2026-W02,cm01,30\n"
                      "2026-W03,cm02,25\n2026-W06,cm02,40\n", encoding="utf-8")  # fmt: skip
    done = said(root, "collect", "--through", "2026-01-25")
    assert done[2:] == [
        "警告：插件 sql 指标 salon_attendees：1 行日期为 2025-12-08 至 2025-12-14，早于计划的"
        "第一个周期（2026-01-01）；不计入",
        "警告：插件 sql 指标 salon_attendees：1 行日期为 2026-02-02 至 2026-02-08，晚于 "
        "2026-01-25；不计入",
    ], done
    with Store.open(root / "okrdesk.db") as store:
        stored = store.query("SELECT subject, period, value FROM observations ORDER BY period")
        assert [tuple(row) for row in stored] == [("cm01", "2026-W02", 30.0),
                                                  ("cm02", "2026-W03", 25.0)]  # fmt: skip
    weekly.write_text(f"周,客户经理,参会人数\n2026-W02,cm01,30\n{week},cm02,25\n", "utf-8")
    failed = said(root, "collect", "--through", "2026-01-25")
    assert f"错误：插件 sql 指标 salon_attendees：表 weekly，weekly.csv 第 3 行：{zh}" in (
        " ".join(failed)
    ), failed
    english = said(root, "collect", "--through", "2026-01-25", "--lang", "en")
    assert f"table weekly, weekly.csv row 3: {en}" in " ".join(english), english


DAYS = [("2026-01-06", "cm01"), ("2026-01-07", "cm01"), ("2026-01-08", "cm01"),
        ("2026-01-09", "cm02"), ("2026-01-12", "cm02"), ("2026-01-13", "cm02")]  # fmt: skip
"""The data rows (2 to 7) of a salons.csv whose attendees are left blank in a few."""


@pytest.mark.parametrize(
    ("blank", "zh", "en"),
    [
        ((3,), "salons.csv 第 3 行", "salons.csv row 3"),
        ((3, 4, 6), "salons.csv 第 3–4、6 行", "salons.csv rows 3-4, 6"),
        ((3, 4, 6, 7), "salons.csv 第 3–4、6 行等", "salons.csv rows 3-4, 6, …"),
    ],
)  # fmt: skip
def test_rows_left_out_are_cited_as_a_figures_rows_are(
    write_workspace: WriteWorkspace, blank: tuple[int, ...], zh: str, en: str
) -> None:
    """One row or several (the first three), in the form docs/plugins.md gives a figure's
    source, as a Chinese explain says it ("salons.csv 第 3–4、6 行"); never "salons.csv:3",
    an editor's line, which read so beside "第 2–40 行中的 12 行" for a group's rows."""
    root = sql_only_workspace(write_workspace, SALONS_OKRS, TABLES + ATTENDEES_DEFINITION)
    rows = [f"{day},{cm},{'' if number in blank else 20},1"
            for number, (day, cm) in enumerate(DAYS, 2)]  # fmt: skip
    (root / "data" / "salons.csv").write_text(
        "date,cm_id,attendees,leads\n" + "\n".join(rows) + "\n", encoding="utf-8"
    )
    count = len(blank)
    assert (f"警告：插件 sql 指标 salon_attendees：{count} 行未计入：value 列为空（NULL）"
            f"（表 salons：{zh}）") in said(root, "collect", "--through", "2026-01-31")  # fmt: skip
    noun = "row" if count == 1 else "rows"
    assert (f"warning: plugin sql metric salon_attendees: {count} {noun} left out: column value "
            f"is empty (NULL) (table salons: {en})") in said(
        root, "collect", "--through", "2026-01-31", "--lang", "en"
    )  # fmt: skip


TABLE_AT = "okrdesk.toml:2: sources.sql.tables.salons: "
QUERY_AT = "okrdesk.toml:8: sources.sql.metrics[0].query: "
"""Where a table of TABLES and ATTENDEES_DEFINITION's query below it are written: what a
collect says before a mistake of either."""


@pytest.mark.parametrize(
    ("table", "query", "error"),
    [
        ('{ path = "data/salons.csv", types = { attendees = "integer" } }', "",
         f"{TABLE_AT}salons.csv:4:attendees：types 说 attendees 列是整数"
         "（1234、12万），这一格却是文本，不是数；请改正导出文件里的这一格，或在 types 里给这一列"
         "换一个类型"),
        ('"data/salons.gbk.csv"', "",
         f"{TABLE_AT}salons.gbk.csv:4: 不是 UTF-8 文本；请给这张表设 "
         'encoding（例如 encoding = "gbk"、"gb18030" 或 "utf-16"）'),
        ('{ path = "data/salons.gbk.csv", encoding = "ascii" }', "",
         f"{TABLE_AT}salons.gbk.csv:4: 不是 ascii 文本；请把这张表的 "
         "encoding 设为文件实际的编码"),
        ('"data/gone.csv"', "", f"{TABLE_AT}没有文件 data/gone.csv"),
        ('"data/salons.csv"', " WHERE date < '2026-01-01'",
         "截至 2026-01-31，没有一行在计划之内：1 行日期为 2025-06-01，早于计划的第一个周期"
         "（2026-01-01）"),
        ('"data/salons.csv"', " WHERE leads = 2",
         "没有一行能计入：1 行未计入：value 列是文本，不是数（表 salons：salons.csv 第 4 行）"),
        # DuckDB's words of a query it cannot run, with its hint, in Chinese.
        ('"data/salons.csv"', " WHERE nothing = 1",
         f'{QUERY_AT}查询出错：没有列 "nothing"（相近的："attendees"）'),
        ('"data/salons.csv"', "x",
         f'{QUERY_AT}查询出错：没有名为 "salonsx" 的表（是不是 "salons"？）'),
        ('"data/salons.csv"', " GROUP BY cm_id",
         f'{QUERY_AT}查询出错：列 "date" 须写进 GROUP BY，或放进 sum、max 等聚合函数'),
        ('"data/salons.csv"', " WHERE", f'{QUERY_AT}查询出错：SQL 语法错误，在 "WHERE" 附近'),
        ('"data/salons.csv"', " WHERE date > 1",
         f"{QUERY_AT}查询出错：不能直接比较 DATE 与 INTEGER_LITERAL 类型的值，请用 CAST "
         "把一方转换成另一方的类型"),
    ],
)  # fmt: skip
def test_collect_says_why_a_metric_failed_in_chinese(
    write_workspace: WriteWorkspace, table: str, query: str, error: str
) -> None:
    """A cell not of its column's type, a file that is not UTF-8 or not the encoding
    given, a file missing, no row inside the plan, none that could be counted, a query
    DuckDB cannot run: each fails its metric, said in Chinese, at the line of okrdesk.toml
    of the table or of the query to mend."""
    settings = f"[sources.sql]\ntables = {{ salons = {table} }}\n\n" + ATTENDEES_DEFINITION
    root = sql_only_workspace(write_workspace, SALONS_OKRS, settings.replace(
        "FROM salons", f"FROM salons{query}"))  # fmt: skip
    (root / "data" / "salons.csv").write_text(ROWS, encoding="utf-8")
    (root / "data" / "salons.gbk.csv").write_bytes(ROWS.replace("cm02", "王芳").encode("gbk"))
    lines = said(root, "collect", "--through", "2026-01-31")
    prefix = "错误：插件 sql 指标 salon_attendees："
    assert f"{prefix}{error}（共 1 个问题，均未入库）" in lines, lines
    problems = said(root, "check", "--lang", "zh")
    assert any(error[:30] in line for line in problems), problems  # the run keeps it so


@pytest.mark.parametrize(
    ("query", "cannot", "error"),
    [
        ("x", "run it on the tables as they are",
         'no table named "salonsx" (did you mean "salons"?)'),
        (" WHERE nothing = 1", "run it on the tables as they are",
         'no column "nothing" (similar: "attendees")'),
        (" WHERE", "read it", 'SQL syntax error at or near "WHERE"'),
    ],
)  # fmt: skip
def test_a_query_s_common_mistakes_are_said_in_english_as_in_chinese(
    write_workspace: WriteWorkspace, query: str, cannot: str, error: str
) -> None:
    """The Chinese was reworded, the English kept DuckDB's own ("Catalog Error: Table with
    name salonsx does not exist! Did you mean ..."): a missing table, a missing column and
    a syntax error are said in okrdesk's words in English too, with DuckDB's suggestion;
    validate at the query's file, line and key, collect naming its plugin and metric and
    the query's file, line and key too."""
    settings = TABLES + ATTENDEES_DEFINITION.replace("FROM salons", f"FROM salons{query}")
    root = sql_only_workspace(write_workspace, SALONS_OKRS, settings)
    (root / "data" / "salons.csv").write_text(ROWS, encoding="utf-8")
    checked = said(root, "validate", "--lang", "en")
    assert (f"okrdesk.toml:8: sources.sql.metrics[0].query: metric salon_attendees: DuckDB "
            f"cannot {cannot}: {error}") in checked, checked  # fmt: skip
    lines = said(root, "collect", "--through", "2026-01-31", "--lang", "en")
    assert (f"error: plugin sql metric salon_attendees: {QUERY_AT}the query failed: {error} "
            "(1 problem; none of its figures stored)") in lines, lines  # fmt: skip
    assert not any("Error:" in line for line in checked + lines)


def test_a_subject_not_in_the_plan_is_named_in_chinese(write_workspace: WriteWorkspace) -> None:
    root = sql_only_workspace(write_workspace, SALONS_OKRS, TABLES + ATTENDEES_DEFINITION)
    (root / "data" / "salons.csv").write_text(ROWS.replace("cm02", "cm99"), encoding="utf-8")
    lines = said(root, "collect", "--through", "2026-01-31", "--lang", "zh")
    assert ("错误：插件 sql 指标 salon_attendees：表 salons，salons.csv 第 4 行：subject 列"
            "不是计划里人员或单位的 id（共 1 个问题，均未入库）") in lines  # fmt: skip


def test_a_warehouse_process_sends_its_chinese_home(write_workspace: WriteWorkspace) -> None:
    """On a warehouse the source collects in a process of its own: its errors come back
    through the pipe in both languages."""
    settings = '[sources.sql]\nconnection = "duckdb:data/crm.duckdb"\n\n' + ATTENDEES_DEFINITION
    root = sql_only_workspace(write_workspace, SALONS_OKRS, settings)
    with duckdb.connect(str(root / "data" / "crm.duckdb")) as connection:
        connection.execute("CREATE TABLE salons (cm_id VARCHAR, date DATE)")
    trusted(root)
    zh = said(root, "collect", "--through", "2026-01-31")
    failed = f"错误：插件 sql 指标 salon_attendees：{QUERY_AT}"
    assert any(line.startswith(f"{failed}查询出错") or
               line.startswith(f"{failed}查询在 crm.duckdb 上出错：")
               for line in zh), zh  # fmt: skip
    en = said(root, "collect", "--through", "2026-01-31", "--lang", "en")
    assert any(f"plugin sql metric salon_attendees: {QUERY_AT}the query failed on crm.duckdb: "
               in line for line in en), en  # fmt: skip


# --------------------------------------------------- no message without Chinese


PLUGINS = Path(sql_metrics.__file__).parent
SOURCES = [*sorted(PLUGINS.glob("sql_*.py")), PLUGINS / "warehouse_dialects.py"]
RAISED = {"SqlMetricError", "NoSuchFile", "WarehouseError", "WarehouseUnreachable",
          "WarehouseTimeout", "_NotANumber"}  # fmt: skip
"""The SQL source's errors: each made from its English and its Chinese."""
CHINESE = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def _name(call: ast.Call) -> str:
    return call.func.id if isinstance(call.func, ast.Name) else getattr(call.func, "attr", "")


def _chinese(node: ast.expr) -> bool:
    """Whether a message written in the code holds Chinese words (an f-string's text)."""
    texts = [n.value for n in ast.walk(node) if isinstance(n, ast.Constant)]
    return any(isinstance(t, str) and CHINESE.search(t) for t in texts)


def _said_unworded(call: ast.Call) -> bool:
    """A ``Said`` whose Chinese is the same words as its English on purpose (DuckDB's or
    SQLite's own): written ``Said(*[text] * 2)``."""
    (only,) = call.args if len(call.args) == 1 else (None,)
    return (
        isinstance(only, ast.Starred)
        and isinstance(only.value, ast.BinOp)
        and isinstance(only.value.op, ast.Mult)
        and isinstance(only.value.left, ast.List)
    )


def _lacking(path: Path) -> list[str]:
    """Each message of ``path`` made without Chinese: an error of the source given one
    wording, or a ``Said`` whose Chinese holds no Chinese word."""
    found = []
    for call in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(call, ast.Call):
            continue
        name, where = _name(call), f"{path.name}:{call.lineno}"
        starred = len(call.args) == 1 and isinstance(call.args[0], ast.Starred)
        if name in RAISED and not starred and (len(call.args) != 2 or not _chinese(call.args[1])):
            found.append(f"{where}: {name} without Chinese")
        if name == "Said" and not starred and len(call.args) == 2:
            en, zh = call.args
            nothing = all(isinstance(a, ast.Constant) and a.value == "" for a in (en, zh))
            if _chinese(en) or not (_chinese(zh) or _made(zh) or nothing):
                found.append(f"{where}: Said without Chinese")
        if name == "Said" and starred and not _said_unworded(call):
            found.append(f"{where}: Said(*…) of no known form")
    return found


def _made(zh: ast.expr) -> bool:
    """Chinese made of Chinese already made: a ``zh`` given (an exception's own), or parts'
    ``.zh`` put together (``keyed``, ``listed``)."""
    return any(
        (isinstance(n, ast.Attribute) and n.attr == "zh")
        or (isinstance(n, ast.Name) and n.id == "zh")
        for n in ast.walk(zh)
    )


def test_every_message_of_the_sql_source_is_made_with_its_chinese() -> None:
    """Every error the SQL source raises and every ``Said`` it writes: the Chinese beside
    the English, where it is raised (or a ``Said``, its ``keyed`` or ``listed``, which is
    made so). mypy holds ``SqlMetricError(en, zh)`` to two wordings; this holds the second
    to Chinese words."""
    assert {"sql_collect.py", "sql_files.py", "sql_metrics.py"} <= {p.name for p in SOURCES}
    lacking = [problem for path in SOURCES for problem in _lacking(path)]
    assert lacking == []


def test_the_check_catches_a_message_without_chinese(tmp_path: Path) -> None:
    written = tmp_path / "sql_x.py"
    written.write_text(textwrap.dedent("""\
        raise SqlMetricError("a message", "")
        raise NoSuchFile(f"{key}: no file")
        raise SqlMetricError("a message", "未知的键")
        Said("english", "english too")
        Said(f"{key}: {said.en}", f"{key}: {said.en}")
        Said(*(text for text in pair))
        """), encoding="utf-8")  # fmt: skip
    assert _lacking(written) == [
        "sql_x.py:1: SqlMetricError without Chinese",
        "sql_x.py:2: NoSuchFile without Chinese",
        "sql_x.py:4: Said without Chinese",
        "sql_x.py:5: Said without Chinese",
        "sql_x.py:6: Said(*…) of no known form",
    ]


@pytest.mark.parametrize(
    ("query", "en", "zh"),
    [
        ("SELECT client FROM crm", 'no column "client" (similar: "clients", "cm")',
         '没有列 "client"（相近的："clients"、"cm"）'),
        ("SELECT 1 FROM crn", 'no table named "crn" (did you mean "crm"?)',
         '没有名为 "crn" 的表（是不是 "crm"？）'),
        ("SELECT sumx(clients) FROM crm", 'no function named "sumx" (did you mean "sum"?)',
         '没有名为 "sumx" 的函数（是不是 "sum"？）'),
        ("SELECT c.cm FROM crm", 'no table or alias "c" (similar: "crm")',
         '没有表或别名 "c"（相近的："crm"）'),
        ("SELECT 1 FROM", 'SQL syntax error at or near "FROM"', 'SQL 语法错误，在 "FROM" 附近'),
        ("SELECT 'a'::INTEGER", None, None),
    ],
)  # fmt: skip
def test_duckdbs_words_keep_its_hint_and_are_said_in_english_as_in_chinese(
    query: str, en: str | None, zh: str | None
) -> None:
    connection = duckdb.connect()
    connection.execute("CREATE TABLE crm (date DATE, cm VARCHAR, clients INTEGER)")
    with pytest.raises(duckdb.Error) as raised:
        connection.execute(query)
    said = engine_said(raised.value)
    first = str(raised.value).splitlines()[0]
    # A mistake okrdesk knows is in its words in English too, not DuckDB's ("Binder Error:
    # Referenced column ... not found in FROM clause! Candidate bindings: ..."), keeping
    # DuckDB's hint. An error okrdesk has no words for: DuckDB's first line, in both.
    assert said == (Said(en, zh) if en and zh else Said(first, first))


@pytest.mark.parametrize(
    ("query", "en", "zh"),
    [
        ("SELECT client FROM crm", 'no column "client"', '没有列 "client"'),
        ("SELECT 1 FROM crn", 'no table named "crn"', '没有名为 "crn" 的表'),
        ("SELEC 1", 'SQL syntax error at or near "SELEC"', 'SQL 语法错误，在 "SELEC" 附近'),
        ("SELECT 1 FROM crm WHERE", "SQL syntax error: the statement is not finished",
         "SQL 语法错误：语句没有写完"),
    ],
)  # fmt: skip
def test_sqlites_words_are_said_in_english_as_in_chinese(query: str, en: str, zh: str) -> None:
    connection = sqlite3.connect(":memory:")
    connection.execute("CREATE TABLE crm (date TEXT, cm TEXT, clients INTEGER)")
    with pytest.raises(sqlite3.Error) as raised:
        connection.execute(query)
    assert engine_said(raised.value) == Said(en, zh)
