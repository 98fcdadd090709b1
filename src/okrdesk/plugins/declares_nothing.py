"""A plugin that loads without an error and declares nothing: no metric, no report format.
okrdesk never calls its other hooks (a collect asks a plugin only for the metrics it
declared), so it sits in ``okrdesk plugins`` doing nothing, often for a hook's name
misspelt (``okrdesk_metric``), which pluggy passes by as any other function. It is told
as a warning naming the plugin and, where a function's name is close to a hook's, the
hook meant, at the function's line.
"""

from __future__ import annotations

from collections.abc import Collection
from types import ModuleType

from okrdesk.errors import Said
from okrdesk.plugins.failures import defined_at
from okrdesk.plugins.hookspecs import hookimpl

_DECLARING = frozenset({"okrdesk_metrics", "okrdesk_report_formats", "okrdesk_collect"})
"""The hooks of a plugin meant to give metrics or report formats: with one of them and
nothing declared, it gives nothing."""


def near_hooks(
    plugin: object, how: tuple[str, str] | None, hooks: Collection[str]
) -> list[tuple[str, str, str | None]]:
    """Each function of ``plugin``'s own code whose name is close to one of ``hooks`` and
    is none of them: its name, the hook it may mean, and where it is defined."""
    import difflib

    own = plugin.__name__ if isinstance(plugin, ModuleType) else type(plugin).__module__
    found = []
    for name in sorted(dir(plugin)):
        if name.startswith("__") or name in hooks:
            continue
        try:
            function = getattr(plugin, name)
        except Exception:  # an attribute that cannot be read is no function of its own
            continue
        code = getattr(function, "__code__", None)
        if code is None or getattr(function, "__module__", None) != own:
            continue
        close = difflib.get_close_matches(name, list(hooks), n=1, cutoff=0.6)
        if close:
            found.append((code.co_firstlineno, name, close[0], defined_at(function, plugin, how)))
    return [(name, meant, at) for _, name, meant, at in sorted(found)]


def near_said(near: list[tuple[str, str, str | None]]) -> Said:
    """Each of ``near_hooks``' functions as what to make of it, after a "; "."""
    en = "".join(
        f"; {name}{f' (at {at})' if at else ''} is no hook of okrdesk: did you mean {meant}? "
        f"name it so, with @hookimpl on the line above its def"
        for name, meant, at in near
    )
    zh = "".join(
        f"；{name}{f'（位于 {at}）' if at else ' '}不是 okrdesk 的钩子：是不是 {meant}？"
        "请改用这个名字，并在它的 def 上一行写 @hookimpl"
        for name, meant, at in near
    )
    return Said(en, zh)


def nothing_declared(
    plugin: object,
    how: tuple[str, str] | None,
    implemented: Collection[str],
    hooks: Collection[str],
    *,
    local: bool,
) -> Said | None:
    """What to warn of a loaded ``plugin`` that declared no metric and no report format,
    with the hooks it ``implemented`` (of okrdesk's ``hooks``). None where there is nothing
    amiss to tell of it: a workspace's file (``local``) with no hook, no function named like
    one and no ``hookimpl``, the helpers its other plugins import; a plugin of a settings
    check or demo data alone (``validate``, ``demo`` call them) with no function so named."""
    near = near_hooks(plugin, how, hooks)
    marks = any(value is hookimpl for value in vars(plugin).values()) if local else True
    if not near and (not marks if not implemented else not _DECLARING & set(implemented)):
        return None
    listed = ", ".join(sorted(hooks))
    if "okrdesk_metrics" in implemented:
        at = defined_at(getattr(plugin, "okrdesk_metrics", None), plugin, how)
        place, place_zh = (f" (at {at})", f"（位于 {at}）") if at else ("", " ")
        en = (f"declares nothing: its okrdesk_metrics{place} registered no metric, and it has no "
              "report format, so okrdesk never collects from it; call register(MetricSpec(…)) "
              "there for each metric")  # fmt: skip
        zh = (f"没有声明任何内容：它的 okrdesk_metrics{place_zh}没有登记任何指标，"
              "也没有报告格式，okrdesk 因此从不向它采集；"
              "请在其中为每个指标调用 register(MetricSpec(…))")  # fmt: skip
    elif "okrdesk_collect" in implemented:
        en = ("declares nothing: it has no okrdesk_metrics and no okrdesk_report_formats, so "
              "okrdesk never calls its okrdesk_collect")  # fmt: skip
        zh = ("没有声明任何内容：它既没有 okrdesk_metrics，也没有 okrdesk_report_formats，"
              "okrdesk 因此从不调用它的 okrdesk_collect")  # fmt: skip
    elif implemented:
        en = ("declares nothing: it has no okrdesk_metrics and no okrdesk_report_formats, so it "
              "gives no metric and no report format")  # fmt: skip
        zh = ("没有声明任何内容：它既没有 okrdesk_metrics，也没有 okrdesk_report_formats，"
              "因此不提供任何指标或报告格式")  # fmt: skip
    else:
        en = (f"declares nothing: it has none of okrdesk's hooks ({listed}) marked @hookimpl, so "
              "okrdesk never calls it")  # fmt: skip
        zh = (f"没有声明任何内容：它没有任何标记了 @hookimpl 的 okrdesk 钩子"
              f"（{'、'.join(sorted(hooks))}），okrdesk 因此从不调用它")  # fmt: skip
    more = near_said(near)
    return Said(en + more.en, zh + more.zh)
