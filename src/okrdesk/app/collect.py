"""``okrdesk collect``: ask the plugins, keep what is sound, record the run."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Protocol

import attrs

from okrdesk import clock
from okrdesk.app.session import Session, open_store
from okrdesk.engine.growth_bases import (
    BaseRead,
    asked_before,
    bases_to_read,
    not_asked_again,
)
from okrdesk.engine.plan_calendar import (
    before_the_plan,
    metrics_by_grain,
    metrics_needed,
    plan_periods,
    plan_run_units,
)
from okrdesk.engine.renamed_people import people_renamed
from okrdesk.engine.rollup import subjects_under
from okrdesk.engine.shared_ids import people_of_another_plan
from okrdesk.errors import BadInput, OkrdeskError, Said
from okrdesk.messages import as_given, counted, given_duration, named_periods
from okrdesk.model import (
    KeptUnreached,
    NoRowsOfLastYear,
    Plan,
    Run,
    kind_changed,
    kinds_changed,
    kinds_noted,
    plugin_error_text,
    restatements_read,
    settled_restatements,
    told_once,
)
from okrdesk.periods import Grain, Period, grain_of, local_time, parse_period
from okrdesk.plugins.clashes import declared_twice
from okrdesk.plugins.collect_progress import PartsProgress
from okrdesk.plugins.emit_checks import PluginError, meant_metric
from okrdesk.plugins.runner import collect
from okrdesk.plugins.spool import SpooledRow, zero_for_no_rows
from okrdesk.plugins.time_limit import plugin_timeout
from okrdesk.store import Store
from okrdesk.store.base import StillRunning
from okrdesk.store.changes import UnheldPeriods
from okrdesk.store.liveness import Liveness, this_host
from okrdesk.store.staged import StagedRows
from okrdesk.targets.reader import no_such


@attrs.frozen
class CollectSummary:
    run_id: int
    through: dt.date
    periods: tuple[Period, ...]
    metrics: tuple[str, ...]
    stored: int
    errors: tuple[PluginError, ...]
    warnings: tuple[PluginError, ...] = ()
    landed: tuple[str, ...] = ()
    """The metrics whose figures were stored (a metric a plugin finished before it failed
    among them); every other metric kept its earlier numbers."""
    changed: int = 0
    """Of the observations stored, those new or other than the store held before."""
    gone: int = 0
    """Observations the store held that the plugins reported no more: deleted."""
    cited_anew: int = 0
    """Of ``changed``, those whose figures and dates are as stored: only the source rows
    they cite are other (a plugin that now cites its rows more exactly)."""
    revised: Mapping[str, Mapping[str, int]] = attrs.Factory(dict)
    """metric → period → how many figures of that period, stored as complete, now read
    otherwise or are gone: a source restated after the period was over (and after the
    figure had settled, for a metric whose figures go on converting a while)."""
    first: bool = False
    """No collect had run before this one: there is no last collect to compare with."""
    never_held: tuple[str, ...] = ()
    """Of the metrics not stored, those the store holds no figure of (a first collect, a
    metric new to the plan): they have no earlier numbers to keep."""
    shared_people: Said | None = None
    """People of the plan whose figures another branch's plan collected last
    (``shared_ids``): told, since their figures were that branch's."""
    renamed_people: Said | None = None
    """Ids of the plan's last collects the plan has no more, beside people new since
    (``renamed_people``): a person's id changed, whose figures now count nowhere."""
    bases: tuple[BaseRead, ...] = ()
    """Last year's periods read for growth targets and 同比 (``growth_bases``)."""
    based: Mapping[str, frozenset[str]] = attrs.Factory(dict)
    """Of those, by metric, the periods its sources counted rows in, stored."""
    unread_bases: frozenset[str] = frozenset()
    """The metrics whose plugin failed reading last year's periods: a warning, not the
    run's failure (this year's figures are whole; the growth target or 同比 reads no figure
    of last year)."""
    unheld: Mapping[str, UnheldPeriods] = attrs.Factory(dict)
    """metric → the periods its source does not hold whole (``emit.covers``, a rolling
    export), kept as stored: told, never counted as changed."""


_SAID = {
    "en": {
        "run": "Run {id}: {observations} of {metrics}, {periods} ({first} to {last}), "
               "through {through}.",
        "run_failed": "Run {id} failed ({errors} below): {observations} of {metrics} "
                      "stored, {periods} ({first} to {last}), through {through}{missing}.",
        "missing": "; {n} not stored",
        "unchanged": "None new or changed since the last collect.",
        "unchanged_stored": "Of what was stored, none new or changed since the last collect.",
        "changed": "{n:,} new or changed since the last collect{cited}.",
        "changed_gone": "{n:,} new or changed since the last collect{cited}; {gone:,} no "
                        "longer reported, deleted.",
        "revised": "Revised: {metric}, {figures} of complete periods ({span}) changed.",
        "cited_anew": " ({n:,} of them only in the source rows they cite, their figures as "
                      "they were)",
        "all_cited_anew": "{n:,} changed since the last collect, only in the source rows "
                          "they cite: every figure is as it was.",
        "more": " and {n} more", "and": ", ",
        "kept": "The metrics not stored kept their earlier numbers.",
        "kept_named": "The metrics not stored kept their earlier numbers: {metrics}.",
        "first": "The first collect of this store.",
        "first_new": "{n:,} new: the first collect of this store.",
        "none_yet": "The metrics not stored have no numbers yet.",
        "none_yet_named": "The metrics not stored have no numbers yet: {metrics}.",
        "kept_some": "Of the metrics not stored, {kept} kept their earlier numbers; {none} "
                     "have none yet.",
        "unused": "no key result or scoring policy uses it; the plan's metrics are: {metrics}",
        "none": "none",
        "waiting": "Waiting for collect run {id} (started {when}, process {pid} on {host}) "
                   "to finish, for at most {wait} (--wait): two collects of one plan at "
                   "once would store some figures from each.",
        "this_machine": "this machine",
        "on_machine": "{host}",
        "bases": "Read last year's {periods} ({first} to {last}) for growth targets and "
                 "YoY comparisons: {found}.",
        "based": "{metric} has figures in {n}",
        "not_based": "{metric} has none (its source has no rows of them: type them into "
                     "[[baselines]], or once an export holds them, okrdesk collect --metric "
                     "{metric} reads them; they are not asked again till then)",
        "unread_base": "{metric}'s plugin failed on them (the warning says how; this "
                       "year's figures are collected all the same)",
        "based_and": "; ",
        "unheld": "{metric}: {said}.",
        "reaches_back": "its source reaches back only to {first}",
        "holds_until": "its source holds no day after {last}",
        "kept_before": "{periods} before it ({span}){more} kept as stored, not changed",
        "empty_before": "{periods} before it with no figure stored ({span}){more} left "
                        "without one, as part of a period is not the whole of it",
        "grain_more": " and {periods} ({span})",
        "unheld_and": "; ",
        "held_from": "{periods}, held only from {first}, {are} among them: what is stored "
                     "for {them} stays, and a restatement of {them} is not stored till the "
                     "source holds {them} whole",
    },
    "zh": {
        "run": "第 {id} 次采集：{observations:,} 条数据，{metrics} 个指标，{periods} 个周期"
               "（{first} 至 {last}），截至 {through}。",
        "run_failed": "第 {id} 次采集失败（{errors} 个错误，见下）：入库 {observations:,} 条数据，"
                      "{metrics} 个指标，{periods} 个周期（{first} 至 {last}），截至 {through}"
                      "{missing}。",
        "missing": "；{n} 个指标未入库",
        "unchanged": "与上次采集相比，无新增或变动。",
        "unchanged_stored": "已入库的数据与上次采集相比，无新增或变动。",
        "changed": "新增或变动 {n:,} 条{cited}。",
        "changed_gone": "新增或变动 {n:,} 条{cited}；不再报送、已删除 {gone:,} 条。",
        "revised": "已修订：{metric}，已结束周期的 {figures:,} 个数字有变动（{span}）。",
        "cited_anew": "（其中 {n:,} 条只是所引的来源行有变，数字不变）",
        "all_cited_anew": "与上次采集相比，{n:,} 条只是所引的来源行有变，数字都不变。",
        "more": " 等另 {n} 个", "and": "、",
        "kept": "未入库的指标保留原有数字。",
        "kept_named": "未入库的指标保留原有数字：{metrics}。",
        "first": "这是此数据库的第一次采集。",
        "first_new": "新增 {n:,} 条：这是此数据库的第一次采集。",
        "none_yet": "未入库的指标尚无数字。",
        "none_yet_named": "未入库的指标尚无数字：{metrics}。",
        "kept_some": "未入库的指标中，{kept} 保留原有数字；{none} 尚无数字。",
        "unused": "没有关键结果或计分方案用到它；计划用到的指标：{metrics}",
        "none": "无",
        "waiting": "等待第 {id} 次采集（{when} 开始，{host}进程 {pid}）结束，最多等 {wait}"
                   "（--wait）：同一计划的两次采集同时进行，会各存一部分数字。",
        "this_machine": "本机",
        "on_machine": "{host} 上的",
        "bases": "为增长目标和同比读取了上年 {periods} 个周期（{first} 至 {last}）：{found}。",
        "based": "{metric} {n} 个周期有数字",
        "not_based": "{metric} 没有数字（数据源中没有这些周期的行：可在 [[baselines]] 中补录，"
                     "或待导出文件含有这些周期后用 okrdesk collect --metric {metric} 读取；"
                     "在此之前不再读取）",
        "unread_base": "{metric} 的插件读取这些周期时出错（原因见警告；本年的数字照常采集）",
        "based_and": "；",
        "unheld": "{metric}：{said}。",
        "reaches_back": "数据源只追溯到 {first}",
        "holds_until": "数据源没有 {last} 之后的日期",
        "kept_before": "此前的 {periods}（{span}）{more}照原样保留，未作变动",
        "empty_before": "此前尚无数字的 {periods}（{span}）{more}不填数字："
                        "一个周期的几天不能当作整个周期",
        "grain_more": "和 {periods}（{span}）",
        "unheld_and": "；",
        "held_from": "其中 {periods} 只从 {first} 起才有数据：{them}存有的数字不变，对{them}的重述"
                     "要等数据源含有整个周期后才会入库",
    },
}  # fmt: skip
"""What ``okrdesk collect`` says it did, in each language."""


def summary_lines(summary: CollectSummary, lang: str) -> list[str]:
    """What a collect stored, what changed, and each metric a source restated, in
    ``lang``. A run that failed says so first, with how many errors follow and how many
    metrics were not stored, and says of what it stored alone that nothing changed: read
    before the errors, "none new or changed" would tell a clean run."""
    words = _SAID[lang]
    english = lang == "en"
    observations, metrics = summary.stored, len(summary.landed)
    periods = len(summary.periods)
    errors = len(said_once(summary.errors, lang))
    missing = len(set(summary.metrics) - set(summary.landed))
    lines = [words["run_failed" if errors else "run"].format(
        id=summary.run_id,
        observations=counted(observations, "observation") if english else observations,
        metrics=counted(metrics, "metric") if english else metrics,
        periods=counted(periods, "period") if english else periods,
        first=summary.periods[0].id, last=summary.periods[-1].id, through=summary.through,
        errors=counted(errors, "error") if english else errors,
        missing=words["missing"].format(n=counted(missing, "metric") if english else missing)
        if missing else "",
    )]  # fmt: skip
    if summary.first:  # not "since the last collect": there was none
        lines.append(words["first_new" if summary.changed else "first"].format(n=summary.changed))
    elif not summary.changed and not summary.gone:
        lines.append(words["unchanged_stored" if errors else "unchanged"])
    elif summary.cited_anew == summary.changed and not summary.gone:
        lines.append(words["all_cited_anew"].format(n=summary.changed))
    else:
        said = words["changed_gone"] if summary.gone else words["changed"]
        cited = words["cited_anew"].format(n=summary.cited_anew) if summary.cited_anew else ""
        lines.append(said.format(n=summary.changed, gone=summary.gone, cited=cited))
    lines += base_lines(summary, lang)
    lines += unheld_lines(summary, lang)
    for metric, by_period in summary.revised.items():
        count = sum(by_period.values())
        named, more = named_periods(by_period)
        span = words["and"].join(named) + (words["more"].format(n=more) if more else "")
        figures = counted(count, "figure") if english else count
        lines.append(words["revised"].format(metric=metric, figures=figures, span=span))
    return lines


def unheld_lines(summary: CollectSummary, lang: str) -> list[str]:
    """A line for each metric whose source said it holds only some days (a rolling export):
    the periods before its first day (or after its last) kept as stored, and those with
    nothing stored left without a figure."""
    words = _SAID[lang]
    lines = []
    for metric, unheld in sorted(summary.unheld.items()):
        said: list[str] = []
        for edge, kept, empty, day in (
            ("reaches_back", unheld.kept_before, unheld.empty_before, unheld.first),
            ("holds_until", unheld.kept_after, unheld.empty_after, unheld.last),
        ):
            parts = [
                words[which].format(**runs[0], more="".join(
                    words["grain_more"].format(**run) for run in runs[1:]))
                for which, ids in (("kept_before", kept), ("empty_before", empty))
                if (runs := _grain_runs(ids, lang))
            ]  # fmt: skip
            if parts:
                if edge == "holds_until":
                    parts = [part.replace(*_AFTER[lang]) for part in parts]
                elif begun := _begun_in(unheld.first, (*kept, *empty)):
                    parts.append(_held_from(begun, unheld.first, lang))
                head = words[edge].format(first=day, last=day)
                said.append(head + _THEN[lang] + words["unheld_and"].join(parts))
        if said:
            lines.append(words["unheld"].format(metric=metric,
                                                said=words["unheld_and"].join(said)))  # fmt: skip
    return lines


def _begun_in(first: dt.date, ids: Iterable[str]) -> list[str]:
    """Of ``ids``, the periods ``first`` falls in after their first day: held in part,
    so kept as stored (an export whose first day had no rows, a Monday holiday, holds
    from the Tuesday, and its whole first week is kept)."""
    return [p for p in ids if (period := parse_period(p)).start < first <= period.end]


def _held_from(periods: Sequence[str], first: dt.date, lang: str) -> str:
    """That ``periods`` are held only from ``first``, so a restatement of them waits."""
    one = len(periods) == 1
    return _SAID[lang]["held_from"].format(
        periods=_SAID[lang]["and"].join(periods), first=first,
        are="is" if one else "are",
        them=("it" if one else "them") if lang == "en" else ("它" if one else "它们"),
    )  # fmt: skip


def _grain_runs(ids: Sequence[str], lang: str) -> list[dict[str, str]]:
    """``ids`` (in grain order) as each grain's count and span, weeks first: "6 periods"
    where they are of one grain, "6 weeks" and "1 month" where of several (a metric a
    scoring policy reads by the month beside the plan's weeks)."""
    by_grain: dict[Grain, list[str]] = {}
    for period in ids:
        by_grain.setdefault(grain_of(period), []).append(period)
    runs = []
    for grain, periods in by_grain.items():
        noun = "period" if len(by_grain) == 1 else grain.value
        n = len(periods)
        runs.append({
            "periods": counted(n, noun) if lang == "en" else f"{n} {_GRAIN_ZH[noun]}",
            "span": periods[0] if n == 1 else f"{periods[0]}{_TO[lang]}{periods[-1]}",
        })  # fmt: skip
    return runs


_GRAIN_ZH = {"period": "个周期", "week": "周", "month": "个月", "quarter": "个季度"}
_TO = {"en": " to ", "zh": " 至 "}
_THEN = {"en": ": ", "zh": "："}
_AFTER = {"en": (" before it", " after it"), "zh": ("此前", "此后")}
"""The words of a period kept before a source's first day, as said of one after its last."""


def base_lines(summary: CollectSummary, lang: str) -> list[str]:
    """What a collect read of last year for growth targets and 同比, a line for each
    run of periods: how many of them each metric's sources had figures in."""
    words, english = _SAID[lang], lang == "en"
    lines = []
    for base in summary.bases:
        asked = {p.id for p in base.periods}
        found = []
        for metric in base.metrics:
            n = len(summary.based.get(metric, frozenset()) & asked)
            shown = counted(n, "period") if english else n
            said = "unread_base" if metric in summary.unread_bases else "not_based"
            found.append(words["based" if n else said].format(metric=metric, n=shown))
        periods = counted(len(asked), "period") if english else len(asked)
        lines.append(words["bases"].format(periods=periods, first=base.periods[0].id,
                                           last=base.periods[-1].id,
                                           found=words["based_and"].join(found)))  # fmt: skip
    return lines


def kept_lines(
    errors: Iterable[PluginError], warnings: Iterable[PluginError]
) -> tuple[list[str], list[str], dict[str, str]]:
    """A run's errors and warnings as it keeps them, whatever language the collect was
    run in: each line in English (``plugin_error_text``, which ``Run.failed`` reads;
    warnings ``told_once``), and each line whose message was said in Chinese too →
    that message, for a reader of either language."""
    zh: dict[str, str] = {}
    kept_errors = []
    for error in errors:
        line = plugin_error_text(error.plugin, error.metric, error.said("en"))
        kept_errors.append(line)
        if error.said("zh") != error.said("en"):
            zh[line] = error.said("zh")
    kept_warnings = []
    for told in told_once((w.plugin, w.metric, Said(w.said("en"), w.said("zh"))) for w in warnings):
        line = told.text("en")
        kept_warnings.append(line)
        if isinstance(told.message, Said) and told.message.zh != told.message.en:
            zh[line] = told.message.zh
    return kept_errors, kept_warnings, zh


def not_stored_line(summary: CollectSummary, lang: str) -> str | None:
    """Under a collect's errors: what became of the metrics the plan uses that were not
    stored; None when every one was (an error about no metric of the plan's, or about a
    metric finished before its plugin failed). The metrics are named where an error
    above does not name each of them already (a plugin that failed as a whole)."""
    words = _SAID[lang]
    landed = set(summary.landed)
    not_stored = [metric for metric in summary.metrics if metric not in landed]
    if not not_stored:
        return None
    # Those with no figure stored ever kept nothing: "kept their earlier numbers" of a
    # first collect, or of a metric new to the plan, would send a manager looking for them.
    none = [metric for metric in not_stored if metric in summary.never_held]
    kept = [metric for metric in not_stored if metric not in summary.never_held]
    if kept and none:
        return words["kept_some"].format(kept=words["and"].join(kept),
                                         none=words["and"].join(none))  # fmt: skip
    named = {error.metric for error in summary.errors if error.metric is not None}
    if named >= set(not_stored):
        return words["kept"] if kept else words["none_yet"]
    said = words["kept_named"] if kept else words["none_yet_named"]
    return said.format(metrics=words["and"].join(not_stored))


def said_once(problems: Iterable[PluginError], lang: str = "en") -> list[str]:
    """Each problem as a line in ``lang`` (okrdesk's own words in it, a plugin's as it gave
    them), those a plugin gave in the same words for several metrics on one line that
    names them (``told_once``)."""
    return [line.text(lang) for line in told_once((p.plugin, p.metric, p.said(lang))
                                                   for p in problems)]  # fmt: skip


def clamp_through(plan: Plan, through: dt.date | None, today: dt.date | None = None) -> dt.date:
    """The day a collect runs through: ``through``, else ``today``, cut at the plan's end.
    A day after ``today`` is refused: a week not yet begun has no figures, and a metric
    whose source gives no rows as 0 would have its zeros stored for it, which the report
    reads as weeks that happened."""
    today = today or clock.today()
    day = through or today
    nothing = Said("; nothing to collect", "；没有可采集的数据")
    if (refused := before_the_plan(plan, day, nothing)) is not None:
        raise BadInput(refused)
    day = min(day, plan.end)
    if day > today:
        raise BadInput(Said(
            f"--through {through} is after today ({today}): a collect stores only the days "
            "that have come, and the weeks after today would be stored as figures, zeros "
            "for a source that gives none, which the report would read as real weeks. Leave "
            "out --through to collect through today. Nothing was collected",
            f"--through {through} 晚于今天（{today}）：采集只存已经到来的日子，今天之后的各周"
            "会被存成数字（数据源没有数据的存成 0），报告会把它们当作真实的周来读。不写 --through "
            "即采集到今天为止。未采集任何数据",
        ))  # fmt: skip
    return day


@contextlib.contextmanager
def _noted_if_stopped(store: Store, run_id: int) -> Iterator[None]:
    """A collect stopped by Ctrl-C or SIGTERM notes so in its run, which stays unfinished:
    ``check`` then tells who stopped it, not a death by a kill or a lost connection."""
    try:
        yield
    except KeyboardInterrupt as stop:
        # SIGTERM comes as the command line's own kind of KeyboardInterrupt (Terminated).
        stopped = Liveness.INTERRUPTED if type(stop) is KeyboardInterrupt else Liveness.TERMINATED
        with contextlib.suppress(Exception):  # a store it cannot write to: told as died
            store.stop_run(run_id, stopped.value)
        raise


def _started_alone(
    store: Store, day: dt.date, wanted: list[str], plan_unit: str, subjects: set[str],
    lang: str, waits: Callable[[str], None] | None, wait: float,
) -> int:  # fmt: skip
    """A new run of the collect, once no other collect of the plan runs on this machine,
    or on another sharing the store (PostgreSQL): two at once each read the store as the
    collect before had left it, and each run said what it stored against that. Waited
    for ``wait`` seconds at most (``OtherCollectRunning``): a collect that hangs would
    keep every later one (next week's cron job) waiting behind it."""
    told: set[int] = set()
    deadline = time.monotonic() + wait
    while True:
        try:
            return store.start_run(
                "collect", day, wanted, plan_unit=plan_unit, subjects=subjects, alone=True
            )
        except StillRunning as running:
            run = running.run
            left = deadline - time.monotonic()
            if left <= 0:
                raise OtherCollectRunning(run, wait) from None
            if waits is not None and run.id not in told:
                words = _SAID[lang]
                waits(words["waiting"].format(id=run.id, when=local_time(run.started),
                                              pid=run.pid, host=_whose(run, lang),
                                              wait=given_duration(wait).text(lang)))  # fmt: skip
            told.add(run.id)
            time.sleep(min(_WAIT_STEP, left))


_WAIT_STEP = 0.2
"""Seconds between looks at whether the collect waited for has finished."""

DEFAULT_WAIT = 3600.0
"""Seconds a collect waits for another of the same plan (``--wait``): one takes minutes,
so an hour's wait finds it stuck, and a weekly cron job behind it ends that day."""


def _whose(run: Run, lang: str) -> str:
    """The machine a run's process is on, as the waiting line says it."""
    words = _SAID[lang]
    if run.host is not None and run.host != this_host():
        return words["on_machine"].format(host=run.host)
    return words["this_machine"]


class OtherCollectRunning(OkrdeskError):
    """A collect of the same plan still ran when the wait for it (``--wait``) was over:
    nothing was collected, nothing stored changed."""

    def __init__(self, run: Run, wait: float) -> None:
        when, pid, waited = local_time(run.started), run.pid, given_duration(wait)
        elsewhere = run.host is not None and run.host != this_host()
        stop = (Said(f"on {run.host}: kill {pid}", f"在 {run.host} 上 kill {pid}") if elsewhere
                else Said(f"Ctrl-C where it runs, or kill {pid}",
                          f"在它运行的终端按 Ctrl-C，或 kill {pid}"))  # fmt: skip
        super().__init__(Said(
            f"collect run {run.id} of this plan (started {when}, process {pid} on "
            f"{_whose(run, 'en')}) did not finish within {waited.en} (--wait {as_given(wait)}): "
            "nothing was collected, and nothing stored changed. If that collect hangs, stop "
            f"it ({stop.en}; what it had not stored is rolled back, nothing stored before is "
            "lost) and run okrdesk collect again; if it is only slow, give a longer --wait",
            f"本计划的第 {run.id} 次采集（{when} 开始，{_whose(run, 'zh')}进程 {pid}）在 "
            f"{waited.zh}内没有结束（--wait {as_given(wait)}）：本次未采集任何数据，已存的数据没有"
            f"变动。如果那次采集卡住了，请结束它（{stop.zh}；它尚未存入的会回滚，之前已存的不会丢失），"
            "再运行 okrdesk collect；如果它只是慢，请给更长的 --wait",
        ))  # fmt: skip
        self.run = run


class Progress(PartsProgress, Protocol):
    """What a collect run reports as it goes, for a progress bar: how many plugin
    calls there will be (one per plugin and grain), then each one running and done."""

    def start(self, steps: int) -> None: ...


def run_collect(
    session: Session,
    through: dt.date | None = None,
    only: Iterable[str] = (),
    progress: Progress | None = None,
    jobs: int = 1,
    lang: str = "en",
    emptied: Iterable[str] = (),
    today: dt.date | None = None,
    waits: Callable[[str], None] | None = None,
    wait: float = DEFAULT_WAIT,
) -> CollectSummary:
    """Collect the plan's metrics (or ``only`` these) up to ``through`` and store them,
    all in one transaction once every plugin has been heard, with the run's end: each
    call's sound figures (or a metric as soon as the plugin says it has finished it,
    ``emit.finished``) wait on disk meanwhile (``StagedRows``), not in memory, and no
    reader sees part of them; ``jobs`` plugin processes at once.
    ``lang``: the language of a refusal (a metric the plan does not use). ``emptied``:
    metrics whose source, the user says, now has no figure: given none, what is stored
    of them in the periods collected goes, where otherwise it is kept and they fail.
    ``today``: the day before which ``through`` must fall (the day a demo is built as of;
    else the machine's today). A collect of the same plan running on this machine (or, on
    a PostgreSQL store, on any) is waited for before anything is asked or stored,
    ``waits`` told so once, in ``lang``; for ``wait`` seconds at most, then
    ``OtherCollectRunning``."""
    plan = session.plan
    day = clamp_through(plan, through, today)
    wanted = metrics_needed(plan, session.host.metrics)
    chosen, accepted = list(only), set(emptied)
    for named in (chosen, accepted):
        unknown = sorted(set(named) - set(wanted))
        if unknown:
            raise BadInput(no_such("metric", unknown[0], wanted,
                                   _SAID[lang]["unused"].format(metrics=", ".join(wanted)
                                                                or _SAID[lang]["none"]),
                                   lang))  # fmt: skip
    if chosen:
        wanted = sorted(set(chosen))
    by_grain = {
        grain: sorted(metrics & set(wanted))
        for grain, metrics in metrics_by_grain(plan, session.host.metrics).items()
        if metrics & set(wanted)
    }
    periods = plan_periods(plan, day)
    owners = session.host.owners

    def calls(metrics: Iterable[str]) -> int:
        return len({owners[m] for m in metrics if m in owners})

    stored = 0
    errors: list[PluginError] = []
    warnings: list[PluginError] = []
    versions: dict[str, str] = {}
    landed: set[str] = set()
    # A firm's branches share one store: a collect replaces its own plan's figures alone.
    subjects = {p.id for p in plan.people} | {u.id for u in plan.units}
    groups = sources_groups(plan)
    with open_store(session.workspace) as store, contextlib.closing(StagedRows()) as staged:
        run_id = _started_alone(store, day, wanted, plan.top, subjects, lang, waits, wait)
        bases = bases_to_read(plan, store, session.host.metrics, wanted)

        def steps() -> int:
            return sum(calls(ms) for ms in [*by_grain.values(), *(b.metrics for b in bases)])

        announced = steps()
        if progress is not None:
            progress.start(announced)
        based: dict[str, set[str]] = {}
        unread_bases: set[str] = set()
        # Read once started: a collect waited for is among them, finished. Of the plan's
        # runs (every branch's every week, in a firm's store), those each read needs.
        run_units = plan_run_units(plan)
        first = not store.holds_runs_besides(run_id)
        asked_bases = asked_before(r for r in store.runs_with_bases(run_units) if r.id != run_id)
        noted_kinds = kinds_noted(
            lambda metric: store.runs_newest_first(run_units, kind_of=metric), wanted
        )
        others = [run for run in store.latest_runs() if run.id != run_id]
        # This year's rows of the metrics whose bases are to read: other than when their
        # source last had no rows of last year, it changed since, and is asked again.
        shared = people_of_another_plan(plan, store, others)
        own = [run for run in store.runs(plan_units={plan.top}) if run.id != run_id]
        renamed = people_renamed(plan, store, own)
        with _noted_if_stopped(store, run_id):
            for grain, metrics in by_grain.items():
                grain_periods = plan_periods(plan, day, grain)

                def keep(
                    sound: Mapping[str, str],
                    rows: Iterator[SpooledRow],
                    grain_periods: tuple[Period, ...] = grain_periods,
                ) -> int:
                    return staged.add(sound, grain_periods, rows)

                result = collect(
                    session.host, plan, metrics, grain_periods, day, session.workspace.root,
                    progress,
                    plugin_timeout(session.workspace.plugin_timeout), jobs, keep,
                )  # fmt: skip
                staged.held(result.days_held)
                landed.update(result.plugin_of)
                errors.extend(e for e in result.errors if e not in errors)
                warnings.extend(w for w in result.warnings if w not in warnings)
                versions.update(
                    (r.name, r.version)
                    for r in session.host.records.values()
                    if r.name in result.plugin_of.values()
                )
            bases, _ = not_asked_again(bases, asked_bases, chosen)
            if progress is not None and steps() != announced:  # calls not made again: no steps
                progress.start(steps())
            for base in bases:

                def keep_base(
                    sound: Mapping[str, str],
                    rows: Iterator[SpooledRow],
                    base_periods: tuple[Period, ...] = base.periods,
                ) -> int:
                    return staged.add(sound, base_periods, _counted_rows(rows, based))

                result = collect(
                    session.host, plan, base.metrics, base.periods, day, session.workspace.root,
                    progress, plugin_timeout(session.workspace.plugin_timeout), jobs, keep_base,
                )  # fmt: skip
                staged.held(result.days_held)
                # Last year's periods failing to read fail no run: this year's are whole.
                failed = {e.metric for e in result.errors}
                unread_bases.update(m for m in base.metrics if None in failed or m in failed)
                warnings.extend(w for w in (*result.errors, *result.warnings) if w not in warnings)
            errors.extend(_loading_errors(session, errors))
            # Read from okrdesk.toml before the store's write lock is taken, not while held.
            errors = at_key_lines(session.workspace.root, errors)
            # Every figure and the run's end in one transaction: a report, check or export
            # reading meanwhile sees the store as before the collect, or as after it.
            with store.all_at_once():
                for call in staged.calls:
                    stored += store.replace_rows(
                        run_id, call.collected, call.periods, staged.rows(call), through=day,
                        emptied=accepted, stands_in=zero_for_no_rows, subjects=subjects,
                        groups=groups, answered=call.answered, covered=call.days_held,
                    )  # fmt: skip
                for metric, rows in sorted(store.changes.kept_unanswered.items()):
                    landed.discard(metric)
                    owner = session.host.owners.get(metric, "-")
                    asked = [m for m in wanted if session.host.owners.get(m) == owner]
                    errors.append(_unanswered(metric, rows, owner, errors, asked))
                for metric, units in sorted(store.changes.kept_left_out.items()):
                    errors.append(_left_out(plan, metric, units, session.host.owners))
                specs = session.host.metrics
                for metric, (was, run) in sorted(kinds_changed(noted_kinds, specs, wanted).items()):
                    said = kind_changed(metric, was, run, specs[metric].kind.value,
                                        stored=metric in landed)  # fmt: skip
                    owner = session.host.owners.get(metric, "-")
                    told = PluginError(owner, metric, said.en, said.zh)
                    (warnings if metric in landed else errors).append(told)
                kinds = {m: specs[m].kind.value for m in sorted(landed) if m in specs}
                for metric, unheld in store.changes.kept_unheld.items():
                    if metric in based:  # given, but not stored: the source lacks some days
                        based[metric] -= unheld.empty
                none_found = {
                    metric: NoRowsOfLastYear(unfound)
                    for base in bases for metric in base.metrics if metric not in unread_bases
                    for unfound in [tuple(p.id for p in base.periods
                                          if p.id not in based.get(metric, ()))]
                    if unfound
                }  # fmt: skip
                store.finish_run(run_id, "failed" if errors else "ok", versions,
                                 *kept_lines(errors, warnings), kinds=kinds,
                                 bases=none_found,
                                 kept=kept_unreached(store.changes.kept_unheld))  # fmt: skip
        changes = store.changes
        restated = changes.revised_by_metric()
        # "Before" is stored before: a collect of a plan sharing units, started earlier,
        # may have committed its figures after this one's.
        order = store.runs_numbered([run_id])[0].stored_order if restated else None
        read_before_restated = restatements_read(
            lambda metric: store.runs_newest_first(run_units, naming=metric,
                                                   stored_before=order),
            restated, run_id, session.host.owners, order=order,
        )  # fmt: skip
        never_held = tuple(
            metric for grain, metrics in by_grain.items() for metric in metrics
            if metric not in landed and store.latest_period_end(metric, grain) is None
        )  # fmt: skip
    return CollectSummary(
        run_id, day, periods, tuple(wanted), stored, tuple(errors), tuple(warnings),
        tuple(sorted(landed)), changes.changed, changes.gone, changes.cited_anew,
        settled_restatements(restated, run_id, read_before_restated, session.host.metrics,
                             session.host.owners, plan.end, order=order),
        first=first, never_held=never_held, shared_people=shared,
        renamed_people=renamed, bases=tuple(bases),
        based={metric: frozenset(found) for metric, found in based.items()},
        unread_bases=frozenset(unread_bases),
        unheld=this_years_unheld(changes.kept_unheld, bases),
    )  # fmt: skip


def kept_unreached(unheld: Mapping[str, UnheldPeriods]) -> dict[str, KeptUnreached]:
    """The periods of ``unheld`` whose stored figures were kept, for the run's record
    (``Run.kept``): ``explain`` names the run that stored a figure a later one kept."""
    return {
        metric: KeptUnreached(periods.first, periods.last,
                              (*periods.kept_before, *periods.kept_after))
        for metric, periods in sorted(unheld.items())
        if periods.kept_before or periods.kept_after
    }  # fmt: skip


def this_years_unheld(
    unheld: Mapping[str, UnheldPeriods], bases: Iterable[BaseRead]
) -> dict[str, UnheldPeriods]:
    """``unheld`` but last year's periods read for growth targets and 同比: those were
    asked only where nothing is stored, and the line of what was read of last year says
    of each metric which it has no figure of and how to type them in. Said among this
    year's, they read as this year's figures missing."""
    last_year = frozenset(p.id for base in bases for p in base.periods)
    found = {metric: periods.without(last_year) for metric, periods in unheld.items()}
    return {
        metric: periods for metric, periods in found.items()
        if periods.kept_before or periods.empty_before or periods.kept_after
        or periods.empty_after
    }  # fmt: skip


def _counted_rows(rows: Iterable[SpooledRow], based: dict[str, set[str]]) -> Iterator[SpooledRow]:
    """A base's rows its sources counted, each period noted under its metric in
    ``based``: a zero given for no rows (``zero_for_no_rows``) of last year is left out,
    for an export that starts this year gives one for every period before it, which
    is no figure of that period (the store keeps it never collected, as it was)."""
    for row in rows:
        if not zero_for_no_rows(row):
            based.setdefault(row[0], set()).add(row[2])
            yield row


_UNANSWERED = (
    "gave not one figure, where {rows} stored for it in the periods collected (kept as "
    "stored: an export that came out empty? If its source really has none now, "
    "`okrdesk collect --accept-empty {metric}` lets them go)"
)
_UNANSWERED_ZH = (
    "一个数字也没有给出，而所采集的周期里已存有它的 {rows:,} 个数字（照原样保留：导出的文件是空的？"
    "如果数据源现在确实没有它的数字，`okrdesk collect --accept-empty {metric}` 会删去它们）"
)


_LEFT_OUT = (
    "gave figures of others but not one of {units}, where {rows} stored for them in the "
    "periods collected (kept as stored: an export that left them out? The others' are "
    "stored. If its source really has none of theirs now, `okrdesk collect --accept-empty "
    "{metric}` lets them go)"
)
_LEFT_OUT_ZH = (
    "给出了其他单位的数字，却没有 {units} 的一个数字，而所采集的周期里已存有他们的 {rows:,} 个"
    "数字（照原样保留：导出的文件漏了他们？其他单位的数字已入库。如果数据源现在确实没有他们的"
    "数字，`okrdesk collect --accept-empty {metric}` 会删去它们）"
)


def sources_groups(plan: Plan) -> dict[str, frozenset[str]]:
    """The units directly under the plan's (a firm's branches, a branch's teams), each
    with itself and everyone under it: what a source that leaves one out leaves out
    whole (``Store.replace_rows``'s ``groups``)."""
    return {
        unit.id: frozenset(subjects_under(plan, unit.id))
        for unit in plan.units
        if unit.parent == plan.top
    }


def _left_out(
    plan: Plan, metric: str, units: Mapping[str, int], owners: Mapping[str, str]
) -> PluginError:
    """The error of a metric whose plugin gave figures of some units but none of
    ``units`` (→ rows kept), where some are stored for them."""
    named = {u.id: u.name for u in plan.units}
    listed = sorted(units)
    rows = sum(units.values())
    return PluginError(
        owners.get(metric, "-"), metric,
        _LEFT_OUT.format(units=", ".join(f"{named[u]} ({u})" for u in listed),
                         rows=counted(rows, "figure is", "figures are"), metric=metric),
        _LEFT_OUT_ZH.format(units="、".join(f"{named[u]}（{u}）" for u in listed), rows=rows,
                            metric=metric),
    )  # fmt: skip


_UNANSWERED_AS = (
    "gave not one figure under this name, where {rows} stored for it in the periods "
    "collected (kept as stored); it emitted figures as {other} instead (above): a "
    "misspelt name in its emit?"
)
_UNANSWERED_AS_ZH = (
    "在这个名称下一个数字也没有给出，而所采集的周期里已存有它的 {rows:,} 个数字（照原样保留）；"
    "它改以 {other} 给出了数字（见上）：emit 里的指标名写错了？"
)


def _unanswered(
    metric: str, rows: int, owner: str, errors: list[PluginError], asked: list[str]
) -> PluginError:
    """The error of a metric whose plugin gave none of its figures this run, where some
    are stored. Where the plugin emitted figures under a name it was not asked for whose
    closest asked name is this metric (the runner's "did you mean" names it), that name
    is the likely cause, and dropping the stored figures (what an export that came out
    empty would call for) is not advised. A name another plugin declares is no less a
    slip of this one's; a name close to two metrics is the slip of the closer one only."""
    strays = {e.metric for e in errors if e.plugin == owner and e.metric and e.metric not in asked}
    close = [stray for stray in sorted(strays) if meant_metric(stray, asked) == metric]
    held = counted(rows, "figure is", "figures are")
    if close:
        return PluginError(
            owner, metric,
            _UNANSWERED_AS.format(rows=held, other=", ".join(close)),
            _UNANSWERED_AS_ZH.format(rows=rows, other="、".join(close)),
        )  # fmt: skip
    return PluginError(
        owner, metric,
        _UNANSWERED.format(rows=held, metric=metric),
        _UNANSWERED_ZH.format(rows=rows, metric=metric),
    )  # fmt: skip


def at_key_lines(root: Path, errors: list[PluginError]) -> list[PluginError]:
    """``errors``, each whose words begin with a key of its plugin's table in okrdesk.toml
    (the SQL source's ``sources.sql.metrics[2].query: the query failed: …``) told at that
    key's line, as ``validate`` tells a setting's problem (``okrdesk.toml:14:
    sources.sql.metrics[2].query: …``); every other error as it is."""
    keyed = [e for e in errors if re.match(rf"sources\.{re.escape(e.plugin)}[.\[:]", e.message)]
    if not keyed:
        return errors
    from okrdesk.plugins.settings_checks import SettingsAnswer, located, settings_problems

    told: dict[int, PluginError] = {}
    for plugin in sorted({e.plugin for e in keyed}):
        own = [e for e in keyed if e.plugin == plugin]
        problems = settings_problems(plugin, [Said(e.message, e.zh) for e in own])
        answered = [SettingsAnswer(p.key, p.message, p.zh, False) for p in problems]
        for error, (problem, _) in zip(own, located(root, plugin, answered), strict=True):
            if problem.line:  # where okrdesk.toml has the key
                told[id(error)] = PluginError(error.plugin, error.metric, problem.text("en"),
                                              problem.text("zh"))  # fmt: skip
    return [told.get(id(error), error) for error in errors]


def _loading_errors(session: Session, found: list[PluginError]) -> list[PluginError]:
    """Plugins that failed to load (hung, exited, raised) or were skipped as untrusted:
    a failure of the run, named."""
    already = {e.plugin for e in found}
    # A metric several plugins declare is told once, as not collected, where the plan
    # needs it: not again as each plugin's error.
    told = {e.metric for e in found if e.plugin == "-" and e.metric is not None}
    clashes = session.host.clashes
    clash_lines = {
        declared_twice(metric, owner, [other for other in clashes[metric] if other != owner])[0]
        for metric in told & set(clashes)
        for owner in clashes[metric]
    }
    found_now: list[PluginError] = []
    # A report format a plugin makes wrong fails the report's plugin, not the collect.
    for name, error in session.plugin_errors(formats=False):
        if name in already or error.en in clash_lines:
            continue
        found_now.append(PluginError(name, None, error.en, error.zh))
    return found_now
