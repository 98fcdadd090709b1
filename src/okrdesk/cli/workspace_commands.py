"""Commands about the workspace itself: init, validate, split, plugins, trust, demo."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click

from okrdesk.cli.help import HelpedCommand
from okrdesk.cli.languages import locale_language
from okrdesk.cli.options import (
    DATE,
    day_of,
    given_lang,
    lang_option,
    workspace_option,
    workspace_path,
)
from okrdesk.cli.output import say
from okrdesk.cli.start_up import started
from okrdesk.errors import EXIT_BAD_INPUT, EXIT_FAILED
from okrdesk.interrupted import if_stopped


@click.command(cls=HelpedCommand)
@lang_option(
    "The language of the messages, a plugin's own too where the plugin words them in both "
    "languages (else as it gave them)."
)
@workspace_option
def validate(lang: str | None) -> None:
    """Check every target file and report every problem at once.

    Reads targets/*.toml and okrdesk.toml, and prints each problem as
    FILE:LINE: key.path: message, followed by the source line and a caret
    under the column, then a count. A mistake that causes others is
    reported once, at its cause. Each plugin with a [sources.NAME] table
    that can check it says what is wrong there too; a folder or file it
    names that is not on this machine is a warning. SQL metrics' queries
    are bound to the workspace's own data files, so a misspelt column is
    found here. Exits 0 when the files are clean (warnings allowed), 2 when
    anything is wrong.
    """
    from okrdesk.app.session import open_session
    from okrdesk.app.validate import validate as validate_session

    started()
    result = validate_session(open_session(workspace_path(), checking=True), lang)
    for line in result.lines:
        say(line)
    if not result.ok:
        raise SystemExit(EXIT_BAD_INPUT)


@click.command(cls=HelpedCommand)
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--lang", type=click.Choice(["zh", "en"]), callback=given_lang,
    help="The language of the example plan (default: zh when the locale is Chinese, "
    "LANG=zh_CN.UTF-8 for one, else en).",
)  # fmt: skip
def init(directory: Path | None, lang: str | None) -> None:
    """Create a new workspace with a commented example plan.

    DIRECTORY defaults to the current folder. Nothing is overwritten: a
    folder that already has target files is left alone.
    """
    import os

    from okrdesk.app.init import create_workspace, created

    root = directory or Path(".")
    lang = lang or locale_language(os.environ)
    if_stopped(f"the files written so far stay in {root}: remove them before running "
               "`okrdesk init` there again",
               f"已写出的文件留在 {root}：再次在那里运行 `okrdesk init` 之前，"
               "请先删除它们")  # fmt: skip
    written = create_workspace(root, lang)
    for line in created(root, written, lang):
        say(line)


@click.command(cls=HelpedCommand)
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
@click.option(
    "--replace", is_flag=True,
    help="Replace member targets or a calendar already written that differ from the split.",
)  # fmt: skip
@click.option(
    "--period", "-p", metavar="PERIOD",
    help="With --by last-period: count what each member achieved over this period instead "
    "of the plan's last complete period: 2026-10, 2026Q3, a phase id or name (Q3, 攻坚), "
    "last month, 上季度, or last year's (2025, last year, 去年: from the store's figures, or "
    "[[baselines]]) (counted from --as-of, else today); its periods complete by then.",
)  # fmt: skip
@click.option(
    "--as-of", "as_of", type=DATE,
    help="With --by last-period: the last period complete by this day counts (default: "
    "today; a day after it is refused).",
)  # fmt: skip
@lang_option("Language of what is said.")
@workspace_option
def split(
    key_result: str,
    unit: str,
    by: str,
    weights_file: Path | None,
    over: str | None,
    dry_run: bool,
    replace: bool,
    period: str | None,
    as_of: dt.datetime | None,
    lang: str | None,
) -> None:
    """Cut a key result's target onto the members of its unit, and over time.

    KEY_RESULT and --unit are ids as reports show them (O1.KR1, szft). The
    shares are written into the key result's [members] table, and with
    --over into its [calendar] table (the share due by the end of each
    month or week), in the target file itself: the rest of the file stays
    byte for byte as it was (order, blank lines, comments, BOM, CRLF).
    Member targets or a calendar already written (by hand or by an earlier
    split) that the split would change are listed, and replaced only with
    --replace. --by last-period shares in proportion to what each member
    achieved in the last complete period, or over --period (a quarter evens
    out a quiet week): from the metric, or for a key result tracked by
    check-ins, from how much their check-ins grew.
    """
    from okrdesk.app.session import open_session
    from okrdesk.app.split import run_split
    from okrdesk.files import folder_held_alone
    from okrdesk.targets.settings import locate

    started()
    root = locate(workspace_path())
    # The plan read, the file changed and checked, by one split at a time.
    with folder_held_alone(root):
        session = open_session(root)
        lines = run_split(
            session, key_result, unit, by, weights_file, over, dry_run, day_of(as_of), replace,
            session.workspace.language(lang), period,
        )  # fmt: skip
    for line in lines:
        say(line)


@click.command(cls=HelpedCommand)
@click.argument("name", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print JSON for other programs.")
@lang_option(
    "Language of the listing and of okrdesk's errors in it (JSON gives each error and warning "
    "in English and, beside it, in Chinese: errors_zh, warnings_zh)."
)
@workspace_option
def plugins(name: str | None, as_json: bool, lang: str | None) -> None:
    """List plugins, where each came from, and the metrics and report formats it provides.

    Plugins come from installed packages (the `okrdesk` entry-point group),
    *.py files in the workspace's plugins/ folder (run only once you trust
    the workspace: `okrdesk trust`), and okrdesk itself. Set
    OKRDESK_LOAD_PLUGINS to a comma-separated allow-list to load only some.
    NAME shows one plugin only (each copy of it, where a package and a
    workspace file share the name: the one that runs, then the one ignored,
    with what to do). Exits 1 when any plugin is broken or skipped, a table
    of the SQL source cannot be read, or a plugin's settings in okrdesk.toml
    are refused by its check, as validate refuses them (listed under the
    plugin, at their lines).
    """
    from okrdesk.app import plugins as listing

    loaded = listing.load_plugins(workspace_path(), lang)
    if as_json:
        say(json.dumps(listing.as_json(loaded, name), ensure_ascii=False, indent=2))
    else:
        for line in listing.listing(loaded, name):
            say(line)
    if listing.broken(loaded):
        raise SystemExit(EXIT_FAILED)


@click.command(cls=HelpedCommand)
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--revoke", is_flag=True, help="Stop trusting the workspace.")
@lang_option("The language of what it says.")
@workspace_option
def trust(directory: Path | None, revoke: bool, lang: str | None) -> None:
    """Allow a workspace's own plugins/ code to run, as its files are now.

    DIRECTORY defaults to --workspace, else the current folder. The *.py
    files in a workspace's plugins/ folder are Python that runs with your
    privileges; okrdesk runs them only for a workspace you trusted, and asks
    again when any file under plugins/ changes. The same goes for settings in
    okrdesk.toml that reach outside the workspace: a store elsewhere (a file
    outside it, a PostgreSQL server), folders outside it the SQL source may
    read, a warehouse it may query, a mail server and who the mail goes to
    ([send]), where chat messages link the report (reports_url), a plugin's
    folder outside it, a plugin_timeout longer than the default. The list of
    trusted workspaces is kept in
    $XDG_CONFIG_HOME/okrdesk (default ~/.config/okrdesk), never in the
    workspace. OKRDESK_ALLOW_WORKSPACE_CODE=1 allows it for one run instead.
    Installed plugin packages need no trust: installing one is the consent.
    """
    from okrdesk.app.trust import WORDS, code_and_links, grant, holds_plugins
    from okrdesk.app.trust import revoke as forget
    from okrdesk.errors import display_path, printable
    from okrdesk.messages import counted
    from okrdesk.targets.reader import Findings
    from okrdesk.targets.settings import locate, read_settings

    root = locate(directory if directory is not None else workspace_path()).resolve()
    workspace = read_settings(root, Findings())
    lang = workspace.language(lang)
    words = WORDS[lang]
    if_stopped("okrdesk's list of trusted workspaces is as it was, or written whole",
               "okrdesk 的受信任工作区清单保持原样，或已完整写出")  # fmt: skip
    if revoke:
        say(words["revoked" if forget(root) else "never"].format(root=root))
        return
    files, outside = code_and_links(root)
    listed = grant(root, workspace.reach)
    count = counted(len(files), "file") if lang == "en" else f"{len(files)} 个文件"
    say(words["trusted"].format(root=root, count=count, listed=listed))
    for path in files:
        # A file linked in is named where plugins/ has it, and where it leads: inside the
        # workspace relative to it, outside it in full.
        named, real = path.relative_to(root).as_posix(), display_path(path.resolve(), root)
        say(f"  {named}" if named == real else f"  {named} → {real}")
    for name, real in outside:
        say(
            words["around" if holds_plugins(real, root) else "outside"].format(name=name, real=real)
        )
    if not files and not outside:
        say(words["no_files"])
    if workspace.reach:
        say(words["reach"])
        for line in workspace.reach:
            say(f"  {printable(line.said(lang))}")


@click.command(cls=HelpedCommand)
@click.argument(
    "directory",
    required=False,
    default="okrdesk-demo",
    type=click.Path(file_okay=False, path_type=Path),
)
@click.option(
    "--as-of",
    type=DATE,
    help="The day the demo pretends it is (default: today, within the plan's year); a "
    "day before the plan starts or after it ends is refused.",
)
@click.option(
    "--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
    callback=given_lang,
    help="The language of what it says, and of the demo workspace and its report.",
)  # fmt: skip
def demo(directory: Path, as_of: dt.datetime | None, lang: str) -> None:
    """Build a demo workspace from the sample targets and show what okrdesk knows.

    DIRECTORY (default ./okrdesk-demo) gets the sample 2026 branch plan and
    CRM exports generated by the installed plugins, collects them, adds a
    history of check-ins and spending, and prints the weekly report. Running
    it again rebuilds a demo folder; one you changed since it was built (a
    spend entry, a check-in, an edited target file) is first kept beside it
    as DIRECTORY.kept-<time>. A folder that is not an okrdesk demo is never
    touched.
    """
    from okrdesk.app.demo import build_demo, demo_day
    from okrdesk.app.report import find_format, make_report, write_report
    from okrdesk.app.session import open_session

    started()
    day = demo_day(day_of(as_of))
    # A build that did not finish counts as unchanged: the next one removes it.
    if_stopped(f"{directory} may be part-built; `okrdesk demo` run there again builds it "
               "afresh",
               f"{directory} 可能只生成了一部分；在那里再次运行 `okrdesk demo` "
               "即可重新生成")  # fmt: skip
    for line in build_demo(directory, day, lang):
        say(line)
    if_stopped(f"the demo workspace {directory} was built whole",
               f"演示工作区 {directory} 已完整生成")  # fmt: skip
    said = "\n周报（`okrdesk report -w {directory}`）：\n" if lang == "zh" else (
        "\nThe weekly report (`okrdesk report -w {directory}`):\n"
    )  # fmt: skip
    say(said.format(directory=directory))
    session = open_session(directory)
    report = make_report(session, None, day, None, lang, today=day)  # the demo's today
    write_report(session, report, find_format(session, "text"), None, None)
