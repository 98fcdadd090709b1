"""A table written inline, ``tables = { sales = "data/sales.csv" }``, then added to by a
header below it (``[sources.sql.tables.calls]``) or a dotted key (``tables.calls = ...``).

TOML closes an inline table where it ends: nothing may be added to it later. tomllib
says "Cannot declare ... twice" or "Cannot mutate immutable namespace", at the header,
which sends a reader looking for a second header that is not there. This names the line
where the table was written inline and shows it with the new entry inside.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from okrdesk.targets.toml_text import (
    header_of,
    matching_end,
    table_of_line,
    toml_lines,
    walk,
    without_comment,
)

if TYPE_CHECKING:
    from okrdesk.errors import Said

_KEY = r"""(?:[A-Za-z0-9_-]+|"[^"\n]*"|'[^'\n]*')"""
_DOTTED = re.compile(rf"\s*({_KEY}(?:\s*\.\s*{_KEY})*)\s*=")
_ENTRY = re.compile(rf"\s*{_KEY}(?:\s*\.\s*{_KEY})*\s*=\s*\S")
_PARTS = re.compile(_KEY)
LONGEST_SHOWN = 120
"""An inline table shown with its new entry is longer than this is described in words."""


def _path_of(table: str) -> list[str]:
    return _parts(table) if table else []


def _parts(dotted: str) -> list[str]:
    return [p[1:-1] if p[:1] in "\"'" else p for p in _PARTS.findall(dotted)]


def inline_added_to(text: str, error_line: int) -> tuple[int, Said] | None:
    """For a header or dotted key at ``error_line`` that adds to a table written earlier
    as an inline table, or with dotted keys, where that was and what to write; else None."""

    lines = toml_lines(text)
    here = lines[error_line - 1] if 0 < error_line <= len(lines) else ""
    header = header_of(here)
    value = ""
    if header is not None:
        added = _parts(header[1])
    else:
        dotted = _DOTTED.match(here)
        if dotted is None:
            return None
        value = without_comment(here[dotted.end() :]).strip()
        added = [*_path_of(table_of_line(text, error_line)), *_parts(dotted[1])]
    table, found = "", None
    # The last one above: an earlier item of a list of tables ([[objectives.key_results]])
    # may write the same table inline, rightly.
    for index, line in enumerate(lines[: error_line - 1]):
        above = header_of(line)
        if above is not None:
            table = above[1]
            continue
        written = _DOTTED.match(line)
        if written is None:
            continue
        path = [*_path_of(table), *_parts(written[1])]
        inline = line[written.end() :].lstrip().startswith("{")
        if inline and path == added[: len(path)]:
            end = len(path)
            if header is None:
                entry: str | None = f"{'.'.join(_key(k) for k in added[end:])} = {value}"
            else:
                entries = _entries_below(lines, error_line)
                entry = _entry(added[end:], header[0], entries) if entries else None
            found = _inline_said(index + 1, line, written.end(), added, end, entry, header)
            continue
        array = line[written.end() :].lstrip().startswith("[")
        if header is not None and header[0] and path == added and array:
            found = _array_said(index + 1, line, header[1])
            continue
        # A header that names a table a dotted key began: not one it is written in.
        begun = len(_path_of(table)) < len(added) < len(path)
        if header is not None and begun and path[: len(added)] == added:
            found = _dotted_said(index + 1, line, path, len(added), here)
    return None if found is None else (error_line, found)


def _entries_below(lines: list[str], header_line: int) -> list[str] | None:
    """The key = value lines below the header at ``header_line``, each whole on its own
    line; None where one is not (a value over several lines, a second header is fine)."""

    entries = []
    for line in lines[header_line:]:
        bare = line.strip()
        if not bare or bare.startswith("#"):
            continue
        if header_of(line) is not None or bare.startswith("["):
            break
        state, _ = walk(line)
        if state.string_line is not None or state.brackets or not _ENTRY.match(line):
            return None
        entries.append(without_comment(bare).rstrip())
    return entries


def _inline_said(
    at: int,
    line: str,
    after_key: int,
    added: list[str],
    end: int,
    entry: str | None,
    header: tuple[bool, str] | None,
) -> Said:
    """Where ``added[:end]`` was written inline (line ``at``), and that line as it would
    be written with ``entry``, the later line's, inside it."""
    from okrdesk.errors import Said

    name = ".".join(added[:end])
    inline = without_comment(line.strip()).rstrip()
    if header is None:
        what, what_zh = "this line", "这一行"
    else:
        what = f"[[{header[1]}]]" if header[0] else f"[{header[1]}]"
        what_zh = f" {what} "
    first = (f"{name} was already written as an inline table at line {at} ({inline}), "
             f"and TOML closes an inline table where it ends")  # fmt: skip
    first_zh = f"{name} 已在第 {at} 行写成了内联表（{inline}），TOML 的内联表写完就不能再加"
    below, below_zh = (" and the lines below it", "及其下面的行") if header else ("", "")
    parent = ".".join(added[: end - 1])
    headed = f", below the keys of [{parent}]" if parent else ""
    headed_zh = f"（写在 [{parent}] 的各个键之后）" if parent else ""
    brace = line.index("{", after_key)
    close = matching_end(line, brace)
    if entry is not None and line[close - 1 : close] == "}":
        inside = line[brace + 1 : close - 1].strip().rstrip(",").strip()
        joined = f"{{ {inside}, {entry} }}" if inside else f"{{ {entry} }}"
        shown = (line[:brace] + joined).strip()
        if len(shown) <= LONGEST_SHOWN:
            return Said(
                f"{first}: either add the entry inside it, writing line {at} as {shown} and "
                f"deleting {what}{below}, or delete line {at} and write every entry of {name} "
                f"one a line under a [{name}] header of its own{headed}",
                f"{first_zh}：要么把这一项加进内联表，把第 {at} 行写成 {shown}，并删掉"
                f"{what_zh}{below_zh}；要么删掉第 {at} 行，在单独的 [{name}] 表头下把 "
                f"{name} 的每一项各写一行{headed_zh}",
            )
    return Said(
        f"{first}: either add what {what} writes inside that inline table, or delete line "
        f"{at} and write every entry of {name} one a line under a [{name}] header of its "
        f"own{headed}",
        f"{first_zh}：要么把{what_zh}写的内容加进那个内联表，要么删掉第 {at} 行，"
        f"在单独的 [{name}] 表头下把 {name} 的每一项各写一行{headed_zh}",
    )


def _entry(rest: list[str], listed: bool, entries: list[str]) -> str:
    """The entries below a header as one entry of the inline table above: ``calls =
    { path = "b.csv" }`` for ``[x.tables.calls]``, ``calls = "b.csv"`` for ``[x.tables]``."""
    if not rest:
        return ", ".join(entries)
    body = "{ " + ", ".join(entries) + " }" if entries else "{}"
    if listed:
        body = f"[{body}]"
    return f"{_key(rest[0])} = " + _nested(rest[1:], body)


def _nested(rest: list[str], body: str) -> str:
    for key in reversed(rest):
        body = f"{{ {_key(key)} = {body} }}"
    return body


def _key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else f'"{key}"'


def _dotted_said(at: int, line: str, path: list[str], end: int, here: str) -> Said:
    """A table begun with a dotted key (``tables.sales = "a.csv"``), then given a header:
    ``path`` is the dotted key's whole path, its first ``end`` parts the header's."""
    from okrdesk.errors import Said

    name = ".".join(path[:end])
    written = _DOTTED.match(line)
    assert written is not None
    value = without_comment(line[written.end() :]).strip()
    moved = f"{'.'.join(_key(k) for k in path[end:])} = {value}"
    return Said(
        f"{here.strip()} declares {name}, which line {at} already began with a dotted key "
        f"({line.strip()}): move that entry below this header, written as {moved}, and "
        f"delete line {at}",
        f"{here.strip()} 声明了 {name}，但第 {at} 行已用带点的键开始写它（{line.strip()}）："
        f"请把这一项移到此表头下，写作 {moved}，并删掉第 {at} 行",
    )


def _array_said(at: int, line: str, name: str) -> Said:
    """``lines = [{ ... }]`` written inline, then a ``[[budget.lines]]`` header below it."""
    from okrdesk.errors import Said

    inline = without_comment(line.strip()).rstrip()
    if len(inline) > LONGEST_SHOWN:
        inline = inline[: LONGEST_SHOWN - 3] + "..."
    return Said(
        f"{name} was already written as an inline array at line {at} ({inline}), and TOML "
        f"closes an array where it ends: write each of its items as a [[{name}]] table of its "
        f"own, with its keys one a line below it, and delete line {at}",
        f"{name} 已在第 {at} 行写成了内联数组（{inline}），TOML 的数组写完就不能再加："
        f"请把其中每一项都改写成单独的 [[{name}]] 表，表头下每行一个键，并删掉第 {at} 行",
    )
