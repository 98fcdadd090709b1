"""Open a workspace the way every command does: settings, plugins, plan."""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from okrdesk.engine.plan_calendar import metrics_needed
from okrdesk.errors import (
    BadInput,
    NoStoreYet,
    OkrdeskError,
    Problem,
    Said,
    ValidationFailed,
    display_path,
)
from okrdesk.messages import label
from okrdesk.model import KeyResult, MetricSpec, Plan
from okrdesk.plugins.clashes import clash_advice, declared_by_several
from okrdesk.plugins.manager import DECLARING_FAILED, PluginHost, PluginRecord, Prober
from okrdesk.plugins.time_limit import plugin_timeout
from okrdesk.records import shared_methods
from okrdesk.store import Store
from okrdesk.targets import load
from okrdesk.targets.load import LoadResult, load_plan
from okrdesk.targets.plan_cache import load_plan_cached
from okrdesk.targets.reader import Findings, no_such
from okrdesk.targets.settings import Workspace, locate, read_settings

if TYPE_CHECKING:
    from okrdesk.plugins.probe_cache import ProbeCache


class PlanRefused(ValidationFailed):
    """The plan's problems, and after them what the user should know of the plugins that
    were asked to load (``notes``), each as a warning."""

    def __init__(self, problems: Iterable[Problem], notes: Iterable[Said] = ()) -> None:
        self.notes = list(notes)
        super().__init__(problems)

    def said_in(self, lang: str) -> str:
        warned = "警告：" if lang == "zh" else "warning: "
        return "\n".join([super().said_in(lang), *(warned + n.text(lang) for n in self.notes)])


# A command makes only a few of each class here: declared without __slots__, which attrs
# adds by building the class a second time (as report/document.py explains).
@attrs.frozen(slots=False)
@shared_methods
class Session:
    workspace: Workspace
    host: PluginHost
    loaded: LoadResult
    settings_findings: Findings

    @property
    def problems(self) -> list[Problem]:
        return sorted({*self.settings_findings.problems, *self.loaded.problems})

    @property
    def warnings(self) -> list[Problem]:
        return sorted({*self.settings_findings.warnings, *self.loaded.warnings})

    @property
    def plan(self) -> Plan:
        """The plan; raises ValidationFailed, listing every problem, when there is none:
        with a name in ``OKRDESK_LOAD_PLUGINS`` that no plugin has told after them (a
        misspelt name there loads nothing, and the plan's metrics are then provided by
        none: that is why), and where a metric is none's, each package's entry point in a
        group named like okrdesk's (a plugin installed that never loads: why, too)."""
        if self.loaded.plan is None or self.problems:
            problems = self.problems
            notes = list(self.host.allow_list_warnings())
            if any(_unprovided_metric(problem) for problem in problems):
                notes += self.host.misplaced_entry_points()
            raise PlanRefused(problems, notes)
        return self.loaded.plan

    def plugin_errors(self, *, formats: bool = True) -> list[tuple[str, Said]]:
        """Each loaded plugin's errors (``PluginHost.broken_said``), in both languages; a
        plugin whose ``okrdesk_metrics`` told which of its definitions in okrdesk.toml are
        broken (the SQL source's) has each of them at its line, as ``validate`` says it,
        rather than "okrdesk_metrics failed: BrokenDefinitions: …" with no line."""
        return [
            (name, said)
            for name, error in self.host.broken_said(formats=formats)
            for said in at_their_lines(self.host.records[name], error, self.workspace.root)
        ]


def at_their_lines(record: PluginRecord, error: Said, root: Path) -> list[Said]:
    """``error``, one of ``record``'s: where its declaration told which of its definitions
    in okrdesk.toml are broken (the SQL source's), each of them at its line, as
    ``validate`` says it; else ``error`` as it is."""
    if not (record.mistakes and error.en.startswith(DECLARING_FAILED)):
        return [error]
    from okrdesk.plugins.settings_checks import checked, located, settings_problems

    answered = checked(settings_problems(record.name, record.mistakes))
    return [Said(problem.text("en"), problem.text("zh"))
            for problem, _ in located(root, record.name, answered)]  # fmt: skip


def open_session(
    option: str | os.PathLike[str] | None,
    *,
    isolated: bool = False,
    cut_to: str | None = None,
    checking: bool = False,
) -> Session:
    """Read the workspace's settings, load its plugins and read its targets.

    ``isolated``: installed and workspace plugins are loaded each in a process of
    their own, under the plugin timeout, never in this one (for collect, which
    runs them that way too). ``cut_to``: the unit a report is about; a plan kept
    in the user's cache is then read only as far as that report needs
    (``Plan.cut_to``: the engine answers for nothing outside that unit). ``checking``:
    for ``validate``, a key result on a metric its plugin failed to declare stays a
    problem (for any other command it is a warning, and the rest of the plan runs).
    """
    root = locate(option)
    findings = Findings()
    workspace = read_settings(root, findings)
    if checking:
        _consented_to_check(workspace, findings)
    else:
        consented(workspace)
    probe: Prober | None = None
    cache: ProbeCache | None = None
    if isolated:
        from okrdesk.plugins.probe_cache import ProbeCache

        cache = ProbeCache()
        probe = _prober(root, workspace, cache)
    host = open_plugins(workspace, probe)
    # Without its settings the plugins declare what okrdesk.toml does not mean (no SQL
    # metric at all): the plan's metrics are checked once it reads, as its other keys.
    metrics = None if workspace.unread else host.metrics
    loaded = _read_plan(root, metrics, cut_to, host.clashes, host.unloaded(), _undeclared_by(host))
    if cache is not None and cache.given and (loaded.problems or host.clashes):
        # A kept answer may be out of date (a plugin whose metrics come from more than
        # its code and settings): every plugin is asked afresh before the plan's
        # problems, or a metric two plugins declare, are believed.
        probe = _prober(root, workspace, type(cache)(ask_again=True))
        host = open_plugins(workspace, probe)
        metrics = None if workspace.unread else host.metrics
        loaded = _read_plan(root, metrics, cut_to, host.clashes, host.unloaded(),
                            _undeclared_by(host))  # fmt: skip
    if isolated and loaded.plan is not None:
        from okrdesk.plugins.runner import warm_up_for

        # Known only now that the plan says which metrics it needs; before, a collect of
        # SQL metrics alone would start a fork server it never uses.
        warm_up_for(host, metrics_needed(loaded.plan, host.metrics))
    if loaded.problems and host.skipped:
        loaded = _without_unmeasured_metrics(root, host, loaded)
    elif (
        loaded.problems
        and ((unloaded := host.unloaded()) or _undeclared(host) or host.clashes)
        and not checking
    ):
        # A plugin that did not load could have declared any metric the plan names; a
        # metric two plugins declare is neither's.
        names = None if unloaded else _undeclared_names(host)
        loaded = _without_unmeasured_metrics(root, host, loaded, names)
    elif (
        loaded.problems and not checking and (absent := _stored_by_absent(workspace, host, loaded))
    ):
        # A plugin uninstalled (or left out by OKRDESK_LOAD_PLUGINS) whose figures are
        # stored: its metrics are no misspelling, and the rest of the plan still runs.
        loaded = _without_unmeasured_metrics(root, host, loaded, absent.__contains__,
                                             reason=_why_absent(absent))  # fmt: skip
    return Session(workspace, host, loaded, findings)


def _stored_by_absent(
    workspace: Workspace, host: PluginHost, loaded: LoadResult
) -> dict[str, list[str]]:
    """metric → the plugins that stored its figures, for each metric the plan's problems
    say no loaded plugin provides and whose figures a plugin not loaded now stored (a
    plugin that collected them is not installed now); empty when there is no store. A
    plugin loaded now that stored it (an SQL metric since renamed, a plugin's metric
    it no longer declares) leaves the plan's mistake a mistake."""
    missing = {m for problem in loaded.problems if (m := _unprovided_metric(problem))}
    if not missing:
        return {}
    try:
        store = stored(workspace)
    except OkrdeskError:  # a store that cannot be read tells no plugin apart from a typo
        return {}
    if store is None:
        return {}
    try:
        return {
            m: by
            for m in sorted(missing)
            if (by := [p for p in store.plugins_that_stored(m) if p not in host.records])
        }
    finally:
        store.close()


def _why_absent(absent: Mapping[str, list[str]]) -> tuple[str, str]:
    """Why the metrics of plugins no longer loaded are not measured, in English and Chinese."""
    plugins = sorted({plugin for by in absent.values() for plugin in by})
    which, were = ("plugin", "is") if len(plugins) == 1 else ("plugins", "are")
    return (
        f"is not measured: no loaded plugin provides it; {which} {', '.join(plugins)}, "
        f"whose figures of it are stored, {were} not installed now (or OKRDESK_LOAD_PLUGINS "
        "leaves them out); `okrdesk plugins` lists those loaded",
        f"无人测量：已加载的插件都不提供它；存有其数据的插件 {'、'.join(plugins)} 现未安装"
        "（或 OKRDESK_LOAD_PLUGINS 未列出）；`okrdesk plugins` 列出已加载的插件",
    )


_UNPROVIDED = (  # compiled by re when first used: only a plan with problems needs it
    r'no loaded plugin provides metric "([^"]+)"'
    r'|uses "([^"]+)", which (?:no loaded plugin provides|is declared by )'
    r'|metric "([^"]+)" is declared by '
)
"""The problem of a key result on a metric no plugin declared, or on a derived metric one
of whose inputs none or several declared, or on a metric several declared
(``targets.checks``): the missing metric, group 1, 2 or 3."""


def _unprovided_metric(problem: Problem) -> str | None:
    """The metric a problem of the plan says no plugin provides (``_UNPROVIDED``); None
    for any other problem."""
    found = re.search(_UNPROVIDED, problem.message)
    return None if found is None else found[1] or found[2] or found[3]


def _undeclared_names(host: PluginHost) -> Callable[[str], bool]:
    """Whether a metric name is one a plugin said it could not declare (the SQL source
    names the metric of each broken definition): a misspelt metric is not."""
    said = frozenset().union(*(record.undeclared for record in host.records.values()))
    return (said | set(host.clashes)).__contains__


def _undeclared_by(host: PluginHost) -> dict[str, str]:
    """metric → the plugin that said it could not declare it (the SQL source names the
    metric of each broken definition), or that did not load and writes the metric's
    name in its code: the plugin to mend, not a metric misspelt."""
    from okrdesk.plugins.named_in_code import names_in_code

    unloaded = {
        metric: name
        for name in host.unloaded()
        for metric in names_in_code(host.records[name].how)
        if metric not in host.metrics
    }
    said = {metric: name for name, record in host.records.items() for metric in record.undeclared}
    return {**unloaded, **said}


def _undeclared(host: PluginHost) -> list[tuple[str, str]]:
    """(plugin, error) for each plugin that failed to declare some of its metrics (a
    broken SQL metric definition, say): what it declared stands, the rest is unknown."""
    return [(name, error) for name, error in host.broken_errors()
            if error.startswith(DECLARING_FAILED)]  # fmt: skip


def _prober(root: Path, workspace: Workspace, cache: ProbeCache) -> Prober:
    from okrdesk.plugins.runner import prober

    return prober(
        plugin_timeout(workspace.plugin_timeout), workspace.sources, cache=cache,
        mentioned=functools.partial(_targets_name, root),
    )  # fmt: skip


def _targets_name(root: Path, metrics: set[str]) -> bool:
    """Whether a target file names one of ``metrics`` as a quoted string, as a key
    result's metric is written, on a line that is not a comment (the sample plan shows
    a metric in one): a guess, before the plan is read, that a collect will run the
    plugin declaring it (a wrong guess costs only a fork server's start)."""
    names = "|".join(map(re.escape, sorted(metrics)))
    pattern = re.compile(f"^[ \\t]*[^#\\s].*?[\"'](?:{names})[\"']", re.MULTILINE)
    targets = root / "targets"
    for path in load.target_files(targets) if targets.is_dir() else ():
        try:
            text = load.read_workspace_file(path)[1].decode("utf-8", errors="replace")
            if pattern.search(text):
                return True
        except OSError:
            continue
    return False


def _read_plan(
    root: Path,
    metrics: Mapping[str, MetricSpec] | None,
    cut_to: str | None,
    clashes: Mapping[str, Sequence[str]] | None = None,
    unloaded: Sequence[str] = (),
    undeclared: Mapping[str, str] | None = None,
) -> LoadResult:
    """The plan, from the user's cache when its files did not change (only ``cut_to``'s
    part of it, where a report on that unit needs no more). Even a small plan reads
    faster from there: no TOML is parsed, and the modules that check a plan are never
    imported."""
    # A plan is kept only without problems, and one that names a metric several plugins
    # declare, or none, has one: ``clashes`` and ``unloaded`` change only the words of a
    # plan never kept; so does ``undeclared``.
    return load_plan_cached(
        root,
        metrics,
        lambda: load_plan(root, metrics, clashes=clashes, unloaded=unloaded, undeclared=undeclared),
        cut_to=cut_to,
    )


def open_store(workspace: Workspace, *, create: bool = True) -> Store:
    """The workspace's store: its PostgreSQL server when okrdesk.toml names one,
    else its SQLite file."""
    return Store.open(workspace.store_location, create=create)


def store_exists(workspace: Workspace) -> bool:
    """Whether anything was stored for the workspace yet."""
    return Store.exists(workspace.store_location)


def stored(workspace: Workspace) -> Store | None:
    """The workspace's store to read, None when nothing was stored yet: one connection,
    where asking ``store_exists`` first would open two on PostgreSQL."""
    try:
        return open_store(workspace, create=False)
    except NoStoreYet:
        return None


def store_to_read(session: Session) -> Store | None:
    """The store a report reads: the workspace's; where nothing was stored yet, an empty
    one when the plan collects nothing (every key result is checked in, as in a workspace
    fresh from ``okrdesk init``: its report says whose check-ins are owed before the
    first one), else None (collect first)."""
    store = stored(session.workspace)
    if store is not None or metrics_needed(session.plan):
        return store
    return Store.open(Path(":memory:"))


def consented(workspace: Workspace) -> Workspace:
    """``workspace``, refused unless the user trusts what in its settings reaches outside
    it (``Workspace.reach``; most workspaces reach nowhere, and import nothing here)."""
    if workspace.reach:
        from okrdesk.app.trust import require_consent

        require_consent(workspace)
    return workspace


_NOT_CHECKED = ("[workspace] database:", "[sources.sql] connection", "[send] ")
"""What validate never opens of what a workspace reaches: its store, a warehouse, a mail
server."""


def _consented_to_check(workspace: Workspace, findings: Findings) -> None:
    """As ``consented``, for ``validate``, which reads the target files and okrdesk.toml
    and opens nothing they lead to: a store, a warehouse or a mail server elsewhere is a
    warning until the user trusts the workspace (the other commands refuse it), so a
    branch's repository whose store is the firm's server is checked in CI; a folder
    outside it that a check would read still needs trust first."""
    reach = workspace.reach
    if not reach:
        return
    from okrdesk.app.trust import TRUSTED, WORDS, trust_and_why

    state, why = trust_and_why(workspace.root, reach)
    if state == TRUSTED:
        return
    if any(not line.startswith(_NOT_CHECKED) for line in reach):
        consented(workspace)
    listed, listed_zh = "; ".join(reach), "；".join(line.zh for line in reach)
    first = ("", "") if why is None else (
        f"; {WORDS['en']['unchecked']}{why.en}", f"；{WORDS['zh']['unchecked']}{why.zh}"
    )  # fmt: skip
    findings.warnings.append(Problem(
        "okrdesk.toml", 0, "",
        f"reaches outside the workspace ({listed}); validate opens none of it, and the "
        f"other commands refuse it until you trust the workspace: okrdesk trust {workspace.root}"
        f"{first[0]}",
        f"指向工作区之外（{listed_zh}）；validate 不会打开这些，其他命令在你信任此工作区之前"
        f"会拒绝运行：okrdesk trust {workspace.root}{first[1]}",
    ))  # fmt: skip


def open_plugins(workspace: Workspace, probe: Prober | None = None) -> PluginHost:
    """The plugins a command may run: the workspace's own only when the user trusts it
    (with what its settings reach outside it, which the trust covers too). One that is
    loaded in this process, rather than ``probe``d in one of its own, is stopped when it
    takes longer than the plugin timeout to import or to declare its metrics."""
    folder, state, why = workspace.plugins, "never", None
    if folder.is_dir() and any(folder.glob("*.py")):
        # Fingerprinting the workspace's code (hashlib) costs only where there is some.
        from okrdesk.app.trust import trust_and_why

        state, why = trust_and_why(workspace.root, workspace.reach)
    limit = plugin_timeout(workspace.plugin_timeout)
    return PluginHost(folder, sources=workspace.sources, workspace_code=state == "trusted",
                      changed_since_trusted=state == "changed", unchecked=why, prober=probe,
                      limit=limit).load()  # fmt: skip


def _without_unmeasured_metrics(
    root: Path,
    host: PluginHost,
    loaded: LoadResult,
    undeclared: Callable[[str], bool] | None = None,
    *,
    reason: tuple[str, str] | None = None,
) -> LoadResult:
    """The plan read again without checking metric names, when all that was wrong with it
    is key results on metrics no plugin provides, because a plugin was not run (the
    workspace's own, untrusted), did not load (any metric may be its), or could not
    declare them (``undeclared`` says which it names): those become warnings, not
    problems, so the report and a collect of every other metric still run (``validate``
    still names the declaration's own mistake, at its line). Any other problem, a
    misspelt metric among them while every plugin loaded, leaves the plan refused."""
    unprovided = [_unprovided_metric(problem) for problem in loaded.problems]
    if not all(unprovided) or (
        undeclared is not None and not all(undeclared(m) for m in unprovided if m)
    ):
        return loaded
    unchecked = load_plan(root, None)
    if unchecked.plan is None or unchecked.problems:
        return loaded
    if reason is not None:
        why, why_zh = reason
    elif host.skipped and host.unchecked is not None:  # `okrdesk trust` would refuse too
        files = ", ".join(display_path(p, root) for p in host.skipped)
        why = (
            "is not measured: no trusted plugin provides it, and the workspace's own plugins "
            f"({files}) were not run: okrdesk cannot check this workspace's code to trust it "
            "(said with each plugin)"
        )
        why_zh = (f"无人测量：没有受信任的插件提供它，而本工作区自带的插件（{files}）未运行："
                  "okrdesk 无法核对此工作区的代码，也就无法信任它（见各插件的说明）")  # fmt: skip
    elif host.skipped:
        files = ", ".join(display_path(p, root) for p in host.skipped)
        why = (
            "is not measured: no trusted plugin provides it, and the workspace's own plugins "
            f"({files}) were not run; `okrdesk trust` allows them"
        )
        why_zh = (f"无人测量：没有受信任的插件提供它，而本工作区自带的插件（{files}）未运行；"
                  "`okrdesk trust` 可允许它们运行")  # fmt: skip
    else:
        why, why_zh = _why_unmeasured(host)
    targets = display_path(root / "targets", root)
    missing = [
        Problem(targets, 0, "", *_not_measured(metric, host.clashes.get(metric), why, why_zh))
        for metric in metrics_needed(unchecked.plan)
        if metric not in host.metrics
    ]
    return attrs.evolve(unchecked, warnings=tuple(sorted({*unchecked.warnings, *missing})))


def _not_measured(
    metric: str, declared_by: list[str] | None, why: str, why_zh: str
) -> tuple[str, str]:
    """Why ``metric`` is not measured, in English and Chinese: the plugins that all
    declare it (``declared_by``), where more than one does, else ``why``."""
    if not declared_by:
        return f'metric "{metric}" {why}', f'指标 "{metric}" {why_zh}'
    (clash, clash_zh), (advice, advice_zh) = (
        declared_by_several(declared_by),
        clash_advice(declared_by),
    )
    return (
        f'metric "{metric}" is not measured: it is {clash}; {advice}',
        f'指标 "{metric}" 无人测量：{clash_zh}；{advice_zh}',
    )


def _why_unmeasured(host: PluginHost) -> tuple[str, str]:
    """Why a metric no loaded plugin provides is not measured, in English and Chinese:
    the plugins that did not load, and those that could not declare all their metrics."""
    reasons, reasons_zh = [], []
    declaring = {name for name, _ in _undeclared(host)}
    if unloaded := [name for name in host.unloaded() if name not in declaring]:
        which = "plugin" if len(unloaded) == 1 else "plugins"
        reasons.append(f"{which} {', '.join(unloaded)} did not load or declare all "
                       f"{'its' if len(unloaded) == 1 else 'their'} metrics (the errors say "
                       "why)")  # fmt: skip
        reasons_zh.append(f"插件 {'、'.join(unloaded)} 未能加载或未能声明全部指标（原因见其错误）")
    if undeclared := sorted(declaring):
        which, its = ("plugin", "its") if len(undeclared) == 1 else ("plugins", "their")
        reasons.append(f"{which} {', '.join(undeclared)} could not declare all {its} metrics "
                       "(`okrdesk validate` names the mistake)")  # fmt: skip
        reasons_zh.append(f"插件 {'、'.join(undeclared)} 未能声明其全部指标"
                          "（`okrdesk validate` 会指出错在哪里）")  # fmt: skip
    return (
        f"is not measured: no loaded plugin provides it, and {'; '.join(reasons)}",
        f"无人测量：已加载的插件都不提供它，而{'；'.join(reasons_zh)}",
    )


def find_key_result(plan: Plan, key_result: str, lang: str = "en") -> KeyResult:
    kr = plan.key_results_by_id.get(key_result)
    if kr is None:
        hint = ("关键结果写作 <目标>.<编号>，例如 O1.KR1" if lang == "zh"
                else "key results are named <objective>.<id>, for example O1.KR1")  # fmt: skip
        raise BadInput(no_such("key result", key_result, plan.key_results_by_id, hint, lang))
    return kr


def find_subject(
    plan: Plan, kr: KeyResult, person: str | None, unit: str | None, lang: str = "en"
) -> str:
    """The person or unit a command is about; the key result's owner by default."""
    owner = plan.objectives_by_id[kr.objective].owner
    return chosen_subject(plan, person, unit, owner, lang)


def chosen_subject(
    plan: Plan, person: str | None, unit: str | None, default: str, lang: str = "en"
) -> str:
    """The person or unit a command is about: ``--person`` or ``--unit``, else
    ``default``."""
    if person is not None and unit is not None:
        raise BadInput("--person 和 --unit 只能给一个" if lang == "zh"
                       else "give --person or --unit, not both")  # fmt: skip
    if person is not None:
        if person not in plan.people_by_id:
            other = _the_other_flag("unit", person, plan.units_by_id, lang)
            other = other or named_not_id(plan, person, lang)
            raise BadInput(no_such("person", person, plan.people_by_id, other, lang=lang))
        return person
    if unit is not None:
        if unit not in plan.units_by_id:
            other = _the_other_flag("person", unit, plan.people_by_id, lang)
            other = other or named_not_id(plan, unit, lang)
            raise BadInput(no_such("unit", unit, plan.units_by_id, other, lang=lang))
        return unit
    return default


def refuse_unknown_unit(plan: Plan, unit: str | None) -> None:
    """Refuse a ``--unit`` that names no unit or person of the plan, in both languages:
    with the id where it is one's name, else the ids nearest it."""
    if unit is None or plan.has_subject(unit):
        return
    known = plan.subject_ids
    raise BadInput(Said(*(
        f"--unit{label(lang, 'colon')}"
        f"{no_such('unit or person', unit, known, named_not_id(plan, unit, lang, '--unit'), lang)}"
        for lang in ("en", "zh")
    )))  # fmt: skip


def unit_as_report_takes_it(
    plan: Plan, person: str | None, unit: str | None
) -> tuple[str | None, str | None]:
    """``--person`` and ``--unit`` where ``--unit`` takes what report's takes: a unit's
    or a person's id (``--unit liuyang`` is ``--person liuyang``), one that is neither
    refused as report refuses it (``refuse_unknown_unit``)."""
    refuse_unknown_unit(plan, unit)
    if person is None and unit is not None and unit in plan.people_by_id:
        return unit, None
    return person, unit


def named_not_id(plan: Plan, given: str, lang: str, flag: str | None = None) -> str:
    """Where ``given`` is the name of a person or unit, not an id (``--person 刘洋`` for
    liuyang), how to ask for it by id: ``"刘洋" is the name of liuyang: --person liuyang``,
    with ``flag`` for either where one option takes both (``--unit``); "" otherwise."""
    import unicodedata  # only for an id that was not found

    def plain(text: str) -> str:
        return unicodedata.normalize("NFKC", text).strip()

    typed = plain(given)
    named = [(p.id, "--person") for p in plan.people if plain(p.name) == typed]
    named += [(u.id, "--unit") for u in plan.units if plain(u.name) == typed]
    if not named:
        return ""
    if len(named) > 1:
        ids = ", ".join(ident for ident, _ in named)
        return (f'"{given}" 是 {ids} 的名字：请写其中一个的 id' if lang == "zh"
                else f'"{given}" is the name of {ids}: write one of their ids')  # fmt: skip
    ident, own_flag = named[0]
    asked = f"{flag or own_flag} {ident}"
    return (f'"{given}" 是 {ident} 的名字：请写 {asked}' if lang == "zh"
            else f'"{given}" is the name of {ident}: write {asked}')  # fmt: skip


def _the_other_flag(kind: str, given: str, ids: Collection[str], lang: str) -> str:
    """Where ``given`` is the id of a ``kind`` (a person given as --unit), how to ask."""
    if given not in ids:
        return ""
    noun = {"unit": "单位", "person": "人员"}[kind] if lang == "zh" else f"a {kind}"
    return (f"{given} 是{noun}：--{kind} {given}" if lang == "zh"
            else f"{given} is {noun}: --{kind} {given}")  # fmt: skip
