"""An installed plugin that changes okrdesk's own process while ``report``, ``check`` or
``plugins`` loads it there: what it changed is put back and told as its error, and the
command reads the workspace, writes its output and exits as it would without it."""

from __future__ import annotations

import datetime as dt
import json
import re
import signal
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from installed_package import installed_package, okrdesk
from okrdesk.errors import Said
from sample_workspace import WriteWorkspace

MEDDLES = """\
import click
import locale
import os
import resource

import okrdesk.messages
from okrdesk.model import MetricKind, MetricSpec
from okrdesk.plugins import hookimpl
from okrdesk.units import UNITS

os.write(1, b"licence ok\\n")
resource.setrlimit(resource.RLIMIT_NOFILE, (64, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))
os.chdir("/")
os.environ["OKRDESK_LOAD_PLUGINS"] = ""
os.environ["MEDDLES_OWN"] = "kept"
locale.setlocale(locale.LC_ALL, "C")
click.echo = lambda *args, **kwargs: None
okrdesk.messages.counted = lambda *args, **kwargs: "PATCHED"


@hookimpl
def okrdesk_metrics(register):
    register(MetricSpec("salon_visits", "Salon visits", "沙龙到访", MetricKind.FLOW, UNITS["人"]))
"""

ENDS = """\
import os

from okrdesk.model import MetricKind, MetricSpec
from okrdesk.plugins import hookimpl
from okrdesk.units import UNITS


@hookimpl
def okrdesk_metrics(register):
    register(MetricSpec("salon_visits", "Salon visits", "沙龙到访", MetricKind.FLOW, UNITS["人"]))
    os._exit(4)
"""


def _run(tmp_path: Path, root: Path, source: str, *commands: tuple[str, ...]) -> list:
    with installed_package(tmp_path, "meddles", source) as env:
        collected = okrdesk(env, "collect", "--through", "2026-03-15", "-w", str(root))
        assert "Traceback" not in collected.stderr
        return [okrdesk(env, *command, "-w", str(root)) for command in commands]


def test_what_a_plugin_changes_of_okrdesks_process_is_put_back_and_named(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    root = write_workspace()
    as_of = ("--as-of", "2026-03-15")
    as_json, check, check_zh, listed = _run(
        tmp_path, root, MEDDLES,
        ("report", *as_of, "--lang", "en", "--format", "json"),
        ("check", *as_of, "--lang", "en"),
        ("check", *as_of, "--lang", "zh"),
        ("plugins", "--lang", "en"),
    )  # fmt: skip
    for done in (as_json, check, check_zh, listed):
        assert "Traceback" not in done.stdout + done.stderr
        assert not done.stdout.startswith("licence ok")
    # What it wrote straight to standard output stays out of the JSON, and the folder it
    # left did not take the workspace away: the other plugin's figures are there.
    report = json.loads(as_json.stdout)
    (o1,) = [o for o in report["objectives"] if o["id"] == "O1"]
    (kr1,) = [kr for kr in o1["key_results"] if kr["id"] == "O1.KR1"]
    assert kr1["actual"] == 33
    assert check.returncode == 1
    told = " ".join(check.stdout.split())
    assert "plugin meddles: wrote to standard output or error directly (11 bytes), " in told
    assert "licence ok" in told
    assert "plugin meddles: changed the current folder (to /), which a plugin must not do" in told
    assert (
        "plugin meddles: changed environment variables okrdesk reads (OKRDESK_LOAD_PLUGINS), "
        "which a plugin must not do; they were put back"
    ) in told
    assert "plugin meddles: changed the locale (to C)" in told
    assert (
        "plugin meddles: changed the limits the system sets on okrdesk's process (open files), "
        "which a plugin must not do; they were put back"
    ) in told
    assert "replaced okrdesk's own code (click.echo, okrdesk.messages.counted)" in told
    assert "PATCHED" not in told
    zh = " ".join(check_zh.stdout.split())
    assert "插件 meddles：更改了当前文件夹（改为 /），插件不得如此" in zh
    assert (
        "替换了 okrdesk 自身的代码（click.echo、okrdesk.messages.counted），插件不得如此；已复原"
        in zh
    )
    assert "new_hnw_clients" not in listed.stderr
    assert "meddles" in listed.stdout and "salon_visits" in listed.stdout
    assert "test_metrics" in listed.stdout  # OKRDESK_LOAD_PLUGINS as the user set it


FORKS = """\
import os

from okrdesk.model import MetricKind, MetricSpec
from okrdesk.plugins import hookimpl
from okrdesk.units import UNITS


@hookimpl
def okrdesk_metrics(register):
    register(MetricSpec("salon_visits", "Salon visits", "沙龙到访", MetricKind.FLOW, UNITS["人"]))
    child = os.fork()
    if child == 0:
        os._exit(0)  # a worker of its own, done
    os.waitpid(child, 0)
"""


def test_a_process_a_plugin_forks_still_ends_with_os_exit(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    """``os._exit`` is refused in okrdesk's own process while a plugin's call runs; in a
    child the plugin forked, refused, it ran okrdesk's code on from the fork: the report
    printed twice."""
    root = write_workspace()
    (report,) = _run(tmp_path, root, FORKS, ("report", "--as-of", "2026-03-15", "--lang", "en"))
    assert report.returncode == 0, report.stderr
    assert report.stdout.count("As of 2026-03-15") == 1, report.stdout
    assert "EndedTheProcess" not in report.stdout + report.stderr


def test_os_exit_while_declaring_fails_the_plugin_not_the_report(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    root = write_workspace()
    report, listed = _run(
        tmp_path, root, ENDS,
        ("report", "--as-of", "2026-03-15", "--lang", "en"),
        ("plugins", "--lang", "zh"),
    )  # fmt: skip
    assert report.returncode == 0, report.stderr
    shown = " ".join(report.stdout.split())
    assert (
        "plugin meddles: okrdesk_metrics failed: EndedTheProcess: it called os._exit(4), which "
        "would have ended okrdesk with no word said (at okrdesk_meddles/__init__.py:11)"
    ) in shown
    assert "O1.KR1" in shown and "33 accts" in shown
    assert listed.returncode == 1
    assert "它调用了 os._exit(4)，那会让 okrdesk 不声不响地退出" in listed.stdout


FORMAT = """\
import os
import sys
import time

from okrdesk.plugins import ReportFormat, hookimpl


def render(report, out, context):
    does = os.environ["FORMAT_DOES"]
    out.write("plan " + report.plan.id + "\\n")
    if does == "exits":
        sys.exit(3)
    if does == "ends":
        os._exit(4)
    if does == "stops":
        raise KeyboardInterrupt
    if does == "hangs":
        time.sleep(10_000)
    if does == "moves":
        os.chdir("/")


@hookimpl
def okrdesk_report_formats(register):
    register(ReportFormat(name="plain", description="plain", render=render, suffixes=".plain"))
"""


def test_a_format_that_exits_stops_itself_hangs_or_moves_fails_with_its_name(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    root = write_workspace()
    args = ("report", "--as-of", "2026-03-15", "--format", "plain", "-w", str(root))
    told = {}
    with installed_package(tmp_path, "plain", FORMAT) as env:
        okrdesk(env, "collect", "--through", "2026-03-15", "-w", str(root))
        env["OKRDESK_PLUGIN_TIMEOUT"] = "1"
        for does in ("writes", "exits", "ends", "stops", "hangs", "moves"):
            done = okrdesk({**env, "FORMAT_DOES": does}, *args, "--lang", "en")
            assert "Traceback" not in done.stderr, done.stderr
            told[does] = (done.returncode, done.stderr.strip())
        zh = okrdesk({**env, "FORMAT_DOES": "hangs"}, *args, "--lang", "zh")
        # The workspace's own limit holds a format's render too, where no variable is set.
        settings = root / "okrdesk.toml"
        kept = settings.read_text(encoding="utf-8") if settings.exists() else ""
        settings.write_text("[workspace]\nplugin_timeout = 1\n" + kept, encoding="utf-8")
        unset = {k: v for k, v in env.items() if k != "OKRDESK_PLUGIN_TIMEOUT"}
        by_workspace = okrdesk({**unset, "FORMAT_DOES": "hangs"}, *args, "--lang", "en")
        settings.write_text(kept, encoding="utf-8")
        out = root / "week.plain"
        to_file = okrdesk({**env, "FORMAT_DOES": "exits"}, *args, "--out", str(out))
    assert told["writes"] == (0, "")
    assert told["exits"] == (
        1,
        "report format plain failed: SystemExit: it called sys.exit(3), and a plugin must not "
        "end the program (at okrdesk_plain/__init__.py:12)",
    )
    assert told["ends"] == (1, (
        "report format plain failed: EndedTheProcess: it called os._exit(4), which would have "
        "ended okrdesk with no word said (at okrdesk_plain/__init__.py:14)"
    ))  # fmt: skip
    # Its own KeyboardInterrupt is its failure, not the user's Ctrl-C (exit 130).
    assert told["stops"] == (
        1,
        "report format plain failed: KeyboardInterrupt (at okrdesk_plain/__init__.py:16)",
    )
    # Stopped at the line of its own code it was waiting at, which its author is to find.
    assert told["hangs"] == (1, (
        "report format plain did not finish within 1 s and was stopped at "
        "okrdesk_plain/__init__.py:18 (to allow longer: [workspace] plugin_timeout in "
        "okrdesk.toml, or $OKRDESK_PLUGIN_TIMEOUT)"
    ))  # fmt: skip
    assert (by_workspace.returncode, by_workspace.stderr.strip()) == told["hangs"]
    assert zh.returncode == 1
    assert (
        "报告格式 plain 在 1 秒内未完成，已在 okrdesk_plain/__init__.py:18 处停止"
        "（如需更长：okrdesk.toml 的 [workspace] "
        "plugin_timeout，或 $OKRDESK_PLUGIN_TIMEOUT）"
    ) in zh.stderr
    assert told["moves"][0] == 1
    assert "report format plain changed the current folder (to /)" in told["moves"][1]
    assert told["moves"][1].endswith("it was put back (at okrdesk_plain/__init__.py:20)")
    # A file given with --out is not written by a format that failed.
    assert to_file.returncode == 1 and not out.exists()


KILLS = """\
import csv
import os
import signal

from okrdesk.model import MetricKind, MetricSpec
from okrdesk.plugins import ReportFormat, hookimpl
from okrdesk.units import UNITS


@hookimpl
def okrdesk_metrics(register):
    register(MetricSpec("salon_visits", "Salon visits", "沙龙到访", MetricKind.FLOW, UNITS["人"]))
    os.kill(os.getpid(), signal.SIGKILL)


def render(report, out, context):
    writer = csv.writer(out, lineterminator="\\n")
    writer.writerow(["key_result", "actual"])
    for objective in report.objectives:
        for kr in objective.key_results:
            writer.writerow([kr.id, kr.actual])


@hookimpl
def okrdesk_report_formats(register):
    register(ReportFormat("krcsv", "one row per key result", render, (".csv",)))
"""


def test_a_plugin_that_killed_okrdesks_process_is_not_run_there_again_until_it_changes(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    """A plugin that kills okrdesk's process in okrdesk_metrics has that hook left out
    once it has done so twice: its report format, which never failed, still writes."""
    root = write_workspace()
    report = ("report", "--as-of", "2026-03-15", "--lang", "en", "-w", str(root))
    with installed_package(tmp_path, "kills", KILLS) as env:
        collected = okrdesk(
            env, "collect", "--through", "2026-03-15", "--lang", "en", "-w", str(root)
        )
        # In a process of its own: named, and every other figure stored.
        assert collected.returncode == 1
        assert (
            "plugin kills: its process was killed during loading (SIGKILL: by itself, by someone, "
            "or by the system when memory ran short)"
        ) in collected.stderr, collected.stderr
        # In okrdesk's own process nothing can stop it, nor say a word as it happens...
        first = okrdesk(env, *report)
        assert first.returncode == -signal.SIGKILL
        # ...once may be the system's doing (a command killed for its memory, or by a
        # job's time limit, as it loaded a plugin that did nothing wrong): run again...
        again = okrdesk(env, *report)
        assert again.returncode == -signal.SIGKILL
        # ...but the command after a second knows, and leaves that hook out, naming it.
        second = okrdesk(env, *report)
        listed = okrdesk(env, "plugins", "--lang", "zh", "-w", str(root))
        check = okrdesk(env, "check", "--as-of", "2026-03-15", "--lang", "en", "-w", str(root))
        as_csv = okrdesk(env, *report, "--format", "krcsv")
    assert second.returncode == 0, second.stderr
    shown = " ".join(second.stdout.split())
    assert (
        "plugin kills: okrdesk_metrics not run: it ended okrdesk's process during "
        "okrdesk_metrics when a command last ran it ("
    ) in shown
    assert "O1.KR1" in shown and "33 accts" in shown
    assert check.returncode == 1
    assert "plugin kills: okrdesk_metrics not run:" in " ".join(check.stdout.split())
    assert "okrdesk_metrics 未运行：" in listed.stdout
    assert "它在 okrdesk_metrics 期间让 okrdesk 的进程不声不响地终止了" in listed.stdout
    assert "报告格式 krcsv" in listed.stdout
    assert as_csv.returncode == 0, as_csv.stderr
    assert as_csv.stdout.splitlines()[:2] == ["key_result,actual", "O1.KR1,33.0"]
    # Changed (a new version installed), it is run again.
    mended = KILLS.replace("    os.kill(os.getpid(), signal.SIGKILL)\n", "")
    with installed_package(tmp_path / "mended", "kills", mended) as env:
        third = okrdesk(env, *report)
    assert third.returncode == 0, third.stderr
    assert "not run" not in " ".join(third.stdout.split())


CRM_FEED = """\
import os
import signal

from okrdesk.model import Direction, MetricKind, MetricSpec
from okrdesk.plugins import hookimpl
from okrdesk.units import UNITS


@hookimpl
def okrdesk_metrics(register):
    register(MetricSpec("new_hnw_clients", "New HNW clients", "新增高净值客户",
                        MetricKind.FLOW, UNITS["户"]))
    register(MetricSpec("complaint_rate", "Complaint rate", "投诉率", MetricKind.RATIO,
                        UNITS["‰"], direction=Direction.AT_MOST))


@hookimpl
def okrdesk_collect(request, emit):
    for period in request.periods:
        for number, person in enumerate(request.people, start=1):
            emit("new_hnw_clients", person.id, period.id, value=number, source="crm")
            emit("complaint_rate", person.id, period.id, numerator=number - 1,
                 denominator=1000, source="crm")


@hookimpl
def okrdesk_report_formats(register):
    FAILS
"""


@pytest.mark.parametrize(
    "fails",
    [
        "raise RuntimeError('the csv writer is missing')",
        "return ['krcsv']",
        "os.kill(os.getpid(), signal.SIGKILL)",
    ],
    ids=["raises", "returns", "kills"],
)
def test_a_plugin_whose_report_formats_fail_still_has_its_metrics_reported(
    write_workspace: WriteWorkspace, tmp_path: Path, fails: str
) -> None:
    """A plugin's okrdesk_report_formats that fails costs its formats alone: one that
    killed okrdesk's process twice held the whole plugin back, so the report showed its
    key results with no plugin providing their metric. Its metrics are now collected and
    reported, the failure named as the plugin's, and a report asked for in a format of
    its says why there is none."""
    root = write_workspace(plugin=False)
    report = ("report", "--as-of", "2026-03-15", "-w", str(root))
    with installed_package(tmp_path, "crmfeed", CRM_FEED.replace("FAILS", fails)) as env:
        env["OKRDESK_LOAD_PLUGINS"] = "crmfeed"
        collected = okrdesk(env, "collect", "--through", "2026-03-15", "-w", str(root))
        assert collected.returncode == 0, collected.stderr
        if "SIGKILL" in fails:  # ends two commands, then is left out
            for _ in range(2):
                assert okrdesk(env, *report, "--lang", "en").returncode == -signal.SIGKILL
        shown = okrdesk(env, *report, "--lang", "en")
        shown_zh = okrdesk(env, *report, "--lang", "zh")
        as_csv = okrdesk(env, *report, "--lang", "en", "--format", "krcsv")
        listed = okrdesk(env, "plugins", "--lang", "en", "-w", str(root))
        validated = okrdesk(env, "validate", "--lang", "en", "-w", str(root))
    assert shown.returncode == 0, shown.stderr
    said = " ".join(shown.stdout.split())
    # The plugin's figures: 1 + 2 new clients a week for 11 weeks; 1 complaint in 2,000.
    assert re.search(r"│ O1\.KR1 新增\S* +│ +33 accts │ +360 accts │", shown.stdout), shown.stdout
    assert re.search(r"│ O1\.KR2( 投诉率)? +│ +0\.5‰ │ +0\.15‰ │", shown.stdout), shown.stdout
    assert "no loaded plugin provides" not in said
    if "SIGKILL" in fails:
        failed = ("okrdesk_report_formats not run: it ended okrdesk's process during "
                  "okrdesk_report_formats when a command last ran it (")  # fmt: skip
        failed_zh = "它在 okrdesk_report_formats 期间让 okrdesk 的进程不声不响地终止了"
    else:
        failed, failed_zh = "okrdesk_report_formats failed: ", "okrdesk_report_formats 出错："
    assert f"ERROR plugin crmfeed: {failed}" in " ".join(said.replace("…", " ").split())
    assert "".join(failed_zh.split()) in "".join(shown_zh.stdout.split())
    assert as_csv.returncode == 2 and not as_csv.stdout
    assert (
        f'no report format "krcsv"; the formats are: html, json, md, text, xlsx; plugin '
        f"crmfeed, which may provide it, is broken: {failed}"
    ) in " ".join(as_csv.stderr.split()), as_csv.stderr
    assert listed.returncode == 1
    assert "new_hnw_clients" in listed.stdout and f"error: {failed}" in listed.stdout
    assert validated.returncode == 0, validated.stdout + validated.stderr
    assert f"warning: plugin crmfeed: {failed}" in " ".join(validated.stdout.split())


LEAVES_A_THREAD = """\
import threading
import time

from okrdesk.model import MetricKind, MetricSpec
from okrdesk.plugins import hookimpl
from okrdesk.units import UNITS

# A library's background worker, as some start when imported: it never ends.
threading.Thread(target=time.sleep, args=(10**6,), name="worker").start()


@hookimpl
def okrdesk_metrics(register):
    register(MetricSpec("salon_visits", "Salon visits", "沙龙到访", MetricKind.FLOW, UNITS["人"]))


@hookimpl
def okrdesk_collect(request, emit):
    for period in request.periods:
        emit("salon_visits", "cm01", period.id, value=3)
"""


def test_a_thread_a_plugin_leaves_running_does_not_keep_a_command_from_ending(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    root = write_workspace()
    with installed_package(tmp_path, "threads", LEAVES_A_THREAD) as env:
        ran = {
            name: subprocess.run(
                [sys.executable, "-m", "okrdesk", *args, "-w", str(root)], env=env,
                capture_output=True, text=True, timeout=120,  # a hang fails, not waits
            )
            for name, args in {
                "collect": ("collect", "--through", "2026-03-15"),
                "report": ("report", "--as-of", "2026-03-15", "--format", "json"),
                "check": ("check", "--as-of", "2026-03-15"),
            }.items()
        }  # fmt: skip
    assert ran["collect"].returncode == 0, ran["collect"].stderr
    assert ran["report"].returncode == 0, ran["report"].stderr
    report = json.loads(ran["report"].stdout)
    assert any(o["id"] == "O1" for o in report["objectives"])
    assert ran["check"].returncode == 1  # what needs attention in the sample plan
    assert "Traceback" not in ran["check"].stderr


def _ends_its_process_in(plugin: str, step: str) -> None:
    """A process of its own that kills itself while it runs ``plugin``'s ``step``, as a
    plugin's crash in C ends okrdesk's."""
    script = (
        "import os, signal\n"
        "from okrdesk.plugins.process_ends import loading\n"
        f"with loading({plugin!r}, {step!r}):\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    ended = subprocess.run([sys.executable, "-c", script], capture_output=True, check=False)
    assert ended.returncode == -signal.SIGKILL, ended.stderr


def test_a_step_that_ended_okrdesks_process_twice_is_held_back_alone() -> None:
    """Each step is counted on its own: two ends in okrdesk_report_formats hold that hook
    back, not the plugin's import, and one end while importing holds nothing back yet."""
    from okrdesk.plugins.process_ends import LOADING, ended

    def same(plugin: str) -> str:
        return "crmfeed 0.1.0"

    _ends_its_process_in("crmfeed", "okrdesk_report_formats")
    assert ended(same) == {}  # once may be the system's doing
    _ends_its_process_in("crmfeed", LOADING)
    assert ended(same) == {}  # once in each step
    _ends_its_process_in("crmfeed", "okrdesk_report_formats")
    held = ended(same)
    assert list(held) == ["crmfeed"] and list(held["crmfeed"]) == ["okrdesk_report_formats"]
    assert held["crmfeed"]["okrdesk_report_formats"].en.startswith(
        "okrdesk_report_formats not run: it ended okrdesk's process during "
        "okrdesk_report_formats when a command last ran it ("
    )
    _ends_its_process_in("crmfeed", LOADING)
    assert sorted(ended(same)["crmfeed"]) == [LOADING, "okrdesk_report_formats"]
    # Another version of it is run again, every step of it.
    assert ended(lambda plugin: "crmfeed 0.2.0") == {}


def test_a_record_of_an_earlier_okrdesk_still_holds_its_plugin_back() -> None:
    """ended.json as okrdesk wrote it before it held back one step at a time: one step."""
    from okrdesk.plugins.process_ends import LOADING, ended
    from okrdesk.user_cache import user_cache_folder

    folder = user_cache_folder("plugins", "ended")
    folder.mkdir(parents=True)
    (folder / "ended.json").write_text(json.dumps({"kills": {
        "step": LOADING, "when": "2026-12-01T09:30", "fingerprint": "kills 1", "times": 2,
    }}), encoding="utf-8")  # fmt: skip
    (said,) = ended(lambda plugin: "kills 1")["kills"].values()
    assert said.en.startswith("not loaded: it ended okrdesk's process during loading when a "
                              "command last loaded it (2026-12-01 09:30)")  # fmt: skip


@pytest.fixture
def okrdesk_module(tmp_path: Path) -> Iterator[Callable[[str, str], str]]:
    """Write a module of okrdesk's own, ``okrdesk.NAME``, in a folder of the test's put on
    okrdesk's package path: imported as okrdesk imports its modules. Yields the writer,
    which gives the module's full name; every module written is forgotten afterwards."""
    import okrdesk

    folder = tmp_path / "more_of_okrdesk"
    folder.mkdir()
    okrdesk.__path__.append(str(folder))
    written: list[str] = []

    def write(name: str, source: str) -> str:
        (folder / f"{name}.py").write_text(textwrap.dedent(source), encoding="utf-8")
        written.append(f"okrdesk.{name}")
        return f"okrdesk.{name}"

    try:
        yield write
    finally:
        okrdesk.__path__.remove(str(folder))
        for name in written:
            sys.modules.pop(name, None)
            if hasattr(okrdesk, name.partition(".")[2]):
                delattr(okrdesk, name.partition(".")[2])


COPIES = """\
    import functools

    from okrdesk.periods import week_of
    from okrdesk.periods import week_of as the_week

    BY_GRAIN = {"week": week_of, "nested": {"grains": (week_of, "week")}}
    IN_ORDER = [week_of]
    EACH = {week_of}
    THIS_WEEK = functools.partial(week_of)


    def period(day, of=week_of, *, also=week_of):
        return of(day)


    def made():
        held = week_of

        def period(day):
            return held(day)

        return period


    PERIOD = made()


    class Grain:
        of = week_of
        at = staticmethod(week_of)
        table = {"week": week_of}

    NOTHING = None
    NAMES = {"text": str}
"""


def test_copies_of_replaced_code_in_a_module_first_imported_during_the_call_are_put_back(
    okrdesk_module: Callable[[str, str], str],
) -> None:
    """A module of okrdesk's that a plugin's call imports while the plugin has replaced
    okrdesk's code keeps a copy of the replacement: bound to a name (any name), or in a
    table, a default argument, a closure, a partial, a class. Once the call ends, each is
    okrdesk's own code again; what the plugin never replaced (None, str) is left as it is."""
    import importlib

    import okrdesk.periods
    from okrdesk.plugins.kept_state import kept_state

    week_of = okrdesk.periods.week_of
    name = okrdesk_module("copies_kept", COPIES)
    changes: list[Said] = []
    with kept_state(changes):
        okrdesk.periods.week_of = lambda day: "the plugin's week"  # type: ignore[assignment, return-value]
        copies = importlib.import_module(name)
    assert okrdesk.periods.week_of is week_of
    assert [said.en for said in changes] == [
        "replaced okrdesk's own code (okrdesk.periods.week_of), which a plugin must not do; "
        "it was put back"
    ]
    assert copies.week_of is week_of and copies.the_week is week_of
    assert copies.BY_GRAIN["week"] is week_of
    assert copies.BY_GRAIN["nested"]["grains"] == (week_of, "week")
    assert [week_of] == copies.IN_ORDER and {week_of} == copies.EACH
    assert copies.THIS_WEEK.func is week_of
    assert copies.period.__defaults__ == (week_of,)
    assert copies.period.__kwdefaults__ == {"also": week_of}
    day = dt.date(2026, 3, 11)
    assert copies.PERIOD(day) == week_of(day)
    assert copies.Grain.of is week_of and copies.Grain.at is week_of
    assert copies.Grain.table["week"] is week_of
    assert copies.NOTHING is None and {"text": str} == copies.NAMES


def test_a_name_bound_to_nothing_or_a_builtin_is_no_copy_of_the_plugins_replacement(
    okrdesk_module: Callable[[str, str], str],
) -> None:
    """A plugin that sets okrdesk's function to None, or to a builtin, has it put back;
    None and the builtin elsewhere in okrdesk are not taken for copies of it."""
    import importlib

    import okrdesk.periods
    from okrdesk.plugins.kept_state import kept_state

    week_of, month_of = okrdesk.periods.week_of, okrdesk.periods.month_of
    name = okrdesk_module("nothing_kept", """\
        NOTHING = None
        NAMES = {"text": str}
        TEXTS = (str, None)
    """)  # fmt: skip
    changes: list[Said] = []
    with kept_state(changes):
        okrdesk.periods.week_of = None  # type: ignore[assignment]
        okrdesk.periods.month_of = str  # type: ignore[assignment]
        copies = importlib.import_module(name)
    assert okrdesk.periods.week_of is week_of and okrdesk.periods.month_of is month_of
    assert copies.NOTHING is None and {"text": str} == copies.NAMES
    assert (str, None) == copies.TEXTS


def test_code_of_a_module_first_imported_during_the_call_is_put_back_when_replaced(
    okrdesk_module: Callable[[str, str], str],
) -> None:
    """A plugin that imports a module of okrdesk's no command had imported yet (a report
    format's, say) and replaces its code left it replaced for the rest of the command,
    with no word: that module was not among those looked at before the call."""
    import importlib

    from okrdesk.plugins.kept_state import kept_state

    name = okrdesk_module("imported_later", """\
        def render(report):
            return "okrdesk's render"
    """)  # fmt: skip
    changes: list[Said] = []
    with kept_state(changes):
        later = importlib.import_module(name)
        later.render = lambda report: "the plugin's render"
    assert later.render(None) == "okrdesk's render"
    assert [said.en for said in changes] == [
        f"replaced okrdesk's own code ({name}.render), which a plugin must not do; it was put back"
    ]
    # Imported as Python imports it: the module keeps its own loader.
    assert type(later.__loader__).__name__ == "SourceFileLoader"
    assert later.__spec__ is not None and later.__spec__.loader is later.__loader__


def test_a_name_a_module_imported_before_binds_during_the_call_is_put_back(
    okrdesk_module: Callable[[str, str], str],
) -> None:
    """A module of okrdesk's imported before the call that binds a name anew while it
    runs (a lookup kept the first time it is needed) to a replaced function keeps
    okrdesk's own once the call ends."""
    import importlib

    import okrdesk.periods
    from okrdesk.plugins.kept_state import kept_state

    week_of = okrdesk.periods.week_of
    name = okrdesk_module("bound_lazily", """\
        def grain():
            global WEEK
            from okrdesk.periods import week_of as WEEK
            return WEEK
    """)  # fmt: skip
    lazy = importlib.import_module(name)
    with kept_state([]):
        okrdesk.periods.week_of = lambda day: "the plugin's week"  # type: ignore[assignment, return-value]
        lazy.grain()
    assert lazy.WEEK is week_of


REPLACES_A_FORMAT = """\
import okrdesk.report.formats.json as as_json
from okrdesk.model import MetricKind, MetricSpec
from okrdesk.plugins import hookimpl
from okrdesk.units import UNITS

as_json.number = lambda value: '"HIJACKED"'


@hookimpl
def okrdesk_metrics(register):
    register(MetricSpec("salon_visits", "Salon visits", "沙龙到访", MetricKind.FLOW, UNITS["人"]))
"""


def test_a_plugin_that_replaces_code_of_a_format_not_imported_yet_leaves_the_report_okrdesks(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    """The JSON format is imported only when a report asks for it, after the plugins load:
    a plugin that imported it first and replaced its code had every figure of the report
    written by its own function, with no word."""
    root = write_workspace()
    (as_json,) = _run(
        tmp_path, root, REPLACES_A_FORMAT,
        ("report", "--as-of", "2026-03-15", "--lang", "en", "--format", "json"),
    )  # fmt: skip
    assert as_json.returncode == 0, as_json.stderr
    assert "HIJACKED" not in as_json.stdout
    report = json.loads(as_json.stdout)
    (o1,) = [o for o in report["objectives"] if o["id"] == "O1"]
    (kr1,) = [kr for kr in o1["key_results"] if kr["id"] == "O1.KR1"]
    assert kr1["actual"] == 33
    told = [alert["message"] for alert in report["alerts"] if alert["kind"] == "plugin"]
    assert (
        "plugin meddles: replaced okrdesk's own code (okrdesk.report.formats.json.number), "
        "which a plugin must not do; it was put back"
    ) in told, told


def test_a_settings_check_that_ended_okrdesks_process_twice_costs_that_check_alone(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    """validate's okrdesk_check_settings that killed okrdesk's process twice held the
    whole plugin back, in the report too: its metrics went unmeasured. Now validate says
    its check is not run, and why; the report has the plugin's figures."""
    root = write_workspace(plugin=False)
    source = CRM_FEED.replace("    FAILS\n", "    pass\n") + (
        "\n\n@hookimpl\n"
        "def okrdesk_check_settings(settings, collecting):\n"
        "    if not collecting:  # validate's check alone\n"
        "        os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    validate = ("validate", "--lang", "en", "-w", str(root))
    with installed_package(tmp_path, "crmfeed", source) as env:
        env["OKRDESK_LOAD_PLUGINS"] = "crmfeed"
        collected = okrdesk(env, "collect", "--through", "2026-03-15", "-w", str(root))
        assert collected.returncode == 0, collected.stderr
        for _ in range(2):
            assert okrdesk(env, *validate).returncode == -signal.SIGKILL
        validated = okrdesk(env, *validate)
        shown = okrdesk(env, "report", "--as-of", "2026-03-15", "--lang", "en", "-w", str(root))
    assert validated.returncode == 0, validated.stdout + validated.stderr
    assert (
        "plugin crmfeed: okrdesk_check_settings failed: NotRunAgain: it ended okrdesk's "
        "process during okrdesk_check_settings when a command last ran it ("
    ) in " ".join(validated.stdout.split()), validated.stdout
    assert shown.returncode == 0, shown.stderr
    assert re.search(r"│ O1\.KR1 新增\S* +│ +33 accts │ +360 accts │", shown.stdout), shown.stdout
    assert "crmfeed" not in shown.stdout  # nothing of it failed in the report


def test_a_plugin_whose_import_ended_okrdesks_process_twice_is_not_loaded_at_all(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    """Ended as it was imported, the plugin holds nothing okrdesk could run apart: it is
    not loaded, its formats unknown as its metrics are."""
    root = write_workspace()
    source = "import os\nimport signal\n\nos.kill(os.getpid(), signal.SIGKILL)\n\n" + KILLS
    report = ("report", "--as-of", "2026-03-15", "--lang", "en", "-w", str(root))
    with installed_package(tmp_path, "kills", source) as env:
        okrdesk(env, "collect", "--through", "2026-03-15", "-w", str(root))  # the others'
        for _ in range(2):
            assert okrdesk(env, *report).returncode == -signal.SIGKILL
        shown = okrdesk(env, *report)
        as_csv = okrdesk(env, *report, "--format", "krcsv")
    assert shown.returncode == 0, shown.stderr
    assert (
        "plugin kills: not loaded: it ended okrdesk's process during loading when a command "
        "last loaded it ("
    ) in " ".join(shown.stdout.split())
    assert as_csv.returncode == 2
    assert (
        "plugin kills did not load, so whether it provides it is unknown: not loaded: it "
        "ended okrdesk's process during loading"
    ) in " ".join(as_csv.stderr.split()), as_csv.stderr


def _notes_and_reads(rounds: int) -> None:
    from okrdesk.plugins.process_ends import ended, loading

    for _ in range(rounds):
        with loading("crmfeed", "okrdesk_metrics"):
            ended(lambda plugin: "crmfeed 0.1.0")


def test_commands_running_at_once_never_trip_on_each_others_notes() -> None:
    """A command removes the folder of running notes as its last note goes; another,
    noting or reading at that moment, ended on "No such file or directory:
    /tmp/okrdesk-0-running-…" (seen once in CI, where tests run side by side, as a cron
    collect and a report by hand do)."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_notes_and_reads, args=(2000,)) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert [worker.exitcode for worker in workers] == [0, 0, 0, 0]
