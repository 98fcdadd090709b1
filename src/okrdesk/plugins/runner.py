"""Ask plugins for observations, one plugin at a time, and check every one.

A plugin that raises loses its whole contribution to the run; a metric with
any invalid observation is dropped whole, so a team's total never silently
misses a person. Everything else lands, and every failure is named.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import threading
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import attrs

from okrdesk.model import MetricKind, MetricSpec, Observation, Plan
from okrdesk.periods import Period
from okrdesk.plugins.hookspecs import CollectRequest
from okrdesk.plugins.manager import PluginHost, describe_error

MAX_MESSAGES_PER_METRIC = 5
DEFAULT_TIMEOUT = 300.0
TIMEOUT_ENV = "OKRDESK_PLUGIN_TIMEOUT"


def plugin_timeout(configured: float | None) -> float:
    """Seconds one plugin call may take: $OKRDESK_PLUGIN_TIMEOUT, else the workspace's
    ``plugin_timeout``, else 300."""
    raw = os.environ.get(TIMEOUT_ENV)
    if raw:
        try:
            return max(0.01, float(raw))
        except ValueError:
            pass
    return configured if configured is not None else DEFAULT_TIMEOUT


def _run_with_timeout(
    call: Callable[..., Any], request: CollectRequest, checker: _Checker, timeout: float
) -> str | None:
    """Run one plugin call in a worker thread; a message when it failed or hung."""
    outcome: list[BaseException] = []

    def work() -> None:
        try:
            call(request=request, emit=checker)
        except BaseException as error:
            outcome.append(error)

    worker = threading.Thread(target=work, name="okrdesk-plugin", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        checker.closed = True
        return f"okrdesk_collect did not finish within {timeout:g} s and was left behind"
    if outcome:
        if isinstance(outcome[0], KeyboardInterrupt):
            raise outcome[0]
        return f"okrdesk_collect failed: {describe_error(outcome[0])}"
    return None


@attrs.frozen
class PluginError:
    plugin: str
    metric: str | None
    message: str

    def __str__(self) -> str:
        about = f" metric {self.metric}" if self.metric else ""
        return f"plugin {self.plugin}{about}: {self.message}"


@attrs.define
class Collected:
    observations: list[Observation] = attrs.Factory(list)
    errors: list[PluginError] = attrs.Factory(list)
    plugin_of: dict[str, str] = attrs.Factory(dict)
    """metric → plugin, for each metric that was collected whole."""


@attrs.define
class _Checker:
    """The ``emit`` callback given to one plugin: checks and buffers observations."""

    plugin: str
    specs: Mapping[str, MetricSpec]
    subjects: frozenset[str]
    periods: frozenset[str]
    kept: dict[tuple[str, str, str], Observation] = attrs.Factory(dict)
    problems: dict[str, list[str]] = attrs.Factory(dict)
    refused: dict[str, int] = attrs.Factory(dict)
    closed: bool = False
    """Set when the plugin ran out of time: anything it emits after that is ignored."""

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
    ) -> None:
        if self.closed:
            return
        spec = self.specs.get(metric)
        if spec is None:
            self._refuse(str(metric), "emitted, but this plugin was not asked for it")
            return
        found = self._check(spec, subject, period, value, numerator, denominator)
        if found:
            self._refuse(metric, f"{subject} {period}: {found}")
            return
        key = (metric, subject, period)
        if key in self.kept:
            self._refuse(metric, f"{subject} {period}: emitted twice")
            return
        observation = Observation(
            metric, subject, period, _float(value), _float(numerator), _float(denominator),
            str(source)[:2000],
        )  # fmt: skip
        problems = observation.problems(spec)
        if problems:
            self._refuse(metric, f"{subject} {period}: {'; '.join(problems)}")
            return
        self.kept[key] = observation

    def error(self, metric: str, message: str) -> None:
        self._refuse(str(metric), str(message)[:500])

    def _check(
        self,
        spec: MetricSpec,
        subject: object,
        period: object,
        value: object,
        numerator: object,
        denominator: object,
    ) -> str:
        if subject not in self.subjects:
            return f"no person or unit {subject!r} in the plan"
        if period not in self.periods:
            return f"period {period!r} was not asked for"
        ratio = spec.kind is MetricKind.RATIO
        if ratio and value is not None:
            return "a ratio metric takes numerator and denominator, not value"
        if not ratio and (numerator is not None or denominator is not None):
            return f"a {spec.kind.value} metric takes value, not numerator and denominator"
        for name, given in (
            ("value", value),
            ("numerator", numerator),
            ("denominator", denominator),
        ):
            if given is not None and (
                isinstance(given, bool) or not isinstance(given, int | float)
            ):
                return f"{name} must be a number, not {type(given).__name__}"
        return ""

    def _refuse(self, metric: str, message: str) -> None:
        # A plugin may emit millions of bad figures: keep a few to show, count the rest.
        shown = self.problems.setdefault(metric, [])
        if len(shown) < MAX_MESSAGES_PER_METRIC:
            shown.append(message)
        self.refused[metric] = self.refused.get(metric, 0) + 1

    def results(self) -> tuple[list[Observation], list[PluginError]]:
        errors = []
        for metric, shown in self.problems.items():
            total = self.refused[metric]
            more = total - len(shown)
            text = "; ".join(shown) + (f"; and {more:,} more" if more else "")
            count = f"{total:,} problems" if total > 1 else "a problem"
            errors.append(PluginError(self.plugin, metric, f"{text} ({count}, none kept)"))
        kept = [o for o in self.kept.values() if o.metric not in self.problems]
        return kept, errors


def _float(number: float | None) -> float | None:
    if number is None:
        return None
    try:
        return float(number)
    except OverflowError:  # an int too large for a float is as unusable as infinity
        return math.inf


def collect(
    host: PluginHost,
    plan: Plan,
    metrics: Iterable[str],
    periods: Iterable[Period],
    through: dt.date,
    workspace: Path,
    progress: Callable[[str, int], None] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> Collected:
    """Collect ``metrics`` over ``periods`` from the plugins that declare them.

    ``progress(plugin, metric_count)`` is called before each plugin runs. A
    plugin that has not returned after ``timeout`` seconds is reported and
    left behind; whatever it emits later is ignored.
    """
    host.load()
    periods = tuple(periods)
    wanted: dict[str, list[MetricSpec]] = {}
    result = Collected()
    for metric in sorted(set(metrics)):
        owner = host.owners.get(metric)
        if owner is None:
            result.errors.append(PluginError("-", metric, "no loaded plugin provides it"))
        else:
            wanted.setdefault(owner, []).append(host.metrics[metric])
    implementations = dict(host.implementations("okrdesk_collect"))
    subjects = frozenset(p.id for p in plan.people) | frozenset(u.id for u in plan.units)
    for plugin, specs in wanted.items():
        if progress is not None:
            progress(plugin, len(specs))
        call = implementations.get(plugin)
        if call is None:
            result.errors.append(
                PluginError(plugin, None, "declares metrics but has no okrdesk_collect hook")
            )
            continue
        request = CollectRequest(
            metrics=tuple(specs),
            people=plan.people,
            units=plan.units,
            periods=periods,
            through=through,
            settings=_settings(host, plugin),
            workspace=workspace,
        )
        checker = _Checker(
            plugin, {s.name: s for s in specs}, subjects, frozenset(p.id for p in periods)
        )
        failure = _run_with_timeout(call, request, checker, timeout)
        if failure is not None:
            result.errors.append(PluginError(plugin, None, failure))
            continue
        kept, errors = checker.results()
        result.observations.extend(kept)
        result.errors.extend(errors)
        failed = {e.metric for e in errors}
        result.plugin_of.update({s.name: plugin for s in specs if s.name not in failed})
    return result


def _settings(host: PluginHost, plugin: str) -> Mapping[str, Any]:
    return host.sources.get(plugin, {})


__all__ = ["Collected", "PluginError", "collect"]
