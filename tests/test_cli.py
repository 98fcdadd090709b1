from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from okrdesk.cli import cli
from sample_workspace import OKRS, PLAN, WriteWorkspace


def run(*args: str, env: dict[str, str] | None = None) -> click.testing.Result:
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def walk(
    group: click.Group, prefix: tuple[str, ...] = ()
) -> list[tuple[tuple[str, ...], click.Command]]:
    found = []
    context = click.Context(group)
    for name in group.list_commands(context):
        command = group.get_command(context, name)
        assert command is not None, name
        found.append(((*prefix, name), command))
        if isinstance(command, click.Group):
            found.extend(walk(command, (*prefix, name)))
    return found


def test_the_help_summaries_are_the_commands_own_first_lines() -> None:
    """``okrdesk --help`` lists each command without importing it: in English from
    LAZY_COMMANDS, kept equal to the docstrings here; in Chinese from the first
    paragraph of its Chinese help (cli/help_zh.py), which is what it lists."""
    from okrdesk.cli import LAZY_COMMANDS
    from okrdesk.cli.help import summary
    from okrdesk.cli.help_zh import COMMANDS

    context = click.Context(cli)
    chinese = CliRunner().invoke(cli, ["--help", "--lang", "zh"], terminal_width=100).output
    width = max(map(len, LAZY_COMMANDS)) + 2
    for name, (_, _, said) in LAZY_COMMANDS.items():
        command = cli.get_command(context, name)
        assert command is not None and command.help
        first = " ".join(command.help.split("\n\n")[0].split())
        assert said == first, f"LAZY_COMMANDS[{name!r}] says {said!r}"
        row = f"  {name}" + " " * (width - len(name)) + summary(COMMANDS[name][0])
        assert row in chinese.splitlines(), f"okrdesk --help --lang zh lists {name} otherwise"


@pytest.mark.parametrize("path", [p for p, _ in walk(cli)], ids=" ".join)
def test_every_command_has_help(path: tuple[str, ...]) -> None:
    command = dict(walk(cli))[path]
    assert command.help and len(command.help.split()) >= 5, f"{' '.join(path)} needs help text"
    result = run(*path, "--help")
    assert result.exit_code == 0
    assert "--workspace" in result.output or not _takes_workspace(command)
    for option in command.params:
        if isinstance(option, click.Option) and not option.hidden:
            assert option.help, f"{' '.join(path)} {option.opts[0]} needs help text"


def _takes_workspace(command: click.Command) -> bool:
    return any("--workspace" in p.opts for p in command.params)


def test_validate_clean_workspace_exits_0(write_workspace: WriteWorkspace) -> None:
    root = write_workspace()
    result = run("validate", "--lang", "en", "--workspace", str(root))
    assert result.exit_code == 0, result.output
    assert "4 files checked, no problems." in result.output


def test_validate_counts_its_warnings_in_its_last_line(write_workspace: WriteWorkspace) -> None:
    """A warning, then "no problems.": the summary read as if nothing was said above it."""
    root = write_workspace()
    with (root / "okrdesk.toml").open("a", encoding="utf-8") as settings:
        settings.write('\n[sources.nothing_of_that_name]\nfile = "x"\n')
    english = run("validate", "--lang", "en", "--workspace", str(root))
    assert english.exit_code == 0, english.output
    assert english.output.count("warning: ") == 1, english.output
    assert "4 files checked, no problems, 1 warning." in english.output
    chinese = run("validate", "--lang", "zh", "--workspace", str(root))
    assert "已检查 4 个文件，没有问题，1 个警告。" in chinese.output


@pytest.mark.parametrize("where", ["before", "after", "env"])
def test_workspace_option_before_or_after_the_command_or_from_env(
    write_workspace: WriteWorkspace, where: str
) -> None:
    root = str(write_workspace({"okrs.toml": OKRS.replace("target = 360", "target = -")}))
    if where == "before":
        result = run("--workspace", root, "validate", "--lang", "en")
    elif where == "after":
        result = run("validate", "--lang", "en", "-w", root)
    else:
        result = run("validate", "--lang", "en", env={"OKRDESK_WORKSPACE": root})
    assert result.exit_code == 2
    assert "targets/okrs.toml:10: TOML syntax" in result.output


def test_problems_then_count_and_exit_2(write_workspace: WriteWorkspace) -> None:
    root = write_workspace(
        {"okrs.toml": OKRS.replace("target = 360", 'target = "x"').replace("title", "weigth", 1)}
    )
    result = run("validate", "--lang", "en", "-w", str(root))
    assert result.exit_code == 2
    lines = result.output.splitlines()
    assert lines[-1] == "4 files checked, 3 problems."
    assert lines[0] == "targets/okrs.toml:1: objectives[O1].title: missing; this key is required"
    assert lines[1:3] == ["    [[objectives]]", "    ^"]
    assert lines[3].startswith("targets/okrs.toml:3: objectives[O1].weigth: unknown key")
    assert lines[4:6] == ['    weigth = "直营 AUM 净增"', "    ^"]


def test_the_caret_stands_under_the_item_of_an_inline_array(
    write_workspace: WriteWorkspace,
) -> None:
    """A problem of an array's item points at the item, not at the array's key."""
    listed = 'people_left = ["ghost", 3, "ghost"]'
    plan = PLAN.replace('unit = "branch"\n', f'unit = "branch"\n{listed}\n', 1)
    lines = run("validate", "--lang", "en", "-w", str(write_workspace({"plan.toml": plan})))
    lines = lines.output.splitlines()
    for item, column in (("[1]", listed.index("3")), ("[2]", listed.rindex('"ghost"'))):
        (at,) = [n for n, line in enumerate(lines) if f"plan.people_left{item}:" in line]
        assert lines[at + 1 : at + 3] == [f"    {listed}", "    " + " " * column + "^"], lines


def test_missing_workspace_folder_is_bad_input(tmp_path: Path) -> None:
    result = run("validate", "--lang", "en", "-w", str(tmp_path / "nowhere"))
    assert result.exit_code == 2
    assert "no such folder" in result.output


def test_usage_error_exits_2() -> None:
    assert run("validate", "--lang", "en", "--no-such-option").exit_code == 2
    assert run("no-such-command").exit_code == 2


def test_init_makes_a_workspace_that_validates_clean(tmp_path: Path) -> None:
    root = tmp_path / "new"
    result = run("init", str(root))
    assert result.exit_code == 0, result.output
    assert (root / "targets" / "plan.toml").is_file()
    assert (root / "okrdesk.toml").is_file()
    checked = run("validate", "--lang", "en", "-w", str(root))
    assert checked.exit_code == 0, checked.output
    assert "1 file checked, no problems." in checked.output


def test_no_check_in_yet_is_told_once_the_first_is_due_not_before(tmp_path: Path) -> None:
    """`check` failed from 1 January with "no check-in yet" for a key result checked in
    quarterly, while `due` said its first check-in was owed by 31 March: none yet is a
    problem only once a whole period of its cadence has gone by without one."""
    root = tmp_path / "new"
    assert run("init", str(root), "--lang", "en").exit_code == 0
    plan = root / "targets" / "plan.toml"
    text = plan.read_text(encoding="utf-8")
    text = text.replace('  id = "KR2"\n', '  id = "KR2"\n  cadence = "quarter"\n')
    plan.write_text(text.replace('  id = "KR1"\n', '  id = "KR1"\n  cadence = "month"\n'),
                    encoding="utf-8")  # fmt: skip

    def missing(day: str) -> list[str]:
        checked = run("check", "-w", str(root), "--as-of", day, "--lang", "en")
        assert checked.exit_code in (0, 1), checked.output
        told = [line for line in checked.output.splitlines() if "no check-in yet" in line]
        return [kr for kr in ("O1.KR1", "O1.KR2") if any(f"{kr} " in line for line in told)]

    assert missing("2026-01-20") == []
    assert missing("2026-01-31") == []  # due that day: late only after it
    assert missing("2026-02-01") == ["O1.KR1"]
    assert missing("2026-03-31") == ["O1.KR1"]
    assert missing("2026-04-01") == ["O1.KR1", "O1.KR2"]
    owed = run("due", "-w", str(root), "--as-of", "2026-01-20", "--lang", "en").output
    assert "O1.KR1" in owed and "O1.KR2" in owed, owed


def test_check_refuses_a_day_before_the_plan_starts_as_report_does(tmp_path: Path) -> None:
    """`check` judged a day before the plan as its first day, silently, where `report`
    refuses it: a branch writing next year's plan in December was told of things due
    on a day that had not come."""
    root = tmp_path / "new"
    assert run("init", str(root), "--lang", "zh").exit_code == 0
    for command in ("check", "report"):
        refused = run(command, "-w", str(root), "--as-of", "2025-12-31")
        assert refused.exit_code == 2, refused.output
        assert "2025-12-31 早于计划开始日（2026-01-01）" in refused.output
    english = run("check", "-w", str(root), "--as-of", "2025-12-31", "--lang", "en")
    assert "2025-12-31 is before the plan starts (2026-01-01)" in english.output
    told = run("check", "-w", str(root), "--as-of", "2025-12-31", "--format", "json")
    assert told.exit_code == 2 and '"error"' in told.output, told.output


def test_a_new_workspace_reports_before_anything_is_stored(tmp_path: Path) -> None:
    # init's plan is checked in, not collected: its first report says whose check-ins
    # are owed, where it used to send the manager to a collect with nothing to collect.
    root = tmp_path / "new"
    assert run("init", str(root), "--lang", "en").exit_code == 0
    day = ["-w", str(root), "--as-of", "2026-05-10", "--lang", "en"]
    brief = run("report", "--brief", *day)
    assert brief.exit_code == 0, brief.output
    assert "O1.KR1 New high-net-worth clients: no check-in yet" in brief.output
    assert "Check-ins owed: 2, 2 of them late" in brief.output
    checked = run("check", *day)
    assert checked.exit_code == 1, checked.output
    assert "O1.KR2 Complaint rate: no check-in yet" in checked.output
    assert "collect" not in checked.output
    explained = run("explain", "O1.KR1", *day)
    assert explained.exit_code == 0, explained.output
    assert "No check-ins yet" in explained.output or "no check-in" in explained.output.lower()
    assert not (root / "okrdesk.db").exists()  # reading made no database
    # No spending yet, which is no reason to collect or check in: it said to do either.
    for lang, none in (("en", "No spending recorded."), ("zh", "尚无支出记录。")):
        listed = run("spend", "list", "-w", str(root), "--lang", lang)
        assert (listed.exit_code, listed.output) == (0, none + "\n"), listed.output
    assert not (root / "okrdesk.db").exists()
    # Nothing to export yet, and the way to something is either command.
    exported = run("export", "--format", "csv", "-w", str(root), "--lang", "en")
    assert exported.exit_code == 2
    assert "no database yet: nothing was collected or checked in; run `okrdesk collect` (or " in (
        exported.output
    )


def test_a_plan_that_collects_is_collected_before_its_report(
    write_workspace: WriteWorkspace,
) -> None:
    root = write_workspace()
    refused = run("report", "-w", str(root), "--lang", "en")
    assert refused.exit_code == 2
    assert "no numbers yet: run `okrdesk collect` first" in refused.output
    checked = run("check", "-w", str(root), "--lang", "en")
    assert "no numbers collected yet: run `okrdesk collect`" in checked.output
    assert not (root / "okrdesk.db").exists()


def test_explain_without_check_ins_gives_the_command_for_the_unit_asked_about(
    tmp_path: Path,
) -> None:
    # The command explain gave for a team's figure checked in the branch's: following it
    # put the team's number on the branch.
    root = tmp_path / "new"
    assert run("init", str(root), "--lang", "en").exit_code == 0
    day = ["-w", str(root), "--as-of", "2026-05-10", "--lang", "en"]
    for asked, command in (
        ([], "okrdesk checkin O1.KR1 VALUE"),
        (["--unit", "wealth-1"], "okrdesk checkin O1.KR1 VALUE --unit wealth-1"),
        (["--person", "li-lei"], "okrdesk checkin O1.KR1 VALUE --person li-lei"),
    ):
        explained = run("explain", "O1.KR1", *asked, *day)
        assert explained.exit_code == 0, explained.output
        assert explained.output.endswith(f"No check-ins yet: `{command}`.\n"), explained.output
    checked_in = run("checkin", "O1.KR1", "3", "--unit", "wealth-1", "--date", "2026-05-04",
                     "-w", str(root))  # fmt: skip
    assert checked_in.exit_code == 0, checked_in.output
    explained = run("explain", "O1.KR1", "--unit", "wealth-1", *day)
    assert "= 3 accts" in explained.output, explained.output


def test_init_never_overwrites(write_workspace: WriteWorkspace) -> None:
    root = write_workspace()
    before = (root / "targets" / "okrs.toml").read_bytes()
    result = run("init", str(root), "--lang", "en")
    assert result.exit_code == 2
    assert "already a workspace" in result.output and "nothing was changed" in result.output
    chinese = run("init", str(root), "--lang", "zh")
    assert chinese.exit_code == 2
    assert f"{root} 已经是工作区（已有 {root / 'targets'}）；未改动任何内容" in chinese.output
    # Without --lang, in the locale's language, as the plan it would write.
    assert "已经是工作区" in run("init", str(root), env={"LC_ALL": "zh_CN.UTF-8"}).output
    assert "already a workspace" in run("init", str(root), env={"LC_ALL": "en_US.UTF-8"}).output
    assert (root / "targets" / "okrs.toml").read_bytes() == before
    assert not (root / "targets" / "plan.toml").read_text().startswith("# An okrdesk plan")


def test_the_installed_command_runs_without_a_traceback(write_workspace: WriteWorkspace) -> None:
    root = write_workspace({"okrs.toml": b"\xff\xfe"})
    env = {**os.environ, "OKRDESK_WORKSPACE": str(root)}
    done = subprocess.run(
        [sys.executable, "-m", "okrdesk", "validate", "--lang", "en"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert done.returncode == 2
    assert "targets/okrs.toml:1: not UTF-8 text" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr


@pytest.mark.parametrize(
    ("raised", "en", "zh"),
    [
        (PermissionError(13, "Permission denied", "/srv/okr/okrdesk.db"),
         "error: permission denied: /srv/okr/okrdesk.db", "错误：没有权限：/srv/okr/okrdesk.db"),
        # The system's words are English: said in Chinese to a Chinese reader.
        (IsADirectoryError(21, "Is a directory", "/srv/okr/out"),
         "error: Is a directory: /srv/okr/out", "错误：这是一个文件夹：/srv/okr/out"),
        (NotADirectoryError(20, "Not a directory", "/srv/okr/a-file/ws"),
         "error: Not a directory: /srv/okr/a-file/ws",
         "错误：路径中有一段不是文件夹：/srv/okr/a-file/ws"),
        (KeyboardInterrupt(), "interrupted (Ctrl-C)", "已中断（Ctrl-C）"),
        (EOFError(), "Aborted!", "已中止！"),  # input that ended at a prompt
    ],
)  # fmt: skip
def test_a_command_stopped_by_the_file_system_or_ctrl_c_says_so_in_its_language(
    raised: BaseException, en: str, zh: str
) -> None:
    """What okrdesk says around any command (a file it may not open, Ctrl-C), for a
    command that raises it: a throwaway one, registered and removed again."""

    @click.command()
    @click.option("--lang", type=click.Choice(["zh", "en"]))
    def stopped(lang: str | None) -> None:
        raise raised

    cli.add_command(stopped, "stopped-for-test")
    try:
        english = CliRunner().invoke(cli, ["stopped-for-test", "--lang", "en"])
        chinese = CliRunner().invoke(cli, ["stopped-for-test", "--lang", "zh"])
    finally:
        del cli.commands["stopped-for-test"]
    stopped = isinstance(raised, KeyboardInterrupt)
    assert english.exit_code == chinese.exit_code == (130 if stopped else 1)
    assert english.output.strip() == en  # after click's blank line, at Ctrl-C
    assert chinese.output.strip() == zh


def test_a_workspace_made_where_a_file_is_is_refused_in_the_readers_words(
    tmp_path: Path,
) -> None:
    """okrdesk init under a file: 错误：Not a directory：…, the system's English inside
    the Chinese line."""
    (tmp_path / "a-file").write_text("", encoding="utf-8")
    where = str(tmp_path / "a-file" / "ws")
    for lang, said in (("zh", f"错误：路径中有一段不是文件夹：{where}"),
                       ("en", f"error: Not a directory: {where}")):  # fmt: skip
        done = CliRunner().invoke(cli, ["init", where, "--lang", lang])
        assert done.exit_code == 1
        assert done.output.strip() == said, done.output
