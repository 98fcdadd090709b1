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


@click.command()
@click.argument("key_result")
@click.option(
    "--unit", required=True, help="The unit that owns KEY_RESULT; its members get shares."
)
@click.option(
    "--by", type=click.Choice(["equal", "weight", "last-period"]), default="equal",
    show_default=True, help="How to share the target out.",
)  # fmt: skip
@click.option(
    "--weights", "weights_file", type=click.Path(dir_okay=False, path_type=Path),
    help="With --by weight: a TOML file of member = weight lines.",
)  # fmt: skip
@click.option(
    "--over", type=click.Choice(["months", "weeks"]),
    help="Also cut the target over time, following the milestones.",
)  # fmt: skip
@click.option("--dry-run", is_flag=True, help="Show the result; change no file.")
@workspace_option
def split(
    key_result: str,
    unit: str,
    by: str,
    weights_file: Path | None,
    over: str | None,
    dry_run: bool,
) -> None:
    """Cut a key result's target onto the members of its unit, and over time.

    KEY_RESULT and --unit are ids as reports show them (O1.KR1, szft). The
    shares are written into the key result's [members] table, and with
    --over into its [calendar] table (the share due by the end of each
    month or week), in the target file itself: comments and layout stay.
    """
    from okrdesk.session import open_session
    from okrdesk.splitting import run_split

    session = open_session(workspace_path())
    for line in run_split(session, key_result, unit, by, weights_file, over, dry_run):
        click.echo(line)
