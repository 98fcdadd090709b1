"""The periods of last year a collect reads for the plan's growth targets' bases and
its key results' 同比.

A growth target (``growth = "18%"``) is set on its window's figure a year before, and a
key result with ``compare = ["last_year"]`` is compared with it: last year's periods at
the plan's grain, the same ones ``windows.year_before`` names. Both read them by the
same path. The store holds them where last year's plan was collected into it; a
workspace started this year holds none, though its export may reach back. A collect
asks the plugins for those of them the store has never held of the metric (they
end before its first stored period, as ``window_figure`` counts them unknown) and
that no ``[[baselines]]`` table types in: a figure stored is never read again, and
one typed in stays as typed.

A source that has no rows of those periods (an export that starts this year) is asked
once: the run keeps what it asked and found no rows of (``Run.bases``), and a later
collect asks again only where the user names the metric (``okrdesk collect --metric``,
once an export reaching back arrives, as the collect's line and ``explain`` say).
Otherwise it would take one more plugin call over the same files every week, to find the
same nothing; and no sign of the source's tells when it may hold last year: its rows of
this year change with every weekly export, which asked again every week.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping

import attrs

from okrdesk.engine.windows import year_before
from okrdesk.model import MetricSpec, NoRowsOfLastYear, Plan, Run
from okrdesk.periods import Over, Period, parse_period, periods_within
from okrdesk.store.reader import StoreReader


@attrs.frozen
class BaseRead:
    """Metrics whose last year's figures (a growth target's base, a 同比's) a collect asks
    for, over the same periods."""

    metrics: tuple[str, ...]
    periods: tuple[Period, ...]


def last_year_metrics(plan: Plan, wanted: Collection[str]) -> list[str]:
    """The metrics of ``wanted`` a growth target of the plan is set on, or a key result
    compares with last year (``compare = ["last_year"]``, 同比)."""
    return sorted({
        kr.metric for kr in plan.key_results_by_id.values()
        if (kr.growth is not None or Over.LAST_YEAR.value in kr.compare)
        and kr.metric is not None and kr.metric in wanted
    })  # fmt: skip


def last_years_periods(plan: Plan) -> tuple[Period, ...]:
    """The periods a year before the plan's, at its grain, that end before it starts."""
    ids = {year_before(p.id) for p in periods_within(plan.start, plan.end, plan.end, plan.grain)}
    found = (parse_period(i) for i in sorted(i for i in ids if i is not None))
    return tuple(sorted((p for p in found if p.end < plan.start), key=lambda p: p.start))


def bases_to_read(
    plan: Plan, store: StoreReader, specs: Mapping[str, MetricSpec], wanted: Collection[str]
) -> list[BaseRead]:
    """What a collect of ``wanted`` reads of last year: each such metric
    (stored, not derived) with last year's periods the store never held of it and no
    baseline types, those with the same periods together (one plugin call each)."""
    earlier = last_years_periods(plan)
    grouped: dict[tuple[Period, ...], list[str]] = {}
    for metric in last_year_metrics(plan, wanted):
        spec = specs.get(metric)
        if spec is None or spec.formula is not None:
            continue
        reached = store.first_period_start(metric, plan.grain)
        typed = {period for (name, _), values in plan.baselines.items() if name == metric
                 for period in values}  # fmt: skip
        missing = tuple(
            p for p in earlier
            if (reached is None or p.end < reached) and p.id not in typed
        )  # fmt: skip
        if missing:
            grouped.setdefault(missing, []).append(metric)
    return [BaseRead(tuple(metrics), periods) for periods, metrics in grouped.items()]


def asked_before(runs: Iterable[Run]) -> dict[str, tuple[Run, NoRowsOfLastYear]]:
    """Metric → the latest of ``runs`` (in order) that asked its sources for last year's
    periods and found no rows of some, with those periods."""
    found: dict[str, tuple[Run, NoRowsOfLastYear]] = {}
    for run in runs:
        for metric, none in (run.bases or {}).items():
            found[metric] = (run, none)
    return found


def not_asked_again(
    bases: Iterable[BaseRead],
    before: Mapping[str, tuple[Run, NoRowsOfLastYear]],
    named: Collection[str],
) -> tuple[list[BaseRead], dict[str, Run]]:
    """Of ``bases``, what to ask for: each metric but those an earlier run asked for every
    one of these periods and found no rows of, not ``named`` by the user; and those left,
    each with that run."""
    kept: list[BaseRead] = []
    left: dict[str, Run] = {}
    for base in bases:
        asked = []
        for metric in base.metrics:
            run, none = before.get(metric, (None, None))
            if (
                run is not None and none is not None and metric not in named
                and {p.id for p in base.periods} <= set(none.periods)
            ):  # fmt: skip
                left[metric] = run
            else:
                asked.append(metric)
        if asked:
            kept.append(BaseRead(tuple(asked), base.periods))
    return kept, left


def last_asked(
    runs: Iterable[Run], metric: str, ids: Collection[str]
) -> tuple[Run, list[str]] | None:
    """The latest of ``runs`` whose sources had no rows of some of last year's periods
    ``ids`` of ``metric``, with those periods in order; None where none had."""
    found = asked_before(r for r in runs if r.bases and metric in r.bases
                         and set(r.bases[metric].periods) & set(ids)).get(metric)  # fmt: skip
    if found is None:
        return None
    run, none = found
    return run, [p for p in none.periods if p in ids]
