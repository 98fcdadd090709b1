"""What an installed plugin declared, kept as JSON between collects.

``okrdesk collect`` learns what an installed plugin declares in a process of its own
(the plugin is never imported into okrdesk's), which costs a process, and the fork
server it is forked from, on every collect; one that collects only the built-in SQL
source needs neither. The answer depends on the plugin's code and its settings, so
it is kept under a key made of okrdesk's version, the entry point (name, target), its
distribution's version, the size and time of every Python file of the plugin's
top-level package, and the workspace's settings for it: a change to any of them is
another key, and the plugin is asked again. Kept only when the plugin loaded without
an error and what it declared reads back equal (as data: JSON, never pickle); a
plugin whose files cannot be found (zipped, behind an import hook) is always asked.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from okrdesk import __version__
from okrdesk.files import write_text_atomically
from okrdesk.model import (
    DimensionLabels,
    Direction,
    MetricKind,
    MetricSpec,
    OverTime,
)
from okrdesk.units import UNITS

FORMAT = 1
_MOST_FILES = 2000
"""A package with more Python files than this is asked each time: walking it would
cost what the cache saves."""
_FIELDS = (
    "name", "label_en", "label_zh", "kind", "unit", "direction", "description",
    "numerator_over_time", "denominator_over_time", "revenue", "formula", "stages",
    "dimensions", "dimension_labels",
)  # fmt: skip
"""MetricSpec's fields as this module writes them; with any other, nothing is kept."""


def folder() -> Path:
    """$XDG_CACHE_HOME/okrdesk/declared, else ~/.cache/okrdesk/declared."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "okrdesk" / "declared"


def key(how: tuple[str, str], version: str, settings: Mapping[str, Any]) -> str | None:
    """The key of an entry point's declaration, or None when it cannot be kept."""
    if how[0] != "entry" or tuple(f.name for f in attrs.fields(MetricSpec)) != _FIELDS:
        return None
    code = _code_fingerprint(how[1])
    if code is None:
        return None
    text = json.dumps(
        [FORMAT, __version__, how[1], version, code, settings], sort_keys=True, default=repr
    )
    return hashlib.sha256(text.encode()).hexdigest()


def read(found: str) -> tuple[str, list[MetricSpec]] | None:
    """The version and declarations kept under ``found``; None when there are none."""
    try:
        data = json.loads((folder() / f"{found}.json").read_text(encoding="utf-8"))
        return str(data["version"]), [_spec(item) for item in data["declared"]]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def keep(found: str, version: str, declared: Sequence[MetricSpec]) -> None:
    """Keep ``declared`` under ``found`` when it reads back the same; never fails."""
    try:
        data = {"version": version, "declared": [_data(spec) for spec in declared]}
        text = json.dumps(data, ensure_ascii=False, sort_keys=True)
        if [_spec(item) for item in json.loads(text)["declared"]] != list(declared):
            return
        folder().mkdir(parents=True, exist_ok=True)
        write_text_atomically(folder() / f"{found}.json", text)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return


def _code_fingerprint(target: str) -> list[Any] | None:
    """Size and time of each Python file of the package ``target`` (``pkg.mod:obj``)
    comes from, found on sys.path as Python would find it, without importing it."""
    top = target.split(":", 1)[0].split(".", 1)[0].strip()
    if not top.isidentifier():
        return None
    for entry in sys.path:
        base = Path(entry or ".")
        package, module = base / top, base / f"{top}.py"
        with contextlib.suppress(OSError):
            if (package / "__init__.py").is_file():
                files = sorted(package.rglob("*.py"))
                if len(files) > _MOST_FILES:
                    return None
                return [_stat(path, package) for path in files]
            if module.is_file():
                return [_stat(module, base)]
    return None


def _stat(path: Path, under: Path) -> list[Any]:
    found = path.stat()
    return [str(path.relative_to(under)), found.st_size, found.st_mtime_ns]


def _data(spec: MetricSpec) -> dict[str, Any]:
    return {
        "name": spec.name,
        "label_en": spec.label_en,
        "label_zh": spec.label_zh,
        "kind": spec.kind.value,
        "unit": spec.unit.symbol,
        "direction": spec.direction.value,
        "description": spec.description,
        "numerator_over_time": spec.numerator_over_time.value,
        "denominator_over_time": spec.denominator_over_time.value,
        "revenue": spec.revenue,
        "formula": spec.formula,
        "stages": list(spec.stages) if spec.stages is not None else None,
        "dimensions": list(spec.dimensions),
        "dimension_labels": {
            name: [labels.zh, labels.en, dict(labels.values_zh), dict(labels.values_en)]
            for name, labels in spec.dimension_labels.items()
        },
    }


def _spec(item: Mapping[str, Any]) -> MetricSpec:
    stages = item["stages"]
    return MetricSpec(
        name=item["name"],
        label_en=item["label_en"],
        label_zh=item["label_zh"],
        kind=MetricKind(item["kind"]),
        unit=UNITS[item["unit"]],
        direction=Direction(item["direction"]),
        description=item["description"],
        numerator_over_time=OverTime(item["numerator_over_time"]),
        denominator_over_time=OverTime(item["denominator_over_time"]),
        revenue=item["revenue"],
        formula=item["formula"],
        stages=(stages[0], stages[1]) if stages is not None else None,
        dimensions=tuple(item["dimensions"]),
        dimension_labels={
            name: DimensionLabels(zh, en, values_zh, values_en)
            for name, (zh, en, values_zh, values_en) in item["dimension_labels"].items()
        },
    )
