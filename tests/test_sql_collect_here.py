"""The built-in SQL source over files collects in okrdesk's own process (its queries are
data, not code), and its timeout still holds: a runaway query is interrupted."""

from __future__ import annotations

import gzip
import importlib.util
import os
import re
import sqlite3
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from sample_workspace import WriteWorkspace
from test_sql_metrics import SALONS, SALONS_OKRS

KR = (
    SALONS_OKRS
    + """
[[objectives.key_results]]
id = "KR2"
title = "永远"
metric = "forever"
target = 1
unit = "人"
"""
)
SETTINGS = """\
[sources.sql]
tables = { salons = "data/salons.csv" }

[[sources.sql.metrics]]
name = "salon_attendees"
kind = "flow"
unit = "人"
query = "SELECT cm_id AS subject, date AS day, attendees AS value FROM salons"

[[sources.sql.metrics]]
name = "forever"
kind = "flow"
unit = "人"
query = '''SELECT cm_id AS subject, date AS day, count(*) AS value
FROM salons, range(1000000000000) GROUP BY 1, 2'''
"""


def _collect(root: Path, *metrics: str, timeout: str = "300") -> subprocess.CompletedProcess[str]:
    """``collect --metric`` each of ``metrics``; an option among them (``--accept-empty
    NAME``) is passed as it is."""
    chosen, options = [], list(metrics)
    while options:
        item = options.pop(0)
        chosen += [item, options.pop(0)] if item.startswith("--") else ["--metric", item]
    return subprocess.run(
        [sys.executable, "-m", "okrdesk", "collect", "--through", "2026-01-18", *chosen,
         "-w", str(root)],
        capture_output=True, text=True, timeout=120,
        env={**os.environ, "OKRDESK_PLUGIN_TIMEOUT": timeout},
    )  # fmt: skip


def _workspace(write_workspace: WriteWorkspace, *, only_sql: bool = False) -> Path:
    # only_sql: the base workspace's key results, on the brokerage plugin's metrics, left out
    others = {"okrs.toml": None, "budget.toml": None} if only_sql else {}
    root = write_workspace({"salons.toml": KR, **others}, plugin=False)
    (root / "data").mkdir()
    (root / "data" / "salons.csv").write_text(SALONS, encoding="utf-8")
    (root / "okrdesk.toml").write_text(textwrap.dedent(SETTINGS), encoding="utf-8")
    return root


def test_a_runaway_sql_query_is_interrupted_at_the_timeout(
    write_workspace: WriteWorkspace,
) -> None:
    root = _workspace(write_workspace)
    assert _collect(root, "salon_attendees").returncode == 0
    started = time.monotonic()
    done = _collect(root, "salon_attendees", "forever", timeout="1")
    took = time.monotonic() - started
    assert done.returncode == 1
    assert "错误：插件 sql：okrdesk_collect 在 1 秒内未完成，其查询已停止" in done.stderr
    assert took < 30, took  # the query is interrupted, not waited for
    # What the first collect stored stays.
    with sqlite3.connect(root / "okrdesk.db") as connection:
        kept = connection.execute(
            "SELECT sum(value) FROM observations WHERE metric = 'salon_attendees' AND slice = ''"
        ).fetchone()
    assert kept == (75.0,)


WITHOUT_PLUGINS = """\
import sys
from multiprocessing import forkserver
from okrdesk.cli import main
sys.argv = ["okrdesk", *sys.argv[1:]]
try:
    main()
except SystemExit as done:
    code = done.code
print("fork server:", forkserver._forkserver._forkserver_pid, "exit:", code)
"""


def test_a_collect_of_the_sql_source_alone_starts_no_plugin_process(
    write_workspace: WriteWorkspace,
) -> None:
    root = _workspace(write_workspace, only_sql=True)
    args = ["collect", "--through", "2026-01-18", "--metric", "salon_attendees", "-w", str(root)]
    done = subprocess.run(
        [sys.executable, "-c", WITHOUT_PLUGINS, *args], capture_output=True, text=True,
        timeout=120, env={**os.environ, "OKRDESK_LOAD_PLUGINS": ""},
    )  # fmt: skip
    assert done.stdout.strip().splitlines()[-1] == "fork server: None exit: 0", done.stderr
    with sqlite3.connect(root / "okrdesk.db") as connection:
        kept = connection.execute(
            "SELECT sum(value) FROM observations WHERE metric = 'salon_attendees' AND slice = ''"
        ).fetchone()
    assert kept == (75.0,)


def test_stopping_after_the_connections_closed_is_no_error() -> None:
    # At the timeout okrdesk calls stop again and again until the collect gives up;
    # the call after its query ended found a closed DuckDB connection and raised,
    # printing a traceback in place of "did not finish within 1 s".
    import duckdb

    from okrdesk.plugins.sql_collect import Stop

    stop, connection = Stop(), duckdb.connect()
    stop.watch(connection.interrupt)
    stop()
    stop.forget()
    connection.close()
    stop()
    assert stop.asked


def test_a_second_collect_of_the_same_queries_imports_no_sqlglot(
    write_workspace: WriteWorkspace,
) -> None:
    # sqlglot takes a good part of a second to import; the SQL source reads a query
    # with it once and keeps what it read (sql_query_cache).
    root = _workspace(write_workspace, only_sql=True)
    assert _collect(root, "salon_attendees").returncode == 0
    command = ["okrdesk", "collect", "--through", "2026-01-18", "--metric", "salon_attendees",
               "-w", str(root)]  # fmt: skip
    script = (
        "import sys, threading\n"
        "from okrdesk.cli import main\n"
        f"sys.argv = {command!r}\n"
        "try:\n    main()\nexcept SystemExit as end:\n    code = end.code\n"
        "for thread in threading.enumerate():\n"
        "    if thread is not threading.main_thread():\n        thread.join(30)\n"
        "print(code, '_duckdb' in sys.modules, any(m.startswith('sqlglot') for m in sys.modules),\n"
        "      'duckdb' in sys.modules)\n"
    )
    again = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                           timeout=120)  # fmt: skip
    # DuckDB ran, imported as its engine alone where DuckDB ships it apart: its
    # package's __init__, about 70 ms of the start, imports nothing the SQL source calls
    # (sql_engine.py).
    apart = importlib.util.find_spec("_duckdb") is not None
    expected = "0 True False False" if apart else "0 False False True"
    assert again.stdout.splitlines()[-1] == expected, again.stdout + again.stderr


def test_an_export_that_came_out_empty_erases_nothing(write_workspace: WriteWorkspace) -> None:
    """A file holding its header alone gives not one figure where figures are stored:
    the metric fails, its figures stay as they were, and the next sound export lands."""
    from okrdesk.store import Store

    root = _workspace(write_workspace, only_sql=True)
    assert _collect(root, "salon_attendees").returncode == 0
    with Store.open(root / "okrdesk.db") as store:
        before = store.query("SELECT * FROM observations ORDER BY period, subject")
    salons = root / "data" / "salons.csv"
    salons.write_text(SALONS.splitlines()[0] + "\n", encoding="utf-8")
    emptied = _collect(root, "salon_attendees")
    assert emptied.returncode == 1
    assert (
        f"错误：插件 sql 指标 salon_attendees：一个数字也没有给出，而所采集的周期里已存有它的 "
        f"{len(before)} 个数字（照原样保留：导出的文件是空的？如果数据源现在确实没有它的数字，"
        "`okrdesk collect --accept-empty salon_attendees` 会删去它们）"
    ) in emptied.stderr
    english = _collect(root, "salon_attendees", "--lang", "en")
    assert english.returncode == 1
    assert (
        f"error: plugin sql metric salon_attendees: gave not one figure, where {len(before)} "
        "figures are stored for it in the periods collected (kept as stored: an export that "
        "came out empty? If its source really has none now, `okrdesk collect --accept-empty "
        "salon_attendees` lets them go)"
    ) in english.stderr
    with Store.open(root / "okrdesk.db") as store:
        assert store.query("SELECT * FROM observations ORDER BY period, subject") == before
        (last,) = store.runs()[-1:]
        assert last.status == "failed" and "salon_attendees" not in (last.landed or {})
    salons.write_text(SALONS, encoding="utf-8")
    assert _collect(root, "salon_attendees").returncode == 0
    # Empty on purpose (every salon of the year called off), said so: the figures go.
    salons.write_text(SALONS.splitlines()[0] + "\n", encoding="utf-8")
    accepted = _collect(root, "salon_attendees", "--accept-empty", "salon_attendees")
    assert accepted.returncode == 0, accepted.stderr
    assert f"不再报送、已删除 {len(before):,} 条" in accepted.stdout
    with Store.open(root / "okrdesk.db") as store:
        assert store.query("SELECT * FROM observations") == []
        (last,) = store.runs()[-1:]
        assert last.status == "ok"
    # Only a metric the plan uses can be named.
    wrong = _collect(root, "--accept-empty", "salon_atendees")
    assert wrong.returncode == 2 and "salon_attendees" in wrong.stderr


def test_a_metric_answered_in_a_fuller_period_kept_is_answered(
    write_workspace: WriteWorkspace,
) -> None:
    """A collect through an earlier day than the last keeps the fuller week stored; a
    metric whose only figure now falls in that week still answered, and its other week,
    gone from the export, is gone from the store, with no failure."""
    from click.testing import CliRunner

    from okrdesk.cli import cli
    from okrdesk.store import Store

    root = _workspace(write_workspace, only_sql=True)
    salons = root / "data" / "salons.csv"
    salons.write_text(
        "date,cm_id,attendees,leads\n2026-01-02,cm01,30,4\n2026-02-17,cm01,20,1\n",
        encoding="utf-8",
    )

    def collect(through: str) -> int:
        args = ["collect", "--through", through, "--metric", "salon_attendees", "-w", str(root)]
        return CliRunner().invoke(cli, args).exit_code

    assert collect("2026-02-20") == 0
    salons.write_text("date,cm_id,attendees,leads\n2026-02-17,cm01,20,1\n", encoding="utf-8")
    assert collect("2026-02-18") == 0
    with Store.open(root / "okrdesk.db") as store:
        rows = store.query("SELECT period, value FROM observations WHERE slice = ''")
    assert rows == [("2026-W08", 20.0)]


SPILLING = """\
import sys
from okrdesk.cli import main
from okrdesk.plugins import sql_scratch
# The least scratch space, 4 GiB, made argv[1] bytes: each file below unpacks to far more.
sql_scratch.LEAST_SCRATCH = int(sys.argv[1])
sys.argv = ["okrdesk", *sys.argv[2:]]
main()
"""

SORTS_BILLIONS = """
[[sources.sql.metrics]]
name = "forever"
kind = "flow"
unit = "人"
query = '''SELECT cm_id AS subject, date AS day, count(*) AS value
FROM salons, (SELECT md5(range::VARCHAR) AS h FROM range(200000000) ORDER BY h)
GROUP BY 1, 2'''
"""


def _unpacks_big(path: Path, encoding: str = "utf-8") -> None:
    """A .csv.gz of a few megabytes that unpacks to half a gigabyte: more than DuckDB
    keeps in memory, so that it spills."""
    row = f"cm01,2026-01-05,1,{'备' * 60}\n".encode(encoding)
    with gzip.open(path, "wb", compresslevel=9) as file:
        file.write("cm_id,date,attendees,pad\n".encode(encoding))
        for _ in range(2500):
            file.write(row * 1000)


def _sheet_unpacks_big(path: Path) -> None:
    """An .xlsx of some twenty kilobytes whose sheet unpacks to 40,000 rows (760 KB as the
    CSV the sheet is copied to)."""
    openpyxl.Workbook().save(path)

    def row(*cells: str) -> bytes:
        inline = "".join(f'<c t="inlineStr"><is><t>{cell}</t></is></c>' for cell in cells)
        return f"<row>{inline}</row>".encode()

    with zipfile.ZipFile(path) as small:
        parts = {name: small.read(name) for name in small.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    head, tail = parts[sheet].decode().split("<sheetData")[0], "</sheetData></worksheet>"
    head = re.sub(r"<dimension[^>]*/>", "", head)  # openpyxl would read no further
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as big:
        for name, data in parts.items():
            if name != sheet:
                big.writestr(name, data)
        with big.open(sheet, "w") as out:
            out.write(f"{head}<sheetData>".encode() + row("cm_id", "date", "attendees"))
            rows = row("cm01", "2026-01-05", "1") * 1000
            for _ in range(40):
                out.write(rows)
            out.write(tail.encode())


@pytest.mark.parametrize("way", ["a-query-that-sorts-billions", "a-csv-gz", "a-gbk-csv-gz",
                                 "an-xlsx"])  # fmt: skip
def test_what_would_fill_the_disk_stops_at_its_scratch_space(
    write_workspace: WriteWorkspace, way: str
) -> None:
    # Spilled, or copied to the scratch folder, until the time limit: gigabytes a minute,
    # from an okrdesk.toml someone sent.
    root = _workspace(write_workspace, only_sql=True)
    settings = root / "okrdesk.toml"
    text = settings.read_text(encoding="utf-8")
    metric = "forever" if way == "a-query-that-sorts-billions" else "salon_attendees"
    if way == "a-query-that-sorts-billions":
        text = text[: text.index('[[sources.sql.metrics]]\nname = "forever"')] + SORTS_BILLIONS
    elif way == "an-xlsx":
        _sheet_unpacks_big(root / "data" / "big.xlsx")
        text = text.replace('"data/salons.csv"', '"data/big.xlsx"')
    else:
        gbk = way == "a-gbk-csv-gz"
        _unpacks_big(root / "data" / "big.csv.gz", "gbk" if gbk else "utf-8")
        table = '{ path = "data/big.csv.gz", encoding = "gbk" }' if gbk else '"data/big.csv.gz"'
        text = text.replace('"data/salons.csv"', table)
    settings.write_text(text, encoding="utf-8")
    args = ["collect", "--through", "2026-01-18", "--metric", metric, "--lang", "en"]
    # 4 MiB; 256 KiB for the sheet, which openpyxl reads a row at a time (a second for
    # every 20,000 rows): its copy would pass that a third of the way down.
    least = 256 * 1024 if way == "an-xlsx" else 4 * 1024 * 1024
    done = subprocess.run(
        [sys.executable, "-c", SPILLING, str(least), *args, "-w", str(root)], capture_output=True,
        text=True, timeout=600, env={**os.environ, "OKRDESK_LOAD_PLUGINS": ""},
    )  # fmt: skip
    assert done.returncode == 1, done.stdout + done.stderr
    at = "the query" if metric == "forever" else "sources.sql.tables.salons: big."
    assert at in done.stderr, done.stderr
    assert "of scratch space on disk (ten times the files read, at least 4 GiB)" in done.stderr
    assert "Traceback" not in done.stderr
