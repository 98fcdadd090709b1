"""Options every command shares."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    import datetime as dt
    from pathlib import Path

DATE = click.DateTime(formats=["%Y-%m-%d"])

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


def workspace_path() -> Path | None:
    """The workspace named by ``--workspace`` (before or after the command name) or the env."""
    from pathlib import Path

    value: str | None = click.get_current_context().meta.get(_WORKSPACE_KEY)
    return None if value is None else Path(value)


def day_of(value: dt.datetime | None) -> dt.date | None:
    """The day a ``DATE`` option names, or None when it was not given."""
    return value.date() if value else None
