"""A collect's error about a SQL metric's query names where the query is written: the
file, line and key of okrdesk.toml, as ``validate`` names a setting's problem, in both
languages. Before, it named the plugin and the metric only, and a branch with a dozen
``[[sources.sql.metrics]]`` looked through them all for the one that failed."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from okrdesk.cli import cli
from okrdesk.store import Store
from sample_workspace import WriteWorkspace, trusted
from test_sql_metrics import SALONS_OKRS, sql_only_workspace

LEADS = """\
[sources.sql]
tables = { salons = "data/salons.csv" }

[[sources.sql.metrics]]
name = "salon_leads"
kind = "flow"
unit = "人"
query = "SELECT cm_id AS subject, date AS day, leads AS value FROM salons"

[[sources.sql.metrics]]
name = "salon_attendees"
kind = "flow"
unit = "人"
query = '''
SELECT cm_id AS subject, date AS day, {value}
FROM salons'''
"""
"""Two metrics over one file, the second's query (at line 14) broken by ``{value}``."""


def collected(root: Path, lang: str) -> list[str]:
    done = CliRunner().invoke(
        cli, ["collect", "--through", "2026-01-31", "--lang", lang, "-w", str(root)],
        env={"COLUMNS": "200"},
    )  # fmt: skip
    assert "Traceback" not in done.output
    assert done.exit_code != 0, done.output
    return done.output.splitlines()


@pytest.mark.parametrize(
    ("value", "en", "zh"),
    [
        ("attendes AS value",
         'the query failed: no column "attendes" (similar: "attendees", "date", "leads")',
         '查询出错：没有列 "attendes"（相近的："attendees"、"date"、"leads"）'),
        ("attendees + AS value",
         'the query failed: SQL syntax error at or near "AS"',
         '查询出错：SQL 语法错误，在 "AS" 附近'),
        ("attendees AS total",
         "the query must return columns subject, period or day, and value; missing value",
         "查询须返回 subject、period 或 day 列，以及 value 列；缺少 value"),
    ],
)  # fmt: skip
def test_a_query_that_fails_is_told_at_its_line_of_okrdesk_toml(
    write_workspace: WriteWorkspace, value: str, en: str, zh: str
) -> None:
    """A column misspelt, a syntax error, a column the metric needs not returned: each at
    the line of the metric's ``query``, with its key, and so kept in the run's errors."""
    settings = LEADS.replace("{value}", value)
    root = sql_only_workspace(write_workspace, SALONS_OKRS, settings)
    where = "okrdesk.toml:14: sources.sql.metrics[1].query"
    assert (f"error: plugin sql metric salon_attendees: {where}: {en} (1 problem; none of "
            "its figures stored)") in collected(root, "en")  # fmt: skip
    assert (f"错误：插件 sql 指标 salon_attendees：{where}: {zh}（共 1 个问题，均未入库）"
            in collected(root, "zh"))  # fmt: skip
    with Store.open(root / "okrdesk.db") as store:
        (run, *_) = sorted(store.runs(), key=lambda run: -run.id)
        assert any(where in line for line in run.errors), run.errors


def test_a_query_on_an_sqlite_database_is_told_at_its_line(
    write_workspace: WriteWorkspace,
) -> None:
    """The same of a query SQLite runs, on a database of the workspace's."""
    settings = LEADS.replace("{value}", "attendes AS value").replace(
        'tables = { salons = "data/salons.csv" }', 'database = "data/crm.sqlite"'
    )
    root = sql_only_workspace(write_workspace, SALONS_OKRS, settings)
    with sqlite3.connect(root / "data" / "crm.sqlite") as db:
        db.execute("CREATE TABLE salons (date TEXT, cm_id TEXT, attendees INT, leads INT)")
        db.execute("INSERT INTO salons VALUES ('2026-01-06', 'cm01', 30, 4)")
    db.close()
    assert ("error: plugin sql metric salon_attendees: okrdesk.toml:14: "
            'sources.sql.metrics[1].query: the query failed: no column "attendes" (1 problem; '
            "none of its figures stored)") in collected(root, "en")  # fmt: skip
    zh = collected(root, "zh")
    assert ("错误：插件 sql 指标 salon_attendees：okrdesk.toml:14: sources.sql.metrics[1].query: "
            '查询出错：没有列 "attendes"（共 1 个问题，均未入库）') in zh  # fmt: skip


VISITS = """\
from okrdesk.model import MetricKind, MetricSpec
from okrdesk.plugins import hookimpl
from okrdesk.units import UNITS


@hookimpl
def okrdesk_metrics(register):
    register(MetricSpec("salon_attendees", "Salon attendees", "沙龙参会人数", MetricKind.FLOW,
                        UNITS["人"]))


@hookimpl
def okrdesk_collect(request, emit):
    file = request.settings["file"]
    emit.error("salon_attendees", f"sources.visits.file: no file {file}",
               zh=f"sources.visits.file: 没有文件 {file}")
"""


def test_a_plugin_s_error_begun_with_its_key_is_told_at_its_line(
    write_workspace: WriteWorkspace,
) -> None:
    """Any plugin's ``emit.error`` whose words begin with a key of its table in
    okrdesk.toml is told at that key's line, as the SQL source's are."""
    root = sql_only_workspace(write_workspace, SALONS_OKRS,
                              '[workspace]\nname = "x"\n\n[sources.visits]\n'
                              'file = "data/visits.csv"\n')  # fmt: skip
    (root / "plugins").mkdir()
    (root / "plugins" / "visits.py").write_text(VISITS, encoding="utf-8")
    trusted(root)
    assert ("error: plugin visits metric salon_attendees: okrdesk.toml:5: sources.visits.file: "
            "no file data/visits.csv (1 problem; none of its figures stored)"
            ) in collected(root, "en")  # fmt: skip
    zh = collected(root, "zh")
    assert ("错误：插件 visits 指标 salon_attendees：okrdesk.toml:5: sources.visits.file: "
            "没有文件 data/visits.csv（共 1 个问题，均未入库）") in zh  # fmt: skip
