"""Commands about target files: validate, init."""

from __future__ import annotations

from pathlib import Path

import click

from okrdesk.cli.options import workspace_option, workspace_path
from okrdesk.errors import EXIT_BAD_INPUT


@click.command()
@workspace_option
def validate() -> None:
    """Check every target file and report every problem at once.

    Reads targets/*.toml and okrdesk.toml, and prints each problem as
    FILE:LINE: key.path: message, then a count. Exits 0 when the files are
    clean (warnings allowed), 2 when anything is wrong.
    """
    from okrdesk.session import open_session
    from okrdesk.summary import plan_summary

    session = open_session(workspace_path())
    for problem in session.problems:
        click.echo(str(problem))
    for warning in session.warnings:
        click.echo(f"warning: {warning}")
    for record in session.host.broken:
        for error in record.errors:
            click.echo(f"warning: plugin {record.name}: {error}")
    files = len(session.loaded.files)
    noun = "file" if files == 1 else "files"
    if session.problems:
        count = len(session.problems)
        click.echo(f"{count} {'problem' if count == 1 else 'problems'} in {files} {noun}.")
        raise SystemExit(EXIT_BAD_INPUT)
    click.echo(f"{files} {noun} checked, no problems. {plan_summary(session.plan)}")


@click.command()
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
def init(directory: Path | None) -> None:
    """Create a new workspace with a commented example plan.

    DIRECTORY defaults to the current folder. Nothing is overwritten: a
    folder that already has target files is left alone.
    """
    from okrdesk.scaffold import create_workspace

    root = directory or Path(".")
    written = create_workspace(root)
    click.echo(f"Created a workspace in {root}:")
    for path in written:
        click.echo(f"  {path}")
    click.echo("Edit targets/plan.toml, then run `okrdesk validate`.")


COMMANDS = (validate, init)
