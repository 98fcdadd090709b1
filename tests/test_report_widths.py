"""The demo's text report at every width a terminal is likely to have, in both languages:
what holds at 80 columns holds at 40 and at 140 too."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path

import pytest

from okrdesk.report.document import Report
from okrdesk.report.terminal import render_text
from test_report import AS_OF

WIDTHS = range(40, 141)


@pytest.fixture(scope="module")
def reports(copy_of_the_demo: Callable[[str], Path]) -> dict[str, Report]:
    from okrdesk.app.report import make_report
    from okrdesk.app.session import open_session

    demo = copy_of_the_demo("widths")
    day = dt.date.fromisoformat(AS_OF)
    return {lang: make_report(open_session(demo), None, day, None, lang) for lang in ("zh", "en")}


def rendered(report: Report, width: int) -> list[str]:
    out = io.StringIO()
    render_text(report, out, width)
    return out.getvalue().splitlines()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_line_of_the_report_ends_in_a_space(reports: dict[str, Report], lang: str) -> None:
    """A title, a table's notes and a stacked row were padded to the table's width, and an
    alert's lines at 52 columns to the column beside its level: spaces a copy kept."""
    padded = [
        (width, number, line)
        for width in WIDTHS
        for number, line in enumerate(rendered(reports[lang], width), 1)
        if line != line.rstrip()
    ]
    assert not padded, padded[:5]
