"""``emit.many`` from a plugin in its own process: what lands and what is refused, with
the words, is what the same figures emitted one at a time give."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from okrdesk.model import MetricKind, MetricSpec, OrgUnit, Person, Plan
from okrdesk.periods import Grain, periods_between
from okrdesk.plugins import CollectRequest, Emit, hookimpl
from okrdesk.plugins.manager import PluginHost
from okrdesk.plugins.runner import Collected, collect, prober
from okrdesk.plugins.testing import check_plugin
from okrdesk.units import UNITS

PLUGIN = """\
from okrdesk.model import MetricKind, MetricSpec
from okrdesk.plugins import hookimpl
from okrdesk.units import UNITS

MANY = {many}


class Odd:
    pass


FIGURES = {{
    "sound": [("cm01", 1.5, "a.csv rows 2"), ("cm02", 0, "a.csv rows 3"), ("team", -2, "")],
    "odd": [("cm01", 1.0, "x"), ("cm02", Odd(), "y")],
    "long": [("cm01", 1.0, "z" * 3000)],
    "stranger": [("cm01", 1.0, ""), ("nobody", 2.0, "")],
}}


@hookimpl
def okrdesk_metrics(register):
    for name in FIGURES:
        register(MetricSpec(name, name, name, MetricKind.FLOW, UNITS["元"]))
    register(MetricSpec("rate", "rate", "rate", MetricKind.RATIO, UNITS["%"]))
    register(MetricSpec("tiers", "tiers", "tiers", MetricKind.STOCK, UNITS["元"],
                        dimensions=("tier",)))


@hookimpl
def okrdesk_collect(request, emit):
    week = request.periods[0].id
    for name, figures in FIGURES.items():
        if MANY:
            subjects, values, sources = zip(*figures)
            emit.many(name, subjects, [week] * len(figures), values=values, sources=sources)
        else:
            for subject, value, source in figures:
                emit(name, subject, week, value=value, source=source)
    rates = [("cm01", 1, 4), ("cm02", 0, 0)]
    tiers = [("cm01", 5.0, {{"tier": "mass"}}), ("cm01", 7.0, {{"tier": "hnw"}})]
    if MANY:
        emit.many("rate", [r[0] for r in rates], [week] * 2,
                  numerators=[r[1] for r in rates], denominators=[r[2] for r in rates])
        emit.many("tiers", [t[0] for t in tiers], [week] * 2, values=[t[1] for t in tiers],
                  dimensions=[t[2] for t in tiers])
    else:
        for subject, numerator, denominator in rates:
            emit("rate", subject, week, numerator=numerator, denominator=denominator)
        for subject, value, cut in tiers:
            emit("tiers", subject, week, value=value, dimensions=cut)
"""

START, THROUGH = dt.date(2026, 1, 5), dt.date(2026, 1, 11)
PLAN = Plan(
    id="p", name="p", year=2026, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31),
    top="team", units=(OrgUnit("team", "T", "team"),),
    people=(Person("cm01", "王芳", "team"), Person("cm02", "李雷", "team")),
)  # fmt: skip
METRICS = ["sound", "odd", "long", "stranger", "rate", "tiers"]


def _collect(folder: Path, plugin: str) -> Collected:
    """A collect of ``plugin``'s code, run in a plugin process as a workspace's own."""
    (folder / "plugins").mkdir(parents=True)
    (folder / "plugins" / "figures.py").write_text(plugin, encoding="utf-8")
    host = PluginHost(
        folder / "plugins", entry_points=False, builtins={}, registered=False,
        workspace_code=True, prober=prober(60),
    )  # fmt: skip
    weeks = list(periods_between(START, THROUGH, Grain.WEEK))
    return collect(host, PLAN, METRICS, weeks, THROUGH, folder, timeout=60)


def _collected(folder: Path, many: bool) -> tuple[list[tuple[object, ...]], list[str]]:
    found = _collect(folder, PLUGIN.format(many=many))
    kept = sorted(
        (o.metric, o.subject, o.period, o.slice, o.value, o.numerator, o.denominator, o.source)
        for o in found.observations
    )
    return kept, sorted(str(e) for e in found.errors)


def test_emit_many_in_a_plugin_process_lands_and_fails_as_single_emits(tmp_path: Path) -> None:
    many = _collected(tmp_path / "many", True)
    single = _collected(tmp_path / "single", False)
    assert many == single
    kept, errors = many
    assert {row[0] for row in kept} == {"sound", "long", "rate", "tiers"}
    assert ("sound", "team", "2026-W02", "", -2.0, None, None, "") in kept
    assert [row[7] for row in kept if row[0] == "long"] == ["z" * 1998 + " …"]  # marked cut
    assert errors == [
        "plugin figures metric odd: cm02 2026-W02: value must be a number, not Odd (from y) "
        "(1 problem; none of its figures stored)",
        "plugin figures metric stranger: nobody 2026-W02: no person or unit 'nobody' in the "
        "plan (1 problem; none of its figures stored)",
    ]


@pytest.mark.parametrize("column", ["values", "sources"])
def test_emit_many_with_columns_of_different_lengths_fails_the_plugin(
    tmp_path: Path, column: str
) -> None:
    short = {"values": "values=[1.0], sources=['a', 'b']", "sources": "values=[1.0, 2.0], "
             "sources=['a']"}[column]  # fmt: skip
    plugin = PLUGIN.format(many=True).replace(
        "    for name, figures in FIGURES.items():",
        f"    emit.many('sound', ['cm01', 'cm02'], [week, week], {short})\n"
        "    for name, figures in FIGURES.items():",
    )
    found = _collect(tmp_path, plugin)
    assert found.observations == []
    assert [str(e) for e in found.errors] == [
        f"plugin figures: okrdesk_collect failed: ValueError: emit.many: {column} holds "
        "1 items, subjects 2 (at plugins/figures.py:32)"
    ]
    assert [e.said("zh") for e in found.errors] == [
        f"okrdesk_collect 出错：ValueError: emit.many：{column} 有 1 项，而 subjects 有 2 项"
        "（位于 plugins/figures.py:32）"
    ]


class _ManyPlugin:
    """A plugin object (as ``check_plugin`` takes one) emitting its figures as columns."""

    @hookimpl
    def okrdesk_metrics(self, register: Callable[[MetricSpec], None]) -> None:
        register(MetricSpec("net", "Net", "净", MetricKind.FLOW, UNITS["元"]))
        register(MetricSpec("rate", "Rate", "率", MetricKind.RATIO, UNITS["%"]))

    @hookimpl
    def okrdesk_collect(self, request: CollectRequest, emit: Emit) -> None:
        weeks = [p.id for p in request.periods]
        emit.many("net", ["cm01"] * len(weeks), weeks, values=[1.5] * len(weeks),
                  sources=[f"net.csv rows {k + 2}" for k in range(len(weeks))])  # fmt: skip
        emit.many("rate", ["cm01", "nobody"], weeks[:1] * 2, numerators=[1, 1],
                  denominators=[2, 2])  # fmt: skip


def test_check_plugin_runs_emit_many_through_the_same_checks() -> None:
    check = check_plugin(
        _ManyPlugin(), people=[Person("cm01", "王芳", "branch")], start=START, through=THROUGH
    )
    assert [(o.metric, o.period, o.value, o.source) for o in check.observations] == [
        ("net", "2026-W02", 1.5, "net.csv rows 2")
    ]
    assert check.problems == [
        "plugin plugin-under-test metric rate: nobody 2026-W02: no person or unit 'nobody' "
        "in the plan (1 problem; none of its figures stored)"
    ]
