"""The setting a plugin's failing line read, told at its line of okrdesk.toml.

A plugin without a settings check of its own that reads ``request.settings.get("file",
…)`` on the line that fails (``file = 3`` in okrdesk.toml: ``TypeError: unsupported
operand type(s) for /: 'PosixPath' and 'int'``; ``request.settings["file"]`` with no such
key: ``KeyError: 'file'``) was told the line of its code alone, which says nothing of the
okrdesk.toml a branch manager is to mend. The line's source names the key it read; the
key is told at its line of okrdesk.toml, with its value, as validate tells a setting.
A file not found is told at the setting naming it (or the folder holding it), whatever
line read that setting: a plugin most often makes the path on one line and opens it on
another.
"""

from __future__ import annotations

import datetime as dt
import linecache
import os
import re
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from okrdesk.errors import Said

_READ = re.compile(r"""settings(?:\.get\(\s*|\[\s*)(['"])(?P<key>[^'"\n]+)\1""")
"""``settings.get("file"`` or ``settings["file"]`` on a line of a plugin's code."""

_MISUSED = (TypeError, AttributeError, ValueError)
"""What a setting of another kind than the code expects raises where it is used."""


def setting_at_fault(
    error: BaseException, settings: Mapping[str, Any], plugin: str, root: Path
) -> Said:
    """What to add to a collect's failure whose line read a key of the plugin's settings:
    a key it read that okrdesk.toml does not set (for a ``KeyError`` of it), or one set
    to a value the line could not use (for a ``TypeError``, ``AttributeError`` or
    ``ValueError``), at its line of okrdesk.toml; empty words for any other failure."""
    if isinstance(error, FileNotFoundError):
        return _file_not_there(error, settings, plugin, root)
    keys = _keys_read(error)
    if isinstance(error, KeyError) and error.args and error.args[0] in keys:
        key = error.args[0]
        if key in settings:
            return Said("", "")
        return _told(
            root, plugin, settings, key,
            f"not set, and the plugin reads it with no default: set it in [sources.{plugin}], "
            f"or have the plugin take one (settings.get({key!r}, …))",
            f"未设置，而插件读取它时没有默认值：请在 [sources.{plugin}] 中设置它，"
            f"或让插件给出默认值（settings.get({key!r}, …)）",
        )  # fmt: skip
    if not isinstance(error, _MISUSED):
        return Said("", "")
    used = [key for key in keys if key in settings]
    if len(used) != 1:  # none, or several the line read: which is at fault is not known
        return Said("", "")
    (key,) = used
    kind, kind_zh = _kind(settings[key])
    return _told(
        root, plugin, settings, key,
        f"is {settings[key]!r}, {kind}, which the plugin failed on: write there what the "
        "plugin expects (a plugin checks its settings in "
        "okrdesk_check_settings, so that validate finds this)",
        f"是 {settings[key]!r}（{kind_zh}），插件因它而出错：请在这里写插件要求的值"
        "（插件应在 okrdesk_check_settings 中检查设置，validate 就能发现此处）",
    )  # fmt: skip


def _file_not_there(
    error: FileNotFoundError, settings: Mapping[str, Any], plugin: str, root: Path
) -> Said:
    """The setting naming the file (or the folder holding it) that a plugin failed to find,
    whichever line read it: a branch mends okrdesk.toml or saves the export there, and
    ``No such file or directory`` with the plugin's line says neither."""
    if not isinstance(error.filename, str | os.PathLike):
        return Said("", "")
    missing = os.path.abspath(error.filename)
    for key, value in settings.items():
        if not isinstance(value, str) or not value.strip():
            continue
        named = os.path.abspath(Path(root) / value)
        if named == os.path.abspath(root):  # "." holds every file of the workspace
            continue
        if missing == named:
            return _told(
                root, plugin, settings, key,
                f"names {value}, which is not there: write the path of the file, from the "
                "workspace, or save the file there",
                f"写的 {value} 不存在：请写该文件相对工作区的路径，或把文件存到那里",
            )  # fmt: skip
        if missing.startswith(named + os.sep) and not os.path.isdir(named):
            return _told(
                root, plugin, settings, key,
                f"names the folder {value}, which is not there: write the path of the folder, "
                "from the workspace, or save the files there",
                f"写的文件夹 {value} 不存在：请写该文件夹相对工作区的路径，或把文件存到那里",
            )  # fmt: skip
        if missing.startswith(named + os.sep):
            inside = os.path.relpath(missing, named)
            return _told(
                root, plugin, settings, key,
                f"names the folder {value}, which has no {inside}, the file the plugin reads "
                "there: save it there, or write the folder that has it",
                f"写的文件夹 {value} 中没有插件要读的 {inside}：请把它存到那里，或写存有它的文件夹",
            )  # fmt: skip
    return Said("", "")


def _keys_read(error: BaseException) -> list[str]:
    """The settings keys the lines of ``error``'s traceback read, innermost first."""
    keys: list[str] = []
    step = error.__traceback__
    while step is not None:
        text = linecache.getline(step.tb_frame.f_code.co_filename, step.tb_lineno)
        keys[:0] = [found["key"] for found in _READ.finditer(text) if found["key"] not in keys]
        step = step.tb_next
    return keys


def _kind(value: object) -> tuple[str, str]:
    if isinstance(value, bool):
        return "true or false", "真假值"
    if isinstance(value, int | float | Decimal):
        return "a number", "数"
    if isinstance(value, str):
        return "text", "文本"
    if isinstance(value, dt.date | dt.time):
        return "a date or time", "日期或时间"
    if isinstance(value, Mapping):
        return "a table", "表"
    return "a list", "列表"


def _told(root: Path, plugin: str, settings: Mapping[str, Any], key: str, en: str, zh: str) -> Said:
    """``en`` and ``zh`` at ``key``'s line of okrdesk.toml, as validate tells a setting."""
    from okrdesk.plugins import SettingsProblem
    from okrdesk.plugins.settings_checks import checked, located

    try:
        answered = checked([SettingsProblem(key, en, zh=zh)])
        ((problem, _),) = located(root, plugin, answered, settings)
    except Exception:  # a help: the failure is told without it
        return Said("", "")
    return Said(f"; {problem.text('en')}", f"；{problem.text('zh')}")
