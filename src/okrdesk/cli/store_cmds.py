"""Commands that read or write the store: collect, checkin, spend, explain, export."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from okrdesk.cli.options import workspace_option, workspace_path
from okrdesk.errors import EXIT_FAILED, BadInput

DATE = click.DateTime(formats=["%Y-%m-%d"])


def _day(value: dt.datetime | None) -> dt.date | None:
    return value.date() if value else None


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
    from okrdesk.collecting import run_collect
    from okrdesk.session import open_session

    session = open_session(workspace_path())
    if sys.stderr.isatty():
        from okrdesk.cli.progress import BarProgress

        with BarProgress() as bar:
            summary = run_collect(session, _day(through), metrics, bar)
    else:
        summary = run_collect(session, _day(through), metrics)
    first, last = summary.periods[0].id, summary.periods[-1].id
    click.echo(
        f"Run {summary.run_id}: {summary.stored:,} observations of "
        f"{len(summary.metrics) - len({e.metric for e in summary.errors})} metrics, "
        f"{len(summary.periods)} periods ({first} to {last}), through {summary.through}."
    )
    for error in summary.errors:
        click.echo(f"error: {error}", err=True)
    if summary.errors:
        click.echo("Earlier numbers of the failed metrics were kept.", err=True)
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
    from okrdesk.checkins import record_checkin
    from okrdesk.session import open_session

    session = open_session(workspace_path())
    line = record_checkin(session, key_result, value, person, unit, confidence, note, _day(day))
    click.echo(line)


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
    from okrdesk.ledger import record_spend
    from okrdesk.session import open_session

    if override != (reason is not None):
        raise BadInput("--override and --reason go together: say why the breaker is overridden")
    session = open_session(workspace_path())
    click.echo(record_spend(session, line, amount, signers, note, _day(day), reason))


@spend.command("list")
@click.option("--line", help="Only this budget line.")
@workspace_option
def spend_list(line: str | None) -> None:
    """List the spend ledger, oldest first, with who signed each entry."""
    from okrdesk.ledger import spend_lines
    from okrdesk.session import open_session

    for text in spend_lines(open_session(workspace_path()), line):
        click.echo(text)


@click.command()
@click.argument("key_result")
@click.option("--person", help="Explain the figure for this person.")
@click.option("--unit", help="Explain the figure for this unit (default: the objective's owner).")
@click.option("--as-of", "as_of", type=DATE, help="The day of the figure (default: today).")
@workspace_option
def explain(
    key_result: str, person: str | None, unit: str | None, as_of: dt.datetime | None
) -> None:
    """Show every number behind a key result's figure and where each came from.

    Lists each observation (period, person, value, plugin, run and source
    rows) or check-in that makes up the figure, and how they add up.
    """
    from okrdesk.explaining import explain_lines
    from okrdesk.session import open_session

    session = open_session(workspace_path())
    for text in explain_lines(session, key_result, person, unit, _day(as_of)):
        click.echo(text)


@click.command()
@click.option(
    "--format", "fmt", type=click.Choice(["json", "csv"]), default="json", show_default=True,
    help="JSON holds every table; CSV holds the one named by --table.",
)  # fmt: skip
@click.option(
    "--table", type=click.Choice(["observations", "checkins", "spend", "runs"]),
    default="observations", show_default=True, help="The table to export as CSV.",
)  # fmt: skip
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE.")
@workspace_option
def export(fmt: str, table: str, out: Path | None) -> None:
    """Export the stored numbers, check-ins, spend and runs for other tools."""
    from okrdesk.exporting import export_text
    from okrdesk.workspace import open_workspace

    workspace = open_workspace(workspace_path())
    if not workspace.database.exists():
        raise BadInput(f"{workspace.database}: no database yet; run `okrdesk collect` first")
    text = export_text(workspace.database, fmt, table)
    if out is None:
        click.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        click.echo(f"Wrote {out}.")


@click.command()
@click.option("--as-of", "as_of", type=DATE, help="The day to check (default: today).")
@workspace_option
def check(as_of: dt.datetime | None) -> None:
    """List everything that needs attention; exit 1 when there is anything.

    Tripped budget breakers, key results off track or breached, and missing
    or stale data sources and check-ins. Meant for cron: silent success is
    exit 0.
    """
    from okrdesk.checking import findings
    from okrdesk.session import open_session

    found = findings(open_session(workspace_path()), _day(as_of))
    for finding in found:
        click.echo(f"{finding.kind.upper().replace('_', ' '):<10} {finding.message}")
    if found:
        click.echo(f"{len(found)} {'thing needs' if len(found) == 1 else 'things need'} attention.")
        raise SystemExit(EXIT_FAILED)
    click.echo("All clear.")


@click.command()
@click.option("--as-of", "as_of", type=DATE, help="The day of the report (default: today).")
@click.option("--week", help="An ISO week such as 2026-W47: the report as of its Sunday.")
@click.option("--unit", help="The unit or person to report on (default: the plan's unit).")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "md", "html", "json"]), default="text",
    show_default=True, help="text for the terminal, md to paste, html with charts, json for tools.",
)  # fmt: skip
@click.option(
    "--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
    help="The report's language and number style (万/亿 or thousands separators).",
)  # fmt: skip
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE.")
@click.option(
    "--templates", type=click.Path(file_okay=False, path_type=Path),
    help="A folder of templates overriding report.md.j2 / report.html.j2 by name.",
)  # fmt: skip
@workspace_option
def report(
    as_of: dt.datetime | None,
    week: str | None,
    unit: str | None,
    fmt: str,
    lang: str,
    out: Path | None,
    templates: Path | None,
) -> None:
    """The weekly progress report for a unit: objectives, members, budget, alerts.

    Each key result with its actual, target, attainment, what is due by now,
    status, change since last week, forecast and trend; the members below
    the unit ranked; the budget with tripped breakers first; and everything
    that needs attention. Text on a terminal by default.
    """
    from okrdesk.reporting import make_report, write_report
    from okrdesk.session import open_session

    session = open_session(workspace_path())
    built = make_report(session, unit, _day(as_of), week, lang)
    write_report(session, built, fmt, out, templates)
    if out is not None:
        click.echo(f"Wrote {out}.", err=True)
