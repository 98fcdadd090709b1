"""Helpers for checking a plugin's ``[sources.<name>]`` table.

``number_setting`` reads a number as okrdesk.toml gives it (an int, or a
``Decimal`` for one written with a fraction), for any plugin.

``checked``, ``located`` and ``settings_refused`` are how ``okrdesk validate`` and
``okrdesk collect`` read a plugin's ``okrdesk_check_settings`` alike: what validate
refuses (a problem not ``about_this_machine``), collect refuses in the same words, at
the same line of okrdesk.toml, and collects nothing from that plugin. A plugin with no
table in okrdesk.toml is checked with its defaults (an empty table), and each thing it
finds says so.

``settings_problems`` turns the built-in sources' messages into
``SettingsProblem``s. The SQL and derived sources word each mistake in their table
beginning with the key it is about (``sources.sql.metrics[2].unit: unknown unit``,
``sources.sql.metrics[0].query (aum): ...``), for ``collect`` and ``report``, which show
the message whole. ``okrdesk validate`` shows it at that key's line instead. A message
okrdesk words in both languages (an ``errors.Said``, the SQL source's) begins with the
key in both, and its ``SettingsProblem`` carries the Chinese.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from okrdesk.errors import Problem, Said
from okrdesk.plugins.hookspecs import SettingsProblem

if TYPE_CHECKING:
    from okrdesk.targets.reader import SourceFile

SETTINGS_FILE = "okrdesk.toml"
MESSAGE_MOST = 1000
"""Characters of a plugin's message shown, past which it is cut."""
PROBLEMS_MOST = 50
"""Problems of one plugin's settings shown; past them validate says there were more (and
reads no more of them: a check that yields without end does not hang validate)."""


class SettingsAnswer(NamedTuple):
    """One ``SettingsProblem`` of a check's answer, checked to be text."""

    key: str
    message: str
    zh: str
    about_this_machine: bool
    about_the_data: bool = False


def checked(found: object) -> list[SettingsAnswer]:
    """A check's answer, its first ``PROBLEMS_MOST`` + 1 problems: a TypeError (said in
    both languages) for anything but ``SettingsProblem``s with a text key and
    messages."""
    from okrdesk.plugins.failures import worded

    if found is None:
        return []
    if isinstance(found, str | bytes | Mapping) or not isinstance(found, Iterable):
        given = type(found).__name__
        raise worded(TypeError, f"gave {given}, not a list of SettingsProblem",
                     f"返回了 {given}，而不是 SettingsProblem 的列表")  # fmt: skip
    answered = []
    for problem in list(itertools.islice(found, PROBLEMS_MOST + 1)):
        if not isinstance(problem, SettingsProblem):
            given = type(problem).__name__
            raise worded(TypeError, f"gave {given}, not SettingsProblem",
                         f"返回了 {given}，而不是 SettingsProblem")  # fmt: skip
        key, message, zh = problem.key, problem.message, problem.zh
        if not all(isinstance(text, str) for text in (key, message, zh)):
            raise worded(TypeError, "gave a SettingsProblem whose key or message is not text",
                         "返回的 SettingsProblem 中，key 或消息不是文本")  # fmt: skip
        answered.append(
            SettingsAnswer(
                key,
                _cut(message),
                _cut(zh),
                problem.about_this_machine is True,
                problem.about_the_data is True,
            )
        )
    return answered


def _cut(message: str) -> str:
    return message[:MESSAGE_MOST] + "…" if len(message) > MESSAGE_MOST else message


def defaults_note(plugin: str, near: tuple[str, int] | None = None) -> Said:
    """What a problem found in a plugin's default settings says after it; ``near``, the
    table of okrdesk.toml (its name and line) whose name is close to the plugin's, which
    may be its table misspelt."""
    if near is not None:
        table, line = near
        at, at_zh = (f", at line {line},", f"第 {line} 行的") if line else ("", "")
        return Said(
            f" (in the plugin's default settings: {SETTINGS_FILE} has no [sources.{plugin}] "
            f"table; is [sources.{table}]{at} meant to be it?)",
            f"（插件的默认设置：{SETTINGS_FILE} 中没有 [sources.{plugin}] 表；"
            f"{at_zh} [sources.{table}] 是不是要写成它？）",
        )
    return Said(
        f" (in the plugin's default settings: {SETTINGS_FILE} has no [sources.{plugin}] "
        "table; add one to set them)",
        f"（插件的默认设置：{SETTINGS_FILE} 中没有 [sources.{plugin}] 表；可添加此表来设置）",
    )


def near_table(source: SourceFile | None, plugin: str) -> tuple[str, int] | None:
    """The ``[sources.NAME]`` table of okrdesk.toml (``source``) whose name is close to
    ``plugin``'s, which has none, with its line: ``brokrage`` for ``brokerage``."""
    from okrdesk.targets.reader import closest, where_for

    sources = source.data.get("sources") if source is not None else None
    if source is None or not isinstance(sources, dict) or plugin in sources:
        return None
    tables = [name for name, table in sources.items() if isinstance(table, dict)]
    found = closest(plugin, tables)
    return None if found is None else (found, where_for(source, ("sources", found)).line)


def located(
    root: Path,
    plugin: str,
    answered: Sequence[SettingsAnswer],
    given: Mapping[str, Any] | None = None,
) -> list[tuple[Problem, bool]]:
    """Each answer as a problem at its key's line of okrdesk.toml, with whether it is
    about this machine only. Where okrdesk.toml has no ``[sources.<plugin>]`` table the
    plugin was checked with its defaults, and each problem says so, at no line; unless
    it was ``given`` settings that are not in the file (``check_plugin``'s)."""
    from okrdesk.targets.load import parse_toml_file
    from okrdesk.targets.reader import Findings, where_for

    source = parse_toml_file(root / SETTINGS_FILE, root, Findings())
    sources = source.data.get("sources") if source is not None else None
    settings = sources.get(plugin) if isinstance(sources, dict) else None
    if source is None or not isinstance(settings, dict):
        note = Said("", "") if given else defaults_note(plugin, near_table(source, plugin))
        return [
            (Problem(SETTINGS_FILE, 0, ".".join(filter(None, ("sources", plugin, a.key))),
                     a.message + note.en, (a.zh or a.message) + note.zh), a.about_this_machine)
            for a in answered
        ]  # fmt: skip
    return [
        (where_for(source, ("sources", plugin, *key_path(a.key, settings))).problem(a.message,
                                                                                    a.zh),
         a.about_this_machine)
        for a in answered
    ]  # fmt: skip


def settings_refused(
    root: Path,
    plugin: str,
    answered: Sequence[SettingsAnswer],
    given: Mapping[str, Any] | None = None,
    *,
    one: bool = False,
) -> Said | None:
    """Why ``collect`` collects nothing from ``plugin`` (with ``one``, nothing of one of
    its metrics): the problems validate refuses its settings for, at their lines, in both
    languages; None when there is none."""
    if all(a.about_this_machine for a in answered):
        return None
    # In validate's order: by line, then key.
    found = zip(located(root, plugin, answered, given), answered, strict=True)
    refused_answers = [(p, a) for (p, here_only), a in found if not here_only]
    refused = sorted(p for p, _ in refused_answers)
    en, zh = "; ".join(p.text("en") for p in refused), "；".join(p.text("zh") for p in refused)
    if all(a.about_the_data for _, a in refused_answers):  # the export changed, not the table
        if one:
            return Said(
                f"not collected: the data it reads does not fit, as `okrdesk validate` says: {en}",
                f"未采集：它读取的数据不符合要求，`okrdesk validate` 同样指出：{zh}",
            )
        return Said(
            "the data it reads does not fit, as `okrdesk validate` says, so nothing was "
            f"collected from it: {en}",
            f"其读取的数据不符合要求，`okrdesk validate` 同样指出，因此未从它采集任何数据：{zh}",
        )
    if one:
        return Said(
            f"not collected: the settings it reads are refused, as `okrdesk validate` "
            f"refuses them: {en}",
            f"未采集：它所用的设置有误，`okrdesk validate` 同样不予通过：{zh}",
        )
    return Said(
        "its settings are refused, as `okrdesk validate` refuses them, so nothing was "
        f"collected from it: {en}",
        f"其设置有误，`okrdesk validate` 同样不予通过，因此未从它采集任何数据：{zh}",
    )


def mistake_told(
    error: BaseException, root: Path, plugin: str, given: Mapping[str, Any] | None = None
) -> Said | None:
    """What ``collect`` says of a ``SettingsMistake`` that ``plugin``'s collect raised
    (a mistake its check did not find, as a data folder missing on the machine that
    collects): validate's words for it, at its key's line of okrdesk.toml, in both
    languages, without the exception's type, which a branch manager has no use for. None
    for any other error, or where the mistake cannot be read (the caller then tells it as
    it tells any error)."""
    from okrdesk.plugins.failures import SettingsMistake

    if not isinstance(error, SettingsMistake):
        return None
    try:
        answered = checked([_mistake_problem(error, plugin)])
        ((problem, _),) = located(root, plugin, answered, given)
    except Exception:  # told as any other error, rather than not at all
        return None
    return Said(f"stopped at a mistake in its settings: {problem.text('en')}",
                f"因设置有误而停止：{problem.text('zh')}")  # fmt: skip


def _mistake_problem(error: BaseException, plugin: str) -> SettingsProblem:
    """A ``SettingsMistake`` as the ``SettingsProblem`` a check would have given: its
    ``key`` and ``detail`` (``detail_zh``) where it has them, else its words at the key
    they begin with (``sources.salons.file: no such file``), else about the table."""
    key, detail = getattr(error, "key", None), getattr(error, "detail", None)
    if isinstance(key, str) and isinstance(detail, str):
        zh = getattr(error, "detail_zh", "")
        return SettingsProblem(key, detail, zh=zh if isinstance(zh, str) else "")
    said = getattr(error, "said", None)
    words = said if isinstance(said, Said) else str(error)
    (problem,) = settings_problems(plugin, [words])
    if isinstance(key, str) and not problem.key:
        return SettingsProblem(key, problem.message, zh=problem.zh)
    return problem


def key_path(key: str, settings: Mapping[str, Any] | None = None) -> tuple[str | int, ...]:
    """``metrics[2].unit`` as the path ``("metrics", 2, "unit")``; a key of ``settings``
    written with a dot in it (``"hnw.threshold" = 1``) whole."""
    if settings is not None and key in settings:
        return (key,)
    return tuple(int(part[1:-1]) if part.startswith("[") else part
                 for part in re.findall(_KEY_PART, key))  # fmt: skip


_KEY_PART = r"\[\d+\]|[^.\[\]]+"  # compiled where first used (re keeps it)


def number_setting(value: object) -> float | None:
    """A setting's number as a finite float: an int, a float, or the ``Decimal`` okrdesk
    reads ``2.5`` in okrdesk.toml as; None for anything else (``true``, text), and for
    what is not finite or no float can hold (``nan``, a 400-digit integer)."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def settings_problems(plugin: str, messages: Iterable[str | Said]) -> list[SettingsProblem]:
    """Each of ``messages`` at the key it begins with (under ``sources.<plugin>``), the
    metric it names (in parentheses after the key) put in front of what is wrong; a
    message that names no key is about the table as a whole. A ``Said`` gives its
    Chinese too, begun with the same key."""
    keyed = re.compile(
        rf"sources\.{re.escape(plugin)}((?:\.[\w-]+|\[\d+\])*)(?: \((.*?)\))?: (.*)", re.DOTALL
    )
    found = []
    for given in messages:
        text, zh = given if isinstance(given, Said) else (given, "")
        match = keyed.fullmatch(text)
        if match is None:
            found.append(SettingsProblem("", text, zh=zh))
            continue
        key, name, message = match.groups()
        # The Chinese begins with the same key, then ": " or a full-width "："
        prefix = text[: match.start(3)].removesuffix(": ")
        said = (
            zh.removeprefix(prefix).removeprefix(": ").removeprefix("：")
            if zh.startswith(prefix)
            else zh
        )
        found.append(SettingsProblem(
            key.removeprefix("."),
            f"metric {name}: {message}" if name else message,
            zh=f"指标 {name}：{said}" if name and zh else said,
        ))  # fmt: skip
    return found
