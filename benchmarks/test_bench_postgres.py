"""okrdesk with its store on PostgreSQL, each figure against a baseline in the same run.

- The firm's report, timed as the command people type, against the same GROUP BY
  a bare psycopg script sends to the same server, turn about (goal ≤ 1.5×, as
  for SQLite).
- One branch's report (`okrdesk report --unit`) on PostgreSQL against the same
  report on the SQLite file (goal ≤ 1.5×).
- Check-ins per second with twenty writer processes at once, through the store's
  check-in path, on PostgreSQL against SQLite (goal ≥ 1×); every check-in is
  counted afterwards, none lost, none twice.

The server is the throwaway one the tests use (tests/postgres_server.py); the
observations are the firm's, moved there by `okrdesk store copy`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_bench_report import GROUP_BY_PARAMS, GROUP_BY_SQL

from okrdesk.store import Store

from conftest import interleaved, record
from workspace import ENV, OKRDESK

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from postgres_server import OPT_OUT_ENV, PostgresServer

AS_OF = "2026-11-20"
BRANCH = "b001"
WRITERS, CHECKINS_EACH = 20, 25
HERE = Path(__file__).resolve().parent

GROUP_BY = (
    "import psycopg, sys\n"
    "with psycopg.connect(sys.argv[1]) as connection:\n"
    f"    connection.execute({GROUP_BY_SQL.replace('?', '%s')!r}, {GROUP_BY_PARAMS!r}).fetchall()\n"
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


@pytest.fixture(scope="module")
def firm_on_postgres(
    firm_store: Path, server: PostgresServer, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, str]:
    """The firm's workspace with its store copied to the server: its root and URL."""
    url = server.new_database()
    copied = subprocess.run(
        [OKRDESK, "store", "copy", str(firm_store), url], env=ENV, capture_output=True,
        check=False,
    )  # fmt: skip
    assert copied.returncode == 0, copied.stderr.decode()[-2000:]
    root = tmp_path_factory.mktemp("firm-on-postgres") / "firm"
    shutil.copytree(firm_store.parent, root, ignore=shutil.ignore_patterns("okrdesk.db*"))
    (root / "okrdesk.toml").write_text(f'[workspace]\ndatabase = "{url}"\n', encoding="utf-8")
    return root, url


def report(root: Path, *more: str) -> list[str]:
    return [OKRDESK, "report", "-w", str(root), "--as-of", AS_OF, *more]


def test_the_firm_report_on_postgres_against_a_group_by(
    benchmark, firm_store: Path, firm_on_postgres: tuple[Path, str], rounds: int
) -> None:  # type: ignore[no-untyped-def]
    root, url = firm_on_postgres
    commands = {
        "report": report(root),
        "sqlite_report": report(firm_store.parent),
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


def test_a_branch_report_on_postgres_against_sqlite(
    benchmark, firm_store: Path, firm_on_postgres: tuple[Path, str], rounds: int
) -> None:  # type: ignore[no-untyped-def]
    root, _ = firm_on_postgres
    commands = {
        "postgres": report(root, "--unit", BRANCH, "--format", "json"),
        "sqlite": report(firm_store.parent, "--unit", BRANCH, "--format", "json"),
    }
    shown = {
        name: subprocess.run(command, env=ENV, capture_output=True, check=True).stdout
        for name, command in commands.items()
    }
    assert shown["postgres"] == shown["sqlite"], "not the same report"
    benchmark.pedantic(lambda: None, rounds=1)
    times = interleaved(commands, rounds, ENV)
    ratio = times["postgres"] / times["sqlite"]
    record(
        "branch report on PostgreSQL vs on SQLite", "<= 1.5x", ratio, ratio <= 1.5,
        postgres_s=round(times["postgres"], 3), sqlite_s=round(times["sqlite"], 3),
    )  # fmt: skip


def twenty_writers(location: str, folder: Path) -> float:
    """Seconds from the start signal until all twenty writers have recorded their
    check-ins (each process opened its store before the signal)."""
    folder.mkdir()
    go = folder / "go"
    command = [sys.executable, str(HERE / "checkin_writer.py"), location]
    quiet = {"env": ENV, "stdout": subprocess.PIPE, "stderr": subprocess.PIPE}
    writers = [
        subprocess.Popen([*command, str(n), str(go), str(CHECKINS_EACH)], **quiet)  # type: ignore[call-overload]
        for n in range(WRITERS)
    ]
    deadline = time.monotonic() + 120
    while len(list(folder.glob("ready-*"))) < WRITERS and time.monotonic() < deadline:
        assert all(w.poll() is None for w in writers), [w.stderr.read() for w in writers]  # type: ignore[union-attr]
        time.sleep(0.02)
    start = time.perf_counter()
    go.write_text("go", encoding="utf-8")
    failed = [w.stderr.read() for w in writers if w.wait(timeout=600) != 0]  # type: ignore[union-attr]
    elapsed = time.perf_counter() - start
    assert not failed, failed[0][-2000:]
    return elapsed


def counted(location: str) -> tuple[int, int]:
    """The check-ins stored, and how many different ones (writer and number)."""
    with Store.open(location) as store:
        notes = [c.note for c in store.checkins(withdrawn=True)]
    return len(notes), len(set(notes))


def test_twenty_writers_check_in_on_postgres_against_sqlite(
    benchmark, server: PostgresServer, rounds: int, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    benchmark.pedantic(lambda: None, rounds=1)
    expected = WRITERS * CHECKINS_EACH
    seconds: dict[str, list[float]] = {"postgres": [], "sqlite": []}
    for turn in range(max(1, min(rounds, 3))):
        locations = {"postgres": server.new_database(), "sqlite": str(tmp_path / f"{turn}.db")}
        for name, location in locations.items():
            Store.open(location).close()  # the schema first, as a real store has it
            seconds[name].append(twenty_writers(location, tmp_path / f"{name}-{turn}"))
            assert counted(location) == (expected, expected), name  # none lost, none twice
    rate = {name: expected / min(found) for name, found in seconds.items()}
    ratio = rate["postgres"] / rate["sqlite"]
    record(
        "check-ins per second, 20 writers: PostgreSQL vs SQLite", ">= 1x", ratio, ratio >= 1,
        postgres_per_s=round(rate["postgres"]), sqlite_per_s=round(rate["sqlite"]),
        checkins=expected, writers=WRITERS,
    )  # fmt: skip
