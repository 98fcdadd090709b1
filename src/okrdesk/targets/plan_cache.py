"""A plan read and checked before, kept as data so the next command need not read it again.

A firm's target files hold thousands of people; parsing and checking them costs
more than a branch's whole report. When every file is exactly as it was (its
bytes, by BLAKE2b), okrdesk is the same (its version and its own reading code),
the plugins offer the same metrics and the workspace is the same folder, the
plan is the one read last time: it is read back from JSON, which holds data
only and never runs anything.

The cache lives in the user's own cache folder ($XDG_CACHE_HOME/okrdesk/plans,
else ~/.cache/okrdesk/plans), one file per workspace, never in the workspace:
a workspace someone sends you cannot bring a plan that its files do not say.
Only a plan without problems is kept. Any difference in the key reads the files
afresh and replaces the entry; an entry that cannot be read is ignored.

A report on one unit reads only its part of the entry (``cut_to``): the entry's
first line holds the key, the plan without its people, every unit as a row and,
for each unit, where its subtree's people lie in the lines after it (written
unit by unit, depth first, so any subtree's people are one run of bytes). A
branch's report in a firm of 10,000 people decodes the people of its branch and
no one else's. See ``cut_plan`` for what such a plan holds and when a report
cannot be answered from one (then the whole plan is read).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sys
from collections.abc import Callable, Mapping
from decimal import Decimal
from enum import Enum
from pathlib import Path, PurePath
from typing import Any

import attrs

from okrdesk import __version__, model
from okrdesk.errors import OkrdeskError, Problem
from okrdesk.files import NotAFile
from okrdesk.periods import Grain
from okrdesk.targets.load import (
    LoadResult,
    folders_named_toml,
    misnamed_files,
    read_workspace_file,
    target_files,
)
from okrdesk.targets.toml_cache import hex_digest, new_digest
from okrdesk.units import UNITS, UnitOfMeasure
from okrdesk.user_cache import mark_used, prune, user_cache_folder

FORMAT = 2
"""Bumped when what an entry holds changes shape."""

_PACKAGE = Path(model.__file__).parent
_CODE = ((_PACKAGE, ""), (_PACKAGE / "targets", "targets/"))
"""Where the code that reads and checks a plan lives: its values (model, units,
periods, formula, errors) and the targets package; each folder with how its files
are named in the key."""


def cache_folder() -> Path:
    """Where plans are kept: under $XDG_CACHE_HOME, else ~/.cache."""
    return user_cache_folder("plans")


def load_plan_cached(
    root: Path,
    metrics: Mapping[str, model.MetricSpec] | None,
    load: Callable[[], LoadResult],
    folder: Path | None = None,
    cut_to: str | None = None,
) -> LoadResult:
    """The plan ``load()`` would return, from the cache when nothing it depends on changed.

    ``cut_to``: a unit a report is about; from the cache, the plan is then only what
    that report reads (``Plan.cut_to``), where one can answer it."""
    try:
        folder = folder or cache_folder()
    except RuntimeError:  # no home folder to keep it in
        return load()
    key = _key(root, metrics)
    if key is None:
        return load()
    entry = folder / f"{hex_digest(str(root.resolve()).encode())[:32]}.json"
    found = _read(entry, key, cut_to)
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
    digest = new_digest()

    def add(*parts: object) -> None:
        for part in parts:
            digest.update(repr(part).encode())
            digest.update(b"\0")

    # The folder as given too: a relative one gives relative paths (objective_files).
    add(FORMAT, __version__, str(root), str(root.resolve()))
    # okrdesk's own reading code: a new check must not be skipped for an old answer,
    # even where the version number did not move (an editable install).
    for folder, prefix in _CODE:
        with os.scandir(folder) as entries:
            found = sorted((e.name, e) for e in entries if e.name.endswith(".py"))
        for name, entry in found:
            stat = entry.stat()
            add(prefix + name, stat.st_size, stat.st_mtime_ns)
    add(None if metrics is None else _specs_text(metrics))
    targets = root / "targets"
    files = target_files(targets) if targets.is_dir() else []
    for path in files:
        try:
            add(path.name, hex_digest(read_workspace_file(path, sys.maxsize)[1]))
        except NotAFile:
            add(path.name, None)  # refused as it is read: never kept
    add(misnamed_files(targets) if targets.is_dir() else [])  # each is warned of
    add(folders_named_toml(targets) if targets.is_dir() else [])  # each is a problem
    return digest.hexdigest()


def _specs_text(metrics: Mapping[str, model.MetricSpec]) -> str:
    """The metrics' specs as a text that changes whenever any field of one does: JSON,
    whose encoder writes texts (an enum as its value), numbers and containers itself,
    where their ``repr`` runs Python for every field of every spec. A spec is a tree of
    values, texts at its leaves, never holding itself: no watch for cycles is needed."""
    return json.dumps(
        sorted(metrics.items()), default=_tagged, ensure_ascii=False, check_circular=False
    )


def _tagged(value: object) -> object:
    """What JSON cannot write, named by its class: an attrs value by its fields (a spec,
    its unit, a dimension's labels), a Decimal by its digits, anything else by its repr."""
    cls = type(value)
    if isinstance(value, Decimal):
        return [cls.__name__, str(value)]
    fields = getattr(cls, "__attrs_attrs__", None)
    if fields is None:
        return [cls.__name__, repr(value)]
    return [cls.__name__, [getattr(value, field.name) for field in fields]]


_OPEN = b'{"head":'
_PEOPLE = b',"people":[\n'
_END = b"\n]}\n"
"""An entry is one JSON object: its first line ``{"head":{...},"people":[``, then one
person a line, then ``]}``."""
_UNIT_FIELDS = tuple(field.name for field in attrs.fields(model.OrgUnit))
_PERSON_FIELDS = tuple(field.name for field in attrs.fields(model.Person))
_PARENT = _UNIT_FIELDS.index("parent")
_LEAD = _UNIT_FIELDS.index("lead")


def _read(entry: Path, key: str, cut_to: str | None = None) -> LoadResult | None:
    try:
        with entry.open("rb") as file:
            first = file.readline()
            if not (first.startswith(_OPEN) and first.endswith(_PEOPLE)):
                return None
            head = json.loads(first[len(_OPEN) : -len(_PEOPLE)], object_hook=_decoded)
            if not isinstance(head, dict) or head.get("key") != key:
                return None
            result = head["result"]
            if not isinstance(result, LoadResult) or result.plan is None:
                return None
            units = [tuple(row) for row in head["units"]]
            spans = {row[0]: (row[1], row[2]) for row in head["spans"]}
            plan, rest = None, b""
            if cut_to is not None and cut_to in spans:
                start, end = spans[cut_to]
                file.seek(len(first) + start)
                people = _people(file.read(end - start))
                plan = cut_plan(result.plan, units, people, cut_to)
            elif cut_to is not None:
                rest = file.read()
                person = _person(rest, cut_to)
                if person is not None:
                    plan = cut_plan(result.plan, units, (person,), cut_to)
            if plan is None:
                if not rest:
                    file.seek(len(first))
                    rest = file.read()
                if not rest.endswith(_END):
                    return None
                plan = attrs.evolve(
                    result.plan,
                    units=tuple(model.OrgUnit(*row) for row in units),
                    people=_people(rest[: -len(_END)]),
                )
            mark_used(entry, os.fstat(file.fileno()).st_mtime)
            return attrs.evolve(result, plan=plan)
    except (OSError, ValueError, TypeError, KeyError, AttributeError, IndexError):
        return None


def _person(rows: bytes, ident: str) -> model.Person | None:
    """The person ``ident`` from the lines of people, found by the start of its line
    (``[index,"id",``: a line's first string is its id, and quotes inside a string are
    escaped), without decoding anyone else."""
    wanted = json.dumps(ident, ensure_ascii=False).encode()
    found = re.search(rb"(?:^|\n)(\[\d+," + re.escape(wanted) + rb",[^\n]*)", rows)
    return None if found is None else _people(found.group(1).rstrip(b","))[0]


def _people(rows: bytes) -> tuple[model.Person, ...]:
    """People written one a line (``[index, *fields]``), in the plan's own order."""
    found = json.loads(b"[" + rows + b"]")
    found.sort(key=lambda row: row[0])
    return tuple(model.Person(*row[1:]) for row in found)


def cut_plan(
    plan: model.Plan,
    units: list[tuple[Any, ...]],
    people: tuple[model.Person, ...],
    cut_to: str,
) -> model.Plan | None:
    """The plan a report on ``cut_to`` reads: the unit's subtree and its ``people``,
    the units above it, and everything else whole; None where a report on the unit
    reads beyond its subtree (then it needs the whole plan).

    ``cut_to`` may be a person (``people`` is then that person alone): the subtree is
    the person, and the units above are those above the person's unit.

    What a report on a unit reads outside its subtree: figures and targets only at
    subjects inside it (a member's target is its own share; a key result's members
    are always below its owner), last year's figures and the plan's header whole,
    and who owes a check-in (a unit's lead, so each lead must be one of the
    subtree's people). A budget line is judged by the key results it is linked to,
    at their owners, and any line may share one with a line inside: so every key
    result a budget line names must be owned inside the subtree."""
    children: dict[str, list[str]] = {}
    parent_of = {}
    for row in units:
        parent_of[row[0]] = row[_PARENT]
        if row[_PARENT] is not None:
            children.setdefault(row[_PARENT], []).append(row[0])
    inside: set[str] = set()
    waiting = [cut_to] if cut_to in parent_of else []
    while waiting:
        unit = waiting.pop()
        if unit not in inside:
            inside.add(unit)
            waiting += children.get(unit, ())
    if cut_to in parent_of:
        kept, above = set(inside), parent_of[cut_to]
    elif len(people) == 1 and people[0].id == cut_to:
        kept, above = set(), people[0].unit
    else:
        return None
    while above is not None and above in parent_of and above not in kept:
        kept.add(above)
        above = parent_of[above]
    everyone = {p.id for p in people}
    if any(row[_LEAD] is not None and row[_LEAD] not in everyone
           for row in units if row[0] in inside):  # fmt: skip
        return None
    owners = {o.id: o.owner for o in plan.objectives}
    subjects = inside | everyone
    for line in plan.budget.lines:
        for kr_id in (*line.key_results, *line.revenue):
            kr = plan.key_results_by_id.get(kr_id)
            if kr is not None and owners.get(kr.objective) not in subjects:
                return None
    return attrs.evolve(
        plan,
        units=tuple(model.OrgUnit(*row) for row in units if row[0] in kept),
        people=people,
        cut_to=cut_to,
    )


def _write(entry: Path, key: str, result: LoadResult) -> None:
    from okrdesk.files import write_bytes_atomically  # only when the files were read

    plan = result.plan
    try:
        if plan is None:
            raise TypeError("no plan to keep")
        head = {
            "key": key,
            "result": _encoded(attrs.evolve(result, plan=attrs.evolve(plan, units=(), people=()))),
            "units": [_row(unit, _UNIT_FIELDS) for unit in plan.units],
        }
        rows, spans = _people_by_subtree(plan)
        head["spans"] = [[unit, start, end] for unit, (start, end) in spans.items()]
        text = json.dumps(head, ensure_ascii=False, separators=(",", ":")).encode()
        entry.parent.mkdir(parents=True, exist_ok=True)
        write_bytes_atomically(entry, _OPEN + text + _PEOPLE + rows + _END)
        prune(entry.parent)
    except (OSError, TypeError, RecursionError, OkrdeskError):  # OkrdeskError: a full disk
        pass  # what cannot be kept only costs the next command a reading


def _row(record: Any, names: tuple[str, ...]) -> list[str | None]:
    values = [getattr(record, name) for name in names]
    if not all(value is None or type(value) is str for value in values):
        raise TypeError(f"a {type(record).__name__} holds more than text")
    return values


def _people_by_subtree(plan: model.Plan) -> tuple[bytes, dict[str, tuple[int, int]]]:
    """Every person as a line ``[index, *fields]``, unit by unit depth first, and for
    each unit the bytes its subtree's people take (from its first line's start to its
    last line's end; nothing between two lines but ``,\\n``)."""
    lines: list[bytes] = []
    by_unit: dict[str, list[int]] = {}
    for index, person in enumerate(plan.people):
        by_unit.setdefault(person.unit, []).append(index)
    runs: dict[str, tuple[int, int]] = {}

    def visit(unit: str) -> None:
        first = len(lines)
        for index in by_unit.pop(unit, ()):
            lines.append(_line(plan, index))
        for child in plan.child_units(unit):
            visit(child.id)
        runs[unit] = (first, len(lines))

    known = {unit.id for unit in plan.units}
    for unit in plan.units:
        if unit.parent is None or unit.parent not in known:
            visit(unit.id)
    for indexes in by_unit.values():  # people of no unit: only the whole plan has them
        lines += [_line(plan, index) for index in indexes]
    starts, at = [], 0
    for line in lines:
        starts.append(at)
        at += len(line) + 2
    spans = {
        unit: (starts[first], starts[last - 1] + len(lines[last - 1])) if last > first else (0, 0)
        for unit, (first, last) in runs.items()
    }
    return b",\n".join(lines), spans


def _line(plan: model.Plan, index: int) -> bytes:
    row = [index, *_row(plan.people[index], _PERSON_FIELDS)]
    return json.dumps(row, ensure_ascii=False, separators=(",", ":")).encode()


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
        if all(type(k) is str and type(v) is Decimal for k, v in value.items()):
            # members' targets: thousands in a firm, one tag for them all
            return {"$decimals": [[k, str(v)] for k, v in value.items()]}
        return {"$map": [[_encoded(k), _encoded(v)] for k, v in value.items()]}
    raise TypeError(f"a plan holds no {kind.__name__}")


def _decoded(found: dict[str, Any]) -> Any:
    if "$record" in found:
        return _RECORDS[found["$record"]](**found["fields"])
    if "$tuple" in found:
        return tuple(found["$tuple"])
    if "$decimals" in found:
        return {k: Decimal(v) for k, v in found["$decimals"]}
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
