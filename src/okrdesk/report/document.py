"""The weekly report as plain data: every figure any format shows.

Everything a format shows is here, already computed (``okrdesk.report.build``
makes it); formats only lay it out. Figures are in base units (元, plain
counts, fractions for rates), as in the JSON schema ``okrdesk.report/1``
(see docs/report.md).

Its classes are declared without ``__slots__`` (``slots=False``): a report makes a few
of each and a format reads them once, and attrs builds a slotted class twice over (the
class, then a copy with slots), which for these thirty classes cost every report's
start more than slots save it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

import attrs

from okrdesk.model import DEFAULT_ATTAINMENT_CAP
from okrdesk.records import shared_methods

if TYPE_CHECKING:
    from okrdesk.engine.attention import Alert

SCHEMA = "okrdesk.report/1"

UNWRITTEN = "okrdesk.unwritten"
"""A field's metadata key: the field is kept for a renderer, and no format writes it."""


@attrs.frozen(slots=False)
@shared_methods
class TrendPoint:
    date: dt.date
    value: float


@attrs.frozen(slots=False)
@shared_methods
class ReportCheckin:
    """The latest check-in behind a key result tracked by check-ins: its story."""

    date: dt.date
    value: float
    author: str
    """Who checked in; "" for check-ins stored before okrdesk kept authors."""
    confidence: float | None
    note: str
    of: str = ""
    """The name of the member below the report's subject the check-in is for (a
    branch's, in the firm's report); "" for the subject's own."""


@attrs.frozen(slots=False)
@shared_methods
class ReportNotCollected:
    """The latest collect asked for a key result's metric could not get it: its figures
    are from before it."""

    run: int
    day: str
    """The day the collect started, YYYY-MM-DD."""
    error: str
    unit: str | None = None
    """The unit below the report's plan's top whose plan ran the collect (a branch's, in
    its firm's report), by name; None for the plan's own."""


@attrs.frozen(slots=False)
@shared_methods
class ReportComparison:
    """One period-over-period figure of a key result's window (engine/windows.py)."""

    over: str
    """"last_year" (同比) or "previous" (环比)."""
    earlier: float | None
    """The window's figure over the earlier periods; None when there is none."""
    earlier_periods: tuple[str, ...]
    change: float | None
    """Relative (0.236 for +23.6%), or for a rate the difference in points (0.012 for
    +1.2 百分点); None with ``why``."""
    points: bool
    why: str | None = None
    """"no_data", "no_earlier", "earlier_zero", "earlier_negative" or "earlier_part" when
    there is no change."""
    difference: float | None = None
    from_baselines: int = 0
    """How many earlier periods came from the plan's [[baselines]]."""
    days: tuple[int, int] | None = None
    """For a flow, the days its figure adds up now and the days of the earlier one,
    where they differ (a week in progress, the plan's last week cut at its last day
    against a whole one): the comparison is not like for like, and says so."""
    unknown: int = 0
    """How many earlier periods no collect reached and no baseline gives (``earlier_part``:
    a store started in July compared with a whole year before it)."""


@attrs.frozen(slots=False)
@shared_methods
class ReportWindow:
    """A key result's figure over a to-date or trailing window, and its comparisons."""

    name: str
    """"ytd", "mtd", "last_4_weeks", ..."""
    value: float | None
    periods: tuple[str, ...]
    comparisons: tuple[ReportComparison, ...] = ()
    growth: float | None = None
    """For a growth target: the growth asked for (0.18), on the figure a year before."""
    growth_base: float | None = None
    """For a growth target: the whole window's figure a year before; None when unknown."""
    span: str | None = None
    """The span a to-date window covers (2026-Q1) when it is not the report day's own:
    on 1 April, with April's first week not yet counted, the quarter to date is Q1."""
    growth_unknown: int = 0
    """For a growth target: how many periods of the window a year before no collect
    reached and no baseline gives; then there is no target (``growth_base`` None)."""
    asked_by_report: bool = False
    """The window and comparisons are the report's (``report --window/--compare``), the
    target file asking for none: ``okrdesk collect`` reads no year before for them."""


@attrs.frozen(slots=False)
@shared_methods
class ReportStages:
    """A funnel's stages: how many entered, how many of them converted in the window."""

    entered_label: str
    converted_label: str
    """The names the funnel gives its stages; "" where it gives none."""
    entered: float | None
    converted: float | None


@attrs.frozen(slots=False)
@shared_methods
class ReportSlice:
    """One row of a breakdown: the figure for one value of the dimension."""

    value: str
    """As the plugin stores it (``female``)."""
    label: str
    """As the report writes it in its language (``女``): the plugin's word for it."""
    actual: float | None
    numerator: float | None
    denominator: float | None
    share: float | None
    """Its part of the whole (of the denominator, for a ratio), unrounded: printed by the
    percentage rule, each on its own; None when the whole is 0."""


@attrs.frozen(slots=False)
@shared_methods
class ReportBreakdown:
    dimension: str
    label: str
    """The dimension as the report writes it in its language (``性别``)."""
    rows: tuple[ReportSlice, ...]
    """The largest first; their actuals add up to the key result's (Σ/Σ for a ratio)."""


@attrs.frozen(slots=False)
@shared_methods
class ReportKeyResult:
    id: str
    title: str
    metric: str | None
    unit: str
    direction: str
    baseline: float
    target: float | None
    target_source: str
    actual: float | None
    numerator: float | None
    denominator: float | None
    attainment: float | None
    due: float
    expected: float
    status: str
    margin: float | None
    change: float | None
    """Since the same day one period (the plan's grain) earlier; None when there is no
    figure now or none then, or no figures since (``no_new_figures``)."""
    new: bool
    """There is a figure now and there was none a period earlier: shown as new."""
    forecast: float | None
    forecast_reach: dt.date | None
    forecast_note: str
    weight: float
    trend: tuple[TrendPoint, ...]
    milestones: tuple[TrendPoint, ...]
    """The due curve's corners: (date, value expected by then)."""
    guardrail: bool = False
    """A limit held all along: met or breached, nothing pro-rated."""
    band: float | None = None
    """For a ``within`` key result: how far from its target either way it may be, in
    base units (the target column reads ±1百分点); None for the others."""
    closed: dt.date | None = None
    """A checkpoint past its date: every figure is as it stood then."""
    closed_through: dt.date | None = None
    """For a checkpoint whose period holding its date is stored with later days: the
    day the figures it was judged on run through (the day before that period)."""
    counted_through: dt.date | None = None
    """For a key result on a metric whose figures go on changing after their periods
    end (a cohort followed to the day collected), read after the day its figures run
    through (a past day's report, a checkpoint after its day): the last day whose
    changes its figure counts, for the store keeps none as it stood then."""
    settles_on: dt.date | None = None
    """For a checkpoint past its date on a cohort metric still converting (status
    "settling"): the day its figures settle, from which it is judged met or missed."""
    settles_after_days: int | None = None
    """With ``settles_on``: its metric's ``settles_after_days``."""
    phase: str | None = None
    """The phase a checkpoint belongs to: the one that ends on its date."""
    over_phase: str | None = None
    """For a rate's checkpoint of a phase: the phase whose own figure it is, read from
    the phase's first period (Q2's conversion, not the year's to 30 June)."""
    over_phase_from: dt.date | None = None
    """With ``over_phase``: the first day of the phase's first period (2026-03-30 for
    a weekly plan's Q2: 2026-W14 is April's by its Thursday)."""
    over_phase_period: str | None = None
    """With ``over_phase``: the id of that first period (2026-W14), which a reader
    knows, where its first day before the phase's start alone would puzzle."""
    phase_to_come: str | None = None
    """For such a checkpoint whose phase holds no figure yet: that phase; the figure is
    the plan's to date until it does."""
    checkin_not_due: bool = False
    """For a key result tracked by check-ins with none yet: its first check-in is not due
    by the date (a quarterly one in January), so the score leaves it out, not at 0."""
    no_rows_kind: str | None = None
    """For a key result on a stock or a ratio with no figure yet: that kind; the score
    leaves it out, not at 0 (``engine.scoring.no_rows_count_0``)."""
    members_met: int | None = None
    members_on_pace: int | None = None
    members_total: int | None = None
    """For a key result shared out to members: how many of them met their own target,
    how many are on pace for it, of how many."""
    members_behind: int | None = None
    """Of those, how many are off track: the count its alert gives (14 个分解目标落后),
    so that the row and the alert read as one."""
    members_settling: int | None = None
    """Of those, how many shares of a checkpoint are settling (``Status.SETTLING``):
    neither met nor missed yet, so not among ``members_met``."""
    split_credit: bool = False
    """Its metric's counts may be shared between people (``MetricSpec.split_credit``), so
    its figures are written with the decimals they need (82.5人), not as whole counts."""
    unshared: float | None = None
    """For such a key result on an amount or a level: the part of the actual no member
    with a share of the target brings (in base units); None when there is none."""
    unshared_people: tuple[str, ...] = ()
    """The names of the people below with a figure in that part."""
    latest_checkin: ReportCheckin | None = None
    """For a key result tracked by check-ins: the latest one on or before the date."""
    window: ReportWindow | None = None
    """For a key result with ``window``, ``compare`` or ``growth``: see ReportWindow."""
    stages: ReportStages | None = None
    """For a key result on a funnel metric: its two stages."""
    where: dict[str, str] = attrs.field(factory=dict)
    """The slice of the metric the key result targets (dimension → value); {} for all of it."""
    breakdown: ReportBreakdown | None = None
    """The figure split by one dimension, when the target file or ``--breakdown`` asks."""
    not_collected: ReportNotCollected | None = None
    """When the latest collect asked for the key result's metric could not get it."""
    no_new_figures: bool = False
    """Its metric's figures end on or before ``Report.change_from``: nothing is known of
    the period ``change`` is about, which is therefore None, not 0."""
    old_figure: dt.date | None = None
    """For a figure out of date (the stale alert's rule): the day it speaks for, whose
    due ``due`` and ``expected`` are, and on which ``status`` judges it."""
    due_on: dt.date | None = None
    """The day ``due`` and ``expected`` are taken on, the day the figure speaks for, where
    it is not the report's (a check-in of an earlier day, current or not)."""
    forecast_to: dt.date | None = None
    """The day ``forecast`` is for where it is not the plan's last day: an open checkpoint
    (a milestone of 1.0 at Q2) is forecast to the day it closes, a growth target on a
    window shorter than the year (``qtd``) to its window's end."""


@attrs.frozen(slots=False)
@shared_methods
class ReportUnmeasured:
    """A key result on a metric no loaded plugin provides: it has no figure, and its
    objective's score leaves it out."""

    id: str
    title: str
    unit: str
    metric: str
    declared_by: tuple[str, ...] = ()
    """The plugins that all declare ``metric``, so that none's is used; empty where none
    declares it."""


@attrs.frozen(slots=False)
@shared_methods
class ReportObjective:
    id: str
    title: str
    owner: str
    weight: float
    score: float | None
    key_results: tuple[ReportKeyResult, ...]
    unmeasured: tuple[ReportUnmeasured, ...] = ()
    """Its key results no figure can be given for, which ``score`` leaves out."""
    capped: tuple[str, ...] = ()
    """The ids of its key results attained beyond the plan's ``attainment_cap``, which
    ``score`` counts at the cap."""
    pooled: tuple[str, ...] = ()
    """The ids of its key results on rates measured at a unit: each the sum of its
    people's numerators over the sum of their denominators, never the mean of their
    rates, which a head office adding up its branches' rates would otherwise expect."""


@attrs.frozen(slots=False)
@shared_methods
class ReportMember:
    rank: int | None
    """Among members of the same kind: units are ranked among units, people among people;
    None for a member with no score (no targets, or none with figures yet), which is not
    ranked."""
    id: str
    name: str
    kind: str
    score: float | None
    off_track: int
    """Its key results off track, missed or breached; for a unit, with the shares of
    them its members hold that are (``shares_off_track``)."""
    key_results: int
    unmeasured: tuple[str, ...] = ()
    """The metrics no loaded plugin provides that its other key results need: why a
    member with targets, none measured now, has no score."""
    shares_off_track: int = 0
    """Of ``off_track``, the shares members below a unit hold of the key results owned in
    it: what the alerts count as its 分解目标 that need attention."""
    capped: tuple[str, ...] = ()
    """The key results its score counts at the plan's ``attainment_cap`` rather than at
    the attainment they reached: its score would read higher without the cap."""
    phases_to_come: tuple[str, ...] = ()
    """The phases of its key results left out of its score until their phase has a
    figure (a rate's checkpoint of Q2 in March): why one with no other has no score."""
    without_data: tuple[str, ...] = ()
    """Its key results with no figure yet: beside ``phases_to_come``, each its own reason
    why it has no score."""


@attrs.frozen(slots=False)
@shared_methods
class ScorePoint:
    """One complete period's score."""

    period: str
    score: float
    raw: float


@attrs.frozen(slots=False)
@shared_methods
class ReportScore:
    person: str
    name: str
    policy: str
    period: str | None
    """The last complete period; None before the first one ends."""
    score: float | None
    raw: float | None
    current_period: str | None = None
    """The period holding the report's date, scored to date; None when the date ends it."""
    current_score: float | None = None
    current_raw: float | None = None
    elapsed: float | None = None
    """The share of the current period's days gone: its flow standards are pro-rated by it."""
    history: tuple[ScorePoint, ...] = ()
    """Every complete period of the plan so far, oldest first; the last is ``period``."""

    @property
    def trend(self) -> str:
        """ "up", "down" or "flat" from the period before the last complete one to it;
        "" with fewer than two."""
        if len(self.history) < 2:
            return ""
        before, last = self.history[-2].score, self.history[-1].score
        return "up" if last > before + 1e-9 else ("down" if last < before - 1e-9 else "flat")


@attrs.frozen(slots=False)
@shared_methods
class ReportBreaker:
    tripped: bool
    reason: str
    message: str
    spend_progress: float
    allowed: float | None
    threshold: float


@attrs.frozen(slots=False)
@shared_methods
class ReportOverride:
    date: dt.date
    amount: float
    reason: str
    signed_by: tuple[str, ...]


@attrs.frozen(slots=False)
@shared_methods
class ReportCost:
    """What one result of a volume key result cost: 元 per one ``per``."""

    key_result: str
    cost: float
    per: str
    """The key result's unit as its target is written (户, 亿元)."""
    text: str
    """The cost written for the report's language: ``1.2万/户``."""


@attrs.frozen(slots=False)
@shared_methods
class ReportLine:
    id: str
    name: str
    owner: str
    amount: float
    spent: float
    left: float
    planned: float | None
    roi: float | None
    attributed_revenue: float | None
    cost_per_result: tuple[ReportCost, ...]
    breaker: ReportBreaker
    market_activity: bool
    signed_by: tuple[str, ...]
    overrides: tuple[ReportOverride, ...]


@attrs.frozen(slots=False)
@shared_methods
class ReportReserve:
    """The part of the declared total in no line (预留): its own row, so the rows add up."""

    amount: float
    spent: float
    left: float


@attrs.frozen(slots=False)
@shared_methods
class ReportBudgetTotal:
    amount: float
    """The sum of the rows above it: the lines and the reserve."""
    declared: float | None
    spent: float
    left: float
    attributed_revenue: float | None
    roi: float | None
    expected_revenue: float | None
    expected_roi: float | None
    expense_ratio: float | None
    expense_ratio_max: float | None


@attrs.frozen(slots=False)
@shared_methods
class ReportBudget:
    lines: tuple[ReportLine, ...]
    reserve: ReportReserve | None
    """Only in the top unit's report, and only when the lines leave some of the total."""
    total: ReportBudgetTotal


@attrs.frozen(slots=False)
@shared_methods
class ReportAlert:
    level: str
    kind: str
    message: str
    title: str = ""
    """The key result's title or budget line's name in ``message``, "" for none."""
    subject: str = ""
    """The id it is about: a key result, metric, budget line, plugin, or the member of
    the unit a line that gathers several is for (``Alert.subject``)."""
    subjects: tuple[str, ...] = ()
    """The ids of everything it counts, named in ``message`` or not (``Alert.subjects``)."""
    hint: str = ""
    """For a terminal's reader, the command that lists what it counts, to follow
    ``message`` (``；--unit wm1 逐个列出``); "" for none (``Alert.hint``)."""
    short_message: str = attrs.field(default="", eq=False, repr=False, metadata={UNWRITTEN: True})
    """``message`` with its figures in the English text report's short forms (¥369k where
    ``message`` reads CNY 369k: ``units.short_english_figures``), for the text report
    alone; "" where they read the same, or the report is not in English."""

    @classmethod
    def of(cls, alert: Alert, lang: str, *, short: bool = False) -> ReportAlert:
        """``alert`` as the report (and ``check --format json``) writes it in ``lang``;
        ``short``: with its ``short_message`` too, where the text report writes one."""
        message = alert.text(lang, hint=False)
        short_message = ""
        if short and lang == "en":
            from okrdesk.units import short_english_figures

            with short_english_figures():
                short_message = alert.text(lang, hint=False)
        return cls(alert.level.value, alert.kind, message, alert.title, alert.subject,
                   alert.subjects, alert.hint(lang),
                   "" if short_message == message else short_message)  # fmt: skip

    def said(self) -> str:
        """The message as the text report writes it: in English, with its figures in the
        short forms the rows are written in (``short_message``)."""
        return self.short_message or self.message


def alert_fields(alert: ReportAlert) -> dict[str, object]:
    """``alert`` as other programs read it (``check --format json``): its words, not the
    alert they were worded from."""
    return attrs.asdict(alert, filter=lambda field, _: not field.metadata.get(UNWRITTEN))


@attrs.frozen(slots=False)
@shared_methods
class ReportPhase:
    id: str
    name: str
    start: dt.date
    end: dt.date
    days_left: int


@attrs.frozen(slots=False)
@shared_methods
class ReportOwed:
    """A check-in owed on the report's date (``okrdesk.engine.cadence.Owed``)."""

    key_result: str
    title: str
    subject: str
    person: str | None
    """Who owes it: the person, or the unit's lead; None when the unit has no lead."""
    name: str
    cadence: str
    since: dt.date
    last: dt.date | None
    periods: int
    due: dt.date
    """The last day of the period holding the report's date."""
    subject_name: str = ""
    """The name of the unit it is owed for, where that is a member of the report's unit
    (a branch's share, owed by its lead in the firm's report); "" for the report's own
    unit and for a person's own."""

    @property
    def late(self) -> bool:
        """A whole period of the cadence went by with no check-in."""
        return self.periods >= 2


@attrs.frozen(slots=False)
@shared_methods
class Named:
    id: str
    name: str


@attrs.frozen(slots=False)
@shared_methods
class ReportUnit:
    id: str
    name: str
    level: str
    role: str = ""
    """A person's ``level`` (their role) in the report's words (客户经理 for ``cm``); ""
    for a unit."""


@attrs.frozen(slots=False)
@shared_methods
class Report:
    schema: str
    generated_by: str
    lang: str
    plan: Named
    unit: ReportUnit
    as_of: dt.date
    week: str
    grain: str
    """The plan's grain, ``week``, ``month`` or ``quarter``: what ``change`` spans."""
    phase: ReportPhase | None
    score: float | None
    objectives: tuple[ReportObjective, ...]
    members: tuple[ReportMember, ...]
    scores: tuple[ReportScore, ...]
    budget: ReportBudget
    alerts: tuple[ReportAlert, ...]
    previous_score: float | None = None
    """The unit's score at ``change_from``; None before the plan had run a period."""
    began_counting: tuple[str, ...] = ()
    """The key results ``score`` counts that ``previous_score`` did not (a rate's checkpoint
    whose phase has its first figure, a first figure collected): part of the change
    between the two is theirs, not the others' moving."""
    owed: tuple[ReportOwed, ...] = ()
    """Check-ins owed inside the unit on the date, the longest owed first."""
    figures_through: dt.date | None = None
    """The day stored figures count through, when it is before ``as_of``: the period
    holding ``as_of`` is stored with figures of later days, and counts not at all."""
    cut_period: str | None = None
    """That period's id (``2026-W27``), when ``figures_through`` is given."""
    scores_cut: str | None = None
    """The scoring period not scored to date though it would be (``2026-11``): it is
    stored with figures of days after ``as_of``."""
    plan_ended: bool = False
    """The day asked for is after the plan's last day: the report is as of that last day,
    and says the plan is over rather than that the day is its phase's last."""
    change_from: dt.date | None = None
    """The day ``previous_score`` and every ``change`` are measured from: the end of the
    period before the one the figures run into; None before the plan had run one."""
    attainment_cap: float = DEFAULT_ATTAINMENT_CAP
    """The most of its target a key result counts for in an objective's score (1.2)."""
    depth: int | None = None
    """The ``--depth`` the ranking was cut to, where it left members out; else None."""
    left_out_by_depth: int = 0
    """How many members ``depth`` left out of the ranking (all of them at 0)."""


def off_track(result: ReportKeyResult) -> bool:
    return result.status in ("off_track", "missed", "breached")


def all_results(report: Report) -> Sequence[ReportKeyResult]:
    return [kr for o in report.objectives for kr in o.key_results]
