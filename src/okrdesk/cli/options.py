"""Options every command shares."""

from __future__ import annotations

from pathlib import Path

import click

_WORKSPACE_KEY = "okrdesk.workspace"


def _remember_workspace(ctx: click.Context, param: click.Parameter, value: Path | None) -> None:
    if value is not None:
        ctx.meta[_WORKSPACE_KEY] = value


workspace_option = click.option(
    "--workspace",
    "-w",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="OKRDESK_WORKSPACE",
    expose_value=False,
    callback=_remember_workspace,
    help="Workspace folder (default: $OKRDESK_WORKSPACE, else the current folder).",
)


def workspace_path() -> Path | None:
    """The workspace named by ``--workspace`` (before or after the command name) or the env."""
    value: Path | None = click.get_current_context().meta.get(_WORKSPACE_KEY)
    return value
