"""The hooks that hand their results over through a callback (``register``, ``emit``)
and return nothing: what one of them returns is read by no one, so a plugin author who
returned their metrics or figures, as many plugin systems ask, would see them vanish
without a word. It is the plugin's error instead, saying what to call."""

from __future__ import annotations

from collections.abc import Sized

from okrdesk.plugins.failures import defined_at, worded

HANDED_OVER: dict[str, tuple[str, str]] = {
    "okrdesk_metrics": ("each metric to register(MetricSpec(...))",
                        "把每个指标交给 register(MetricSpec(...))"),
    "okrdesk_collect": ("each figure to emit(metric, subject, period, value=...)",
                        "把每个数交给 emit(metric, subject, period, value=...)"),
    "okrdesk_report_formats": ("each format to register(ReportFormat(...))",
                               "把每种格式交给 register(ReportFormat(...))"),
}  # fmt: skip
"""Each hook that must return None → how it hands over its results instead."""


def returned_something(hook: str, given: object, function: object, plugin: object) -> Exception:
    """The ``TypeError`` a hook of ``HANDED_OVER`` is told with when its ``function``
    returned ``given``, at the function's ``def`` line."""
    import inspect  # here: only a plugin that returned something needs it

    what = type(given).__name__
    items = len(given) if isinstance(given, Sized) else 0
    count, count_zh = (f" of {items} items", f"（{items} 项）") if items > 1 else ("", "")
    at = defined_at(function, plugin)
    place, place_zh = (f" (at {at})", f"（位于 {at}）") if at else ("", "")
    how, how_zh = HANDED_OVER[hook]
    if inspect.isgenerator(given) or inspect.iscoroutine(given):
        # Its body never ran: a ``yield`` (or ``async def``) made it return at once. Closed,
        # a coroutine is not warned of as never awaited (a print, which fails a collect).
        given.close()
        generator = inspect.isgenerator(given)
        kind = "a generator (it has yield)" if generator else "a coroutine (async def)"
        kind_zh = "生成器（函数里有 yield）" if generator else "协程（async def）"
        return worded(
            TypeError,
            f"{hook} is {kind}, so okrdesk never runs its body: hand {how} instead, and "
            f"return nothing{place}",
            f"{hook} 是{kind_zh}，okrdesk 不会运行其函数体：请改为{how_zh}，不要返回任何值"
            f"{place_zh}",
        )
    return worded(
        TypeError,
        f"{hook} returned a {what}{count}, which okrdesk does not read: hand {how} "
        f"instead, and return nothing{place}",
        f"{hook} 返回了 {what}{count_zh}，okrdesk 不读取返回值：请改为{how_zh}，不要返回任何值"
        f"{place_zh}",
    )
