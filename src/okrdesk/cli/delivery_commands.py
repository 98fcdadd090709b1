"""Commands that deliver the report to people: send."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import click

from okrdesk.cli.help import HelpedCommand
from okrdesk.cli.options import DATE, day_of, lang_option, workspace_option, workspace_path
from okrdesk.cli.output import say
from okrdesk.cli.start_up import started
from okrdesk.errors import EXIT_FAILED

if TYPE_CHECKING:
    from okrdesk.app.send import Outcome
    from okrdesk.targets.settings import Channel


@click.command(cls=HelpedCommand)
@click.option(
    "--as-of",
    "as_of",
    type=DATE,
    help="The day of the report (default: today; a day after today is refused).",
)
@click.option(
    "--week",
    metavar="WEEK",
    help="A week such as 2026-W47 (ISO weeks, cut at the year's edge: 2025-W53 is 29 to 31 "
    "December): the report (or --due's reminders) as of its last day, or today while it runs.",
)
@click.option(
    "--unit",
    metavar="UNIT",
    help="The unit or person to report on (default: the plan's unit); a channel with a "
    "unit of its own in okrdesk.toml gets that unit's.",
)
@lang_option("The language of the message and the report.")
@click.option(
    "--channel", "names", multiple=True, metavar="NAME",
    help="Send only to this channel of [[send.channels]] (repeatable; default: all).",
)  # fmt: skip
@click.option(
    "--due", is_flag=True,
    help="Send the reminders of who owes a check-in (as `okrdesk due` lists them) instead "
    "of the report; nothing is sent when nobody owes one, nor to a channel whose reminder "
    "would list check-ins kept under the plan's old unit id (run `okrdesk move-unit` "
    "first; exit 1).",
)  # fmt: skip
@click.option(
    "--dry-run", is_flag=True,
    help="Print what each channel would be sent, secrets masked; send nothing, write nothing.",
)  # fmt: skip
@workspace_option
def send(
    as_of: dt.datetime | None,
    week: str | None,
    unit: str | None,
    lang: str | None,
    names: tuple[str, ...],
    due: bool,
    dry_run: bool,
) -> None:
    """Post the report's summary to WeCom, Feishu, DingTalk groups and by email.

    Sends what [send] in okrdesk.toml lists: the unit, score, phase,
    tripped breakers and what needs attention, with the full HTML report
    written to the reports folder (attached to email; chat messages say
    where it is). This sends your data to those webhooks and mail servers.
    It reports the numbers the store holds: run okrdesk collect first (a
    cron job: okrdesk collect, then okrdesk send). Webhook URLs, secrets
    and passwords are read from the environment variables the settings
    name; cron does not read your shell's profile, so set them in the
    crontab or a file the job reads. Every channel is tried; exit 1 when
    any failed (the others are sent all the same), 2 for bad input (no
    channels, an unknown --channel), 130 when stopped by Ctrl-C (143 by
    SIGTERM), saying which channels had it and which were not sent to.
    With --due it sends the reminders of
    who owes a check-in instead (nothing when nobody does). A channel that
    names a unit gets that unit's message: one group a branch, in one run.
    See docs/delivery.md.
    """
    from okrdesk.app.send import (
        by_unit,
        chosen_channels,
        deliver_all,
        failed_lines,
        held_back,
        nothing_owed,
        nothing_owed_in,
        prepare,
        prepare_due,
        stopped_lines,
    )
    from okrdesk.app.send import dry_run as show
    from okrdesk.app.session import open_session, refuse_unknown_unit

    started()
    session = open_session(workspace_path())
    targets = chosen_channels(session, names)
    # Before any channel: the channels naming their own unit came first, and were sent to.
    refuse_unknown_unit(session.plan, unit)
    lang = session.workspace.language(lang)
    failed, reminded = False, False
    quiet: list[tuple[str | None, tuple[Channel, ...]]] = []  # units owing no check-in
    told: list[Outcome] = []
    left: list[Channel] = []  # what --due had nothing for, or held back
    try:
        for its_unit, channels in by_unit(targets, unit):
            if due:
                owed = prepare_due(session, its_unit, day_of(as_of), lang, week)
                day = owed.day
                if owed.held:
                    for line in held_back(owed, channels, lang):
                        say(line, err=True)
                    failed = True
                    left += channels
                    continue
                if owed.message is None:
                    quiet.append((its_unit, channels))
                    left += channels
                    continue
                message, reminded = owed.message, True
            else:
                message = prepare(session, its_unit, day_of(as_of), week, lang, write=not dry_run)
            if dry_run:
                for line in show(channels, message, lang):
                    say(line)
                continue
            for outcome in deliver_all(channels, message):
                told.append(outcome)
                say(outcome.text(lang), err=outcome.error is not None)
                failed = failed or outcome.error is not None
    except KeyboardInterrupt as stop:
        # Which groups have the message, so none gets it twice, is all a stopped send
        # says; a dry run, which sent and wrote nothing, ends as any command stopped does.
        said = [] if dry_run else stopped_lines(targets, told, left, stop, lang)
        if not said:
            raise
        from okrdesk.cli import INTERRUPTED

        for line in said:
            say(line, err=True)
        raise SystemExit(INTERRUPTED) from None  # 143 for SIGTERM: okrdesk.cli.main
    if quiet:  # once, not once a branch, when nobody anywhere owes one
        say(nothing_owed_in(session, day, lang, quiet) if reminded else nothing_owed(day, lang))
    for line in failed_lines(told, lang):
        say(line, err=True)
    if failed:
        raise SystemExit(EXIT_FAILED)
