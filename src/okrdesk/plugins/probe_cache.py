"""What each installed plugin declared when it was last probed, kept in the user's cache
folder, so that the next ``collect`` need not start a process to ask it again.

``collect`` never imports an installed plugin in okrdesk's own process: it loads each one
in a process of its own to learn what it declares (its metrics and version; ``runner.
prober``). That costs a fork server's start and the plugin's import on every run. The
answer is kept here under a key made of everything that can change it: the entry point
(name and value), the distribution that installed it (name and version), the size and
modification time of every file under the plugin's top-level package (found without
importing it, so an edit to an editable install counts), the plugin's settings from
okrdesk.toml, okrdesk (its version and the code that takes declarations) and Python's
version. Only a clean answer is kept: a probe that failed, timed out, printed or declared
an error is asked again next time.

The file ($XDG_CACHE_HOME/okrdesk/plugins/declared.json, else ~/.cache/okrdesk/plugins/)
holds data only (JSON), never runs anything, is written atomically and keeps the newest
entries; an entry or a file that cannot be read is ignored, so a damaged file costs a
probe, never a wrong declaration. Deleting it is always safe.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from okrdesk import __version__, model
from okrdesk.files import write_text_atomically
from okrdesk.model import (
    DimensionLabels,
    Direction,
    FunnelStages,
    MetricKind,
    MetricSpec,
    OverTime,
)
from okrdesk.plugins.entry_points import EntryPoint
from okrdesk.plugins.probed import Probed
from okrdesk.targets.toml_cache import json_data
from okrdesk.units import UNITS
from okrdesk.user_cache import user_cache_folder

FORMAT = 1
"""Bumped when what an entry holds changes shape."""
KEPT = 32
"""Entries kept: a user has a few installed plugins, each with a few workspaces' settings."""

_HERE = Path(__file__).parent
_CODE = (
    Path(model.__file__),
    _HERE / "manager.py",
    _HERE / "hookspecs.py",
    _HERE / "probe_cache.py",
)
"""okrdesk's code that shapes a declaration: the metric's class, the loading and the
hook, and this file: an editable okrdesk whose version did not move still asks again."""


def cache_file() -> Path | None:
    """Where the answers are kept; None where there is no home folder to keep them in."""
    try:
        return user_cache_folder("plugins", "declared.json")
    except RuntimeError:
        return None


class ProbeCache:
    """The kept answers of installed plugins' probes, read once, written when one is new."""

    def __init__(self, path: Path | None = None, *, ask_again: bool = False) -> None:
        """``ask_again``: give no kept answer (every plugin is probed), but keep the new ones."""
        self.path = path if path is not None else cache_file()
        self._entries: dict[str, Any] | None = None
        self._keys: dict[tuple[EntryPoint, str], str | None] = {}
        self._ask_again = ask_again
        self.given = 0
        """How many kept answers were given."""

    def key(self, entry: EntryPoint, settings: Mapping[str, Any]) -> str | None:
        """The key of the answer ``entry`` gives with ``settings``; None when the plugin's
        files cannot be found (it is then probed every time, as it was)."""
        canonical = _canonical(settings)
        if canonical is None:
            return None
        remembered = (entry, canonical)
        if remembered not in self._keys:
            self._keys[remembered] = _key(entry, canonical)
        return self._keys[remembered]

    def get(self, key: str | None) -> Probed | None:
        """The kept answer for ``key``; None when there is none or it cannot be read."""
        if key is None or self.path is None or self._ask_again:
            return None
        found = _probed(self._read().get(key))
        self.given += found is not None
        return found

    def forget(self) -> None:
        """Drop every kept answer: a plugin declared what its kept answer did not say."""
        self._entries = {}
        if self.path is not None:
            with contextlib.suppress(OSError):
                self.path.unlink(missing_ok=True)

    def put(self, key: str | None, probed: Probed) -> None:
        """Keep ``probed`` under ``key`` when it is clean (no error) and reads back the
        same; a file that cannot be written only costs the next collect a probe."""
        if key is None or self.path is None or probed.errors:
            return
        written = _written(probed)
        if written is None:
            return
        entries = self._read()
        entries.pop(key, None)
        entries[key] = written
        kept = dict(list(entries.items())[-KEPT:])
        self._entries = kept
        with contextlib.suppress(OSError):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_text_atomically(self.path, json.dumps(kept, ensure_ascii=False))

    def _read(self) -> dict[str, Any]:
        if self._entries is None:
            try:
                assert self.path is not None
                found = json.loads(self.path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                found = {}
            self._entries = found if isinstance(found, dict) else {}
        return self._entries


def _key(entry: EntryPoint, settings: str) -> str | None:
    files = package_files(entry.value)
    if files is None:
        return None
    try:
        code = [(path.name, *_stat(str(path))) for path in _CODE]
    except OSError:
        return None
    stamp = [
        FORMAT, entry.name, entry.value, entry.distribution, entry.version, files, settings,
        __version__, code, sys.version, sys.implementation.cache_tag,
    ]  # fmt: skip
    return hashlib.sha256(json.dumps(stamp).encode()).hexdigest()


def package_files(value: str) -> list[Any] | None:
    """Where the top-level package (or module) an entry point's ``value`` names lives,
    and the path, size and modification time of every file in it (compiled bytecode
    left out: importing the plugin writes it); found without importing the package.
    None when it cannot be found or read."""
    top = value.partition(":")[0].partition("[")[0].strip().partition(".")[0]
    try:
        spec = importlib.util.find_spec(top)
    except (ImportError, ValueError):
        return None
    if spec is None:
        return None
    folders = list(spec.submodule_search_locations or ())
    try:
        if not folders:
            if spec.origin is None or not os.path.isfile(spec.origin):
                return None  # built into Python, frozen: nothing of the plugin's to stat
            return [spec.origin, [_stat(spec.origin)]]
        found: list[Any] = []
        for folder in folders:
            found.append(folder)
            found.append(_folder_files(folder))
        return found
    except OSError:
        return None


def _folder_files(folder: str) -> list[Any]:
    files: list[tuple[str, int, int]] = []
    for where, folders, names in os.walk(folder, onerror=_raise):
        folders[:] = sorted(f for f in folders if f != "__pycache__")
        relative = os.path.relpath(where, folder)
        files.extend(
            (os.path.join(relative, name), *_stat(os.path.join(where, name)))
            for name in sorted(names)
            if not name.endswith((".pyc", ".pyo"))
        )
    return files


def _raise(error: OSError) -> None:
    raise error


def _stat(path: str) -> tuple[int, int]:
    found = os.stat(path)
    return found.st_size, found.st_mtime_ns


def _canonical(settings: Mapping[str, Any]) -> str | None:
    """The settings as one text, keys sorted, each value's type kept (a TOML date is not
    the text that spells it, nor 0.5 the text "0.5"); None for a value that is not
    TOML's."""
    try:
        return json.dumps(json_data(dict(settings)), sort_keys=True, ensure_ascii=False)
    except (TypeError, ValueError):
        return None


# -------------------------------------------------------------- an entry as JSON

_ENUMS = {"kind": MetricKind, "direction": Direction, "numerator_over_time": OverTime,
          "denominator_over_time": OverTime}  # fmt: skip
_SHAPE = [field.name for field in attrs.fields(MetricSpec)]
_PART_UNITS = ("numerator_unit", "denominator_unit")


def _written(probed: Probed) -> dict[str, Any] | None:
    """The answer as JSON data; None when it would not read back as the same (a unit or a
    field this code does not know how to write)."""
    try:
        entry = {"shape": _SHAPE, "version": probed.version,
                 "declared": [_spec_data(spec) for spec in probed.declared]}  # fmt: skip
        back = _probed(json.loads(json.dumps(entry, ensure_ascii=False)))
    except (TypeError, ValueError, KeyError, AttributeError):
        return None
    return entry if back == probed else None


def _spec_data(spec: MetricSpec) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name in _SHAPE:
        value = getattr(spec, name)
        if name in _ENUMS:
            value = value.value
        elif name == "unit" or (name in _PART_UNITS and value is not None):
            value = value.symbol
        elif name == "stages" and value is not None:
            value = {"zh": list(value.zh), "en": None if value.en is None else list(value.en)}
        elif name == "dimensions":
            value = list(value)
        elif name == "dimension_labels":
            value = {d: [w.zh, w.en, dict(w.values_zh), dict(w.values_en)]
                     for d, w in value.items()}  # fmt: skip
        data[name] = value
    return data


def _probed(entry: object) -> Probed | None:
    """The answer an entry holds; None for anything that is not what ``_written`` writes."""
    if not isinstance(entry, dict) or entry.get("shape") != _SHAPE:
        return None
    version, declared = entry.get("version"), entry.get("declared")
    if not isinstance(version, str) or not isinstance(declared, list):
        return None
    try:
        return Probed([], version, [_spec(data) for data in declared])
    except (TypeError, ValueError, KeyError, AttributeError):
        return None


def _spec(data: dict[str, Any]) -> MetricSpec:
    fields = dict(data)
    for name, enum in _ENUMS.items():
        fields[name] = enum(fields[name])
    fields["unit"] = UNITS[fields["unit"]]
    for name in _PART_UNITS:
        if fields[name] is not None:
            fields[name] = UNITS[fields[name]]
    stages = fields["stages"]
    if isinstance(stages, dict):  # each language's names
        en = stages["en"]
        fields["stages"] = FunnelStages(tuple(stages["zh"]), None if en is None else tuple(en))
    elif stages is not None:  # a plain pair, as an answer kept before FunnelStages
        first, second = stages
        fields["stages"] = (first, second)
    fields["dimensions"] = tuple(fields["dimensions"])
    fields["dimension_labels"] = {
        d: DimensionLabels(zh, en, values_zh=values_zh, values_en=values_en)
        for d, (zh, en, values_zh, values_en) in fields["dimension_labels"].items()
    }
    return MetricSpec(**fields)
