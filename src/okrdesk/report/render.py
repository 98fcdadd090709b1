"""Hand a built report to a format: the one path from report model to output."""

from __future__ import annotations

import datetime as dt
import operator
import types
import typing
from typing import IO, Any

import attrs

from okrdesk.errors import OkrdeskError, Said, printable
from okrdesk.plugins.hookspecs import RenderContext, ReportFormat
from okrdesk.report.document import Report


def render(report: Report, fmt: ReportFormat, out: IO[Any], context: RenderContext) -> None:
    """Write ``report`` in ``fmt``; formats for people get text safe to show. A plugin's
    format that fails is told as one line naming its own line, never a traceback; what it
    prints never reaches the report, and is its error."""
    shown = printable_copy(report) if fmt.human else report
    if str(getattr(fmt.render, "__module__", "")).startswith("okrdesk."):
        fmt.render(shown, out, context)  # okrdesk's own format: an error is a bug of okrdesk's
        return
    from okrdesk.plugins.manager import quiet
    from okrdesk.plugins.time_limit import OutOfTime, interrupted, limited, plugin_timeout

    printed: list[str] = []
    printed_zh: dict[str, str] = {}
    seconds = plugin_timeout(context.plugin_timeout)
    try:
        # ``out``: the stdout it held before. Where that is okrdesk's standard output, what
        # reaches file descriptor 1 is the report, not caught.
        with quiet(printed, printed_zh, owner=fmt.render, descriptors=not _standard(out)):
            limited(seconds, lambda: fmt.render(shown, out, context))
    except OkrdeskError:
        raise
    except OutOfTime as error:
        if (stopped := interrupted(error)) is not None:
            raise stopped from None
        from okrdesk.plugins.failures import stopped_at
        from okrdesk.plugins.time_limit import LONGER

        at, at_zh = stopped_at(error, fmt.render)
        raise OkrdeskError(Said(
            f"report format {fmt.name} did not finish within {seconds:g} s and was stopped"
            f"{at}{LONGER[0]}",
            f"报告格式 {fmt.name} 在 {seconds:g} 秒内未完成，已{at_zh}停止{LONGER[1]}",
        )) from None  # fmt: skip
    except BaseException as error:  # sys.exit(), its own KeyboardInterrupt: its failure
        if (stopped := interrupted(error)) is not None:
            raise stopped from None
        from okrdesk.plugins.failures import describe_error

        said = Said(describe_error(error, fmt.render), describe_error(error, fmt.render, lang="zh"))
        raise OkrdeskError(Said(f"report format {fmt.name} failed: {said.en}",
                                f"报告格式 {fmt.name} 出错：{said.zh}")) from None  # fmt: skip
    if printed:
        raise OkrdeskError(Said(f"report format {fmt.name} {printed[0]}",
                                f"报告格式 {fmt.name} {printed_zh[printed[0]]}"))  # fmt: skip


def _standard(out: IO[Any]) -> bool:
    """Whether ``out`` writes to okrdesk's standard output or error themselves."""
    try:
        return out.fileno() in (1, 2)
    except Exception:  # no file descriptor (a file in memory, a test's capture)
        return False


_PLAIN = (int, float, type(None), dt.date)
"""What holds no text: a report's numbers, flags and days."""
_PLAIN_TYPES = frozenset({int, float, bool, type(None), dt.date})
_NO_TEXT: set[object] = set(_PLAIN_TYPES)
"""The plain types, and the records found to have no field that may hold text (a trend's
points, hundreds in a report)."""


def _printable(value: Any) -> Any:
    """``value`` with its text made printable; the very same object where nothing in it
    needed to change (most reports), so that nothing is copied for nothing."""
    kind = type(value)
    if kind is str:
        return value if value.isprintable() else printable(value)
    if kind in _NO_TEXT:  # the most common, found without a chain of isinstance
        return value
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, _PLAIN):
        return value
    if isinstance(value, tuple):
        cleaned = tuple(map(_printable, value))
        return value if all(map(operator.is_, cleaned, value)) else cleaned
    if isinstance(value, dict):
        pairs = [(k, v, _printable(k), _printable(v)) for k, v in value.items()]
        if all(k is k2 and v is v2 for k, v, k2, v2 in pairs):
            return value
        return {k2: v2 for _, _, k2, v2 in pairs}
    names = _TEXT_FIELDS.get(kind)
    if names is None:
        names = _TEXT_FIELDS[kind] = _text_fields(kind)
        if not names:
            _NO_TEXT.add(kind)
    changed = {}
    for name in names:
        shown = getattr(value, name)
        cleaned = _printable(shown)
        if cleaned is not shown:
            changed[name] = cleaned
    return attrs.evolve(value, **changed) if changed else value


_TEXT_FIELDS: dict[type, tuple[str, ...]] = {}
_PLAIN_ANNOTATIONS = frozenset({"int", "float", "bool", "None", "dt.date"})
"""Field types that hold no text, as the report's records write them."""


def _text_fields(kind: type) -> tuple[str, ...]:
    """The fields of a record of ``kind`` that may hold text: all but those declared as
    numbers, flags or days (a report's trend is thousands of dated numbers); none for
    what is not a record."""
    fields = getattr(kind, "__attrs_attrs__", ())
    return tuple(field.name for field in fields if not _holds_no_text(field.type))


def _holds_no_text(declared: object) -> bool:
    """Whether a field's declared type is numbers, flags or days only: as written
    (``"float | None"``) or as resolved (``attrs.resolve_types`` gives the types)."""
    if isinstance(declared, str):
        return {part.strip() for part in declared.split("|")} <= _PLAIN_ANNOTATIONS
    union = typing.get_origin(declared) in (typing.Union, types.UnionType)
    return all(
        part in _PLAIN_TYPES for part in (typing.get_args(declared) if union else (declared,))
    )


def printable_copy(report: Report) -> Report:
    """The report with every piece of text safe to show: no control characters,
    no terminal escapes, no bidi overrides (they are shown as escapes)."""
    cleaned: Report = _printable(report)
    return cleaned
