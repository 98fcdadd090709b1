"""`okrdesk explain --person` at a terminal of 80 columns: a row's source rows ran on to
about 100 columns; now each column of the table is as wide as what it holds, and a
source too long for the line goes on under itself, broken between the rows it cites,
none of them cut. Piped, to a file or a mail, they fold alike at 80 columns; with
COLUMNS=1000 a row is one line, for grep. The demo workspace, the `okrdesk` process, a
real pseudo-terminal."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from okrdesk.messages import display_width
from test_report import AS_OF
from test_weekly_rhythm import in_a_terminal


@pytest.fixture(scope="module")
def demo(copy_of_the_demo: Callable[[str], Path]) -> Path:
    return copy_of_the_demo("explain-folds")


def piped(*args: str, columns: str | None = None) -> list[str]:
    env = {**os.environ, "OKRDESK_LOAD_PLUGINS": "brokerage"}
    env.pop("COLUMNS", None)
    done = subprocess.run(
        [sys.executable, "-m", "okrdesk", *args], stdin=subprocess.DEVNULL,
        capture_output=True, text=True, env=env if columns is None else {**env, "COLUMNS": columns},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(("key_result", "person"), [("WM1.NNA", "wumin"), ("O2.KR1", "zhuqiang")])
def test_a_persons_sources_fold_under_themselves_at_80_columns(
    demo: Path, lang: str, key_result: str, person: str
) -> None:
    args = ("explain", key_result, "--person", person, "-w", str(demo), "--as-of", AS_OF,
            "--lang", lang)  # fmt: skip
    whole = piped(*args, columns="1000")
    assert any(display_width(line) > 80 for line in whole)
    shown = [line.rstrip() for line in in_a_terminal(*args) if line.strip()]
    assert all(display_width(line) <= 80 for line in shown), shown
    assert [line for line in piped(*args) if line.strip()] == shown
    assert "…" not in "".join(shown)
    rows = [line for line in whole if re.match(r"  \d{4}-W\d\d  ", line)]
    # Each row's lines joined again are the row; the lines after its first start where
    # its source does.
    told: list[str] = []
    for line in shown:
        if re.match(r"  \d{4}-W\d\d  ", line):
            told.append(line)
        elif told and line.startswith(" " * 12):
            source = re.search(r"(?<=\d)  (?=\S)", told[-1][12:])  # past the run
            assert source is not None, told[-1]
            indent = 12 + source.end()
            assert display_width(told[-1][:indent]) == len(line) - len(line.lstrip()), line
            told[-1] += "\n" + line
    assert len(told) == len(rows) and len(told) > 40
    assert any("\n" in row for row in told)  # some folded
    assert ["".join(row.split()) for row in told] == ["".join(row.split()) for row in rows]


_COMMAND = re.compile(r"okrdesk(?: [A-Za-z0-9_.=/-]+)+")


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("columns", [36, 44, 50, 70, 120])
def test_explains_lines_fold_once_at_the_width_a_command_whole(
    demo: Path, lang: str, columns: int
) -> None:
    """explain folded a score's sum and a budget line's sentences at 78 columns, then
    the terminal's width folded them again: at 36 to 50 columns the sum's last line was
    indented two more than its others ("      = 84.74%"), at 120 a sentence broke at 78;
    and a command glued to the words before it, or with a bracket after it, was cut
    ("okrdesk explain C1" above "--as-of 2026-11-20", "okrdesk spend list --line" above
    "events", "okrdesk explain C1.KR1" above "--unit wm1 (or another member)"). Each line is
    folded once now, at the width, the lines after its first under it, each command
    whole on one line."""
    for item in ([], ["C1"], ["events"], ["C1.KR1"]):
        args = ("explain", *item, "-w", str(demo), "--as-of", AS_OF, "--lang", lang)
        whole = piped(*args, columns="1000")
        shown = piped(*args, columns=str(columns))
        assert "".join("".join(shown).split()) == "".join("".join(whole).split())
        if max(map(display_width, whole)) <= columns:
            assert shown == whole
        commands = [found.rstrip() for line in whole for found in _COMMAND.findall(line)]
        assert commands
        for command in commands:
            assert any(command in line for line in shown), (command, shown)
        for line in shown:
            assert display_width(line) <= columns or _COMMAND.fullmatch(line.strip()), shown
        if item == ["C1.KR1"]:
            continue
        if item == ["events"]:
            assert whole[-1].startswith(("熔断：", "breaker: ")), whole  # not folded at 78
            continue
        # The score's sum, one line where there is room (it broke at 78), its further
        # lines each under its first figure where there is not; after it, where the
        # rounded terms sum to other than the score, the note that says so.
        assert any(re.fullmatch(r"  = .* = [\d.]+%(（.*）| \(.*\))?", line)
                   for line in whole), whole  # fmt: skip
        at = next((n for n, line in enumerate(shown) if line.startswith("  = ")), None)
        if at is not None:
            sum_lines = [shown[at]]
            for line in shown[at + 1 :]:
                if not line.startswith("   "):
                    break
                sum_lines.append(line)
            assert all(len(line) - len(line.lstrip()) == 4 for line in sum_lines[1:]), shown
            joined = " ".join(line.strip() for line in sum_lines)
            assert re.search(r"= [\d.]+%(（.*）| \(.*\))?$", joined), sum_lines


def test_a_stop_after_a_chinese_name_stays_with_it(demo: Path) -> None:
    """At 36 columns explain's list of members without data read "3 more without data:
    陈建国, 梁晨" above ", 宋雅": the comma after a Chinese name was taken for a figure's
    (as 9 in "攻坚：9 月底前") and went with the name after it. It stays with 梁晨."""
    from okrdesk.report.folded_lines import folded

    assert folded("3 more without data: 陈建国, 梁晨, 宋雅", 2, 36) == [
        "3 more without data: 陈建国, 梁晨,",
        "  宋雅",
    ]
    for lang in ("en", "zh"):
        for columns in ("36", "50", "70", "80"):
            shown = piped("explain", "C1.KR1", "-w", str(demo), "--as-of", AS_OF, "--lang", lang,
                          columns=columns)  # fmt: skip
            assert not [line for line in shown if line.lstrip()[:1] in ",，、;；"], shown


def test_a_sums_terms_stay_whole_and_its_lines_begin_with_plus(demo: Path) -> None:
    """At 60 columns the unit's score sum broke inside a term, "… + 69.53%" above
    "× 0.15 + …", a figure parted from its weight; a line of it begins with the next
    term's + now, and none ends with one."""
    from okrdesk.report.folded_lines import folded

    assert folded("  = 77.45% × 0.25 + 69.53% × 0.15 + 82.35% × 0.15", 4, 36) == [
        "  = 77.45% × 0.25 + 69.53% × 0.15",
        "    + 82.35% × 0.15",
    ]
    for lang in ("en", "zh"):
        for columns in ("40", "50", "60", "70", "80"):
            shown = piped("explain", "-w", str(demo), "--as-of", AS_OF, "--lang", lang,
                          columns=columns)  # fmt: skip
            at = next(n for n, line in enumerate(shown) if line.startswith("  = "))
            sum_lines = [shown[at], *(line for line in shown[at + 1 :] if line.startswith("    "))]
            for line in sum_lines[1:]:
                assert re.match(r"    (\+ [\d.]+% × [\d.]+|= [\d.]+%)", line), sum_lines
                if re.search(r"= [\d.]+%", line):
                    break  # the note on rounding, if any, follows the sum
            assert not any(line.rstrip().endswith(("+", "×")) for line in sum_lines), sum_lines
