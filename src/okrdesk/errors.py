"""Errors a user can cause and fix, and how they are reported.

Anything a user can fix is an ``OkrdeskError``: the CLI prints it without a
traceback and exits with its ``exit_code``. Problems found in target files are
collected as ``Problem`` values, so a run can report all of them at once.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from pathlib import Path

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2


_SHOWN_AS_IS = {"\t"}


def printable(text: str) -> str:
    """Text safe to print on one line of a terminal.

    Control and format characters (newlines, escape sequences, carriage
    returns, bidi overrides) and line separators are written as escapes, so
    text from a file can neither forge a line of output nor steer the
    terminal.
    """
    if text.isprintable():
        return text
    return "".join(
        ch
        if ch in _SHOWN_AS_IS or unicodedata.category(ch) not in ("Cc", "Cf", "Zl", "Zp")
        else ch.encode("unicode_escape").decode("ascii")
        for ch in text
    )


class Said(NamedTuple):
    """A message okrdesk writes in English and in Chinese: the command that shows it
    chooses (``text``)."""

    en: str
    zh: str

    def text(self, lang: str) -> str:
        return self.zh if lang == "zh" and self.zh else self.en


class Problem(NamedTuple):
    """One mistake in a file, located as precisely as the file allows.

    A NamedTuple rather than attrs: this module is imported by ``okrdesk
    --help``, which must stay instant.
    """

    file: str
    line: int
    key: str
    message: str
    zh: str = ""
    """The message in Chinese; empty where there is one wording only (a plugin's own)."""

    def __str__(self) -> str:
        return self.text("en")

    def text(self, lang: str) -> str:
        """FILE:LINE: key.path: message, the message in ``lang`` where it has one."""
        message = self.zh if lang == "zh" and self.zh else self.message
        where = f"{self.file}:{self.line}" if self.line else self.file
        return printable(f"{where}: {self.key}: {message}" if self.key else f"{where}: {message}")


class OkrdeskError(Exception):
    """An error the user can act on; shown as a message, never a traceback."""

    exit_code = EXIT_FAILED

    def __init__(self, message: str | Said) -> None:
        """``message`` in English, or ``Said`` in both languages: the command that
        reports the error says it in its own (``said_in``)."""
        said = message if isinstance(message, Said) else Said(message, "")
        super().__init__(said.en)
        self.message = said.en
        self.said = said

    def said_in(self, lang: str) -> str:
        """The message in ``lang`` where it was given in both, else the one there is; a
        kind of error may word itself otherwise."""
        return self.said.text(lang)


class BadInput(OkrdeskError):
    """The user's input (files, options, arguments) is wrong."""

    exit_code = EXIT_BAD_INPUT


class NoStoreYet(BadInput):
    """A store opened to read holds nothing yet: no SQLite file, no okrdesk tables."""


def no_store_yet(location: object) -> Said:
    """What a command that reads the store says when there is none yet at ``location``."""
    return Said(
        f"{location}: no database yet: nothing was collected or checked in; run `okrdesk "
        "collect` (or `okrdesk checkin`) first",
        f"{location}：还没有数据库：尚未采集或打卡；"
        "请先运行 `okrdesk collect`（或 `okrdesk checkin`）",
    )


def seconds_from_environment(name: str, default: float, *, above_zero: bool) -> float:
    """The seconds ``$name`` sets (a time limit, a wait); ``default`` where it is unset or
    empty. A value that is no number of seconds (``10m``, ``abc``, ``inf``), or is below
    0, or is 0 for a limit ``above_zero`` (0 and -1 mean "no limit" to other tools), is
    refused naming it, rather than passed over for the default unsaid or made a limit
    no one wrote."""
    import math
    import os

    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        seconds = float(raw)
    except ValueError:
        seconds = math.nan
    if math.isfinite(seconds) and (seconds > 0 or (seconds == 0 and not above_zero)):
        return seconds
    floor_en, floor_zh = ("above 0", "大于 0 的") if above_zero else ("of 0 or more", "0 或更大的")
    raise BadInput(Said(
        f"${name} is {raw!r}: give it a number of seconds {floor_en} (600 is ten minutes; "
        f"{default:g} when unset)",
        f"${name} 的值 {raw!r} 不可用：请写{floor_zh}秒数（十分钟写 600；不设时为 {default:g}）",
    ))  # fmt: skip


class ValidationFailed(BadInput):
    """Target files hold one or more problems."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(set(problems))
        super().__init__(self.said_in("en"))

    def said_in(self, lang: str) -> str:
        count = len(self.problems)
        if lang == "zh":
            found = f"共 {count} 处问题。"
        else:
            found = f"{count} {'problem' if count == 1 else 'problems'} found."
        return "\n".join([*(problem.text(lang) for problem in self.problems), found])


def display_path(path: Path, root: Path | None = None) -> str:
    """A path as the user would recognise it: relative to the workspace if inside it."""
    if root is not None:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return str(path)
