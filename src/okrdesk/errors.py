"""Errors a user can cause and fix, and how they are reported.

Anything a user can fix is an ``OkrdeskError``: the CLI prints it without a
traceback and exits with its ``exit_code``. Problems found in target files are
collected as ``Problem`` values, so a run can report all of them at once.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import TYPE_CHECKING, NamedTuple, Protocol, runtime_checkable

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


@runtime_checkable
class Sayable(Protocol):
    """What a message's parameter may be besides a plain value: something it writes in
    the reader's language when it is shown (a ``Said``, an amount of money, which the
    English text report writes with ¥ where the other formats write CNY)."""

    def text(self, lang: str) -> str: ...


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
