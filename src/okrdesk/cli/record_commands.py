"""Commands that record numbers: collect, checkin, spend."""

from __future__ import annotations

import datetime as dt
import sys

import click

from okrdesk.cli.options import DATE, day_of, workspace_option, workspace_path
from okrdesk.cli.output import say
from okrdesk.errors import EXIT_FAILED, BadInput


@click.command()
@click.option("--through", type=DATE, help="Collect up to this day (default: today).")
@click.option("--metric", "metrics", multiple=True, help="Only this metric (repeat for several).")
@workspace_option
def collect(through: dt.datetime | None, metrics: tuple[str, ...]) -> None:
    """Collect every metric the plan uses, through its plugin, into okrdesk.db.

    Collects each period of the plan from its start up to --through.
    Collecting a metric and period again replaces its numbers, so running
    this twice stores nothing twice. A plugin that fails is reported by
    name, its earlier numbers are kept, the others land, and the exit code
    is 1.
    """
    from okrdesk.app.collect import run_collect
    from okrdesk.app.session import open_session

    session = open_session(workspace_path(), isolated=True)
    if sys.stderr.isatty():
        from okrdesk.cli.progress_bar import BarProgress

        with BarProgress() as bar:
            summary = run_collect(session, day_of(through), metrics, bar)
    else:
        summary = run_collect(session, day_of(through), metrics)
    first, last = summary.periods[0].id, summary.periods[-1].id
    say(
        f"Run {summary.run_id}: {summary.stored:,} observations of "
        f"{len(summary.metrics) - len({e.metric for e in summary.errors})} metrics, "
        f"{len(summary.periods)} periods ({first} to {last}), through {summary.through}."
    )
    for error in summary.errors:
        say(f"error: {error}", err=True)
    if summary.errors:
        say("Earlier numbers of the failed metrics were kept.", err=True)
        raise SystemExit(EXIT_FAILED)


@click.command()
@click.argument("key_result")
@click.argument("value")
@click.option("--person", help="The person the value is for.")
@click.option("--unit", help="The org unit the value is for (default: the objective's owner).")
@click.option("--confidence", type=click.FloatRange(0, 1), help="How sure you are, 0 to 1.")
@click.option("--note", default="", help="A short note kept with the value.")
@click.option("--date", "day", type=DATE, help="The day the value is as of (default: today).")
@workspace_option
def checkin(
    key_result: str,
    value: str,
    person: str | None,
    unit: str | None,
    confidence: float | None,
    note: str,
    day: dt.datetime | None,
) -> None:
    """Record a value for a key result that no plugin measures.

    VALUE is in the key result's own unit (for a target written as 5.5
    亿元, write 4.72 for 4.72亿元). Every check-in is kept; the latest one
    on or before a date counts.
    """
    from okrdesk.app.checkin import record_checkin
    from okrdesk.app.session import open_session

    session = open_session(workspace_path())
    line = record_checkin(session, key_result, value, person, unit, confidence, note, day_of(day))
    say(line)


@click.group()
def spend() -> None:
    """Record and list spending against the budget lines."""


@spend.command("add")
@click.argument("line")
@click.argument("amount")
@click.option(
    "--signed-by", "signers", multiple=True, required=True,
    help="Who signed off the spend; repeat for a second signature.",
)  # fmt: skip
@click.option("--note", default="", help="What the money was for.")
@click.option("--date", "day", type=DATE, help="The day it was spent (default: today).")
@click.option("--override", is_flag=True, help="Spend although the line's breaker is tripped.")
@click.option("--reason", help="With --override: why; kept in the ledger and shown in reports.")
@workspace_option
def spend_add(
    line: str,
    amount: str,
    signers: tuple[str, ...],
    note: str,
    day: dt.datetime | None,
    override: bool,
    reason: str | None,
) -> None:
    """Record spending on a budget line.

    AMOUNT carries its unit: 12万, 1.2亿 or 3500元. Lines marked as market
    activities need two different names in --signed-by. Spending on a line
    whose circuit breaker is tripped, or would trip with this entry, is
    refused (exit 1) unless --override --reason TEXT.
    """
    from okrdesk.app.session import open_session
    from okrdesk.app.spend import record_spend

    if override != (reason is not None):
        raise BadInput("--override and --reason go together: say why the breaker is overridden")
    session = open_session(workspace_path())
    say(record_spend(session, line, amount, signers, note, day_of(day), reason))


@spend.command("list")
@click.option("--line", help="Only this budget line.")
@workspace_option
def spend_list(line: str | None) -> None:
    """List the spend ledger, oldest first, with who signed each entry."""
    from okrdesk.app.session import open_session
    from okrdesk.app.spend import spend_lines

    for text in spend_lines(open_session(workspace_path()), line):
        say(text)
