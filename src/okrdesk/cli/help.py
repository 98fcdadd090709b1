"""``--help`` in the reader's language.

The language is the command line's ``--lang`` wherever it stands (after ``--help``
too), else the workspace's (its ``[workspace] lang``, else Chinese, as for its
reports), else, outside any workspace, the locale's, as ``okrdesk init`` chooses
(``languages.help_language``). English help is click's own, from the
commands' docstrings and their options' ``help=``; Chinese is the same help with
the texts of ``help_zh``, which is imported only when Chinese is chosen, laid out
by the columns a character takes on a terminal (two for a Chinese one) and broken
between any two Chinese characters.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from collections.abc import Mapping


class HelpedCommand(click.Command):
    """A command whose ``--help`` speaks the reader's language."""

    def get_help(self, ctx: click.Context) -> str:
        if _language(ctx) == "zh":
            return chinese_help(self, ctx)
        return super().get_help(ctx)


class HelpedGroup(click.Group):
    """A group whose ``--help``, and its commands', speak the reader's language."""

    command_class = HelpedCommand
    group_class = type  # its groups are HelpedGroups too

    def get_help(self, ctx: click.Context) -> str:
        if _language(ctx) == "zh":
            return chinese_help(self, ctx)
        return super().get_help(ctx)


def _language(ctx: click.Context) -> str:
    from okrdesk.cli.languages import help_language

    return help_language(getattr(ctx.find_root().command, "command_line", []))


def command_key(ctx: click.Context) -> str:
    """The command's path below ``okrdesk`` (``spend add``; ``""`` for okrdesk itself),
    as ``help_zh`` files its texts."""
    names = []
    while ctx.parent is not None:
        names.append(ctx.info_name or "")
        ctx = ctx.parent
    return " ".join(reversed(names))


def summary(text: str) -> str:
    """A help text's first paragraph on one line: what a group lists beside a command."""
    return joined(text.strip().split("\n\n")[0])


def chinese_help(command: click.Command, ctx: click.Context) -> str:
    """``command``'s help as click lays it out, in the words of ``help_zh``."""
    from okrdesk.cli import help_zh

    key = command_key(ctx)
    text, options = help_zh.COMMANDS[key]
    width = ctx.make_formatter().width
    pieces = " ".join(command.collect_usage_pieces(ctx))
    lines = _hanging(f"{help_zh.USAGE}{ctx.command_path} ", pieces, width)
    for paragraph in text.strip().split("\n\n"):
        lines += ["", *("  " + line for line in wrapped(joined(paragraph), width - 2))]
    rows = [
        (param.get_help_spec(ctx), _option_help(param, ctx, options))
        for param in command.get_params(ctx)
        if isinstance(param, click.Option) and not param.hidden
    ]
    lines += _section(help_zh.OPTIONS, rows, width)
    if isinstance(command, click.Group):
        listed = [
            (name, summary(help_zh.COMMANDS[f"{key} {name}".strip()][0]))
            for name in command.list_commands(ctx)
            if not getattr(command.commands.get(name), "hidden", False)
        ]
        lines += _section(help_zh.COMMANDS_HEADING, listed, width)
    return "\n".join(lines)


def _option_help(param: click.Option, ctx: click.Context, options: Mapping[str, str]) -> str:
    from okrdesk.cli import help_zh

    name = long_name(param)
    said = options.get(name) or help_zh.EVERY_COMMAND.get(name, "")
    extra: Any = param.get_help_extra(ctx)
    told = [
        *([f"{help_zh.DEFAULT}{extra['default']}"] if "default" in extra else []),
        *([extra["range"]] if "range" in extra else []),
        *([help_zh.REQUIRED] if "required" in extra else []),
    ]
    return f"{said}  [{'；'.join(told)}]" if told else said


def long_name(param: click.Parameter) -> str:
    """The name ``help_zh`` files an option's text under: its first ``--`` name."""
    return next((name for name in param.opts if name.startswith("--")), param.opts[0])


def _section(heading: str, rows: list[tuple[str, str]], width: int) -> list[str]:
    """A heading and its rows, two columns as click lays them out: the first at most
    30 columns wide (a longer one puts its text on the next line), then two spaces."""
    if not rows:
        return []
    first = min(max(columns(name) for name, _ in rows), 30) + 2
    lines = ["", heading]
    for name, text in rows:
        told = wrapped(text, max(width - first - 2, 10))
        if columns(name) > first - 2:
            lines.append(f"  {name}")
            lines += [" " * (first + 2) + line for line in told]
            continue
        lines.append(f"  {name}" + " " * (first - columns(name)) + (told[0] if told else ""))
        lines += [" " * (first + 2) + line for line in told[1:]]
    return lines


def _hanging(prefix: str, text: str, width: int) -> list[str]:
    """``prefix`` then ``text`` wrapped beside it, as click lays out the usage line."""
    if not text:
        return [prefix.rstrip()]
    indent = columns(prefix)
    if width >= indent + 20:
        told = wrapped(text, width - indent)
        return [prefix + told[0], *(" " * indent + line for line in told[1:])]
    return [prefix.rstrip(), *("    " + line for line in wrapped(text, width - 4))]


_CLOSING = set("，。、；：！？）》」』”’%‰)]}")
"""Never at the start of a line."""
_OPENING = set("（《「『“‘([{")
"""Never at the end of a line."""


def columns(text: str) -> int:
    """The columns ``text`` takes on a terminal: two for a wide (Chinese) character."""
    from okrdesk.report.text_layout import cell_width

    return cell_width(text)


def _wide(char: str) -> bool:
    from okrdesk.report.text_layout import char_cells

    return char_cells(char) == 2


def joined(paragraph: str) -> str:
    """A paragraph's lines as one: with a space between them, but where both sides of
    the break are Chinese (Chinese is written without spaces)."""
    text = ""
    for line in (part.strip() for part in paragraph.strip().split("\n")):
        if text and line:
            before, after = text[-1], line[0]
            after_chinese = _wide(before) and (_wide(after) or before in _CLOSING)
            tight = after_chinese or (_wide(after) and after in _CLOSING) or before in _OPENING
            text += "" if tight else " "
        text += line
    return text


def wrapped(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` columns, broken as the report breaks its
    wrapped text: between words, and between two Chinese characters but never inside a
    figure and its unit nor before closing or after opening punctuation (a longer word
    folded)."""
    from okrdesk.report.text_layout import Text, wrap

    lines = wrap(Text(text), width, overflow="fold_figures")
    return ["".join(part for part, _ in line).rstrip() for line in lines] or [""]
