"""A target file's keys are checked past its mistakes of syntax (targets/past_syntax.py):
every mistake at once, where a quoted figure above a mistake of syntax was hidden until
that was fixed, and nothing said that only a line left out made the rest say."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import zlib
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest
from click.testing import CliRunner

from okrdesk.cli import cli
from okrdesk.model import MetricSpec
from okrdesk.plugins.manager import PluginHost
from okrdesk.resources import shipped
from okrdesk.targets import load_plan
from okrdesk.targets.draft import Draft
from okrdesk.targets.load import parse_toml_file
from okrdesk.targets.past_syntax import ReadPast, problems_past_syntax
from okrdesk.targets.reader import Findings, SourceFile
from okrdesk.targets.schema import read_file
from sample_workspace import OKRS, WriteWorkspace

KEY_LINE = re.compile(r"^(\s*)([A-Za-z0-9_.\"-]+)\s*=\s*\S")


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Mapping[str, MetricSpec]]:
    """A copy of the sample plan, and the installed plugins' metrics."""
    root = tmp_path_factory.mktemp("sample")
    shutil.copytree(shipped("sample_targets"), root / "targets")
    return root, PluginHost(root / "plugins", workspace_code=False).load().metrics


def _read_past(path: Path, root: Path, metrics: Mapping[str, MetricSpec]) -> list[ReadPast]:
    read_past: list[ReadPast] = []
    assert parse_toml_file(path, root, Findings(), metrics=metrics, read_past=read_past) is None
    return read_past


def _read_file(metrics: Mapping[str, MetricSpec]) -> Callable[[SourceFile, Findings], None]:
    """The checks of a target file's keys, as load_plan makes them."""

    def check(source: SourceFile, found: Findings) -> None:
        read_file(source, Draft(metrics=metrics), found)

    return check


def _key_lines(text: str) -> list[tuple[int, str]]:
    return [(n, line) for n, line in enumerate(text.split("\n"), 1) if KEY_LINE.match(line)]


def _broken(text: str, line: int) -> str:
    lines = text.split("\n")
    found = KEY_LINE.match(lines[line - 1])
    assert found is not None
    lines[line - 1] = f"{found.group(1)}{found.group(2)} = @@"
    return "\n".join(lines)


def test_a_quoted_figure_above_a_mistake_of_syntax_is_reported_with_it(
    write_workspace: WriteWorkspace,
) -> None:
    okrs = OKRS.replace("target = 360", 'target = "¥360"').replace(
        "target = 0.15", "target = 0.15‰"
    )
    root = write_workspace({"okrs.toml": okrs})
    done = CliRunner().invoke(cli, ["validate", "--lang", "en", "-w", str(root)])
    assert done.exit_code == 2
    said = [line for line in done.output.splitlines() if line.startswith("targets/")]
    assert said[0].startswith("targets/okrs.toml:10: objectives[O1].key_results[KR1].target: ")
    assert "expected a number, got a string ('¥360')" in said[0]
    assert said[1].startswith("targets/okrs.toml:19: TOML syntax: ")
    assert done.output.splitlines()[-1] == "4 files checked, 2 problems."
    # Every other command refuses the plan with both as well.
    assert [p.line for p in load_plan(root).problems] == [10, 19]


def test_no_line_left_out_of_the_sample_makes_the_rest_say_anything(
    sample: tuple[Path, Mapping[str, MetricSpec]],
) -> None:
    root, metrics = sample
    for path in sorted((root / "targets").glob("*.toml")):
        text = path.read_text(encoding="utf-8")
        try:
            for line, written in _key_lines(text):
                path.write_text(_broken(text, line), encoding="utf-8")
                [read] = _read_past(path, root, metrics)
                assert read.removed == (line,)
                assert problems_past_syntax(read, _read_file(metrics)) == [], (
                    path.name,
                    line,
                    written,
                )
        finally:
            path.write_text(text, encoding="utf-8")


def test_a_mistake_elsewhere_is_told_and_one_in_the_same_table_is_not(
    sample: tuple[Path, Mapping[str, MetricSpec]],
) -> None:
    root, metrics = sample
    path = root / "targets" / "branch.toml"
    text = path.read_text(encoding="utf-8")
    quoted = text.replace("  target = 45\n", '  target = "¥45"\n', 1)
    assert quoted != text
    at = quoted.split("\n").index('  target = "¥45"') + 1
    kr1 = _table_start(quoted, at)
    c1 = _table_start(quoted, kr1)
    lines = quoted.split("\n")
    assert lines[c1 - 1] == "[[objectives]]"
    next_item = next(n for n in range(at, len(lines)) if lines[n - 1].lstrip().startswith("[["))
    told = 0
    try:
        for line, _ in _key_lines(quoted):
            if line == at:
                continue
            path.write_text(_broken(quoted, line), encoding="utf-8")
            [read] = _read_past(path, root, metrics)
            problems = problems_past_syntax(read, _read_file(metrics))
            # The key result holding it (its members' table too), and the objective's own
            # keys above it: a line left out there may be why.
            if c1 < line < next_item:
                assert problems == [], line
            else:
                assert [(p.line, p.key) for p in problems] == [
                    (at, "objectives[C1].key_results[KR1].target")
                ], line
                told += 1
    finally:
        path.write_text(text, encoding="utf-8")
    assert told > 100


def _table_start(text: str, line: int) -> int:
    """The line of the header the table of ``line`` starts at."""
    lines = text.split("\n")
    return max(n for n in range(1, line) if lines[n - 1].lstrip().startswith("["))


NOT_PAST = {
    # The objective's owner, written below its key result and mistyped there: left out,
    # the objective would read as without an owner, which is not what the file says.
    "an objective's own keys past a line of its key result": (
        OKRS.replace('owner = "branch"\n', "").replace("target = 360", "target = 360\nowner = @@"),
        10,
    ),
    # Leaving out a header would put the keys below it into the table above.
    "anything past a mistake in a header": (
        OKRS.replace("target = 360", 'target = "¥360"').replace(
            '[[objectives.key_results]]\nid = "KR2"', '[[objectives.key_results]\nid = "KR2"'
        ),
        14,
    ),
    "anything past a mistake above every header": (
        "owner = @@\n" + OKRS.replace("target = 360", 'target = "¥360"'),
        1,
    ),
}


@pytest.mark.parametrize("okrs, mistake", NOT_PAST.values(), ids=NOT_PAST)
def test_what_a_line_left_out_could_make_say_is_not_told(
    write_workspace: WriteWorkspace, okrs: str, mistake: int
) -> None:
    root = write_workspace({"okrs.toml": okrs})
    assert [(p.line, p.key) for p in load_plan(root).problems] == [(mistake, "")]


SETTINGS = """\
[workspace]
name = "福田"
plugin_timeout = -5

[[send.channels]]
kind = "wecom"
name = "group"
url_env = "OKRDESK_WECOM"
"""


def _validated(root: Path) -> list[str]:
    done = CliRunner().invoke(cli, ["validate", "--lang", "en", "-w", str(root)])
    assert done.exit_code == 2
    return [line for line in done.output.splitlines() if line.startswith("okrdesk.toml:")]


def test_okrdesk_toml_is_checked_past_its_mistakes_of_syntax_too(
    write_workspace: WriteWorkspace,
) -> None:
    root = write_workspace()
    settings = root / "okrdesk.toml"
    settings.write_text(SETTINGS + "timeout = 30 秒\n", encoding="utf-8")
    said = _validated(root)
    assert said[0] == "okrdesk.toml:3: workspace.plugin_timeout: must be above 0 seconds, got -5"
    assert said[1].startswith("okrdesk.toml:9: TOML syntax: ")
    assert len(said) == 2
    # In the same table as the mistake, the figure is not told: the line left out may
    # be why (here it is not, but nothing past syntax can say so).
    settings.write_text(SETTINGS.replace('name = "福田"', "name = 福田"), encoding="utf-8")
    said = _validated(root)
    assert [line.split(": ", 1)[0] for line in said] == ["okrdesk.toml:2"]


EVERY = 1 if os.environ.get("OKRDESK_PAST_SYNTAX_EVERY_LINE") else 16
"""Which key lines of the corpus the property below breaks: one in sixteen by default
(about 2,200, some seconds); every one (about 35,000, half a minute or more) with
OKRDESK_PAST_SYNTAX_EVERY_LINE=1."""


def test_what_is_told_past_a_mistake_is_told_of_the_file_without_it() -> None:
    """Across the corpus of broken workspaces: with any one key line of a file mistyped,
    every problem told past it is one the file without that mistake has, word for word."""
    from test_corpus import CASES, build_workspace

    check = _read_file({})
    broke = 0
    for case in sorted(p for p in CASES.iterdir() if p.is_dir() and p.name != "_base"):
        with tempfile.TemporaryDirectory() as scratch:
            root = build_workspace(case, Path(scratch))
            for path in sorted((root / "targets").glob("*.toml")):
                text = _small_text(path)
                source = None if text is None else parse_toml_file(path, root, Findings())
                if source is None or text is None:
                    continue
                whole = Findings()
                check(source, whole)
                said = {(p.line, p.key, p.message) for p in whole.problems}
                start = zlib.crc32(f"{case.name}/{path.name}".encode()) % EVERY
                for line, _ in _key_lines(text)[start::EVERY]:
                    path.write_text(_broken(text, line), encoding="utf-8")
                    for read in _read_past(path, root, {}):
                        for problem in problems_past_syntax(read, check):
                            assert (problem.line, problem.key, problem.message) in said, (
                                case.name, path.name, line, str(problem)
                            )  # fmt: skip
                    broke += 1
                path.write_text(text, encoding="utf-8")
    assert broke > 30_000 // EVERY


def _small_text(path: Path) -> str | None:
    """The file's text where it is UTF-8 and small enough to break line by line."""
    if path.stat().st_size > 20_000:
        return None
    try:
        return path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError):
        return None


BASELINES = """\
[[baselines]]
metric = "fee_revenue"
subject = "branch"
unit = "万元"
values = { "2025-01" = 31, "2025-02" = 28 }

[[baselines]]
metric = "fee_revenue"
unit = "万元"
values = { "2025-01" = 11, "2025-13" = 8 }
"""


def _said(root: Path) -> set[tuple[int, str, str]]:
    return {(p.line, p.key, p.message) for p in load_plan(root).problems}


def test_a_baseline_read_past_a_mistake_clashes_with_none_lacking_its_subject_too(
    write_workspace: WriteWorkspace,
) -> None:
    # The first baseline's subject mistyped, the second's missing: left out, the first
    # lacked one too, and the two were told as giving the same periods "of None".
    root = write_workspace({"baselines.toml": BASELINES})
    fixed = _said(root)
    assert [(line, key) for line, key, _ in sorted(fixed)] == [
        (7, "baselines[1].subject"),
        (10, "baselines[1].values.2025-13"),
    ]
    broken = BASELINES.replace('subject = "branch"', "subject = 福田营业部")
    write_workspace({"baselines.toml": broken}, root=root)
    said = _said(root)
    assert [line for line, _, message in said if message.startswith("TOML syntax")] == [3]
    assert {told for told in said if not told[2].startswith("TOML syntax")} == fixed
    # Nor does a clean file whose two baselines both lack their subject say so.
    write_workspace({"baselines.toml": BASELINES.replace('subject = "branch"\n', "")}, root=root)
    assert [key for _, key, _ in sorted(_said(root))] == [
        "baselines[0].subject",
        "baselines[1].subject",
        "baselines[1].values.2025-13",
    ]


ELSEWHERE = {
    "branch.toml": ("  target = 180\n", '  target = "180户"\n'),
    "budget.toml": ("  amount = 36\n", '  amount = "36万"\n'),
    "org.toml": ('role = "compliance" ', "role = 3 "),
    "plan.toml": ('name = "收官"', "name = 4"),
    "scoring.toml": ("  standard = 15\n", '  standard = "15万"\n'),
}
"""A real mistake in each sample file, far from the lines broken below."""

MISTYPED = {
    "a full-width colon": ("branch.toml", "  target = 360\n", "  target：360\n"),
    "a key in Chinese": ("branch.toml", "  target = 360\n", "  目标 = 360\n"),
    "a name as a member key": ("branch.toml", "  wm2 = 140\n", "  李雷 = 140\n"),
    "a sign and a yuan mark": ("branch.toml", "  target = 62\n", "  target = -¥60\n"),
    "a trailing point": ("branch.toml", "  target = 360\n", "  target = 360.\n"),
    "a key written twice": ("branch.toml", "  target = 62\n", "  target = 62\n  target = 64\n"),
    "a dotted key into an inline table": (
        "branch.toml",
        "  milestones = { Q2 = 0.45, Q4 = 1.0 }",
        "  milestones = { Q4 = 1.0 }\n  milestones.Q2 = 0.45",
    ),
    "an inline table's value": (
        "branch.toml",
        '  where = { gender = "female" }',
        "  where = { gender = 女 }",
    ),
    "several at once": (
        "branch.toml",
        "  target = 360\n  unit",
        "  target：360\n  unit = 户\n  unit",
    ),
    "a budget line's amount": ("budget.toml", "  amount = 64\n", "  amount = 64万\n"),
    "a component's weight": ("scoring.toml", "  weight = 0.5\n", "  weight = 五成\n"),
    "a person's id": ("org.toml", 'id = "liuyang"', "id = liuyang"),
    "a phase's end": ("plan.toml", "end = 2026-06-30", "end = 2026年6月30日"),
    "the plan's grain": ("plan.toml", 'grain = "week" ', "grain = week "),
}


@pytest.mark.parametrize("name, right, wrong", MISTYPED.values(), ids=MISTYPED)
def test_a_line_mistyped_any_way_tells_only_what_the_file_with_it_right_says(
    sample: tuple[Path, Mapping[str, MetricSpec]], name: str, right: str, wrong: str
) -> None:
    """Each told past the mistake (by key and words: a line added moves those below) is
    one the file written as meant has, and the mistake elsewhere in the file is told.
    Metrics are not checked: that needs the other files, and waits for the file to read."""
    root, _ = sample
    path = root / "targets" / name
    text = path.read_text(encoding="utf-8")
    good, bad = ELSEWHERE[name]
    assert right in text and good in text
    meant = text.replace(good, bad, 1)
    try:
        path.write_text(meant, encoding="utf-8")
        said_of_meant = [p for p in load_plan(root).problems if p.file.endswith(name)]
        path.write_text(meant.replace(right, wrong, 1), encoding="utf-8")
        said = [p for p in load_plan(root).problems if p.file.endswith(name)]
    finally:
        path.write_text(text, encoding="utf-8")
    [elsewhere] = [(p.key, p.message) for p in said_of_meant]
    assert any(p.message.startswith("TOML syntax") for p in said)
    told = {(p.key, p.message) for p in said if not p.message.startswith("TOML syntax")}
    assert told == {elsewhere}


def test_a_mistake_of_syntax_in_okrdesk_toml_does_not_make_its_sql_metrics_unknown(
    write_workspace: WriteWorkspace,
) -> None:
    """An okrdesk.toml that does not read leaves the SQL source without the metrics it
    defines: a key result on one was told "no loaded plugin provides metric", which the
    file with its mistake fixed does not say. The plan's metrics wait for it to read."""
    from test_sql_metrics import ATTENDEES_DEFINITION, SALONS_OKRS, sql_only_workspace

    settings = '[workspace]\nname = "福田"\n\n' + ATTENDEES_DEFINITION
    root = sql_only_workspace(write_workspace, SALONS_OKRS, settings)
    done = CliRunner().invoke(cli, ["validate", "--lang", "en", "-w", str(root)])
    assert done.exit_code == 0, done.output
    (root / "okrdesk.toml").write_text(settings.replace('"福田"', "福田"), encoding="utf-8")
    said = _validated(root)
    assert [line.split(": ", 2)[:2] for line in said] == [["okrdesk.toml:2", "TOML syntax"]]
    done = CliRunner().invoke(cli, ["validate", "--lang", "en", "-w", str(root)])
    assert "targets/" not in done.output
    assert done.output.splitlines()[-1] == "3 files checked, 1 problem."
    # A metric no plugin could provide is still told once the file reads.
    (root / "okrdesk.toml").write_text(settings, encoding="utf-8")
    salons = root / "targets" / "salons.toml"
    salons.write_text(SALONS_OKRS.replace('"salon_attendees"', '"salon_atendees"'), "utf-8")
    done = CliRunner().invoke(cli, ["validate", "--lang", "en", "-w", str(root)])
    assert 'no loaded plugin provides metric "salon_atendees"' in done.output


EVERY_TABLE = """\
[workspace]
name = "福田"
lang = "zh"
plugin_timeout = -5

[checkin]
by = "chenjianguo"

[sources.brokerage]
data = "data/crm"

[send]
reports = "reports"
reports_url = "intranet/okr/"

[[send.channels]]
kind = "wecom"
name = "group"
url_env = "OKRDESK_WECOM"

[[send.channels]]
kind = "email"
name = "mail"
host = "smtp.example.com"
sender = "okr@example.com"
to = ["a@example.com"]
port = 70000

[[send.channels]]
kind = "dingtalk"
name = "group"
url_env = "https://oapi.dingtalk.com/robot/send?access_token=x"

[[send.channels]]
kind = "mail"
name = "boss"
host = "smtp.example.com"
sender = "okr@example.com"
to = []
"""
"""okrdesk.toml with a mistake in most of its tables."""


def test_no_line_or_two_left_out_of_okrdesk_toml_makes_the_rest_say_anything(
    tmp_path: Path,
) -> None:
    from itertools import combinations

    from okrdesk.targets.settings import read_settings

    path = tmp_path / "okrdesk.toml"

    def said(text: str) -> set[tuple[int, str, str]]:
        path.write_text(text, encoding="utf-8")
        found = Findings()
        read_settings(tmp_path, found)
        return {(p.line, p.key, p.message) for p in found.problems}

    whole = said(EVERY_TABLE)
    assert len(whole) >= 5
    keys = [line for line, _ in _key_lines(EVERY_TABLE)]
    for lines in [*((line,) for line in keys), *combinations(keys, 2)]:
        broken = EVERY_TABLE
        for line in lines:
            broken = _broken(broken, line)
        told = {p for p in said(broken) if not p[2].startswith("TOML syntax")}
        assert told <= whole, (lines, told - whole)
