"""A SQL metric's figure added up from amounts a file writes in decimals is the sum those
amounts make: 0.1 + 0.2 is 0.3, and +0.1, +0.2, -0.3 is 0, never 0.30000000000000004 and
5.551115123125783e-17 (which ``explain`` wrote "less than 0.01" and the export as
printed), whichever engine added them up and whatever unit they are returned in."""

from __future__ import annotations

import csv
import io
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from okrdesk.cli import cli
from okrdesk.plugins import sql_metrics
from okrdesk.plugins.testing import check_plugin
from sample_workspace import WriteWorkspace
from test_sql_files import PEOPLE, START, THROUGH, write
from test_sql_metrics import sql_only_workspace

LEDGER = """\
day,cm,product,amount,leads,reached
2026-01-06,cm01,私募固收,0.1,0.1,1
2026-01-07,cm01,私募固收,0.2,0.2,2
2026-01-13,cm02,权益基金,0.1,0.1,1
2026-01-14,cm02,权益基金,0.2,0.2,1
2026-01-15,cm02,权益基金,-0.3,0.3,1
"""
"""cm01's week 2 adds up to 0.3, cm02's week 3 to 0 (a deposit and its withdrawal)."""
SUMS = {("cm01", "2026-W02"): 0.3, ("cm02", "2026-W03"): 0.0}


def _where(tmp_path: Path, kept_in: str) -> dict[str, Any]:
    rows = [line.split(",") for line in LEDGER.splitlines()[1:]]
    if kept_in == "csv":
        return {"tables": {"ledger": write(tmp_path, "ledger.csv", LEDGER.encode())}}
    if kept_in == "sqlite":
        with sqlite3.connect(tmp_path / "ledger.sqlite") as connection:
            connection.execute("CREATE TABLE ledger (day TEXT, cm TEXT, product TEXT, "
                               "amount REAL, leads REAL, reached INTEGER)")  # fmt: skip
            connection.executemany("INSERT INTO ledger VALUES (?, ?, ?, ?, ?, ?)", rows)
        return {"database": "ledger.sqlite"}
    import duckdb

    (tmp_path / "wh").mkdir()
    with duckdb.connect(str(tmp_path / "wh" / "crm.duckdb")) as connection:
        connection.execute("CREATE TABLE ledger (day DATE, cm TEXT, product TEXT, "
                           "amount DOUBLE, leads DOUBLE, reached INTEGER)")  # fmt: skip
        connection.executemany("INSERT INTO ledger VALUES (?, ?, ?, ?, ?, ?)", rows)
    return {"connection": "duckdb:wh/crm.duckdb"}


def _figures(tmp_path: Path, kept_in: str, metric: dict[str, Any], part: str) -> dict:
    check = check_plugin(
        sql_metrics, people=PEOPLE, start=START, through=THROUGH, workspace=tmp_path,
        settings={"metrics": [metric], **_where(tmp_path, kept_in)},
    )  # fmt: skip
    check.assert_valid()
    return {key: getattr(check.value(metric["name"], *key), part) for key in SUMS}


@pytest.mark.parametrize("kept_in", ["csv", "sqlite", "warehouse"])
def test_amounts_in_yuan_add_up_to_what_they_make(tmp_path: Path, kept_in: str) -> None:
    metric = {"name": "net_deposits", "kind": "flow", "unit": "元",
              "query": "SELECT cm AS subject, day, amount AS value FROM ledger"}  # fmt: skip
    assert _figures(tmp_path, kept_in, metric, "value") == SUMS


@pytest.mark.parametrize("kept_in", ["csv", "sqlite"])
def test_a_slice_in_wan_adds_up_to_what_it_makes(tmp_path: Path, kept_in: str) -> None:
    # Each product's rows are added up apart, then put in 元: 0.3万 is 3,000元.
    query = "SELECT cm AS subject, day, product, amount AS value FROM ledger"
    metric = {"name": "net_deposits", "kind": "flow", "unit": "万元", "values_in": "万元",
              "dimensions": ["product"], "query": query}  # fmt: skip
    assert _figures(tmp_path, kept_in, metric, "value") == {
        key: value * 10000 for key, value in SUMS.items()
    }


@pytest.mark.parametrize("kept_in", ["csv", "sqlite", "warehouse"])
def test_a_ratio_s_parts_add_up_to_what_they_make(tmp_path: Path, kept_in: str) -> None:
    metric = {"name": "lead_share", "kind": "ratio", "unit": "%",
              "query": "SELECT cm AS subject, day, leads AS numerator, "
                       "reached AS denominator FROM ledger"}  # fmt: skip
    numerators = _figures(tmp_path, kept_in, metric, "numerator")
    assert numerators == {("cm01", "2026-W02"): 0.3, ("cm02", "2026-W03"): 0.6}


def test_the_export_and_explain_show_the_sum(write_workspace: WriteWorkspace) -> None:
    settings = (
        '[sources.sql]\ntables = { ledger = "data/ledger.csv" }\n\n'
        "[[sources.sql.metrics]]\n"
        'name = "salon_attendees"\nkind = "flow"\nunit = "元"\n'
        'query = "SELECT cm AS subject, day, amount AS value FROM ledger"\n'
    )
    okrs = (
        '[[objectives]]\nid = "O9"\ntitle = "入金"\nowner = "branch"\n\n'
        '[[objectives.key_results]]\nid = "KR1"\ntitle = "净入金"\n'
        'metric = "salon_attendees"\ntarget = 600\nunit = "元"\n'
    )
    root = sql_only_workspace(write_workspace, okrs, settings)
    (root / "data" / "ledger.csv").write_text(LEDGER, encoding="utf-8")
    runner = CliRunner()
    collected = runner.invoke(cli, ["collect", "--through", "2026-01-18", "-w", str(root)])
    assert collected.exit_code == 0, collected.output
    exported = runner.invoke(cli, ["export", "--format", "csv", "-w", str(root)])
    assert exported.exit_code == 0, exported.output
    values = {(row["subject"], row["period"]): row["value"]
              for row in csv.DictReader(io.StringIO(exported.stdout.lstrip("\ufeff")))}  # fmt: skip
    assert values == {("cm01", "2026-W02"): "0.3", ("cm02", "2026-W03"): "0"}
    explained = runner.invoke(
        cli, ["explain", "O9.KR1", "--as-of", "2026-01-18", "--lang", "zh", "-w", str(root)],
        env={"COLUMNS": "200"},
    )  # fmt: skip
    assert explained.exit_code == 0, explained.output
    assert "不到" not in explained.output, explained.output
