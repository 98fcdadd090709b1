"""Write changes back into target files, keeping their comments and layout.

Only ``okrdesk split`` writes target files. It edits the one key result it
was asked about with tomlkit, so everything else in the file stays byte for
byte as the manager wrote it.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.items import Comment, Table, Whitespace

from okrdesk.files import write_text_atomically


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _find(items: Any, ident: str, what: str) -> Any:
    for item in items or ():
        if item.get("id") == ident:
            return item
    raise LookupError(f"no {what} {ident!r} in the file")


def set_key_result_tables(
    text: str,
    objective: str,
    key: str,
    members: Mapping[str, Decimal] | None,
    calendar: Mapping[str, Decimal] | None,
) -> str:
    """The file text with the key result's ``members`` and/or ``calendar`` replaced."""
    document = tomlkit.parse(text)
    found = _find(document.get("objectives"), objective, "objective")
    kr = _find(found.get("key_results"), key, "key result")
    for name, values in (("members", members), ("calendar", calendar)):
        if values is None:
            continue
        table = kr.get(name)
        if isinstance(table, Table):
            trailing = _take_trailing_trivia(table)
            for existing in list(table.keys()):
                del table[existing]
        else:
            trailing = _take_trailing_trivia(kr)
            table = tomlkit.table()
            kr[name] = table
        for member, value in values.items():
            table[member] = _number(value)
        table.value.body.extend(trailing)
    return tomlkit.dumps(document)


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


def rewrite(path: Path, new_text: str) -> str:
    """Replace the file's text; return the old text so a caller can put it back."""
    old = path.read_text(encoding="utf-8")
    write_text_atomically(path, new_text)
    return old
