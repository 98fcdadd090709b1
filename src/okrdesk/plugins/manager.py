"""Find plugins, load them one at a time, and keep one broken plugin from
taking a run down.

Plugins come from three places: built-in modules, the ``okrdesk`` entry-point
group of installed packages, and ``*.py`` files in the workspace's
``plugins/`` folder. ``OKRDESK_LOAD_PLUGINS`` (comma-separated names; empty:
none) limits which of the installed and local ones load; the built-in ones
always load (``sql`` and ``derived`` only when okrdesk.toml configures them).
A workspace's own files load only when the caller says the user trusts that
workspace; otherwise each is listed as skipped, never imported.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import io
import os
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from types import CodeType, ModuleType
from typing import Any, Protocol, TextIO, cast

import attrs
import pluggy

from okrdesk import __version__
from okrdesk.errors import Said
from okrdesk.formula import FormulaError, parse
from okrdesk.model import MetricKind, MetricSpec
from okrdesk.plugins import hookspecs
from okrdesk.plugins.clashes import declared_twice
from okrdesk.plugins.entry_points import EntryPoint, entry_points
from okrdesk.plugins.entry_points import load as load_entry_point
from okrdesk.plugins.failures import (
    DeclaredInPart,
    NotedStream,
    called_from,
    defined_at,
    describe_error,
    stopped_at,
    worded,
)
from okrdesk.plugins.hook_results import HANDED_OVER, returned_something
from okrdesk.plugins.hookspecs import ReportFormat
from okrdesk.plugins.kept_state import (
    guarding,
    kept_state,
    output_caught,
    printed_said,
    written_said,
)
from okrdesk.plugins.probed import Probed
from okrdesk.plugins.process_ends import LOADING, ended, loading
from okrdesk.plugins.time_limit import (
    LONGER,
    OutOfTime,
    TimeBudget,
    earlier,
    guard_streams,
    interrupted,
    limited,
    marking_signals,
)

ENTRY_POINT_GROUP = "okrdesk"
ALLOW_ENV = "OKRDESK_LOAD_PLUGINS"
BUILTIN_PLUGINS: Mapping[str, str] = {
    "sql": "okrdesk.plugins.sql_metrics",
    "derived": "okrdesk.plugins.derived_metrics",
    "text": "okrdesk.report.formats.text",
    "md": "okrdesk.report.formats.markdown",
    "html": "okrdesk.report.formats.html",
    "json": "okrdesk.report.formats.json",
    "xlsx": "okrdesk.report.formats.xlsx",
}
"""Plugin name → module of the plugins that are part of okrdesk; they always load."""
FROM_SETTINGS_ONLY = frozenset({"sql", "derived"})
"""Built-in plugins whose every metric is defined in their ``[sources.<name>]`` table of
okrdesk.toml: without that table they declare and collect nothing, so they are listed
but not imported (the SQL source's modules are a good part of a report's start-up)."""

FORMATS_ONLY = frozenset({"text", "md", "html", "json", "xlsx"})
"""Built-in plugins that only declare report formats: listed at once, imported only
when a command asks for the formats (``PluginHost.formats``), so ``collect`` does not
import them."""

# Plugins registered for the whole process, by ``okrdesk.plugins.testing.registered_plugin``.
EXTRA_PLUGINS: dict[str, object] = {}

BUILTIN = "built-in"
ENTRY_POINT = "entry point"
LOCAL = "local file"
REGISTERED = "registered"
"""A plugin object registered in this process (``okrdesk.plugins.testing``): loaded, timed
and listed as an installed package is, never as part of okrdesk."""
UNTRUSTED = (
    "not run: this workspace is not trusted, and its own code runs only with your consent; "
    "`okrdesk trust` allows it"
)
UNTRUSTED_ZH = "未运行：此工作区未受信任，其自带代码须经你同意才运行；`okrdesk trust` 可准许"
CHANGED = (
    "not run: this workspace's code, or what its settings reach outside it, changed since "
    "you trusted it, and its own code runs only with your consent; `okrdesk trust` allows "
    "it as it is now"
)
CHANGED_ZH = (
    "未运行：自你信任此工作区以来，其代码或其设置指向工作区之外的内容有了改动，其自带代码须经"
    "你同意才运行；`okrdesk trust` 可准许其当前状态"
)
UNCHECKED = "not run: okrdesk cannot check this workspace's code to trust it: "
UNCHECKED_ZH = "未运行：okrdesk 无法核对此工作区的代码，也就无法信任它："
NOT_A_FILE = (
    "not run: it is no file (a named pipe, a socket or a device), which okrdesk would wait "
    "on for ever; put the plugin's file itself in its place"
)
NOT_A_FILE_ZH = (
    "未运行：它不是文件（而是命名管道、套接字或设备），读取它会一直等待；请换成插件文件本身"
)


@attrs.define
class PluginRecord:
    """One plugin as a user sees it in ``okrdesk plugins``."""

    name: str
    origin: str
    location: str
    version: str = ""
    metrics: list[str] = attrs.Factory(list)
    formats: list[str] = attrs.Factory(list)
    errors: list[str] = attrs.Factory(list)
    errors_zh: dict[str, str] = attrs.Factory(dict)
    """An error okrdesk wrote (not the plugin) → its Chinese."""
    plugin: object | None = None
    declared: list[MetricSpec] | None = None
    how: tuple[str, str] | None = None
    """How another process imports it again: ("module", name), ("entry", value) or
    ("file", path); None for an object registered in this process only."""
    unknown: bool = False
    """What it declares is unknown: it failed to import or to register, was stopped
    before it finished declaring, or its own process gave no clean answer."""
    cause: str = ""
    """The error that made what it declares unknown (one of ``errors``)."""
    undeclared: frozenset[str] = frozenset()
    """The metrics it said it could not declare (``DeclaredInPart``)."""
    mistakes: tuple[Said, ...] = ()
    """Why it could not declare them, each beginning with the key of its settings it is
    about (``DeclaredInPart.keyed``: a broken ``[[sources.sql.metrics]]`` definition),
    for a collect to tell at its line of okrdesk.toml."""

    @property
    def ok(self) -> bool:
        return not self.errors

    def fail(self, en: str, zh: str) -> None:
        """Add an error okrdesk words, in English and in Chinese."""
        self.errors.append(en)
        self.errors_zh[en] = zh

    def give_up(self, en: str, zh: str) -> None:
        """``fail``, with an error after which what the plugin declares is unknown."""
        self.fail(en, zh)
        self.unknown, self.cause = True, en


class Prober(Protocol):
    """Loads one plugin elsewhere (name, how, its settings and, for an installed one, its
    entry point): so that this process never imports it, and a plugin that hangs while
    loading can be stopped."""

    def __call__(
        self,
        name: str,
        how: tuple[str, str],
        settings: Mapping[str, Any],
        installed: EntryPoint | None = None,
    ) -> Probed: ...


_DECLARING = frozenset({"okrdesk_metrics", "okrdesk_report_formats"})
"""The hooks whose results the host itself asks for: one held back is told as the
plugin's error there (``_declare_metrics``, ``formats``)."""
_HOOKS_HELD_BACK_ALONE = _DECLARING | {"okrdesk_check_settings"}
"""The hooks that, having ended okrdesk's process (``process_ends``), are left out alone:
the plugin's other hooks still run (its metrics without its formats, and the other way
round; both without validate's settings check). A step of another name (its import)
holds the whole plugin back."""


class NotRunAgain(RuntimeError):
    """A hook of a plugin's not called in this process: it ended the process the last
    times a command called it here (``process_ends``)."""


def _not_run_again(step: str, held: Said, **_: Any) -> None:
    """In place of a hook held back: raises what to say of it, less the words that the
    hook was not run, which the caller's own (``okrdesk_check_settings failed: ``) say."""
    en, zh = (held.en.removeprefix(f"{step} not run: "), held.zh.removeprefix(f"{step} 未运行："))
    raise worded(NotRunAgain, en, zh)


class _HookFinder(pluggy.PluginManager):
    """pluggy's plugin manager, which looks a hook up by each name of a plugin (and of the
    hook specifications) without running its code (``inspect.getattr_static``): about
    45,000 instructions a name on Python 3.11, where a module's names are mostly its
    classes, constants and imported modules. A name a module binds to a class or to
    nothing callable is no hook, whichever way pluggy looks (before pluggy 1.6 it took
    only what ``inspect.isroutine`` accepts), and is passed over here without that look."""

    def parse_hookimpl_opts(self, plugin: object, name: str) -> pluggy.HookimplOpts | None:
        if _no_hook(plugin, name):
            return None
        return super().parse_hookimpl_opts(plugin, name)

    def parse_hookspec_opts(self, module_or_class: Any, name: str) -> pluggy.HookspecOpts | None:
        if _no_hook(module_or_class, name):
            return None
        return super().parse_hookspec_opts(module_or_class, name)


def _no_hook(namespace: object, name: str) -> bool:
    """Whether ``name`` is bound, in the module ``namespace`` itself, to a class or to
    something not callable: no function, so no hook nor hook specification."""
    if not isinstance(namespace, ModuleType) or name not in vars(namespace):
        return False
    value = vars(namespace)[name]
    return isinstance(value, type) or not callable(value)


def _allowed() -> set[str] | None:
    raw = os.environ.get(ALLOW_ENV)
    if raw is None:
        return None
    return {name.strip() for name in raw.split(",") if name.strip()}


DECLARING_FAILED = "okrdesk_metrics failed: "
"""How a plugin's error from declaring its metrics begins."""
FORMATS_FAILED = "okrdesk_report_formats "
"""How a plugin's error from declaring its report formats begins (it failed, or was
stopped)."""


def _readable(record: PluginRecord, declared: list[MetricSpec]) -> list[MetricSpec]:
    """The declared metrics whose formula, if any, can be read. One that cannot is not
    declared, and is the plugin's error: the engine would stop at it in every report."""
    readable = []
    for spec in declared:
        try:
            parse(spec.formula or "0 + metric")
        except FormulaError as error:
            record.fail(f'{DECLARING_FAILED}metric "{spec.name}": formula {error}',
                        f"okrdesk_metrics 出错：指标“{spec.name}”的公式 {error.zh}")  # fmt: skip
            record.undeclared |= {spec.name}
        else:
            readable.append(spec)
    return readable


class PluginHost:
    """The loaded plugins, their metrics, and every error they gave."""

    def __init__(
        self,
        local_folder: Path | None = None,
        *,
        sources: Mapping[str, Mapping[str, Any]] | None = None,
        entry_points: bool | None = None,
        builtins: Mapping[str, str] = BUILTIN_PLUGINS,
        registered: bool = True,
        workspace_code: bool = False,
        changed_since_trusted: bool = False,
        unchecked: Said | None = None,
        prober: Prober | None = None,
        limit: float | None = None,
    ) -> None:
        self.pm = _HookFinder(ENTRY_POINT_GROUP)
        self.pm.add_hookspecs(hookspecs)
        self.records: dict[str, PluginRecord] = {}
        self.metrics: dict[str, MetricSpec] = {}
        self.owners: dict[str, str] = {}
        """Which plugin declared each metric."""
        self.clashes: dict[str, list[str]] = {}
        """The metrics two or more plugins declared, none of them used: their plugins."""
        self._formats: dict[str, ReportFormat] | None = None
        # The test suite must not pick up whatever plugins the machine has
        # installed; a test that wants entry points asks for them.
        self._entry_points = (
            not hasattr(sys, "_called_from_test") if entry_points is None else entry_points
        )
        self._local_folder = local_folder
        self._workspace_code = workspace_code
        self.changed_since_trusted = changed_since_trusted
        """Whether the workspace was trusted once and its code (or reach) changed since."""
        self.unchecked = unchecked
        """Why okrdesk cannot check the workspace's code for trust (a file under plugins/
        too large, unreadable, a pipe or a device), its code then not run; else None."""
        self.skipped: list[Path] = []
        """The workspace's plugin files left unrun because the workspace is not trusted."""
        self.sources: Mapping[str, Mapping[str, Any]] = sources or {}
        self._builtins = dict(builtins)
        self._registered = registered
        self._prober = prober
        self._limit = limit
        self.budget = TimeBudget(limit)
        """The seconds each installed, workspace or registered plugin has in this command,
        for its import, its declarations (metrics, report formats) and, in ``collect``, its
        settings check and its collect together (``limited``); a probe in a process of
        its own is charged too. No limit with None; okrdesk's own plugins have none."""
        self._loaded = False
        self._offered: list[str] = []
        self.unknown_allowed: list[str] = []
        """Names in ``OKRDESK_LOAD_PLUGINS`` that no plugin has (a misspelt name loads
        nothing), when the installed packages were looked at."""
        self._held_back: dict[str, dict[str, Said]] = {}
        """The installed or workspace plugins that ended this process the last times a
        command ran them here (``process_ends``), each with the steps not run again (its
        import, or a hook alone) and what to say of each."""
        self._unloaded_formats: list[str] = []
        """Built-in format plugins listed but not imported yet (``FORMATS_ONLY``)."""

    # ---------------------------------------------------------------- loading

    def load(self) -> PluginHost:
        """Load every plugin once; later calls do nothing."""
        if self._loaded:
            return self
        self._loaded = True
        allowed = _allowed()
        for name, module_name in self._builtins.items():
            how = ("module", module_name)
            if name in FROM_SETTINGS_ONLY and name not in self.sources:
                self.records[name] = PluginRecord(name, BUILTIN, module_name, __version__, how=how)
                continue
            if name in FORMATS_ONLY and BUILTIN_PLUGINS.get(name) == module_name:
                self.records[name] = PluginRecord(name, BUILTIN, module_name, __version__, how=how)
                self._unloaded_formats.append(name)
                continue
            self._add(name, BUILTIN, module_name, __version__, _importer(module_name), how)
        offered = set(self._builtins)
        installed = sorted(entry_points(ENTRY_POINT_GROUP), key=lambda e: e.name)
        if self._prober is None and (installed or self._local_folder is not None):
            self._held_back = ended(functools.partial(self._fingerprint, installed))
        if self._entry_points:
            for ep in installed:
                offered.add(ep.name)
                if allowed is None or ep.name in allowed:
                    importer = functools.partial(load_entry_point, ep.value)
                    self._add_external(ep.name, ENTRY_POINT, ep.version, ("entry", ep.value),
                                       importer, ep)  # fmt: skip
        for name, plugin in EXTRA_PLUGINS.items() if self._registered else ():
            self._add(name, REGISTERED, registered_location(plugin), "",
                      functools.partial(lambda p: p, plugin))  # fmt: skip
        if self._local_folder is not None and self._local_folder.is_dir():
            for path in sorted(self._local_folder.glob("*.py")):
                offered.add(path.stem)
                if allowed is not None and path.stem not in allowed:
                    continue
                if not path.is_file():  # importing a named pipe waits for a writer
                    self._refuse(path, NOT_A_FILE, NOT_A_FILE_ZH)
                elif self._workspace_code:
                    importer = functools.partial(_import_file, path)
                    self._add_external(path.stem, LOCAL, "", ("file", str(path)), importer)
                else:
                    self._skip(path)
        offered |= set(EXTRA_PLUGINS)
        self._offered = sorted(offered)
        if allowed is not None and self._entry_points:
            self.unknown_allowed = sorted(allowed - offered)
        self._declare_metrics()
        return self

    @property
    def offered(self) -> list[str]:
        """The names of every plugin there is to load, once loaded: okrdesk's own, the
        installed ones (where entry points are read) and the workspace's files, whether
        or not ``OKRDESK_LOAD_PLUGINS`` or trust let them load."""
        return list(self._offered)

    def tables_of_no_plugin(self) -> list[tuple[str, Said]]:
        """Each ``[sources.NAME]`` table of okrdesk.toml that names no plugin there is
        (loaded or not), with what to tell of it: a plugin's name misspelt there leaves
        the plugin on its defaults, and the table read by none."""
        from okrdesk.targets.reader import suggest

        offered = self._offered
        return [
            (name, Said(
                f"no plugin is named {name}{suggest(name, offered)}, so no plugin reads this "
                "table",
                f"没有名为 {name} 的插件{suggest(name, offered, 'zh')}，因此没有插件读取此表",
            ))
            for name in self.sources
            if name not in offered
        ]  # fmt: skip

    def allow_list_warnings(self) -> list[Said]:
        """What to tell of ``OKRDESK_LOAD_PLUGINS`` naming a plugin there is not."""
        from okrdesk.targets.reader import suggest

        return [
            Said(
                f'{ALLOW_ENV} names "{name}", which is no installed or workspace plugin'
                f"{suggest(name, self._offered)}; only the plugins it names load",
                f"{ALLOW_ENV} 列出的“{name}”不是已安装的插件，也不是工作区的插件"
                f"{suggest(name, self._offered, 'zh')}；只加载它列出的插件",
            )
            for name in self.unknown_allowed
        ]

    def misplaced_entry_points(self) -> list[Said]:
        """What to tell of each installed package's entry point in a group named like
        okrdesk's that is not it (``okrdesk.plugins``): the plugin its author installed,
        which no command loads. Scans the installed packages again: for ``plugins`` and
        ``validate``, not a report's start."""
        from okrdesk.plugins.entry_points import misplaced

        if not self._entry_points:
            return []
        return [
            Said(
                f'package {m.distribution} declares {m.name} = "{m.value}" in the entry-point '
                f'group "{m.group}", which okrdesk does not read: okrdesk finds plugins in the '
                f'group "{ENTRY_POINT_GROUP}" alone; write [project.entry-points.'
                f"{ENTRY_POINT_GROUP}] in its pyproject.toml and install it again",
                f'包 {m.distribution} 在入口点组“{m.group}”中声明了 {m.name} = "{m.value}"，'
                f"okrdesk 不读这个组：okrdesk 只在“{ENTRY_POINT_GROUP}”组中找插件；请在其 "
                f"pyproject.toml 中写 [project.entry-points.{ENTRY_POINT_GROUP}]，然后重新安装",
            )
            for m in misplaced(ENTRY_POINT_GROUP)
        ]

    def register(self, plugin: object, name: str, origin: str = REGISTERED) -> PluginRecord:
        """Add an already imported plugin object (used by ``okrdesk.plugins.testing``): under
        the time limit, as an installed plugin loads."""
        record = self._add(name, origin, registered_location(plugin), "", lambda: plugin)
        self._declare_metrics()
        return record

    def unregister(self, name: str) -> None:
        record = self.records.pop(name, None)
        if record is not None and record.plugin is not None:
            self.pm.unregister(record.plugin)
        for metric in [m for m, owner in self.owners.items() if owner == name]:
            del self.owners[metric]
            self.metrics.pop(metric, None)

    def _add_external(
        self,
        name: str,
        origin: str,
        version: str,
        how: tuple[str, str],
        importer: Callable[[], Any],
        installed: EntryPoint | None = None,
    ) -> None:
        """An installed or workspace plugin: imported here, or only probed elsewhere."""
        held = self._held_back.get(name, {}) if self._prober is None else {}
        if held and name not in self.records and set(held) - _HOOKS_HELD_BACK_ALONE:
            # It ended this process's last time while importing (or in a step that needs
            # the whole plugin): not imported, lest it end this one too.
            record = self.records[name] = PluginRecord(name, origin, how[1], version, how=how)
            record.give_up(*held.get(LOADING) or next(iter(held.values())))
            return
        if self._prober is None or name in self.records:
            self._add(name, origin, how[1], version, importer, how)
            return
        # Its own process's time is the plugin's: a collect has only what is left of it.
        start = time.monotonic()
        probed = self._prober(name, how, self.sources.get(name, {}), installed)
        if self._limit is not None:
            self.budget.charge(name, time.monotonic() - start)
        self.records[name] = PluginRecord(
            name, origin, how[1], version or probed.version, errors=list(probed.errors),
            errors_zh=dict(probed.errors_zh),
            declared=list(probed.declared), how=how, unknown=probed.unknown,
            cause=probed.errors[-1] if probed.unknown and probed.errors else "",
            undeclared=probed.undeclared,
        )  # fmt: skip

    def _fingerprint(self, installed: list[EntryPoint], name: str) -> str | None:
        """What the installed or workspace plugin ``name`` is now, to tell whether it
        changed since it ended okrdesk's process (``process_ends``); None when there is
        none of that name (or it cannot be told)."""
        settings = self.sources.get(name, {})
        for ep in installed:
            if ep.name == name:
                from okrdesk.plugins.probe_cache import ProbeCache

                return ProbeCache().key(ep, settings)
        path = self._local_folder / f"{name}.py" if self._local_folder is not None else None
        try:
            found = path.stat() if path is not None else None
        except OSError:
            return None
        if found is None:
            return None
        return f"{path}:{found.st_size}:{found.st_mtime_ns}:{sorted(map(str, settings.items()))}"

    def _skip(self, path: Path) -> None:
        self.skipped.append(path)
        if self.unchecked is not None:
            self._refuse(path, UNCHECKED + self.unchecked.en, UNCHECKED_ZH + self.unchecked.zh)
        elif self.changed_since_trusted:
            self._refuse(path, CHANGED, CHANGED_ZH)
        else:
            self._refuse(path, UNTRUSTED, UNTRUSTED_ZH)

    def _refuse(self, path: Path, why: str, why_zh: str) -> None:
        """The workspace's plugin file ``path``, not run, for ``why``."""
        key = path.stem if path.stem not in self.records else f"{path.stem} ({LOCAL})"
        self.records[key] = PluginRecord(path.stem, LOCAL, str(path), errors=[why],
                                         errors_zh={why: why_zh})  # fmt: skip

    def _add(
        self,
        name: str,
        origin: str,
        location: str,
        version: str,
        importer: Callable[[], Any],
        how: tuple[str, str] | None = None,
    ) -> PluginRecord:
        record = PluginRecord(name, origin, location, version, how=how)
        if name in self.records:
            record.fail(*_loaded_twice(self.records[name], record))
            self.records[f"{name} ({origin})"] = record
            return record
        self.records[name] = record
        spending = self.spending(record)
        try:
            with spending as left, _quiet(record, "loading"):
                plugin = limited(left, importer)
        except BaseException as error:
            if (stopped := interrupted(error)) is not None:
                raise stopped from None
            if isinstance(error, OutOfTime):
                record.give_up(*out_of_time(error, "loading", "加载", self._limit, 0.0, record))
                return record
            told, told_zh = (describe_error(error, how=how, lang=lang) for lang in ("en", "zh"))
            record.give_up(f"failed to import: {told}", f"导入失败：{told_zh}")
            return record
        record.version = record.version or str(getattr(plugin, "__version__", ""))
        if mistakes := _hook_mistakes(self.pm, plugin, how):
            # Every misspelt hook and argument at once: pluggy stops at the first.
            record.give_up(
                "not a valid plugin: " + "; ".join(en for en, _ in mistakes),
                "不是有效的插件：" + "；".join(zh for _, zh in mistakes),
            )
            return record
        try:
            self.pm.register(plugin, name=name)
            self.pm.check_pending()
        except Exception as error:
            record.give_up(*_not_valid(error, plugin, how))
            if self.pm.is_registered(plugin):
                self.pm.unregister(plugin)
            return record
        if how is not None and how[0] == "entry" and not self.pm.get_hookcallers(plugin):
            # It would load declaring nothing, so that every command took its metrics
            # for misspellings and refused the plan: an entry point naming a function.
            # (An object a test registers may be an empty stand-in; a workspace's
            # plugins/ file with no hook may be its plugins' shared helpers.)
            record.give_up(*_no_hooks(plugin, how))
            self.pm.unregister(plugin)
            return record
        record.plugin = plugin
        return record

    def _declare_metrics(self) -> None:
        for name, impl in self.implementations("okrdesk_metrics"):
            record = self.records[name]
            if record.declared is None and (held := self._held_hook(name, "okrdesk_metrics")):
                # It ended the process declaring them: its metrics are unknown, its report
                # formats still declared.
                record.give_up(*held)
                record.declared = []
            elif record.declared is None:
                settings = self.sources.get(name, {})
                with self.spending(record) as left:
                    record.declared = self._declared_by(
                        record, impl, settings, left, self._limit, self.budget.spent(name)
                    )
        for record in self.records.values():
            if record.declared:
                record.declared = _readable(record, record.declared)
        claims: dict[str, list[tuple[str, MetricSpec]]] = {}
        for record in self.records.values():
            for spec in record.declared or ():
                claims.setdefault(spec.name, []).append((record.name, spec))
        self.metrics.clear()
        self.owners.clear()
        self.clashes.clear()
        for metric, found in claims.items():
            owners = sorted({owner for owner, _ in found})
            if len(owners) > 1:
                self.clashes[metric] = owners
                for owner in owners:
                    others = [o for o in owners if o != owner]
                    message, zh = declared_twice(metric, owner, others)
                    if message not in self.records[owner].errors:
                        self.records[owner].errors.append(message)
                        self.records[owner].errors_zh[message] = zh
                continue
            self.metrics[metric] = found[0][1]
            self.owners[metric] = owners[0]
        for key, record in self.records.items():
            # A second plugin of a name (``salons (local file)``) is not loaded: the
            # metrics of that name are the first's.
            record.metrics = (
                sorted(m for m, owner in self.owners.items() if owner == record.name)
                if key == record.name
                else []
            )

    def _held_hook(self, name: str, hook: str) -> Said | None:
        """What to say of ``hook`` of plugin ``name``, not run in this process: it ended
        the process the last times a command ran it here (``process_ends``); else None."""
        record = self.records.get(name)
        if self._prober is not None or record is None or record.origin not in (ENTRY_POINT, LOCAL):
            return None
        return self._held_back.get(name, {}).get(hook)

    def spending(self, record: PluginRecord) -> contextlib.AbstractContextManager[float | None]:
        """The seconds ``record`` has left of its budget, charged with the block's time
        (its settings check in ``validate`` uses it as its loading does); okrdesk's own
        plugins have no limit (None)."""
        if record.origin == BUILTIN or self._limit is None:
            return contextlib.nullcontext(None)
        return self.budget.spending(record.name)

    @staticmethod
    def _declared_by(
        record: PluginRecord,
        impl: Callable[..., Any],
        record_settings: Mapping[str, Any],
        left: float | None = None,
        limit: float | None = None,
        spent: float = 0.0,
    ) -> list[MetricSpec]:
        found: list[MetricSpec] = []
        named: dict[str, MetricSpec] = {}

        def register(spec: MetricSpec) -> None:
            if not isinstance(spec, MetricSpec):
                raise _not_a("MetricSpec", spec)
            if spec.name in named:
                # Kept quietly, the first would stand and the second vanish: a key
                # result on the metric the second was meant to be would be a misspelling.
                raise _registered_twice(named[spec.name], spec)
            named[spec.name] = spec
            found.append(spec)

        try:
            with _quiet(record, "okrdesk_metrics"):
                limited(left, lambda: impl(register=register, settings=record_settings))
        except OutOfTime as error:
            # What it declared before it was stopped stands; what it would have is unknown.
            record.give_up(
                *out_of_time(error, "okrdesk_metrics", "okrdesk_metrics ", limit, spent, record)
            )
        except BaseException as error:  # KeyboardInterrupt, SystemExit: the plugin's too
            if (stopped := interrupted(error)) is not None:
                raise stopped from None
            # What it declared before failing stands: one broken definition (an SQL
            # metric, say) must not take the plugin's other metrics with it.
            told, told_zh = (describe_error(error, record.plugin, record.how, lang=lang)
                             for lang in ("en", "zh"))  # fmt: skip
            said = (f"{DECLARING_FAILED}{told}", f"okrdesk_metrics 出错：{told_zh}")
            if isinstance(error, DeclaredInPart):
                record.fail(*said)
                record.undeclared = error.metrics
                keyed = getattr(error, "keyed", ())
                record.mistakes = tuple(k for k in keyed if isinstance(k, Said))
            else:  # any metric may be one it would have declared
                record.give_up(*said)
        return found

    def implementations(self, hook: str) -> list[tuple[str, Callable[..., Any]]]:
        """(plugin name, callable) for each plugin implementing ``hook``, to call one by one.

        The callable takes the hook's arguments by keyword and passes on only
        those the implementation asks for, as pluggy itself would.
        """
        caller = getattr(self.pm.hook, hook)
        names = {id(p): n for n, p in self.pm.list_name_plugin()}
        found: list[tuple[str, Callable[..., Any]]] = []
        for impl in caller.get_hookimpls():
            name = names[id(impl.plugin)]
            held = None if hook in _DECLARING else self._held_hook(name, hook)
            if held is not None:  # it ended the process here: it fails, told why, instead
                found.append((name, functools.partial(_not_run_again, hook, held)))
            else:
                found.append((name, _taking_only(impl.function, impl.argnames, hook, impl.plugin)))
        return found

    @property
    def formats(self) -> Mapping[str, ReportFormat]:
        """Report formats by name, asked of the plugins the first time they are wanted."""
        if self._formats is None:
            self._formats = {}
            built_in = self._load_formats()
            # The built-in formats first, as when they were imported before every other
            # plugin: a plugin's format of the same name is the one refused.
            found = sorted(self.implementations("okrdesk_report_formats"),
                           key=lambda item: item[0] not in built_in)  # fmt: skip
            for name, impl in found:
                record = self.records[name]
                if held := self._held_hook(name, "okrdesk_report_formats"):
                    # It ended the process declaring them: its formats alone are left out.
                    record.fail(*held)
                    continue
                spent = self.budget.spent(name)
                with self.spending(record) as left:
                    self._declare_formats(record, impl, self._formats, left, self._limit, spent)
        return self._formats

    def format(self, name: str) -> ReportFormat | None:
        """The report format ``name``, None if no plugin has it. A built-in one not imported
        yet is declared by its own module alone: ``formats`` declares the built-in ones before
        any plugin's, so none can take its name, and a text report imports no other format."""
        record = self.records.get(name)
        if self._formats is None and name in self._unloaded_formats and record is not None:
            module = importlib.import_module(record.location)
            declared: dict[str, ReportFormat] = {}
            # A copy keeps what it declares: ``formats`` declares it again, once.
            self._declare_formats(attrs.evolve(record, formats=[], errors=[]),
                                  module.okrdesk_report_formats, declared)  # fmt: skip
            if name in declared:
                return declared[name]
        return self.formats.get(name)

    def _load_formats(self) -> set[str]:
        """Import the built-in format plugins listed by ``load``; their names."""
        loaded = set(self._unloaded_formats)
        for name in self._unloaded_formats:
            record = self.records.get(name)
            if record is None:  # unregistered meanwhile
                continue
            plugin = importlib.import_module(record.location)
            self.pm.register(plugin, name=name)
            record.plugin = plugin
        self._unloaded_formats = []
        return loaded

    @staticmethod
    def _declare_formats(
        record: PluginRecord,
        impl: Callable[..., Any],
        into: dict[str, ReportFormat],
        left: float | None = None,
        limit: float | None = None,
        spent: float = 0.0,
    ) -> None:
        def register(fmt: ReportFormat) -> None:
            if not isinstance(fmt, ReportFormat):
                raise _not_a("ReportFormat", fmt)
            if fmt.name in into:
                raise worded(ValueError, f'report format "{fmt.name}" is already registered',
                              f'报告格式 "{fmt.name}" 已被注册')  # fmt: skip
            into[fmt.name] = fmt
            record.formats.append(fmt.name)

        try:
            with _quiet(record, "okrdesk_report_formats"):
                limited(left, lambda: impl(register=register))
        except OutOfTime as error:
            record.fail(*out_of_time(error, "okrdesk_report_formats",
                                      "okrdesk_report_formats ", limit, spent, record))  # fmt: skip
        except BaseException as error:  # KeyboardInterrupt, SystemExit: the plugin's too
            if (stopped := interrupted(error)) is not None:
                raise stopped from None
            told, told_zh = (describe_error(error, record.plugin, record.how, lang=lang)
                             for lang in ("en", "zh"))  # fmt: skip
            record.fail(f"okrdesk_report_formats failed: {told}",
                        f"okrdesk_report_formats 出错：{told_zh}")  # fmt: skip

    @property
    def broken(self) -> list[PluginRecord]:
        return [r for r in self.records.values() if not r.ok]

    def broken_errors(self) -> list[tuple[str, str]]:
        """(plugin, error) for every error a plugin gave while loading."""
        return [(r.name, e) for r in self.broken for e in r.errors]

    def unloaded(self) -> list[str]:
        """The plugins whose metrics are unknown: they failed to import or to register,
        were stopped before they finished declaring, or their own process gave no clean
        answer (``PluginRecord.unknown``), or their declaration raised without saying
        which metrics it could not declare. A workspace's own untrusted files are
        ``skipped``."""
        return sorted(record.name for record in self.records.values() if record.unknown)

    def unknown_said(self) -> list[tuple[str, Said]]:
        """``unloaded``, each with the error that made its metrics unknown, and the plugins
        whose declaration raised, each with that error: why a metric may be missing."""
        return [
            (record.name, Said(error, record.errors_zh.get(error, "")))
            for record in sorted(self.records.values(), key=lambda r: r.name)
            for error in record.errors
            if error == record.cause or error.startswith(DECLARING_FAILED)
        ]

    def broken_said(self, *, formats: bool = True) -> list[tuple[str, Said]]:
        """``broken_errors``, each in Chinese too where okrdesk wrote it. With ``formats``,
        the report formats are declared first where a loaded plugin other than okrdesk's
        own has some: a ``ReportFormat`` a plugin makes wrong (or a format hook that
        raises) is then its error here, named once, for the report and ``check`` as for
        ``plugins`` and ``validate``, whichever format the report is written in (a text
        report declares none otherwise). ``collect``, which writes no report, leaves them
        undeclared."""
        if (
            formats
            and self._formats is None
            and any(
                self.records[name].origin != BUILTIN
                for name, _ in self.implementations("okrdesk_report_formats")
            )
        ):
            self.formats  # noqa: B018 - declaring them records their errors
        return [(r.name, Said(e, r.errors_zh.get(e, ""))) for r in self.broken for e in r.errors]

    def declaring_nothing(self) -> list[tuple[str, Said]]:
        """Each installed or workspace plugin that loaded without an error and declares no
        metric and no report format (its report formats declared here where it has the
        hook), with what to warn of it (``declares_nothing``): a hook's name misspelt, say."""
        from okrdesk.plugins.declares_nothing import nothing_declared

        found = []
        for key, record in sorted(self.records.items()):
            if key != record.name or record.origin not in (ENTRY_POINT, LOCAL):
                continue
            if record.plugin is None or not self.pm.is_registered(record.plugin):
                continue
            implemented = {hook.name for hook in self.pm.get_hookcallers(record.plugin) or ()}
            if "okrdesk_report_formats" in implemented:
                self.formats  # noqa: B018 - declaring them records its formats
            if record.errors or record.declared or record.formats:
                continue
            said = nothing_declared(record.plugin, record.how, implemented, _hook_functions(),
                                    local=record.origin == LOCAL)  # fmt: skip
            if said is not None:
                found.append((record.name, said))
        return found

    def format_suspects(self, name: str) -> list[tuple[str, Said, bool]]:
        """The plugins that may have made the report format ``name`` that no plugin has:
        (plugin, its error, True) for each loaded plugin whose ``okrdesk_report_formats``
        failed or was stopped, and (plugin, why, False) for each that did not load (failed
        to import, not valid, not run), whose formats are unknown. Only one of that very
        name where there is one; none of okrdesk's own, and none whose formats were
        declared without a fault (it has not got it)."""
        formats = self.formats
        if name in formats:
            return []
        found: list[tuple[str, Said, bool]] = []
        for key, record in sorted(self.records.items()):
            if key != record.name or record.origin == BUILTIN:
                continue  # a second copy of a name is ignored; okrdesk's own are known
            if record.plugin is None and record.errors:
                cause = record.cause or record.errors[-1]
                found.append((record.name, Said(cause, record.errors_zh.get(cause, "")), False))
                continue
            found += [
                (record.name, Said(error, record.errors_zh.get(error, "")), True)
                for error in record.errors
                if error.startswith(FORMATS_FAILED)
            ]
        named = [suspect for suspect in found if suspect[0] == name]
        return named or found

    def metric_catalog(self) -> Mapping[str, MetricSpec]:
        return self.load().metrics


def registered_location(plugin: object) -> str:
    """Where a plugin registered in this process comes from, as ``okrdesk plugins`` lists
    it: a module's name (as an entry point names it), else what the object is."""
    if isinstance(plugin, ModuleType):
        return plugin.__name__
    return repr(plugin)


_ORIGIN_WORDS = {
    BUILTIN: ("okrdesk's own", "okrdesk 自带"),
    ENTRY_POINT: ("an installed package", "已安装的包"),
    LOCAL: ("this workspace's file", "本工作区的文件"),
    REGISTERED: ("registered in this process", "本进程中注册"),
}


def _loaded_twice(first: PluginRecord, second: PluginRecord) -> tuple[str, str]:
    """What the second plugin of a name says: which copy runs (the first found), that
    this one is ignored, and what to do about it, in English and Chinese."""
    name, where = first.name, first.location
    what, what_zh = _ORIGIN_WORDS.get(first.origin, (first.origin, first.origin))
    local = next((r.location for r in (second, first) if r.origin == LOCAL), None)
    if first.origin == BUILTIN:
        advice = f"rename {second.location}: okrdesk's own plugins keep their names"
        advice_zh = f"请给 {second.location} 改名：okrdesk 自带插件的名称不能占用"
    elif local is not None and REGISTERED in (first.origin, second.origin):
        advice = f"rename {local} to run both (a workspace's plugin is named after its file)"
        advice_zh = f"若要两者都运行，请给 {local} 改名（工作区插件以文件名为插件名）"
    elif local is not None:
        advice = (
            f"rename {local} to run both (a workspace's plugin is named after its file), "
            f"or uninstall the installed package (pip uninstall) to run {local} alone"
        )
        advice_zh = (
            f"若要两者都运行，请给 {local} 改名（工作区插件以文件名为插件名）；"
            f"若只运行 {local}，请卸载那个已安装的包（pip uninstall）"
        )
    else:
        advice = "uninstall one of them, or leave one out with OKRDESK_LOAD_PLUGINS"
        advice_zh = "请卸载其中一个，或用 OKRDESK_LOAD_PLUGINS 只加载其中一个"
    return (
        f'not loaded: a plugin named "{name}" is already loaded from {where} ({what}), '
        f"which is the one that runs; this copy, {second.location}, is ignored: {advice}",
        f"未加载：已从 {where}（{what_zh}）加载了名为“{name}”的插件，运行的是那一个；"
        f"这一份（{second.location}）被忽略：{advice_zh}",
    )


def _hook_functions() -> dict[str, list[str]]:
    """Each hook of okrdesk's, with the names of its arguments."""
    import inspect

    return {
        name: list(inspect.signature(value).parameters)
        for name, value in vars(hookspecs).items()
        if name.startswith("okrdesk_") and callable(value) and hasattr(value, "okrdesk_spec")
    }


def _hook_mistakes(
    pm: pluggy.PluginManager, plugin: object, how: tuple[str, str] | None
) -> list[tuple[str, str]]:
    """Each function of ``plugin`` marked ``@hookimpl`` that names no hook, or takes an
    argument its hook does not give, and each named as a hook but not marked, in English
    and Chinese, in the order of their lines: all of them, where pluggy refuses the first
    alone (and passes an unmarked one by)."""
    import inspect

    hooks = _hook_functions()
    found: list[tuple[int, str, str]] = []
    for attribute in dir(plugin):
        try:
            options = pm.parse_hookimpl_opts(plugin, attribute)
        except Exception:  # an attribute that cannot be read: pluggy says what it says
            continue
        if options is None and attribute not in hooks:
            continue
        function = getattr(plugin, attribute, None)
        code = getattr(function, "__code__", None)
        line = code.co_firstlineno if isinstance(code, CodeType) else 0
        if options is None:
            # A hook's very name without the mark: pluggy passes it by, and the plugin
            # would load declaring nothing, or collect nothing, with no word of why.
            if line and not hasattr(function, "okrdesk_spec"):
                found.append((line, *_unmarked_hook(attribute, function, plugin, how)))
            continue
        hook = options.get("specname") or attribute
        if hook not in hooks:
            found.append((line, *_unknown_hook(hook, function, plugin, how, sorted(hooks))))
            continue
        try:
            parameters = inspect.signature(function).parameters.values()  # type: ignore[arg-type]
        except (TypeError, ValueError):
            continue
        wanted = [
            p.name
            for p in parameters
            if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        ]
        if wrong := sorted(set(wanted) - set(hooks[hook])):
            found.append((line, *_wrong_arguments(hook, wrong, hooks[hook], function, plugin, how)))
    return [(en, zh) for _, en, zh in sorted(found)]


def _unknown_hook(
    name: str, function: object, plugin: object, how: tuple[str, str] | None, hooks: list[str]
) -> tuple[str, str]:
    import difflib

    at = defined_at(function, plugin, how)
    place, place_zh = (f" (at {at})", f"（位于 {at}）") if at else ("", "")
    close = difflib.get_close_matches(name, hooks, n=1, cutoff=0.6)
    mean = (f" (did you mean {close[0]}?)", f"（是不是 {close[0]}？）") if close else ("", "")
    return (
        f"{name} is no hook of okrdesk{mean[0]}; its hooks are {', '.join(hooks)}{place}",
        f"{name} 不是 okrdesk 的钩子{mean[1]}；钩子有 {'、'.join(hooks)}{place_zh}",
    )


def _unmarked_hook(
    name: str, function: object, plugin: object, how: tuple[str, str] | None
) -> tuple[str, str]:
    at = defined_at(function, plugin, how)
    place, place_zh = (f" (at {at})", f"（位于 {at}）") if at else ("", "")
    return (
        f"{name} is not marked @hookimpl, so okrdesk would never call it: write @hookimpl "
        f"(from okrdesk.plugins import hookimpl) on the line above its def{place}",
        f"{name} 没有标记 @hookimpl，okrdesk 不会调用它：请在它的 def 上一行写 @hookimpl"
        f"（from okrdesk.plugins import hookimpl）{place_zh}",
    )


def _no_hooks(plugin: object, how: tuple[str, str] | None) -> tuple[str, str]:
    from okrdesk.plugins.declares_nothing import near_hooks, near_said
    from okrdesk.plugins.hooks_elsewhere import hooks_elsewhere

    hooks = sorted(_hook_functions())
    en = f"not a valid plugin: it has none of okrdesk's hooks ({', '.join(hooks)}) marked @hookimpl"
    zh = f"不是有效的插件：它没有任何标记了 @hookimpl 的 okrdesk 钩子（{'、'.join(hooks)}）"
    near = near_said(near_hooks(plugin, how, hooks))
    en, zh = en + near.en, zh + near.zh
    elsewhere = hooks_elsewhere(plugin, how, hooks)
    en, zh = en + elsewhere.en, zh + elsewhere.zh
    if how is not None and how[0] == "entry" and ":" in how[1] and callable(plugin):
        module = how[1].split(":")[0].strip()
        en += (f"; its entry point names {how[1]}, not the module holding the hooks: write "
               f'"{module}" there')  # fmt: skip
        zh += f'；它的入口点指向 {how[1]}，而不是存放钩子的模块：请在那里写 "{module}"'
    return en, zh


def _wrong_arguments(
    hook: str,
    wrong: list[str],
    takes: list[str],
    function: object,
    plugin: object,
    how: tuple[str, str] | None,
) -> tuple[str, str]:
    at = defined_at(function, plugin, how)
    place, place_zh = (f" (at {at})", f"（位于 {at}）") if at else ("", "")
    names = ", ".join(wrong)
    # What okrdesk_metrics and okrdesk_check_settings take as arguments, okrdesk_collect
    # finds in its request: `settings` is request.settings.
    request = {field.name for field in attrs.fields(hookspecs.CollectRequest)}
    asked = [name for name in wrong if hook == "okrdesk_collect" and name in request]
    found = "".join(f"; {name} is request.{name}" for name in asked)
    found_zh = "".join(f"；{name} 在 request.{name} 中" for name in asked)
    return (
        f"{hook} takes no argument {names}: its arguments are {', '.join(takes)} (by these "
        f"names; take only those you need){found}{place}",
        f"{hook} 没有参数 {names}：它的参数是 {'、'.join(takes)}（须用这些名字，可只取所需的）"
        f"{found_zh}{place_zh}",
    )


def _not_valid(error: Exception, plugin: object, how: tuple[str, str] | None) -> tuple[str, str]:
    """Why pluggy refused ``plugin``, in English and Chinese: for a hook name or a hook
    argument misspelt, the hooks or the arguments there are, and the function's line,
    where pluggy's own words name the module's repr and span lines."""
    import re

    told, told_zh = (describe_error(error, plugin, how, lang=lang) for lang in ("en", "zh"))
    said = (f"not a valid plugin: {told}", f"不是有效的插件：{told_zh}")
    if not isinstance(error, pluggy.PluginValidationError):
        return said
    text = str(error)
    hooks = _hook_functions()
    if unknown := re.match(r"unknown hook '([^']+)'", text):
        name = unknown[1]
        en, zh = _unknown_hook(name, getattr(plugin, name, None), plugin, how, sorted(hooks))
        return f"not a valid plugin: {en}", f"不是有效的插件：{zh}"
    wrong = re.search(r"for hook '([^']+)'.*Argument\(s\) \{(.*)\} are declared", text, re.S)
    if wrong and wrong[1] in hooks:
        hook, names = wrong[1], sorted(re.findall(r"'([^']+)'", wrong[2]))
        function = getattr(plugin, hook, None)
        en, zh = _wrong_arguments(hook, names, hooks[hook], function, plugin, how)
        return f"not a valid plugin: {en}", f"不是有效的插件：{zh}"
    return said


def load_one(name: str, how: tuple[str, str], settings: Mapping[str, Any]) -> PluginHost:
    """A host holding one plugin, imported the way ``how`` says: what a plugin's own
    process loads before it collects."""
    host = PluginHost(
        entry_points=False, builtins={}, registered=False, sources={name: settings},
        workspace_code=True,
    )  # fmt: skip
    kind, where = how
    importers: dict[str, Callable[[], Any]] = {
        "module": _importer(where),
        "entry": functools.partial(load_entry_point, where),
        "file": functools.partial(_import_file, Path(where)),
    }
    host._add(name, kind, where, "", importers[kind], how)
    host._declare_metrics()
    return host


@contextlib.contextmanager
def quiet(
    errors: list[str],
    errors_zh: dict[str, str] | None = None,
    record: PluginRecord | None = None,
    *,
    owner: object | None = None,
    descriptors: bool = True,
    step: str = "okrdesk_check_settings",
) -> Iterator[None]:
    """Keep what a plugin prints off standard output, where it would corrupt a report
    meant for another program, and add it to ``errors`` (and its Chinese to
    ``errors_zh``), with the line of the plugin's code (``record``'s, or that of the
    package ``owner`` comes from: a report format's ``render``) that printed. A plugin's
    other than okrdesk's own has what it changes of the process put back and told
    (``kept_state``), and, with ``descriptors``, what it writes straight to file
    descriptors 1 and 2 caught and told: not where it writes the report there. An
    installed or workspace plugin's call (``step``: its import, a hook; validate's
    settings check says none) leaves a note while it runs (``process_ends``)."""
    caught, caught_errors = io.StringIO(), io.StringIO()
    noted, noted_errors = (
        NotedStream(
            stream, lambda: record.plugin if record else owner, record.how if record else None
        )
        for stream in (caught, caught_errors)
    )
    changes: list[Said] = []
    written: list[bytes] = []

    def running_at() -> str | None:
        return called_from(record.plugin if record else owner, record.how if record else None)

    try:
        with contextlib.ExitStack() as guarded:
            if _not_okrdesks(record, owner):
                # A Ctrl-C while the guards below are set up or put back is the user's, not
                # the plugin's failure: marked as a signal's, as inside the call itself.
                guarded.enter_context(marking_signals())
                if record is not None and record.origin in (ENTRY_POINT, LOCAL):
                    guarded.enter_context(loading(record.name, step))
                guarded.enter_context(kept_state(changes, running_at))
                if descriptors:
                    guarded.enter_context(output_caught(written))
                guarded.enter_context(contextlib.redirect_stderr(cast(TextIO, noted_errors)))
            guarded.enter_context(contextlib.redirect_stdout(cast(TextIO, noted)))
            yield
    finally:
        # A call left behind in the block prints nowhere once it is put back.
        guard_streams()
        known = record is not None or owner is not None
        told = [
            *printed_said(caught.getvalue(), noted.place if known else None),
            *printed_said(
                caught_errors.getvalue(), noted_errors.place if known else None, to_errors=True
            ),
            *written_said(written),
            *changes,
        ]
        for said in told:
            errors.append(said.en)
            if errors_zh is not None:
                errors_zh[said.en] = said.zh


def _not_okrdesks(record: PluginRecord | None, owner: object | None) -> bool:
    """Whether the code ``quiet`` runs is a plugin's other than okrdesk's own, whose
    changes to okrdesk's process are put back and told."""
    if not guarding():
        return False
    if record is not None:
        return record.origin != BUILTIN
    return owner is not None and not str(getattr(owner, "__module__", "")).startswith("okrdesk.")


def out_of_time(
    stop: OutOfTime,
    step: str,
    step_zh: str,
    limit: float | None,
    spent: float = 0.0,
    record: PluginRecord | None = None,
) -> tuple[str, str]:
    """A plugin stopped at ``limit`` during ``step``, having ``spent`` seconds of it on its
    earlier calls, in English and Chinese, with the line of ``record``'s code it was
    stopped at where the stop passed through it (a loop or a wait its author is to find);
    a Ctrl-C (or SIGTERM) that came while it was being stopped is raised instead."""
    if (stopped := interrupted(stop)) is not None:
        raise stopped from None
    before = earlier(spent)
    at, at_zh = stopped_at(stop, *((record.plugin, record.how) if record else ()))
    return (f"{step} did not finish within {limit:g} s{before[0]} and was stopped{at}{LONGER[0]}",
            f"{step_zh}在 {limit:g} 秒内{before[1]}未完成，已{at_zh}停止{LONGER[1]}")  # fmt: skip


def _not_a(wanted: str, given: object) -> Exception:
    """What ``register`` says of anything but the ``wanted`` class."""
    given_name = type(given).__name__
    return worded(TypeError, f"register() takes a {wanted}, not {given_name}",
                   f"register() 只接受 {wanted}，而不是 {given_name}")  # fmt: skip


_KIND_ZH = {MetricKind.STOCK: "存量", MetricKind.FLOW: "流量", MetricKind.RATIO: "比率"}


def _registered_twice(first: MetricSpec, second: MetricSpec) -> Exception:
    """What ``register`` says of a second metric of a name the plugin registered before."""
    if (first.kind, first.unit) == (second.kind, second.unit):
        return worded(ValueError,
                      f"metric {second.name} was registered before; register each metric once",
                      f"指标 {second.name} 已登记过；每个指标只登记一次")  # fmt: skip
    return worded(
        ValueError,
        f"metric {second.name} was registered before, as a {first.kind.value} in "
        f"{first.unit.symbol}, and now as a {second.kind.value} in {second.unit.symbol}: "
        "give each metric a name of its own",
        f"指标 {second.name} 已登记为{_KIND_ZH[first.kind]}（{first.unit.symbol}），"
        f"这次又登记为{_KIND_ZH[second.kind]}（{second.unit.symbol}）：每个指标要有自己的名字",
    )


def _quiet(record: PluginRecord, step: str) -> contextlib.AbstractContextManager[None]:
    """``quiet`` while a plugin loads (``step``): what it prints is its error."""
    return quiet(record.errors, record.errors_zh, record, step=step)


def _importer(module_name: str) -> Callable[[], ModuleType]:
    return functools.partial(importlib.import_module, module_name)


def _taking_only(
    function: Callable[..., Any], argnames: tuple[str, ...], hook: str, plugin: object
) -> Callable[..., Any]:
    def call(**kwargs: Any) -> Any:
        given = function(**{k: v for k, v in kwargs.items() if k in argnames})
        if given is not None and hook in HANDED_OVER:
            raise returned_something(hook, given, function, plugin)
        return given

    # Its module the plugin's: a failure is told at the plugin's own line.
    call.__module__ = getattr(function, "__module__", None) or call.__module__
    return call


def _import_file(path: Path) -> ModuleType:
    """A workspace's ``plugins/NAME.py``, run from its source as ``okrdesk trust``
    fingerprinted it: never from bytecode beside it, which the fingerprint does not
    cover and which Python would run whatever the source says (a ``__pycache__`` file
    compiled unchecked from other code), and leaving none there."""
    module_name = f"okrdesk_local_plugins.{path.stem}"
    # Nor is any written beside a module it imports from its own folder: the trust
    # fingerprint covers plugins/__pycache__, so bytecode planted there asks again. In
    # okrdesk's own process ``kept_state`` holds writing off while a plugin's code runs;
    # a plugin's own process (collect's) writes none at all.
    if not guarding():
        sys.dont_write_bytecode = True
    import importlib.util  # here: only a workspace's own plugin is loaded from a file

    code = compile(path.read_bytes(), str(path), "exec", dont_inherit=True)
    module = ModuleType(module_name)
    module.__file__ = str(path)
    module.__spec__ = importlib.util.spec_from_loader(module_name, None, origin=str(path))
    sys.modules[module_name] = module
    try:
        exec(code, module.__dict__)
    except BaseException:
        del sys.modules[module_name]
        raise
    return module
