"""docs/cli.md is every command's ``--help``, generated here, so it cannot drift from the code.

The reference is written by ``cli_reference()`` below. When a command, an
option or a help text changes, the test fails and says how to write the file
again: ``OKRDESK_UPDATE_DOCS=1 pytest tests/test_docs_cli.py`` (or run this
file with Python). Help is rendered at a fixed width, so the file is the
same on every machine and terminal.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from click.testing import CliRunner

from okrdesk.cli import cli

ROOT = Path(__file__).resolve().parents[1]
CLI_DOC = ROOT / "docs" / "cli.md"
WIDTH = 100
"""Columns the help is laid out in: the width the CLI itself caps help at."""
UPDATE = os.environ.get("OKRDESK_UPDATE_DOCS") == "1"
REGENERATE = "OKRDESK_UPDATE_DOCS=1 .venv/bin/python -m pytest tests/test_docs_cli.py"

CommandPath = tuple[str, ...]


def command_tree(group: click.Group = cli, path: CommandPath = ()) -> list[CommandPath]:
    """Every command below ``group``, depth first, through ``list_commands``/``get_command``.

    The root group registers its commands lazily (``LAZY_COMMANDS``), so only
    these two calls see all of them; ``group.commands`` would miss the ones
    not imported yet.
    """
    found = []
    context = click.Context(group, info_name=path[-1] if path else "okrdesk")
    for name in group.list_commands(context):
        command = group.get_command(context, name)
        assert command is not None, f"{' '.join(path)} lists {name} but cannot load it"
        if command.hidden:
            continue
        found.append((*path, name))
        if isinstance(command, click.Group):
            found += command_tree(command, (*path, name))
    return found


def help_text(path: CommandPath, env: dict[str, str] | None = None) -> str:
    """What ``okrdesk PATH --help --lang en`` prints, at ``WIDTH`` columns whatever the
    terminal: the reference is English whatever the workspace or the locale."""
    result = CliRunner().invoke(
        cli,
        [*path, "--help", "--lang", "en"],
        prog_name="okrdesk",
        terminal_width=WIDTH,
        env=env,
        catch_exceptions=False,
    )
    assert result.exit_code == 0, f"okrdesk {' '.join(path)} --help failed:\n{result.output}"
    return result.output


def cli_reference(env: dict[str, str] | None = None) -> str:
    """The whole text of docs/cli.md: a contents list, then each command's help verbatim."""
    paths: list[CommandPath] = [(), *command_tree()]
    titles = [" ".join(("okrdesk", *path)) for path in paths]
    lines = [
        "# Command-line reference",
        "",
        "<!-- Generated from `okrdesk --help` by tests/test_docs_cli.py; do not edit by hand. -->",
        "",
        "Every command's `--help`, exactly as okrdesk prints it in English (at 100 columns).",
        "okrdesk prints its help in Chinese or English: as `--lang zh|en` says, wherever it is",
        "on the command line (`okrdesk report --help --lang zh`); else in the workspace's",
        "language (its `lang` in okrdesk.toml, else Chinese); outside a workspace, in the",
        "locale's, as `okrdesk init` chooses (Chinese for `LANG=zh_CN.UTF-8`). The Chinese",
        "texts are in src/okrdesk/cli/help_zh.py. A value an option or argument cannot take",
        "is refused in that language before the command does anything, with exit 2, naming",
        "the option, the value as typed and what to write instead (`--wait: '10m' is not a",
        "number of seconds; write 600 for ten minutes, 0 not to wait`, `--jobs：'x' 不是整数；",
        "要同时运行四个插件请写 4`). To write this page again after changing a command, run",
        f"`{REGENERATE}`.",
        "",
    ]
    lines += [f"- [`{title}`](#{title.replace(' ', '-')})" for title in titles]
    for title, path in zip(titles, paths, strict=True):
        text = help_text(path, env)
        assert "```" not in text, f"{title} --help would break out of its code block"
        lines += ["", f"## `{title}`", "", "```text", text.rstrip("\n"), "```"]
    return "\n".join(lines) + "\n"


def test_the_cli_reference_is_every_commands_help() -> None:
    expected = cli_reference()
    if UPDATE:
        CLI_DOC.write_text(expected, encoding="utf-8")
    assert CLI_DOC.is_file(), f"docs/cli.md is missing; write it with {REGENERATE}"
    written = CLI_DOC.read_text(encoding="utf-8")
    assert written == expected, f"docs/cli.md is out of date; write it again with {REGENERATE}"


def test_the_reference_covers_every_command_and_subcommand() -> None:
    """The tree walk itself must reach the lazy commands and the groups' subcommands,
    or the reference would silently shrink with it."""
    from okrdesk.cli import LAZY_COMMANDS

    paths = command_tree()
    assert {p[0] for p in paths} >= set(LAZY_COMMANDS)
    assert ("spend", "add") in paths and ("spend", "list") in paths


def test_the_reference_does_not_depend_on_the_terminal() -> None:
    """A narrow or wide terminal must not change the file: it is compared byte for byte."""
    for columns in ("40", "250"):
        assert cli_reference({"COLUMNS": columns}) == cli_reference()


if __name__ == "__main__":
    CLI_DOC.write_text(cli_reference(), encoding="utf-8")
    sys.stdout.write(f"wrote {CLI_DOC.relative_to(ROOT)}\n")
