"""A flow read as none where its query has no row (``no_rows_means_zero``) keeps what is
stored when the export comes out with its header alone, as every other metric does: its
zeros for no rows used to replace the deals stored, with exit status 0, so the report
then said 0 of 6 deals where two were signed. ``--accept-empty`` lets them go, and a
metric with nothing stored but zeros still gets its zeros."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result

from okrdesk.cli import cli
from okrdesk.store import Store
from sample_workspace import WriteWorkspace
from test_sql_metrics import sql_only_workspace

SETTINGS = """\
[sources.sql]
tables = { ledger = "data/ledger.csv" }

[[sources.sql.metrics]]
name = "salon_attendees"
kind = "flow"
unit = "单"
no_rows_means_zero = true
query = "SELECT cm AS subject, day, 1 AS value FROM ledger WHERE deposits_wan > 1000"
"""
OKRS = """\
[[objectives]]
id = "O9"
title = "家族信托"
owner = "branch"

[[objectives.key_results]]
id = "KR1"
title = "信托签约"
metric = "salon_attendees"
target = 6
unit = "单"
"""
HEADER = "day,cm,deposits_wan\n"
DEALS = HEADER + "2026-01-06,cm01,1200.5\n2026-01-07,cm02,12\n2026-01-13,cm02,2500\n"
NO_DEAL = HEADER + "2026-01-06,cm01,12\n"


def _collect(root: Path, ledger: str, *more: str) -> Result:
    (root / "data" / "ledger.csv").write_text(ledger, encoding="utf-8")
    asked = ["collect", "--through", "2026-01-18", "--lang", "en", "-w", str(root), *more]
    return CliRunner().invoke(cli, asked)


def _deals(root: Path) -> dict[tuple[str, str], float]:
    with Store.open(root / "okrdesk.db") as store:
        rows = store.query(
            "SELECT subject, period, value FROM observations WHERE metric = 'salon_attendees'"
        )
    return {(subject, period): value for subject, period, value in rows if value}


def test_an_export_with_its_header_alone_keeps_the_deals_stored(
    write_workspace: WriteWorkspace,
) -> None:
    root = sql_only_workspace(write_workspace, OKRS, SETTINGS)
    done = _collect(root, DEALS)
    assert done.exit_code == 0, done.output
    signed = {("cm01", "2026-W02"): 1, ("cm02", "2026-W03"): 1}
    assert _deals(root) == signed
    done = _collect(root, HEADER)
    assert done.exit_code == 1, done.output
    assert "gave not one figure, where" in done.output, done.output
    assert "--accept-empty salon_attendees" in done.output, done.output
    assert _deals(root) == signed
    # Rows none of which is a deal: the query gives no row all the same, where the deals
    # it gave are stored (a filter changed, the year's rows cut): kept, as for any metric.
    done = _collect(root, NO_DEAL)
    assert done.exit_code == 1, done.output
    assert _deals(root) == signed


def test_accept_empty_lets_the_deals_go_for_zeros(write_workspace: WriteWorkspace) -> None:
    root = sql_only_workspace(write_workspace, OKRS, SETTINGS)
    assert _collect(root, DEALS).exit_code == 0
    done = _collect(root, HEADER, "--accept-empty", "salon_attendees")
    assert done.exit_code == 0, done.output
    assert _deals(root) == {}
    with Store.open(root / "okrdesk.db") as store:
        (zeros,) = store.query(
            "SELECT count(*) FROM observations WHERE metric = 'salon_attendees' AND value = 0"
        )[0]
    assert zeros > 0


def test_an_empty_export_with_nothing_stored_but_zeros_is_zero(
    write_workspace: WriteWorkspace,
) -> None:
    # The year's first weeks without a deal: every collect lands its zeros, exit 0.
    root = sql_only_workspace(write_workspace, OKRS, SETTINGS)
    for _ in range(2):
        done = _collect(root, HEADER)
        assert done.exit_code == 0, done.output
    with Store.open(root / "okrdesk.db") as store:
        (zeros,) = store.query(
            "SELECT count(*) FROM observations WHERE metric = 'salon_attendees' AND value = 0"
        )[0]
    assert zeros > 0
