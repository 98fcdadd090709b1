"""docs/report.md describes the report model exactly: its JSON fields, values and alerts.

Other programs are written against the JSON schema table, and a field the
table lacks, or one it promises that the model no longer has, breaks them
quietly. The table's paths are compared with the attrs model the json format
serialises field by field, so the two can only change together.

How the table writes paths: the first column holds one or more paths in code
spans (``objectives[].key_results[]``; ``[]`` a list, ``{}`` a mapping); a
path starting with ``…`` continues the last full path above it. A meaning
that starts with ``{a, b[], c{…}}`` lists the fields of the object at that
path.
"""

from __future__ import annotations

import re
import types
import typing
from pathlib import Path

import attrs

from okrdesk.engine import attention
from okrdesk.engine.pace import Status
from okrdesk.report import document
from test_docs import MdTable, md_tables

ROOT = Path(__file__).resolve().parents[1]
REPORT_DOC = ROOT / "docs" / "report.md"
PATH = re.compile(r"[a-z_]+(\[\]|\{\})?(\.[a-z_]+(\[\]|\{\})?)*")
SPAN = re.compile(r"`([^`]+)`")
ENGINE = Path(attention.__file__ or "").parent
"""okrdesk/engine/, whose sources say which literal values the model carries."""


def without_none(kind: object) -> object:
    """``X | None`` → ``X``: a field that may be null has the shape of ``X``."""
    if typing.get_origin(kind) in (typing.Union, types.UnionType):
        rest = [a for a in typing.get_args(kind) if a is not type(None)]
        if len(rest) == 1:
            return rest[0]
    return kind


def model_paths(cls: type, prefix: str = "") -> set[str]:
    """Every field path of an attrs class, in the doc's notation, nested ones included."""
    paths: set[str] = set()
    hints = typing.get_type_hints(cls)
    for field in attrs.fields(cls):
        if field.metadata.get(document.UNWRITTEN):  # kept for a renderer, in no JSON
            continue
        path = prefix + field.name
        kind = without_none(hints[field.name])
        origin = typing.get_origin(kind)
        if origin is tuple:
            path += "[]"
            kind = typing.get_args(kind)[0]
        elif origin is dict:
            path += "{}"
        paths.add(path)
        if isinstance(kind, type) and attrs.has(kind):
            paths |= model_paths(kind, path + ".")
    return paths


def schema_table() -> MdTable:
    tables = [
        t
        for t in md_tables(REPORT_DOC.read_text(encoding="utf-8"))
        if t.heading.startswith("The JSON schema")
    ]
    assert len(tables) == 1, "report.md should have one table under ## The JSON schema"
    assert tables[0].header == ("field", "meaning")
    return tables[0]


def split_fields(inner: str) -> list[str]:
    """``a, b{kr: 元}, c[]`` → its items, splitting only at commas outside braces."""
    items, depth, current = [], 0, ""
    for char in inner:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if char == "," and depth == 0:
            items.append(current.strip())
            current = ""
        else:
            current += char
    return [*items, current.strip()]


def documented_rows() -> dict[str, str]:
    """Each documented path (``…`` written out) → the meaning cell of its row."""
    rows: dict[str, str] = {}
    base = ""
    for field_cell, meaning in schema_table().rows:
        assert re.fullmatch(r"`[^`]+`(, `[^`]+`)*", field_cell), (
            f"not a list of paths: {field_cell}"
        )
        for name in SPAN.findall(field_cell):
            if name.startswith("…"):
                assert base, f"{name} continues no path"
                path = f"{base}.{name[1:]}"
            else:
                path = base = name
            assert PATH.fullmatch(path), f"report.md: {path!r} is not a field path"
            assert path not in rows, f"report.md: {path} has two rows"
            rows[path] = meaning
    return rows


def documented_paths() -> set[str]:
    paths = set()
    for path, meaning in documented_rows().items():
        paths.add(path)
        first = SPAN.match(meaning)
        if first and first[1].startswith("{") and first[1].endswith("}"):
            for item in split_fields(first[1][1:-1]):
                field = re.sub(r"\{.*\}$", "{}", item)
                assert PATH.fullmatch(field), f"report.md {path}: {item!r} is not a field"
                paths.add(f"{path}.{field}")
    # `budget.lines[]` documents `budget` too: add every path's parents.
    return {".".join(p.split(".")[:n]) for p in paths for n in range(1, p.count(".") + 2)}


def test_the_model_walk_finds_nested_fields() -> None:
    """Guards the walk: lists, optional objects and objects in lists."""
    paths = model_paths(document.Report)
    assert {
        "objectives[].key_results[].trend[].date",
        "budget.lines[].cost_per_result[].per",
        "budget.reserve.left",
        "budget.lines[].signed_by[]",
        "phase.days_left",
        "budget.total.roi",
    } <= paths


def test_the_json_schema_table_lists_exactly_the_models_fields() -> None:
    model, doc = model_paths(document.Report), documented_paths()
    assert not model - doc, f"report.md does not document {sorted(model - doc)}"
    assert not doc - model, f"report.md documents fields the model lacks: {sorted(doc - model)}"


def test_the_schema_version_is_the_models() -> None:
    assert f"## The JSON schema, `{document.SCHEMA}`" in REPORT_DOC.read_text(encoding="utf-8")
    assert documented_rows()["schema"] == f'`"{document.SCHEMA}"`'


def spans_of(path: str, leave_out: frozenset[str] = frozenset()) -> set[str]:
    """The values a row names in code spans, after its ``{fields}`` list."""
    return {s for s in SPAN.findall(documented_rows()[path]) if not s.startswith("{")} - leave_out


def test_the_documented_values_are_the_codes() -> None:
    """The values programs compare against: status, level, target source, breaker reason."""
    kr = "objectives[].key_results[]"
    assert spans_of(f"{kr}.status") == {s.value for s in Status}
    named = frozenset({"level", "message", "title", '""', "subject", "subjects[]", "hint"})
    assert spans_of("alerts[]", named) == {lv.value for lv in attention.Level}
    targets = (ENGINE / "tree_targets.py").read_text(encoding="utf-8")
    sources = set(re.findall(r'TargetAt\([^"\n]*"(\w+)"', targets))
    assert len(sources) == 3 and spans_of(f"{kr}.target_source") == sources
    budget = (ENGINE / "budget.py").read_text(encoding="utf-8")
    reasons = set(re.findall(r'Breaker\(True, "(\w+)"', budget))
    assert reasons and spans_of("budget.lines[].breaker", frozenset({"reason"})) == reasons


def alert_kinds_in_code() -> dict[str, set[str]]:
    """kind → the levels ``okrdesk.engine.attention`` raises it at, read from its source.

    Every alert is built as ``Alert(Level.X, "kind", ...)``, or with its level chosen
    as ``Alert(Level.X if ... else Level.Y, "kind", ...)``; an alert written another
    way is not read here, and the count of ``Alert(`` says so.
    """
    source = (ENGINE / "attention.py").read_text(encoding="utf-8")
    kinds: dict[str, set[str]] = {}
    built = re.findall(r'\bAlert\(\s*(Level\.\w+(?:\s+if\s[^,]*?\selse\s+Level\.\w+)?),'
                       r'\s*"(\w+)"', source)  # fmt: skip
    assert len(built) == len(re.findall(r"\bAlert\(", source)), (
        "attention.py builds an alert in a form this reader does not know: "
        'write it Alert(Level.X, "kind", ...)'
    )
    for levels, kind in built:
        for level in re.findall(r"Level\.(\w+)", levels):
            kinds.setdefault(kind, set()).add(attention.Level[level].value)
    return kinds


def test_every_alert_kind_is_listed_with_its_level() -> None:
    kinds = alert_kinds_in_code()
    assert set(kinds) >= {"breaker", "off_track", "plugin"}, "the source reader found too little"
    (table,) = [t for t in md_tables(REPORT_DOC.read_text("utf-8")) if t.header[0] == "kind"]
    listed = {}
    for kind, level, _ in table.rows:
        assert re.fullmatch(r"`\w+`", kind), f"report.md alerts: {kind!r} is not one `kind`"
        assert kind.strip("`") not in listed, f"report.md alerts: {kind} listed twice"
        listed[kind.strip("`")] = set(level.split(", "))
    assert listed == kinds, "report.md's alert kinds and levels should be attention's"


def test_each_alert_is_written_out_once() -> None:
    """An alert whose level depends on something (a checkpoint missed a phase ago is
    information only) is one ``Alert(Level.X if ... else Level.Y, ...)``, not the same
    alert written out once per level: two copies drift apart, one changed without the
    other."""
    source = (ENGINE / "attention.py").read_text(encoding="utf-8")
    built = re.findall(
        r'\bAlert\(\s*Level\.\w+(?:\s+if\s[^,]*?\selse\s+Level\.\w+)?,\s*"(\w+)",\s*[^,]+,'
        r'\s*"([\w.]+)"',
        source,
    )
    assert len(built) > 10, "the source reader found too little"
    twice = sorted({pair for pair in built if built.count(pair) > 1})
    assert not twice, f"attention.py writes these alerts (kind, message) out twice: {twice}"
