"""Docs that quote code must quote it exactly, and the plugin guide must match the hooks.

A plugin author writes functions from docs/plugins.md alone; a hook renamed,
an argument added or a field dropped in the code would leave them with a
plugin okrdesk never calls, or calls with arguments it does not take.
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import attrs
import pytest

from okrdesk.plugins import hookspecs

ROOT = Path(__file__).resolve().parents[1]
QUOTED = re.compile(r"<!-- example: (?P<path>\S+) -->\n```\w*\n(?P<body>.*?)```", re.DOTALL)
PLUGIN_GUIDE = ROOT / "docs" / "plugins.md"
HOOK_HEADING = re.compile(r"^### `(?P<name>okrdesk_\w+)\((?P<args>[^)]*)\)`$", re.MULTILINE)

FIELD_TABLES = {
    "okrdesk_collect": hookspecs.CollectRequest,
    "okrdesk_report_formats": hookspecs.ReportFormat,
}
"""The hooks whose section has a ``| field | what it is |`` table, and the class it lists."""


def quoted_examples() -> list[tuple[str, str, str]]:
    found = []
    for doc in sorted((ROOT / "docs").glob("*.md")):
        for match in QUOTED.finditer(doc.read_text(encoding="utf-8")):
            found.append((doc.name, match["path"], match["body"]))
    return found


@pytest.mark.parametrize(("doc", "path", "body"), quoted_examples())
def test_quoted_files_match_the_real_files(doc: str, path: str, body: str) -> None:
    assert (ROOT / path).read_text(encoding="utf-8") == body, f"{doc} quotes {path} out of date"


def test_the_plugin_guide_quotes_the_example_package() -> None:
    assert {p for d, p, _ in quoted_examples() if d == "plugins.md"} == {
        "tests/example_plugin/pyproject.toml",
        "tests/example_plugin/src/okrdesk_salons/__init__.py",
    }


def hookspec_functions() -> dict[str, object]:
    """Every hook okrdesk declares: the functions pluggy marked ``@hookspec``."""
    return {
        name: value
        for name, value in vars(hookspecs).items()
        if callable(value) and hasattr(value, "okrdesk_spec")
    }


def documented_hooks() -> dict[str, list[str]]:
    """Each ``### `okrdesk_x(a, b)``` heading of docs/plugins.md: hook name → argument names."""
    guide = PLUGIN_GUIDE.read_text(encoding="utf-8")
    found: dict[str, list[str]] = {}
    for match in HOOK_HEADING.finditer(guide):
        assert match["name"] not in found, f"docs/plugins.md documents {match['name']} twice"
        found[match["name"]] = [a.strip() for a in match["args"].split(",") if a.strip()]
    return found


def hook_sections() -> dict[str, str]:
    """The text under each hook's heading, up to the next heading."""
    guide = PLUGIN_GUIDE.read_text(encoding="utf-8")
    sections = {}
    for match in HOOK_HEADING.finditer(guide):
        rest = guide[match.end() :]
        end = re.search(r"^#{1,3} ", rest, re.MULTILINE)
        sections[match["name"]] = rest[: end.start() if end else len(rest)]
    return sections


def test_the_hooks_are_found() -> None:
    """Guards the two finders: an empty match on both sides would pass everything below."""
    assert {"okrdesk_metrics", "okrdesk_collect"} <= set(hookspec_functions())
    assert {"okrdesk_metrics", "okrdesk_collect"} <= set(documented_hooks())


def test_every_hook_is_documented_and_no_other() -> None:
    declared, documented = set(hookspec_functions()), set(documented_hooks())
    assert not declared - documented, f"docs/plugins.md lacks a heading for {declared - documented}"
    assert not documented - declared, f"docs/plugins.md documents no such hook {documented - declared}"


@pytest.mark.parametrize("name", sorted(hookspec_functions()))
def test_each_hook_heading_has_the_hookspec_arguments(name: str) -> None:
    """Pluggy passes arguments by name, so the names and their order must be the code's."""
    spec = hookspec_functions()[name]
    assert spec.__doc__, f"{name} needs a docstring"
    wanted = list(inspect.signature(spec).parameters)  # type: ignore[arg-type]
    written = documented_hooks().get(name)
    assert written == wanted, (
        f"docs/plugins.md: ### `{name}({', '.join(written or [])})` should be "
        f"### `{name}({', '.join(wanted)})`"
    )


def test_the_guide_names_no_hook_that_does_not_exist() -> None:
    """Anywhere in the text, not only in headings: a sentence may still say an old name.

    ``okrdesk_salons`` is the example package's import name, which the guide
    quotes; every other ``okrdesk_*`` word must be a hook.
    """
    guide = PLUGIN_GUIDE.read_text(encoding="utf-8")
    packages = {p.name for p in (ROOT / "tests" / "example_plugin" / "src").iterdir()}
    named = set(re.findall(r"\bokrdesk_\w+", guide)) - packages
    unknown = named - set(hookspec_functions())
    assert not unknown, f"docs/plugins.md names hooks that do not exist: {sorted(unknown)}"


def table_rows(text: str, header: str) -> list[list[str]]:
    """The rows of the Markdown table in ``text`` whose header row is ``header``."""
    lines = text.splitlines()
    start = lines.index(header)
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    return rows


@pytest.mark.parametrize("name", sorted(FIELD_TABLES))
def test_each_hook_field_table_lists_the_fields_of_its_class(name: str) -> None:
    cls = FIELD_TABLES[name]
    rows = table_rows(hook_sections()[name], "| field | what it is |")
    written = []
    for row in rows:
        match = re.fullmatch(r"`(\w+)`", row[0])
        assert match, f"docs/plugins.md {name}: the first column should be one `field`: {row[0]}"
        written.append(match[1])
    wanted = [f.name for f in attrs.fields(cls)]
    assert written == wanted, f"docs/plugins.md {name}: the {cls.__name__} fields are {wanted}"


def test_only_the_mapped_hooks_have_field_tables() -> None:
    """A field table added under another hook needs its class in ``FIELD_TABLES`` to be checked."""
    with_tables = {n for n, text in hook_sections().items() if "| field | what it is |" in text}
    assert with_tables == set(FIELD_TABLES)
