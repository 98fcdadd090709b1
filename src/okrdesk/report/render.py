"""Render a report in any format; templates can be overridden by name.

Markdown and HTML come from jinja2 templates: ``--templates DIR`` first, then
the workspace's own ``templates/``, then the ones shipped with okrdesk.
"""

from __future__ import annotations

import re
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

import attrs
import jinja2
from markupsafe import Markup, escape

from okrdesk.errors import BadInput, printable
from okrdesk.report import format as fmt
from okrdesk.report.charts import burnup_svg
from okrdesk.report.jsonout import render_json
from okrdesk.report.labels import label, status
from okrdesk.report.model import Report, off_track
from okrdesk.report.numbers import money, percent, ratio
from okrdesk.report.text import render_text
from okrdesk.resources import shipped

FORMATS = ("text", "md", "html", "json")
TEMPLATE_OF = {"md": "report.md.j2", "html": "report.html.j2"}

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")


def markdown_text(value: object) -> str:
    """User text made inert in Markdown: one line, special characters escaped."""
    text = " ".join(str(value).split())
    return _MD_SPECIAL.sub(r"\\\1", text)


def _printable(value: Any) -> Any:
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, tuple):
        return tuple(_printable(v) for v in value)
    if isinstance(value, dict):
        return {_printable(k): _printable(v) for k, v in value.items()}
    if attrs.has(type(value)):
        return attrs.evolve(value, **{
            f.name: _printable(getattr(value, f.name)) for f in attrs.fields(type(value))
        })  # fmt: skip
    return value


def printable_copy(report: Report) -> Report:
    """The report with every piece of text safe to show: no control characters,
    no terminal escapes, no bidi overrides (they are shown as escapes)."""
    cleaned: Report = _printable(report)
    return cleaned


def environment(folders: Sequence[Path]) -> jinja2.Environment:
    loader = jinja2.FileSystemLoader([str(f) for f in folders if f.is_dir()])
    env = jinja2.Environment(
        loader=loader,
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "html.j2")),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        md=markdown_text, money=money, percent=percent, ratio=ratio,
    )  # fmt: skip
    env.globals.update(
        label=label, status=status, value=fmt.value, change=fmt.change,
        sparkline=fmt.sparkline, burnup=burnup_svg, off_track=off_track, escape=escape,
        Markup=Markup,
    )  # fmt: skip
    return env


def template_folders(workspace: Path, extra: Path | None) -> list[Path]:
    folders = [extra] if extra is not None else []
    if extra is not None and not extra.is_dir():
        raise BadInput(f"--templates {extra}: no such folder")
    return [*folders, workspace / "templates", shipped("templates")]


def render(
    report: Report,
    fmt_name: str,
    out: TextIO,
    workspace: Path,
    templates: Path | None = None,
    plan_start: object = None,
    plan_end: object = None,
    width: int | None = None,
) -> None:
    if fmt_name == "json":
        out.write(render_json(report))  # JSON escapes control characters itself
        return
    report = printable_copy(report)
    if fmt_name == "text":
        render_text(report, out, width)
    else:
        env = environment(template_folders(workspace, templates))
        try:
            template = env.get_template(TEMPLATE_OF[fmt_name])
            out.write(template.render(r=report, lang=report.lang, start=plan_start, end=plan_end))
        except jinja2.TemplateError as error:
            where, line = _template_position(error, TEMPLATE_OF[fmt_name])
            raise BadInput(
                f"{where}{f':{line}' if line else ''}: template error: {error}"
            ) from None


def _template_position(error: jinja2.TemplateError, name: str) -> tuple[str, int | None]:
    """Which template file and line went wrong; jinja puts template lines in tracebacks."""
    filename = getattr(error, "filename", None)
    line = getattr(error, "lineno", None)
    if line is None:
        for frame in reversed(traceback.extract_tb(error.__traceback__)):
            if frame.filename.endswith(name):
                filename, line = frame.filename, frame.lineno
                break
    return filename or name, line
