"""The firm's report with its store on PostgreSQL, timed as the command people type,
against the same GROUP BY a bare psycopg script sends to the same server, turn about
(goal ≤ 1.5×, as for SQLite). The server is the throwaway one the tests use
(tests/postgres_server.py); the observations are the firm's, moved there by
`okrdesk store copy`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import interleaved, record
from workspace import ENV, OKRDESK

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from postgres_server import OPT_OUT_ENV, PostgresServer

AS_OF = "2026-11-20"

GROUP_BY = (
    "import psycopg, sys\n"
    "with psycopg.connect(sys.argv[1]) as connection:\n"
    "    connection.execute(\n"
    "        'SELECT metric, subject, sum(value), sum(numerator), sum(denominator), count(*) '\n"
    "        'FROM observations WHERE grain = %s AND period_start <= %s "
    "GROUP BY metric, subject',\n"
    f"        ('week', {AS_OF!r})).fetchall()\n"
)


@pytest.fixture(scope="module")
def server() -> Iterator[PostgresServer]:
    if os.environ.get(OPT_OUT_ENV) == "skip":
        pytest.skip(f"{OPT_OUT_ENV}=skip: no PostgreSQL benchmarks")
    found = PostgresServer()
    try:
        found.start()
        yield found
    finally:
        found.stop()


def test_the_firm_report_on_postgres_against_a_group_by(
    benchmark, firm_store: Path, server: PostgresServer, rounds: int, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    url = server.new_database()
    copied = subprocess.run(
        [OKRDESK, "store", "copy", str(firm_store), url], env=ENV, capture_output=True,
        check=False,
    )  # fmt: skip
    assert copied.returncode == 0, copied.stderr.decode()[-2000:]
    root = tmp_path / "firm-on-postgres"
    shutil.copytree(firm_store.parent, root, ignore=shutil.ignore_patterns("okrdesk.db*"))
    (root / "okrdesk.toml").write_text(f'[workspace]\ndatabase = "{url}"\n', encoding="utf-8")
    commands = {
        "report": [OKRDESK, "report", "-w", str(root), "--as-of", AS_OF],
        "sqlite_report": [OKRDESK, "report", "-w", str(firm_store.parent), "--as-of", AS_OF],
        "group_by": [sys.executable, "-c", GROUP_BY, url],
    }
    once = {"env": ENV, "capture_output": True, "check": True}
    benchmark.pedantic(subprocess.run, args=(commands["report"],), kwargs=once, rounds=1)
    times = interleaved(commands, rounds, ENV)
    ratio = times["report"] / times["group_by"]
    record(
        "firm report on PostgreSQL vs PostgreSQL GROUP BY", "<= 1.5x", ratio, ratio <= 1.5,
        report_s=round(times["report"], 3), group_by_s=round(times["group_by"], 3),
        sqlite_report_s=round(times["sqlite_report"], 3),
        vs_sqlite=round(times["report"] / times["sqlite_report"], 2),
    )  # fmt: skip
