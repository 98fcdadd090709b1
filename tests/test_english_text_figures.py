"""The English text report writes its figures in one set of short forms, in every part of
it (``okrdesk.units.short_english_figures``): the notes under a key result's title and the
alerts as its rows do (¥14.97m, not CNY 14.97m beside ¥1,448m); the other formats and the
messages keep CNY. Over the demo, through the command a manager runs."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from test_report import AS_OF, okrdesk


@pytest.fixture(scope="module")
def demo(copy_of_the_demo: Callable[[str], Path]) -> Path:
    """The demo, its budget line dataops renamed in the target file after ¥369k was spent
    on it: the ledger's money on a line the plan does not have is an alert."""
    root = copy_of_the_demo("english-text-figures")
    budget = root / "targets" / "budget.toml"
    text = budget.read_text(encoding="utf-8")
    budget.write_text(text.replace('id = "dataops"', 'id = "dataops-2027"'), encoding="utf-8")
    return root


def report(demo: Path, *args: str) -> str:
    done = okrdesk("report", "-w", str(demo), "--as-of", AS_OF, *args, env={"COLUMNS": "80"})
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_notes_under_a_title_write_the_yuan_as_the_rows_do(demo: Path) -> None:
    english = report(demo, "--unit", "wm1", "--lang", "en")
    assert "¥35.02m of it from people with no share of the target (高鹏)" in english
    assert "¥83.96k of it from people with no share of the target (高鹏)" in english
    assert "¥1,546m" in english  # the row the first note is under
    assert "CNY" not in english
    chinese = report(demo, "--unit", "wm1")
    assert "其中 3,502万 来自没有分解目标的人员（高鹏）" in chinese
    markdown = report(demo, "--unit", "wm1", "--lang", "en", "--format", "md")
    assert "CNY 35.02m of it from people with no share of the target" in markdown
    assert "¥" not in markdown


def test_an_alerts_money_is_written_as_the_rest_of_the_report(demo: Path) -> None:
    held = "the ledger holds {} in 10 entries on dataops, a budget line the"
    for args in ((), ("--brief",)):
        english = report(demo, "--lang", "en", *args)
        assert held.format("¥369k") in english, english
        assert "CNY" not in english
        assert "台账中有 10 笔支出（36.87万）记在计划没有的预算项 dataops 上" in report(demo, *args)
    for fmt in ("md", "html"):
        assert held.format("CNY 369k") in report(demo, "--lang", "en", "--format", fmt)
    alerts = json.loads(report(demo, "--lang", "en", "--format", "json"))["alerts"]
    assert any(held.format("CNY 369k") in alert["message"] for alert in alerts)
    checked = okrdesk("check", "-w", str(demo), "--as-of", AS_OF, "--lang", "en")
    assert held.format("CNY 369k") in checked.stdout + checked.stderr


def test_the_budgets_costs_are_written_in_the_same_forms(demo: Path) -> None:
    """The budget table's costs are written where the table is, in the same forms."""
    english = report(demo, "--lang", "en")
    assert "O1.KR1: ¥5.30k per" in english and "CNY" not in english
    assert "O1.KR1: CNY 5.30k per acct" in report(demo, "--lang", "en", "--format", "md")


def test_a_script_that_builds_the_report_and_prints_it_writes_the_alerts_as_the_rows(
    demo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A head office's script builds the report with build_report and prints it with
    render_text, not through the command: its alerts read 'CNY 369k' (worded as the report
    was built) where what moved most reads +¥79.32m. Its JSON keeps CNY."""
    import datetime as dt
    import io
    import sys

    from okrdesk.app.session import open_session
    from okrdesk.plugins.hookspecs import RenderContext
    from okrdesk.report.build import build_report
    from okrdesk.report.formats import json as json_format
    from okrdesk.report.terminal import render_brief, render_text
    from okrdesk.store import Store

    monkeypatch.delattr(sys, "_called_from_test")  # the installed brokerage plugin
    monkeypatch.setenv("OKRDESK_LOAD_PLUGINS", "brokerage")  # as test_report's okrdesk runs it
    session = open_session(demo)
    with Store.open(session.workspace.database) as store:
        built = build_report(session.plan, session.host.metrics, store, session.plan.top,
                             dt.date.fromisoformat(AS_OF), "en")  # fmt: skip
    held = "the ledger holds {} in 10 entries on dataops"
    for render in (render_text, render_brief):
        out = io.StringIO()
        render(built, out, 80)
        assert held.format("¥369k") in out.getvalue(), out.getvalue()
        assert "+¥79.32m  C1.KR1" in out.getvalue() and "CNY" not in out.getvalue()
    written = io.StringIO()
    context = RenderContext(demo, None, session.plan.start, session.plan.end)
    json_format.render(built, written, context)
    alerts = json.loads(written.getvalue())["alerts"]
    assert any(held.format("CNY 369k") in alert["message"] for alert in alerts)
    assert not any("alert" in alert for alert in alerts)
