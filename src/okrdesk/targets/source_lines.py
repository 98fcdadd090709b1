"""The source line under a problem, with a caret under its column, as compilers show it."""

from __future__ import annotations

import re
from pathlib import Path

from okrdesk.errors import Problem, printable
from okrdesk.messages import display_width
from okrdesk.targets.settings import SETTINGS_FILE

INDENT = "    "
WIDEST = 100
"""Characters of a long line shown around the column."""

_COLUMN = re.compile(r"\(column (\d+)\)")
_QUOTED = re.compile(r'"([^"]*)"')
_ITEM = re.compile(r"\[([^\]]*)\]$")


class SourceLines:
    """Reads each file once and points at a problem's column."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._files: dict[str, list[str] | None] = {}

    def pointer(self, problem: Problem) -> list[str]:
        """Two lines, indented: the source line and a caret under the column; none when
        the problem has no line or its file cannot be read as text."""
        lines = self._lines(problem.file)
        if lines is None or not 0 < problem.line <= len(lines):
            return []
        text = lines[problem.line - 1].rstrip("\r\n").replace("\t", " ")
        if Path(problem.file).name == SETTINGS_FILE:
            text = masked(text)
        column = column_of(problem, text)
        start = max(0, min(column - 1 - WIDEST // 2, len(text) - WIDEST))
        shown = ("…" if start else "") + text[start : start + WIDEST]
        shown += "…" if start + WIDEST < len(text) else ""
        before = ("…" if start else "") + text[start : column - 1]
        pad = " " * display_width(printable(before))
        return [f"{INDENT}{printable(shown)}", f"{INDENT}{pad}^"]

    def _lines(self, name: str) -> list[str] | None:
        if name not in self._files:
            path = self.root / name
            try:
                raw = path.read_bytes() if path.is_file() else None
                text = None if raw is None else raw.decode("utf-8-sig")
            except (OSError, UnicodeDecodeError):
                text = None
            self._files[name] = None if text is None else text.split("\n")
        return self._files[name]


_SECRET_NAME = re.compile(r"url|webhook|secret|password|passwd|token|key", re.IGNORECASE)
_ASSIGNMENT = re.compile(r"^(\s*[^=#\s][^=#]*?=\s*)(\S.*)$")


def masked(line: str) -> str:
    """A settings line with a value that may be a secret (a URL, or the value of a key
    named like one) shown as ***: a problem's message may be pasted anywhere."""
    found = _ASSIGNMENT.match(line)
    if found is None:
        return line
    key, value = found.groups()
    if "://" in value or _SECRET_NAME.search(key):
        return f"{key}***"
    return line


def column_of(problem: Problem, text: str) -> int:
    """The 1-based column a problem is at: the column a syntax error names, else where
    the problem's key (or the id of the item it names) is written, else the first
    character of the line. A value the message quotes ("new_hnw_client") is pointed at
    where it is written after the key's = sign."""
    named = _COLUMN.search(problem.message)
    if named:
        return max(1, min(int(named.group(1)), len(text) + 1))
    for quoted in _QUOTED.findall(problem.message):
        at = text.find(f'"{quoted}"', text.find("=") + 1) if "=" in text else -1
        if quoted and at >= 0:
            return at + 1
    last = problem.key.rsplit(".", 1)[-1] if problem.key else ""
    item = _ITEM.search(last)
    if item and item.group(1).isdigit():
        element = _element_at(text, last[: item.start()], int(item.group(1)))
        if element is not None:
            return element + 1
    candidates = [last[: item.start()], item.group(1)] if item else [last]
    if item is None and "." in problem.key:
        parent = _ITEM.search(problem.key.rsplit(".", 1)[0])
        candidates.append(parent.group(1) if parent else "")
    for word in candidates:
        if not word:
            continue
        found = re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text)
        if found:
            return found.start() + 1
    return len(text) - len(text.lstrip()) + 1


def _element_at(text: str, key: str, index: int) -> int | None:
    """Where the ``index``-th element of the inline array ``key = [...]`` on the line
    ``text`` begins (0-based), None where the line holds no such element (an array over
    several lines, or fewer elements): ``people_left = ["a", 3]``'s 3, not the key."""
    found = re.search(rf"(?<![\w-]){re.escape(key)}\s*=\s*\[", text) if key else None
    if found is None:
        return None
    at, depth, quote, count = found.end(), 1, "", 0
    start = at
    while at < len(text):
        char = text[at]
        if quote:
            if char == "\\" and quote == '"':
                at += 1
            elif char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
            if depth == 0:
                break
        elif char == "," and depth == 1:
            if count == index:
                break
            count, start = count + 1, at + 1
        elif char == "#":
            break
        at += 1
    while start < at and text[start] == " ":
        start += 1
    return start if count == index and start < at else None
