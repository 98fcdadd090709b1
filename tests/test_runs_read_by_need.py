"""A head office's store keeps every branch's weekly collects: the reads of explain and
collect that need one run of them (the latest that asked for a metric, the latest that
read it, the latest to note its kind, those that found no rows of last year) ask the
store for it, and answer as reading every run did, on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import random
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from okrdesk.cli import cli
from okrdesk.model import (
    NoRowsOfLastYear,
    Observation,
    Run,
    kinds_noted,
    latest_read,
    read_before,
    restatements_read,
)
from okrdesk.periods import parse_period
from okrdesk.store import Store
from sample_workspace import WriteWorkspace
from test_firm_branch_collects import (
    THROUGH,
    _runs_read,
    branch_workspace,
    firm_workspace,
    with_firm_goal,
)

METRICS = ("new_clients", "new_clients_vip", "新开户", "aum_100%")
"""One a prefix of another, one in Chinese (kept escaped as JSON), one with a LIKE
wildcard in its name: a pattern too loose or too strict finds the wrong run."""
OWNERS = dict.fromkeys(METRICS, "crm")
UNITS = ("hq", "b1", "b2")


@pytest.fixture(params=["sqlite", "postgresql"])
def location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "firm.db")
    return str(request.getfixturevalue("postgres_url"))


def _collect(store: Store, draw: random.Random, week: int) -> None:
    """One collect of a unit drawn at random: asked for every metric or some, failing
    some, storing the rest by the week or the month, left unfinished now and then, and
    finding no rows of last year of some."""
    unit = draw.choice(UNITS)
    asked = None if draw.random() < 0.4 else draw.sample(METRICS, draw.randint(1, 3))
    through = dt.date(2026, 1, 4) + dt.timedelta(weeks=week)
    run = store.start_run("collect", through, asked, plan_unit=unit)
    failed = [m for m in asked or METRICS if draw.random() < 0.25]
    stored = [m for m in asked or METRICS if m not in failed]
    period = parse_period(f"2026-W{week:02d}" if draw.random() < 0.7 else "2026-03")
    for metric in stored:
        rows = [Observation(metric, f"{unit}-p{week}", period.id, float(week))]
        store.replace_observations(run, {metric: "crm"}, [period], rows, through)
    if draw.random() < 0.1:
        return
    bases = {m: NoRowsOfLastYear(("2025-W01",)) for m in stored if draw.random() < 0.15}
    errors = [f"plugin crm metric {m}: the export could not be read" for m in failed]
    kinds = {m: draw.choice(("flow", "stock")) for m in stored if draw.random() < 0.5}
    store.finish_run(run, "failed" if failed else "ok", {"crm": "1"}, errors, kinds=kinds,
                     bases=bases)  # fmt: skip


@pytest.fixture
def firm_store(location: str) -> str:
    draw = random.Random(61)
    with Store.open(location) as store:
        for week in range(1, 45):
            _collect(store, draw, week)
    return location


def _why_none(newest_first: object, metric: str) -> int | None:
    """What explain's line of why a metric has no figure reads: the latest finished run
    asked for it."""
    runs: list[Run] = list(newest_first)  # type: ignore[call-overload]
    return next((r.id for r in runs if not r.unfinished and r.asked_for(metric)), None)


@pytest.mark.parametrize("units", [{"", "b1"}, {"", "hq", "b2"}, {"", *UNITS}])
def test_each_read_finds_the_run_reading_every_run_found(firm_store: str, units: set[str]) -> None:
    with Store.open(firm_store) as store:
        every = store.runs(plan_units=units)
        assert len(every) > 10
        newest = [r.id for r in store.runs_newest_first(units, batch=3)]
        assert newest == [r.id for r in reversed(every)]
        assert store.runs_with_bases(units) == [r for r in every if r.bases is not None]
        found = 0
        for metric in METRICS:
            naming = list(store.runs_newest_first(units, naming=metric, batch=3))
            # Every run that asked for the metric or stored it is among them.
            assert {r.id for r in naming} >= {
                r.id for r in every if r.asked_for(metric) or r.stored(metric)
            }
            assert _why_none(naming, metric) == _why_none(reversed(every), metric)
            for grain in (None, "week", "month"):
                for before in (sys.maxsize, *(r.id for r in every)):
                    asked = store.runs_newest_first(units, naming=metric, batch=3)
                    read = latest_read(asked, before, metric, OWNERS, grain)
                    assert read == latest_read(reversed(every), before, metric, OWNERS, grain)
                    found += read is not None
        assert found > 50


@pytest.mark.parametrize("units", [{"", "b1"}, {"", *UNITS}])
def test_collects_reads_find_the_runs_reading_every_run_found(
    firm_store: str, units: set[str]
) -> None:
    """The latest run to note each metric's kind, and the runs a restatement's alert reads
    (the latest that read each restated metric at each grain before the run)."""
    with Store.open(firm_store) as store:
        every = store.runs(plan_units=units)
        noted = kinds_noted(lambda m: store.runs_newest_first(units, kind_of=m, batch=3), METRICS)
        assert noted == sorted(noted, key=lambda r: r.id)
        for metric in METRICS:
            latest = [r for r in every if r.kinds and metric in r.kinds][-1:]
            assert [r for r in noted if r.kinds and metric in r.kinds][-1:] == latest
        revised = {"新开户": {"2026-W09": 3, "2026-03": 1}, "aum_100%": {"2026-W12": 2},
                   "new_clients": {"not a period": 1}}  # fmt: skip
        grains_read = {"新开户": ("week", "month"), "aum_100%": ("week",), "new_clients": (None,)}
        assert restatements_read(lambda m: store.runs_newest_first(units), {}, 40, OWNERS) == []
        for run_id in (r.id for r in every):
            read = restatements_read(lambda m: store.runs_newest_first(units, naming=m, batch=3),
                                     revised, run_id, OWNERS)  # fmt: skip
            assert len(read) <= 4
            for metric, grains in grains_read.items():
                for grain in grains:
                    assert read_before(read, run_id, metric, OWNERS, grain) == read_before(
                        every, run_id, metric, OWNERS, grain
                    )


def test_a_run_that_failed_the_metric_or_was_not_asked_for_it_is_passed_by(
    location: str,
) -> None:
    """The latest run of the store asked for another metric, and the one before failed
    this one: the day read is the one before those, the why-none the failing run's."""
    with Store.open(location) as store:
        week = parse_period("2026-W10")
        first = store.start_run("collect", week.end, None, plan_unit="b1")
        rows = [Observation("新开户", "b1-p", week.id, 1.0)]
        store.replace_observations(first, {"新开户": "crm"}, [week], rows, week.end)
        store.finish_run(first, "ok", {"crm": "1"}, [])
        failing = store.start_run("collect", week.end + dt.timedelta(days=7), None,
                                  plan_unit="b1")  # fmt: skip
        store.finish_run(failing, "failed", {"crm": "1"}, ["plugin crm metric 新开户: boom"])
        other = store.start_run("collect", week.end + dt.timedelta(days=14), ["new_clients"],
                                plan_unit="b1")  # fmt: skip
        store.finish_run(other, "ok", {"crm": "1"}, [])
        units = {"", "b1"}
        read = latest_read(store.runs_newest_first(units, naming="新开户"), sys.maxsize,
                           "新开户", OWNERS, "week")  # fmt: skip
        assert read is not None and read.id == first
        assert _why_none(store.runs_newest_first(units, naming="新开户"), "新开户") == failing
        assert [r.id for r in store.runs_newest_first(units, naming="new_clients_vip")] == [
            failing,
            first,
        ]
        assert list(store.runs_newest_first({"b2"})) == []


def test_the_head_offices_explain_says_what_reading_every_run_said(
    location: str, tmp_path: Path, write_workspace: WriteWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """福田 collected new HNW clients twice, 天河 failed it after: explaining the firm's key
    result for 天河 names 天河's collect, read newest first, as reading every run did."""
    futian = branch_workspace(write_workspace, tmp_path / "futian", location, other=False)
    tianhe = branch_workspace(write_workspace, tmp_path / "tianhe", location, other=True)
    firm = firm_workspace(write_workspace, tmp_path / "firm", location)
    with_firm_goal(firm)
    env = {"OKRDESK_LOAD_PLUGINS": "test_metrics"}
    for root, more in (
        (futian, {}),
        (futian, {}),
        (tianhe, {"OKRDESK_TEST_FAIL": "new_hnw_clients"}),
    ):
        CliRunner().invoke(
            cli, ["collect", "--through", THROUGH, "-w", str(root)], env={**env, **more}
        )

    def explained() -> dict[str, str]:
        shown = {}
        for lang in ("zh", "en"):
            done = CliRunner().invoke(cli, ["explain", "F1.HNW", "--unit", "b2", "--as-of", THROUGH,
                                            "-w", str(firm), "--lang", lang], env=env)  # fmt: skip
            assert "Traceback" not in done.output, done.output
            shown[lang] = done.output
        return shown

    now = explained()
    assert "the last collect of it (run 3, " in now["en"], now["en"]
    with monkeypatch.context() as patched:
        # Every run of the plan read, newest first, as explain read them before.
        def every_run(store: Store, plan_units: set[str], **_: object) -> object:
            return reversed(store.runs(plan_units=plan_units))

        patched.setattr(Store, "runs_newest_first", every_run)
        assert explained() == now


def test_a_collect_starting_reads_the_unfinished_runs_alone_and_a_reader_the_newest(
    location: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A collect starting looks for one of its plan still running among the runs that did
    not finish, not among every branch's every week; a reader after the latest run that
    asked for a metric takes the newest alone where it answers."""
    with Store.open(location) as store:
        for week in range(1, 31):
            run = store.start_run("collect", dt.date(2026, 1, 4) + dt.timedelta(weeks=week),
                                  plan_unit=UNITS[week % 3])  # fmt: skip
            if week != 7:  # killed: its process is gone
                store.finish_run(run, "ok", {"crm": "1"}, [])
        with monkeypatch.context() as patched:
            read = _runs_read(patched)
            store.start_run("collect", dt.date(2026, 8, 1), plan_unit=UNITS[7 % 3], alone=True)
            assert read == [7]
        with monkeypatch.context() as patched:
            read = _runs_read(patched)
            newest = store.runs_newest_first({"", *UNITS}, naming="新开户")
            assert next(r for r in newest if r.asked_for("新开户")).id == 31
            assert read == [31]
