"""What a plugin is told when another declares a metric of the same name, and what a
metric no plugin provides is told of the plugins that may.

Metric names are global: two plugins declaring one name both lose it. Where one of
them is a metric the workspace writes itself in okrdesk.toml (an SQL query, a
formula), renaming it there is the fix, and the message says where.
"""

from __future__ import annotations

from collections.abc import Sequence

WRITTEN_IN_SETTINGS = ("sql", "derived")
"""The built-in plugins whose metrics are defined in okrdesk.toml, [[sources.NAME.metrics]]."""


def declared_by_several(owners: Sequence[str]) -> tuple[str, str]:
    """That the plugins ``owners`` all declare a metric and none's is used, in English
    and Chinese: "declared by both rival and yours, so neither's is used"."""
    if len(owners) == 2:
        en = f"declared by both {owners[0]} and {owners[1]}, so neither's is used"
    else:
        en = f"declared by {', '.join(owners[:-1])} and {owners[-1]}, so none of theirs is used"
    return en, f"{'、'.join(owners)} 都声明了它，所以都不采用"


def maybe_from(unloaded: Sequence[str]) -> tuple[str, str]:
    """What follows "no loaded plugin provides it", in English and Chinese, where the
    plugins ``unloaded`` did not load or declare all their metrics: the metric is most
    likely theirs, and their own error is what to fix. Two empty strings for none."""
    if not unloaded:
        return "", ""
    return (
        f"; plugin {', '.join(unloaded)} did not load or declare all its metrics and may "
        "provide it (see its error)",
        f"；插件 {'、'.join(unloaded)} 未能加载或未能声明全部指标，"
        "可能正是提供它的插件（见其错误）",
    )


def not_collected(owners: Sequence[str]) -> tuple[str, str]:
    """What ``collect`` says of a metric the plugins ``owners`` all declare, in English
    and Chinese (and keeps with its run)."""
    (en, zh), (advice, advice_zh) = declared_by_several(owners), clash_advice(owners)
    return f"not collected: it is {en}; {advice}", f"未采集：{zh}；{advice_zh}"


def clash_advice(owners: Sequence[str]) -> tuple[str, str]:
    """What to do about a metric the plugins ``owners`` all declare, in English and
    Chinese: rename the one written in okrdesk.toml, where one is."""
    written = [o for o in owners if o in WRITTEN_IN_SETTINGS]
    if written:
        return (
            f"rename the one in okrdesk.toml (its name in [[sources.{written[0]}.metrics]])",
            f"请在 okrdesk.toml 中给那一个改名（[[sources.{written[0]}.metrics]] 中的 name）",
        )
    return (
        "give one of them another name, or remove one of the plugins",
        "请给其中一个改名，或移除其中一个插件",
    )


def declared_twice(metric: str, owner: str, others: Sequence[str]) -> tuple[str, str]:
    """What ``owner`` is told, in English and in Chinese, of ``metric`` being declared by
    ``others`` too."""
    named = ", ".join(others)
    if owner in WRITTEN_IN_SETTINGS:
        advice = (
            f"rename this one in okrdesk.toml (its name in [[sources.{owner}.metrics]]), "
            f"or remove {named}",
            f"请在 okrdesk.toml 中给这一个改名（[[sources.{owner}.metrics]] 中的 name），"
            f"或移除 {named}",
        )
    else:
        advice = clash_advice(others)
    neither, both = ("neither", "两者") if len(others) == 1 else ("none of them", "它们")
    return (
        f'metric "{metric}" is also declared by {named}; {neither} is used: {advice[0]}',
        f"指标“{metric}”也由 {'、'.join(others)} 声明；{both}都不采用：{advice[1]}",
    )
