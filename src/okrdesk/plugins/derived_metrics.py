"""Derived metrics from okrdesk.toml: formulas over other metrics, never collected.

    [[sources.derived.metrics]]
    name = "aum_per_cm"
    label = "人均客户资产"
    unit = "亿元"
    formula = "aum / headcount_cm"

Each is declared like any plugin's metric, with its ``formula``; the engine
computes it at each subject from the inputs rolled up to that subject, so a
branch's AUM per customer manager is its AUM over its customer managers, not
an average of its teams' figures. Nothing here reads data or runs code.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from okrdesk.errors import Said
from okrdesk.formula import FormulaError, parse
from okrdesk.model import Direction, InvalidValue, MetricKind, MetricSpec
from okrdesk.plugins.hookspecs import SettingsProblem, hookimpl
from okrdesk.plugins.settings_checks import settings_problems
from okrdesk.units import UNITS, did_you_mean_unit

KEYS = ("name", "formula", "unit", "label", "label_en", "direction", "description")


class DerivedMetricError(InvalidValue):
    """A derived metric that cannot be declared; the message names it and the key, in
    English and Chinese (``said``)."""


def definitions(settings: Mapping[str, Any]) -> tuple[list[MetricSpec], list[Said]]:
    """The sound definitions of ``[[sources.derived.metrics]]``, and what is wrong
    with each other one."""
    raw = settings.get("metrics", [])
    if not isinstance(raw, list):
        return [], [
            Said(
                "sources.derived.metrics: expected [[sources.derived.metrics]] tables",
                "sources.derived.metrics: 应为 [[sources.derived.metrics]] 表数组",
            )
        ]
    found: list[MetricSpec] = []
    broken: list[Said] = []
    for index, item in enumerate(raw):
        where = f"sources.derived.metrics[{index}]"
        try:
            found.append(_definition(where, item))
        except DerivedMetricError as error:
            broken.append(error.said)
    return found, broken


def _definition(where: str, item: object) -> MetricSpec:
    if not isinstance(item, Mapping):
        raise DerivedMetricError(f"{where}: expected a table with name, formula and unit",
                                 f"{where}: 应为含 name、formula 和 unit 的表")  # fmt: skip
    unknown = sorted(set(item) - set(KEYS))
    if unknown:
        at, keys = f"{where}.{unknown[0]}", ", ".join(KEYS)
        raise DerivedMetricError(f"{at}: unknown key; expected one of {keys}",
                                 f"{at}: 未知的键；可选：{keys}")  # fmt: skip
    texts = {}
    for key in ("name", "formula", "unit"):
        value = item.get(key)
        if not isinstance(value, str) or not value.strip():
            raise DerivedMetricError(f"{where}.{key}: missing; a derived metric needs a {key}",
                                     f"{where}.{key}: 缺少；派生指标需要 {key}")  # fmt: skip
        texts[key] = value.strip()
    unit = UNITS.get(texts["unit"])
    if unit is None:
        written = repr(texts["unit"])
        mean, mean_zh = did_you_mean_unit(texts["unit"], list(UNITS))
        raise DerivedMetricError(
            f"{where}.unit: {written} is not a unit okrdesk knows{mean}",
            f"{where}.unit: {written} 不是 okrdesk 认识的单位{mean_zh}",
        )
    try:
        formula = parse(texts["formula"])
    except FormulaError as error:
        raise DerivedMetricError(f"{where}.formula: {error}",
                                 f"{where}.formula: {error.zh}") from None  # fmt: skip
    if texts["name"] in formula.inputs:
        raise DerivedMetricError(f"{where}.formula: {texts['name']} cannot be made of itself",
                                 f"{where}.formula: {texts['name']} 不能由它自己算出")  # fmt: skip
    direction = item.get("direction", Direction.AT_LEAST.value)
    if direction not in {d.value for d in Direction}:
        raise DerivedMetricError(f"{where}.direction: expected at_least or at_most",
                                 f"{where}.direction: 应为 at_least 或 at_most")  # fmt: skip
    label = str(item.get("label", texts["name"]))
    return MetricSpec(
        name=texts["name"],
        label_en=str(item.get("label_en", label)),
        label_zh=label,
        kind=MetricKind.RATIO,
        unit=unit,
        direction=Direction(direction),
        description=str(item.get("description", "")),
        formula=formula.text,
    )


@hookimpl
def okrdesk_check_settings(settings: Mapping[str, Any]) -> list[SettingsProblem]:
    """Every broken definition, each at its key, for ``okrdesk validate``."""
    return settings_problems("derived", definitions(settings)[1])


@hookimpl
def okrdesk_metrics(register: Callable[[MetricSpec], None], settings: Mapping[str, Any]) -> None:
    found, broken = definitions(settings)
    for spec in found:
        register(spec)
    if broken:
        raise DerivedMetricError("; ".join(b.en for b in broken), "；".join(b.zh for b in broken))
