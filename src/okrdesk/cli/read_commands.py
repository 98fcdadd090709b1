"""Commands that read what is recorded: check, explain, history, due, export (and
``report``, in a module of its own: cli/report_command.py)."""

from __future__ import annotations

import contextlib
import datetime as dt
from pathlib import Path

import click

from okrdesk import clock
from okrdesk.cli.help import HelpedCommand
from okrdesk.cli.options import (
    DATE,
    day_of,
    lang_option,
    out_option,
    period_option,
    workspace_option,
    workspace_path,
)
from okrdesk.cli.output import (
    at_a_terminal,
    if_stopped_written_whole_or_not,
    say,
    say_data,
    say_folded,
    say_warnings,
    say_wrote,
)
from okrdesk.cli.start_up import started
from okrdesk.errors import EXIT_FAILED, BadInput, OkrdeskError, no_store_yet


@click.command(cls=HelpedCommand)
@click.option(
    "--as-of",
    "as_of",
    type=DATE,
    help="The day to check (default: today); a day before the plan starts or after today "
    "is refused, as by report.",
)
@period_option
@click.option(
    "--unit",
    help="Only what needs attention inside this unit, or for this person, as its report "
    "lists it (default: the plan's unit).",
)
@lang_option("The language of the messages, as for `okrdesk report`.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: an alert a line, folded under its message at the report's width when shown "
    "on a terminal (whole when piped); json: the alerts with their level and kind, for a "
    "monitoring system (printed when all is clear too; the exit status is the same).",
)
@click.option("--verbose", "-v", is_flag=True, help="Say so when all is clear, too.")
@workspace_option
def check(
    as_of: dt.datetime | None,
    period: str | None,
    unit: str | None,
    lang: str | None,
    output_format: str,
    verbose: bool,
) -> None:
    """List everything that needs attention; exit 1 when any of it is a problem.

    The same rules as the report's "needs attention": tripped budget
    breakers, expense ratios over the limit, key results off track,
    breached or missed, members' targets that do not add up, key results with no
    data, missing or stale metrics and check-ins, and plugin errors; and,
    for a period after, figures of complete periods a collect restated,
    which are told but are no problem (exit 0 when they are all there is).
    Meant for cron: when all is clear it prints nothing (with -v: says so)
    and exits 0.
    """
    from okrdesk.app.check import as_json, kind_column, summary, tagged
    from okrdesk.app.check import check as check_workspace
    from okrdesk.app.session import open_session
    from okrdesk.engine.attention import Level
    from okrdesk.engine.plan_calendar import clamp_to_plan
    from okrdesk.messages import label
    from okrdesk.report.screen import terminal_width
    from okrdesk.targets.period_words import as_of_period

    started()
    try:
        session = open_session(workspace_path())
        lang = session.workspace.language(lang)
        day = as_of_period(session.plan, period, day_of(as_of), lang)
        checked = check_workspace(session, day, unit)
        # A plan refused says it with its problems; one read, here.
        say_warnings(session.host.allow_list_warnings(), lang)
    except OkrdeskError as error:
        if output_format == "json":  # a monitoring job reads why there are no alerts
            from okrdesk.app.check import error_json

            root = click.get_current_context().find_root().command
            told = lang or getattr(root, "language", lambda: "en")()
            say_data(error_json(error, day_of(as_of), unit, told))
        raise  # said on stderr too, with its exit status
    found = checked.alerts
    failed = any(alert.level is not Level.INFO for alert in found)
    if output_format == "json":
        plan = session.plan
        judged = clamp_to_plan(plan, day or clock.today())
        say_data(as_json(checked, judged, unit or plan.top, lang))
        if failed:
            raise SystemExit(EXIT_FAILED)
        return
    # Shown on a terminal, each line folds at the report's width under its message, the
    # kinds a column of their own; piped (grep, a file, cron's mail) an alert stays a line.
    width = terminal_width() if at_a_terminal() else None
    if found and checked.figures_through is not None:
        say_folded(checked.through_line(lang), 2, width)  # what the lines below were judged on
    column = kind_column(found, lang)
    for at, alert in enumerate(found):
        if alert.level is Level.INFO and (at == 0 or found[at - 1].level is not Level.INFO):
            # Apart, as in the report: which of the lines the summary counts as information
            # only (errors and warnings come first).
            say_folded(label(lang, "for_information"), 2, width)
        say_folded(tagged(alert, lang, column, checked.overridden), column, width)
    if found or verbose:
        info = sum(alert.level is Level.INFO for alert in found)
        say_folded(summary(len(found) - info, lang, info), 2, width)
    if failed:
        raise SystemExit(EXIT_FAILED)


@click.command(cls=HelpedCommand)
@click.argument("item", required=False, metavar="[KEY_RESULT | OBJECTIVE | BUDGET_LINE]")
@click.option("--person", help="Explain the figure or score for this person.")
@click.option(
    "--unit",
    help="Explain the figure or score for this unit or person, as report's --unit takes "
    "either (default: the objective's owner; with no KEY_RESULT or OBJECTIVE, the plan's "
    "unit).",
)  # fmt: skip
@click.option(
    "--as-of",
    "as_of",
    type=DATE,
    help="The day of the figure (default: today); a day before the plan starts or after "
    "today is refused, as by report.",
)
@period_option
@lang_option(
    "The language and how values are written, as for `okrdesk report` (2.54亿 or CNY 254m)."
)
@workspace_option
def explain(
    item: str | None,
    person: str | None,
    unit: str | None,
    as_of: dt.datetime | None,
    period: str | None,
    lang: str | None,
) -> None:
    """Show every number behind a figure, a score or a budget row, and where each came from.

    For a key result (O1.KR1): each observation (period, person, value,
    plugin, run and source rows) or check-in that makes up the figure, and
    how they add up; a unit's figure of more than 60 observations, added up
    by its members (each one's figure and observations; --unit or --person
    lists one's; those with no data have no row, but a line below the table
    says how many and who). Where a key result on a metric shares its target among
    the members, they are ranked by attainment, highest first, as the report ranks
    them; one with no share has no attainment (one tracked by check-ins lists each
    member's check-ins, the report ranking them); one member asked for with --unit
    or --person has its share, the owner's target and its attainment under its
    figure. A unit or person outside the key
    result's owner is refused: none of its figure counts in it. Units and
    people by name, with the
    id where two share a name. For an objective (O1): its score from its key
    results' attainment, each with its weight and what it counts for up to
    the cap. For a budget line (events): its spend, the revenue attributed
    to it and its ROI, its cost per result and where it stands against its
    breaker. With none: the unit's or person's score from its objectives'
    scores. Words and values in the language of --lang, as the report writes
    them. Lines fold at the terminal's width, or piped at 80 columns
    (COLUMNS sets another: COLUMNS=1000 keeps a row a line for grep), a
    row's source rows going on under themselves, none of them cut.
    """
    from okrdesk.app.explain import NotMeasured, explain_any
    from okrdesk.app.session import open_session
    from okrdesk.report.folded_lines import piped_width
    from okrdesk.report.screen import terminal_width
    from okrdesk.targets.period_words import as_of_period

    started()
    session = open_session(workspace_path())
    chosen = session.workspace.language(lang)
    day = as_of_period(session.plan, period, day_of(as_of), chosen)
    # Why a metric stored is provided by no plugin: its name misspelt there.
    say_warnings(session.host.allow_list_warnings(), chosen)
    # Folded at the terminal's width, each table row's source under itself; piped (to a
    # file, a mail, less), at the 80 columns a report is read at.
    width = terminal_width() if at_a_terminal() else piped_width()

    def shown(lines: list[str]) -> None:
        for text in lines:
            say_folded(text, len(text) - len(text.lstrip(" ")) + 2, width)

    try:
        lines = explain_any(session, item, person, unit, day, chosen, width)
    except NotMeasured as unmeasured:  # what is stored is shown, then why it is not added up
        shown(unmeasured.listing)
        # Said on standard error as any refusal is, but folded as the lines above it.
        say_folded(unmeasured.said_in(chosen), 2, width, err=True)
        raise SystemExit(unmeasured.exit_code) from None
    shown(lines)


@click.command(cls=HelpedCommand)
@click.argument("key_result")
@lang_option("The list's language and how values are written, as for `okrdesk report`.")
@workspace_option
def history(key_result: str, lang: str | None) -> None:
    """List a key result's check-ins: date, value, for whom, by whom, confidence, note.

    Oldest first, withdrawn ones too, marked with who withdrew them and why;
    the latest one not withdrawn on or before a date is the one that counts.
    Those dated outside the plan's days (last year's, in a workspace kept from
    year to year) are marked too: they count in no figure of this plan. Those
    still kept under the plan's old unit id after it changed are counted at
    the foot, with the `okrdesk move-unit` command that moves them.
    """
    from okrdesk.app.history import history_lines
    from okrdesk.app.session import open_session

    started()
    session = open_session(workspace_path())
    for text in history_lines(session, key_result, session.workspace.language(lang)):
        say(text)


@click.command(cls=HelpedCommand)
@click.option(
    "--as-of",
    "as_of",
    type=DATE,
    help="The day to look at (default: today); a day before the plan starts or after today "
    "is refused, as by report.",
)
@click.option("--unit", help="Only check-ins owed inside this unit, or by this person.")
@lang_option("The language of the list, as for `okrdesk report`.")
@workspace_option
def due(as_of: dt.datetime | None, unit: str | None, lang: str | None) -> None:
    """List the check-ins owed: which key results, by whom, since when.

    A key result without a metric is owed one check-in every week, month or
    quarter (its `cadence` in the target files; weekly by default). A
    person owes their own; a unit's are owed by its lead. A key result
    owed by several people (a head office's branches) is said once, then
    each state it is in (none yet, late since a day, due by a day) with who
    owes it and for which unit; otherwise a line a person, then a line a key
    result. Lines fold to the terminal's width. Exit 0 either way:
    `okrdesk check` is the one that fails when something is late.
    """
    from okrdesk.app.due import due_lines
    from okrdesk.app.session import open_session
    from okrdesk.report.screen import terminal_width

    started()
    session = open_session(workspace_path())
    chosen = session.workspace.language(lang)
    for text in due_lines(session, day_of(as_of), unit, chosen, terminal_width()):
        say(text)


@click.command(cls=HelpedCommand)
@click.option(
    "--format", "fmt", type=click.Choice(["json", "csv", "xlsx"]),
    help="JSON and xlsx hold every table; CSV holds the one named by --table. Default: "
    "from --out's extension (.json, .csv, .xlsx), else json; an --out named .xls, .ods, "
    ".tsv or the like needs it.",
)  # fmt: skip
@click.option(
    "--table", type=click.Choice(["observations", "checkins", "spend", "runs"]),
    default="observations", show_default=True,
    help="The table a CSV export holds (JSON and xlsx hold every table, and refuse it).",
)  # fmt: skip
@out_option
@click.option(
    "--slices", is_flag=True,
    help="Also each dimensioned figure's slices (gender=female;tier=600w), beside its whole: "
    "add up the rows with an empty slice or the others, never both.",
)  # fmt: skip
@lang_option(
    "The language of what it says, and of the unit column and first sheet of a CSV or "
    "xlsx export (元 or CNY); never of the data, nor of JSON's units."
)
@workspace_option
def export(fmt: str | None, table: str, out: Path | None, slices: bool, lang: str | None) -> None:
    """Export the stored numbers, check-ins, spend and runs for other tools.

    In CSV, a text cell a spreadsheet would run as a formula (one starting
    with =, +, -, @, a tab or a carriage return) gets a leading apostrophe,
    and so does a formula after a semicolon, tab or line break inside a cell
    (a field of its own where Excel splits at semicolons); numbers are written as
    numbers, so -12.5 stays a number. CSV starts with
    a byte order mark for Excel; every format gives each value its unit
    (元, 户, ratio; CNY, accts in an English CSV or xlsx) and a rate its ratio
    (numerator / denominator); xlsx (needs --out) has a sheet per table, its
    dates date cells, an empty cell blank, and first a sheet that says whose
    numbers they are: the workspace, plan and unit, the day the latest
    collect ran through, and when it was exported.

    The export is the store at one moment: every row is read first, then
    written. Only exit status 0 means it was written whole; a store that
    cannot be read writes nothing (exit 2, or 1 for a server out of reach),
    --out FILE is replaced only by a whole export, and a reader that closes
    the pipe (| head) ends it quietly with 141. See docs/export.md.
    """
    from okrdesk.app.export import (
        BINARY_NEEDS_OUT,
        NOT_A_FORMAT,
        SPREADSHEET_NAMES,
        TABLE_IS_FOR_CSV,
        Units,
        provenance,
        units_of,
        unknown_units,
        write_file,
        write_text,
    )
    from okrdesk.app.session import consented, open_session, store_exists
    from okrdesk.errors import OkrdeskError, Said
    from okrdesk.targets.settings import open_workspace
    from okrdesk.targets.workspace_files import check_out_path

    workspace = consented(open_workspace(workspace_path()))
    lang = workspace.language(lang)
    if fmt is None:
        # export -o firm.xlsx wrote JSON into a file Excel then could not open.
        suffix = out.suffix.lower().lstrip(".") if out is not None else ""
        if suffix in SPREADSHEET_NAMES:  # -o firm.xls did, until now
            said = NOT_A_FORMAT
            raise BadInput(Said(said.en.format(out=out, suffix=suffix),
                                said.zh.format(out=out, suffix=suffix)))  # fmt: skip
        fmt = suffix if suffix in ("json", "csv", "xlsx") else "json"
    if fmt == "xlsx" and out is None:
        raise BadInput(BINARY_NEEDS_OUT)
    source = click.get_current_context().get_parameter_source("table")
    if fmt != "csv" and source is click.core.ParameterSource.COMMANDLINE:
        # `export --table spend > spend.json` wrote every table, and said nothing.
        said = TABLE_IS_FOR_CSV
        raise BadInput(Said(said.en.format(fmt=fmt.upper()), said.zh.format(fmt=fmt.upper())))
    if out is not None:
        check_out_path(out, workspace)
        if_stopped_written_whole_or_not(out)
    if not store_exists(workspace):
        raise BadInput(no_store_yet(workspace.store_location))
    units, session = Units(), None
    # Target files with problems: the stored numbers still export, their unit unknown.
    with contextlib.suppress(OkrdeskError):
        session = open_session(workspace.root)
        # JSON is for programs: its units as stored (元, 户), whatever the language.
        units = units_of(session, "zh" if fmt == "json" else lang)
    if out is None:
        # A reader that closes the pipe (`| head`) ends it as any command (cli.PIPE_CLOSED).
        write_text(workspace.store_location, fmt, table, say_data, units, slices)
    else:
        about = provenance(workspace.root, session, lang)
        write_file(workspace.store_location, fmt, table, out, units, slices, about)
        say_wrote(out, lang)
    if units.unknown:
        say(unknown_units(sorted(units.unknown), fmt).text(lang), err=True)
