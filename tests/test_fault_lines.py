"""A plugin author's faults told with the line of their own code, wherever okrdesk meets
them: a plugin process that crashes, calls ``os._exit`` or is stopped at its time limit
during ``collect``, a settings check stopped at its time limit, a report format's
``render`` stopped so, a plugin that changes the current folder."""

from __future__ import annotations

import os
import re
import textwrap
from pathlib import Path

from installed_package import installed_package, okrdesk
from sample_workspace import WriteWorkspace, trusted

SALONS = """\
[[objectives]]
id = "O9"
title = "沙龙"
owner = "branch"

[[objectives.key_results]]
id = "KR1"
title = "沙龙到访"
metric = "salon_visits"
target = 60
unit = "人"
"""

ENDS = """\
import ctypes
import os
import signal

from okrdesk.model import MetricKind, MetricSpec
from okrdesk.plugins import hookimpl
from okrdesk.units import UNITS


@hookimpl
def okrdesk_metrics(register):
    register(MetricSpec("salon_visits", "Salon visits", "沙龙到访", MetricKind.FLOW, UNITS["人"]))


@hookimpl
def okrdesk_check_settings(settings):
    if os.environ.get("ENDS_IN") == "check":
        os._exit(4)


@hookimpl
def okrdesk_collect(request, emit):
    ends = os.environ.get("ENDS_IN")
    if ends == "segfault":
        ctypes.string_at(0)
    if ends == "abort":
        os.abort()
    if ends == "exit":
        os._exit(5)
    if ends == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    for period in request.periods:
        emit("salon_visits", "cm01", period.id, value=1)
"""


def _collect(root: Path, ends_in: str, lang: str = "en") -> tuple[int, str]:
    env = {**os.environ, "ENDS_IN": ends_in, "OKRDESK_LOAD_PLUGINS": "test_metrics,ends"}
    done = okrdesk(env, "collect", "--through", "2026-03-15", "--lang", lang, "-w", str(root))
    assert "Traceback" not in done.stderr, done.stderr
    return done.returncode, " ".join(done.stderr.split())


def test_a_plugin_process_that_crashes_or_exits_during_collect_is_told_at_its_line(
    write_workspace: WriteWorkspace,
) -> None:
    """Its process ended with no word: the stack Python's faulthandler wrote of the fatal
    signal, or the call of ``os._exit``, names the plugin's line, as an exception's
    would; the settings check it ended in is named as the step."""
    root = write_workspace({"salons.toml": SALONS})
    (root / "plugins" / "ends.py").write_text(ENDS, encoding="utf-8")
    trusted(root)
    crashed = "plugin ends: its process crashed during okrdesk_collect"
    assert _collect(root, "segfault") == (1, (
        f"error: {crashed} (SIGSEGV: a fault in code written in C that it runs, its own or a "
        "library's) (at plugins/ends.py:25) The metrics not stored have no numbers yet: "
        "salon_visits."
    ))  # fmt: skip
    code, told = _collect(root, "abort")
    assert (
        code == 1
        and (
            f"{crashed} (SIGABRT: it aborted itself, as code in C does when one of its checks "
            "fails, or Python's os.abort()) (at plugins/ends.py:27)"
        )
        in told
    ), told
    code, told = _collect(root, "exit")
    assert code == 1, told
    assert (
        "plugin ends: its process ended during okrdesk_collect (exit code 5; a plugin must not "
        "call sys.exit or os._exit) (at plugins/ends.py:29)"
    ) in told
    code, told = _collect(root, "check", "zh")
    assert code == 1, told
    assert (
        "插件 ends：其进程在 okrdesk_check_settings 期间退出（退出码 4；插件不得调用 sys.exit 或 "
        "os._exit）（位于 plugins/ends.py:18）"
    ) in told
    # Nothing in a process runs as it is killed: there is no line to tell.
    code, told = _collect(root, "kill")
    assert code == 1 and "its process was killed during okrdesk_collect (SIGKILL: " in told
    assert "(at " not in told, told


HANGS = """\
import os
import time

from okrdesk.model import MetricKind, MetricSpec
from okrdesk.plugins import hookimpl
from okrdesk.units import UNITS


@hookimpl
def okrdesk_metrics(register):
    register(MetricSpec("salon_visits", "Salon visits", "沙龙到访", MetricKind.FLOW, UNITS["人"]))


@hookimpl
def okrdesk_check_settings(settings):
    if os.environ.get("HANGS_IN") == "check":
        time.sleep(10_000)


@hookimpl
def okrdesk_collect(request, emit):
    while True:
        pass
"""


def test_a_plugin_process_stopped_at_its_time_limit_is_told_at_its_line(
    write_workspace: WriteWorkspace,
) -> None:
    """Before its process is killed at the limit, faulthandler writes where its threads
    were, even in a loop that never lets go of the GIL: the line its author is to find."""
    root = write_workspace({"salons.toml": SALONS})
    (root / "plugins" / "hangs.py").write_text(HANGS, encoding="utf-8")
    trusted(root)
    told = {}
    for hangs_in, lang in [("collect", "en"), ("check", "zh")]:
        env = {**os.environ, "HANGS_IN": hangs_in, "OKRDESK_PLUGIN_TIMEOUT": "2",
               "OKRDESK_LOAD_PLUGINS": "test_metrics,hangs"}  # fmt: skip
        done = okrdesk(env, "collect", "--through", "2026-03-15", "--lang", lang, "-w", str(root))
        assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
        told[hangs_in] = " ".join(done.stderr.split())
    assert re.search(
        r"plugin hangs: okrdesk_collect did not finish within 2 s( \(its time for the whole "
        r"command, [0-9.]+ s of which went to its earlier calls\))?; its process was stopped at "
        r"plugins/hangs\.py:2[23] \(to allow longer: ",
        told["collect"],
    ), told["collect"]
    assert re.search(
        r"插件 hangs：okrdesk_check_settings 在 2 秒内(（[^）]*）)?未完成，"
        r"已在 plugins/hangs\.py:17 处停止，因此未从它采集任何数据",
        told["check"],
    ), told["check"]


STOPS = """\
import os
import time

from okrdesk.model import MetricKind, MetricSpec
from okrdesk.plugins import ReportFormat, hookimpl
from okrdesk.units import UNITS


@hookimpl
def okrdesk_metrics(register):
    register(MetricSpec("salon_visits", "Salon visits", "沙龙到访", MetricKind.FLOW, UNITS["人"]))


@hookimpl
def okrdesk_check_settings(settings):
    if os.environ.get("STOPS_IN") == "check":
        time.sleep(10_000)
    if os.environ.get("STOPS_IN") == "check-moves":
        os.chdir("/")


def render(report, out, context):
    out.write("plan " + report.plan.id + "\\n")
    if os.environ.get("STOPS_IN") == "render":
        while True:
            time.sleep(0.01)
    if os.environ.get("STOPS_IN") == "render-moves":
        os.chdir("/")


@hookimpl
def okrdesk_report_formats(register):
    register(ReportFormat(name="plain", description="plain", render=render))
"""


def test_a_settings_check_or_a_format_stopped_or_moving_is_told_at_its_line(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    """Stopped at the time limit in okrdesk's own process, a settings check and a report
    format's ``render`` are told with the line they were stopped at, as a plugin's import
    is; an ``os.chdir`` in either, with the line that called it."""
    root = write_workspace({"salons.toml": SALONS})
    (root / "okrdesk.toml").write_text("[sources.stops]\nroom = 1\n", encoding="utf-8")
    trusted(root)
    told = {}
    with installed_package(tmp_path, "stops", STOPS) as env:
        okrdesk(env, "collect", "--through", "2026-03-15", "-w", str(root))
        env["OKRDESK_PLUGIN_TIMEOUT"] = "1"
        for stops, command in [
            ("check", ("validate", "--lang", "en")),
            ("check-zh", ("validate", "--lang", "zh")),
            ("check-moves", ("validate", "--lang", "en")),
            ("render", ("report", "--as-of", "2026-03-15", "--format", "plain", "--lang", "en")),
            ("render-zh", ("report", "--as-of", "2026-03-15", "--format", "plain")),
            ("render-moves", ("report", "--as-of", "2026-03-15", "--format", "plain")),
        ]:
            ran = {**env, "STOPS_IN": stops.removesuffix("-zh")}
            done = okrdesk(ran, *command, "-w", str(root))
            assert "Traceback" not in done.stderr, done.stderr
            told[stops] = (done.returncode, " ".join((done.stdout + done.stderr).split()))
    longer = (
        "(to allow longer: [workspace] plugin_timeout in okrdesk.toml, or $OKRDESK_PLUGIN_TIMEOUT)"
    )
    longer_zh = (
        "（如需更长：okrdesk.toml 的 [workspace] plugin_timeout，或 $OKRDESK_PLUGIN_TIMEOUT）"
    )
    code, said = told["check"]
    assert code == 0, said  # a warning: validate goes on
    assert (
        "warning: okrdesk.toml:1: sources.stops: plugin stops: okrdesk_check_settings did not "
        f"finish within 1 s and was stopped at okrdesk_stops/__init__.py:17 {longer}"
    ) in said
    assert (
        "插件 stops：okrdesk_check_settings 在 1 秒内未完成，已在 okrdesk_stops/__init__.py:17 "
        f"处停止{longer_zh}"
    ) in told["check-zh"][1]
    assert (
        "plugin stops: changed the current folder (to /), which a plugin must not do: okrdesk "
        "reads the workspace through it; it was put back (at okrdesk_stops/__init__.py:19)"
    ) in told["check-moves"][1]
    assert told["render"][0] == 1
    assert told["render"][1].endswith(
        "report format plain did not finish within 1 s and was stopped at "
        f"okrdesk_stops/__init__.py:26 {longer}"
    ), told["render"]
    assert (
        f"报告格式 plain 在 1 秒内未完成，已在 okrdesk_stops/__init__.py:26 处停止{longer_zh}"
    ) in told["render-zh"][1]
    assert told["render-moves"][0] == 1
    assert (
        "报告格式 plain 更改了当前文件夹（改为 /），插件不得如此：okrdesk 经由它读取工作区；"
        "已改回（位于 okrdesk_stops/__init__.py:28）"
    ) in told["render-moves"][1]


MOVES_AS_IMPORTED = """\
import os

from okrdesk.model import MetricKind, MetricSpec
from okrdesk.plugins import hookimpl
from okrdesk.units import UNITS


def _settle():
    os.chdir("/")


_settle()


@hookimpl
def okrdesk_metrics(register):
    register(MetricSpec("salon_visits", "Salon visits", "沙龙到访", MetricKind.FLOW, UNITS["人"]))
"""


def test_a_plugin_that_changes_the_current_folder_as_it_is_imported_is_told_at_its_line(
    write_workspace: WriteWorkspace,
) -> None:
    root = write_workspace({"salons.toml": SALONS})
    (root / "plugins" / "moves.py").write_text(textwrap.dedent(MOVES_AS_IMPORTED), "utf-8")
    trusted(root)
    env = {**os.environ, "OKRDESK_LOAD_PLUGINS": "test_metrics,moves"}
    okrdesk(env, "collect", "--through", "2026-03-15", "-w", str(root))
    listed = okrdesk(env, "plugins", "--lang", "en", "-w", str(root))
    report = okrdesk(env, "report", "--as-of", "2026-03-15", "--lang", "zh", "-w", str(root))
    assert listed.returncode == 1
    assert (
        "error: changed the current folder (to /), which a plugin must not do: okrdesk reads "
        "the workspace through it; it was put back (at plugins/moves.py:9)"
    ) in " ".join(listed.stdout.split())
    # The report read the workspace from its folder all the same, and says where.
    assert report.returncode == 0, report.stderr
    assert "插件 moves：更改了当前文件夹（改为 /），插件不得如此：" in report.stdout
    assert "已改回（位于 plugins/moves.py:9）" in " ".join(report.stdout.split())
