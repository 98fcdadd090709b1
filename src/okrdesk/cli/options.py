"""Options every command shares."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click
from click.core import ParameterSource

from okrdesk.cli.help import HelpedCommand
from okrdesk.cli.languages import language_of

if TYPE_CHECKING:
    import datetime as dt
    from pathlib import Path

_ISO_DAY = r"([0-9]{4})-([0-9]{2})-([0-9]{2})"  # compiled at its first use


class _Day(click.DateTime):
    """click's ``DateTime`` for ``%Y-%m-%d``, reading a plain ISO day itself: click's
    ``strptime`` compiles the locale's date patterns first, a tenth of a report's start.
    It takes what click takes; what it refuses it says is no day (``NotADay``), in words
    a person can act on rather than a ``strptime`` format."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if not isinstance(value, str):
            return super().convert(value, param, ctx)
        found = re.fullmatch(_ISO_DAY, value)
        try:
            if found is None:
                return super().convert(value, param, ctx)  # 2026-1-5 too, as click reads it
            import datetime as dt

            year, month, day = map(int, found.groups())
            return dt.datetime(year, month, day)
        except (ValueError, click.BadParameter):
            from okrdesk.cli.usage_zh import NotADay

            raise NotADay(value, ctx, param) from None

    def get_metavar(self, param: click.Parameter, ctx: click.Context) -> str:
        return "YYYY-MM-DD"  # click's own is its format, [%Y-%m-%d], strptime's words


DATE = _Day(formats=["%Y-%m-%d"])


if TYPE_CHECKING:
    _ParamType = click.ParamType[Any]  # generic from click 8.3; the project takes 8.2
else:
    _ParamType = click.ParamType


class Number(_ParamType):
    """A number an option or argument takes, whole or not, between ``low`` and ``high``
    where given: what it refuses (``10m``, ``x``, ``nan``, a number out of its range) it
    says in okrdesk's words, naming the option and the value as typed, and what to type
    instead (``wrong``, ``outside``: English and Chinese, ``{value}`` the value quoted),
    where click's own said only ``'10m' is not a valid float range``."""

    def __init__(
        self, *, whole: bool, wrong: tuple[str, str], low: float | None = None,
        high: float | None = None, outside: tuple[str, str] | None = None,
    ) -> None:  # fmt: skip
        self.whole = whole
        self.name = "integer" if whole else "float"
        self.wrong = wrong
        self.low = low
        self.high = high
        self.outside = outside or wrong

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, int | float) and not isinstance(value, bool):
            number: float = value  # a default, given as a number
        else:
            try:
                number = int(value) if self.whole else float(value)
            except (TypeError, ValueError):
                self._refuse(self.wrong, value, param, ctx)
            if number != number:  # nan: no wait or count could be it
                self._refuse(self.wrong, value, param, ctx)
        if (self.low is not None and number < self.low) or (
            self.high is not None and number > self.high
        ):
            self._refuse(self.outside, value, param, ctx)
        return number

    def _refuse(
        self, words: tuple[str, str], value: Any, param: click.Parameter | None,
        ctx: click.Context | None,
    ) -> NoReturn:  # fmt: skip
        from okrdesk.cli.usage_zh import Refused

        typed = repr(value if isinstance(value, str) else str(value))
        en, zh = (said.format(value=typed) for said in words)
        raise Refused(en, zh, ctx, param)


_WORKSPACE_KEY = "okrdesk.workspace"


def _remember_workspace(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value is not None:
        ctx.meta[_WORKSPACE_KEY] = value


workspace_option = click.option(
    "--workspace",
    "-w",
    type=click.Path(file_okay=False),
    envvar="OKRDESK_WORKSPACE",
    expose_value=False,
    callback=_remember_workspace,
    help="Workspace folder (default: $OKRDESK_WORKSPACE, else the current folder).",
)


def _file_or_stdout(ctx: click.Context, param: click.Parameter, value: str | None) -> Path | None:
    # Read before click's Path type would make ./- into -, which is standard output.
    if value is None or value == "-":
        return None
    from pathlib import Path

    return Path(value)


out_option = click.option(
    "--out", "-o", type=click.Path(dir_okay=False), callback=_file_or_stdout,
    help="Write to FILE; its extension picks the format unless --format is given. - is "
    "standard output (./- is a file named -).",
)  # fmt: skip
"""``--out FILE``: a ``Path``, or None for standard output (not given, or ``-``)."""


period_option = click.option(
    "--period", "-p", metavar="PERIOD",
    help="As of the end of a period: 2026-W14, 2026-03, 2026Q2, 2025, a phase id or name "
    "(Q1, 抢春播), this week, last month, 本周, 上月 or 上个月 (counted from --as-of, else today).",
)  # fmt: skip


_Command = TypeVar("_Command", bound=Callable[..., Any])


_LANG_KEY = "okrdesk.lang"


def _remember_lang(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value is not None:
        ctx.meta[_LANG_KEY] = value


def group_lang_option(what: str) -> Callable[[_Command], _Command]:
    """``--lang zh|en`` before a command's name (``okrdesk --lang en report``), for
    the command to take when it is not given its own, and for the help."""
    return click.option(
        "--lang", type=click.Choice(["zh", "en"]), expose_value=False, callback=_remember_lang,
        help=what,
    )  # fmt: skip


def given_lang(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A command's ``--lang``; where it was not given, the one given before the command's
    name, else its default."""
    if value is None or ctx.get_parameter_source(param.name or "") is ParameterSource.DEFAULT:
        return ctx.meta.get(_LANG_KEY, value)
    return value


def lang_option(what: str) -> Callable[[_Command], _Command]:
    """``--lang zh|en``, saying ``what`` it sets; None when not given, for the
    workspace's ``[workspace] lang`` to choose (``Workspace.language``)."""
    return click.option(
        "--lang", type=click.Choice(["zh", "en"]), callback=given_lang,
        help=f"{what} Default: okrdesk --lang before the command, else lang in okrdesk.toml's "
        "[workspace], else zh.",
    )  # fmt: skip


def workspace_path() -> Path | None:
    """The workspace named by ``--workspace`` (before or after the command name) or the env."""
    from pathlib import Path

    value: str | None = click.get_current_context().meta.get(_WORKSPACE_KEY)
    return None if value is None else Path(value)


def workspace_language(lang: str | None) -> str:
    """``--lang`` when given, else the workspace's (its okrdesk.toml alone read, before
    the plan and plugins): for a command to refuse its arguments in the reader's words.
    Chinese where no workspace says otherwise, or none can be read."""
    if lang is not None:
        return lang
    return language_of(workspace_path())


def day_of(value: dt.datetime | None) -> dt.date | None:
    """The day a ``DATE`` option names, or None when it was not given."""
    return value.date() if value else None


_NEGATIVE_NUMBER = r"-[0-9.,]"
"""Compiled by ``re`` at its first use: only commands taking numbers need it."""


class TakesNegativeNumbers(HelpedCommand):
    """A command whose arguments may be negative numbers, typed without ``--``.

    click reads ``-3`` as an option. Here a word that starts like a negative
    number and is not an option's value is kept as an argument: the command
    line is reordered into its options, then ``--``, then its arguments in the
    order typed.
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if "--" in args or not any(re.match(_NEGATIVE_NUMBER, word) for word in args):
            return super().parse_args(ctx, args)
        valued = {
            name
            for param in self.get_params(ctx)
            if isinstance(param, click.Option) and not param.is_flag and not param.count
            for name in (*param.opts, *param.secondary_opts)
        }
        options: list[str] = []
        arguments: list[str] = []
        words = iter(args)
        for word in words:
            if re.match(_NEGATIVE_NUMBER, word) or not word.startswith("-") or word == "-":
                arguments.append(word)
            else:
                options.append(word)
                following = next(words, None) if word in valued else None
                if following is not None:
                    options.append(following)
        return super().parse_args(ctx, [*options, "--", *arguments])
