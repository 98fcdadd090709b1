"""okrdesk.toml read before, kept as data so the next command need not parse it again.

Every command reads okrdesk.toml, and importing ``tomllib`` costs more than the
rest of reading a small file (its patterns are compiled at import): a few
milliseconds of every command. So what ``tomllib`` made of the file is kept, as
JSON that holds data only, in the user's own cache folder
($XDG_CACHE_HOME/okrdesk/toml, else ~/.cache/okrdesk/toml), one file per settings
file, never in the workspace. It is used only for exactly the same text (by
BLAKE2b), read by the same Python (whose ``tomllib`` made it) and the same
okrdesk (``targets/syntax.py`` says which texts are never kept: those with a
hazard); an entry that cannot be read is ignored, and one for another text is
replaced. Every value comes back as ``tomllib`` gave it: tables as dicts, arrays
as lists, numbers with a fraction as ``Decimal``, dates, times and date-times as
``datetime`` values.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from okrdesk import __version__
from okrdesk.user_cache import mark_used, prune, user_cache_folder

try:
    # What hashlib.blake2b is, without hashlib: importing hashlib loads OpenSSL, which
    # costs more than reading a small file.
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - a Python built without its own BLAKE2
    from hashlib import blake2b

FORMAT = 1
"""Bumped when what an entry holds changes shape."""

_ARRAY = "a"
# Each value JSON has no word for, as [tag, its text]; an array is [_ARRAY, *items].
_READ: dict[str, Callable[[str], Any]] = {
    "n": Decimal, "dt": dt.datetime.fromisoformat, "d": dt.date.fromisoformat,
    "t": dt.time.fromisoformat, "f": float,
}  # fmt: skip


def new_digest() -> blake2b:
    """A 256-bit BLAKE2b digest to feed."""
    return blake2b(digest_size=32)


def hex_digest(data: bytes) -> str:
    """A 256-bit BLAKE2b digest of ``data``, in hex."""
    return blake2b(data, digest_size=32).hexdigest()


def cache_folder() -> Path:
    return user_cache_folder("toml")


def kept(path: Path, text: str, folder: Path | None = None) -> dict[str, Any] | None:
    """What ``tomllib`` made of ``text`` (the file at ``path``) last time; None when it
    was not kept, or was kept for another text."""
    try:
        entry, key = _entry(path, text, folder)
        with entry.open("rb") as file:
            found = json.loads(file.read())
            modified = os.fstat(file.fileno()).st_mtime
        if not isinstance(found, dict) or found.get("key") != key:
            return None
        data = _decoded(found["data"])
    except (OSError, RuntimeError, ValueError, TypeError, KeyError, IndexError, RecursionError):
        return None
    mark_used(entry, modified)
    return data if isinstance(data, dict) else None


def keep(path: Path, text: str, data: dict[str, Any], folder: Path | None = None) -> None:
    """Keep what ``tomllib`` made of ``text`` for the next command; quietly nothing
    where it cannot be written."""
    from okrdesk.errors import OkrdeskError
    from okrdesk.files import write_bytes_atomically

    try:
        entry, key = _entry(path, text, folder)
        payload = json.dumps({"key": key, "data": json_data(data)}, ensure_ascii=False)
        entry.parent.mkdir(parents=True, exist_ok=True)
        write_bytes_atomically(entry, payload.encode())
        prune(entry.parent)
    except (OSError, RuntimeError, TypeError, ValueError, RecursionError, OkrdeskError):
        pass  # what cannot be kept only costs the next command a parse


_HAZARDS = Path(__file__).with_name("syntax.py")
"""The rules for texts never kept (targets/syntax.py): a new rule must see every text."""


def _entry(path: Path, text: str, folder: Path | None) -> tuple[Path, str]:
    """The entry kept for the file at ``path``, and the key of ``text`` in it."""
    folder = folder or cache_folder()
    name = hex_digest(str(path.resolve()).encode())[:32]
    rules = _HAZARDS.stat()
    made_by = f"{FORMAT} {__version__} {rules.st_size} {rules.st_mtime_ns} {sys.version}"
    key = hex_digest(f"{made_by}\0{text}".encode())
    return folder / f"{name}.json", key


def json_data(value: Any) -> Any:
    """What ``tomllib`` made (with ``parse_float=Decimal``, as okrdesk reads TOML) as
    JSON data, each value JSON has no word for tagged with its type; TypeError for
    anything else."""
    if isinstance(value, dict):
        return {key: json_data(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_ARRAY, *(json_data(item) for item in value)]
    if isinstance(value, Decimal):
        return ["n", str(value)]
    if isinstance(value, float):  # read without parse_float (a plugin's own settings)
        return ["f", repr(value)]
    if isinstance(value, dt.datetime):  # before date: a datetime is a date too
        return ["dt", value.isoformat()]
    if isinstance(value, dt.date):
        return ["d", value.isoformat()]
    if isinstance(value, dt.time):
        return ["t", value.isoformat()]
    if isinstance(value, str | int):  # bool is an int; JSON tells them apart
        return value
    raise TypeError(f"cannot keep a {type(value).__name__}")


def _decoded(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _decoded(item) for key, item in value.items()}
    if isinstance(value, list):
        tag, *rest = value
        if tag == _ARRAY:
            return [_decoded(item) for item in rest]
        (text,) = rest
        return _READ[tag](text)
    if isinstance(value, str | int):
        return value
    raise TypeError(f"not a kept value: {value!r}")
