"""Helpers for testing okrdesk plugins, for plugin authors and okrdesk itself.

``registered_plugin`` makes a plugin object visible to every okrdesk command
run inside the ``with`` block, so a test can drive the real CLI with it.
``check_plugin`` runs a plugin's hooks through the same checks okrdesk applies
to every plugin (``emit``, ``emit.many`` and ``emit.finished`` alike: anything
emitted for a metric after it was said finished is a problem) and returns what
it declared, what it collected and every problem found.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import attrs

from okrdesk.errors import Said
from okrdesk.model import MetricSpec, Observation, OrgUnit, Person, Plan, PluginLine
from okrdesk.periods import DaysHeld, Grain, periods_within
from okrdesk.plugins.failures import worded
from okrdesk.plugins.manager import EXTRA_PLUGINS, PluginHost
from okrdesk.plugins.runner import PluginError, collect
from okrdesk.plugins.time_limit import plugin_timeout


@contextmanager
def registered_plugin(plugin: object, name: str = "test-plugin") -> Iterator[None]:
    """Load ``plugin`` (a module or any object with hook functions) inside the block."""
    if name in EXTRA_PLUGINS:
        raise worded(ValueError, f"a plugin named {name!r} is already registered",
                     f"已注册了名为 {name!r} 的插件")  # fmt: skip
    EXTRA_PLUGINS[name] = plugin
    try:
        yield
    finally:
        del EXTRA_PLUGINS[name]


@attrs.frozen
class PluginCheck:
    """What ``check_plugin`` found, its ``problems`` and ``warnings`` in its ``lang``."""

    metrics: Mapping[str, MetricSpec]
    observations: Sequence[Observation]
    problems: Sequence[str]
    warnings: Sequence[str] = ()
    lang: str = "en"
    days_held: Mapping[str, DaysHeld] = attrs.Factory(dict)
    """Metric → the days the plugin said its source holds (``emit.covers``), for each
    metric it said it of: ``.first``, ``.last``."""

    def assert_valid(self) -> None:
        """Fail with every problem listed when the plugin broke any rule."""
        header = "插件有问题：\n" if self.lang == "zh" else "plugin problems:\n"
        assert not self.problems, header + "\n".join(self.problems)

    def value(
        self, metric: str, subject: str, period: str, dimensions: Mapping[str, str] | None = None
    ) -> Observation:
        """The figure for ``metric``, ``subject`` and ``period`` as ``okrdesk collect``
        stores it: the whole, which for a metric emitted in slices is their sum (value,
        numerator and denominator each added), or with ``dimensions`` that one slice."""
        from okrdesk.store.wholes import with_wholes

        wanted = dict(dimensions or {})
        key = (metric, subject, period)
        found = (o for o in self.observations if (o.metric, o.subject, o.period) == key)
        for observation in with_wholes(found):
            if dict(observation.dimensions) == wanted:
                return observation
        about = f"{metric} {subject} {period}" + (f" {wanted}" if wanted else "")
        raise KeyError(
            f"没有 {about} 的数字" if self.lang == "zh" else f"no observation for {about}"
        )


def check_plugin(
    plugin: object,
    *,
    people: Sequence[Person],
    units: Sequence[OrgUnit] | None = None,
    start: dt.date,
    through: dt.date,
    grain: Grain | str = Grain.WEEK,
    settings: Mapping[str, Any] | None = None,
    workspace: str | os.PathLike[str] | None = None,
    name: str = "plugin-under-test",
    lang: str = "en",
) -> PluginCheck:
    """Declare and collect every metric of ``plugin`` from ``start`` to ``through``.

    ``grain``: ``Grain.WEEK`` (the default), ``Grain.MONTH`` or ``Grain.QUARTER``, or their
    names (``"month"``). ``units``: the plan's units, the first its top; left out, a
    ``branch`` and a team under it for each unit ``people`` name. A person whose unit is
    not among ``units`` given is a ``ValueError``, as a plan with one is refused.

    ``lang``: ``"en"`` (the default) or ``"zh"``, the language of the problems, warnings
    and ``ValueError``s, as ``okrdesk collect --lang`` words them (okrdesk's words in it,
    a plugin's own as it gave them, or in it where it gave both).

    ``workspace``: the folder the plugin reads from, ``request.workspace``, handed over
    as the ``Path`` a collect gives (a test's ``str(tmp_path)`` too: the plugin's
    ``request.workspace / "data"`` failed on it as the plugin's own error); left out,
    the current folder."""
    if lang not in ("en", "zh"):
        raise ValueError(
            f'check_plugin: lang={lang!r} is no language: give "en" or "zh" '
            '（check_plugin：请给 lang="en" 或 "zh"）'
        )
    grain = _grain(grain, lang)
    units = _units(people, units, lang)
    if through < start:  # no period between them: the plugin would be asked for nothing
        raise _said(
            lang,
            f"check_plugin: through={through} is before start={start}: no period lies "
            "between them, so the plugin would be asked for nothing",
            f"check_plugin：through={through} 早于 start={start}：两者之间没有周期，"
            "插件不会被要求给出任何数字",
        )
    # The time limit of a collect ($OKRDESK_PLUGIN_TIMEOUT, else 300 s), for loading and
    # declaring as for collecting: a plugin that hangs fails the check, named.
    limit = plugin_timeout(None)
    host = PluginHost(
        entry_points=False,
        builtins={},
        registered=False,
        sources={name: _as_toml_reads(settings or {})},
        limit=limit,
    )
    record = host.register(plugin, name)
    problems = [Said(error, record.errors_zh.get(error, "")).text(lang) for error in record.errors]
    metrics = {m: host.metrics[m] for m in record.metrics}
    plan = Plan(
        id="check",
        name="check",
        year=start.year,
        start=start,
        end=through,
        top=units[0].id,
        grain=grain,
        units=tuple(units),
        people=tuple(people),
    )
    # As a collect asks: the plan's periods clipped to its days (its first week
    # starts on the plan's first day).
    periods = list(periods_within(start, through, through, grain))
    collected = collect(
        host, plan, metrics, periods, through, Path(workspace or "."), timeout=limit
    )
    problems.extend(_told(e, lang) for e in collected.errors)
    warnings = [_told(w, lang) for w in collected.warnings]
    return PluginCheck(metrics, collected.observations, problems, warnings, lang,
                       dict(collected.days_held))  # fmt: skip


def _told(error: PluginError, lang: str) -> str:
    """A collect's error or warning as ``okrdesk collect`` prints it in ``lang``."""
    return PluginLine(error.plugin, (error.metric,) if error.metric else (),
                      error.said(lang)).text(lang)  # fmt: skip


def _said(lang: str, en: str, zh: str) -> ValueError:
    """A ``ValueError`` of ``check_plugin``'s, in ``lang``, with both (``said``)."""
    error = ValueError(zh if lang == "zh" else en)
    error.said = Said(en, zh)  # type: ignore[attr-defined]
    return error


def _grain(grain: object, lang: str = "en") -> Grain:
    if isinstance(grain, Grain):
        return grain
    if isinstance(grain, str) and grain.lower() in {g.value for g in Grain}:
        return Grain(grain.lower())
    allowed = ", ".join(f"Grain.{g.name}" for g in Grain)
    names = ", ".join(f'"{g.value}"' for g in Grain)
    raise _said(lang, f"check_plugin: grain={grain!r} is not a grain: give {allowed} "
                      f"(from okrdesk.periods), or {names}",
                f"check_plugin：grain={grain!r} 不是时间粒度：请给 {'、'.join(allowed.split(', '))}"
                f"（来自 okrdesk.periods），或 {'、'.join(names.split(', '))}")  # fmt: skip


def _as_toml_reads(value: Any) -> Any:
    """``settings`` as a collect hands them over from okrdesk.toml, which reads a number
    with a fraction as a ``Decimal``: given as the test wrote them (``2.5``, a float), a
    plugin passed its check and failed at its first collect (``Decimal * float``)."""
    from decimal import Decimal

    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, Mapping):
        return {key: _as_toml_reads(inner) for key, inner in value.items()}
    if isinstance(value, list | tuple):
        return [_as_toml_reads(inner) for inner in value]
    return value


def _units(
    people: Sequence[Person], units: Sequence[OrgUnit] | None, lang: str = "en"
) -> tuple[OrgUnit, ...]:
    if units is None:
        teams = dict.fromkeys(p.unit for p in people if p.unit != "branch")
        return (OrgUnit("branch", "Branch", "branch"),
                *(OrgUnit(team, team, "team", parent="branch") for team in teams))  # fmt: skip
    units = tuple(units)
    if not units:
        raise _said(lang, "check_plugin: units= is empty: give the plan's units, its top first",
                    "check_plugin：units= 为空：请给出计划的组织单位，最上级的在前")  # fmt: skip
    known = {unit.id for unit in units}
    for person in people:
        if person.unit not in known:
            raise _said(
                lang,
                f"check_plugin: person {person.id}'s unit {person.unit!r} is not among "
                f"units= ({', '.join(sorted(known))}): add an OrgUnit({person.unit!r}, …) "
                "to units=, or leave units= out to have one made for each person's unit",
                f"check_plugin：人员 {person.id} 的单位 {person.unit!r} 不在 units= "
                f"（{'、'.join(sorted(known))}）之中：请在 units= 中加上 "
                f"OrgUnit({person.unit!r}, …)，或不给 units=，由它为每人的单位各建一个",
            )
    return units


__all__ = ["PluginCheck", "check_plugin", "registered_plugin"]
