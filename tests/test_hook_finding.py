"""The plugin manager finds a plugin's hooks, and okrdesk's hook specifications, as
pluggy's own manager does, while it passes over a module's classes and constants
without pluggy's static look at each (``manager._HookFinder``)."""

from __future__ import annotations

import importlib.util
import textwrap
from pathlib import Path
from types import ModuleType

import pluggy

from okrdesk.plugins import hookspecs
from okrdesk.plugins.manager import ENTRY_POINT_GROUP, PluginHost, _no_hook

PLUGIN = """
import functools
import math
import os

from okrdesk.plugins import hookimpl

LIMIT = 3
NAMES = ("a", "b")
sqrt = math.sqrt


@hookimpl
def okrdesk_metrics(register):
    pass


@hookimpl(specname="okrdesk_report_formats")
def declare_formats(register):
    pass


def okrdesk_collect(request, emit):  # a hook's name, not marked
    pass


def helper():
    pass


marked_later = staticmethod(okrdesk_metrics)
partly = functools.partial(helper)


class Holder:
    @hookimpl
    def okrdesk_metrics(self, register):
        pass


class Marked:
    okrdesk_impl = {}

    def __call__(self, register):
        pass


called = Marked()
called.okrdesk_impl = {}
"""


def _module(tmp_path: Path) -> ModuleType:
    path = tmp_path / "finding_plugin.py"
    path.write_text(textwrap.dedent(PLUGIN), encoding="utf-8")
    spec = importlib.util.spec_from_file_location("finding_plugin", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_plugins_hooks_are_found_as_pluggy_finds_them(tmp_path: Path) -> None:
    module = _module(tmp_path)
    ours, pluggys = PluginHost(entry_points=False).pm, pluggy.PluginManager(ENTRY_POINT_GROUP)

    for name in dir(module):
        assert ours.parse_hookimpl_opts(module, name) == pluggys.parse_hookimpl_opts(
            module, name
        ), name
    found = [name for name in dir(module) if ours.parse_hookimpl_opts(module, name) is not None]
    assert found == ["declare_formats", "marked_later", "okrdesk_metrics"]


def test_the_hook_specifications_are_found_as_pluggy_finds_them() -> None:
    ours, pluggys = PluginHost(entry_points=False).pm, pluggy.PluginManager(ENTRY_POINT_GROUP)

    for name in dir(hookspecs):
        assert ours.parse_hookspec_opts(hookspecs, name) == pluggys.parse_hookspec_opts(
            hookspecs, name
        ), name
    assert sorted(ours.hook.__dict__) == sorted(pluggys_hooks(pluggys))


def pluggys_hooks(manager: pluggy.PluginManager) -> list[str]:
    manager.add_hookspecs(hookspecs)
    return list(manager.hook.__dict__)


def test_only_a_modules_classes_and_what_cannot_be_called_are_passed_over(
    tmp_path: Path,
) -> None:
    module = _module(tmp_path)

    passed_over = [name for name in dir(module) if _no_hook(module, name)]

    assert "Holder" in passed_over and "Marked" in passed_over  # classes
    assert {"LIMIT", "NAMES", "os", "__name__", "__doc__"} <= set(passed_over)
    for callable_name in ("okrdesk_metrics", "helper", "sqrt", "partly", "called", "hookimpl"):
        assert callable_name not in passed_over
    assert not _no_hook(module, "not_there")  # left to pluggy
    assert not _no_hook(module.Holder(), "okrdesk_metrics")  # not a module: left to pluggy
