"""Commands on the store as a whole: store copy."""

from __future__ import annotations

import click

from okrdesk.cli.output import say
from okrdesk.cli.start_up import started


@click.group()
def store() -> None:
    """Copy the store between an SQLite file and a PostgreSQL server."""


@store.command("copy")
@click.argument("source", metavar="FROM")
@click.argument("target", metavar="TO")
@click.option("--replace", is_flag=True, help="Overwrite a target that already holds rows.")
def store_copy(source: str, target: str, replace: bool) -> None:
    """Copy every run, observation, check-in and spend entry from FROM to TO.

    FROM and TO are each an SQLite file (okrdesk.db) or a postgresql:// URL
    without a password (set PGPASSWORD or use ~/.pgpass). The copy is one
    transaction: each table's row count and column sums are compared before
    it is committed, and printed. A target that already holds rows is left
    alone unless --replace is given.
    """
    from okrdesk.app.store import copy_store, location

    started()
    checks = copy_store(location(source), location(target), replace=replace)
    say(f"Copied {source} to {target}:")
    for line in checks:
        say(f"  {line}")
