"""What needs a person's attention: the one rule set.

The weekly report, ``okrdesk check`` and any later delivery ask this module
and nothing else, so they always agree on what is wrong. An alert names what
it is about and carries a message key with its parameters; the words come
from ``okrdesk.messages`` in the reader's language.

The rules, for a scope (a unit or person; the plan's unit for everything):

- breaker: every budget line owned inside the scope whose breaker tripped;
- expenses: every unit inside the scope spending above the plan's expense
  ratio limit;
- target_mismatch: a key result owned inside the scope whose members'
  targets add up to something else than its own target;
- off_track / missed / breached: every key result owned inside the scope, judged
  at its owner, and the scope's own shares of key results set above it (missed: a
  checkpoint past its date short of its target); a figure is judged on its own day,
  and an off-track one held to a day not the report's says which, as the due column
  does (``KeyResultProgress.due_on``, ``old_figure``); those
  owned further inside, one alert for each member of the scope they are in, kind and
  level (``_told_below``; target_mismatch and no_data too);
- member_off_track: the shares of the scope's own key results held by the
  members it sets targets for that are off track (and of a key result set above it
  that gives the scope no share of its own, those its members hold); and those of
  key results owned further inside the scope, one alert for each member of the scope
  they are in (a firm's check: a line a branch);
- no_data: such a key result with no figure although its source has data
  (a source with none is reported once, as missing);
- missing / stale: every metric the plan uses with no numbers (or that no
  loaded plugin provides, naming the key results it leaves unmeasured), or whose
  latest numbers end more than one period before the date; every key
  result inside the scope tracked by check-ins with none, or whose latest
  is older than the previous period of its cadence (a whole week, month or
  quarter went by without one: ``okrdesk.engine.cadence``); one with none whose
  check-ins a branch keeps under its id from before the plan renamed it says so
  (``_kept_under_members_old_ids``);
- plugin: the errors and warnings of collects about metrics the plan uses, until a
  later collect is asked for those metrics again (a ``collect --metric`` of others
  leaves them told) or a later collect of another plan (a head office's) read them
  again for every unit and person of the plan (``superseded``), those about no such
  metric of the latest collect, and plugins that failed to load; a warning each
  collect repeats, only in the reports of the period the first of them read
  (``_still_news``);
- renamed_person: in the top unit's report, an id of the plan's collects it has no
  more beside a person new since (``renamed_people``): a person's id changed, whose
  figures count nowhere for as long as it stays so;
- shared_person: in the top unit's report, people of the plan another plan's collect,
  later than this plan's last, noted too (``shared_ids``): two branches sharing a store
  whose people have the same ids, and the figures read for them are the other's;
- revised (info): figures of complete periods of a metric the plan uses that
  a collect within the last period restated (``revision_alerts``), once the
  figures had settled (a cohort metric's go on converting for a while, or for
  good: ``MetricSpec.settles_after_days``).
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from enum import StrEnum
from operator import attrgetter
from typing import TYPE_CHECKING, NamedTuple

import attrs

from okrdesk.engine.budget import BudgetProgress
from okrdesk.engine.cadence import Owed, first_checkin_due, owed
from okrdesk.engine.old_unit_ids import (
    collected_for_the_plan,
    held_under_old_ids,
    members_old_ids,
    own_and_kept_under,
)
from okrdesk.engine.pace import Status
from okrdesk.engine.plan_calendar import (
    collects_apart,
    current_from,
    figures_run_through,
    landed_by,
    latest_end,
    member_unit,
    metrics_by_grain,
    metrics_needed,
    of_the_plan,
    one_period_before,
    plan_runs,
    restated_news,
    settling_runs,
    unprovided,
)
from okrdesk.engine.progress import Engine, KeyResultProgress, key_results_for
from okrdesk.engine.renamed_people import people_renamed
from okrdesk.engine.rollup import SharedReads, checked_in_for, subjects_under
from okrdesk.engine.shared_ids import figures_of_another_plan
from okrdesk.engine.tree_targets import members_add_up, owner_of
from okrdesk.errors import Said
from okrdesk.figures_apart import Quantity
from okrdesk.messages import ALERTS, alert_text, named_periods
from okrdesk.model import (
    Checkin,
    KeyResult,
    MetricSpec,
    Plan,
    Run,
    concerned,
    kind_changed,
    kinds_changed,
    plugin_error_text,
    settled_restatements,
    standing,
    told_once_as_kept,
)
from okrdesk.periods import Grain, local_time, period_holding
from okrdesk.plugins.clashes import clash_advice, declared_by_several, declared_twice, not_collected
from okrdesk.records import shared_methods
from okrdesk.store.liveness import Liveness, liveness
from okrdesk.store.reader import StoreReader
from okrdesk.units import LedgerAmount, ledger, percentage

if TYPE_CHECKING:
    from okrdesk.engine.superseded import ReadAgain


class Level(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


_ORDER = {Level.ERROR: 0, Level.WARNING: 1, Level.INFO: 2}


LISTED = frozenset({
    "kr.behind_below", "kr.missed_below", "kr.breached_below", "kr.missed_below_by_share",
    "kr.no_data_below", "target.differ_below", "target.differ_below_by_share",
    "kr.members_below", "kr.members_below_one",
})  # fmt: skip
"""The alerts of a member's key results in one line, which ``--unit`` lists one by one."""


@attrs.frozen
@shared_methods
class Alert:
    level: Level
    kind: str
    """breaker, ledger, old_unit, renamed_person, shared_person, expenses, target_mismatch,
    off_track, missed, breached, no_data, missing, stale, plugin or revised."""
    subject: str
    """What it is about: a budget line, unit, key result, metric or plugin id."""
    key: str
    """The message in ``okrdesk.messages.ALERTS``."""
    params: Mapping[str, object] = attrs.field(factory=dict)
    about: tuple[str, ...] = ()
    """What a line that gathers several things is about, each by its id (the key results,
    members' shares or metrics it counts, named or not); empty for one about ``subject``
    alone (``subjects``)."""

    @property
    def subjects(self) -> tuple[str, ...]:
        """The ids of everything the alert is about: ``about``, else its ``subject``."""
        return self.about or (self.subject,)

    def text(self, lang: str = "en", *, hint: bool = True) -> str:
        """The message in ``lang``; with ``hint``, and where there is one, the command
        that lists what it counts (``hint``)."""
        said = alert_text(self.key, lang, self.params)
        return said + self.hint(lang) if hint else said

    def hint(self, lang: str) -> str:
        """``；--unit b01 逐个列出`` after a line that counts a member's key results, for
        a reader who runs okrdesk; "" for any other."""
        return alert_text("kr.lists_hint", lang, self.params) if self.key in LISTED else ""

    @property
    def message(self) -> str:
        return self.text("en")

    @property
    def title(self) -> str:
        """The free text the message names (a key result's title, a budget line's
        name), "" for none: what a line too narrow shortens first."""
        return str(self.params.get("title") or self.params.get("name") or "")


def alerts(
    engine: Engine,
    budget: BudgetProgress,
    scope: str | None = None,
    *,
    broken_plugins: Iterable[tuple[str, object]] = (),
    runs: Sequence[Run] | None = None,
    owners: Mapping[str, str] | None = None,
    latest: Mapping[tuple[Grain, str], dt.date | None] | None = None,
    clashes: Mapping[str, Sequence[str]] | None = None,
    owing: Sequence[Owed] | None = None,
) -> list[Alert]:
    """Everything inside ``scope`` that needs attention at the engine's date,
    errors first. ``broken_plugins`` are (plugin, error) pairs from loading (an error as
    text, or an ``errors.Said`` where okrdesk wrote it in both languages); ``runs``,
    the store's collect runs when the caller has read them already; ``owners``, the
    plugin of each metric (metric → plugin), by which a run's errors are told until the
    metrics they are about are collected again; ``latest``, ``latest_ends`` when the
    caller has read it already; ``clashes``, each metric several plugins declare (and so
    none provides) with those plugins: told once a metric, where each plugin's error and
    the collect's would each say it again; ``owing``, the check-ins owed within ``scope``
    at the engine's date (``cadence.owed``) when the caller has worked them out already."""
    plan = engine.plan
    inside = set(subjects_under(plan, scope or plan.top))
    if latest is None:
        latest = latest_ends(plan, engine.store, engine.metrics, engine.rollup.shared)
    found = _budget_alerts(plan, budget, inside)
    held: frozenset[str] = frozenset()
    if plan.top in inside:  # a line the plan does not have is owned by no one below it
        found += _off_plan_alerts(budget)
        old_units, held = _old_unit_alerts(plan, budget, engine.store)
        found += old_units
    found += _key_result_alerts(engine, scope or plan.top, inside, latest)
    clashes = clashes or {}
    if owing is None:
        # Only key results owned inside the scope are asked about (``_source_alerts``), and
        # whoever owes one of their check-ins is inside too (members are below the owner):
        # owed within the scope, which a plan cut to the scope (Plan.cut_to) can answer.
        owing = owed(plan, engine.store, engine.as_of, scope)
    found += _source_alerts(plan, engine.store, engine.as_of, inside, latest, engine.metrics,
                            scope, clashes, owing=owing, held_elsewhere=held)  # fmt: skip
    runs = plan_runs(plan, engine.store) if runs is None else runs
    if plan.top in inside and (renamed := people_renamed(plan, engine.store, runs)):
        found.append(Alert(Level.WARNING, "renamed_person", plan.top, "people.renamed",
                           {"said": renamed}))  # fmt: skip
    if plan.top in inside and (theirs := figures_of_another_plan(plan, engine.store, runs)):
        found.append(Alert(Level.WARNING, "shared_person", plan.top, "people.shared",
                           {"said": theirs}))  # fmt: skip
    used = set(metrics_needed(plan, engine.metrics))
    owned = {metric: plugin for metric, plugin in (owners or {}).items() if metric in used}
    broken_plugins = list(broken_plugins)
    # A plugin that cannot load now (an untrusted workspace's own) is told as it is now:
    # what the last collect kept of the same failure is not told again.
    told_now = {
        plugin_error_text(name, None, words)
        for name, error in broken_plugins
        for words in (getattr(error, "en", str(error)), getattr(error, "zh", ""))
    }
    # So is a metric several plugins declare: once, as the metric's, not as each plugin's
    # error, nor as the last collect's "not collected".
    for metric, owners_of in clashes.items():
        told_now |= {plugin_error_text("-", metric, words)
                     for words in not_collected(owners_of)}  # fmt: skip
        if metric not in used:
            found.append(_clash_alert(metric, owners_of, ()))
    # A metric declared another kind than its figures were stored as (a plugin upgraded):
    # told as it stands now, and not again as the last collect that kept the same error.
    for metric, (was, run) in sorted(kinds_changed(runs, engine.metrics or {}, used).items()):
        plugin = owned.get(metric, "-")
        said = kind_changed(metric, was, run, (engine.metrics or {})[metric].kind, stored=False)
        told_now |= {plugin_error_text(plugin, metric, words) for words in said}
        found.append(Alert(Level.ERROR, "plugin", metric, "plugin.kind_changed",
                           {"plugin": plugin, "metric": metric, "error": said}))  # fmt: skip
    clash_lines = {
        declared_twice(metric, owner, [other for other in owners_of if other != owner])[0]
        for metric, owners_of in clashes.items()
        for owner in owners_of
    }
    broken_plugins = [(name, error) for name, error in broken_plugins
                      if getattr(error, "en", str(error)) not in clash_lines]  # fmt: skip
    apart = collects_apart(plan, runs)
    # A branch's collects are told in the reports of the units its figures count towards:
    # the firm's and the branch's, not another branch's.
    told = [each for each in apart if _counts_inside(plan, each[-1], inside)]
    # Of the plan's own collects, what another plan's later collect read again (a head
    # office's, for every branch) is not told: read from the store only when asked.
    again = _read_again(plan, engine.store)
    for run, errors in _standing(plan, told, apart, owned, _errors, again=again):
        found += [
            Alert(Level.ERROR, "plugin", "collect", "plugin.run_error",
                  {"run": run.id, "day": _run_day(plan, run), "error": error})
            # A source that failed several metrics in the same words, once.
            for error in told_once_as_kept([e for e in errors if e not in told_now],
                                           run.lines_zh)
        ]  # fmt: skip
    for run, warnings in _standing(plan, told, apart, owned, _warned, engine.as_of, again=again):
        # Told, not alarmed: the figures stand, without what they name.
        found += [
            Alert(Level.INFO, "plugin", "collect", "plugin.run_warning",
                  {"run": run.id, "day": _run_day(plan, run), "warning": run.line(warning)})
            for warning in warnings
        ]  # fmt: skip
    found += [alert for each in told for alert in _unfinished(plan, each)]
    found += _branches_behind(plan, apart, told, engine.as_of, engine.metrics)
    found += revision_alerts(runs, engine.as_of, plan, engine.metrics, owners or {})
    found += [
        Alert(Level.ERROR, "plugin", name, "plugin.broken", {"plugin": name, "error": error})
        for name, error in broken_plugins
    ]
    return sorted(found, key=_severity)


def _run_day(plan: Plan, run: Run) -> str | Said:
    """The day a collect ran, and the unit whose plan ran it where that is a member's
    (``member_unit``)."""
    day = run.started[:10]
    name = member_unit(plan, run)
    return day if name is None else Said(f"{day}, {name}", f"{day}，{name}")


def _counts_inside(plan: Plan, run: Run, inside: set[str]) -> bool:
    """Whether the figures of the plan that ran ``run`` count towards the scope (the ids
    ``inside`` it): a member unit's (a branch's) where the scope is that unit, or above or
    below it; the plan's own always."""
    if member_unit(plan, run) is None:
        return True
    return not inside.isdisjoint(subjects_under(plan, run.plan_unit))


def _whose(plan: Plan, run: Run) -> Said:
    """`` of 天河营业部`` / ``天河营业部的`` for a collect a member unit's plan ran, else
    nothing."""
    name = member_unit(plan, run)
    return Said("", "") if name is None else Said(f" of {name}", f"{name}的")


def _branches_behind(
    plan: Plan,
    apart: Sequence[Sequence[Run]],
    told: Sequence[Sequence[Run]],
    day: dt.date,
    specs: Mapping[str, MetricSpec] | None,
) -> list[Alert]:
    """Where units of the plan each collect their own (a firm's branches on its server,
    ``collects_apart``): the metrics a unit whose collects are ``told`` in the scope has
    collected less far than another, and not as far as is due on ``day``. The firm's
    figures and the stale alert reach the latest collect's day, and the branch behind read
    as one without new clients since its last; each is told by name, with the day its
    figures reach."""
    if len(apart) < 2:
        return []
    furthest = landed_by(run for group in apart for run in group)
    # Each member unit's figures as far as any collect stored them: its own, or one for
    # the units above it too (the firm's, for every branch). The plan's own collects are
    # the stale alert's to tell.
    reach = [
        (group[-1].plan_unit, landed_by(settling_runs(plan, group, apart)))
        for group in told
        if member_unit(plan, group[-1]) is not None
    ]
    behind: dict[tuple[str, dt.date, str], list[str]] = {}  # (unit, day, grain) → metrics
    for grain, metrics in metrics_by_grain(plan, specs).items():
        due = current_from(plan, day, grain)
        if due is None:
            continue
        for unit, reached in reach:
            for metric in sorted(metrics):
                through = reached.get((metric, grain.value))
                if through is None or through >= furthest[metric, grain.value]:
                    continue
                if period_holding(through, grain).end < due:
                    behind.setdefault((unit, through, grain.value), []).append(metric)
    found = []
    for (unit, through, grain_name), left in behind.items():
        # About the unit, as a member's alerts are; the metrics, its ``subjects``.
        params: dict[str, object] = {"unit": plan.name_of(unit), "latest": through,
                                     "grain": grain_name}  # fmt: skip
        if len(left) == 1:
            found.append(Alert(Level.WARNING, "stale", unit, "metric.stale_in",
                               {**params, "metric": left[0]}, tuple(left)))  # fmt: skip
        else:
            found.append(Alert(Level.WARNING, "stale", unit, "metric.stale_many_in",
                               {**params, "n": len(left), "metrics": tuple(left)},
                               tuple(left)))  # fmt: skip
    return found


def _standing(
    plan: Plan,
    told: Sequence[Sequence[Run]],
    apart: Sequence[Sequence[Run]],
    owned: Mapping[str, str],
    lines: Callable[[Run], Sequence[str]],
    news_on: dt.date | None = None,
    *,
    again: Callable[[], ReadAgain] | None = None,
) -> list[tuple[Run, list[str]]]:
    """``standing`` lines of each group of collects ``told`` (of ``collects_apart``),
    settled by a later collect of their metrics by any plan that collects that group's
    figures (``settling_runs``); with ``news_on`` (a report's day), only those still news
    on it (``_still_news``); with ``again``, those of the plan's own collects whose
    metrics another plan's later collect read again for all of it (``ReadAgain``)."""
    found = []
    gists: dict[int, set[str]] = {}

    def gists_of(run: Run) -> set[str]:
        """What ``run`` warned, each line's gist, worked out once for every line asked."""
        if run.id not in gists:
            gists[run.id] = {_gist(line) for line in lines(run)}
        return gists[run.id]

    for group in told:
        own = {run.id for run in group}
        settling = settling_runs(plan, group, apart)
        for run, said in standing(settling, owned, lines):
            if run.id not in own:
                continue
            if again is not None and member_unit(plan, run) is None:
                said = [line for line in said
                        if not _all_read_again(run, line, owned, again())]  # fmt: skip
            if news_on is not None:
                earlier = [each for each in settling if each.id < run.id and not each.unfinished]
                said = [
                    line for line in said
                    if _still_news(plan, run, line, earlier, owned, gists_of, news_on)
                ]  # fmt: skip
            if said:
                found.append((run, said))
    return found


def _read_again(plan: Plan, store: StoreReader) -> Callable[[], ReadAgain]:
    """A ``ReadAgain`` of ``plan``, made (and its module imported) when first asked for:
    a report with no standing line of its own collects reads nothing more."""

    @functools.cache
    def made() -> ReadAgain:
        from okrdesk.engine.superseded import ReadAgain

        return ReadAgain(plan, store, store.runs)

    return made


def _all_read_again(run: Run, line: str, owned: Mapping[str, str], again: ReadAgain) -> bool:
    """Whether every metric ``line`` of ``run`` is about was read again since."""
    about = [metric for metric in concerned(line, owned) if run.asked_for(metric)]
    return bool(about) and all(again.superseded(run, metric) for metric in about)


_WHERE_IN_A_FILE = r"\b(rows?) \d[\d, -]*\d|\b(rows?) \d"
"""The rows of a file a warning cites; compiled by ``re`` when first used (a report with
no standing warning compiles nothing)."""


def _still_news(
    plan: Plan,
    run: Run,
    line: str,
    earlier: Sequence[Run],
    owned: Mapping[str, str],
    gists_of: Callable[[Run], set[str]],
    day: dt.date,
) -> bool:
    """Whether a warning of ``run`` is news in a report as of ``day``: a CRM export read
    again each week says its 合计 row, or its rows before the plan, in every collect, and
    the manager was told in the report of the week the first of them read. It is news
    until one period (the plan's grain) after the day that first collect read through;
    the collects before ``run`` (``earlier``) asked for the same metrics that said the
    same (wherever in the file the rows now sit: the file grew) count back to it, and
    one that did not say it makes the next that does news again."""
    gist = _gist(line)
    about = concerned(line, owned)
    first = run
    for before in reversed(earlier):
        if about and not any(before.asked_for(metric) for metric in about):
            continue
        if gist not in gists_of(before):
            break
        first = before
    read_through = dt.date.fromisoformat((first.through or first.started)[:10])
    return read_through > one_period_before(day, plan.grain)


def _gist(line: str) -> str:
    """A warning as kept, without the rows of a file it cites (``row 7``, ``rows 4-5``)."""
    return re.sub(_WHERE_IN_A_FILE, lambda found: found[1] or found[2], line)


def _errors(run: Run) -> Sequence[str]:
    return run.errors


def _warned(run: Run) -> Sequence[str]:
    return run.warnings


def _unfinished(plan: Plan, runs: Sequence[Run]) -> list[Alert]:
    """The latest collect, if it started and never finished: still running (information:
    its figures land all at once as it finishes), or dead (killed, or its connection to
    the store lost, so it could not say so), told apart on the machine it ran on; on
    another machine, that machine named. A dead one printed its error to a cron job's log,
    if anywhere, and the figures read are still the collect before's. A member unit's (a
    branch's, in its firm's report) says whose it is."""
    if not runs or not runs[-1].unfinished:
        return []
    run = runs[-1]
    state = liveness(run)
    # A collect stores its figures all at once as it finishes: one unfinished stored none,
    # unless an okrdesk of before then ran it (its metrics noted as each was stored).
    some = run.landed is None or bool(run.landed)
    kept = (_KEPT_WHILE_RUNNING if state == Liveness.RUNNING else _KEPT)[some]
    params = {"run": run.id, "when": local_time(run.started), "pid": run.pid, "host": run.host,
              "whose": _whose(plan, run), "kept": kept}  # fmt: skip
    return [Alert(Level.INFO if state == Liveness.RUNNING else Level.WARNING, "plugin",
                  "collect", _UNFINISHED[state], params)]  # fmt: skip


_KEPT = {
    False: Said("it stored none of its figures, and every metric keeps its earlier numbers",
                "它的数字一个也没有入库，各指标保留此前的数字"),
    True: Said("the figures it stored stand, the others keep their earlier numbers",
               "它已入库的数字保留，其余指标保留此前的数字"),
}  # fmt: skip
"""What an unfinished collect left: nothing of its own, or (run by an okrdesk that stored
each plugin call's figures as they came) what it had stored."""
_KEPT_WHILE_RUNNING = {
    False: Said("its figures are stored all at once as it finishes; until then every metric "
                "keeps its earlier numbers",
                "它的数字在完成时一并入库，在此之前各指标保留此前的数字"),
    True: Said("the figures it has stored so far stand, the others keep their earlier numbers "
               "until it finishes",
               "它已存入的数字保留，其余指标在它完成前保留此前的数字"),
}  # fmt: skip

_UNFINISHED = {
    Liveness.RUNNING: "collect.running",
    Liveness.DIED: "collect.died",
    Liveness.ELSEWHERE: "collect.elsewhere",
    Liveness.UNKNOWN: "collect.unfinished",
    Liveness.INTERRUPTED: "collect.interrupted",
    Liveness.TERMINATED: "collect.terminated",
}


def _clash_alert(metric: str, owners: Sequence[str], krs: tuple[str, ...]) -> Alert:
    """The one alert of a metric the plugins ``owners`` all declare, so that none's is
    used: with the key results ``krs`` it leaves unmeasured."""
    params = {"metric": metric, "krs": krs, "clash": Said(*declared_by_several(owners)),
              "advice": Said(*clash_advice(owners))}  # fmt: skip
    key = "metric.declared_twice" if krs else "metric.declared_twice_elsewhere"
    return Alert(Level.ERROR, "plugin", metric, key, params)


_DATA_FIRST = ("metric.unprovided", "metric.unprovided_many", "metric.unprovided_elsewhere",
               "metric.missing", "metric.read_empty",
               "metric.stale", "metric.stale_many", "people.renamed", "people.shared")  # fmt: skip


def _severity(alert: Alert) -> tuple[int, int]:
    """Errors first, then warnings: of these, figures missing or out of date first, as a
    judgement of pace made on figures of two weeks ago is read in their light."""
    return _ORDER[alert.level], 0 if alert.key in _DATA_FIRST else 1


def revision_alerts(
    runs: Sequence[Run],
    as_of: dt.date,
    plan: Plan,
    specs: Mapping[str, MetricSpec],
    owners: Mapping[str, str],
) -> list[Alert]:
    """The figures of complete periods that collects run within one period (the plan's
    grain) up to ``as_of`` restated, of the metrics the plan uses: an alert for each run
    and metric, so that a restated export does not change the report's past unsaid,
    however the collect was run (one killed before it finished too: each write notes
    what it restated). After the plan's last day, every collect since then counts: a
    January collect restating December is told by the year's last report."""
    used = set(metrics_needed(plan, specs))
    found = []
    for run in runs:
        if not run.revised or not restated_news(run.finished or run.started, as_of, plan):
            continue
        day = dt.datetime.fromisoformat(run.finished or run.started).astimezone().date()
        news = settled_restatements(run.revised, run.id, runs, specs, owners, plan.end,
                                    order=run.stored_order)  # fmt: skip
        for metric, periods in sorted(news.items()):
            if metric not in used:
                continue
            named, more = named_periods(periods)
            figures = sum(periods.values())
            found.append(Alert(
                Level.INFO, "revised", metric, "metric.revised_more" if more else "metric.revised",
                {"metric": metric, "figures": figures, "noun": "one" if figures == 1 else "many",
                 "run": run.id, "day": day, "periods": tuple(named), "more": more},
            ))  # fmt: skip
    return found


def nothing_collected() -> list[Alert]:
    """The one alert when a workspace has no database yet."""
    return [Alert(Level.WARNING, "missing", "store", "nothing_collected")]


def _budget_alerts(plan: Plan, budget: BudgetProgress, inside: set[str]) -> list[Alert]:
    found = [
        Alert(Level.ERROR, "breaker", lp.line.id, f"breaker.{lp.breaker.reason}",
              lp.breaker.params)
        for lp in budget.tripped
        if lp.line.owner in inside
    ]  # fmt: skip
    found += [
        Alert(Level.WARNING, "expenses", unit, "expenses.over",
              {"unit": plan.name_of(unit), "ratio": ratio.ratio, "limit": ratio.limit})
        for unit, ratio in budget.expense_ratios.items()
        if unit in inside and ratio.over
    ]  # fmt: skip
    return found


def _off_plan_alerts(budget: BudgetProgress) -> list[Alert]:
    """Spending on a line the plan no longer has, which no total or breaker counts."""
    return [
        Alert(Level.ERROR, "ledger", line, "ledger.off_plan",
              {"line": line, "count": count, "entries": "one" if count == 1 else "many",
               "amount": LedgerAmount(net)})
        for line, (count, net) in budget.off_plan.items()
    ]  # fmt: skip


def _old_unit_alerts(
    plan: Plan, budget: BudgetProgress, store: StoreReader
) -> tuple[list[Alert], frozenset[str]]:
    """What the plan keeps under its unit's old id (its check-ins, its spending), which no
    figure, total or breaker counts: its key results would read as never checked in, its
    budget as untouched. One line for each old id, with the one command that moves it all;
    and the key results whose check-ins are kept there, which that line tells of."""
    was_top = {run.plan_unit for run in store.latest_runs()} | set(budget.under_old_unit)
    was_top |= set(budget.under_old_plan_id)
    held: dict[str, list[Checkin]] = {}
    if olds := was_top - plan.units_by_id.keys() - {""}:  # else no old id to look under
        every, _ = own_and_kept_under(plan, store, was_top)
        runs = functools.cache(lambda: store.runs(plan_units={plan.top, *olds}))
        held = held_under_old_ids(plan, every, runs, was_top)
    checked = {old: (len(kept), len({c.key_result for c in kept})) for old, kept in held.items()}
    ours = set(checked)
    if set(budget.under_old_plan_id) - ours:
        latest = store.latest_runs()
        ours |= collected_for_the_plan(plan, store, latest, budget.under_old_plan_id)
    found = []
    for old in sorted(
        set(checked) | set(budget.under_old_unit) | (set(budget.under_old_plan_id) & ours)
    ):
        count, net = budget.under_old_unit.get(old, (0, Decimal(0)))
        from_plan = ""
        if not count and old in budget.under_old_plan_id and old in ours:
            # Its id changed with its unit: the ledger's entries carry the old plan id.
            from_plan, count, net = budget.under_old_plan_id[old]
        checkins, key_results = checked.get(old, (0, 0))
        found.append(Alert(
            Level.ERROR, "old_unit", old, "old_unit",
            {"old": old, "top": plan.top,
             "from_plan": f" --from-plan {from_plan}" if from_plan else "",
             "held": HeldUnder(checkins, key_results, count, net),
             "effect": _left_uncounted(checkins, count)},
        ))  # fmt: skip
    return found, frozenset(c.key_result for kept in held.values() for c in kept)


@attrs.frozen
@shared_methods
class HeldUnder:
    """What an old unit id holds of the plan's (check-ins, ledger entries and their net),
    written when the alert is shown: the net as the reader's report writes money."""

    checkins: int
    key_results: int
    entries: int
    net: Decimal

    def text(self, lang: str) -> str:
        checkins, key_results, entries = self.checkins, self.key_results, self.entries
        en, zh = [], []
        if checkins:
            en.append(
                f"{checkins:,} check-in{'s' * (checkins != 1)} of {key_results:,} key "
                f"result{'s' * (key_results != 1)}"
            )
            zh.append(f"{key_results:,} 项关键结果的 {checkins:,} 条打卡")
        if entries:
            net = ledger(self.net, lang)
            en.append(f"{entries:,} ledger entr{'ies' if entries != 1 else 'y'} ({net} net)")
            zh.append(f"{entries:,} 笔支出（净额 {net}）")
        return Said(" and ".join(en), "和 ".join(zh)).text(lang)


def _left_uncounted(checkins: int, entries: int) -> Said:
    """What the plan reads while they stay under the old id."""
    said = []
    if checkins:
        said.append(Said("their key results read as if never checked in",
                         "这些关键结果读不到它们，显示为尚无打卡"))  # fmt: skip
    if entries:
        said.append(Said("the spending counts towards no line, no total and no breaker",
                         "这些支出不计入任何预算项、合计和熔断"))  # fmt: skip
    return Said("; ".join(s.en for s in said), "；".join(s.zh for s in said))


def _judged(engine: Engine, scope: str, inside: set[str]) -> list[KeyResultProgress]:
    """Each key result owned inside the scope at its owner, and the scope's own shares."""
    plan = engine.plan
    found = []
    for kr in plan.key_results_by_id.values():
        owner = owner_of(plan, kr)
        at = owner if owner in inside else (scope if scope in kr.member_targets else None)
        if at is not None and (p := engine.judged(kr, at)) is not None:
            found.append(p)
    return found


def _still_pressing(engine: Engine, closed: dt.date | None) -> bool:
    """Whether a checkpoint missed on ``closed`` still needs attention: through the phase
    after its date; later it is told (its row and its score keep it), and Q1's shortfall
    does not head November's first screen. The plan's own end, and a checkpoint with no
    phase after it, always do."""
    if closed is None:
        return True
    after = [phase for phase in engine.plan.phases if phase.start > closed]
    return not after or engine.as_of <= min(after, key=lambda phase: phase.start).end


def _breached(engine: Engine, p: KeyResultProgress, about: dict[str, object]) -> Alert:
    """A guardrail breached, with the figure and the limit it went past: ``0.21‰，超过上限
    0.15‰``, not only that it did. One held for a phase that closed breached says the day
    it closed, and is told as a missed checkpoint is: an error through the phase after,
    then for information (Q2's breach does not head November's first screen as now's)."""
    kr, figures = p.key_result, _limit_figures(p)
    pressing = _still_pressing(engine, p.closed)
    if figures is None:
        return Alert(Level.ERROR if pressing else Level.INFO, "breached", kr.id, "kr.breached",
                     about)  # fmt: skip
    # A figure out of date is past its limit as of its own day: said so, with the day.
    old = _old_said(p.old_figure)
    if p.closed is not None:
        stops = p.old_figure or p.figures_through
        said = ALERTS["kr.closed_on_old" if stops is not None and stops < p.closed
                      else "kr.closed_on"]  # fmt: skip
        old = Said(*(said[lang].format(day=p.closed, old=stops) for lang in ("en", "zh")))
    return Alert(Level.ERROR if pressing else Level.INFO, "breached", kr.id,
                 f"kr.breached_{kr.direction.value}", {**about, **figures, "old": old})  # fmt: skip


def _key_result_alerts(
    engine: Engine,
    scope: str,
    inside: set[str],
    latest: Mapping[tuple[Grain, str], dt.date | None],
) -> list[Alert]:
    # Figures stored but not counted yet (a past day in the plan's first period, which
    # is stored with later days) are no missing source, nor are last year's, in a store
    # kept from year to year: before the new year's first collect, its metrics have none.
    start = engine.plan.start
    counted = engine.through >= start
    sources = {metric for (_, metric), end in latest.items()
               if end is not None and end >= start and counted}  # fmt: skip
    found = []
    # What the key results owned further inside say (a branch's, in a firm's check), by
    # the member of the scope they are in: one line each member and kind (``_told_below``).
    below: dict[str, list[tuple[KeyResultProgress, Alert]]] = {}
    for p in _judged(engine, scope, inside):
        kr = p.key_result
        about: dict[str, object] = {"kr": kr.id, "title": kr.title}
        told = []
        if (gap := p.target.mismatch) is not None and p.target.members is not None:
            spec = engine.metrics.get(kr.metric or "")
            summed = members_add_up(kr, spec.kind if spec is not None else None)
            key = "target.members_differ" if summed else "target.members_differ_rate"
            told.append(
                Alert(Level.WARNING, "target_mismatch", kr.id, key, {
                    "kr": kr.id, "subject": p.subject,
                    # Apart where they would read alike (1.2亿 beside 1.2亿, 0元 less).
                    "implied": Quantity(kr.unit, p.target.members, beside=p.target.value),
                    "declared": Quantity(
                        kr.unit, p.target.value or 0.0, beside=p.target.members, is_target=True
                    ),
                    "gap": Quantity(kr.unit, abs(gap), points=True, gap=True),
                    "more_or_less": "more" if gap > 0 else "less",
                })
            )  # fmt: skip
        if p.status is Status.OFF_TRACK:
            params = about
            # No pace: short of a share of 0, below where it started, or nothing is due.
            started_below = (p.actual.value is not None
                             and kr.sense * (p.actual.value - p.baseline) < 0)  # fmt: skip
            if p.pace is None and not started_below:
                key = "kr.off_track_no_pace"
            elif p.pace is None or p.pace < 0:
                # "at -85% of the pace due" reads as a mistake; say what it means.
                key = "kr.below_baseline"
            else:
                key, params = "kr.off_track", {**about, "pace": p.pace}
            if (day := _paced_on(p)) is not None:
                # Judged against what was due on a day not the report's (an old figure's, a
                # check-in's of an earlier day): that day said, as the due column says it,
                # never read as today's figure against today's due.
                key, params = f"{key}_old", {**params, "day": day}
            told.append(Alert(Level.WARNING, "off_track", kr.id, key, params))
        elif p.status is Status.MISSED and p.margin is not None:
            # A checkpoint past its date, short of its target: nothing is due any more,
            # but its score keeps the shortfall, so the reader is told what it was.
            closed = p.closed or engine.plan.end
            params = {**about, "day": closed,
                      "short": Quantity(kr.unit, -p.margin, points=True, gap=True)}  # fmt: skip
            key = "kr.missed"
            stops = p.old_figure or p.figures_through
            if stops is not None and stops < closed:
                # Short on figures that stop before its date (out of date, or cut at the
                # last whole period before it, as its row says): what came after is not
                # in it, so it is said whose figures the shortfall is of.
                key, params = "kr.missed_old", {**params, "old": stops}
            pressing = _still_pressing(engine, p.closed)
            told.append(Alert(Level.WARNING if pressing else Level.INFO, "missed", kr.id,
                              key, params))  # fmt: skip
        elif p.status is Status.BREACHED:
            told.append(_breached(engine, p, about))
        elif (
            p.status is Status.NO_DATA
            and p.target.source == "growth"
            and p.actual.value is not None
        ):
            # Its figure is there; last year's, to grow on, is not (or not whole).
            told.append(Alert(Level.WARNING, "no_data", kr.id, "kr.no_growth_base", about))
        elif p.status is Status.NO_DATA and kr.metric is not None and kr.metric in sources:
            told.append(
                Alert(Level.WARNING, "no_data", kr.id, "kr.no_data",
                      {**about, "subject": engine.plan.name_of(p.subject), "metric": kr.metric})
            )  # fmt: skip
        if p.subject != scope and p.subject in inside and scope in engine.plan.units_by_id:
            member = member_towards(engine.plan, scope, p.subject)
            below.setdefault(member, []).extend((p, alert) for alert in told)
        else:
            found += told
    members = _member_alerts(engine, scope, inside) + _shares_without_data(engine, scope, sources)
    return found + _told_below(engine.plan, below) + members


_BELOW = {
    "off_track": "kr.behind_below",
    "missed": "kr.missed_below",
    "breached": "kr.breached_below",
    "no_data": "kr.no_data_below",
    "target_mismatch": "target.differ_below",
}
"""Each kind of alert about a key result owned inside a member of the scope → the message
of several of them in one line (``_told_below``), in the order the lines come."""


def _furthest(p: KeyResultProgress, alert: Alert) -> float:
    """How far out a key result is, lowest first: its pace behind, its attainment short of
    a checkpoint or past a limit, its members' targets' gap off its own."""
    if alert.kind == "off_track":
        return -math.inf if p.pace is None else p.pace
    if alert.kind == "target_mismatch":
        gap, declared = p.target.mismatch or 0.0, p.target.value or 0.0
        return -abs(gap / declared) if declared else -math.inf
    if alert.kind in ("missed", "breached"):
        return p.attainment if p.attainment is not None else -math.inf
    return 0.0


def _further(
    items: Sequence[tuple[KeyResultProgress, Alert]], p: KeyResultProgress, alert: Alert
) -> tuple[float, float]:
    """Where a key result comes in its member's line, first first. Short of a checkpoint or
    its members' targets off its own (``差得最多的是``, the furthest short, off): by how
    much, as the line says it (``差 1.51亿`` before ``差 1.34亿``), where all of the line's
    are in one unit; in different units (户 and 亿) amounts do not compare, and the share of
    its target decides. Else how far out it is (``_furthest``)."""
    relative = _furthest(p, alert)
    if alert.kind not in ("missed", "target_mismatch") or _by_share(items, alert.kind):
        return relative, 0.0
    if alert.kind == "missed":
        return p.margin or 0.0, relative
    return -abs(p.target.mismatch or 0.0), relative


def _by_share(items: Sequence[tuple[KeyResultProgress, Alert]], kind: str) -> bool:
    """Whether a member's line of key results short (or off their members' targets) is
    ordered by the gap as a share of each one's target, not by the amount: where they are
    in different units (户 and 亿), whose amounts do not compare."""
    units = {p.key_result.unit for p, _ in items}
    return kind in ("missed", "target_mismatch") and len(units) > 1


def _said_day(p: KeyResultProgress, alert: Alert) -> dt.date | None:
    """The day a key result's own alert says it was judged on, when not the report's:
    behind on its figures of a day (``_paced_on``), short of a checkpoint on figures that
    stop before its date, past a limit on figures out of date; None for none."""
    if alert.kind == "off_track":
        return _paced_on(p)
    if alert.kind == "missed":
        old = alert.params.get("old")
        return old if isinstance(old, dt.date) else None
    if alert.kind == "breached":
        return p.old_figure
    return None


def _paced_on(p: KeyResultProgress) -> dt.date | None:
    """The day whose due a figure's pace is held to where it is not the report's (the
    day an old figure speaks for, a check-in's of an earlier day): as the due column
    names it (``report.cells.due_on``); None for the report's day."""
    return p.due_on or p.old_figure


def _named_below(p: KeyResultProgress, alert: Alert, day: dt.date | None) -> Said:
    """A key result in the line of its member's: its id and, in a few words, how far out
    it is: ``B01.VISITS（21.7%）``, ``B01.LEADS（差 2户）``, ``B01.CPL（0.5‰，上限 0.1‰）``;
    with ``day``, the day not the report's it was judged on, inside its brackets
    (``_dated``)."""
    return _dated(_how_far_below(p, alert), day)


def _dated(said: Said, day: dt.date | None) -> Said:
    """``said``, an item of a list ending in its brackets (``B01.CALLS（22.0%）``), with the
    day it was judged on inside them: ``B01.CALLS（22.0%，按截至 2026-06-15 的数字）`` /
    ``B01.CALLS (22.0%, on figures as of 2026-06-15)``. After the brackets, the day read as
    that of the whole list where it came after its last item (the form that says so, once
    at the end, when all of it was). Unchanged for None, and where it says that day
    already (a share named with its own day, ``_each_day``); after it where it has none."""
    if day is None:
        return said
    words = _old_said(day)
    within = []
    for lang, text, old in (("en", said.en, words.en), ("zh", said.zh, words.zh)):
        inner = old.strip().strip("（()）")
        if inner in text:  # said already (a share named with its own day)
            within.append(text)
            continue
        close = "）" if lang == "zh" else ")"
        between = "，" if lang == "zh" else ", "
        within.append(f"{text[:-1]}{between}{inner}{close}" if text.endswith(close) else text + old)
    return Said(*within)


def _how_far_below(p: KeyResultProgress, alert: Alert) -> Said:
    kr = p.key_result.id
    if alert.kind == "off_track":
        return _share(kr, p.pace)
    if alert.kind == "missed":
        short = alert.params["short"]
        assert isinstance(short, Quantity)
        return Said(f"{kr} ({short.text('en')} short)", f"{kr}（差 {short.text('zh')}）")
    if alert.kind == "breached":
        past = _past_limit(p)
        return Said(f"{kr} {past.en}".rstrip(), f"{kr}{past.zh}")
    if alert.kind == "target_mismatch":
        gap, more = alert.params["gap"], str(alert.params["more_or_less"])
        assert isinstance(gap, Quantity)
        zh = ALERTS[more]["zh"]
        return Said(f"{kr} ({gap.text('en')} {more})", f"{kr}（{zh} {gap.text('zh')}）")
    return Said(kr, kr)


def _told_below(
    plan: Plan, below: Mapping[str, Sequence[tuple[KeyResultProgress, Alert]]]
) -> list[Alert]:
    """What the checks of the owners inside each member of a scope say of their own key
    results, one alert for each member, kind and level: a single one as its owner's check
    says it; several in one line, the furthest out named (off track with its pace, short
    of a checkpoint with its shortfall, past a limit with figure and limit), with the
    ``--unit`` that lists them; judged on figures out of date, said so with their day. Of
    a kind, the members with the most first, and of as many, the one furthest out. Thirty
    branches with a checkpoint missed in each are thirty lines, not three hundred."""
    groups: dict[tuple[str, Level, str], list[tuple[KeyResultProgress, Alert]]] = {}
    for member, told in below.items():
        for p, alert in told:
            groups.setdefault((alert.kind, alert.level, member), []).append((p, alert))
    found = []
    for (kind, level, member), items in groups.items():
        ranked = sorted(items, key=lambda item: (_further(items, *item), item[0].key_result.id))
        worst = min(_furthest(*item) for item in items)
        order = (list(_BELOW).index(kind), _ORDER[level], -len(ranked), worst)
        if len(ranked) == 1:
            found.append((order, member, ranked[0][1]))
            continue
        # Judged on a day not the report's (figures out of date, a check-in of an earlier
        # day; a checkpoint missed on figures that stop before its date): that day once at
        # the end when all were on the same day and the line has room for it there, else
        # after each named key result that was, as each one's own line says it.
        key = _BELOW[kind]
        if _by_share(items, kind):
            # Ordered by the share of each target: the words say so, not "the most".
            key = f"{key}_by_share"
        days = [_said_day(p, alert) for p, alert in ranked]
        once = "{old}" in ALERTS[key]["en"] and len(set(days)) == 1
        everywhere = days[0] if once else None
        named = tuple(
            _named_below(p, alert, None if everywhere else day)
            for (p, alert), day in zip(ranked[:MEMBERS_NAMED], days, strict=False)
        )
        more = ALERTS["kr.more_members"] if len(ranked) > MEMBERS_NAMED else {}
        params = {"member": plan.name_of(member), "unit": member, "n": len(ranked),
                  "krs": named, "more": Said(more.get("en", ""), more.get("zh", "")),
                  "old": _old_said(everywhere)}  # fmt: skip
        # Of the kind and level of the alerts it gathers, as their owners' checks say them.
        alert = attrs.evolve(ranked[0][1], subject=member, key=key, params=params,
                             about=tuple(p.key_result.id for p, _ in ranked))  # fmt: skip
        found.append((order, member, alert))
    return [alert for *_, alert in sorted(found, key=lambda item: item[:2])]


def _member_alerts(engine: Engine, scope: str, inside: set[str] | None = None) -> list[Alert]:
    """The shares of the scope's own key results held by the members it sets targets for
    (a team's people, a branch's teams) that are off track, furthest behind first (one
    below where it started before any merely behind): whom a manager should talk to,
    after the key results themselves. So too the shares its members hold of a key result
    set above it that gives the scope itself no share (a team with no targets of its own
    whose people carry the branch's): told in the team's report as in the branch's. And
    the shares of key results owned further down (a branch's, split among its people),
    which those owners' own checks tell: gathered by the member of the scope they are in
    (``_below_alerts``), so that a firm's check says what each branch's says without a
    line for every key result of every branch."""
    plan = engine.plan
    inside = set(subjects_under(plan, scope)) if inside is None else inside
    found = []
    below: dict[str, list[_Told]] = {}  # the scope's member → what its owners' checks say
    for kr in plan.key_results_by_id.values():
        if not kr.member_targets:
            continue
        owner = owner_of(plan, kr)
        if owner != scope and owner in inside:
            told = _shares_alerts(engine, kr, owner)
            if told:
                below.setdefault(member_towards(plan, scope, owner), []).extend(told)
            continue
        if owner != scope and scope in kr.member_targets:
            continue  # the scope's own share, judged with the key results
        found += [told.alert for told in _shares_alerts(engine, kr, scope)]
    return found + _below_alerts(plan, below)


def _shares_without_data(engine: Engine, scope: str, sources: set[str]) -> list[Alert]:
    """The members the scope sets targets for whose shares have no figure although their
    metrics have numbers (a branch missing from the firm's export, a CM whose clients
    are booked under another id): one line each member, naming its key results, so that
    a firm's check says a branch is not counted rather than leaving it a — in the
    ranking. Its own check says the same, a key result a line (``kr.no_data``)."""
    plan = engine.plan
    missing: dict[str, list[tuple[KeyResult, str]]] = {}
    for kr in plan.key_results_by_id.values():
        if not kr.member_targets or kr.metric not in sources or owner_of(plan, kr) != scope:
            continue
        for p in engine.shares_below(kr, scope):
            if p.status is Status.NO_DATA:
                missing.setdefault(p.subject, []).append((kr, kr.metric))
    found = []
    for member, krs in missing.items():
        if len(krs) == 1:
            kr, metric = krs[0]
            name = plan.name_of(member)
            params: dict[str, object] = {"kr": kr.id, "title": kr.title, "member": name,
                                         "metric": metric}  # fmt: skip
            found.append(Alert(Level.WARNING, "no_data", kr.id, "kr.member_no_data", params,
                               (member,)))  # fmt: skip
            continue
        params = {"member": plan.name_of(member), "n": len(krs),
                  "krs": tuple(kr.id for kr, _ in krs)}  # fmt: skip
        found.append(Alert(Level.WARNING, "no_data", member, "kr.members_no_data", params,
                           tuple(kr.id for kr, _ in krs)))  # fmt: skip
    return found


class _Told(NamedTuple):
    """An alert about members' shares of a key result, with how far out its furthest share
    is (its pace behind, or its attainment short or past a limit: lowest first) and the
    day not the report's that the share it names first was judged on, if any."""

    alert: Alert
    furthest: float
    old: dt.date | None


def _shares_alerts(engine: Engine, kr: KeyResult, at: str) -> list[_Told]:
    """The alerts for the shares of ``kr`` that members below ``at`` hold: missed,
    breached, then off track."""
    plan = engine.plan
    shares = engine.shares_below(kr, at)
    about: dict[str, object] = {"kr": kr.id, "title": kr.title}
    found = _missed_shares(plan, [p for p in shares if p.status is Status.MISSED], about)
    found += _breached_shares(plan, [p for p in shares if p.status is Status.BREACHED], about)
    behind = sorted(
        (p for p in shares if p.status is Status.OFF_TRACK), key=lambda p: (_paced(p), p.subject)
    )

    def one_behind(share: KeyResultProgress) -> tuple[str, dict[str, object]]:
        if share.pace is None or share.pace < 0:
            return "kr.member_below_baseline", {}
        return "kr.member_off_track", {"pace": share.pace}

    # Judged on a day not the report's: said once at the end where all of them were on
    # the same day, else in the brackets of each share named that was.
    named, old = _each_day(behind, _paced_on, lambda p, name: _share(name, p.pace))
    found += _shares_alert(
        plan, behind, about, one_behind, "kr.members_off_track", named, _paced,
        old=old, day_of=_paced_on,
    )  # fmt: skip
    return found


MISSING_ONE_BY_ONE = 3
"""The most key results with no check-in yet told a line each, with their titles."""


def _never_checked_in(never: Sequence[KeyResult]) -> list[Alert]:
    """The key results with no check-in yet though their first is late: a line each,
    with its title, up to ``MISSING_ONE_BY_ONE``; more, one line naming them all, as for
    those whose check-ins stopped, so that a firm's thirty branches that never checked in
    their visits are one line of the first screen, not thirty lines after it."""
    if len(never) <= MISSING_ONE_BY_ONE:
        return [Alert(Level.WARNING, "missing", kr.id, "checkin.missing",
                      {"kr": kr.id, "title": kr.title}) for kr in never]  # fmt: skip
    krs = tuple(kr.id for kr in never)
    params = {"n": len(never), "krs": krs}
    return [Alert(Level.WARNING, "missing", krs[0], "checkin.missing_many", params, krs)]


def _paced(p: KeyResultProgress) -> float:
    return -math.inf if p.pace is None else p.pace


def _old_figure(p: KeyResultProgress) -> dt.date | None:
    return p.old_figure


def _old_said(day: dt.date | None) -> Said:
    """`` (on figures as of 2026-11-20)`` / ``（按截至 2026-11-20 的数字）``; nothing for
    None."""
    if day is None:
        return Said("", "")
    said = ALERTS["kr.shares_old"]
    return Said(said["en"].format(day=day), said["zh"].format(day=day))


def member_towards(plan: Plan, scope: str, subject: str) -> str:
    """The member of ``scope`` (a unit directly below it, or a person in it) that
    ``subject``, somewhere below it, is in or is."""
    person = plan.people_by_id.get(subject)
    at = person.unit if person is not None else subject
    if at == scope:
        return subject
    while (parent := plan.units_by_id[at].parent) is not None and parent != scope:
        at = parent
    return at


def _below_alerts(plan: Plan, below: Mapping[str, Sequence[_Told]]) -> list[Alert]:
    """What the checks of the owners below a scope say of their members' shares, one
    alert for each member of the scope they are in: a single alert as its owner's check
    says it; several in one line, a key result each, its furthest out share named and how
    many there are, with the ``--unit`` that lists them all. Of a member's key results,
    those with the most shares that need attention first, then the one whose named share
    is furthest out, then by id; the members with the most shares first, then the one
    whose first named share is furthest out. Judged on a day not the report's (figures
    out of date, check-ins of an earlier day), the line says of which day: once at its end
    when all were of one day, else after each key result that was."""
    found = []
    for member, told in below.items():
        if len(told) == 1:
            alert = told[0].alert
            found.append(((-_count(alert), told[0].furthest, member), alert))
            continue
        by_kr: dict[str, list[_Told]] = {}
        for each in told:
            by_kr.setdefault(each.alert.subject, []).append(each)
        ranked = sorted(by_kr.items(), key=lambda item: (
            -sum(_count(t.alert) for t in item[1]), item[1][0].furthest, item[0]))  # fmt: skip
        days = {each.old for each in told}
        everywhere = days.pop() if len(days) == 1 else None  # all of one day, said once
        named = tuple(_worst_of(kr, krs, each_old=everywhere is None)
                      for kr, krs in ranked[:MEMBERS_NAMED])  # fmt: skip
        count = sum(_count(each.alert) for each in told)
        # Not "name": a line too narrow keeps the member's name whole, as it is short and
        # says where to look, and cuts the list after it.
        params = {"member": plan.name_of(member), "unit": member, "count": count,
                  "n": len(ranked), "krs": named,
                  "more": _other_key_results(len(ranked) - MEMBERS_NAMED),
                  "old": _old_said(everywhere)}  # fmt: skip
        key = "kr.members_below" if len(ranked) > 1 else "kr.members_below_one"
        alert = Alert(Level.WARNING, "member_off_track", member, key, params,
                      tuple(kr for kr, _ in ranked))  # fmt: skip
        found.append(((-count, ranked[0][1][0].furthest, member), alert))
    return [alert for _, alert in sorted(found, key=lambda item: item[0])]


def _other_key_results(left: int) -> Said:
    """The key results a line of members' shares names none of, counted: each named one
    ends in its own count of shares (``等 2 个``), after which a bare 等 or … read as that
    count's again (``等 2 个等``)."""
    if left <= 0:
        return Said("", "")
    return Said(f", plus {left} other key result{'s' if left > 1 else ''}",
                f"，另有 {left} 项关键结果")  # fmt: skip


def _count(alert: Alert) -> int:
    """How many members' shares a ``member_off_track`` alert is about."""
    count = alert.params.get("count", 1)
    return count if isinstance(count, int) else 1


def _worst_of(kr: str, told: Sequence[_Told], *, each_old: bool = False) -> Said:
    """A key result's shares that need attention in a few words: the furthest out named
    (missed first, then breached, then behind: its alerts' order) and how many there are;
    with ``each_old``, the day not the report's it was judged on, if it was, in its
    brackets (``_dated``).
    ``B001.ACC 客户经理1-2-3（67.5%）等 4 个`` / ``B001.ACC 客户经理1-2-3 (67.5%) and 3 more``."""
    worst = told[0].alert.params.get("worst")
    shown = _dated(worst if isinstance(worst, Said) else Said("", ""),
                   told[0].old if each_old else None)  # fmt: skip
    n = sum(_count(each.alert) for each in told)
    return Said(f"{kr} {shown.en}" + (f" and {n - 1} more" if n > 1 else ""),
                f"{kr} {shown.zh}" + (f"等 {n} 个" if n > 1 else ""))  # fmt: skip


MEMBERS_NAMED = 3
"""The shares named in one key result's alert, furthest behind first; the others counted."""


def _shares_alert(
    plan: Plan,
    shares: Sequence[KeyResultProgress],
    about: Mapping[str, object],
    one: Callable[[KeyResultProgress], tuple[str, dict[str, object]]],
    several: str,
    each: Callable[[KeyResultProgress, str], Said],
    furthest: Callable[[KeyResultProgress], float],
    day_of: Callable[[KeyResultProgress], dt.date | None] = _old_figure,
    **common: object,
) -> list[_Told]:
    """The one alert for members' ``shares`` of a key result, furthest out first: a single
    share named, with the message key and figures ``one`` gives it; several counted under
    ``several``, the first ``MEMBERS_NAMED`` each written as ``each`` writes it; one or
    several, the members whose shares they are in its ``about``, so that a monitoring
    system reading ``subjects`` learns which branch whether one is behind or ten.
    ``furthest`` says how far out a share is, lowest first; ``day_of``, the day not the
    report's the first named was judged on, if any (``_Told.old``: said beside it where a
    line names it alone)."""
    if not shares:
        return []
    told = functools.partial(_Told, furthest=min(map(furthest, shares)), old=day_of(shares[0]))
    kr_id = shares[0].key_result.id
    named = tuple(each(p, plan.name_of(p.subject)) for p in shares[:MEMBERS_NAMED])
    if len(shares) == 1:
        key, figures = one(shares[0])
        params = {**about, **common, **figures, "member": plan.name_of(shares[0].subject),
                  "count": 1, "worst": named[0]}  # fmt: skip
        alone = (shares[0].subject,)
        return [told(Alert(Level.WARNING, "member_off_track", kr_id, key, params, alone))]
    more = ALERTS["kr.more_members"] if len(shares) > MEMBERS_NAMED else {}
    params = {**about, **common, "count": len(shares), "members": named, "worst": named[0],
              "more": Said(more.get("en", ""), more.get("zh", ""))}  # fmt: skip
    members = tuple(p.subject for p in shares)
    return [told(Alert(Level.WARNING, "member_off_track", kr_id, several, params, members))]


def _missed_shares(
    plan: Plan, missed: Sequence[KeyResultProgress], about: Mapping[str, object]
) -> list[_Told]:
    """The alert for the members' shares of a key result that closed short of their
    targets (a checkpoint after its date, any goal at the plan's end): with the
    shortfall, the largest shortfall first (see below)."""
    if not missed:
        return []

    def shortfall(p: KeyResultProgress) -> Quantity:
        return Quantity(p.key_result.unit, -(p.margin or 0.0), points=True, gap=True)

    def short_by(p: KeyResultProgress, name: str) -> Said:
        return Said(f"{name} ({shortfall(p).text('en')} short)",
                    f"{name}（差 {shortfall(p).text('zh')}）")  # fmt: skip

    def stops(p: KeyResultProgress) -> dt.date | None:
        # Short on figures that stop before its date (out of date, or cut at the last
        # whole period before it): whose figures the shortfall is of, as a key result's
        # own ``kr.missed_old`` says it.
        through, closed = p.old_figure or p.figures_through, p.closed or plan.end
        return through if through is not None and through < closed else None

    # The furthest short by the amount each line says (``差 1.51亿`` before ``差 1.34亿``),
    # as "差得最多的是" reads: what most of the unit's own shortfall is; of as much, the
    # one furthest short of its own target.
    ranked = sorted(missed, key=lambda p: (p.margin or 0.0, p.attainment or 0.0, p.subject))
    named, old = _each_day(ranked, stops, short_by)
    return _shares_alert(
        plan, ranked, about,
        lambda p: ("kr.member_missed", {"short": shortfall(p)}), "kr.members_missed", named,
        _attained, day_of=stops, day=missed[0].closed or plan.end, old=old,
    )  # fmt: skip


def _each_day(
    shares: Sequence[KeyResultProgress],
    day_of: Callable[[KeyResultProgress], dt.date | None],
    each: Callable[[KeyResultProgress, str], Said],
) -> tuple[Callable[[KeyResultProgress, str], Said], Said]:
    """How shares judged on days not the report's say them: where all were of one day,
    once at the end of the line (the ``old`` returned, for its ``{old}``); else in the
    brackets of each share named that was, its own day (``_dated``), and nothing at the
    end. ``each`` writes a share without its day."""
    days = {day_of(p) for p in shares}
    if len(days) == 1:
        return each, _old_said(days.pop())
    return (lambda p, name: _dated(each(p, name), day_of(p))), Said("", "")


def _breached_shares(
    plan: Plan, breached: Sequence[KeyResultProgress], about: Mapping[str, object]
) -> list[_Told]:
    """The alert for the members' shares of a guardrail past their limits, the furthest
    past its own limit first, each with its figure and limit: told whether or not the
    unit's own figure keeps within its limit (a firm's complaint rate may, while one
    branch's does not); on figures out of date, with the day they speak for."""

    def past(p: KeyResultProgress, name: str) -> Said:
        figures = _past_limit(p)
        return Said(f"{name} {figures.en}", f"{name}{figures.zh}")

    # On figures out of date, each share its own day (one day for all said once).
    ranked = sorted(breached, key=lambda p: (p.attainment or 0.0, p.subject))
    named, old = _each_day(ranked, _old_figure, past)
    return _shares_alert(
        plan, ranked, about,
        lambda p: ("kr.member_breached", {"figures": _past_limit(p)}), "kr.members_breached",
        named, _attained, old=old,
    )  # fmt: skip


def _attained(p: KeyResultProgress) -> float:
    return p.attainment if p.attainment is not None else -math.inf


def _limit_figures(p: KeyResultProgress) -> dict[str, Quantity] | None:
    """A guardrail's figure, its limit and its band (for ``within``), as messages write
    them; None when it has no figure or no limit."""
    kr, actual, limit = p.key_result, p.actual.value, p.target.value
    if actual is None or limit is None:
        return None
    return {"actual": Quantity(kr.unit, actual, beside=limit),
            "limit": Quantity(kr.unit, limit, beside=actual, is_target=True),
            "band": Quantity(kr.unit, float(kr.band or 0), points=True)}  # fmt: skip


def _past_limit(share: KeyResultProgress) -> Said:
    """A share's figure against its limit: （1‰，上限 0.8‰） / (1‰ against a limit of 0.8‰)."""
    figures = _limit_figures(share)
    if figures is None:
        return Said("", "")
    said = ALERTS[f"kr.past_limit_{share.key_result.direction.value}"]
    return Said(*(said[lang].format(**{k: q.text(lang) for k, q in figures.items()})
                  for lang in ("en", "zh")))  # fmt: skip


def _share(name: str, pace: float | None) -> Said:
    """A member and how far along the pace due its share is: 朱强（应完成的 69.3%） /
    朱强 (69.3% of pace), said as what it is: beside it, ``explain`` ranks members
    by attainment (完成率), a figure of its own. One below where it started (or with no
    pace to measure) says so."""
    if pace is None or pace < 0:
        return Said(f"{name} (below where it started)", f"{name}（低于起点）")
    shown = percentage(pace, keep=1)
    return Said(f"{name} ({shown} of pace)", f"{name}（应完成的 {shown}）")


def latest_ends(
    plan: Plan,
    store: StoreReader,
    specs: Mapping[str, MetricSpec] | None = None,
    shared: SharedReads | None = None,
) -> dict[tuple[Grain, str], dt.date | None]:
    """Each grain and metric the plan uses at it (a derived one's inputs in its place) →
    the end of the metric's latest period of that grain with data (None: no numbers yet).
    A metric a key result reads by week and a score by month is asked at both: a month
    stored through its first weeks is no news of the weeks since.

    A flow counts events: a week in which no client crossed the HNW line has no
    row, and is a 0, not a gap. So a flow's numbers reach as far as the collect
    that stored them read its sources, when that is later than its last row.

    ``shared``: a report's reads, where its engines read the same ends (read once)."""
    read = shared.latest_end if shared is not None else functools.partial(latest_end, store)
    found = {}
    for grain, metrics in metrics_by_grain(plan, specs).items():
        for metric in metrics:
            spec = specs.get(metric) if specs is not None else None
            found[grain, metric] = read(metric, grain, spec)
    return found


def _source_alerts(
    plan: Plan,
    store: StoreReader,
    day: dt.date,
    inside: set[str],
    latest_by_metric: Mapping[tuple[Grain, str], dt.date | None],
    specs: Mapping[str, MetricSpec] | None = None,
    scope: str | None = None,
    clashes: Mapping[str, Sequence[str]] | None = None,
    *,
    owing: Sequence[Owed],
    held_elsewhere: frozenset[str] = frozenset(),
) -> list[Alert]:
    """Metrics with no numbers or stale ones, and check-ins missing or old (``owing``: those
    owed within ``scope`` on ``day``, ``cadence.owed``). ``held_elsewhere``: key results
    whose check-ins are kept under the plan's old unit id, which that alert tells of: not
    told as never checked in beside it."""
    found = []
    stale: dict[tuple[dt.date, str], list[str]] = {}  # (latest, grain) → its metrics
    unmeasured: list[tuple[str, tuple[str, ...]]] = []  # metric no plugin provides, its krs
    told_missing: set[str] = set()  # a metric read at two grains is missing once
    shares: set[str] | None = None  # the scope's shares of key results, asked once
    for grain, metrics in metrics_by_grain(plan, specs).items():
        due = current_from(plan, day, grain)
        for metric in sorted(metrics):
            latest = latest_by_metric[grain, metric]
            if metric in told_missing:
                continue
            if specs is not None and metric not in specs:
                # Its plugin did not load, or was not run: no collect could have any. Named:
                # its key results owned inside the scope, and the scope's shares of others.
                if shares is None:
                    shares = {kr.id for _, krs in key_results_for(plan, scope or plan.top)
                              for kr in krs}  # fmt: skip
                krs = tuple(kr.id for kr in plan.key_results_by_id.values()
                            if kr.metric and unprovided(kr.metric, specs) == metric
                            and (owner_of(plan, kr) in inside or kr.id in shares))  # fmt: skip
                if clashes and metric in clashes:
                    found.append(_clash_alert(metric, clashes[metric], krs))
                else:  # none: used outside the scope only, or by a budget line, a score
                    unmeasured.append((metric, krs))
                told_missing.add(metric)
            elif latest is None:
                read = store.landed_through(metric, grain)
                if read is None:
                    found.append(Alert(Level.WARNING, "missing", metric, "metric.missing",
                                       {"metric": metric}))  # fmt: skip
                else:
                    found.append(Alert(Level.WARNING, "missing", metric, "metric.read_empty",
                                       {"metric": metric, "day": read}))  # fmt: skip
                told_missing.add(metric)
            elif (due is not None and latest < due) or latest < plan.start:
                # Last year's alone, in the plan's first period: none of its own yet.
                shown = figures_run_through(store, metric, grain, latest)
                stale.setdefault((shown, grain.value), []).append(metric)
    found += _unprovided(unmeasured)
    for (ends, grain_name), left in stale.items():
        if len(left) == 1:
            params = {"metric": left[0], "latest": ends, "grain": grain_name}
            found.append(Alert(Level.WARNING, "stale", left[0], "metric.stale", params))
        else:  # one line for the metrics a collect that did not run left where they were
            params = {"n": len(left), "metrics": tuple(left), "latest": ends,
                      "grain": grain_name}  # fmt: skip
            found.append(Alert(Level.WARNING, "stale", left[0], "metric.stale_many", params,
                               tuple(left)))  # fmt: skip
    late: dict[str, list[Owed]] = {}
    for entry in owing:
        # A member with none yet, where others have some, is as late as one that stopped.
        if entry.late:
            late.setdefault(entry.key_result, []).append(entry)
    # Grouped by the latest check-in and cadence, which also fix how many periods went by,
    # and by whose it is where another member of the key result checked in since.
    Since = tuple[dt.date | None, str, tuple[str, ...]]
    behind_since: dict[Since, list[KeyResult]] = {}
    missed: dict[Since, int] = {}
    never: list[KeyResult] = []
    for kr in _tracked_by_checkins(plan, inside):
        counting = checked_in_for(plan, kr)
        made = store.checkin_figures(kr.id, counting, plan.start, plan.end)
        # Oldest first: the latest by the day is the last before the first after it.
        by_then = bisect.bisect_right(made, day, key=attrgetter("day"))
        if not by_then:
            if day > first_checkin_due(plan, kr) and kr.id not in held_elsewhere:
                never.append(kr)
        elif kr.id in late:
            behind = late[kr.id][0]
            whose = () if behind.last == made[by_then - 1].day else tuple(
                plan.name_of(o.subject) for o in late[kr.id] if o.last == behind.last
            )  # fmt: skip
            since = (behind.last, behind.cadence.value, whose)
            behind_since.setdefault(since, []).append(kr)
            missed[since] = behind.missed
    kept_away = _kept_under_members_old_ids(plan, store, never)
    found += _never_checked_in([kr for kr in never if kr.id not in kept_away])
    found += kept_away.values()
    for (last, cadence, whose), undone in behind_since.items():
        first = undone[0]
        # One period is "a whole week"; more are counted, as `okrdesk due` counts them.
        many = missed[(last, cadence, whose)] > 1
        span = {"missed": missed[(last, cadence, whose)], "cadences": cadence} if many else {}
        said = "checkin." + ("none" if last is None else "stale")
        said += ("_many" if len(undone) > 1 else "") + ("_of" if whose else "")
        said += "_for" if many else ""
        who = {"who": _named_few(whose)} if whose else {}
        if len(undone) == 1:
            params = {"kr": first.id, "title": first.title, "day": last, "cadence": cadence,
                      **span, **who}  # fmt: skip
            found.append(Alert(Level.WARNING, "stale", first.id, said, params))
        else:  # one line for the check-ins one month-end left undone, say
            params = {"n": len(undone), "krs": tuple(kr.id for kr in undone), "day": last,
                      "cadence": cadence, **span, **who}  # fmt: skip
            found.append(Alert(Level.WARNING, "stale", first.id, said, params,
                               tuple(kr.id for kr in undone)))  # fmt: skip
    return found


def _kept_under_members_old_ids(
    plan: Plan, store: StoreReader, never: Sequence[KeyResult]
) -> dict[str, Alert]:
    """Of ``never``, key results with no check-in yet, those whose check-ins are kept
    under the id a unit below the plan had before the plan's target files renamed it
    (``members_old_ids``: a branch renamed in its firm's plan, whose own workspace still
    checks in under it), by key result: what that is, and what moves them. Read only for
    key results that have none."""
    ids = set(plan.subject_ids)
    away = {kr.id: [c for c in of_the_plan(plan, store.checkins(kr.id)) if c.subject not in ids]
            for kr in never}  # fmt: skip
    olds = {c.subject for kept in away.values() for c in kept}
    members = members_old_ids(plan, store, olds) if olds else {}
    found = {}
    for kr in never:
        counting = checked_in_for(plan, kr)
        kept = [c for c in away[kr.id] if members.get(c.subject) in counting]
        if not kept:
            continue
        old = kept[-1].subject
        member = members[old]
        n = sum(c.subject == old for c in kept)
        found[kr.id] = Alert(Level.WARNING, "missing", kr.id, "checkin.kept_under_member",
                             {"kr": kr.id, "title": kr.title, "old": old, "member": member,
                              "name": plan.units_by_id[member].name,
                              "checkins": Said(f"{n} check-in{'s' * (n != 1)}",
                                               f"{n} 条打卡")})  # fmt: skip
    return found


def _named_few(names: Sequence[str], shown: int = 3) -> Said:
    """Whose check-ins are old, where another member's are not: a few by name, the rest
    counted (``第1营业部、第2营业部、第3营业部等 30 个``)."""
    if len(names) <= shown:
        return Said(", ".join(names), "、".join(names))
    rest = len(names) - shown
    return Said(f"{', '.join(names[:shown])} and {rest} more",
                f"{'、'.join(names[:shown])}等 {len(names)} 个")  # fmt: skip


def _unprovided(unmeasured: Sequence[tuple[str, tuple[str, ...]]]) -> list[Alert]:
    """The metrics no loaded plugin provides, each with the key results in the scope it
    leaves unmeasured (none for one only a budget line, a score or another unit's key
    results read): one alone is told with them; several (a plugin broken, or left out by
    OKRDESK_LOAD_PLUGINS) in one line naming them all, those that leave key results
    unmeasured first, so that the first screen is not a line a metric of one cause
    before anything that is behind (a metric no key result of the scope reads was a
    line of its own beside the others')."""
    if not unmeasured:
        return []
    if len(unmeasured) == 1:
        metric, krs = unmeasured[0]
        if not krs:
            return [Alert(Level.WARNING, "missing", metric, "metric.unprovided_elsewhere",
                          {"metric": metric, "krs": krs})]  # fmt: skip
        return [Alert(Level.WARNING, "missing", metric, "metric.unprovided",
                      {"metric": metric, "krs": krs})]  # fmt: skip
    ordered = sorted(unmeasured, key=lambda each: not each[1])  # stable: by name within
    metrics = tuple(metric for metric, _ in ordered)
    krs = tuple(dict.fromkeys(kr for _, each in ordered for kr in each))
    said = "metric.unprovided_many" if krs else "metric.unprovided_many_elsewhere"
    return [Alert(Level.WARNING, "missing", metrics[0], said,
                  {"n": len(metrics), "metrics": metrics, "krs": krs}, metrics)]  # fmt: skip


def _tracked_by_checkins(plan: Plan, inside: set[str]) -> Sequence[KeyResult]:
    return [
        kr
        for kr in plan.key_results_by_id.values()
        if kr.metric is None and owner_of(plan, kr) in inside
    ]
