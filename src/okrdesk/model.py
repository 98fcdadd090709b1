"""The plan as values: org tree, phases, objectives, key results, budgets, metrics,
and the records okrdesk keeps (observations, check-ins, spend entries, runs).

Everything here is immutable and checks its own invariants on construction;
nothing here reads a file or a database. Figures are Decimals in base units
(see ``okrdesk.units``): money in 元, rates as fractions.

A plan holds a few of some classes (its phases, budget, scoring policies, metrics'
labels) and thousands of others (people, key results, observations). The few are
declared without ``__slots__`` (``slots=False``): attrs adds slots by building a class a
second time, which every command would pay for on start to save nothing.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from enum import StrEnum
from functools import cached_property
from types import MappingProxyType
from typing import Any, NamedTuple, TypeVar

import attrs

from okrdesk.errors import Said
from okrdesk.periods import Grain, parse_period
from okrdesk.records import shared_methods
from okrdesk.units import (
    ADDITIVE,
    MOST_MONEY,
    UNITS,
    Dimension,
    UnitOfMeasure,
    close_units,
    did_you_mean_unit,
    most_in_one_figure,
    you_meant_units,
)

DEFAULT_ATTAINMENT_CAP = 1.2
"""A key result counts for at most 120% of its target in a score, unless the plan says."""


class Direction(StrEnum):
    AT_LEAST = "at_least"
    AT_MOST = "at_most"
    WITHIN = "within"


_SENSE = {Direction.AT_LEAST: 1, Direction.AT_MOST: -1, Direction.WITHIN: 0}
"""``KeyResult.sense`` of each direction."""


def sense_of(direction: str) -> int:
    """+1 where higher is better, −1 where lower is, 0 for a band: of a direction as a
    key result or a report's row writes it (``"at_most"``)."""
    return _SENSE[Direction(direction)]


class Scope(StrEnum):
    OWNER = "owner"
    """The key result is the owner's alone."""
    MEMBERS = "members"
    """Each member below the owner carries a share with a target of their own."""


class MetricKind(StrEnum):
    STOCK = "stock"
    FLOW = "flow"
    RATIO = "ratio"


class OverTime(StrEnum):
    """How one stored quantity is carried across periods."""

    SUM = "sum"
    LAST = "last"
    FIRST = "first"


def _frozen_mapping(value: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(value))


def _names(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


class InvalidValue(ValueError):
    """A value okrdesk refuses as it is made, said in English and in Chinese (``said``):
    a plugin's error shows it in the command's language (``plugins.failures``), a target
    file's problem at its line (``targets.schema``). ``str()`` is the English."""

    def __init__(self, en: str, zh: str) -> None:
        super().__init__(en)
        self.said = Said(en, zh)

    def __reduce__(self) -> tuple[type[InvalidValue], tuple[str, str]]:
        # Both languages across a process boundary: pickle would give __init__ one.
        return type(self), tuple(self.said)  # type: ignore[return-value]


class MetricSpecError(InvalidValue):
    """A metric a plugin declared that okrdesk refuses (its ``MetricSpec``, or the
    ``DimensionLabels`` it holds), which the plugin's error shows in the command's
    language."""


def _positive(instance: object, attribute: attrs.Attribute[Any], value: Decimal) -> None:
    if not value > 0:
        raise InvalidValue(f"{attribute.name} must be greater than 0, not {value}",
                           f"{attribute.name} 必须大于 0，现为 {value}")  # fmt: skip


def _fraction(instance: object, attribute: attrs.Attribute[Any], value: Decimal) -> None:
    if not 0 <= value <= 1:
        raise InvalidValue(f"{attribute.name} must be between 0 and 1, not {value}",
                           f"{attribute.name} 必须在 0 到 1 之间，现为 {value}")  # fmt: skip


# ---------------------------------------------------------------- organisation


@attrs.frozen
@shared_methods
class OrgUnit:
    id: str
    name: str
    level: str
    parent: str | None = None
    lead: str | None = None


def person_key(name: str) -> str:
    """The form two written names are compared in: ``王芳`` and ``王芳`` followed by a
    zero-width space are one person, ``Alice`` and full-width ``Ａｌｉｃｅ`` too.

    Unicode NFKC, then invisible (format) and control characters dropped,
    whitespace collapsed, case folded. A name of invisible characters only
    becomes "", which is no name.
    """
    composed = unicodedata.normalize("NFKC", name)
    visible = "".join(
        " " if ch.isspace() else ch
        for ch in composed
        if ch.isspace() or unicodedata.category(ch) not in ("Cf", "Cc", "Cs", "Co", "Cn")
    )
    return " ".join(visible.split()).casefold()


def says_nothing(text: str) -> bool:
    """Whether ``text`` (a reason, an author) is blank to a reader: empty, whitespace, or
    invisible characters only (a zero-width space, a control character). A reason kept
    in the ledger must say something."""
    return not person_key(text)


@attrs.frozen
@shared_methods
class Person:
    id: str
    name: str
    unit: str
    role: str = "cm"


# ---------------------------------------------------------------------- phases


@attrs.frozen(slots=False)
@shared_methods
class Phase:
    id: str
    name: str
    start: dt.date
    end: dt.date

    def __attrs_post_init__(self) -> None:
        if self.end < self.start:
            raise InvalidValue(f"phase {self.id} ends before it starts",
                               f"阶段 {self.id} 的结束日期早于开始日期")  # fmt: skip

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= day <= self.end


# ------------------------------------------------------- objectives and results


@attrs.frozen
@shared_methods
class Milestone:
    phase: str
    fraction: Decimal = attrs.field(validator=_fraction)
    """Cumulative share of the way from baseline to target due by the phase's end."""


@attrs.frozen(slots=False)
@shared_methods
class CalendarPoint:
    period: str
    end: dt.date
    fraction: Decimal = attrs.field(validator=_fraction)


@attrs.frozen
@shared_methods
class KeyResult:
    id: str
    """Full id, ``<objective>.<key>``, as reports and the CLI show it."""
    objective: str
    title: str
    unit: UnitOfMeasure
    target: Decimal | None
    """In base units; None when the target is the sum of the members' targets."""
    metric: str | None = None
    """The metric that measures it; None for a key result tracked by check-ins."""
    direction: Direction = Direction.AT_LEAST
    baseline: Decimal = Decimal(0)
    band: Decimal | None = None
    """For ``within``: the half-width of the band around the target, in base units."""
    weight: Decimal = attrs.field(default=Decimal(1), validator=_positive)
    milestones: tuple[Milestone, ...] = ()
    scope: Scope = Scope.OWNER
    member_targets: Mapping[str, Decimal] = attrs.field(factory=dict, converter=_frozen_mapping)
    member_baselines: Mapping[str, Decimal] = attrs.field(factory=dict, converter=_frozen_mapping)
    """Where members with a target start from, where the plan says (``member_baselines``);
    the others' is ``engine.tree_targets.baseline_at``'s."""
    calendar: tuple[CalendarPoint, ...] = ()
    """Finer milestones: the cumulative fraction due by the end of given periods."""
    level: bool = False
    """Checked in as an amount or a count that is a level, not a running total (人均管理
    客户资产 5.5亿, 家族信托单均规模 3,500万): its members' figures and targets do not add up
    to its owner's, and past its target before its close it is ahead, not met, as a rate
    is (``adds_up``). The unit alone cannot tell: the target file says ``level = true``.
    Before ``guardrail``, whose default reads the target its members' targets add up to."""
    guardrail: bool = attrs.field(
        default=attrs.Factory(lambda kr: kr.guardrail_by_default, takes_self=True)
    )
    """A limit to hold all along (met or breached), not a distance to cover."""
    cadence: Grain = Grain.WEEK
    """How often a key result without a metric is owed a check-in: once a calendar
    week, month or quarter (the objective's ``cadence``, else weekly)."""
    # Windows and period-over-period (engine/windows.py).
    window: str | None = None
    """A to-date or trailing window (``ytd``, ``last_4_weeks``) the report shows the
    figure over, with ``compare``; the window a growth target is set on."""
    compare: tuple[str, ...] = ()
    """Period-over-period figures the report shows: ``last_year`` (同比), ``previous`` (环比)."""
    growth: Decimal | None = None
    """A growth target (0.18 for +18% 同比): the window's figure a year before × 1.18."""
    where: Mapping[str, str] = attrs.field(factory=dict, converter=_frozen_mapping)
    """A slice of the metric: dimension → value (``{"gender": "female"}``); empty for
    the whole figure."""
    breakdown: str | None = None
    """A dimension of the metric the report breaks the figure down by."""

    def __attrs_post_init__(self) -> None:
        # Milestone order is checked against the plan's phases, which only the plan knows.
        if self.direction is Direction.WITHIN and self.band is None:
            raise InvalidValue(f"key result {self.id}: a 'within' key result needs a band",
                               f"关键结果 {self.id}：'within' 关键结果需要 band")  # fmt: skip
        if self.target is None and not self.member_targets and self.growth is None:
            raise InvalidValue(f"key result {self.id}: needs a target or members' targets",
                               f"关键结果 {self.id}：需要 target 或成员的目标值")  # fmt: skip

    @property
    def key(self) -> str:
        return self.id.rpartition(".")[2]

    @property
    def guardrail_by_default(self) -> bool:
        """ "within" always; "at most" unless a baseline above the target makes it a
        figure to bring down; "at least" never (say ``guardrail = true`` for a floor)."""
        if self.direction is Direction.WITHIN:
            return True
        if self.direction is Direction.AT_MOST:
            return not self.baseline > self.effective_target
        return False

    @property
    def adds_up(self) -> bool:
        """Whether its figures add up over people and stay reached as a running total: an
        amount or a count, unless it is a ``level``; a rate, a score, a multiple never."""
        return self.unit.dimension in ADDITIVE and not self.level

    @property
    def sense(self) -> int:
        """+1 when higher is better, −1 when lower is better, 0 for a band."""
        return sense_of(self.direction)

    @property
    def effective_target(self) -> Decimal:
        """The declared target, or, where none is declared, what the members' come to: an
        amount's or a count's sum; a rate's or a score's mean (each member's NPS of 62 is
        the team's 62, not 124), as ``engine.tree_targets`` reads it before denominators
        are known."""
        if self.target is not None:
            return self.target
        total = sum(self.member_targets.values(), Decimal(0))
        if self.adds_up or not self.member_targets:
            return total
        return total / len(self.member_targets)


@attrs.frozen
@shared_methods
class Objective:
    id: str
    title: str
    owner: str
    """A unit id or a person id."""
    weight: Decimal = attrs.field(default=Decimal(1), validator=_positive)
    key_results: tuple[KeyResult, ...] = ()
    cadence: Grain | None = None
    """The check-in cadence its key results take unless they set their own."""


# --------------------------------------------------------------------- budgets


@attrs.frozen(slots=False)
@shared_methods
class BudgetLine:
    id: str
    name: str
    owner: str
    amount: Decimal
    """In 元."""
    schedule: tuple[Milestone, ...] = ()
    """Cumulative share of the amount planned to be spent by each phase's end."""
    key_results: Mapping[str, Decimal] = attrs.field(factory=dict, converter=_frozen_mapping)
    """Linked key results and the share of the line's spend attributed to each."""
    revenue: tuple[str, ...] = ()
    """Linked key results that are money earned (its ROI), beyond those whose metric says so."""
    threshold: Decimal | None = None
    """How far spend may run ahead of results before the breaker trips; None: the plan's."""
    market_activity: bool = False
    dual_signoff: bool = False
    unit: UnitOfMeasure = attrs.field(factory=lambda: UNITS["万元"])
    """The money unit the line is written in: a bare number typed for it is in this unit."""

    def __attrs_post_init__(self) -> None:
        if self.amount < 0:
            raise InvalidValue(f"budget line {self.id}: amount must not be negative",
                               f"预算项 {self.id}：amount 不能为负")  # fmt: skip


@attrs.frozen(slots=False)
@shared_methods
class Budget:
    lines: tuple[BudgetLine, ...] = ()
    total: Decimal | None = None
    """The declared total, in 元; checked against the sum of the lines."""
    expected_revenue: Decimal | None = None
    threshold: Decimal = Decimal("0.10")
    revenue_metric: str | None = None
    """The metric that measures revenue, for each unit's expense ratio."""
    expense_ratio_max: Decimal | None = None
    """The highest acceptable spend / revenue, as a fraction (0.23 for 23%)."""
    signers: tuple[str, ...] = ()
    """People outside the plan's org who may sign off spending (finance, the branch head)."""

    @property
    def amount(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal(0))


# --------------------------------------------------------------------- scoring


@attrs.frozen(slots=False)
@shared_methods
class ScoreComponent:
    metric: str
    weight: Decimal = attrs.field(validator=_positive)
    standard: Decimal = attrs.field(validator=_positive)
    """What a full score needs in one scoring period, in base units."""


@attrs.frozen(slots=False)
@shared_methods
class ScoringPolicy:
    """How a person's score is computed each period: Σ weight × actual / standard."""

    id: str
    name: str
    components: tuple[ScoreComponent, ...]
    roles: tuple[str, ...] = ()
    people: tuple[str, ...] = ()
    grain: Grain = Grain.MONTH
    cap: Decimal | None = None
    floor: Decimal | None = None

    def __attrs_post_init__(self) -> None:
        if self.cap is not None and self.floor is not None and self.floor > self.cap:
            raise InvalidValue(f"scoring policy {self.id}: floor is above cap",
                               f"评分规则 {self.id}：floor 高于 cap")  # fmt: skip


# --------------------------------------------------------------------- metrics


def _words(found: Mapping[str, str]) -> dict[str, str]:
    return dict(found)


@attrs.frozen(slots=False)
@shared_methods
class DimensionLabels:
    """How a report writes a dimension and its values, declared by the plugin that
    emits them: ``DimensionLabels("性别", "gender", values_zh={"female": "女"})``.

    A value without a word in the report's language is written as the plugin stores
    it; a dimension without labels is written by its name."""

    zh: str
    en: str
    values_zh: Mapping[str, str] = attrs.field(factory=dict, converter=_words, hash=False)
    values_en: Mapping[str, str] = attrs.field(factory=dict, converter=_words, hash=False)

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.zh, str) or not isinstance(self.en, str):
            raise MetricSpecError(f"DimensionLabels: the dimension's words must be text, "
                                  f"not {self.zh!r} and {self.en!r}",
                                  f"DimensionLabels：维度的名称应为文本，现为 {self.zh!r} 和 "
                                  f"{self.en!r}")  # fmt: skip
        for words in (self.values_zh, self.values_en):
            for value, word in words.items():
                if not isinstance(value, str) or not isinstance(word, str):
                    raise MetricSpecError(
                        f"DimensionLabels {self.en}: each value and its word must be text, "
                        f"not {value!r}: {word!r}",
                        f"DimensionLabels {self.en}：每个值及其名称都应为文本，现为 "
                        f"{value!r}: {word!r}",
                    )

    def name_in(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    def value_in(self, value: str, lang: str) -> str:
        return (self.values_zh if lang == "zh" else self.values_en).get(value, value)


def _labels(found: Mapping[str, DimensionLabels]) -> dict[str, DimensionLabels]:
    return dict(found)


# A plugin may write an enum or a unit by its text ("flow", "万元"): each is read as
# the value it names. Text that names none is kept, for __attrs_post_init__ to refuse
# with the metric's name.


def _as_kind(value: MetricKind | str) -> MetricKind:
    return _member(MetricKind, value)


def _as_direction(value: Direction | str) -> Direction:
    return _member(Direction, value)


def _as_over_time(value: OverTime | str) -> OverTime:
    return _member(OverTime, value)


_Enum = TypeVar("_Enum", bound=StrEnum)


def _member(enum: type[_Enum], value: _Enum | str) -> _Enum:
    try:
        return enum(value)
    except ValueError:
        return value  # type: ignore[return-value]


def _as_unit(value: UnitOfMeasure | str) -> UnitOfMeasure:
    if isinstance(value, str):
        return UNITS.get(value, value)  # type: ignore[arg-type]
    return value


def _as_part_unit(value: UnitOfMeasure | str | None) -> UnitOfMeasure | None:
    return None if value is None else _as_unit(value)


def _stage_pair(value: object) -> object:
    if isinstance(value, str) or not isinstance(value, Iterable):
        return value
    return tuple(value)


def _is_pair(value: object) -> bool:
    return (isinstance(value, tuple) and len(value) == 2
            and all(isinstance(name, str) for name in value))  # fmt: skip


@attrs.frozen(slots=False)
@shared_methods
class FunnelStages:
    """The names of a funnel's two stages, entered and converted, in each language, as
    ``DimensionLabels`` pairs a dimension's: ``FunnelStages(("参会", "签约"), ("attended",
    "signed"))``. ``en`` None (a plain pair given as ``stages``, as before): the same
    names in both. A name "" in one language is written as the other's, and "" in both
    by the report's word for the stage.

    Names that are not two texts are refused by the ``MetricSpec`` they are given to,
    which names its metric (``metric signed: FunnelStages: en must be two names …``):
    a plugin declaring twenty funnels learns which one is wrong (``problem``)."""

    zh: tuple[str, str] = attrs.field(converter=_stage_pair)
    en: tuple[str, str] | None = attrs.field(default=None, converter=_stage_pair)

    def problem(self, metric: str) -> MetricSpecError | None:
        """The error of names that are not two texts, naming ``metric``, the metric they
        are the stages of; None when they are sound."""
        for key in ("zh", "en"):
            names = getattr(self, key)
            if not (_is_pair(names) or (key == "en" and names is None)):
                return MetricSpecError(f"metric {metric}: FunnelStages: {key} must be two "
                                       f"names, entered and converted, not {names!r}",
                                       f"指标 {metric}：FunnelStages：{key} 应为两个名称（进入的"
                                       f"阶段和转化的阶段），现为 {names!r}")  # fmt: skip
        return None

    def names(self, lang: str) -> tuple[str, str]:
        """The stages' names in ``lang``, each "" where neither language names it."""
        own, other = (self.zh, self.en or self.zh) if lang == "zh" else (self.en or self.zh,
                                                                          self.zh)  # fmt: skip
        return own[0] or other[0], own[1] or other[1]

    def __iter__(self) -> Iterator[str]:
        """The names as given first (``zh``): ``entered, converted = spec.stages``."""
        return iter(self.zh)


def _as_stages(value: FunnelStages | Iterable[str] | None) -> FunnelStages | None:
    """A plain pair of names, as plugins gave before ``FunnelStages``: the same in both
    languages. Anything else is kept as it is, for ``MetricSpec`` to refuse by name."""
    if value is None or isinstance(value, FunnelStages):
        return value
    pair = _stage_pair(value)
    return FunnelStages(pair) if _is_pair(pair) else pair  # type: ignore[return-value]


MONEY_DECIMALS = 2
"""Money is stored to the fen (分), the smallest amount a branch books or writes: a
figure's fractions of a fen are what binary arithmetic left, not money."""
PART_DECIMALS = 6
"""A ratio's part declared no amount or count (an NPS's net promoters × 100, a
client shared half and half) is stored to a millionth: counts of people weighted by
shares need no more, and a millionth moves no rate a report writes (to 0.01‰) by a digit
for any denominator of one or more."""


def _part_decimals(unit: UnitOfMeasure | None) -> int | None:
    if unit is not None and unit.dimension is Dimension.COUNT:
        return None  # whole, or refused
    return (
        MONEY_DECIMALS if unit is not None and unit.dimension is Dimension.MONEY else PART_DECIMALS
    )


_CARRIES = {
    "stock": ("over time it takes its level at the period's end", "跨周期取周期末的水平"),
    "flow": ("over time it adds up", "跨周期相加"),
}

_ADDS_UP = {
    "stock": ("across people and units", "按人员和单位相加"),
    "flow": ("across people, units and periods", "按人员、单位和周期相加"),
}


@attrs.frozen
@shared_methods
class MetricSpec:
    """A metric a plugin can collect. Values are reported in the base unit of ``unit``."""

    name: str
    label_en: str
    label_zh: str
    kind: MetricKind = attrs.field(converter=_as_kind)
    unit: UnitOfMeasure = attrs.field(converter=_as_unit)
    direction: Direction = attrs.field(default=Direction.AT_LEAST, converter=_as_direction)
    description: str = ""
    numerator_over_time: OverTime = attrs.field(default=OverTime.SUM, converter=_as_over_time)
    denominator_over_time: OverTime = attrs.field(default=OverTime.SUM, converter=_as_over_time)
    revenue: bool = False
    """Money earned (commission, trailing fees, interest), as opposed to volume
    (assets, sales): only revenue counts in a budget line's ROI."""
    formula: str | None = None
    """A derived metric: computed from other metrics at every level of the tree after
    they are rolled up (``aum / headcount_cm``), never collected; see okrdesk.formula."""
    stages: FunnelStages | None = attrs.field(default=None, converter=_as_stages)
    """A funnel (a ratio of converted over entered): the names of its two stages, ""
    where unnamed, a plain pair (the same in both languages) or a ``FunnelStages`` with
    English names too; the report shows entered → converted in its language
    (plugins/sql_funnels.py)."""
    dimensions: tuple[str, ...] = attrs.field(default=(), converter=_names)
    """What its figures can be split by (``("product",)``): a dimensioned observation
    carries a value for each of them; see ``slice_of``."""

    dimension_labels: Mapping[str, DimensionLabels] = attrs.field(
        factory=dict, converter=_labels, hash=False
    )
    """The words for ``dimensions`` in a report (``{"gender": DimensionLabels(...)}``);
    a dimension left out is written by its name, its values as stored."""
    never_negative: bool = False
    """A figure below zero is refused, as a plugin's bug: a count of new clients, a
    commission. (A count held, a stock, never is negative anyway; a flow such as net new
    AUM or net new accounts may be.)"""
    settles_after_days: int | None = attrs.field(default=0)
    """How many days after a period ends its figure may still change by the metric's
    own definition: a cohort followed past its period (the accounts opened in it, counted
    funded by the day collected) goes on converting. A collect that restates a figure
    read before it had settled does not report it as a revision. 0, the default: a
    period's figure is final when the period ends. None: it never settles, and its
    restatements are never news."""
    numerator_unit: UnitOfMeasure | None = attrs.field(default=None, converter=_as_part_unit)
    denominator_unit: UnitOfMeasure | None = attrs.field(default=None, converter=_as_part_unit)
    """A ratio's parts as amounts a branch writes with their unit (``UNITS["元"]``: assets
    lost over assets at the start, written 2.63亿 / 51.6亿 in ``explain``, not 263,037,473 /
    5,160,000,000; ``UNITS["户"]``: 12户 / 120户). None, the default: a plain figure (an
    NPS's promoters − detractors × 100)."""
    split_credit: bool = False
    """A count whose credit may be shared: a client served by two customer managers
    counts half to each, so its figures may be fractional (82.5人), and are written with
    the digits they need. Only for a count (户, 人, 单…); any other count's figure must
    be whole, and one that is not is refused."""
    numerator_times: int = 1
    """How many times what it counts a ratio's numerator is stored, so that the ratio of
    the parts is the figure: an NPS keeps (promoters − detractors) × 100 over responses,
    its ratio the score. ``explain`` writes the numerator as what it counts times this
    (净推荐 2,363 × 100, not 236,300 against 3,905 responses); what is stored is as the
    plugin gives it. 1, the default: the numerator as it is."""

    @property
    def whole_counts(self) -> bool:
        """Whether each figure must be a whole number: a count (not a ratio) whose credit
        is never shared (``split_credit``)."""
        return (
            self.unit.dimension is Dimension.COUNT
            and self.kind is not MetricKind.RATIO
            and not self.split_credit
        )

    @property
    def whole_parts(self) -> tuple[bool, bool]:
        """Whether a ratio's numerator and denominator must each be a whole number: a part
        declared a count (``numerator_unit=UNITS["户"]``), which explain writes as one."""
        return (
            self.numerator_unit is not None and self.numerator_unit.dimension is Dimension.COUNT,
            self.denominator_unit is not None
            and self.denominator_unit.dimension is Dimension.COUNT,
        )

    @property
    def stored_decimals(self) -> tuple[int | None, int | None, int | None]:
        """The decimals a figure's value, numerator and denominator are stored to, so that
        what a plugin summed in binary floating point (0.1 + 0.2, 0.30000000000000004) is
        stored as it meant it: money to the fen (分, ``MONEY_DECIMALS``), a ratio's part
        that is no declared amount or count to ``PART_DECIMALS``; None where a figure is
        kept as given (a whole count, refused unless whole; a shared count's halves; a
        score or a multiple)."""
        if self.kind is not MetricKind.RATIO:
            return (MONEY_DECIMALS if self.unit.dimension is Dimension.MONEY else None), None, None
        return None, _part_decimals(self.numerator_unit), _part_decimals(self.denominator_unit)

    def most_in_one_figure(self, part: str = "value") -> float | None:
        """The bound on one figure's ``part`` (value, numerator or denominator;
        ``okrdesk.units.MOST_MONEY``): a value's by the metric's unit; a ratio's part
        that of a count, or of money where the part is declared an amount
        (``numerator_unit``), for assets lost over a firm's assets exceed any count."""
        if part == "value":
            return most_in_one_figure(self.unit.dimension)
        unit = self.numerator_unit if part == "numerator" else self.denominator_unit
        money = unit is not None and unit.dimension is Dimension.MONEY
        return most_in_one_figure(Dimension.MONEY if money else Dimension.COUNT)

    @property
    def never_below_zero(self) -> bool:
        """Whether a figure below zero is refused: ``never_negative``, or a stock count."""
        return self.never_negative or (
            self.unit.dimension is Dimension.COUNT and self.kind is MetricKind.STOCK
        )

    @property
    def adds_up_over_time(self) -> bool:
        """Whether a period in which nothing happened has no row and changes no figure: a
        flow (no client crossed the HNW line), or a ratio both of whose parts add up over
        time (no account opened, so no conversion to count). Its figures reach as far as
        the collect that stored them read its sources, not only to its last row."""
        if self.kind is MetricKind.FLOW:
            return True
        return self.kind is MetricKind.RATIO and (
            self.numerator_over_time is OverTime.SUM and self.denominator_over_time is OverTime.SUM
        )

    @property
    def dimension(self) -> Dimension:
        return self.unit.dimension

    def dimension_name(self, dimension: str, lang: str) -> str:
        found = self.dimension_labels.get(dimension)
        return dimension if found is None else found.name_in(lang)

    def dimension_value(self, dimension: str, value: str, lang: str) -> str:
        found = self.dimension_labels.get(dimension)
        return value if found is None else found.value_in(value, lang)

    def settled(self, period_end: dt.date, read_through: dt.date) -> bool:
        """Whether the figure of a period ending on ``period_end``, as read by a collect
        through ``read_through``, was final then, so that a later collect restating it
        tells the report's reader something: not while the cohort was still converting,
        ``settles_after_days`` after the end."""
        days = self.settles_after_days
        return days is not None and (days == 0 or (read_through - period_end).days >= days)

    def __attrs_post_init__(self) -> None:
        # What a plugin could get wrong that would otherwise stop a report far from here.
        name = self.name
        if not isinstance(name, str) or not name or not name.isprintable() or " " in name:
            raise MetricSpecError(f"a metric's name must be one word (snake_case), not {name!r}",
                                  f"指标的名称应为一个词（snake_case），现为 {name!r}")  # fmt: skip
        for key in ("label_en", "label_zh", "description"):
            if not isinstance(getattr(self, key), str):
                given = type(getattr(self, key)).__name__
                raise MetricSpecError(
                    f"metric {name}: {key} must be text, not {given}",
                    f"指标 {name}：{key} 应为文本，现为 {given}",
                )
        for key, enum in (("kind", MetricKind), ("direction", Direction),
                          ("numerator_over_time", OverTime),
                          ("denominator_over_time", OverTime)):  # fmt: skip
            if not isinstance(getattr(self, key), enum):
                choices = [f"{enum.__name__}.{m.name}" for m in enum]
                given = repr(getattr(self, key))
                raise MetricSpecError(
                    f"metric {name}: {key} must be one of {', '.join(choices)}, not {given}",
                    f"指标 {name}：{key} 应为 {'、'.join(choices)} 之一，现为 {given}",
                )
        written: object = self.unit
        if not isinstance(written, UnitOfMeasure):
            mean, mean_zh = (
                did_you_mean_unit(written, list(UNITS)) if isinstance(written, str) else ("", "")
            )
            raise MetricSpecError(
                f"metric {name}: unit {written!r} is not a unit okrdesk knows{mean}; "
                'write one of okrdesk.units.UNITS, as UNITS["元"]',
                f"指标 {name}：单位 {written!r} 不是 okrdesk 认识的计量单位{mean_zh}；"
                '请写 okrdesk.units.UNITS 中的一个，如 UNITS["元"]',
            )
        self._check_part_units()
        times = self.numerator_times
        if isinstance(times, bool) or not isinstance(times, int) or times < 1:
            raise MetricSpecError(
                f"metric {name}: numerator_times must be a whole number from 1, not {times!r}",
                f"指标 {name}：numerator_times 应为从 1 起的整数，现为 {times!r}",
            )
        if times != 1 and self.kind is not MetricKind.RATIO:
            raise MetricSpecError(
                f"metric {name}: numerator_times is for a ratio's numerator; a "
                f"{self.kind.value} metric has none",
                f"指标 {name}：numerator_times 用于比率的分子；{self.kind.value} 指标没有分子",
            )
        for key in ("revenue", "never_negative", "split_credit"):
            if not isinstance(getattr(self, key), bool):
                given = repr(getattr(self, key))
                raise MetricSpecError(
                    f"metric {name}: {key} must be True or False, not {given}",
                    f"指标 {name}：{key} 应为 True 或 False，现为 {given}",
                )
        if self.unit.dimension is Dimension.FRACTION and self.kind is not MetricKind.RATIO:
            kind, unit = self.kind.value, self.unit.symbol
            raise MetricSpecError(
                f"metric {name}: a {kind} metric cannot be in {unit}: its figures add up "
                f"{_ADDS_UP[kind][0]}, and a sum of rates means nothing; declare it a ratio "
                "(kind=MetricKind.RATIO) and emit its parts, numerator=12, denominator=120, "
                "not value=0.10",
                f"指标 {name}：{kind} 指标的单位不能是 {unit}：其数值{_ADDS_UP[kind][1]}，"
                "比率相加没有意义；请声明为比率（kind=MetricKind.RATIO），并发送分子和分母"
                "（numerator=12, denominator=120），而不是 value=0.10",
            )
        if self.split_credit and self.unit.dimension is not Dimension.COUNT:
            unit = self.unit.symbol
            raise MetricSpecError(
                f"metric {name}: split_credit is for a count (户, 人, 单…) whose credit two "
                f"people may share; a figure in {unit} is no count",
                f"指标 {name}：split_credit 用于可由两人分享业绩的计数（户、人、单等）；"
                f"以 {unit} 计的数不是计数",
            )
        if self.revenue and self.unit.dimension is not Dimension.MONEY:
            unit = self.unit.symbol
            raise MetricSpecError(
                f"metric {name}: revenue is for money earned (commission, fees, interest), "
                f"which a budget line's ROI counts; a figure in {unit} is no money: leave "
                "revenue out",
                f"指标 {name}：revenue 用于挣到的钱（佣金、费用、利息），预算项的 ROI 只计它；"
                f"以 {unit} 计的数不是金额：请去掉 revenue",
            )
        if self.formula is not None and not isinstance(self.formula, str):
            raise MetricSpecError(
                f'metric {name}: formula must be text, as "aum / headcount_cm"',
                f'指标 {name}：formula 应为文本，如 "aum / headcount_cm"',
            )
        stages = self.stages
        if stages is not None and not isinstance(stages, FunnelStages):
            raise MetricSpecError(f"metric {name}: stages must be two names, entered and "
                                  f"converted, not {stages!r}",
                                  f"指标 {name}：stages 应为两个名称（进入的阶段和转化的阶段），"
                                  f"现为 {stages!r}")  # fmt: skip
        if stages is not None and (wrong := stages.problem(name)) is not None:
            raise wrong
        if (idle := self._idle_setting()) is not None:
            raise idle

    def _idle_setting(self) -> MetricSpecError | None:
        """The error of a setting that would do nothing for the metric's kind, where its
        author meant it to do something: a ratio's ways over time or a funnel's stages on a
        stock or a flow, a cohort's settling on a stock. None when there is none."""
        name, kind = self.name, self.kind.value
        if kind != MetricKind.RATIO:
            for key in ("numerator_over_time", "denominator_over_time"):
                if getattr(self, key) is not OverTime.SUM:
                    return MetricSpecError(
                        f"metric {name}: {key} says how a ratio's part carries over time; a "
                        f"{kind} metric has no parts ({_CARRIES[kind][0]}): leave it out, or "
                        "declare a ratio (kind=MetricKind.RATIO) and emit its parts",
                        f"指标 {name}：{key} 说的是比率的分子或分母如何跨周期延续；{kind} 指标"
                        f"没有分子分母（{_CARRIES[kind][1]}）：请去掉它，或声明为比率"
                        "（kind=MetricKind.RATIO）并发送分子和分母",
                    )
            if self.stages is not None:
                return MetricSpecError(
                    f"metric {name}: stages name a funnel's two stages, and a funnel is a ratio "
                    f"(converted over entered); a {kind} metric has none: leave stages out, or "
                    "declare a ratio (kind=MetricKind.RATIO) and emit its parts",
                    f"指标 {name}：stages 是漏斗两个阶段的名称，而漏斗是比率（转化数 / 进入数）；"
                    f"{kind} 指标没有阶段：请去掉 stages，或声明为比率（kind=MetricKind.RATIO）"
                    "并发送分子和分母",
                )
        if kind == MetricKind.STOCK and self.settles_after_days != 0:
            return MetricSpecError(
                f"metric {name}: settles_after_days is for a cohort whose figure goes on "
                "changing after its period (a flow or a ratio); a stock is a level at a date, "
                "which does not, and with it a restatement of a past level would go untold: "
                "leave it out",
                f"指标 {name}：settles_after_days 用于周期结束后数字仍会变动的批次（flow 或比率）；"
                "stock 是某一天的水平，不会这样变动，写了它，过去水平的重述反而不会被告知："
                "请去掉它",
            )
        return None

    def _check_part_units(self) -> None:
        """A part's unit is an amount or a count a ratio's part can be, on a ratio alone."""
        name = self.name
        for key in ("numerator_unit", "denominator_unit"):
            unit = getattr(self, key)
            if unit is None:
                continue
            if not isinstance(unit, UnitOfMeasure) or unit.dimension is Dimension.FRACTION:
                close = close_units(unit, list(UNITS)) if isinstance(unit, str) else []
                if any(UNITS[symbol].dimension is Dimension.FRACTION for symbol in close):
                    close = []  # a rate meant: the message says a part is none
                mean, mean_zh = you_meant_units(close)
                # A unit okrdesk has is shown as written, not as the value it is.
                shown = f'UNITS["{unit.symbol}"]' if isinstance(unit, UnitOfMeasure) else repr(unit)
                raise MetricSpecError(
                    f"metric {name}: {key} {shown} is not the unit of a ratio's part{mean}; write "
                    'one of okrdesk.units.UNITS that is no rate, as UNITS["元"] or UNITS["户"], '
                    "or None for a plain figure",
                    f"指标 {name}：{key} {shown} 不是比率分子或分母的计量单位{mean_zh}；请写 "
                    'okrdesk.units.UNITS 中非比率的一个，如 UNITS["元"] 或 UNITS["户"]，'
                    "或写 None 表示普通数字",
                )
            if self.kind is not MetricKind.RATIO:
                raise MetricSpecError(
                    f"metric {name}: {key} is for a ratio's parts; a {self.kind.value} metric "
                    "has none",
                    f"指标 {name}：{key} 用于比率的分子或分母；{self.kind.value} 指标没有分子分母",
                )

    @settles_after_days.validator
    def _settling(self, attribute: attrs.Attribute[Any], days: int | None) -> None:
        if days is not None and (type(days) is not int or days < 0):
            raise MetricSpecError(f"metric {self.name}: settles_after_days must be a whole "
                                  f"number of days from 0, or None for never, not {days!r}",
                                  f"指标 {self.name}：settles_after_days 应为从 0 起的整天数，"
                                  f"或 None（永不定型），现为 {days!r}")  # fmt: skip

    @dimensions.validator
    def _dimension_names(self, attribute: attrs.Attribute[Any], names: tuple[str, ...]) -> None:
        for name in names:
            if not isinstance(name, str) or not DIMENSION_NAME.match(name):
                raise MetricSpecError(f"metric {self.name}: dimension {name!r} is not a name "
                                      "(lowercase letters, digits and _)",
                                      f"指标 {self.name}：维度 {name!r} 不是有效的名称"
                                      "（小写字母、数字和 _）")  # fmt: skip
        if len(set(names)) != len(names):
            raise MetricSpecError(f"metric {self.name}: a dimension is declared twice",
                                  f"指标 {self.name}：有维度声明了两次")  # fmt: skip

    @dimension_labels.validator
    def _labelled_dimensions(
        self, attribute: attrs.Attribute[Any], labels: Mapping[str, DimensionLabels]
    ) -> None:
        for name, found in labels.items():
            if name not in self.dimensions:
                raise MetricSpecError(f"metric {self.name}: labels for {name!r}, which is not "
                                      f"one of its dimensions {list(self.dimensions)}",
                                      f"指标 {self.name}：给了 {name!r} 的标签，但它不是该指标的"
                                      f"维度 {list(self.dimensions)} 之一")  # fmt: skip
            if not isinstance(found, DimensionLabels):
                raise MetricSpecError(
                    f"metric {self.name}: the labels for {name!r} are not DimensionLabels",
                    f"指标 {self.name}：{name!r} 的标签不是 DimensionLabels",
                )


def splits_credit(specs: Mapping[str, MetricSpec], kr: KeyResult) -> bool:
    """Whether ``kr`` counts on a metric whose credit may be shared
    (``MetricSpec.split_credit``): its figures are written with the decimals they need
    (82.5人), not rounded to whole counts."""
    spec = specs.get(kr.metric or "")
    return spec is not None and spec.split_credit


def settled_restatements(
    revised: Mapping[str, Mapping[str, int]],
    run_id: int,
    runs: Sequence[Run],
    specs: Mapping[str, MetricSpec],
    owners: Mapping[str, str],
    last_day: dt.date,
    *,
    order: int | None = None,
) -> dict[str, dict[str, int]]:
    """Of ``revised`` (metric → period id → figures run ``run_id`` restated), those of
    periods whose figures had settled when they were read, by the latest collect of their
    metric stored before (``read_before``, ``order`` the run's ``Run.stored_order``;
    ``MetricSpec.settled``; a period ends on its last day, or the plan's ``last_day``): a
    cohort still converting by its metric's definition is left out. A metric no plugin
    declares now, and a period id that does not read, keep theirs."""
    found: dict[str, dict[str, int]] = {}
    for metric, periods in revised.items():
        spec = specs.get(metric)
        reads = {
            grain: read_before(runs, run_id, metric, owners, grain, order=order)
            for grain in {_grain_of(period) for period in periods}
        }
        kept = {
            period: count
            for period, count in periods.items()
            if spec is None or _settled(spec, period, reads[_grain_of(period)], last_day)
        }
        if kept:
            found[metric] = kept
    return found


def restatements_read(
    newest_first: Callable[[str], Iterable[Run]],
    revised: Mapping[str, Mapping[str, int]],
    run_id: int,
    owners: Mapping[str, str],
    *,
    order: int | None = None,
) -> list[Run]:
    """The runs ``settled_restatements`` reads of ``revised``: for each metric restated
    and the grain of each period, the latest collect stored before run ``run_id`` (its
    ``Run.stored_order`` ``order``) that read it (``latest_read``), of the runs
    ``newest_first(metric)`` gives (newest stored first, as many as may name it), oldest
    first; none where nothing was restated."""
    found: dict[int, Run] = {}
    for metric, periods in revised.items():
        for grain in {_grain_of(period) for period in periods}:
            run = latest_read(newest_first(metric), run_id, metric, owners, grain, order=order)
            if run is not None:
                found[run.id] = run
    return [found[each] for each in sorted(found)]


def _grain_of(period: str) -> str | None:
    try:
        return parse_period(period).grain.value
    except ValueError:
        return None


def _settled(spec: MetricSpec, period: str, read_through: dt.date | None, last: dt.date) -> bool:
    if spec.settles_after_days is None:
        return False
    try:
        end = min(parse_period(period).end, last)
    except ValueError:
        return True
    return read_through is None or spec.settled(end, read_through)


def kinds_changed(
    runs: Sequence[Run], specs: Mapping[str, MetricSpec], metrics: Iterable[str]
) -> dict[str, tuple[str, Run]]:
    """Of ``metrics``, each whose latest collect that stored it (of ``runs``, oldest first)
    noted another kind than its spec declares now (a plugin upgraded so that a flow became
    a stock): metric → (that kind, the run). Every command reads stored figures by the kind
    declared now, so those are read as what they are not. A metric no run noted (stored
    before okrdesk noted kinds, schema 29, or never) has none."""
    found: dict[str, tuple[str, Run]] = {}
    for metric in metrics:
        spec = specs.get(metric)
        if spec is None:
            continue
        noted = next((run for run in reversed(runs) if _noted_kind(run, metric)), None)
        if noted is not None and noted.kinds is not None and noted.kinds[metric] != spec.kind:
            found[metric] = (noted.kinds[metric], noted)
    return found


def _noted_kind(run: Run, metric: str) -> bool:
    return run.kinds is not None and metric in run.kinds


def kinds_noted(newest_first: Callable[[str], Iterable[Run]], metrics: Iterable[str]) -> list[Run]:
    """The runs ``kinds_changed`` reads of ``metrics``: the latest to note each one's kind,
    of the runs ``newest_first(metric)`` gives (newest first, as many as may have noted
    it), oldest first, each taken up to it."""
    found: dict[int, Run] = {}
    for metric in metrics:
        run = next((run for run in newest_first(metric) if _noted_kind(run, metric)), None)
        if run is not None:
            found[run.id] = run
    return [found[run_id] for run_id in sorted(found)]


def kind_changed(metric: str, was: str, run: Run, now: str, *, stored: bool) -> Said:
    """What is said of ``metric``, stored as a ``was`` by ``run`` and declared a ``now``:
    where a collect has just ``stored`` it anew (a warning), else (its figures still the
    old kind's: an error of that collect, and of the report until one stores them)."""
    if stored:
        return Said(
            f"was stored as a {was} (by collect run {run.id}) and is now declared a {now}: "
            f"this collect stored the periods it collected anew, as a {now}'s; figures of it "
            f"kept from another year are a {was}'s still, read as a {now}'s until that year "
            "is collected again",
            f"此前按 {was} 入库（第 {run.id} 次采集），现在声明为 {now}：本次采集已把所采周期的"
            f"数字按 {now} 重新入库；其他年份存下的数字仍是 {was} 的，在重新采集那一年之前会被"
            f"当作 {now} 读取",
        )
    return Said(
        f"its figures were stored as a {was}'s (by collect run {run.id}) and it is now "
        f"declared a {now}, so the report and check read them as a {now}'s, which they are "
        f"not, until they are collected again: collect the year again (`okrdesk collect "
        f"--metric {metric}`)",
        f"已存的数字是按 {was} 入库的（第 {run.id} 次采集），而它现在声明为 {now}，报告和 "
        f"check 会把这些数字当作 {now} 读取，这是不对的，直到重新采集为止：请重新采集这一年"
        f"（`okrdesk collect --metric {metric}`）",
    )


def read_before(
    runs: Sequence[Run],
    run_id: int,
    metric: str,
    owners: Mapping[str, str],
    grain: str | None = None,
    *,
    order: int | None = None,
) -> dt.date | None:
    """The day through which the latest collect stored before run ``run_id`` (its
    ``Run.stored_order`` ``order``: ``stored_before``) that stored ``metric`` (under
    ``grain``: ``Run.read``) read its sources: what a figure of it that run restated had
    been read as of (a ``collect --metric`` of others between, or one that failed the
    metric, read none of it). None before the first."""
    newest = reversed(runs) if order is None else sorted(runs, key=_store_order, reverse=True)
    run = latest_read(newest, run_id, metric, owners, grain, order=order)
    return None if run is None or run.through is None else dt.date.fromisoformat(run.through)


def latest_read(
    newest_first: Iterable[Run],
    run_id: int,
    metric: str,
    owners: Mapping[str, str],
    grain: str | None = None,
    *,
    order: int | None = None,
) -> Run | None:
    """The run whose day ``read_before`` answers: the first of ``newest_first`` (newest
    stored first, where ``order`` is given) stored before run ``run_id``
    (``stored_before``) with a day read through that read ``metric`` (``Run.read``);
    None where none. Taken one by one, so that a store's runs are read only up to it."""
    return next(
        (run for run in newest_first
         if stored_before(run, run_id, order) and run.through
         and run.read(metric, owners, grain)),
        None,
    )  # fmt: skip


def stored_before(run: Run, run_id: int, order: int | None) -> bool:
    """Whether ``run`` stored its figures before run ``run_id`` stored its own, numbered
    ``order`` (``Run.stored_order``): of two collects run at once, the one started first
    may store last. A run kept before okrdesk numbered them (schema 32) stored before
    every numbered one; where ``order`` is None (run ``run_id`` was kept so, or a reader
    asks of the latest, ``sys.maxsize``), the runs are taken in the order they started."""
    if order is None:
        return run.id < run_id
    if run.stored_order is None:
        return run.id != run_id
    return run.stored_order < order


def _store_order(run: Run) -> tuple[int, int]:
    """``run``'s place in the order the store committed runs' figures in: those kept
    before okrdesk numbered them first, in the order they started."""
    return (0, run.id) if run.stored_order is None else (1, run.stored_order)


@attrs.frozen
@shared_methods
class Observation:
    """One figure for one subject (person or unit) and one period."""

    metric: str
    subject: str
    period: str
    value: float | None = None
    numerator: float | None = None
    denominator: float | None = None
    source: str = ""
    """Where it came from, precise enough to find the rows again."""
    dimensions: Mapping[str, str] = attrs.field(factory=dict, converter=_frozen_mapping)
    """Its slice: a value for each of the metric's dimensions; empty for the whole figure."""
    no_rows: bool = False
    """A flow's 0 for a subject its source covers and has no row of in the period (a CM
    with no new client that week): it stands for none, where an export that came out
    empty would give no figure at all (``emit(..., no_rows=True)``)."""

    @property
    def slice(self) -> str:
        return slice_of(self.dimensions)

    def problems(self, spec: MetricSpec) -> list[Said]:
        """What is wrong with this observation for ``spec``, in English and in Chinese;
        empty when it is sound."""
        if self.no_rows is not False:
            marked = self._no_rows_problem(spec)
            if marked is not None:
                return [marked]
        if self.dimensions:
            wrong = dimension_problems(self.dimensions, spec.dimensions)
            if wrong:
                return wrong
        if spec.kind is MetricKind.RATIO:
            if self.numerator is None or self.denominator is None:
                return [Said("a ratio metric needs numerator and denominator",
                             "比率指标要有分子和分母")]  # fmt: skip
            parts = {"numerator": self.numerator, "denominator": self.denominator}
            found = [Said(f"{k} is {v}", f"{k} 为 {v}") for k, v in parts.items()
                     if not math.isfinite(v)]  # fmt: skip
            if found:
                return found
            if self.denominator < 0:
                shown = f"{self.denominator:.15g}"
                return [Said(f"denominator is negative ({shown})", f"分母为负（{shown}）")]
            if spec.never_negative and self.numerator < 0:
                shown = f"{self.numerator:.15g}"
                return [Said(
                    f"numerator is negative ({shown}), and {spec.name} is declared never_negative",
                    f"分子为负（{shown}），而 {spec.name} 声明为 never_negative",
                )]  # fmt: skip
            if self.denominator == 0 and self.numerator != 0:
                shown = f"{self.numerator:.15g}"
                return [Said(f"denominator is 0 with numerator {shown}",
                             f"分母为 0，而分子为 {shown}")]  # fmt: skip
            beyond = [
                past
                for part in ("numerator", "denominator")
                if (past := beyond_bound(spec, part, getattr(self, part))) is not None
            ]
            return beyond or [
                not_whole_part(spec, part, figure, self.denominator)
                for part, figure, whole in zip(
                    ("numerator", "denominator"), (self.numerator, self.denominator),
                    spec.whole_parts, strict=True,
                )
                if whole and not float(figure).is_integer()
            ]  # fmt: skip
        if self.value is None:
            return [Said(f"a {spec.kind.value} metric needs a value",
                         f"{spec.kind.value} 指标要有 value")]  # fmt: skip
        if not math.isfinite(self.value):
            return [Said(f"value is {self.value}", f"value 为 {self.value}")]
        if spec.never_below_zero and self.value < 0:
            shown = f"{self.value:.15g}"
            count = spec.dimension is Dimension.COUNT
            what, what_zh = ("a count", "计数") if count else (spec.name, spec.name)
            return [Said(f"{what} cannot be negative ({shown})", f"{what_zh}不能为负（{shown}）")]
        if (past := beyond_bound(spec, "value", self.value)) is not None:
            return [past]
        if spec.whole_counts and not float(self.value).is_integer():
            return [not_whole(spec, self.value)]
        return []

    def _no_rows_problem(self, spec: MetricSpec) -> Said | None:
        if self.no_rows is not True:
            return Said(f"no_rows must be True or False, not {self.no_rows!r}",
                        f"no_rows 应为 True 或 False，现为 {self.no_rows!r}")  # fmt: skip
        if spec.kind is not MetricKind.FLOW:
            return Said(
                f"no_rows=True is for a flow's 0 (a count of what happened), not a "
                f"{spec.kind.value}'s: leave out a subject with no rows",
                f"no_rows=True 只用于 flow 指标（发生了多少）的 0，{spec.kind.value} 指标不用："
                "没有数据行的对象不要给出数字",
            )
        if self.dimensions:
            return Said("no_rows=True is for the whole figure's 0, not a slice's",
                        "no_rows=True 只用于整体数字的 0，不用于切片")  # fmt: skip
        if self.value != 0:
            shown = "None" if self.value is None else f"{self.value:.15g}"
            return Said(f"no_rows=True is for a value of 0, not {shown}",
                        f"no_rows=True 只用于 value 为 0 的数字，现为 {shown}")  # fmt: skip
        return None


def beyond_bound(spec: MetricSpec, part: str, figure: float) -> Said | None:
    """What is said of a figure's ``part`` (value, numerator, denominator) past what any
    brokerage's figure can be (``MetricSpec.most_in_one_figure``); None within it."""
    most = spec.most_in_one_figure(part)
    if most is None or abs(figure) <= most:
        return None
    shown, bound = f"{figure:,.0f}", f"{most:,.0f}"
    if most == MOST_MONEY:
        return Said(
            f"{part} {shown} 元 is more than any real figure (at most {bound} 元 in one "
            "figure, a thousand trillion yuan); check that the plugin gives 元, not 分 or "
            "an id summed",
            f"{part} {shown}元 超出任何实际数字（单个数字最多 {bound}元，即一千万亿元）；"
            "请检查插件给的是否以元计，而不是以分计或把编号相加",
        )
    return Said(
        f"{part} {shown} is more than any real count (at most {bound}, more than the "
        "people alive); check what the plugin counts",
        f"{part} {shown} 超出任何实际计数（最多 {bound}，已超过世界人口）；请检查插件数的是什么",
    )


def not_whole(spec: MetricSpec, value: float) -> Said:
    """What is said of a fractional figure of a metric counted in whole ones: in the ones
    it is emitted in (户 for a metric in 万户, whose figures are emitted in 户)."""
    unit, shown = spec.unit.symbol.removeprefix("万") or spec.unit.symbol, f"{value:.15g}"
    return Said(
        f"value {shown} is not a whole count: {spec.name} is counted in {unit}; emit whole "
        "counts, or, where one client's credit is shared between people, declare the "
        "metric split_credit (MetricSpec(split_credit=True), or split_credit = true in a "
        "SQL metric's definition)",
        f"value {shown} 不是整数：{spec.name} 以{unit}计数；请给整数，若一位客户的业绩由"
        "几人分享，请把该指标声明为 split_credit（MetricSpec(split_credit=True)，或在 SQL "
        "指标的定义中写 split_credit = true）",
    )


def not_whole_part(
    spec: MetricSpec, part: str, figure: float, denominator: float | None = None
) -> Said:
    """What is said of a ratio's fractional ``part`` (numerator or denominator) where
    the metric declares that part a count: explain would write 12.5户 as 13户, beside a
    total its rows do not add up to. A numerator over a denominator of 100 is a rate in
    percent given as its parts, whose counts the plugin must give: declaring the part no
    count would keep the mistake."""
    unit = spec.numerator_unit if part == "numerator" else spec.denominator_unit
    assert unit is not None
    symbol, shown = unit.symbol.removeprefix("万") or unit.symbol, f"{figure:.15g}"
    part_zh = "分子" if part == "numerator" else "分母"
    if part == "numerator" and denominator in (100, 1000):
        written = "%" if denominator == 100 else "‰"
        return Said(
            f"numerator {shown} over denominator {denominator:g} is a rate of {shown}{written} "
            f"given as its parts: {spec.name}'s parts are counted in {symbol}; emit the two "
            f"counts the rate is made of (numerator=88, denominator=120 for 73.3%), so that "
            "a team's rate is its members' numerators over their denominators",
            f"分子 {shown}、分母 {denominator:g} 是把比率 {shown}{written} 拆成了分子分母："
            f"{spec.name} 的分子分母以{symbol}计数；请给构成比率的两个计数（73.3% 即 "
            "numerator=88、denominator=120），团队的比率才能按成员的分子之和除以分母之和计算",
        )
    return Said(
        f"{part} {shown} is not a whole count: {spec.name}'s {part} is counted in {symbol}; "
        f"emit whole counts, or, where a part is weighted (a client two people share "
        f"counting half to each), declare it no count ({part}_unit=None, or no {part}_unit "
        "in a SQL metric's definition)",
        f"{part} {shown} 不是整数：{spec.name} 的{part_zh}以{symbol}计数；请给整数，若{part_zh}"
        f"是加权数（一位客户由两人分享，各计一半），请不要把它声明为计数（{part}_unit=None，"
        f"SQL 指标的定义中则不写 {part}_unit）",
    )


# ------------------------------------------------------------------ dimensions

SLICE_SEPARATOR = ";"
DIMENSION_NAME = re.compile(r"[a-z][a-z0-9_]*\Z")


def slice_of(values: Mapping[str, str]) -> str:
    """The canonical text of dimension values, as the store keys a row by them:
    ``gender=female``, ``product=equity;tier=hnw`` (names sorted); "" is no slice,
    the whole figure."""
    return SLICE_SEPARATOR.join(f"{name}={values[name]}" for name in sorted(values))


def slice_values(text: str) -> dict[str, str]:
    """The dimension values of a slice's text (the inverse of ``slice_of``)."""
    if not text:
        return {}
    return dict(part.split("=", 1) for part in text.split(SLICE_SEPARATOR))


def slice_matches(text: str, where: Mapping[str, str] | None) -> bool:
    """Whether the slice ``text`` is in the slice ``where`` (each value it names agrees)."""
    if not where:
        return True
    values = slice_values(text)
    return all(values.get(name) == value for name, value in where.items())


def dimension_problems(values: Mapping[str, str], declared: Sequence[str]) -> list[Said]:
    """What is wrong with one observation's dimension values for a metric declaring
    ``declared``, in English and in Chinese: every declared dimension needs a value, and
    no other is allowed."""
    if not declared:
        return [Said("the metric declares no dimensions", "该指标没有声明维度")]
    if not all(isinstance(name, str) for name in values):
        return [Said("dimension names must be text", "维度的名称应为文本")]
    found = []
    unknown = sorted(set(values) - set(declared))
    if unknown:
        named = [repr(name) for name in unknown]
        found.append(Said(
            f"unknown dimension {', '.join(named)} (the metric declares {', '.join(declared)})",
            f"未知的维度 {'、'.join(named)}（该指标声明的维度：{'、'.join(declared)}）",
        ))  # fmt: skip
    missing = [name for name in declared if name not in values]
    if missing:
        found.append(Said(f"no value for dimension {', '.join(missing)}",
                          f"维度 {'、'.join(missing)} 没有值"))  # fmt: skip
    for name, value in values.items():
        if not isinstance(value, str) or not value.strip():
            found.append(Said(f"dimension {name}: the value must be non-empty text",
                              f"维度 {name}：值应为非空文本"))  # fmt: skip
        elif SLICE_SEPARATOR in value or not value.isprintable():
            found.append(Said(f"dimension {name}: {value!r} holds ';' or a control character",
                              f"维度 {name}：{value!r} 含有 ';' 或控制字符"))  # fmt: skip
    return found


# ------------------------------------------------------------------------ plan


def _frozen_baselines(
    value: Mapping[tuple[str, str], Mapping[str, Decimal]],
) -> Mapping[tuple[str, str], Mapping[str, Decimal]]:
    return MappingProxyType({k: MappingProxyType(dict(v)) for k, v in value.items()})


@attrs.frozen(slots=False)
@shared_methods
class Plan:
    id: str
    name: str
    year: int
    start: dt.date
    end: dt.date
    top: str
    """The unit the plan is for; the default subject of reports."""
    grain: Grain = Grain.WEEK
    attainment_cap: float = DEFAULT_ATTAINMENT_CAP
    """The most of its target a key result counts for in a score (1.2: 120%)."""
    units: tuple[OrgUnit, ...] = ()
    people: tuple[Person, ...] = ()
    phases: tuple[Phase, ...] = ()
    objectives: tuple[Objective, ...] = ()
    budget: Budget = Budget()
    scoring: tuple[ScoringPolicy, ...] = ()
    baselines: Mapping[tuple[str, str], Mapping[str, Decimal]] = attrs.field(
        factory=dict, converter=_frozen_baselines
    )
    """Last year's figures typed into ``[[baselines]]``: (metric, subject) → period →
    value in base units, for 同比 where the store has no history."""
    people_left: tuple[str, ...] = ()
    """``[plan] people_left``: ids of people who left, no longer in ``people``: their
    figures count nowhere, and no rename is told of them (``engine.renamed_people``)."""
    cut_to: str | None = None
    """None: the whole plan. Else the unit the plan was cut down to for a report on it
    (targets/plan_cache.py): that unit's subtree and its people, the units above it, and
    every objective, key result, phase, budget line and scoring policy whole. Nothing
    outside the subtree can be answered from it; the engine refuses to."""

    @cached_property
    def due_curves(self) -> dict[str, Any]:
        """Each key result's curve of what is due by a day (``engine.pace.DueCurve``), by
        its id, as the engines first ask for it: made once for all of a report's."""
        return {}

    @cached_property
    def subject_ids(self) -> tuple[str, ...]:
        """Every unit's id, then every person's: whom a figure, a check-in or ``--unit``
        may be of."""
        return (*self.units_by_id, *self.people_by_id)

    def has_subject(self, subject: str) -> bool:
        """Whether ``subject`` is a unit or a person of the plan."""
        return subject in self.units_by_id or subject in self.people_by_id

    def holds(self, day: dt.date) -> bool:
        """Whether ``day`` is one of the plan's days."""
        return self.start <= day <= self.end

    @cached_property
    def units_by_id(self) -> Mapping[str, OrgUnit]:
        return {u.id: u for u in self.units}

    @cached_property
    def people_by_id(self) -> Mapping[str, Person]:
        return {p.id: p for p in self.people}

    def name_of(self, subject: str) -> str:
        """The name of a unit or a person of the plan."""
        unit = self.units_by_id.get(subject)
        return unit.name if unit is not None else self.people_by_id[subject].name

    @cached_property
    def phase_ends(self) -> Mapping[str, dt.date]:
        """Each phase's last day, by its id."""
        return {p.id: p.end for p in self.phases}

    @cached_property
    def objectives_by_id(self) -> Mapping[str, Objective]:
        return {o.id: o for o in self.objectives}

    @cached_property
    def key_results_by_id(self) -> Mapping[str, KeyResult]:
        return {kr.id: kr for o in self.objectives for kr in o.key_results}

    @cached_property
    def _children(self) -> Mapping[str, tuple[str, ...]]:
        children: dict[str, list[str]] = {}
        for unit in self.units:
            if unit.parent is not None:
                children.setdefault(unit.parent, []).append(unit.id)
        return {k: tuple(v) for k, v in children.items()}

    @cached_property
    def _people_in(self) -> Mapping[str, tuple[Person, ...]]:
        found: dict[str, list[Person]] = {}
        for person in self.people:
            found.setdefault(person.unit, []).append(person)
        return {k: tuple(v) for k, v in found.items()}

    def people_in(self, unit_id: str) -> tuple[Person, ...]:
        """The people directly in a unit (not in the units below it)."""
        return self._people_in.get(unit_id, ())

    def child_units(self, unit_id: str) -> tuple[OrgUnit, ...]:
        return tuple(self.units_by_id[c] for c in self._children.get(unit_id, ()))

    def subtree(self, unit_id: str) -> Iterator[OrgUnit]:
        """The unit and every unit below it, parents before children."""
        yield self.units_by_id[unit_id]
        for child in self._children.get(unit_id, ()):
            yield from self.subtree(child)

    def people_under(self, unit_id: str) -> tuple[Person, ...]:
        """Everyone in the unit or any unit below it."""
        return tuple(p for u in self.subtree(unit_id) for p in self.people_in(u.id))

    def phase_on(self, day: dt.date) -> Phase | None:
        return next((p for p in self.phases if day in p), None)


# ------------------------------------------------------------- stored records


@attrs.frozen
@shared_methods
class NoRowsOfLastYear:
    """Last year's periods of a metric a collect asked its sources for, of which they had
    no row (``Run.bases``)."""

    periods: tuple[str, ...]


@attrs.frozen
@shared_methods
class KeptUnreached:
    """The periods of a metric a collect kept as an earlier collect stored them, as its
    source held only the days from ``first`` to ``last``, not the whole of them
    (``emit.covers``, a rolling SQL source): not restated by it (``Run.kept``)."""

    first: dt.date
    last: dt.date
    periods: tuple[str, ...]


@attrs.frozen(slots=False)
@shared_methods
class Run:
    id: int
    started: str
    finished: str | None
    status: str
    command: str
    through: str | None
    pid: int | None
    plugins: Mapping[str, str]
    errors: Sequence[str]
    revised: Mapping[str, Mapping[str, int]] = attrs.field(factory=dict)
    """Metric → period → how many of its figures stored as complete this run restated."""
    warnings: Sequence[str] = ()
    """What plugins warned of (rows left out, say), as the collect printed it."""
    metrics: Sequence[str] | None = None
    """The metrics the run was asked to collect (``collect --metric`` asks for some);
    None for a run kept before okrdesk noted them, taken as asked for every metric."""
    landed: Mapping[str, Sequence[str]] | None = None
    """The metrics whose figures the run stored, each with the grains it stored them
    under, noted as each was stored (a run killed later says them too); None for a run
    kept before okrdesk noted them."""
    lines_zh: Mapping[str, str] = attrs.field(factory=dict)
    """Each of its errors and warnings, as kept (in English), → its message as said in
    Chinese, where it was said in both; empty for a run kept before okrdesk noted them,
    whose lines are in the language of the collect that ran."""
    host: str | None = None
    """The machine it ran on; None for a run kept before okrdesk noted it."""
    process_start: str | None = None
    """Its process's start as the kernel counts it (``okrdesk.store.liveness``), so the
    process id used again by another process is not taken for it; None where the system
    does not say, and for a run kept before okrdesk noted it."""
    plan_unit: str = ""
    """The unit of the plan that ran it (``Plan.top``): branches sharing a store each read
    their own plan's runs (``plan_calendar.runs_of``). '' for a run of a store older than
    schema 23, which every plan reads."""
    moved_from: str = ""
    """The unit id its plan had when it ran, where ``okrdesk move-unit`` moved it to
    ``plan_unit`` since; '' for one never moved."""
    kinds: Mapping[str, str] | None = None
    """The kind (stock, flow, ratio) each metric it stored was declared as when it stored
    it: how its figures are to be read. None for a run kept before okrdesk noted them
    (schema 29)."""
    bases: Mapping[str, NoRowsOfLastYear] | None = None
    """The metrics whose sources it asked for last year's periods a growth target or a
    同比 stands on and found no rows of in them (``engine.growth_bases``); None for a run
    that found none such, or kept before okrdesk noted them (schema 30)."""
    kept: Mapping[str, KeptUnreached] | None = None
    """The metrics whose stored figures it kept, unchanged, in periods its source did not
    reach (``KeptUnreached``); None for a run that kept none, or kept before okrdesk noted
    them (schema 31)."""

    stored_order: int | None = None
    """Where the store committed its latest figures among every run's (``stored_before``):
    two collects run at once store in another order than they started in. None for a run
    that stored none, or kept before okrdesk noted it (schema 32)."""

    def kept_of(self, metric: str) -> KeptUnreached:
        """The periods of ``metric`` it kept as their sources no longer reached them; none
        where it kept none."""
        held = (self.kept or {}).get(metric)
        return held if held is not None else KeptUnreached(dt.date.min, dt.date.min, ())

    def line(self, kept: str) -> PluginLine:
        """One of its errors or warnings, to be written in a reader's language."""
        return kept_line(kept, self.lines_zh)

    @property
    def unfinished(self) -> bool:
        """Started but never finished: killed, or still running elsewhere."""
        return self.finished is None

    def asked_for(self, metric: str) -> bool:
        return self.metrics is None or metric in self.metrics

    def stored(self, metric: str, grain: str | None = None) -> bool:
        """Whether the run is known to have stored figures of ``metric`` (under
        ``grain``, where one is given)."""
        if self.landed is None or metric not in self.landed:
            return False
        grains = self.landed[metric]
        return grain is None or not grains or grain in grains

    def failed(self, owners: Mapping[str, str]) -> dict[str, str]:
        """The metrics of ``owners`` (metric → plugin) this run was asked for and could
        not collect, each with its error: every metric an error names, and every metric
        of a plugin whose error is the whole plugin's (it failed to load, or raised) but
        for those the run stored all the same (stored before the plugin failed, or a
        source's declaration error, told by every run)."""
        found: dict[str, str] = {}
        for error in self.errors:
            for metric in concerned(error, owners):
                whole = error.startswith(f"plugin {owners[metric]}: ")
                if self.asked_for(metric) and not (whole and self.stored(metric)):
                    found.setdefault(metric, error)
        return found

    def read(self, metric: str, owners: Mapping[str, str], grain: str | None = None) -> bool:
        """Whether the figures of ``metric`` (under ``grain``) stored after this run are
        the ones it read: it stored them, or, for a run from before okrdesk noted that,
        it was asked for them and no error of it says it failed them."""
        if self.landed is not None:
            return self.stored(metric, grain)
        if not self.asked_for(metric):
            return False
        return self.unfinished or metric not in self.failed({metric: owners.get(metric, "")})


def concerned(line: str, owners: Mapping[str, str]) -> list[str]:
    """The metrics of ``owners`` (metric → plugin) a plugin's error or warning, as a run
    keeps it, is about: those it names (``plugin_error_text``, or ``told_once``'s
    ``plugin p metrics a, b: ...``), or every metric of its plugin where it names none.
    Names are matched as the plugin's metrics are spelt, whatever they hold (", " too)."""
    for plugin in {owner for owner in owners.values()}:
        head = f"plugin {plugin}"
        if not line.startswith(head):
            continue
        rest = line[len(head) :]
        mine = sorted((m for m, owner in owners.items() if owner == plugin), key=len, reverse=True)
        if rest.startswith(": "):
            return [metric for metric, owner in owners.items() if owner == plugin]
        if rest.startswith(" metric "):
            rest = rest[len(" metric ") :]
            return next(([m] for m in mine if rest.startswith(f"{m}: ")), [])
        if rest.startswith(" metrics "):
            return _named(rest[len(" metrics ") :], mine)
    return []


def _named(text: str, names: Sequence[str]) -> list[str]:
    """Of the names ``text`` lists before its ``": "``, separated by ``", "``, those in
    ``names`` (tried longest first, each only where a separator follows it); a name not
    among them is passed over to the next separator."""
    found: list[str] = []
    at = 0
    while True:
        name = next((n for n in names if _listed_at(text, n, at)), None)
        if name is not None:
            found.append(name)
            at += len(name)
        else:
            ends = [i for i in (text.find(", ", at), text.find(": ", at)) if i >= 0]
            if not ends:
                return found
            at = min(ends)
        if text.startswith(": ", at):
            return found
        at += 2


def _listed_at(text: str, name: str, at: int) -> bool:
    return text.startswith(name, at) and text.startswith((", ", ": "), at + len(name))


def last_asked(runs: Sequence[Run], owners: Mapping[str, str]) -> dict[str, Run]:
    """For each metric of ``owners``, the latest finished run asked to collect it."""
    found: dict[str, Run] = {}
    for run in runs:
        if not run.unfinished:
            found.update((metric, run) for metric in owners if run.asked_for(metric))
    return found


def standing(
    runs: Sequence[Run], owners: Mapping[str, str], lines: Callable[[Run], Sequence[str]]
) -> list[tuple[Run, list[str]]]:
    """Of each finished run's ``lines`` (its errors, or its warnings), those that still
    stand, with their run, oldest first: a line about metrics of ``owners`` until a later
    finished run is asked to collect them again (a ``collect --metric`` of another metric
    leaves it standing), and a line about none of them while its run is the latest."""
    finished = [run for run in runs if not run.unfinished]
    latest = last_asked(finished, owners)
    found = []
    for run in finished:
        kept = []
        for line in lines(run):
            about = [m for m in concerned(line, owners) if run.asked_for(m)]
            if any(latest[m] is run for m in about) or (not about and run is finished[-1]):
                kept.append(line)
        if kept:
            found.append((run, kept))
    return found


def standing_failures(runs: Sequence[Run], owners: Mapping[str, str]) -> dict[str, tuple[Run, str]]:
    """Each metric of ``owners`` that the latest finished run asked to collect it could
    not collect, with that run and its error."""
    found: dict[str, tuple[Run, str]] = {}
    for metric, run in last_asked(runs, owners).items():
        error = run.failed({metric: owners[metric]}).get(metric)
        if error is not None:
            found[metric] = (run, error)
    return found


def plugin_error_text(plugin: str, metric: str | None = None, message: str = "") -> str:
    """A plugin's error as a run keeps it: ``plugin brokerage metric nps: ...``, or
    ``plugin brokerage: ...`` for the whole plugin."""
    about = f" metric {metric}" if metric else ""
    return f"plugin {plugin}{about}: {message}"


_KEPT_ERROR = r"(?s)plugin (\S+?)(?: metric (\S+))?: (.*)"  # compiled at its first use
_KEPT_LINE = r"(?s)plugin (\S+?)(?: metrics? ([\w.-]+(?:, [\w.-]+)*))?: (.*)"


@attrs.frozen(slots=False)
@shared_methods
class PluginLine:
    """One line of what went wrong with a plugin: the plugin, the metrics it is about
    (none: the whole plugin) and what was said, written in a reader's language by
    ``text`` (``插件 sql 指标 nps：…``). Without a plugin, a line as it is."""

    plugin: str | None
    metrics: tuple[str, ...]
    message: str | Said

    def text(self, lang: str = "en") -> str:
        message = self.message.text(lang) if isinstance(self.message, Said) else self.message
        if self.plugin is None:
            return message
        # "-": no loaded plugin, for a metric none provides; the metrics are what it is about.
        zh = lang == "zh"
        who = "" if self.plugin == "-" else f"插件 {self.plugin}" if zh else f"plugin {self.plugin}"
        if self.metrics:
            word = "指标" if zh else "metric" if len(self.metrics) == 1 else "metrics"
            named = ("、" if zh else ", ").join(self.metrics)
            who = f"{who} {word} {named}".lstrip()
        return f"{who}：{message}" if zh else f"{who}: {message}"

    def __str__(self) -> str:
        return self.text()


def told_once(
    problems: Iterable[tuple[str | None, str | None, str | Said]],
) -> list[PluginLine]:
    """Each (plugin, metric, message) as a line (the message alone without a plugin),
    but those a plugin gave in the same words for several metrics (a file they all read
    is missing, a warehouse is down) on one line that names the metrics; in the order
    they first came. In English a line is what a run keeps (``plugin_error_text``)."""
    grouped: dict[tuple[str | None, str | Said], list[str | None]] = {}
    for plugin, metric, message in problems:
        metrics = grouped.setdefault((plugin, message), [])
        if metric not in metrics:
            metrics.append(metric)
    lines = []
    for (plugin, message), metrics in grouped.items():
        if plugin is None:
            lines.append(PluginLine(None, (), message))
            continue
        named = [metric for metric in metrics if metric is not None]
        if len(named) > 1:
            lines.append(PluginLine(plugin, tuple(named), message))
            metrics = [metric for metric in metrics if metric is None]
        lines.extend(PluginLine(plugin, (m,) if m else (), message) for m in metrics)
    return lines


def told_once_as_kept(
    errors: Iterable[str], zh: Mapping[str, str] | None = None
) -> list[PluginLine]:
    """``told_once`` of errors as a run keeps them, one a metric (``plugin_error_text``,
    which ``Run.failed`` reads), each with its Chinese message where ``zh`` (the run's
    ``lines_zh``) has one; a line in other words stays as it is."""
    parsed: list[tuple[str | None, str | None, str | Said]] = []
    for error in errors:
        found = re.fullmatch(_KEPT_ERROR, error)
        said = _said(error, found[3] if found else error, zh)
        parsed.append((found[1], found[2], said) if found else (None, None, said))
    return told_once(parsed)


def kept_line(text: str, zh: Mapping[str, str] | None = None) -> PluginLine:
    """A line a run keeps (a plugin's error or warning, ``told_once`` in English) read
    back, with its Chinese message where ``zh`` (the run's ``lines_zh``) has one, to be
    written in a reader's language; a line in other words, as it is."""
    found = re.fullmatch(_KEPT_LINE, text)
    if found is None:
        return PluginLine(None, (), _said(text, text, zh))
    metrics = tuple(found[2].split(", ")) if found[2] else ()
    return PluginLine(found[1], metrics, _said(text, found[3], zh))


def _said(line: str, message: str, zh: Mapping[str, str] | None) -> str | Said:
    said = (zh or {}).get(line)
    return Said(message, said) if said else message


@attrs.frozen
@shared_methods
class StoredObservation:
    observation: Observation
    period_start: dt.date
    period_end: dt.date
    plugin: str
    run_id: int
    partial_through: dt.date | None = None
    """The day a period collected before its end was collected through; None when whole."""


@attrs.frozen
@shared_methods
class Checkin:
    id: int
    key_result: str
    subject: str
    day: dt.date
    value: float
    confidence: float | None
    note: str
    recorded: str
    withdrawn: str | None = None
    """When it was withdrawn (ISO time); a withdrawn check-in counts for nothing."""
    withdrawn_by: str = ""
    withdraw_reason: str = ""
    author: str = ""
    """Who checked in (``--by``, okrdesk.toml's ``[checkin] by``, else the OS user)."""
    moved_from: str = ""
    """The unit id it was made for, where ``okrdesk move-unit`` moved it to ``subject``
    since (the unit's id changed); '' for one never moved."""
    moved: str | None = None
    """When it was last moved (ISO time, UTC); None for one never moved."""


class CheckinFigure(NamedTuple):
    """A standing check-in as a figure reads it: whose, of what, the day and the value. A
    report adds up a year of a firm's check-ins from these; the rest of a ``Checkin`` is
    read for the few it shows."""

    id: int
    key_result: str
    subject: str
    day: dt.date
    value: float


@attrs.frozen
@shared_methods
class SpendEntry:
    id: int
    line: str
    day: dt.date
    amount: Decimal
    """In 元."""
    signed_by: tuple[str, ...]
    note: str
    override_reason: str | None
    recorded: str
    reverses: int | None = None
    """The id of the entry this one reverses (a correction); None for spending."""
    plan_unit: str = ""
    """The unit of the plan that recorded it (``Plan.top``): a store branches share keeps
    each one's ledger apart by it. '' for an entry of a store older than schema 22,
    which counts in every plan's."""
    plan_id: str = ""
    """The id of the plan that recorded it (``Plan.id``), which stays when its unit id
    is changed; '' for an entry of a store older than schema 24."""
    moved_from: str = ""
    """The unit id it was recorded under, where ``okrdesk move-unit`` moved it to
    ``plan_unit`` since (the plan's unit id changed); '' for one never moved."""
    moved: str | None = None
    """When it was last moved (ISO time, UTC); None for one never moved."""
