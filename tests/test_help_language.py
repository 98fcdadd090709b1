"""`okrdesk --help` in Chinese or English: as --lang says (anywhere on the command line),
else as the workspace's language, else, outside a workspace, as the locale's.

The English help is the commands' own (docstrings, ``help=``); the Chinese is in
okrdesk/cli/help_zh.py. These tests keep the two in step, run the real command line
in both languages, and hold the Chinese layout to the terminal's columns.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from okrdesk.cli import cli
from okrdesk.cli.help import columns, long_name
from okrdesk.cli.help_zh import COMMANDS, EVERY_COMMAND
from sample_workspace import WriteWorkspace

Path_ = tuple[str, ...]


def tree(group: click.Group = cli, path: Path_ = ()) -> list[tuple[Path_, click.Command]]:
    """Every command below ``group``, the lazily registered ones too."""
    found: list[tuple[Path_, click.Command]] = []
    context = click.Context(group)
    for name in group.list_commands(context):
        command = group.get_command(context, name)
        assert command is not None, name
        found.append(((*path, name), command))
        if isinstance(command, click.Group):
            found += tree(command, (*path, name))
    return found


COMMAND_TREE: list[tuple[Path_, click.Command]] = [((), cli), *tree()]
TREE_IDS = [" ".join(path) or "okrdesk" for path, _ in COMMAND_TREE]
NO_LOCALE = {"LC_ALL": "", "LC_MESSAGES": "", "LANG": "", "OKRDESK_WORKSPACE": ""}


def options_with_help(command: click.Command) -> dict[str, str]:
    """Its own options (not ``get_params``: a context made here would leave click's cached
    help option without ``-h``); ``--help`` is in ``EVERY_COMMAND``."""
    return {
        long_name(param): param.help
        for param in command.params
        if isinstance(param, click.Option) and param.help and not param.hidden
    }


# ------------------------------------------------------------ the texts in step


def test_every_command_has_its_chinese_help_and_nothing_else_has() -> None:
    keys = {" ".join(path) for path, _ in COMMAND_TREE}
    assert "" in keys and "spend add" in keys
    assert keys - COMMANDS.keys() == set(), "commands with no Chinese help in help_zh.py"
    assert COMMANDS.keys() - keys == set(), "Chinese help in help_zh.py for no command"


@pytest.mark.parametrize(("path", "command"), COMMAND_TREE, ids=TREE_IDS)
def test_every_option_with_english_help_has_chinese_and_the_other_way(
    path: Path_, command: click.Command
) -> None:
    english = options_with_help(command)
    chinese = COMMANDS[" ".join(path)][1]
    missing = {name for name in english if name not in chinese and name not in EVERY_COMMAND}
    assert missing == set(), f"okrdesk {' '.join(path)}: no Chinese help for {missing}"
    stray = chinese.keys() - english.keys()
    assert stray == set(), f"okrdesk {' '.join(path)}: Chinese help for no option: {stray}"
    assert not [p for p in command.params if isinstance(p, click.Argument) and p.help], (
        "an argument's help would need a Chinese side in help_zh.py and in help.py"
    )


_KEPT = re.compile(
    r"(?<![\w-])--?[a-z][a-z-]*|`[^`]+`|\b[A-Z][A-Z_]+\b|\$\w+|[\w.]+\.(?:toml|db|py|md|j2)\b"
)
"""What a translation keeps as written: options, code, metavars, variables, file names."""


@pytest.mark.parametrize(("path", "command"), COMMAND_TREE, ids=TREE_IDS)
def test_the_chinese_keeps_the_options_metavars_and_examples_the_english_names(
    path: Path_, command: click.Command
) -> None:
    """A sentence added to the English naming an option, a file or a command that the
    Chinese does not name fails here: the Chinese has fallen behind."""
    text, options = COMMANDS[" ".join(path)]
    assert command.help is not None
    pairs = [(command.help, text)] + [
        (english, options.get(name) or EVERY_COMMAND[name])
        for name, english in options_with_help(command).items()
    ]
    for english, chinese in pairs:
        assert set(_KEPT.findall(english)) == set(_KEPT.findall(chinese)), (english, chinese)


# ------------------------------------------------------ which language, really


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    result = CliRunner().invoke(
        cli, list(args), prog_name="okrdesk", env={**NO_LOCALE, **(env or {})},
        terminal_width=100, catch_exceptions=False,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return result


ENGLISH = {(): "Usage: okrdesk [OPTIONS] COMMAND", ("report",): "Usage: okrdesk report [OPTIONS]",
           ("spend", "add"): "Usage: okrdesk spend add [OPTIONS] LINE AMOUNT"}  # fmt: skip
CHINESE = {(): "用法：okrdesk [OPTIONS] COMMAND", ("report",): "用法：okrdesk report [OPTIONS]",
           ("spend", "add"): "用法：okrdesk spend add [OPTIONS] LINE AMOUNT"}  # fmt: skip


def said_in(result: Result, path: Path_) -> str:
    first = result.output.splitlines()[0]
    if first.startswith(ENGLISH[path]):
        assert "Options:" in result.output and "Show this message and exit." in result.output
        return "en"
    assert first.startswith(CHINESE[path]), result.output
    assert "\n选项：\n" in result.output and "显示此说明并退出。" in result.output
    assert "Options" not in result.output and "Show this" not in result.output
    return "zh"


@pytest.fixture
def outside(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder that is no workspace, as the current folder."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


def with_lang(root: Path, lang: str | None) -> Path:
    settings = '[workspace]\nname = "x"\n' + (f'lang = "{lang}"\n' if lang else "")
    (root / "okrdesk.toml").write_text(settings, encoding="utf-8")
    return root


@pytest.mark.parametrize("path", list(ENGLISH), ids=lambda p: " ".join(p) or "okrdesk")
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_lang_anywhere_on_the_command_line_chooses_the_help(
    path: Path_, lang: str, outside: Path, write_workspace: WriteWorkspace
) -> None:
    other = "en" if lang == "zh" else "zh"
    root = str(with_lang(write_workspace(), other))
    locale = {"LANG": "zh_CN.UTF-8" if other == "zh" else "en_US.UTF-8"}
    for args in (
        [*path, "--help", "--lang", lang],  # after --help
        ["--lang", lang, *path, "--help"],  # before the command
        [*path, f"--lang={lang}", "-h"],
    ):
        assert said_in(run("-w", root, *args, env=locale), path) == lang, args


@pytest.mark.parametrize("path", list(ENGLISH), ids=lambda p: " ".join(p) or "okrdesk")
@pytest.mark.parametrize(("stated", "expected"), [("en", "en"), ("zh", "zh"), (None, "zh")])
def test_without_lang_the_help_is_in_the_workspace_s_language(
    path: Path_, stated: str | None, expected: str, write_workspace: WriteWorkspace,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """Its lang, else Chinese as its reports are; whatever the locale says."""
    root = with_lang(write_workspace(), stated)
    locale = {"LANG": "zh_CN.UTF-8" if expected == "en" else "en_US.UTF-8"}
    assert said_in(run("-w", str(root), *path, "--help", env=locale), path) == expected
    assert said_in(run(*path, "--help", env={**locale, "OKRDESK_WORKSPACE": str(root)}),
                   path) == expected  # fmt: skip
    monkeypatch.chdir(root)
    assert said_in(run(*path, "--help", env=locale), path) == expected


@pytest.mark.parametrize("path", list(ENGLISH), ids=lambda p: " ".join(p) or "okrdesk")
@pytest.mark.parametrize(
    ("locale", "expected"),
    [({"LANG": "zh_CN.UTF-8"}, "zh"), ({"LANG": "zh_TW.UTF-8"}, "zh"),
     ({"LANG": "en_US.UTF-8"}, "en"), ({"LANG": "C.UTF-8"}, "en"), ({}, "en"),
     ({"LC_ALL": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"}, "en"),
     ({"LC_MESSAGES": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}, "zh")],
)  # fmt: skip
def test_outside_a_workspace_the_help_is_in_the_locale_s_language(
    path: Path_, locale: dict[str, str], expected: str, outside: Path
) -> None:
    assert said_in(run(*path, "--help", env=locale), path) == expected


def test_the_locale_is_read_as_okrdesk_init_reads_it(tmp_path: Path) -> None:
    from okrdesk.cli.languages import locale_language

    for value in ("zh_CN.UTF-8", "zh_HK", "ZH_cn", "en_US.UTF-8", "C", "POSIX", "", "fr_FR"):
        for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
            environ = {name: value, "LANG": "zh_CN.UTF-8" if name != "LANG" else value}
            root = tmp_path / f"{name}-{value or 'unset'}"
            done = CliRunner().invoke(cli, ["init", str(root)], env=environ)
            plan = (root / "targets" / "plan.toml").read_text(encoding="utf-8")
            written = "zh" if plan.startswith("# 一份 okrdesk 计划") else "en"
            assert locale_language(environ) == written, (environ, done.output)


@pytest.mark.parametrize("content", [b"[workspace\nlang = 'en'", b"\xff\xfe", b"lang = 3"])
def test_a_workspace_whose_okrdesk_toml_cannot_be_read_gets_chinese_help(
    content: bytes, write_workspace: WriteWorkspace
) -> None:
    """As its refusals are Chinese (``command_line_language``); never a traceback."""
    root = write_workspace()
    (root / "okrdesk.toml").write_bytes(content)
    result = run("-w", str(root), "report", "--help", env={"LANG": "en_US.UTF-8"})
    assert said_in(result, ("report",)) == "zh"


def test_the_real_command_follows_the_locale_and_a_lang_after_help(outside: Path) -> None:
    """The console script a user runs, in a real process and environment."""
    script = str(Path(sys.executable).parent / "okrdesk")
    env = {**os.environ, **NO_LOCALE, "COLUMNS": "100"}

    def shown(*args: str, **extra: str) -> str:
        done = subprocess.run([script, *args], env={**env, **extra}, capture_output=True,
                              text=True, check=True)  # fmt: skip
        assert done.stderr == ""
        return done.stdout

    assert shown("--help", LANG="zh_CN.UTF-8").startswith("用法：okrdesk [OPTIONS] COMMAND")
    assert shown("--help", LANG="en_US.UTF-8").startswith("Usage: okrdesk [OPTIONS] COMMAND")
    said = shown("report", "--help", "--lang", "zh", LANG="en_US.UTF-8")
    assert said.startswith("用法：okrdesk report [OPTIONS]\n\n  单位的周报：")
    assert "  -o, --out FILE             写入 FILE；" in said


def test_the_chinese_texts_load_only_for_chinese_help(outside: Path) -> None:
    """And no settings reader, plan or plugin for either."""
    probe = (
        "import sys\nfrom okrdesk.cli import cli\n"
        "try:\n    cli.main(sys.argv[1:], prog_name='okrdesk')\nexcept SystemExit:\n    pass\n"
        "loaded = [m for m in ('okrdesk.cli.help_zh', 'okrdesk.targets', 'okrdesk.plugins',"
        " 'okrdesk.model') if m in sys.modules]\n"
        "print(' '.join(loaded), file=sys.stderr)"
    )
    env = {**os.environ, **NO_LOCALE}

    def loaded(*args: str) -> str:
        done = subprocess.run([sys.executable, "-c", probe, *args], env=env,
                              capture_output=True, text=True, check=True)  # fmt: skip
        return done.stderr.strip()

    assert loaded("--help") == ""
    assert loaded("--help", "--lang", "zh") == "okrdesk.cli.help_zh"


# ------------------------------------------------------------------- the layout


@pytest.mark.parametrize("width", [60, 80, 100])
@pytest.mark.parametrize(("path", "command"), COMMAND_TREE, ids=TREE_IDS)
def test_the_chinese_help_fits_the_terminal_and_says_every_text(
    path: Path_, command: click.Command, width: int
) -> None:
    """Each Chinese character takes two columns: no line is wider than the English may
    be (but for a word longer than the line), and every text is there whole, wherever
    its lines broke."""
    result = CliRunner().invoke(
        cli, [*path, "--help", "--lang", "zh"], prog_name="okrdesk", terminal_width=width
    )
    assert result.exit_code == 0, result.output
    for line in result.output.splitlines():  # click lays help out at the width the test forces
        assert columns(line) <= width or " " not in line.strip(), line
    flat = "".join(result.output.split())
    text, options = COMMANDS[" ".join(path)]
    for paragraph in text.strip().split("\n\n"):
        assert "".join(paragraph.split()) in flat
    for said in options.values():
        assert "".join(said.split()) in flat


def test_a_group_s_commands_are_listed_in_chinese() -> None:
    said = run("spend", "--help", "--lang", "zh").output
    assert "\n命令：\n" in said
    assert "  add        在一个预算项上记录一笔支出。" in said
    assert "  reverse    冲正台账中的第 ENTRY 笔（编号见 `spend list`），以更正台账。" in said


def test_defaults_and_required_options_are_said_in_chinese() -> None:
    said = " ".join(run("split", "--help", "--lang", "zh").output.split())
    assert "怎样分配目标值。 [默认：equal]" in said
    said = " ".join(run("collect", "--help", "--lang", "zh").output.split())
    assert "存入的数字与 1 时完全相同。 [默认：1]" in said
    said = " ".join(run("spend", "add", "--help", "--lang", "zh").output.split())
    assert "第二位签字人再给一次。 [必填]" in said


# ----------------------------------------------- --lang before the command's name


def test_lang_before_the_command_s_name_is_the_command_s_when_it_has_none(
    write_workspace: WriteWorkspace,
) -> None:
    root = str(with_lang(write_workspace(), "zh"))
    english = CliRunner().invoke(cli, ["--lang", "en", "-w", root, "due", "--as-of", "2026-03-02"])
    assert english.exit_code == 0, english.output
    chinese = CliRunner().invoke(cli, ["-w", root, "due", "--as-of", "2026-03-02"])
    assert chinese.output != english.output
    own = CliRunner().invoke(cli, ["--lang", "en", "-w", root, "due", "--as-of", "2026-03-02",
                                   "--lang", "zh"])  # fmt: skip
    assert own.output == chinese.output
    spent = ["-w", root, "spend", "add", "training", "1.5", "--signed-by", "王芳", "--date",
             "2026-03-02"]  # fmt: skip
    assert CliRunner().invoke(cli, spent).exit_code == 0
    listed = CliRunner().invoke(cli, ["-w", root, "spend", "--lang", "en", "list"])
    assert listed.exit_code == 0, listed.output
    assert listed.output.split() == ["id", "date", "line", "amount", "(CNY)", "signed", "by", "/",
                                     "note", "1", "2026-03-02", "training", "15,000.00", "王芳",
                                     "net,", "1", "entry", "15,000.00"]  # fmt: skip
    own = CliRunner().invoke(cli, ["-w", root, "spend", "--lang", "en", "list", "--lang", "zh"])
    assert own.output.split()[0] == "编号"


def test_chinese_breaks_between_characters_but_not_inside_a_figure_or_before_punctuation() -> None:
    from okrdesk.cli.help import wrapped

    text = "语言及数值的写法，与 `okrdesk report` 相同（2.54亿 或 CNY 254m）。"
    assert wrapped(text, 37) == [
        "语言及数值的写法，与 `okrdesk report`",
        "相同（2.54亿 或 CNY 254m）。",
    ]
    assert wrapped(text, 46) == [
        "语言及数值的写法，与 `okrdesk report` 相同",
        "（2.54亿 或 CNY 254m）。",
    ]
    assert wrapped("目标写在工作区文件夹里；指标插件", 24) == [
        "目标写在工作区文件夹里；",
        "指标插件",
    ]
    assert wrapped("目标写在工作区文件夹里；指标插件", 22) == [
        "目标写在工作区文件夹",
        "里；指标插件",
    ]
    # The bracket holding a figure goes to the next line whole where that costs no line.
    assert wrapped(text, 50) == [
        "语言及数值的写法，与 `okrdesk report` 相同",
        "（2.54亿 或 CNY 254m）。",
    ]
    assert all(columns(line) <= 30 for line in wrapped("采集" * 40 + " 2.2亿、3,500万", 30))


def test_a_day_is_shown_as_it_is_written_not_as_a_strptime_format() -> None:
    """``--as-of [%Y-%m-%d]``: a format string of Python's where a manager setting up a
    cron job looks for how to write the day."""
    from test_docs_cli import command_tree

    for path in command_tree():
        for lang in ("en", "zh"):
            said = run(*path, "--help", "--lang", lang).output
            assert "%Y" not in said, (path, said)
    for lang in ("en", "zh"):
        assert "--through YYYY-MM-DD" in run("collect", "--help", "--lang", lang).output
        assert "--as-of YYYY-MM-DD" in run("send", "--help", "--lang", lang).output


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", ["run okrdesk collect first (a cron job: okrdesk collect, then okrdesk send)",
                "cron does not read your shell's profile",
                "exit 1 when any failed (the others are sent all the same), 2 for bad input"]),
        ("zh", ["请先运行 okrdesk collect（定时任务：先 okrdesk collect，再 okrdesk send）",
                "cron 不会读取你的 shell 配置文件",
                "有任何渠道失败时退出码为 1（其他渠道照常发送），输入有误"]),
    ],
)  # fmt: skip
def test_send_s_help_says_what_a_cron_job_needs(lang: str, said: list[str]) -> None:
    """It did not say that send reports only what collect stored, that cron's environment
    lacks the shell's variables the webhooks are read from, nor what exit 2 means."""
    shown = "".join(run("send", "--help", "--lang", lang).output.split())
    for words in said:
        assert "".join(words.split()) in shown, shown
