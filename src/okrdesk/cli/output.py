"""The one way commands print: no control character from user text reaches a terminal.

Target files, notes, plugin messages and file names can hold escape
sequences, carriage returns or bidi overrides; each line is printed with
those written as visible escapes, so nothing can forge a line of output or
steer the terminal.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

import click

from okrdesk.errors import Said, printable
from okrdesk.interrupted import if_stopped

WROTE = Said("Wrote {path}.", "已写入 {path}。")


def if_stopped_written_whole_or_not(path: Path) -> None:
    """What a stop from here on keeps of ``path``, a file written through a temporary one
    that takes its place only once whole (``okrdesk.files``)."""
    if_stopped(f"{path} is as it was, or written whole", f"{path} 保持原样，或已完整写出")


def say(text: str = "", *, err: bool = False) -> None:
    """Print ``text`` (one or more lines) with a newline, made safe to show."""
    click.echo("\n".join(printable(line) for line in text.split("\n")), err=err)


def say_folded(text: str, column: int, width: int | None, *, err: bool = False) -> None:
    """Print ``text`` (one or more lines) made safe to show, each line then folded to
    ``width`` cells with the lines after its first indented to ``column`` (``None``: as
    it is); on standard error with ``err``. Escaped before folding, so that an escape
    pasted into a name, shown as ``\\x1b``, is counted at the width it is shown; a tab,
    shown as it is, is the spaces to the next stop of eight it takes on a terminal."""
    from okrdesk.report.folded_lines import folded

    shown = [_tabs_expanded(printable(line)) for line in text.split("\n")]
    if width is not None:
        shown = [part for line in shown for part in folded(line, column, width)]
    click.echo("\n".join(shown), err=err)


def _tabs_expanded(line: str) -> str:
    """``line`` with each tab the spaces a terminal moves it by, counted in cells (a
    Chinese character takes two), where ``str.expandtabs`` counts characters."""
    if "\t" not in line:
        return line
    from okrdesk.messages import display_width

    expanded = ""
    for index, piece in enumerate(line.split("\t")):
        if index:
            expanded += " " * (8 - display_width(expanded) % 8)
        expanded += piece
    return expanded


def at_a_terminal() -> bool:
    """Whether the command's output is shown on a terminal, where lines fold to its width.
    Piped (to grep, a file, cron's log), check keeps each alert a line, as tools read it;
    explain folds at 80 columns (``folded_lines.piped_width``)."""
    try:
        return sys.stdout is not None and sys.stdout.isatty()
    except (AttributeError, ValueError):  # a stream closed or replaced
        return False


def say_data(text: str) -> None:
    """Print data meant for another program (JSON, CSV): as it is when piped,
    made safe to show when standard output is a terminal."""
    if sys.stdout.isatty():
        text = "\n".join(printable(line) for line in text.split("\n"))
    click.echo(text, nl=False)


def say_wrote(path: Path, lang: str, *, err: bool = False) -> None:
    """Say, in ``lang``, that the file ``path`` was written."""
    say(WROTE.text(lang).format(path=path), err=err)


def led(lead: str, text: str) -> str:
    """``text`` after ``lead`` (``warning: ``), its further lines under its first: a
    plugin's warning of two lines read as a warning and a line of okrdesk's own."""
    from okrdesk.messages import display_width

    return lead + text.replace("\n", "\n" + " " * display_width(lead))


def say_warnings(notes: Iterable[Said], lang: str) -> None:
    """Each of ``notes`` as a warning on standard error, in ``lang``: beside a report or
    a check's alerts, never inside what a program reads from standard output."""
    warned = "警告：" if lang == "zh" else "warning: "
    for note in notes:
        say(led(warned, note.text(lang)), err=True)
