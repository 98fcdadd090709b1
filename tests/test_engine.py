"""The engine on hand-computed cases, with a real SQLite store."""

from __future__ import annotations

import datetime as dt
import io
import math
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from click.testing import CliRunner

from okrdesk.app.session import open_session
from okrdesk.cli import cli
from okrdesk.engine import attention
from okrdesk.engine.budget import budget_progress
from okrdesk.engine.forecast import linear_forecast, ratio_forecast
from okrdesk.engine.pace import Status, attainment, due_fraction, judge, key_result_due
from okrdesk.engine.plan_calendar import current_from, plan_periods
from okrdesk.engine.progress import Engine, progress
from okrdesk.engine.rollup import SharedReads
from okrdesk.model import (
    Direction,
    KeyResult,
    MetricKind,
    MetricSpec,
    Milestone,
    Objective,
    Observation,
    OrgUnit,
    OverTime,
    Person,
    Phase,
    Plan,
)  # fmt: skip
from okrdesk.periods import Grain, periods_between, periods_within
from okrdesk.store import Store
from okrdesk.units import UNITS
from sample_workspace import WriteWorkspace

Q = [
    Phase("Q1", "抢春播", dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
    Phase("Q2", "深耕", dt.date(2026, 4, 1), dt.date(2026, 6, 30)),
    Phase("Q3", "攻坚", dt.date(2026, 7, 1), dt.date(2026, 9, 30)),
    Phase("Q4", "收官", dt.date(2026, 10, 1), dt.date(2026, 12, 31)),
]
UNITS_TREE = (
    OrgUnit("firm", "示例证券", "firm"),
    OrgUnit("szft", "福田营业部", "branch", "firm"),
    OrgUnit("wm1", "财富一部", "team", "szft"),
    OrgUnit("wm2", "财富二部", "team", "szft"),
)
PEOPLE = (
    Person("cm01", "王芳", "wm1"), Person("cm02", "李强", "wm1"), Person("cm03", "张伟", "wm2"),
)  # fmt: skip
CONVERSION = MetricSpec("conversion", "Conversion", "转化率", MetricKind.RATIO, UNITS["%"])
AUM = MetricSpec("aum", "AUM", "客户资产", MetricKind.STOCK, UNITS["元"])
NEW = MetricSpec(
    "new_accounts", "New accounts", "新开户", MetricKind.FLOW, UNITS["户"], never_negative=True
)
ATTRITION = MetricSpec(
    "attrition", "Attrition", "流失率", MetricKind.RATIO, UNITS["%"], Direction.AT_MOST,
    denominator_over_time=OverTime.FIRST,
)  # fmt: skip
METRICS = {m.name: m for m in (CONVERSION, AUM, NEW, ATTRITION)}
WEEKS = list(periods_between(dt.date(2026, 1, 1), dt.date(2026, 1, 25), Grain.WEEK))


def kr(
    key: str, metric: str | None, target: str | None, unit: str = "户", **more: object
) -> KeyResult:
    u = UNITS[unit]
    return KeyResult(
        id=f"O1.{key}", objective="O1", title=key, unit=u,
        target=None if target is None else u.to_base(Decimal(target)), metric=metric, **more,  # type: ignore[arg-type]
    )  # fmt: skip


def make_plan(*results: KeyResult, owner: str = "szft") -> Plan:
    return Plan(
        id="p", name="2026", year=2026, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31),
        top="szft", units=UNITS_TREE, people=PEOPLE, phases=tuple(Q),
        objectives=(Objective("O1", "目标", owner, key_results=results),),
    )  # fmt: skip


@pytest.fixture
def store(tmp_path: Path) -> Store:
    with Store.open(tmp_path / "okrdesk.db") as opened:
        yield opened  # type: ignore[misc]


def put(
    store: Store,
    metric: str,
    rows: list[tuple[str, int, float | tuple[float, float]]],
    through: dt.date | None = None,
) -> None:
    """``rows`` (subject, week, figure) stored as a collect stores them, complete or,
    with ``through``, read through that day (its week in part)."""
    run = store.start_run("test", through)
    observations = []
    for subject, week, number in rows:
        if isinstance(number, tuple):
            observations.append(
                Observation(metric, subject, WEEKS[week].id, None, number[0], number[1])
            )
        else:
            observations.append(Observation(metric, subject, WEEKS[week].id, number))
    weeks = [w for w in WEEKS if through is None or w.start <= through]
    store.replace_observations(run, {metric: "test"}, weeks, observations, through)


AS_OF = dt.date(2026, 1, 25)


# ---------------------------------------------------------------- rollups


def test_a_team_rate_is_the_ratio_of_sums_not_the_mean_of_rates(store: Store) -> None:
    # cm01 converts 1 of 10 (10%), cm02 30 of 100 (30%): the mean of rates is 20%,
    # but the team converted 31 of 110 = 28.18%.
    put(store, "conversion", [("cm01", 0, (1, 10)), ("cm02", 1, (30, 100))])
    engine = Engine(make_plan(kr("KR1", "conversion", "25", "%")), store, AS_OF, METRICS)
    team = engine.rollup.figure("conversion", "wm1")
    assert (team.numerator, team.denominator) == (31, 110)
    assert team.value == pytest.approx(31 / 110)
    assert team.value != pytest.approx((0.10 + 0.30) / 2)


def test_zero_over_zero_is_no_data(store: Store) -> None:
    put(store, "conversion", [("cm01", 0, (0, 0))])
    engine = Engine(make_plan(kr("KR1", "conversion", "25", "%")), store, AS_OF, METRICS)
    assert engine.rollup.figure("conversion", "cm01").value is None
    result = engine.progress("szft").objectives[0].key_results[0]
    assert result.status is Status.NO_DATA


def test_a_stock_takes_the_latest_period_and_sums_people(store: Store) -> None:
    put(store, "aum", [("cm01", 0, 100.0), ("cm01", 1, 150.0), ("cm02", 1, 50.0), ("cm03", 0, 7.0)])
    rollup = Engine(make_plan(), store, AS_OF, METRICS).rollup
    assert rollup.figure("aum", "wm1").value == 200.0
    # cm03 has nothing in the latest week, so nothing counts for them at that date.
    assert rollup.figure("aum", "wm2").value is None
    assert rollup.figure("aum", "firm").value == 200.0
    assert (
        Engine(make_plan(), store, dt.date(2026, 1, 4), METRICS).rollup.figure("aum", "szft").value
        == 107.0
    )


def test_a_flow_sums_time_and_people_up_a_deep_tree(store: Store) -> None:
    put(store, "new_accounts", [("cm01", 0, 3), ("cm01", 1, 4), ("cm02", 2, 5), ("cm03", 3, 6),
                                ("wm2", 3, 2)])  # fmt: skip
    rollup = Engine(make_plan(), store, AS_OF, METRICS).rollup
    assert [
        rollup.figure("new_accounts", s).value for s in ("cm01", "wm1", "wm2", "szft", "firm")
    ] == [7, 12, 8, 20, 20]


def test_a_ratio_part_can_be_carried_from_the_first_period(store: Store) -> None:
    # Attrition: assets lost each week over the assets at the start of the range.
    put(store, "attrition", [("cm01", 0, (5, 1000)), ("cm01", 1, (10, 995)), ("cm01", 2, (5, 985))])
    figure = Engine(make_plan(), store, AS_OF, METRICS).rollup.figure("attrition", "cm01")
    assert (figure.numerator, figure.denominator) == (20, 1000)


# ------------------------------------------------------------------- pace


def test_the_expected_value_in_august_is_interpolated_between_milestones() -> None:
    milestones = (Milestone("Q2", Decimal("0.45")), Milestone("Q3", Decimal("0.70")))
    result = kr("KR1", "new_accounts", "360", milestones=milestones)
    plan = make_plan(result)
    # Q2 ends on day 181 of 2026 and Q3 on day 273; 15 August is day 227:
    # 0.45 + (0.70 - 0.45) * (227 - 181) / (273 - 181) = 0.575 of 360 = 207.
    assert due_fraction(plan, result.milestones, dt.date(2026, 8, 15)) == pytest.approx(0.575)
    assert due_fraction(plan, result.milestones, dt.date(2026, 6, 30)) == pytest.approx(0.45)
    assert due_fraction(plan, result.milestones, dt.date(2026, 12, 31)) == 1.0
    # Before the first milestone: from 0 on the plan's first day.
    assert due_fraction(plan, result.milestones, dt.date(2026, 1, 1)) == pytest.approx(0.45 / 181)


def test_without_milestones_the_target_is_due_evenly() -> None:
    plan = make_plan()
    assert due_fraction(plan, (), dt.date(2026, 7, 2)) == pytest.approx(183 / 365)


def test_a_key_results_curve_is_made_once_for_its_plan(store: Store) -> None:
    milestones = (Milestone("Q2", Decimal("0.45")), Milestone("Q3", Decimal("0.70")))
    result = kr("KR1", "new_accounts", "360", milestones=milestones)
    plan = make_plan(result)
    # Every day of the year and past its ends, as due_fraction works it out afresh.
    days = [dt.date(2025, 12, 25) + dt.timedelta(days=n) for n in range(380)]
    assert [key_result_due(plan, result, day) for day in days] == [
        due_fraction(plan, result.milestones, day) for day in days
    ]
    curve = plan.due_curves[result.id]
    # A report's engines, now and a period earlier, judge on that one curve.
    put(store, "new_accounts", [("cm01", 0, 3), ("cm02", 1, 4)])
    for as_of in (AS_OF, AS_OF - dt.timedelta(days=7)):
        judged = Engine(plan, store, as_of, METRICS).progress("szft").objectives[0].key_results
        assert judged[0].due is not None
    assert plan.due_curves == {result.id: curve}
    assert plan.due_curves[result.id] is curve
    # Another plan, though equal, makes its own.
    assert make_plan(result).due_curves == {}


@pytest.mark.parametrize(
    ("actual", "status"),
    [(100.0, Status.ON_TRACK), (95.0, Status.ON_TRACK), (94.0, Status.AT_RISK),
     (80.0, Status.AT_RISK), (79.0, Status.OFF_TRACK), (None, Status.NO_DATA)],
)  # fmt: skip
def test_status_thresholds(actual: float | None, status: Status) -> None:
    assert judge(kr("KR1", None, "360"), actual, 360.0, 100.0, 0.0).status is status


def test_pace_is_measured_from_the_baseline() -> None:
    # Conversion from 11% to 16%, 13.5% due: at 12.9% the way made is 1.9 of 2.5 points due.
    funnel = kr("F", None, "16", "%", baseline=Decimal("0.11"))
    judged = judge(funnel, 0.129, 0.16, 0.135, 0.11)
    assert (judged.status, judged.pace) == (Status.OFF_TRACK, pytest.approx(1.9 / 2.5))


def test_a_figure_to_bring_down_is_judged_downwards() -> None:
    # Empty accounts from 27% to 20%: 23.5% due; at 24% the way made is 3 of 3.5 points due.
    empty = kr("E", None, "20", "%", direction=Direction.AT_MOST, baseline=Decimal("0.27"))
    assert not empty.guardrail
    judged = judge(empty, 0.24, 0.20, 0.235, 0.27)
    assert (judged.status, judged.pace) == (Status.AT_RISK, pytest.approx(3 / 3.5))
    assert attainment(empty, 0.235, 0.20, 0.27) == pytest.approx(0.5)


def test_guardrails_are_met_or_breached_with_the_margin() -> None:
    complaints = kr("KR2", None, "0.15", "‰", direction=Direction.AT_MOST)
    assert complaints.guardrail
    met = judge(complaints, 0.00012, 0.00015, 0.00015, 0.0)
    assert (met.status, met.margin) == (Status.MET, pytest.approx(0.00003))
    breached = judge(complaints, 0.00021, 0.00015, 0.00015, 0.0)
    assert (breached.status, breached.margin) == (Status.BREACHED, pytest.approx(-0.00006))
    swing = kr("KR3", None, "0", "百分点", direction=Direction.WITHIN, band=Decimal("0.01"))
    assert judge(swing, 0.008, 0.0, 0.0, 0.0).status is Status.MET
    assert judge(swing, -0.012, 0.0, 0.0, 0.0).status is Status.BREACHED


def test_a_floor_is_a_guardrail_that_attains_one_when_held() -> None:
    # NPS at least 55 all year: 57.61 holds it; it does not feed 104.7% into a score.
    floor = kr("NPS", None, "55", "分", guardrail=True)
    held = judge(floor, 57.61, 55.0, 55.0, 0.0)
    assert (held.status, held.margin) == (Status.MET, pytest.approx(2.61))
    assert attainment(floor, 57.61, 55.0, 0.0) == 1.0
    assert judge(floor, 52.0, 55.0, 55.0, 0.0).status is Status.BREACHED
    assert attainment(floor, 52.0, 55.0, 0.0) == pytest.approx(52 / 55)


def test_attainment_is_a_fraction_of_the_way_from_the_baseline() -> None:
    assert attainment(kr("A", None, "38"), 41.3, 38.0, 0.0) == pytest.approx(1.0868, abs=1e-4)
    assert attainment(kr("R", None, "4.5"), 4.72, 4.5, 0.0) == pytest.approx(1.0489, abs=1e-4)
    assert attainment(kr("N", None, "40"), 32, 40.0, 0.0) == pytest.approx(0.8)
    nps = kr("NPS", None, "60", "分", baseline=Decimal(58))
    assert attainment(nps, 59.0, 60.0, 58.0) == pytest.approx(0.5)
    # Below the baseline is no progress, not 96% (57.61 / 60).
    assert attainment(nps, 57.61, 60.0, 58.0) == 0.0
    products = kr("P", None, "3.5", "个/户", baseline=Decimal("2.4"))
    assert attainment(products, 1.46, 3.5, 2.4) == 0.0
    assert attainment(products, 2.95, 3.5, 2.4) == pytest.approx(0.5)
    complaints = kr("C", None, "0.3", "‰", direction=Direction.AT_MOST)
    assert attainment(complaints, 0.00021, 0.0003, 0.0) == 1.0
    assert attainment(complaints, 0.0006, 0.0003, 0.0) == pytest.approx(0.5)


def test_a_members_baseline_is_its_share_of_an_amount_and_the_same_for_a_rate() -> None:
    from okrdesk.engine.tree_targets import baseline_at

    shares = {"wm1": Decimal(150), "wm2": Decimal(50)}
    clients = kr("C", "new_accounts", "200", baseline=Decimal(100), member_targets=shares)
    plan = make_plan(clients)
    assert baseline_at(plan, clients, "szft", MetricKind.FLOW) == 100.0
    assert baseline_at(plan, clients, "wm1", MetricKind.FLOW) == 75.0
    rate = kr("R", "conversion", "16", "%", baseline=Decimal("0.11"),
              member_targets={"wm1": Decimal("0.15"), "wm2": Decimal("0.17")})  # fmt: skip
    assert baseline_at(make_plan(rate), rate, "wm2", MetricKind.RATIO) == 0.11


def test_a_checkpoint_is_judged_at_its_date_and_stops_moving(store: Store) -> None:
    # 20 new accounts due by the end of Q1: 12 by 31 March, 30 more later.
    leads = kr("LEADS", "new_accounts", "20", milestones=(Milestone("Q1", Decimal(1)),))
    weeks = list(periods_between(dt.date(2026, 1, 1), dt.date(2026, 12, 31), Grain.WEEK))
    march = next(w for w in weeks if w.start <= dt.date(2026, 3, 25) <= w.end)
    april = next(w for w in weeks if w.start <= dt.date(2026, 4, 8) <= w.end)
    run = store.start_run("test", None)
    store.replace_observations(run, {"new_accounts": "test"}, weeks, [
        Observation("new_accounts", "cm01", march.id, 12),
        Observation("new_accounts", "cm01", april.id, 30),
    ])  # fmt: skip
    engine = Engine(make_plan(leads), store, dt.date(2026, 12, 1), METRICS)
    result = engine.key_result(engine.plan.objectives[0].key_results[0], "szft")
    assert result is not None
    assert (result.closed, result.actual.value, result.status) == (
        dt.date(2026, 3, 31), 12.0, Status.MISSED,
    )  # fmt: skip
    assert (result.margin, result.attainment, result.forecast.value) == (-8.0, 0.6, 12.0)
    assert all(day <= dt.date(2026, 3, 31) for day, _ in result.trend)


class _ReadsCounted:
    """The store, noting what each read of figures is asked: its name, then its
    arguments."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.asked: list[tuple[object, ...]] = []

    def __getattr__(self, name: str) -> object:
        found = getattr(self.store, name)
        if not name.startswith(("series", "totals_by_subject")):
            return found

        def noted(*args: object, **kwargs: object) -> object:
            self.asked.append((name, *args))
            return found(*args, **kwargs)

        return noted


def _q1_checkpoint_and_a_years_rate(store: Store) -> tuple[KeyResult, KeyResult]:
    """AUM of 12 at the end of Q1 (a stock, its level read at the date), and a
    conversion rate over the year, with their weeks stored through April."""
    weeks = list(periods_between(dt.date(2026, 1, 1), dt.date(2026, 4, 30), Grain.WEEK))
    run = store.start_run("test", None)
    store.replace_observations(run, {"aum": "test", "conversion": "test"}, weeks, [
        *(Observation("aum", "cm01", w.id, 10.0 + i) for i, w in enumerate(weeks)),
        *(Observation("conversion", "cm01", w.id, None, 1, 10) for w in weeks),
    ])  # fmt: skip
    closing = kr("Q1AUM", "aum", "12", "元", milestones=(Milestone("Q1", Decimal(1)),))
    return closing, kr("CONV", "conversion", "25", "%")


def test_a_checkpoints_engine_reads_the_trend_of_its_checkpoints_alone(store: Store) -> None:
    """Judged as it stood on its date, a checkpoint's trend is read to that date; the
    trends of the key results still open then (the year's rate) are not read with it."""
    closing, open_all_year = _q1_checkpoint_and_a_years_rate(store)
    counted = _ReadsCounted(store)
    engine = Engine(make_plan(closing, open_all_year), counted, dt.date(2026, 5, 10), METRICS)  # type: ignore[arg-type]
    result = engine.key_result(closing, "szft")
    assert result is not None and result.closed == dt.date(2026, 3, 31) and result.trend
    read_to_its_date = [a for a in counted.asked if a[0] == "series_of_metrics"
                        and a[3] < dt.date(2026, 3, 31)]  # fmt: skip
    assert [set(a[1]) for a in read_to_its_date] == [{"aum"}]  # type: ignore[call-overload]


def test_a_reports_engines_add_up_a_checkpoints_figures_once(store: Store) -> None:
    """The report's engines now and a week earlier both judge a checkpoint closed
    before either: as it stood on its date, added up once for the two."""
    closing, open_all_year = _q1_checkpoint_and_a_years_rate(store)
    plan = make_plan(closing, open_all_year)
    counted = _ReadsCounted(store)
    shared = SharedReads(counted, plan, specs=METRICS)  # type: ignore[arg-type]
    now = Engine(plan, counted, dt.date(2026, 5, 10), METRICS, shared=shared)  # type: ignore[arg-type]
    earlier = Engine(plan, counted, dt.date(2026, 5, 3), METRICS, trends=False, shared=shared)  # type: ignore[arg-type]
    judged = [engine.key_result(closing, "szft") for engine in (now, earlier)]
    assert [p.actual.value for p in judged if p is not None] == [22.0, 22.0]
    levels_read = [a for a in counted.asked if a[0] == "totals_by_subject"]
    assert [a[2] for a in levels_read] == [dt.date(2026, 3, 29)]


def test_a_guardrail_held_for_one_phase_closes_with_it(store: Store) -> None:
    # "Q3 攻坚: equity client attrition ≤ 1.5%", in Q1 here: held on 31 March at
    # 1.2%; April's 3% is after the checkpoint and must not breach it.
    hold = kr("HOLD", None, "1.5", "%", direction=Direction.AT_MOST,
              milestones=(Milestone("Q1", Decimal(1)),))  # fmt: skip
    all_year = attrs.evolve(hold, id="O1.ALL", milestones=())
    assert hold.guardrail and all_year.guardrail
    for key_result in (hold, all_year):
        store.add_checkin(key_result.id, "szft", dt.date(2026, 3, 30), 0.012)
        store.add_checkin(key_result.id, "szft", dt.date(2026, 4, 20), 0.03)
    engine = Engine(make_plan(hold, all_year), store, dt.date(2026, 12, 1), METRICS)
    held = engine.key_result(hold, "szft")
    assert held is not None and held.closed == dt.date(2026, 3, 31)
    assert (held.actual.value, held.status) == (0.012, Status.MET)
    breached = engine.key_result(all_year, "szft")
    assert breached is not None and breached.closed is None
    assert (breached.actual.value, breached.status) == (0.03, Status.BREACHED)


def test_a_trend_point_is_never_dated_after_the_as_of_date(store: Store) -> None:
    as_of = WEEKS[2].start + dt.timedelta(days=2)
    put(store, "new_accounts", [("cm01", 0, 3), ("cm01", 1, 4), ("cm01", 2, 5)], as_of)
    engine = Engine(make_plan(kr("K", "new_accounts", "360")), store, as_of, METRICS)
    p = engine.key_result(engine.plan.objectives[0].key_results[0], "szft")
    assert p is not None and p.trend[-1] == (as_of, 12.0)


def test_a_past_day_counts_no_day_after_it(store: Store) -> None:
    wednesday = WEEKS[2].start + dt.timedelta(days=2)
    plan = make_plan(kr("K", "new_accounts", "360"))
    # Collected that Wednesday (a live report): the week counts as collected.
    put(store, "new_accounts", [("cm01", 0, 3), ("cm01", 1, 4), ("cm01", 2, 2)], wednesday)
    live = Engine(plan, store, wednesday, METRICS)
    assert live.through == wednesday
    assert live.rollup.figure("new_accounts", "szft").value == 9.0
    # Collected again after the week ended, it is stored whole: as of that Wednesday
    # none of it counts, since its figure holds Thursday to Sunday too; the figures
    # and the trend run through the Sunday before.
    put(store, "new_accounts", [("cm01", 0, 3), ("cm01", 1, 4), ("cm01", 2, 5)])
    engine = Engine(plan, store, wednesday, METRICS)
    assert engine.through == WEEKS[1].end
    p = engine.key_result(plan.objectives[0].key_results[0], "szft")
    assert p is not None and p.actual.value == 7.0 and p.trend[-1] == (WEEKS[1].end, 7.0)
    # On its Sunday the week has ended: all of it counts.
    sunday = Engine(plan, store, WEEKS[2].end, METRICS)
    assert sunday.through == WEEKS[2].end
    assert sunday.rollup.figure("new_accounts", "szft").value == 12.0


def test_a_metric_the_plan_does_not_use_cuts_nothing(store: Store) -> None:
    wednesday = WEEKS[2].start + dt.timedelta(days=2)
    put(store, "new_accounts", [("cm01", 2, 2)], wednesday)
    put(store, "aum", [("cm01", 2, 100.0)])  # stored whole, in no key result
    plan = make_plan(kr("K", "new_accounts", "360"))
    assert Engine(plan, store, wednesday, METRICS).through == wednesday


# --------------------------------------------------------------- forecast


def test_a_linear_forecast_and_the_day_the_target_is_reached() -> None:
    start, end = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
    points = [(start + dt.timedelta(days=d), d * 1.0) for d in (30, 60, 90)]
    forecast = linear_forecast(points, start, end, target=300.0)
    # One a day from 90 on day 90: 364 by 31 December; 300 on day 300, 28 October.
    assert forecast.value == pytest.approx(364.0)
    assert forecast.reach == dt.date(2026, 10, 28)


def test_a_forecast_goes_on_from_todays_figure() -> None:
    # Net new AUM rose to 50 and fell back to 40: the fitted slope is carried
    # on from 40 today, not from where the fitted line happens to stand.
    start, end = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
    days = [start + dt.timedelta(days=d) for d in (30, 60, 90, 120)]
    values = [10.0, 30.0, 50.0, 40.0]
    forecast = linear_forecast(list(zip(days, values, strict=True)), start, end, 200.0)
    # x − mean: −45, −15, 15, 45; y − mean: −22.5, −2.5, 17.5, 7.5.
    slope = (45 * 22.5 + 15 * 2.5 + 15 * 17.5 + 45 * 7.5) / (2 * 45**2 + 2 * 15**2)
    assert forecast.value == pytest.approx(40.0 + slope * (end - days[-1]).days)


def test_a_running_count_is_never_forecast_below_what_it_has_reached() -> None:
    start, end = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
    days = [start + dt.timedelta(days=d) for d in (30, 60, 90)]
    falling = list(zip(days, [90.0, 60.0, 30.0], strict=True))
    assert linear_forecast(falling, start, end, 100.0).value == pytest.approx(30 - 274)
    assert linear_forecast(falling, start, end, 100.0, never_below=True).value == 30.0


def test_a_ratio_is_forecast_from_its_parts_never_as_a_line_through_the_rate() -> None:
    """A funnel converting 30, 20, 10 of each 100 opened, month after month: the rate to
    date falls (30%, 25%, 20%), and a line through it runs below nothing by December.
    Opened accounts go on at 100 a month and conversions at their fitted pace."""
    start, end = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
    days = [dt.date(2026, 1, 31), dt.date(2026, 2, 28), dt.date(2026, 3, 31)]
    parts = list(zip(days, [30.0, 50.0, 60.0], [100.0, 200.0, 300.0], strict=True))
    rates = [(day, n / d) for day, n, d in parts]
    assert linear_forecast(rates, start, end, 0.4).value < 0
    forecast = ratio_forecast(parts, start, end, 0.4)
    left = (end - days[-1]).days
    up, across = _fitted(days, [30.0, 50.0, 60.0]), _fitted(days, [100.0, 200.0, 300.0])
    assert forecast.value == pytest.approx((60 + up * left) / (300 + across * left))
    assert 0.05 < forecast.value < 0.2 and forecast.reach is None


def test_a_ratio_reaches_its_target_on_the_day_its_parts_say() -> None:
    # 10 of 100 a month so far, 40 of 100 a month from here on the fitted line: the
    # rate to date meets 20% where (60 + up·t) / (300 + across·t) = 0.2.
    start, end = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
    days = [dt.date(2026, 1, 31), dt.date(2026, 3, 2), dt.date(2026, 4, 1)]
    numerators, denominators = [0.0, 20.0, 60.0], [100.0, 200.0, 300.0]
    forecast = ratio_forecast(list(zip(days, numerators, denominators, strict=True)),
                              start, end, 0.2)  # fmt: skip
    up, across = _fitted(days, numerators), _fitted(days, denominators)
    t = (0.2 * 300 - 60) / (up - 0.2 * across)
    assert forecast.reach == days[-1] + dt.timedelta(days=math.ceil(t))
    # A rate with a fixed denominator (attrition of the year's first AUM) is the line.
    fixed = list(zip(days, numerators, [100.0] * 3, strict=True))
    line = linear_forecast([(d, n / 100) for d, n, _ in fixed], start, end, 2.0)
    assert ratio_forecast(fixed, start, end, 2.0).value == pytest.approx(line.value)


def _fitted(days: list[dt.date], values: list[float]) -> float:
    """The least-squares slope per day, from the plan's first day."""
    xs = [(day - dt.date(2026, 1, 1)).days for day in days]
    mean_x, mean_y = sum(xs) / len(xs), sum(values) / len(values)
    spread = sum((x - mean_x) ** 2 for x in xs)
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, values, strict=True)) / spread


def test_on_the_plans_last_day_the_forecast_is_the_actual() -> None:
    start, end = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
    points = [(dt.date(2026, 10, 31), 120.0), (dt.date(2026, 11, 30), 140.0), (end, 145.0)]
    forecast = linear_forecast(points, start, end, 150.0, as_of=end)
    assert (forecast.value, forecast.reach) == (145.0, None)


def test_two_points_are_not_enough_for_a_forecast() -> None:
    start = dt.date(2026, 1, 1)
    forecast = linear_forecast(
        [(start, 1.0), (dt.date(2026, 2, 1), 2.0)], start, dt.date(2026, 12, 31), 10
    )
    assert (forecast.value, forecast.note) == (None, "not enough data")


# ---------------------------------------------------------------- targets


def test_a_unit_target_differing_from_its_members_raises_an_alert(store: Store) -> None:
    result = kr(
        "KR1", "new_accounts", "360", member_targets={"wm1": Decimal(160), "wm2": Decimal(190)}
    )
    put(store, "new_accounts", [("cm01", 0, 3)])
    engine = Engine(make_plan(result), store, AS_OF, METRICS)
    found = attention.alerts(engine, budget_progress(engine, []), "szft")
    assert [a.message for a in found if a.kind == "target_mismatch"] == [
        "O1.KR1: the members' targets add up to 350 accts, 10 accts less than the 360 accts "
        "set for szft"
    ]
    assert [a.text("zh") for a in found if a.kind == "target_mismatch"] == [
        "O1.KR1：成员目标合计 350户，比 szft 的目标 360户 少 10户"
    ]
    share = progress(make_plan(result), store, "wm1", AS_OF, METRICS)
    assert share.objectives[0].key_results[0].target.value == 160.0


def test_a_unit_without_its_own_target_takes_the_sum_of_its_members(store: Store) -> None:
    result = kr(
        "KR1", "new_accounts", None, member_targets={"wm1": Decimal(160), "wm2": Decimal(200)}
    )
    p = progress(make_plan(result), store, "szft", AS_OF, METRICS)
    target = p.objectives[0].key_results[0].target
    assert (target.value, target.source, target.mismatch) == (360.0, "members", None)


def test_a_ratio_target_implied_by_members_is_weighted_by_denominators(store: Store) -> None:
    # wm1 aims at 10% of 100 reached, wm2 at 40% of 300: together 130 of 400 = 32.5%.
    put(store, "conversion", [("cm01", 0, (5, 100)), ("cm03", 0, (100, 300))])
    result = kr("KR1", "conversion", None, "%",
                member_targets={"wm1": Decimal("0.10"), "wm2": Decimal("0.40")})  # fmt: skip
    p = progress(make_plan(result), store, "szft", AS_OF, METRICS)
    assert p.objectives[0].key_results[0].target.value == pytest.approx(0.325)


def test_members_are_ranked_by_score(store: Store) -> None:
    result = kr(
        "KR1", "new_accounts", "20", member_targets={"cm01": Decimal(10), "cm02": Decimal(10)}
    )
    put(store, "new_accounts", [("cm01", 0, 2), ("cm02", 0, 9)])
    plan = Plan(
        id="p", name="2026", year=2026, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31),
        top="wm1", units=UNITS_TREE, people=PEOPLE, phases=tuple(Q),
        objectives=(Objective("O1", "目标", "wm1", key_results=(result,)),),
    )  # fmt: skip
    p = progress(plan, store, "wm1", AS_OF, METRICS)
    assert [(m.id, m.score) for m in p.members] == [("cm02", 0.9), ("cm01", 0.2)]
    assert p.score == pytest.approx(11 / 20)


def test_a_key_result_counts_up_to_the_cap_in_its_objectives_score(store: Store) -> None:
    # 35 new accounts of 10 (350%) and a conversion of 0 against 50%: the score is
    # (1.2 + 0) / 2, not (3.5 + 0) / 2.
    far, zero = kr("FAR", "new_accounts", "10"), kr("ZERO", "conversion", "50", "%")
    put(store, "new_accounts", [("cm01", 0, 35)])
    put(store, "conversion", [("cm01", 0, (0, 10))])
    plan = make_plan(far, zero)
    p = progress(plan, store, "szft", AS_OF, METRICS)
    attained = {r.key_result.id: r.attainment for r in p.objectives[0].key_results}
    assert attained == {"O1.FAR": pytest.approx(3.5), "O1.ZERO": 0.0}
    assert p.objectives[0].score == pytest.approx(0.6)
    lifted = progress(attrs.evolve(plan, attainment_cap=2.0), store, "szft", AS_OF, METRICS)
    assert lifted.objectives[0].score == pytest.approx(1.0)


def test_no_rows_yet_count_0_for_a_flow_and_leave_a_stock_or_a_ratio_out(store: Store) -> None:
    """Every key result with no figure yet counted 0 once its pace was due: a branch
    whose AUM and conversion were not collected yet read half its score gone. No new
    accounts is 0 accounts; no AUM is a level not collected yet, no conversion nothing to
    divide; the score leaves those out, and the note under the objective says why."""
    from okrdesk.report.build import build_report
    from okrdesk.report.notes import unmeasured_story
    from okrdesk.report.terminal import render_text

    put(store, "attrition", [("cm01", 0, (1, 50))])  # 2%, inside its 5%: attains 1
    plan = make_plan(kr("ATTR", "attrition", "5", "%", direction=Direction.AT_MOST),
                     kr("NEW", "new_accounts", "50"), kr("AUM", "aum", "10", "亿元"),
                     kr("CONV", "conversion", "30", "%"))  # fmt: skip
    p = progress(plan, store, "szft", AS_OF, METRICS)
    kinds = {r.key_result.id: r.no_rows_kind for r in p.objectives[0].key_results}
    assert kinds == {"O1.ATTR": None, "O1.NEW": None, "O1.AUM": "stock", "O1.CONV": "ratio"}
    assert p.objectives[0].score == pytest.approx((1 + 0) / 2)
    reports = {lang: build_report(plan, METRICS, store, "szft", AS_OF, lang)
               for lang in ("zh", "en")}  # fmt: skip
    notes = {lang: unmeasured_story(reports[lang].objectives[0], lang) for lang in reports}
    # What the score counts at 0 is a sentence of its own, not one more group of those it
    # leaves out, parted from them by the same ；.
    assert notes["zh"] == (
        "未计入得分：O1.AUM（尚无数据：存量尚未采集，不按 0 计）；"
        "O1.CONV（尚无数据：比率尚无分母，不按 0 计）。按 0 计入得分：O1.NEW（尚无数据）"
    )
    assert notes["en"] == (
        "Not in the score: O1.AUM (no data yet: a level not collected yet is not a 0); "
        "O1.CONV (no data yet: a rate with nothing to divide by is not a 0). "
        "Counted at 0 in the score: O1.NEW (no data yet)"
    )
    for lang, report in reports.items():  # under the table, wrapped as its caption is
        text = io.StringIO()
        render_text(report, text, width=240)
        assert "".join(notes[lang].split()) in "".join(text.getvalue().split())


def test_a_flow_with_no_events_lately_is_not_stale_a_stock_without_a_level_is(
    store: Store,
) -> None:
    # Collected through 25 January; only the first week had new accounts or a level.
    run = store.start_run("collect", dt.date(2026, 1, 25))
    first_week = [Observation("new_accounts", "cm01", WEEKS[0].id, 3),
                  Observation("aum", "cm01", WEEKS[0].id, 5e8)]  # fmt: skip
    store.replace_observations(run, {"new_accounts": "crm", "aum": "crm"}, WEEKS, first_week)
    plan = make_plan(kr("NEW", "new_accounts", "50"), kr("AUM", "aum", "10", "亿元"))
    latest = attention.latest_ends(plan, store, METRICS)
    # Weeks with no account opened are zeros up to the day the collect read through.
    assert latest[Grain.WEEK, "new_accounts"] == dt.date(2026, 1, 25)
    # A level nobody reported since the first week is old news.
    assert latest[Grain.WEEK, "aum"] == WEEKS[0].end
    engine = Engine(plan, store, dt.date(2026, 1, 27), METRICS)
    found = attention.alerts(engine, budget_progress(engine, []))
    assert [a.subject for a in found if a.kind == "stale"] == ["aum"]


def test_a_conversion_with_no_openings_lately_is_not_stale_an_attrition_rate_is(
    store: Store,
) -> None:
    # A plugin leaves out a week in which no account was opened (0 / 0 is no data): the
    # conversion rate read "latest numbers end 2026-01-04", stale, though it was collected
    # through the 25th and nothing had happened since.
    run = store.start_run("collect", dt.date(2026, 1, 25))
    first_week = [Observation("conversion", "cm01", WEEKS[0].id, None, 2, 10),
                  Observation("attrition", "cm01", WEEKS[0].id, None, 1, 50)]  # fmt: skip
    store.replace_observations(run, {"conversion": "crm", "attrition": "crm"}, WEEKS, first_week)
    plan = make_plan(kr("CONV", "conversion", "30", "%"),
                     kr("ATTR", "attrition", "5", "%", direction=Direction.AT_MOST))  # fmt: skip
    latest = attention.latest_ends(plan, store, METRICS)
    # Both parts of a conversion add up over time: no row is no event, as for a flow.
    assert latest[Grain.WEEK, "conversion"] == dt.date(2026, 1, 25)
    # An attrition rate's denominator is the first level held: no row is no news.
    assert latest[Grain.WEEK, "attrition"] == WEEKS[0].end
    engine = Engine(plan, store, dt.date(2026, 1, 27), METRICS)
    found = attention.alerts(engine, budget_progress(engine, []))
    assert [a.subject for a in found if a.kind == "stale"] == ["attrition"]


def test_a_stale_alert_gives_the_day_a_week_stored_in_part_runs_through(store: Store) -> None:
    # Collected on Wednesday 14 January: the week ending Sunday the 18th is stored in part.
    wednesday = dt.date(2026, 1, 14)
    put(store, "new_accounts", [("cm01", 0, 3), ("cm01", 2, 1)], through=wednesday)
    put(store, "aum", [("cm01", 0, 5e8), ("cm01", 2, 6e8)], through=wednesday)
    plan = make_plan(kr("NEW", "new_accounts", "50"), kr("AUM", "aum", "10", "亿元"))

    def stale(day: dt.date, lang: str) -> list[str]:
        engine = Engine(plan, store, day, METRICS)
        found = attention.alerts(engine, budget_progress(engine, []))
        return [a.text(lang) for a in found if a.kind == "stale"]

    # On Tuesday the 20th its figures reach into the week before: not stale.
    assert stale(dt.date(2026, 1, 20), "en") == []
    # A week later they are, and the alert says the day they end, not the week's Sunday.
    [zh] = stale(dt.date(2026, 1, 27), "zh")
    assert zh.startswith("2 项指标的最新数据截至 2026-01-14（按周）"), zh
    [en] = stale(dt.date(2026, 1, 27), "en")
    assert "2026-01-14" in en and "2026-01-18" not in en, en


# ---------------------------------------------- the seeds' own figures


SEEDS_2025 = """\
[[objectives]]
id = "Y2025"
title = "2025 公司目标"
owner = "branch"

[[objectives.key_results]]
id = "AUM"
title = "净新增AUM"
target = 38
unit = "亿元"

[[objectives.key_results]]
id = "REV"
title = "收入"
target = 4.5
unit = "亿元"

[[objectives.key_results]]
id = "NPS"
title = "NPS ≥ 55"
target = 55
unit = "分"

[[objectives.key_results]]
id = "CPL"
title = "投诉率 ≤ 0.3‰"
direction = "at_most"
target = 0.3
unit = "‰"
"""


def test_the_seeds_2025_results_from_toml_and_checkins_alone(
    write_workspace: WriteWorkspace, plans_over: object
) -> None:
    root = write_workspace({"okrs.toml": SEEDS_2025, "budget.toml": None})
    for kr_id, value in (("AUM", "41.3"), ("REV", "4.72"), ("NPS", "58"), ("CPL", "0.21")):
        result = CliRunner().invoke(
            cli, ["checkin", f"Y2025.{kr_id}", value, "--date", "2026-12-31", "-w", str(root)]
        )
        assert result.exit_code == 0, result.output
    session = open_session(root)
    with Store.open(session.workspace.database) as store:
        p = progress(session.plan, store, "branch", dt.date(2026, 12, 31), session.host.metrics)
    by_id = {r.key_result.id: r for r in p.objectives[0].key_results}
    assert round(by_id["Y2025.AUM"].attainment * 100, 1) == 108.7
    assert round(by_id["Y2025.REV"].attainment * 100, 1) == 104.9
    assert by_id["Y2025.NPS"].status is Status.MET  # 58 of 55: reached
    complaints = by_id["Y2025.CPL"]
    assert complaints.status is Status.MET
    assert complaints.margin == pytest.approx(0.00009)


def test_the_all_metrics_rollup_equals_the_per_metric_one(store: Store) -> None:
    put(store, "aum", [("cm01", 0, 100.0), ("cm01", 1, 150.0), ("cm02", 1, 50.0), ("cm03", 0, 7.0)])
    put(store, "new_accounts", [("cm01", 0, 3), ("cm02", 2, 5), ("wm2", 3, 2)])
    put(store, "conversion", [("cm01", 0, (1, 10)), ("cm02", 1, (30, 100))])
    put(store, "attrition", [("cm01", 0, (5, 1000)), ("cm01", 1, (10, 995)), ("cm03", 2, (1, 50))])
    plan = make_plan()
    one_by_one = Engine(plan, store, AS_OF, METRICS).rollup
    all_at_once = Engine(plan, store, AS_OF, METRICS).rollup
    all_at_once.compute_all()
    subjects = [u.id for u in plan.units] + [p.id for p in plan.people]
    for metric in METRICS:
        for subject in subjects:
            assert all_at_once.figure(metric, subject) == one_by_one.figure(metric, subject), (
                metric, subject,
            )  # fmt: skip


# ----------------------------------------------------------- members


def test_members_meeting_their_own_target_are_counted(store: Store) -> None:
    # wm1 (王芳, 李强) must open 10, wm2 (张伟) 5: wm1 opens 12, wm2 opens 4.
    put(store, "new_accounts", [("cm01", 0, 7), ("cm02", 1, 5), ("cm03", 0, 4)])
    shared = kr("KR1", "new_accounts", "15", member_targets={"wm1": Decimal(10), "wm2": Decimal(5)})
    engine = Engine(make_plan(shared), store, AS_OF, METRICS)
    found = engine.members_met(shared, "szft")
    assert found is not None and (found.met, found.total) == (1, 2)
    assert engine.members_met(shared, "wm1") is None  # nothing shared out below wm1


def test_units_and_people_are_ranked_separately(store: Store) -> None:
    put(store, "new_accounts", [("cm01", 0, 7), ("cm03", 0, 4)])
    own = Objective("P1", "个人", "cm03", key_results=(
        KeyResult("P1.KR1", "P1", "开户", UNITS["户"], Decimal(4), "new_accounts"),
    ))  # fmt: skip
    shared = kr("KR1", "new_accounts", "15", member_targets={"wm1": Decimal(10), "wm2": Decimal(5)})
    plan = make_plan(shared)
    plan = attrs.evolve(plan, objectives=(*plan.objectives, own))
    members = Engine(plan, store, AS_OF, METRICS).progress("szft").members
    assert [(m.kind, m.id) for m in members] == [
        ("unit", "wm2"), ("unit", "wm1"), ("person", "cm03"),
    ]  # fmt: skip


def test_a_slope_near_zero_reaches_the_target_beyond_the_plan_not_in_an_error() -> None:
    start, end = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
    days = [start + dt.timedelta(days=d) for d in (30, 60, 90)]
    flat = list(zip(days, [10.0, 10.0 + 1e-300, 10.0 + 2e-300], strict=True))
    forecast = linear_forecast(flat, start, end, 1e9)
    assert forecast.reach is None and forecast.value == pytest.approx(10.0)


def test_restatements_are_told_for_one_period_and_after_the_year_by_every_collect_since(
    write_workspace: WriteWorkspace,
) -> None:
    from okrdesk.engine.attention import revision_alerts
    from okrdesk.model import Run
    from okrdesk.targets.load import load_plan

    plan = load_plan(write_workspace(), None).plan
    assert plan is not None and plan.grain is Grain.WEEK and plan.end == dt.date(2026, 12, 31)

    def ran(day: str, revised: dict[str, dict[str, int]], *, finished: bool = True) -> Run:
        stamp = dt.datetime.fromisoformat(f"{day}T12:00:00").astimezone().isoformat()
        return Run(1, stamp, stamp if finished else None, "ok", "collect", None, None, {}, [],
                   revised)  # fmt: skip

    hnw = {"new_hnw_clients": {"2026-W09": 2}}
    told = [
        ran("2026-03-10", hnw),
        ran("2026-03-12", hnw, finished=False),  # killed: dated by its start
        ran("2026-03-12", {"aum": {"2026-W09": 1}}),  # a metric the plan does not use
        ran("2026-03-01", hnw),  # more than a week before
    ]
    alerts = revision_alerts(told, dt.date(2026, 3, 15), plan, {}, {})
    assert [(a.kind, a.level.value, a.subject) for a in alerts] == [
        ("revised", "info", "new_hnw_clients")
    ] * 2
    assert revision_alerts(told, dt.date(2026, 3, 9), plan, {}, {}) == []  # before them
    january = [ran("2027-01-05", hnw)]
    assert len(revision_alerts(january, plan.end, plan, {}, {})) == 1  # the year's last report
    assert revision_alerts(january, dt.date(2026, 12, 30), plan, {}, {}) == []


def test_the_part_of_a_figure_no_member_with_a_share_brings_is_named(store: Store) -> None:
    # The team's target is shared out to 王芳 alone; 李强 (no share) and the team's own
    # row bring the rest of its figure, which the report names rather than hides.
    put(store, "new_accounts", [("cm01", 0, 5), ("cm02", 0, 3), ("wm1", 1, 2), ("cm03", 0, 4)])
    shared = kr("S", "new_accounts", None, member_targets={"cm01": Decimal(100)})
    plan = make_plan(shared, owner="wm1")
    engine = Engine(plan, store, AS_OF, METRICS)
    found = engine.unshared(shared, "wm1")
    assert found is not None and (found.amount, found.people) == (5.0, ("cm02",))
    # Shared out to everyone (the team's own row gone), nothing is left.
    everyone = attrs.evolve(shared, member_targets={"cm01": Decimal(60), "cm02": Decimal(40)})
    put(store, "new_accounts", [("cm01", 0, 5), ("cm02", 0, 3)])
    fresh = Engine(make_plan(everyone, owner="wm1"), store, AS_OF, METRICS)
    assert fresh.unshared(everyone, "wm1") is None
    # Key results shared out to the same members are told apart from the others alike,
    # worked out once for those members (a firm's are each shared to every branch).
    again = attrs.evolve(shared, id="O1.S2", title="S2")
    several = Engine(make_plan(shared, again, everyone, owner="wm1"), store, AS_OF, METRICS)
    found = [several.unshared(each, "wm1") for each in (shared, again, everyone)]
    assert [None if f is None else (f.amount, f.people) for f in found] == [
        (3.0, ("cm02",)), (3.0, ("cm02",)), None]  # fmt: skip
    assert sorted(several._apart) == [("wm1", ("cm01",)), ("wm1", ("cm01", "cm02"))]
    # A rate is no sum of its parts.
    rate = kr("R", "conversion", "0.3", "%", member_targets={"cm01": Decimal("0.3")})
    assert Engine(make_plan(rate, owner="wm1"), store, AS_OF, METRICS).unshared(rate, "wm1") is None


class _SeriesCounted:
    """The store, counting the reads of a metric's series (a key result's trend)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.series_read = 0

    def __getattr__(self, name: str) -> object:
        found = getattr(self.store, name)
        if not name.startswith("series"):
            return found

        def counted(*args: object, **kwargs: object) -> object:
            self.series_read += 1
            return found(*args, **kwargs)

        return counted


def test_alerts_judge_a_key_result_owned_inside_without_reading_its_trend(store: Store) -> None:
    """A team's own key result, in its branch's alerts: judged as the report judges it,
    with no read of its series, which no alert shows."""
    branch = kr("KR1", "new_accounts", "360")
    team = attrs.evolve(kr("KR1", "new_accounts", "300"), id="T1.KR1", objective="T1")
    plan = attrs.evolve(
        make_plan(branch),
        objectives=(*make_plan(branch).objectives,
                    Objective("T1", "团队目标", "wm1", key_results=(team,))),
    )  # fmt: skip
    put(store, "new_accounts", [("cm01", week, 1.0) for week in range(4)])
    counted = _SeriesCounted(store)
    engine = Engine(plan, counted, AS_OF, METRICS)  # type: ignore[arg-type]
    engine.progress("szft", members=False)
    read_before = counted.series_read
    found = attention.alerts(engine, budget_progress(engine, []), "szft")
    assert counted.series_read == read_before
    assert [a.key for a in found if a.subject == "T1.KR1"] == ["kr.off_track"]
    judged = engine.judged(team, "wm1")
    full = engine.key_result(team, "wm1")
    assert judged is not None and full is not None and full.trend
    assert attrs.evolve(judged, trend=full.trend, forecast=full.forecast) == full
    assert engine.judged(branch, "szft") is engine.key_result(branch, "szft")


@pytest.mark.parametrize("start", [dt.date(2026, 1, 1), dt.date(2026, 3, 18)])
def test_the_day_figures_must_reach_is_that_of_the_plans_periods(start: dt.date) -> None:
    """``current_from``: the end of the period before the one holding the day, among the
    plan's own periods (none in its first, nor before it starts), worked out without
    listing them, for every day of a plan starting on its year's first day or mid-week
    and mid-month, and after its end."""
    plan = attrs.evolve(make_plan(), start=start)
    listed_before = periods_within.cache_info().misses
    found = {
        (grain, day): current_from(plan, day, grain)
        for grain in Grain
        for day in (start + dt.timedelta(days=n) for n in range(-10, (plan.end - start).days + 40))
    }
    assert periods_within.cache_info().misses == listed_before
    for (grain, day), current in found.items():
        periods = plan_periods(plan, day, grain)
        assert current == (periods[-2].end if len(periods) > 1 else None), (grain, day)


def test_members_targets_of_a_rate_come_to_their_mean_where_the_owner_writes_none() -> None:
    """Two teams each held to a complaint rate of at most 0.15‰ hold their branch to 0.15‰,
    not 0.30‰: summed, a branch starting from 0.21‰ read as already within its limit (a
    guardrail) rather than a figure to bring down."""
    limits = {"wm1": Decimal("0.00015"), "wm2": Decimal("0.00015")}
    rate = KeyResult("O2.COMPLAINTS", "O2", "投诉率", UNITS["‰"], None,
                     direction=Direction.AT_MOST, baseline=Decimal("0.00021"),
                     member_targets=limits)  # fmt: skip
    assert rate.effective_target == Decimal("0.00015")
    assert rate.guardrail is False
    count = KeyResult("O1.KR1", "O1", "新增", UNITS["户"], None,
                      member_targets={"wm1": Decimal(160), "wm2": Decimal(140)})  # fmt: skip
    assert count.effective_target == Decimal(300)
