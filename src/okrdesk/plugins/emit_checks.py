"""Every figure a plugin emits, checked in okrdesk's process before anything is stored.

A ``Checker`` is the ``emit`` one plugin call is given (or the one its process's
relay feeds): it refuses a figure for a metric, subject or period not asked for, of
the wrong type or kind, not finite, too large, negative where its metric cannot be,
fractional where it counts, or emitted twice, naming the figure and the source rows
the plugin cited; a metric with any refused figure is dropped whole, so a team's
total never silently misses a person. What passes is spooled and handed to the
``Keeper``, a metric at a time.
"""

from __future__ import annotations

import datetime as dt
import decimal
import functools
import itertools
import math
import re
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, TypeVar, cast

import attrs

from okrdesk.errors import Said, printable
from okrdesk.model import (
    SLICE_SEPARATOR,
    MetricKind,
    MetricSpec,
    Observation,
    person_key,
    plugin_error_text,
)
from okrdesk.periods import DaysHeld
from okrdesk.plugins.citations import may_be_worded_zero, source_text, worded_zero
from okrdesk.plugins.emit_relay import (
    SOURCE_LIMIT,
    Columns,
    Unsendable,
    filled,
    kept_source,
    many_columns,
    other_number,
)
from okrdesk.plugins.like_mistakes import LikeMistakes
from okrdesk.plugins.spool import EmittedTwice, Spool, SpooledRow

MAX_MESSAGES_PER_METRIC = 5


def _not_an_id(subject: object, period: object) -> Said | None:
    """What is wrong with a ``subject`` or ``period`` that is not text: emit takes ids, and
    a plugin handing over the ``Person`` or ``Period`` itself is told to give its id."""
    for field, given, what, what_zh, written in (
        ("subject", subject, "a person or unit", "人员或单位", "person.id"),
        ("period", period, "a period asked for", "所要周期", "period.id"),
    ):
        if isinstance(given, int | float) and not isinstance(given, bool):
            number = Said(
                f"{field} must be the id of {what} ({written}), text, not a number",
                f"{field} 必须是{what_zh}的 id（{written}），应为文本，不能是数",
            )
            if field == "period":
                return number
            return Said(  # a staff number an .xlsx export holds as a number: ids are text
                f"{number.en}: a number an export holds (a staff number) names no one of "
                "the plan; map it to the id it stands for",
                f"{number.zh}：导出文件中的编号（如工号）不是计划里的 id；请把它对应到所代表的 id",
            )
        if not isinstance(given, str):
            kind = given.type_name if isinstance(given, Unsendable) else type(given).__name__
            return Said(f"{field} must be the id of {what} ({written}), not a {kind}",
                        f"{field} 必须是{what_zh}的 id（{written}），不能是 {kind}")  # fmt: skip
    return None


_ASKED_SHOWN = 12
"""The metrics a collect asked of a plugin named in the refusal of one it was not asked
for: a firm's source may be asked for hundreds."""


@attrs.frozen
class PluginError:
    plugin: str
    metric: str | None
    message: str
    zh: str = ""
    """The message in Chinese, where okrdesk wrote it (a plugin's own is as it gave it)."""

    def __str__(self) -> str:
        return plugin_error_text(self.plugin, self.metric, self.message)

    def said(self, lang: str) -> str:
        """The message in ``lang``, where okrdesk has it so."""
        return self.zh if lang == "zh" and self.zh else self.message


Keeper = Callable[[Mapping[str, str], Iterator[SpooledRow]], int]
"""Stores one plugin call's sound metrics (metric → plugin) and their figures, as spooled
rows grouped by metric, subject and period; how many it stored."""


_Method = TypeVar("_Method", bound=Callable[..., None])


def _while_open(method: _Method) -> _Method:
    """``method`` of a ``Checker``, run holding its gate, and not at all once closed."""

    @functools.wraps(method)
    def guarded(self: Checker, *args: Any, **kwargs: Any) -> None:
        with self._gate:
            if not self.closed:
                method(self, *args, **kwargs)

    return cast(_Method, guarded)


@attrs.define
class Checker:
    """The ``emit`` callback given to one plugin: checks and buffers observations."""

    plugin: str
    specs: Mapping[str, MetricSpec]
    subjects: frozenset[str]
    periods: frozenset[str]
    declared: frozenset[str] = frozenset()
    """Every metric a loaded plugin declares: a name emitted outside them may be one of
    ``specs`` misspelt (``strays``)."""
    names: tuple[tuple[str, str], ...] = ()
    """(id, name) of each person and unit of the plan: a subject that is none of the ids
    may be a name, as a CRM writes its managers (``_not_in_plan``)."""
    strays: set[str] = attrs.Factory(set)
    """The names emitted that this plugin was not asked for."""
    problems: dict[str, list[LikeMistakes]] = attrs.Factory(dict)
    refused: dict[str, int] = attrs.Factory(dict)
    warned: list[tuple[str, Said]] = attrs.Factory(list)
    """(metric, what was said: the plugin's words, and its Chinese where it gave one)."""
    unshown: dict[str, int] = attrs.Factory(dict)
    """How many warnings of each metric came after the first ``MAX_MESSAGES_PER_METRIC``:
    counted, so the rows they left out are not lost without a word."""
    unchecked: Said | None = None
    """How the plugin's settings check failed (``Refusal.unchecked``), if it did."""
    closed: bool = False
    """Set when the plugin ran out of time (``close``): anything it emits after that is
    ignored."""
    keep: Keeper | None = None
    """Takes a metric the plugin has finished (``finished``) at once, while the plugin
    goes on (a collect sets it aside, to store with the rest); only in the thread
    ``home``."""
    home: int | None = None
    done: set[str] = attrs.Factory(set)
    """The metrics the plugin said it has finished (``emit.finished``)."""
    kept: dict[str, str] = attrs.Factory(dict)
    """metric → plugin, for each finished metric already stored."""
    stored: int = 0
    """How many observations ``keep`` stored for the finished metrics."""
    spans: dict[str | None, tuple[dt.date, dt.date]] = attrs.Factory(dict)
    """The days the plugin said its source holds (``emit.covers``): for one metric, or
    (None) for every metric of the call."""
    storing: float = 0.0
    """Seconds spent storing finished metrics: not counted against the plugin's time."""
    spool: Spool = attrs.field(init=False)
    _gate: threading.RLock = attrs.field(init=False, factory=threading.RLock)
    """Held by each call of ``emit`` while it runs, and by ``close``: a call left behind
    that was part-way through one when its time ran out has finished it before the
    collect goes on to read what was emitted, and any call after that is ignored."""
    _rules: dict[str, _Rule] = attrs.field(init=False)
    """metric → what the quick check asks of its figures (``_Rule``), once."""

    def close(self) -> None:
        """The plugin's time is up: wait for a call of ``emit`` under way to end, and
        ignore every one after it."""
        with self._gate:
            self.closed = True

    def __attrs_post_init__(self) -> None:
        self.spool = Spool(self._emitted_twice)
        self._rules = {name: _rule(spec) for name, spec in self.specs.items()}

    @_while_open
    def __call__(
        self,
        metric: str,
        subject: str,
        period: str,
        *,
        value: float | None = None,
        numerator: float | None = None,
        denominator: float | None = None,
        source: str = "",
        dimensions: object = None,
        no_rows: object = False,
    ) -> None:
        if self.closed:
            return
        self._take(metric, subject, period, value, numerator, denominator, source, dimensions,
                   no_rows)  # fmt: skip

    def many(
        self,
        metric: str,
        subjects: Iterable[str],
        periods: Iterable[str],
        *,
        values: Iterable[float | None] | None = None,
        numerators: Iterable[float | None] | None = None,
        denominators: Iterable[float | None] | None = None,
        sources: Iterable[str] | None = None,
        dimensions: Iterable[Mapping[str, str] | None] | None = None,
        no_rows: Iterable[bool] | None = None,
    ) -> None:
        """``emit.many``: observations of one metric as columns, the i-th of each column
        making the i-th observation; each is checked as ``emit`` checks one."""
        columns = many_columns(
            subjects, periods, values, numerators, denominators, sources, dimensions, no_rows
        )
        self.take_columns(metric, columns)

    @_while_open
    def take_columns(self, metric: Any, columns: Columns) -> None:
        """One ``emit.many``'s columns (``many_columns``): spooled at once when every
        figure is plainly sound, else checked one at a time, in order."""
        if self.closed or self._took_plainly(metric, columns):
            return
        take = self._take
        for row in zip(*filled(columns), strict=True):
            take(metric, *row)

    def _took_plainly(self, metric: Any, columns: Columns) -> bool:
        """Spool the columns as rows when every figure passes ``_take``'s quick check,
        and say so; False, having spooled nothing, when any does not."""
        subjects, periods, values, numerators, denominators, sources, dimensions, marks = columns
        rule = self._rules.get(metric) if type(metric) is str else None
        if rule is None:
            return False
        if marks is None or not any(marks):
            marks = [False] * len(subjects)
        elif not (self.specs[metric].kind is MetricKind.FLOW
                  and all(type(mark) is bool for mark in marks)):  # fmt: skip
            return False
        cuts = _plain_slices(dimensions, rule[2], len(subjects))
        if cuts is None:
            return False
        try:
            if not (self.subjects.issuperset(subjects) and self.periods.issuperset(periods)):
                return False
        except TypeError:  # an item that cannot be hashed
            return False
        if sources is None:
            sources = [""] * len(subjects)
        elif not all(type(s) is str and len(s) <= SOURCE_LIMIT for s in sources):
            return False
        ratio, never_negative, _, whole, most, most_numerator, most_denominator, parts, kept = rule
        rows: list[SpooledRow] = []
        add = rows.append
        if ratio:
            if numerators is None or denominators is None:
                return False
            if values is not None and any(v is not None for v in values):
                return False
            for s, p, n, d, source, cut in zip(
                subjects, periods, numerators, denominators, sources, cuts, strict=True
            ):
                if not _plain_parts(n, d, most_numerator, most_denominator, parts, never_negative):
                    return False
                add((metric, s, p, cut, None, _as_stored(n, kept[1]), _as_stored(d, kept[2]),
                     source, 0))  # fmt: skip
        else:
            if values is None:
                return False
            for column in (numerators, denominators):
                if column is not None and any(x is not None for x in column):
                    return False
            # A plugin written before no_rows marks its zeros by their words alone: each
            # a whole figure of a flow (decided once for the metric), as ``_check_one``
            # marks it, rather than the whole call checked one figure at a time.
            worded = self.specs[metric].kind is MetricKind.FLOW
            for s, p, v, source, cut, mark in zip(
                subjects, periods, values, sources, cuts, marks, strict=True
            ):
                if not _plain_value(v, never_negative, whole, most):
                    return False
                if mark:
                    if v != 0 or cut:
                        return False
                elif v == 0 and worded and not cut and may_be_worded_zero(source):
                    mark = worded_zero(metric, source)
                add((metric, s, p, cut, _as_stored(v, kept[0]), None, None, source, int(mark)))
        self.spool.extend(rows)
        return True

    @_while_open
    def take(self, rows: Iterable[tuple[Any, ...]]) -> None:
        """A batch of what the plugin emitted, each row ``(metric, subject, period, value,
        numerator, denominator, source, dimensions, no_rows)``, checked and spooled in
        order."""
        if self.closed:
            return
        take = self._take
        for row in rows:
            take(*row)

    def _take(
        self,
        metric: Any,
        subject: Any,
        period: Any,
        value: Any,
        numerator: Any,
        denominator: Any,
        source: Any,
        dimensions: Any,
        no_rows: Any = False,
    ) -> None:
        # The common case, decided with a few comparisons and spooled as a plain row:
        # a figure of a metric asked for, whole or a slice with a plain value for each
        # of its dimensions, a subject and period asked for, finite numbers of the kind
        # the metric takes. Anything else is checked by ``_check_one``, which words
        # every refusal.
        rule = self._rules.get(metric) if type(metric) is str else None
        cut: str | None = ""
        if rule is not None and dimensions is not None:
            cut = _plain_slice(dimensions, rule[2])
        if (
            rule is not None
            and cut is not None
            and subject in self.subjects
            and period in self.periods
            and type(source) is str
            and len(source) <= SOURCE_LIMIT
            and no_rows is False
        ):
            ratio, never_negative, _, whole, most, most_numerator, most_denominator, parts, kept = (
                rule
            )
            if ratio:
                if value is None and _plain_parts(
                    numerator, denominator, most_numerator, most_denominator, parts,
                    never_negative,
                ):  # fmt: skip
                    self.spool.add((metric, subject, period, cut, None,
                                    _as_stored(numerator, kept[1]),
                                    _as_stored(denominator, kept[2]), source, 0))  # fmt: skip
                    return
            elif (
                numerator is None
                and denominator is None
                and _plain_value(value, never_negative, whole, most)
                and not (value == 0 and may_be_worded_zero(source))
            ):
                self.spool.add((metric, subject, period, cut, _as_stored(value, kept[0]), None,
                                None, source, 0))  # fmt: skip
                return
        self._check_one(metric, subject, period, value, numerator, denominator, source,
                        dimensions, no_rows)  # fmt: skip

    def _check_one(
        self,
        metric: Any,
        subject: Any,
        period: Any,
        value: Any,
        numerator: Any,
        denominator: Any,
        source: Any,
        dimensions: Any,
        no_rows: Any = False,
    ) -> None:
        if type(metric) is str and metric in self.done:
            late = Said(f"emitted {_AFTER_FINISHED.en}", f"{_AFTER_FINISHED.zh}给出")
            self._refuse(metric, _at(subject, period, late, ""), (late, subject, period))
            return
        spec = self.specs.get(metric)
        if spec is None:
            self.strays.add(str(metric))
            self._refuse(str(metric), self._not_asked(str(metric)))
            return
        found = self._check(spec, subject, period, value, numerator, denominator)
        if found is not None:
            named = subject not in self.subjects and found == _not_in_plan(subject, self.names)
            why = _A_NAME_FOR_ID if named and _named(subject, self.names) else found
            self._refuse(metric, lambda: _at(subject, period, found, source),
                         (why, subject, period))  # fmt: skip
            return
        if dimensions is not None and not isinstance(dimensions, Mapping):
            self._refuse(metric, _at(subject, period, _NOT_A_MAPPING, ""),
                         (_NOT_A_MAPPING, subject, period))  # fmt: skip
            return
        observation = Observation(
            metric, subject, period, _float(value), _float(numerator), _float(denominator),
            kept_source(source), dimensions or {}, no_rows,
        )  # fmt: skip
        problems = observation.problems(spec)
        if problems:
            listed = Said("; ".join(p.en for p in problems), "；".join(p.zh for p in problems))
            self._refuse(metric, lambda: _at(subject, period, listed, source),
                         (listed, subject, period))  # fmt: skip
            return
        o = observation
        # A zero a plugin written to the earlier docs marks by its words alone.
        marked = o.no_rows or (not o.dimensions and spec.kind is MetricKind.FLOW
                               and o.value == 0 and worded_zero(o.metric, o.source))  # fmt: skip
        decimals = spec.stored_decimals
        self.spool.add(
            (o.metric, o.subject, o.period, o.slice, _as_stored(o.value, decimals[0]),
             _as_stored(o.numerator, decimals[1]), _as_stored(o.denominator, decimals[2]),
             o.source, int(marked))
        )  # fmt: skip

    def _misspelt(self) -> None:
        """Refuse, for this run, each metric asked for whose name the plugin also emitted
        misspelt (a name no plugin declares, closest to it): some of its figures went
        astray, and those it gave under its own name would replace the stored ones with
        fewer (one person's figure gone). Its stored figures stay as they are."""
        for stray in sorted(self.strays - self.declared):
            meant = meant_metric(stray, self.specs)
            if meant is None or meant in self.kept or meant in self.problems:
                continue
            self._refuse(meant, Said(
                f"figures meant for it came as {stray} (above): a name misspelt in emit? "
                "This run stores none of its figures, and keeps those stored before",
                f"本应属于它的数字以 {stray} 给出（见上）：emit 里的指标名写错了？"
                "本次不入库它的任何数字，已存的数字照原样保留",
            ))  # fmt: skip

    def _not_asked(self, metric: str) -> Said:
        """What a figure of a metric this collect did not ask the plugin for is told: a
        name misspelt in ``emit``, or a metric of its own the plan does not use."""
        asked = sorted(self.specs)
        meant = meant_metric(metric, self.specs)
        close = [meant] if meant is not None else []
        mean, mean_zh = (
            (f' (did you mean "{close[0]}"?)', f"（是不是“{close[0]}”？）") if close else ("", "")
        )
        shown, more = asked[:_ASKED_SHOWN], len(asked) - _ASKED_SHOWN
        rest, rest_zh = (
            (f", … ({len(asked)} in all)", f"等 {len(asked)} 个") if more > 0 else ("", "")
        )
        return Said(
            f"emitted, but this plugin was not asked for it{mean}: it was asked for "
            f"{', '.join(shown)}{rest} (request.metrics); emit only those",
            f"给出了，但没有向此插件要这个指标{mean_zh}：要的是 {'、'.join(shown)}{rest_zh}"
            "（request.metrics）；只给出这些指标的数",
        )

    def _emitted_twice(self, row: SpooledRow) -> None:
        self._refuse(row[0], _at(row[1], row[2], _TWICE, ""), (_TWICE, row[1], row[2]))

    @_while_open
    def error(self, metric: str, message: str, *, zh: str = "") -> None:
        metric = str(metric)
        late = metric in self.done
        after = f"emit.error {_AFTER_FINISHED.en}: " if late else ""
        after_zh = f"{_AFTER_FINISHED.zh}调用 emit.error：" if late else ""
        words = str(message)[:500]
        self._refuse(metric, Said(after + words, after_zh + (str(zh)[:500] or words)))

    @_while_open
    def finished(self, metric: str) -> None:
        """``emit.finished``: the plugin has handed over everything it will emit for
        ``metric``. Anything more for it is refused; where it may (``keep``, in the
        thread ``home``), a sound metric is handed to ``keep`` at once, apart from the others."""
        metric = str(metric)
        if self.closed or metric in self.done:
            return
        if metric not in self.specs:
            self._refuse(metric, Said("emit.finished for a metric this plugin was not asked for",
                                      "对没有向此插件要的指标调用了 emit.finished"))  # fmt: skip
            return
        self.done.add(metric)
        # Taken from the quick check, so that whatever comes for it next is refused.
        self._rules.pop(metric, None)
        if self.keep is None or threading.get_ident() != self.home:
            return
        self.spool.flush()  # a figure held in memory and emitted twice is found here
        if metric in self.refused:
            return
        started = time.monotonic()
        try:
            # A figure in the spool's file emitted twice is found as it is read: refused,
            # and the store's transaction, rolled back, keeps nothing of it.
            self.stored += self.keep({metric: self.plugin}, self.spool.settled_rows([metric]))
            self.kept[metric] = self.plugin
            self.spool.drop(metric)
        except EmittedTwice:
            pass
        finally:
            self.storing += time.monotonic() - started

    @_while_open
    def covers(self, first_day: dt.date, last_day: dt.date, metric: str | None = None) -> None:
        """``emit.covers``: the plugin's source holds only the days from ``first_day`` to
        ``last_day`` (a rolling export), for ``metric`` or, None, every metric of the call;
        said twice, the days both hold. A call okrdesk cannot read fails the metrics it is
        for, which then keep what is stored."""
        if metric is not None and (type(metric) is not str or metric not in self.specs):
            name = str(metric)
            self.strays.add(name)  # a name misspelt: the metric meant keeps what is stored
            self._refuse(name, Said("emit.covers for a metric this plugin was not asked for",
                                    "对没有向此插件要的指标调用了 emit.covers"))  # fmt: skip
            return
        for_them = [metric] if metric is not None else sorted(self.specs)
        wrong = _days_wrong(first_day, last_day)
        for name in for_them:
            if name in self.done:
                late = Said(f"emit.covers {_AFTER_FINISHED.en}",
                            f"{_AFTER_FINISHED.zh}调用 emit.covers")  # fmt: skip
                self._refuse(name, late, (late, "", ""))
            elif wrong is not None:
                self._refuse(name, wrong, (wrong, "", ""))
        if wrong is not None:
            return
        first_day, last_day = _plain_day(first_day), _plain_day(last_day)
        was = self.spans.get(metric)
        if was is not None:
            first_day, last_day = max(was[0], first_day), min(was[1], last_day)
        self.spans[metric] = (first_day, last_day)

    def days_held(self) -> dict[str, DaysHeld]:
        """Metric → the days its source holds, for each metric the plugin said it of."""
        found: dict[str, DaysHeld] = {}
        every = self.spans.get(None)
        for name, spec in self.specs.items():
            own = self.spans.get(name)
            if own is None and every is None:
                continue
            first, last = own or every  # type: ignore[misc]
            if own is not None and every is not None:
                first, last = max(first, every[0]), min(last, every[1])
            found[name] = DaysHeld(first, last, summed=spec.adds_up_over_time)
        return found

    @_while_open
    def warning(self, metric: str, message: str, *, zh: str = "") -> None:
        if self.closed:
            return
        if sum(m == metric for m, _ in self.warned) < MAX_MESSAGES_PER_METRIC:
            self.warned.append((str(metric), Said(str(message)[:500], str(zh)[:500])))
        else:
            self.unshown[str(metric)] = self.unshown.get(str(metric), 0) + 1

    def _check(
        self,
        spec: MetricSpec,
        subject: object,
        period: object,
        value: object,
        numerator: object,
        denominator: object,
    ) -> Said | None:
        if (not_an_id := _not_an_id(subject, period)) is not None:
            return not_an_id
        if subject not in self.subjects:
            return _not_in_plan(subject, self.names)
        if period not in self.periods:
            return _period_not_asked(period, self.periods)
        ratio = spec.kind is MetricKind.RATIO
        if ratio and value is not None:
            return Said(
                "a ratio metric takes numerator and denominator, not value: emit the two "
                "numbers the rate is made of (numerator=12, denominator=120 for 10%), never "
                "the rate itself, so that a team's rate is its members' numerators over "
                "their denominators",
                "比率指标要给分子和分母，不是 value：请给构成比率的两个数"
                "（10% 即 numerator=12、denominator=120），不要给比率本身，"
                "团队的比率才能按成员的分子之和除以分母之和计算",
            )
        if not ratio and (numerator is not None or denominator is not None):
            kind = spec.kind.value
            return Said(f"a {kind} metric takes value, not numerator and denominator",
                        f"{kind} 指标要给 value，不是分子和分母")  # fmt: skip
        for name, given in (
            ("value", value),
            ("numerator", numerator),
            ("denominator", denominator),
        ):
            if given is not None and (
                isinstance(given, bool) or not isinstance(given, int | float | decimal.Decimal)
            ):
                kind = given.type_name if isinstance(given, Unsendable) else type(given).__name__
                said = Said(f"{name} must be a number, not {kind}",
                            f"{name} 必须是数字，不能是 {kind}")  # fmt: skip
                if given.number if isinstance(given, Unsendable) else other_number(given):
                    said = Said(f"{said.en}: give an int, a float or a Decimal (int(x) or "
                                "float(x) of a numpy or pandas number)",
                                f"{said.zh}：请给 int、float 或 Decimal（numpy、pandas 的数"
                                "可用 int(x) 或 float(x) 转换）")  # fmt: skip
                return said
            if (too_large := _too_large(name, given)) is not None:
                return too_large
        return None

    def _refuse(
        self,
        metric: str,
        message: str | Said | Callable[[], Said],
        mistake: tuple[Said, object, object] | None = None,
    ) -> None:
        """Refuse one of ``metric``'s figures: ``message`` in English (a plugin's own words,
        or okrdesk's for its authors) or in both languages, or what words it when asked
        (a message citing the figure's source, worded only when it is kept). ``mistake``:
        what was wrong, and the subject and period it was wrong for, where the message
        names them; the same mistake for another is counted with the first told."""
        # A plugin may emit millions of bad figures: keep a few to show, count the rest.
        self.refused[metric] = self.refused.get(metric, 0) + 1
        shown = self.problems.setdefault(metric, [])
        why, subject, period = mistake or (None, "", "")
        first = next((told for told in shown if why and told.mistake == why), None)
        if first is not None:
            first.add(subject, period)
        elif len(shown) < MAX_MESSAGES_PER_METRIC:
            if callable(message):
                message = message()
            said = message if isinstance(message, Said) else Said(message, message)
            if all(told.said != said for told in shown):  # the same words again: counted
                shown.append(LikeMistakes(said, why, str(subject), str(period),
                                          by_subject=why == _A_NAME_FOR_ID))  # fmt: skip

    def results(self) -> list[PluginError]:
        """The metrics refused, each with a few of its problems; call when the plugin
        is done (its figures are looked through for any emitted twice first)."""
        self.spool.settle()
        self._misspelt()
        errors = []
        for metric, alike in self.problems.items():
            total = self.refused[metric]
            more = total - sum(1 + told.like for told in alike)
            shown = [told.told() for told in alike]
            text = "; ".join(said.en for said in shown)
            count = f"{total:,} problems" if total > 1 else "1 problem"
            kept = metric in self.kept
            fate = _KEPT_WHEN_FINISHED if kept else "none of its figures stored"
            fate_zh = "emit.finished 之前给出的已入库并保留" if kept else "均未入库"
            en = text + (f"; and {more:,} more" if more else "") + f" ({count}; {fate})"
            zh = (
                "；".join(said.zh for said in shown)
                + (f"；另有 {more:,} 个" if more else "")
                + f"（共 {total:,} 个问题，{fate_zh}）"
            )
            errors.append(PluginError(self.plugin, metric, en, zh))
        return errors


def _days_wrong(first_day: object, last_day: object) -> Said | None:
    """What is wrong with the days given to ``emit.covers``: each a day
    (``datetime.date``, not a datetime nor text), the first not after the last."""
    for name, given in (("first_day", first_day), ("last_day", last_day)):
        if not isinstance(given, dt.date) or isinstance(given, dt.datetime):
            kind = given.type_name if isinstance(given, Unsendable) else type(given).__name__
            return Said(
                f"emit.covers: {name} must be a day (datetime.date), not {kind}",
                f"emit.covers：{name} 必须是日期（datetime.date），不能是 {kind}",
            )
    if first_day > last_day:  # type: ignore[operator]
        return Said(
            f"emit.covers: first_day {first_day} is after last_day {last_day}; give the "
            "first and the last day the source holds",
            f"emit.covers：first_day {first_day} 晚于 last_day {last_day}；"
            "请给数据源所含的第一天和最后一天",
        )
    return None


def _plain_day(day: object) -> dt.date:
    """A day as a ``datetime.date`` itself, not a subclass of it (tomlkit's)."""
    assert isinstance(day, dt.date)
    return dt.date(day.year, day.month, day.day)


_AFTER_FINISHED = Said(
    "after emit.finished for this metric, which a plugin must not do",
    "在此指标的 emit.finished 之后（插件不得如此）",
)


_KEPT_WHEN_FINISHED = "what it emitted before emit.finished is stored"


_TWICE = Said("emitted twice", "重复给出")


_NOT_A_MAPPING = Said("dimensions must be a mapping of text", "dimensions 必须是文本的映射")


def _at(subject: object, period: object, why: Said, source: object) -> Said:
    """A refused figure's message: its subject and period, ``why``, and its source."""
    cited = _cited(source)
    subject, period = _headed(subject), _headed(period)
    return Said(
        f"{subject} {period}: {why.en}{cited.en}", f"{subject} {period}：{why.zh}{cited.zh}"
    )


def _headed(given: object) -> object:
    """A subject or period as a refusal's head shows it: a ``Person`` or ``Period`` handed
    over for its id as ``<Period>``, as it reaches a collect from a plugin's own process,
    not its whole repr (every field of it, dates and all) before the words that matter."""
    if isinstance(given, str | int | float | Unsendable):
        return given
    return f"<{type(given).__name__}>"


def _cited(source: object) -> Said:
    """A refused figure's source, as its plugin gave it (the file and rows behind it), to
    find the row that is wrong: " (from SQL metric nps: nps.csv row 3)", in Chinese
    "（来自 SQL 指标 nps：nps.csv 第 3 行）" (``source_text``)."""
    if not isinstance(source, str) or not source.strip():
        return Said("", "")
    shown = printable(source)
    zh = source_text(shown, "zh")[:_SHOWN_SOURCE]
    return Said(f" (from {shown[:_SHOWN_SOURCE]})", f"（来自 {zh}）")


_SHOWN_SOURCE = 200


_Rule = tuple[
    bool, bool, tuple[str, ...], bool, float, float, float, tuple[bool, bool],
    tuple[int | None, int | None, int | None],
]  # fmt: skip
"""What the quick check asks of a metric's figures: whether it is a ratio, whether its
value cannot be negative, its dimensions sorted, whether its figures are whole counts,
the largest its value, numerator and denominator may be, whether a ratio's
numerator and denominator must each be whole, and the decimals each is stored to
(``MetricSpec.stored_decimals``)."""


def _rule(spec: MetricSpec) -> _Rule:
    """The quick check's rule for ``spec``'s figures (``_Rule``)."""
    most = [spec.most_in_one_figure(part) for part in ("value", "numerator", "denominator")]
    value, numerator, denominator = (_FINITE_HIGH if m is None else m for m in most)
    return (
        spec.kind is MetricKind.RATIO,
        spec.never_below_zero,
        tuple(sorted(spec.dimensions)),
        spec.whole_counts,
        value,
        numerator,
        denominator,
        spec.whole_parts,
        spec.stored_decimals,
    )


def _as_stored(figure: float | None, decimals: int | None) -> float | None:
    """``figure`` as it is stored: a float, to ``decimals`` where given, a half rounded up
    as a branch rounds (四舍五入: 0.125元 is 0.13元, and 2.675元, which binary holds a hair
    below, 2.68元), where Python's ``round`` gives the even digit of the binary value."""
    if figure is None:
        return None
    figure = float(figure)
    if decimals is None or round(figure, decimals) == figure:  # most: no more decimals
        return figure + 0.0
    step = _STEPS[decimals]
    return float(decimal.Decimal(repr(figure)).quantize(step, decimal.ROUND_HALF_UP)) + 0.0


_STEPS = {places: decimal.Decimal(1).scaleb(-places) for places in range(16)}
"""The step of each number of decimals a figure is stored to (0.01 for 2)."""


def _plain_value(value: Any, never_negative: bool, whole: bool, most: float) -> bool:
    """A value the quick check keeps: a finite number no larger than ``most`` either way,
    not negative where the metric cannot be, whole where it must be (``_check_one``
    words the refusal of anything else)."""
    return (
        type(value) in _NUMBERS
        and -most <= value <= most
        and (value >= 0 or not never_negative)
        and (not whole or type(value) is int or value.is_integer())
    )


def _plain_parts(numerator: Any, denominator: Any, most_numerator: float,
                 most_denominator: float, whole: tuple[bool, bool],
                 never_negative: bool) -> bool:  # fmt: skip
    """A ratio's parts the quick check keeps: finite numbers within their bounds, the
    denominator not negative, nor the numerator where the metric is declared
    ``never_negative``, 0 only with a numerator of 0, and whole where the metric
    declares the part a count."""
    return (
        type(numerator) in _NUMBERS
        and type(denominator) in _NUMBERS
        and -most_numerator <= numerator <= most_numerator
        and (numerator >= 0 or not never_negative)
        and 0 <= denominator <= most_denominator
        and bool(denominator or not numerator)
        and (not whole[0] or type(numerator) is int or numerator.is_integer())
        and (not whole[1] or type(denominator) is int or denominator.is_integer())
    )


def _plain_slices(
    dimensions: Iterable[object] | None, names: tuple[str, ...], count: int
) -> Iterable[str] | None:
    """Each figure's slice text for a column of ``dimensions`` (None: every figure
    whole), as ``_take`` finds it for each figure; None when any is not plain. A slice's
    dimensions given as one object for many figures (as a plugin keeps them) are read
    once."""
    if dimensions is None:
        return itertools.repeat("", count)
    cuts: list[str] = []
    read: dict[int, str] = {}
    for given in dimensions:
        if given is None:
            cuts.append("")
            continue
        cut = read.get(id(given))
        if cut is None:
            cut = _plain_slice(given, names)
            if cut is None:
                return None
            read[id(given)] = cut
        cuts.append(cut)
    return cuts


def _plain_slice(dimensions: object, names: tuple[str, ...]) -> str | None:
    """The slice's text (as ``slice_of`` writes it) when ``dimensions`` gives exactly the
    metric's dimensions ``names`` (sorted) plain, printable, non-empty text; else None,
    for the full check to word what is wrong."""
    if type(dimensions) is not dict or not names or len(dimensions) != len(names):
        return None
    parts = []
    for name in names:
        given = dimensions.get(name)
        if (
            type(given) is not str
            or not given.strip()
            or SLICE_SEPARATOR in given
            or not given.isprintable()
        ):
            return None
        parts.append(f"{name}={given}")
    return SLICE_SEPARATOR.join(parts)


_NUMBERS = (int, float)
"""The types a figure may have (exactly: ``bool`` is a subclass of ``int`` but no number)."""


def _too_large(name: str, given: object) -> Said | None:
    """What to say of a whole number or Decimal too large for any figure (past a float's
    range, where it would be told as infinity, which the plugin never gave)."""
    if isinstance(given, int) and not _FINITE_LOW <= given <= _FINITE_HIGH:
        digits = math.floor(math.log10(abs(given))) + 1
    elif isinstance(given, decimal.Decimal) and given.is_finite() and not math.isfinite(given):
        digits = given.adjusted() + 1
    else:
        return None
    return Said(f"{name} is too large to be a figure (a number of about {digits:,} digits)",
                f"{name} 过大，不可能是实际数字（约 {digits:,} 位的数）")  # fmt: skip


def meant_metric(name: str, asked: Iterable[str]) -> str | None:
    """The metric of ``asked`` that ``name``, emitted though not asked for, is closest to
    (a name misspelt in ``emit``): the one "did you mean" names. None where none is
    close."""
    import difflib

    close = difflib.get_close_matches(name, sorted(asked), n=1, cutoff=0.6)
    return close[0] if close else None


_A_NAME_FOR_ID = Said("a person's or unit's name given for its id", "给了人员或单位的名字而不是 id")
"""One mistake however many names it was made with: each figure of a CRM's names is told
once, at the first, with the other names it was made with."""


def _named(subject: object, names: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """The (id, name) of the plan's people and units that ``subject`` is the name of."""
    if not isinstance(subject, str):
        return []
    key = person_key(subject)
    return [(id_, name) for id_, name in names if person_key(name) == key]


def _not_in_plan(subject: object, names: Sequence[tuple[str, str]]) -> Said:
    """What ``emit`` says of a ``subject`` that is no id of the plan. A CRM writes its
    managers' names, or ids in its own capitals: such a subject is told the plan's id to
    give, as the SQL source tells its ``subject`` column."""
    said = Said(f"no person or unit {subject!r} in the plan", f"计划里没有人员或单位 {subject!r}")
    if not isinstance(subject, str):
        return said
    key = person_key(subject)
    named = _named(subject, names)
    if named:
        whose = ", ".join(f"{id_} ({name})" for id_, name in named)
        whose_zh = "、".join(f"{id_}（{name}）" for id_, name in named)
        return Said(f"{said.en}: it is the name of {whose}; emit the id (person.id)",
                    f"{said.zh}：这是计划里 {whose_zh}的名字；请给 id（person.id）")  # fmt: skip
    alike = sorted({id_ for id_, _ in names if id_.casefold() == key})
    if alike:
        return Said(
            f"{said.en}, but for its capitals or spaces {', '.join(alike)} is: ids are "
            "matched exactly",
            f"{said.zh}，只是大小写或空格与 {'、'.join(alike)} 不同：id 须完全一致",
        )
    return said


def _period_not_asked(period: object, asked: frozenset[str]) -> Said:
    """What ``emit`` says of a ``period`` no period asked for has as its id: a day
    (``2026-01-06``) or a period of another grain written where a period's id goes is
    told the form the ids have, by the first of them."""
    if not asked:
        return Said(f"period {period!r} was not asked for", f"没有要周期 {period!r} 的数字")
    first, last = min(asked), max(asked)
    if isinstance(period, str) and {_shape(id_) for id_ in asked} == {_shape(period)}:
        if period > last:  # a row dated after request.through, put in its own week
            return Said(
                f"period {period!r} was not asked for: it comes after {last}, the last of "
                "request.periods; put each row into the period whose start and end hold "
                "its date, and count none dated after request.through",
                f"没有要周期 {period!r} 的数字：它在 request.periods 的最后一个周期 {last} "
                "之后；请按每行的日期放入 start 至 end 包含该日的周期，"
                "晚于 request.through 的行不要计入",
            )
        if period < first:  # a row dated before the plan, or before the periods asked
            return Said(
                f"period {period!r} was not asked for: it comes before {first}, the first "
                "of request.periods; put each row into the period whose start and end hold "
                "its date, and leave out rows dated before request.periods[0].start "
                "(say so with emit.warning)",
                f"没有要周期 {period!r} 的数字：它在 request.periods 的第一个周期 {first} "
                "之前；请按每行的日期放入 start 至 end 包含该日的周期，"
                "早于 request.periods[0].start 的行不要计入（用 emit.warning 说明）",
            )
    return Said(
        f"period {period!r} was not asked for: give the id of one of request.periods "
        f"(period.id, such as {first})",
        f"没有要周期 {period!r} 的数字：请给 request.periods 中某个周期的 id"
        f"（period.id，如 {first}）",
    )


def _shape(period_id: str) -> str:
    """A period id with its digits blanked: ``2026-W03`` and ``2025-W53`` are ids of one
    grain, ``2026-01-06`` (a day) is not."""
    return re.sub("[0-9]", "9", period_id)


def _float(number: float | decimal.Decimal | None) -> float | None:
    if number is None:
        return None
    try:
        return float(number)
    except OverflowError:  # an int too large for a float is as unusable as infinity
        return math.inf
    except ValueError:  # a signalling NaN Decimal: no number, refused as any NaN is
        return math.nan


_FINITE_LOW, _FINITE_HIGH = -sys.float_info.max, sys.float_info.max
"""Between these, a float is finite and an int converts to a float without overflow."""
