"""``okrdesk validate`` runs each SQL metric's query against the workspace's tables, as a
collect would, without reading their rows: a misspelt column, a column left out of GROUP
BY, a date compared with a number, a file that cannot be read or a missing output column
is found when okrdesk.toml is written, not by the next night's collect."""

from __future__ import annotations

import json
import sqlite3
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from okrdesk.cli import cli
from okrdesk.plugins.sql_table_cache import TableCache
from sample_workspace import WriteWorkspace, trusted
from test_sql_metrics import ATTENDEES_DEFINITION as ATTENDEES
from test_sql_metrics import SALONS, SALONS_OKRS, sql_only_workspace

MISTAKES = textwrap.dedent("""\
    [sources.sql]
    tables = { salons = "data/salons.csv", deposits = "data/deposits.csv" }

    [sources.sql.views]
    crowded = "SELECT * FROM salons WHERE atendees > 20"
    everyone = "SELECT * FROM salons"

    [[sources.sql.metrics]]
    name = "salon_attendees"
    kind = "flow"
    unit = "人"
    query = "SELECT cm_id AS subject, date AS day, atendees AS value FROM salons"

    [[sources.sql.metrics]]
    name = "salon_leads"
    kind = "flow"
    unit = "人"
    query = "SELECT cm_id AS subject, date AS day, sum(leads) AS value FROM everyone"

    [[sources.sql.metrics]]
    name = "early_leads"
    kind = "flow"
    unit = "人"
    query = "SELECT cm_id AS subject, date AS day, leads AS value FROM salons WHERE date > 5"

    [[sources.sql.metrics]]
    name = "lead_rate"
    kind = "ratio"
    unit = "%"
    query = "SELECT cm_id AS subject, date AS day, leads AS numerator FROM salons"

    [[sources.sql.metrics]]
    name = "crowded_salons"
    kind = "flow"
    unit = "人"
    query = "SELECT cm_id AS subject, date AS day, attendees AS value FROM crowded"

    [[sources.sql.metrics]]
    name = "deposits"
    kind = "flow"
    unit = "元"
    query = "SELECT cm_id AS subject, date AS day, amount AS value FROM deposits"

    [[sources.sql.metrics]]
    name = "this_year"
    kind = "flow"
    unit = "人"
    query = '''SELECT cm_id AS subject, date AS day, leads AS value FROM salons
               WHERE date BETWEEN :start AND :end'''
    """)  # fmt: skip


def validate(root: Path, lang: str = "en") -> Result:
    return CliRunner().invoke(cli, ["validate", "--lang", lang, "-w", str(root)])


def said(result: Result) -> list[str]:
    return [line for line in result.output.splitlines() if not line.startswith(" ")]


def test_each_query_that_cannot_run_is_said_at_its_line(write_workspace: WriteWorkspace) -> None:
    """Each mistake once: a view's at the view, not again at the metric reading it; a
    table whose file is not here is the file's warning, not a problem of its query."""
    root = sql_only_workspace(write_workspace, SALONS_OKRS, MISTAKES)
    done = validate(root)
    assert done.exit_code == 2, done.output
    assert said(done) == [
        'okrdesk.toml:5: sources.sql.views.crowded: no column "atendees" (similar: '
        '"attendees", "date", "leads")',
        "okrdesk.toml:12: sources.sql.metrics[0].query: metric salon_attendees: DuckDB cannot "
        'run it on the tables as they are: no column "atendees" (similar: "attendees", "date", '
        '"leads")',
        "okrdesk.toml:18: sources.sql.metrics[1].query: metric salon_leads: DuckDB cannot run it "
        'on the tables as they are: column "cm_id" must be written into GROUP BY, or put '
        "inside an aggregate function such as sum or max",
        "okrdesk.toml:24: sources.sql.metrics[2].query: metric early_leads: DuckDB cannot run "
        "it on the tables as they are: cannot compare values of type DATE and INTEGER_LITERAL "
        "directly; CAST one of them to the other's type",
        "okrdesk.toml:30: sources.sql.metrics[3].query: metric lead_rate: the query must return "
        "columns subject, period or day, and numerator and denominator; missing denominator",
        "warning: okrdesk.toml:2: sources.sql.tables.deposits: no file data/deposits.csv",
        "3 files checked, 5 problems.",
    ]
    chinese = said(validate(root, "zh"))
    assert chinese[:5] == [
        'okrdesk.toml:5: sources.sql.views.crowded: 没有列 "atendees"（相近的："attendees"、'
        '"date"、"leads"）',
        "okrdesk.toml:12: sources.sql.metrics[0].query: 指标 salon_attendees：DuckDB 在现有的表上"
        '运行不了这条查询：没有列 "atendees"（相近的："attendees"、"date"、"leads"）',
        "okrdesk.toml:18: sources.sql.metrics[1].query: 指标 salon_leads：DuckDB 在现有的表上运行"
        '不了这条查询：列 "cm_id" 须写进 GROUP BY，或放进 sum、max 等聚合函数',
        "okrdesk.toml:24: sources.sql.metrics[2].query: 指标 early_leads：DuckDB 在现有的表上运行"
        "不了这条查询：不能直接比较 DATE 与 INTEGER_LITERAL 类型的值，请用 CAST 把一方转换成"
        "另一方的类型",
        "okrdesk.toml:30: sources.sql.metrics[3].query: 指标 lead_rate：查询须返回 subject、period "
        "或 day 列，以及 numerator 和 denominator 列；缺少 denominator",
    ]


def test_sound_queries_pass_and_their_tables_wait_in_the_cache(
    write_workspace: WriteWorkspace,
) -> None:
    """A file validate reads is kept in the table cache: the next collect does not read
    it again."""
    settings = textwrap.dedent("""\
        [sources.sql]
        tables = { salons = "data/salons.csv" }

        [[sources.sql.metrics]]
        name = "salon_attendees"
        kind = "flow"
        unit = "人"
        query = '''SELECT cm_id AS subject, date AS day, attendees AS value FROM salons
                   WHERE date <= :through'''
        """)  # fmt: skip
    root = sql_only_workspace(write_workspace, SALONS_OKRS, settings)
    cache = TableCache(root)
    assert "salons" not in cache.entries
    done = validate(root)
    assert done.exit_code == 0, done.output
    entry = json.loads(cache.manifest.read_text(encoding="utf-8"))["salons"]
    assert entry["size"] == (root / "data" / "salons.csv").stat().st_size
    assert (cache.folder / entry["parquet"]).is_file()


def test_a_file_that_cannot_be_read_is_said_at_its_table(write_workspace: WriteWorkspace) -> None:
    root = sql_only_workspace(
        write_workspace, SALONS_OKRS,
        '[sources.sql]\ntables = { salons = "data/salons.csv" }\n\n'
        '[[sources.sql.metrics]]\nname = "salon_attendees"\nkind = "flow"\nunit = "人"\n'
        'query = "SELECT cm_id AS subject, date AS day, attendees AS value FROM salons"\n',
    )  # fmt: skip
    exported = SALONS.replace("cm01,30", "王芳,30")
    (root / "data" / "salons.csv").write_bytes(exported.encode("gbk"))
    done = validate(root)
    assert done.exit_code == 2, done.output
    problems = [line for line in said(done) if line.startswith("okrdesk.toml:")]
    assert len(problems) == 1, done.output  # the file's, not again its query's
    assert problems[0].startswith("okrdesk.toml:2: sources.sql.tables.salons: salons.csv")
    assert "not UTF-8 text; set encoding" in problems[0]


def test_a_table_outside_the_workspace_is_not_opened(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    """A folder outside the workspace is read only once the workspace is trusted, and
    validate reads none: its table's queries are left to the collect."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "salons.csv").write_text(SALONS, encoding="utf-8")
    root = sql_only_workspace(
        write_workspace, SALONS_OKRS,
        f'[sources.sql]\nallow_outside_workspace = ["{elsewhere}"]\n'
        f'tables = {{ salons = "{elsewhere / "salons.csv"}" }}\n\n'
        '[[sources.sql.metrics]]\nname = "salon_attendees"\nkind = "flow"\nunit = "人"\n'
        'query = "SELECT cm_id AS subject, date AS day, atendees AS value FROM salons"\n',
    )  # fmt: skip
    done = validate(root)
    assert "atendees" not in done.output
    assert "salons" not in TableCache(root).entries


def test_an_sqlite_database_s_queries_are_prepared(write_workspace: WriteWorkspace) -> None:
    root = sql_only_workspace(
        write_workspace, SALONS_OKRS,
        '[sources.sql]\ndatabase = "crm.db"\n\n'
        '[[sources.sql.metrics]]\nname = "salon_attendees"\nkind = "flow"\nunit = "人"\n'
        'query = "SELECT cm_id AS subject, date AS day, atendees AS value FROM salons '
        'WHERE date <= :through"\n\n'
        '[[sources.sql.metrics]]\nname = "salon_leads"\nkind = "flow"\nunit = "人"\n'
        'query = "SELECT cm_id AS subject, leads AS value FROM salons;"\n',
    )  # fmt: skip
    with sqlite3.connect(root / "crm.db") as db:
        db.execute("CREATE TABLE salons (date TEXT, cm_id TEXT, attendees INTEGER, leads INTEGER)")
    done = validate(root)
    assert done.exit_code == 2, done.output
    assert [line for line in said(done) if line.startswith("okrdesk.toml:")] == [
        "okrdesk.toml:8: sources.sql.metrics[0].query: metric salon_attendees: SQLite cannot "
        'run it on crm.db: no column "atendees"',
        "okrdesk.toml:14: sources.sql.metrics[1].query: metric salon_leads: the query must "
        "return columns subject, period or day, and value; missing day",
    ]
    assert 'SQLite 在 crm.db 上运行不了这条查询：没有列 "atendees"' in validate(root, "zh").output


def test_a_funnel_s_query_is_said_at_its_funnel(write_workspace: WriteWorkspace) -> None:
    """A funnel's two queries are joined into one by okrdesk: a mistake in either is said
    at the funnel's table."""
    root = sql_only_workspace(
        write_workspace, SALONS_OKRS,
        '[sources.sql]\ntables = { salons = "data/salons.csv" }\n\n'
        '[[sources.sql.metrics]]\nname = "salon_to_lead"\nunit = "%"\n\n'
        "[sources.sql.metrics.funnel]\n"
        'entered = "SELECT cm_id AS entity, cm_id AS subject, dat AS day FROM salons"\n'
        'converted = "SELECT cm_id AS entity, date AS day FROM salons"\nwithin_days = 7\n\n'
        + "[[sources.sql.metrics]]\n" + ATTENDEES.split("[[sources.sql.metrics]]\n")[1],
    )  # fmt: skip
    done = validate(root)
    assert done.exit_code == 2, done.output
    assert [line for line in said(done) if line.startswith("okrdesk.toml:")] == [
        "okrdesk.toml:8: sources.sql.metrics[0].funnel: metric salon_to_lead: DuckDB cannot run "
        'it on the tables as they are: no column "dat" (similar: "date", "attendees", '
        '"leads")',
    ]


def test_an_sqlite_query_ending_in_a_semicolon_and_a_comment_passes(
    write_workspace: WriteWorkspace,
) -> None:
    """SQLite runs ``SELECT …; -- note`` as written, so validate must not call it a syntax
    error: only the statement is put under LIMIT 0, not what follows its semicolon."""
    root = sql_only_workspace(
        write_workspace, SALONS_OKRS,
        '[sources.sql]\ndatabase = "crm.db"\n\n'
        '[[sources.sql.metrics]]\nname = "salon_attendees"\nkind = "flow"\nunit = "人"\n'
        "query = '''SELECT cm_id AS subject, date AS day, attendees AS value FROM salons\n"
        "WHERE note <> ';' ; -- the salons of 2026; spring too\n'''\n",
    )  # fmt: skip
    with sqlite3.connect(root / "crm.db") as db:
        db.execute("CREATE TABLE salons (date TEXT, cm_id TEXT, attendees INTEGER, note TEXT)")
    done = validate(root)
    assert done.exit_code == 0, done.output
    assert "okrdesk.toml:" not in done.output


def test_a_view_reading_a_broken_view_is_not_said_again(write_workspace: WriteWorkspace) -> None:
    """A view that reads a view DuckDB could not make is not a mistake of its own: the
    broken one is said once, at its key, and a collect of a metric reading the other says
    which view it reads could not be made, not DuckDB's "Table with name … does not
    exist"."""
    root = sql_only_workspace(
        write_workspace, SALONS_OKRS,
        '[sources.sql]\ntables = { salons = "data/salons.csv" }\n\n'
        "[sources.sql.views]\n"
        'crowded = "SELECT * FROM salons WHERE atendees > 20"\n'
        'late = "SELECT * FROM crowded"\n\n'
        '[[sources.sql.metrics]]\nname = "salon_attendees"\nkind = "flow"\nunit = "人"\n'
        'query = "SELECT cm_id AS subject, date AS day, attendees AS value FROM late"\n',
    )  # fmt: skip
    done = validate(root)
    assert done.exit_code == 2, done.output
    assert [line for line in said(done) if line.startswith("okrdesk.toml:")] == [
        'okrdesk.toml:5: sources.sql.views.crowded: no column "atendees" (similar: '
        '"attendees", "date", "leads")',
    ]
    collected = CliRunner().invoke(cli, ["collect", "--lang", "en", "-w", str(root)])
    assert "does not exist" not in collected.output
    assert "reads crowded, which could not be read" in collected.output


def test_a_database_that_is_not_sqlite_is_said_once_at_its_key(
    write_workspace: WriteWorkspace,
) -> None:
    """A ``database`` that is no SQLite file (a CSV saved under the name) is one mistake,
    at ``sources.sql.database``, in the language asked for, not SQLite's English at every
    query."""
    root = sql_only_workspace(
        write_workspace, SALONS_OKRS,
        '[sources.sql]\ndatabase = "crm.db"\n\n' + ATTENDEES
        + ATTENDEES.replace("salon_attendees", "salon_people"),
    )  # fmt: skip
    (root / "crm.db").write_text(SALONS, encoding="utf-8")
    done = validate(root)
    assert done.exit_code == 2, done.output
    assert [line for line in said(done) if line.startswith("okrdesk.toml:")] == [
        "okrdesk.toml:2: sources.sql.database: crm.db is not an SQLite database (SQLite: "
        "file is not a database)",
    ]
    chinese = [line for line in said(validate(root, "zh")) if line.startswith("okrdesk.toml:")]
    assert chinese == [
        "okrdesk.toml:2: sources.sql.database: crm.db 不是 SQLite 数据库（SQLite：file is not "
        "a database）",
    ]


def test_a_database_outside_the_workspace_or_not_there_is_said_by_validate(
    write_workspace: WriteWorkspace,
) -> None:
    """``database = "../x.db"`` passed validate and failed the collect; it is a problem
    at its key, as a table's file outside the workspace is, and one not on this machine
    a warning (the collect may run where it is)."""
    root = sql_only_workspace(
        write_workspace, SALONS_OKRS, '[sources.sql]\ndatabase = "../x.db"\n\n' + ATTENDEES
    )
    done = validate(root)
    assert done.exit_code == 2, done.output
    assert [line for line in said(done) if line.startswith("okrdesk.toml:")] == [
        "okrdesk.toml:2: sources.sql.database: ../x.db lies outside the workspace; okrdesk "
        "reads files elsewhere only from folders listed in sources.sql.allow_outside_workspace"
    ]
    # A collect run all the same says it at that line too, not as the plugin's exception
    # (okrdesk_collect failed: SqlMetricError: …).
    collected = CliRunner().invoke(cli, ["collect", "--lang", "en", "-w", str(root)])
    assert collected.exit_code == 1
    assert (
        "error: plugin sql: stopped at a mistake in its settings: okrdesk.toml:2: "
        "sources.sql.database: ../x.db lies outside the workspace"
    ) in collected.output
    assert "SqlMetricError" not in collected.output
    (root / "okrdesk.toml").write_text(
        '[sources.sql]\ndatabase = "crm.db"\n\n' + ATTENDEES, encoding="utf-8"
    )
    done = validate(root)
    assert done.exit_code == 0, done.output
    assert "okrdesk.toml:2: sources.sql.database: no file crm.db" in done.output


def test_a_query_ending_in_a_comment_passes(write_workspace: WriteWorkspace) -> None:
    """A last line ``-- the spring salons`` is a comment DuckDB and SQLite read past: the
    query is complete, not refused as 'not a complete SQL statement', and a funnel's
    query so written (or with a note after its semicolon) is joined with the other."""
    root = sql_only_workspace(
        write_workspace, SALONS_OKRS,
        '[sources.sql]\ntables = { salons = "data/salons.csv" }\n\n'
        + ATTENDEES.replace('FROM salons"', 'FROM salons -- the spring salons"')
        + '\n[[sources.sql.metrics]]\nname = "salon_to_lead"\nunit = "%"\n\n'
        "[sources.sql.metrics.funnel]\n"
        'entered = "SELECT cm_id AS entity, cm_id AS subject, date AS day FROM salons -- in"\n'
        'converted = "SELECT cm_id AS entity, date AS day FROM salons; -- won"\n'
        "within_days = 7\n",
    )  # fmt: skip
    done = validate(root)
    assert done.exit_code == 0, done.output
    assert "okrdesk.toml:" not in done.output


def test_output_columns_are_matched_as_a_collect_matches_them(
    write_workspace: WriteWorkspace,
) -> None:
    """A collect reads ``AS Subject``, ``AS DAY`` as subject and day, whatever their case:
    validate must not say they are missing."""
    root = sql_only_workspace(
        write_workspace, SALONS_OKRS,
        '[sources.sql]\ntables = { salons = "data/salons.csv" }\n\n'
        + ATTENDEES.replace("AS subject, date AS day, attendees AS value",
                            "AS Subject, date AS DAY, attendees AS Value"),
    )  # fmt: skip
    done = validate(root)
    assert done.exit_code == 0, done.output
    collected = CliRunner().invoke(cli, ["collect", "--lang", "en", "-w", str(root)])
    assert collected.exit_code == 0, collected.output


def test_a_parameter_okrdesk_does_not_give_is_said(write_workspace: WriteWorkspace) -> None:
    """``:thru`` for ``:through`` fails the collect, which gives only :start, :end and
    :through; validate bound it to nothing and passed it."""
    root = sql_only_workspace(
        write_workspace, SALONS_OKRS,
        '[sources.sql]\ntables = { salons = "data/salons.csv" }\n\n'
        + ATTENDEES.replace('FROM salons"', 'FROM salons WHERE date <= :thru"'),
    )  # fmt: skip
    done = validate(root)
    assert done.exit_code == 2, done.output
    assert [line for line in said(done) if line.startswith("okrdesk.toml:")] == [
        "okrdesk.toml:8: sources.sql.metrics[0].query: metric salon_attendees: the query uses "
        ":thru; the parameters are :start, :end and :through",
    ]
    assert "查询用了 :thru；可用的参数只有 :start、:end 和 :through" in validate(root, "zh").output


def test_an_sqlite_query_s_unknown_parameter_is_said_in_chinese(
    write_workspace: WriteWorkspace,
) -> None:
    """SQLite's 'You did not supply a value for binding parameter :thru.' was shown as it
    is in a Chinese validate (and collect)."""
    root = sql_only_workspace(
        write_workspace, SALONS_OKRS,
        '[sources.sql]\ndatabase = "crm.db"\n\n'
        + ATTENDEES.replace('FROM salons"', 'FROM salons WHERE date <= :thru"'),
    )  # fmt: skip
    with sqlite3.connect(root / "crm.db") as db:
        db.execute("CREATE TABLE salons (date TEXT, cm_id TEXT, attendees INTEGER)")
    chinese = [line for line in said(validate(root, "zh")) if line.startswith("okrdesk.toml:")]
    assert chinese == [
        "okrdesk.toml:8: sources.sql.metrics[0].query: 指标 salon_attendees：SQLite 在 crm.db "
        "上运行不了这条查询：查询用了 :thru；可用的参数只有 :start、:end 和 :through",
    ]


def test_a_collect_from_a_database_that_is_not_sqlite_says_so_in_chinese(
    write_workspace: WriteWorkspace,
) -> None:
    """SQLite's 'file is not a database' stood in English in a Chinese collect."""
    root = sql_only_workspace(
        write_workspace, SALONS_OKRS, '[sources.sql]\ndatabase = "crm.db"\n\n' + ATTENDEES
    )
    (root / "crm.db").write_text(SALONS, encoding="utf-8")
    collected = CliRunner().invoke(cli, ["collect", "--lang", "zh", "-w", str(root)])
    assert "file is not a database" not in collected.output
    assert "查询出错：不是 SQLite 数据库文件" in collected.output, collected.output


def test_a_table_that_names_a_folder_is_a_problem_not_a_file_elsewhere(
    write_workspace: WriteWorkspace,
) -> None:
    # A CRM export's folder, as the brokerage plugin's data names one, is no file: it was
    # a warning that there was "no file data/crm", as for a file on another machine.
    settings = '[sources.sql]\ntables = { salons = "data/crm" }\n\n' + ATTENDEES
    root = sql_only_workspace(write_workspace, SALONS_OKRS, settings)
    (root / "data" / "crm").mkdir()
    done = validate(root)
    assert done.exit_code == 2, done.output
    assert "okrdesk.toml:2: sources.sql.tables.salons: data/crm is a folder, not a file" in (
        done.output
    )
    assert "是文件夹，不是文件" in validate(root, "zh").output
    asked = ["collect", "--through", "2026-01-31", "--lang", "en", "-w", str(root)]
    collected = CliRunner().invoke(cli, asked)
    assert collected.exit_code == 1
    assert "data/crm is a folder, not a file" in collected.output


def test_a_table_whose_options_cannot_be_read_leaves_every_other_query_checked(
    write_workspace: WriteWorkspace,
) -> None:
    """One table's delimiter written as two characters: validate said that alone, and ran
    none of the queries, so a misspelt column of another table's metric and a table
    misspelt in a third waited for the next collect, one fix at a time. Each query that
    reads a sound table is run; the one reading the broken table is told at the table."""
    settings = textwrap.dedent("""\
        [sources.sql.tables]
        salons = "data/salons.csv"
        calls = { path = "data/salons.csv", delimiter = ";;" }

        [[sources.sql.metrics]]
        name = "salon_attendees"
        kind = "flow"
        unit = "人"
        query = "SELECT cm_id AS subject, date AS day, atendees AS value FROM salons"

        [[sources.sql.metrics]]
        name = "calls"
        kind = "flow"
        unit = "次"
        query = "SELECT cm_id AS subject, date AS day, leads AS value FROM calls"

        [[sources.sql.metrics]]
        name = "salon_leads"
        kind = "flow"
        unit = "人"
        query = "SELECT cm_id AS subject, date AS day, leads AS value FROM salon"
        """)  # fmt: skip
    root = sql_only_workspace(write_workspace, SALONS_OKRS, settings)
    done = validate(root)
    assert done.exit_code == 2, done.output
    problems = [line for line in said(done) if line.startswith("okrdesk.toml:")]
    assert [line.split(": ")[:2] for line in problems] == [
        ["okrdesk.toml:3", "sources.sql.tables.calls.delimiter"],
        ["okrdesk.toml:9", "sources.sql.metrics[0].query"],
        ["okrdesk.toml:21", "sources.sql.metrics[2].query"],
    ], done.output
    assert 'no column "atendees" (similar: "attendees"' in problems[1]
    assert 'no table named "salon" (did you mean "salons"?)' in problems[2]
    assert said(done)[-1] == "3 files checked, 3 problems."
    chinese = [line for line in said(validate(root, "zh")) if line.startswith("okrdesk.toml:")]
    assert len(chinese) == 3 and '没有列 "atendees"' in chinese[1], chinese
    assert '没有名为 "salon" 的表' in chinese[2], chinese


@pytest.mark.parametrize(
    ("written", "en", "zh"),
    [
        ('tables = { salons = "data/salons.csv" }\ntimeout = "x"',
         "okrdesk.toml:3: sources.sql.timeout: does nothing over files or an SQLite database: "
         "it bounds each query on a warehouse (connection or connection_env); a collect over "
         "files is bounded by [workspace] plugin_timeout; leave it out",
         "okrdesk.toml:3: sources.sql.timeout: 读文件或 SQLite 数据库时不起作用：它限制的是"
         "数据仓库（connection 或 connection_env）上每条查询的时间；读文件的采集由 [workspace] "
         "plugin_timeout 限时；请删去"),
        ('database = "data/crm.sqlite"\ntimeout = 30', "okrdesk.toml:3: sources.sql.timeout: "
         "does nothing over files", "okrdesk.toml:3: sources.sql.timeout: 读文件或 SQLite"),
        ('tables = "data/salons.csv"',
         "okrdesk.toml:2: sources.sql.tables: expected a table of name = file",
         "okrdesk.toml:2: sources.sql.tables: 应为“名字 = 文件”的表"),
        ("database = 5", "okrdesk.toml:2: sources.sql.database: expected the path of an SQLite "
         "file", "okrdesk.toml:2: sources.sql.database: 应为 SQLite 文件的路径"),
        ('connection = "postgresql://dw.firm.internal/crm"\nallow_outside_workspace = ["/srv"]',
         "okrdesk.toml:3: sources.sql.allow_outside_workspace: does nothing with a server's "
         "connection: the queries run on the server, which reads no file of this machine; "
         "leave it out",
         "okrdesk.toml:3: sources.sql.allow_outside_workspace: 连接数据库服务器时不起作用：查询在"
         "服务器上运行，不读取本机的文件；请删去"),
        ('connection = "duckdb:data/crm.duckdb"\nallow_outside_workspace = "/srv"',
         "okrdesk.toml:3: sources.sql.allow_outside_workspace: expected an array of folder paths",
         "okrdesk.toml:3: sources.sql.allow_outside_workspace: 应为文件夹路径的数组"),
    ],
)  # fmt: skip
def test_a_setting_of_the_wrong_type_or_of_no_effect_for_the_source_is_said_at_its_line(
    write_workspace: WriteWorkspace, written: str, en: str, zh: str
) -> None:
    # `timeout = "x"` beside tables passed validate, and a collect over files went on as if
    # it bounded its queries.
    root = sql_only_workspace(write_workspace, SALONS_OKRS, f"[sources.sql]\n{written}\n\n"
                              + ATTENDEES)  # fmt: skip
    trusted(root)
    done = validate(root)
    assert done.exit_code == 2, done.output
    problems = [line for line in said(done) if line.startswith("okrdesk.toml:")]
    assert len(problems) == 1 and problems[0].startswith(en), done.output
    assert "Traceback" not in done.output
    chinese = [line for line in said(validate(root, "zh")) if line.startswith("okrdesk.toml:")]
    assert len(chinese) == 1 and chinese[0].startswith(zh), chinese


def test_a_view_written_for_sqlite_is_told_what_to_change_at_its_line(
    write_workspace: WriteWorkspace,
) -> None:
    # A metric's query got the advice; a view, DuckDB's "Wrong number of arguments provided
    # to DATE function", and the collect's own hint for it was never reached.
    settings = (
        '[sources.sql]\ntables = { salons = "data/salons.csv" }\n\n[sources.sql.views]\n'
        "recent = \"SELECT * FROM salons WHERE date > date('now', '-30 days')\"\n\n"
        + ATTENDEES.replace("FROM salons", "FROM recent")
    )
    root = sql_only_workspace(write_workspace, SALONS_OKRS, settings)
    done = validate(root)
    assert done.exit_code == 2, done.output
    assert [line for line in said(done) if line.startswith("okrdesk.toml:")] == [
        "okrdesk.toml:5: sources.sql.views.recent: written for SQLite; DuckDB, which reads the "
        "tables, cannot run it: date(x, 'modifier') is SQLite's: in DuckDB write "
        "date_trunc('month', x) for 'start of month' and x + INTERVAL 1 DAY for '+1 day'; "
        "'now' is SQLite's: in DuckDB write current_date or :through"
    ], done.output
    chinese = [line for line in said(validate(root, "zh")) if line.startswith("okrdesk.toml:")]
    assert chinese == [
        "okrdesk.toml:5: sources.sql.views.recent: 这是按 SQLite 写的；读这些表的 DuckDB 运行不了："
        "date(x, 'modifier') 是 SQLite 的写法：DuckDB 里 'start of month' 请写 "
        "date_trunc('month', x)，'+1 day' 请写 x + INTERVAL 1 DAY；'now' 是 SQLite 的写法："
        "DuckDB 里请写 current_date 或 :through"
    ], chinese
    collected = CliRunner().invoke(
        cli, ["collect", "--through", "2026-01-31", "--lang", "en", "-w", str(root)]
    )
    assert collected.exit_code == 1
    assert "sources.sql.views.recent: written for SQLite" in collected.output, collected.output
