"""Commands that record numbers: collect, checkin, spend."""

from __future__ import annotations

import datetime as dt
import sys

import click

from okrdesk.cli.help import HelpedCommand, HelpedGroup
from okrdesk.cli.options import (
    DATE,
    Number,
    TakesNegativeNumbers,
    day_of,
    group_lang_option,
    lang_option,
    workspace_language,
    workspace_option,
    workspace_path,
)
from okrdesk.cli.output import led, say, say_warnings
from okrdesk.cli.start_up import started
from okrdesk.errors import EXIT_FAILED, BadInput
from okrdesk.interrupted import if_stopped

WEEK = 7 * 24 * 3600
"""The longest ``collect --wait``: next week's collect is due by then."""


SECONDS_TO_WAIT = Number(
    whole=False, low=0, high=WEEK,
    wrong=("{value} is not a number of seconds; write 600 for ten minutes, 0 not to wait",
           "{value} 不是秒数；等十分钟请写 600，不等请写 0"),
    outside=("{value} is not from 0 (do not wait) to 604800 seconds (a week); write 600 for "
             "ten minutes",
             "{value} 不在 0（不等）到 604800 秒（一周）之间；等十分钟请写 600"),
)  # fmt: skip
PLUGINS_AT_ONCE = Number(
    whole=True, low=1, high=64,
    wrong=("{value} is not a whole number of plugins to run at once; write 4 to run four",
           "{value} 不是整数；要同时运行四个插件请写 4"),
    outside=("{value} is not from 1 to 64 plugins at once; 1 runs them one after another",
             "{value} 不在 1 到 64 之间（同时运行的插件数）；1 为逐个运行"),
)  # fmt: skip
CHECKIN_ID = Number(
    whole=True,
    wrong=("{value} is not a check-in's id; write the number okrdesk checkin --list KR shows "
           "for it",
           "{value} 不是打卡的编号；请写 okrdesk checkin --list KR 列出的编号"),
)  # fmt: skip
ENTRY_ID = Number(
    whole=True,
    wrong=("{value} is not an entry's id; write the number okrdesk spend list shows for it",
           "{value} 不是台账记录的编号；请写 okrdesk spend list 列出的编号"),
)  # fmt: skip


def _stored_whole_or_not(what: tuple[str, str], listed: str) -> None:
    """What a stop from here on keeps: ``what`` (in English and Chinese), written in one
    transaction, is stored whole or not at all, and ``listed`` shows which."""
    if_stopped(f"{what[0]} is stored whole or not at all: `{listed}` shows whether it was",
               f"{what[1]}要么完整记录，要么完全没有记录：`{listed}` 可查看是否已记录")  # fmt: skip


def _moved_whole_or_not() -> None:
    """What a stop from here on keeps: a move of a unit's records is one transaction."""
    if_stopped("the move is one transaction: everything was moved, or nothing was",
               "移动在同一事务中完成：要么全部移动，要么一项也没有移动")  # fmt: skip


@click.command(cls=HelpedCommand)
@click.option(
    "--through", type=DATE,
    help="Collect up to this day, today or earlier (default: today): a week not yet come is "
    "never stored.",
)  # fmt: skip
@click.option(
    "--metric", "metrics", multiple=True, metavar="METRIC",
    help="Only this metric (repeat for several); last year's periods its growth target "
    "or 同比 stands on that its source had no rows of are asked for again.",
)  # fmt: skip
@click.option(
    "--jobs", "-j", type=PLUGINS_AT_ONCE, default=1, show_default=True, metavar="N",
    help="Run up to N plugins at once (1 to 64), each in its own process (the SQL source on "
    "a warehouse also splits by metric). The numbers stored are the same as with 1.",
)  # fmt: skip
@click.option(
    "--accept-empty", "emptied", multiple=True, metavar="METRIC",
    help="METRIC's source has no figure now, on purpose (a complaint withdrawn, the "
    "only one of the year): what is stored of it goes. Without this, a metric given "
    "no figure where figures are stored (or none of a unit below the plan's) fails and "
    "keeps them. Repeat for several.",
)  # fmt: skip
@click.option(
    "--wait", type=SECONDS_TO_WAIT, metavar="SECONDS",
    help="How long to wait for a collect of the same plan still running (on this machine; "
    "with a PostgreSQL store, on any machine) before giving up: nothing collected, exit 1, "
    "naming its run, process and machine (default: 3600, an hour; 0: do not wait; at most "
    "604800, a week).",
)  # fmt: skip
@lang_option(
    "Language of the summary, and of a plugin's warnings and errors where the plugin words "
    "them in both languages (else as it gave them)."
)
@workspace_option
def collect(
    through: dt.datetime | None,
    metrics: tuple[str, ...],
    jobs: int,
    emptied: tuple[str, ...],
    wait: float | None,
    lang: str | None,
) -> None:
    """Collect every metric the plan uses, through its plugin, into the store.

    Collects each period of the plan from its start up to --through, into
    okrdesk.db or the firm's server okrdesk.toml names, and of last year the
    periods a growth target grows on that the store never held and no
    [[baselines]] types in (said, with how many the sources had); on a server it
    replaces the numbers of its own plan's people and units alone (another
    branch's stay). Collecting a metric and period again replaces its numbers, so running
    this twice stores nothing twice; a figure found unchanged is left as it
    was, with the run that stored it, and the summary says how many were
    new or changed, and names each metric whose figures of periods already
    over now read otherwise (a restated source; the run keeps that, and the
    report and check name it for a period after). A plugin that fails is reported by
    name and its metrics keep their earlier numbers (but for those it had
    said were finished, which are stored); the other plugins' land, the
    summary begins "Run N failed", with how many errors follow and how many
    metrics were not stored, and says "none new or changed" of what was
    stored alone, and the exit code is 1. So does a metric given not one figure where figures
    are stored for it (an export that came out empty): it fails, and keeps
    them, unless --accept-empty names it; and one given figures of others but
    not one of a unit below the plan's (a branch the firm's export left out, a
    team), where figures are stored for it: that unit's are kept, the others'
    stored, and it fails, naming the unit. A source that says it holds only
    recent days (a plugin's emit.covers, an SQL table's `rolling`) keeps what
    is stored for the periods it no longer reaches, and the summary says so,
    never as changed. A collect of the same plan still
    running on this machine (or, on a PostgreSQL store, on another) is waited
    for, and said so, so that each collect's figures land together: for an hour
    at most (--wait), after which this one ends, nothing collected, with exit
    1, naming the other run's process and machine, so that a collect that
    hangs does not keep every later one (a cron job's) waiting behind it.
    A workspace's own plugins/ run only where `okrdesk trust` allowed them
    for the user the command runs as (a cron job's user too); bad input
    (a target file with problems, an unknown --metric) exits 2.
    """
    from okrdesk.app.collect import (
        DEFAULT_WAIT,
        not_stored_line,
        run_collect,
        said_once,
        summary_lines,
    )
    from okrdesk.app.session import open_session
    from okrdesk.plugins.source_tables import tables_of_no_plugin

    started()
    session = open_session(workspace_path(), isolated=True)
    lang = session.workspace.language(lang)

    def waits(line: str) -> None:
        say(line, err=True)

    waited = DEFAULT_WAIT if wait is None else wait

    if_stopped(
        "a collect stores its figures all at once as it finishes, and one stopped before "
        "then stored none: every metric keeps its earlier numbers, and its run, where it had "
        "begun one (it may have been waiting for another collect), is noted as stopped "
        "(`okrdesk check` says so); run `okrdesk collect` again",
        "采集在完成时才一并存入数字，完成前被中断的采集一个也没有入库：各指标保留此前的数字；"
        "如已开始运行（它也可能还在等待另一次采集），本次采集记为已中断（`okrdesk check` "
        "会提示）；请重新运行 `okrdesk collect`",
    )
    if sys.stderr.isatty():
        from okrdesk.cli.progress_bar import BarProgress

        with BarProgress(lang=lang) as bar:
            summary = run_collect(session, day_of(through), metrics, bar, jobs, lang, emptied,
                                  waits=waits, wait=waited)  # fmt: skip
    else:
        summary = run_collect(session, day_of(through), metrics, jobs=jobs, lang=lang,
                              emptied=emptied, waits=waits, wait=waited)  # fmt: skip
    if_stopped("the collect had finished: its figures are stored", "采集已经完成：它的数字都已入库")
    for line in summary_lines(summary, lang):
        say(line)
    warned, failed = ("警告：", "错误：") if lang == "zh" else ("warning: ", "error: ")
    for warning in said_once(summary.warnings, lang):
        say(led(warned, warning), err=True)
    if summary.shared_people is not None:
        say(led(warned, summary.shared_people.text(lang)), err=True)
    if summary.renamed_people is not None:
        say(led(warned, summary.renamed_people.text(lang)), err=True)
    # A plugin's name misspelt there: why its metrics were provided by none.
    say_warnings(session.host.allow_list_warnings(), lang)
    # Or in okrdesk.toml's table: why a plugin's error asks for a key the user has set.
    for table in tables_of_no_plugin(session.host, session.workspace.root):
        say(f"{warned}{table.text(lang)}", err=True)
    for error in said_once(summary.errors, lang):
        say(led(failed, error), err=True)
    if summary.errors:
        kept = not_stored_line(summary, lang)
        if kept is not None:
            say(kept, err=True)
        raise SystemExit(EXIT_FAILED)


@click.command(cls=TakesNegativeNumbers)
@click.argument("key_result", required=False)
@click.argument("value", required=False)
@click.option("--person", help="The person the value is for.")
@click.option(
    "--unit",
    help="The org unit or person the value is for, as report's --unit takes either "
    "(default: the objective's owner).",
)  # fmt: skip
@click.option("--confidence", help="How sure you are: 0 to 1, or a percentage (80%).")
@click.option("--note", default="", help="A short note kept with the value.")
@click.option(
    "--date", "--as-of", "day", type=DATE,
    help="The day the value is as of, today or earlier (default: today).",
)  # fmt: skip
@click.option(
    "--by", metavar="NAME",
    help="Who is checking in, or withdrawing one: a name, or a person's id in the plan, "
    "kept as their name (default: okrdesk.toml's [checkin] by, else $OKRDESK_USER, else the "
    "login name).",
)  # fmt: skip
@click.option(
    "--list", "list_for", metavar="KR",
    help="List the check-ins of a key result, with their ids, withdrawn ones too (what "
    "`okrdesk history KR` lists).",
)  # fmt: skip
@click.option(
    "--withdraw", type=CHECKIN_ID, metavar="ID",
    help="Withdraw a wrong check-in (with --reason); it stays in the history.",
)  # fmt: skip
@click.option("--reason", help="With --withdraw: what was wrong; kept in the history.")
@click.option(
    "--again", is_flag=True,
    help="Record it although a standing check-in says just the same (key result, subject, "
    "date, value, confidence and note): another check-in, not the same one entered twice.",
)  # fmt: skip
@lang_option("Language of what is said and listed.")
@workspace_option
def checkin(
    key_result: str | None,
    value: str | None,
    person: str | None,
    unit: str | None,
    confidence: str | None,
    note: str,
    day: dt.datetime | None,
    by: str | None,
    list_for: str | None,
    withdraw: int | None,
    reason: str | None,
    again: bool,
    lang: str | None,
) -> None:
    """Record a value for a key result that no plugin measures.

    VALUE is in the key result's own unit (for a target written as 5.5
    亿元, write 4.72 for 4.72亿元), or carries a unit of the same kind and
    is converted: 2.2亿, 3,500万, 1200000元 or ￥120万 (￥3,500 alone is in
    元; ￥12 alone, where a bare 12 is 12万 or 12亿, is refused as either) for
    money, 82.5% or 825‰ for a rate, 1.2万 for a count. A count
    takes its own word only (7户, 1.2万户 or 1.64亿户 for 户; 7人 is refused). A
    negative value needs no `--` (okrdesk checkin O1.KR1 -3). Commas only
    separate thousands (1,234,567); a count (户, 人, 单...) takes whole
    numbers. Every check-in is kept; the latest
    one on or before a date counts, within the plan's days (last year's,
    under last year's plan, are no figure of this year's).

    A wrong check-in is withdrawn, not deleted: `okrdesk checkin --list KR`
    shows the ids, `okrdesk checkin --withdraw ID --reason TEXT` withdraws
    one. It stays in the history, marked withdrawn, and counts for nothing.
    A value ten times its target or more, or a bare figure under a tenth of
    the rate in % it is held to (0.915 for 91.5%), is stored and said back
    with the command that withdraws it, in case a unit or a digit slipped;
    an amount or a count typed without a unit a thousand times its target,
    or under a thousandth of what is due by its day (0.32 for 0.32亿 on a
    target of 3,500万), with the figure most likely meant as well.
    A check-in a standing one already says (same key result, subject, date,
    value, confidence and note), as a command run twice would make, is
    refused (exit 1) unless --again says it is another.
    `okrdesk history KR` lists a key result's check-ins with who made them.
    """
    from okrdesk.app.checkin import misused, record_checkin, withdraw_checkin
    from okrdesk.app.history import history_lines
    from okrdesk.app.session import open_session

    def refused(key: str) -> str:
        return misused(key, workspace_language(lang))

    if list_for is not None or withdraw is not None:
        if key_result is not None or (list_for is not None and withdraw is not None):
            raise BadInput(refused("alone"))
        if (reason is None) == (withdraw is not None):
            raise BadInput(refused("together"))
        if again:
            raise BadInput(refused("again_alone"))
        session = open_session(workspace_path())
        lang = session.workspace.language(lang)
        if withdraw is not None:
            _stored_whole_or_not(("the withdrawal", "撤回"), "okrdesk checkin --list KR")
        lines = (
            [withdraw_checkin(session, withdraw, reason or "", lang, by)]
            if withdraw is not None
            else history_lines(session, list_for or "", lang)
        )
        for text in lines:
            say(text)
        return
    if key_result is None or value is None:
        raise BadInput(refused("give_both"))
    if reason is not None:
        raise BadInput(refused("reason_alone"))
    session = open_session(workspace_path())
    # Once stored, a stop says so itself (checkin.StoppedOnceStored), with its id.
    if_stopped("no check-in was stored", "没有记录打卡")
    record_checkin(
        session, key_result, value, person, unit, confidence, note, day_of(day), by,
        session.workspace.language(lang), again=again, tell=say,
    )  # fmt: skip


@click.group(cls=HelpedGroup)
@group_lang_option(
    "The language of the help, and of what its commands say where they are not given "
    "their own --lang."
)
def spend() -> None:
    """Record and list spending against the budget lines."""


@spend.command("add", cls=TakesNegativeNumbers)
@click.argument("line")
@click.argument("amount")
@click.option(
    "--signed-by", "signers", multiple=True, required=True,
    help="Who signed off the spend; repeat for a second signature.",
)  # fmt: skip
@click.option("--note", default="", help="What the money was for.")
@click.option("--date", "--as-of", "day", type=DATE, help="The day it was spent (default: today).")
@click.option("--override", is_flag=True, help="Spend although the line's breaker is tripped.")
@click.option("--reason", help="With --override: why; kept in the ledger and shown in reports.")
@click.option(
    "--again", is_flag=True,
    help="Record it although the ledger has an entry just like it (line, date, amount, "
    "signers and note): another expense, not the same one entered twice.",
)  # fmt: skip
@lang_option("Language of what is said.")
@workspace_option
def spend_add(
    line: str,
    amount: str,
    signers: tuple[str, ...],
    note: str,
    day: dt.datetime | None,
    override: bool,
    reason: str | None,
    again: bool,
    lang: str | None,
) -> None:
    """Record spending on a budget line.

    AMOUNT is in the line's unit (万元 unless the target file says otherwise:
    12 is 12万), or carries its own: 1.2亿, 3,500元, 12.5万元, ￥12.5万 (￥3,500
    alone is in 元; ￥12 alone, on a line in 万元, is refused as either 12元 or 12万); it
    is positive
    and at most 100亿元 (a correction is a reversal: `okrdesk spend reverse`).
    The message says what was recorded, in 万 (in CNY thousands in English).
    Every --signed-by is a person in the plan (by name or id) or in
    [budget] signers; names are compared ignoring case, width and invisible
    characters. Lines marked as market activities need two different
    people. The date must be inside the plan. Spending on a line whose
    circuit breaker is tripped, or would trip with this entry, is refused
    (exit 1) unless --override --reason TEXT; the reason is kept in the
    ledger and shown by `spend list` and the report. --override on a line
    whose breaker is not tripped is refused (exit 2): nothing to override.
    An entry the ledger already holds (same line, date, amount, signers and
    note, not reversed), as a command run twice would make, is refused (exit
    1) unless --again says it is another expense.
    """
    from okrdesk.app.session import open_session
    from okrdesk.app.spend import check_override, record_spend

    session = open_session(workspace_path())
    lang = session.workspace.language(lang)
    check_override(override, reason, lang)
    _stored_whole_or_not(("the entry", "台账记录"), "okrdesk spend list")
    said = record_spend(
        session, line, amount, signers, note, day_of(day), reason, again=again, lang=lang
    )
    say(said)


@spend.command("reverse", cls=TakesNegativeNumbers)
@click.argument("entry", type=ENTRY_ID)
@click.option("--reason", required=True, help="What was wrong with the entry; kept in the ledger.")
@click.option(
    "--signed-by", "signers", multiple=True, required=True,
    help="Who signed off the correction; the line's sign-off rules apply.",
)  # fmt: skip
@click.option(
    "--date", "--as-of", "day", type=DATE,
    help="The day of the correction (default: today, or the entry's own day when that is "
    "ahead); never before the entry's own day, nor after today unless on it.",
)  # fmt: skip
@lang_option("Language of what is said.")
@workspace_option
def spend_reverse(
    entry: int, reason: str, signers: tuple[str, ...], day: dt.datetime | None, lang: str | None
) -> None:
    """Correct the ledger by reversing entry ENTRY (its id in `spend list`).

    Records the same amount, negative, naming the entry it reverses, with
    the reason. An entry is reversed at most once, a reversal is never
    reversed, and no line goes below zero. To fix an amount, reverse the
    entry and add the right one.
    """
    from okrdesk.app.session import open_session
    from okrdesk.app.spend import reverse_spend

    session = open_session(workspace_path())
    lang = session.workspace.language(lang)
    _stored_whole_or_not(("the reversal", "冲销"), "okrdesk spend list")
    say(reverse_spend(session, entry, reason, signers, day_of(day), lang))


@spend.command("move-unit")
@click.argument("old_unit")
@click.option(
    "--merge", is_flag=True,
    help="Move them even where the plan's unit holds some of the same already (both are "
    "this plan's).",
)  # fmt: skip
@lang_option("Language of what is said.")
@workspace_option
def spend_move_unit(old_unit: str, merge: bool, lang: str | None) -> None:
    """The same as `okrdesk move-unit OLD_UNIT`: everything under it, not only the ledger.

    Kept for the scripts and notes that spell it this way. It moves the
    check-ins and collected figures under OLD_UNIT too: moved apart, the
    budget would count the spending while the key results it is judged by
    read as never checked in.
    """
    from okrdesk.app.move_unit import move_unit
    from okrdesk.app.session import open_session

    session = open_session(workspace_path())
    lang = session.workspace.language(lang)
    _moved_whole_or_not()
    say(move_unit(session, old_unit, merge=merge, lang=lang))


@click.command("move-unit", cls=HelpedCommand)
@click.argument("old_unit")
@click.argument("new_unit", required=False)
@click.option(
    "--merge", is_flag=True,
    help="Move them even where NEW_UNIT holds check-ins of the same key results, figures of "
    "the same periods or ledger entries already (both are this plan's).",
)  # fmt: skip
@click.option(
    "--from-plan", metavar="PLAN_ID",
    help="The plan's id before it was changed together with its unit ([plan] id): the "
    "ledger's entries under OLD_UNIT carry it.",
)  # fmt: skip
@click.option(
    "--was-a-unit", is_flag=True,
    help="OLD_UNIT was a unit's id (a team merged into NEW_UNIT), though it went as people "
    "came and no unit did, as a renamed person's id does: move it all the same.",
)  # fmt: skip
@lang_option("Language of what is said.")
@workspace_option
def move_unit(
    old_unit: str,
    new_unit: str | None,
    merge: bool,
    from_plan: str | None,
    was_a_unit: bool,
    lang: str | None,
) -> None:
    """Move what is stored under a unit's old id to its new one, after a rename.

    OLD_UNIT is the unit's id before it was changed in the target files;
    NEW_UNIT its id now (default: the plan's unit, for the plan's own old
    id; a team's is named, and the plan's own is not moved to a team). Its
    check-ins, the figures collected for it and, for the plan's unit, its
    ledger entries move in one transaction; until then the report reads
    them as no one's.
    Refused, nothing moved, for what another plan recorded (another branch's),
    without --merge where NEW_UNIT holds the same already (each clash is
    named), and without --was-a-unit where OLD_UNIT is most likely a renamed
    person's id (it went as people came and no unit did): moved, one person's
    figures would read as the unit's own.
    """
    from okrdesk.app.move_unit import move_unit as move
    from okrdesk.app.session import open_session

    session = open_session(workspace_path())
    lang = session.workspace.language(lang)
    _moved_whole_or_not()
    said = move(session, old_unit, new_unit, merge=merge, from_plan=from_plan,
                was_a_unit=was_a_unit, lang=lang)  # fmt: skip
    say(said)


@spend.command("list")
@click.option("--line", help="Only this budget line.")
@lang_option("Language of the list.")
@workspace_option
def spend_list(line: str | None, lang: str | None) -> None:
    """List the plan's spend ledger, oldest first, with each entry's id and who signed it.

    The plan's: the entries dated within its days (last year's, kept in the same
    store, are last year's budget's; the list says how many it leaves out), recorded
    by this plan (branches sharing a firm's server each list their own).
    """
    from okrdesk.app.session import open_session
    from okrdesk.app.spend import spend_lines

    session = open_session(workspace_path())
    for text in spend_lines(session, line, session.workspace.language(lang)):
        say(text)
