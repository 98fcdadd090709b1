"""A cohort's figures go on converting after their period: a collect restating them
while they do is the metric at work, not a revision to tell. Through the real CLI,
with SQL metrics over CSV files (DuckDB) that a second collect finds restated."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import attrs
import pytest
from click.testing import CliRunner

from okrdesk.cli import cli
from okrdesk.model import MetricKind, MetricSpec, Run, read_before, settled_restatements
from okrdesk.plugins import sql_metrics
from okrdesk.store import Store
from okrdesk.units import UNITS
from sample_workspace import OKRS, WriteWorkspace

ACCOUNTS = [("a1", "cm01", "2026-01-05"), ("a2", "cm01", "2026-01-06"),
            ("a4", "cm02", "2026-01-13")]  # fmt: skip
FUNDINGS = [("a1", "2026-01-12")]
LATER_ACCOUNTS = [("a7", "cm01", "2026-01-08")]  # a week 2 account the CRM added late
LATER_FUNDINGS = [
    ("a4", "2026-01-20"),  # opened in week 3, funded on day 7: the funnel's week 3 moves
    ("a2", "2026-01-21"),  # opened in week 2, funded on day 15: only "ever" moves
]

TOML = """\
[sources.sql]
tables = { accounts = "data/accounts.csv", fundings = "data/fundings.csv" }

[[sources.sql.metrics]]
name = "accounts_opened"
kind = "flow"
unit = "户"
query = "SELECT cm_id AS subject, open_date AS day, 1 AS value FROM accounts"

[[sources.sql.metrics]]
name = "funded_ever"
kind = "ratio"
unit = "%"
settles_after_days = "never"
query = '''
SELECT a.cm_id AS subject, a.open_date AS day, 1 AS denominator,
       CASE WHEN EXISTS (SELECT 1 FROM fundings f WHERE f.account_id = a.account_id
                         AND f.fund_date >= a.open_date AND f.fund_date <= CAST(:through AS DATE))
            THEN 1 ELSE 0 END AS numerator
FROM accounts a
'''

[[sources.sql.metrics]]
name = "funded_7d"
unit = "%"

[sources.sql.metrics.funnel]
entered = "SELECT account_id AS entity, cm_id AS subject, open_date AS day FROM accounts"
converted = "SELECT account_id AS entity, fund_date AS day FROM fundings"
within_days = 7
"""

KEY_RESULTS = "".join(
    f"""
[[objectives.key_results]]
id = "{metric.upper()}"
title = "{metric}"
metric = "{metric}"
target = {target}
unit = "{unit}"
"""
    for metric, target, unit in (
        ("accounts_opened", 100, "户"),
        ("funded_ever", 80, "%"),
        ("funded_7d", 60, "%"),
    )
)


def _write_data(
    root: Path, accounts: list[tuple[str, ...]], fundings: list[tuple[str, ...]]
) -> None:
    (root / "data").mkdir(exist_ok=True)
    lines = "".join(",".join(row) + "\n" for row in accounts)
    (root / "data" / "accounts.csv").write_text("account_id,cm_id,open_date\n" + lines)
    lines = "".join(",".join(row) + "\n" for row in fundings)
    (root / "data" / "fundings.csv").write_text("account_id,fund_date\n" + lines)


BROKEN_METRIC = """
[[sources.sql.metrics]]
name = "unused"
kind = "bogus"
unit = "户"
query = "SELECT 1"
"""
"""A metric no key result uses whose declaration fails: the source's error in every run."""


@pytest.mark.parametrize("broken", [False, True], ids=["sound", "a broken declaration too"])
def test_a_cohort_still_converting_is_not_told_as_revised(
    write_workspace: WriteWorkspace, broken: bool
) -> None:
    """And so when every run of the source also says that one of its metrics could not
    be declared: the metrics it stored were read all the same."""
    root = write_workspace({"okrs.toml": OKRS + KEY_RESULTS})
    (root / "okrdesk.toml").write_text(TOML + (BROKEN_METRIC if broken else ""), encoding="utf-8")
    _write_data(root, ACCOUNTS, FUNDINGS)
    runner = CliRunner()
    first = runner.invoke(
        cli, ["collect", "--through", "2026-01-18", "-w", str(root), "--lang", "en"]
    )
    assert first.exit_code == (1 if broken else 0), first.output
    _write_data(root, ACCOUNTS + LATER_ACCOUNTS, FUNDINGS + LATER_FUNDINGS)
    second = runner.invoke(
        cli, ["collect", "--through", "2026-01-25", "-w", str(root), "--lang", "en"]
    )
    assert second.exit_code == (1 if broken else 0), second.output
    told = sorted(line for line in second.output.splitlines() if line.startswith("Revised"))
    # Week 2 ended on 11 January: fourteen days before, a funnel of seven has settled
    # and a new account in it is news; week 3 ended seven days before, still converting.
    assert told == [
        "Revised: accounts_opened, 1 figure of complete periods (2026-W02) changed.",
        "Revised: funded_7d, 1 figure of complete periods (2026-W02) changed.",
    ], second.output
    with Store.open(root / "okrdesk.db") as store:
        run = store.runs()[-1]
    assert run.revised == {  # everything restated stays with the run
        "accounts_opened": {"2026-W02": 1},
        "funded_7d": {"2026-W02": 1, "2026-W03": 1},
        "funded_ever": {"2026-W02": 1, "2026-W03": 1},
    }
    assert run.finished is not None
    day = dt.datetime.fromisoformat(run.finished).astimezone().date()
    report = runner.invoke(cli, ["report", "-w", str(root), "--as-of", day.isoformat(),
                                 "--format", "json", "--lang", "en"])  # fmt: skip
    assert report.exit_code == 0, report.output
    alerts = json.loads(report.output)["alerts"]
    revised = sorted(a["message"] for a in alerts if a["kind"] == "revised")
    assert [message.split(":")[0] for message in revised] == [
        "metric accounts_opened", "metric funded_7d"
    ]  # fmt: skip
    assert all(message.endswith(": 2026-W02") for message in revised), revised


def test_a_metric_declares_how_long_its_figures_take_to_settle() -> None:
    def spec(days: object) -> MetricSpec:
        return MetricSpec("m", "m", "m", MetricKind.RATIO, UNITS["%"], settles_after_days=days)  # type: ignore[arg-type]

    week_end = dt.date(2026, 1, 11)
    assert spec(0).settled(week_end, week_end)  # read through its last day: final
    assert not spec(7).settled(week_end, week_end)  # its last entrants still converting
    assert not spec(7).settled(week_end, week_end + dt.timedelta(days=6))
    assert spec(7).settled(week_end, week_end + dt.timedelta(days=7))  # day 7 was in
    assert not spec(None).settled(week_end, dt.date(2030, 1, 1))
    for wrong in (-1, True, 1.5, "7"):
        with pytest.raises(ValueError, match="settles_after_days"):
            spec(wrong)
    # Read through 18 January by the collect before: week 2 (ended the 11th) had settled,
    # week 3 (the 18th) had not; a metric no plugin declares now, and an id that does not
    # read, keep theirs.
    revised = {"m": {"2026-W02": 3, "2026-W03": 1}, "gone": {"2026-01": 2}, "n": {"x": 1}}
    specs = {"m": spec(7), "n": spec(7)}
    found = settled_restatements(revised, 2, read_through("2026-01-18"), specs, {},
                                 dt.date(2026, 12, 31))  # fmt: skip
    assert found == {"m": {"2026-W02": 3}, "gone": {"2026-01": 2}, "n": {"x": 1}}
    # The plan's last week ends with the plan, not in January: read through 7 January,
    # seven days after the plan's end, 2026-W53 had settled.
    late = settled_restatements({"m": {"2026-W53": 1}}, 2, read_through("2027-01-07"), specs,
                                {}, dt.date(2026, 12, 31))  # fmt: skip
    assert late == {"m": {"2026-W53": 1}}


def read_through(day: str, *more: Run) -> list[Run]:
    """Run 1, a whole collect through ``day``, then ``more``; the restating run is 2."""
    return [Run(1, f"{day}T08:00:00", f"{day}T08:01:00", "ok", "collect", day, None, {}, []),
            *more]  # fmt: skip


def test_a_cohort_read_before_it_settled_is_not_news_however_long_after(
    write_workspace: WriteWorkspace,
) -> None:
    """A week's collect skipped: the next reads week 3 fourteen days after it ended, yet
    the figure stored before was read on its last day, its entrants still converting."""
    root = write_workspace({"okrs.toml": OKRS + KEY_RESULTS})
    (root / "okrdesk.toml").write_text(TOML, encoding="utf-8")
    _write_data(root, ACCOUNTS, FUNDINGS)
    runner = CliRunner()
    first = runner.invoke(cli, ["collect", "--through", "2026-01-18", "-w", str(root)])
    assert first.exit_code == 0, first.output
    _write_data(root, ACCOUNTS, [*FUNDINGS, ("a4", "2026-01-20")])
    second = runner.invoke(
        cli, ["collect", "--through", "2026-02-01", "-w", str(root), "--lang", "en"]
    )
    assert second.exit_code == 0, second.output
    assert "Revised" not in second.output, second.output
    with Store.open(root / "okrdesk.db") as store:
        assert store.runs()[-1].revised == {"funded_7d": {"2026-W03": 1},
                                            "funded_ever": {"2026-W03": 1}}  # fmt: skip


def test_a_collect_of_other_metrics_between_does_not_make_a_cohort_read_later(
    write_workspace: WriteWorkspace,
) -> None:
    """``collect --metric accounts_opened`` through the 25th read no funnel: the funnel's
    week 3 was last read on the 18th, its last day, and its restatement is no news."""
    root = write_workspace({"okrs.toml": OKRS + KEY_RESULTS})
    (root / "okrdesk.toml").write_text(TOML, encoding="utf-8")
    _write_data(root, ACCOUNTS, FUNDINGS)
    runner = CliRunner()
    for args in (["--through", "2026-01-18"],
                 ["--through", "2026-01-25", "--metric", "accounts_opened"]):  # fmt: skip
        done = runner.invoke(cli, ["collect", *args, "-w", str(root)])
        assert done.exit_code == 0, done.output
    _write_data(root, ACCOUNTS, [*FUNDINGS, ("a4", "2026-01-20")])
    third = runner.invoke(cli, ["collect", "--through", "2026-02-01", "-w", str(root),
                                "--lang", "en"])  # fmt: skip
    assert third.exit_code == 0, third.output
    assert "Revised" not in third.output, third.output
    with Store.open(root / "okrdesk.db") as store:
        runs = store.runs()
    assert runs[1].metrics == ["accounts_opened"]
    assert all("funded_7d" in (run.metrics or ()) for run in (runs[0], runs[2]))
    assert runs[-1].revised["funded_7d"] == {"2026-W03": 1}


def test_a_figure_was_read_by_the_last_collect_that_got_it() -> None:
    """Not by a collect that was asked for the metric and failed it: the figure stored
    is the one read before."""
    owners = {"m": "sql", "n": "sql"}
    runs = read_through(
        "2026-01-18",
        Run(2, "2026-01-25T08:00:00", "2026-01-25T08:01:00", "failed", "collect",
            "2026-01-25", None, {}, ["plugin sql metric m: data/x.csv:3: not a date"]),
        Run(3, "2026-01-26T08:00:00", None, "running", "collect", "2026-01-26", None, {}, []),
    )  # fmt: skip
    # Runs from before okrdesk noted what each stored: read from their errors, and a
    # killed one may have stored it.
    assert read_before(runs, 4, "m", owners) == dt.date(2026, 1, 26)
    assert read_before(runs[:2], 3, "m", owners) == dt.date(2026, 1, 18)
    assert read_before(runs[:2], 3, "n", owners) == dt.date(2026, 1, 25)
    assert read_before(runs, 1, "m", owners) is None
    # Runs that note it: what they stored, whatever their errors say (a declaration
    # error of the source told by every run), a killed one's as far as it got.
    noted = [
        attrs.evolve(runs[0], landed={"m": ["week"], "n": ["week"]},
                     errors=["plugin sql: okrdesk_metrics failed"]),
        attrs.evolve(runs[1], landed={"n": ["week"], "m": ["month"]}),
        attrs.evolve(runs[2], landed={}),
    ]  # fmt: skip
    assert read_before(noted, 4, "m", owners, "week") == dt.date(2026, 1, 18)
    assert read_before(noted, 4, "m", owners, "month") == dt.date(2026, 1, 25)
    assert read_before(noted, 4, "n", owners, "week") == dt.date(2026, 1, 25)


@pytest.mark.parametrize("wrong", [-3, "soon", 1.5, True])
def test_a_wrong_settling_is_named_by_its_key(wrong: object) -> None:
    definition = {"name": "x", "kind": "ratio", "unit": "%", "settles_after_days": wrong,
                  "query": "SELECT 1"}  # fmt: skip
    _found, broken = sql_metrics._definitions({"tables": {}, "metrics": [definition]})
    assert "sources.sql.metrics[0].settles_after_days: expected a whole number" in broken[0].en
