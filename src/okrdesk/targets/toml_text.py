"""A target file's text as TOML reads it, read without tomllib: where strings, comments and
brackets open and close, the lines as TOML counts them, and the header above a line. The
syntax checks (``syntax``) and the advice on a line (``placed_advice``, ``inline_added_to``,
``syntax_habits``) read the text through these."""

from __future__ import annotations

import re
from collections.abc import Iterator

import attrs

MAX_DEPTH = 200
"""Arrays and inline tables nested deeper than this are refused."""


@attrs.define
class OpenAt:
    """Where the text stands at one offset: open strings and brackets."""

    string_line: int | None = None
    brackets: list[tuple[str, int, int]] = attrs.Factory(list)
    """(bracket, line, offset) of every array or inline table still open."""


def line_at(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def walk(text: str, upto: int | None = None) -> tuple[OpenAt, list[tuple[int, int]]]:
    """Scan up to ``upto``; also return the (start, end) spans nested too deep."""
    end = len(text) if upto is None else min(upto, len(text))
    state = OpenAt()
    deep: list[tuple[int, int]] = []
    i, line, at_line_start = 0, 1, True
    while i < end:
        ch = text[i]
        if ch == "\n":
            line += 1
            at_line_start = True
            i += 1
            continue
        if ch in " \t\r":
            i += 1
            continue
        if ch == "#":
            newline = text.find("\n", i)
            i = end if newline < 0 else newline
            continue
        if ch in "\"'":
            closed, i, line = skip_string(text, i, line, end)
            if not closed:
                state.string_line = line if state.string_line is None else state.string_line
                return state, deep
            at_line_start = False
            continue
        if ch == "[" and at_line_start and not state.brackets:
            close = text.find("]", i)
            newline = text.find("\n", i)
            if close >= 0 and (newline < 0 or close < newline):
                i = close + 1 + (text[close + 1 : close + 2] == "]")
                at_line_start = False
                continue
        if ch in "[{":
            state.brackets.append((ch, line, i))
            if len(state.brackets) == MAX_DEPTH + 1:
                outer = state.brackets[0][2]
                finish = matching_end(text, outer)
                deep.append((outer, finish))
                i, line = finish, line_at(text, finish)
                state.brackets.clear()
                continue
        elif ch in "]}" and state.brackets:
            state.brackets.pop()
        at_line_start = False
        i += 1
    return state, deep


def skip_string(text: str, i: int, line: int, end: int) -> tuple[bool, int, int]:
    """Skip the string starting at ``i``: (closed?, index after it, line after it)."""
    quote = text[i]
    start_line = line
    if text.startswith(quote * 3, i):
        j = i + 3
        while j < end:
            if quote == '"' and text[j] == "\\":
                j += 2
                continue
            if text.startswith(quote * 3, j):
                j += 3
                while j < end and text[j] == quote:
                    j += 1
                return True, j, start_line + text.count("\n", i, j)
            j += 1
        return False, end, start_line
    j = i + 1
    while j < end and text[j] != "\n":
        if quote == '"' and text[j] == "\\":
            j += 2
            continue
        if text[j] == quote:
            return True, j + 1, start_line
        j += 1
    return False, j, start_line


def outside_strings(text: str, start: int = 0) -> Iterator[int]:
    """Indices of the characters that are TOML syntax: not in a string or a comment."""
    i = start
    while i < len(text):
        ch = text[i]
        if ch in "\"'":
            _, i, _ = skip_string(text, i, 0, len(text))
        elif ch == "#":
            newline = text.find("\n", i)
            i = len(text) if newline < 0 else newline
        else:
            yield i
            i += 1


def matching_end(text: str, start: int) -> int:
    """The index just after the bracket that closes the one at ``start`` (or the end)."""
    depth = 0
    for i in outside_strings(text, start):
        if text[i] in "[{":
            depth += 1
        elif text[i] in "]}":
            depth -= 1
            if depth == 0:
                return i + 1
    return len(text)


_KEY_PART = r"""[A-Za-z0-9_-]+|"(?:[^"\\\n]|\\.)*"|'[^'\n]*'"""
_HEADER = re.compile(
    rf"""\s*(\[\[?)\s*((?:{_KEY_PART})(?:\s*\.\s*(?:{_KEY_PART}))*)\s*\]\]?\s*(?:#.*)?$"""
)
_BARE = re.compile(r"[A-Za-z0-9_-]+")


def header_of(line: str) -> tuple[bool, str] | None:
    """(an array of tables?, its dotted name) for a table header line, else None. The
    name is written as ``dotted_key`` writes it: ``["people"]`` is ``[people]``, and
    ``[targets."a b"]`` keeps the quotes its key needs."""
    found = _HEADER.match(line)
    if found is None:
        return None
    parts = [_unquoted(part) for part in re.findall(_KEY_PART, found.group(2))]
    return found.group(1) == "[[", dotted_key(parts)


def dotted_key(parts: list[str]) -> str:
    """A key path as TOML writes it: each key bare where it can be, else in quotes."""
    return ".".join(part if _BARE.fullmatch(part) else _quoted(part) for part in parts)


def _quoted(key: str) -> str:
    return '"' + key.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _unquoted(part: str) -> str:
    if part[:1] == "'":
        return part[1:-1]
    if part[:1] == '"':
        return re.sub(r"\\(.)", r"\1", part[1:-1])  # \" and \\ as the key reads
    return part


FULL_WIDTH = {
    "，": ",", "：": "=", "＝": "=", "［": "[", "］": "]", "｛": "{", "｝": "}", "＂": '"',
    "＇": "'", "＃": "#", "．": ".", "。": ".", "、": ",", "；": ",", "－": "-", "＋": "+",
    "【": "[", "】": "]", "　": "a plain space",
}  # fmt: skip
FULL_WIDTH.update({chr(0xFF10 + d): str(d) for d in range(10)})
FULL_WIDTH.update({chr(0xFF21 + i): chr(0x41 + i) for i in range(26)})  # Ａ-Ｚ
FULL_WIDTH.update({chr(0xFF41 + i): chr(0x61 + i) for i in range(26)})  # ａ-ｚ


def without_comment(text: str) -> str:
    """``text`` up to a ``#`` that is not inside quotes."""
    quote = ""
    for at, char in enumerate(text):
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char == "#":
            return text[:at]
    return text


def table_of_line(text: str, line: int) -> str:
    """The dotted name of the table ``line`` is written in (``objectives.key_results``),
    by the nearest header above it; "" above every header."""
    lines = toml_lines(text)
    above = header_above(lines, line)
    header = None if above is None else header_of(lines[above - 1])
    return "" if header is None else header[1]


def header_above(lines: list[str], line: int) -> int | None:
    """The line of the nearest table header above ``line`` of ``lines`` (``toml_lines``);
    None above every header."""
    for above in range(min(line, len(lines) + 1) - 1, 0, -1):
        if header_of(lines[above - 1]) is not None:
            return above
    return None


def offset_of_line(text: str, line: int) -> int:
    offset = 0
    for _ in range(line - 1):
        newline = text.find("\n", offset)
        if newline < 0:
            return len(text)
        offset = newline + 1
    return offset


def line_text(text: str, line: int) -> str:
    lines = toml_lines(text)
    return lines[line - 1] if 0 < line <= len(lines) else ""


def toml_lines(text: str) -> list[str]:
    """The lines of ``text`` as TOML counts them: ended by \n (or \r\n) alone, where
    ``str.splitlines`` also ends one at a line separator (U+2028, pasted from a chat
    into a comment) and would count every line after it one too many."""
    return [line.removesuffix("\r") for line in text.split("\n")]
