"""What a plugin is told when another declares a metric of the same name.

Metric names are global: two plugins declaring one name both lose it. Where one of
them is a metric the workspace writes itself in okrdesk.toml (an SQL query, a
formula), renaming it there is the fix, and the message says where.
"""

from __future__ import annotations

from collections.abc import Sequence

WRITTEN_IN_SETTINGS = ("sql", "derived")
"""The built-in plugins whose metrics are defined in okrdesk.toml, [[sources.NAME.metrics]]."""


def declared_twice(metric: str, owner: str, others: Sequence[str]) -> tuple[str, str]:
    """What ``owner`` is told, in English and in Chinese, of ``metric`` being declared by
    ``others`` too."""
    named = ", ".join(others)
    written = [o for o in others if o in WRITTEN_IN_SETTINGS]
    if owner in WRITTEN_IN_SETTINGS:
        advice = (
            f"rename this one in okrdesk.toml (its name in [[sources.{owner}.metrics]]), "
            f"or remove {named}",
            f"请在 okrdesk.toml 中给这一个改名（[[sources.{owner}.metrics]] 中的 name），"
            f"或移除 {named}",
        )
    elif written:
        advice = (
            f"rename the one in okrdesk.toml (its name in [[sources.{written[0]}.metrics]])",
            f"请在 okrdesk.toml 中给那一个改名（[[sources.{written[0]}.metrics]] 中的 name）",
        )
    else:
        advice = (
            "give one of them another name, or remove one of the plugins",
            "请给其中一个改名，或移除其中一个插件",
        )
    return (
        f'metric "{metric}" is also declared by {named}; neither is used: {advice[0]}',
        f"指标“{metric}”也由 {named} 声明；两者都不采用：{advice[1]}",
    )
