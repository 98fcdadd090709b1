"""A plugin's warning written on several lines stays one entry wherever it is shown:
collect indents its further lines under its first, and the report and `okrdesk check`
write its line breaks as \\n. check printed them as lines of their own, at the left
margin, where a reader (or grep, or cron's mail) took "not a date" for an alert."""

from __future__ import annotations

from pathlib import Path

import pytest

from installed_package import installed_package, okrdesk
from sample_workspace import WriteWorkspace

BROKEN_LINES = """\
from okrdesk.model import MetricSpec
from okrdesk.plugins import hookimpl
from okrdesk.units import UNITS


@hookimpl
def okrdesk_metrics(register):
    register(MetricSpec("salon_visits", "Salon visits", "沙龙到访", "flow", UNITS["人"]))


@hookimpl
def okrdesk_collect(request, emit):
    emit.warning("salon_visits", "visits.csv rows 3-4 left out:\\nnot a date\\nfix them",
                 zh="visits.csv 第 3–4 行未计入：\\n不是日期\\n请改正")
    for period in request.periods:
        for person in request.people:
            emit("salon_visits", person.id, period.id, value=1)
"""

OKRS = """\
[[objectives]]
id = "O9"
title = "沙龙"
owner = "branch"

[[objectives.key_results]]
id = "KR1"
title = "沙龙到访"
metric = "salon_visits"
target = 600
unit = "人"
"""

TOLD = {
    "en": ("visits.csv rows 3-4 left out:", "not a date", "fix them"),
    "zh": ("visits.csv 第 3–4 行未计入：", "不是日期", "请改正"),
}


@pytest.fixture
def collected(write_workspace: WriteWorkspace, tmp_path: Path) -> tuple[Path, dict[str, str]]:
    root = write_workspace({"visits.toml": OKRS})
    with installed_package(tmp_path, "visits", BROKEN_LINES) as env:
        said = {}
        for lang in ("en", "zh"):
            done = okrdesk(env, "collect", "--lang", lang, "--through", "2026-01-18",
                           "-w", str(root))  # fmt: skip
            assert done.returncode == 0, done.stdout + done.stderr
            said[lang] = done.stderr
    return root, said


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_collect_indents_a_warnings_further_lines_under_its_first(
    collected: tuple[Path, dict[str, str]], lang: str
) -> None:
    first, *rest = TOLD[lang]
    lines = collected[1][lang].splitlines()
    (at,) = [i for i, line in enumerate(lines) if line.endswith(first)]
    indent = len(lines[at]) - len(lines[at].lstrip()) + (9 if lang == "en" else 6)
    assert lines[at + 1 : at + 3] == [" " * indent + part for part in rest], lines


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_check_and_the_report_keep_a_warning_one_entry(
    collected: tuple[Path, dict[str, str]], tmp_path: Path, lang: str
) -> None:
    root = collected[0]
    first, *rest = TOLD[lang]
    escaped = "\\n".join(TOLD[lang])
    with installed_package(tmp_path / "again", "visits", BROKEN_LINES) as env:
        checked = okrdesk(env, "check", "--lang", lang, "--as-of", "2026-01-18", "-w", str(root))
        report = okrdesk(env, "report", "--lang", lang, "--as-of", "2026-01-18", "-w", str(root))
    assert checked.returncode in (0, 1), checked.stderr
    # Piped, as from cron: every alert a line of its own, the warning's whole.
    (line,) = [line for line in checked.stdout.splitlines() if first in line]
    assert line.endswith(escaped), checked.stdout
    assert not any(line.startswith(rest[0]) for line in checked.stdout.splitlines())
    assert report.returncode == 0, report.stderr
    flat = "".join(line.strip() for line in report.stdout.splitlines())
    assert "\\n".join(["", *rest]) in flat, report.stdout
    assert not any(line.strip() == rest[1] for line in report.stdout.splitlines())
