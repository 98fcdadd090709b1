"""A KeyboardInterrupt a plugin raises of itself is that plugin's failure, named, and
the rest of the command works; a Ctrl-C the user sends while a plugin runs still stops
the command, exit status 130."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from installed_package import installed_package, okrdesk
from sample_workspace import WriteWorkspace

STOPPED = {signal.SIGTERM: "interrupted (SIGTERM)", signal.SIGINT: "interrupted (Ctrl-C)"}
"""How a collect stopped as it loads its plugins, before it began a run, ends: no more."""

HANG_GUARD = 300
"""Seconds after which a command that should have stopped is taken never to stop: not a
bound on its speed."""

RAISES_AT_IMPORT = """\
raise KeyboardInterrupt
"""

RAISES_DECLARING = """\
from okrdesk.plugins import hookimpl


@hookimpl
def okrdesk_metrics(register):
    raise KeyboardInterrupt
"""


def signalled_once(
    command: list[str], env: dict[str, str], ready: Callable[[], bool], sent: signal.Signals
) -> tuple[int, str, str]:
    """``command`` run, sent ``sent`` once ``ready()`` says so: its status, standard
    output and standard error (killed, where it does not stop within ``HANG_GUARD``)."""
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    try:
        while not ready():
            assert process.poll() is None, process.communicate()
            time.sleep(0.005)
        process.send_signal(sent)
        stdout, stderr = process.communicate(timeout=HANG_GUARD)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    return process.returncode, stdout, stderr


@pytest.mark.parametrize(
    ("source", "said"),
    [
        (RAISES_AT_IMPORT, "plugin stops: failed to import: KeyboardInterrupt"),
        (RAISES_DECLARING, "plugin stops: okrdesk_metrics failed: KeyboardInterrupt"),
    ],
    ids=["at-import", "declaring"],
)
def test_a_plugin_s_own_keyboard_interrupt_is_its_failure_not_the_user_s_ctrl_c(
    write_workspace: WriteWorkspace, tmp_path: Path, source: str, said: str
) -> None:
    root = write_workspace()
    with installed_package(tmp_path, "stops", source) as env:
        collect = okrdesk(env, "collect", "--lang", "en", "--through", "2026-03-15",
                          "-w", str(root))  # fmt: skip
        report = okrdesk(env, "report", "--lang", "en", "--as-of", "2026-03-15", "-w", str(root))
        check = okrdesk(env, "check", "--lang", "en", "--as-of", "2026-03-15", "-w", str(root))
    assert report.returncode == 0, report.stdout + report.stderr
    assert said in " ".join(report.stdout.split())
    # The workspace's own plugin's key result is there, measured.
    assert "新增高净值客户" in report.stdout
    assert check.returncode not in (130, 2), check.stdout + check.stderr
    assert said in " ".join((check.stdout + check.stderr).split())
    assert collect.returncode == 1, collect.stdout + collect.stderr
    assert f"error: {said}" in collect.stderr
    assert "Run 1 failed (1 error below): " in collect.stdout  # the others were stored
    for done in (report, check, collect):
        assert "Traceback" not in done.stderr
        assert "Aborted" not in done.stderr and "已中止" not in done.stderr


WAITS_AT_IMPORT = """\
import pathlib
import time

pathlib.Path({ready!r}).write_text("importing")
{body}
"""

WAITS = "time.sleep(3600)"
CLEANS_UP = """\
try:
    time.sleep(3600)
except KeyboardInterrupt:
    raise RuntimeError("closing the CRM connection failed")
"""


@pytest.mark.parametrize("body", [WAITS, CLEANS_UP], ids=["waits", "fails-cleaning-up"])
@pytest.mark.parametrize("command", ["report", "check"])
def test_a_ctrl_c_while_a_plugin_loads_still_stops_the_command(
    write_workspace: WriteWorkspace, tmp_path: Path, body: str, command: str
) -> None:
    root = write_workspace()
    ready = tmp_path / "ready"
    (root / "plugins" / "slow.py").write_text(
        WAITS_AT_IMPORT.format(ready=str(ready), body=body), encoding="utf-8"
    )
    from sample_workspace import trusted

    trusted(root)
    env = {**os.environ, "OKRDESK_LOAD_PLUGINS": "test_metrics,slow"}
    command_line = [sys.executable, "-m", "okrdesk", command, "--lang", "en", "-w", str(root)]
    status, stdout, stderr = signalled_once(command_line, env, ready.exists, signal.SIGINT)
    assert status == 130, stdout + stderr
    assert "Traceback" not in stderr
    assert "slow" not in stdout  # no report was written as if the plugin had failed


STOPPED_AS_IT_STARTS = """\
import contextlib
import os
import pathlib
import signal
import sys

sent = pathlib.Path(os.environ["OKRDESK_TEST_SENT"])


def profile(frame, event, arg):
    # The moment the fork server has forked the plugin's process, before it is handed
    # what to run: where a signal cut the start in two.
    if event == "return" and frame.f_code.co_name == "connect_to_new_process":
        if not sent.exists():
            sent.write_text("sent")
            os.kill(os.getpid(), int(os.environ["OKRDESK_TEST_SIGNAL"]))


sys.setprofile(profile)
from okrdesk.cli import main

sys.argv = ["okrdesk", *sys.argv[1:]]
main()
"""


@pytest.mark.parametrize(
    ("sent", "status"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)], ids=["sigterm", "ctrl-c"]
)
def test_a_signal_as_a_plugin_process_starts_stops_the_collect_without_a_traceback(
    write_workspace: WriteWorkspace, tmp_path: Path, sent: signal.Signals, status: int
) -> None:
    """A SIGTERM (or Ctrl-C) in the moment a plugin's process is being started: the
    process forked for it waited for what it runs, and printed an EOFError traceback as
    okrdesk ended. The start is finished first, then the command stops as anywhere."""
    root = write_workspace()
    script = tmp_path / "stopped_as_it_starts.py"
    script.write_text(STOPPED_AS_IT_STARTS, encoding="utf-8")
    marker = tmp_path / "sent"
    env = {**os.environ, "OKRDESK_TEST_SENT": str(marker), "OKRDESK_TEST_SIGNAL": str(int(sent))}
    done = subprocess.run(
        [sys.executable, str(script), "collect", "--through", "2026-03-15", "--lang", "en",
         "-w", str(root)],
        capture_output=True, text=True, env=env, timeout=HANG_GUARD, check=False,
    )  # fmt: skip
    if not marker.exists():
        pytest.skip("plugin processes start without a fork server here")
    assert done.returncode == status, done.stderr
    assert done.stderr.strip().splitlines()[-1] == STOPPED[sent], done.stderr
    assert "Traceback" not in done.stderr and "EOFError" not in done.stderr, done.stderr


SERVER_STOPPED_AS_IT_STARTS = """\
import atexit
import contextlib
import os
import pathlib
import signal
import sys

sent = pathlib.Path(os.environ["OKRDESK_TEST_SENT"])
spawned = []


def profile(frame, event, arg):
    # The moment the fork server's process is spawned, before this process has noted it.
    if (event == "return" and frame.f_code.co_name == "spawnv_passfds"
            and frame.f_back.f_code.co_filename.endswith("forkserver.py")
            and not sent.exists()):
        spawned.append(arg)
        sent.write_text("sent")
        os.kill(os.getpid(), int(os.environ["OKRDESK_TEST_SIGNAL"]))


@atexit.register
def noted():
    from multiprocessing import forkserver

    sent.write_text(f"{spawned} {forkserver._forkserver._forkserver_pid}")


sys.setprofile(profile)
from okrdesk.cli import main

sys.argv = ["okrdesk", *sys.argv[1:]]
main()
"""


@pytest.mark.parametrize(
    ("sent", "status"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)], ids=["sigterm", "ctrl-c"]
)
def test_a_signal_as_the_fork_server_starts_is_taken_once_it_has_started(
    write_workspace: WriteWorkspace, tmp_path: Path, sent: signal.Signals, status: int
) -> None:
    """A SIGTERM (or Ctrl-C) in the moment the fork server's process has been spawned:
    the start was cut in two, the server left running with no process of okrdesk's
    knowing its id. The start is finished first, then the command stops as anywhere."""
    root = write_workspace()
    script = tmp_path / "server_stopped_as_it_starts.py"
    script.write_text(SERVER_STOPPED_AS_IT_STARTS, encoding="utf-8")
    marker = tmp_path / "sent"
    env = {**os.environ, "OKRDESK_TEST_SENT": str(marker), "OKRDESK_TEST_SIGNAL": str(int(sent)),
           "OKRDESK_LOAD_PLUGINS": "test_metrics"}  # fmt: skip
    done = subprocess.run(
        [sys.executable, str(script), "collect", "--through", "2026-03-15", "--lang", "en",
         "-w", str(root)],
        capture_output=True, text=True, env=env, timeout=HANG_GUARD, check=False,
    )  # fmt: skip
    if not marker.exists():
        pytest.skip("plugin processes start without a fork server here")
    assert done.returncode == status, done.stderr
    assert done.stderr.strip().splitlines()[-1] == STOPPED[sent], done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    spawned, known = marker.read_text().split(" ", 1)
    assert spawned == f"[{known}]"  # the server spawned is the one this process noted


def fork_server_of(pid: int) -> int | None:
    """The fork server process ``pid`` started, once it runs."""
    for folder in Path("/proc").iterdir():
        try:
            stat = (folder / "stat").read_text().rsplit(")", 1)[-1].split()
            ours = folder.name.isdigit() and int(stat[1]) == pid
            if ours and b"forkserver" in (folder / "cmdline").read_bytes():
                return int(folder.name)
        except (OSError, IndexError, ValueError):
            continue
    return None


def still_runs(pid: int) -> bool:
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[-1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.parametrize(
    ("sent", "status"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)], ids=["sigterm", "ctrl-c"]
)
def test_the_fork_server_ends_with_okrdesk_stopped_as_it_starts(
    write_workspace: WriteWorkspace, sent: signal.Signals, status: int
) -> None:
    """A SIGTERM (or Ctrl-C) to okrdesk alone while its fork server is still importing
    what it preloads: the server saw okrdesk gone only once it waited for work, and ran
    on for as long as its imports took (a second or so on a slow machine)."""
    root = write_workspace()
    running = subprocess.Popen(
        [sys.executable, "-m", "okrdesk", "collect", "--through", "2026-03-15", "-w", str(root)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "OKRDESK_LOAD_PLUGINS": "test_metrics"},
        start_new_session=True,  # a group of its own, stopped whole if left running
    )  # fmt: skip
    try:
        server = None
        deadline = time.monotonic() + HANG_GUARD
        while server is None and running.poll() is None and time.monotonic() < deadline:
            server = fork_server_of(running.pid)
        if server is None:
            pytest.skip("plugin processes start without a fork server here")
        os.kill(running.pid, sent)
        _, stderr = running.communicate(timeout=HANG_GUARD)
        assert running.returncode == status, stderr
        assert "Traceback" not in stderr, stderr
        assert not still_runs(server)
    finally:
        if running.poll() is None:
            running.kill()
            running.communicate()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(running.pid, signal.SIGKILL)


@pytest.mark.skipif(os.name == "nt", reason="the fork server is POSIX's")
def test_the_fork_server_started_takes_no_ctrl_c_as_it_preloads_okrdesk() -> None:
    """Ctrl-C reaches the fork server with okrdesk's process group: one that came as it
    started and imported okrdesk's modules ended it in a KeyboardInterrupt's traceback (and
    its exit took the folder okrdesk then failed to remove, a second traceback), about
    one Ctrl-C in six in a collect's first second. It starts ignoring Ctrl-C until it
    has preloaded them; the processes it forks for plugins take it as Python does."""
    script = (
        "import os, signal, time\n"
        "from multiprocessing import forkserver\n"
        "from okrdesk.plugins import fork_server\n"
        "fork_server.warm_up()\n"
        "pid = forkserver._forkserver._forkserver_pid\n"
        "for _ in range(40):\n"
        "    os.kill(pid, signal.SIGINT)\n"
        "    time.sleep(0.01)\n"
        "time.sleep(0.3)\n"
        "print('running' if os.waitpid(pid, os.WNOHANG) == (0, 0) else 'ended')\n"
        "ctx = fork_server.process_context()\n"
        "taken = 'import signal, sys; sys.exit(signal.getsignal(signal.SIGINT) is not "
        "signal.default_int_handler or signal.SIGINT in signal.pthread_sigmask("
        "signal.SIG_BLOCK, []))'\n"
        "child = ctx.Process(target=exec, args=(taken,))\n"
        "child.start(); child.join()\n"
        "print('forked', child.exitcode)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=HANG_GUARD, check=False)  # fmt: skip
    assert "Traceback" not in done.stderr, done.stderr
    assert done.stdout.split() == ["running", "forked", "0"], (done.stdout, done.stderr)
