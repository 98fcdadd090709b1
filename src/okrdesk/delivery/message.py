"""What is delivered, and how it is cut to fit a channel's size limit."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import attrs

MAX_PARTS = 10
"""Never more messages than this for one send to one channel; the rest is cut."""

FIGURES_MOST = 40
"""Characters after a line's last " · " kept whole when the line is cut: a figure with
its label, not a sentence."""

_HEADING = re.compile(r"#{1,6} ")
_LEAD = re.compile(r"^(?:#{1,6} |> ?)")
_CODE = re.compile(r"(?<!\\)`([^`]+)`")
"""Inline code (`okrdesk checkin …`), its text inside the backticks."""
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


@attrs.frozen
class Message:
    """The summary as Markdown lines, and the full report that goes with it."""

    title: str
    lines: tuple[str, ...]
    attachment: Path | None = None
    """The full HTML report: attached to an email, named in a chat message."""
    where: str = ""
    """The line that says where the full report is, for chat (already in ``lines``)."""
    attached: str = ""
    """What email says instead of ``where``: that the report is attached."""
    cut_note: str = "…"
    """A line saying the rest was cut, pointing at the full report."""


def fit(lines: tuple[str, ...], fits: Callable[[str], bool], cut_note: str) -> list[str]:
    """``lines`` as the fewest parts that each ``fits``, at most ``MAX_PARTS``.

    Parts break between lines; a line too long for any part is cut short with
    "…". When more would be needed, the last part ends with ``cut_note``.
    Each part of several is numbered "(k/n)" where Markdown keeps its shape
    (``marked``).
    """
    room = _with_room_for_marker(fits)
    parts = _parts(lines, room)
    if len(parts) > MAX_PARTS:
        parts = parts[:MAX_PARTS]
        last = parts[-1]
        while last and not room("\n".join([*last, cut_note])):
            last.pop()
        last.append(cut_note)
    if len(parts) == 1:
        return ["\n".join(parts[0])]
    return [marked(part, k, len(parts)) for k, part in enumerate(parts, 1)]


def marked(part: list[str], k: int, n: int) -> str:
    """A part numbered "(k/n)": at the end of the heading it begins with, else on a
    line of its own above it. A heading or list item must begin its line, so the
    number never goes in front of one."""
    marker = f"({k}/{n})"
    if part and _HEADING.match(part[0]):
        return "\n".join([f"{part[0]} {marker}", *part[1:]])
    return "\n".join([marker, "", *part])


def _parts(lines: tuple[str, ...], fits: Callable[[str], bool]) -> list[list[str]]:
    """The lines in parts that each fit, none beginning or ending with a blank line."""
    parts: list[list[str]] = [[]]
    for line in lines:
        line = _shortened(line, fits)
        if parts[-1] and not fits("\n".join([*parts[-1], line])):
            parts.append(_heading_carried(parts[-1], line, fits))
        if parts[-1] or line.strip():
            parts[-1].append(line)
    for part in parts:
        while part and not part[-1].strip():
            part.pop()
    return [part for part in parts if part] or [[]]


_BOLD_HEADING = re.compile(r"\*\*[^*]+\*\*")


def _heading_carried(part: list[str], line: str, fits: Callable[[str], bool]) -> list[str]:
    """The next part's start: the heading ``part`` ends with (``**需要关注**``), taken from
    it, so that a part does not end on a heading whose items are all in the next (it
    read as nothing needing attention); nothing where the heading is all the part has."""
    content = [n for n, text in enumerate(part) if text.strip()]
    if len(content) < 2:
        return []
    last = content[-1]
    heading = part[last]
    if not (_HEADING.match(heading) or _BOLD_HEADING.fullmatch(heading)):
        return []
    if not fits("\n".join([heading, "", line])):
        return []
    del part[last:]
    return [heading]


def _with_room_for_marker(fits: Callable[[str], bool]) -> Callable[[str], bool]:
    # The longest marker, on a line of its own: never shorter than at a heading's end.
    widest = f"({MAX_PARTS}/{MAX_PARTS})\n\n"
    return lambda text: fits(widest + text)


def _shortened(line: str, fits: Callable[[str], bool]) -> str:
    """The line, or as much of it as fits cut with "…": from its text, keeping a short
    last " · " field whole (an objective's "· 综合得分 96.8%"), else from its end."""
    if fits(line):
        return line
    text, separator, figures = line.rpartition(" · ")
    kept = separator + figures
    if separator and len(figures) <= FIGURES_MOST and fits("…" + kept):
        return _cut(text, lambda head: fits(head + kept)) + kept
    return _cut(line, fits)


def _cut(text: str, fits: Callable[[str], bool]) -> str:
    """The longest start of ``text`` that, ended with "…", ``fits``."""
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if fits(_ended(text[:middle])):
            low = middle
        else:
            high = middle - 1
    return _ended(text[:low])


def _ended(head: str) -> str:
    """``head`` and "…", still the Markdown it was: an escaping backslash cut from
    what it escaped is dropped (it would show), and bold left open is closed."""
    trailing = len(head) - len(head.rstrip("\\"))
    if trailing % 2 or (head.endswith("*") and not head.endswith(("**", "\\*"))):
        head = head[:-1]
    return head + "…" + ("**" if head.count("**") % 2 else "")


def plain(line: str) -> str:
    """A Markdown line as plain text shows it (a Feishu post, an email): no markup, no
    escapes, and inline code without its backticks, kept as written."""
    pieces = _CODE.split(_LEAD.sub("", line))
    return "".join(
        piece if n % 2 else _ESCAPE.sub(r"\1", piece.replace("**", ""))
        for n, piece in enumerate(pieces)
    )
