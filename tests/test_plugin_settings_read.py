"""A plugin without a settings check of its own that fails on the line reading one of its
settings is told that setting at its line of okrdesk.toml.

`file = 3` was told as the plugin's own bug alone (``TypeError: unsupported operand
type(s) for /: 'PosixPath' and 'int' (at …)``), and `request.settings["file"]` with no
such key as ``KeyError: 'file'``: nothing said which line of okrdesk.toml to mend."""

from __future__ import annotations

from pathlib import Path

from installed_package import installed_package, okrdesk
from sample_workspace import WriteWorkspace
from test_plugin_rows_unread import FUND_KR

READS = """\
from okrdesk.model import MetricKind, MetricSpec
from okrdesk.plugins import hookimpl
from okrdesk.units import UNITS


@hookimpl
def okrdesk_metrics(register):
    register(MetricSpec("fund_sales", "Fund subscriptions", "基金认购金额", MetricKind.FLOW,
                        UNITS["元"], never_negative=True))


@hookimpl
def okrdesk_collect(request, emit):
    path = request.workspace / request.settings{read}
    emit.warning("fund_sales", f"read {{path}}")
"""


def _collected(root: Path, tmp_path: Path, read: str, lang: str) -> str:
    with installed_package(tmp_path, "fund_read", READS.format(read=read)) as env:
        done = okrdesk(env, "collect", "--lang", lang, "--through", "2026-01-18", "-w", str(root))
    assert done.returncode == 1, done.stdout + done.stderr
    return " ".join((done.stdout + done.stderr).split())


def test_a_setting_of_another_kind_is_told_at_its_line(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    root = write_workspace({"funds.toml": FUND_KR})
    (root / "okrdesk.toml").write_text(
        '[workspace]\nname = "branch"\n\n[sources.fund_read]\nfile = 3\n', encoding="utf-8"
    )
    line = READS.splitlines().index("    path = request.workspace / request.settings{read}") + 1
    told = _collected(root, tmp_path, '.get("file", "data/fund.csv")', "en")
    assert (
        "error: plugin fund_read: okrdesk_collect failed: TypeError: unsupported operand type(s) "
        f"for /: 'PosixPath' and 'int' (at okrdesk_fund_read/__init__.py:{line}); "
        "okrdesk.toml:5: sources.fund_read.file: is 3, a number, which the plugin failed on: "
        "write there what the plugin expects (a plugin checks its settings in "
        "okrdesk_check_settings, so that validate finds this)"
    ) in told, told
    (tmp_path / "zh").mkdir()
    chinese = _collected(root, tmp_path / "zh", '.get("file", "data/fund.csv")', "zh")
    assert "；okrdesk.toml:5: sources.fund_read.file: 是 3（数），插件因它而出错" in chinese, (
        chinese
    )


def test_a_setting_read_with_no_default_and_not_set_is_told(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    root = write_workspace({"funds.toml": FUND_KR})
    told = _collected(root, tmp_path, '["file"]', "en")
    assert ("KeyError: 'file' (at okrdesk_fund_read/__init__.py:") in told, told
    assert (
        "; okrdesk.toml: sources.fund_read.file: not set, and the plugin reads it with no "
        "default: set it in [sources.fund_read], or have the plugin take one "
        "(settings.get('file', …))"
    ) in told, told


def test_a_failure_on_a_line_reading_no_setting_names_none(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    root = write_workspace({"funds.toml": FUND_KR})
    (root / "okrdesk.toml").write_text(
        '[workspace]\nname = "branch"\n\n[sources.fund_read]\nfile = "data/fund.csv"\n',
        encoding="utf-8",
    )
    told = _collected(root, tmp_path, '.get("file", "data/fund.csv")\n    1 / 0', "en")
    assert "ZeroDivisionError: division by zero" in told, told
    assert "okrdesk.toml:5" not in told, told


def test_a_file_a_setting_names_and_not_there_is_told_at_the_setting(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    """The file is opened on a line of its own, which reads no setting: the path the error
    names is the setting's, from the workspace."""
    root = write_workspace({"funds.toml": FUND_KR})
    (root / "okrdesk.toml").write_text(
        '[workspace]\nname = "branch"\n\n[sources.fund_read]\nfile = "data/基金_1120.csv"\n',
        encoding="utf-8",
    )
    opens = '.get("file", "data/fund.csv")\n    path.open("rb")'
    told = _collected(root, tmp_path, opens, "en")
    assert "FileNotFoundError: [Errno 2] No such file or directory: " in told, told
    assert (
        "; okrdesk.toml:5: sources.fund_read.file: names data/基金_1120.csv, which is not "
        "there: write the path of the file, from the workspace, or save the file there"
    ) in told, told
    (tmp_path / "zh").mkdir()
    chinese = _collected(root, tmp_path / "zh", opens, "zh")
    assert (
        "；okrdesk.toml:5: sources.fund_read.file: 写的 data/基金_1120.csv 不存在："
        "请写该文件相对工作区的路径，或把文件存到那里"
    ) in chinese, chinese


def test_a_folder_a_setting_names_without_the_file_read_there_is_told(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    root = write_workspace({"funds.toml": FUND_KR})
    (root / "okrdesk.toml").write_text(
        '[workspace]\nname = "branch"\n\n[sources.fund_read]\nfolder = "data"\n',
        encoding="utf-8",
    )
    (root / "data").mkdir(exist_ok=True)
    told = _collected(
        root, tmp_path, '.get("folder", "data")\n    (path / "fund.csv").open()', "en"
    )
    assert (
        "; okrdesk.toml:5: sources.fund_read.folder: names the folder data, which has no "
        "fund.csv, the file the plugin reads there: save it there, or write the folder "
        "that has it"
    ) in told, told
