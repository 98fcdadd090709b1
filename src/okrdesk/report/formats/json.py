"""The report as JSON for other programs: the model itself, dates as ISO strings.

Numbers follow one rule in every field (docs/report.md, "The JSON schema"):
each is the computed value rounded half-up to 12 significant digits and
written as a plain decimal, so ``0.9800000000000001`` is ``0.98`` and
``8.999999999999997e-05`` is ``0.00009``; never an exponent, never float noise.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TextIO

from okrdesk.plugins.hookspecs import RenderContext, ReportFormat, hookimpl

SIGNIFICANT = 12


def number(value: float) -> str:
    """``value`` as JSON writes it: 12 significant digits, half-up, no exponent."""
    exact = Decimal(repr(value))
    if not exact.is_finite():
        raise ValueError(f"{value!r} cannot be written in JSON")
    if exact.is_zero():
        return "0"
    step = Decimal(1).scaleb(exact.adjusted() - SIGNIFICANT + 1)
    text = format(exact.quantize(step, rounding=ROUND_HALF_UP), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


_SCALAR = json.JSONEncoder(ensure_ascii=False).encode
"""Strings, ints, booleans and null as json writes them (it escapes control characters):
one encoder for the report's thousands of them, where ``json.dumps`` with an option of
its own makes one for each."""


def dumps(data: object, indent: str = "") -> str:
    """JSON text of unstructured data, two spaces per level, numbers by ``number``."""
    inner = indent + "  "
    if isinstance(data, dict):
        if not data:
            return "{}"
        items = [f"{inner}{_SCALAR(str(k))}: {dumps(v, inner)}" for k, v in data.items()]
        return "{\n" + ",\n".join(items) + f"\n{indent}}}"
    if isinstance(data, list | tuple):
        if not data:
            return "[]"
        return "[\n" + ",\n".join(f"{inner}{dumps(v, inner)}" for v in data) + f"\n{indent}]"
    if isinstance(data, float):
        return number(data)
    return _SCALAR(data)


def render(report: Any, out: TextIO, context: RenderContext) -> None:
    import attrs
    import cattrs
    from cattrs.gen import make_dict_unstructure_fn, override

    from okrdesk.report.document import (
        UNWRITTEN,
        Report,
        ReportAlert,
        ReportKeyResult,
        ReportMember,
        ReportObjective,
        ReportUnit,
        ReportUnmeasured,
    )

    converter = cattrs.Converter()
    converter.register_unstructure_hook(dt.date, lambda day: day.isoformat())
    # A key result without a slice or a breakdown is written as before dimensions, and
    # one the latest collect asked for it got as before that was told.
    converter.register_unstructure_hook(ReportKeyResult, make_dict_unstructure_fn(
        ReportKeyResult, converter, where=override(omit_if_default=True),
        breakdown=override(omit_if_default=True), band=override(omit_if_default=True),
        not_collected=override(omit_if_default=True),
        no_rows_kind=override(omit_if_default=True),
        split_credit=override(omit_if_default=True),
    ))  # fmt: skip
    # A key result on a metric no plugin declares is written as before clashes were told
    # (registered before ReportObjective's, which takes the hook of its fields when made).
    converter.register_unstructure_hook(ReportUnmeasured, make_dict_unstructure_fn(
        ReportUnmeasured, converter, declared_by=override(omit_if_default=True),
    ))  # fmt: skip
    # A member whose key results can all be measured is written as before that was told.
    converter.register_unstructure_hook(ReportMember, make_dict_unstructure_fn(
        ReportMember, converter, unmeasured=override(omit_if_default=True),
        capped=override(omit_if_default=True), phases_to_come=override(omit_if_default=True),
        without_data=override(omit_if_default=True),
    ))  # fmt: skip
    # An objective whose every key result has a figure is written as before that was told.
    converter.register_unstructure_hook(ReportObjective, make_dict_unstructure_fn(
        ReportObjective, converter, unmeasured=override(omit_if_default=True),
        capped=override(omit_if_default=True), pooled=override(omit_if_default=True),
    ))  # fmt: skip
    # A unit is written as before a person's role was told in words.
    converter.register_unstructure_hook(ReportUnit, make_dict_unstructure_fn(
        ReportUnit, converter, role=override(omit_if_default=True),
    ))  # fmt: skip
    # An alert is its words: what they were worded from stays with the text report.
    unwritten: dict[str, Any] = {field.name: override(omit=True)
                                 for field in attrs.fields(ReportAlert)
                                 if field.metadata.get(UNWRITTEN)}  # fmt: skip
    converter.register_unstructure_hook(
        ReportAlert, make_dict_unstructure_fn(ReportAlert, converter, **unwritten)
    )
    # A ranking --depth did not cut is written as before that was told.
    converter.register_unstructure_hook(Report, make_dict_unstructure_fn(
        Report, converter, depth=override(omit_if_default=True),
        left_out_by_depth=override(omit_if_default=True),
    ))  # fmt: skip
    out.write(dumps(converter.unstructure(report)) + "\n")


@hookimpl
def okrdesk_report_formats(register: Callable[[ReportFormat], None]) -> None:
    register(
        ReportFormat("json", "okrdesk.report/1 for other programs", render, (".json",),
                     human=False, description_zh="okrdesk.report/1，供其他程序读取")
    )  # fmt: skip
