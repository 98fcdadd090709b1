"""A SQL metric whose query returns figures in a unit of their own (``values_in``): a
ledger kept in 万元 is stored in 元, never ten thousand times too small."""

from __future__ import annotations

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
    assert as_yuan.value("net_deposits", "cm01", "2026-W02").value == pytest.approx(1.7345)


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


@pytest.mark.parametrize(
    ("metric", "said"),
    [
        (deposits(values_in="万"), "sources.sql.metrics[0].values_in: unknown unit '万'"),
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
    ],
)  # fmt: skip
def test_values_in_that_cannot_be_read_is_refused_at_its_key(
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
