"""The setting a plugin's failing line read, told at its line of okrdesk.toml.

A plugin without a settings check of its own that reads ``request.settings.get("file",
…)`` on the line that fails (``file = 3`` in okrdesk.toml: ``TypeError: unsupported
operand type(s) for /: 'PosixPath' and 'int'``; ``request.settings["file"]`` with no such
key: ``KeyError: 'file'``) was told the line of its code alone, which says nothing of the
okrdesk.toml a branch manager is to mend. The line's source names the key it read; the
key is told at its line of okrdesk.toml, with its value, as validate tells a setting.
"""

from __future__ import annotations

import datetime as dt
import linecache
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
