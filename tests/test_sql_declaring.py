"""The SQL metric source's declaring side: learning its metrics' names loads none of
its engines (DuckDB, sqlglot, the file reader and its cache, the warehouse code)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from sample_workspace import WriteWorkspace
from test_sql_metrics import SALONS, SALONS_OKRS

COLLECTING_SIDE = {
    "duckdb",
    "sqlglot",
    "okrdesk.plugins.sql_collect",
    "okrdesk.plugins.sql_files",
    "okrdesk.plugins.sql_warehouse",
    "okrdesk.plugins.warehouse_dialects",
}
SETTINGS = """\
[sources.sql]
tables = { salons = "data/salons.csv" }

[sources.sql.views]
early = "SELECT * FROM salons WHERE attendees > 0"

[[sources.sql.metrics]]
name = "salon_attendees"
kind = "flow"
unit = "人"
query = "SELECT cm_id AS subject, date AS day, attendees AS value FROM salons"

[[sources.sql.metrics]]
name = "salon_lead_rate"
kind = "ratio"
unit = "%"
query = '''SELECT cm_id AS subject, date AS day, leads AS numerator,
attendees AS denominator FROM early'''
"""
RUN = """\
import json, sys
from okrdesk.cli import main
sys.argv = ["okrdesk", *sys.argv[1:]]
try:
    main()
except SystemExit as done:
    code = done.code
print("\\n" + json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def _run(*args: str) -> tuple[int, set[str], str]:
    done = subprocess.run(
        [sys.executable, "-c", RUN, *args], capture_output=True, text=True, timeout=120
    )
    *printed, last = done.stdout.strip().splitlines()
    found = json.loads(last)
    return found["code"], set(found["modules"]), "\n".join(printed) + done.stderr


def _sql_workspace(write_workspace: WriteWorkspace) -> Path:
    root = write_workspace({"salons.toml": SALONS_OKRS}, plugin=False)
    (root / "data").mkdir()
    (root / "data" / "salons.csv").write_text(SALONS, encoding="utf-8")
    (root / "okrdesk.toml").write_text(textwrap.dedent(SETTINGS), encoding="utf-8")
    return root


def test_a_report_on_sql_metrics_imports_none_of_the_collecting_side(
    write_workspace: WriteWorkspace,
) -> None:
    root = _sql_workspace(write_workspace)
    collected = subprocess.run(
        [sys.executable, "-m", "okrdesk", "collect", "--through", "2026-01-18",
         "--metric", "salon_attendees", "-w", str(root)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert collected.returncode == 0, collected.stdout + collected.stderr
    code, modules, said = _run("report", "--format", "json", "-w", str(root))
    assert code in (0, None), said
    assert "salon_attendees" in said
    assert "okrdesk.plugins.sql_metrics" in modules
    assert not COLLECTING_SIDE & modules
    assert not {m for m in modules if m.startswith(("duckdb.", "sqlglot."))}


def test_listing_sql_metrics_imports_no_engine(
    write_workspace: WriteWorkspace,
) -> None:
    root = _sql_workspace(write_workspace)
    code, modules, said = _run("plugins", "--json", "-w", str(root))
    assert code in (0, None), said
    sql = next(p for p in json.loads(said)["plugins"] if p["name"] == "sql")
    assert [m["name"] for m in sql["metrics"]] == ["salon_attendees", "salon_lead_rate"]
    assert not {"duckdb", "sqlglot", "okrdesk.plugins.sql_warehouse"} & modules
