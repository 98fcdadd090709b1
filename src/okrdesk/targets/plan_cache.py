"""A plan read and checked before, kept as data so the next command need not read it again.

A firm's target files hold thousands of people; parsing and checking them costs
more than a branch's whole report. When every file is exactly as it was (its
bytes, by SHA-256), okrdesk is the same (its version and its own reading code),
the plugins offer the same metrics and the workspace is the same folder, the
plan is the one read last time: it is read back from JSON, which holds data
only and never runs anything.

The cache lives in the user's own cache folder ($XDG_CACHE_HOME/okrdesk/plans,
else ~/.cache/okrdesk/plans), one file per workspace, never in the workspace:
a workspace someone sends you cannot bring a plan that its files do not say.
Only a plan without problems is kept. Any difference in the key reads the files
afresh and replaces the entry; an entry that cannot be read is ignored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Mapping
from decimal import Decimal
from enum import Enum
from pathlib import Path, PurePath
from typing import Any

import attrs

from okrdesk import __version__, model
from okrdesk.errors import Problem
from okrdesk.periods import Grain
from okrdesk.targets.load import LoadResult, target_files
from okrdesk.units import UNITS, UnitOfMeasure

FORMAT = 1
"""Bumped when what an entry holds changes shape."""

_PACKAGE = Path(model.__file__).parent
_CODE = (_PACKAGE, _PACKAGE / "targets")
"""Where the code that reads and checks a plan lives: its values (model, units,
periods, formula, errors) and the targets package."""


def cache_folder() -> Path:
    """Where plans are kept: under $XDG_CACHE_HOME, else ~/.cache."""
    from okrdesk.files import user_cache_folder

    return user_cache_folder("plans")


def load_plan_cached(
    root: Path,
    metrics: Mapping[str, model.MetricSpec] | None,
    load: Callable[[], LoadResult],
    folder: Path | None = None,
) -> LoadResult:
    """The plan ``load()`` would return, from the cache when nothing it depends on changed."""
    try:
        folder = folder or cache_folder()
    except RuntimeError:  # no home folder to keep it in
        return load()
    key = _key(root, metrics)
    if key is None:
        return load()
    entry = folder / f"{hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:32]}.json"
    found = _read(entry, key)
    if found is not None:
        return found
    result = load()
    # A file saved while it was read: the plan may be the new text's, the key the old's.
    if result.plan is not None and not result.problems and _key(root, metrics) == key:
        _write(entry, key, result)
    return result


def _key(root: Path, metrics: Mapping[str, model.MetricSpec] | None) -> str | None:
    """Everything the result of reading the plan depends on, hashed; None when a file
    cannot be read (the reading reports that)."""
    try:
        return _digest(root, metrics)
    except OSError:
        return None


def _digest(root: Path, metrics: Mapping[str, model.MetricSpec] | None) -> str:
    digest = hashlib.sha256()

    def add(*parts: object) -> None:
        for part in parts:
            digest.update(repr(part).encode())
            digest.update(b"\0")

    # The folder as given too: a relative one gives relative paths (objective_files).
    add(FORMAT, __version__, str(root), str(root.resolve()))
    # okrdesk's own reading code: a new check must not be skipped for an old answer,
    # even where the version number did not move (an editable install).
    for folder in _CODE:
        for code in sorted(folder.glob("*.py")):
            stat = code.stat()
            add(code.relative_to(_PACKAGE).as_posix(), stat.st_size, stat.st_mtime_ns)
    add(None if metrics is None else sorted((name, repr(spec)) for name, spec in metrics.items()))
    targets = root / "targets"
    files = target_files(targets) if targets.is_dir() else []
    for path in files:
        add(path.name, hashlib.sha256(path.read_bytes()).hexdigest())
    return digest.hexdigest()


def _read(entry: Path, key: str) -> LoadResult | None:
    try:
        stored = json.loads(entry.read_bytes(), object_hook=_decoded)
        if not isinstance(stored, dict) or stored.get("key") != key:
            return None
        result = stored["result"]
        return result if isinstance(result, LoadResult) else None
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None


def _write(entry: Path, key: str, result: LoadResult) -> None:
    from okrdesk.files import write_text_atomically  # only when the files were read

    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps({"key": key, "result": _encoded(result)}, ensure_ascii=False,
                          separators=(",", ":"))  # fmt: skip
        write_text_atomically(entry, text)
    except OSError:
        pass  # a folder that cannot be written only costs the next command a reading


# ------------------------------------------------------------------- the format
# Plain JSON; a value JSON has no word for is an object with one tag key. Only the
# value classes below can come out of it: reading an entry builds data, nothing else.

_RECORDS: dict[str, type[Any]] = {
    cls.__name__: cls
    for cls in (
        LoadResult, model.Plan, model.OrgUnit, model.Person, model.Phase, model.Milestone,
        model.CalendarPoint, model.KeyResult, model.Objective, model.BudgetLine,
        model.Budget, model.ScoreComponent, model.ScoringPolicy,
    )
}  # fmt: skip
_FIELDS: dict[type[Any], tuple[str, ...]] = {
    cls: tuple(field.name for field in attrs.fields(cls)) for cls in _RECORDS.values()
}
_ENUMS: dict[str, type[Enum]] = {cls.__name__: cls for cls in (Grain, model.Direction, model.Scope)}


_PLAIN = (str, int, float, bool, type(None))


def _encoded(value: Any) -> Any:
    kind = type(value)
    if kind in _PLAIN:  # exact types: a Grain is a str too, and must stay a Grain
        return value
    names = _FIELDS.get(kind)
    if names is not None:
        fields = {name: _encoded(getattr(value, name)) for name in names}
        return {"$record": kind.__name__, "fields": fields}
    if isinstance(value, Enum):
        return {"$enum": kind.__name__, "value": value.value}
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, UnitOfMeasure):
        return {"$unit": value.symbol}
    if isinstance(value, PurePath):
        return {"$path": str(value)}
    if isinstance(value, Problem):
        return {"$problem": list(value)}
    if isinstance(value, tuple):
        return {"$tuple": [_encoded(item) for item in value]}
    if isinstance(value, Mapping):
        return {"$map": [[_encoded(k), _encoded(v)] for k, v in value.items()]}
    raise TypeError(f"a plan holds no {kind.__name__}")


def _decoded(found: dict[str, Any]) -> Any:
    if "$record" in found:
        return _RECORDS[found["$record"]](**found["fields"])
    if "$tuple" in found:
        return tuple(found["$tuple"])
    if "$map" in found:
        return {(tuple(k) if isinstance(k, list) else k): v for k, v in found["$map"]}
    if "$decimal" in found:
        return Decimal(found["$decimal"])
    if "$enum" in found:
        return _ENUMS[found["$enum"]](found["value"])
    if "$date" in found:
        return dt.date.fromisoformat(found["$date"])
    if "$unit" in found:
        return UNITS[found["$unit"]]
    if "$path" in found:
        return Path(found["$path"])
    if "$problem" in found:
        return Problem(*found["$problem"])
    return found
