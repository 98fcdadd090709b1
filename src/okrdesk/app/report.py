"""``okrdesk report``: pick the date, unit and format, build the report, render it."""

from __future__ import annotations

import datetime as dt
import io
import sys
from collections.abc import Sequence
from pathlib import Path

import attrs

from okrdesk import clock
from okrdesk.app.session import Session, refuse_unknown_unit, store_to_read
from okrdesk.engine.plan_calendar import before_the_plan, clamp_to_plan
from okrdesk.errors import BadInput, Said
from okrdesk.messages import label
from okrdesk.model import Plan
from okrdesk.periods import (
    COMPARISONS,
    Grain,
    Period,
    parse_period,
    parse_window,
    readable_at,
    why_no_period,
)
from okrdesk.plugins.hookspecs import RenderContext, ReportFormat
from okrdesk.plugins.manager import FORMATS_ONLY
from okrdesk.report.build import WindowAsked, build_report, ranks_as_shown
from okrdesk.report.document import Report
from okrdesk.report.reads import read_for_one_report
from okrdesk.report.render import printable_copy, render
from okrdesk.targets.period_words import as_of_period
from okrdesk.targets.reader import no_such
from okrdesk.targets.workspace_files import check_out_path


def report_date(
    session: Session,
    as_of: dt.date | None,
    week: str | None,
    period: str | None = None,
    lang: str = "en",
    today: dt.date | None = None,
) -> dt.date:
    """The day a report is as of. ``today``: the day after which ``as_of`` is refused (the
    day a demo is built as of; else the machine's today)."""
    plan = session.plan
    words = _SAID[lang]
    if as_of is not None and week is not None:
        raise BadInput(words["as_of_and_week"])
    if period is not None and week is not None:
        raise BadInput(words["period_and_week"])
    as_of = as_of_period(plan, period, as_of, lang, today)
    if week is not None:
        no_week = why_no_period(week)
        if no_week is not None and "-W" in week:  # a week its year has not
            raise BadInput(_about("--week", week, no_week[0] if lang == "en" else no_week[1],
                                  lang))  # fmt: skip
        if no_week is not None or parse_period(week).grain is not Grain.WEEK:
            raise BadInput(_about("--week", week, words["give_week"], lang))
        as_of = _week_so_far(parse_period(week), lang, today or clock.today())
    day = as_of or today or clock.today()
    if (refused := before_the_plan(plan, day)) is not None:
        # A period's or a week's last day is not what was typed: say which option gave it
        # (-p 2025-12 was told only of 2025-12-31).
        if period is not None:
            raise BadInput(_about("--period", period, refused.text(lang), lang))
        if week is not None:
            raise BadInput(_about("--week", week, refused.text(lang), lang))
        raise BadInput(refused)
    return day


def _week_so_far(week: Period, lang: str, today: dt.date) -> dt.date:
    """The day a report of ``week`` is as of: its Sunday, or today while it runs (as
    ``--period`` has it); a week still to come is refused, having nothing to show."""
    if week.start > today:
        raise BadInput(_about("--week", week.id, Said(
            f"it starts on {week.start}, after today ({today}); there is nothing to show yet",
            f"该周自 {week.start} 开始，晚于今天（{today}）；尚无可显示的内容",
        ).text(lang), lang))  # fmt: skip
    return min(week.end, today)


def _about(option: str, given: object, why: str, lang: str) -> str:
    """``--week 2026-W60: why``, with a Chinese colon in Chinese."""
    return f"{option} {given}{label(lang, 'colon')}{why}"


def make_report(
    session: Session,
    unit: str | None,
    as_of: dt.date | None,
    week: str | None,
    lang: str,
    period: str | None = None,
    depth: int | None = None,
    breakdowns: Sequence[str] = (),
    windows: WindowAsked | None = None,
    today: dt.date | None = None,
) -> Report:
    plan = session.plan
    asked = breakdowns_asked(session, breakdowns, lang)
    refuse_unknown_unit(plan, unit)  # "--unit：没有单位或人员 …", as check and due say it
    subject = unit or plan.top
    asked_for = report_date(session, as_of, week, period, lang, today)
    day = min(asked_for, plan.end)
    store = store_to_read(session)
    if store is None:
        raise BadInput("尚未采集任何数据：请运行 `okrdesk collect`" if lang == "zh"
                       else "no numbers yet: run `okrdesk collect` first")  # fmt: skip
    with store, store.reading():
        reads = read_for_one_report(store, plan.subject_ids, plan, session.host.metrics,
                                    session.host.owners, clamp_to_plan(plan, day))  # fmt: skip
        built = build_report(plan, session.host.metrics, reads, subject, day, lang,
                             session.plugin_errors(), asked, windows, session.host.owners,
                             session.host.clashes)  # fmt: skip
    if asked_for > plan.end:
        built = attrs.evolve(built, plan_ended=True)
    return built if depth is None else within_depth(plan, built, subject, depth, lang)


def windows_asked(
    session: Session, window: str | None, compare: str | None, lang: str = "en"
) -> WindowAsked | None:
    """``--window NAME`` and ``--compare last_year,previous``, checked; None when neither
    is given."""
    if window is None and compare is None:
        return None
    words = _SAID[lang]
    if window is not None:
        try:
            problem = readable_at(parse_window(window), session.plan.grain)
        except ValueError as error:
            why = str(error) if lang == "en" else words["no_window"]
            raise BadInput(_about("--window", window, why, lang)) from None
        if problem:
            raise BadInput(_about("--window", window, problem if lang == "en" else words["window"],
                                  lang))  # fmt: skip
    overs: list[str] = []
    given = [] if compare is None else [word.strip() for word in compare.split(",")]
    for word in given:
        if word not in COMPARISONS:
            shown = f'"{word}"' if word else words["empty_name"]
            raise BadInput(_about("--compare", compare, words["compare"].format(shown=shown),
                                  lang))  # fmt: skip
        if word not in overs:
            overs.append(word)
    return WindowAsked(window, tuple(overs))


_SAID = {
    "en": {
        "as_of_and_week": "give --as-of or --week, not both",
        "period_and_week": "give --period or --week, not both (--period 2026-W47 is that week)",
        "give_week": "give an ISO week such as 2026-W47",
        "compare": "{shown} is no comparison; give last_year (同比), previous (环比) or both, "
                   "separated by a comma",
        "empty_name": "an empty name",
        "depth": "give 0 or more (1: child units only)",
        "no_folder": "no such folder",
        "brief": "--brief is the text report's first screen; --format {fmt} always holds the "
                 "whole report (leave out --brief, or use --format text)",
        "binary": "--format {fmt} writes a binary file: give --out FILE",
        "give": "give KR=DIMENSION, e.g. O1.AUM=product",
        "no_metric": "{kr} has no collected metric to break down",
        "no_dimension": 'metric {metric} has no dimension "{dimension}" (it has: {has})',
        "none": "none",
        "formats": "the formats are: {formats}",
        "broken": "; plugin {name}, which may provide it, is broken: {error}",
        "unknown": "; plugin {name} did not load, so whether it provides it is unknown: "
                   "{error}",
        "no_suffix": "no report format is saved as {suffix}; name one with --format (the "
                     "extensions known are {known})",
        "no_extension": "a file without an extension",
    },
    "zh": {
        "as_of_and_week": "--as-of 与 --week 只能给一个",
        "period_and_week": "--period 与 --week 只能给一个（--period 2026-W47 即该周）",
        "give_week": "请写成 2026-W47 这样的 ISO 周",
        "compare": "{shown} 不是可比口径；请写 last_year（同比）、previous（环比），或两者，"
                   "以逗号分隔",
        "empty_name": "空名称",
        "window": "计划的周期比这个窗口长，给不出它",
        "no_window": "不是时间窗口；可用 wtd、mtd、qtd、ytd、last_N_weeks、last_N_months"
                     "（N 为 1 至 99，如 last_4_weeks、last_3_months）",
        "depth": "请给 0 或更大的数（1：只看下级单位）",
        "no_folder": "没有这个文件夹",
        "brief": "--brief 是文本报告的首屏；--format {fmt} 总是完整报告（去掉 --brief，"
                 "或用 --format text）",
        "binary": "--format {fmt} 生成二进制文件：请用 --out 指定文件",
        "give": "请写成 关键结果=维度，如 O1.AUM=product",
        "no_metric": "{kr} 没有可按维度拆分的采集指标",
        "no_dimension": "指标 {metric} 没有维度“{dimension}”（它的维度：{has}）",
        "none": "无",
        "formats": "可用的格式：{formats}",
        "broken": "；插件 {name} 可能提供它，但它有错误：{error}",
        "unknown": "；插件 {name} 未加载，无从得知它是否提供：{error}",
        "no_suffix": "没有以 {suffix} 保存的报告格式；请用 --format 指定（已知的扩展名："
                     "{known}）",
        "no_extension": "无扩展名的文件",
    },
}  # fmt: skip
"""What ``report`` says of an option it cannot take, in each language (a period's or a
window's own words are English in English)."""


def breakdowns_asked(session: Session, given: Sequence[str], lang: str = "en") -> dict[str, str]:
    """``--breakdown KR=DIMENSION`` as key result id → dimension, each checked."""
    plan = session.plan
    words = _SAID[lang]
    asked: dict[str, str] = {}
    for text in given:
        kr_id, _, dimension = text.partition("=")
        kr_id, dimension = kr_id.strip(), dimension.strip()
        if not kr_id or not dimension:
            raise BadInput(_about("--breakdown", text, words["give"], lang))
        kr = plan.key_results_by_id.get(kr_id)
        if kr is None:
            said = no_such("key result", kr_id, plan.key_results_by_id, lang=lang)
            raise BadInput(_about("--breakdown", text, said, lang))
        spec = session.host.metrics.get(kr.metric or "")
        if spec is None:
            raise BadInput(_about("--breakdown", text, words["no_metric"].format(kr=kr_id), lang))
        if dimension not in spec.dimensions:
            has = ", ".join(spec.dimensions) or words["none"]
            said = words["no_dimension"].format(metric=spec.name, dimension=dimension, has=has)
            raise BadInput(_about("--breakdown", text, said, lang))
        asked[kr_id] = dimension
    return asked


def member_depth(plan: Plan, subject: str, member: str) -> int:
    """How many steps down the org tree ``member`` is from ``subject``: a child unit is 1,
    a person in it 2; a person directly in ``subject`` is 1."""
    person = plan.people_by_id.get(member)
    steps = 1 if person is not None else 0
    unit: str | None = person.unit if person is not None else member
    while unit is not None and unit != subject:
        steps += 1
        unit = plan.units_by_id[unit].parent
    return steps


def within_depth(plan: Plan, report: Report, subject: str, depth: int, lang: str = "en") -> Report:
    """The report with only the members ``depth`` steps or fewer below ``subject``,
    ranked again among those shown as the report ranks them (one with no score stays
    unranked, ties share a rank)."""
    if depth < 0:
        raise BadInput(_about("--depth", depth, _SAID[lang]["depth"], lang))
    shown = [m for m in report.members if member_depth(plan, subject, m.id) <= depth]
    ranks = ranks_as_shown((m.kind, m.score) for m in shown)
    kept = tuple(attrs.evolve(m, rank=rank) for m, rank in zip(shown, ranks, strict=True))
    left_out = len(report.members) - len(kept)
    return attrs.evolve(report, members=kept, depth=depth if left_out else None,
                        left_out_by_depth=left_out)  # fmt: skip


def chosen_format(
    session: Session, name: str | None, out: Path | None, lang: str = "en"
) -> ReportFormat:
    """The format named by --format, else the one ``out``'s extension is saved with
    (the formats' ``suffixes``: .txt, .md, .html, .json, and a plugin's own), else text."""
    if out is not None:
        check_out_path(out, session.workspace)  # before its extension says anything
    if name is not None:
        return find_format(session, name, lang)
    if out is None:
        return find_format(session, "text")
    suffix = out.suffix.lower()
    formats = session.host.formats
    # okrdesk's own formats first: a plugin's format saved as .txt or .html is chosen by
    # --format, and leaves `report -o week.txt` meaning what it always did.
    for known in sorted(formats, key=lambda name: (name not in FORMATS_ONLY, name)):
        if suffix and suffix in (s.lower() for s in formats[known].suffixes):
            return formats[known]
    saved = sorted(s for f in formats.values() for s in f.suffixes)
    words = _SAID[lang]
    known = label(lang, "list_sep").join(saved)
    said = words["no_suffix"].format(suffix=suffix or words["no_extension"], known=known)
    raise BadInput(_about("--out", out, said, lang))


def find_format(session: Session, name: str, lang: str = "en") -> ReportFormat:
    """The report format called ``name``, built in or from a plugin."""
    found = session.host.format(name)
    if found is None:
        formats = session.host.formats
        listed = _SAID[lang]["formats"].format(
            formats=label(lang, "list_sep").join(sorted(formats))
        )
        listed += "".join(
            _SAID[lang]["broken" if could else "unknown"].format(name=plugin,
                                                                error=error.text(lang))
            for plugin, error, could in session.host.format_suspects(name)
        )  # fmt: skip
        raise BadInput(no_such("report format", name, formats, listed, lang))
    return found


def write_report(
    session: Session,
    report: Report,
    fmt: ReportFormat,
    out: Path | None,
    templates: Path | None,
    lang: str = "en",
) -> None:
    """Write ``report`` to ``out``, atomically, or to standard output.

    ``out`` is never one of the workspace's own files (its database, target
    files or settings).
    """
    plan = session.plan
    if out is not None:
        check_out_path(out, session.workspace)
    if templates is not None and not templates.is_dir():
        raise BadInput(_about("--templates", templates, _SAID[lang]["no_folder"], lang))
    context = RenderContext(session.workspace.root, templates, plan.start, plan.end,
                            plugin_timeout=session.workspace.plugin_timeout)  # fmt: skip
    if fmt.binary:
        _write_binary(report, fmt, out, context, lang)
        return
    if out is None:
        render(report, fmt, sys.stdout, context)
        return
    from okrdesk.files import atomic_writer  # tempfile: only to write a file

    with atomic_writer(out) as file:
        render(report, fmt, file, attrs.evolve(context, width=100))


BRIEF_FORMATS = ("text",)
"""``--brief`` is the text report's first screen; the other formats always hold it all."""


def check_brief(fmt: str, lang: str = "en") -> None:
    """Refuse ``--brief`` with a format that has no first screen, before any work."""
    if fmt not in BRIEF_FORMATS:
        raise BadInput(_SAID[lang]["brief"].format(fmt=fmt))


def write_brief(session: Session, report: Report, fmt: str, out: Path | None) -> None:
    """Write only the first screen of the text report, to ``out`` or standard output."""
    from okrdesk.report.terminal import render_brief

    check_brief(fmt)
    shown = printable_copy(report)
    if out is None:
        render_brief(shown, sys.stdout)
        return
    check_out_path(out, session.workspace)
    from okrdesk.files import atomic_writer

    with atomic_writer(out) as file:
        render_brief(shown, file, width=100)


def _write_binary(
    report: Report, fmt: ReportFormat, out: Path | None, context: RenderContext, lang: str
) -> None:
    """A binary format (xlsx) goes to a file, or to standard output when it is piped."""
    if out is None and sys.stdout.isatty():
        raise BadInput(_SAID[lang]["binary"].format(fmt=fmt.name))
    buffer = io.BytesIO()
    render(report, fmt, buffer, context)
    if out is None:
        sys.stdout.buffer.write(buffer.getvalue())
        sys.stdout.buffer.flush()
    else:
        from okrdesk.files import write_bytes_atomically

        write_bytes_atomically(out, buffer.getvalue())
