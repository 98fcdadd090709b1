"""The hooks an okrdesk plugin can implement.

A plugin is a module (or any object) with functions marked ``@hookimpl``.
It is found through the ``okrdesk`` entry-point group, a ``*.py`` file in a
workspace's ``plugins/`` folder, or is built in. See docs/plugins.md.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, Protocol

import attrs
import pluggy

from okrdesk.model import InvalidValue, MetricSpec, OrgUnit, Person, Plan
from okrdesk.periods import Period
from okrdesk.records import shared_methods

hookspec = pluggy.HookspecMarker("okrdesk")
hookimpl = pluggy.HookimplMarker("okrdesk")


# A command makes only a few of each class here: declared without __slots__, which attrs
# adds by building the class a second time (as report/document.py explains).
@attrs.frozen(slots=False)
@shared_methods
class CollectRequest:
    """What the host asks one plugin to collect."""

    metrics: tuple[MetricSpec, ...]
    """The metrics wanted, all of them declared by this plugin."""
    people: tuple[Person, ...]
    """Everyone the plan knows; observations for anyone else are refused."""
    units: tuple[OrgUnit, ...]
    periods: tuple[Period, ...]
    """The periods wanted, in order, none of them beginning after ``through`` (the last
    may end after it); a row belongs to the one whose ``start`` and ``end`` hold its date,
    never to an ISO week reckoned apart (weeks are cut at the year's edge)."""
    through: dt.date
    """Collect nothing dated after this day, even inside the last period."""
    settings: Mapping[str, Any]
    """The plugin's own table from the workspace's okrdesk.toml: ``[sources.<plugin name>]``;
    a number written with a fraction is a ``decimal.Decimal``, exactly as written."""
    workspace: Path
    """The workspace folder; relative paths in ``settings`` are relative to it."""


class Emit(Protocol):
    """Hands one observation to the host, which checks it before storing it.

    Give ``value`` for stock and flow metrics, ``numerator`` and ``denominator``
    for ratio metrics, all in the base unit of the metric (元, plain counts,
    fractions). ``source`` says where the figure came from precisely enough to
    find the rows again, for example ``"trades.csv rows 18-240"``: rows cited in
    the form docs/plugins.md describes ("Citing the rows behind a figure") are said
    in the reader's language (``trades.csv 第 18–240 行``), any other text as written.

    ``no_rows=True`` marks a flow's 0 for a subject your source covers that had no
    row in the period (a CM with no deal that week): okrdesk stores it as a zero for
    no rows, which an export that came out empty (every such 0, not one figure) never
    puts in place of figures stored; a stock, a ratio, a slice or a value other than
    0 with it is refused.

    ``emit.error(metric, message)`` reports that one metric could not be
    computed; whatever was emitted for it is dropped and the message is shown
    with the plugin's and the metric's name, while the other metrics land.
    ``dimensions`` makes the figure one slice of the metric: a value for each
    dimension the metric declares (``{"product": "equity"}``); okrdesk stores
    the sum of a subject's slices in a period as its whole figure.
    ``emit.warning(metric, message)`` reports something the user should know
    that did not stop the metric (rows left out, say); the metric lands. Either
    takes ``zh=``, the message in Chinese (optional): shown where the command's
    language is Chinese, ``message`` everywhere else.
    ``emit.many(metric, subjects, periods, values=..., sources=..., no_rows=...)`` hands
    many observations of one metric at once, as columns (the i-th of each is one
    observation), for a plugin that computes set-wise: each is checked as ``emit``
    checks one, and a plainly sound batch is checked and sent far faster.
    ``emit.finished(metric)`` (optional) says the plugin has handed over everything
    it will emit for that metric: okrdesk may then check and store it at once, while
    the plugin computes the next, and it stays stored even if the call fails later.
    Anything more for that metric afterwards (``emit``, ``many``, ``error``, ``covers``)
    is refused as a problem of the metric, and what was stored for it stays.
    ``emit.covers(first_day, last_day, metric=None)`` (optional) says the source holds
    only the days from ``first_day`` to ``last_day`` (``datetime.date``, both held), for
    ``metric`` or, without it, every metric of the call: a rolling export (a CRM that
    exports its last 30 days). A period whose figure needs a day outside them (any of a
    flow's or ratio's days, a stock's last day) keeps what is stored for it, and whatever
    is emitted for it is not stored; one held up to a day before its end is stored as
    partial through that day. Call it before ``emit.finished`` of the metrics it is for;
    said twice, the days both hold. Days it cannot read (text, a ``datetime``, the first
    after the last) fail the metrics it is for, which keep what is stored.
    """

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
        dimensions: Mapping[str, str] | None = None,
        no_rows: bool = False,
    ) -> None: ...

    def many(
        self,
        metric: str,
        subjects: Iterable[str],
        periods: Iterable[str],
        *,
        values: Iterable[float | None] | None = None,
        numerators: Iterable[float | None] | None = None,
        denominators: Iterable[float | None] | None = None,
        sources: Iterable[str] | None = None,
        dimensions: Iterable[Mapping[str, str] | None] | None = None,
        no_rows: Iterable[bool] | None = None,
    ) -> None: ...

    def error(self, metric: str, message: str, *, zh: str = "") -> None: ...

    def warning(self, metric: str, message: str, *, zh: str = "") -> None: ...

    def finished(self, metric: str) -> None: ...

    def covers(self, first_day: dt.date, last_day: dt.date, metric: str | None = None) -> None: ...


@attrs.frozen(slots=False)
@shared_methods
class RenderContext:
    """What a report format may need beside the report itself."""

    workspace: Path
    """The workspace folder (its ``templates/`` may override shipped templates)."""
    templates: Path | None
    """A folder of templates given with ``--templates``, searched first."""
    plan_start: dt.date
    plan_end: dt.date
    width: int | None = None
    """Columns to lay text out in; None: the terminal's width, or 80."""
    plugin_timeout: float | None = None
    """The workspace's ``[workspace] plugin_timeout``, which a format plugin's ``render``
    is held to (``$OKRDESK_PLUGIN_TIMEOUT`` first; None: 300 s)."""


_FORMAT_NAME = re.compile(r"[a-z][a-z0-9_-]*\Z")


class ReportFormatError(InvalidValue):
    """A ``ReportFormat`` a plugin made that okrdesk refuses, in English and Chinese
    (``said``), which the plugin's error shows in the command's language."""


def _suffixes(value: Iterable[str] | str) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


@attrs.frozen(slots=False)
@shared_methods
class ReportFormat:
    """One way to write the weekly report, registered by ``okrdesk_report_formats``."""

    name: str
    """What ``okrdesk report --format NAME`` says: short, lower case."""
    description: str
    """One line for ``okrdesk plugins`` and ``--help``."""
    render: Callable[[Any, Any, RenderContext], None]
    """``render(report, out, context)`` writes ``report`` (an
    ``okrdesk.report.document.Report``) to ``out``: a text stream (``TextIO``),
    or a binary one (``BinaryIO``) for a format with ``binary=True``. It only lays
    out what the report holds; every figure is already computed. Text from
    target files is already stripped of control characters; escape it for
    your format (HTML, Markdown, …). Raise ``okrdesk.errors.OkrdeskError``
    for a problem the user can fix."""
    suffixes: tuple[str, ...] = attrs.field(default=(), converter=_suffixes)
    """File name endings this format is usually saved with, such as ``(".md",)`` (one
    may be written alone, ``".md"``)."""
    human: bool = True
    """False for formats meant for programs (JSON): they need not show every figure
    the way a person reads it."""
    binary: bool = False
    """True for a format that writes bytes (xlsx): okrdesk hands it a binary stream,
    and writes it only to a file (``--out``) or to a standard output that is not a
    terminal."""
    description_zh: str = ""
    """``description`` in Chinese, for ``okrdesk plugins`` in Chinese; empty, the English
    one is shown there too."""

    def __attrs_post_init__(self) -> None:
        # What a plugin could get wrong that would otherwise surface as `--format` or
        # `--out` quietly choosing the wrong format, or as a report that fails to render.
        name = self.name
        if not isinstance(name, str) or not _FORMAT_NAME.match(name):
            raise ReportFormatError(
                f"a report format's name must be a short lower-case word, not {name!r}",
                f"报告格式的名称应为一个简短的小写单词，现为 {name!r}",
            )
        for key in ("description", "description_zh"):
            if not isinstance(getattr(self, key), str):
                raise ReportFormatError(f"report format {name}: {key} must be text",
                                        f"报告格式 {name}：{key} 应为文本")  # fmt: skip
        if not callable(self.render):
            raise ReportFormatError(
                f"report format {name}: render must be a function render(report, out, context)",
                f"报告格式 {name}：render 应为函数 render(report, out, context)",
            )
        for suffix in self.suffixes:
            if not isinstance(suffix, str) or not suffix.startswith(".") or len(suffix) < 2:
                raise ReportFormatError(
                    f"report format {name}: suffix {suffix!r} must be a file name ending "
                    'such as ".md"',
                    f'报告格式 {name}：后缀 {suffix!r} 应为文件名的结尾，如 ".md"',
                )
        for key in ("human", "binary"):
            if not isinstance(getattr(self, key), bool):
                raise ReportFormatError(f"report format {name}: {key} must be True or False",
                                        f"报告格式 {name}：{key} 应为 True 或 False")  # fmt: skip


# -------------------------------------------------------------------- metrics


@hookspec
def okrdesk_metrics(register: Callable[[MetricSpec], None], settings: Mapping[str, Any]) -> None:
    """Declare the metrics this plugin can collect.

    Call ``register(spec)`` once for each metric. ``settings`` is the plugin's
    own ``[sources.<plugin name>]`` table from okrdesk.toml (empty when there
    is none); most plugins declare a fixed list and need not take it. Metric
    names are global: two plugins declaring the same name is an error
    reported for both, and neither is used.
    """


@attrs.frozen(slots=False)
@shared_methods
class SettingsProblem:
    """One thing wrong in a plugin's ``[sources.<plugin name>]`` table, found by
    ``okrdesk_check_settings``."""

    key: str
    """The key it is about, dotted for one inside a table of the table
    (``"files.trades"``), with ``[n]`` for the n-th table of an array, from 0
    (``"metrics[2].unit"``); "" for the table as a whole."""
    message: str
    """What is wrong and, where it helps, what would be right."""
    about_this_machine: bool = False
    """True where the table may be right on the machine that collects and only this one
    lacks what it names (a folder or file not found): ``validate`` shows it as a warning,
    so that target files can be checked where the data is not, in a review's CI job."""
    zh: str = ""
    """``message`` in Chinese, optional: ``validate`` shows it where the workspace's
    language is Chinese; "" shows ``message`` in every language."""
    about_the_data: bool = False
    """True where the table is right and what it names is not what the plugin reads (an
    export whose header lost a column, a CRM that renamed one): ``collect`` then says the
    data does not fit, not that the settings are wrong. Still a problem ``validate``
    refuses."""


@hookspec
def okrdesk_check_settings(
    settings: Mapping[str, Any], workspace: Path, metrics: frozenset[str] | None, collecting: bool
) -> Iterable[SettingsProblem] | None:
    """Say what is wrong with this plugin's ``[sources.<plugin name>]`` table, without
    collecting anything.

    ``okrdesk validate`` calls it for each plugin whose table okrdesk.toml has, and
    for each plugin the plan uses without one (``settings`` empty: its defaults), and
    shows each ``SettingsProblem`` returned at the line of its key in okrdesk.toml: a
    misspelt key or a folder that is not there is found when the file is written, not
    at the next collect. ``okrdesk collect`` calls it too, before ``okrdesk_collect``,
    and collects nothing from a plugin with a problem validate refuses; where asking it
    of each metric alone finds the problem for some metrics only, those alone.

    Check what the table says (unknown keys, types, ranges) and,
    cheaply, whether the folders and files it names are there; read no data beyond a
    file's first line (its header). okrdesk's own SQL source alone loads its tables,
    through the cache a collect reads them from, to bind each query. Relative
    paths are relative to ``workspace``. Return nothing, or an empty list, when nothing
    is wrong. An exception is shown as a warning naming the plugin.

    ``metrics`` (take it only if you need it) names this plugin's metrics that the
    plan's key results, budget and scoring use, derived metrics standing for their
    inputs: what the next collect will ask for. A source file that only other metrics
    read need not be checked, since no collect of this plan reads it. None when the
    plan could not be read: check everything.

    ``collecting`` (take it only if you need it) is True when a collect asks, just before
    it calls ``okrdesk_collect``, and False when validate does. A check that reads more
    than a header (blank money cells, say, which the collect refuses at their row as it
    reads them) leaves that to the collect then: a firm's collect does not read its
    export twice.
    """


# ----------------------------------------------------------------- collection


@hookspec
def okrdesk_collect(request: CollectRequest, emit: Emit) -> None:
    """Collect observations for ``request.metrics`` over ``request.periods``.

    Call ``emit`` once per metric, subject (``person.id``, not the name a CRM
    writes nor the ``Person``; or a unit id for figures known only for a whole
    unit) and period (``period.id`` of one of ``request.periods``: put each row
    into the period whose ``start`` and ``end`` hold its date, and count nothing
    dated after ``request.through``). A stock is the level on the period's last
    day your source has, never a sum of its days; a ratio gives ``numerator`` and
    ``denominator``, never the rate. Leave out a subject and period with no data
    rather than emitting zero; but a flow of a subject your source covers that had
    none in the period is 0, emitted with ``no_rows=True`` (docs/plugins.md). A source
    that holds only some days (an export of the last 30) says which with
    ``emit.covers``, or the periods it no longer reaches lose what is stored. Say of
    rows you leave out with ``emit.warning``, and of what stops one metric (its file
    missing) with ``emit.error``; raise only for what stops the plugin as a whole:
    an exception drops every metric of the call not yet finished, and the host
    reports it by plugin name and carries on with the other plugins.
    """


# -------------------------------------------------------------------- reports


@hookspec
def okrdesk_report_formats(register: Callable[[ReportFormat], None]) -> None:
    """Declare report formats: call ``register(ReportFormat(...))`` once for each.

    The five built-in formats (text, md, html, json, xlsx) are plugins of this
    hook too. A format's name must be new: a name two plugins register is
    reported for both, and the first one loaded keeps it.
    """


# ----------------------------------------------------------------------- demo


@hookspec
def okrdesk_demo_data(plan: Plan, workspace: Path, through: dt.date) -> Mapping[str, Any] | None:
    """Write sample source data for ``okrdesk demo`` and say how to read it.

    Write files only inside ``workspace``, covering ``plan``'s people from
    the plan's start to ``through``. Return the settings table that
    ``okrdesk.toml`` should hold under ``[sources.<plugin name>]`` to read
    them, or None when the plugin has nothing to contribute.
    """
