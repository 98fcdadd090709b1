"""An open checkpoint is forecast to the day it closes, not to the plan's end: where "Q3:
120 new HNW clients by the end of September" will stand on 30 September, and Q2's own
conversion on 30 June; every format says the day under the figure and heads the column
预测, not 年末预测 (a real workspace, collect, and the report in each format)."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner, Result

from okrdesk.cli import cli
from sample_workspace import OKRS, WriteWorkspace
from test_phase_rates import funnel  # noqa: F401  (the fixture: Q2's own conversion)

CHECKPOINT = (
    OKRS
    + """
[[objectives.key_results]]
id = "Q3HNW"
title = "9 月底前新增高净值客户 140 户"
metric = "new_hnw_clients"
target = 140
unit = "户"
milestones = { Q3 = 1.0 }
"""
)
AS_OF = "2026-05-10"


def run(root: Path, *args: str) -> Result:
    done = CliRunner().invoke(cli, [*args, "-w", str(root)])
    assert done.exit_code == 0, done.output
    return done


@pytest.fixture
def workspace(write_workspace: WriteWorkspace) -> Path:
    root = write_workspace({"okrs.toml": CHECKPOINT})
    run(root, "collect", "--through", "2026-10-11")
    return root


def reported(root: Path, day: str = AS_OF) -> dict[str, dict[str, object]]:
    document = json.loads(run(root, "report", "--as-of", day, "--format", "json").stdout)
    return {k["id"]: k for o in document["objectives"] for k in o["key_results"]}


def test_an_open_checkpoint_on_a_flow_is_forecast_to_the_day_it_closes(workspace: Path) -> None:
    found = reported(workspace)
    checkpoint, year = found["O1.Q3HNW"], found["O1.KR1"]
    assert checkpoint["forecast_to"] == "2026-09-30"
    assert year["forecast_to"] is None  # a year's key result: to the year's end
    # The same clients to date on the same line, carried on to 30 September, not to
    # 31 December: the line's rise to the checkpoint's day is its rise to the year's end
    # scaled by the days left to each.
    assert checkpoint["trend"] == year["trend"]
    last = checkpoint["trend"][-1]  # type: ignore[index]
    today, now = dt.date.fromisoformat(last["date"]), last["value"]
    to_close = (dt.date(2026, 9, 30) - today).days
    to_year_end = (dt.date(2026, 12, 31) - today).days
    rise = (year["forecast"] - now) * to_close / to_year_end  # type: ignore[operator]
    assert checkpoint["forecast"] == pytest.approx(now + rise)
    # Forecast to the year's end it read as reached, 158户 of 140; on 30 September it is short.
    assert checkpoint["forecast"] < 140 < year["forecast"]  # type: ignore[operator]
    # The day it would reach its target on that line is after it closes: none.
    assert checkpoint["forecast_reach"] is None


def test_a_rate_checkpoint_of_a_phase_is_forecast_to_its_phase_s_end(funnel: Path) -> None:  # noqa: F811
    document = json.loads(run(funnel, "report", "--as-of", "2026-05-24", "--format", "json").stdout)
    result = document["objectives"][0]["key_results"][0]
    assert result["forecast_to"] == "2026-06-30"
    # Q2's accounts (test_phase_rates.ACCOUNTS) to date, from 30 March: funded 1, 2, 3, 3 of
    # 1, 2, 3, 4 opened by 19 and 26 April, 10 and 17 May (days 20, 27, 41 and 48). Each part
    # carried on at its least-squares pace (1/14 and 1/10 a day) for the 44 days to 30 June:
    # (3 + 44/14) / (4 + 4.4), 73.1%; to the year's end it was (3 + 228/14) / (4 + 22.8), 72.0%.
    assert result["forecast"] == pytest.approx((3 + 44 / 14) / (4 + 44 / 10))


def test_every_format_says_the_day_a_checkpoint_is_forecast_to(
    workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # every column shown, each row one line
    forecast = reported(workspace)["O1.Q3HNW"]["forecast"]
    shown = f"{round(forecast)}户"  # type: ignore[call-overload]
    for lang, heading, day in (("zh", "预测", "至09-30"), ("en", "Forecast", "to 09-30")):
        text = run(workspace, "report", "--as-of", AS_OF, "--lang", lang).output
        assert f" {heading} ┃" in text, lang
        assert "年末预测" not in text
        assert day in text, lang
        md = run(workspace, "report", "--as-of", AS_OF, "--format", "md", "--lang", lang).output
        assert f"| {heading} |" in md and "年末预测" not in md
        row = next(line for line in md.splitlines() if line.startswith("| O1.Q3HNW "))
        if lang == "zh":
            assert row.endswith(f"| {shown} {day} |"), row
        else:
            assert row.endswith(f" {day} |"), row
        html = run(workspace, "report", "--as-of", AS_OF, "--format", "html", "--lang", lang)
        assert f"<th>{heading}</th>" in html.output
        assert f"<br><small>{day}</small></td>" in html.output  # not in red: not out of date
        out = tmp_path / f"report-{lang}.xlsx"
        run(workspace, "report", "--as-of", AS_OF, "--lang", lang, "-o", str(out))
        sheet = openpyxl.load_workbook(io.BytesIO(out.read_bytes())).worksheets[1]
        head = [c.value for c in sheet[1]]
        assert head[10] == heading
        rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=2)]
        checkpoint = next(r for r in rows if r[1] == "O1.Q3HNW")
        assert checkpoint[10] == pytest.approx(forecast)
        note = "预测至 2026-09-30" if lang == "zh" else "Forecast to 2026-09-30"
        assert note in checkpoint[11], checkpoint[11]
        year = next(r for r in rows if r[1] == "O1.KR1")
        assert "2026-09-30" not in str(year[11])
    # Once it has closed, its figure is the one it closed with and the column is the
    # year's again: 年末预测 over the year's key results.
    closed = reported(workspace, "2026-10-11")["O1.Q3HNW"]
    assert (closed["closed"], closed["forecast_to"]) == ("2026-09-30", None)
    md = run(workspace, "report", "--as-of", "2026-10-11", "--format", "md").output
    assert "| 年末预测 |" in md


def test_a_checkpoint_tracked_by_checkins_is_forecast_to_its_day(
    write_workspace: WriteWorkspace,
) -> None:
    """A level typed in (leads in reserve, as the demo's P.LEADS) on the same rule: the
    least-squares line through its check-ins carried on from the latest to 31 March."""
    leads = """
[[objectives.key_results]]
id = "LEADS"
title = "3 月底前储备潜在客户 180 户"
target = 180
unit = "户"
milestones = { Q1 = 1.0 }
"""
    root = write_workspace({"okrs.toml": OKRS + leads})
    for day, value in (("2026-01-31", "60"), ("2026-02-28", "117"), ("2026-03-10", "140")):
        run(root, "checkin", "O1.LEADS", value, "--date", day)
    result = reported(root, "2026-03-15")["O1.LEADS"]
    assert result["forecast_to"] == "2026-03-31"
    # Days 30, 58 and 68 of the plan: mean 52, slope Σ(dx·dy) / Σdx² = 1,622 / 776 a day.
    xs, ys = (30, 58, 68), (60, 117, 140)
    slope = sum((x - 52) * (y - 317 / 3) for x, y in zip(xs, ys, strict=True)) / sum(
        (x - 52) ** 2 for x in xs
    )
    assert result["forecast"] == pytest.approx(140 + slope * 21)  # 10 to 31 March
