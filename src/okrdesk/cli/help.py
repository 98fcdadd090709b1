"""``--help`` in the reader's language.

The language is the command line's ``--lang`` wherever it stands (after ``--help``
too), else the workspace's (its ``[workspace] lang``, else Chinese, as for its
reports), else, outside any workspace, the locale's, as ``okrdesk init`` chooses
(``options.help_language``). English help is click's own, from the
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
    from okrdesk.cli.options import help_language

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
    return sum(2 if _wide(char) else 1 for char in text)


def _wide(char: str) -> bool:
    if char.isascii():
        return False
    import unicodedata

    return unicodedata.east_asian_width(char) in ("W", "F")


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


def _pieces(text: str) -> list[str]:
    """``text`` cut where a line may break: at spaces (each kept as a piece), and
    between two Chinese characters, but not before closing or after opening
    punctuation, nor between a number and the Chinese unit after it."""
    pieces: list[str] = []
    for char in text:
        if not pieces:
            pieces.append(char)
            continue
        last = pieces[-1]
        joins = (
            char in _CLOSING
            or last[-1] in _OPENING
            or (last[-1] in "0123456789" and _wide(char))  # 2.54亿, 12万: one word
            or (not char.isspace() and not last[-1].isspace() and not _wide(char)
                and not _wide(last[-1]))
            or (char.isspace() and last[-1].isspace())
        )  # fmt: skip
        if joins:
            pieces[-1] += char
        else:
            pieces.append(char)
    return pieces


def wrapped(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` columns (a longer word alone on its line)."""
    lines: list[str] = []
    line = ""
    for piece in _pieces(text):
        if piece.isspace():
            if line:
                line += " "
            continue
        if line and columns(line + piece) > width:
            lines.append(line.rstrip())
            line = ""
        line += piece
    if line.strip() or not lines:
        lines.append(line.rstrip())
    return lines
