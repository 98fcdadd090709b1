"""A flow with no events since its last figure is current, not stale: the weeks after a
branch's last family-trust deal, collected again, are zeros. A collect keeps a figure it
finds unchanged in the name of the run that first stored it, and the report took that
run's day for the day the figures run through: six weeks after the last deal, with a
collect every week, it said the deals were last collected then and judged the key result
against what was due on that day."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from click.testing import CliRunner, Result

from okrdesk.cli import cli
from sample_workspace import WriteWorkspace

DEALS = """\
[[objectives]]
id = "O1"
title = "家族信托"
owner = "branch"

[[objectives.key_results]]
id = "TRUST"
title = "家族信托 52 单"
metric = "trust_deals"
target = 52
unit = "单"
"""

SETTINGS = """\
[sources.sql]
tables = { trusts = "data/trusts.csv" }

[[sources.sql.metrics]]
name = "trust_deals"
kind = "flow"
unit = "单"
query = "SELECT cm AS subject, day, count(*) AS value FROM trusts GROUP BY 1, 2"
"""

# One deal a week from the week of 5 January to that of 2 March, then none.
ROWS = "day,cm\n" + "".join(f"2026-{month:02d}-{day:02d},cm01\n" for month, day in (
    (1, 5), (1, 12), (1, 19), (1, 26), (2, 2), (2, 9), (2, 16), (2, 23), (3, 2)))  # fmt: skip


def run(root: Path, *args: str) -> Result:
    return CliRunner(env={"COLUMNS": "200"}).invoke(cli, [*args, "-w", str(root)])


def test_weeks_without_a_deal_collected_again_are_current(
    write_workspace: WriteWorkspace,
) -> None:
    root = write_workspace({"okrs.toml": None, "budget.toml": None, "deals.toml": DEALS},
                           plugin=False)  # fmt: skip
    (root / "data").mkdir()
    (root / "data" / "trusts.csv").write_text(ROWS, encoding="utf-8")
    (root / "okrdesk.toml").write_text(textwrap.dedent(SETTINGS), encoding="utf-8")
    for through in ("2026-03-08", "2026-03-15", "2026-03-22", "2026-04-19"):
        collected = run(root, "collect", "--through", through)
        assert collected.exit_code == 0, collected.output
    checked = run(root, "check", "--as-of", "2026-04-19")
    assert "2026-03-08" not in checked.output, checked.output
    # 9 deals against 52 × 109/365 = 15.5 due on 19 April, not the 11.1 due on 8 March.
    (line,) = [line for line in checked.output.splitlines() if "O1.TRUST" in line]
    assert line.endswith("落后，仅达应完成进度的 58.0%"), line
    report = run(root, "report", "--as-of", "2026-04-19")
    assert "过期" not in report.output and "2026-03-08" not in report.output, report.output
    row = next(line for line in report.output.splitlines() if "O1.TRUST" in line and "│" in line)
    assert "9单" in row and "16单" in row, row
    # A collect that did not run is still told: three weeks on, the last was of 19 April.
    later = run(root, "check", "--as-of", "2026-05-10").output
    assert "指标 trust_deals：最新数据截至 2026-04-19（按周）" in later, later


def test_a_flow_read_with_no_rows_yet_is_told_as_read_not_as_never_collected(
    write_workspace: WriteWorkspace,
) -> None:
    """No family-trust deal yet: the collect read the ledger and found no rows, and the
    report said "no numbers collected", as of a collect that never ran; it says what
    the collect found, through which day."""
    root = write_workspace({"okrs.toml": None, "budget.toml": None, "deals.toml": DEALS},
                           plugin=False)  # fmt: skip
    (root / "data").mkdir()
    (root / "data" / "trusts.csv").write_text("day,cm\n", encoding="utf-8")
    (root / "okrdesk.toml").write_text(textwrap.dedent(SETTINGS), encoding="utf-8")
    before = run(root, "check", "--as-of", "2026-03-08", "--lang", "en")
    assert "no numbers collected yet: run `okrdesk collect`" in before.output, before.output
    assert run(root, "collect", "--through", "2026-03-08").exit_code == 0
    checked = run(root, "check", "--as-of", "2026-03-08", "--lang", "en")
    assert checked.exit_code == 1
    assert ("metric trust_deals: the collect through 2026-03-08 read it and found no rows "
            "(none yet, or its source is empty)") in checked.output  # fmt: skip
    assert "no numbers collected" not in checked.output
    zh = run(root, "check", "--as-of", "2026-03-08", "--lang", "zh")
    assert "指标 trust_deals：截至 2026-03-08 的采集读取了它，但没有任何数据行" in zh.output


def test_a_window_of_weeks_read_without_a_deal_is_0_not_no_figure(
    write_workspace: WriteWorkspace,
) -> None:
    """The row's change said ±0 for a week without a deal while the window line under it
    said there was no figure this month; weeks the collects read are zeros there too."""
    root = write_workspace({"okrs.toml": None, "budget.toml": None, "deals.toml": DEALS},
                           plugin=False)  # fmt: skip
    (root / "data").mkdir()
    (root / "data" / "trusts.csv").write_text(ROWS, encoding="utf-8")
    (root / "okrdesk.toml").write_text(textwrap.dedent(SETTINGS), encoding="utf-8")
    assert run(root, "collect", "--through", "2026-04-19").exit_code == 0
    asked = ("report", "--window", "mtd", "--compare", "previous")
    # April's weeks so far, W14-W16, had no deal; March's first three had the one of 2 March.
    report = run(root, *asked, "--as-of", "2026-04-19").output
    assert "本月至今 0单 · 环比 -100.0%（上期 1单）" in report, report
    english = run(root, *asked, "--as-of", "2026-04-19", "--lang", "en").output
    assert "Month to date 0 deals · PoP -100.0% (period before 1 deal)" in english, english
    # May's first week was never read: no figure, not a 0.
    later = run(root, *asked, "--as-of", "2026-05-10", "--format", "json").output
    (kr,) = [kr for o in json.loads(later)["objectives"] for kr in o["key_results"]]
    assert kr["window"]["value"] is None
    assert kr["window"]["comparisons"][0]["why"] == "no_data"
