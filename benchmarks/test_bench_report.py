"""The reports people run, timed as the commands they type, against baselines run
turn about in the same session:

- the firm's `okrdesk report` and `okrdesk check` against the covered SQLite
  GROUP BY over the same observations (goal ≤ 1.5×), and against DuckDB's
  GROUP BY over the same rows, reported (the next goal is ≤ 3×);
- one branch's report in the firm's workspace against the same report in a
  workspace holding only that branch's plan and rows (goal ≤ 1.5×);
- `okrdesk report` on the demo workspace against `python -c pass` (≤ 10×);
- the peak memory of the firm's report (≤ 500 MB).
"""

from __future__ import annotations

import csv
import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from okrdesk.model import Plan

from conftest import interleaved, record
from firm import build_plan
from workspace import (
    CHECKIN_KEY_RESULT,
    ENV,
    OKRDESK,
    add_weekly_collects,
    copy_rows,
    write_targets,
)

AS_OF = "2026-11-20"
BRANCH = "b001"

GROUP_BY_SQL = (
    "SELECT metric, subject, sum(value), sum(numerator), sum(denominator), count(*) "
    "FROM observations WHERE slice = '' AND grain = ? AND period_start <= ? "
    "GROUP BY metric, subject"
)
"""The baseline: every subject's whole figures summed over time, in one statement that
the covering subject index answers (the benchmark checks it is covered)."""
GROUP_BY_PARAMS = ("week", AS_OF)
GROUP_BY = (
    "import sqlite3, sys\n"
    "with sqlite3.connect(sys.argv[1]) as connection:\n"
    f"    connection.execute({GROUP_BY_SQL!r}, {GROUP_BY_PARAMS!r}).fetchall()\n"
)
DUCKDB_GROUP_BY = (
    "import duckdb, sys\n"
    "connection = duckdb.connect(sys.argv[1], read_only=True)\n"
    f"connection.execute({GROUP_BY_SQL!r}, {list(GROUP_BY_PARAMS)!r}).fetchall()\n"
)


def covered(store: Path) -> bool:
    """Whether SQLite answers the baseline from the covering subject index alone."""
    with sqlite3.connect(store) as connection:
        plan = connection.execute(f"EXPLAIN QUERY PLAN {GROUP_BY_SQL}", GROUP_BY_PARAMS)
        return all("COVERING INDEX" in row[3] for row in plan)


def report_command(root: Path, *more: str) -> list[str]:
    return [OKRDESK, "report", "-w", str(root), "--as-of", AS_OF, *more]


def duckdb_copy(store: Path, target: Path) -> Path | None:
    """The store's observations in a DuckDB file, for DuckDB's side of the comparison;
    None where DuckDB is not installed."""
    try:
        import duckdb
    except ImportError:
        return None
    columns = "metric, subject, slice, grain, period_start, value, numerator, denominator"
    # Through a CSV file: DuckDB's executemany takes minutes for 400,000 rows.
    exported = target.with_suffix(".csv")
    with sqlite3.connect(store) as source, exported.open("w", newline="") as file:
        csv.writer(file).writerows(source.execute(f"SELECT {columns} FROM observations"))
    connection = duckdb.connect(str(target))
    connection.execute(
        "CREATE TABLE observations (metric TEXT, subject TEXT, slice TEXT, grain TEXT, "
        "period_start TEXT, value DOUBLE, numerator DOUBLE, denominator DOUBLE)"
    )
    # The whole figure's slice is '', which a CSV file cannot tell from NULL unless told.
    connection.execute(
        f"COPY observations FROM '{exported}' (HEADER false, FORCE_NOT_NULL (slice))"
    )
    connection.close()
    exported.unlink()
    return target


def test_the_firm_report_against_a_group_by(
    benchmark, firm_store: Path, rounds: int, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    root = firm_store.parent
    commands = {
        "report": report_command(root),
        "check": [OKRDESK, "check", "-w", str(root), "--as-of", AS_OF],
        "group_by": [sys.executable, "-c", GROUP_BY, str(firm_store)],
    }
    duck = duckdb_copy(firm_store, tmp_path / "observations.duckdb")
    if duck is not None:
        commands["duckdb"] = [sys.executable, "-c", DUCKDB_GROUP_BY, str(duck)]
    once = {"env": ENV, "capture_output": True, "check": True}
    benchmark.pedantic(subprocess.run, args=(commands["report"],), kwargs=once, rounds=1)
    assert covered(firm_store), "the baseline must be the covered GROUP BY"
    check = subprocess.run(commands["check"], env=ENV, capture_output=True, check=False)
    assert check.returncode in (0, 1), check.stderr.decode()[-2000:]
    commands["check"] = [*commands["check"], "--lang", "en"]
    times = interleaved(commands, rounds, ENV, answers=["check"])
    check_s = times["check"]
    ratio = times["report"] / times["group_by"]
    figures = {
        "report_s": round(times["report"], 3),
        "check_s": round(check_s, 3),
        "group_by_s": round(times["group_by"], 3),
        "check_vs_group_by": round(check_s / times["group_by"], 2),
    }
    if "duckdb" in times:
        figures["duckdb_s"] = round(times["duckdb"], 3)
        figures["report_vs_duckdb"] = round(times["report"] / times["duckdb"], 2)
    record("firm report vs SQLite GROUP BY", "<= 1.5x", ratio, ratio <= 1.5, **figures)


@pytest.fixture(scope="session")
def branch_alone(firm_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace holding only one branch: its own plan and its own rows."""
    plan = build_plan(1)
    root = write_targets(tmp_path_factory.mktemp("branch"), plan)
    copy_rows(firm_store, root / "okrdesk.db", {u.id for u in plan.units} | {
        p.id for p in plan.people
    })  # fmt: skip
    return root


def test_a_branch_report_in_the_firm_against_the_branch_alone(
    benchmark, firm_store: Path, firm_plan: Plan, branch_alone: Path, rounds: int
) -> None:  # type: ignore[no-untyped-def]
    in_firm = report_command(firm_store.parent, "--unit", BRANCH, "--format", "json")
    alone = report_command(branch_alone, "--unit", BRANCH, "--format", "json")
    firm_json = subprocess.run(in_firm, env=ENV, capture_output=True, check=True).stdout
    alone_json = subprocess.run(alone, env=ENV, capture_output=True, check=True).stdout
    assert _objectives(firm_json) == _objectives(alone_json), "not the same report"
    benchmark.pedantic(lambda: None, rounds=1)
    times = interleaved({"firm": in_firm, "alone": alone}, rounds, ENV)
    ratio = times["firm"] / times["alone"]
    record(
        "branch report: in the firm's workspace vs the branch alone",
        "<= 1.5x",
        ratio,
        ratio <= 1.5,
        in_firm_s=round(times["firm"], 3),
        alone_s=round(times["alone"], 3),
        firm_people=len(firm_plan.people),
    )


@pytest.fixture(scope="session")
def branch_on_a_shared_store(
    branch_alone: Path, firm_plan: Plan, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, Path, int]:
    """The branch's own workspace twice, its store holding its year of weekly collects:
    on a store of its own, and on one every branch of the firm collects into (each other
    branch's weekly collects too, each naming its people)."""
    plan = build_plan(1)
    own = {plan.top: [*(u.id for u in plan.units), *(p.id for p in plan.people)]}
    others = _branch_subjects(firm_plan, but=BRANCH)
    roots = []
    for name, plans in (("own", own), ("shared", {**own, **others})):
        root = tmp_path_factory.mktemp(f"branch-{name}")
        shutil.copytree(branch_alone, root, dirs_exist_ok=True)
        add_weekly_collects(root / "okrdesk.db", plans)
        roots.append(root)
    return roots[0], roots[1], _runs_in(roots[1])


def _branch_subjects(firm_plan: Plan, but: str | None = None) -> dict[str, list[str]]:
    """Each branch of the firm (but ``but``) → the ids its collect names: its own, its
    units' and its people's."""
    ids = [*(u.id for u in firm_plan.units), *(p.id for p in firm_plan.people)]
    return {
        unit.id: [s for s in ids if s == unit.id or s.startswith(f"{unit.id}-")]
        for unit in firm_plan.units
        if unit.level == "branch" and unit.id != but
    }


def _runs_in(root: Path) -> int:
    """How many collects the workspace's store holds."""
    with sqlite3.connect(root / "okrdesk.db") as connection:
        (runs,) = connection.execute("SELECT count(*) FROM runs").fetchone()
    return int(runs)


def test_a_branch_report_on_a_store_every_branch_collects_into_against_its_own(
    benchmark, branch_on_a_shared_store: tuple[Path, Path, int], rounds: int
) -> None:  # type: ignore[no-untyped-def]
    own, shared, runs = branch_on_a_shared_store
    commands = {"shared": report_command(shared, "--format", "json"),
                "own": report_command(own, "--format", "json")}  # fmt: skip
    reports = {name: subprocess.run(command, env=ENV, capture_output=True, check=True).stdout
               for name, command in commands.items()}  # fmt: skip
    assert _objectives(reports["shared"]) == _objectives(reports["own"]), "not the same report"
    benchmark.pedantic(lambda: None, rounds=1)
    times = interleaved(commands, rounds, ENV)
    ratio = times["shared"] / times["own"]
    record(
        "branch report: on a store every branch collects into vs its own",
        "<= 1.1x",
        ratio,
        ratio <= 1.1,
        shared_s=round(times["shared"], 3),
        own_s=round(times["own"], 3),
        runs_stored=runs,
    )


def _objectives(payload: bytes) -> object:
    return json.loads(payload)["objectives"]


@pytest.fixture(scope="session")
def firm_of_collecting_branches(
    firm_store: Path, firm_plan: Plan, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, Path, int]:
    """The firm's workspace twice, each branch collecting into the firm's store itself
    (each collect naming the branch's units and people): once with each branch's latest
    weekly collect alone, once with its year of them."""
    branches = _branch_subjects(firm_plan)
    roots = []
    for name, last in (("one", 1), ("year", None)):
        root = tmp_path_factory.mktemp(f"collecting-{name}") / "firm"
        shutil.copytree(firm_store.parent, root)
        add_weekly_collects(root / "okrdesk.db", branches, last=last)
        roots.append(root)
    return roots[0], roots[1], _runs_in(roots[1])


def test_the_firm_report_on_a_year_of_each_branchs_collects_against_one_each(
    benchmark, firm_of_collecting_branches: tuple[Path, Path, int], rounds: int
) -> None:  # type: ignore[no-untyped-def]
    one, year, runs = firm_of_collecting_branches
    commands = {"year": report_command(year), "one": report_command(one)}
    shown = {name: subprocess.run(command, env=ENV, capture_output=True, check=True).stdout
             for name, command in commands.items()}  # fmt: skip
    assert shown["year"] == shown["one"], "not the same report"
    benchmark.pedantic(lambda: None, rounds=1)
    times = interleaved(commands, rounds, ENV)
    ratio = times["year"] / times["one"]
    record(
        "firm report: a year of each branch's collects vs one each",
        "<= 1.1x",
        ratio,
        ratio <= 1.1,
        year_s=round(times["year"], 3),
        one_s=round(times["one"], 3),
        runs_stored=runs,
    )


def test_the_firm_report_with_slices_stored_against_without(
    firm_store: Path, sliced_firm_store: Path, rounds: int
) -> None:
    """Issue 19's promise: dimensions cost undimensioned work nothing. Three of the
    twenty metrics also stored in three slices each (the whole beside them: 2.5 times
    the rows of those metrics), the firm's report against the same without them."""
    plain, sliced = firm_store.parent, sliced_firm_store.parent
    figures = {}
    for name, root in (("plain", plain), ("sliced", sliced)):
        done = subprocess.run(report_command(root, "--format", "json"), env=ENV,
                              capture_output=True, check=True)  # fmt: skip
        figures[name] = _actuals(done.stdout)
    assert figures["plain"].keys() == figures["sliced"].keys()
    for key, value in figures["plain"].items():
        assert value == pytest.approx(figures["sliced"][key], rel=1e-9), key
    times = interleaved({"plain": report_command(plain), "sliced": report_command(sliced)},
                        rounds, ENV)  # fmt: skip
    ratio = times["sliced"] / times["plain"]
    with sqlite3.connect(sliced_firm_store) as connection:
        (rows,) = connection.execute("SELECT count(*) FROM observations").fetchone()
        (slices,) = connection.execute(
            "SELECT count(*) FROM observations WHERE slice > ''"
        ).fetchone()
    record("firm report with slices stored vs without", "<= 1.1x", ratio, ratio <= 1.1,
           sliced_s=round(times["sliced"], 3), plain_s=round(times["plain"], 3),
           observations=rows, slice_rows=slices)  # fmt: skip


LATEST_CHECKINS_SQL = (
    "SELECT sum(value) FROM checkins AS c WHERE key_result = ? AND day <= ? AND NOT EXISTS "
    "(SELECT 1 FROM checkins AS later WHERE later.key_result = c.key_result AND "
    "later.subject = c.subject AND later.day <= ? AND (later.day, later.id) > (c.day, c.id))"
)
"""The firm's figure of a key result its people check in: each one's latest, summed."""


def test_the_firm_report_with_weekly_checkins_against_without(
    firm_store: Path, checkin_firm_store: Path, rounds: int
) -> None:
    """A key result that each of the firm's people checks in every week (a year of
    check-ins, read whole for the firm's trend): the firm's report with it against the
    same report without it."""
    plain, checked_in = firm_store.parent, checkin_firm_store.parent
    done = subprocess.run(report_command(checked_in, "--format", "json"), env=ENV,
                          capture_output=True, check=True)  # fmt: skip
    with sqlite3.connect(checkin_firm_store) as connection:
        (expected,) = connection.execute(
            LATEST_CHECKINS_SQL, (CHECKIN_KEY_RESULT, AS_OF, AS_OF)
        ).fetchone()
        (checkins,) = connection.execute("SELECT count(*) FROM checkins").fetchone()
    assert _actuals(done.stdout)[CHECKIN_KEY_RESULT] == pytest.approx(expected, rel=1e-12)
    times = interleaved({"plain": report_command(plain), "checked_in": report_command(checked_in)},
                        rounds, ENV)  # fmt: skip
    ratio = times["checked_in"] / times["plain"]
    record("firm report with weekly check-ins vs without", "<= 1.5x", ratio, ratio <= 1.5,
           checked_in_s=round(times["checked_in"], 3), plain_s=round(times["plain"], 3),
           checkins=checkins)  # fmt: skip


def _actuals(payload: bytes) -> dict[str, float]:
    """Each key result's actual in a JSON report, by id."""
    return {
        kr["id"]: kr["actual"]
        for objective in json.loads(payload)["objectives"]
        for kr in objective["key_results"]
        if kr["actual"] is not None
    }


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("demo") / "okrdesk-demo"
    subprocess.run([OKRDESK, "demo", str(root), "--as-of", AS_OF], env=ENV,
                   capture_output=True, check=True)  # fmt: skip
    return root


STARTS_PER_ROUND = 5
"""Runs of each side per round in the start-up comparison: a run is a tenth of a second,
and the median of five so short runs moves with a shared machine's load (``--help``'s
comparison takes 25 too)."""

STACK = "import click, attrs, pluggy, sqlite3, json, pathlib"
"""What every report imports before okrdesk's own first line runs: the command line,
the records, the plugins, the store and its JSON, and paths."""


def test_the_demo_report_against_starting_python(benchmark, demo: Path, rounds: int) -> None:  # type: ignore[no-untyped-def]
    commands = {
        "report": report_command(demo),
        "python": [sys.executable, "-c", "pass"],
        "stack": [sys.executable, "-c", STACK],
    }
    # Once untimed: the first run writes the bytecode every later run reads.
    once = {"env": ENV, "capture_output": True, "check": True}
    benchmark.pedantic(subprocess.run, args=(commands["report"],), kwargs=once, rounds=1)
    times = interleaved(commands, rounds * STARTS_PER_ROUND, ENV)
    ratio = times["report"] / times["python"]
    record(
        "demo report vs python -c pass",
        "<= 10x",
        ratio,
        ratio <= 10,
        report_ms=round(times["report"] * 1000, 1),
        python_ms=round(times["python"] * 1000, 1),
        stack_imports_ms=round(times["stack"] * 1000, 1),
        stack_vs_python=round(times["stack"] / times["python"], 2),
    )


PEAK = (
    "import resource, subprocess, sys\n"
    "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True)\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
)


def test_the_firm_report_peak_memory(firm_store: Path) -> None:
    # ru_maxrss of the waited-for child alone: the okrdesk process, not this one.
    command = [sys.executable, "-c", PEAK, *report_command(firm_store.parent)]
    done = subprocess.run(command, env=ENV, capture_output=True, text=True, check=True)
    peak_mb = int(done.stdout.split()[-1]) / 1024  # Linux reports kilobytes
    record("firm report peak memory (MB)", "<= 500 MB", peak_mb, peak_mb <= 500,
           peak_mb=round(peak_mb, 1))  # fmt: skip
