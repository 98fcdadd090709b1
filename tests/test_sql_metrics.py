"""The built-in SQL metric source, on real CSV and SQLite files."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import sqlite3
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from okrdesk.cli import cli
from okrdesk.model import Person
from okrdesk.plugins import sql_metrics
from okrdesk.plugins.sql_metrics import SqlMetricError, check_query
from okrdesk.plugins.testing import check_plugin
from okrdesk.store import Store
from sample_workspace import WriteWorkspace

PEOPLE = (Person("cm01", "王芳", "team-a"), Person("cm02", "李强", "team-a"))
START, THROUGH = dt.date(2026, 1, 5), dt.date(2026, 1, 18)  # ISO weeks 2 and 3

SALONS = """\
date,cm_id,attendees,leads
2026-01-06,cm01,30,4
2026-01-08,cm01,20,1
2026-01-13,cm02,25,5
2026-01-19,cm02,40,8
"""
SALONS_OKRS = """\
[[objectives]]
id = "O9"
title = "沙龙"
owner = "branch"

[[objectives.key_results]]
id = "KR1"
title = "参会人数"
metric = "salon_attendees"
target = 600
unit = "人"
"""
"""An objective of the branch's, counting salon attendees: a key result on an SQL metric."""
BALANCES = """\
date,cm_id,assets
2026-01-06,cm01,100
2026-01-09,cm01,130
2026-01-09,cm01,20
2026-01-07,cm02,55
"""


def metric(name: str, kind: str, unit: str, query: str) -> dict[str, str]:
    return {"name": name, "kind": kind, "unit": unit, "query": query}


@pytest.fixture
def csv_workspace(tmp_path: Path) -> Path:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "salons.csv").write_text(SALONS, encoding="utf-8")
    (tmp_path / "data" / "balances.csv").write_text(BALANCES, encoding="utf-8")
    return tmp_path


def run_check(workspace: Path, settings: dict[str, object]):  # type: ignore[no-untyped-def]
    return check_plugin(
        sql_metrics, people=PEOPLE, start=START, through=THROUGH, settings=settings,
        workspace=workspace,
    )  # fmt: skip


def test_flow_ratio_and_stock_metrics_from_csv(csv_workspace: Path) -> None:
    settings = {
        "tables": {"salons": "data/salons.csv", "balances": "data/balances.csv"},
        "metrics": [
            metric("attendees", "flow", "人",
                   "SELECT cm_id AS subject, date AS day, attendees AS value FROM salons"),
            metric("lead_rate", "ratio", "%",
                   "SELECT cm_id AS subject, date AS day, leads AS numerator, "
                   "attendees AS denominator FROM salons WHERE date <= :through"),
            metric("assets", "stock", "元",
                   "SELECT cm_id AS subject, date AS day, assets AS value FROM balances"),
        ],
    }  # fmt: skip
    check = run_check(csv_workspace, settings)
    check.assert_valid()
    # cm01 held two salons in week 2: 30 + 20 attendees, 4 + 1 leads.
    assert check.value("attendees", "cm01", "2026-W02").value == 50
    rate = check.value("lead_rate", "cm01", "2026-W02")
    assert (rate.numerator, rate.denominator) == (5, 50)
    # 2026-01-19 is after `through`: not counted.
    assert check.value("attendees", "cm02", "2026-W03").value == 25
    # A stock takes the period's last day only: 130 + 20 on the 9th, not 100.
    assert check.value("assets", "cm01", "2026-W02").value == 150
    # The file rows behind it: the header is row 1, the 9th's rows are 3 and 4.
    assert check.value("assets", "cm01", "2026-W02").source == (
        "SQL metric assets: balances.csv rows 3-4"
    )
    assert check.value("attendees", "cm01", "2026-W02").source == (
        "SQL metric attendees: salons.csv rows 2-3"
    )
    # The row of the 19th, after `through`, is counted and said, not silently dropped.
    assert check.warnings == [
        "plugin plugin-under-test metric attendees: 1 row dated 2026-01-19 "
        "lies after 2026-01-18; not counted",
    ]


def test_an_sqlite_file_is_read_only(tmp_path: Path) -> None:
    path = tmp_path / "crm.sqlite"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE trades (cm TEXT, period TEXT, fee REAL)")
        connection.execute("INSERT INTO trades VALUES ('cm01', '2026-W03', 12.5)")
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    settings = {
        "database": "crm.sqlite",
        "metrics": [
            metric("fees", "flow", "元",
                   "SELECT cm AS subject, period, sum(fee) AS value FROM trades GROUP BY 1, 2"),
            metric("sneaky", "flow", "元",
                   "WITH x AS (SELECT 1) SELECT cm AS subject, period, fee AS value "
                   "FROM trades WHERE (SELECT count(*) FROM pragma_table_info('trades')) > 0"),
        ],
    }  # fmt: skip
    check = run_check(tmp_path, settings)
    assert check.value("fees", "cm01", "2026-W03").value == 12.5
    assert check.problems == [
        "plugin plugin-under-test metric sneaky: sources.sql.metrics[1].query: the query "
        "failed: not authorized "
        "(1 problem; none of its figures stored)"
    ]
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


@pytest.mark.parametrize(
    "query",
    [
        "DELETE FROM salons",
        "DROP TABLE salons",
        "INSERT INTO salons VALUES (1, 2, 3, 4)",
        "ATTACH DATABASE 'x.db' AS x",
        "PRAGMA writable_schema = ON",
        "  -- a comment first\n  UPDATE salons SET leads = 0",
        "",
    ],
)
def test_anything_but_select_is_refused_before_it_runs(query: str) -> None:
    with pytest.raises(SqlMetricError, match="only a SELECT query is allowed"):
        check_query(query)


@pytest.mark.parametrize(
    "query",
    [
        "SELECT 1 AS subject; DELETE FROM salons",
        "WITH gone AS (SELECT 1) DELETE FROM salons",
        "SELECT load_extension('/tmp/evil.so')",
    ],
)
def test_a_disguised_write_is_stopped_at_run_time(csv_workspace: Path, query: str) -> None:
    settings = {
        "tables": {"salons": "data/salons.csv"},
        "metrics": [metric("bad", "flow", "人", query)],
    }
    check = run_check(csv_workspace, settings)
    assert check.observations == []
    (problem,) = check.problems
    assert problem.startswith(
        "plugin plugin-under-test metric bad: sources.sql.metrics[0].query: the query failed"
    )


def test_missing_columns_are_named(csv_workspace: Path) -> None:
    settings = {
        "tables": {"salons": "data/salons.csv"},
        "metrics": [metric("x", "ratio", "%", "SELECT cm_id AS subject, date AS day FROM salons")],
    }
    (problem,) = run_check(csv_workspace, settings).problems
    assert "missing numerator, denominator" in problem


def test_a_bad_definition_is_a_named_plugin_error(csv_workspace: Path) -> None:
    settings = {"metrics": [metric("x", "average", "人", "SELECT 1")]}
    (problem,) = run_check(csv_workspace, settings).problems
    assert "sources.sql.metrics[0].kind: 'average' is not one of stock, flow, ratio" in problem


def test_sql_metrics_reach_plugins_and_validate(write_workspace: WriteWorkspace) -> None:
    root = write_workspace(
        {"salons.toml": SALONS_OKRS}
    )  # fmt: skip
    (root / "data").mkdir()
    (root / "data" / "salons.csv").write_text(SALONS, encoding="utf-8")
    (root / "okrdesk.toml").write_text(
        textwrap.dedent("""\
            [sources.sql]
            tables = { salons = "data/salons.csv" }

            [[sources.sql.metrics]]
            name = "salon_attendees"
            label_zh = "沙龙参会人数"
            kind = "flow"
            unit = "人"
            query = "SELECT cm_id AS subject, date AS day, attendees AS value FROM salons"
            """),
        encoding="utf-8",
    )
    listed = CliRunner().invoke(cli, ["plugins", "--json", "-w", str(root)])
    sql = next(p for p in json.loads(listed.output)["plugins"] if p["name"] == "sql")
    assert sql["origin"] == "built-in"
    assert [m["name"] for m in sql["metrics"]] == ["salon_attendees"]
    validated = CliRunner().invoke(cli, ["validate", "--lang", "en", "-w", str(root)])
    assert validated.exit_code == 0, validated.output


ATTENDEES_DEFINITION = """\
[[sources.sql.metrics]]
name = "salon_attendees"
kind = "flow"
unit = "人"
query = "SELECT cm_id AS subject, date AS day, attendees AS value FROM salons"
"""


def sql_only_workspace(write_workspace: WriteWorkspace, okrs: str, settings: str) -> Path:
    """A workspace of salons.toml's key results alone, on SQL metrics over
    data/salons.csv, with ``settings`` as its okrdesk.toml."""
    root = write_workspace(
        {"salons.toml": okrs, "okrs.toml": None, "budget.toml": None}, plugin=False
    )
    (root / "data").mkdir()
    (root / "data" / "salons.csv").write_text(SALONS, encoding="utf-8")
    (root / "okrdesk.toml").write_text(settings, encoding="utf-8")
    return root


def test_a_broken_definition_fails_only_its_own_key_result(
    write_workspace: WriteWorkspace,
) -> None:
    """A metric whose definition cannot be used is unknown, so the key result on it would
    make the plan unusable: validate names the definition's mistake at its line, and the
    key result, but collect and the report run for every other metric, the key result a
    warning to them."""
    broken = SALONS_OKRS.replace('id = "O9"', 'id = "O8"') + (
        '\n[[objectives.key_results]]\nid = "KR2"\ntitle = "线索"\nmetric = "salon_leads"\n'
        'target = 60\nunit = "人"\n'
    )
    leads = textwrap.dedent("""\
        [[sources.sql.metrics]]
        name = "salon_leads"
        kind = "flow"
        unit = "人"
        query = '''SELECT cm_id AS subject, date(date, 'start of month') AS day,
        leads AS value FROM salons'''
        """)
    settings = '[sources.sql]\ntables = { salons = "data/salons.csv" }\n\n'
    root = sql_only_workspace(
        write_workspace, broken, settings + ATTENDEES_DEFINITION + "\n" + leads
    )
    validated = CliRunner().invoke(cli, ["validate", "--lang", "en", "-w", str(root)])
    assert validated.exit_code == 2
    lines = validated.output.splitlines()
    assert lines[0].startswith(
        "okrdesk.toml:14: sources.sql.metrics[1].query: metric salon_leads: written for SQLite"
    )
    # validate names the key result on it too, as a problem: nothing measures it yet. Its
    # name is not misspelt: no "did you mean" another metric, which would have the plan
    # changed to measure something else.
    assert any(line.endswith('.metric: no loaded plugin provides metric "salon_leads": plugin '
                             "sql could not declare it, its definition in okrdesk.toml having "
                             "a mistake (told at its line)")
               for line in lines), lines  # fmt: skip
    assert "did you mean" not in validated.output
    chinese = CliRunner().invoke(cli, ["validate", "--lang", "zh", "-w", str(root)])
    assert ('已加载的插件都不提供指标 "salon_leads"：插件 sql 未能声明它，因为它在 okrdesk.toml '
            "中的定义有误（见该行的问题）") in chinese.output  # fmt: skip
    done = CliRunner().invoke(
        cli, ["collect", "--through", "2026-01-31", "--lang", "en", "-w", str(root)]
    )
    assert done.exit_code == 1
    # Told once, at its line of okrdesk.toml as validate tells it: not as the declaring
    # hook's BrokenDefinitions and then again as a metric no plugin provides.
    errors = [line for line in done.output.splitlines() if line.startswith("error: ")]
    assert errors == [
        "error: plugin sql: okrdesk.toml:14: sources.sql.metrics[1].query: metric salon_leads: "
        "written for SQLite; DuckDB, which reads the tables, cannot run it: date(x, "
        "'modifier') is SQLite's: in DuckDB write date_trunc('month', x) for 'start of month' "
        "and x + INTERVAL 1 DAY for '+1 day'"
    ], done.output
    # salon_leads never had a figure stored: nothing earlier to keep.
    assert done.output.endswith("The metrics not stored have no numbers yet: salon_leads.\n")
    with Store.open(root / "okrdesk.db") as store:
        assert {row[0] for row in store.query("SELECT metric FROM observations")} == {
            "salon_attendees"
        }
    report = CliRunner().invoke(cli, ["report", "--format", "json", "-w", str(root)])
    assert report.exit_code == 0, report.output
    # The report and check tell it at its line too, not as "BrokenDefinitions: …".
    told = [a["message"] for a in json.loads(report.output)["alerts"] if a["kind"] == "plugin"]
    assert told and all("BrokenDefinitions" not in said for said in told), told
    assert any(said.startswith("插件 sql：okrdesk.toml:14: sources.sql.metrics[1].query:")
               for said in told), told  # fmt: skip
    checked = CliRunner().invoke(cli, ["check", "--lang", "en", "-w", str(root)])
    assert "okrdesk.toml:14: sources.sql.metrics[1].query: metric salon_leads" in checked.output
    assert "BrokenDefinitions" not in checked.output
    # A misspelt metric is no broken definition: it stops the plan as before.
    salons = root / "targets" / "salons.toml"
    salons.write_text(
        salons.read_text(encoding="utf-8").replace('"salon_attendees"', '"salon_atendees"'),
        encoding="utf-8",
    )
    refused = CliRunner().invoke(cli, ["report", "--lang", "en", "-w", str(root)])
    assert refused.exit_code == 2
    assert 'no loaded plugin provides metric "salon_atendees"' in refused.output
    # But beside a definition that names no metric it may be that one's: the report runs.
    with (root / "okrdesk.toml").open("a", encoding="utf-8") as settings_file:
        settings_file.write('\n[[sources.sql.metrics]]\nkind = "flow"\nunit = "人"\n'
                            'query = "SELECT 1"\n')  # fmt: skip
    shown = CliRunner().invoke(cli, ["report", "--lang", "en", "-w", str(root)])
    assert shown.exit_code == 0, shown.output
    # With salon_leads, whose definition is broken: one line for the two (alerts.py).
    told = " ".join(shown.output.split())
    assert "2 metrics: no loaded plugin provides them: salon_atendees, salon_leads" in told


NEW_ATTENDEES_SHARE = """\
[[objectives]]
id = "O7"
title = "新客"
owner = "branch"

[[objectives.key_results]]
id = "KR1"
title = "新参会者占比"
metric = "new_attendee_share"
target = 0.3
unit = "%"
"""
"""A key result on a derived metric whose formula names an SQL metric."""


def test_a_formula_naming_a_metric_whose_definition_is_broken_is_told_so_not_a_guess(
    write_workspace: WriteWorkspace,
) -> None:
    """A derived metric's formula naming an SQL metric whose query has a mistake (its
    plugin loaded) was told "did you mean "salon_attendees"?", where a key result naming
    that metric is told its definition has a mistake: the formula now gets those words."""
    broken = textwrap.dedent("""\
        [[sources.sql.metrics]]
        name = "salon_attendees_new"
        kind = "flow"
        unit = "人"
        query = '''SELECT cm_id AS subject, date(date, 'start of month') AS day,
        attendees AS value FROM salons'''

        [[sources.derived.metrics]]
        name = "new_attendee_share"
        label = "新参会者占比"
        unit = "%"
        formula = "salon_attendees_new / salon_attendees"
        """)
    settings = '[sources.sql]\ntables = { salons = "data/salons.csv" }\n\n'
    root = sql_only_workspace(
        write_workspace, NEW_ATTENDEES_SHARE, settings + ATTENDEES_DEFINITION + "\n" + broken
    )
    english = CliRunner().invoke(cli, ["validate", "--lang", "en", "-w", str(root)])
    chinese = CliRunner().invoke(cli, ["validate", "--lang", "zh", "-w", str(root)])
    assert english.exit_code == chinese.exit_code == 2, english.output
    said = " ".join(english.output.split())
    # The definition's mistake at its own line, then the formula pointing there.
    assert "sources.sql.metrics[1].query: metric salon_attendees_new: written for SQLite" in said
    assert (
        'key_results[KR1].metric: metric "new_attendee_share" (salon_attendees_new / '
        'salon_attendees) uses "salon_attendees_new", which no loaded plugin provides: plugin '
        "sql could not declare it, its definition in okrdesk.toml having a mistake (told at "
        "its line)"
    ) in said, said
    assert "did you mean" not in said and said.endswith("2 problems."), said
    told = " ".join(chinese.output.split())
    assert (
        'key_results[KR1].metric: 指标 "new_attendee_share"（salon_attendees_new / '
        'salon_attendees）用到的 "salon_attendees_new"，已加载的插件都不提供：插件 sql 未能声明它，'
        "因为它在 okrdesk.toml 中的定义有误（见该行的问题）"
    ) in told, told
    assert "是不是" not in told


def test_plugins_tells_a_broken_definition_at_its_line(write_workspace: WriteWorkspace) -> None:
    """``okrdesk plugins`` tells a definition it could not use as validate, collect and the
    report do, at its line of okrdesk.toml: not as the exception its declaration raised
    ("okrdesk_metrics failed: BrokenDefinitions: …", with no line)."""
    misspelt = ATTENDEES_DEFINITION.replace('unit = "人"', 'unit = "人"\nvalue_in = "万人"')
    settings = '[sources.sql]\ntables = { salons = "data/salons.csv" }\n\n'
    root = sql_only_workspace(write_workspace, SALONS_OKRS, settings + misspelt)
    at_line = "okrdesk.toml:4: sources.sql.metrics[0]: "
    listed = CliRunner().invoke(cli, ["plugins", "sql", "--lang", "en", "-w", str(root)])
    assert f"    error: {at_line}unknown keys value_in" in listed.output, listed.output
    chinese = CliRunner().invoke(cli, ["plugins", "sql", "--lang", "zh", "-w", str(root)])
    assert f"    错误：{at_line}未知的键 value_in" in chinese.output, chinese.output
    as_json = CliRunner().invoke(cli, ["plugins", "sql", "--json", "-w", str(root)])
    (sql,) = json.loads(as_json.output)["plugins"]
    assert [e.startswith(at_line) for e in sql["errors"] + sql["errors_zh"]] == [True, True]
    assert "BrokenDefinitions" not in listed.output + chinese.output + as_json.output


def test_validate_reads_the_tables_and_names_as_collect_would(
    write_workspace: WriteWorkspace,
) -> None:
    """A misspelt option of a table and a metric named twice are problems at their lines;
    a table's file that is not on this machine is a warning (the plan can be checked
    where the data is not)."""
    tables = (
        '[sources.sql.tables]\nsalons = { path = "data/salons.csv", encodng = "gbk" }\n'
        'deposits = "data/deposits.csv.gz"\n\n'
    )
    twice = ATTENDEES_DEFINITION + "\n" + ATTENDEES_DEFINITION
    root = sql_only_workspace(write_workspace, SALONS_OKRS, tables + twice)
    done = CliRunner().invoke(cli, ["validate", "--lang", "en", "-w", str(root)])
    assert done.exit_code == 2
    said = [line for line in done.output.splitlines() if not line.startswith(" ")]
    assert said == [
        "okrdesk.toml:2: sources.sql.tables.salons: unknown keys encodng",
        "okrdesk.toml:12: sources.sql.metrics[1].name: metric salon_attendees: already the "
        "name of sources.sql.metrics[0]; give each metric its own name",
        "warning: okrdesk.toml:3: sources.sql.tables.deposits: no file data/deposits.csv.gz",
        "3 files checked, 2 problems.",
    ]
    # A database beside tables, which collect refuses, is refused here first.
    (root / "okrdesk.toml").write_text(
        '[sources.sql]\ndatabase = "crm.db"\ntables = { salons = "data/salons.csv" }\n\n'
        + ATTENDEES_DEFINITION, encoding="utf-8"
    )  # fmt: skip
    both = CliRunner().invoke(cli, ["validate", "--lang", "en", "-w", str(root)])
    assert both.exit_code == 2
    assert ("okrdesk.toml:2: sources.sql.database: give either database or tables, not both"
            in both.output)  # fmt: skip


def test_validate_tells_every_broken_option_of_a_table_at_once(
    write_workspace: WriteWorkspace,
) -> None:
    """A table with its encoding, header, skip and a column's type all mistyped told the
    encoding alone, and each fix the next one validate after validate; now each at its
    line at once, as a target file's keys are, in both languages, and the sound table
    and the metric's definitions beside it as before."""
    tables = (
        '[sources.sql.tables.salons]\npath = "data/salons.csv"\nencoding = "gbkk"\n'
        'header = "yes"\nskip = -1\ntypes = { amount = "money" }\n\n'
        '[sources.sql.tables.deposits]\npath = "data/deposits.csv"\nencodng = "gbk"\n'
        "decimal = 5\n\n"
    )
    twice = ATTENDEES_DEFINITION + "\n" + ATTENDEES_DEFINITION
    root = sql_only_workspace(write_workspace, SALONS_OKRS, tables + twice)
    done = CliRunner().invoke(cli, ["validate", "--lang", "en", "-w", str(root)])
    assert done.exit_code == 2
    said = [line for line in done.output.splitlines() if not line.startswith(" ")]
    assert said[:-1] == [
        "okrdesk.toml:3: sources.sql.tables.salons.encoding: unknown encoding 'gbkk'",
        "okrdesk.toml:4: sources.sql.tables.salons.header: expected true or false",
        "okrdesk.toml:5: sources.sql.tables.salons.skip: expected a count of rows, 0 or more",
        "okrdesk.toml:6: sources.sql.tables.salons.types.amount: unknown type 'money'; use one "
        "of bigint, date, datetime, decimal, double, float, int, integer, number, real, string, "
        "text, timestamp, varchar",
        "okrdesk.toml:8: sources.sql.tables.deposits: unknown keys encodng",
        "okrdesk.toml:11: sources.sql.tables.deposits.decimal: expected a string",
        "okrdesk.toml:20: sources.sql.metrics[1].name: metric salon_attendees: already the "
        "name of sources.sql.metrics[0]; give each metric its own name",
    ]
    chinese = CliRunner().invoke(cli, ["validate", "--lang", "zh", "-w", str(root)]).output
    assert "okrdesk.toml:5: sources.sql.tables.salons.skip: 应为行数，0 或更多" in chinese
    assert "okrdesk.toml:11: sources.sql.tables.deposits.decimal: 应为文本" in chinese


def test_an_sql_metric_says_whether_it_is_revenue(write_workspace: WriteWorkspace) -> None:
    root = write_workspace(
        {"fees.toml": """\
            [[objectives]]
            id = "O9"
            title = "收入"
            owner = "branch"

            [[objectives.key_results]]
            id = "FEES"
            title = "沙龙带来的佣金"
            metric = "salon_fees"
            target = 50
            unit = "万元"

            [[budget.lines]]
            id = "salons"
            name = "沙龙"
            owner = "branch"
            amount = 20
            key_results = ["O9.FEES"]
            revenue = ["O9.FEES"]
            """, "budget.toml": None}
    )  # fmt: skip
    (root / "data").mkdir()
    (root / "data" / "salons.csv").write_text(SALONS, encoding="utf-8")
    settings = """\
        [sources.sql]
        tables = {{ salons = "data/salons.csv" }}

        [[sources.sql.metrics]]
        name = "salon_fees"
        kind = "flow"
        unit = "元"
        {revenue}
        query = "SELECT cm_id AS subject, date AS day, leads * 1000 AS value FROM salons"
        """
    validated = {}
    for flag in ("revenue = true", "", 'revenue = "yes"'):
        (root / "okrdesk.toml").write_text(
            textwrap.dedent(settings.format(revenue=flag)), encoding="utf-8"
        )
        validated[flag] = CliRunner().invoke(cli, ["validate", "--lang", "en", "-w", str(root)])
    assert validated["revenue = true"].exit_code == 0, validated["revenue = true"].output
    assert validated[""].exit_code == 2
    assert (
        'targets/fees.toml:19: budget.lines[salons].revenue[0]: "O9.FEES" is measured by metric '
        '"salon_fees", which its plugin does not declare as revenue'
    ) in validated[""].output
    assert "sources.sql.metrics[0].revenue: expected true or false, got 'yes'" in (
        validated['revenue = "yes"'].output
    )


def test_an_sql_metric_that_is_no_money_is_refused_as_revenue(
    write_workspace: WriteWorkspace,
) -> None:
    # Attendees declared revenue passed, to be counted as income in a budget line's ROI.
    settings = (
        '[sources.sql]\ntables = { salons = "data/salons.csv" }\n\n'
        + ATTENDEES_DEFINITION.replace('unit = "人"', 'unit = "人"\nrevenue = true')
    )
    root = sql_only_workspace(write_workspace, SALONS_OKRS, settings)
    said = {
        lang: CliRunner().invoke(cli, ["validate", "--lang", lang, "-w", str(root)])
        for lang in ("en", "zh")
    }
    assert said["en"].exit_code == 2, said["en"].output
    assert (
        "okrdesk.toml:8: sources.sql.metrics[0].revenue: only money earned (commission, fees, "
        "interest) is revenue, which a budget line's ROI counts; a "
        "figure in 人 is no money"
    ) in said["en"].output.splitlines()
    assert (
        "okrdesk.toml:8: sources.sql.metrics[0].revenue: 只有挣到的钱"
        "（佣金、费用、利息）才是收入，预算项的 ROI 只计它；以 人 计的数不是金额"
    ) in said["zh"].output.splitlines()


# ------------------------------------------------- confined to the workspace

ATTENDEES = "SELECT cm_id AS subject, date AS day, attendees AS value FROM salons"


def salons_elsewhere(tmp_path: Path) -> tuple[Path, Path]:
    workspace, elsewhere = tmp_path / "ws", tmp_path / "elsewhere"
    workspace.mkdir()
    elsewhere.mkdir()
    (elsewhere / "salons.csv").write_text(SALONS, encoding="utf-8")
    return workspace, elsewhere


@pytest.mark.parametrize("written", ["../elsewhere/salons.csv", "ABSOLUTE", "data/salons.csv"])
def test_a_table_outside_the_workspace_is_refused(tmp_path: Path, written: str) -> None:
    workspace, elsewhere = salons_elsewhere(tmp_path)
    if written == "ABSOLUTE":
        written = str(elsewhere / "salons.csv")
    else:
        (workspace / "data").symlink_to(elsewhere)  # a link out of the workspace
    settings = {"tables": {"salons": written},
                "metrics": [metric("attendees", "flow", "人", ATTENDEES)]}  # fmt: skip
    check = run_check(workspace, settings)
    assert check.observations == []
    (problem,) = check.problems
    assert "sources.sql.tables.salons:" in problem
    assert "lies outside the workspace" in problem and "allow_outside_workspace" in problem
    allowed = {**settings, "allow_outside_workspace": [str(elsewhere)]}
    assert run_check(workspace, allowed).value("attendees", "cm01", "2026-W02").value == 50


def test_system_files_are_refused_and_never_quoted(tmp_path: Path) -> None:
    passwd = Path("/etc/passwd")
    settings = {"tables": {"p": str(passwd)},
                "metrics": [metric("x", "flow", "人", "SELECT * FROM p")]}  # fmt: skip
    (problem,) = run_check(tmp_path, settings).problems
    assert "lies outside the workspace" in problem
    database = {"database": "../../../../../../../../etc/passwd",
                "metrics": [metric("x", "flow", "人", "SELECT * FROM p")]}  # fmt: skip
    (problem,) = run_check(tmp_path, database).problems
    assert "sources.sql.database" in problem and "lies outside the workspace" in problem
    assert "root:" not in problem


@pytest.mark.parametrize(("folder", "link"), [("*", "crm"), ("?", "c"), ("[c]", "c")])
def test_a_name_duckdb_reads_as_a_pattern_reads_no_file_but_its_own(
    write_workspace: WriteWorkspace, tmp_path: Path, folder: str, link: str
) -> None:
    # data/*/salons.csv, a folder of the workspace named * beside data/crm, a link to
    # your exports: DuckDB read every salons.csv the pattern matched, yours through the
    # link too, and the collect stored its figures without asking for trust.
    settings = f'[sources.sql]\ntables = {{ salons = "data/{folder}/salons.csv" }}\n\n'
    root = sql_only_workspace(write_workspace, SALONS_OKRS, settings + ATTENDEES_DEFINITION)
    (root / "data" / folder).mkdir()
    (root / "data" / "salons.csv").rename(root / "data" / folder / "salons.csv")
    yours = tmp_path / "your-exports"
    yours.mkdir()
    (yours / "salons.csv").write_text("date,cm_id,attendees\n2026-01-06,cm01,999999\n",
                                      encoding="utf-8")  # fmt: skip
    (root / "data" / link).symlink_to(yours)
    done = CliRunner().invoke(cli, ["collect", "--through", THROUGH.isoformat(), "-w", str(root)])
    assert done.exit_code == 0, done.output
    with Store.open(root / "okrdesk.db") as store:
        stored = store.query("SELECT subject, sum(value) FROM observations GROUP BY 1 ORDER BY 1")
    assert [tuple(row) for row in stored] == [("cm01", 50), ("cm02", 25)]  # SALONS alone


def test_a_file_named_with_brackets_and_gzipped_reads_as_itself(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    named = tmp_path / "data" / "沙龙[2026-01]{终版}.csv.gz"
    named.write_bytes(gzip.compress(SALONS.encode("utf-8")))
    settings = {"tables": {"salons": "data/沙龙[2026-01]{终版}.csv.gz"},
                "metrics": [metric("attendees", "flow", "人", ATTENDEES)]}  # fmt: skip
    check = run_check(tmp_path, settings)
    assert check.problems == []
    assert check.value("attendees", "cm01", "2026-W02").value == 50


@pytest.mark.parametrize("inside", [True, False])
def test_an_sqlite_file_is_opened_immutable(tmp_path: Path, inside: bool) -> None:
    workspace, elsewhere = salons_elsewhere(tmp_path)
    if inside:
        elsewhere = workspace
        (workspace / "salons.csv").write_text(SALONS, encoding="utf-8")
    crm = elsewhere / "crm.sqlite"
    connection = sqlite3.connect(crm)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("CREATE TABLE trades (cm TEXT, period TEXT, fee REAL)")
    connection.execute("INSERT INTO trades VALUES ('cm01', '2026-W03', 12.5)")
    connection.commit()
    connection.close()
    before = sorted(p.name for p in elsewhere.iterdir())
    settings: dict[str, object] = {
        "database": str(crm),
        **({} if inside else {"allow_outside_workspace": [str(elsewhere)]}),
        "metrics": [metric("fees", "flow", "元",
                           "SELECT cm AS subject, period, sum(fee) AS value FROM trades "
                           "GROUP BY 1, 2")],
    }  # fmt: skip
    check = run_check(workspace, settings)
    assert check.value("fees", "cm01", "2026-W03").value == 12.5
    assert sorted(p.name for p in elsewhere.iterdir()) == before == ["crm.sqlite", "salons.csv"]


# ------------------------------------------------- one metric fails alone

TEXT_IN_NUMBERS = """\
date,cm_id,attendees,leads
2026-01-06,cm01,30,4
2026-01-08,cm01,twenty,1
"""


def test_a_text_value_names_the_metric_table_row_and_column(csv_workspace: Path) -> None:
    (csv_workspace / "data" / "bad.csv").write_text(TEXT_IN_NUMBERS, encoding="utf-8")
    settings = {
        "tables": {"salons": "data/salons.csv", "bad": "data/bad.csv"},
        "metrics": [
            metric("broken", "flow", "人",
                   "SELECT cm_id AS subject, date AS day, attendees AS value FROM bad"),
            metric("attendees", "flow", "人", ATTENDEES),
        ],
    }  # fmt: skip
    check = run_check(csv_workspace, settings)
    check.assert_valid()
    assert check.value("attendees", "cm01", "2026-W02").value == 50
    # The text cell drops its row, counted and named by file row, never the metric.
    assert check.value("broken", "cm01", "2026-W02").value == 30
    (warning,) = [w for w in check.warnings if "metric broken" in w]
    assert warning == (
        "plugin plugin-under-test metric broken: 1 row left out: column value holds "
        "text, not a number (table bad: bad.csv row 3)"
    )
    assert "twenty" not in warning


def test_one_bad_definition_leaves_the_other_sql_metrics(csv_workspace: Path) -> None:
    settings = {
        "tables": {"salons": "data/salons.csv", "gone": "data/missing.csv"},
        "metrics": [
            metric("odd", "average", "人", "SELECT 1"),
            metric("lost", "flow", "人",
                   "SELECT cm_id AS subject, date AS day, attendees AS value FROM gone"),
            metric("attendees", "flow", "人", ATTENDEES),
        ],
    }  # fmt: skip
    check = run_check(csv_workspace, settings)
    assert check.value("attendees", "cm01", "2026-W02").value == 50
    assert len(check.problems) == 2, check.problems
    assert (
        "sources.sql.metrics[0].kind: 'average' is not one of stock, flow, ratio"
        in check.problems[0]
    )
    assert "metric lost: sources.sql.tables.gone: no file data/missing.csv" in (check.problems[1])


SECRET_ROWS = """\
date,cm_id,attendees,leads
2026-01-06,cm01,30,4
2026-01-07,SECRET-TOKEN-8c1f,3,1
"""


def test_collect_names_the_row_and_stores_no_file_content(
    write_workspace: WriteWorkspace,
) -> None:
    root = write_workspace(
        {"salons.toml": SALONS_OKRS}
    )  # fmt: skip
    (root / "data").mkdir()
    (root / "data" / "salons.csv").write_text(SECRET_ROWS, encoding="utf-8")
    (root / "okrdesk.toml").write_text(
        textwrap.dedent(f"""\
            [sources.sql]
            tables = {{ salons = "data/salons.csv" }}

            [[sources.sql.metrics]]
            name = "salon_attendees"
            kind = "flow"
            unit = "人"
            query = "{ATTENDEES}"
            """),
        encoding="utf-8",
    )
    done = CliRunner().invoke(
        cli, ["collect", "--through", "2026-03-15", "--lang", "en", "-w", str(root)]
    )
    assert done.exit_code == 1
    assert "table salons, salons.csv row 3: column subject is not the id of a person" in done.output
    assert "SECRET" not in done.output
    with sqlite3.connect(root / "okrdesk.db") as connection:
        stored = connection.execute("SELECT errors FROM runs").fetchall()
    assert "salons.csv row 3" in str(stored) and "SECRET" not in str(stored)


CHANNELS = """\
date,cm_id,channel,attendees
2026-01-06,cm01,app,30
2026-01-08,cm01,outlet,10
2026-01-13,cm02,app,20
"""

LABELLED = """\
[sources.sql]
tables = { salons = "data/salons.csv" }

[[sources.sql.metrics]]
name = "salon_attendees"
kind = "flow"
unit = "人"
dimensions = ["channel"]
query = "SELECT cm_id AS subject, date AS day, channel, attendees AS value FROM salons"

[sources.sql.metrics.dimension_labels.channel]
zh = "渠道"
en = "channel"
values_zh = { app = "手机", outlet = "网点" }
"""


def labelled_workspace(write_workspace: WriteWorkspace, settings: str) -> Path:
    root = write_workspace({"salons.toml": SALONS_OKRS + 'breakdown = "channel"\n'})
    (root / "data").mkdir()
    (root / "data" / "salons.csv").write_text(CHANNELS, encoding="utf-8")
    (root / "okrdesk.toml").write_text(settings, encoding="utf-8")
    return root


def test_an_sql_metric_names_its_dimensions_in_the_report(
    write_workspace: WriteWorkspace,
) -> None:
    root = labelled_workspace(write_workspace, LABELLED)
    done = CliRunner().invoke(cli, ["collect", "--through", "2026-01-18", "-w", str(root)])
    assert done.exit_code == 0, done.output
    args = ["report", "--as-of", "2026-01-18", "-w", str(root)]
    chinese = CliRunner().invoke(cli, args, env={"COLUMNS": "200"}).output
    assert "按渠道拆分" in chinese and "↳ 手机（占 83.3%）" in chinese
    assert "↳ 网点（占 16.7%）" in chinese
    english = CliRunner().invoke(cli, [*args, "--lang", "en"], env={"COLUMNS": "200"}).output
    assert "By channel" in english and "↳ app (83.3%)" in english


@pytest.mark.parametrize(
    ("written", "rewritten", "problem"),
    [
        ("labels.channel]", "labels.chanel]",
         "dimension_labels.chanel: not one of the metric's dimensions (channel)"),
        ('zh = "渠道"', "zh = 3", "dimension_labels.channel.zh: expected a string"),
        ('values_zh = { app = "手机", outlet = "网点" }', "values_zh = { app = 1 }",
         "dimension_labels.channel.values_zh: expected a table of value"),
        ('en = "channel"', 'colour = "red"', "dimension_labels.channel: unknown keys colour"),
    ],
)  # fmt: skip
def test_bad_dimension_labels_are_named(
    write_workspace: WriteWorkspace, written: str, rewritten: str, problem: str
) -> None:
    root = labelled_workspace(write_workspace, LABELLED.replace(written, rewritten))
    done = CliRunner().invoke(cli, ["validate", "--lang", "en", "-w", str(root)])
    assert done.exit_code != 0
    assert problem in done.output, done.output
    assert "Traceback" not in done.output


def test_an_sql_flow_declared_never_negative_fails_on_a_figure_below_zero(
    csv_workspace: Path,
) -> None:
    """Attendees less leads, which one salon of the file takes below zero for cm01's week:
    taken as a net flow, refused as one declared never negative."""
    query = "SELECT cm_id AS subject, date AS day, leads - attendees AS value FROM salons"
    settings = {
        "tables": {"salons": "data/salons.csv"},
        "metrics": [metric("net", "flow", "人", query),
                    {**metric("never", "flow", "人", query), "never_negative": True}],
    }  # fmt: skip
    check = run_check(csv_workspace, settings)
    assert check.value("net", "cm01", "2026-W02").value == -45
    assert [o for o in check.observations if o.metric == "never"] == []
    assert any("metric never:" in p and "a count cannot be negative (-45)" in p
               for p in check.problems), check.problems  # fmt: skip
    bad = {**settings, "metrics": [{**metric("never", "flow", "人", query),
                                    "never_negative": "yes"}]}  # fmt: skip
    assert any("never_negative: expected true or false, got 'yes'" in p
               for p in run_check(csv_workspace, bad).problems)  # fmt: skip


def test_explain_says_why_a_metric_has_no_figure(
    write_workspace: WriteWorkspace,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Collected, and failed: explain named no plugin ("from plugin -") and said to run
    collect, which had been run. It names the source and the collect that failed it."""
    monkeypatch.setenv("COLUMNS", "1000")  # explain's rows whole: what it says, not how it folds
    settings = '[sources.sql]\ntables = { salons = "data/salons.csv" }\n\n' + ATTENDEES_DEFINITION
    root = sql_only_workspace(write_workspace, SALONS_OKRS, settings)
    (root / "data" / "salons.csv").write_text(
        "date,cm_id,attendees,leads\n2026-01-06,cm01,thirty,4\n", encoding="utf-8"
    )

    def explained(lang: str) -> list[str]:
        done = CliRunner().invoke(
            cli, ["explain", "O9.KR1", "--as-of", "2026-01-31", "--lang", lang, "-w", str(root)]
        )
        assert done.exit_code == 0, done.output
        return done.output.splitlines()

    failed = CliRunner().invoke(
        cli, ["collect", "--through", "2026-01-31", "--lang", "en", "-w", str(root)]
    )
    assert failed.exit_code == 1
    en, zh = explained("en"), explained("zh")
    assert en[-2].endswith(", plugin sql") and zh[-2].endswith("来自插件 sql")
    assert en[-1].startswith("No observations: the last collect of it (run 1, 20")
    assert "failed it: plugin sql metric salon_attendees: no row could be counted" in en[-1]
    assert zh[-1].startswith("没有数据：最近一次采集它（第 1 次，20")
