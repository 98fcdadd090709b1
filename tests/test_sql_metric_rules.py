"""What a collect does to a SQL metric's figures beyond its query: figures returned in a
unit of their own (``values_in``), a ledger kept in 万元 stored in 元, never ten thousand
times too small; and a flow whose query has no row for a person's week read as none
(``no_rows_means_zero``), not as no data."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from okrdesk.cli import cli
from okrdesk.plugins import sql_metrics
from okrdesk.plugins.testing import PluginCheck, check_plugin
from sample_workspace import WriteWorkspace
from test_sql_files import PEOPLE, START, THROUGH, write
from test_sql_metrics import SALONS_OKRS, sql_only_workspace

# A branch ledger kept in 万元, as finance keeps one.
LEDGER = """\
day,cm,deposits_wan
2026-01-06,cm01,1.2345
2026-01-07,cm01,0.5
2026-01-13,cm02,12
"""
DEPOSITS = "SELECT cm AS subject, day, deposits_wan AS value FROM ledger"


def deposits(query: str = DEPOSITS, **more: Any) -> dict[str, Any]:
    return {"name": "net_deposits", "kind": "flow", "unit": "万元", "query": query, **more}


def run(workspace: Path, metric: dict[str, Any], **settings: Any) -> PluginCheck:
    return check_plugin(
        sql_metrics, people=PEOPLE, start=START, through=THROUGH,
        settings={"metrics": [metric], **settings}, workspace=workspace,
    )  # fmt: skip


def test_a_ledger_in_wan_is_stored_in_yuan_to_the_yuan(tmp_path: Path) -> None:
    path = write(tmp_path, "ledger.csv", LEDGER.encode())
    check = run(tmp_path, deposits(values_in="万元"), tables={"ledger": path})
    check.assert_valid()
    # 1.2345万 + 0.5万 is 17,345元 exactly, not 17,344.999999999998.
    assert check.value("net_deposits", "cm01", "2026-W02").value == 17345
    assert check.value("net_deposits", "cm02", "2026-W03").value == 120000
    # Without it the figures are taken as 元, as before.
    as_yuan = run(tmp_path, deposits(), tables={"ledger": path})
    # Taken as 元, as before, and stored to the fen: 1.7345元 is 1.73元.
    assert as_yuan.value("net_deposits", "cm01", "2026-W02").value == 1.73


def test_a_ledger_in_wan_in_an_sqlite_database_is_stored_in_yuan(tmp_path: Path) -> None:
    # Rows an SQLite database gives, added up in Python rather than by DuckDB.
    with sqlite3.connect(tmp_path / "ledger.sqlite") as connection:
        connection.execute("CREATE TABLE ledger (day TEXT, cm TEXT, deposits_wan REAL)")
        connection.executemany("INSERT INTO ledger VALUES (?, ?, ?)",
                               [line.split(",") for line in LEDGER.splitlines()[1:]])  # fmt: skip
    check = run(tmp_path, deposits(values_in="万元"), database="ledger.sqlite")
    check.assert_valid()
    assert check.value("net_deposits", "cm01", "2026-W02").value == 17345
    assert check.value("net_deposits", "cm02", "2026-W03").value == 120000


def test_a_count_in_wan_is_stored_in_ones(tmp_path: Path) -> None:
    path = write(tmp_path, "ledger.csv", LEDGER.encode())
    metric = {"name": "clients", "kind": "stock", "unit": "户", "values_in": "万户",
              "query": DEPOSITS}  # fmt: skip
    check = run(tmp_path, metric, tables={"ledger": path})
    check.assert_valid()
    assert check.value("clients", "cm02", "2026-W03").value == 120000


DEALS = "SELECT cm AS subject, day, 1 AS value FROM ledger WHERE deposits_wan > 1"


def deals(**more: Any) -> dict[str, Any]:
    return {"name": "trust_deals", "kind": "flow", "unit": "单", "query": DEALS, **more}


def test_a_second_definition_of_a_name_lends_the_first_none_of_its_rules(
    tmp_path: Path,
) -> None:
    # A block copied and left with the first's name is refused as a name given twice,
    # while the first is collected: with the rules of the second (亿元), its figures were
    # stored ten thousand times too large, and zeros the first never asked for were given.
    path = write(tmp_path, "ledger.csv", LEDGER.encode())
    copied = deposits(values_in="亿元", no_rows_means_zero=True)
    check = check_plugin(
        sql_metrics, people=PEOPLE, start=START, through=THROUGH, workspace=tmp_path,
        settings={"metrics": [deposits(values_in="万元"), copied], "tables": {"ledger": path}},
    )  # fmt: skip
    assert any("already the name of sources.sql.metrics[0]" in p for p in check.problems)
    figures = {(o.subject, o.period): o.value for o in check.observations}
    assert figures == {("cm01", "2026-W02"): 17345, ("cm02", "2026-W03"): 120000}
    # A first definition refused (a key it cannot hold) lends the second, collected under
    # the name, none either: its figures are 元 as its query says.
    broken = deposits(values_in="亿元", settles_after_days="soon")
    check = check_plugin(
        sql_metrics, people=PEOPLE, start=START, through=THROUGH, workspace=tmp_path,
        settings={"metrics": [broken, deposits()], "tables": {"ledger": path}},
    )  # fmt: skip
    assert check.problems
    assert check.value("net_deposits", "cm02", "2026-W03").value == 12


@pytest.mark.parametrize(
    ("metric", "said"),
    [
        (
            deposits(values_in="万"),
            "sources.sql.metrics[0].values_in: unknown unit '万' (did you mean '万元'?)",
        ),
        (
            {"name": "clients", "kind": "stock", "unit": "户", "values_in": "万人",
             "query": DEPOSITS},
            "sources.sql.metrics[0].values_in: 万人 counts in 人, the metric in 户: write "
            'values_in = "万户" for a figure in ten thousands',
        ),
        (
            deposits(values_in="万户"),
            "sources.sql.metrics[0].values_in: 万户 is not a unit of the metric's 万元: a "
            "figure in 万户 cannot be read as 万元",
        ),
        (
            {"name": "rate", "kind": "ratio", "unit": "%", "values_in": "万元",
             "query": "SELECT cm AS subject, day, 1 AS numerator, 2 AS denominator FROM ledger"},
            "sources.sql.metrics[0].values_in: only an amount or a count (a stock or a flow) "
            "is returned in a unit of its own; a ratio's parts are divided, so their unit "
            "cancels out",
        ),
        (
            {"name": "clients", "kind": "stock", "unit": "户", "no_rows_means_zero": True,
             "query": DEALS},
            "sources.sql.metrics[0].no_rows_means_zero: only a flow (a count of what "
            "happened) reads no rows as zero; a stock with no rows has no figure",
        ),
        (
            deals(no_rows_means_zero=True, dimensions=["cm"],
                  query=DEALS.replace("1 AS value", "1 AS value, cm")),
            "sources.sql.metrics[0].no_rows_means_zero: not for a metric with dimensions",
        ),
        (
            deals(no_rows_means_zero="yes"),
            "sources.sql.metrics[0].no_rows_means_zero: expected true or false, got 'yes'",
        ),
    ],
)  # fmt: skip
def test_a_rule_that_cannot_hold_is_refused_at_its_key(
    tmp_path: Path, metric: dict[str, Any], said: str
) -> None:
    path = write(tmp_path, "ledger.csv", LEDGER.encode())
    check = run(tmp_path, metric, tables={"ledger": path})
    assert any(said in problem for problem in check.problems), check.problems
    assert not check.observations


def test_validate_names_values_in_at_its_line(write_workspace: WriteWorkspace) -> None:
    settings = (
        '[sources.sql]\ntables = { salons = "data/salons.csv" }\n\n'
        "[[sources.sql.metrics]]\n"
        'name = "salon_attendees"\nkind = "flow"\nunit = "人"\nvalues_in = "万元"\n'
        'query = "SELECT cm_id AS subject, date AS day, attendees AS value FROM salons"\n'
    )
    root = sql_only_workspace(write_workspace, SALONS_OKRS, settings)
    done = CliRunner().invoke(cli, ["validate", "--lang", "en", "-w", str(root)])
    assert done.exit_code == 2, done.output
    assert (
        "okrdesk.toml:8: sources.sql.metrics[0].values_in: 万元 is not a unit of the metric's "
        "人: a figure in 万元 cannot be read as 人"
    ) in done.output


# ------------------------------------------------------------ no rows means zero


def test_a_flow_whose_query_has_no_row_reads_zero_where_it_says_so(tmp_path: Path) -> None:
    path = write(tmp_path, "ledger.csv", LEDGER.encode())
    check = run(tmp_path, deals(no_rows_means_zero=True), tables={"ledger": path})
    check.assert_valid()
    figures = {(o.subject, o.period): o.value for o in check.observations}
    # cm01 signed one deal in week 2, cm02 one in week 3; every other week is none.
    assert figures == {("cm01", "2026-W02"): 1, ("cm01", "2026-W03"): 0,
                       ("cm02", "2026-W02"): 0, ("cm02", "2026-W03"): 1}  # fmt: skip
    # Left out, no rows is no data, as for every metric.
    plain = run(tmp_path, deals(), tables={"ledger": path})
    assert {(o.subject, o.period) for o in plain.observations} == {
        ("cm01", "2026-W02"), ("cm02", "2026-W03"),
    }  # fmt: skip


def test_a_query_with_no_rows_at_all_is_zero_for_everyone(tmp_path: Path) -> None:
    path = write(tmp_path, "ledger.csv", LEDGER.encode())
    none = deals(no_rows_means_zero=True, query=DEALS.replace("> 1", "> 100"))
    check = run(tmp_path, none, tables={"ledger": path})
    check.assert_valid()
    assert sorted((o.subject, o.period, o.value) for o in check.observations) == [
        ("cm01", "2026-W02", 0), ("cm01", "2026-W03", 0),
        ("cm02", "2026-W02", 0), ("cm02", "2026-W03", 0),
    ]  # fmt: skip


def test_a_warehouse_flow_with_no_rows_reads_zero(tmp_path: Path) -> None:
    import duckdb

    (tmp_path / "wh").mkdir()
    with duckdb.connect(str(tmp_path / "wh" / "crm.duckdb")) as connection:
        connection.execute(
            "CREATE TABLE ledger AS "
            "SELECT 'cm01' AS cm, DATE '2026-01-06' AS day, 2.0 AS deposits_wan"
        )
    check = run(tmp_path, deals(no_rows_means_zero=True), connection="duckdb:wh/crm.duckdb")
    check.assert_valid()
    assert sorted((o.subject, o.period, o.value) for o in check.observations) == [
        ("cm01", "2026-W02", 1), ("cm01", "2026-W03", 0),
        ("cm02", "2026-W02", 0), ("cm02", "2026-W03", 0),
    ]  # fmt: skip


def test_a_unit_s_own_figures_get_no_zeros_beside_them(tmp_path: Path) -> None:
    path = write(tmp_path, "ledger.csv", LEDGER.encode())
    branch = deals(
        no_rows_means_zero=True, query=DEALS.replace("cm AS subject", "'branch' AS subject")
    )
    check = run(
        tmp_path,
        branch,
        tables={"ledger": path},
    )
    assert {o.subject for o in check.observations} == {"branch"}


def test_a_failed_flow_gets_no_zeros(tmp_path: Path) -> None:
    path = write(tmp_path, "ledger.csv", LEDGER.encode())
    broken = deals(no_rows_means_zero=True, query=DEALS.replace("deposits_wan", "no_such_column"))
    check = run(tmp_path, broken, tables={"ledger": path})
    assert check.problems and not check.observations


@pytest.mark.parametrize("kept_in", ["csv", "sqlite", "warehouse"])
def test_a_row_whose_figure_is_left_out_is_no_data_not_none(tmp_path: Path, kept_in: str) -> None:
    # cm02's week-3 row has no figure (an empty cell, or text): the row is left out, as
    # the warning says, and the week was given a zero cited as "no rows" besides, where
    # the query had a row for it whose figure nobody could read.
    ledger = "day,cm,deals\n2026-01-06,cm01,1\n2026-01-13,cm02,\n2026-01-14,cm02,two\n"
    query = "SELECT cm AS subject, day, deals AS value FROM ledger"
    if kept_in == "csv":
        path = write(tmp_path, "ledger.csv", ledger.encode())
        where: dict[str, Any] = {"tables": {"ledger": path}}
    else:
        with sqlite3.connect(tmp_path / "ledger.sqlite") as connection:
            connection.execute("CREATE TABLE ledger (day TEXT, cm TEXT, deals INTEGER)")
            rows = [line.split(",") for line in ledger.splitlines()[1:]]
            connection.executemany("INSERT INTO ledger VALUES (?, ?, ?)",
                                   [(d, c, v or None) for d, c, v in rows])  # fmt: skip
        where = {"database": "ledger.sqlite"}
    if kept_in == "warehouse":  # summed there: a week of empty figures sums to NULL
        import duckdb

        (tmp_path / "wh").mkdir()
        with duckdb.connect(str(tmp_path / "wh" / "crm.duckdb")) as connection:
            connection.execute("CREATE TABLE ledger (day DATE, cm TEXT, deals INTEGER)")
            connection.execute(
                "INSERT INTO ledger VALUES ('2026-01-06', 'cm01', 1), "
                "('2026-01-13', 'cm02', NULL), ('2026-01-14', 'cm02', NULL)"
            )
        where = {"connection": "duckdb:wh/crm.duckdb"}
    check = run(tmp_path, deals(no_rows_means_zero=True, query=query), **where)
    check.assert_valid()
    figures = {(o.subject, o.period): o.value for o in check.observations}
    assert figures == {("cm01", "2026-W02"): 1, ("cm01", "2026-W03"): 0,
                       ("cm02", "2026-W02"): 0}  # fmt: skip
    assert any("left out: column value" in w for w in check.warnings), check.warnings


def test_the_report_shows_none_held_off_track_not_no_data(write_workspace: WriteWorkspace) -> None:
    settings = (
        '[sources.sql]\ntables = { salons = "data/salons.csv" }\n\n'
        "[[sources.sql.metrics]]\n"
        'name = "salon_attendees"\nkind = "flow"\nunit = "人"\nno_rows_means_zero = true\n'
        'query = "SELECT cm_id AS subject, date AS day, attendees AS value FROM salons '
        'WHERE attendees > 1000"\n'
    )
    root = sql_only_workspace(write_workspace, SALONS_OKRS, settings)
    runner = CliRunner()
    collected = runner.invoke(cli, ["collect", "--through", "2026-03-15", "-w", str(root)])
    assert collected.exit_code == 0, collected.output
    done = runner.invoke(cli, ["report", "--as-of", "2026-03-15", "--format", "json",
                               "-w", str(root)])  # fmt: skip
    assert done.exit_code == 0, done.output
    (kr,) = json.loads(done.stdout)["objectives"][0]["key_results"]
    assert (kr["actual"], kr["status"]) == (0, "off_track")
    # explain says where each zero comes from, in the reader's language.
    for lang, said in (("en", "SQL metric salon_attendees: no rows, so none"),
                       ("zh", "SQL 指标 salon_attendees：查询没有数据行，按 0 计")):  # fmt: skip
        asked = ["explain", "O9.KR1", "--as-of", "2026-03-15", "--lang", lang, "-w", str(root)]
        explained = runner.invoke(cli, asked, env={"COLUMNS": "200"})
        assert explained.exit_code == 0, explained.output
        assert said in explained.output


def test_a_definition_whose_unit_is_no_text_fails_alone_beside_a_rule(
    write_workspace: WriteWorkspace,
) -> None:
    # unit = ["万元"] beside values_in: reading the rules raised TypeError (a list is no
    # key of the units), which failed the whole source, its sound metrics too.
    settings = (
        '[sources.sql]\ntables = { salons = "data/salons.csv" }\n\n'
        "[[sources.sql.metrics]]\n"
        'name = "salon_attendees"\nkind = "flow"\nunit = "人"\nno_rows_means_zero = true\n'
        'query = "SELECT cm_id AS subject, date AS day, attendees AS value FROM salons"\n\n'
        "[[sources.sql.metrics]]\n"
        'name = "salon_deposits"\nkind = "flow"\nunit = ["万元"]\nvalues_in = "万元"\n'
        'query = "SELECT cm_id AS subject, date AS day, leads AS value FROM salons"\n'
    )
    root = sql_only_workspace(write_workspace, SALONS_OKRS, settings)
    runner = CliRunner()
    collected = runner.invoke(cli, ["collect", "--through", "2026-01-25", "--lang", "en",
                                    "-w", str(root)])  # fmt: skip
    assert "TypeError" not in collected.output, collected.output
    assert "okrdesk.toml:14: sources.sql.metrics[1].unit" in collected.output, collected.output
    done = runner.invoke(cli, ["report", "--as-of", "2026-01-25", "--format", "json",
                               "-w", str(root)])  # fmt: skip
    assert done.exit_code == 0, done.output
    (kr,) = json.loads(done.stdout)["objectives"][0]["key_results"]
    assert kr["actual"] == 115  # 30 + 20 + 25 + 40 attendees, stored


def test_each_misspelt_rule_is_told_its_name(tmp_path: Path) -> None:
    # Two slips in one block: only the first close one was given its right name.
    path = write(tmp_path, "ledger.csv", LEDGER.encode())
    slips = deposits(value_in="万元", no_rows_mean_zero=True)
    check = run(tmp_path, slips, tables={"ledger": path})
    assert any(
        'unknown keys no_rows_mean_zero, value_in (did you mean "no_rows_means_zero" for '
        'no_rows_mean_zero; "values_in" for value_in?)' in problem
        for problem in check.problems
    ), check.problems
