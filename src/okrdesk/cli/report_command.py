"""``okrdesk report``, in a module of its own: the command run most often makes none of
the other reading commands' options (cli/read_commands.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from okrdesk.cli.help import HelpedCommand
from okrdesk.cli.options import (
    DATE,
    Number,
    day_of,
    lang_option,
    out_option,
    period_option,
    workspace_option,
    workspace_path,
)
from okrdesk.cli.output import if_stopped_written_whole_or_not, say_warnings, say_wrote
from okrdesk.cli.start_up import started


@click.command(cls=HelpedCommand)
@click.option(
    "--as-of",
    "as_of",
    type=DATE,
    help="The day of the report (default: today; a day after today is refused).",
)
@period_option
@click.option(
    "--week",
    help="A week such as 2026-W47 (ISO weeks, cut at the year's edge: 2025-W53 is 29 to "
    "31 December): the report as of its last day, or today while it runs.",
)
@click.option("--unit", help="The unit or person to report on (default: the plan's unit).")
@click.option(
    "--depth", type=Number(
        whole=True,
        wrong=("{value} is not a number of steps below the unit; write 1 for its child units, "
               "2 for the people in those too",
               "{value} 不是层数；只看下级单位请写 1，连同其中的人员请写 2"),
    ), metavar="N",
    help="Rank only the members N steps below the unit: 1 its child units (and people "
    "directly in it), 2 also the people in those, and so on (default: all).",
)  # fmt: skip
@click.option(
    "--format", "fmt", metavar="NAME",
    help="text for the terminal, md to paste, html with charts, json for tools, xlsx for "
    "Excel (with --out), or a format a plugin adds (`okrdesk plugins` lists them). "
    "Default: from --out's extension (.txt, .md, .html, .json, .xlsx, ...), else text.",
)  # fmt: skip
@lang_option("The report's language and number style (万/亿 or thousands separators).")
@out_option
@click.option(
    "--templates", type=click.Path(file_okay=False, path_type=Path),
    help="A folder of templates overriding report.md.j2 / report.html.j2 by name.",
)  # fmt: skip
@click.option(
    "--brief", is_flag=True,
    help="Only the first screen: score, phase, what moved, breakers, the most severe "
    "alerts, who owes check-ins (text format only).",
)  # fmt: skip
@click.option(
    "--breakdown", "breakdowns", multiple=True, metavar="KR=DIMENSION",
    help="Show a key result's figure split by one of its metric's dimensions, e.g. "
    "O1.AUM=product (repeatable; adds to the target files' breakdown).",
)  # fmt: skip
@click.option(
    "--window", metavar="NAME",
    help="Show every key result on a flow metric over a window: wtd, mtd, qtd, ytd, "
    "last_N_weeks or last_N_months (key results whose target files name a window keep "
    "theirs).",
)  # fmt: skip
@click.option(
    "--compare", metavar="LIST",
    help="Compare those windows with the same periods a year before (last_year, 同比), "
    "the window before (previous, 环比), or both; without --window, the current period "
    "of the plan's grain. Last year is compared as the store holds it: collect reads it "
    'only for key results whose target files say compare = ["last_year"].',
)  # fmt: skip
@workspace_option
def report(
    as_of: dt.datetime | None,
    period: str | None,
    week: str | None,
    unit: str | None,
    depth: int | None,
    fmt: str | None,
    lang: str | None,
    out: Path | None,
    templates: Path | None,
    brief: bool,
    breakdowns: tuple[str, ...],
    window: str | None,
    compare: str | None,
) -> None:
    """The weekly progress report for a unit: objectives, members, budget, alerts.

    Each key result with its actual, target, attainment, what is due by now,
    status, change since the last period (week, month or quarter), forecast
    (to the year's end, an open checkpoint's to its day) and trend; the
    members below the unit ranked; the budget with tripped breakers first;
    and everything that needs attention. Text on a terminal by default; it
    opens with one screen (80×24) that says it all, which --brief prints
    alone.

    -p/--period shows the report as of the period's last day (or as of
    --as-of, else today, when the period has not ended yet).
    """
    from okrdesk.app.report import (
        check_brief,
        chosen_format,
        make_report,
        windows_asked,
        write_brief,
        write_report,
    )
    from okrdesk.app.session import open_session

    started()
    if out is not None:
        if_stopped_written_whole_or_not(out)
    session = open_session(workspace_path(), cut_to=unit)
    lang = session.workspace.language(lang)
    chosen = chosen_format(session, fmt, out, lang)
    if brief:
        check_brief(chosen.name, lang)
    windows = windows_asked(session, window, compare, lang)
    built = make_report(
        session, unit, day_of(as_of), week, lang, period, depth, breakdowns, windows
    )
    # The plan is read: a name misspelt there is why its plugin's metrics are not measured.
    say_warnings(session.host.allow_list_warnings(), lang)
    if brief:
        write_brief(session, built, chosen.name, out)
    else:
        write_report(session, built, chosen, out, templates, lang)
    if out is not None:
        say_wrote(out, lang, err=True)
