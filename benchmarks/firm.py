"""A synthetic securities firm for the benchmarks: org, metrics, plan and observations.

At firm scale: 300 branches × 3 teams × 11 people (about 10,000 people),
20 key results on 20 metrics (flows, stocks and ratios), 52 weekly periods:
about 10 million observations. Deterministic for a given size.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from decimal import Decimal
from types import SimpleNamespace

from okrdesk.model import (
    Direction,
    KeyResult,
    MetricKind,
    MetricSpec,
    Objective,
    Observation,
    OrgUnit,
    OverTime,
    Person,
    Phase,
    Plan,
)
from okrdesk.periods import Grain, Period, periods_between
from okrdesk.plugins import hookimpl
from okrdesk.units import UNITS

TEAMS_PER_BRANCH = 3
PEOPLE_PER_TEAM = 11
START, END = dt.date(2026, 1, 1), dt.date(2026, 12, 31)

KINDS = (
    [("flow", "户")] * 5
    + [("flow", "元")] * 3
    + [("stock", "元")] * 4
    + [("stock", "户")] * 2
    + [("ratio", "%")] * 6
)


SLICED = {"m01": "product", "m09": "tier", "m15": "channel"}
"""The metrics a firm stores by slice too, in the dimensions benchmark: a flow, a stock
and a ratio, each in three parts (the store keeps the whole beside them)."""
SHARES = (("a", 0.5), ("b", 0.3), ("c", 0.2))


def metric_specs(*, sliced: bool = False) -> list[MetricSpec]:
    """The 20 metrics; with ``sliced``, those of ``SLICED`` declare their dimension."""
    specs = []
    for index, (kind, unit) in enumerate(KINDS, start=1):
        ratio = kind == "ratio"
        specs.append(
            MetricSpec(
                name=f"m{index:02d}",
                label_en=f"Metric {index}",
                label_zh=f"指标{index}",
                kind=MetricKind(kind),
                unit=UNITS[unit],
                direction=Direction.AT_MOST if ratio and index % 2 else Direction.AT_LEAST,
                numerator_over_time=OverTime.SUM,
                denominator_over_time=OverTime.FIRST if ratio and index % 3 == 0 else OverTime.SUM,
                dimensions=(SLICED[f"m{index:02d}"],)
                if sliced and f"m{index:02d}" in SLICED
                else (),
            )
        )
    return specs


def metrics_plugin() -> SimpleNamespace:
    """A plugin object declaring the 20 benchmark metrics."""
    specs = metric_specs()

    def okrdesk_metrics(register):  # type: ignore[no-untyped-def]
        for spec in specs:
            register(spec)

    return SimpleNamespace(okrdesk_metrics=hookimpl(okrdesk_metrics))


def build_plan(branches: int) -> Plan:
    units = [OrgUnit("firm", "示例证券", "firm")]
    people = []
    for b in range(1, branches + 1):
        branch = f"b{b:03d}"
        units.append(OrgUnit(branch, f"第{b}营业部", "branch", "firm"))
        for t in range(1, TEAMS_PER_BRANCH + 1):
            team = f"{branch}-t{t}"
            units.append(OrgUnit(team, f"第{b}营业部{t}组", "team", branch))
            for p in range(1, PEOPLE_PER_TEAM + 1):
                people.append(Person(f"{team}-p{p:02d}", f"客户经理{b}-{t}-{p}", team))
    specs = metric_specs()
    results = []
    for spec in specs:
        unit = UNITS["%"] if spec.kind is MetricKind.RATIO else spec.unit
        per_branch = Decimal("0.2") if spec.kind is MetricKind.RATIO else Decimal(1000)
        results.append(
            KeyResult(
                id=f"F1.{spec.name}",
                objective="F1",
                title=f"{spec.label_zh}目标",
                unit=unit,
                target=None if spec.kind is not MetricKind.RATIO else per_branch,
                metric=spec.name,
                direction=spec.direction,
                member_targets={u.id: per_branch for u in units if u.level == "branch"},
            )
        )
    phases = (
        Phase("Q1", "抢春播", dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
        Phase("Q2", "深耕", dt.date(2026, 4, 1), dt.date(2026, 6, 30)),
        Phase("Q3", "攻坚", dt.date(2026, 7, 1), dt.date(2026, 9, 30)),
        Phase("Q4", "收官", dt.date(2026, 10, 1), dt.date(2026, 12, 31)),
    )
    return Plan(
        id="firm-2026",
        name="示例证券 2026",
        year=2026,
        start=START,
        end=END,
        top="firm",
        units=tuple(units),
        people=tuple(people),
        phases=phases,
        objectives=(Objective("F1", "全公司经营目标", "firm", key_results=tuple(results)),),
    )


def weeks() -> list[Period]:
    return [
        Period(max(p.start, START), min(p.end, END), p.id)
        for p in periods_between(START, END, Grain.WEEK)
    ][:52]


def observations(plan: Plan, subjects: set[str] | None = None) -> Iterator[Observation]:
    """One observation per metric, person and week; ``subjects`` limits whose."""
    rng = random.Random(2026)
    specs = metric_specs()
    periods = weeks()
    for person in plan.people:
        if subjects is not None and person.id not in subjects:
            continue
        for spec in specs:
            level = rng.uniform(1e5, 1e7)
            for period in periods:
                if spec.kind is MetricKind.RATIO:
                    denominator = float(rng.randint(20, 200))
                    yield Observation(
                        spec.name,
                        person.id,
                        period.id,
                        None,
                        float(rng.randint(0, int(denominator))),
                        denominator,
                    )
                elif spec.kind is MetricKind.STOCK:
                    level *= rng.uniform(0.98, 1.03)
                    yield Observation(spec.name, person.id, period.id, round(level, 2))
                else:
                    yield Observation(spec.name, person.id, period.id, float(rng.randint(0, 30)))


def sliced_observations(plan: Plan) -> Iterator[Observation]:
    """The same figures, the metrics of ``SLICED`` emitted in three slices each instead
    of whole: the store adds them up into the whole it keeps beside them."""
    for o in observations(plan):
        dimension = SLICED.get(o.metric)
        if dimension is None:
            yield o
            continue
        for value, share in SHARES:
            yield Observation(
                o.metric, o.subject, o.period,
                None if o.value is None else o.value * share,
                None if o.numerator is None else o.numerator * share,
                None if o.denominator is None else o.denominator * share,
                dimensions={dimension: value},
            )  # fmt: skip
