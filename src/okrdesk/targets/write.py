"""Write changes back into target files, keeping their comments and layout.

Only ``okrdesk split`` writes target files. It edits the one key result it
was asked about with tomlkit, and only that key result's own lines, so
everything else in the file stays byte for byte as the manager wrote it:
comments, a UTF-8 byte-order mark, CRLF line endings, the order of its
tables (tomlkit, given the whole file, moves a ``[[units]]`` written below
``[budget]`` up to the other units), and a key result written as an inline
table (which gets inline tables). The edited text is read back before it is
written; anything that does not read back as asked, or changes more than the
key result's tables, is refused, and the file is left alone.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.exceptions import TOMLKitError
from tomlkit.items import Comment, InlineTable, Item, Table, Whitespace

from okrdesk.errors import Said
from okrdesk.files import write_bytes_atomically

BOM = b"\xef\xbb\xbf"
_BARE_LF = re.compile(r"(?<!\r)\n")


class CannotEdit(Exception):
    """The file cannot be edited in place; the message says why, in English and in
    Chinese (``said``)."""

    def __init__(self, en: str, zh: str = "") -> None:
        super().__init__(en)
        self.said = Said(en, zh)


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _find(items: Any, ident: str, what: str) -> Any:
    for item in items or ():
        if isinstance(item, Mapping) and item.get("id") == ident:
            return item
    zh = "目标" if what == "objective" else "关键结果"
    raise CannotEdit(f"no {what} {ident!r} in the file", f"文件中没有{zh} {ident}")


def set_key_result_tables(
    text: str,
    objective: str,
    key: str,
    members: Mapping[str, Decimal] | None,
    calendar: Mapping[str, Decimal] | None,
) -> str:
    """The file text with the key result's ``members`` and/or ``calendar`` replaced."""
    wanted = {
        name: {member: _number(value) for member, value in values.items()}
        for name, values in (("members", members), ("calendar", calendar))
        if values is not None
    }
    try:
        span = _key_result_span(text, objective, key)
        if span is not None:
            start, end = span
            own = text[start:end]
            document = tomlkit.parse(own)
            kr = document["objectives"]["key_results"][0]
        else:  # a key result written inline: edited in the whole file, where it keeps it
            start, end, own = 0, len(text), text
            document = tomlkit.parse(text)
            found = _find(document.get("objectives"), objective, "objective")
            kr = _find(found.get("key_results"), key, "key result")
        if tomlkit.dumps(document) != own:
            raise CannotEdit("tomlkit would not keep the file's layout; edit it by hand",
                             "tomlkit 无法保持文件中各表原有的次序；请手工修改")  # fmt: skip
        for name, values in wanted.items():
            _set_table(kr, name, values)
        edited = text[:start] + tomlkit.dumps(document) + text[end:]
    except (TOMLKitError, ValueError, TypeError, KeyError) as error:
        raise CannotEdit(f"tomlkit could not edit it ({error})",
                         f"tomlkit 无法修改它（{error}）") from None  # fmt: skip
    _check_reads_back(text, edited, objective, key, wanted)
    return edited


_HEADER = re.compile(r"[ \t]*\[")
_OBJECTIVE = re.compile(r"[ \t]*\[\[[ \t]*objectives[ \t]*\]\]")
_KEY_RESULT = re.compile(r"[ \t]*\[\[[ \t]*objectives[ \t]*\.[ \t]*key_results[ \t]*\]\]")
_ITS_TABLE = re.compile(r"[ \t]*\[[ \t]*objectives[ \t]*\.[ \t]*key_results[ \t]*\.")


def _key_result_span(text: str, objective: str, key: str) -> tuple[int, int] | None:
    """Where the key result's own lines are in ``text``: from its
    ``[[objectives.key_results]]`` header up to the next header that is not one of its
    own tables (members, calendar, milestones); None where it has no such header."""
    starts, offset = [], 0
    for line in text.splitlines(keepends=True):
        if _HEADER.match(line):
            starts.append((offset, line))
        offset += len(line)
    owner_at = None
    for n, (at, line) in enumerate(starts):
        if _OBJECTIVE.match(line):
            owner_at = at
        if owner_at is None or not _KEY_RESULT.match(line):
            continue
        after = (a for a, other in starts[n + 1 :] if not _ITS_TABLE.match(other))
        end = next(after, len(text))
        try:
            found = tomllib.loads(text[owner_at:end])["objectives"][0]
        except (tomllib.TOMLDecodeError, KeyError, IndexError, TypeError):
            continue
        krs = found.get("key_results") if isinstance(found, dict) else None
        if found.get("id") == objective and krs and krs[-1].get("id") == key:
            return at, end
    return None


INLINE_AT_MOST = 100
"""The longest a ``members`` or ``calendar`` written inline (``calendar = { ... }``) is
kept inline, in characters; a longer one (53 weeks, 1,000 characters on one line, which a
reviewer reads as one changed line) becomes a table of its own, one entry a line."""


def _set_table(kr: Any, name: str, values: Mapping[str, int | float]) -> None:
    existing = kr.get(name)
    if isinstance(existing, InlineTable) or (existing is None and isinstance(kr, InlineTable)):
        inline = tomlkit.inline_table()
        inline.update(values)
        if isinstance(kr, InlineTable) or len(f"{name} = {inline.as_string()}") <= INLINE_AT_MOST:
            kr[name] = inline
            return
        del kr[name]
        existing = None
    if isinstance(existing, Table):
        table = existing
        trailing = _take_trailing_trivia(table)
        for old in list(table.keys()):
            if old not in values:
                del table[old]
    elif existing is None and isinstance(kr, Table):
        trailing = _take_trailing_trivia(_last_table(kr))
        table = tomlkit.table()
        kr[name] = table
    else:
        raise CannotEdit(f"{name} is written in a form okrdesk cannot edit; edit it by hand",
                         f"{name} 的写法 okrdesk 无法修改；请手工修改")  # fmt: skip
    for member, value in values.items():
        table[member] = _keeping_comment(table, member, value)
    table.value.body.extend(trailing)


def _keeping_comment(table: Table, key: str, value: int | float) -> Any:
    """``value`` as an item that keeps the comment and spacing of the one it replaces."""
    item = tomlkit.item(value)
    old = table.item(key) if key in table else None
    if isinstance(old, Item):
        for part in ("indent", "comment_ws", "comment", "trail"):
            setattr(item.trivia, part, getattr(old.trivia, part))
        # The comment stays in its column (`huangting = 5    # 黄婷` under `liuyang = 80 ...`),
        # so that the diff shows the figures alone changed.
        spaces = old.trivia.comment_ws
        if old.trivia.comment and spaces.strip(" ") == "":
            moved = len(item.as_string()) - len(old.as_string())
            item.trivia.comment_ws = " " * max(len(spaces) - moved, 1)
    return item


def _check_reads_back(
    text: str, edited: str, objective: str, key: str,
    wanted: Mapping[str, Mapping[str, int | float]],
) -> None:  # fmt: skip
    try:
        data = tomllib.loads(edited)
        kr = _find(_find(data.get("objectives"), objective, "objective").get("key_results"),
                   key, "key result")  # fmt: skip
    except (tomllib.TOMLDecodeError, CannotEdit) as error:
        raise CannotEdit(f"the edited file would not read back ({error})",
                         f"修改后的文件无法读回（{error}）") from None  # fmt: skip
    for name, values in wanted.items():
        if kr.get(name) != dict(values):
            raise CannotEdit(f"{name} would not read back as written; edit it by hand",
                             f"{name} 读回的与写入的不一致；请手工修改")  # fmt: skip
    # Everything else reads as it did: only the key result's tables changed.
    before = tomllib.loads(text)
    own = _find(_find(before.get("objectives"), objective, "objective").get("key_results"),
                key, "key result")  # fmt: skip
    own.update({name: dict(values) for name, values in wanted.items()})
    if before != data:
        raise CannotEdit("the edit would change more than the key result's tables; edit it "
                         "by hand", "这样修改会改动该关键结果的 members、calendar 以外的内容；"
                         "请手工修改")  # fmt: skip


def _last_table(table: Table) -> Table:
    """The table whose body ends the text written for ``table``: its last sub-table
    (members, written before a calendar is added), or the table itself."""
    for key, item in reversed(table.value.body):
        if key is None and isinstance(item, Comment | Whitespace):
            continue
        return _last_table(item) if isinstance(item, Table) else table
    return table


def _take_trailing_trivia(table: Table) -> list[tuple[Any, Any]]:
    """Remove and return the blank lines and comments that end a table's body.

    They are written above the next table (often that table's own comment),
    so a sub-table added here goes before them, not after.
    """
    body = table.value.body
    cut = len(body)
    while cut and body[cut - 1][0] is None and isinstance(body[cut - 1][1], Comment | Whitespace):
        cut -= 1
    trailing = body[cut:]
    del body[cut:]
    return trailing


def edit_key_result_tables(
    raw: bytes,
    objective: str,
    key: str,
    members: Mapping[str, Decimal] | None,
    calendar: Mapping[str, Decimal] | None,
) -> bytes:
    """``set_key_result_tables`` on a file's bytes, keeping its BOM and line endings."""
    bom = raw.startswith(BOM)
    try:
        text = raw[len(BOM) :].decode("utf-8") if bom else raw.decode("utf-8")
    except UnicodeDecodeError:
        raise CannotEdit("it is not UTF-8 text", "它不是 UTF-8 文本") from None
    edited = set_key_result_tables(text, objective, key, members, calendar)
    if "\r\n" in text and not _BARE_LF.search(text):
        # A CRLF file: the lines tomlkit adds get CRLF too. A file that mixes
        # both keeps each old line as it was and gets LF for the new ones.
        edited = _BARE_LF.sub("\r\n", edited)
    return (BOM if bom else b"") + edited.encode("utf-8")


def rewrite(path: Path, data: bytes) -> bytes:
    """Replace the file's bytes atomically; return the old ones so a caller can put them back.

    A target file that is a link (``targets/team-wm3.toml`` → ``../shared/team-wm3.toml``)
    has the file it links to written: replacing the link itself left the shared file
    without the change and the link a copy of it."""
    old = path.read_bytes()
    write_bytes_atomically(path.resolve(), data)
    return old
