"""The ``okrdesk`` command line.

Kept thin and cheap to import: ``okrdesk --help`` loads click and this
package only. Commands import what they need inside their own bodies, and
only commands that need plugins load them.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from okrdesk import __version__
from okrdesk.cli.options import workspace_option
from okrdesk.errors import EXIT_FAILED, OkrdeskError


class OkrdeskGroup(click.Group):
    """Turns errors a user can fix into a message and an exit code, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except OkrdeskError as error:
            click.echo(error.message, err=True)
            ctx.exit(error.exit_code)
        except PermissionError as error:
            click.echo(f"error: permission denied: {error.filename}", err=True)
            ctx.exit(EXIT_FAILED)
        except OSError as error:
            if error.filename is None:
                raise
            click.echo(f"error: {error.strerror}: {error.filename}", err=True)
            ctx.exit(EXIT_FAILED)


@click.group(
    cls=OkrdeskGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, prog_name="okrdesk")
@workspace_option
def cli() -> None:
    """Track objectives, key results and budgets for a sales organisation.

    Targets live in TOML files under targets/ in a workspace folder; metric
    plugins collect the numbers from your CRM exports. Start with
    `okrdesk init` or try `okrdesk demo`.
    """


def main() -> None:
    try:
        cli.main(prog_name="okrdesk")
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)


# Registering the commands imports only click-level modules.
from okrdesk.cli import demo_cmd, plugins_cmd, store_cmds, targets_cmd  # noqa: E402

for command in (
    *targets_cmd.COMMANDS,
    *store_cmds.COMMANDS,
    *plugins_cmd.COMMANDS,
    *demo_cmd.COMMANDS,
):
    cli.add_command(command)

__all__ = ["cli", "main"]
