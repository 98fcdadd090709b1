"""The ``okrdesk`` command line.

Kept thin and cheap to import: ``okrdesk --help`` loads click and this
package only. Commands import what they need inside their own bodies, and
only commands that need plugins load them.
"""

from __future__ import annotations

import errno
import sys
from collections.abc import Callable
from typing import Any

import click

from okrdesk import __version__
from okrdesk.cli.help import HelpedGroup
from okrdesk.cli.options import group_lang_option, workspace_option

# A command's module, its name there, and the first line of its help (a test
# keeps that equal to the docstring). Plain tuples: a class costs start-up time.
LazyCommand = tuple[str, str, str]


# `okrdesk --help` lists these without importing them, so it stays instant.
LAZY_COMMANDS: dict[str, LazyCommand] = {
    "init": ("okrdesk.cli.workspace_commands", "init",
                        "Create a new workspace with a commented example plan."),
    "validate": ("okrdesk.cli.workspace_commands", "validate",
                            "Check every target file and report every problem at once."),
    "split": ("okrdesk.cli.workspace_commands", "split",
                         "Cut a key result's target onto the members of its unit, and over time."),
    "plugins": ("okrdesk.cli.workspace_commands", "plugins",
                           "List plugins, where each came from, and the metrics and report "
                           "formats it provides."),
    "collect": ("okrdesk.cli.record_commands", "collect",
                           "Collect every metric the plan uses, through its plugin, into "
                           "the store."),
    "checkin": ("okrdesk.cli.record_commands", "checkin",
                           "Record a value for a key result that no plugin measures."),
    "spend": ("okrdesk.cli.record_commands", "spend",
                         "Record and list spending against the budget lines."),
    "move-unit": ("okrdesk.cli.record_commands", "move_unit",
                             "Move what is stored under a unit's old id to its new one, after a "
                             "rename."),
    "explain": ("okrdesk.cli.read_commands", "explain",
                           "Show every number behind a figure, a score or a budget row, and "
                           "where each came from."),
    "history": ("okrdesk.cli.read_commands", "history",
                           "List a key result's check-ins: date, value, for whom, by whom, "
                           "confidence, note."),
    "due": ("okrdesk.cli.read_commands", "due",
                       "List the check-ins owed: which key results, by whom, since when."),
    "export": ("okrdesk.cli.read_commands", "export",
                          "Export the stored numbers, check-ins, spend and runs for other tools."),
    "check": ("okrdesk.cli.read_commands", "check",
                         "List everything that needs attention; exit 1 when any of it is a "
                         "problem."),
    "report": ("okrdesk.cli.report_command", "report",
                          "The weekly progress report for a unit: objectives, members, budget, "
                          "alerts."),
    "send": ("okrdesk.cli.delivery_commands", "send",
                        "Post the report's summary to WeCom, Feishu, DingTalk groups and by "
                        "email."),
    "trust": ("okrdesk.cli.workspace_commands", "trust",
                         "Allow a workspace's own plugins/ code to run, as its files are now."),
    "store": ("okrdesk.cli.store_commands", "store",
                         "Copy the store between an SQLite file and a PostgreSQL server; "
                         "create or upgrade its tables."),
    "demo": ("okrdesk.cli.workspace_commands", "demo",
                        "Build a demo workspace from the sample targets and show what okrdesk "
                        "knows."),
}  # fmt: skip


class OkrdeskGroup(HelpedGroup):
    """Loads each command only when it runs, and turns errors a user can fix into a
    message and an exit code, never a traceback."""

    command_line: list[str] = []  # noqa: RUF012 - replaced, never changed in place
    """The arguments being run, to word a refusal in the language they ask for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*LAZY_COMMANDS, *self.commands})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.commands and name in LAZY_COMMANDS:
            import importlib

            module, attribute, _ = LAZY_COMMANDS[name]
            command = getattr(importlib.import_module(module), attribute)
            self.add_command(command, name)
        return self.commands.get(name)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        try:
            return super().resolve_command(ctx, args)
        except click.exceptions.NoSuchCommand as error:
            # click suggests among the commands loaded so far: here, none.
            raise click.exceptions.NoSuchCommand(
                error.command_name, possibilities=self.list_commands(ctx), ctx=ctx
            ) from None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [
            (name, LAZY_COMMANDS[name][2] if name in LAZY_COMMANDS
             else (self.commands[name].get_short_help_str()))
            for name in self.list_commands(ctx)
        ]  # fmt: skip
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        # `okrdesk --help | head`, `okrdesk --version | head`: printed while the command
        # line is read, before any command runs; ended as a command's output is.
        try:
            return super().make_context(info_name, args, parent, **extra)
        except BrokenPipeError:
            reader_gone()
            raise click.exceptions.Exit(PIPE_CLOSED) from None

    def invoke(self, ctx: click.Context) -> Any:
        # Imported here, not at the top: `okrdesk --help` never gets this far.
        from okrdesk.errors import EXIT_FAILED, OkrdeskError
        from okrdesk.files import reason_in
        from okrdesk.interrupted import forget_kept

        # Only the stores this command opens are looked at again if it fails (a process
        # that runs several commands, as the tests do, opened others before).
        if (opened := sys.modules.get("okrdesk.store.base")) is not None:
            opened.forget_opened()
        forget_kept()  # what the command before said a stop would keep
        try:
            return super().invoke(ctx)
        except OkrdeskError as error:
            _say_error(error.said_in(self.language()))
            ctx.exit(error.exit_code)
        except BrokenPipeError:
            # `okrdesk report | head`: the reader chose to stop, which is no failure.
            reader_gone()
            ctx.exit(PIPE_CLOSED)
        except PermissionError as error:
            _say_error(_SAID[self.language()]["denied"].format(path=error.filename))
            ctx.exit(EXIT_FAILED)
        except OSError as error:
            if error.filename is None and error.errno in _CANNOT_WRITE:
                # `okrdesk report > /mnt/share/report.txt` on a full disk: said, not a
                # traceback, and not said again by Python at exit for the buffer left.
                reader_gone()
                said = _SAID[self.language()]["not_written"]
                _say_error(said.format(reason=reason_in(error, self.language())))
                ctx.exit(EXIT_FAILED)
            if error.filename is None:
                raise
            said = _SAID[self.language()]["os_error"]
            _say_error(said.format(reason=reason_in(error, self.language()), path=error.filename))
            ctx.exit(EXIT_FAILED)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as error:
            # What okrdesk read from its store was not what it stored (a column's type
            # changed by hand): said, with the statement that puts it back. Anything else
            # is okrdesk's own fault, and its traceback is what a maintainer needs.
            from okrdesk.store.base import changed_by_hand

            found = changed_by_hand(error, ctx.invoked_subcommand or "")
            if found is None:
                raise
            _say_error(found.said_in(self.language()))
            ctx.exit(found.exit_code)

    def language(self) -> str:
        """The language of the command line being run (its --lang, else its workspace's),
        for what okrdesk says of it outside the command itself."""
        from okrdesk.cli.languages import command_line_language

        return command_line_language(self.command_line)

    def main(
        self,
        args: Any = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        """click's own main, except that click's messages (which quote what was typed)
        are printed through the same escaping as everything else."""
        self.command_line = sys.argv[1:] if args is None else list(args)
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        try:
            try:
                result = super().main(args, prog_name, complete_var, False, **extra)
            except click.ClickException as error:
                _say_error(_shown(error, self.command_line))
                sys.exit(error.exit_code)
            except click.Abort as error:
                if not _by_a_signal(error):  # input that ended at a prompt
                    click.echo(_SAID[self.language()]["aborted"], err=True)
                    sys.exit(1)
                _say_stopped(self.language())
            sys.exit(result if isinstance(result, int) else 0)
        finally:
            _say_hand_edits_taken(self.language)


_SAID = {
    "en": {"denied": "error: permission denied: {path}", "os_error": "error: {reason}: {path}",
           "not_written": "error: {reason}: the output could not be written whole",
           "aborted": "Aborted!"},
    "zh": {"denied": "错误：没有权限：{path}", "os_error": "错误：{reason}：{path}",
           "not_written": "错误：{reason}：输出未能完整写出",
           "aborted": "已中止！"},
}  # fmt: skip
"""What okrdesk says when a command stops on the file system, or on input that ended at
a prompt, outside anything the command says itself (Ctrl-C and SIGTERM:
``okrdesk.interrupted``)."""


_CANNOT_WRITE = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO}
"""Why output (standard output, a file written) could not be written: a full disk, a
quota, a file too large, a failing device."""

SIGINT = 2
"""Ctrl-C's signal, on every system okrdesk runs on (``signal`` is not imported for it)."""

INTERRUPTED = 128 + SIGINT
"""The status of a command stopped by Ctrl-C: 130."""

PIPE_CLOSED = 141
"""The status of a command whose reader closed the pipe (``okrdesk report | head``): 128 +
SIGPIPE, what a shell gives for ``cat`` or ``git log`` stopped so. Not 0, since not all
was written; not 1, since nothing went wrong."""


def reader_gone() -> None:
    """Standard output, whose reader is gone, led to nowhere: what is left in its buffer
    goes there at exit, not into a second broken pipe Python would print about (and end
    with 120 for). Every command that meets a closed pipe, wherever it meets it, ends
    through this, with ``PIPE_CLOSED``."""
    import contextlib
    import os

    with contextlib.suppress(OSError, ValueError, AttributeError):
        nowhere = os.open(os.devnull, os.O_WRONLY)  # scratch: the null device
        os.dup2(nowhere, sys.stdout.fileno())
        os.close(nowhere)


def _by_a_signal(error: click.Abort) -> bool:
    """Whether click's ``Abort`` is Ctrl-C or SIGTERM (a ``KeyboardInterrupt`` it turned
    into one), not input that ended at a prompt."""
    return isinstance(error.__cause__ or error.__context__, KeyboardInterrupt)


def _say_stopped(lang: str) -> None:
    """End a command stopped by Ctrl-C or SIGTERM: its one line (``okrdesk.interrupted``),
    and 128 + the signal, as shells and other tools give: 130, or 143 for SIGTERM."""
    from okrdesk.interrupted import said_when_stopped

    signal_number = _terminated[0] if _terminated else SIGINT
    _say_error(said_when_stopped(signal_number, lang))  # a path in it shown safe
    sys.exit(128 + signal_number)


def _shown(error: click.ClickException, args: list[str]) -> str:
    """What click shows of ``error``; a mistake in the command line in Chinese when the
    command line or its workspace asks for Chinese."""
    from okrdesk.cli.languages import command_line_language

    # A group run with no command shows its help (an error only to set the exit code).
    help_shown = isinstance(error, click.exceptions.NoArgsIsHelpError)
    if (
        isinstance(error, click.UsageError)
        and not help_shown
        and command_line_language(args) == "zh"
    ):
        from okrdesk.cli.usage_zh import in_chinese

        return in_chinese(error)
    import io

    shown = io.StringIO()
    error.show(file=shown)
    return shown.getvalue().rstrip("\n")


def _say_hand_edits_taken(language: Callable[[], str]) -> None:
    """Where a store the command opened had figures changed by other software, which it
    added up again: said after everything else, on standard error, in the command's
    ``language()`` (asked only then: it may read the workspace's settings)."""
    if "okrdesk.store.base" not in sys.modules:  # the command opened no store
        return
    from okrdesk.store.base import hand_edits_taken

    if said := hand_edits_taken():
        from okrdesk.cli.output import say_warnings

        say_warnings(said, language())


def _say_error(text: str) -> None:
    from okrdesk.errors import printable

    click.echo("\n".join(printable(line) for line in text.split("\n")), err=True)


@click.group(
    cls=OkrdeskGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, prog_name="okrdesk")
@workspace_option
@group_lang_option(
    "The language of the help, and of what the command says where it is not given its own "
    "--lang. Help without it is in the workspace's language (its lang, else zh); outside a "
    "workspace, in the locale's (zh for LANG=zh_CN.UTF-8)."
)
def cli() -> None:
    """Track objectives, key results and budgets for a sales organisation.

    Targets live in TOML files under targets/ in a workspace folder; metric
    plugins collect the numbers from your CRM exports. Start with
    `okrdesk init` or try `okrdesk demo`.
    """


class Terminated(KeyboardInterrupt):
    """SIGTERM, the way a scheduler, ``timeout`` or systemd stops a command: taken as
    Ctrl-C is, so that the command stops its plugin processes, rolls back what it had
    not committed and removes its temporary files, rather than vanishing mid-work; it
    then exits with SIGTERM's status, 143."""


_terminated: list[int] = []


def _terminate(signum: int, frame: object) -> None:
    _terminated.append(signum)
    raise Terminated


def main() -> None:
    """The ``okrdesk`` command."""
    import signal

    from okrdesk.cli.start_up import starting

    starting()
    signal.signal(signal.SIGTERM, _terminate)
    try:
        cli.main(prog_name="okrdesk")
    except KeyboardInterrupt:  # outside click: as the command line is read, or after it
        _say_stopped(cli.language())
    except SystemExit:
        if _terminated:  # a command that said its own stop (send, checkin) exited 130
            sys.exit(128 + _terminated[0])
        raise


__all__ = ["cli", "main"]
