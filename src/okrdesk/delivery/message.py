"""What is delivered, and how it is cut to fit a channel's size limit."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import attrs

MAX_PARTS = 10
"""Never more messages than this for one send to one channel; the rest is cut."""


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
    Each part of several begins "(k/n)".
    """
    room = _labelled(fits, "(10/10) ")
    parts: list[list[str]] = [[]]
    for line in lines:
        line = _shortened(line, room)
        if parts[-1] and not room("\n".join([*parts[-1], line])):
            parts.append([])
        parts[-1].append(line)
    if len(parts) > MAX_PARTS:
        parts = parts[:MAX_PARTS]
        last = parts[-1]
        while last and not room("\n".join([*last, cut_note])):
            last.pop()
        last.append(cut_note)
    texts = ["\n".join(part) for part in parts]
    if len(texts) == 1:
        return texts
    return [f"({k}/{len(texts)}) {text}" for k, text in enumerate(texts, 1)]


def _labelled(fits: Callable[[str], bool], label: str) -> Callable[[str], bool]:
    return lambda text: fits(label + text)


def _shortened(line: str, fits: Callable[[str], bool]) -> str:
    if fits(line):
        return line
    low, high = 0, len(line)
    while low < high:
        middle = (low + high + 1) // 2
        if fits(line[:middle] + "…"):
            low = middle
        else:
            high = middle - 1
    return line[:low] + "…"
