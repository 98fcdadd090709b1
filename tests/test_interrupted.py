"""Every command stopped by Ctrl-C (SIGINT) or SIGTERM ends with one line in the
reader's language: that it was interrupted and, where it wrote or changed something,
what was kept. Real ``okrdesk`` processes, sent the signal."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from okrdesk.store import Store
from sample_workspace import WriteWorkspace, trusted
from test_plugin_interrupts import signalled_once
from test_store import blocked_collect

HANG_GUARD = 300
"""Seconds after which a command that should have stopped is taken never to stop."""

SLOW_TO_IMPORT = """\
import pathlib
import time

pathlib.Path({ready!r}).write_text("importing")
time.sleep(3600)
"""

STOPPED = {
    ("en", signal.SIGINT): ("interrupted (Ctrl-C)", 130),
    ("zh", signal.SIGINT): ("已中断（Ctrl-C）", 130),
    ("en", signal.SIGTERM): ("interrupted (SIGTERM)", 143),
    ("zh", signal.SIGTERM): ("已中断（SIGTERM）", 143),
}


def stopped_as_plugins_load(
    write_workspace: WriteWorkspace, tmp_path: Path, sent: signal.Signals, *args: str
) -> tuple[int, str, str]:
    """``okrdesk ARGS`` sent ``sent`` while a workspace plugin takes its time to import:
    its status, standard output and standard error."""
    root = write_workspace()
    ready = tmp_path / "ready"
    (root / "plugins" / "slow.py").write_text(SLOW_TO_IMPORT.format(ready=str(ready)), "utf-8")
    trusted(root)
    command = [sys.executable, "-m", "okrdesk", *args, "-w", str(root)]
    env = {**os.environ, "OKRDESK_LOAD_PLUGINS": "test_metrics,slow"}
    return signalled_once(command, env, ready.exists, sent)


@pytest.mark.parametrize(("lang", "sent"), sorted(STOPPED), ids=lambda v: str(v))
@pytest.mark.parametrize(
    "command", [["report"], ["send", "--dry-run"]], ids=["report", "send-dry-run"]
)
def test_a_command_that_writes_nothing_says_it_was_interrupted_and_no_more(
    write_workspace: WriteWorkspace,
    tmp_path: Path,
    command: list[str],
    lang: str,
    sent: signal.Signals,
) -> None:
    """It ended with click's English "Aborted!" (已中止！), which says neither what stopped
    it nor, in an English workspace read in Chinese, in the reader's language."""
    status, stdout, stderr = stopped_as_plugins_load(
        write_workspace, tmp_path, sent, *command, "--lang", lang
    )
    said, expected = STOPPED[lang, sent]
    assert (status, stderr.strip()) == (expected, said), stderr
    assert stdout == ""


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_report_to_a_file_says_the_file_is_as_it_was(
    write_workspace: WriteWorkspace, tmp_path: Path, lang: str
) -> None:
    out = tmp_path / "report.html"
    status, _, stderr = stopped_as_plugins_load(
        write_workspace, tmp_path, signal.SIGINT, "report", "--out", str(out), "--lang", lang
    )
    said = {"en": f"interrupted (Ctrl-C): {out} is as it was, or written whole",
            "zh": f"已中断（Ctrl-C）：{out} 保持原样，或已完整写出"}  # fmt: skip
    assert (status, stderr.strip()) == (130, said[lang]), stderr
    assert not out.exists()


COLLECT_KEPT = {
    "en": "a collect stores its figures all at once as it finishes, and one stopped before "
    "then stored none: every metric keeps its earlier numbers, and its run, where it had "
    "begun one (it may have been waiting for another collect), is noted as stopped "
    "(`okrdesk check` says so); run `okrdesk collect` again",
    "zh": "采集在完成时才一并存入数字，完成前被中断的采集一个也没有入库：各指标保留此前的数字；"
    "如已开始运行（它也可能还在等待另一次采集），本次采集记为已中断（`okrdesk check` "
    "会提示）；请重新运行 `okrdesk collect`",
}


@pytest.mark.parametrize(("lang", "sent"), sorted(STOPPED), ids=lambda v: str(v))
def test_a_collect_says_what_it_stored_and_that_its_run_is_noted_stopped(
    write_workspace: WriteWorkspace, tmp_path: Path, lang: str, sent: signal.Signals
) -> None:
    """In the workspace's language, as cron runs it (no --lang): what the words say is
    what the store holds, nothing of the stopped run's and the run marked stopped."""
    root = write_workspace()
    with (root / "okrdesk.toml").open("a", encoding="utf-8") as settings:
        settings.write(f'\n[workspace]\nlang = "{lang}"\n')
    with blocked_collect(root, tmp_path) as (process, _, _):
        process.send_signal(sent)
        _, stderr = process.communicate(timeout=HANG_GUARD)
    said, expected = STOPPED[lang, sent]
    separator = "：" if lang == "zh" else ": "
    assert process.returncode == expected, stderr
    assert stderr.strip().splitlines()[-1] == said + separator + COLLECT_KEPT[lang], stderr
    assert "Aborted" not in stderr and "已中止" not in stderr and "Traceback" not in stderr
    with Store.open(root / "okrdesk.db") as store:
        assert store.query("SELECT count(*) FROM observations")[0][0] == 0
        (run,) = store.runs()
    assert (run.status, run.unfinished) == (
        "interrupted" if sent == signal.SIGINT else "terminated", True)  # fmt: skip


def test_a_collect_stopped_while_it_waits_for_another_began_no_run_and_says_no_more(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    """A collect waiting for one of the same plan still running has no run of its own:
    the words claim none (they said "the run is noted as stopped"), and none is kept."""
    root = write_workspace()
    with blocked_collect(root, tmp_path) as (blocked, _, _):
        waiting = subprocess.Popen(
            [sys.executable, "-m", "okrdesk", "collect", "--lang", "en", "-w", str(root)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**os.environ, "OKRDESK_LOAD_PLUGINS": "test_metrics"},
        )  # fmt: skip
        try:
            assert waiting.stderr is not None
            assert waiting.stderr.readline().startswith("Waiting for collect run 1 ")
            waiting.send_signal(signal.SIGINT)
            _, stderr = waiting.communicate(timeout=HANG_GUARD)
        finally:
            if waiting.poll() is None:
                waiting.kill()
                waiting.communicate()
        blocked.send_signal(signal.SIGINT)
        blocked.communicate(timeout=HANG_GUARD)
    assert waiting.returncode == 130, stderr
    assert stderr.strip().splitlines()[-1] == "interrupted (Ctrl-C): " + COLLECT_KEPT["en"]
    with Store.open(root / "okrdesk.db") as store:
        assert [run.id for run in store.runs()] == [1]  # the blocked collect's alone


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_demo_stopped_part_way_says_running_it_again_builds_it_afresh(
    tmp_path: Path, lang: str
) -> None:
    """Stopped once its folder is begun: the folder stays part-built, and the words say
    so and how to have it whole; that command then builds it."""
    root = tmp_path / "demo"
    command = [sys.executable, "-m", "okrdesk", "demo", str(root), "--as-of", "2026-06-30",
               "--lang", lang]  # fmt: skip
    env = {**os.environ, "OKRDESK_LOAD_PLUGINS": "brokerage"}
    begun = (root / ".okrdesk-demo").exists
    status, _, stderr = signalled_once(command, env, begun, signal.SIGINT)
    said = {"en": f"interrupted (Ctrl-C): {root} may be part-built; `okrdesk demo` run "
                  "there again builds it afresh",
            "zh": f"已中断（Ctrl-C）：{root} 可能只生成了一部分；在那里再次运行 `okrdesk demo` "
                  "即可重新生成"}  # fmt: skip
    assert (status, stderr.strip().splitlines()[-1]) == (130, said[lang]), stderr
    again = subprocess.run(command, capture_output=True, text=True, env=env)
    assert again.returncode == 0, again.stderr
    assert list(tmp_path.iterdir()) == [root]  # rebuilt in place, nothing kept beside it
