"""Every number behind a key result's figure, with where each came from."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from okrdesk.app.session import (
    Session,
    find_key_result,
    find_subject,
    stored,
)
from okrdesk.engine.growth import GrowthBasis, growth_basis
from okrdesk.engine.pace import closes_on
from okrdesk.engine.plan_calendar import clamp_to_plan
from okrdesk.engine.progress import Engine
from okrdesk.engine.rollup import Figure, Rollup, subjects_under
from okrdesk.engine.windows import WindowFigure
from okrdesk.errors import BadInput
from okrdesk.formula import is_fact, parse
from okrdesk.model import KeyResult, MetricKind, MetricSpec, OverTime, Plan, StoredObservation
from okrdesk.store import Store
from okrdesk.units import Dimension, UnitOfMeasure, money, percentage, written
from okrdesk.units import figure as plain_figure

_RULES = {
    MetricKind.FLOW: "flow: summed over periods and people",
    MetricKind.STOCK: "stock: the latest period's values, summed over people",
    MetricKind.RATIO: "ratio: Σ numerator / Σ denominator",
}


def explain_lines(
    session: Session,
    key_result: str,
    person: str | None,
    unit: str | None,
    as_of: dt.date | None,
    lang: str = "zh",
) -> list[str]:
    """Every number behind a key result's figure, its figures written as the report in
    ``lang`` writes them (in the unit of the target file)."""
    plan = session.plan
    kr = find_key_result(plan, key_result)
    subject = find_subject(plan, kr, person, unit)
    day = clamp_to_plan(plan, as_of or dt.date.today())
    subjects = subjects_under(plan, subject)
    lines = [f"{kr.id} {kr.title}", f"for {subject} ({plan.name_of(subject)}) as of {day}"]
    closing = closes_on(plan, kr)
    if closing is not None and closing < day:
        # The report judges a checkpoint as it stood on its day: explain that figure.
        lines.append(
            f"a checkpoint, closed on {closing}: the figure as it stood that day, which the "
            "report shows; nothing after it counts"
        )
        day = closing
    store = stored(session.workspace)
    if store is None:
        raise BadInput("no numbers yet: run `okrdesk collect` (or `okrdesk checkin`) first")
    with store, store.reading():
        # The same rollup the report uses, so the two always agree.
        engine = Engine(plan, store, day, session.host.metrics, trends=False, within=subject)
        rollup = engine.rollup
        if kr.metric is None:
            lines += _explain_checkins(store, rollup, kr, subject, day, lang)
        else:
            spec = session.host.metrics.get(kr.metric)
            if spec is None:
                raise BadInput(f"no loaded plugin provides metric {kr.metric}")
            figure = rollup.sliced(spec.name, subject, kr.where)
            if spec.formula is not None:
                return lines + _explain_derived(kr, spec, figure, rollup, subject, session, lang)
            rows = store.observations(
                metric=spec.name, subjects=subjects, through=day, grain=plan.grain,
                sliced=bool(spec.dimensions),
            )  # fmt: skip
            if kr.where:
                rows = [r for r in rows if _in_slice(r, kr.where)]
            lines += _explain_metric(kr, spec, figure, rows, lang)
            basis = growth_basis(engine, kr, subject)
            if basis is not None:
                lines += _explain_growth(kr, basis, lang)
    return lines


def _periods(figure: WindowFigure) -> str:
    """ "2025-W01 … 2025-W11, 11 periods (11 from [[baselines]])"."""
    ids = figure.periods
    span = ids[0] if len(ids) == 1 else f"{ids[0]} … {ids[-1]}" if ids else "no periods"
    typed = f", {figure.from_baselines} from [[baselines]]" if figure.from_baselines else ""
    return f"{span}: {figure.found} of {len(ids)} periods with a figure{typed}"


def _explain_growth(kr: KeyResult, basis: GrowthBasis, lang: str) -> list[str]:
    """How a growth target and what is due by the date come from last year's figures."""

    def shown(value: float | None) -> str:
        return "no data" if value is None else _result(kr.unit, value, lang)

    grown = f"× (1 + {percentage(basis.factor - 1.0, keep=0)})"
    lines = [
        f"growth target, window {basis.window}, as the report sets it:",
        f"  actual {shown(basis.now.value)} over {_periods(basis.now)}",
    ]
    if basis.year.value is None or basis.year.value <= 0:
        return [*lines, f"  no target: last year's figure is {shown(basis.year.value)} "
                        f"({_periods(basis.year)})"]  # fmt: skip
    return [
        *lines,
        f"  target {shown(basis.year.value * basis.factor)} = last year "
        f"{shown(basis.year.value)} {grown}; {_periods(basis.year)}",
        f"  due {shown((basis.then.value or 0.0) * basis.factor)} = the same periods last year "
        f"{shown(basis.then.value or 0.0)} {grown}; {_periods(basis.then)}",
    ]


def _explain_derived(
    kr: KeyResult,
    spec: MetricSpec,
    total: Figure,
    rollup: Rollup,
    subject: str,
    session: Session,
    lang: str,
) -> list[str]:
    """A derived metric: its formula, and each input as rolled up to the subject
    (`okrdesk explain` on a key result of that input shows its rows)."""
    lines = [
        f"= {_shown(kr.unit, spec, total.value, lang)}",
        f"metric {spec.name} = {spec.formula}, computed from the inputs rolled up to "
        f"{subject} (a ratio of sums, never a sum of ratios)",
    ]
    for name in parse(spec.formula or "").inputs:
        if is_fact(name):
            role = name.removeprefix("headcount").lstrip("_")
            people = f"people of role {role}" if role else "people"
            lines.append(f"  {name} = {rollup.headcount(subject, role)} ({people} at or under "
                         f"{subject} in the plan)")  # fmt: skip
            continue
        used = session.host.metrics.get(name)
        value = rollup.figure(name, subject).value if used is not None else None
        shown = "no data" if value is None or used is None else written(used.unit, value, lang)
        source = f"metric {name}" + (f" ({_RULES[used.kind]})" if used is not None else "")
        lines.append(f"  {name} = {shown}  [{source}]")
    return lines


def _in_slice(row: StoredObservation, where: Mapping[str, str]) -> bool:
    values = row.observation.dimensions
    return bool(values) and all(values.get(name) == value for name, value in where.items())


def _counted(rows: list[StoredObservation], over_time: OverTime) -> list[StoredObservation]:
    if over_time is OverTime.SUM or not rows:
        return rows
    pick = max if over_time is OverTime.LAST else min
    edge = pick(r.period_start for r in rows)
    return [r for r in rows if r.period_start == edge]


def _explain_metric(
    kr: KeyResult, spec: MetricSpec, total: Figure, rows: list[StoredObservation], lang: str
) -> list[str]:
    plugins = sorted({r.plugin for r in rows})
    lines = [
        f"= {_shown(kr.unit, spec, total.value, lang)}",
        f"metric {spec.name} ({_RULES[spec.kind]}) from plugin {', '.join(plugins) or '-'}",
    ]
    if spec.kind is MetricKind.RATIO:
        lines.append(
            f"numerator {figure_of(total.numerator)} ({spec.numerator_over_time.value}) / "
            f"denominator {figure_of(total.denominator)} ({spec.denominator_over_time.value})"
        )
        counted = {id(r) for r in _counted(rows, spec.numerator_over_time)}
        counted |= {id(r) for r in _counted(rows, spec.denominator_over_time)}
        shown = [r for r in rows if id(r) in counted]
    else:
        over = OverTime.LAST if spec.kind is MetricKind.STOCK else OverTime.SUM
        shown = _counted(rows, over)
    if not shown:
        return [*lines, "No observations yet: run `okrdesk collect`."]
    runs = sorted({r.run_id for r in shown})
    lines.append(f"{len(shown)} observations, from run {', '.join(map(str, runs))}:")
    lines.append(f"  {'period':<9} {'subject':<12} {'value':>22}  {'run':>4}  source")
    for r in shown:
        o = r.observation
        if spec.kind is MetricKind.RATIO:
            value = f"{figure_of(o.numerator)} / {figure_of(o.denominator)}"
        elif kr.unit.dimension is Dimension.MONEY:
            # Each amount in the scale that fits it, as a branch writes one on its own: a
            # week's 5万 in a plan kept in 亿 is not "0亿".
            value = money(o.value, lang)
        else:
            value = written(kr.unit, o.value, lang)
        part = f"  [partial: through {r.partial_through}]" if r.partial_through else ""
        source = f"[{o.slice}] {o.source}".rstrip() if o.slice else o.source
        lines.append(f"  {o.period:<9} {o.subject:<12} {value:>22}  {r.run_id:>4}  {source}{part}")
    if len(rows) > len(shown):
        lines.append(f"({len(rows) - len(shown)} observations of other periods do not count here.)")
    return lines


def figure_of(value: float | None) -> str:
    return plain_figure(value or 0)


def _result(unit: UnitOfMeasure, value: float, lang: str) -> str:
    """The figure as the report shows it: counts whole, the key result's unit, half-up."""
    return written(unit, value, lang, whole=unit.dimension is Dimension.COUNT)


def _shown(unit: UnitOfMeasure, spec: MetricSpec, value: float | None, lang: str) -> str:
    if value is None:
        return "no data" if spec.kind is not MetricKind.RATIO else "no data (0 / 0)"
    return _result(unit, value, lang)


def _counting(plan: Plan, subject: str, top: str, latest: set[str]) -> bool:
    """Whether a subject's own check-in counts towards ``top``: it does unless a unit
    between them has a check-in of its own, which already stands for it."""
    unit = (
        plan.people_by_id[subject].unit
        if subject in plan.people_by_id
        else (plan.units_by_id[subject].parent)
    )
    while subject != top and unit is not None:
        if unit in latest and unit != subject:
            return False
        if unit == top:
            return True
        unit = plan.units_by_id[unit].parent if unit in plan.units_by_id else None
    return True


def _explain_checkins(
    store: Store, rollup: Rollup, kr: KeyResult, subject: str, day: dt.date, lang: str
) -> list[str]:
    plan = rollup.plan
    figure = rollup.checkin(kr, subject)
    subjects = set(subjects_under(plan, subject))
    history = [c for c in store.checkins(kr.id) if c.subject in subjects and c.day <= day]
    shown = "no data" if figure.value is None else _result(kr.unit, figure.value, lang)
    lines = [f"= {shown}", f"tracked by check-ins; the latest counts (`okrdesk history {kr.id}`"
             " lists all, withdrawn ones too)"]  # fmt: skip
    if not history:
        return [*lines, f"No check-ins yet: `okrdesk checkin {kr.id} VALUE`."]
    latest = {c.subject: c.id for c in history}
    for c in history:
        counts = latest[c.subject] == c.id and _counting(plan, c.subject, subject, set(latest))
        mark = "  <- counts" if counts else ""
        story = f" by {c.author}" if c.author else ""
        if c.confidence is not None:
            story += f", confidence {percentage(c.confidence, keep=0)}"
        note = f"  {c.note}" if c.note else ""
        lines.append(
            f"  {c.day}  {c.subject:<12} {written(kr.unit, c.value, lang):>18}  "
            f"recorded {c.recorded}{story}{note}{mark}"
        )
    return lines
