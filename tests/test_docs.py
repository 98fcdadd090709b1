"""Docs that quote code must quote it exactly, and the plugin guide must match the hooks.

A plugin author writes functions from docs/plugins.md alone; a hook renamed,
an argument added or a field dropped in the code would leave them with a
plugin okrdesk never calls, or calls with arguments it does not take.

The small Markdown readers at the end (tables, headings, anchors) are shared
with the other ``test_docs_*`` modules, which check other pages the same way.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

from okrdesk.plugins import hookspecs

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
QUOTED = re.compile(r"<!-- example: (?P<path>\S+) -->\n```\w*\n(?P<body>.*?)```", re.DOTALL)
PLUGIN_GUIDE = DOCS / "plugins.md"
HOOK_HEADING = re.compile(r"^### `(?P<name>okrdesk_\w+)\((?P<args>[^)]*)\)`$", re.MULTILINE)

FIELD_TABLES = {
    "okrdesk_check_settings": hookspecs.SettingsProblem,
    "okrdesk_collect": hookspecs.CollectRequest,
    "okrdesk_report_formats": hookspecs.ReportFormat,
}
"""The hooks whose section has a ``| field | what it is |`` table, and the class it lists."""


def quoted_examples() -> list[tuple[str, str, str]]:
    found = []
    for doc in sorted(DOCS.glob("*.md")):
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
        "tests/example_plugin/tests/test_salons.py",
    }


EXAMPLE_MODULE = "tests/example_plugin/src/okrdesk_salons/__init__.py"
CITED_EXAMPLE_LINE = re.compile(r"okrdesk_salons/__init__\.py:(?P<line>\d+)")
EXAMPLE_LINE_CITED_FOR = {
    "returned a list of 32 items": "def okrdesk_collect(",
    "was registered\nbefore": "register(",
    "is not a unit okrdesk knows": 'unit=UNITS["%"]',
    "不是 okrdesk 认识的计量单位": 'unit=UNITS["%"]',
    "emit was given the keyword valu": 'emit("salon_attendees"',
    "No such file or directory": "path.open(",
    "KeyError: 'attendees'": 'int(row["attendees"])',
    "the line of your code that printed": None,  # a print the example has not
}
"""What the example's line holds where docs/plugins.md cites it after these words (the
nearest before the citation): an author trying the mistake on the example sees that line."""


def test_the_guide_cites_the_example_s_own_lines() -> None:
    guide = PLUGIN_GUIDE.read_text(encoding="utf-8")
    lines = (ROOT / EXAMPLE_MODULE).read_text(encoding="utf-8").splitlines()
    cited = list(CITED_EXAMPLE_LINE.finditer(guide))
    assert len(cited) == 9
    for found in cited:
        before = guide[: found.start()]
        words = max(EXAMPLE_LINE_CITED_FOR, key=before.rfind)
        assert before.rfind(words) >= 0, f"no known words before {found[0]}"
        code = EXAMPLE_LINE_CITED_FOR[words]
        if code is not None:
            assert code in lines[int(found["line"]) - 1], f"{found[0]}, after {words!r}"


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
    assert not documented - declared, (
        f"docs/plugins.md documents no such hook {documented - declared}"
    )


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
    quotes; every other ``okrdesk_*`` word must be a hook. A link's anchor
    (``#okrdesk_collectrequest-emit``, a hook's heading) is no name: the link
    checker below checks that it leads somewhere.
    """
    guide = re.sub(r"\]\(#[^)\s]+\)", "]()", PLUGIN_GUIDE.read_text(encoding="utf-8"))
    packages = {p.name for p in (ROOT / "tests" / "example_plugin" / "src").iterdir()}
    named = set(re.findall(r"\bokrdesk_\w+", guide)) - packages
    unknown = named - set(hookspec_functions())
    assert not unknown, f"docs/plugins.md names hooks that do not exist: {sorted(unknown)}"


@pytest.mark.parametrize("name", sorted(FIELD_TABLES))
def test_each_hook_field_table_lists_the_fields_of_its_class(name: str) -> None:
    cls = FIELD_TABLES[name]
    (table,) = [t for t in md_tables(hook_sections()[name]) if t.header[0] == "field"]
    written = []
    for row in table.rows:
        match = re.fullmatch(r"`(\w+)`", row[0])
        assert match, f"docs/plugins.md {name}: the first column should be one `field`: {row[0]}"
        written.append(match[1])
    wanted = [f.name for f in attrs.fields(cls)]
    assert written == wanted, f"docs/plugins.md {name}: the {cls.__name__} fields are {wanted}"


def test_only_the_mapped_hooks_have_field_tables() -> None:
    """A field table added under another hook needs its class in ``FIELD_TABLES`` to be checked."""
    with_tables = {n for n, text in hook_sections().items() if "| field | what it is |" in text}
    assert with_tables == set(FIELD_TABLES)


# ------------------------------------------------------------------ reading Markdown


@attrs.frozen
class MdTable:
    """A Markdown table, with the heading it stands under (its title as written)."""

    heading: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    line: int
    """1-based line of its header row, for messages."""


FENCE = re.compile(r"^\s*(```|~~~)")
HEADING = re.compile(r"^(?P<marks>#{1,6}) (?P<title>.+?)\s*$")


def prose_lines(text: str) -> Iterator[tuple[int, str]]:
    """(line number, line) for every line outside fenced code blocks.

    Inside a ```toml block a ``#`` line is a comment and a ``|`` line is data,
    never a heading or a table row.
    """
    fenced = False
    for number, line in enumerate(text.splitlines(), start=1):
        if FENCE.match(line):
            fenced = not fenced
        elif not fenced:
            yield number, line


def cells(line: str) -> tuple[str, ...]:
    """The cells of a table row; ``\\|`` is a pipe inside a cell."""
    inner = line.strip().removeprefix("|").removesuffix("|")
    return tuple(c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", inner))


def md_tables(text: str) -> list[MdTable]:
    """Every table outside code blocks, each row checked to have the header's width."""
    found: list[MdTable] = []
    heading = ""
    current: list[tuple[int, str]] = []
    lines = [*prose_lines(text), (-1, "")]
    for number, line in lines:
        if line.startswith("|"):
            current.append((number, line))
            continue
        if current:
            header = cells(current[0][1])
            assert len(current) >= 2 and set(current[1][1]) <= set("|-: "), (
                f"line {current[0][0]}: a table needs a |---| row under its header"
            )
            rows = tuple(cells(row) for _, row in current[2:])
            for (row_number, _), row in zip(current[2:], rows, strict=True):
                assert len(row) == len(header), (
                    f"line {row_number}: {len(row)} cells, not {len(header)}"
                )
            found.append(MdTable(heading, header, rows, current[0][0]))
            current = []
        if match := HEADING.match(line):
            heading = match["title"]
    return found


def slug(title: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as -."""
    return re.sub(r"[^\w\- ]", "", title.strip().lower()).replace(" ", "-")


def anchors(text: str) -> set[str]:
    found: set[str] = set()
    for _, line in prose_lines(text):
        if match := HEADING.match(line):
            base = slug(match["title"])
            name, n = base, 0
            while name in found:
                n += 1
                name = f"{base}-{n}"
            found.add(name)
    return found


OWN_PAGES = ("plugins.md", "plugins-sql.md", "targets.md", "report.md", "cli.md")
LINK = re.compile(r"\]\((?P<file>[\w./-]*?)(?:#(?P<anchor>[^)\s]+))?\)")
"""A link to a page or heading here; ``https://`` links never match (no ``:``)."""


@pytest.mark.parametrize("page", OWN_PAGES)
def test_links_between_the_pages_lead_somewhere(page: str) -> None:
    """A renamed heading silently breaks every link to it; these pages link a lot."""
    text = (DOCS / page).read_text(encoding="utf-8")
    broken = []
    for number, line in prose_lines(text):
        for match in LINK.finditer(line):
            target = (DOCS / match["file"]) if match["file"] else DOCS / page
            if not target.is_file():
                broken.append(f"{page}:{number}: no file {match['file']}")
            elif match["anchor"] and match["anchor"] not in anchors(target.read_text("utf-8")):
                broken.append(f"{page}:{number}: no heading #{match['anchor']} in {target.name}")
    assert not broken, "\n".join(broken)


def test_the_markdown_readers_read_what_they_should() -> None:
    """The checks above and in test_docs_* rely on these; a reader that finds nothing
    would make every one of them pass."""
    code = ["```toml", "# not a heading", "| not | a table |", "```"]
    text = "\n".join(["# A `b`", "", *code, "", "| key | x |", "|---|---|", "| `a\\|b` | 1 |", ""])
    (table,) = md_tables(text)
    assert (table.heading, table.header, table.rows) == ("A `b`", ("key", "x"), (("`a|b`", "1"),))
    assert anchors(text) == {"a-b"}
    assert slug("`[[objectives.key_results]]`") == "objectiveskey_results"
    assert slug("Calendars: due by month or week") == "calendars-due-by-month-or-week"


def test_the_metric_spec_example_names_every_field() -> None:
    """The ``MetricSpec(...)`` under "## Metric specs" is the guide's table of its fields."""
    from okrdesk.model import MetricSpec

    guide = PLUGIN_GUIDE.read_text(encoding="utf-8")
    section = guide[guide.index("## Metric specs") :]
    # Its imports first, then the call.
    example = re.search(
        r"```python\n(?:(?:from|import) [^\n]*\n)*\nMetricSpec\((?P<body>.*?)\n\)\n```",
        section, re.DOTALL,
    )  # fmt: skip
    assert example, "docs/plugins.md: ## Metric specs should open with a MetricSpec(...) example"
    written = re.findall(r"^\s+(\w+)=", example["body"], re.MULTILINE)
    assert written == [f.name for f in attrs.fields(MetricSpec)]


def test_the_guide_s_amounts_as_people_write_them_read_as_it_says() -> None:
    """docs/plugins.md, Emitting observations: what written_number gives a plugin for an
    export's amounts, which Decimal and float refuse."""
    from okrdesk.written_numbers import written_number

    guide = " ".join(PLUGIN_GUIDE.read_text(encoding="utf-8").split())
    said = {"120,000.00": 120000.0, "12.5万": 125000.0, "１２．５": 12.5, "¥1,234.50": 1234.5}
    for text, number in said.items():
        assert f"`{text}`" in guide
        assert written_number(text) == number, text
    for text in ("约五万", "1,5"):
        assert f"`{text}`" in guide
        assert written_number(text) is None, text


def test_the_guide_s_settings_check_takes_the_example_s_settings(tmp_path: Path) -> None:
    """docs/plugins.md's okrdesk_check_settings, run as written: it knew `file` alone, and
    refused the `encoding` the complete example reads and documents. It is the example's
    own, which had none."""
    guide = PLUGIN_GUIDE.read_text(encoding="utf-8")
    reference = guide[guide.index("### `okrdesk_check_settings(") :]
    block = r"```python\n((?:(?!```).)*?def okrdesk_check_settings\(.*?)```"
    code = re.findall(block, reference, re.DOTALL)[0]
    hooks = code.partition("\n\n")[2]  # less its import line
    assert hooks in (ROOT / EXAMPLE_MODULE).read_text(encoding="utf-8")
    namespace: dict[str, Any] = {}
    exec(compile(code, "plugins.md", "exec"), namespace)
    check = namespace["okrdesk_check_settings"]
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "salons.csv").write_text("date,cm_id,attendees,leads\n", "utf-8")
    assert check({"file": "data/salons.csv", "encoding": "gb18030"}, tmp_path) == []
    assert check({}, tmp_path) == []  # the defaults, as okrdesk_collect reads them
    found = check({"fiel": "x.csv", "encoding": "utf-9"}, tmp_path / "elsewhere")
    assert [(p.key, p.about_this_machine) for p in found] == [
        ("fiel", False),
        ("file", True),
        ("encoding", False),
    ]
    assert all(p.zh for p in found)


def test_the_guide_s_first_module_collects_as_written(tmp_path: Path) -> None:
    """docs/plugins.md's first module, under "Guide: a plugin in five steps", run as a
    plugin over a salons.csv in its form: what a stranger copies first from the guide."""
    import datetime as dt
    import types

    from okrdesk.model import Person
    from okrdesk.plugins.citations import source_text
    from okrdesk.plugins.testing import check_plugin

    guide = PLUGIN_GUIDE.read_text(encoding="utf-8")
    part = guide[guide.index("## Guide: a plugin in five steps") : guide.index("# Reference")]
    (code,) = re.findall(r"```python\n(.*?)```", part[: part.index("## A complete")], re.DOTALL)
    plugin = types.ModuleType("guide_salons")
    exec(compile(code, "plugins.md", "exec"), plugin.__dict__)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "salons.csv").write_text(
        "date,cm_id,attendees,leads\n2026-01-06,cm01,30,4\n2026-01-08,cm01,12,1\n"
        "2026-01-14,cm02,5,0\n2026-03-02,cm01,9,1\n",
        encoding="utf-8",
    )
    check = check_plugin(
        plugin,
        people=[Person("cm01", "王芳", "team-a"), Person("cm02", "李雷", "team-a")],
        start=dt.date(2026, 1, 5),
        through=dt.date(2026, 1, 18),
        workspace=tmp_path,
    )
    check.assert_valid()
    assert check.value("salon_attendees", "cm01", "2026-W02").value == 42
    assert check.value("salon_attendees", "cm01", "2026-W03").value == 0  # covered, none: 0
    assert check.value("salon_attendees", "cm02", "2026-W03").value == 5
    cited = {(o.subject, o.period): (o.source, o.no_rows) for o in check.observations}
    assert cited["cm01", "2026-W02"] == ("salons.csv rows 2,3", False)
    assert cited["cm01", "2026-W03"] == ("no row of salons.csv counts, so 0", True)
    # Both in the documented form, so a Chinese explain words them (it wrote "no row of
    # salons.csv, so 0" as it was, in English).
    assert source_text("salons.csv rows 2,3", "zh") == "salons.csv 第 2、3 行"
    assert (
        source_text("no row of salons.csv counts, so 0", "zh")
        == "salons.csv 中没有计入的行，按 0 计"
    )


README = ROOT / "README.md"


def test_the_readme_s_plugin_loads_and_collects_as_written(tmp_path: Path) -> None:
    """README.md's "Writing a plugin" module, run as a plugin: what a stranger copies
    first. Its sources left empty, it declares its metric and emits nothing wrong."""
    import datetime as dt
    import types

    from okrdesk.model import Person
    from okrdesk.plugins.testing import check_plugin

    text = README.read_text(encoding="utf-8")
    part = text[text.index("## Writing a plugin") :]
    (code,) = re.findall(r"```python\n(.*?)```", part[: part.index("## Development")], re.DOTALL)
    plugin = types.ModuleType("readme_salons")
    exec(compile(code, "README.md", "exec"), plugin.__dict__)
    check = check_plugin(
        plugin,
        people=[Person("cm01", "王芳", "team-a")],
        start=dt.date(2026, 1, 5),
        through=dt.date(2026, 1, 11),
        workspace=tmp_path,
    )
    check.assert_valid()
    assert set(check.metrics) == {"salon_attendees"}


def test_the_readme_s_entry_point_is_the_example_package_s() -> None:
    text = README.read_text(encoding="utf-8")
    (table,) = re.findall(r"```toml\n(\[project\.entry-points\.okrdesk\]\n.*?)```", text, re.DOTALL)
    pyproject = (ROOT / "tests" / "example_plugin" / "pyproject.toml").read_text(encoding="utf-8")
    assert table in pyproject
