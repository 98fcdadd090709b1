"""A collect waits for another collect of the same plan for a bound (``--wait``), not for
ever: one that hangs would keep every later collect, each week's cron job, behind it."""

from __future__ import annotations

import time
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner

from backends import Backend
from okrdesk.cli import cli
from okrdesk.periods import local_time
from okrdesk.store import Store
from sample_workspace import WriteWorkspace
from test_collect_seen_whole import (
    THROUGH,
    done,
    figures_exported,
    held_collect,
    okrdesk,
    workspace,
)

GAVE_UP = {
    "en": (
        "collect run 2 of this plan (started {when}, process {pid} on {host}) did not finish "
        "within {waited} (--wait {wait}): nothing was collected, and nothing stored changed. "
        "If that collect hangs, stop it ({stop}; what it had not stored is rolled back, "
        "nothing stored before is lost) and run okrdesk collect again; if it is only slow, "
        "give a longer --wait"
    ),
    "zh": (
        "本计划的第 2 次采集（{when} 开始，{host}进程 {pid}）在 {waited}内没有结束（--wait "
        "{wait}）：本次未采集任何数据，已存的数据没有变动。如果那次采集卡住了，请结束它（{stop}；"
        "它尚未存入的会回滚，之前已存的不会丢失），再运行 okrdesk collect；如果它只是慢，请给"
        "更长的 --wait"
    ),
}


def _started(root: Path, backend: Backend) -> str:
    with backend.open(root) as store:
        return local_time(store.runs()[-1].started)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_collect_that_hangs_is_waited_for_as_long_as_wait_says_then_named(
    backend: Backend, tmp_path: Path, lang: str
) -> None:
    # It was waited for without end: a collect whose plugin hung kept the second (a cron
    # job) waiting for ever, and next week's behind that.
    root = workspace(backend)
    assert done(okrdesk(root, "collect", "--through", THROUGH, OKRDESK_TEST_FIGURE="1"))
    with held_collect(root, tmp_path / "gate", figure="2") as hung:
        when = _started(root, backend)
        host = {"en": "this machine", "zh": "本机"}[lang]
        stop = {"en": f"Ctrl-C where it runs, or kill {hung.pid}",
                "zh": f"在它运行的终端按 Ctrl-C，或 kill {hung.pid}"}[lang]  # fmt: skip
        # 1.5 read "within 2 seconds (--wait 1.5)": the figure typed is said as typed.
        for wait, waited in [("1.5", {"en": "1.5 seconds", "zh": "1.5 秒"}),
                             ("0", {"en": "0 seconds", "zh": "0 秒"})]:  # fmt: skip
            started = time.monotonic()
            second = okrdesk(root, "--lang", lang, "collect", "--through", THROUGH,
                             "--wait", wait, OKRDESK_TEST_FIGURE="3")  # fmt: skip
            out, err = second.communicate(timeout=60)
            took = time.monotonic() - started
            assert second.returncode == 1, out + err
            said = GAVE_UP[lang].format(when=when, pid=hung.pid, host=host, stop=stop,
                                        waited=waited[lang], wait=wait)  # fmt: skip
            assert said in err and "Traceback" not in err, err
            if wait == "0":  # told at once, never said to be waited for
                assert not err.startswith(("Waiting", "等待")) and took < 30, err
            else:
                assert err.startswith(("Waiting for collect run 2", "等待第 2 次采集")), err
                at_most = {
                    "en": "for at most 1.5 seconds (--wait)",
                    "zh": "最多等 1.5 秒（--wait）",
                }
                assert at_most[lang] in err, err
                assert took >= 1.5
        assert hung.poll() is None
        # Nothing of the collect that gave up was stored, nor its run noted.
        assert figures_exported(root) == {"week": {1.0}, "month": {1.0}}
        with backend.open(root) as store:
            assert len(store.runs()) == 2
        (tmp_path / "gate").write_text("open", encoding="utf-8")
        assert "第 2 次采集" in done(hung)
    assert figures_exported(root) == {"week": {2.0}, "month": {2.0}}


def test_a_collect_that_hangs_on_another_machine_is_named_with_it(
    write_workspace: WriteWorkspace, postgres_url: str, tmp_path: Path
) -> None:
    # On a store several machines share, the collect job's server holds the plan's lock:
    # what to stop is there.
    backend = Backend("postgresql", postgres_url, write_workspace)
    root = workspace(backend)
    with held_collect(root, tmp_path / "gate", figure="2") as elsewhere:
        with psycopg.connect(postgres_url, autocommit=True) as server:
            server.execute("UPDATE runs SET host = 'okrdesk-job-server'")
        when = _started(root, backend)
        second = okrdesk(root, "--lang", "zh", "collect", "--through", THROUGH, "--wait", "1",
                         OKRDESK_TEST_FIGURE="3")  # fmt: skip
        out, err = second.communicate(timeout=60)
        assert second.returncode == 1, out + err
        said = GAVE_UP["zh"].format(
            when=when, pid=elsewhere.pid, host="okrdesk-job-server 上的", waited="1 秒",
            wait="1", stop=f"在 okrdesk-job-server 上 kill {elsewhere.pid}",
        ).replace("第 2 次", "第 1 次")  # fmt: skip
        assert said in err, err
        assert "等待第 1 次采集" in err and "最多等 1 秒（--wait）" in err
        (tmp_path / "gate").write_text("open", encoding="utf-8")
        assert "第 1 次采集" in done(elsewhere)
    with Store.open(postgres_url) as store:
        assert len(store.runs()) == 1


NO_SECONDS = (
    "--wait: {} is not a number of seconds; write 600 for ten minutes, 0 not to wait",
    "--wait：{} 不是秒数；等十分钟请写 600，不等请写 0",
)
NOT_A_WEEK = (
    "--wait: {} is not from 0 (do not wait) to 604800 seconds (a week); write 600 for ten minutes",
    "--wait：{} 不在 0（不等）到 604800 秒（一周）之间；等十分钟请写 600",
)


@pytest.mark.parametrize(
    ("wait", "en", "zh"),
    [
        ("nan", *(said.format("'nan'") for said in NO_SECONDS)),
        ("-1", *(said.format("'-1'") for said in NOT_A_WEEK)),
        ("10m", *(said.format("'10m'") for said in NO_SECONDS)),
        ("1e9", *(said.format("'1e9'") for said in NOT_A_WEEK)),
    ],
)
def test_a_wait_that_is_no_number_of_seconds_is_refused(
    write_workspace: WriteWorkspace, wait: str, en: str, zh: str
) -> None:
    root = write_workspace()
    for lang, said in (("en", en), ("zh", zh)):
        refused = CliRunner().invoke(
            cli, ["--lang", lang, "collect", "--wait", wait, "-w", str(root)]
        )
        assert refused.exit_code == 2 and said in refused.output, refused.output
