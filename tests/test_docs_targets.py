"""Every key docs/targets.md lists is one okrdesk accepts, and every key it accepts is listed.

A manager writes target files from that page. A key the page lists but the
schema refuses makes validate fail on a file written by the book; a key the
schema accepts but the page leaves out is a feature nobody can find. The page
lists keys in one table per TOML table, under a heading naming that table
(``### `[[objectives.key_results]]` ``), with the key in the first column.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from okrdesk.targets import sections, settings
from test_docs import MdTable, md_tables

ROOT = Path(__file__).resolve().parents[1]
TARGETS_DOC = ROOT / "docs" / "targets.md"

KEYS: dict[str, tuple[str, ...]] = {
    "okrdesk.toml": settings._TOP_KEYS,
    "[workspace]": settings._WORKSPACE_KEYS,
    "[checkin]": settings._CHECKIN_KEYS,
    "[plan]": sections.PLAN_KEYS,
    "[[phases]]": sections.PHASE_KEYS,
    "[[units]]": sections.UNIT_KEYS,
    "[[people]]": sections.PERSON_KEYS,
    "[[objectives]]": sections.OBJECTIVE_KEYS,
    "[[objectives.key_results]]": sections.KEY_RESULT_KEYS,
    "[budget]": sections.BUDGET_KEYS,
    "[[budget.lines]]": sections.LINE_KEYS,
    "[[scoring]]": sections.SCORING_KEYS,
    "[[scoring.components]]": sections.COMPONENT_KEYS,
    "[[baselines]]": sections.BASELINE_KEYS,
}
"""The table each heading names → the keys the code accepts in it."""

SETTINGS_TABLES = ("okrdesk.toml", "[workspace]", "[checkin]")
"""The tables of okrdesk.toml; the rest are tables of target files."""


def key_tables() -> dict[str, MdTable]:
    """Each table whose first column is ``key``, by the table its heading names.

    The heading's first code span is the name; a key table under a heading
    with none, or two key tables under one name, is an error, so the reading
    never has to guess.
    """
    found: dict[str, MdTable] = {}
    for table in md_tables(TARGETS_DOC.read_text(encoding="utf-8")):
        if table.header[0] != "key":
            continue
        name = re.search(r"`([^`]+)`", table.heading)
        assert name, f"targets.md:{table.line}: a key table under {table.heading!r} names no table"
        assert name[1] not in found, f"targets.md:{table.line}: a second key table for {name[1]}"
        found[name[1]] = table
    return found


def documented_keys(table: MdTable) -> list[str]:
    keys = []
    for row in table.rows:
        match = re.fullmatch(r"`([A-Za-z0-9_-]+)`", row[0])
        assert match, f"targets.md table at line {table.line}: {row[0]!r} is not one `key`"
        keys.append(match[1])
    return keys


def test_every_schema_key_tuple_is_mapped() -> None:
    """A new ``*_KEYS`` tuple in the schema is a new table the page must document."""
    tuples = {id(v) for n, v in vars(sections).items() if n.endswith("_KEYS")}
    assert tuples <= {id(keys) for keys in KEYS.values()}


def test_the_documented_tables_are_the_schemas_tables() -> None:
    """The top-level tables are ``SECTIONS``, and each nested table is a key of its parent."""
    assert set(key_tables()) == set(KEYS), "targets.md should have one key table per TOML table"
    names = {n.strip("[]"): n for n in KEYS if n not in SETTINGS_TABLES}
    assert {n for n in names if "." not in n} == set(sections.SECTIONS)
    for name in names:
        parent, _, child = name.rpartition(".")
        assert not parent or child in KEYS[names[parent]], f"{name}: no key {child} in {parent}"
    assert set(settings._TOP_KEYS) >= {n.strip("[]") for n in SETTINGS_TABLES[1:]}


@pytest.mark.parametrize("name", sorted(KEYS))
def test_each_tables_keys_are_exactly_what_the_schema_accepts(name: str) -> None:
    written = documented_keys(key_tables()[name])
    assert len(written) == len(set(written)), f"targets.md {name}: a key listed twice"
    accepted = set(KEYS[name])
    undocumented = sorted(accepted - set(written))
    refused = sorted(set(written) - accepted)
    assert not undocumented, f"targets.md {name}: document the keys {undocumented}"
    assert not refused, f"targets.md {name}: the schema does not accept {refused}"


def test_the_key_result_calendar_is_documented() -> None:
    """``okrdesk split --over`` writes this table; a manager must be able to read it."""
    text = TARGETS_DOC.read_text(encoding="utf-8")
    assert "[objectives.key_results.calendar]" in text
    assert "## Calendars: due by month or week" in text
