"""Commands on the store as a whole: store copy, store upgrade."""

from __future__ import annotations

import click

from okrdesk.cli.help import HelpedGroup
from okrdesk.cli.options import group_lang_option, lang_option, workspace_language
from okrdesk.cli.output import say
from okrdesk.cli.start_up import started
from okrdesk.interrupted import if_stopped


@click.group(cls=HelpedGroup)
@group_lang_option(
    "The language of the help, and of what its commands say where they are not given "
    "their own --lang."
)
def store() -> None:
    """Copy the store between an SQLite file and a PostgreSQL server; create or upgrade
    its tables."""


@store.command("copy")
@click.argument("source", metavar="FROM")
@click.argument("target", metavar="TO")
@click.option("--replace", is_flag=True, help="Overwrite a target that already holds rows.")
@lang_option("The language of what it says.")
def store_copy(source: str, target: str, replace: bool, lang: str | None) -> None:
    """Copy every run, observation, check-in and spend entry from FROM to TO.

    FROM and TO are each an SQLite file (okrdesk.db) or a postgresql:// URL
    without a password (set PGPASSWORD or use ~/.pgpass). The copy is one
    transaction: each table's row count and column sums are compared before
    it is committed, and printed. A target that already holds rows is left
    alone unless --replace is given; a TO file the copy made is removed again if
    the copy fails or is stopped. Nothing is written to FROM: an SQLite file
    of an older schema is upgraded in a temporary copy, which is copied (a
    server of an older schema is refused: its owner upgrades it). TO adds up
    its own totals from the rows: figures changed by hand in FROM are copied
    as they are, and said so.
    """
    from okrdesk.app.store import COPIED, copy_store, location

    started()
    if_stopped("the copy is one transaction, committed once whole: stopped before then, TO "
               "holds what it held, and a file the copy made is taken away",
               "复制在同一事务中进行，完整后才提交：在此之前被中断，目标保持原有内容，"
               "复制时新建的文件已删除")  # fmt: skip
    checks = copy_store(location(source), location(target), replace=replace)
    lang = workspace_language(lang)
    say(COPIED.text(lang).format(source=source, target=target))
    for line in checks:
        say(f"  {line.text(lang)}")


@store.command("upgrade")
@click.argument("database", metavar="DATABASE")
@lang_option("The language of what it says.")
def store_upgrade(database: str, lang: str | None) -> None:
    """Create okrdesk's tables at DATABASE, or upgrade them to this okrdesk's schema.

    DATABASE is an SQLite file (okrdesk.db) or a postgresql:// URL without a
    password. The file must be there (an empty one gets okrdesk's tables; a
    workspace's is made by its first command that stores): a name that is not is
    refused. On a server, run it as the role that is to own okrdesk's tables
    (PGUSER=…): the tables it creates are that role's, and only their owner may
    upgrade them. Every other command upgrades an older schema too, when its
    role may; this one changes nothing else.
    """
    from okrdesk.app.store import location, upgrade_store

    started()
    if_stopped("every migration runs in one transaction: stopped before it was committed, "
               "the store stays at its older schema, whole",
               "所有迁移在同一事务中进行：提交前被中断，数据库保持原来的版本，"
               "完好无损")  # fmt: skip
    said = upgrade_store(location(database))
    say(said.text(workspace_language(lang)))
