"""How a collection treats people, metrics, files and periods it was not built around."""

from __future__ import annotations

import datetime as dt
import gc
import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

import pytest
from okrdesk.model import MetricKind, MetricSpec, Person
from okrdesk.periods import Period, quarter_of
from okrdesk.plugins import CollectRequest
from okrdesk.units import UNITS

from brokerage_helpers import FIXTURES, MONTHS, PEOPLE, SETTINGS, Collector, collect
from okrdesk_brokerage import plugin


def test_only_requested_people_with_clients_are_emitted(tiny: Collector) -> None:
    subjects = {subject for (_, subject, _) in tiny.observations}
    # cm3 has no clients; X1's CM (cmX) was not asked about.
    assert subjects == {"cm1", "cm2"}


def test_a_cms_figures_do_not_depend_on_who_else_is_asked_about(tiny: Collector) -> None:
    alone = collect(people=[Person("cm2", "Wang Wei", "team1")])
    assert alone.observations == {k: o for k, o in tiny.observations.items() if k[1] == "cm2"}


def test_metrics_declared_elsewhere_are_ignored() -> None:
    foreign = MetricSpec("expense_ratio", "Expense ratio", "费用率", MetricKind.RATIO, UNITS["%"])
    spec = next(s for s in _declared() if s.name == "new_accounts")
    request = _request(foreign, spec)
    found = Collector()
    plugin.okrdesk_collect(request=request, emit=found)
    assert {metric for (metric, _, _) in found.observations} == {"new_accounts"}


def _request(*metrics: MetricSpec) -> CollectRequest:
    """The fixture CMs' first quarter, by month, through 20 March."""
    return CollectRequest(
        metrics=metrics, people=PEOPLE, units=(), periods=MONTHS,
        through=dt.date(2026, 3, 20), settings=SETTINGS, workspace=FIXTURES,
    )  # fmt: skip


def _declared() -> list[MetricSpec]:
    specs: list[MetricSpec] = []
    plugin.okrdesk_metrics(register=specs.append)
    return specs


def test_only_files_a_wanted_metric_needs_are_required(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "tiny", tmp_path / "tiny")
    (tmp_path / "tiny" / "assets.csv").unlink()
    found = collect(["nps", "new_accounts", "client_attrition"], workspace=tmp_path)
    assert found.ratios("nps")[("cm2", "2026-01")] == (100, 1)
    failed = collect(["aum"], workspace=tmp_path)
    [(metric, message)] = failed.errors
    assert metric == "aum" and failed.finished_metrics == ["aum"]
    assert message.startswith("assets.csv: file not found")


def test_overlapping_periods_each_get_their_own_window() -> None:
    q1 = quarter_of(dt.date(2026, 1, 1))
    found = collect(["commission_revenue", "aum", "nps", "client_attrition"], periods=[*MONTHS, q1])
    # Q1 runs 01-01 to 03-20: 67.50 + 10.00 + 2.50
    assert found.values("commission_revenue")[("cm1", "2026-Q1")] == 80.0
    assert found.sources("commission_revenue")[("cm1", "2026-Q1")] == "trades.csv rows 2-3,5,7,9"
    assert found.values("aum")[("cm1", "2026-Q1")] == 2_700_000.0  # as at 03-20
    assert found.ratios("nps")[("cm1", "2026-Q1")] == (100, 6)  # 0 + 0 + 100 / 2 + 1 + 3
    # A2 closed in February / open on 12-31: A1, A2
    assert found.ratios("client_attrition")[("cm1", "2026-Q1")] == (1, 2)
    assert found.values("commission_revenue")[("cm1", "2026-02")] == 10.0


def test_periods_after_through_and_gaps_between_periods_are_left_out() -> None:
    january, march = MONTHS[0], MONTHS[2]
    april = Period(dt.date(2026, 4, 1), dt.date(2026, 4, 30), "2026-04")
    found = collect(["commission_revenue"], periods=[january, march, april])
    assert found.values("commission_revenue") == {
        ("cm1", "2026-01"): 67.5,
        ("cm1", "2026-03"): 2.5,
        ("cm2", "2026-01"): 7.0,
        ("cm2", "2026-03"): 0.0,  # no trade of cm2's in March: none
    }


def test_nothing_is_read_when_no_metric_of_ours_is_wanted(tmp_path: Path) -> None:
    request = CollectRequest(
        metrics=(),
        people=PEOPLE,
        units=(),
        periods=MONTHS,
        through=dt.date(2026, 3, 20),
        settings={},
        workspace=tmp_path,
    )
    found = Collector()
    plugin.okrdesk_collect(request=request, emit=found)
    assert found.observations == {}


class _Order(Collector):
    """Records which metric each emit was for, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.order: list[str] = []

    def __call__(self, metric: str, *args: object, **kwargs: object) -> None:  # type: ignore[override]
        self.order.append(metric)
        super().__call__(metric, *args, **kwargs)  # type: ignore[arg-type]


def test_each_metric_is_emitted_whole_once_its_files_are_totalled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Metric by metric, in the order their files are read (clients.csv's first, the
    snapshots' last), not everything at the end: the plugin holds one file's figures at
    a time, and the spill folder DuckDB was given is gone afterwards."""
    # A temporary folder of this test's own: other collects on the machine make and
    # remove spill folders in the shared one while it runs.
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    wanted = ["asset_attrition", "aum", "nps", "new_accounts", "effective_accounts",
              "commission_revenue", "client_attrition"]  # fmt: skip
    specs = {spec.name: spec for spec in _declared()}
    request = _request(*(specs[name] for name in wanted))
    emitted = _Order()
    plugin.okrdesk_collect(request=request, emit=emitted)
    runs = [
        metric for k, metric in enumerate(emitted.order) if k == 0 or emitted.order[k - 1] != metric
    ]
    assert runs == [
        "new_accounts", "client_attrition", "commission_revenue", "nps",
        # assets.csv's part by part: AUM, then attrition (after which AUM and the
        # outflows are let go), then effective accounts.
        "aum", "asset_attrition", "effective_accounts",
    ]  # fmt: skip
    # Each said finished once its figures are out, so okrdesk stores it meanwhile (the
    # Collector refuses anything emitted for a metric after that).
    assert emitted.finished_metrics == runs
    assert not list(tmp_path.glob("okrdesk-brokerage-*"))


def test_a_metric_that_fails_as_it_is_emitted_fails_the_collect_with_its_own_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Metrics are emitted on a thread of their own while the next file is read: what
    one raises there is raised by the collect (okrdesk then names the plugin's line),
    not lost with the thread, and the metrics emitted before it are out."""
    from okrdesk_brokerage import assemble

    def broken(figures: object, cm: int, window: int) -> None:
        raise ZeroDivisionError("a bug while assembling commission")

    monkeypatch.setitem(assemble.ASSEMBLERS, "commission_revenue", broken)
    specs = {spec.name: spec for spec in _declared()}
    emitted = _Order()
    request = _request(specs["new_accounts"], specs["commission_revenue"], specs["nps"])
    with pytest.raises(ZeroDivisionError, match="assembling commission"):
        plugin.okrdesk_collect(request=request, emit=emitted)
    assert emitted.finished_metrics == ["new_accounts"]


def test_duckdb_is_held_to_a_memory_limit_and_spills_where_told(tmp_path: Path) -> None:
    from okrdesk_brokerage import engine

    con = engine.connect(tmp_path)
    settings = dict(
        con.execute(
            "SELECT name, value FROM duckdb_settings() "
            "WHERE name IN ('memory_limit', 'temp_directory', 'threads')"
        ).fetchall()
    )
    assert settings["temp_directory"] == str(tmp_path)
    assert settings["memory_limit"] == "76.2 MiB" and settings["threads"] == "1"  # 80 MB


def test_duckdb_spills_no_more_than_okrdesk_s_sql_source_may(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The spill had no bound: a clients.csv.gz that unpacks to a terabyte, in an export
    someone sent, filled the disk. Now the SQL source's rule (sql_scratch) holds: ten
    times the files read, 4 GiB at least; past it DuckDB is short of memory, and the file
    is read row by row (``test_a_file_duckdb_has_too_little_memory_for_...``)."""
    import duckdb
    from okrdesk.plugins import sql_scratch

    from okrdesk_brokerage import engine

    export = tmp_path / "clients.csv"
    with export.open("wb") as file:
        file.truncate(1 << 30)  # 1 GiB, sparse: ten times it, 10 GiB

    def most(con: engine.Connection) -> str:
        found = con.execute("SELECT current_setting('max_temp_directory_size')").fetchone()
        assert found is not None
        return str(found[0])

    spill = tmp_path / "spill"
    assert most(engine.connect(spill)) == "4.0 GiB"
    assert most(engine.connect(spill, reads=[export, tmp_path / "gone.csv"])) == "10.0 GiB"
    monkeypatch.setattr(sql_scratch, "LEAST_SCRATCH", 4 * 1024 * 1024)
    con = engine.connect(spill)
    assert most(con) == "4.0 MiB"
    with pytest.raises(duckdb.OutOfMemoryException, match="max_temp_directory_size"):
        con.execute("SELECT count(*) FROM (SELECT md5(range::VARCHAR) AS h "
                    "FROM range(20000000) ORDER BY h)").fetchone()  # fmt: skip
    spilled = sum(p.stat().st_size for p in spill.rglob("*") if p.is_file())
    assert spilled <= 4 * 1024 * 1024


def test_duckdb_draws_no_progress_bar_on_the_plugins_output(
    capfd: pytest.CaptureFixture[str],
) -> None:
    """DuckDB draws a bar on standard output for a query of over two seconds (a firm's
    export): a plugin that prints loses its numbers. Here the bar is asked for from the
    first millisecond, as DuckDB itself does once a query runs long."""
    from okrdesk_brokerage import engine

    con = engine.connect()
    con.execute("SET progress_bar_time = 1")
    capfd.readouterr()
    assert con.execute("SELECT sum(i * 2) FROM range(20000000) t(i)").fetchone() is not None
    assert capfd.readouterr() == ("", "")


def test_a_file_duckdb_has_too_little_memory_for_is_read_row_by_row_with_a_warning(
    tiny: Collector, monkeypatch: pytest.MonkeyPatch
) -> None:
    from okrdesk_brokerage import engine

    # Too little for DuckDB to load even the client book: every file is read row by row,
    # to the same figures, and each metric says so.
    monkeypatch.setattr(engine, "MEMORY_LIMIT", "3MB")
    short = collect()
    assert short.observations == tiny.observations and not short.errors
    assert short.slices == tiny.slices
    warned = dict(short.warnings)
    assert set(warned) == set(short.finished_metrics)
    assert warned["nps"] == (
        "clients.csv: DuckDB's 3MB of memory was not enough to total it set-wise, so it was "
        "read row by row (the same figures, more slowly and in more memory)"
    )
    assert dict(short.warnings_zh)["nps"] == (
        "clients.csv：DuckDB 的 3MB 内存不够整批汇总它，因此改为逐行读取"
        "（数字相同，只是更慢、更占内存）"
    )
    assert not tiny.warnings


def test_a_part_of_assets_duckdb_runs_out_of_memory_for_is_read_row_by_row(
    tiny: Collector, monkeypatch: pytest.MonkeyPatch
) -> None:
    """AUM and attrition were totalled set-wise and emitted; effective accounts (and new
    ones' market value), the next part of assets.csv, runs out of memory: what is left
    comes from reading the file row by row, to the same figures, and only the metrics
    emitted after say so. (DuckDB
    cannot be made to run short at that one step, so the step raises what it would.)"""
    from okrdesk_brokerage import assets

    monkeypatch.setattr(assets, "_effective", _short_of_memory)
    short = collect()
    assert short.observations == tiny.observations and not short.errors
    assert short.slices == tiny.slices
    warned = dict(short.warnings)
    assert set(warned) == {"effective_accounts", "new_effective_market_value", "new_hnw_clients"}
    assert warned["effective_accounts"].startswith("assets.csv: DuckDB's 80MB of memory")
    assert {"aum", "asset_attrition"} <= set(short.finished_metrics)


def test_a_large_export_on_two_threads_gives_what_one_thread_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where the export is large DuckDB works on two threads: every figure, slice and row
    citation is the one thread's (rows are numbered in the file's order however many
    threads read it; amounts with fen are added up on one). Ten
    branches, so that the larger files' tables are several of DuckDB's row groups, which
    its threads share out as they do the blocks the files are read in."""
    from okrdesk.periods import Grain, periods_between

    from okrdesk_brokerage import engine
    from okrdesk_brokerage_synthetic.generator import firm_cm_ids, generate

    start, through = dt.date(2026, 1, 1), dt.date(2026, 6, 30)
    cms = firm_cm_ids(10)
    generate(tmp_path / "crm", cms, start=start, end=through, snapshot="month")
    periods = tuple(periods_between(start, through, Grain.WEEK))
    settings = {"data": "crm", "institutional_weight": 3, "effective_assets_min": 5000}
    people = [Person(cm, cm, "firm") for cm in cms]
    threads: list[int] = []
    connect = engine.connect

    def recorded(
        spill: Path | None = None, threads_: int = 1, reads: Iterable[Path] = ()
    ) -> engine.Connection:
        threads.append(threads_)
        return connect(spill, threads_, reads)

    monkeypatch.setattr(engine, "connect", recorded)
    # Small read-ahead blocks: each file is read in many, which two threads share out.
    monkeypatch.setattr(engine, "CSV_BUFFER", 1 << 17)
    found = {}
    for parallel_from in (0, 1 << 60):
        monkeypatch.setattr(engine, "PARALLEL_FROM", parallel_from)
        found[parallel_from] = collect(
            workspace=tmp_path, settings=settings, periods=periods, through=through,
            people=people,
        )  # fmt: skip
    many, one = found[0], found[1 << 60]
    assert threads == [min(2, os.cpu_count() or 1), 1]
    assert not many.errors and not many.warnings
    assert many.observations == one.observations and many.slices == one.slices
    assert len(one.observations) > 20_000
    assert any(o.value % 1 for o in one.of("commission_revenue").values() if o.value)


def test_duckdbs_tables_of_assets_are_let_go_before_the_file_is_read_row_by_row(
    tiny: Collector, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A part of assets.csv that runs out of memory leaves the rest to the streaming reader,
    which needs DuckDB's memory for the client book's lists: the snapshots and what was
    worked out from them are dropped first (a collect at 300 branches that ran out of memory
    there had failed every metric still to come)."""
    from okrdesk_brokerage import assets, engine
    from okrdesk_brokerage import collect as collecting

    connections: list[engine.Connection] = []
    connect = engine.connect

    def recorded(
        spill: Path | None = None, threads: int = 1, reads: Iterable[Path] = ()
    ) -> engine.Connection:
        connections.append(connect(spill, threads, reads))
        return connections[-1]

    held: list[set[str]] = []
    read_assets = collecting.read_assets

    def reading(*args: object, **kwargs: object) -> object:
        tables = connections[0].execute("SELECT table_name FROM duckdb_tables()").fetchall()
        held.append({name for (name,) in tables})
        return read_assets(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(assets, "_effective", _short_of_memory)
    monkeypatch.setattr(engine, "connect", recorded)
    monkeypatch.setattr(collecting, "read_assets", reading)
    short = collect()
    assert short.observations == tiny.observations and not short.errors
    assert len(held) == 1 and "clients" in held[0]
    assert held[0].isdisjoint({"snapshots", "spans", "pieces", "segments"})
    # Nor is any file as it was read, before its rows were checked.
    assert not [name for name in held[0] if name.endswith("_read")], held


def test_new_hnw_clients_out_of_memory_after_effective_accounts_are_read_row_by_row(
    tiny: Collector, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The last part of assets.csv runs short: effective accounts, emitted already, are not
    counted again (their first trades are gone from DuckDB), and new HNW clients come from
    reading the file row by row, to the same figures."""
    from okrdesk_brokerage import assets

    monkeypatch.setattr(assets, "_new_hnw", _short_of_memory)
    short = collect()
    assert short.observations == tiny.observations and not short.errors
    assert short.slices == tiny.slices
    assert set(dict(short.warnings)) == {"new_hnw_clients"}


def test_a_metric_being_emitted_keeps_its_figures_when_a_later_part_falls_back(
    tiny: Collector, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Effective accounts are still being emitted, on their thread, when new HNW clients
    run short of memory and assets.csv is read row by row in their place: the metric
    emitted reads the figures it was given, not the file read again (which holds no
    effective accounts), and only new HNW clients carry the warning."""
    import threading

    from okrdesk_brokerage import assemble, assets
    from okrdesk_brokerage import collect as collecting

    monkeypatch.setattr(assets, "_new_hnw", _short_of_memory)
    read_again = threading.Event()
    read_assets = collecting.read_assets

    def reading_again(*args: object, **kwargs: object) -> object:
        found = read_assets(*args, **kwargs)  # type: ignore[arg-type]
        read_again.set()
        return found

    monkeypatch.setattr(collecting, "read_assets", reading_again)
    effective = assemble.ASSEMBLERS["effective_accounts"]
    calls = []

    def waiting(figures: object, cm: int, window: int) -> object:
        calls.append(cm)
        if len(calls) == 2:  # halfway through: the file is read again meanwhile
            assert read_again.wait(30)
        return effective(figures, cm, window)  # type: ignore[arg-type]

    monkeypatch.setitem(assemble.ASSEMBLERS, "effective_accounts", waiting)
    short = collect()
    assert read_again.is_set()
    assert short.observations == tiny.observations and not short.errors
    assert set(dict(short.warnings)) == {"new_hnw_clients"}


def _short_of_memory(*args: object, **kwargs: object) -> None:
    """A step of DuckDB's that runs out of memory (it cannot be made to at one step)."""
    import duckdb

    raise duckdb.OutOfMemoryException("Out of Memory Error: could not allocate block")


class _CollectorState(Collector):
    """Records whether Python's cyclic garbage collector was on at each ``emit.many``."""

    def __init__(self) -> None:
        super().__init__()
        self.collecting: list[bool] = []

    def many(self, metric: str, *args: object, **kwargs: object) -> None:  # type: ignore[override]
        self.collecting.append(gc.isenabled())
        super().many(metric, *args, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize("before", [True, False])
def test_the_cycle_collector_is_off_while_a_collect_runs_and_as_it_was_after(
    before: bool,
) -> None:
    specs = {spec.name: spec for spec in _declared()}
    request = _request(specs["aum"], specs["nps"])
    emitted = _CollectorState()
    (gc.enable if before else gc.disable)()
    try:
        plugin.okrdesk_collect(request=request, emit=emitted)
        assert gc.isenabled() is before
    finally:
        gc.enable()
    assert emitted.collecting and not any(emitted.collecting)
    assert emitted.values("aum") and emitted.ratios("nps")
